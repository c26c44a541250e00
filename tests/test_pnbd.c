/* SPDX-License-Identifier: MIT */
/*
 * test_pnbd.c - Pareto/NBD: published CDNOW values, the stable likelihood
 * against brute-force quadrature of its integral form, the alpha = beta and
 * t_x = T branches, heavy buyers, the analytic gradient, P(alive), CET,
 * E[X(t)] and DERT against quadrature over the gamma mixing distributions,
 * the s = 1 limit and bad input.
 */
#include "pnbd_testutil.h"
#include "clv/pnbd_internal.h"
#include "numeric/specfun.h"

#include <string.h>

static const double CDNOW_P[4] = {0.553, 10.578, 0.606, 11.669};

/* Parameter sets covering alpha < beta, alpha > beta, alpha = beta. */
static const double PSETS[][4] = {
    {0.553, 10.578, 0.606, 11.669},
    {0.8, 15.0, 1.3, 4.0},
    {0.5, 7.0, 2.0, 7.0},
    {2.5, 0.5, 0.3, 30.0},
    {0.3, 40.0, 1.0, 2.0},
    {0.05, 0.3, 20.0, 500.0},
    {50.0, 200.0, 0.05, 0.1},
};
#define NPSETS (sizeof PSETS / sizeof PSETS[0])

/* (x, t_x, T), including t_x = T and heavy buyers. */
static const double ROWS[][3] = {
    {0, 0, 38.86},  {2, 30.43, 38.86}, {1, 1.71, 38.86}, {7, 20, 20},
    {29, 35, 38},   {200, 38, 40},     {1000, 9000, 10000},
    {3000, 9990, 10000},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ---- brute-force likelihood: L = e^head [e^p1 + s * integral] ---- */

typedef struct lik_ctx {
    double r, alpha, s, beta, x, K;
} lik_ctx;

/* integrand (alpha+tau)^-(r+x) (beta+tau)^-(s+1), scaled by e^-K */
static double
lik_integrand(double tau, void *c)
{
    const lik_ctx *q = c;
    return exp(-(q->r + q->x) * log(q->alpha + tau)
               - (q->s + 1.0) * log(q->beta + tau) - q->K);
}

static double
head_ref(const double *p, double x)
{
    return p[0] * log(p[1]) + p[2] * log(p[3]) + lgamma(p[0] + x)
           - lgamma(p[0]);
}

static double
loglik_quad(const double *p, double x, double tx, double T)
{
    lik_ctx q;
    double p1, I, split, scale;
    q.r = p[0];
    q.alpha = p[1];
    q.s = p[2];
    q.beta = p[3];
    q.x = x;
    q.K = -(p[0] + x) * log(p[1] + tx) - (p[2] + 1.0) * log(p[3] + tx);
    p1 = -(p[0] + x) * log(p[1] + T) - p[2] * log(p[3] + T);
    if (tx >= T)
        return head_ref(p, x) + p1;
    /* the integrand decays on the scale (alpha+t_x)/(r+x+s+1): split */
    scale = fmin(p[1], p[3]) + tx;
    scale /= p[0] + x + p[2] + 1.0;
    split = fmin(T, tx + 40.0 * scale);
    I = quad_ts(lik_integrand, &q, tx, split);
    if (split < T)
        I += quad_ts(lik_integrand, &q, split, T);
    return head_ref(p, x) + loy__lse(p1, log(p[2]) + q.K + log(I));
}

static double
ll1(const double *p, double x, double tx, double T)
{
    double ll = (double)NAN;
    assert_ok(loy__pnbd_loglik1(p, x, tx, T, &ll, NULL));
    return ll;
}

static void
test_ll_cdnow_published(void **state)
{
    cdnow_data d;
    double ll;
    size_t ei = 0;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_int_equal(d.n, 2357);
    assert_ok(loy_pnbd_loglik(&ll, CDNOW_P, d.x, d.tx, d.T, NULL, d.n, &ei));
    assert_true(ei == LOY_NO_INDEX);
    assert_close(ll, -9595.0, 0.0, 0.05); /* printed precision */
    cdnow_free(&d);
}

static void
test_ll_matches_quadrature(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NPSETS; i++)
        for (j = 0; j < NROWS; j++) {
            const double *c = ROWS[j];
            double ref = loglik_quad(PSETS[i], c[0], c[1], c[2]);
            assert_close(ll1(PSETS[i], c[0], c[1], c[2]), ref, 1e-11, 1e-9);
        }
}

static void
test_ll_weights_and_sum(void **state)
{
    const double x[3] = {0, 3, 3}, tx[3] = {0, 10, 10}, T[3] = {30, 31, 31};
    const double w[2] = {2.0, 3.0};
    double a, b, ref;
    (void)state;
    ref = 2.0 * ll1(PSETS[1], 0, 0, 30) + 3.0 * ll1(PSETS[1], 3, 10, 31);
    assert_ok(loy_pnbd_loglik(&a, PSETS[1], x, tx, T, w, 2, NULL));
    assert_close(a, ref, 1e-14, 0.0);
    /* per-customer values and gradients of the public API */
    {
        double each[3], g[12], g1[4], l1;
        size_t i, k;
        assert_ok(loy_pnbd_loglik_each(each, PSETS[1], x, tx, T, 3, g, NULL));
        assert_close(2.0 * each[0] + 3.0 * each[1], ref, 1e-14, 0.0);
        for (i = 0; i < 3; i++) {
            assert_ok(loy__pnbd_loglik1(PSETS[1], x[i], tx[i], T[i], &l1, g1));
            assert_close(each[i], l1, 1e-14, 0.0);
            for (k = 0; k < 4; k++)
                assert_close(g[4 * i + k], g1[k], 1e-14, 0.0);
        }
        assert_ok(loy_pnbd_loglik_each(each, PSETS[1], x, tx, T, 3, NULL,
                                       NULL));
        assert_close(each[2], each[1], 1e-15, 0.0);
    }
    /* weight 0 drops a row */
    {
        const double w3[3] = {2.0, 3.0, 0.0};
        assert_ok(loy_pnbd_loglik(&b, PSETS[1], x, tx, T, w3, 3, NULL));
        assert_close(b, ref, 1e-14, 0.0);
    }
}

