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

__all__ = ["serve"]

_MODEL = "Model (as for extract run)"
_LIMITS = "Limits"


def _help(text: str, setting: str) -> str:
    return with_default(text, ExtractorConfig, setting)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; not loopback only with tokens set.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
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
        int, typer.Option(help="Largest request body.", rich_help_panel=_LIMITS)
    ] = 10 * 1024 * 1024,
    max_documents: Annotated[
        int, typer.Option(help="Documents per job.", rich_help_panel=_LIMITS)
    ] = 1000,
    max_document_chars: Annotated[
        int, typer.Option(help="Characters per document.", rich_help_panel=_LIMITS)
    ] = 200_000,
    max_running_jobs: Annotated[
        int, typer.Option(help="Jobs worked on at once.", rich_help_panel=_LIMITS)
    ] = 2,
    max_queued_jobs: Annotated[
        int, typer.Option(help="Jobs waiting; more are refused (429).", rich_help_panel=_LIMITS)
    ] = 100,
    shutdown_grace: Annotated[
        float,
        typer.Option(
            help="Seconds SIGTERM waits for documents in progress.", rich_help_panel=_LIMITS
        ),
    ] = 10.0,
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
        from extractor.service import Limits, ServiceSettings
        from extractor.service import serve as run_server
    except ImportError as e:
        err.print(
            f"error: extract serve needs the service extra (pip install 'extractor[service]'): {e}",
            markup=False,
        )
        raise typer.Exit(2) from e
    try:
        limits = Limits(
            max_body_bytes=max_body_bytes,
            max_documents_per_job=max_documents,
            max_document_chars=max_document_chars,
            max_running_jobs=max_running_jobs,
            max_queued_jobs=max_queued_jobs,
        )
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
