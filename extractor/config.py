"""Typed configuration. Precedence everywhere: argument, then environment variable, then default.

- data folder: ``--home``, ``EXTRACTOR_HOME``, default ``~/.cache/extractor``
- endpoint URL: ``--base-url``, ``EXTRACTOR_BASE_URL`` then ``OPENAI_BASE_URL``; none means
  the embedded local model
- model name: ``--model``, ``EXTRACTOR_MODEL``; see below
- API key: ``--api-key``, ``EXTRACTOR_API_KEY`` then ``OPENAI_API_KEY``; default "not-needed"
- local model file: ``--model-path``, ``EXTRACTOR_MODEL_PATH``; default the registry's model
- concurrency: ``--concurrency``; default for the embedded model what the machine allows
  (``auto_slots``: one slot per two cores, at most four, within half the free memory), 1 for
  an endpoint

With no endpoint the embedded local model runs in-process; its model name is the registry
entry's name (or the GGUF file's stem). With an endpoint and no model name, the endpoint's
first listed model is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from extractor.errors import ConfigError

__all__ = [
    "DEFAULT_HOME",
    "DEFAULT_PROMPT",
    "Backend",
    "ExtractorConfig",
    "ModeChoice",
    "auto_slots",
    "available_threads",
    "home_dir",
]

DEFAULT_HOME = "~/.cache/extractor"
"""The data folder (response cache, models) when neither ``--home`` nor ``EXTRACTOR_HOME``
names one."""

KV_BYTES_PER_TOKEN = 28 * 1024
"""KV-cache bytes per context token of the default 1.5B model (28 layers x 2 KV heads x 128
dims x K and V x f16); keeps the automatic slot count within memory."""

MAX_AUTO_SLOTS = 4
"""Batched decoding on a CPU gains little past a few sequences, and each slot costs KV memory."""


def available_threads() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def auto_slots(ctx_per_slot: int, *, cores: int | None = None, memory: int | None = None) -> int:
    """How many parallel slots this machine allows the embedded model: one per two cores, at
    most ``MAX_AUTO_SLOTS``, and no more than half the available memory holds as KV cache.
    Measured on 2 cores (BENCHMARKS.md, "Embedded engine" and "Parallel slots"): 2 slots took
    1.05x and 4 slots 1.36x the wall time of 1 on two documents. Batched decoding alone gains
    at most 1.16x at 4 slots there (the CPU, not memory, bounds a decoding step), and each
    slot reads the shared instructions itself; more slots pay only where cores are to
    spare."""
    cores = available_threads() if cores is None else cores
    slots = min(MAX_AUTO_SLOTS, max(1, cores // 2))
    memory = _available_memory() if memory is None else memory
    if memory is not None:
        slots = min(slots, max(1, memory // 2 // (KV_BYTES_PER_TOKEN * ctx_per_slot)))
    return max(1, slots)


def home_dir(
    explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """The folder for the response cache and model files (created on first use by callers)."""
    environ = os.environ if env is None else env
    if explicit is not None:
        return Path(explicit).expanduser()
    if environ.get("EXTRACTOR_HOME"):
        return Path(environ["EXTRACTOR_HOME"]).expanduser()
    return Path(DEFAULT_HOME).expanduser()


class Backend(StrEnum):
    """Where the model runs."""

    AUTO = "auto"
    ENDPOINT = "endpoint"
    LOCAL = "local"


class ModeChoice(StrEnum):
    """How structured output is requested (instructor modes); ``auto`` probes the endpoint."""

    AUTO = "auto"
    TOOLS = "tools"
    JSON_SCHEMA = "json_schema"
    JSON = "json"
    MD_JSON = "md_json"


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


DEFAULT_PROMPT = "extract.v1+verify.v1+window.v2"
"""The default prompt: the one-call prompt; a second look, indicators only, at each sentence
that still holds a figure no record writes (EXPERIMENTS rows WIN3, WT); and one more call
that labels the projects of a document of three chunks or more (rows VF, VFL). ``extract.v1``
alone until 2026-12-05, then ``extract.v1+verify.v1``."""


@dataclass(frozen=True, slots=True)
class ExtractorConfig:
    """Everything a run needs; build it with ``ExtractorConfig.resolve`` to apply the
    environment."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    backend: Backend = Backend.AUTO
    model_path: Path | None = None
    mode: ModeChoice = ModeChoice.AUTO
    home: Path = field(default_factory=home_dir)
    concurrency: int | None = None  # None: see effective_concurrency
    threads: int = 0  # the embedded model's CPU threads; 0: every core this process may use
    timeout: float = 600.0
    retries: int = 4
    max_reasks: int = 2
    cache: bool = True
    replay: bool = False
    record: bool = False
    recordings: Path | None = None
    chunk_tokens: int = 400  # 250 and 600 measured (CK, C6, C6S): neither is better overall
    overlap_tokens: int = 50  # 0 measured (OL0): indicators lean worse, no call saved
    keep_ungrounded: bool = False
    prompt: str = DEFAULT_PROMPT
    prompts_dir: Path | None = None
    temperature: float = 0.0
    frequency_penalty: float = 0.3  # 0, 0.15 tried (FP0, FP15): roles lose more than figures gain
    max_output_tokens: int = 1024
    seed: int = 0
    max_document_bytes: int = 1_000_000  # a larger document fails alone, with the reason

    def __post_init__(self) -> None:
        # Accept plain strings from callers (the library API takes keywords): coerce once.
        try:
            object.__setattr__(self, "backend", Backend(self.backend))
            object.__setattr__(self, "mode", ModeChoice(self.mode))
        except ValueError as e:
            raise ConfigError(str(e)) from e
        for name in ("home", "model_path", "recordings", "prompts_dir"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value).expanduser())
        if self.concurrency is not None and self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        if self.threads < 0:
            raise ConfigError("threads must be at least 0 (0: every core)")
        if self.timeout <= 0:
            raise ConfigError("timeout must be positive")
        if self.chunk_tokens < 50:
            raise ConfigError("chunk_tokens must be at least 50")
        if self.max_document_bytes < 1:
            raise ConfigError("max_document_bytes must be at least 1")
        if self.max_reasks < 0 or self.retries < 1:
            raise ConfigError("max_reasks must be >= 0 and retries >= 1")

    @classmethod
    def resolve(cls, env: Mapping[str, str] | None = None, **arguments: object) -> ExtractorConfig:
        """Arguments (those not None) win over the environment, which wins over defaults."""
        environ = os.environ if env is None else env
        given = {k: v for k, v in arguments.items() if v is not None}
        unknown = set(given) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        from_env: dict[str, object] = {
            "base_url": _first(environ.get("EXTRACTOR_BASE_URL"), environ.get("OPENAI_BASE_URL")),
            "model": environ.get("EXTRACTOR_MODEL") or None,
            "api_key": _first(environ.get("EXTRACTOR_API_KEY"), environ.get("OPENAI_API_KEY")),
            "model_path": Path(environ["EXTRACTOR_MODEL_PATH"]).expanduser()
            if environ.get("EXTRACTOR_MODEL_PATH")
            else None,
            "home": home_dir(env=environ),
        }
        merged = {k: v for k, v in from_env.items() if v is not None} | given
        return replace(cls(), **merged)  # type: ignore[arg-type]

    @property
    def effective_backend(self) -> Backend:
        """``endpoint`` when a URL is set (or asked for), else ``local``."""
        if self.backend is not Backend.AUTO:
            return self.backend
        return Backend.ENDPOINT if self.base_url else Backend.LOCAL

    @property
    def context_per_slot(self) -> int:
        """Context the embedded model needs per request: the instructions and examples, a
        chunk with its overlap and the answer, rounded up to a power of two."""
        needed = 1800 + self.chunk_tokens * 2 + self.max_output_tokens * 3
        return min(32768, 1 << (needed - 1).bit_length())

    @property
    def effective_concurrency(self) -> int:
        """Model calls in flight: as given, else the embedded model's slots, else 1."""
        if self.concurrency is not None:
            return self.concurrency
        if self.effective_backend is Backend.LOCAL:
            return auto_slots(self.context_per_slot)
        return 1
