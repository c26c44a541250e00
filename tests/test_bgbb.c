/* SPDX-License-Identifier: MIT */
/* test_bgbb.c - BG/BB: published donations values, brute-force checks by
 * quadrature over the beta mixing distributions and by long direct sums,
 * the gamma = 1 limits, and bad input. */
#include "testutil.h"
#include "core/internal.h"

#include <string.h>

#define NPAT 22

/* Donations patterns (MODELS.md 10), also compared with the CSV file. */
static const double DON_X[NPAT] = {0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2,
                                   2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6};
static const double DON_TX[NPAT] = {0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5,
                                    6, 3, 4, 5, 6, 4, 5, 6, 5, 6, 6};
static const double DON_W[NPAT] = {3464, 1091, 277, 129, 78,  119, 129, 613,
                                   255,  155,  173, 234, 322, 181, 225, 357,
                                   240,  284,  512, 335, 728, 1203};
static const double DON_N[NPAT] = {6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
                                   6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6};
static const double PUB[4] = {1.204, 0.750, 0.657, 2.783};

/* Read donations.csv into the arrays; 0 when the file is absent. */
static size_t
load_donations(double *x, double *tx, double *n, double *w)
{
    char buf[512];
    const char *path = loy_test_data_path("donations/donations.csv", buf,
                                          sizeof buf);
    FILE *f;
    size_t k = 0;
    if (path == NULL)
        return 0;
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    while (k < NPAT && fscanf(f, "%lf,%lf,%lf,%lf", &x[k], &tx[k], &n[k],
                              &w[k]) == 4)
        k++;
    fclose(f);
    return k;
}

/* ---------------------------------------------------------------------
 * Independent evaluation: tanh-sinh quadrature of E[f(u)] for
 * u ~ Beta(a, b), robust to the endpoint singularities of a, b < 1.
 * f receives u and 1 - u (both accurate near the ends).
 * ------------------------------------------------------------------- */
typedef double (*ufun)(double u, double um, const void *ctx);

static double
beta_expect(double a, double b, ufun f, const void *ctx)
{
    const double h = 1.0 / 48.0, pi = 3.14159265358979323846;
    double lb = lgamma(a) + lgamma(b) - lgamma(a + b), s = 0.0, t;
    for (t = -4.5; t <= 4.5; t += h) {
        double v = 0.5 * pi * sinh(t);
        double lu = -log1p(exp(-2.0 * v)), lum = -log1p(exp(2.0 * v));
        double dudt = 0.5 * pi * cosh(t) / (2.0 * cosh(v) * cosh(v));
        double dens = exp((a - 1.0) * lu + (b - 1.0) * lum - lb);
        if (dudt == 0.0 || !isfinite(dens))
            continue;
        s += dens * dudt * f(exp(lu), exp(lum), ctx) * h;
    }
    return s;
}

typedef struct mom { double j, k; } mom;

static double
f_mom(double u, double um, const void *ctx)
{
    const mom *m = ctx;
    return pow(u, m->j) * pow(um, m->k);
}

/* E[u^j (1-u)^k] under Beta(a, b), by quadrature. */
static double
q_mom(double a, double b, double j, double k)
{
    mom m;
    m.j = j;
    m.k = k;
    return beta_expect(a, b, f_mom, &m);
}

/* L of one customer, by quadrature over p and theta separately. */
static double
q_lik(const double *p, double x, double tx, double n)
{
    double s = q_mom(p[0], p[1], x, n - x) * q_mom(p[2], p[3], 0.0, n), i;
    for (i = 0.0; i < n - tx; i++)
        s += q_mom(p[0], p[1], x, tx - x + i)
             * q_mom(p[2], p[3], 1.0, tx + i);
    return s;
}

typedef struct horizon { double n, N, v; } horizon;

/* sum_{k=1}^{N} (1-theta)^(n+k) */
static double
f_alive_sum(double u, double um, const void *ctx)
{
    const horizon *h = ctx;
    return pow(um, h->n + 1.0) * -expm1(h->N * log1p(-u)) / u;
}

/* sum_{k>=1} (1-theta)^(n+k) v^k */
static double
f_alive_disc(double u, double um, const void *ctx)
{
    const horizon *h = ctx;
    (void)u;
    return pow(um, h->n + 1.0) * h->v / (1.0 - h->v * um);
}

