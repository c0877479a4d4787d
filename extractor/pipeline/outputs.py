"""A project's output value, where its sentences state one (the guide's ``output_value``).

The model leaves ``output_value`` empty: on the 32-document tune half it wrote none, while the
gold holds 11, each in a phrase that names it ("an annual output value of 8 billion yuan",
"is expected to generate an annual output of 35 billion yuan", "generating 100 billion yuan
in output"). ``stated_output`` finds the money figure such a phrase states in a project's
sentences; the project's investment is never its output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.pipeline.normalize import CURRENCY_CODES, FigureError, find_figures, parse_figure

__all__ = ["stated_output"]

_BEFORE = re.compile(
    r"\b(?:output(?:\s+value)?|sales(?:\s+revenue)?|revenue)\s+"
    r"(?:(?:is|was|will\s+be)\s+)?(?:(?:estimated|expected|projected)\s+(?:to\s+be\s+|at\s+)?)?"
    r"(?:of|exceeding|reaching|worth|at|to)?\s*"
    r"(?:about|around|approximately|over|more\s+than|nearly|no\s+less\s+than|up\s+to)?\s*$",
    re.IGNORECASE,
)
"""The words before an output figure: "output value of", "annual output exceeding about"."""
_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:in|of)\s+(?:annual\s+)?output\b", re.IGNORECASE)
"""The words after one: "100 billion yuan in output"."""
_REACH = 48
"""How many characters before a figure the naming phrase may start."""


def stated_output(sentences: Sequence[str], investment: str | None = None) -> str | None:
    """The first money figure, as written, that ``sentences`` name an output value or sales,
    other than ``investment`` (the project's investment as written); None when there is
    none."""
    for text in sentences:
        for span in find_figures(text):
            if investment is not None and span.text.strip() == investment.strip():
                continue
            before, after = text[max(0, span.start - _REACH) : span.start], text[span.end :]
            if not (_BEFORE.search(before) or _AFTER.match(after)):
                continue
            try:
                figure = parse_figure(span.text, before=text[: span.start], after=after)
            except FigureError:
                continue
            if figure.unit in CURRENCY_CODES:
                return span.text
    return None