/* alpha = beta (z = 0) and t_x = T are the limits of nearby values. */
static void
test_branch_limits(void **state)
{
    size_t j;
    (void)state;
    for (j = 0; j < NROWS; j++) {
        const double *c = ROWS[j];
        double p0[4] = {0.7, 9.0, 0.8, 9.0}, pu[4], pd[4];
        double l0 = ll1(p0, c[0], c[1], c[2]);
        memcpy(pu, p0, sizeof pu);
        memcpy(pd, p0, sizeof pd);
        pu[1] *= 1.0 + 1e-9;
        pd[1] *= 1.0 - 1e-9;
        assert_close(ll1(pu, c[0], c[1], c[2]), l0, 0.0, 1e-7);
        assert_close(ll1(pd, c[0], c[1], c[2]), l0, 0.0, 1e-7);
        /* alpha = beta against the closed form of MODELS.md 6.3 */
        if (c[1] < c[2]) {
            double aa = p0[0] + p0[2] + c[0], m = p0[1];
            double la0 = -aa * log(m + c[1])
                         + log1p(-exp(aa * (log(m + c[1]) - log(m + c[2]))));
            double p1 = -(p0[0] + c[0]) * log(m + c[2]) - p0[2] * log(m + c[2]);
            double ref = head_ref(p0, c[0])
                         + loy__lse(p1, log(p0[2]) - log(aa) + la0);
            assert_close(l0, ref, 1e-12, 1e-10);
        }
    }
    /* t_x -> T */
    {
        const double *p = PSETS[0];
        double lT = ll1(p, 5, 30, 30);
        assert_close(ll1(p, 5, 30.0 - 1e-9, 30), lT, 0.0, 1e-8);
        assert_close(ll1(p, 5, 30.0 - 1e-4, 30), lT, 0.0, 1e-3);
        assert_true(ll1(p, 5, 30.0 - 1e-4, 30) > lT);
    }
}

static void
test_heavy_buyers_finite(void **state)
{
    const double x[4] = {500, 2000, 5000, 9000};
    const double tx[4] = {400, 9000, 9999, 9999.99};
    const double T[4] = {500, 10000, 10000, 10000};
    double out[4], ll;
    size_t i, k;
    (void)state;
    for (k = 0; k < NPSETS; k++) {
        assert_ok(loy_pnbd_loglik(&ll, PSETS[k], x, tx, T, NULL, 4, NULL));
        assert_true(isfinite(ll));
        assert_ok(loy_pnbd_palive(out, PSETS[k], x, tx, T, 4, NULL));
        for (i = 0; i < 4; i++)
            assert_true(out[i] >= 0.0 && out[i] <= 1.0);
        assert_ok(loy_pnbd_expected(out, PSETS[k], x, tx, T, 4, 52.0, NULL));
        for (i = 0; i < 4; i++)
            assert_true(isfinite(out[i]) && out[i] >= 0.0);
        assert_ok(loy_pnbd_dert(out, PSETS[k], x, tx, T, 4, 0.0027, NULL));
        for (i = 0; i < 4; i++)
            assert_true(isfinite(out[i]) && out[i] >= 0.0);
    }
}

/* Analytic gradient against central differences. */
static void
test_gradient_matches_fd(void **state)
{
    static const double extra[][4] = {
        {0.7, 9.0, 0.8, 9.0}, /* alpha = beta */
        {0.9, 5.0, 1.0, 5.0000001},
    };
    size_t i, j, k;
    (void)state;
    for (i = 0; i < NPSETS + 2; i++) {
        const double *p = i < NPSETS ? PSETS[i] : extra[i - NPSETS];
        for (j = 0; j < NROWS; j++) {
            const double *c = ROWS[j];
            double g[4], ll;
            assert_ok(loy__pnbd_loglik1(p, c[0], c[1], c[2], &ll, g));
            assert_close(ll, ll1(p, c[0], c[1], c[2]), 1e-13, 1e-14);
            for (k = 0; k < 4; k++) {
                double pp[4], pm[4], h = 1e-6 * p[k], fd;
                memcpy(pp, p, sizeof pp);
                memcpy(pm, p, sizeof pm);
                pp[k] += h;
                pm[k] -= h;
                fd = (ll1(pp, c[0], c[1], c[2]) - ll1(pm, c[0], c[1], c[2]))
                     / (2.0 * h);
                assert_close(g[k], fd, 1e-6,
                             1e-8 * (1.0 + fabs(ll)) / p[k]);
            }
        }
    }
}

/* The derivative-carrying series against the shared 2F1 and FD. */
static void
test_series_hyp1(void **state)
{
    static const double cases[][3] = {
        {0.5, 2.1, 0.0}, {3.0, 4.6, 0.3}, {1000.5, 1002.1, 0.95},
        {1.6, 301.0, 0.99}, {0.2, 0.9, 0.5},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double b = cases[i][0], c = cases[i][1], z = cases[i][2];
        double S, d[3], lf, Sp, Sm, h;
        int sign = 0;
        assert_ok(loy__pnbd_hyp1(b, c, z, &S, d));
        assert_ok(loy__log_hyp2f1(1.0, b, c, z, &lf, &sign));
        assert_int_equal(sign, 1);
        assert_close(log(S), lf, 1e-13, 1e-14);
        h = 1e-6 * b;
        assert_ok(loy__pnbd_hyp1(b + h, c, z, &Sp, NULL));
        assert_ok(loy__pnbd_hyp1(b - h, c, z, &Sm, NULL));
        assert_close(d[0], (Sp - Sm) / (2 * h), 1e-6, 1e-12);
        h = 1e-6 * c;
        assert_ok(loy__pnbd_hyp1(b, c + h, z, &Sp, NULL));
        assert_ok(loy__pnbd_hyp1(b, c - h, z, &Sm, NULL));
        assert_close(d[1], (Sp - Sm) / (2 * h), 1e-6, 1e-12);
        if (z > 1e-3) {
            h = 1e-7 * z;
            assert_ok(loy__pnbd_hyp1(b, c, z + h, &Sp, NULL));
            assert_ok(loy__pnbd_hyp1(b, c, z - h, &Sm, NULL));
            assert_close(d[2], (Sp - Sm) / (2 * h), 1e-6, 1e-12);
        } else {
            assert_close(d[2], b / c, 1e-15, 0.0);
        }
    }
}

/*
 * The gradient series with its b-and-c terms from a table (the fits' x
 * table) against the series computing them: the same status and bytes,
 * for series that end inside the table, at its edge and far past it.
 */
