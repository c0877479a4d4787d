"""The LangExtract adapter: examples equivalent to the project's, extractions to records."""

from __future__ import annotations

import langextract as lx
import pytest

from benchmarks.systems.langextract_adapter import examples, to_records
from extractor.records import Role, Status

TEXT = (
    "Junjia began building its 1.5 billion yuan kitchen appliance base in Qianwan. "
    "Ningbo's industrial investment rose 15.4% year-on-year. Junjia signed with Midea."
)


def _at(extraction_class: str, said: str, **attributes: object) -> lx.data.Extraction:
    start = TEXT.find(said)
    interval = lx.data.CharInterval(start_pos=start, end_pos=start + len(said))
    return lx.data.Extraction(
        extraction_class, said, char_interval=interval if start >= 0 else None,
        attributes=attributes,
    )  # fmt: skip


def test_examples_restate_the_project_examples_with_exact_spans() -> None:
    shots = examples()
    assert shots
    for shot in shots:
        classes = {e.extraction_class for e in shot.extractions}
        assert classes == {"project", "indicator", "role"}
        for extraction in shot.extractions:
            assert extraction.extraction_text in shot.text


def test_extractions_become_records_with_their_spans() -> None:
    document = lx.data.AnnotatedDocument(
        text=TEXT,
        extractions=[
            _at("project", "kitchen appliance base", location="Qianwan",
                investment="1.5 billion yuan", status="Under Construction",
                enterprises=["Junjia", "not specified"], capacity="unknown"),
            _at("indicator", "industrial investment rose 15.4%", name="industrial investment",
                region="Ningbo", change="15.4%", value="not specified"),
            _at("role", "Midea", role="partner"),
            _at("role", "Nobody Ltd", role="sponsor"),
            _at("person", "Junjia"),
        ],
    )  # fmt: skip
    warnings: list[str] = []
    records = to_records(document, TEXT, warnings)
    (project,) = records["projects"]
    assert project.name == "kitchen appliance base"
    assert project.investment is not None
    assert project.investment.amount == 1.5e9
    assert project.investment.currency == "CNY"
    assert project.status is Status.UNDER_CONSTRUCTION
    assert project.enterprises == ["Junjia"]
    assert project.capacity == []
    assert TEXT[project.evidence[0].start : project.evidence[0].end] == "kitchen appliance base"
    (indicator,) = records["indicators"]
    assert indicator.change is not None
    assert indicator.change.value == pytest.approx(15.4)
    assert indicator.value is None
    midea, nobody = records["enterprise_roles"]
    assert midea.role is Role.PARTNER
    assert nobody.role is Role.OTHER
    assert nobody.ungrounded  # not in the text: no span, flagged
    assert not nobody.evidence
    assert warnings == ["unknown class 'person'"]


def test_a_figure_without_a_number_is_dropped_with_a_warning() -> None:
    document = lx.data.AnnotatedDocument(
        text=TEXT,
        extractions=[_at("project", "kitchen appliance base", investment="a lot of money")],
    )
    warnings: list[str] = []
    (project,) = to_records(document, TEXT, warnings)["projects"]
    assert project.investment is None
    assert len(warnings) == 1
    assert warnings[0].startswith("money 'a lot of money'")
