"""The compact response format the model fills for one chunk.

The model spends its output tokens on facts only: it cites sentences by number instead of
copying quotes, writes figures exactly as the text states them (code parses them), and omits
keys it has nothing for. Grounding, normalization and merging turn this into records.

``ChunkExtraction`` is the answer of the one-call prompts (``extract.v1``): all three record
types at once. ``ProjectsAnswer``, ``IndicatorsAnswer`` and ``RolesAnswer`` are the answers of
the one-pass-per-type prompts (``typed.v1``), with caps far above what a chunk holds so that a
small model has no count to pad to; the bounds stay because llama.cpp turns them into grammar,
which keeps a small model out of repetition loops. ``ChunkAnswer`` gathers a chunk's records
whichever way they were asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from extractor.records import Role, Status

__all__ = [
    "PLACEHOLDERS",
    "AnswerCheck",
    "ChunkAnswer",
    "ChunkExtraction",
    "IndicatorsAnswer",
    "ProjectsAnswer",
    "RolesAnswer",
    "WireIndicator",
    "WireProject",
    "WireRole",
]

MAX_PROJECTS = 4
MAX_INDICATORS = 8
MAX_ROLES = 6
"""Most records of each kind the model may return for one chunk (a chunk is a few hundred
tokens; the seeds' densest chunks hold fewer than these). The model fills the projects cap
whatever it is: 3 instead of 4 loses roles with the projects left out (EXPERIMENTS CAP3L)."""

PASS_MAX_PROJECTS = 10
PASS_MAX_INDICATORS = 20
PASS_MAX_ROLES = 16
"""Caps of the one-pass-per-type answers. The densest 400-token chunk of the dev set's tune
half holds 6 projects, 14 indicators and 10 roles, and most chunks hold none or one project
and role: the caps bound a runaway answer without being a count the model aims for."""

_SENTENCES_DOC = "Numbers of the sentences that state this record, e.g. [3] or [3, 4]."
_FIGURE_DOC = "The figure exactly as written, number and unit, e.g. 'about 6.4 billion yuan'."


class _Wire(BaseModel):
    # the model may open a string with a space (" Ningbo"): a place or name never does
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sentences: list[int] = Field(min_length=1, max_length=3, description=_SENTENCES_DOC)

    @model_validator(mode="before")
    @classmethod
    def _unmarked(cls, data: object, info: ValidationInfo) -> object:
        """A prompt that marks the sentences' figures («...») hands its marks in the
        validation context (``marks``: the two strings); the model copies them, so they
        are read away (a text that itself writes a mark loses it from what the model
        copies: grounding then finds the rest of the string)."""
        context = info.context if isinstance(info.context, dict) else {}
        marks = context.get("marks")
        if not marks or not isinstance(data, dict):
            return data
        return {key: _without(value, tuple(marks)) for key, value in data.items()}


def _without(value: object, marks: tuple[str, ...]) -> object:
    if isinstance(value, str):
        for mark in marks:
            value = value.replace(mark, "")
        return value
    if isinstance(value, list):
        return [_without(v, marks) for v in value]
    return value


PLACEHOLDERS = frozenset({"", "unknown", "none", "null", "n/a", "na", "not stated", "-", "?"})
"""What small models write for a key they have nothing for (compared lower-cased, stripped)."""


def _absent_as_none(value: object) -> object:
    """Small models fill keys they should omit with 'unknown'; read that as absent."""
    if isinstance(value, str) and value.strip().lower() in PLACEHOLDERS:
        return None
    if isinstance(value, list):
        return [v for v in value if not (isinstance(v, str) and v.strip().lower() in PLACEHOLDERS)]
    return value


class WireProject(_Wire):
    """A specific investment or construction undertaking (factory, base, line, station...)."""

    name: str = Field(min_length=1, description="The project's name as written.")
    location: str | None = Field(default=None, description="Most specific place stated.")
    sector: str | None = Field(default=None, description="Product or industry, a few words.")
    investment: str | None = Field(default=None, description=_FIGURE_DOC)
    output_value: str | None = Field(default=None, description=_FIGURE_DOC)
    capacity: list[str] = Field(
        default_factory=list, max_length=3, description="Capacities as written."
    )
    status: Status | None = None
    enterprises: list[str] = Field(
        default_factory=list, max_length=4, description="Companies behind it."
    )

    _absent = field_validator(
        "location",
        "sector",
        "investment",
        "output_value",
        "capacity",
        "enterprises",
        mode="before",
    )(_absent_as_none)


class WireIndicator(_Wire):
    """A statistic about a region, an industry or an enterprise over a period."""

    name: str = Field(min_length=1, description="What is measured, without place and time.")
    region: str | None = Field(default=None, description="The place the figure is about.")
    enterprise: str | None = Field(default=None, description="Only for one company's figure.")
    period: str | None = Field(default=None, description="The time as written.")
    value: str | None = Field(default=None, description="The level, " + _FIGURE_DOC)
    change: str | None = Field(default=None, description="The change as written, e.g. '13.6%'.")

    _absent = field_validator("region", "enterprise", "period", "value", "change", mode="before")(
        _absent_as_none
    )


class WireRole(_Wire):
    """What a company is to a project (or to the industry, when project is omitted)."""

    enterprise: str = Field(min_length=1, description="The company's name as written.")
    role: Role
    project: str | None = Field(default=None, description="The project's name, if any.")

    _absent = field_validator("project", mode="before")(_absent_as_none)


AnswerCheck = Callable[["ChunkExtraction"], list[str]]
"""What a caller may hand ``ChunkExtraction`` as validation context (``{"check": ...}``): the
complaints about an answer, none when it stands (``extractor.pipeline.reask``)."""


class ChunkExtraction(BaseModel):
    """Everything stated in the numbered sentences."""

    # The answer is not repeated in a validation error: a re-ask quotes the error to the
    # model, which has the answer just above it.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    # Bounds keep a small model out of repetition loops: llama.cpp turns them into grammar.
    projects: list[WireProject] = Field(default_factory=list, max_length=MAX_PROJECTS)
    indicators: list[WireIndicator] = Field(default_factory=list, max_length=MAX_INDICATORS)
    roles: list[WireRole] = Field(default_factory=list, max_length=MAX_ROLES)

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo) -> ChunkExtraction:
        """Invalid while the caller's check (validation context ``{"check": ...}``) has
        complaints, so that instructor re-asks with them; without one, nothing is checked."""
        context = info.context if isinstance(info.context, dict) else {}
        check: AnswerCheck | None = context.get("check")
        complaints = check(self) if check is not None else []
        if complaints:
            raise ValueError("\n".join(complaints))
        return self


class ProjectsAnswer(BaseModel):
    """The projects stated in the numbered sentences (most chunks have none or one)."""

    model_config = ConfigDict(extra="forbid")

    projects: list[WireProject] = Field(default_factory=list, max_length=PASS_MAX_PROJECTS)


class IndicatorsAnswer(BaseModel):
    """The indicators among the listed figures (most figures are none)."""

    model_config = ConfigDict(extra="forbid")

    indicators: list[WireIndicator] = Field(default_factory=list, max_length=PASS_MAX_INDICATORS)


class RolesAnswer(BaseModel):
    """What the companies named in the numbered sentences are to the projects or the industry."""

    model_config = ConfigDict(extra="forbid")

    roles: list[WireRole] = Field(default_factory=list, max_length=PASS_MAX_ROLES)


@dataclass(frozen=True, slots=True)
class ChunkAnswer:
    """A chunk's wire records, from one call or from one pass per record type."""

    projects: Sequence[WireProject] = ()
    indicators: Sequence[WireIndicator] = ()
    roles: Sequence[WireRole] = ()
