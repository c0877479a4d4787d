"""Stage 8: complete lines only, input order at the end, resume after a crash."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import DocumentError, OutputError
from extractor.pipeline import write
from extractor.pipeline.write import ErrorLog, OutputFile, check_writable
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


class Interrupted(BaseException):
    """Stands for the SIGTERM or Ctrl-C that arrives while the output is being rewritten."""


def test_an_interrupted_resume_leaves_the_old_output_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.jsonl"
    old = "".join(record(f"d{n}").model_dump_json() + "\n" for n in range(300))
    path.write_text(old + '{"doc_id": "torn', encoding="utf-8")

    def interrupt(fd: int) -> None:
        raise Interrupted

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(Interrupted):
        OutputFile(path, resume=True)
    assert path.read_text(encoding="utf-8") == old + '{"doc_id": "torn'
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_resume_keeps_lines_of_documents_this_run_does_not_have(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    out = OutputFile(path)
    for doc_id in ["a1", "a2"]:
        out.write(record(doc_id))
    out.finish(["a1", "a2"])
    out = OutputFile(path, resume=True)
    out.write(record("b1"))
    out.finish(["b1"])
    assert ids(path) == ["a1", "a2", "b1"]


def test_lines_are_synced_every_so_many_lines_and_on_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    monkeypatch.setattr(write, "SYNC_SECONDS", 3600.0)
    out = OutputFile(tmp_path / "out.jsonl")
    for n in range(2 * write.SYNC_LINES + 1):
        out.write(record(f"d{n}"))
        assert len(lines(out.path)) == n + 1  # each line is whole in the file at once
    assert len(synced) == 2
    out.close()
    assert len(synced) == 3


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p, "it is a folder"),
        (lambda p: p / "file.txt" / "sub" / "out.jsonl", "file.txt is a file, not a folder"),
    ],
    ids=["a-folder", "inside-a-file"],
)
def test_an_unwritable_path_is_an_output_error_and_changes_nothing(
    tmp_path: Path, make: Any, reason: str
) -> None:
    (tmp_path / "file.txt").write_text("keep\n", encoding="utf-8")
    with pytest.raises(OutputError, match=reason):
        check_writable(make(tmp_path))
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep\n"


def test_checking_a_new_path_leaves_no_file(tmp_path: Path) -> None:
    check_writable(tmp_path / "sub" / "out.jsonl")
    assert not (tmp_path / "sub" / "out.jsonl").exists()


def test_a_full_disk_is_an_output_error(tmp_path: Path) -> None:
    log = ErrorLog(Path("/dev/full"))
    try:
        with pytest.raises(OutputError, match="No space left"):
            log.write("scan", "in/scan.txt", DocumentError("scan", "looks binary"))
    finally:
        log.close()


def test_a_device_as_the_error_log_is_never_removed(tmp_path: Path) -> None:
    # A private copy of /dev/null: should this guard ever break, the real one stays.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device file needs root")
    ErrorLog(device).close()
    assert stat.S_ISCHR(device.stat().st_mode)


def test_the_error_log_blanks_secrets(tmp_path: Path) -> None:
    log = ErrorLog(tmp_path / "e.jsonl", redact=lambda text: text.replace("sk-123", "***"))
    log.write("d", "d.txt", DocumentError("d", "HTTP 401: bad key sk-123"))
    log.close()
    assert "sk-123" not in log.path.read_text(encoding="utf-8")
