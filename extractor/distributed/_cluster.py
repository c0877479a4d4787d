"""Joining a Ray cluster, or starting a local instance that listens on loopback only.

Left alone, a local Ray instance advertises the machine's own network address and its servers
accept connections on every interface. A local instance started here pins everything to
127.0.0.1: Ray's single-machine switch (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, which makes
Ray take the loopback address as the node address instead of looking one up), the node address
itself, no dashboard, and no usage statistics. The switches are environment variables that Ray
reads when it is imported, so they are set before the first import.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from extractor.errors import ConfigError

__all__ = [
    "LOCAL",
    "LOOPBACK",
    "LOOPBACK_ENVIRONMENT",
    "ray_session",
    "require_ray",
    "start_local",
]

LOCAL: Final = "local"
"""The address meaning: start a Ray instance on this machine (``--ray`` with no address)."""

LOOPBACK: Final = "127.0.0.1"

LOOPBACK_ENVIRONMENT: Final = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
}
"""Set before Ray is imported (Ray reads them once) when a local instance is to be started;
the second would keep a driver on a cluster node from finding its node, so joining a cluster
sets only the first."""


def require_ray() -> None:
    """Raise ``ConfigError`` (naming the extra to install) when Ray Data is not installed.
    Imports nothing: Ray must first be imported by ``ray_session``, after its switches."""
    for module in ("ray", "pyarrow"):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ConfigError(
                "--ray needs Ray Data: install the extra, pip install 'extractor[ray]'"
            )


def _import_ray(local: bool = False) -> None:
    """Import Ray (this package imports it nowhere else at module level), after setting the
    switches a local instance needs."""
    for name, value in LOOPBACK_ENVIRONMENT.items():
        if local or name == "RAY_USAGE_STATS_ENABLED":
            os.environ.setdefault(name, value)
    try:
        import ray  # noqa: F401
    except ImportError as e:
        raise ConfigError("--ray needs Ray: install the extra, pip install 'extractor[ray]'") from e


def start_local(num_cpus: int | None = None) -> None:
    """Start a Ray instance on this machine, bound to 127.0.0.1, without dashboard.

    Raises ``ConfigError`` when Ray is missing, fails to start, or would not stay on loopback
    (it was imported before the switches could be set and advertises another address).
    """
    _import_ray(local=True)
    import ray

    try:
        ray.init(
            num_cpus=num_cpus,
            include_dashboard=False,
            _node_ip_address=LOOPBACK,
            log_to_driver=False,
            logging_level=logging.ERROR,
            configure_logging=True,
        )
    except (RuntimeError, ConnectionError, OSError, ValueError) as e:
        raise ConfigError(f"Ray could not start here: {e}") from e
    address = ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]
    if address != LOOPBACK:
        ray.shutdown()
        raise ConfigError(
            f"the local Ray instance took {address}, not {LOOPBACK}: set "
            "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before Ray is imported"
        )


def _connect(address: str) -> None:
    _import_ray()
    import ray

    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
    except (RuntimeError, ConnectionError, OSError, ValueError) as e:
        raise ConfigError(f"cannot join the Ray cluster at {address}: {e}") from e


@contextmanager
def ray_session(address: str = LOCAL, *, num_cpus: int | None = None) -> Iterator[None]:
    """Ray, ready for the duration of the block.

    ``address`` is ``local`` (a loopback instance on this machine), ``auto`` (the cluster this
    machine belongs to) or a cluster address (``HOST:PORT``, ``ray://HOST:PORT``). When Ray is
    already initialised in this process (a notebook, a test session) that instance is used and
    left running; otherwise the session started or joined here is shut down at the end.
    """
    _import_ray(local=address == LOCAL)
    import ray

    if ray.is_initialized():
        yield
        return
    if address == LOCAL:
        start_local(num_cpus)
    else:
        _connect(address)
    try:
        yield
    finally:
        ray.shutdown()
