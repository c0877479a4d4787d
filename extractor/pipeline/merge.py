"""Stage 7: one record per entity across the chunks of a document.

Chunks overlap and long articles name a project more than once, so the same entity can come
back several times. Records are merged when their comparable names agree (legal suffixes,
case and punctuation folded; for projects a fuzzy token-set ratio, provided that the numbers
and phases in the names agree); the merged record has the
union of the evidence and of list fields, and the first non-null value of every other field
(status: the last stated). Indicators merge on their name, place, period and figures, and
then once more on where their figure is written: a figure the text writes once in a sentence
is one statistic, however two chunks named or placed it. Roles are then pointed at the
merged project names, and an enterprise that has a role for a project keeps no project-less
investor, developer or operator role: a small model labels one company anew in every chunk
that names it, where the text states only what it does for its project.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from extractor.names import marker_tokens, normalize_name, normalize_text
from extractor.records import EnterpriseRole, Evidence, Indicator, Project, Role

__all__ = ["MergeResult", "merge_records"]

PROJECT_NAME_MIN = 90.0
"""Token-set ratio (0-100) at which two project names are the same project."""
ROLE_PROJECT_MIN = 80.0
"""Lowest ratio at which a role's project name is resolved to a merged project."""


class MergeResult:
    """Merged records of one document and the warnings merging produced."""

    def __init__(self) -> None:
        self.projects: list[Project] = []
        self.indicators: list[Indicator] = []
        self.roles: list[EnterpriseRole] = []
        self.warnings: list[str] = []


def _evidence(*groups: Iterable[Evidence]) -> list[Evidence]:
    spans = {(e.start, e.end): e for group in groups for e in group}
    return [spans[key] for key in sorted(spans)]


