"""Running many documents: bounded concurrency, one failure never sinks the batch, resume.

Model calls across all documents and chunks share one semaphore (``concurrency``); a few
more documents than that are in flight so the model is never idle while a document is being
grounded and written. Each finished document is written at once; failures go to the error
log; the output is put in input order at the end. ``Batch`` is that bookkeeping (files,
documents, resume, counts, order) for whoever extracts: ``run_batch`` in this process (the
library's ``Extractor.extract_to``), ``extractor.distributed`` on Ray.

Both files are checked before the model is set up (a bad path is an ``OutputError`` before
any model call), and are never read back as inputs. A write that fails mid-run (a full disk)
stops the run at once with an ``OutputError``: the lines already written stay, and
``--resume`` goes on from them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from contextlib import contextmanager
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
from extractor.pipeline.prompt import AnyPrompt, load_prompt
from extractor.pipeline.write import ErrorLog, OutputFile, check_writable
from extractor.records import DocumentRecord

__all__ = [
    "Batch",
    "BatchObserver",
    "BatchSummary",
    "BatchWriter",
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
    errors: Path | None = None
    """The errors file (written only when a document failed)."""

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


class BatchWriter:
    """Where a batch's outcomes go, whoever extracted them: a record to the output, a failure
    to the errors file, each counted in the summary and shown to the observer."""

    def __init__(
        self,
        out: OutputFile,
        log: ErrorLog,
        summary: BatchSummary,
        observer: BatchObserver | None = None,
    ) -> None:
        self.out = out
        self.log = log
        self.summary = summary
        self.observer = observer
        self.todo: list[Document] = []
        """The documents left to extract (neither unreadable nor already done)."""

    def extracted(self, record: DocumentRecord) -> None:
        self.out.write(record)
        self.summary.add(record)
        if self.observer:
            self.observer.finished(record.doc_id, record, False)

    def failed(self, doc_id: str, source: str, error: BaseException) -> None:
        self.summary.failed += 1
        self.log.write(doc_id, source, error)
        if self.observer:
            self.observer.failed(doc_id, error)

    def skipped(self, doc_id: str) -> None:
        self.summary.skipped += 1
        if self.observer:
            self.observer.finished(doc_id, None, True)


class Batch:
    """The run of a batch, whoever extracts its documents (this process: ``run_batch``; Ray:
    ``extractor.distributed``): the files checked and the documents read when it is made,
    before any model is set up, then ``writing`` once the model is ready."""

    def __init__(
        self,
        config: ExtractorConfig,
        paths: Iterable[str | Path],
        output: Path,
        *,
        errors: Path | None = None,
        resume: bool = False,
        observer: BatchObserver | None = None,
    ) -> None:
        self._started = time.perf_counter()
        self.output = output
        self.errors = errors or default_errors_path(output)
        self.resume = resume
        self.observer = observer
        check_writable(output)
        check_writable(self.errors, regular=False)
        self.items = list(
            iter_documents(
                paths, exclude=(output, self.errors), max_bytes=config.max_document_bytes
            )
        )
        self.summary = BatchSummary(documents=len(self.items), errors=self.errors)

    @contextmanager
    def writing(
        self, model: str, mode: str, *, redact: Callable[[str], str] | None = None
    ) -> Iterator[BatchWriter]:
        """Open the output (with ``resume``, its earlier lines kept) and the errors file,
        report the documents that could not be read or are already done, and give the writer
        for the rest (``todo``). When the block ends without an error the output is put in
        input order; the files are closed in any case."""
        out = OutputFile(self.output, resume=self.resume)
        try:
            log = ErrorLog(self.errors, redact=redact)
            try:
                self.summary.model, self.summary.mode = model, mode
                writer = BatchWriter(out, log, self.summary, self.observer)
                if self.observer:
                    self.observer.started(len(self.items), model, mode)
                for item in self.items:
                    if isinstance(item, DocumentError):
                        writer.failed(item.doc_id, "", item)
                    elif self.resume and out.done(item.doc_id, item.text_sha256):
                        writer.skipped(item.doc_id)
                    else:
                        writer.todo.append(item)
                yield writer
                out.finish([item.doc_id for item in self.items if isinstance(item, Document)])
            finally:
                log.close()
        finally:
            out.close()
        self.summary.seconds = round(time.perf_counter() - self._started, 3)


async def run_batch(
    config: ExtractorConfig,
    paths: Iterable[str | Path],
    output: Path,
    *,
    errors: Path | None = None,
    resume: bool = False,
    observer: BatchObserver | None = None,
    client: ModelClient | None = None,
    prompt: AnyPrompt | None = None,
    calls: asyncio.Semaphore | None = None,
) -> BatchSummary:
    """Extract every document under ``paths`` into ``output``.

    Raises ``InputError`` for bad paths, ``OutputError`` for an output or errors file that
    cannot be written and ``ConfigError`` when no model can be used (all before anything is
    written); every per-document failure is logged and counted instead. A write that fails
    later raises ``OutputError`` and stops the run, keeping what was written. ``client``,
    ``prompt`` and ``calls`` (the semaphore of model calls) are the caller's to share, made
    from ``config`` when not given; a client given is not closed.
    """
    batch = Batch(config, paths, output, errors=errors, resume=resume, observer=observer)
    prompt = prompt or load_prompt(config.prompt, config.prompts_dir)
    own_client = client is None
    model_client = client or ModelClient(config)
    try:
        # Set the model up before opening (truncating) the output: a config error must leave
        # the previous output as it was.
        model, mode = await model_client.setup()
        limit = calls or asyncio.Semaphore(config.effective_concurrency)
        in_flight = asyncio.Semaphore(config.effective_concurrency + 2)
        with batch.writing(model, mode.value, redact=model_client.redact) as writer:

            async def one(item: Document) -> None:
                async with in_flight:
                    try:
                        record = await extract_document(model_client, prompt, item, limit)
                    except ConfigError:
                        raise
                    except (ModelError, ExtractorError) as e:
                        writer.failed(item.doc_id, item.source, e)
                        return
                writer.extracted(record)

            await _all(one(item) for item in writer.todo)
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
        if own_client:
            await model_client.aclose()
    return batch.summary
