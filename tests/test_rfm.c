/* SPDX-License-Identifier: MIT */
/* test_rfm.c - purchase-log summary (MODELS.md section 5, CDNOW). */
#include "testutil.h"
#include "core/internal.h"
#include "clv/rfm_internal.h"

#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method). */
static int64_t
days(int y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Column `col` of summary row `r`. */
static double
cell(const loy_rfm_summary *s, int col, size_t r)
{
    const double *v = NULL;
    assert_ok(loy_rfm_summary_column(&v, s, col));
    assert_true(r < loy_rfm_summary_count(s));
    return v[r];
}

static void
assert_row(const loy_rfm_summary *s, size_t r, uint64_t id, double x,
           double t_x, double T)
{
    const uint64_t *ids = NULL;
    assert_ok(loy_rfm_summary_ids(&ids, s));
    assert_true(ids[r] == id);
    assert_close(cell(s, LOY_RFM_COL_X, r), x, 0, 1e-12);
    assert_close(cell(s, LOY_RFM_COL_T_X, r), t_x, 0, 1e-12);
    assert_close(cell(s, LOY_RFM_COL_T, r), T, 0, 1e-12);
}

/* ---------------------------------------------------------------- */
/* lifetimes reference logs                                          */
/* ---------------------------------------------------------------- */

typedef struct log_row {
    uint64_t id;
    int m, d;
    double v;
} log_row;

/* L2 of MODELS 5.4 (2015); L1 is a different log, below. */
static const log_row L2[] = {
    {1, 1, 1, 1},  {1, 2, 6, 2},  {2, 1, 1, 2},  {3, 1, 1, 3},  {3, 1, 2, 1},
    {3, 1, 5, 5},  {4, 1, 16, 6}, {4, 2, 2, 3},  {4, 2, 5, 3},  {5, 1, 16, 3},
    {5, 1, 17, 1}, {5, 1, 18, 8}, {6, 2, 2, 5},
};
#define N_L2 (sizeof L2 / sizeof L2[0])

static void
to_arrays(const log_row *rows, size_t n, uint64_t *id, int64_t *t, double *v)
{
    size_t i;
    for (i = 0; i < n; i++) {
        id[i] = rows[i].id;
        t[i] = days(2015, rows[i].m, rows[i].d);
        v[i] = rows[i].v;
    }
}

static loy_rfm_options
opts_daily(void)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    return o;
}

static loy_rfm_options
opts_weekly(void)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    o.period_length = 7;
    o.period_origin = -3; /* Monday-Sunday weeks (pandas W-SUN) */
    return o;
}

static void
test_l1_daily(void **state)
{
    static const log_row L1[] = {
        {1, 2, 1, 0}, {1, 2, 6, 0}, {2, 1, 1, 0},
        {3, 1, 1, 0}, {3, 1, 2, 0}, {3, 1, 5, 0},
    };
    uint64_t id[6];
    int64_t t[6];
    double v[6];
    loy_rfm_summary *s = NULL;
    (void)state;
    to_arrays(L1, 6, id, t, v);
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 6, days(2015, 2, 7), NULL,
                                NULL));
    assert_int_equal(loy_rfm_summary_count(s), 3);
    assert_row(s, 0, 1, 1, 5, 6);
    assert_row(s, 1, 2, 0, 0, 37);
    assert_row(s, 2, 3, 2, 4, 37);
    /* value-less log: monetary 0 */
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 2), 0.0, 0, 0);
    loy_rfm_summary_free(s);
}

static void
test_l2_daily_and_weekly(void **state)
{
    static const double daily[6][4] = {
        {1, 36, 37, 2}, {0, 0, 37, 0}, {2, 4, 37, 3},
        {2, 20, 22, 3}, {2, 2, 22, 4.5}, {0, 0, 5, 0},
    };
    static const double weekly[6][3] = {
        {1, 5, 5}, {0, 0, 5}, {1, 1, 5}, {1, 3, 3}, {0, 0, 3}, {0, 0, 0},
    };
    uint64_t id[N_L2];
    int64_t t[N_L2];
    double v[N_L2];
    loy_rfm_options o = opts_daily();
    loy_rfm_summary *s = NULL;
    size_t r;
    (void)state;
    to_arrays(L2, N_L2, id, t, v);
    assert_ok(loy_rfm_summarize(&s, id, t, v, N_L2, days(2015, 2, 7), &o,
                                NULL));
    assert_int_equal(loy_rfm_summary_count(s), 6);
    for (r = 0; r < 6; r++) {
        assert_row(s, r, r + 1, daily[r][0], daily[r][1], daily[r][2]);
        assert_close(cell(s, LOY_RFM_COL_MONETARY, r), daily[r][3], 0, 1e-12);
    }
    loy_rfm_summary_free(s);
    o = opts_weekly();
    assert_ok(loy_rfm_summarize(&s, id, t, v, N_L2, days(2015, 2, 7), &o,
                                NULL));
    for (r = 0; r < 6; r++)
        assert_row(s, r, r + 1, weekly[r][0], weekly[r][1], weekly[r][2]);
    loy_rfm_summary_free(s);
}

static loy_rfm_summary *
l2_calibration(loy_rfm_options o, int obs_day)
{
    uint64_t id[N_L2];
    int64_t t[N_L2];
    double v[N_L2];
    loy_rfm_summary *s = NULL;
    to_arrays(L2, N_L2, id, t, v);
    o.flags |= LOY_RFM_CALIBRATION;
    o.calibration_end = days(2015, 2, 1);
    assert_ok(loy_rfm_summarize(&s, id, t, v, N_L2, days(2015, 2, obs_day),
                                &o, NULL));
    return s;
}

