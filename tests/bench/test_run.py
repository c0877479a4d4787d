"""The bench driver: its bookkeeping (which documents count as failed, what "identical records"
compares), and whole runs against the fake OpenAI server with every optional step off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import good_model, write_articles
from fakes.openai_server import MODEL, running_fake

from benchmarks import run
from extractor.errors import InputError
from extractor.pipeline.load import read_document


def _line(doc_id: str, warnings: list[str], projects: int = 0) -> str:
    line = {
        "doc_id": doc_id,
        "projects": [{"name": f"p{i}"} for i in range(projects)],
        "meta": {"warnings": warnings, "seconds": len(doc_id)},
    }
    return json.dumps(line)


def test_failed_documents_counts_failures_and_documents_never_written(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c", "d"):
        (docs / f"{name}.txt").write_text(name)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        "\n".join(
            [
                _line("a", []),
                _line("b", ["failed: ValidationError: bad answer"]),
                _line("c", ["money '3 yuan': unreadable"]),  # a warning is not a failure
            ]
        )
        + "\n"
    )
    assert run._failed_documents(pred, docs) == 2  # b failed, d is missing


def test_records_ignore_the_run_metadata(tmp_path: Path) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    first.write_text(_line("a", [], projects=2) + "\n")
    second.write_text(_line("a", ["slow"], projects=2).replace('"seconds": 1', '"seconds": 9'))
    assert run._records(first) == run._records(second)
    second.write_text(_line("a", [], projects=1))
    assert run._records(first) != run._records(second)


def test_unknown_systems_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run.main(["--systems", "ours,magic", "--work", "/nonexistent/never-created"])
    assert "unknown systems: magic" in capsys.readouterr().err


# ---- the driver end to end, against the fake OpenAI server ------------------------------------


@pytest.fixture
def bench(tmp_path: Path) -> list[str]:
    """Arguments for a tiny bench: two articles, a gold with no records, this project only,
    every optional step off (no warm reruns, no throughput, nothing to compare)."""
    docs = tmp_path / "docs"
    write_articles(docs)
    gold = tmp_path / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as out:
        for path in sorted(docs.glob("*.txt")):
            sha = read_document(path).text_sha256
            line = {"doc_id": path.stem, "text_sha256": sha, "projects": [], "indicators": []}
            out.write(json.dumps(line | {"enterprise_roles": []}) + "\n")
    return [
        "--docs", str(docs), "--gold", str(gold), "--work", str(tmp_path / "work"),
        "--out", str(tmp_path / "BENCHMARKS.md"), "--model", MODEL, "--systems", "ours",
        "--warm-repeats", "0", "--throughput-repeats", "0",
    ]  # fmt: skip


def _results(bench: list[str]) -> dict[str, Any]:
    work = Path(bench[bench.index("--work") + 1])
    return dict(json.loads((work / "results.json").read_text()))


def test_the_driver_runs_with_every_optional_step_off(bench: list[str], tmp_path: Path) -> None:
    with running_fake(good_model) as fake:
        assert run.main([*bench, "--base-url", fake.base_url]) == 0
    results = _results(bench)
    assert set(results) == {"environment", "quality.ours"}  # no warm, throughput, compare
    ours = results["quality.ours"]
    assert ours["run"]["returncode"] == 0
    assert ours["run"]["calls"] == len(fake.chat_requests) > 0  # every call went through the meter
    assert ours["warm"] == []
    assert "warm_identical" not in ours
    assert ours["server_peak_rss_bytes"] is None  # a server the bench did not start
    assert ours["failed_documents"] == 0
    lines = (tmp_path / "work" / "ours.jsonl").read_text().splitlines()
    predicted = [json.loads(line) for line in lines]
    lists = ("projects", "indicators", "enterprise_roles")
    records = sum(len(line[k]) for line in predicted for k in lists)
    assert records > 0
    assert sum(ours["report"]["validity"]["predicted_records"].values()) == records
    report = (tmp_path / "BENCHMARKS.md").read_text()
    assert "a server the bench did not start" in report
    assert "## Quality (field level)" in report


def test_a_finished_run_is_saved_before_its_scoring_and_resume_does_not_repeat_it(
    bench: list[str], tmp_path: Path
) -> None:
    gold = bench[bench.index("--gold") + 1]
    missing = [*bench]
    missing[missing.index("--gold") + 1] = str(tmp_path / "no-gold.jsonl")
    with running_fake(good_model) as fake:
        with pytest.raises(InputError, match=r"no-gold\.jsonl"):
            run.main([*missing, "--base-url", fake.base_url])  # the scoring fails
        saved = _results(bench)["quality.ours"]
        assert saved["run"]["returncode"] == 0
        assert "report" not in saved
        cold_calls = len(fake.chat_requests)
        assert saved["run"]["calls"] == cold_calls > 0

        resumed = [*bench, "--base-url", fake.base_url, "--resume", "--warm-repeats", "1"]
        resumed[resumed.index("--gold") + 1] = gold
        assert run.main(resumed) == 0
    ours = _results(bench)["quality.ours"]
    assert ours["run"] == saved["run"]
    assert len(ours["warm"]) == 1
    assert ours["warm_identical"] is True
    assert ours["warm"][0]["calls"] == len(fake.chat_requests) - cold_calls  # no cold rerun
    assert "report" in ours


def test_another_systems_run_is_never_saved_as_this_projects(
    bench: list[str], tmp_path: Path
) -> None:
    """Warm reruns belong to this project alone: the run of a system measured after it must
    not take its place in the results (a bug wrote LangExtract's run as this project's)."""
    args = [*bench]
    args[args.index("--systems") + 1] = "ours,naive"
    args[args.index("--warm-repeats") + 1] = "1"
    with running_fake(good_model) as fake:
        assert run.main([*args, "--base-url", fake.base_url]) == 0
    results = _results(bench)
    ours, naive = results["quality.ours"], results["quality.naive"]
    assert len(ours["warm"]) == 1
    assert "warm" not in naive
    assert ours["failed_documents"] == 0
    assert ours["report"] != naive["report"]
    ours_records = sum(ours["report"]["validity"]["predicted_records"].values())
    written = (tmp_path / "work" / "ours.jsonl").read_text().splitlines()
    lists = ("projects", "indicators", "enterprise_roles")
    assert ours_records == sum(len(json.loads(line)[k]) for line in written for k in lists)
