"""The place that acts in a sentence: "Hechi signed five projects", "On April 19, Changsha
City held a ceremony", "East China's Fujian launched 236 key projects".

A batch of projects belongs to the place that signs, starts or launches it; the place is the
sentence's subject, named before its verb. The model often gives a batch figure another place
of the sentence (the partner region, the province around the city, the venue). ``acting_place``
reads the subject of a sentence; ``framing_place`` that of the nearest earlier sentence of its
paragraph that has one (the paragraph's frame, as for periods), for a sentence that names no
place of its own. A company, a pronoun or a title is no place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.pipeline.chunk import Sentence, earlier_in_paragraph
from extractor.pipeline.entities import LEGAL_FORM

__all__ = ["acting_place", "framing_place"]

_VERB = (
    r"(?:signed|launched|started|began|kicked\s+off|broke\s+ground|introduced|attracted|"
    r"implemented|promoted|invested|completed|unveiled|held|(?:has|have|had|will)\s+"
    r"(?:\w+\s+)?(?:signed|launched|started|begun|introduced|attracted|implement|promote|"
    r"completed|held|start|launch|sign))\b"
)
_LEAD = r"(?:(?:On|In|By|As\s+of|During|From|Since)\s+[^,]{1,40},\s+)?"
_DIRECTION = (
    r"(?:(?:East|West|North|South|Northeast|Northwest|Southeast|Southwest|Central)\s+"
    r"China['’]s\s+)?"
)
_ADMIN = (
    r"(?:\s+(?:city|county|district|province|prefecture|autonomous\s+region|"
    r"Hui\s+autonomous\s+region|Zhuang\s+autonomous\s+region|new\s+area))?"
)
_NAME = rf"(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,3}}{_ADMIN})"
_SUBJECT = re.compile(rf"^{_LEAD}{_DIRECTION}{_NAME}\s+{_VERB}")
_NOT_PLACES = frozenset(
    {
        "it", "this", "these", "there", "the", "they", "we", "he", "she", "its", "our",
        "although", "while", "since", "after", "before", "when", "meanwhile", "besides",
        "additionally", "moreover", "furthermore", "however", "among", "of", "all", "a",
    }
)  # fmt: skip


def _subject(text: str) -> str | None:
    match = _SUBJECT.match(text.strip())
    if match is None:
        return None
    name = match.group("name")
    if name.split()[0].lower() in _NOT_PLACES or LEGAL_FORM.search(name):
        return None
    return name


def acting_place(sentence: Sentence) -> str | None:
    """The place that acts in ``sentence``: its subject, when a place signs, starts or
    launches something in it; None otherwise."""
    return _subject(sentence.text)


def framing_place(sentences: Sequence[Sentence], sentence: Sentence) -> str | None:
    """The place that acts in the nearest earlier sentence of ``sentence``'s paragraph that
    has one (``sentences``: the chunk's, in order); None when none does."""
    for previous in earlier_in_paragraph(sentences, sentence):
        place = _subject(previous.text)
        if place is not None:
            return place
    return None
