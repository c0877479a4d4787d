"""Telling a foreign country from a place in China (``extractor.pipeline.abroad``)."""

from __future__ import annotations

import pytest

from extractor.pipeline.abroad import is_abroad


@pytest.mark.parametrize(
    "region",
    ["Japan", "the US", "US", "U.S.", "USA", "America", "Britain", "the UK", "United Kingdom",
     "Germany", "Viet Nam", "Russia"],
)  # fmt: skip
def test_a_foreign_country_by_its_iso_name_code_or_english_short_form_is_abroad(
    region: str,
) -> None:
    assert is_abroad(region)


@pytest.mark.parametrize(
    "region",
    [
        "China",
        "Hong Kong",
        "Taiwan",
        "Macao",
        "Shanghai",
        "Inner Mongolia",
        # a place or route that only holds a country's name is no country
        "South America",
        "Guangxi-ASEAN Economic Development Zone",
        "China-Europe freight trains",
        # a code counts only in capitals: "in" is a word, not India
        "in",
        "",
    ],
)
def test_china_its_parts_and_places_that_hold_a_country_name_are_not_abroad(region: str) -> None:
    assert not is_abroad(region)
