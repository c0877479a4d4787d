"""The model client over a real local HTTP server: model and mode resolution, re-asks, and
failures named in this package's exceptions."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fakes.articles import ANSWERS, ARTICLES, default_chunks, good_model
from fakes.openai_server import (
    MODEL,
    FakeOpenAI,
    Reply,
    Seen,
    chat_completion,
    error_body,
    running_fake,
    unused_port,
)
from pydantic.json_schema import GenerateJsonSchema
from tenacity import RetryCallState

import extractor.llm.client as client_module
from extractor.config import Backend, ExtractorConfig, ModeChoice
from extractor.errors import (
    BackendUnavailable,
    ConfigError,
    EndpointError,
    ReplayMiss,
    ResponseInvalid,
)
from extractor.llm.client import PROBE_ATTEMPTS, ModelClient, redact_url
from extractor.llm.transport import CallContext, current_call
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.wire import ChunkExtraction


def messages() -> list[dict[str, str]]:
    (chunk,) = default_chunks(ARTICLES["ningbo"])
    prompt = load_prompt()
    assert isinstance(prompt, Prompt)  # the default prompt is one call per chunk
    return prompt.messages(chunk)


def probe_aware(seen: Seen) -> Reply:
    """Answers the mode probe as a JSON-schema-capable server does, else like a good model."""
    fmt = (seen.body or {}).get("response_format") or {}
    if fmt.get("type") == "json_schema" and "Answer" in seen.user_text:
        return chat_completion(seen, {"ok": True})
    return good_model(seen)


def llama_cpp(seen: Seen) -> Reply:
    """llama.cpp's server: HTTP 500 for response_format json_schema, tools are fine."""
    if ((seen.body or {}).get("response_format") or {}).get("type") == "json_schema":
        return Reply(error_body(500, "json_schema is not supported"), status=500)
    return good_model(seen)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(probe_aware) as server:
        yield server


def config(url: str, tmp_path: Path, **overrides: Any) -> ExtractorConfig:
    settings: dict[str, Any] = {"base_url": url, "home": tmp_path / "home", "retries": 1}
    return ExtractorConfig(**(settings | overrides))


@pytest_asyncio.fixture
async def client_factory() -> AsyncIterator[Any]:
    made: list[ModelClient] = []

    def make(cfg: ExtractorConfig) -> ModelClient:
        client = ModelClient(cfg)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.mark.asyncio
