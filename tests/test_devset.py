"""The dev set follows its written split rule, its gold validates, and no seed is in it."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from extractor.evaluation import check_gold_file
from extractor.evaluation.bank import bank_lines, build_bank
from extractor.pipeline.nearest import ExampleBank

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "eval" / "corpus"
HALVES = ("tune", "check")


def _ids(half: str) -> list[str]:
    return sorted(p.stem for p in (CORPUS / half).glob("*.txt"))


def _batches() -> dict[str, str]:
    with (CORPUS / "sources.tsv").open(encoding="utf-8") as f:
        return {r["doc_id"]: r["batch"] for r in csv.DictReader(f, delimiter="\t")}


def test_the_first_batch_alternates_over_its_sorted_ids() -> None:
    first = {d for d, b in _batches().items() if b == "1"}
    every = sorted(first)
    assert len(every) >= 24
    assert [d for d in _ids("tune") if d in first] == every[0::2]
    assert [d for d in _ids("check") if d in first] == every[1::2]


def test_later_batches_go_to_the_tune_half_only() -> None:
    later = {d for d, b in _batches().items() if b != "1"}
    assert later <= set(_ids("tune"))
    assert not later & set(_ids("check"))


@pytest.mark.parametrize("half", HALVES)
def test_ids_are_the_hash_of_the_text(half: str) -> None:
    for path in (CORPUS / half).glob("*.txt"):
        assert path.stem == "d_" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@pytest.mark.parametrize("half", HALVES)
def test_the_gold_validates_and_covers_the_half(half: str) -> None:
    check = check_gold_file(ROOT / "gold" / f"{half}.jsonl", CORPUS / half)
    assert check.problems == ()
    assert sorted(check.documents) == _ids(half)


def test_no_seed_and_every_source_is_listed() -> None:
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "seeds").glob("*.txt")}
    texts = [p for half in HALVES for p in (CORPUS / half).glob("*.txt")]
    assert not {hashlib.sha256(p.read_bytes()).hexdigest() for p in texts} & seeds
    with (CORPUS / "sources.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert {r["doc_id"]: r["half"] for r in rows} == {p.stem: p.parent.name for p in texts}
    assert len({r["url"] for r in rows}) == len(rows)


def test_the_example_bank_is_built_from_the_tune_half_as_committed() -> None:
    bank = ROOT / "extractor" / "prompts" / "nearest.v1.bank.jsonl"
    built = bank_lines(build_bank(ROOT / "gold" / "tune.jsonl", CORPUS / "tune"))
    assert bank.read_text(encoding="utf-8") == built


def test_the_example_bank_holds_no_sentence_of_the_check_half_or_the_seeds() -> None:
    bank = ExampleBank.from_jsonl(
        (ROOT / "extractor" / "prompts" / "nearest.v1.bank.jsonl").read_text(encoding="utf-8"),
        "nearest.v1",
    )
    tune = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (CORPUS / "tune").glob("*.txt")}
    assert {example.text_sha256 for example in bank.examples} <= tune
    scored = [*(CORPUS / "check").glob("*.txt"), *(ROOT / "seeds").glob("*.txt")]
    texts = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in scored)
    for example in bank.examples:
        for sentence in example.sentences:
            words = sentence.split()  # boilerplate such as "[Photo provided to ...]" is shared
            assert len(words) < 8 or " ".join(words) not in texts
