"""``report.json``: write a report, and read one back as a baseline.

The file is ``Report.model_dump_json(indent=2)``: every count and setting, the gold file's
hash and the scorer version, and no timestamps, so the same inputs and seed give the same
bytes.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.evaluation.report_model import Report

__all__ = ["read_report", "render_report_json", "write_output", "write_report_json"]


def write_output(path: Path, text: str) -> None:
    """Write an output file as UTF-8; an unwritable path is an ``InputError``."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror or e}") from e


def render_report_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_report_json(path: Path, report: Report) -> None:
    write_output(path, render_report_json(report))


def read_report(path: Path) -> Report:
    """A report written by ``write_report_json`` (a baseline); ``InputError`` otherwise."""
    try:
        return Report.model_validate_json(path.read_bytes())
    except OSError as e:
        raise InputError(f"cannot read the baseline {path}: {e.strerror or e}") from e
    except ValidationError as e:
        raise InputError(
            f"{path} is not a report.json of extract-eval ({e.error_count()} problems, "
            f"first: {e.errors()[0]['msg']})"
        ) from e
