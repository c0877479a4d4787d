"""The request and response bodies of the API (the OpenAPI document is generated from them).
Records themselves are the library's ``DocumentRecord``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from extractor.records import Usage
from extractor.service.store import JobState, JobStatus

__all__ = [
    "DocumentIn",
    "Health",
    "JobCounts",
    "JobDocument",
    "JobLinks",
    "JobView",
    "Readiness",
]


class DocumentIn(BaseModel):
    """One document to extract now."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None, min_length=1, max_length=500, description="The record's doc_id."
    )
    text: str = Field(description="The article text; offsets in the record index into it.")


class JobDocument(BaseModel):
    """One document of a job (the same ``{"id", "text"}`` lines the CLI reads)."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, Field(min_length=1)] | int = Field(
        description="Unique within the job; becomes the record's doc_id."
    )
    text: str


class JobLinks(BaseModel):
    self: str
    results: str
    errors: str


class JobCounts(BaseModel):
    done: int
    failed: int
    total: int


class JobView(BaseModel):
    """A job's status, counts and model usage so far."""

    id: str
    status: JobStatus
    counts: JobCounts
    usage: Usage
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = Field(default=None, description="Why a failed job stopped.")
    links: JobLinks

    @classmethod
    def of(cls, state: JobState) -> JobView:
        base = f"/v1/jobs/{state.id}"
        return cls(
            id=state.id,
            status=state.status,
            counts=JobCounts(done=state.done, failed=state.failed, total=state.total),
            usage=state.usage,
            created_at=state.created_at,
            started_at=state.started_at,
            finished_at=state.finished_at,
            error=state.error,
            links=JobLinks(self=base, results=f"{base}/results", errors=f"{base}/results?errors=1"),
        )


class Health(BaseModel):
    status: str = "ok"


class Readiness(BaseModel):
    status: str = "ready"
    model: str
    mode: str
    backend: str
