"""``extract-eval bank``: windows of labelled text with the answers their gold records make."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from extractor.cli.evaluate import app
from extractor.evaluation.bank import build_bank

runner = CliRunner()

SENTENCES = [
    "Datong's industrial output value rose 6.2 percent in 2023.",
    "Its fixed-asset investment grew 4.1 percent.",
    "The weather was fine.",
    "Tongmei Group signed a deal to build a coal chemical plant worth 5 billion yuan.",
    "The plant will create jobs.",
]
TEXT = " ".join(SENTENCES[:3]) + "\n\n" + " ".join(SENTENCES[3:]) + "\n"


def _span(sentence: int) -> dict[str, Any]:
    start = TEXT.index(SENTENCES[sentence])
    return {"start": start, "end": start + len(SENTENCES[sentence]), "text": SENTENCES[sentence]}


def _indicator(name: str, change: float, raw: str, sentence: int, period: str) -> dict[str, Any]:
    return {
        "name": name,
        "region": "Datong",
        "period": period,
        "change": {"value": change, "unit": "%", "basis": "yoy", "raw": raw},
        "evidence": [_span(sentence)],
    }


def _write(
    tmp_path: Path, indicators: list[dict[str, Any]], project_sentences: tuple[int, ...] = (3,)
) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    (docs / "d_test.txt").write_text(TEXT, encoding="utf-8")
    line = {
        "doc_id": "d_test",
        "text_sha256": sha,
        "projects": [
            {
                "name": "coal chemical plant",
                "investment": {"amount": 5e9, "currency": "CNY", "raw": "5 billion yuan"},
                "enterprises": ["Tongmei Group"],
                "evidence": [_span(i) for i in project_sentences],
            }
        ],
        "indicators": indicators,
        "enterprise_roles": [
            {
                "enterprise": "Tongmei Group",
                "role": "investor",
                "project": "coal chemical plant",
                "evidence": [_span(3)],
            }
        ],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return gold, docs


def test_a_window_answers_with_every_record_it_states_citing_its_own_sentences(
    tmp_path: Path,
) -> None:
    gold, docs = _write(
        tmp_path,
        [
            _indicator("industrial output value", 6.2, "6.2 percent", 0, "2023"),
            _indicator("fixed-asset investment", 4.1, "4.1 percent", 1, "2023"),
        ],
    )
    bank = build_bank(gold, docs)
    first = bank[0]
    assert first["sentences"] == SENTENCES[:2]
    assert [i["sentences"] for i in first["output"]["indicators"]] == [[1], [2]]
    assert first["output"]["indicators"][0]["change"] == "6.2 percent"
    signing = [b for b in bank if b["sentences"][0] == SENTENCES[3]]
    assert signing
    assert signing[0]["output"]["projects"][0]["investment"] == "5 billion yuan"
    assert signing[0]["output"]["roles"] == [
        {"sentences": [1], "enterprise": "Tongmei Group", "role": "investor",
         "project": "coal chemical plant"}
    ]  # fmt: skip


def test_no_window_teaches_a_period_it_does_not_show(tmp_path: Path) -> None:
    # The second indicator's period is carried from the first sentence: a window without that
    # sentence would teach the model to write a period the text it sees does not give.
    gold, docs = _write(
        tmp_path,
        [
            _indicator("industrial output value", 6.2, "6.2 percent", 0, "2023"),
            _indicator("fixed-asset investment", 4.1, "4.1 percent", 1, "2023"),
        ],
    )
    starts = [b["sentences"][0] for b in build_bank(gold, docs)]
    assert SENTENCES[0] in starts
    assert SENTENCES[1] not in starts


def test_no_window_teaches_a_figure_it_does_not_show(tmp_path: Path) -> None:
    # The project's evidence starts a sentence before its figure: a window holding that
    # sentence and not the figure's would teach the model to write a figure it cannot see.
    gold, docs = _write(
        tmp_path,
        [
            _indicator("industrial output value", 6.2, "6.2 percent", 0, "2023"),
            _indicator("fixed-asset investment", 4.1, "4.1 percent", 1, "2023"),
        ],
        project_sentences=(2, 3),
    )
    bank = build_bank(gold, docs)
    assert bank
    assert all(SENTENCES[3] in b["sentences"] for b in bank if SENTENCES[2] in b["sentences"])


def test_a_window_with_fewer_than_two_records_is_no_example(tmp_path: Path) -> None:
    gold, docs = _write(
        tmp_path, [_indicator("industrial output value", 6.2, "6.2 percent", 0, "2023")]
    )
    bank = build_bank(gold, docs)
    assert bank
    assert all(SENTENCES[3] in b["sentences"] for b in bank)  # the signing's two records


def test_the_bank_command_writes_the_bank_and_names_a_missing_document(tmp_path: Path) -> None:
    gold, docs = _write(tmp_path, [])
    out = tmp_path / "x.bank.jsonl"
    result = runner.invoke(app, ["bank", str(gold), "--docs", str(docs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "examples from 1 documents" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines
    assert {json.loads(line)["output"]["projects"][0]["name"] for line in lines} == {
        "coal chemical plant"
    }
    (docs / "d_test.txt").unlink()
    missing = runner.invoke(app, ["bank", str(gold), "--docs", str(docs), "-o", str(out)])
    assert missing.exit_code == 2
    assert "d_test" in missing.output
