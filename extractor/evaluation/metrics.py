"""Counts and the precision, recall and F1 computed from them.

An empty denominator gives ``None`` (reported as ``null``/``n/a``), never 1.0: a run that
predicts nothing has no precision, and a field no gold record fills has no recall.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Counts", "f1", "macro", "precision", "recall"]


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one unit of counting."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def gold(self) -> int:
        """Gold support: what the gold asks for (matched or missed)."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """Predicted support: what the prediction offers (right or wrong)."""
        return self.tp + self.fp

    @property
    def is_empty(self) -> bool:
        return self.tp == 0 and self.fp == 0 and self.fn == 0

    @staticmethod
    def total(items: Iterable[Counts]) -> Counts:
        out = Counts()
        for item in items:
            out = out + item
        return out


def precision(c: Counts) -> float | None:
    return c.tp / c.predicted if c.predicted else None


def recall(c: Counts) -> float | None:
    return c.tp / c.gold if c.gold else None


def f1(c: Counts) -> float | None:
    """``2TP / (2TP + FP + FN)``: the harmonic mean of P and R, defined whenever either is."""
    denominator = 2 * c.tp + c.fp + c.fn
    return 2 * c.tp / denominator if denominator else None


def macro(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; ``None`` when none is defined."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None
