"""A batch of projects ("30 projects were started with a total investment of ...") is no
project, but its count and its total are indicators: naming them from the text (module
``wording``), finding every count of projects (module ``counts``) and adding them through
grounding. The sentences are invented in the style of
the articles, not taken from the seeds or the dev set."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.chunk import Sentence
from extractor.pipeline.counts import project_counts
from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction
from extractor.pipeline.wording import batch_total_name, count_wording, total_wording
from extractor.records import Evidence, Indicator, Quantity

SIGNED = (
    "In the first quarter, 12 projects were signed with a total investment of 3.4 billion "
    "yuan, and 9 projects were started with a total investment of 2.1 billion yuan."
)
PLACES = "The figures are those of Anting town in Yulin.\n"
"""A closing line naming the places the answers give: a model's place must be the text's."""


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
        (  # "and" inside the batch's modifiers: the total is still that batch's
            "It has 12 industrial projects with a total investment of 7.6 billion yuan and 5 "
            "social and livelihood projects with a total investment of 2 billion yuan.",
            "2 billion yuan",
            "total investment",
            "total investment of social and livelihood projects",
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


def _batch_answer(
    investment: str, *indicators: dict[str, object], location: str = "Anting town"
) -> ChunkExtraction:
    return ChunkExtraction.model_validate(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "9 projects were started",
                    "location": location,
                    "investment": investment,
                }
            ],
            "indicators": list(indicators),
        }
    )


def test_grounding_turns_a_batch_of_projects_into_its_count_and_total() -> None:
    text = SIGNED + "\n" + PLACES
    (chunk,) = default_chunks(text)
    grounded = ground_chunk(text, chunk, _batch_answer("2.1 billion yuan"))
    assert grounded.projects == []
    count, total, other, other_total = grounded.indicators
    # the chunk's other count and its total (counts)
    assert other.name == "number of projects signed"
    assert other_total.name == "total investment of projects signed"
    assert (count.name, count.value and count.value.value) == ("number of projects started", 9)
    assert total.name == "total investment of projects started"
    assert total.value is not None
    assert total.value.value == 2.1e9
    assert total.value.unit == "CNY"
    assert (total.region, total.period) == ("Anting town", "the first quarter")
    assert [e.text for e in total.evidence] == [SIGNED]


def test_a_batch_placed_at_a_company_gives_no_indicator() -> None:
    text = SIGNED + "\n"
    (chunk,) = default_chunks(text)
    answer = _batch_answer("2.1 billion yuan", location="Anting Industrial Park Co., Ltd.")
    assert ground_chunk(text, chunk, answer).indicators == []


def test_a_batch_adds_no_indicator_for_a_figure_the_model_already_states() -> None:
    text = SIGNED + "\n" + PLACES
    (chunk,) = default_chunks(text)
    stated: dict[str, object] = {
        "sentences": [1],
        "name": "investment of new projects",
        "value": "2.1 billion yuan",
    }
    grounded = ground_chunk(text, chunk, _batch_answer("2.1 billion yuan", stated))
    assert sorted(i.name for i in grounded.indicators) == [
        "investment of new projects",
        "number of projects signed",
        "number of projects started",
        "total investment of projects signed",  # the other count's, which none states
    ]


def test_a_batch_investment_that_is_no_money_states_no_total() -> None:
    text = "In 2024, 9 projects were started, up 12% year on year.\n" + PLACES
    (chunk,) = default_chunks(text)
    grounded = ground_chunk(text, chunk, _batch_answer("12%"))
    assert [i.name for i in grounded.indicators] == ["number of projects started"]


def _indicator(sentence: Sentence, region: str | None, value: float, unit: str) -> Indicator:
    return Indicator(
        name="industrial investment",
        region=region,
        value=Quantity(value=value, unit=unit, raw=str(value)),
        evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
    )


COUNTS = (
    "In 2024, Anxi county signed 12 projects and 9 projects were started.\n"
    "Industrial investment in Baiyun district rose by 8%, and 4 new projects were completed.\n"
    "The county will start 20 more projects next year and has 1,200 enterprises.\n"
)


def test_counts_of_projects_are_indicators_named_and_placed_from_the_chunk() -> None:
    (chunk,) = default_chunks(COUNTS)
    first, second, _ = chunk.sentences
    stated = [_indicator(second, "Baiyun district", 8, "%"), _indicator(first, "Anxi", 3, "t")]
    found = {i.name: i for i in project_counts(chunk.sentences, stated)}
    assert sorted(found) == [
        "number of new projects completed",
        "number of projects signed",
        "number of projects started",
    ]
    signed = found["number of projects signed"]
    assert signed.value == Quantity(value=12, unit="projects", raw="12 projects")
    # the place that signs is the sentence's subject, before any indicator's region
    assert (signed.region, signed.period) == ("Anxi county", "2024")
    assert [e.text for e in signed.evidence] == [first.text]
    assert found["number of new projects completed"].region == "Baiyun district"


def test_a_count_of_projects_that_is_a_target_or_already_stated_is_left_out() -> None:
    (chunk,) = default_chunks(COUNTS)
    first = chunk.sentences[0]
    stated = [_indicator(first, "Anxi", 12, "projects")]
    names = [i.name for i in project_counts(chunk.sentences, stated)]
    assert names == ["number of projects started", "number of new projects completed"]


PLACELESS = "In 2024, 12 projects were signed and 9 projects were started.\n"


def test_a_count_without_a_region_is_left_out() -> None:
    """Region is part of an indicator's identity: a count with none cannot be right."""
    (chunk,) = default_chunks(PLACELESS)
    first = chunk.sentences[0]
    assert project_counts(chunk.sentences, []) == []
    stated = [_indicator(first, "Anxi Steel Co., Ltd.", 3, "t")]  # a company is no region
    assert project_counts(chunk.sentences, stated) == []


