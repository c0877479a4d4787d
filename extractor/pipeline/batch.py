"""Running many documents: bounded concurrency, one failure never sinks the batch, resume.

Model calls across all documents and chunks share one semaphore (``concurrency``); a few
more documents than that are in flight so the model is never idle while a document is being
grounded and written. Each finished document is written at once; failures go to the error
log; the output is put in input order at the end.

Both files are checked before the model is set up (a bad path is an ``OutputError`` before
any model call), and are never read back as inputs. A write that fails mid-run (a full disk)
stops the run at once with an ``OutputError``: the lines already written stay, and
``--resume`` goes on from them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from extractor.config import ExtractorConfig
from extractor.errors import (
    ConfigError,
    DocumentError,
    ExtractorError,
    ModelError,
)
from extractor.llm.client import ModelClient
from extractor.llm.store import recording_manifest
from extractor.pipeline.document import extract_document
from extractor.pipeline.load import Document, iter_documents
from extractor.pipeline.prompt import load_prompt
from extractor.pipeline.write import ErrorLog, OutputFile, check_writable
from extractor.records import DocumentRecord

__all__ = [
    "BatchObserver",
    "BatchSummary",
    "default_errors_path",
    "run_batch",
]


@dataclass(slots=True)
class BatchSummary:
    """What a run did, for the summary line and the exit code."""

    documents: int = 0
    extracted: int = 0
    skipped: int = 0
    failed: int = 0
    records: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    model: str | None = None
    mode: str | None = None

    def add(self, record: DocumentRecord) -> None:
        """Count one extracted document: its records and its model usage."""
        self.extracted += 1
        self.records += _count(record)
        if record.meta is not None and record.meta.usage is not None:
            usage = record.meta.usage
            self.calls += usage.calls
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            self.cached_prompt_tokens += usage.cached_prompt_tokens
            self.cache_hits += usage.cache_hits


class BatchObserver(Protocol):
    """Receives progress (the CLI draws a progress bar from it)."""

    def started(self, total: int, model: str, mode: str) -> None: ...

    def finished(self, doc_id: str, record: DocumentRecord | None, skipped: bool) -> None: ...

    def failed(self, doc_id: str, error: BaseException) -> None: ...


def default_errors_path(output: Path) -> Path:
    """``out.jsonl`` -> ``out.errors.jsonl`` beside it."""
    return output.with_name(output.stem + ".errors.jsonl")


async def _all(jobs: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run ``jobs`` concurrently; the first to raise cancels the others (an error that ends
    the run must not leave documents being written behind it) and is raised as it is."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    if not tasks:
        return
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except asyncio.CancelledError:  # Ctrl-C: stop every document before the files close
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        error = task.exception()
        if error is not None:
            raise error


def _count(record: DocumentRecord) -> int:
    return len(record.projects) + len(record.indicators) + len(record.enterprise_roles)


async def run_batch(
    config: ExtractorConfig,
    paths: Iterable[str | Path],
    output: Path,
    *,
    errors: Path | None = None,
    resume: bool = False,
    observer: BatchObserver | None = None,
    client: ModelClient | None = None,
) -> BatchSummary:
    """Extract every document under ``paths`` into ``output``.

    Raises ``InputError`` for bad paths, ``OutputError`` for an output or errors file that
    cannot be written and ``ConfigError`` when no model can be used (all before anything is
    written); every per-document failure is logged and counted instead. A write that fails
    later raises ``OutputError`` and stops the run, keeping what was written.
    """
    started = time.perf_counter()
    errors = errors or default_errors_path(output)
    check_writable(output)
    check_writable(errors, regular=False)
    items = list(
        iter_documents(paths, exclude=(output, errors), max_bytes=config.max_document_bytes)
    )
    prompt = load_prompt(config.prompt, config.prompts_dir)
    summary = BatchSummary(documents=len(items))
    own_client = client is None
    model_client = client or ModelClient(config)
    out: OutputFile | None = None
    log: ErrorLog | None = None
    try:
        # Set the model up before opening (truncating) the output: a config error must leave
        # the previous output as it was.
        model, mode = await model_client.setup()
        out = OutputFile(output, resume=resume)
        log = ErrorLog(errors, redact=model_client.redact)
        summary.model, summary.mode = model, mode.value
        if observer:
            observer.started(len(items), model, mode.value)
        calls = asyncio.Semaphore(config.effective_concurrency)
        in_flight = asyncio.Semaphore(config.effective_concurrency + 2)

        async def one(item: Document | DocumentError) -> None:
            if isinstance(item, DocumentError):
                summary.failed += 1
                log.write(item.doc_id, "", item)
                if observer:
                    observer.failed(item.doc_id, item)
                return
            if resume and out.done(item.doc_id, item.text_sha256):
                summary.skipped += 1
                if observer:
                    observer.finished(item.doc_id, None, True)
                return
            async with in_flight:
                try:
                    record = await extract_document(model_client, prompt, item, calls)
                except ConfigError:
                    raise
                except (ModelError, ExtractorError) as e:
                    summary.failed += 1
                    log.write(item.doc_id, item.source, e)
                    if observer:
                        observer.failed(item.doc_id, e)
                    return
            out.write(record)
            summary.add(record)
            if observer:
                observer.finished(item.doc_id, record, False)

        await _all(one(item) for item in items)
        out.finish([item.doc_id for item in items if not isinstance(item, DocumentError)])
        if config.record and model_client.transport.recordings is not None:
            model_client.transport.recordings.write_manifest(
                recording_manifest(
                    model=model_client.model_name,
                    backend=model_client.backend.value,
                    mode=None if model_client.mode is None else model_client.mode.value,
                    prompt_version=prompt.prompt_id,
                    prompt_sha256=prompt.sha256,
                )
            )
    finally:
        try:
            try:
                if out is not None:
                    out.close()
            finally:
                if log is not None:
                    log.close()
        finally:
            if own_client:
                await model_client.aclose()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
