"""Stage 6: turn figures as written into numbers, in code rather than by model arithmetic.

``parse_figure("about 6.4 billion yuan")`` gives value 6.4e9, unit ``CNY``, qualifier
``about``. The sentence around the figure may be passed as ``before``/``after`` so that a
qualifier or unit stated next to the quoted figure ("more than 20 assembly lines",
"annual output of 24,000 tons") and split numbers from translation ("27 percent
year-on-year6%") are read too. ``find_figures`` lists every figure a sentence writes (money,
quantities, percentages, multiples and counts), spelled as written, for prompts that hand the
model the figures to classify instead of asking it to find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from extractor.records import Basis, Change, ChangeUnit, Money, Qualifier, Quantity

__all__ = [
    "CAPACITY_UNITS",
    "CHANGE_UNITS",
    "CURRENCY_CODES",
    "NAME_NUMBER",
    "NUMBER_WORD",
    "UNITLESS",
    "Figure",
    "FigureError",
    "FigureSpan",
    "figure_numbers",
    "find_figures",
    "is_percent",
    "listed_figures",
    "named_capacity",
    "parse_figure",
    "to_change",
    "to_money",
    "to_quantity",
]


UNITLESS = "units"
"""The unit of a count whose noun the text does not give."""


CURRENCY_CODES = frozenset({"CNY", "USD", "EUR", "HKD"})
"""The currencies the parser reads (ISO 4217)."""
CHANGE_UNITS = frozenset(unit.value for unit in ChangeUnit)
"""The units a change is stated in: percent, percentage points, times."""


class FigureError(ValueError):
    """The text holds no number that can be read."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A number read from text, scale applied."""

    value: float
    unit: str | None
    qualifier: Qualifier
    raw: str
    repaired: bool = False


