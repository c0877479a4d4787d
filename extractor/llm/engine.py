"""The embedded engine: llama.cpp's own server code, in-process, from the prebuilt ``xllamacpp``
wheel (no compiler, no source build).

One ``Engine`` holds one loaded GGUF model with N parallel slots. llama.cpp batches the slots'
decoding (continuous batching) and keeps each slot's prompt in its KV cache, so the long shared
prefix of the extraction prompts (instructions and examples) is read once per slot, not once per
chunk. ``Engine.complete`` answers an OpenAI chat-completions body with llama.cpp's own handler
(``json_schema`` response formats become grammar-constrained JSON there); it blocks in native
code that releases the GIL, so callers run it in worker threads, one per slot.

Engines are process-wide: ``acquire`` loads a model once per ``EngineSettings`` and hands the
same engine to every client that asks again (``Extractor`` instances, the sync helpers, the
service), so repeated library calls never reload 1 GB of weights. Unloading is explicit:
``unload`` (or ``extractor.unload_models``).

llama.cpp's server code always opens a listener. In-process it is bound to a Unix socket in a
private temporary folder (mode 0700), never to a TCP port, and nothing in this package connects
to it; ``python -m extractor.llm.serve`` binds it to a loopback port instead, to serve the same
engine over HTTP.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.config import available_threads
from extractor.errors import BackendUnavailable, ConfigError

__all__ = [
    "Engine",
    "EngineSettings",
    "acquire",
    "load_count",
    "loaded",
    "unload",
]


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """What identifies a loaded model: the same settings share one engine per process."""

    model_path: Path
    slots: int = 1
    ctx_per_slot: int = 8192
    threads: int = 0  # 0: every core this process may use

    def __post_init__(self) -> None:
        if self.slots < 1 or self.ctx_per_slot < 256 or self.threads < 0:
            raise ConfigError("engine settings need slots >= 1, ctx_per_slot >= 256, threads >= 0")


class Engine:
    """One loaded model behind llama.cpp's chat-completions handler."""

    def __init__(
        self, settings: EngineSettings, *, listen: tuple[str, int] | None = None, alias: str = ""
    ) -> None:
        try:
            import xllamacpp as xlc
        except ImportError as e:
            raise ConfigError(
                "the embedded backend needs the prebuilt llama.cpp: pip install 'extractor[local]'"
            ) from e
        self.settings = settings
        threads = settings.threads or available_threads()
        params = xlc.CommonParams()
        params.model.path = str(settings.model_path)
        params.n_parallel = settings.slots
        params.n_ctx = settings.ctx_per_slot * settings.slots
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cont_batching = True
        params.cache_prompt = True
        params.endpoint_metrics = True
        params.warmup = False
        params.verbosity = -1  # llama.cpp's own log would bury the progress display
        if alias:
            params.model_alias = {alias}
        self._socket_dir = tempfile.mkdtemp(prefix="extractor-engine-")
        if listen is None:
            params.hostnames = [os.path.join(self._socket_dir, "llama.sock")]
        else:
            params.hostnames, params.port = [listen[0]], listen[1]
        try:
            self._server: Any = xlc.Server(params)
        except Exception as e:  # llama.cpp reports a bad file or too little memory this way
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            raise BackendUnavailable(
                f"llama.cpp could not load {settings.model_path}: {type(e).__name__}: {e}"
            ) from e

    @property
    def address(self) -> str:
        """Where llama.cpp's own HTTP listener is (a private Unix socket unless ``listen``)."""
        return "" if self._server is None else str(self._server.listening_address)

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer one chat-completions request body (blocking; call from a worker thread).

        A failure comes back as llama.cpp's error object (``{"error": {"code", "message"}}``).
        """
        server = self._server
        if server is None:
            return {"error": {"code": 503, "message": "the engine was unloaded"}}
        request = {k: v for k, v in body.items() if k != "stream"}
        result: dict[str, Any] = server.handle_chat_completions(request)
        return result

    def metrics(self) -> str:
        """llama.cpp's Prometheus counters (prompt tokens, cached tokens, decode time...)."""
        if self._server is None:
            return ""
        return str(self._server.handle_metrics())

    def close(self) -> None:
        self._server = None  # the server stops its loop and frees the model when collected
        shutil.rmtree(self._socket_dir, ignore_errors=True)


_lock = threading.Lock()
_engines: dict[EngineSettings, Engine] = {}
_loads = 0


def acquire(
    settings: EngineSettings, factory: Callable[[EngineSettings], Engine] = Engine
) -> Engine:
    """The process's engine for ``settings``, loading the model on first use."""
    global _loads
    with _lock:
        engine = _engines.get(settings)
        if engine is None:
            engine = factory(settings)
            _engines[settings] = engine
            _loads += 1
        return engine


def unload(settings: EngineSettings | None = None) -> int:
    """Unload one engine (or all with ``None``); returns how many were unloaded."""
    with _lock:
        keys = list(_engines) if settings is None else [k for k in _engines if k == settings]
        for key in keys:
            _engines.pop(key).close()
        return len(keys)


def loaded() -> tuple[EngineSettings, ...]:
    """The settings of the engines loaded in this process."""
    with _lock:
        return tuple(_engines)


def load_count() -> int:
    """How many times this process has loaded a model (a reload after ``unload`` counts)."""
    return _loads
