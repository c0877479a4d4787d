"""Durable jobs: SQLite in WAL mode under ``EXTRACTOR_HOME`` (``service.sqlite``).

A job is a row in ``jobs`` and one row per document in ``documents`` (its input text, then
its record line or its failure). A document moves from ``pending`` to ``done`` or ``failed``
once, in one committed statement guarded by ``state = 'pending'``: a server killed at any
moment restarts with every finished document kept and every other one still pending, so a
resumed job neither redoes nor loses nor duplicates a document.

One connection, used from the event loop's thread only (every statement is short).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from extractor.records import Usage

__all__ = ["JobState", "JobStatus", "JobStore", "PendingDocument"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    error TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    position INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    record TEXT,
    error TEXT,
    message TEXT,
    calls INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cached_prompt_tokens INTEGER NOT NULL DEFAULT 0,
    cache_hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, position),
    UNIQUE (job_id, doc_id)
);
"""
_PAGE = 200


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class JobState:
    """A job as stored, with its counts and the model usage of its finished documents."""

    id: str
    status: JobStatus
    total: int
    done: int
    failed: int
    usage: Usage
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class PendingDocument:
    position: int
    doc_id: str
    text: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class JobStore:
    """The jobs database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a process crash
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def create(self, documents: Sequence[tuple[str, str]]) -> str:
        """Store a queued job of ``(doc_id, text)`` pairs; returns its id."""
        job_id = uuid.uuid4().hex
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO jobs (id, status, total, created_at) VALUES (?, ?, ?, ?)",
                (job_id, JobStatus.QUEUED.value, len(documents), _now()),
            )
            self._db.executemany(
                "INSERT INTO documents (job_id, position, doc_id, text) VALUES (?, ?, ?, ?)",
                [(job_id, i, doc_id, text) for i, (doc_id, text) in enumerate(documents)],
            )
        return job_id

    def get(self, job_id: str) -> JobState | None:
        row = self._db.execute(
            "SELECT id, status, total, created_at, started_at, finished_at, error "
            "FROM jobs WHERE id = ?",
            (job_id,),
        ).fetchone()
        if row is None:
            return None
        done, failed, calls, prompt, completion, cached, hits = self._db.execute(
            "SELECT COALESCE(SUM(state = 'done'), 0), COALESCE(SUM(state = 'failed'), 0), "
            "COALESCE(SUM(calls), 0), COALESCE(SUM(prompt_tokens), 0), "
            "COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cached_prompt_tokens), 0), "
            "COALESCE(SUM(cache_hits), 0) FROM documents WHERE job_id = ?",
            (job_id,),
        ).fetchone()
        usage = Usage(
            calls=calls,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cached_prompt_tokens=cached,
            cache_hits=hits,
        )
        return JobState(
            id=row[0],
            status=JobStatus(row[1]),
            total=row[2],
            done=done,
            failed=failed,
            usage=usage,
            created_at=row[3],
            started_at=row[4],
            finished_at=row[5],
            error=row[6],
        )

    def pending(self, job_id: str) -> list[PendingDocument]:
        """The documents still to do, in input order."""
        rows = self._db.execute(
            "SELECT position, doc_id, text FROM documents "
            "WHERE job_id = ? AND state = 'pending' ORDER BY position",
            (job_id,),
        ).fetchall()
        return [PendingDocument(*row) for row in rows]

    def finish_document(self, job_id: str, position: int, line: str, usage: Usage) -> bool:
        """Keep a document's record line; False when it was no longer pending."""
        cursor = self._db.execute(
            "UPDATE documents SET state = 'done', record = ?, text = '', calls = ?, "
            "prompt_tokens = ?, completion_tokens = ?, cached_prompt_tokens = ?, "
            "cache_hits = ? WHERE job_id = ? AND position = ? AND state = 'pending'",
            (
                line,
                usage.calls,
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.cached_prompt_tokens,
                usage.cache_hits,
                job_id,
                position,
            ),
        )
        return cursor.rowcount == 1

    def fail_document(self, job_id: str, position: int, error: str, message: str) -> bool:
        """Keep a document's failure (the exception's class name and message)."""
        cursor = self._db.execute(
            "UPDATE documents SET state = 'failed', error = ?, message = ? "
            "WHERE job_id = ? AND position = ? AND state = 'pending'",
            (error, message, job_id, position),
        )
        return cursor.rowcount == 1

    def mark_running(self, job_id: str) -> None:
        self._db.execute(
            "UPDATE jobs SET status = ?, started_at = COALESCE(started_at, ?) "
            "WHERE id = ? AND status IN ('queued', 'running')",
            (JobStatus.RUNNING.value, _now(), job_id),
        )

    def finish(self, job_id: str, status: JobStatus, error: str | None = None) -> bool:
        """Close an unfinished job as ``status``; False when it was already finished."""
        cursor = self._db.execute(
            "UPDATE jobs SET status = ?, finished_at = ?, error = ? "
            "WHERE id = ? AND status IN ('queued', 'running')",
            (status.value, _now(), error, job_id),
        )
        return cursor.rowcount == 1

    def unfinished(self) -> list[str]:
        """Jobs to resume after a restart, oldest first."""
        rows = self._db.execute(
            "SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY n"
        ).fetchall()
        return [row[0] for row in rows]

    def results(self, job_id: str, *, errors: bool = False) -> Iterator[str]:
        """Record lines (or failure lines) in input order, read a page at a time."""
        after = -1
        while True:
            if errors:
                rows = self._db.execute(
                    "SELECT position, json_object('doc_id', doc_id, 'error', error, "
                    "'message', message) FROM documents WHERE job_id = ? AND state = 'failed' "
                    "AND position > ? ORDER BY position LIMIT ?",
                    (job_id, after, _PAGE),
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT position, record FROM documents WHERE job_id = ? AND state = 'done' "
                    "AND position > ? ORDER BY position LIMIT ?",
                    (job_id, after, _PAGE),
                ).fetchall()
            for position, line in rows:
                after = position
                yield line
            if len(rows) < _PAGE:
                return