async def test_model_and_mode_are_resolved_once(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory(config(fake.base_url, tmp_path))
    assert await client.setup() == (MODEL, ModeChoice.JSON_SCHEMA)
    assert await client.setup() == (MODEL, ModeChoice.JSON_SCHEMA)
    paths = [(r.method, r.path) for r in fake.requests]
    assert paths == [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]


@pytest.mark.asyncio
async def test_auto_mode_falls_back_to_tools_on_llama_cpp(
    tmp_path: Path, client_factory: Any
) -> None:
    with running_fake(llama_cpp) as fake:
        client = client_factory(config(fake.base_url, tmp_path, model="local"))
        assert await client.setup() == ("local", ModeChoice.TOOLS)
        answer = await client.extract(messages(), ChunkExtraction)
    assert answer.model_dump() == ChunkExtraction.model_validate(ANSWERS["ningbo"]).model_dump()


@pytest.mark.asyncio
async def test_configured_model_and_mode_need_no_request(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory(config(fake.base_url, tmp_path, model="m", mode=ModeChoice.TOOLS))
    assert await client.setup() == ("m", ModeChoice.TOOLS)
    assert fake.requests == []


@pytest.mark.asyncio
async def test_the_request_carries_key_and_sampling_settings(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    cfg = config(
        fake.base_url,
        tmp_path,
        model="m",
        mode=ModeChoice.JSON_SCHEMA,
        api_key="sk-test",
        temperature=0.2,
        max_output_tokens=321,
        seed=7,
    )
    answer = await client_factory(cfg).extract(messages(), ChunkExtraction)
    assert answer.projects
    (request,) = fake.chat_requests
    body = request.body or {}
    assert request.headers["authorization"] == "Bearer sk-test"
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.2, 321, 7)
    assert body["messages"] == messages()


@pytest.mark.asyncio
async def test_an_endpoint_without_models_is_a_config_error(
    tmp_path: Path, client_factory: Any
) -> None:
    with running_fake(good_model) as fake:
        fake.models = []
        client = client_factory(config(fake.base_url, tmp_path))
        with pytest.raises(ConfigError, match="lists no models"):
            await client.setup()


@pytest.mark.asyncio
async def test_answers_that_never_validate_raise_response_invalid(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    fake.fallback = lambda seen: chat_completion(seen, '{"projects": "none"}')
    cfg = config(fake.base_url, tmp_path, model="m", mode=ModeChoice.TOOLS, max_reasks=2)
    with pytest.raises(ResponseInvalid) as caught:
        await client_factory(cfg).extract(messages(), ChunkExtraction)
    assert caught.value.attempts == 3
    assert len(fake.chat_requests) == 3
    assert caught.value.last_completion is not None
    assert "3 attempt" in str(caught.value)


@pytest.mark.asyncio
async def test_a_reask_leaves_the_callers_messages_as_they_were(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    answers = iter(['{"projects": "none"}', json.dumps(ANSWERS["ningbo"])])
    fake.fallback = lambda seen: chat_completion(seen, next(answers))
    cfg = config(fake.base_url, tmp_path, model="m", mode=ModeChoice.JSON_SCHEMA, max_reasks=1)
    asked = messages()
    before = [dict(m) for m in asked]
    await client_factory(cfg).extract(asked, ChunkExtraction)
    assert len(fake.chat_requests) == 2
    assert len((fake.chat_requests[1].body or {})["messages"]) == len(before) + 2
    assert asked == before  # a follow-up built on them does not carry the re-ask


@pytest.mark.asyncio
async def test_http_errors_name_the_provider(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    fake.fallback = lambda seen: Reply(error_body(503, "overloaded"), status=503)
    cfg = config(fake.base_url, tmp_path, model="m", mode=ModeChoice.TOOLS, retries=1)
    with pytest.raises(EndpointError, match="HTTP 503") as caught:
        await client_factory(cfg).extract(messages(), ChunkExtraction)
    assert caught.value.provider == fake.base_url
    assert caught.value.__cause__ is not None


@pytest.mark.asyncio
async def test_replay_never_opens_a_connection(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    cfg = config(fake.base_url, tmp_path, model="m", mode=ModeChoice.TOOLS, replay=True)
    client = client_factory(cfg)
    token = current_call.set(CallContext(doc_id="ningbo", chunk=0))
    try:
        with pytest.raises(ReplayMiss, match="'ningbo', chunk 0"):
            await client.extract(messages(), ChunkExtraction)
    finally:
        current_call.reset(token)
    assert fake.requests == []


class ConnectionCheck:
    """Counts the connection attempts of setup (failing the first ``refuse`` of them as a
    server that is still starting does) and records the waits ``CONNECT_WAIT`` asks for
    instead of sleeping them. tenacity asks for a wait after every failed attempt, the last
    one too, so the waits slept are the first ``len(tries) - 1``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, refuse: int = 0) -> None:
        self.tries: list[tuple[str, int]] = []
        self.waits: list[float] = []
        self.refuse = refuse
        self._connect = asyncio.open_connection
        self._strategy = client_module.CONNECT_WAIT
        monkeypatch.setattr(asyncio, "open_connection", self.open_connection)
        monkeypatch.setattr(client_module, "CONNECT_WAIT", self.wait)

    async def open_connection(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.tries.append((host, port))
        if len(self.tries) <= self.refuse:
            raise ConnectionRefusedError("still starting")
        return await self._connect(host, port)

    def wait(self, state: RetryCallState) -> float:
        self.waits.append(self._strategy(state))
        return 0.0

    @property
    def slept(self) -> list[float]:
        return self.waits[: len(self.tries) - 1]


@pytest.mark.asyncio
async def test_the_connection_check_backs_off_then_names_the_endpoint_unreachable(
    tmp_path: Path, client_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = ConnectionCheck(monkeypatch)
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    client = client_factory(config(dead, tmp_path, model="m", mode=ModeChoice.TOOLS, retries=5))
    with pytest.raises(EndpointError, match=r"unreachable: connection failed \(\[Errno 111\]") as e:
        await client.setup()
    assert e.value.provider == dead
    assert isinstance(e.value.__cause__, ConnectionRefusedError)
    assert len(check.tries) == 5  # --retries attempts
    assert check.slept == [1.0, 2.0, 4.0, 5.0]  # doubling, capped at 5 s


@pytest.mark.asyncio
async def test_an_endpoint_that_comes_up_during_the_connection_check_is_used(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = ConnectionCheck(monkeypatch, refuse=2)
    cfg = config(fake.base_url, tmp_path, model="m", mode=ModeChoice.TOOLS, retries=4)
    assert await client_factory(cfg).setup() == ("m", ModeChoice.TOOLS)
    assert len(check.tries) == 3
    assert check.slept == [1.0, 2.0]
    assert fake.requests == []  # a connection was opened and closed; nothing was asked


def test_no_endpoint_and_no_local_model_says_what_to_do(tmp_path: Path) -> None:
    cfg = ExtractorConfig(home=tmp_path / "home")
    assert cfg.effective_backend is Backend.LOCAL
    with pytest.raises(BackendUnavailable) as caught:
        ModelClient(cfg)
    message = str(caught.value)
    assert "extract models pull" in message
    assert "EXTRACTOR_BASE_URL" in message
    assert "\n" not in message


def test_the_endpoint_backend_needs_a_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--base-url"):
        ModelClient(ExtractorConfig(backend=Backend.ENDPOINT, home=tmp_path))


# ---- the mode probe under load, secrets in messages, the schema built once (issue 14) ---------


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [429, 503])
async def test_a_busy_probe_is_asked_again_not_taken_for_no_json_schema(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any, status: int
) -> None:
    fake.fail_probes(status, times=2)
    client = client_factory(config(fake.base_url, tmp_path, model="m"))
    assert await client.setup() == ("m", ModeChoice.JSON_SCHEMA)
    assert [r.is_probe for r in fake.chat_requests] == [True, True, True]


@pytest.mark.asyncio
async def test_a_probe_during_a_slow_start_waits_for_the_server(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    fake.slow_start(1.0)
    client = client_factory(config(fake.base_url, tmp_path, model="m"))
    assert await client.setup() == ("m", ModeChoice.JSON_SCHEMA)
    assert len(fake.chat_requests) >= 2


@pytest.mark.asyncio
async def test_a_probe_that_stays_rate_limited_is_an_endpoint_error(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    fake.fail_probes(429, times=PROBE_ATTEMPTS)
    client = client_factory(config(fake.base_url, tmp_path, model="m"))
    with pytest.raises(EndpointError, match=r"HTTP 429.*pass --mode") as caught:
        await client.setup()
    assert "\n" not in str(caught.value)
    assert client.mode is None


@pytest.mark.asyncio
async def test_a_probe_refused_for_the_key_is_an_endpoint_error_not_tools(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    fake.fail_probes(401, message="invalid api key")
    client = client_factory(config(fake.base_url, tmp_path, model="m"))
    with pytest.raises(EndpointError, match="HTTP 401"):
        await client.setup()


@pytest.mark.asyncio
async def test_the_mode_decision_is_logged(
    tmp_path: Path, client_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="extractor.llm")
    with running_fake(llama_cpp) as fake:
        client = client_factory(config(fake.base_url, tmp_path, model="local"))
        await client.setup()
    (said,) = [r.getMessage() for r in caplog.records if r.name == "extractor.llm"]
    assert said.startswith(f"mode tools for {fake.base_url}: json_schema is not supported")


@pytest.mark.asyncio
async def test_credentials_in_the_url_and_an_echoed_key_are_blanked(
    fake: FakeOpenAI, tmp_path: Path, client_factory: Any
) -> None:
    key = "sk-live-0123456789abcdef"
    fake.fallback = lambda seen: Reply(
        error_body(401, f"Incorrect API key provided: {key} (from {seen.headers['host']})"),
        status=401,
    )
    url = fake.base_url.replace("http://", "http://alice:hunter2secret@")
    cfg = config(url, tmp_path, model="m", mode=ModeChoice.TOOLS, api_key=key)
    client = client_factory(cfg)
    with pytest.raises(EndpointError) as caught:
        await client.extract(messages(), ChunkExtraction)
    message = str(caught.value)
    assert "HTTP 401" in message
    for secret in (key, "hunter2secret", "alice"):
        assert secret not in message
        assert secret not in caught.value.provider
    assert "http://***@127.0.0.1" in message


def test_key_like_query_values_are_blanked_in_urls() -> None:
    assert (
        redact_url("https://u:p@example.test/v1?api-key=abc123&deployment=x")
        == "https://***@example.test/v1?api-key=***&deployment=x"
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", [ModeChoice.TOOLS, ModeChoice.JSON_SCHEMA])
async def test_the_response_schema_is_built_once(
    fake: FakeOpenAI,
    tmp_path: Path,
    client_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
    mode: ModeChoice,
) -> None:
    client = client_factory(config(fake.base_url, tmp_path, model="m", mode=mode, cache=False))
    await client.extract(messages(), ChunkExtraction)  # builds it, if no earlier test did
    built: list[object] = []
    generate = GenerateJsonSchema.generate

    def counting(self: GenerateJsonSchema, *args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(GenerateJsonSchema, "generate", counting)
    for _ in range(3):
        await client.extract(messages(), ChunkExtraction)
    assert built == []
    bodies = [json.dumps(r.body, sort_keys=True) for r in fake.chat_requests]
    assert len(set(bodies)) == 1  # and every request is the same as the first
