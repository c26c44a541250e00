/* SPDX-License-Identifier: MIT */
/*
 * test_limits.c - the lifetime models where real data are awkward
 * (issue 20): parameters at the edge of each family and fits whose
 * maximum lies at a limit of it. Reference values are 40-digit mpmath
 * computations by tests/ref/btyd_ref.py (run it to reproduce them; each
 * value below names its line there). Every case here failed (wrong value,
 * NaN with LOY_OK, an error, or unbounded run time) before the fix.
 *
 * Tests that need the 1.1 fit-report fields are compiled only with a
 * header that has them, so that the value checks can also be built
 * against the 1.0 library to see them fail.
 */
#include "testutil.h"

#include <string.h>

#define REL 1e-10

/* Pareto/NBD references (btyd_ref.py): the series case, then r = 1e8,
 * 1e12, 1e16, 1e20 with alpha = r/0.37 (Poisson limit), and s = 1e8 ...
 * with beta = s/0.05 (fixed dropout rate). */
#define PNBD_REF_SERIES (-45.992910380793441859)
static const double PNBD_REF_RATE[4] = {
    -14.445509236737242707, -14.445509206229937785,
    -14.445509206226887055, -14.44550920622688675};
static const double PNBD_REF_MU[4] = {
    -17.640017156404922121, -17.640017156326052214,
    -17.640017156326044327, -17.640017156326044327};

/* ---- BG/NBD predictions for large shape parameters ---- */

static void
test_bgnbd_expected_new_large_r(void **state)
{
    const double p1[4] = {80.0, 1.0, 2.0, 0.1}, t1 = 100.0;
    const double p2[4] = {100.0, 100.0, 2.0, 5.0}, t2 = 1000.0;
    double v;
    (void)state;
    /* was -47169 (true about 1.1); the series of A = a+b-1-r < 0
     * alternates with terms far larger than the sum */
    assert_ok(loy_bgnbd_expected_new(&v, p1, &t1, 1, NULL));
    assert_close(v, 1.0999860743423492769, REL, 0);
    /* was -138 (true 5.97) */
    assert_ok(loy_bgnbd_expected_new(&v, p2, &t2, 1, NULL));
    assert_close(v, 5.9698202737975276926, REL, 0);
}

static void
test_bgnbd_cet_large_r(void **state)
{
    const double p[4] = {100.0, 100.0, 2.0, 5.0};
    const double x = 3.0, tx = 20.0, T = 30.0;
    double v, pa;
    (void)state;
    /* CET was 8% off */
    assert_ok(loy_bgnbd_expected(&v, p, &x, &tx, &T, 1, 1000.0, NULL));
    assert_close(v, 0.0081847158149414335307, REL, 0);
    assert_ok(loy_bgnbd_predict(&pa, &v, p, &x, &tx, &T, 1, 1000.0, NULL));
    assert_close(v, 0.0081847158149414335307, REL, 0);
}

/* The first 300 rows of examples/data/purchases.csv fit a = 5.7e8,
 * b = 1.0e9, where the CET series gave up ("did not converge"). */
static void
test_bgnbd_huge_beta_shapes(void **state)
{
    const double p[4] = {0.5, 5.0, 5.7e8, 1.0e9}, t = 52.0;
    const double x = 4.0, tx = 30.0, T = 50.0;
    double v;
    (void)state;
    assert_ok(loy_bgnbd_expected_new(&v, p, &t, 1, NULL));
    assert_close(v, 1.4940047995399067246, REL, 0);
    assert_ok(loy_bgnbd_expected(&v, p, &x, &tx, &T, 1, 52.0, NULL));
    assert_close(v, 0.37788925344672733333, REL, 0);
}

/* ln L when r and alpha are huge together (the Poisson limit): relative
 * error 1e-3 at 1e12 and ~0 returned at 1e16 before. */
