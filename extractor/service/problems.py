"""Errors as ``application/problem+json`` (RFC 9457), one stable ``type`` per error class.

    Problem                     status  type (urn:extractor:problem:...)
    ├── BadJson                 400     bad-json        the body is not JSON (or JSONL)
    ├── Unauthorized            401     unauthorized    no or wrong bearer token
    ├── NotFound                404     not-found       no such job or route
    ├── MethodNotAllowed        405     method-not-allowed
    ├── Conflict                409     conflict        the job is already finished
    ├── TooLarge                413     too-large       body, document or job over a limit
    ├── Invalid                 422     invalid         well-formed JSON that breaks the contract
    ├── QueueFull               429     queue-full      too many jobs or requests waiting
    ├── ModelInvalid            502     model-invalid   the model's answer never validated
    └── ModelUnavailable        503     model-unavailable  endpoint down, nothing recorded

A response never carries a stack trace, a token or an API key: details are the messages of
this package's own exceptions, which name the provider by its URL only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

__all__ = [
    "PROBLEM_JSON",
    "BadJson",
    "Conflict",
    "Internal",
    "Invalid",
    "MethodNotAllowed",
    "ModelInvalid",
    "ModelUnavailable",
    "NotFound",
    "Problem",
    "ProblemBody",
    "QueueFull",
    "TooLarge",
    "Unauthorized",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
_BASE = "urn:extractor:problem:"


class ProblemBody(BaseModel):
    """An error response."""

    type: str = Field(description="Stable identifier of the error class.")
    title: str
    status: int
    detail: str = ""
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For 422: where the body breaks the contract."
    )


class Problem(Exception):
    """An error the API answers with; subclasses fix the status, type and title."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    @classmethod
    def type_uri(cls) -> str:
        return _BASE + cls.slug

    def body(self, instance: str | None) -> ProblemBody:
        return ProblemBody(
            type=self.type_uri(),
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
        )


class BadJson(Problem):
    status, slug, title = 400, "bad-json", "The body is not valid JSON"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "A valid bearer token is required"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "The route does not take this method"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "The resource is not in a state that allows this"


class TooLarge(Problem):
    status, slug, title = 413, "too-large", "Over a size limit"


class Invalid(Problem):
    status, slug, title = 422, "invalid", "The request breaks the API contract"


class QueueFull(Problem):
    status, slug, title = 429, "queue-full", "Too many requests waiting; retry later"


class ModelInvalid(Problem):
    status, slug, title = 502, "model-invalid", "The model's answer did not validate"


class ModelUnavailable(Problem):
    status, slug, title = 503, "model-unavailable", "The model cannot be reached"


class Internal(Problem):
    pass


def problem_responses(*problems: type[Problem]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problems a route can answer with."""
    return {
        p.status: {
            "model": ProblemBody,
            "description": f"{p.title} (type {p.type_uri()})",
            "content": {PROBLEM_JSON: {}},
        }
        for p in problems
    }