static void
test_series_hyp1_table(void **state)
{
    static double dq[3 * LOY__PNBD_DK];
    loy_test_rng g = {4242u};
    int i;
    (void)state;
    for (i = 0; i < 4000; i++) {
        double b = pow(10.0, 4.0 * loy_test_rng_uniform(&g) - 1.0);
        double c = b + pow(10.0, 3.0 * loy_test_rng_uniform(&g) - 1.0);
        double z = i % 4 == 0 ? 0.999 * loy_test_rng_uniform(&g)
                              : 0.9 * loy_test_rng_uniform(&g);
        double S1 = 0.0, S2 = 0.0, d1[3] = {0, 0, 0}, d2[3] = {0, 0, 0};
        int r1, r2;
        loy__pnbd_dq_fill(b, c, dq);
        r1 = loy__pnbd_hyp1(b, c, z, &S1, d1);
        r2 = loy__pnbd_hyp1_dq(dq, b, c, z, &S2, d2);
        assert_int_equal(r1, r2);
        assert_memory_equal(&S1, &S2, sizeof S1);
        assert_memory_equal(d1, d2, sizeof d1);
    }
}

/* ---- predictions against quadrature over the mixing distributions ---- */

typedef struct mu_ctx {
    double s, rate, t;
} mu_ctx;

/* mu^(s-2) (1 - e^(-mu t)) e^(-rate mu) */
static double
mu_integrand(double mu, void *c)
{
    const mu_ctx *q = c;
    return exp((q->s - 2.0) * log(mu) - q->rate * mu) * -expm1(-mu * q->t);
}

/* The same after mu = w^(1/s), times s: (1 - e^(-mu t))/mu e^(-rate mu),
   which removes the mu^(s-1) singularity of s < 1. */
static double
mu_integrand_w(double w, void *c)
{
    const mu_ctx *q = c;
    double mu = pow(w, 1.0 / q->s);
    if (mu == 0.0)
        return q->t;
    return exp(-q->rate * mu) * -expm1(-mu * q->t) / mu;
}

/* ln of beta^s/Gamma(s) * int mu^(s-2)(1-e^-mu t) e^-(beta+T) mu dmu */
static double
log_mu_part(double s, double beta, double B, double t)
{
    mu_ctx q;
    double I;
    q.s = s;
    q.rate = B;
    q.t = t;
    if (s < 1.0)
        I = quad_ts_inf(mu_integrand_w, &q, pow(B, -s)) / s;
    else
        I = quad_ts_inf(mu_integrand, &q, 1.0 / B);
    return s * log(beta) - lgamma(s) + log(I);
}

static void
test_palive_and_cet_quadrature(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NPSETS; i++) {
        const double *p = PSETS[i];
        for (j = 0; j < NROWS; j++) {
            const double *c = ROWS[j];
            double x = c[0], tx = c[1], T = c[2], t = 39.0;
            double lq = loglik_quad(p, x, tx, T), pa, pat, cet, ref;
            double p1 = -(p[0] + x) * log(p[1] + T) - p[2] * log(p[3] + T);
            assert_ok(loy_pnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
            assert_close(pa, exp(head_ref(p, x) + p1 - lq), 1e-10, 1e-13);
            assert_true(pa >= 0.0 && pa <= 1.0);
            /* alive at T + t: lifetime beyond T + t under the posterior */
            assert_ok(loy_pnbd_palive_at(&pat, p, &x, &tx, &T, 1, t, NULL));
            ref = exp(head_ref(p, x) - (p[0] + x) * log(p[1] + T)
                      - p[2] * log(p[3] + T + t) - lq);
            assert_close(pat, ref, 1e-10, 1e-13);
            /* CET: integrate lambda in closed form, mu numerically */
            assert_ok(loy_pnbd_expected(&cet, p, &x, &tx, &T, 1, t, NULL));
            ref = exp(lgamma(p[0] + x + 1.0) - lgamma(p[0])
                      + p[0] * log(p[1]) - (p[0] + x + 1.0) * log(p[1] + T)
                      + log_mu_part(p[2], p[3], p[3] + T, t) - lq);
            assert_close(cet, ref, 1e-9, 1e-12);
        }
    }
}

static void
test_expected_new_quadrature(void **state)
{
    const double t[4] = {0.0, 1.0, 39.0, 520.0};
    double out[4];
    size_t i, k;
    (void)state;
    for (i = 0; i < NPSETS; i++) {
        const double *p = PSETS[i];
        assert_ok(loy_pnbd_expected_new(out, p, t, 4, NULL));
        assert_true(out[0] == 0.0);
        for (k = 1; k < 4; k++) {
            double ref = p[0] / p[1]
                         * exp(log_mu_part(p[2], p[3], p[3], t[k]));
            assert_close(out[k], ref, 1e-10, 0.0);
        }
    }
}

/* s = 1 is removable: the value there is the limit of its neighbours. */
static void
test_s_equal_one(void **state)
{
    const double x = 3, tx = 20, T = 30, t = 52.0;
    double p1[4] = {0.6, 10.0, 1.0, 12.0}, pu[4], pd[4];
    double e1, eu, ed, c1, cu, cd;
    (void)state;
    memcpy(pu, p1, sizeof pu);
    memcpy(pd, p1, sizeof pd);
    pu[2] = 1.0 + 1e-9;
    pd[2] = 1.0 - 1e-9;
    assert_ok(loy_pnbd_expected_new(&e1, p1, &t, 1, NULL));
    assert_ok(loy_pnbd_expected_new(&eu, pu, &t, 1, NULL));
    assert_ok(loy_pnbd_expected_new(&ed, pd, &t, 1, NULL));
    assert_close(e1, p1[0] / p1[1] * p1[3] * log1p(t / p1[3]), 1e-15, 0.0);
    assert_close(eu, e1, 1e-8, 0.0);
    assert_close(ed, e1, 1e-8, 0.0);
    assert_ok(loy_pnbd_expected(&c1, p1, &x, &tx, &T, 1, t, NULL));
    assert_ok(loy_pnbd_expected(&cu, pu, &x, &tx, &T, 1, t, NULL));
    assert_ok(loy_pnbd_expected(&cd, pd, &x, &tx, &T, 1, t, NULL));
    assert_close(cu, c1, 1e-8, 0.0);
    assert_close(cd, c1, 1e-8, 0.0);
    assert_true(c1 > 0.0 && isfinite(c1));
}

typedef struct dert_ctx {
    double delta, B, s;
} dert_ctx;

static double
dert_integrand(double u, void *c)
{
    const dert_ctx *q = c;
    return exp(-q->delta * u - q->s * log1p(u / q->B));
}

