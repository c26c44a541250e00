/* SPDX-License-Identifier: MIT */
/*
 * test_clvpred.c - per-customer CLV from BG/NBD: the monthly DCF
 * properties of MODELS.md 6.6, continuous discounting against a brute-force
 * sum of discounted CET increments, the CET rate against differences of
 * CET, limits, and bad input.
 */
#include "testutil.h"
#include "clv/bgnbd_internal.h"

#include <string.h>

static const double P[4] = {0.243, 4.414, 0.793, 2.426};
static const double X[4] = {0, 2, 7, 40}, TX[4] = {0, 30.43, 20, 35};
static const double TT[4] = {38.86, 38.86, 30, 38};

static double
cet(const double *p, size_t i, double t)
{
    double c;
    assert_ok(loy_bgnbd_expected(&c, p, &X[i], &TX[i], &TT[i], 1, t, NULL));
    return c;
}

static void
test_monthly_properties(void **state)
{
    const double f = 4.345, m[4] = {10, 20, 30, 40};
    double v[4], w[4], u[4];
    size_t i;
    (void)state;
    assert_ok(loy_bgnbd_clv_monthly(v, P, X, TX, TT, m, 4, 1, 0.0, f, NULL));
    assert_ok(loy_bgnbd_clv_monthly(w, P, X, TX, TT, m, 4, 1, 1.0, f, NULL));
    assert_ok(loy_bgnbd_clv_monthly(u, P, X, TX, TT, m, 4, 2, 0.01, f, NULL));
    for (i = 0; i < 4; i++) {
        double c1 = cet(P, i, f), c2 = cet(P, i, 2 * f);
        assert_close(v[i], m[i] * c1, 1e-14, 0);
        assert_close(w[i], 0.5 * m[i] * c1, 1e-14, 0);
        assert_close(u[i], m[i] * (c1 / 1.01 + (c2 - c1) / (1.01 * 1.01)),
                     1e-13, 0);
    }
    /* undiscounted sum telescopes to CET(H f); NULL margin means 1 */
    assert_ok(loy_bgnbd_clv_monthly(v, P, X, TX, TT, NULL, 4, 12, 0.0, f,
                                    NULL));
    for (i = 0; i < 4; i++)
        assert_close(v[i], cet(P, i, 12 * f), 1e-12, 0);
}

static void
test_continuous_brute_force(void **state)
{
    const double delta = 0.01, H = 104.0;
    double v[4], m[4] = {1, 2, 3, 0.5};
    size_t i;
    (void)state;
    assert_ok(loy_bgnbd_clv(v, P, X, TX, TT, m, 4, delta, H, NULL));
    for (i = 0; i < 4; i++) {
        /* midpoint-discounted increments of CET on a fine grid */
        int k, steps = 2000;
        double h = H / steps, prev = 0.0, sum = 0.0;
        for (k = 1; k <= steps; k++) {
            double cur = cet(P, i, k * h);
            sum += exp(-delta * (k - 0.5) * h) * (cur - prev);
            prev = cur;
        }
        assert_close(v[i], m[i] * sum, 1e-7, 0);
    }
}

static void
test_rate_is_derivative(void **state)
{
    const double ts[] = {0.0, 1.0, 39.0, 500.0};
    size_t i, j;
    (void)state;
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++) {
            double g, h = 1e-4 * (1 + ts[j]), d;
            assert_ok(loy__bgnbd_cet_rate(P, X[i], TX[i], TT[i], ts[j], &g));
            if (ts[j] == 0.0)
                d = (cet(P, i, h) - 0.0) / h;
            else
                d = (cet(P, i, ts[j] + h) - cet(P, i, ts[j] - h)) / (2 * h);
            assert_close(g, d, ts[j] == 0.0 ? 1e-3 : 1e-7, 0);
        }
}

