#!/usr/bin/env bash
# Start a private PostgreSQL server for the test suite (Debian's packages; installed when missing).
# Prints the DATABASE_URL to use. Idempotent: a running server is reused.
#   scripts/postgres.sh start | stop | url
set -euo pipefail
PORT=${PG_TEST_PORT:-54329}
DATA=${PG_TEST_DIR:-/tmp/cers-pg-$PORT}
URL="postgresql://cers:cers@127.0.0.1:$PORT/cers_test"
cmd=${1:-start}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && echo "$d"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  url) echo "$URL"; exit 0 ;;
  stop)
    BIN=$(pg_bin) || exit 0
    [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null || true
    exit 0 ;;
esac

BIN=$(pg_bin || true)
if [ -z "$BIN" ]; then
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  BIN=$(pg_bin)
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -w -l "$DATA/server.log" \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
"${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='cers'" | grep -q 1 || "${PSQL[@]}" -c "CREATE ROLE cers LOGIN PASSWORD 'cers' CREATEDB"
"${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='cers_test'" | grep -q 1 || "${PSQL[@]}" -c "CREATE DATABASE cers_test OWNER cers"
echo "$URL"
