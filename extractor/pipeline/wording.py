"""An indicator's name in the text's own words.

The guide asks for what an indicator measures "in the text's words, without region and
period". A small model rewords it: "accumulated added value of industrial enterprises of the
province" for the text's "accumulative added value of industrial enterprises with certain scale
of the province", dropping the qualifier that makes it a different statistic. ``text_wording``
looks for the name in its evidence sentences: the shortest stretch of one sentence that holds
most of the name's content words (a word agrees with another that shares its stem, so
"accumulated" finds "accumulative"), inside one clause and with no figure in it. That stretch,
without a trailing place ("of the province", "in Hefei") or a leading article, is the name;
when no stretch holds enough of the words, the model's name stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.pipeline.normalize import (
    NAME_NUMBER,
    NUMBER_WORD,
    FigureError,
    find_figures,
    parse_figure,
)

__all__ = [
    "NAME_STOP_WORDS",
    "batch_total_name",
    "count_name",
    "count_wording",
    "is_batch_count",
    "measured_name",
    "text_wording",
    "total_wording",
]

_WORD = re.compile(rf"(?:{NAME_NUMBER}|[A-Za-z][A-Za-z'\-]*)")
# The words two names of one thing may differ in ("output of the industry", "industry output").
NAME_STOP_WORDS = frozenset(
    {"of", "the", "in", "a", "an", "and", "for", "to", "by", "at", "on", "s", "its", "this", "that"}
)
# What may not lie inside a name: a figure, or the end of a clause.
_BREAK = re.compile(r"[0-9,;:()\"\u201c\u201d]|\b(?:was|were|is|are|has|had|reached|rose)\b")
_PLACE_NOUN = (
    r"(?:province|city|region|county|district|country|nation|area|zone|prefecture|town|"
    r"municipality|autonomous region)"
)
_GENERIC_PLACE = re.compile(
    rf"\s+(?:of|in)\s+(?:the\s+)?(?:whole\s+|entire\s+|our\s+)?{_PLACE_NOUN}$", re.IGNORECASE
)
_NAMED_PLACE = re.compile(
    rf"\s+(?:of|in)\s+(?:[A-Z][\w'\-]*\s+)*[A-Z][\w'\-]*(?:\s+{_PLACE_NOUN})?$"
)
# A name that starts so is the model's own phrase for a figure ("number of projects signed" for
# "signed six projects"); the text has no stretch that says it.
_MADE_UP_HEADS = frozenset({"number", "share", "proportion", "growth", "rate", "increase"})
# What is measured comes before the first of these: "total investment" of "... of projects".
_SPLIT = frozenset({"of", "in", "for", "by"})
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# At least this share of the name's content words must be in the stretch.
MIN_SHARE = 0.75
# The stretch may be at most this many words longer than the name (its words all told).
MAX_EXTRA_WORDS = 5


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    start: int
    end: int


def _stem_agrees(a: str, b: str) -> bool:
    if a == b or a.removesuffix("s") == b.removesuffix("s"):
        return True
    if min(len(a), len(b)) < 5:
        return False
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= 5 and shared >= 0.7 * min(len(a), len(b))


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in NAME_STOP_WORDS]


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _without_place(name: str, region: str | None) -> str:
    name = _GENERIC_PLACE.sub("", name)
    named = _NAMED_PLACE.search(name)
    if named is not None:
        tail = named.group().lower()
        said = region is not None and any(
            w in tail for w in _content(_WORD.findall(region.lower())) if len(w) > 2
        )
        if said or re.search(rf"{_PLACE_NOUN}$", tail):
            name = name[: named.start()]
    return _ARTICLE.sub("", name).strip()


def _in_order(window: Sequence[str], name_words: Sequence[str], head: int) -> int | None:
    """How many of the name's words the window holds, each by its own word and in the name's
    order; ``None`` when it holds them in another order (a rewording) or lacks the word at
    ``head``, what is measured ("investment" in "total investment of projects")."""
    used: set[int] = set()
    last = -1
    for token in window:
        free = [k for k, w in enumerate(name_words) if k not in used]
        index = next((k for k in free if name_words[k] == token), None)
        if index is None:
            index = next((k for k in free if _stem_agrees(name_words[k], token)), None)
        if index is None:
            continue
        if index < last:
            return None
        used.add(index)
        last = index
    return len(used) if head in used else None


def _best_stretch(
    name_words: list[str], head: int, longest: int, sentence: str
) -> tuple[float, int, str] | None:
    tokens = _tokens(sentence)
    hits = [i for i, t in enumerate(tokens) if any(_stem_agrees(t.word, w) for w in name_words)]
    best: tuple[float, int, str] | None = None
    for a, i in enumerate(hits):
        for j in hits[a:]:
            length = j - i + 1
            if length > longest:
                break
            text = sentence[tokens[i].start : tokens[j].end]
            if _BREAK.search(text):
                break
            found = _in_order([t.word for t in tokens[i : j + 1]], name_words, head)
            if found is None:
                continue
            share = found / len(name_words)
            if best is None or (share, -length) > (best[0], -best[1]):
                best = (share, length, text)
    return best


def text_wording(name: str, sentences: Sequence[str], region: str | None = None) -> str:
    """``name`` as the sentences word it, without a trailing place; ``name`` when they do not."""
    words = [w.lower() for w in _WORD.findall(name)]
    name_words = _content(words)
    if len(name_words) < 2 or name_words[0] in _MADE_UP_HEADS:
        return name
    split = next((k for k, w in enumerate(words) if w in _SPLIT), len(words))
    head = max(0, len(_content(words[:split])) - 1)
    best: tuple[float, int, str] | None = None
    for sentence in sentences:
        found = _best_stretch(name_words, head, len(words) + MAX_EXTRA_WORDS, sentence)
        if found is not None and (best is None or (found[0], -found[1]) > (best[0], -best[1])):
            best = found
    if best is None or best[0] < MIN_SHARE:
        return name
    wording = _without_place(" ".join(best[2].split()), region)
    if not _content(_WORD.findall(wording.lower())):
        return name
    first = wording.split()[0]
    if name[:1].islower() and first[:1].isupper() and not first.isupper():
        wording = wording[0].lower() + wording[1:]  # a capital that only starts the sentence
    return wording


# The number of a count as find_figures reads it, digits or words ("20", "twelve", "a dozen").
_COUNT_LEAD = re.compile(
    rf"^(?:[\d,.]+|{NUMBER_WORD})\s*(?:thousand\s+|million\s+)?(?:(?:are|is|were|was)\s+)?",
    re.IGNORECASE,
)
_COUNT_STOP = re.compile(
    r"[,;()\"\u201c\u201d]|\.(?!\d)|\s(?:with|and|were|was|are|is|has|have|had|which|including|"
    r"accounting|totaling|totalling|respectively|while|to|for|will|would|shall|can|could|may|"
    r"across|that|as\s+soon\s+as|(?:this|that)\s+time|of\s+which|such\s+as|like|namely|also)\b|"
    r"\s(?:--|\u2014|\u2013)\s|"
    r"(?<!valued)(?<!priced)\sat\b|"
    r"\s(?:worth|valued\s+at)\s+(?=[$\u00a5]?\d)|"
    # a verb whose object is a figure says what the counted did, not what they are: "115 major
    # projects reached 15.5 billion yuan", "nine projects attracted 8 billion yuan"
    r"\s(?:[a-z]+ed|hit|drew|grew|rose|won)\s+"
    r"(?=(?:(?:a\s+total\s+of|about|around|nearly|"
    r"over|more\s+than|almost)\s+)?(?:RMB|CNY|USD|US)?\s*[$\u00a5]?\d)|"
    r"\s(?:in|since|by|during)\s+(?:(?:19|20)\d\d|the\s+first|this|last)|"
    r"\s(?:in|by)\s+the\s+(?:end|current|same|past|next|fields?\s+of)\b|"
    r"\son\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|the\s+same|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d)",
    re.IGNORECASE,
)
_VERBS = (
    r"(?:newly\s+)?(?:signed|started|commenced|launched|introduced|completed|landed|"
    r"implemented|promoted|attracted|built|settled|contracted|initiated|approved|commissioned|"
    r"put\s+into\s+(?:operation|production|use))"
)
_COUNT_VERB = re.compile(rf"\b({_VERBS})\s+$", re.IGNORECASE)
# "15 projects were signed": the verb after the count, in the passive.
_PASSIVE_VERB = re.compile(
    rf"^\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been)\s+({_VERBS})\b", re.IGNORECASE
)
# A point that ends no clause: a decimal point ("118.48") or an initial's ("U.S.").
_NO_STOP = r"(?<=\d)\.(?=\d)|(?<=\b[A-Z])\."
# "52 projects, including ..., have commenced operations": the clause's verb further on, in a
# perfect or passive tense, with the object that makes it an event ("started construction").
_LATER_VERB = re.compile(
    rf"^(?:[^.;:]|{_NO_STOP})*?\s(?:have|has|had|were|was|are|is)\s+(?:been\s+)?(?:all\s+)?({_VERBS})"
    r"(?:\s+(construction|operations?|production))?\b",
    re.IGNORECASE,
)
MAX_LATER_VERB_WORDS = 20
# A place is no part of a name (guide: "without region"): "in the Economic Development Zone".
_PLACE_QUALIFIER = re.compile(r"^(?:in|of)\s+(?:the\s+)?(?:[A-Z][\w'\-]*\s*)+$")


def _later_verb(tail: str) -> str:
    """The verb of a count's clause after the count, with its object ("have commenced
    operations" gives "commenced operations"); "" when the clause has none near, or when
    another count comes first (the verb is that one's)."""
    later = _LATER_VERB.match(tail)
    if later is None:
        return ""
    before = tail[: later.start(1)]
    if len(before.split()) > MAX_LATER_VERB_WORDS:
        return ""
    if any(is_batch_count(f.text) for f in find_figures(before)):
        return ""
    return " ".join(" ".join(w.split()) for w in later.groups() if w)


MAX_QUALIFIER_WORDS = 8
# A bound on what is counted, after the count: "22 projects each with an investment of more
# than 500 million yuan", "projects with an investment of 1-5 billion yuan", "170 projects
# with a total investment of more than 100 million yuan", "46 projects are worth more than 1
# billion yuan each". It names the count (a bound or a range: without one, "with a total
# investment of 9.88 billion yuan" is the batch's total); a leading "each" is left out.
# an amount written in digits or in words ("three billion yuan", "1 billion yuan")
_AMOUNT = (
    r"(?:[$\u00a5]?[\d.,]+|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s+(?:hundred\s+million|billion|million|thousand|ten\s+thousand))?"
    r"(?:\s+(?:yuan|RMB|US\s+dollars|dollars))?"
)
_BOUND = (
    r"(?:(?:more\s+than|over|above|exceeding|at\s+least|no\s+less\s+than|less\s+than|below|"
    rf"under)\s+{_AMOUNT}|{_AMOUNT}\s*(?:-|–|to)\s*{_AMOUNT})"
)
_BOUND_QUALIFIER = re.compile(
    r"^\s+(?:(?:are|is|were|was)\s+)?(?:each\s+)?"
    rf"(with\s+(?:an?\s+)?(?P<total>total\s+)?investments?\s+(?:of\s+)?{_BOUND}"
    rf"|with\s+{_BOUND}\s+in\s+(?:total\s+)?investment"
    rf"|(?:worth|valued\s+at)\s+(?!\d){_BOUND}(?:\s+each)?)",
    re.IGNORECASE,
)
# "A total investment of more than ..." bounds each counted project only in a breakdown of a
# batch ("there are 170 projects with ...", "including 2 projects with ..."); after "signed 30
# projects" it is the batch's total.
BREAKDOWN = re.compile(
    r"\b(?:there\s+(?:are|were)|including|of\s+which|among\s+(?:them|which))\b", re.IGNORECASE
)


_NOUN_START = re.compile(rf"[A-Za-z]|{NAME_NUMBER}")
"""How a counted noun starts: a letter, or a name's number ("5G base stations")."""


def count_wording(sentence: str, start: int, end: int) -> str | None:
    """The name of a count at ``sentence[start:end]`` ("20 projects") in the text's words:
    "number of" the counted noun with the verb just before it and the qualifier just after
    it ("signed 12 projects" is "number of projects signed", "newly started 20 projects
    above 100 million yuan, ..." is "number of newly started projects above 100 million
    yuan"); ``None`` when the figure holds no noun."""
    noun = _COUNT_LEAD.sub("", sentence[start:end]).strip()
    if not _NOUN_START.match(noun):
        return None
    tail = sentence[end:]
    found = _COUNT_VERB.search(sentence[:start])
    passive = _PASSIVE_VERB.match(tail)
    if passive is not None and found is None:
        return f"number of {noun} {' '.join(passive.group(1).split())}"
    bound = _BOUND_QUALIFIER.match(tail)
    if bound is not None and bound.group("total") and not BREAKDOWN.search(sentence[:start]):
        bound = None
    if bound is not None:
        qualifier = " ".join(bound.group(1).split())
    else:
        stop = _COUNT_STOP.search(tail)
        words = (tail[: stop.start()] if stop else tail).split()[:MAX_QUALIFIER_WORDS]
        qualifier = _PLACE_QUALIFIER.sub("", " ".join(words))
    # "projects signed", but "newly started projects above 100 million yuan"
    if found is None:
        words = [noun, qualifier, _later_verb(tail)]
    elif qualifier:
        words = [found.group(1), noun, qualifier]
    else:
        words = [noun, found.group(1)]
    return "number of " + " ".join(" ".join(w.split()) for w in words if w)


# A total the model names without saying of what: "total investment" for "15 projects were
# signed with a total investment of 40 billion yuan", where the text's statistic is the total
# investment of the projects signed.
_BARE_TOTAL = re.compile(
    r"(?:(?:total|annual|planned|accumulated|accumulative|cumulative|combined|overall)\s+)*"
    r"(?:investment|output\s+value|output|revenue|sales\s+revenue|sales|contract\s+value)",
    re.IGNORECASE,
)
# The total follows its batch: "30 projects were started with a total investment of ...".
_BATCH_LINK = re.compile(
    r"\b(?:with|totaling|totalling|involving)\s+(?:(?:a|an|the)\s+)?$", re.IGNORECASE
)
# Or names it: "Total investment for the projects exceeded ...".
_BATCH_AFTER = re.compile(
    r"^\s+(?:of|for)\s+(?:the|these|those|all|such)\s+((?:[a-z][\w-]*\s+)??[a-z][\w-]*s)\b",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[;:]|\.(?!\d)")
# Plural units that measure rather than count: "1,000 tons" is no batch.
_MEASURES = re.compile(
    r"(?:tons|tonnes|hectares|acres|meters|metres|kilometers|kilometres|watts|kilowatts|"
    r"megawatts|gigawatts|liters|litres|barrels|dollars|yuan|years|months|days|times)$",
    re.IGNORECASE,
)


def is_batch_count(span_text: str) -> bool:
    """True when a figure counts things ("30 projects"), not money or a measure."""
    try:
        unit = parse_figure(span_text).unit
    except FigureError:
        return False
    return unit is not None and unit.endswith("s") and not _MEASURES.search(unit)


def count_name(name: str, unit: str | None) -> str:
    """A count's name when the model names it by what it counts: "5G base stations" for
    "110,000 5G base stations" is "number of 5G base stations" (the guide names a count
    "number of ..."). Only a name that ends in the figure's own counted noun (``unit``) is
    one; a measure ("tons", "hectares") counts nothing."""
    words = name.split()
    if (
        unit is None
        or not unit.isalpha()
        or not unit.endswith("s")
        or _MEASURES.search(unit)
        or not words
        or words[-1].lower() != unit.lower()
        or words[0].lower() in _MADE_UP_HEADS
    ):
        return name
    if words[0].lower() in {"total", "the"}:
        words = words[1:]
    return " ".join(["number", "of", *words]) if words else name


_INDUSTRY_ONLY = re.compile(r"\b(?:industry|industries|sectors?)$", re.IGNORECASE)
_MEASURE_WORD = re.compile(
    r"\b(?:value|output|investment|revenues?|income|sales|production|exports?|profits?|"
    r"number|share|growth|rate|capacity|gdp)\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"\b(?P<measure>(?:(?:total|annual|accumulative|cumulative)\s+)?(?:industrial\s+)?"
    r"(?:output\s+value|added\s+value|value\s+added|output|revenues?|income|sales|"
    r"investment))\b",
    re.IGNORECASE,
)


def measured_name(name: str, before: str) -> str:
    """The name of a level the model names by its industry alone ("food industry" for "the
    food industry achieved an output value of 57.28 billion yuan"): what the sentence says
    is measured, the last measure word before the figure, "of" the industry ("output value
    of food industry"). Any other name, or one whose sentence names no measure, is kept."""
    owner = re.sub(r"['’]s$", "", name)
    if not _INDUSTRY_ONLY.search(owner) or _MEASURE_WORD.search(owner):
        return name
    measures = list(_MEASURE.finditer(before))
    if not measures:
        return name
    return f"{measures[-1].group('measure').lower()} of {owner}"


MAX_BATCH_WORDS = 15


def total_wording(sentence: str, start: int, name: str) -> str | None:
    """The name of a batch's total whose figure is at ``sentence[start:]``, when the model's
    ``name`` says only what is totalled ("total investment"): the total "of" the batch the
    text ties it to, the count it follows ("15 projects were signed with a total investment
    of" is "total investment of projects signed") or the plural it names ("total investment
    for the projects" is "total investment of projects"); ``None`` otherwise."""
    name = " ".join(name.split())
    if not _BARE_TOTAL.fullmatch(name):
        return None
    said = list(re.finditer(r"\s+".join(map(re.escape, name.split())), sentence[:start], re.I))
    if not said:
        return None
    head = said[-1]
    after = _BATCH_AFTER.match(sentence[head.end() : start])
    if after is not None:
        return f"{name} of {' '.join(after.group(1).split())}"
    before = sentence[: head.start()]
    link = _BATCH_LINK.search(before)
    if link is None:
        return None
    for span in reversed(find_figures(before[: link.start()])):
        counted = count_wording(sentence, span.start, span.end)
        if counted is None or not is_batch_count(span.text):
            continue
        between = sentence[span.end : link.start()]
        if _SENTENCE_BREAK.search(between) or len(between.split()) > MAX_BATCH_WORDS:
            return None
        return f"{name} of {counted.removeprefix('number of ')}"
    return None


# What the text calls a batch's money figure, just before it: "with a total investment of".
_TOTAL_HEAD = re.compile(
    r"((?:(?:total|annual|planned|accumulated|accumulative|cumulative|combined)\s+)*"
    r"investment)\b[^.;:\d]{0,30}$",
    re.IGNORECASE,
)
_BATCH_LEAD = re.compile(
    rf"^(?:a\s+total\s+of\s+|total\s+of\s+|the\s+|work\s+of\s+|these\s+)?"
    rf"(?:[\d,]+|{NUMBER_WORD})?\s*",
    re.IGNORECASE,
)
MAX_BATCH_NAME_WORDS = 5


def batch_total_name(sentence: str, start: int, batch: str) -> str:
    """The name of the money figure at ``sentence[start:]`` that a batch of projects
    (``batch``, the model's name for it) states: what the text calls it ("total investment",
    "annual planned investment"; else "total investment") "of" the batch, from the count it
    follows (``total_wording``) or else the batch's own words without its count ("345 major
    industrial projects" gives "total investment of major industrial projects")."""
    found = _TOTAL_HEAD.search(sentence[:start])
    head = " ".join(found.group(1).lower().split()) if found else "total investment"
    named = total_wording(sentence, start, head) if found else None
    if named is not None:
        return named
    words = _BATCH_LEAD.sub("", batch.strip()).split()
    said = " ".join(words)
    plain = said and not (_BREAK.search(said) or _TOTAL_HEAD.search(said))
    if not plain or len(words) > MAX_BATCH_NAME_WORDS:
        return f"{head} of projects"
    return f"{head} of {said.lower()}"
