"""Normalization of text, periods and units before comparison.

Only surface differences are removed here: case, punctuation, whitespace, possessive ``'s``,
legal suffixes of company names ("Co., Ltd."), a trailing "project" on project names, number
words in periods, and the spelling of units. Nothing here decides whether two values agree;
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
    "marker_tokens",
    "normalize_name",
    "normalize_text",
    "period_tokens",
]

_PERIOD_STOP_WORDS = frozenset({"the", "of", "to", "in", "from", "a", "an", "and", "for", "s"})


def period_tokens(text: str) -> tuple[str, ...]:
    """Content tokens of a period, number words as digits ("the past four years": past 4 years)."""
    tokens = (NUMBER_WORDS.get(t, t) for t in normalize_text(text).split())
    return tuple(t for t in tokens if t not in _PERIOD_STOP_WORDS)


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
