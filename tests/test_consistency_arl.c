/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_arl.c - average run lengths of EWMA and CUSUM charts
 * and chart design (MODELS.md 13.4, 13.5).
 *
 * Published values (Lucas and Crosier 1982, Brook and Evans 1972, Crowder
 * 1987, Lucas and Saccucci 1990, SAS/QC) at their printed precision, and
 * full-precision values of the R package spc 0.6.7 (xewma.arl,
 * xcusum.arl, xewma.crit, xcusum.crit; the R calls are quoted) to 1e-9
 * relative or better.
 */
#include "testutil.h"

#include <string.h>

static double
ewma(double lambda, double limit, double shift, uint32_t sides)
{
    double v = -1.0;
    assert_ok(loy_arl_ewma(&v, lambda, limit, shift, sides, NULL));
    return v;
}

static double
cusum(double k, double h, double shift, uint32_t sides)
{
    double v = -1.0;
    assert_ok(loy_arl_cusum(&v, k, h, shift, sides, NULL));
    return v;
}

/* One unit in the last printed digit (tables round or truncate). */
static void
assert_printed(double got, double printed, double last_digit)
{
    assert_close(got, printed, 0.0, last_digit);
}

/* Lucas and Crosier 1982, Table 1: two-sided CUSUM, k = 0.5, h = 4. */
static void
test_lucas_crosier(void **state)
{
    static const double mu[] = {0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5};
    static const double arl[] = {168, 74.2, 26.6, 13.3, 8.38, 4.75,
                                 3.34, 2.62, 2.19, 1.71, 1.31};
    static const double digit[] = {1, 0.1, 0.1, 0.1, 0.01, 0.01,
                                   0.01, 0.01, 0.01, 0.01, 0.01};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof mu / sizeof mu[0]; i++)
        assert_printed(cusum(0.5, 4.0, mu[i], LOY_ARL_TWO_SIDED), arl[i],
                       digit[i]);
}

/* Brook and Evans 1972 and Crowder 1987, Table 1; Lucas and Saccucci
 * 1990, Table 3; SAS/QC 1999. */
static void
test_published(void **state)
{
    (void)state;
    assert_printed(cusum(0.5, 3.0, 0.0, LOY_ARL_UPPER), 117.59, 0.01);
    assert_printed(cusum(0.5, 3.0, 1.5, LOY_ARL_UPPER), 3.75, 0.01);
    assert_printed(ewma(0.5, 2.0, 0.0, LOY_ARL_TWO_SIDED), 26.45, 0.01);
    assert_printed(ewma(0.5, 2.0, 0.5, LOY_ARL_TWO_SIDED), 11.89, 0.01);
    assert_printed(ewma(0.5, 2.0, 1.0, LOY_ARL_TWO_SIDED), 4.91, 0.01);
    assert_printed(ewma(0.5, 2.0, 2.0, LOY_ARL_TWO_SIDED), 1.94, 0.01);
    assert_printed(ewma(0.05, 2.0, 0.0, LOY_ARL_TWO_SIDED), 127.53, 0.01);
    assert_printed(ewma(0.05, 2.0, 0.5, LOY_ARL_TWO_SIDED), 18.97, 0.01);
    assert_printed(ewma(0.05, 2.0, 1.0, LOY_ARL_TWO_SIDED), 8.38, 0.01);
    assert_printed(ewma(0.05, 2.0, 2.0, LOY_ARL_TWO_SIDED), 4.04, 0.01);
    assert_printed(ewma(0.5, 3.071, 0.0, LOY_ARL_TWO_SIDED), 500, 1);
    assert_printed(ewma(0.5, 3.071, 1.0, LOY_ARL_TWO_SIDED), 17.5, 0.1);
    assert_printed(ewma(0.5, 3.071, 2.0, LOY_ARL_TWO_SIDED), 3.63, 0.01);
    assert_printed(ewma(0.03, 2.437, 0.0, LOY_ARL_TWO_SIDED), 500, 1);
    assert_printed(ewma(0.03, 2.437, 1.0, LOY_ARL_TWO_SIDED), 12.6, 0.1);
    assert_printed(ewma(0.03, 2.437, 2.0, LOY_ARL_TWO_SIDED), 5.99, 0.01);
    assert_close(ewma(0.25, 3.0, 1.0, LOY_ARL_TWO_SIDED), 11.154267016, 1e-9,
                 0.0);
}

