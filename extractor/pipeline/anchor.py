"""Figure-anchored indicators: code lists the figures of a chunk, the model labels each one.

A 1.5B model asked to list a chunk's indicators forgets most of them (85 of 92 on the dev
set's tune half). Here code finds every figure (``find_figures``: money, quantities, counts,
percentages, multiples), gives each a letter, and asks the model one question per figure:
is it an indicator (a statistic of a region, an industry or an enterprise over a period), a
figure of one project, a target, or something else; and for an indicator, what, where and
when. The answer model is built for the chunk (``labels_model``): one required key per
figure, in order, so a server that turns the schema into grammar makes the model answer for
every figure. Recall no longer depends on the model remembering to enumerate.

Code then builds the indicators (``indicators_from_labels``): a percentage, point or
multiple whose clause speaks of growth is a change, any other figure a level; a level and a
change of one sentence with the same name are one indicator. The result is ordinary wire
indicators, grounded and normalized like every other prompt's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model, field_validator

from extractor.pipeline.entities import LEGAL_FORM, names_one_facility
from extractor.pipeline.normalize import CHANGE_UNITS, find_figures, parse_figure
from extractor.pipeline.periods import names_a_period
from extractor.pipeline.wire import PLACEHOLDERS, WireIndicator
from extractor.pipeline.wording import BREAKDOWN

__all__ = [
    "FigureLabel",
    "ListedFigure",
    "SettledLabel",
    "as_region",
    "bounds_count",
    "figure_context",
    "indicators_from_labels",
    "labels_model",
    "letter",
    "lettered_model",
    "list_figures",
    "no_indicator",
    "settled",
    "states_statistic",
]

Kind = Literal["indicator", "project", "target", "other"]

_CONTEXT_BEFORE = 60
_CONTEXT_AFTER = 30
"""Characters of the sentence shown around a listed figure, so that two equal figures of one
sentence are told apart and the model reads the words that say what the figure is."""


@dataclass(frozen=True, slots=True)
class ListedFigure:
    """One figure of a chunk: its letter, its text, its sentence (from 1) and offsets there."""

    label: str
    text: str
    sentence: int
    start: int
    end: int


def letter(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: short ids for the figures of a chunk."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def list_figures(sentences: Sequence[str]) -> list[ListedFigure]:
    """Every figure of the sentences, in order, with its letter."""
    found = [
        (number, span)
        for number, sentence in enumerate(sentences, start=1)
        for span in find_figures(sentence)
    ]
    return [
        ListedFigure(letter(i), span.text, number, span.start, span.end)
        for i, (number, span) in enumerate(found)
    ]


def figure_context(sentence: str, figure: ListedFigure) -> str:
    """The words of ``sentence`` around ``figure``, cut at word boundaries."""
    start = max(0, figure.start - _CONTEXT_BEFORE)
    end = min(len(sentence), figure.end + _CONTEXT_AFTER)
    if start > 0:
        start = sentence.find(" ", start, figure.start) + 1 or start
    if end < len(sentence):
        cut = sentence.rfind(" ", figure.end, end)
        end = cut if cut > 0 else end
    head = "..." if start > 0 else ""
    tail = "..." if end < len(sentence) else ""
    return f"{head}{sentence[start:end]}{tail}"


def _absent_as_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return None if str(value).lower() in PLACEHOLDERS else value
    return value


class FigureLabel(BaseModel):
    """What one listed figure is; for an indicator, what is measured, where and when.

    ``figure`` comes first and is the listed figure itself (a constant in each chunk's answer
    model): writing it keeps a small model's labels on the right figure instead of drifting
    one figure ahead."""

    model_config = ConfigDict(extra="forbid")

    figure: str
    kind: Kind
    name: str | None = None
    region: str | None = None
    enterprise: str | None = None
    period: str | None = None

    _absent = field_validator("name", "region", "enterprise", "period", mode="before")(
        _absent_as_none
    )


class SettledLabel(BaseModel):
    """The label of a figure that code already knows is no indicator (``no_indicator``):
    the model picks its kind among the others and writes no name, region or period."""

    model_config = ConfigDict(extra="forbid")

    figure: str
    kind: Literal["project", "target", "other"]


@functools.lru_cache(maxsize=512)
def labels_model(figures: tuple[str, ...], settled: tuple[bool, ...] = ()) -> type[BaseModel]:
    """The answer model for a chunk whose listed figures are ``figures``: keys a, b, c, ...
    in order, each required, each repeating its figure, so that the grammar a server derives
    from it asks about every figure in turn. A ``settled`` figure (aligned with ``figures``;
    empty: none) gets a ``SettledLabel``: no indicator, and no name to write."""
    bases = [
        SettledLabel if i < len(settled) and settled[i] else FigureLabel
        for i in range(len(figures))
    ]
    return lettered_model(
        "FigureLabels", "Figure", "figure", list(zip(bases, figures, strict=True))
    )


def lettered_model(
    title: str, item: str, key: str, items: Sequence[tuple[type[BaseModel], str]]
) -> type[BaseModel]:
    """An answer (named ``title`` and the count) with keys a, b, c ... in order, each
    required: item i's model (named ``item`` and its letter) with its ``key`` fixed to item
    i's text, so that the grammar a server derives from it asks about every listed thing in
    turn and has the model repeat it (``labels_model``'s figures, ``verify.verdicts_model``'s
    project names)."""
    constant: Any = Literal  # a Literal of a value known only at run time
    fields: dict[str, Any] = {}
    for i, (base, text) in enumerate(items):
        fixed: dict[str, Any] = {key: (constant[text], ...)}
        one = create_model(f"{item}_{letter(i)}", __base__=base, **fixed)
        fields[letter(i)] = (one, ...)
    model: type[BaseModel] = create_model(
        f"{title}{len(items)}",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"A label for every listed {key}, by its letter.",
        **fields,
    )
    return model


_GROWTH = re.compile(
    r"\b(increas\w*|grow\w*|grew|rose|rise|rising|up|down|decreas\w*|declin\w*|fell|fall\w*"
    r"|drop\w*|year-on-year|yoy|over the same period|compared with|higher than|lower than)\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[;,]\s|\b(?:while|whereas|but|and)\b", re.I)


def _clause_of(sentence: str, figure: ListedFigure) -> str:
    """The clause of ``sentence`` that holds ``figure`` ("rose 10%, while exports fell 3%")."""
    before, after = sentence[: figure.start], sentence[figure.end :]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    head = before[breaks[-1].end() :] if breaks else before
    following = _CLAUSE_BREAK.search(after)
    tail = after[: following.start()] if following else after
    return f"{head}{figure.text}{tail}"


# A clause that is only a noun phrase joined by "and" ("..., and a tax contribution of 20
# million yuan") has no verb of its own: the clause before it governs it.
_JOINED = re.compile(
    r"^\s*and\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}of\s+(?:about\s+|over\s+)?$", re.I
)


def _governing(sentence: str, figure: ListedFigure) -> str:
    """The clause that governs a figure whose own clause is only a noun phrase after "and"
    ("expected to achieve an annual output value of 800 million yuan and a tax contribution
    of 20 million yuan"); "" for a figure whose clause has a verb."""
    before = sentence[: figure.start]
    marks = list(_CLAUSE_BREAK.finditer(before))
    joined = [m for m in marks if m.group().lower() == "and"]
    if not joined or not _JOINED.search(before[joined[-1].start() :]):
        return ""
    end = joined[-1].start()
    start = max((m.end() for m in marks if m not in joined and m.end() <= end), default=0)
    return before[start:end]


def _unit(figure: ListedFigure) -> str | None:
    """The unit code reads off the figure, or ``None`` when it holds no readable number."""
    try:
        return parse_figure(figure.text).unit
    except ValueError:
        return None


def is_change(sentence: str, figure: ListedFigure) -> bool:
    """True for a percentage, point or multiple whose own clause speaks of growth."""
    unit = _unit(figure)
    if unit not in CHANGE_UNITS:
        return False
    return unit == "times" or bool(_GROWTH.search(_clause_of(sentence, figure)))


_NAME_NOISE = frozenset({"growth", "increase", "rate", "year-on-year", "of", "the", "in"})


def _name_key(name: str) -> str:
    """A name without growth words and function words: "growth rate of industrial output"
    and "industrial output" are one key."""
    return " ".join(w for w in name.lower().split() if w not in _NAME_NOISE)


_FUTURE = re.compile(
    r"\b(expected to|is expected|are expected|expects?|expecting|projected|forecasts?|forecasted"
    r"|estimated|strive[sd]? to|aims? to|aiming to|aims? at|aiming at|targeting|poised to"
    r"|seeks? to|seeking to|intends? to|will|by 20\d\d|target of|goal of|plans? to)\b",
    re.I,
)
_ONE_PROJECT = re.compile(r"\b(?:the|this|its) (?:project|plant|factory|base|line)\b", re.I)
# A sentence about one project ("This project, with a total investment of 16 billion yuan",
# "the first phase of the project, with ...", "The project received 6 billion yuan"): its
# figures are the project's, not statistics.
_PROJECT_SENTENCE = re.compile(
    r"\b(?:the|this|that|its)\s+(?:(?:first|second|third|\w+-phase)\s+phase\s+of\s+the\s+)?"
    r"project\b(?!s)",
    re.I,
)


_ONE_FACILITY = re.compile(
    r"\b(?:(?:the|this|that|its|of)\s+(?:[\w'’-]+\s+){1,5}project|"
    r"(?:the|this|that|its)\s+(?-i:(?:[a-z][\w-]*\s+){1,3})(?:plant|factory))\b(?!s)",
    re.I,
)
_PROJECTS = re.compile(r"\bprojects\b", re.I)
# A figure stated right after one facility as its investment ("Shinsun Group's town project,
# with an investment of 20 billion yuan", "the production base -- with an investment of 200
# million yuan --"): that facility's, unless a batch of projects was spoken of before it ("15
# projects have been set up in the park, with a total investment of").
_FACILITY_INVESTMENT = re.compile(
    r"\b(?:project|base|plant|factory|cent(?:er|re)|park|line|facility)\b[\s,(\u2013\u2014-]*"
    r"(?:(?:which\s+)?(?:has|had|having|with|boasts?)\s+)?(?:an?\s+|the\s+|its\s+)?"
    r"(?:(?:total|planned|estimated|combined|designed|registered)\s+){0,2}investment\s+"
    r"(?:of\s+|(?:is|was|reached|totall?ed|stood\s+at)\s+)?(?:(?:about|around|approximately|"
    r"nearly|over|some|more\s+than|roughly)\s+)?$",
    re.I,
)


# A figure that bounds what is counted ("20 projects above 100 million yuan", "projects each
# with an investment of more than 5 billion yuan"): the count is the statistic, not the bound.
_THRESHOLD = re.compile(
    r"\b(?:projects?|enterprises?|companies|firms)\b(?:\s+(?:under\s+construction|in\s+total))?"
    r"\s+(?:each\s+(?:with\s+)?(?:an?\s+)?(?:total\s+)?(?:investment|value|output)\s+of\s+|"
    r"(?:worth|valued\s+at|with\s+investment\s+of|of)\s+)?"
    r"(?:above|over|more\s+than|exceeding|topping|at\s+least|no\s+less\s+than)\s*$",
    re.I,
)
# "... are worth more than", and in a breakdown of a batch (``wording.BREAKDOWN``: "there
# are 170 projects with a total investment of more than 100 million yuan") "with a total
# investment of more than": bounds too.
_BREAKDOWN_BOUND = re.compile(
    r"\b(?:projects?|enterprises?|companies|firms)\s+(?:(?:are|is|were|was)\s+(?:each\s+)?"
    r"(?:worth|valued\s+at)|with\s+(?:an?\s+)?(?P<total>total\s+)?investments?\s+of)\s+"
    r"(?:above|over|more\s+than|exceeding|at\s+least|no\s+less\s+than)\s*$",
    re.I,
)


def bounds_count(before: str) -> bool:
    """True when the text ``before`` a figure ends in a bound on what is counted ("20
    projects above", "there are 170 projects with a total investment of more than")."""
    if _THRESHOLD.search(before):
        return True
    bound = _BREAKDOWN_BOUND.search(before)
    return bound is not None and (not bound.group("total") or bool(BREAKDOWN.search(before)))


# The difference of two statistics ("2.4 percentage points higher than the national average",
# "down 1.3 points compared with the first half"): the guide records the two, not this.
_DIFFERENCE = re.compile(
    r"\b(?:higher|lower|faster|slower|more|less|above|below)\s+than\b|"
    r"\b(?:compared\s+(?:with|to)|over)\s+(?:the\s+)?(?:first|second|third|previous|last\s+"
    r"(?:month|quarter)|national|provincial|average|whole)",
    re.I,
)


def no_indicator(sentence: str, figure: ListedFigure) -> bool:
    """True for a figure that its sentence alone shows is no indicator, whatever a model
    would call it: a goal or expectation stated in its own clause ("is expected to create
    150 jobs"), a bound on what is counted ("projects above 100 million yuan") or a
    difference in points between two statistics ("2.4 percentage points higher than the
    national average")."""
    clause = _clause_of(sentence, figure)
    if _FUTURE.search(clause) or _FUTURE.search(_governing(sentence, figure)):
        return True
    if bounds_count(sentence[: figure.start]):
        return True
    return _unit(figure) == "pp" and bool(_DIFFERENCE.search(clause))


def settled(sentences: Sequence[str], figures: Sequence[ListedFigure]) -> tuple[bool, ...]:
    """``no_indicator`` of each listed figure, in order."""
    return tuple(no_indicator(sentences[f.sentence - 1], f) for f in figures)


def states_statistic(sentence: str, start: int, end: int, name: str) -> bool:
    """``is_statistic`` for the figure at ``sentence[start:end]``, however it was found."""
    return is_statistic(sentence, ListedFigure("", sentence[start:end], 0, start, end), name)


# A money figure in brackets right after one in yuan is its conversion ("9.88 billion yuan
# ($1.45 billion)"): the same figure again, never a statistic of its own.
_CONVERSION = re.compile(
    r"\b(?:yuan|RMB|CNY)\s*\(\s*(?:about\s+|around\s+|or\s+|approx\.\s+)?$", re.I
)


def is_statistic(sentence: str, figure: ListedFigure, name: str) -> bool:
    """False for a figure the model calls an indicator that the guide does not: one that is
    ``no_indicator`` by its sentence, a conversion in brackets of the yuan figure before it,
    one the model names after one project ("planned investment of the project"), or one of a
    sentence about one project ("the project received ...", "the battery manufacturing project
    is expected to finish", "the total investment of Guofang New Energy lithium battery Project
    is ...", where no batch of projects is spoken of). A named plant or factory ("the Nanjing
    factory's output value grew 20%") is its company's, whose figures are indicators."""
    if no_indicator(sentence, figure) or _ONE_PROJECT.search(name) or names_one_facility(name):
        return False
    if _CONVERSION.search(sentence[: figure.start]) or is_rank(sentence, figure.start, figure.end):
        return False
    if _PROJECT_SENTENCE.search(sentence):
        return False
    before = sentence[: figure.start]
    if _FACILITY_INVESTMENT.search(before) and not _PROJECTS.search(before):
        return False
    # a sentence about one named facility ("the battery manufacturing project is expected to
    # finish in 2025"), where no batch of projects is spoken of
    return not (_ONE_FACILITY.search(sentence) and not _PROJECTS.search(sentence))


_ORDINAL = re.compile(r"\d\s*(?:st|nd|rd|th)\b", re.IGNORECASE)
# "top 100", and the size of a named ranking: "Fortune 500", "Fortune Global 500", "Forbes 2000"
_TOP = re.compile(r"\b(?:top|(?:fortune|forbes)(?:\s+global)?)\s*$", re.IGNORECASE)
_TOP_FIRST = re.compile(r"\s*(?:top\s*\d|one\s+of\s+(?:the|[A-Z][\w'’-]*['’]s)\b)", re.IGNORECASE)


def is_rank(sentence: str, start: int, end: int) -> bool:
    """Whether the figure at ``sentence[start:end]`` is a rank ("84th among 169 national
    high-tech zones", "9th place in China", "ranks top 3", "one of the most comprehensive"):
    a ranking is no statistic (guide: "the first", "top 100 cities" record nothing)."""
    return bool(
        _ORDINAL.search(sentence[start:end])
        or _ORDINAL.match(sentence, max(start, end - 1))
        or _TOP.search(sentence[:start])
        or _TOP_FIRST.match(sentence[start:end])
    )


def _period(text: str | None) -> str | None:
    """The label's period when it speaks of time ("2023", "first half of the year"), else
    None: a small model fills the key with any word of the sentence ("specifically")."""
    return text if text and names_a_period(text) else None


def as_region(text: str | None) -> str | None:
    """The label's region unless it is a company's name (the company is no region)."""
    return None if text and LEGAL_FORM.search(text) else text


@dataclass(slots=True)
class _Draft:
    label: FigureLabel
    sentence: int
    value: str | None = None
    change: str | None = None


def _partner(drafts: list[_Draft], sentence: int, name: str, change: bool) -> _Draft | None:
    """The draft of one sentence that a figure joins: same name (growth words aside) and the
    slot still free; a change named only by growth words ("year-on-year increase") joins the
    last level of its sentence that has no change."""
    key = _name_key(name)
    free = [
        d
        for d in drafts
        if d.sentence == sentence and (d.change is None if change else d.value is None)
    ]
    same = [d for d in free if _name_key(d.label.name or "") == key]
    if same:
        return same[0]
    if change and not key:
        return free[-1] if free else None
    return None


def indicators_from_labels(
    sentences: Sequence[str], figures: Sequence[ListedFigure], labels: BaseModel
) -> list[WireIndicator]:
    """The indicators the labels name: one per level, its change joined to it when both are
    in one sentence under one name (growth words aside); a change alone is its own, unless
    its name is only growth words. A period that speaks of no time and a region that is a
    company are left out."""
    drafts: list[_Draft] = []
    for figure in figures:
        label = getattr(labels, figure.label, None)
        if not isinstance(label, FigureLabel) or label.kind != "indicator" or not label.name:
            continue
        sentence = sentences[figure.sentence - 1]
        if not is_statistic(sentence, figure, label.name):
            continue
        change = is_change(sentence, figure)
        partner = _partner(drafts, figure.sentence, label.name, change)
        if partner is None:
            if change and not _name_key(label.name):
                continue  # "year-on-year increase" of nothing named
            partner = _Draft(label=label, sentence=figure.sentence)
            drafts.append(partner)
        if change:
            partner.change = figure.text
        else:
            partner.value = figure.text
            partner.label = label
    return [
        WireIndicator(
            sentences=[d.sentence],
            name=d.label.name or "",
            region=as_region(d.label.region),
            enterprise=d.label.enterprise,
            period=_period(d.label.period),
            value=d.value,
            change=d.change,
        )
        for d in drafts
    ]
