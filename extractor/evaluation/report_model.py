"""The shape of ``report.json``: every count and setting of a run, and nothing time-dependent.

The same models read a baseline report back (``--baseline``), so a report is also the input
of the next run's comparison: it keeps each document's counts for the paired bootstrap.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from extractor.evaluation.settings import ErrorClass, Level, Mode, RecordType

__all__ = [
    "BaselineComparison",
    "BaselineDelta",
    "DocumentEntry",
    "ErrorCount",
    "FieldResult",
    "GateResult",
    "Inputs",
    "IntervalModel",
    "LevelResult",
    "LineNote",
    "MacroScore",
    "RecordNote",
    "Report",
    "Score",
    "SettingsModel",
    "Validity",
    "count_key",
    "level_key",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


def count_key(level: Level, mode: Mode, record_type: RecordType) -> str:
    """Key of a document's counts: ``"field/lenient/project"``."""
    return f"{level.value}/{mode.value}/{record_type.value}"


def level_key(level: Level, mode: Mode) -> str:
    return f"{level.value}/{mode.value}"


class IntervalModel(_Model):
    low: float | None
    high: float | None
    resamples: int
    """How many resamples defined the metric (the others had an empty denominator)."""


class Score(_Model):
    tp: int
    fp: int
    fn: int
    gold: int
    predicted: int
    precision: float | None
    recall: float | None
    f1: float | None
    precision_ci: IntervalModel | None = None
    recall_ci: IntervalModel | None = None
    f1_ci: IntervalModel | None = None


class MacroScore(_Model):
    """Unweighted mean over the record types whose metric is defined (``types`` of them)."""

    precision: float | None
    recall: float | None
    f1: float | None
    types: int
    f1_ci: IntervalModel | None = None


class LevelResult(_Model):
    level: Level
    mode: Mode
    overall: Score
    by_type: dict[RecordType, Score]
    macro: MacroScore
    grounded: Score | None = None
    """Detection only: the overall score when a prediction without valid evidence cannot be
    a TP (equal to ``overall`` in strict mode, where that is the rule)."""


class FieldResult(_Model):
    mode: Mode
    record_type: RecordType
    field: str
    score: Score


class DocumentEntry(_Model):
    doc_id: str
    status: str
    gold_records: int
    predicted_records: int
    counts: dict[str, tuple[int, int, int]]
    """``count_key`` -> (tp, fp, fn)."""
    f1: dict[str, float | None]
    """``level_key`` -> F1 of the document over all record types."""


class LineNote(_Model):
    line: int
    doc_id: str | None
    problem: str


class RecordNote(_Model):
    """One predicted record the validity section lists, and why."""

    doc_id: str
    record_type: RecordType
    index: int
    """Position in the prediction line's list of that type."""
    label: str
    problem: str


class Validity(_Model):
    gold_documents: int
    gold_records: dict[RecordType, int]
    gold_optional_records: int
    prediction_lines: int
    predicted_records: dict[RecordType, int]
    scored_documents: int
    unparseable_lines: list[LineNote]
    missing_documents: list[str]
    sha_mismatches: list[str]
    extra_documents: list[str]
    ungrounded_records: int
    """Predicted records flagged ungrounded or whose evidence is not in the text."""
    ungrounded: list[RecordNote] = []
    """Each of those records."""
    invalid_records: list[RecordNote] = []
    """Predicted records that did not validate, dropped before scoring (gold documents only)."""
    optional_flags_ignored: int
    """Predicted records marked ``optional`` (honoured only in agreement mode)."""
    texts_checked: bool


class ErrorCount(_Model):
    error_class: ErrorClass
    strict: int
    lenient: int


class BaselineDelta(_Model):
    level: Level
    mode: Mode
    record_type: RecordType | None
    """``None`` for all record types together."""
    baseline_f1: float | None
    f1: float | None
    delta: float | None
    ci: IntervalModel | None
    not_better: float | None
    """Share of resamples in which the new run's F1 is not higher than the baseline's."""


class BaselineComparison(_Model):
    path: str
    gold_sha256: str
    same_gold: bool
    same_settings: bool
    scorer_version: str | None = None
    """The scorer version the baseline report was written by."""
    same_scorer: bool = True
    common_documents: int
    only_new: list[str]
    only_baseline: list[str]
    deltas: list[BaselineDelta]


class GateResult(_Model):
    metric: str
    value: float | None
    fail_under: float | None
    max_drop: float | None
    violations: list[str]


class Inputs(_Model):
    gold: str
    gold_sha256: str
    pred: str
    pred_sha256: str
    docs: str | None


class SettingsModel(_Model):
    tolerances: dict[str, float]
    thresholds: dict[str, float]
    weights: dict[RecordType, dict[str, float]]
    bootstrap: dict[str, float]
    allow_missing: bool
    agreement: bool


class Report(_Model):
    kind: Literal["evaluation", "agreement"]
    scorer_version: str
    format_version: str
    inputs: Inputs
    settings: SettingsModel
    validity: Validity
    results: list[LevelResult]
    fields: list[FieldResult]
    documents: list[DocumentEntry]
    errors: list[ErrorCount]
    baseline: BaselineComparison | None
    gate: GateResult