/* DERT against adaptive quadrature, non-integer and integer s. */
static void
test_dert_quadrature(void **state)
{
    static const double svals[] = {0.606, 1.0, 2.0, 2.5, 0.2, 3.0};
    static const double deltas[] = {0.0027, 0.1, 1.5};
    size_t i, j, k;
    (void)state;
    for (i = 0; i < sizeof svals / sizeof svals[0]; i++)
        for (j = 0; j < sizeof deltas / sizeof deltas[0]; j++)
            for (k = 0; k < 4; k++) {
                const double *c = ROWS[k];
                double p[4] = {0.553, 10.578, svals[i], 11.669};
                double pa, dert, ref;
                dert_ctx q;
                q.delta = deltas[j];
                q.B = p[3] + c[2];
                q.s = p[2];
                assert_ok(loy_pnbd_palive(&pa, p, &c[0], &c[1], &c[2], 1,
                                          NULL));
                assert_ok(loy_pnbd_dert(&dert, p, &c[0], &c[1], &c[2], 1,
                                        q.delta, NULL));
                ref = pa * (p[0] + c[0]) / (p[1] + c[2])
                      * quad_ts_inf(dert_integrand, &q, 1.0 / q.delta);
                assert_close(dert, ref, 1e-9, 0.0);
            }
}

/* Fit on CDNOW: at least as good as the published estimate. */
static void
test_fit_cdnow(void **state)
{
    cdnow_data d;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double est[4], llref, cet_fit = 0, cet_ref = 0, *buf;
    size_t i;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_ok(loy_pnbd_fit(est, d.x, d.tx, d.T, NULL, d.n, NULL, &rep, NULL));
    assert_ok(loy_pnbd_loglik(&llref, CDNOW_P, d.x, d.tx, d.T, NULL, d.n,
                              NULL));
    assert_int_equal(rep.status, LOY_OK);
    assert_int_equal(rep.n_params, 4);
    assert_true(rep.loglik >= llref - 1e-9);
    assert_close(rep.loglik, -9595.0, 0.0, 0.5);
    for (i = 0; i < 4; i++) {
        assert_close(rep.params[i], est[i], 0.0, 0.0);
        assert_true(rep.se[i] > 0.0 && isfinite(rep.se[i]));
    }
    /* r and alpha are well determined; s and beta lie on a flat ridge */
    assert_close(est[0], 0.553, 0.0, 0.01);
    assert_close(est[1], 10.578, 0.0, 0.3);
    assert_close(est[2], 0.606, 0.0, 0.15);
    assert_close(est[3], 11.669, 0.0, 4.0);
    /* predictions agree: expected holdout purchases (39 weeks) */
    buf = malloc(d.n * sizeof(double));
    assert_ok(loy_pnbd_expected(buf, est, d.x, d.tx, d.T, d.n, 39.0, NULL));
    for (i = 0; i < d.n; i++)
        cet_fit += buf[i];
    assert_ok(loy_pnbd_expected(buf, CDNOW_P, d.x, d.tx, d.T, d.n, 39.0,
                                NULL));
    for (i = 0; i < d.n; i++)
        cet_ref += buf[i];
    assert_close(cet_fit, cet_ref, 0.01, 0.0);
    /* compressed and uncompressed fits agree */
    {
        loy_fit_options o = LOY_FIT_OPTIONS_INIT;
        double est2[4];
        o.flags = LOY_FIT_NO_COMPRESS | LOY_FIT_NO_SE;
        assert_ok(loy_pnbd_fit(est2, d.x, d.tx, d.T, NULL, d.n, &o, NULL,
                               NULL));
        for (i = 0; i < 4; i++)
            assert_close(est2[i], est[i], 1e-4, 0.0);
    }
    free(buf);
    cdnow_free(&d);
}

/* Fit recovers simulated parameters (seeded Pareto/NBD simulation). */
static double
rgamma1(loy_test_rng *g, double shape)
{
    /* Marsaglia-Tsang, with the boost for shape < 1 */
    double d, c, x, v, u, boost = 1.0;
    if (shape < 1.0) {
        boost = pow(loy_test_rng_uniform(g), 1.0 / shape);
        shape += 1.0;
    }
    d = shape - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double u1 = loy_test_rng_uniform(g), u2 = loy_test_rng_uniform(g);
        x = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
        v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        u = loy_test_rng_uniform(g);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return boost * d * v;
    }
}

static void
test_fit_simulated(void **state)
{
    const double truth[4] = {0.8, 6.0, 0.5, 15.0};
    const size_t n = 1500;
    double *x = malloc(n * sizeof(double)), *tx = malloc(n * sizeof(double));
    double *T = malloc(n * sizeof(double)), est[4], est2[4];
    loy_test_rng g = {12345};
    loy_fit_report rep = LOY_FIT_REPORT_INIT, rep2 = LOY_FIT_REPORT_INIT;
    static const double tail[2] = {0.5, -1.0};
    static const size_t warm[2] = {1000, 300};
    size_t i, k;
    (void)state;
    for (i = 0; i < n; i++) {
        double lam = rgamma1(&g, truth[0]) / truth[1];
        double mu = rgamma1(&g, truth[2]) / truth[3];
        double life = -log(loy_test_rng_uniform(&g)) / mu, t = 0.0;
        T[i] = 20.0 + 30.0 * loy_test_rng_uniform(&g);
        x[i] = 0.0;
        tx[i] = 0.0;
        for (;;) {
            t += -log(loy_test_rng_uniform(&g)) / lam;
            if (t > T[i] || t > life)
                break;
            x[i] += 1.0;
            tx[i] = t;
        }
    }
    assert_ok(loy_pnbd_fit(est, x, tx, T, NULL, n, NULL, &rep, NULL));
    for (k = 0; k < 4; k++) /* within 4 standard errors */
        assert_close(est[k], truth[k], 0.0, 4.0 * rep.se[k]);
    /* the warm start of large samples (forced here on 1500 rows with a
       300-row subsample) reaches the same optimum in fewer iterations */
    assert_ok(loy__pnbd_fit_driver(loy__pnbd_fit_loglik, tail, warm, 0,
                                   est2, x, tx, T, NULL, n, NULL, &rep2,
                                   NULL));
    assert_close(rep2.loglik, rep.loglik, 1e-12, 0.0);
    for (k = 0; k < 4; k++) {
        assert_close(est2[k], est[k], 1e-5, 0.0);
        assert_close(rep2.se[k], rep.se[k], 1e-3, 0.0);
    }
    assert_true(rep2.iterations < rep.iterations);
    free(x);
    free(tx);
    free(T);
}

/*
 * The warm start on data at a limit (everyone buys at one Poisson rate,
 * nobody drops out): the subsample fit finds the limit and the full fit
 * starts there, stopping at once and fitting the limit on the full data.
 * The subsample fit used to run without the limits, walking out to a
 * shape of 1e7 in hundreds of evaluations, and the full fit crawled on
 * from there (3M-row log: over 5 minutes).
 */
