"""``extract run ... --ray``: the batch of ``run_batch``, its documents extracted on Ray.

The driver (this process) does what must happen once: it reads the documents (so ids, hashes,
order and load failures are those of a single-machine run), checks every endpoint before the
output is touched, skips what ``--resume`` finds done, and writes the output and the errors
file as rows come back, whole lines only. The actors only extract. A row that comes back twice
(a batch retried after its actor died) is written once; the output is put in input order at
the end, so it matches a single-machine run line for line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from extractor.api import Extractor
from extractor.config import ExtractorConfig
from extractor.distributed._cluster import ray_session
from extractor.distributed._dataset import document_rows, extract_dataset
from extractor.distributed._options import RayOptions, endpoints_of
from extractor.errors import ConfigError, DocumentError, ExtractorError
from extractor.pipeline.batch import BatchObserver, BatchSummary, default_errors_path
from extractor.pipeline.load import iter_documents
from extractor.pipeline.write import ErrorLog, OutputFile
from extractor.records import DocumentRecord

__all__ = ["RayJobFailed", "check_endpoints", "run_on_ray"]


class RayJobFailed(ExtractorError):
    """Ray gave up on the job (an actor kept dying, the cluster went away)."""


_FAILURES: dict[str, type[ExtractorError]] = {}


def _failure(row: dict[str, Any]) -> ExtractorError:
    """A document's failure as an actor reported it: an error under the original class's name
    (the errors file names the kind of failure) with the original message."""
    kind = str(row["error"])
    if kind not in _FAILURES:
        _FAILURES[kind] = type(kind, (ExtractorError,), {"__module__": __name__})
    return _FAILURES[kind](str(row["message"]))


async def check_endpoints(config: ExtractorConfig) -> tuple[str, str]:
    """Set the model up on every endpoint (from this machine) before anything is written: an
    unusable one is a ``ConfigError``/``EndpointError`` here, as on a single machine. Returns
    the model name and mode of the first."""
    found: list[tuple[str, str]] = []
    for endpoint in endpoints_of(config):
        async with Extractor(replace(config, base_url=endpoint)) as extractor:
            model, mode = await extractor.asetup()
            found.append((model, mode.value))
    return found[0]


def run_on_ray(
    config: ExtractorConfig,
    paths: Iterable[str | Path],
    output: Path,
    *,
    errors: Path | None = None,
    resume: bool = False,
    observer: BatchObserver | None = None,
    options: RayOptions | None = None,
) -> BatchSummary:
    """Extract every document under ``paths`` into ``output`` on Ray, like ``run_batch``.

    Raises ``InputError`` for bad paths and ``ConfigError`` when no model can be used (both
    before anything is written), ``RayJobFailed`` when Ray gives up; every per-document
    failure is logged and counted instead.
    """
    started = time.perf_counter()
    options = options or RayOptions.resolve()
    if config.record:
        raise ConfigError("--record appends to one recordings folder: record without --ray")
    items = list(iter_documents(paths))
    summary = BatchSummary(documents=len(items))
    model, mode = asyncio.run(check_endpoints(config))
    summary.model, summary.mode = model, mode
    with ray_session(options.address, num_cpus=options.num_cpus):
        out = OutputFile(output, resume=resume)
        log = ErrorLog(errors or default_errors_path(output))
        try:
            if observer:
                observer.started(len(items), model, mode)
            todo = []
            for item in items:
                if isinstance(item, DocumentError):
                    _failed(summary, log, observer, item.doc_id, "", item)
                elif resume and out.done(item.doc_id, item.text_sha256):
                    summary.skipped += 1
                    if observer:
                        observer.finished(item.doc_id, None, True)
                else:
                    todo.append(item)
            if todo:
                _collect(config, options, document_rows(todo), out, log, summary, observer)
            out.finish([item.doc_id for item in items if not isinstance(item, DocumentError)])
        finally:
            out.close()
            log.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _collect(
    config: ExtractorConfig,
    options: RayOptions,
    rows: list[dict[str, str | None]],
    out: OutputFile,
    log: ErrorLog,
    summary: BatchSummary,
    observer: BatchObserver | None,
) -> None:
    import ray.data
    from ray.exceptions import RayError

    # The caller shows progress; Ray Data's own log lines still go to the session's log files.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    dataset = extract_dataset(ray.data.from_items(rows), config, options)
    seen: set[str] = set()
    try:
        for row in dataset.iter_rows():
            doc_id = str(row["doc_id"])
            if doc_id in seen:
                continue
            seen.add(doc_id)
            if row["error"] == ConfigError.__name__:
                raise ConfigError(str(row["message"]))
            if row["record"] is None:
                _failed(summary, log, observer, doc_id, str(row["source"]), _failure(row))
                continue
            record = DocumentRecord.model_validate_json(row["record"])
            out.write(record)
            summary.add(record)
            if observer:
                observer.finished(doc_id, record, False)
    except RayError as e:
        raise RayJobFailed(f"the Ray job failed: {str(e).splitlines()[0][:300]}") from e


def _failed(
    summary: BatchSummary,
    log: ErrorLog,
    observer: BatchObserver | None,
    doc_id: str,
    source: str,
    error: BaseException,
) -> None:
    summary.failed += 1
    log.write(doc_id, source, error)
    if observer:
        observer.failed(doc_id, error)
