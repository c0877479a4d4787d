"""Score one document: align its records, then count at three levels in two modes.

Levels (for each mode):

* ``detection``: an aligned pair whose identity fields agree is a TP; any other aligned
  pair is an FP and an FN; an unaligned gold record is an FN, an unaligned prediction an FP.
* ``field``: every field unit of aligned pairs (see "Field outcomes" below); an unaligned
  record contributes an FN (gold) or FP (prediction) for each unit it fills.
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
the gold enterprise nor widen the document's alias table (``match``).

Alignment is done once per document and type, on the similarity and by the assignment of
``match``; of pairings equally similar, the one whose fields agree most (field units right
minus units wrong, both modes) is taken. It is shared by both modes; projects are aligned
first so that a role's ``project`` can be judged through the project alignment.

Field outcomes. What an aligned pair counts, per field and mode (an unaligned record counts
the units it fills):

* both empty: nothing; both filled and agreeing: TP; both filled, disagreeing: FP + FN;
  gold filled, prediction empty: FN; prediction filled, gold empty: FP.
* lists (``capacity``, ``enterprises``): elements are aligned one-to-one (most agreeing
  pairs); each aligned element is a TP, each other gold element an FN and each other
  predicted element an FP. Left-over elements are paired once more, loosely, only to name
  the error (a 40 t/yr against a 40,000 t/yr is a magnitude error, not a miss and a spurious).

Every disagreement becomes an ``Issue`` that ``classify`` names.

Counts are kept as ``Counts`` (TP, FP, FN); ``aggregate`` turns them into P, R and F1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from extractor.evaluation.compare import Comparator, canonical_unit, text_similarity
from extractor.evaluation.match import (
    FIELD_SPECS,
    DocContext,
    FieldKind,
    FieldSpec,
    Item,
    admissible,
    assign,
    canonical_key,
    field_value,
    match_elements,
    own_names,
    records_of,
    similarity_matrix,
    sorted_elements,
)
from extractor.evaluation.settings import Level, Mode, RecordType, ScoringSettings
from extractor.records import Change, DocumentRecord, Indicator, Money, Quantity

__all__ = [
    "Counts",
    "DocStatus",
    "DocumentResult",
    "FieldOutcome",
    "Issue",
    "PairResult",
    "compare_field",
    "filled_units",
    "indicator_names_agree",
    "make_items",
    "power_of_ten",
    "score_document",
]


# Counts: what one unit of counting found.


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one unit of counting."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def gold(self) -> int:
        """Gold support: what the gold asks for (matched or missed)."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """Predicted support: what the prediction offers (right or wrong)."""
        return self.tp + self.fp

    @property
    def is_empty(self) -> bool:
        return self.tp == 0 and self.fp == 0 and self.fn == 0

    @staticmethod
    def total(items: Iterable[Counts]) -> Counts:
        out = Counts()
        for item in items:
            out = out + item
        return out


# Field outcomes of an aligned pair.


@dataclass(frozen=True, slots=True)
class Issue:
    """One disagreeing unit: gold and predicted value (``None`` when absent).

    For list fields ``gold_element``/``pred_element`` are the element positions.
    """

    gold: object
    pred: object
    gold_element: int | None = None
    pred_element: int | None = None


@dataclass(frozen=True, slots=True)
class FieldOutcome:
    counts: Counts
    issues: tuple[Issue, ...] = ()

    @property
    def agrees(self) -> bool:
        return not self.issues


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def filled_units(spec: FieldSpec, item: Item) -> int:
    """How many units a record's field holds: 0 or 1, or the length of a list."""
    value = field_value(item.record, spec)
    if isinstance(value, list):
        return len(value)
    return 1 if _present(value) else 0


def power_of_ten(a: float, b: float, tolerance: float) -> int:
    """k != 0 when b is a * 10**k within the tolerance, else 0."""
    if a == 0 or b == 0 or (a < 0) != (b < 0):
        return 0
    k = round(math.log10(abs(b / a)))
    if k == 0:
        return 0
    return k if abs(a * 10.0**k - b) <= tolerance * max(abs(a * 10.0**k), abs(b)) else 0


