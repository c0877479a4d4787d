# Two commands matter (see README): `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
BUILD := .build
CHROMIUM ?= /usr/bin/chromium
# Recordings of the default model on the seeds, served by --replay in the tests.
RECORDINGS := eval/recordings

.PHONY: spread demo test lint typecheck pytest gold-check eval-report baseline schemas record bench \
	bench-service tune install-local install-dev models browser clean

# pip prints what it fetches and installs (no --quiet): nothing here runs silently for long.
# Every dependency is a prebuilt wheel, the embedded llama.cpp (xllamacpp) included.
$(BIN)/python:
	@echo "== creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --progress-bar off --upgrade pip

$(VENV)/.local-installed: pyproject.toml | $(BIN)/python
	@echo "== installing extractor with the embedded model's engine (prebuilt wheels)"
	$(PIP) install --progress-bar off --only-binary xllamacpp -e ".[local]"
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	@echo "== installing extractor with the test, benchmark, service, Ray and engine extras"
	$(PIP) install --progress-bar off --only-binary xllamacpp -e ".[dev,local,bench,service,ray]"
	@touch $@

install-local: $(VENV)/.local-installed
install-dev: $(VENV)/.dev-installed

## The default model (a no-op when it is present and verified).
models: install-local
	$(BIN)/extract models pull

## The main job: the embedded default model on the seeds (minutes on 2 cores; shows progress).
demo: models
	$(BIN)/extract seeds/ -o out.jsonl

## Record the default model's answers on the seeds and both dev-set halves, in one run so
## that the embedded model's slots batch them (run again whenever prompts or requests change).
record: models
	rm -rf $(RECORDINGS).new
	$(BIN)/extract seeds/ $(TUNE_DOCS) $(CHECK_DOCS) -o $(BUILD)/recorded.jsonl --no-cache --record \
	  --recordings $(RECORDINGS).new
	rm -rf $(RECORDINGS) && mv $(RECORDINGS).new $(RECORDINGS)
	$(BIN)/extract seeds/ -o eval/seeds.pred.jsonl --replay --no-cache --recordings $(RECORDINGS) --quiet

## A candidate setting on the tune half, scored against the default's committed report with the
## paired bootstrap: `make tune TUNE_ARGS="--prompt extract.v2"` (cached, so reruns are cheap).
tune: install-dev models
	@mkdir -p $(BUILD)/tune-candidate
	$(BIN)/extract $(TUNE_DOCS) -o $(BUILD)/tune-candidate/pred.jsonl --recordings $(RECORDINGS) \
	  $(TUNE_ARGS)
	$(BIN)/extract-eval --gold gold/tune.jsonl --pred $(BUILD)/tune-candidate/pred.jsonl \
	  --docs $(TUNE_DOCS) --md $(BUILD)/tune-candidate/report.md \
	  --json $(BUILD)/tune-candidate/report.json --errors $(BUILD)/tune-candidate/errors.jsonl \
	  --html $(BUILD)/tune-candidate/review.html --baseline eval/baseline.tune.json

## The spread of live runs: SPREAD_RUNS live runs of a setting (the default, or TUNE_ARGS) on
## the tune half, response cache off, each recorded and scored against the default's committed
## report, side by side. For the default, the change is what request history alone does (the
## recordings were made in one run over all three sets): a live candidate's change inside it is
## noise (eval/EXPERIMENTS.md, rows RR and SP). Runs in fresh processes with the same history
## answer alike. About 20 minutes a run here.
SPREAD_RUNS ?= 2
spread: install-dev models
	@rm -rf $(BUILD)/spread
	@for k in $$(seq 1 $(SPREAD_RUNS)); do \
	  d=$(BUILD)/spread/run-$$k; mkdir -p $$d; \
	  $(BIN)/extract $(TUNE_DOCS) -o $$d/pred.jsonl --no-cache --record --recordings $$d/recordings \
	    --quiet $(TUNE_ARGS) || exit $$?; \
	  $(BIN)/extract-eval --gold gold/tune.jsonl --pred $$d/pred.jsonl --docs $(TUNE_DOCS) \
	    --json $$d/report.json --baseline eval/baseline.tune.json > $$d/report.md || exit $$?; \
	done
	$(BIN)/extract-eval spread $(BUILD)/spread/run-*/report.json

## Benchmarks against naive instructor and LangExtract: writes BENCHMARKS.md (about 1 h here).
bench: install-dev models
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## Load on `extract serve`: 200 concurrent /v1/extract on an instant fake model, cache off
## and on (a minute or two); writes the Service section of BENCHMARKS.md.
bench-service: install-dev
	$(BIN)/python -m benchmarks.service_load --write BENCHMARKS.md $(BENCH_SERVICE_ARGS)

## The browser test of the review page needs Chromium; install it when we are allowed to.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "no chromium and no root: browser tests will be skipped"; fi; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy

gold-check: install-dev
	$(BIN)/extract-eval validate gold/seeds.jsonl --docs seeds
	$(BIN)/extract-eval validate gold/tune.jsonl --docs $(TUNE_DOCS)
	$(BIN)/extract-eval validate gold/check.jsonl --docs $(CHECK_DOCS)

pytest: install-dev browser models
	$(BIN)/pytest

## The CI quality report: each set replayed from the recordings (no model) and scored against
## its gold; fails when lenient field-level F1 of the seeds or of the check half drops more
## than 0.02 below its committed baseline (the tune half is reported, not gated).
TUNE_DOCS := eval/corpus/tune
CHECK_DOCS := eval/corpus/check
docs_seeds := seeds
docs_tune := $(TUNE_DOCS)
docs_check := $(CHECK_DOCS)
baseline_seeds := eval/baseline.json
baseline_tune := eval/baseline.tune.json
baseline_check := eval/baseline.check.json
gate_seeds := --max-drop 0.02
gate_check := --max-drop 0.02
replay-%: install-dev
	@mkdir -p $(BUILD)/$*
	$(BIN)/extract $(docs_$*) -o $(BUILD)/$*/replay.jsonl --replay --no-cache \
	  --recordings $(RECORDINGS) --quiet
	$(BIN)/extract-eval validate $(BUILD)/$*/replay.jsonl --docs $(docs_$*)
score-args = --gold gold/$(1).jsonl --pred $(BUILD)/$(1)/replay.jsonl --docs $(docs_$(1)) \
	--md $(BUILD)/$(1)/report.md --json $(BUILD)/$(1)/report.json \
	--errors $(BUILD)/$(1)/errors.jsonl --html $(BUILD)/$(1)/review.html
eval-%: replay-%
	$(BIN)/extract-eval $(call score-args,$*) --baseline $(baseline_$*) $(gate_$*)
eval-report: eval-seeds eval-check eval-tune

## Refresh the committed baselines (do it deliberately, in its own commit).
baseline-%: replay-%
	$(BIN)/extract-eval $(call score-args,$*)
	cp $(BUILD)/$*/report.json $(baseline_$*)
baseline: baseline-seeds baseline-tune baseline-check

test: lint typecheck gold-check pytest eval-report

schemas: install-dev
	$(BIN)/python -m extractor.records.schema_files schemas

clean:
	rm -rf $(VENV) $(BUILD) .mypy_cache .pytest_cache .ruff_cache out.jsonl out.errors.jsonl