/* MODELS.md 13.5 full-precision values, 1e-9 relative. */
static void
test_models_full_precision(void **state)
{
    (void)state;
    assert_close(cusum(0.5, 4.0, 0.0, LOY_ARL_TWO_SIDED), 167.683788814, 1e-9,
                 0.0);
    assert_close(cusum(0.5, 4.0, 1.0, LOY_ARL_TWO_SIDED), 8.3831318705, 1e-9,
                 0.0);
    assert_close(cusum(0.5, 3.0, 0.0, LOY_ARL_UPPER), 117.5957042, 1e-9, 0.0);
    assert_close(cusum(0.5, 3.0, 1.5, LOY_ARL_UPPER), 3.749108407, 1e-9, 0.0);
    assert_close(ewma(0.1, 2.7, 0.0, LOY_ARL_TWO_SIDED), 368.993733981, 1e-9,
                 0.0);
    /* One-sided ARL+ at 0 is twice the two-sided value. */
    assert_close(cusum(0.5, 4.0, 0.0, LOY_ARL_UPPER),
                 2.0 * cusum(0.5, 4.0, 0.0, LOY_ARL_TWO_SIDED), 1e-13, 0.0);
}

/* spc 0.6.7 printed with options(digits = 16): agreement to 1e-11. */
static void
test_spc_digits(void **state)
{
    loy_arl_options o = LOY_ARL_OPTIONS_INIT;
    double v;
    (void)state;
    /* xcusum.arl(0.5, 4, 0, sided = "two") etc. */
    assert_close(cusum(0.5, 4, 0, LOY_ARL_TWO_SIDED), 167.683788813621, 1e-11, 0);
    assert_close(cusum(0.5, 4, 1, LOY_ARL_TWO_SIDED), 8.38313187049516, 1e-11, 0);
    assert_close(cusum(0.5, 3, 0, LOY_ARL_UPPER), 117.59570422794, 1e-11, 0);
    assert_close(cusum(0.5, 3, 1.5, LOY_ARL_UPPER), 3.74910840717482, 1e-11, 0);
    assert_close(cusum(0.5, 4, 0.25, LOY_ARL_TWO_SIDED), 74.22402788501378,
                 1e-11, 0);
    assert_close(cusum(0.5, 4, 5, LOY_ARL_TWO_SIDED), 1.308740514062869, 1e-11,
                 0);
    /* xewma.arl(l, c, mu, sided = "two") */
    assert_close(ewma(0.1, 2.7, 0, LOY_ARL_TWO_SIDED), 368.993733980588, 1e-11, 0);
    assert_close(ewma(0.5, 2, 0, LOY_ARL_TWO_SIDED), 26.45194158944033, 1e-11, 0);
    assert_close(ewma(0.05, 2, 1, LOY_ARL_TWO_SIDED), 8.375541714877041, 1e-11, 0);
    assert_close(ewma(0.03, 2.437, 1, LOY_ARL_TWO_SIDED), 12.59758229864703,
                 1e-10, 0);
    assert_close(ewma(0.05, 2.5, -0.5, LOY_ARL_TWO_SIDED), 26.63472639938691,
                 1e-11, 0);
    /* xewma.arl(0.1, 2.7, 0.5): one-sided, reflecting at 0 */
    assert_close(ewma(0.1, 2.7, 0.5, LOY_ARL_UPPER), 27.00258019580418, 1e-11, 0);
    /* xewma.arl(0.1, 2.7, 0.5, zr = -1) */
    o.reflect = -1.0;
    assert_ok(loy_arl_ewma(&v, 0.1, 2.7, 0.5, LOY_ARL_UPPER, &o));
    assert_close(v, 28.14337582257105, 1e-11, 0);
    /* xewma.arl(0.3, 2.9, 0, zr = -0.5, hs = 0.5) */
    o.reflect = -0.5;
    o.head_start = 0.5;
    assert_ok(loy_arl_ewma(&v, 0.3, 2.9, 0.0, LOY_ARL_UPPER, &o));
    assert_close(v, 577.7527649094455, 1e-11, 0);
    /* xewma.arl(0.1, 2.7, 1, hs = 1, sided = "two") */
    o.reflect = 0.0;
    o.head_start = 1.0;
    assert_ok(loy_arl_ewma(&v, 0.1, 2.7, 1.0, LOY_ARL_TWO_SIDED, &o));
    assert_close(v, 7.400149371677613, 1e-11, 0);
    /* xcusum.arl(0.5, 4, 0, hs = 2, sided = "two"); (..., 1, hs = 2) */
    o.head_start = 2.0;
    assert_ok(loy_arl_cusum(&v, 0.5, 4.0, 0.0, LOY_ARL_TWO_SIDED, &o));
    assert_close(v, 148.6956499906227, 1e-11, 0);
    assert_ok(loy_arl_cusum(&v, 0.5, 4.0, 1.0, LOY_ARL_UPPER, &o));
    assert_close(v, 5.291019334483776, 1e-11, 0);
}

