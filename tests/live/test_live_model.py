"""The real model path end to end: the default model answers, through the OpenAI-compatible
server and in-process, and its records are valid and grounded in the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import DocumentRecord, Extractor, ModeChoice, extract_text, unload_models
from extractor.llm import engine
from extractor.pipeline.normalize import figure_numbers

pytestmark = pytest.mark.live

ARTICLE = (
    "Zhaoqing accelerates industrial investment\n\n"
    "From January to August this year, Zhaoqing's industrial investment increased by 11.9% "
    "year-on-year. As of the end of September, the city had introduced 310 manufacturing "
    "projects with a planned investment of 68.9 billion yuan."
)


def _check(record: DocumentRecord) -> None:
    # Valid against the models with the text as context: every evidence span is exact.
    DocumentRecord.model_validate(record.model_dump(), context={"text": ARTICLE})
    records = [*record.projects, *record.indicators, *record.enterprise_roles]
    assert records, "the model found nothing in an article with three figures"
    for r in records:
        assert r.evidence
        assert not r.ungrounded
    stated = set(figure_numbers(ARTICLE))
    matched = [
        i
        for i in record.indicators
        if (i.change is not None and i.change.value in stated)
        or (i.value is not None and (i.value.value in stated or i.value.value / 1e9 in stated))
    ]
    assert matched, f"no indicator carries a figure of the text: {record.indicators}"
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls >= 1
    assert record.meta.usage.completion_tokens > 0


def test_endpoint_path_against_the_served_engine(llama_server: str, tmp_path: Path) -> None:
    extractor = Extractor(base_url=llama_server, home=tmp_path, cache=False)
    record = extractor.extract_text(ARTICLE, doc_id="live")
    _check(record)
    assert record.meta is not None
    assert record.meta.backend == "endpoint"
    # llama.cpp's native server constrains response_format json_schema, and auto finds that.
    assert record.meta.mode == ModeChoice.JSON_SCHEMA.value


def test_in_process_local_backend(model_path: Path, tmp_path: Path) -> None:
    extractor = Extractor(backend="local", model_path=model_path, home=tmp_path, cache=False)
    record = extractor.extract_text(ARTICLE, doc_id="live")
    _check(record)
    assert record.meta is not None
    assert record.meta.backend == "local"
    assert record.meta.mode == ModeChoice.JSON_SCHEMA.value


def test_repeated_library_calls_load_the_model_once(model_path: Path, tmp_path: Path) -> None:
    """Ten sync calls, each with its own client and event loop, share one loaded model; the
    shared instructions are served from the slots' prompt-prefix cache after the first."""
    unload_models()
    before = engine.load_count()
    records = [
        extract_text(
            f"Notice {i}: the city library opens at nine on day {i} of the book fair.",
            doc_id=f"n{i}",
            backend="local",
            model_path=model_path,
            home=tmp_path,
            cache=False,
        )
        for i in range(10)
    ]
    assert engine.load_count() - before == 1
    assert len(engine.loaded()) == 1
    usages = [r.meta.usage for r in records if r.meta is not None and r.meta.usage is not None]
    assert len(usages) == 10
    assert sum(u.cached_prompt_tokens for u in usages[1:]) > 0, "no prompt-prefix cache hit"
    assert unload_models() == 1
    assert engine.loaded() == ()
