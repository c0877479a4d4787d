"""Is a name a company, is it a project? The guide records roles of companies only and
projects as single undertakings; a small model also names governments, parks, places and
people as enterprises, and batches, places, industries, statistics, companies and whole
clauses as projects.

``is_enterprise_name`` judges a name alone: governments, schools and media are not companies
unless the name also says it is one ("Songhe Industrial Investment Group"), and a name whose
last word is a park, zone or place noun ("Yanshan Industrial Park") is a place whatever
precedes it, and a name that starts with a person's title ("Mayor Yu Hongsheng") is a
person. ``named_as_place`` needs the text too: a bare name it writes as a place's ("Wuxi" beside
"Wuxi City") is no company.

``referent`` reads what "the company" stands for: the last full company name before it.

``not_a_project`` judges a project's name: a count or plural head ("six projects", "major
projects", "20 projects above 100 million yuan") is a batch, whose figures are indicators; a
clause ("15 projects were signed with ...") is a sentence, not a name; a place ("Aksu area"),
an industry or statistic ("photovoltaic industry", "production capacity") is not an
undertaking, and a development zone named alone ("Zhangzhou Development Zone") is a location
(guide §2). (A company's name alone may name its project: the labellers record "DMG MORI
(Pinghu) Manufacturing Co Ltd" as one.)
"""

from __future__ import annotations

import re

from extractor.pipeline.wire import PLACEHOLDERS

__all__ = [
    "EVENT_NOUNS",
    "FRAME_LEAD",
    "GENERIC_WORDS",
    "LEGAL_FORM",
    "PROJECTS_WORD",
    "PROJECT_NOUN",
    "PROVINCES",
    "acting_company",
    "company_of",
    "is_enterprise_name",
    "named_as_place",
    "named_company",
    "names_one_facility",
    "not_a_project",
    "referent",
    "written_name",
]

_GOVERNMENT = re.compile(
    r"\b(government|authorities|bureau|committee|commission|ministry|department|office"
    r"|administration|agency|association"
    r"|people's congress|university|college|school|institute|academy|newspaper|daily|news"
    r"|xinhua\w*|newswire|newsletter|magazine|expat|net\s*$|online\s*$)\b",
    re.I,
)
_PLACE_WORD = re.compile(
    r"\b(municipal|autonomous region|province|prefecture|county|district|city|region|zone)\b",
    re.I,
)
LEGAL_FORM = re.compile(
    r"\b(co\.?|company|corp\.?|corporation|group|ltd\.?|limited|inc\.?|holdings?)(?![\w-])", re.I
)
"""A company's legal form in its name ("Co., Ltd.", "Group")."""
PROVINCES = frozenset(
    [
        "anhui", "beijing", "chongqing", "fujian", "gansu", "guangdong", "guangxi", "guizhou",
        "hainan", "hebei", "heilongjiang", "henan", "hubei", "hunan", "inner", "mongolia",
        "jiangsu", "jiangxi", "jilin", "liaoning", "ningxia", "qinghai", "shaanxi", "shandong",
        "shanghai", "shanxi", "sichuan", "tianjin", "tibet", "xinjiang", "yunnan", "zhejiang",
        "china",
    ]
)  # fmt: skip
"""China and its provinces, autonomous regions and municipalities: a name made only of these
names a place."""
_COMPANY = re.compile(
    r"\b(co\.|company|corp|corporation|group|ltd|limited|inc|holdings?|technology|tech"
    r"|industr(?:y|ies)|energy|motors?|electric|materials?|semiconductor|investment)\b",
    re.I,
)
_PLACE_HEAD = re.compile(
    r"\b(park|parks|area|zone|cluster|district|county|city|province|town|village|port"
    r"|new area|base)\s*$",
    re.I,
)
PROJECT_NOUN = re.compile(
    r"\b(project|base|plant|factory|facility|line|station|cent(?:er|re)|park|phase|mill"
    r"|headquarters|hub|campus|workshop|industrial city)s?\b",
    re.I,
)
"""Words that make a name a project's ("base", "plant", "line" ...)."""
PROJECTS_WORD = re.compile(r"\bprojects?\b", re.IGNORECASE)
"""The word "project(s)": a statistic that names it counts or sums projects."""

