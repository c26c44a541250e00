/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_change.c - period-over-period change (the two-sample
 * comparison per pair of periods) and the top-box trend (logistic
 * regression of 9-10 against 7-8 answers), against loy_nps_compare() and
 * R's glm(cbind(P, A) ~ t, family = quasibinomial) (R 4.2, values quoted).
 */
#include "testutil.h"

#include <string.h>

#include "numeric/student.h"

#define SENTINEL -999.0

typedef struct change_buf {
    double v[6][256];
    uint32_t fl[256];
    loy_change_points p;
} change_buf;

static void
change_init(change_buf *b)
{
    size_t i, k;
    for (k = 0; k < 6; k++)
        for (i = 0; i < 256; i++)
            b->v[k][i] = SENTINEL;
    for (i = 0; i < 256; i++)
        b->fl[i] = 0xABCDu;
    memset(&b->p, 0, sizeof b->p);
    b->p.struct_size = sizeof b->p;
    b->p.diff = b->v[0];
    b->p.se = b->v[1];
    b->p.z = b->v[2];
    b->p.p_value = b->v[3];
    b->p.lower = b->v[4];
    b->p.upper = b->v[5];
    b->p.flags = b->fl;
}

static loy_nps_tally
tally_at(const uint64_t *c, size_t i, size_t stride)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    t.detractors = c[i * stride];
    t.passives = c[i * stride + 1];
    t.promoters = c[i * stride + 2];
    return t;
}

/* Every pair (t, t - lag) equals loy_nps_compare() on the two tallies. */
static void
test_change_matches_compare(void **state)
{
    enum { U = 3, T = 20 };
    uint64_t c[4 * U * T];
    static change_buf b;
    loy_test_rng rng = {12u};
    size_t i, lag;
    uint32_t method;
    (void)state;
    for (i = 0; i < U * T; i++) {
        c[4 * i] = loy_test_rng_next(&rng) % 30;
        c[4 * i + 1] = loy_test_rng_next(&rng) % 30;
        c[4 * i + 2] = loy_test_rng_next(&rng) % 40;
        c[4 * i + 3] = 7;
    }
    memset(c + 4 * 9, 0, 3 * sizeof(uint64_t)); /* a gap at (0, 9) */
    for (lag = 1; lag <= 4; lag += 3) {
        for (method = 0; method <= LOY_NPS_ADJUSTED_WALD; method++) {
            change_init(&b);
            assert_ok(loy_change_compute(&b.p, c, U, T, 4, lag, method, 0.9,
                                         NULL, NULL));
            for (i = 0; i < U * T; i++) {
                size_t t = i % T;
                loy_nps_tally a, p;
                loy_nps_diff d;
                if (t < lag || (i == 9) || (t >= lag && i - lag == 9)) {
                    assert_int_equal(b.fl[i], LOY_CHANGE_NONE);
                    assert_true(b.v[0][i] == SENTINEL);
                    continue;
                }
                a = tally_at(c, i, 4);
                p = tally_at(c, i - lag, 4);
                d.struct_size = sizeof d;
                assert_ok(loy_nps_compare(&d, &a, &p, method, 0.9, NULL));
                assert_close(b.v[0][i], d.diff, 0, 0);
                assert_close(b.v[1][i], d.se, 0, 0);
                assert_close(b.v[2][i], d.z_stat, 0, 0);
                assert_close(b.v[3][i], d.p_value, 0, 0);
                assert_close(b.v[4][i], d.lower, 0, 0);
                assert_close(b.v[5][i], d.upper, 0, 0);
                assert_int_equal(b.fl[i], d.flags);
            }
        }
    }
}

/* A pair with zero standard error: diff and se only. */
static void
test_change_degenerate(void **state)
{
    uint64_t c[6] = {0, 0, 10, 0, 0, 4};
    static change_buf b;
    (void)state;
    change_init(&b);
    assert_ok(loy_change_compute(&b.p, c, 1, 2, 3, 1, LOY_NPS_WALD, 0.95, NULL,
                                 NULL));
    assert_int_equal(b.fl[0], LOY_CHANGE_NONE);
    assert_true(b.fl[1] & LOY_NPS_DEGENERATE);
    assert_close(b.v[0][1], 0.0, 0, 0);
    assert_close(b.v[1][1], 0.0, 0, 0);
    assert_true(b.v[2][1] == SENTINEL && b.v[4][1] == SENTINEL);
}

