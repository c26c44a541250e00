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
#     with 2 workers;
#  4. nps_funnel and nps_chart over UNITS x 52 weekly tallies (default
#     10,000 units) against the same computation in plain SQL (GROUP BY and
#     window functions for the funnel, a recursive CTE for the EWMA and
#     CUSUM recursions), with the largest difference between the two.
#     CONSISTENCY_ONLY=1 runs this part alone.
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

consistency_bench() {
units=${UNITS:-10000}
echo "== nps_funnel and nps_chart over $units units x 52 weeks against plain SQL"
# weekly tallies as a CRM stores them: counts (for the plain SQL) and the
# same counts as an nps_tally; 10-60 answers a week, unit-level shares
q -c "CREATE UNLOGGED TABLE weekly AS
      WITH w AS (
        SELECT u, k, 10 + (hashint8(u * 64 + k)::int8 & 2147483647) % 51 AS n,
               0.15 + ((u * 7919) % 20) / 100.0 AS pd, 0.3 + ((u * 104729) % 25) / 100.0 AS pp,
               ((hashint8(u * 64 + k + 1000000)::int8 & 2147483647) % 1000) / 1000.0 AS r
        FROM generate_series(1, $units) u, generate_series(1, 52) k)
      SELECT 'unit ' || u AS unit, DATE '2024-01-01' + 7 * (k - 1) AS week,
             greatest(0, floor(n * pd + (r - 0.5) * 4))::int8 AS d,
             n - greatest(0, floor(n * pd + (r - 0.5) * 4))::int8 - floor(n * pp)::int8 AS a,
             floor(n * pp)::int8 AS p,
             make_nps_tally(greatest(0, floor(n * pd + (r - 0.5) * 4))::int8,
                            n - greatest(0, floor(n * pd + (r - 0.5) * 4))::int8 - floor(n * pp)::int8,
                            floor(n * pp)::int8) AS tally
      FROM w"
q -c "VACUUM ANALYZE weekly"
q -c "SELECT count(*), count(DISTINCT unit), min(d + a + p), max(d + a + p) FROM weekly" |
  awk -F'|' '{ printf "weekly tallies %s (units %s), answers per week %s-%s\n", $1, $2, $3, $4 }'
arrays="(SELECT array_agg(unit) AS u, array_agg(week) AS w, array_agg(tally) AS t FROM weekly) a"
ext_funnel="SELECT f.* FROM (SELECT array_agg(unit) AS u, array_agg(t) AS t FROM
             (SELECT unit, nps_tally(tally) AS t FROM weekly GROUP BY unit) s) a, nps_funnel(a.u, a.t) f"
# the funnel an analyst writes: pooled target, z, limits at both levels,
# the DerSimonian-Laird tau^2 and the empirical-Bayes shrunk NPS
sql_funnel="WITH u AS (SELECT unit, sum(d) AS d, sum(p) AS p, sum(d + a + p) AS n FROM weekly GROUP BY unit),
      t AS (SELECT sum(p)::float8 / sum(n) AS p0, sum(d)::float8 / sum(n) AS d0 FROM u),
      z AS (SELECT u.unit, u.n, (u.p - u.d)::float8 / u.n AS nps, t.p0 - t.d0 AS target,
                   sqrt((t.p0 + t.d0 - (t.p0 - t.d0) ^ 2) / u.n) AS se,
                   ((u.p + u.d)::float8 / u.n - ((u.p - u.d)::float8 / u.n) ^ 2) / u.n AS v
            FROM u, t),
      q AS (SELECT sum(nps / v) / sum(1 / v) AS fixed, sum(1 / v) AS sw, sum(1 / v ^ 2) AS sw2,
                   count(*) AS k FROM z WHERE v > 0),
      h AS (SELECT greatest(0, (sum((z.nps - q.fixed) ^ 2 / z.v) - (q.k - 1)) / (q.sw - q.sw2 / q.sw)) AS tau2
            FROM z, q WHERE z.v > 0 GROUP BY q.sw, q.sw2, q.k),
      m AS (SELECT sum(z.nps / (z.v + h.tau2)) / sum(1 / (z.v + h.tau2)) AS mu FROM z, h)
      SELECT z.unit, z.n, z.nps, (z.nps - z.target) / z.se AS z,
             z.target - 1.959964 * z.se AS lower_inner, z.target + 1.959964 * z.se AS upper_inner,
             z.target - 3.090232 * z.se AS lower_outer, z.target + 3.090232 * z.se AS upper_outer,
             abs(z.nps - z.target) / z.se > 3.090232 AS outside_outer,
             m.mu + h.tau2 / (h.tau2 + z.v) * (z.nps - m.mu) AS shrunk
      FROM z, h, m"
