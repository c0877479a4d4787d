"""``make bench``: this project, naive instructor and LangExtract side by side.

One run, one machine, one model behind one llama.cpp server (xllamacpp) on 127.0.0.1; every
system reaches it through the metering proxy. Steps, each saved to ``WORK/results.json`` as
soon as it finishes (``--resume`` skips finished steps):

1. quality: each system on DOCS at concurrency 1, with a fresh single-slot server each;
   this project runs cold (an empty cache in ``WORK/home``) and is scored with the harness;
2. warm: this project again on the same cache, ``--warm-repeats`` times (median);
3. throughput: this project with the cache off at concurrency 1, 2 and 4 against a server
   with ``--parallel`` slots, on the ``--throughput-docs`` smallest documents, in
   ``--throughput-repeats`` rounds over the levels (medians).

Then ``report`` writes BENCHMARKS.md from ``results.json``.

A quality run is saved the moment it finishes, before its warm reruns and its scoring, so
that a crash in either keeps it and ``--resume`` does only what is missing. Every step after
it can be switched off: ``--warm-repeats 0``, ``--throughput-repeats 0`` (or
``--concurrency ''``), and ``--systems ours`` (nothing to compare). ``--base-url`` uses an
OpenAI-compatible server that is already running instead of starting llama.cpp (its memory is
then not measured and the model is not checked against the registry).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from benchmarks.measure import run_measured
from benchmarks.meter import Meter
from benchmarks.report import write_report
from benchmarks.server import ModelServer
from benchmarks.systems.common import FAILED
from extractor.evaluation.loading import read_jsonl
from extractor.evaluation.report import write_report_json
from extractor.evaluation.run import EvaluationConfig, evaluate
from extractor.evaluation.settings import ScoringSettings
from extractor.provisioning import ModelState, default_registry, model_file, model_state

console = Console(stderr=True)
SCORING = ScoringSettings(allow_missing=True)
"""A document a system failed on is scored as an empty prediction, not an error."""
SYSTEMS = ("ours", "naive", "langextract")


@dataclass(frozen=True, slots=True)
class Run:
    """One measured run of one system."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    calls: int
    failed_calls: int
    prompt_tokens: int
    completion_tokens: int
    model_wait_seconds: float


