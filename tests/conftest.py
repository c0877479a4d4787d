"""What holds for every test: no network outside loopback, and no configuration from the
environment of the machine running the tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fakes.network import NetworkGuard

CONFIGURATION_PREFIXES = ("EXTRACTOR_", "OPENAI_")
"""Environment variables that configure the extractor or the OpenAI client."""


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Sockets reach loopback only (``fakes.network``); a test that tried anything else fails,
    even when the code under test caught the error."""
    guard = NetworkGuard()
    guard.install(monkeypatch)
    yield guard
    guard.verdict()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear every ``EXTRACTOR_*`` and ``OPENAI_*`` variable, so that the machine's settings
    never reach a test (a test sets what it needs with ``monkeypatch.setenv``)."""
    for name in list(os.environ):
        if name.startswith(CONFIGURATION_PREFIXES):
            monkeypatch.delenv(name)
