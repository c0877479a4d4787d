"""The library API against a real local OpenAI-compatible server: sync and async twins agree,
failures come back per document, and the public names are pinned."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import ARTICLES, article_in, failing_for, good_model, write_articles
from fakes.openai_server import (
    MODEL,
    FakeOpenAI,
    Reply,
    error_body,
    running_fake,
    unused_port,
)

import extractor
from extractor import (
    BackendUnavailable,
    BatchSummary,
    ConfigError,
    DocumentError,
    DocumentRecord,
    EndpointError,
    Extractor,
    ExtractorConfig,
    ModeChoice,
    aextract_files,
    aextract_text,
    extract_files,
    extract_text,
)
from extractor.errors import OutputError

PUBLIC = [
    "FORMAT_VERSION",
    "Backend",
    "BackendUnavailable",
    "BatchObserver",
    "BatchSummary",
    "Change",
    "ConfigError",
    "DocumentError",
    "DocumentRecord",
    "EndpointError",
    "EnterpriseRole",
    "Evidence",
    "Extractor",
    "ExtractorConfig",
    "ExtractorError",
    "GoldError",
    "Indicator",
    "InputError",
    "ModeChoice",
    "ModelError",
    "Money",
    "Project",
    "ProvisioningError",
    "Quantity",
    "ReplayMiss",
    "ResponseInvalid",
    "__version__",
    "aextract_files",
    "aextract_text",
    "extract_files",
    "extract_text",
    "unload_models",
]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(good_model) as server:
        yield server


def settings(fake: FakeOpenAI, tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "base_url": fake.base_url,
        "mode": ModeChoice.TOOLS,
        "home": tmp_path / "home",
        "cache": False,
        "retries": 1,
    } | overrides


def content(record: DocumentRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"meta"})


def test_public_names_are_pinned() -> None:
    assert extractor.__all__ == PUBLIC
    assert sorted(extractor.__all__, key=lambda n: (not n.isupper(), n)) == PUBLIC
    for name in PUBLIC:
        assert getattr(extractor, name) is not None


def test_extract_text_returns_a_grounded_record(fake: FakeOpenAI, tmp_path: Path) -> None:
    text = ARTICLES["ningbo"]
    record = extract_text(text, "ningbo", **settings(fake, tmp_path))
    assert isinstance(record, DocumentRecord)
    assert record.doc_id == "ningbo"
    assert record.text_sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    DocumentRecord.model_validate(record.model_dump(), context={"text": text})
    assert record.projects
    assert record.indicators
    assert record.meta is not None
    assert (record.meta.model, record.meta.mode) == (MODEL, "tools")


def test_the_default_doc_id_is_text(fake: FakeOpenAI, tmp_path: Path) -> None:
    assert extract_text(ARTICLES["ningbo"], **settings(fake, tmp_path)).doc_id == "text"


def test_sync_and_async_give_the_same_records(fake: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder)
    options = settings(fake, tmp_path)

    sync_text = extract_text(ARTICLES["zhaoqing"], "zhaoqing", **options)
    sync_files = extract_files([folder], **options)
    async_text = asyncio.run(aextract_text(ARTICLES["zhaoqing"], "zhaoqing", **options))
    async_files = asyncio.run(aextract_files([folder], **options))

    assert content(sync_text) == content(async_text)
    assert [content(r) for r in sync_files if isinstance(r, DocumentRecord)] == [
        content(r) for r in async_files if isinstance(r, DocumentRecord)
    ]
    assert [r.doc_id for r in sync_files if isinstance(r, DocumentRecord)] == [
        "ningbo",
        "zhaoqing",
    ]
    for a, b in zip([sync_text, *sync_files], [async_text, *async_files], strict=True):
        assert isinstance(a, DocumentRecord)
        assert isinstance(b, DocumentRecord)
        assert a.meta is not None
        assert b.meta is not None
        assert a.meta.model_dump(exclude={"seconds", "model_seconds"}) == b.meta.model_dump(
            exclude={"seconds", "model_seconds"}
        )


def test_the_extractor_objects_sync_and_async_methods_agree(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    extractor_ = Extractor(**settings(fake, tmp_path))
    first = extractor_.extract_text(ARTICLES["ningbo"], "ningbo")
    second = extractor_.extract_text(ARTICLES["ningbo"], "ningbo")  # reusable after a sync call

    async def twice() -> list[DocumentRecord]:
        async with Extractor(**settings(fake, tmp_path)) as ex:
            return [await ex.aextract_text(ARTICLES["ningbo"], "ningbo") for _ in range(2)]

    async_records = asyncio.run(twice())
    assert {str(content(r)) for r in [first, second, *async_records]} == {str(content(first))}


@pytest.mark.asyncio
async def test_one_extractor_resolves_the_model_once(fake: FakeOpenAI, tmp_path: Path) -> None:
    async with Extractor(**settings(fake, tmp_path)) as ex:
        for doc_id in ("ningbo", "zhaoqing"):
            record = await ex.aextract_text(ARTICLES[doc_id], doc_id)
            assert record.doc_id == doc_id
    assert [r.method for r in fake.requests].count("GET") == 1
    assert len(fake.chat_requests) == 2


@pytest.mark.asyncio
async def test_setup_resolves_model_and_mode_before_any_extraction(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    async with Extractor(**settings(fake, tmp_path, mode=ModeChoice.AUTO)) as ex:
        model, mode = await ex.asetup()
    assert model == MODEL
    assert mode == ModeChoice.JSON_SCHEMA.value  # the fake accepts the json_schema probe
    assert fake.chat_requests[0].body is not None
    assert len(fake.chat_requests) == 1  # the probe, no extraction


@pytest.mark.asyncio
async def test_setup_raises_for_an_unreachable_endpoint(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    async with Extractor(base_url=dead, model=MODEL, home=tmp_path, retries=1) as ex:
        with pytest.raises(EndpointError, match="unreachable"):
            await ex.asetup()


@pytest.mark.asyncio
async def test_files_fail_one_by_one(fake: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder)
    (folder / "scan.txt").write_bytes(b"\x00\x01binary")
    fake.fallback = lambda seen: (
        Reply(error_body(500, "boom"), status=500)
        if article_in(seen) == "ningbo"
        else good_model(seen)
    )
    results = await aextract_files([folder], **settings(fake, tmp_path))
    ningbo, scan, zhaoqing = results
    assert isinstance(ningbo, DocumentError)
    assert ningbo.doc_id == "ningbo"
    assert isinstance(ningbo.__cause__, EndpointError)
    assert isinstance(scan, DocumentError)
    assert "binary" in scan.reason
    assert isinstance(zhaoqing, DocumentRecord)


def test_a_config_object_or_keywords_not_both(tmp_path: Path) -> None:
    config = ExtractorConfig(base_url="http://127.0.0.1:9/v1", home=tmp_path)
    assert Extractor(config).config is config
    with pytest.raises(TypeError, match="not both"):
        Extractor(config, model="m")


def test_an_unknown_setting_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="colour"):
        Extractor(colour="blue")


def test_settings_come_from_the_environment_unless_given(
    fake: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_BASE_URL", fake.base_url)
    monkeypatch.setenv("EXTRACTOR_MODEL", "from-env")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("EXTRACTOR_HOME", str(tmp_path / "env-home"))
    record = extract_text(ARTICLES["ningbo"], mode=ModeChoice.TOOLS)
    assert record.meta is not None
    assert record.meta.model == "from-env"
    (request,) = fake.chat_requests
    assert request.headers["authorization"] == "Bearer sk-env"
    assert (tmp_path / "env-home" / "cache.sqlite").exists()

    config = ExtractorConfig.resolve(model="from-argument", api_key="sk-arg")
    assert (config.model, config.api_key, config.base_url) == (
        "from-argument",
        "sk-arg",
        fake.base_url,
    )


def test_without_any_endpoint_or_local_model_the_error_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="EXTRACTOR_BASE_URL"):
        extract_text("Some text.", home=tmp_path / "home")


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_extract_to_writes_the_output_and_the_errors_file_as_the_cli_does(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write_articles(folder)
    (folder / "scan.txt").write_bytes(b"\x00\x01binary")
    fake.fallback = failing_for("ningbo", Reply(error_body(500, "boom"), status=500))
    out = tmp_path / "out" / "records.jsonl"

    summary = Extractor(**settings(fake, tmp_path)).extract_to([folder], out)

    assert isinstance(summary, BatchSummary)
    assert (summary.documents, summary.extracted, summary.failed) == (3, 1, 2)
    assert (summary.model, summary.mode) == (MODEL, "tools")
    assert summary.errors == tmp_path / "out" / "records.errors.jsonl"
    (written,) = lines(out)
    assert written["doc_id"] == "zhaoqing"
    assert written["projects"]
    failures = {e["doc_id"]: e for e in lines(summary.errors)}
    assert set(failures) == {"ningbo", "scan"}
    assert failures["ningbo"]["error"] == "EndpointError"


def test_extract_to_resumes_and_writes_failures_where_told(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write_articles(folder, ("ningbo",))
    out = tmp_path / "out.jsonl"
    extractor_ = Extractor(**settings(fake, tmp_path))
    assert extractor_.extract_to([folder], out).extracted == 1
    first = out.read_text(encoding="utf-8")
    calls = len(fake.chat_requests)

    write_articles(folder, ("zhaoqing",))
    (folder / "scan.txt").write_bytes(b"\x00\x01binary")
    errors = tmp_path / "logs" / "failed.jsonl"
    again = extractor_.extract_to([folder], str(out), resume=True, errors=str(errors))

    assert (again.skipped, again.extracted, again.failed) == (1, 1, 1)
    assert again.errors == errors
    assert [e["doc_id"] for e in lines(errors)] == ["scan"]
    assert [r["doc_id"] for r in lines(out)] == ["ningbo", "zhaoqing"]
    assert out.read_text(encoding="utf-8").startswith(first)  # the earlier line, as it was
    assert len(fake.chat_requests) == calls + 1  # only zhaoqing was asked


def test_extract_to_and_its_async_twin_agree_and_share_the_extractors_model(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write_articles(folder)
    sync = Extractor(**settings(fake, tmp_path)).extract_to([folder], tmp_path / "sync.jsonl")
    gets = [r.method for r in fake.requests].count("GET")

    async def both() -> tuple[DocumentRecord, BatchSummary]:
        async with Extractor(**settings(fake, tmp_path)) as ex:
            record = await ex.aextract_text(ARTICLES["ningbo"], "ningbo")
            return record, await ex.aextract_to([folder], tmp_path / "async.jsonl")

    record, summary = asyncio.run(both())

    assert [r.method for r in fake.requests].count("GET") == 2 * gets  # one model lookup each
    sync_records = [DocumentRecord.model_validate(r) for r in lines(tmp_path / "sync.jsonl")]
    async_records = [DocumentRecord.model_validate(r) for r in lines(tmp_path / "async.jsonl")]
    assert [r.doc_id for r in async_records] == ["ningbo", "zhaoqing"]
    assert [content(r) for r in sync_records] == [content(r) for r in async_records]
    assert content(async_records[0]) == content(record)
    assert (sync.documents, sync.extracted, sync.records) == (
        summary.documents,
        summary.extracted,
        summary.records,
    )


def test_extract_to_an_output_that_cannot_be_written_calls_no_model(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write_articles(folder)
    (tmp_path / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"notes\.txt"):
        Extractor(**settings(fake, tmp_path)).extract_to([folder], tmp_path / "notes.txt" / "o")
    assert fake.requests == []
