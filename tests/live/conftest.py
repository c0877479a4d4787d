"""Live tests: the default GGUF model behind llama.cpp's OpenAI-compatible server on
127.0.0.1, and in-process. They need the 'local' extra and `extract models pull`; `make test`
provides both, so here a missing model is a failure, not a skip."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from benchmarks.server import free_port
from extractor.provisioning import default_registry, resolve_model_path


@pytest.fixture(scope="session")
def model_path() -> Path:
    return resolve_model_path(None)


@pytest.fixture(scope="session")
def model_name() -> str:
    return default_registry().default.name


@pytest.fixture(scope="session")
def llama_server(
    model_path: Path, model_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    threads = str(len(os.sched_getaffinity(0)))
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "llama_cpp.server",
                "--model", str(model_path), "--model_alias", model_name,
                "--host", "127.0.0.1", "--port", str(port),
                "--n_ctx", "8192", "--n_threads", threads,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + 180
            while True:
                if process.poll() is not None:
                    pytest.fail(f"llama.cpp server exited: {log.read_text()[-2000:]}")
                try:
                    if httpx2.get(f"{base_url}/models", timeout=2).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("llama.cpp server did not come up in 180 s")
                time.sleep(1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
