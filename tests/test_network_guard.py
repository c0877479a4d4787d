"""The autouse guard of ``tests/conftest.py``: loopback only, and a clean environment."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.network import NetworkBlocked, NetworkGuard, is_loopback

UNROUTED = ("10.255.255.1", 80)
"""A private address that nothing answers: a real connect would hang until its timeout."""


def test_a_connect_to_a_non_loopback_address_is_refused_at_once(
    network_guard: NetworkGuard,
) -> None:
    start = time.monotonic()
    with pytest.raises(NetworkBlocked, match=r"not 10\.255\.255\.1:80"):
        socket.create_connection(UNROUTED, timeout=10)
    assert time.monotonic() - start < 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(NetworkBlocked):
        udp.connect_ex(UNROUTED)
    assert network_guard.blocked == ["connect 10.255.255.1:80"] * 2
    network_guard.blocked.clear()  # seen and meant: do not fail this test for them


def test_a_lookup_of_a_remote_name_is_refused_without_asking_dns(
    network_guard: NetworkGuard,
) -> None:
    with pytest.raises(NetworkBlocked, match=r"example\.com:443"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(NetworkBlocked):
        socket.gethostbyname("example.org")
    with pytest.raises(NetworkBlocked):
        socket.gethostbyname_ex("example.net")
    assert socket.gethostbyname("localhost").startswith("127.")
    assert network_guard.blocked == [
        "lookup example.com:443",
        "lookup example.org:None",
        "lookup example.net:None",
    ]
    network_guard.blocked.clear()


def test_an_attempt_the_code_swallows_still_fails_the_test(network_guard: NetworkGuard) -> None:
    with contextlib.suppress(Exception):  # a client that catches everything and gives up
        socket.create_connection(UNROUTED, timeout=10)
    with pytest.raises(pytest.fail.Exception, match=r"outside loopback: connect 10\.255\.255\.1"):
        network_guard.verdict()
    network_guard.blocked.clear()


@pytest.mark.parametrize(
    ("family", "host"),
    [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "localhost"), (socket.AF_INET6, "::1")],
)
def test_loopback_connects_are_allowed(family: socket.AddressFamily, host: str) -> None:
    if family == socket.AF_INET6 and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = socket.socket(family, socket.SOCK_STREAM)
        server.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    except OSError as e:
        pytest.skip(f"cannot listen on loopback here: {e}")
    with server:
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection((host, port), timeout=5):
            accepted, _ = server.accept()
            accepted.close()


def test_unix_sockets_are_allowed(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
            server.accept()[0].close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        (b"localhost", True),
        ("10.255.255.1", False),
        ("0.0.0.0", False),
        ("::ffff:8.8.8.8", False),
        ("example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_what_counts_as_loopback(host: str | bytes, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.fixture(scope="module")
def machine_settings() -> Iterator[None]:
    """Configuration in the environment before any test fixture runs, as on a developer's
    machine (module scope: set up before the autouse fixtures of each test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXTRACTOR_BASE_URL", "http://192.0.2.1/v1")
        patch.setenv("EXTRACTOR_RAY_ACTORS", "9")
        patch.setenv("OPENAI_API_KEY", "sk-machine")
        yield


@pytest.mark.usefixtures("machine_settings")
def test_extractor_and_openai_variables_are_cleared_for_every_test() -> None:
    assert not [name for name in os.environ if name.startswith(("EXTRACTOR_", "OPENAI_"))]
