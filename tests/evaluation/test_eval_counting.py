"""Counting rules in detail, and how broken or incomplete inputs are handled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from evalkit import (
    TEXT_A,
    Bench,
    document,
    evidence,
    gold,
    gold_a,
    gold_b,
    predictions,
    project,
    quantity,
    role,
)

from extractor.errors import GoldError, InputError
from extractor.evaluation.report import render_markdown
from extractor.evaluation.run import Evaluation
from extractor.evaluation.settings import ErrorClass, Level, Mode, RecordType


def field(evaluation: Evaluation, mode: Mode, record_type: RecordType, name: str) -> Any:
    return next(
        f.score
        for f in evaluation.report.fields
        if (f.mode, f.record_type, f.field) == (mode, record_type, name)
    )


def overall(evaluation: Evaluation, level: Level, mode: Mode) -> Any:
    return next(r.overall for r in evaluation.report.results if (r.level, r.mode) == (level, mode))


def counts(score: Any) -> tuple[int, int, int]:
    return (score.tp, score.fp, score.fn)


def test_capacity_elements_are_matched_one_to_one_in_canonical_units(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["projects"][1]["capacity"] = [
        quantity(400, "MWh", "400MWh"),
        quantity(40, "t/yr", "40,000 tons"),  # off by a thousand
        quantity(0.1, "GW", "100MW"),  # the same 100 MW
    ]
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    for mode in Mode:
        assert counts(field(evaluation, mode, RecordType.PROJECT, "capacity")) == (2, 1, 1)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("capacity", ErrorClass.MAGNITUDE)
    assert isinstance(error.gold, dict)
    assert error.gold["value"] == 40000
    assert isinstance(error.pred, dict)
    assert error.pred["value"] == 40


def test_enterprise_list_counts_each_element(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["projects"][1]["enterprises"] = ["Shanshan Co., Ltd.", "CATL"]
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert counts(field(evaluation, Mode.STRICT, RecordType.PROJECT, "enterprises")) == (2, 1, 1)
    classes = sorted(e.error_class.value for e in evaluation.errors)
    assert classes == ["missing", "spurious"]  # unrelated names are not a wrong value


def test_role_project_is_judged_through_the_project_alignment(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    renamed = "Junjia kitchen appliances plant"
    preds[0]["projects"][0]["name"] = renamed
    preds[0]["enterprise_roles"][0]["project"] = renamed
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert [e.field for e in evaluation.errors] == ["name"]  # the project name, once
    for mode in Mode:
        role_project = field(evaluation, mode, RecordType.ENTERPRISE_ROLE, "project")
        assert counts(role_project) == (3, 0, 0)


def test_role_pointing_at_another_aligned_project_is_wrong_project(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["enterprise_roles"][1]["project"] = "kitchen appliance base"
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("project", ErrorClass.WRONG_PROJECT)
    detection = overall(evaluation, Level.DETECTION, Mode.LENIENT)
    assert counts(detection) == (7, 1, 1)  # project is part of a role's identity


def test_a_shortened_enterprise_name_is_detected_in_lenient_mode_only(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["enterprise_roles"][2]["enterprise"] = "Shanshan New Material"
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert (error.field, error.error_class, error.strict_only) == (
        "enterprise",
        "wrong_value",
        True,
    )
    assert counts(overall(evaluation, Level.DETECTION, Mode.STRICT)) == (7, 1, 1)
    assert counts(overall(evaluation, Level.DETECTION, Mode.LENIENT)) == (8, 0, 0)


def test_another_enterprise_with_the_same_role_is_not_a_match(tmp_path: Path) -> None:
    a = "doc_a"
    snippet = "Junjia also set up a research centre."
    gold_doc = document(a, roles=[role(a, "Nanning Chuxin", "chain_leader", snippet)])
    pred_doc = document(a, roles=[role(a, "Huaxin Zhenbang", "chain_leader", snippet)])
    evaluation = Bench(tmp_path).evaluate([gold_doc], [pred_doc])
    assert sorted(e.error_class.value for e in evaluation.errors) == ["missing", "spurious"]
    assert counts(overall(evaluation, Level.FIELD, Mode.LENIENT)) == (0, 2, 2)


def test_lenient_accepts_a_one_percent_difference_strict_does_not(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["indicators"][1]["value"]["value"] = 1.21e12 * 1.01
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert counts(field(evaluation, Mode.STRICT, RecordType.INDICATOR, "value")) == (1, 1, 1)
    assert counts(field(evaluation, Mode.LENIENT, RecordType.INDICATOR, "value")) == (2, 0, 0)
    (error,) = evaluation.errors
    assert error.error_class is ErrorClass.WRONG_VALUE
    assert error.strict_only
    assert overall(evaluation, Level.EXACT, Mode.STRICT).tp == 7
    assert overall(evaluation, Level.EXACT, Mode.LENIENT).tp == 8


def test_wrong_period_keeps_the_pair_but_fails_detection(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["indicators"][2]["period"] = "2022"
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("period", ErrorClass.WRONG_PERIOD)
    assert counts(overall(evaluation, Level.DETECTION, Mode.LENIENT)) == (7, 1, 1)
    assert counts(field(evaluation, Mode.LENIENT, RecordType.INDICATOR, "value")) == (2, 0, 0)


def test_empty_denominators_are_null_never_one(tmp_path: Path) -> None:
    evaluation = Bench(tmp_path).evaluate([gold_a()], predictions([gold_a()]))
    output = field(evaluation, Mode.LENIENT, RecordType.PROJECT, "output_value")
    assert counts(output) == (0, 0, 0)
    assert (output.precision, output.recall, output.f1) == (None, None, None)
    assert output.f1_ci is not None
    assert output.f1_ci.low is None
    assert output.f1_ci.resamples == 0
    markdown = render_markdown(evaluation.report)
    assert "project.output_value" in markdown
    assert "1.000 – 1.000" in markdown  # a real interval elsewhere


def test_a_document_without_records_on_either_side_has_no_f1(tmp_path: Path) -> None:
    empty = document("doc_b")
    evaluation = Bench(tmp_path).evaluate([gold_a(), empty], predictions([gold_a(), empty]))
    by_id = {d.doc_id: d for d in evaluation.report.documents}
    assert all(v is None for v in by_id["doc_b"].f1.values())
    assert all(v == 1.0 for v in by_id["doc_a"].f1.values())


def test_unparseable_prediction_line_is_an_empty_prediction(tmp_path: Path) -> None:
    broken = '{"doc_id": "doc_b", "projects": [ this is not json'
    evaluation = Bench(tmp_path).evaluate(gold(), [predictions([gold_a()])[0], broken])
    statuses = {d.doc_id: d.status for d in evaluation.report.documents}
    assert statuses == {"doc_a": "scored", "doc_b": "unparseable"}
    (note,) = evaluation.report.validity.unparseable_lines
    assert (note.line, note.doc_id) == (2, "doc_b")
    assert "not JSON" in note.problem
    missing = [e for e in evaluation.errors if e.doc_id == "doc_b"]
    assert len(missing) == 5
    assert all(e.error_class is ErrorClass.MISSING for e in missing)
    assert "line 2 (doc_b): not JSON" in render_markdown(evaluation.report)


def test_invalid_prediction_line_is_an_empty_prediction(tmp_path: Path) -> None:
    preds = predictions(gold())
    preds[1]["text_sha256"] = "not a hash"  # a problem outside the records: the line is unusable
    evaluation = Bench(tmp_path).evaluate(gold(), preds)
    (note,) = evaluation.report.validity.unparseable_lines
    assert note.doc_id == "doc_b"
    assert "text_sha256" in note.problem
    assert evaluation.report.documents[1].status == "unparseable"


def test_invalid_record_is_dropped_and_named(tmp_path: Path) -> None:
    preds = predictions(gold())
    preds[1]["projects"][0]["status"] = "finished"  # not an enum value
    evaluation = Bench(tmp_path).evaluate(gold(), preds)
    assert evaluation.report.validity.unparseable_lines == []
    assert evaluation.report.documents[1].status == "scored"
    (note,) = evaluation.report.validity.invalid_records
    assert (note.doc_id, note.record_type, note.index, note.label) == (
        "doc_b",
        RecordType.PROJECT,
        0,
        "parts park",
    )
    assert note.problem.startswith("status: Input should be")


def test_missing_document_is_an_error_unless_allowed(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    with pytest.raises(InputError, match="no prediction for 1 gold document"):
        bench.evaluate(gold(), predictions([gold_a()]))
    evaluation = bench.evaluate(gold(), predictions([gold_a()]), allow_missing=True)
    assert evaluation.report.validity.missing_documents == ["doc_b"]
    assert evaluation.report.documents[1].status == "missing"
    assert overall(evaluation, Level.DETECTION, Mode.STRICT).fn == 5


def test_sha_mismatch_is_an_error_unless_allowed(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    preds = predictions(gold())
    preds[1]["text_sha256"] = "0" * 64
    with pytest.raises(InputError, match="text_sha256 of the prediction differs"):
        bench.evaluate(gold(), preds)
    evaluation = bench.evaluate(gold(), preds, allow_missing=True)
    assert evaluation.report.validity.sha_mismatches == ["doc_b"]
    assert evaluation.report.documents[1].status == "sha_mismatch"


def test_gold_hash_is_checked_against_the_document(tmp_path: Path) -> None:
    bad = gold_a()
    bad["text_sha256"] = "0" * 64
    with pytest.raises(GoldError, match="text_sha256"):
        Bench(tmp_path).evaluate([bad], [bad])


def test_predictions_for_unknown_documents_are_listed_and_ignored(tmp_path: Path) -> None:
    stray = {**predictions([gold_b()])[0], "doc_id": "doc_z"}
    evaluation = Bench(tmp_path).evaluate(
        [gold_a()], [*predictions([gold_a()]), stray], with_docs=False
    )
    assert evaluation.report.validity.extra_documents == ["doc_z"]
    assert overall(evaluation, Level.FIELD, Mode.STRICT).f1 == 1.0


def test_repeated_prediction_doc_id_is_an_input_error(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    with pytest.raises(InputError, match="repeats doc_id 'doc_a'"):
        Bench(tmp_path).evaluate([gold_a()], preds + preds)


def test_spurious_record_with_bad_evidence_is_ungrounded(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    invented = project("doc_a", "invented plant", "Junjia also set up")
    invented["evidence"][0]["text"] = "Junjia also set uP"  # not what the text says there
    preds[0]["projects"].append(invented)
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert error.error_class is ErrorClass.UNGROUNDED
    assert error.detail == "its evidence is not in the document"
    assert evaluation.report.validity.ungrounded_records == 1
    # without the texts the evidence cannot be checked: it is merely spurious
    unchecked = Bench(tmp_path).evaluate([gold_a()], preds, with_docs=False)
    assert [e.error_class for e in unchecked.errors] == [ErrorClass.SPURIOUS]


def test_a_wrong_number_not_in_the_text_is_ungrounded(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["indicators"][2]["value"] = quantity(135, "enterprises", "135")
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert error.error_class is ErrorClass.UNGROUNDED
    assert "135" not in TEXT_A


def test_a_wrong_number_from_the_text_is_a_wrong_value(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["indicators"][2]["value"] = quantity(2023, "enterprises", "2023")
    preds[0]["indicators"][2]["evidence"] = evidence("doc_a", "120 in 2023")
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert error.error_class is ErrorClass.WRONG_VALUE


def test_agreement_mode_honours_optional_on_both_sides(tmp_path: Path) -> None:
    second = gold_a()
    second["projects"][2]["optional"] = False
    second["indicators"][0]["optional"] = True  # B thinks this one is borderline
    bench = Bench(tmp_path)
    evaluation = bench.evaluate([gold_a()], [second], agreement=True)
    assert evaluation.report.kind == "agreement"
    # A's optional project is matched by B's and B's optional indicator by A's: both count
    # nothing, whichever side holds the flag
    assert evaluation.errors == ()
    assert counts(overall(evaluation, Level.DETECTION, Mode.STRICT)) == (7, 0, 0)
    # B leaving out the project A marks optional costs nothing
    del second["projects"][2]
    again = bench.evaluate([gold_a()], [second], agreement=True)
    assert counts(overall(again, Level.DETECTION, Mode.STRICT)) == (7, 0, 0)
    markdown = render_markdown(evaluation.report)
    assert markdown.startswith("# Annotator agreement report")
    assert "Annotator B" in markdown


def test_agreement_mode_requires_valid_gold_on_both_sides(tmp_path: Path) -> None:
    second = gold_a()
    second["enterprise_roles"][0]["project"] = "no such project"
    with pytest.raises(GoldError, match="names no project"):
        Bench(tmp_path).evaluate([gold_a()], [second], agreement=True)


def test_errors_name_the_document_record_field_and_evidence(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["projects"][0]["status"] = "completed"
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    from extractor.evaluation.report import error_line

    line = json.loads(error_line(error))
    assert line["doc"] == "doc_a"
    assert line["type"] == "project"
    assert line["field"] == "status"
    assert line["class"] == "wrong_value"
    assert (line["gold"], line["pred"]) == ("under_construction", "completed")
    assert line["evidence"].startswith("Ningbo Junjia Electric Appliance")
    assert line["gold_record"] == "kitchen appliance base"
    assert (line["gold_index"], line["pred_index"]) == (0, 0)


def test_a_wrong_record_cannot_take_a_detected_pair_apart(tmp_path: Path) -> None:
    """The total's right prediction stays with the total when a second prediction of it (in
    dollars) would let the count of pairs grow: the right one would then be aligned with the
    count of projects, and neither gold record detected."""
    preds = predictions([gold_a(), gold_b()])
    indicators = preds[1]["indicators"]
    _count, total, exports = indicators
    dollars = dict(total, name="total investment", value=quantity(4.2e9, "USD", "4.2 billion"))
    preds[1]["indicators"] = [total, dollars, exports]  # the count of projects is missed
    evaluation = Bench(tmp_path).evaluate(gold(), preds)
    for mode in Mode:
        score = next(
            r.by_type[RecordType.INDICATOR]
            for r in evaluation.report.results
            if (r.level, r.mode) == (Level.DETECTION, mode)
        )
        # every gold indicator but the count is detected; the dollars are one false positive
        gold_indicators = len(gold_a()["indicators"]) + len(indicators)
        assert counts(score) == (gold_indicators - 1, 1, 1)
