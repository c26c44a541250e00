/* SPDX-License-Identifier: MIT */
/*
 * duckdb_bench.c - the DuckDB functions against DuckDB's own SQL, same
 * run (built and run by bench/bench_duckdb.sh): N answers (default 10M)
 * grouped into 1000 groups, nps_tally(score) against three count(*)
 * FILTER aggregates; with DuckDB's default threads and with one. Best of
 * RUNS, the two sides alternating.
 *
 *     duckdb_bench [N] [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "loyalty_duckdb.h"

static duckdb_connection con;

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double
run(const char *sql)
{
    duckdb_result r;
    double t0 = now_ms(), dt;
    if (duckdb_query(con, sql, &r) != DuckDBSuccess) {
        fprintf(stderr, "%s\n  %s\n", duckdb_result_error(&r), sql);
        exit(1);
    }
    dt = now_ms() - t0;
    duckdb_destroy_result(&r);
    return dt;
}

/* Best of `runs` for the tally, the FILTER baseline and the floor both
 * share (scan and grouping with one count(*)), alternating. */
static void
compare(const char *label, const char *a, const char *b, const char *floor_q,
        int runs)
{
    double ba = 1e300, bb = 1e300, bf = 1e300;
    int i;
    for (i = 0; i < runs; i++) {
        double ta = run(a), tb = run(b), tf = run(floor_q);
        if (ta < ba)
            ba = ta;
        if (tb < bb)
            bb = tb;
        if (tf < bf)
            bf = tf;
    }
    printf("%s: nps_tally %.1f ms, 3 x count(*) FILTER %.1f ms, ratio %.2fx "
           "(>1: nps_tally faster); count(*) alone %.1f ms (above it: tally "
           "%.1f, FILTER %.1f)\n", label, ba, bb, bb / ba, bf, ba - bf, bb - bf);
}

int
main(int argc, char **argv)
{
    duckdb_database db;
    char err[256], sql[512];
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    const char *tally = "SELECT g, nps_tally(score) FROM answers GROUP BY g";
    const char *floor_q = "SELECT g, count(*) FROM answers GROUP BY g";
    const char *filter =
        "SELECT g, count(*) FILTER (WHERE score <= 6), "
        "count(*) FILTER (WHERE score BETWEEN 7 AND 8), "
        "count(*) FILTER (WHERE score >= 9) FROM answers GROUP BY g";
    if (duckdb_open(NULL, &db) != DuckDBSuccess
        || duckdb_connect(db, &con) != DuckDBSuccess) {
        fprintf(stderr, "cannot open DuckDB\n");
        return 1;
    }
    if (loyalty_duckdb_register(con, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    snprintf(sql, sizeof sql,
             "CREATE TABLE answers AS SELECT CAST(i %% 1000 AS INTEGER) AS g, "
             "CAST((i * 7919) %% 11 AS INTEGER) AS score FROM range(%ld) t(i)", n);
    run(sql);
    printf("%ld answers in 1000 groups (DuckDB %s)\n", n, duckdb_library_version());
    run(tally);
    run(filter);
    compare("default threads", tally, filter, floor_q, runs);
    run("SET threads = 1");
    compare("1 thread", tally, filter, floor_q, runs);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return 0;
}
