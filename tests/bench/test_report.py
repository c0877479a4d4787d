"""BENCHMARKS.md is rendered from results.json alone: every system's row, the verdicts and
the summary follow the numbers they are given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.report import write_report
from extractor.evaluation.report import write_report_json
from extractor.evaluation.run import EvaluationConfig, evaluate
from extractor.evaluation.settings import BootstrapSettings, ScoringSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def harness_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real harness report: the pinned replay predictions against the seed gold."""
    scoring = ScoringSettings(bootstrap=BootstrapSettings(resamples=50))
    result = evaluate(
        EvaluationConfig(
            ROOT / "gold/seeds.jsonl", ROOT / "eval/seeds.pred.jsonl", ROOT / "seeds",
            scoring=scoring,
        )
    )  # fmt: skip
    path = tmp_path_factory.mktemp("report") / "report.json"
    write_report_json(path, result.report)
    report: dict[str, Any] = json.loads(path.read_text())
    return report


def _run(seconds: float, completion: int) -> dict[str, Any]:
    return {
        "seconds": seconds, "peak_rss_bytes": 150 * 2**20, "returncode": 0, "calls": 10,
        "failed_calls": 0, "prompt_tokens": 1000, "completion_tokens": completion,
        "model_wait_seconds": seconds * 0.9,
    }  # fmt: skip


def _delta(kind: str | None, low: float, high: float) -> dict[str, Any]:
    return {
        "level": "field", "mode": "lenient", "record_type": kind, "baseline_f1": 0.2,
        "f1": 0.3, "delta": (low + high) / 2, "ci": {"low": low, "high": high},
        "not_better": 0.1,
    }  # fmt: skip


def test_report_follows_the_results(harness_report: dict[str, Any], tmp_path: Path) -> None:
    quality = {"report": harness_report, "server_peak_rss_bytes": 2 * 2**30}
    results = {
        "environment": {
            "date": "2026-11-22", "cpu": "Test CPU", "cores": 2, "memory_bytes": 24 * 2**30,
            "python": "3.11.7", "platform": "Linux", "model": "m", "model_sha256": "ab" * 32,
            "versions": {k: "1" for k in ("extractor", "xllamacpp", "instructor", "openai",
                                          "langextract", "pydantic")},
            "command": "python -m benchmarks.run", "docs": "seeds", "gold": "gold/seeds.jsonl",
        },
        "quality.ours": quality | {"run": _run(600, 2000), "failed_documents": 0,
                                   "warm": [_run(2.0, 0), _run(4.0, 0), _run(3.0, 0)],
                                   "warm_identical": True},
        "quality.naive": quality | {"run": _run(300, 4000), "failed_documents": 2},
        "compare.naive": {"deltas": [_delta(None, 0.05, 0.2), _delta("project", -0.3, -0.1),
                                     _delta("indicator", -0.1, 0.2),
                                     {**_delta(None, 0.1, 0.2), "mode": "strict"}]},
        "throughput.1": {"runs": [_run(100, 500)], "documents": ["a.txt"], "characters": 6000,
                         "server_slots": 4, "server_peak_rss_bytes": 3 * 2**30},
        "throughput.2": {"runs": [_run(60, 500), _run(40, 500), _run(50, 500)],
                         "documents": ["a.txt"], "characters": 6000,
                         "server_slots": 4, "server_peak_rss_bytes": 4 * 2**30},
    }  # fmt: skip
    out = tmp_path / "BENCHMARKS.md"
    write_report(results, out)
    text = out.read_text()
    overall = next(r for r in harness_report["results"] if r["level"] == "field")
    assert f"**{overall['overall']['f1']:.3f}**" in text
    assert "| naive instructor | overall |" in text
    assert "LangExtract |" not in text  # a system that did not run gets no rows
    assert "| naive instructor | overall | 0.300 vs 0.200 |" in text
    assert "**ahead** |" in text
    assert "**behind** |" in text
    assert "no clear difference" in text
    assert (
        "this project is ahead on overall; behind on projects; not distinguishable on "
        "indicators" in text
    )
    assert "It takes 2.00× the wall time and writes 0.50× the completion tokens." in text
    assert "median **3.00 s** against 600 s cold (200× faster)" in text
    assert "| 2 | 3 | 50 s (40–60) | 10 |" in text
    assert "(its peak RSS: 4,096 MiB)" in text
    assert "2.00×" in text
    assert "| 2 |\n" in text  # the naive row's failed documents
