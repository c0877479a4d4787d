"""Live tests: the default GGUF model behind llama.cpp's OpenAI-compatible server on
127.0.0.1, and in-process, both on the embedded engine (the xllamacpp wheel). They need the
'local' extra and `extract models pull`; `make test` provides both, so here a missing model is
a failure, not a skip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.server import ModelServer
from extractor.config import available_threads
from extractor.provisioning import default_registry, resolve_model_path


@pytest.fixture(scope="session")
def model_path() -> Path:
    return resolve_model_path(None)


@pytest.fixture(scope="session")
def model_name() -> str:
    return default_registry().default.name


@pytest.fixture(scope="session")
def llama_server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m extractor.llm.serve`` (llama.cpp's server, the embedded engine over HTTP)
    on a free loopback port, two slots; yields its base URL."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    try:
        with ModelServer(model_path, parallel=2, threads=available_threads(), log=log) as server:
            yield server.base_url
    except RuntimeError as e:
        pytest.fail(f"{e}: {log.read_text()[-2000:] if log.exists() else ''}")
