"""Local model files: the registry of known models, fetching and verifying them, and finding
the GGUF file a local run uses."""

from extractor.provisioning.pull import (
    GGUF_MAGIC,
    ModelState,
    ProgressCallback,
    ProgressEvent,
    PullResult,
    Stage,
    check_gguf,
    model_file,
    model_state,
    models_dir,
    pull_model,
    resolve_model_path,
    verify_model,
)
from extractor.provisioning.registry import (
    ModelEntry,
    PartSource,
    Registry,
    default_registry,
    load_registry,
)

__all__ = [
    "GGUF_MAGIC",
    "ModelEntry",
    "ModelState",
    "PartSource",
    "ProgressCallback",
    "ProgressEvent",
    "PullResult",
    "Registry",
    "Stage",
    "check_gguf",
    "default_registry",
    "load_registry",
    "model_file",
    "model_state",
    "models_dir",
    "pull_model",
    "resolve_model_path",
    "verify_model",
]
