#!/usr/bin/env bash
# Run the whole pytest suite. Starts a throwaway PostgreSQL when one can be had and
# TEST_DATABASE_URL is not already set; stops it afterwards, whatever happens.
set -euo pipefail
PYTHON=${PYTHON:-.venv/bin/python}
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if env_lines=$(bash scripts/pg-start.sh); then
    eval "$env_lines"
    trap 'bash scripts/pg-stop.sh "$PG_TEST_DIR"' EXIT
  else
    echo "run-tests: no PostgreSQL server could be started; PostgreSQL tests will be skipped" >&2
  fi
fi
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-}
"$PYTHON" -m pytest "$@"
