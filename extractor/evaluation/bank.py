"""Build an example bank (``extractor.pipeline.nearest``) from hand-labelled documents.

A window is two to four consecutive sentences of one document (one or two paragraphs, at most
``MAX_WINDOW_TOKENS``), split as the pipeline splits them. Its answer is every gold record with
evidence in the window, in the one-call answer format, citing the window's sentences. A window
is left out when its answer would teach something the window does not show: a record whose
figure (as written) or whose indicator period is not in the window's text, fewer than two
records, or more records of a type than the one-call answer allows.

Only the tune half of the dev set may feed a bank: the check half and the seeds are scored,
never learned from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.config import ExtractorConfig
from extractor.errors import InputError
from extractor.evaluation.loading import load_document
from extractor.pipeline.chunk import Sentence, estimate_tokens, split_sentences
from extractor.pipeline.nearest import folded
from extractor.pipeline.wire import MAX_INDICATORS, MAX_PROJECTS, MAX_ROLES, ChunkExtraction
from extractor.records import DocumentRecord, EnterpriseRole, Indicator, Project
from extractor.records.jsonl import read_json_lines

__all__ = ["MAX_WINDOW_SENTENCES", "MAX_WINDOW_TOKENS", "bank_lines", "build_bank"]

MAX_WINDOW_SENTENCES = 4
MAX_WINDOW_TOKENS = 220
_MIN_RECORDS = 2
_CAPS = {"projects": MAX_PROJECTS, "indicators": MAX_INDICATORS, "roles": MAX_ROLES}

AnyRecord = Project | Indicator | EnterpriseRole


def _figures(record: AnyRecord) -> list[str]:
    if isinstance(record, Project):
        money = [m.raw for m in (record.investment, record.output_value) if m is not None]
        return money + [q.raw for q in record.capacity]
    if isinstance(record, Indicator):
        return [f.raw for f in (record.value, record.change) if f is not None]
    return []


def _copy(
    out: dict[str, Any], record: AnyRecord, plain: Sequence[str], figures: Sequence[str]
) -> None:
    """The record's set ``plain`` fields as they are, its set ``figures`` as written."""
    for key in plain:
        if getattr(record, key):
            out[key] = getattr(record, key)
    for key in figures:
        figure = getattr(record, key)
        if figure is not None:
            out[key] = figure.raw


def _wire(record: AnyRecord, cites: list[int]) -> dict[str, Any]:
    """The record as the model writes it: figures as written, keys only where set."""
    out: dict[str, Any] = {"sentences": cites[:3]}
    if isinstance(record, Project):
        out["name"] = record.name
        _copy(out, record, ("location", "sector", "status"), ("investment", "output_value"))
        if record.capacity:
            out["capacity"] = [q.raw for q in record.capacity][:3]
        if record.enterprises:
            out["enterprises"] = record.enterprises[:4]
    elif isinstance(record, Indicator):
        out["name"] = record.name
        _copy(out, record, ("region", "enterprise", "period"), ("value", "change"))
    else:
        out["enterprise"] = record.enterprise
        out["role"] = record.role
        if record.project:
            out["project"] = record.project
    return out


def _touched(record: AnyRecord, sentences: Sequence[Sentence]) -> set[int]:
    return {
        i
        for span in record.evidence
        for i, s in enumerate(sentences)
        if s.start < span.end and span.start < s.end
    }


def _answer(
    window: list[int], text: str, touches: list[tuple[str, AnyRecord, set[int]]]
) -> dict[str, list[dict[str, Any]]] | None:
    """The window's answer, or None when it would teach what the window does not show."""
    answer: dict[str, list[dict[str, Any]]] = {"projects": [], "indicators": [], "roles": []}
    written = folded(text)
    for kind, record, touched in touches:
        inside = sorted(i for i in touched if i in window)
        if not inside:
            continue
        if any(folded(f) not in written for f in _figures(record)):
            return None
        period = record.period if isinstance(record, Indicator) else None
        if period and period.lower() not in text.lower():
            return None
        answer[kind].append(_wire(record, [window.index(i) + 1 for i in inside]))
    if sum(len(records) for records in answer.values()) < _MIN_RECORDS:
        return None
    if any(len(answer[kind]) > cap for kind, cap in _CAPS.items()):
        return None
    return answer


def _windows(text: str, gold: DocumentRecord, chunk_tokens: int) -> Iterator[dict[str, Any]]:
    sentences = split_sentences(text, max_tokens=chunk_tokens)
    records: list[tuple[str, AnyRecord]] = [
        *(("projects", r) for r in gold.projects),
        *(("indicators", r) for r in gold.indicators),
        *(("roles", r) for r in gold.enterprise_roles),
    ]
    touches = [(kind, r, _touched(r, sentences)) for kind, r in records]
    for first in range(len(sentences)):
        for size in range(2, MAX_WINDOW_SENTENCES + 1):
            window = list(range(first, first + size))
            if window[-1] >= len(sentences):
                break
            if len({sentences[i].paragraph for i in window}) > 2:
                break
            text_of_window = " ".join(sentences[i].text for i in window)
            if estimate_tokens(text_of_window) > MAX_WINDOW_TOKENS:
                break
            answer = _answer(window, text_of_window, touches)
            if answer is None:
                continue
            ChunkExtraction.model_validate(answer)  # a gold record the format cannot hold fails
            yield {
                "text_sha256": gold.text_sha256,
                "sentences": [sentences[i].text for i in window],
                "output": answer,
            }


def build_bank(
    gold_path: Path, docs: Path, *, chunk_tokens: int | None = None
) -> list[dict[str, Any]]:
    """Every window of every labelled document under ``docs``, in the order of their doc ids."""
    tokens = chunk_tokens or ExtractorConfig().chunk_tokens
    golds = []
    for line in read_json_lines(gold_path):
        if line.obj is None:
            raise InputError(line.problem)
        try:
            golds.append(DocumentRecord.model_validate(line.obj))
        except ValidationError as e:
            raise InputError(f"{gold_path} line {line.number}: not a gold line: {e}") from e
    bank: list[dict[str, Any]] = []
    for gold in sorted(golds, key=lambda g: g.doc_id):
        document = load_document(docs, gold.doc_id)
        bank.extend(_windows(document.text, gold, tokens))
    return bank


def bank_lines(bank: Sequence[dict[str, Any]]) -> str:
    """The bank as its file holds it: one JSON object a line."""
    return "".join(json.dumps(example, ensure_ascii=False) + "\n" for example in bank)