static void
test_bgnbd_loglik_poisson_limit(void **state)
{
    static const double ref[4] = {
        -14.633664802810443724, /* r = 1e12 */
        -14.633664802807839642, /* r = 1e14 */
        -14.633664802807813601, /* r = 1e16 */
        -14.633664802807813338, /* r = 1e20 */
    };
    const double x = 7.0, tx = 13.5, T = 20.0;
    double ll, each;
    int e;
    (void)state;
    for (e = 0; e < 4; e++) {
        double r = pow(10.0, 12.0 + 2.0 * e);
        double p[4] = {r, r / 0.37, 0.5, 2.0};
        assert_ok(loy_bgnbd_loglik(&ll, p, &x, &tx, &T, NULL, 1, NULL));
        assert_close(ll, ref[e], REL, 0);
        assert_ok(loy_bgnbd_loglik_each(&each, p, &x, &tx, &T, 1, NULL,
                                        NULL));
        assert_close(each, ref[e], REL, 0);
    }
}

/* ---- CLV: bounded work, accurate values ---- */

static void
test_bgnbd_clv_bounded(void **state)
{
    const double p[4] = {100.0, 100.0, 2.0, 5.0};
    const double pc[4] = {0.243, 4.414, 0.793, 2.426};
    const double x = 3.0, tx = 20.0, T = 30.0;
    const double xb = 1e5, txb = 39.0, Tb = 39.0;
    double d, v;
    (void)state;
    assert_ok(loy_bgnbd_discount_rate(&d, 0.10, 52.0));
    /* ran for more than 20 s (adaptive Simpson on a noisy integrand) */
    assert_ok(loy_bgnbd_clv(&v, p, &x, &tx, &T, NULL, 1, d, 520.0, NULL));
    assert_close(v, 0.0076964061531718, 1e-9, 0);
    /* took 2.2 s (a recurrence of x steps at every quadrature node) */
    assert_ok(loy_bgnbd_clv(&v, pc, &xb, &txb, &Tb, NULL, 1, d, 0.0, NULL));
    assert_close(v, 293327.36661243, 1e-9, 0);
}

/* ---- Pareto/NBD ---- */

static void
test_pnbd_expected_new_tiny_alpha(void **state)
{
    const double p[4] = {0.5, 2e-308, 0.6, 12.0};
    const double q[4] = {0.5, 1e-300, 0.6, 12.0};
    const double t = 10.0;
    double v = -1.0;
    size_t ei = 0;
    (void)state;
    /* was NaN with LOY_OK: r/alpha overflows */
    assert_status(loy_pnbd_expected_new(&v, p, &t, 1, &ei), LOY_EOVERFLOW);
    assert_true(v == -1.0 && ei == 0); /* untouched */
    /* still representable: r beta/alpha h = 0.5 * 12 / 1e-300 * h */
    assert_ok(loy_pnbd_expected_new(&v, q, &t, 1, NULL));
    assert_true(isfinite(v) && v > 1e300);
}

static void
test_pnbd_loglik_extreme(void **state)
{
    const double p[4] = {0.5, 1e9, 0.5, 1e-3};
    const double x = 2.0, tx = 5.0, T = 30.0;
    double ll;
    (void)state;
    /* the series in z = (alpha-beta)/(alpha+t) ~ 1 could not converge */
    assert_ok(loy_pnbd_loglik(&ll, p, &x, &tx, &T, NULL, 1, NULL));
    assert_close(ll, PNBD_REF_SERIES, REL, 0);
}

static void
test_pnbd_loglik_limits(void **state)
{
    const double x = 7.0, tx = 13.5, T = 20.0;
    double ll;
    int e;
    (void)state;
    for (e = 0; e < 4; e++) {
        double big = pow(10.0, 8.0 + 4.0 * e);
        double pr[4] = {big, big / 0.37, 0.6, 12.0};  /* Poisson */
        double pm[4] = {0.55, 10.6, big, big / 0.05}; /* fixed mu */
        assert_ok(loy_pnbd_loglik(&ll, pr, &x, &tx, &T, NULL, 1, NULL));
        assert_close(ll, PNBD_REF_RATE[e], REL, 0);
        assert_ok(loy_pnbd_loglik(&ll, pm, &x, &tx, &T, NULL, 1, NULL));
        assert_close(ll, PNBD_REF_MU[e], REL, 0);
    }
}

/* ---- BG/BB ---- */

static void
test_bgbb_huge_gamma(void **state)
{
    const double p[4] = {1.2, 0.75, 1e200, 2.8};
    const double x = 3.0, tx = 5.0, n = 6.0;
    double ll;
    (void)state;
    /* was above 0 (differences of ln Gamma values of size 4.6e202) */
    assert_ok(loy_bgbb_loglik(&ll, p, &x, &tx, &n, NULL, 1, NULL));
    assert_true(ll <= 0.0);
    assert_close(ll, -2299.0773415380149103, REL, 0);
}