static void
test_l2_calibration_daily(void **state)
{
    static const double m_cal[5] = {0, 0, 3, 0, 4.5};
    static const double m_hold[5] = {2, 0, 0, 3, 0};
    loy_rfm_summary *s = l2_calibration(opts_daily(), 7);
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    size_t r;
    (void)state;
    assert_int_equal(loy_rfm_summary_count(s), 5); /* id 6 absent */
    assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, 0), 1, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, 1), 0, 0, 0);
    for (r = 0; r < 5; r++) {
        assert_close(cell(s, LOY_RFM_COL_MONETARY, r), m_cal[r], 0, 1e-12);
        assert_close(cell(s, LOY_RFM_COL_MONETARY_HOLDOUT, r), m_hold[r], 0,
                     1e-12);
    }
    assert_ok(loy_rfm_summary_info(&info, s));
    assert_true(info.n_customers == 5 && info.n_customers_dropped == 1);
    assert_true(info.n_rows == N_L2 && info.n_rows_dropped == 0);
    assert_true(info.n_rows_holdout == 4 && info.calibration == 1);
    assert_close(info.duration_holdout, 6, 0, 0);
    loy_rfm_summary_free(s);
}

static void
test_l2_calibration_weekly(void **state)
{
    /* (x_cal, t_x_cal, T_cal, frequency_holdout, duration_holdout) */
    static const double want[5][5] = {
        {0, 0, 4, 1, 1}, {0, 0, 4, 0, 1}, {1, 1, 4, 0, 1},
        {0, 0, 2, 1, 1}, {0, 0, 2, 0, 1},
    };
    loy_rfm_summary *s = l2_calibration(opts_weekly(), 7);
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    size_t r;
    (void)state;
    assert_int_equal(loy_rfm_summary_count(s), 5);
    assert_ok(loy_rfm_summary_info(&info, s));
    for (r = 0; r < 5; r++) {
        assert_row(s, r, r + 1, want[r][0], want[r][1], want[r][2]);
        assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, r), want[r][3], 0, 0);
        assert_close(info.duration_holdout, want[r][4], 0, 0);
    }
    loy_rfm_summary_free(s);
}

static void
test_l2_observation_end_0204(void **state)
{
    loy_rfm_summary *s = l2_calibration(opts_daily(), 4);
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    (void)state;
    assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, 0), 0, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, 3), 1, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_MONETARY_HOLDOUT, 3), 3, 0, 0);
    assert_ok(loy_rfm_summary_info(&info, s));
    assert_true(info.n_rows_dropped == 2); /* 02-05 and 02-06 */
    assert_close(info.duration_holdout, 3, 0, 0);
    loy_rfm_summary_free(s);
}

static void
test_same_week_and_same_day(void **state)
{
    uint64_t id[3] = {9, 9, 9};
    int64_t t[3];
    double v[3] = {1, 2, 4};
    loy_rfm_options o = opts_weekly();
    loy_rfm_summary *s = NULL;
    (void)state;
    t[0] = t[1] = days(2015, 1, 14);
    t[2] = days(2015, 1, 20);
    assert_ok(loy_rfm_summarize(&s, id, t, v, 2, days(2015, 2, 7), &o, NULL));
    assert_row(s, 0, 9, 0, 0, 3);
    loy_rfm_summary_free(s);
    /* same-day rows merge: the repeat value is their sum */
    o = opts_daily();
    t[0] = days(2015, 1, 20);
    assert_ok(loy_rfm_summarize(&s, id, t, v, 3, days(2015, 2, 7), &o, NULL));
    assert_row(s, 0, 9, 1, 6, 24);
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 0), 5.0, 0, 0);
    loy_rfm_summary_free(s);
}

static void
test_monetary_any_order(void **state)
{
    static const int perm[6][3] = {
        {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0},
    };
    const double sales[3] = {10, 20, 25};
    int p, j;
    (void)state;
    for (p = 0; p < 6; p++) {
        uint64_t id[3] = {5, 5, 5};
        int64_t t[3];
        double v[3];
        loy_rfm_summary *s = NULL;
        for (j = 0; j < 3; j++) {
            int k = perm[p][j];
            t[j] = days(2015, 1, 1 + k);
            v[j] = sales[k];
        }
        assert_ok(loy_rfm_summarize(&s, id, t, v, 3, days(2015, 1, 31),
                                    NULL, NULL));
        assert_close(cell(s, LOY_RFM_COL_MONETARY, 0), 22.5, 0, 0);
        loy_rfm_summary_free(s);
    }
}

static void
test_include_first(void **state)
{
    uint64_t id[N_L2];
    int64_t t[N_L2];
    double v[N_L2];
    loy_rfm_options o = opts_daily();
    loy_rfm_summary *s = NULL;
    (void)state;
    to_arrays(L2, N_L2, id, t, v);
    o.flags = LOY_RFM_INCLUDE_FIRST;
    assert_ok(loy_rfm_summarize(&s, id, t, v, N_L2, days(2015, 2, 7), &o,
                                NULL));
    assert_row(s, 0, 1, 2, 36, 37);     /* k = 2 periods */
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 0), 1.5, 0, 1e-15);
    assert_row(s, 1, 2, 1, 0, 37);
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 1), 2.0, 0, 1e-15);
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 4), 4.0, 0, 1e-15);
    loy_rfm_summary_free(s);
}

