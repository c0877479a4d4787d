"""The period of a figure, as the text states it (the guide's rule I9).

A time phrase attached to a figure governs it ("... 70.1 billion yuan in the first seven
months"); otherwise a phrase that frames the sentence does ("In 2017, the zone started 20
projects"), and a framing phrase carries forward to later sentences of its paragraph until
another time phrase appears. It is never carried backwards. The day of an event is a period
too ("signed at a ceremony held on Sept 24", "launched 886 projects on Monday"), and so is
the present when the text names it ("so far", "at present", "this week").
``stated_period`` applies that rule to a figure found in a chunk; the phrase comes back as
written, without a leading "in", "during" or "on" (the scorer folds the rest of the spellings).

A paragraph often gives its frame only once for a whole article part ("In 2018, Shandong has
laid out 110 key projects ..." and, a paragraph later, "Among them, 68 projects ..."). Code
cannot tell such a frame from a dated event a paragraph before (EXPERIMENTS row PX), but the
model can: ``shared_periods`` gives an indicator for which the text states no period the one
that the chunk's other indicators of its place give most, when the chunk writes it as a time
phrase (a model's "2018-10-16" from a dateline or an event's name is no frame).

A batch of projects signed or started at a dated event (a signing ceremony, a concentrated
start) has the event's day for period, also where the text reports the batch a paragraph
later, and a quarter or year that names the batch ("key projects of the second quarter of
2023") is not its period (guidelines I9b). ``event_days`` gives the chunk's one event day to
its indicators of projects whose period is missing or only the day's year or a quarter or half
of it.

A model also writes for period what names no time of the figure: the page's date stamp
("2021-06-22", from the dateline) and "the same period", which only points at a period the
text gives elsewhere. ``names_a_period`` tells them apart, and the text's period takes their
place (EXPERIMENTS row NPD). The time a figure is compared with ("up 15 percent over the same
period last year") is no time phrase of it, and a model's "last year" written only there gives
way too (``only_as_basis``, row BAS).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from extractor.pipeline.chunk import Sentence, earlier_in_paragraph
from extractor.pipeline.entities import EVENT_NOUNS, PROJECTS_WORD
from extractor.pipeline.locate import locate
from extractor.records import Indicator

__all__ = [
    "dates_expectation",
    "event_days",
    "names_a_period",
    "only_as_basis",
    "over_model",
    "sentence_period",
    "shared_periods",
    "stated_period",
    "time_phrases",
]

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_COUNT = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})"
_YEAR = r"(?:19|20)\d{2}"
_OF_YEAR = (
    rf"(?:\s+(?:of\s+)?(?:this|last|the|the\s+same)\s+year|\s*,?\s+(?:(?:of|in)\s+)?{_YEAR})?"
)
_DAY = r"(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?"
_PHRASES = (
    # spans of days: "from May 26 to May 29 this year", "June 3-5, 2023"
    rf"(?:from\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:to|-|–|through)\s*"
    rf"(?:{_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b{_OF_YEAR}",
    # spans of months: "January to July this year", "from January to August 2023"
    rf"(?:(?:from|in|during|between)\s+)?{_MONTH}\s*(?:to|-|–|through|and)\s*{_MONTH}{_OF_YEAR}",
    # "the first seven months of this year", "the first half", "the third quarter of 2023"
    rf"(?:the\s+)?first\s+{_COUNT}\s+months{_OF_YEAR}",
    rf"(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:quarter|half|season)"
    rf"{_OF_YEAR}",
    rf"(?:the\s+)?(?:past|last|previous)\s+{_COUNT}\s+years",
    # spans of years: "from 2021 to 2022", "2019-2021"
    rf"(?:(?:from|in|during|between)\s+)?{_YEAR}\s*(?:to|-|–|through|and)\s*{_YEAR}",
    r"(?:in\s+)?recent\s+years",
    r"\brecently\b",
    # "since its establishment in August 2019", "since the launch of the plan in 2016"
    rf"since\s+(?:its|the|their)\s+(?:[\w'-]+\s+){{1,8}}?in\s+(?:{_MONTH}\s+)?{_YEAR}",
    rf"since\s+(?:last\s+year|the\s+beginning\s+of\s+(?:this|the)\s+year|{_YEAR}|{_MONTH}"
    rf"(?:\s+{_YEAR})?)",
    rf"(?:(?:through|as\s+of|by|until|up\s+to)\s+)?(?:the\s+)?end\s+of\s+(?:{_MONTH}|"
    rf"(?:this|last)\s+year|{_YEAR}){_OF_YEAR}",
    rf"(?:(?:up\s+)?until|through|as\s+of|up\s+to)\s+{_MONTH}{_DAY}"
    rf"(?:\s*,?\s+{_YEAR}|\s+(?:this|last)\s+year)?",
    rf"(?:in|during)\s+{_MONTH}{_DAY}(?:\s*,?\s+{_YEAR}|\s+(?:this|last)\s+year)?",
    rf"{_MONTH}{_DAY}\s*,?\s+{_YEAR}",
    # the day of an event: "held on Sept 24", "on March 2", "launched ... on Monday"
    rf"on\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:\s*,?\s+{_YEAR})?",
    # "on 28 April", "on the morning of February 7", "March 19 morning"
    rf"on\s+\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?![\w.])(?:\s*,?\s+{_YEAR})?",
    rf"(?:(?<=morning of )|(?<=evening of )|(?<=afternoon of ))"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:\s*,?\s+{_YEAR})?",
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?=\s+(?:morning|afternoon|evening)\b)",
    rf"on\s+{_WEEKDAY}",
    rf"(?:in|during|for)\s+(?:the\s+(?:whole\s+|full\s+)?year\s+(?:of\s+)?)?{_YEAR}",
    rf"(?:^|(?<=[.;:,]\s))(?:in\s+)?{_YEAR}(?=\s*,)",
    r"(?:this|last)\s+year",
    r"prior\s+to\s+this",
    # now: "so far", "at present", "this week"
    r"so\s+far|at\s+present|to\s+date|currently|up\s+to\s+now|(?:this|last)\s+(?:week|month)",
    # parts of a year the text names without a date
    r"throughout\s+(?:the|this)\s+year|(?:at\s+)?the\s+beginning\s+of\s+(?:the|this|last)\s+year",
    rf"end-{_MONTH}",
)
_TIME = re.compile("|".join(f"(?:{p})" for p in _PHRASES), re.IGNORECASE)
_LEAD = re.compile(r"^(?:in|during|for|on)\s+", re.IGNORECASE)


# The time a figure is compared with, not its own: "up 15 from the same period last year",
# "17.6 percentage points over the same period of the previous year".
_BASIS = re.compile(
    r"\b(?:the\s+)?same\s+period\s+(?:of\s+)?(?:last|the\s+previous|the\s+prior)\s+year\b",
    re.IGNORECASE,
)


def _bases(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BASIS.finditer(text)]


def time_phrases(text: str) -> list[tuple[int, int, str]]:
    """The time phrases of a text: (start, end, phrase as written without "in"/"during"); the
    time a figure is compared with ("the same period last year") is none."""
    bases = _bases(text)
    found = []
    for m in _TIME.finditer(text):
        if any(start <= m.start() and m.end() <= end for start, end in bases):
            continue
        phrase = _LEAD.sub("", " ".join(m.group().split())).strip(" ,")
        if phrase:
            found.append((m.start(), m.end(), phrase))
    return found


def only_as_basis(phrase: str, text: str) -> bool:
    """Whether ``text`` writes ``phrase`` ("last year") only inside the time it compares a
    figure with ("an increase of 15 from the same period last year"): no period of the
    figure."""
    spans = [m.span() for m in re.finditer(re.escape(phrase.strip()), text, re.IGNORECASE)]
    bases = _bases(text)
    return bool(spans) and all(
        any(start <= s and e <= end for start, end in bases) for s, e in spans
    )


# A figure with its own time phrase right after it: "to 135.27 billion yuan in 2020",
# "46.54 billion yuan in 2021" (the figure, its scale and unit words, then "in").
_OWN_PHRASE = re.compile(
    r"^[\d.,]+(?:\s*(?:billion|million|trillion|thousand|bln|mln|yuan|rmb|cny|dollars|usd|"
    r"percent|%|tons|tonnes|units|vehicles|projects|enterprises|companies))*\s+(?:(?:in|by)\s+)?$",
    re.IGNORECASE,
)


# Between a figure and a later time phrase, a word of expectation opens another clause:
# "has reached 33.5 million kW and is expected to surpass 40 million kW by the end of this
# year", "Thirty projects have started construction and 32 will start before the end of April".
# The phrase dates what is expected, not the figure.
_EXPECTED = re.compile(
    r"\b(?:will|would|shall|expected|expects?|plans?\s+to|aims?\s+to|strives?\s+to|before)\b",
    re.IGNORECASE,
)


def _later_expectation(sentence: Sentence, at: int, phrase_start: int) -> bool:
    """Whether a word of expectation stands between the figure at document offset ``at`` and
    a time phrase at ``phrase_start`` of ``sentence`` (an offset into its text)."""
    return _EXPECTED.search(sentence.text, at - sentence.start, phrase_start) is not None


def dates_expectation(period: str, sentence: Sentence, at: int) -> bool:
    """Whether a model's ``period`` for the figure at document offset ``at`` is written in the
    figure's sentence only after it, behind a word of expectation: it dates another clause."""
    found = locate(period, sentence.text, fuzzy=False)
    return (
        found is not None
        and found.start >= at - sentence.start
        and _later_expectation(sentence, at, found.start)
    )


