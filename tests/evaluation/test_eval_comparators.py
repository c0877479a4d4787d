"""Normalization and the strict and lenient comparators."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.evaluation.compare import (
    Comparator,
    canonical_unit,
    marker_tokens,
    normalize_name,
    numbers_close,
    period_tokens,
    text_similarity,
)
from extractor.evaluation.settings import Mode, ScoringSettings
from extractor.records import Change, Money, Quantity

STRICT = Comparator.for_mode(Mode.STRICT, ScoringSettings())
LENIENT = Comparator.for_mode(Mode.LENIENT, ScoringSettings())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ningbo Junjia Electric Appliance Co., Ltd.", "ningbo junjia electric appliance"),
        ("Shanghai Huayi Holding Group Co., Ltd.", "shanghai huayi holding group"),
        ("Contemporary Amperex Technology Co., Limited", "contemporary amperex technology"),
        ("BYD Company Limited", "byd"),
        ("BYD's Nanning Qingxiu Park", "byd nanning qingxiu park"),
        ("  The   Xpeng  Motors ", "xpeng motors"),
        ("Co.", "co"),  # a suffix alone is kept: a name never normalizes to nothing
    ],
)
def test_names_lose_case_punctuation_and_legal_suffixes(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_project_names_also_lose_a_trailing_project() -> None:
    assert normalize_name("GCL project", project=True) == "gcl"
    assert normalize_name("GCL project") == "gcl project"


def test_numbers_in_names_keep_things_apart() -> None:
    assert marker_tokens(normalize_name("Xizhen Phase II")) == ("2",)
    assert not LENIENT.names(["Xizhen Phase I"], ["Xizhen Phase II"])
    assert text_similarity(["Xizhen Phase I"], ["Xizhen Phase II"]) <= 0.5
    assert LENIENT.names(["second phase of Guanxu"], ["Guanxu phase 2"]) is False  # words differ
    assert marker_tokens(normalize_name("second phase of Guanxu")) == ("2",)


def test_strict_names_need_equal_normal_forms_lenient_accept_near_ones() -> None:
    a, b = ["Ningbo Junjia Electric Appliance"], ["Ningbo Junjia Electric Appliances"]
    assert not STRICT.names(a, b)
    assert LENIENT.names(a, b)
    assert STRICT.names(["Junjia"], ["Ningbo Junjia Electric", "Junjia"])  # an alias
    assert not LENIENT.names(["BYD"], ["Sany Heavy Industry"])


def test_lenient_enterprises_accept_a_shortened_name() -> None:
    full = ["Ningbo Junjia Electric Appliance Co., Ltd."]
    assert LENIENT.enterprises(full, ["Junjia Electric Appliance"])
    assert not STRICT.enterprises(full, ["Junjia Electric Appliance"])
    assert not LENIENT.enterprises(full, ["Ningbo Fotile Kitchen Ware"])
    assert not LENIENT.names(full, ["Junjia Electric"])  # other names: no word containment
    assert text_similarity(full, ["Junjia Electric"], enterprise=True) == 0.9
    assert text_similarity(["Nanning Chuxin"], ["Huaxin Zhenbang"], enterprise=True) < 0.8


def test_places_accept_a_more_specific_place_in_lenient_mode() -> None:
    assert LENIENT.phrase("Qingxiu District, Nanning", "Qingxiu District")
    assert not STRICT.phrase("Qingxiu District, Nanning", "Qingxiu District")
    assert not LENIENT.phrase("Yinzhou", "Beilun")


@pytest.mark.parametrize(
    ("gold", "pred", "lenient"),
    [
        # 2.3.0: a word and its plural are one word when one text's words hold the other's
        ("batteries", "battery", True),
        ("stainless steel seamless pipes", "high-end stainless steel seamless pipe", True),
        ("PV modules", "New High-Efficiency PV Module Production", True),
        # another thing, or another number, still disagrees
        ("tires", "tyre cords", False),
        ("batteries", "2 batteries", False),
    ],
)
def test_short_descriptions_fold_plurals_in_lenient_mode(
    gold: str, pred: str, lenient: bool
) -> None:
    assert LENIENT.phrase(gold, pred) is lenient
    assert not STRICT.phrase(gold, pred)


@pytest.mark.parametrize(
    ("gold", "pred", "strict", "lenient"),
    [
        ("January to July this year", "January-July this year", True, True),
        ("January to July this year", "January to July", False, True),
        ("first half of the year", "first half", False, True),
        ("this year", "last year", False, False),
        ("2023", "2022", False, False),
        ("2023", "first half of 2023", False, False),
        ("the past four years", "past 4 years", True, True),
    ],
)
def test_periods(gold: str, pred: str, strict: bool, lenient: bool) -> None:
    assert STRICT.period(gold, pred) is strict
    assert LENIENT.period(gold, pred) is lenient


def test_period_tokens_turn_number_words_into_digits() -> None:
    assert period_tokens("The past four years") == ("past", "4", "years")


def money(amount: float, currency: str = "CNY") -> Money:
    return Money(amount=amount, currency=currency, raw="x")


def test_money_tolerances() -> None:
    assert STRICT.money(money(1000), money(1004))  # 0.4 %
    assert not STRICT.money(money(1000), money(1010))  # 1 %
    assert LENIENT.money(money(1000), money(1010))
    assert not LENIENT.money(money(1000), money(1030))  # 3 %
    assert not LENIENT.money(money(1000), money(1000, "USD"))


def test_quantities_compare_in_canonical_units() -> None:
    gwh = Quantity(value=10, unit="GWh", raw="10GWh")
    mwh = Quantity(value=10000, unit="MWh", raw="10,000MWh")
    assert STRICT.quantity(gwh, mwh)
    annual = Quantity(value=40000, unit="t/yr", raw="40,000 tons a year")
    bare = Quantity(value=40000, unit="t", raw="40,000 tons")
    assert not LENIENT.quantity(annual, bare)  # /yr is part of the unit
    assert STRICT.quantity(annual, Quantity(value=40000, unit="tons per year", raw="x"))
    plural = Quantity(value=12, unit="Enterprises", raw="12")
    assert STRICT.quantity(plural, Quantity(value=12, unit="enterprise", raw="12"))


def test_canonical_units() -> None:
    assert canonical_unit("MWh").base == "Wh"
    assert canonical_unit("MWh").factor == 1e6
    assert canonical_unit("m2/yr").base == "m2/yr"
    assert canonical_unit("USD").is_currency
    assert canonical_unit("production lines").base == "production line"
    assert canonical_unit("companies").base == "company"


def test_changes_need_the_same_unit_and_basis() -> None:
    c = Change(value=15.4, unit="%", basis="yoy", raw="15.4%")
    assert STRICT.change(c, Change(value=15.4, unit="%", basis="yoy", raw="15.4"))
    assert not LENIENT.change(c, Change(value=15.4, unit="pp", basis="yoy", raw="x"))
    assert not LENIENT.change(c, Change(value=15.4, unit="%", basis="other", raw="x"))
    assert LENIENT.change(c, Change(value=15.6, unit="%", basis="yoy", raw="x"))
    assert not STRICT.change(c, Change(value=15.6, unit="%", basis="yoy", raw="x"))


def test_two_zeros_agree_and_sign_matters() -> None:
    assert numbers_close(0, 0, 0.005)
    assert not numbers_close(-3.1, 3.1, 0.02)


names = st.text(alphabet="abcdefgh XYZ.,'-", min_size=1, max_size=30)
amounts = st.floats(min_value=-1e13, max_value=1e13, allow_nan=False)


@given(names, names)
def test_text_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    forward, backward = text_similarity([a], [b]), text_similarity([b], [a])
    assert forward == backward
    assert 0.0 <= forward <= 1.0


@given(names, names)
def test_lenient_text_accepts_whatever_strict_accepts(a: str, b: str) -> None:
    if STRICT.names([a], [b]):
        assert LENIENT.names([a], [b])
    if STRICT.phrase(a, b):
        assert LENIENT.phrase(a, b)
    if STRICT.period(a, b):
        assert LENIENT.period(a, b)
    assert STRICT.names([a], [b]) == STRICT.names([b], [a])
    assert LENIENT.phrase(a, b) == LENIENT.phrase(b, a)
    assert LENIENT.period(a, b) == LENIENT.period(b, a)


@given(amounts, amounts)
def test_number_tolerance_is_symmetric_and_nested(a: float, b: float) -> None:
    assert numbers_close(a, b, 0.02) == numbers_close(b, a, 0.02)
    if numbers_close(a, b, 0.005):
        assert numbers_close(a, b, 0.02)
