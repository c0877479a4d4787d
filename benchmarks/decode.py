"""What parallel slots can buy on this machine: N answers one after another on one slot
against the same N at once on N slots, with the embedded engine.

``python -m benchmarks.decode --write BENCHMARKS.md`` loads the default model in-process
(``extractor.llm.engine``) once per setting and asks N chat completions of fixed length
(``max_tokens``, temperature 0, ``ignore_eos`` so every answer has the same length) in two
shapes:

* **short prompt**: a one-line question, so the time is decoding: what continuous batching
  gains on this CPU when N sequences share each step;
* **shared prefix**: the extraction prompt's system message before the question, as in a real
  run: one slot reads the prefix once and reuses it from its cache, N slots each read it
  once before they can share anything.

Settings alternate in rounds so that a slow spell of a shared machine falls on each alike;
the figures are medians. This is the ceiling for ``--concurrency`` on the embedded model: the
extraction's own speed-up (``benchmarks.engine``) cannot beat it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from benchmarks.sections import markers, write_section
from extractor.config import available_threads
from extractor.llm.engine import Engine, EngineSettings
from extractor.provisioning import resolve_model_path

__all__ = ["main"]


@dataclass(frozen=True, slots=True)
class Sample:
    shape: str
    slots: int
    seconds: float
    completion_tokens: int
    prompt_tokens: int


def _body(i: int, prefix: str, max_tokens: int) -> dict[str, Any]:
    messages = [{"role": "user", "content": f"List {i + 12} kinds of industrial parks."}]
    if prefix:
        messages.insert(0, {"role": "system", "content": prefix})
    return {
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": 0,
        "ignore_eos": True,
    }


def _ask_all(engine: Engine, bodies: list[dict[str, Any]], parallel: bool) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = [{} for _ in bodies]

    def one(k: int) -> None:
        answers[k] = engine.complete(bodies[k])

    if not parallel:
        for k in range(len(bodies)):
            one(k)
        return answers
    threads = [threading.Thread(target=one, args=(k,)) for k in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _sample(
    model: Path, shape: str, slots: int, requests: int, max_tokens: int, threads: int
) -> Sample:
    prefix = (
        resources.files("extractor.prompts").joinpath("extract.v1.system.md").read_text("utf-8")
        if shape == "shared prefix"
        else ""
    )
    settings = EngineSettings(model_path=model, slots=slots, ctx_per_slot=4096, threads=threads)
    engine = Engine(settings)
    try:
        bodies = [_body(i, prefix, max_tokens) for i in range(requests)]
        started = time.perf_counter()
        answers = _ask_all(engine, bodies, parallel=slots > 1)
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    failed = [a["error"] for a in answers if "error" in a]
    if failed:
        raise RuntimeError(f"the engine failed: {failed[0]}")
    usage = [a["usage"] for a in answers]
    return Sample(
        shape=shape,
        slots=slots,
        seconds=seconds,
        completion_tokens=sum(int(u["completion_tokens"]) for u in usage),
        prompt_tokens=sum(int(u["prompt_tokens"]) for u in usage),
    )


def _section(samples: list[Sample], command: str, requests: int, max_tokens: int) -> str:
    rows = []
    for shape in ("short prompt", "shared prefix"):
        group = [s for s in samples if s.shape == shape]
        if not group:
            continue
        base = statistics.median(s.seconds for s in group if s.slots == 1)
        for slots in sorted({s.slots for s in group}):
            runs = [s for s in group if s.slots == slots]
            wall = statistics.median(s.seconds for s in runs)
            rate = statistics.median(s.completion_tokens / s.seconds for s in runs)
            rows.append(
                f"| {shape} | {slots} | {len(runs)} | {wall:.1f} s "
                f"({min(s.seconds for s in runs):.1f}–{max(s.seconds for s in runs):.1f}) | "
                f"{runs[0].prompt_tokens:,} | {runs[0].completion_tokens:,} | {rate:.1f} | "
                f"{base / wall:.2f}× |"
            )
    begin, end = markers("decode")
    return "\n".join(
        [
            begin,
            "## Parallel slots: the machine's ceiling",
            "",
            f"`{command}` on {platform.machine()} with {os.cpu_count()} cores "
            f"({time.strftime('%Y-%m-%d')}). {requests} chat completions of {max_tokens} "
            "tokens each (temperature 0, end of text ignored), on one slot one after another "
            f"or on {requests} slots at once, with the embedded engine and all cores. Short "
            "prompt: a one-line question, so the time is decoding. Shared prefix: the "
            "extraction prompt's system message before it. Settings alternate in rounds; wall "
            "time is the median (range); the speed-up compares it with one slot.",
            "",
            "| prompt | slots | runs | wall time | prompt tokens | completion tokens | "
            "completion tokens/s | speed-up |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            end,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=4, help="Answers per setting.")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="Engine threads (0: all cores).")
    parser.add_argument("--write", type=Path, help="Put the section in this file.")
    args = parser.parse_args(argv)
    model = resolve_model_path()
    threads = args.threads or available_threads()
    samples: list[Sample] = []
    for round_ in range(1, args.rounds + 1):
        for shape in ("short prompt", "shared prefix"):
            for slots in (1, args.requests):
                sample = _sample(model, shape, slots, args.requests, args.max_tokens, threads)
                samples.append(sample)
                print(
                    f"round {round_}, {shape}, {slots} slot(s): {sample.seconds:.1f} s, "
                    f"{sample.completion_tokens} completion tokens",
                    flush=True,
                )
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    command = f"python -m benchmarks.decode {shown}".strip()
    section = _section(samples, command, args.requests, args.max_tokens)
    print(section)
    if args.write:
        write_section(args.write, "decode", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
