"""``extract serve``: an HTTP API over the library (FastAPI on uvicorn), with durable jobs.

Needs the ``service`` extra (``pip install 'extractor[service]'``) for the app; the settings
(``Limits``, ``ServiceSettings``) import without it, so that the command line can show their
defaults.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from extractor.service.settings import Limits, ServiceSettings

if TYPE_CHECKING:
    from extractor.service.app import create_app, serve

__all__ = ["Limits", "ServiceSettings", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    """``create_app`` and ``serve`` are imported on first use: they need FastAPI."""
    if name in {"create_app", "serve"}:
        app = importlib.import_module("extractor.service.app")
        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
