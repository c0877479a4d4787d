"""The tests' network guard: sockets may reach loopback addresses only.

``NetworkGuard.install`` wraps ``socket.socket.connect``/``connect_ex`` and the name lookups
(``socket.getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``) for the length of a test
(``tests/conftest.py`` does it for every test). A connect to an address that is not loopback
(127.0.0.0/8, ::1, ``localhost``) and a lookup of any other host name raise
``NetworkBlocked`` before anything leaves the machine; Unix sockets and IP literals in a
lookup pass. Every blocked attempt is also
recorded, and the fixture fails the test for it afterwards, so code that swallows the error
(a client that retries and gives up quietly) cannot hide it.

The guard lives in the test process: a child process (``extract`` run as a command) is not
guarded; such tests point it at a loopback server themselves.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import pytest

__all__ = ["NetworkBlocked", "NetworkGuard", "is_loopback"]

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkBlocked(RuntimeError):
    """A test tried to reach an address that is not loopback. Not an ``OSError``, so that a
    client does not take it for a refused connection and retry."""


def is_loopback(host: str | bytes) -> bool:
    """Whether ``host`` (an IP literal or a name) is this machine's loopback."""
    name = (host.decode() if isinstance(host, bytes) else host).strip("[]").split("%")[0]
    if name.lower() in _LOOPBACK_NAMES or name.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _is_literal(host: str | bytes) -> bool:
    name = (host.decode() if isinstance(host, bytes) else host).strip("[]").split("%")[0]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass
class NetworkGuard:
    """What the tests tried to reach outside loopback (``blocked``), and the patches."""

    blocked: list[str] = field(default_factory=list)

    def _refuse(self, what: str, host: Any, port: Any) -> None:
        where = f"{host}:{port}"
        self.blocked.append(f"{what} {where}")
        raise NetworkBlocked(f"tests may reach loopback addresses only, not {where} ({what})")

    def check_connect(self, sock: socket.socket, address: Any) -> None:
        """Refuse an ``AF_INET``/``AF_INET6`` address that is not loopback. The socket is
        closed first: ``socket.create_connection`` closes it only on an ``OSError``."""
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            sock.close()
            self._refuse("connect", address[0], address[1])

    def check_lookup(self, host: str | bytes | None, port: Any) -> None:
        """Refuse a name lookup that could ask a DNS server (any name but loopback's)."""
        if host and not is_loopback(host) and not _is_literal(host):
            self._refuse("lookup", host, port)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        getaddrinfo = socket.getaddrinfo
        gethostbyname, gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            self.check_connect(sock, address)
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            self.check_connect(sock, address)
            return connect_ex(sock, address)

        def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            self.check_lookup(host, port)
            return getaddrinfo(host, port, *args, **kwargs)

        def guarded_gethostbyname(host: str) -> str:
            self.check_lookup(host, None)
            return gethostbyname(host)

        def guarded_gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
            self.check_lookup(host, None)
            return gethostbyname_ex(host)

        monkeypatch.setattr(socket.socket, "connect", guarded_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        monkeypatch.setattr(socket, "gethostbyname", guarded_gethostbyname)
        monkeypatch.setattr(socket, "gethostbyname_ex", guarded_gethostbyname_ex)

    def verdict(self) -> None:
        """Fail the test if it tried to reach anything outside loopback, caught or not."""
        if self.blocked:
            pytest.fail(
                "the test tried to reach the network outside loopback: " + "; ".join(self.blocked),
                pytrace=False,
            )
