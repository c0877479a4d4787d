"""Statistics a sentence states beside the one the model took from it, read by code from
clauses of the plainest shape ("<what> reached <figure>", "<what> rose <x>% to <figure>")."""

from __future__ import annotations

from extractor.pipeline.chunk import Sentence, split_sentences
from extractor.pipeline.normalize import parse_figure, to_change, to_quantity
from extractor.pipeline.siblings import sibling_statistics
from extractor.records import Evidence, Indicator


def _sentences(text: str) -> list[Sentence]:
    return split_sentences(text)


def _indicator(sentence: Sentence, name: str, *, value: str = "", change: str = "") -> Indicator:
    return Indicator(
        name=name,
        region="Inner Mongolia",
        period="January to September",
        value=to_quantity(parse_figure(value)) if value else None,
        change=to_change(parse_figure(change), sentence=sentence.text) if change else None,
        evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
    )


def _read(text: str, name: str, **figures: str) -> list[tuple[str, str | None, str | None]]:
    sentences = _sentences(text)
    model = [_indicator(sentences[0], name, **figures)]
    return [
        (
            i.name,
            None if i.value is None else i.value.raw,
            None if i.change is None else i.change.raw,
        )
        for i in sibling_statistics(sentences, model)
    ]


def test_a_level_beside_the_models_is_read_and_named_by_its_clause() -> None:
    text = (
        "From January to September, crude oil production reached 2.5 million tons and "
        "natural gas output hit 23.94 billion cubic meters."
    )
    sentences = _sentences(text)
    model = [_indicator(sentences[0], "crude oil production", value="2.5 million tons")]
    [added] = sibling_statistics(sentences, model)
    assert added.name == "natural gas output"
    assert added.value is not None
    assert added.value.value == 23.94e9
    assert added.region == "Inner Mongolia"  # the region of the sentence's indicator
    assert added.evidence[0].start == sentences[0].start


def test_a_change_with_its_level_after_to_is_one_record() -> None:
    read = _read(
        "Coal output grew 3 percent. Coal-to-gas production rose 26% year-on-year to 3.4 "
        "billion cubic meters.",
        "coal output",
        change="3 percent",
    )
    assert read == [("Coal-to-gas production", "3.4 billion cubic meters", "26%")]


def test_a_possessive_place_and_a_connective_are_not_part_of_the_name() -> None:
    read = _read(
        "Shanghai's fixed assets investment grew 10.7 percent, while Shanghai's manufacturing "
        "investment rose 19.3 percent.",
        "fixed assets investment",
        change="10.7 percent",
    )
    assert read == [("manufacturing investment", None, "19.3 percent")]


def test_a_figure_a_record_writes_in_other_words_is_not_read_again() -> None:
    read = _read(
        "Industrial added value reached 120.3 billion yuan, and exports rose 8.1 percent.",
        "exports",
        change="8.1%",
    )
    assert read == [("Industrial added value", "120.3 billion yuan", None)]


def test_figures_given_respectively_are_not_read() -> None:
    read = _read(
        "Output value reached 5 billion yuan. Exports and imports rose 34 percent and 22.3 "
        "percent, respectively.",
        "output value",
        value="5 billion yuan",
    )
    assert read == []


def test_a_clause_about_a_project_or_a_target_gives_nothing() -> None:
    read = _read(
        "Investment rose 5 percent; the project's investment reached 3 billion yuan, and the "
        "city strives to reach 300 billion yuan of output.",
        "investment",
        change="5 percent",
    )
    assert read == []


def test_a_clause_whose_subject_is_a_pronoun_or_a_number_gives_nothing() -> None:
    read = _read(
        "Output value rose 5 percent, and it reached 40 billion yuan, while 12 firms' sales "
        "reached 3 billion yuan.",
        "output value",
        change="5 percent",
    )
    assert read == []


def test_a_sentence_without_figures_or_a_name_of_its_own_gives_nothing() -> None:
    assert sibling_statistics(_sentences("Harbin is a city in the north."), []) == []
    read = _read(
        "Output value rose 5 percent, and Harbin reached 40 billion yuan.",
        "output value",
        change="5 percent",
    )
    assert read == []  # "Harbin" alone names no statistic
