#!/usr/bin/env bash
# Stop a cluster started by scripts/pg-start.sh and remove its directory.
set -euo pipefail
DIR=${1:-${PG_TEST_DIR:-}}
[ -n "$DIR" ] && [ -f "$DIR/data/PG_VERSION" ] || { echo "pg-stop: no cluster at '$DIR'" >&2; exit 0; }
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
AS=()
[ "$(id -u)" = 0 ] && AS=(runuser -u postgres --)
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
rm -rf "$DIR"
