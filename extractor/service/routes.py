"""The routes: ``/v1/extract``, ``/v1/jobs``, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter, ValidationError

from extractor.errors import ConfigError, EndpointError, ExtractorError, ModelError, ReplayMiss
from extractor.records import DocumentRecord
from extractor.records.jsonl import parse_json_lines
from extractor.service.middleware import LOG_SCOPE_KEY
from extractor.service.problems import (
    BadJson,
    Conflict,
    Internal,
    Invalid,
    ModelInvalid,
    ModelUnavailable,
    NotFound,
    Problem,
    QueueFull,
    TooLarge,
    Unauthorized,
    problem_responses,
)
from extractor.service.runtime import Service
from extractor.service.schemas import DocumentIn, Health, JobDocument, JobView, Readiness
from extractor.service.store import JobStatus

__all__ = ["problem_for", "router"]

JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
_bearer = HTTPBearer(auto_error=False, description="A token from EXTRACTOR_SERVER_TOKENS.")
_documents = TypeAdapter(list[JobDocument])


def service(request: Request) -> Service:
    runtime: Service = request.app.state.service
    return runtime


def authorized(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Service:
    runtime = service(request)
    runtime.tokens(None if credentials is None else credentials.credentials)
    return runtime


Authorized = Annotated[Service, Depends(authorized)]
Runtime = Annotated[Service, Depends(service)]
router = APIRouter()


def problem_for(error: ExtractorError) -> Problem:
    """The HTTP problem for a library error met while extracting."""
    if isinstance(error, EndpointError | ConfigError | ReplayMiss):
        return ModelUnavailable(str(error), headers={"retry-after": "10"})
    if isinstance(error, ModelError):
        return ModelInvalid(str(error))
    return Internal(type(error).__name__)


@router.post(
    "/v1/extract",
    response_model=DocumentRecord,
    summary="Extract one document now",
    responses=problem_responses(
        BadJson, Unauthorized, TooLarge, Invalid, QueueFull, ModelInvalid, ModelUnavailable
    ),
)
async def extract(document: DocumentIn, runtime: Authorized) -> Response:
    """One document in, its record out (the line the CLI would write). For short texts;
    use a job for batches."""
    runtime.check_text(document.text)
    if runtime.extracts >= runtime.settings.limits.max_waiting_extracts:
        raise QueueFull(
            f"{runtime.extracts} extract requests are in progress", headers={"retry-after": "1"}
        )
    runtime.extracts += 1
    started = time.perf_counter()
    try:
        record = await runtime.extractor.aextract_text(document.text, document.id or "text")
    except ExtractorError as e:
        runtime.metrics.document("extract", None, time.perf_counter() - started)
        raise problem_for(e) from e
    finally:
        runtime.extracts -= 1
    runtime.metrics.document("extract", record, time.perf_counter() - started)
    return Response(record.model_dump_json(), media_type="application/json")


def _parse_jobs_body(raw: bytes, content_type: str) -> Any:
    """The body as a list of ``{"id", "text"}`` objects, from JSON or JSONL."""
    try:
        text = raw.decode("utf-8")
        if any(t in content_type for t in JSONL_TYPES):
            lines = parse_json_lines(text, Path("the body"))
            bad = next((line for line in lines if line.obj is None), None)
            if bad is not None:
                raise BadJson(f"cannot parse the body: {bad.problem}")
            return [line.obj for line in lines]
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadJson(f"cannot parse the body: {e}") from e


_JOBS_BODY = {
    "required": True,
    "description": 'A JSON list of {"id", "text"} objects, or the same objects one a line '
    "(JSONL) with content type application/x-ndjson.",
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/JobDocument"},
            }
        },
    },
}


@router.post(
    "/v1/jobs",
    status_code=202,
    response_model=JobView,
    summary="Submit a batch",
    openapi_extra={"requestBody": _JOBS_BODY},
    responses=problem_responses(BadJson, Unauthorized, TooLarge, Invalid, QueueFull),
)
async def submit_job(request: Request, runtime: Authorized, response: Response) -> JobView:
    """A JSON list (or JSONL body) of ``{"id", "text"}`` documents; answers 202 at once with
    the job's URLs. Ids must be unique within the job."""
    raw = await request.body()
    data = _parse_jobs_body(raw, request.headers.get("content-type", ""))
    try:
        documents = _documents.validate_python(data)
    except ValidationError as e:
        raise Invalid("the body must be a list of {id, text} objects", errors=_errors(e)) from e
    limits = runtime.settings.limits
    if not documents:
        raise Invalid("a job needs at least one document")
    if len(documents) > limits.max_documents_per_job:
        raise TooLarge(
            f"{len(documents)} documents; the limit is {limits.max_documents_per_job} a job"
        )
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for document in documents:
        doc_id = str(document.id)
        if doc_id in seen:
            raise Invalid(f"document id {doc_id!r} appears more than once in the job")
        runtime.check_text(document.text, doc_id)
        seen.add(doc_id)
        pairs.append((doc_id, document.text))
    runtime.runner.check_room()
    job_id = runtime.store.create(pairs)
    runtime.runner.submit(job_id)
    request.scope.setdefault(LOG_SCOPE_KEY, {})["job_id"] = job_id
    response.headers["location"] = f"/v1/jobs/{job_id}"
    return JobView.of(runtime.job(job_id))


