"""Comparable forms of names: case, punctuation, white space and legal suffixes folded.

One definition serves every place where two names must be recognised as the same entity:
merging records across chunks, resolving a role's project, and scoring.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_name", "normalize_text"]

_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_NON_WORD = re.compile(r"[^\w%]+")
_SPACES = re.compile(r"\s+")

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
