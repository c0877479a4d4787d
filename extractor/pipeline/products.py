"""Products the model lists as projects, folded into the project that makes them.

A small model lists what a plant makes as a project of its own ("high-performance radial tires
and retreaded tires" beside "Linglong tire project"), and phrases that name no project at all
("launch ceremony", "listed company"). A name with no project word and no proper name is such
a name (``entities.PRODUCT``). ``fold_products`` folds each into a project of the chunk that
cites one of its sentences, the sentence next to one, or one of its enterprises: that project
takes the product as its sector, and its capacity and enterprises where it has none. One with
no such project is no project either, and is left out with a warning: on the 224-document tune
half 23 of the 28 such names were spurious ("crude steel", "large-scale industry fund",
"business environment optimization"; EXPERIMENTS rows PD, LPD).
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor.names import normalize_name
from extractor.records import Project

__all__ = ["fold_products"]


def _spans(project: Project) -> set[tuple[int, int]]:
    return {(e.start, e.end) for e in project.evidence}


def _near(host: Project, product: Project) -> bool:
    """The product's sentences follow or precede the host's, or they name an enterprise alike."""
    owners = {normalize_name(e) for e in host.enterprises}
    if owners & {normalize_name(e) for e in product.enterprises}:
        return True
    return any(
        0 <= p.start - h.end <= 2 or 0 <= h.start - p.end <= 2
        for h in host.evidence
        for p in product.evidence
    )


def fold_products(
    projects: Sequence[Project], products: Sequence[Project], warnings: list[str]
) -> list[Project]:
    """``projects`` with each of ``products`` folded into the first that shares a sentence
    with it (see ``_near``); a product that shares none is left out. Each fold and each
    product left out is a warning."""
    out = list(projects)
    for product in products:
        at = next((i for i, p in enumerate(out) if _spans(p) & _spans(product)), None)
        if at is None:
            at = next((i for i, p in enumerate(out) if _near(p, product)), None)
        if at is None:
            warnings.append(f"project {product.name!r}: a product or phrase, no project of it")
            continue
        host = out[at]
        warnings.append(f"project {product.name!r}: a product or phrase, folded into {host.name!r}")
        named = {normalize_name(e) for e in host.enterprises}
        out[at] = host.model_copy(
            update={
                "sector": host.sector or product.name,
                "capacity": host.capacity or product.capacity,
                "enterprises": [
                    *host.enterprises,
                    *(e for e in product.enterprises if normalize_name(e) not in named),
                ],
            }
        )
    return out
