"""Layering: the model client is below the pipeline. ``extractor.llm`` takes response models
from its callers and never imports ``extractor.pipeline`` (issue 13 found a cycle there). The
pipeline reaches model provisioning only through ``extractor.llm`` (the recordings manifest
is written by the recordings store), and of provisioning it uses the lookup of a local model,
never the fetching (``extract models pull``). The CLI runs a batch through the library API
(``Extractor.extract_to``), never the pipeline itself, so the two cannot drift."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"

FORBIDDEN = {
    "extractor.llm": ("extractor.pipeline", "extractor.provisioning.fetch"),
    "extractor.pipeline": ("extractor.provisioning",),
    "extractor.cli": ("extractor.pipeline",),
}
"""Package -> the packages none of its modules may import."""


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module the file of ``module`` imports, relative imports resolved, at any depth
    in the file (inside functions and ``TYPE_CHECKING`` blocks too)."""
    package = module.removesuffix(".__init__")
    if not module.endswith(".__init__"):
        package = package.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _breaks(imported: str, forbidden: str) -> bool:
    return imported == forbidden or imported.startswith(forbidden + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_none_of_the_packages_forbidden_to_it(package: str) -> None:
    folder = PACKAGE.parent.joinpath(*package.split("."))
    files = sorted(folder.rglob("*.py"))
    assert files
    offending = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path, module_name(path)))
        if any(_breaks(name, forbidden) for forbidden in FORBIDDEN[package])
    ]
    assert offending == []


def test_the_import_scan_sees_absolute_relative_and_nested_imports(tmp_path: Path) -> None:
    source = PACKAGE / "llm" / "client.py"
    assert "extractor.llm.transport.CachingTransport" in imported_modules(
        source, module_name(source)
    )
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f() -> None:\n    from ..pipeline import wire\n    import extractor.pipeline.prompt\n",
        encoding="utf-8",
    )
    seen = imported_modules(probe, "extractor.llm.probe")
    assert {"extractor.pipeline.wire", "extractor.pipeline.prompt"} <= seen
