"""The project check (``extract.v1+verify.v1``): after merging, one call labels each of a
document's projects, and code drops those labelled as no project, with the roles tied to
them. The end-to-end tests run against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from fakes.openai_server import Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt
from pydantic import ValidationError

from extractor.errors import ConfigError
from extractor.pipeline.prompt import Prompt, load_prompt
from extractor.pipeline.verify import labels_of, verdicts_model, verify_question
from extractor.records import DocumentRecord

PROMPT = "extract.v1+verify.v1"
PLANT = (
    "Hengtai Auto Parts Co., Ltd. started building a 1.5 billion yuan brake disc plant in "
    "Qiaoxi Industrial Park."
)
CALIPER = "Its HT-5 brake caliper, made in Qiaoxi, went on sale in May."
TEXT = f"{PLANT} {CALIPER}\n"
COMPANY = "Hengtai Auto Parts Co., Ltd."
ANSWER = {
    "projects": [
        {"sentences": [1], "name": "brake disc plant", "location": "Qiaoxi Industrial Park",
         "investment": "1.5 billion yuan", "status": "under_construction",
         "enterprises": [COMPANY]},
        {"sentences": [2], "name": "HT-5 brake caliper", "location": "Qiaoxi",
         "enterprises": [COMPANY]},
    ],
    "roles": [
        {"sentences": [1], "enterprise": COMPANY, "role": "investor",
         "project": "brake disc plant"},
    ],
}  # fmt: skip


def test_the_answer_model_asks_about_every_name_in_turn_by_its_letter() -> None:
    model = verdicts_model(["brake disc plant", "HT-5 brake caliper"])
    assert list(model.model_json_schema()["required"]) == ["a", "b"]
    answer = model.model_validate(
        {
            "a": {"name": "brake disc plant", "label": "project"},
            "b": {"name": "HT-5 brake caliper", "label": "product"},
        }
    )
    assert labels_of(answer, 2) == ["project", "product"]
    # each verdict repeats its own name, and only a known label
    with pytest.raises(ValidationError):
        model.model_validate(
            {
                "a": {"name": "HT-5 brake caliper", "label": "project"},
                "b": {"name": "HT-5 brake caliper", "label": "product"},
            }
        )
    with pytest.raises(ValidationError):
        model.model_validate(
            {
                "a": {"name": "brake disc plant", "label": "factory"},
                "b": {"name": "HT-5 brake caliper", "label": "product"},
            }
        )


def test_the_question_numbers_each_sentence_once_and_cites_it_by_number() -> None:
    question = verify_question(
        ["brake disc plant", "Hengtai Auto Parts Co., Ltd."], [[PLANT], [PLANT, CALIPER]]
    )
    assert question == (
        f"Sentences:\n[1] {PLANT}\n[2] {CALIPER}\n\nNames:\n"
        'a: "brake disc plant" [1]\nb: "Hengtai Auto Parts Co., Ltd." [1, 2]'
    )


def test_the_check_joins_a_one_call_prompt_and_changes_its_hash() -> None:
    joined = load_prompt(PROMPT)
    assert isinstance(joined, Prompt)
    assert joined.verify is not None
    assert "project" not in joined.verify.drop
    assert joined.sha256 != load_prompt("extract.v1").sha256
    # its example turns are a question and the answer's JSON
    question, answer = joined.verify.prompt.examples
    assert question["content"].startswith("Sentences:\n[1] ")
    assert json.loads(answer["content"])["a"]["label"] == "project"


def test_the_check_joins_beside_another_part_but_only_once() -> None:
    joined = load_prompt("extract.v1+window.v1+verify.v1")
    assert isinstance(joined, Prompt)
    assert joined.window is not None
    assert joined.verify is not None
    with pytest.raises(ConfigError, match="at most one project check"):
        load_prompt("extract.v1+verify.v1+verify.v1")


def _prompts(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    (folder / "verify.v1.verify.json").write_text(settings, "utf-8")
    return folder


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ('{"drop": ["product"], "drop_roles": true}', "check's settings"),
        ('{"drop": [], "drop_roles": true, "min_chunks": 0}', "min_chunks must be 1 or more"),
        (
            '{"drop": ["gadget"], "drop_roles": true, "min_chunks": 1}',
            "no such label to drop: gadget",
        ),
        (
            '{"drop": ["project"], "drop_roles": true, "min_chunks": 1}',
            "cannot drop what it calls a project",
        ),
    ],
)
def test_unusable_check_settings_are_a_config_error(
    tmp_path: Path, settings: str, complaint: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(complaint)):
        load_prompt(PROMPT, _prompts(tmp_path, settings))


def test_an_example_whose_labels_do_not_fit_its_names_is_a_config_error(tmp_path: Path) -> None:
    folder = _prompts(tmp_path, '{"drop": ["product"], "drop_roles": true, "min_chunks": 1}')
    example = {"names": ["a plant"], "evidence": [[PLANT]], "labels": ["factory"]}
    (folder / "verify.v1.examples.json").write_text(json.dumps([example]), "utf-8")
    with pytest.raises(ConfigError, match=re.escape("example 1 of prompt verify.v1")):
        load_prompt(PROMPT, folder)


def _is_check(seen: Seen) -> bool:
    name = str((seen.body or {})["response_format"]["json_schema"]["name"])
    return name.startswith("ProjectLabels")


def _labels(caliper: str) -> object:
    def reply(seen: Seen) -> Reply:
        if _is_check(seen):
            return chat_completion(
                seen,
                {
                    "a": {"name": "brake disc plant", "label": "project"},
                    "b": {"name": "HT-5 brake caliper", "label": caliper},
                },
            )
        return chat_completion(seen, ANSWER)

    return reply


EVERY = (
    '{"drop": ["product", "batch", "event", "place", "other"], "drop_roles": true, "min_chunks": 1}'
)
"""The built-in settings, but every document checked (the built-in check skips short ones)."""


def _run(
    tmp_path: Path, text: str, reply: object, prompts: Path | None = None
) -> tuple[list[Seen], DocumentRecord]:
    prompts = prompts or _prompts(tmp_path, EVERY)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hengtai.txt").write_text(text, "utf-8")
    with running_fake(reply) as fake:  # type: ignore[arg-type]
        summary, [record] = run_prompt(fake.base_url, tmp_path, PROMPT, prompts_dir=prompts)
        seen = list(fake.chat_requests)
    assert summary.failed == 0
    return seen, record


def _roles(record: DocumentRecord) -> list[tuple[str, str, str | None]]:
    return [(r.enterprise, r.role.value, r.project) for r in record.enterprise_roles]


def test_a_project_the_check_labels_a_product_is_dropped_with_its_roles(tmp_path: Path) -> None:
    seen, record = _run(tmp_path, TEXT, _labels("product"))
    assert [_is_check(s) for s in seen] == [False, True]
    # the check is asked about both merged projects, with the sentences that state them
    assert 'a: "brake disc plant" [1]' in seen[1].user_text
    assert 'b: "HT-5 brake caliper" [2]' in seen[1].user_text
    assert [p.name for p in record.projects] == ["brake disc plant"]
    assert _roles(record) == [(COMPANY, "investor", "brake disc plant")]
    assert record.meta is not None
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2
    assert "project 'HT-5 brake caliper': dropped, the check labels it 'product'" in (
        record.meta.warnings
    )


def test_a_project_the_check_labels_a_project_is_kept(tmp_path: Path) -> None:
    _, record = _run(tmp_path, TEXT, _labels("project"))
    assert [p.name for p in record.projects] == ["brake disc plant", "HT-5 brake caliper"]
    # the company's investor role implied for the caliper stays with it
    assert (COMPANY, "investor", "HT-5 brake caliper") in _roles(record)


def test_roles_of_a_dropped_project_lose_only_their_project_when_set_so(tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, '{"drop": ["product"], "drop_roles": false, "min_chunks": 1}')
    _, record = _run(tmp_path, TEXT, _labels("product"), prompts)
    assert [p.name for p in record.projects] == ["brake disc plant"]
    assert (COMPANY, "investor", None) in _roles(record)


def test_a_document_of_fewer_chunks_than_the_settings_ask_is_not_checked(tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, EVERY.replace('"min_chunks": 1', '"min_chunks": 2'))
    seen, record = _run(tmp_path, TEXT, _labels("product"), prompts)
    assert len(seen) == 1
    assert [p.name for p in record.projects] == ["brake disc plant", "HT-5 brake caliper"]


def test_the_built_in_check_is_for_documents_of_three_chunks_or_more() -> None:
    # a 300-word excerpt makes two chunks; the padding the check removes is a long article's
    joined = load_prompt(PROMPT)
    assert isinstance(joined, Prompt)
    assert joined.verify is not None
    assert joined.verify.min_chunks == 3


def test_a_document_without_projects_makes_no_check(tmp_path: Path) -> None:
    def reply(seen: Seen) -> Reply:
        assert not _is_check(seen)
        return chat_completion(seen, {"projects": []})

    seen, record = _run(tmp_path, TEXT, reply)
    assert len(seen) == 1
    assert record.projects == []


def test_a_check_cut_at_the_token_limit_keeps_every_project(tmp_path: Path) -> None:
    def reply(seen: Seen) -> Reply:
        if _is_check(seen):
            return chat_completion(seen, {"a": {"name": "brake"}}, finish_reason="length")
        return chat_completion(seen, ANSWER)

    _, record = _run(tmp_path, TEXT, reply)
    assert [p.name for p in record.projects] == ["brake disc plant", "HT-5 brake caliper"]
    assert any(w.startswith("projects not checked") for w in record.meta.warnings)  # type: ignore[union-attr]
