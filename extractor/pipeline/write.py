"""Stage 8: write one JSON line per document, never half a line, resumable.

Lines are appended as documents finish (one ``write`` of the whole line, flushed and synced),
so a crash loses at most the document in flight. When the run completes the file is rewritten
in input order, atomically. ``--resume`` keeps the complete lines already there (a torn last
line is dropped) and skips their documents when the text hash still matches.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from extractor.records import DocumentRecord

__all__ = ["ErrorLog", "OutputFile"]


def _append(handle: IO[str], obj: dict[str, Any] | str) -> None:
    line = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    handle.write(line + "\n")
    handle.flush()
    os.fsync(handle.fileno())


class OutputFile:
    """The prediction JSONL of a run."""

    def __init__(self, path: Path, *, resume: bool = False) -> None:
        self.path = path
        self.lines: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self._load_existing()
        self._handle: IO[str] = path.open("w", encoding="utf-8")
        for line in self.lines.values():
            _append(self._handle, line)

    def _load_existing(self) -> None:
        for raw in self.path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError:
                continue  # a torn line from an interrupted run
            if isinstance(obj, dict) and isinstance(obj.get("doc_id"), str):
                self.lines[obj["doc_id"]] = raw
                self.hashes[obj["doc_id"]] = str(obj.get("text_sha256", ""))

    def done(self, doc_id: str, text_sha256: str) -> bool:
        """True when the file already holds this document with this text."""
        return self.hashes.get(doc_id) == text_sha256

    def write(self, record: DocumentRecord) -> None:
        line = record.model_dump_json()
        self.lines[record.doc_id] = line
        self.hashes[record.doc_id] = record.text_sha256
        _append(self._handle, line)

    def finish(self, order: Iterable[str]) -> None:
        """Rewrite the file in input order (atomically) and close it."""
        self._handle.close()
        ordered = [self.lines[d] for d in dict.fromkeys(order) if d in self.lines]
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in ordered)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


class ErrorLog:
    """One JSON line per failed document: which, why, and what kind of failure."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None

    def write(self, doc_id: str, source: str, error: BaseException) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        self.count += 1
        _append(
            self._handle,
            {
                "doc_id": doc_id,
                "source": source,
                "error": type(error).__name__,
                "message": str(error),
            },
        )

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        elif self.path.exists():
            self.path.unlink()  # a stale log from an earlier run would mislead
