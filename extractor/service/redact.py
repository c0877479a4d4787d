"""Keeping bearer tokens and API keys out of everything the server writes.

``redact`` replaces secrets in a text (error bodies, stored failures). While a server runs,
``logged_secrets`` also redacts every log record of the process, its message and its
traceback, whoever logs it: a library that logs an upstream error which echoes the API key
(some endpoints do) must not put the key in the server's log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["logged_secrets", "redact"]

MASK = "***"
_active: list[tuple[str, ...]] = []
_formatter = logging.Formatter()
_base_factory = logging.getLogRecordFactory()


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    secrets = [s for group in _active for s in group]
    if not secrets:
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    record.msg, record.args = redact(message, secrets), None
    if record.exc_info:
        record.exc_text = redact(_formatter.formatException(record.exc_info), secrets)
    return record


@contextmanager
def logged_secrets(secrets: Iterable[str]) -> Iterator[None]:
    """Redact ``secrets`` from every log record made inside the block."""
    group = tuple(s for s in secrets if s)
    _active.append(group)
    logging.setLogRecordFactory(_redacting_factory)
    try:
        yield
    finally:
        _active.remove(group)
        if not _active:
            logging.setLogRecordFactory(_base_factory)