static void
test_bgbb_expected_no_nan(void **state)
{
    const double p[4] = {0.5, 2.0, 260.0, 0.01};
    const double x = 2000.0;
    double v;
    (void)state;
    /* was NaN with LOY_OK (inf * 0) */
    assert_ok(loy_bgbb_expected(&v, p, &x, &x, &x, 1, 18.0, NULL));
    assert_close(v, 6.8442055126553560453, REL, 0);
}

/* ---- Gamma-Gamma ---- */

static void
test_ggamma_spend_untouched_on_error(void **state)
{
    const double p[3] = {6.25, 0.5, 15.44}; /* q <= 1 */
    const double x[2] = {3.0, 0.0}, m[2] = {20.0, 0.0};
    double out[2] = {-1.0, -2.0};
    size_t ei = 0;
    (void)state;
    /* row 0 (p x + q > 1) used to be written before row 1 failed */
    assert_status(loy_ggamma_expected_spend(out, p, x, m, 2, &ei),
                  LOY_EDOMAIN);
    assert_true(ei == 1);
    assert_true(out[0] == -1.0 && out[1] == -2.0);
}

/* ---- degenerate fits ---- */

/* fuzz_btyd: a finite DERT times a margin near DBL_MAX gave an infinite
 * CLV with LOY_OK; now LOY_ENOCONV naming the row, rows before written. */
static void
test_clv_margin_overflow(void **state)
{
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    const double x[2] = {2, 3}, tx[2] = {30, 20}, T[2] = {38, 38};
    const double margin[2] = {10.0, 1e308};
    double out[2] = {-1.0, -1.0};
    size_t bad = 99;
    (void)state;
    assert_status(loy_bgnbd_clv(out, p, x, tx, T, margin, 2, 0.001, 0.0, &bad),
                  LOY_ENOCONV);
    assert_int_equal(bad, 1);
    assert_true(isfinite(out[0]) && out[0] > 0.0);
    assert_status(loy_bgnbd_clv_monthly(out, p, x, tx, T, margin, 2, 120, 0.0,
                                        4.345, &bad),
                  LOY_ENOCONV);
    assert_int_equal(bad, 1);
}

#ifdef LOY_FIT_REPORT_LIMIT

/* n customers buying as one Poisson process (rate lambda per week) and
 * never dropping out, observed for T in [20, 80] weeks (continuous). */
static void
poisson_customers(size_t n, double lambda, double *x, double *tx, double *T)
{
    uint64_t s = 12345;
    size_t i;
    for (i = 0; i < n; i++) {
        double t = 0.0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        T[i] = 20.0 + 60.0 * ((double)(s >> 11) * 0x1.0p-53);
        x[i] = 0.0;
        tx[i] = 0.0;
        for (;;) {
            double u;
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u = ((double)(s >> 11) + 0.5) * 0x1.0p-53;
            t += -log(u) / lambda;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
        }
    }
}

typedef int (*fit_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t,
                      const loy_fit_options *, loy_fit_report *, size_t *);

static void
check_poisson_verdict(fit_fn fit, const double *x, const double *tx,
                      const double *T, size_t n, double lambda)
{
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double p[4], pa[4], sx = 0.0, sT = 0.0, cet[4];
    size_t i;
    assert_ok(fit(p, x, tx, T, NULL, n, NULL, &rep, NULL));
    assert_int_equal(rep.status, LOY_OK);
    assert_true(rep.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep.limit,
                     LOY_LIMIT_FIXED_RATE | LOY_LIMIT_NO_DROPOUT);
    assert_int_equal(rep.n_reduced, 1);
    /* the reduced model is the homogeneous Poisson: its MLE is
     * sum x / sum T, with se sqrt(lambda / sum T) */
    for (i = 0; i < n; i++) {
        sx += x[i];
        sT += T[i];
    }
    assert_close(rep.reduced[0], sx / sT, 1e-6, 0);
    assert_close(rep.reduced_se[0], sqrt(sx / sT / sT), 1e-2, 0);
    assert_close(rep.reduced[0], lambda, 0, 4.0 * rep.reduced_se[0]);
    assert_true(isfinite(rep.loglik));
    /* the parameters returned predict as the limit model: P(alive) 1,
     * CET = lambda t */
    for (i = 0; i < 4; i++)
        assert_true(p[i] > 0.0 && isfinite(p[i]));
    /* a plain fit of the full model says it is not an interior maximum */
    o.flags = LOY_FIT_NO_LIMITS;
    rep = (loy_fit_report)LOY_FIT_REPORT_INIT;
    (void)fit(pa, x, tx, T, NULL, n, &o, &rep, NULL);
    assert_true(rep.flags & (LOY_FIT_REPORT_BOUNDARY | LOY_FIT_REPORT_NO_SE));
    (void)cet;
}

