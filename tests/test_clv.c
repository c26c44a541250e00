/* SPDX-License-Identifier: MIT */
/* test_clv.c - retention-based CLV (MODELS.md sections 4 and 9). */
#include "testutil.h"

/* Direct summation of the series the closed forms stand for. */
static double
brute_multiple(double r, double i, double g, uint32_t n, int timing)
{
    double v = 0.0, surv = 1.0, disc = 1.0, margin = 1.0;
    uint32_t k;
    int shift = timing == LOY_CLV_END_OF_PERIOD;
    for (k = 0; k < n; k++) {
        /* k-th margin received at t = k + shift */
        surv = shift || k > 0 ? surv * r : 1.0;
        disc = shift || k > 0 ? disc / (1.0 + i) : 1.0;
        v += margin * surv * disc;
        margin *= 1.0 + g;
    }
    return v;
}

static double
multiple(double r, double i, double g, uint32_t n, int timing)
{
    double v = NAN;
    assert_ok(loy_clv_multiple(&v, r, i, g, n, timing));
    return v;
}

static void
test_margin_multiple_table(void **state)
{
    static const double rs[4] = {0.6, 0.7, 0.8, 0.9};
    static const double is[5] = {0.08, 0.10, 0.12, 0.14, 0.16};
    static const double table[4][5] = {
        {1.250, 1.200, 1.154, 1.111, 1.071},
        {1.842, 1.750, 1.667, 1.591, 1.522},
        {2.857, 2.667, 2.500, 2.353, 2.222},
        {5.000, 4.500, 4.091, 3.750, 3.462},
    };
    static const double begin10[4] = {2.2, 2.75, 3.667, 5.5};
    int a, b;
    (void)state;
    for (a = 0; a < 4; a++) {
        for (b = 0; b < 5; b++)
            assert_close(multiple(rs[a], is[b], 0, LOY_CLV_HORIZON_INFINITE,
                                  LOY_CLV_END_OF_PERIOD),
                         table[a][b], 0, 0.0005);
        assert_close(multiple(rs[a], 0.10, 0, LOY_CLV_HORIZON_INFINITE,
                              LOY_CLV_BEGINNING_OF_PERIOD),
                     begin10[a], 0, 0.0005);
    }
}

/* The two timing conventions differ by exactly one margin. */
static void
test_timing_differs_by_one_margin(void **state)
{
    double r, e, bgn, ve, vb;
    (void)state;
    for (r = 0.0; r < 0.99; r += 0.07) {
        e = multiple(r, 0.1, 0, LOY_CLV_HORIZON_INFINITE,
                     LOY_CLV_END_OF_PERIOD);
        bgn = multiple(r, 0.1, 0, LOY_CLV_HORIZON_INFINITE,
                       LOY_CLV_BEGINNING_OF_PERIOD);
        assert_close(bgn - e, 1.0, 1e-12, 1e-12);
        assert_ok(loy_clv_value(&ve, 250, r, 0.1, 0, LOY_CLV_HORIZON_INFINITE,
                                0, LOY_CLV_END_OF_PERIOD));
        assert_ok(loy_clv_value(&vb, 250, r, 0.1, 0, LOY_CLV_HORIZON_INFINITE,
                                0, LOY_CLV_BEGINNING_OF_PERIOD));
        assert_close(vb - ve, 250.0, 1e-12, 1e-9);
    }
}

