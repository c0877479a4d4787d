"""The environment variables that configure the extractor; tests clear them so that the
machine's settings never leak into a test."""

EXTRACTOR_ENVIRONMENT = (
    "EXTRACTOR_BASE_URL",
    "EXTRACTOR_MODEL",
    "EXTRACTOR_API_KEY",
    "EXTRACTOR_HOME",
    "EXTRACTOR_MODEL_PATH",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
)
