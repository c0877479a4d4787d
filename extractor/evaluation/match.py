"""Matching a document's records: what is scored, how alike two records are, which pair.

Fields. What is scored on each record type: its fields, how each is compared (``compare``),
which identify it. Identity fields follow the guide's "one record per ..." rules: a project
is its name; an indicator is (name, region or enterprise, period); a role is (enterprise,
role, project). A record is *detected* when it is aligned with a record whose identity
fields agree (in strict mode, also only when the prediction's evidence is valid; see
``score``).

Document context. What one document's comparison needs beyond a pair of records:

* Enterprise aliases: a gold role's ``aliases`` name the same enterprise wherever it appears
  in the document (a project's ``enterprises``, an indicator's ``enterprise``).
* Project references: a role's ``project`` is compared through the project alignment: the
  predicted role is right when the project it names is the one aligned with the gold role's
  project. A name that resolves to no project of its document falls back to comparing names.

Similarity. Of a gold and a predicted record, used only to align them: a weighted mean of
key-field scores in [0, 1]. A key field that both records leave empty says nothing and is
left out (the weights of the rest are renormalized); a key field only one side fills
scores 0.

| type            | key fields (weight)                                                   |
|-----------------|-----------------------------------------------------------------------|
| project         | name 0.6, location 0.2, investment 0.2                                |
| indicator       | name 0.35, region/enterprise 0.2, period 0.2, value/change 0.25       |
| enterprise_role | enterprise 0.5, role 0.25, project 0.25                               |

Names score by rapidfuzz ``token_sort_ratio`` over the record's name and aliases (1.0 when
they normalize to the same text); places likewise; a period by token Jaccard; numbers 1 when
they agree in lenient mode and 0 otherwise; an enum 1 or 0; a role's project 1 when it is
the aligned project. The thresholds (``MatchThresholds``) are set so that a pair needs its
name plus roughly one more key field to agree. A role pair whose enterprise names score
under ``MatchThresholds.role_enterprise`` (0.8) has similarity 0: character overlap between
two short unrelated names ("Xinhe Chuanrun", "Huaxin Chuanfeng": 0.67) must not let one
enterprise's role stand in for another's.

Alignment. One-to-one, by optimal assignment (``scipy.optimize.linear_sum_assignment``).
Greedy matching (best pair first) can lose matches: if gold A is closest to prediction X but
also close to Y, and gold B is close only to X, greedy pairs A-X and leaves B and Y unmatched,
while the optimal assignment pairs A-Y and B-X.

Only pairs that reach the threshold (*admissible* pairs) are ever matched, and among the
one-to-one sets of admissible pairs the assignment maximizes, lexicographically:

1. the total of an optional ``identity`` matrix (the scorer passes, for each pair, in how
   many modes its identity fields agree): a pair that is the same record is never given up
   for more pairs that are not. Without it, one more wrong record could take a detected
   pair apart: gold "total investment of projects signed, 8.9 billion yuan" and gold
   "expected taxes, 860 million yuan" against a right prediction of the first and a
   prediction of the same total in dollars, the count of pairs alone pairs the dollars with
   the total and the right prediction with the taxes (two admissible pairs, none detected);
2. then the number of pairs: two admissible pairs are never given up for one, however similar
   that one is (a wrong-name pair must not crowd out two right-name pairs);
3. then the total similarity of the pairs;
4. then the total of an optional ``tiebreak`` matrix (the scorer passes the pairs' field
   agreement, so that of two copies of a record that differ only in a field the similarity
   ignores, the one whose fields agree is taken).

The four keys are folded into one integer weight per admissible pair (at each level a bonus
larger than any total of the lower keys), which ``linear_sum_assignment`` maximizes exactly:
the weights are integers below 2**53. Similarities count to 1e-6 in the objective; they are
rounded to 9 decimals before thresholding, so that 0.6 built from weights is 0.6. Ties that
remain are settled by ``linear_sum_assignment`` on the matrix alone; the scorer builds it in
canonical order, so the result never depends on the order of the files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel
from scipy.optimize import linear_sum_assignment

from extractor.evaluation.compare import Comparator, normalize_name, period_tokens, text_similarity
from extractor.evaluation.settings import ErrorClass, Mode, RecordType, ScoringSettings
from extractor.records import DocumentRecord, EnterpriseRole, Indicator, Project

__all__ = [
    "FIELD_SPECS",
    "WEIGHTS",
    "AnyRecord",
    "Assignment",
    "DocContext",
    "FieldKind",
    "FieldSpec",
    "Item",
    "admissible",
    "assign",
    "canonical_key",
    "field_value",
    "match_elements",
    "own_names",
    "record_label",
    "record_similarity",
    "records_of",
    "similarity_matrix",
    "sorted_elements",
]


# Fields: what is scored on each record type, and a record as the scorer sees it.

AnyRecord = Project | Indicator | EnterpriseRole
T = TypeVar("T")
U = TypeVar("U")


class FieldKind(Enum):
    """How a field's values are compared (see ``compare`` and ``score.compare_field``)."""

    PROJECT_NAME = "project_name"  # a project's own name, with its aliases
    RECORD_NAME = "record_name"  # an indicator's own name, with its aliases
    ENTERPRISE = "enterprise"  # an enterprise name, with the document's enterprise aliases
    PLACE = "place"
    PHRASE = "phrase"
    PERIOD = "period"
    MONEY = "money"
    QUANTITY = "quantity"
    CHANGE = "change"
    ENUM = "enum"
    QUANTITY_LIST = "quantity_list"
    ENTERPRISE_LIST = "enterprise_list"
    PROJECT_REF = "project_ref"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One scored field: its name, comparison, the class of a disagreement, identity or not."""

    name: str
    kind: FieldKind
    mismatch: ErrorClass
    identity: bool = False


FIELD_SPECS: dict[RecordType, tuple[FieldSpec, ...]] = {
    RecordType.PROJECT: (
        FieldSpec("name", FieldKind.PROJECT_NAME, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("location", FieldKind.PLACE, ErrorClass.WRONG_REGION),
        FieldSpec("sector", FieldKind.PHRASE, ErrorClass.WRONG_VALUE),
        FieldSpec("investment", FieldKind.MONEY, ErrorClass.WRONG_VALUE),
        FieldSpec("output_value", FieldKind.MONEY, ErrorClass.WRONG_VALUE),
        FieldSpec("capacity", FieldKind.QUANTITY_LIST, ErrorClass.WRONG_VALUE),
        FieldSpec("status", FieldKind.ENUM, ErrorClass.WRONG_VALUE),
        FieldSpec("enterprises", FieldKind.ENTERPRISE_LIST, ErrorClass.WRONG_VALUE),
    ),
    RecordType.INDICATOR: (
        FieldSpec("name", FieldKind.RECORD_NAME, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("region", FieldKind.PLACE, ErrorClass.WRONG_REGION, identity=True),
        FieldSpec("enterprise", FieldKind.ENTERPRISE, ErrorClass.WRONG_REGION, identity=True),
        FieldSpec("period", FieldKind.PERIOD, ErrorClass.WRONG_PERIOD, identity=True),
        FieldSpec("value", FieldKind.QUANTITY, ErrorClass.WRONG_VALUE),
        FieldSpec("change", FieldKind.CHANGE, ErrorClass.WRONG_VALUE),
    ),
    RecordType.ENTERPRISE_ROLE: (
        FieldSpec("enterprise", FieldKind.ENTERPRISE, ErrorClass.WRONG_VALUE, identity=True),
        FieldSpec("role", FieldKind.ENUM, ErrorClass.WRONG_ROLE, identity=True),
        FieldSpec("project", FieldKind.PROJECT_REF, ErrorClass.WRONG_PROJECT, identity=True),
    ),
}


def records_of(doc: DocumentRecord | None, record_type: RecordType) -> list[AnyRecord]:
    if doc is None:
        return []
    if record_type is RecordType.PROJECT:
        return list(doc.projects)
    if record_type is RecordType.INDICATOR:
        return list(doc.indicators)
    return list(doc.enterprise_roles)


def field_value(record: AnyRecord, spec: FieldSpec) -> object:
    """The raw value of a field (``None``, a string, an enum, a value object or a list)."""
    value: object = getattr(record, spec.name)
    return value


def own_names(record: AnyRecord) -> tuple[str, ...]:
    """The record's name (a role's enterprise) followed by its aliases."""
    first = record.enterprise if isinstance(record, EnterpriseRole) else record.name
    return (first, *record.aliases)


def record_label(record: AnyRecord) -> str:
    """A short human label: the name, or "enterprise (role -> project)" for a role."""
    if isinstance(record, EnterpriseRole):
        target = f" -> {record.project}" if record.project else ""
        return f"{record.enterprise} ({record.role.value}{target})"
    if isinstance(record, Indicator):
        where = record.region or record.enterprise
        parts = [p for p in (where, record.period) if p]
        return f"{record.name} [{', '.join(parts)}]" if parts else record.name
    return record.name


def _canonical(value: object) -> object:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def canonical_key(value: object) -> str:
    """A total order that ignores file order: sorted-key JSON with every list sorted too.

    Accepts a record, a value object, a string or a list of them.
    """
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False)


def sorted_elements(values: list[T]) -> list[T]:
    """The elements of a list field in canonical order (inner matching must not see order)."""
    return sorted(values, key=canonical_key)


@dataclass(frozen=True, slots=True)
class Item:
    """A record as the scorer sees it.

    ``index`` is its position in its document's list; ``rank`` its position in canonical
    order (used wherever an order must not depend on the file); ``optional`` is whether its
    optional flag is honoured; ``ungrounded`` whether its evidence failed (predictions).
    """

    record_type: RecordType
    index: int
    rank: int
    record: AnyRecord
    optional: bool
    ungrounded: bool

    @property
    def label(self) -> str:
        return record_label(self.record)


# Document context: enterprise aliases and project references.


def _resolve(name: str, projects: Sequence[Item]) -> Item | None:
    for item in projects:
        if isinstance(item.record, Project) and item.record.name == name:
            return item
    wanted = normalize_name(name, project=True)
    for item in projects:
        if any(normalize_name(n, project=True) == wanted for n in own_names(item.record)):
            return item
    return None


@dataclass(frozen=True, slots=True)
class DocContext:
    """Aliases and the project alignment of one document pair."""

    enterprise_aliases: dict[str, tuple[str, ...]]
    gold_projects: tuple[Item, ...]
    pred_projects: tuple[Item, ...]
    project_pairs: dict[int, int]
    """gold project index -> aligned predicted project index."""

    @classmethod
    def build(
        cls,
        roles: Sequence[Item],
        gold_projects: Sequence[Item],
        pred_projects: Sequence[Item],
        project_pairs: dict[int, int],
    ) -> DocContext:
        groups: dict[str, set[str]] = {}
        for item in roles:
            record = item.record
            if not isinstance(record, EnterpriseRole) or not record.aliases:
                continue
            names = {record.enterprise, *record.aliases}
            merged = set(names)
            for name in names:
                merged |= groups.get(normalize_name(name), set())
            for name in merged:
                groups[normalize_name(name)] = merged
        aliases = {key: tuple(sorted(value)) for key, value in groups.items()}
        return cls(aliases, tuple(gold_projects), tuple(pred_projects), dict(project_pairs))

    def enterprise_names(self, name: str) -> tuple[str, ...]:
        """The name and every alias the document gives the same enterprise."""
        return (name, *self.enterprise_aliases.get(normalize_name(name), ()))

    def _refs(self, gold: str, pred: str) -> tuple[Item | None, Item | None]:
        return _resolve(gold, self.gold_projects), _resolve(pred, self.pred_projects)

    def project_ref_agrees(self, gold: str, pred: str, comparator: Comparator) -> bool:
        g, p = self._refs(gold, pred)
        if g is not None and p is not None:
            return self.project_pairs.get(g.index) == p.index
        g_names = own_names(g.record) if g is not None else (gold,)
        p_names = own_names(p.record) if p is not None else (pred,)
        return comparator.names(g_names, p_names, project=True)

    def project_ref_similarity(self, gold: str, pred: str) -> float:
        g, p = self._refs(gold, pred)
        if g is not None and p is not None:
            return 1.0 if self.project_pairs.get(g.index) == p.index else 0.0
        g_names = own_names(g.record) if g is not None else (gold,)
        p_names = own_names(p.record) if p is not None else (pred,)
        return text_similarity(g_names, p_names, project=True)


# Similarity: how alike two records are (alignment only).

WEIGHTS: dict[RecordType, dict[str, float]] = {
    RecordType.PROJECT: {"name": 0.6, "location": 0.2, "investment": 0.2},
    RecordType.INDICATOR: {"name": 0.35, "subject": 0.2, "period": 0.2, "figures": 0.25},
    RecordType.ENTERPRISE_ROLE: {"enterprise": 0.5, "role": 0.25, "project": 0.25},
}

Part = float | None
"""A key field's score; ``None`` when both records leave the field empty."""


