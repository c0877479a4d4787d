"""Score one document: align its records, then count at three levels in two modes.

Levels (for each mode):

* ``detection``: an aligned pair whose identity fields agree is a TP; any other aligned
  pair is an FP and an FN; an unaligned gold record is an FN, an unaligned prediction an FP.
* ``field``: every field unit of aligned pairs as in ``outcome``; an unaligned record
  contributes an FN (gold) or FP (prediction) for each unit it fills.
* ``exact``: an aligned pair whose fields all agree is a TP, else an FP and an FN;
  unaligned records as in detection.

A prediction without valid evidence (flagged ``ungrounded``, no evidence, or evidence that
is not the document's text at its offsets) is never a TP at the detection and exact levels
in strict mode. Lenient mode still counts it; beside it, ``grounded`` keeps the detection
counts of each mode with ungrounded predictions held to the strict rule, which the report
shows as "grounded P/R/F1".

A record whose ``optional`` flag is honoured (gold; in agreement mode either side) counts
nothing whether aligned or not. ``aliases`` are honoured on the same terms: a prediction's
aliases are dropped before anything is compared, so a prediction can neither name itself
the gold enterprise nor widen the document's alias table (``context``).

Alignment is done once per document and type, on the similarity of ``similarity``, by the
assignment of ``align``; of pairings equally similar, the one whose fields agree most (field
units right minus units wrong, both modes) is taken. It is shared by both modes; projects are
aligned first so that a role's ``project`` can be judged through the project alignment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from extractor.evaluation.align import admissible, assign
from extractor.evaluation.compare import Comparator
from extractor.evaluation.context import DocContext
from extractor.evaluation.fields import FIELD_SPECS, Item, canonical_key, records_of
from extractor.evaluation.metrics import Counts
from extractor.evaluation.outcome import FieldOutcome, compare_field, filled_units
from extractor.evaluation.settings import Level, Mode, RecordType, ScoringSettings
from extractor.evaluation.similarity import similarity_matrix
from extractor.records import DocumentRecord

__all__ = ["DocStatus", "DocumentResult", "PairResult", "make_items", "score_document"]

CountKey = tuple[Level, Mode, RecordType]
FieldKey = tuple[Mode, RecordType, str]
GroundedKey = tuple[Mode, RecordType]


class DocStatus(StrEnum):
    """How a gold document's prediction was found."""

    SCORED = "scored"
    MISSING = "missing"  # no prediction line (--allow-missing): scored as empty
    UNPARSEABLE = "unparseable"  # the prediction line is broken: scored as empty
    SHA_MISMATCH = "sha_mismatch"  # predicted on another text (--allow-missing): empty


@dataclass(frozen=True, slots=True)
class PairResult:
    """A gold record and its aligned prediction; either side is ``None`` when unaligned."""

    record_type: RecordType
    gold: Item | None
    pred: Item | None
    similarity: float | None
    counted: bool
    fields: Mapping[Mode, tuple[FieldOutcome, ...]]
    detected: Mapping[Mode, bool]
    exact: Mapping[Mode, bool]

    @property
    def grounded(self) -> bool:
        """The prediction's evidence is valid (``False`` when there is no prediction)."""
        return self.pred is not None and not self.pred.ungrounded


@dataclass(frozen=True, slots=True)
class DocumentResult:
    doc_id: str
    status: DocStatus
    pairs: tuple[PairResult, ...]
    counts: Mapping[CountKey, Counts]
    field_counts: Mapping[FieldKey, Counts]
    grounded_counts: Mapping[GroundedKey, Counts]
    """Detection counts in which only a grounded prediction can be a TP."""
    gold_items: Mapping[RecordType, tuple[Item, ...]]
    pred_items: Mapping[RecordType, tuple[Item, ...]]


def _evidence_found(item_record: object, text: str) -> bool:
    evidence = getattr(item_record, "evidence", [])
    return bool(evidence) and all(text[e.start : e.end] == e.text for e in evidence)


