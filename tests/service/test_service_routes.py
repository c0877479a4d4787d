"""Every route of the API against a real server on 127.0.0.1 with the fake model behind it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakes.articles import ANSWERS, ARTICLES, good_model
from fakes.openai_server import MODEL, FakeOpenAI, Reply, Seen, chat_completion, running_fake

from extractor import DocumentRecord, Extractor
from extractor.service import Limits
from service.service_kit import ServeApp, finished, slow_model, wait_for_job

JSON = {"content-type": "application/json"}


def answers(seen: Seen) -> Reply:
    """The good model, but slow on texts that say "slowly" and garbage on "gibberish"."""
    if "gibberish" in seen.user_text:
        return chat_completion(seen, "this is not JSON")
    reply = good_model(seen)
    if "slowly" in seen.user_text:
        reply.delay = 0.2
    return reply


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(answers) as server:
        yield server


def job_body(n: int, text: str = "Item {i} moves slowly.") -> list[dict[str, str]]:
    return [{"id": f"d{i:02d}", "text": text.format(i=i)} for i in range(n)]


def test_healthz_and_readyz(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url).client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "model": MODEL,
        "mode": "tools",
        "backend": "endpoint",
    }


def test_extract_returns_the_record_the_library_gives(
    serve_app: ServeApp, fake: FakeOpenAI, tmp_path: Path
) -> None:
    server = serve_app(fake.base_url)
    with server.client() as client:
        response = client.post("/v1/extract", json={"id": "ningbo", "text": ARTICLES["ningbo"]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    record = DocumentRecord.model_validate_json(response.text)

    async def library() -> DocumentRecord:
        async with Extractor(server.config) as extractor:
            return await extractor.aextract_text(ARTICLES["ningbo"], "ningbo")

    import asyncio

    expected = asyncio.run(library())
    assert record.model_dump(exclude={"meta"}) == expected.model_dump(exclude={"meta"})
    assert [p.name for p in record.projects] == [ANSWERS["ningbo"]["projects"][0]["name"]]
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 1


def test_extract_without_an_id_names_the_document_text(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    with serve_app(fake.base_url).client() as client:
        body = client.post("/v1/extract", json={"text": ARTICLES["zhaoqing"]}).json()
    assert body["doc_id"] == "text"
    assert body["enterprise_roles"][0]["enterprise"] == "Xpeng Motors"


def test_a_job_from_a_json_list_gives_its_records_in_input_order(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    documents = [
        {"id": "z", "text": ARTICLES["zhaoqing"]},
        {"id": "n", "text": ARTICLES["ningbo"]},
        {"id": 7, "text": "Nothing happened here."},
    ]
    with serve_app(fake.base_url).client() as client:
        created = client.post("/v1/jobs", json=documents)
        assert created.status_code == 202
        job = created.json()
        assert created.headers["location"] == f"/v1/jobs/{job['id']}"
        assert job["counts"] == {"done": 0, "failed": 0, "total": 3}
        status = wait_for_job(client, job["id"], finished)
        results = client.get(job["links"]["results"])
    assert status["status"] == "done"
    assert status["counts"] == {"done": 3, "failed": 0, "total": 3}
    assert status["usage"]["calls"] == 3
    assert status["usage"]["prompt_tokens"] == 3 * 120
    assert status["usage"]["completion_tokens"] == 3 * 30
    assert status["usage"]["cached_prompt_tokens"] == 0
    assert status["started_at"] is not None
    assert status["finished_at"] >= status["started_at"]
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in results.text.splitlines()]
    assert [line["doc_id"] for line in lines] == ["z", "n", "7"]
    assert lines[1]["projects"][0]["name"] == "kitchen appliance base"


def test_a_job_from_a_jsonl_body(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    body = "\n".join(json.dumps({"id": k, "text": v}) for k, v in ARTICLES.items()) + "\n\n"
    with serve_app(fake.base_url).client() as client:
        created = client.post(
            "/v1/jobs", content=body, headers={"content-type": "application/x-ndjson"}
        )
        assert created.status_code == 202
        wait_for_job(client, created.json()["id"], finished)
        lines = client.get(f"/v1/jobs/{created.json()['id']}/results").text.splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["ningbo", "zhaoqing"]


def test_failed_documents_are_listed_with_their_reasons(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    documents = [
        {"id": "good", "text": ARTICLES["ningbo"]},
        {"id": "bad", "text": "The model answers gibberish to this one."},
    ]
    with serve_app(fake.base_url, max_reasks=0).client() as client:
        job_id = client.post("/v1/jobs", json=documents).json()["id"]
        status = wait_for_job(client, job_id, finished)
        results = client.get(f"/v1/jobs/{job_id}/results").text.splitlines()
        errors = client.get(f"/v1/jobs/{job_id}/results", params={"errors": 1}).text.splitlines()
    assert status["status"] == "done"
    assert status["counts"] == {"done": 1, "failed": 1, "total": 2}
    assert [json.loads(line)["doc_id"] for line in results] == ["good"]
    [failure] = [json.loads(line) for line in errors]
    assert failure["doc_id"] == "bad"
    assert failure["error"] == "ResponseInvalid"
    assert "did not validate" in failure["message"]


def test_cancelling_a_running_job_keeps_its_finished_documents(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    with serve_app(fake.base_url).client() as client:
        job_id = client.post("/v1/jobs", json=job_body(20)).json()["id"]
        wait_for_job(client, job_id, lambda s: s["counts"]["done"] >= 2)
        cancelled = client.delete(f"/v1/jobs/{job_id}")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        done = cancelled.json()["counts"]["done"]
        time.sleep(0.5)  # more than two slow answers: a job still running would move on
        later = client.get(f"/v1/jobs/{job_id}").json()
        lines = client.get(f"/v1/jobs/{job_id}/results").text.splitlines()
        again = client.delete(f"/v1/jobs/{job_id}")
    assert later["status"] == "cancelled"
    assert later["finished_at"] is not None
    assert 2 <= later["counts"]["done"] <= done + 2  # at most the ones already in flight
    assert later["counts"]["done"] < 20
    assert len(lines) == later["counts"]["done"]
    assert again.status_code == 409
    assert again.json()["type"] == "urn:extractor:problem:conflict"


def test_extract_is_not_starved_by_a_big_job(serve_app: ServeApp) -> None:
    with running_fake(slow_model(0.05)) as fake, serve_app(fake.base_url).client() as client:
        job_id = client.post("/v1/jobs", json=job_body(40, "Document {i}.")).json()["id"]
        wait_for_job(client, job_id, lambda s: s["counts"]["done"] >= 1)
        started = time.monotonic()
        response = client.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
        seconds = time.monotonic() - started
        status = client.get(f"/v1/jobs/{job_id}").json()
    assert response.status_code == 200
    # The job alone needs 40 x 0.05 s; the extract waits behind two or three of its calls,
    # not behind the rest of the job (the bound leaves room for a busy machine).
    assert seconds < 1.5
    assert status["status"] == "running"
    assert status["counts"]["done"] < 30


def test_metrics_count_requests_documents_tokens_and_the_queue(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    with serve_app(fake.base_url).client() as client:
        client.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
        client.get("/v1/jobs/nope")
        text = client.get("/metrics").text
    assert 'extractor_http_requests_total{method="POST",route="/v1/extract",status="200"} 1.0' in (
        text
    )
    assert (
        'extractor_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"} 1.0'
        in text
    )
    assert 'extractor_documents_total{outcome="done",source="extract"} 1.0' in text
    assert "extractor_model_calls_total 1.0" in text
    assert "extractor_prompt_tokens_total 120.0" in text
    assert "extractor_completion_tokens_total 30.0" in text
    assert "extractor_cached_prompt_tokens_total 0.0" in text
    assert "extractor_queue_depth 0.0" in text
    assert 'extractor_http_request_seconds_bucket{le="0.005",route="/v1/extract"}' in text
    assert 'extractor_document_seconds_count{source="extract"} 1.0' in text


def test_the_access_log_is_one_json_line_per_request_without_bodies(
    serve_app: ServeApp, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="extractor.service.access")
    with serve_app(fake.base_url).client() as client:
        client.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
        job_id = client.post("/v1/jobs", json=[{"id": "a", "text": "Quiet day."}]).json()["id"]
        client.get(f"/v1/jobs/{job_id}")

    def logged() -> list[dict[str, Any]]:
        return [
            json.loads(r.getMessage())
            for r in caplog.records
            if r.name == "extractor.service.access"
        ]

    deadline = time.monotonic() + 5
    while len(logged()) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)  # a line is written once its response has gone out
    lines = logged()
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("POST", "/v1/extract", 200),
        ("POST", "/v1/jobs", 202),
        ("GET", "/v1/jobs/{job_id}", 200),
    ]
    assert [line["job_id"] for line in lines] == [None, job_id, job_id]
    assert all(isinstance(line["ms"], float) and line["ms"] >= 0 for line in lines)
    assert "Ningbo" not in caplog.text
    assert "Quiet day" not in caplog.text


def test_openapi_and_docs_are_served(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url).client() as client:
        spec = client.get("/openapi.json").json()
        docs = client.get("/docs")
    assert set(spec["paths"]) == {
        "/v1/extract",
        "/v1/jobs",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/results",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    assert "DocumentRecord" in spec["components"]["schemas"]
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_the_server_answers_from_the_recordings_with_replay(
    serve_app: ServeApp, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[2]
    seed = sorted((root / "seeds").glob("*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    server = serve_app(None, replay=True, recordings=root / "eval" / "recordings")
    with server.client() as client:
        response = client.post("/v1/extract", json={"id": seed.stem, "text": text})
        ready = client.get("/readyz").json()
    assert response.status_code == 200
    record = response.json()
    assert record["doc_id"] == seed.stem
    assert record["projects"] or record["indicators"]
    assert record["meta"]["usage"]["cache_hits"] >= 1
    assert record["meta"]["usage"]["calls"] == 0
    assert ready["backend"] == "local"


def test_the_response_cache_serves_a_repeated_text(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url, cache=True).client() as client:
        first = client.post("/v1/extract", json={"text": ARTICLES["ningbo"]}).json()
        second = client.post("/v1/extract", json={"text": ARTICLES["ningbo"]}).json()
    assert first["meta"]["usage"] | {"cached_prompt_tokens": 0} == {
        "calls": 1,
        "prompt_tokens": 120,
        "completion_tokens": 30,
        "cached_prompt_tokens": 0,
        "cache_hits": 0,
    }
    assert second["meta"]["usage"]["cache_hits"] == 1
    assert second["meta"]["usage"]["calls"] == 0
    assert len(fake.chat_requests) == 1


def test_jobs_survive_a_restart_of_the_app(serve_app: ServeApp, tmp_path: Path) -> None:
    home = tmp_path / "shared-home"
    with running_fake(good_model) as fake:
        first = serve_app(fake.base_url, home=home)
        with first.client() as client:
            job_id = client.post("/v1/jobs", json=job_body(3, "Document {i}.")).json()["id"]
            wait_for_job(client, job_id, finished)
        first.stop()
        with serve_app(fake.base_url, home=home).client() as client:
            status = client.get(f"/v1/jobs/{job_id}").json()
            lines = client.get(f"/v1/jobs/{job_id}/results").text.splitlines()
    assert status["counts"] == {"done": 3, "failed": 0, "total": 3}
    assert len(lines) == 3


def test_limits_are_configurable(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    limits = Limits(max_document_chars=50, max_documents_per_job=2)
    with serve_app(fake.base_url, limits=limits).client() as client:
        long_text = client.post("/v1/extract", json={"text": "x" * 51})
        ok = client.post("/v1/extract", json={"text": "Short."})
        too_many = client.post("/v1/jobs", json=job_body(3, "D{i}."))
        long_in_job = client.post("/v1/jobs", json=[{"id": "a", "text": "y" * 51}])
    assert long_text.status_code == 413
    assert ok.status_code == 200
    assert too_many.status_code == 413
    assert "limit is 2" in too_many.json()["detail"]
    assert long_in_job.status_code == 413
    assert "'a'" in long_in_job.json()["detail"]


def test_requests_share_the_configured_model_concurrency(serve_app: ServeApp) -> None:
    with running_fake(slow_model(0.1)) as fake:
        server = serve_app(fake.base_url, concurrency=2)
        with server.client() as client:
            job_id = client.post("/v1/jobs", json=job_body(6, "Doc {i}.")).json()["id"]
            with httpx.Client(base_url=server.url, timeout=30) as other:
                for _ in range(2):
                    other.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
            wait_for_job(client, job_id, finished)
    assert fake.max_in_flight == 2


def test_the_public_names_of_the_service_are_pinned() -> None:
    import extractor.service

    assert extractor.service.__all__ == ["Limits", "ServiceSettings", "create_app", "serve"]
    for name in extractor.service.__all__:
        assert getattr(extractor.service, name) is not None