static void
test_donations_published_loglik(void **state)
{
    double ll, x[NPAT], tx[NPAT], n[NPAT], w[NPAT];
    size_t ei = 0, k;
    (void)state;
    assert_ok(loy_bgbb_loglik(&ll, PUB, DON_X, DON_TX, DON_N, DON_W, NPAT,
                              &ei));
    assert_close(ll, -33225.58, 0.0, 0.005);
    assert_true(ei == LOY_NO_INDEX);
    k = load_donations(x, tx, n, w);
    if (k == 0)
        skip();
    assert_int_equal(k, NPAT);
    for (k = 0; k < NPAT; k++) {
        assert_true(x[k] == DON_X[k] && tx[k] == DON_TX[k]);
        assert_true(n[k] == DON_N[k] && w[k] == DON_W[k]);
    }
}

static void
test_donations_fit(void **state)
{
    double p[4], x[NPAT], tx[NPAT], n[NPAT], w[NPAT], ll, g, h = 1e-5;
    loy_fit_report r = LOY_FIT_REPORT_INIT;
    size_t k = load_donations(x, tx, n, w), j;
    (void)state;
    if (k == 0)
        skip();
    assert_ok(loy_bgbb_fit(p, x, tx, n, w, k, NULL, &r, NULL));
    for (j = 0; j < 4; j++)
        assert_close(p[j], PUB[j], 0.0, 0.005);
    assert_close(r.loglik, -33225.58, 0.0, 0.005);
    assert_int_equal(r.status, LOY_OK);
    assert_int_equal(r.n_params, 4);
    assert_close(r.n_customers, 11104.0, 0.0, 1e-9);
    for (j = 0; j < 4; j++)
        assert_true(r.se[j] > 0.0 && r.se[j] < p[j]);
    /* stationary point of the public likelihood: central differences in
     * log-parameters vanish, so the analytic gradient steering the fit is
     * right */
    for (j = 0; j < 4; j++) {
        double q[4], lp, lm;
        memcpy(q, p, sizeof q);
        q[j] = p[j] * exp(h);
        assert_ok(loy_bgbb_loglik(&lp, q, x, tx, n, w, k, NULL));
        q[j] = p[j] * exp(-h);
        assert_ok(loy_bgbb_loglik(&lm, q, x, tx, n, w, k, NULL));
        g = (lp - lm) / (2.0 * h);
        assert_close(g / 11104.0, 0.0, 0.0, 1e-6);
    }
    assert_ok(loy_bgbb_loglik(&ll, p, x, tx, n, w, k, NULL));
    assert_close(ll, r.loglik, 1e-12, 0.0);
}

/* Individual rows (compressed or not) give the same estimates as the
 * weighted patterns: all 11,104 donors compressed, and an eighth of them
 * (1,385 rows) both ways. */
static void
test_fit_individual_rows(void **state)
{
    double *x, *tx, *n, p0[4], p1[4], p2[4], w8[NPAT];
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    size_t i, j, m = 0, j8 = 0;
    (void)state;
    x = malloc(3 * 11104 * sizeof *x);
    assert_non_null(x);
    tx = x + 11104;
    n = tx + 11104;
    for (i = 0; i < NPAT; i++) /* the eighth first, then the rest */
        for (j = 0; j < (size_t)(DON_W[i] / 8.0); j++, m++) {
            x[m] = DON_X[i];
            tx[m] = DON_TX[i];
            n[m] = DON_N[i];
        }
    j8 = m;
    for (i = 0; i < NPAT; i++) {
        w8[i] = floor(DON_W[i] / 8.0);
        for (j = (size_t)w8[i]; j < (size_t)DON_W[i]; j++, m++) {
            x[m] = DON_X[i];
            tx[m] = DON_TX[i];
            n[m] = DON_N[i];
        }
    }
    assert_int_equal(m, 11104);
    o.flags = LOY_FIT_NO_SE;
    assert_ok(loy_bgbb_fit(p0, DON_X, DON_TX, DON_N, DON_W, NPAT, &o, NULL,
                           NULL));
    o.flags = LOY_FIT_COMPRESS | LOY_FIT_NO_SE;
    assert_ok(loy_bgbb_fit(p1, x, tx, n, NULL, m, &o, NULL, NULL));
    for (j = 0; j < 4; j++)
        assert_close(p1[j], p0[j], 1e-6, 0.0);
    assert_ok(loy_bgbb_fit(p0, DON_X, DON_TX, DON_N, w8, NPAT, &o, NULL,
                           NULL));
    assert_ok(loy_bgbb_fit(p1, x, tx, n, NULL, j8, &o, NULL, NULL));
    o.flags = LOY_FIT_NO_COMPRESS | LOY_FIT_NO_SE;
    assert_ok(loy_bgbb_fit(p2, x, tx, n, NULL, j8, &o, NULL, NULL));
    for (j = 0; j < 4; j++) {
        assert_close(p1[j], p0[j], 1e-6, 0.0);
        assert_close(p2[j], p0[j], 1e-6, 0.0);
    }
    free(x);
}

