"""A project's sector, read from its own name or its sentences when the model leaves it out.

The guide's ``sector`` is "product or industry in a few of the text's words", and a project's
name usually holds them: "lithium battery project", "Shangzhi Pumped Storage Power Station
project". The model almost never writes a sector (first 20 tune documents: none of 43
projects, while the gold gives one for 46 of 53). ``name_sector`` takes the name, drops what is
not a product or industry (the enterprises, the place, figures, the project's own head words
and phase) and keeps what is left, in the name's words. Where the name states none ("21.3-
billion-yuan facility"), ``sentence_sector`` takes what the project's sentences say it makes
("will manufacture batteries for new energy vehicles"). EXPERIMENTS row SE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.pipeline.entities import LEGAL_FORM
from extractor.pipeline.pinyin import proper_pinyin

__all__ = ["listed_as_sector", "name_sector", "sentence_sector"]

_WORD = re.compile(r"[^\s,;:()]+")
# A project's own head: what it is, not what it makes ("production base", "phase II").
_HEAD = re.compile(
    r"(?:\s+|^)(?:(?:production|assembly|manufacturing)\s+(?:base|line)s?|industrial\s+park|"
    r"projects?|bases?|plants?|factory|factories|facility|facilities|lines?|station|"
    r"cent(?:er|re)|park|headquarters|building|hub|campus|workshop|platform|cluster|area|zone|"
    r"construction|expansion|investment|site|complex|ceremony|groundbreaking|phase|"
    r"development|demonstration|"
    r"i{1,3}|iv|v|no\.?|first|second|third|fourth|fifth|the|a|an|of|and|with)$",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:the|a|an|first|second|third|phase|i{1,3}|iv|v)\s+", re.IGNORECASE)
# A project named after its place ("Wuchang Daoxiang Township project") names no product.
_PLACE_HEAD = re.compile(
    r"\b(?:township|town|village|county|district|city|province|port|airport)\b", re.IGNORECASE
)
_EMPTY = frozenset({"new", "major", "key", "large", "big"})
_FIGURE = re.compile(r"\d")
_POSSESSIVE = re.compile(r"^.*?['\u2019]s\s+")
_OF_TAIL = re.compile(r"\s+(?:of|by|in|at|for)\s+.*$", re.IGNORECASE)
_LEADING_PHASE = re.compile(r"^(?:the\s+)?(?:\w+\s+)?phase\s+of\s+(?:the\s+)?", re.IGNORECASE)
_MAX_WORDS = 8


def _owner_words(names: Iterable[str | None]) -> set[str]:
    words: set[str] = set()
    for name in names:
        if name:
            words.update(w.casefold() for w in _WORD.findall(LEGAL_FORM.sub(" ", name)))
    return words


_MONEY = frozenset({"yuan", "rmb", "cny", "dollars", "usd"})
"""A sum's currency names no sector ("800-million yuan carpet base")."""


def name_sector(
    name: str, enterprises: Iterable[str], location: str | None, document: str = ""
) -> str | None:
    """The product or industry ``name`` states, in its words, or None when it states none.
    With ``document``, the Chinese proper names a name starts with go too
    ("Changjiang Nuclear Power Plant": "Nuclear Power"; ``pinyin.proper_pinyin``)."""
    text = _LEADING_PHASE.sub("", name.strip())
    text = _POSSESSIVE.sub("", text)
    if LEGAL_FORM.search(text):  # a company's name states no sector
        return None
    text = _OF_TAIL.sub("", text)
    text = " ".join(
        w for w in _WORD.findall(text) if not _FIGURE.search(w) and w.casefold() not in _MONEY
    )
    owners = _owner_words([*enterprises, location])
    words = text.split()
    while words and (
        (words[0][0].isupper() and words[0].casefold() in owners)
        or _LEAD.match(words[0] + " ")
        or bool(document and proper_pinyin(words[0], document))
    ):
        words.pop(0)  # the place and the enterprise a name starts with
    text = " ".join(words)
    while (cut := _HEAD.sub("", text)) != text:
        text = cut
    words = text.split()
    if (
        _PLACE_HEAD.search(text)
        or not words
        or len(words) > _MAX_WORDS
        or {w.casefold() for w in words} <= _EMPTY
    ):
        return None
    return text


# What a sentence says a project makes: "engaged in precision machine tool production", "the
# production of ...", "will manufacture ...", "120,000 tons of ...". The object runs over
# lower-case words up to punctuation, a figure or a clause word.
_OBJECT = r"((?:[a-z][a-z\-]*\s+){0,5}?[a-z][a-z\-]*)"
_STOP_AFTER = (
    r"(?=\s*(?:[,.;:()]|$|\b(?:and other|with|in|at|by|is|are|was|were|be|has|have|will|which|"
    r"that|to|from|on|per|a year|annually|every year|each year|projects?|industry)\b))"
)
_MAKES = (
    re.compile(rf"\b(?:engaged|specializ\w+) in {_OBJECT} (?:production|manufacturing)\b"),
    re.compile(rf"\b(?:production|manufacture|manufacturing) of {_OBJECT}{_STOP_AFTER}"),
    re.compile(rf"\b(?:produc(?:e|es|ing)|manufactur(?:e|es|ing)) {_OBJECT}{_STOP_AFTER}"),
    re.compile(rf"\b(?:tons|tonnes|units|sets|pieces) of {_OBJECT}{_STOP_AFTER}"),
)
_NOT_PRODUCT = frozenset({"the", "a", "an", "its", "their", "more", "about", "over", "new"})


def sentence_sector(sentences: Iterable[str]) -> str | None:
    """The first product ``sentences`` say a project makes, in their words, or None."""
    for sentence in sentences:
        for pattern in _MAKES:
            for match in pattern.finditer(sentence):
                words = match.group(1).split()
                while words and words[0] in _NOT_PRODUCT:
                    words.pop(0)
                if words:
                    return " ".join(words)
    return None


# A list the text introduces as sectors or industries: "covering such sectors as
# biomedicine, mobile lighting ...", "industries including new energy, new materials ...".
_SECTOR_LIST = re.compile(
    r"\b(?:(?:sectors|industries|fields)\s*,?\s*(?:such\s+as|including|like)|"
    r"such\s+(?:sectors|industries|fields)\s+as)\s+",
    re.IGNORECASE,
)


def listed_as_sector(name: str, sentences: Iterable[str]) -> bool:
    """Whether a sentence lists ``name`` as one of its sectors or industries ("12 key projects
    commenced, covering such sectors as biomedicine, mobile lighting ..."): what the text
    calls a sector is no project."""
    for sentence in sentences:
        for cue in _SECTOR_LIST.finditer(sentence):
            if name.lower() in sentence[cue.end() :].lower():
                return True
    return False
