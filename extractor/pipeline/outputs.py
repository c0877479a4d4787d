"""A project's output value and size, where its sentences state them (the guide's
``output_value`` and ``capacity``).

The model leaves ``output_value`` empty: on the 32-document tune half it wrote none, while the
gold holds 11, each in a phrase that names it ("an annual output value of 8 billion yuan",
"is expected to generate an annual output of 35 billion yuan", "generating 100 billion yuan
in output"). ``stated_output`` finds the money figure such a phrase states in a project's
sentences; the project's investment is never its output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.pipeline.normalize import (
    CAPACITY_UNITS,
    CURRENCY_CODES,
    FigureError,
    find_figures,
    parse_figure,
    to_quantity,
)
from extractor.records import Quantity

__all__ = ["stated_capacity", "stated_output"]

_SIZE_UNITS = CAPACITY_UNITS | {
    "GW/yr", "GWh/yr", "MW/yr", "kWh/yr", "m2/yr", "vehicles", "vehicles/yr", "units", "units/yr",
}  # fmt: skip
"""What a project's size may be counted in: ``CAPACITY_UNITS`` and a yearly output's units."""
MAX_SIZES = 2
"""A sentence stating more sizes than this lists several things, not one project's size."""

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


def stated_capacity(sentence: str, written: set[float]) -> list[Quantity]:
    """The sizes ``sentence`` (about one project alone) states: its figures in a unit of size
    whose number no indicator writes (``written``); none where it states more than
    ``MAX_SIZES``."""
    sizes: list[Quantity] = []
    for span in find_figures(sentence):
        try:
            figure = parse_figure(
                span.text, before=sentence[: span.start], after=sentence[span.end :]
            )
        except FigureError:
            continue
        if figure.unit in _SIZE_UNITS and round(figure.value, 3) not in written:
            sizes.append(to_quantity(figure))
    return sizes if len(sizes) <= MAX_SIZES else []
