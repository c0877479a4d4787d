"""Whether a word is a Chinese proper name written in pinyin ("Changjiang", "Anyou", "Jinyi").

The articles name places, brands and companies in romanized Chinese, and a project's name
usually starts with them: "Changjiang Nuclear Power Plant", "Jilin Anyou Biological Project".
What the project makes is what follows ("nuclear power", "biological"). A word that splits
wholly into pinyin syllables, two or more of them, reads as such a name; English words seldom
split so ("power", "laser", "fiber", "engineering" do not), though some do ("machine",
"data"), so a caller that has the text also asks that the word never appear there in lower
case (``proper_pinyin``).
"""

from __future__ import annotations

import functools
import re

__all__ = ["is_pinyin", "proper_pinyin"]

# The finals each initial takes in standard Mandarin (tones and "ü" spelled "v" aside).
_FINALS: dict[str, str] = {
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an en ang eng ong i ia ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ao ou an ang eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan v ve",
    "l": "a o e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un v ve",
    "g": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "k": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "q": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh": "a e i ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "ch": "a e i ai ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "sh": "a e i ai ei ao ou an en ang eng u ua uo uai ui uan un uang",
    "r": "e i ao ou an en ang eng ong u ua uo ui uan un",
    "z": "a e i ai ei ao ou an en ang eng ong u uo ui uan un",
    "c": "a e i ai ao ou an en ang eng ong u uo ui uan un",
    "s": "a e i ai ao ou an en ang eng ong u uo ui uan un",
    "y": "a e ao ou an in ang ing ong i u ue uan un",
    "w": "a o ai ei an en ang eng u",
    "": "a o e ai ei ao ou an en ang eng er",
}
_SYLLABLES = frozenset(i + f for i, finals in _FINALS.items() for f in finals.split())
_LONGEST = max(map(len, _SYLLABLES))
_APOSTROPHES = re.compile(r"['’]")
MIN_SYLLABLES = 2
"""A single syllable ("Long", "Man", "Sun") is too often an English word to count."""


@functools.lru_cache(maxsize=4096)
def _fewest(word: str) -> int | None:
    """The fewest syllables ``word`` (lower case) splits into, or None when it does not."""
    if not word:
        return 0
    best: int | None = None
    for size in range(min(_LONGEST, len(word)), 0, -1):
        if word[:size] in _SYLLABLES:
            rest = _fewest(word[size:])
            if rest is not None and (best is None or rest + 1 < best):
                best = rest + 1
    return best


def is_pinyin(word: str) -> bool:
    """Whether ``word`` splits wholly into two or more pinyin syllables ("Changjiang",
    "Xi'an")."""
    letters = _APOSTROPHES.sub("", word).lower()
    if not letters.isascii() or not letters.isalpha():
        return False
    count = _fewest(letters)
    return count is not None and count >= MIN_SYLLABLES


def proper_pinyin(word: str, text: str) -> bool:
    """Whether ``word`` is capitalized, reads as pinyin and never appears in lower case in
    ``text``: a Chinese proper name, not an English word that happens to split ("machine")."""
    if not word[:1].isupper() or not is_pinyin(word):
        return False
    return re.search(rf"\b{re.escape(word.lower())}\b", text) is None
