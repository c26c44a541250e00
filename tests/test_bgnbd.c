/* SPDX-License-Identifier: MIT */
/*
 * test_bgnbd.c - BG/NBD: PyMC-Marketing's stable log-likelihood values,
 * the CDNOW fit (FHL 2005) and an independent check that it is the
 * optimum, the analytic gradient, heavy buyers, E[X(t)] and CET against
 * quadrature over p and against simulation, the PMF, the a = 1 limit and
 * bad input.
 */
#include "pnbd_testutil.h"
#include "clv/bgnbd_internal.h"
#include "clv/btyd.h"
#include "numeric/specfun.h"

#include <string.h>

static const double FHL[4] = {0.243, 4.414, 0.793, 2.426};

static const double PSETS[][4] = {
    {0.243, 4.414, 0.793, 2.426},
    {0.25, 4.0, 0.80, 2.50},
    {1.5, 12.0, 2.5, 4.0},
    {0.8, 3.0, 1.0, 2.0}, /* a = 1 */
    {3.0, 0.7, 0.4, 0.9},  /* a + b < 2: quadrature path for x = 0 */
};
#define NPSETS (sizeof PSETS / sizeof PSETS[0])

static const double ROWS[][3] = {
    {0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1.71, 38.86}, {7, 20, 20},
    {29, 35, 38},  {200, 38, 40},     {1000, 9000, 10000}, {10000, 10, 10000},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ---- PyMC-Marketing reference values (MODELS.md 6.9) ---- */

static void
test_pymc_reference(void **state)
{
    const double p[4] = {0.25, 4.0, 0.80, 2.50};
    const double x[2] = {0, 200}, tx[2] = {0, 38}, T[2] = {40, 40};
    double ll[2], tot;
    (void)state;
    assert_ok(loy_bgnbd_loglik_each(ll, p, x, tx, T, 2, NULL, NULL));
    assert_close(ll[0], -0.59947382, 0, 5e-8);
    assert_close(ll[1], 100.7957, 0, 5e-5);
    assert_ok(loy_bgnbd_loglik(&tot, p, x, tx, T, NULL, 2, NULL));
    assert_close(tot, ll[0] + ll[1], 1e-14, 0);
}

/* ln L against the defining formula summed by quadrature over p:
 * L = E_p[ lam-part of (alive at T) + dropped after t_x ] */
typedef struct lctx {
    const double *p;
    double x, tx, T;
} lctx;

static double
lik_p(double pp, void *c)
{
    const lctx *q = c;
    const double *p = q->p;
    double r = p[0], al = p[1], a = p[2], b = p[3], x = q->x;
    double head = lgamma(r + x) - lgamma(r) + r * log(al);
    double alive = head - (r + x) * log(al + q->T) + x * log1p(-pp);
    double dead = x > 0 ? head - (r + x) * log(al + q->tx) + log(pp)
                              + (x - 1) * log1p(-pp)
                        : -(double)INFINITY;
    double dens = (a - 1) * log(pp) + (b - 1) * log1p(-pp)
                  - (lgamma(a) + lgamma(b) - lgamma(a + b));
    return exp(alive + dens) + exp(dead + dens);
}

static void
test_loglik_quadrature(void **state)
{
    size_t s, i;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < 5; i++) {
            lctx c = {PSETS[s], ROWS[i][0], ROWS[i][1], ROWS[i][2]};
            double ll, q = log(quad_ts(lik_p, &c, 0.0, 1.0));
            assert_ok(loy_bgnbd_loglik_each(&ll, PSETS[s], &c.x, &c.tx, &c.T,
                                            1, NULL, NULL));
            assert_close(ll, q, 1e-10, 1e-10);
        }
}

/* ---- gradient ---- */

static void
test_gradient(void **state)
{
    size_t s, i, j;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < NROWS; i++) {
            double g[4], ll;
            assert_ok(loy_bgnbd_loglik_each(&ll, PSETS[s], &ROWS[i][0],
                                            &ROWS[i][1], &ROWS[i][2], 1, g,
                                            NULL));
            assert_true(isfinite(ll));
            for (j = 0; j < 4; j++) {
                double pp[4], lp, lm, h = 1e-5 * PSETS[s][j];
                memcpy(pp, PSETS[s], sizeof pp);
                pp[j] += h;
                assert_ok(loy_bgnbd_loglik(&lp, pp, &ROWS[i][0], &ROWS[i][1],
                                           &ROWS[i][2], NULL, 1, NULL));
                pp[j] -= 2 * h;
                assert_ok(loy_bgnbd_loglik(&lm, pp, &ROWS[i][0], &ROWS[i][1],
                                           &ROWS[i][2], NULL, 1, NULL));
                assert_close(g[j], (lp - lm) / (2 * h), 1e-6,
                             1e-7 * (1 + fabs(ll)) / h * 1e-3);
            }
        }
}

/* ---- heavy buyers and long histories ---- */

static void
test_extremes_finite(void **state)
{
    const double xs[] = {0, 1, 50, 1000, 10000};
    const double Ts[] = {1e-3, 1, 100, 10000};
    size_t i, j, s;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < 5; i++)
            for (j = 0; j < 4; j++) {
                double x = xs[i], T = Ts[j], tx = x > 0 ? 0.5 * T : 0.0;
                double ll, g[4], pa, cet;
                assert_ok(loy_bgnbd_loglik_each(&ll, PSETS[s], &x, &tx, &T, 1,
                                                g, NULL));
                assert_true(isfinite(ll) && isfinite(g[0]) && isfinite(g[1])
                            && isfinite(g[2]) && isfinite(g[3]));
                assert_ok(loy_bgnbd_palive(&pa, PSETS[s], &x, &tx, &T, 1,
                                           NULL));
                assert_true(pa >= 0.0 && pa <= 1.0);
                assert_ok(loy_bgnbd_expected(&cet, PSETS[s], &x, &tx, &T, 1,
                                             39.0, NULL));
                assert_true(isfinite(cet) && cet >= 0.0);
            }
}

/* ---- CDNOW ---- */

static double
cdnow_ll(const cdnow_data *d, const double *p)
{
    double ll;
    assert_ok(loy_bgnbd_loglik(&ll, p, d->x, d->tx, d->T, NULL, d->n, NULL));
    return ll;
}

static void
test_cdnow_published_ll(void **state)
{
    cdnow_data d;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_int_equal(d.n, 2357);
    assert_close(cdnow_ll(&d, FHL), -9582.4, 0, 0.05);
    cdnow_free(&d);
}

/* Sum of the per-customer gradients w.r.t. ln p. */
static void
cdnow_grad(const cdnow_data *d, const double *p, double *g)
{
    double *ll = malloc(d->n * sizeof *ll), *gr = malloc(4 * d->n * sizeof *gr);
    size_t i, j;
    assert_ok(loy_bgnbd_loglik_each(ll, p, d->x, d->tx, d->T, d->n, gr, NULL));
    for (j = 0; j < 4; j++) {
        g[j] = 0.0;
        for (i = 0; i < d->n; i++)
            g[j] += gr[4 * i + j];
        g[j] *= p[j];
    }
    free(ll);
    free(gr);
}

/* Solve the 4x4 system H s = g by Gaussian elimination with pivoting. */
static void
solve4(double H[4][4], double *g, double *s)
{
    int i, j, k;
    for (k = 0; k < 4; k++) {
        int piv = k;
        for (i = k + 1; i < 4; i++)
            if (fabs(H[i][k]) > fabs(H[piv][k]))
                piv = i;
        for (j = 0; j < 4; j++) {
            double t = H[k][j];
            H[k][j] = H[piv][j];
            H[piv][j] = t;
        }
        { double t = g[k]; g[k] = g[piv]; g[piv] = t; }
        for (i = k + 1; i < 4; i++) {
            double f = H[i][k] / H[k][k];
            for (j = k; j < 4; j++)
                H[i][j] -= f * H[k][j];
            g[i] -= f * g[k];
        }
    }
    for (i = 3; i >= 0; i--) {
        double v = g[i];
        for (j = i + 1; j < 4; j++)
            v -= H[i][j] * s[j];
        s[i] = v / H[i][i];
    }
}

