"""The naive baseline script against the fake server: one call per good document, records left
ungrounded, and a document whose answer does not validate is written empty, not fatal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fakes.openai_server import chat_completion, running_fake

from benchmarks.systems import naive
from extractor.records import DocumentRecord

ANSWER = {
    "projects": [
        {
            "name": "kitchen appliance base",
            "location": "Qianwan New District",
            "investment": {"amount": 1.5e9, "currency": "CNY", "raw": "1.5 billion yuan"},
            "status": "under_construction",
            "enterprises": ["Junjia"],
            "evidence": ["Junjia began building its 1.5 billion yuan kitchen appliance base."],
        }
    ],
    "indicators": [],
    "enterprise_roles": [
        {
            "enterprise": "Junjia",
            "role": "investor",
            "project": "kitchen appliance base",
            "evidence": ["Junjia began building"],
        }
    ],
}


def test_one_call_per_document_and_a_bad_answer_is_not_fatal(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Junjia began building its 1.5 billion yuan kitchen appliance base."
    )
    (docs / "b.txt").write_text("Another article.")
    out = tmp_path / "out.jsonl"
    with running_fake() as fake:
        fake.script(
            lambda seen: chat_completion(seen, ANSWER, prompt_tokens=50, completion_tokens=40),
            lambda seen: chat_completion(seen, '{"projects": [{"name": 3}]'),
        )
        code = naive.main([str(docs), str(out), "--base-url", fake.base_url, "--model", "m"])
        requests = fake.chat_requests
    assert code == 0
    # instructor's default retry policy: the bad answer is re-asked three times, then given up
    assert len(requests) == 1 + 4
    assert requests[0].body is not None
    assert requests[0].body["response_format"]["type"] == "json_schema"
    assert requests[0].body["messages"][1]["content"].startswith("Junjia began")
    lines = [DocumentRecord.model_validate(json.loads(x)) for x in out.read_text().splitlines()]
    a, b = lines
    assert a.doc_id == "a"
    assert a.text_sha256 == hashlib.sha256((docs / "a.txt").read_bytes()).hexdigest()
    assert [p.name for p in a.projects] == ["kitchen appliance base"]
    assert a.projects[0].investment is not None
    assert a.projects[0].investment.amount == 1.5e9
    assert all(r.ungrounded and not r.evidence for r in [*a.projects, *a.enterprise_roles])
    assert a.meta is not None
    assert a.meta.usage is not None
    assert a.meta.usage.completion_tokens == 40
    assert b.doc_id == "b"
    assert (b.projects, b.indicators, b.enterprise_roles) == ([], [], [])
    assert b.meta is not None
    assert b.meta.warnings[0].startswith("failed: ")
