"""Projects a sentence lists by name: "36 projects, including Yunda Wind power equipment in
Jinan New Area and Spare parts manufacturing of Yongyang Special Steel, are listed ...",
"other ventures, including the ultra-supercritical coal power project by PetroChina ...".

A small model lists the first one or two items of such a list and leaves the rest. The guide
records each named project (rule P1: a project is named when the text names it, even without a
figure). ``listed_projects`` splits the list that follows "including", "namely", "such as" or
"include(s)" before a capitalized name into its items and keeps, as projects, the items that a
project word names ("... project", "... Industrial Park") or, after a count of projects ("18
projects, including ..."), that start with a proper name ("Projects such as ..." counts as such
a list too). Items are not split inside a name ("Co., Ltd.", "Science and Technology"). An
item's name is cut where a clause about it starts (", which has an investment of", " invested
by", " by PetroChina ...", " worth of 8.5 billion yuan", "(930 million yuan)", " advanced in an
orderly manner") and loses a leading owner ("Xinjiang Huineng's") and a trailing place ("in
Yonglin District"), as the guide names projects. The project's enterprise is the owner the item
names (a possessive, or "by" a company), else the company its name states with a legal form
(``entities.named_company``); its capacity is the size its name states ("90,000-ton ..."); its
location is the place its item names, else the place that acts in or frames its sentence; and
the one status the list's sentence states ("broke ground on 12 projects, including ...") is
each item's (``status.stated_status``; none where it states two).

``named_projects`` reads the same out of any list: a proper name ending in "Project",
"Plant", "Factory" or "Base" ("the Datang Gas Power Plant") is a project the chunk's other
projects do not already hold under a like name, unless its words name a programme, a meeting
or a rank ("Strategic Cooperation Project", "Provincial Government's Major Project"). Parks
and centres are left to the model: they are places or offices more often than projects
(EXPERIMENTS row NPJ).

``listed_companies`` does the same for a list of companies ("five automobile manufacturers
including FAW-Hongqi, FAW-Jiefang ..."): each named company gets a role with no project, a
``chain_leader`` when the list calls them leading, an ``investor`` when they were introduced
or settled, else ``other`` (guide R1 to R3); companies listed as visited or attending get none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from extractor.names import normalize_name
from extractor.pipeline.anchor import as_region
from extractor.pipeline.chunk import Sentence
from extractor.pipeline.entities import (
    GENERIC_WORDS,
    LEGAL_FORM,
    PLURAL,
    PROJECT_NOUN,
    is_enterprise_name,
    named_company,
    not_a_project,
)
from extractor.pipeline.normalize import named_capacity
from extractor.pipeline.pinyin import is_pinyin
from extractor.pipeline.roles import LEADER_WORDS
from extractor.pipeline.sector import name_sector
from extractor.pipeline.status import stated_status
from extractor.pipeline.subjects import acting_place
from extractor.records import EnterpriseRole, Evidence, Project, Role

__all__ = [
    "joint_venture_partners",
    "listed_as_company",
    "listed_companies",
    "listed_projects",
    "named_projects",
]

_LIST_START = re.compile(
    r"\b(?:including|namely|such\s+as|covering(?:\s+the)?|(?:were|are)\s+the\s+projects\s+of|"
    r"had\s+a\s+total\s+of|that\s+is,|(?:includes?|included)(?=\s+(?:the\s+)?(?-i:[A-Z])))\s+|"
    # glued by the copy: "projects includingIntel Second Phase Project"
    r"\bincluding(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)
_COUNTED = re.compile(r"\bprojects\W*$", re.IGNORECASE)
"""Projects just before the list, counted or not: "18 projects, including", "Projects such as"."""
# Items are split at commas, semicolons and "and", but not inside a name ("Co., Ltd.", "Science
# and Technology", "Economic and Technological Development Zone", "Iron and Steel").
_NOT_LEGAL_FORM = r"(?!\s*(?i:Ltd|Inc|Limited|LLC)\b)"
"""After a comma: not the rest of a company's name ("Co., Ltd.")."""
_ITEM_SPLIT = re.compile(
    rf"\s*[,;](?!\d){_NOT_LEGAL_FORM}\s*(?:and\s+|as\s+well\s+as\s+)?|"
    r"\s+as\s+well\s+as\s+|"
    r"\s+and\s+(?!Technolog|Development\b|Trade\b|Commerce\b|Steel\b|Iron\b|Gas\b|Industr|"
    r"Environmental\b|Engineering\b|Investment\b|Equipment\b|Chemical)(?=[A-Z]|the\s)"
)
_OPEN_OF = re.compile(r"\bof\s+[A-Z][\w'’-]*$")
"""An item that ends in "of" and one name word goes on after "and" ("Project of Central and
Local Enterprises")."""