_TITLES = (
    r"mayor|vice mayor|deputy mayor|governor|secretary|party secretary|director|chairman"
    r"|chairwoman|president|vice president|general manager|manager|head|chief|ceo|founder"
    r"|minister|professor|engineer|researcher|spokesperson|spokesman|official|deputy"
)
_TITLE_FIRST = re.compile(rf"^(?:{_TITLES})\b", re.I)
_SURNAMES = frozenset(
    [
        "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu",
        "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie",
        "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong",
        "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding",
        "ren", "shen", "yao", "jin", "fan", "fang", "shi", "tan", "jia", "xia", "fu", "qin",
        "qiu", "hou", "bai", "kong", "mao", "duan", "lei", "hao", "gu", "long", "wan", "qian",
        "tao", "yin", "yan", "niu", "meng",
    ]
)  # fmt: skip
"""Common Chinese surnames in pinyin: "Sun Jian" is a person, not a company."""
_SYLLABLE = (
    r"(?:er|(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu"
    r"|ua|uo|ui|ue|a|o|e|i|u|v))"
)
_GIVEN_NAME = re.compile(rf"(?:{_SYLLABLE}){{1,2}}")
# A comma that does not start a legal form ("Co., Ltd.") separates two names: a list.
_LIST = re.compile(r",(?!\s*(?:ltd|limited|inc|llc|co)\b)", re.I)
_GROUP = re.compile(r"\b(?:enterprises|companies|firms|investors|SOEs)$", re.I)
"""A name ending in a plural of "company" names a kind of companies ("State-owned
enterprises", "Fortune Global 500 Enterprises"), no one company, unless it has a legal
form ("... Enterprises Co., Ltd.")."""


_TITLE_LAST = re.compile(rf"\b(?:{_TITLES})$", re.I)
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Madam|Dr)\.?\s+(?P<name>[A-Z].*)$")
"""A courtesy title before a name: "Mr He", "Ms Chen Li" (``_courtesy``)."""


def _titled_person(words: list[str]) -> bool:
    """A person's name, alone or after a title ("Project Manager Zhu Wencai")."""
    if _is_person(words):
        return True
    return _TITLE_LAST.search(" ".join(words[:-2])) is not None and _is_person(words[-2:])


def _courtesy(name: str) -> bool:
    """A person named the way fluent English names one: a courtesy title and a surname ("Mr
    He", "Dr. Wang") or a Chinese full name ("Ms Chen Li"); "Dr. Reddy's Laboratories" is a
    company."""
    found = _HONORIFIC.match(name.strip())
    if found is None:
        return False
    words = found.group("name").split()
    return len(words) == 1 or _is_person([w.lower() for w in words])


def _is_person(words: list[str]) -> bool:
    """A pinyin surname and a given name of one or two syllables, and nothing else; or a
    surname alone ("Zhang said ..."), as a text refers to a person it named before."""
    if len(words) == 1:
        return words[0] in _SURNAMES
    return len(words) == 2 and words[0] in _SURNAMES and bool(_GIVEN_NAME.fullmatch(words[1]))


_NUMERAL = re.compile(r"\(?[IVXivx]{1,4}[.)]?")


def is_enterprise_name(name: str) -> bool:
    """False for names of governments, schools, media, places, parks, people and lists.
    A government or school is a company only with a legal form ("... Group", "... Co., Ltd."),
    a place-like name also with a word of trade ("Songhe Industrial Investment Group")."""
    words = re.findall(r"[a-z]+", name.lower())
    if not words or _PLACE_HEAD.search(name) or _TITLE_FIRST.search(name.strip()):
        return False
    if _NUMERAL.fullmatch(name.strip()):
        return False  # a section's number ("II.") names no one
    if not LEGAL_FORM.sub(" ", name).strip(" .,&()"):
        return False  # a legal form alone ("Co., Ltd." on a line of its own) names no one
    if not any(c.isupper() for c in name) and not LEGAL_FORM.search(name):
        return False  # a company's name is a proper name: "polylactic acid" is a product
    if set(words) <= PROVINCES | {"province", "the", "of"} or _titled_person(words):
        return False
    if _courtesy(name):
        return False
    if _LIST.search(name) or (_GROUP.search(name) and not LEGAL_FORM.search(name)):
        return False
    if _GOVERNMENT.search(name):
        return bool(LEGAL_FORM.search(name))
    return bool(_COMPANY.search(name)) or not _PLACE_WORD.search(name)


