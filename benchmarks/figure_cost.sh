#!/bin/bash
# What a prompt part adds to a cold run of the one-call prompt, side by side in one run, embedded
# engine at default settings, response cache off. PART is the part (default: the figure pass,
# figures.v1; the project check is verify.v1):
#   1. `--prompt extract.v1`, every call live, its answers recorded into a fresh folder;
#   2. `--prompt extract.v1+PART`: the main calls replayed from run 1's answers (the same
#      requests), the part's own calls live and recorded.
# Cold wall time with the part ≈ 1 + 2 (2 loads the model again, so this overstates it a little);
# the ratio (1 + 2) / 1 is what the part costs. Prints each run's summary line and wall time.
# Usage: [PART=verify.v1] bash benchmarks/figure_cost.sh [documents...]
#        (default: seeds/; needs `make models`)
set -euo pipefail
cd "$(dirname "$0")/.."
part=${PART:-figures.v1}
work=${WORK:-.build/${part%%.*}-cost}
rm -rf "$work" && mkdir -p "$work/recordings"
docs=("${@:-seeds/}")
bin=.venv/bin

start=$(date +%s.%N)
"$bin/extract" "${docs[@]}" -o "$work/main.jsonl" --prompt extract.v1 --no-cache \
  --recordings "$work/recordings" --record --quiet 2>&1 | tail -1
main=$(echo "$(date +%s.%N) - $start" | bc)
echo "extract.v1, cold: ${main} s"

before=$(wc -l < "$work/recordings/responses.jsonl")
start=$(date +%s.%N)
"$bin/extract" "${docs[@]}" -o "$work/part.jsonl" --prompt "extract.v1+$part" --no-cache \
  --recordings "$work/recordings" --record --quiet 2>&1 | tail -1
added=$(echo "$(date +%s.%N) - $start" | bc)
tail -n +"$((before + 1))" "$work/recordings/responses.jsonl" > "$work/part-calls.jsonl"
echo "$part calls (main calls replayed): ${added} s, $(wc -l < "$work/part-calls.jsonl") recorded"
echo "ratio (extract.v1 + $part calls) / extract.v1: $(echo "scale=2; ($main + $added) / $main" | bc)"