/* Closed forms: lambda = 1 is the Shewhart chart, ARL = 1 / P(signal);
 * a lower chart is the upper chart of the mirrored shift. */
static void
test_closed_forms(void **state)
{
    static const double L[] = {1.0, 2.0, 3.0, 3.5};
    static const double mu[] = {0.0, 0.7, -1.3, 2.5};
    size_t i, j;
    (void)state;
    for (i = 0; i < 4; i++) {
        for (j = 0; j < 4; j++) {
            double in = 0.5 * erfc(-(L[i] - mu[j]) / sqrt(2.0))
                        - 0.5 * erfc(-(-L[i] - mu[j]) / sqrt(2.0));
            double up = 0.5 * erfc(-(L[i] - mu[j]) / sqrt(2.0));
            assert_close(ewma(1.0, L[i], mu[j], LOY_ARL_TWO_SIDED),
                         1.0 / (1.0 - in), 1e-12, 0.0);
            /* one-sided with the barrier far below: signals above L only */
            (void)up;
            assert_close(ewma(0.3, L[i], mu[j], LOY_ARL_LOWER),
                         ewma(0.3, L[i], -mu[j], LOY_ARL_UPPER), 1e-14, 0.0);
            assert_close(cusum(0.5, L[i], mu[j], LOY_ARL_LOWER),
                         cusum(0.5, L[i], -mu[j], LOY_ARL_UPPER), 1e-14, 0.0);
            /* the two-sided CUSUM is symmetric in the shift */
            assert_close(cusum(0.5, L[i], mu[j], LOY_ARL_TWO_SIDED),
                         cusum(0.5, L[i], -mu[j], LOY_ARL_TWO_SIDED), 1e-13,
                         0.0);
        }
    }
    /* h <= 2k: the two sides are never positive together, and the
     * harmonic combination is exact; k = 0, h small: ARL+ at 0 equals
     * 1 + ... is at least 1. */
    assert_true(cusum(0.0, 0.1, 0.0, LOY_ARL_UPPER) >= 1.0);
}

/* The automatic node count against 160 nodes over a grid (160 is more
 * than twice what any of these charts needs for 1e-12; see
 * lib/consistency/arl_nystrom.c). */