_PLACE_SUFFIX = (
    r"\s+(?:City|District|County|Province|Municipality|Prefecture|New Area|New District)\b"
)


_NAME_WORD = re.compile(r"[A-Za-z][\w'’-]{2,}")


def written_name(name: str, document: str) -> bool:
    """Whether ``document`` writes some word of ``name`` (of three letters or more, case
    aside): a company the text never names is the model's, taken from its prompt's example
    ("Midea Group", "Shanshan" in an article about neither). A name with no such word is
    given the benefit of the doubt."""
    words = _NAME_WORD.findall(name)
    return not words or any(
        re.search(rf"\b{re.escape(w)}\b", document, re.IGNORECASE) for w in words
    )


def named_as_place(name: str, document: str) -> bool:
    """True for a name without a company's word that ``document`` writes as a place's
    ("Wuxi" where the text has "Wuxi City"): a place is no company, whatever a model calls it.
    """
    name = name.strip()
    if not name or _COMPANY.search(name):
        return False
    return re.search(re.escape(name) + _PLACE_SUFFIX, document) is not None


_COUNT_START = re.compile(
    r"^(?:a total of |total of |the |work of |a number of |dozens of |several |many )?"
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens|several|many)\b",
    re.I,
)
_BATCH_HEADS = frozenset(
    {"projects", "parks", "clusters", "bases", "plants", "enterprises", "companies", "lines"}
)
_NOT_PROJECT_HEADS = frozenset(
    {
        "industry", "industries", "investment", "capacity", "production", "output", "value",
        "revenue", "revenues", "income", "consumption", "jobs", "cooperation", "needs",
        "technology", "process",
        "city", "prefecture", "area", "county", "district", "province", "region", "town",
        # an industry's shape or a policy, not a facility ("EV battery supply chain", "NEV
        # industry ecosystem", "new type industrialization", "regional GDP", "joint venture")
        "chain", "chains", "ecosystem", "industrialization", "agglomeration", "supply",
        "support", "gdp", "economy", "venture", "restructuring", "sector",
        "development", "boom", "layout", "optimization", "fund", "financing",
        # a statistic's head ("investment completion rate")
        "rate", "rates", "ratio", "share", "proportion", "growth",
    }
)  # fmt: skip
_STATISTIC_START = re.compile(
    r"(?:the\s+)?(?:(?:number|share|proportion|total\s+investment|amount|(?:total\s+|annual\s+)?"
    r"(?:sales\s+revenue|output\s+value|operating\s+income|revenue|added\s+value))\s+of|"
    r"investments?\s+(?:in|from|of|during|for))\s",
    re.I,
)
"""A statistic's name ("number of projects involving ...", "investment in Yanchi",
"investment from January to April") names no undertaking."""
_AUTHORITY_HEADS = frozenset(
    {"committee", "commission", "government", "bureau", "office", "department", "ministry",
     "authorities", "university", "college", "school", "institute", "academy", "administration",
     "agency", "association", "federation", "chamber", "council"}
)  # fmt: skip
"""Heads of an authority's, a trade body's or a school's name ("equipment park management
committee", "China Construction Machinery Industry Association")."""
_ZONE = re.compile(r"\b(industrial|cluster|development|demonstration) (area|zone)\b", re.I)
_PERSON_HEADS = frozenset(
    {"leader", "leaders", "manager", "director", "chairman", "official", "officials", "mayor",
     "secretary", "engineer", "worker", "workers"}
)  # fmt: skip
_NAMED_ZONE = re.compile(
    r"(?:\b(?:development|high-tech|hi-tech|high\s+technology|economic|technological|new)\s+"
    r"(?:zone|area|district)|\bfree\s+trade\s+(?:port|zone)|\bpilot\s+(?:free\s+trade\s+)?zone|"
    r"\bFTZ|\bFTP)\s*(?:\([^)]*\))?\s*$",
    re.I,
)
_CLAUSE_VERB = re.compile(
    r"\b(is|are|was|were|has|have|had|been|will|would|settled|signed|started|reached|continue"
    r"|focus|focusing|revolving)\b",
    re.I,
)


