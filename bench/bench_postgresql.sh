#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/bench_postgresql.sh PREFIX BUILD_DIR [ANSWERS] [CUSTOMERS]
#
# The PostgreSQL extension against the SQL a user would otherwise write,
# measured in the same run on a throwaway cluster (created here, always
# stopped):
#  1. nps_tally(score) over ANSWERS rows (default 10M) against three
#     count(*) FILTER aggregates, serial and with 2 parallel workers;
#  2. bgnbd_fit(x, t_x, t) over CUSTOMERS rows (default 1M) against the C
#     fit of the same customers (exported, loy_bgnbd_fit on arrays) plus a
#     count(*) scan of the table;
#  3. the moment tally of an outcome and 8 drivers over ANSWERS rows
#     (moments(ARRAY[y, x1..x8]), double and integer sums) against the 9
#     avg + 9 var_pop + 36 covar_pop aggregates it replaces, serial and
#     with 2 workers.
# Execution times come from EXPLAIN (ANALYZE, TIMING OFF), JIT off; each
# figure is the best of 5 runs, the two sides alternating. PREFIX holds the
# installed libloyalty (libloyalty.a is linked in when present); BUILD_DIR
# the objects and, for the C side, BUILD_DIR/../bench/bench_sqlfit (built
# by `cmake --build build --target bench_sqlfit` when missing).
set -euo pipefail

prefix=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
answers=${3:-10000000}
customers=${4:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../bindings/postgresql
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
runs=${RUNS:-5}

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
tmp=$(mktemp -d /tmp/loyalty-bench.XXXXXX)
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

static=
[ -f "$prefix/lib/libloyalty.a" ] && static=1
mkdir -p "$build/src"
make -s -C "$build" -f "$src/Makefile" VPATH="$src" PG_CONFIG="$PG_CONFIG" \
     LOY_STATIC="$static" all install > /dev/null

as_pg "$bindir/initdb" -D "$tmp/data" -A trust -U postgres --no-sync -E UTF8 \
      --locale=C > /dev/null
as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
      -o "-k $tmp -c listen_addresses='' -c port=54331 -c fsync=off \
          -c shared_buffers=1GB -c max_worker_processes=8 \
          -c max_parallel_workers=8 -c work_mem=64MB" start > /dev/null

q() { "$bindir/psql" -X -q -At -h "$tmp" -p 54331 -U postgres -d postgres "$@"; }
# best execution time (ms) of a query under the given settings
exec_ms() { # settings query
  PGOPTIONS="-c jit=off $1" q -c "EXPLAIN (ANALYZE, TIMING OFF) $2" |
    sed -n 's/^Execution Time: \(.*\) ms$/\1/p'
}
best_pair() { # settings queryA queryB -> "bestA bestB"
  local a=1e30 b=1e30 t i
  for i in $(seq "$runs"); do
    t=$(exec_ms "$1" "$2"); a=$(awk -v x="$a" -v y="$t" 'BEGIN { print (y < x ? y : x) }')
    t=$(exec_ms "$1" "$3"); b=$(awk -v x="$b" -v y="$t" 'BEGIN { print (y < x ? y : x) }')
  done
  echo "$a $b"
}

q -c "CREATE EXTENSION loyalty"
echo "== nps_tally over $answers answers against three count(*) FILTER"
q -c "CREATE UNLOGGED TABLE answers AS
      SELECT (i % 1000)::int4 AS branch, ((i::int8 * 7919) % 11)::int4 AS score
      FROM generate_series(1, $answers) i"
q -c "VACUUM ANALYZE answers" -c "ALTER TABLE answers SET (parallel_workers = 2)"
tally="SELECT nps_tally(score) FROM answers"
filter="SELECT count(*) FILTER (WHERE score <= 6), count(*) FILTER (WHERE score BETWEEN 7 AND 8),
        count(*) FILTER (WHERE score >= 9) FROM answers"
q -c "$tally" -c "$filter" > /dev/null   # warm the cache
for w in 0 2; do
  read -r a b <<< "$(best_pair "-c max_parallel_workers_per_gather=$w" "$tally" "$filter")"
  awk -v w="$w" -v a="$a" -v b="$b" 'BEGIN {
    printf "workers %d: nps_tally %.0f ms, 3 x count(*) FILTER %.0f ms, ratio %.2fx (>1: nps_tally faster)\n",
           w, a, b, b / a }'
done

if [ -z "${SKIP_FIT:-}" ]; then
echo "== bgnbd_fit over $customers customers against the C fit + a count(*) scan"
# customers drawn as BG/NBD assumes (r = 1, alpha = 4 weeks, a = 1, b = 3),
# T over 13-39 weeks in days; uniforms from a hash, Poisson arrivals by a
# normal approximation
q -c "CREATE FUNCTION u(i int8, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS \$\$ SELECT (hashint8(i * 16 + k)::int8 + 2147483648.5) / 4294967296.0 \$\$"
q -c "CREATE UNLOGGED TABLE customers AS
      WITH c AS (
        SELECT i, round(91 + 182 * u(i, 1)) / 7 AS t,
               -ln(u(i, 2)) / 4 AS lam, 1 - u(i, 3) ^ (1.0 / 3) AS p,
               sqrt(-2 * ln(u(i, 4))) * cos(2 * pi() * u(i, 5)) AS z
        FROM generate_series(1, $customers) i),
      d AS (
        SELECT i, t, greatest(0, floor(lam * t + sqrt(lam * t) * z + 0.5)) AS m,
               1 + floor(ln(u(i, 6)) / ln(greatest(1 - p, 1e-9))) AS life
        FROM c),
      e AS (SELECT i, t, least(m, life) AS x, m FROM d)
      SELECT i AS id, x,
             CASE WHEN x = 0 THEN 0
                  ELSE least(t, round(7 * t * (CASE WHEN x = m THEN u(i, 7) ^ (1 / x)
                                                    ELSE x / (m + 1) END)) / 7) END AS t_x,
             t
      FROM e"
