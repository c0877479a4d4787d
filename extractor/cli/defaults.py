"""The defaults the commands' help shows, read from the settings classes.

A setting's default lives in its settings class only (``ExtractorConfig``, the scorer's
``BootstrapSettings``). An option left out reaches the library as ``None`` and the class
applies its default; the help text shows that default:
``help=with_default("What it does.", Class, "name")``.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from typing import Any

__all__ = ["default_of", "with_default"]


def default_of(settings: type[Any], name: str) -> str:
    """The default of the dataclass field ``settings.name``, as the help shows it."""
    if not is_dataclass(settings):
        raise TypeError(f"{settings.__name__} is not a settings dataclass")
    for field in fields(settings):
        if field.name != name:
            continue
        if field.default is not MISSING:
            return str(field.default)
        if field.default_factory is not MISSING:
            return str(field.default_factory())
        break
    raise KeyError(f"{settings.__name__} has no setting {name!r} with a default")


def with_default(text: str, settings: type[Any], name: str) -> str:
    """An option's help ``text`` followed by ``[default: ...]`` from ``settings.name``."""
    return f"{text} \\[default: {default_of(settings, name)}]"
