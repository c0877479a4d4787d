"""Comparable forms of names: case, punctuation, white space and legal suffixes folded.

One definition serves every place where two names must be recognised as the same entity:
merging records across chunks, resolving a role's project, and scoring. ``marker_tokens``
tells apart names that differ only in a number or phase ("Phase I" and "Phase II").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["NUMBER_WORDS", "marker_tokens", "normalize_name", "normalize_text"]

_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_NON_WORD = re.compile(r"[^\w%]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")

_LEGAL_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("joint", "stock", "co", "ltd"),
    ("company", "limited"),
    ("limited", "company"),
    ("co", "ltd"),
    ("co", "limited"),
    ("corp", "ltd"),
    ("limited",),
    ("ltd",),
    ("inc",),
    ("corp",),
    ("corporation",),
    ("llc",),
    ("plc",),
    ("co",),
    ("company",),
)
_PROJECT_SUFFIXES: tuple[tuple[str, ...], ...] = (("project",), ("projects",))


def normalize_text(text: str) -> str:
    """Case, Unicode compatibility forms, possessive 's, punctuation and whitespace removed."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    folded = _POSSESSIVE.sub("", folded)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded).replace("_", " ")).strip()


def _strip_suffixes(tokens: list[str], suffixes: tuple[tuple[str, ...], ...]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            n = len(suffix)
            if len(tokens) > n and tuple(tokens[-n:]) == suffix:
                tokens = tokens[:-n]
                changed = True
                break
    return tokens


def normalize_name(text: str, *, project: bool = False) -> str:
    """``normalize_text`` plus: a leading "the", legal suffixes and (projects) "project"."""
    tokens = normalize_text(text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    suffixes = _LEGAL_SUFFIXES + _PROJECT_SUFFIXES if project else _LEGAL_SUFFIXES
    return " ".join(_strip_suffixes(tokens, suffixes))


NUMBER_WORDS: dict[str, str] = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
}
"""Number words and ordinals as digits."""
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6"}


def marker_tokens(normalized: str, *, glued: bool = False) -> tuple[str, ...]:
    """Numbers, ordinals and roman numerals of a name, as digits ("Phase II" -> ("2",)).

    Two names that differ only in these ("Phase I" and "Phase II", "Line 1" and "Line 2")
    name different things, however close their characters are. With ``glued``, numbers
    written inside a token count too ("10gwh" -> ("10",)).
    """
    found: list[str] = []
    for token in normalized.split():
        if token.isdigit():
            found.append(token.lstrip("0") or "0")
        elif token in _ROMAN:
            found.append(_ROMAN[token])
        elif token in NUMBER_WORDS:
            found.append(NUMBER_WORDS[token])
        elif glued:
            found.extend(d.lstrip("0") or "0" for d in _DIGITS.findall(token))
    return tuple(sorted(found))
