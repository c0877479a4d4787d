"""The model client: instructor on ``AsyncOpenAI``, over the transports of this package.

One ``ModelClient`` serves a whole run. It resolves the model name and the structured-output
mode once (``auto`` probes an endpoint with a tiny ``json_schema`` request and falls back to
tools when the endpoint says it cannot do that format: llama.cpp's server answers with HTTP
500 naming it; a 429 or another 5xx is retried, and a probe that keeps failing is an
``EndpointError``), then answers one request per ``extract`` call, feeding validation errors
back to the model for a bounded number of re-asks. An answer cut at the output token limit
is asked again once with twice the budget, then fails its document (``ResponseTruncated``).
Failures come out as this package's exceptions, naming the provider; the API key and any
credentials in the endpoint URL are blanked from every message.
The caller names the response model of each call; this package imports nothing from
``extractor.pipeline``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import logging
import re
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx2
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.processing import response_schema
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_exponential_jitter,
)

from extractor.config import Backend, ExtractorConfig, ModeChoice
from extractor.errors import (
    BackendUnavailable,
    ConfigError,
    EndpointError,
    ProvisioningError,
    ReplayMiss,
    ResponseInvalid,
    ResponseTruncated,
)
from extractor.llm.engine import EngineSettings
from extractor.llm.local import LocalTransport
from extractor.llm.store import RecordingStore, ResponseStore
from extractor.llm.transport import CachingTransport, CallContext, RetryingTransport, current_call
from extractor.provisioning.lookup import resolve_model_path
from extractor.provisioning.registry import default_registry

__all__ = ["CONNECT_WAIT", "INSTRUCTOR_MODES", "AnswerT", "ModelClient"]

INSTRUCTOR_MODES: dict[ModeChoice, instructor.Mode] = {
    ModeChoice.TOOLS: instructor.Mode.TOOLS,
    ModeChoice.JSON_SCHEMA: instructor.Mode.JSON_SCHEMA,
    ModeChoice.JSON: instructor.Mode.JSON,
    ModeChoice.MD_JSON: instructor.Mode.MD_JSON,
}
_LOCAL_URL = "http://localhost/v1"  # never contacted: the in-process transport answers
PROBE_ATTEMPTS = 4
"""Mode probes answered with 429 or a 5xx that does not name the format, before giving up."""
CONNECT_WAIT = wait_exponential(multiplier=1, max=5)
"""Waits between the connection attempts of setup (``retries`` of them): 1, 2, 4, then 5 s."""
TRUNCATION_BUDGETS = (1, 2)
"""Output token budgets tried for one chunk, as multiples of ``max_output_tokens``."""
# An error that says the endpoint cannot do the requested structured-output format.
_NAMES_FORMAT = re.compile(
    r"json[_ ]?schema|response[_ ]?format|structured output|grammar|schema", re.IGNORECASE
)
_SECRET_QUERY = re.compile(r"key|token|secret|password|auth", re.IGNORECASE)
_log = logging.getLogger("extractor.llm")
_Model = TypeVar("_Model", bound=BaseModel)

AnswerT = TypeVar("AnswerT", bound=BaseModel)


class _Probe(BaseModel):
    ok: bool


class _ProbeBusy(Exception):
    """The probe met a 429 or a 5xx that says nothing of the format: ask again later."""


@functools.cache
def _prepared(model: type[_Model]) -> type[_Model]:
    """``model`` wrapped as instructor wraps a response model, built once, with its JSON
    schema computed once: instructor otherwise rebuilds both on every call."""
    wrapped = response_schema(model)
    schema = wrapped.model_json_schema()
    generate = wrapped.model_json_schema

    def model_json_schema(*args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return generate(*args, **kwargs)
        return copy.deepcopy(schema)

    wrapped.model_json_schema = model_json_schema  # type: ignore[method-assign]
    return wrapped


def _secrets(config: ExtractorConfig) -> list[str]:
    """What must never be shown: the API key and the credentials inside the endpoint URL."""
    found = [config.api_key or ""]
    if config.base_url:
        with contextlib.suppress(ValueError):
            parts = urlsplit(config.base_url)
            found += [parts.username or "", parts.password or ""]
            if "@" in parts.netloc:
                found += parts.netloc.rsplit("@", 1)[0].split(":")  # as written (quoted)
            found += [v for n, v in parse_qsl(parts.query) if _SECRET_QUERY.search(n)]
    # the longest first, so that a key is blanked whole before any part of it
    return sorted({f for f in found if len(f) >= 4}, key=len, reverse=True)


def redact_url(url: str) -> str:
    """``url`` without credentials: userinfo and key-like query values become ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = "***@" + netloc.rsplit("@", 1)[1]
        query = urlencode(
            [
                (name, "***" if _SECRET_QUERY.search(name) else value)
                for name, value in parse_qsl(parts.query, keep_blank_values=True)
            ],
            safe="*",
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return "(an endpoint URL that cannot be shown)"


class ModelClient:
    """Calls the model for chunks; shared by all documents of a run."""

    def __init__(
        self, config: ExtractorConfig, *, inner: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.backend = config.effective_backend
        self.provider = redact_url(config.base_url) if config.base_url else "local model"
        self._secrets = _secrets(config)
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

    def redact(self, text: str) -> str:
        """``text`` with the endpoint URL's credentials and the API key blanked out."""
        if self.config.base_url:
            text = text.replace(self.config.base_url, self.provider)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

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
        endpoint is a setup error (CLI exit 2), not a failure of every document. A refused or
        timed-out connection is tried again, ``retries`` attempts in all, ``CONNECT_WAIT``
        apart, so that a server that is still starting is waited for.

        No HTTP request is sent: with a configured model and mode, a run whose answers are
        all in the cache makes no request at all.
        """
        self._check_connection = False
        url = httpx2.URL(self.config.base_url or "")
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.config.retries)),
            wait=CONNECT_WAIT,
            retry=retry_if_exception_type(OSError),  # TimeoutError is an OSError
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    _, writer = await asyncio.wait_for(
                        asyncio.open_connection(host, port), timeout=self.config.timeout
                    )
        except OSError as e:
            raise EndpointError(
                self.provider, self.redact(f"unreachable: connection failed ({e})")
            ) from e
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    async def _first_model(self) -> str:
        try:
            models = await self._openai.models.list()
        except openai.OpenAIError as e:
            raise ConfigError(
                self.redact(f"{self.provider}: cannot list models ({_describe(e)}); pass --model")
            ) from e
        for model in models.data:
            return model.id
        raise ConfigError(f"{self.provider} lists no models; pass --model")

    async def _probe_mode(self, model: str) -> ModeChoice:
        """``json_schema`` unless the endpoint says it cannot do that format; a 429 or a 5xx
        that does not name the format is asked again, and fails setup if it persists."""
        context = CallContext(doc_id="(mode probe)")
        token = current_call.set(context)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(PROBE_ATTEMPTS),
            # at least 0.5, 1, 2 s: a server that is still loading gets a few seconds
            wait=wait_exponential_jitter(initial=0.5, max=10, jitter=0.5),
            retry=retry_if_exception_type(_ProbeBusy),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    mode, why = await self._probe_once(model)
        except _ProbeBusy as e:
            raise EndpointError(
                self.provider,
                self.redact(
                    f"the structured-output probe failed {PROBE_ATTEMPTS} times ({e}); "
                    "retry later, or pass --mode to skip the probe"
                ),
            ) from e
        finally:
            current_call.reset(token)
        if mode is ModeChoice.JSON_SCHEMA:
            self.transport.accept(context)
        _log.info("mode %s for %s: %s", mode.value, self.provider, self.redact(why))
        return mode

    async def _probe_once(self, model: str) -> tuple[ModeChoice, str]:
        probe = instructor.from_openai(self._openai, mode=instructor.Mode.JSON_SCHEMA)
        try:
            await probe.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": 'Answer {"ok": true}'}],
                response_model=_prepared(_Probe),
                max_retries=0,
                max_tokens=16,
                temperature=0,
            )
        except (InstructorRetryException, openai.OpenAIError) as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            if isinstance(root, openai.APIConnectionError | openai.APITimeoutError):
                raise EndpointError(
                    self.provider, self.redact(f"unreachable: {_describe(root)}")
                ) from e
            if isinstance(root, openai.APIStatusError):
                said = _describe(root)
                if _NAMES_FORMAT.search(str(root.message)):
                    return ModeChoice.TOOLS, f"json_schema is not supported ({said})"
                if root.status_code in (408, 409, 429) or root.status_code >= 500:
                    raise _ProbeBusy(self.redact(said)) from e
                raise EndpointError(
                    self.provider, self.redact(f"the structured-output probe failed: {said}")
                ) from e
            # it answered; the tiny reply just did not parse
            return ModeChoice.JSON_SCHEMA, "the probe was answered"
        return ModeChoice.JSON_SCHEMA, "the probe was answered"

    async def extract(
        self,
        messages: list[dict[str, str]],
        response_model: type[AnswerT],
        *,
        validation_context: dict[str, Any] | None = None,
    ) -> AnswerT:
        """The model's answer to ``messages`` as ``response_model``, validated (with re-asks).

        The response model belongs to the caller (the pipeline's wire formats): this package
        knows nothing of records. ``validation_context`` is handed to the response model's
        validators; an answer they reject is re-asked with their error, at most
        ``max_reasks`` times.
        """
        model, mode = await self.setup()
        client = instructor.from_openai(self._openai, mode=INSTRUCTOR_MODES[mode])
        context = current_call.get()
        token = None
        if context is None:
            context = CallContext()
            token = current_call.set(context)
        try:
            result = await self._extract(
                client, model, messages, response_model, validation_context
            )
        finally:
            if token is not None:
                current_call.reset(token)
        self.transport.accept(context)
        return result

    async def _extract(
        self,
        client: Any,
        model: str,
        messages: list[dict[str, str]],
        response_model: type[AnswerT],
        validation_context: dict[str, Any] | None = None,
    ) -> AnswerT:
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "response_model": _prepared(response_model),
            "max_retries": self.config.max_reasks,
            "temperature": self.config.temperature,
            "frequency_penalty": self.config.frequency_penalty,
            "max_tokens": self.config.max_output_tokens,
            "seed": self.config.seed,
        }
        if validation_context is not None:
            kwargs["context"] = validation_context
        budgets = AsyncRetrying(
            stop=stop_after_attempt(len(TRUNCATION_BUDGETS)),
            retry=retry_if_exception_type(IncompleteOutputException),
            reraise=True,
        )
        try:
            async for attempt in budgets:
                with attempt:
                    factor = TRUNCATION_BUDGETS[attempt.retry_state.attempt_number - 1]
                    kwargs["max_tokens"] = self.config.max_output_tokens * factor
                    result: AnswerT = await client.chat.completions.create(**kwargs)
        except IncompleteOutputException as e:
            raise ResponseTruncated(
                f"the model's answer was cut at the output token limit, also with "
                f"{kwargs['max_tokens']} tokens; raise --max-output-tokens or lower "
                "--chunk-tokens",
                max_tokens=int(kwargs["max_tokens"]),
            ) from e
        except InstructorRetryException as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            if isinstance(root, openai.OpenAIError):
                raise EndpointError(self.provider, self.redact(_describe(root))) from e
            last = e.last_completion
            raise ResponseInvalid(
                self.redact(
                    f"the model's answer did not validate after {e.n_attempts} attempt(s): "
                    f"{str(e).splitlines()[0][:300]}"
                ),
                attempts=int(e.n_attempts or 0),
                last_completion=None if last is None else str(last)[:2000],
            ) from e
        except openai.OpenAIError as e:
            root = _root(e)
            if isinstance(root, ReplayMiss):
                raise root from e
            raise EndpointError(self.provider, self.redact(_describe(e))) from e
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
