"""The scorer's place words are general knowledge, not words read from the texts it scores
(issue 13: nothing may be tuned to the seeds or the check half)."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.evaluation.compare import _PLACES, enterprise_words

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[a-z]+")


def _vocabulary(folder: Path) -> set[str]:
    words: set[str] = set()
    for path in folder.glob("*.txt"):
        words |= set(_WORD.findall(path.read_text(encoding="utf-8").lower()))
    return words


def test_no_place_word_is_read_from_the_seeds_or_the_check_half() -> None:
    tune = _vocabulary(ROOT / "eval" / "corpus" / "tune")
    held_out = _vocabulary(ROOT / "seeds") | _vocabulary(ROOT / "eval" / "corpus" / "check")
    only_there = sorted(held_out - tune)
    assert len(only_there) > 100  # the folders were read
    assert sorted(_PLACES.intersection(only_there)) == []


def test_a_place_word_is_no_distinctive_word_of_a_company() -> None:
    assert enterprise_words("Ningbo Sunrise Paper Co., Ltd.").distinctive == ("sunrise", "paper")