q -c "VACUUM ANALYZE customers" -c "ALTER TABLE customers SET (parallel_workers = 2)"
q -c "SELECT count(*), sum(x), count(*) FILTER (WHERE x = 0),
             (SELECT (pattern_info(pattern_table(x, t_x, t))).patterns FROM customers)
      FROM customers" | awk -F'|' '{ printf "customers %s, repeat purchases %s, x = 0: %s, distinct patterns %s\n", $1, $2, $3, $4 }'
q -c "SELECT (bgnbd_fit(x, t_x, t)).params FROM customers" | sed 's/^/SQL fit params: /'
q -c "COPY (SELECT x, t_x, t FROM customers) TO '$tmp/customers.csv' WITH (FORMAT csv)"
sqlfit=$build/../bench/bench_sqlfit
[ -x "$sqlfit" ] || { echo "build $sqlfit first (cmake --build build --target bench_sqlfit)"; exit 1; }
cfit=$("$sqlfit" "$tmp/customers.csv" "$runs")
echo "C fit: $cfit"
c_ms=$(echo "$cfit" | awk '{ print $2 }')
fit="SELECT bgnbd_fit(x, t_x, t) FROM customers"
scan="SELECT count(*) FROM customers"
for w in 0 2; do
  read -r a b <<< "$(best_pair "-c max_parallel_workers_per_gather=$w" "$fit" "$scan")"
  awk -v w="$w" -v a="$a" -v b="$b" -v c="$c_ms" 'BEGIN {
    printf "workers %d: bgnbd_fit %.0f ms; C fit %.0f ms + count(*) %.0f ms = %.0f ms; ratio %.2fx (target <= 2)\n",
           w, a, c, b, c + b, a / (c + b) }'
done
fi

echo "== moments over $answers answers (outcome + 8 drivers) against avg/var_pop/covar_pop"
q -c "DROP TABLE answers"
q -c "CREATE UNLOGGED TABLE ratings AS
      SELECT least(10, floor((x1 + x2 + x3 + x4) / 4) + (i % 3) - 1)::float8 AS y, x1, x2, x3, x4,
             x5, x6, x7, x8
      FROM (SELECT i, ((i * 7919) % 11)::float8 x1, ((i * 104729 + 3) % 11)::float8 x2,
                   ((i * 1299709 + 5) % 11)::float8 x3, ((i * 15485863 + 7) % 11)::float8 x4,
                   ((i * 32452843 + 1) % 11)::float8 x5, ((i * 49979687 + 2) % 11)::float8 x6,
                   ((i * 67867967 + 4) % 11)::float8 x7, ((i * 86028121 + 6) % 11)::float8 x8
            FROM generate_series(1, $answers::int8) i) s"
q -c "VACUUM ANALYZE ratings" -c "ALTER TABLE ratings SET (parallel_workers = 2)"
cols=(y x1 x2 x3 x4 x5 x6 x7 x8)
aggs=""
for c in "${cols[@]}"; do aggs="$aggs, avg($c), var_pop($c)"; done
for ((i = 0; i < 9; i++)); do
  for ((j = i + 1; j < 9; j++)); do aggs="$aggs, covar_pop(${cols[i]}, ${cols[j]})"; done
done
builtin="SELECT ${aggs#, } FROM ratings"
mom="SELECT moments(ARRAY[y, x1, x2, x3, x4, x5, x6, x7, x8]) FROM ratings"
momi="SELECT moments(ARRAY[y, x1, x2, x3, x4, x5, x6, x7, x8], 1, 'integer') FROM ratings"
echo "(the built-in query has $(echo "$aggs" | grep -o '(' | wc -l) aggregates)"
# what both sides pay whatever they compute: the scan and the deforming of
# the nine columns
floor="SELECT count(y), count(x8) FROM ratings"
q -c "$mom" -c "$builtin" > /dev/null   # warm the cache
for w in 0 2; do
  read -r a b <<< "$(best_pair "-c max_parallel_workers_per_gather=$w" "$mom" "$builtin")"
  read -r c d <<< "$(best_pair "-c max_parallel_workers_per_gather=$w" "$momi" "$builtin")"
  read -r f e <<< "$(best_pair "-c max_parallel_workers_per_gather=$w" "$floor" "$floor")"
  awk -v w="$w" -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v f="$f" -v e="$e" 'BEGIN {
    bb = (b < d ? b : d); ff = (f < e ? f : e)
    printf "workers %d: moments %.0f ms, moments integer %.0f ms, avg/var_pop/covar_pop %.0f ms; ratios %.2fx and %.2fx (target >= 5)\n",
           w, a, c, bb, bb / a, bb / c
    printf "  scan floor (count of two columns) %.0f ms; above it: %.2fx and %.2fx\n",
           ff, (bb - ff) / (a - ff), (bb - ff) / (c - ff) }'
done