def _names(*groups: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in (n for group in groups for n in group):
        seen.setdefault(normalize_name(name), name)
    return list(seen.values())


def _same_project(a: Project, b: Project) -> bool:
    """Same comparable name, or close names with the same numbers and phases ("Phase I" and
    "Phase II", "No. 1" and "No. 2", "10GWh" and "20GWh" are different projects)."""
    x, y = normalize_name(a.name, project=True), normalize_name(b.name, project=True)
    if x == y:
        return True
    if marker_tokens(x, glued=True) != marker_tokens(y, glued=True):
        return False
    return fuzz.token_set_ratio(x, y) >= PROJECT_NAME_MIN


def _merge_project(a: Project, b: Project) -> Project:
    name = a.name if len(a.name) >= len(b.name) else b.name
    capacity = {(q.value, q.unit): q for q in [*a.capacity, *b.capacity]}
    return a.model_copy(
        update={
            "name": name,
            "location": a.location or b.location,
            "sector": a.sector or b.sector,
            "investment": a.investment or b.investment,
            "output_value": a.output_value or b.output_value,
            "capacity": list(capacity.values()),
            "status": b.status or a.status,
            "enterprises": _names(a.enterprises, b.enterprises),
            "evidence": _evidence(a.evidence, b.evidence),
            "ungrounded": a.ungrounded and b.ungrounded,
        }
    )


def _indicator_key(r: Indicator) -> tuple[str, ...]:
    value = "" if r.value is None else f"{r.value.value:g}{r.value.unit}"
    change = "" if r.change is None else f"{r.change.value:g}{r.change.unit}"
    return (
        normalize_text(r.name),
        normalize_text(r.region or ""),
        normalize_name(r.enterprise or ""),
        normalize_text(r.period or ""),
        value,
        change,
    )


def _figure_site(r: Indicator) -> tuple[int, str, str] | None:
    """Where an indicator's figure is written: its first evidence sentence and the figure as
    written, or ``None`` when that sentence writes the figure other than exactly once."""
    figure = r.value if r.value is not None else r.change
    if figure is None or not r.evidence or not figure.raw:
        return None
    sentence = r.evidence[0]
    if sentence.text.count(figure.raw) != 1:
        return None
    kind = "value" if r.value is not None else "change"
    return sentence.start, kind, figure.raw


def _one_per_figure(indicators: list[Indicator]) -> list[Indicator]:
    """One indicator per written figure: a figure the text writes once in a sentence is one
    statistic, whatever two chunks called it ("number of projects attracted" in Changchun and
    in its automobile city). The first record keeps its fields, fills its empty ones from the
    later one and takes the union of the evidence."""
    kept: dict[tuple[int, str, str], int] = {}
    out: list[Indicator] = []
    for indicator in indicators:
        site = _figure_site(indicator)
        if site is None or site not in kept:
            if site is not None:
                kept[site] = len(out)
            out.append(indicator)
            continue
        first = out[kept[site]]
        filled = {
            name: getattr(indicator, name)
            for name in ("region", "enterprise", "period", "value", "change")
            if getattr(first, name) is None and getattr(indicator, name) is not None
        }
        filled["evidence"] = _evidence(first.evidence, indicator.evidence)
        out[kept[site]] = first.model_copy(update=filled)
    return out


def _role_key(r: EnterpriseRole) -> tuple[str, Role, str]:
    return (normalize_name(r.enterprise), r.role, normalize_name(r.project or ""))


def merge_records(
    projects: Iterable[Project],
    indicators: Iterable[Indicator],
    roles: Iterable[EnterpriseRole],
    *,
    implied_roles: bool = True,
) -> MergeResult:
    """Merge the records of all chunks of one document (in chunk order). With
    ``implied_roles``, each enterprise of a project is that project's investor unless a role
    names it for the project. A ``chain_leader`` is the industry's, never one project's (nor
    is a partner, joint-venture partner or customer: guide R5), and a
    ``developer`` named for a project is its ``investor`` (the guide's ``developer`` builds for
    others, which the text rarely says; a small model writes it for any builder)."""
    result = MergeResult()
    for project in projects:
        for i, kept in enumerate(result.projects):
            if _same_project(kept, project):
                result.projects[i] = _merge_project(kept, project)
                break
        else:
            result.projects.append(project)

    by_key: dict[tuple[str, ...], Indicator] = {}
    for indicator in indicators:
        key = _indicator_key(indicator)
        if key in by_key:
            kept_i = by_key[key]
            by_key[key] = kept_i.model_copy(
                update={"evidence": _evidence(kept_i.evidence, indicator.evidence)}
            )
        else:
            by_key[key] = indicator
    result.indicators = _one_per_figure(list(by_key.values()))

    names = [p.name for p in result.projects]
    normalized = [normalize_name(n, project=True) for n in names]
    roles_by_key: dict[tuple[str, Role, str], EnterpriseRole] = {}
    explicit = list(roles)
    implied = _implied_roles(result.projects) if implied_roles else []
    for role in [*explicit, *implied]:
        if role not in explicit and any(
            (k[0], k[2]) == (normalize_name(role.enterprise), normalize_name(role.project or ""))
            for k in roles_by_key
        ):
            continue
        if role.role is Role.DEVELOPER and role.project is not None:
            role = role.model_copy(update={"role": Role.INVESTOR})
        target = None if role.role in _PROJECTLESS_ROLES else role.project
        if target is not None:
            match = process.extractOne(
                normalize_name(target, project=True), normalized, scorer=fuzz.token_set_ratio
            )
            if match is not None and match[1] >= ROLE_PROJECT_MIN:
                target = names[match[2]]
            else:
                result.warnings.append(
                    f"role {role.enterprise!r}: project {target!r} is not among the projects"
                )
                target = None
        role = role.model_copy(update={"project": target})
        key = _role_key(role)
        if key in roles_by_key:
            kept_r = roles_by_key[key]
            role = kept_r.model_copy(update={"evidence": _evidence(kept_r.evidence, role.evidence)})
        roles_by_key[key] = role
    result.roles = _without_loose_roles(list(roles_by_key.values()), result.warnings)
    return result


_PROJECTLESS_ROLES = frozenset(
    {Role.CHAIN_LEADER, Role.PARTNER, Role.JOINT_VENTURE_PARTNER, Role.CUSTOMER}
)
"""Roles the guide records with no project (rules R1, R5)."""
_FACILITY_ROLES = frozenset({Role.INVESTOR, Role.DEVELOPER, Role.OPERATOR})
"""Roles about a facility: without a project they repeat what the enterprise does for one.
The others (chain leader, partner, joint-venture partner, customer, supplier, other) are the
guide's roles without a project (rules R1, R5) and stand beside a project role."""


def _without_loose_roles(roles: list[EnterpriseRole], warnings: list[str]) -> list[EnterpriseRole]:
    """The roles, less the project-less facility roles of an enterprise that has a role for
    a project."""
    on_project = {normalize_name(r.enterprise) for r in roles if r.project is not None}
    kept = []
    for role in roles:
        loose = role.project is None and role.role in _FACILITY_ROLES
        if loose and normalize_name(role.enterprise) in on_project:
            warnings.append(
                f"role {role.enterprise!r} ({role.role.value}): dropped, the enterprise has a "
                "role for a project"
            )
            continue
        kept.append(role)
    return kept


def _implied_roles(projects: Iterable[Project]) -> list[EnterpriseRole]:
    """An enterprise listed on a project invests in it unless a role says otherwise; these
    are added only where no role names that enterprise for that project."""
    implied = []
    for project in projects:
        if project.ungrounded:
            continue
        for enterprise in project.enterprises:
            implied.append(
                EnterpriseRole(
                    enterprise=enterprise,
                    role=Role.INVESTOR,
                    project=project.name,
                    evidence=project.evidence,
                )
            )
    return implied