static void
test_worked_example(void **state)
{
    double v = 0;
    (void)state;
    assert_ok(loy_clv_value(&v, 100, 0.8, 0.1, 0, LOY_CLV_HORIZON_INFINITE, 0,
                            LOY_CLV_END_OF_PERIOD));
    assert_close(v, 266.67, 0, 0.005);
    assert_close(multiple(0.80, 0.1, 0, 0, LOY_CLV_END_OF_PERIOD), 2.667, 0,
                 0.0005);
    assert_close(multiple(0.85, 0.1, 0, 0, LOY_CLV_END_OF_PERIOD), 3.400, 0,
                 0.0005);
    assert_close(multiple(0.80, 0.1, 0.1, 0, LOY_CLV_END_OF_PERIOD), 3.636, 0,
                 0.0005);
    assert_close(multiple(0.85, 0.1, 0.1, 0, LOY_CLV_END_OF_PERIOD), 5.152, 0,
                 0.0005);
    /* +27.5% and +41.7% */
    assert_close(multiple(0.85, 0.1, 0, 0, 0) / multiple(0.8, 0.1, 0, 0, 0) - 1,
                 0.275, 0, 0.0005);
    assert_close(multiple(0.85, 0.1, 0.1, 0, 0)
                     / multiple(0.8, 0.1, 0.1, 0, 0) - 1,
                 0.417, 0, 0.0005);
    /* net of acquisition cost */
    assert_ok(loy_clv_value(&v, 100, 0.8, 0.1, 0, 0, 150,
                            LOY_CLV_END_OF_PERIOD));
    assert_close(v, 800.0 / 3.0 - 150.0, 1e-14, 0);
}

/* Finite horizons against direct summation; they converge to the infinite
 * form; ratio exactly 1 (no discounting, full retention) gives N. */
static void
test_finite_horizon(void **state)
{
    static const double rs[4] = {0.0, 0.5, 0.9, 1.0};
    static const double gs[3] = {0.0, 0.05, -0.2};
    static const uint32_t ns[4] = {1, 2, 10, 120};
    int a, b, c, t;
    (void)state;
    for (a = 0; a < 4; a++)
        for (b = 0; b < 3; b++)
            for (c = 0; c < 4; c++)
                for (t = 0; t < 2; t++)
                    assert_close(multiple(rs[a], 0.08, gs[b], ns[c], t),
                                 brute_multiple(rs[a], 0.08, gs[b], ns[c], t),
                                 1e-12, 1e-15);
    assert_close(multiple(0.8, 0.1, 0, 10, LOY_CLV_END_OF_PERIOD),
                 2.5562736120471934, 1e-13, 0);
    assert_close(multiple(0.9, 0.1, 0.05, 5000, LOY_CLV_END_OF_PERIOD),
                 multiple(0.9, 0.1, 0.05, 0, LOY_CLV_END_OF_PERIOD), 1e-12, 0);
    assert_close(multiple(1.0, 0.0, 0.0, 37, LOY_CLV_BEGINNING_OF_PERIOD),
                 37.0, 0, 0);
    assert_close(multiple(1.0, 0.0, 0.0, 37, LOY_CLV_END_OF_PERIOD), 37.0, 0, 0);
    /* p = 1 - 1e-12: the closed form must not cancel away */
    assert_close(multiple(1.0, 1e-12, 0.0, 1000, LOY_CLV_BEGINNING_OF_PERIOD),
                 1000.0 - 1e-12 * 1000.0 * 999.0 / 2.0, 1e-12, 0);
    /* finite horizons may exceed the infinite-horizon domain */
    assert_close(multiple(1.0, 0.0, 0.1, 3, LOY_CLV_BEGINNING_OF_PERIOD),
                 1 + 1.1 + 1.21, 1e-14, 0);
}

