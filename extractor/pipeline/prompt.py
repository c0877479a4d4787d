"""Stage 3: build the model's messages from versioned prompt files.

A prompt is a pair of files in ``extractor/prompts/`` (or in a folder the user names):
``NAME.VERSION.system.md``, the instructions with a ``$examples`` placeholder, and
``NAME.VERSION.examples.json``, the few-shot examples. Its id, ``NAME.VERSION``, goes into
every output line, with a hash of the two files' contents so that an edited prompt is never
mistaken for the released one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from extractor.errors import ConfigError
from extractor.pipeline.chunk import Chunk
from extractor.pipeline.wire import ChunkExtraction

__all__ = ["DEFAULT_PROMPT", "Prompt", "load_prompt", "number_sentences"]

DEFAULT_PROMPT = "extract.v1"


@dataclass(frozen=True, slots=True)
class Prompt:
    """A loaded prompt: the rendered system message and where it came from."""

    prompt_id: str
    system: str
    sha256: str

    def messages(self, chunk: Chunk) -> list[dict[str, str]]:
        """The chat messages for one chunk: instructions, then the numbered sentences."""
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": "Sentences:\n" + number_sentences(chunk)},
        ]


def number_sentences(chunk: Chunk) -> str:
    """One sentence a line, numbered from 1 within the chunk."""
    return "\n".join(f"[{i}] {s.text}" for i, s in enumerate(chunk.sentences, start=1))


def _read(folder: Path | None, name: str) -> str:
    if folder is not None:
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"prompt file {path} does not exist")
        return path.read_text(encoding="utf-8")
    resource = resources.files("extractor.prompts").joinpath(name)
    if not resource.is_file():
        raise ConfigError(f"no built-in prompt file {name}")
    return resource.read_text(encoding="utf-8")


def _render_examples(raw: str, prompt_id: str) -> str:
    try:
        examples: Any = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ConfigError(f"examples of prompt {prompt_id} are not JSON: {e}") from e
    blocks = []
    for example in examples:
        # The examples must be valid answers: a broken example teaches a broken format.
        output = ChunkExtraction.model_validate(example["output"])
        lines = "\n".join(f"[{i}] {s}" for i, s in enumerate(example["sentences"], start=1))
        answer = output.model_dump_json(exclude_defaults=True)
        blocks.append(f"Sentences:\n{lines}\nJSON:\n{answer}")
    return "\n\n".join(blocks)


def load_prompt(prompt_id: str = DEFAULT_PROMPT, folder: Path | None = None) -> Prompt:
    """Load ``NAME.VERSION`` from the built-in prompts or from ``folder``."""
    system_raw = _read(folder, f"{prompt_id}.system.md")
    examples_raw = _read(folder, f"{prompt_id}.examples.json")
    digest = hashlib.sha256(system_raw.encode() + b"\0" + examples_raw.encode()).hexdigest()
    system = Template(system_raw).substitute(examples=_render_examples(examples_raw, prompt_id))
    return Prompt(prompt_id=prompt_id, system=system.strip(), sha256=digest)
