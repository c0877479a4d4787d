"""Completion rates: the part of a year's plan or target a level has reached, read by code
(guide section 3: a share or completion rate beside a level is a record of its own)."""

from __future__ import annotations

from extractor.pipeline.chunk import split_sentences
from extractor.pipeline.normalize import parse_figure, to_change, to_quantity
from extractor.pipeline.rates import completion_rates
from extractor.records import Evidence, Indicator


def _model(text: str, name: str, *, value: str = "", change: str = "") -> list[Indicator]:
    [sentence, *_] = split_sentences(text)
    return [
        Indicator(
            name=name,
            region="Lishui",
            period="January to May",
            value=to_quantity(parse_figure(value)) if value else None,
            change=to_change(parse_figure(change), sentence=sentence.text) if change else None,
            evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
        )
    ]


def _rates(text: str, model: list[Indicator]) -> list[tuple[str, str | None, str | None]]:
    return [
        (i.name, None if i.value is None else i.value.raw, i.period)
        for i in completion_rates(split_sentences(text), model)
        if "rate" in i.name
    ]


def test_a_percent_of_the_annual_plan_is_an_investment_completion_rate_of_the_level() -> None:
    text = (
        "From January to May, key projects in Lishui invested 8.6 billion yuan, "
        "accounting for 41.5% of the annual plan."
    )
    model = _model(text, "investment in key projects", value="8.6 billion yuan")
    assert _rates(text, model) == [("investment completion rate", "41.5%", "January to May")]


def test_a_percent_of_a_places_annual_target_is_a_completion_rate() -> None:
    text = "Investment in Lishui reached 2 billion yuan, 38 percent of the city's annual target."
    model = _model(text, "investment", value="2 billion yuan")
    assert _rates(text, model) == [("investment completion rate", "38 percent", "January to May")]


def test_a_percent_of_a_target_without_investment_is_a_completion_rate_of_the_target() -> None:
    text = "Exports reached 3.2 billion US dollars, completing 52.3 percent of its annual target."
    model = _model(text, "exports", value="3.2 billion US dollars")
    assert _rates(text, model) == [
        ("completion rate of the annual target", "52.3 percent", "January to May")
    ]


def test_a_rate_the_model_wrote_as_a_change_becomes_the_rate_record() -> None:
    text = "The city invested 5 billion yuan in its key projects, with a completion rate of 62%."
    model = _model(text, "invested in key projects", change="62%")
    out = completion_rates(split_sentences(text), model)
    assert [(i.name, i.value and i.value.raw, i.change) for i in out] == [
        ("investment completion rate", "62%", None)
    ]
    assert out[0].period == "January to May"  # the model's reading of the sentence


def test_a_named_completion_rate_keeps_its_own_words_without_the_place() -> None:
    text = (
        "By the end of June, the investment completion rate of the second batch of major "
        "projects in Lishui was 47 percent."
    )
    assert _rates(text, []) == [
        (
            "investment completion rate of the second batch of major projects",
            "47 percent",
            "By the end of June",
        )
    ]


def test_no_rate_from_a_bound_a_count_a_forecast_or_a_share_of_a_total() -> None:
    assert _rates("Six cities completed more than 80% of the annual target.", []) == []
    assert _rates("There are 12 projects with completion rate of 90% in Lishui.", []) == []
    assert _rates("The completion rate is expected to reach 60 percent by June.", []) == []
    assert _rates("The park contributes 45 percent of the city's tax revenue.", []) == []


def test_a_sentence_of_figures_paired_respectively_is_left_alone() -> None:
    text = (
        "Lishui and Jinhua invested 3 billion and 2 billion yuan respectively, making up 61% "
        "and 58% of this year's planned investment."
    )
    assert _rates(text, []) == []