def _combine(record_type: RecordType, parts: dict[str, Part]) -> float:
    weights = WEIGHTS[record_type]
    used = {k: v for k, v in parts.items() if v is not None}
    total = sum(weights[k] for k in used)
    return sum(weights[k] * v for k, v in used.items()) / total if total else 0.0


def _optional_text(a: str | None, b: str | None) -> Part:
    if a is None and b is None:
        return None
    if a is None or b is None:
        return 0.0
    return text_similarity((a,), (b,))


def _optional_enterprises(a: Sequence[str] | None, b: Sequence[str] | None) -> Part:
    if a is None and b is None:
        return None
    if a is None or b is None:
        return 0.0
    return text_similarity(a, b, enterprise=True)


def _period(a: str | None, b: str | None) -> Part:
    if a is None and b is None:
        return None
    if a is None or b is None:
        return 0.0
    x, y = set(period_tokens(a)), set(period_tokens(b))
    if x == y:
        return 1.0
    return len(x & y) / len(x | y)


def _mean(parts: Sequence[Part]) -> Part:
    used = [p for p in parts if p is not None]
    return sum(used) / len(used) if used else None


def _flag(a: object, b: object, agree: bool) -> Part:
    if a is None and b is None:
        return None
    if a is None or b is None:
        return 0.0
    return 1.0 if agree else 0.0


