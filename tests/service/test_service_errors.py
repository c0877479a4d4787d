"""Every error class comes back as application/problem+json with its stable ``type``."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakes.articles import ARTICLES, good_model
from fakes.openai_server import FakeOpenAI, Reply, Seen, chat_completion, running_fake, unused_port

from extractor.service import Limits
from service.service_kit import ServeApp, finished, slow_model, wait_for_job

PREFIX = "urn:extractor:problem:"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PREFIX + slug
    assert body["status"] == status
    assert body["title"]
    assert "Traceback" not in response.text
    return body


def gibberish_on_request(seen: Seen) -> Reply:
    if "gibberish" in seen.user_text:
        return chat_completion(seen, "this is not JSON")
    return good_model(seen)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(gibberish_on_request) as server:
        yield server


def test_a_jsonl_body_line_that_is_no_object_is_400_naming_the_line(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    ndjson = {"content-type": "application/x-ndjson"}
    with serve_app(fake.base_url).client() as client:
        listed = client.post(
            "/v1/jobs", content=b'{"id": "a", "text": "x"}\n[1, 2]\n', headers=ndjson
        )
        # U+2028 inside a text is no line break in JSONL: one document, not a torn line
        kept = client.post(
            "/v1/jobs", content='{"id": "a", "text": "x\u2028y"}\n'.encode(), headers=ndjson
        )
    assert_problem(listed, 400, "bad-json")
    assert "line 2: not a JSON object but an array" in listed.json()["detail"]
    assert kept.status_code == 202, kept.text


def test_400_for_a_body_that_is_not_json(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    json_type = {"content-type": "application/json"}
    with serve_app(fake.base_url).client() as client:
        extract = client.post("/v1/extract", content=b"{bad", headers=json_type)
        job = client.post("/v1/jobs", content=b"[{", headers=json_type)
        jsonl = client.post(
            "/v1/jobs",
            content=b'{"id": "a", "text": "x"}\n{oops\n',
            headers={"content-type": "application/x-ndjson"},
        )
        binary = client.post("/v1/jobs", content=b"\xff\xfe", headers=json_type)
    assert_problem(extract, 400, "bad-json")
    assert_problem(job, 400, "bad-json")
    assert_problem(jsonl, 400, "bad-json")
    assert_problem(binary, 400, "bad-json")


def test_404_for_unknown_jobs_and_routes(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url).client() as client:
        responses = [
            client.get("/v1/jobs/nope"),
            client.get("/v1/jobs/nope/results"),
            client.delete("/v1/jobs/nope"),
            client.get("/v2/anything"),
        ]
        method = client.put("/v1/extract", json={})
    for response in responses:
        assert_problem(response, 404, "not-found")
    assert_problem(method, 405, "method-not-allowed")


def test_409_when_cancelling_a_finished_job(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url).client() as client:
        job_id = client.post("/v1/jobs", json=[{"id": "a", "text": "Calm."}]).json()["id"]
        wait_for_job(client, job_id, finished)
        body = assert_problem(client.delete(f"/v1/jobs/{job_id}"), 409, "conflict")
    assert body["detail"] == "the job is already done"


def test_413_for_a_body_over_the_limit_declared_or_streamed(
    serve_app: ServeApp, fake: FakeOpenAI
) -> None:
    limits = Limits(max_body_bytes=1000)
    big = json.dumps({"text": "x" * 2000}).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 100):
            yield big[start : start + 100]

    with serve_app(fake.base_url, limits=limits).client() as client:
        declared = client.post("/v1/extract", content=big)
        streamed = client.post("/v1/extract", content=chunks())  # chunked: no length given
        job = client.post("/v1/jobs", content=b"[" + big + b"]")
        small = client.post("/v1/extract", json={"text": "Fine."})
    assert_problem(declared, 413, "too-large")
    assert_problem(streamed, 413, "too-large")
    assert_problem(job, 413, "too-large")
    assert small.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/v1/extract", {"id": "a"}, ["body", "text"]),
        ("/v1/extract", {"text": "x", "extra": 1}, ["body", "extra"]),
        ("/v1/extract", {"text": 5}, ["body", "text"]),
        ("/v1/extract", [], ["body"]),
        ("/v1/jobs", {"id": "a", "text": "x"}, []),
        ("/v1/jobs", [{"id": "a"}], [0, "text"]),
        ("/v1/jobs", [{"id": None, "text": "x"}], [0, "id"]),
        ("/v1/jobs", [{"id": "", "text": "x"}], [0, "id"]),
    ],
)
def test_422_for_json_that_breaks_the_contract(
    serve_app: ServeApp, fake: FakeOpenAI, path: str, body: Any, where: list[Any]
) -> None:
    with serve_app(fake.base_url).client() as client:
        problem = assert_problem(client.post(path, json=body), 422, "invalid")
    assert where in [e["loc"][: len(where)] for e in problem["errors"]]


@pytest.mark.parametrize(
    ("documents", "detail"),
    [
        ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "'a' appears more than once"),
        ([{"id": 1, "text": "x"}, {"id": "1", "text": "y"}], "'1' appears more than once"),
        ([], "at least one document"),
    ],
)
def test_422_for_a_job_with_duplicate_or_missing_ids(
    serve_app: ServeApp, fake: FakeOpenAI, documents: list[dict[str, Any]], detail: str
) -> None:
    with serve_app(fake.base_url).client() as client:
        problem = assert_problem(client.post("/v1/jobs", json=documents), 422, "invalid")
    assert detail in problem["detail"]


def test_429_when_the_job_queue_is_full(serve_app: ServeApp) -> None:
    limits = Limits(max_running_jobs=1, max_queued_jobs=1)
    with (
        running_fake(slow_model(0.3)) as fake,
        serve_app(fake.base_url, limits=limits).client() as client,
    ):
        running = client.post("/v1/jobs", json=[{"id": "a", "text": "One."}]).json()["id"]
        wait_for_job(client, running, lambda s: s["status"] == "running")
        queued = client.post("/v1/jobs", json=[{"id": "b", "text": "Two."}])
        refused = client.post("/v1/jobs", json=[{"id": "c", "text": "Three."}])
        wait_for_job(client, queued.json()["id"], finished)
        accepted = client.post("/v1/jobs", json=[{"id": "d", "text": "Four."}])
    assert queued.json()["status"] == "queued"
    body = assert_problem(refused, 429, "queue-full")
    assert refused.headers["retry-after"] == "5"
    assert "limit is 1" in body["detail"]
    assert accepted.status_code == 202


def test_429_when_too_many_extracts_wait(serve_app: ServeApp) -> None:
    limits = Limits(max_waiting_extracts=1)
    with running_fake(slow_model(0.5)) as fake:
        server = serve_app(fake.base_url, limits=limits)
        first: list[httpx.Response] = []

        def slow_request() -> None:
            with server.client() as client:
                first.append(client.post("/v1/extract", json={"text": ARTICLES["ningbo"]}))

        thread = threading.Thread(target=slow_request)
        thread.start()
        deadline = time.monotonic() + 10
        while not fake.chat_requests and time.monotonic() < deadline:
            time.sleep(0.01)  # until the first request has reached the model
        with server.client() as client:
            refused = client.post("/v1/extract", json={"text": ARTICLES["zhaoqing"]})
        thread.join()
    assert_problem(refused, 429, "queue-full")
    assert first[0].status_code == 200


def test_502_when_the_model_answer_never_validates(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url, max_reasks=1).client() as client:
        response = client.post("/v1/extract", json={"text": "It answers gibberish."})
    body = assert_problem(response, 502, "model-invalid")
    assert "did not validate after 2 attempt(s)" in body["detail"]


def test_503_when_the_model_is_down(serve_app: ServeApp, tmp_path: Any) -> None:
    down = f"http://127.0.0.1:{unused_port()}/v1"
    with serve_app(down, timeout=2).client() as client:
        extract = client.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
        ready = client.get("/readyz")
        job_id = client.post("/v1/jobs", json=[{"id": "a", "text": "x"}]).json()["id"]
        job = wait_for_job(client, job_id, finished)
        healthy = client.get("/healthz")
    body = assert_problem(extract, 503, "model-unavailable")
    assert "connection failed" in body["detail"]
    assert extract.headers["retry-after"] == "10"
    assert f"{down}: unreachable" in assert_problem(ready, 503, "model-unavailable")["detail"]
    assert job["status"] == "failed"
    assert f"{down}: unreachable" in job["error"]
    assert healthy.status_code == 200


def test_503_when_replay_has_no_recording(serve_app: ServeApp, tmp_path: Any) -> None:
    empty = tmp_path / "recordings"
    empty.mkdir()
    with serve_app(None, replay=True, recordings=empty).client() as client:
        response = client.post("/v1/extract", json={"id": "new", "text": "Never recorded."})
    body = assert_problem(response, 503, "model-unavailable")
    assert "no recorded response for document 'new'" in body["detail"]
