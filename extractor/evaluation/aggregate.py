"""Sum document counts into micro, macro, per-type and per-field scores with intervals.

Micro scores sum the counts first (over documents, and over types for "overall"); macro
scores average the per-type scores that are defined. Every interval comes from the same
``Resampling``. Floats are rounded to 6 decimals so that reports are stable text.

An empty denominator gives ``None`` (reported as ``null``/``n/a``), never 1.0: a run that
predicts nothing has no precision, and a field no gold record fills has no recall.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from extractor.evaluation.bootstrap import IntArray, Interval, MetricName, Resampling
from extractor.evaluation.match import FIELD_SPECS
from extractor.evaluation.report import (
    BaselineComparison,
    BaselineDelta,
    DocumentEntry,
    FieldResult,
    IntervalModel,
    LevelResult,
    MacroScore,
    Report,
    Score,
    count_key,
    level_key,
)
from extractor.evaluation.score import Counts, DocumentResult
from extractor.evaluation.settings import (
    SCORER_VERSION,
    BootstrapSettings,
    Level,
    Mode,
    RecordType,
)

__all__ = [
    "compare_baseline",
    "document_entries",
    "f1",
    "field_results",
    "level_results",
    "macro",
    "precision",
    "recall",
    "rounded",
]


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


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _interval(interval: Interval) -> IntervalModel:
    return IntervalModel(
        low=rounded(interval.low), high=rounded(interval.high), resamples=interval.defined
    )


def _array(counts: Sequence[Counts]) -> IntArray:
    return np.array([[c.tp, c.fp, c.fn] for c in counts], dtype=np.int64).reshape(-1, 3)


def _score(per_document: Sequence[Counts], resampling: Resampling) -> Score:
    total = Counts.total(per_document)
    with_ci = resampling.settings.resamples > 0
    array = _array(per_document)

    def ci(metric: MetricName) -> IntervalModel | None:
        return _interval(resampling.interval(array, metric)) if with_ci else None

    return Score(
        tp=total.tp,
        fp=total.fp,
        fn=total.fn,
        gold=total.gold,
        predicted=total.predicted,
        precision=rounded(precision(total)),
        recall=rounded(recall(total)),
        f1=rounded(f1(total)),
        precision_ci=ci(MetricName.PRECISION),
        recall_ci=ci(MetricName.RECALL),
        f1_ci=ci(MetricName.F1),
    )


def _macro(per_type: dict[RecordType, list[Counts]], resampling: Resampling) -> MacroScore:
    totals = [Counts.total(c) for c in per_type.values()]
    f1s = [f1(c) for c in totals]
    ci = None
    if resampling.settings.resamples > 0:
        arrays = [_array(c) for c in per_type.values()]
        ci = _interval(resampling.macro_interval(arrays, MetricName.F1))
    return MacroScore(
        precision=rounded(macro(precision(c) for c in totals)),
        recall=rounded(macro(recall(c) for c in totals)),
        f1=rounded(macro(f1s)),
        types=sum(v is not None for v in f1s),
        f1_ci=ci,
    )


def level_results(docs: Sequence[DocumentResult], resampling: Resampling) -> list[LevelResult]:
    out = []
    for level in Level:
        for mode in Mode:
            per_type = {t: [d.counts[level, mode, t] for d in docs] for t in RecordType}
            overall = [Counts.total(d.counts[level, mode, t] for t in RecordType) for d in docs]
            grounded = None
            if level is Level.DETECTION:
                found = [Counts.total(d.grounded_counts[mode, t] for t in RecordType) for d in docs]
                grounded = _score(found, resampling)
            out.append(
                LevelResult(
                    level=level,
                    mode=mode,
                    overall=_score(overall, resampling),
                    by_type={t: _score(c, resampling) for t, c in per_type.items()},
                    macro=_macro(per_type, resampling),
                    grounded=grounded,
                )
            )
    return out


def field_results(docs: Sequence[DocumentResult], resampling: Resampling) -> list[FieldResult]:
    out = []
    for mode in Mode:
        for t in RecordType:
            for spec in FIELD_SPECS[t]:
                counts = [d.field_counts[mode, t, spec.name] for d in docs]
                score = _score(counts, resampling)
                out.append(FieldResult(mode=mode, record_type=t, field=spec.name, score=score))
    return out


def document_entries(docs: Sequence[DocumentResult]) -> list[DocumentEntry]:
    out = []
    for d in docs:
        counts = {
            count_key(level, mode, t): (c.tp, c.fp, c.fn)
            for (level, mode, t), c in d.counts.items()
        }
        scores = {
            level_key(level, mode): rounded(
                f1(Counts.total(d.counts[level, mode, t] for t in RecordType))
            )
            for level in Level
            for mode in Mode
        }
        out.append(
            DocumentEntry(
                doc_id=d.doc_id,
                status=d.status.value,
                gold_records=sum(len(v) for v in d.gold_items.values()),
                predicted_records=sum(len(v) for v in d.pred_items.values()),
                counts=dict(sorted(counts.items())),
                f1=scores,
            )
        )
    return out


def _summed(entries: dict[str, DocumentEntry], ids: Sequence[str], keys: Sequence[str]) -> IntArray:
    rows = [
        [sum(entries[i].counts.get(k, (0, 0, 0))[j] for k in keys) for j in range(3)] for i in ids
    ]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def compare_baseline(
    new: Sequence[DocumentEntry],
    baseline: Report,
    *,
    path: str,
    gold_sha256: str,
    same_settings: bool,
    settings: BootstrapSettings,
) -> BaselineComparison:
    """Deltas of F1 against a baseline report over the documents both runs scored."""
    new_by_id = {e.doc_id: e for e in new}
    old_by_id = {e.doc_id: e for e in baseline.documents}
    common = sorted(set(new_by_id) & set(old_by_id))
    resampling = Resampling(len(common), settings)
    deltas = []
    for level in Level:
        for mode in Mode:
            for t in (None, *RecordType):
                types = list(RecordType) if t is None else [t]
                keys = [count_key(level, mode, x) for x in types]
                a = _summed(new_by_id, common, keys)
                b = _summed(old_by_id, common, keys)
                f_new = f1(Counts(*(int(v) for v in a.sum(axis=0))))
                f_old = f1(Counts(*(int(v) for v in b.sum(axis=0))))
                delta = None if f_new is None or f_old is None else f_new - f_old
                ci, not_better = None, None
                if settings.resamples > 0 and common:
                    paired = resampling.paired(a, b, MetricName.F1)
                    ci, not_better = _interval(paired.interval), rounded(paired.not_better)
                deltas.append(
                    BaselineDelta(
                        level=level,
                        mode=mode,
                        record_type=t,
                        baseline_f1=rounded(f_old),
                        f1=rounded(f_new),
                        delta=rounded(delta),
                        ci=ci,
                        not_better=not_better,
                    )
                )
    return BaselineComparison(
        path=path,
        gold_sha256=baseline.inputs.gold_sha256,
        same_gold=baseline.inputs.gold_sha256 == gold_sha256,
        same_settings=same_settings,
        scorer_version=baseline.scorer_version,
        same_scorer=baseline.scorer_version == SCORER_VERSION,
        common_documents=len(common),
        only_new=sorted(set(new_by_id) - set(old_by_id)),
        only_baseline=sorted(set(old_by_id) - set(new_by_id)),
        deltas=deltas,
    )
