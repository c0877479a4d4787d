"""Persistent model responses: a SQLite cache and reviewable JSONL recordings.

A response is keyed by the sha256 of the canonical request (endpoint path and JSON body with
sorted keys: model, messages, response schema or tools, sampling parameters). The SQLite cache
lives under ``EXTRACTOR_HOME``; recordings are JSONL files (one response a line, with the
request's model and a short summary) that are committed under ``eval/recordings/`` and served
by ``--replay``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["RecordingStore", "ResponseStore", "request_key"]


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
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, "
            "status INTEGER, body TEXT, created REAL)"
        )

    def get(self, key: str) -> tuple[int, str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT status, body FROM responses WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def put(self, key: str, model: str, status: int, body: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                (key, model, status, body, time.time()),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


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
                for line in file.read_text(encoding="utf-8").splitlines():
                    if not line.strip():
                        continue
                    entry: dict[str, Any] = json.loads(line)
                    body = json.dumps(entry["response"], ensure_ascii=False)
                    self._entries[entry["key"]] = (int(entry.get("status", 200)), body)

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
