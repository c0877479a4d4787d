"""The FastAPI application: lifespan (store, runner, model), error handlers, middleware.

``create_app(settings, config)`` builds an app; ``serve(settings, config)`` runs it with
uvicorn in this process (one process owns the model), stopping gracefully on SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from extractor import __version__
from extractor.config import ExtractorConfig
from extractor.errors import ExtractorError
from extractor.service.metrics import ServiceMetrics
from extractor.service.middleware import AccessLog, BodyLimit
from extractor.service.problems import (
    PROBLEM_JSON,
    BadJson,
    Internal,
    Invalid,
    MethodNotAllowed,
    NotFound,
    Problem,
)
from extractor.service.redact import logged_secrets
from extractor.service.routes import router
from extractor.service.runtime import Service
from extractor.service.settings import ServiceSettings

__all__ = ["create_app", "serve"]

log = logging.getLogger("extractor.service")


def create_app(settings: ServiceSettings, config: ExtractorConfig) -> FastAPI:
    """The API over one ``Extractor`` built from ``config``; jobs live in
    ``config.home / "service.sqlite"``."""
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Service(settings, config, metrics)
        app.state.service = runtime
        with logged_secrets(runtime.secrets):
            resumed = runtime.runner.start()
            if resumed:
                log.info("resuming %d unfinished job(s)", len(resumed))
            check = asyncio.create_task(_announce(runtime))
            try:
                yield
            finally:
                check.cancel()
                log.info("shutting down: checkpointing running jobs")
                await runtime.aclose()

    app = FastAPI(
        title="extractor",
        version=__version__,
        summary="Projects, indicators and enterprise roles from economic news, as records.",
        lifespan=lifespan,
    )
    app.include_router(router)
    app.openapi = _problem_media_type(app)  # type: ignore[method-assign]
    app.add_exception_handler(Problem, _problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal)
    # Outermost first: the access log sees the 413s of the body limit.
    app.add_middleware(BodyLimit, limit=settings.limits.max_body_bytes)
    app.add_middleware(AccessLog, metrics=metrics, enabled=settings.access_log)
    return app


def _problem_media_type(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` with error bodies under ``application/problem+json`` (FastAPI puts a
    response model under ``application/json``)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path in schema["paths"].values():
                for operation in path.values():
                    for response in operation.get("responses", {}).values():
                        content = response.get("content", {})
                        if PROBLEM_JSON in content and "application/json" in content:
                            content[PROBLEM_JSON] = content.pop("application/json")
        return app.openapi_schema or generate()

    return openapi


async def _announce(runtime: Service) -> None:
    """Say at start whether the model can be used (the server starts either way)."""
    try:
        model, mode = await runtime.ready()
    except Problem as e:
        log.warning("model not ready: %s", e.detail)
    else:
        log.info("model ready: %s (%s)", model, mode)


def _respond(problem: Problem, request: Request) -> JSONResponse:
    runtime: Service | None = getattr(request.app.state, "service", None)
    if runtime is not None:
        problem.detail = runtime.redact(problem.detail)
    return JSONResponse(
        problem.body(request.url.path).model_dump(exclude_none=True),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_JSON,
    )


async def _problem(request: Request, exc: Problem) -> JSONResponse:
    return _respond(exc, request)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    if any(e["type"] == "json_invalid" for e in errors):
        return _respond(BadJson("the body is not valid JSON"), request)
    return _respond(Invalid("the request breaks the API contract", errors=errors), request)


async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 405:
        return _respond(MethodNotAllowed(f"{request.method} is not allowed here"), request)
    if exc.status_code == 404:
        return _respond(NotFound(f"no route {request.url.path}"), request)
    problem = Internal() if exc.status_code >= 500 else Invalid(str(exc.detail))
    return _respond(problem, request)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
    return _respond(Internal("an internal error; the server log has the details"), request)


def configure_logging() -> None:
    """Access lines as they are (JSON), other service lines as ``LEVEL message``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("extractor.service.access")
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    service = logging.getLogger("extractor.service")
    service.handlers[:] = [plain]
    service.setLevel(logging.INFO)
    service.propagate = False


def _stopped(signum: int, frame: object) -> None:
    log.info("stopped by signal %d", signum)


def serve(settings: ServiceSettings, config: ExtractorConfig) -> None:
    """Run the server until SIGTERM or Ctrl-C (then: stop accepting, let requests in
    progress finish, checkpoint running jobs, exit)."""
    configure_logging()
    if not settings.auth:
        log.warning(
            "no EXTRACTOR_SERVER_TOKENS: authentication is off, listening on %s only",
            settings.host,
        )
    app = create_app(settings, config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            access_log=False,
            log_level="info",
            timeout_graceful_shutdown=max(1, int(settings.shutdown_grace)),
            lifespan="on",
            ws="none",
        )
    )
    # uvicorn raises the signal it stopped on again once it has shut down; with these
    # handlers in place that ends ``run`` normally, so a graceful stop exits 0.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not server.started:
        raise ExtractorError(f"could not listen on {settings.host}:{settings.port}")
