"""Datasets in and out: documents as ``{"id", "text"}`` rows, records as ``ROW_SCHEMA`` rows.

``extract_dataset`` is lazy like every Ray Dataset: nothing runs until the result is consumed
(iterated, written to Parquet or JSON, materialised), and consuming it twice extracts twice;
call ``materialize()`` on it to keep the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.config import ExtractorConfig
from extractor.distributed._actor import DocumentExtractor, EndpointDealer
from extractor.distributed._options import RayOptions, endpoints_of, portable
from extractor.errors import DocumentError
from extractor.pipeline.load import Document, iter_documents

if TYPE_CHECKING:
    from ray.data import Dataset

__all__ = ["document_rows", "documents_dataset", "extract_dataset"]


def document_rows(items: Iterable[Document | DocumentError]) -> list[dict[str, str | None]]:
    """Input rows for documents loaded on this machine; a document that could not be read
    becomes a row that carries its error through the pipeline."""
    rows: list[dict[str, str | None]] = []
    for item in items:
        if isinstance(item, DocumentError):
            rows.append(
                {"id": item.doc_id, "text": "", "text_sha256": "", "source": "",
                 "error": type(item).__name__, "message": str(item)}
            )  # fmt: skip
        else:
            rows.append(
                {"id": item.doc_id, "text": item.text, "text_sha256": item.text_sha256,
                 "source": item.source, "error": None, "message": None}
            )  # fmt: skip
    return rows


def documents_dataset(paths: Iterable[str | Path]) -> Dataset:
    """The documents under ``paths`` (files, folders, JSONL files; as ``extract`` reads them)
    as a Dataset of input rows, read on this machine. Raises ``InputError`` for a bad path."""
    import ray.data

    return ray.data.from_items(document_rows(iter_documents(paths)))


def extract_dataset(
    documents: Dataset | str | Path | Sequence[str | Path],
    config: ExtractorConfig | None = None,
    options: RayOptions | None = None,
    **settings: Any,
) -> Dataset:
    """A Dataset of ``ROW_SCHEMA`` rows, one a document, extracted by a pool of actors.

    ``documents`` is a Dataset of ``{"id", "text"}`` rows, a path or a list of paths. Settings are
    ``ExtractorConfig`` fields (or pass a config); a comma-separated ``base_url`` spreads the
    actors over several endpoints. Ray must be initialised (``ray_session``).
    """
    import ray
    import ray.data
    from ray.data import ActorPoolStrategy, DataContext

    if config is not None and settings:
        raise TypeError("pass either a config or settings, not both")
    config = portable(config or ExtractorConfig.resolve(**settings))
    options = options or RayOptions.resolve()
    if isinstance(documents, ray.data.Dataset):
        dataset = documents
    else:  # one path given bare is one path, not a sequence of characters
        paths = [documents] if isinstance(documents, str | Path) else documents
        dataset = documents_dataset(paths)
    endpoints = endpoints_of(config)
    actors = options.pool_size(len(endpoints))
    dealer = None
    if len(endpoints) > 1:
        dealer = ray.remote(num_cpus=0)(EndpointDealer).remote(len(endpoints))
    DataContext.get_current().enable_progress_bars = False  # the caller shows progress
    return dataset.map_batches(
        DocumentExtractor,
        batch_size=options.batch_size,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=actors),
        fn_constructor_kwargs={"config": config, "endpoints": endpoints, "dealer": dealer},
        num_cpus=options.actor_cpus,
    )