def sentence_period(sentence: Sentence, at: int) -> str | None:
    """The period that ``sentence`` itself states for the figure at document offset ``at``:
    a time phrase right after the figure ("135.27 billion yuan in 2020"), else the nearest
    one before it, else the first after it unless it dates an expectation
    (``_later_expectation``); ``None`` when it has none."""
    own = time_phrases(sentence.text)
    offset = at - sentence.start
    after = [p for p in own if p[0] >= offset]
    if after and _OWN_PHRASE.match(sentence.text[offset : after[0][0]]):
        return after[0][2]
    before = [p for p in own if p[1] <= offset]
    if before:
        return before[-1][2]
    if after and not _later_expectation(sentence, at, after[0][0]):
        return after[0][2]
    return None


# What a model writes for period that names no time of the figure: a page's date stamp
# ("2021-06-22", "2019-08-26 10:07", from the dateline) and "the same period", which only
# points at a period written elsewhere.
_NO_PERIOD = re.compile(
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|(?:the\s+)?same\s+period)",
    re.IGNORECASE,
)


_TIME_WORD = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?(?:\s|$)|"
    r"\b(?:years?|yearly|annual(?:ly)?|quarters?|q[1-4]|h[12]|half|halves|months?|weeks?|days?|"
    r"decades?|seasons?|periods?|phases?|plan|spring|summer|autumn|fall|winter|today|"
    r"yesterday|now|present|current(?:ly)?|recent(?:ly)?|so\s+far|to\s+date|since|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|then|future|time|era)\b",
    re.IGNORECASE,
)
"""A word that names a time: a figure, a month, a unit of time, a time of the year, "now"."""


