"""The place that acts in a sentence: "Hechi signed five projects", "On April 19, Changsha
City held a ceremony", "East China's Fujian launched 236 key projects".

A batch of projects belongs to the place that signs, starts or launches it; the place is the
sentence's subject, named before its verb. The model often gives a batch figure another place
of the sentence (the partner region, the province around the city, the venue). ``acting_place``
reads the subject of a sentence; ``framing_place`` that of the nearest earlier sentence of its
paragraph that has one (the paragraph's frame, as for periods), for a sentence that names no
place of its own. A company, a pronoun or a title is no place.

``figure_place`` places a figure by these (then by the chunk's other figures), and ``placed``
gives each indicator that names neither a place nor a company one, else the document's first
acting place (``document_place``); one still without is left out, since the guide never leaves
both empty (EXPERIMENTS row RD). A company's name is no region: the model writes one there for
the company's own figures ("sales", "operating income"), which the guide gives the company as
``enterprise``, and for the batches a company's paragraph mentions ("total investment of
projects signed"), which are the place's (EXPERIMENTS row RE). A province the text writes
only to say where a smaller place is ("Tangshan in China's Hebei Province") is not what a
figure is about: ``narrower_place`` gives the smaller place instead (EXPERIMENTS row PRV).
A figure whose sentence's subject is a company ("The company reported an output value of 50
billion yuan") is that company's: ``placed`` gives it the company as enterprise and no region
(``entities.acting_company``, EXPERIMENTS row CFD).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from extractor.pipeline.abroad import is_abroad
from extractor.pipeline.anchor import as_region
from extractor.pipeline.chunk import Sentence, earlier_in_paragraph, split_sentences
from extractor.pipeline.entities import (
    EVENT_NOUNS,
    FRAME_LEAD,
    LEGAL_FORM,
    PROJECTS_WORD,
    acting_company,
)
from extractor.pipeline.pinyin import is_pinyin
from extractor.records import Indicator

__all__ = [
    "acting_place",
    "document_place",
    "figure_place",
    "framing_place",
    "named_place",
    "narrower_place",
    "placed",
    "spelled_out",
    "without_medium",
    "without_province",
]

_VERB = (
    r"(?:signed|launched|started|began|kicked\s+off|broke\s+ground|introduced|attracted|"
    r"implemented|promoted|invested|completed|unveiled|held|(?:has|have|had|will)\s+"
    r"(?:\w+\s+)?(?:signed|launched|started|begun|introduced|attracted|implement|promote|"
    r"completed|held|start|launch|sign))\b"
)
_LEAD = rf"{FRAME_LEAD}?"
_WHERE = r"(?:(?:East|West|North|South|Northeast|Northwest|Southeast|Southwest|Central)\s+)?"
"""A direction before "China's" ("Central China's Henan")."""
_DIRECTION = rf"(?:{_WHERE}China['’]s\s+)?"
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
        "which", "that", "those", "what", "who", "each", "both", "such",
    }
)  # fmt: skip


_OPENERS = frozenset(
    {
        "new", "newly", "last", "next", "other", "many", "some", "most", "several", "local",
        "major", "key", "foreign", "domestic", "total", "also", "then", "now", "recently",
        "currently", "previously", "later", "earlier", "so", "thus", "together", "jointly",
    }
)  # fmt: skip
"""Words that open a sentence with a capital but name no place ("New invested ... had put
into production")."""


def _subject(text: str) -> str | None:
    match = _SUBJECT.match(text.strip())
    if match is None:
        return None
    name = match.group("name")
    if name.split()[0].lower() in _NOT_PLACES or LEGAL_FORM.search(name):
        return None
    if name.lower() in _OPENERS:  # a capital only because it opens the sentence
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


def figure_place(
    sentences: Sequence[Sentence], sentence: Sentence, indicators: Sequence[Indicator]
) -> str | None:
    """The place that acts in ``sentence``, else the region of an indicator of it, else the
    place that acts in its paragraph, else the region the indicators name most (a company's
    name or a place noun alone is no region)."""
    acting = acting_place(sentence)
    if acting is not None:
        return acting
    places = [i for i in indicators if as_region(i.region) and not _bare(i.region)]
    for indicator in places:
        if any(e.start == sentence.start for e in indicator.evidence):
            return indicator.region
    framing = framing_place(sentences, sentence)
    if framing is not None:
        return framing
    named = Counter(i.region for i in places)
    return named.most_common(1)[0][0] if named else None


# A place noun alone names no place: "the province", "our district", "the entire region" (the
# guide resolves it to the place the text makes plain).
_BARE_PLACE = re.compile(
    r"(?:the\s+|our\s+|this\s+)?(?:(?:whole|entire)\s+)?(?:province|city|county|district|region|"
    r"area|zone|prefecture|autonomous\s+region|municipality|town)",
    re.IGNORECASE,
)


# The country is no region of a regional figure: "one in every 10 cars manufactured in China",
# "a quarter of the national total" name the whole a region's figure is compared with.
_COUNTRY = re.compile(
    r"(?:the\s+)?(?:China|country|nation|Chinese\s+mainland|mainland\s+China)", re.I
)

_MEDIUM = re.compile(
    r"\s+(?:WeChat|Weibo|Official\s+Account|Daily|News|Xinhua|Net|Times|Reporter|Radio|TV|"
    r"Television)\b|\s+\d{4}-\d{1,2}-\d{1,2}\b",
    re.IGNORECASE,
)


def _bare(region: str | None) -> bool:
    """True for no region, a place noun alone, lower-case words alone ("provinces",
    "provincial level", "development zones"), a medium alone ("Xinhua"), an event ("... regional
    cooperation meeting", where a batch was signed) or the country ("China"): none of them
    names the place a regional figure is about."""
    return (
        not region
        or bool(_BARE_PLACE.fullmatch(region.strip()))
        or not any(c.isupper() for c in region)
        or bool(_MEDIUM.fullmatch(f" {region.strip()}"))
        or region.split()[-1].lower() in EVENT_NOUNS
        or _COUNTRY.fullmatch(region.strip()) is not None
    )


# "Tangshan in China's Hebei Province", "Ruzhou, Central China's Henan province", "the park of
# Laibin City in south China's Guangxi": a province written after a smaller place, to say where
# that place is.
_LOCATED = (
    r"(?P<place>(?!The\s)[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,3}}(?:\s+(?:city|county|district))?)"
    rf"(?:(?:,\s+|\s+in\s+)(?i:{_DIRECTION})|\s+of\s+(?i:{_WHERE}China['’]s\s+))"
    r"{core}$"
)
_PEOPLES = r"Zhuang|Hui|Uygur|Uyghur"
"""The peoples an autonomous region's name carries ("Guangxi Zhuang Autonomous Region")."""
_PROVINCE_WORDS = re.compile(
    rf"^{_WHERE}China['’]s\s+|\s+(?:province|(?:{_PEOPLES})?\s*autonomous\s+region)$",
    re.IGNORECASE,
)
_PROVINCES = frozenset(
    {
        "anhui", "beijing", "chongqing", "fujian", "gansu", "guangdong", "guangxi", "guizhou",
        "hainan", "hebei", "heilongjiang", "henan", "hubei", "hunan", "inner mongolia",
        "jiangsu", "jiangxi", "jilin", "liaoning", "ningxia", "qinghai", "shaanxi", "shandong",
        "shanghai", "shanxi", "sichuan", "tianjin", "tibet", "xizang", "xinjiang", "yunnan",
        "zhejiang",
    }
)  # fmt: skip
_NAME_GOES_ON = re.compile(rf"\s+(?!(?:Province|Autonomous|{_PEOPLES})\b)[A-Z]")


_PROVINCE_TAIL = re.compile(
    r",\s*(?P<province>[A-Za-z ]+?)(?:\s+(?:province|zhuang\s+autonomous\s+region|"
    r"hui\s+autonomous\s+region|autonomous\s+region))?$",
    re.IGNORECASE,
)


def without_province(region: str) -> str | None:
    """The place a region names before the province that locates it ("Guazhou, Gansu",
    "Cangzhou City, Hebei Province": "Guazhou", "Cangzhou City"); None when it has no such
    tail."""
    tail = _PROVINCE_TAIL.search(region)
    if tail is None or tail.group("province").strip().lower() not in _PROVINCES:
        return None
    head = region[: tail.start()].strip()
    return head if head and "," not in head and " and " not in head else None


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_DEFINED = (
    r"(?P<name>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|and|of|for|the|&)){{1,9}})"
    r"\s*\(\s*{acronym}\s*\)"
)
_BRACKETED_ACRONYM = re.compile(r"\s*\(\s*[A-Z]{2,6}\s*\)$")


def without_medium(region: str) -> str | None:
    """The place a region names before a medium or a date that a byline gave it ("Shenyang
    WeChat Official Account 2023-03-02": "Shenyang"); None when it names none: a medium is no
    place."""
    medium = _MEDIUM.search(region)
    if medium is None:
        return None
    head = region[: medium.start()].strip(" ,-")
    return head if head and head[0].isupper() else None


def spelled_out(region: str, document: str) -> str | None:
    """The full name of a region the model writes as the acronym the document defines in
    brackets: "Beijing Economic and Technological Development Area" for "BDA" where the text
    writes "the Beijing Economic and Technological Development Area (BDA)", and for that
    name with its acronym still in brackets; None for any other region."""
    name = region.strip()
    bracketed = _BRACKETED_ACRONYM.search(name)
    if bracketed is not None:
        return name[: bracketed.start()].strip() or None
    if not _ACRONYM.fullmatch(name):
        return None
    defined = re.search(_DEFINED.format(acronym=re.escape(name)), document)
    if defined is None:
        return None
    words = defined.group("name").split()
    while words and words[0].lower() in {"the", "and", "of", "for"}:
        words = words[1:]
    return " ".join(words) if len(words) > 1 else None


def narrower_place(region: str, document: str) -> str | None:
    """The one smaller place that every mention of ``region``, a province, in ``document``
    locates: "Tangshan" for "Hebei Province" when the text writes the province only in
    "Tangshan in China's Hebei Province". None when the text also names ``region`` on its
    own, or locates more than one place with it (a headline's short name, "Auto city", is
    the body's "Changchun International Auto City"). ``region`` starting another name
    ("Henan Hongxiang Bio-Technology Co") is no mention of it."""
    core = _PROVINCE_WORDS.sub("", region.strip())
    if core.lower() not in _PROVINCES:
        return None
    located = re.compile(_LOCATED.format(core=re.escape(core)))
    places: set[str] = set()
    for mention in re.finditer(rf"\b{re.escape(core)}\b", document, re.IGNORECASE):
        if _NAME_GOES_ON.match(document, mention.end()):
            continue
        line_start = document.rfind("\n", 0, mention.start()) + 1
        match = located.search(document, line_start, mention.end())
        if match is None or match.group("place").split()[0].lower() in _NOT_PLACES:
            return None
        places.add(match.group("place"))
    longest = max(places, key=len, default=None)
    if longest is None or any(not longest.lower().endswith(p.lower()) for p in places):
        return None
    return longest


_PLACE_NOUNS = r"(?:City|County|District|Port|Town|Township|New\s+Area|New\s+District)"


def named_place(name: str, document: str) -> str | None:
    """The place a project's name opens with ("Changchun Jinyi Trading Project": "Changchun",
    "Feizhang District 718 New Materials Industrial Park": "Feizhang District"): a Chinese
    proper name (``pinyin.is_pinyin``) that ``document`` also writes as a place ("in
    Changchun", "Changchun City"), with the place noun the name gives it. None when the name
    opens with no such word; a brand ("Mingyang Smart Energy Project") is written as no place.
    Guide: a project's location is the most specific place stated (EXPERIMENTS row NPL2)."""
    first = re.match(r"[A-Z][\w'’-]*", name.strip())
    if first is None or not is_pinyin(first.group()):
        return None
    word = re.escape(first.group())
    as_place = re.compile(
        rf"\b(?i:in|at)\s+(?:the\s+)?{word}\b(?!\s+(?:Group|Co\b|Company|Corporation))|"
        rf"\b{word}(?:['’]s)?\s+{_PLACE_NOUNS}\b|\b{word}\s+(?:city|county|district|province|port)\b"
    )
    if as_place.search(document) is None:
        return None
    named = re.match(rf"{word}(?:\s+{_PLACE_NOUNS})?", name.strip())
    return named.group() if named else None


_THE_PLACE = re.compile(r"\b(?:the|this)\s+(?P<noun>city|county|district)\b", re.IGNORECASE)
_NAMED_PLACE = (
    r"(?<![\w'’-])(?!The\s)(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,2}}\s+(?i:{noun}))\b"
)


def referred_place(region: str, sentence: str, before: str) -> str | None:
    """The place "the city", "the county" or "the district" of ``sentence`` refers to, for an
    indicator the model gave a province (``region``): the last place of that kind named in
    ``before`` (the document up to the sentence: "Wuwei city is ... The city saw 24 ...
    projects"). None when ``region`` is no province, the sentence names the province itself
    or writes no such noun phrase, or no such place is named before it."""
    core = _PROVINCE_WORDS.sub("", region.strip())
    if core.lower() not in _PROVINCES or re.search(rf"\b{re.escape(core)}\b", sentence, re.I):
        return None
    the = _THE_PLACE.search(sentence)
    if the is None:
        return None
    named = re.compile(_NAMED_PLACE.format(noun=the.group("noun").lower()))
    places = [m.group("place") for m in named.finditer(before)]
    return places[-1] if places else None


def placed(
    indicators: Sequence[Indicator],
    sentences: Sequence[Sentence],
    document: str,
    warnings: list[str] | None = None,
) -> list[Indicator]:
    """``indicators`` (a chunk's, ``sentences`` its sentences, of ``document``) with a place
    for each that names neither a region nor an enterprise, or only a place noun ("the
    province", "our district"): ``figure_place`` of its first sentence, else the place that
    acts first in the document. A figure is always some place's or some company's (the guide
    sets region null only for a company's figure, and resolves "the city" to the place the
    text makes plain), so one that no place can be found for could not be right, and is left
    out, with a line in ``warnings`` (EXPERIMENTS row NPL: the commonest region of the
    document's other figures is not its place either). A province written only to locate a
    smaller place gives way to it (``narrower_place``), and so does one given to a figure
    whose sentence speaks of "the city" or "the county" named before it
    (``referred_place``). A figure whose region is another country ("Japan", "the US") is
    no statistic of a place in China and is left out too (``abroad``)."""
    indicators = [_company_out_of_region(i) for i in indicators]
    out: list[Indicator] = []
    for indicator in indicators:
        sentence = _first_sentence(indicator, sentences)
        company = _the_company(indicator, sentence, document)
        if company is not None:
            out.append(_the_companys(indicator, company))
            continue
        if indicator.region and not _bare(indicator.region):
            narrower = (
                _referred(indicator, sentence, document)
                or without_medium(indicator.region)
                or spelled_out(indicator.region, document)
                or narrower_place(indicator.region, document)
                or without_province(indicator.region)
            )
            out.append(indicator.model_copy(update={"region": narrower}) if narrower else indicator)
            continue
        if indicator.enterprise or not indicator.evidence:
            out.append(indicator)
            continue
        others = [i for i in indicators if i is not indicator]
        region = figure_place(sentences, sentence, others) if sentence is not None else None
        region = region or document_place(document)
        if region is not None:
            out.append(indicator.model_copy(update={"region": region}))
        elif sentence is not None and (
            company := acting_company(sentence.text, document, sentence.start)
        ):
            out.append(_the_companys(indicator, company))
        elif warnings is not None:
            warnings.append(
                f"indicator {indicator.name!r}: no place or company found for it, dropped"
            )
    return [i for i in out if not _foreign(i, warnings)]


def _foreign(indicator: Indicator, warnings: list[str] | None) -> bool:
    """Whether ``indicator`` is another country's figure (``abroad.is_abroad``), with a line
    in ``warnings`` when it is."""
    if not indicator.region or not is_abroad(indicator.region):
        return False
    if warnings is not None:
        warnings.append(
            f"indicator {indicator.name!r}: a figure of {indicator.region}, not of a place in "
            "China, dropped"
        )
    return True


_COMPANY_LEAD = re.compile(
    r"^(?:the\s+)?(?:company|enterprise|group|firm)(?:['’]s)?\s+(?:(?:saw|recorded|reported|"
    r"achieved|realized|had|posted)\s+)?(?=\S)",
    re.IGNORECASE,
)


def _the_companys(indicator: Indicator, company: str) -> Indicator:
    """``indicator`` as the figure of ``company``: no region, and a name without the words
    that say whose it is ("company saw revenue from its main businesses")."""
    name = _COMPANY_LEAD.sub("", indicator.name) or indicator.name
    return indicator.model_copy(update={"region": None, "enterprise": company, "name": name})


def _first_sentence(indicator: Indicator, sentences: Sequence[Sentence]) -> Sentence | None:
    if not indicator.evidence:
        return None
    first = indicator.evidence[0].start
    return next((s for s in sentences if s.start <= first < s.end), None)


def _the_company(indicator: Indicator, sentence: Sentence | None, document: str) -> str | None:
    """The company "the company" of the indicator's sentence stands for, when the indicator
    has no enterprise and counts or sums no projects (a batch is a place's)."""
    if indicator.enterprise or sentence is None or PROJECTS_WORD.search(indicator.name):
        return None
    return acting_company(sentence.text, document, sentence.start, pronouns=False)


def _referred(indicator: Indicator, sentence: Sentence | None, document: str) -> str | None:
    if not indicator.region or sentence is None:
        return None
    return referred_place(indicator.region, sentence.text, document[: sentence.start])


def _company_out_of_region(indicator: Indicator) -> Indicator:
    """``indicator`` without a company's name (one with a legal form) for region: the company
    becomes its ``enterprise`` when it has none, unless the indicator counts or sums projects
    (a batch is a place's, and ``placed`` finds the place)."""
    region = indicator.region
    if not region or not LEGAL_FORM.search(region):
        return indicator
    update: dict[str, str | None] = {"region": None}
    if not indicator.enterprise and not PROJECTS_WORD.search(indicator.name):
        update["enterprise"] = region
    return indicator.model_copy(update=update)


@functools.lru_cache(maxsize=8)
def document_place(text: str) -> str | None:
    """The place that acts first in a document (its headline or lead: "Hechi signed five
    projects"); None when no sentence of it has a place for subject."""
    for sentence in split_sentences(text):
        place = _subject(sentence.text)
        if place is not None:
            return place
    return None
