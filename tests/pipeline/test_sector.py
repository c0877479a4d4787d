"""A project's sector comes from its name, else from what its sentences say it makes; the
model's own sector wins when it gives one."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.sector import name_sector, sentence_sector
from extractor.pipeline.wire import ChunkExtraction


@pytest.mark.parametrize(
    ("name", "enterprises", "location", "sector"),
    [
        (
            "Jiangbei Sodium-ion Battery Production Base Phase II Project",
            [],
            "Jiangbei District",
            "Sodium-ion Battery",
        ),
        ("Contoso Co's graphite anode project", ["Contoso Co"], None, "graphite anode"),
        ("Fabrikam wind turbine blade plant", ["Fabrikam"], "Hexi", "wind turbine blade"),
        ("first phase of the optical fiber preform project", [], None, "optical fiber preform"),
        ("new energy vehicle assembly line", [], None, "new energy vehicle"),
    ],
)
def test_the_name_minus_place_enterprise_and_head_is_the_sector(
    name: str, enterprises: list[str], location: str | None, sector: str
) -> None:
    assert name_sector(name, enterprises, location) == sector


@pytest.mark.parametrize(
    "name",
    [
        "Contoso New Materials Co., Ltd.",  # a company's name
        "Xiaoshan Town project",  # a place's
        "new industrial park",  # head words only
        "Phase II",
        "300-million-yuan project",
    ],
)
def test_a_name_that_states_no_product_gives_no_sector(name: str) -> None:
    assert name_sector(name, [], None) is None


@pytest.mark.parametrize(
    ("sentence", "sector"),
    [
        ("The plant will manufacture wind turbine blades, with 600 staff.", "wind turbine blades"),
        ("Contoso, engaged in optical fiber production, moved in.", "optical fiber"),
        ("It is a base for the production of cathode materials in Hexi.", "cathode materials"),
        ("It will turn out 50,000 tons of recycled aluminum a year.", "recycled aluminum"),
    ],
)
def test_what_a_sentence_says_the_project_makes_is_the_sector(sentence: str, sector: str) -> None:
    assert sentence_sector([sentence]) == sector


def test_a_sentence_that_names_no_product_gives_no_sector() -> None:
    assert sentence_sector(["The project broke ground on Monday in Hexi."]) is None


TEXT = (
    "Hexi held an industry meeting on Monday.\n"
    "Fabrikam began building its 300-million-yuan project in Hexi, which will manufacture "
    "wind turbine blades.\n"
    "Contoso opened its graphite anode plant in Hexi.\n"
)


def _projects(answer: list[dict[str, object]]) -> dict[str, str | None]:
    (chunk,) = default_chunks(TEXT)
    grounded = ground_chunk(TEXT, chunk, ChunkExtraction.model_validate({"projects": answer}))
    return {p.name: p.sector for p in grounded.projects}


def test_grounding_fills_a_missing_sector_and_keeps_the_models() -> None:
    sectors = _projects(
        [
            {
                "sentences": [2],
                "name": "300-million-yuan project",
                "investment": "300-million-yuan",
                "enterprises": ["Fabrikam"],
            },
            {"sentences": [3], "name": "graphite anode plant", "enterprises": ["Contoso"]},
            {
                "sentences": [3],
                "name": "Contoso anode plant",
                "sector": "battery anodes",
                "enterprises": ["Contoso"],
            },
        ]
    )
    assert sectors == {
        "300-million-yuan project": "wind turbine blades",
        "graphite anode plant": "graphite anode",
        "Contoso anode plant": "battery anodes",
    }


def test_the_chinese_proper_names_a_name_starts_with_are_no_part_of_its_sector() -> None:
    text = "The Qiaotou Hexi Nuclear Power Plant started work; nuclear power is new here."
    assert name_sector("Qiaotou Hexi Nuclear Power Plant", [], None, text) == "Nuclear Power"
    # without the text, or where the text writes the word in lower case, it stays
    assert name_sector("Qiaotou Hexi Nuclear Power Plant", [], None) == "Qiaotou Hexi Nuclear Power"
    machine = "The Lanxi machine base makes machine tools."
    assert name_sector("Machine Tool Base", [], None, machine) == "Machine Tool"
