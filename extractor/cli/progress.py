"""A progress bar on stderr for a batch run, fed by the batch observer protocol."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from extractor.records import DocumentRecord

__all__ = ["BatchProgress"]


class BatchProgress:
    """Documents done of total, records, tokens and cache hits; failures printed as lines."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled
        self.records = 0
        self.tokens = 0
        self.hits = 0
        self._progress = Progress(
            TextColumn("[bold]extract"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("docs · {task.fields[stats]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.__exit__(exc_type, exc, tb)

    def _stats(self) -> str:
        return f"{self.records} records · {self.tokens} tokens · {self.hits} cache hits"

    def started(self, total: int, model: str, mode: str) -> None:
        self.console.print(f"model {model} · mode {mode} · {total} document(s)")
        self._task = self._progress.add_task("extract", total=total, stats=self._stats())

    def finished(self, doc_id: str, record: DocumentRecord | None, skipped: bool) -> None:
        if record is not None:
            self.records += (
                len(record.projects) + len(record.indicators) + len(record.enterprise_roles)
            )
            usage = record.meta.usage if record.meta else None
            if usage is not None:
                self.tokens += usage.prompt_tokens + usage.completion_tokens
                self.hits += usage.cache_hits
        self._advance()

    def failed(self, doc_id: str, error: BaseException) -> None:
        self.console.print(f"[red]failed[/red] {doc_id}: {error}", highlight=False)
        self._advance()

    def _advance(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, stats=self._stats())