static void
test_limits(void **state)
{
    double v[4], w[4], inf[4], d;
    size_t i;
    (void)state;
    /* delta = 0 with a finite horizon is CET(H) */
    assert_ok(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, 0.0, 52.0, NULL));
    for (i = 0; i < 4; i++)
        assert_close(v[i], cet(P, i, 52.0), 1e-12, 0);
    /* infinite horizon: larger than any finite one, and 0 == inf */
    assert_ok(loy_bgnbd_discount_rate(&d, 0.10, 52.0));
    assert_close(d, log(1.1) / 52.0, 1e-15, 0);
    /* a steeper rate keeps the suite fast under valgrind (the series
     * near the cut t = 30/delta is the expensive part) */
    d = 0.01;
    assert_ok(loy_bgnbd_clv(inf, P, X, TX, TT, NULL, 4, d, 0.0, NULL));
    assert_ok(loy_bgnbd_clv(w, P, X, TX, TT, NULL, 4, d, (double)INFINITY,
                            NULL));
    assert_ok(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, d, 520.0, NULL));
    for (i = 0; i < 4; i++) {
        print_message("DERT(delta 0.01) x=%g: %.6f (10 years: %.6f)\n", X[i],
                      inf[i], v[i]);
        assert_close(w[i], inf[i], 1e-15, 0);
        assert_true(inf[i] > v[i] && v[i] > 0.0);
        /* bounded by the undiscounted CET over the cut horizon */
        assert_true(inf[i] < cet(P, i, 30.0 / d));
    }
    /* a = 1 works too (no nudging) and is continuous */
    {
        double p1[4] = {0.243, 4.414, 1.0, 2.426}, p2[4], a1, a2;
        memcpy(p2, p1, sizeof p2);
        p2[2] = 1.0 + 1e-9;
        assert_ok(loy_bgnbd_clv(&a1, p1, &X[1], &TX[1], &TT[1], NULL, 1, d,
                                0.0, NULL));
        assert_ok(loy_bgnbd_clv(&a2, p2, &X[1], &TX[1], &TT[1], NULL, 1, d,
                                0.0, NULL));
        assert_close(a1, a2, 1e-7, 0);
    }
}

/*
 * The infinite horizon is evaluated in closed form over lambda and one
 * quadrature over p; a long finite horizon (30/delta, cut error below
 * e^-30) is integrated from dCET/dt. Two independent routes, one number.
 */
static void
test_infinite_horizon_matches_integration(void **state)
{
    static const double params[3][4] = {
        {0.243, 4.414, 0.793, 2.426}, {1.2, 10.0, 1.0, 3.0},
        {0.5, 2.0, 3.5, 0.8}};
    static const double x[3] = {0, 9, 500}, tx[3] = {0, 20.5, 38};
    static const double T[3] = {38.86, 30, 39};
    static const double deltas[2] = {0.01, 0.05};
    size_t m, i, k;
    (void)state;
    for (m = 0; m < 3; m++)
        for (k = 0; k < 2; k++)
            for (i = 0; i < 3; i++) {
                double inf = 0, fin = 0, d = deltas[k];
                assert_ok(loy_bgnbd_clv(&inf, params[m], &x[i], &tx[i], &T[i],
                                        NULL, 1, d, 0.0, NULL));
                assert_ok(loy_bgnbd_clv(&fin, params[m], &x[i], &tx[i], &T[i],
                                        NULL, 1, d, 30.0 / d, NULL));
                assert_close(inf, fin, 1e-9, 1e-15);
            }
}

/*
 * A fuzz input (fuzz_btyd): k = r + x = 4.4e133, beta = alpha + T = 2e301,
 * delta = 8.4e6, so z = beta delta / p >= 1.7e308 at every node of the
 * Beta quadrature and 1/(z + k + 1) is subnormal. The incomplete gamma's
 * continued fraction then never met its one-ulp test, ran 100,000 steps
 * at each node (12 s) and returned LOY_ENOCONV. There z >> k, so
 * z e^z z^k Gamma(-k, z) = 1 to the last bit and
 * DERT = P(alive) k / (beta delta).
 */
