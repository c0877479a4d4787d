"""Completion rates: the part of a year's plan or target that a level has reached.

The guide (section 3): "A share or completion rate stated beside a level ('17.53 billion yuan,
28.4% of the annual plan') is a record of its own, unit %, named for what it is a share of."
The model almost never writes one. On the tune half it wrote none of the 22 completion rates
the gold records as such ("investment completion rate of key projects", "completion rate of
the annual target of foreign direct investment"); where it wrote the figure at all, it wrote
it as the change of the level beside it ("invested in key projects", change 55%), which is
wrong twice. Code reads them from two shapes:

* a percent right before "of the annual plan", "of its annual target", "of this year's
  planned investment", "of the annual investment plans" (a plan or target of a year);
* a percent after "completion rate (of ...) was / of / reached" ("with a completion rate of
  55%", "the investment completion rate of the first batch of major projects was 23 percent").

It is named "investment completion rate" when its sentence speaks of investment, else
"completion rate of the annual target" or "... plan": the words every gold name of such a
rate holds. It takes the region and period of the level its sentence states before it when a
record of the chunk writes that level, else those code finds for the sentence, as for code's
counts. A record of the chunk that wrote the rate as a change loses it (and goes when it
states nothing else). None is read from a sentence that lists figures "respectively", or
whose rate ``states_statistic`` rules out (a forecast, one project's progress). EXPERIMENTS
row CMP.
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
    to_quantity,
)
from extractor.pipeline.periods import stated_period
from extractor.pipeline.subjects import figure_place
from extractor.records import Evidence, Indicator

__all__ = ["completion_rates"]

_YEARS = r"(?:(?:the\s+)?(?:annual|yearly|full[\s-]year|whole[\s-]year)\s+|this\s+year['’]s\s+)"
# "of the annual plan", "of its annual target", "of this year's planned investment", "of the
# total annual target", "of annual investment plans"
_OF_PLAN = re.compile(
    r"^\s*of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+['’]s\s+)?(?:total\s+)?(?P<year>"
    + _YEARS
    + r")?"
    r"(?P<what>(?:planned\s+)?investment\s+plans?|planned\s+(?:investment|targets?)|plans?|"
    r"target(?:\s+tasks?)?)\b",
    re.IGNORECASE,
)
# "with a completion rate of", "the investment completion rate of the first batch of major
# projects in Ningxia was", "The annual planned investment completion rate was"
_RATE_BEFORE = re.compile(
    r"(?P<name>(?:[\w'’-]+\s+){0,4}?completion\s+rate(?:\s+(?:of|for)\s+(?:[\w'’-]+\s+){0,9}?"
    r"[\w'’-]+)?)\s+(?:was|is|stood\s+at|reached|hit|of|at)\s+(?:about\s+|nearly\s+)?$",
    re.IGNORECASE,
)
# What a clause names before "completion rate": "the", "with a", "and its" are no part of it.
_LEAD = re.compile(r"^(?:(?:with|and|while|the|a|an|its|their|of|which|that)\s+)+", re.I)
_PLACE_TAIL = re.compile(r"\s+in\s+(?:[A-Z][\w'’-]*\s*)+$")
# "18 projects with completion rate of 90%": a bound on what is counted, no rate of its own.
_COUNTED_WITH = re.compile(
    r"\d|\b(?:projects|enterprises|companies|firms|cities)\s+with\b", re.IGNORECASE
)
_BOUND = re.compile(r"\b(?:more\s+than|over|above|exceeding|at\s+least)\s+$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_INVESTMENT = re.compile(r"\binvest", re.IGNORECASE)


def _rate_name(sentence: str, plan: re.Match[str] | None, said: str | None) -> str:
    if said is not None:  # "the investment completion rate of the first batch of ... was"
        name = _PLACE_TAIL.sub("", _LEAD.sub("", said.strip()))
        if _INVESTMENT.search(sentence) and not _INVESTMENT.search(name):
            return f"investment {name}"
        return name
    if _INVESTMENT.search(sentence):
        return "investment completion rate"
    if plan is not None and "target" in plan.group("what").lower():
        return "completion rate of the annual target"
    return "completion rate of the annual plan" if plan is not None else "completion rate"


def _rate(text: str, span: FigureSpan) -> str | None:
    """The name of the completion rate that the percent ``span`` of ``text`` is, or None."""
    before = text[: span.start]
    if _BOUND.search(before):
        return None  # "five cities completed more than 70% of the annual target"
    plan = _OF_PLAN.match(text[span.end :])
    if plan is not None:
        return _rate_name(text, plan, None)
    said = _RATE_BEFORE.search(before)
    if said is None or _COUNTED_WITH.search(said.group("name")):
        return None
    return _rate_name(text, None, said.group("name"))


def _level_record(
    sentence: Sentence, spans: Sequence[FigureSpan], at: int, indicators: Sequence[Indicator]
) -> Indicator | None:
    """The chunk's record of the level the sentence states right before the rate."""
    if at == 0:
        return None
    number = first_number(spans[at - 1].text)
    for record in indicators:
        if record.value is None or first_number(record.value.raw or "") != number:
            continue
        if any(e.start == sentence.start for e in record.evidence):
            return record
    return None


def _without_change(record: Indicator, number: float) -> Indicator | None:
    """``record`` less a change that is the rate's number; None when nothing else is left."""
    if record.change is None or first_number(record.change.raw or "") != number:
        return record
    if record.value is None:
        return None
    return record.model_copy(update={"change": None})


def completion_rates(
    sentences: Sequence[Sentence], indicators: Sequence[Indicator]
) -> list[Indicator]:
    """``indicators`` with the completion rates the chunk's ``sentences`` state added, and the
    changes that wrote those rates removed."""
    out = list(indicators)
    for sentence in sentences:
        text = sentence.text
        if _RESPECTIVELY.search(text):
            continue
        spans = find_figures(text)
        for at, span in enumerate(spans):
            if not is_percent(span.text):
                continue
            name = _rate(text, span)
            if name is None or not states_statistic(text, span.start, span.end, name):
                continue
            number = first_number(span.text)
            if number is None or any(
                r.value is not None and first_number(r.value.raw or "") == number for r in out
            ):
                continue  # a record already writes it as a level
            try:
                value = to_quantity(
                    parse_figure(span.text, before=text[: span.start], after=text[span.end :])
                )
            except FigureError:
                continue
            cites = [r for r in out if any(e.start == sentence.start for e in r.evidence)]
            # the model's reading of the sentence: the record that wrote the rate as a change,
            # else the one of the level before it
            level = next(
                (r for r in cites if r.change and first_number(r.change.raw or "") == number),
                None,
            ) or _level_record(sentence, spans, at, out)
            touched = {id(r) for r in cites}
            out = [
                kept
                for r in out
                if (kept := _without_change(r, number) if id(r) in touched else r) is not None
            ]
            out.append(
                Indicator(
                    name=name,
                    enterprise=level.enterprise if level else None,
                    region=level.region if level else figure_place(sentences, sentence, out),
                    period=level.period
                    if level
                    else stated_period(sentences, sentence, sentence.start + span.start),
                    value=value,
                    evidence=[Evidence(start=sentence.start, end=sentence.end, text=text)],
                )
            )
    return out