static void
test_change_errors(void **state)
{
    uint64_t c[6] = {1, 2, 3, 4, 5, 6};
    static change_buf b;
    loy_nps_options o = LOY_NPS_OPTIONS_INIT;
    size_t bad = 0;
    (void)state;
    change_init(&b);
    assert_status(loy_change_compute(NULL, c, 1, 2, 3, 1, 0, 0.95, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 0, 0, 0.95, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, 2, 0.95, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_change_compute(&b.p, c, 0, 2, 3, 1, 0, 0.95, NULL, NULL),
                  LOY_EEMPTY);
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, 0, 1.5, NULL, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, 0, NAN, NULL, NULL),
                  LOY_ENONFINITE);
    o.pseudo[0] = -1;
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, LOY_NPS_ADJUSTED_WALD,
                                     0.95, &o, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_change_compute(&b.p, c, 1, 2, 2, 1, 0, 0.95, NULL, NULL),
                  LOY_EINVAL);
    c[4] = UINT64_MAX;
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, 0, 0.95, NULL, &bad),
                  LOY_EOVERFLOW);
    assert_int_equal(bad, 1);
    assert_true(b.v[0][1] == SENTINEL); /* nothing written */
    b.p.struct_size = 4;
    c[4] = 5;
    assert_status(loy_change_compute(&b.p, c, 1, 2, 3, 1, 0, 0.95, NULL, NULL),
                  LOY_EINVAL);
}

/* ---- Top-box trend ----------------------------------------------------- */

typedef struct trend_buf {
    double v[8][64];
    size_t n[64];
    uint32_t fl[64];
    loy_trend_units u;
} trend_buf;

static void
trend_init(trend_buf *b)
{
    size_t i, k;
    for (k = 0; k < 8; k++)
        for (i = 0; i < 64; i++)
            b->v[k][i] = SENTINEL;
    for (i = 0; i < 64; i++) {
        b->n[i] = 777;
        b->fl[i] = 0xABCDu;
    }
    memset(&b->u, 0, sizeof b->u);
    b->u.struct_size = sizeof b->u;
    b->u.slope = b->v[0];
    b->u.se = b->v[1];
    b->u.lower = b->v[2];
    b->u.upper = b->v[3];
    b->u.p_value = b->v[4];
    b->u.dispersion = b->v[5];
    b->u.share_first = b->v[6];
    b->u.share_last = b->v[7];
    b->u.n_periods = b->n;
    b->u.flags = b->fl;
}

static void
fill(uint64_t *c, const double *p, const double *a, size_t T, uint64_t d)
{
    size_t t;
    for (t = 0; t < T; t++) {
        c[3 * t] = d;
        c[3 * t + 1] = (uint64_t)a[t];
        c[3 * t + 2] = (uint64_t)p[t];
    }
}

/* Two series against R's glm: one under-dispersed (binomial variance
 * kept, normal interval), one over-dispersed (quasi, t with 8 df). */
static void
test_trend_vs_glm(void **state)
{
    static const double p1[] = {30, 28, 35, 33, 40, 38, 45, 44, 50, 52};
    static const double a1[] = {40, 42, 38, 37, 35, 36, 30, 31, 28, 25};
    static const double p2[] = {30, 20, 45, 25, 48, 30, 60, 33, 62, 40};
    static const double a2[] = {40, 50, 28, 45, 27, 44, 15, 42, 16, 37};
    uint64_t c[3 * 20];
    static trend_buf b;
    (void)state;
    fill(c, p1, a1, 10, 11);
    fill(c + 30, p2, a2, 10, 3);
    trend_init(&b);
    assert_ok(loy_topbox_trend(&b.u, c, 2, 10, 3, 0.95, NULL));
    /* glm(cbind(P, A) ~ t, family = binomial). glm stops when the
     * deviance changes by less than 1e-8 relative, which leaves its
     * standard errors good to about 1e-8; ours (Newton to 1e-12) agree
     * with numpy's 50 Newton steps to 1e-15. */
    assert_close(b.v[0][0], 0.1193064082708618, 1e-10, 0);
    assert_close(b.v[1][0], 0.02639190574019021, 1e-7, 0);
    assert_close(b.v[4][0], 6.167388894730373e-06, 1e-6, 0);
    assert_close(b.v[2][0], 0.06757922353671308, 1e-7, 0);
    assert_close(b.v[3][0], 0.17103359300501050, 1e-7, 0);
    assert_close(b.v[5][0], 1.0, 0, 0); /* 0.183 floored */
    assert_close(b.v[1][0], 0.026391905897460384, 1e-13, 0); /* numpy */
    assert_close(b.v[6][0], 0.4012349938228606, 1e-10, 0);
    assert_close(b.v[7][0], 0.6622720511730025, 1e-10, 0);
    assert_int_equal(b.n[0], 10);
    assert_int_equal(b.fl[0], 0);
    /* glm(cbind(P2, A2) ~ t, family = quasibinomial) */
    assert_close(b.v[0][1], 0.1124117289429965, 1e-10, 0);
    assert_close(b.v[1][1], 0.07668114291465139, 1e-7, 0);
    assert_close(b.v[5][1], 8.495509750987695, 1e-7, 0);
    assert_close(b.v[4][1], 0.1808285787180285, 1e-7, 0);
    assert_close(b.v[2][1], -0.06441530371037121, 1e-7, 0);
    assert_close(b.v[3][1], 0.28923876159636419, 1e-7, 0);
    assert_close(b.v[6][1], 0.4060637833354922, 1e-10, 0);
    assert_close(b.v[7][1], 0.6528167844117911, 1e-10, 0);
    assert_int_equal(b.fl[1], LOY_TREND_OVERDISPERSED);
    /* Student's t helpers: qt(0.975, 8), qt(0.995, 3), 2 pt(-2.5, 5). */
    assert_close(loy__t_crit(0.95, 8), 2.306004135204166, 1e-12, 0);
    assert_close(loy__t_crit(0.99, 3), 5.840909309733354, 1e-12, 0);
    assert_close(2 * loy__t_sf(-2.5, 5), 2 - 0.0544900993423762, 1e-12, 0);
    assert_close(2 * loy__t_sf(2.5, 5), 0.0544900993423762, 1e-12, 0);
}

