"""The response cache (SQLite) and the recordings (JSONL) behind ``--replay``."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.llm.store import (
    COMMIT_EVERY,
    RecordingStore,
    ResponseStore,
    recording_manifest,
    request_key,
)
from extractor.provisioning import default_registry
from extractor.records import FORMAT_VERSION

PATH = "/v1/chat/completions"
COMMITTED = Path(__file__).resolve().parents[2] / "eval" / "recordings" / "MANIFEST.json"


def key(**body: object) -> str:
    return request_key(PATH, json.dumps(body).encode())


def test_the_key_is_the_canonical_request() -> None:
    a = request_key(PATH, b'{"model": "m", "temperature": 0, "messages": []}')
    b = request_key(PATH, b'{"messages":[],"temperature":0,"model":"m"}')
    assert a == b
    assert len(a) == 64


def test_the_key_changes_with_anything_that_changes_the_answer() -> None:
    base = key(model="m", temperature=0, messages=[{"role": "user", "content": "A"}])
    assert base != key(model="n", temperature=0, messages=[{"role": "user", "content": "A"}])
    assert base != key(model="m", temperature=0.5, messages=[{"role": "user", "content": "A"}])
    assert base != key(model="m", temperature=0, messages=[{"role": "user", "content": "B"}])
    assert base != request_key("/v1/completions", json.dumps({"model": "m"}).encode())


def test_a_body_that_is_not_json_still_has_a_key() -> None:
    assert request_key(PATH, b"\xff not json") == request_key(PATH, b"\xff not json")


def test_the_cache_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "cache.sqlite"
    store = ResponseStore(path)
    store.put("k1", "m", 200, '{"a": 1}')
    store.put("k1", "m", 200, '{"a": 2}')  # the last answer wins
    assert store.get("missing") is None
    store.close()
    reopened = ResponseStore(path)
    try:
        assert reopened.get("k1") == (200, '{"a": 2}')
    finally:
        reopened.close()


def test_recordings_append_and_reload(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    store = RecordingStore(folder)
    assert len(store) == 0
    store.put("k1", "m", 200, '{"answer": "one"}', "doc#0")
    store.put("k1", "m", 200, '{"answer": "changed"}', "doc#0")  # the first recording stays
    store.put("k2", "m", 200, '{"answer": "two"}', "doc#1")
    lines = (folder / "responses.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["k1", "k2"]

    (folder / "older.jsonl").write_text(
        json.dumps({"key": "k3", "response": {"answer": "three"}}) + "\n\n", encoding="utf-8"
    )
    reloaded = RecordingStore(folder)
    assert len(reloaded) == 3
    assert reloaded.get("k1") == (200, json.dumps({"answer": "one"}))
    assert reloaded.get("k3") == (200, json.dumps({"answer": "three"}))
    assert reloaded.get("nope") is None
    assert reloaded.used == {"k1", "k3"}


def test_a_missing_recordings_folder_is_empty(tmp_path: Path) -> None:
    assert len(RecordingStore(tmp_path / "absent")) == 0
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('{"key": "k2", "response": {"answer"', "Expecting"),
        ('["a", "list"]', "not a JSON object"),
        ('{"response": {"answer": "no key"}}', "needs a string 'key'"),
    ],
    ids=["torn", "not-an-object", "no-key"],
)
def test_a_corrupt_recordings_line_is_a_config_error_naming_file_and_line(
    tmp_path: Path, bad: str, reason: str
) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    good = json.dumps({"key": "k1", "response": {"answer": "one"}})
    (folder / "responses.jsonl").write_text(f"{good}\n\n{bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        RecordingStore(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'responses.jsonl'} line 3 is not a recording")
    assert reason in message
    assert "\n" not in message


def test_cache_writes_are_committed_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    store = ResponseStore(path)
    try:
        for n in range(COMMIT_EVERY - 1):
            store.put(f"k{n}", "m", 200, "{}")
        assert store.get("k0") == (200, "{}")  # served while pending
        assert committed(path) == 0
        store.put("last", "m", 200, "{}")
        assert committed(path) == COMMIT_EVERY
        store.put("after", "m", 200, "{}")
    finally:
        store.close()
    assert committed(path) == COMMIT_EVERY + 1  # close commits the rest


def committed(path: Path) -> int:
    """Rows another connection sees."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])


def test_a_cache_that_cannot_be_written_is_given_up_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    store = ResponseStore(path)
    with contextlib.closing(sqlite3.connect(path)) as other:
        other.execute("BEGIN EXCLUSIVE")  # holds the lock, as a full disk would refuse
        store._db.execute("PRAGMA busy_timeout = 0")
        for n in range(COMMIT_EVERY):
            store.put(f"k{n}", "m", 200, "{}")
        other.rollback()
    store.put("later", "m", 200, "{}")
    store.close()
    assert committed(path) == 0
    assert "cannot be written" in caplog.text


def test_the_committed_manifest_is_what_the_store_writes_byte_for_byte(tmp_path: Path) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    manifest = recording_manifest(
        model=committed["model"],
        backend=committed["backend"],
        mode=committed["mode"],
        prompt_version=committed["prompt_version"],
        prompt_sha256=committed["prompt_sha256"],
        today=date.fromisoformat(committed["date"]),
    )
    written = RecordingStore(tmp_path / "recordings").write_manifest(manifest)
    assert written == tmp_path / "recordings" / "MANIFEST.json"
    assert written.read_bytes() == COMMITTED.read_bytes()


def test_a_manifest_names_the_registry_hash_only_for_a_registry_model() -> None:
    known = default_registry().get()
    manifest = partial(recording_manifest, backend="endpoint", mode="tools",
                       prompt_version="extract.v1", prompt_sha256="0" * 64,
                       today=date(2026, 1, 2))  # fmt: skip
    assert manifest(model=known.name)["model_sha256"] == known.sha256
    other = manifest(model="someone-elses-model")
    assert other == {
        "model": "someone-elses-model",
        "model_sha256": None,
        "backend": "endpoint",
        "mode": "tools",
        "prompt_version": "extract.v1",
        "prompt_sha256": "0" * 64,
        "format_version": FORMAT_VERSION,
        "date": "2026-01-02",
    }
