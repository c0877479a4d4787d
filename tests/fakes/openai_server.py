"""A real OpenAI-compatible HTTP server on 127.0.0.1 that answers from a script.

It serves ``GET /v1/models`` and ``POST /v1/chat/completions`` from a thread, so the sync API,
the async API and a CLI subprocess all talk to it over real sockets. Every request is recorded
(method, path, JSON body, arrival time). Chat requests are answered by the queued replies first
(``script``), then by ``fallback`` (by default: the extraction ``answers`` picks for the
article in the request). Replies can be delayed, compressed or carry any status and headers.

Fault switches: ``chat_completion(..., finish_reason="length")`` (an answer cut at the token
limit), ``error_in_200`` (an error body with HTTP 200), ``FakeOpenAI.fail_probes`` (the mode
probe answered with a status, e.g. 429, a number of times) and ``FakeOpenAI.slow_start``
(every request answered 503 "Loading model" for a while, as llama.cpp's server does).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmarks.server import free_port as unused_port

__all__ = [
    "FakeOpenAI",
    "Reply",
    "Seen",
    "chat_completion",
    "error_body",
    "error_in_200",
    "running_fake",
    "unused_port",
]

MODEL = "fake-model"


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    body: dict[str, Any] | None
    headers: Mapping[str, str]
    at: float

    @property
    def user_text(self) -> str:
        """The user message with the chunk's numbered sentences: the last one that starts with
        "Sentences:" (example turns come before it, re-asks after it), else the first."""
        messages = (self.body or {}).get("messages") or []
        users = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
        questions = [u for u in users if u.startswith("Sentences:")]
        return questions[-1] if questions else users[0] if users else ""

    @property
    def wants_tools(self) -> bool:
        return bool((self.body or {}).get("tools"))

    @property
    def is_probe(self) -> bool:
        """The client's structured-output probe (``--mode auto``)."""
        return self.user_text.startswith('Answer {"ok"')


@dataclass(slots=True)
class Reply:
    """What the server sends back: a JSON body (or raw text), status, headers, a delay, and
    gzip compression when the client accepts it (as api.openai.com does)."""

    body: dict[str, Any] | str = field(default_factory=dict)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    compress: bool = False


Responder = Callable[[Seen], Reply]


def chat_completion(
    seen: Seen,
    answer: Mapping[str, Any] | str,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 30,
    finish_reason: str | None = None,
) -> Reply:
    """A 200 chat completion carrying ``answer`` (a ChunkExtraction as a dict, or raw text)
    where the request's mode expects it: a tool call's arguments for tools, else the content.
    ``finish_reason="length"`` says the answer was cut at the token limit."""
    text = answer if isinstance(answer, str) else json.dumps(answer)
    body = seen.body or {}
    message: dict[str, Any]
    if seen.wants_tools:
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{len(text)}",
                    "type": "function",
                    "function": {"name": name, "arguments": text},
                }
            ],
        }
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": text}
        finish = "stop"
    return Reply(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1700000000,
            "model": body.get("model", MODEL),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason or finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def error_body(status: int, message: str) -> dict[str, Any]:
    """An OpenAI-style error payload."""
    return {"error": {"message": message, "type": "server_error", "code": status}}


def error_in_200(message: str) -> Reply:
    """An error payload sent with HTTP 200, as some proxies and servers do."""
    return Reply(error_body(500, message), status=200)


class FakeOpenAI:
    """The scripted server; use ``running_fake()`` to start and stop it."""

    def __init__(self, answers: Responder | None = None, *, model: str = MODEL) -> None:
        self.models = [model]
        self.fallback: Responder = answers or (lambda seen: chat_completion(seen, {}))
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: list[Reply | Responder] = []
        self._probe_failures: list[Reply] = []
        self._loading_until = 0.0
        self._loading_for: float | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def script(self, *replies: Reply | Responder) -> None:
        """Queue replies for the next chat requests, in order."""
        with self._lock:
            self._queue.extend(replies)

    def fail_probes(self, status: int, times: int = 1, message: str = "rate limited") -> None:
        """Answer the next ``times`` mode probes with ``status`` (429: rate limited)."""
        with self._lock:
            self._probe_failures.extend(
                Reply(error_body(status, message), status=status) for _ in range(times)
            )

    def slow_start(self, seconds: float) -> None:
        """Answer every request with 503 "Loading model" for ``seconds`` from the first request
        that arrives (counting from the request, not from this call, keeps a slow client on a
        busy machine from missing the window)."""
        with self._lock:
            self._loading_for = seconds

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes delayed replies at once
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # called from the handler threads
    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _respond(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            if self._loading_for is not None:
                self._loading_until = seen.at + self._loading_for
                self._loading_for = None
            if seen.at < self._loading_until:
                return Reply(error_body(503, "Loading model"), status=503)
            if seen.is_probe and self._probe_failures:
                return self._probe_failures.pop(0)
            if seen.method == "GET" and seen.path.rstrip("/").endswith("/models"):
                return Reply(
                    {
                        "object": "list",
                        "data": [
                            {"id": m, "object": "model", "created": 0, "owned_by": "test"}
                            for m in self.models
                        ],
                    }
                )
            if not seen.path.endswith("/chat/completions") or seen.method != "POST":
                return Reply(error_body(404, f"no route {seen.method} {seen.path}"), status=404)
            queued = self._queue.pop(0) if self._queue else self.fallback
        return queued if isinstance(queued, Reply) else queued(seen)

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    """The HTTP server of one ``FakeOpenAI``, which its handlers answer for."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeOpenAI
    ) -> None:
        super().__init__(address, handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK (about 40 ms an answer), and the "instant" server is not instant.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        assert isinstance(self.server, _Server)
        fake = self.server.fake
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        seen = Seen(
            method=self.command,
            path=self.path,
            body=body,
            headers={k.lower(): v for k, v in self.headers.items()},
            at=time.monotonic(),
        )
        fake._enter()
        try:
            reply = fake._respond(seen)
            if reply.delay:
                fake._wait(reply.delay)
        finally:
            fake._leave()
        payload = (
            reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body).encode()
        )
        headers = {"content-type": "application/json", **reply.headers}
        if reply.compress and "gzip" in seen.headers.get("accept-encoding", ""):
            payload = gzip.compress(payload)
            headers["content-encoding"] = "gzip"
        try:
            self.send_response(reply.status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # the client gave up (a timeout test)

    do_GET = _handle
    do_POST = _handle


@contextmanager
def running_fake(answers: Responder | None = None) -> Iterator[FakeOpenAI]:
    """A started ``FakeOpenAI``, stopped on exit."""
    fake = FakeOpenAI(answers)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