def _items(text: str) -> list[str]:
    """The items of the list ``text`` starts with (``_ITEM_SPLIT``), in order."""
    items: list[str] = []
    start = 0
    for split in _ITEM_SPLIT.finditer(text):
        if (
            split.group().strip() == "and"
            and (
                _OPEN_OF.search(text, start, split.start())
                # in a list of names headed by a project's word, a part without one is no item:
                # "..., Jilin Anyou Biological Project, Changchun Huizhi Printing and Packaging
                # Production Project"
                or (
                    items
                    and all(_HEAD.search(i.strip()) for i in items)
                    and not _HEAD.search(text[start : split.start()].strip())
                )
            )
        ):
            continue
        items.append(text[start : split.start()])
        start = split.end()
    items.append(text[start:])
    return items


_CLAUSE = re.compile(
    rf"\s*(?:,(?!\d){_NOT_LEGAL_FORM}|:|\((?=[\d$])|(?<=[a-z])\.(?=[A-Z])|\bwhich\b|\bwith\b|\binvested\s+by\b|"
    r"\bby\b|\bthat\b|\bwill\b|\bhas\b|\bhave\b|\bare\b|\bis\b|\bwas\b|\bwere\b|\bworth\b|"
    r"\bvalued\s+at\b).*$"
)
_PLACE_TAIL = re.compile(r"\s+in\s+[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,3}$")
_LEAD = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_REFERENCE = re.compile(r"\bof\s+(?:the|this|these|its)\s+projects?$", re.IGNORECASE)
"""A figure of a project named before ("average investment of the project"), not a name."""
_OTHERS = re.compile(r"\bother\s+projects\b", re.IGNORECASE)
_HEAD = re.compile(PROJECT_NOUN.pattern + r"$", re.IGNORECASE)
_BY = re.compile(
    r"\b(?:invested\s+by|built\s+by|by)\s+(?P<owner>[A-Z][\w'’&.-]*(?:\s+[A-Z(][\w'’&.()-]*){0,6})"
)
_POSSESSIVE = re.compile(r"^(?:the\s+)?(?P<owner>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})['’]s\s+")
"""An item's owner: "invested by Ruida Group", "Lanling Chemical's ..."."""
MIN_WORDS = 2
MAX_WORDS = 12


_CLAUSE_TAIL = re.compile(
    r"\s+(?:started|began|commenced|advanced|boasts?|focus(?:es)?|kicked\s+off|broke\s+ground)"
    r"(?:\s+[a-z][\w-]*)*\s*$"
)


def _before_clause(name: str) -> str:
    """``name`` without a clause the model copied after it ("TVZONE Headquarters advanced in
    an orderly", "Lingxiao New Materials started simultaneously"): a verb of progress and
    only lower-case words after it, none of them a project's word ("advanced manufacturing
    base" is a name)."""
    tail = _CLAUSE_TAIL.search(name)
    if tail is None or PROJECT_NOUN.search(tail.group(0)) or not name[: tail.start()].strip():
        return name
    return name[: tail.start()].strip()


def _name(item: str) -> str | None:
    """The project name an item of a list states, or None when it states none."""
    name = _CLAUSE.sub("", item.strip())
    name = _LEAD.sub("", name)
    name = _POSSESSIVE.sub("", name)
    name = _before_clause(_PLACE_TAIL.sub("", name).strip(" .;:"))
    words = name.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not any(c.isalpha() for c in words[0]):
        return None
    if _REFERENCE.search(name) or _OTHERS.search(name):
        return None
    if not name[0].isupper() and not _HEAD.search(name):
        return None  # a lower-case phrase names a project only by its head word
    return name


