"""A change detector, not a quality judgement (the harness judges quality in `make test`): the
committed recordings reproduce the recorded run of the default model without a model.
`extract seeds/ -o out.jsonl --replay` gives the same records as the snapshot, every line
validates with its evidence exact, and every recorded response (seeds and both dev halves) is
used, so a stale recording fails here."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.extract import app
from extractor.config import ExtractorConfig
from extractor.llm.client import ModelClient
from extractor.pipeline.batch import run_batch
from extractor.pipeline.prompt import load_prompt
from extractor.records import DocumentRecord

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "eval" / "recordings"
RECORDED_OUTPUT = ROOT / "eval" / "seeds.pred.jsonl"
SEEDS = ROOT / "seeds"
DEV_HALVES = [ROOT / "eval" / "corpus" / "tune", ROOT / "eval" / "corpus" / "check"]


def _records(path: Path) -> dict[str, dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line.pop("meta", None)
    return {str(line["doc_id"]): line for line in lines}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "out.jsonl"
    home = tmp_path_factory.mktemp("home")
    result = CliRunner().invoke(
        app,
        [str(SEEDS), "-o", str(out), "--replay", "--no-cache", "--recordings", str(RECORDINGS),
         "--home", str(home), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_manifest_names_model_hash_date_and_prompt() -> None:
    manifest = json.loads((RECORDINGS / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "qwen2.5-coder-1.5b-instruct"
    assert manifest["model_sha256"] == (
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    )
    assert manifest["prompt_version"] == "extract.v1+verify.v1+window.v2"
    assert manifest["date"]


def test_manifest_names_the_hash_of_the_default_prompt() -> None:
    """Recordings of another prompt cannot pass for the default's: a changed prompt file means
    recording again (the recorded requests would also go unused, below)."""
    manifest = json.loads((RECORDINGS / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["prompt_sha256"] == load_prompt().sha256


def test_replay_reproduces_the_recorded_run(replayed: Path) -> None:
    assert _records(replayed) == _records(RECORDED_OUTPUT)


def test_replayed_lines_validate_with_exact_evidence(replayed: Path) -> None:
    lines = replayed.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == sorted(
        p.stem for p in SEEDS.glob("*.txt")
    )
    for line in lines:
        obj = json.loads(line)
        text = (SEEDS / f"{obj['doc_id']}.txt").read_text(encoding="utf-8")
        record = DocumentRecord.model_validate(obj, context={"text": text})
        assert record.meta is not None
        assert record.meta.usage is not None
        assert record.meta.usage.calls == 0, "replay must not call a model"
        assert record.meta.usage.cache_hits > 0


def test_every_recorded_response_is_used(tmp_path: Path) -> None:
    config = ExtractorConfig(
        replay=True, cache=False, recordings=RECORDINGS, home=tmp_path / "home"
    )
    client = ModelClient(config)

    async def run() -> int:
        try:
            summary = await run_batch(
                config, [SEEDS, *DEV_HALVES], tmp_path / "out.jsonl", client=client
            )
        finally:
            await client.aclose()
        return summary.failed

    assert asyncio.run(run()) == 0
    recordings = client.transport.recordings
    assert recordings is not None
    unused = len(recordings) - len(recordings.used)
    assert unused == 0, f"{unused} recorded responses were not requested: record again"