static void
test_cdnow_fit(void **state)
{
    cdnow_data d;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p[4], g[4], H[4][4], step[4], pn[4], ll, lln, gain = 0.0;
    size_t i, j;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_ok(loy_bgnbd_fit(p, d.x, d.tx, d.T, NULL, d.n, NULL, &rep, NULL));
    print_message("CDNOW BG/NBD: r %.6f alpha %.6f a %.6f b %.6f LL %.6f "
                  "iter %u eval %u |g| %.2e\n",
                  p[0], p[1], p[2], p[3], rep.loglik, rep.iterations,
                  rep.evaluations, rep.grad_norm);
    assert_close(p[0], 0.243, 0, 0.0005);
    assert_close(p[1], 4.414, 0, 0.0005);
    assert_close(p[2], 0.793, 0, 0.0005);
    assert_close(p[3], 2.426, 0, 0.0005);
    assert_close(rep.loglik, -9582.4, 0, 0.05);
    assert_int_equal(rep.status, LOY_OK);
    for (j = 0; j < 4; j++)
        assert_true(rep.se[j] > 0.0 && rep.se[j] < p[j]);
    ll = cdnow_ll(&d, p);
    assert_close(rep.loglik, ll, 1e-13, 0);
    /* Independent optimality check: one Newton step in ln p on the
     * total log-likelihood, Hessian by central differences of the
     * analytic gradient. The predicted gain must be negligible and the
     * Newton point must not be better by more than 1e-6 relative. */
    cdnow_grad(&d, p, g);
    for (j = 0; j < 4; j++) {
        double gp[4], gm[4], h = 1e-4;
        memcpy(pn, p, sizeof pn);
        pn[j] = p[j] * exp(h);
        cdnow_grad(&d, pn, gp);
        pn[j] = p[j] * exp(-h);
        cdnow_grad(&d, pn, gm);
        for (i = 0; i < 4; i++)
            H[i][j] = -(gp[i] - gm[i]) / (2 * h);
    }
    {
        double gc[4];
        memcpy(gc, g, sizeof gc);
        solve4(H, gc, step);
    }
    for (j = 0; j < 4; j++) {
        gain += 0.5 * g[j] * step[j];
        pn[j] = p[j] * exp(step[j]);
    }
    lln = cdnow_ll(&d, pn);
    print_message("Newton check: predicted gain %.3e, actual %.3e\n", gain,
                  lln - ll);
    assert_true(fabs(gain) <= 1e-6 * fabs(ll));
    assert_true(lln - ll <= 1e-6 * fabs(ll));
    cdnow_free(&d);
}

static void
test_cdnow_compressed_same(void **state)
{
    cdnow_data d;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report r1 = LOY_FIT_REPORT_INIT, r2 = LOY_FIT_REPORT_INIT;
    double p1[4], p2[4];
    size_t j;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    o.flags = LOY_FIT_COMPRESS | LOY_FIT_NO_SE;
    assert_ok(loy_bgnbd_fit(p1, d.x, d.tx, d.T, NULL, d.n, &o, &r1, NULL));
    o.flags = LOY_FIT_NO_COMPRESS | LOY_FIT_NO_SE;
    assert_ok(loy_bgnbd_fit(p2, d.x, d.tx, d.T, NULL, d.n, &o, &r2, NULL));
    assert_true(r1.n_rows < r2.n_rows);
    assert_int_equal(r2.n_rows, 2357);
    for (j = 0; j < 4; j++)
        assert_close(p1[j], p2[j], 1e-6, 0);
    assert_close(r1.loglik, r2.loglik, 1e-12, 0);
    cdnow_free(&d);
}

static void
test_cdnow_predictions(void **state)
{
    cdnow_data d;
    double p[4], *cet, *pa, sum = 0.0, spa = 0.0;
    size_t i;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_ok(loy_bgnbd_fit(p, d.x, d.tx, d.T, NULL, d.n, NULL, NULL, NULL));
    cet = malloc(d.n * sizeof *cet);
    pa = malloc(d.n * sizeof *pa);
    assert_ok(loy_bgnbd_expected(cet, p, d.x, d.tx, d.T, d.n, 39.0, NULL));
    assert_ok(loy_bgnbd_palive(pa, p, d.x, d.tx, d.T, d.n, NULL));
    for (i = 0; i < d.n; i++) {
        double one;
        sum += cet[i];
        spa += pa[i];
        /* batch (tabulated coefficients) equals the one-customer path */
        if (i % 97 == 0) {
            assert_ok(loy_bgnbd_expected(&one, p, &d.x[i], &d.tx[i], &d.T[i],
                                         1, 39.0, NULL));
            assert_close(cet[i], one, 1e-13, 1e-300);
        }
    }
    {
        /* the one-pass entry point gives the same numbers */
        double *c2 = malloc(d.n * sizeof *c2), *p2 = malloc(d.n * sizeof *p2);
        assert_ok(loy_bgnbd_predict(p2, c2, p, d.x, d.tx, d.T, d.n, 39.0,
                                    NULL));
        for (i = 0; i < d.n; i++) {
            assert_close(c2[i], cet[i], 0, 0);
            assert_close(p2[i], pa[i], 0, 0);
        }
        assert_status(loy_bgnbd_predict(NULL, c2, p, d.x, d.tx, d.T, d.n,
                                        39.0, NULL),
                      LOY_EINVAL);
        free(c2);
        free(p2);
    }
    print_message("CDNOW: sum CET(39 weeks) = %.2f (holdout 1882), "
                  "sum P(alive) = %.2f\n", sum, spa);
    /* lifetimes reports about 1,700-1,800 for BG/NBD */
    assert_true(sum > 1600.0 && sum < 1950.0);
    free(cet);
    free(pa);
    cdnow_free(&d);
}

/* ---- expectations ---- */

typedef struct ectx {
    const double *p;
    double t;
} ectx;

/* (1 - (alpha/(alpha+p t))^r)/p Beta(p; a, b) */
static double
enew_p(double pp, void *c)
{
    const ectx *q = c;
    double r = q->p[0], al = q->p[1], a = q->p[2], b = q->p[3];
    double v = -expm1(-r * log1p(pp * q->t / al)) / pp;
    return v * exp((a - 1) * log(pp) + (b - 1) * log1p(-pp) - lgamma(a)
                   - lgamma(b) + lgamma(a + b));
}

static void
test_expected_new_quadrature(void **state)
{
    const double ts[] = {0.5, 10, 39, 200};
    size_t s, i;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < 4; i++) {
            ectx c = {PSETS[s], ts[i]};
            double e, q = quad_ts(enew_p, &c, 0.0, 1.0), iq;
            assert_ok(loy_bgnbd_expected_new(&e, PSETS[s], &ts[i], 1, NULL));
            assert_close(e, q, 1e-9, 1e-12);
            assert_ok(loy__bgnbd_enew_quad(PSETS[s][0], PSETS[s][1],
                                           PSETS[s][2], PSETS[s][3], ts[i],
                                           &iq));
            assert_close(iq, q, 1e-9, 1e-12);
        }
}

/* CET = P(alive) E_new(t; r+x, alpha+T, a, b+x) by quadrature */
static void
test_expected_quadrature(void **state)
{
    size_t s, i;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < NROWS; i++) {
            const double *p = PSETS[s];
            double x = ROWS[i][0], tx = ROWS[i][1], T = ROWS[i][2];
            double upd[4] = {p[0] + x, p[1] + T, p[2], p[3] + x};
            ectx c = {upd, 39.0};
            double cet, pa, q;
            if (x > 1000)
                continue; /* Beta(a, b+x) too peaked for plain quadrature */
            q = quad_ts(enew_p, &c, 0.0, 1.0);
            assert_ok(loy_bgnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
            assert_ok(loy_bgnbd_expected(&cet, p, &x, &tx, &T, 1, 39.0,
                                         NULL));
            assert_close(cet, pa * q, 1e-9, 1e-14);
        }
}

