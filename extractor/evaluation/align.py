"""One-to-one alignment by optimal assignment (``scipy.optimize.linear_sum_assignment``).

Greedy matching (best pair first) can lose matches: if gold A is closest to prediction X but
also close to Y, and gold B is close only to X, greedy pairs A-X and leaves B and Y unmatched,
while the optimal assignment pairs A-Y and B-X.

Only pairs that reach the threshold (*admissible* pairs) are ever matched, and among the
one-to-one sets of admissible pairs the assignment maximizes, lexicographically:

1. the number of pairs: two admissible pairs are never given up for one, however similar
   that one is (a wrong-name pair must not crowd out two right-name pairs);
2. then the total similarity of the pairs;
3. then the total of an optional ``tiebreak`` matrix (the scorer passes the pairs' field
   agreement, so that of two copies of a record that differ only in a field the similarity
   ignores, the one whose fields agree is taken).

The three keys are folded into one integer weight per admissible pair (a bonus per pair
larger than any total of the lower keys), which ``linear_sum_assignment`` maximizes exactly:
the weights are integers below 2**53. Similarities count to 1e-6 in the objective; they are
rounded to 9 decimals before thresholding, so that 0.6 built from weights is 0.6. Ties that
remain are settled by ``linear_sum_assignment`` on the matrix alone; the scorer builds it in
canonical order, so the result never depends on the order of the files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["Assignment", "admissible", "assign", "match_elements"]

T = TypeVar("T")
U = TypeVar("U")

_DECIMALS = 9
"""Similarities are rounded before thresholding so that 0.6 built from weights is 0.6."""
_RESOLUTION = 10**6
"""Steps of similarity the objective distinguishes (below it, similarities tie)."""
_EXACT = 2**53
"""Integers below this are exact in float64, which ``linear_sum_assignment`` works in."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Pairs ``(row, column, similarity)`` and the rows and columns left unmatched."""

    pairs: tuple[tuple[int, int, float], ...]
    unmatched_rows: tuple[int, ...]
    unmatched_cols: tuple[int, ...]


def admissible(similarity: NDArray[np.float64], threshold: float) -> NDArray[np.bool_]:
    """Which entries reach the threshold (both rounded to 9 decimals)."""
    return np.asarray(np.round(similarity, _DECIMALS) >= round(threshold, _DECIMALS))


def _weights(
    similarity: NDArray[np.float64], eligible: NDArray[np.bool_], tiebreak: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Integer weights whose maximum-weight matching is the lexicographic optimum."""
    pairs = min(similarity.shape)
    ties = np.round(tiebreak).astype(np.int64)
    ties = np.where(eligible, ties - ties[eligible].min(), 0)
    resolution = _RESOLUTION
    while True:
        sims = np.round(np.clip(similarity, 0.0, None) * resolution).astype(np.int64)
        span = pairs * int(ties.max()) + 1  # the tie totals never reach one similarity step
        lower = sims * span + ties
        bonus = pairs * int(lower.max()) + 1  # one more pair beats any total of the rest
        if pairs * (bonus + int(lower.max())) < _EXACT or resolution == 1:
            break
        resolution //= 10  # very large matrices: coarser similarity steps, still exact
    return np.where(eligible, bonus + lower, 0).astype(np.float64)


def assign(
    similarity: NDArray[np.float64],
    threshold: float,
    *,
    tiebreak: NDArray[np.float64] | None = None,
) -> Assignment:
    """Most pairs ``>= threshold``, then most total similarity, then most ``tiebreak``."""
    n_rows, n_cols = similarity.shape
    if n_rows == 0 or n_cols == 0:
        return Assignment((), tuple(range(n_rows)), tuple(range(n_cols)))
    rounded = np.round(similarity, _DECIMALS)
    eligible = admissible(similarity, threshold)
    if not eligible.any():
        return Assignment((), tuple(range(n_rows)), tuple(range(n_cols)))
    ties = np.zeros_like(rounded) if tiebreak is None else np.asarray(tiebreak, np.float64)
    rows, cols = linear_sum_assignment(_weights(rounded, eligible, ties), maximize=True)
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