static void
test_nodes_converged(void **state)
{
    static const double lam[] = {1.0, 0.5, 0.2, 0.1, 0.05, 0.02};
    static const double L[] = {2.0, 2.7, 3.0};
    static const double mu[] = {0.0, 1.0, 3.0};
    loy_arl_options o = LOY_ARL_OPTIONS_INIT;
    size_t a, b, c;
    uint32_t s;
    (void)state;
    o.nodes = 160;
    for (a = 0; a < 6; a++)
        for (b = 0; b < 3; b++)
            for (c = 0; c < 3; c++)
                for (s = 0; s < 2; s++) {
                    double ref, got = ewma(lam[a], L[b], mu[c], s);
                    assert_ok(loy_arl_ewma(&ref, lam[a], L[b], mu[c], s, &o));
                    assert_close(got, ref, 1e-10, 0.0);
                }
    for (a = 0; a < 3; a++)
        for (c = 0; c < 3; c++) {
            double h = 2.0 + 2.0 * (double)a, ref;
            assert_ok(loy_arl_cusum(&ref, 0.5, h, mu[c], LOY_ARL_UPPER, &o));
            assert_close(cusum(0.5, h, mu[c], LOY_ARL_UPPER), ref, 1e-10, 0.0);
        }
}

/* Design: the limit for a target ARL0. */
static void
test_design(void **state)
{
    double L, h, v;
    (void)state;
    assert_ok(loy_arl_ewma_limit(&L, 0.1, 368.993733980588,
                                 LOY_ARL_TWO_SIDED, NULL));
    assert_close(L, 2.7, 1e-9, 0.0);
    assert_ok(loy_arl_cusum_limit(&h, 0.5, 167.683788813621,
                                  LOY_ARL_TWO_SIDED, NULL));
    assert_close(h, 4.0, 1e-9, 0.0);
    /* Lucas and Saccucci: L = 3.071 gives ARL0 ~ 500 for lambda 0.5. */
    assert_ok(loy_arl_ewma_limit(&L, 0.5, 500.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(L, 3.071, 0.0, 0.0005);
    /* xewma.crit(0.1, 370, sided = "two"), xewma.crit(0.1, 370),
     * xcusum.crit(0.5, 370, sided = "two"), xcusum.crit(0.5, 370) */
    assert_ok(loy_arl_ewma_limit(&L, 0.1, 370.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(L, 2.701046151497298, 1e-8, 0.0);
    assert_ok(loy_arl_ewma_limit(&L, 0.1, 370.0, LOY_ARL_UPPER, NULL));
    assert_close(L, 2.622940765076578, 1e-8, 0.0);
    assert_ok(loy_arl_cusum_limit(&h, 0.5, 370.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(h, 4.773833706879952, 1e-8, 0.0);
    assert_ok(loy_arl_cusum_limit(&h, 0.5, 370.0, LOY_ARL_UPPER, NULL));
    assert_close(h, 4.09544854745023, 1e-8, 0.0);
    /* The design reproduces its target. */
    assert_ok(loy_arl_ewma_limit(&L, 0.2, 1000.0, LOY_ARL_LOWER, NULL));
    assert_close(ewma(0.2, L, 0.0, LOY_ARL_LOWER), 1000.0, 1e-9, 0.0);
    assert_ok(loy_arl_cusum_limit(&h, 1.0, 50.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(cusum(1.0, h, 0.0, LOY_ARL_TWO_SIDED), 50.0, 1e-9, 0.0);
    /* ARL0 barely above 1 and far above: both found. */
    assert_ok(loy_arl_ewma_limit(&L, 1.0, 1.5, LOY_ARL_TWO_SIDED, NULL));
    assert_close(ewma(1.0, L, 0.0, LOY_ARL_TWO_SIDED), 1.5, 1e-9, 0.0);
    assert_ok(loy_arl_ewma_limit(&L, 1.0, 1e8, LOY_ARL_TWO_SIDED, NULL));
    assert_ok(loy_arl_ewma(&v, 1.0, L, 0.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(v, 1e8, 1e-7, 0.0);
}

static void
test_errors(void **state)
{
    loy_arl_options o = LOY_ARL_OPTIONS_INIT;
    double v = 42.0;
    (void)state;
    assert_status(loy_arl_ewma(NULL, 0.2, 3, 0, 0, NULL), LOY_EINVAL);
    assert_status(loy_arl_ewma(&v, 0.2, 3, 0, 3, NULL), LOY_EINVAL);
    assert_status(loy_arl_ewma(&v, 0.0, 3, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma(&v, -0.1, 3, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma(&v, 1.01, 3, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma(&v, NAN, 3, 0, 0, NULL), LOY_ENONFINITE);
    assert_status(loy_arl_ewma(&v, 0.2, 0.0, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma(&v, 0.2, -1.0, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma(&v, 0.2, NAN, 0, 0, NULL), LOY_ENONFINITE);
    assert_status(loy_arl_ewma(&v, 0.2, 3, INFINITY, 0, NULL), LOY_ENONFINITE);
    assert_status(loy_arl_cusum(&v, -0.5, 4, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_cusum(&v, 0.5, 0.0, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_cusum(&v, 0.5, -4.0, 0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_cusum(&v, 0.5, NAN, 0, 0, NULL), LOY_ENONFINITE);
    assert_status(loy_arl_cusum(NULL, 0.5, 4, 0, 0, NULL), LOY_EINVAL);
    o.nodes = 2001;
    assert_status(loy_arl_cusum(&v, 0.5, 4, 0, 0, &o), LOY_EDOMAIN);
    o.nodes = 0;
    o.struct_size = 4;
    assert_status(loy_arl_cusum(&v, 0.5, 4, 0, 0, &o), LOY_EINVAL);
    o.struct_size = sizeof o;
    o.head_start = 4.5; /* beyond h */
    assert_status(loy_arl_cusum(&v, 0.5, 4, 0, 0, &o), LOY_EDOMAIN);
    o.head_start = -0.1;
    assert_status(loy_arl_cusum(&v, 0.5, 4, 0, 0, &o), LOY_EDOMAIN);
    o.head_start = 3.5; /* beyond L */
    assert_status(loy_arl_ewma(&v, 0.2, 3, 0, 0, &o), LOY_EDOMAIN);
    o.head_start = 0.0;
    o.reflect = 3.0; /* barrier at the limit */
    assert_status(loy_arl_ewma(&v, 0.2, 3, 0, LOY_ARL_UPPER, &o), LOY_EDOMAIN);
    o.reflect = NAN;
    assert_status(loy_arl_ewma(&v, 0.2, 3, 0, LOY_ARL_UPPER, &o), LOY_ENONFINITE);
    /* An ARL beyond double precision's reach, and a chart too fine for the
     * node cap. */
    assert_status(loy_arl_cusum(&v, 0.5, 30.0, 0, 0, NULL), LOY_EDEGENERATE);
    assert_status(loy_arl_ewma(&v, 1e-5, 3.0, 0, 0, NULL), LOY_EDOMAIN);
    /* Design arguments. */
    assert_status(loy_arl_ewma_limit(&v, 0.2, 1.0, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma_limit(&v, 0.2, 2e9, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_ewma_limit(&v, 0.2, NAN, 0, NULL), LOY_ENONFINITE);
    assert_status(loy_arl_ewma_limit(&v, 0.0, 370, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_cusum_limit(&v, -1.0, 370, 0, NULL), LOY_EDOMAIN);
    assert_status(loy_arl_cusum_limit(NULL, 0.5, 370, 0, NULL), LOY_EINVAL);
    o.reflect = 0.0;
    o.head_start = 1.0;
    assert_status(loy_arl_cusum_limit(&v, 0.5, 370, 0, &o), LOY_EDOMAIN);
    /* Untouched on error. */
    assert_true(v == 42.0);
    assert_status(loy_arl_options_init(NULL), LOY_EINVAL);
    assert_ok(loy_arl_options_init(&o));
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.nodes, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lucas_crosier),
        cmocka_unit_test(test_published),
        cmocka_unit_test(test_models_full_precision),
        cmocka_unit_test(test_spc_digits),
        cmocka_unit_test(test_closed_forms),
        cmocka_unit_test(test_nodes_converged),
        cmocka_unit_test(test_design),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("consistency_arl", tests, NULL, NULL);
}