_KINSHIP_TOLERANCE = 0.02
"""How close two left-over quantities must be (up to a power of ten) to be named together."""


def _quantity_kinship(a: Quantity, b: Quantity) -> float:
    """1 for the same unit, 0.5 for the same number in another unit, else 0 (not paired)."""
    ua, ub = canonical_unit(a.unit), canonical_unit(b.unit)
    if ua.base == ub.base:
        return 1.0
    x, y = a.value * ua.factor, b.value * ub.factor
    related = x == y or power_of_ten(x, y, _KINSHIP_TOLERANCE) != 0
    return 0.5 if related else 0.0


def _list(
    gold: Sequence[object],
    pred: Sequence[object],
    agree: float,
    scores: tuple[list[list[float]], list[list[float]]],
) -> FieldOutcome:
    verdict, kinship = scores
    strict = match_elements(range(len(gold)), range(len(pred)), lambda i, j: verdict[i][j], agree)
    left_g, left_p = strict.unmatched_rows, strict.unmatched_cols
    loose = match_elements(left_g, left_p, lambda i, j: kinship[i][j], 0.5)
    issues: list[Issue] = []
    paired_g: set[int] = set()
    paired_p: set[int] = set()
    for r, c, _ in loose.pairs:
        gi, pj = left_g[r], left_p[c]
        paired_g.add(gi)
        paired_p.add(pj)
        issues.append(Issue(gold[gi], pred[pj], gi, pj))
    issues.extend(Issue(gold[i], None, i, None) for i in left_g if i not in paired_g)
    issues.extend(Issue(None, pred[j], None, j) for j in left_p if j not in paired_p)
    counts = Counts(tp=len(strict.pairs), fp=len(left_p), fn=len(left_g))
    return FieldOutcome(counts, tuple(issues))


def _agrees(spec: FieldSpec, pair: tuple[Item, Item], cmp: Comparator, ctx: DocContext) -> bool:
    gold, pred = pair
    g, p = field_value(gold.record, spec), field_value(pred.record, spec)
    kind = spec.kind
    g_record, p_record = gold.record, pred.record
    if (
        kind is FieldKind.RECORD_NAME
        and isinstance(g_record, Indicator)
        and isinstance(p_record, Indicator)
    ):
        return indicator_names_agree(g_record, p_record, cmp, ctx)
    if kind in (FieldKind.PROJECT_NAME, FieldKind.RECORD_NAME):
        project = kind is FieldKind.PROJECT_NAME
        return cmp.names(own_names(gold.record), own_names(pred.record), project=project)
    if kind is FieldKind.ENTERPRISE:
        return cmp.enterprises(ctx.enterprise_names(str(g)), ctx.enterprise_names(str(p)))
    if kind in (FieldKind.PLACE, FieldKind.PHRASE):
        return cmp.phrase(str(g), str(p))
    if kind is FieldKind.PERIOD:
        return cmp.period(str(g), str(p))
    if kind is FieldKind.MONEY and isinstance(g, Money) and isinstance(p, Money):
        return cmp.money(g, p)
    if kind is FieldKind.QUANTITY and isinstance(g, Quantity) and isinstance(p, Quantity):
        return cmp.quantity(g, p)
    if kind is FieldKind.CHANGE and isinstance(g, Change) and isinstance(p, Change):
        return cmp.change(g, p)
    if kind is FieldKind.PROJECT_REF:
        return ctx.project_ref_agrees(str(g), str(p), cmp)
    if kind is FieldKind.ENUM:
        return g == p
    raise TypeError(f"field {spec.name} of kind {kind.value} holds {type(g).__name__}")


def _both_or_neither(a: object, b: object, agree: bool) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and agree)


