"""The second look (``extract.v1+window.v1``): each sentence that still holds a figure no
record of the chunk writes is asked again alone, with the same prompt, and the indicators
given there for those figures join the chunk's. The end-to-end tests run against a real
OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from fakes.openai_server import Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt

from extractor.errors import ConfigError
from extractor.pipeline.chunk import chunk_document
from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.windows import uncovered, window_of
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import DocumentRecord

PROMPT = "extract.v1+window.v1"
FAIR = "Linhai held its investment fair on Monday."
OUTPUT = (
    "Linhai's industrial output value reached 52.3 billion yuan in 2023, up 7.2 percent, "
    "accounting for 38.2 percent of the province's total."
)
TEXT = f"{FAIR}\n\n{OUTPUT}\n"
LEVEL = {
    "sentences": [2],
    "name": "industrial output value",
    "region": "Linhai",
    "period": "2023",
    "value": "52.3 billion yuan",
    "change": "7.2 percent",
}


def test_a_sentence_with_a_figure_no_record_writes_is_uncovered() -> None:
    (chunk,) = chunk_document(TEXT, max_tokens=400, overlap_tokens=50)
    grounded = ground_chunk(TEXT, chunk, ChunkExtraction.model_validate({"indicators": [LEVEL]}))
    # the share is the one figure no record writes; sentence 1 holds none
    assert uncovered(chunk, grounded) == {2: frozenset({38.2})}


def test_a_window_takes_the_sentences_before_it_in_its_paragraph_only() -> None:
    text = f"{FAIR}\n\nLinhai grew fast. {OUTPUT}\n"
    (chunk,) = chunk_document(text, max_tokens=400, overlap_tokens=50)
    assert [s.text for s in window_of(chunk, 3, 1).sentences] == ["Linhai grew fast.", OUTPUT]
    assert [s.text for s in window_of(chunk, 3, 0).sentences] == [OUTPUT]
    assert [s.text for s in window_of(chunk, 2, 1).sentences] == ["Linhai grew fast."]


def test_the_second_look_joins_a_one_call_prompt_and_changes_its_hash() -> None:
    joined = load_prompt(PROMPT)
    assert isinstance(joined, Prompt)
    assert joined.window is not None
    assert joined.window.context_sentences == 1
    assert joined.sha256 != load_prompt("extract.v1").sha256


def test_a_second_look_and_a_follow_up_together_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="at most one"):
        load_prompt("extract.v1+window.v1+missed.v1")


def test_unreadable_second_look_settings_are_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    (folder / "window.v1.window.json").write_text('{"context_sentences": 1}', "utf-8")
    with pytest.raises(ConfigError, match=re.escape("second look's settings")):
        load_prompt(PROMPT, folder)


def _model(seen: Seen) -> Reply:
    """The chunk's answer states the level; the window's answer states the share, the level
    again, and a project's rate given a facility for region."""
    if FAIR in seen.user_text:
        return chat_completion(seen, {"indicators": [LEVEL]})
    one = {"sentences": [1], "period": "2023"}
    return chat_completion(
        seen,
        {
            "indicators": [
                {**one, "name": "share of industrial output value", "region": "Linhai",
                 "value": "38.2 percent"},
                {**one, "name": "output value", "region": "Linhai", "value": "52.3 billion yuan"},
                {**one, "name": "completion rate", "region": "Linhai Reservoir Project",
                 "value": "38.2 percent"},
            ]
        },
    )  # fmt: skip


def _run(tmp_path: Path, text: str, prompt: str = PROMPT) -> tuple[list[Seen], DocumentRecord]:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "linhai.txt").write_text(text, "utf-8")
    with running_fake(_model) as fake:
        summary, [record] = run_prompt(fake.base_url, tmp_path, prompt)
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    return seen, record


def test_the_second_look_adds_indicators_only_for_the_uncovered_figures(tmp_path: Path) -> None:
    seen, record = _run(tmp_path, TEXT)
    assert len(seen) == 2
    # the window is the sentence alone: the sentence before it is another paragraph's
    assert seen[1].user_text == f"Sentences:\n[1] {OUTPUT}"
    assert FAIR not in seen[1].user_text
    values = sorted((i.name, i.value.value) for i in record.indicators if i.value is not None)
    assert values == [
        ("industrial output value", 52.3e9),
        ("share of industrial output value", 38.2),
    ]
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2


def test_a_chunk_whose_answer_writes_every_figure_makes_one_call(tmp_path: Path) -> None:
    text = f"{FAIR}\n\nLinhai's industrial output value reached 52.3 billion yuan in 2023.\n"
    seen, record = _run(tmp_path, text)
    assert len(seen) == 1
    assert [i.name for i in record.indicators] == ["industrial output value"]


def _schema(seen: Seen) -> str:
    return str((seen.body or {})["response_format"]["json_schema"]["name"])


def test_the_indicators_only_second_look_asks_for_indicators_alone(tmp_path: Path) -> None:
    seen, record = _run(tmp_path, TEXT, "extract.v1+window.v2")
    assert [_schema(s) for s in seen] == ["ChunkExtraction", "IndicatorsAnswer"]
    names = sorted(i.name for i in record.indicators)
    assert names == ["industrial output value", "share of industrial output value"]


LEAD = "Linhai grew fast. Its industry led the province."
SHARE = {"name": "share of industrial output value", "region": "Linhai", "value": "38.2 percent"}


def _confirming(wider_agrees: bool) -> Callable[[Seen], Reply]:
    """The chunk's answer states the level; the window (one sentence of context) states the
    share; the wider window (two) states it again only when ``wider_agrees``."""

    def model(seen: Seen) -> Reply:
        if FAIR in seen.user_text:
            return chat_completion(seen, {"indicators": [{**LEVEL, "sentences": [4]}]})
        if "Linhai grew fast" in seen.user_text:
            shares = [{**SHARE, "sentences": [3]}] if wider_agrees else []
            return chat_completion(seen, {"indicators": shares})
        return chat_completion(seen, {"indicators": [{**SHARE, "sentences": [2]}]})

    return model


@pytest.mark.parametrize("wider_agrees", [True, False])
def test_a_window_whose_wider_reading_disagrees_keeps_nothing(
    tmp_path: Path, wider_agrees: bool
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "linhai.txt").write_text(f"{FAIR}\n\n{LEAD} {OUTPUT}\n", "utf-8")
    with running_fake(_confirming(wider_agrees)) as fake:
        summary, [record] = run_prompt(fake.base_url, tmp_path, "extract.v1+window.v3")
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    # the chunk, the window, then the same sentence with two sentences before it
    assert len(seen) == 3
    assert seen[2].user_text.startswith("Sentences:\n[1] Linhai grew fast.")
    names = sorted(i.name for i in record.indicators)
    shares = ["share of industrial output value"] if wider_agrees else []
    assert names == sorted(["industrial output value", *shares])


def test_a_window_with_no_more_context_is_not_asked_twice(tmp_path: Path) -> None:
    seen, record = _run(tmp_path, TEXT, "extract.v1+window.v3")
    assert len(seen) == 2  # the paragraph has no sentence before the asked one
    assert "share of industrial output value" in {i.name for i in record.indicators}


def test_a_confirming_window_no_wider_than_the_first_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    settings = '{"context_sentences": 2, "confirm_sentences": 2, "facility_regions": []}'
    (folder / "window.v3.window.json").write_text(settings, "utf-8")
    with pytest.raises(ConfigError, match="confirm_sentences must be more"):
        load_prompt("extract.v1+window.v3", folder)