/* P(alive) from its definition: the alive share of L */
static void
test_palive_definition(void **state)
{
    size_t s, i;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < 6; i++) {
            const double *p = PSETS[s];
            double x = ROWS[i][0], tx = ROWS[i][1], T = ROWS[i][2], pa, want;
            double la = lgamma(p[2]) + lgamma(p[3] + x) - lgamma(p[2] + p[3] + x);
            double ld = lgamma(p[2] + 1) + lgamma(p[3] + x - 1)
                        - lgamma(p[2] + p[3] + x);
            double u;
            assert_ok(loy_bgnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
            if (x == 0) {
                assert_close(pa, 1.0, 0, 0);
                continue;
            }
            u = ld - la + (p[0] + x) * (log(p[1] + T) - log(p[1] + tx));
            want = 1.0 / (1.0 + exp(u));
            assert_close(pa, want, 1e-12, 0);
        }
}

/* Simulated new customers: E[X(t)] by Monte Carlo (seeded). */
static double
rgamma1(loy_test_rng *g, double shape)
{
    double boost = 1.0, d, c;
    if (shape < 1.0) {
        boost = pow(loy_test_rng_uniform(g), 1.0 / shape);
        shape += 1.0;
    }
    d = shape - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z, v, u;
        do {
            double u1 = loy_test_rng_uniform(g), u2 = loy_test_rng_uniform(g);
            z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
            v = 1.0 + c * z;
        } while (v <= 0.0);
        v = v * v * v;
        u = loy_test_rng_uniform(g);
        if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
            return boost * d * v;
    }
}

static void
test_expected_new_simulation(void **state)
{
    const double *p = FHL, t = 39.0;
    loy_test_rng g = {12345};
    double sum = 0.0, sq = 0.0, e;
    int i, n = 200000;
    (void)state;
    for (i = 0; i < n; i++) {
        double lam = rgamma1(&g, p[0]) / p[1];
        double ga = rgamma1(&g, p[2]), gb = rgamma1(&g, p[3]);
        double pd = ga / (ga + gb), now = 0.0;
        int k = 0;
        for (;;) {
            now += -log(loy_test_rng_uniform(&g)) / lam;
            if (now > t)
                break;
            k++;
            if (loy_test_rng_uniform(&g) < pd)
                break;
        }
        sum += k;
        sq += (double)k * k;
    }
    assert_ok(loy_bgnbd_expected_new(&e, p, &t, 1, NULL));
    {
        double mean = sum / n, se = sqrt((sq / n - mean * mean) / n);
        print_message("E[X(39)] %.5f, simulated %.5f +- %.5f\n", e, mean, se);
        assert_true(fabs(mean - e) < 4.0 * se);
    }
}

static void
test_pmf(void **state)
{
    const double ts[] = {0.0, 1.0, 39.0, 100.0};
    size_t s, i, k;
    (void)state;
    for (s = 0; s < NPSETS; s++)
        for (i = 0; i < 4; i++) {
            size_t n = 4000;
            double *pmf = malloc(n * sizeof *pmf), tot = 0.0, mean = 0.0, e;
            assert_ok(loy_bgnbd_pmf(pmf, PSETS[s], ts[i], n, NULL));
            for (k = 0; k < n; k++) {
                assert_true(pmf[k] >= 0.0 && pmf[k] <= 1.0);
                tot += pmf[k];
                mean += (double)k * pmf[k];
            }
            assert_ok(loy_bgnbd_expected_new(&e, PSETS[s], &ts[i], 1, NULL));
            assert_close(tot, 1.0, 0, 1e-9);
            assert_close(mean, e, 1e-8, 1e-12);
            free(pmf);
        }
}

/* Direct formula of P(X(t)=x) for small x (finite sum form, eq. 8). */
static void
test_pmf_direct(void **state)
{
    const double *p = FHL, t = 20.0;
    double pmf[6], r = p[0], al = p[1], a = p[2], b = p[3];
    double lB = lgamma(a) + lgamma(b) - lgamma(a + b);
    int x;
    (void)state;
    assert_ok(loy_bgnbd_pmf(pmf, p, t, 6, NULL));
    for (x = 0; x < 6; x++) {
        double t1 = exp(lgamma(a) + lgamma(b + x) - lgamma(a + b + x) - lB
                        + lgamma(r + x) - lgamma(r) - lgamma(x + 1.0)
                        + r * log(al / (al + t)) + x * log(t / (al + t)));
        double t2 = 0.0;
        if (x > 0) {
            double cdf = 0.0;
            int j;
            for (j = 0; j < x; j++)
                cdf += exp(lgamma(r + j) - lgamma(r) - lgamma(j + 1.0)
                           + j * log(t / (al + t)));
            t2 = exp(lgamma(a + 1) + lgamma(b + x - 1) - lgamma(a + b + x)
                     - lB)
                 * (1.0 - pow(al / (al + t), r) * cdf);
        }
        assert_close(pmf[x], t1 + t2, 1e-11, 0);
    }
}

static void
test_a_one_limit(void **state)
{
    const double base[4] = {0.8, 3.0, 1.0, 2.0};
    const double x = 3, tx = 10, T = 30, t = 25;
    double p[4], e0, c0;
    int k;
    (void)state;
    assert_ok(loy_bgnbd_expected_new(&e0, base, &t, 1, NULL));
    assert_ok(loy_bgnbd_expected(&c0, base, &x, &tx, &T, 1, t, NULL));
    for (k = 0; k < 6; k++) {
        const double eps[6] = {1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6};
        double e, c;
        memcpy(p, base, sizeof p);
        p[2] = 1.0 + eps[k];
        assert_ok(loy_bgnbd_expected_new(&e, p, &t, 1, NULL));
        assert_ok(loy_bgnbd_expected(&c, p, &x, &tx, &T, 1, t, NULL));
        /* smooth in a: change of the order of eps */
        assert_close(e, e0, 0, 10 * fabs(eps[k]) * (1 + e0));
        assert_close(c, c0, 0, 10 * fabs(eps[k]) * (1 + c0));
    }
    /* and the MODELS.md limit series at a = 1 for x = 0 */
    {
        double r = base[0], al = base[1], b = base[3], z = t / (al + t);
        double s = -log1p(-z), term = 1.0, k2;
        for (k2 = 1; k2 < 2000; k2++) {
            term *= (b - r + k2 - 1) / (b + k2 - 1) * z;
            s -= term / k2;
        }
        assert_close(e0, b * s, 1e-12, 0);
    }
}

static void
test_t_zero(void **state)
{
    const double x = 2, tx = 5, T = 9, t0 = 0.0;
    double e, c, pmf[3];
    (void)state;
    assert_ok(loy_bgnbd_expected_new(&e, FHL, &t0, 1, NULL));
    assert_close(e, 0.0, 0, 0);
    assert_ok(loy_bgnbd_expected(&c, FHL, &x, &tx, &T, 1, 0.0, NULL));
    assert_close(c, 0.0, 0, 0);
    assert_ok(loy_bgnbd_pmf(pmf, FHL, 0.0, 3, NULL));
    assert_close(pmf[0], 1.0, 0, 1e-15);
    assert_close(pmf[1], 0.0, 0, 1e-15);
}

/* ---- bad input ---- */

