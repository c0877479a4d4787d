"""Stage 3: build the model's messages from versioned prompt files.

Two kinds of prompt live in ``extractor/prompts/`` (or in a folder the user names):

- A one-call prompt (``extract.v1``, the default) is a pair of files:
  ``NAME.VERSION.system.md``, the instructions with a ``$examples`` placeholder, and
  ``NAME.VERSION.examples.json``, the few-shot examples rendered into it. One call per chunk
  asks for all three record types (``ChunkExtraction``). An optional third file,
  ``NAME.VERSION.marks.json`` (``extract.v2``), has every figure of the sentences, the
  examples' included, shown between two marks (``Marks``).
- A one-pass-per-type prompt (``typed.v1``) is three such pairs,
  ``NAME.VERSION.PASS.system.md`` and ``NAME.VERSION.PASS.examples.json`` for the passes
  ``projects``, ``indicators`` and ``roles``. Each pass has its own small answer model
  (``ProjectsAnswer``, ``IndicatorsAnswer``, ``RolesAnswer``) and its examples go to the model
  as user/assistant turns in the exact answer format, built by the same code as the real
  question. The indicators question lists every figure code finds in the chunk with its
  sentence number, so the model classifies figures instead of remembering to enumerate them;
  the roles question names the projects the projects pass found. ``extractor.pipeline.passes``
  runs the passes.

A prompt's id, ``NAME.VERSION``, goes into every output line, with a hash of all its files'
contents so that an edited prompt is never mistaken for the released one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor.config import DEFAULT_PROMPT
from extractor.errors import ConfigError
from extractor.pipeline.anchor import figure_context, labels_model, letter, list_figures, settled
from extractor.pipeline.chunk import Chunk
from extractor.pipeline.nearest import ExampleBank
from extractor.pipeline.nearest import numbered as _numbered
from extractor.pipeline.normalize import find_figures
from extractor.pipeline.reask import parse_templates
from extractor.pipeline.verify import LABELS, VerifyPart, verdicts_model, verify_question
from extractor.pipeline.wire import ChunkExtraction, IndicatorsAnswer, ProjectsAnswer, RolesAnswer

__all__ = [
    "DEFAULT_PROMPT",
    "PASSES",
    "AnyPrompt",
    "Marks",
    "PassPrompt",
    "Prompt",
    "TypedPrompt",
    "WindowPart",
    "figure_hints",
    "figures_question",
    "indicators_question",
    "load_prompt",
    "number_sentences",
    "projects_question",
    "roles_question",
]


PASSES: dict[str, type[BaseModel]] = {
    "projects": ProjectsAnswer,
    "indicators": IndicatorsAnswer,
    "roles": RolesAnswer,
}
"""The passes of a one-pass-per-type prompt, in the order their files are hashed, and the
answer model that validates each pass's examples."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """A loaded one-call prompt: the rendered system message and where it came from, and
    the figure pass that adds to its indicators when one is named (``extract.v1+figures.v1``)
    or the follow-up turn that asks for the figures its answer left out
    (``extract.v1+missed.v1``, ``extractor.pipeline.missed``) or the complaints that re-ask
    for an answer whose indicators' figures the text does not write (``extract.v1+reask.v1``,
    ``extractor.pipeline.reask``), and the project check that labels a document's merged
    projects (``extract.v1+verify.v1``, ``extractor.pipeline.verify``).
    """

    prompt_id: str
    system: str
    sha256: str
    figures: PassPrompt | None = None
    bank: ExampleBank | None = None
    missed: str | None = None  # a follow-up turn's template (``missed.v1``), ``$figures`` in it
    reask: dict[str, Template] | None = None  # complaints that re-ask (``reask.v1``)
    window: WindowPart | None = None  # a second look at uncovered figures (``window.v1``)
    marks: Marks | None = None  # what the sentences' figures are wrapped in (``extract.v2``)
    verify: VerifyPart | None = None  # the merged projects labelled (``verify.v1``)

    def messages(self, chunk: Chunk, text_sha256: str | None = None) -> list[dict[str, str]]:
        """The chat messages for one chunk: instructions, the bank's nearest example as a
        question and its answer (when the prompt has a bank; never one of the document
        ``text_sha256``), then the numbered sentences."""
        example = None
        if self.bank is not None:
            example = self.bank.nearest([s.text for s in chunk.sentences], text_sha256)
        return [
            {"role": "system", "content": self.system},
            *(example.turns() if example is not None else ()),
            {"role": "user", "content": "Sentences:\n" + number_sentences(chunk, self.marks)},
        ]


@dataclass(frozen=True, slots=True)
class Marks:
    """What a prompt wraps every figure of the sentences in (``NAME.VERSION.marks.json``):
    "... output value reached «48.6 billion yuan», up «6.5%»". Code finds the figures
    (``normalize.find_figures``), so the model sees each one it might list (EXPERIMENTS row
    MK); the answer's strings are read without the marks (``wire``)."""

    open: str
    close: str

    def wrap(self, sentence: str) -> str:
        """``sentence`` with each of its figures between the marks."""
        out: list[str] = []
        at = 0
        for span in find_figures(sentence):
            out.append(f"{sentence[at : span.start]}{self.open}{span.text}{self.close}")
            at = span.end
        return "".join(out) + sentence[at:]


