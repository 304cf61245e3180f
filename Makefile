# The two commands of the README: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What `make run` announces; Streamlit itself reads the same environment variables.
RUN_HOST := $(or $(STREAMLIT_SERVER_ADDRESS),localhost)
RUN_PORT := $(or $(STREAMLIT_SERVER_PORT),8501)
RUN_DB := $(if $(DATABASE_URL),the database at DATABASE_URL,data/outreach.db)
# `make test` measures branch coverage of the model layer and fails below the floor the
# suite reaches without PostgreSQL too (95.9% with it, 94.5% on SQLite alone), so a machine
# without the server still passes. `make pytest` runs subsets: no floor there.
MODELS_COVERAGE_FLOOR := 94
COVERAGE := --cov=models --cov-branch --cov-report=term-missing:skip-covered \
	--cov-fail-under=$(MODELS_COVERAGE_FLOOR)
# `make test` spreads the test files over one worker per core (pytest-xdist): most of a
# test's time is spent waiting on a server, a browser or a subprocess. A file stays on one
# worker, so a module's server is started once. TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test check pytest bench demo clean reliability

run: $(VENV)/.runtime
	@echo "migrating and seeding $(RUN_DB)…"
	@$(BIN)/python cli.py seed
	@echo "Outreach Tracker: http://$(RUN_HOST):$(RUN_PORT)"
	@$(BIN)/python -m streamlit run dashboard.py

test: $(VENV)/.dev check
	PYTHON=$(BIN)/python bash scripts/run-tests.sh $(PARALLEL) $(COVERAGE) $(PYTEST_ARGS)

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage

# The reliability suite at full size (about 6 minutes): 16 writers and 4 Insights readers
# for 60 s on SQLite and on a throwaway PostgreSQL, 100 SIGKILLed writers, a restore
# drill on both. RELIABILITY_ARGS="--only crash --kills 10" runs a part; see reliability/.
reliability: $(VENV)/.dev
	$(BIN)/python -m reliability $(RELIABILITY_ARGS)
