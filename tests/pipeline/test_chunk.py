"""Stage 2: sentences and chunks keep exact offsets, respect the budget, overlap, and prefer
paragraph breaks."""

from __future__ import annotations

import inspect
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pipeline.chunk import (
    Chunk,
    chunk_document,
    estimate_tokens,
    is_title,
    split_sentences,
)

ARTICLE = (
    "  In BYD's Nanning Qingxiu Park, batteries are waiting to be loaded.  Photo by Liang Feng\n"
    "\n"
    "Mr. Liu said the Qingxiu project is one of the major bases. It rose 15.4% year-on-year!\r\n"
    "Ningbo Junjia Electric Appliance Co., Ltd. began building its base. "
    '"It is huge," he said. The output grew......Next, the plan.\n'
    "\n"
    "\n"
    "南宁市工业增加值增长9%。新能源产业成为最大动力。\n"
)


def tokens(chunk: Chunk) -> int:
    return sum(estimate_tokens(s.text) for s in chunk.sentences)


def test_every_sentence_is_its_exact_span() -> None:
    sentences = split_sentences(ARTICLE)
    assert sentences
    for s in sentences:
        assert ARTICLE[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in pairwise(sentences))


def test_sentences_split_where_a_reader_would() -> None:
    texts = [s.text for s in split_sentences(ARTICLE)]
    assert texts == [
        "In BYD's Nanning Qingxiu Park, batteries are waiting to be loaded.",
        "Photo by Liang Feng",
        "Mr. Liu said the Qingxiu project is one of the major bases.",  # "Mr." is no end
        "It rose 15.4% year-on-year!",
        "Ningbo Junjia Electric Appliance Co., Ltd. began building its base.",
        '"It is huge," he said.',
        "The output grew......Next, the plan.",  # no space after the ellipsis
        "南宁市工业增加值增长9%。新能源产业成为最大动力。",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Work began on Sept. 13 in the new zone.",
        "The deal was signed on Oct. 31 at the fair.",
        "Investment reached 8.1 billion yuan (approx. US$1.2 billion) in the first half.",
    ],
)
def test_a_month_cut_short_or_approx_ends_no_sentence(text: str) -> None:
    assert [s.text for s in split_sentences(text)] == [text]


def test_a_companys_legal_form_or_bracketed_alias_ends_no_sentence() -> None:
    text = (
        "It hosts makers including Hexi Motor Group Corp. Ltd. (Hexi Group), Binhe Co. Ltd., "
        "and Anxi Auto Inc. Ltd. The park grew. Sales rose 5%. (Photo by Hexi)\n"
    )
    assert [s.text for s in split_sentences(text)] == [
        "It hosts makers including Hexi Motor Group Corp. Ltd. (Hexi Group), Binhe Co. Ltd., "
        "and Anxi Auto Inc. Ltd.",
        "The park grew.",  # a legal form still ends a sentence before one
        "Sales rose 5%.",
        "(Photo by Hexi)",
    ]


def test_a_project_named_after_its_companys_legal_name_is_one_sentence() -> None:
    text = (
        "They were the projects of Hexi Investment Group Co., Ltd. Project, Anxi Steel Base "
        "and Binhe Inc. Industrial Park. Lishui Co., Ltd. Projects grew. Qiaotou Ltd. Phase "
        "II started.\n"
    )
    assert [s.text for s in split_sentences(text)] == [
        "They were the projects of Hexi Investment Group Co., Ltd. Project, Anxi Steel Base "
        "and Binhe Inc. Industrial Park.",
        "Lishui Co., Ltd.",  # "Projects" starts a sentence: no project is named so
        "Projects grew.",
        "Qiaotou Ltd. Phase II started.",
    ]


def test_blank_lines_start_paragraphs_and_line_breaks_end_sentences() -> None:
    sentences = split_sentences("One.\nTwo\n\n\nThree. Four.\n \nFive")
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("One.", 0),
        ("Two", 0),
        ("Three.", 1),
        ("Four.", 1),
        ("Five", 2),
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n", "\r\n"])
def test_empty_text_has_no_sentences_and_no_chunks(text: str) -> None:
    assert split_sentences(text) == []
    assert chunk_document(text, max_tokens=400, overlap_tokens=50) == []


def test_a_short_document_is_one_chunk() -> None:
    (chunk,) = chunk_document(ARTICLE, max_tokens=400, overlap_tokens=50)
    assert chunk.index == 0
    assert chunk.sentences == tuple(split_sentences(ARTICLE))
    assert (chunk.start, chunk.end) == (chunk.sentences[0].start, chunk.sentences[-1].end)


def sentence(n: int, words: int = 8) -> str:
    """A sentence of about ``words`` * 6 characters."""
    return f"Sentence {n} " + " ".join(["words"] * words) + "."


def test_chunks_stay_within_budget_and_overlap() -> None:
    text = " ".join(sentence(n) for n in range(20))  # ~14 tokens a sentence
    chunks = chunk_document(text, max_tokens=50, overlap_tokens=20)
    assert len(chunks) > 3
    for previous, chunk in pairwise(chunks):
        assert tokens(chunk) <= 50
        carried = [s for s in chunk.sentences if s in previous.sentences]
        assert carried, "each chunk repeats the end of the previous one"
        assert tuple(carried) == previous.sentences[-len(carried) :]
        assert chunk.sentences[: len(carried)] == tuple(carried)
        assert sum(estimate_tokens(s.text) for s in carried) <= 20
    assert tokens(chunks[0]) <= 50