def _project(g: Project, p: Project, lenient: Comparator) -> float:
    investment_ok = (
        g.investment is not None
        and p.investment is not None
        and lenient.money(g.investment, p.investment)
    )
    investment = _flag(g.investment, p.investment, investment_ok)
    parts: dict[str, Part] = {
        "name": text_similarity(own_names(g), own_names(p), project=True),
        "location": _optional_text(g.location, p.location),
        "investment": investment,
    }
    return _combine(RecordType.PROJECT, parts)


def _indicator(g: Indicator, p: Indicator, lenient: Comparator, ctx: DocContext) -> float:
    g_ent = ctx.enterprise_names(g.enterprise) if g.enterprise else None
    p_ent = ctx.enterprise_names(p.enterprise) if p.enterprise else None
    value_ok = g.value is not None and p.value is not None and lenient.quantity(g.value, p.value)
    change_ok = g.change is not None and p.change is not None and lenient.change(g.change, p.change)
    parts: dict[str, Part] = {
        "name": text_similarity(own_names(g), own_names(p)),
        "subject": _mean(
            [_optional_text(g.region, p.region), _optional_enterprises(g_ent, p_ent)],
        ),
        "period": _period(g.period, p.period),
        "figures": _mean(
            [_flag(g.value, p.value, value_ok), _flag(g.change, p.change, change_ok)],
        ),
    }
    return _combine(RecordType.INDICATOR, parts)


