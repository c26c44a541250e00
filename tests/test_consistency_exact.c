/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_exact.c - the exact distribution of X = P - D under a
 * target (funnel exact tails and exact limits) against the O(n^2) oracle:
 * the double sum over (P, D) of multinomial probabilities in log space.
 */
#include "testutil.h"

#include <string.h>

#include "consistency/consistency_internal.h"

/* ln P(X = j - n) for j = 0..2n by summing over D (P = D + j - n). */
static void
oracle_log_pmf(double *lp, long n, double p0, double d0)
{
    double a0 = 1.0 - p0 - d0;
    long j, d;
    if (a0 < 0.0)
        a0 = 0.0;
    for (j = 0; j <= 2 * n; j++) {
        double m = -HUGE_VAL, s = 0.0;
        long x = j - n;
        /* terms in log space, combined by log-sum-exp */
        double terms[4096];
        long nt = 0, i;
        for (d = 0; d <= n; d++) {
            long p = d + x, a = n - d - p;
            double t;
            if (p < 0 || a < 0)
                continue;
            if ((d > 0 && d0 == 0.0) || (p > 0 && p0 == 0.0)
                || (a > 0 && a0 == 0.0))
                continue;
            t = lgamma((double)n + 1) - lgamma((double)d + 1)
                - lgamma((double)p + 1) - lgamma((double)a + 1);
            if (d > 0)
                t += (double)d * log(d0);
            if (p > 0)
                t += (double)p * log(p0);
            if (a > 0)
                t += (double)a * log(a0);
            terms[nt++] = t;
            if (t > m)
                m = t;
        }
        if (nt == 0) {
            lp[j] = -HUGE_VAL;
            continue;
        }
        for (i = 0; i < nt; i++)
            s += exp(terms[i] - m);
        lp[j] = m + log(s);
    }
}

static double
lse(double u, double v)
{
    double m = u > v ? u : v;
    if (m == -HUGE_VAL)
        return m;
    return m + log1p(exp(-fabs(u - v)));
}

/* Relative agreement, with values below 1e-290 allowed to underflow. */
static void
assert_tail(double got, double log_want, double rel)
{
    if (log_want < log(1e-290)) {
        assert_true(got <= 1e-280);
        return;
    }
    assert_close(got, exp(log_want), rel, 0.0);
}

static void
check_all_x(long n, double p0, double d0, double rel)
{
    double *lp = malloc((size_t)(2 * n + 1) * sizeof *lp);
    double *lo = malloc((size_t)(2 * n + 1) * sizeof *lo);
    double *hi = malloc((size_t)(2 * n + 1) * sizeof *hi);
    long j;
    assert_non_null(lp);
    assert_non_null(lo);
    assert_non_null(hi);
    oracle_log_pmf(lp, n, p0, d0);
    lo[0] = lp[0];
    for (j = 1; j <= 2 * n; j++)
        lo[j] = lse(lo[j - 1], lp[j]);
    hi[2 * n] = lp[2 * n];
    for (j = 2 * n - 1; j >= 0; j--)
        hi[j] = lse(hi[j + 1], lp[j]);
    for (j = 0; j <= 2 * n; j++) {
        double l, u;
        loy__trinomial_tails(&l, &u, (uint64_t)n, j - n, p0, d0);
        assert_tail(l, lo[j], rel);
        assert_tail(u, hi[j], rel);
    }
    free(lp);
    free(lo);
    free(hi);
}

/* Random shares and sizes: every x, both tails, relative 1e-11. */
static void
test_tails_vs_oracle(void **state)
{
    static const long ns[] = {1, 2, 3, 5, 10, 37, 100, 250};
    loy_test_rng r = {20240611u};
    size_t i;
    int k;
    (void)state;
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (k = 0; k < 4; k++) {
            double p0 = loy_test_rng_uniform(&r);
            double d0 = (1.0 - p0) * loy_test_rng_uniform(&r);
            check_all_x(ns[i], p0, d0, 1e-11);
        }
    }
    /* Skewed targets: the mode far from X = 0, tails down to 1e-280. */
    check_all_x(300, 0.85, 0.03, 1e-11);
    check_all_x(300, 0.02, 0.9, 1e-11);
    check_all_x(300, 0.3, 0.3, 1e-11);
}

/* Shares on the edge of the simplex. */
static void
test_tails_edges(void **state)
{
    double l, u;
    (void)state;
    check_all_x(40, 0.6, 0.0, 1e-12);  /* no detractors: X >= 0 */
    check_all_x(40, 0.0, 0.7, 1e-12);  /* no promoters: X <= 0 */
    check_all_x(41, 0.55, 0.45, 1e-12); /* no passives: X has n's parity */
    check_all_x(40, 1.0, 0.0, 1e-12);
    check_all_x(40, 0.0, 1.0, 1e-12);
    /* p0 = d0 = 0: X = 0 surely. */
    loy__trinomial_tails(&l, &u, 30, 0, 0.0, 0.0);
    assert_close(l, 1.0, 0, 1e-15);
    assert_close(u, 1.0, 0, 1e-15);
    loy__trinomial_tails(&l, &u, 30, -1, 0.0, 0.0);
    assert_close(l, 0.0, 0, 0);
    assert_close(u, 1.0, 0, 1e-15);
    loy__trinomial_tails(&l, &u, 30, 1, 0.0, 0.0);
    assert_close(l, 1.0, 0, 1e-15);
    assert_close(u, 0.0, 0, 0);
    /* MODELS.md checks: P(X <= -n) = d0^n, P(X >= n) = p0^n. */
    loy__trinomial_tails(&l, &u, 25, -25, 0.4, 0.35);
    assert_close(l, pow(0.35, 25), 1e-13, 0);
    loy__trinomial_tails(&l, &u, 25, 25, 0.4, 0.35);
    assert_close(u, pow(0.4, 25), 1e-13, 0);
}

