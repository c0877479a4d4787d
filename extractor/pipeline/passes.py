"""Stage 4 for one-pass-per-type prompts (``typed.v1``): three small calls per chunk.

A 1.5B model asked for projects, indicators and roles in one answer pads every list to its cap,
forgets figures and invents roles. Here each record type is its own call, with its own
instructions, examples and answer model (``ProjectsAnswer``, ``IndicatorsAnswer``,
``RolesAnswer``), and code does what the model does badly:

1. **projects**: the numbered sentences; the answer is grounded at once.
2. **indicators** (at the same time as 1): the numbered sentences and every figure that code
   finds in them (``find_figures``), each with an id and its sentence number, so the model
   classifies the listed figures rather than remembering to enumerate them. It still writes
   each figure as the text does, so grounding and normalization are those of every prompt. A
   chunk without any figure has no indicator and is not asked.
3. **roles** (after 1): the numbered sentences and the names of the projects that 1 found and
   grounding kept, so that a role's ``project`` can name one of them.

``figure_indicators`` is the figure pass that a one-call prompt may be joined with
(``extract.v1+figures.v1``): it adds indicators for the figures that prompt's indicators do not
state.

That is three calls per chunk, two for a chunk without figures. The system prompt and the
examples of a pass are the same for every chunk, so a server's prompt-prefix cache serves
them after the first call of each pass. No role is implied from a project's enterprises with
these prompts: the roles pass states them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from extractor.llm.client import AnswerT, ModelClient
from extractor.pipeline.anchor import (
    indicators_from_labels,
    labels_model,
    list_figures,
    settled,
)
from extractor.pipeline.chunk import Chunk
from extractor.pipeline.ground import Grounded, ground_chunk
from extractor.pipeline.prompt import (
    PassPrompt,
    TypedPrompt,
    figure_hints,
    figures_question,
    indicators_question,
    projects_question,
    roles_question,
)
from extractor.pipeline.wire import (
    ChunkAnswer,
    IndicatorsAnswer,
    ProjectsAnswer,
    RolesAnswer,
    WireIndicator,
)

__all__ = ["extract_chunk_passes", "figure_indicators"]


async def _ask(
    client: ModelClient,
    limit: asyncio.Semaphore,
    messages: list[dict[str, str]],
    response_model: type[AnswerT],
) -> AnswerT:
    async with limit:
        return await client.extract(messages, response_model)


async def extract_chunk_passes(
    client: ModelClient,
    limit: asyncio.Semaphore,
    prompt: TypedPrompt,
    document: str,
    chunk: Chunk,
    *,
    keep_ungrounded: bool = False,
) -> Grounded:
    """The grounded records of one chunk, one pass per record type."""
    sentences = [s.text for s in chunk.sentences]

    async def projects_then_roles() -> tuple[Grounded, Grounded]:
        messages = prompt.projects.messages(projects_question(sentences))
        projects = await _ask(client, limit, messages, ProjectsAnswer)
        found = ground_chunk(
            document,
            chunk,
            ChunkAnswer(projects=projects.projects),
            keep_ungrounded=keep_ungrounded,
        )
        names = [p.name for p in found.projects if not p.ungrounded]
        messages = prompt.roles.messages(roles_question(sentences, names))
        roles = await _ask(client, limit, messages, RolesAnswer)
        stated = ground_chunk(
            document, chunk, ChunkAnswer(roles=roles.roles), keep_ungrounded=keep_ungrounded
        )
        return found, stated

    async def indicators() -> Grounded:
        if not figure_hints(sentences):
            return Grounded()
        messages = prompt.indicators.messages(indicators_question(sentences))
        answer = await _ask(client, limit, messages, IndicatorsAnswer)
        return ground_chunk(
            document,
            chunk,
            ChunkAnswer(indicators=answer.indicators),
            keep_ungrounded=keep_ungrounded,
        )

    (found, stated), measured = await asyncio.gather(projects_then_roles(), indicators())
    return Grounded(
        projects=found.projects,
        indicators=measured.indicators,
        roles=stated.roles,
        warnings=[*found.warnings, *measured.warnings, *stated.warnings],
    )


async def figure_indicators(
    client: ModelClient,
    limit: asyncio.Semaphore,
    figures: PassPrompt,
    sentences: Sequence[str],
    covered: frozenset[str] = frozenset(),
) -> list[WireIndicator]:
    """The indicators of a chunk by the figure pass (``extractor.pipeline.anchor``): one
    label per figure code finds, an indicator for each figure labelled so. An indicator
    that states a ``covered`` figure (as written) is left out: another call named it. A
    chunk is not asked when it has no figure, or when every figure is covered or settled
    (``settled``: code knows it is no indicator), since no answer could add an indicator."""
    listed = list_figures(sentences)
    known = settled(sentences, listed)
    if all(f.text in covered or ruled_out for f, ruled_out in zip(listed, known, strict=True)):
        return []
    messages = figures.messages(figures_question(sentences))
    model = labels_model(tuple(f.text for f in listed), known)
    labels = await _ask(client, limit, messages, model)
    return [
        indicator
        for indicator in indicators_from_labels(sentences, listed, labels)
        if not {indicator.value, indicator.change} & covered
    ]
