"""A project's status, checked against the words of its sentences.

A small model writes ``in_operation`` or ``completed`` for projects whose sentences say only
that construction started (tune half: 18 and 12 such statuses against 6 and 2 in the gold).
``built_status`` keeps the model's status unless the sentences speak of building and not of
running or finishing; then the project is under construction (EXPERIMENTS row SC). Where they
speak of neither ("a planned capacity of 120GWh", "received an investment of 2.8 billion
yuan"), the status has no support in the text and is left out (row SN). Money spent is no
project finished: "the completion rate of investment reached 65%" says building goes on
(row SPT).

``stated_status`` reads the one status a sentence states in so many words (signed, building,
in operation, planned): a list's sentence gives it to every project it lists (row LS).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.records import Status

__all__ = ["built_status", "stated_status"]

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


# Money spent is no project finished: "the completion rate of investment reached 65%",
# "completed a total investment of 65.4 billion yuan" say that building goes on.
_SPENDING = re.compile(
    r"\bcompletion\s+rate\b|\bcompletion\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}investment\b|"
    r"\bcompleted\s+(?:a\s+total\s+)?(?:\w+\s+){0,2}(?:of\s+)?investment\b",
    re.IGNORECASE,
)


def built_status(status: Status | None, sentences: Sequence[str]) -> Status | None:
    """``status``, unless it says running or finished and ``sentences`` (the project's) do
    not: under construction where they speak of building or of money spent on it, else
    None."""
    if status not in (Status.IN_OPERATION, Status.COMPLETED):
        return status
    text = " ".join(sentences)
    unspent = _SPENDING.sub(" ", text)
    if _DONE_WORDS.search(unspent):
        return status
    if unspent != text:  # money spent on it
        return Status.UNDER_CONSTRUCTION
    if not _BUILD_WORDS.search(text):
        return None  # no word of the sentences says it runs, is done or is being built
    return Status.UNDER_CONSTRUCTION


_STATUS_WORDS: dict[Status, re.Pattern[str]] = {
    Status.SIGNED: re.compile(r"\b(?:sign(?:ed|ing)|contracted|inked)\b", re.I),
    Status.UNDER_CONSTRUCTION: re.compile(
        r"\b(?:broke ground|groundbreaking|(?:started|commenced|began|begun|starting) "
        r"construction|construction (?:started|commenced|began|begun)|under construction|"
        r"commenced|kicked off|(?:newly[- ])?started projects|started smoothly|"
        r"resum(?:ed|ption of)|construction site)\b",
        re.I,
    ),
    Status.IN_OPERATION: re.compile(
        r"(?:\b|(?<=[a-z]))(?:put|went|go|goes|gone) into (?:operation|production|use)|"
        r"\bin operation\b",
        re.I,
    ),
    Status.COMPLETED: re.compile(
        r"\b(?:completed construction|(?:was|were|been|be) completed(?! (?:an |the )?"
        r"investment))\b",
        re.I,
    ),
    Status.PLANNED: re.compile(r"\b(?:planned|plans? to|to be built|listed in)\b", re.I),
}


def stated_status(sentence: str) -> Status | None:
    """The status a sentence gives the projects it lists or names ("12 projects broke
    ground, including ..."): the one status its words state, or None when they state none
    or more than one."""
    stated = [status for status, words in _STATUS_WORDS.items() if words.search(sentence)]
    return stated[0] if len(stated) == 1 else None
