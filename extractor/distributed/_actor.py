"""The work of one Ray actor: one ``Extractor`` on one endpoint, a batch of documents at a time.

Ray Data builds the actors of the pool with the same arguments, so the endpoint of each one is
dealt by a small ``EndpointDealer`` actor, round robin, keyed by the actor's id: an actor that
Ray restarts after it died keeps its id and so gets its endpoint back, and the spread stays
even. Each actor keeps one event loop for its whole life (the model client's connections
belong to it) and extracts the documents of a batch concurrently, bounded by the config's
``concurrency``. A document that fails comes back as a row with its error; a config error
(no model, bad endpoint) too, and the driver stops the run on that.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import replace
from typing import Any, Final

import pyarrow as pa

from extractor.api import Extractor
from extractor.config import ExtractorConfig
from extractor.errors import ExtractorError
from extractor.pipeline.load import Document

__all__ = ["ROW_SCHEMA", "DocumentExtractor", "EndpointDealer", "document_row"]

ROW_SCHEMA: Final = pa.schema(
    [
        ("doc_id", pa.string()),
        ("text_sha256", pa.string()),
        ("source", pa.string()),
        ("record", pa.string()),
        ("error", pa.string()),
        ("message", pa.string()),
        ("endpoint", pa.string()),
        ("worker", pa.string()),
    ]
)
"""One output row a document: ``record`` is the document's JSON line (as the JSONL output
holds it) or null when it failed; then ``error`` is the exception's class and ``message`` its
text. ``endpoint`` and ``worker`` (host and process id) say where it ran."""

LOCAL_MODEL: Final = "local model"


class EndpointDealer:
    """Deals endpoint indexes to actors, round robin, the same index again to the same id."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.given: dict[str, int] = {}

    def assign(self, actor_id: str) -> int:
        if actor_id not in self.given:
            self.given[actor_id] = len(self.given) % self.count
        return self.given[actor_id]

    def assignments(self) -> dict[str, int]:
        return dict(self.given)


def document_row(
    doc_id: str,
    text_sha256: str,
    source: str,
    *,
    record: str | None = None,
    error: BaseException | None = None,
    endpoint: str = "",
    worker: str = "",
) -> dict[str, str | None]:
    """One row of ``ROW_SCHEMA``: the record's JSON line, or the error."""
    return {
        "doc_id": doc_id,
        "text_sha256": text_sha256,
        "source": source,
        "record": record,
        "error": None if error is None else type(error).__name__,
        "message": None if error is None else str(error),
        "endpoint": endpoint,
        "worker": worker,
    }


def _document(row: dict[str, Any]) -> Document:
    text = str(row["text"])
    digest = row.get("text_sha256") or hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = row.get("source") or "<dataset>"
    return Document(doc_id=str(row["id"]), text=text, text_sha256=digest, source=source)


class DocumentExtractor:
    """The ``map_batches`` callable: a batch of ``{"id", "text"}`` rows in (``text_sha256``
    and ``source`` are kept when present), a batch of ``ROW_SCHEMA`` rows out."""

    def __init__(
        self,
        config: ExtractorConfig,
        endpoints: list[str | None],
        dealer: Any = None,  # an actor handle of EndpointDealer; None with one endpoint
    ) -> None:
        import ray

        index = 0
        if dealer is not None:
            actor_id = ray.get_runtime_context().get_actor_id() or str(os.getpid())
            index = int(ray.get(dealer.assign.remote(actor_id)))
        self.endpoint = endpoints[index]
        self.extractor = Extractor(replace(config, base_url=self.endpoint))
        host = ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]
        self.worker = f"{host}:{os.getpid()}"
        self._loop = asyncio.new_event_loop()

    def __call__(self, batch: pa.Table) -> pa.Table:
        done = self._loop.run_until_complete(self._batch(batch.to_pylist()))
        return pa.Table.from_pylist(done, schema=ROW_SCHEMA)

    async def _batch(self, rows: list[dict[str, Any]]) -> list[dict[str, str | None]]:
        return list(await asyncio.gather(*(self._one(row) for row in rows)))

    async def _one(self, row: dict[str, Any]) -> dict[str, str | None]:
        # rows leave this process: no endpoint credentials or API key in them
        endpoint = self.extractor.redact(self.endpoint) if self.endpoint else LOCAL_MODEL
        if row.get("error"):  # a document that could not be loaded passes through
            passed = {name: row.get(name) for name in ROW_SCHEMA.names}
            return passed | {"endpoint": endpoint, "worker": self.worker}
        document = _document(row)
        where = (document.doc_id, document.text_sha256, document.source)
        try:
            record = await self.extractor.aextract_document(document)
        except ExtractorError as e:  # the driver stops the run on a ConfigError
            failed = document_row(*where, error=e, endpoint=endpoint, worker=self.worker)
            return failed | {"message": self.extractor.redact(str(e))}
        line = record.model_dump_json()
        return document_row(*where, record=line, endpoint=endpoint, worker=self.worker)

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed():
            loop.run_until_complete(self.extractor.aclose())
            loop.close()
