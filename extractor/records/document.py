"""The three record kinds and the per-document record (annotation guide v1.1, sections 1-4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractor.records.values import Change, Evidence, Money, Quantity, RecordModel

__all__ = [
    "FORMAT_VERSION",
    "Annotation",
    "DocumentRecord",
    "EnterpriseRole",
    "Indicator",
    "IndicatorFields",
    "Project",
    "ProjectFields",
    "Role",
    "RoleFields",
    "RunMeta",
    "Status",
    "Usage",
]

FORMAT_VERSION = "1.1"
"""Version of the record format (``../shared/ANNOTATION.md``) these models implement."""


class Status(StrEnum):
    """Latest status of a project that the text states."""

    PLANNED = "planned"
    SIGNED = "signed"
    UNDER_CONSTRUCTION = "under_construction"
    TRIAL_PRODUCTION = "trial_production"
    IN_OPERATION = "in_operation"
    COMPLETED = "completed"


class Role(StrEnum):
    """What an enterprise is to a project or to the economy the text describes."""

    CHAIN_LEADER = "chain_leader"
    INVESTOR = "investor"
    DEVELOPER = "developer"
    OPERATOR = "operator"
    JOINT_VENTURE_PARTNER = "joint_venture_partner"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    PARTNER = "partner"
    OTHER = "other"


_EVIDENCE_DOC = "Spans of the document that state this record's facts, usually a sentence each."
_OPTIONAL_DOC = "Gold only: a borderline record; missing it or finding it costs nothing."
_ALIASES_DOC = "Gold only: other names the text uses for the same thing."
_UNGROUNDED_DOC = (
    "Predictions only: the model's evidence could not be found in the text; kept on request "
    "(--keep-ungrounded) and then carries no offsets."
)


def _falsy(value: object) -> bool:
    return not value


def _is_none(value: object) -> bool:
    return value is None


class _Grounded(RecordModel):
    """Evidence and gold-only keys, shared by the three record kinds (serialized last)."""

    evidence: list[Evidence] = Field(default_factory=list, description=_EVIDENCE_DOC)
    optional: bool = Field(default=False, description=_OPTIONAL_DOC, exclude_if=_falsy)
    aliases: list[str] = Field(default_factory=list, description=_ALIASES_DOC, exclude_if=_falsy)
    ungrounded: bool = Field(default=False, description=_UNGROUNDED_DOC, exclude_if=_falsy)

    @model_validator(mode="after")
    def _needs_evidence(self) -> Any:
        if not self.evidence and not self.ungrounded:
            raise ValueError("a record needs at least one evidence span")
        return self


class ProjectFields(RecordModel):
    """A specific investment or construction undertaking: a factory, production base,
    production line, power station, R&D centre, park construction project or signed deal."""

    name: str = Field(
        min_length=1,
        description=(
            "The project's name as written, fullest form; if unnamed, a short name made of the "
            "text's own words."
        ),
    )
    location: str | None = Field(
        default=None, description="The most specific place stated for it, as written."
    )
    sector: str | None = Field(
        default=None, description="Product or industry in a few of the text's words."
    )
    investment: Money | None = Field(default=None, description="Total investment of the project.")
    output_value: Money | None = Field(
        default=None,
        description="Expected (annual) output value or sales of the project, not output achieved.",
    )
    capacity: list[Quantity] = Field(
        default_factory=list,
        description=(
            "Production capacity or size ('40,000 tons a year'; '100MW/400MWh' is two items; "
            "land area counts). Not throughput, consumption or headcounts."
        ),
    )
    status: Status | None = Field(default=None, description="Latest status the text states.")
    enterprises: list[str] = Field(
        default_factory=list,
        description="Enterprises that invest in, build or run it, names as written.",
    )


class IndicatorFields(RecordModel):
    """A quantitative statistic about a region, an industry or an enterprise over a period."""

    name: str = Field(
        min_length=1,
        description="What is measured, in the text's words, without region and period.",
    )
    region: str | None = Field(
        default=None,
        description=(
            "The place the figure is about, with 'the city' resolved to the named place; "
            "'national' is China."
        ),
    )
    enterprise: str | None = Field(
        default=None, description="Set only for a figure about one enterprise."
    )
    period: str | None = Field(
        default=None,
        description="The time as written ('2023', 'January to July this year'), carried over "
        "from the governing sentence when the sentence states none.",
    )
    value: Quantity | None = Field(default=None, description="The level, if stated.")
    change: Change | None = Field(default=None, description="The stated change, if any.")


class RoleFields(RecordModel):
    """Which enterprise plays which economic role, for one project or in general."""

    enterprise: str = Field(min_length=1, description="The enterprise's name as written.")
    role: Role = Field(description="The role the text states.")
    project: str | None = Field(
        default=None,
        description="The related project's name exactly as in this document's projects, or null.",
    )


class Project(_Grounded, ProjectFields):
    __doc__ = ProjectFields.__doc__


class Indicator(_Grounded, IndicatorFields):
    __doc__ = IndicatorFields.__doc__


class EnterpriseRole(_Grounded, RoleFields):
    __doc__ = RoleFields.__doc__


class Usage(BaseModel):
    """Model usage of one document, re-asks included."""

    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    """Prompt tokens the model server reused from its prompt-prefix cache (llama.cpp's
    ``prompt_tokens_details.cached_tokens``)."""
    cache_hits: int = 0


class RunMeta(BaseModel):
    """What produced a prediction line, and what it cost.

    Unknown keys are refused, so that every key the pipeline writes is declared here; every
    key that any version of the extractor has written is, so older output files still load.
    (The scorer does not read ``meta``: other systems' own keys there do not keep their
    predictions from being scored.)
    """

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    backend: str | None = None
    mode: str | None = None
    prompt_version: str | None = None
    format_version: str | None = None
    usage: Usage | None = None
    seconds: float | None = None
    warnings: list[str] = Field(default_factory=list)
    prompt_sha256: str | None = Field(
        default=None,
        description="The start (16 hex digits) of the sha256 of the prompt's files "
        "(instructions and examples): two runs under one prompt version whose files differ "
        "differ here.",
    )
    chunks: int | None = Field(
        default=None, ge=0, description="How many chunks the document was cut into."
    )
    model_seconds: float | None = Field(
        default=None,
        ge=0,
        description="Seconds the document's model calls took, summed over its calls (calls "
        "in parallel each count).",
    )


class Annotation(BaseModel):
    """Who labelled a gold line and under which guideline. Unknown keys are kept."""

    model_config = ConfigDict(extra="allow")

    annotator: str | None = None
    guideline_version: str | None = None
    date: str | None = None


class DocumentRecord(RecordModel):
    """Everything extracted from (or labelled in) one document: one JSON line."""

    doc_id: str = Field(min_length=1, description="The document file's name without extension.")
    text_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="sha256 hex of the document file's bytes."
    )
    projects: list[Project] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    enterprise_roles: list[EnterpriseRole] = Field(default_factory=list)
    meta: RunMeta | None = Field(default=None, exclude_if=_is_none)
    annotation: Annotation | None = Field(default=None, exclude_if=_is_none)
