"""Values: normalize text, periods and units, then compare them, strictly and leniently.

Normalization removes only surface differences: case, punctuation, whitespace, possessive
``'s``, legal suffixes of company names ("Co., Ltd."), a trailing "project" on project
names, number words in periods, the spellings of quarters, halves and spans of months, and
the spelling of units. The word lists the comparators need (places and generic words of
enterprise names, standard indicator names) live here too.

The comparators decide whether two values agree in one mode; ``text_similarity`` grades
two names for alignment (``match``):

| value         | strict                              | lenient                              |
|---------------|-------------------------------------|--------------------------------------|
| name          | normalized equal (any alias)        | or token_sort_ratio >= 85, same      |
|               |                                     | numbers ("Phase I" is not "Phase II")|
| enterprise    | as name                             | or the distinctive words agree (see  |
|               |                                     | below); never fuzzy ratio alone      |
| place, phrase | normalized equal                    | or fuzzy as names, or one's words    |
|               |                                     | all within the other's               |
| indicator name| as name                             | or, when figure, region and period   |
|               |                                     | agree: one name's words within the   |
|               |                                     | other's, or one standard statistic   |
| period        | normalized equal (quarters, halves, | or years/this/last do not conflict   |
|               | month spans spelled one way)        | and the other tokens' Jaccard >= 0.5 |
| Money         | same currency, amount within 0.5 %  | ... within 2 %                       |
| Quantity      | same canonical unit, within 0.5 %   | ... within 2 %                       |
| Change        | same unit and basis, within 0.5 %   | ... within 2 %                       |
| enum          | equal                               | equal                                |

"Within x %" is ``|a - b| <= x * max(|a|, |b|)``, symmetric so that swapping gold and
prediction cannot change a verdict. Whatever strict accepts, lenient accepts too.

Indicator names. Detection needs an indicator's identity (name, region or enterprise,
period) to agree, and the text's statistic names are long ("total investment of key
projects", "added value of industries above designated size") while a prediction often
writes the short or standard form. When the rest of the identity and the figure already
agree (``score.indicator_names_agree``: region/enterprise and period agree leniently, at
least one of value/change is filled on both sides, and every figure filled on both sides
agrees), the lenient mode also accepts a name whose content words (singular, without
of/the/in/...) are all among the other's with the same numbers ("total investment" in
"total investment of companies signed to enter"), or two spellings of one standard
statistic (``standard_indicator``: "industrial added value" is the guide's
"industrial added value above designated size", "added value of industries above designated
size"). It still rejects a name that adds a word the other lacks on both sides: "industrial
added value" is not "added value of the mining industry" (a sector's statistic), and
"industrial investment" is not "investment in the textile industry". Strict names stay
normalized-equal.

Periods. "first quarter", "Q1", "first season" (a common mistranslation), "January to
March" and "first three months" are one token (q1), likewise the other quarters, halves
(h1, "first half", "January to June") and spans of months from January ("first seven
months" and "January to July": m1to7), in both modes. Leniently, the years and
this/last/next/previous of two periods must not conflict where both name one ("January to
August this year" is not "... last year", "Q1 2023" is not "Q1 2024"; "first half of the
year" is "first half of this year"), and their other tokens must overlap by token Jaccard
>= 0.5.

Enterprise names. Two different companies of one city often differ in one short word
("Shenzhen Huaxing Electric" and "Shenzhen Huaxin Electric" score 98.6 by fuzzy ratio), so
fuzzy ratio never decides a company. A name's *distinctive* words are what is left after
removing place names, legal suffixes and generic words (automobile, group, corporation,
technology, electric, new material, ...; ``enterprise_words``). Two names agree
leniently when the distinctive words of one are all among the other's ("Tianrun" in "Songhe
Tianrun Machinery Co., Ltd.", "Ruifeng" in "Ruifeng Holding Group"), or when
they are the same letters written apart or together ("Tian Run", "Tianrun";
"Chang'an", "Changan"); names with no distinctive word ("Guangzhou Energy") compare all their
words that way. For alignment, ``text_similarity`` caps at 0.5 a pair of enterprise names
whose distinctive words disagree, so another company's role is never paired.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.evaluation.settings import Mode, ScoringSettings
from extractor.names import NUMBER_WORDS, marker_tokens, normalize_name, normalize_text
from extractor.records import Change, Money, Quantity

__all__ = [
    "CanonicalUnit",
    "Comparator",
    "EnterpriseWords",
    "canonical_unit",
    "enterprise_names_agree",
    "enterprise_words",
    "indicator_words",
    "marker_tokens",
    "normalize_name",
    "normalize_text",
    "numbers_close",
    "period_anchors",
    "period_tokens",
    "standard_indicator",
    "text_similarity",
]


# Normalization: surface differences only; nothing here decides an agreement.

_SPACES = re.compile(r"\s+")


_PERIOD_STOP_WORDS = frozenset({"the", "of", "to", "in", "from", "a", "an", "and", "for", "s"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = "|".join(_ORDINALS)
_MONTH_RANGE = re.compile(
    rf"\b(?:between )?({_MONTH}) (?:(?:to|through|till|until|and) )?({_MONTH})\b"
)
# A span of years whose second year keeps only its last two digits ("2016-20", "2021–25").
_SHORT_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*[-\u2013~]\s*(\d\d)\b")
_FIRST_MONTHS = re.compile(r"\bfirst (\w+) months\b")
_FIRST_QUARTERS = re.compile(r"\bfirst (two|three|2|3) quarters\b")
_QUARTER = re.compile(rf"\b({_ORDINAL}) (?:quarter|season)\b")
_QUARTER_CODE = re.compile(r"\bq([1-4])\b")
_HALF = re.compile(r"\b(first|1st|second|2nd) half\b")
_HALF_CODE = re.compile(r"\bh([12])\b")
_NAMED_SPANS = {
    (1, 3): "q1",
    (4, 6): "q2",
    (7, 9): "q3",
    (10, 12): "q4",
    (1, 6): "h1",
    (7, 12): "h2",
}
_ANCHORS = frozenset({"this", "last", "next", "previous"})


def _months(first: int, last: int) -> str:
    """One token for a span of months: q1..q4, h1, h2, else m<first>to<last>."""
    return _NAMED_SPANS.get((first, last), f"m{first}to{last}")


def _count(word: str) -> int | None:
    digits = NUMBER_WORDS.get(word, word)
    return int(digits) if digits.isdigit() else None


def _canonical_spans(text: str) -> str:
    """Spell quarters, halves and spans of months from January one way ("Q1", "first
    quarter", "first season", "January to March" and "first three months" are all q1)."""
    text = _MONTH_RANGE.sub(lambda m: _months(_MONTHS[m[1]], _MONTHS[m[2]]), text)

    def first_months(m: re.Match[str]) -> str:
        n = _count(m[1])
        return _months(1, n) if n is not None and 1 <= n <= 12 else m[0]

    text = _FIRST_MONTHS.sub(first_months, text)
    text = _FIRST_QUARTERS.sub(lambda m: _months(1, 3 * (_count(m[1]) or 0)), text)
    text = _QUARTER.sub(lambda m: f"q{_ORDINALS[m[1]]}", text)
    text = _QUARTER_CODE.sub(lambda m: f"q{m[1]}", text)
    text = _HALF.sub(lambda m: f"h{_ORDINALS[m[1]]}", text)
    return _HALF_CODE.sub(lambda m: f"h{m[1]}", text)


def period_tokens(text: str) -> tuple[str, ...]:
    """Content tokens of a period: number words as digits ("the past four years": past 4
    years), quarters, halves and month spans from January as one token each (q1, h1,
    m1to7; "between January and June" and "January and June" too: a period field names one
    span), and a span of years in full ("2016-20" is 2016 2020)."""
    text = _SHORT_YEARS.sub(lambda m: f"{m[1]} {m[1][:2]}{m[2]}", text)
    tokens = (NUMBER_WORDS.get(t, t) for t in _canonical_spans(normalize_text(text)).split())
    return tuple(t for t in tokens if t not in _PERIOD_STOP_WORDS)


def period_anchors(tokens: tuple[str, ...]) -> frozenset[str]:
    """The words that place a period in time: years ("2023") and this/last/next/previous."""
    return frozenset(t for t in tokens if t in _ANCHORS or (t.isdigit() and len(t) == 4))


_NAME_STOP_WORDS = frozenset({"the", "of", "in", "and", "for", "a", "an", "to", "s", "from"})
_STANDARD_INDICATOR_NAMES: tuple[tuple[str, ...], ...] = (
    (
        "industrial added value above designated size",
        "added value of industries above designated size",
        "added value of industry above designated size",
        "added value of industrial enterprises above designated size",
        "industrial added value of enterprises above designated size",
        "added value of enterprises above designated size",
        "industrial added value",
    ),
    ("gross domestic product", "gdp", "regional gdp", "regional gross domestic product"),
    ("fixed asset investment", "investment in fixed assets", "fixed assets investment"),
    (
        "industrial output value",
        "gross industrial output value",
        "total industrial output value",
        "output value of industry",
        "industrial output",
    ),
    ("total retail sales of consumer goods", "retail sales of consumer goods"),
    (
        "total import and export value",
        "import and export value",
        "total value of imports and exports",
        "foreign trade volume",
    ),
    (
        "actually utilized foreign capital",
        "actual use of foreign capital",
        "utilized foreign capital",
        "foreign capital actually used",
    ),
)
"""Spellings of one standard statistic (the guide's names first), accepted as aliases."""
_STANDARD = {
    normalize_text(n): group for group, names in enumerate(_STANDARD_INDICATOR_NAMES) for n in names
}


def standard_indicator(name: str) -> int | None:
    """Which standard statistic an indicator name spells, if any."""
    return _STANDARD.get(normalize_text(name))


def indicator_words(name: str) -> frozenset[str]:
    """The content words of an indicator name, singular ("investment in fixed assets":
    investment, fixed, asset)."""
    words = normalize_text(name).split()
    return frozenset(_singular(w) for w in words if w not in _NAME_STOP_WORDS)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PLACES = _word_set(
    """
    china chinese beijing shanghai tianjin chongqing guangzhou shenzhen hangzhou ningbo nanjing
    suzhou wuxi changzhou nantong xuzhou yangzhou wuhan chengdu xian changsha zhengzhou jinan
    qingdao weifang hefei fuzhou xiamen quanzhou nanning guilin liuzhou qinzhou beihai
    fangchenggang yulin foshan dongguan zhuhai huizhou zhongshan jiangmen shantou
    kunming guiyang lanzhou xining yinchuan urumqi harbin changchun shenyang dalian
    shijiazhuang taiyuan hohhot nanchang haikou lhasa wenzhou jiaxing shaoxing jinhua taizhou
    huzhou guangdong guangxi zhejiang jiangsu fujian shandong henan hebei hubei hunan sichuan
    yunnan guizhou shaanxi shanxi gansu qinghai ningxia xinjiang tibet xizang mongolia
    heilongjiang jilin liaoning anhui jiangxi hainan hong kong macau macao taiwan
    """
)
"""Place words removed from enterprise names before their distinctive words are compared."""
_GENERIC_ENTERPRISE_WORDS = _word_set(
    """
    automobile auto automotive motor vehicle car group holding corporation corp company co ltd
    limited inc llc plc enterprise joint stock share technology tech hi high science sci
    electric electrical electronic appliance new material energy power industrial industry
    investment development international equipment manufacturing intelligent smart machinery
    heavy national state owned trading trade logistics construction engineering the and of
    """
)
"""Words that describe what a company does or is, not which company it is."""


@dataclass(frozen=True, slots=True)
class EnterpriseWords:
    """An enterprise name's distinctive words (in order) and all its words."""

    distinctive: tuple[str, ...]
    every: frozenset[str]

    @property
    def glued(self) -> str:
        """The distinctive words written together ("Tian Run" and "Tianrun" agree)."""
        return "".join(self.distinctive)


def enterprise_words(name: str) -> EnterpriseWords:
    """Singular words of a normalized enterprise name; distinctive ones lose places and
    generic words ("Shenzhen Huaxing Electric Co., Ltd." -> ("huaxing",))."""
    words = [_singular(w) for w in normalize_name(name).split()]
    distinctive = tuple(w for w in words if w not in _PLACES and w not in _GENERIC_ENTERPRISE_WORDS)
    return EnterpriseWords(distinctive, frozenset(words))


@dataclass(frozen=True, slots=True)
class CanonicalUnit:
    """A unit reduced to a base unit and the factor that converts a value into it."""

    base: str
    factor: float
    is_currency: bool = False


_ANNUAL = re.compile(r"\s*(/\s*(yr|year|a|annum)|per\s+(year|annum)|a\s+year|annually)$")
_SCALED: dict[str, tuple[str, float]] = {
    "wh": ("Wh", 1.0),
    "kwh": ("Wh", 1e3),
    "mwh": ("Wh", 1e6),
    "gwh": ("Wh", 1e9),
    "twh": ("Wh", 1e12),
    "w": ("W", 1.0),
    "kw": ("W", 1e3),
    "mw": ("W", 1e6),
    "gw": ("W", 1e9),
    "tw": ("W", 1e12),
    "t": ("t", 1.0),
    "ton": ("t", 1.0),
    "tons": ("t", 1.0),
    "tonne": ("t", 1.0),
    "tonnes": ("t", 1.0),
    "kg": ("t", 1e-3),
    "kt": ("t", 1e3),
    "m2": ("m2", 1.0),
    "m²": ("m2", 1.0),
    "sqm": ("m2", 1.0),
    "square meter": ("m2", 1.0),
    "square meters": ("m2", 1.0),
    "square metre": ("m2", 1.0),
    "square metres": ("m2", 1.0),
    "km2": ("m2", 1e6),
    "km²": ("m2", 1e6),
    "mu": ("mu", 1.0),
    "acre": ("acres", 1.0),
    "acres": ("acres", 1.0),
    "ha": ("ha", 1.0),
    "hectare": ("ha", 1.0),
    "hectares": ("ha", 1.0),
    "%": ("%", 1.0),
    "percent": ("%", 1.0),
    "yuan": ("CNY", 1.0),
    "rmb": ("CNY", 1.0),
}
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def canonical_unit(unit: str) -> CanonicalUnit:
    """The base unit and factor of a Quantity unit ("MWh" -> Wh x 1e6, "t/yr" -> t/yr x 1).

    Currency codes stay as they are; count nouns are singularized and lower-cased
    ("Enterprises" -> "enterprise"); "/yr" spellings are unified.
    """
    text = unicodedata.normalize("NFKC", unit).strip()
    if _CURRENCY_CODE.match(text):
        return CanonicalUnit(text, 1.0, is_currency=True)
    lowered = _SPACES.sub(" ", text.casefold())
    annual = bool(_ANNUAL.search(lowered))
    core = _ANNUAL.sub("", lowered).strip() if annual else lowered
    suffix = "/yr" if annual else ""
    if core in _SCALED:
        base, factor = _SCALED[core]
        return CanonicalUnit(base + suffix, factor, is_currency=base == "CNY")
    words = [_singular(w) for w in normalize_text(core).split()]
    return CanonicalUnit(" ".join(words) + suffix, 1.0)


# Comparison: the verdicts of each mode, and the graded similarity of names.


def numbers_close(a: float, b: float, tolerance: float) -> bool:
    """``|a - b| <= tolerance * max(|a|, |b|)``; two zeros agree."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _variants(values: Sequence[str], *, project: bool) -> list[str]:
    out = {normalize_name(v, project=project) for v in values}
    return sorted(v for v in out if v)


_SUBSET_SCORE = 0.9
"""Least similarity of two enterprise names whose distinctive words agree."""


def _subset(x: str, y: str) -> bool:
    """One text's words among the other's, singular ("batteries" is "battery")."""
    xs, ys = {_singular(w) for w in x.split()}, {_singular(w) for w in y.split()}
    return bool(xs) and bool(ys) and (xs <= ys or ys <= xs)


def enterprise_names_agree(a: str, b: str) -> bool:
    """Two enterprise names whose distinctive words agree (see the module docstring)."""
    x, y = enterprise_words(a), enterprise_words(b)
    if x.distinctive or y.distinctive:
        xs, ys = set(x.distinctive), set(y.distinctive)
        if not xs or not ys:
            return False
        return xs <= ys or ys <= xs or x.glued == y.glued
    return bool(x.every) and bool(y.every) and (x.every <= y.every or y.every <= x.every)


def text_similarity(
    a: Sequence[str], b: Sequence[str], *, project: bool = False, enterprise: bool = False
) -> float:
    """Best rapidfuzz ``token_sort_ratio`` (0..1) over the variants of two names.

    Normalized equality is 1.0; for enterprises, names whose distinctive words agree
    ("Tianrun Machinery", "Songhe Tianrun Machinery Co., Ltd.") score at least 0.9 and names
    whose distinctive words disagree ("Huaxing", "Huaxin") at most 0.5. Two names with
    different numbers ("Phase I", "Phase II") score at most 0.5 so that they are never taken
    for the same thing by accident.
    """
    best = 0.0
    for x in _variants(a, project=project):
        for y in _variants(b, project=project):
            if x == y:
                return 1.0
            score = fuzz.token_sort_ratio(x, y) / 100.0
            if enterprise and enterprise_names_agree(x, y):
                score = max(score, _SUBSET_SCORE)
            elif enterprise:
                score = min(score, 0.5)
            if marker_tokens(x) != marker_tokens(y):
                score = min(score, 0.5)
            best = max(best, score)
    return best


@dataclass(frozen=True, slots=True)
class Comparator:
    """The agreement verdicts of one mode."""

    mode: Mode
    tolerance: float
    fuzzy_text: float
    period_overlap: float

    @classmethod
    def for_mode(cls, mode: Mode, settings: ScoringSettings) -> Comparator:
        return cls(
            mode=mode,
            tolerance=settings.tolerances.for_mode(mode),
            fuzzy_text=settings.thresholds.fuzzy_text,
            period_overlap=settings.thresholds.period_overlap,
        )

    @property
    def lenient(self) -> bool:
        return self.mode is Mode.LENIENT

    def names(self, a: Sequence[str], b: Sequence[str], *, project: bool = False) -> bool:
        """Two names (each with its variants: aliases) name the same thing."""
        xs, ys = _variants(a, project=project), _variants(b, project=project)
        if set(xs) & set(ys):
            return True
        if not self.lenient:
            return False
        return any(self._fuzzy(x, y) for x in xs for y in ys)

    def enterprises(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Two enterprise names (with aliases): equal, or (lenient) distinctive words agree."""
        xs, ys = _variants(a, project=False), _variants(b, project=False)
        if set(xs) & set(ys):
            return True
        if not self.lenient:
            return False
        return any(
            enterprise_names_agree(x, y) and marker_tokens(x) == marker_tokens(y)
            for x in xs
            for y in ys
        )

    def phrase(self, a: str, b: str) -> bool:
        """Places and short descriptions: names, plus word containment in lenient mode."""
        x, y = normalize_text(a), normalize_text(b)
        if x == y:
            return True
        if not self.lenient or not x or not y:
            return False
        if self._fuzzy(x, y):
            return True
        return _subset(x, y) and marker_tokens(x) == marker_tokens(y)

    def related_indicator_names(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Lenient only: one name's content words within the other's (same numbers), or
        one standard statistic; the caller checks that figure, region and period agree."""
        if not self.lenient:
            return False
        for x in a:
            for y in b:
                sx, sy = standard_indicator(x), standard_indicator(y)
                if sx is not None and sx == sy:
                    return True
                wx, wy = indicator_words(x), indicator_words(y)
                same_numbers = marker_tokens(normalize_text(x)) == marker_tokens(normalize_text(y))
                if wx and wy and (wx <= wy or wy <= wx) and same_numbers:
                    return True
        return False

    def period(self, a: str, b: str) -> bool:
        """Equal tokens; lenient: anchors (years, this/last) that do not conflict and the
        rest of the tokens overlapping by ``period_overlap`` (token Jaccard)."""
        x, y = period_tokens(a), period_tokens(b)
        if x == y:
            return True
        if not self.lenient or not x or not y:
            return False
        ax, ay = period_anchors(x), period_anchors(y)
        if ax and ay and ax != ay:
            return False
        xs, ys = set(x) - ax, set(y) - ay
        if xs == ys:
            return True
        return len(xs & ys) / len(xs | ys) >= self.period_overlap

    def money(self, a: Money, b: Money) -> bool:
        return a.currency == b.currency and numbers_close(a.amount, b.amount, self.tolerance)

    def quantity(self, a: Quantity, b: Quantity) -> bool:
        ua, ub = canonical_unit(a.unit), canonical_unit(b.unit)
        if ua.base != ub.base:
            return False
        return numbers_close(a.value * ua.factor, b.value * ub.factor, self.tolerance)

    def change(self, a: Change, b: Change) -> bool:
        return (
            a.unit == b.unit
            and a.basis == b.basis
            and numbers_close(a.value, b.value, self.tolerance)
        )

    def _fuzzy(self, x: str, y: str) -> bool:
        if marker_tokens(x) != marker_tokens(y):
            return False
        return fuzz.token_sort_ratio(x, y) >= self.fuzzy_text