/* Without a split, a row after observation_end but in its period stays. */
static void
test_drop_by_period(void **state)
{
    uint64_t id[3] = {1, 1, 2};
    int64_t t[3];
    loy_rfm_options o = opts_weekly();
    loy_rfm_summary *s = NULL;
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    const int64_t *first = NULL;
    (void)state;
    t[0] = days(2015, 1, 6);
    t[1] = days(2015, 2, 8);  /* Sunday of the week of 02-04: kept */
    t[2] = days(2015, 2, 9);  /* next week: dropped */
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 3, days(2015, 2, 4), &o,
                                NULL));
    assert_int_equal(loy_rfm_summary_count(s), 1);
    assert_row(s, 0, 1, 1, 4, 4);
    assert_ok(loy_rfm_summary_first_times(&first, s));
    assert_true(first[0] == days(2015, 1, 6));
    assert_ok(loy_rfm_summary_info(&info, s));
    assert_true(info.n_rows_dropped == 1 && info.n_rows == 3);
    assert_true(info.calibration == 0 && info.duration_holdout == 0.0);
    loy_rfm_summary_free(s);
}

/* ---------------------------------------------------------------- */
/* brute force on random logs, order independence, streaming         */
/* ---------------------------------------------------------------- */

typedef struct rand_log {
    size_t n;
    uint64_t *id;
    int64_t *t;
    double *v;
} rand_log;

static rand_log
random_log(loy_test_rng *g, size_t n, size_t n_cust)
{
    rand_log L;
    size_t i;
    L.n = n;
    L.id = malloc(n * sizeof *L.id);
    L.t = malloc(n * sizeof *L.t);
    L.v = malloc(n * sizeof *L.v);
    assert_non_null(L.id);
    assert_non_null(L.t);
    assert_non_null(L.v);
    for (i = 0; i < n; i++) {
        /* sparse 64-bit ids, negative and positive times */
        uint64_t c = loy_test_rng_next(g) % n_cust;
        L.id[i] = c * 0x9E3779B97F4A7C15ull;
        L.t[i] = (int64_t)(loy_test_rng_next(g) % 400) - 150;
        L.v[i] = (double)(loy_test_rng_next(g) % 10000) / 100.0;
    }
    return L;
}

static void
free_log(rand_log *L)
{
    free(L->id);
    free(L->t);
    free(L->v);
}

static void
shuffle_log(loy_test_rng *g, rand_log *L)
{
    size_t i;
    for (i = L->n; i > 1; i--) {
        size_t j = (size_t)(loy_test_rng_next(g) % i);
        uint64_t a = L->id[i - 1];
        int64_t b = L->t[i - 1];
        double c = L->v[i - 1];
        L->id[i - 1] = L->id[j], L->id[j] = a;
        L->t[i - 1] = L->t[j], L->t[j] = b;
        L->v[i - 1] = L->v[j], L->v[j] = c;
    }
}

static int64_t
fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0)) ? q - 1 : q;
}

/*
 * Reference summary of one customer by direct enumeration: the calendar
 * of periods [p_lo, p_hi] is scanned period by period.
 */
typedef struct ref_row {
    int found_cal;
    double x, t_x, T, mon, x_h, mon_h;
    int64_t first;
} ref_row;

static ref_row
reference_customer(const rand_log *L, uint64_t cid, int64_t obs, int calib,
                   int64_t cal, int64_t len, int64_t org, double fm)
{
    ref_row r;
    int64_t p, end = calib ? cal : obs;
    int64_t pend = fdiv(end - org, len), pobs = fdiv(obs - org, len);
    int64_t first_p = INT64_MAX, last_p = 0;
    double first_v = 0, rep = 0, hold = 0;
    size_t i, k = 0, hold_rows = 0, k_h = 0;
    memset(&r, 0, sizeof r);
    r.first = INT64_MAX;
    for (p = -400; p <= 400; p++) {
        double sum = 0;
        int any = 0, any_h = 0;
        for (i = 0; i < L->n; i++) {
            int64_t t = L->t[i];
            if (L->id[i] != cid || fdiv(t - org, len) != p)
                continue;
            if (calib ? t <= cal : p <= pobs) {
                any = 1;
                sum += L->v[i];
                if (t < r.first)
                    r.first = t;
            } else if (calib && t <= obs) {
                any_h = 1;
                hold += L->v[i];
                hold_rows++;
            }
        }
        k_h += (size_t)any_h;
        if (!any)
            continue;
        if (k++ == 0) {
            first_p = p;
            first_v = sum;
        } else {
            rep += sum;
        }
        last_p = p;
    }
    r.found_cal = k > 0;
    if (!r.found_cal)
        return r;
    r.x = (double)(k - 1);
    r.t_x = (double)(last_p - first_p) / fm;
    r.T = (double)(pend - first_p) / fm;
    r.mon = k > 1 ? rep / (double)(k - 1) : 0.0;
    r.x_h = (double)k_h;
    r.mon_h = hold_rows ? hold / (double)hold_rows : 0.0;
    (void)first_v;
    return r;
}

