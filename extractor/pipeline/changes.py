"""The change a text states right after an indicator's level, when the model left it out.

"Output reached 81,400 vehicles, a year-on-year increase of 226%" states one indicator with a
level and its change. A small model often writes the level and stops. ``with_changes`` gives
such an indicator the percent that follows its level in the same sentence, where the words
between say it is a change ("an increase of", "up", "down") and hold no other figure, and no
indicator of the chunk already states that percent of that sentence. When a record of the
chunk states that percent alone for the same statistic (the model wrote "profit, 19.8 billion
yuan" and "profit, 71.1 percent" for one statistic), the two are joined: the guide makes a level
and its change stated together one record. ``with_levels`` does the converse for a record
that states a change alone: the level its sentence states for that change ("grew 11.2 percent
year on year to 25.56 billion yuan", "exceeded 122.1 billion yuan in 2020, up 9.9%").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from extractor.names import normalize_text
from extractor.pipeline.chunk import Sentence
from extractor.pipeline.normalize import (
    CHANGE_UNITS,
    Figure,
    FigureError,
    find_figures,
    is_percent,
    parse_figure,
    to_change,
    to_quantity,
)
from extractor.pipeline.wording import NAME_STOP_WORDS
from extractor.records import Indicator

__all__ = ["share_of_a_whole", "states_growth", "with_changes", "with_levels"]

_CHANGE_WORD = re.compile(
    r"\b(?:increase[sd]?|up|rise|rose|risen|grow(?:th|n)?|grew|decrease[sd]?|down|drop(?:ped)?|"
    r"fell|fall(?:en)?|decline[sd]?|year[\s-]+on[\s-]+year)\b",
    re.IGNORECASE,
)
MAX_GAP = 120
"""Most characters between a level and its change."""
LEAD = 40
"""The change word must be among this many characters before the percent."""


# A percent that is a level of its own: a share or contribution ("accounting for 28.4%",
# "28.4% of the annual plan") or a level reached ("rose to 7%").
_SHARE_WORD = re.compile(
    r"\b(?:account(?:ed|ing|s)?|share|proportion|contribut\w*)\b", re.IGNORECASE
)
_LEVEL_REACHED = re.compile(r"\bto\s+(?:about\s+|nearly\s+|over\s+|more\s+than\s+)?$", re.I)
_OF_A_WHOLE = re.compile(r"^\s*of\s", re.IGNORECASE)


_OF_THE_WHOLE = re.compile(r"^\s*of\s+(?:the|its|this|their|all)\b", re.IGNORECASE)


def share_of_a_whole(after: str) -> bool:
    """Whether the words right after a percent make it a share of a whole ("8.1 percent of the
    annual target", "122.17% of the annual plan", "45 percent of the area's tax revenue"), a
    level of its own, not a change."""
    return _OF_THE_WHOLE.match(after) is not None


def states_growth(sentence: str, start: int, end: int) -> bool:
    """Whether the percent at ``sentence[start:end]`` is a change by its own clause's words
    ("revenue increased by 10 percent", "The GDP growth rate ... was 7.3 percent", ", an
    increase of 1.3%"): a word of growth or decline before it in its clause, and neither a
    share nor a level reached ("rose to 7%", "28.4% of the annual plan")."""
    clause = sentence[max(sentence.rfind(";", 0, start), sentence.rfind(",", 0, start)) + 1 : start]
    if not _CHANGE_WORD.search(clause) or _SHARE_WORD.search(clause):
        return False
    return not _LEVEL_REACHED.search(clause) and not _OF_A_WHOLE.match(sentence[end:])


def _bracketed_change(text: str, at: int) -> bool:
    """A change in brackets after its level ("2.5 million tons (up 4.2% YoY)"), unlike a
    currency conversion ("($1.4 billion)")."""
    return bool(_CHANGE_WORD.search(text[text.rfind("(", 0, at) : at]))


def _in_brackets(text: str, at: int) -> bool:
    return text.rfind("(", 0, at) > text.rfind(")", 0, at)


def _change_after(sentence: Sentence, raw: str) -> tuple[str, str, str] | None:
    """The percent stated as a change right after the level ``raw`` in ``sentence``: (figure,
    text before it, text after it), or None. A figure in brackets between them (a currency
    conversion) is passed over."""
    text = sentence.text
    at = text.find(raw)
    if at < 0:
        return None
    spans = [
        s
        for s in find_figures(text)
        if s.start >= at and (not _in_brackets(text, s.start) or _bracketed_change(text, s.start))
    ]
    if len(spans) < 2:
        return None
    level, span = spans[0], spans[1]
    between = text[level.end : span.start]
    if len(between) > MAX_GAP or ";" in between or not is_percent(span.text):
        return None
    if not _CHANGE_WORD.search(between[-LEAD:]):
        return None
    return span.text, text[: span.start], text[span.end :]


def _words(name: str) -> frozenset[str]:
    return frozenset(w.removesuffix("s") for w in normalize_text(name).split()) - NAME_STOP_WORDS


def _same_statistic(level: Indicator, change: Indicator) -> bool:
    """Whether a change-only record names the statistic of a level-only one: the same region
    and enterprise, and the words of one name all among the other's ("profit" and "profits")."""
    if (level.region, level.enterprise) != (change.region, change.enterprise):
        return False
    a, b = _words(level.name), _words(change.name)
    return bool(a and b) and (a <= b or b <= a)


def _joined(level: Indicator, change: Indicator) -> Indicator:
    """One record of a level and the change that a second record wrote alone: the longer
    name, the level's period (else the change's) and both records' evidence."""
    name = change.name if len(_words(change.name)) > len(_words(level.name)) else level.name
    evidence = {(e.start, e.end): e for e in (*level.evidence, *change.evidence)}
    return level.model_copy(
        update={
            "name": name,
            "period": level.period or change.period,
            "change": change.change,
            "evidence": [evidence[k] for k in sorted(evidence)],
        }
    )


def _pair_split(indicators: Sequence[Indicator], sentences: Sequence[Sentence]) -> list[Indicator]:
    """A level and its change that two records state apart (the model wrote "profit, 19.8
    billion yuan" and "profit, 71.1 percent" for "realized profits of 19.8 billion yuan, an
    increase of 71.1 percent") joined into the one indicator the sentence states, where the
    change is the one the sentence states right after that level."""
    by_start = {s.start: s for s in sentences}
    out = list(indicators)
    for level in indicators:
        if level.change is not None or level.value is None or not level.value.raw:
            continue
        for evidence in level.evidence:
            sentence = by_start.get(evidence.start)
            found = None if sentence is None else _change_after(sentence, level.value.raw)
            if found is None:
                continue
            partners = [
                c
                for c in out
                if c.value is None
                and c.change is not None
                and c.change.raw == found[0]
                and any(e.start == evidence.start for e in c.evidence)
                and _same_statistic(level, c)
            ]
            if len(partners) == 1 and level in out:
                out[out.index(level)] = _joined(level, partners[0])
                out.remove(partners[0])
                break
    return out


_TO_LEVEL = re.compile(r"^\s*(?:year[\s-]+on[\s-]+year\s+|yoy\s+)?to\s+(?:reach\s+)?$", re.I)
"""The words between a change and the level it grew to: "grew 11.2 percent year on year to"."""


_ITS_CHANGE = re.compile(
    r"^(?:\s*\([^)]*\))?(?:\s+(?:in|during|from)\s+[^,;()]{1,40}?)?\s*,?\s*(?:which\s+marks\s+)?"
    r"(?:an?\s+)?(?:year[\s-]+on[\s-]+year\s+)?"
    r"(?:up|down|(?:increase|decrease|rise|growth|drop|decline)(?:\s+rate)?\s+of|"
    r"(?:increas|ris|grow|grew|fell|fall|drop|declin)\w*(?:\s+by)?)\s*$",
    re.IGNORECASE,
)
"""The words between a level and its change: ", up", " in 2020, up", " ($8.2 billion), a growth
rate of", " from January to September, a year-on-year increase of"."""


def _level_of(sentence: Sentence, raw: str) -> tuple[str, str, str] | None:
    """The level that ``sentence`` states for the change ``raw``: the figure right after it
    that it grew to ("grew 11.2 percent year on year to 25.56 billion yuan"), else the figure
    whose change it is (``_change_after``: "exceeded 122.1 billion yuan, up 9.9%"); (figure,
    text before it, text after it), or None."""
    text = sentence.text
    at = text.find(raw)
    if at < 0:
        return None
    spans = find_figures(text)
    after = [f for f in spans if f.start >= at + len(raw)]
    if after and _TO_LEVEL.match(text[at + len(raw) : after[0].start]):
        level = after[0]
        return level.text, text[: level.start], text[level.end :]
    for level in (f for f in spans if f.end <= at):
        found = _change_after(sentence, level.text)
        if found is not None and found[0] == raw and _ITS_CHANGE.match(text[level.end : at]):
            return level.text, text[: level.start], text[level.end :]
    return None


_Found = tuple[str, str, str]
"""A figure a sentence states, as written, with the text before and after it."""


def _unstated(
    indicator: Indicator,
    by_start: dict[int, Sentence],
    stated: set[tuple[int, str]],
    find: Callable[[Sentence, str], _Found | None],
    raw: str,
) -> _Found | None:
    """The first figure ``find`` reads for ``raw`` in one of the indicator's sentences that no
    record states there yet (``stated``: sentence start and figure); it is then stated."""
    for evidence in indicator.evidence:
        sentence = by_start.get(evidence.start)
        found = None if sentence is None else find(sentence, raw)
        if found is not None and (evidence.start, found[0]) not in stated:
            stated.add((evidence.start, found[0]))
            return found
    return None


def _parsed(found: _Found | None) -> tuple[Figure, str, str] | None:
    """A found figure parsed in its context, with that context; None when it does not parse."""
    if found is None:
        return None
    raw, before, after = found
    try:
        return parse_figure(raw, before=before, after=after), before, after
    except FigureError:
        return None


def with_levels(indicators: Sequence[Indicator], sentences: Sequence[Sentence]) -> list[Indicator]:
    """``indicators`` with the level that a change-only record's sentence states for its
    change filled in ("Investment in fixed assets grew 11.2 percent year on year to 25.56
    billion yuan"), where no record of the chunk states that level."""
    by_start = {s.start: s for s in sentences}
    stated = {(e.start, i.value.raw) for i in indicators if i.value is not None for e in i.evidence}
    out: list[Indicator] = []
    for indicator in indicators:
        change = indicator.change
        if indicator.value is not None or change is None or not change.raw:
            out.append(indicator)
            continue
        level = _parsed(_unstated(indicator, by_start, stated, _level_of, change.raw))
        if level is None or level[0].unit is None or level[0].unit in CHANGE_UNITS:
            out.append(indicator)
            continue
        out.append(indicator.model_copy(update={"value": to_quantity(level[0])}))
    return out


def with_changes(indicators: Sequence[Indicator], sentences: Sequence[Sentence]) -> list[Indicator]:
    """``indicators`` with the changes their texts state after their levels filled in: taken
    from a record that states the change alone for the same statistic, else from the text."""
    indicators = _pair_split(indicators, sentences)
    by_start = {s.start: s for s in sentences}
    stated = {
        (e.start, i.change.raw) for i in indicators if i.change is not None for e in i.evidence
    }
    out: list[Indicator] = []
    for indicator in indicators:
        if indicator.change is not None or indicator.value is None or not indicator.value.raw:
            out.append(indicator)
            continue
        found = _parsed(_unstated(indicator, by_start, stated, _change_after, indicator.value.raw))
        if found is None:
            out.append(indicator)
            continue
        figure, before, after = found
        change = to_change(figure, before=before, after=after)
        out.append(indicator.model_copy(update={"change": change}))
    return out
