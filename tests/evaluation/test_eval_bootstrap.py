"""Bootstrap intervals, the paired comparison with a baseline, macro averages and the gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from evalkit import Bench, Record, document, gold, gold_a, predictions

from extractor.evaluation.bootstrap import MetricName, Resampling
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
