"""Gold validation (``extract-eval validate GOLD --docs DIR``).

Every line is checked, and every problem is reported with its line, document and record:

* the line is a JSON object with a ``doc_id``, and no other line has the same ``doc_id``;
* the document ``DIR/<doc_id>.txt`` exists and ``text_sha256`` is the sha256 of its bytes;
* the line validates against ``DocumentRecord`` with the text as context, which checks
  every field and every evidence span against the text;
* every ``enterprise_roles[].project`` is the ``name`` of a project of the same document,
  and no two projects of a document share a name (a reference would be ambiguous).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.errors import DocumentError, InputError
from extractor.evaluation.loading import (
    RawLine,
    describe_validation_error,
    find_document,
    read_jsonl,
)
from extractor.pipeline.load import Document, read_document
from extractor.records import DocumentRecord

__all__ = ["GoldCheck", "Problem", "check_gold_file"]


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