static void
test_growth_domain(void **state)
{
    double v = 0;
    (void)state;
    /* r(1+g) = 1+i exactly, and beyond: the series diverges */
    assert_status(loy_clv_multiple(&v, 1.0, 0.1, 0.1, 0,
                                   LOY_CLV_END_OF_PERIOD), LOY_EDOMAIN);
    assert_true(isnan(v));
    assert_status(loy_clv_multiple(&v, 0.9, 0.1, 0.3, 0,
                                   LOY_CLV_END_OF_PERIOD), LOY_EDOMAIN);
    assert_status(loy_clv_multiple(&v, 1.0, 0.0, 0.0, 0,
                                   LOY_CLV_BEGINNING_OF_PERIOD), LOY_EDOMAIN);
    assert_status(loy_clv_value(&v, 10, 0.9, 0.1, 0.3, 0, 0,
                                LOY_CLV_END_OF_PERIOD), LOY_EDOMAIN);
    assert_true(isnan(v));
    /* just inside the domain */
    assert_ok(loy_clv_multiple(&v, 0.9, 0.1, 0.2, 0, LOY_CLV_END_OF_PERIOD));
    assert_close(v, 0.9 / (1.1 - 1.08), 1e-12, 0);
    /* full retention with discounting converges */
    assert_ok(loy_clv_multiple(&v, 1.0, 0.25, 0, 0, LOY_CLV_END_OF_PERIOD));
    assert_close(v, 4.0, 1e-15, 0);
}

static void
test_lifetime_rates_saas_viral(void **state)
{
    double v = 0, back = 0;
    (void)state;
    assert_ok(loy_clv_expected_lifetime(&v, 0.8));
    assert_close(v, 5.0, 1e-15, 0);
    assert_ok(loy_clv_expected_lifetime(&v, 0.0));
    assert_close(v, 1.0, 0, 0);
    /* annual <-> monthly (MODELS 4) */
    assert_ok(loy_clv_rate_rescale(&v, 0.10, 1.0 / 12, LOY_CLV_RATE_DISCOUNT));
    assert_close(v, pow(1.1, 1.0 / 12) - 1, 1e-13, 0);
    assert_ok(loy_clv_rate_rescale(&back, v, 12, LOY_CLV_RATE_DISCOUNT));
    assert_close(back, 0.10, 1e-13, 0);
    assert_ok(loy_clv_rate_rescale(&v, 0.8, 1.0 / 12, LOY_CLV_RATE_RETENTION));
    assert_close(v, pow(0.8, 1.0 / 12), 1e-14, 0);
    assert_ok(loy_clv_rate_rescale(&v, 0.02, 12, LOY_CLV_RATE_CHURN));
    assert_close(v, 1 - pow(0.98, 12), 1e-14, 0);
    assert_ok(loy_clv_rate_rescale(&back, v, 1.0 / 12, LOY_CLV_RATE_CHURN));
    assert_close(back, 0.02, 1e-13, 0);
    assert_ok(loy_clv_rate_rescale(&v, 0.0, 0.5, LOY_CLV_RATE_RETENTION));
    assert_close(v, 0.0, 0, 0);
    assert_ok(loy_clv_rate_rescale(&v, 1.0, 0.5, LOY_CLV_RATE_CHURN));
    assert_close(v, 1.0, 0, 0);
    /* SaaS shorthand = beginning-of-period form with i = 0, r = 1 - c */
    assert_ok(loy_clv_saas_ltv(&v, 100, 0.8, 0.05));
    assert_close(v, 1600, 1e-14, 0);
    assert_close(80.0 * multiple(0.95, 0, 0, 0, LOY_CLV_BEGINNING_OF_PERIOD),
                 v, 1e-12, 0);
    assert_ok(loy_clv_viral(&v, 266.67, 0.25));
    assert_close(v, 355.56, 0, 0.001);
    assert_ok(loy_clv_viral(&v, -10, 0));
    assert_close(v, -10, 0, 0);
}