@dataclass(frozen=True, slots=True)
class WindowPart:
    """A second look (``window.v1``, ``extractor.pipeline.windows``): how many sentences of its
    paragraph go before a sentence that is asked again, and the head words of a region that
    names a facility, not a place (an indicator the second look gives one is left out)."""

    context_sentences: int
    facility_regions: tuple[str, ...]
    indicators_only: bool = False  # the window's answer holds indicators only (``window.v2``)
    # a window that keeps indicators is asked again with this many sentences of context, and
    # only the figures both answers give stay (``window.v3``); None: no such check
    confirm_sentences: int | None = None


@dataclass(frozen=True, slots=True)
class PassPrompt:
    """One pass of a typed prompt: its instructions and its example turns."""

    name: str
    system: str
    examples: tuple[dict[str, str], ...]

    def messages(self, question: str) -> list[dict[str, str]]:
        """Instructions, the example turns, then ``question`` (built by a ``*_question``).
        Every message is a new dict: some instructor modes edit messages in place."""
        return [
            {"role": "system", "content": self.system},
            *(dict(turn) for turn in self.examples),
            {"role": "user", "content": question},
        ]


@dataclass(frozen=True, slots=True)
class TypedPrompt:
    """A loaded one-pass-per-type prompt: a pass for each record type."""

    prompt_id: str
    sha256: str
    projects: PassPrompt
    indicators: PassPrompt
    roles: PassPrompt


AnyPrompt = Prompt | TypedPrompt


def number_sentences(chunk: Chunk, marks: Marks | None = None) -> str:
    """One sentence a line, numbered from 1 within the chunk, figures wrapped in ``marks``."""
    return _numbered([marks.wrap(s.text) if marks else s.text for s in chunk.sentences])


def figure_hints(sentences: Sequence[str]) -> list[tuple[str, int]]:
    """Every figure of the sentences as written, with its sentence number (from 1)."""
    return [(figure.text, figure.sentence) for figure in list_figures(sentences)]


def figures_question(sentences: Sequence[str]) -> str:
    """The figure pass's question: the numbered sentences, then each figure with its letter,
    sentence and context: ``a: "13.6%" in [2] "...added value grew 13.6% year-on-year..."``."""
    lines = [
        f'{f.label}: "{f.text}" in [{f.sentence}] "{figure_context(sentences[f.sentence - 1], f)}"'
        for f in list_figures(sentences)
    ]
    return f"Sentences:\n{_numbered(sentences)}\n\nFigures:\n" + ("\n".join(lines) or "none")


