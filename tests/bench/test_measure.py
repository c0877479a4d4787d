"""Running a system as a child: exit code, wall time and the kernel's peak RSS of that child."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.measure import run_measured


def test_peak_rss_and_exit_code_of_the_child(tmp_path: Path) -> None:
    script = (
        "import sys, time; block = bytearray(300 * 2**20); time.sleep(0.3); "
        "print('done'); sys.exit(3)"
    )
    log = tmp_path / "child.log"
    measured = run_measured([sys.executable, "-c", script], log=log)
    assert measured.returncode == 3
    assert measured.peak_rss_bytes >= 300 * 2**20
    assert measured.seconds > 0
    assert log.read_text() == "done\n"


def test_a_small_child_reports_a_small_peak() -> None:
    measured = run_measured([sys.executable, "-c", "pass"])
    assert measured.returncode == 0
    assert measured.peak_rss_bytes < 100 * 2**20