static void
check_against_reference(const loy_rfm_summary *s, const rand_log *L,
                        size_t n_cust, int64_t obs, int calib, int64_t cal,
                        int64_t len, int64_t org, double fm)
{
    const uint64_t *ids = NULL;
    const int64_t *first = NULL;
    size_t c, r = 0;
    uint64_t prev = 0;
    assert_ok(loy_rfm_summary_ids(&ids, s));
    assert_ok(loy_rfm_summary_first_times(&first, s));
    for (r = 1; r < loy_rfm_summary_count(s); r++)
        assert_true(ids[r - 1] < ids[r]); /* ascending, unique */
    for (c = 0, r = 0; c < n_cust; c++) {
        uint64_t cid = c * 0x9E3779B97F4A7C15ull;
        ref_row ref = reference_customer(L, cid, obs, calib, cal, len, org, fm);
        size_t q;
        if (!ref.found_cal)
            continue;
        r++;
        for (q = 0; q < loy_rfm_summary_count(s) && ids[q] != cid; q++)
            ;
        assert_true(q < loy_rfm_summary_count(s));
        assert_close(cell(s, LOY_RFM_COL_X, q), ref.x, 0, 0);
        assert_close(cell(s, LOY_RFM_COL_T_X, q), ref.t_x, 1e-15, 0);
        assert_close(cell(s, LOY_RFM_COL_T, q), ref.T, 1e-15, 0);
        assert_close(cell(s, LOY_RFM_COL_MONETARY, q), ref.mon, 1e-12, 1e-12);
        assert_true(first[q] == ref.first);
        if (calib) {
            assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, q), ref.x_h, 0, 0);
            assert_close(cell(s, LOY_RFM_COL_MONETARY_HOLDOUT, q), ref.mon_h,
                         1e-12, 1e-12);
        }
        (void)prev;
    }
    assert_int_equal(r, loy_rfm_summary_count(s));
}

static void
test_brute_force(void **state)
{
    static const int64_t lens[3] = {1, 7, 30};
    static const int64_t orgs[3] = {0, -3, 11};
    loy_test_rng g = {20261123u};
    int k, calib;
    (void)state;
    for (k = 0; k < 3; k++) {
        for (calib = 0; calib < 2; calib++) {
            rand_log L = random_log(&g, 600, 60);
            loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
            loy_rfm_summary *s = NULL;
            o.period_length = lens[k];
            o.period_origin = orgs[k];
            o.freq_multiplier = k == 0 ? 7.0 : 1.0;
            o.calibration_end = 60;
            o.flags = calib ? LOY_RFM_CALIBRATION : 0u;
            assert_ok(loy_rfm_summarize(&s, L.id, L.t, L.v, L.n, 200, &o,
                                        NULL));
            check_against_reference(s, &L, 60, 200, calib, 60, lens[k],
                                    orgs[k], o.freq_multiplier);
            loy_rfm_summary_free(s);
            free_log(&L);
        }
    }
}

static void
assert_same_summary(const loy_rfm_summary *a, const loy_rfm_summary *b,
                    int ncol)
{
    const uint64_t *ia = NULL, *ib = NULL;
    size_t n = loy_rfm_summary_count(a), r;
    int c;
    assert_int_equal(n, loy_rfm_summary_count(b));
    assert_ok(loy_rfm_summary_ids(&ia, a));
    assert_ok(loy_rfm_summary_ids(&ib, b));
    assert_memory_equal(ia, ib, n * sizeof *ia);
    for (c = 0; c < ncol; c++)
        for (r = 0; r < n; r++)
            assert_close(cell(a, c, r), cell(b, c, r), 1e-14, 1e-13);
}

/* Shuffled rows, and streamed in uneven chunks with forced compaction,
 * give the same summary. */
static void
test_order_and_chunking(void **state)
{
    loy_test_rng g = {77u};
    rand_log L = random_log(&g, 20000, 1500);
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s0 = NULL, *s1 = NULL, *s2 = NULL;
    loy_rfm_builder *b = NULL;
    size_t i = 0, step = 1;
    (void)state;
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 100;
    assert_ok(loy_rfm_summarize(&s0, L.id, L.t, L.v, L.n, 240, &o, NULL));
    shuffle_log(&g, &L);
    assert_ok(loy_rfm_summarize(&s1, L.id, L.t, L.v, L.n, 240, &o, NULL));
    assert_same_summary(s0, s1, 6);
    assert_ok(loy_rfm_builder_new(&b, 240, &o));
    loy__rfm_builder_compact_at(b, 500);
    while (i < L.n) {
        size_t m = L.n - i < step ? L.n - i : step;
        assert_ok(loy_rfm_builder_add(b, L.id + i, L.t + i, L.v + i, m, NULL));
        i += m;
        step = step * 3 + 1;
    }
    assert_ok(loy_rfm_builder_finish(&s2, b));
    assert_same_summary(s0, s2, 6);
    loy_rfm_summary_free(s2);
    /* finishing does not consume the builder: add nothing, finish again */
    assert_ok(loy_rfm_builder_add(b, NULL, NULL, NULL, 0, NULL));
    assert_ok(loy_rfm_builder_finish(&s2, b));
    assert_same_summary(s0, s2, 6);
    loy_rfm_builder_free(b);
    loy_rfm_summary_free(s0);
    loy_rfm_summary_free(s1);
    loy_rfm_summary_free(s2);
    free_log(&L);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void
test_radix_sort(void **state)
{
    loy_test_rng g = {5u};
    size_t n = 5000, i;
    uint64_t *k = malloc(n * sizeof *k), *ref = malloc(n * sizeof *ref);
    uint32_t *p = malloc(n * sizeof *p);
    uint64_t orig[5000];
    (void)state;
    assert_non_null(k);
    assert_non_null(ref);
    assert_non_null(p);
    for (i = 0; i < n; i++) {
        uint64_t r = loy_test_rng_next(&g);
        k[i] = (i % 3 == 0) ? r : (r & 0xFF00FF0000ull); /* sparse bytes */
        orig[i] = k[i];
        ref[i] = k[i];
        p[i] = (uint32_t)i;
    }
    assert_ok(loy__radix_sort_u64(k, p, n));
    qsort(ref, n, sizeof *ref, cmp_u64);
    assert_memory_equal(k, ref, n * sizeof *k);
    for (i = 0; i < n; i++) {
        assert_true(orig[p[i]] == k[i]);
        if (i > 0 && k[i] == k[i - 1])
            assert_true(p[i] > p[i - 1]); /* stable */
    }
    i = loy__unique_u64(k, n);
    assert_true(i < n);
    for (n = 1; n < i; n++)
        assert_true(k[n - 1] < k[n]);
    assert_true(loy__floor_div(-1, 7) == -1 && loy__floor_div(-7, 7) == -1);
    assert_true(loy__floor_div(-8, 7) == -2 && loy__floor_div(6, 7) == 0);
    free(k);
    free(ref);
    free(p);
}

/* ---------------------------------------------------------------- */
/* CDNOW reproduction                                                */
/* ---------------------------------------------------------------- */

typedef struct cdnow {
    size_t n;
    uint64_t id[8000];
    int64_t t[8000];
    double v[8000];
} cdnow;

static int
read_cdnow(cdnow *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    char line[256];
    if (f == NULL)
        return 0;
    c->n = 0;
    while (fgets(line, sizeof line, f) != NULL && c->n < 8000) {
        unsigned long master, sid, date;
        double cds, dollars;
        if (sscanf(line, "%lu %lu %lu %lf %lf", &master, &sid, &date, &cds,
                   &dollars) != 5)
            continue;
        c->id[c->n] = sid;
        c->t[c->n] = days((int)(date / 10000), (int)(date / 100 % 100),
                          (int)(date % 100));
        c->v[c->n] = dollars;
        c->n++;
    }
    fclose(f);
    return 1;
}

/* Compare column values with a 2-dp CSV; returns rows compared. */
static size_t
compare_csv(const loy_rfm_summary *s, const char *path, int ncols,
            const int *cols, const int *csv_fields)
{
    FILE *f = fopen(path, "rb");
    char line[256];
    const uint64_t *ids = NULL;
    size_t rows = 0;
    assert_non_null(f);
    assert_ok(loy_rfm_summary_ids(&ids, s));
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f) != NULL) {
        double fld[5] = {0};
        int j, got = sscanf(line, "%lf,%lf,%lf,%lf,%lf", &fld[0], &fld[1],
                            &fld[2], &fld[3], &fld[4]);
        if (got < 4)
            continue;
        assert_true(rows < loy_rfm_summary_count(s));
        assert_true(ids[rows] == (uint64_t)fld[0]);
        for (j = 0; j < ncols; j++)
            assert_close(cell(s, cols[j], rows), fld[csv_fields[j]], 0,
                         0.005 + 1e-9);
        rows++;
    }
    fclose(f);
    return rows;
}

