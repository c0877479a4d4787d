"""Read gold and prediction JSONL files and the document texts they refer to.

Reading never stops at a bad line: every line comes back as a ``RawLine`` (its JSON object,
or why it is not one), so that the caller can report each problem. A ``doc_id`` is
recovered from a line that is not JSON when it can be, so that an unparseable prediction
still counts as the empty prediction of its document.

A prediction line is validated record by record (``validate_prediction``): its ``meta`` is
set aside unread (it is never scored, and other systems write their own keys there), a
record that does not validate is dropped alone with the reason, and only a problem outside
the records (``doc_id``, ``text_sha256``, a list that is not a list) makes the whole line
unusable.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.errors import DocumentError, InputError
from extractor.evaluation.settings import RecordType
from extractor.pipeline.load import DOCUMENT_SUFFIXES, Document, read_document
from extractor.records import DocumentRecord
from extractor.records.jsonl import read_json_lines

__all__ = [
    "DroppedRecord",
    "PredictionLine",
    "RawLine",
    "describe_validation_error",
    "file_sha256",
    "find_document",
    "load_document",
    "read_jsonl",
    "validate_prediction",
]

_DOC_ID = re.compile(r'"doc_id"\s*:\s*"((?:[^"\\]|\\.)+)"')
_LISTS = {"projects": "project", "indicators": "indicator", "enterprise_roles": "enterprise_role"}
_TYPES = {
    "projects": RecordType.PROJECT,
    "indicators": RecordType.INDICATOR,
    "enterprise_roles": RecordType.ENTERPRISE_ROLE,
}


@dataclass(frozen=True, slots=True)
class RawLine:
    """One non-blank line: its number, its object (or the reason it has none), its doc_id."""

    number: int
    obj: dict[str, Any] | None
    doc_id: str | None
    error: str | None


def file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _recovered_doc_id(text: str) -> str | None:
    """The ``doc_id`` of a line that is not JSON, where it can still be read."""
    found = _DOC_ID.search(text)
    if found is None:
        return None
    try:
        value = json.loads(f'"{found.group(1)}"')
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None


def read_jsonl(path: Path) -> list[RawLine]:
    """Every non-blank line of a JSONL file; raises ``InputError`` if the file is unreadable."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        lines = read_json_lines(path)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path}: {e}") from e
    out: list[RawLine] = []
    for line in lines:
        number, obj = line.number, line.obj
        if obj is None:
            doc_id = None if line.is_json else _recovered_doc_id(line.text)
            out.append(RawLine(number, None, doc_id, line.reason))
            continue
        doc_id = obj.get("doc_id")
        if not isinstance(doc_id, str) or not doc_id:
            out.append(RawLine(number, obj, None, "no string doc_id"))
            continue
        out.append(RawLine(number, obj, doc_id, None))
    return out


def _record_name(obj: dict[str, Any], list_name: str, index: int) -> str:
    try:
        record = obj[list_name][index]
    except (KeyError, IndexError, TypeError):
        return ""
    if not isinstance(record, dict):
        return ""
    name = record.get("name") or record.get("enterprise")
    return f" {name!r}" if isinstance(name, str) else ""


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _where(obj: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int):
        head = f"{_LISTS[str(loc[0])]} #{loc[1]}{_record_name(obj, str(loc[0]), loc[1])}"
        rest = _path(loc[2:])
        return f"{head}: {rest}" if rest else head
    return _path(loc) or "line"


def describe_validation_error(e: ValidationError, obj: dict[str, Any]) -> list[tuple[str, str]]:
    """``(where, message)`` for each error, ``where`` naming the record ("project #3 'X'")."""
    out = []
    for error in e.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        out.append((_where(obj, tuple(error["loc"])), message))
    return out


def find_document(docs: Path, doc_id: str) -> Path | None:
    for suffix in DOCUMENT_SUFFIXES:
        candidate = docs / f"{doc_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def load_document(docs: Path, doc_id: str) -> Document:
    """The document ``doc_id`` of the folder; raises ``InputError`` when absent or unreadable."""
    path = find_document(docs, doc_id)
    if path is None:
        suffixes = " or ".join(DOCUMENT_SUFFIXES)
        raise InputError(f"document {doc_id!r} not found in {docs} (looked for {suffixes})")
    try:
        return read_document(path)
    except DocumentError as e:
        raise InputError(str(e)) from e


@dataclass(frozen=True, slots=True)
class DroppedRecord:
    """A predicted record that does not validate: where it was, what it is, why it failed."""

    record_type: RecordType
    index: int
    label: str
    problem: str
    raw: object


@dataclass(frozen=True, slots=True)
class PredictionLine:
    """A validated prediction line: the document (``None`` with ``problem`` when the line is
    unusable), the records dropped, and the line positions of the records kept."""

    record: DocumentRecord | None
    dropped: tuple[DroppedRecord, ...] = ()
    positions: dict[RecordType, tuple[int, ...]] | None = None
    problem: str | None = None


def _record_problems(e: ValidationError) -> dict[tuple[str, int], list[str]] | None:
    """Messages by record (list name, index); ``None`` if an error lies outside the records."""
    out: dict[tuple[str, int], list[str]] = {}
    for error in e.errors(include_url=False):
        loc = tuple(error["loc"])
        if len(loc) < 2 or loc[0] not in _LISTS or not isinstance(loc[1], int):
            return None
        message = str(error["msg"]).removeprefix("Value error, ")
        rest = _path(loc[2:])
        out.setdefault((str(loc[0]), loc[1]), []).append(f"{rest}: {message}" if rest else message)
    return out


def _label(record: object) -> str:
    if not isinstance(record, dict):
        return ""
    name = record.get("name") or record.get("enterprise")
    return name if isinstance(name, str) else ""


def _summary(e: ValidationError, obj: dict[str, Any]) -> str:
    found = describe_validation_error(e, obj)
    where, message = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"{where}: {message}{more}"


def validate_prediction(obj: dict[str, Any]) -> PredictionLine:
    """Validate a prediction line record by record (see the module docstring)."""
    line = {k: v for k, v in obj.items() if k != "meta"}
    try:
        return PredictionLine(DocumentRecord.model_validate(line))
    except ValidationError as e:
        problems = _record_problems(e)
        if problems is None:
            return PredictionLine(None, problem=_summary(e, line))
    order = list(_TYPES)
    dropped = tuple(
        DroppedRecord(
            _TYPES[name],
            index,
            _label(line[name][index]),
            "; ".join(problems[name, index]),
            line[name][index],
        )
        for name, index in sorted(problems, key=lambda key: (order.index(key[0]), key[1]))
    )
    positions: dict[RecordType, tuple[int, ...]] = {}
    for name, record_type in _TYPES.items():
        records = line.get(name, [])
        keep = tuple(i for i in range(len(records)) if (name, i) not in problems)
        positions[record_type] = keep
        line[name] = [records[i] for i in keep]
    try:
        record = DocumentRecord.model_validate(line)
    except ValidationError as e:  # not expected: what is left validated record by record
        return PredictionLine(None, problem=_summary(e, line))
    return PredictionLine(record, dropped, positions)
