"""HTTP transports under the OpenAI client: response cache/replay and transient retries.

    AsyncOpenAI -> CachingTransport -> RetryingTransport -> network, or the in-process model

Caching at the HTTP layer keys every request (re-asks included) on exactly what was sent,
so a second run of the same input makes no model call, and ``--replay`` serves recorded
responses of a real model through the same parsing and re-ask path as a live run.

Only accepted answers are cached: the answers to one unit of work (a chunk) wait in its
``CallContext`` until the client accepts the final one (``CachingTransport.accept``), and are
then cached together, the re-asks that led there included, so that a rerun replays the same
path without a request. An answer that never validated or was cut at the token limit is
asked again on the next run. An HTTP 200 whose body is an error (some servers answer so) is
an endpoint failure: retried like a 5xx, and passed on as HTTP 502 with the server's message.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC

import httpx2
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from extractor.errors import ReplayMiss
from extractor.llm.store import RecordingStore, ResponseStore, request_key

__all__ = [
    "CachingTransport",
    "CallContext",
    "RetryingTransport",
    "UsageMeter",
    "current_call",
]

RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(slots=True)
class UsageMeter:
    """Model usage of one unit of work (a document), re-asks and probes included."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # prompt tokens the server reused from its prefix cache
    cache_hits: int = 0
    model_seconds: float = 0.0


@dataclass(slots=True)
class CallContext:
    """What the current request is for: used to name a replay miss and to meter usage."""

    doc_id: str = "?"
    chunk: int = -1
    meter: UsageMeter = field(default_factory=UsageMeter)
    # answers waiting for the client to accept them: (key, model, body)
    pending: list[tuple[str, str, str]] = field(default_factory=list)


current_call: ContextVar[CallContext | None] = ContextVar("current_call", default=None)


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: the caller falls back to backoff
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0.0, parsed.timestamp() - time.time())


def _error_in_200(response: httpx2.Response, content: bytes) -> str | None:
    """The server's message when a 200 answer carries an error instead of a completion."""
    if response.status_code != 200 or b'"error"' not in content:
        return None
    try:
        payload = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or "error" not in payload or "choices" in payload:
        return None
    error = payload["error"]
    message = error.get("message") if isinstance(error, dict) else error
    return str(message or "no message")[:300]


def _as_bad_gateway(message: str) -> httpx2.Response:
    """A 200-with-an-error as the 502 it amounts to (the OpenAI client raises on it)."""
    body = {"error": {"message": f"the endpoint answered HTTP 200 with an error: {message}"}}
    return httpx2.Response(502, json=body)


class RetryingTransport(httpx2.AsyncBaseTransport):
    """Retries connection errors, timeouts, 408/409/429 and 5xx with exponential backoff and
    jitter, waiting what ``Retry-After`` asks for when the server says. An HTTP 200 carrying
    an error body is retried too, and comes out as HTTP 502 when the attempts run out."""

    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport,
        *,
        attempts: int = 4,
        max_wait: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner = inner
        self.attempts = max(1, attempts)
        self.backoff = wait_random_exponential(multiplier=0.5, max=max_wait)
        self.max_wait = max_wait
        self._sleep = sleep

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _RetryableStatus):
            after = _retry_after(error.response)
            if after is not None:
                return min(after, self.max_wait)
        return float(self.backoff(state))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((httpx2.TransportError, _RetryableStatus)),
            reraise=True,
            sleep=self._sleep,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    fresh = httpx2.Request(
                        request.method,
                        request.url,
                        headers=request.headers,
                        content=body,
                        extensions=request.extensions,
                    )
                    response = await self.inner.handle_async_request(fresh)
                    content = await response.aread()
                    if response.status_code in RETRY_STATUS:
                        raise _RetryableStatus(response)
                    message = _error_in_200(response, content)
                    if message is not None:
                        raise _RetryableStatus(_as_bad_gateway(message))
        except _RetryableStatus as last:
            return last.response
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class _RetryableStatus(Exception):
    def __init__(self, response: httpx2.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _model_of(body: bytes) -> str:
    """The model a request body names ("" when it names none or is no JSON object)."""
    try:
        request = json.loads(body)
    except ValueError:
        return ""
    return str(request.get("model", "")) if isinstance(request, dict) else ""


class CachingTransport(httpx2.AsyncBaseTransport):
    """Serves and stores responses; meters usage into the current ``CallContext``.

    New answers are recorded at once (with ``record``) but cached only when ``accept`` is
    called for their ``CallContext``."""

    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport | None,
        *,
        cache: ResponseStore | None,
        recordings: RecordingStore | None,
        record: bool = False,
        replay: bool = False,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.recordings = recordings
        self.record = record
        self.replay = replay

    def _lookup(self, key: str, body: bytes, context: CallContext) -> tuple[int, str] | None:
        """The recorded answer, else the cached one; with ``record``, a cached answer the
        recordings lack is recorded too, so that recordings can be completed from the cache
        (``--record --replay``) without asking the model again."""
        if self.recordings is not None and (found := self.recordings.get(key)) is not None:
            return found
        found = self.cache.get(key) if self.cache is not None else None
        if found is not None and self.record and self.recordings is not None:
            status, text = found
            model = _model_of(body)
            self.recordings.put(key, model, status, text, f"{context.doc_id}#{context.chunk}")
        return found

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        key = request_key(request.url.path, body)
        context = current_call.get() or CallContext()
        meter = context.meter
        found = self._lookup(key, body, context) if request.method == "POST" else None
        if found is not None:
            meter.cache_hits += 1
            status, text = found
            return httpx2.Response(
                status, content=text.encode(), headers={"content-type": "application/json"}
            )
        if self.replay or self.inner is None:
            raise ReplayMiss(context.doc_id, context.chunk, key)
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        meter.model_seconds += time.perf_counter() - started
        if request.method != "POST":
            return response
        meter.calls += 1
        message = _error_in_200(response, content)
        if message is not None:
            return _as_bad_gateway(message)
        text = content.decode("utf-8", "replace")
        model = ""
        try:
            payload = json.loads(text)
            usage = payload.get("usage") or {}
            meter.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            meter.completion_tokens += int(usage.get("completion_tokens") or 0)
            details = usage.get("prompt_tokens_details") or {}
            meter.cached_prompt_tokens += int(details.get("cached_tokens") or 0)
            model = _model_of(body)
        except (json.JSONDecodeError, AttributeError, TypeError, ValueError):
            payload = None
        if response.status_code == 200 and isinstance(payload, dict):
            if self.cache is not None:
                context.pending.append((key, model, text))
            if self.record and self.recordings is not None:
                self.recordings.put(key, model, 200, text, f"{context.doc_id}#{context.chunk}")
        # ``content`` is already decoded: pass it on without the headers that described
        # the encoded body, or the client would decode it a second time.
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in _BODY_HEADERS
        }
        return httpx2.Response(response.status_code, content=content, headers=headers)

    def accept(self, context: CallContext) -> None:
        """Cache the answers waiting in ``context``: the client accepted the last of them."""
        if self.cache is not None:
            for key, model, text in context.pending:
                self.cache.put(key, model, 200, text)
        context.pending.clear()

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()