def _owner(item: str) -> str | None:
    """The company an item names as the project's owner ("Lanling Chemical's ...",
    "... invested by Ruida Group"), when it is a company's name."""
    for pattern in (_POSSESSIVE, _BY):
        found = pattern.search(item.strip())
        if found is not None:
            owner = found.group("owner").strip(" .,")
            return owner if is_enterprise_name(owner) else None
    return None


_ITEM_PLACE = re.compile(
    r"\bin\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|autonomous|county|"
    r"district|city|town|township|village|zone|new\s+area|prefecture)){0,4})"
)
# "In Torch Development Zone, 12 major projects ... including ...": the place that frames the
# sentence.
_FRAME = re.compile(r"^In\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4}),")


def _place(item: str) -> str | None:
    """The place an item of a list puts its project in ("... in Jinan New Area")."""
    found = _PLACE_TAIL.search(item.strip(" .;,"))
    if found is None:
        return None
    place = _ITEM_PLACE.search(found.group())
    return as_region(place.group("place")) if place else None


def _frame(text: str) -> str | None:
    found = _FRAME.match(text.strip())
    return as_region(found.group("place")) if found else None


def _plain_sector(name: str, owner: str | None, text: str) -> str | None:
    """The sector a listed name states ("big data industrial park": "big data"), past the
    Chinese proper names it starts with ("Changjiang Nuclear Power Plant": "nuclear power"),
    in lower case; None when it states none, or when a proper name is left in it (pinyin, an
    acronym) or it runs over three words in title case (EXPERIMENTS row PLS). ``text`` is the
    chunk's, where a proper name is never written in lower case."""
    sector = name_sector(name, [owner] if owner else [], None, text)
    if sector is None:
        return None
    if sector.islower():
        return sector
    words = sector.split()
    if any(is_pinyin(w) or (w.isupper() and len(w) > 1) for w in words) or len(words) > 3:
        return None  # a proper name is left in it
    return sector.lower()


def listed_projects(sentences: Sequence[Sentence]) -> list[Project]:
    """The projects the lists of ``sentences`` (a chunk's) name, each with its sentence as
    evidence, in text order."""
    text = " ".join(s.text for s in sentences)
    found: list[Project] = []
    for sentence in sentences:
        status = stated_status(sentence.text)
        for start in _LIST_START.finditer(sentence.text):
            counted = bool(_COUNTED.search(sentence.text[: start.start()]))
            for item in _items(sentence.text[start.end() :]):
                name = _name(item)
                if name is None:
                    continue
                reason = not_a_project(name)  # a plural item after a count may be one
                if reason is not None and not (counted and reason == PLURAL):
                    continue
                if not (PROJECT_NOUN.search(name) or (counted and name[0].isupper())):
                    continue
                owner = _owner(item) or named_company(name)
                found.append(
                    Project(
                        name=name,
                        sector=_plain_sector(name, owner, text),
                        location=_place(item) or acting_place(sentence) or _frame(sentence.text),
                        capacity=named_capacity(name),
                        enterprises=[owner] if owner else [],
                        status=status,
                        evidence=[
                            Evidence(start=sentence.start, end=sentence.end, text=sentence.text)
                        ],
                    )
                )
    return found


