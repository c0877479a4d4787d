"""The parts of ``extractor.distributed`` that need no Ray instance: the ``--ray [ADDRESS]``
flag, the options and their precedence, the endpoint list, how endpoints are dealt to actors,
how returned rows are written, and the message when Ray is not installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.extract import app
from extractor.config import ExtractorConfig
from extractor.distributed._actor import EndpointDealer
from extractor.distributed._options import RayOptions, endpoints_of, portable
from extractor.distributed._run import RowWriter
from extractor.distributed.flag import is_ray_address, with_ray_address
from extractor.errors import ConfigError
from extractor.pipeline.batch import BatchSummary, BatchWriter
from extractor.pipeline.write import ErrorLog, OutputFile
from extractor.records import DocumentRecord


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "seeds", "-o", "o", "--ray"], ["run", "seeds", "-o", "o", "--ray", "local"]),
        (["run", "seeds", "--ray", "--replay"], ["run", "seeds", "--ray", "local", "--replay"]),
        (["run", "--ray", "seeds/"], ["run", "--ray", "local", "seeds/"]),
        (["run", "seeds", "--ray", "auto"], ["run", "seeds", "--ray", "auto"]),
        (["run", "seeds", "--ray", "10.0.0.5:6379"], ["run", "seeds", "--ray", "10.0.0.5:6379"]),
        (["run", "s", "--ray", "ray://head:10001"], ["run", "s", "--ray", "ray://head:10001"]),
        (["run", "seeds", "--ray=auto"], ["run", "seeds", "--ray=auto"]),
        (["run", "seeds", "-o", "o.jsonl"], ["run", "seeds", "-o", "o.jsonl"]),
    ],
)  # fmt: skip
def test_ray_without_an_address_means_a_local_instance(
    args: list[str], expected: list[str]
) -> None:
    assert with_ray_address(args) == expected


def test_addresses_are_told_from_paths() -> None:
    assert is_ray_address("head-node.internal:6379")
    assert is_ray_address("[::1]:6379")
    assert not is_ray_address("seeds/")
    assert not is_ray_address("articles.jsonl")


def test_endpoints_are_a_comma_separated_base_url() -> None:
    urls = "http://a:8000/v1, http://b:8000/v1,http://a:8000/v1"
    config = ExtractorConfig.resolve(env={}, base_url=urls)
    assert endpoints_of(config) == ["http://a:8000/v1", "http://b:8000/v1"]
    assert endpoints_of(ExtractorConfig.resolve(env={})) == [None]


def test_one_actor_per_endpoint_unless_told() -> None:
    assert RayOptions().pool_size(3) == 3
    assert RayOptions().pool_size(1) == 1
    assert RayOptions(actors=8).pool_size(2) == 8


def test_options_take_arguments_then_environment_then_defaults() -> None:
    env = {"EXTRACTOR_RAY_ACTORS": "4", "EXTRACTOR_RAY_BATCH_SIZE": "32"}
    assert RayOptions.resolve(env=env) == RayOptions(actors=4, batch_size=32)
    assert RayOptions.resolve(env=env, actors=2, address="auto") == RayOptions(
        address="auto", actors=2, batch_size=32
    )
    assert RayOptions.resolve(env={}) == RayOptions()


@pytest.mark.parametrize(
    ("env", "arguments"),
    [
        ({"EXTRACTOR_RAY_ACTORS": "many"}, {}),
        ({}, {"actors": 0}),
        ({}, {"batch_size": 0}),
        ({}, {"workers": 2}),
    ],
)
def test_bad_options_are_config_errors(env: dict[str, str], arguments: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        RayOptions.resolve(env=env, **arguments)


def test_endpoints_are_dealt_round_robin_and_kept_across_restarts() -> None:
    dealer = EndpointDealer(2)
    assert [dealer.assign(a) for a in ("a1", "a2", "a3")] == [0, 1, 0]
    assert dealer.assign("a2") == 1  # a restarted actor keeps its id, and its endpoint


def test_paths_are_made_absolute_for_the_actors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = portable(ExtractorConfig.resolve(env={}, recordings="eval/recordings", home="h"))
    assert config.recordings == tmp_path / "eval" / "recordings"
    assert config.home == tmp_path / "h"
    assert config.prompts_dir is None


PUBLIC = [
    "LOCAL",
    "LOOPBACK",
    "ROW_SCHEMA",
    "DocumentExtractor",
    "RayJobFailed",
    "RayOptions",
    "documents_dataset",
    "extract_dataset",
    "ray_session",
    "run_on_ray",
]


def test_the_public_names_are_pinned_and_all_resolve() -> None:
    import extractor.distributed

    assert extractor.distributed.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(extractor.distributed, name) is not None


def test_the_cli_loads_neither_ray_nor_pyarrow_without_ray() -> None:
    code = "import sys, extractor.cli.extract; print(sorted({'ray', 'pyarrow'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def row(doc_id: str, **fields: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {"doc_id": doc_id, "text_sha256": "0" * 64,
                                   "source": f"{doc_id}.txt", "record": None, "error": None,
                                   "message": None, "endpoint": "e", "worker": "w"}  # fmt: skip
    return base | fields


def record_line(doc_id: str) -> str:
    return DocumentRecord(doc_id=doc_id, text_sha256="0" * 64).model_dump_json()


def test_rows_that_come_back_twice_are_written_once(tmp_path: Path) -> None:
    out = OutputFile(tmp_path / "out.jsonl")
    log = ErrorLog(tmp_path / "out.errors.jsonl")
    summary = BatchSummary()
    writer = RowWriter(BatchWriter(out, log, summary))
    failed = {"error": "EndpointError", "message": "http://a/v1: HTTP 400: bad"}
    for each in (row("a", record=record_line("a")), row("b", **failed),
                 row("a", record=record_line("a")), row("b", **failed)):  # fmt: skip
        writer.write(each)
    out.finish(["a", "b"])
    log.close()
    assert (summary.extracted, summary.failed) == (1, 1)
    assert [json.loads(x)["doc_id"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == [
        "a"
    ]
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert errors == [{"doc_id": "b", "source": "b.txt", "error": "EndpointError",
                       "message": "http://a/v1: HTTP 400: bad"}]  # fmt: skip


def test_a_config_error_from_an_actor_stops_the_run(tmp_path: Path) -> None:
    out = OutputFile(tmp_path / "o.jsonl")
    log = ErrorLog(tmp_path / "e.jsonl")
    writer = RowWriter(BatchWriter(out, log, BatchSummary()))
    try:
        with pytest.raises(ConfigError, match="no local model"):
            writer.write(row("a", error="BackendUnavailable", message="no local model"))
        with pytest.raises(ConfigError, match="bad prompt"):
            writer.write(row("b", error="ConfigError", message="bad prompt"))
    finally:
        out.close()
        log.close()


def test_without_ray_the_cli_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when not installed
    (tmp_path / "a.txt").write_text("Plant 1 opened.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, [str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.jsonl"), "--replay", "--ray"]
    )
    assert result.exit_code == 2
    assert "pip install 'extractor[ray]'" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()
