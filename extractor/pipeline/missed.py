"""A follow-up turn for the figures a one-call answer left out (``extract.v1+missed.v1``).

The one-call prompt names few indicators but names them well, and the figures it leaves out
sit mostly beside the ones it states: a sentence with three figures gets one indicator. A
separate figure pass (``figures.v1``) labels them without seeing that answer, and names them
wrongly as often as not. Here the same conversation goes on instead: the model's answer is
given back as its own turn, and a user turn names, precisely, the figures of the sentences
its indicators cite that no record of the answer writes (code finds them, ``list_figures``;
those that code knows are no statistic, ``settled``, are not named). The model answers with
indicators for those figures only, in the format it has just used, beside the indicators it
wrote for the same sentence. A chunk whose answer leaves no such figure makes no second call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from string import Template

from extractor.llm.client import ModelClient
from extractor.pipeline.anchor import ListedFigure, figure_context, list_figures, settled
from extractor.pipeline.chunk import Chunk
from extractor.pipeline.normalize import first_number
from extractor.pipeline.prompt import Prompt
from extractor.pipeline.wire import ChunkAnswer, ChunkExtraction, IndicatorsAnswer, WireIndicator

__all__ = ["missed_figures", "missed_question", "with_missed"]


def _figures_of(answer: ChunkExtraction) -> list[str]:
    """Every figure an answer's records write: indicators' levels and changes, projects'
    investment, output value and capacity."""
    written = [f for i in answer.indicators for f in (i.value, i.change) if f]
    for p in answer.projects:
        written.extend(f for f in (p.investment, p.output_value, *p.capacity) if f)
    return [f.strip() for f in written if f.strip()]


def _written(text: str, written: Iterable[str]) -> bool:
    """Whether a record writes the figure ``text``: one of ``written`` has its number."""
    number = first_number(text)
    return number is not None and any(first_number(figure) == number for figure in written)


def missed_figures(sentences: Sequence[str], answer: ChunkExtraction) -> list[ListedFigure]:
    """The figures of the sentences that ``answer``'s indicators cite and that no record of
    it writes, less those code knows are no statistic (a target, a bound, a date)."""
    cited = {n for indicator in answer.indicators for n in indicator.sentences}
    written = _figures_of(answer)
    listed = list_figures(sentences)
    return [
        figure
        for figure, ruled_out in zip(listed, settled(sentences, listed), strict=True)
        if figure.sentence in cited and not ruled_out and not _written(figure.text, written)
    ]


def missed_question(
    template: str, sentences: Sequence[str], figures: Sequence[ListedFigure]
) -> str:
    """The follow-up user turn: ``template`` with each missed figure, its sentence number and
    the words around it, one a line."""
    lines = "\n".join(
        f'- "{f.text}" in [{f.sentence}]: "{figure_context(sentences[f.sentence - 1], f)}"'
        for f in figures
    )
    return Template(template).substitute(figures=lines).strip()


def _states(indicator: WireIndicator, figures: Sequence[ListedFigure]) -> bool:
    written = [f.strip() for f in (indicator.value, indicator.change) if f and f.strip()]
    return any(_written(figure.text, written) for figure in figures)


async def with_missed(
    client: ModelClient,
    limit: asyncio.Semaphore,
    prompt: Prompt,
    template: str,
    chunk: Chunk,
    text_sha256: str,
) -> ChunkAnswer:
    """The one-call answer of a chunk, and the indicators of the follow-up turn that state
    one of the figures it left out (an indicator that restates a covered figure is dropped:
    the answer has it)."""
    asked = prompt.messages(chunk, text_sha256)
    async with limit:
        answer = await client.extract(asked, ChunkExtraction)
    sentences = [s.text for s in chunk.sentences]
    missed = missed_figures(sentences, answer)
    if not missed:
        return ChunkAnswer(answer.projects, answer.indicators, answer.roles)
    messages = [
        *asked,
        {"role": "assistant", "content": answer.model_dump_json(exclude_defaults=True)},
        {"role": "user", "content": missed_question(template, sentences, missed)},
    ]
    async with limit:
        more = await client.extract(messages, IndicatorsAnswer)
    added = [i for i in more.indicators if _states(i, missed)]
    return ChunkAnswer(answer.projects, [*answer.indicators, *added], answer.roles)
