"""The model's answer as read (``extractor.pipeline.wire``), through grounding. The sentences
are invented in the style of the articles, not taken from the seeds or the dev set."""

from __future__ import annotations

from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction


def test_a_string_the_model_opens_with_a_space_is_read_without_it() -> None:
    text = "Anxi's industrial output value reached 8.1 billion yuan in May.\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": " industrial output value ",
                    "region": " Anxi",
                    "period": " May",
                    "value": " 8.1 billion yuan",
                }
            ]
        }
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    assert (indicator.name, indicator.region, indicator.period) == (
        "industrial output value",
        "Anxi",
        "May",
    )
    assert indicator.value is not None
    assert indicator.value.raw == "8.1 billion yuan"