def _same_figure_place_period(g: Indicator, p: Indicator, cmp: Comparator, ctx: DocContext) -> bool:
    """Region, enterprise and period agree, and so does every figure both sides fill (at
    least one)."""
    region = g.region is not None and p.region is not None and cmp.phrase(g.region, p.region)
    enterprise = (
        g.enterprise is not None
        and p.enterprise is not None
        and cmp.enterprises(ctx.enterprise_names(g.enterprise), ctx.enterprise_names(p.enterprise))
    )
    period = g.period is not None and p.period is not None and cmp.period(g.period, p.period)
    if not (
        _both_or_neither(g.region, p.region, region)
        and _both_or_neither(g.enterprise, p.enterprise, enterprise)
        and _both_or_neither(g.period, p.period, period)
    ):
        return False
    shared = []
    if g.value is not None and p.value is not None:
        shared.append(cmp.quantity(g.value, p.value))
    if g.change is not None and p.change is not None:
        shared.append(cmp.change(g.change, p.change))
    return bool(shared) and all(shared)


def indicator_names_agree(
    gold: Indicator, pred: Indicator, cmp: Comparator, ctx: DocContext
) -> bool:
    """An indicator's name agrees: as any name, or (lenient) related words or one standard
    statistic when the figure, region and period agree (see ``compare``)."""
    names_g, names_p = own_names(gold), own_names(pred)
    if cmp.names(names_g, names_p):
        return True
    if not cmp.lenient or not _same_figure_place_period(gold, pred, cmp, ctx):
        return False
    return cmp.related_indicator_names(names_g, names_p)


def compare_field(
    spec: FieldSpec, gold: Item, pred: Item, cmp: Comparator, ctx: DocContext
) -> FieldOutcome:
    """Counts and disagreements of one field of an aligned pair in one mode."""
    g, p = field_value(gold.record, spec), field_value(pred.record, spec)
    if isinstance(g, list) and isinstance(p, list):
        g, p = sorted_elements(g), sorted_elements(p)
    if spec.kind is FieldKind.QUANTITY_LIST and isinstance(g, list) and isinstance(p, list):
        verdict = [[1.0 if cmp.quantity(a, b) else 0.0 for b in p] for a in g]
        kinship = [[_quantity_kinship(a, b) for b in p] for a in g]
        return _list(g, p, 1.0, (verdict, kinship))
    if spec.kind is FieldKind.ENTERPRISE_LIST and isinstance(g, list) and isinstance(p, list):
        names = [[(ctx.enterprise_names(a), ctx.enterprise_names(b)) for b in p] for a in g]
        verdict = [[1.0 if cmp.enterprises(x, y) else 0.0 for x, y in row] for row in names]
        kinship = [[text_similarity(x, y, enterprise=True) for x, y in row] for row in names]
        return _list(g, p, 1.0, (verdict, kinship))
    has_g, has_p = _present(g), _present(p)
    if not has_g and not has_p:
        return FieldOutcome(Counts())
    if not has_p:
        return FieldOutcome(Counts(fn=1), (Issue(g, None),))
    if not has_g:
        return FieldOutcome(Counts(fp=1), (Issue(None, p),))
    if _agrees(spec, (gold, pred), cmp, ctx):
        return FieldOutcome(Counts(tp=1))
    return FieldOutcome(Counts(fp=1, fn=1), (Issue(g, p),))


# One document: alignment and counts.

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
    """Align one record type: most pairs that are the same record (identity fields agree,
    counted per mode) first; ties of similarity go to the pairing whose fields agree most."""
    record_type = gold[0].record_type if gold else pred[0].record_type if pred else None
    if record_type is None:
        return []
    matrix = similarity_matrix(gold, pred, settings, ctx)
    threshold = settings.thresholds.for_type(record_type)
    candidates: dict[tuple[int, int], PairResult] = {}
    agreement = np.zeros_like(matrix)
    identity = np.zeros(matrix.shape, np.int64)
    for r, c in zip(*np.nonzero(admissible(matrix, threshold)), strict=True):
        pair = _aligned(gold[r], pred[c], settings, ctx)
        candidates[int(r), int(c)] = pair
        agreement[r, c] = _agreement(pair)
        identity[r, c] = sum(pair.detected.values())
    found = assign(matrix, threshold, tiebreak=agreement, identity=identity)
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
