"""Name every error: one ``ErrorRecord`` per FN, FP or disagreeing pair of units.

Errors are listed for the strict mode (a superset of the lenient ones); ``strict_only``
marks those the lenient mode accepts. How a class is decided, first rule that applies:

* an unaligned gold record: ``missing``; an unaligned prediction: ``ungrounded`` when it is
  flagged ungrounded or its evidence is not found in the text, else ``spurious``.
* a field the gold fills and the prediction leaves empty: ``missing``; the reverse:
  ``spurious`` (``ungrounded`` when the value's ``raw`` is not in the document).
* both filled, Money/Quantity/Change: different currency (for quantities: two different
  currency units) -> ``currency``; different canonical unit, or a Change's different unit
  (%, pp, times) -> ``unit``; off by a power of ten within 2 % -> ``magnitude``; a Change on
  another basis -> ``wrong_value``; otherwise ``ungrounded`` when the predicted ``raw`` does
  not occur in the document, else ``wrong_value``.
* both filled, other fields: the field's class: ``period`` -> ``wrong_period``;
  ``location``, ``region`` and an indicator's ``enterprise`` (where the figure belongs) ->
  ``wrong_region``; ``role`` -> ``wrong_role``; a role's ``project`` -> ``wrong_project``;
  anything else -> ``wrong_value``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel

from extractor.evaluation.compare import canonical_unit
from extractor.evaluation.match import FIELD_SPECS, FieldSpec, Item
from extractor.evaluation.score import DocumentResult, FieldOutcome, Issue, PairResult, power_of_ten
from extractor.evaluation.settings import ErrorClass, Mode, RecordType
from extractor.records import Change, Money, Quantity

__all__ = ["ErrorRecord", "classify_document", "json_value"]

_SNIPPET = 300
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One error: where it is, what the gold and the prediction say, and its class."""

    doc_id: str
    record_type: RecordType
    field: str | None
    error_class: ErrorClass
    gold: object
    pred: object
    gold_index: int | None
    pred_index: int | None
    gold_label: str | None
    pred_label: str | None
    evidence: str | None
    strict_only: bool
    detail: str | None = None


def json_value(value: object) -> object:
    """A value as plain JSON data (records without their evidence)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude={"evidence"})
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [json_value(v) for v in value]
    return value


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _raw_missing(value: object, text: str | None) -> bool:
    raw = getattr(value, "raw", None)
    if text is None or not isinstance(raw, str):
        return False
    return _squash(raw) not in _squash(text)


def _numbers(g: object, p: object, tolerance: float) -> tuple[ErrorClass, str] | None:
    if isinstance(g, Money) and isinstance(p, Money):
        if g.currency != p.currency:
            return ErrorClass.CURRENCY, f"currency {g.currency} vs {p.currency}"
        k = power_of_ten(g.amount, p.amount, tolerance)
        if k:
            return ErrorClass.MAGNITUDE, f"amount off by 10^{k}"
        return None
    if isinstance(g, Quantity) and isinstance(p, Quantity):
        ug, up = canonical_unit(g.unit), canonical_unit(p.unit)
        if ug.base != up.base:
            if ug.is_currency and up.is_currency:
                return ErrorClass.CURRENCY, f"currency {g.unit} vs {p.unit}"
            return ErrorClass.UNIT, f"unit {g.unit} vs {p.unit}"
        k = power_of_ten(g.value * ug.factor, p.value * up.factor, tolerance)
        return (ErrorClass.MAGNITUDE, f"value off by 10^{k}") if k else None
    if isinstance(g, Change) and isinstance(p, Change):
        if g.unit != p.unit:
            return ErrorClass.UNIT, f"change unit {g.unit.value} vs {p.unit.value}"
        if g.basis != p.basis:
            return ErrorClass.WRONG_VALUE, f"basis {g.basis.value} vs {p.basis.value}"
        k = power_of_ten(g.value, p.value, tolerance)
        return (ErrorClass.MAGNITUDE, f"change off by 10^{k}") if k else None
    return None


def _classify(
    spec: FieldSpec, issue: Issue, tolerance: float, text: str | None
) -> tuple[ErrorClass, str | None]:
    g, p = issue.gold, issue.pred
    if p is None:
        return ErrorClass.MISSING, None
    if g is None:
        if _raw_missing(p, text):
            return ErrorClass.UNGROUNDED, "predicted raw text is not in the document"
        return ErrorClass.SPURIOUS, None
    numeric = _numbers(g, p, tolerance)
    if numeric is not None:
        return numeric
    if isinstance(p, Money | Quantity | Change):
        if _raw_missing(p, text):
            return ErrorClass.UNGROUNDED, "predicted raw text is not in the document"
        return ErrorClass.WRONG_VALUE, None
    return spec.mismatch, None


def _snippet(*items: Item | None) -> str | None:
    for item in items:
        if item is not None and item.record.evidence:
            text = item.record.evidence[0].text
            return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
    return None


def _lenient_accepts(issue: Issue, lenient: FieldOutcome) -> bool:
    if issue.gold_element is None and issue.pred_element is None:
        return lenient.agrees
    used_g = {i.gold_element for i in lenient.issues if i.gold_element is not None}
    used_p = {i.pred_element for i in lenient.issues if i.pred_element is not None}
    return issue.gold_element not in used_g and issue.pred_element not in used_p


def _error(
    doc_id: str,
    pair: PairResult,
    field: str | None,
    found: tuple[ErrorClass, str | None],
    values: tuple[object, object],
    strict_only: bool,
) -> ErrorRecord:
    g, p = pair.gold, pair.pred
    return ErrorRecord(
        doc_id=doc_id,
        record_type=pair.record_type,
        field=field,
        error_class=found[0],
        gold=json_value(values[0]),
        pred=json_value(values[1]),
        gold_index=g.index if g else None,
        pred_index=p.index if p else None,
        gold_label=g.label if g else None,
        pred_label=p.label if p else None,
        evidence=_snippet(g, p),
        strict_only=strict_only,
        detail=found[1],
    )


def _pair_errors(
    doc_id: str, pair: PairResult, tolerance: float, text: str | None
) -> Iterator[ErrorRecord]:
    g, p = pair.gold, pair.pred
    if g is None and p is not None:
        cls = ErrorClass.UNGROUNDED if p.ungrounded else ErrorClass.SPURIOUS
        detail = None
        if p.ungrounded:
            flagged = "the prediction marks it ungrounded"
            detail = flagged if p.record.ungrounded else "its evidence is not in the document"
        yield _error(doc_id, pair, None, (cls, detail), (None, p.record), False)
        return
    if g is not None and p is None:
        yield _error(doc_id, pair, None, (ErrorClass.MISSING, None), (g.record, None), False)
        return
    specs = FIELD_SPECS[pair.record_type]
    strict, lenient = pair.fields[Mode.STRICT], pair.fields[Mode.LENIENT]
    for spec, s_out, l_out in zip(specs, strict, lenient, strict=True):
        for issue in s_out.issues:
            found = _classify(spec, issue, tolerance, text)
            values = (issue.gold, issue.pred)
            yield _error(doc_id, pair, spec.name, found, values, _lenient_accepts(issue, l_out))


def classify_document(
    doc: DocumentResult, lenient_tolerance: float, text: str | None = None
) -> list[ErrorRecord]:
    """Every error of one scored document, in a file-order-independent order."""
    out: list[ErrorRecord] = []
    for pair in doc.pairs:
        if pair.counted:
            out.extend(_pair_errors(doc.doc_id, pair, lenient_tolerance, text))
    return out
