"""Sections of BENCHMARKS.md that other scripts than ``make bench`` write.

Each lives between ``<!-- NAME-bench -->`` and ``<!-- /NAME-bench -->``; ``write_section``
replaces it in place (or appends it), and ``carry_sections`` puts every such section of a
file's old text back after ``make bench`` rewrote the file.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["carry_sections", "markers", "write_section"]

_ANY = re.compile(r"<!-- ([a-z]+)-bench -->.*?<!-- /\1-bench -->", re.DOTALL)


def markers(name: str) -> tuple[str, str]:
    """The opening and closing markers of section ``name``."""
    return f"<!-- {name}-bench -->", f"<!-- /{name}-bench -->"


def write_section(path: Path, name: str, section: str) -> None:
    """Put ``section`` (which starts and ends with ``markers(name)``) in ``path`` in place of
    the previous one, or at the end."""
    begin, end = markers(name)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if block.search(text):
        text = block.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def carry_sections(previous: str, path: Path) -> None:
    """Put every marked section of ``previous`` (a file's old text) back into ``path``."""
    for found in _ANY.finditer(previous):
        write_section(path, found.group(1), found.group(0))
