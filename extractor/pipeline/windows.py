"""A second look at the figures a one-call answer leaves out (``extract.v1+window.v1``).

The one-call prompt names few of a chunk's statistics: in a sentence with three figures it
states one, and it passes over shares, rates and counts. Asked for the same figures in the same
conversation (``missed.v1``), the model writes them but names them after its projects and
companies (EXPERIMENTS row MI). Here each sentence that still holds a figure once the answer is
grounded, a figure that no record of the chunk writes and that code does not rule out as no
statistic (``anchor.settled``: a target, a bound, a date), is asked again alone, with the same
prompt, as a window of its own: the sentence after ``context_sentences`` sentences of its
paragraph, so that the model enumerates a short text, which it does better. Of the window's
answer only the indicators that cite the sentence and write one of its uncovered figures are
kept, less those whose region names a facility ("... Water Conservancy Project"): a project's
own figure. Each such sentence is one more call (EXPERIMENTS rows WIN, WIN2). With
``indicators_only`` (``window.v2``) the window's answer holds indicators alone: shorter answers
(a third of the tokens), and no projects or roles padded beside them (row WIN3). Since
2026-12-05 ``window.v2`` is part of the default prompt (``config.DEFAULT_PROMPT``, row WT).

``window.v3`` checks what a window keeps: the sentence is asked once more with more context
(``confirm_sentences`` sentences of its paragraph before it, where the paragraph has them), and
only the indicators whose figure that answer also gives stay. Two readings that agree are
right more often than one (row WX); a window that keeps nothing, or whose paragraph has no more
sentences to show, costs no second call.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from extractor.llm.client import ModelClient
from extractor.pipeline.anchor import list_figures, settled
from extractor.pipeline.chunk import Chunk, Sentence
from extractor.pipeline.ground import Grounded, ground_chunk
from extractor.pipeline.normalize import first_number
from extractor.pipeline.prompt import Prompt, WindowPart
from extractor.pipeline.siblings import written_numbers
from extractor.pipeline.wire import ChunkAnswer, ChunkExtraction, IndicatorsAnswer
from extractor.records import Indicator

__all__ = ["second_look", "uncovered", "window_of"]

WINDOW_INDEX = 1000
"""Window chunks are numbered apart from the document's chunks: (chunk + 1) * 1000 + sentence."""


def uncovered(chunk: Chunk, grounded: Grounded) -> dict[int, frozenset[float]]:
    """The sentences of ``chunk`` (numbered from 1) that hold a figure no record of
    ``grounded`` writes and that code does not rule out, each with those figures' numbers."""
    written = written_numbers(grounded.indicators, grounded.projects)
    texts = [s.text for s in chunk.sentences]
    listed = list_figures(texts)
    found: dict[int, set[float]] = {}
    for figure, ruled_out in zip(listed, settled(texts, listed), strict=True):
        number = first_number(figure.text)
        if not ruled_out and number is not None and number not in written:
            found.setdefault(figure.sentence, set()).add(number)
    return {n: frozenset(numbers) for n, numbers in found.items()}


def window_of(chunk: Chunk, number: int, context: int) -> Chunk:
    """The window for sentence ``number`` of ``chunk``: up to ``context`` sentences of its
    paragraph before it, then the sentence."""
    sentence = chunk.sentences[number - 1]
    before = [
        s
        for s in chunk.sentences[max(0, number - 1 - context) : number - 1]
        if s.paragraph == sentence.paragraph
    ]
    return Chunk(index=WINDOW_INDEX * (chunk.index + 1) + number, sentences=(*before, sentence))


def _facility_region(part: WindowPart) -> re.Pattern[str]:
    """A region ending in one of ``part``'s facility words names a facility, not a place."""
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, part.facility_regions))})$", re.I)


def _kept(
    grounded: Grounded, sentence: Sentence, wanted: frozenset[float], facility: re.Pattern[str]
) -> list[Indicator]:
    kept: list[Indicator] = []
    for indicator in grounded.indicators:
        if not written_numbers([indicator], ()) & wanted:
            continue
        if not any(e.start == sentence.start for e in indicator.evidence):
            continue
        if indicator.region and facility.search(indicator.region.strip()):
            continue
        kept.append(indicator)
    return kept


async def second_look(
    client: ModelClient,
    limit: asyncio.Semaphore,
    prompt: Prompt,
    part: WindowPart,
    document: str,
    text_sha256: str,
    chunk: Chunk,
    grounded: Grounded,
) -> list[Indicator]:
    """The indicators a second look at ``chunk``'s uncovered sentences adds to ``grounded``
    (the chunk's grounded answer); one call per such sentence, none when there is none."""
    facility = _facility_region(part)

    async def ask(window: Chunk, wanted: frozenset[float]) -> list[Indicator]:
        messages = prompt.messages(window, text_sha256)
        answer: ChunkExtraction | ChunkAnswer
        async with limit:
            if part.indicators_only:
                found = await client.extract(messages, IndicatorsAnswer)
                answer = ChunkAnswer(indicators=found.indicators)
            else:
                answer = await client.extract(messages, ChunkExtraction)
        grounded_window = ground_chunk(document, window, answer)
        return _kept(grounded_window, window.sentences[-1], wanted, facility)

    async def one(number: int, wanted: frozenset[float]) -> Sequence[Indicator]:
        window = window_of(chunk, number, part.context_sentences)
        kept = await ask(window, wanted)
        if not kept or part.confirm_sentences is None:
            return kept
        wider = window_of(chunk, number, part.confirm_sentences)
        if len(wider.sentences) == len(window.sentences):
            return kept  # no more context to read: the same question, the same answer
        confirmed = written_numbers(await ask(wider, wanted), ())
        return [i for i in kept if written_numbers([i], ()) & confirmed]

    found = await asyncio.gather(*(one(n, w) for n, w in uncovered(chunk, grounded).items()))
    return [indicator for kept in found for indicator in kept]
