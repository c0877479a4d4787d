"""The whole pipeline against a real OpenAI-compatible HTTP server on 127.0.0.1 that answers
from a script: re-asks, backoff, failures that stay with their document, cache, replay,
recordings, resume and concurrency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import (
    ARTICLES,
    LONG,
    article_in,
    chunk_model,
    failing_for,
    good_model,
    write_articles,
)
from fakes.openai_server import (
    MODEL,
    FakeOpenAI,
    Reply,
    Seen,
    chat_completion,
    error_body,
    error_in_200,
    running_fake,
    unused_port,
)

from extractor.config import ExtractorConfig, ModeChoice
from extractor.errors import ConfigError, OutputError
from extractor.pipeline.batch import BatchSummary, run_batch
from extractor.pipeline.ground import ground_chunk
from extractor.records import DocumentRecord, Role

MALFORMED = '{"projects": [{"sentences": [1], "name": '


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(good_model) as server:
        yield server


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write_articles(folder)
    return folder


def make_config(url: str, tmp_path: Path, **overrides: Any) -> ExtractorConfig:
    settings: dict[str, Any] = {
        "base_url": url,
        "model": MODEL,
        "mode": ModeChoice.TOOLS,
        "home": tmp_path / "home",
        "retries": 2,
    }
    return ExtractorConfig(**(settings | overrides))


def run(config: ExtractorConfig, paths: list[Path], out: Path, **options: Any) -> BatchSummary:
    return asyncio.run(run_batch(config, paths, out, **options))


def read_records(out: Path) -> dict[str, DocumentRecord]:
    records = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        record = DocumentRecord.model_validate_json(line)
        records[record.doc_id] = record
    return records


def read_errors(out: Path) -> list[dict[str, str]]:
    path = out.with_name(out.stem + ".errors.jsonl")
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_grounded(record: DocumentRecord) -> None:
    """Every evidence span is exact against the article's text."""
    DocumentRecord.model_validate(record.model_dump(), context={"text": ARTICLES[record.doc_id]})


def content(record: DocumentRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"meta"})


def for_doc(fake: FakeOpenAI, doc_id: str) -> list[Seen]:
    return [r for r in fake.chat_requests if article_in(r) == doc_id]


@pytest.mark.parametrize("mode", [ModeChoice.TOOLS, ModeChoice.JSON_SCHEMA])
def test_a_batch_writes_one_grounded_line_per_document(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path, mode: ModeChoice
) -> None:
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path, mode=mode, model=None)
    summary = run(config, [inputs], out)

    assert (summary.documents, summary.extracted, summary.failed) == (2, 2, 0)
    assert (summary.model, summary.mode) == (MODEL, mode.value)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["ningbo", "zhaoqing"]
    records = read_records(out)
    for record in records.values():
        assert_grounded(record)
        assert record.meta is not None
        assert (record.meta.model, record.meta.backend, record.meta.mode) == (
            MODEL,
            "endpoint",
            mode.value,
        )
        assert record.meta.prompt_version == "extract.v1+verify.v1+window.v2"
        assert record.meta.format_version == "1.1"
        assert record.meta.usage is not None
        assert record.meta.usage.calls == 1
        assert record.meta.usage.prompt_tokens == 120
        assert record.meta.usage.completion_tokens == 30
        assert record.meta.seconds is not None
    ningbo = records["ningbo"]
    (base,) = ningbo.projects
    assert base.investment is not None
    assert base.investment.amount == 1.5e9
    (investment,) = ningbo.indicators
    assert investment.change is not None
    assert investment.change.value == 15.4
    zhaoqing = records["zhaoqing"]
    assert {(r.enterprise, r.role) for r in zhaoqing.enterprise_roles} >= {
        ("Xpeng Motors", Role.INVESTOR)
    }
    assert summary.records == sum(
        len(r.projects) + len(r.indicators) + len(r.enterprise_roles) for r in records.values()
    )
    assert (summary.calls, summary.prompt_tokens, summary.completion_tokens) == (2, 240, 60)
    # the request asked for the mode's structured output
    methods = [(r.method, r.path) for r in fake.requests]
    assert methods[0] == ("GET", "/v1/models")
    for request in fake.chat_requests:
        body = request.body or {}
        assert body["model"] == MODEL
        if mode is ModeChoice.TOOLS:
            assert body["tools"][0]["function"]["name"] == "ChunkExtraction"
        else:
            assert body["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize("mode", [ModeChoice.TOOLS, ModeChoice.JSON_SCHEMA])
def test_malformed_json_is_fed_back_and_the_second_answer_used(
    fake: FakeOpenAI, tmp_path: Path, mode: ModeChoice
) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    fake.script(lambda seen: chat_completion(seen, MALFORMED, prompt_tokens=100))
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path, mode=mode), [tmp_path / "in"], out)

    assert summary.extracted == 1
    first, second = fake.chat_requests
    assert first.body is not None
    assert second.body is not None
    assert len(second.body["messages"]) > len(first.body["messages"])
    fed_back = json.dumps(second.body["messages"][-1])
    assert "Invalid JSON" in fed_back
    record = read_records(out)["ningbo"]
    assert_grounded(record)
    assert record.projects
    assert record.indicators
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2
    assert record.meta.usage.prompt_tokens == 100 + 120
    assert record.meta.usage.completion_tokens == 30 + 30


