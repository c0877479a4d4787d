"""One-to-one alignment by optimal assignment (``scipy.optimize.linear_sum_assignment``).

Greedy matching (best pair first) can lose matches: if gold A is closest to prediction X but
also close to Y, and gold B is close only to X, greedy pairs A-X and leaves B and Y unmatched,
while the optimal assignment pairs A-Y and B-X.

The assignment maximizes the total *margin* of the pairs over the threshold,
``sum(similarity - threshold)``, over pairs that reach the threshold (pairs below it are
never matches). Maximizing the plain total similarity instead would trade one strong pair
for two weak ones: a correct prediction would be paired with the wrong gold record just
because a spurious prediction resembles its own gold record a little. Every eligible pair
also carries a tiny bonus so that a pair exactly at the threshold is still taken when it
costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["Assignment", "assign", "match_elements"]

T = TypeVar("T")
U = TypeVar("U")

_DECIMALS = 9
"""Similarities are rounded before thresholding so that 0.6 built from weights is 0.6."""
_BONUS = 1e-6


@dataclass(frozen=True, slots=True)
class Assignment:
    """Pairs ``(row, column, similarity)`` and the rows and columns left unmatched."""

    pairs: tuple[tuple[int, int, float], ...]
    unmatched_rows: tuple[int, ...]
    unmatched_cols: tuple[int, ...]


def assign(similarity: NDArray[np.float64], threshold: float) -> Assignment:
    """Optimal one-to-one pairs among entries ``>= threshold``, maximizing their margin."""
    n_rows, n_cols = similarity.shape
    if n_rows == 0 or n_cols == 0:
        return Assignment((), tuple(range(n_rows)), tuple(range(n_cols)))
    rounded = np.round(similarity, _DECIMALS)
    cut = round(threshold, _DECIMALS)
    eligible = rounded >= cut
    weights = np.where(eligible, rounded - cut + _BONUS, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = tuple(
        (int(r), int(c), float(rounded[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if eligible[r, c]
    )
    used_rows = {r for r, _, _ in pairs}
    used_cols = {c for _, c, _ in pairs}
    return Assignment(
        pairs,
        tuple(r for r in range(n_rows) if r not in used_rows),
        tuple(c for c in range(n_cols) if c not in used_cols),
    )


def match_elements(
    gold: Sequence[T],
    pred: Sequence[U],
    score: Callable[[T, U], float],
    threshold: float,
) -> Assignment:
    """Align the elements of two lists (a field's inner matching) on a score."""
    matrix = np.zeros((len(gold), len(pred)), dtype=np.float64)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            matrix[i, j] = score(g, p)
    return assign(matrix, threshold)