static void
test_bad_rows(void **state)
{
    double x[3] = {1, 2, 0}, tx[3] = {1, 2, 0}, T[3] = {5, 5, 5}, out[4];
    size_t e = 0;
    (void)state;
    tx[1] = 6; /* t_x > T */
    assert_status(loy_bgnbd_loglik(out, FHL, x, tx, T, NULL, 3, &e),
                  LOY_EINCONSISTENT);
    assert_int_equal(e, 1);
    tx[1] = 2;
    x[2] = -1;
    assert_status(loy_bgnbd_palive(out, FHL, x, tx, T, 3, &e), LOY_ESCALE);
    assert_int_equal(e, 2);
    x[2] = 0.5;
    assert_status(loy_bgnbd_expected(out, FHL, x, tx, T, 3, 1.0, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 2);
    x[2] = 0;
    T[0] = 0;
    assert_status(loy_bgnbd_fit(out, x, tx, T, NULL, 3, NULL, NULL, &e),
                  LOY_ESCALE);
    assert_int_equal(e, 0);
    T[0] = 5;
    tx[2] = 1; /* x = 0 with t_x > 0 */
    assert_status(loy_bgnbd_loglik(out, FHL, x, tx, T, NULL, 3, &e),
                  LOY_EINCONSISTENT);
    assert_int_equal(e, 2);
    tx[2] = 0;
    tx[0] = NAN;
    assert_status(loy_bgnbd_loglik_each(out, FHL, x, tx, T, 3, NULL, &e),
                  LOY_ENONFINITE);
    assert_int_equal(e, 0);
    tx[0] = 1;
    assert_status(loy_bgnbd_loglik(out, FHL, x, tx, T, NULL, 0, &e),
                  LOY_EEMPTY);
    assert_status(loy_bgnbd_loglik(NULL, FHL, x, tx, T, NULL, 3, &e),
                  LOY_EINVAL);
    assert_status(loy_bgnbd_loglik(out, FHL, x, NULL, T, NULL, 3, &e),
                  LOY_EINVAL);
    assert_ok(loy_bgnbd_loglik(out, FHL, x, tx, T, NULL, 3, &e));
    assert_int_equal(e, LOY_NO_INDEX);
}

static void
test_bad_params(void **state)
{
    double p[4], x = 1, tx = 1, T = 5, out, pmf[2];
    size_t e = 0, j;
    const double bad[2] = {0.0, -1.0};
    (void)state;
    for (j = 0; j < 4; j++) {
        size_t b;
        for (b = 0; b < 2; b++) {
            memcpy(p, FHL, sizeof p);
            p[j] = bad[b];
            assert_status(loy_bgnbd_loglik(&out, p, &x, &tx, &T, NULL, 1, &e),
                          LOY_EDOMAIN);
            assert_int_equal(e, j);
            assert_status(loy_bgnbd_pmf(pmf, p, 1.0, 2, &e), LOY_EDOMAIN);
        }
        p[j] = NAN;
        assert_status(loy_bgnbd_expected(&out, p, &x, &tx, &T, 1, 1.0, &e),
                      LOY_ENONFINITE);
        assert_int_equal(e, j);
    }
    assert_status(loy_bgnbd_expected(&out, FHL, &x, &tx, &T, 1, -1.0, &e),
                  LOY_EDOMAIN);
    assert_status(loy_bgnbd_expected(&out, FHL, &x, &tx, &T, 1, NAN, &e),
                  LOY_ENONFINITE);
    {
        double tt[2] = {1.0, -2.0}, o2[2];
        assert_status(loy_bgnbd_expected_new(o2, FHL, tt, 2, &e), LOY_EDOMAIN);
        assert_int_equal(e, 1);
    }
}

static void
test_fit_bad_weights_and_flags(void **state)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double p[4], w[3] = {1, 1, 1}, x[3] = {0, 1, 2}, tx[3] = {0, 2, 3};
    double T[3] = {5, 5, 5};
    (void)state;
    w[0] = w[1] = w[2] = 0.0;
    assert_status(loy_bgnbd_fit(p, x, tx, T, w, 3, NULL, NULL, NULL),
                  LOY_EEMPTY);
    w[1] = -1;
    assert_status(loy_bgnbd_fit(p, x, tx, T, w, 3, NULL, NULL, NULL),
                  LOY_ESCALE);
    o.flags = 0x80u;
    assert_status(loy_bgnbd_fit(p, x, tx, T, NULL, 3, &o, NULL, NULL),
                  LOY_EINVAL);
}

static void
test_fit_noconv_cdnow(void **state)
{
    cdnow_data d;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p[4];
    size_t j;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    o.flags = 0;
    o.max_iter = 2;
    assert_status(loy_bgnbd_fit(p, d.x, d.tx, d.T, NULL, d.n, &o, &rep, NULL),
                  LOY_ENOCONV);
    assert_int_equal(rep.status, LOY_ENOCONV);
    for (j = 0; j < 4; j++)
        assert_true(isfinite(p[j]) && p[j] > 0.0);
    /* a penalty shrinks the parameters */
    o.max_iter = 0;
    o.penalty = 0.01;
    assert_ok(loy_bgnbd_fit(p, d.x, d.tx, d.T, NULL, d.n, &o, &rep, NULL));
    assert_true(p[1] < 4.414 && p[3] < 2.426);
    cdnow_free(&d);
}

/*
 * fuzz_btyd: a huge r with b + x ~ 6e16 put the Beta's mass where 1 - p
 * rounds to 1, and the quadrature's density lost its e^(-b p) factor:
 * CET -2.1e94 with LOY_OK. Where p t / alpha underflowed the integrand
 * was 0 instead of r t / alpha (the second row was 4.5e-4 low).
 * References: tanh-sinh in 50 digits (first row; mpmath over ln p plus
 * the tail below e^-1500 agrees to 1e-12) and r t / alpha (second row:
 * (r + 1) t / alpha ~ 2e-111, so the mean is linear in p).
 */
static void
test_extreme_beta_quadrature(void **state)
{
    const double p[4] = {3.701900255437456e+103, 5.5771083945695771e-315,
                         0.031246661961612576, 0.022097086912079612};
    const double x[2] = {59482837431309136.0, 152.0};
    const double tx[2] = {0.031246661961612576, 4.1410349897932582e+204};
    const double T[2] = {0.031246661961612576, 4.1410349897932582e+204};
    const double t = 2.3283064365386963e-10;
    double out[2], pa[2], ref1;
    (void)state;
    assert_ok(loy_bgnbd_predict(pa, out, p, x, tx, T, 2, t, NULL));
    assert_close(out[0], 9.91721385158529047e+92 * pa[0], 1e-11, 0.0);
    ref1 = (p[0] + x[1]) * (t / (p[1] + T[1]));
    assert_close(out[1], ref1 * pa[1], 1e-14, 0.0);
    assert_close(pa[1], 1.0 / (1.0 + p[2] / (p[3] + x[1] - 1.0)), 1e-14,
                 0.0);
}

/*
 * fuzz_btyd (long run): a horizon of 1.2e-309 (denormal) gave CET
 * -3.8e-24 with LOY_OK: the Euler series' first term and sum, both ~ q =
 * t/alpha, lost their precision as denormals and cancelled. For q (r+1)
 * below 1e-17 E_new is r q to working precision.
 */
static void
test_tiny_horizon(void **state)
{
    const double p[4] = {1.0551359000518015, 1.0, 0.95846114481145317,
                         3.8227693132217922e+299};
    const double x = 143, tx = 20.752941176470589, T = 42;
    double out = -1.0, pa = -1.0, t = 1.2084350231874202e-309;
    (void)state;
    assert_ok(loy_bgnbd_predict(&pa, &out, p, &x, &tx, &T, 1, t, NULL));
    assert_true(out >= 0.0);
    /* denormal result: compare on the scale of the smallest normal */
    assert_close(out, pa * (p[0] + x) * (t / (p[1] + T)), 0.0, 1e-320);
    t = 1e-20;
    assert_ok(loy_bgnbd_predict(&pa, &out, p, &x, &tx, &T, 1, t, NULL));
    assert_close(out, pa * (p[0] + x) * (t / (p[1] + T)), 1e-15, 0.0);
}

/* A uniform in [0, 1) from a 64-bit LCG (the randomised tests below). */
static double
unif(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * 0x1.0p-53;
}

/*
 * P(alive) four rows at a time (bgnbd_palive.c) against the libm form,
 * on customers and parameters spread over many decades, including the
 * lanes routed back to libm (a denormal alpha with t_x = 0, |u| > 700):
 * within 1e-13 relative where the libm form is that accurate (its own
 * error grows with (r + x) ln(alpha + T): the bound below), absolute
 * below 1e-290, and the same bits for a row whatever its position in
 * the batch (threads cut anywhere), when the output is the input x, and
 * on each vector path the CPU has (baseline, AVX2, AVX-512).
 */