static void
test_fit_noconv_returns_best_point(void **state)
{
    double p[4] = {0};
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report r = LOY_FIT_REPORT_INIT;
    size_t j;
    (void)state;
    o.max_iter = 2;
    assert_status(loy_bgbb_fit(p, DON_X, DON_TX, DON_N, DON_W, NPAT, &o, &r,
                               NULL),
                  LOY_ENOCONV);
    assert_int_equal(r.status, LOY_ENOCONV);
    for (j = 0; j < 4; j++)
        assert_true(isfinite(p[j]) && p[j] > 0.0);
    assert_true(isfinite(r.loglik) && r.loglik < -33225.58);
}

/* Likelihood, P(alive), CET and DERT against quadrature over p and theta. */
static void
test_against_quadrature(void **state)
{
    static const double P[2][4] = {{1.204, 0.750, 0.657, 2.783},
                                   {0.4, 2.5, 3.2, 0.6}};
    static const double X[] = {0, 1, 3, 4, 6, 2}, TX[] = {0, 5, 3, 6, 9, 2};
    static const double N[] = {6, 7, 8, 6, 12, 20};
    size_t s, i;
    (void)state;
    for (s = 0; s < 2; s++) {
        const double *p = P[s];
        double pa[6], ce[6], de[6], ll;
        assert_ok(loy_bgbb_palive(pa, p, X, TX, N, 6, 2.0, NULL));
        assert_ok(loy_bgbb_expected(ce, p, X, TX, N, 6, 10.0, NULL));
        assert_ok(loy_bgbb_dert(de, p, X, TX, N, 6, 0.08, NULL));
        for (i = 0; i < 6; i++) {
            horizon h;
            double L = q_lik(p, X[i], TX[i], N[i]);
            double m1 = q_mom(p[0], p[1], X[i] + 1.0, N[i] - X[i]);
            assert_ok(loy_bgbb_loglik(&ll, p, &X[i], &TX[i], &N[i], NULL, 1,
                                      NULL));
            assert_close(ll, log(L), 0.0, 1e-9);
            assert_close(pa[i], q_mom(p[0], p[1], X[i], N[i] - X[i])
                                    * q_mom(p[2], p[3], 0.0, N[i] + 2.0) / L,
                         1e-8, 0.0);
            h.n = N[i];
            h.N = 10.0;
            h.v = 1.0 / 1.08;
            assert_close(ce[i], m1 * beta_expect(p[2], p[3], f_alive_sum, &h)
                                    / L, 1e-8, 0.0);
            assert_close(de[i], m1 * beta_expect(p[2], p[3], f_alive_disc, &h)
                                    / L, 1e-8, 0.0);
        }
    }
}

static void
test_palive_properties(void **state)
{
    static const double X[] = {0, 3, 6, 10}, TX[] = {0, 9, 6, 10};
    static const double N[] = {10, 10, 6, 10};
    double p0[4], p1[4], p5[4];
    size_t i;
    (void)state;
    assert_ok(loy_bgbb_palive(p0, PUB, X, TX, N, 4, 0.0, NULL));
    assert_ok(loy_bgbb_palive(p1, PUB, X, TX, N, 4, 1.0, NULL));
    assert_ok(loy_bgbb_palive(p5, PUB, X, TX, N, 4, 5.0, NULL));
    for (i = 0; i < 4; i++) {
        assert_true(p0[i] >= 0.0 && p0[i] <= 1.0);
        assert_true(p5[i] < p1[i] && p1[i] < p0[i] + 1e-15);
    }
    /* a transaction at the last opportunity proves being alive then */
    assert_close(p0[2], 1.0, 1e-14, 0.0);
    assert_close(p0[3], 1.0, 1e-14, 0.0);
    /* all donations patterns */
    {
        double pa[NPAT];
        assert_ok(loy_bgbb_palive(pa, PUB, DON_X, DON_TX, DON_N, NPAT, 1.0,
                                  NULL));
        for (i = 0; i < NPAT; i++)
            assert_true(pa[i] > 0.0 && pa[i] < 1.0);
        /* later last transaction, more likely alive */
        assert_true(pa[1] < pa[2] && pa[2] < pa[6]);
    }
}

