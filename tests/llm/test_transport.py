"""The HTTP transports under the OpenAI client: retries with backoff and Retry-After, and the
response cache that meters usage and serves replays."""

from __future__ import annotations

import email.utils
import gzip
import json
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest

from extractor.errors import ReplayMiss
from extractor.llm.store import RecordingStore, ResponseStore, request_key
from extractor.llm.transport import (
    CachingTransport,
    CallContext,
    RetryingTransport,
    UsageMeter,
    current_call,
)

URL = "http://127.0.0.1:9/v1/chat/completions"
BODY = {"model": "m", "messages": [{"role": "user", "content": "Sentences:\n[1] A."}]}
COMPLETION = {
    "id": "c",
    "choices": [],
    "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
}


class Script:
    """An inner transport answering from a list; counts the requests and keeps their bodies."""

    def __init__(self, *answers: httpx2.Response | Exception) -> None:
        self.answers = list(answers)
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(request.read())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def calls(self) -> int:
        return len(self.bodies)


def ok(body: dict[str, Any] | None = None, **headers: str) -> httpx2.Response:
    return httpx2.Response(200, json=body or COMPLETION, headers=headers)


def status(code: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(code, json={"error": {"message": str(code)}}, headers=headers)


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def post(body: dict[str, Any] | None = None, method: str = "POST") -> httpx2.Request:
    return httpx2.Request(method, URL, content=json.dumps(body or BODY).encode())


async def send(transport: httpx2.AsyncBaseTransport, request: httpx2.Request) -> httpx2.Response:
    response = await transport.handle_async_request(request)
    await response.aread()
    return response


async def send_for(
    transport: httpx2.AsyncBaseTransport, context: CallContext, request: httpx2.Request
) -> httpx2.Response:
    """``send`` on behalf of ``context`` (one chunk's unit of work)."""
    token = current_call.set(context)
    try:
        return await send(transport, request)
    finally:
        current_call.reset(token)


def retrying(
    script: Script, attempts: int = 4, max_wait: float = 30.0
) -> tuple[RetryingTransport, Sleeps]:
    sleeps = Sleeps()
    transport = RetryingTransport(
        httpx2.MockTransport(script), attempts=attempts, max_wait=max_wait, sleep=sleeps
    )
    return transport, sleeps


# ---- RetryingTransport ----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
async def test_transient_statuses_are_retried_with_the_same_body(code: int) -> None:
    script = Script(status(code), ok())
    transport, sleeps = retrying(script)
    response = await send(transport, post())
    assert response.status_code == 200
    assert script.calls == 2
    assert script.bodies[0] == script.bodies[1] == json.dumps(BODY).encode()
    assert len(sleeps.waits) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [400, 401, 404, 422])
async def test_client_errors_are_not_retried(code: int) -> None:
    script = Script(status(code), ok())
    transport, sleeps = retrying(script)
    assert (await send(transport, post())).status_code == code
    assert (script.calls, sleeps.waits) == (1, [])


@pytest.mark.asyncio
async def test_backoff_grows_and_the_last_answer_is_returned() -> None:
    script = Script(status(503))
    transport, sleeps = retrying(script, attempts=4)
    response = await send(transport, post())
    assert response.status_code == 503
    assert script.calls == 4
    assert len(sleeps.waits) == 3
    # exponential with jitter: each wait is at most 0.5 * 2**n
    assert all(0 <= w <= 0.5 * 2**n for n, w in enumerate(sleeps.waits))


@pytest.mark.asyncio
async def test_retry_after_seconds_are_honoured() -> None:
    script = Script(status(429, **{"Retry-After": "7"}), ok())
    transport, sleeps = retrying(script)
    assert (await send(transport, post())).status_code == 200
    assert sleeps.waits == [7.0]


@pytest.mark.asyncio
async def test_retry_after_as_an_http_date_is_honoured() -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    script = Script(status(503, **{"Retry-After": when}), ok())
    transport, sleeps = retrying(script)
    assert (await send(transport, post())).status_code == 200
    (wait,) = sleeps.waits
    assert 3 <= wait <= 5


@pytest.mark.asyncio
async def test_retry_after_is_capped() -> None:
    script = Script(status(429, **{"Retry-After": "3600"}), ok())
    transport, sleeps = retrying(script, max_wait=2.0)
    assert (await send(transport, post())).status_code == 200
    assert sleeps.waits == [2.0]


