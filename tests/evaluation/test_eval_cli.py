"""``extract-eval`` scoring: outputs, thresholds and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
from evalkit import Bench, Record, gold, gold_a, predictions
from typer.testing import CliRunner

from extractor.cli.evaluate import app, main
from extractor.evaluation.settings import BootstrapSettings

runner = CliRunner()


def _files(bench: Bench, pred: Sequence[Record | str]) -> list[str]:
    return [
        "--gold",
        str(bench.write("gold.jsonl", gold())),
        "--pred",
        str(bench.write("pred.jsonl", pred)),
    ]


def _imperfect() -> list[Record]:
    preds = predictions(gold())
    preds[0]["projects"][0]["investment"]["amount"] = 1.5e6
    preds[1]["indicators"].pop()
    return preds


def test_bare_command_scores_and_writes_every_output(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    out = {name: tmp_path / name for name in ("r.md", "r.json", "e.jsonl", "r.html")}
    args = [*_files(bench, _imperfect()), "--docs", str(bench.docs), "--seed", "5"]
    args += ["--md", str(out["r.md"]), "--json", str(out["r.json"])]
    args += ["--errors", str(out["e.jsonl"]), "--html", str(out["r.html"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == out["r.md"].read_text(encoding="utf-8")
    assert result.stdout.startswith("# Evaluation report")
    report = json.loads(out["r.json"].read_text(encoding="utf-8"))
    assert report["scorer_version"]
    assert report["inputs"]["gold_sha256"]
    assert report["settings"]["bootstrap"]["seed"] == 5
    errors = [json.loads(line) for line in out["e.jsonl"].read_text().splitlines()]
    assert {e["class"] for e in errors} == {"magnitude", "missing"}
    for error in errors:
        assert {"doc", "type", "field", "gold", "pred", "class", "evidence"} <= set(error)
    assert out["r.html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_fail_under_exits_1_after_writing_the_report(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    md = tmp_path / "r.md"
    args = [*_files(bench, _imperfect()), "--fail-under", "0.99", "--md", str(md)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "under --fail-under 0.99" in result.stderr
    assert md.exists()
    passed = runner.invoke(app, [*_files(bench, _imperfect()), "--fail-under", "0.5"])
    assert passed.exit_code == 0


def test_max_drop_against_a_baseline(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    baseline = tmp_path / "baseline.json"
    first = runner.invoke(app, [*_files(bench, predictions(gold())), "--json", str(baseline)])
    assert first.exit_code == 0
    worse = runner.invoke(
        app, [*_files(bench, _imperfect()), "--baseline", str(baseline), "--max-drop", "0.02"]
    )
    assert worse.exit_code == 1
    assert "more than --max-drop 0.02" in worse.stderr
    same = runner.invoke(
        app,
        [*_files(bench, predictions(gold())), "--baseline", str(baseline), "--max-drop", "0.02"],
    )
    assert same.exit_code == 0


def _one_line_exit_2(args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.output


def test_usage_and_input_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    _one_line_exit_2(["--gold", str(bench.write("g.jsonl", gold()))], "--gold and --pred")
    _one_line_exit_2([*_files(bench, _imperfect()), "--max-drop", "0.1"], "needs --baseline")
    _one_line_exit_2([*_files(bench, _imperfect()), "--html", "x.html"], "--html needs --docs")
    _one_line_exit_2(_files(bench, predictions([gold_a()])), "no prediction for 1 gold document")
    mismatched = predictions(gold())
    mismatched[0]["text_sha256"] = "1" * 64
    _one_line_exit_2(_files(bench, mismatched), "text_sha256 of the prediction differs")
    broken = [*_files(bench, _imperfect()), "--baseline", str(bench.write("b.json", ["{}"]))]
    _one_line_exit_2(broken, "is not a report.json of extract-eval")
    bad_gold = gold()
    bad_gold[0]["projects"][0]["evidence"][0]["start"] = 3
    args = ["--gold", str(bench.write("bad.jsonl", bad_gold)), "--pred", str(tmp_path / "p")]
    _one_line_exit_2(args, "is not valid gold")


def test_allow_missing_scores_absent_documents_as_empty(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    result = runner.invoke(app, [*_files(bench, predictions([gold_a()])), "--allow-missing"])
    assert result.exit_code == 0
    assert "missing documents (scored as empty): 1 (doc_b)" in result.stdout


def test_unparseable_line_is_reported_not_fatal(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    result = runner.invoke(app, _files(bench, [predictions(gold())[0], '{"doc_id": "doc_b", ]']))
    assert result.exit_code == 0
    assert "unparseable prediction lines (scored as empty): 1" in result.stdout


def test_agreement_report(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    second = gold()
    second[0]["projects"][0]["status"] = "signed"
    args = [*_files(bench, second), "--agreement", "--docs", str(bench.docs)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Annotator agreement report")


def test_main_runs_the_bare_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = Bench(tmp_path)
    argv = ["extract-eval", *_files(bench, predictions(gold())), "--resamples", "50"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("# Evaluation report")


def test_console_entry_point_input_error_is_one_line(tmp_path: Path) -> None:
    """The real entry point in a fresh interpreter: exit 2, one line, no traceback."""
    bench = Bench(tmp_path)
    entry = [sys.executable, "-c", "from extractor.cli.evaluate import main; main()"]
    bad = subprocess.run(
        [*entry, *_files(bench, predictions([gold_a()]))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    expected = "no prediction for 1 gold document(s): doc_b (--allow-missing scores them as empty)"
    assert bad.stderr == f"extract-eval: {expected}\n"
    assert bad.stdout == ""


def test_reports_are_byte_identical_across_processes(tmp_path: Path) -> None:
    """Same inputs and seed in two fresh interpreters (different hash seeds): same bytes."""
    bench = Bench(tmp_path)
    entry = [sys.executable, "-c", "from extractor.cli.evaluate import main; main()"]
    files = _files(bench, _imperfect())
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        out.mkdir()
        args = [*files, "--docs", str(bench.docs), "--resamples", "100", "--seed", "9"]
        args += ["--json", str(out / "r.json"), "--md", str(out / "r.md")]
        args += ["--errors", str(out / "e.jsonl"), "--html", str(out / "r.html")]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([*entry, *args], capture_output=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(
            [(out / name).read_bytes() for name in ("r.json", "r.md", "e.jsonl", "r.html")]
        )
    assert outputs[0] == outputs[1]


def test_bootstrap_options_left_out_take_the_settings_defaults(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    out = tmp_path / "r.json"
    result = runner.invoke(app, [*_files(bench, _imperfect()), "--json", str(out)])
    assert result.exit_code == 0, result.output
    defaults = BootstrapSettings()
    bootstrap = json.loads(out.read_text(encoding="utf-8"))["settings"]["bootstrap"]
    assert (bootstrap["seed"], bootstrap["resamples"]) == (defaults.seed, defaults.resamples)
    command: Any = typer.main.get_command(app)
    helps = {p.name: p.help for p in command.params}
    assert f"[default: {defaults.seed}]" in helps["seed"].replace("\\", "")
    assert f"[default: {defaults.resamples}]" in helps["resamples"].replace("\\", "")
