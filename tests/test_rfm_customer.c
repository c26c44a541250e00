/* SPDX-License-Identifier: MIT */
/* test_rfm_customer.c - the one-customer mergeable purchase-log summary:
 * the lifetimes reference rows (MODELS.md 5.4), equality with the
 * many-customer builder on random logs in every option combination, rows
 * split in pieces and merged (byte-identical to one pass), the byte form
 * and its malformed cases. */
#include "testutil.h"

#include <string.h>

/* Days since 1970-01-01 (proleptic Gregorian, Hinnant's method). */
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

typedef struct log_row {
    uint64_t id;
    int m, d;
    double v;
} log_row;

/* L2 of MODELS 5.4 (2015). */
static const log_row L2[] = {
    {1, 1, 1, 1},  {1, 2, 6, 2},  {2, 1, 1, 2},  {3, 1, 1, 3},  {3, 1, 2, 1},
    {3, 1, 5, 5},  {4, 1, 16, 6}, {4, 2, 2, 3},  {4, 2, 5, 3},  {5, 1, 16, 3},
    {5, 1, 17, 1}, {5, 1, 18, 8}, {6, 2, 2, 5},
};
#define N_L2 (sizeof L2 / sizeof L2[0])

/* The state of customer `id` of L2, rows added one at a time. */
static loy_rfm_customer *
l2_customer(uint64_t id, int64_t end, const loy_rfm_options *o)
{
    loy_rfm_customer *c = NULL;
    size_t i;
    assert_ok(loy_rfm_customer_new(&c, end, o));
    for (i = 0; i < N_L2; i++) {
        int64_t t = days(2015, L2[i].m, L2[i].d);
        if (L2[i].id == id)
            assert_ok(loy_rfm_customer_add(c, &t, &L2[i].v, 1, NULL));
    }
    return c;
}

static void
test_l2_daily_weekly(void **state)
{
    /* (x, t_x, T, monetary) daily and (x, t_x, T) weekly, MODELS 5.4 */
    static const double daily[6][4] = {
        {1, 36, 37, 2}, {0, 0, 37, 0}, {2, 4, 37, 3},
        {2, 20, 22, 3}, {2, 2, 22, 4.5}, {0, 0, 5, 0}};
    static const double weekly[6][3] = {
        {1, 5, 5}, {0, 0, 5}, {1, 1, 5}, {1, 3, 3}, {0, 0, 3}, {0, 0, 0}};
    loy_rfm_options wk = LOY_RFM_OPTIONS_INIT;
    uint64_t id;
    (void)state;
    wk.period_length = 7;
    wk.period_origin = -3;
    for (id = 1; id <= 6; id++) {
        loy_rfm_customer *c = l2_customer(id, days(2015, 2, 7), NULL);
        double row[6];
        int64_t first = 0;
        int k;
        assert_ok(loy_rfm_customer_row(row, 4, &first, c));
        for (k = 0; k < 4; k++)
            assert_close(row[k], daily[id - 1][k], 0, 1e-12);
        assert_true(first <= days(2015, 2, 2));
        loy_rfm_customer_free(c);
        c = l2_customer(id, days(2015, 2, 7), &wk);
        assert_ok(loy_rfm_customer_row(row, 4, NULL, c));
        for (k = 0; k < 3; k++)
            assert_close(row[k], weekly[id - 1][k], 0, 1e-12);
        loy_rfm_customer_free(c);
    }
}

