"""What the competitor scripts share: their command line, and one prediction line per
document with the run metadata, whatever happens to the document."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jsonlines

from extractor.records import DocumentRecord, RunMeta

__all__ = ["FAILED", "Extract", "arguments", "run_folder"]

FAILED = "failed: "
"""How a warning in ``meta.warnings`` says the document produced no records."""

Extract = Callable[[str, list[str]], tuple[dict[str, list[Any]], dict[str, Any]]]
"""``(text, warnings) -> (record lists by key, extra RunMeta fields)``; may raise."""


def arguments(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("docs", type=Path, help="Folder of .txt documents.")
    parser.add_argument("out", type=Path, help="Prediction JSONL to write.")
    parser.add_argument("--base-url", required=True, help="OpenAI-compatible /v1 URL.")
    parser.add_argument("--model", required=True)
    parser.add_argument("--workers", type=int, default=1, help="Parallel model calls.")
    return parser.parse_args(argv)


def run_folder(args: argparse.Namespace, name: str, extract: Extract) -> int:
    """Run ``extract`` on every document of ``args.docs``; a document that raises is written
    with no records and the error in ``meta.warnings``, and the run goes on."""
    paths = sorted(args.docs.glob("*.txt"))
    with jsonlines.open(args.out, "w") as out:
        for number, path in enumerate(paths, 1):
            data = path.read_bytes()
            started = time.monotonic()
            warnings: list[str] = []
            records: dict[str, list[Any]] = {}
            extra: dict[str, Any] = {}
            try:
                records, extra = extract(data.decode("utf-8"), warnings)
            except Exception as e:  # the comparison must survive any one document
                warnings.append(f"{FAILED}{type(e).__name__}: {str(e).splitlines()[0][:200]}")
            meta = RunMeta(
                model=args.model,
                backend="endpoint",
                seconds=round(time.monotonic() - started, 3),
                warnings=warnings,
                **extra,
            )
            record = DocumentRecord(
                doc_id=path.stem,
                text_sha256=hashlib.sha256(data).hexdigest(),
                meta=meta,
                **records,
            )
            out.write(record.model_dump(mode="json"))
            failed = any(w.startswith(FAILED) for w in warnings)
            state = "failed" if failed else f"{sum(map(len, records.values()))} records"
            print(f"{name} [{number}/{len(paths)}] {path.stem}: {state}", file=sys.stderr)
    return 0
