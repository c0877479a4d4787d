"""The bench driver's bookkeeping: which documents count as failed, what "identical records"
compares, and the commands each system is run with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run


def _line(doc_id: str, warnings: list[str], projects: int = 0) -> str:
    line = {
        "doc_id": doc_id,
        "projects": [{"name": f"p{i}"} for i in range(projects)],
        "meta": {"warnings": warnings, "seconds": len(doc_id)},
    }
    return json.dumps(line)


def test_failed_documents_counts_failures_and_documents_never_written(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c", "d"):
        (docs / f"{name}.txt").write_text(name)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        "\n".join(
            [
                _line("a", []),
                _line("b", ["failed: ValidationError: bad answer"]),
                _line("c", ["money '3 yuan': unreadable"]),  # a warning is not a failure
            ]
        )
        + "\n"
    )
    assert run._failed_documents(pred, docs) == 2  # b failed, d is missing


def test_records_ignore_the_run_metadata(tmp_path: Path) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    first.write_text(_line("a", [], projects=2) + "\n")
    second.write_text(_line("a", ["slow"], projects=2).replace('"seconds": 1', '"seconds": 9'))
    assert run._records(first) == run._records(second)
    second.write_text(_line("a", [], projects=1))
    assert run._records(first) != run._records(second)


def test_unknown_systems_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run.main(["--systems", "ours,magic", "--work", "/nonexistent/never-created"])
    assert "unknown systems: magic" in capsys.readouterr().err