static void
test_l2_calibration(void **state)
{
    /* weekly (x_cal, t_x_cal, T_cal, x_holdout), MODELS 5.4 */
    static const double weekly[5][4] = {
        {0, 0, 4, 1}, {0, 0, 4, 0}, {1, 1, 4, 0}, {0, 0, 2, 1}, {0, 0, 2, 0}};
    static const double mon_cal[5] = {0, 0, 3, 0, 4.5};
    static const double mon_hold[5] = {2, 0, 0, 3, 0};
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    double row[6];
    uint64_t id;
    (void)state;
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = days(2015, 2, 1);
    for (id = 1; id <= 5; id++) {
        loy_rfm_customer *c = l2_customer(id, days(2015, 2, 7), &o);
        assert_status(loy_rfm_customer_row(row, 4, NULL, c), LOY_EINVAL);
        assert_ok(loy_rfm_customer_row(row, 6, NULL, c));
        assert_close(row[LOY_RFM_COL_MONETARY], mon_cal[id - 1], 0, 1e-12);
        assert_close(row[LOY_RFM_COL_MONETARY_HOLDOUT], mon_hold[id - 1], 0,
                     1e-12);
        assert_close(row[LOY_RFM_COL_X_HOLDOUT], id == 1 ? 1 : id == 4 ? 2 : 0,
                     0, 0);
        loy_rfm_customer_free(c);
    }
    /* customer 6 has no calibration row: the builder drops it */
    {
        loy_rfm_customer *c = l2_customer(6, days(2015, 2, 7), &o);
        assert_status(loy_rfm_customer_row(row, 6, NULL, c), LOY_EEMPTY);
        loy_rfm_customer_free(c);
    }
    o.period_length = 7;
    o.period_origin = -3;
    for (id = 1; id <= 5; id++) {
        loy_rfm_customer *c = l2_customer(id, days(2015, 2, 7), &o);
        int k;
        assert_ok(loy_rfm_customer_row(row, 6, NULL, c));
        for (k = 0; k < 3; k++)
            assert_close(row[k], weekly[id - 1][k], 0, 1e-12);
        assert_close(row[LOY_RFM_COL_X_HOLDOUT], weekly[id - 1][3], 0, 0);
        loy_rfm_customer_free(c);
    }
}

/* A random log of `nc` customers with whole-dollar amounts. */
typedef struct rlog {
    uint64_t *id;
    int64_t *t;
    double *v;
    size_t n;
} rlog;

static rlog
random_log(size_t n, size_t nc, uint64_t seed)
{
    rlog g;
    loy_test_rng r = {seed};
    size_t i;
    g.n = n;
    g.id = malloc(n * sizeof *g.id);
    g.t = malloc(n * sizeof *g.t);
    g.v = malloc(n * sizeof *g.v);
    for (i = 0; i < n; i++) {
        g.id[i] = 1 + loy_test_rng_next(&r) % nc;
        g.t[i] = 16000 + (int64_t)(loy_test_rng_next(&r) % 500);
        g.v[i] = (double)(loy_test_rng_next(&r) % 100);
    }
    return g;
}

static void
rlog_free(rlog *g)
{
    free(g->id);
    free(g->t);
    free(g->v);
}

static uint8_t *
cust_bytes(const loy_rfm_customer *c, size_t *len)
{
    uint8_t *b;
    assert_ok(loy_rfm_customer_serialize(NULL, 0, len, c));
    b = malloc(*len);
    assert_ok(loy_rfm_customer_serialize(b, *len, len, c));
    return b;
}

/*
 * Per customer: the rows split in three pieces (state per piece, sent as
 * bytes, merged in reverse order) give the builder's row exactly, and the
 * merged bytes equal the bytes of one pass.
 */
