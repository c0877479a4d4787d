"""Stage 2: split a document into sentences and group them into chunks.

Sentences are the unit the model cites (by number) and the unit of evidence, so every
sentence and every chunk keeps its offsets into the document. Chunks respect a token budget,
prefer to end at paragraph breaks, and repeat the last sentences of the previous chunk
(the overlap) so that a fact stated across a chunk boundary is seen whole at least once.
A sentence longer than the budget (a run-on line, a table flattened into one line) is cut
into pieces that fit: after a clause mark where there is one, else at a space, else anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Chunk",
    "Sentence",
    "chunk_document",
    "earlier_in_paragraph",
    "estimate_tokens",
    "is_title",
    "split_sentences",
]

# A sentence ends at . ! ? (or their full-width forms, or an ellipsis) followed by optional
# closing quotes/brackets, then white space and a character that can start a sentence.
_END = re.compile(r"(?:\.{2,}|…+|[.!?。！？])[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u4e00-\u9fff])")
_LINE_BREAK = re.compile(r"\n")
# Where an over-long sentence is best cut: after a clause mark, else after white space.
_CLAUSE = re.compile(r"[,;:，；：、]\s")
_SPACE = re.compile(r"\s")
# A month cut short ("Oct. 31", "Sept. 13") ends no sentence, nor does "approx." before a sum.
_MONTHS = tuple(
    f"{m}."
    for m in ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
)
_ABBREVIATIONS = (
    "Co.",
    "No.",
    "Mr.",
    "Ms.",
    "Dr.",
    "St.",
    "vs.",
    "e.g.",
    "i.e.",
    "approx.",
    *_MONTHS,
)
# No sentence starts with the rest of a company's name: another legal form ("... Group Corp.
# Ltd.") or a short alias in brackets before a comma ("... Co. Ltd. (JAC Group), BYD ...").
_NAME_GOES_ON = re.compile(r"\s+(?:(?:Ltd|Limited|Inc|LLC)\b|\([^()]{1,40}\)\s*[,;])")
# Nor with what a company builds, right after its legal form: in "They were the projects of
# China Railway Kunlun Investment Group Co., Ltd. Project, Jiangxi Zhongzhu's ..." the project
# is named after its company.
_LEGAL_END = ("Ltd.", "Inc.", "Corp.")  # "Co." ends none already (_ABBREVIATIONS)
_PROJECT_GOES_ON = re.compile(
    r"\s+(?:Project|Base|Plant|Factory|Phase|Industrial\s+Park|Production\s+Line)\b"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: offsets into the document (white space trimmed) and its paragraph."""

    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive sentences of one document, sent to the model together."""

    index: int
    sentences: tuple[Sentence, ...]

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end


def earlier_in_paragraph(sentences: Sequence[Sentence], sentence: Sentence) -> list[Sentence]:
    """The sentences of ``sentences`` (in text order) before ``sentence`` in its paragraph,
    nearest first: what a framing phrase of the paragraph carries forward from."""
    return [
        s
        for s in reversed(sentences)
        if s.end <= sentence.start and s.paragraph == sentence.paragraph
    ]


_ENDED = re.compile(r"[.!?。！？…][\"'”’)\]]*$")


def is_title(sentences: Sequence[Sentence], sentence: Sentence) -> bool:
    """Whether ``sentence`` is a line that ends no sentence in a paragraph (among
    ``sentences``) where no line does: a headline, subhead or caption ("Fujian launches 236
    projects worth 176.7b yuan"), alone or in a block of header lines ("Home> Business",
    the headline, the byline). A title repeats what the body states; it states nothing
    itself. A hard-wrapped paragraph is no title: some of its lines end a sentence."""
    return not any(
        _ENDED.search(s.text) for s in sentences if s.paragraph == sentence.paragraph
    ) and not _ENDED.search(sentence.text)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CREDIT = re.compile(
    r"^\s*(?:technical\s+support|sponsored\s+by|hosted\s+by|organi[sz]ed\s+by|source|editor|"
    r"responsible\s+editor|reporter|author|contact|tel|fax|address|e-?mail|website\s+record(?:\s+"
    r"number)?|record\s+number)\s*[:：]",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|all\s+rights\s+reserved\b)", re.IGNORECASE)
"""A copyright line: "Copyright @Kunming Information Hub 2019. All Rights Reserved."."""


# A dateline: a site's or a medium's name, if any, and a date with its time ("Seetao
# 2021-11-30 11:28", "2022.10.09 13:40").
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][\w&'’.-]*\s+){0,4}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)

_BREADCRUMB = re.compile(r"^\s*[^.!?\n]{0,40}(?:\s*[›>»]\s*[^.!?›>»\n]{1,40}){2,}\s*$")
"""A site's path to the page: "Home>News>Local News", "TIANSHANNET › News › Xinjiang News"."""


