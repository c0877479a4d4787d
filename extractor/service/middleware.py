"""ASGI middleware: the body-size limit and the structured access log.

The access log is one JSON line per request on the ``extractor.service.access`` logger:
method, route template, status, milliseconds and the job id when there is one. Never a body,
a query string or a header.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor.service.metrics import ServiceMetrics
from extractor.service.problems import PROBLEM_JSON, TooLarge

__all__ = ["LOG_SCOPE_KEY", "AccessLog", "BodyLimit"]

LOG_SCOPE_KEY = "extractor.log"
"""A dict in the ASGI scope where routes leave what the access line should show."""

access = logging.getLogger("extractor.service.access")


class BodyLimit:
    """Answers 413 to a body over ``limit`` bytes (declared or streamed) before any route
    reads it; smaller bodies are buffered and handed on."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client left; the app sees an empty body
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._refuse(scope, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        buffered: Message | None = {"type": "http.request", "body": b"".join(chunks)}

        async def replay() -> Message:
            nonlocal buffered
            if buffered is not None:
                message, buffered = buffered, None
                return message
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        problem = TooLarge(f"the body is over the limit of {self.limit} bytes")
        payload = problem.body(scope.get("path")).model_dump_json(exclude_none=True).encode()
        await send(
            {
                "type": "http.response.start",
                "status": problem.status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class AccessLog:
    """One JSON line and the request metrics per HTTP request."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, enabled: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        notes: dict[str, Any] = {}
        scope[LOG_SCOPE_KEY] = notes

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.request_seconds.labels(route).observe(seconds)
            if self.enabled:
                job_id = notes.get("job_id") or (scope.get("path_params") or {}).get("job_id")
                line = {
                    "method": method,
                    "route": route,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                    "job_id": job_id,
                }
                access.info(json.dumps(line))