def make_items(
    doc: DocumentRecord | None,
    record_type: RecordType,
    *,
    honour_optional: bool,
    text: str | None = None,
    positions: Sequence[int] | None = None,
) -> tuple[Item, ...]:
    """The records of one type in canonical order (independent of their order in the file).

    Where ``optional`` is not honoured (a prediction), ``aliases`` are not either: they are
    removed from the records. ``positions`` are the records' places in the file when some
    were dropped as invalid (an item's ``index`` is its place in the file).
    """
    records = records_of(doc, record_type)
    if not honour_optional:
        records = [r.model_copy(update={"aliases": []}) if r.aliases else r for r in records]
    order = sorted(range(len(records)), key=lambda i: (canonical_key(records[i]), i))
    items = []
    for rank, index in enumerate(order):
        record = records[index]
        ungrounded = record.ungrounded or (text is not None and not _evidence_found(record, text))
        optional = record.optional and honour_optional
        place = positions[index] if positions is not None else index
        items.append(Item(record_type, place, rank, record, optional, ungrounded))
    return tuple(items)


def _aligned(gold: Item, pred: Item, settings: ScoringSettings, ctx: DocContext) -> PairResult:
    fields: dict[Mode, tuple[FieldOutcome, ...]] = {}
    detected: dict[Mode, bool] = {}
    exact: dict[Mode, bool] = {}
    specs = FIELD_SPECS[gold.record_type]
    for mode in Mode:
        cmp = Comparator.for_mode(mode, settings)
        outcomes = tuple(compare_field(spec, gold, pred, cmp, ctx) for spec in specs)
        fields[mode] = outcomes
        grounded = mode is Mode.LENIENT or not pred.ungrounded
        identity = all(o.agrees for s, o in zip(specs, outcomes, strict=True) if s.identity)
        detected[mode] = grounded and identity
        exact[mode] = grounded and all(o.agrees for o in outcomes)
    counted = not (gold.optional or pred.optional)
    return PairResult(gold.record_type, gold, pred, None, counted, fields, detected, exact)


def _alone(record_type: RecordType, gold: Item | None, pred: Item | None) -> PairResult:
    item = gold if gold is not None else pred
    counted = item is not None and not item.optional
    never = dict.fromkeys(Mode, False)
    return PairResult(record_type, gold, pred, None, counted, {}, never, never)


def _agreement(pair: PairResult) -> int:
    """Field units the pair gets right minus those it gets wrong, both modes together."""
    total = 0
    for outcomes in pair.fields.values():
        for outcome in outcomes:
            total += outcome.counts.tp - outcome.counts.fp - outcome.counts.fn
    return total


def _align_type(
    gold: Sequence[Item], pred: Sequence[Item], settings: ScoringSettings, ctx: DocContext
) -> list[PairResult]:
    """Align one record type; ties of similarity go to the pairing whose fields agree most."""
    record_type = gold[0].record_type if gold else pred[0].record_type if pred else None
    if record_type is None:
        return []
    matrix = similarity_matrix(gold, pred, settings, ctx)
    threshold = settings.thresholds.for_type(record_type)
    candidates: dict[tuple[int, int], PairResult] = {}
    agreement = np.zeros_like(matrix)
    for r, c in zip(*np.nonzero(admissible(matrix, threshold)), strict=True):
        pair = _aligned(gold[r], pred[c], settings, ctx)
        candidates[int(r), int(c)] = pair
        agreement[r, c] = _agreement(pair)
    found = assign(matrix, threshold, tiebreak=agreement)
    partner = {r: (c, s) for r, c, s in found.pairs}
    out: list[PairResult] = []
    for r, g in enumerate(gold):
        if r in partner:
            c, s = partner[r]
            out.append(replace(candidates[r, c], similarity=s))
        else:
            out.append(_alone(record_type, g, None))
    out.extend(_alone(record_type, None, pred[c]) for c in found.unmatched_cols)
    return out


