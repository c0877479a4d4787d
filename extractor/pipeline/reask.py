"""Grounding as validation, with a re-ask (``extract.v1+reask.v1``; issue 13, strategy 3).

Grounding drops an indicator whose figure the text does not write, and the model never hears
why. Here the one-call answer is checked as it is validated: an indicator with no figure, or
with a figure that no sentence of the chunk writes (``ChunkText.find_figure``, the search
grounding uses), makes the answer invalid with one precise complaint per indicator, in the
words of the prompt part's templates. instructor then re-asks in the same conversation: the
answer as the model's turn and the complaints as the user's. After ``reasks`` re-asks the
answer is taken as it is, and grounding drops what is still ungrounded, as without a check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from string import Template

from extractor.errors import ConfigError
from extractor.pipeline.chunk import Chunk
from extractor.pipeline.locate import ChunkText
from extractor.pipeline.wire import ChunkExtraction

__all__ = ["COMPLAINTS", "GroundingCheck", "parse_templates"]

COMPLAINTS = ("no_figure", "not_written")
"""The complaints a template file holds: an indicator with no figure (``$name``,
``$sentence``) and a figure that no sentence writes (``$name``, ``$figure``, ``$sentence``)."""


def parse_templates(raw: str, prompt_id: str) -> dict[str, Template]:
    """The complaint templates of a ``NAME.reask.json`` file; ``ConfigError`` when one is
    missing, unknown or names a field it is not given."""
    try:
        loaded = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ConfigError(f"prompt {prompt_id}: the re-ask templates are no JSON: {e}") from e
    if not isinstance(loaded, dict) or sorted(loaded) != sorted(COMPLAINTS):
        raise ConfigError(f"prompt {prompt_id}: the re-ask templates must be {COMPLAINTS}")
    templates = {key: Template(str(value)) for key, value in loaded.items()}
    for key, template in templates.items():
        try:
            template.substitute(name="", figure="", sentence="")
        except (KeyError, ValueError) as e:
            raise ConfigError(f"prompt {prompt_id}: re-ask template {key}: {e!r}") from e
    return templates


@dataclass
class GroundingCheck:
    """The check of one chunk's answers (``wire.AnswerCheck``): complaints about its
    indicators' figures while re-asks are left, none after."""

    templates: dict[str, Template]
    document: str
    chunk: Chunk
    reasks: int = 1
    answers: int = 0
    reasked: list[int] = field(default_factory=list)  # complaints of each re-asked answer

    def __call__(self, answer: ChunkExtraction) -> list[str]:
        self.answers += 1
        if self.answers > self.reasks:
            return []
        complaints = self.complaints(answer)
        if complaints:
            self.reasked.append(len(complaints))
        return complaints

    def complaints(self, answer: ChunkExtraction) -> list[str]:
        """One line per indicator of ``answer`` that grounding would drop for its figure."""
        text = ChunkText(self.document, self.chunk)
        lines: list[str] = []
        for indicator in answer.indicators:
            cited = text.cited(indicator.sentences)
            number = self.chunk.sentences.index(cited[0]) + 1 if cited else indicator.sentences[0]
            figures = [f for f in (indicator.value, indicator.change) if f and f.strip()]
            fields = {"name": indicator.name, "sentence": number}
            if not figures:
                lines.append(self.templates["no_figure"].substitute(fields, figure=""))
            for figure in figures:
                if text.find_figure(figure, cited) is None:
                    lines.append(self.templates["not_written"].substitute(fields, figure=figure))
        return lines
