"""Grounded extraction of industrial projects, economic indicators and enterprise roles from
economic news, and an evaluation harness to measure it."""

from typing import TYPE_CHECKING, Any

from extractor.config import Backend, ExtractorConfig, ModeChoice
from extractor.errors import (
    BackendUnavailable,
    ConfigError,
    DocumentError,
    EndpointError,
    ExtractorError,
    GoldError,
    InputError,
    ModelError,
    ProvisioningError,
    ReplayMiss,
    ResponseInvalid,
)
from extractor.records import (
    FORMAT_VERSION,
    Change,
    DocumentRecord,
    EnterpriseRole,
    Evidence,
    Indicator,
    Money,
    Project,
    Quantity,
)

if TYPE_CHECKING:
    from extractor.api import (
        BatchObserver,
        BatchSummary,
        Extractor,
        aextract_files,
        aextract_text,
        extract_files,
        extract_text,
        unload_models,
    )

__version__ = "0.1.0"

# The API pulls in openai and instructor; load it on first use so that the records, the
# scorer and `extract-eval` start fast.
_LAZY = {
    "BatchObserver",
    "BatchSummary",
    "Extractor",
    "aextract_files",
    "aextract_text",
    "extract_files",
    "extract_text",
    "unload_models",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from extractor import api

        return getattr(api, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


__all__ = [
    "FORMAT_VERSION",
    "Backend",
    "BackendUnavailable",
    "BatchObserver",
    "BatchSummary",
    "Change",
    "ConfigError",
    "DocumentError",
    "DocumentRecord",
    "EndpointError",
    "EnterpriseRole",
    "Evidence",
    "Extractor",
    "ExtractorConfig",
    "ExtractorError",
    "GoldError",
    "Indicator",
    "InputError",
    "ModeChoice",
    "ModelError",
    "Money",
    "Project",
    "ProvisioningError",
    "Quantity",
    "ReplayMiss",
    "ResponseInvalid",
    "__version__",
    "aextract_files",
    "aextract_text",
    "extract_files",
    "extract_text",
    "unload_models",
]