# A project a sentence names by a proper name and a facility's word, in or out of a list:
# "the Datang Gas Power Plant", "Linyi Lingang Quality Steel Production Base". A park or a
# centre is more often a place or an office than a project, so only these heads count.
_NAMED = re.compile(
    r"(?<![\w.])[A-Z][\w&'’-]*(?:[ \t]+(?:[A-Z][\w&'’()-]*|\d[\w,.-]*|of|and|for))*"
    r"[ \t]+(?:Project|Plant|Factory|Base)\b(?!s)"
)
_SENTENCE_WORDS = re.compile(
    r"^(?:(?:The|A|An|As|In|On|At|Of|Among|And|For|With|By|From|To|Its|This|That|Both|Meanwhile)"
    r"\s+)+"
)
# A programme, a meeting, an agreement or a rank named in title case, not a facility: "Provincial
# Government's Major Project", "Strategic Cooperation Project", "Three-Year Action Plan for
# Harbin's Industrial Project".
_PROGRAMME_WORDS = frozenset(
    {
        "major", "key", "deputy", "strategic", "cooperation", "government", "provincial",
        "national", "best", "level", "action", "plan", "meeting", "fund", "surge",
    }
)  # fmt: skip
_UNNAMED_WORDS = frozenset(
    {
        "phase", "i", "ii", "iii", "iv", "v", "ppp", "epc", "bot", "belt", "road", "for", "and",
        "plant", "factory", "base",
    }
)  # fmt: skip
"""Words that leave a project unnamed ("Phase II Project", "PPP Project", "Belt and Road
Project"): a named project has a word beside them and ``entities``' generic words."""
_POSSESSIVE_S = re.compile(r"['’]s?$")
"""A word's possessive ending ("Government's"), which names nothing more."""
_SAME_NAME = 85.0
"""Least rapidfuzz token-set ratio at which a named project is one the chunk already has."""


def named_projects(sentences: Sequence[Sentence], known: Sequence[Project]) -> list[Project]:
    """The projects ``sentences`` name by a proper name ending in "Project", "Plant",
    "Factory" or "Base" (guide P1: a project is named when the text names it) that ``known``
    (the chunk's projects so far) does not already hold under a like name. A small model
    leaves many of these out when a sentence names several things; each found one gets its
    sentence as evidence and the facts its name and sentence state, as a list's item does."""
    names = [normalize_name(p.name) for p in known]
    text = " ".join(s.text for s in sentences)
    found: list[Project] = []
    for sentence in sentences:
        status = stated_status(sentence.text)
        for match in _NAMED.finditer(sentence.text):
            name = _SENTENCE_WORDS.sub("", match.group()).strip()
            words = {_POSSESSIVE_S.sub("", w.lower()) for w in re.findall(r"[\w'’]+", name)}
            if (
                len(name.split()) < MIN_WORDS
                or not name[0].isalpha()  # "In 2023 Project construction ..."
                or not_a_project(name) is not None
                or words & _PROGRAMME_WORDS
                or not words - _UNNAMED_WORDS - GENERIC_WORDS
                or name.count(")") != name.count("(")
            ):
                continue
            key = normalize_name(name)
            if any(fuzz.token_set_ratio(key, other) >= _SAME_NAME for other in names):
                continue
            names.append(key)
            owner = named_company(name)
            found.append(
                Project(
                    name=name,
                    sector=_plain_sector(name, owner, text),
                    location=acting_place(sentence) or _frame(sentence.text),
                    capacity=named_capacity(name),
                    enterprises=[owner] if owner else [],
                    status=status,
                    evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
                )
            )
    return found


# A list of companies: "five automobile manufacturers including FAW-Hongqi, FAW-Jiefang ...",
# "leading aluminum makers like Chinalco Group, Sichuan Qiya and Henan Shenhuo", and in
# brackets: "7 backbone enterprises (such as A, B, etc.)", "two leading enterprises (A and B)".
_COMPANY_LIST = re.compile(
    r"\b(?P<head>(?:[\w-]+\s+){0,4}?(?:enterprises|companies|firms|manufacturers|makers|"
    r"automakers|carmakers|producers|groups|players|giants|developers|leaders))"
    r"(?:\s*,?\s*(?:including|such\s+as|like|namely|(?:include|included)(?=\s+(?-i:[A-Z])))\s+|"
    r"\s*(?P<bracket>\()\s*(?:(?:including|such\s+as|like|namely)\s+|(?-i:(?=[A-Z]))))",
    re.IGNORECASE,
)
# Companies a sentence names as visited or met are no role (guide §3).
_VISIT = re.compile(
    r"\b(?:visit\w*|met\s+with|inspect\w*|talks?\s+with|attend\w*|participat\w*)\b",
    re.IGNORECASE,
)
# Companies a place introduced or that settled there invest in it (guide R3); companies it
# attracted, with no project named, are `other` (decisions b11hub 18, b14northwest 6).
_INVESTING = re.compile(r"\b(?:introduced|settled|signed|landed|invested)\b", re.I)
# Companies a place cooperates or signs an agreement with are its partners (guide R5).
_COOPERATING = re.compile(r"\b(?:cooperat\w*|agreements?|partnerships?)\b", re.I)
MAX_COMPANY_WORDS = 10
_JOINING = frozenset({"of", "and", "&"})
"""Lower-case words inside a company's name ("Bank of China", "Li & Fung")."""


