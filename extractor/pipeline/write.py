"""Stage 8: write one JSON line per document, never half a line, resumable.

Lines are appended as documents finish, each with one ``write`` system call of the whole
line, so a crash of the process loses at most the document in flight. The file is synced to
disk every ``SYNC_LINES`` lines or ``SYNC_SECONDS`` seconds and when it is closed: a power
cut can cost the last second of lines, and a line torn by it is dropped by ``--resume``.
When the run completes the file is rewritten in input order, atomically.

``--resume`` keeps the complete lines already there (a torn last line is dropped), skips
their documents when the text hash still matches, and keeps the lines of documents that are
not among this run's inputs. The kept lines are written to a temporary file beside the
output that replaces it atomically, so an interruption at any point leaves either the old
output or the new one, whole.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from extractor.errors import OutputError
from extractor.records import DocumentRecord
from extractor.records.jsonl import read_json_lines

__all__ = ["SYNC_LINES", "SYNC_SECONDS", "ErrorLog", "OutputFile", "check_writable"]

SYNC_LINES = 64
SYNC_SECONDS = 1.0


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def check_writable(path: Path, *, regular: bool = True) -> None:
    """Raise ``OutputError`` unless ``path`` can be created or appended to; nothing that is
    there is changed (a file created to find out is removed again). ``regular``: the path
    must be a regular file (or not exist), as the output is replaced by a rename."""
    if path.is_dir():
        raise OutputError(path, "it is a folder")
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(path, f"{folder} is a file, not a folder")
            break
    if regular and path.exists() and not path.is_file():
        raise OutputError(path, "it is not a regular file")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):
            pass
    except OSError as e:
        raise OutputError(path, _reason(e)) from e
    if not existed:
        path.unlink(missing_ok=True)


class _Lines:
    """An append-only file of whole lines, synced at intervals."""

    def __init__(self, path: Path, mode: str) -> None:
        self.path = path
        try:
            self._file = path.open(mode, buffering=0)
        except OSError as e:
            raise OutputError(path, _reason(e)) from e
        # /dev/null and pipes take no fsync
        self._regular = stat.S_ISREG(os.fstat(self._file.fileno()).st_mode)
        self._unsynced = 0
        self._synced_at = time.monotonic()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def append(self, line: str) -> None:
        data = memoryview((line + "\n").encode("utf-8"))
        try:
            while data:  # a regular file takes it in one call; a short write is continued
                written = self._file.write(data)
                data = data[written or 0 :]
            self._unsynced += 1
            if self._unsynced >= SYNC_LINES or time.monotonic() - self._synced_at >= SYNC_SECONDS:
                self.sync()
        except OSError as e:
            raise OutputError(self.path, _reason(e)) from e

    def sync(self) -> None:
        if self._unsynced and self._regular:
            os.fsync(self._file.fileno())
        self._unsynced = 0
        self._synced_at = time.monotonic()

    def close(self) -> None:
        if self._file.closed:
            return
        try:
            self.sync()
        except OSError as e:
            raise OutputError(self.path, _reason(e)) from e
        finally:
            self._file.close()


def _replace(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` to a temporary file beside ``path``, sync it, rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:  # interrupted too: leave no half-written temporary file
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(path, _reason(e)) from e
        raise


class OutputFile:
    """The prediction JSONL of a run."""

    def __init__(self, path: Path, *, resume: bool = False) -> None:
        self.path = path
        self.lines: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        check_writable(path)
        if resume and path.exists():
            self._load_existing()
            _replace(path, self.lines.values())  # the old file stays whole until this is
            self._lines = _Lines(path, "ab")
        else:
            self._lines = _Lines(path, "wb")

    def _load_existing(self) -> None:
        try:
            lines = read_json_lines(self.path)
        except (OSError, UnicodeDecodeError) as e:
            reason = _reason(e) if isinstance(e, OSError) else "it is not UTF-8"
            raise OutputError(self.path, f"cannot resume from it ({reason})") from e
        for line in lines:
            obj = line.obj  # None: a torn line from an interrupted run, dropped
            if obj is not None and isinstance(obj.get("doc_id"), str):
                self.lines[obj["doc_id"]] = line.text
                self.hashes[obj["doc_id"]] = str(obj.get("text_sha256", ""))

    def done(self, doc_id: str, text_sha256: str) -> bool:
        """True when the file already holds this document with this text."""
        return self.hashes.get(doc_id) == text_sha256

    def write(self, record: DocumentRecord) -> None:
        line = record.model_dump_json()
        self._lines.append(line)
        self.lines[record.doc_id] = line
        self.hashes[record.doc_id] = record.text_sha256

    def finish(self, order: Iterable[str]) -> None:
        """Rewrite the file (atomically) and close it: first the lines kept from an earlier
        run for documents that are not among ``order``, as they were, then the documents of
        ``order`` in that order."""
        self._lines.close()
        wanted = dict.fromkeys(order)
        kept = [line for doc_id, line in self.lines.items() if doc_id not in wanted]
        _replace(self.path, [*kept, *(self.lines[d] for d in wanted if d in self.lines)])

    def close(self) -> None:
        self._lines.close()


class ErrorLog:
    """One JSON line per failed document: which, why, and what kind of failure. ``redact``
    is applied to every message (it blanks secrets such as the API key)."""

    def __init__(self, path: Path, *, redact: Callable[[str], str] | None = None) -> None:
        check_writable(path, regular=False)
        self.path = path
        self._redact = redact or (lambda text: text)
        self.count = 0
        self._lines: _Lines | None = None

    def write(self, doc_id: str, source: str, error: BaseException) -> None:
        if self._lines is None:
            self._lines = _Lines(self.path, "wb")
        self.count += 1
        entry: dict[str, Any] = {
            "doc_id": doc_id,
            "source": source,
            "error": type(error).__name__,
            "message": self._redact(str(error)),
        }
        self._lines.append(json.dumps(entry, ensure_ascii=False))

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()
        elif self.path.is_file():
            self.path.unlink()  # a stale log from an earlier run would mislead
