"""A role checked against the words of its sentences.

The guide gives ``chain_leader`` only to an enterprise the text calls a chain master, chain
leader, leading or "head goose" enterprise. A small model writes it for companies the text
calls nothing of the kind (tune half: 7 such roles, 1 right). ``stated_role`` keeps a
``chain_leader`` only where its sentences hold one of those words (EXPERIMENTS row CL).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.records import Role

__all__ = ["stated_role"]

_LEADER_WORDS = re.compile(
    r"\b(?:chain[\s-]+(?:master|leader|owner|leading)s?|lead(?:er|ers|ing)|head[\s-]+goose|"
    r"leading[\s-]+(?:enterprise|company|firm)s?)\b",
    re.IGNORECASE,
)


def stated_role(role: Role, sentences: Iterable[str]) -> bool:
    """False for a chain leader whose ``sentences`` never call anyone one."""
    if role is not Role.CHAIN_LEADER:
        return True
    return any(_LEADER_WORDS.search(s) for s in sentences)
