"""Fixtures of the service tests: ``serve_app`` (tests/conftest.py clears the environment)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.service import Limits, ServiceSettings
from service.service_kit import LiveServer, ServeApp, model_config


@pytest.fixture
def serve_app(tmp_path: Path) -> Iterator[ServeApp]:
    """``serve_app(base_url, tokens=(), limits=Limits(), **config)``: a started server."""
    servers: list[LiveServer] = []

    def start(
        base_url: str | None,
        *,
        tokens: tuple[str, ...] = (),
        limits: Limits | None = None,
        home: Path | None = None,
        **config: Any,
    ) -> LiveServer:
        settings = ServiceSettings(tokens=tokens, limits=limits or Limits(), shutdown_grace=2)
        server = LiveServer(settings, model_config(home or tmp_path / "home", base_url, **config))
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()
