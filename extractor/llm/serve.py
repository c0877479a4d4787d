"""``python -m extractor.llm.serve``: the embedded engine as an OpenAI-compatible HTTP server.

llama.cpp's own server (``/v1/chat/completions``, ``/v1/models``, ``/health``, ``/metrics``)
with parallel slots and continuous batching, from the same prebuilt wheel and the same model
file as the in-process backend: for other tools (the benchmark's competitors, an editor) and
for the endpoint path. It binds 127.0.0.1 unless told otherwise and serves until SIGTERM or
Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from extractor.config import ExtractorConfig, auto_slots
from extractor.errors import ExtractorError
from extractor.llm.engine import Engine, EngineSettings
from extractor.provisioning.lookup import resolve_model_path
from extractor.provisioning.registry import default_registry

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    default_ctx = ExtractorConfig().context_per_slot
    parser = argparse.ArgumentParser(prog="python -m extractor.llm.serve", description=__doc__)
    parser.add_argument("model", nargs="?", type=Path, help="GGUF file (default: the pulled one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--parallel", type=int, default=0, help="slots (0: what fits)")
    parser.add_argument("--ctx-per-slot", type=int, default=default_ctx)
    parser.add_argument("--threads", type=int, default=0, help="0: every usable core")
    parser.add_argument("--alias", default=default_registry().default.name, help="model name")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        path = resolve_model_path(args.model)
        settings = EngineSettings(
            model_path=path,
            slots=args.parallel or auto_slots(args.ctx_per_slot),
            ctx_per_slot=args.ctx_per_slot,
            threads=args.threads,
        )
        engine = Engine(settings, listen=(args.host, args.port), alias=args.alias)
    except ExtractorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(
        f"serving {args.alias} ({path.name}, {settings.slots} slots) at {engine.address}/v1",
        flush=True,
    )
    stop.wait()
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