static void
test_fits_poisson_no_dropout(void **state)
{
    enum { N = 4000 };
    static double x[N], tx[N], T[N];
    const double lambda = 0.37;
    double p[4], cet[3], pa[3];
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t i;
    (void)state;
    poisson_customers(N, lambda, x, tx, T);
    /* BG/NBD returned LOY_OK with r = 8.3e20, a = 5e-15 and a wrong
     * log-likelihood; Pareto/NBD stopped at boundary parameters saying
     * "converged" without standard errors */
    check_poisson_verdict(loy_bgnbd_fit, x, tx, T, N, lambda);
    check_poisson_verdict(loy_pnbd_fit, x, tx, T, N, lambda);
    check_poisson_verdict(loy_mbgnbd_fit, x, tx, T, N, lambda);
    /* predictions with the returned parameters are the limit model's */
    assert_ok(loy_bgnbd_fit(p, x, tx, T, NULL, N, NULL, &rep, NULL));
    assert_ok(loy_bgnbd_predict(pa, cet, p, x, tx, T, 3, 10.0, NULL));
    for (i = 0; i < 3; i++) {
        assert_close(pa[i], 1.0, 1e-12, 0);
        assert_close(cet[i], rep.reduced[0] * 10.0, 1e-9, 0);
    }
    assert_ok(loy_pnbd_fit(p, x, tx, T, NULL, N, NULL, &rep, NULL));
    assert_ok(loy_pnbd_expected(cet, p, x, tx, T, 3, 10.0, NULL));
    for (i = 0; i < 3; i++)
        assert_close(cet[i], rep.reduced[0] * 10.0, 1e-9, 0);
}

/* A fixed dropout probability: every customer has the same p. */
static void
test_bgnbd_fixed_dropout(void **state)
{
    enum { N = 6000 };
    static double x[N], tx[N], T[N];
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p[4];
    uint64_t s = 99;
    size_t i;
    (void)state;
    for (i = 0; i < N; i++) {
        double t = 0.0, lam;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        /* heterogeneous rates (gamma, shape 2), dropout p = 0.2 for all */
        lam = 0.5 * (-log(((double)(s >> 11) + 0.5) * 0x1.0p-53)
                     - log(((double)((s * 7) >> 11) + 0.5) * 0x1.0p-53));
        T[i] = 52.0;
        x[i] = tx[i] = 0.0;
        for (;;) {
            double u;
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u = ((double)(s >> 11) + 0.5) * 0x1.0p-53;
            t += -log(u) / lam;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            if (((double)(s >> 11) * 0x1.0p-53) < 0.2)
                break;
        }
    }
    assert_ok(loy_bgnbd_fit(p, x, tx, T, NULL, N, NULL, &rep, NULL));
    /* either an interior fit with a + b large, or the limit itself */
    if (rep.flags & LOY_FIT_REPORT_LIMIT) {
        assert_int_equal(rep.limit, LOY_LIMIT_FIXED_DROPOUT);
        assert_int_equal(rep.n_reduced, 3);
        assert_close(rep.reduced[2], 0.2, 0, 5.0 * rep.reduced_se[2]);
    } else {
        assert_close(p[2] / (p[2] + p[3]), 0.2, 0.25, 0);
    }
}

