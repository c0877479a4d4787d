"""The embedded engine: cold extraction at several concurrency levels, in-process.

``python -m benchmarks.engine --write BENCHMARKS.md`` runs ``extract DOCS --no-cache
--concurrency C`` as a fresh process for each level, in rounds (1, 4, 1, 4, ...) so that a slow
spell of the shared machine falls on every level alike; each run loads the model itself, as a
user's first run does. It reports the median wall time, the speed-up against concurrency 1,
completion tokens per second, the share of prompt tokens served from the slots' prefix cache,
and whether the records equal those of the concurrency-1 run (batched decoding on a CPU is not
bitwise deterministic). ``--setup`` also times ``benchmarks/setup_time.sh`` (fresh clone,
nothing cached, no compiler) first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.sections import markers, write_section
from extractor.provisioning import models_dir

__all__ = ["Run", "main"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Run:
    concurrency: int
    seconds: float
    calls: int
    prompt_tokens: int
    cached_prompt_tokens: int
    completion_tokens: int
    records: str  # the record lists without meta, as JSON, to compare runs


def _run(docs: list[Path], concurrency: int, threads: int, work: Path) -> Run:
    out = work / f"c{concurrency}.jsonl"
    home = work / "home"
    home.mkdir(exist_ok=True)
    if not (home / "models").exists():  # a fresh home, but the pulled model
        (home / "models").symlink_to(models_dir())
    out.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).with_name("extract")), *map(str, docs), "-o", str(out),
        "--no-cache", "--quiet", "--concurrency", str(concurrency), "--threads", str(threads),
        "--home", str(home),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    usage = [line["meta"]["usage"] for line in lines]
    records = json.dumps([{k: v for k, v in ln.items() if k != "meta"} for ln in lines])
    return Run(
        concurrency=concurrency,
        seconds=seconds,
        calls=sum(u["calls"] for u in usage),
        prompt_tokens=sum(u["prompt_tokens"] for u in usage),
        cached_prompt_tokens=sum(u.get("cached_prompt_tokens", 0) for u in usage),
        completion_tokens=sum(u["completion_tokens"] for u in usage),
        records=records,
    )


def _setup() -> str:
    done = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "setup_time.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _section(runs: dict[int, list[Run]], docs: list[Path], setup: str, command: str) -> str:
    base = statistics.median(r.seconds for r in runs[min(runs)])
    reference = runs[min(runs)][0].records
    rows = []
    for c, group in sorted(runs.items()):
        wall = statistics.median(r.seconds for r in group)
        prompt = sum(r.prompt_tokens for r in group)
        cached = sum(r.cached_prompt_tokens for r in group)
        rate = statistics.median(r.completion_tokens / r.seconds for r in group)
        same = sum(r.records == reference for r in group)
        rows.append(
            f"| {c} | {len(group)} | {wall:.0f} s ({min(r.seconds for r in group):.0f}–"
            f"{max(r.seconds for r in group):.0f}) | {group[0].calls} | {rate:.1f} | "
            f"{cached / prompt:.0%} | {same}/{len(group)} | {base / wall:.2f}× |"
        )
    begin, end = markers("engine")
    chars = sum(len(p.read_text(encoding="utf-8")) for p in docs)
    setup_lines = (
        [
            "Set-up on a fresh clone with nothing cached and no C/C++ compiler "
            "(`bash benchmarks/setup_time.sh`; `CC=/bin/false CXX=/bin/false`, "
            "`PIP_NO_CACHE_DIR=1`, a new `EXTRACTOR_HOME`):",
            "",
            *(f"- {line}" for line in setup.splitlines()),
            "",
        ]
        if setup
        else []
    )
    return "\n".join(
        [
            begin,
            "## Embedded engine",
            "",
            f"`{command}` on {platform.machine()} with {os.cpu_count()} cores "
            f"({time.strftime('%Y-%m-%d')}). The embedded model in-process (llama.cpp from the "
            "xllamacpp wheel), one fresh process per run with the response cache off, on "
            f"{', '.join(p.name for p in docs)} ({chars:,} characters). Runs alternate between "
            "the levels; the wall time is the median (range) and includes loading the model. "
            "Prefix cache: share of prompt tokens the slots reused. Same records: runs whose "
            "records equal the first concurrency-1 run.",
            "",
            *setup_lines,
            "| concurrency (slots) | runs | wall time | model calls | completion tokens/s | "
            "prefix cache | same records | speed-up |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            end,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("docs", nargs="*", type=Path, help="Documents (default: 2 seeds).")
    parser.add_argument("--concurrency", default="1,4")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="Engine threads (0: all cores).")
    parser.add_argument("--setup", action="store_true", help="Time the fresh set-up first.")
    parser.add_argument("--write", type=Path, help="Put the section in this file.")
    args = parser.parse_args(argv)
    docs = args.docs or sorted((ROOT / "seeds").glob("*.txt"), key=lambda p: p.stat().st_size)[:2]
    levels = [int(c) for c in args.concurrency.split(",")]
    setup = _setup() if args.setup else ""
    work = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    runs: dict[int, list[Run]] = {c: [] for c in levels}
    try:
        for round_ in range(1, args.rounds + 1):
            for c in levels:
                run = _run(docs, c, args.threads, work)
                runs[c].append(run)
                print(f"round {round_}, concurrency {c}: {run.seconds:.0f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    section = _section(runs, docs, setup, f"python -m benchmarks.engine {shown}".strip())
    print(section)
    if args.write:
        write_section(args.write, "engine", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
