"""``make bench-service``: load on ``extract serve`` with an instant fake model behind it.

``python -m benchmarks.service_load [--requests 200] [--rounds 3] [--write BENCHMARKS.md]``

Starts the test suite's fake OpenAI-compatible server (it answers at once, so what is
measured is the service: HTTP, validation, the pipeline, the cache), then two ``extract
serve`` child processes on 127.0.0.1, one with the response cache off (every request calls
the model) and one with it on (the warm-up round fills the cache; the measured rounds are
served from it). One asyncio client (httpx) fires ``--requests`` concurrent ``POST
/v1/extract``, each with its own text, in one warm-up round per server and then ``--rounds``
measured rounds, alternating between the servers. Any error fails the run (exit 1). Figures
are medians over the rounds: p50 and p99 latency, requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.sections import markers, write_section
from benchmarks.server import free_port

__all__ = ["BEGIN", "END", "Round", "ServeProcess", "main", "percentile"]

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = markers("service")


@dataclass(frozen=True, slots=True)
class Round:
    """One round of concurrent requests."""

    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def _fake_server() -> Any:
    """The fake model of the test suite (``tests/fakes``), answering at once."""
    sys.path.insert(0, str(ROOT / "tests"))
    fakes = importlib.import_module("fakes.openai_server")
    articles = importlib.import_module("fakes.articles")
    server = fakes.FakeOpenAI(articles.good_model)
    server.start()
    return server


def _texts(count: int) -> list[str]:
    articles = importlib.import_module("fakes.articles").ARTICLES
    names = sorted(articles)
    return [f"{articles[names[i % len(names)]]}Report number {i}.\n" for i in range(count)]


class ServeProcess:
    """``extract serve`` as a child process on a free loopback port, its output in ``log``
    (the machine's ``EXTRACTOR_*`` and ``OPENAI_*`` settings are not passed on)."""

    def __init__(
        self, home: Path, *args: str, log: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.log = log
        command = [
            sys.executable, "-c", "from extractor.cli.extract import main; main()", "serve",
            "--port", str(self.port), "--home", str(home), *args,
        ]  # fmt: skip
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))
        }
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=inherited | dict(env or {}), stdout=sink, stderr=sink
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"extract serve did not start:\n{self.output()}")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


async def _round(url: str, texts: list[str]) -> Round:
    limits = httpx.Limits(max_connections=len(texts), max_keepalive_connections=len(texts))
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:

        async def one(i: int, text: str) -> float | None:
            started = time.perf_counter()
            try:
                response = await client.post("/v1/extract", json={"id": f"r{i}", "text": text})
            except httpx.HTTPError:
                return None
            return time.perf_counter() - started if response.status_code == 200 else None

        started = time.perf_counter()
        results = await asyncio.gather(*(one(i, t) for i, t in enumerate(texts)))
        seconds = time.perf_counter() - started
    latencies = [r for r in results if r is not None]
    return Round(latencies=latencies, errors=len(results) - len(latencies), seconds=seconds)


def _summary(texts: list[str], warm: Round, measured: list[Round]) -> dict[str, float]:
    return {
        "requests": float(len(texts)),
        "rounds": float(len(measured)),
        "errors": float(warm.errors + sum(r.errors for r in measured)),
        "p50_ms": statistics.median(percentile(r.latencies, 0.50) * 1000 for r in measured),
        "p99_ms": statistics.median(percentile(r.latencies, 0.99) * 1000 for r in measured),
        "rate": statistics.median(r.rate for r in measured),
    }


def _measure(
    base_url: str, texts: list[str], rounds: int, concurrency: int
) -> dict[str, dict[str, float]]:
    """Both servers (cache off and on) up at once, warmed, then measured in alternating
    rounds, so that a busy spell of the shared machine falls on both alike."""
    modes = {"off": False, "on": True}
    with tempfile.TemporaryDirectory(prefix="bench-service-") as folder:
        servers: dict[str, ServeProcess] = {}
        try:
            for mode, cache in modes.items():
                home = Path(folder) / mode
                home.mkdir()
                options = ["--base-url", base_url, "--model", "fake-model", "--mode", "tools"]
                options += ["--concurrency", str(concurrency)]
                options += [] if cache else ["--no-cache"]
                servers[mode] = ServeProcess(home, *options, log=home / "serve.log")
            # connections, imports and, with the cache on, the cache itself
            warm = {mode: asyncio.run(_round(servers[mode].url, texts)) for mode in modes}
            measured: dict[str, list[Round]] = {mode: [] for mode in modes}
            for number in range(rounds):
                print(f"round {number + 1} of {rounds} …", file=sys.stderr)
                for mode in modes:
                    measured[mode].append(asyncio.run(_round(servers[mode].url, texts)))
        finally:
            for server in servers.values():
                server.terminate()
    return {mode: _summary(texts, warm[mode], measured[mode]) for mode in modes}


def _table(
    results: dict[str, dict[str, float]], concurrency: int, command: str, load: float
) -> str:
    rows = [
        f"| {mode} | {r['requests']:.0f} × {r['rounds']:.0f} | {r['errors']:.0f} | "
        f"{r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['rate']:.1f} |"
        for mode, r in results.items()
    ]
    return "\n".join(
        [
            BEGIN,
            "## Service",
            "",
            f"`{command}` on {platform.machine()} with {os.cpu_count()} cores "
            f"({time.strftime('%Y-%m-%d')}, load average {load:.1f} when it started: the "
            "machine is shared, so compare rows of one run): `extract serve` as its own "
            "process with the instant fake model behind it (`tests/fakes`, model "
            f"concurrency {concurrency}), "
            "and one asyncio httpx client firing all requests of a round at once, each with its "
            "own text. One warm-up round each, then the measured rounds, cache off and on in "
            "turn; the figures are medians over the rounds. Cache on: the warm-up filled the "
            "response cache, so the measured rounds call no model. The model takes no time "
            "here: this is the service's own cost (HTTP, validation, chunking, grounding, "
            "the cache), not a model's.",
            "",
            "| response cache | requests × rounds | errors | p50 latency | p99 latency | "
            "requests/s |",
            "|---|---|---|---|---|---|",
            *rows,
            END,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="Concurrent requests a round.")
    parser.add_argument("--rounds", type=int, default=3, help="Measured rounds per mode.")
    parser.add_argument("--concurrency", type=int, default=4, help="The server's model calls.")
    parser.add_argument("--write", type=Path, help="Put the Service section in this file.")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    fake = _fake_server()
    try:
        texts = _texts(args.requests)
        results = _measure(fake.base_url, texts, args.rounds, args.concurrency)
    finally:
        fake.stop()
    command = "make bench-service"
    if args.requests != 200 or args.rounds != 3 or args.concurrency != 4:
        shown = (
            f"--requests {args.requests} --rounds {args.rounds} --concurrency {args.concurrency}"
        )
        command += f' BENCH_SERVICE_ARGS="{shown}"'
    section = _table(results, args.concurrency, command, load)
    print(section)
    if args.write:
        write_section(args.write, "service", section)
    errors = sum(int(r["errors"]) for r in results.values())
    if errors:
        print(f"{errors} request(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
