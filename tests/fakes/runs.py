"""A batch run of the articles in ``tmp_path / "in"`` against a fake server, with one prompt
and the response cache off: what the end-to-end tests of a prompt part share."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from extractor.config import ExtractorConfig, ModeChoice
from extractor.pipeline.batch import BatchSummary, run_batch
from extractor.records import DocumentRecord
from fakes.openai_server import MODEL

__all__ = ["run_prompt"]


def run_prompt(
    base_url: str, tmp_path: Path, prompt: str, **settings: Any
) -> tuple[BatchSummary, list[DocumentRecord]]:
    """Extract ``tmp_path / "in"`` into ``tmp_path / "out.jsonl"`` through the server at
    ``base_url`` with ``prompt`` (and other ``settings`` of the config); the summary and the
    records, in output order."""
    config = ExtractorConfig(
        base_url=base_url,
        model=MODEL,
        mode=ModeChoice.JSON_SCHEMA,
        home=tmp_path / "home",
        cache=False,
        prompt=prompt,
        **settings,
    )
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(run_batch(config, [tmp_path / "in"], out))
    lines = out.read_text(encoding="utf-8").splitlines()
    return summary, [DocumentRecord.model_validate_json(line) for line in lines]