ext_chart="SELECT c.* FROM $arrays, nps_chart(a.u, a.w, a.t) c"
# the charts an analyst writes: baseline = the whole series, Shewhart
# limits by window functions, EWMA (exact variance) and CUSUM by a
# recursive CTE over the week index
sql_chart="WITH RECURSIVE pts AS (
        SELECT unit, row_number() OVER (PARTITION BY unit ORDER BY week) AS k, week, d + a + p AS n,
               (p - d)::float8 / (d + a + p) AS x,
               sum(p - d) OVER (PARTITION BY unit)::float8 / sum(d + a + p) OVER (PARTITION BY unit) AS cl,
               sum(p + d) OVER (PARTITION BY unit)::float8 / sum(d + a + p) OVER (PARTITION BY unit) AS pd
        FROM weekly),
      s AS (SELECT unit, k, week, n, x, cl, sqrt(pd - cl ^ 2) AS sigma,
                   (x - cl) / (sqrt(pd - cl ^ 2) / sqrt(n)) AS u FROM pts),
      r AS (SELECT unit, k, week, n, x, cl, sigma, 0.2 * x + 0.8 * cl AS e, 0.04 / n AS av,
                   greatest(0, u - 0.5) AS cp, greatest(0, -u - 0.5) AS cm FROM s WHERE k = 1
            UNION ALL
            SELECT s.unit, s.k, s.week, s.n, s.x, s.cl, s.sigma, 0.2 * s.x + 0.8 * r.e,
                   0.64 * r.av + 0.04 / s.n, greatest(0, r.cp + s.u - 0.5), greatest(0, r.cm - s.u - 0.5)
            FROM r JOIN s ON s.unit = r.unit AND s.k = r.k + 1)
      SELECT unit, week, n, x AS nps, cl AS centre, cl - 3 * sigma / sqrt(n) AS shewhart_lower,
             cl + 3 * sigma / sqrt(n) AS shewhart_upper, e AS ewma,
             cl - 3 * sigma * sqrt(av) AS ewma_lower, cl + 3 * sigma * sqrt(av) AS ewma_upper,
             cp AS cusum_upper, cm AS cusum_lower,
             abs(x - cl) > 3 * sigma / sqrt(n) AS shewhart_signal,
             abs(e - cl) > 3 * sigma * sqrt(av) AS ewma_signal, greatest(cp, cm) > 5 AS cusum_signal
      FROM r"
q -c "SELECT max(abs(e.shrunk - s.shrunk)), max(abs(e.lower_outer - s.lower_outer)),
             count(*) FILTER (WHERE ('outside_outer' = ANY(e.flags)) <> s.outside_outer)
      FROM ($ext_funnel) e JOIN ($sql_funnel) s USING (unit)" |
  awk -F'|' '{ printf "funnel: extension vs SQL, max |shrunk diff| %s, max |limit diff| %s, flags differing %s\n", $1, $2, $3 }'
q -c "SELECT max(abs(e.ewma - s.ewma)), max(abs(e.cusum_upper - s.cusum_upper)),
             max(abs(e.cusum_lower - s.cusum_lower)),
             count(*) FILTER (WHERE (e.signals && '{cusum_high,cusum_low}') <> s.cusum_signal)
      FROM ($ext_chart) e JOIN ($sql_chart) s ON s.unit = e.unit AND s.week = e.period" |
  awk -F'|' '{ printf "charts: extension vs SQL, max |EWMA diff| %s, max |CUSUM diff| %s / %s, CUSUM signals differing %s\n", $1, $2, $3, $4 }'
q -c "$ext_chart" -c "$sql_chart" > /dev/null   # warm the cache
read -r a b <<< "$(best_pair "-c max_parallel_workers_per_gather=0" "$ext_funnel" "$sql_funnel")"
awk -v a="$a" -v b="$b" 'BEGIN {
  printf "funnel: nps_funnel %.0f ms (limits, tau, shrinkage, Bonferroni and FDR flags), plain SQL %.0f ms (limits, tau, shrinkage; no multiplicity flags); ratio %.2fx (>1: extension faster)\n",
         a, b, b / a }'
read -r a b <<< "$(best_pair "-c max_parallel_workers_per_gather=0" "$ext_chart" "$sql_chart")"
awk -v a="$a" -v b="$b" 'BEGIN {
  printf "charts: nps_chart %.0f ms (Shewhart, Laney, EWMA, CUSUM, runs rules), plain SQL %.0f ms (Shewhart, EWMA, CUSUM); ratio %.2fx (>1: extension faster)\n",
         a, b, b / a }'
q -c "DROP TABLE weekly"
}
consistency_bench
if [ -n "${CONSISTENCY_ONLY:-}" ]; then exit 0; fi
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
