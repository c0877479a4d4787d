"""Running jobs: a FIFO queue, a few job workers, one model shared with ``/v1/extract``.

Every model call of the server goes through the ``Extractor``'s one semaphore
(``concurrency``), which wakes its waiters in arrival order. A job keeps at most
``concurrency + 1`` of its documents in flight, so a single ``/v1/extract`` request waits
behind a handful of a job's calls, never behind the whole job.

Each finished document is committed at once (``JobStore``). On SIGTERM the runner starts no
new document, gives the ones in progress ``grace`` seconds, then leaves the rest pending; the
job stays ``running`` in the database and is resumed, with its pending documents only, when
the server starts again. The same happens after ``kill -9``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from extractor.api import Extractor
from extractor.errors import ConfigError, ExtractorError
from extractor.records import DocumentRecord, Usage
from extractor.service.metrics import ServiceMetrics
from extractor.service.problems import ModelUnavailable, QueueFull
from extractor.service.settings import Limits
from extractor.service.store import JobStatus, JobStore, PendingDocument

__all__ = ["JobRunner"]

log = logging.getLogger("extractor.service")


def _usage(record: DocumentRecord) -> Usage:
    if record.meta is not None and record.meta.usage is not None:
        return record.meta.usage
    return Usage()


class JobRunner:
    """Owns the job queue and the tasks that work through it."""

    def __init__(
        self,
        extractor: Extractor,
        store: JobStore,
        metrics: ServiceMetrics,
        limits: Limits,
        *,
        ready: Callable[[], Awaitable[object]],
        grace: float = 10.0,
        redact: Callable[[str], str] = str,
    ) -> None:
        self.extractor = extractor
        self.store = store
        self.metrics = metrics
        self.limits = limits
        self.grace = grace
        self.redact = redact
        self.ready = ready
        """Raises ``ModelUnavailable`` when the model cannot be used (checked at job start)."""
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._running: dict[str, asyncio.Task[None]] = {}
        self._stopping = False

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    def start(self) -> list[str]:
        """Queue the jobs a previous run left unfinished (oldest first), start the workers;
        returns the resumed job ids."""
        resumed = self.store.unfinished()
        for job_id in resumed:
            self._queue.put_nowait(job_id)
        self.metrics.queue_depth.set(self.queued)
        self._workers = [
            asyncio.create_task(self._work(), name=f"job-worker-{i}")
            for i in range(self.limits.max_running_jobs)
        ]
        return resumed

    def check_room(self) -> None:
        """Raise ``QueueFull`` when no job can be queued now."""
        if self._stopping:
            raise QueueFull("the server is shutting down", headers={"retry-after": "5"})
        if self.queued >= self.limits.max_queued_jobs:
            raise QueueFull(
                f"{self.queued} jobs are waiting (the limit is {self.limits.max_queued_jobs})",
                headers={"retry-after": "5"},
            )

    def submit(self, job_id: str) -> None:
        self._queue.put_nowait(job_id)
        self.metrics.queue_depth.set(self.queued)

    def cancel(self, job_id: str) -> None:
        """Stop working on a job the store has marked cancelled."""
        task = self._running.get(job_id)
        if task is not None:
            task.cancel()

    async def stop(self) -> None:
        """Start no new document; wait ``grace`` seconds for those in progress; leave the
        rest pending for the next start."""
        self._stopping = True
        running = list(self._running.values())
        if running:
            log.info("waiting up to %.0fs for %d running job(s)", self.grace, len(running))
            _, late = await asyncio.wait(running, timeout=self.grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            self.metrics.queue_depth.set(self.queued)
            state = self.store.get(job_id)
            if self._stopping or state is None or state.status.finished:
                continue
            task = asyncio.create_task(self._run(job_id), name=f"job-{job_id}")
            self._running[job_id] = task
            self.metrics.running_jobs.set(len(self._running))
            try:
                await asyncio.wait([task])  # a cancelled job must not cancel its worker
                if not task.cancelled() and task.exception() is not None:
                    error = task.exception()
                    log.error("job %s stopped: %s", job_id, type(error).__name__)
                    self.store.finish(job_id, JobStatus.FAILED, "internal error")
            finally:
                del self._running[job_id]
                self.metrics.running_jobs.set(len(self._running))

    async def _run(self, job_id: str) -> None:
        self.store.mark_running(job_id)
        try:
            await self.ready()
        except ModelUnavailable as e:
            self.store.finish(job_id, JobStatus.FAILED, e.detail)
            return
        in_flight = asyncio.Semaphore(self.extractor.config.effective_concurrency + 1)
        failure: str | None = None
        try:
            async with asyncio.TaskGroup() as group:
                for document in self.store.pending(job_id):
                    group.create_task(self._one(job_id, document, in_flight))
        except* ConfigError as e:
            failure = self.redact(str(e.exceptions[0]))
        if failure is not None:
            self.store.finish(job_id, JobStatus.FAILED, failure)
        elif not self._stopping:
            self.store.finish(job_id, JobStatus.DONE)

    async def _one(
        self, job_id: str, document: PendingDocument, in_flight: asyncio.Semaphore
    ) -> None:
        async with in_flight:
            if self._stopping:
                return  # stays pending: the next start does it
            started = time.perf_counter()
            try:
                record = await self.extractor.aextract_text(document.text, document.doc_id)
            except ConfigError:
                raise
            except ExtractorError as e:
                message = self.redact(str(e))
                self.store.fail_document(job_id, document.position, type(e).__name__, message)
                self.metrics.document("job", None, time.perf_counter() - started)
                return
            self.store.finish_document(
                job_id, document.position, record.model_dump_json(), _usage(record)
            )
            self.metrics.document("job", record, time.perf_counter() - started)
