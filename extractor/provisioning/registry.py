"""The model registry: which GGUF files the project knows and how to obtain each one.

The entries live in ``registry.json`` beside this module (data, not code). An entry names the
model, the file it is stored as under ``EXTRACTOR_HOME/models/``, its exact size and sha256,
and its source: PyPI packages whose wheels each carry one part of the file; the parts, in the
order listed, concatenate to the model. Exactly one entry is the default.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Self

from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from extractor.errors import ProvisioningError

__all__ = ["ModelEntry", "PartSource", "Registry", "default_registry", "load_registry"]

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[^/\\]+$", min_length=1)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class PartSource(BaseModel):
    """One part of a model file: a member of the wheel of one PyPI package."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    package: NonEmpty
    version: NonEmpty
    path: NonEmpty = Field(description="path of the part inside the wheel, '/'-separated")

    @field_validator("package")
    @classmethod
    def _project_name(cls, value: str) -> str:
        """A name pip can be asked for (PEP 508), as written."""
        try:
            canonicalize_name(value, validate=True)
        except InvalidName as e:
            raise ValueError(f"{value!r} is not a valid package name") from e
        return value

    @field_validator("version")
    @classmethod
    def _pep440(cls, value: str) -> str:
        """A version pip can pin and wheel names can be compared with (PEP 440), as written."""
        try:
            Version(value)
        except InvalidVersion as e:
            raise ValueError(f"{value!r} is not a PEP 440 version") from e
        return value

    @property
    def requirement(self) -> str:
        """The pip requirement that pins this part, e.g. ``pkg-part1==0.2.0``."""
        return f"{self.package}=={self.version}"


class ModelEntry(BaseModel):
    """A model the project can provision, with what it takes to fetch and verify it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: NonEmpty
    file: FileName
    size: int = Field(gt=0)
    sha256: Sha256
    source: tuple[PartSource, ...] = Field(min_length=1)
    default: bool = False
    description: str = ""


class Registry(BaseModel):
    """All known models; names are unique and exactly one entry is the default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[ModelEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate model names in {names}")
        files = [m.file for m in self.models]
        if len(set(files)) != len(files):
            raise ValueError(f"duplicate model file names in {files}")
        defaults = [m.name for m in self.models if m.default]
        if len(defaults) != 1:
            raise ValueError(f"exactly one default model is needed, found {defaults or 'none'}")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.models)

    @property
    def default(self) -> ModelEntry:
        return next(m for m in self.models if m.default)

    def get(self, name: str | None = None) -> ModelEntry:
        """The entry called ``name``; the default entry when ``name`` is None."""
        if name is None:
            return self.default
        for entry in self.models:
            if entry.name == name:
                return entry
        raise ProvisioningError(f"unknown model {name!r}; known models: {', '.join(self.names)}")


def load_registry(path: str | Path | None = None) -> Registry:
    """Read a registry file; the one shipped with the package when ``path`` is None."""
    try:
        if path is None:
            where = "the packaged registry.json"
            packaged = resources.files("extractor.provisioning").joinpath("registry.json")
            text = packaged.read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
            where = str(path)
    except OSError as e:
        raise ProvisioningError(f"cannot read the model registry: {e}") from e
    try:
        return Registry.model_validate(json.loads(text))
    except ValueError as e:  # malformed JSON or a pydantic ValidationError
        raise ProvisioningError(f"invalid model registry ({where}): {e}") from e


@cache
def default_registry() -> Registry:
    """The packaged registry, read once."""
    return load_registry()
