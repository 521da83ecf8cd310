#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: initdb in a temp dir, listening only on 127.0.0.1, on a
# port the OS picks at run time, stopped and removed afterwards even when the command fails.
# The command sees WRSAUTH_TEST_DATABASE_URL (a superuser URL; tests create a database of their own in it).
# Without PostgreSQL's server binaries it still runs the command, with WRSAUTH_TEST_POSTGRES_MISSING set to
# the reason, so the PostgreSQL tests fail saying why instead of being skipped.
#   usage: scripts/with-postgres.sh COMMAND [ARG]...
set -uo pipefail

pg_bin=${WRSAUTH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
  export WRSAUTH_TEST_POSTGRES_MISSING="no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql: install the Debian package postgresql (see the README)"
  echo "with-postgres: $WRSAUTH_TEST_POSTGRES_MISSING" >&2
  "$@"
  exit $?
fi

# initdb refuses to run as root: there, the cluster belongs to the postgres user the package created, in
# /tmp (a root-only TMPDIR would be out of its reach).
if [ "$(id -u)" = 0 ]; then
  pgdir=$(mktemp -d /tmp/wrsauth-pg.XXXXXX)
  chown postgres "$pgdir"
  as_owner() { su postgres -s /bin/sh -c "$1"; }
else
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/wrsauth-pg.XXXXXX")
  as_owner() { sh -c "$1"; }
fi

stop_cluster() {
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    as_owner "'$pg_bin/pg_ctl' -D '$pgdir/data' -m immediate -w stop >/dev/null 2>&1"
  fi
  rm -rf "$pgdir"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
as_owner "umask 077 && printf '%s\n' '$password' > '$pgdir/pwfile'"
if ! as_owner "'$pg_bin/initdb' -D '$pgdir/data' -U wrsauth --pwfile='$pgdir/pwfile' --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >'$pgdir/initdb.log' 2>&1"; then
  echo "with-postgres: initdb failed:" >&2
  cat "$pgdir/initdb.log" >&2
  export WRSAUTH_TEST_POSTGRES_MISSING="initdb failed (see the output above)"
  "$@"
  exit $?
fi

free_port() {
  node -e "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# The port is free when picked; should something take it before the server binds, pick another.
started=
for _ in 1 2 3; do
  port=$(free_port)
  # fsync off: a throwaway cluster needs no durability, and the tests run several times faster.
  if as_owner "'$pg_bin/pg_ctl' -D '$pgdir/data' -l '$pgdir/log' -w -t 30 start -o \
      \"-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off\" >/dev/null"; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "with-postgres: the PostgreSQL server did not start:" >&2
  tail -n 20 "$pgdir/log" >&2
  export WRSAUTH_TEST_POSTGRES_MISSING="the throwaway PostgreSQL server did not start (see its log above)"
  "$@"
  exit $?
fi

export WRSAUTH_TEST_DATABASE_URL="postgres://wrsauth:$password@127.0.0.1:$port/postgres"
"$@"
