"""LangExtract on a folder of documents, written in the project's prediction format.

``python -m benchmarks.systems.langextract_run DOCS OUT --base-url URL --model NAME``

LangExtract talks to the server through its OpenAI provider (JSON mode with its schema
constraints); chunking, prompting, parsing and alignment are LangExtract's own, with its
default chunk size (1,000 characters) and one extraction pass.
"""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Any

import langextract as lx

from benchmarks.systems.common import arguments, run_folder
from benchmarks.systems.langextract_adapter import PROMPT, examples, to_records

MAX_OUTPUT_TOKENS = 1024


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], argv)
    config = lx.factory.ModelConfig(
        model_id=args.model,
        provider="OpenAILanguageModel",
        provider_kwargs={
            "base_url": args.base_url,
            "api_key": "local",
            "temperature": 0.0,
            "max_workers": args.workers,
            "max_output_tokens": MAX_OUTPUT_TOKENS,
        },
    )
    shots = examples()
    version = metadata.version("langextract")
    meta = {"mode": "langextract", "prompt_version": f"langextract {version}"}

    def extract(text: str, warnings: list[str]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        result = lx.extract(
            text_or_documents=text,
            prompt_description=PROMPT,
            examples=shots,
            config=config,
            fence_output=False,
            use_schema_constraints=True,
            max_workers=args.workers,
            show_progress=False,
        )
        return to_records(result, text, warnings), meta

    return run_folder(args, "langextract", extract)


if __name__ == "__main__":
    sys.exit(main())
