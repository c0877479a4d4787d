"""Which sentence splitter agrees best with the gold's evidence: the pipeline's regex
(``extractor.pipeline.chunk.split_sentences``) against two maintained splitters, pysbd and
syntok (issue 13, strategy 6: "a maintained splitter if it beats the regex on the gold's
evidence boundaries").

``python -m benchmarks.splitters tune check seeds`` (after ``pip install -e .[splitters]``)
prints, for each set, how many distinct gold evidence spans start and end on a boundary of
the splitter (``exact``), how many a boundary cuts inside (``cut``), and how many lie across
or beside its sentences (``across``: a clause of a longer sentence, or several sentences).
Every splitter sees the text one line at a time, as the regex does: a line break always ends
a sentence. No model is run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.evaluation.loading import load_document
from extractor.pipeline.chunk import split_sentences
from extractor.records import DocumentRecord

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "tune": (ROOT / "eval/corpus/tune", ROOT / "gold/tune.jsonl"),
    "check": (ROOT / "eval/corpus/check", ROOT / "gold/check.jsonl"),
    "seeds": (ROOT / "seeds", ROOT / "gold/seeds.jsonl"),
}

Span = tuple[int, int]
Splitter = Callable[[str], list[Span]]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each non-blank line with its offset."""
    at = 0
    for line in text.split("\n"):
        if line.strip():
            yield at, line
        at += len(line) + 1


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return (start, end) if end > start else None


def regex(text: str) -> list[Span]:
    return [(s.start, s.end) for s in split_sentences(text)]


def pysbd_splitter() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str) -> list[Span]:
        spans = []
        for at, line in _lines(text):
            for piece in segmenter.segment(line):
                span = _trimmed(text, at + piece.start, at + piece.end)
                if span:
                    spans.append(span)
        return spans

    return split


def syntok_splitter() -> Splitter:
    from syntok import segmenter

    def split(text: str) -> list[Span]:
        spans = []
        for at, line in _lines(text):
            for paragraph in segmenter.analyze(line):
                for sentence in paragraph:
                    tokens = list(sentence)
                    last = tokens[-1]
                    spans.append((at + tokens[0].offset, at + last.offset + len(last.value)))
        return spans

    return split


@dataclass
class Agreement:
    spans: int = 0
    exact: int = 0
    cut: int = 0
    sentences: int = 0

    @property
    def across(self) -> int:
        return self.spans - self.exact - self.cut


def _gold_spans(gold: Path) -> dict[str, set[Span]]:
    spans: dict[str, set[Span]] = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = DocumentRecord.model_validate_json(line)
        records = [*doc.projects, *doc.indicators, *doc.enterprise_roles]
        spans[doc.doc_id] = {(e.start, e.end) for r in records for e in r.evidence}
    return spans


def agreement(split: Splitter, corpus: Path, gold: Path) -> Agreement:
    result = Agreement()
    for doc_id, evidence in _gold_spans(gold).items():
        sentences = split(load_document(corpus, doc_id).text)
        result.sentences += len(sentences)
        starts = {a for a, _ in sentences}
        ends = {b for _, b in sentences}
        for a, b in evidence:
            result.spans += 1
            if a in starts and b in ends:
                result.exact += 1
            elif any(a < s < b for s in starts):
                result.cut += 1
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", choices=sorted(SETS), default=["tune"])
    args = parser.parse_args(argv)
    splitters: dict[str, Splitter] = {"regex": regex}
    try:
        splitters["pysbd"] = pysbd_splitter()
        splitters["syntok"] = syntok_splitter()
    except ImportError as e:
        print(f"{e.name} is not installed: pip install -e .[splitters]", file=sys.stderr)
        return 2
    print("| set | splitter | evidence spans | exact | cut | across | sentences |")
    print("|---|---|---|---|---|---|---|")
    for name in args.sets:
        corpus, gold = SETS[name]
        for label, split in splitters.items():
            r = agreement(split, corpus, gold)
            print(
                f"| {name} | {label} | {r.spans} | {r.exact} ({r.exact / r.spans:.3f}) | "
                f"{r.cut} | {r.across} | {r.sentences} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
