"""The company a project's name opens with (``extractor.pipeline.owners``). Names and texts
are invented in the articles' style."""

from __future__ import annotations

import pytest

from extractor.pipeline.owners import name_owner, with_owners
from extractor.records import Evidence, Indicator, Project, Quantity

_TEXT = (
    "In Qiaotou, the Qiaotou Hexi Trading Project, the Lanxiang Optical Encoder Project and "
    "the Qiaotou Nuclear Power Plant started; the ABC Battery Project was signed."
)


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("Qiaotou Hexi Trading Project", "Qiaotou Hexi"),  # place and brand, as the gold
        ("Lanxiang Optical Encoder Project", "Lanxiang"),
        ("Hexi ABC Battery Project", "Hexi"),  # what it makes starts at the acronym
        ("Qiaotou Nuclear Power Plant", None),  # a place only
        ("Smart Energy Project", None),  # no name before what it makes
        ("Shandong Nuclear Power Plant", None),  # a province is no company
    ],
)
def test_the_company_a_project_name_opens_with(name: str, owner: str | None) -> None:
    assert name_owner(name, _TEXT, set()) == owner


def test_a_word_the_records_use_as_a_place_is_no_company() -> None:
    assert name_owner("Lanxiang Optical Encoder Project", _TEXT, {"lanxiang"}) is None


def _project(name: str, enterprises: list[str]) -> Project:
    return Project(
        name=name, enterprises=enterprises, evidence=[Evidence(start=0, end=5, text=_TEXT[:5])]
    )


def test_only_projects_that_name_no_enterprise_take_the_one_their_name_opens_with() -> None:
    indicator = Indicator(
        name="output value",
        region="Hexi",
        value=Quantity(value=1.0, unit="CNY", raw="1 yuan"),
        evidence=[Evidence(start=0, end=5, text=_TEXT[:5])],
    )
    projects = with_owners(
        [
            _project("Lanxiang Optical Encoder Project", []),
            _project("ABC Battery Project", ["ABC Energy Co., Ltd."]),
            _project("Qiaotou Hexi Trading Project", []),
        ],
        [indicator],
        _TEXT,
    )
    assert [p.enterprises for p in projects] == [
        ["Lanxiang"],
        ["ABC Energy Co., Ltd."],
        [],  # "Hexi" is an indicator's place here, and "Qiaotou" the text's
    ]