/* PMF: sums to 1 over x = 0..n, mean = E[X(n)], zero above n. */
static void
test_pmf_sums_and_mean(void **state)
{
    static const double NS[] = {0, 1, 6, 30, 260};
    static const double P2[4] = {0.3, 4.0, 1.7, 0.9};
    size_t s, q;
    (void)state;
    for (q = 0; q < 2; q++) {
        const double *p = q == 0 ? PUB : P2;
        for (s = 0; s < 5; s++) {
            double n = NS[s], tot = 0.0, mean = 0.0, e, pm[262], nv[262];
            double xv[262];
            size_t x, len = (size_t)n + 2;
            for (x = 0; x < len; x++) {
                nv[x] = n;
                xv[x] = (double)x;
            }
            assert_ok(loy_bgbb_pmf(pm, p, nv, xv, len, NULL));
            for (x = 0; x + 1 < len; x++) {
                assert_true(pm[x] > 0.0 && pm[x] <= 1.0);
                tot += pm[x];
                mean += (double)x * pm[x];
            }
            assert_ok(loy_bgbb_expected_new(&e, p, &n, 1, NULL));
            assert_close(tot, 1.0, 1e-12, 0.0);
            assert_close(mean, e, 1e-11, 1e-14);
            assert_true(pm[len - 1] == 0.0); /* x = n + 1 */
        }
    }
}

/* E[X(n)] against quadrature, and the in-sample histogram. */
static void
test_expected_new(void **state)
{
    double n[3] = {1, 6, 250}, e[3], hist = 0.0, x, pm;
    size_t i;
    (void)state;
    assert_ok(loy_bgbb_expected_new(e, PUB, n, 3, NULL));
    for (i = 0; i < 3; i++) {
        horizon h;
        h.n = 0.0;
        h.N = n[i];
        assert_close(e[i], PUB[0] / (PUB[0] + PUB[1])
                               * beta_expect(PUB[2], PUB[3], f_alive_sum, &h),
                     1e-9, 0.0);
    }
    assert_close(e[0], PUB[0] / (PUB[0] + PUB[1]) * PUB[3]
                           / (PUB[2] + PUB[3]), 1e-14, 0.0);
    /* expected number of donors with x = 0 is close to the observed 3464 */
    x = 0.0;
    assert_ok(loy_bgbb_pmf(&pm, PUB, &n[1], &x, 1, NULL));
    hist = 11104.0 * pm;
    assert_true(fabs(hist - 3464.0) < 30.0);
}

/* Long horizons take the closed form; it must agree with the direct sum
 * and with quadrature. */
static void
test_long_horizon_closed_form(void **state)
{
    double x = 2, tx = 5, n = 6, c0, c1, c2, m, pa;
    horizon h;
    (void)state;
    assert_ok(loy_bgbb_expected(&c0, PUB, &x, &tx, &n, 1, 100000.0, NULL));
    assert_ok(loy_bgbb_expected(&c1, PUB, &x, &tx, &n, 1, 100001.0, NULL));
    assert_ok(loy_bgbb_expected(&c2, PUB, &x, &tx, &n, 1, 400000.0, NULL));
    /* the extra opportunity adds E[p | data] P(alive at n + 100001) */
    assert_ok(loy_bgbb_palive(&pa, PUB, &x, &tx, &n, 1, 100001.0, NULL));
    m = (PUB[0] + x) / (PUB[0] + PUB[1] + n);
    assert_close(c1 - c0, m * pa, 1e-6, 0.0);
    h.n = n;
    h.N = 400000.0;
    assert_close(c2, q_mom(PUB[0], PUB[1], x + 1.0, n - x)
                         * beta_expect(PUB[2], PUB[3], f_alive_sum, &h)
                         / q_lik(PUB, x, tx, n), 1e-7, 0.0);
}

