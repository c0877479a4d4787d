"""``extract run --ray`` and ``extractor.distributed`` on a local Ray instance (two CPUs) against
the fake model server or the committed recordings: the same output as one machine, failures
isolated per document, an actor killed mid-run, resume, exit codes, loopback only."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import ARTICLES, good_model, write_articles
from fakes.openai_server import (
    MODEL,
    FakeOpenAI,
    Reply,
    Seen,
    chat_completion,
    error_body,
    running_fake,
    unused_port,
)
from typer.testing import CliRunner, Result

from distributed.procs import descendants, listening, map_workers
from extractor.cli.extract import app
from extractor.config import ExtractorConfig, ModeChoice
from extractor.distributed import RayOptions, extract_dataset, run_on_ray
from extractor.records import DocumentRecord

pytestmark = [
    pytest.mark.ray,
    pytest.mark.usefixtures("local_ray"),
    # Ray Data sets its own deprecated fields whenever it copies its context.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),
]

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
RECORDINGS = ROOT / "eval" / "recordings"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No eval/recordings from the working folder (tests/conftest.py clears the environment)."""
    monkeypatch.chdir(tmp_path)


def extract(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def corpus(path: Path, count: int) -> Path:
    """``count`` one-sentence documents as a JSONL file of ``{"id", "text"}``."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            text = f"Plant {i} opened in Ningbo with {i + 10} workers.\n"
            f.write(json.dumps({"id": f"doc{i:04d}", "text": text}) + "\n")
    return path


def config(tmp_path: Path, base_url: str, **more: Any) -> ExtractorConfig:
    settings: dict[str, Any] = {
        "base_url": base_url, "model": MODEL, "mode": ModeChoice.TOOLS, "retries": 1,
        "home": tmp_path / "home", "concurrency": 4,
    }  # fmt: skip
    return ExtractorConfig.resolve(env={}, **(settings | more))


def lines(path: Path) -> list[dict[str, Any]]:
    """The output's lines without the run's timing (the one field two runs may differ in)."""
    found = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = json.loads(raw)
        line["meta"].pop("seconds")
        found.append(line)
    return found


def doc_ids(path: Path) -> list[str]:
    return [json.loads(raw)["doc_id"] for raw in path.read_text(encoding="utf-8").splitlines()]


# ---- the same output as one machine -----------------------------------------------------------


def test_seeds_on_ray_match_a_single_machine_run_line_for_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay: list[str | Path] = ["--replay", "--no-cache", "--recordings", RECORDINGS]
    replay += ["--home", tmp_path, "-q"]
    single = extract("run", SEEDS, "-o", tmp_path / "single.jsonl", *replay)
    assert single.exit_code == 0, single.output
    monkeypatch.setenv("EXTRACTOR_RAY_ACTORS", "2")
    monkeypatch.setenv("EXTRACTOR_RAY_BATCH_SIZE", "1")
    spread = extract("run", SEEDS, "-o", tmp_path / "ray.jsonl", *replay, "--ray")
    assert spread.exit_code == 0, spread.output
    assert lines(tmp_path / "ray.jsonl") == lines(tmp_path / "single.jsonl")
    assert len(doc_ids(tmp_path / "ray.jsonl")) == len(list(SEEDS.glob("*.txt")))
    assert "5 extracted, 0 skipped, 0 failed" in spread.stderr


def test_replayed_rows_carry_valid_records_and_where_they_ran_and_go_to_parquet(
    tmp_path: Path,
) -> None:
    import pyarrow.parquet as pq

    settings = ExtractorConfig.resolve(
        env={}, replay=True, cache=False, recordings=RECORDINGS, home=tmp_path
    )
    dataset = extract_dataset(SEEDS, settings, RayOptions(actors=2, batch_size=1))  # one path
    dataset = dataset.materialize()  # extracted once, read twice below
    rows = dataset.take_all()
    assert sorted(row["doc_id"] for row in rows) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all(row["error"] is None for row in rows)
    assert {row["endpoint"] for row in rows} == {"local model"}
    assert all(row["worker"].startswith("127.0.0.1:") for row in rows)
    for row in rows:
        record = DocumentRecord.model_validate_json(row["record"])
        text = (SEEDS / f"{record.doc_id}.txt").read_text(encoding="utf-8")
        DocumentRecord.model_validate(record.model_dump(), context={"text": text})

    dataset.write_parquet(str(tmp_path / "records"))
    table = pq.read_table(tmp_path / "records")
    assert sorted(table.column("record").to_pylist()) == sorted(row["record"] for row in rows)


def test_a_dataset_of_id_and_text_rows_is_extracted_without_secrets_in_the_rows(
    tmp_path: Path,
) -> None:
    import ray.data

    documents = ray.data.from_items([{"id": 7, "text": ARTICLES["ningbo"]}])
    with running_fake(good_model) as server:
        url = server.base_url.replace("http://", "http://user:s3cret@")
        settings = config(tmp_path, url, api_key="sk-s3cret")
        rows = extract_dataset(documents, settings).take_all()
    assert [(row["doc_id"], row["error"]) for row in rows] == [("7", None)]
    record = DocumentRecord.model_validate_json(rows[0]["record"])
    digest = hashlib.sha256(ARTICLES["ningbo"].encode("utf-8")).hexdigest()
    assert record.text_sha256 == digest
    assert [p.name for p in record.projects] == ["kitchen appliance base"]
    assert rows[0]["endpoint"] == server.base_url.replace("http://", "http://***@")
    assert "s3cret" not in json.dumps(rows)


# ---- many documents, two endpoints, one of them failing for a while ---------------------------


class UnavailableFor:
    """503 (retry after 0.2 s) for ``seconds`` after the first chat request, then answers."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.first: float | None = None
        self.refused = 0

    def __call__(self, seen: Seen) -> Reply:
        now = time.monotonic()
        self.first = now if self.first is None else self.first
        if now - self.first < self.seconds:
            self.refused += 1
            return Reply(error_body(503, "warming up"), status=503, headers={"retry-after": "0.2"})
        return chat_completion(seen, {})


def test_a_thousand_documents_over_two_endpoints_one_503_for_a_while(tmp_path: Path) -> None:
    docs = corpus(tmp_path / "docs.jsonl", 1000)
    out = tmp_path / "out.jsonl"
    flaky_model = UnavailableFor(1.5)
    with running_fake() as steady, running_fake(flaky_model) as flaky:
        urls = f"{steady.base_url},{flaky.base_url}"
        summary = run_on_ray(
            config(tmp_path, urls, retries=12), [docs], out, options=RayOptions(batch_size=25)
        )
        served = {"steady": len(steady.chat_requests), "flaky": len(flaky.chat_requests)}
    assert summary.failed == 0
    assert summary.extracted == 1000
    assert doc_ids(out) == [f"doc{i:04d}" for i in range(1000)]
    assert not (tmp_path / "out.errors.jsonl").exists()
    assert flaky_model.refused > 0
    assert served["flaky"] - flaky_model.refused > 0  # it answered once it was back
    # each document is answered twice, never more: its chunk's call, then the default's second
    # look at the one figure ("N workers") that the empty answer leaves out
    assert served["steady"] + served["flaky"] - flaky_model.refused == 2 * 1000


# ---- an actor killed mid-run -------------------------------------------------------------------


class Killer:
    """Kills one extraction actor with SIGKILL once ``after`` chat requests were answered, then
    watches for the process Ray starts in its place."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.seen = 0
        self.killed: int | None = None
        self.survivors: set[int] = set()
        self.replacements: set[int] = set()
        self._lock = threading.Lock()
        self._watch = threading.Event()

    def __call__(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen += 1
            if self.seen == self.after:
                workers = map_workers()
                self.killed = workers[0]
                self.survivors = set(workers[1:])
                os.kill(self.killed, signal.SIGKILL)
                threading.Thread(target=self._look_for_replacement, daemon=True).start()
        return Reply(chat_completion(seen, {}).body, delay=0.004)

    def _look_for_replacement(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.replacements:
            self.replacements = set(map_workers()) - self.survivors - {self.killed}
            time.sleep(0.05)


def test_an_actor_killed_mid_run_is_restarted_and_no_document_is_lost_or_doubled(
    tmp_path: Path,
) -> None:
    docs = corpus(tmp_path / "docs.jsonl", 400)
    out = tmp_path / "out.jsonl"
    killer = Killer(after=100)
    with running_fake(killer) as fake:
        summary = run_on_ray(
            config(tmp_path, fake.base_url, cache=False), [docs], out,
            options=RayOptions(actors=2, batch_size=20),
        )  # fmt: skip
        answered = len(fake.chat_requests)
    assert killer.killed is not None
    assert killer.killed not in descendants()
    assert killer.replacements, "Ray did not restart the killed actor"
    assert summary.failed == 0
    assert summary.extracted == 400
    assert doc_ids(out) == [f"doc{i:04d}" for i in range(400)]
    assert answered >= 400


# ---- resume, the errors file, exit codes ------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(good_model) as server:
        yield server


def endpoint(url: str, tmp_path: Path) -> list[str]:
    return ["--base-url", url, "--model", MODEL, "--mode", "tools", "--retries", "1",
            "--home", str(tmp_path / "home"), "--no-cache", "-q"]  # fmt: skip


def test_resume_on_ray_extracts_only_what_is_missing(fake: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder, ("ningbo",))
    out = tmp_path / "out.jsonl"
    first = extract("run", folder, "-o", out, *endpoint(fake.base_url, tmp_path), "--ray")
    assert first.exit_code == 0, first.output
    write_articles(folder, ("ningbo", "zhaoqing"))
    before = len(fake.chat_requests)
    again = extract(
        "run", folder, "-o", out, *endpoint(fake.base_url, tmp_path), "--resume", "--ray"
    )
    assert again.exit_code == 0, again.output
    assert "1 extracted, 1 skipped, 0 failed" in again.stderr
    assert len(fake.chat_requests) - before == 1
    assert doc_ids(out) == ["ningbo", "zhaoqing"]


def test_a_failing_document_goes_to_the_errors_file_and_exit_is_1(tmp_path: Path) -> None:
    def refuse_zhaoqing(seen: Seen) -> Reply:
        if "Zhaoqing" in seen.user_text:
            return Reply(error_body(400, "bad request"), status=400)
        return good_model(seen)

    write_articles(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    with running_fake(refuse_zhaoqing) as server:
        url = server.base_url.replace("http://", "http://user:s3cret@")
        result = extract("run", tmp_path / "in", "-o", out, *endpoint(url, tmp_path),
                         "--api-key", "sk-s3cret", "--ray")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert doc_ids(out) == ["ningbo"]
    errors = [json.loads(raw) for raw in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [(e["doc_id"], e["error"]) for e in errors] == [("zhaoqing", "EndpointError")]
    assert "HTTP 400" in errors[0]["message"]
    assert "s3cret" not in (tmp_path / "out.errors.jsonl").read_text()
    assert str(tmp_path / "in" / "zhaoqing.txt") == errors[0]["source"]


def test_an_unreachable_endpoint_is_exit_2_and_leaves_no_output(tmp_path: Path) -> None:
    write_articles(tmp_path / "in")
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    result = extract("run", tmp_path / "in", "-o", tmp_path / "out.jsonl",
                     *endpoint(dead, tmp_path), "--ray")  # fmt: skip
    assert result.exit_code == 2
    assert "unreachable" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_record_is_refused_on_ray_with_exit_2(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in")
    result = extract("run", tmp_path / "in", "-o", tmp_path / "out.jsonl",
                     *endpoint(fake.base_url, tmp_path), "--record", "--ray")  # fmt: skip
    assert result.exit_code == 2
    assert "record without --ray" in result.stderr


# ---- loopback only -----------------------------------------------------------------------------


def test_the_local_instance_listens_on_loopback_only(tmp_path: Path) -> None:
    import ray

    seen: list[tuple[str, str, int, str]] = []

    def look(request: Seen) -> Reply:  # while the actors are alive and working
        if not seen:
            seen.extend(listening(descendants()))
        return good_model(request)

    write_articles(tmp_path / "in")
    with running_fake(look) as server:
        summary = run_on_ray(
            config(tmp_path, server.base_url), [tmp_path / "in"], tmp_path / "out.jsonl",
            options=RayOptions(actors=2, batch_size=1),
        )  # fmt: skip
    assert summary.extracted == 2
    assert ray.util.get_node_ip_address() == "127.0.0.1"  # type: ignore[no-untyped-call]
    commands = " ".join(command for *_, command in seen)
    assert "gcs_server" in commands  # the check sees Ray's own servers
    assert "raylet" in commands
    assert [s for s in seen if not ipaddress.ip_address(s[1]).is_loopback] == []