/* Failed fits still write their last point and the report. */
static void
test_failed_fits_write_outputs(void **state)
{
    const double x[6] = {1, 2, 4, 2, 1, 7}, m[6] = {10, 12, 30, 9, 14, 8};
    const double tx[6] = {2, 3, 20, 9, 1, 29};
    const double T[6] = {30, 31, 32, 30, 33, 30};
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep;
    double est[4] = {0, 0, 0, 0};
    size_t k;
    (void)state;
    o.max_iter = 1;
    rep = (loy_fit_report)LOY_FIT_REPORT_INIT;
    assert_status(loy_ggamma_fit(est, x, m, NULL, 6, &o, &rep, NULL),
                  LOY_ENOCONV);
    assert_int_equal(rep.status, LOY_ENOCONV);
    assert_true(rep.flags & LOY_FIT_REPORT_MAX_ITER);
    for (k = 0; k < 3; k++)
        assert_true(est[k] > 0.0 && isfinite(est[k])
                    && est[k] == rep.params[k]);
    o.max_iter = 0;
    o.max_evals = 3;
    rep = (loy_fit_report)LOY_FIT_REPORT_INIT;
    assert_status(loy_pnbd_fit(est, x, tx, T, NULL, 6, &o, &rep, NULL),
                  LOY_ENOCONV);
    assert_true(rep.flags & LOY_FIT_REPORT_MAX_EVALS);
    assert_true(rep.evaluations <= 3 + 60); /* one line search past */
    for (k = 0; k < 4; k++)
        assert_true(est[k] > 0.0 && isfinite(est[k]));
}

/* A 1.0-sized report still works and nothing past it is written. */
static void
test_old_report_size(void **state)
{
    const double x[6] = {0, 1, 4, 2, 0, 7};
    const double tx[6] = {0, 3, 20, 9, 0, 29};
    const double T[6] = {30, 31, 32, 30, 33, 30};
    loy_fit_report rep;
    loy_fit_options o;
    double est[4];
    (void)state;
    memset(&rep, 0x77, sizeof rep);
    rep.struct_size = offsetof(loy_fit_report, flags);
    memset(&o, 0, sizeof o);
    o.struct_size = offsetof(loy_fit_options, max_evals);
    o.max_evals = 0x77777777u; /* beyond the caller's size: ignored */
    assert_ok(loy_bgnbd_fit(est, x, tx, T, NULL, 6, &o, &rep, NULL));
    assert_true(isfinite(rep.loglik));
    assert_int_equal(rep.flags, 0x77777777u);
    assert_int_equal(rep.limit, 0x77777777u);
}

/* sBG: a cohort losing the same fraction every period is the geometric
 * limit (alpha, beta -> infinity): theta = lost / periods at risk. */
static void
test_sbg_fixed_dropout(void **state)
{
    double S[12], p[2], lost, risk = 0.0;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t t;
    (void)state;
    S[0] = 1000.0;
    for (t = 1; t < 12; t++)
        S[t] = S[t - 1] * 0.8;
    for (t = 0; t + 1 < 12; t++)
        risk += S[t];
    lost = S[0] - S[11];
    assert_ok(loy_sbg_fit_cohort(p, S, 12, NULL, &rep, NULL));
    assert_true(rep.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep.limit, LOY_LIMIT_FIXED_DROPOUT);
    assert_int_equal(rep.n_reduced, 1);
    assert_close(rep.reduced[0], lost / risk, 1e-6, 0.0);
    assert_close(rep.reduced[0], 0.2, 1e-6, 0.0);
    /* binomial-type standard error of the pooled rate */
    assert_close(rep.reduced_se[0], sqrt(0.2 * 0.8 / risk), 2e-2, 0.0);
    assert_true(p[0] > 0.0 && p[1] > 0.0 && isfinite(p[0]));
    assert_close(p[0] / (p[0] + p[1]), 0.2, 1e-6, 0.0);
}

/* C(n, k) for small n, exactly. */
static double
choose(unsigned n, unsigned k)
{
    double c = 1.0;
    unsigned j;
    for (j = 1; j <= k; j++)
        c = c * (double)(n - k + j) / (double)j;
    return c;
}

/*
 * BG/BB: everyone transacts with probability 0.3 and nobody leaves. The
 * rows are the patterns (x, t_x, n) weighted by their exact expected
 * frequencies under that model (binomial x; t_x the last of x uniformly
 * placed successes), so the maximum is the limit itself, not a sampling
 * accident: binomial with no dropout, p = sum x / sum n = 0.3.
 */
