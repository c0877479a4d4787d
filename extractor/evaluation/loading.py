"""Input: read gold and prediction JSONL files and their texts; validate predictions and gold.

Reading never stops at a bad line: every line comes back as a ``RawLine`` (its JSON object,
or why it is not one), so that the caller can report each problem. A ``doc_id`` is
recovered from a line that is not JSON when it can be, so that an unparseable prediction
still counts as the empty prediction of its document.

A prediction line is validated record by record (``validate_prediction``): its ``meta`` is
set aside unread (it is never scored, and other systems write their own keys there), a
record that does not validate is dropped alone with the reason, and only a problem outside
the records (``doc_id``, ``text_sha256``, a list that is not a list) makes the whole line
unusable.

Gold validation (``extract-eval validate GOLD --docs DIR``: ``check_gold_file``). Every line
is checked, and every problem is reported with its line, document and record:

* the line is a JSON object with a ``doc_id``, and no other line has the same ``doc_id``;
* the document ``DIR/<doc_id>.txt`` exists and ``text_sha256`` is the sha256 of its bytes;
* the line validates against ``DocumentRecord`` with the text as context, which checks
  every field and every evidence span against the text;
* every ``enterprise_roles[].project`` is the ``name`` of a project of the same document,
  and no two projects of a document share a name (a reference would be ambiguous).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
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
    "GoldCheck",
    "PredictionLine",
    "Problem",
    "RawLine",
    "check_gold_file",
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


# Gold validation.


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of one line, in words a labeller can act on."""

    line: int | None
    doc_id: str | None
    where: str
    message: str

    def __str__(self) -> str:
        at = f"line {self.line}" if self.line is not None else "file"
        doc = self.doc_id if self.doc_id is not None else "?"
        return f"{at} {doc}: {self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class GoldCheck:
    """The outcome of validating a file: its valid documents and every problem found."""

    documents: dict[str, DocumentRecord]
    texts: dict[str, Document]
    problems: tuple[Problem, ...]
    lines: int

    @property
    def records(self) -> int:
        return sum(
            len(d.projects) + len(d.indicators) + len(d.enterprise_roles)
            for d in self.documents.values()
        )


def _reference_problems(line: RawLine, obj: dict[str, Any]) -> list[Problem]:
    projects = obj.get("projects")
    roles = obj.get("enterprise_roles")
    names = [
        p.get("name")
        for p in (projects if isinstance(projects, list) else [])
        if isinstance(p, dict)
    ]
    out = [
        Problem(line.number, line.doc_id, "projects", f"two projects are named {name!r}")
        for name, count in sorted(Counter(n for n in names if isinstance(n, str)).items())
        if count > 1
    ]
    known = {n for n in names if isinstance(n, str)}
    for index, role in enumerate(roles if isinstance(roles, list) else []):
        if not isinstance(role, dict):
            continue
        project = role.get("project")
        if isinstance(project, str) and project not in known:
            where = f"enterprise_role #{index} {role.get('enterprise')!r}"
            message = f"project {project!r} names no project of this document"
            out.append(Problem(line.number, line.doc_id, where, message))
    return out


def _text_for(
    number: int, doc_id: str, obj: dict[str, Any], docs: Path, texts: dict[str, Document]
) -> list[Problem]:
    path = find_document(docs, doc_id)
    if path is None:
        return [Problem(number, doc_id, "doc_id", f"no document file in {docs}")]
    try:
        document = read_document(path)
    except DocumentError as e:
        return [Problem(number, doc_id, "doc_id", e.reason)]
    texts[doc_id] = document
    sha = obj.get("text_sha256")
    if isinstance(sha, str) and sha != document.text_sha256:
        message = f"{sha!r} is not the sha256 of {path.name} ({document.text_sha256})"
        return [Problem(number, doc_id, "text_sha256", message)]
    return []


def check_gold_file(path: Path, docs: Path | None) -> GoldCheck:
    """Validate a gold file; without ``docs`` the text-dependent checks are skipped.

    Raises ``InputError`` only when the file or the folder cannot be read at all.
    """
    if docs is not None and not docs.is_dir():
        raise InputError(f"{docs} is not a folder of documents")
    lines = read_jsonl(path)
    problems: list[Problem] = []
    documents: dict[str, DocumentRecord] = {}
    texts: dict[str, Document] = {}
    seen: dict[str, int] = {}
    for line in lines:
        if line.error is not None or line.obj is None or line.doc_id is None:
            problems.append(Problem(line.number, line.doc_id, "line", line.error or "empty"))
            continue
        if line.doc_id in seen:
            message = f"doc_id already used on line {seen[line.doc_id]}"
            problems.append(Problem(line.number, line.doc_id, "doc_id", message))
            continue
        seen[line.doc_id] = line.number
        if docs is not None:
            problems.extend(_text_for(line.number, line.doc_id, line.obj, docs, texts))
        document = texts.get(line.doc_id)
        context = {"text": document.text} if document is not None else None
        problems.extend(_reference_problems(line, line.obj))
        try:
            record = DocumentRecord.model_validate(line.obj, context=context)
        except ValidationError as e:
            for where, message in describe_validation_error(e, line.obj):
                problems.append(Problem(line.number, line.doc_id, where, message))
            continue
        documents[line.doc_id] = record
    if not lines:
        problems.append(Problem(None, None, "file", f"{path} holds no records"))
    return GoldCheck(documents, texts, tuple(problems), len(lines))
