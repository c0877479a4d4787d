"""Real servers on 127.0.0.1 for the service tests: uvicorn in a thread of the test process
(``serve_app``); the tests that kill or signal ``extract serve`` run it as a child process
with ``benchmarks.service_load.ServeProcess``. The model behind them is the fake OpenAI server
or the recordings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fakes.articles import answer_for
from fakes.openai_server import MODEL, Reply, Seen, chat_completion, unused_port

from extractor.config import ExtractorConfig, ModeChoice
from extractor.service import ServiceSettings, create_app


def slow_model(seconds: float) -> Callable[[Seen], Reply]:
    """The good fake model, answering each chat request after ``seconds``."""

    def answer(seen: Seen) -> Reply:
        reply = chat_completion(seen, answer_for(seen))
        reply.delay = seconds
        return reply

    return answer


class LiveServer:
    """uvicorn serving an app in a thread of this process."""

    def __init__(self, settings: ServiceSettings, config: ExtractorConfig) -> None:
        self.settings = replace(settings, port=unused_port())
        self.config = config
        self.app = create_app(self.settings, config)
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host="127.0.0.1",
                port=self.settings.port,
                access_log=False,
                log_level="warning",
                lifespan="on",
                ws="none",
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


ServeApp = Callable[..., LiveServer]


def model_config(home: Path, base_url: str | None, **overrides: Any) -> ExtractorConfig:
    """A config for the fake model (``base_url``) or, with ``replay=True``, the recordings."""
    settings: dict[str, Any] = {"home": home, "retries": 1, "cache": False}
    if base_url is not None:
        settings |= {"base_url": base_url, "model": MODEL, "mode": ModeChoice.TOOLS}
    return ExtractorConfig.resolve(env={}, **(settings | overrides))


def wait_for_job(
    client: httpx.Client, job_id: str, until: Callable[[dict[str, Any]], bool], timeout: float = 30
) -> dict[str, Any]:
    """Poll a job until ``until(status)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if until(status):
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never got there: {status}")
        time.sleep(0.05)


def finished(status: dict[str, Any]) -> bool:
    return status["status"] in ("done", "failed", "cancelled")
