"""The report of a run: its model (``report.json``), and the JSON, Markdown and errors files.

Nothing here computes a score: ``aggregate`` fills the model, ``run`` assembles it.

Model. The shape of ``report.json``: every count and setting of a run, and nothing
time-dependent. The same models read a baseline report back (``--baseline``), so a report is
also the input of the next run's comparison: it keeps each document's counts for the paired
bootstrap.

``report.json``. The file is ``Report.model_dump_json(indent=2)``: every count and setting,
the gold file's hash and the scorer version, and no timestamps, so the same inputs and seed
give the same bytes.

``errors.jsonl``. One line per error (``classify``). An error line::

    {"doc": "003_...", "type": "project", "field": "investment", "class": "magnitude",
     "gold": {...}, "pred": {...}, "evidence": "...", "strict_only": false,
     "detail": "amount off by 10^-3", "gold_record": "...", "pred_record": "...",
     "gold_index": 2, "pred_index": 0}

``field`` is ``null`` for a whole record (missing, spurious, ungrounded); ``gold_index`` and
``pred_index`` are positions in the document's list of that type; ``strict_only`` marks an
error that the lenient mode accepts.

Markdown. The CI report, also printed to stdout, rendered from ``Report`` only. Undefined
values (empty denominators) print as ``n/a``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from extractor.errors import InputError
from extractor.evaluation.classify import ErrorRecord
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
    "error_line",
    "level_key",
    "read_report",
    "render_markdown",
    "render_report_json",
    "write_errors",
    "write_output",
    "write_report_json",
]


# The model of report.json.


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


# report.json: write, and read back as a baseline.


def write_output(path: Path, text: str) -> None:
    """Write an output file as UTF-8; an unwritable path is an ``InputError``."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror or e}") from e


def render_report_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_report_json(path: Path, report: Report) -> None:
    write_output(path, render_report_json(report))


def read_report(path: Path) -> Report:
    """A report written by ``write_report_json`` (a baseline); ``InputError`` otherwise."""
    try:
        return Report.model_validate_json(path.read_bytes())
    except OSError as e:
        raise InputError(f"cannot read the baseline {path}: {e.strerror or e}") from e
    except ValidationError as e:
        raise InputError(
            f"{path} is not a report.json of extract-eval ({e.error_count()} problems, "
            f"first: {e.errors()[0]['msg']})"
        ) from e


# errors.jsonl.


def error_line(error: ErrorRecord) -> str:
    return json.dumps(
        {
            "doc": error.doc_id,
            "type": error.record_type.value,
            "field": error.field,
            "class": error.error_class.value,
            "gold": error.gold,
            "pred": error.pred,
            "evidence": error.evidence,
            "strict_only": error.strict_only,
            "detail": error.detail,
            "gold_record": error.gold_label,
            "pred_record": error.pred_label,
            "gold_index": error.gold_index,
            "pred_index": error.pred_index,
        },
        ensure_ascii=False,
    )


def write_errors(path: Path, errors: Iterable[ErrorRecord]) -> None:
    write_output(path, "".join(error_line(e) + "\n" for e in errors))


# The Markdown report.

_LEVEL_TITLES = {
    Level.DETECTION: "Record detection",
    Level.FIELD: "Field level",
    Level.EXACT: "Record exact",
}
_WORST_FIELDS = 10
_LISTED_LINES = 20


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def _ci(interval: IntervalModel | None, signed: bool = False) -> str:
    if interval is None or interval.low is None or interval.high is None:
        return "n/a"
    fmt = _signed if signed else _num
    return f"{fmt(interval.low)} – {fmt(interval.high)}"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _delta(report: Report, level: Level, mode: Mode, t: RecordType | None) -> BaselineDelta | None:
    if report.baseline is None:
        return None
    for d in report.baseline.deltas:
        if (d.level, d.mode, d.record_type) == (level, mode, t):
            return d
    return None


def _score_row(label: str, s: Score, delta: BaselineDelta | None, baseline: bool) -> list[str]:
    row = [
        label,
        _num(s.precision),
        _ci(s.precision_ci),
        _num(s.recall),
        _ci(s.recall_ci),
        _num(s.f1),
        _ci(s.f1_ci),
        str(s.gold),
        str(s.predicted),
    ]
    if baseline:
        row.append("n/a" if delta is None else _signed(delta.delta))
    return row


