"""Stage 5, first half: a quote is found in the text exactly, then folded (case and white
space), then fuzzily, with offsets into the document."""

from __future__ import annotations

import pytest

from extractor.pipeline.chunk import chunk_document
from extractor.pipeline.locate import ChunkText, locate

TEXT = (
    "Zhaoqing held a signing ceremony on Friday.\n"
    "Guangdong Xpeng Motor Technology Co., Ltd. opened its parts park in Gaoyao District.\n"
    "The park cost 2.6 billion yuan and will make 200,000 battery packs a year.\n"
)


def test_locate_exact() -> None:
    found = locate("parts park in Gaoyao", TEXT)
    assert found is not None
    assert found.how == "exact"
    assert TEXT[found.start : found.end] == "parts park in Gaoyao"


@pytest.mark.parametrize(
    ("quote", "how", "spelled"),
    [
        ("2.6 billion yuan", "exact", "2.6 billion yuan"),
        ("2.6  BILLION yuan", "folded", "2.6 billion yuan"),
        ("200,000 battery packs a yeer", "fuzzy", "200,000 battery packs a year"),
    ],
)
def test_locate_shifts_by_the_offset_of_a_slice(quote: str, how: str, spelled: str) -> None:
    start = TEXT.index("The park")
    found = locate(quote, TEXT[start:], offset=start)
    assert found is not None
    assert found.how == how
    assert TEXT[found.start : found.end] == spelled


@pytest.mark.parametrize(
    ("quote", "spelled"),
    [
        ("GUANGDONG XPENG motor", "Guangdong Xpeng Motor"),
        ("parts   park in\ngaoyao", "parts park in Gaoyao"),
        ("  2.6 Billion Yuan ", "2.6 billion yuan"),
    ],
)
def test_locate_folds_case_and_white_space(quote: str, spelled: str) -> None:
    found = locate(quote, TEXT)
    assert found is not None
    assert found.how in {"exact", "folded"}
    assert TEXT[found.start : found.end] == spelled


def test_locate_folded_maps_back_across_runs_of_white_space() -> None:
    text = "The   Shanshan\n\n  anode   base opened."
    found = locate("shanshan anode base", text)
    assert found is not None
    assert found.how == "folded"
    assert text[found.start : found.end] == "Shanshan\n\n  anode   base"


def test_locate_fuzzy_finds_a_misspelt_name() -> None:
    found = locate("Guangdong Xpeng Motors Technologies", TEXT)
    assert found is not None
    assert found.how == "fuzzy"
    assert "Xpeng Motor Technology" in TEXT[found.start : found.end]


@pytest.mark.parametrize("quote", ["", "   ", "Tesla Gigafactory Berlin", "xyz"])
def test_locate_gives_none_when_absent(quote: str) -> None:
    assert locate(quote, TEXT) is None


def test_a_title_figure_is_restated_by_the_first_body_sentence_with_its_value() -> None:
    text = (
        "Hefei starts 58 projects worth $4.5b\n\n"
        "Hefei started 60 projects in April. It started 58 major projects on May 6, "
        "worth 32 billion yuan ($4.5 billion).\n"
    )
    (chunk,) = chunk_document(text, max_tokens=400, overlap_tokens=50)
    chunk_text = ChunkText(text, chunk)
    headline = chunk.sentences[0]
    hit = chunk_text.find_figure("58 projects", [headline])
    assert hit is not None
    assert hit[0] == headline
    restated = chunk_text.restated(hit)
    assert restated is not None
    sentence, where = restated
    assert sentence == chunk.sentences[2]
    assert text[where.start : where.end] == "58 major projects"
    money = chunk_text.find_figure("$4.5b", [headline])
    assert money is not None
    moved = chunk_text.restated(money)
    assert moved is not None
    assert text[moved[1].start : moved[1].end] == "$4.5 billion"
    # a figure of a body sentence is where it is stated already
    body = chunk_text.find_figure("60 projects", [])
    assert body is not None
    assert chunk_text.restated(body) is None


def test_a_percent_the_text_writes_in_words_is_found_by_its_value() -> None:
    text = (
        "The output value of light industry totaled 5 billion yuan. "
        "The food industry grew by 10.4 percent year-on-year, and textiles by 3 per cent.\n"
    )
    (chunk,) = chunk_document(text, max_tokens=400, overlap_tokens=50)
    chunk_text = ChunkText(text, chunk)
    cited = [chunk.sentences[0]]
    hit = chunk_text.find_figure("10.4%", cited)
    assert hit is not None
    sentence, where = hit
    assert sentence == chunk.sentences[1]
    assert (text[where.start : where.end], where.how) == ("10.4 percent", "parsed")
    # a value the text does not state is still not found, nor a money figure by its value
    assert chunk_text.find_figure("10.5%", cited) is None
    assert chunk_text.find_figure("RMB 5 billion", []) is None


def test_by_value_any_figure_is_found_by_what_it_reads_as() -> None:
    text = "The base will cost 1.5 billion and produce 40,000 tons a year.\n"
    (chunk,) = chunk_document(text, max_tokens=400, overlap_tokens=50)
    chunk_text = ChunkText(text, chunk)
    assert chunk_text.find_figure("1.5 billion yuan", []) is None
    hit = chunk_text.find_figure("1.5 billion yuan", [], by_value=True)
    assert hit is not None
    assert (text[hit[1].start : hit[1].end], hit[1].how) == ("1.5 billion", "parsed")
    assert chunk_text.find_figure("1.6 billion yuan", [], by_value=True) is None
