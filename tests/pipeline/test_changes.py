"""The change a text states right after an indicator's level is filled in when the model left
it out (``extractor.pipeline.changes``), alone and through grounding. The sentences are
invented in the style of the articles, not taken from the seeds or the dev set."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.changes import with_changes, with_levels
from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import Basis, Change, ChangeUnit, Evidence, Indicator, Qualifier, Quantity


def _level(sentence: str, raw: str, value: float, change: Change | None = None) -> Indicator:
    return Indicator(
        name="industrial output value",
        region="Anxi",
        value=Quantity(value=value, unit="CNY", raw=raw),
        change=change,
        evidence=[Evidence(start=0, end=len(sentence), text=sentence)],
    )


def _changes(sentence: str, *indicators: Indicator) -> list[Change | None]:
    (chunk,) = default_chunks(sentence + "\n")
    return [i.change for i in with_changes(indicators, chunk.sentences)]


@pytest.mark.parametrize(
    ("sentence", "raw", "expected"),
    [
        (
            "Output reached 8.1 billion yuan, a year-on-year increase of 22.6%.",
            "8.1 billion yuan",
            22.6,
        ),
        (
            "Anxi's investment was 6.5 billion yuan ($0.9 billion) in the first two months of "
            "this year, up 36.3 percent.",
            "6.5 billion yuan",
            36.3,
        ),
        ("Output fell to 8.1 billion yuan, down 4.5% year on year.", "8.1 billion yuan", -4.5),
        # a change in brackets after its level, unlike a conversion in brackets
        (
            "Crude oil output reached 2.5 million tons (up 4.2% YoY) in May.",
            "2.5 million tons",
            4.2,
        ),
    ],
)
def test_the_change_after_a_level_is_filled_in(sentence: str, raw: str, expected: float) -> None:
    (change,) = _changes(sentence, _level(sentence, raw, 1.0))
    assert change is not None
    assert (change.value, change.unit, change.basis) == (expected, ChangeUnit.PERCENT, Basis.YOY)
    assert change.raw.startswith(str(abs(expected)))


@pytest.mark.parametrize(
    "sentence",
    [
        # a percent that is no change: a share
        "Output reached 8.1 billion yuan, accounting for 22.6% of the total.",
        # another figure between the level and the percent
        "Output reached 8.1 billion yuan and exports 2 billion yuan, up 22.6%.",
        # a later clause of its own
        "Output reached 8.1 billion yuan; exports rose 22.6%.",
    ],
)
def test_a_percent_that_is_not_the_levels_change_is_left_alone(sentence: str) -> None:
    assert _changes(sentence, _level(sentence, "8.1 billion yuan", 8.1e9)) == [None]


def test_a_change_another_indicator_states_is_not_given_twice() -> None:
    sentence = "Output reached 8.1 billion yuan, a year-on-year increase of 22.6%."
    growth = Change(value=22.6, unit=ChangeUnit.PERCENT, basis=Basis.YOY, raw="22.6%")
    stated = _level(sentence, "x", 0.0).model_copy(
        update={"name": "output of the sector", "value": None, "change": growth}
    )
    changes = _changes(sentence, stated, _level(sentence, "8.1 billion yuan", 8.1e9))
    assert changes == [growth, None]


def test_a_level_and_its_change_written_as_two_records_are_one_indicator() -> None:
    sentence = (
        "From January to July, above-scale industrial enterprises realized profits of 19.8 "
        "billion yuan, an increase of 71.1 percent."
    )
    growth = Change(value=71.1, unit=ChangeUnit.PERCENT, basis=Basis.YOY, raw="71.1 percent")
    level = _level(sentence, "19.8 billion yuan", 19.8e9).model_copy(update={"name": "profit"})
    alone = level.model_copy(
        update={"name": "profits of industrial enterprises", "value": None, "change": growth}
    )
    (chunk,) = default_chunks(sentence + "\n")
    (joined,) = with_changes([alone, level], chunk.sentences)
    assert joined.name == "profits of industrial enterprises"
    assert (joined.value, joined.change) == (level.value, growth)


def test_a_change_alone_for_another_place_stays_its_own_record() -> None:
    sentence = "Output reached 8.1 billion yuan, a year-on-year increase of 22.6%."
    growth = Change(value=22.6, unit=ChangeUnit.PERCENT, basis=Basis.YOY, raw="22.6%")
    level = _level(sentence, "8.1 billion yuan", 8.1e9)
    elsewhere = level.model_copy(update={"region": "Quanzhou", "value": None, "change": growth})
    (chunk,) = default_chunks(sentence + "\n")
    assert len(with_changes([elsewhere, level], chunk.sentences)) == 2


def test_grounding_fills_the_change_the_model_left_out() -> None:
    text = "In May, Anxi's output reached 8.1 billion yuan, up 12% year on year.\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {"sentences": [1], "name": "output", "region": "Anxi", "value": "8.1 billion yuan"}
            ]
        }
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    assert indicator.change == Change(
        value=12, unit=ChangeUnit.PERCENT, basis=Basis.YOY, qualifier=Qualifier.EXACT, raw="12%"
    )


@pytest.mark.parametrize(
    ("sentence", "figure", "change"),
    [
        # the clause says the figure grew: the model's level is the change
        ("The fiscal revenue of Anxi increased by 10 percent in May.", "10 percent", True),
        ("The GDP growth rate of Anxi was 7.3 percent in May.", "7.3 percent", True),
        ("Anxi's exports were up 12% in May.", "12%", True),
        # a share, a contribution or a level reached is a level
        ("Anxi's investment rose, accounting for 28.4% in May.", "28.4%", False),
        ("Anxi's output made a contribution to growth of 10.8% in May.", "10.8%", False),
        ("Anxi's utilization rate rose to 93% in May.", "93%", False),
        ("Anxi's investment grew 62% of the annual plan in May.", "62%", False),
        ("Anxi's operating rate was 90% in May.", "90%", False),
    ],
)
def test_a_percent_the_model_gives_as_a_level_is_a_change_when_its_clause_says_so(
    sentence: str, figure: str, change: bool
) -> None:
    text = sentence + "\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "output",
                    "region": "Anxi",
                    "value": figure,
                    "period": "May",
                }
            ]
        }
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    read = indicator.change if change else indicator.value
    assert read is not None
    assert read.raw == figure
    assert (indicator.value if change else indicator.change) is None


def test_a_share_of_a_whole_the_model_gives_as_a_change_is_no_change() -> None:
    text = (
        "In May, Anxi's direct investment reached 2.37 billion yuan, completing 8.1 percent of "
        "the annual target.\n"
    )
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "direct investment",
                    "region": "Anxi",
                    "value": "2.37 billion yuan",
                    "change": "8.1 percent",
                },
                {"sentences": [1], "name": "investment", "region": "Anxi", "change": "8.1 percent"},
            ]
        }
    )
    grounded = ground_chunk(text, chunk, answer)
    # the change-only record has no figure left; the share is a completion rate of its own
    indicator, rate = grounded.indicators
    assert (rate.name, rate.value and rate.value.raw) == (
        "investment completion rate",
        "8.1 percent",
    )
    assert indicator.value is not None
    assert indicator.value.raw == "2.37 billion yuan"
    assert indicator.change is None
    assert any("share of a whole" in w for w in grounded.warnings)


@pytest.mark.parametrize(
    ("sentence", "change", "level"),
    [
        # the level it grew to
        (
            "Investment in fixed assets grew 11.2 percent year on year to 25.56 billion yuan.",
            "11.2 percent",
            "25.56 billion yuan",
        ),
        # the level it is the change of
        (
            "Investment in Anxi exceeded 122.1 billion yuan in 2020, up 9.9%.",
            "9.9%",
            "exceeded 122.1 billion yuan",
        ),
        (
            "Its output value was 79.67 billion yuan from January to September, a year-on-year "
            "increase of 12 percent.",
            "12 percent",
            "79.67 billion yuan",
        ),
    ],
)
def test_a_change_alone_takes_the_level_its_sentence_states_for_it(
    sentence: str, change: str, level: str
) -> None:
    growth = Change(value=1.0, unit=ChangeUnit.PERCENT, basis=Basis.YOY, raw=change)
    alone = _level(sentence, "x", 0.0).model_copy(update={"value": None, "change": growth})
    (chunk,) = default_chunks(sentence + "\n")
    (filled,) = with_levels([alone], chunk.sentences)
    assert filled.value is not None
    assert level.endswith(filled.value.raw) or filled.value.raw.endswith(level)


def test_a_level_another_statistic_drives_is_not_taken() -> None:
    sentence = (
        "The 7,200 projects, worth 1.24 trillion yuan, have driven the province's investment "
        "growth to 10.6 percent."
    )
    growth = Change(value=10.6, unit=ChangeUnit.PERCENT, basis=Basis.YOY, raw="10.6 percent")
    alone = _level(sentence, "x", 0.0).model_copy(update={"value": None, "change": growth})
    (chunk,) = default_chunks(sentence + "\n")
    (kept,) = with_levels([alone], chunk.sentences)
    assert kept.value is None
