"""The pipeline's own cost per document, with no model time: many tiny documents against the
instant fake OpenAI-compatible server of the tests (``tests/fakes/openai_server.py``).

``python -m benchmarks.overhead [--docs 1000] [--rounds 1]`` writes the documents to a
temporary folder, serves instant answers from this process and runs ``extract`` as a child
process twice per round: with an empty response cache (every chunk is a model call) and
again over the filled cache. It prints wall time, CPU time (user + system) and peak resident
memory of the ``extract`` process for each.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Cost", "main", "measure"]

_ROOT = Path(__file__).resolve().parent.parent
_SENTENCE = "In report {n}, Ningbo's industrial investment rose 15.4% year-on-year in 2023."


def _fakes() -> Any:
    """The test suite's fake server module (``tests/`` is not a package on the path)."""
    tests = str(_ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    return importlib.import_module("fakes.openai_server")


@dataclass(frozen=True, slots=True)
class Cost:
    """One ``extract`` run: wall seconds, CPU seconds (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    peak_mib: float


def _answer(fakes: Any) -> Any:
    indicator = {
        "sentences": [1],
        "name": "industrial investment",
        "region": "Ningbo",
        "period": "2023",
        "change": "15.4%",
    }

    def respond(seen: Any) -> Any:
        return fakes.chat_completion(seen, {"indicators": [indicator]})

    return respond


def _run_extract(args: list[str]) -> Cost:
    """Run ``extract`` in a child process and read its resource usage from ``wait4``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("extract")), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"extract failed ({process.returncode}): {stderr.strip()}")
    # ru_maxrss is in KiB on Linux
    return Cost(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / 1024)


def measure(docs: int, folder: Path) -> tuple[Cost, Cost]:
    """(empty cache, warm cache) costs of ``docs`` one-sentence documents."""
    fakes = _fakes()
    inputs = folder / "in"
    inputs.mkdir()
    for n in range(docs):
        (inputs / f"doc{n:05d}.txt").write_text(_SENTENCE.format(n=n) + "\n", encoding="utf-8")
    with fakes.running_fake(_answer(fakes)) as server:
        common = [
            str(inputs),
            "--base-url", server.base_url, "--model", fakes.MODEL, "--mode", "json_schema",
            "--home", str(folder / "home"), "--quiet",
        ]  # fmt: skip
        cold = _run_extract([*common, "-o", str(folder / "cold.jsonl")])
        calls = len(server.chat_requests)
        warm = _run_extract([*common, "-o", str(folder / "warm.jsonl")])
        if calls != docs or len(server.chat_requests) != docs:
            raise SystemExit(f"expected {docs} model calls, saw {len(server.chat_requests)}")
    return cold, warm


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="Print one JSON line per run.")
    args = parser.parse_args(argv)
    for round_ in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="overhead-") as tmp:
            cold, warm = measure(args.docs, Path(tmp))
        for name, cost in (("empty cache", cold), ("warm cache", warm)):
            if args.json:
                row = {"round": round_, "run": name, "docs": args.docs}
                print(json.dumps(row | _fields(cost)))
            else:
                print(
                    f"round {round_} · {name}: {args.docs} documents · wall {cost.wall:.1f} s · "
                    f"CPU {cost.cpu:.1f} s ({1000 * cost.cpu / args.docs:.1f} ms a document) · "
                    f"peak RSS {cost.peak_mib:.0f} MiB"
                )


def _fields(cost: Cost) -> dict[str, float]:
    return {
        "wall": round(cost.wall, 3),
        "cpu": round(cost.cpu, 3),
        "peak_mib": round(cost.peak_mib),
    }


if __name__ == "__main__":
    main()
