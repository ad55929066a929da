#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests: initdb with trust auth into a temp folder, on a free local port.
# pg_start exports POWBUREAU_TEST_PG (a SQLAlchemy URL); pg_stop stops the server and removes the folder.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pg_start() {
  [ -x "$PGBIN/initdb" ] || { echo "pg: no PostgreSQL binaries in $PGBIN" >&2; return 1; }
  PGTMP=$(mktemp -d /tmp/powbureau-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PGTMP"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U powbureau >/dev/null || return 1
  "${run[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -w -l "$PGTMP/log" \
    -o "-p $port -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || return 1
  "${run[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U powbureau powbureau_test || return 1
  export POWBUREAU_TEST_PG="postgresql+psycopg://powbureau@127.0.0.1:$port/powbureau_test"
  PG_RUN=("${run[@]}")
  echo "test: PostgreSQL up on port $port"
}

pg_stop() {
  if [ -n "${PGTMP:-}" ] && [ -d "$PGTMP/data" ]; then
    "${PG_RUN[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
}
