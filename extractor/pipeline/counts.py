"""Counts of projects that the text states, as indicators (the guide's rule I2).

"In 2023 the district signed 12 projects" is an indicator: a batch figure of signed projects.
A small model lists such counts rarely, and as a project ("12 projects") when it does. Code
finds every count of projects in a chunk's sentences, names it from the words around it
(``wording.count_wording``: "number of projects signed") and gives it the place that signs
or starts the projects in its sentence ("Hechi signed five projects", ``subjects``), else the
region of an indicator of the same sentence, else the place that acts in its paragraph, else
the one the chunk's indicators name most, and the period the text states for it
(``periods``). The whole that a counted part is taken from ("45 of the 60 key projects") is
no count. The total investment the sentence gives the counted projects right after their count
("signed five projects, with a total investment of 9.88 billion yuan") comes with it, named
from the count ("total investment of projects signed"), with the count's region and period,
unless it bounds each counted project (``anchor.bounds_count``).
A count that its sentence shows is a target, a bound or one project's
(``anchor.states_statistic``) is left out, as is one whose figure an indicator already
states, and one for which the chunk names no region: region is part of an indicator's
identity, so such a count could not be right and only costs precision (EXPERIMENTS row NR).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.pipeline.anchor import bounds_count, states_statistic
from extractor.pipeline.chunk import Sentence, is_title
from extractor.pipeline.normalize import (
    CURRENCY_CODES,
    FigureError,
    FigureSpan,
    find_figures,
    parse_figure,
    to_quantity,
)
from extractor.pipeline.periods import stated_period
from extractor.pipeline.subjects import figure_place
from extractor.pipeline.wording import batch_total_name, count_wording, is_batch_count
from extractor.records import Evidence, Indicator

__all__ = ["project_counts", "unstated"]

_PROJECTS = re.compile(r"\bprojects$", re.IGNORECASE)
_WHOLE = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|"
    r"[a-z]+ty(?:-[a-z]+)?)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
"""The words before the whole of "159 of the 220 major projects": the count is the part's."""
_TOTAL_BEFORE = re.compile(
    r"\b(?:total|combined|planned|overall)\s+(?:planned\s+)?investment\s+(?:of|reaching|worth)\s+"
    r"(?:about|around|over|more\s+than|nearly|approximately)?\s*$",
    re.IGNORECASE,
)
"""The words between a count of projects and their total: ", with a total investment of"."""


def unstated(added: Sequence[Indicator], indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators of ``added`` (found by code) to keep beside ``indicators``: each with a
    region (region is identity: without one it could not be right) and a level that no
    indicator before it states."""
    stated = {(i.value.value, i.value.unit) for i in indicators if i.value is not None}
    kept: list[Indicator] = []
    for indicator in added:
        if indicator.value is None or indicator.region is None:
            continue
        key = (indicator.value.value, indicator.value.unit)
        if key not in stated:
            stated.add(key)
            kept.append(indicator)
    return kept


def project_counts(
    sentences: Sequence[Sentence], indicators: Sequence[Indicator]
) -> list[Indicator]:
    """The counts of projects that ``sentences`` (a chunk's) state and no indicator of
    ``indicators`` (the chunk's so far) states."""
    found: list[Indicator] = []
    # A title repeats a count that the body states with its period and full wording: the
    # body's comes first, and ``unstated`` then leaves out the title's copy.
    body_first = sorted(sentences, key=lambda s: is_title(sentences, s))
    for sentence in body_first:
        text = sentence.text
        spans = find_figures(text)
        for span in spans:
            if not is_batch_count(span.text) or _WHOLE.search(text[: span.start]):
                continue
            try:
                figure = parse_figure(span.text, before=text[: span.start], after=text[span.end :])
            except FigureError:
                continue
            if figure.unit is None or not _PROJECTS.search(figure.unit):
                continue
            name = count_wording(text, span.start, span.end)
            if name is None or not states_statistic(text, span.start, span.end, name):
                continue
            count = Indicator(
                name=name,
                region=figure_place(sentences, sentence, indicators),
                period=stated_period(sentences, sentence, sentence.start + span.start),
                value=to_quantity(figure),
                evidence=[Evidence(start=sentence.start, end=sentence.end, text=text)],
            )
            found.append(count)
            total = _total(text, spans, span, count)
            if total is not None:
                found.append(total)
    return unstated(found, indicators)


_RANGE = re.compile(r"\s*(?:-|–|to)\s*(?:[$\u00a5]?\d|one|two|three|four|five|ten)", re.IGNORECASE)


def _total(
    text: str, spans: Sequence[FigureSpan], count: FigureSpan, indicator: Indicator
) -> Indicator | None:
    """The total investment the sentence gives the counted projects right after their count
    ("signed five projects, with a total investment of 9.88 billion yuan"), as an indicator
    with the count's region and period; None when the next of the sentence's figures
    (``spans``) is no such total."""
    after = [s for s in spans if s.start >= count.end]
    if not after or not _TOTAL_BEFORE.search(text[count.end : after[0].start]):
        return None
    money = after[0]
    if bounds_count(text[: money.start]) or _RANGE.match(text[money.end :]):
        # a bound on each counted project ("... with a total investment of over"), or the
        # start of a range ("... of one billion yuan to 3 billion yuan")
        return None
    try:
        figure = parse_figure(money.text, before=text[: money.start], after=text[money.end :])
    except FigureError:
        return None
    if figure.unit not in CURRENCY_CODES:
        return None
    return indicator.model_copy(
        update={
            "name": batch_total_name(text, money.start, count.text),
            "value": to_quantity(figure),
        }
    )
