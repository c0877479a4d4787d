"""Bearer-token authentication, compared in constant time.

A request is let through when its ``Authorization: Bearer TOKEN`` matches one of the
configured tokens (every token is compared, so the time taken does not tell which one nearly
matched). With no token configured every request is let through: the settings then only let
the server listen on a loopback address. Tokens are never logged or echoed.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from extractor.service.problems import Unauthorized

__all__ = ["TokenCheck"]


class TokenCheck:
    """Checks the ``Authorization`` header of a request."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self._tokens = [t.encode("utf-8") for t in tokens]

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def __call__(self, token: str | None) -> None:
        """Raise ``Unauthorized`` unless ``token`` (from ``Authorization: Bearer TOKEN``) is
        one of the configured tokens."""
        if not self._tokens:
            return
        if not token:
            raise Unauthorized(
                "send 'Authorization: Bearer TOKEN'", headers={"www-authenticate": "Bearer"}
            )
        candidate = token.encode("utf-8")
        matched = False
        for known in self._tokens:
            matched |= hmac.compare_digest(candidate, known)
        if not matched:
            raise Unauthorized(
                "the bearer token is not valid", headers={"www-authenticate": "Bearer"}
            )
