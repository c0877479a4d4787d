"""Value comparators, strict and lenient, and the graded text similarity used for alignment.

| value         | strict                              | lenient                              |
|---------------|-------------------------------------|--------------------------------------|
| name          | normalized equal (any alias)        | or token_sort_ratio >= 85, same      |
|               |                                     | numbers ("Phase I" is not "Phase II")|
| enterprise    | as name                             | or the distinctive words agree (see  |
|               |                                     | below); never fuzzy ratio alone      |
| place, phrase | normalized equal                    | or fuzzy as names, or one's words    |
|               |                                     | all within the other's               |
| indicator name| as name                             | or, when figure, region and period   |
|               |                                     | agree: one name's words within the   |
|               |                                     | other's, or one standard statistic   |
| period        | normalized equal (quarters, halves, | or years/this/last do not conflict   |
|               | month spans spelled one way)        | and the other tokens' Jaccard >= 0.5 |
| Money         | same currency, amount within 0.5 %  | ... within 2 %                       |
| Quantity      | same canonical unit, within 0.5 %   | ... within 2 %                       |
| Change        | same unit and basis, within 0.5 %   | ... within 2 %                       |
| enum          | equal                               | equal                                |

"Within x %" is ``|a - b| <= x * max(|a|, |b|)``, symmetric so that swapping gold and
prediction cannot change a verdict. Whatever strict accepts, lenient accepts too.

Indicator names. Detection needs an indicator's identity (name, region or enterprise,
period) to agree, and the text's statistic names are long ("total investment of key
projects", "added value of industries above designated size") while a prediction often
writes the short or standard form. When the rest of the identity and the figure already
agree (``outcome.indicator_names_agree``: region/enterprise and period agree leniently, at
least one of value/change is filled on both sides, and every figure filled on both sides
agrees), the lenient mode also accepts a name whose content words (singular, without
of/the/in/...) are all among the other's with the same numbers ("total investment" in
"total investment of companies signed to enter"), or two spellings of one standard
statistic (``normalize.standard_indicator``: "industrial added value" is the guide's
"industrial added value above designated size", "added value of industries above designated
size"). It still rejects a name that adds a word the other lacks on both sides: "industrial
added value" is not "added value of the mining industry" (a sector's statistic), and
"industrial investment" is not "investment in the automobile industry". Strict names stay
normalized-equal.

Periods. "first quarter", "Q1", "first season" (a common mistranslation), "January to
March" and "first three months" are one token (q1), likewise the other quarters, halves
(h1, "first half", "January to June") and spans of months from January ("first seven
months" and "January to July": m1to7), in both modes. Leniently, the years and
this/last/next/previous of two periods must not conflict where both name one ("January to
August this year" is not "... last year", "Q1 2023" is not "Q1 2024"; "first half of the
year" is "first half of this year"), and their other tokens must overlap by token Jaccard
>= 0.5.

Enterprise names. Two different companies of one city often differ in one short word
("Shenzhen Huaxing Electric" and "Shenzhen Huaxin Electric" score 98.6 by fuzzy ratio), so
fuzzy ratio never decides a company. A name's *distinctive* words are what is left after
removing place names, legal suffixes and generic words (automobile, group, corporation,
technology, electric, new material, ...; ``normalize.enterprise_words``). Two names agree
leniently when the distinctive words of one are all among the other's ("Junjia" in "Ningbo
Junjia Electric Appliance Co., Ltd.", "Huayi" in "Shanghai Huayi Holding Group"), or when
they are the same letters written apart or together ("Sun Paper", "Sunpaper";
"Chang'an", "Changan"); names with no distinctive word ("Shenzhen Energy") compare all their
words that way. For alignment, ``text_similarity`` caps at 0.5 a pair of enterprise names
whose distinctive words disagree, so another company's role is never paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.evaluation.normalize import (
    canonical_unit,
    enterprise_words,
    indicator_words,
    marker_tokens,
    normalize_name,
    normalize_text,
    period_anchors,
    period_tokens,
    standard_indicator,
)
from extractor.evaluation.settings import Mode, ScoringSettings
from extractor.records import Change, Money, Quantity

__all__ = [
    "Comparator",
    "enterprise_names_agree",
    "numbers_close",
    "text_similarity",
]


def numbers_close(a: float, b: float, tolerance: float) -> bool:
    """``|a - b| <= tolerance * max(|a|, |b|)``; two zeros agree."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _variants(values: Sequence[str], *, project: bool) -> list[str]:
    out = {normalize_name(v, project=project) for v in values}
    return sorted(v for v in out if v)


_SUBSET_SCORE = 0.9
"""Least similarity of two enterprise names whose distinctive words agree."""


def _subset(x: str, y: str) -> bool:
    xs, ys = set(x.split()), set(y.split())
    return bool(xs) and bool(ys) and (xs <= ys or ys <= xs)


def enterprise_names_agree(a: str, b: str) -> bool:
    """Two enterprise names whose distinctive words agree (see the module docstring)."""
    x, y = enterprise_words(a), enterprise_words(b)
    if x.distinctive or y.distinctive:
        xs, ys = set(x.distinctive), set(y.distinctive)
        if not xs or not ys:
            return False
        return xs <= ys or ys <= xs or x.glued == y.glued
    return bool(x.every) and bool(y.every) and (x.every <= y.every or y.every <= x.every)


