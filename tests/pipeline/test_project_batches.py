"""A batch of projects ("30 projects were started with a total investment of ...") is no
project, but its count and its total are indicators: naming them from the text (module
``wording``) and adding them through grounding. The sentences are invented in the style of
the articles, not taken from the seeds or the dev set."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction
from extractor.pipeline.wording import batch_total_name, count_wording, total_wording

SIGNED = (
    "In the first quarter, 12 projects were signed with a total investment of 3.4 billion "
    "yuan, and 9 projects were started with a total investment of 2.1 billion yuan."
)


def _at(sentence: str, figure: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = sentence.index(figure, start + 1)
    return start, start + len(figure)


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        (SIGNED, "12 projects", "number of projects signed"),
        (SIGNED, "9 projects", "number of projects started"),
        (
            "Another 6 key projects will begin construction next month.",
            "6 key projects",
            "number of key projects",
        ),
    ],
)
def test_a_count_takes_its_passive_verb_and_no_clause_as_qualifier(
    sentence: str, figure: str, expected: str
) -> None:
    assert count_wording(sentence, *_at(sentence, figure)) == expected


@pytest.mark.parametrize(
    ("sentence", "figure", "name", "expected"),
    [
        (SIGNED, "3.4 billion yuan", "total investment", "total investment of projects signed"),
        (SIGNED, "2.1 billion yuan", "total investment", "total investment of projects started"),
        (
            "Total investment for the projects exceeded 9 billion yuan.",
            "9 billion yuan",
            "total investment",
            "total investment of projects",
        ),
    ],
)
def test_a_bare_total_is_named_after_the_batch_the_text_ties_it_to(
    sentence: str, figure: str, name: str, expected: str
) -> None:
    assert total_wording(sentence, _at(sentence, figure)[0], name) == expected


@pytest.mark.parametrize(
    ("sentence", "figure", "name"),
    [
        # a name that says of what is left alone
        (SIGNED, "3.4 billion yuan", "total investment of industrial projects"),
        # a measure is no batch
        (
            "It will make 5,000 tons a year with a total investment of 800 million yuan.",
            "800 million yuan",
            "total investment",
        ),
        # no batch at all
        (
            "The park received a total investment of 1.5 billion yuan.",
            "1.5 billion",
            "total investment",
        ),
    ],
)
def test_a_total_without_a_batch_keeps_no_new_name(sentence: str, figure: str, name: str) -> None:
    assert total_wording(sentence, _at(sentence, figure)[0], name) is None


def test_a_batch_total_without_a_count_is_named_from_the_batch() -> None:
    sentence = "The 40 new industrial projects have an annual planned investment of 5 billion yuan."
    start = sentence.index("5 billion")
    assert batch_total_name(sentence, start, "40 new industrial projects") == (
        "annual planned investment of new industrial projects"
    )


def _batch_answer(investment: str, *indicators: dict[str, object]) -> ChunkExtraction:
    return ChunkExtraction.model_validate(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "9 projects were started",
                    "location": "Anting Industrial Park Co., Ltd.",
                    "investment": investment,
                }
            ],
            "indicators": list(indicators),
        }
    )


def test_grounding_turns_a_batch_of_projects_into_its_count_and_total() -> None:
    text = SIGNED + "\n"
    (chunk,) = default_chunks(text)
    grounded = ground_chunk(text, chunk, _batch_answer("2.1 billion yuan"))
    assert grounded.projects == []
    count, total = grounded.indicators
    assert (count.name, count.value and count.value.value) == ("number of projects started", 9)
    assert total.name == "total investment of projects started"
    assert total.value is not None
    assert total.value.value == 2.1e9
    assert total.value.unit == "CNY"
    assert total.period == "the first quarter"
    assert total.region is None  # a company is no region
    assert [e.text for e in total.evidence] == [SIGNED]


def test_a_batch_adds_no_indicator_for_a_figure_the_model_already_states() -> None:
    text = SIGNED + "\n"
    (chunk,) = default_chunks(text)
    stated = {"sentences": [1], "name": "investment of new projects", "value": "2.1 billion yuan"}
    grounded = ground_chunk(text, chunk, _batch_answer("2.1 billion yuan", stated))
    assert sorted(i.name for i in grounded.indicators) == [
        "investment of new projects",
        "number of projects started",
    ]


def test_a_batch_investment_that_is_no_money_states_no_total() -> None:
    text = "In 2024, 9 projects were started, up 12% year on year.\n"
    (chunk,) = default_chunks(text)
    grounded = ground_chunk(text, chunk, _batch_answer("12%"))
    assert [i.name for i in grounded.indicators] == ["number of projects started"]
