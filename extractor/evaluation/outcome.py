"""Field-level outcome of an aligned pair, and the units an unaligned record contributes.

Counting (per field, per mode):

* both empty: nothing; both filled and agreeing: TP; both filled, disagreeing: FP + FN;
  gold filled, prediction empty: FN; prediction filled, gold empty: FP.
* lists (``capacity``, ``enterprises``): elements are aligned one-to-one (most agreeing
  pairs); each aligned element is a TP, each other gold element an FN and each other
  predicted element an FP. Left-over elements are paired once more, loosely, only to name
  the error (a 40 t/yr against a 40,000 t/yr is a magnitude error, not a miss and a spurious).

Every disagreement becomes an ``Issue`` that ``classify`` names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.evaluation.align import match_elements
from extractor.evaluation.compare import Comparator, text_similarity
from extractor.evaluation.context import DocContext
from extractor.evaluation.fields import (
    FieldKind,
    FieldSpec,
    Item,
    field_value,
    own_names,
    sorted_elements,
)
from extractor.evaluation.metrics import Counts
from extractor.evaluation.normalize import canonical_unit
from extractor.records import Change, Indicator, Money, Quantity

__all__ = [
    "FieldOutcome",
    "Issue",
    "compare_field",
    "filled_units",
    "indicator_names_agree",
    "power_of_ten",
]


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