def test_an_answer_that_breaks_the_schema_is_reasked(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    fake.script(lambda seen: chat_completion(seen, {"projects": [{"sentences": [], "name": ""}]}))
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [tmp_path / "in"], out)
    assert summary.extracted == 1
    assert len(fake.chat_requests) == 2
    assert "sentences" in json.dumps(fake.chat_requests[1].body)


def test_an_answer_that_never_validates_fails_only_its_document(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = lambda seen: (
        chat_completion(seen, MALFORMED) if article_in(seen) == "ningbo" else good_model(seen)
    )
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path, max_reasks=1), [inputs], out)
    assert (summary.extracted, summary.failed) == (1, 1)
    assert len(for_doc(fake, "ningbo")) == 2  # the first answer and one re-ask
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("ningbo", "ResponseInvalid")
    assert "2 attempt" in error["message"]
    assert list(read_records(out)) == ["zhaoqing"]


def test_a_fault_of_ours_in_one_document_fails_only_that_document(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a stage after the call (grounding raising on one answer) fails that
    document, with the fault's type and message in the errors file; the batch goes on."""

    def faulty(text: str, *args: Any, **kwargs: Any) -> Any:
        if text == ARTICLES["ningbo"]:
            raise ValueError("a record needs at least one evidence span")
        return ground_chunk(text, *args, **kwargs)

    monkeypatch.setattr("extractor.pipeline.document.ground_chunk", faulty)
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [inputs], out)
    assert (summary.extracted, summary.failed) == (1, 1)
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("ningbo", "DocumentError")
    assert "internal error" in error["message"]
    assert "ValueError: a record needs at least one evidence span" in error["message"]
    assert list(read_records(out)) == ["zhaoqing"]


def test_429_waits_what_retry_after_asks_then_succeeds(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    fake.script(Reply(error_body(429, "slow down"), status=429, headers={"Retry-After": "1"}))
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path, retries=2), [tmp_path / "in"], out)
    assert summary.extracted == 1
    first, second = fake.chat_requests
    assert 0.9 <= second.at - first.at < 5
    assert first.body == second.body
    assert read_records(out)["ningbo"].projects


def test_500_forever_fails_that_document_and_the_batch_goes_on(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = lambda seen: (
        Reply(error_body(500, "boom"), status=500)
        if article_in(seen) == "ningbo"
        else good_model(seen)
    )
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path, retries=2), [inputs], out)
    assert (summary.extracted, summary.failed) == (1, 1)
    assert len(for_doc(fake, "ningbo")) == 2  # every attempt of the retry budget
    (error,) = read_errors(out)
    assert error["doc_id"] == "ningbo"
    assert error["error"] == "EndpointError"
    assert "HTTP 500" in error["message"]
    assert fake.base_url in error["message"]  # the provider is named
    assert error["source"].endswith("ningbo.txt")
    assert list(read_records(out)) == ["zhaoqing"]