@pytest.mark.asyncio
async def test_an_unreadable_retry_after_falls_back_to_backoff() -> None:
    script = Script(status(429, **{"Retry-After": "soon"}), ok())
    transport, _ = retrying(script)
    assert (await send(transport, post())).status_code == 200


@pytest.mark.asyncio
async def test_connection_errors_are_retried_then_raised() -> None:
    script = Script(httpx2.ConnectError("refused"))
    transport, sleeps = retrying(script, attempts=3)
    with pytest.raises(httpx2.ConnectError):
        await send(transport, post())
    assert script.calls == 3
    assert len(sleeps.waits) == 2


@pytest.mark.asyncio
async def test_a_timeout_then_success_is_one_answer() -> None:
    script = Script(httpx2.ReadTimeout("slow"), ok())
    transport, _ = retrying(script)
    assert (await send(transport, post())).status_code == 200
    assert script.calls == 2


# ---- CachingTransport -------------------------------------------------------------------------


def caching(
    script: Script | None, tmp_path: Path, **options: Any
) -> tuple[CachingTransport, ResponseStore]:
    store = ResponseStore(tmp_path / "cache.sqlite")
    inner = httpx2.MockTransport(script) if script is not None else None
    return CachingTransport(inner, cache=store, recordings=None, **options), store


@pytest.mark.asyncio
async def test_a_repeated_request_is_served_from_the_cache(tmp_path: Path) -> None:
    script = Script(ok())
    transport, store = caching(script, tmp_path)
    meter = UsageMeter()
    token = current_call.set(CallContext(doc_id="d", chunk=0, meter=meter))
    try:
        first = await send(transport, post())
        transport.accept(current_call.get() or CallContext())
        # the same JSON with its keys in another order is the same request
        second = await send(transport, post(dict(reversed(list(BODY.items())))))
    finally:
        current_call.reset(token)
        store.close()
    assert script.calls == 1
    assert first.json() == second.json() == COMPLETION
    assert (meter.calls, meter.cache_hits) == (1, 1)
    assert (meter.prompt_tokens, meter.completion_tokens) == (11, 7)


@pytest.mark.asyncio
async def test_the_cache_survives_a_new_store(tmp_path: Path) -> None:
    transport, store = caching(Script(ok()), tmp_path)
    context = CallContext()
    await send_for(transport, context, post())
    transport.accept(context)
    store.close()
    again, store = caching(Script(status(500)), tmp_path)
    try:
        assert (await send(again, post())).json() == COMPLETION
    finally:
        store.close()


@pytest.mark.asyncio
async def test_failures_are_not_cached(tmp_path: Path) -> None:
    script = Script(status(500), httpx2.Response(200, text="not json"), ok())
    transport, store = caching(script, tmp_path)
    try:
        assert (await send(transport, post())).status_code == 500
        assert (await send(transport, post())).text == "not json"
        assert (await send(transport, post())).json() == COMPLETION
    finally:
        store.close()
    assert script.calls == 3


@pytest.mark.asyncio
async def test_get_requests_are_neither_cached_nor_metered(tmp_path: Path) -> None:
    script = Script(ok({"object": "list", "data": []}))
    transport, store = caching(script, tmp_path)
    meter = UsageMeter()
    token = current_call.set(CallContext(meter=meter))
    try:
        await send(transport, post(method="GET"))
        await send(transport, post(method="GET"))
    finally:
        current_call.reset(token)
        store.close()
    assert script.calls == 2
    assert (meter.calls, meter.cache_hits) == (0, 0)


@pytest.mark.asyncio
async def test_replay_miss_names_the_document_and_chunk(tmp_path: Path) -> None:
    script = Script(ok())
    transport, store = caching(script, tmp_path, replay=True)
    token = current_call.set(CallContext(doc_id="003_ba2da", chunk=2))
    try:
        with pytest.raises(ReplayMiss, match=r"document '003_ba2da', chunk 2") as caught:
            await send(transport, post())
    finally:
        current_call.reset(token)
        store.close()
    assert script.calls == 0
    assert (caught.value.doc_id, caught.value.chunk) == ("003_ba2da", 2)
    assert caught.value.key == request_key("/v1/chat/completions", json.dumps(BODY).encode())


