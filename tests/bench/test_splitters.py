"""The splitter measurement counts each gold evidence span once, by where it lies."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.splitters import agreement, regex
from extractor.records import DocumentRecord, Evidence, Indicator, Quantity

TEXT = "Alpha output rose to 5 tons. Beta output fell to 3 tons, and gamma output rose.\n"


def _evidence(quote: str) -> Evidence:
    start = TEXT.index(quote)
    return Evidence(start=start, end=start + len(quote), text=quote)


def test_agreement_counts_exact_cut_and_across_spans(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    quotes = [
        "Alpha output rose to 5 tons.",  # one whole sentence
        "Beta output fell to 3 tons",  # a clause of a longer sentence
        "5 tons. Beta output",  # across a boundary
        "Alpha output rose to 5 tons.",  # the same span again counts once
    ]
    indicators = [
        Indicator(
            name=f"output {i}",
            value=Quantity(value=1, unit="t", raw="1 ton"),
            evidence=[_evidence(q)],
        )
        for i, q in enumerate(quotes)
    ]
    gold = DocumentRecord(
        doc_id="doc",
        text_sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
        indicators=indicators,
    )
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(gold.model_dump_json() + "\n", encoding="utf-8")

    result = agreement(regex, tmp_path, gold_path)

    assert (result.spans, result.exact, result.cut, result.across) == (3, 1, 1, 1)
    assert result.sentences == 2
