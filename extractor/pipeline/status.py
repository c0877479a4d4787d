"""A project's status, checked against the words of its sentences.

A small model writes ``in_operation`` or ``completed`` for projects whose sentences say only
that construction started (tune half: 18 and 12 such statuses against 6 and 2 in the gold).
``built_status`` keeps the model's status unless the sentences speak of building and not of
running or finishing; then the project is under construction (EXPERIMENTS row SC). Where they
speak of neither ("a planned capacity of 120GWh", "received an investment of 2.8 billion
yuan"), the status has no support in the text and is left out (row SN).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.records import Status

__all__ = ["built_status"]

_DONE_WORDS = re.compile(
    r"\b(?:(?:put|went|go|goes|gone|come|came)\s+into\s+(?:operation|production|use|service)|"
    r"in\s+(?:operation|production|service)|operational|(?:began|begun|started|starts?)\s+"
    r"(?:operation|production|operating|producing)|produced|running|completed|completion|"
    r"finished|opened|commissioned|delivered)\b",
    re.IGNORECASE,
)
_BUILD_WORDS = re.compile(
    r"\b(?:construction|construct(?:ed|ing)?|build(?:ing)?|broke ground|groundbreaking|"
    r"started|start|commenced|began|under way|underway)\b",
    re.IGNORECASE,
)


def built_status(status: Status | None, sentences: Sequence[str]) -> Status | None:
    """``status``, unless it says running or finished and ``sentences`` (the project's) do
    not: under construction where they speak of building, else None."""
    if status not in (Status.IN_OPERATION, Status.COMPLETED):
        return status
    text = " ".join(sentences)
    if _DONE_WORDS.search(text):
        return status
    if not _BUILD_WORDS.search(text):
        return None  # no word of the sentences says it runs, is done or is being built
    return Status.UNDER_CONSTRUCTION