def projects_question(sentences: Sequence[str]) -> str:
    """The projects pass's question: the numbered sentences."""
    return "Sentences:\n" + _numbered(sentences)


def indicators_question(sentences: Sequence[str]) -> str:
    """The indicators pass's question: the numbered sentences, then every figure in them
    with an id and its sentence number, one a line ("(a) 13.6% [s4]")."""
    hints = figure_hints(sentences)
    listed = "\n".join(f"({letter(i)}) {text} [s{n}]" for i, (text, n) in enumerate(hints))
    return f"Sentences:\n{_numbered(sentences)}\n\nFigures:\n{listed or 'none'}"


def roles_question(sentences: Sequence[str], projects: Sequence[str]) -> str:
    """The roles pass's question: the numbered sentences, then the projects found in them."""
    names = "; ".join(json.dumps(name, ensure_ascii=False) for name in projects)
    return f"Sentences:\n{_numbered(sentences)}\n\nProjects: {names or 'none'}"


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


def _exists(folder: Path | None, name: str) -> bool:
    if folder is not None:
        return (folder / name).is_file()
    return resources.files("extractor.prompts").joinpath(name).is_file()


def _json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{what} are not JSON: {e}") from e


def _render_examples(raw: str, prompt_id: str, marks: Marks | None = None) -> str:
    examples: Any = _json(raw, f"examples of prompt {prompt_id}")
    blocks = []
    for example in examples:
        # The examples must be valid answers: a broken example teaches a broken format.
        output = ChunkExtraction.model_validate(example["output"])
        sentences = [str(s) for s in example["sentences"]]
        lines = _numbered([marks.wrap(s) for s in sentences] if marks else sentences)
        answer = output.model_dump_json(exclude_defaults=True)
        blocks.append(f"Sentences:\n{lines}\nJSON:\n{answer}")
    return "\n\n".join(blocks)