def is_page_furniture(text: str) -> bool:
    """Whether a sentence is the page's, not the article's: a line that writes Chinese
    characters (a Chinese page's footer: "京公网安备 11010502032503号", "政府网站标识码"), a
    credit line ("Source: Shanxi Daily", "Technical support: Hinews", "Tel: ..."), a
    copyright line, a dateline ("Seetao 2021-11-30 11:28") or a breadcrumb
    ("Home>News>Local News"). No gold record of the dev set or the seeds cites one
    (guidelines, section 6)."""
    return (
        _HAN.search(text) is not None
        or _CREDIT.match(text) is not None
        or _COPYRIGHT.match(text) is not None
        or _DATELINE.match(text) is not None
        or _BREADCRUMB.match(text) is not None
    )


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate (about four characters a token for English)."""
    return max(1, (len(text) + 3) // 4)


def _trimmed(text: str, start: int, end: int, paragraph: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Sentence(start=start, end=end, text=text[start:end], paragraph=paragraph)


def _fit(text: str, sentence: Sentence, max_tokens: int) -> list[Sentence]:
    """``sentence`` cut into pieces of at most ``max_tokens`` (estimated) each."""
    limit = max_tokens * 4  # characters: the inverse of ``estimate_tokens``
    pieces: list[Sentence] = []
    start, end = sentence.start, sentence.end
    while end - start > limit:
        window = text[start : start + limit + 1]
        cut = 0
        for pattern in (_CLAUSE, _SPACE):
            found = [m.start() + 1 for m in pattern.finditer(window) if m.start() + 1 <= limit]
            if found and found[-1] > limit // 4:  # not a sliver: keep pieces substantial
                cut = found[-1]
                break
        cut = cut or limit
        piece = _trimmed(text, start, start + cut, sentence.paragraph)
        if piece is not None:
            pieces.append(piece)
        start += cut
    last = _trimmed(text, start, end, sentence.paragraph)
    if last is not None:
        pieces.append(last)
    return pieces


def split_sentences(text: str, *, max_tokens: int | None = None) -> list[Sentence]:
    """Sentences with exact offsets; a line break always ends a sentence, a blank line a
    paragraph. With ``max_tokens``, a longer sentence comes as several pieces that fit."""
    sentences = _split(text)
    if max_tokens is None:
        return sentences
    return [
        piece
        for s in sentences
        for piece in (_fit(text, s, max_tokens) if estimate_tokens(s.text) > max_tokens else [s])
    ]


def _split(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    line_start = 0
    for line_end in [m.start() for m in _LINE_BREAK.finditer(text)] + [len(text)]:
        line = text[line_start:line_end]
        if not line.strip():
            paragraph += 1 if sentences and sentences[-1].paragraph == paragraph else 0
            line_start = line_end + 1
            continue
        cut = line_start
        for match in _END.finditer(line):
            end = line_start + match.end()
            if text[cut:end].endswith(_ABBREVIATIONS) or _NAME_GOES_ON.match(text, end):
                continue
            if text[cut:end].endswith(_LEGAL_END) and _PROJECT_GOES_ON.match(text, end):
                continue
            sentence = _trimmed(text, cut, end, paragraph)
            if sentence is not None:
                sentences.append(sentence)
            cut = end
        sentence = _trimmed(text, cut, line_end, paragraph)
        if sentence is not None:
            sentences.append(sentence)
        line_start = line_end + 1
    return sentences


def chunk_document(text: str, *, max_tokens: int, overlap_tokens: int) -> list[Chunk]:
    """Group sentences into chunks of at most ``max_tokens`` (a longer sentence is cut into
    pieces that fit, see ``split_sentences``). A chunk closes early at a paragraph break once
    it is 60% full and the next paragraph would not fit; each chunk after the first starts
    with the previous chunk's trailing sentences that fit in ``overlap_tokens``. Both have
    no default here: theirs is ``ExtractorConfig``'s (``chunk_tokens``, ``overlap_tokens``)."""
    if max_tokens <= 0:
        raise ValueError("max_tokens must be positive")
    sentences = split_sentences(text, max_tokens=max_tokens)
    if not sentences:
        return []
    paragraph_tokens: dict[int, int] = {}
    for s in sentences:
        paragraph_tokens[s.paragraph] = paragraph_tokens.get(s.paragraph, 0) + estimate_tokens(
            s.text
        )

    chunks: list[Chunk] = []
    current: list[Sentence] = []
    fresh = 0  # sentences in `current` that were not carried over as overlap
    used = 0
    for s in sentences:
        cost = estimate_tokens(s.text)
        starts_paragraph = bool(current) and s.paragraph != current[-1].paragraph
        too_big = used + cost > max_tokens
        early = (
            starts_paragraph
            and used >= 0.6 * max_tokens
            and used + paragraph_tokens[s.paragraph] > max_tokens
        )
        if fresh and (too_big or early):
            chunks.append(Chunk(index=len(chunks), sentences=tuple(current)))
            carried: list[Sentence] = []
            carried_tokens = 0
            for prev in reversed(current):
                t = estimate_tokens(prev.text)
                if carried_tokens + t > overlap_tokens or carried_tokens + t + cost > max_tokens:
                    break
                carried.insert(0, prev)
                carried_tokens += t
            current, used, fresh = carried, carried_tokens, 0
        current.append(s)
        used += cost
        fresh += 1
    if fresh:
        chunks.append(Chunk(index=len(chunks), sentences=tuple(current)))
    return chunks
