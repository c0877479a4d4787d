"""Statistics that a sentence states beside the one the model took from it.

A small model names one statistic of a sentence and leaves its siblings: in "crude oil
production reached 2.5 million tons and natural gas output hit 23.94 billion cubic meters"
it writes the first, and it leaves many sentences of plain statistics alone (of the 119 tune
gold indicators no record detects, 45 sit in a sentence an indicator cites; EXPERIMENTS rows
FS, SI). Code reads such a statistic when its clause has the plainest shape, "<what> <verb>
<figure>": a level after "reached", "hit", "totaled", "amounted to", "stood at", "was", or a
change after "rose", "grew", "increased", "fell" (with "to <level>" after it, the level of the
same record).
The name is the clause's words before the verb, without a leading article, connective or
possessive place ("Inner Mongolia's"); a clause whose words name no plain thing (a pronoun,
a number, a project, more than eight words) gives nothing. Region and period come as for
code's counts (``subjects.figure_place``, ``periods.stated_period``). Every sentence of the
chunk is read (read only where an indicator cites the sentence, it found one record on the tune
half), but only figures that no record of the chunk writes, and none that its sentence shows is
a target, a bound or one project's (``states_statistic``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.pipeline.anchor import states_statistic
from extractor.pipeline.chunk import Sentence
from extractor.pipeline.normalize import (
    FigureError,
    FigureSpan,
    find_figures,
    first_number,
    is_percent,
    parse_figure,
    to_change,
    to_quantity,
)
from extractor.pipeline.periods import stated_period
from extractor.pipeline.subjects import figure_place
from extractor.records import Evidence, Indicator, Project

__all__ = ["sibling_statistics", "written_numbers"]

_HEDGE = r"(?:(?:about|around|nearly|approximately|over|more\s+than|almost|some|up\s+to)\s+)?"
_LEVEL = re.compile(
    r"\b(?:reach(?:ed|ing|es)?|hit(?:ting|s)?|total(?:l?ed|l?ing|s)|amount(?:ed|ing|s)\s+to|"
    r"st(?:ood|anding|ands)\s+at|was|were)\s+" + _HEDGE + r"$",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(?:rose|ris(?:ing|es)|grew|grow(?:ing|s)|increas(?:ed|ing|es)|fell|fall(?:ing|s)|"
    r"declin(?:ed|ing|es)|dropp(?:ed|ing)|decreas(?:ed|ing|es)|jump(?:ed|ing)|surg(?:ed|ing))"
    r"\s+(?:by\s+)?" + _HEDGE + r"$",
    re.IGNORECASE,
)
_TO_LEVEL = re.compile(
    r"^\s*(?:year[\s-]+on[\s-]+year|yoy)?\s*,?\s*to\s+(?:reach\s+)?" + _HEDGE + r"$", re.IGNORECASE
)
_BREAK = re.compile(
    r"[,;:()\u2014]|\b(?:and|while|whereas|with|but|of\s+which|among\s+them)\b", re.I
)
_LEAD = re.compile(
    r"^(?:(?:also|as|the|its|their|a|an|of\s+which|among\s+them|including)\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"^(?:[A-Z][\w-]*\s+){0,3}[A-Z][\w-]*[\u2019']s\s+")
_TAIL = re.compile(r"\s+(?:also|all|both|each|further|still|has|have|had|had\s+been)$", re.I)
_NO_THING = re.compile(
    r"\d|\b(?:it|this|that|these|those|they|which|who|project|plant|base|target|goal|plan)\b",
    re.IGNORECASE,
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
MAX_WORDS = 8
CLAUSE_CHARS = 80


def _clause_after(after: str) -> str:
    """The rest of the figure's clause: up to the next semicolon (the sentence ends the text
    it is given), over the commas and "and" of a list of figures, and at most
    ``CLAUSE_CHARS`` characters: a change stated for the figure follows it closely."""
    return after.split(";", 1)[0][:CLAUSE_CHARS]


def _subject(before: str, verb: re.Match[str]) -> str | None:
    """The words of the figure's clause before its verb, trimmed; None when they name no
    plain thing."""
    head = before[: verb.start()]
    breaks = list(_BREAK.finditer(head))
    if breaks:
        head = head[breaks[-1].end() :]
    head = _TAIL.sub("", _POSSESSIVE.sub("", _LEAD.sub("", head.strip()))).strip()
    words = head.split()
    if not words or len(words) > MAX_WORDS or _NO_THING.search(head):
        return None
    if not any(w[0].islower() for w in words):  # a name of a place or a company alone
        return None
    return head


def written_numbers(indicators: Sequence[Indicator], projects: Sequence[Project]) -> set[float]:
    """The numbers of every figure the chunk's records write."""
    raws = [f.raw for i in indicators for f in (i.value, i.change) if f is not None and f.raw]
    for p in projects:
        raws.extend(f.raw for f in (p.investment, p.output_value) if f is not None and f.raw)
        raws.extend(c.raw for c in p.capacity if c.raw)
    return {n for n in map(first_number, raws) if n is not None}


def sibling_statistics(
    sentences: Sequence[Sentence],
    indicators: Sequence[Indicator],
    projects: Sequence[Project] = (),
) -> list[Indicator]:
    """The statistics that the chunk's ``sentences`` state in a clause of their own and that
    no record of the chunk (``indicators``, ``projects``) writes."""
    written = written_numbers(indicators, projects)
    found: list[Indicator] = []
    for sentence in sentences:
        text = sentence.text
        spans = find_figures(text)
        for at, span in enumerate(spans):
            if first_number(span.text) in written:
                continue
            sibling = _sibling(sentences, sentence, spans, at, indicators, written)
            if sibling is not None:
                found.append(sibling)
                written.update(
                    n
                    for f in (sibling.value, sibling.change)
                    if f is not None and (n := first_number(f.raw or "")) is not None
                )
    return found


def _sibling(
    sentences: Sequence[Sentence],
    sentence: Sentence,
    spans: Sequence[FigureSpan],
    at: int,
    indicators: Sequence[Indicator],
    written: set[float],
) -> Indicator | None:
    text, span = sentence.text, spans[at]
    before = text[: span.start]
    if _RESPECTIVELY.search(_clause_after(text[span.end :])):
        return None  # "A and B rose 34% and 22%, respectively": whose is which is not read
    percent = is_percent(span.text)
    verb = (_CHANGE if percent else _LEVEL).search(before)
    if verb is None:
        return None
    name = _subject(before, verb)
    if name is None or not states_statistic(text, span.start, span.end, name):
        return None
    try:
        figure = parse_figure(span.text, before=before, after=text[span.end :])
    except FigureError:
        return None
    value = change = None
    if percent:
        change = to_change(figure, before=before, after=text[span.end :])
        following = spans[at + 1] if at + 1 < len(spans) else None
        if following is not None and _TO_LEVEL.search(text[span.end : following.start]):
            if first_number(following.text) in written:
                return None  # "rose 8.1% to 150 billion yuan": a record has this statistic
            try:
                level = parse_figure(
                    following.text,
                    before=text[: following.start],
                    after=text[following.end :],
                )
                value = to_quantity(level)
            except FigureError:
                value = None
    else:
        value = to_quantity(figure)
    return Indicator(
        name=name,
        region=figure_place(sentences, sentence, indicators),
        period=stated_period(sentences, sentence, sentence.start + span.start),
        value=value,
        change=change,
        evidence=[Evidence(start=sentence.start, end=sentence.end, text=text)],
    )