/* gamma = 1: the removable singularity of the closed forms. */
static void
test_gamma_one_limit(void **state)
{
    static const double H[] = {6, 50, 2e5};
    double x = 3, tx = 4, n = 6;
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        double p[4] = {1.2, 0.8, 1.0, 2.5}, e1, c1, e, c, want = 0.0, j;
        double eps[] = {-1e-6, -1e-9, 1e-9, 1e-6};
        size_t k;
        assert_ok(loy_bgbb_expected_new(&e1, p, &H[i], 1, NULL));
        assert_ok(loy_bgbb_expected(&c1, p, &x, &tx, &n, 1, H[i], NULL));
        /* E[X(n)] -> alpha/(alpha+beta) delta sum_j 1/(1+delta+j) */
        for (j = 0.0; j < H[i]; j++)
            want += 1.0 / (1.0 + p[3] + j);
        assert_close(e1, p[0] / (p[0] + p[1]) * p[3] * want, 1e-12, 0.0);
        for (k = 0; k < 4; k++) {
            p[2] = 1.0 + eps[k];
            assert_ok(loy_bgbb_expected_new(&e, p, &H[i], 1, NULL));
            assert_ok(loy_bgbb_expected(&c, p, &x, &tx, &n, 1, H[i], NULL));
            assert_close(e, e1, 20.0 * fabs(eps[k]) + 1e-9, 0.0);
            assert_close(c, c1, 20.0 * fabs(eps[k]) + 1e-9, 0.0);
        }
    }
}

/* DERT against a long truncated direct sum over future opportunities. */
static void
test_dert_direct_sum(void **state)
{
    static const double D[] = {0.01, 0.1, 1.0};
    double x = 4, tx = 6, n = 6, ll, de, pa, cum = 0.0, k, v;
    size_t i;
    (void)state;
    assert_ok(loy_bgbb_loglik(&ll, PUB, &x, &tx, &n, NULL, 1, NULL));
    for (i = 0; i < 3; i++) {
        double s = 0.0, lnum;
        assert_ok(loy_bgbb_dert(&de, PUB, &x, &tx, &n, 1, D[i], NULL));
        v = 1.0 / (1.0 + D[i]);
        lnum = lgamma(PUB[0] + x + 1.0) + lgamma(PUB[1] + n - x)
               - lgamma(PUB[0] + PUB[1] + n + 1.0)
               - (lgamma(PUB[0]) + lgamma(PUB[1]) - lgamma(PUB[0] + PUB[1]));
        for (k = 1.0; k <= 4000.0; k++) {
            double lg = lgamma(PUB[2]) + lgamma(PUB[3] + n + k)
                        - lgamma(PUB[2] + PUB[3] + n + k)
                        - (lgamma(PUB[2]) + lgamma(PUB[3])
                           - lgamma(PUB[2] + PUB[3]));
            s += exp(lnum + lg - ll + k * log(v));
        }
        assert_close(de, s, 1e-10, 0.0);
    }
    /* undiscounted DERT (gamma > 1) = the infinite-horizon CET */
    {
        double p[4] = {1.2, 0.8, 2.5, 3.0}, c;
        assert_ok(loy_bgbb_dert(&de, p, &x, &tx, &n, 1, 0.0, NULL));
        assert_ok(loy_bgbb_expected(&c, p, &x, &tx, &n, 1, 1e7, NULL));
        assert_close(de, c, 1e-6, 0.0);
        assert_ok(loy_bgbb_palive(&pa, p, &x, &tx, &n, 1, 1.0, NULL));
        cum = pa;
        assert_true(de > cum * 0.5);
    }
    /* huge discount: only the next opportunity counts, discounted once */
    assert_ok(loy_bgbb_dert(&de, PUB, &x, &tx, &n, 1, 1e9, NULL));
    assert_ok(loy_bgbb_expected(&pa, PUB, &x, &tx, &n, 1, 1.0, NULL));
    assert_close(de, pa / (1.0 + 1e9), 1e-8, 0.0);
}

