"""The tests issue 5 lists under "Tests the scorer must pass"."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from evalkit import (
    Bench,
    Record,
    as_prediction,
    document,
    gold,
    gold_a,
    indicator,
    money,
    predictions,
    project,
    quantity,
)

from extractor.evaluation.match import DocContext, assign, similarity_matrix
from extractor.evaluation.report import error_line, render_markdown, render_report_json
from extractor.evaluation.review_html import render_review_html
from extractor.evaluation.run import Evaluation
from extractor.evaluation.score import make_items
from extractor.evaluation.settings import ErrorClass, Level, Mode, RecordType, ScoringSettings
from extractor.records import DocumentRecord


def all_scores(evaluation: Evaluation) -> list[float | None]:
    """Every P, R and F1 the report holds (overall, per type, macro, per field, per doc)."""
    report = evaluation.report
    out: list[float | None] = []
    for r in report.results:
        for s in (r.overall, *r.by_type.values()):
            out += [s.precision, s.recall, s.f1]
        out += [r.macro.precision, r.macro.recall, r.macro.f1]
    for f in report.fields:
        out += [f.score.precision, f.score.recall, f.score.f1]
    for d in report.documents:
        out += list(d.f1.values())
    return out


def result(evaluation: Evaluation, level: Level, mode: Mode) -> Any:
    return next(r for r in evaluation.report.results if (r.level, r.mode) == (level, mode))


def errors_of(evaluation: Evaluation, cls: ErrorClass) -> list[Any]:
    return [e for e in evaluation.errors if e.error_class is cls]


def test_identity_every_score_is_one(tmp_path: Path) -> None:
    evaluation = Bench(tmp_path).evaluate(gold(), gold())
    scores = all_scores(evaluation)
    defined = [s for s in scores if s is not None]
    assert defined, "the fixture must define scores"
    assert all(s == 1.0 for s in defined)
    for r in evaluation.report.results:
        assert r.overall.f1 == 1.0
        assert r.overall.f1_ci is not None
        assert (r.overall.f1_ci.low, r.overall.f1_ci.high) == (1.0, 1.0)
        assert all(s.f1 == 1.0 for s in r.by_type.values())
    assert evaluation.errors == ()
    # only fields that no record fills are undefined, and they are null, not 1.0
    undefined = {f.field for f in evaluation.report.fields if f.score.f1 is None}
    assert undefined == {"output_value", "enterprise"}


def test_identity_holds_for_predictions_without_gold_keys(tmp_path: Path) -> None:
    evaluation = Bench(tmp_path).evaluate(gold(), predictions(gold()))
    assert all(s == 1.0 for s in all_scores(evaluation) if s is not None)


def _shuffled(docs: list[Record], seed: int) -> list[Record]:
    rng = random.Random(seed)
    out = copy.deepcopy(docs)
    for doc in out:
        for key in ("projects", "indicators", "enterprise_roles"):
            rng.shuffle(doc[key])
        for p in doc["projects"]:
            rng.shuffle(p["capacity"])
            rng.shuffle(p["enterprises"])
    rng.shuffle(out)
    return out


def _imperfect() -> list[Record]:
    """Predictions with a little of everything wrong."""
    preds = predictions(gold())
    a, b = preds
    a["projects"][0]["investment"]["amount"] = 1.5e6
    a["projects"][1]["capacity"][0]["value"] = 40
    a["projects"][1]["enterprises"].append("Ningbo Zhongxin")
    del a["projects"][2]
    a["indicators"][1]["value"]["value"] = 1.22e12
    a["indicators"][2]["period"] = "2022"
    a["enterprise_roles"][2]["role"] = "investor"
    b["indicators"][2]["value"]["unit"] = "CNY"
    b["indicators"].append(
        indicator(
            "doc_b",
            "signed projects",
            "Zhaoqing signed 12 projects",
            region="Zhaoqing",
            value=quantity(12, "projects", "12 projects"),
        )
    )
    b["projects"][0]["location"] = None
    return preds


def test_order_invariance(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    first = bench.evaluate(gold(), _imperfect())
    for seed in range(3):
        again = bench.evaluate(gold(), _shuffled(_imperfect(), seed))
        assert again.report.model_dump(exclude={"inputs"}) == first.report.model_dump(
            exclude={"inputs"}
        )
        # errors list the same things in the same order (positions in the file may differ)
        strip = [{**json.loads(error_line(e)), "pred_index": None} for e in first.errors]
        other = [{**json.loads(error_line(e)), "pred_index": None} for e in again.errors]
        assert strip == other


def test_greedy_trap_optimal_assignment_keeps_both_matches(tmp_path: Path) -> None:
    """Greedy pairs the most similar records first and then cannot pair the rest.

    g1-p1 is the most similar pair, but g1 also matches p2 and g2 matches only p1. Greedy
    takes g1-p1 and leaves g2 and p2 unmatched; the assignment pairs g1-p2 and g2-p1.
    """
    a = "doc_a"
    snippet = "The city's industrial output value reached 1.21 trillion yuan"
    cny = quantity(100, "CNY", "100")
    g1 = indicator(
        a,
        "industrial output value",
        snippet,
        region="Yinzhou",
        period="first half of 2023",
        value=cny,
    )
    g2 = indicator(
        a,
        "output value",
        snippet,
        region="Yinzhou",
        period="2023",
        value=quantity(200, "CNY", "200"),
    )
    p1 = indicator(a, "output value", snippet, region="Yinzhou", period="2023", value=cny)
    p2 = indicator(a, "industrial output value", snippet, period="2023", value=cny)
    gold_doc = document(a, indicators=[g1, g2])
    pred_doc = document(a, indicators=[p1, p2])

    settings = ScoringSettings()
    threshold = settings.thresholds.indicator
    g_items = make_items(
        DocumentRecord.model_validate(gold_doc), RecordType.INDICATOR, honour_optional=True
    )
    p_items = make_items(
        DocumentRecord.model_validate(pred_doc), RecordType.INDICATOR, honour_optional=False
    )
    ctx = DocContext.build((), (), (), {})
    matrix = similarity_matrix(g_items, p_items, settings, ctx)
    by_name = {
        (g.index, p.index): matrix[i, j]
        for i, g in enumerate(g_items)
        for j, p in enumerate(p_items)
    }
    best = max(by_name.values())
    assert by_name[0, 0] == best  # g1-p1 is the single most similar pair
    assert by_name[0, 1] >= threshold
    assert by_name[1, 0] >= threshold
    assert by_name[1, 1] < threshold  # g2-p2 can never be a match

    # greedy: best pair first, then the best remaining pair above the threshold
    greedy: list[tuple[int, int]] = []
    free = dict(by_name)
    while free:
        (gi, pj), score = max(free.items(), key=lambda kv: kv[1])
        if score < threshold:
            break
        greedy.append((gi, pj))
        free = {k: v for k, v in free.items() if k[0] != gi and k[1] != pj}
    assert greedy == [(0, 0)]

    optimal = assign(matrix, threshold)
    pairs = {(g_items[r].index, p_items[c].index) for r, c, _ in optimal.pairs}
    assert pairs == {(0, 1), (1, 0)}

    evaluation = Bench(tmp_path).evaluate([gold_doc], [pred_doc])
    assert [e for e in evaluation.errors if e.field is None] == []  # no unmatched record
    detection = result(evaluation, Level.DETECTION, Mode.LENIENT).overall
    assert detection.tp == 1  # g2-p1 agree on name, region and period


def test_assign_beats_greedy_on_a_plain_matrix() -> None:
    matrix = np.array([[0.9, 0.8], [0.85, 0.1]])
    found = assign(matrix, 0.5)
    assert {(r, c) for r, c, _ in found.pairs} == {(0, 1), (1, 0)}
    assert found.unmatched_rows == ()
    assert found.unmatched_cols == ()


def test_empty_prediction_for_a_document(tmp_path: Path) -> None:
    empty = {**as_prediction(gold_a()), "projects": [], "indicators": [], "enterprise_roles": []}
    evaluation = Bench(tmp_path).evaluate([gold_a()], [empty])
    for r in evaluation.report.results:
        assert r.overall.tp == 0
        assert r.overall.fp == 0
        assert r.overall.fn > 0
        assert r.overall.precision is None  # nothing predicted: no precision, not 1.0
        assert r.overall.recall == 0.0
        assert r.overall.f1 == 0.0
    (doc,) = evaluation.report.documents
    assert doc.status == "scored"
    assert all(v == 0.0 for v in doc.f1.values())
    missing = errors_of(evaluation, ErrorClass.MISSING)
    assert len(missing) == 2 + 3 + 3  # every non-optional gold record, once


def _with_investment(amount: float, currency: str, raw: str) -> list[Record]:
    preds = predictions([gold_a()])
    preds[0]["projects"][0]["investment"] = money(amount, raw, currency)
    return preds


def test_magnitude_error(tmp_path: Path) -> None:
    preds = _with_investment(1.5e6, "CNY", "1.5 million yuan")
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds, with_docs=False)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("investment", ErrorClass.MAGNITUDE)
    assert isinstance(error.gold, dict)
    assert error.gold["amount"] == 1.5e9
    assert isinstance(error.pred, dict)
    assert error.pred["amount"] == 1.5e6
    field = result(evaluation, Level.FIELD, Mode.LENIENT).by_type[RecordType.PROJECT]
    assert (field.fp, field.fn) == (1, 1)


def test_magnitude_error_on_an_indicator_value(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["indicators"][1]["value"] = quantity(1.21e9, "CNY", "1.21 billion yuan")
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds, with_docs=False)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("value", ErrorClass.MAGNITUDE)


def test_same_amount_in_another_currency_is_a_currency_error(tmp_path: Path) -> None:
    preds = _with_investment(1.5e9, "USD", "1.5 billion dollars")
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    (error,) = evaluation.errors
    assert (error.field, error.error_class) == ("investment", ErrorClass.CURRENCY)
    assert not error.strict_only


def test_alias_is_accepted(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["projects"][0]["name"] = "Junjia kitchen appliance base"  # a gold alias
    preds[0]["enterprise_roles"][0]["enterprise"] = "Junjia"  # the role's alias
    preds[0]["projects"][0]["enterprises"] = ["Junjia"]  # the same enterprise elsewhere
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert evaluation.errors == ()
    for r in evaluation.report.results:
        assert r.overall.f1 == 1.0, (r.level, r.mode)


def test_without_the_alias_the_name_is_wrong_in_strict_mode(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    preds[0]["projects"][0]["name"] = "Junjia appliance base"
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    names = [e for e in evaluation.errors if e.field == "name"]
    assert names
    assert all(e.error_class is ErrorClass.WRONG_VALUE for e in names)


def test_missing_an_optional_gold_record_costs_nothing(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    found = bench.evaluate([gold_a()], predictions([gold_a()]))
    preds = predictions([gold_a()])
    assert preds[0]["projects"][2]["name"] == "research centre"
    del preds[0]["projects"][2]
    missed = bench.evaluate([gold_a()], preds)
    assert missed.errors == ()
    for r_found, r_missed in zip(found.report.results, missed.report.results, strict=True):
        assert r_missed.overall == r_found.overall  # same counts, same support: nothing counted
        assert r_missed.overall.f1 == 1.0


def test_optional_flag_on_a_prediction_does_not_excuse_it(tmp_path: Path) -> None:
    preds = predictions([gold_a()])
    extra = project("doc_a", "invented plant", "Junjia also set up a research centre.")
    extra["optional"] = True
    preds[0]["projects"].append(extra)
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert [e.error_class for e in evaluation.errors] == [ErrorClass.SPURIOUS]
    assert evaluation.report.validity.optional_flags_ignored == 1


def test_sub_threshold_pair_counts_fn_and_fp(tmp_path: Path) -> None:
    a = "doc_a"
    snippet = "Junjia also set up a research centre."
    g = project(a, "research centre", snippet, location="Ningbo", status="signed")
    p = project(a, "anode material plant", snippet, location="Beilun", sector="batteries")
    evaluation = Bench(tmp_path).evaluate([document(a, projects=[g])], [document(a, projects=[p])])
    for level in Level:
        for mode in Mode:
            o = result(evaluation, level, mode).overall
            if level is Level.FIELD:
                assert (o.tp, o.fp, o.fn) == (0, 3, 3)  # each filled field of each record
            else:
                assert (o.tp, o.fp, o.fn) == (0, 1, 1)
    assert sorted(e.error_class.value for e in evaluation.errors) == ["missing", "spurious"]


def test_swapping_gold_and_prediction_swaps_p_and_r(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    preds = _imperfect()
    gold_side = predictions(gold())  # no optional records: both sides count everything
    forward = bench.evaluate(gold_side, preds)
    backward = bench.evaluate(preds, gold_side)
    checked = 0
    for f, b in zip(forward.report.results, backward.report.results, strict=True):
        for sf, sb in [(f.overall, b.overall)] + [(f.by_type[t], b.by_type[t]) for t in RecordType]:
            assert (sf.tp, sf.fp, sf.fn) == (sb.tp, sb.fn, sb.fp)
            assert sf.precision == sb.recall
            assert sf.recall == sb.precision
            assert sf.f1 == sb.f1
            checked += 1
    for ff, fb in zip(forward.report.fields, backward.report.fields, strict=True):
        assert (ff.score.precision, ff.score.f1) == (fb.score.recall, fb.score.f1)
    assert checked == 24
    assert result(forward, Level.FIELD, Mode.STRICT).overall.f1 < 1.0


def _outputs(evaluation: Evaluation) -> tuple[str, str, str, str]:
    from evalkit import TEXTS

    report = evaluation.report
    errors = "".join(error_line(e) + "\n" for e in evaluation.errors)
    page = render_review_html(report, evaluation.documents, evaluation.errors, TEXTS)
    return render_markdown(report), render_report_json(report), errors, page


def test_two_runs_with_the_same_seed_are_byte_identical(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    first = _outputs(bench.evaluate(gold(), _imperfect(), resamples=500, seed=7))
    second = _outputs(bench.evaluate(gold(), _imperfect(), resamples=500, seed=7))
    assert first == second
    other = _outputs(bench.evaluate(gold(), _imperfect(), resamples=500, seed=8))
    assert other[1] != first[1]  # the seed does reach the intervals


@pytest.mark.parametrize("cls", list(ErrorClass))
def test_every_error_class_is_reachable(tmp_path: Path, cls: ErrorClass) -> None:
    """Each class of the contract is produced by some realistic mistake."""
    preds = predictions([gold_a()])
    a = preds[0]
    mistakes = {
        ErrorClass.MISSING: lambda: a["indicators"].pop(0),
        ErrorClass.SPURIOUS: lambda: a["projects"].append(
            project("doc_a", "invented plant", "Junjia also set up a research centre.")
        ),
        ErrorClass.WRONG_VALUE: lambda: a["projects"][0].update(status="completed"),
        ErrorClass.MAGNITUDE: lambda: a["indicators"][2]["value"].update(value=12),
        ErrorClass.CURRENCY: lambda: a["projects"][0]["investment"].update(currency="HKD"),
        ErrorClass.UNIT: lambda: a["projects"][1]["capacity"][0].update(unit="t"),
        ErrorClass.WRONG_PERIOD: lambda: a["indicators"][1].update(period="2022"),
        ErrorClass.WRONG_REGION: lambda: a["indicators"][1].update(region="Hangzhou"),
        ErrorClass.WRONG_ROLE: lambda: a["enterprise_roles"][2].update(role="developer"),
        ErrorClass.WRONG_PROJECT: lambda: a["enterprise_roles"][2].update(
            project="kitchen appliance base"
        ),
        ErrorClass.UNGROUNDED: lambda: a["projects"].append(
            {**project("doc_a", "invented plant", "Junjia"), "evidence": [], "ungrounded": True}
        ),
        ErrorClass.INVALID: lambda: a["projects"].append(
            {**project("doc_a", "invented plant", "Junjia"), "status": "finished"}
        ),
    }
    mistakes[cls]()
    evaluation = Bench(tmp_path).evaluate([gold_a()], preds)
    assert [e.error_class for e in evaluation.errors] == [cls]