static void
test_palive_lanes(void **state)
{
    enum { N = 4099 };
    static double x[N], tx[N], T[N], pa[N], pb[N];
    double lab[LOY__BG_LAB_N], p[4], worst = 0.0;
    uint64_t s = 2026;
    size_t i, k, r;
    unsigned paths = 0;
    (void)state;
    for (r = 0; r < 40; r++) {
        for (k = 0; k < 4; k++) {
            p[k] = pow(10.0, -4.0 + 10.0 * unif(&s));
        }
        if (r == 39)
            p[1] = 1e-310; /* denormal alpha */
        for (i = 0; i < N; i++) {
            double u1 = unif(&s), u2 = unif(&s);
            x[i] = floor(pow(10.0, 3.0 * u1)) - 1.0;
            /* odd rounds: a third more rows with x = 0 (P(alive) 1, the
             * lanes' select), as in customer bases where most never
             * came back */
            x[i] = (r & 1u) && i % 3 == 0 ? 0.0 : x[i];
            T[i] = pow(10.0, -2.0 + 8.0 * u2);
            tx[i] = x[i] == 0.0 ? 0.0 : T[i] * (i % 7 == 0 ? 0.0 : u1);
        }
        assert_ok(loy_bgnbd_palive(pa, p, x, tx, T, N, NULL));
        loy__bgnbd_lab_fill(p, lab);
        for (i = 0; i < N; i++) {
            double ref = loy__bgnbd_palive_row(p, lab, x[i], tx[i], T[i]);
            double err = fabs(pa[i] - ref);
            assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
            if (ref > 1e-290)
                err /= ref;
            else
                assert_true(err <= 1e-290);
            /* the libm form's own rounding: ulps of ln(alpha + T) times
             * r + x, and of c_x; 1e-13 where that is small */
            err /= 1e-13
                   + 1e-15 * ((p[0] + x[i]) * (fabs(log(p[1] + T[i])) + 1.0)
                              + fabs(log(p[2])) + fabs(log(p[3] + x[i])));
            if (ref > 1e-290 && err > worst)
                worst = err;
        }
        /* the same rows from an odd offset: the same bytes */
        assert_ok(loy_bgnbd_palive(pb, p, x + 3, tx + 3, T + 3, N - 3, NULL));
        assert_memory_equal(pb, pa + 3, (N - 3) * sizeof *pb);
        /* written over its own input x: the same bytes */
        memcpy(pb, x, sizeof pb);
        assert_ok(loy_bgnbd_palive(pb, p, pb, tx, T, N, NULL));
        assert_memory_equal(pb, pa, sizeof pb);
        /* every vector path this CPU has: the same bytes */
        for (k = 0; k < 3; k++) {
            memset(pb, 0, sizeof pb);
            if (loy__bgnbd_palive_lanes((int)k, p, lab, x, tx, T, N, pb, 0)) {
                paths |= 1u << k;
                assert_memory_equal(pb, pa, sizeof pb);
            }
        }
    }
    print_message("vector paths compared (baseline, AVX2, AVX-512): "
                  "%u %u %u\n", paths & 1u, (paths >> 1) & 1u,
                  (paths >> 2) & 1u);
    assert_true((paths & 1u) != 0);
    print_message("largest difference from libm / bound: %.3g\n", worst);
    assert_true(worst <= 1.0);
}

/*
 * At the Poisson limit of the purchase side (r, alpha -> infinity with
 * r/alpha = lambda: how a fit reports the fixed-rate limit), P(alive) is
 * 1/(1 + a/(b+x-1) e^(lambda (T - t_x))). ln(alpha + T) - ln(alpha + t_x)
 * is 0 there (P(alive) came out as 1/(1 + a/(b+x-1)) for every customer);
 * one customer and a batch (the four-lane path) must both get it.
 */
/*
 * The fit's vector rows (bgnbd_rows.c) against the scalar form
 * (loy__bgnbd_loglik1): the log-likelihood and its gradient of rows
 * over ten decades of the parameters and of T, within 1e-13 of the scale
 * of the terms that make them up; flagged lanes are the rows the kernels
 * do not cover (the caller's scalar path takes them).
 */
static void
br_xterms(const double *p, double x, double *xt)
{
    double r = p[0], a = p[2], b = p[3];
    double pab = loy__digamma(a + b) - loy__digamma(a + b + x);
    xt[LOY__BG_XT_D1] = loy__lgamma_diff_scaled(r, x)
                        + loy__lgamma_diff(b, x) - loy__lgamma_diff(a + b, x);
    xt[LOY__BG_XT_LB1] = log(b + x - 1.0);
    xt[LOY__BG_XT_IB1] = 1.0 / (b + x - 1.0);
    xt[LOY__BG_XT_DR] = loy__digamma(r + x) - loy__digamma(r);
    xt[LOY__BG_XT_DA] = pab;
    xt[LOY__BG_XT_DB] = loy__digamma(b + x) - loy__digamma(b) + pab;
}

/*
 * Every vector path the CPU has of the fit's rows against the widest the
 * library chose (ll, grad, bad; zero_rows' out and bad): the same flags,
 * and the same bytes in every row they leave to the lanes. Returns the
 * paths that ran (bit k: path k).
 */
static unsigned
fit_rows_paths_agree(const double *p, const double *const *rows,
                     const double *x, const double *tx, const double *T,
                     const double *ll, const double *gr, const int64_t *bad,
                     const double *zl, const int64_t *zbad)
{
    enum { G = LOY__BG_ROWS };
    double mll[G], mgr[4 * G], mzl[G];
    int64_t mbad[G], mzbad[G];
    unsigned ran = 0;
    int path;
    size_t k;
    for (path = 0; path < 3; path++) {
        int a = loy__bgnbd_pos_rows_lanes(path, p, log(p[0]) - log(p[1]),
                                          log(p[2]), rows, x, tx, T, mll,
                                          mgr, mbad);
        int b = loy__bgnbd_zero_rows_lanes(path, p[1], T, mzl, mzbad);
        assert_int_equal(a, b);
        if (!a)
            continue;
        ran |= 1u << path;
        assert_memory_equal(mbad, bad, sizeof mbad);
        assert_memory_equal(mzbad, zbad, sizeof mzbad);
        for (k = 0; k < G; k++) {
            if (bad[k] == 0) {
                assert_memory_equal(&mll[k], &ll[k], sizeof mll[k]);
                assert_memory_equal(&mgr[4 * k], &gr[4 * k],
                                    4 * sizeof mgr[0]);
            }
            if (zbad[k] == 0)
                assert_memory_equal(&mzl[k], &zl[k], sizeof mzl[k]);
        }
    }
    return ran;
}

