"""The CI gate: ``--fail-under`` and ``--max-drop`` on lenient field-level micro F1.

* ``fail_under F``: violated when F1 < F, or when F1 is undefined (nothing to judge is not a
  pass).
* ``max_drop D``: violated when F1 falls more than D below the baseline's, both computed
  over the documents the two runs share; undefined on either side is a violation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.evaluation.report_model import BaselineComparison, GateResult, LevelResult
from extractor.evaluation.settings import Level, Mode

__all__ = ["GATE_LEVEL", "GATE_MODE", "GateSettings", "check_gate"]

GATE_LEVEL = Level.FIELD
GATE_MODE = Mode.LENIENT


@dataclass(frozen=True, slots=True)
class GateSettings:
    fail_under: float | None = None
    max_drop: float | None = None

    def __post_init__(self) -> None:
        if self.fail_under is not None and not 0 <= self.fail_under <= 1:
            raise ValueError("--fail-under is an F1 between 0 and 1")
        if self.max_drop is not None and not 0 <= self.max_drop <= 1:
            raise ValueError("--max-drop is a difference of F1 between 0 and 1")


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def check_gate(
    results: Sequence[LevelResult], baseline: BaselineComparison | None, gate: GateSettings
) -> GateResult:
    metric = f"{GATE_LEVEL.value}/{GATE_MODE.value}/f1"
    value = next(r.overall.f1 for r in results if (r.level, r.mode) == (GATE_LEVEL, GATE_MODE))
    violations = []
    if gate.fail_under is not None and (value is None or value < gate.fail_under):
        violations.append(f"{metric} is {_fmt(value)}, under --fail-under {gate.fail_under}")
    if gate.max_drop is not None and baseline is not None:
        delta = next(
            d.delta
            for d in baseline.deltas
            if (d.level, d.mode, d.record_type) == (GATE_LEVEL, GATE_MODE, None)
        )
        if delta is None:
            violations.append(f"{metric} cannot be compared with the baseline (undefined)")
        elif delta < -gate.max_drop:
            violations.append(
                f"{metric} dropped {-delta:.4f} below the baseline, more than --max-drop "
                f"{gate.max_drop}"
            )
    return GateResult(
        metric=metric,
        value=value,
        fail_under=gate.fail_under,
        max_drop=gate.max_drop,
        violations=violations,
    )
