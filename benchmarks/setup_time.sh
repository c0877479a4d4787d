#!/usr/bin/env bash
# What `make demo` costs before it extracts anything, on a fresh clone with nothing cached:
# venv + install (prebuilt wheels only; no C/C++ compiler allowed) + model pull and verify.
# Usage: bash benchmarks/setup_time.sh [WORKDIR]   (prints one line per step and the total)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
git clone -q "$repo" "$work/clone"
cd "$work/clone"
export PIP_NO_CACHE_DIR=1 EXTRACTOR_HOME="$work/home" CC=/bin/false CXX=/bin/false
start=$(date +%s.%N)
make --no-print-directory install-local >"$work/install.log" 2>&1
installed=$(date +%s.%N)
make --no-print-directory models >"$work/pull.log" 2>&1
pulled=$(date +%s.%N)
printf 'venv + install: %.0f s\nmodel pull + sha256: %.0f s\ntotal set-up: %.0f s\n' \
  "$(echo "$installed - $start" | bc)" "$(echo "$pulled - $installed" | bc)" \
  "$(echo "$pulled - $start" | bc)"
