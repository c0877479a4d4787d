"""Bootstrap intervals, the paired comparison with a baseline, macro averages and the gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from evalkit import Bench, Record, document, gold, gold_a, predictions
from scipy import stats

from extractor.evaluation.bootstrap import IntArray, MetricName, Resampling, metric_values
from extractor.evaluation.report import render_markdown, write_report_json
from extractor.evaluation.run import Evaluation, EvaluationConfig, GateSettings, evaluate
from extractor.evaluation.settings import BootstrapSettings, Level, Mode, ScoringSettings


def test_resampling_is_seeded_and_resamples_whole_documents() -> None:
    settings = BootstrapSettings(resamples=300, seed=3)
    a, b = Resampling(7, settings), Resampling(7, settings)
    assert np.array_equal(a.weights, b.weights)
    assert (a.weights.sum(axis=1) == 7).all()
    assert not np.array_equal(a.weights, Resampling(7, BootstrapSettings(seed=4)).weights[:300])


def test_interval_brackets_the_estimate_and_skips_undefined_resamples() -> None:
    resampling = Resampling(4, BootstrapSettings(resamples=500, seed=0))
    per_doc = np.array([[5, 1, 2], [0, 0, 0], [3, 3, 0], [9, 0, 1]])
    f1 = resampling.interval(per_doc, MetricName.F1)
    total = per_doc.sum(axis=0)
    point = 2 * total[0] / (2 * total[0] + total[1] + total[2])
    assert f1.low is not None
    assert f1.high is not None
    assert f1.low <= point <= f1.high
    # precision is undefined in the resamples that draw only the empty document
    only_empty = np.array([[0, 0, 0], [0, 0, 4]])
    p = Resampling(2, BootstrapSettings(resamples=500, seed=0)).interval(
        only_empty, MetricName.PRECISION
    )
    assert (p.low, p.high, p.defined) == (None, None, 0)


def test_paired_difference_of_a_run_with_itself_is_zero() -> None:
    resampling = Resampling(3, BootstrapSettings(resamples=200, seed=1))
    counts = np.array([[5, 1, 2], [4, 2, 0], [1, 1, 1]])
    paired = resampling.paired(counts, counts, MetricName.F1)
    assert (paired.interval.low, paired.interval.high) == (0.0, 0.0)
    assert paired.not_better == 1.0
    better = counts + np.array([1, 0, 0])
    improved = resampling.paired(better, counts, MetricName.F1)
    assert improved.not_better == 0.0
    assert improved.interval.low is not None
    assert improved.interval.low > 0


def test_resamples_with_an_empty_denominator_are_left_out_and_counted() -> None:
    """The reason this module is not ``scipy.stats.bootstrap``: there, one undefined
    resample makes the whole interval NaN."""
    settings = BootstrapSettings(resamples=400, seed=2)
    resampling = Resampling(3, settings)
    per_doc = np.array([[0, 0, 0], [0, 0, 4], [3, 1, 0]])  # only the last predicts anything
    precision = resampling.interval(per_doc, MetricName.PRECISION)
    drew_it = resampling.weights[:, 2] > 0
    assert 0 < precision.defined == drew_it.sum() < settings.resamples
    values = metric_values(resampling.totals(per_doc), MetricName.PRECISION)
    assert np.isnan(values[~drew_it]).all()
    low, high = np.percentile(values[drew_it], [2.5, 97.5])
    assert (precision.low, precision.high) == (low, high)


def _scipy_ci(
    samples: tuple[IntArray, ...], metric: MetricName, *, paired: bool = False
) -> tuple[float, float]:
    def statistic(*columns: IntArray, axis: int = -1) -> object:
        sums = [c.sum(axis=axis) for c in columns]
        value = metric_values(np.stack(sums[:3], axis=-1), metric)
        if paired:
            value = value - metric_values(np.stack(sums[3:], axis=-1), metric)
        return value

    result = stats.bootstrap(
        samples,
        statistic,
        n_resamples=4000,
        paired=True,
        vectorized=True,
        method="percentile",
        rng=np.random.default_rng(12345),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


@pytest.mark.parametrize("metric", list(MetricName))
def test_intervals_agree_with_scipys_percentile_bootstrap_where_every_resample_counts(
    metric: MetricName,
) -> None:
    """Drawn independently of scipy's resamples: the bounds differ by Monte Carlo error only
    (here at most 0.004, about 2.5 standard errors), well within 0.01."""
    rng = np.random.default_rng(7)
    new = rng.integers(1, 9, size=(15, 3))
    old = np.clip(new + rng.integers(-3, 2, size=(15, 3)), 1, None)
    resampling = Resampling(15, BootstrapSettings(resamples=4000, seed=0))
    ours = resampling.interval(new, metric)
    assert ours.defined == 4000
    assert ours.low is not None
    assert ours.high is not None
    theirs = _scipy_ci(tuple(new.T), metric)
    assert ours.low == pytest.approx(theirs[0], abs=0.01)
    assert ours.high == pytest.approx(theirs[1], abs=0.01)
    paired = resampling.paired(new, old, metric).interval
    assert paired.low is not None
    assert paired.high is not None
    theirs = _scipy_ci((*new.T, *old.T), metric, paired=True)
    assert paired.low == pytest.approx(theirs[0], abs=0.01)
    assert paired.high == pytest.approx(theirs[1], abs=0.01)


def _worse() -> list[Record]:
    preds = predictions(gold())
    preds[0]["projects"][0]["status"] = "signed"
    preds[0]["indicators"].pop()
    preds[1]["projects"][0]["location"] = None
    return preds


def _run(
    bench: Bench,
    pred: list[Record],
    *,
    baseline: Path | None = None,
    gate: GateSettings | None = None,
    gold_lines: list[Record] | None = None,
) -> Evaluation:
    return evaluate(
        EvaluationConfig(
            gold=bench.write("gold.jsonl", gold_lines or gold()),
            pred=bench.write("pred.jsonl", pred),
            docs=bench.docs,
            baseline=baseline,
            scoring=ScoringSettings(bootstrap=BootstrapSettings(resamples=300)),
            gate=gate or GateSettings(),
        )
    )


def test_baseline_comparison_and_max_drop(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    old = _run(bench, _worse())
    baseline = tmp_path / "baseline.json"
    write_report_json(baseline, old.report)

    better = _run(bench, predictions(gold()), baseline=baseline, gate=GateSettings(max_drop=0.02))
    comparison = better.report.baseline
    assert comparison is not None
    assert comparison.same_gold
    assert comparison.same_settings
    assert comparison.common_documents == 2
    gate_delta = next(
        d
        for d in comparison.deltas
        if (d.level, d.mode, d.record_type) == (Level.FIELD, Mode.LENIENT, None)
    )
    assert gate_delta.delta is not None
    assert gate_delta.delta > 0
    assert gate_delta.f1 == 1.0
    assert gate_delta.not_better is not None
    assert gate_delta.not_better < 0.5
    assert better.report.gate.violations == []
    assert "## Against the baseline" in render_markdown(better.report)

    write_report_json(baseline, better.report)
    worse = _run(bench, _worse(), baseline=baseline, gate=GateSettings(max_drop=0.02))
    (violation,) = worse.report.gate.violations
    assert "below the baseline, more than --max-drop 0.02" in violation
    assert "FAILED" in render_markdown(worse.report)


def test_baseline_scored_against_other_gold_is_flagged(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    baseline = tmp_path / "baseline.json"
    write_report_json(baseline, _run(bench, predictions([gold_a()]), gold_lines=[gold_a()]).report)
    run = _run(bench, predictions(gold()), baseline=baseline)
    assert run.report.baseline is not None
    assert not run.report.baseline.same_gold
    assert run.report.baseline.common_documents == 1
    assert run.report.baseline.only_new == ["doc_b"]
    markdown = render_markdown(run.report)
    assert "different gold file" in markdown


def test_fail_under(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    run = _run(bench, _worse(), gate=GateSettings(fail_under=0.99))
    (violation,) = run.report.gate.violations
    assert violation.startswith("field/lenient/f1 is 0.9")
    assert _run(bench, _worse(), gate=GateSettings(fail_under=0.5)).report.gate.violations == []


def test_fail_under_with_an_undefined_f1_fails(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    empty = document("doc_a")
    run = _run(bench, [empty], gold_lines=[empty], gate=GateSettings(fail_under=0.5))
    (violation,) = run.report.gate.violations
    assert "undefined" in violation


def test_gate_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="fail-under"):
        GateSettings(fail_under=1.5)


def test_macro_averages_only_the_types_that_have_a_score(tmp_path: Path) -> None:
    only_projects = gold_a()
    only_projects["indicators"] = []
    only_projects["enterprise_roles"] = []
    preds = predictions([only_projects])
    preds[0]["projects"][1]["status"] = "completed"
    run = Bench(tmp_path).evaluate([only_projects], preds)
    field = next(r for r in run.report.results if (r.level, r.mode) == (Level.FIELD, Mode.STRICT))
    assert field.macro.types == 1
    assert field.macro.f1 == field.by_type[next(iter(field.by_type))].f1
    assert all(s.f1 is None for t, s in field.by_type.items() if t.value != "project")