def _answer_json(answer: BaseModel) -> str:
    """An answer as the model should write it: every list key, record keys only where set."""
    body = {
        key: [item.model_dump(mode="json", exclude_defaults=True) for item in value]
        for key, value in answer
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _example_turns(raw: str, name: str, label: str) -> tuple[dict[str, str], ...]:
    """An examples file as user/assistant turns; every answer validated by the pass's model."""
    examples: Any = _json(raw, f"examples of {label}")
    turns: list[dict[str, str]] = []
    for i, example in enumerate(examples, start=1):
        try:
            sentences = [str(s) for s in example["sentences"]]
            answer = PASSES[name].model_validate(example["output"])
            if name == "projects":
                question = projects_question(sentences)
            elif name == "indicators":
                question = indicators_question(sentences)
            else:
                question = roles_question(sentences, [str(p) for p in example["projects"]])
        except (KeyError, TypeError, ValidationError) as e:
            raise ConfigError(f"example {i} of {label} is not a valid example: {e}") from e
        turns.append({"role": "user", "content": question})
        turns.append({"role": "assistant", "content": _answer_json(answer)})
    return tuple(turns)


def _load_typed(prompt_id: str, folder: Path | None) -> TypedPrompt:
    digest = hashlib.sha256()
    passes: dict[str, PassPrompt] = {}
    for name in PASSES:
        system_raw = _read(folder, f"{prompt_id}.{name}.system.md")
        examples_raw = _read(folder, f"{prompt_id}.{name}.examples.json")
        for raw in (system_raw, examples_raw):
            digest.update(raw.encode() + b"\0")
        label = f"prompt {prompt_id}, {name} pass"
        passes[name] = PassPrompt(
            name=name,
            system=system_raw.strip(),
            examples=_example_turns(examples_raw, name, label),
        )
    return TypedPrompt(
        prompt_id=prompt_id,
        sha256=digest.hexdigest(),
        projects=passes["projects"],
        indicators=passes["indicators"],
        roles=passes["roles"],
    )


def _figure_turns(raw: str, label: str) -> tuple[dict[str, str], ...]:
    """A figure pass's examples as user/assistant turns; each answer must label exactly the
    figures code lists in the example's sentences (the file gives each letter's label without
    its ``figure``, which code fills in), under the answer model the pass uses for them."""
    examples: Any = _json(raw, f"examples of {label}")
    turns: list[dict[str, str]] = []
    for i, example in enumerate(examples, start=1):
        try:
            sentences = [str(s) for s in example["sentences"]]
            figures = list_figures(sentences)
            listed = {f.label: f.text for f in figures}
            output = {
                key: {"figure": listed.get(key, ""), **label}
                for key, label in example["output"].items()
            }
            model = labels_model(tuple(listed.values()), settled(sentences, figures))
            answer = model.model_validate(output)
        except (KeyError, TypeError, ValidationError) as e:
            raise ConfigError(f"example {i} of {label} is not a valid example: {e}") from e
        body = {key: value.model_dump(mode="json", exclude_none=True) for key, value in answer}
        turns.append({"role": "user", "content": figures_question(sentences)})
        turns.append(
            {
                "role": "assistant",
                "content": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            }
        )
    return tuple(turns)


def _load_figures(prompt_id: str, folder: Path | None) -> tuple[PassPrompt, str]:
    """A figure pass (``figures.v1``): its system message, its example turns, its hash."""
    system_raw = _read(folder, f"{prompt_id}.system.md")
    examples_raw = _read(folder, f"{prompt_id}.examples.json")
    digest = hashlib.sha256(system_raw.encode() + b"\0" + examples_raw.encode()).hexdigest()
    turns = _figure_turns(examples_raw, f"prompt {prompt_id}")
    return PassPrompt(name="figures", system=system_raw.strip(), examples=turns), digest


def _load_bank(bank_id: str, folder: Path | None) -> tuple[ExampleBank, str]:
    """An example bank (``nearest.v1``): its windows and its hash."""
    raw = _read(folder, f"{bank_id}.bank.jsonl")
    bank = ExampleBank.from_jsonl(raw, f"example bank {bank_id}")
    return bank, hashlib.sha256(raw.encode()).hexdigest()


def _load_missed(prompt_id: str, folder: Path | None) -> tuple[str, str]:
    """A follow-up turn (``missed.v1``): its template and its hash; the template must name
    ``$figures`` and nothing else."""
    raw = _read(folder, f"{prompt_id}.user.md")
    try:
        Template(raw).substitute(figures="")
    except (KeyError, ValueError) as e:
        raise ConfigError(f"prompt {prompt_id}: the follow-up turn's template: {e!r}") from e
    if "$figures" not in raw and "${figures}" not in raw:
        raise ConfigError(f"prompt {prompt_id}: the follow-up turn's template lacks $figures")
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def _load_reask(prompt_id: str, folder: Path | None) -> tuple[dict[str, Template], str]:
    """Re-ask complaints (``reask.v1``): their templates and their hash."""
    raw = _read(folder, f"{prompt_id}.reask.json")
    return parse_templates(raw, prompt_id), hashlib.sha256(raw.encode()).hexdigest()


def _load_window(prompt_id: str, folder: Path | None) -> tuple[WindowPart, str]:
    """A second look (``window.v1``): its settings and their hash."""
    raw = _read(folder, f"{prompt_id}.window.json")
    try:
        body = json.loads(raw)
        part = WindowPart(
            context_sentences=int(body["context_sentences"]),
            facility_regions=tuple(str(w) for w in body["facility_regions"]),
            indicators_only=bool(body.get("indicators_only", False)),
            confirm_sentences=None
            if body.get("confirm_sentences") is None
            else int(body["confirm_sentences"]),
        )
    except (ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"prompt {prompt_id}: the second look's settings: {e!r}") from e
    if part.context_sentences < 0:
        raise ConfigError(f"prompt {prompt_id}: context_sentences must be 0 or more")
    if part.confirm_sentences is not None and part.confirm_sentences <= part.context_sentences:
        raise ConfigError(
            f"prompt {prompt_id}: confirm_sentences must be more than context_sentences"
        )
    return part, hashlib.sha256(raw.encode()).hexdigest()


def _load_verify(prompt_id: str, folder: Path | None) -> tuple[VerifyPart, str]:
    """A project check (``verify.v1``): its instructions, its example turns (each answer
    validated by the answer model the check uses) and its settings, and their hash."""
    system_raw = _read(folder, f"{prompt_id}.system.md")
    examples_raw = _read(folder, f"{prompt_id}.examples.json")
    settings_raw = _read(folder, f"{prompt_id}.verify.json")
    label = f"prompt {prompt_id}"
    try:
        settings = json.loads(settings_raw)
        drop = frozenset(str(x) for x in settings["drop"])
        drop_roles = bool(settings["drop_roles"])
        min_chunks = int(settings["min_chunks"])
    except (ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{label}: the check's settings: {e!r}") from e
    if min_chunks < 1:
        raise ConfigError(f"{label}: min_chunks must be 1 or more")
    if unknown := drop - set(LABELS):
        raise ConfigError(f"{label}: no such label to drop: {', '.join(sorted(unknown))}")
    if "project" in drop:
        raise ConfigError(f"{label}: the check cannot drop what it calls a project")
    examples: Any = _json(examples_raw, f"examples of {label}")
    turns: list[dict[str, str]] = []
    for i, example in enumerate(examples, start=1):
        try:
            names = [str(n) for n in example["names"]]
            evidence = [[str(s) for s in texts] for texts in example["evidence"]]
            output = {
                letter(j): {"name": name, "label": given}
                for j, (name, given) in enumerate(zip(names, example["labels"], strict=True))
            }
            answer = verdicts_model(names).model_validate(output)
            question = verify_question(names, evidence)
        except (KeyError, TypeError, ValueError, ValidationError) as e:
            raise ConfigError(f"example {i} of {label} is not a valid example: {e}") from e
        turns.append({"role": "user", "content": question})
        turns.append({"role": "assistant", "content": answer.model_dump_json()})
    digest = hashlib.sha256(
        b"\0".join(raw.encode() for raw in (system_raw, examples_raw, settings_raw))
    ).hexdigest()
    asks = PassPrompt(name="verify", system=system_raw.strip(), examples=tuple(turns))
    part = VerifyPart(asks, drop, drop_roles, min_chunks)
    return part, digest


def _join(prompt_id: str, parts: Sequence[str], folder: Path | None) -> Prompt:
    """The one-call prompt ``parts[0]`` joined with an example bank, and with a figure pass,
    a follow-up turn or re-ask complaints."""
    loaded = load_prompt(parts[0], folder)
    usage = (
        f"prompt {prompt_id!r}: a one-call prompt joins at most one example bank and one "
        "figure pass, follow-up turn, re-ask or second look, as in extract.v1+figures.v1, "
        "extract.v1+missed.v1, extract.v1+reask.v1, extract.v1+window.v1 or "
        "extract.v1+nearest.v1, and at most one project check (extract.v1+verify.v1)"
    )
    if not isinstance(loaded, Prompt):  # parts[0] has no "+": nothing is joined to it yet
        raise ConfigError(usage)
    if loaded.marks is not None:
        # the parts' own questions and answers know no marks (yet)
        raise ConfigError(f"prompt {prompt_id!r}: {parts[0]} marks figures and joins no part")
    figures: PassPrompt | None = None
    bank: ExampleBank | None = None
    missed: str | None = None
    reask: dict[str, Template] | None = None
    window: WindowPart | None = None
    verify: VerifyPart | None = None
    combined = loaded.sha256
    for part in parts[1:]:
        if not part:
            raise ConfigError(usage)
        if _exists(folder, f"{part}.bank.jsonl"):
            if bank is not None:
                raise ConfigError(usage)
            bank, digest = _load_bank(part, folder)
        elif _exists(folder, f"{part}.verify.json"):
            if verify is not None:
                raise ConfigError(usage)
            verify, digest = _load_verify(part, folder)
        elif any(p is not None for p in (figures, missed, reask, window)):
            raise ConfigError(usage)
        elif _exists(folder, f"{part}.window.json"):
            window, digest = _load_window(part, folder)
        elif _exists(folder, f"{part}.user.md"):
            missed, digest = _load_missed(part, folder)
        elif _exists(folder, f"{part}.reask.json"):
            reask, digest = _load_reask(part, folder)
        else:
            figures, digest = _load_figures(part, folder)
        combined = hashlib.sha256(f"{combined}+{digest}".encode()).hexdigest()
    return Prompt(
        prompt_id, loaded.system, combined, figures, bank, missed, reask, window, verify=verify
    )


def load_prompt(prompt_id: str = DEFAULT_PROMPT, folder: Path | None = None) -> AnyPrompt:
    """Load ``NAME.VERSION`` from the built-in prompts or from ``folder``: a one-call prompt
    when ``NAME.VERSION.system.md`` exists, else a one-pass-per-type prompt when
    ``NAME.VERSION.projects.system.md`` does. ``MAIN+PART`` is the one-call prompt MAIN joined
    with a figure pass (``figures.v1``: it adds indicators for the figures MAIN's leave out), a
    follow-up turn (``missed.v1``: the same conversation asks for them), re-ask complaints
    (``reask.v1``: an answer whose indicators' figures the text does not write is re-asked
    once), a second look (``window.v1``: each sentence with a figure no record writes is asked
    again alone) or an example bank (``nearest.v1``: each chunk's nearest labelled window goes
    before it as an example), or a bank and one of the others (``MAIN+FIGURES+BANK``); any
    of these may also join a project check (``verify.v1``: after merging, one more call labels
    each of a document's projects, and those it calls no project are dropped)."""
    parts = prompt_id.split("+")
    if len(parts) > 1:
        return _join(prompt_id, parts, folder)
    if not _exists(folder, f"{prompt_id}.system.md") and _exists(
        folder, f"{prompt_id}.projects.system.md"
    ):
        return _load_typed(prompt_id, folder)
    system_raw = _read(folder, f"{prompt_id}.system.md")
    examples_raw = _read(folder, f"{prompt_id}.examples.json")
    hashed = system_raw.encode() + b"\0" + examples_raw.encode()
    marks = None
    if _exists(folder, f"{prompt_id}.marks.json"):
        marks_raw = _read(folder, f"{prompt_id}.marks.json")
        marks = _load_marks(marks_raw, prompt_id)
        hashed += b"\0" + marks_raw.encode()
    examples = _render_examples(examples_raw, prompt_id, marks)
    system = Template(system_raw).substitute(examples=examples)
    return Prompt(
        prompt_id=prompt_id,
        system=system.strip(),
        sha256=hashlib.sha256(hashed).hexdigest(),
        marks=marks,
    )


def _load_marks(raw: str, prompt_id: str) -> Marks:
    """A prompt's marks: two different, non-empty strings without a space."""
    body: Any = _json(raw, f"marks of prompt {prompt_id}")
    try:
        marks = Marks(open=str(body["open"]), close=str(body["close"]))
    except (KeyError, TypeError) as e:
        raise ConfigError(f"prompt {prompt_id}: marks need an open and a close: {e!r}") from e
    if not marks.open or not marks.close or marks.open == marks.close:
        raise ConfigError(f"prompt {prompt_id}: marks must be two different, non-empty strings")
    if any(c.isspace() for c in marks.open + marks.close):
        raise ConfigError(f"prompt {prompt_id}: marks hold no space")
    return marks
