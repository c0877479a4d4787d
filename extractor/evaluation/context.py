"""What one document's comparison needs beyond a pair of records.

* Enterprise aliases: a gold role's ``aliases`` name the same enterprise wherever it appears
  in the document (a project's ``enterprises``, an indicator's ``enterprise``).
* Project references: a role's ``project`` is compared through the project alignment: the
  predicted role is right when the project it names is the one aligned with the gold role's
  project. A name that resolves to no project of its document falls back to comparing names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.evaluation.compare import Comparator, text_similarity
from extractor.evaluation.fields import Item, own_names
from extractor.evaluation.normalize import normalize_name
from extractor.records import EnterpriseRole, Project

__all__ = ["DocContext"]


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