/*
 * The published Gamma-Gamma fit (p 6.25, q 3.74, gamma 15.44; MODELS 6.9)
 * uses the 946 customers with x > 0 and their unrounded mean repeat value
 * from this summary (fitting on the 2-dp zbar file instead gives 15.448).
 */
static void
cdnow_gamma_gamma(const loy_rfm_summary *s)
{
    static double x[2357], m[2357];
    double p[3];
    size_t r, k = 0;
    for (r = 0; r < 2357; r++)
        if (cell(s, LOY_RFM_COL_X, r) > 0.0) {
            x[k] = cell(s, LOY_RFM_COL_X, r);
            m[k] = cell(s, LOY_RFM_COL_MONETARY, r);
            k++;
        }
    assert_int_equal(k, 946);
    assert_ok(loy_ggamma_fit(p, x, m, NULL, k, NULL, NULL, NULL));
    print_message("CDNOW Gamma-Gamma from the raw log: p %.5f q %.5f "
                  "gamma %.5f\n", p[0], p[1], p[2]);
    assert_close(p[0], 6.25, 0, 0.005);
    assert_close(p[1], 3.74, 0, 0.005);
    assert_close(p[2], 15.44, 0, 0.005);
}

static void
test_cdnow(void **state)
{
    static cdnow c;
    char buf[1024], buf2[1024];
    const char *raw = loy_test_data_path("cdnow/CDNOW_sample.txt", buf,
                                         sizeof buf);
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    const int cols3[3] = {LOY_RFM_COL_X, LOY_RFM_COL_T_X, LOY_RFM_COL_T};
    const int f3[3] = {1, 2, 3};
    const int cols4[4] = {LOY_RFM_COL_X, LOY_RFM_COL_T_X, LOY_RFM_COL_T,
                          LOY_RFM_COL_MONETARY};
    const int f4[4] = {1, 2, 3, 4};
    const char *p;
    size_t r, zero = 0, pos = 0;
    double sum_x = 0, sum_h = 0;
    (void)state;
    if (raw == NULL)
        skip();
    assert_true(read_cdnow(&c, raw));
    assert_int_equal(c.n, 6919);
    o.freq_multiplier = 7.0;
    o.calibration_end = days(1997, 9, 30);
    o.flags = LOY_RFM_CALIBRATION;
    assert_ok(loy_rfm_summarize(&s, c.id, c.t, c.v, c.n, days(1998, 6, 30),
                                &o, NULL));
    assert_int_equal(loy_rfm_summary_count(s), 2357);
    for (r = 0; r < 2357; r++) {
        double x = cell(s, LOY_RFM_COL_X, r);
        zero += x == 0.0;
        pos += x > 0.0;
        sum_x += x;
        sum_h += cell(s, LOY_RFM_COL_X_HOLDOUT, r);
    }
    assert_int_equal(zero, 1411);
    assert_int_equal(pos, 946);
    assert_close(sum_x, 2457, 0, 0);
    assert_close(sum_h, 1882, 0, 0);
    assert_ok(loy_rfm_summary_info(&info, s));
    assert_close(info.duration_holdout, 273.0 / 7.0, 1e-15, 0); /* 39 weeks */
    assert_true(info.n_customers_dropped == 0);
    {
        const int64_t *first = NULL;
        assert_ok(loy_rfm_summary_first_times(&first, s));
        assert_true(first[0] == days(1997, 1, 1)); /* customer 1 */
        for (r = 0; r < 2357; r++) /* all first purchases in Q1 1997 */
            assert_true(first[r] >= days(1997, 1, 1)
                        && first[r] <= days(1997, 3, 25));
    }
    p = loy_test_data_path("cdnow/cdnow_customers_summary.csv", buf2,
                           sizeof buf2);
    assert_non_null(p);
    assert_int_equal(compare_csv(s, p, 3, cols3, f3), 2357);
    p = loy_test_data_path("cdnow/cdnow_customers_summary_with_transactions"
                           ".csv", buf2, sizeof buf2);
    if (p != NULL)
        assert_int_equal(compare_csv(s, p, 4, cols4, f4), 2357);
    cdnow_gamma_gamma(s);
    loy_rfm_summary_free(s);
}

