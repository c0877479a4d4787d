"""A document's projects labelled by the model after merging (``extract.v1+verify.v1``).

The one-call answer fills its projects list in nearly every chunk: 614 of the 827 recorded
chunk answers hold exactly the cap of 4, where the gold has none or one in most chunks. Code
rules drop the plainest padding (a batch, a place, a company listed as its own project), but
in a long article most of what is left is a company, a product, a market or an event written
as a project (EXPERIMENTS rows B29, B30, LNN). A 1.5B model classifies better than it
enumerates: one more call per document shows it every merged project with the sentences
that state it and asks what each name is (a project, a company, a product, a batch of
projects, an event, a place, something else). Code then drops the projects whose label the
part's settings name, with the roles tied to them. Only a document of ``min_chunks`` chunks or
more is checked (the built-in settings: 3, about 600 words): the padding grows with the
chunks, while a short document's projects are mostly right, and there the labels, right two
times in three, remove as many right projects as wrong ones (EXPERIMENTS rows VF, VFL).

The answer model asks about every project in turn by its letter and repeats its name (as the
figure pass does for figures), so the grammar a server derives from it leaves none out. A
document without projects makes no call. An answer that does not validate, or that the
output budget cuts, keeps every project and says so in a warning: the check can only remove
records, so failing it must not fail the document.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import BaseModel, ConfigDict

from extractor.errors import ResponseInvalid, ResponseTruncated
from extractor.llm.client import ModelClient
from extractor.pipeline.anchor import letter, lettered_model
from extractor.pipeline.nearest import numbered
from extractor.records import EnterpriseRole, Project

if TYPE_CHECKING:  # prompt.py loads the check, so it imports this module
    from extractor.pipeline.prompt import PassPrompt

__all__ = [
    "LABELS",
    "Label",
    "VerifyPart",
    "labels_of",
    "verdicts_model",
    "verify_projects",
    "verify_question",
]

Label = Literal["project", "company", "product", "batch", "event", "place", "other"]
LABELS: tuple[str, ...] = get_args(Label)
"""What a listed project's name may be, in the order the system message explains them."""

EVIDENCE_SHOWN = 2
"""How many of a project's sentences (the first ones) the question shows."""


@dataclass(frozen=True, slots=True)
class VerifyPart:
    """A project check (``verify.v1``): its instructions and example turns, the labels whose
    projects are dropped, whether the roles tied to a dropped project go with it, and the
    fewest chunks a document must have to be checked."""

    prompt: PassPrompt  # asks ``verify_question``
    drop: frozenset[str]
    drop_roles: bool
    min_chunks: int


class _Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    label: Label


def verdicts_model(names: Sequence[str]) -> type[BaseModel]:
    """The answer model for ``names``: keys a, b, c ... in order, each required, each
    repeating its name, so that the grammar asks about every project in turn."""
    return lettered_model("ProjectLabels", "Name", "name", [(_Verdict, n) for n in names])


def verify_question(names: Sequence[str], evidence: Sequence[Sequence[str]]) -> str:
    """The numbered sentences that state the projects (each once, in the order first cited),
    then each project's letter, name and sentence numbers:
    ``a: "gearbox plant" [1]``."""
    sentences: list[str] = []
    lines: list[str] = []
    for i, (name, texts) in enumerate(zip(names, evidence, strict=True)):
        numbers = []
        for text in texts[:EVIDENCE_SHOWN]:
            if text not in sentences:
                sentences.append(text)
            numbers.append(sentences.index(text) + 1)
        cited = ", ".join(str(n) for n in numbers)
        lines.append(f"{letter(i)}: {json.dumps(name, ensure_ascii=False)} [{cited}]")
    return f"Sentences:\n{numbered(sentences)}\n\nNames:\n" + "\n".join(lines)


def labels_of(answer: BaseModel, count: int) -> list[str]:
    """The labels of an answer to ``verdicts_model`` for ``count`` names, in order."""
    return [str(getattr(answer, letter(i)).label) for i in range(count)]


async def verify_projects(
    client: ModelClient,
    limit: asyncio.Semaphore,
    part: VerifyPart,
    projects: list[Project],
    roles: list[EnterpriseRole],
) -> tuple[list[Project], list[EnterpriseRole], list[str]]:
    """The projects the model does not label as one of ``part.drop``, the roles left (those
    tied to a dropped project go when ``part.drop_roles``) and a warning for each drop."""
    if not projects:
        return projects, roles, []
    names = [p.name for p in projects]
    question = verify_question(names, [[e.text for e in p.evidence] for p in projects])
    try:
        async with limit:
            answer = await client.extract(part.prompt.messages(question), verdicts_model(names))
    except (ResponseInvalid, ResponseTruncated) as e:
        return projects, roles, [f"projects not checked, the check's answer failed: {e}"]
    labels = labels_of(answer, len(names))
    verdicts = [(n, label) for n, label in zip(names, labels, strict=True) if label in part.drop]
    warnings = [f"project {n!r}: dropped, the check labels it {label!r}" for n, label in verdicts]
    dropped = {n for n, _ in verdicts}
    kept = [p for p in projects if p.name not in dropped]
    if part.drop_roles:
        roles = [r for r in roles if r.project not in dropped]
    else:
        loose = {"project": None}
        roles = [r.model_copy(update=loose) if r.project in dropped else r for r in roles]
    return kept, roles, warnings
