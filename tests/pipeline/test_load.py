"""Stage 1: paths become documents; unreadable documents fail alone, bad paths fail the run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor.errors import DocumentError, InputError
from extractor.pipeline.load import Document, iter_documents, read_document


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_text_file_keeps_exact_text_and_hashes_the_bytes(tmp_path: Path) -> None:
    data = "Ningbo rose 15.4%.\r\nLine two – with a dash.\n".encode()
    doc = read_document(write(tmp_path / "003_ba2da.txt", data))
    assert doc.doc_id == "003_ba2da"
    assert doc.text == data.decode("utf-8")  # no newline translation: offsets stay exact
    assert doc.text_sha256 == sha(data)
    assert doc.source == str(tmp_path / "003_ba2da.txt")


def test_markdown_files_are_documents(tmp_path: Path) -> None:
    write(tmp_path / "note.md", "# Title\n\nBody.")
    docs = list(iter_documents([tmp_path / "note.md"]))
    assert [d.doc_id for d in docs if isinstance(d, Document)] == ["note"]


def test_folders_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B.")
    write(tmp_path / "a" / "z" / "d.txt", "D.")
    write(tmp_path / "a" / "c.md", "C.")
    write(tmp_path / "a" / "UPPER.TXT", "U.")
    write(tmp_path / "skip.pdf", b"%PDF")
    write(tmp_path / "skip.json", "{}")
    docs = list(iter_documents([tmp_path]))
    assert [d.doc_id for d in docs] == ["UPPER", "c", "d", "b"]
    assert all(isinstance(d, Document) for d in docs)


def test_paths_keep_the_order_they_are_given(tmp_path: Path) -> None:
    second = write(tmp_path / "x" / "second.txt", "2.")
    first = write(tmp_path / "y" / "first.txt", "1.")
    assert [d.doc_id for d in iter_documents([second, first])] == ["second", "first"]


def test_jsonl_lines_are_documents(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "doc-1", "text": "First text."}),
        "",
        json.dumps({"id": 7, "text": "Seventh – text."}, ensure_ascii=False),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["doc-1", "7"]
    second = docs[1]
    assert isinstance(second, Document)
    assert second.text == "Seventh – text."
    assert second.text_sha256 == sha("Seventh – text.".encode())
    assert second.source == f"{path}:3"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "mixed.jsonl line 2: not JSON: Expecting property name"),
        (json.dumps({"id": "x"}), "no string 'text'"),
        (json.dumps({"id": "x", "text": 5}), "no string 'text'"),
        (json.dumps({"text": "no id"}), "no 'id'"),
        (json.dumps({"id": "", "text": "empty id"}), "no 'id'"),
        (json.dumps(["a", "list"]), "mixed.jsonl line 2: not a JSON object but an array"),
    ],
)
def test_bad_jsonl_lines_fail_alone(tmp_path: Path, line: str, reason: str) -> None:
    good = json.dumps({"id": "good", "text": "Fine."})
    path = write(tmp_path / "mixed.jsonl", f"{good}\n{line}\n{good.replace('good', 'also')}\n")
    docs = list(iter_documents([path]))
    assert [d.doc_id for d in docs] == ["good", "mixed:2", "also"]
    failure = docs[1]
    assert isinstance(failure, DocumentError)
    assert reason in failure.reason


def test_binary_file_is_a_document_error(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.txt", b"GIF89a\x00\x01\x02binary")
    with pytest.raises(DocumentError, match="binary") as caught:
        read_document(path)
    assert caught.value.doc_id == "scan"
    (item,) = iter_documents([path])
    assert isinstance(item, DocumentError)
    assert "binary" in item.reason


def test_undecodable_file_is_a_document_error(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Zürich Café".encode("latin-1"))
    with pytest.raises(DocumentError, match="not valid UTF-8") as caught:
        read_document(path)
    assert isinstance(caught.value.__cause__, UnicodeDecodeError)
    good = write(tmp_path / "ok.txt", "Fine.")
    items = list(iter_documents([path, good]))
    assert isinstance(items[0], DocumentError)
    assert isinstance(items[1], Document)


def test_empty_file_is_a_document_with_empty_text(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "empty.txt", b""))
    assert doc.text == ""
    assert doc.text_sha256 == sha(b"")


def test_missing_path_is_an_input_error_before_any_document(tmp_path: Path) -> None:
    good = write(tmp_path / "ok.txt", "Fine.")
    documents = iter_documents([good, tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="does not exist"):
        next(documents)


@pytest.mark.parametrize("extra", [None, "notes.pdf"])
def test_folder_without_documents_is_an_input_error(tmp_path: Path, extra: str | None) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    if extra:
        write(folder / extra, b"%PDF")
    with pytest.raises(InputError, match="holds no documents"):
        list(iter_documents([folder]))


def test_no_paths_is_an_input_error() -> None:
    with pytest.raises(InputError):
        list(iter_documents([]))


def test_a_jsonl_document_with_a_unicode_line_separator_is_one_document(tmp_path: Path) -> None:
    text = "First part.\u2028Second part.\x85Third."  # str.splitlines breaks at both
    line = json.dumps({"id": "sep", "text": text}, ensure_ascii=False)
    path = write(tmp_path / "sep.jsonl", line + "\n")
    (doc,) = iter_documents([path])
    assert isinstance(doc, Document)
    assert doc.text == text