def _role(g: EnterpriseRole, p: EnterpriseRole, ctx: DocContext, floor: float) -> float:
    g_names = (*ctx.enterprise_names(g.enterprise), *g.aliases)
    p_names = (*ctx.enterprise_names(p.enterprise), *p.aliases)
    enterprise = text_similarity(g_names, p_names, enterprise=True)
    if enterprise < floor:
        return 0.0  # another enterprise's role is never the same record
    project: Part
    if g.project is None and p.project is None:
        project = None
    elif g.project is None or p.project is None:
        project = 0.0
    else:
        project = ctx.project_ref_similarity(g.project, p.project)
    parts: dict[str, Part] = {
        "enterprise": enterprise,
        "role": 1.0 if g.role == p.role else 0.0,
        "project": project,
    }
    return _combine(RecordType.ENTERPRISE_ROLE, parts)


def record_similarity(gold: Item, pred: Item, settings: ScoringSettings, ctx: DocContext) -> float:
    """Similarity in [0, 1] of two records of the same type."""
    lenient = Comparator.for_mode(Mode.LENIENT, settings)
    g, p = gold.record, pred.record
    if isinstance(g, Project) and isinstance(p, Project):
        return _project(g, p, lenient)
    if isinstance(g, Indicator) and isinstance(p, Indicator):
        return _indicator(g, p, lenient, ctx)
    if isinstance(g, EnterpriseRole) and isinstance(p, EnterpriseRole):
        return _role(g, p, ctx, settings.thresholds.role_enterprise)
    raise TypeError(f"cannot compare {type(g).__name__} with {type(p).__name__}")


