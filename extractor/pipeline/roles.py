"""A role checked against the words of its sentences.

The guide gives ``chain_leader`` only to an enterprise the text calls a chain master, chain
leader, leading or "head goose" enterprise. A small model writes it for companies the text
calls nothing of the kind (tune half: 7 such roles, 1 right; EXPERIMENTS row CL). It writes
``operator``, ``partner``, ``developer`` and ``supplier`` as freely (32-document tune half: 12
operators against 3 in the gold). ``stated_role`` keeps such a role only where its sentences
hold a word of it: running or managing, cooperation or an agreement, building or developing,
supplying (row RW). "Put into operation" and "operational" say that a project runs, not who
runs it, so they are no operator's word (row OPR); a project "signed" is a status too, and a
partner signs "with" someone (row PTN); "construction" and "development" name work, not who
does it (row DEV); "leading" calls a company a leader only before what it is ("a leading
carmaker"), not in "leading the county's growth" (row CLD); "supplier" and "provider" say
what a company trades in, and a supplier supplies or provides (row SUP). ``investor``, ``customer``,
``joint_venture_partner`` and ``other`` are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.records import Role

__all__ = ["LEADER_WORDS", "stated_role"]

LEADER_WORDS = re.compile(
    r"\b(?:chain[\s-]+(?:master|leader|owner|leading)s?|leaders?|head[\s-]+goose|"
    r"leading(?:[\s-]+[\w-]+){0,3}?[\s-]+(?:enterprise|company|firm|player|maker|manufacturer)s?)\b",
    re.IGNORECASE,
)


_ROLE_WORDS: dict[Role, re.Pattern[str]] = {
    Role.CHAIN_LEADER: LEADER_WORDS,
    # "put into operation" and "operational" say a project runs, not who runs it
    Role.OPERATOR: re.compile(
        r"\b(?:operat(?:es?|ed|ing|ors?)|run(?:s|ning)?|ran|manag\w*)\b", re.I
    ),
    Role.PARTNER: re.compile(
        r"\b(?:partner\w*|cooperat\w*|agreements?|contracts?|sign\w*(?:\s+[\w-]+){0,4}\s+with)\b",
        re.I,
    ),
    Role.SUPPLIER: re.compile(r"\b(?:suppl(?:y|ies|ied|ying)|provid(?:es|ed|ing))\b", re.I),
    Role.DEVELOPER: re.compile(
        r"\b(?:develop(?:s|ed|ing|ers?)?|buil(?:d|ds|t|ding|der|ders)|construct(?:s|ed|ing|ors?)?)\b",
        re.I,
    ),
}


def stated_role(role: Role, sentences: Iterable[str]) -> bool:
    """False for a role whose ``sentences`` hold none of its words."""
    words = _ROLE_WORDS.get(role)
    if words is None:
        return True
    return any(words.search(s) for s in sentences)