def test_a_timeout_fails_its_document_cleanly(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = lambda seen: (
        Reply(good_model(seen).body, delay=30) if article_in(seen) == "ningbo" else good_model(seen)
    )
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    summary = run(make_config(fake.base_url, tmp_path, timeout=0.4, retries=1), [inputs], out)
    assert time.monotonic() - started < 10
    assert (summary.extracted, summary.failed) == (1, 1)
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("ningbo", "EndpointError")
    assert "timed out" in error["message"]
    assert list(read_records(out)) == ["zhaoqing"]


@pytest.mark.parametrize("listed", [True, False], ids=["model-given", "model-listed"])
def test_the_second_run_is_served_from_the_cache(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path, listed: bool
) -> None:
    config = make_config(fake.base_url, tmp_path, model=None if not listed else MODEL)
    first = tmp_path / "first.jsonl"
    run(config, [inputs], first)
    before = len(fake.requests)
    second = tmp_path / "second.jsonl"
    summary = run(config, [inputs], second)

    new = fake.requests[before:]
    assert [r for r in new if r.path.endswith("/chat/completions")] == []
    if listed:
        assert new == []  # not a single request
    assert (summary.calls, summary.cache_hits) == (0, 2)
    again = read_records(second)
    for doc_id, record in read_records(first).items():
        assert content(again[doc_id]) == content(record)
        meta = again[doc_id].meta
        assert meta is not None
        assert meta.usage is not None
        assert (meta.usage.calls, meta.usage.cache_hits) == (0, 1)


def test_no_cache_calls_the_model_again(fake: FakeOpenAI, inputs: Path, tmp_path: Path) -> None:
    config = make_config(fake.base_url, tmp_path, cache=False)
    run(config, [inputs], tmp_path / "a.jsonl")
    run(config, [inputs], tmp_path / "b.jsonl")
    assert len(fake.chat_requests) == 4
    assert not (tmp_path / "home" / "cache.sqlite").exists()


def test_replay_with_an_empty_cache_fails_naming_document_and_chunk(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path, replay=True), [inputs], out)
    assert fake.requests == []
    assert (summary.extracted, summary.failed) == (0, 2)
    errors = {e["doc_id"]: e for e in read_errors(out)}
    assert set(errors) == {"ningbo", "zhaoqing"}
    for doc_id, error in errors.items():
        assert error["error"] == "ReplayMiss"
        assert f"document {doc_id!r}, chunk 0" in error["message"]


