"""The one-pass-per-type prompt (``typed.v1``) against a real OpenAI-compatible HTTP server on
127.0.0.1 that answers each pass by the answer model the request names: three calls per chunk
with the right answer models, roles asked after projects and told their names, every figure
of a chunk listed with its sentence for the indicators pass, no implied roles."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import (
    ANSWERS,
    ARTICLES,
    article_in,
    default_chunks,
    numbered,
    write_articles,
)
from fakes.openai_server import MODEL, FakeOpenAI, Reply, Seen, chat_completion, running_fake
from typer.testing import CliRunner

from extractor.cli.extract import app
from extractor.config import ExtractorConfig, ModeChoice
from extractor.errors import ConfigError
from extractor.pipeline.batch import BatchSummary, run_batch
from extractor.pipeline.prompt import (
    PASSES,
    Prompt,
    TypedPrompt,
    indicators_question,
    load_prompt,
    number_sentences,
)
from extractor.records import DocumentRecord, Role

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "typed.v1"
KINDS = ("projects", "indicators", "roles")

# What a good model answers for the Ningbo article (tests/fakes/articles.py), pass by pass.
NINGBO_PASSES: dict[str, dict[str, Any]] = {
    "ProjectsAnswer": {
        "projects": [
            *ANSWERS["ningbo"]["projects"],
            # not in the text: grounding drops it, so the roles pass must not hear of it
            {"sentences": [2], "name": "moon base"},
        ]
    },
    "IndicatorsAnswer": {"indicators": ANSWERS["ningbo"]["indicators"]},
    "RolesAnswer": {
        "roles": [
            {
                "sentences": [1],
                "enterprise": "Ningbo Junjia Electric Appliance Co., Ltd.",
                "role": "investor",
                "project": "kitchen appliance base",
            }
        ]
    },
}


def answer_model(seen: Seen) -> str:
    """The answer model a request asks for, in tools or JSON-schema mode."""
    body = seen.body or {}
    if body.get("tools"):
        return str(body["tools"][0]["function"]["name"])
    return str(body["response_format"]["json_schema"]["name"])


def by_pass(seen: Seen) -> Reply:
    """Answers the Ningbo article pass by pass; anything else with empty lists."""
    model = answer_model(seen)
    if article_in(seen) == "ningbo":
        return chat_completion(seen, NINGBO_PASSES[model])
    return chat_completion(seen, {})


def run(fake: FakeOpenAI, tmp_path: Path, **overrides: Any) -> tuple[BatchSummary, Path]:
    settings: dict[str, Any] = {
        "base_url": fake.base_url,
        "model": MODEL,
        "mode": ModeChoice.TOOLS,
        "home": tmp_path / "home",
        "cache": False,
        "prompt": PROMPT,
    }
    config = ExtractorConfig(**(settings | overrides))
    out = tmp_path / "out.jsonl"
    return asyncio.run(run_batch(config, [tmp_path / "in"], out)), out


def records(out: Path) -> dict[str, DocumentRecord]:
    lines = out.read_text(encoding="utf-8").splitlines()
    return {r.doc_id: r for r in (DocumentRecord.model_validate_json(x) for x in lines)}


def requests_for(fake: FakeOpenAI, doc_id: str) -> dict[str, Seen]:
    seen = [r for r in fake.chat_requests if article_in(r) == doc_id]
    by_model = {answer_model(r): r for r in seen}
    assert len(by_model) == len(seen), "one request per pass"
    return by_model


@pytest.mark.parametrize("mode", [ModeChoice.TOOLS, ModeChoice.JSON_SCHEMA])
def test_three_passes_each_ask_for_their_own_answer_model(tmp_path: Path, mode: ModeChoice) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(by_pass) as fake:
        summary, out = run(fake, tmp_path, mode=mode)
        requests = requests_for(fake, "ningbo")
    assert summary.failed == 0
    assert sorted(requests) == ["IndicatorsAnswer", "ProjectsAnswer", "RolesAnswer"]
    for name, request in requests.items():
        body = request.body or {}
        if mode is ModeChoice.TOOLS:
            schema = body["tools"][0]["function"]["parameters"]
        else:
            schema = body["response_format"]["json_schema"]["schema"]
        key = {"ProjectsAnswer": "projects", "IndicatorsAnswer": "indicators"}.get(name, "roles")
        assert list(schema["properties"]) == [key]
    record = records(out)["ningbo"]
    assert [p.name for p in record.projects] == ["kitchen appliance base"]
    assert [i.name for i in record.indicators] == ["industrial investment"]
    assert [(r.enterprise, r.role, r.project) for r in record.enterprise_roles] == [
        ("Ningbo Junjia Electric Appliance Co., Ltd.", Role.INVESTOR, "kitchen appliance base")
    ]
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 3
    assert record.meta.prompt_version == PROMPT


def test_roles_are_asked_after_projects_and_told_the_grounded_project_names(
    tmp_path: Path,
) -> None:
    write_articles(tmp_path / "in", ("ningbo",))

    def slow_projects(seen: Seen) -> Reply:
        reply = by_pass(seen)
        if answer_model(seen) == "ProjectsAnswer":
            reply.delay = 0.3  # the roles request must still wait for this answer
        return reply

    with running_fake(slow_projects) as fake:
        run(fake, tmp_path)
        requests = requests_for(fake, "ningbo")
    projects, roles = requests["ProjectsAnswer"], requests["RolesAnswer"]
    assert roles.at >= projects.at + 0.3
    assert roles.user_text.endswith('\n\nProjects: "kitchen appliance base"')
    assert "moon base" not in roles.user_text
    assert "Projects:" not in projects.user_text


def test_the_indicators_pass_lists_every_figure_with_its_sentence(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    with running_fake(by_pass) as fake:
        run(fake, tmp_path)
        question = requests_for(fake, "ningbo")["IndicatorsAnswer"].user_text
    sentences = numbered(question)
    assert "1.5 billion yuan" in sentences[1]
    assert "15.4%" in sentences[2]
    assert question.endswith("\n\nFigures:\n(a) 1.5 billion yuan [s1]\n(b) 15.4% [s2]")


def test_figure_hints_cover_every_sentence_of_a_chunk() -> None:
    (chunk,) = default_chunks(ARTICLES["zhaoqing"])
    question = indicators_question([s.text for s in chunk.sentences])
    assert question == (
        "Sentences:\n" + number_sentences(chunk) + "\n\nFigures:\n"
        "(a) 12 projects [s1]\n(b) 30 billion yuan [s1]\n(c) 40,000 tons [s3]"
    )


def test_a_chunk_without_figures_is_not_asked_for_indicators(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quiet.txt").write_text(
        "Ningbo held an investment fair. Officials met investors.\n", encoding="utf-8"
    )
    with running_fake(by_pass) as fake:
        summary, out = run(fake, tmp_path)
        asked = sorted(answer_model(r) for r in fake.chat_requests)
    assert summary.failed == 0
    assert asked == ["ProjectsAnswer", "RolesAnswer"]
    record = records(out)["quiet"]
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2


def test_project_enterprises_imply_no_roles(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))

    def no_roles(seen: Seen) -> Reply:
        if answer_model(seen) == "RolesAnswer":
            return chat_completion(seen, {"roles": []})
        return by_pass(seen)

    with running_fake(no_roles) as fake:
        _, out = run(fake, tmp_path)
    record = records(out)["ningbo"]
    assert record.projects[0].enterprises == ["Ningbo Junjia Electric Appliance Co., Ltd."]
    assert record.enterprise_roles == []


def test_each_pass_has_its_instructions_then_example_turns_in_the_answer_format() -> None:
    prompt = load_prompt(PROMPT)
    assert isinstance(prompt, TypedPrompt)
    (chunk,) = default_chunks(ARTICLES["ningbo"])
    sentences = [s.text for s in chunk.sentences]
    for kind in KINDS:
        part = getattr(prompt, kind)
        messages = part.messages("the question")
        assert messages[0] == {"role": "system", "content": part.system}
        assert messages[-1] == {"role": "user", "content": "the question"}
        turns = messages[1:-1]
        assert len(turns) >= 4
        assert [m["role"] for m in turns] == ["user", "assistant"] * (len(turns) // 2)
        answers = [json.loads(m["content"]) for m in turns if m["role"] == "assistant"]
        for answer in answers:
            PASSES[kind].model_validate(answer)
            assert list(answer) == [kind]
        assert any(answer[kind] == [] for answer in answers), f"{kind}: no empty answer"
        assert sentences[0] not in part.system
    indicator_questions = [m["content"] for m in prompt.indicators.examples if m["role"] == "user"]
    assert all("\n\nFigures:\n(a) " in q for q in indicator_questions)


def _example_sentences(prompt_id: str) -> list[str]:
    folder = resources.files("extractor.prompts")
    sentences = []
    for kind in KINDS:
        raw = folder.joinpath(f"{prompt_id}.{kind}.examples.json").read_text(encoding="utf-8")
        sentences += [s for example in json.loads(raw) for s in example["sentences"]]
    return sentences


def test_no_example_sentence_comes_from_the_seeds_or_the_check_half() -> None:
    texts = [
        p.read_text(encoding="utf-8")
        for folder in (ROOT / "seeds", ROOT / "eval" / "corpus" / "check")
        for p in sorted(folder.glob("*.txt"))
    ]
    assert texts
    for sentence in _example_sentences(PROMPT):
        for text in texts:
            assert sentence not in text
            # nor a long stretch of one (a sentence lightly edited); shorter stretches are
            # the trade's stock terms ("industrial added value above designated size")
            assert not any(sentence[i : i + 60] in text for i in range(0, len(sentence) - 60, 5))


def test_the_hash_covers_all_six_files_and_the_default_stays_one_call(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    source = resources.files("extractor.prompts")
    digest = hashlib.sha256()
    for kind in KINDS:
        for part in ("system.md", "examples.json"):
            raw = source.joinpath(f"{PROMPT}.{kind}.{part}").read_text(encoding="utf-8")
            (folder / f"{PROMPT}.{kind}.{part}").write_text(raw, encoding="utf-8")
            digest.update(raw.encode() + b"\0")
    built_in = load_prompt(PROMPT)
    assert built_in.sha256 == digest.hexdigest()
    assert load_prompt(PROMPT, folder).sha256 == built_in.sha256
    roles = folder / f"{PROMPT}.roles.examples.json"
    roles.write_text(roles.read_text(encoding="utf-8").replace("Xinfeng", "Xinfang"), "utf-8")
    assert load_prompt(PROMPT, folder).sha256 != built_in.sha256
    assert isinstance(load_prompt(), Prompt)


def test_a_broken_example_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    path = folder / f"{PROMPT}.indicators.examples.json"
    examples = json.loads(path.read_text(encoding="utf-8"))
    examples[0]["output"]["indicators"][0]["sentences"] = []
    path.write_text(json.dumps(examples), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=re.escape("example 1 of prompt typed.v1, indicators pass")
    ):
        load_prompt(PROMPT, folder)


def test_the_cli_runs_typed_v1_records_it_and_replays_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_articles(tmp_path / "in")
    common = ["--prompt", PROMPT, "--model", MODEL, "--mode", "tools", "-q", "--no-cache"]
    common += ["--recordings", str(tmp_path / "recordings"), str(tmp_path / "in")]

    def extract(name: str, url: str, *extra: str) -> None:
        out, home = str(tmp_path / f"{name}.jsonl"), str(tmp_path / f"{name}-home")
        result = CliRunner().invoke(app, ["-o", out, "--home", home, "--base-url", url, *extra])
        assert result.exit_code == 0, result.output

    with running_fake(by_pass) as fake:
        extract("live", fake.base_url, "--record", *common)
        asked = len(fake.chat_requests)
    extract("replay", fake.base_url, "--replay", *common)
    assert asked == 3 + 3  # ningbo: three passes; zhaoqing: one chunk, with figures
    live_records, replayed_records = (
        records(tmp_path / "live.jsonl"),
        records(tmp_path / "replay.jsonl"),
    )
    for doc_id, record in live_records.items():
        assert record.meta is not None
        assert record.meta.prompt_version == PROMPT
        assert record.meta.prompt_sha256 == load_prompt(PROMPT).sha256[:16]
        again = replayed_records[doc_id]
        assert again.model_dump(exclude={"meta"}) == record.model_dump(exclude={"meta"})
        assert again.meta is not None
        assert again.meta.usage is not None
        assert again.meta.usage.calls == 0


def test_a_malformed_pass_answer_is_re_asked_with_the_same_answer_model(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", ("ningbo",))
    malformed: list[Seen] = []

    def once_malformed(seen: Seen) -> Reply:
        if answer_model(seen) == "ProjectsAnswer" and not malformed:
            malformed.append(seen)
            return chat_completion(seen, '{"projects": [{"sentences": [1], "name": ')
        return by_pass(seen)

    with running_fake(once_malformed) as fake:
        summary, out = run(fake, tmp_path)
        asked = sorted(answer_model(r) for r in fake.chat_requests)
    assert summary.failed == 0
    assert asked == ["IndicatorsAnswer", "ProjectsAnswer", "ProjectsAnswer", "RolesAnswer"]
    assert [p.name for p in records(out)["ningbo"].projects] == ["kitchen appliance base"]


def test_messages_are_new_dicts_each_time() -> None:
    prompt = load_prompt(PROMPT)
    assert isinstance(prompt, TypedPrompt)
    first = prompt.roles.messages("q")
    for message in first:
        message["content"] += " edited"
    assert prompt.roles.messages("q") != first
    assert all(not m["content"].endswith(" edited") for m in prompt.roles.examples)
