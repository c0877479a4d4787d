"""Stage 8: complete lines only, input order at the end, resume after a crash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor.errors import DocumentError
from extractor.pipeline.write import ErrorLog, OutputFile
from extractor.records import DocumentRecord


def record(doc_id: str, text: str = "") -> DocumentRecord:
    digest = hashlib.sha256((text or doc_id).encode()).hexdigest()
    return DocumentRecord(doc_id=doc_id, text_sha256=digest)


def lines(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8")
    assert raw == "" or raw.endswith("\n"), "the file ends with a complete line"
    return raw.splitlines()


def ids(path: Path) -> list[str]:
    return [json.loads(line)["doc_id"] for line in lines(path)]


def test_each_document_is_a_complete_line_as_soon_as_it_is_written(tmp_path: Path) -> None:
    out = OutputFile(tmp_path / "deep" / "out.jsonl")
    try:
        for n, doc_id in enumerate(["b", "a", "c"], start=1):
            out.write(record(doc_id))
            written = lines(out.path)
            assert len(written) == n
            for line in written:
                DocumentRecord.model_validate_json(line)
    finally:
        out.close()


def test_finish_puts_the_input_order(tmp_path: Path) -> None:
    out = OutputFile(tmp_path / "out.jsonl")
    for doc_id in ["c", "a", "b"]:
        out.write(record(doc_id))
    out.finish(["a", "b", "missing", "c", "a"])
    assert ids(out.path) == ["a", "b", "c"]
    assert not (tmp_path / "out.jsonl.tmp").exists()


def test_a_new_run_replaces_an_old_output(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(record("old").model_dump_json() + "\n", encoding="utf-8")
    out = OutputFile(path)
    out.write(record("new"))
    out.finish(["new"])
    assert ids(path) == ["new"]


def test_resume_keeps_complete_lines_and_drops_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    a, b = record("a"), record("b")
    torn = record("c").model_dump_json()[:25]
    path.write_text(f"{a.model_dump_json()}\n{b.model_dump_json()}\n{torn}", encoding="utf-8")
    out = OutputFile(path, resume=True)
    try:
        assert out.done("a", a.text_sha256)
        assert out.done("b", b.text_sha256)
        assert not out.done("b", "f" * 64)  # the text changed: extract again
        assert not out.done("c", record("c").text_sha256)
        assert ids(path) == ["a", "b"]  # rewritten without the torn line at once
        out.write(record("c"))
    finally:
        out.close()
    out = OutputFile(path, resume=True)
    out.finish(["c", "b", "a"])
    assert ids(path) == ["c", "b", "a"]


def test_resume_without_a_file_starts_empty(tmp_path: Path) -> None:
    out = OutputFile(tmp_path / "out.jsonl", resume=True)
    assert not out.done("a", record("a").text_sha256)
    out.finish([])
    assert lines(out.path) == []


def test_the_error_log_names_the_document_and_the_reason(tmp_path: Path) -> None:
    log = ErrorLog(tmp_path / "out.errors.jsonl")
    log.write("scan", "in/scan.txt", DocumentError("scan", "in/scan.txt looks binary"))
    log.close()
    (entry,) = [json.loads(line) for line in lines(log.path)]
    assert entry == {
        "doc_id": "scan",
        "source": "in/scan.txt",
        "error": "DocumentError",
        "message": "scan: in/scan.txt looks binary",
    }
    assert log.count == 1


@pytest.mark.parametrize("stale", [True, False])
def test_a_run_without_failures_leaves_no_error_log(tmp_path: Path, stale: bool) -> None:
    path = tmp_path / "out.errors.jsonl"
    if stale:
        path.write_text('{"doc_id": "from an earlier run"}\n', encoding="utf-8")
    ErrorLog(path).close()
    assert not path.exists()