static void
test_bgbb_binomial_no_dropout(void **state)
{
    enum { ROWS = 64 };
    double x[ROWS], tx[ROWS], nn[ROWS], w[ROWS], p[4], sn = 0.0;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t r = 0;
    unsigned n, k, t;
    (void)state;
    for (n = 4; n <= 6; n++) {
        for (k = 0; k <= n; k++) {
            double pk = choose(n, k) * pow(0.3, k) * pow(0.7, n - k);
            for (t = k == 0 ? 0 : k; t <= (k == 0 ? 0 : n); t++) {
                double share = k == 0 ? 1.0
                                      : choose(t - 1, k - 1) / choose(n, k);
                assert_true(r < ROWS);
                x[r] = k;
                tx[r] = t;
                nn[r] = n;
                w[r] = 1000.0 * pk * share;
                sn += w[r] * n;
                r++;
            }
        }
    }
    assert_ok(loy_bgbb_fit(p, x, tx, nn, w, r, NULL, &rep, NULL));
    assert_true(rep.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep.limit, LOY_LIMIT_FIXED_RATE | LOY_LIMIT_NO_DROPOUT);
    assert_int_equal(rep.n_reduced, 1);
    assert_close(rep.reduced[0], 0.3, 1e-6, 0.0);
    assert_close(rep.reduced_se[0], sqrt(0.3 * 0.7 / sn), 2e-2, 0.0);
}

/*
 * Gamma-Gamma: mean spends less dispersed across customers than one
 * common gamma of transactions explains (relative spread 0.3/sqrt(x),
 * symmetric about 12 in every x), so there is no heterogeneity in scale
 * to fit: the fixed-rate limit (q, gamma -> infinity), reduced (p, nu)
 * with p near 1/0.3^2 and mean spend p/nu = 12 (the x-weighted mean).
 */
static void
test_ggamma_fixed_scale(void **state)
{
    enum { N = 2000 };
    static double x[N], m[N];
    double p[3];
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t i;
    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = (double)(1 + i % 5);
        m[i] = 12.0 * (1.0 + ((i / 5) % 2 ? 0.3 : -0.3) / sqrt(x[i]));
    }
    assert_ok(loy_ggamma_fit(p, x, m, NULL, N, NULL, &rep, NULL));
    assert_true(rep.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep.limit, LOY_LIMIT_FIXED_RATE);
    assert_int_equal(rep.n_reduced, 2);
    assert_true(rep.reduced_se[0] > 0.0 && rep.reduced_se[1] > 0.0);
    assert_close(rep.reduced[0] / rep.reduced[1], 12.0, 1e-6, 0.0);
    assert_close(rep.reduced[0], 1.0 / 0.09, 0.15, 0.0);
}

#endif /* LOY_FIT_REPORT_LIMIT */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bgnbd_expected_new_large_r),
        cmocka_unit_test(test_bgnbd_cet_large_r),
        cmocka_unit_test(test_bgnbd_huge_beta_shapes),
        cmocka_unit_test(test_bgnbd_loglik_poisson_limit),
#ifndef LOY_TEST_SKIP_SLOW /* for running this file against 1.0, where
                            * these cases take minutes */
        cmocka_unit_test(test_bgnbd_clv_bounded),
#endif
        cmocka_unit_test(test_pnbd_expected_new_tiny_alpha),
        cmocka_unit_test(test_pnbd_loglik_extreme),
        cmocka_unit_test(test_pnbd_loglik_limits),
        cmocka_unit_test(test_bgbb_huge_gamma),
        cmocka_unit_test(test_bgbb_expected_no_nan),
        cmocka_unit_test(test_ggamma_spend_untouched_on_error),
        cmocka_unit_test(test_clv_margin_overflow),
#ifdef LOY_FIT_REPORT_LIMIT
        cmocka_unit_test(test_fits_poisson_no_dropout),
        cmocka_unit_test(test_bgnbd_fixed_dropout),
        cmocka_unit_test(test_failed_fits_write_outputs),
        cmocka_unit_test(test_sbg_fixed_dropout),
        cmocka_unit_test(test_bgbb_binomial_no_dropout),
        cmocka_unit_test(test_ggamma_fixed_scale),
        cmocka_unit_test(test_old_report_size),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
