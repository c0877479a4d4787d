"""A prompt that marks every figure of the sentences (``extract.v2``: "reached «48.6 billion
yuan»"), its answers read without the marks, alone and through a run against a fake server.
The sentences are invented in the style of the articles, not taken from the seeds or the dev
set (the run uses the fakes' invented article)."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import ANSWERS, article_in, default_chunks, write_articles
from fakes.openai_server import Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt

from extractor.errors import ConfigError
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.wire import ChunkExtraction

TEXT = "Anxi's industrial output value reached 120.3 billion yuan, up 8.1 percent, in 2023.\n"


def _prompt(prompt_id: str) -> Prompt:
    prompt = load_prompt(prompt_id)
    assert isinstance(prompt, Prompt)
    return prompt


def test_a_marking_prompt_wraps_each_figure_of_the_question_and_of_its_example() -> None:
    (chunk,) = default_chunks(TEXT)
    system, question = _prompt("extract.v2").messages(chunk)
    assert question["content"] == (
        "Sentences:\n[1] Anxi's industrial output value reached «120.3 billion yuan», up "
        "«8.1 percent», in 2023."
    )
    assert "reached «48.6 billion yuan», up «6.5%»" in system["content"]
    assert "marked «like this»" in system["content"]
    plain = _prompt("extract.v1").messages(chunk)
    assert not any("«" in m["content"] for m in plain)


def test_the_marks_are_read_away_only_when_the_context_names_them() -> None:
    data = {
        "projects": [{"sentences": [1], "name": "«2»-GW plant", "investment": "«8 billion yuan»"}],
        "indicators": [{"sentences": [1], "name": "output", "value": "«120.3 billion yuan»"}],
    }
    marked = ChunkExtraction.model_validate(data, context={"marks": ("«", "»")})
    assert marked.projects[0].name == "2-GW plant"
    assert marked.projects[0].investment == "8 billion yuan"
    assert marked.indicators[0].value == "120.3 billion yuan"
    assert ChunkExtraction.model_validate(data).indicators[0].value == "«120.3 billion yuan»"


def _marked_answer(seen: Seen) -> Reply:
    """The fakes' answer for the article, with each figure copied with its marks."""
    answer: dict[str, Any] = json.loads(json.dumps(ANSWERS[article_in(seen) or ""]))
    for project in answer["projects"]:
        project["investment"] = f"«{project['investment']}»"
    for indicator in answer["indicators"]:
        indicator["change"] = f"«{indicator['change']}»"
    return chat_completion(seen, answer)


def test_a_run_with_a_marking_prompt_grounds_the_figures_the_model_copies_marked(
    tmp_path: Path,
) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(_marked_answer) as fake:
        summary, [record] = run_prompt(fake.base_url, tmp_path, "extract.v2")
        [request] = list(fake.chat_requests)
    assert summary.failed == 0
    assert "«" in (request.body or {})["messages"][-1]["content"]
    [project] = record.projects
    assert project.investment is not None
    assert project.investment.raw == "1.5 billion yuan"
    [indicator] = record.indicators
    assert indicator.change is not None
    assert indicator.change.value == 15.4


def test_a_marking_prompt_joins_no_part() -> None:
    with pytest.raises(ConfigError, match="marks figures and joins no part"):
        load_prompt("extract.v2+nearest.v1")


@pytest.mark.parametrize(
    "marks",
    [
        {"open": "«", "close": "«"},
        {"open": "", "close": "»"},
        {"open": "<<"},
        {"open": "< ", "close": ">"},
    ],
)
def test_marks_that_cannot_be_read_away_are_a_config_error(
    tmp_path: Path, marks: dict[str, str]
) -> None:
    prompts = resources.files("extractor.prompts")
    for name in ("extract.v2.system.md", "extract.v2.examples.json"):
        with resources.as_file(prompts.joinpath(name)) as source:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "extract.v2.marks.json").write_text(json.dumps(marks), encoding="utf-8")
    with pytest.raises(ConfigError, match="marks"):
        load_prompt("extract.v2", tmp_path)
