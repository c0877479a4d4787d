"""``extract run ... --ray``: the batch of ``run_batch``, its documents extracted on Ray.

The driver (this process) does what must happen once, with the batch bookkeeping of a
single-machine run (``extractor.pipeline.batch.Batch``): it reads the documents (so ids,
hashes, order and load failures are those of a single-machine run), checks every endpoint
before the output is touched, skips what ``--resume`` finds done, and writes the output and
the errors file as rows come back, whole lines only. The actors only extract. A row that
comes back twice (a batch retried after its actor died) is written once; the output is put
in input order at the end, so it matches a single-machine run line for line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from extractor import errors as errors_module
from extractor.api import Extractor
from extractor.config import ExtractorConfig
from extractor.distributed._cluster import ray_session, require_ray
from extractor.distributed._options import RayOptions, endpoints_of
from extractor.errors import ConfigError, ExtractorError
from extractor.pipeline.batch import Batch, BatchObserver, BatchSummary, BatchWriter
from extractor.pipeline.load import Document
from extractor.records import DocumentRecord

__all__ = ["RayJobFailed", "RowWriter", "check_endpoints", "run_on_ray"]


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
            found.append(await extractor.asetup())
    return found[0]


def _config_error(row: dict[str, Any]) -> ConfigError | None:
    """The ``ConfigError`` (or subclass, as ``BackendUnavailable``) an actor reported."""
    kind = getattr(errors_module, str(row["error"]), None)
    if isinstance(kind, type) and issubclass(kind, ConfigError):
        return kind(str(row["message"]))
    return None


class RowWriter:
    """Hands what comes back from the actors to the batch's writer: a record to the output, a
    failure to the errors file; a row seen before (its batch ran twice) is dropped."""

    def __init__(self, writer: BatchWriter) -> None:
        self.writer = writer
        self.seen: set[str] = set()

    def write(self, row: dict[str, Any]) -> None:
        """One ``ROW_SCHEMA`` row; raises ``ConfigError`` for an actor's config error."""
        doc_id = str(row["doc_id"])
        if doc_id in self.seen:
            return
        self.seen.add(doc_id)
        config_error = _config_error(row)
        if config_error is not None:
            raise config_error
        if row["record"] is None:
            self.writer.failed(doc_id, str(row["source"]), _failure(row))
            return
        self.writer.extracted(DocumentRecord.model_validate_json(row["record"]))


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

    Raises ``InputError`` for bad paths, ``OutputError`` for an output or errors file that
    cannot be written and ``ConfigError`` when Ray is missing or no model can be used (all
    before anything is written), ``RayJobFailed`` when Ray gives up; every per-document failure
    is logged and counted instead.
    """
    options = options or RayOptions.resolve()
    if config.record:
        raise ConfigError("--record appends to one recordings folder: record without --ray")
    require_ray()
    batch = Batch(config, paths, output, errors=errors, resume=resume, observer=observer)
    model, mode = asyncio.run(check_endpoints(config))
    with (
        ray_session(options.address, num_cpus=options.num_cpus),
        batch.writing(model, mode) as writer,  # the actors redact what they report
    ):
        if writer.todo:
            _extract(config, options, writer.todo, RowWriter(writer))
    return batch.summary


def _extract(
    config: ExtractorConfig, options: RayOptions, documents: list[Document], writer: RowWriter
) -> None:
    import ray.data
    from ray.exceptions import RayError

    from extractor.distributed._dataset import document_rows, extract_dataset

    # The caller shows progress; Ray Data's own log lines still go to the session's log files.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    dataset = extract_dataset(ray.data.from_items(document_rows(documents)), config, options)
    try:
        for row in dataset.iter_rows():
            writer.write(row)
    except RayError as e:
        raise RayJobFailed(f"the Ray job failed: {str(e).splitlines()[0][:300]}") from e
