"""Gold validation: ``extract-eval validate GOLD --docs DIR`` (issue 2, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalkit import Bench, gold, gold_a, gold_b
from typer.testing import CliRunner

from extractor.cli.evaluate import app
from extractor.errors import InputError
from extractor.evaluation.loading import check_gold_file

runner = CliRunner()


def test_valid_gold_has_no_problems(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    check = check_gold_file(bench.write("gold.jsonl", gold()), bench.docs)
    assert check.problems == ()
    assert sorted(check.documents) == ["doc_a", "doc_b"]
    assert check.records == 9 + 5


def test_every_problem_is_reported_with_line_document_and_record(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    a = gold_a()
    a["projects"][1]["evidence"][0]["start"] += 1  # the span no longer matches the text
    a["projects"][0]["status"] = "finished"  # not a status
    a["enterprise_roles"][2]["project"] = "anode base"  # names no project
    a["indicators"][0]["unit"] = "%"  # not a field
    b = gold_b()
    b["text_sha256"] = "f" * 64
    b["projects"].append(dict(b["projects"][0]))  # two projects with one name
    lost = {**gold_b(), "doc_id": "doc_c"}  # no such document file
    path = bench.write(
        "gold.jsonl",
        [a, b, lost, '{"doc_id": "doc_d", "projects": [', json.dumps(a), {"projects": []}],
    )
    problems = [str(p) for p in check_gold_file(path, bench.docs).problems]
    expected = [
        "line 1 doc_a: project #0 'kitchen appliance base': status: Input should be",
        "line 1 doc_a: project #1 'Shanshan anode material base': evidence[0]: evidence text",
        "line 1 doc_a: indicator #0 'industrial investment': unit: Extra inputs are not",
        "line 1 doc_a: enterprise_role #2 'Ningbo Shanshan New Material': project 'anode base' "
        "names no project of this document",
        "line 2 doc_b: text_sha256: 'ffff",
        "line 2 doc_b: projects: two projects are named 'parts park'",
        "line 3 doc_c: doc_id: no document file in",
        "line 4 doc_d: line: not JSON",
        "line 5 doc_a: doc_id: doc_id already used on line 1",
        "line 6 ?: line: no string doc_id",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert len(problems) == len(expected)


def test_evidence_is_checked_against_the_text_with_offsets(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    a = gold_a()
    span = a["indicators"][2]["evidence"][0]
    span["start"], span["end"] = 10_000, 10_000 + len(span["text"])
    (problem,) = check_gold_file(bench.write("gold.jsonl", [a]), bench.docs).problems
    assert problem.where == "indicator #2 'number of new enterprises': evidence[0]"
    assert "runs past the end of the document" in problem.message


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        check_gold_file(bench.write("gold.jsonl", gold()), tmp_path / "nowhere")


def test_cli_validate_ok(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    path = bench.write("gold.jsonl", gold())
    result = runner.invoke(app, ["validate", str(path), "--docs", str(bench.docs)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("2 valid documents, 14 records, 0 problem(s)")


def test_cli_validate_prints_each_problem_and_exits_1(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    a, b = gold_a(), gold_b()
    a["enterprise_roles"][0]["project"] = "nothing"
    b["text_sha256"] = "0" * 64
    path = bench.write("gold.jsonl", [a, b])
    result = runner.invoke(app, ["validate", str(path), "--docs", str(bench.docs)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: line 1 doc_a: enterprise_role #0")
    assert lines[1].startswith(f"{path}: line 2 doc_b: text_sha256")
    assert "2 problem(s)" in result.stderr


def test_cli_validate_usage_errors_exit_2(tmp_path: Path) -> None:
    bench = Bench(tmp_path)
    missing = runner.invoke(app, ["validate", str(tmp_path / "none.jsonl"), "--docs", "x"])
    assert missing.exit_code == 2
    path = bench.write("gold.jsonl", gold())
    no_docs = runner.invoke(app, ["validate", str(path), "--docs", str(tmp_path / "nowhere")])
    assert no_docs.exit_code == 2
    assert no_docs.stderr.count("\n") == 1
    assert "Traceback" not in no_docs.output
