"""The spread of repeated runs, each scored against the same baseline.

At temperature 0, llama.cpp's prompt cache still makes an answer depend on the requests before
it: the default run live on the tune half alone moved role detection by -0.068 against its own
recordings, made in one run over all three sets (eval/EXPERIMENTS.md, rows RR and SP; two such
runs in fresh processes answered alike). The paired bootstrap resamples documents, not answers,
and does not see this. ``spread`` puts the reports of several runs side by side (each written
with ``--baseline`` against the same baseline report) and gives, per level and record type, each
run's change in F1 and their range: a candidate's live change that falls inside what request
history alone does to the default is not evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.errors import InputError
from extractor.evaluation.report import Report
from extractor.evaluation.settings import Level, Mode, RecordType

__all__ = ["SpreadRow", "render_spread", "spread"]


@dataclass(frozen=True, slots=True)
class SpreadRow:
    """One level and record type (``None``: all) across the runs."""

    level: Level
    record_type: RecordType | None
    deltas: tuple[float | None, ...]

    @property
    def low(self) -> float | None:
        known = [d for d in self.deltas if d is not None]
        return min(known) if known else None

    @property
    def high(self) -> float | None:
        known = [d for d in self.deltas if d is not None]
        return max(known) if known else None


def _baseline_signature(report: Report) -> tuple[object, ...]:
    """What identifies the baseline a report was compared with: its gold and its scores."""
    assert report.baseline is not None
    scores = sorted(
        (d.level.value, d.mode.value, d.record_type.value if d.record_type else "", d.baseline_f1)
        for d in report.baseline.deltas
    )
    return (report.baseline.gold_sha256, *scores)


def spread(reports: Sequence[Report], mode: Mode = Mode.LENIENT) -> list[SpreadRow]:
    """The rows of ``reports`` (at least one, all compared with one baseline) in ``mode``."""
    if not reports:
        raise InputError("spread needs at least one report")
    if any(r.baseline is None for r in reports):
        raise InputError("every report must be written with --baseline")
    signatures = {_baseline_signature(r) for r in reports}
    if len(signatures) > 1:
        raise InputError(
            "the reports were compared with different baselines (their baseline scores differ)"
        )
    keys: list[tuple[Level, RecordType | None]] = []
    by_run: list[dict[tuple[Level, RecordType | None], float | None]] = []
    for report in reports:
        assert report.baseline is not None
        deltas = {
            (d.level, d.record_type): d.delta for d in report.baseline.deltas if d.mode is mode
        }
        by_run.append(deltas)
        keys.extend(k for k in deltas if k not in keys)
    return [
        SpreadRow(level, kind, tuple(run.get((level, kind)) for run in by_run))
        for level, kind in keys
    ]


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def render_spread(rows: Sequence[SpreadRow], names: Sequence[str]) -> str:
    """A Markdown table: one column per run (``names``), then the range."""
    head = ["level", "records", *names, "range"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        kind = row.record_type.value if row.record_type is not None else "all"
        cells = [row.level.value, kind, *(_signed(d) for d in row.deltas)]
        cells.append(f"{_signed(row.low)} – {_signed(row.high)}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
