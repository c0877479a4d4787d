"""Stage 1: turn paths into documents.

Accepted inputs: ``.txt`` and ``.md`` files; folders (searched recursively, sorted); ``.jsonl``
files of ``{"id": ..., "text": ...}`` objects. ``doc_id`` is the file name without extension
(the ``id`` field for JSONL lines) and ``text_sha256`` the sha256 of the file's bytes (of the
UTF-8 encoded text for JSONL lines). A second document with a ``doc_id`` already seen, and a
document larger than ``max_bytes``, come as a ``DocumentError``. Files named in ``exclude`` (the
run's own output and errors files) are never read as inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import DocumentError, InputError
from extractor.records.jsonl import read_json_lines

__all__ = ["DOCUMENT_SUFFIXES", "Document", "iter_documents", "read_document"]

DOCUMENT_SUFFIXES = (".txt", ".md")
_JSONL_SUFFIX = ".jsonl"


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its id, its exact text and the hash of its bytes."""

    doc_id: str
    text: str
    text_sha256: str
    source: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _too_large(size: int, max_bytes: int | None) -> str | None:
    if max_bytes is None or size <= max_bytes:
        return None
    return f"{size:,} bytes is over the {max_bytes:,}-byte document limit (--max-document-bytes)"


def read_document(path: Path, *, max_bytes: int | None = None) -> Document:
    """Read one text file; raises ``DocumentError`` for binary, undecodable or too large
    files (over ``max_bytes``: the file is not read)."""
    doc_id = path.stem
    try:
        too_large = _too_large(path.stat().st_size, max_bytes)
        if too_large:
            raise DocumentError(doc_id, f"{path}: {too_large}")
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(doc_id, f"cannot read {path}: {e.strerror or e}") from e
    if b"\x00" in data:
        raise DocumentError(doc_id, f"{path} looks binary (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DocumentError(
            doc_id, f"{path} is not valid UTF-8 (byte {e.start}: {e.reason})"
        ) from e
    return Document(doc_id=doc_id, text=text, text_sha256=_sha256(data), source=str(path))


def _jsonl_documents(path: Path, max_bytes: int | None) -> Iterator[Document | DocumentError]:
    try:
        lines = read_json_lines(path)
    except (OSError, UnicodeDecodeError) as e:
        yield DocumentError(path.stem, f"cannot read {path}: {e}")
        return
    for line in lines:
        number, obj = line.number, line.obj
        where = f"{path.stem}:{number}"
        if obj is None:
            yield DocumentError(where, line.problem)
            continue
        if not isinstance(obj.get("text"), str):
            yield DocumentError(where, f"{path} line {number} has no string 'text'")
            continue
        doc_id = obj.get("id")
        if not isinstance(doc_id, str | int) or str(doc_id) == "":
            yield DocumentError(where, f"{path} line {number} has no 'id'")
            continue
        text: str = obj["text"]
        data = text.encode("utf-8")
        too_large = _too_large(len(data), max_bytes)
        if too_large:
            yield DocumentError(str(doc_id), f"{path} line {number}: {too_large}")
            continue
        yield Document(
            doc_id=str(doc_id),
            text=text,
            text_sha256=_sha256(data),
            source=f"{path}:{number}",
        )


def _expand(path: Path, exclude: Collection[Path]) -> list[Path]:
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in (*DOCUMENT_SUFFIXES, _JSONL_SUFFIX)
            and p.resolve() not in exclude
        )
        if not files:
            raise InputError(
                f"{path} holds no documents (looked for {', '.join(DOCUMENT_SUFFIXES)} "
                f"and {_JSONL_SUFFIX} files)"
            )
        return files
    return [path]


def iter_documents(
    paths: Iterable[str | Path],
    *,
    exclude: Iterable[Path] = (),
    max_bytes: int | None = None,
) -> Iterator[Document | DocumentError]:
    """Documents in input order; a document that cannot be read comes as a ``DocumentError``.

    Raises ``InputError`` up front (before yielding anything) for a path that does not exist
    or a folder without documents: those are usage errors, not document failures. Files in
    ``exclude`` are skipped where a folder holds them, and refused when named directly.
    """
    skip = {p.resolve() for p in exclude}
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.resolve() in skip:
            raise InputError(f"{path} is this run's own output or errors file")
        files.extend(_expand(path, skip))
    if not files:
        raise InputError("no input paths given")
    seen: dict[str, str] = {}
    for file in files:
        if file.suffix.lower() == _JSONL_SUFFIX:
            found: Iterable[Document | DocumentError] = _jsonl_documents(file, max_bytes)
        else:
            try:
                found = [read_document(file, max_bytes=max_bytes)]
            except DocumentError as e:
                found = [e]
        for item in found:
            yield _unique(item, seen)


def _unique(item: Document | DocumentError, seen: dict[str, str]) -> Document | DocumentError:
    """The document, or a ``DocumentError`` when an earlier one already has its ``doc_id``
    (the output holds one line per ``doc_id``, so the second would be lost silently)."""
    if isinstance(item, DocumentError):
        return item
    first = seen.setdefault(item.doc_id, item.source)
    if first != item.source:
        return DocumentError(item.doc_id, f"duplicate doc_id: {item.source} is also at {first}")
    return item
