#!/bin/bash
# The embedded engine in-process against the same engine over HTTP (`python -m extractor.llm.serve`):
# one slot, concurrency 1, response cache off, on the two smallest seeds. Three runs, one after
# another on an otherwise idle machine:
#   in-process          the default backend
#   http, no probe      --backend endpoint with --model and --mode given: the same requests in the same order
#   http, mode probe    --backend endpoint with the mode left on auto: one tiny probe request first
# Prints each run's summary line and wall time, then whether its records equal the in-process run's.
# Usage: bash benchmarks/paths.sh [work dir]   (needs `make models`; takes about 12 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-.build/paths}
mkdir -p "$work"
docs="seeds/003_ba2da06112540458.txt seeds/004_02c26d9660775e8a.txt"
port=8099
bin=.venv/bin

timed() {  # name, extract arguments...
  local name=$1; shift
  local start; start=$(date +%s)
  "$bin/extract" $docs -o "$work/$name.jsonl" --no-cache --quiet --concurrency 1 "$@" 2>&1 | tail -1
  echo "$name: $(( $(date +%s) - start )) s wall"
}

serve() {
  "$bin/python" -m extractor.llm.serve --port "$port" --parallel 1 --alias local >"$work/serve.log" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done
}

stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

timed in-process
serve; timed http-no-probe --backend endpoint --base-url "http://127.0.0.1:$port/v1" --model local --mode json_schema; stop
serve; timed http-mode-probe --backend endpoint --base-url "http://127.0.0.1:$port/v1" --model local; stop

"$bin/python" - "$work" <<'PY'
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
def records(name):
    lines = (json.loads(l) for l in (work / f"{name}.jsonl").read_text().splitlines())
    return [{k: v for k, v in line.items() if k != "meta"} for line in lines]
base = records("in-process")
for name in ("http-no-probe", "http-mode-probe"):
    print(f"{name}: records equal to in-process: {records(name) == base}")
PY
