"""The embedded backend as an HTTP transport that speaks the OpenAI chat-completions protocol.

The OpenAI client, instructor, the cache and the retries work unchanged on top of it; the
answers come from the process-wide ``Engine`` (llama.cpp in-process, see ``engine``), which is
loaded on the first request and stays loaded when the transport closes. Requests run in worker
threads, at most one per engine slot, so that llama.cpp batches them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import anyio.to_thread
import httpx2

from extractor.llm.engine import Engine, EngineSettings, acquire

__all__ = ["LocalTransport"]

_STATUS_BY_TYPE = {"invalid_request_error": 400, "not_supported_error": 501}


class LocalTransport(httpx2.AsyncBaseTransport):
    """Answers ``POST .../chat/completions`` and ``GET .../models`` from the embedded engine."""

    def __init__(self, settings: EngineSettings, *, model_name: str) -> None:
        self.settings = settings
        self.model_name = model_name
        self._limiter = anyio.CapacityLimiter(settings.slots)
        self._engine: Engine | None = None

    def _complete(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._engine is None:
            self._engine = acquire(self.settings)
        return self._engine.complete(body)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if request.method == "GET" and path.endswith("/models"):
            payload: dict[str, Any] = {
                "object": "list",
                "data": [{"id": self.model_name, "object": "model", "owned_by": "local"}],
            }
            return httpx2.Response(200, json=payload)
        if request.method != "POST" or not path.endswith("/chat/completions"):
            return httpx2.Response(404, json={"error": {"message": f"no route {path}"}})
        try:
            body = json.loads(await request.aread())
        except ValueError as e:
            return httpx2.Response(400, json={"error": {"message": f"invalid JSON body: {e}"}})
        result = await anyio.to_thread.run_sync(self._complete, body, limiter=self._limiter)
        error = result.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            status = code if isinstance(code, int) and 400 <= code < 600 else None
            status = status or _STATUS_BY_TYPE.get(str(error.get("type")), 500)
            return httpx2.Response(status, json={"error": error})
        result["model"] = self.model_name
        result.setdefault("created", int(time.time()))
        return httpx2.Response(200, json=result)

    async def aclose(self) -> None:
        """Nothing to release: the engine outlives its clients (see ``engine.unload``)."""
        self._engine = None