static void
test_huge_discount_scale(void **state)
{
    static const double p[4] = {4864.8946545634471, 9.0615724298422172e-06,
                                0.14404296875, 4.574758349917829e-10};
    const double x = 4.3518052242896768e+133, tx = 7.7074240751234461e-322;
    const double T = 1.9960247908599143e+301, delta = 8388608.0;
    double v = 0, pa = 0;
    (void)state;
    assert_ok(loy_bgnbd_clv(&v, p, &x, &tx, &T, NULL, 1, delta, 0.0, NULL));
    assert_ok(loy_bgnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
    assert_close(v, pa * (p[0] + x) / ((p[1] + T) * delta), 1e-13, 0.0);
}

static void
test_bad_input(void **state)
{
    double v[4], m[4] = {1, 2, -1, 3};
    size_t e = 0;
    (void)state;
    assert_status(loy_bgnbd_clv(v, P, X, TX, TT, m, 4, 0.01, 10.0, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 2);
    m[2] = NAN;
    assert_status(loy_bgnbd_clv_monthly(v, P, X, TX, TT, m, 4, 3, 0.01, 4.3,
                                        &e),
                  LOY_ENONFINITE);
    assert_int_equal(e, 2);
    assert_status(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, 0.0, 0.0, &e),
                  LOY_EDOMAIN); /* infinite horizon without discounting */
    assert_status(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, -0.1, 10.0, &e),
                  LOY_EDOMAIN);
    assert_status(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, NAN, 10.0, &e),
                  LOY_ENONFINITE);
    assert_status(loy_bgnbd_clv(v, P, X, TX, TT, NULL, 4, 0.1, -1.0, &e),
                  LOY_EDOMAIN);
    assert_status(loy_bgnbd_clv_monthly(v, P, X, TX, TT, NULL, 4, 0, 0.01,
                                        4.3, &e),
                  LOY_EDOMAIN);
    assert_status(loy_bgnbd_clv_monthly(v, P, X, TX, TT, NULL, 4, 3, 0.01,
                                        0.0, &e),
                  LOY_EDOMAIN);
    assert_status(loy_bgnbd_clv_monthly(v, P, X, TX, TT, NULL, 4, 3, -1.0,
                                        4.3, &e),
                  LOY_EDOMAIN);
    {
        double tx2[4] = {0, 40, 20, 35};
        assert_status(loy_bgnbd_clv(v, P, X, tx2, TT, NULL, 4, 0.1, 10.0, &e),
                      LOY_EINCONSISTENT);
        assert_int_equal(e, 1);
    }
    assert_status(loy_bgnbd_discount_rate(NULL, 0.1, 52), LOY_EINVAL);
    assert_status(loy_bgnbd_discount_rate(v, -1.0, 52), LOY_EDOMAIN);
    assert_status(loy_bgnbd_discount_rate(v, 0.1, 0.0), LOY_EDOMAIN);
    assert_status(loy_bgnbd_discount_rate(v, NAN, 52), LOY_ENONFINITE);
    /* issue 20: a denormal periods_per_year gave delta = inf with LOY_OK */
    v[0] = 7.0;
    assert_status(loy_bgnbd_discount_rate(v, 0.1, 1e-320), LOY_EDOMAIN);
    assert_true(v[0] == 7.0);
    assert_ok(loy_bgnbd_discount_rate(v, 0.1, 1e-300));
    assert_close(v[0], log1p(0.1) / 1e-300, 1e-15, 0.0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monthly_properties),
        cmocka_unit_test(test_continuous_brute_force),
        cmocka_unit_test(test_rate_is_derivative),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_infinite_horizon_matches_integration),
        cmocka_unit_test(test_huge_discount_scale),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
