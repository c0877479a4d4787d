"""A loopback proxy in front of the model server that times every model call.

Every system under test talks to the model only through this proxy, so one measurement
covers all three the same way: the number of calls, the prompt and completion tokens the
server reports, and the *model-wait* time, the union of the intervals during which at least
one request was open. Wall time minus model-wait is the pipeline's own overhead.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.server import free_port

__all__ = ["Call", "Meter"]


@dataclass(frozen=True, slots=True)
class Call:
    start: float
    end: float
    status: int
    prompt_tokens: int
    completion_tokens: int


@dataclass(slots=True)
class Meter:
    """Proxy ``upstream`` (a ``/v1`` base URL) on a free port while in a ``with`` block."""

    upstream: str
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> None:
        self.calls.clear()

    def model_wait(self) -> float:
        """Seconds during which at least one call was open."""
        total, reach = 0.0, float("-inf")
        for call in sorted(self.calls, key=lambda c: c.start):
            if call.end > reach:
                total += call.end - max(call.start, reach)
                reach = call.end
        return total

    async def _forward(self, request: Request) -> Response:
        body = await request.body()
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in {"content-type", "authorization", "accept"}
        }
        start = time.monotonic()
        async with httpx.AsyncClient(timeout=None) as client:
            upstream = await client.request(
                request.method,
                self.upstream.rstrip("/") + "/" + request.path_params["path"],
                content=body,
                headers=headers,
            )
        end = time.monotonic()
        usage: dict[str, int] = {}
        with contextlib.suppress(ValueError, AttributeError):
            usage = json.loads(upstream.content).get("usage") or {}
        if request.method == "POST":
            self.calls.append(
                Call(
                    start,
                    end,
                    upstream.status_code,
                    int(usage.get("prompt_tokens", 0)),
                    int(usage.get("completion_tokens", 0)),
                )
            )
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type"),
        )

    def __enter__(self) -> Meter:
        app = Starlette(routes=[Route("/v1/{path:path}", self._forward, methods=["GET", "POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        while not self._server.started:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.should_exit = True
        self._thread.join(10)