/* Gaps are skipped (their index still counts), and the degenerate cases. */
static void
test_trend_edges(void **state)
{
    static const double p1[] = {30, 28, 35, 33, 40, 38, 45, 44, 50, 52};
    static const double a1[] = {40, 42, 38, 37, 35, 36, 30, 31, 28, 25};
    uint64_t c[3 * 10 * 5];
    static trend_buf b, full;
    size_t t;
    (void)state;
    fill(c, p1, a1, 10, 0);
    trend_init(&full);
    assert_ok(loy_topbox_trend(&full.u, c, 1, 10, 3, 0.95, NULL));
    /* unit 1: the same with periods 3 and 7 empty of P and A */
    fill(c + 30, p1, a1, 10, 5);
    c[30 + 9 + 1] = c[30 + 9 + 2] = 0;
    c[30 + 21 + 1] = c[30 + 21 + 2] = 0;
    /* unit 2: one period only; unit 3: all top-box; unit 4: separated */
    memset(c + 60, 0, 30 * sizeof(uint64_t));
    c[60 + 3 * 4 + 2] = 9;
    c[60 + 3 * 4 + 1] = 3;
    fill(c + 90, p1, p1, 10, 2);
    for (t = 0; t < 10; t++)
        c[90 + 3 * t + 1] = 0;
    for (t = 0; t < 10; t++) {
        c[120 + 3 * t] = 0;
        c[120 + 3 * t + 1] = t < 5 ? 10 : 0;
        c[120 + 3 * t + 2] = t < 5 ? 0 : 10;
    }
    trend_init(&b);
    assert_ok(loy_topbox_trend(&b.u, c, 5, 10, 3, 0.95, NULL));
    assert_int_equal(b.n[1], 8);
    assert_true(b.v[0][1] > 0.08 && b.v[0][1] < 0.16);
    assert_true(fabs(b.v[0][1] - full.v[0][0]) > 1e-6); /* not the same data */
    assert_int_equal(b.fl[2], LOY_TREND_EMPTY);
    assert_int_equal(b.n[2], 1);
    assert_true(b.v[0][2] == SENTINEL);
    assert_int_equal(b.fl[3], LOY_TREND_SEPARATED);
    assert_true(b.v[0][3] == SENTINEL);
    assert_int_equal(b.fl[4], LOY_TREND_SEPARATED);
    assert_true(b.v[1][4] == SENTINEL);
    /* Detractors do not matter. */
    assert_close(b.v[0][0], full.v[0][0], 1e-15, 0);
}

static void
test_trend_errors(void **state)
{
    uint64_t c[6] = {1, 2, 3, 4, 5, 6};
    static trend_buf b;
    size_t bad = 0;
    (void)state;
    trend_init(&b);
    assert_status(loy_topbox_trend(NULL, c, 1, 2, 3, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_topbox_trend(&b.u, NULL, 1, 2, 3, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_topbox_trend(&b.u, c, 0, 2, 3, 0.95, NULL), LOY_EEMPTY);
    assert_status(loy_topbox_trend(&b.u, c, 1, 0, 3, 0.95, NULL), LOY_EEMPTY);
    assert_status(loy_topbox_trend(&b.u, c, 1, 2, 3, 0.0, NULL), LOY_EDOMAIN);
    assert_status(loy_topbox_trend(&b.u, c, 1, 2, 3, NAN, NULL), LOY_ENONFINITE);
    c[3] = UINT64_MAX;
    assert_status(loy_topbox_trend(&b.u, c, 1, 2, 3, 0.95, &bad), LOY_EOVERFLOW);
    assert_int_equal(bad, 1);
    assert_true(b.v[0][0] == SENTINEL && b.n[0] == 777);
    b.u.struct_size = 2;
    assert_status(loy_topbox_trend(&b.u, c, 1, 2, 3, 0.95, NULL), LOY_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_matches_compare),
        cmocka_unit_test(test_change_degenerate),
        cmocka_unit_test(test_change_errors),
        cmocka_unit_test(test_trend_vs_glm),
        cmocka_unit_test(test_trend_edges),
        cmocka_unit_test(test_trend_errors),
    };
    return cmocka_run_group_tests_name("consistency_change", tests, NULL, NULL);
}