def _tally_grounded(pair: PairResult, grounded: dict[GroundedKey, Counts]) -> None:
    if not pair.counted:
        return
    t = pair.record_type
    for mode in Mode:
        if pair.gold is not None and pair.pred is not None:
            hit = pair.detected[mode] and pair.grounded
            found = Counts(tp=1) if hit else Counts(fp=1, fn=1)
        else:
            found = Counts(fn=1) if pair.gold is not None else Counts(fp=1)
        grounded[mode, t] = grounded[mode, t] + found


def _tally(
    pair: PairResult, counts: dict[CountKey, Counts], field_counts: dict[FieldKey, Counts]
) -> None:
    """Add one pair's counts (nothing when an honoured optional record is involved)."""
    if not pair.counted:
        return
    t = pair.record_type
    specs = FIELD_SPECS[t]

    def add(level: Level, mode: Mode, value: Counts) -> None:
        counts[level, mode, t] = counts[level, mode, t] + value

    def add_field(mode: Mode, name: str, value: Counts) -> None:
        add(Level.FIELD, mode, value)
        field_counts[mode, t, name] = field_counts[mode, t, name] + value

    hit, miss = Counts(tp=1), Counts(fp=1, fn=1)
    if pair.gold is not None and pair.pred is not None:
        for mode in Mode:
            add(Level.DETECTION, mode, hit if pair.detected[mode] else miss)
            add(Level.EXACT, mode, hit if pair.exact[mode] else miss)
            for spec, outcome in zip(specs, pair.fields[mode], strict=True):
                add_field(mode, spec.name, outcome.counts)
        return
    gold_side = pair.gold is not None
    item = pair.gold if pair.gold is not None else pair.pred
    if item is None:
        return
    for mode in Mode:
        add(Level.DETECTION, mode, Counts(fn=1) if gold_side else Counts(fp=1))
        add(Level.EXACT, mode, Counts(fn=1) if gold_side else Counts(fp=1))
        for spec in specs:
            n = filled_units(spec, item)
            add_field(mode, spec.name, Counts(fn=n) if gold_side else Counts(fp=n))


def score_document(
    doc_id: str,
    gold: DocumentRecord,
    pred: DocumentRecord | None,
    settings: ScoringSettings,
    *,
    status: DocStatus = DocStatus.SCORED,
    text: str | None = None,
    positions: Mapping[RecordType, Sequence[int]] | None = None,
) -> DocumentResult:
    """Align and count one document (``pred`` is ``None`` for an empty prediction)."""
    gold_items = {t: make_items(gold, t, honour_optional=True) for t in RecordType}
    pred_items = {
        t: make_items(
            pred,
            t,
            honour_optional=settings.agreement,
            text=text,
            positions=positions.get(t) if positions is not None else None,
        )
        for t in RecordType
    }
    roles = (*gold_items[RecordType.ENTERPRISE_ROLE], *pred_items[RecordType.ENTERPRISE_ROLE])
    projects_g, projects_p = gold_items[RecordType.PROJECT], pred_items[RecordType.PROJECT]
    ctx = DocContext.build(roles, projects_g, projects_p, {})
    pairs = _align_type(projects_g, projects_p, settings, ctx)
    project_pairs = {
        p.gold.index: p.pred.index for p in pairs if p.gold is not None and p.pred is not None
    }
    ctx = DocContext.build(roles, projects_g, projects_p, project_pairs)
    for t in (RecordType.INDICATOR, RecordType.ENTERPRISE_ROLE):
        pairs.extend(_align_type(gold_items[t], pred_items[t], settings, ctx))

    counts: dict[CountKey, Counts] = {
        (level, mode, t): Counts() for level in Level for mode in Mode for t in RecordType
    }
    field_counts: dict[FieldKey, Counts] = {
        (mode, t, spec.name): Counts()
        for mode in Mode
        for t in RecordType
        for spec in FIELD_SPECS[t]
    }
    grounded = {(mode, t): Counts() for mode in Mode for t in RecordType}
    for pair in pairs:
        _tally(pair, counts, field_counts)
        _tally_grounded(pair, grounded)
    return DocumentResult(
        doc_id, status, tuple(pairs), counts, field_counts, grounded, gold_items, pred_items
    )
