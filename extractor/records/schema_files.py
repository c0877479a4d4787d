"""Generate ``schemas/*.json`` from the record models (``make schemas``).

The models are the single source of truth; the files exist so that tools in other languages
can read the format, and a test fails when they are stale.

    python -m extractor.records.schema_files [FOLDER]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from extractor.records.document import (
    FORMAT_VERSION,
    DocumentRecord,
    EnterpriseRole,
    Indicator,
    Project,
)
from extractor.records.values import Change, Evidence, Money, Quantity

__all__ = ["SCHEMA_MODELS", "render_schemas", "write_schemas"]

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "document_record": DocumentRecord,
    "project": Project,
    "indicator": Indicator,
    "enterprise_role": EnterpriseRole,
    "money": Money,
    "quantity": Quantity,
    "change": Change,
    "evidence": Evidence,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text, for every model of the format."""
    rendered: dict[str, str] = {}
    for stem, model in SCHEMA_MODELS.items():
        schema = model.model_json_schema(mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": f"Generated from extractor.records (record format v{FORMAT_VERSION}); "
            "do not edit, run `make schemas`.",
            **schema,
        }
        rendered[f"{stem}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return rendered


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for path in write_schemas(target):
        print(path)