def test_the_whole_that_a_counted_part_is_taken_from_is_no_count() -> None:
    text = "Lishui has started 45 of the 60 key projects planned for the year.\n"
    (chunk,) = default_chunks(text)
    stated = [_indicator(chunk.sentences[0], "Lishui", 5, "%")]
    assert project_counts(chunk.sentences, stated) == []


def test_grounding_adds_the_counts_of_projects_the_model_left_out() -> None:
    (chunk,) = default_chunks(COUNTS)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [2],
                    "name": "industrial investment",
                    "region": "Baiyun district",
                    "change": "8%",
                }
            ]
        }
    )
    names = [i.name for i in ground_chunk(COUNTS, chunk, answer).indicators]
    assert names[0] == "industrial investment"
    assert "number of projects signed" in names


def test_grounding_names_a_bare_total_after_the_batch_of_projects_it_belongs_to() -> None:
    text = (
        SIGNED
        + "\nThe city made 80,000 vehicles with a total output value of 9 billion yuan.\n"
        + PLACES
    )
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "total investment",
                    "region": "Yulin",
                    "value": "3.4 billion yuan",
                },
                {
                    "sentences": [2],
                    "name": "total output value",
                    "region": "Yulin",
                    "value": "9 billion yuan",
                },
            ]
        }
    )
    projects, products = ground_chunk(text, chunk, answer).indicators[:2]
    assert projects.name == "total investment of projects signed"
    assert products.name == "total output value"  # a batch of products is no batch of projects


def test_a_count_of_projects_brings_the_total_its_sentence_gives_them() -> None:
    text = (
        "On June 9, Lishui signed seven projects, with a total investment of 3.6 billion yuan, "
        "and a plant of 5 billion yuan.\n"
    )
    (chunk,) = default_chunks(text)
    count, total = project_counts(chunk.sentences, [])
    assert (count.name, count.value) == (
        "number of projects signed",
        Quantity(value=7, unit="projects", raw="seven projects"),
    )
    assert total.name == "total investment of projects signed"
    assert total.value is not None
    assert (total.value.value, total.value.unit) == (3.6e9, "CNY")
    assert (total.region, total.period) == ("Lishui", "June 9")


def test_a_figure_after_a_count_that_no_total_words_introduce_is_no_total() -> None:
    text = "Lishui signed seven projects and a plant of 5 billion yuan on June 9.\n"
    (chunk,) = default_chunks(text)
    assert [i.name for i in project_counts(chunk.sentences, [])] == ["number of projects signed"]


HEADED = (
    "12 key projects in Anxi county started intensively\n\n"
    "On May 6, Anxi county started 12 major projects with a total investment of 3 billion yuan. "
    "Its industrial investment rose 8%.\n"
)


def test_a_count_in_a_title_gives_way_to_the_body_sentence_that_states_it() -> None:
    (chunk,) = default_chunks(HEADED)
    _, body, growth = chunk.sentences
    found = project_counts(chunk.sentences, [_indicator(growth, "Anxi county", 8, "%")])
    (count,) = [i for i in found if i.name.startswith("number")]
    assert count.name == "number of major projects started"
    assert count.period == "May 6"
    assert [e.text for e in count.evidence] == [body.text]