static void
test_fit_rows_lanes(void **state)
{
    enum { G = LOY__BG_ROWS };
    double x[G], tx[G], T[G], ll[G], gr[4 * G], ref[G], rg[4 * G];
    double xt[G][LOY__BG_XT_STRIDE], z[G], zl[G], p[4], worst = 0.0;
    const double *rows[G];
    int64_t bad[G], zbad[G];
    uint64_t s = 77;
    size_t it, k, j, flagged = 0;
    unsigned paths = 0;
    (void)state;
    for (it = 0; it < 3000; it++) {
        for (k = 0; k < 4; k++)
            p[k] = pow(10.0, -4.0 + 10.0 * unif(&s));
        if (it % 500 == 7)
            p[1] = 1e-310; /* denormal alpha: T/alpha overflows */
        for (k = 0; k < G; k++) {
            double u1 = unif(&s), u2 = unif(&s);
            x[k] = floor(pow(10.0, 3.0 * u1));
            T[k] = pow(10.0, -2.0 + 8.0 * u2);
            tx[k] = T[k] * (k % 5 == 0 ? 0.0 : unif(&s));
            br_xterms(p, x[k], xt[k]);
            rows[k] = xt[k];
        }
        loy__bgnbd_pos_rows(p, log(p[0]) - log(p[1]), log(p[2]), rows, x,
                            tx, T, ll, gr, bad);
        loy__bgnbd_zero_rows(p[1], T, zl, zbad);
        paths |= fit_rows_paths_agree(p, rows, x, tx, T, ll, gr, bad, zl,
                                      zbad);
        for (k = 0; k < G; k++) {
            double l1 = log1p(tx[k] / p[1]), scale;
            if (bad[k]) {
                flagged++;
                continue;
            }
            /* the scalar form's own overflows (r/alpha past the double
             * range in the gradient) are not compared */
            ref[k] = loy__bgnbd_loglik1(p, x[k], tx[k], T[k], &rg[4 * k]);
            if (!isfinite(ref[k] + rg[4 * k] + rg[4 * k + 1] + rg[4 * k + 2]
                          + rg[4 * k + 3]))
                continue;
            /* the terms ll is made of, and of each gradient entry */
            scale = 1.0 + fabs(xt[k][LOY__BG_XT_D1]) + fabs(x[k] * l1)
                    + fabs(p[0] * l1) + fabs(log(p[2]))
                    + fabs(xt[k][LOY__BG_XT_LB1])
                    + (p[0] + x[k]) * log1p((T[k] - tx[k]) / (p[1] + tx[k]));
            worst = fmax(worst, fabs(ll[k] - ref[k]) / (1e-13 * scale));
            for (j = 0; j < 4; j++) {
                double gs = 1.0 + fabs(rg[4 * k + j]) + fabs(l1)
                            + fabs(xt[k][LOY__BG_XT_DR])
                            + fabs(xt[k][LOY__BG_XT_DA])
                            + fabs(xt[k][LOY__BG_XT_DB])
                            + (p[0] / p[1]) * tx[k] / (p[1] + tx[k])
                            + x[k] / (p[1] + tx[k]) + 1.0 / p[2]
                            + xt[k][LOY__BG_XT_IB1];
                worst = fmax(worst, fabs(gr[4 * k + j] - rg[4 * k + j])
                                        / (1e-13 * gs));
            }
            if (!zbad[k]) {
                z[k] = log1p(T[k] / p[1]);
                worst = fmax(worst, fabs(zl[k] - z[k])
                                        / (1e-13 * (1e-3 + fabs(z[k]))));
            }
        }
        if (p[1] == 1e-310) /* T/alpha past 1e300 in every lane */
            for (k = 0; k < G; k++)
                assert_true(bad[k] != 0 && zbad[k] != 0);
    }
    print_message("vector paths compared (baseline, AVX2, AVX-512): "
                  "%u %u %u\n", paths & 1u, (paths >> 1) & 1u,
                  (paths >> 2) & 1u);
    assert_true((paths & 1u) != 0);
    print_message("largest difference from libm / bound: %.3g (%zu rows "
                  "flagged)\n", worst, flagged);
    assert_true(worst <= 1.0);
}

/*
 * loy_bgnbd_loglik_each and loy_bgnbd_loglik on a batch with a table of
 * per-x terms (2048 rows or more: x = 0, x > 0 and x past the table's
 * cap, tails of every length) against the scalar form row by row.
 */
static void
test_loglik_each_batch(void **state)
{
    enum { N = 2061 };
    static double x[N], tx[N], T[N], ll[N], g[4 * N];
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    double sum = 0.0, tot, worst = 0.0;
    uint64_t s = 5;
    size_t i, j, n;
    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = i % 3 == 0 ? 0.0 : floor(pow(10.0, 2.0 * unif(&s)));
        if (i == 1000)
            x[i] = 5000.0; /* past the table's cap */
        T[i] = 1.0 + 60.0 * unif(&s);
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * unif(&s);
    }
    for (n = N - 15; n <= N; n++) {
        assert_ok(loy_bgnbd_loglik_each(ll, p, x, tx, T, n, g, NULL));
        assert_ok(loy_bgnbd_loglik(&tot, p, x, tx, T, NULL, n, NULL));
        sum = 0.0;
        for (i = 0; i < n; i++) {
            double rg[4], ref = loy__bgnbd_loglik1(p, x[i], tx[i], T[i], rg);
            worst = fmax(worst,
                         fabs(ll[i] - ref) / (1e-13 * (1.0 + fabs(ref))));
            for (j = 0; j < 4; j++)
                worst = fmax(worst, fabs(g[4 * i + j] - rg[j])
                                        / (1e-13 * (1.0 + fabs(rg[j]))));
            sum += ref;
        }
        assert_close(tot, sum, 1e-13, 0.0);
    }
    print_message("largest difference from the scalar form / bound: %.3g\n",
                  worst);
    assert_true(worst <= 1.0);
}

static void
test_palive_poisson_limit(void **state)
{
    enum { N = 64 };
    const double lam = 0.3, p[4] = {1e30, 1e30 / 0.3, 0.8, 2.5};
    double x[N], tx[N], T[N], pa[N], one;
    size_t i;
    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = (double)(1 + i % 7);
        T[i] = 10.0 + (double)i;
        tx[i] = T[i] * (double)(i % 5) / 5.0;
    }
    assert_ok(loy_bgnbd_palive(pa, p, x, tx, T, N, NULL));
    for (i = 0; i < N; i++) {
        double want = 1.0 / (1.0 + p[2] / (p[3] + x[i] - 1.0)
                                       * exp(lam * (T[i] - tx[i])));
        assert_close(pa[i], want, 1e-12, 0.0);
        assert_ok(loy_bgnbd_palive(&one, p, &x[i], &tx[i], &T[i], 1, NULL));
        assert_true(one == pa[i]);
    }
}

/*
 * The batch tables (per-x series coefficients, Taylor buckets: batches of
 * 2048 customers and more) against the per-customer series (small
 * batches) on random parameters and customers: the same CET to 1e-12,
 * for BG/NBD and for MBG/NBD, whose CET uses them too. The fixed rounds
 * at the end: one where the first cut of some x's buckets leaves their
 * last Taylor term above the tolerance, so that they are halved; two
 * with z near 1, where the buckets come from H's ODE.
 */