def _proper(item: str) -> str:
    """The proper name an item starts with: its words up to the first lower-case one that is
    no joining word ("Henan Shenhuo chose to settle" is "Henan Shenhuo")."""
    words: list[str] = []
    for word in item.split():
        letters = [c for c in word if c.isalpha()]
        if letters and letters[0].islower() and word not in _JOINING:
            break
        words.append(word)
    while words and words[-1] in _JOINING:
        words.pop()
    return " ".join(words).strip(" .;:")


def listed_companies(sentences: Sequence[Sentence]) -> list[EnterpriseRole]:
    """The companies the lists of ``sentences`` name ("manufacturers including A, B and C",
    "A, B, C and other enterprises"), each a ``chain_leader`` when the list calls them
    leaders ("leading aluminum makers like ..."), an ``investor`` when it calls them
    introduced or settled, else ``other``, with no project and its sentence as evidence."""
    found: list[EnterpriseRole] = []
    trailing: list[EnterpriseRole] = []
    for sentence in sentences:
        if _VISIT.search(sentence.text):
            continue
        trailing.extend(_trailing_roles(sentence))
        for listed in _COMPANY_LIST.finditer(sentence.text):
            head = listed.group("head")
            role = (
                Role.CHAIN_LEADER
                if LEADER_WORDS.search(head)
                else Role.PARTNER
                if _COOPERATING.search(sentence.text[: listed.end()])
                else Role.INVESTOR
                if _INVESTING.search(head)
                else Role.OTHER
            )
            end = sentence.text.find(")", listed.end()) if listed.group("bracket") else -1
            found.extend(
                _list_roles(
                    sentence, listed.end(), role, _listed_company, end=end if end > 0 else None
                )
            )
    return found + trailing


# A list that ends in its head: "Jiusan group, YIHAI KERRY, Coca Cola and other well-known
# enterprises have settled in the zone".
_TRAILING_HEAD = re.compile(
    r",?\s+(?:and|as\s+well\s+as)\s+other\s+(?P<head>(?:[\w-]+\s+){0,3}?"
    r"(?:enterprises|companies|firms|manufacturers|makers|groups|giants))\b",
    re.IGNORECASE,
)


_NO_NAME_START = frozenset(
    {"in", "at", "on", "by", "from", "for", "with", "the", "and", "also", "since", "as", "of"}
)
"""A capitalized first word that opens a phrase, no name ("In Lin-gang", "The zone")."""


def _whole_name(item: str) -> str | None:
    """``item`` when it is a company's name and nothing else: capitalized words, joining
    words and legal forms only ("Jiusan group", "Budweiser InBev"); else None."""
    item = item.strip()
    words = item.split()
    if not words or not words[0][:1].isupper() or words[0].lower() in _NO_NAME_START:
        return None
    for word in words:
        if not (word[:1].isupper() or word in _JOINING or LEGAL_FORM.fullmatch(word)):
            return None
    return item if is_enterprise_name(item) else None