static void
check_against_builder(const rlog *g, int64_t end, const loy_rfm_options *o)
{
    loy_rfm_summary *s = NULL;
    const uint64_t *ids;
    const double *col[6];
    int calib = (o->flags & LOY_RFM_CALIBRATION) != 0, ncol = calib ? 6 : 4;
    size_t r, i, k;
    int c;
    assert_ok(loy_rfm_summarize(&s, g->id, g->t, g->v, g->n, end, o, NULL));
    assert_ok(loy_rfm_summary_ids(&ids, s));
    for (c = 0; c < ncol; c++)
        assert_ok(loy_rfm_summary_column(&col[c], s, c));
    for (r = 0; r < loy_rfm_summary_count(s); r++) {
        loy_rfm_customer *one = NULL, *acc = NULL, *part[3];
        int64_t *t = malloc(g->n * sizeof *t);
        double *v = malloc(g->n * sizeof *v), row[6];
        uint8_t *b1, *b2;
        size_t m = 0, l1, l2;
        for (i = 0; i < g->n; i++)
            if (g->id[i] == ids[r]) {
                t[m] = g->t[i];
                v[m++] = g->v[i];
            }
        assert_ok(loy_rfm_customer_new(&one, end, o));
        assert_ok(loy_rfm_customer_add(one, t, v, m, NULL));
        assert_ok(loy_rfm_customer_row(row, 6, NULL, one));
        for (c = 0; c < ncol; c++)
            assert_true(row[c] == col[c][r]);
        /* pieces [0, m/3), [m/3, m/2), [m/2, m), merged last-first */
        for (k = 0; k < 3; k++) {
            size_t lo = k == 0 ? 0 : k == 1 ? m / 3 : m / 2;
            size_t hi = k == 0 ? m / 3 : k == 1 ? m / 2 : m;
            loy_rfm_customer *p = NULL;
            uint8_t *pb;
            size_t pl;
            assert_ok(loy_rfm_customer_new(&p, end, o));
            assert_ok(loy_rfm_customer_add(p, t + lo, v + lo, hi - lo, NULL));
            pb = cust_bytes(p, &pl);
            loy_rfm_customer_free(p);
            assert_ok(loy_rfm_customer_deserialize(&part[k], pb, pl));
            free(pb);
        }
        assert_ok(loy_rfm_customer_new(&acc, end, o));
        for (k = 3; k > 0; k--) {
            assert_ok(loy_rfm_customer_merge(acc, part[k - 1]));
            loy_rfm_customer_free(part[k - 1]);
        }
        assert_ok(loy_rfm_customer_row(row, 6, NULL, acc));
        for (c = 0; c < ncol; c++)
            assert_true(row[c] == col[c][r]);
        b1 = cust_bytes(one, &l1);
        b2 = cust_bytes(acc, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(b1, b2, l1);
        free(b1);
        free(b2);
        loy_rfm_customer_free(one);
        loy_rfm_customer_free(acc);
        free(t);
        free(v);
    }
    loy_rfm_summary_free(s);
}

static void
test_equals_builder(void **state)
{
    rlog g = random_log(3000, 60, 11);
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    int64_t end = 16400;
    (void)state;
    check_against_builder(&g, end, &o); /* daily, late rows dropped */
    o.period_length = 7;
    o.period_origin = -3;
    o.freq_multiplier = 1.0;
    check_against_builder(&g, end, &o);
    o.period_length = 1;
    o.period_origin = 0;
    o.freq_multiplier = 7.0;
    check_against_builder(&g, end, &o);
    o.flags = LOY_RFM_INCLUDE_FIRST;
    check_against_builder(&g, end, &o);
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 16300;
    check_against_builder(&g, end, &o);
    o.period_length = 30;
    o.period_origin = 5;
    o.flags = LOY_RFM_CALIBRATION | LOY_RFM_INCLUDE_FIRST;
    check_against_builder(&g, end, &o);
    rlog_free(&g);
}

static void
test_errors(void **state)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT, o2 = LOY_RFM_OPTIONS_INIT;
    loy_rfm_customer *c = NULL, *d = NULL;
    int64_t t[3] = {10, 11, 12};
    double v[3] = {1, 2, 3}, row[6];
    size_t bad = 0;
    (void)state;
    o.period_length = 0;
    assert_status(loy_rfm_customer_new(&c, 100, &o), LOY_EDOMAIN);
    assert_null(c);
    o.period_length = 1;
    o.freq_multiplier = NAN;
    assert_status(loy_rfm_customer_new(&c, 100, &o), LOY_ENONFINITE);
    o.freq_multiplier = 1;
    o.flags = 0x80;
    assert_status(loy_rfm_customer_new(&c, 100, &o), LOY_EINVAL);
    o.flags = 0;
    assert_status(loy_rfm_customer_new(NULL, 100, &o), LOY_EINVAL);
    assert_status(loy_rfm_customer_new(&c, INT64_MAX, &o), LOY_ESCALE);
    assert_ok(loy_rfm_customer_new(&c, 100, &o));
    assert_status(loy_rfm_customer_row(row, 4, NULL, c), LOY_EEMPTY);
    v[1] = NAN;
    assert_status(loy_rfm_customer_add(c, t, v, 3, &bad), LOY_ENONFINITE);
    assert_int_equal(bad, 1);
    v[1] = -2;
    assert_status(loy_rfm_customer_add(c, t, v, 3, &bad), LOY_ESCALE);
    v[1] = 2;
    t[2] = INT64_MIN;
    assert_status(loy_rfm_customer_add(c, t, v, 3, &bad), LOY_ESCALE);
    assert_int_equal(bad, 2);
    assert_status(loy_rfm_customer_row(row, 4, NULL, c), LOY_EEMPTY);
    t[2] = 12;
    assert_status(loy_rfm_customer_add(c, NULL, v, 3, NULL), LOY_EINVAL);
    assert_ok(loy_rfm_customer_add(c, t, NULL, 3, NULL));
    assert_ok(loy_rfm_customer_row(row, 4, NULL, c));
    assert_true(row[0] == 2 && row[3] == 0);
    assert_status(loy_rfm_customer_row(row, 3, NULL, c), LOY_EINVAL);
    /* different options or ends do not merge */
    o2.freq_multiplier = 7;
    assert_ok(loy_rfm_customer_new(&d, 100, &o2));
    assert_status(loy_rfm_customer_merge(c, d), LOY_EINVAL);
    loy_rfm_customer_free(d);
    assert_ok(loy_rfm_customer_new(&d, 101, NULL));
    assert_status(loy_rfm_customer_merge(c, d), LOY_EINVAL);
    loy_rfm_customer_free(d);
    /* merging with itself: the same periods, doubled sums */
    v[0] = 1;
    assert_ok(loy_rfm_customer_add(c, t, v, 3, NULL));
    assert_ok(loy_rfm_customer_merge(c, c));
    assert_ok(loy_rfm_customer_row(row, 4, NULL, c));
    assert_true(row[0] == 2 && row[1] == 2 && row[2] == 90);
    assert_close(row[3], (2 * 2 + 2 * 3) / 2.0, 0, 1e-12);
    loy_rfm_customer_free(c);
    loy_rfm_customer_free(NULL);
}

