"""The Markdown report (the CI report, also printed to stdout), rendered from ``Report`` only.

Undefined values (empty denominators) print as ``n/a``. Nothing here computes a score.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.evaluation.report_model import (
    BaselineComparison,
    BaselineDelta,
    IntervalModel,
    LevelResult,
    Report,
    Score,
    level_key,
)
from extractor.evaluation.settings import Level, Mode, RecordType

__all__ = ["render_markdown"]

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
