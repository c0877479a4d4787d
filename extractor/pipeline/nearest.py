"""In-domain examples chosen per chunk: the nearest window of a bank of labelled text.

A small model follows an example better than a rule, and an example close to the chunk in
hand shows the records that kind of text holds (a list of growth rates, a signing ceremony's
projects and investors). An example bank (``NAME.VERSION.bank.jsonl`` beside the prompts) is
a list of windows of a few consecutive sentences from the dev set's tune half, each with the
answer its hand-labelled records make in the one-call format; ``extract-eval bank`` builds it.
For each chunk the bank's window most like the chunk (cosine of idf-weighted content words,
with a token for percentages and one for sums of money) goes before the question as one
user/assistant turn pair.

A window never comes from the document being extracted: not from a document with the same
bytes (its sha256), nor from one that shares a sentence with the chunk.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from extractor.errors import ConfigError
from extractor.pipeline.wire import ChunkExtraction

__all__ = ["BankExample", "ExampleBank", "folded", "numbered"]

_STOP_WORDS = (
    "the and for with from that this was were has have had its into over than which their also "
    "are been will more year years yuan billion million percent per cent about other such said "
    "after before while when where there these those they them being would could should"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z]{3,}")
_PERCENT = re.compile(r"\d\s*(%|percent)")
_MONEY = re.compile(r"\d\s*(billion|million|trillion)?\s*(yuan|dollars|\$)", re.IGNORECASE)


def numbered(sentences: Sequence[str]) -> str:
    """One sentence a line, numbered from 1: how every prompt shows sentences to the model."""
    return "\n".join(f"[{i}] {s}" for i, s in enumerate(sentences, start=1))


def _bag(text: str) -> Counter[str]:
    """Content words of ``text`` (lower-cased, 3+ letters, no stop words), a token for a
    percentage and one for a sum of money."""
    bag = Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP)
    if _PERCENT.search(text):
        bag["<pct>"] += 1
    if _MONEY.search(text):
        bag["<money>"] += 1
    return bag


def folded(text: str) -> str:
    """``text`` with each run of white space as one space: how a bank compares sentences."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class BankExample:
    """One window of the bank: its document's sha256, its sentences and its answer."""

    text_sha256: str
    sentences: tuple[str, ...]
    answer: ChunkExtraction

    def turns(self) -> list[dict[str, str]]:
        """The window as a question and its answer, in the exact format of the real ones."""
        return [
            {"role": "user", "content": "Sentences:\n" + numbered(self.sentences)},
            {"role": "assistant", "content": self.answer.model_dump_json(exclude_defaults=True)},
        ]


class ExampleBank:
    """The windows of a bank, ready to rank against a chunk."""

    def __init__(self, examples: Sequence[BankExample]) -> None:
        self.examples = tuple(examples)
        self._bags = [_bag(" ".join(e.sentences)) for e in self.examples]
        counts = Counter(word for bag in self._bags for word in set(bag))
        self._idf = {w: math.log(len(self._bags) / c) + 1 for w, c in counts.items()}
        self._norms = [self._norm(bag) for bag in self._bags]
        self._documents: dict[str, set[str]] = {}
        for example in self.examples:
            for sentence in example.sentences:
                self._documents.setdefault(folded(sentence), set()).add(example.text_sha256)

    @classmethod
    def from_jsonl(cls, raw: str, label: str) -> ExampleBank:
        """Parse a bank file: one ``{"text_sha256", "sentences", "output"}`` object a line,
        each output a valid one-call answer (a broken example teaches a broken format)."""
        examples = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj: Any = json.loads(line)
                examples.append(
                    BankExample(
                        text_sha256=str(obj["text_sha256"]),
                        sentences=tuple(str(s) for s in obj["sentences"]),
                        answer=ChunkExtraction.model_validate(obj["output"]),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValidationError) as e:
                raise ConfigError(f"{label}, line {number}: not a bank example: {e}") from e
        if not examples:
            raise ConfigError(f"{label} holds no example")
        return cls(examples)

    def _norm(self, bag: Counter[str]) -> float:
        return math.sqrt(sum((n * self._idf.get(w, 1.0)) ** 2 for w, n in bag.items()))

    def _cosine(self, query: Counter[str], query_norm: float, i: int) -> float:
        bag = self._bags[i]
        idf = self._idf
        dot = sum(query[w] * bag[w] * idf.get(w, 1.0) ** 2 for w in query if w in bag)
        return dot / (query_norm * self._norms[i]) if query_norm and self._norms[i] else 0.0

    def nearest(self, sentences: Sequence[str], text_sha256: str | None) -> BankExample | None:
        """The window most like ``sentences`` (the first of equals), from neither the
        document ``text_sha256`` nor one sharing a sentence with them; None if all are."""
        excluded = {text_sha256} if text_sha256 else set()
        for sentence in sentences:
            excluded |= self._documents.get(folded(sentence), set())
        query = _bag(" ".join(sentences))
        query_norm = self._norm(query)
        best: BankExample | None = None
        best_score = -1.0
        for i, example in enumerate(self.examples):
            if example.text_sha256 in excluded:
                continue
            score = self._cosine(query, query_norm, i)
            if score > best_score:
                best, best_score = example, score
        return best
