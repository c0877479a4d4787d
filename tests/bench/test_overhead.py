"""The overhead script: it runs ``extract`` over tiny documents against the fake server,
cold then warm, and reads the child's resources (no timing is asserted here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.overhead import measure


def test_a_cold_and_a_warm_run_are_measured(tmp_path: Path) -> None:
    cold, warm = measure(3, tmp_path)  # raises unless cold asks once a document, warm never
    for cost in (cold, warm):
        assert cost.wall > 0
        assert cost.cpu > 0
        assert cost.peak_mib > 10  # a Python process with the package loaded
    assert len((tmp_path / "warm.jsonl").read_text(encoding="utf-8").splitlines()) == 3
