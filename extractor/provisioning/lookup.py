"""Find the GGUF file a run uses and judge, without hashing, whether a registry model is there.

This is the part of provisioning that a run needs (``extractor.llm`` imports it); fetching,
assembling and hashing a model (``extract models pull``) live in ``fetch``.

A model is stored as ``EXTRACTOR_HOME/models/<file>``. Beside it, the sidecar
``<file>.verified.json`` records the size, mtime and sha256 of the last successful sha256
check, so that a file that has not changed since is known good without hashing it again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from extractor.config import home_dir
from extractor.errors import ProvisioningError
from extractor.provisioning.registry import ModelEntry, Registry, default_registry

__all__ = [
    "GGUF_MAGIC",
    "ModelState",
    "check_gguf",
    "model_file",
    "model_state",
    "models_dir",
    "resolve_model_path",
    "sidecar",
    "write_stamp",
]

GGUF_MAGIC = b"GGUF"
_SIDECAR = ".verified.json"


class ModelState(StrEnum):
    """What is on disk for a registry entry, judged without hashing."""

    MISSING = "missing"
    WRONG_SIZE = "wrong size"
    UNVERIFIED = "not verified"  # the right size, not hashed since it last changed
    VERIFIED = "verified"


def models_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """``EXTRACTOR_HOME/models`` (not created)."""
    return home_dir(home) / "models"


def model_file(entry: ModelEntry, home: str | os.PathLike[str] | None = None) -> Path:
    """Where ``entry`` is stored."""
    return models_dir(home) / entry.file


def model_state(entry: ModelEntry, home: str | os.PathLike[str] | None = None) -> ModelState:
    """The state of ``entry`` on disk from its size and sidecar; never hashes."""
    path = model_file(entry, home)
    try:
        size = path.stat().st_size
    except OSError:
        return ModelState.MISSING
    if size != entry.size:
        return ModelState.WRONG_SIZE
    return ModelState.VERIFIED if _stamp_matches(path, entry) else ModelState.UNVERIFIED


def check_gguf(path: str | os.PathLike[str]) -> Path:
    """``path`` when it is a readable file starting with the GGUF magic, else an error."""
    file = Path(path).expanduser()
    try:
        with file.open("rb") as source:
            magic = source.read(len(GGUF_MAGIC))
    except FileNotFoundError as e:
        raise ProvisioningError(f"model file not found: {file}") from e
    except IsADirectoryError as e:
        raise ProvisioningError(f"{file} is a folder, not a GGUF model file") from e
    except OSError as e:
        raise ProvisioningError(f"cannot read model file {file}: {e}") from e
    if magic != GGUF_MAGIC:
        raise ProvisioningError(
            f"{file} is not a GGUF model file (it starts with {magic!r}, not {GGUF_MAGIC!r})"
        )
    return file


def resolve_model_path(
    model_path: str | os.PathLike[str] | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    registry: Registry | None = None,
) -> Path:
    """The GGUF a local run uses: ``model_path`` (``--model-path``), then
    ``EXTRACTOR_MODEL_PATH`` (any GGUF the user brings), then the registry's default entry in
    the models folder, which must be installed (``extract models pull``)."""
    environ = os.environ if env is None else env
    chosen = model_path if model_path is not None else environ.get("EXTRACTOR_MODEL_PATH")
    if chosen:
        return check_gguf(chosen)
    entry = (registry or default_registry()).default
    path = home_dir(home, env=environ) / "models" / entry.file
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ProvisioningError(
            f"the default model {entry.name} is not installed ({path}): run "
            "`extract models pull`, or name a GGUF with --model-path or EXTRACTOR_MODEL_PATH"
        ) from e
    if size != entry.size:
        raise ProvisioningError(
            f"{path} has {size} bytes, not the {entry.size} of {entry.name}: "
            "run `extract models pull` to replace it"
        )
    return check_gguf(path)


# --- the sidecar of a verified file -----------------------------------------------------------


def sidecar(path: Path) -> Path:
    """The sidecar that vouches for the model file ``path``."""
    return path.with_name(path.name + _SIDECAR)


def _stamp_matches(path: Path, entry: ModelEntry) -> bool:
    try:
        stat = path.stat()
        stamp = json.loads(sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp == {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": entry.sha256,
    }


def write_stamp(path: Path, sha256: str, stat: os.stat_result) -> None:
    """Record a successful check; a failure to write it only costs a re-hash later."""
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256}
    scratch = sidecar(path).with_name(sidecar(path).name + ".tmp")
    try:
        scratch.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
        os.replace(scratch, sidecar(path))
    except OSError:
        scratch.unlink(missing_ok=True)
