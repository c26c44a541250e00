/* SPDX-License-Identifier: MIT */
/* test_stats.c - the standard normal distribution function and quantile. */
#include "testutil.h"

/* Reference values computed with mpmath at 50 digits (bisection on ncdf). */
static const double quantile_ref[][2] = {
    {1e-300, -37.047096299361199237},
    {1e-100, -21.273453560965324295},
    {1e-20, -9.2623400897984075737},
    {1e-10, -6.3613409024040562047},
    {1e-5, -4.2648907939228246285},
    {0.001, -3.0902323061678135415},
    {0.025, -1.9599639845400542355},
    {0.1, -1.281551565544600467},
    {0.3, -0.52440051270804078404},
    {0.6, 0.2533471031357997988},
    {0.9, 1.281551565544600467},
    {0.975, 1.9599639845400542355},
    {0.999, 3.0902323061678135415},
    {0.99999, 4.2648907939228246285},
};

static const double cdf_ref[][2] = {
    {-37.5, 4.6053530095819548438e-308},
    {-30, 4.9067139271481870595e-198},
    {-10, 7.619853024160526066e-24},
    {-5, 2.8665157187919391167e-7},
    {-1.96, 0.024997895148220434137},
    {-1, 0.15865525393145705141},
    {0, 0.5},
    {0.5, 0.69146246127401310364},
    {1, 0.84134474606854294859},
    {1.959963984540054, 0.97499999999999998623},
    {3, 0.99865010196836990547},
    {8, 0.9999999999999993779},
};

static void
test_quantile_reference(void **state)
{
    size_t i;
    double q;
    (void)state;
    for (i = 0; i < sizeof quantile_ref / sizeof quantile_ref[0]; i++) {
        assert_ok(loy_normal_quantile(&q, quantile_ref[i][0]));
        assert_close(q, quantile_ref[i][1], 1e-12, 0.0);
    }
    assert_ok(loy_normal_quantile(&q, 0.5));
    assert_true(q == 0.0);
    /* the 95% critical value quoted in MODELS.md */
    assert_ok(loy_normal_quantile(&q, 0.975));
    assert_close(q, 1.959963984540054, 1e-15, 0.0);
}

static void
test_cdf_reference(void **state)
{
    size_t i;
    double c;
    (void)state;
    for (i = 0; i < sizeof cdf_ref / sizeof cdf_ref[0]; i++) {
        assert_ok(loy_normal_cdf(&c, cdf_ref[i][0]));
        assert_close(c, cdf_ref[i][1], 1e-12, 0.0);
    }
    assert_ok(loy_normal_cdf(&c, -40.0));
    assert_true(c >= 0.0 && c < 1e-300);
    assert_ok(loy_normal_cdf(&c, 40.0));
    assert_true(c == 1.0);
}

/* Phi(Phi^-1(p)) = p over the whole range, symmetric in p <-> 1 - p. */
static void
test_round_trip_and_symmetry(void **state)
{
    int k;
    (void)state;
    for (k = 1; k < 2000; k++) {
        double p = k / 2000.0, q, q2, c;
        assert_ok(loy_normal_quantile(&q, p));
        assert_ok(loy_normal_cdf(&c, q));
        assert_close(c, p, 1e-13, 1e-16);
        assert_ok(loy_normal_quantile(&q2, 1.0 - p));
        assert_close(q2, -q, 1e-12, 1e-15);
    }
    for (k = 3; k < 300; k += 7) {
        double p = pow(10.0, -k), q, c;
        assert_ok(loy_normal_quantile(&q, p));
        assert_ok(loy_normal_cdf(&c, q));
        assert_close(c, p, 1e-12, 0.0);
    }
}

/* Monotone in p: a brute scan over a fine grid. */
static void
test_quantile_monotone(void **state)
{
    double prev = -HUGE_VAL, q;
    int k;
    (void)state;
    for (k = 1; k < 100000; k++) {
        assert_ok(loy_normal_quantile(&q, k / 100000.0));
        assert_true(q > prev);
        prev = q;
    }
}

static void
test_bad_input(void **state)
{
    double v = 42.0;
    (void)state;
    assert_status(loy_normal_quantile(NULL, 0.5), LOY_EINVAL);
    assert_status(loy_normal_cdf(NULL, 0.5), LOY_EINVAL);
    assert_status(loy_normal_quantile(&v, 0.0), LOY_EDOMAIN);
    assert_status(loy_normal_quantile(&v, 1.0), LOY_EDOMAIN);
    assert_status(loy_normal_quantile(&v, -0.1), LOY_EDOMAIN);
    assert_status(loy_normal_quantile(&v, 1.5), LOY_EDOMAIN);
    assert_status(loy_normal_quantile(&v, HUGE_VAL), LOY_EDOMAIN);
    assert_status(loy_normal_quantile(&v, (double)NAN), LOY_ENONFINITE);
    assert_status(loy_normal_cdf(&v, (double)NAN), LOY_ENONFINITE);
    assert_status(loy_normal_cdf(&v, HUGE_VAL), LOY_ENONFINITE);
    assert_status(loy_normal_cdf(&v, -HUGE_VAL), LOY_ENONFINITE);
    assert_true(v == 42.0); /* untouched on error */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile_reference),
        cmocka_unit_test(test_cdf_reference),
        cmocka_unit_test(test_round_trip_and_symmetry),
        cmocka_unit_test(test_quantile_monotone),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
