"""Issue 11: eight ways the scorer misreported quality, each reproduced on a perturbed copy of
``gold/seeds.jsonl`` (the predictions start as the gold itself, which scores 1.0 everywhere,
and one thing is changed), plus the table-driven and property tests of the rules they needed.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli.evaluate import app
from extractor.errors import InputError
from extractor.evaluation.compare import Comparator, text_similarity
from extractor.evaluation.match import DocContext, assign
from extractor.evaluation.report import render_markdown, write_errors
from extractor.evaluation.run import Evaluation, EvaluationConfig, evaluate
from extractor.evaluation.score import indicator_names_agree
from extractor.evaluation.settings import (
    BootstrapSettings,
    ErrorClass,
    Level,
    Mode,
    RecordType,
    ScoringSettings,
)
from extractor.records import Change, Indicator, Quantity

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GOLD = ROOT / "gold" / "seeds.jsonl"
LISTS = {
    RecordType.PROJECT: "projects",
    RecordType.INDICATOR: "indicators",
    RecordType.ENTERPRISE_ROLE: "enterprise_roles",
}

Line = dict[str, Any]


def seed_gold() -> list[Line]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def as_prediction(doc: Line) -> Line:
    """The gold line as an extractor would write it: no gold-only keys."""
    out = copy.deepcopy(doc)
    out.pop("annotation", None)
    for key in LISTS.values():
        for record in out[key]:
            record.pop("optional", None)
            record.pop("aliases", None)
    return out


def by_id(lines: list[Line], prefix: str) -> Line:
    return next(line for line in lines if line["doc_id"].startswith(prefix))


def named(records: list[Line], name: str, key: str = "name") -> Line:
    return next(r for r in records if r[key] == name)


def write(path: Path, lines: list[Line]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def run(
    tmp_path: Path,
    pred: list[Line],
    gold: list[Line] | None = None,
    *,
    strict_input: bool = False,
) -> Evaluation:
    config = EvaluationConfig(
        gold=write(tmp_path / "gold.jsonl", gold if gold is not None else seed_gold()),
        pred=write(tmp_path / "pred.jsonl", pred),
        docs=SEEDS,
        scoring=ScoringSettings(
            bootstrap=BootstrapSettings(resamples=0), strict_input=strict_input
        ),
    )
    return evaluate(config)


def identity() -> list[Line]:
    return [as_prediction(doc) for doc in seed_gold()]


def counts(
    evaluation: Evaluation, level: Level, mode: Mode, record_type: RecordType | None = None
) -> tuple[int, int, int]:
    found = next(r for r in evaluation.report.results if (r.level, r.mode) == (level, mode))
    score = found.overall if record_type is None else found.by_type[record_type]
    return (score.tp, score.fp, score.fn)


def gold_support(evaluation: Evaluation, record_type: RecordType | None = None) -> int:
    tp, _, fn = counts(evaluation, Level.DETECTION, Mode.STRICT, record_type)
    return tp + fn


def test_the_unperturbed_gold_scores_perfectly(tmp_path: Path) -> None:
    evaluation = run(tmp_path, identity())
    for level, mode in itertools.product(Level, Mode):
        tp, fp, fn = counts(evaluation, level, mode)
        assert (fp, fn) == (0, 0)
        assert tp > 0
    assert evaluation.errors == ()


# 1. Unknown keys in meta ---------------------------------------------------------------------


def test_unknown_meta_keys_do_not_drop_a_prediction_line(tmp_path: Path) -> None:
    pred = identity()
    pred[0]["meta"] = {
        "model": "other-system",
        "usage": {"calls": 1, "prompt_tokens": 900, "completion_tokens": 80, "total_tokens": 980},
        "cost_usd": 0.002,
    }
    pred[1]["meta"] = "free text"  # not even an object: still not scored
    evaluation = run(tmp_path, pred)
    assert evaluation.report.validity.unparseable_lines == []
    assert [d.status for d in evaluation.report.documents] == ["scored"] * 5
    for mode in Mode:
        assert counts(evaluation, Level.DETECTION, mode)[1:] == (0, 0)


# 2. Aliases in a prediction ------------------------------------------------------------------


def test_prediction_aliases_earn_no_credit(tmp_path: Path) -> None:
    pred = identity()
    doc = by_id(pred, "003")
    huayi = "Shanghai Huayi Holding Group Co., Ltd."
    role = named(doc["enterprise_roles"], huayi, key="enterprise")
    role["enterprise"] = "Huawei"
    role["aliases"] = [huayi]  # a prediction cannot declare itself the gold company
    # nor widen the names of the whole document through that alias table
    base = named(doc["projects"], "integrated base for chemical new materials")
    base["enterprises"] = ["Huawei"]
    evaluation = run(tmp_path, pred)
    for mode in Mode:
        tp, fp, fn = counts(evaluation, Level.DETECTION, mode, RecordType.ENTERPRISE_ROLE)
        assert (fp, fn) == (1, 1)
        assert tp == gold_support(evaluation, RecordType.ENTERPRISE_ROLE) - 1
    wrong = [e for e in evaluation.errors if e.field == "enterprises"]
    assert sorted((e.error_class.value, str(e.gold), str(e.pred)) for e in wrong) == [
        ("missing", huayi, "None"),
        ("spurious", "None", "Huawei"),
    ]


# 3. Ties between copies that differ in an ignored field ---------------------------------------


def test_ties_go_to_the_copy_whose_fields_agree(tmp_path: Path) -> None:
    pred = identity()
    copies = 0
    for doc in pred:
        for project in list(doc["projects"]):
            if project["status"] is None:
                continue
            wrong = copy.deepcopy(project)
            wrong["status"] = "completed" if project["status"] != "completed" else "planned"
            doc["projects"].append(wrong)
            copies += 1
    assert copies > 10
    evaluation = run(tmp_path, pred)
    support = gold_support(evaluation, RecordType.PROJECT)
    for level, mode in itertools.product((Level.DETECTION, Level.EXACT), Mode):
        assert counts(evaluation, level, mode, RecordType.PROJECT) == (support, copies, 0)
    status = [e for e in evaluation.errors if e.field == "status"]
    assert status == []


# 4. One pair preferred over two -------------------------------------------------------------


def test_the_assignment_prefers_more_pairs_above_threshold(tmp_path: Path) -> None:
    gold = seed_gold()
    doc = by_id(gold, "003")
    base = named(doc["projects"], "integrated base for chemical new materials")
    second = copy.deepcopy(base)
    second.update(
        name="second integrated base for chemical new materials",
        location=None,
        investment=None,
        output_value=None,
        enterprises=[],
    )
    doc["projects"].append(second)
    pred = [as_prediction(d) for d in gold]
    moved = by_id(pred, "003")["projects"]
    first_p = named(moved, base["name"])
    second_p = named(moved, second["name"])
    for key in ("location", "investment"):  # the place and money put on the other base
        first_p[key], second_p[key] = second_p[key], first_p[key]
    evaluation = run(tmp_path, pred, gold)
    support = gold_support(evaluation, RecordType.PROJECT)
    for mode in Mode:
        tp, fp, fn = counts(evaluation, Level.DETECTION, mode, RecordType.PROJECT)
        assert (tp, fp, fn) == (support, 0, 0)
    found = sorted((e.field, e.error_class.value) for e in evaluation.errors)
    assert found == [
        ("investment", "missing"),
        ("investment", "spurious"),
        ("location", "missing"),
        ("location", "spurious"),
    ]


def matchings(similarity: np.ndarray, threshold: float) -> Iterator[list[tuple[int, int]]]:
    """Every one-to-one set of pairs whose similarities all reach ``threshold``."""
    n_rows, n_cols = similarity.shape
    for k in range(min(n_rows, n_cols) + 1):
        for rows in itertools.combinations(range(n_rows), k):
            for cols in itertools.permutations(range(n_cols), k):
                pairs = list(zip(rows, cols, strict=True))
                if all(similarity[r, c] >= threshold for r, c in pairs):
                    yield pairs


def total(matrix: np.ndarray, pairs: Iterable[tuple[int, int]]) -> float:
    return round(float(sum(matrix[r, c] for r, c in pairs)), 6)


def brute_force(similarity: np.ndarray, threshold: float) -> tuple[int, float]:
    """The best (pairs above threshold, their total similarity) over every matching."""
    return max((len(p), total(similarity, p)) for p in matchings(similarity, threshold))


SIMILARITIES = st.sampled_from([0.0, 0.3, 0.5, 0.55, 0.6, 0.7, 0.9, 1.0])
matrices = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(SIMILARITIES, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(values=matrices, threshold=st.sampled_from([0.5, 0.55, 0.6]))
def test_assignment_is_lexicographically_optimal_against_brute_force(
    values: list[list[float]], threshold: float
) -> None:
    similarity = np.array(values, dtype=np.float64)
    found = assign(similarity, threshold)
    assert all(s >= threshold for _, _, s in found.pairs)
    assert len({r for r, _, _ in found.pairs}) == len(found.pairs)
    assert len({c for _, c, _ in found.pairs}) == len(found.pairs)
    got = (len(found.pairs), round(sum(s for _, _, s in found.pairs), 6))
    assert got == brute_force(similarity, threshold)


@settings(max_examples=200, deadline=None)
@given(
    values=matrices,
    ties=st.lists(st.integers(0, 3), min_size=16, max_size=16),
)
def test_assignment_breaks_remaining_ties_on_field_agreement(
    values: list[list[float]], ties: list[int]
) -> None:
    similarity = np.array(values, dtype=np.float64)
    n_rows, n_cols = similarity.shape
    agreement = np.array(ties[: n_rows * n_cols], dtype=np.float64).reshape(n_rows, n_cols)
    found = assign(similarity, 0.55, tiebreak=agreement)
    best = max(
        (len(p), total(similarity, p), total(agreement, p)) for p in matchings(similarity, 0.55)
    )
    got = [(r, c) for r, c, _ in found.pairs]
    assert (len(got), total(similarity, got), total(agreement, got)) == best


@settings(max_examples=200, deadline=None)
@given(
    values=matrices,
    agree=st.lists(st.integers(0, 2), min_size=16, max_size=16),
)
def test_assignment_puts_pairs_of_one_record_first(
    values: list[list[float]], agree: list[int]
) -> None:
    """Most identity agreement among admissible pairs, then most pairs, then most similarity
    (the order of ``match``'s Alignment), against brute force."""
    similarity = np.array(values, dtype=np.float64)
    n_rows, n_cols = similarity.shape
    identity = np.array(agree[: n_rows * n_cols], dtype=np.int64).reshape(n_rows, n_cols)
    found = assign(similarity, 0.55, identity=identity)
    best = max(
        (total(identity, p), len(p), total(similarity, p)) for p in matchings(similarity, 0.55)
    )
    got = [(r, c) for r, c, _ in found.pairs]
    assert (total(identity, got), len(got), total(similarity, got)) == best


# 5. Ungrounded predictions -------------------------------------------------------------------


def test_ungrounded_predictions_are_not_strict_true_positives(tmp_path: Path) -> None:
    pred = identity()
    doc = by_id(pred, "002")
    text_length = len((SEEDS / f"{doc['doc_id']}.txt").read_text(encoding="utf-8"))
    outside = doc["indicators"][0]
    snippet = outside["evidence"][0]["text"]
    start = text_length + 10
    outside["evidence"] = [{"start": start, "end": start + len(snippet), "text": snippet}]
    flagged = doc["indicators"][1]
    flagged["evidence"] = []
    flagged["ungrounded"] = True
    outside_label = "industrial investment [Zhaoqing, January to August this year]"
    flagged_label = "investment in the automobile industry [Zhaoqing, January to August this year]"
    evaluation = run(tmp_path, pred)
    support = gold_support(evaluation)
    assert counts(evaluation, Level.DETECTION, Mode.STRICT) == (support - 2, 2, 2)
    assert counts(evaluation, Level.EXACT, Mode.STRICT) == (support - 2, 2, 2)
    assert counts(evaluation, Level.DETECTION, Mode.LENIENT) == (support, 0, 0)
    lenient = next(
        r for r in evaluation.report.results if (r.level, r.mode) == (Level.DETECTION, Mode.LENIENT)
    )
    assert lenient.grounded is not None
    assert (lenient.grounded.tp, lenient.grounded.fp, lenient.grounded.fn) == (support - 2, 2, 2)
    listed = evaluation.report.validity.ungrounded
    assert [(u.doc_id, u.record_type, u.index, u.label) for u in listed] == [
        (doc["doc_id"], RecordType.INDICATOR, 0, outside_label),
        (doc["doc_id"], RecordType.INDICATOR, 1, flagged_label),
    ]
    markdown = render_markdown(evaluation.report)
    assert "grounded" in markdown
    assert "investment in the automobile industry" in markdown


# 6. Near-miss company names ------------------------------------------------------------------


def test_a_different_company_with_a_close_name_is_not_detected(tmp_path: Path) -> None:
    pred = identity()
    renamed = {"Huaxin Zhenbang": "Huaxing Zhenbang", "Nanning Chuxin": "Nanning Chuxing"}
    for role in by_id(pred, "000")["enterprise_roles"]:
        if role["role"] == "chain_leader":  # two main records of two other companies
            role["enterprise"] = renamed.get(role["enterprise"], role["enterprise"])
    evaluation = run(tmp_path, pred)
    support = gold_support(evaluation, RecordType.ENTERPRISE_ROLE)
    for mode in Mode:
        tp, fp, fn = counts(evaluation, Level.DETECTION, mode, RecordType.ENTERPRISE_ROLE)
        assert (tp, fp, fn) == (support - 2, 2, 2), mode


NEAR_MISSES = [
    # (a, b, same company?)
    ("Shenzhen Huaxing Electric Co., Ltd.", "Shenzhen Huaxin Electric Co., Ltd.", False),
    ("Chongqing Lifan Automobile Corporation", "Chongqing Lingfan Automobile Corporation", False),
    ("Chongqing Changan Automobile Corporation", "Chongqing Changhe Automobile Corporation", False),
    ("Huaxin Zhenbang", "Longdian Huaxin", False),
    ("Nanning Chuxin", "Huaxin Zhenbang", False),
    ("Shanghai Electric Group", "Shenzhen Electric Group", False),
    ("Xihua Technology", "Xinhua Technology", False),
    ("Guoren Technology", "Guoxin Technology", False),
    ("BYD", "BYA", False),
    ("Ningbo Junjia Electric Appliance Co., Ltd.", "Junjia Electric Appliances", True),
    ("Ningbo Junjia Electric Appliance Co., Ltd.", "Junjia Electric", True),
    ("Shanghai Huayi Holding Group Co., Ltd.", "Huayi Group", True),
    ("Ningbo Qinbang New Material Technology Co., Ltd.", "Qinbang New Materials", True),
    ("Nanning Tektronix Semiconductor", "Nanning Tektronix", True),
    ("Xpeng Motors", "XPeng", True),
    ("Sun Paper", "Sunpaper", True),
    ("Chongqing Chang'an Automobile Co., Ltd.", "Chongqing Changan Automobile", True),
    ("BYD Company Limited", "BYD", True),
    ("Shenzhen Energy", "Shenzhen Energy Group", True),
]


@pytest.mark.parametrize(("a", "b", "same"), NEAR_MISSES)
def test_near_miss_company_pairs(a: str, b: str, same: bool) -> None:
    scoring = ScoringSettings()
    lenient = Comparator.for_mode(Mode.LENIENT, scoring)
    assert lenient.enterprises((a,), (b,)) is same
    assert lenient.enterprises((b,), (a,)) is same
    # alignment: a role of the other company is never paired with this one's
    similarity = text_similarity((a,), (b,), enterprise=True)
    assert (similarity >= scoring.thresholds.role_enterprise) is same


# 7. One invalid record ------------------------------------------------------------------------


def invalid_records() -> list[Line]:
    pred = identity()
    doc = by_id(pred, "004")
    doc["indicators"][0]["change"]["unit"] = "percent"  # not an enum value
    evidence = doc["projects"][1]["evidence"][0]
    evidence["end"] += 3  # the span no longer has the length of its text
    return pred


def test_an_invalid_record_is_dropped_alone(tmp_path: Path) -> None:
    evaluation = run(tmp_path, invalid_records())
    doc_id = by_id(identity(), "004")["doc_id"]
    assert next(d.status for d in evaluation.report.documents if d.doc_id == doc_id) == "scored"
    support = gold_support(evaluation)
    for mode in Mode:
        assert counts(evaluation, Level.DETECTION, mode) == (support - 2, 0, 2)
    dropped = evaluation.report.validity.invalid_records
    assert [(d.doc_id, d.record_type, d.index) for d in dropped] == [
        (doc_id, RecordType.PROJECT, 1),
        (doc_id, RecordType.INDICATOR, 0),
    ]
    invalid = [e for e in evaluation.errors if e.error_class is ErrorClass.INVALID]
    assert [(e.record_type, e.pred_index) for e in invalid] == [
        (RecordType.PROJECT, 1),
        (RecordType.INDICATOR, 0),
    ]
    assert all(e.detail for e in invalid)
    scored = next(d for d in evaluation.documents if d.doc_id == doc_id)
    kept = sorted(i.index for i in scored.pred_items[RecordType.PROJECT])
    assert kept == [0, 2, 3]  # records keep their places in the file
    errors_file = tmp_path / "errors.jsonl"
    write_errors(errors_file, evaluation.errors)
    assert sum('"class": "invalid"' in line for line in errors_file.read_text().splitlines()) == 2
    assert "2 invalid predicted record(s) dropped" in render_markdown(evaluation.report)


def test_strict_input_makes_an_invalid_record_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="invalid"):
        run(tmp_path, invalid_records(), strict_input=True)
    gold = write(tmp_path / "g.jsonl", seed_gold())
    pred = write(tmp_path / "p.jsonl", invalid_records())
    args = ["--gold", str(gold), "--pred", str(pred), "--docs", str(SEEDS), "--resamples", "0"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert CliRunner().invoke(app, [*args, "--strict-input"]).exit_code == 2


# 8. Lenient indicator names and periods ------------------------------------------------------


def rename_indicator(
    gold: list[Line], pred: list[Line], prefix: str, name: str, change: Callable[[Line, Line], None]
) -> None:
    g = named(by_id(gold, prefix)["indicators"], name)
    p = named(by_id(pred, prefix)["indicators"], name)
    change(g, p)


def test_lenient_indicator_names_and_periods(tmp_path: Path) -> None:
    gold = seed_gold()
    pred = [as_prediction(d) for d in gold]

    def shortened(g: Line, p: Line) -> None:
        p["name"] = "total investment"  # gold: total investment of companies signed to enter

    def standard(g: Line, p: Line) -> None:
        g["name"] = "added value of industries above designated size"
        p["name"] = "industrial added value"

    def quarter(g: Line, p: Line) -> None:
        g["period"] = "January to March 2023"
        p["period"] = "first season of 2023"

    rename_indicator(gold, pred, "003", "total investment of companies signed to enter", shortened)
    rename_indicator(gold, pred, "000", "added value of high-tech manufacturing industry", standard)
    rename_indicator(gold, pred, "004", "output value", quarter)
    evaluation = run(tmp_path, pred, gold)
    support = gold_support(evaluation, RecordType.INDICATOR)
    assert counts(evaluation, Level.DETECTION, Mode.LENIENT, RecordType.INDICATOR) == (
        support,
        0,
        0,
    )
    # strict names stay strict; the quarter is one period in both modes
    assert counts(evaluation, Level.DETECTION, Mode.STRICT, RecordType.INDICATOR) == (
        support - 2,
        2,
        2,
    )


def test_a_sector_statistic_is_not_the_industrial_one(tmp_path: Path) -> None:
    gold = seed_gold()
    pred = [as_prediction(d) for d in gold]

    def mining(g: Line, p: Line) -> None:
        g["name"] = "added value of the mining industry"
        p["name"] = "industrial added value"

    rename_indicator(gold, pred, "000", "added value of high-tech manufacturing industry", mining)
    evaluation = run(tmp_path, pred, gold)
    support = gold_support(evaluation, RecordType.INDICATOR)
    for mode in Mode:
        tp, fp, fn = counts(evaluation, Level.DETECTION, mode, RecordType.INDICATOR)
        assert (tp, fp, fn) == (support - 1, 1, 1)


def quantity(value: float, unit: str = "CNY") -> Quantity:
    return Quantity(value=value, unit=unit, raw=str(value))


def change(value: float) -> Change:
    return Change.model_validate({"value": value, "unit": "%", "basis": "yoy", "raw": f"{value}%"})


def indicator(name: str, **fields: Any) -> Indicator:
    fields.setdefault("region", "Ningbo")
    fields.setdefault("period", "2023")
    fields.setdefault("change", change(6.2))
    return Indicator.model_validate({"name": name, "ungrounded": True, **fields})


INDICATOR_NAMES = [
    # (gold, prediction, differences in the prediction, agrees leniently?)
    ("total investment of key projects", "total investment", {}, True),
    ("total investment of companies signed to enter", "total investment", {}, True),
    ("added value of industries above designated size", "industrial added value", {}, True),
    ("industrial added value above designated size", "industrial added value", {}, True),
    (
        "added value of industrial enterprises above designated size",
        "industrial added value",
        {},
        True,
    ),
    (
        "added value of high-tech manufacturing industry",
        "high-tech manufacturing added value",
        {},
        True,
    ),
    ("fixed asset investment", "investment in fixed assets", {}, True),
    ("gross domestic product", "GDP", {}, True),
    ("industrial output value", "total industrial output value", {}, True),
    # different statistics
    ("added value of the mining industry", "industrial added value", {}, False),
    ("added value of the mining industry", "added value", {}, True),
    ("industrial investment", "investment in the automobile industry", {}, False),
    (
        "number of manufacturing projects completed",
        "number of manufacturing projects put into production",
        {},
        False,
    ),
    ("industrial output value", "industrial added value", {}, False),
    ("number of phase 1 projects", "number of projects", {}, False),
    # containment only when the figure, region and period agree
    ("total investment of key projects", "total investment", {"change": change(7.5)}, False),
    ("total investment of key projects", "total investment", {"region": "Zhaoqing"}, False),
    ("total investment of key projects", "total investment", {"period": "2022"}, False),
    (
        "total investment of key projects",
        "total investment",
        {"change": None, "value": quantity(5e9)},
        False,
    ),
]


@pytest.mark.parametrize(("gold", "pred", "diff", "agrees"), INDICATOR_NAMES)
def test_lenient_indicator_name_agreement(
    gold: str, pred: str, diff: dict[str, Any], agrees: bool
) -> None:
    lenient = Comparator.for_mode(Mode.LENIENT, ScoringSettings())
    strict = Comparator.for_mode(Mode.STRICT, ScoringSettings())
    ctx = DocContext.build((), (), (), {})
    g, p = indicator(gold), indicator(pred, **diff)
    assert indicator_names_agree(g, p, lenient, ctx) is agrees
    assert (
        indicator_names_agree(p, g, lenient, ctx) is agrees
    )  # symmetric: agreement mode swaps the files
    assert indicator_names_agree(g, p, strict, ctx) is (gold == pred)


PERIODS = [
    ("first quarter of 2023", "Q1 2023", True),
    ("first quarter of 2023", "first season of 2023", True),
    ("first quarter of 2023", "January to March 2023", True),
    ("January-March 2023", "1st quarter 2023", True),
    ("the first quarter of this year", "January to March this year", True),
    ("second quarter of 2023", "April to June 2023", True),
    ("first half of 2023", "H1 2023", True),
    ("first seven months of this year", "January to July this year", True),
    ("first half of 2023", "January to June 2023", True),
    ("fourth quarter of 2023", "Q4 2023", True),
    ("first quarter of 2023", "first quarter of 2024", False),
    ("first quarter of 2023", "second quarter of 2023", False),
    ("January to March 2023", "January to April 2023", False),
    ("first quarter of 2023", "first half of 2023", False),
    ("first two months", "first quarter", False),
    ("first three months of 2023", "Q1 2023", True),
    ("first three quarters", "January to September", True),
    ("January to August this year", "January to August last year", False),
    # 2.2.0: "between X and Y" and "X and Y" name the span from X to Y; a span of years may
    # shorten its second year
    ("between January and June this year", "January to June this year", True),
    ("Between January and August", "January and August", True),
    ("January and June 2023", "first half of 2023", True),
    ("between January and June 2023", "January to July 2023", False),
    ("2016-20", "2016-2020", True),
    ("2021\u201325", "2021 to 2025", True),
    ("2016-20", "2016-2019", False),
]


@pytest.mark.parametrize(("a", "b", "same"), PERIODS)
def test_quarter_and_half_year_spellings_are_one_period(a: str, b: str, same: bool) -> None:
    for mode in Mode:
        cmp = Comparator.for_mode(mode, ScoringSettings())
        assert cmp.period(a, b) is same, mode
        assert cmp.period(b, a) is same, mode


# Also: a baseline of another scorer version is flagged ------------------------------------


def test_a_baseline_of_another_scorer_version_is_flagged(tmp_path: Path) -> None:
    first = run(tmp_path, identity())
    old = first.report.model_copy(update={"scorer_version": "1.0.0"})
    baseline = tmp_path / "baseline.json"
    baseline.write_text(old.model_dump_json(indent=2), encoding="utf-8")
    config = EvaluationConfig(
        gold=tmp_path / "gold.jsonl",
        pred=tmp_path / "pred.jsonl",
        docs=SEEDS,
        baseline=baseline,
        scoring=ScoringSettings(bootstrap=BootstrapSettings(resamples=0)),
    )
    comparison = evaluate(config).report.baseline
    assert comparison is not None
    assert (comparison.scorer_version, comparison.same_scorer) == ("1.0.0", False)
    assert "baseline was scored by scorer 1.0.0" in render_markdown(evaluate(config).report)