class Served(Protocol):
    """A model server the systems reach: where, with how many slots, its peak memory."""

    @property
    def base_url(self) -> str: ...

    @property
    def parallel(self) -> int: ...

    @property
    def peak_rss(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class External:
    """A server the bench did not start (``--base-url``): its memory is not measured."""

    base_url: str
    parallel: int
    peak_rss: None = None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.results_path = self.work / "results.json"
        self.results: dict[str, Any] = {}
        if (args.resume or args.report_only) and self.results_path.exists():
            self.results = json.loads(self.results_path.read_text())
        self.model_path: Path | None = None
        self.model_sha256: str | None = None
        if args.base_url is None and not args.report_only:
            entry = default_registry().get(args.model)
            if model_state(entry) is not ModelState.VERIFIED:
                sys.exit(
                    f"bench: model {args.model} is not pulled and verified: extract models pull"
                )
            self.model_path = model_file(entry)
            self.model_sha256 = entry.sha256

    def serve(self, parallel: int) -> AbstractContextManager[Served]:
        """A fresh llama.cpp server with ``parallel`` slots, or the one at ``--base-url``."""
        if self.args.base_url is not None:
            return nullcontext(External(self.args.base_url, parallel))
        assert self.model_path is not None
        return ModelServer(self.model_path, parallel=parallel, log=self.work / "server.log")

    def save(self, key: str, value: Any) -> None:
        self.results[key] = value
        tmp = self.results_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.results, indent=1, sort_keys=True))
        tmp.replace(self.results_path)

    def command(self, system: str, docs: Path, out: Path, base_url: str, workers: int) -> list[str]:
        py = sys.executable
        if system == "ours":
            extract = [str(Path(py).with_name("extract"))]
            return [*extract, str(docs), "-o", str(out), "--base-url", base_url,
                    "--model", self.args.model, "--concurrency", str(workers)]  # fmt: skip
        module = f"benchmarks.systems.{'naive' if system == 'naive' else 'langextract_run'}"
        extra = ["--workers", str(workers)] if system == "langextract" else []
        return [py, "-m", module, str(docs), str(out), "--base-url", base_url,
                "--model", self.args.model, *extra]  # fmt: skip

    def measure(self, meter: Meter, command: list[str], env: dict[str, str]) -> Run:
        meter.reset()
        measured = run_measured(command, env=env, log=self.work / "systems.log")
        calls = list(meter.calls)
        return Run(
            seconds=round(measured.seconds, 2),
            peak_rss_bytes=measured.peak_rss_bytes,
            returncode=measured.returncode,
            calls=len(calls),
            failed_calls=sum(c.status >= 400 for c in calls),
            prompt_tokens=sum(c.prompt_tokens for c in calls),
            completion_tokens=sum(c.completion_tokens for c in calls),
            model_wait_seconds=round(meter.model_wait(), 2),
        )

    def env(self, home: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
        return env | {"EXTRACTOR_HOME": str(home), "NO_COLOR": "1"}

    def score(self, system: str, pred: Path) -> dict[str, Any]:
        config = EvaluationConfig(self.args.gold, pred, self.args.docs, scoring=SCORING)
        report = evaluate(config).report
        write_report_json(self.work / f"{system}.report.json", report)  # compare()'s baseline
        return report.model_dump(mode="json")

    def quality(self, system: str) -> None:
        """The cold run, saved at once; then the warm reruns (ours) and the scores, each saved
        as it finishes. With ``--resume`` only what is missing is done."""
        key = f"quality.{system}"
        result: dict[str, Any] | None = self.results.get(key)
        warm_repeats = self.args.warm_repeats if system == "ours" else 0
        pred = self.work / f"{system}.jsonl"
        home = self.work / "home"
        if result is not None:
            console.print(f"[bold]{key}[/]: measured before, kept (--resume)")
        if result is None or len(result.get("warm", [])) < warm_repeats:
            with self.serve(parallel=1) as server, Meter(server.base_url) as meter:
                if result is None:
                    result = self._cold(system, pred, home, server, meter)
                if system == "ours":  # warm reruns are this project's alone
                    self._warm(result, pred, home, meter, warm_repeats)
        if "report" not in result:
            result["report"] = self.score(system, pred)
            result["failed_documents"] = _failed_documents(pred, self.args.docs)
            self.save(key, result)

    def _cold(
        self, system: str, pred: Path, home: Path, server: Served, meter: Meter
    ) -> dict[str, Any]:
        console.rule(f"{system}: quality run on {self.args.docs} (concurrency 1)")
        if system == "ours":
            shutil.rmtree(home, ignore_errors=True)
        command = self.command(system, self.args.docs, pred, meter.base_url, 1)
        run = self.measure(meter, command, self.env(home))
        result: dict[str, Any] = {"run": asdict(run), "server_peak_rss_bytes": server.peak_rss}
        self.save(f"quality.{system}", result)
        if run.returncode not in (0, 1):
            console.print(f"[red]{system} exited with {run.returncode}[/]")
        console.print(f"{system}: {run.seconds:.0f} s, {run.calls} calls")
        return result

    def _warm(
        self, result: dict[str, Any], pred: Path, home: Path, meter: Meter, repeats: int
    ) -> None:
        """This project again on the cache of its cold run, each rerun saved as it ends (only
        this project's result: another system's must never be saved as ours)."""
        warm: list[dict[str, Any]] = result.setdefault("warm", [])
        again = self.work / "ours.warm.jsonl"
        while len(warm) < repeats:
            console.print(f"ours: warm-cache rerun {len(warm) + 1}/{repeats}")
            command = self.command("ours", self.args.docs, again, meter.base_url, 1)
            warm.append(asdict(self.measure(meter, command, self.env(home))))
            identical = _records(again) == _records(pred)
            result["warm_identical"] = result.get("warm_identical", True) and identical
            self.save("quality.ours", result)

    def compare(self, systems: list[str]) -> None:
        """Paired bootstrap of this project against each other system (same documents)."""
        scored = {s for s in systems if "report" in self.results.get(f"quality.{s}", {})}
        for other in systems:
            if other == "ours" or not {"ours", other} <= scored:
                continue
            config = EvaluationConfig(
                self.args.gold, self.work / "ours.jsonl", self.args.docs,
                baseline=self.work / f"{other}.report.json",
                scoring=SCORING,
            )  # fmt: skip
            comparison = evaluate(config).report.baseline
            if comparison is not None:
                self.save(f"compare.{other}", comparison.model_dump(mode="json"))

    def throughput(self) -> None:
        """Rounds over the concurrency levels (1, 2, 4, 1, 2, 4, ...), so that a slow spell of
        the shared machine falls on every level alike; each level is saved after each round."""
        repeats = self.args.throughput_repeats
        if repeats <= 0 or self.args.throughput_docs <= 0 or not self.args.concurrency:
            return
        docs = sorted(self.args.docs.glob("*.txt"), key=lambda p: p.stat().st_size)
        subset = self.work / "throughput-docs"
        shutil.rmtree(subset, ignore_errors=True)
        subset.mkdir(parents=True)
        for path in docs[: self.args.throughput_docs]:
            shutil.copy(path, subset / path.name)
        described = {
            "documents": sorted(p.name for p in subset.iterdir()),
            "characters": sum(len(p.read_text()) for p in subset.iterdir()),
        }
        runs: dict[int, list[dict[str, Any]]] = {
            c: list(self.results.get(f"throughput.{c}", {}).get("runs", []))
            for c in self.args.concurrency
        }
        if all(len(r) >= repeats for r in runs.values()):
            return
        with self.serve(self.args.parallel) as server, Meter(server.base_url) as meter:
            for round_ in range(1, repeats + 1):
                for concurrency in self.args.concurrency:
                    if len(runs[concurrency]) >= round_:
                        continue  # done before (--resume)
                    console.rule(
                        f"ours: throughput at concurrency {concurrency}, round {round_}/"
                        f"{repeats}, {server.parallel} server slots"
                    )
                    out = self.work / f"throughput.{concurrency}.jsonl"
                    command = [*self.command("ours", subset, out, meter.base_url, concurrency),
                               "--no-cache"]  # fmt: skip
                    run = self.measure(meter, command, self.env(self.work / "home"))
                    runs[concurrency].append(asdict(run))
                    self.save(
                        f"throughput.{concurrency}",
                        {
                            "runs": runs[concurrency],
                            **described,
                            "server_slots": server.parallel,
                            "server_peak_rss_bytes": server.peak_rss,
                        },
                    )

    def environment(self) -> None:
        def version(name: str) -> str:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                return "-"

        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        memory = next(
            (
                int(line.split()[1]) * 1024
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            0,
        )
        self.save(
            "environment",
            {
                "date": time.strftime("%Y-%m-%d"),
                "cpu": cpu,
                "cores": os.cpu_count(),
                "memory_bytes": memory,
                "python": platform.python_version(),
                "platform": platform.platform(),
                "model": self.args.model,
                "model_sha256": self.model_sha256,
                "base_url": self.args.base_url,
                "versions": {
                    name: version(name)
                    for name in (
                        "extractor",
                        "xllamacpp",
                        "instructor",
                        "openai",
                        "langextract",
                        "pydantic",
                    )
                },
                "command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]),
                "docs": str(self.args.docs),
                "gold": str(self.args.gold),
                "warm_repeats": self.args.warm_repeats,
                "throughput_repeats": self.args.throughput_repeats,
            },
        )


def _lines(path: Path) -> list[dict[str, Any]]:
    return [line.obj for line in read_jsonl(path) if line.obj is not None]


def _failed_documents(pred: Path, docs: Path) -> int:
    """Documents of ``docs`` with no line in ``pred`` or a line written after a failure."""
    lines = _lines(pred)
    failed = {
        line["doc_id"]
        for line in lines
        if any(w.startswith(FAILED) for w in (line.get("meta") or {}).get("warnings", []))
    }
    written = {line["doc_id"] for line in lines}
    missing = {p.stem for p in docs.glob("*.txt")} - written
    return len(failed | missing)


def _records(path: Path) -> list[Any]:
    """The record lists of a prediction file, without the run metadata."""
    return [{k: v for k, v in line.items() if k != "meta"} for line in _lines(path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=Path("seeds"))
    parser.add_argument("--gold", type=Path, default=Path("gold/seeds.jsonl"))
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct")
    parser.add_argument("--work", type=Path, default=Path(".build/bench"))
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--warm-repeats", type=int, default=5)
    parser.add_argument("--throughput-docs", type=int, default=2)
    parser.add_argument("--throughput-repeats", type=int, default=3)
    parser.add_argument("--concurrency", default="1,2,4")
    parser.add_argument("--parallel", type=int, default=4, help="Server slots for throughput.")
    parser.add_argument(
        "--base-url",
        help="An OpenAI-compatible server already running (its /v1 URL): no llama.cpp is "
        "started, the model is not checked against the registry, server memory is not measured.",
    )
    parser.add_argument("--resume", action="store_true", help="Keep finished steps.")
    parser.add_argument("--report-only", action="store_true", help="Only rewrite --out.")
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    systems = [s for s in args.systems.split(",") if s]
    if unknown := set(systems) - set(SYSTEMS):
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if not args.resume and not args.report_only:
        shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    if not args.report_only:
        bench.environment()
        for system in systems:
            bench.quality(system)
        bench.compare(systems)
        bench.throughput()
    write_report(bench.results, args.out)
    console.print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