/* Many opportunities stay finite and consistent. */
static void
test_heavy_customers(void **state)
{
    double x[] = {2500, 0, 4990}, tx[] = {4800, 0, 4995};
    double n[] = {5000, 5000, 5000}, ll, pa[3], ce[3], de[3];
    size_t i;
    (void)state;
    assert_ok(loy_bgbb_loglik(&ll, PUB, x, tx, n, NULL, 3, NULL));
    assert_true(isfinite(ll) && ll < 0.0);
    assert_ok(loy_bgbb_palive(pa, PUB, x, tx, n, 3, 1.0, NULL));
    assert_ok(loy_bgbb_expected(ce, PUB, x, tx, n, 3, 100.0, NULL));
    assert_ok(loy_bgbb_dert(de, PUB, x, tx, n, 3, 0.05, NULL));
    for (i = 0; i < 3; i++) {
        assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
        assert_true(isfinite(ce[i]) && ce[i] >= 0.0 && ce[i] <= 100.0);
        assert_true(isfinite(de[i]) && de[i] >= 0.0);
    }
    /* offsets beyond the lgamma tables, against quadrature */
    {
        double qx[] = {150, 40, 255}, qtx[] = {255, 257, 258}, qn = 262;
        for (i = 0; i < 3; i++) {
            assert_ok(loy_bgbb_loglik(&ll, PUB, &qx[i], &qtx[i], &qn, NULL, 1,
                                      NULL));
            assert_close(ll, log(q_lik(PUB, qx[i], qtx[i], qn)), 0.0, 1e-8);
        }
    }
}

static void
test_bad_rows(void **state)
{
    static const struct {
        double x, tx, n, w;
        int rc;
    } bad[] = {
        {7, 6, 6, 1, LOY_EINCONSISTENT},   /* x > n */
        {2, 7, 6, 1, LOY_EINCONSISTENT},   /* t_x > n */
        {3, 2, 6, 1, LOY_EINCONSISTENT},   /* t_x < x */
        {1, 0, 6, 1, LOY_EINCONSISTENT},   /* x > 0, t_x = 0 */
        {0, 3, 6, 1, LOY_EINCONSISTENT},   /* x = 0, t_x > 0 */
        {-1, 0, 6, 1, LOY_ESCALE},         /* negative count */
        {1, 1, -6, 1, LOY_ESCALE},
        {1.5, 2, 6, 1, LOY_ESCALE},        /* not whole */
        {1, 2, 6, -1, LOY_ESCALE},         /* negative weight */
        {NAN, 2, 6, 1, LOY_ENONFINITE},
        {1, 2, INFINITY, 1, LOY_ENONFINITE},
        {1, 2, 6, NAN, LOY_ENONFINITE},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double x[3] = {0, 1, 2}, tx[3] = {0, 3, 4}, n[3] = {6, 6, 6};
        double w[3] = {1, 1, 1}, out[3], p[4];
        size_t ei = 99;
        x[1] = bad[i].x;
        tx[1] = bad[i].tx;
        n[1] = bad[i].n;
        w[1] = bad[i].w;
        assert_status(loy_bgbb_loglik(out, PUB, x, tx, n, w, 3, &ei),
                      bad[i].rc);
        assert_int_equal(ei, 1);
        ei = 99;
        assert_status(loy_bgbb_fit(p, x, tx, n, w, 3, NULL, NULL, &ei),
                      bad[i].rc);
        assert_int_equal(ei, 1);
        if (isnan(bad[i].w) || bad[i].w < 0.0)
            continue;
        ei = 99;
        assert_status(loy_bgbb_palive(out, PUB, x, tx, n, 3, 1.0, &ei),
                      bad[i].rc);
        assert_int_equal(ei, 1);
        ei = 99;
        assert_status(loy_bgbb_dert(out, PUB, x, tx, n, 3, 0.1, &ei),
                      bad[i].rc);
        assert_int_equal(ei, 1);
    }
}