static void
test_warm_start_at_limit(void **state)
{
    const size_t n = 4000;
    double *x = malloc(n * sizeof(double)), *tx = malloc(n * sizeof(double));
    double *T = malloc(n * sizeof(double)), est[4], est2[4];
    uint64_t s = 12345;
    loy_fit_report rep = LOY_FIT_REPORT_INIT, rep2 = LOY_FIT_REPORT_INIT;
    static const double tail[2] = {0.5, -1.0};
    static const size_t warm[2] = {1000, 2000};
    const uint32_t lim = LOY_LIMIT_FIXED_RATE | LOY_LIMIT_NO_DROPOUT;
    size_t i;
    (void)state;
    /* test_limits.c's Poisson customers (its check_poisson_verdict sees
     * the same limit in the plain fits) */
    for (i = 0; i < n; i++) {
        double t = 0.0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        T[i] = 20.0 + 60.0 * ((double)(s >> 11) * 0x1.0p-53);
        x[i] = tx[i] = 0.0;
        for (;;) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            t += -log(((double)(s >> 11) + 0.5) * 0x1.0p-53) / 0.37;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
        }
    }
    assert_ok(loy_pnbd_fit(est, x, tx, T, NULL, n, NULL, &rep, NULL));
    assert_true(rep.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep.limit, lim);
    assert_ok(loy__pnbd_fit_driver(loy__pnbd_fit_loglik, tail, warm, 0,
                                   est2, x, tx, T, NULL, n, NULL, &rep2,
                                   NULL));
    assert_int_equal(rep2.status, LOY_OK);
    assert_true(rep2.flags & LOY_FIT_REPORT_LIMIT);
    assert_int_equal(rep2.limit, lim);
    assert_close(rep2.reduced[0], rep.reduced[0], 1e-8, 0.0);
    assert_close(rep2.reduced_se[0], rep.reduced_se[0], 1e-3, 0.0);
    assert_close(rep2.loglik, rep.loglik, 1e-12, 0.0);
    /* the full-data work: one evaluation at the start plus the limit */
    assert_true(rep2.evaluations <= 12);
    free(x);
    free(tx);
    free(T);
}

/*
 * Batches of 2048 rows or more take the series ratios and ln(r + s + x)
 * of x < 64 from a table; one row at a time computes them. The two must
 * give the same bytes, for x below, at and past the table's end.
 */
#define NTAB 2100u

static void
test_batch_table_same_bits(void **state)
{
    static double x[NTAB], tx[NTAB], T[NTAB], pa[NTAB], ce[NTAB];
    size_t i, k;
    (void)state;
    for (i = 0; i < NTAB; i++) {
        x[i] = (double)(i % 70);
        T[i] = 5.0 + (double)(i % 37);
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * (double)(i % 11) / 10.0;
    }
    for (k = 0; k < NPSETS; k++) {
        assert_ok(loy_pnbd_palive(pa, PSETS[k], x, tx, T, NTAB, NULL));
        assert_ok(loy_pnbd_expected(ce, PSETS[k], x, tx, T, NTAB, 13.0,
                                    NULL));
        for (i = 0; i < NTAB; i += 7) {
            double one;
            assert_ok(loy_pnbd_palive(&one, PSETS[k], &x[i], &tx[i], &T[i],
                                      1, NULL));
            assert_memory_equal(&one, &pa[i], sizeof one);
            assert_ok(loy_pnbd_expected(&one, PSETS[k], &x[i], &tx[i],
                                        &T[i], 1, 13.0, NULL));
            assert_memory_equal(&one, &ce[i], sizeof one);
        }
    }
}

/*
 * The lanes of pnbd_rows.c against a long double reference (64-bit
 * significand; series to 1e-22, libm's long double logarithms), with
 * L_a = log1p((T - t_x)/(alpha + t_x)) and L_b as there. The bound
 * follows the conditioning: P(alive) = 1/(1 + V), V = e^a m, so a few
 * ulp of a's terms move P(alive) by that much times 1 - P(alive).
 */
typedef struct lane_ref {
    long double pa, cet;
    double cond; /* sum of the magnitudes of the terms of a and of dG */
} lane_ref;

static long double
ref_series(long double b, long double c, long double z)
{
    long double t = 1.0L, sum = 1.0L, k;
    for (k = 0.0L; k < 20000.0L; k += 1.0L) {
        t *= (b + k) / (c + k) * z;
        sum += t;
        if (t < 1e-22L * sum)
            break;
    }
    return sum;
}

static lane_ref
ref_lane(const double *p, double x, double tx, double T, double t)
{
    long double r = p[0], al = p[1], s = p[2], be = p[3], rx = r + x;
    long double d = (long double)T - tx, La, Lb, A, dG, b, z1, z2, rate;
    long double S1, S2, a, V, B = be + T, h, e = s - 1.0L, ab = 0.0L;
    lane_ref o;
    La = log1pl(d / (al + tx));
    Lb = log1pl(d / (be + tx));
    if (al >= be) {
        b = rx;
        rate = al;
        A = rx * La + s * Lb;
        dG = -A;
    } else {
        b = s + 1.0L;
        rate = be;
        ab = logl((al + T) / (be + tx));
        A = (rx - 1.0L) * La + s * Lb + ab;
        dG = -((rx - 1.0L) * La + (s + 1.0L) * Lb);
    }
    z1 = fabsl(al - be) / (rate + tx);
    z2 = fabsl(al - be) / (rate + T);
    S1 = ref_series(b, rx + s + 1.0L, z1);
    S2 = ref_series(b, rx + s + 1.0L, z2);
    dG += logl(S2 / S1);
    a = logl(s) - logl(r + s + x) + A;
    V = d > 0.0L ? expl(a) * S1 * -expm1l(dG) : 0.0L;
    o.pa = 1.0L / (1.0L + V);
    h = log1pl(t / B);
    if (e != 0.0L)
        h = -expm1l(-e * h) / e;
    o.cet = o.pa * rx / (al + T) * B * h;
    o.cond = (double)(1.0L + fabsl(logl(s)) + fabsl(logl(r + s + x))
                      + fabsl(rx) * La + (s + 1.0L) * Lb + fabsl(ab));
    if (dG < 0.0L) /* m = S1 (1 - e^dG): relative error of dG over |dG| */
        o.cond *= 1.0 + (double)(expl(dG) / -expm1l(dG));
    return o;
}

/* pnbd.c's form has a = ln s - ln(r+s+x) + G(t_x) - p1, differences of
 * terms of size (r + x) ln(alpha + T): the rows the lanes leave to it. */
static double
scalar_cond(const double *p, double x, double tx, double T)
{
    double rx = p[0] + x;
    return (rx + 1.0) * (fabs(log(p[1] + T)) + fabs(log(p[1] + tx)))
           + (p[2] + 1.0) * (fabs(log(p[3] + T)) + fabs(log(p[3] + tx)));
}

