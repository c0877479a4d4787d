"""The record models accept exactly the format of the annotation guide and nothing else."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from extractor.records import DocumentRecord, Evidence, Money, Role, RunMeta, Status
from extractor.records.schema_files import render_schemas

EXAMPLE_TEXT = (
    "In May, Ningbo Junjia Electric Appliance Co., Ltd. began building its 1.5 billion yuan\n"
    "kitchen appliance base in Qianwan New District. Ningbo's industrial investment rose 15.4%\n"
    "year-on-year in the first half of the year."
)
FIRST = EXAMPLE_TEXT.index("Ningbo's") - 1
SECOND_START = FIRST + 1


def span(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": EXAMPLE_TEXT[start:end]}


def worked_example() -> dict[str, Any]:
    """Section 6 of the guide, with the evidence written out in full."""
    first = span(0, FIRST)
    second = span(SECOND_START, len(EXAMPLE_TEXT))
    return {
        "doc_id": "example",
        "text_sha256": "a" * 64,
        "projects": [
            {
                "name": "kitchen appliance base",
                "location": "Qianwan New District",
                "sector": "kitchen appliances",
                "investment": {
                    "amount": 1500000000,
                    "currency": "CNY",
                    "qualifier": "exact",
                    "raw": "1.5 billion yuan",
                },
                "output_value": None,
                "capacity": [],
                "status": "under_construction",
                "enterprises": ["Ningbo Junjia Electric Appliance Co., Ltd."],
                "evidence": [first],
            }
        ],
        "indicators": [
            {
                "name": "industrial investment",
                "region": "Ningbo",
                "enterprise": None,
                "period": "first half of the year",
                "value": None,
                "change": {
                    "value": 15.4,
                    "unit": "%",
                    "basis": "yoy",
                    "qualifier": "exact",
                    "raw": "15.4% year-on-year",
                },
                "evidence": [second],
            }
        ],
        "enterprise_roles": [
            {
                "enterprise": "Ningbo Junjia Electric Appliance Co., Ltd.",
                "role": "investor",
                "project": "kitchen appliance base",
                "evidence": [first],
            }
        ],
    }


def test_worked_example_round_trips_unchanged() -> None:
    data = worked_example()
    record = DocumentRecord.model_validate(data, context={"text": EXAMPLE_TEXT})
    dumped = json.loads(record.model_dump_json())
    assert dumped == data
    assert record.projects[0].status is Status.UNDER_CONSTRUCTION
    assert record.enterprise_roles[0].role is Role.INVESTOR
    assert record.indicators[0].change is not None
    assert record.indicators[0].change.value == pytest.approx(15.4)


def test_whole_amounts_serialize_without_a_fraction() -> None:
    money = Money(amount=1.21e12, currency="CNY", raw="1.21 trillion yuan")
    assert '"amount":1210000000000' in money.model_dump_json()


def test_gold_only_and_repair_keys_are_accepted_and_kept() -> None:
    data = worked_example()
    data["projects"][0]["optional"] = True
    data["projects"][0]["aliases"] = ["Junjia base"]
    data["indicators"][0]["change"]["repaired"] = True
    data["annotation"] = {"annotator": "a", "guideline_version": "1.1", "extra": 1}
    record = DocumentRecord.model_validate(data, context={"text": EXAMPLE_TEXT})
    dumped = json.loads(record.model_dump_json())
    assert dumped["projects"][0]["optional"] is True
    assert dumped["projects"][0]["aliases"] == ["Junjia base"]
    assert dumped["indicators"][0]["change"]["repaired"] is True
    assert dumped["annotation"]["extra"] == 1


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ((), "confidence"),
        (("projects", 0), "budget"),
        (("indicators", 0), "unit"),
        (("enterprise_roles", 0), "share"),
        (("projects", 0, "investment"), "usd_amount"),
        (("projects", 0, "evidence", 0), "sentence"),
    ],
)
def test_unknown_fields_are_rejected(path: tuple[Any, ...], key: str) -> None:
    data = worked_example()
    target: Any = data
    for step in path:
        target = target[step]
    target[key] = "x"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        DocumentRecord.model_validate(data)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("projects", 0, "status"), "finished"),
        (("enterprise_roles", 0, "role"), "owner"),
        (("indicators", 0, "change", "unit"), "percent"),
        (("indicators", 0, "change", "basis"), "mom"),
        (("projects", 0, "investment", "qualifier"), "approximately"),
        (("projects", 0, "investment", "currency"), "yuan"),
    ],
)
def test_bad_enum_values_are_rejected(path: tuple[Any, ...], value: str) -> None:
    data = worked_example()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        DocumentRecord.model_validate(data)


def test_evidence_text_that_does_not_match_its_offsets_is_rejected() -> None:
    data = worked_example()
    evidence = data["indicators"][0]["evidence"][0]
    evidence["start"] -= 1
    evidence["end"] -= 1
    with pytest.raises(ValidationError, match="does not match the document"):
        DocumentRecord.model_validate(data, context={"text": EXAMPLE_TEXT})


def test_evidence_length_must_equal_its_span_even_without_the_text() -> None:
    with pytest.raises(ValidationError, match="span"):
        Evidence(start=0, end=10, text="short")
    with pytest.raises(ValidationError, match="greater than start"):
        Evidence(start=5, end=4, text="x")


def test_evidence_past_the_end_of_the_document_is_rejected() -> None:
    data = worked_example()
    data["projects"][0]["evidence"] = [{"start": 0, "end": 5, "text": "In Ma"}]
    with pytest.raises(ValidationError, match="runs past the end"):
        DocumentRecord.model_validate(data, context={"text": "In M"})


def test_a_record_without_evidence_is_rejected_unless_flagged_ungrounded() -> None:
    data = worked_example()
    data["enterprise_roles"][0]["evidence"] = []
    with pytest.raises(ValidationError, match="at least one evidence span"):
        DocumentRecord.model_validate(data)
    flagged = copy.deepcopy(data)
    flagged["enterprise_roles"][0]["ungrounded"] = True
    assert DocumentRecord.model_validate(flagged).enterprise_roles[0].ungrounded


def test_text_sha256_must_be_lowercase_hex() -> None:
    data = worked_example()
    data["text_sha256"] = "A" * 64
    with pytest.raises(ValidationError):
        DocumentRecord.model_validate(data)


def test_schema_files_are_current() -> None:
    folder = Path(__file__).resolve().parent.parent / "schemas"
    rendered = render_schemas()
    on_disk = {path.name for path in folder.glob("*.json")}
    assert on_disk == set(rendered), "schemas/ has stale or missing files: run `make schemas`"
    for name, text in rendered.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"schemas/{name} is stale: run `make schemas`"
        )


# ---- the run metadata -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_run_metadata_declares_what_the_pipeline_writes() -> None:
    meta = RunMeta.model_validate({"prompt_sha256": "0123456789abcdef", "chunks": 3,
                                   "model_seconds": 1.25})  # fmt: skip
    assert (meta.prompt_sha256, meta.chunks, meta.model_seconds) == ("0123456789abcdef", 3, 1.25)
    assert meta.model_extra in (None, {})
    for name in ("prompt_sha256", "chunks", "model_seconds"):
        assert RunMeta.model_fields[name].description
    with pytest.raises(ValidationError, match="chunks"):
        RunMeta.model_validate({"chunks": "several"})
    with pytest.raises(ValidationError, match="model_seconds"):
        RunMeta.model_validate({"model_seconds": -1})


def test_an_unknown_key_in_the_run_metadata_is_rejected() -> None:
    line = worked_example() | {"meta": {"model": "m", "chunk": 3}}
    with pytest.raises(ValidationError, match=r"meta\.chunk\n.*Extra inputs are not permitted"):
        DocumentRecord.model_validate(line)


def test_output_written_by_an_earlier_version_still_loads() -> None:
    lines = (ROOT / "eval" / "seeds.pred.jsonl").read_text(encoding="utf-8").splitlines()
    records = [DocumentRecord.model_validate_json(line) for line in lines if line.strip()]
    assert records
    for record in records:
        assert record.meta is not None
        assert record.meta.chunks is not None
        assert record.meta.chunks >= 1
        assert record.meta.prompt_sha256
