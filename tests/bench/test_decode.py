"""The parallel-slots ceiling benchmark's table (``benchmarks.decode``): medians per setting,
the speed-up against one slot of the same prompt shape, and a section ``write_section`` can
place."""

from __future__ import annotations

from pathlib import Path

from benchmarks.decode import Sample, _section
from benchmarks.sections import write_section


def _samples() -> list[Sample]:
    return [
        Sample("short prompt", 1, 20.0, 400, 150),
        Sample("short prompt", 1, 22.0, 400, 150),
        Sample("short prompt", 1, 30.0, 400, 150),
        Sample("short prompt", 4, 16.0, 400, 150),
        Sample("short prompt", 4, 17.6, 400, 150),
        Sample("short prompt", 4, 40.0, 400, 150),
        Sample("shared prefix", 1, 30.0, 400, 3000),
        Sample("shared prefix", 4, 75.0, 400, 3000),
    ]


def test_rows_give_medians_ranges_and_the_speed_up_against_one_slot_of_the_same_shape() -> None:
    section = _section(_samples(), "python -m benchmarks.decode", 4, 100)
    rows = [line for line in section.splitlines() if line.startswith("| short") or
            line.startswith("| shared")]  # fmt: skip
    assert rows == [
        "| short prompt | 1 | 3 | 22.0 s (20.0–30.0) | 150 | 400 | 18.2 | 1.00× |",
        "| short prompt | 4 | 3 | 17.6 s (16.0–40.0) | 150 | 400 | 22.7 | 1.25× |",
        "| shared prefix | 1 | 1 | 30.0 s (30.0–30.0) | 3,000 | 400 | 13.3 | 1.00× |",
        "| shared prefix | 4 | 1 | 75.0 s (75.0–75.0) | 3,000 | 400 | 5.3 | 0.40× |",
    ]


def test_the_section_replaces_its_previous_version_in_place(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# B\n\n<!-- decode-bench -->\nold\n<!-- /decode-bench -->\n\ntail\n")
    write_section(path, "decode", _section(_samples(), "cmd", 4, 100))
    text = path.read_text()
    assert "old" not in text
    assert text.count("<!-- decode-bench -->") == 1
    assert text.endswith("tail\n")
    assert "| shared prefix | 4 | 1 |" in text