#define NLANE 4096u

/*
 * Every vector path the CPU has (baseline, AVX2, AVX-512) on the rows of
 * one call against the widest (pa, cet, bad, bad_cet): the same flags,
 * and the same bytes in every output the flags leave set. Returns the
 * paths that ran (bit k: path k).
 */
static unsigned
lanes_paths_agree(const loy__pnbd_lanes *lp, const double *x,
                  const double *tx, const double *T, const double *pa,
                  const double *ce, const int64_t *bad,
                  const int64_t *bad_cet)
{
    double mpa[LOY__PNBD_ROWS], mce[LOY__PNBD_ROWS];
    int64_t mbad[LOY__PNBD_ROWS], mbad_cet[LOY__PNBD_ROWS];
    unsigned ran = 0;
    int path;
    size_t j;
    for (path = 0; path < 3; path++) {
        if (!loy__pnbd_rows_lanes(path, lp, x, tx, T, mpa, mce, mbad,
                                  mbad_cet))
            continue;
        ran |= 1u << path;
        assert_memory_equal(mbad, bad, sizeof mbad);
        for (j = 0; j < LOY__PNBD_ROWS; j++) {
            if (bad[j] != 0)
                continue;
            assert_memory_equal(&mpa[j], &pa[j], sizeof mpa[j]);
            assert_true((mbad_cet[j] != 0) == (bad_cet[j] != 0));
            if (bad_cet[j] == 0)
                assert_memory_equal(&mce[j], &ce[j], sizeof mce[j]);
        }
    }
    return ran;
}

static void
test_lanes_vs_long_double(void **state)
{
    static const double sets[][4] = {
        {0.553, 10.578, 0.606, 11.669}, /* alpha < beta (CDNOW) */
        {0.243, 4.414, 0.793, 2.426},   /* alpha > beta */
        {0.5, 7.0, 2.0, 7.0},           /* alpha = beta: S = 1 */
        {3.0, 0.7, 0.4, 0.9},
        {1.5, 12.0, 1.0, 20.0},         /* s = 1: h is ln(1 + t/B) */
        {80.0, 1e6, 0.7, 1.1e6},        /* Poisson-like: alpha huge */
        {0.5, 5.0, 1e-9, 6.0},          /* tiny s, above the cut-off */
        {2e3, 3e3, 5e2, 4e3},
    };
    static double x[NLANE], tx[NLANE], T[NLANE], pa[NLANE], ce[NLANE];
    loy_test_rng g = {20261205u};
    double worst_pa = 0.0, worst_ce = 0.0;
    size_t k, i;
    unsigned paths = 0;
    (void)state;
    for (i = 0; i < NLANE; i++) {
        double u = loy_test_rng_uniform(&g), v = loy_test_rng_uniform(&g);
        T[i] = 0.01 * pow(1e5, loy_test_rng_uniform(&g));
        x[i] = i % 5 == 0 ? 0.0 : floor(pow(400.0, u));
        tx[i] = x[i] == 0.0 ? 0.0 : i % 17 == 0 ? T[i] : T[i] * v;
    }
    for (k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        const double *p = sets[k];
        size_t lanes = 0;
        assert_ok(loy_pnbd_score(pa, ce, p, x, tx, T, NLANE, 13.0, NULL,
                                 NULL));
        for (i = 0; i < NLANE; i += LOY__PNBD_ROWS) {
            /* the lanes on their own, as the library runs them */
            loy__pnbd_lanes lp;
            double lpa[LOY__PNBD_ROWS], lce[LOY__PNBD_ROWS];
            int64_t bad[LOY__PNBD_ROWS], bad_cet[LOY__PNBD_ROWS];
            size_t j;
            memset(&lp, 0, sizeof lp);
            lp.r = p[0], lp.alpha = p[1], lp.s = p[2], lp.beta = p[3];
            lp.ls = log(p[2]);
            lp.alpha_ge = p[1] >= p[3];
            lp.cet = 1;
            lp.t = 13.0;
            loy__pnbd_score_rows(&lp, x + i, tx + i, T + i, lpa, lce, bad,
                                 bad_cet);
            paths |= lanes_paths_agree(&lp, x + i, tx + i, T + i, lpa, lce,
                                       bad, bad_cet);
            for (j = 0; j < LOY__PNBD_ROWS; j++) {
                lane_ref ref = ref_lane(p, x[i + j], tx[i + j], T[i + j],
                                        13.0);
                double tol = 1e-15 + 8.0 * DBL_EPSILON * ref.cond
                                         * (double)(1.0L - ref.pa);
                double e1 = fabs((double)((pa[i + j] - ref.pa) / ref.pa));
                double e2 = fabs((double)((ce[i + j] - ref.cet) / ref.cet));
                /* the batch (lanes, and the scalar form for the rest) */
                if (bad[j] != 0) /* pnbd.c's form: its own terms */
                    tol += 8.0 * DBL_EPSILON * scalar_cond(p, x[i + j],
                                                           tx[i + j],
                                                           T[i + j]);
                if (ref.pa < 1e-290L) { /* below double's normal range */
                    assert_true(fabs((double)(pa[i + j] - ref.pa))
                                < 1e-300);
                    continue;
                }
                worst_pa = fmax(worst_pa, e1 / tol);
                worst_ce = fmax(worst_ce, e2 / (tol + 4.0 * DBL_EPSILON));
                if (bad[j] != 0)
                    continue;
                lanes++;
                assert_memory_equal(&lpa[j], &pa[i + j], sizeof lpa[j]);
                if (bad_cet[j] == 0)
                    assert_memory_equal(&lce[j], &ce[i + j], sizeof lce[j]);
            }
        }
        /* alpha and beta close enough for short series: nearly every row
         * in the lanes (rows with t_x near 0 and large z are not) */
        if (k != 7)
            assert_true(lanes > NLANE * 9 / 10);
    }
    printf("vector paths compared (baseline, AVX2, AVX-512): %u %u %u\n",
           paths & 1u, (paths >> 1) & 1u, (paths >> 2) & 1u);
    assert_true((paths & 1u) != 0);
    printf("lanes and batch vs long double: worst %.3g (P(alive)) and "
           "%.3g (CET) of the bound\n", worst_pa, worst_ce);
    assert_true(worst_pa <= 1.0);
    assert_true(worst_ce <= 1.0);
}

