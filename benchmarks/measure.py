"""Run one system as a child process: its wall time, peak RSS and exit code.

Peak RSS is the child's ``VmHWM`` (the kernel's high-water mark of resident memory since the
child's ``exec``), polled from ``/proc`` while it runs, so a short peak between two polls is
still seen; only growth in the last poll interval before exit can be missed. ``ru_maxrss``
from ``wait4`` is not used: Linux folds the parent's memory, copied at ``fork`` before
``exec``, into it, which would charge every system with this orchestrator's own size.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measured", "PeakMemory", "high_water_mark", "run_measured"]

POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int


def high_water_mark(pid: int) -> int | None:
    """``VmHWM`` of ``pid`` in bytes, or None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


class PeakMemory:
    """Polls a process's high-water mark from a thread until ``stop()``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while True:
            mark = high_water_mark(self.pid)
            if mark is not None:
                self.peak = max(self.peak, mark)
            if self._done.wait(POLL_SECONDS):
                return

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def run_measured(
    command: Sequence[str], env: Mapping[str, str] | None = None, log: Path | None = None
) -> Measured:
    """Run ``command``; its stderr (progress) stays on the terminal, stdout goes to ``log``."""
    sink = log.open("ab") if log else None
    start = time.monotonic()
    try:
        process = subprocess.Popen(list(command), env=dict(env) if env else None, stdout=sink)
        memory = PeakMemory(process.pid)
        returncode = process.wait()
        seconds = time.monotonic() - start
        peak = memory.stop()
    finally:
        if sink:
            sink.close()
    return Measured(seconds, peak, returncode)
