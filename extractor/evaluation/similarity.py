"""Similarity of a gold and a predicted record, used only to align them.

A record's similarity is a weighted mean of key-field scores in [0, 1]. A key field that
both records leave empty says nothing and is left out (the weights of the rest are
renormalized); a key field only one side fills scores 0.

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
two short unrelated names ("Nanning Chuxin", "Huaxin Zhenbang": 0.69) must not let one
enterprise's role stand in for another's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from extractor.evaluation.compare import Comparator, text_similarity
from extractor.evaluation.context import DocContext
from extractor.evaluation.fields import Item, own_names
from extractor.evaluation.normalize import period_tokens
from extractor.evaluation.settings import Mode, RecordType, ScoringSettings
from extractor.records import EnterpriseRole, Indicator, Project

__all__ = ["WEIGHTS", "record_similarity", "similarity_matrix"]

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
