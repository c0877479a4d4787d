"""The library API: an ``Extractor`` object plus one-call helpers, async core, sync twins.

from extractor import Extractor, extract_text

record = extract_text("Songhe's fixed-asset investment grew 9.2% ...")
async with Extractor(base_url="http://127.0.0.1:8080/v1") as ex:
    record = await ex.aextract_text(text)
    summary = await ex.aextract_to(["articles/"], "out.jsonl", resume=True)  # what `extract` does
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from extractor.config import ExtractorConfig
from extractor.errors import DocumentError, ModelError
from extractor.llm import engine
from extractor.llm.client import ModelClient
from extractor.pipeline.batch import BatchObserver, BatchSummary, run_batch
from extractor.pipeline.document import extract_document
from extractor.pipeline.load import Document, iter_documents
from extractor.pipeline.prompt import AnyPrompt, load_prompt
from extractor.records import DocumentRecord

T = TypeVar("T")

__all__ = [
    "BatchObserver",
    "BatchSummary",
    "Extractor",
    "aextract_files",
    "aextract_text",
    "extract_files",
    "extract_text",
    "unload_models",
]


class Extractor:
    """Extracts records from texts and files with one model client (reuse it for batches).

    Settings are ``ExtractorConfig`` fields, given as a config or as keywords, resolved
    against the environment (argument, then environment variable, then default).
    """

    def __init__(self, config: ExtractorConfig | None = None, **settings: Any) -> None:
        if config is not None and settings:
            raise TypeError("pass either a config or settings, not both")
        self.config = config or ExtractorConfig.resolve(**settings)
        self._client: ModelClient | None = None
        self._prompt: AnyPrompt | None = None
        self._limit: asyncio.Semaphore | None = None

    def _parts(self) -> tuple[ModelClient, AnyPrompt, asyncio.Semaphore]:
        if self._client is None:
            self._client = ModelClient(self.config)
        if self._prompt is None:
            self._prompt = load_prompt(self.config.prompt, self.config.prompts_dir)
        if self._limit is None:
            self._limit = asyncio.Semaphore(self.config.effective_concurrency)
        return self._client, self._prompt, self._limit

    async def asetup(self) -> tuple[str, str]:
        """Resolve the model name and structured-output mode now rather than at the first
        document (once; later calls return the same). Raises ``ConfigError`` when no model
        can be used and ``EndpointError`` when the endpoint cannot be reached."""
        client, _, _ = self._parts()
        model, mode = await client.setup()
        return model, mode.value

    def redact(self, text: str) -> str:
        """``text`` with this extractor's endpoint credentials and API key blanked out, for a
        message that leaves the process."""
        client, _, _ = self._parts()
        return client.redact(text)

    async def aextract_document(self, document: Document) -> DocumentRecord:
        """Extract one loaded document."""
        client, prompt, limit = self._parts()
        return await extract_document(client, prompt, document, limit)

    async def aextract_text(self, text: str, doc_id: str = "text") -> DocumentRecord:
        """Extract one text; ``text_sha256`` is the hash of its UTF-8 bytes."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        document = Document(doc_id=doc_id, text=text, text_sha256=digest, source="<text>")
        return await self.aextract_document(document)

    async def aextract_files(
        self, paths: Iterable[str | Path]
    ) -> list[DocumentRecord | DocumentError]:
        """Extract every document under ``paths``, in input order; a document that cannot be
        read or extracted comes back as its ``DocumentError``/``ModelError`` wrapped in a
        ``DocumentError``."""
        items = list(iter_documents(paths))

        async def one(item: Document | DocumentError) -> DocumentRecord | DocumentError:
            if isinstance(item, DocumentError):
                return item
            try:
                return await self.aextract_document(item)
            except DocumentError as e:
                return e
            except ModelError as e:
                failure = DocumentError(item.doc_id, str(e))
                failure.__cause__ = e
                return failure

        return list(await asyncio.gather(*(one(item) for item in items)))

    async def aextract_to(
        self,
        paths: Iterable[str | Path],
        output: str | Path,
        *,
        resume: bool = False,
        errors: str | Path | None = None,
        observer: BatchObserver | None = None,
    ) -> BatchSummary:
        """Extract every document under ``paths`` into the JSONL file ``output``, as the
        ``extract`` command does: one line a document, written as each finishes and put in
        input order at the end. A document that fails is a line in ``errors`` (default
        ``OUTPUT.errors.jsonl``) and a count in the summary, never an exception; ``resume``
        keeps ``output``'s lines and skips the documents already there with the same text.

        Raises ``InputError`` (bad paths), ``OutputError`` (a file that cannot be written) and
        ``ConfigError``/``EndpointError`` (no usable model), all before ``output`` is touched;
        an ``OutputError`` later (a full disk) stops the run and keeps the lines written.
        ``observer`` is told of the start and of each document (a progress bar).
        """
        client, prompt, limit = self._parts()
        return await run_batch(
            self.config,
            paths,
            Path(output),
            errors=None if errors is None else Path(errors),
            resume=resume,
            observer=observer,
            client=client,
            prompt=prompt,
            calls=limit,
        )

    def extract_text(self, text: str, doc_id: str = "text") -> DocumentRecord:
        """Sync twin of ``aextract_text`` (runs its own event loop)."""
        return _run(self, self.aextract_text(text, doc_id))

    def extract_files(self, paths: Iterable[str | Path]) -> list[DocumentRecord | DocumentError]:
        """Sync twin of ``aextract_files``."""
        return _run(self, self.aextract_files(paths))

    def extract_to(
        self,
        paths: Iterable[str | Path],
        output: str | Path,
        *,
        resume: bool = False,
        errors: str | Path | None = None,
        observer: BatchObserver | None = None,
    ) -> BatchSummary:
        """Sync twin of ``aextract_to``."""
        return _run(
            self,
            self.aextract_to(paths, output, resume=resume, errors=errors, observer=observer),
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._limit = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _run(extractor: Extractor, coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine of ``extractor`` to completion in a fresh loop, then close the client
    (its connections belong to that loop; an embedded model stays loaded)."""

    async def main() -> T:
        try:
            return await coroutine
        finally:
            await extractor.aclose()

    return asyncio.run(main())


async def aextract_text(
    text: str, doc_id: str = "text", config: ExtractorConfig | None = None, **settings: Any
) -> DocumentRecord:
    """Extract one text with a one-off ``Extractor``."""
    async with Extractor(config, **settings) as extractor:
        return await extractor.aextract_text(text, doc_id)


async def aextract_files(
    paths: Iterable[str | Path], config: ExtractorConfig | None = None, **settings: Any
) -> list[DocumentRecord | DocumentError]:
    """Extract files and folders with a one-off ``Extractor``."""
    async with Extractor(config, **settings) as extractor:
        return await extractor.aextract_files(paths)


def extract_text(
    text: str, doc_id: str = "text", config: ExtractorConfig | None = None, **settings: Any
) -> DocumentRecord:
    """Sync twin of ``aextract_text``."""
    return asyncio.run(aextract_text(text, doc_id, config, **settings))


def extract_files(
    paths: Iterable[str | Path], config: ExtractorConfig | None = None, **settings: Any
) -> list[DocumentRecord | DocumentError]:
    """Sync twin of ``aextract_files``."""
    return asyncio.run(aextract_files(paths, config, **settings))


def unload_models() -> int:
    """Unload the embedded model(s) this process loaded (they stay loaded across ``Extractor``
    instances and calls until then); returns how many were unloaded."""
    return engine.unload()
