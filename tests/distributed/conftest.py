"""A local Ray instance for the whole session (starting one takes seconds), on loopback only.

Ray reads its switches when it is imported, so they are set here, before any test imports it.
Where Ray is not installed or cannot start, every test that needs it is skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")


@pytest.fixture(scope="session")
def local_ray() -> Iterator[None]:
    """Ray on this machine with two CPUs, shut down at the end of the session."""
    pytest.importorskip("ray", reason="the ray extra is not installed")
    import ray

    from extractor.distributed._cluster import start_local
    from extractor.errors import ConfigError

    try:
        start_local(num_cpus=2)
    except ConfigError as e:
        pytest.skip(f"Ray cannot start here: {e}")
    try:
        yield
    finally:
        ray.shutdown()
