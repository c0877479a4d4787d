"""``extract-eval``: score predictions against gold, compare annotators, validate gold.

    extract-eval --gold G --pred P [--docs DIR] [--md report.md] [--json report.json]
                 [--errors errors.jsonl] [--html review.html] [--baseline B]
                 [--fail-under F1] [--max-drop D] [--allow-missing] [--seed N]
                 [--resamples N] [--agreement] [--strict-input]
    extract-eval validate GOLD --docs DIR
    extract-eval bank GOLD --docs DIR -o BANK.jsonl
    extract-eval spread REPORT.json REPORT.json ... [--strict]

Exit codes: 0 ok; 1 a threshold is violated (scoring) or the gold has problems (validate);
2 usage or input error (missing document, text_sha256 mismatch, invalid gold, unreadable
file; with --strict-input also an invalid predicted record or an unusable prediction line),
reported in one line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from extractor.cli.defaults import with_default
from extractor.errors import ExtractorError
from extractor.evaluation.bank import bank_lines, build_bank
from extractor.evaluation.loading import check_gold_file
from extractor.evaluation.report import (
    read_report,
    render_markdown,
    write_errors,
    write_output,
    write_report_json,
)
from extractor.evaluation.review_html import render_review_html
from extractor.evaluation.run import EvaluationConfig, GateSettings, evaluate
from extractor.evaluation.settings import BootstrapSettings, Mode, ScoringSettings
from extractor.evaluation.spread import render_spread, spread

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Score extracted records against hand-labelled gold (see issue 5 for the rules).",
)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"extract-eval: {message}", err=True)
    raise typer.Exit(code)


OptionalPath = Annotated[Path | None, typer.Option(dir_okay=False)]


def _help(text: str, setting: str) -> str:
    return with_default(text, BootstrapSettings, setting)


@app.callback(invoke_without_command=True)
def score(
    ctx: typer.Context,
    gold: Annotated[Path | None, typer.Option(help="Gold JSONL.", dir_okay=False)] = None,
    pred: Annotated[
        Path | None, typer.Option(help="Predictions JSONL (or a second gold file).")
    ] = None,
    docs: Annotated[
        Path | None,
        typer.Option(help="Folder of the documents: checks hashes and evidence; needed by --html."),
    ] = None,
    md: Annotated[Path | None, typer.Option(help="Write the Markdown report here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write report.json here.")] = None,
    errors: Annotated[Path | None, typer.Option(help="Write errors.jsonl here.")] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the review page here.")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="A previous report.json to compare with.")
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Exit 1 when lenient field-level F1 is below."),
    ] = None,
    max_drop: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Exit 1 when that F1 drops more below baseline."),
    ] = None,
    allow_missing: Annotated[
        bool,
        typer.Option("--allow-missing", help="Score absent or mismatched documents as empty."),
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help=_help("Seed of the bootstrap.", "seed")),
    ] = None,
    resamples: Annotated[
        int | None,
        typer.Option(
            min=0,
            help=_help("Bootstrap resamples (0: no intervals).", "resamples"),
        ),
    ] = None,
    agreement: Annotated[
        bool,
        typer.Option("--agreement", help="--pred is a second annotator's gold: report agreement."),
    ] = False,
    strict_input: Annotated[
        bool,
        typer.Option(
            "--strict-input",
            help="Exit 2 on an invalid predicted record or line instead of dropping it.",
        ),
    ] = False,
) -> None:
    """Score --pred against --gold (the default command)."""
    if ctx.invoked_subcommand is not None:
        return
    if gold is None or pred is None:
        _fail("--gold and --pred are required (or use: extract-eval validate GOLD --docs DIR)")
    if max_drop is not None and baseline is None:
        _fail("--max-drop needs --baseline")
    if html_out is not None and docs is None:
        _fail("--html needs --docs (the page shows the document texts)")
    try:
        scoring = ScoringSettings(
            bootstrap=BootstrapSettings(
                **{k: v for k, v in {"resamples": resamples, "seed": seed}.items() if v is not None}
            ),
            allow_missing=allow_missing,
            agreement=agreement,
            strict_input=strict_input,
        )
        gate = GateSettings(fail_under=fail_under, max_drop=max_drop)
    except ValueError as e:
        _fail(str(e))
    config = EvaluationConfig(gold, pred, docs, baseline, scoring, gate)
    try:
        result = evaluate(config)
        markdown = render_markdown(result.report)
        if md is not None:
            write_output(md, markdown)
        if json_out is not None:
            write_report_json(json_out, result.report)
        if errors is not None:
            write_errors(errors, result.errors)
        if html_out is not None:
            page = render_review_html(result.report, result.documents, result.errors, result.texts)
            write_output(html_out, page)
    except ExtractorError as e:
        _fail(str(e))
    sys.stdout.write(markdown)
    sys.stdout.flush()
    for violation in result.report.gate.violations:
        typer.echo(f"extract-eval: {violation}", err=True)
    if result.report.gate.violations:
        raise typer.Exit(1)


@app.command()
def validate(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL to check.", dir_okay=False)],
    docs: Annotated[Path, typer.Option(help="Folder of the documents the gold labels.")],
) -> None:
    """Check a gold file: format, hashes, evidence spans, role projects. Exit 1 on problems."""
    try:
        check = check_gold_file(gold, docs)
    except ExtractorError as e:
        _fail(str(e))
    for problem in check.problems:
        typer.echo(f"{gold}: {problem}")
    summary = (
        f"{gold}: {len(check.documents)} valid documents, {check.records} records, "
        f"{len(check.problems)} problem(s)"
    )
    if check.problems:
        _fail(summary, 1)
    typer.echo(summary)


@app.command("bank")
def bank_command(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL of the tune half.", dir_okay=False)],
    docs: Annotated[Path, typer.Option(help="Folder of the documents the gold labels.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Bank file to write.", dir_okay=False)
    ],
) -> None:
    """Build an example bank (NAME.VERSION.bank.jsonl, see ``extract --prompt
    extract.v1+nearest.v1``) from labelled documents. Only ever from the tune half."""
    try:
        bank = build_bank(gold, docs)
        write_output(output, bank_lines(bank))
    except ExtractorError as e:
        _fail(str(e))
    documents = len({example["text_sha256"] for example in bank})
    typer.echo(f"{output}: {len(bank)} examples from {documents} documents")


@app.command("spread")
def spread_command(
    reports: Annotated[
        list[Path],
        typer.Argument(
            help="report.json files, each written with --baseline (the same one).", dir_okay=False
        ),
    ],
    strict: Annotated[
        bool, typer.Option("--strict", help="Strict mode instead of lenient.")
    ] = False,
) -> None:
    """Each run's change in F1 against the shared baseline, and their range: the spread of
    repeated live runs of one setting (see ``make spread``)."""
    try:
        loaded = [read_report(path) for path in reports]
        rows = spread(loaded, Mode.STRICT if strict else Mode.LENIENT)
    except ExtractorError as e:
        _fail(str(e))
    names = [path.parent.name or path.name for path in reports]
    if len(set(names)) < len(names):
        names = [path.name for path in reports]
    sys.stdout.write(render_spread(rows, names))


def main() -> None:
    app(prog_name="extract-eval")