/*
 * One panel of the direct integration (the likelihood's path where the
 * series is too slow) through the lanes, against the same sums in long
 * double: h(u) = (r+x) log1p((T-u)/(alpha+u)) + s log1p((T-u)/(beta+u))
 * - ln(beta+u), weights e^(h - h0), and the four derivative sums; each
 * vector path the CPU has gives the same answer and bytes.
 */
static void
test_quad_panel_vs_long_double(void **state)
{
    loy_test_rng g = {99u};
    double worst = 0.0;
    unsigned paths = 0;
    int it, path, rc;
    (void)state;
    for (it = 0; it < 2000; it++) {
        double prm[4], v[LOY__PNBD_QNODES], w[LOY__PNBD_QNODES];
        double T = 0.1 * pow(1e4, loy_test_rng_uniform(&g));
        double u0 = T * loy_test_rng_uniform(&g), rx, h0, sum, sd[4];
        long double ref = 0.0L, rsd[4] = {0.0L, 0.0L, 0.0L, 0.0L};
        long double mag[4] = {0.0L, 0.0L, 0.0L, 0.0L}, hmag = 0.0L;
        size_t k;
        int j;
        for (j = 0; j < 4; j++)
            prm[j] = pow(10.0, 6.0 * loy_test_rng_uniform(&g) - 3.0);
        rx = prm[0] + floor(300.0 * loy_test_rng_uniform(&g));
        h0 = rx * log1p((T - u0) / (prm[1] + u0))
             + prm[2] * log1p((T - u0) / (prm[3] + u0)) - log(prm[3] + u0);
        for (k = 0; k < LOY__PNBD_QNODES; k++) {
            v[k] = u0 + (T - u0) * loy_test_rng_uniform(&g);
            w[k] = k < 10 ? loy_test_rng_uniform(&g) : 0.0;
        }
        rc = loy__pnbd_quad_panel(prm, rx, T, h0, v, w, &sum, sd);
        /* every vector path the CPU has: the same answer and bytes */
        for (path = 0; path < 3; path++) {
            double msum, msd[4];
            int mrc = -1;
            if (!loy__pnbd_quad_panel_lanes(path, prm, rx, T, h0, v, w,
                                            &msum, msd, &mrc))
                continue;
            paths |= 1u << path;
            assert_int_equal(mrc, rc);
            if (rc == 0) {
                assert_memory_equal(&msum, &sum, sizeof sum);
                assert_memory_equal(msd, sd, sizeof msd);
            }
        }
        if (rc != 0)
            continue; /* the caller's libm path */
        for (k = 0; k < LOY__PNBD_QNODES; k++) {
            long double a = prm[1], b = prm[3], s = prm[2], D = T - v[k];
            long double la = log1pl(D / (a + v[k])), lb = log1pl(D / (b + v[k]));
            long double e = w[k] * expl(rx * la + s * lb - logl(b + v[k]) - h0);
            long double dh[4];
            dh[0] = la;
            dh[1] = -rx * D / (a + v[k]) / (a + T);
            dh[2] = lb;
            dh[3] = -s * D / (b + v[k]) / (b + T) - 1.0L / (b + v[k]);
            hmag = fmaxl(hmag, rx * la + s * lb + fabsl(logl(b + v[k])));
            ref += e;
            for (j = 0; j < 4; j++) {
                rsd[j] += e * dh[j];
                mag[j] += fabsl(e * dh[j]);
            }
        }
        if (ref < 1e-300L)
            continue;
        /* e^(h - h0) carries the rounding of h's terms (up to rx times a
         * logarithm): a few ulp of that, relative */
        {
            double cond = 1.0 + (double)hmag + fabs(h0);
            double tol = 8.0 * DBL_EPSILON * cond;
            double e0 = fabs((double)((sum - ref) / ref));
            worst = fmax(worst, e0 / tol);
            for (j = 0; j < 4; j++)
                if (mag[j] > 0.0L)
                    worst = fmax(worst, fabs((double)((sd[j] - rsd[j])
                                                      / mag[j]))
                                            / tol);
        }
    }
    printf("quadrature panel paths compared (baseline, AVX2): %u %u\n",
           paths & 1u, (paths >> 1) & 1u);
    assert_true((paths & 1u) != 0);
    printf("quadrature panel vs long double: worst %.3g of the bound\n",
           worst);
    assert_true(worst <= 1.0);
}

/*
 * A row's P(alive) is the same bytes from loy_pnbd_score as from
 * loy_pnbd_palive, and its CET the same as loy_pnbd_expected, also when
 * the CET is beyond the lanes (t/B past 1e300: the CET alone is computed
 * from the lanes' P(alive); found by fuzz_btyd).
 */
static void
test_score_same_bytes(void **state)
{
    static const double horizons[] = {13.0, 1e305};
    double x[40], tx[40], T[40], pa[40], ce[40], pa1[40], ce1[40];
    loy_test_rng g = {7u};
    size_t i, k;
    (void)state;
    for (i = 0; i < 40; i++) {
        T[i] = 1.0 + 50.0 * loy_test_rng_uniform(&g);
        x[i] = floor(30.0 * loy_test_rng_uniform(&g));
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * loy_test_rng_uniform(&g);
    }
    assert_ok(loy_pnbd_palive(pa1, CDNOW_P, x, tx, T, 40, NULL));
    for (k = 0; k < 2; k++) {
        assert_ok(loy_pnbd_score(pa, ce, CDNOW_P, x, tx, T, 40, horizons[k],
                                 NULL, NULL));
        assert_ok(loy_pnbd_expected(ce1, CDNOW_P, x, tx, T, 40, horizons[k],
                                    NULL));
        assert_memory_equal(pa, pa1, sizeof pa);
        assert_memory_equal(ce, ce1, sizeof ce);
    }
}

