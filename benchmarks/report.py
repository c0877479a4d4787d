"""BENCHMARKS.md from ``results.json``: every figure in the file comes from that run."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmarks.sections import carry_sections

__all__ = ["write_report"]

NAMES = {"ours": "this project", "naive": "naive instructor", "langextract": "LangExtract"}
TYPES = (("overall", None), ("project", "project"), ("indicator", "indicator"),
         ("role", "enterprise_role"))  # fmt: skip


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mib(value: float | None) -> str:
    """Bytes in MiB; "–" where nothing was measured (a server the bench did not start)."""
    return "–" if value is None else f"{value / 2**20:,.0f} MiB"


def _result(report: Mapping[str, Any], level: str, mode: str) -> Mapping[str, Any]:
    return next(r for r in report["results"] if r["level"] == level and r["mode"] == mode)


def _cell(entry: Mapping[str, Any]) -> str:
    """``P | R | F1`` with the bootstrap interval of each."""

    def one(name: str, bold: bool = False) -> str:
        value = _f(entry[name])
        ci = entry.get(f"{name}_ci") or {}
        interval = f" ({_f(ci.get('low'), 2)}–{_f(ci.get('high'), 2)})" if ci else ""
        return (f"**{value}**" if bold else value) + interval

    return f"{one('precision')} | {one('recall')} | {one('f1', bold=True)}"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _quality(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    rows = []
    for system in systems:
        report = results[f"quality.{system}"]["report"]
        for label, kind in TYPES:
            cells = []
            for mode in ("lenient", "strict"):
                level = _result(report, "field", mode)
                cells.append(_cell(level["overall"] if kind is None else level["by_type"][kind]))
            rows.append([NAMES[system] if label == "overall" else "", label, *cells])
    return _table(
        [
            "system",
            "records",
            "P lenient",
            "R lenient",
            "F1 lenient",
            "P strict",
            "R strict",
            "F1 strict",
        ],
        rows,
    )


def _cost(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    rows = []
    for system in systems:
        entry = results[f"quality.{system}"]
        run = entry["run"]
        valid = entry["report"]["validity"]
        share = run["model_wait_seconds"] / run["seconds"] if run["seconds"] else 0.0
        rows.append(
            [
                NAMES[system],
                f"{run['calls']}"
                + (f" ({run['failed_calls']} failed)" if run["failed_calls"] else ""),
                f"{run['prompt_tokens']:,}",
                f"{run['completion_tokens']:,}",
                f"{run['seconds']:,.0f} s",
                f"{share:.1%}",
                f"{run['seconds'] - run['model_wait_seconds']:,.1f} s",
                _mib(run["peak_rss_bytes"]),
                _mib(entry["server_peak_rss_bytes"]),
                str(sum(valid["predicted_records"].values())),
                str(entry.get("failed_documents", "–")),
            ]
        )
    return _table(
        [
            "system",
            "model calls",
            "prompt tokens",
            "completion tokens",
            "wall time",
            "model-wait share",
            "pipeline overhead",
            "client peak RSS",
            "server peak RSS",
            "records",
            "failed documents",
        ],
        rows,
    )


def _warm(results: Mapping[str, Any]) -> list[str]:
    entry = results.get("quality.ours", {})
    warm = entry.get("warm") or []
    if not warm:
        return []
    cold = entry["run"]["seconds"]
    median = statistics.median(r["seconds"] for r in warm)
    calls = sorted({r["calls"] for r in warm})
    return [
        f"Warm-cache rerun of this project (same documents, same cache, {len(warm)} runs): "
        f"median **{median:.2f} s** against {cold:,.0f} s cold ({cold / median:,.0f}× faster), "
        f"model calls per rerun: {', '.join(map(str, calls))}; peak RSS median "
        f"{_mib(statistics.median(r['peak_rss_bytes'] for r in warm))}; records identical to "
        f"the cold run: {'yes' if entry.get('warm_identical') else 'no'}.",
    ]


def _throughput(results: Mapping[str, Any]) -> list[str]:
    keys = sorted(
        (k for k in results if k.startswith("throughput.")), key=lambda k: int(k.split(".")[1])
    )
    if not keys:
        return []
    rows, base = [], None
    for key in keys:
        entry = results[key]
        runs = entry["runs"]
        times = [r["seconds"] for r in runs]
        seconds = statistics.median(times)
        tokens = statistics.median(r["completion_tokens"] for r in runs)
        calls = statistics.median(r["calls"] for r in runs)
        rate = entry["characters"] / seconds * 60
        base = base or rate
        rows.append(
            [
                key.split(".")[1],
                str(len(runs)),
                f"{seconds:,.0f} s ({min(times):,.0f}–{max(times):,.0f})",
                f"{calls:.0f}",
                f"{tokens / seconds:.1f}",
                f"{rate:,.0f}",
                f"{rate / base:.2f}×",
            ]
        )
    first = results[keys[0]]
    peaks = [results[key]["server_peak_rss_bytes"] for key in keys]
    peak = None if None in peaks else max(peaks)
    return [
        f"This project with the cache off on the smallest {len(first['documents'])} document(s) "
        f"({', '.join(first['documents'])}; {first['characters']:,} characters), against one "
        f"server with {first['server_slots']} parallel slots (its peak RSS: {_mib(peak)}). The "
        "levels are run in rounds (1, 2, 4, 1, 2, 4, ...) so that a slow spell of the shared "
        "machine falls on each alike; the wall time is the median with the range of the runs, "
        "and the speed-up compares medians.",
        "",
        *_table(
            [
                "concurrency",
                "runs",
                "wall time: median (range)",
                "model calls",
                "completion tokens/s",
                "characters/min",
                "speed-up",
            ],
            rows,
        ),
    ]


def _verdicts(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    lines = []
    for other in systems:
        comparison = results.get(f"compare.{other}")
        if other == "ours" or not comparison:
            continue
        for delta in comparison["deltas"]:
            if delta["level"] != "field" or delta["mode"] != "lenient":
                continue
            kind = {"enterprise_role": "role"}.get(delta["record_type"], delta["record_type"])
            kind = kind or "overall"
            ci = delta.get("ci") or {}
            low, high = ci.get("low"), ci.get("high")
            if low is not None and low > 0:
                verdict = "**ahead**"
            elif high is not None and high < 0:
                verdict = "**behind**"
            else:
                verdict = "no clear difference (the interval spans 0)"
            lines.append(
                f"| {NAMES[other]} | {kind} | {_f(delta['f1'])} vs {_f(delta['baseline_f1'])} | "
                f"{_f(delta['delta'], 3)} ({_f(low, 3)} to {_f(high, 3)}) | {verdict} |"
            )
    if not lines:
        return []
    return [
        "| against | records | F1 ours vs theirs | ΔF1 (paired 95% CI) | this project is |",
        "|---|---|---|---|---|",
        *lines,
        "",
        *_summary(results, systems),
    ]


def _summary(results: Mapping[str, Any], systems: list[str]) -> list[str]:
    """One plain sentence per competitor: quality verdicts and the cost ratio."""
    ours = results["quality.ours"]["run"]
    out = []
    for other in systems:
        comparison = results.get(f"compare.{other}")
        if other == "ours" or not comparison:
            continue
        groups: dict[str, list[str]] = {"ahead": [], "behind": [], "level": []}
        for delta in comparison["deltas"]:
            if delta["level"] != "field" or delta["mode"] != "lenient":
                continue
            kind = {"enterprise_role": "roles", "project": "projects", "indicator": "indicators"}
            name = kind.get(delta["record_type"], "overall")
            ci = delta.get("ci") or {}
            if ci.get("low") is not None and ci["low"] > 0:
                groups["ahead"].append(name)
            elif ci.get("high") is not None and ci["high"] < 0:
                groups["behind"].append(name)
            else:
                groups["level"].append(name)
        theirs = results[f"quality.{other}"]["run"]
        parts = [
            f"ahead on {', '.join(groups['ahead'])}" if groups["ahead"] else "",
            f"behind on {', '.join(groups['behind'])}" if groups["behind"] else "",
            f"not distinguishable on {', '.join(groups['level'])}" if groups["level"] else "",
        ]
        ratio = ours["seconds"] / theirs["seconds"] if theirs["seconds"] else float("nan")
        tokens = ours["completion_tokens"] / max(theirs["completion_tokens"], 1)
        out.append(
            f"- Against {NAMES[other]}: this project is "
            + "; ".join(p for p in parts if p)
            + f" (lenient field F1, 95% paired intervals). It takes {ratio:.2f}× the wall time "
            f"and writes {tokens:.2f}× the completion tokens."
        )
    return out


def _model(env: Mapping[str, Any]) -> str:
    """The model and its server, up to the semicolon before the proxy."""
    if env.get("base_url"):
        return (
            f"- Model: `{env['model']}` at {env['base_url']}, a server the bench did not start "
            "(`--base-url`), so its memory is not measured"
        )
    return (
        f"- Model: `{env['model']}` (GGUF, sha256 `{env['model_sha256'][:16]}…`), served by "
        f"llama.cpp's native server (xllamacpp {env['versions']['xllamacpp']}) on 127.0.0.1, "
        "2 threads, temperature 0. Each quality run gets a fresh single-slot server"
    )


def write_report(results: Mapping[str, Any], out: Path) -> None:
    env = results["environment"]
    systems = [s for s in NAMES if "report" in results.get(f"quality.{s}", {})]
    v = env["versions"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`); every figure below comes from one run "
        "of it. Re-run it to reproduce this file; `.build/bench/` keeps the predictions, the "
        "harness reports and `results.json`.",
        "",
        "## Setup",
        "",
        f"- Machine: {env['cpu']}, {env['cores']} cores, {env['memory_bytes'] / 2**30:.0f} GiB, "
        f"no GPU; {env['platform']}, Python {env['python']}. The machine is shared, so wall "
        "times are noisy: compare the rows of one run, not runs of different days.",
        _model(env) + "; every system reaches it through the same metering proxy "
        "(`benchmarks/meter.py`), which counts calls and the tokens the server reports and "
        "times the model-wait (the time at least one call is open).",
        f"- Versions: extractor {v['extractor']}, instructor {v['instructor']}, openai "
        f"{v['openai']}, langextract {v['langextract']}, pydantic {v['pydantic']}.",
        f"- Documents and gold: `{env['docs']}` scored against `{env['gold']}` with the "
        "project's harness (field level, Hungarian alignment, 1,000 bootstrap resamples over "
        "documents for the intervals).",
        f"- Command: `{env['command']}` on {env['date']}.",
        "",
        "The systems:",
        "",
        "- **this project**: `extract DOCS -o OUT --base-url … --concurrency 1`, default "
        "settings (chunking, numbered-sentence prompt with few-shot examples, grounding, "
        "normalization, merging), cache empty at the start.",
        "- **naive instructor** (`benchmarks/systems/naive.py`): one instructor call per "
        "document with the record models as the response model, instructor's defaults (up "
        "to three re-asks), `max_tokens` 2048; evidence asked for as quotes and left ungrounded.",
        "- **LangExtract** (`benchmarks/systems/langextract_run.py`): `lx.extract` through its "
        "OpenAI provider with schema constraints, its default 1,000-character chunks, the "
        "project's few-shot example restated as LangExtract examples; "
        "`benchmarks/systems/langextract_adapter.py` maps its extractions to records.",
        "",
        "## Quality (field level)",
        "",
        "Precision, recall and F1 of field values against the gold, each with its 95% "
        "bootstrap interval over documents in brackets. Lenient compares names by fuzzy "
        "match (token sort ratio 85) and numbers within 2 %; strict wants normalized text equal "
        "and numbers within 0.5 % (`extractor/evaluation/compare.py`).",
        "",
        *_quality(results, systems),
        "",
        "## Where this project stands",
        "",
        "Paired bootstrap over the same documents (lenient field-level F1).",
        "",
        *_verdicts(results, systems),
        "",
        "## Cost",
        "",
        "One run each at concurrency 1 (too long to repeat here; the wall times are single "
        "runs). Model-wait share is model-wait ÷ wall time; pipeline overhead is the rest "
        "(start-up, prompting, parsing, grounding, writing). Client peak RSS is the system's "
        "own process (its `VmHWM`, polled from `/proc`); the model's memory is in the server "
        "column. Failed documents: written without records after an error (naive: the answer "
        "never validated; this project: listed in its errors file).",
        "",
        *_cost(results, systems),
        "",
        *_warm(results),
        "",
        "## Throughput",
        "",
        *_throughput(results),
        "",
    ]
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    out.write_text("\n".join(lines))
    carry_sections(previous, out)  # sections other scripts write (service, engine)