GENERIC_WORDS = frozenset(
    {
        "project", "projects", "construction", "investment", "investments", "implementation",
        "landing", "new", "major", "key", "big", "large", "the", "this", "that", "these",
        "those", "time", "at", "of", "in", "on", "a", "an", "its", "their", "first", "second",
        "third", "fourth", "fifth", "sixth", "initiated", "started", "launched", "signed",
        "commenced", "landed", "settled", "ceremony", "groundbreaking", "commencement",
        "signing", "kick-off", "kickoff", "work", "works", "progress", "development",
        "industrial", "industry",
    }
)  # fmt: skip
"""Words that say a project is meant without saying which ("new project", "project landing
construction", "major projects initiated at this time")."""

BATCH = "a batch of projects"
GENERIC = "a generic phrase: no word says which project"
PRODUCT = "a product or a phrase: no project word and no proper name"
PLURAL = "a kind of facility or product: a plural names no one project"
EVENT = "an event: a ceremony or meeting is held, not built"
DATE = "a date: a time names no project"
_DATE = re.compile(
    r"(?:(?:in|on|by|since|from|during|until|the|of|early|late|mid|end)\s+)*"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*(?:\d{1,2}\w*)?,?\s*)?"
    r"(?:(?:19|20)\d\d)?",
    re.IGNORECASE,
)
EVENT_NOUNS = frozenset(
    {
        "ceremony", "conference", "forum", "fair", "expo", "meeting", "summit", "exhibition",
        "event", "seminar", "convention", "symposium",
    }
)  # fmt: skip
"""Head nouns of events: a ceremony or meeting is held, not built, and is no place."""

_PLURAL = re.compile(r"[a-z][a-z-]*[^su]s")
_SINGULAR_S = frozenset({"headquarters", "works", "series", "premises"})
_POST_MODIFIER = re.compile(
    r"\s(?:for|of|with|covering|in|at|by|on|from|to|which|that|worth|featuring|including)\s.*$"
)


def _headed(name: str) -> str:
    """``name`` without its post-modifier ("base for new building materials": "base")."""
    return _POST_MODIFIER.sub("", name.strip())


def _head(name: str) -> str:
    """The noun that heads ``name``: its last word before a post-modifier ("base for new
    building materials" is headed by "base"); "" for no word."""
    words = re.findall(r"[\w'-]+", _headed(name))
    return words[-1] if words else ""


_FACILITY_HEADS = frozenset(
    {"project", "plant", "station", "factory", "expressway", "railway", "base", "port", "mine",
     "airport", "terminal", "park", "workshop", "hospital", "center", "centre", "school",
     "company"}
)  # fmt: skip
_COMPANY_END = re.compile(r"\b(?:Co\.?,?\s*(?:Ltd|LTD|Limited)\.?|Inc\.?|Corp\.?)\s*$")


def names_one_facility(name: str) -> bool:
    """Whether ``name`` is headed by one facility or company ("G360 Wenchang-Lingao
    Expressway project", "Datang Gas Power Plant", "investment per project", "zero-carbon
    demonstrative industrial park", "Heilongjiang Tobacco Industrial Co Ltd"): what it
    measures is one project's or one company's, never a statistic so named (no gold indicator
    of the dev set or the seeds is so named)."""
    return _head(name).lower() in _FACILITY_HEADS or bool(_COMPANY_END.search(_headed(name)))