def _trailing_roles(sentence: Sentence) -> list[EnterpriseRole]:
    """The roles of the lists in ``sentence`` that name their companies before their head
    ("A, B and other leading enterprises"): each a ``chain_leader`` when the head calls them
    leaders, else ``other``, with no project and the sentence as evidence. The list is read
    back from its head while every item is a company's name alone."""
    roles: list[EnterpriseRole] = []
    for listed in _TRAILING_HEAD.finditer(sentence.text):
        role = Role.CHAIN_LEADER if LEADER_WORDS.search(listed.group("head")) else Role.OTHER
        names: list[str] = []
        for item in reversed(re.split(r",\s*(?:and\s+)?", sentence.text[: listed.start()])):
            name = _whole_name(item)
            if name is None or len(name.split()) > MAX_COMPANY_WORDS:
                break
            names.append(name)
        evidence = Evidence(start=sentence.start, end=sentence.end, text=sentence.text)
        roles.extend(
            EnterpriseRole(enterprise=n, role=role, evidence=[evidence]) for n in reversed(names)
        )
    return roles


def listed_as_company(name: str, sentences: Sequence[Sentence]) -> bool:
    """Whether a company list of ``sentences`` names ``name`` ("nearly 30 enterprises such as
    Letin Automobile"), or each of the companies ``name`` joins ("Buchang Pharmaceutical and
    Xiuzheng Pharmaceutical"): what the text lists among companies is a company, no project."""
    listed = {normalize_name(r.enterprise) for r in listed_companies(sentences)}
    parts = [normalize_name(p) for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", name)]
    return bool(listed) and all(p and p in listed for p in parts)


def _listed_company(item: str) -> str:
    """The company an item of a company list names ("Henan Shenhuo chose to settle")."""
    return _proper(_LEAD.sub("", _CLAUSE.sub("", item)))


def _list_roles(
    sentence: Sentence,
    start: int,
    role: Role,
    company: Callable[[str], str],
    *,
    end: int | None = None,
) -> list[EnterpriseRole]:
    """A ``role`` with no project for each company the list at ``sentence.text[start:end]``
    names (``company`` reads it from an item), in order, until an item names none; each
    with the sentence as evidence."""
    roles: list[EnterpriseRole] = []
    for item in _items(sentence.text[start:end]):
        name = company(item.strip())
        if not name or not name[0].isupper() or len(name.split()) > MAX_COMPANY_WORDS:
            break  # the list has ended
        if not is_enterprise_name(name) or PROJECT_NOUN.search(name):
            continue
        evidence = Evidence(start=sentence.start, end=sentence.end, text=sentence.text)
        roles.append(EnterpriseRole(enterprise=name, role=role, evidence=[evidence]))
    return roles


# "a joint venture between South Korean carmaker Hyundai Motor Co and Beijing Automotive ...",
# "founded in 2023 as a joint venture between A, B, and C".
_JOINT_VENTURE = re.compile(
    r"\bjoint[\s-]+venture\s+(?:between|of|by|(?:formed|set\s+up|founded)\s+by)\s+", re.I
)
_LOWER = rf"(?!(?:{'|'.join(map(re.escape, sorted(_JOINING)))})\s)[a-z][\w'’-]*"
"""A lower-case word that joins no name ("and", "of" do: "Taiyuan Iron and Steel Group")."""
_DESCRIPTOR = re.compile(rf"^(?:[A-Z][\w'’-]*\s+){{0,2}}(?:{_LOWER}\s+){{1,2}}(?=[A-Z])")
"""What an item says of its company before the name ("South Korean carmaker ")."""


def joint_venture_partners(sentences: Sequence[Sentence]) -> list[EnterpriseRole]:
    """The companies a sentence names as the partners of a joint venture ("a joint venture
    between Sinopec and Kuwait Petroleum Corp"), each a ``joint_venture_partner`` with no
    project and its sentence as evidence (guide §4)."""
    found: list[EnterpriseRole] = []
    for sentence in sentences:
        for venture in _JOINT_VENTURE.finditer(sentence.text):
            found.extend(_list_roles(sentence, venture.end(), Role.JOINT_VENTURE_PARTNER, _partner))
    return found


def _partner(item: str) -> str:
    """The company an item of a joint venture's partners names ("South Korean carmaker
    Hyundai Motor Co")."""
    return _proper(_DESCRIPTOR.sub("", _LEAD.sub("", item)))
