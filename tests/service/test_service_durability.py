"""Durable jobs with ``extract serve`` as a child process: ``kill -9`` in the middle of a job
and a graceful SIGTERM both end with every document done exactly once after a restart."""

from __future__ import annotations

import hashlib
import json
import signal
import time
from pathlib import Path

import httpx
from fakes.openai_server import MODEL, FakeOpenAI, running_fake

from service.service_kit import ServerProcess, finished, slow_model, wait_for_job

DOCUMENTS = [
    {"id": f"doc-{i:02d}", "text": f"Plant {i} opened in district {i}."} for i in range(30)
]


def serve(fake: FakeOpenAI, home: Path, log: Path, *extra: str) -> ServerProcess:
    return ServerProcess(
        home, log, "--base-url", fake.base_url, "--model", MODEL, "--mode", "tools",
        "--no-cache", "--concurrency", "2", "--retries", "1", *extra,
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
        second = serve(fake, home, log)
        try:
            with second.client() as client:
                before = client.get(f"/v1/jobs/{job_id}").json()
                done_before = set(results(client, job_id))
                status = wait_for_job(client, job_id, finished, timeout=60)
                after = results(client, job_id)
        finally:
            second.kill()
    assert first.process.returncode == -signal.SIGKILL
    assert before["status"] == "running"  # resumed, not started over or lost
    assert 8 <= len(done_before) < 30
    assert status["status"] == "done"
    assert status["counts"] == {"done": 30, "failed": 0, "total": 30}
    assert after == [d["id"] for d in DOCUMENTS]  # exactly 30, input order, no duplicate
    redone = set(requested_ids(fake, killed_at)) & done_before
    assert redone == set()
    assert "resuming 1 unfinished job(s)" in second.output()


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
        second = serve(fake, home, log)
        try:
            with second.client() as client:
                before = client.get(f"/v1/jobs/{job_id}").json()
                status = wait_for_job(client, job_id, finished, timeout=60)
                after = results(client, job_id)
        finally:
            second.kill()
    assert code == 0
    assert seconds < 5  # the documents in flight took 0.15 s; the grace was not needed
    assert "shutting down: checkpointing running jobs" in first.output()
    assert "Application shutdown complete" in first.output()
    assert in_flight_after_exit == []  # nothing asked of the model once it had exited
    assert before["status"] == "running"
    assert 4 <= before["counts"]["done"] < 30
    assert status["counts"] == {"done": 30, "failed": 0, "total": 30}
    assert after == [d["id"] for d in DOCUMENTS]
