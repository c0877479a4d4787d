"""The real model path end to end: the default model answers, through the OpenAI-compatible
server and in-process, and its records are valid and grounded in the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import DocumentRecord, Extractor, ModeChoice
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


def test_endpoint_path_against_llama_cpp_server(llama_server: str, tmp_path: Path) -> None:
    extractor = Extractor(base_url=llama_server, home=tmp_path, cache=False)
    record = extractor.extract_text(ARTICLE, doc_id="live")
    _check(record)
    assert record.meta is not None
    assert record.meta.backend == "endpoint"
    # llama.cpp's server rejects response_format json_schema, so auto must land on tools.
    assert record.meta.mode == ModeChoice.TOOLS.value


def test_in_process_local_backend(model_path: Path, tmp_path: Path) -> None:
    extractor = Extractor(backend="local", model_path=model_path, home=tmp_path, cache=False)
    record = extractor.extract_text(ARTICLE, doc_id="live")
    _check(record)
    assert record.meta is not None
    assert record.meta.backend == "local"
    assert record.meta.mode == ModeChoice.JSON_SCHEMA.value
