"""The service's settings: where it listens, who may call it, and its limits.

Precedence as everywhere in the package: argument, then environment variable, then default.

- bearer tokens: ``tokens``, ``EXTRACTOR_SERVER_TOKENS`` (comma-separated), then the file named
  by ``tokens_file`` or ``EXTRACTOR_SERVER_TOKENS_FILE`` (one token a line, ``#`` comments)
- with no token the server only binds a loopback address (``127.0.0.1``, ``::1``,
  ``localhost``): an open API is never put on a network by accident
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import ConfigError

__all__ = ["LOOPBACK_HOSTS", "Limits", "ServiceSettings", "read_tokens"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request or the whole server may ask for (over a limit: 413 or 429)."""

    max_body_bytes: int = 10 * 1024 * 1024
    max_documents_per_job: int = 1000
    max_document_chars: int = 200_000
    max_running_jobs: int = 2
    max_queued_jobs: int = 100
    max_waiting_extracts: int = 1000
    """``POST /v1/extract`` requests in progress at once; more are refused with 429."""

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            if getattr(self, name) < 1:
                raise ConfigError(f"limit {name} must be at least 1")


def read_tokens(path: Path) -> list[str]:
    """Tokens from a file: one a line, blank lines and ``#`` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"cannot read the token file {path}: {e.strerror or e}") from e
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """How the server runs; build it with ``ServiceSettings.resolve`` to apply the
    environment. ``tokens`` is never printed (its repr is hidden)."""

    host: str = "127.0.0.1"
    port: int = 8000
    tokens: tuple[str, ...] = field(default=(), repr=False)
    limits: Limits = field(default_factory=Limits)
    shutdown_grace: float = 10.0
    """Seconds a SIGTERM waits for documents in progress before checkpointing them."""
    access_log: bool = True

    def __post_init__(self) -> None:
        if not self.tokens and self.host not in LOOPBACK_HOSTS:
            raise ConfigError(
                f"refusing to listen on {self.host} without authentication: set "
                "EXTRACTOR_SERVER_TOKENS (or --tokens-file), or listen on 127.0.0.1"
            )
        if any(not t or t != t.strip() or "," in t for t in self.tokens):
            raise ConfigError("a token must be non-empty, without spaces at its ends or commas")

    @property
    def auth(self) -> bool:
        return bool(self.tokens)

    @classmethod
    def resolve(
        cls,
        *,
        host: str | None = None,
        port: int | None = None,
        tokens: Sequence[str] | None = None,
        tokens_file: Path | None = None,
        limits: Limits | None = None,
        shutdown_grace: float | None = None,
        access_log: bool | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ServiceSettings:
        environ = os.environ if env is None else env
        found: list[str] = []
        if tokens is not None:
            found = [t.strip() for t in tokens if t.strip()]
        elif environ.get("EXTRACTOR_SERVER_TOKENS"):
            found = [t.strip() for t in environ["EXTRACTOR_SERVER_TOKENS"].split(",") if t.strip()]
        else:
            file = tokens_file or (
                Path(environ["EXTRACTOR_SERVER_TOKENS_FILE"]).expanduser()
                if environ.get("EXTRACTOR_SERVER_TOKENS_FILE")
                else None
            )
            if file is not None:
                found = read_tokens(file)
                if not found:
                    raise ConfigError(f"the token file {file} holds no token")
        given: dict[str, object] = {
            "host": host,
            "port": port,
            "limits": limits,
            "shutdown_grace": shutdown_grace,
            "access_log": access_log,
        }
        return cls(tokens=tuple(found), **{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]
