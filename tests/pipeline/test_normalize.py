"""Stage 6: figures as written become numbers in code; table-driven from the seed articles,
plus property tests of the parser."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.pipeline.normalize import (
    FigureError,
    figure_numbers,
    find_figures,
    is_percent,
    parse_figure,
    to_change,
    to_money,
    to_quantity,
)
from extractor.records import Basis, ChangeUnit, Qualifier

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

EXACT, ABOUT, OVER, UNDER, UP_TO = (
    Qualifier.EXACT,
    Qualifier.ABOUT,
    Qualifier.OVER,
    Qualifier.UNDER,
    Qualifier.UP_TO,
)

# (text before, the figure as quoted, text after) exactly as in seeds/, then what it means.
SEED_FIGURES = [
    (
        "industrial investment of industrial parks above designated size in the region reached ",
        "1.21 trillion yuan",
        " and 145.5 billion yuan respectively",
        1.21e12,
        "CNY",
        EXACT,
        False,
    ),
    (
        "Digital Economy Industrial Park with a total investment of ",
        "about 5.8 billion yuan",
        "; the Guangxi Fangchenggang",
        5.8e9,
        "CNY",
        ABOUT,
        False,
    ),
    (
        "The total planned investment of the project ",
        "exceeds RMB 90 billion",
        ", covering the four major industrial chains",
        9e10,
        "CNY",
        OVER,
        False,
    ),
    (
        "The added value of Nanning's high-tech manufacturing industry increased by ",
        "34 percent year-on-year9%",
        ", an increase of 28 percentage points",
        34.9,
        "%",
        EXACT,
        True,
    ),
    (  # the model quoted only the first half of the split number: the rest is read
        "The added value of Nanning's high-tech manufacturing industry increased by ",
        "34 percent",
        " year-on-year9%, an increase of 28 percentage points",
        34.9,
        "%",
        EXACT,
        True,
    ),
    (
        "year-on-year9%, an increase of ",
        "28 percentage points",
        " over the previous year",
        28,
        "pp",
        EXACT,
        False,
    ),
    (
        "The output of energy storage lithium batteries accounts for ",
        "1/6",
        " of the country's total",
        16.67,
        "%",
        EXACT,
        False,
    ),
    (
        "Yongning District have been put into operation, with ",
        "more than 30 production lines",
        " in operation",
        30,
        "production lines",
        OVER,
        False,
    ),
    (  # the qualifier and the counted noun stated around a bare number
        "Yongning District have been put into operation, with more than ",
        "30",
        " production lines in operation",
        30,
        "production lines",
        OVER,
        False,
    ),
    (
        "In Yinzhou, the Shanshan lithium battery annual output of ",
        "40,000 tons",
        " of lithium-ion battery silicon-based anode material",
        40000,
        "t/yr",
        EXACT,
        False,
    ),
    (
        "and electronic information has increased by ",
        "1.82 times",
        " in the past four years, reaching 167.5 billion yuan",
        1.82,
        "times",
        EXACT,
        False,
    ),
    (
        "in the first half of the year, Qinbang New Materials completed an output value of ",
        "nearly 600 million yuan",
        ", an increase of nearly 50%",
        6e8,
        "CNY",
        ABOUT,
        False,
    ),
    (
        "and a number of ",
        "10-billion-level",
        " projects such as BYD and Sun Paper",
        1e10,
        "CNY",
        ABOUT,
        False,
    ),
    (
        "with a planned battery production capacity of ",
        "more than 100GWh",
        " and more than 70GWh in production",
        100,
        "GWh",
        OVER,
        False,
    ),
    (
        "We launched a manufacturing project construction campaign and completed ",
        "nearly 10,000 acres",
        ' of "cooked land" for industrial use',
        10000,
        "acres",
        ABOUT,
        False,
    ),
    (
        "the output value of the city's new energy battery industry will ",
        "exceed 20 billion yuan",
        ", contributing 120 percent",
        2e10,
        "CNY",
        OVER,
        False,
    ),
    (
        "the new project with an annual output of ",
        "480 million square meters",
        " of solar backsheet film",
        4.8e8,
        "m2/yr",
        EXACT,
        False,
    ),
]


def seed_texts() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def test_the_seed_table_quotes_the_seeds() -> None:
    texts = seed_texts()
    for before, raw, after, *_ in SEED_FIGURES:
        assert before + raw + after in texts, raw


@pytest.mark.parametrize(
    ("before", "raw", "after", "value", "unit", "qualifier", "repaired"),
    SEED_FIGURES,
    ids=[case[1] for case in SEED_FIGURES],
)
def test_seed_figures_parse(
    before: str,
    raw: str,
    after: str,
    value: float,
    unit: str,
    qualifier: Qualifier,
    repaired: bool,
) -> None:
    figure = parse_figure(raw, before=before, after=after)
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit
    assert figure.qualifier is qualifier
    assert figure.repaired is repaired
    assert figure.raw == raw


def test_annual_only_when_the_text_says_so() -> None:
    assert parse_figure("40,000 tons", before="a warehouse holding ").unit == "t"
    assert parse_figure("40,000 tons", after=" per year").unit == "t/yr"
    assert parse_figure("40,000 tons", before="annual output of ").unit == "t/yr"


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("3亿元", 3e8, "CNY"),
        ("2.5万亿元", 2.5e12, "CNY"),
        ("1.5万", 1.5e4, None),
        ("12 亿 yuan", 1.2e9, "CNY"),
        ("5 hundred million yuan", 5e8, "CNY"),
        ("100 million yuan", 1e8, "CNY"),
        ("7 ten thousand tons", 7e4, "t"),
        ("8.5 million mt", 8.5e6, "t"),  # metric tons, as steel news writes them; no money
        ("21 billion 700 million yuan", 2.17e10, "CNY"),  # a sum written as two scales
        ("$3 billion 520 million", 3.52e9, "USD"),
        ("500,000 metric tons", 5e5, "t"),
        ("20,000-metric-ton", 2e4, "t"),
        ("US$ 3 million", 3e6, "USD"),
        ("$5 billion", 5e9, "USD"),
        ("2 bn", 2e9, "CNY"),
        ("5 bln USD", 5e9, "USD"),  # news-wire abbreviations
        ("300 mln yuan", 3e8, "CNY"),
        ("$42b", 4.2e10, "USD"),  # a headline's short billion, after a currency sign
        ("176.7b yuan", 1.767e11, "CNY"),  # ... or before a currency word
        ("5b", 5, None),  # elsewhere "b" is no scale
        ("1,221 projects", 1221, "projects"),
        ("292 mu", 292, "mu"),
        ("3.8 days", 3.8, "days"),
        ("60 companies", 60, "enterprises"),  # firms counted are enterprises (V1)
        ("1,200 big data companies", 1200, "enterprises"),
        ("30 firms", 30, "enterprises"),
        ("seven areas", 7, "areas"),
        ("90,000-ton", 9e4, "t"),  # a unit hyphenated to its number
        ("4-million-kilowatt", 4e6, "kW"),  # ... after a scale word: no sum of money
        ("40,000-square-meter", 4e4, "m2"),
        ("39.15-kilometer", 39.15, "km"),
        ("44 square kilometers", 44, "km2"),
        ("1.2 million kilowatt-hours", 1.2e6, "kWh"),
        ("22 social and livelihood projects", 22, "projects"),  # "and" joins two modifiers
        ("2,062 domestic and overseas projects", 2062, "projects"),  # "overseas" is no noun
        ("eight modern services projects", 8, "projects"),  # a plural modifier is no head
        ("nine basic infrastructure and livelihood-related projects", 9, "projects"),
        ("23.94 billion cubic meters", 2.394e10, "m3"),
    ],
)
def test_scales_currencies_and_units(raw: str, value: float, unit: str | None) -> None:
    figure = parse_figure(raw)
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit


@pytest.mark.parametrize("raw", ["", "   ", "no figure here", "yuan", "%"])
def test_text_without_a_number_is_a_figure_error(raw: str) -> None:
    with pytest.raises(FigureError):
        parse_figure(raw)


@pytest.mark.parametrize("raw", ["2024-02-29", "2024-03-09 22:21 Guangdong", "2023/5/6"])
def test_a_calendar_date_is_no_figure(raw: str) -> None:
    with pytest.raises(FigureError, match="is a date"):
        parse_figure(raw)


def test_a_span_of_years_is_still_read() -> None:
    assert parse_figure("2019-2021").value == 2019


def test_figure_error_is_a_value_error() -> None:
    assert issubclass(FigureError, ValueError)


def test_money_and_quantity_from_figures() -> None:
    money = to_money(parse_figure("about 5.8 billion yuan"))
    assert (money.amount, money.currency, money.qualifier) == (5.8e9, "CNY", ABOUT)
    assert money.raw == "about 5.8 billion yuan"
    assert to_money(parse_figure("40 million")).currency == "CNY"
    assert to_money(parse_figure("$3 million")).currency == "USD"
    assert to_money(parse_figure("300"), default_currency="EUR").currency == "EUR"
    count = to_quantity(parse_figure("12"))
    assert (count.value, count.unit) == (12, "units")
    repaired = to_quantity(parse_figure("34 percent year-on-year9%"))
    assert (repaired.value, repaired.unit, repaired.repaired) == (34.9, "%", True)


@pytest.mark.parametrize(
    ("raw", "sentence", "value", "unit", "basis"),
    [
        ("15.4%", "Ningbo's industrial investment rose 15.4% year-on-year.", 15.4, "%", "yoy"),
        (
            "34 percent year-on-year9%",
            "The added value increased by 34 percent year-on-year9%.",
            34.9,
            "%",
            "yoy",
        ),
        ("3.2%", "Exports fell 3.2% year-on-year.", -3.2, "%", "yoy"),
        ("5%", "Energy use per unit of output decreased by 5%.", -5, "%", "yoy"),
        ("2 percentage points", "The share dropped 2 percentage points.", -2, "pp", "yoy"),
        ("8.1%", "Its output declined 8.1% in the first half.", -8.1, "%", "yoy"),
        (
            "28 percentage points",
            "an increase of 28 percentage points over the previous year",
            28,
            "pp",
            "yoy",
        ),
        (
            "1.82 times",
            "The output value has increased by 1.82 times in the past four years.",
            1.82,
            "times",
            "other",
        ),
        ("2 times", "Output fell to a level 2 times lower.", 2, "times", "yoy"),
        ("12%", "an average annual growth of 12%", 12, "%", "other"),
        ("40%", "The output is 40% higher than that of 2019.", 40, "%", "other"),
        ("30%", "Sales have grown 30% since 2020.", 30, "%", "other"),
        ("12%", "Cumulative output rose 12%.", 12, "%", "other"),
        ("39.35%", "Accumulative output value rose 39.35% year-on-year.", 39.35, "%", "yoy"),
    ],
)
def test_changes_take_sign_and_basis_from_the_sentence(
    raw: str, sentence: str, value: float, unit: str, basis: str
) -> None:
    change = to_change(parse_figure(raw), sentence=sentence)
    assert change.value == pytest.approx(value)
    assert change.unit is ChangeUnit(unit)
    assert change.basis is Basis(basis)


def test_a_decrease_elsewhere_in_the_sentence_does_not_flip_an_increase() -> None:
    sentence = (
        "Industrial output rose 10% year-on-year, while energy consumption per unit of output "
        "fell 3%."
    )
    assert to_change(parse_figure("10%"), sentence=sentence).value == 10


def test_figure_numbers_reads_every_written_number() -> None:
    assert figure_numbers("1.21 trillion yuan and 145.5 billion, 1,221 projects") == [
        1.21,
        145.5,
        1221,
    ]


def test_figure_numbers_reads_a_decimal_split_by_a_line_break_whole() -> None:
    # list_figures finds "33.\n498 billion yuan" in "reached33.\n498 billion yuan" (the
    # decimal point ends a line); reading its number raised ValueError.
    assert figure_numbers("reached33.\n498 billion yuan") == [33.498]


# ---- properties -------------------------------------------------------------------------

SCALES = {
    "thousand": 1e3,
    "ten thousand": 1e4,
    "million": 1e6,
    "hundred million": 1e8,
    "billion": 1e9,
    "trillion": 1e12,
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
}


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(0, 10**9),
    decimals=st.integers(0, 3),
    scale=st.sampled_from(sorted(SCALES)),
    unit=st.sampled_from(["", " yuan", " RMB", " tons", " enterprises"]),
    gap=st.sampled_from([" ", ""]),
)
def test_a_formatted_number_parses_back_to_value_times_scale(
    whole: int, decimals: int, scale: str, unit: str, gap: str
) -> None:
    written = f"{whole / 10**decimals:,.{decimals}f}"  # thousands separators
    figure = parse_figure(f"{written}{gap}{scale}{unit}")
    expected = float(written.replace(",", "")) * SCALES[scale]
    assert math.isclose(figure.value, expected, rel_tol=1e-9)


QUALIFIER_WORDS = {
    "about": ABOUT,
    "around": ABOUT,
    "approximately": ABOUT,
    "nearly": ABOUT,
    "almost": ABOUT,
    "roughly": ABOUT,
    "close to": ABOUT,
    "more than": OVER,
    "over": OVER,
    "exceeds": OVER,
    "exceeded": OVER,
    "above": OVER,
    "at least": OVER,
    "in excess of": OVER,
    "less than": UNDER,
    "under": UNDER,
    "below": UNDER,
    "fewer than": UNDER,
    "up to": UP_TO,
}


@settings(max_examples=200, deadline=None)
@given(
    word=st.sampled_from(sorted(QUALIFIER_WORDS)),
    number=st.integers(1, 10**6),
    tail=st.sampled_from([" billion yuan", "%", " tons", " projects", ""]),
    inside=st.booleans(),
    capital=st.booleans(),
)
def test_qualifier_words_map_right(
    word: str, number: int, tail: str, inside: bool, capital: bool
) -> None:
    spelled = word.capitalize() if capital else word
    figure = (
        parse_figure(f"{spelled} {number:,}{tail}")
        if inside
        else parse_figure(f"{number:,}{tail}", before=f"The city signed {spelled} ")
    )
    assert figure.qualifier is QUALIFIER_WORDS[word]
    assert figure.value == number * (1e9 if tail == " billion yuan" else 1)


def test_no_qualifier_is_exact() -> None:
    assert parse_figure("145.5 billion yuan", before="reached ").qualifier is EXACT


FRAGMENTS = st.sampled_from(
    [
        "1/",
        "/",
        "0",
        "5",
        ",000",
        ".5",
        " billion",
        " hundred million",
        "万",
        "亿",
        " yuan",
        " RMB",
        "%",
        " percent",
        " times",
        " tons",
        " annual ",
        " more than ",
        " about ",
        "-level",
        "year-on-year",
        "9%",
        "ten",
        "a hundred",
        "double-digit",
    ]
)
ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=3)), max_size=10).map("".join),
)
# Inputs that hit the two cases below are left to their own tests.
_CASE_FOLD_TRAPS = re.compile("[\u0130\u0131\u017f]")


def _zero_denominator(text: str) -> bool:
    return any(int(d) == 0 for d in re.findall(r"/\s*(\d+)", text))


@settings(max_examples=400, deadline=None)
@given(raw=ANY_TEXT, before=ANY_TEXT, after=ANY_TEXT)
def test_parse_raises_nothing_but_figure_error(raw: str, before: str, after: str) -> None:
    if _CASE_FOLD_TRAPS.search(raw + before + after) or _zero_denominator(raw):
        return
    try:
        figure = parse_figure(raw, before=before, after=after)
    except FigureError:
        return
    to_change(figure, sentence=before + raw + after)
    to_quantity(figure)


@pytest.mark.parametrize("raw", ["1/0", "3 / 00 of output", "7/0.0"])
def test_a_zero_denominator_is_a_figure_error(raw: str) -> None:
    with pytest.raises(FigureError, match="zero denominator"):
        parse_figure(raw)


def test_a_decimal_denominator_is_read_whole() -> None:
    # "0.5" is the denominator, not "0" followed by ".5"
    assert parse_figure("5/0.5").value == pytest.approx(1000.0)


@pytest.mark.parametrize("raw", ["ſix", "fİve"])
def test_unicode_letters_that_case_fold_oddly_are_no_number(raw: str) -> None:
    with pytest.raises(FigureError, match="no number"):
        parse_figure(raw)


@pytest.mark.parametrize("raw", ["5 thouſand yuan", "5 bİllion yuan"])
def test_a_scale_word_with_odd_unicode_letters_is_not_a_scale(raw: str) -> None:
    figure = parse_figure(raw)
    assert figure.value == 5.0
    assert figure.unit is None


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        (
            "Industrial investment rose 15.4% and added value reached 120.3 billion yuan, up 8.1%.",
            ["15.4%", "120.3 billion yuan", "8.1%"],
        ),
        ("It invests RMB 5 billion and US$3 million.", ["RMB 5 billion", "US$3 million"]),
        (
            "A 100MW station, 40,000 tons a year, 292 acres and 3,000 mu.",
            ["100MW", "40,000 tons", "292 acres", "3,000 mu"],
        ),
        (
            "Exports grew 1.82 times, 28 percentage points above.",
            ["1.82 times", "28 percentage points"],
        ),
        (
            "Zhaoqing signed 12 projects and 1,221 projects are under construction.",
            ["12 projects", "1,221 projects"],
        ),
        ("Two new projects and 30 production lines.", ["Two new projects", "30 production lines"]),
        ("Output rose 34 percent year-on-year9%.", ["34 percent"]),
        ("A number of 10-billion-level projects.", ["10-billion-level"]),
        ("One third: 1/3 of the output.", ["1/3"]),
        (
            "There are 350 key industrial projects and three National Industrial Parks.",
            ["350 key industrial projects", "three National Industrial Parks"],
        ),
        ("Output had reached33.\n498 billion yuan.", ["33.\n498 billion yuan"]),
        # a currency code glued to its number (a capital before a number is otherwise a name)
        (
            "Output amounted to RMB845.24 billion, revenue CNY618 million (USD84.7 million).",
            ["RMB845.24 billion", "CNY618 million", "USD84.7 million"],
        ),
        ("Fourteen major provincial projects started.", ["Fourteen major provincial projects"]),
        ("Forty-eight major projects were signed.", ["Forty-eight major projects"]),
        ("Wujin has reserved 165 major/key projects.", ["165 major/key projects"]),
        (
            "It built over 110,000 5G base stations and 12 3D printing plants.",
            ["110,000 5G base stations", "12 3D printing plants"],
        ),
    ],
)
def test_find_figures_lists_money_quantities_percentages_multiples_and_counts(
    sentence: str, figures: list[str]
) -> None:
    assert [f.text for f in find_figures(sentence)] == figures


@pytest.mark.parametrize(
    "sentence",
    [
        "On March 15, 2023 enterprises met in Phase II of the No. 3 plant.",
        "Call 0771-1234567 about the 14th Five-Year Plan and 5G.",
        "In 2023 enterprises above designated size grew.",
        "In the first seven months it grew for three consecutive years, in 5 days.",
        "The G20 and CO2 emissions in Q1 2023.",
        "Its 5G factories and 3D printing lead, with 4G networks.",
        "Building 5b and phase 2b of the park opened.",
    ],
)
def test_years_dates_and_list_numbers_are_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
@example(text="0$0")  # a currency sign between two numbers belongs to one figure only
def test_found_figures_are_ordered_spans_of_the_text_that_parse(text: str) -> None:
    if _CASE_FOLD_TRAPS.search(text) or _zero_denominator(text):
        return
    end = 0
    for figure in find_figures(text):
        assert end <= figure.start < figure.end
        assert figure.text == text[figure.start : figure.end]
        parse_figure(figure.text)  # raises FigureError if a listed figure is not a figure
        end = figure.end


@pytest.mark.parametrize(
    ("raw", "value", "unit", "repaired"),
    [
        ("350 key industrial projects", 350, "projects", False),
        ("three National Industrial Parks", 3, "parks", False),
        ("33.\n498 billion yuan", 33.498e9, "CNY", True),
        ("Forty-eight major projects", 48, "projects", False),
        ("twenty one projects", 21, "projects", False),
    ],
)
def test_a_count_names_its_head_noun_and_a_broken_decimal_is_repaired(
    raw: str, value: float, unit: str, repaired: bool
) -> None:
    figure = parse_figure(raw)
    assert figure.value == pytest.approx(value)
    assert (figure.unit, figure.repaired) == (unit, repaired)


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("15.4%", True),
        ("8.1 percent", True),
        ("3 per cent", True),
        ("2.7 percentage points", False),
        ("120.3 billion yuan", False),
        ("excellent", False),
    ],
)
def test_is_percent_reads_the_unit_not_the_spelling(text: str, percent: bool) -> None:
    assert is_percent(text) is percent


def test_a_sum_written_as_two_scales_is_one_figure() -> None:
    text = "Investment reached 21 billion 700 million yuan, and output 5 billion yuan."
    assert [f.text for f in find_figures(text)] == ["21 billion 700 million yuan", "5 billion yuan"]


@pytest.mark.parametrize(
    ("raw", "before", "value", "qualifier"),
    [
        ("one-third of the global total", "accounting for ", 33.33, Qualifier.EXACT),
        ("about one-quarter of the country", "accounts for ", 25.0, Qualifier.ABOUT),
        ("nearly half", "making up ", 50.0, Qualifier.ABOUT),
        ("two-thirds", "", 66.67, Qualifier.EXACT),
    ],
)
def test_a_share_written_as_a_fraction_word_is_a_percent(
    raw: str, before: str, value: float, qualifier: Qualifier
) -> None:
    figure = parse_figure(raw, before=before)
    assert (figure.value, figure.unit, figure.qualifier) == (value, "%", qualifier)


def test_half_of_a_period_is_no_share() -> None:
    with pytest.raises(FigureError):
        parse_figure("half", before="in the first ")
