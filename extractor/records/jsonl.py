"""Reading JSON Lines: every line parsed by ``jsonlines``, a bad line named.

The package's one JSONL reader, for documents (``pipeline.load``), a run's own output on
``--resume`` (``pipeline.write``), recordings (``llm.store``), gold and prediction files
(``evaluation.loading``) and the service's JSONL request bodies (``parse_json_lines``). It
never stops at a bad line: each non-blank line comes back as a ``JsonLine`` holding its object
or the reason it has none. What a bad line means is the caller's to say (a failed document, a
torn line to drop, a configuration error, a problem to report), and ``JsonLine.problem`` words
it the same way everywhere: the file, the line number and the reason.

Lines end at ``\\n`` only (a ``\\r`` before it is dropped), so a record holding U+2028 or
another character that ``str.splitlines`` breaks at stays one line. A leading byte-order mark
is allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonlines

__all__ = ["JsonLine", "parse_json_lines", "read_json_lines"]

_JSON_TYPES = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
               float: "a number", type(None): "null"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One non-blank line of a JSONL file: where it is, its text, and its JSON object, or
    (``obj`` None) the reason it has none; ``is_json`` tells JSON that is not an object from
    a line that is not JSON at all (a torn one, say)."""

    path: Path
    number: int
    text: str
    obj: dict[str, Any] | None
    reason: str | None = None
    is_json: bool = True

    @property
    def problem(self) -> str:
        """``FILE line N: REASON``; only for a line without an object."""
        return f"{self.path} line {self.number}: {self.reason}"


def _reason(error: jsonlines.InvalidLineError) -> str:
    cause = error.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return f"not JSON: {cause.msg} at column {cause.colno}"
    return str(error)


def read_json_lines(path: Path) -> list[JsonLine]:
    """Every non-blank line of the UTF-8 file ``path``, in order. Raises ``OSError`` or
    ``UnicodeDecodeError`` when the file cannot be read as a whole: its caller knows what the
    file is for and words that error."""
    return parse_json_lines(path.read_bytes().decode("utf-8-sig"), path)


def parse_json_lines(text: str, path: Path) -> list[JsonLine]:
    """Every non-blank line of JSONL ``text`` (read from ``path``, or named so), in order."""
    numbered = [
        (number, line.removesuffix("\r"))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]
    reader = jsonlines.Reader(line for _, line in numbered)  # one line a read, in step
    out: list[JsonLine] = []
    for number, line in numbered:
        try:
            value = reader.read(allow_none=True)
        except jsonlines.InvalidLineError as e:
            out.append(JsonLine(path, number, line, None, _reason(e), is_json=False))
            continue
        if isinstance(value, dict):
            out.append(JsonLine(path, number, line, value))
        else:
            kind = _JSON_TYPES.get(type(value), type(value).__name__)
            out.append(JsonLine(path, number, line, None, f"not a JSON object but {kind}"))
    return out
