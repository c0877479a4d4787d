"""``extract-eval spread``: repeated runs' changes against one baseline, side by side."""

from __future__ import annotations

import json
from pathlib import Path

from evalkit import Bench, Record, gold, predictions
from typer.testing import CliRunner

from extractor.cli.evaluate import app

runner = CliRunner()


def _report(bench: Bench, name: str, pred: list[Record], baseline: Path | None) -> Path:
    out = bench.root / name / "report.json"
    out.parent.mkdir()
    args = ["--gold", str(bench.write("gold.jsonl", gold()))]
    args += ["--pred", str(bench.write(f"{name}.jsonl", pred)), "--json", str(out)]
    if baseline is not None:
        args += ["--baseline", str(baseline)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _without_an_indicator() -> list[Record]:
    preds = predictions(gold())
    preds[1]["indicators"].pop()
    return preds


def _without_a_project_and_an_indicator() -> list[Record]:
    preds = _without_an_indicator()
    preds[0]["projects"].pop(0)  # the kitchen base (the last project is optional)
    return preds


def _delta(report: Path, level: str, record_type: str | None) -> float:
    deltas = json.loads(report.read_text(encoding="utf-8"))["baseline"]["deltas"]
    (found,) = [
        d["delta"]
        for d in deltas
        if (d["level"], d["mode"], d["record_type"]) == (level, "lenient", record_type)
    ]
    return float(found)


def test_spread_lists_each_runs_change_and_their_range(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    baseline = _report(bench, "default", predictions(gold()), None)
    first = _report(bench, "run-1", _without_an_indicator(), baseline)
    second = _report(bench, "run-2", _without_a_project_and_an_indicator(), baseline)
    result = runner.invoke(app, ["spread", str(first), str(second)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "| level | records | run-1 | run-2 | range |"
    row = next(line for line in lines if line.startswith("| detection | all |"))
    a, b = _delta(first, "detection", None), _delta(second, "detection", None)
    assert a < 0
    assert b < 0
    assert a != b
    low, high = min(a, b), max(a, b)
    assert row == f"| detection | all | {a:+.3f} | {b:+.3f} | {low:+.3f} – {high:+.3f} |"
    project = next(line for line in lines if line.startswith("| detection | project |"))
    lost = _delta(second, "detection", "project")
    assert lost < 0
    assert project == f"| detection | project | +0.000 | {lost:+.3f} | {lost:+.3f} – +0.000 |"


def test_spread_refuses_reports_compared_with_different_baselines(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    baseline = _report(bench, "default", predictions(gold()), None)
    other = _report(bench, "other", _without_a_project_and_an_indicator(), None)
    first = _report(bench, "run-1", _without_an_indicator(), baseline)
    second = _report(bench, "run-2", _without_an_indicator(), other)
    result = runner.invoke(app, ["spread", str(first), str(second)])
    assert result.exit_code == 2
    assert "different baselines" in result.output


def test_spread_refuses_a_report_without_a_baseline(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    alone = _report(bench, "alone", predictions(gold()), None)
    result = runner.invoke(app, ["spread", str(alone)])
    assert result.exit_code == 2
    assert "--baseline" in result.output