/* ---------------------------------------------------------------- */
/* bad input                                                         */
/* ---------------------------------------------------------------- */

static void
test_bad_input(void **state)
{
    uint64_t id[3] = {1, 2, 3};
    int64_t t[3] = {0, 5, 10};
    double v[3] = {1, 2, 3};
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = (loy_rfm_summary *)&o;
    size_t e = 0;
    (void)state;
    assert_status(loy_rfm_summarize(NULL, id, t, v, 3, 10, NULL, &e),
                  LOY_EINVAL);
    assert_status(loy_rfm_summarize(&s, NULL, t, v, 3, 10, NULL, &e),
                  LOY_EINVAL);
    assert_null(s);
    assert_status(loy_rfm_summarize(&s, id, NULL, v, 3, 10, NULL, &e),
                  LOY_EINVAL);
    assert_status(loy_rfm_summarize(&s, id, t, v, 0, 10, NULL, &e),
                  LOY_EEMPTY);
    v[1] = NAN;
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e),
                  LOY_ENONFINITE);
    assert_int_equal(e, 1);
    v[1] = INFINITY;
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e),
                  LOY_ENONFINITE);
    v[1] = 2;
    v[2] = -0.01;
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 2);
    v[2] = 3;
    t[0] = INT64_MIN; /* |t| >= 2^62 */
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 0);
    t[0] = 10 - 5000000000LL; /* more than 2^32 periods back */
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 0);
    t[0] = 0;
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, INT64_MAX, NULL, &e),
                  LOY_ESCALE);
    assert_int_equal(e, LOY_NO_INDEX);
    /* every row after the observation end: no customer */
    assert_status(loy_rfm_summarize(&s, id, t, v, 3, -1, NULL, &e),
                  LOY_EEMPTY);
    assert_ok(loy_rfm_summarize(&s, id, t, v, 3, 10, NULL, &e));
    assert_int_equal(e, LOY_NO_INDEX);
    loy_rfm_summary_free(s);
}

static void
test_bad_options(void **state)
{
    uint64_t id[3] = {1, 2, 3};
    int64_t t[3] = {0, 5, 10};
    loy_rfm_options o;
    loy_rfm_summary *s = NULL;
    (void)state;
    assert_ok(loy_rfm_options_init(&o));
    assert_status(loy_rfm_options_init(NULL), LOY_EINVAL);
    o.period_length = 0;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_EDOMAIN);
    o.period_length = -7;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_EDOMAIN);
    loy_rfm_options_init(&o);
    o.freq_multiplier = 0;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_EDOMAIN);
    o.freq_multiplier = NAN;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_ENONFINITE);
    loy_rfm_options_init(&o);
    o.flags = 0x80u;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_EINVAL);
    loy_rfm_options_init(&o);
    o.struct_size = sizeof(size_t);
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_EINVAL);
    loy_rfm_options_init(&o);
    o.period_origin = INT64_MIN;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL),
                  LOY_ESCALE);
    /* observation end before calibration end */
    loy_rfm_options_init(&o);
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 8;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 7, &o, NULL),
                  LOY_EINVAL);
    /* empty holdout window (no row in (8, 9]), and equal ends */
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 9, &o, NULL),
                  LOY_EEMPTY);
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 8, &o, NULL),
                  LOY_EEMPTY);
    assert_null(s);
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 3, 10, &o, NULL));
    assert_int_equal(loy_rfm_summary_count(s), 2);
    loy_rfm_summary_free(s);
}

/* Extreme but valid scales: periods of 2^61 units, times near +-2^62. */
static void
test_extreme_scales(void **state)
{
    const int64_t lim = (int64_t)1 << 62;
    uint64_t id[4] = {7, 7, 8, 8};
    int64_t t[4];
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    loy_rfm_builder *b = NULL;
    char *p;
    size_t i;
    (void)state;
    t[0] = -(lim - 1); /* period 0 */
    t[1] = lim - 1;    /* t - origin = 2^63 - 2: period 3 */
    t[2] = 0;          /* period 1 */
    t[3] = 1;          /* period 2 */
    o.period_length = (int64_t)1 << 61;
    o.period_origin = -(lim - 1);
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 4, lim - 1, &o, NULL));
    assert_row(s, 0, 7, 1, 3, 3);
    assert_row(s, 1, 8, 1, 1, 2);
    loy_rfm_summary_free(s);
    /* 2^62 itself is out of range (t - origin would overflow) */
    t[1] = lim;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 4, lim - 1, &o, NULL),
                  LOY_ESCALE);
    o.period_origin = -lim;
    t[1] = 0;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 4, 5, &o, NULL),
                  LOY_ESCALE);
    /* a holdout of more than 2^32 - 1 periods cannot be represented */
    loy_rfm_options_init(&o);
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 0;
    assert_status(loy_rfm_builder_new(&b, (int64_t)1 << 33, &o), LOY_ESCALE);
    assert_null(b);
    /* the large-block allocator returns zeroed, writable memory */
    p = loy__big_calloc((size_t)5 << 20, 1);
    assert_non_null(p);
    for (i = 0; i < ((size_t)5 << 20); i += 4096)
        assert_int_equal(p[i], 0);
    p[((size_t)5 << 20) - 1] = 1;
    free(p);
    p = loy__big_alloc(0);
    assert_non_null(p);
    free(p);
    assert_null(loy__big_calloc(SIZE_MAX / 2, 4));
}

