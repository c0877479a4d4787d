"""What the processes this test session started are doing, read from /proc (Linux)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

__all__ = ["descendants", "listening", "map_workers"]

PROC = Path("/proc")


def _parents() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def descendants(root: int | None = None) -> list[int]:
    """``root`` (this process by default) and every process below it."""
    children = _parents()
    found, stack = [], [os.getpid() if root is None else root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def command(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def map_workers(name: str = "DocumentExtractor") -> list[int]:
    """The Ray Data actor processes of this session that run ``name``."""
    return [
        pid
        for pid in descendants()
        if command(pid).startswith(f"ray::MapWorker(MapBatches({name}))")
    ]


def _socket_inodes(pids: list[int]) -> dict[str, int]:
    inodes: dict[str, int] = {}
    for pid in pids:
        try:
            fds = list((PROC / str(pid) / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    return inodes


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return ipaddress.IPv4Address(raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    address = ipaddress.IPv6Address(words)
    return address.ipv4_mapped or address


def listening(pids: list[int]) -> list[tuple[str, str, int, str]]:
    """The listening TCP sockets and bound UDP sockets of ``pids``: (protocol, address, port,
    command)."""
    inodes = _socket_inodes(pids)
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            # TCP: LISTEN; UDP: bound and unconnected (a connected one has a peer)
            if inode not in inodes or state != ("0A" if table.startswith("tcp") else "07"):
                continue
            hex_address, hex_port = local.split(":")
            found.append(
                (table, str(_address(hex_address)), int(hex_port, 16), command(inodes[inode]))
            )
    return found