def _level_section(report: Report, result: LevelResult, labels: tuple[str, str]) -> list[str]:
    baseline = report.baseline is not None
    header = ["scope", "P", "P 95% CI", "R", "R 95% CI", "F1", "F1 95% CI", *labels]
    if baseline:
        header.append("ΔF1")
    level, mode = result.level, result.mode
    rows = [_score_row("all (micro)", result.overall, _delta(report, level, mode, None), baseline)]
    if result.grounded is not None:
        rows.append(_score_row("all, grounded only", result.grounded, None, baseline))
    for t, score in result.by_type.items():
        rows.append(_score_row(t.value, score, _delta(report, level, mode, t), baseline))
    m = result.macro
    macro = [f"macro ({m.types} types)", _num(m.precision), "", _num(m.recall), ""]
    macro += [_num(m.f1), _ci(m.f1_ci), "", ""] + ([""] if baseline else [])
    rows.append(macro)
    title = f"### {_LEVEL_TITLES[level]} · {mode.value}"
    return [title, "", *_table(header, rows), ""]


def _worst_fields(report: Report, labels: tuple[str, str]) -> list[str]:
    strict = {(f.record_type, f.field): f.score for f in report.fields if f.mode is Mode.STRICT}
    lenient = [f for f in report.fields if f.mode is Mode.LENIENT and f.score.f1 is not None]
    lenient.sort(key=lambda f: (f.score.f1, -f.score.gold, f.record_type.value, f.field))
    header = ["field", "P", "R", "F1", "F1 95% CI", "strict F1", *labels]
    rows = [
        [
            f"{f.record_type.value}.{f.field}",
            _num(f.score.precision),
            _num(f.score.recall),
            _num(f.score.f1),
            _ci(f.score.f1_ci),
            _num(strict[f.record_type, f.field].f1),
            str(f.score.gold),
            str(f.score.predicted),
        ]
        for f in lenient[:_WORST_FIELDS]
    ]
    undefined = sorted(
        f"{f.record_type.value}.{f.field}"
        for f in report.fields
        if f.mode is Mode.LENIENT and f.score.f1 is None
    )
    out = ["## Worst fields (lenient, field level)", "", *_table(header, rows), ""]
    if undefined:
        out += [f"Fields neither side fills (F1 n/a): {', '.join(undefined)}.", ""]
    return out


def _documents(report: Report) -> list[str]:
    keys = [(level, mode) for level in Level for mode in Mode]
    header = ["document", "status", "gold records", "pred records"]
    header += [f"{level.value} {mode.value} F1" for level, mode in keys]
    rows = [
        [d.doc_id, d.status, str(d.gold_records), str(d.predicted_records)]
        + [_num(d.f1[level_key(level, mode)]) for level, mode in keys]
        for d in report.documents
    ]
    return ["## Per document", "", *_table(header, rows), ""]


def _errors(report: Report) -> list[str]:
    rows = [[e.error_class.value, str(e.strict), str(e.lenient)] for e in report.errors]
    intro = "Errors are counted in strict mode; the lenient column leaves out those it accepts."
    return ["## Error classes", "", intro, "", *_table(["class", "strict", "lenient"], rows), ""]


def _validity(report: Report) -> list[str]:
    v = report.validity
    names = ", ".join(f"{v.predicted_records[t]} {t.value}" for t in RecordType)
    gold = ", ".join(f"{v.gold_records[t]} {t.value}" for t in RecordType)
    lines = [
        "## Validity",
        "",
        f"- gold: {v.gold_documents} documents; {gold}; {v.gold_optional_records} optional",
        f"- prediction lines: {v.prediction_lines}; records: {names}",
        f"- scored documents: {v.scored_documents}",
        f"- unparseable prediction lines (scored as empty): {len(v.unparseable_lines)}",
        f"- missing documents (scored as empty): {len(v.missing_documents)}"
        + (f" ({', '.join(v.missing_documents)})" if v.missing_documents else ""),
        f"- text_sha256 mismatches (scored as empty): {len(v.sha_mismatches)}"
        + (f" ({', '.join(v.sha_mismatches)})" if v.sha_mismatches else ""),
        f"- predictions for documents not in the gold (ignored): {len(v.extra_documents)}"
        + (f" ({', '.join(v.extra_documents)})" if v.extra_documents else ""),
        f"- ungrounded predicted records (never a strict TP; lenient 'grounded only' row "
        f"leaves them out): {v.ungrounded_records}"
        + ("" if v.texts_checked else " (evidence not checked: no --docs)"),
        *(
            f"  - {n.doc_id} {n.record_type.value} #{n.index} {n.label}: {n.problem}"
            for n in v.ungrounded
        ),
        f"- predicted records marked optional (ignored): {v.optional_flags_ignored}",
        f"- invalid predicted records (dropped, not scored): {len(v.invalid_records)}",
        *(
            f"  - {n.doc_id} {n.record_type.value} #{n.index} {n.label}: {n.problem}"
            for n in v.invalid_records
        ),
    ]
    for note in v.unparseable_lines[:_LISTED_LINES]:
        lines.append(f"  - line {note.line} ({note.doc_id or 'doc_id unknown'}): {note.problem}")
    if len(v.unparseable_lines) > _LISTED_LINES:
        lines.append(f"  - ... and {len(v.unparseable_lines) - _LISTED_LINES} more")
    return [*lines, ""]


