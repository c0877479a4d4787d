"""Stage 5, first half: find the figures and names the model wrote in the document's text.

``locate`` finds a quote in a text exactly, then ignoring case and runs of white space, then
fuzzily (rapidfuzz, at least ``FUZZY_MIN``), and gives document offsets and which way it
matched. ``ChunkText`` searches one chunk's sentences, the cited ones first: a name may be
found fuzzily anywhere, while a figure takes any exact or folded match in the chunk before a
fuzzy one, and a fuzzy match must state the same numbers as the model's figure. Building
records from what is found is stage 5's other half, in ``ground``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.pipeline.chunk import Chunk, Sentence, is_title
from extractor.pipeline.normalize import (
    Figure,
    FigureError,
    figure_numbers,
    find_figures,
    parse_figure,
)

__all__ = ["FUZZY_MIN", "ChunkText", "Location", "locate"]

FUZZY_MIN = 88.0
"""Lowest rapidfuzz partial ratio (0-100) at which a quote counts as found."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a quote was found: document offsets and how."""

    start: int
    end: int
    how: str  # "exact", "folded", "fuzzy", "parsed" or "restated"


def _folded(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with white space runs folded to one space, and the map back."""
    chars: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if previous_space:
                continue
            chars.append(" ")
            previous_space = True
        else:
            lowered = ch.lower()
            chars.append(lowered if len(lowered) == 1 else ch)
            previous_space = False
        index.append(i)
    return "".join(chars), index


def locate(quote: str, text: str, offset: int = 0, *, fuzzy: bool = True) -> Location | None:
    """Find ``quote`` in ``text`` (exact, then case/space-folded, then fuzzy unless ``fuzzy``
    is false); offsets are shifted by ``offset`` so that ``text`` may be a slice of the
    document."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return Location(offset + at, offset + at + len(quote), "exact")
    hay, back = _folded(text)
    needle, _ = _folded(quote)
    at = hay.find(needle.strip())
    if at >= 0:
        end = at + len(needle.strip()) - 1
        return Location(offset + back[at], offset + back[end] + 1, "folded")
    if not fuzzy or len(needle) < 4:
        return None
    alignment = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=FUZZY_MIN)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = back[alignment.dest_start], back[alignment.dest_end - 1] + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Location(offset + start, offset + end, "fuzzy")


class ChunkText:
    """Sentence lookups for one chunk of one document."""

    def __init__(self, document: str, chunk: Chunk) -> None:
        self.document = document
        self.chunk = chunk

    def cited(self, numbers: list[int]) -> list[Sentence]:
        seen = sorted({n for n in numbers if 1 <= n <= len(self.chunk.sentences)})
        return [self.chunk.sentences[n - 1] for n in seen]

    def _ordered(self, preferred: list[Sentence]) -> list[Sentence]:
        return [*preferred, *(s for s in self.chunk.sentences if s not in preferred)]

    def find(self, quote: str, preferred: list[Sentence]) -> tuple[Sentence, Location] | None:
        """The first of the preferred sentences holding the quote, else any chunk sentence."""
        for sentence in self._ordered(preferred):
            found = locate(quote, sentence.text, sentence.start)
            if found is not None:
                return sentence, found
        return None

    def find_figure(
        self, figure: str, preferred: list[Sentence], *, by_value: bool = False
    ) -> tuple[Sentence, Location] | None:
        """Like ``find``, but an exact or folded match anywhere in the chunk comes before any
        fuzzy one, and a fuzzy match must state the same numbers as the model's figure: a
        figure the text does not write ("5.8" for "5.9") is not found. Last, a percent the
        text writes in words is found by what it reads as ("10.4%" for "10.4 percent"), and
        with ``by_value`` so is any figure: the text's "7.3 billion" for the model's "7.3
        billion yuan", "45billion" for "45 billion yuan", "74-billion-yuan" for "74 billion
        yuan". A project's figures are only fields of it, and the model often writes one with
        the currency or unit its sentence leaves to context (EXPERIMENTS row VAL); an
        indicator's figure is the record itself, and found this way it loses (the same row)."""
        ordered = self._ordered(preferred)
        for sentence in ordered:
            found = locate(figure, sentence.text, sentence.start, fuzzy=False)
            if found is not None:
                return sentence, found
        wanted = figure_numbers(figure)
        for sentence in ordered:
            found = locate(figure, sentence.text, sentence.start)
            if (
                found is not None
                and figure_numbers(self.document[found.start : found.end]) == wanted
            ):
                return sentence, found
        return self._same_figure(figure, ordered, by_value=by_value)

    def _same_figure(
        self, figure: str, ordered: list[Sentence], *, by_value: bool
    ) -> tuple[Sentence, Location] | None:
        """The first percent of ``ordered`` sentences that reads as the percent ``figure``
        ("10.4 percent" for "10.4%": the answer format asks for "%", texts write both); with
        ``by_value`` the first figure that reads as ``figure``, whatever it is; else ``None``
        for any other figure."""
        try:
            wanted = parse_figure(figure)
        except FigureError:
            return None
        if wanted.unit != "%" and not by_value:
            return None
        return _first_reading(wanted, ordered, "parsed")

    def restated(self, hit: tuple[Sentence, Location]) -> tuple[Sentence, Location] | None:
        """Where a sentence of the chunk states the figure that a title found at ``hit``
        repeats (``chunk.is_title``): the first figure of a later sentence, not a title,
        with the same value and unit ("236 key projects ... on March 2" for the headline's
        "236 projects"). The sentence carries the period and wording that the title leaves
        out. ``None`` when ``hit`` is no title or no sentence restates its figure."""
        sentences = self.chunk.sentences
        title, loc = hit
        if not is_title(sentences, title):
            return None
        try:
            wanted = parse_figure(self.document[loc.start : loc.end])
        except FigureError:
            return None
        later = [s for s in sentences if s.start > title.start and not is_title(sentences, s)]
        return _first_reading(wanted, later, "restated")


def _first_reading(
    wanted: Figure, sentences: list[Sentence], how: str
) -> tuple[Sentence, Location] | None:
    """The first figure of ``sentences`` that reads as ``wanted``: the same value in the same
    unit (``parse_figure``), whatever the words ("10.4 percent" for "10.4%")."""
    for sentence in sentences:
        for span in find_figures(sentence.text):
            try:
                found = parse_figure(span.text)
            except FigureError:
                continue
            if found.unit == wanted.unit and math.isclose(found.value, wanted.value):
                start = sentence.start + span.start
                return sentence, Location(start, sentence.start + span.end, how)
    return None
