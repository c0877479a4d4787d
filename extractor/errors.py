"""The exception tree. Every error the library raises on purpose is an ``ExtractorError``.

    ExtractorError
    ├── ConfigError                 bad option, missing endpoint or model (CLI exit 2)
    │   └── BackendUnavailable      nothing to run the model on: no endpoint, no local model
    ├── InputError                  a path that does not exist, a folder with no documents
    ├── DocumentError               one document cannot be read (binary, undecodable)
    ├── ModelError                  the model call failed for one chunk
    │   ├── EndpointError           transport or HTTP failure after retries (names the provider)
    │   ├── ResponseInvalid         output still invalid after the allowed re-asks
    │   └── ReplayMiss              --replay and the response is not recorded
    ├── ProvisioningError           a model file could not be fetched, assembled or verified
    └── GoldError                   a gold or prediction file breaks the record format

Errors that wrap another keep it as ``__cause__`` (always ``raise ... from e``).
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "DocumentError",
    "EndpointError",
    "ExtractorError",
    "GoldError",
    "InputError",
    "ModelError",
    "ProvisioningError",
    "ReplayMiss",
    "ResponseInvalid",
]


class ExtractorError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(ExtractorError):
    """A setting is missing, malformed or contradicts another."""


class BackendUnavailable(ConfigError):
    """No model can be run: no endpoint is configured and no local model is installed."""


class InputError(ExtractorError):
    """The input paths cannot be turned into documents."""


class DocumentError(ExtractorError):
    """One document cannot be read; the batch goes on without it."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason


class ModelError(ExtractorError):
    """A model call failed for one chunk of one document."""


class EndpointError(ModelError):
    """The endpoint kept failing (transport error, timeout, 429, 5xx) after the retries."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class ResponseInvalid(ModelError):
    """The model's output did not validate after the allowed re-asks."""

    def __init__(self, message: str, *, attempts: int, last_completion: str | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_completion = last_completion


class ReplayMiss(ModelError):
    """Replay mode found no recorded response for a request."""

    def __init__(self, doc_id: str, chunk: int, key: str) -> None:
        super().__init__(
            f"no recorded response for document {doc_id!r}, chunk {chunk} (request {key[:16]})"
        )
        self.doc_id = doc_id
        self.chunk = chunk
        self.key = key


class ProvisioningError(ExtractorError):
    """A model file could not be downloaded, assembled or verified."""


class GoldError(ExtractorError):
    """A gold or prediction file does not follow the record format."""