static void
put_u64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
test_malformed(void **state)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_customer *c = NULL, *back = NULL;
    int64_t t[4] = {100, 103, 103, 120};
    double v[4] = {1, 2, 3, 4};
    uint8_t *buf, bad[256];
    size_t len, k;
    (void)state;
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = 110;
    assert_ok(loy_rfm_customer_new(&c, 130, &o));
    assert_ok(loy_rfm_customer_add(c, t, v, 4, NULL));
    buf = cust_bytes(c, &len);
    /* header 16 + fixed 136 + 2 calibration offsets + 1 holdout offset */
    assert_int_equal(len, 16 + 136 + 12);
    assert_int_equal(buf[4], 6); /* kind */
    for (k = 0; k < len; k++) {
        assert_status(loy_rfm_customer_deserialize(&back, buf, k), LOY_EFORMAT);
        assert_null(back);
    }
    /* byte positions: options 16..55 (flags at 48, reserved 52), end 56,
     * rows 64, dropped 72, has_cal 80, holdout rows 84, first_time 88,
     * first_sum 96, rep 104, hold 120, counts 136 and 144, offsets 152 */
    for (k = 0; k < 10; k++) {
        memcpy(bad, buf, len);
        switch (k) {
        case 0: put_u64(bad + 16, 0u); break;         /* period_length 0 */
        case 1: bad[48] |= 0x40; break;               /* unknown flag */
        case 2: bad[52] = 1; break;                   /* reserved */
        case 3: bad[80] = 0; break;                   /* has_cal 0 */
        case 4: put_u64(bad + 88, 50u); break;        /* first time elsewhere */
        case 5: /* calibration offsets out of order */
            memcpy(bad + 152, buf + 156, 4);
            memcpy(bad + 156, buf + 152, 4);
            break;
        case 6: put_u64(bad + 136, 3u); break;        /* counts vs length */
        case 7: bad[160] = 200; break;                /* holdout offset > 20 */
        case 8: put_u64(bad + 64, 1u); break;         /* rows added < kept */
        default: bad[111] = 0xFF; break;              /* rep sum < 0 */
        }
        assert_status(loy_rfm_customer_deserialize(&back, bad, len),
                      LOY_EFORMAT);
        assert_null(back);
    }
    assert_ok(loy_rfm_customer_deserialize(&back, buf, len));
    {
        size_t l2;
        uint8_t *b2 = cust_bytes(back, &l2), small[8];
        assert_memory_equal(buf, b2, len);
        free(b2);
        assert_status(loy_rfm_customer_serialize(small, 8, &l2, back),
                      LOY_EBUFSIZE);
        assert_int_equal(l2, len);
    }
    loy_rfm_customer_free(back);
    assert_status(loy_rfm_customer_deserialize(&back, NULL, 3), LOY_EINVAL);
    assert_null(back);
    loy_rfm_customer_free(c);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l2_daily_weekly),
        cmocka_unit_test(test_l2_calibration),
        cmocka_unit_test(test_equals_builder),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