static void
test_builder_and_accessor_errors(void **state)
{
    uint64_t id[2] = {1, 2};
    int64_t t[2] = {0, 5};
    double v[2] = {1, -1};
    loy_rfm_builder *b = NULL;
    loy_rfm_summary *s = NULL;
    loy_rfm_info info;
    const double *col = NULL;
    const uint64_t *ids = NULL;
    const int64_t *ft = NULL;
    size_t e = 0;
    (void)state;
    assert_status(loy_rfm_builder_new(NULL, 10, NULL), LOY_EINVAL);
    assert_ok(loy_rfm_builder_new(&b, 10, NULL));
    assert_status(loy_rfm_builder_finish(&s, b), LOY_EEMPTY);
    assert_status(loy_rfm_builder_add(NULL, id, t, v, 2, &e), LOY_EINVAL);
    assert_status(loy_rfm_builder_add(b, id, NULL, v, 2, &e), LOY_EINVAL);
    /* a bad chunk adds nothing */
    assert_status(loy_rfm_builder_add(b, id, t, v, 2, &e), LOY_ESCALE);
    assert_int_equal(e, 1);
    assert_status(loy_rfm_builder_finish(&s, b), LOY_EEMPTY);
    assert_ok(loy_rfm_builder_add(b, id, t, v, 1, &e));
    assert_status(loy_rfm_builder_finish(NULL, b), LOY_EINVAL);
    assert_status(loy_rfm_builder_finish(&s, NULL), LOY_EINVAL);
    assert_ok(loy_rfm_builder_finish(&s, b));
    assert_int_equal(loy_rfm_summary_count(s), 1);
    assert_int_equal(loy_rfm_summary_count(NULL), 0);
    assert_status(loy_rfm_summary_column(&col, s, LOY_RFM_COL_X_HOLDOUT),
                  LOY_EINVAL);
    assert_null(col);
    assert_status(loy_rfm_summary_column(&col, s, -1), LOY_EINVAL);
    assert_status(loy_rfm_summary_column(&col, s, 6), LOY_EINVAL);
    assert_status(loy_rfm_summary_column(NULL, s, 0), LOY_EINVAL);
    assert_status(loy_rfm_summary_column(&col, NULL, 0), LOY_EINVAL);
    assert_status(loy_rfm_summary_ids(&ids, NULL), LOY_EINVAL);
    assert_status(loy_rfm_summary_first_times(&ft, NULL), LOY_EINVAL);
    assert_status(loy_rfm_summary_info(NULL, s), LOY_EINVAL);
    info.struct_size = 8;
    assert_status(loy_rfm_summary_info(&info, s), LOY_EINVAL);
    loy_rfm_summary_free(s);
    loy_rfm_summary_free(NULL);
    loy_rfm_builder_free(b);
    loy_rfm_builder_free(NULL);
}


/*
 * Issue 20: where 1.0 returned infinite or NaN columns with LOY_OK. A
 * denormal freq_multiplier made t_x = T = inf; amounts whose per-customer
 * sum passes DBL_MAX gave an infinite or NaN mean.
 */
static void
test_no_infinity_with_ok(void **state)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    uint64_t id[3] = {1, 1, 1};
    int64_t t[3] = {0, 10, 20};
    double big[3] = {1e308, 1e308, 1e308};
    (void)state;
    o.freq_multiplier = 1e-320;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 30, &o, NULL),
                  LOY_EDOMAIN);
    assert_null(s);
    o.freq_multiplier = 0x1p-991;
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 3, 30, &o, NULL),
                  LOY_EDOMAIN);
    /* the smallest accepted multiplier keeps every column finite */
    o.freq_multiplier = 0x1p-990;
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 3, 30, &o, NULL));
    assert_close(cell(s, LOY_RFM_COL_T_X, 0), 20.0 * 0x1p990, 1e-15, 0);
    assert_close(cell(s, LOY_RFM_COL_T, 0), 30.0 * 0x1p990, 1e-15, 0);
    loy_rfm_summary_free(s);

    /* three purchases of 1e308: the repeat sum is 2e308 */
    assert_status(loy_rfm_summarize(&s, id, t, big, 3, 30, NULL, NULL),
                  LOY_EOVERFLOW);
    assert_null(s);
    /* two: one repeat purchase, a finite mean */
    assert_ok(loy_rfm_summarize(&s, id, t, big, 2, 30, NULL, NULL));
    assert_close(cell(s, LOY_RFM_COL_MONETARY, 0), 1e308, 0, 0);
    loy_rfm_summary_free(s);
    /* ... unless the first purchase counts too */
    o = (loy_rfm_options)LOY_RFM_OPTIONS_INIT;
    o.flags = LOY_RFM_INCLUDE_FIRST;
    assert_status(loy_rfm_summarize(&s, id, t, big, 2, 30, &o, NULL),
                  LOY_EOVERFLOW);
    /* two purchases on one day merge into one transaction of 2e308 */
    t[1] = 0;
    assert_status(loy_rfm_summarize(&s, id, t, big, 2, 30, &o, NULL),
                  LOY_EOVERFLOW);
    /* the holdout sum: two holdout rows of 1e308 */
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 5;
    t[1] = 10;
    assert_status(loy_rfm_summarize(&s, id, t, big, 3, 30, &o, NULL),
                  LOY_EOVERFLOW);
    assert_null(s);
}