def names_a_period(phrase: str) -> bool:
    """False for a date stamp or "the same period", and for words with no time word at all
    ("investment promotion meeting of the zone", "first of its kind after the establishment
    of the New Area"): words a model writes for a period that name no time of the figure."""
    if _NO_PERIOD.fullmatch(phrase.strip()):
        return False
    return bool(_TIME_WORD.search(phrase))


_LEADING = re.compile(r"^(?:(?:the|from|by|as\s+of|through|until|up\s+to|in|on|during)\s+)+", re.I)


def _bare(period: str) -> str:
    """A period without its leading "the", "from", "by the", "as of"... ("first seven months")."""
    return _LEADING.sub("", " ".join(period.lower().split()))


def over_model(model: str, sentence: Sentence, at: int) -> str:
    """The period of the figure at ``at`` that a model gave as ``model``: the phrase of the
    figure's own sentence (``sentence_period``) wins, unless ``model`` is that phrase but for
    "the", "from", "by" ..., or is written in the sentence outside it; a sentence without a
    phrase leaves ``model``. A model takes dates from datelines ("2021-03-03" for "... on
    March 2") and shortens phrases ("2014" for "the first half of 2014")."""
    own = sentence_period(sentence, at)
    if own is None or _bare(own) == _bare(model):
        return model
    # written in the sentence, and not as part of its phrase (case and white space aside)
    if locate(model, sentence.text, fuzzy=False) and not locate(model, own, fuzzy=False):
        return model
    return own