def text_similarity(
    a: Sequence[str], b: Sequence[str], *, project: bool = False, enterprise: bool = False
) -> float:
    """Best rapidfuzz ``token_sort_ratio`` (0..1) over the variants of two names.

    Normalized equality is 1.0; for enterprises, names whose distinctive words agree
    ("Junjia Electric", "Ningbo Junjia Electric Appliance") score at least 0.9 and names
    whose distinctive words disagree ("Huaxing", "Huaxin") at most 0.5. Two names with
    different numbers ("Phase I", "Phase II") score at most 0.5 so that they are never taken
    for the same thing by accident.
    """
    best = 0.0
    for x in _variants(a, project=project):
        for y in _variants(b, project=project):
            if x == y:
                return 1.0
            score = fuzz.token_sort_ratio(x, y) / 100.0
            if enterprise and enterprise_names_agree(x, y):
                score = max(score, _SUBSET_SCORE)
            elif enterprise:
                score = min(score, 0.5)
            if marker_tokens(x) != marker_tokens(y):
                score = min(score, 0.5)
            best = max(best, score)
    return best


@dataclass(frozen=True, slots=True)
class Comparator:
    """The agreement verdicts of one mode."""

    mode: Mode
    tolerance: float
    fuzzy_text: float
    period_overlap: float

    @classmethod
    def for_mode(cls, mode: Mode, settings: ScoringSettings) -> Comparator:
        return cls(
            mode=mode,
            tolerance=settings.tolerances.for_mode(mode),
            fuzzy_text=settings.thresholds.fuzzy_text,
            period_overlap=settings.thresholds.period_overlap,
        )

    @property
    def lenient(self) -> bool:
        return self.mode is Mode.LENIENT

    def names(self, a: Sequence[str], b: Sequence[str], *, project: bool = False) -> bool:
        """Two names (each with its variants: aliases) name the same thing."""
        xs, ys = _variants(a, project=project), _variants(b, project=project)
        if set(xs) & set(ys):
            return True
        if not self.lenient:
            return False
        return any(self._fuzzy(x, y) for x in xs for y in ys)

    def enterprises(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Two enterprise names (with aliases): equal, or (lenient) distinctive words agree."""
        xs, ys = _variants(a, project=False), _variants(b, project=False)
        if set(xs) & set(ys):
            return True
        if not self.lenient:
            return False
        return any(
            enterprise_names_agree(x, y) and marker_tokens(x) == marker_tokens(y)
            for x in xs
            for y in ys
        )

    def phrase(self, a: str, b: str) -> bool:
        """Places and short descriptions: names, plus word containment in lenient mode."""
        x, y = normalize_text(a), normalize_text(b)
        if x == y:
            return True
        if not self.lenient or not x or not y:
            return False
        if self._fuzzy(x, y):
            return True
        return _subset(x, y) and marker_tokens(x) == marker_tokens(y)

    def related_indicator_names(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Lenient only: one name's content words within the other's (same numbers), or
        one standard statistic; the caller checks that figure, region and period agree."""
        if not self.lenient:
            return False
        for x in a:
            for y in b:
                sx, sy = standard_indicator(x), standard_indicator(y)
                if sx is not None and sx == sy:
                    return True
                wx, wy = indicator_words(x), indicator_words(y)
                same_numbers = marker_tokens(normalize_text(x)) == marker_tokens(normalize_text(y))
                if wx and wy and (wx <= wy or wy <= wx) and same_numbers:
                    return True
        return False

    def period(self, a: str, b: str) -> bool:
        """Equal tokens; lenient: anchors (years, this/last) that do not conflict and the
        rest of the tokens overlapping by ``period_overlap`` (token Jaccard)."""
        x, y = period_tokens(a), period_tokens(b)
        if x == y:
            return True
        if not self.lenient or not x or not y:
            return False
        ax, ay = period_anchors(x), period_anchors(y)
        if ax and ay and ax != ay:
            return False
        xs, ys = set(x) - ax, set(y) - ay
        if xs == ys:
            return True
        return len(xs & ys) / len(xs | ys) >= self.period_overlap

    def money(self, a: Money, b: Money) -> bool:
        return a.currency == b.currency and numbers_close(a.amount, b.amount, self.tolerance)

    def quantity(self, a: Quantity, b: Quantity) -> bool:
        ua, ub = canonical_unit(a.unit), canonical_unit(b.unit)
        if ua.base != ub.base:
            return False
        return numbers_close(a.value * ua.factor, b.value * ub.factor, self.tolerance)

    def change(self, a: Change, b: Change) -> bool:
        return (
            a.unit == b.unit
            and a.basis == b.basis
            and numbers_close(a.value, b.value, self.tolerance)
        )

    def _fuzzy(self, x: str, y: str) -> bool:
        if marker_tokens(x) != marker_tokens(y):
            return False
        return fuzz.token_sort_ratio(x, y) >= self.fuzzy_text
