# detente: the README's two commands first. Each creates .venv and installs what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# A normal (non-editable) install, so a data file missing from package-data fails here, not on a user's machine.
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-scale bench-derived lint typecheck install clean docs

demo: $(STAMP)
	$(BIN)/detente demo --db demo.duckdb

test: $(STAMP)
	DETENTE_LOAD_PLUGINS=0 $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Peak memory of streaming ingest at 1k/10k/100k generated articles (long: minutes to an hour).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

# Peak memory of recomputing clusters and agreements for one hub dyad of 10k/100k/1M events (minutes).
bench-derived: $(STAMP)
	$(BIN)/python benchmarks/derived_memory.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python tools/build_cli_docs.py

install: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(VENV)/bin/python pyproject.toml $(shell find src -type f -not -name '*.pyc' -not -path '*/__pycache__/*')
	$(BIN)/python -m pip install --quiet ".[test,ray,dev]"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist src/*.egg-info demo.duckdb
