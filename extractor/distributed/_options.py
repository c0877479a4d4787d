"""How a run is spread over Ray: the cluster, the endpoints, the actors and their batches.

Precedence as everywhere: argument, then environment variable, then default.

- cluster: ``--ray [ADDRESS]``; none or ``local`` starts a loopback instance on this machine
- endpoints: ``--base-url`` / ``EXTRACTOR_BASE_URL`` as a comma-separated list
- actors: ``EXTRACTOR_RAY_ACTORS``; default one per endpoint
- documents per batch: ``EXTRACTOR_RAY_BATCH_SIZE``; default 16
- CPUs reserved per actor: ``EXTRACTOR_RAY_ACTOR_CPUS``; default 0.5 (actors mostly wait on
  the model)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from extractor.config import ExtractorConfig
from extractor.distributed._cluster import LOCAL
from extractor.errors import ConfigError

__all__ = ["RayOptions", "endpoints_of", "portable"]


def endpoints_of(config: ExtractorConfig) -> list[str | None]:
    """The endpoints named by ``base_url`` (a comma-separated list); ``[None]`` when there is
    none (the embedded model, or replay)."""
    urls = [part.strip() for part in (config.base_url or "").split(",") if part.strip()]
    return list(dict.fromkeys(urls)) or [None]


def portable(config: ExtractorConfig) -> ExtractorConfig:
    """The config with its paths made absolute, so that actors started in another working
    folder (or on another machine with the same layout) find the same files."""
    paths: dict[str, Path] = {}
    for name in ("home", "model_path", "recordings", "prompts_dir"):
        value = getattr(config, name)
        if isinstance(value, Path):
            paths[name] = value.expanduser().resolve()
    return replace(config, **paths)  # type: ignore[arg-type]


def _number(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as e:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from e


@dataclass(frozen=True, slots=True)
class RayOptions:
    """Where and how wide to run; build it with ``RayOptions.resolve`` to apply the
    environment."""

    address: str = LOCAL
    """``local`` (a loopback instance here), ``auto`` or a cluster address."""
    actors: int | None = None
    """Actors in the pool; ``None``: one per endpoint."""
    batch_size: int = 16
    """Documents per batch: what one actor extracts at a time, and what is retried when the
    actor dies."""
    actor_cpus: float = 0.5
    """CPUs Ray reserves for each actor."""
    num_cpus: int | None = None
    """CPUs of a local instance; ``None``: all of this machine's."""

    def __post_init__(self) -> None:
        if self.actors is not None and self.actors < 1:
            raise ConfigError("the pool needs at least one actor")
        if self.batch_size < 1:
            raise ConfigError("the batch size must be at least 1")
        if self.actor_cpus < 0:
            raise ConfigError("actor CPUs cannot be negative")

    @classmethod
    def resolve(cls, env: Mapping[str, str] | None = None, **arguments: object) -> RayOptions:
        """Arguments (those not None) win over the environment, which wins over defaults."""
        environ = os.environ if env is None else env
        actors = _number(environ, "EXTRACTOR_RAY_ACTORS")
        batch = _number(environ, "EXTRACTOR_RAY_BATCH_SIZE")
        cpus = _number(environ, "EXTRACTOR_RAY_ACTOR_CPUS")
        from_env: dict[str, object] = {
            "actors": None if actors is None else int(actors),
            "batch_size": None if batch is None else int(batch),
            "actor_cpus": cpus,
        }
        given = {k: v for k, v in arguments.items() if v is not None}
        unknown = set(given) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"unknown Ray option(s): {', '.join(sorted(unknown))}")
        merged = {k: v for k, v in from_env.items() if v is not None} | given
        return replace(cls(), **merged)  # type: ignore[arg-type]

    def pool_size(self, endpoints: int) -> int:
        """The number of actors for this many endpoints."""
        return self.actors if self.actors is not None else max(1, endpoints)
