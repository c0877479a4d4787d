#!/bin/bash
# What the figure pass (`--prompt extract.v1+figures.v1`) adds to a cold run, side by side in one
# run, embedded engine at default settings, response cache off:
#   1. the default prompt, every call live;
#   2. the figure pass's own calls live, the main calls replayed from the recordings (they are
#      the default's calls: same prompt, same chunks), recording the new answers.
# Cold wall time with the figure pass ≈ 1 + 2 (2 loads the model again, so this overstates it a little);
# the ratio (1 + 2) / 1 is what the pass costs. Prints each run's summary line and wall time.
# Usage: bash benchmarks/figure_cost.sh [documents...]   (default: seeds/; needs `make models`)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-.build/figure-cost}
rm -rf "$work" && mkdir -p "$work"
cp -r eval/recordings "$work/recordings"
docs=("${@:-seeds/}")
bin=.venv/bin

start=$(date +%s.%N)
"$bin/extract" "${docs[@]}" -o "$work/default.jsonl" --no-cache --quiet 2>&1 | tail -1
default=$(echo "$(date +%s.%N) - $start" | bc)
echo "default, cold: ${default} s"

before=$(wc -l < "$work/recordings/responses.jsonl")
start=$(date +%s.%N)
"$bin/extract" "${docs[@]}" -o "$work/figures.jsonl" --prompt extract.v1+figures.v1 --no-cache \
  --recordings "$work/recordings" --record --quiet 2>&1 | tail -1
figures=$(echo "$(date +%s.%N) - $start" | bc)
tail -n +"$((before + 1))" "$work/recordings/responses.jsonl" > "$work/figure-calls.jsonl"
echo "figure calls (main calls replayed): ${figures} s, $(wc -l < "$work/figure-calls.jsonl") recorded"
echo "ratio (default + figure calls) / default: $(echo "scale=2; ($default + $figures) / $default" | bc)"
