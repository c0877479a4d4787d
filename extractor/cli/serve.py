"""``extract serve``: the HTTP API (a thin layer: options to settings, then ``serve``).

The model options mean what they mean for ``extract run``; the server owns one model client
for all its requests. Exit 2 with one line on a configuration error (for instance a
non-loopback ``--host`` with no token configured).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from extractor.cli.defaults import with_default
from extractor.config import Backend, ExtractorConfig, ModeChoice
from extractor.errors import ExtractorError
from extractor.service.settings import Limits, ServiceSettings

__all__ = ["serve"]

_MODEL = "Model (as for extract run)"
_LIMITS = "Limits"


def _help(text: str, setting: str) -> str:
    return with_default(text, ExtractorConfig, setting)


def _service(text: str, setting: str) -> str:
    return with_default(text, ServiceSettings, setting)


def _limit(text: str, setting: str) -> str:
    return with_default(text, Limits, setting)


def serve(
    host: Annotated[
        str | None,
        typer.Option(
            help=_service("Address to listen on; not loopback only with tokens set.", "host")
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(help=_service("Port to listen on.", "port"))] = None,
    tokens_file: Annotated[
        Path | None,
        typer.Option(
            help="File of bearer tokens, one a line \\[env EXTRACTOR_SERVER_TOKENS "
            "(comma-separated), EXTRACTOR_SERVER_TOKENS_FILE]."
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint.", rich_help_panel=_MODEL)
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name.", rich_help_panel=_MODEL)] = None,
    api_key: Annotated[
        str | None,
        typer.Option(help="API key (prefer EXTRACTOR_API_KEY).", rich_help_panel=_MODEL),
    ] = None,
    backend: Annotated[
        Backend | None,
        typer.Option(help=_help("endpoint, local or auto.", "backend"), rich_help_panel=_MODEL),
    ] = None,
    model_path: Annotated[
        Path | None, typer.Option(help="GGUF for the local backend.", rich_help_panel=_MODEL)
    ] = None,
    mode: Annotated[
        ModeChoice | None,
        typer.Option(help=_help("Structured-output mode.", "mode"), rich_help_panel=_MODEL),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(help=_help("Seconds per model request.", "timeout"), rich_help_panel=_MODEL),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(help=_help("Attempts per model request.", "retries"), rich_help_panel=_MODEL),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="Concurrent model calls, all requests together \\[default: the embedded "
            "model's slots, 1 for an endpoint].",
            rich_help_panel=_MODEL,
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            help=_help("CPU threads of the embedded model (0: every core).", "threads"),
            rich_help_panel=_MODEL,
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(
            help="Data folder: response cache and the jobs database \\[env EXTRACTOR_HOME].",
            rich_help_panel=_MODEL,
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="No response cache.", rich_help_panel=_MODEL)
    ] = False,
    replay: Annotated[
        bool,
        typer.Option(help="Answer from the recordings, call no model.", rich_help_panel=_MODEL),
    ] = False,
    recordings: Annotated[
        Path | None, typer.Option(help="Folder of JSONL recordings.", rich_help_panel=_MODEL)
    ] = None,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(
            help=_limit("Largest request body.", "max_body_bytes"), rich_help_panel=_LIMITS
        ),
    ] = None,
    max_documents: Annotated[
        int | None,
        typer.Option(
            help=_limit("Documents per job.", "max_documents_per_job"), rich_help_panel=_LIMITS
        ),
    ] = None,
    max_document_chars: Annotated[
        int | None,
        typer.Option(
            help=_limit("Characters per document.", "max_document_chars"), rich_help_panel=_LIMITS
        ),
    ] = None,
    max_running_jobs: Annotated[
        int | None,
        typer.Option(
            help=_limit("Jobs worked on at once.", "max_running_jobs"), rich_help_panel=_LIMITS
        ),
    ] = None,
    max_queued_jobs: Annotated[
        int | None,
        typer.Option(
            help=_limit("Jobs waiting; more are refused (429).", "max_queued_jobs"),
            rich_help_panel=_LIMITS,
        ),
    ] = None,
    shutdown_grace: Annotated[
        float | None,
        typer.Option(
            help=_service("Seconds SIGTERM waits for documents in progress.", "shutdown_grace"),
            rich_help_panel=_LIMITS,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) until SIGTERM or Ctrl-C."""
    from extractor.cli.extract import DEFAULT_RECORDINGS

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if not debug:
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
    if recordings is None and replay and DEFAULT_RECORDINGS.is_dir():
        recordings = DEFAULT_RECORDINGS
    model_settings: dict[str, Any] = {
        "base_url": base_url, "model": model, "api_key": api_key, "backend": backend,
        "model_path": model_path, "mode": mode, "home": home, "concurrency": concurrency,
        "threads": threads,
        "timeout": timeout, "retries": retries, "cache": False if no_cache else None,
        "replay": replay or None, "recordings": recordings,
    }  # fmt: skip
    # An option left out is None: ExtractorConfig.resolve applies the environment, then its
    # defaults (a flag that is off is left out too).
    try:
        from extractor.service import serve as run_server
    except ImportError as e:
        err.print(
            f"error: extract serve needs the service extra (pip install 'extractor[service]'): {e}",
            markup=False,
        )
        raise typer.Exit(2) from e
    try:
        given_limits = {
            "max_body_bytes": max_body_bytes,
            "max_documents_per_job": max_documents,
            "max_document_chars": max_document_chars,
            "max_running_jobs": max_running_jobs,
            "max_queued_jobs": max_queued_jobs,
        }
        limits = Limits(**{k: v for k, v in given_limits.items() if v is not None})
        settings = ServiceSettings.resolve(
            host=host,
            port=port,
            tokens_file=tokens_file,
            limits=limits,
            shutdown_grace=shutdown_grace,
        )
        config = ExtractorConfig.resolve(**model_settings)
        run_server(settings, config)
    except ExtractorError as e:
        if debug:
            raise
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from e
