"""Normalization of text, periods and units before comparison.

Only surface differences are removed here: case, punctuation, whitespace, possessive ``'s``,
legal suffixes of company names ("Co., Ltd."), a trailing "project" on project names, number
words in periods, the spellings of quarters, halves and spans of months, and the spelling of
units. The word lists the comparators need (places and generic words of enterprise names,
standard indicator names) live here too. Nothing here decides whether two values agree;
that is ``compare``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractor.names import NUMBER_WORDS, marker_tokens, normalize_name, normalize_text

_SPACES = re.compile(r"\s+")

__all__ = [
    "CanonicalUnit",
    "EnterpriseWords",
    "canonical_unit",
    "enterprise_words",
    "indicator_words",
    "marker_tokens",
    "normalize_name",
    "normalize_text",
    "period_anchors",
    "period_tokens",
    "standard_indicator",
]

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
_MONTH_RANGE = re.compile(rf"\b({_MONTH}) (?:(?:to|through|till|until) )?({_MONTH})\b")
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
    m1to7)."""
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
    qingdao yantai weifang hefei fuzhou xiamen quanzhou nanning guilin liuzhou qinzhou beihai
    fangchenggang yulin zhaoqing foshan dongguan zhuhai huizhou zhongshan jiangmen shantou
    kunming guiyang lanzhou xining yinchuan urumqi harbin changchun shenyang dalian
    shijiazhuang taiyuan hohhot nanchang haikou lhasa wenzhou jiaxing shaoxing jinhua taizhou
    huzhou guangdong guangxi zhejiang jiangsu fujian shandong henan hebei hubei hunan sichuan
    yunnan guizhou shaanxi shanxi gansu qinghai ningxia xinjiang tibet xizang mongolia
    heilongjiang jilin liaoning anhui jiangxi hainan hong kong macau macao taiwan yong yinzhou
    qianwan gaoyao duanzhou huaiji qingxiu yongning pingxiang dawang asean
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
        """The distinctive words written together ("Sun Paper" and "Sunpaper" agree)."""
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
