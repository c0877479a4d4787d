"""Pipeline overhead of ``extract run`` in one process and on Ray, against an instant model.

``python -m benchmarks.scale_out --docs 1000 --actors 2`` writes that many one-sentence
documents, starts the fake OpenAI-compatible server of the test suite on 127.0.0.1 (it answers
every chunk at once with an empty extraction), and extracts them twice with the same settings:
once with ``run_batch`` in this process, once with ``run_on_ray`` on a local Ray instance with
``--actors`` actors. The model takes no time, so the wall time is what the pipeline itself
costs: loading, prompting, the HTTP round trip, grounding, writing and, on Ray, starting the
actors and moving batches between processes. Ray's start-up is timed apart; the time to the
first finished document (on Ray: after the actor pool has started) is shown
apart from the steady pace after it. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.config import ExtractorConfig, ModeChoice
from extractor.pipeline.batch import BatchSummary, run_batch
from extractor.records import DocumentRecord

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """A batch observer that notes when the run started and when each document finished."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.done: list[float] = []

    def started(self, total: int, model: str, mode: str) -> None:
        pass

    def finished(self, doc_id: str, record: DocumentRecord | None, skipped: bool) -> None:
        self.done.append(time.perf_counter())

    def failed(self, doc_id: str, error: BaseException) -> None:
        self.done.append(time.perf_counter())


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    seconds: float
    summary: BatchSummary
    clock: Clock

    def row(self, docs: int) -> str:
        first = self.clock.done[0] - self.clock.start
        steady = (self.clock.done[-1] - self.clock.done[0]) / max(1, len(self.clock.done) - 1)
        return (
            f"| {self.label} | {docs} | {self.summary.extracted} | {self.summary.failed} | "
            f"{self.seconds:.2f} | {1000 * self.seconds / docs:.2f} | {first:.2f} | "
            f"{1000 * steady:.2f} |"
        )


def _write_corpus(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            text = f"Plant {i} opened in Ningbo with {i + 10} workers.\n"
            f.write(json.dumps({"id": f"doc{i:05d}", "text": text}) + "\n")


def _fake_server() -> Any:
    """The test suite's fake model server (it lives with the tests, not in the package)."""
    sys.path.insert(0, str(ROOT / "tests"))
    return importlib.import_module("fakes.openai_server")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    args = parser.parse_args(argv)

    # Ray reads its loopback switches when imported: import it only through the package.
    from extractor.distributed import RayOptions, ray_session, run_on_ray

    with tempfile.TemporaryDirectory() as folder, _fake_server().running_fake() as fake:
        work = Path(folder)
        docs = work / "docs.jsonl"
        _write_corpus(docs, args.docs)
        config = ExtractorConfig.resolve(
            env={}, base_url=fake.base_url, model="fake-model", mode=ModeChoice.TOOLS,
            cache=False, concurrency=args.concurrency, home=work / "home",
        )  # fmt: skip
        clock = Clock()
        single = asyncio.run(run_batch(config, [docs], work / "single.jsonl", observer=clock))
        timings = [Timing("one process", time.perf_counter() - clock.start, single, clock)]

        options = RayOptions(actors=args.actors, batch_size=args.batch_size, num_cpus=args.cpus)
        started = time.perf_counter()
        with ray_session(num_cpus=args.cpus):
            ray_start = time.perf_counter() - started
            clock = Clock()
            spread = run_on_ray(config, [docs], work / "ray.jsonl", options=options, observer=clock)
            label = f"Ray, {args.actors} actors"
            timings.append(Timing(label, time.perf_counter() - clock.start, spread, clock))
        requests = len(fake.chat_requests)

    print(
        f"{args.docs} documents, instant fake model, concurrency {args.concurrency} per "
        f"extractor, batches of {args.batch_size}, {requests} model calls in both runs; "
        f"Ray start-up {ray_start:.1f} s (not included below)\n"
    )
    print(
        "| run | documents | extracted | failed | wall s | wall ms per document "
        "| first document after s | ms per document after the first |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for timing in timings:
        print(timing.row(args.docs))


if __name__ == "__main__":
    main()