static void
test_bad_input(void **state)
{
    double v = 0;
    (void)state;
    assert_status(loy_clv_multiple(NULL, 0.8, 0.1, 0, 0, 0), LOY_EINVAL);
    assert_status(loy_clv_multiple(&v, 0.8, 0.1, 0, 0, 2), LOY_EINVAL);
    assert_true(isnan(v));
    assert_status(loy_clv_multiple(&v, NAN, 0.1, 0, 0, 0), LOY_ENONFINITE);
    assert_status(loy_clv_multiple(&v, 0.8, INFINITY, 0, 0, 0), LOY_ENONFINITE);
    assert_status(loy_clv_multiple(&v, 0.8, 0.1, NAN, 0, 0), LOY_ENONFINITE);
    assert_status(loy_clv_multiple(&v, -0.1, 0.1, 0, 0, 0), LOY_EDOMAIN);
    assert_status(loy_clv_multiple(&v, 1.1, 0.1, 0, 0, 0), LOY_EDOMAIN);
    assert_status(loy_clv_multiple(&v, 0.5, -1.0, 0, 0, 0), LOY_EDOMAIN);
    assert_status(loy_clv_multiple(&v, 0.5, 0.1, -1.0, 0, 0), LOY_EDOMAIN);
    assert_status(loy_clv_value(NULL, 1, 0.5, 0.1, 0, 0, 0, 0), LOY_EINVAL);
    assert_status(loy_clv_value(&v, NAN, 0.5, 0.1, 0, 0, 0, 0),
                  LOY_ENONFINITE);
    assert_status(loy_clv_value(&v, 1, 0.5, 0.1, 0, 0, INFINITY, 0),
                  LOY_ENONFINITE);
    assert_true(isnan(v));
    assert_status(loy_clv_expected_lifetime(NULL, 0.5), LOY_EINVAL);
    assert_status(loy_clv_expected_lifetime(&v, 1.0), LOY_EDOMAIN);
    assert_status(loy_clv_expected_lifetime(&v, -0.5), LOY_EDOMAIN);
    assert_status(loy_clv_expected_lifetime(&v, NAN), LOY_ENONFINITE);
    assert_status(loy_clv_rate_rescale(NULL, 0.5, 2, 0), LOY_EINVAL);
    assert_status(loy_clv_rate_rescale(&v, 0.5, 2, 3), LOY_EINVAL);
    assert_status(loy_clv_rate_rescale(&v, 0.5, 0, 0), LOY_EDOMAIN);
    assert_status(loy_clv_rate_rescale(&v, 0.5, NAN, 0), LOY_ENONFINITE);
    assert_status(loy_clv_rate_rescale(&v, 1.5, 2, LOY_CLV_RATE_RETENTION),
                  LOY_EDOMAIN);
    assert_status(loy_clv_rate_rescale(&v, -0.5, 2, LOY_CLV_RATE_CHURN),
                  LOY_EDOMAIN);
    assert_status(loy_clv_rate_rescale(&v, -1.0, 2, LOY_CLV_RATE_DISCOUNT),
                  LOY_EDOMAIN);
    assert_status(loy_clv_rate_rescale(&v, 1e300, 1e10, LOY_CLV_RATE_DISCOUNT),
                  LOY_EDOMAIN); /* overflow is not a result */
    assert_status(loy_clv_saas_ltv(NULL, 1, 0.5, 0.1), LOY_EINVAL);
    assert_status(loy_clv_saas_ltv(&v, -1, 0.5, 0.1), LOY_ESCALE);
    assert_status(loy_clv_saas_ltv(&v, 1, 1.5, 0.1), LOY_EDOMAIN);
    assert_status(loy_clv_saas_ltv(&v, 1, 0.5, 0.0), LOY_EDOMAIN);
    assert_status(loy_clv_saas_ltv(&v, 1, 0.5, NAN), LOY_ENONFINITE);
    assert_status(loy_clv_viral(NULL, 1, 0.5), LOY_EINVAL);
    assert_status(loy_clv_viral(&v, 1, 1.0), LOY_EDOMAIN);
    assert_status(loy_clv_viral(&v, 1, -0.1), LOY_EDOMAIN);
    assert_status(loy_clv_viral(&v, NAN, 0.1), LOY_ENONFINITE);
    assert_true(isnan(v));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_margin_multiple_table),
        cmocka_unit_test(test_timing_differs_by_one_margin),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_finite_horizon),
        cmocka_unit_test(test_growth_domain),
        cmocka_unit_test(test_lifetime_rates_saas_viral),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests_name("clv", tests, NULL, NULL);
}
