"""The model client: instructor on ``AsyncOpenAI``, over the transports of this package.

One ``ModelClient`` serves a whole run. It resolves the model name and the structured-output
mode once (``auto`` probes an endpoint with a tiny ``json_schema`` request and falls back to
tools: llama.cpp's server answers that request with HTTP 500), then answers one chunk per
``extract`` call, feeding validation errors back to the model for a bounded number of
re-asks. Failures come out as this package's exceptions, naming the provider.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx2
import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import BaseModel

from extractor.config import Backend, ExtractorConfig, ModeChoice
from extractor.errors import (
    BackendUnavailable,
    ConfigError,
    EndpointError,
    ProvisioningError,
    ReplayMiss,
    ResponseInvalid,
)
from extractor.llm.engine import EngineSettings
from extractor.llm.local import LocalTransport
from extractor.llm.store import RecordingStore, ResponseStore
from extractor.llm.transport import CachingTransport, RetryingTransport
from extractor.pipeline.wire import ChunkExtraction
from extractor.provisioning import default_registry, resolve_model_path

__all__ = ["INSTRUCTOR_MODES", "ModelClient"]

INSTRUCTOR_MODES: dict[ModeChoice, instructor.Mode] = {
    ModeChoice.TOOLS: instructor.Mode.TOOLS,
    ModeChoice.JSON_SCHEMA: instructor.Mode.JSON_SCHEMA,
    ModeChoice.JSON: instructor.Mode.JSON,
    ModeChoice.MD_JSON: instructor.Mode.MD_JSON,
}
_LOCAL_URL = "http://localhost/v1"  # never contacted: the in-process transport answers


class _Probe(BaseModel):
    ok: bool


class ModelClient:
    """Calls the model for chunks; shared by all documents of a run."""

    def __init__(
        self, config: ExtractorConfig, *, inner: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.backend = config.effective_backend
        self.provider = config.base_url or "local model"
        # Only a network endpoint of our own making is checked for reachability in setup.
        self._check_connection = (
            inner is None and not config.replay and self.backend is Backend.ENDPOINT
        )
        if inner is None and not config.replay:
            inner = self._default_inner()
        cache = ResponseStore(config.home / "cache.sqlite") if config.cache else None
        recordings = RecordingStore(config.recordings) if config.recordings else None
        self.transport = CachingTransport(
            inner, cache=cache, recordings=recordings, record=config.record, replay=config.replay
        )
        self._cache = cache
        self._openai = openai.AsyncOpenAI(
            base_url=config.base_url if self.backend is Backend.ENDPOINT else _LOCAL_URL,
            api_key=config.api_key or "not-needed",
            http_client=httpx2.AsyncClient(transport=self.transport, timeout=config.timeout),
            max_retries=0,
        )
        self.model_name: str | None = config.model
        self.mode: ModeChoice | None = None if config.mode is ModeChoice.AUTO else config.mode
        self._setup_lock = asyncio.Lock()

    def _default_inner(self) -> httpx2.AsyncBaseTransport:
        if self.backend is Backend.ENDPOINT:
            if not self.config.base_url:
                raise ConfigError("the endpoint backend needs --base-url or EXTRACTOR_BASE_URL")
            return RetryingTransport(httpx2.AsyncHTTPTransport(), attempts=self.config.retries)
        try:
            path = resolve_model_path(self.config.model_path, home=self.config.home, env={})
        except ProvisioningError as e:
            raise BackendUnavailable(
                f"no model endpoint is set and no local model is usable ({e}); "
                "or set EXTRACTOR_BASE_URL to an OpenAI-compatible endpoint"
            ) from e
        settings = EngineSettings(
            model_path=path,
            slots=self.config.effective_concurrency,
            ctx_per_slot=self.config.context_per_slot,
            threads=self.config.threads,
        )
        return LocalTransport(settings, model_name=self._local_name())

    def _local_name(self) -> str:
        if self.config.model:
            return self.config.model
        if self.config.model_path is not None:
            return self.config.model_path.stem
        return default_registry().default.name

    async def setup(self) -> tuple[str, ModeChoice]:
        """Resolve the model name and the mode (once per client)."""
        async with self._setup_lock:
            if self._check_connection and self.model_name is not None:
                await self._connect()
            if self.model_name is None:
                self.model_name = (
                    self._local_name()
                    if self.backend is Backend.LOCAL
                    else await self._first_model()
                )
            if self.mode is None:
                self.mode = (
                    ModeChoice.JSON_SCHEMA
                    if self.backend is Backend.LOCAL
                    else await self._probe_mode(self.model_name)
                )
            return self.model_name, self.mode

    async def _connect(self) -> None:
        """Open and close one connection to the endpoint (once), so that an unreachable
        endpoint is a setup error (CLI exit 2), not a failure of every document.

        No HTTP request is sent: with a configured model and mode, a run whose answers are
        all in the cache makes no request at all.
        """
        self._check_connection = False
        url = httpx2.URL(self.config.base_url or "")
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        last: Exception | None = None
        for attempt in range(max(1, self.config.retries)):
            if attempt:
                await asyncio.sleep(min(0.5 * 2**attempt, 5.0))
            try:
                _, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout=self.config.timeout
                )
            except (OSError, TimeoutError) as e:
                last = e
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        raise EndpointError(
            self.provider, f"unreachable: connection failed ({last or 'no attempt'})"
        ) from last

    async def _first_model(self) -> str:
        try:
            models = await self._openai.models.list()
        except openai.OpenAIError as e:
            raise ConfigError(
                f"{self.provider}: cannot list models ({_describe(e)}); pass --model"
            ) from e
        for model in models.data:
            return model.id
        raise ConfigError(f"{self.provider} lists no models; pass --model")

    async def _probe_mode(self, model: str) -> ModeChoice:
        probe = instructor.from_openai(self._openai, mode=instructor.Mode.JSON_SCHEMA)
        try:
            await probe.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": 'Answer {"ok": true}'}],
                response_model=_Probe,
                max_retries=0,
                max_tokens=16,
                temperature=0,
            )
        except InstructorRetryException as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            if isinstance(root, openai.APIConnectionError | openai.APITimeoutError):
                raise EndpointError(self.provider, f"unreachable: {_describe(root)}") from e
            if isinstance(root, openai.APIStatusError):
                return ModeChoice.TOOLS
            return ModeChoice.JSON_SCHEMA  # it answered; the tiny reply just did not parse
        return ModeChoice.JSON_SCHEMA

    async def extract(self, messages: list[dict[str, str]]) -> ChunkExtraction:
        """One chunk's answer, validated (with re-asks)."""
        model, mode = await self.setup()
        client = instructor.from_openai(self._openai, mode=INSTRUCTOR_MODES[mode])
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "response_model": ChunkExtraction,
            "max_retries": self.config.max_reasks,
            "temperature": self.config.temperature,
            "frequency_penalty": self.config.frequency_penalty,
            "max_tokens": self.config.max_output_tokens,
            "seed": self.config.seed,
        }
        try:
            result: ChunkExtraction = await client.chat.completions.create(**kwargs)
        except InstructorRetryException as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            if isinstance(root, openai.OpenAIError):
                raise EndpointError(self.provider, _describe(root)) from e
            last = e.last_completion
            raise ResponseInvalid(
                f"the model's answer did not validate after {e.n_attempts} attempt(s): "
                f"{str(e).splitlines()[0][:300]}",
                attempts=int(e.n_attempts or 0),
                last_completion=None if last is None else str(last)[:2000],
            ) from e
        except openai.OpenAIError as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            raise EndpointError(self.provider, _describe(e)) from e
        return result

    async def aclose(self) -> None:
        await self._openai.close()
        await self.transport.aclose()
        if self._cache is not None:
            self._cache.close()


def _root(error: BaseException) -> BaseException:
    """The innermost cause that is ours or the OpenAI client's."""
    seen: BaseException = error
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, ReplayMiss):
            return current
        if isinstance(current, openai.OpenAIError):
            seen = current
        current = current.__cause__ or current.__context__
    return seen


def _describe(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}: {str(error.message)[:200]}"
    if isinstance(error, openai.APITimeoutError):
        return "request timed out"
    if isinstance(error, openai.APIConnectionError):
        return f"connection failed ({error.__cause__ or error})"
    return str(error)[:300]
