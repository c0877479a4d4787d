"""The example bank (``extract.v1+nearest.v1``): each chunk gets the labelled window most like
it as a question and its answer, never one of its own document."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.pipeline.chunk import Chunk, Sentence
from extractor.pipeline.nearest import ExampleBank
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.wire import ChunkExtraction

GROWTH = [
    "In the first half, the industrial added value of Linfen rose 7.2 percent year-on-year.",
    "Fixed-asset investment grew 5.1 percent.",
]
SIGNING = [
    "At the fair, Linfen signed 12 projects with a total investment of 8 billion yuan.",
    "Among them, Jinneng Group will build a coking plant.",
]
SHA_GROWTH = "a" * 64
SHA_SIGNING = "b" * 64


def _line(sha: str, sentences: list[str], output: Mapping[str, object]) -> str:
    return json.dumps({"text_sha256": sha, "sentences": sentences, "output": output})


def _bank() -> ExampleBank:
    growth = {
        "indicators": [
            {"sentences": [1], "name": "industrial added value", "change": "7.2 percent"},
            {"sentences": [2], "name": "fixed-asset investment", "change": "5.1 percent"},
        ]
    }
    signing = {
        "projects": [{"sentences": [2], "name": "coking plant", "enterprises": ["Jinneng Group"]}],
        "roles": [{"sentences": [2], "enterprise": "Jinneng Group", "role": "investor"}],
    }
    raw = "\n".join([_line(SHA_GROWTH, GROWTH, growth), _line(SHA_SIGNING, SIGNING, signing)])
    return ExampleBank.from_jsonl(raw, "test bank")


def _chunk(sentences: list[str]) -> Chunk:
    return Chunk(
        0, tuple(Sentence(i * 100, i * 100 + len(s), s, 0) for i, s in enumerate(sentences))
    )


def test_the_nearest_window_is_the_one_about_the_same_kind_of_text() -> None:
    bank = _bank()
    signing = bank.nearest(
        ["Datong signed 30 projects; Baowu Group will build a steel plant."], None
    )
    growth = bank.nearest(["The output value of Datong's industry rose 3.4 percent."], None)
    assert signing is not None
    assert signing.text_sha256 == SHA_SIGNING
    assert growth is not None
    assert growth.text_sha256 == SHA_GROWTH


def test_no_window_comes_from_the_document_being_extracted() -> None:
    found = _bank().nearest(["The industrial added value of Datong rose 3.4 percent."], SHA_GROWTH)
    assert found is not None
    assert found.text_sha256 == SHA_SIGNING


def test_a_document_that_shares_a_sentence_with_the_chunk_gives_no_window() -> None:
    # Another copy of the same article (different bytes) is the same text for this purpose.
    found = _bank().nearest(["A new headline.", "Fixed-asset  investment grew 5.1 percent."], None)
    assert found is not None
    assert found.text_sha256 == SHA_SIGNING


def test_no_example_when_every_window_is_excluded() -> None:
    assert _bank().nearest([*GROWTH, SIGNING[0]], SHA_SIGNING) is None


def test_the_example_is_a_question_and_answer_in_the_real_format() -> None:
    example = _bank().nearest(["The added value of Taiyuan rose 2.1 percent."], None)
    assert example is not None
    question, answer = example.turns()
    assert question == {
        "role": "user",
        "content": "Sentences:\n[1] " + GROWTH[0] + "\n[2] " + GROWTH[1],
    }
    assert answer["role"] == "assistant"
    parsed = ChunkExtraction.model_validate_json(answer["content"])
    assert [i.change for i in parsed.indicators] == ["7.2 percent", "5.1 percent"]
    assert '"projects"' not in answer["content"]  # only keys the answer sets, as taught


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text_sha256": "c", "sentences": ["x"]}', "line 1: not a bank example"),
        (_line("c", ["x"], {"indicators": [{"sentences": [1]}]}), "line 1: not a bank example"),
        ("not json", "line 1: not a bank example"),
        ("", "holds no example"),
    ],
)
def test_a_broken_bank_is_a_config_error_naming_its_line(line: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        ExampleBank.from_jsonl(line, "test bank")


def test_the_joined_prompt_puts_the_example_between_instructions_and_question() -> None:
    plain = load_prompt("extract.v1")
    joined = load_prompt("extract.v1+nearest.v1")
    assert isinstance(plain, Prompt)
    assert isinstance(joined, Prompt)
    assert joined.system == plain.system
    assert joined.sha256 != plain.sha256
    chunk = _chunk(SIGNING)
    messages = joined.messages(chunk, "f" * 64)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0] == plain.messages(chunk)[0]
    assert messages[-1] == plain.messages(chunk)[-1]
    assert messages[1]["content"] != messages[-1]["content"]


def test_a_bank_joins_with_a_figure_pass_but_not_with_a_second_bank() -> None:
    both = load_prompt("extract.v1+figures.v1+nearest.v1")
    assert isinstance(both, Prompt)
    assert both.figures is not None
    assert both.bank is not None
    with pytest.raises(ConfigError, match="at most one example bank"):
        load_prompt("extract.v1+nearest.v1+nearest.v1")


def test_an_edited_bank_changes_the_prompt_hash(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    released = load_prompt("extract.v1+nearest.v1", folder)
    path = folder / "nearest.v1.bank.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    assert load_prompt("extract.v1+nearest.v1", folder).sha256 != released.sha256
