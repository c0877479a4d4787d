"""One document through the stages: chunk, prompt, call, ground, merge, assemble the record.

A one-call prompt (``extract.v1``) asks for a chunk's records in one call; joined with a figure
pass (``extract.v1+figures.v1``) a second call then labels the figures that call's indicators
left out, and adds the indicators among them; joined with a follow-up turn
(``extract.v1+missed.v1``) the same conversation asks for them instead; joined with re-ask
complaints (``extract.v1+reask.v1``) an answer whose indicators' figures the text does not
write is re-asked (``extractor.pipeline.reask``); joined with a second look
(``extract.v1+window.v1``) each sentence that still holds a figure no record writes is asked
again alone (``extractor.pipeline.windows``; ``window.v2``, indicators only, is part of the
default); a
one-pass-per-type prompt (``typed.v1``) asks in three (``extractor.pipeline.passes``) and
implies no roles from projects' enterprises when merging. Joined with a project check
(``extract.v1+verify.v1``), one more call after merging labels the projects of a document of
three chunks or more and drops those it calls no project (``extractor.pipeline.verify``).
The default, ``extract.v1+verify.v1+window.v2``, joins both the second look and the check.
"""

from __future__ import annotations

import asyncio
import time

from extractor.errors import DocumentError, ExtractorError
from extractor.llm.client import ModelClient
from extractor.llm.transport import CallContext, UsageMeter, current_call
from extractor.pipeline.chunk import Chunk, chunk_document
from extractor.pipeline.ground import Grounded, ground_chunk
from extractor.pipeline.load import Document
from extractor.pipeline.merge import merge_records
from extractor.pipeline.missed import with_missed
from extractor.pipeline.owners import with_owners
from extractor.pipeline.passes import extract_chunk_passes, figure_indicators
from extractor.pipeline.prompt import AnyPrompt, PassPrompt, Prompt, TypedPrompt
from extractor.pipeline.reask import GroundingCheck
from extractor.pipeline.verify import verify_projects
from extractor.pipeline.windows import second_look
from extractor.pipeline.wire import ChunkAnswer, ChunkExtraction
from extractor.records import FORMAT_VERSION, DocumentRecord, RunMeta, Usage

__all__ = ["extract_document"]


async def _chunk(
    client: ModelClient,
    prompt: AnyPrompt,
    document: Document,
    chunk: Chunk,
    limit: asyncio.Semaphore,
    meter: UsageMeter,
    keep_ungrounded: bool,
) -> Grounded:
    token = current_call.set(CallContext(doc_id=document.doc_id, chunk=chunk.index, meter=meter))
    reasked: list[str] = []
    try:
        if isinstance(prompt, TypedPrompt):
            return await extract_chunk_passes(
                client, limit, prompt, document.text, chunk, keep_ungrounded=keep_ungrounded
            )
        answer: ChunkExtraction | ChunkAnswer
        if prompt.missed is not None:
            answer = await with_missed(
                client, limit, prompt, prompt.missed, chunk, document.text_sha256
            )
        elif prompt.figures is None:
            check = None
            if prompt.reask is not None:
                # never more re-asks than instructor makes: a complaint then fails the chunk
                reasks = min(1, client.config.max_reasks)
                check = GroundingCheck(prompt.reask, document.text, chunk, reasks=reasks)
            context: dict[str, object] = {}
            if check is not None:
                context["check"] = check
            if prompt.marks is not None:
                context["marks"] = (prompt.marks.open, prompt.marks.close)
            async with limit:
                messages = prompt.messages(chunk, document.text_sha256)
                answer = await client.extract(
                    messages, ChunkExtraction, validation_context=context or None
                )
            reasked = [
                f"chunk {chunk.index}: re-asked for {n} indicator figure(s) not in the text"
                for n in (check.reasked if check else ())
            ]
        else:
            answer = await _with_figures(
                client, prompt, prompt.figures, chunk, document.text_sha256, limit
            )
    finally:
        current_call.reset(token)
    grounded = ground_chunk(document.text, chunk, answer, keep_ungrounded=keep_ungrounded)
    grounded.warnings[:0] = reasked
    if isinstance(prompt, Prompt) and prompt.window is not None:
        token = current_call.set(
            CallContext(doc_id=document.doc_id, chunk=chunk.index, meter=meter)
        )
        try:
            grounded.indicators.extend(
                await second_look(
                    client,
                    limit,
                    prompt,
                    prompt.window,
                    document.text,
                    document.text_sha256,
                    chunk,
                    grounded,
                )
            )
        finally:
            current_call.reset(token)
    return grounded