def _baseline(b: BaselineComparison) -> list[str]:
    notes = [f"Baseline `{b.path}`, {b.common_documents} documents in common."]
    if not b.same_gold:
        notes.append("**Warning: the baseline was scored against a different gold file.**")
    if not b.same_scorer:
        notes.append(
            f"**Warning: the baseline was scored by scorer {b.scorer_version}; a difference can "
            "come from the scoring rules (extractor/evaluation/VERSIONS.md).**"
        )
    if not b.same_settings:
        notes.append("**Warning: the baseline was scored with different settings.**")
    if b.only_new or b.only_baseline:
        notes.append(
            f"Compared on shared documents only (new only: {len(b.only_new)}, "
            f"baseline only: {len(b.only_baseline)})."
        )
    header = [
        "level",
        "mode",
        "records",
        "baseline F1",
        "F1",
        "ΔF1",
        "ΔF1 95% CI",
        "P(not better)",
    ]
    # All types at every level and mode, then each type at the lenient levels a change targets.
    rows = [
        [
            d.level.value,
            d.mode.value,
            "all" if d.record_type is None else d.record_type.value,
            _num(d.baseline_f1),
            _num(d.f1),
            _signed(d.delta),
            _ci(d.ci, signed=True),
            _num(d.not_better),
        ]
        for d in b.deltas
        if d.record_type is None
        or (d.mode is Mode.LENIENT and d.level in (Level.DETECTION, Level.FIELD))
    ]
    intro = "Paired document bootstrap: both runs on the same resampled documents."
    return [
        "## Against the baseline",
        "",
        " ".join(notes),
        "",
        intro,
        "",
        *_table(header, rows),
        "",
    ]


def render_markdown(report: Report) -> str:
    agreement = report.kind == "agreement"
    labels = ("A", "B") if agreement else ("gold", "pred")
    title = "Annotator agreement report" if agreement else "Evaluation report"
    i, s, b = report.inputs, report.settings, report.settings.bootstrap
    first, second = ("Annotator A", "Annotator B") if agreement else ("Gold", "Predictions")
    gate = report.gate
    verdict = "FAILED: " + "; ".join(gate.violations) if gate.violations else "passed"
    checks = [f"fail-under {gate.fail_under}" if gate.fail_under is not None else ""]
    checks.append(f"max-drop {gate.max_drop}" if gate.max_drop is not None else "")
    thresholds = ", ".join(c for c in checks if c) or "no thresholds set"
    lines = [
        f"# {title}",
        "",
        f"- {first}: `{i.gold}` (sha256 `{i.gold_sha256[:16]}`)",
        f"- {second}: `{i.pred}` (sha256 `{i.pred_sha256[:16]}`)",
        f"- Documents: {len(report.documents)}"
        + (f"; texts checked against `{i.docs}`" if i.docs else "; texts not checked"),
        f"- Scorer {report.scorer_version}, record format {report.format_version}; "
        f"tolerance {s.tolerances['strict']:g} strict / {s.tolerances['lenient']:g} lenient; "
        f"bootstrap {int(b['resamples'])} document resamples, seed {int(b['seed'])}, "
        f"{b['confidence']:.0%} percentile intervals",
        f"- Gate ({gate.metric} = {_num(gate.value)}; {thresholds}): {verdict}",
        f"- {len(report.validity.invalid_records)} invalid predicted record(s) dropped before "
        f"scoring; {len(report.validity.unparseable_lines)} unusable prediction line(s) "
        "scored as empty (see Validity)",
        "",
        "## Scores",
        "",
        "P, R and F1 are micro-averaged over records (field level: over field values); "
        "n/a means an empty denominator.",
        "",
    ]
    for result in report.results:
        lines += _level_section(report, result, labels)
    lines += _worst_fields(report, labels)
    lines += _documents(report)
    lines += _errors(report)
    lines += _validity(report)
    if report.baseline is not None:
        lines += _baseline(report.baseline)
    return "\n".join(lines).rstrip("\n") + "\n"