static void
test_cet_tables_match_series(void **state)
{
    enum { N = 4100, CHUNK = 1000 };
    static double x[N], tx[N], T[N], big[N], small[N];
    double p[4], t, worst = 0.0, worst_fixed = 0.0, worst_b400 = 0.0;
    uint64_t s = 77;
    size_t i, k, r;
    (void)state;
    for (r = 0; r < 17; r++) {
        /* fixed rounds: 12 halves buckets; 13 to 15 put z near 1 (short
         * histories, long horizons), past the power series at 0, where
         * the buckets come from H's ODE (bgnbd_hode.c); 15 has b = 400,
         * where the ODE's solution z^(1-C) keeps buckets near z = 1/2 on
         * the power series. There, for x = 0, both forms subtract nearly
         * equal terms: against 50-digit values the per-customer series
         * is up to 1.4e-12 off (its accepted rounding, 1e-12 of the
         * result) and the tables 5.2e-13 (BG/NBD; the two differ by up
         * to 1.6e-12 for MBG/NBD), so that round gets 3e-12. 16 has
         * a = 42 (fuzz_btyd): B's power series at 0 is the small
         * difference of large terms there, and (1-z)^(a-1) a tiny number
         * (the tables were 1e-3 off before they tested for both) */
        static const double fixed[5][4] = {{2.0, 1.0, 3.5, 0.4},
                                           {0.243, 4.414, 0.793, 2.426},
                                           {1.5, 0.5, 0.9, 12.0},
                                           {0.3, 2.0, 0.8, 400.0},
                                           {56.0, 56.0, 42.0, 222.0}};
        static const double tfix[5] = {1.0, 400.0, 39.0, 39.0, 56.0};
        static const double Tlo[5] = {1.0, 1.0, 1.0, 1.0, 1e-6};
        static const double Tw[5] = {1.0, 2.0, 99.0, 99.0, 3.0};
        for (k = 0; k < 4; k++) {
            p[k] = pow(10.0, -1.5 + 3.0 * unif(&s));
            p[k] = r >= 12 ? fixed[r - 12][k] : p[k];
        }
        t = r >= 12 ? tfix[r - 12] : pow(10.0, 2.5 * unif(&s));
        for (i = 0; i < N; i++) {
            double u1 = unif(&s), u2 = unif(&s);
            x[i] = floor(40.0 * u1 * u1);
            T[i] = r >= 12 ? Tlo[r - 12] + Tw[r - 12] * u2 : 5.0 + 75.0 * u2;
            tx[i] = x[i] == 0.0 ? 0.0 : T[i] * u1;
        }
        assert_ok(loy_bgnbd_expected(big, p, x, tx, T, N, t, NULL));
        for (i = 0; i < N; i += CHUNK)
            assert_ok(loy_bgnbd_expected(small + i, p, x + i, tx + i, T + i,
                                         N - i < CHUNK ? N - i : CHUNK, t,
                                         NULL));
        for (i = 0; i < N; i++) {
            double d = fabs(big[i] - small[i]) / small[i];
            assert_true(small[i] > 0.0);
            if (r == 15)
                worst_b400 = d > worst_b400 ? d : worst_b400;
            else
                worst = d > worst ? d : worst;
            worst_fixed = r >= 12 && r != 15 && d > worst_fixed
                              ? d
                              : worst_fixed;
        }
        /* MBG/NBD's CET goes through the same tables (b + 1) */
        assert_ok(loy_mbgnbd_expected(big, p, x, tx, T, N, t, NULL));
        for (i = 0; i < N; i += CHUNK)
            assert_ok(loy_mbgnbd_expected(small + i, p, x + i, tx + i, T + i,
                                          N - i < CHUNK ? N - i : CHUNK, t,
                                          NULL));
        for (i = 0; i < N; i++) {
            double d = fabs(big[i] - small[i]) / small[i];
            if (r == 15)
                worst_b400 = d > worst_b400 ? d : worst_b400;
            else
                worst = d > worst ? d : worst;
        }
    }
    print_message("largest relative difference: %.3g (fixed rounds %.3g, "
                  "b = 400 %.3g)\n",
                  worst, worst_fixed, worst_b400);
    assert_true(worst <= 1e-12);
    assert_true(worst_fixed <= 1e-13);
    assert_true(worst_b400 <= 3e-12);
}

/*
 * The batch CET's Taylor rows on each path this CPU has (the scalar loop;
 * AVX2 and AVX-512 lanes): the same status, index and bytes, of CET and of
 * P(alive), on batches that reach every branch of the bucket lookup:
 * x past the keys (64 and far beyond), x = 0 with a + b < 2 (C < 1: no
 * buckets), z below 1e-16 and z = 1 (no bucket index), z near 1 (buckets
 * from H's ODE, some not used), buckets halved, and lengths that end
 * inside a group of eight and a block of 256.
 */
static void
test_cet_taylor_paths(void **state)
{
    enum { N = 5000 };
    static double x[N], tx[N], T[N], c0[N], p0[N], c1[N], p1[N];
    /* 10 halves buckets; 12 to 14 put z near 1 (buckets from H's ODE,
     * 13 with b = 400); 15 has a + b below 2 and rows with z = 1; 16
     * has a = 42 */
    static const double fixed[7][4] = {{2.0, 1.0, 3.5, 0.4},
                                       {0.243, 4.414, 0.793, 2.426},
                                       {1.5, 0.5, 0.9, 12.0},
                                       {0.3, 2.0, 0.8, 400.0},
                                       {0.5, 0.05, 0.6, 0.7},
                                       {0.5, 1e-12, 0.6, 0.7},
                                       {56.0, 56.0, 42.0, 222.0}};
    static const double tfix[7] = {1.0, 400.0, 39.0, 39.0, 1e4, 1e4, 56.0};
    double p[4], t;
    uint64_t s = 4242;
    size_t i, k, r, n, e0, e1;
    int compared = 0;
    (void)state;
    for (r = 0; r < 17; r++) {
        int rc0 = -1, rc1;
        for (k = 0; k < 4; k++)
            p[k] = r >= 10 ? fixed[r - 10][k]
                           : pow(10.0, -1.5 + 3.0 * unif(&s));
        t = r >= 10 ? tfix[r - 10] : pow(10.0, 2.5 * unif(&s));
        n = N - 7 * r; /* tails of every length mod 8 */
        for (i = 0; i < n; i++) {
            double u1 = unif(&s), u2 = unif(&s);
            x[i] = floor(70.0 * u1 * u1 * u1);
            T[i] = r >= 12 && r <= 14 ? 1e-6 + 3.0 * u2 : 0.5 + 99.0 * u2;
            if (i % 101 == 0)
                x[i] = 5000.0; /* far past the keys */
            if (i % 211 == 0)
                T[i] = 1e22; /* z below 1e-16 */
            if (r == 15 && i % 97 == 0)
                T[i] = 1e-300; /* z = 1 */
            tx[i] = x[i] == 0.0 ? 0.0 : T[i] * u1;
        }
        memset(c0, 0, sizeof c0);
        e0 = 7;
        assert_true(loy__bgnbd_cet_lanes(LOY__VPATH_BASE, c0, p0, p, x, tx,
                                         T, n, t, &e0, &rc0));
        for (k = LOY__VPATH_AVX2; k <= LOY__VPATH_AVX512; k++) {
            memset(c1, 0, sizeof c1);
            e1 = 7;
            rc1 = -1;
            if (!loy__bgnbd_cet_lanes((int)k, c1, p1, p, x, tx, T, n, t, &e1,
                                      &rc1))
                continue;
            compared |= 1 << k;
            assert_int_equal(rc1, rc0);
            assert_true(e1 == e0);
            assert_memory_equal(c1, c0, n * sizeof *c0);
            assert_memory_equal(p1, p0, n * sizeof *p0);
        }
    }
    print_message("Taylor rows compared with the scalar loop: AVX2 %d, "
                  "AVX-512 %d\n",
                  compared >> LOY__VPATH_AVX2 & 1,
                  compared >> LOY__VPATH_AVX512 & 1);
}

/*
 * Row validation runs a pass of two or four lanes (AVX2) over blocks of
 * rows and checks a failing block again row by row: each awkward row
 * below, alone and placed at every kind of position among valid rows
 * (first, a lane's second, across a block boundary, the odd tail), must
 * get its status and index, with weights and without; and each lane pass
 * the CPU has must accept the rows exactly when they are all valid.
 */
