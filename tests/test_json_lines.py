"""The one JSONL reader (``extractor.records.jsonl``) and the four readers built on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.evaluation.loading import read_jsonl
from extractor.llm.store import RecordingStore
from extractor.pipeline.write import OutputFile
from extractor.records.jsonl import JsonLine, read_json_lines

SEPARATED = "one\u2028two\x85three\x1cfour"
"""Text that ``str.splitlines`` breaks at four times, and JSON keeps raw."""


def test_each_line_is_its_object_or_its_file_number_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"a": 1}\n\n{"b": \n[1, 2]\nnull\n  \n{"c": 3}\n', encoding="utf-8")
    lines = read_json_lines(path)
    assert [(line.number, line.obj) for line in lines] == [
        (1, {"a": 1}),
        (3, None),
        (4, None),
        (5, None),
        (7, {"c": 3}),
    ]
    assert [line.problem for line in lines if line.obj is None] == [
        f"{path} line 3: not JSON: Expecting value at column 7",
        f"{path} line 4: not a JSON object but an array",
        f"{path} line 5: not a JSON object but null",
    ]
    assert [line.is_json for line in lines] == [True, False, True, True, True]


def test_a_byte_order_mark_and_crlf_line_ends_are_read(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n{"b": 2}\r\n')
    assert read_json_lines(path) == [
        JsonLine(path, 1, '{"a": 1}', {"a": 1}),
        JsonLine(path, 2, '{"b": 2}', {"b": 2}),
    ]


def test_unicode_line_separators_inside_strings_keep_a_line_whole(tmp_path: Path) -> None:
    path = tmp_path / "sep.jsonl"
    line = json.dumps({"doc_id": "a", "text": SEPARATED}, ensure_ascii=False)
    path.write_text(line + "\n", encoding="utf-8")
    (read,) = read_json_lines(path)
    assert read.obj == {"doc_id": "a", "text": SEPARATED}
    assert read.text == line


def test_an_undecodable_file_is_an_error_for_the_caller_to_word(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"a": "café"}\n'.encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        read_json_lines(path)


# ---- the readers built on it keep their error classes and say file, line and reason -----------


def test_evaluation_lines_keep_the_reason_and_recover_the_doc_id_of_a_torn_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text(
        '{"doc_id": "a"}\n{"doc_id": "b", "projects": [\n[{"doc_id": "c"}]\n', encoding="utf-8"
    )
    good, torn, array = read_jsonl(path)
    assert (good.number, good.doc_id, good.error) == (1, "a", None)
    assert (torn.number, torn.doc_id) == (2, "b")
    assert torn.error == "not JSON: Expecting value at column 30"
    assert (array.number, array.doc_id, array.error) == (3, None, "not a JSON object but an array")


def test_resume_keeps_a_line_with_unicode_separators_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    line = json.dumps(
        {"doc_id": "a", "text_sha256": "0" * 64, "note": SEPARATED}, ensure_ascii=False
    )
    path.write_text(line + "\n", encoding="utf-8")
    output = OutputFile(path, resume=True)
    output.close()
    assert output.lines == {"a": line}
    assert output.done("a", "0" * 64)


def test_a_bad_recording_line_is_a_config_error_naming_file_line_and_reason(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    (folder / "responses.jsonl").write_text('{"key": "k", "response": {}}\n\n[1]\n')
    with pytest.raises(ConfigError) as caught:
        RecordingStore(folder)
    assert str(caught.value).startswith(
        f"{folder / 'responses.jsonl'} line 3 is not a recording (not a JSON object but an array)"
    )


def test_a_torn_line_with_an_escape_json_does_not_know_has_no_doc_id(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text('{"doc_id": "a\\q", "projects": [\n', encoding="utf-8")
    (line,) = read_jsonl(path)
    assert (line.number, line.obj, line.doc_id) == (1, None, None)
    assert line.error is not None
    assert line.error.startswith("not JSON: Invalid \\escape")