def _plural(head: str) -> bool:
    """True when ``head``, a name's head noun, is a lower-case plural ("factory buildings",
    "5G base stations")."""
    return bool(_PLURAL.fullmatch(head)) and head not in _SINGULAR_S


_THE_COMPANY = re.compile(r"^(?:the|this|that)\s+(?:company|group|enterprise|firm)$", re.I)
_FULL_COMPANY = re.compile(
    r"\b[A-Z][\w&'’-]*(?:\s+(?:and\s+)?[A-Z(][\w&'’()-]*){0,6}\s+"
    r"(?:Co\.?,?\s*Ltd\.?|Co\.|Company|Group|Corporation|Corp\.|Limited|Inc\.)"
)


def referent(name: str, document: str, before: int) -> str | None:
    """The company "the company" stands for: the last full company name (with a legal form)
    that ``document`` writes before offset ``before``; None when it names none. Any other
    name is its own referent."""
    if not _THE_COMPANY.match(name.strip()):
        return name
    return _last_company(document, before)


def _last_company(document: str, before: int) -> str | None:
    """The last full company name (with a legal form) ``document`` writes before ``before``."""
    names = [m.group(0) for m in _FULL_COMPANY.finditer(document, 0, before)]
    return names[-1].strip() if names else None


FRAME_LEAD = (
    r"(?:(?:On|In|By|As\s+of|During|From|Since|Last|This)\s+[^,]{1,60},\s+|"
    r"(?:Meanwhile|Moreover|Besides|In\s+addition|At\s+present|Currently),\s+)"
)
"""What opens a sentence before its subject: a time or frame ("In 2023, ", "On April 19, ")."""
_FRAME_LEAD = re.compile("^" + FRAME_LEAD)
_THE_COMPANY_SUBJECT = re.compile(
    r"^(?:the|this)\s+(?:company|enterprise|group|firm)\b(?!['’]s\s+(?:park|zone|area))",
    re.IGNORECASE,
)
_IT_SUBJECT = re.compile(r"^its?\b", re.IGNORECASE)
_BASED = re.compile(r"^(?:[A-Z][\w'’-]*\s+)?[A-Z][\w'’]*-based\s+")


def acting_company(
    sentence: str, document: str, before: int, *, pronouns: bool = True
) -> str | None:
    """The company a sentence is about when a company is its subject: "the company" (or
    "the enterprise", "the group") for the last full company name (legal form, "Group",
    "Company") ``document`` writes before offset ``before`` ("The company reported an output
    value of 50 billion yuan"); with ``pronouns``, also "it" and "its" for that name, and a
    full company name that opens the sentence. A leading time or frame ("In 2023, ") is
    passed over, and so is what locates the company ("Hami-based"). None when the subject is
    no company."""
    lead = _FRAME_LEAD.sub("", sentence.strip())
    if _THE_COMPANY_SUBJECT.match(lead) or (pronouns and _IT_SUBJECT.match(lead)):
        named = _last_company(document, before)
        return _BASED.sub("", named) if named else None
    opening = _FULL_COMPANY.match(lead) if pronouns else None
    return _BASED.sub("", opening.group(0).strip()) if opening else None


def not_a_project(name: str) -> str | None:
    """Why ``name`` names no single project, or None when it may name one."""
    words = re.findall(r"[\w'-]+", name.lower())
    if not words or name.strip().lower() in PLACEHOLDERS:
        return "no name"
    if _DATE.fullmatch(name.strip()):
        return DATE
    head = words[-1]
    counted = _COUNT_START.search(name.strip()) and _BATCH_HEADS.intersection(words)
    if counted or head in _BATCH_HEADS:
        return BATCH
    if len(words) > 3 and _CLAUSE_VERB.search(name):
        return "a clause, not a name"
    if _STATISTIC_START.match(name.strip()):
        return "a place, an industry or a statistic"
    if _titled_person(re.findall(r"[a-z]+", name.lower())) or head in _PERSON_HEADS:
        return "a person"
    if head in _AUTHORITY_HEADS and not LEGAL_FORM.search(name):
        return "a government, a trade body or a school"
    if set(words) <= GENERIC_WORDS:
        return GENERIC
    noun = _head(name)
    if _plural(noun):
        return PLURAL
    if noun.lower() in EVENT_NOUNS:
        return EVENT
    if _NAMED_ZONE.search(name) and not PROJECT_NOUN.search(name):
        return "a zone: a location (guide §2)"
    if PROJECT_NOUN.search(name) or _ZONE.search(name):
        return None
    if head in _NOT_PROJECT_HEADS:
        return "a place, an industry or a statistic"
    if not any(c.isupper() for c in name):
        return PRODUCT
    return None


