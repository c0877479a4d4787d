"""Durable jobs with ``extract serve`` as a child process: ``kill -9`` in the middle of a job
and a graceful SIGTERM both end with every document done exactly once after a restart."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
from fakes.openai_server import MODEL, FakeOpenAI, running_fake

from benchmarks.service_load import ServeProcess
from service.service_kit import finished, slow_model, wait_for_job

DOCUMENTS = [
    {"id": f"doc-{i:02d}", "text": f"Plant {i} opened in district {i}."} for i in range(30)
]


def serve(fake: FakeOpenAI, home: Path, log: Path, *extra: str) -> ServeProcess:
    return ServeProcess(
        home, "--base-url", fake.base_url, "--model", MODEL, "--mode", "tools",
        "--no-cache", "--concurrency", "2", "--retries", "1", *extra, log=log,
    )  # fmt: skip


def results(client: httpx.Client, job_id: str) -> list[str]:
    """The doc_ids of a job's results, checking that each record is of its own text."""
    lines = [
        json.loads(line) for line in client.get(f"/v1/jobs/{job_id}/results").text.splitlines()
    ]
    texts = {d["id"]: d["text"] for d in DOCUMENTS}
    for line in lines:
        assert line["text_sha256"] == hashlib.sha256(texts[line["doc_id"]].encode()).hexdigest()
    return [line["doc_id"] for line in lines]


def restart_until_finished(
    fake: FakeOpenAI, home: Path, log: Path, job_id: str
) -> tuple[dict[str, Any], list[str], str]:
    """Start the server again; the job's final status, its result ids and the server log."""
    server = serve(fake, home, log)
    try:
        with server.client() as client:
            status = wait_for_job(client, job_id, finished, timeout=60)
            return status, results(client, job_id), server.output()
    finally:
        server.kill()


def stored(home: Path, job_id: str) -> tuple[set[str], str]:
    """The documents done and the job's status, as the database holds them."""
    with closing(sqlite3.connect(home / "service.sqlite")) as db:
        done = db.execute(
            "SELECT doc_id FROM documents WHERE job_id = ? AND state = 'done'", (job_id,)
        ).fetchall()
        (status,) = db.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return {row[0] for row in done}, status


def requested_ids(fake: FakeOpenAI, since: float) -> list[str]:
    """The documents (by their text) the model was asked about after ``since``."""
    asked = []
    for seen in fake.chat_requests:
        if seen.at >= since:
            asked += [d["id"] for d in DOCUMENTS if d["text"] in seen.user_text]
    return asked


def test_a_job_killed_midway_resumes_without_losing_or_redoing_documents(
    tmp_path: Path,
) -> None:
    home, log = tmp_path / "home", tmp_path / "serve.log"
    with running_fake(slow_model(0.15)) as fake:
        first = serve(fake, home, log)
        try:
            with first.client() as client:
                job_id = client.post("/v1/jobs", json=DOCUMENTS).json()["id"]
                wait_for_job(client, job_id, lambda s: s["counts"]["done"] >= 8)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
        finally:
            first.kill()
        killed_at = time.monotonic()
        done_before, status_before = stored(home, job_id)
        status, after, output = restart_until_finished(fake, home, log, job_id)
    assert first.process.returncode == -signal.SIGKILL
    assert status_before == "running"  # resumed, not started over or lost
    assert 8 <= len(done_before) < 30
    assert status["status"] == "done"
    assert status["counts"] == {"done": 30, "failed": 0, "total": 30}
    assert after == [d["id"] for d in DOCUMENTS]  # exactly 30, input order, no duplicate
    redone = set(requested_ids(fake, killed_at)) & done_before
    assert redone == set()
    assert "resuming 1 unfinished job(s)" in output


def test_sigterm_checkpoints_a_running_job_and_exits_cleanly(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "serve.log"
    with running_fake(slow_model(0.15)) as fake:
        first = serve(fake, home, log, "--shutdown-grace", "5")
        try:
            with first.client() as client:
                job_id = client.post("/v1/jobs", json=DOCUMENTS).json()["id"]
                wait_for_job(client, job_id, lambda s: s["counts"]["done"] >= 4)
            stopped = time.monotonic()
            code = first.terminate(timeout=30)
            seconds = time.monotonic() - stopped
        finally:
            first.kill()
        in_flight_after_exit = [s for s in fake.chat_requests if s.at > stopped + seconds]
        done_before, status_before = stored(home, job_id)
        status, after, output = restart_until_finished(fake, home, log, job_id)
    assert code == 0
    assert seconds < 5  # the documents in flight took 0.15 s; the grace was not needed
    assert "shutting down: checkpointing running jobs" in first.output()
    assert "Application shutdown complete" in first.output()
    assert in_flight_after_exit == []  # nothing asked of the model once it had exited
    assert status_before == "running"
    assert "resuming 1 unfinished job(s)" in output
    assert 4 <= len(done_before) < 30
    assert status["counts"] == {"done": 30, "failed": 0, "total": 30}
    assert after == [d["id"] for d in DOCUMENTS]