def similarity_matrix(
    gold: Sequence[Item], pred: Sequence[Item], settings: ScoringSettings, ctx: DocContext
) -> NDArray[np.float64]:
    matrix = np.zeros((len(gold), len(pred)), dtype=np.float64)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            matrix[i, j] = record_similarity(g, p, settings, ctx)
    return matrix


# Alignment: most admissible pairs, then most similarity, then the tie-break.

_DECIMALS = 9
"""Similarities are rounded before thresholding so that 0.6 built from weights is 0.6."""
_RESOLUTION = 10**6
"""Steps of similarity the objective distinguishes (below it, similarities tie)."""
_EXACT = 2**53
"""Integers below this are exact in float64, which ``linear_sum_assignment`` works in."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Pairs ``(row, column, similarity)`` and the rows and columns left unmatched."""

    pairs: tuple[tuple[int, int, float], ...]
    unmatched_rows: tuple[int, ...]
    unmatched_cols: tuple[int, ...]


def admissible(similarity: NDArray[np.float64], threshold: float) -> NDArray[np.bool_]:
    """Which entries reach the threshold (both rounded to 9 decimals)."""
    return np.asarray(np.round(similarity, _DECIMALS) >= round(threshold, _DECIMALS))


def _weights(
    similarity: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    tiebreak: NDArray[np.float64],
    identity: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Integer weights whose maximum-weight matching is the lexicographic optimum."""
    pairs = min(similarity.shape)
    ties = np.round(tiebreak).astype(np.int64)
    ties = np.where(eligible, ties - ties[eligible].min(), 0)
    agree = np.where(eligible, identity, 0)
    resolution = _RESOLUTION
    while True:
        sims = np.round(np.clip(similarity, 0.0, None) * resolution).astype(np.int64)
        span = pairs * int(ties.max()) + 1  # the tie totals never reach one similarity step
        lower = sims * span + ties
        bonus = pairs * int(lower.max()) + 1  # one more pair beats any total of the rest
        top = pairs * (bonus + int(lower.max())) + 1  # one more agreement beats any pairs
        if pairs * (int(agree.max()) * top + bonus + int(lower.max())) < _EXACT or (
            resolution == 1
        ):
            break
        resolution //= 10  # very large matrices: coarser similarity steps, still exact
    return np.where(eligible, agree * top + bonus + lower, 0).astype(np.float64)


def assign(
    similarity: NDArray[np.float64],
    threshold: float,
    *,
    tiebreak: NDArray[np.float64] | None = None,
    identity: NDArray[np.int64] | None = None,
) -> Assignment:
    """Most ``identity`` among pairs ``>= threshold``, then most such pairs, then most total
    similarity, then most ``tiebreak`` (see the module's Alignment)."""
    n_rows, n_cols = similarity.shape
    if n_rows == 0 or n_cols == 0:
        return Assignment((), tuple(range(n_rows)), tuple(range(n_cols)))
    rounded = np.round(similarity, _DECIMALS)
    eligible = admissible(similarity, threshold)
    if not eligible.any():
        return Assignment((), tuple(range(n_rows)), tuple(range(n_cols)))
    ties = np.zeros_like(rounded) if tiebreak is None else np.asarray(tiebreak, np.float64)
    agree = (
        np.zeros(rounded.shape, np.int64) if identity is None else np.asarray(identity, np.int64)
    )
    rows, cols = linear_sum_assignment(_weights(rounded, eligible, ties, agree), maximize=True)
    pairs = tuple(
        (int(r), int(c), float(rounded[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if eligible[r, c]
    )
    used_rows = {r for r, _, _ in pairs}
    used_cols = {c for _, c, _ in pairs}
    return Assignment(
        pairs,
        tuple(r for r in range(n_rows) if r not in used_rows),
        tuple(c for c in range(n_cols) if c not in used_cols),
    )


def match_elements(
    gold: Sequence[T],
    pred: Sequence[U],
    score: Callable[[T, U], float],
    threshold: float,
) -> Assignment:
    """Align the elements of two lists (a field's inner matching) on a score."""
    matrix = np.zeros((len(gold), len(pred)), dtype=np.float64)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            matrix[i, j] = score(g, p)
    return assign(matrix, threshold)