@pytest.mark.asyncio
async def test_recording_then_replaying_without_a_model(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    recordings = RecordingStore(folder)
    live = CachingTransport(
        httpx2.MockTransport(Script(ok())), cache=None, recordings=recordings, record=True
    )
    token = current_call.set(CallContext(doc_id="ningbo", chunk=1))
    try:
        await send(live, post())
    finally:
        current_call.reset(token)
    (entry,) = [json.loads(line) for line in (folder / "responses.jsonl").read_text().splitlines()]
    assert (entry["request"], entry["model"], entry["status"]) == ("ningbo#1", "m", 200)
    assert entry["response"] == COMPLETION

    reloaded = RecordingStore(folder)
    replay = CachingTransport(None, cache=None, recordings=reloaded, replay=True)
    assert (await send(replay, post())).json() == COMPLETION
    assert reloaded.used == {entry["key"]}


@pytest.mark.asyncio
async def test_a_compressed_answer_passes_through(tmp_path: Path) -> None:
    packed = gzip.compress(json.dumps(COMPLETION).encode())
    script = Script(httpx2.Response(200, content=packed, headers={"content-encoding": "gzip"}))
    transport, store = caching(script, tmp_path)
    try:
        assert (await send(transport, post())).json() == COMPLETION
    finally:
        store.close()


# ---- errors inside a 200, answers cached only once accepted ----------------------------------


def error_in_200(message: str = "model crashed") -> httpx2.Response:
    return httpx2.Response(200, json={"error": {"message": message, "code": 500}})


@pytest.mark.asyncio
async def test_an_error_inside_a_200_is_retried() -> None:
    script = Script(error_in_200(), ok())
    transport, sleeps = retrying(script)
    response = await send(transport, post())
    assert response.json() == COMPLETION
    assert (script.calls, len(sleeps.waits)) == (2, 1)


@pytest.mark.asyncio
async def test_an_error_inside_a_200_that_persists_comes_out_as_a_502() -> None:
    transport, _ = retrying(Script(error_in_200("model crashed")), attempts=2)
    response = await send(transport, post())
    assert response.status_code == 502
    assert response.json()["error"]["message"] == (
        "the endpoint answered HTTP 200 with an error: model crashed"
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("record", [True, False])
async def test_recording_takes_cached_answers_the_recordings_lack(
    tmp_path: Path, record: bool
) -> None:
    store = ResponseStore(tmp_path / "cache.sqlite")
    key = request_key("/v1/chat/completions", json.dumps(BODY).encode())
    store.put(key, "m", 200, json.dumps(COMPLETION))
    folder = tmp_path / "recordings"
    recordings = RecordingStore(folder)
    replay = CachingTransport(None, cache=store, recordings=recordings, record=record, replay=True)
    token = current_call.set(CallContext(doc_id="ningbo", chunk=2))
    try:
        assert (await send(replay, post())).json() == COMPLETION
        assert (await send(replay, post())).json() == COMPLETION
    finally:
        current_call.reset(token)
    lines = (folder / "responses.jsonl").read_text().splitlines() if record else []
    assert len(RecordingStore(folder)) == len(lines) == int(record)
    if record:
        entry = json.loads(lines[0])
        assert (entry["key"], entry["request"], entry["response"]) == (key, "ningbo#2", COMPLETION)


@pytest.mark.asyncio
async def test_an_error_inside_a_200_is_neither_cached_nor_recorded(tmp_path: Path) -> None:
    recordings = RecordingStore(tmp_path / "recordings")
    store = ResponseStore(tmp_path / "cache.sqlite")
    script = Script(error_in_200())
    transport = CachingTransport(
        httpx2.MockTransport(script), cache=store, recordings=recordings, record=True
    )
    context = CallContext()
    try:
        assert (await send_for(transport, context, post())).status_code == 502
        transport.accept(context)
        assert (await send_for(transport, context, post())).status_code == 502
    finally:
        store.close()
    assert script.calls == 2
    assert len(recordings) == 0


@pytest.mark.asyncio
async def test_an_answer_is_cached_only_when_accepted(tmp_path: Path) -> None:
    script = Script(ok())
    transport, store = caching(script, tmp_path)
    try:
        for accept in (False, True, False):
            context = CallContext()
            await send_for(transport, context, post())
            if accept:
                transport.accept(context)
    finally:
        store.close()
    assert script.calls == 2  # asked again after the first, served after the second
