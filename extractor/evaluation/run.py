"""One evaluation run: check the inputs, score every gold document, build the report, gate it.

Input rules (the contract):

* the gold must be valid (``loading.check_gold_file``); otherwise ``GoldError``;
* a gold document without a prediction line, or whose prediction was made on another text
  (``text_sha256`` differs), is an ``InputError`` unless ``allow_missing``: then it is
  scored as an empty prediction and listed in the report;
* a prediction line that is not JSON, or whose problem lies outside its records (``doc_id``,
  ``text_sha256``), is scored as the empty prediction of its document (when its ``doc_id``
  can be read) and listed in the report;
* a predicted record that does not validate (an unknown enum value, an evidence span of the
  wrong length) is dropped alone: the rest of its document is scored, and the record is
  counted in the report's header, listed under Validity and in errors.jsonl (class
  ``invalid``) with the reason. With ``strict_input`` any invalid record or unusable line
  is an ``InputError`` instead;
* a prediction's ``meta`` is not scored: it is set aside before validation, so that keys
  other systems write there (``usage.total_tokens``, costs) never cost a document;
* prediction lines for documents the gold does not have are listed and ignored.

In agreement mode the second file is gold too: it must be valid, and ``optional`` counts on
both sides.

The CI gate: ``--fail-under`` and ``--max-drop`` on lenient field-level micro F1.

* ``fail_under F``: violated when F1 < F, or when F1 is undefined (nothing to judge is not a
  pass).
* ``max_drop D``: violated when F1 falls more than D below the baseline's, both computed
  over the documents the two runs share; undefined on either side is a violation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import GoldError, InputError
from extractor.evaluation.aggregate import (
    compare_baseline,
    document_entries,
    field_results,
    level_results,
)
from extractor.evaluation.bootstrap import Resampling
from extractor.evaluation.classify import ErrorRecord, classify_document
from extractor.evaluation.loading import (
    DroppedRecord,
    GoldCheck,
    Problem,
    check_gold_file,
    file_sha256,
    read_jsonl,
    validate_prediction,
)
from extractor.evaluation.match import WEIGHTS
from extractor.evaluation.report import (
    BaselineComparison,
    ErrorCount,
    GateResult,
    Inputs,
    LevelResult,
    LineNote,
    RecordNote,
    Report,
    SettingsModel,
    Validity,
    read_report,
)
from extractor.evaluation.score import DocStatus, DocumentResult, score_document
from extractor.evaluation.settings import (
    SCORER_VERSION,
    ErrorClass,
    Level,
    Mode,
    RecordType,
    ScoringSettings,
)
from extractor.records import FORMAT_VERSION, DocumentRecord

__all__ = [
    "GATE_LEVEL",
    "GATE_MODE",
    "Evaluation",
    "EvaluationConfig",
    "GateSettings",
    "check_gate",
    "evaluate",
    "settings_model",
]


# The CI gate.

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


# The run.


@dataclass(frozen=True, slots=True)
class EvaluationConfig:
    gold: Path
    pred: Path
    docs: Path | None = None
    baseline: Path | None = None
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    gate: GateSettings = field(default_factory=GateSettings)


@dataclass(frozen=True, slots=True)
class Evaluation:
    report: Report
    documents: tuple[DocumentResult, ...]
    errors: tuple[ErrorRecord, ...]
    texts: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Predictions:
    documents: dict[str, DocumentRecord]
    broken: list[LineNote]
    lines: int
    dropped: dict[str, tuple[DroppedRecord, ...]] = field(default_factory=dict)
    positions: dict[str, dict[RecordType, tuple[int, ...]]] = field(default_factory=dict)


def _gold_error(path: Path, problems: tuple[Problem, ...]) -> GoldError:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return GoldError(
        f"{path} is not valid gold: {problems[0]}{more}; run 'extract-eval validate' for all"
    )


def _checked(path: Path, docs: Path | None) -> GoldCheck:
    check = check_gold_file(path, docs)
    if check.problems:
        raise _gold_error(path, check.problems)
    return check


def _strict_input_message(
    path: Path, broken: list[LineNote], dropped: dict[str, tuple[DroppedRecord, ...]]
) -> str:
    invalid = [(doc_id, d) for doc_id, records in sorted(dropped.items()) for d in records]
    parts = []
    if invalid:
        doc_id, first = invalid[0]
        parts.append(
            f"{len(invalid)} invalid record(s), first {doc_id} {first.record_type.value} "
            f"#{first.index}: {first.problem}"
        )
    if broken:
        parts.append(
            f"{len(broken)} unusable line(s), first line {broken[0].line}: {broken[0].problem}"
        )
    return f"{path}: " + "; ".join(parts) + " (--strict-input)"


def _predictions(config: EvaluationConfig) -> _Predictions:
    if config.scoring.agreement:
        check = _checked(config.pred, config.docs)
        return _Predictions(dict(check.documents), [], check.lines)
    lines = read_jsonl(config.pred)
    documents: dict[str, DocumentRecord] = {}
    broken: list[LineNote] = []
    dropped: dict[str, tuple[DroppedRecord, ...]] = {}
    positions: dict[str, dict[RecordType, tuple[int, ...]]] = {}
    seen: dict[str, int] = {}
    for line in lines:
        if line.doc_id is not None and line.doc_id in seen:
            raise InputError(
                f"{config.pred}: line {line.number} repeats doc_id {line.doc_id!r} "
                f"of line {seen[line.doc_id]}"
            )
        if line.doc_id is not None:
            seen[line.doc_id] = line.number
        if line.error is not None or line.obj is None:
            broken.append(LineNote(line=line.number, doc_id=line.doc_id, problem=line.error or ""))
            continue
        found = validate_prediction(line.obj)
        if found.record is None:
            broken.append(
                LineNote(line=line.number, doc_id=line.doc_id, problem=found.problem or "")
            )
            continue
        doc_id = found.record.doc_id
        documents[doc_id] = found.record
        if found.dropped:
            dropped[doc_id] = found.dropped
        if found.positions is not None:
            positions[doc_id] = found.positions
    if config.scoring.strict_input and (broken or dropped):
        raise InputError(_strict_input_message(config.pred, broken, dropped))
    return _Predictions(documents, broken, len(lines), dropped, positions)


def _match(
    gold: dict[str, DocumentRecord], preds: _Predictions, allow_missing: bool
) -> dict[str, tuple[DocStatus, DocumentRecord | None]]:
    broken_ids = {n.doc_id for n in preds.broken if n.doc_id is not None}
    out: dict[str, tuple[DocStatus, DocumentRecord | None]] = {}
    missing, mismatched = [], []
    for doc_id in sorted(gold):
        pred = preds.documents.get(doc_id)
        if pred is not None and pred.text_sha256 == gold[doc_id].text_sha256:
            out[doc_id] = (DocStatus.SCORED, pred)
        elif pred is not None:
            mismatched.append(doc_id)
            out[doc_id] = (DocStatus.SHA_MISMATCH, None)
        elif doc_id in broken_ids:
            out[doc_id] = (DocStatus.UNPARSEABLE, None)
        else:
            missing.append(doc_id)
            out[doc_id] = (DocStatus.MISSING, None)
    if (missing or mismatched) and not allow_missing:
        parts = []
        if missing:
            parts.append(f"no prediction for {len(missing)} gold document(s): {', '.join(missing)}")
            anonymous = sum(n.doc_id is None for n in preds.broken)
            if anonymous:
                parts[-1] += f" ({anonymous} unparseable prediction line(s) name no doc_id)"
        if mismatched:
            parts.append(
                f"text_sha256 of the prediction differs from the gold for {', '.join(mismatched)}"
            )
        raise InputError("; ".join(parts) + " (--allow-missing scores them as empty)")
    return out


def settings_model(settings: ScoringSettings) -> SettingsModel:
    t, m, b = settings.tolerances, settings.thresholds, settings.bootstrap
    return SettingsModel(
        tolerances={"strict": t.strict, "lenient": t.lenient},
        thresholds={
            "project": m.project,
            "indicator": m.indicator,
            "enterprise_role": m.enterprise_role,
            "role_enterprise": m.role_enterprise,
            "fuzzy_text": m.fuzzy_text,
            "period_overlap": m.period_overlap,
        },
        weights=WEIGHTS,
        bootstrap={"resamples": b.resamples, "seed": b.seed, "confidence": b.confidence},
        allow_missing=settings.allow_missing,
        agreement=settings.agreement,
    )


def _validity(
    gold: GoldCheck, preds: _Predictions, docs: list[DocumentResult], agreement: bool
) -> Validity:
    pred_records = {t: 0 for t in RecordType}
    for d in docs:
        for t in RecordType:
            pred_records[t] += len(d.pred_items[t])
    optional_flags = sum(
        1 for d in docs for items in d.pred_items.values() for item in items if item.record.optional
    )
    return Validity(
        gold_documents=len(gold.documents),
        gold_records={t: sum(len(d.gold_items[t]) for d in docs) for t in RecordType},
        gold_optional_records=sum(
            1 for d in docs for items in d.gold_items.values() for i in items if i.optional
        ),
        prediction_lines=preds.lines,
        predicted_records=pred_records,
        scored_documents=sum(d.status is DocStatus.SCORED for d in docs),
        unparseable_lines=preds.broken,
        missing_documents=[d.doc_id for d in docs if d.status is DocStatus.MISSING],
        sha_mismatches=[d.doc_id for d in docs if d.status is DocStatus.SHA_MISMATCH],
        extra_documents=sorted(set(preds.documents) - set(gold.documents)),
        ungrounded_records=sum(
            1 for d in docs for items in d.pred_items.values() for i in items if i.ungrounded
        ),
        ungrounded=_ungrounded(docs),
        invalid_records=_invalid_notes(preds, docs),
        optional_flags_ignored=0 if agreement else optional_flags,
        texts_checked=bool(gold.texts),
    )


def _invalid_errors(doc_id: str, dropped: tuple[DroppedRecord, ...]) -> list[ErrorRecord]:
    return [
        ErrorRecord(
            doc_id=doc_id,
            record_type=d.record_type,
            field=None,
            error_class=ErrorClass.INVALID,
            gold=None,
            pred=d.raw,
            gold_index=None,
            pred_index=d.index,
            gold_label=None,
            pred_label=d.label,
            evidence=None,
            strict_only=False,
            detail=d.problem,
        )
        for d in dropped
    ]


def _invalid_notes(preds: _Predictions, docs: list[DocumentResult]) -> list[RecordNote]:
    return [
        RecordNote(
            doc_id=d.doc_id,
            record_type=r.record_type,
            index=r.index,
            label=r.label,
            problem=r.problem,
        )
        for d in docs
        for r in preds.dropped.get(d.doc_id, ())
    ]


def _ungrounded(docs: list[DocumentResult]) -> list[RecordNote]:
    """Every prediction without valid evidence, in document, type and file order."""
    out = []
    for d in docs:
        for t in RecordType:
            for item in sorted(d.pred_items[t], key=lambda i: i.index):
                if not item.ungrounded:
                    continue
                flagged = item.record.ungrounded
                problem = "flagged ungrounded" if flagged else "evidence not in the document"
                out.append(
                    RecordNote(
                        doc_id=d.doc_id,
                        record_type=t,
                        index=item.index,
                        label=item.label,
                        problem=problem,
                    )
                )
    return out


def _error_counts(errors: list[ErrorRecord]) -> list[ErrorCount]:
    return [
        ErrorCount(
            error_class=cls,
            strict=sum(e.error_class is cls for e in errors),
            lenient=sum(e.error_class is cls and not e.strict_only for e in errors),
        )
        for cls in ErrorClass
    ]


def evaluate(config: EvaluationConfig) -> Evaluation:
    """Score ``config.pred`` against ``config.gold``; raises ``GoldError``/``InputError``."""
    scoring = config.scoring
    gold = _checked(config.gold, config.docs)
    texts = {doc_id: document.text for doc_id, document in gold.texts.items()}
    preds = _predictions(config)
    matched = _match(gold.documents, preds, scoring.allow_missing)
    baseline = read_report(config.baseline) if config.baseline is not None else None

    docs = [
        score_document(
            doc_id,
            gold.documents[doc_id],
            pred,
            scoring,
            status=status,
            text=texts.get(doc_id),
            positions=preds.positions.get(doc_id) if pred is not None else None,
        )
        for doc_id, (status, pred) in matched.items()
    ]
    errors = [
        e
        for d in docs
        for e in (
            *_invalid_errors(d.doc_id, preds.dropped.get(d.doc_id, ())),
            *classify_document(d, scoring.tolerances.lenient, texts.get(d.doc_id)),
        )
    ]
    resampling = Resampling(len(docs), scoring.bootstrap)
    results = level_results(docs, resampling)
    entries = document_entries(docs)
    gold_sha = file_sha256(config.gold)
    settings = settings_model(scoring)
    comparison = None
    if baseline is not None and config.baseline is not None:
        comparison = compare_baseline(
            entries,
            baseline,
            path=str(config.baseline),
            gold_sha256=gold_sha,
            same_settings=baseline.settings.model_dump(exclude={"bootstrap"})
            == settings.model_dump(exclude={"bootstrap"}),
            settings=scoring.bootstrap,
        )
    report = Report(
        kind="agreement" if scoring.agreement else "evaluation",
        scorer_version=SCORER_VERSION,
        format_version=FORMAT_VERSION,
        inputs=Inputs(
            gold=str(config.gold),
            gold_sha256=gold_sha,
            pred=str(config.pred),
            pred_sha256=file_sha256(config.pred),
            docs=str(config.docs) if config.docs is not None else None,
        ),
        settings=settings,
        validity=_validity(gold, preds, docs, scoring.agreement),
        results=results,
        fields=field_results(docs, resampling),
        documents=entries,
        errors=_error_counts(errors),
        baseline=comparison,
        gate=check_gate(results, comparison, config.gate),
    )
    return Evaluation(report, tuple(docs), tuple(errors), texts)
