"""``--ray [ADDRESS]``: an option whose value may be left out (the CLI parser has no such
option, so the arguments are completed before parsing). Imports no Ray."""

from __future__ import annotations

import re

from extractor.distributed._cluster import LOCAL

__all__ = ["RAY_OPTION", "is_ray_address", "with_ray_address"]

RAY_OPTION = "--ray"
_ADDRESS = re.compile(r"^(auto|local|ray://\S+|[\w.\-]+:\d+|\[[0-9a-fA-F:.]+\]:\d+)$")


def is_ray_address(token: str) -> bool:
    """``auto``, ``local``, ``ray://HOST:PORT`` or ``HOST:PORT``."""
    return bool(_ADDRESS.match(token))


def with_ray_address(args: list[str]) -> list[str]:
    """The arguments with ``local`` after a ``--ray`` that is not followed by an address."""
    done: list[str] = []
    for index, token in enumerate(args):
        done.append(token)
        if token != RAY_OPTION:
            continue
        following = args[index + 1] if index + 1 < len(args) else None
        if following is None or not is_ray_address(following):
            done.append(LOCAL)
    return done
