"""Typed configuration. Precedence everywhere: argument, then environment variable, then default.

| setting            | argument        | environment                                    | default              |
|--------------------|-----------------|------------------------------------------------|----------------------|
| data folder        | --home          | EXTRACTOR_HOME                                 | ~/.cache/extractor   |
| endpoint URL       | --base-url      | EXTRACTOR_BASE_URL, then OPENAI_BASE_URL       | none: local model    |
| model name         | --model         | EXTRACTOR_MODEL                                | the endpoint's first |
| API key            | --api-key       | EXTRACTOR_API_KEY, then OPENAI_API_KEY         | "not-needed"         |
| local model file   | --model-path    | EXTRACTOR_MODEL_PATH                           | registry default     |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["home_dir"]


def home_dir(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The folder for the response cache and model files (created on first use by callers)."""
    environ = os.environ if env is None else env
    if explicit is not None:
        return Path(explicit).expanduser()
    if environ.get("EXTRACTOR_HOME"):
        return Path(environ["EXTRACTOR_HOME"]).expanduser()
    return Path("~/.cache/extractor").expanduser()