/* ln P(X = x) for large n, by a log-space sum over D. */
static double
log_pmf_sum(long n, long x, double p0, double d0)
{
    const double a0 = 1.0 - p0 - d0;
    double m = -HUGE_VAL, s = 0.0;
    long d;
    for (d = 0; d <= n; d++) {
        long p = d + x, a = n - d - p;
        double t;
        if (p < 0 || a < 0)
            continue;
        t = lgamma((double)n + 1.0) - lgamma((double)d + 1.0)
            - lgamma((double)p + 1.0) - lgamma((double)a + 1.0)
            + (double)d * log(d0) + (double)p * log(p0)
            + (double)a * log(a0);
        if (t > m) {
            s = s * exp(m - t) + 1.0;
            m = t;
        } else {
            s += exp(t - m);
        }
    }
    return m + log(s);
}

/* Large n: near the mode lower + upper - 1 = P(X = x); far out the small
 * tail keeps its relative accuracy (the oracle sums the tail's terms until
 * they no longer matter). */
static void
test_tails_large(void **state)
{
    const long n = 4000;
    const double p0 = 0.55, d0 = 0.15;
    static const long near[] = {1580, 1600, 1620};
    static const long far[] = {-400, 1300, 1900, 2200};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof near / sizeof near[0]; i++) {
        double l, u;
        loy__trinomial_tails(&l, &u, (uint64_t)n, near[i], p0, d0);
        assert_close(l + u - 1.0, exp(log_pmf_sum(n, near[i], p0, d0)), 1e-8,
                     0.0);
    }
    for (i = 0; i < sizeof far / sizeof far[0]; i++) {
        long x = far[i], dir = x < 1600 ? -1 : 1, k;
        double l, u, first = log_pmf_sum(n, x, p0, d0), acc = first;
        for (k = 1; k < 2000; k++) {
            double t = log_pmf_sum(n, x + dir * k, p0, d0);
            acc = lse(acc, t);
            if (t < acc - 40.0)
                break;
        }
        loy__trinomial_tails(&l, &u, (uint64_t)n, x, p0, d0);
        assert_tail(dir < 0 ? l : u, acc, 1e-9);
    }
}

/* Exact limits: r_q and the interpolation, against the oracle. */
static void
test_exact_limits(void **state)
{
    static const long ns[] = {1, 4, 15, 60, 200};
    static const double qs[] = {0.001, 0.025, 0.5, 0.975, 0.999};
    static const double shares[][2] = {{0.5, 0.2}, {0.8, 0.05},
                                       {0.1, 0.7}, {0.5, 0.5}};
    size_t a, b, c;
    (void)state;
    for (a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        long n = ns[a], j;
        double *lp = malloc((size_t)(2 * n + 1) * sizeof *lp);
        assert_non_null(lp);
        for (c = 0; c < 4; c++) {
            double p0 = shares[c][0], d0 = shares[c][1];
            double step = 1.0 - p0 - d0 > 0.0 ? 1.0 : 2.0;
            oracle_log_pmf(lp, n, p0, d0);
            for (b = 0; b < 5; b++) {
                double q = qs[b], cdf = 0.0, y, want;
                y = loy__trinomial_limit((uint64_t)n, q, p0, d0);
                for (j = 0; j <= 2 * n; j++) {
                    cdf += exp(lp[j]);
                    if (cdf >= q * (1.0 - 1e-12))
                        break;
                }
                want = ((double)(j - n)
                        - step * (cdf - q) / exp(lp[j])) / (double)n;
                assert_close(y, want, 1e-9, 1e-12);
            }
        }
        free(lp);
    }
}

/* The public wrapper and its errors. */
static void
test_public_tails(void **state)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    double l = 7.0, u = 7.0;
    (void)state;
    t.detractors = 3;
    t.passives = 4;
    t.promoters = 5;
    assert_ok(loy_funnel_exact_tails(&l, &u, &t, 0.5, 0.2));
    /* brute force: sum over (D, P) of the multinomial, x = 2 */
    assert_close(l, 0.33502291437500004, 1e-13, 0);
    assert_close(u, 0.7828800614750001, 1e-13, 0);
    assert_status(loy_funnel_exact_tails(NULL, &u, &t, 0.5, 0.2), LOY_EINVAL);
    assert_status(loy_funnel_exact_tails(&l, &u, NULL, 0.5, 0.2), LOY_EINVAL);
    assert_status(loy_funnel_exact_tails(&l, &u, &t, 0.7, 0.4), LOY_EDOMAIN);
    assert_status(loy_funnel_exact_tails(&l, &u, &t, -0.1, 0.4), LOY_EDOMAIN);
    assert_status(loy_funnel_exact_tails(&l, &u, &t, NAN, 0.4), LOY_ENONFINITE);
    t.struct_size = 8;
    assert_status(loy_funnel_exact_tails(&l, &u, &t, 0.5, 0.2), LOY_EINVAL);
    t.struct_size = sizeof t;
    t.detractors = t.passives = t.promoters = 0;
    assert_status(loy_funnel_exact_tails(&l, &u, &t, 0.5, 0.2), LOY_EEMPTY);
    t.promoters = UINT64_MAX;
    t.passives = 2;
    assert_status(loy_funnel_exact_tails(&l, &u, &t, 0.5, 0.2), LOY_EOVERFLOW);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tails_vs_oracle),
        cmocka_unit_test(test_tails_edges),
        cmocka_unit_test(test_tails_large),
        cmocka_unit_test(test_exact_limits),
        cmocka_unit_test(test_public_tails),
    };
    return cmocka_run_group_tests_name("consistency_exact", tests, NULL, NULL);
}
