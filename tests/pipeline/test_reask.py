"""Grounding as validation (``extract.v1+reask.v1``): an answer whose indicators' figures the
text does not write is invalid with one complaint per indicator, instructor re-asks with the
complaints in the same conversation, and after the re-ask the answer stands whatever it holds.
The end-to-end tests run against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pytest
from fakes.articles import ANSWERS, article_in, write_articles
from fakes.openai_server import Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt
from pydantic import ValidationError

from extractor.errors import ConfigError
from extractor.pipeline.chunk import chunk_document
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.reask import GroundingCheck
from extractor.pipeline.wire import ChunkExtraction

PROMPT = "extract.v1+reask.v1"
TEXT = (
    "Hefei's industrial added value reached 120.3 billion yuan, up 8.1 percent. "
    "Exports grew 6.2 percent.\n"
)
TEMPLATES = {
    "no_figure": Template("$name in [$sentence]: no figure"),
    "not_written": Template("$name in [$sentence]: $figure not written"),
}


def _check(reasks: int = 1) -> GroundingCheck:
    (chunk,) = chunk_document(TEXT, max_tokens=400, overlap_tokens=50)
    return GroundingCheck(TEMPLATES, TEXT, chunk, reasks=reasks)


def _answer(*indicators: dict[str, Any]) -> ChunkExtraction:
    return ChunkExtraction.model_validate({"indicators": list(indicators)})


def test_each_indicator_without_a_written_figure_gets_one_precise_complaint() -> None:
    answer = _answer(
        {"sentences": [1], "name": "added value", "value": "120.3 billion yuan", "change": "8.1%"},
        {"sentences": [2], "name": "exports", "change": "6.5%"},
        {"sentences": [2], "name": "comment"},
    )
    assert _check().complaints(answer) == [
        "exports in [2]: 6.5% not written",
        "comment in [2]: no figure",
    ]


def test_the_answer_stands_once_the_reasks_are_spent() -> None:
    check = _check(reasks=1)
    answer = _answer({"sentences": [2], "name": "comment"})
    assert check(answer) == ["comment in [2]: no figure"]
    assert check(answer) == []
    assert check.reasked == [1]


def test_the_check_in_the_validation_context_makes_the_answer_invalid() -> None:
    body = {"indicators": [{"sentences": [2], "name": "comment"}]}
    with pytest.raises(ValidationError, match=r"comment in \[2\]: no figure") as caught:
        ChunkExtraction.model_validate(body, context={"check": _check()})
    assert "input_value" not in str(caught.value)  # the answer is not repeated to the model
    assert ChunkExtraction.model_validate(body).indicators[0].name == "comment"


def test_the_reask_joins_a_one_call_prompt_and_changes_its_hash() -> None:
    joined = load_prompt(PROMPT)
    plain = load_prompt("extract.v1")
    assert isinstance(joined, Prompt)
    assert isinstance(plain, Prompt)
    assert joined.reask is not None
    assert sorted(joined.reask) == ["no_figure", "not_written"]
    assert joined.system == plain.system
    assert joined.sha256 != plain.sha256
    with pytest.raises(ConfigError, match="at most one"):
        load_prompt("extract.v1+missed.v1+reask.v1")


def test_reask_templates_that_name_an_unknown_field_are_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    (folder / "reask.v1.reask.json").write_text(
        '{"no_figure": "$name $other", "not_written": "$figure"}', "utf-8"
    )
    with pytest.raises(ConfigError, match="no_figure"):
        load_prompt(PROMPT, folder)
    (folder / "reask.v1.reask.json").write_text('{"no_figure": "$name"}', "utf-8")
    with pytest.raises(ConfigError, match="must be"):
        load_prompt(PROMPT, folder)


def _first_wrong(seen: Seen) -> Reply:
    """The Ningbo article's answer, first with its change written as the text does not write
    it (and a figure-less indicator), then, re-asked, as the fakes' good answer."""
    answer = ANSWERS[article_in(seen) or ""]
    if len((seen.body or {})["messages"]) > 2:
        return chat_completion(seen, answer)
    good = answer["indicators"][0]
    wrong = {**good, "change": "15.9%"}
    return chat_completion(
        seen, {**answer, "indicators": [wrong, {"sentences": [1], "name": "comment"}]}
    )


def test_an_answer_with_figures_not_in_the_text_is_reasked_once(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(_first_wrong) as fake:
        summary, [record] = run_prompt(fake.base_url, tmp_path, PROMPT)
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    assert len(seen) == 2
    messages = (seen[1].body or {})["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    complaint = messages[-1]["content"]
    assert '"15.9%" is not written' in complaint
    assert 'indicator "comment" has no figure' in complaint
    [indicator] = record.indicators
    assert indicator.change is not None
    assert indicator.change.value == 15.4
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2
    assert "chunk 0: re-asked for 2 indicator figure(s) not in the text" in record.meta.warnings


def test_without_reasks_a_complained_answer_stands(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(_first_wrong) as fake:
        summary, [record] = run_prompt(fake.base_url, tmp_path, PROMPT, max_reasks=0)
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    assert len(seen) == 1
    assert record.indicators == []  # its one figure is not the text's: grounding drops it
    assert record.meta is not None
    assert not any("re-asked" in w for w in record.meta.warnings)
