"""Persistent model responses: a SQLite cache and reviewable JSONL recordings.

A response is keyed by the sha256 of the canonical request (endpoint path and JSON body with
sorted keys: model, messages, response schema or tools, sampling parameters). The SQLite cache
lives under ``EXTRACTOR_HOME``; it commits new responses in batches (every ``COMMIT_EVERY``
responses or ``COMMIT_SECONDS`` seconds, and on ``close``), so a crash can cost the last few
responses, never the cache. Recordings are JSONL files (one response a line, with the
request's model and a short summary) that are committed under ``eval/recordings/`` and served
by ``--replay``; a line that is not a recording is a ``ConfigError`` naming file and line.
Beside them, ``MANIFEST.json`` says what made them (``recording_manifest``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.provisioning.registry import default_registry
from extractor.records import FORMAT_VERSION
from extractor.records.jsonl import read_json_lines

__all__ = [
    "COMMIT_EVERY",
    "COMMIT_SECONDS",
    "RecordingStore",
    "ResponseStore",
    "recording_manifest",
    "request_key",
]

COMMIT_EVERY = 64
COMMIT_SECONDS = 2.0
_log = logging.getLogger("extractor.llm")


def request_key(path: str, body: bytes) -> str:
    """The cache key of one request: its path and canonical JSON body."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{path}\n{canonical}".encode()).hexdigest()


class ResponseStore:
    """SQLite-backed response cache, safe to share between tasks of one process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL sync: a power cut may lose the last commits, never the database.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, "
            "status INTEGER, body TEXT, created REAL)"
        )
        self._pending: dict[str, tuple[str, str, int, str, float]] = {}
        self._committed_at = time.monotonic()
        self._broken = False

    def get(self, key: str) -> tuple[int, str] | None:
        with self._lock:
            pending = self._pending.get(key)
            if pending is not None:
                return pending[2], pending[3]
            row = self._db.execute(
                "SELECT status, body FROM responses WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def put(self, key: str, model: str, status: int, body: str) -> None:
        with self._lock:
            self._pending[key] = (key, model, status, body, time.time())
            if (
                len(self._pending) >= COMMIT_EVERY
                or time.monotonic() - self._committed_at >= COMMIT_SECONDS
            ):
                self._commit()

    def commit(self) -> None:
        """Write the pending responses now."""
        with self._lock:
            self._commit()

    def _commit(self) -> None:
        if self._pending and not self._broken:
            try:
                with self._db:  # one transaction
                    self._db.execute("BEGIN")
                    self._db.executemany(
                        "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                        list(self._pending.values()),
                    )
            except sqlite3.Error as e:  # a full disk: the run goes on without caching
                self._broken = True
                _log.warning(
                    "the response cache %s cannot be written (%s); not caching", self.path, e
                )
        self._pending.clear()
        self._committed_at = time.monotonic()

    def close(self) -> None:
        with self._lock:
            try:
                self._commit()
            finally:
                self._db.close()


def recording_manifest(
    *,
    model: str | None,
    backend: str,
    mode: str | None,
    prompt_version: str,
    prompt_sha256: str,
    today: date | None = None,
) -> dict[str, Any]:
    """What a set of recordings was made with: the model (and its sha256 when the registry
    knows it), the backend and structured-output mode, the prompt and the record format, and
    the date (``today``, UTC by default)."""
    registry = default_registry()
    return {
        "model": model,
        "model_sha256": registry.get(model).sha256 if model in registry.names else None,
        "backend": backend,
        "mode": mode,
        "prompt_version": prompt_version,
        "prompt_sha256": prompt_sha256,
        "format_version": FORMAT_VERSION,
        "date": (today or datetime.now(UTC).date()).isoformat(),
    }


def _not_a_recording(file: Path, number: int, reason: str) -> str:
    return f"{file} line {number} is not a recording ({reason}); fix or remove that line"


class RecordingStore:
    """Responses kept as JSONL files in a folder: read all ``*.jsonl``, append to one file."""

    def __init__(self, folder: Path, write_name: str = "responses.jsonl") -> None:
        self.folder = folder
        self.write_path = folder / write_name
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, str]] = {}
        self.used: set[str] = set()
        if folder.is_dir():
            for file in sorted(folder.glob("*.jsonl")):
                self._load(file)

    def _load(self, file: Path) -> None:
        """Read one recordings file; a line that is not a recording is a ``ConfigError``."""
        try:
            lines = read_json_lines(file)
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"cannot read the recordings file {file}: {e}") from e
        for line in lines:
            number, entry = line.number, line.obj
            if entry is None:
                raise ConfigError(_not_a_recording(file, number, str(line.reason)))
            key, status = entry.get("key"), entry.get("status", 200)
            if not isinstance(key, str) or "response" not in entry or not isinstance(status, int):
                reason = "it needs a string 'key', a 'response' and an integer 'status'"
                raise ConfigError(_not_a_recording(file, number, reason))
            self._entries[key] = (status, json.dumps(entry["response"], ensure_ascii=False))

    def write_manifest(self, manifest: dict[str, Any]) -> Path:
        """Describe what made the recordings (model, its sha256, date, prompt version)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "MANIFEST.json"
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> tuple[int, str] | None:
        found = self._entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: str, model: str, status: int, body: str, summary: str = "") -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (status, body)
            self.folder.mkdir(parents=True, exist_ok=True)
            entry = {
                "key": key,
                "model": model,
                "request": summary,
                "status": status,
                "response": json.loads(body),
            }
            with self.write_path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                f.flush()
