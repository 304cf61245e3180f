# The two commands of the README: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test check lint types pytest bench seed demo clean

run: $(VENV)/.runtime
	$(BIN)/python cli.py seed
	$(BIN)/python -m streamlit run dashboard.py

test: $(VENV)/.dev check pytest

check: $(VENV)/.dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .

pytest: $(VENV)/.dev
	PYTHON=$(BIN)/python bash scripts/run-tests.sh $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

demo: $(VENV)/.runtime
	$(BIN)/python cli.py demo --attempts 20000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