static void
test_bad_arguments(void **state)
{
    double out[2], p[4], zero = 0.0, one = 1.0, six = 6.0, neg = -1.0;
    double w0[1] = {0.0};
    double bp[4] = {1.2, 0.8, 0.6, 2.0};
    size_t ei = 0, j;
    (void)state;
    assert_status(loy_bgbb_loglik(NULL, PUB, DON_X, DON_TX, DON_N, NULL, 1,
                                  NULL), LOY_EINVAL);
    assert_status(loy_bgbb_loglik(out, NULL, DON_X, DON_TX, DON_N, NULL, 1,
                                  NULL), LOY_EINVAL);
    assert_status(loy_bgbb_fit(p, DON_X, NULL, DON_N, NULL, 1, NULL, NULL,
                               NULL), LOY_EINVAL);
    assert_status(loy_bgbb_loglik(out, PUB, DON_X, DON_TX, DON_N, NULL, 0,
                                  &ei), LOY_EEMPTY);
    assert_true(ei == LOY_NO_INDEX);
    assert_status(loy_bgbb_fit(p, DON_X, DON_TX, DON_N, w0, 1, NULL, NULL,
                               NULL), LOY_EEMPTY);
    assert_status(loy_bgbb_palive(out, PUB, DON_X, DON_TX, DON_N, 0, 1.0,
                                  NULL), LOY_EEMPTY);
    for (j = 0; j < 4; j++) {
        memcpy(p, PUB, sizeof p);
        p[j] = 0.0;
        assert_status(loy_bgbb_palive(out, p, DON_X, DON_TX, DON_N, 1, 1.0,
                                      NULL), LOY_EDOMAIN);
        p[j] = NAN;
        assert_status(loy_bgbb_expected_new(out, p, &six, 1, NULL),
                      LOY_ENONFINITE);
    }
    assert_status(loy_bgbb_palive(out, PUB, DON_X, DON_TX, DON_N, 1, 0.5,
                                  NULL), LOY_ESCALE);
    assert_status(loy_bgbb_expected(out, PUB, DON_X, DON_TX, DON_N, 1, -1.0,
                                    NULL), LOY_ESCALE);
    assert_status(loy_bgbb_expected_new(out, PUB, &neg, 1, &ei), LOY_ESCALE);
    assert_int_equal(ei, 0);
    assert_status(loy_bgbb_pmf(out, PUB, &six, &neg, 1, &ei), LOY_ESCALE);
    assert_status(loy_bgbb_dert(out, PUB, DON_X, DON_TX, DON_N, 1, -0.1,
                                NULL), LOY_EDOMAIN);
    assert_status(loy_bgbb_dert(out, PUB, DON_X, DON_TX, DON_N, 1, NAN,
                                NULL), LOY_ENONFINITE);
    /* undiscounted with gamma <= 1: infinite, an error not an infinity */
    bp[2] = 1.0;
    assert_status(loy_bgbb_dert(out, bp, DON_X, DON_TX, DON_N, 1, 0.0,
                                NULL), LOY_EDOMAIN);
    bp[2] = 1.5;
    assert_ok(loy_bgbb_dert(out, bp, DON_X, DON_TX, DON_N, 1, 0.0, NULL));
    assert_true(isfinite(out[0]) && out[0] > 0.0);
    /* zero horizons */
    assert_ok(loy_bgbb_expected_new(out, PUB, &zero, 1, NULL));
    assert_true(out[0] == 0.0);
    assert_ok(loy_bgbb_pmf(out, PUB, &zero, &zero, 1, NULL));
    assert_close(out[0], 1.0, 1e-15, 0.0);
    assert_ok(loy_bgbb_pmf(out, PUB, &zero, &one, 1, NULL));
    assert_true(out[0] == 0.0);
}

/*
 * fuzz_bgbb: a positive d below 1.1e-16 rounds 1/(1+d) to 1; with
 * alpha <= 1 (sBG) or gamma <= 1 (BG/BB) the sum then needs ~1/d terms.
 * It was LOY_EDOMAIN (documented for d = 0 only) with an uninitialised
 * value written; now LOY_ENOCONV with the partial sum (the t = 0 term).
 */
static void
test_tiny_discount_rate(void **state)
{
    const double sp[2] = {4.4301417283815188e-06, 48.0};
    const double bp[4] = {1.2, 0.75, 0.66, 2.78};
    double out = -1.0, x = 2, tx = 5, n = 6;
    (void)state;
    assert_status(loy_sbg_del(&out, sp, 1.8e-255), LOY_ENOCONV);
    assert_true(out == 1.0);
    out = -1.0;
    assert_status(loy_sbg_derl(&out, sp, 1.8e-255, 3), LOY_ENOCONV);
    assert_true(isfinite(out) && out > 0.0 && out <= 1.0);
    out = -1.0;
    assert_status(loy_sbg_del(&out, sp, 0.0), LOY_EDOMAIN);
    assert_true(out == -1.0);
    assert_status(loy_bgbb_dert(&out, bp, &x, &tx, &n, 1, 1e-300, NULL),
                  LOY_ENOCONV);
    assert_true(isfinite(out) && out > 0.0);
}

