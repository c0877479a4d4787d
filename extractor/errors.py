"""The exception tree. Every error the library raises on purpose is an ``ExtractorError``.

    ExtractorError
    ├── ConfigError                 bad option, missing endpoint or model (CLI exit 2)
    │   └── BackendUnavailable      nothing to run the model on: no endpoint, no local model
    ├── InputError                  a path that does not exist, a folder with no documents
    ├── OutputError                 the output or errors file cannot be written (CLI exit 2)
    ├── DocumentError               one document cannot be read (binary, undecodable, too large)
    ├── ModelError                  the model call failed for one chunk
    │   ├── EndpointError           transport or HTTP failure after retries (names the provider)
    │   ├── ResponseInvalid         output still invalid after the allowed re-asks
    │   ├── ResponseTruncated       output cut at the token limit, even with a larger budget
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
    "OutputError",
    "ProvisioningError",
    "ReplayMiss",
    "ResponseInvalid",
    "ResponseTruncated",
]


class ExtractorError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(ExtractorError):
    """A setting is missing, malformed or contradicts another."""


class BackendUnavailable(ConfigError):
    """No model can be run: no endpoint is configured and no local model is installed."""


class InputError(ExtractorError):
    """The input paths cannot be turned into documents."""


class OutputError(ExtractorError):
    """The output or the errors file cannot be written: a bad path, or a write that failed
    mid-run (a full disk). The lines written before the failure are kept."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


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


class ResponseTruncated(ModelError):
    """The model's answer stopped at the output token limit, at every budget tried."""

    def __init__(self, message: str, *, max_tokens: int) -> None:
        super().__init__(message)
        self.max_tokens = max_tokens


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
