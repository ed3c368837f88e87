#!/bin/sh
# A throw-away PostgreSQL cluster for the tests: nothing installed as a
# service, nothing listening on TCP.
#   scripts/pg-test-cluster.sh start     initdb in a new temp directory, start the server on a
#                                        unix socket there, create the database "thidua";
#                                        prints the URI (postgresql:///thidua?host=DIR&user=ROLE)
#   scripts/pg-test-cluster.sh stop URI  stop that server and remove its directory
# The server runs as an unprivileged user: the caller, or "nobody" when the caller is root.
# No autovacuum: its ANALYZE is a transaction of its own, which moves the
# cluster's snapshot and so the reply cache's stamp (db_change_stamp) at a
# moment no test chooses; a test that asserts "nothing was committed, the
# stamp is the same" (test_db's test_change_stamp, a cached GET answered
# twice) then fails at random: once in 30 runs of test_db with
# autovacuum_naptime=1, and likely the pg-unit failure of CI on 2026-11-30.
# Less WAL: a run's clusters grew to 0.9 GB each, of WAL kept up to the
# default max_wal_size of 1 GB and of databases no test dropped (the tests
# now drop theirs), and a CI machine ran out of disk. 256 MB, not less: at
# 64 MB the checkpoints' writes made make test-pg-unit slower (53–62 s
# against 45–53 s in alternate runs on a quiet machine). THIDUA_PG_WAL
# sets it otherwise: make test-pg-unit, whose cluster holds one database
# and writes 350 MB of WAL in all, keeps PostgreSQL's 1GB (no checkpoint in
# its two minutes).
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "initdb not found: install postgresql (make deps-test)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  user=nobody
  as() { runuser -u nobody -- "$@"; }
else
  user=$(id -un)
  as() { "$@"; }
fi
case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/thidua-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$user" = nobody ] && chown nobody "$dir"
  as "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  if ! as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
       -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=50 -c autovacuum=off \
          -c max_wal_size=${THIDUA_PG_WAL:-256MB} -c min_wal_size=32MB" start >/dev/null; then
    cat "$dir/server.log" >&2
    rm -rf "$dir"
    exit 1
  fi
  as "$bin/createdb" -h "$dir" -U "$user" thidua
  echo "postgresql:///thidua?host=$dir&user=$user"
  ;;
stop)
  uri=${2:?usage: $0 stop URI}
  dir=$(printf '%s\n' "$uri" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
  case "$dir" in /tmp/thidua-pg.*) ;; *) echo "not a test cluster: $uri" >&2; exit 2 ;; esac
  [ -d "$dir/data" ] && as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start | stop URI" >&2; exit 2 ;;
esac