/* fuzz_bgbb: DERL with a denormal beta was NaN with LOY_OK: beta + n - 1
 * rounded beta away, 0/0. For n = 1 it is r_1 f = beta/(alpha+beta) f. */
static void
test_derl_tiny_beta(void **state)
{
    const double sp[2] = {1.613178547417721e-307, 6.9030150463721873e-317};
    double out = -1.0, del = -1.0;
    (void)state;
    assert_ok(loy_sbg_derl(&out, sp, 58.0, 1));
    assert_ok(loy_sbg_del(&del, sp, 58.0));
    assert_true(isfinite(out) && out >= 0.0);
    /* DERL(n = 1) = r_1 2F1(1, beta+1; alpha+beta+1; v), r_1 =
     * beta/(alpha+beta) ~ 4.3e-10; with alpha, beta ~ 0 the series is
     * geometric: 1/(1 - v), v = 1/(1 + d) */
    assert_close(out, sp[1] / (sp[0] + sp[1]) / (1.0 - 1.0 / 59.0), 1e-12,
                 0.0);
}

/*
 * Batches of 2048 rows or more compute each pattern (x, t_x, n) with
 * n < 64 once: every row must get the bytes it gets alone, for patterns
 * that repeat, patterns past n = 63 (row by row) and the last rows.
 */
#define NMEMO 2100u

static int
memo_call(int f, double *out, const double *p, const double *x,
          const double *tx, const double *nn, size_t n)
{
    switch (f) {
    case 0:
        return loy_bgbb_palive(out, p, x, tx, nn, n, 0.0, NULL);
    case 1:
        return loy_bgbb_palive(out, p, x, tx, nn, n, 4.0, NULL);
    case 2:
        return loy_bgbb_expected(out, p, x, tx, nn, n, 5.0, NULL);
    default:
        return loy_bgbb_dert(out, p, x, tx, nn, n, 0.1, NULL);
    }
}

static void
test_batch_memo_same_bits(void **state)
{
    static double x[NMEMO], tx[NMEMO], nn[NMEMO], out[NMEMO];
    const double sets[2][4] = {{1.204, 0.750, 0.657, 2.783},
                               {0.5, 3.0, 1.0, 1.0}};
    size_t i, k;
    int f;
    (void)state;
    for (i = 0; i < NMEMO; i++) {
        nn[i] = i % 9 == 0 ? 60.0 + (double)(i % 13) : 1.0 + (double)(i % 7);
        x[i] = (double)(i % 5) < nn[i] ? (double)(i % 5) : nn[i];
        tx[i] = x[i] == 0.0 ? 0.0 : fmin(nn[i], x[i] + (double)(i % 3));
    }
    for (k = 0; k < 2; k++)
        for (f = 0; f < 4; f++) {
            assert_ok(memo_call(f, out, sets[k], x, tx, nn, NMEMO));
            for (i = 0; i < NMEMO; i += 3) {
                double one = -2.0;
                assert_ok(memo_call(f, &one, sets[k], &x[i], &tx[i], &nn[i],
                                    1));
                assert_memory_equal(&one, &out[i], sizeof one);
            }
        }
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        loy_data_test(test_donations_published_loglik),
        loy_data_test(test_donations_fit),
        cmocka_unit_test(test_fit_individual_rows),
        cmocka_unit_test(test_fit_noconv_returns_best_point),
        cmocka_unit_test(test_against_quadrature),
        cmocka_unit_test(test_palive_properties),
        cmocka_unit_test(test_pmf_sums_and_mean),
        cmocka_unit_test(test_expected_new),
        cmocka_unit_test(test_long_horizon_closed_form),
        cmocka_unit_test(test_gamma_one_limit),
        cmocka_unit_test(test_dert_direct_sum),
        cmocka_unit_test(test_heavy_customers),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_tiny_discount_rate),
        cmocka_unit_test(test_derl_tiny_beta),
        cmocka_unit_test(test_batch_memo_same_bits),
    };
    return loy_run_tests(tests);
}