async def _with_figures(
    client: ModelClient,
    prompt: Prompt,
    figures: PassPrompt,
    chunk: Chunk,
    text_sha256: str,
    limit: asyncio.Semaphore,
) -> ChunkAnswer:
    """The one-call prompt's records, and the figure pass's indicators for the figures that
    none of its indicators states: the main call names few indicators but names them well,
    the figure pass finds the ones it left out. The figure call waits for the main call, so
    that it knows which figures are covered (and is skipped when none is left to name)."""
    async with limit:
        answer = await client.extract(prompt.messages(chunk, text_sha256), ChunkExtraction)
    covered = frozenset(
        figure.strip() for i in answer.indicators for figure in (i.value, i.change) if figure
    )
    sentences = [s.text for s in chunk.sentences]
    added = await figure_indicators(client, limit, figures, sentences, covered)
    return ChunkAnswer(
        projects=answer.projects, indicators=[*answer.indicators, *added], roles=answer.roles
    )


async def extract_document(
    client: ModelClient, prompt: AnyPrompt, document: Document, limit: asyncio.Semaphore
) -> DocumentRecord:
    """Extract one document; raises the first chunk's error (the document then fails).

    A fault of this code in one document's stages (a bug in grounding, say) is raised as a
    ``DocumentError`` that names it: the document fails with its reason in the errors file,
    and a batch goes on without it (one broken document never sinks a batch)."""
    try:
        return await _extract_document(client, prompt, document, limit)
    except ExtractorError:
        raise
    except Exception as e:
        reason = f"internal error, please report it: {type(e).__name__}: {e}"
        raise DocumentError(document.doc_id, reason) from e


async def _extract_document(
    client: ModelClient, prompt: AnyPrompt, document: Document, limit: asyncio.Semaphore
) -> DocumentRecord:
    started = time.perf_counter()
    config = client.config
    chunks = chunk_document(
        document.text, max_tokens=config.chunk_tokens, overlap_tokens=config.overlap_tokens
    )
    meter = UsageMeter()
    warnings: list[str] = []
    if not chunks:
        warnings.append("the document has no text")
    model, mode = await client.setup() if chunks else (client.model_name, client.mode)
    results = await asyncio.gather(
        *(_chunk(client, prompt, document, c, limit, meter, config.keep_ungrounded) for c in chunks)
    )
    for result in results:
        warnings.extend(result.warnings)
    merged = merge_records(
        (p for r in results for p in r.projects),
        (i for r in results for i in r.indicators),
        (x for r in results for x in r.roles),
        implied_roles=not isinstance(prompt, TypedPrompt),
    )
    warnings.extend(merged.warnings)
    projects, roles = merged.projects, merged.roles
    if (
        isinstance(prompt, Prompt)
        and prompt.verify is not None
        and len(chunks) >= prompt.verify.min_chunks
    ):
        # after every chunk: the check labels the document's merged projects in one call
        token = current_call.set(
            CallContext(doc_id=document.doc_id, chunk=len(chunks), meter=meter)
        )
        try:
            projects, roles, checked = await verify_projects(
                client, limit, prompt.verify, projects, roles
            )
        finally:
            current_call.reset(token)
        warnings.extend(checked)
    projects = with_owners(projects, merged.indicators, document.text)
    meta = RunMeta(
        model=model,
        backend=client.backend.value,
        mode=None if mode is None else mode.value,
        prompt_version=prompt.prompt_id,
        format_version=FORMAT_VERSION,
        usage=Usage(
            calls=meter.calls,
            prompt_tokens=meter.prompt_tokens,
            completion_tokens=meter.completion_tokens,
            cached_prompt_tokens=meter.cached_prompt_tokens,
            cache_hits=meter.cache_hits,
        ),
        seconds=round(time.perf_counter() - started, 3),
        warnings=warnings,
        prompt_sha256=prompt.sha256[:16],
        chunks=len(chunks),
        model_seconds=round(meter.model_seconds, 3),
    )
    return DocumentRecord(
        doc_id=document.doc_id,
        text_sha256=document.text_sha256,
        projects=projects,
        indicators=merged.indicators,
        enterprise_roles=roles,
        meta=meta,
    )
