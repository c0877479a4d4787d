"""The service load benchmark's arithmetic and its section of BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from benchmarks.sections import carry_sections, write_section
from benchmarks.service_load import BEGIN, END, percentile


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([7.0], 0.99) == 7.0


def test_the_section_is_appended_then_replaced(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Throughput\n\nrows\n", encoding="utf-8")
    write_section(path, "service", f"{BEGIN}\n## Service\nfirst\n{END}")
    write_section(path, "service", f"{BEGIN}\n## Service\nsecond\n{END}")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Throughput\n\nrows\n\n<!-- service-bench -->")
    assert text.count("## Service") == 1
    assert "second" in text
    assert "first" not in text


def test_a_rewritten_report_keeps_the_service_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    previous = f"# Old\n\n{BEGIN}\n## Service\nfigures\n{END}\n"
    path.write_text("# New report\n", encoding="utf-8")
    carry_sections(previous, path)
    carry_sections("# no section\n", path)
    assert (
        path.read_text(encoding="utf-8") == f"# New report\n\n{BEGIN}\n## Service\nfigures\n{END}\n"
    )