@router.get(
    "/v1/jobs/{job_id}",
    response_model=JobView,
    summary="A job's status",
    responses=problem_responses(Unauthorized, NotFound),
)
async def get_job(job_id: str, runtime: Authorized) -> JobView:
    """Status, counts, token usage so far, started and finished times."""
    return JobView.of(runtime.job(job_id))


@router.get(
    "/v1/jobs/{job_id}/results",
    summary="A job's records (JSONL)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One DocumentRecord a line, in input order (failures with errors=1)",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
        **problem_responses(Unauthorized, NotFound),
    },
)
async def job_results(
    job_id: str,
    runtime: Authorized,
    errors: Annotated[bool, Query(description="List the failed documents instead.")] = False,
) -> StreamingResponse:
    """The finished documents so far as JSONL, streamed in input order; ``?errors=1`` lists
    the failed ones (``doc_id``, ``error``, ``message``)."""
    runtime.job(job_id)

    async def lines() -> AsyncIterator[bytes]:
        for number, line in enumerate(runtime.store.results(job_id, errors=errors), start=1):
            yield (line + "\n").encode("utf-8")
            if number % 200 == 0:
                await asyncio.sleep(0)  # let other requests in between pages

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.delete(
    "/v1/jobs/{job_id}",
    response_model=JobView,
    summary="Cancel a job",
    responses=problem_responses(Unauthorized, NotFound, Conflict),
)
async def cancel_job(job_id: str, runtime: Authorized) -> JobView:
    """Cancel a queued or running job; its finished documents stay readable. A finished
    job answers 409."""
    state = runtime.job(job_id)
    if not runtime.store.finish(job_id, JobStatus.CANCELLED):
        raise Conflict(f"the job is already {state.status.value}")
    runtime.runner.cancel(job_id)
    return JobView.of(runtime.job(job_id))


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="The model can be used",
    responses=problem_responses(ModelUnavailable),
)
async def readyz(runtime: Runtime) -> Readiness:
    """Ready when the model endpoint is reachable, the embedded model is loaded or the
    server answers from recordings."""
    model, mode = await runtime.ready()
    return Readiness(model=model, mode=mode, backend=runtime.extractor.config.effective_backend)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(runtime: Runtime) -> Response:
    runtime.metrics.queue_depth.set(runtime.runner.queued)
    return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")


def _errors(error: ValidationError) -> list[dict[str, Any]]:
    """Where a body breaks the contract, without echoing the input."""
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False)
    ]
