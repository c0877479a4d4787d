# Two commands matter (see README): `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Extra tools the browser tests need; installed from Debian's packages when missing.
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint typecheck pytest gold-check schemas install-local install-dev browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.local-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[local]"
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[dev,local]"
	@touch $@

install-local: $(VENV)/.local-installed
install-dev: $(VENV)/.dev-installed

demo: install-local
	@echo "The extractor is not built yet (issue 3): 'extract seeds/ -o out.jsonl' cannot run." >&2
	@exit 2

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

pytest: install-dev browser
	$(BIN)/pytest

test: lint typecheck gold-check pytest

schemas: install-dev
	$(BIN)/python -m extractor.records.schema_files schemas

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache out.jsonl