static void
test_row_check_blocks(void **state)
{
    enum { N = 1031 };
    static const struct {
        double x, tx, T, w;
        int rc;
    } CASES[] = {
        {0.0, 0.0, 1.0, 1.0, LOY_OK},
        {-0.0, -0.0, 1.0, 0.0, LOY_OK},
        {4503599627370495.0, 1.0, 1.0, 1.0, LOY_OK}, /* 2^52 - 1 */
        {4503599627370496.0, 1.0, 2.0, 1.0, LOY_OK}, /* 2^52 */
        {9007199254740994.0, 0.5, 1.0, 1.0, LOY_OK}, /* 2^53 + 2 */
        {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX, LOY_OK},
        {3.0, 4.9e-324, 4.9e-324, 1.0, LOY_OK},
        {4503599627370495.5, 1.0, 1.0, 1.0, LOY_ESCALE}, /* 2^52 - 0.5 */
        {0.5, 0.1, 1.0, 1.0, LOY_ESCALE},
        {4.9e-324, 0.0, 1.0, 1.0, LOY_ESCALE},
        {-1.0, 0.0, 1.0, 1.0, LOY_ESCALE},
        {1.0, -4.9e-324, 1.0, 1.0, LOY_ESCALE},
        {1.0, 0.0, 0.0, 1.0, LOY_ESCALE},
        {1.0, 0.0, -0.0, 1.0, LOY_ESCALE},
        {1.0, 0.0, 1.0, -4.9e-324, LOY_ESCALE},
        {0.0, 4.9e-324, 1.0, 1.0, LOY_EINCONSISTENT},
        {-0.0, 0.5, 1.0, 1.0, LOY_EINCONSISTENT},
        {2.0, 1.0000000000000002, 1.0, 1.0, LOY_EINCONSISTENT},
        {INFINITY, 0.0, 1.0, 1.0, LOY_ENONFINITE},
        {1.0, NAN, 1.0, 1.0, LOY_ENONFINITE},
        {1.0, 0.0, INFINITY, 1.0, LOY_ENONFINITE},
        {1.0, -INFINITY, 1.0, 1.0, LOY_ENONFINITE},
        {1.0, 0.0, 1.0, INFINITY, LOY_ENONFINITE},
        {NAN, 0.0, 1.0, 1.0, LOY_ENONFINITE},
    };
    static const size_t AT[] = {0, 1, 2, 510, 511, 512, 513, 1023, 1024,
                                1029, 1030};
    static double x[N], tx[N], T[N], w[N];
    uint64_t s = 77;
    size_t c, a, i, e;
    unsigned paths = 0;
    int path;
    (void)state;
    for (i = 0; i < N; i++) {
        double u = unif(&s);
        x[i] = floor(50.0 * u);
        T[i] = 10.0 + 30.0 * unif(&s);
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * unif(&s);
        w[i] = floor(4.0 * unif(&s));
    }
    assert_ok(loy__btyd_check_rows(x, tx, T, w, N, &e));
    assert_int_equal(e, LOY_NO_INDEX);
    for (c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        int want = CASES[c].rc, wnone = want;
        /* without weights the weight's own faults are not seen */
        if (!loy__finite(CASES[c].w) || CASES[c].w < 0.0)
            wnone = LOY_OK;
        e = 7;
        assert_int_equal(loy__btyd_check_rows(&CASES[c].x, &CASES[c].tx,
                                              &CASES[c].T, &CASES[c].w, 1,
                                              &e),
                         want);
        assert_int_equal(e, want == LOY_OK ? LOY_NO_INDEX : 0);
        for (a = 0; a < sizeof AT / sizeof AT[0]; a++) {
            double sx = x[AT[a]], stx = tx[AT[a]], sT = T[AT[a]];
            double sw = w[AT[a]];
            i = AT[a];
            x[i] = CASES[c].x, tx[i] = CASES[c].tx, T[i] = CASES[c].T;
            w[i] = CASES[c].w;
            e = 7;
            assert_int_equal(loy__btyd_check_rows(x, tx, T, w, N, &e), want);
            assert_int_equal(e, want == LOY_OK ? LOY_NO_INDEX : i);
            /* each path's block test on its own: the baseline's two lanes
             * and AVX2's four (a rejected block is rechecked row by row,
             * so a pass that wrongly rejects is slow but a pass that
             * wrongly accepts is a fault) */
            for (path = 0; path < 3; path++) {
                int ok = -1;
                if (!loy__btyd_rows_ok_lanes(path, x, tx, T, w, N, &ok))
                    continue;
                paths |= 1u << path;
                assert_int_equal(ok, want == LOY_OK);
                ok = -1;
                assert_true(loy__btyd_rows_ok_lanes(path, x, tx, T, NULL, N,
                                                    &ok));
                assert_int_equal(ok, wnone == LOY_OK);
            }
            e = 7;
            assert_int_equal(loy__btyd_check_rows(x, tx, T, NULL, N, &e),
                             wnone);
            assert_int_equal(e, wnone == LOY_OK ? LOY_NO_INDEX : i);
            /* a second bad row later: the first is the one reported */
            if (want != LOY_OK && i + 5 < N) {
                double kx = x[i + 5];
                x[i + 5] = -1.0;
                assert_int_equal(loy__btyd_check_rows(x, tx, T, w, N, &e),
                                 want);
                assert_int_equal(e, i);
                x[i + 5] = kx;
            }
            x[i] = sx, tx[i] = stx, T[i] = sT, w[i] = sw;
        }
    }
    print_message("row check paths compared (baseline, AVX2): %u %u\n",
                  paths & 1u, (paths >> 1) & 1u);
    assert_true((paths & 1u) != 0);
}

/* Every thread count, through the row check and the three score
 * functions: status want at row bad. */
static void
expect_first_bad(const double *x, const double *tx, const double *T, size_t n,
                 int want, size_t bad)
{
    static const uint32_t TH[] = {0, 1, 2, 3, 8};
    static double pa[40000], ce[40000];
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    size_t k, e;
    assert_true(n <= 40000);
    for (k = 0; k < sizeof TH / sizeof TH[0]; k++) {
        o.threads = TH[k];
        e = 7;
        assert_int_equal(loy__btyd_check_rows_par(x, tx, T, NULL, n, TH[k],
                                                  &e),
                         want);
        assert_int_equal(e, bad);
        e = 7;
        assert_status(loy_bgnbd_score(pa, ce, FHL, x, tx, T, n, 39.0, &o, &e),
                      want);
        assert_int_equal(e, bad);
        e = 7;
        assert_status(loy_bgnbd_score(pa, NULL, FHL, x, tx, T, n, 39.0, &o,
                                      &e),
                      want);
        assert_int_equal(e, bad);
        e = 7;
        assert_status(loy_pnbd_score(NULL, ce, FHL, x, tx, T, n, 39.0, &o, &e),
                      want);
        assert_int_equal(e, bad);
        e = 7;
        assert_status(loy_mbgnbd_score(pa, ce, FHL, x, tx, T, n, 39.0, &o,
                                       &e),
                      want);
        assert_int_equal(e, bad);
    }
}

/*
 * Threaded row checks (scoring with loy_predict_options::threads): the
 * first bad row and its status whatever the thread count, with bad rows
 * in several threads' ranges.
 */
static void
test_row_check_threads(void **state)
{
    enum { N = 40000 };
    static double x[N], tx[N], T[N];
    uint64_t s = 5;
    size_t i, e;
    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = floor(20.0 * unif(&s));
        T[i] = 5.0 + 30.0 * unif(&s);
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * unif(&s);
    }
    x[30001] = 0.5;                /* ESCALE, a later range */
    tx[25000] = T[25000] + 1.0;    /* EINCONSISTENT, the first */
    T[39999] = NAN;                /* the last range */
    expect_first_bad(x, tx, T, N, LOY_EINCONSISTENT, 25000);
    tx[25000] = 0.0;
    expect_first_bad(x, tx, T, N, LOY_ESCALE, 30001);
    x[30001] = 1.0;
    expect_first_bad(x, tx, T, N, LOY_ENONFINITE, 39999);
    T[39999] = 1.0;
    x[39999] = 1.0;
    tx[39999] = 0.5;
    assert_ok(loy__btyd_check_rows_par(x, tx, T, NULL, N, 3, &e));
    assert_int_equal(e, LOY_NO_INDEX);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pymc_reference),
        cmocka_unit_test(test_loglik_quadrature),
        cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_extremes_finite),
        loy_data_test(test_cdnow_published_ll),
        loy_data_test(test_cdnow_fit),
        loy_data_test(test_cdnow_compressed_same),
        loy_data_test(test_cdnow_predictions),
        cmocka_unit_test(test_expected_new_quadrature),
        cmocka_unit_test(test_expected_quadrature),
        cmocka_unit_test(test_palive_definition),
        cmocka_unit_test(test_expected_new_simulation),
        cmocka_unit_test(test_pmf),
        cmocka_unit_test(test_pmf_direct),
        cmocka_unit_test(test_a_one_limit),
        cmocka_unit_test(test_t_zero),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_row_check_blocks),
        cmocka_unit_test(test_row_check_threads),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_fit_bad_weights_and_flags),
        loy_data_test(test_fit_noconv_cdnow),
        cmocka_unit_test(test_extreme_beta_quadrature),
        cmocka_unit_test(test_tiny_horizon),
        cmocka_unit_test(test_palive_lanes),
        cmocka_unit_test(test_cet_taylor_paths),
        cmocka_unit_test(test_fit_rows_lanes),
        cmocka_unit_test(test_loglik_each_batch),
        cmocka_unit_test(test_palive_poisson_limit),
        cmocka_unit_test(test_cet_tables_match_series),
    };
    return loy_run_tests(tests);
}
