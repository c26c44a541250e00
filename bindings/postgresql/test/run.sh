#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bindings/postgresql/test/run.sh PREFIX BUILD_DIR
#
# Builds the loyalty extension against the libloyalty installed in PREFIX
# (its pkg-config file), installs it into PostgreSQL's directories, creates
# a throwaway cluster (initdb/pg_ctl as the postgres user when run as root:
# PostgreSQL refuses to run as root), listening on a Unix socket only, runs
# the pg_regress suite twice (normal plans, then every query forced into a
# parallel worker), prints "N passed, M failed", and ALWAYS stops the
# cluster and removes it, also on failure or interrupt.
#
# Environment: PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config),
# LOYALTY_SHARED_DATA (../shared/data: the CDNOW reference test is skipped
# when absent), LOY_PG_CFLAGS (e.g. -Werror).
set -euo pipefail

prefix=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

tmp=$(mktemp -d /tmp/loyalty-pg.XXXXXX)
cleanup() {
  if [ -f "$tmp/data/postmaster.pid" ]; then
    as_pg "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop > /dev/null 2>&1 ||
      as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp"

# libloyalty.a when the prefix has it: the server process (the postgres
# user) then needs no access to the prefix.
static=
[ -f "$prefix/lib/libloyalty.a" ] && static=1
mk() {
  make -s -C "$build" -f "$src/Makefile" VPATH="$src" PG_CONFIG="$PG_CONFIG" \
       LOY_PG_CFLAGS="${LOY_PG_CFLAGS:-}" LOY_STATIC="$static" "$@"
}
mkdir -p "$build/src"
mk clean > /dev/null   # the link mode may have changed since the last build
mk
mk install > /dev/null

# Linked dynamically, the server reads libloyalty through the module's run
# path: it must be readable by the postgres user.
[ -n "$static" ] || as_pg test -r "$prefix/lib/libloyalty.so" ||
  { echo "the postgres user cannot read $prefix/lib/libloyalty.so"; exit 1; }

as_pg "$bindir/initdb" -D "$tmp/data" -A trust -U postgres --no-sync \
      -E UTF8 --locale=C > "$tmp/initdb.log"
as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
      -o "-k $tmp -c listen_addresses='' -c port=54329 -c fsync=off \
          -c max_worker_processes=8 -c max_parallel_workers=8" start > /dev/null

export PGHOST=$tmp PGPORT=54329 PGUSER=postgres
data=${LOYALTY_SHARED_DATA:-$src/../../../shared/data}
if [ -r "$data/cdnow/CDNOW_sample.txt" ]; then
  export LOYALTY_CDNOW="$(cd "$data/cdnow" && pwd)/CDNOW_sample.txt"
else
  export LOYALTY_CDNOW=""
  echo "CDNOW data absent: the cdnow test checks the skip output"
fi

passed=0 failed=0 status=0
run_suite() { # label [make variables]; PGOPTIONS set by the caller
  local out label=$1
  shift
  rm -f "$build/regression.diffs"
  out=$(mk installcheck "$@" 2>&1) || status=1
  echo "$out" | grep -E '\.\.\. |^(ok|not ok) ' || echo "$out"
  passed=$((passed + $(echo "$out" | grep -cE '\.\.\. ok|^ok ' || true)))
  failed=$((failed + $(echo "$out" | grep -cE '\.\.\. FAILED|^not ok ' || true)))
  if [ -f "$build/regression.diffs" ]; then
    cp "$build/regression.diffs" "$build/regression.diffs.$label"
    head -200 "$build/regression.diffs"
  fi
}
# The README's "In SQL" section, as written: its sql blocks after the
# fixture tables of test/readme_setup.sql.
readme=$build/readme
mkdir -p "$readme/sql" "$readme/expected"
{
  cat "$src/test/readme_setup.sql"
  awk '/^## In SQL/ { on = 1; next } /^## / { on = 0 }
       on && /^```sql/ { code = 1; next } code && /^```/ { code = 0; next }
       on && code' "$src/../../README.md"
} > "$readme/sql/readme.sql"
cp "$src/test/expected/readme.out" "$readme/expected/readme.out" 2> /dev/null || true

# JIT compilation (with the module's bitcode inlined) costs seconds per
# query on these small tables and changes no result: off.
echo "== pg_regress (normal plans)"
PGOPTIONS="-c jit=off" run_suite normal
PGOPTIONS="-c jit=off" run_suite readme REGRESS=readme \
  REGRESS_OPTS="--inputdir=$readme --load-extension=loyalty"
echo "== pg_regress (every query in a parallel worker: force_parallel_mode = regress)"
PGOPTIONS="-c jit=off -c force_parallel_mode=regress" run_suite forced
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