_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "a thousand": 1000, "dozen": 12,
    "a dozen": 12, "double-digit": 10, "double digit": 10,
}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "ten thousand": 1e4, "million": 1e6, "hundred million": 1e8,
    "billion": 1e9, "trillion": 1e12, "万": 1e4, "亿": 1e8, "万亿": 1e12, "k": 1e3,
    "mn": 1e6, "bn": 1e9, "mln": 1e6, "bln": 1e9,
}  # fmt: skip
_CURRENCIES = (
    (r"rmb|yuan|renminbi|cny|元", "CNY"),
    (r"us\s*dollars?|usd|us\$|\$|dollars?", "USD"),
    (r"euros?|eur|€", "EUR"),
    (r"hong kong dollars?|hkd|hk\$", "HKD"),
)
_UNITS = (
    (r"percentage points?|pp\b", "pp"),
    (r"percent|per cent|%", "%"),
    (r"times|-fold|fold", "times"),
    (r"gwh", "GWh"), (r"mwh", "MWh"), (r"kwh|kilowatt[- ]hours?", "kWh"),
    (r"gw\b|gigawatts?", "GW"), (r"mw\b|megawatts?", "MW"), (r"kw\b|kilowatts?", "kW"),
    (r"square[- ]kilomet(?:er|re)s?|sq\.? ?km|km2|km²", "km2"),
    (r"km\b|kilomet(?:er|re)s?", "km"),
    (r"square[- ]met(?:er|re)s?|sq\.? ?m\b|m2|㎡", "m2"),
    (r"cubic[- ]met(?:er|re)s?|m3\b|m³", "m3"),
    (r"(?:metric[- ])?(?:tons?|tonnes?)|mt\b|t\b", "t"), (r"mu\b", "mu"), (r"acres?", "acres"),
    (r"hectares?", "hectares"),
)  # fmt: skip
_QUALIFIERS = (
    (r"up to", Qualifier.UP_TO),
    (r"more than|over|exceed(?:s|ed|ing)?|above|upwards of|at least|in excess of", Qualifier.OVER),
    (r"less than|under|below|fewer than|nearly under", Qualifier.UNDER),
    (r"about|around|approximately|nearly|almost|roughly|close to|some|approx\.?", Qualifier.ABOUT),
)
_ANNUAL = re.compile(r"\bannual(?:ly)?\b|\bper year\b|\ba year\b|\bper annum\b|/year|/yr", re.I)
# A number may be glued to a lower-case word by translation ("reached33.8 billion") or to a
# currency code ("RMB845.24 billion", "CNY618 million") but not to another capital ("G20",
# "CO2", "Q1"); a decimal point may be followed by a line break ("33.\n498").
_CURRENCY_LETTERS = ("RMB", "CNY", "USD", "HKD", "EUR")
"""The currency codes a figure is written with, letters only (``_CURRENCY_BEFORE`` adds signs)."""
_NUMBER = re.compile(
    rf"(?:(?<={'|'.join(_CURRENCY_LETTERS)})|(?<![\d.,A-Z]))"
    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\n?\d+)?(?:\s*/\s*(\d+(?:\.\d+)?))?"
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
NUMBER_WORD = rf"(?:{'|'.join(_TENS)})[- ](?:{'|'.join(_ONES)})|" + "|".join(
    sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True)
)
"""A regular expression (no group) for a number the text writes as a word ("twelve",
"forty-eight": a compound is one number, never its last word alone)."""
_WORDS = re.compile(rf"\b({NUMBER_WORD})\b", re.I)
NAME_NUMBER = r"\d[GD]\b"
"""A regular expression (no group) for a number that is part of a name: "5G", "4G", "3D"."""
_LEVEL = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*-?\s*(thousand|million|billion|trillion)-(?:level|yuan)", re.I
)
# A calendar date written with numbers ("2024-02-29", "2023/5/6"): a time, never a figure.
_DATE = re.compile(r"^\s*(?:19|20)\d{2}([-/.])\d{1,2}\1\d{1,2}(?!\d)")
# A digit glued to a word or to a year, then %: the decimal part of a split number.
_GLUED_DECIMAL = re.compile(r"(?:[A-Za-z]|(?:19|20)\d{2})(\d{1,2})\s*%")
_COUNT_NOUN = re.compile(
    r"^\s*(?:new\s+|more\s+|key\s+)?([a-z][a-z-]*(?:\s+(?:lines|units|parks))?)", re.I
)
_IRREGULAR_PLURALS = {"people", "staff", "personnel", "talent", "equipment"}
# A count whose noun follows a few modifiers: "350 key industrial projects", "three National
# Industrial Parks", "six newly introduced companies". The head noun is the first plural word.
_COUNT_PHRASE = re.compile(
    rf"^\s*((?:(?:[A-Za-z]|{NAME_NUMBER})[\w'/-]*\s+){{0,3}}?)"
    r"(?!(?:overseas|various|numerous|previous)\b)([A-Za-z][a-z-]{2,}s)\b"
)
# A count of projects or companies is headed by that noun, however many modifiers come first
# ("eight modern services projects", "nine basic infrastructure and livelihood-related
# projects"): the first plural word is only a modifier there.
_COUNTED_UNIT = re.compile(
    rf"^\s*((?:(?:[A-Za-z]|{NAME_NUMBER})[\w'/-]*\s+){{0,4}}?)"
    r"(projects|enterprises|companies|firms)\b"
)
# Firms counted are `enterprises`, whatever the text calls them (guidelines V1).
_FIRMS = {"companies": "enterprises", "firms": "enterprises"}
_TIME_NOUNS = {
    "years", "months", "days", "weeks", "hours", "decades", "minutes", "seconds", "quarters",
    "consecutive", "year", "month", "day",
}  # fmt: skip
_NOT_NOUNS = _TIME_NOUNS | {
    "this", "was", "has", "is", "its", "his", "thus", "plus", "less", "across", "always",
    "perhaps", "yes", "as", "whereas", "besides", "unless", "towards", "afterwards", "does",
    "times", "percents",
}  # fmt: skip
_COUNT_STOP = {"of", "and", "or", "in", "to", "the", "a", "an", "for", "with", "at", "by", "from"}


_SCALE_WORD = re.compile(
    r"\s*-?\s*(hundred million|ten thousand|thousand|million|billion|trillion"
    r"|万亿|万|亿|bn\b|mn\b|bln\b|mln\b|k\b)",
    re.I,
)
_SHORT_BILLION = re.compile(r"b(?!\w)(?=(\s*(?:yuan|rmb)\b)?)", re.I)


def _word_value(word: str) -> int | None:
    """The value of a number word, a compound ("forty-eight", "twenty one") included."""
    parts = re.split(r"[- ]", word.lower(), maxsplit=1)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ONES:
        return _WORD_NUMBERS[parts[0]] + _WORD_NUMBERS[parts[1]]
    return _WORD_NUMBERS.get(word.lower())