def test_no_overlap_when_overlap_is_zero() -> None:
    text = " ".join(sentence(n) for n in range(10))
    chunks = chunk_document(text, max_tokens=50, overlap_tokens=0)
    flat = [s for c in chunks for s in c.sentences]
    assert flat == split_sentences(text)


def test_a_sentence_longer_than_the_budget_is_cut_into_pieces_that_fit() -> None:
    long = "A very long sentence " + "with many words, " * 40 + "ends here."
    text = f"{sentence(1)} {long} {sentence(2)}"
    chunks = chunk_document(text, max_tokens=50, overlap_tokens=10)
    assert all(tokens(c) <= 50 for c in chunks)
    pieces = [s for s in split_sentences(text, max_tokens=50) if s.start >= text.index(long)][:-1]
    assert len(pieces) > 1
    assert " ".join(p.text for p in pieces) == long  # nothing lost; cut at white space
    assert all(p.text.endswith(",") for p in pieces[:-1])  # after a clause mark
    for piece in pieces:
        assert text[piece.start : piece.end] == piece.text


def test_a_run_without_spaces_is_cut_at_the_budget() -> None:
    text = "x" * 1000
    pieces = split_sentences(text, max_tokens=50)
    assert [len(p.text) for p in pieces] == [200] * 5
    assert "".join(p.text for p in pieces) == text


def test_a_ten_megabyte_line_is_sent_in_budget_sized_chunks() -> None:
    text = "Ningbo built a plant and Zhaoqing built a park " * 220_000  # about 10 MB, one line
    chunks = chunk_document(text, max_tokens=400, overlap_tokens=0)
    assert max(tokens(c) for c in chunks) <= 400
    assert len(chunks) >= len(text) // 1600


def test_chunks_prefer_to_end_at_a_paragraph_break() -> None:
    first = " ".join(sentence(n) for n in range(5))  # ~70 tokens
    second = " ".join(sentence(n) for n in range(5, 9))  # ~56 tokens
    text = f"{first}\n\n{second}"
    chunks = chunk_document(text, max_tokens=100, overlap_tokens=0)
    paragraphs = [{s.paragraph for s in c.sentences} for c in chunks]
    # Without the preference the first chunk would take two sentences of the second paragraph.
    assert paragraphs == [{0}, {1}]


def test_sentences_are_never_lost_or_reordered_by_chunking() -> None:
    text = "\n\n".join(" ".join(sentence(10 * p + n) for n in range(4)) for p in range(6))
    chunks = chunk_document(text, max_tokens=60, overlap_tokens=15)
    seen: list[object] = []
    for chunk in chunks:
        seen.extend(s for s in chunk.sentences if s not in seen)
    assert seen == split_sentences(text)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        chunk_document("Text.", max_tokens=0, overlap_tokens=0)


PIECES = st.sampled_from(
    [
        "Ningbo",
        " ",
        "  ",
        ".",
        ". ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "。",
        "！",
        "...",
        "……",
        " Co.",
        " Mr.",
        " A",
        " 5",
        '"',
        "”",
        " rose 15.4%",
        "(",
        " Zhaoqing signed 12 projects",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(PIECES, max_size=50).map("".join),
    budget=st.integers(5, 60),
    overlap=st.integers(0, 30),
)
def test_offsets_budget_and_coverage_hold_for_any_text(
    text: str, budget: int, overlap: int
) -> None:
    sentences = split_sentences(text, max_tokens=budget)
    covered: set[int] = set()
    for s in sentences:
        assert s.text
        assert text[s.start : s.end] == s.text == s.text.strip()
        covered.update(range(s.start, s.end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)
    chunks = chunk_document(text, max_tokens=budget, overlap_tokens=overlap)
    seen: list[object] = []
    for chunk in chunks:
        assert tokens(chunk) <= budget
        seen.extend(s for s in chunk.sentences if s not in seen)
    assert seen == sentences


def test_the_budget_and_overlap_have_no_default_of_their_own() -> None:
    """ExtractorConfig holds them (chunk_tokens, overlap_tokens); the pipeline passes them."""
    parameters = inspect.signature(chunk_document).parameters
    assert parameters["max_tokens"].default is inspect.Parameter.empty
    assert parameters["overlap_tokens"].default is inspect.Parameter.empty


@pytest.mark.parametrize(
    ("text", "line", "title"),
    [
        ("Hefei starts 58 projects\n\nHefei started 58 projects on May 6.", 0, True),
        ("Hefei starts 58 projects\n\nHefei started 58 projects on May 6.", 1, False),
        ("Hefei started 58 projects.\n\nMore follow.", 0, False),
        ('He said: "Hefei starts."\n\nMore follow.', 0, False),
        # a line of a hard-wrapped paragraph is no title: another line ends a sentence
        ("Hefei starts 58 projects\nwith a total investment of 3 billion yuan.", 0, False),
        # a block of header lines: the section, the headline, the byline
        ("Home> News\nHefei starts 58 projects\nBy Li Ming\n\nHefei started 58 projects.", 1, True),
    ],
)
def test_a_title_is_a_line_alone_in_its_paragraph_that_ends_no_sentence(
    text: str, line: int, title: bool
) -> None:
    sentences = split_sentences(text)
    assert is_title(sentences, sentences[line]) is title
