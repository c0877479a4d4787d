"""A product or phrase the model lists as a project folds into the project that makes it."""

from __future__ import annotations

from typing import Any

from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction

TEXT = (
    "Hexi held an industry meeting on Monday.\n"
    "Contoso began building its Hexi tire plant for 2 billion yuan.\n"
    "It will make 500,000 tons of tire rubber a year.\n"
    "Fabrikam opened a glass plant in Anxi.\n"
    "The county also reported strong retail sales.\n"
    "Its solar glass sells well abroad.\n"
)


def _ground(projects: list[dict[str, Any]]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    (chunk,) = default_chunks(TEXT)
    grounded = ground_chunk(TEXT, chunk, ChunkExtraction.model_validate({"projects": projects}))
    shown = [(p.name, [c.raw for c in p.capacity]) for p in grounded.projects]
    return shown, grounded.warnings


TIRE_PLANT: dict[str, Any] = {
    "sentences": [2],
    "name": "Hexi tire plant",
    "investment": "2 billion yuan",
    "enterprises": ["Contoso"],
}


def test_a_product_in_the_next_sentence_folds_into_the_project_with_its_capacity() -> None:
    tires: dict[str, Any] = {
        "sentences": [3],
        "name": "tire rubber",
        "capacity": ["500,000 tons"],
    }
    shown, warnings = _ground([TIRE_PLANT, tires])
    assert shown == [("Hexi tire plant", ["500,000 tons"])]
    assert any("'tire rubber': a product or phrase, folded into" in w for w in warnings)


def test_a_product_of_the_same_enterprise_folds_into_its_project() -> None:
    tires: dict[str, Any] = {"sentences": [6], "name": "solar glass", "enterprises": ["Contoso"]}
    shown, _ = _ground([TIRE_PLANT, tires])
    assert [name for name, _ in shown] == ["Hexi tire plant"]


def test_a_product_with_no_project_near_is_no_project() -> None:
    glass: dict[str, Any] = {"sentences": [6], "name": "solar glass", "enterprises": ["Fabrikam"]}
    shown, warnings = _ground([TIRE_PLANT, glass])
    assert [name for name, _ in shown] == ["Hexi tire plant"]
    assert any("'solar glass'" in w and "no project" in w for w in warnings)
