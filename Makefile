# The two commands of the README: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What `make run` announces; Streamlit itself reads the same environment variables.
RUN_HOST := $(or $(STREAMLIT_SERVER_ADDRESS),localhost)
RUN_PORT := $(or $(STREAMLIT_SERVER_PORT),8501)
RUN_DB := $(if $(DATABASE_URL),the database at DATABASE_URL,data/outreach.db)

.PHONY: run test check pytest bench demo clean

run: $(VENV)/.runtime
	@echo "migrating and seeding $(RUN_DB)…"
	@$(BIN)/python cli.py seed
	@echo "Outreach Tracker: http://$(RUN_HOST):$(RUN_PORT)"
	@$(BIN)/python -m streamlit run dashboard.py

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
	@echo "creating $(VENV)…"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	@echo "installing requirements (first time: a few minutes)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	@echo "installing the development tools (first time: a minute or two)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
