"""What is scored on each record type: its fields, how each is compared, which identify it.

Identity fields follow the guide's "one record per ..." rules: a project is its name; an
indicator is (name, region or enterprise, period); a role is (enterprise, role, project).
A record is *detected* when it is aligned with a record whose identity fields agree (in
strict mode, also only when the prediction's evidence is valid; see ``score``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from pydantic import BaseModel

from extractor.evaluation.settings import ErrorClass, RecordType
from extractor.records import DocumentRecord, EnterpriseRole, Indicator, Project

__all__ = [
    "FIELD_SPECS",
    "AnyRecord",
    "FieldKind",
    "FieldSpec",
    "Item",
    "canonical_key",
    "field_value",
    "own_names",
    "record_label",
    "records_of",
    "sorted_elements",
]

AnyRecord = Project | Indicator | EnterpriseRole
T = TypeVar("T")


class FieldKind(Enum):
    """How a field's values are compared (see ``compare`` and ``outcome``)."""

    PROJECT_NAME = "project_name"  # a project's own name, with its aliases
    RECORD_NAME = "record_name"  # an indicator's own name, with its aliases
    ENTERPRISE = "enterprise"  # an enterprise name, with the document's enterprise aliases
    PLACE = "place"
    PHRASE = "phrase"
    PERIOD = "period"
    MONEY = "money"
    QUANTITY = "quantity"
    CHANGE = "change"
    ENUM = "enum"
    QUANTITY_LIST = "quantity_list"
    ENTERPRISE_LIST = "enterprise_list"
    PROJECT_REF = "project_ref"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One scored field: its name, comparison, the class of a disagreement, identity or not."""

    name: str
    kind: FieldKind
    mismatch: ErrorClass
    identity: bool = False


FIELD_SPECS: dict[RecordType, tuple[FieldSpec, ...]] = {
    RecordType.PROJECT: (
        FieldSpec("name", FieldKind.PROJECT_NAME, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("location", FieldKind.PLACE, ErrorClass.WRONG_REGION),
        FieldSpec("sector", FieldKind.PHRASE, ErrorClass.WRONG_VALUE),
        FieldSpec("investment", FieldKind.MONEY, ErrorClass.WRONG_VALUE),
        FieldSpec("output_value", FieldKind.MONEY, ErrorClass.WRONG_VALUE),
        FieldSpec("capacity", FieldKind.QUANTITY_LIST, ErrorClass.WRONG_VALUE),
        FieldSpec("status", FieldKind.ENUM, ErrorClass.WRONG_VALUE),
        FieldSpec("enterprises", FieldKind.ENTERPRISE_LIST, ErrorClass.WRONG_VALUE),
    ),
    RecordType.INDICATOR: (
        FieldSpec("name", FieldKind.RECORD_NAME, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("region", FieldKind.PLACE, ErrorClass.WRONG_REGION, identity=True),
        FieldSpec("enterprise", FieldKind.ENTERPRISE, ErrorClass.WRONG_REGION, identity=True),
        FieldSpec("period", FieldKind.PERIOD, ErrorClass.WRONG_PERIOD, identity=True),
        FieldSpec("value", FieldKind.QUANTITY, ErrorClass.WRONG_VALUE),
        FieldSpec("change", FieldKind.CHANGE, ErrorClass.WRONG_VALUE),
    ),
    RecordType.ENTERPRISE_ROLE: (
        FieldSpec("enterprise", FieldKind.ENTERPRISE, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("role", FieldKind.ENUM, ErrorClass.WRONG_ROLE, identity=True),
        FieldSpec("project", FieldKind.PROJECT_REF, ErrorClass.WRONG_PROJECT, identity=True),
    ),
}


def records_of(doc: DocumentRecord | None, record_type: RecordType) -> list[AnyRecord]:
    if doc is None:
        return []
    if record_type is RecordType.PROJECT:
        return list(doc.projects)
    if record_type is RecordType.INDICATOR:
        return list(doc.indicators)
    return list(doc.enterprise_roles)


def field_value(record: AnyRecord, spec: FieldSpec) -> object:
    """The raw value of a field (``None``, a string, an enum, a value object or a list)."""
    value: object = getattr(record, spec.name)
    return value


def own_names(record: AnyRecord) -> tuple[str, ...]:
    """The record's name (a role's enterprise) followed by its aliases."""
    first = record.enterprise if isinstance(record, EnterpriseRole) else record.name
    return (first, *record.aliases)


def record_label(record: AnyRecord) -> str:
    """A short human label: the name, or "enterprise (role -> project)" for a role."""
    if isinstance(record, EnterpriseRole):
        target = f" -> {record.project}" if record.project else ""
        return f"{record.enterprise} ({record.role.value}{target})"
    if isinstance(record, Indicator):
        where = record.region or record.enterprise
        parts = [p for p in (where, record.period) if p]
        return f"{record.name} [{', '.join(parts)}]" if parts else record.name
    return record.name


def _canonical(value: object) -> object:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def canonical_key(value: object) -> str:
    """A total order that ignores file order: sorted-key JSON with every list sorted too.

    Accepts a record, a value object, a string or a list of them.
    """
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False)


def sorted_elements(values: list[T]) -> list[T]:
    """The elements of a list field in canonical order (inner matching must not see order)."""
    return sorted(values, key=canonical_key)


@dataclass(frozen=True, slots=True)
class Item:
    """A record as the scorer sees it.

    ``index`` is its position in its document's list; ``rank`` its position in canonical
    order (used wherever an order must not depend on the file); ``optional`` is whether its
    optional flag is honoured; ``ungrounded`` whether its evidence failed (predictions).
    """

    record_type: RecordType
    index: int
    rank: int
    record: AnyRecord
    optional: bool
    ungrounded: bool

    @property
    def label(self) -> str:
        return record_label(self.record)