def _scale_after(text: str, *, money: bool = False) -> tuple[float, int]:
    """The scale word at the start of ``text`` and how many characters it takes. A headline's
    "b" glued to a sum is a billion where the sum is money: ``money`` (a currency sign stood
    before it, "$42b") or a currency word follows ("176.7b yuan"); elsewhere "5b" is a name."""
    m = _SCALE_WORD.match(text)
    # .get: IGNORECASE also matches letters whose lower case is no key ("thouſand")
    scale = _SCALES.get(m.group(1).lower()) if m else None
    if m is None or scale is None:
        short = _SHORT_BILLION.match(text)
        if short is not None and (money or short.group(1)):
            return 1e9, 1
        return 1.0, 0
    return scale, m.end()


def _match_table(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    found = _table_match(text, table)
    return None if found is None else found[0]


def _table_match(text: str, table: tuple[tuple[str, str], ...]) -> tuple[str, int] | None:
    """The unit at the start of ``text`` and how many characters it takes; a hyphen may join
    it to its number ("90,000-ton", "4-million-kilowatt", "40,000-square-meter")."""
    for pattern, unit in table:
        m = re.match(r"(?:\s*|-)(?:" + pattern + r")", text, re.I)
        if m:
            return unit, m.end()
    return None


def _qualifier(text: str) -> Qualifier:
    found = Qualifier.EXACT
    best = -1
    for pattern, qualifier in _QUALIFIERS:
        for m in re.finditer(r"\b(?:" + pattern + r")(?=\W|$)", text, re.I):
            if m.start() > best:
                best, found = m.start(), qualifier
    return found


def _count_noun(after: str) -> str | None:
    m = _COUNT_NOUN.match(after)
    if not m:
        return None
    noun = m.group(1).lower()
    first = noun.split()[0]
    if first in _COUNT_STOP or first in _SCALES or len(first) < 3:
        return None
    if not first.endswith("s") and " " not in noun and first not in _IRREGULAR_PLURALS:
        return None  # a singular word after a count is rarely what is counted
    return noun


def _count_phrase(after: str) -> tuple[str, int] | None:
    """The head noun of a counted phrase with modifiers, and where the phrase ends."""
    for phrase in (_COUNTED_UNIT, _COUNT_PHRASE):
        m = phrase.match(after)
        if not m:
            continue
        modifiers = m.group(1).lower().split()
        head = m.group(2).lower()
        # "and" may join two modifiers ("22 social and livelihood projects"), no other stop word
        joined = [w for i, w in enumerate(modifiers) if not (w == "and" and i > 0)]
        if head not in _NOT_NOUNS and not any(w in _COUNT_STOP or w in _SCALES for w in joined):
            return head, m.end()
    return None


@dataclass(frozen=True, slots=True)
class FigureSpan:
    """A figure as a text writes it: offsets into that text, and the text between them."""

    start: int
    end: int
    text: str


_NAMED_NUMBER = re.compile(r"[GD](?![A-Za-z0-9])")
"""After a number, the letter that makes it a ``NAME_NUMBER``: "5G", "4G", "3D"."""
_CURRENCY_BEFORE = re.compile(rf"(?:{'|'.join(_CURRENCY_LETTERS)}|us\$|hk\$|\$|€|¥)\s*$", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.I
)
_MAGNITUDE_LABEL = re.compile(r"-(?:level|yuan)\b", re.I)


def _figure_end(text: str, end: int, *, money: bool = False) -> int | None:
    """Where a figure whose number ends at ``end`` ends: after its scale word and its unit,
    currency or counted noun; None when the number has none of these (a year, a date, a
    phase or list number)."""
    rest = text[end:]
    scale, used = _scale_after(rest, money=money)
    end += used
    rest = text[end:]
    unit = _table_match(rest, _CURRENCIES) or _table_match(rest, _UNITS)
    if unit is not None:
        return end + unit[1]
    counted = _count_noun(rest)
    if counted is not None and counted.split()[0] in _TIME_NOUNS:
        return None  # "seven months", "three consecutive years": a duration, not a figure
    if counted is not None:
        noun = _COUNT_NOUN.match(rest)
        return None if noun is None else end + noun.end()
    phrase = _count_phrase(rest)
    if phrase is not None:
        return end + phrase[1]
    if scale > 1:
        label = _MAGNITUDE_LABEL.match(rest)
        return end + (label.end() if label else 0)
    return None


_FRACTIONS = {
    "half": 50.0, "one half": 50.0, "a third": 33.33, "one third": 33.33, "two thirds": 66.67,
    "a quarter": 25.0, "one quarter": 25.0, "three quarters": 75.0, "a fifth": 20.0,
    "one fifth": 20.0, "a tenth": 10.0, "one tenth": 10.0,
}  # fmt: skip
# A share written as a fraction word: "one-third of the global total", "about half of".
_FRACTION = re.compile(
    r"^(?:[a-z]+\s+){0,2}?(one[\s-]+half|half|(?:a|one)[\s-]+third|two[\s-]+thirds|"
    r"(?:a|one)[\s-]+quarter|three[\s-]+quarters|(?:a|one)[\s-]+fifth|(?:a|one)[\s-]+tenth)"
    r"\b(?!\s+(?:of\s+)?(?:19|20)\d\d)",
    re.IGNORECASE,
)
_PART_OF_TIME = re.compile(r"\b(?:first|second|latter|former|upper|lower)\s*$", re.IGNORECASE)
"""Before a fraction word, a part of a period ("the first half"), not a share."""
# A sum written as two scales, as translation from Chinese does ("21 billion 700 million
# yuan", "$3 billion 520 million"): one figure.
_COMPOUND = re.compile(
    r"^(?P<big>.*?\b(?:billion|trillion))\s+(?P<small>\d[\d,.]*\s+(?:million|thousand)\b.*)$",
    re.IGNORECASE,
)


def find_figures(text: str) -> list[FigureSpan]:
    """Every figure ``text`` writes, in order: a number (digits, or a number word followed by
    a unit or counted noun) with its currency, scale word and unit or counted noun ("RMB 5
    billion", "86.4 billion yuan", "13.6%", "2.4 times", "24,000 tons", "12 projects").
    Years, dates and bare numbers are not figures. A figure split by translation ("27 percent
    year-on-year6%") is listed as written; ``parse_figure`` repairs it."""
    numbers = [*_NUMBER.finditer(text), *_WORDS.finditer(text)]
    spans: list[FigureSpan] = []
    for m in sorted(numbers, key=lambda n: n.start()):
        if spans and m.start() < spans[-1].end:
            continue
        start = m.start()
        # A currency sign before the number may not reach back into the previous figure.
        floor = spans[-1].end if spans else 0
        currency = _CURRENCY_BEFORE.search(text[max(floor, start - 6) : start])
        if currency:
            start -= len(currency.group(0))
        after = text[m.end() :]
        end = _figure_end(text, m.end(), money=bool(currency))
        if end is None and (currency or (m.re is _NUMBER and m.group(3))):
            end = m.end()  # "RMB 300", "1/3"
        if end is None:
            continue
        measured = _scale_after(after, money=bool(currency))[1] or _table_match(
            after, (*_CURRENCIES, *_UNITS)
        )
        if _YEAR.fullmatch(m.group(0)) and not (currency or measured):
            continue  # "in 2023 enterprises above designated size": a year
        if m.re is _NUMBER and _NAMED_NUMBER.match(text, m.end()):
            continue  # "5G base stations", "3D printing": a number that is part of a name
        if m.re is _NUMBER and _GLUED_DECIMAL.match(text, max(0, m.start() - 1)):
            continue  # "27 percent year-on-year6%": the decimals of a split number
        if _MONTH_BEFORE.search(text[max(0, start - 12) : start]):
            continue  # "March 15 projects" is a date before a noun
        if (
            spans
            and _COMPOUND.match(f"{spans[-1].text} {text[start:end]}")
            and not text[spans[-1].end : start].strip()
        ):
            start = spans.pop().start  # the second half of a sum written as two scales
        spans.append(FigureSpan(start=start, end=end, text=text[start:end]))
    return spans


_LIST_GAP = re.compile(r"^\s*(?:[,;\u3001]\s*(?:and\s+)?|and\s+)$", re.IGNORECASE)


def listed_figures(text: str) -> bool:
    """Whether ``text`` lists several figures: two of them (or two bare numbers) with only a
    comma or "and" between them ("30, 22, and 20", "45 signed projects and 18 settled
    projects"). Such a text is no one figure. A split number ("4 billion 670 million yuan"), a
    conversion ("120 billion yuan (about 17.4 billion U.S. dollars)") or a level with its
    change ("81,400, an increase of 226%") has words or brackets between its parts."""
    spans = [(f.start, f.end) for f in find_figures(text)]
    spans += [
        (m.start(), m.end())
        for m in _NUMBER.finditer(text)
        if not any(start <= m.start() < end for start, end in spans)
    ]
    spans.sort()
    return any(_LIST_GAP.match(text[end:start]) for (_, end), (start, _) in pairwise(spans))


def _number_value(number: re.Match[str]) -> float:
    """The value of a ``_NUMBER`` match, its fraction's denominator aside: thousands commas
    dropped, a decimal split by a line break ("33.\\n498") read whole."""
    return float(number.group(1).replace(",", "") + (number.group(2) or "").replace("\n", ""))


def figure_numbers(text: str) -> list[float]:
    """Every plain number written in ``text`` with digits (scale words not applied), read as
    ``parse_figure`` reads it."""
    return [_number_value(m) for m in _NUMBER.finditer(text)]


def first_number(text: str) -> float | None:
    """The first plain number of ``text`` (``figure_numbers``), or None: what two spellings of
    one figure share ("3.6 percent" and "3.6%", "$24.6 billion" and "24.6 billion dollars")."""
    numbers = figure_numbers(text)
    return numbers[0] if numbers else None


def is_percent(text: str) -> bool:
    """Whether the figure ``text`` reads as a percent ("13.6%", "8.1 percent", "3 per cent";
    not "2.7 percentage points")."""
    try:
        return parse_figure(text).unit == "%"
    except FigureError:
        return False


def parse_figure(raw: str, *, before: str = "", after: str = "") -> Figure:
    """Read one figure. ``before`` and ``after`` are the text around ``raw`` in its sentence."""
    text = raw.strip()
    if not text:
        raise FigureError("empty figure")
    if _DATE.match(text):
        raise FigureError(f"{raw!r} is a date, not a figure")
    fraction = _FRACTION.search(text)
    lead = text[: fraction.start(1)] if fraction else ""
    if fraction is not None and not _PART_OF_TIME.search(f"{before[-20:]} {lead}"):
        # "about one-quarter of the country": a share, in percent
        share = _FRACTIONS[re.sub(r"[\s-]+", " ", fraction.group(1).lower())]
        qualifier = _qualifier(f"{before[-25:]} {lead}")
        return Figure(value=share, unit="%", qualifier=qualifier, raw=raw)
    compound = _COMPOUND.match(text)
    if compound is not None:  # "21 billion 700 million yuan": 21.7 billion yuan
        big = parse_figure(
            compound.group("big"), before=before, after=" " + compound.group("small")
        )
        small = parse_figure(compound.group("small"), before=before, after=after)
        unit = big.unit if big.unit in CURRENCY_CODES else small.unit
        return Figure(
            value=big.value + small.value,
            unit=unit,
            qualifier=big.qualifier,
            raw=raw,
            repaired=big.repaired or small.repaired,
        )
    level = _LEVEL.search(text)
    level_scale = _SCALES.get(level.group(2).lower()) if level else None
    repaired = False
    if level and level_scale is not None:
        # "a 10-billion-level project": a magnitude label, read as that amount, about
        value = float(level.group(1)) * level_scale
        return Figure(value=value, unit="CNY", qualifier=Qualifier.ABOUT, raw=raw)
    number = _NUMBER.search(text)
    if number:
        whole = number.group(1).replace(",", "")
        repaired = "\n" in (number.group(2) or "")
        value = _number_value(number)
        if number.group(3):
            denominator = float(number.group(3))
            if denominator == 0:
                raise FigureError(f"zero denominator in {raw!r}")
            value = value / denominator * 100
            value = round(value, 2)
        head, rest = text[: number.start()], text[number.end() :]
    else:
        word = _WORDS.search(text)
        word_value = _word_value(word.group(1)) if word else None
        if word is None or word_value is None:
            raise FigureError(f"no number in {raw!r}")
        value = float(word_value)
        head, rest = text[: word.start()], text[word.end() :]
    currency_before = (
        _match_table(head[-8:].lstrip() if head else "", _CURRENCIES) if head else None
    )
    scale, used = _scale_after(rest, money=currency_before is not None)
    value *= scale
    rest = rest[used:]
    unit = _match_table(rest, _CURRENCIES) or currency_before or _match_table(rest, _UNITS)
    if number and number.group(3) and unit is None:
        unit = "%"
    if unit == "%" and number and not number.group(2):
        glued = _GLUED_DECIMAL.search(text[number.end() :] + " " + after[:60])
        if glued and re.search(r"percent|per cent", text[number.end() :], re.I):
            value = float(f"{whole}.{glued.group(1)}")
            repaired = True
    if unit is None:
        noun = _count_noun(rest) or (_count_noun(after) if not rest.strip() else None)
        if noun is None:
            phrase = _count_phrase(rest) or (_count_phrase(after) if not rest.strip() else None)
            noun = None if phrase is None else phrase[0]
        if noun is not None:
            unit = _FIRMS.get(noun, noun)
        elif scale >= 1e6:
            unit = "CNY"
    if unit is not None and unit not in CHANGE_UNITS | CURRENCY_CODES:
        context = f"{before[-40:]} {text} {after[:20]}"
        if _ANNUAL.search(context) and not unit.endswith("/yr") and unit[0].isupper() is False:
            unit = f"{unit}/yr"
    qualifier = _qualifier(f"{before[-25:]} {head}")
    if qualifier is Qualifier.EXACT and re.search(r"double[- ]digit", text, re.I):
        qualifier = Qualifier.OVER
    return Figure(value=value, unit=unit, qualifier=qualifier, raw=raw, repaired=repaired)


def to_money(figure: Figure, *, default_currency: str = "CNY") -> Money:
    """A Money from a figure; a figure without a currency is taken in ``default_currency``."""
    currency = figure.unit if figure.unit in CURRENCY_CODES else default_currency
    return Money(
        amount=figure.value,
        currency=currency,
        qualifier=figure.qualifier,
        raw=figure.raw,
        repaired=figure.repaired,
    )


def to_quantity(figure: Figure) -> Quantity:
    """A Quantity from a figure; a figure without any unit is a plain count of 'units'."""
    return Quantity(
        value=figure.value,
        unit=figure.unit or UNITLESS,
        qualifier=figure.qualifier,
        raw=figure.raw,
        repaired=figure.repaired,
    )


CAPACITY_UNITS = frozenset(
    {"t", "t/yr", "kW", "MW", "GW", "kWh", "MWh", "GWh", "m2", "km", "km2", "mu", "hectares"}
)
"""Units of a project's size: tons, power, energy, area, length."""


def named_capacity(name: str) -> list[Quantity]:
    """The sizes a project's name states ("4-million-kilowatt photovoltaic project",
    "90,000-ton rubber chemicals facility"): the project's own capacity (guide §3)."""
    sizes = []
    for span in find_figures(name):
        try:
            figure = parse_figure(span.text, after=name[span.end :])
        except FigureError:
            continue
        if figure.unit in CAPACITY_UNITS:
            sizes.append(to_quantity(figure))
    return sizes


_DECREASE = re.compile(
    r"\b(decreas\w*|declin\w*|fell|fall\w*|down|drop\w*|lower|shr[aiu]nk\w*|negative)\b", re.I
)
_OTHER_BASIS = re.compile(
    r"average annual|annual average|annually on average|past (?:\w+ )?years"
    r"|compared with (?:19|20)\d\d|over (?:19|20)\d\d|than (?:that of )?(?:19|20)\d\d"
    r"|since (?:19|20)\d\d|\bcumulative\b",
    re.I,
)


# Where one clause of a sentence ends and the next begins ("rose 10%, while ... fell 3%").
_CLAUSE_BREAK = re.compile(r"[;,]\s|\b(?:while|whereas|but|and|although|though)\b", re.I)


def _clause(before: str, after: str) -> tuple[str, str]:
    """The parts of the figure's own clause before and after it."""
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    following = _CLAUSE_BREAK.search(after)
    if following:
        after = after[: following.start()]
    return before, after


def to_change(
    figure: Figure, *, sentence: str = "", before: str | None = None, after: str | None = None
) -> Change:
    """A Change from a figure; the figure's clause decides sign and basis (year-on-year
    unless it speaks of average annual growth, several years or a base year).

    ``before``/``after`` are the text of the sentence before and after the figure; without
    them the figure is looked up in ``sentence``. Only the clause holding the figure counts,
    so a decrease stated beside an increase does not flip it.
    """
    unit_text = figure.unit or "%"
    unit = ChangeUnit(unit_text) if unit_text in CHANGE_UNITS else ChangeUnit.PERCENT
    if before is None or after is None:
        at = sentence.find(figure.raw) if figure.raw else -1
        if at >= 0:
            before, after = sentence[:at], sentence[at + len(figure.raw) :]
        else:
            before, after = sentence, ""
    head, tail = _clause(before, after)
    context = f"{head} {figure.raw} {tail}"
    value = (
        -abs(figure.value)
        if _DECREASE.search(context) and unit is not ChangeUnit.TIMES
        else figure.value
    )
    basis = Basis.OTHER if _OTHER_BASIS.search(context) else Basis.YOY
    return Change(
        value=value,
        unit=unit,
        basis=basis,
        qualifier=figure.qualifier,
        raw=figure.raw,
        repaired=figure.repaired,
    )
