"""The follow-up turn (``extract.v1+missed.v1``): after the one-call answer, the same
conversation names the figures of the sentences its indicators cite that no record writes,
and the indicators the model then gives for those figures join the answer's. The end-to-end
tests run against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import ANSWERS, article_in, write_articles
from fakes.openai_server import Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt

from extractor.errors import ConfigError
from extractor.pipeline.missed import missed_figures, missed_question
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import DocumentRecord

PROMPT = "extract.v1+missed.v1"

SENTENCES = [
    "Hefei's industrial added value reached 120.3 billion yuan, up 8.1 percent, and "
    "equipment output rose 12.5 percent.",
    "The city aims at 200 billion yuan of added value by 2025.",
    "The new plant cost 3 billion yuan and employs 500 workers.",
    "Exports grew 6.2 percent.",
]


def _answer(**body: Any) -> ChunkExtraction:
    return ChunkExtraction.model_validate(body)


def test_the_figures_left_out_are_those_of_cited_sentences_no_record_writes() -> None:
    answer = _answer(
        indicators=[
            {"sentences": [1, 2], "name": "industrial added value", "value": "120.3 billion yuan"},
        ],
        projects=[{"sentences": [3], "name": "new plant", "investment": "3 billion yuan"}],
    )
    missed = missed_figures(SENTENCES, answer)
    # "8.1 percent" and "12.5 percent" sit beside the stated level; the target of sentence 2
    # is no statistic (code settles it); sentences 3 and 4 are cited by no indicator.
    assert [(f.text, f.sentence) for f in missed] == [("8.1 percent", 1), ("12.5 percent", 1)]


def test_a_figure_the_answer_writes_in_other_words_is_not_missed() -> None:
    answer = _answer(
        indicators=[
            {
                "sentences": [1],
                "name": "industrial added value",
                "value": "about 120.3 billion yuan",
                "change": "8.1%",
            },
            {"sentences": [1], "name": "equipment output", "change": "12.5%"},
        ]
    )
    assert missed_figures(SENTENCES, answer) == []


def test_the_question_names_each_missed_figure_with_its_sentence_and_words() -> None:
    answer = _answer(indicators=[{"sentences": [1], "name": "added value", "change": "8.1%"}])
    missed = missed_figures(SENTENCES, answer)
    question = missed_question("Left out:\n$figures\nAnswer.", SENTENCES, missed)
    assert question.splitlines()[0] == "Left out:"
    assert '- "120.3 billion yuan" in [1]: "' in question
    assert '- "12.5 percent" in [1]: "' in question
    assert not any(line.startswith('- "8.1 percent"') for line in question.splitlines())
    assert question.endswith("Answer.")


def test_the_follow_up_joins_a_one_call_prompt_and_changes_its_hash() -> None:
    joined = load_prompt(PROMPT)
    plain = load_prompt("extract.v1")
    assert isinstance(joined, Prompt)
    assert isinstance(plain, Prompt)
    assert joined.missed is not None
    assert "$figures" in joined.missed
    assert joined.figures is None
    assert plain.missed is None
    assert joined.system == plain.system
    assert joined.sha256 != plain.sha256


def test_a_follow_up_and_a_figure_pass_together_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="at most one"):
        load_prompt("extract.v1+figures.v1+missed.v1")


def test_a_follow_up_template_without_its_figures_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    (folder / "missed.v1.user.md").write_text("Which figures did you leave out?", "utf-8")
    with pytest.raises(ConfigError, match=re.escape("lacks $figures")):
        load_prompt(PROMPT, folder)
    (folder / "missed.v1.user.md").write_text("Left out: $figures, $other", "utf-8")
    with pytest.raises(ConfigError, match="template"):
        load_prompt(PROMPT, folder)


def _schema(seen: Seen) -> str:
    return str((seen.body or {})["response_format"]["json_schema"]["name"])


def _follow_up(seen: Seen) -> Reply:
    """The main call answers as the fakes' articles do; the follow-up names the Zhaoqing
    article's left-out sum and restates its count under another name."""
    if _schema(seen) == "ChunkExtraction":
        return chat_completion(seen, ANSWERS[article_in(seen) or ""])
    area = {"region": "Zhaoqing", "period": "2023"}
    return chat_completion(
        seen,
        {
            "indicators": [
                {"sentences": [1], "name": "total investment", "value": "30 billion yuan", **area},
                {"sentences": [1], "name": "projects", "value": "12 projects", **area},
            ]
        },
    )


def _run(tmp_path: Path, articles: tuple[str, ...]) -> tuple[list[Seen], list[DocumentRecord]]:
    write_articles(tmp_path / "in", articles)
    with running_fake(_follow_up) as fake:
        summary, records = run_prompt(fake.base_url, tmp_path, PROMPT)
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    return seen, records


def test_the_follow_up_adds_indicators_only_for_the_figures_it_was_asked(
    tmp_path: Path,
) -> None:
    seen, [record] = _run(tmp_path, ("zhaoqing",))
    assert [_schema(s) for s in seen] == ["ChunkExtraction", "IndicatorsAnswer"]
    messages = (seen[1].body or {})["messages"]
    assert [m["role"] for m in messages[-3:]] == ["user", "assistant", "user"]
    assert json.loads(messages[-2]["content"])["indicators"][0]["value"] == "12 projects"
    assert '"30 billion yuan" in [1]' in messages[-1]["content"]
    assert "40,000 tons" not in messages[-1]["content"]  # a project writes it
    values = sorted(i.value.value for i in record.indicators if i.value is not None)
    assert values == [12, 30e9]  # the restated count is not added twice
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2


def test_a_chunk_whose_answer_leaves_no_figure_makes_one_call(tmp_path: Path) -> None:
    seen, [record] = _run(tmp_path, ("ningbo",))
    assert [_schema(s) for s in seen] == ["ChunkExtraction"]
    assert [i.name for i in record.indicators] == ["industrial investment"]