def test_recordings_replay_a_run_without_the_model(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    recordings = tmp_path / "recordings"
    live = make_config(fake.base_url, tmp_path, record=True, recordings=recordings, cache=False)
    run(live, [inputs], tmp_path / "live.jsonl")
    entries = [
        json.loads(line)
        for line in (recordings / "responses.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(e["request"] for e in entries) == ["ningbo#0", "zhaoqing#0"]
    assert all(e["model"] == MODEL and e["status"] == 200 for e in entries)
    manifest = json.loads((recordings / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["model"] == MODEL
    assert manifest["prompt_version"] == "extract.v1+verify.v1+window.v2"
    assert manifest["format_version"] == "1.1"
    assert manifest["date"]

    before = len(fake.requests)
    replay = make_config(
        fake.base_url,
        tmp_path,
        replay=True,
        cache=False,
        recordings=recordings,
        home=tmp_path / "fresh-home",
    )
    summary = run(replay, [inputs], tmp_path / "replayed.jsonl")
    assert len(fake.requests) == before
    assert (summary.extracted, summary.cache_hits) == (2, 2)
    replayed = read_records(tmp_path / "replayed.jsonl")
    for doc_id, record in read_records(tmp_path / "live.jsonl").items():
        assert content(replayed[doc_id]) == content(record)


def test_resume_skips_done_documents_and_redoes_changed_ones(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write_articles(folder, ("ningbo",))
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path, cache=False)
    run(config, [folder], out)
    assert len(fake.chat_requests) == 1

    write_articles(folder, ("zhaoqing",))
    summary = run(config, [folder], out, resume=True)
    assert (summary.skipped, summary.extracted) == (1, 1)
    assert [article_in(r) for r in fake.chat_requests] == ["ningbo", "zhaoqing"]
    assert list(read_records(out)) == ["ningbo", "zhaoqing"]

    (folder / "ningbo.txt").write_text(ARTICLES["ningbo"] + "Edited.\n", encoding="utf-8")
    summary = run(config, [folder], out, resume=True)
    assert (summary.skipped, summary.extracted) == (1, 1)
    assert [article_in(r) for r in fake.chat_requests][-1] == "ningbo"
    assert list(read_records(out)) == ["ningbo", "zhaoqing"]


def test_an_empty_document_is_an_empty_record_with_a_warning(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [folder], out)
    assert (summary.extracted, summary.failed) == (1, 0)
    assert fake.chat_requests == []
    record = read_records(out)["empty"]
    assert (record.projects, record.indicators, record.enterprise_roles) == ([], [], [])
    assert record.meta is not None
    assert record.meta.warnings == ["the document has no text"]


def test_an_unreadable_document_fails_with_its_reason(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    (inputs / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [inputs], out)
    assert (summary.documents, summary.extracted, summary.failed) == (3, 2, 1)
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("scan", "DocumentError")
    assert "binary" in error["message"]


@pytest.mark.parametrize("limit", [1, 2])
def test_concurrency_bounds_parallel_model_calls(tmp_path: Path, limit: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(4):
        (folder / f"copy{n}.txt").write_text(ARTICLES["ningbo"], encoding="utf-8")

    def slow(seen: Seen) -> Reply:
        reply = good_model(seen)
        reply.delay = 0.1
        return reply

    with running_fake(slow) as fake:
        config = make_config(fake.base_url, tmp_path, concurrency=limit, cache=False)
        summary = run(config, [folder], tmp_path / "out.jsonl")
    assert summary.extracted == 4
    assert fake.max_in_flight == limit


def test_a_long_document_is_chunked_and_its_project_merged(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long.txt").write_text(LONG, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with running_fake(chunk_model) as fake:
        config = make_config(fake.base_url, tmp_path, chunk_tokens=50, overlap_tokens=10)
        run(config, [tmp_path / "in"], out)
        requests = len(fake.chat_requests)
    record = read_records(out)["long"]
    assert record.meta is not None
    chunks = record.meta.chunks
    assert chunks is not None
    assert chunks >= 2
    assert requests == chunks
    (base,) = record.projects
    assert base.investment is not None
    assert base.investment.amount == 7e9
    assert [(q.value, q.unit) for q in base.capacity] == [(40000, "t/yr")]
    texts = [e.text for e in base.evidence]
    assert any("broke ground" in t for t in texts)
    assert any("will produce" in t for t in texts)
    DocumentRecord.model_validate(record.model_dump(), context={"text": LONG})


def test_gzip_compressed_answers_are_read(tmp_path: Path) -> None:
    def compressed(seen: Seen) -> Reply:
        reply = good_model(seen)
        reply.compress = True
        return reply

    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(compressed) as fake:
        summary = run(make_config(fake.base_url, tmp_path), [tmp_path / "in"], tmp_path / "o.jsonl")
    assert summary.extracted == 1


def test_every_input_document_is_written_or_reported(fake: FakeOpenAI, tmp_path: Path) -> None:
    for sub, name in (("a", "ningbo"), ("b", "zhaoqing")):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "x.txt").write_text(ARTICLES[name], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [tmp_path / "in"], out)
    written = len(out.read_text(encoding="utf-8").splitlines())
    assert written + summary.failed == summary.documents


def test_a_config_error_leaves_the_previous_output_alone(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "earlier"}\n', encoding="utf-8")
    config = make_config(f"http://127.0.0.1:{unused_port()}/v1", tmp_path, model=None, retries=1)
    with pytest.raises(ConfigError):
        run(config, [inputs], out)
    assert out.read_text(encoding="utf-8") == '{"doc_id": "earlier"}\n'


# ---- faults that used to lose work (issue 14) -------------------------------------------------


def cut_at_the_limit(seen: Seen) -> Reply:
    """A model whose answer stops at the token limit unless given twice the default budget."""
    body = seen.body or {}
    if body.get("max_tokens", 0) < 2 * ExtractorConfig().max_output_tokens:
        return chat_completion(seen, MALFORMED, finish_reason="length")
    return good_model(seen)


def test_an_answer_cut_at_the_token_limit_is_asked_again_with_a_larger_budget(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    fake.fallback = cut_at_the_limit
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [tmp_path / "in"], out)
    assert (summary.extracted, summary.failed) == (1, 0)
    budgets = [(r.body or {})["max_tokens"] for r in fake.chat_requests]
    assert budgets == [1024, 2048]
    assert read_records(out)["ningbo"].projects


def test_an_answer_always_cut_fails_only_its_document_with_a_reason(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = failing_for(
        "ningbo", lambda seen: chat_completion(seen, MALFORMED, finish_reason="length")
    )
    out = tmp_path / "out.jsonl"
    summary = run(make_config(fake.base_url, tmp_path), [inputs], out)
    assert (summary.extracted, summary.failed) == (1, 1)
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("ningbo", "ResponseTruncated")
    assert "token limit" in error["message"]
    assert "2048" in error["message"]
    assert list(read_records(out)) == ["zhaoqing"]


@pytest.mark.parametrize(
    "bad",
    [
        lambda seen: chat_completion(seen, MALFORMED),
        lambda seen: chat_completion(seen, MALFORMED, finish_reason="length"),
    ],
    ids=["never-validated", "truncated"],
)
def test_answers_that_were_not_accepted_are_not_cached(
    fake: FakeOpenAI, tmp_path: Path, bad: Any
) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    config = make_config(fake.base_url, tmp_path, max_reasks=0)
    fake.fallback = bad
    first = run(config, [tmp_path / "in"], tmp_path / "a.jsonl")
    assert first.failed == 1
    asked = len(fake.chat_requests)
    fake.fallback = good_model  # the model answers well now: the rerun must ask it
    second = run(config, [tmp_path / "in"], tmp_path / "b.jsonl")
    assert (second.extracted, second.cache_hits) == (1, 0)
    assert len(fake.chat_requests) == asked + 1
    third = run(config, [tmp_path / "in"], tmp_path / "c.jsonl")
    assert (third.extracted, third.calls, third.cache_hits) == (1, 0, 1)  # accepted: cached


def test_an_error_in_a_200_is_retried_and_never_cached(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    fake.script(error_in_200("the model crashed"))
    config = make_config(fake.base_url, tmp_path, retries=2)
    summary = run(config, [tmp_path / "in"], tmp_path / "a.jsonl")
    assert (summary.extracted, summary.failed) == (1, 0)
    assert len(fake.chat_requests) == 2
    again = run(config, [tmp_path / "in"], tmp_path / "b.jsonl")
    assert (again.calls, again.cache_hits) == (0, 1)


def test_an_error_in_a_200_that_persists_fails_its_document_as_an_endpoint_error(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = failing_for("ningbo", error_in_200("the model crashed"))
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path, retries=2)
    summary = run(config, [inputs], out)
    assert (summary.extracted, summary.failed) == (1, 1)
    (error,) = read_errors(out)
    assert error["error"] == "EndpointError"
    assert "HTTP 200 with an error: the model crashed" in error["message"]
    fake.fallback = good_model
    again = run(config, [inputs], tmp_path / "again.jsonl")
    assert (again.extracted, again.calls) == (2, 1)  # ningbo is asked again, not served


def test_resume_with_other_inputs_keeps_the_earlier_lines(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "a", ("ningbo",))
    write_articles(tmp_path / "b", ("zhaoqing",))
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path)
    run(config, [tmp_path / "a"], out)
    summary = run(config, [tmp_path / "b"], out, resume=True)
    assert (summary.documents, summary.extracted) == (1, 1)
    assert list(read_records(out)) == ["ningbo", "zhaoqing"]


def test_a_document_over_the_size_limit_fails_alone_unread(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    (inputs / "huge.txt").write_text("Ningbo grew. " * 100, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path, max_document_bytes=1000)
    summary = run(config, [inputs], out)
    assert (summary.documents, summary.extracted, summary.failed) == (3, 2, 1)
    (error,) = read_errors(out)
    assert (error["doc_id"], error["error"]) == ("huge", "DocumentError")
    assert "1,300 bytes is over the 1,000-byte document limit" in error["message"]
    assert not [r for r in fake.chat_requests if "Ningbo grew" in r.user_text]


def test_the_output_and_errors_files_in_the_input_folder_are_not_read(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    (inputs / "scan.txt").write_bytes(b"\x00binary")  # a failure: the errors file is written
    out = inputs / "out.jsonl"
    config = make_config(fake.base_url, tmp_path)
    first = run(config, [inputs], out)
    assert (first.documents, first.failed) == (3, 1)
    assert (inputs / "out.errors.jsonl").exists()
    second = run(config, [inputs], out)
    assert (second.documents, second.extracted, second.failed) == (3, 2, 1)
    assert list(read_records(out)) == ["ningbo", "zhaoqing"]


def test_a_failing_errors_file_stops_the_run_keeping_what_was_written(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    fake.fallback = failing_for("zhaoqing", Reply(error_body(500, "boom"), status=500))
    out = tmp_path / "out.jsonl"
    config = make_config(fake.base_url, tmp_path, retries=1)
    with pytest.raises(OutputError, match="/dev/full"):
        run(config, [inputs], out, errors=Path("/dev/full"))
    assert list(read_records(out)) == ["ningbo"]
    assert Path("/dev/full").exists()
