"""Document-level bootstrap: percentile intervals, and the paired difference to a baseline.

Documents, not records, are resampled (with replacement), because errors within a document
are not independent. Each resample sums the documents' counts and recomputes the metric;
the interval is the central ``confidence`` share of the resampled values. Resamples in
which the metric is undefined (empty denominator) are left out, and their number is kept.

The resampling is drawn once from ``numpy.random.default_rng(seed)`` and shared by every
metric of a report, so the same seed gives the same report, byte for byte. The paired
bootstrap applies the same resampled documents to both runs.

Why not ``scipy.stats.bootstrap``: it does the same job only where every resample defines
the metric. Called as this module would call it (``paired=True``, ``vectorized=True``,
``method="percentile"``, the three count columns as paired samples and a statistic that sums
them, ``rng=default_rng(seed)``), it draws the very same resamples and gives the same bounds
(within 1e-12) for every such interval of the committed seeds report. But a resample whose
denominator is empty (no gold or no predicted record of a type among the drawn documents)
makes scipy's whole interval NaN, with a ``DegenerateDataWarning`` (an error in this test
suite), where this module leaves that resample out and reports how many were used: that is
38 of the 174 defined micro intervals of ``eval/baseline.json``, which scipy would leave
without bounds. Working around it (``nanpercentile`` over scipy's ``bootstrap_distribution``)
would keep this module's interval code and add a fresh draw per interval (about eight times
slower over a report's 180 intervals) whose agreement across intervals (a macro F1 and the
paired comparison need one resampling shared by all metrics) rests on scipy drawing the same
indices call after call, which it does not document. ``test_eval_bootstrap`` checks these
intervals against scipy's where both are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from extractor.evaluation.settings import BootstrapSettings

__all__ = [
    "Interval",
    "MetricName",
    "PairedDifference",
    "Resampling",
    "metric_values",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class MetricName(StrEnum):
    PRECISION = "precision"
    RECALL = "recall"
    F1 = "f1"


@dataclass(frozen=True, slots=True)
class Interval:
    """A percentile interval; ``None`` bounds when no resample defines the metric."""

    low: float | None
    high: float | None
    defined: int


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """New minus baseline over shared resamples, and the share where new is not better."""

    interval: Interval
    not_better: float | None


def _safe_divide(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    out = np.full(numerator.shape, np.nan, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def metric_values(counts: IntArray, metric: MetricName) -> FloatArray:
    """The metric of each row of ``counts`` (columns tp, fp, fn); NaN where undefined."""
    tp, fp, fn = (counts[..., k].astype(np.float64) for k in range(3))
    if metric is MetricName.PRECISION:
        return _safe_divide(tp, tp + fp)
    if metric is MetricName.RECALL:
        return _safe_divide(tp, tp + fn)
    return _safe_divide(2 * tp, 2 * tp + fp + fn)


def _macro(values: Sequence[FloatArray]) -> FloatArray:
    stacked = np.stack(values)
    defined = ~np.isnan(stacked)
    n = defined.sum(axis=0).astype(np.float64)
    total = np.where(defined, stacked, 0.0).sum(axis=0)
    return _safe_divide(total, n)


class Resampling:
    """One fixed set of document resamples, applied to any per-document counts."""

    def __init__(self, n_documents: int, settings: BootstrapSettings) -> None:
        self.settings = settings
        self.n_documents = n_documents
        rng = np.random.default_rng(settings.seed)
        b = settings.resamples
        weights = np.zeros((b, n_documents), dtype=np.int64)
        if b and n_documents:
            picks = rng.integers(0, n_documents, size=(b, n_documents))
            rows = np.repeat(np.arange(b), n_documents)
            np.add.at(weights, (rows, picks.ravel()), 1)
        self.weights: IntArray = weights

    def totals(self, per_document: IntArray) -> IntArray:
        """Summed counts of every resample: ``(resamples, 3)`` from ``(documents, 3)``."""
        result: IntArray = self.weights @ per_document.astype(np.int64)
        return result

    def _interval(self, values: FloatArray) -> Interval:
        defined = values[~np.isnan(values)]
        if defined.size == 0:
            return Interval(None, None, 0)
        tail = (1 - self.settings.confidence) / 2 * 100
        low, high = np.percentile(defined, [tail, 100 - tail])
        return Interval(float(low), float(high), int(defined.size))

    def interval(self, per_document: IntArray, metric: MetricName) -> Interval:
        return self._interval(metric_values(self.totals(per_document), metric))

    def macro_interval(self, per_type: Sequence[IntArray], metric: MetricName) -> Interval:
        """Interval of the mean over types of the per-type metric (undefined types left out)."""
        values = [metric_values(self.totals(c), metric) for c in per_type]
        return self._interval(_macro(values))

    def paired(self, new: IntArray, old: IntArray, metric: MetricName) -> PairedDifference:
        """Difference new - old over the same resampled documents (rows must correspond)."""
        a = metric_values(self.totals(new), metric)
        b = metric_values(self.totals(old), metric)
        diff = a - b
        interval = self._interval(diff)
        defined = diff[~np.isnan(diff)]
        share = float(np.mean(defined <= 0)) if defined.size else None
        return PairedDifference(interval, share)
