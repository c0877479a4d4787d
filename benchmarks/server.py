"""The embedded engine served over HTTP with N parallel slots, as a child process.

``ModelServer`` starts ``python -m extractor.llm.serve`` (llama.cpp's native server from the
xllamacpp wheel) on a free loopback port, waits for ``/health`` and samples the child's
resident memory so the report can give the server's peak RSS.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from benchmarks.measure import PeakMemory

__all__ = ["CTX_PER_SLOT", "ModelServer", "free_port"]

CTX_PER_SLOT = 8192
"""Context per slot: the longest seed (about 4,600 tokens) plus a whole-document answer."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ModelServer:
    """A llama.cpp server on 127.0.0.1 for the length of a ``with`` block."""

    def __init__(self, model: Path, parallel: int = 1, threads: int = 2, log: Path | None = None):
        self.model = model
        self.parallel = parallel
        self.threads = threads
        self.port = free_port()
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._memory: PeakMemory | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ModelServer:
        command = [
            sys.executable, "-m", "extractor.llm.serve", str(self.model),
            "--port", str(self.port), "--parallel", str(self.parallel),
            "--threads", str(self.threads), "--ctx-per-slot", str(CTX_PER_SLOT),
        ]  # fmt: skip
        if self.log is None:
            self._process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
        else:
            with self.log.open("ab") as sink:  # the child keeps its own copy of the descriptor
                self._process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the model server exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            self.__exit__(None, None, None)
            raise RuntimeError("the model server did not become healthy within 300 s")
        self._memory = PeakMemory(self._process.pid)
        return self

    @property
    def peak_rss(self) -> int:
        """The server's peak resident memory so far (its ``VmHWM``)."""
        return self._memory.peak if self._memory else 0

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._memory is not None:
            self._memory.stop()
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
