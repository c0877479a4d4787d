"""``extract``: a thin CLI over the batch runner, checked end to end against a real local
OpenAI-compatible server: exit codes, the errors file, cache, replay, resume, help."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import typer
from fakes.articles import ARTICLES, article_in, failing_for, good_model, write_articles
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

from extractor.cli.extract import app
from extractor.config import ExtractorConfig
from extractor.errors import ConfigError
from extractor.records import DocumentRecord

EXTRACT = Path(sys.executable).with_name("extract")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No eval/recordings from the working folder (tests/conftest.py clears the environment)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(good_model) as server:
        yield server


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    write_articles(tmp_path / "in")
    return tmp_path / "in"


def extract(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def endpoint(url: str, tmp_path: Path, *extra: str) -> list[str]:
    """Options for a quick run against ``url``: tools mode, one retry, quiet."""
    return [
        "--base-url",
        url,
        "--model",
        MODEL,
        "--mode",
        "tools",
        "--retries",
        "1",
        "--home",
        str(tmp_path / "home"),
        "-q",
        *extra,
    ]


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def doc_ids(path: Path) -> list[str]:
    return [json.loads(line)["doc_id"] for line in path.read_text().splitlines()]


def errors_of(path: Path) -> dict[str, dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {e["doc_id"]: e for e in map(json.loads, lines)}


# ---- runs -------------------------------------------------------------------------------------


def test_a_run_writes_every_document_and_exits_0(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = extract("run", inputs, "-o", out, *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 0, result.output
    assert doc_ids(out) == ["ningbo", "zhaoqing"]
    for line in out.read_text().splitlines():
        record = DocumentRecord.model_validate_json(line)
        DocumentRecord.model_validate(
            record.model_dump(), context={"text": ARTICLES[record.doc_id]}
        )
    assert "2 extracted, 0 skipped, 0 failed" in result.stderr
    assert "2 model calls, 0 cache hits" in result.stderr
    assert not (tmp_path / "out.errors.jsonl").exists()


def test_run_is_the_default_command_and_shows_progress(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    args = [a for a in endpoint(fake.base_url, tmp_path) if a != "-q"]
    result = extract(inputs, "-o", out, *args)
    assert result.exit_code == 0, result.output
    assert f"model {MODEL} · mode tools · 2 document(s)" in result.stderr
    assert doc_ids(out) == ["ningbo", "zhaoqing"]


def test_500_forever_fails_one_document_exit_1(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with running_fake(failing_for("ningbo", Reply(error_body(500, "boom"), status=500))) as fake:
        result = extract(inputs, "-o", out, *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 1, result.output
    assert doc_ids(out) == ["zhaoqing"]
    errors = errors_of(tmp_path / "out.errors.jsonl")
    assert list(errors) == ["ningbo"]
    assert "HTTP 500" in errors["ningbo"]["message"]
    assert "1 extracted, 0 skipped, 1 failed" in result.stderr
    assert "out.errors.jsonl" in result.stderr
    assert "Traceback" not in result.output


def test_the_errors_file_can_be_named(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    named = tmp_path / "logs" / "failed.jsonl"
    with running_fake(failing_for("zhaoqing", Reply(error_body(503, "down"), status=503))) as fake:
        result = extract(inputs, "-o", out, "--errors", named, *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 1
    assert list(errors_of(named)) == ["zhaoqing"]


def test_a_timeout_fails_its_document_cleanly(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    slow = Reply({}, delay=30)
    with running_fake(failing_for("ningbo", slow)) as fake:
        result = extract(inputs, "-o", out, *endpoint(fake.base_url, tmp_path), "--timeout", "0.3")
    assert result.exit_code == 1, result.output
    assert "timed out" in errors_of(tmp_path / "out.errors.jsonl")["ningbo"]["message"]
    assert doc_ids(out) == ["zhaoqing"]
    assert "Traceback" not in result.output


def test_a_second_run_is_all_cache_hits(fake: FakeOpenAI, inputs: Path, tmp_path: Path) -> None:
    options = endpoint(fake.base_url, tmp_path)
    assert extract(inputs, "-o", tmp_path / "a.jsonl", *options).exit_code == 0
    before = len(fake.requests)
    result = extract(inputs, "-o", tmp_path / "b.jsonl", *options)
    assert result.exit_code == 0
    assert len(fake.requests) == before
    assert "0 model calls, 2 cache hits" in result.stderr
    result = extract(inputs, "-o", tmp_path / "c.jsonl", *options, "--no-cache")
    assert len(fake.requests) == before + 2
    assert "2 model calls, 0 cache hits" in result.stderr


def test_replay_with_an_empty_cache_names_document_and_chunk(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = extract(inputs, "-o", out, *endpoint(fake.base_url, tmp_path), "--replay")
    assert result.exit_code == 1, result.output
    assert fake.requests == []
    errors = errors_of(tmp_path / "out.errors.jsonl")
    assert errors["ningbo"]["error"] == "ReplayMiss"
    assert "document 'ningbo', chunk 0" in errors["ningbo"]["message"]
    assert "document 'zhaoqing', chunk 0" in errors["zhaoqing"]["message"]


def test_record_then_replay_from_the_recordings(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    recordings = tmp_path / "recordings"
    live = extract(
        inputs,
        "-o",
        tmp_path / "live.jsonl",
        *endpoint(fake.base_url, tmp_path),
        "--record",
        "--recordings",
        recordings,
    )
    assert live.exit_code == 0, live.output
    before = len(fake.requests)
    replayed = extract(
        inputs,
        "-o",
        tmp_path / "replay.jsonl",
        *endpoint(fake.base_url, tmp_path / "other"),
        "--replay",
        "--no-cache",
        "--recordings",
        recordings,
    )
    assert replayed.exit_code == 0, replayed.output
    assert len(fake.requests) == before
    live_lines = [json.loads(line) for line in (tmp_path / "live.jsonl").read_text().splitlines()]
    replay_lines = [
        json.loads(line) for line in (tmp_path / "replay.jsonl").read_text().splitlines()
    ]
    for a, b in zip(live_lines, replay_lines, strict=True):
        a.pop("meta")
        b.pop("meta")
        assert a == b


def test_resume_skips_a_done_document(fake: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder, ("zhaoqing",))
    out = tmp_path / "out.jsonl"
    options = [*endpoint(fake.base_url, tmp_path), "--no-cache"]
    assert extract(folder, "-o", out, *options).exit_code == 0
    write_articles(folder, ("ningbo",))
    result = extract(folder, "-o", out, *options, "--resume")
    assert result.exit_code == 0, result.output
    assert "1 extracted, 1 skipped, 0 failed" in result.stderr
    assert [article_in(r) for r in fake.chat_requests] == ["zhaoqing", "ningbo"]
    assert doc_ids(out) == ["ningbo", "zhaoqing"]


# ---- usage errors: exit 2, one line ------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [[], ["--model", MODEL, "--mode", "auto"]],
    ids=["model-listing", "mode-probe"],
)
def test_an_unreachable_endpoint_is_exit_2(inputs: Path, tmp_path: Path, extra: list[str]) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    out = tmp_path / "out.jsonl"
    result = extract(
        inputs, "-o", out, "--base-url", url, "--retries", "1", "--home", tmp_path / "h", *extra
    )
    assert result.exit_code == 2, result.output
    said = flat(result.stderr)
    assert said.startswith("error: ")
    assert url in said
    assert "Traceback" not in result.output


def test_an_unreachable_endpoint_is_exit_2_with_model_and_mode(
    inputs: Path, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    result = extract(inputs, "-o", tmp_path / "out.jsonl", *endpoint(url, tmp_path))
    assert result.exit_code == 2, result.output


def run_extract(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXTRACT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


def test_an_unreachable_endpoint_prints_one_line(inputs: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    done = run_extract(
        inputs,
        "-o",
        tmp_path / "out.jsonl",
        "--base-url",
        url,
        "--model",
        MODEL,
        "--retries",
        "1",
        "--home",
        tmp_path / "h",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert url in lines[0]


def test_debug_shows_the_exception(inputs: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    result = extract(
        inputs, "-o", tmp_path / "o.jsonl", "--base-url", url, "--retries", "1", "--debug"
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: p / "empty", "holds no documents"),
    ],
    ids=["missing", "empty-folder"],
)
def test_bad_paths_are_usage_errors(
    fake: FakeOpenAI, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    path = make(tmp_path)
    result = extract(path, "-o", tmp_path / "out.jsonl", *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert fake.requests == []


def test_an_unknown_option_is_exit_2(tmp_path: Path) -> None:
    result = extract(tmp_path, "-o", tmp_path / "out.jsonl", "--colour", "blue")
    assert result.exit_code == 2


def test_a_bad_setting_is_exit_2(inputs: Path, tmp_path: Path) -> None:
    result = extract(inputs, "-o", tmp_path / "o.jsonl", "--concurrency", "0", "-q")
    assert result.exit_code == 2
    assert "concurrency" in flat(result.stderr)


# ---- help ------------------------------------------------------------------------------------


def run_options() -> list[Any]:
    """The options of ``extract run`` (typer vendors click: read them by duck typing)."""
    group: Any = typer.main.get_command(app)
    command = group.commands["run"]
    return [p for p in command.params if p.param_type_name == "option"]


def long_names() -> list[str]:
    names = [o for p in run_options() for o in p.opts if o.startswith("--")]
    return [n for n in names if n != "--help"]


def test_run_help_mentions_every_option() -> None:
    result = extract("run", "--help")
    assert result.exit_code == 0
    missing = [name for name in long_names() if name not in result.output]
    assert missing == []


def test_top_level_help_mentions_every_option() -> None:
    result = extract("--help")
    assert result.exit_code == 0
    missing = [name for name in long_names() if name not in result.output]
    assert missing == []


def test_run_help_documents_the_environment_variables() -> None:
    result = extract("run", "--help")
    for name in ("EXTRACTOR_BASE_URL", "EXTRACTOR_MODEL", "EXTRACTOR_API_KEY", "EXTRACTOR_HOME"):
        assert name in result.output


def test_every_option_has_help_text() -> None:
    assert [p.name for p in run_options() if not (p.help or "").strip()] == []


def test_options_left_out_are_left_to_the_config(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI passes only what was given, so ExtractorConfig's defaults (their one home)
    and the environment apply to the rest."""
    passed: dict[str, Any] = {}

    def resolve(**settings: Any) -> ExtractorConfig:
        passed.update(settings)
        raise ConfigError("seen")

    monkeypatch.setattr(ExtractorConfig, "resolve", resolve)
    result = extract(inputs, "-o", tmp_path / "out.jsonl", "--chunk-tokens", "300", "--no-cache")
    assert result.exit_code == 2
    assert {k: v for k, v in passed.items() if v is not None} == {
        "chunk_tokens": 300,
        "cache": False,
    }