_FACILITY_TAIL = re.compile(
    r"\b(?:plant|plants|factory|factories|station|stations|base|bases|mill|mills|center|centre"
    r"|line|lines|project|projects|phase|headquarters|workshops?|facility|facilities)"
    r"(?:\s+(?:[IVX]+|\d+))?\s*(?:\([^)]*\))?$",
    re.IGNORECASE,
)
_BUILDING_TAIL = re.compile(r"\bconstruction$")
"""Lower case only: "Gansu Fourth Construction" is a builder's name, "... power plant
construction" a work."""
_PROJECT_TAIL = re.compile(r"\bproject\s*(?:\([^)]*\))?$", re.IGNORECASE)
"""A name ending in "Project" names a project even with a legal form inside it ("... Holdings
... Industrial Park Project")."""
_OWNER = re.compile(r"^(?P<owner>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,5})['\u2019]s\s+\S")


def company_of(name: str) -> str | None:
    """The company a name the model gives as one names: ``name`` itself, unless it ends in a
    facility word without a legal form ("Guangdong Gas Power Plant", "... Base Project (Phase
    I)"), or its head before a post-modifier does ("commercial complex project on the west side
    of Xinmin Lane"), which names a facility, not its owner; then its possessive owner ("Pearl River
    Bridge's new condiments production project": "Pearl River Bridge") when that is a
    company's name, else None. No gold company is named so (EXPERIMENTS row FE2)."""
    head = _headed(name)
    facility = any(t.search(n) for t in (_FACILITY_TAIL, _BUILDING_TAIL) for n in (name, head))
    project = _PROJECT_TAIL.search(name) or _PROJECT_TAIL.search(head)
    if not project and (not facility or LEGAL_FORM.search(name)):
        return name
    owner = _OWNER.match(name)
    if owner is not None and is_enterprise_name(owner.group("owner")):
        return owner.group("owner")
    return None


# A company's name ends in its legal form: "Co., Ltd.", "Co Ltd", "Corp.", "Group", "Inc.".
_FORM_END = (
    r"(?:Co\.?,?\s*(?:Ltd|LTD|Limited)\.?|Co\.?|Corp(?:oration)?\.?|Group|Company|Inc\.?"
    r"|Limited|Holdings?)"
)
_PROPER_WORDS = r"[A-Z][\w&'\u2019-]*(?:\s+(?:\([^)]*\)|[A-Z&][\w&'\u2019.-]*|and|of|&)(?=\s))*"
# "Henan Yingtang Electric Co., LTD. Electrical equipment production project": the company
# first, then what it builds.
_COMPANY_FIRST = re.compile(rf"^(?P<company>{_PROPER_WORDS}\s+{_FORM_END})\s+\S")
# "biomedical project of Jiangyin USUN Pharmaceutical Co., Ltd.": the company last.
_COMPANY_LAST = re.compile(rf"\bof\s+(?:the\s+)?(?P<company>{_PROPER_WORDS}\s+{_FORM_END})\s*$")


def named_company(name: str) -> str | None:
    """The company a project's name states (the guide: an enterprise named only inside the
    project's name is listed too): one with its legal form before what it builds ("Henan
    Yingtang Electric Co., LTD. Electrical equipment production project") or after "of" at
    its end ("biomedical project of Jiangyin USUN Pharmaceutical Co., Ltd."); else None."""
    for pattern in (_COMPANY_FIRST, _COMPANY_LAST):
        found = pattern.search(name)
        if found is not None and is_enterprise_name(found.group("company")):
            return found.group("company")
    return None