/*
 * Issue 20: a time origin and window ends at the opposite limits of the
 * time range put the earliest valid period below INT64_MIN, a signed
 * overflow in 1.0 (caught by the UBSan build of the suite).
 */
static void
test_int64_limits(void **state)
{
    const int64_t lim = ((int64_t)1 << 62) - 1;
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    loy_rfm_builder *b = NULL;
    uint64_t id[2] = {1, 1};
    int64_t t[2] = {-lim, -lim};
    (void)state;
    o.period_origin = lim;
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 2, -lim, &o, NULL));
    assert_int_equal(loy_rfm_summary_count(s), 1);
    assert_close(cell(s, LOY_RFM_COL_X, 0), 0, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_T, 0), 0, 0, 0);
    loy_rfm_summary_free(s);
    o.period_length = 3;
    assert_ok(loy_rfm_builder_new(&b, -lim, &o));
    assert_ok(loy_rfm_builder_add(b, id, t, NULL, 2, NULL));
    loy_rfm_builder_free(b);
    /* the mirror image at the top of the range */
    o.period_length = 1;
    o.period_origin = -lim;
    t[0] = lim - 1;
    t[1] = lim;
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 2, lim, &o, NULL));
    assert_close(cell(s, LOY_RFM_COL_X, 0), 1, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_T_X, 0), 1, 0, 0);
    assert_close(cell(s, LOY_RFM_COL_T, 0), 1, 0, 0);
    loy_rfm_summary_free(s);
    /* with the origin at the top and 2-day periods, a row 2^33 periods
     * before the end was accepted by 1.0 (its offset wrapped to T = 0) */
    o.period_origin = lim;
    o.period_length = 2;
    t[0] = t[1] = -((int64_t)1 << 34);
    assert_status(loy_rfm_summarize(&s, id, t, NULL, 2, 0, &o, NULL),
                  LOY_ESCALE);
    t[0] = t[1] = -((int64_t)1 << 32); /* 2^31 periods: fine */
    assert_ok(loy_rfm_summarize(&s, id, t, NULL, 2, 0, &o, NULL));
    assert_close(cell(s, LOY_RFM_COL_T, 0), 2147483648.0, 0, 0);
    loy_rfm_summary_free(s);
    o.period_length = 1;
    /* a holdout of 2^63 - 2 periods is refused, not wrapped */
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = -lim;
    assert_status(loy_rfm_builder_new(&b, lim, &o), LOY_ESCALE);
    assert_null(b);
}

/*
 * Issue 20: the holdout row count of a customer was 32 bits wide, so a
 * streamed log with 2^32 + 1 holdout rows of one customer, each worth 1,
 * reported monetary_holdout 4294967297. The rows are accounted through a
 * test hook rather than streamed (which would take minutes).
 */
static void
test_holdout_rows_past_2_32(void **state)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_builder *b = NULL;
    loy_rfm_summary *s = NULL;
    loy_rfm_info info = {sizeof info, 0, 0, 0, 0, 0, 0.0, 0};
    uint64_t id[2] = {7, 7};
    int64_t t[2] = {0, 11};
    double a[2] = {5.0, 1.0};
    (void)state;
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 10;
    assert_ok(loy_rfm_builder_new(&b, 20, &o));
    assert_ok(loy_rfm_builder_add(b, id, t, a, 2, NULL));
    assert_status(loy__rfm_builder_add_holdout_rows(b, 8, 1, 1.0),
                  LOY_EINVAL); /* not a customer */
    assert_ok(loy__rfm_builder_add_holdout_rows(b, 7, (uint64_t)1 << 32,
                                                 4294967296.0));
    assert_ok(loy_rfm_builder_finish(&s, b));
    assert_close(cell(s, LOY_RFM_COL_MONETARY_HOLDOUT, 0), 1.0, 1e-15, 0);
    assert_close(cell(s, LOY_RFM_COL_X_HOLDOUT, 0), 1.0, 0, 0);
    assert_ok(loy_rfm_summary_info(&info, s));
    assert_true(info.n_rows_holdout == ((uint64_t)1 << 32) + 1);
    loy_rfm_summary_free(s);
    loy_rfm_builder_free(b);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l1_daily),
        cmocka_unit_test(test_l2_daily_and_weekly),
        cmocka_unit_test(test_l2_calibration_daily),
        cmocka_unit_test(test_l2_calibration_weekly),
        cmocka_unit_test(test_l2_observation_end_0204),
        cmocka_unit_test(test_same_week_and_same_day),
        cmocka_unit_test(test_monetary_any_order),
        cmocka_unit_test(test_include_first),
        cmocka_unit_test(test_drop_by_period),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_order_and_chunking),
        cmocka_unit_test(test_radix_sort),
        loy_data_test(test_cdnow),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_extreme_scales),
        cmocka_unit_test(test_builder_and_accessor_errors),
        cmocka_unit_test(test_no_infinity_with_ok),
        cmocka_unit_test(test_int64_limits),
        cmocka_unit_test(test_holdout_rows_past_2_32),
    };
    return loy_run_tests(tests);
}
