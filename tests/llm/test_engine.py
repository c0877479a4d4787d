"""The embedded engine's process-wide registry, its slot sizing, and the transport that puts it
under the OpenAI client. The engine itself (llama.cpp) is exercised by the live tests; here a
stand-in engine records what the transport asks of it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from extractor.config import Backend, ExtractorConfig, auto_slots
from extractor.errors import ConfigError
from extractor.llm import engine
from extractor.llm.engine import Engine, EngineSettings
from extractor.llm.local import LocalTransport

GIB = 1 << 30


class StandIn(Engine):
    """An engine without a model: answers from a function, counts closes and overlap."""

    def __init__(self, settings: EngineSettings) -> None:  # no super(): nothing to load
        self.settings = settings
        self.closed = 0
        self.bodies: list[dict[str, Any]] = []
        self.answer: dict[str, Any] = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "{}"}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1},
        }
        self.delay = 0.0
        self._active = 0
        self.most_active = 0
        self._guard = threading.Lock()

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._guard:
            self._active += 1
            self.most_active = max(self.most_active, self._active)
        time.sleep(self.delay)
        with self._guard:
            self._active -= 1
        self.bodies.append(body)
        return dict(self.answer)

    def close(self) -> None:
        self.closed += 1


@pytest.fixture(autouse=True)
def empty_registry() -> Iterator[None]:
    engine.unload()
    yield
    engine.unload()


def settings(slots: int = 1, name: str = "m.gguf") -> EngineSettings:
    return EngineSettings(model_path=Path("/models") / name, slots=slots, ctx_per_slot=4096)


def test_acquire_loads_once_per_settings() -> None:
    before = engine.load_count()
    first = engine.acquire(settings(), factory=StandIn)
    again = engine.acquire(settings(), factory=StandIn)
    other = engine.acquire(settings(slots=2), factory=StandIn)
    assert first is again
    assert other is not first
    assert engine.load_count() - before == 2
    assert set(engine.loaded()) == {settings(), settings(slots=2)}


def test_unload_closes_and_the_next_acquire_loads_again() -> None:
    first = engine.acquire(settings(), factory=StandIn)
    assert isinstance(first, StandIn)
    assert engine.unload(settings(slots=3)) == 0  # not loaded: nothing happens
    assert engine.unload(settings()) == 1
    assert first.closed == 1
    assert engine.loaded() == ()
    assert engine.acquire(settings(), factory=StandIn) is not first


def test_concurrent_acquires_share_one_load() -> None:
    before = engine.load_count()
    seen: list[Engine] = []

    def slow(s: EngineSettings) -> Engine:
        time.sleep(0.05)
        return StandIn(s)

    threads = [
        threading.Thread(target=lambda: seen.append(engine.acquire(settings(), factory=slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert engine.load_count() - before == 1
    assert len({id(e) for e in seen}) == 1


@pytest.mark.parametrize(
    ("cores", "memory", "expected"),
    [
        (1, 64 * GIB, 1),  # one per two cores, never below one
        (2, 64 * GIB, 1),
        (4, 64 * GIB, 2),
        (16, 64 * GIB, 4),  # capped
        (16, 1 * GIB, 2),  # half of 1 GiB holds two 8k slots of KV cache (about 235 MB each)
        (16, 100 << 20, 1),  # never below one
    ],
)
def test_auto_slots_follow_cores_and_memory(cores: int, memory: int, expected: int) -> None:
    assert auto_slots(8192, cores=cores, memory=memory) == expected


def test_concurrency_defaults_to_the_slots_for_the_embedded_model_only() -> None:
    local = ExtractorConfig(backend=Backend.LOCAL)
    assert local.effective_concurrency == auto_slots(local.context_per_slot)
    assert ExtractorConfig(base_url="http://127.0.0.1:1/v1").effective_concurrency == 1
    assert ExtractorConfig(backend=Backend.LOCAL, concurrency=3).effective_concurrency == 3
    with pytest.raises(ConfigError):
        ExtractorConfig(concurrency=0)


def test_engine_settings_are_checked() -> None:
    with pytest.raises(ConfigError):
        EngineSettings(model_path=Path("m.gguf"), slots=0)


async def _post(transport: LocalTransport, body: dict[str, Any]) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=transport, base_url="http://localhost/v1") as client:
        return await client.post("/chat/completions", json=body)


@pytest.mark.asyncio
async def test_the_transport_answers_from_the_shared_engine() -> None:
    stand_in = engine.acquire(settings(), factory=StandIn)
    assert isinstance(stand_in, StandIn)
    transport = LocalTransport(settings(), model_name="local-model")
    response = await _post(transport, {"messages": [], "stream": False, "max_tokens": 5})
    assert response.status_code == 200
    payload = response.json()
    assert payload["model"] == "local-model"
    assert payload["usage"]["prompt_tokens"] == 3
    assert stand_in.bodies == [{"messages": [], "stream": False, "max_tokens": 5}]
    await transport.aclose()
    assert engine.loaded() == (settings(),), "closing a client must not unload the model"
    assert stand_in.closed == 0


@pytest.mark.asyncio
async def test_the_transport_lists_the_model_and_refuses_other_routes() -> None:
    transport = LocalTransport(settings(), model_name="local-model")
    async with httpx2.AsyncClient(transport=transport, base_url="http://localhost/v1") as client:
        models = await client.get("/models")
        assert [m["id"] for m in models.json()["data"]] == ["local-model"]
        assert (await client.post("/embeddings", json={})).status_code == 404
        bad = await client.post("/chat/completions", content=b"{not json")
        assert bad.status_code == 400
    assert engine.loaded() == (), "listing models must not load one"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ({"code": 400, "message": "bad grammar", "type": "invalid_request_error"}, 400),
        ({"message": "context exceeded", "type": "exceed_context_size_error"}, 500),
        ({"message": "no metrics", "type": "not_supported_error"}, 501),
        ({"code": 503, "message": "loading"}, 503),
    ],
)
@pytest.mark.asyncio
async def test_an_engine_error_becomes_the_http_status_a_server_would_send(
    error: dict[str, Any], status: int
) -> None:
    stand_in = engine.acquire(settings(), factory=StandIn)
    assert isinstance(stand_in, StandIn)
    stand_in.answer = {"error": error}
    response = await _post(LocalTransport(settings(), model_name="m"), {"messages": []})
    assert response.status_code == status
    assert response.json()["error"]["message"] == error["message"]


@pytest.mark.asyncio
async def test_requests_run_concurrently_up_to_the_slot_count() -> None:
    stand_in = engine.acquire(settings(slots=3), factory=StandIn)
    assert isinstance(stand_in, StandIn)
    stand_in.delay = 0.1
    transport = LocalTransport(settings(slots=3), model_name="m")
    async with httpx2.AsyncClient(transport=transport, base_url="http://localhost/v1") as client:
        answers = await asyncio.gather(
            *(client.post("/chat/completions", json={"n": i}) for i in range(7))
        )
    assert all(a.status_code == 200 for a in answers)
    assert stand_in.most_active == 3
    assert sorted(json.dumps(b) for b in stand_in.bodies) == sorted(
        json.dumps({"n": i}) for i in range(7)
    )