def test_the_help_shows_the_config_defaults() -> None:
    config = ExtractorConfig()
    group: Any = typer.main.get_command(app)
    shown = 0
    for command in ("run", "serve"):
        for option in group.commands[command].params:
            if option.name not in ExtractorConfig.__dataclass_fields__:
                continue
            value = getattr(config, option.name)
            if value is None or isinstance(value, bool | Path):
                continue  # no default, a flag, or a folder the help describes in words
            assert f"[default: {value}]" in option.help.replace("\\", ""), option.name
            shown += 1
    assert shown >= 14


def test_serve_shows_the_service_defaults_and_leaves_an_omitted_limit_to_them() -> None:
    from extractor.service.settings import Limits, ServiceSettings

    group: Any = typer.main.get_command(app)
    options = {o.name: o for o in group.commands["serve"].params}
    limits, service = Limits(), ServiceSettings()
    expected = {
        "host": service.host,
        "port": service.port,
        "shutdown_grace": service.shutdown_grace,
        "max_body_bytes": limits.max_body_bytes,
        "max_documents": limits.max_documents_per_job,
        "max_document_chars": limits.max_document_chars,
        "max_running_jobs": limits.max_running_jobs,
        "max_queued_jobs": limits.max_queued_jobs,
    }
    for name, value in expected.items():
        option = options[name]
        assert option.default is None, name  # the settings class applies its own default
        assert f"[default: {value}]" in (option.help or "").replace("\\", ""), name


