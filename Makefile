# Two commands matter (see README): `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
BUILD := .build
CHROMIUM ?= /usr/bin/chromium
# Recordings of the default model on the seeds, served by --replay in the tests.
RECORDINGS := eval/recordings

.PHONY: demo test lint typecheck pytest gold-check eval-report baseline schemas record bench \
	bench-service install-local install-dev models browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.local-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[local]"
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[dev,local,bench,service,ray]"
	@touch $@

install-local: $(VENV)/.local-installed
install-dev: $(VENV)/.dev-installed

## The default model (a no-op when it is present and verified).
models: install-local
	$(BIN)/extract models pull

## The main job: the embedded default model on the seeds (minutes on 2 cores; shows progress).
demo: models
	$(BIN)/extract seeds/ -o out.jsonl

## Record the default model's answers on the seeds (run again whenever prompts change).
record: models
	rm -rf $(RECORDINGS).new
	$(BIN)/extract seeds/ -o eval/seeds.pred.jsonl --no-cache --record --recordings $(RECORDINGS).new
	rm -rf $(RECORDINGS) && mv $(RECORDINGS).new $(RECORDINGS)

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

typecheck: install-dev
	$(BIN)/mypy

gold-check: install-dev
	$(BIN)/extract-eval validate gold/seeds.jsonl --docs seeds

pytest: install-dev browser models
	$(BIN)/pytest

## The CI quality report: the seeds replayed from the recordings (no model), scored against
## the gold; fails when lenient field-level F1 drops more than 0.02 below eval/baseline.json.
EVAL_ARGS = --gold gold/seeds.jsonl --pred $(BUILD)/replay.jsonl --docs seeds \
	--md $(BUILD)/report.md --json $(BUILD)/report.json --errors $(BUILD)/errors.jsonl \
	--html $(BUILD)/review.html
eval-report: install-dev
	@mkdir -p $(BUILD)
	$(BIN)/extract seeds/ -o $(BUILD)/replay.jsonl --replay --no-cache --recordings $(RECORDINGS) --quiet
	$(BIN)/extract-eval validate $(BUILD)/replay.jsonl --docs seeds
	$(BIN)/extract-eval $(EVAL_ARGS) --baseline eval/baseline.json --max-drop 0.02

## Refresh the committed baseline (do it deliberately, in its own commit).
baseline: install-dev
	@mkdir -p $(BUILD)
	$(BIN)/extract seeds/ -o $(BUILD)/replay.jsonl --replay --no-cache --recordings $(RECORDINGS) --quiet
	$(BIN)/extract-eval $(EVAL_ARGS)
	cp $(BUILD)/report.json eval/baseline.json

test: lint typecheck gold-check pytest eval-report

schemas: install-dev
	$(BIN)/python -m extractor.records.schema_files schemas

clean:
	rm -rf $(VENV) $(BUILD) .mypy_cache .pytest_cache .ruff_cache out.jsonl out.errors.jsonl
