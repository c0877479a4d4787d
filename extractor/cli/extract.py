"""``extract PATHS... -o OUT``: the command-line face of the library (a thin layer).

It parses options into an ``ExtractorConfig``, runs ``Extractor.extract_to`` (the library
API) and turns errors into one line and an exit code: 0 all documents extracted, 1 some
document failed (see the errors file), 2 usage or configuration error (bad path, no model,
unreachable endpoint, an output that cannot be written), 130 interrupted (Ctrl-C;
``--resume`` goes on from there).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from extractor.api import Extractor
from extractor.cli.defaults import with_default
from extractor.cli.models import models_app
from extractor.cli.progress import BatchProgress
from extractor.cli.serve import serve
from extractor.config import DEFAULT_HOME, Backend, ExtractorConfig, ModeChoice
from extractor.distributed.flag import with_ray_address
from extractor.errors import ConfigError, EndpointError, ExtractorError, InputError, ReplayMiss

__all__ = ["app", "main"]

DEFAULT_RECORDINGS = Path("eval/recordings")


class _DefaultToRun(TyperGroup):
    """``extract seeds/ -o out.jsonl`` means ``extract run seeds/ -o out.jsonl``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer vendors click
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, with_ray_address(args))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help (its commands), then the help of ``run``, the default command,
        so that ``extract --help`` documents every option."""
        super().format_help(ctx, formatter)
        command = self.commands["run"]
        command.format_help(ctx.__class__(command, info_name="run", parent=ctx), formatter)


app = typer.Typer(
    cls=_DefaultToRun,
    help="Extract industrial projects, indicators and enterprise roles from news articles.",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models_app, name="models")

_ENDPOINT = "Endpoint"
_RUN = "Run"
_CACHE = "Cache and recordings"
_CHUNK = "Chunking and prompting"


def _help(text: str, setting: str) -> str:
    return with_default(text, ExtractorConfig, setting)


@app.command("run")
def run(
    paths: Annotated[
        list[Path], typer.Argument(help="Files (.txt, .md, .jsonl of {id, text}) or folders.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output JSONL, one line a document.")
    ],
    errors: Annotated[
        Path | None,
        typer.Option(help="Where failed documents are listed \\[default: OUTPUT.errors.jsonl]."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
            "\\[env EXTRACTOR_BASE_URL, OPENAI_BASE_URL; none: the embedded local model].",
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Model name \\[env EXTRACTOR_MODEL; default: the endpoint's first model].",
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="API key \\[env EXTRACTOR_API_KEY, OPENAI_API_KEY].", rich_help_panel=_ENDPOINT
        ),
    ] = None,
    backend: Annotated[
        Backend | None,
        typer.Option(
            help=_help(
                "endpoint, local (in-process GGUF) or auto (endpoint if a URL is set).", "backend"
            ),
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    model_path: Annotated[
        Path | None,
        typer.Option(
            help="A GGUF file for the local backend \\[env EXTRACTOR_MODEL_PATH; default: the "
            "registry's default model, see `extract models list`].",
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    mode: Annotated[
        ModeChoice | None,
        typer.Option(
            help=_help(
                "Structured-output mode; auto probes the endpoint (json_schema, else tools).",
                "mode",
            ),
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help=_help("Seconds per model request.", "timeout"),
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(
            help=_help(
                "Attempts per request on connection errors, timeouts, 429 and 5xx "
                "(exponential backoff with jitter, Retry-After honoured).",
                "retries",
            ),
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    max_reasks: Annotated[
        int | None,
        typer.Option(
            help=_help(
                "Re-asks when the answer does not validate (the error is fed back).", "max_reasks"
            ),
            rich_help_panel=_ENDPOINT,
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="Concurrent model calls across documents and chunks (the embedded model's "
            "parallel slots). Default: what the machine allows for the embedded model, 1 for "
            "an endpoint.",
            rich_help_panel=_RUN,
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            help=_help(
                "CPU threads of the embedded model (0: every core). On a machine busy with "
                "other work, 1 is often faster: llama.cpp's threads wait for each other.",
                "threads",
            ),
            rich_help_panel=_RUN,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="Keep OUTPUT's lines and skip documents already there with the same text hash.",
            rich_help_panel=_RUN,
        ),
    ] = False,
    keep_ungrounded: Annotated[
        bool,
        typer.Option(
            help="Keep records whose evidence is not found in the text, flagged 'ungrounded'.",
            rich_help_panel=_RUN,
        ),
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(
            help=f"Data folder for cache and models \\[env EXTRACTOR_HOME; {DEFAULT_HOME}].",
            rich_help_panel=_CACHE,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Neither read nor write the response cache.", rich_help_panel=_CACHE
        ),
    ] = False,
    replay: Annotated[
        bool,
        typer.Option(
            help="Call no model: serve responses from the recordings and the cache; a miss "
            "fails its document, naming the document and chunk.",
            rich_help_panel=_CACHE,
        ),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            help="Append every response the run uses to the recordings: the model's, and "
            "cached ones the recordings lack.",
            rich_help_panel=_CACHE,
        ),
    ] = False,
    recordings: Annotated[
        Path | None,
        typer.Option(
            help=f"Folder of JSONL recordings \\[default: {DEFAULT_RECORDINGS} when it exists].",
            rich_help_panel=_CACHE,
        ),
    ] = None,
    chunk_tokens: Annotated[
        int | None,
        typer.Option(
            help=_help("Token budget of one chunk.", "chunk_tokens"),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    overlap_tokens: Annotated[
        int | None,
        typer.Option(
            help=_help("Tokens repeated from the previous chunk.", "overlap_tokens"),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    prompt: Annotated[
        str | None,
        typer.Option(
            help=_help(
                "Prompt id NAME.VERSION: extract.v1 asks once per chunk; typed.v1 asks once "
                "per record type (three calls a chunk); extract.v1+figures.v1 then adds "
                "indicators by labelling the figures the first call left out (up to two "
                "calls a chunk); extract.v1+missed.v1 instead goes on with the same "
                "conversation, naming the figures its answer left out; "
                "extract.v1+nearest.v1 shows each chunk's most similar "
                "labelled window of the dev set's tune half as an example first; "
                "extract.v1+window.v2 asks again, for indicators only, about each sentence "
                "that still holds a figure no record writes; extract.v1+verify.v1 has the "
                "model label each project of a document of three chunks or more (one more "
                "call) and drops those it calls no project; the default does both.",
                "prompt",
            ),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    prompts_dir: Annotated[
        Path | None,
        typer.Option(help="Folder with your own prompt files.", rich_help_panel=_CHUNK),
    ] = None,
    temperature: Annotated[
        float | None,
        typer.Option(
            help=_help(
                "Sampling temperature; 0 answers the same input the same way.", "temperature"
            ),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    frequency_penalty: Annotated[
        float | None,
        typer.Option(
            help=_help(
                "Penalty on repeated tokens: keeps a small model from repeating a company or a "
                "record, and also from listing figures that share a place and period.",
                "frequency_penalty",
            ),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    max_output_tokens: Annotated[
        int | None,
        typer.Option(
            help=_help("Output token limit per call.", "max_output_tokens"),
            rich_help_panel=_CHUNK,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help=_help("Sampling seed.", "seed"), rich_help_panel=_CHUNK),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="[ADDR]",
            help="Spread the documents over Ray actors: alone, a Ray instance on this machine "
            "(loopback only); 'auto' or HOST:PORT, a cluster. --base-url may then list "
            "several endpoints, comma-separated. See docs/scale-out.md.",
            rich_help_panel=_RUN,
        ),
    ] = None,
    max_document_bytes: Annotated[
        int | None,
        typer.Option(
            help=_help(
                "A larger document fails alone (listed in the errors file), unread.",
                "max_document_bytes",
            ),
            rich_help_panel=_RUN,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Extract records from PATHS into OUTPUT (JSONL, one line a document)."""
    # soft_wrap: an error is one line however narrow the terminal (scripts read it)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if not debug:
        # instructor logs each failed call on stderr; the one error line says it all
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
    else:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if recordings is None and (replay or record) and (record or DEFAULT_RECORDINGS.is_dir()):
        recordings = DEFAULT_RECORDINGS
    # An option left out is None: ExtractorConfig.resolve applies the environment, then its
    # defaults (a flag that is off is left out too).
    settings: dict[str, Any] = {
        "base_url": base_url, "model": model, "api_key": api_key, "backend": backend,
        "model_path": model_path, "mode": mode, "home": home, "concurrency": concurrency,
        "threads": threads,
        "timeout": timeout, "retries": retries, "max_reasks": max_reasks,
        "cache": False if no_cache else None, "replay": replay or None,
        "record": record or None, "recordings": recordings,
        "chunk_tokens": chunk_tokens, "overlap_tokens": overlap_tokens,
        "keep_ungrounded": keep_ungrounded or None, "prompt": prompt, "prompts_dir": prompts_dir,
        "temperature": temperature, "frequency_penalty": frequency_penalty,
        "max_output_tokens": max_output_tokens, "seed": seed,
        "max_document_bytes": max_document_bytes,
    }  # fmt: skip
    try:
        config = ExtractorConfig.resolve(**settings)
        with BatchProgress(err, enabled=not quiet) as progress:
            if ray is not None:  # the same batch on Ray: extractor.distributed
                from extractor.distributed import RayOptions, run_on_ray

                summary = run_on_ray(
                    config, paths, output, errors=errors, resume=resume, observer=progress,
                    options=RayOptions.resolve(address=ray),
                )  # fmt: skip
            else:
                summary = Extractor(config).extract_to(
                    paths, output, errors=errors, resume=resume, observer=progress
                )
    except KeyboardInterrupt as e:
        # Here, not in main(): typer turns a KeyboardInterrupt that leaves the command into
        # a bare exit 130. The documents finished so far are in OUTPUT, whole.
        if debug:
            raise
        err.print(f"interrupted; rerun with --resume to continue from {output}", markup=False)
        raise typer.Exit(130) from e
    except (ConfigError, InputError, EndpointError, ReplayMiss) as e:
        if debug:
            raise
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from e
    except ExtractorError as e:
        if debug:
            raise
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from e
    err.print(
        f"{summary.extracted} extracted, {summary.skipped} skipped, {summary.failed} failed · "
        f"{summary.records} records · {summary.calls} model calls, {summary.cache_hits} cache "
        f"hits · {summary.prompt_tokens}+{summary.completion_tokens} tokens"
        + (
            f" ({summary.cached_prompt_tokens / summary.prompt_tokens:.0%} of the prompt "
            "from the prefix cache)"
            if summary.cached_prompt_tokens
            else ""
        )
        + " · "
        f"{summary.seconds:.1f}s → {output}"
        + (f" (failures: {summary.errors})" if summary.failed else ""),
        markup=False,
    )
    if summary.failed:
        raise typer.Exit(1)


app.command("serve")(serve)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("interrupted; rerun with --resume to continue\n")
        sys.exit(130)