def test_every_setting_is_an_option_of_run() -> None:
    names = set(long_names())
    wanted = {
        "--no-cache" if f.name == "cache" else "--" + f.name.replace("_", "-")
        for f in fields(ExtractorConfig)
    }
    assert sorted(wanted - names) == []


# ---- faults: one line, no traceback, nothing lost (issue 14) ----------------------------------


def test_an_answer_always_cut_at_the_limit_fails_its_document_exit_1(
    inputs: Path, tmp_path: Path
) -> None:
    def cut(seen: Seen) -> Reply:
        return chat_completion(seen, '{"projects": [', finish_reason="length")

    out = tmp_path / "out.jsonl"
    with running_fake(failing_for("ningbo", cut)) as fake:
        result = extract(inputs, "-o", out, *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 1, result.output
    assert doc_ids(out) == ["zhaoqing"]
    assert errors_of(tmp_path / "out.errors.jsonl")["ningbo"]["error"] == "ResponseTruncated"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p / "in", "it is a folder"),
        (lambda p: p / "notes.txt" / "out.jsonl", "is a file, not a folder"),
    ],
    ids=["a-folder", "inside-a-file"],
)
def test_an_output_that_cannot_be_written_is_exit_2_before_any_model_call(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    result = extract(inputs, "-o", make(tmp_path), *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 2, result.output
    line = flat(result.stderr)
    assert line.startswith("error: cannot write ")
    assert said in line
    assert fake.requests == []
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep\n"


def test_an_errors_file_inside_a_file_is_exit_2_before_any_model_call(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    errors = tmp_path / "notes.txt" / "errors.jsonl"
    out = tmp_path / "out.jsonl"
    result = extract(inputs, "-o", out, "--errors", errors, *endpoint(fake.base_url, tmp_path))
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in flat(result.stderr)
    assert fake.requests == []
    assert not out.exists()


def test_a_full_disk_mid_run_is_one_line_and_keeps_what_was_written(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    with running_fake(failing_for("zhaoqing", Reply(error_body(500, "boom"), status=500))) as fake:
        done = run_extract(
            inputs, "-o", out, "--errors", "/dev/full", *endpoint(fake.base_url, tmp_path),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == "error: cannot write /dev/full: No space left on device"
    assert "Traceback" not in done.stderr
    assert doc_ids(out) == ["ningbo"]
    assert Path("/dev/full").exists()


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_says_how_to_go_on_and_keeps_the_finished_documents(
    inputs: Path, tmp_path: Path
) -> None:
    def slow_for_zhaoqing(seen: Seen) -> Reply:
        reply = good_model(seen)
        reply.delay = 30 if article_in(seen) == "zhaoqing" else 0
        return reply

    out = tmp_path / "out.jsonl"
    with running_fake(slow_for_zhaoqing) as fake:
        args = [str(EXTRACT), str(inputs), "-o", str(out), *endpoint(fake.base_url, tmp_path)]
        child = subprocess.Popen(
            args,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # A test run started in the background inherits SIGINT ignored, and so would the
            # child: give it the terminal's default, as a user at a prompt has.
            preexec_fn=_interruptible,
        )
        deadline = time.monotonic() + 30
        while not any(article_in(r) == "zhaoqing" for r in fake.chat_requests):
            assert time.monotonic() < deadline, "the run never reached the second document"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    assert child.returncode == 130, stderr
    assert stderr.splitlines()[-1] == f"interrupted; rerun with --resume to continue from {out}"
    assert "Traceback" not in stderr
    assert doc_ids(out) == ["ningbo"]


def test_a_corrupt_recordings_file_is_exit_2_naming_file_and_line(
    inputs: Path, tmp_path: Path
) -> None:
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    good = json.dumps({"key": "k", "status": 200, "response": {}})
    (recordings / "responses.jsonl").write_text(f"{good}\n{good[:20]}\n", encoding="utf-8")
    url = f"http://127.0.0.1:{unused_port()}/v1"
    result = extract(
        inputs, "-o", tmp_path / "out.jsonl", *endpoint(url, tmp_path), "--replay",
        "--recordings", recordings,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    said = flat(result.stderr)
    assert said.startswith(f"error: {recordings / 'responses.jsonl'} line 2 is not a recording")
    assert "Traceback" not in result.output


def test_secrets_never_reach_the_terminal_or_the_errors_file(inputs: Path, tmp_path: Path) -> None:
    key = "sk-proj-SECRET0123456789"

    def refuse(seen: Seen) -> Reply:
        return Reply(error_body(401, f"Incorrect API key provided: {key}"), status=401)

    out = tmp_path / "out.jsonl"
    with running_fake(refuse) as fake:
        url = fake.base_url.replace("http://", "http://user:PASSWORD-in-url@")
        result = extract(inputs, "-o", out, *endpoint(url, tmp_path), "--api-key", key)
        unreachable = f"http://user:PASSWORD-in-url@127.0.0.1:{unused_port()}/v1"
        setup = extract(inputs, "-o", out, *endpoint(unreachable, tmp_path), "--api-key", key)
    assert result.exit_code == 1, result.output
    assert setup.exit_code == 2, setup.output
    errors = (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8")
    assert "HTTP 401" in errors
    for text in (result.output, errors, setup.output):
        assert key not in text
        assert "PASSWORD-in-url" not in text
    assert "http://***@127.0.0.1" in flat(setup.stderr)


def test_the_output_inside_the_input_folder_is_not_read_back(
    fake: FakeOpenAI, inputs: Path, tmp_path: Path
) -> None:
    (inputs / "scan.txt").write_bytes(b"\x00binary")
    out = inputs / "out.jsonl"
    options = endpoint(fake.base_url, tmp_path)
    assert extract(inputs, "-o", out, *options).exit_code == 1
    result = extract(inputs, "-o", out, *options)
    assert result.exit_code == 1, result.output
    assert "2 extracted, 0 skipped, 1 failed" in result.stderr
    assert list(errors_of(inputs / "out.errors.jsonl")) == ["scan"]
