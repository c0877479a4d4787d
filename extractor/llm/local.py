"""The embedded backend: a GGUF model run in-process by llama-cpp-python, behind an HTTP
transport that speaks the OpenAI chat-completions protocol.

The OpenAI client, instructor, the cache and the retries work unchanged on top of it. A
``json_schema`` response format becomes llama.cpp's grammar-constrained JSON
(``{"type": "json_object", "schema": ...}``), and a named tool choice is constrained the same
way by llama-cpp-python, so a small model cannot emit invalid JSON. Generation runs in a
worker thread (it is CPU-bound native code that releases the GIL), one request at a time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx2

from extractor.errors import ConfigError

__all__ = ["LlamaTransport", "available_threads"]

_PASSED = (
    "messages",
    "tools",
    "tool_choice",
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "stop",
    "presence_penalty",
    "frequency_penalty",
)


def available_threads() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class LlamaTransport(httpx2.AsyncBaseTransport):
    """Answers ``POST .../chat/completions`` and ``GET .../models`` from a local GGUF."""

    def __init__(self, model_path: Path, *, model_name: str, n_ctx: int = 4096) -> None:
        self.model_path = model_path
        self.model_name = model_name
        self.n_ctx = n_ctx
        self._llama: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise ConfigError(
                    "the local backend needs llama-cpp-python: pip install 'extractor[local]'"
                ) from e
            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=available_threads(),
                verbose=False,
            )
        return self._llama

    def _complete(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            llama = self._load()
            kwargs = {k: body[k] for k in _PASSED if body.get(k) is not None}
            response_format = body.get("response_format")
            if isinstance(response_format, dict):
                kind = response_format.get("type")
                if kind == "json_schema":
                    schema = response_format.get("json_schema", {}).get("schema")
                    kwargs["response_format"] = {"type": "json_object", "schema": schema}
                elif kind == "json_object":
                    kwargs["response_format"] = response_format
            result: dict[str, Any] = llama.create_chat_completion(**kwargs)
            result["model"] = self.model_name
            return result

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
        body = json.loads(await request.aread())
        try:
            result = await anyio.to_thread.run_sync(self._complete, body)
        except ConfigError:
            raise
        except Exception as e:  # a llama.cpp failure is the server's error, as over HTTP
            return httpx2.Response(500, json={"error": {"message": f"{type(e).__name__}: {e}"}})
        result.setdefault("created", int(time.time()))
        return httpx2.Response(200, json=result)

    async def aclose(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None
