/* SPDX-License-Identifier: MIT */
/*
 * test_duckdb.c - the DuckDB functions against a live in-memory database:
 * published reference values, one thread = many threads byte for byte,
 * roll-ups of stored states, errors. Prints "N passed, M failed".
 *
 * DuckDB loads this binding through its C API from a host program (this
 * one): loyalty_duckdb_register() on a connection. Usage:
 *     test_duckdb [CDNOW_sample.txt]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty_duckdb.h"

static int passed, failed;
static duckdb_connection con;

/* The first row of a query as "a|b|c" (NULL as "NULL"); NULL on error
 * with the message in err. Caller frees. */
static char *
first_row(const char *sql, char *err, size_t err_len)
{
    duckdb_result res;
    char *out;
    size_t cap = 4096, len = 0;
    idx_t c, nc;
    if (duckdb_query(con, sql, &res) != DuckDBSuccess) {
        snprintf(err, err_len, "%s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return NULL;
    }
    out = malloc(cap);
    out[0] = '\0';
    nc = duckdb_column_count(&res);
    if (duckdb_row_count(&res) == 0) {
        snprintf(out, cap, "(no rows)");
        duckdb_destroy_result(&res);
        return out;
    }
    for (c = 0; c < nc; c++) {
        char *v = duckdb_value_is_null(&res, c, 0) ? NULL
                  : duckdb_value_varchar(&res, c, 0);
        len += (size_t) snprintf(out + len, cap - len, "%s%s", c ? "|" : "",
                                 v ? v : "NULL");
        if (v)
            duckdb_free(v);
    }
    duckdb_destroy_result(&res);
    return out;
}

static void
exec(const char *sql)
{
    duckdb_result res;
    if (duckdb_query(con, sql, &res) != DuckDBSuccess) {
        printf("setup failed: %s\n  %s\n", duckdb_result_error(&res), sql);
        failed++;
    }
    duckdb_destroy_result(&res);
}

static void
check(const char *name, const char *sql, const char *want)
{
    char err[1024];
    char *got = first_row(sql, err, sizeof err);
    if (got != NULL && strcmp(got, want) == 0) {
        passed++;
    } else {
        failed++;
        printf("FAILED %s\n  query: %s\n  want:  %s\n  got:   %s\n", name, sql,
               want, got ? got : err);
    }
    free(got);
}

/* The query fails and its message contains `part`. */
static void
check_error(const char *name, const char *sql, const char *part)
{
    char err[1024];
    char *got = first_row(sql, err, sizeof err);
    if (got == NULL && strstr(err, part) != NULL) {
        passed++;
    } else {
        failed++;
        printf("FAILED %s (expected an error with \"%s\")\n  query: %s\n  got: %s\n",
               name, part, sql, got ? got : err);
    }
    free(got);
}

static void
setup_data(void)
{
    exec("CREATE TABLE answers AS SELECT i AS id, 1 + (i * 37) % 7 AS branch, "
         "CAST(least(10, (i * 7919 + i // 7) % 11 + (1 + (i * 37) % 7) % 3) AS INTEGER)"
         " AS score FROM range(1, 20001) t(i)");
    exec("CREATE TABLE l2 (customer INTEGER, day DATE, amount DOUBLE)");
    exec("INSERT INTO l2 VALUES (1, '2015-01-01', 1), (1, '2015-02-06', 2), "
         "(2, '2015-01-01', 2), (3, '2015-01-01', 3), (3, '2015-01-02', 1), "
         "(3, '2015-01-05', 5), (4, '2015-01-16', 6), (4, '2015-02-02', 3), "
         "(4, '2015-02-05', 3), (5, '2015-01-16', 3), (5, '2015-01-17', 1), "
         "(5, '2015-01-18', 8), (6, '2015-02-02', 5)");
}

static void
test_nps(void)
{
    /* R NPS and whuber references */
    check("nps 1/3", "SELECT round(nps(s), 10) FROM unnest([0, 7, 7, 9, 9, 9]) t(s)",
          "0.3333333333");
    check("whuber wald",
          "SELECT round(e.lower, 6), round(e.upper, 6), round(e.se, 6), e.n FROM "
          "(SELECT nps_estimate(t) e FROM (SELECT nps_tally(s) t FROM "
          "(SELECT 0 s FROM range(54) UNION ALL SELECT 7 FROM range(108) "
          "UNION ALL SELECT 10 FROM range(162))))",
          "0.252174|0.414493|0.041409|324");
    check("whuber score",
          "SELECT round(e.lower, 6), round(e.upper, 6) FROM (SELECT "
          "nps_estimate(t, 'score', 0.95) e FROM (SELECT nps_tally(s) t FROM "
          "(SELECT 0 s FROM range(54) UNION ALL SELECT 7 FROM range(108) "
          "UNION ALL SELECT 10 FROM range(162))))",
          "0.24954|0.411611");
    check("whuber adjusted",
          "SELECT round(e.lower, 6), round(e.upper, 6) FROM (SELECT "
          "nps_estimate(t, 'adjusted', 0.95) e FROM (SELECT nps_tally(s) t FROM "
          "(SELECT 0 s FROM range(54) UNION ALL SELECT 7 FROM range(108) "
          "UNION ALL SELECT 10 FROM range(162))))",
          "0.249453|0.411098");
    check("counts by branch",
          "SELECT string_agg(c.detractors || '/' || c.passives || '/' || c.promoters, ' ' "
          "ORDER BY b) FROM (SELECT branch b, nps_counts(nps_tally(score)) c "
          "FROM answers GROUP BY branch)",
          "1558/519/780 1298/520/1039 1818/520/520 1558/519/780 1299/519/1039 "
          "1817/520/520 1558/520/779");
    check("nps_ci = nps_estimate",
          "SELECT nps_ci(score) = nps_estimate(nps_tally(score)) FROM answers", "true");
    check("nulls skipped, empty input",
          "SELECT nps_counts(nps_tally(CASE WHEN id % 10 = 0 THEN NULL ELSE score END)).n, "
          "(SELECT nps(score) FROM answers WHERE false) FROM answers",
          "18000|NULL");
    check("compare",
          "SELECT round(d.diff, 6), round(d.lower, 6) FROM (SELECT nps_compare("
          "(SELECT nps_tally(score) FROM answers WHERE branch = 2), "
          "(SELECT nps_tally(score) FROM answers WHERE branch = 3), 'wald', 0.95) d)",
          "0.363509|0.319793");
    /* the same bytes as the PostgreSQL extension: LOYS header, counts */
    check("bytes", "SELECT hex(nps_tally(s)) FROM unnest([0, 7]) t(s)",
          "4C4F59530100010020000000000000000100000000000000"
          "010000000000000000000000000000000000000000000000");
    /* roll-up of stored tallies = one pass; grouped = ungrouped sums */
    exec("CREATE TABLE daily AS SELECT id % 120 AS day, nps_tally(score) AS t "
         "FROM answers GROUP BY 1");
    check("roll-up bytes",
          "SELECT (SELECT nps_tally(t) FROM daily) = (SELECT nps_tally(score) FROM answers)",
          "true");
    check("weighted, integer weights = counts",
          "SELECT nps_wtally(score, 2.0) = nps_wtally(score, 2.0) FROM answers", "true");
}

static void
test_csat_ces(void)
{
    check("delighted csat",
          "SELECT c.top, c.n, round(c.csat, 6), round(c.lower, 6), round(c.upper, 6) "
          "FROM (SELECT csat(s) c FROM (SELECT 5 s FROM range(42) UNION ALL "
          "SELECT 4 FROM range(32) UNION ALL SELECT 3 FROM range(10) UNION ALL "
          "SELECT 2 FROM range(9) UNION ALL SELECT 1 FROM range(14)))",
          "74|107|0.691589|0.598715|0.771183");
    check("ces",
          "SELECT round(c.mean, 6), round(c.agree, 6), round(c.disagree, 6), c.n FROM "
          "(SELECT ces(CAST(1 + (i * 5 + i // 9) % 7 AS INTEGER)) c FROM range(1, 501) t(i))",
          "4.006|0.43|0.428|500");
    check("score tally and csat_estimate",
          "SELECT round(c.csat, 6) FROM (SELECT csat_estimate(score_tally(s, 1, 5), 5, 0.95) c "
          "FROM (SELECT 5 s FROM range(42) UNION ALL SELECT 4 FROM range(32) "
          "UNION ALL SELECT 1 FROM range(33)))",
          "0.392523");
}

static void
test_rfm(void)
{
    check("l2 daily",
          "SELECT string_agg(r.x || ',' || r.t_x || ',' || r.t || ',' || r.monetary, ' ' "
          "ORDER BY customer) FROM (SELECT customer, "
          "rfm_summary(day, amount, DATE '2015-02-07') r FROM l2 GROUP BY customer)",
          "1.0,36.0,37.0,2.0 0.0,0.0,37.0,0.0 2.0,4.0,37.0,3.0 2.0,20.0,22.0,3.0 "
          "2.0,2.0,22.0,4.5 0.0,0.0,5.0,0.0");
    check("l2 weekly",
          "SELECT string_agg(r.x || ',' || r.t_x || ',' || r.t, ' ' ORDER BY customer) "
          "FROM (SELECT customer, rfm_summary(day, amount, DATE '2015-02-07', 'week', 1) r "
          "FROM l2 GROUP BY customer)",
          "1.0,5.0,5.0 0.0,0.0,5.0 1.0,1.0,5.0 1.0,3.0,3.0 0.0,0.0,3.0 0.0,0.0,0.0");
}

static void
test_lifetime(const char *cdnow)
{
    char sql[1024];
    exec("CREATE TABLE fhl AS SELECT 'bgnbd' AS model, [0.243, 4.414, 0.793, 2.426] AS p");
    check("palive closed form",
          "SELECT abs(palive(model, p, 2, 30.43, 38.86) - 1 / (1 + 0.793 / (2.426 + 1) "
          "* pow((4.414 + 38.86) / (4.414 + 30.43), 2.243))) < 1e-12 FROM fhl",
          "true");
    check("expected purchases",
          "SELECT round(expected_purchases(model, p, 2, 30.43, 38.86, 39), 6) FROM fhl",
          "1.226028");
    check("pattern table roll-up",
          "SELECT (SELECT pattern_table(t) FROM (SELECT i % 4, pattern_table("
          "CAST(i % 5 AS DOUBLE), CAST(i % 5 AS DOUBLE), 10.0) t FROM range(1000) r(i) "
          "GROUP BY 1)) = (SELECT pattern_table(CAST(i % 5 AS DOUBLE), "
          "CAST(i % 5 AS DOUBLE), 10.0) FROM range(1000) r(i))",
          "true");
    if (cdnow == NULL) {
        printf("CDNOW data absent: the CDNOW checks are skipped\n");
        return;
    }
    /* whitespace-aligned columns: one VARCHAR per line, split in SQL */
    snprintf(sql, sizeof sql,
             "CREATE TABLE cdnow AS SELECT CAST(f[2] AS INTEGER) AS id, "
             "strptime(f[3], '%%Y%%m%%d')::DATE AS day, CAST(f[5] AS DOUBLE) AS amount "
             "FROM (SELECT regexp_split_to_array(trim(column0), '\\s+') f FROM "
             "read_csv('%s', delim = '\\t', header = false, columns = "
             "{'column0': 'VARCHAR'}))", cdnow);
    exec(sql);
    exec("CREATE TABLE cdnow_cal AS SELECT id, r.x, r.t_x, r.t, r.monetary FROM "
         "(SELECT id, rfm_summary(day, amount, DATE '1997-09-30', 'day', 7) r "
         "FROM cdnow WHERE day <= DATE '1997-09-30' GROUP BY id)");
    check("cdnow summary", "SELECT count(*), sum(x), count(*) FILTER (WHERE x = 0) "
          "FROM cdnow_cal", "2357|2457.0|1411");
    check("cdnow bgnbd",
          "SELECT CAST(list_transform(f.params, p -> round(p, 3)) AS VARCHAR), "
          "round(f.loglik, 1), f.converged FROM (SELECT bgnbd_fit(x, t_x, t) f FROM cdnow_cal)",
          "[0.243, 4.414, 0.793, 2.426]|-9582.4|true");
    check("cdnow pnbd",
          "SELECT CAST(list_transform(f.params, p -> round(p, 3)) AS VARCHAR), "
          "round(f.loglik, 1) "
          "FROM (SELECT pnbd_fit(x, t_x, t) f FROM cdnow_cal)",
          "[0.553, 10.578, 0.606, 11.669]|-9595.0");
    check("cdnow mbgnbd",
          "SELECT CAST(list_transform(f.params, p -> round(p, 3)) AS VARCHAR) "
          "FROM (SELECT mbgnbd_fit(x, t_x, t) f FROM cdnow_cal)",
          "[0.525, 6.183, 0.891, 1.614]");
    check("cdnow ggamma",
          "SELECT CAST(list_transform(f.params, p -> round(p, 2)) AS VARCHAR), f.customers "
          "FROM (SELECT ggamma_fit(x, t_x, t, monetary) f FROM cdnow_cal)",
          "[6.25, 3.74, 15.44]|946.0");
    check("cdnow fit from stored shards",
          "SELECT (SELECT fit_patterns(pattern_table(t), 'bgnbd') FROM (SELECT id % 4, "
          "pattern_table(x, t_x, t) t FROM cdnow_cal GROUP BY 1)) = "
          "(SELECT bgnbd_fit(x, t_x, t) FROM cdnow_cal)", "true");
}

static void
test_segment(void)
{
    check("abc 1..9",
          "SELECT a.threshold_ab, a.threshold_bc, a.count_a, a.count_b, a.count_c "
          "FROM (SELECT abc_thresholds(CAST(v AS DOUBLE)) a FROM range(1, 10) t(v))",
          "5.0|3.0|5|2|2");
    check("abc classes",
          "SELECT string_agg(abc_class(CAST(v AS DOUBLE), 5, 3), ' ' ORDER BY v) "
          "FROM range(1, 10) t(v)", "C C B B A A A A A");
    exec("CREATE TABLE crm (id INTEGER, value DOUBLE, score INTEGER)");
    exec("INSERT INTO crm VALUES (1, 10, 10), (2, 9, 0), (3, 8, 7), (4, 7, 9), "
         "(5, 6, NULL), (6, 5, 2), (7, 4, 10), (8, 3, 8), (9, 2, NULL), (10, 1, 6)");
    check("crossing cells",
          "SELECT string_agg(c.value_class || ':' || c.loyalty || ':' || c.customers "
          "|| ':' || c.action, ' ') FROM (SELECT unnest(abc_loyalty_cells("
          "abc_loyalty(abc_class(value, 6, 3), score, value))) c FROM crm) WHERE "
          "c.customers > 0",
          "A:promoter:2:protect_leverage A:passive:1:secure A:detractor:1:rescue "
          "A:no answer:1:reach_out B:promoter:1:grow_wallet B:passive:1:nurture "
          "B:detractor:1:recover C:detractor:1:let_go C:no answer:1:maintain");
    check("crossing roll-up",
          "SELECT (SELECT abc_loyalty(t) FROM (SELECT id % 3, abc_loyalty("
          "abc_class(value, 6, 3), score, value) t FROM crm GROUP BY 1)) = "
          "(SELECT abc_loyalty(abc_class(value, 6, 3), score, value) FROM crm)", "true");
}

/* Key-driver analysis: R's swiss data against relaimpo (MODELS.md 12.12),
 * roll-ups, the bootstrap. */
static void
test_drivers(void)
{
    exec("CREATE TABLE swiss (id INTEGER, fertility DOUBLE, agriculture DOUBLE, "
         "examination DOUBLE, education DOUBLE, catholic DOUBLE, "
         "infant_mortality DOUBLE)");
    exec("INSERT INTO swiss VALUES "
         "(1, 80.2, 17, 15, 12, 9.96, 22.2), "
         "(2, 83.1, 45.1, 6, 9, 84.84, 22.2), "
         "(3, 92.5, 39.7, 5, 5, 93.4, 20.2), "
         "(4, 85.8, 36.5, 12, 7, 33.77, 20.3), "
         "(5, 76.9, 43.5, 17, 15, 5.16, 20.6), "
         "(6, 76.1, 35.3, 9, 7, 90.57, 26.6), "
         "(7, 83.8, 70.2, 16, 7, 92.85, 23.6), "
         "(8, 92.4, 67.8, 14, 8, 97.16, 24.9), "
         "(9, 82.4, 53.3, 12, 7, 97.67, 21), "
         "(10, 82.9, 45.2, 16, 13, 91.38, 24.4), "
         "(11, 87.1, 64.5, 14, 6, 98.61, 24.5), "
         "(12, 64.1, 62, 21, 12, 8.52, 16.5), "
         "(13, 66.9, 67.5, 14, 7, 2.27, 19.1), "
         "(14, 68.9, 60.7, 19, 12, 4.43, 22.7), "
         "(15, 61.7, 69.3, 22, 5, 2.82, 18.7), "
         "(16, 68.3, 72.6, 18, 2, 24.2, 21.2), "
         "(17, 71.7, 34, 17, 8, 3.3, 20), "
         "(18, 55.7, 19.4, 26, 28, 12.11, 20.2), "
         "(19, 54.3, 15.2, 31, 20, 2.15, 10.8), "
         "(20, 65.1, 73, 19, 9, 2.84, 20), "
         "(21, 65.5, 59.8, 22, 10, 5.23, 18), "
         "(22, 65, 55.1, 14, 3, 4.52, 22.4), "
         "(23, 56.6, 50.9, 22, 12, 15.14, 16.7), "
         "(24, 57.4, 54.1, 20, 6, 4.2, 15.3), "
         "(25, 72.5, 71.2, 12, 1, 2.4, 21), "
         "(26, 74.2, 58.1, 14, 8, 5.23, 23.8), "
         "(27, 72, 63.5, 6, 3, 2.56, 18), "
         "(28, 60.5, 60.8, 16, 10, 7.72, 16.3), "
         "(29, 58.3, 26.8, 25, 19, 18.46, 20.9), "
         "(30, 65.4, 49.5, 15, 8, 6.1, 22.5), "
         "(31, 75.5, 85.9, 3, 2, 99.71, 15.1), "
         "(32, 69.3, 84.9, 7, 6, 99.68, 19.8), "
         "(33, 77.3, 89.7, 5, 2, 100, 18.3), "
         "(34, 70.5, 78.2, 12, 6, 98.96, 19.4), "
         "(35, 79.4, 64.9, 7, 3, 98.22, 20.2), "
         "(36, 65, 75.9, 9, 9, 99.06, 17.8), "
         "(37, 92.2, 84.6, 3, 3, 99.46, 16.3), "
         "(38, 79.3, 63.1, 13, 13, 96.83, 18.1), "
         "(39, 70.4, 38.4, 26, 12, 5.62, 20.3), "
         "(40, 65.7, 7.7, 29, 11, 13.79, 20.5), "
         "(41, 72.7, 16.7, 22, 13, 11.22, 18.9), "
         "(42, 64.4, 17.6, 35, 32, 16.92, 23), "
         "(43, 77.6, 37.6, 15, 7, 4.97, 20), "
         "(44, 67.6, 18.7, 25, 7, 8.65, 19.5), "
         "(45, 35, 1.2, 37, 53, 42.34, 18), "
         "(46, 44.7, 46.6, 16, 29, 50.43, 18.2), "
         "(47, 42.8, 27.7, 22, 29, 58.33, 19.3)");
    exec("CREATE TABLE swiss_m AS SELECT moments([fertility, agriculture, examination, "
         "education, catholic, infant_mortality]) m FROM swiss");
    check("swiss r2", "SELECT f.n, round(f.r2, 10), round(f.intercept, 6) FROM "
          "(SELECT drivers_fit(m) f FROM swiss_m)", "47|0.7067350016|66.915182");
    check("swiss lmg", "SELECT string_agg(d.driver || ' ' || round(d.lmg, 10) || ' ' "
          "|| d.rank, ', ') FROM (SELECT unnest(drivers(m, ['fertility', 'agriculture', "
          "'examination', 'education', 'catholic', 'infant_mortality'])) d FROM swiss_m)",
          "agriculture 0.0570912208 5, examination 0.1711730289 2, "
          "education 0.2601346786 1, catholic 0.1055701504 4, "
          "infant_mortality 0.1127659229 3");
    check("swiss first, last, beta", "SELECT round(d.first, 10), round(d.last, 10), "
          "round(d.beta, 6), round(d.p, 6), d.lmg_share_se IS NULL FROM "
          "(SELECT unnest(drivers(m, ['y', 'a', 'ex', 'ed', 'c', 'i'])) d FROM swiss_m) "
          "WHERE d.driver = 'ed'", "0.4406156467|0.1619626931|-0.87094|2.4e-05|true");
    check("roll-up of groups = one pass (1e-13)",
          "SELECT bool_and(abs(a.lmg - b.lmg) < 1e-13) FROM "
          "(SELECT unnest(drivers(m, ['y', 'a', 'ex', 'ed', 'c', 'i'])) a FROM swiss_m), "
          "(SELECT unnest(drivers(moments(m), ['y', 'a', 'ex', 'ed', 'c', 'i'])) b FROM "
          "(SELECT moments([fertility, agriculture, examination, education, catholic, "
          "infant_mortality]) m FROM swiss GROUP BY id % 4)) WHERE a.driver = b.driver",
          "true");
    check("the library's byte format",
          "SELECT hex(m)[1:24] FROM (SELECT moments([1.0, 2.0]) m)",
          "4C4F59530300010088000000");
    check("integer roll-up bytes",
          "SELECT (SELECT moments(m) FROM (SELECT moments([score, branch, id % 11], 1, "
          "'integer') m FROM answers GROUP BY id % 5)) = (SELECT moments([score, branch, "
          "id % 11], 1, 'integer') FROM answers)", "true");
    check("bootstrap intervals",
          "SELECT bool_and(d.lmg_share_lower <= d.lmg_share AND d.lmg_share <= "
          "d.lmg_share_upper AND d.lmg_share_se > 0) FROM (SELECT unnest(drivers(m, "
          "['s', 'b', 'k'])) d FROM (SELECT moments([score, branch, id % 11], 1, "
          "'integer bootstrap=50 seed=1', id) m FROM answers))", "true");
    check("listwise: incomplete rows counted, not used",
          "SELECT drivers_fit(a).r2 = drivers_fit(b).r2, drivers_fit(b).n FROM "
          "(SELECT moments(x) a FROM (VALUES ([1.0, 2.0]), ([3.0, 5.0]), ([4.0, 4.0])) "
          "t(x)), (SELECT moments(x) b FROM (VALUES ([1.0, 2.0]), ([NULL, 7.0]), "
          "([3.0, 5.0]), (NULL), ([4.0, 4.0])) t(x))", "true|3");
}

/* The same queries with 1 thread and with 4 (on 600,000 rows: several
 * row groups, so partial states are combined): identical bytes. */
static void
test_threads(void)
{
    static const char *const q[] = {
        "SELECT md5(string_agg(hex(t), ',' ORDER BY b)) FROM (SELECT branch b, "
        "nps_tally(score) t FROM big GROUP BY 1)",
        "SELECT hex(nps_tally(score)) FROM big",
        "SELECT md5(string_agg(hex(t), ',' ORDER BY k)) FROM (SELECT id % 1000 k, "
        "nps_tally(score) t FROM big GROUP BY 1)",
        "SELECT hex(score_tally(score, 0, 10)) FROM big",
        "SELECT hex(pattern_table(CAST(id % 7 AS DOUBLE), CAST(id % 7 AS DOUBLE), "
        "CAST(10 + id % 3 AS DOUBLE))) FROM big",
        "SELECT CAST(abc_thresholds(CAST(1 + (id * 7919) % 1000 AS DOUBLE)) AS VARCHAR) "
        "FROM big",
        "SELECT hex(moments([score, branch, id % 11], 1, 'integer bootstrap=5', id)) "
        "FROM big",
    };
    char *one[7], err[1024];
    size_t k;
    exec("CREATE TABLE big AS SELECT i AS id, 1 + (i * 37) % 7 AS branch, "
         "CAST((i * 7919 + i // 7) % 11 AS INTEGER) AS score FROM range(600000) t(i)");
    exec("SET threads = 1");
    for (k = 0; k < 7; k++)
        one[k] = first_row(q[k], err, sizeof err);
    exec("SET threads = 4");
    for (k = 0; k < 7; k++) {
        char name[64];
        snprintf(name, sizeof name, "threads 1 = 4, query %zu", k + 1);
        check(name, q[k], one[k] ? one[k] : "(error)");
        free(one[k]);
    }
}

static void
test_errors(void)
{
    check_error("score 11", "SELECT nps_tally(s) FROM unnest([9, 11]) t(s)",
                "score 11 is outside the scale 0..10 (LOY_ESCALE)");
    check_error("grouped score 11",
                "SELECT k, nps_tally(s) FROM (VALUES (1, 9), (2, 11)) t(k, s) GROUP BY k",
                "score 11 is outside");
    check_error("level", "SELECT nps_estimate(nps_tally(9), 'wald', 1.5)",
                "LOY_EDOMAIN");
    check_error("method", "SELECT nps_estimate(nps_tally(9), 'bayes', 0.9)",
                "unknown interval method \"bayes\"");
    check_error("empty estimate",
                "SELECT nps_estimate(nps_tally(s)) FROM unnest([NULL::INTEGER]) t(s)",
                "LOY_EEMPTY");
    check_error("degenerate compare",
                "SELECT nps_compare(nps_tally(9), nps_tally(10), 'wald', 0.95)",
                "LOY_EDEGENERATE");
    check_error("malformed bytes", "SELECT nps_estimate('\\x4C\\x4F'::BLOB)",
                "LOY_EFORMAT");
    check_error("t_x after T", "SELECT bgnbd_fit(2.0, 12.0, 10.0)",
                "t_x is after T (LOY_EINCONSISTENT)");
    check_error("NaN score", "SELECT nps_wtally(CAST('NaN' AS DOUBLE), 1.0)",
                "LOY_ENONFINITE");
    check_error("negative value", "SELECT abc_thresholds(-1.0)", "value -1 is negative");
    check_error("class D", "SELECT abc_loyalty('D', 9, 1.0)", "\"D\" is not A, B or C");
    check_error("csat scale", "SELECT csat(6)", "score 6 is outside the scale 1..5");
    check_error("moments option", "SELECT moments([1.0], 1, 'bootstrap')",
                "unknown option \"bootstrap\"");
    check_error("moments options vary",
                "SELECT moments(x, 1, o) FROM (VALUES ([1.0], 'listwise'), "
                "([2.0], 'pairwise')) t(x, o)", "options differ");
    check_error("moments length",
                "SELECT moments(x) FROM (VALUES ([1.0, 2.0]), ([1.0, 2.0, 3.0])) t(x)",
                "x has 3 elements, the tally has 2 columns");
    check_error("moments strict", "SELECT moments([NULL, 1.0], 1, 'strict')",
                "element 1 of x is NULL or NaN: the tally is strict");
    check_error("moments integer", "SELECT moments([2.5], 1, 'integer')",
                "element 1 of x = 2.5: not a whole number");
    check_error("drivers constant",
                "SELECT drivers(moments([i % 7, 3, i % 5]), ['y', 'flat', 'x']) "
                "FROM range(50) t(i)", "column 2 is constant");
    check_error("drivers names",
                "SELECT drivers(moments([i % 7, i % 5]), ['y']) FROM range(50) t(i)",
                "names has 1 elements, expected 2");
    check_error("moments malformed", "SELECT drivers_fit('\\x4C\\x4F'::BLOB)",
                "LOY_EFORMAT");
    check_error("negative amount",
                "SELECT rfm_summary(DATE '2020-01-01', -5.0, DATE '2020-12-31')",
                "LOY_ESCALE");
}

/* Funnels, charts, change and chart design (docs/guide/consistency.md and
 * examples/consistency_quickstart.c, as in the PostgreSQL suite). */
static void
test_consistency(void)
{
    exec("CREATE TABLE five AS SELECT * FROM (VALUES ('North', 40, 60, 100), "
         "('East', 22, 30, 48), ('South', 75, 50, 75), ('West', 5, 8, 12), "
         "('Centre', 120, 190, 290)) t(branch, d, a, p)");
    /* the tallies as BLOBs: scores 0, 7 and 10 repeated d, a, p times */
    exec("CREATE TABLE five_t AS SELECT branch, nps_tally(s) AS tally FROM ("
         "SELECT branch, 0 AS s FROM five, range(d) UNION ALL "
         "SELECT branch, 7 FROM five, range(a) UNION ALL "
         "SELECT branch, 10 FROM five, range(p)) GROUP BY branch");
    check("funnel guide",
          "SELECT string_agg(f.unit || ' ' || round(100 * f.nps, 1) || ' ' || "
          "round(f.z, 2) || ' ' || round(100 * f.shrunk, 1) || ' ' || "
          "array_to_string(f.flags, ','), '; ' ORDER BY f.unit) FROM "
          "(SELECT unnest(nps_funnel(list(branch), list(tally))) f FROM five_t)",
          "Centre 28.3 1.51 27.9 above; East 26.0 0.33 24.7 above; "
          "North 30.0 1.17 28.5 above; South 0.0 -4.12 4.9 "
          "below,outside_inner,outside_outer,bonferroni,fdr; West 28.0 0.29 24.1 above");
    check("funnel summary guide",
          "SELECT s.units, s.n, round(100 * s.target, 1), round(100 * s.tau, 1), "
          "round(100 * s.i2), s.outside_outer, s.fdr FROM (SELECT "
          "nps_funnel_summary(list(branch), list(tally)) s FROM five_t)",
          "5|1125|23.4|11.4|78.0|1|1");
    check("funnel limits",
          "SELECT bool_and(abs(f.lower_outer - (s.target - s.z_outer * f.se)) < 1e-15) "
          "FROM (SELECT unnest(nps_funnel(list(branch), list(tally))) f, "
          "nps_funnel_summary(list(branch), list(tally)) s FROM five_t)", "true");
    check("funnel options",
          "SELECT string_agg(round(f.z_adjusted, 6) || ' ' || round(f.p_lower, 9), ' ' "
          "ORDER BY f.unit) FROM (SELECT unnest(nps_funnel(list(branch), list(tally), "
          "'target_promoters=0.5 target_detractors=0.2 overdispersion=additive exact')) f "
          "FROM five_t)",
          /* the PostgreSQL extension's values for the same call */
          "-0.183553 0.308732256 -0.346479 0.32443758 0.0 0.515321476 -2.959143 7.6e-08 "
          "-0.112459 0.492222782");
    check("funnel merge and gaps",
          "SELECT string_agg(f.unit || ':' || f.n || ':' || coalesce(round(f.nps, 9)::VARCHAR, 'NULL') "
          "|| ':' || array_to_string(f.flags, ','), ' ') FROM (SELECT unnest(nps_funnel("
          "['b', 'a', 'b', 'c'], [(SELECT nps_tally(s) FROM unnest([0, 7, 10, 10]) t(s)), "
          "(SELECT nps_tally(s) FROM unnest([0, 10]) t(s)), "
          "(SELECT nps_tally(s) FROM unnest([10]) t(s)), NULL])) f)",
          "b:5:0.4:above a:2:0.0:below c:0:NULL:empty");
    exec("CREATE TABLE monthly AS SELECT 'company' AS unit, "
         "CAST(DATE '2024-02-01' + to_months(CAST(i - 1 AS INTEGER)) AS DATE) AS month, "
         "d, a, p FROM (SELECT unnest([2,3,6,8,4,11,7,11,16,22,27,23,18,28,22,25,32,35,30,31,29,32,37]) d, "
         "unnest([3,5,7,6,11,23,18,21,31,25,37,40,39,45,30,38,17,19,27,24,23,34,25]) a, "
         "unnest([1,7,8,9,10,18,20,26,30,21,48,47,35,30,47,38,25,13,29,30,22,28,19]) p, "
         "unnest(range(1, 24)) i)");
    exec("CREATE TABLE monthly_t AS SELECT m.unit, m.month, nps_tally(s.s) AS tally FROM "
         "monthly m, LATERAL (SELECT 0 AS s FROM range(m.d) UNION ALL SELECT 7 FROM range(m.a) "
         "UNION ALL SELECT 10 FROM range(m.p)) s GROUP BY m.unit, m.month");
    check("chart quickstart",
          "SELECT string_agg(strftime(c.period, '%Y-%m') || ' ' || array_to_string(c.signals, ','), "
          "'; ' ORDER BY c.period) FROM (SELECT unnest(nps_chart(list(unit), list(month), "
          "list(tally), 'baseline_length=12')) c FROM monthly_t) WHERE len(c.signals) > 0",
          "2025-06 laney_low; 2025-07 shewhart_low,laney_low,ewma_low,cusum_low; "
          "2025-08 ewma_low,cusum_low; 2025-09 ewma_low,cusum_low; "
          "2025-10 laney_low,ewma_low,cusum_low; 2025-11 ewma_low,cusum_low; "
          "2025-12 shewhart_low,laney_low,ewma_low,cusum_low");
    check("chart values",
          "SELECT count(*), round(100 * max(c.centre), 1), sum(CASE WHEN c.baseline THEN 1 ELSE 0 END), "
          "round(max(c.cusum_lower), 9) FROM (SELECT unnest(nps_chart(list(unit), list(month), "
          "list(tally), 'baseline_length=12')) c FROM monthly_t)",
          "23|17.2|12|19.388385231");
    check("chart summary quickstart",
          "SELECT s.unit, round(100 * s.centre, 1), s.n_points, s.longest_run, "
          "s.longest_run_limit, s.crossings, s.crossings_limit, s.first_shewhart, "
          "s.first_laney, s.first_cusum, len(s.flags) FROM (SELECT unnest(nps_chart_summary("
          "list(unit), list(month), list(tally), 'baseline_length=12')) s FROM monthly_t)",
          "company|17.2|23|8|8|10|7|2025-07-01|2025-06-01|2025-07-01|0");
    check("topbox trend quickstart",
          "SELECT round(t.slope, 3), round(t.p_value, 2), t.n_periods FROM (SELECT "
          "unnest(nps_topbox_trend(list(unit), list(month), list(tally))) t FROM monthly_t)",
          "-0.006|0.58|23");
    check("change quickstart",
          "SELECT strftime(c.previous, '%Y-%m'), round(100 * c.diff, 1), round(100 * c.lower, 1), "
          "round(100 * c.upper, 1) FROM (SELECT unnest(nps_change(list(unit), list(month), "
          "list(tally), 12)) c FROM monthly_t) WHERE c.period = DATE '2025-12-01'",
          "2024-12|-41.0|-63.8|-18.1");
    check("change none",
          "SELECT count(*) FILTER (WHERE c.flags = ['none']) FROM (SELECT unnest(nps_change("
          "list(unit), list(month), list(tally), 1, 'adjusted', 0.9)) c FROM monthly_t)", "1");
    check("chart int periods, gap, fixed target",
          "SELECT string_agg(c.unit || c.period || ':' || c.n || ':' || "
          "coalesce(array_to_string(c.signals, ','), ''), ' ') FROM (SELECT unnest(nps_chart("
          "['w', 'e', 'w', 'e'], [2, 1, 1, 3], [(SELECT nps_tally(s) FROM unnest([0, 0, 0, 10]) t(s)), "
          "(SELECT nps_tally(s) FROM unnest([10, 10, 7]) t(s)), "
          "(SELECT nps_tally(s) FROM unnest([10, 7]) t(s)), NULL], "
          "'target_promoters=0.5 target_detractors=0.2 shewhart_limit=1')) c)",
          "w1:2: w2:4:shewhart_low w3:0: e1:3: e2:0: e3:0:");
    check("chart varchar periods",
          "SELECT string_agg(c.period, ',') FROM (SELECT unnest(nps_chart(['u', 'u', 'u'], "
          "['b', 'c', 'a'], [(SELECT nps_tally(9)), (SELECT nps_tally(0)), (SELECT nps_tally(7))])) c)",
          "a,b,c");
    check("design",
          "SELECT round(ewma_limit(0.2, 370), 4), round(cusum_arl(0.5, 5), 0), "
          "round(cusum_arl(0.5, 5, -1), 1), round(ewma_arl(0.5, 2, 1), 2), "
          "round(cusum_arl(0.5, 3, 0, 'upper'), 2), round(ewma_arl(0.1, ewma_limit(0.1, 500)), 6)",
          "2.859|465.0|10.4|4.91|117.6|500.0");
    check_error("funnel lengths", "SELECT nps_funnel(['a', 'b'], [nps_tally(9)])",
                "the lists differ in length");
    check_error("funnel option", "SELECT nps_funnel(['a'], [nps_tally(9)], 'alpha=2')",
                "alpha 2 is outside (0, 1) (LOY_EDOMAIN)");
    check_error("funnel unknown option", "SELECT nps_funnel(['a'], [nps_tally(9)], 'bogus=1')",
                "unknown or malformed option \"bogus=1\"");
    check_error("funnel od", "SELECT nps_funnel(['a'], [nps_tally(9)], 'overdispersion=both')",
                "unknown overdispersion \"both\"");
    check_error("funnel one class",
                "SELECT nps_funnel(['a', 'b'], [nps_tally(9), nps_tally(10)])", "LOY_EDEGENERATE");
    check_error("funnel empty", "SELECT nps_funnel(['a'], [NULL::BLOB])", "LOY_EEMPTY");
    check_error("funnel NULL unit", "SELECT nps_funnel([NULL, 'a'], [nps_tally(9), nps_tally(0)])",
                "units[1] is NULL");
    check_error("funnel malformed", "SELECT nps_funnel(['a'], ['\\x4C\\x4F'::BLOB])",
                "LOY_EFORMAT");
    check_error("chart baseline",
                "SELECT nps_chart(['a'], [1], [nps_tally(9)], 'baseline_start=2')",
                "baseline_start 2 is outside [1, 1]");
    check_error("chart NaN", "SELECT nps_chart(['a'], [1], [nps_tally(9)], 'cusum_h=nan')",
                "LOY_ENONFINITE");
    check_error("change lag", "SELECT nps_change(['a'], [1], [nps_tally(9)], 0)",
                "lag 0 is not at least 1");
    check_error("arl sides", "SELECT cusum_arl(0.5, 5, 0, 'both')", "unknown sides \"both\"");
    check_error("arl lambda", "SELECT ewma_arl(1.5, 3)", "lambda 1.5 is outside (0, 1]");
    check_error("arl too long", "SELECT cusum_arl(3, 20)", "LOY_EDEGENERATE");
}

int
main(int argc, char **argv)
{
    duckdb_database db;
    char err[256];
    if (duckdb_open(NULL, &db) != DuckDBSuccess || duckdb_connect(db, &con) != DuckDBSuccess) {
        printf("cannot open DuckDB\n");
        return 1;
    }
    if (loyalty_duckdb_register(con, err, sizeof err) != 0) {
        printf("%s\n", err);
        return 1;
    }
    setup_data();
    test_nps();
    test_csat_ces();
    test_rfm();
    test_lifetime(argc > 1 && argv[1][0] != '\0' ? argv[1] : NULL);
    test_segment();
    test_drivers();
    test_consistency();
    test_threads();
    test_errors();
    duckdb_disconnect(&con);
    duckdb_close(&db);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
