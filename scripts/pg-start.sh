#!/usr/bin/env bash
# Start a private, throwaway PostgreSQL cluster for the test suite.
#
#   eval "$(bash scripts/pg-start.sh)"   # exports TEST_DATABASE_URL and PG_TEST_DIR
#   bash scripts/pg-stop.sh "$PG_TEST_DIR"
#
# The cluster lives in a fresh temp directory, listens only on 127.0.0.1 on a free
# port, trusts local connections and runs without durability (test data only);
# with PG_DURABLE=1 it keeps PostgreSQL's default fsync and synchronous_commit, so the
# reliability suite's figures are those of a real server.
# initdb will not run as root, so as root the cluster belongs to the `postgres` user.
# With PG_INSTALL=1 (and root) Debian's postgresql is installed when it is missing.
set -euo pipefail
say() { echo "pg-start: $*" >&2; }

bindir() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ]; then echo "$newest"; return; fi
  pg_config --bindir 2>/dev/null || true
}

BIN=$(bindir)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "${PG_INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
    say "installing Debian's postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN=$(bindir)
  else
    say "no initdb found (apt-get install postgresql, or set PG_BIN)"
    exit 1
  fi
fi

DIR=$(mktemp -d -t outreach-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { say "no 'postgres' system user to own the cluster"; exit 1; }
  chown postgres: "$DIR"
  AS=(runuser -u postgres --)
fi

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U outreach --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }

NO_DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && NO_DURABILITY=""

for try in 1 2 3 4 5; do
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$DIR' $NO_DURABILITY" >&2; then
    break
  fi
  say "could not start on port $PORT (try $try)"
  [ "$try" = 5 ] && { tail -n 20 "$DIR/server.log" >&2; exit 1; }
done

"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U outreach outreach_test
echo "export PG_TEST_DIR='$DIR'"
echo "export PG_BIN='$BIN'"
echo "export TEST_DATABASE_URL='postgresql+psycopg://outreach@127.0.0.1:$PORT/outreach_test'"