def stated_period(sentences: Sequence[Sentence], sentence: Sentence, at: int) -> str | None:
    """The period governing the figure at document offset ``at`` of ``sentence``: the
    nearest time phrase before it in its sentence, else the first after it, else the last
    phrase of the nearest earlier sentence of the paragraph that has one; ``None`` when the
    text states none. ``sentences`` are the chunk's, in order."""
    own = sentence_period(sentence, at)
    if own is not None:
        return own
    for previous in earlier_in_paragraph(sentences, sentence):
        phrases = time_phrases(previous.text)
        if phrases:
            return phrases[-1][2]
    return None


def shared_periods(
    indicators: Sequence[Indicator], sentences: Sequence[Sentence]
) -> list[Indicator]:
    """``indicators`` (a chunk's, ``sentences`` its sentences) with a period for each that has
    none: the period the chunk's other indicators of the same region give most, counting only
    periods that the chunk writes as a time phrase; one whose region has no such period keeps
    none."""
    written = {_bare(p[2]) for s in sentences for p in time_phrases(s.text)}
    given: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
    for indicator in indicators:
        if indicator.period and _bare(indicator.period) in written:
            given[indicator.region][indicator.period] += 1
    out: list[Indicator] = []
    for indicator in indicators:
        periods = given.get(indicator.region)
        if indicator.period is None and periods:
            indicator = indicator.model_copy(update={"period": periods.most_common(1)[0][0]})
        out.append(indicator)
    return out


_EVENT_DAY = re.compile(
    rf"^(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH})"
    rf"(?:\s*,?\s+(?P<year>{_YEAR}))?$",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(rf"^(?:in\s+)?{_YEAR}$", re.IGNORECASE)
_PART_OF_YEAR = re.compile(r"\b(?:quarter|half|season)\b", re.IGNORECASE)
_A_YEAR = re.compile(rf"\b{_YEAR}\b")


_EVENT = re.compile(rf"\b(?:{'|'.join(sorted(EVENT_NOUNS))}|session|signing)s?\b", re.IGNORECASE)
"""An event a batch is signed or started at: "the ... Invest in Changzhou Conference opened"."""


def _event_day(sentences: Sequence[Sentence]) -> tuple[str, str | None] | None:
    """The one day the chunk writes in a sentence about projects or an event (a ceremony, a
    conference, a fair), with its year if written; None when it writes none or several."""
    days = {
        (phrase, found.group("year"))
        for s in sentences
        if PROJECTS_WORD.search(s.text) or _EVENT.search(s.text)
        for _, _, phrase in time_phrases(s.text)
        if (found := _EVENT_DAY.match(phrase)) is not None
    }
    return days.pop() if len(days) == 1 else None


def _names_the_batch(period: str | None, year: str | None) -> bool:
    """A period that says less than the event's day of the same year: none, the year alone, or
    a quarter or half of it ("the second quarter of 2023", or "the second quarter" with no
    year: the event's)."""
    if period is None:
        return True
    if year is not None and year not in period and _A_YEAR.search(period):
        return False
    return bool(_YEAR_ONLY.match(period.strip()) or _PART_OF_YEAR.search(period))


def event_days(indicators: Sequence[Indicator], sentences: Sequence[Sentence]) -> list[Indicator]:
    """``indicators`` (a chunk's, ``sentences`` its sentences) with the chunk's one event day
    (``_event_day``) for period on each indicator of projects whose period says less."""
    event = _event_day(sentences)
    if event is None:
        return list(indicators)
    day, year = event
    return [
        i.model_copy(update={"period": day})
        if PROJECTS_WORD.search(i.name) and _names_the_batch(i.period, year)
        else i
        for i in indicators
    ]