static void
test_bad_input(void **state)
{
    double x[3] = {1, 2, 0}, tx[3] = {5, 10, 0}, T[3] = {20, 30, 40};
    double out[3], p[4], w[3] = {1, 1, 1}, t = 1.0;
    size_t ei = 0;
    (void)state;
    memcpy(p, CDNOW_P, sizeof p);
#define CHECK(call, code, idx)                                              \
    do {                                                                    \
        ei = 12345;                                                         \
        assert_status(call, code);                                          \
        assert_true(ei == (size_t)(idx));                                   \
    } while (0)
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 3, &ei), LOY_OK,
          LOY_NO_INDEX);
    CHECK(loy_pnbd_loglik(NULL, p, x, tx, T, NULL, 3, &ei), LOY_EINVAL,
          LOY_NO_INDEX);
    CHECK(loy_pnbd_loglik(out, p, x, NULL, T, NULL, 3, &ei), LOY_EINVAL,
          LOY_NO_INDEX);
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 0, &ei), LOY_EEMPTY,
          LOY_NO_INDEX);
    tx[1] = 31; /* t_x > T */
    CHECK(loy_pnbd_palive(out, p, x, tx, T, 3, &ei), LOY_EINCONSISTENT, 1);
    tx[1] = 10;
    x[2] = -1;
    CHECK(loy_pnbd_expected(out, p, x, tx, T, 3, t, &ei), LOY_ESCALE, 2);
    x[2] = 0.5;
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 3, &ei), LOY_ESCALE, 2);
    x[2] = 0;
    tx[2] = 1; /* x = 0 with t_x > 0 */
    CHECK(loy_pnbd_dert(out, p, x, tx, T, 3, 0.01, &ei), LOY_EINCONSISTENT, 2);
    tx[2] = 0;
    T[0] = 0;
    CHECK(loy_pnbd_palive_at(out, p, x, tx, T, 3, t, &ei), LOY_ESCALE, 0);
    T[0] = -5;
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 3, &ei), LOY_ESCALE, 0);
    T[0] = 20;
    tx[1] = (double)NAN;
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 3, &ei), LOY_ENONFINITE, 1);
    tx[1] = 10;
    T[2] = (double)INFINITY;
    CHECK(loy_pnbd_palive(out, p, x, tx, T, 3, &ei), LOY_ENONFINITE, 2);
    T[2] = 40;
    w[1] = -1;
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, w, 3, &ei), LOY_ESCALE, 1);
    w[1] = (double)NAN;
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, w, 3, &ei), LOY_ENONFINITE, 1);
    w[0] = w[1] = w[2] = 0;
    CHECK(loy_pnbd_fit(p, x, tx, T, w, 3, NULL, NULL, &ei), LOY_EEMPTY,
          LOY_NO_INDEX);
    w[0] = w[1] = w[2] = 1;
    p[2] = 0; /* s */
    CHECK(loy_pnbd_loglik(out, p, x, tx, T, NULL, 3, &ei), LOY_EDOMAIN, 2);
    p[2] = -1;
    CHECK(loy_pnbd_expected_new(out, p, &t, 1, &ei), LOY_EDOMAIN, 2);
    p[2] = (double)NAN;
    CHECK(loy_pnbd_palive(out, p, x, tx, T, 3, &ei), LOY_ENONFINITE, 2);
    memcpy(p, CDNOW_P, sizeof p);
    CHECK(loy_pnbd_expected(out, p, x, tx, T, 3, -1.0, &ei), LOY_EDOMAIN,
          LOY_NO_INDEX);
    t = (double)NAN;
    CHECK(loy_pnbd_expected(out, p, x, tx, T, 3, t, &ei), LOY_ENONFINITE,
          LOY_NO_INDEX);
    t = 1.0;
    CHECK(loy_pnbd_dert(out, p, x, tx, T, 3, 0.0, &ei), LOY_EDOMAIN,
          LOY_NO_INDEX);
    t = -2;
    CHECK(loy_pnbd_expected_new(out, p, &t, 1, &ei), LOY_EDOMAIN, 0);
    t = (double)NAN;
    CHECK(loy_pnbd_expected_new(out, p, &t, 1, &ei), LOY_ENONFINITE, 0);
    CHECK(loy_pnbd_fit(NULL, x, tx, T, NULL, 3, NULL, NULL, &ei), LOY_EINVAL,
          LOY_NO_INDEX);
    tx[0] = 25;
    CHECK(loy_pnbd_fit(p, x, tx, T, NULL, 3, NULL, NULL, &ei),
          LOY_EINCONSISTENT, 0);
    tx[0] = 5;
    {
        loy_fit_options o = LOY_FIT_OPTIONS_INIT;
        o.flags = 0x80000000u;
        CHECK(loy_pnbd_fit(p, x, tx, T, NULL, 3, &o, NULL, &ei), LOY_EINVAL,
              LOY_NO_INDEX);
    }
    /* a series that cannot converge (z next to 1) is no longer an error:
     * the dropout term is then integrated directly (test_limits.c checks
     * the value against mpmath) */
    {
        const double ph[4] = {0.5, 1e9, 0.5, 1e-3};
        assert_ok(loy_pnbd_loglik(out, ph, x, tx, T, NULL, 3, &ei));
        assert_true(isfinite(out[0]));
    }
    /* a fit stopped early says so and returns its best point */
    {
        loy_fit_options o = LOY_FIT_OPTIONS_INIT;
        loy_fit_report rep = LOY_FIT_REPORT_INIT;
        double est[4] = {0, 0, 0, 0};
        const double xs[6] = {0, 1, 4, 2, 0, 7};
        const double txs[6] = {0, 3, 20, 9, 0, 29};
        const double Ts[6] = {30, 31, 32, 30, 33, 30};
        size_t k;
        o.max_iter = 1;
        assert_status(loy_pnbd_fit(est, xs, txs, Ts, NULL, 6, &o, &rep, NULL),
                      LOY_ENOCONV);
        assert_int_equal(rep.status, LOY_ENOCONV);
        for (k = 0; k < 4; k++)
            assert_true(est[k] > 0.0 && isfinite(est[k]));
    }
    /* failing calls leave outputs untouched on input errors */
    out[0] = 42.0;
    assert_status(loy_pnbd_loglik(out, p, x, tx, T, NULL, 0, NULL),
                  LOY_EEMPTY);
    assert_true(out[0] == 42.0);
#undef CHECK
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        loy_data_test(test_ll_cdnow_published),
        cmocka_unit_test(test_ll_matches_quadrature),
        cmocka_unit_test(test_ll_weights_and_sum),
        cmocka_unit_test(test_branch_limits),
        cmocka_unit_test(test_heavy_buyers_finite),
        cmocka_unit_test(test_gradient_matches_fd),
        cmocka_unit_test(test_series_hyp1),
        cmocka_unit_test(test_series_hyp1_table),
        cmocka_unit_test(test_palive_and_cet_quadrature),
        cmocka_unit_test(test_expected_new_quadrature),
        cmocka_unit_test(test_s_equal_one),
        cmocka_unit_test(test_dert_quadrature),
        loy_data_test(test_fit_cdnow),
        cmocka_unit_test(test_fit_simulated),
        cmocka_unit_test(test_warm_start_at_limit),
        cmocka_unit_test(test_batch_table_same_bits),
        cmocka_unit_test(test_lanes_vs_long_double),
        cmocka_unit_test(test_score_same_bytes),
        cmocka_unit_test(test_quad_panel_vs_long_double),
        cmocka_unit_test(test_bad_input),
    };
    return loy_run_tests(tests);
}
