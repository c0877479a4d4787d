"""The company a project's name opens with ("Changchun Jinyi Trading Project": "Changchun Jinyi").

The guide lists among a project's ``enterprises`` a company named only inside the project's
name. Such a name reads place, brand, what it makes, what it is: "Jilin Anyou Biological
Project", "Dongchen Electronic Components R&D and Production Project", "Hengli Refining and
Chemical Project". ``sector.name_sector`` finds what it makes; what comes before it, once the
places are passed over, is the company, when it holds a Chinese proper name and is written in
title case ("Jilin Anyou"; the place stays in the name, as the gold writes it).
A name that opens with places only ("Changjiang Nuclear Power Plant") has none
(EXPERIMENTS row OWN3). ``with_owners`` fills them in once a document's records are merged,
so that no investor role is implied from them: the guide makes such a company's role
optional, and implied ones lost roles their detection (row OWN3).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from extractor.pipeline.entities import PROVINCES
from extractor.pipeline.pinyin import is_pinyin
from extractor.pipeline.sector import name_sector
from extractor.pipeline.subjects import named_place
from extractor.records import Indicator, Project

__all__ = ["name_owner", "with_owners"]

_LEAD = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_JOINING = frozenset({"&", "and", "of"})


def name_owner(name: str, document: str, places: Collection[str]) -> str | None:
    """The company ``name`` opens with, or None. ``places`` are the words of the places the
    document's records give (their regions and locations, lower case): a word among them
    is a place, not a company."""
    name = _LEAD.sub("", name.strip())
    sector = name_sector(name, [], None, document)
    if not sector:
        return None
    at = name.find(sector)
    words = name[:at].strip(" ,'’").removesuffix("'s").removesuffix("’s").split() if at > 0 else []
    if not words or not all(w[:1].isupper() or w in _JOINING for w in words):
        return None
    place = named_place(" ".join(words), document)
    rest = words[len(place.split()) :] if place else words
    while rest and (rest[0].lower() in PROVINCES or rest[0].lower() in places):
        rest = rest[1:]
    if not rest or not any(is_pinyin(w) for w in rest):
        return None
    return " ".join(words)


def with_owners(
    projects: Sequence[Project], indicators: Sequence[Indicator], document: str
) -> list[Project]:
    """``projects``, each that names no enterprise with the company its name opens with."""
    places = {
        word.lower()
        for place in (*(i.region for i in indicators), *(p.location for p in projects))
        for word in (place or "").split()
    }
    filled: list[Project] = []
    for project in projects:
        owner = None if project.enterprises else name_owner(project.name, document, places)
        filled.append(project.model_copy(update={"enterprises": [owner]}) if owner else project)
    return filled
