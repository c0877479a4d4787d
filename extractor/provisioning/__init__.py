"""Local model files: the registry of known models (``registry``), finding the GGUF file a
local run uses (``lookup``, what ``extractor.llm`` needs), and fetching and verifying a model
(``fetch``, what ``extract models pull`` needs)."""

from extractor.provisioning.fetch import (
    ProgressCallback,
    ProgressEvent,
    PullResult,
    Stage,
    pull_model,
    verify_model,
)
from extractor.provisioning.lookup import (
    GGUF_MAGIC,
    ModelState,
    check_gguf,
    model_file,
    model_state,
    models_dir,
    resolve_model_path,
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
