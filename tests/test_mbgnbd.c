/* SPDX-License-Identifier: MIT */
/*
 * test_mbgnbd.c - MBG/NBD: the CDNOW fit (lifetimes' published values),
 * the likelihood against quadrature over the dropout probability p, the
 * analytic gradient, P(alive), E[X(t)] and CET against quadrature over p
 * and against the Euler form with the shared 2F1, the a = 1 limit, heavy
 * buyers and bad input.
 */
#include "pnbd_testutil.h"
#include "clv/bgnbd_internal.h"
#include "clv/pnbd_internal.h"
#include "numeric/specfun.h"

#include <string.h>

static const double CDNOW_M[4] = {0.525, 6.183, 0.891, 1.614};

static const double PSETS[][4] = {
    {0.525, 6.183, 0.891, 1.614},
    {0.243, 4.414, 0.793, 2.426},
    {1.5, 12.0, 2.5, 4.0},
    {0.8, 3.0, 1.0, 2.0}, /* a = 1 */
    {3.0, 0.7, 0.4, 0.6},
};
#define NPSETS (sizeof PSETS / sizeof PSETS[0])

static const double ROWS[][3] = {
    {0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1.71, 38.86}, {7, 20, 20},
    {29, 35, 38},  {200, 38, 40},     {1000, 9000, 10000},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ---- quadrature over p ~ Beta(a, b), substituting p = v^(1/a) ---- */

typedef struct p_ctx {
    const double *prm;
    double x, tx, T, t;
    int what; /* 0: L, 1: E[X(t)], 2: CET numerator */
} p_ctx;

/* E over lambda of lambda^x e^(-lambda t) etc., in logs */
static double
lam_part(const double *p, double x, double t)
{
    return lgamma(p[0] + x) - lgamma(p[0]) + p[0] * log(p[1])
           - (p[0] + x) * log(p[1] + t);
}

/*
 * Integrand in v with p = v^(1/a): Beta(p; a, b) dp = (1-p)^(b-1) dv /
 * (a B(a, b)), which removes the p^(a-1) endpoint singularity.
 */
static double
p_integrand(double v, void *c)
{
    const p_ctx *q = c;
    const double *pr = q->prm;
    double a = pr[2], b = pr[3], p = pow(v, 1.0 / a), l1p = log1p(-p);
    double dens = exp((b - 1.0) * l1p - log(a) - loy__lbeta(a, b)), f;
    if (q->what == 0) {
        /* alive: survived time 0 and x purchases; dead after the last */
        f = exp((q->x + 1.0) * l1p + lam_part(pr, q->x, q->T))
            + p * exp(q->x * l1p + lam_part(pr, q->x, q->tx));
    } else if (q->what == 1) {
        double r = pr[0], al = pr[1];
        f = exp(l1p) / p * -expm1(-r * log1p(p * q->t / al));
    } else {
        double r = pr[0], al = pr[1], x = q->x;
        double g = lgamma(r + x) - lgamma(r) + r * log(al);
        f = exp((x + 1.0) * l1p + g - (r + x) * log(al + q->T)) / p
            * -expm1(-(r + x) * log1p(p * q->t / (al + q->T)));
    }
    return f * dens;
}

static double
p_quad(const double *prm, double x, double tx, double T, double t, int what)
{
    p_ctx q;
    q.prm = prm;
    q.x = x;
    q.tx = tx;
    q.T = T;
    q.t = t;
    q.what = what;
    return quad_ts(p_integrand, &q, 0.0, 1.0);
}

static double
ll1(const double *p, double x, double tx, double T)
{
    double ll = (double)NAN;
    assert_ok(loy__mbgnbd_loglik1(p, x, tx, T, &ll, NULL));
    return ll;
}

static void
test_ll_matches_quadrature(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NPSETS; i++)
        /* quadrature underflows for heavy rows; its truncation at the
           (1-p)^(b-1) endpoint limits it to ~1e-9 */
        for (j = 0; j < 5; j++) {
            const double *c = ROWS[j];
            double ref = log(p_quad(PSETS[i], c[0], c[1], c[2], 0.0, 0));
            assert_close(ll1(PSETS[i], c[0], c[1], c[2]), ref, 2e-9, 0.0);
        }
}

static void
test_ll_closed_form_and_heavy(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NPSETS; i++)
        for (j = 0; j < NROWS; j++) {
            const double *p = PSETS[i], *c = ROWS[j];
            double r = p[0], al = p[1], a = p[2], b = p[3], x = c[0];
            /* MODELS.md 6.2 with C library lgamma */
            double ref = lgamma(r + x) - lgamma(r) + r * log(al)
                         + lgamma(b + x + 1) - lgamma(a + b + x + 1)
                         - lgamma(b) + lgamma(a + b)
                         + loy__lse(-(r + x) * log(al + c[2]),
                                    log(a) - log(b + x)
                                        - (r + x) * log(al + c[1]));
            double ll = ll1(p, x, c[1], c[2]);
            assert_true(isfinite(ll));
            assert_close(ll, ref, 1e-12, 1e-9);
        }
}

static void
test_gradient_matches_fd(void **state)
{
    size_t i, j, k;
    (void)state;
    for (i = 0; i < NPSETS; i++)
        for (j = 0; j < NROWS; j++) {
            const double *p = PSETS[i], *c = ROWS[j];
            double g[4], ll, ge[4], le;
            assert_ok(loy__mbgnbd_loglik1(p, c[0], c[1], c[2], &ll, g));
            assert_ok(loy_mbgnbd_loglik_each(&le, p, &c[0], &c[1], &c[2], 1,
                                             ge, NULL));
            assert_close(le, ll, 1e-15, 0.0);
            for (k = 0; k < 4; k++)
                assert_close(ge[k], g[k], 1e-15, 0.0);
            for (k = 0; k < 4; k++) {
                double pp[4], pm[4], h = 1e-6 * p[k], fd;
                memcpy(pp, p, sizeof pp);
                memcpy(pm, p, sizeof pm);
                pp[k] += h;
                pm[k] -= h;
                fd = (ll1(pp, c[0], c[1], c[2]) - ll1(pm, c[0], c[1], c[2]))
                     / (2.0 * h);
                assert_close(g[k], fd, 1e-6, 1e-8 * (1.0 + fabs(ll)) / p[k]);
            }
        }
}

static void
test_palive_and_cet(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NPSETS; i++)
        for (j = 0; j < 5; j++) {
            const double *p = PSETS[i], *c = ROWS[j];
            double x = c[0], tx = c[1], T = c[2], t = 39.0, pa, cet, L, ref;
            L = p_quad(p, x, tx, T, 0.0, 0);
            assert_ok(loy_mbgnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
            ref = exp(lgamma(p[0] + x) - lgamma(p[0]) + p[0] * log(p[1])
                      - (p[0] + x) * log(p[1] + T)
                      + loy__lbeta(p[2], p[3] + x + 1)
                      - loy__lbeta(p[2], p[3])) / L;
            assert_close(pa, ref, 1e-10, 1e-13);
            assert_true(pa > 0.0 && pa <= 1.0);
            assert_ok(loy_mbgnbd_expected(&cet, p, &x, &tx, &T, 1, t, NULL));
            ref = p_quad(p, x, tx, T, t, 2) / L;
            assert_close(cet, ref, 1e-9, 1e-13);
        }
}

/* Heavy buyers: CET and P(alive) finite, CET close to t * (r+x)/(alpha+T)
 * times the survival share. */
static void
test_heavy_buyers(void **state)
{
    const double x[3] = {500, 2000, 5000}, tx[3] = {400, 9000, 9999};
    const double T[3] = {500, 10000, 10000};
    double pa[3], cet[3], ll;
    size_t i, k;
    (void)state;
    for (k = 0; k < NPSETS; k++) {
        assert_ok(loy_mbgnbd_loglik(&ll, PSETS[k], x, tx, T, NULL, 3, NULL));
        assert_true(isfinite(ll));
        assert_ok(loy_mbgnbd_palive(pa, PSETS[k], x, tx, T, 3, NULL));
        assert_ok(loy_mbgnbd_expected(cet, PSETS[k], x, tx, T, 3, 52.0, NULL));
        for (i = 0; i < 3; i++) {
            assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
            assert_true(isfinite(cet[i]) && cet[i] >= 0.0);
            /* never more than the expected rate times t */
            assert_true(cet[i] <= 52.0 * (PSETS[k][0] + x[i])
                                      / (PSETS[k][1] + T[i]) * (1 + 1e-12));
        }
    }
}

static void
test_expected_new(void **state)
{
    const double t[4] = {0.0, 1.0, 39.0, 78.0};
    double out[4];
    size_t i, k;
    (void)state;
    for (i = 0; i < NPSETS; i++) {
        const double *p = PSETS[i];
        assert_ok(loy_mbgnbd_expected_new(out, p, t, 4, NULL));
        assert_true(out[0] == 0.0);
        for (k = 1; k < 4; k++) {
            assert_close(out[k], p_quad(p, 0, 0, 1, t[k], 1), 1e-10, 0.0);
            /* the Euler form of MODELS.md with the shared 2F1 */
            if (fabs(p[2] - 1.0) > 0.05) {
                double z = t[k] / (p[1] + t[k]), F, ref;
                assert_ok(loy__hyp2f1(p[2] + p[3] - p[0], p[2] - 1.0,
                                      p[2] + p[3], z, &F));
                ref = p[3] / (p[2] - 1.0)
                      * (1.0 - pow(1.0 - z, p[2] - 1.0) * F);
                assert_close(out[k], ref, 1e-9, 0.0);
            }
        }
    }
}

/* a = 1: the value is the limit of its neighbours and of MODELS.md. */
static void
test_a_equal_one(void **state)
{
    double p1[4] = {0.8, 3.0, 1.0, 2.0}, pu[4], pd[4];
    const double x = 4, tx = 20, T = 30, t = 52;
    double e1, eu, ed, c1, cu, cd, lim = 0.0, term, z, k;
    (void)state;
    memcpy(pu, p1, sizeof pu);
    memcpy(pd, p1, sizeof pd);
    pu[2] = 1.0 + 1e-7;
    pd[2] = 1.0 - 1e-7;
    assert_ok(loy_mbgnbd_expected_new(&e1, p1, &t, 1, NULL));
    assert_ok(loy_mbgnbd_expected_new(&eu, pu, &t, 1, NULL));
    assert_ok(loy_mbgnbd_expected_new(&ed, pd, &t, 1, NULL));
    assert_close(eu, e1, 1e-6, 0.0);
    assert_close(ed, e1, 1e-6, 0.0);
    assert_true(fabs(eu - ed) > 0.0); /* a is not nudged */
    /* MODELS.md limit: b * [-ln(1-z) - sum (b+1-r)_k z^k/((b+1)_k k)] */
    z = t / (p1[1] + t);
    term = 1.0;
    for (k = 1.0; k < 2000.0; k += 1.0) {
        term *= (p1[3] + 1.0 - p1[0] + k - 1.0) / (p1[3] + 1.0 + k - 1.0) * z;
        lim += term / k;
    }
    assert_close(e1, p1[3] * (-log1p(-z) - lim), 1e-12, 0.0);
    assert_ok(loy_mbgnbd_expected(&c1, p1, &x, &tx, &T, 1, t, NULL));
    assert_ok(loy_mbgnbd_expected(&cu, pu, &x, &tx, &T, 1, t, NULL));
    assert_ok(loy_mbgnbd_expected(&cd, pd, &x, &tx, &T, 1, t, NULL));
    assert_close(cu, c1, 1e-6, 0.0);
    assert_close(cd, c1, 1e-6, 0.0);
}

static void
test_fit_cdnow(void **state)
{
    cdnow_data d;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double est[4], llref;
    size_t i;
    (void)state;
    if (!cdnow_load(&d))
        skip();
    assert_ok(loy_mbgnbd_fit(est, d.x, d.tx, d.T, NULL, d.n, NULL, &rep,
                             NULL));
    assert_ok(loy_mbgnbd_loglik(&llref, CDNOW_M, d.x, d.tx, d.T, NULL, d.n,
                                NULL));
    assert_true(rep.loglik >= llref - 1e-9);
    /* lifetimes' test values (3 dp) */
    for (i = 0; i < 4; i++) {
        assert_close(est[i], CDNOW_M[i], 0.0, 2e-3 * (i == 1 ? 10.0 : 1.0));
        assert_true(rep.se[i] > 0.0 && isfinite(rep.se[i]));
    }
    cdnow_free(&d);
}

static void
test_bad_input(void **state)
{
    double x[2] = {1, 0}, tx[2] = {5, 0}, T[2] = {20, 30}, out[2], t = 5;
    double p[4];
    size_t ei = 0;
    (void)state;
    memcpy(p, CDNOW_M, sizeof p);
    assert_status(loy_mbgnbd_loglik(out, p, x, tx, T, NULL, 0, &ei),
                  LOY_EEMPTY);
    assert_status(loy_mbgnbd_palive(NULL, p, x, tx, T, 2, &ei), LOY_EINVAL);
    tx[0] = 21;
    assert_status(loy_mbgnbd_palive(out, p, x, tx, T, 2, &ei),
                  LOY_EINCONSISTENT);
    assert_true(ei == 0);
    tx[0] = 5;
    x[1] = 1.5;
    assert_status(loy_mbgnbd_expected(out, p, x, tx, T, 2, t, &ei),
                  LOY_ESCALE);
    assert_true(ei == 1);
    x[1] = 0;
    T[1] = (double)NAN;
    assert_status(loy_mbgnbd_loglik(out, p, x, tx, T, NULL, 2, &ei),
                  LOY_ENONFINITE);
    assert_true(ei == 1);
    T[1] = 30;
    p[3] = 0;
    assert_status(loy_mbgnbd_expected_new(out, p, &t, 1, &ei), LOY_EDOMAIN);
    assert_true(ei == 3);
    p[3] = CDNOW_M[3];
    assert_status(loy_mbgnbd_expected(out, p, x, tx, T, 2, -1, &ei),
                  LOY_EDOMAIN);
    t = (double)INFINITY;
    assert_status(loy_mbgnbd_expected(out, p, x, tx, T, 2, t, &ei),
                  LOY_ENONFINITE);
    t = -1;
    assert_status(loy_mbgnbd_expected_new(out, p, &t, 1, &ei), LOY_EDOMAIN);
    assert_true(ei == 0);
    assert_status(loy_mbgnbd_fit(p, x, tx, T, NULL, 0, NULL, NULL, &ei),
                  LOY_EEMPTY);
    T[0] = 0;
    assert_status(loy_mbgnbd_fit(p, x, tx, T, NULL, 2, NULL, NULL, &ei),
                  LOY_ESCALE);
    assert_true(ei == 0);
    /* a horizon so long that the series cannot converge: the mean over
     * p by quadrature takes over (it used to be LOY_ENOCONV) */
    {
        const double tt[2] = {10.0, 1e13};
        assert_ok(loy_mbgnbd_expected_new(out, p, tt, 2, &ei));
        assert_true(isfinite(out[1]) && out[1] > out[0]);
    }
}

/* fuzz_btyd: a tiny r with a denormal alpha gave P(alive) NaN with LOY_OK,
 * then LOY_ENOCONV (ln(1 + T/alpha) - ln(1 + t_x/alpha) is inf - inf);
 * ln((alpha + T)/(alpha + t_x)) in one piece gives the probability. */
static void
test_palive_denormal_alpha(void **state)
{
    const double p[4] = {2.3283064365386963e-10, 7.6361526494145755e-311,
                         0.78515625, 1.3600535106131261e-06};
    const double x = 204.0, tx = 119.13725490196079, T = 124.0;
    double pa = -1.0, u;
    (void)state;
    assert_ok(loy_mbgnbd_palive(&pa, p, &x, &tx, &T, 1, NULL));
    u = log(p[2]) - log(p[3] + x) + (p[0] + x) * log(T / tx);
    assert_close(pa, 1.0 / (1.0 + exp(u)), 1e-13, 0.0);
}

/*
 * P(alive) of a batch (the vector rows of bgnbd_palive.c) against a long
 * double evaluation of ln a - ln(b + x) + (r + x) ln((alpha + T)/(alpha +
 * t_x)), over ten decades of the parameters and of T, x = 0 included
 * (MBG/NBD customers can drop out before buying): within the rounding of
 * the double forms, ulps of u times u's size. The same rows from an odd
 * offset give the same bytes, and so does each vector path the CPU has.
 */
static void
test_palive_lanes(void **state)
{
    enum { N = 2051 };
    static double x[N], tx[N], T[N], pa[N], pb[N];
    double p[4], lab[LOY__BG_LAB_N], worst = 0.0;
    loy_test_rng s = {99};
    size_t i, k, r;
    unsigned paths = 0;
    (void)state;
    for (r = 0; r < 40; r++) {
        for (k = 0; k < 4; k++)
            p[k] = pow(10.0, -4.0 + 10.0 * loy_test_rng_uniform(&s));
        for (i = 0; i < N; i++) {
            double u1 = loy_test_rng_uniform(&s), u2 = loy_test_rng_uniform(&s);
            x[i] = floor(pow(10.0, 3.0 * u1)) - 1.0;
            T[i] = pow(10.0, -2.0 + 8.0 * u2);
            tx[i] = x[i] == 0.0 ? 0.0 : T[i] * (i % 7 == 0 ? 0.0 : u1);
        }
        assert_ok(loy_mbgnbd_palive(pa, p, x, tx, T, N, NULL));
        for (i = 0; i < N; i++) {
            long double u = logl((long double)p[2])
                            - logl((long double)p[3] + x[i])
                            + ((long double)p[0] + x[i])
                                  * log1pl(((long double)T[i] - tx[i])
                                           / ((long double)p[1] + tx[i]));
            double ref = (double)(1.0L / (1.0L + expl(u)));
            double err = fabs(pa[i] - ref);
            assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
            if (ref < 1e-290) {
                assert_true(err <= 1e-290);
                continue;
            }
            err /= ref * (1e-13 + 1e-15 * ((p[0] + x[i])
                                               * (fabs(log(p[1] + T[i]))
                                                  + 1.0)
                                           + fabs(log(p[2]))
                                           + fabs(log(p[3] + x[i]))));
            worst = fmax(worst, err);
        }
        assert_ok(loy_mbgnbd_palive(pb, p, x + 3, tx + 3, T + 3, N - 3,
                                    NULL));
        assert_memory_equal(pb, pa + 3, (N - 3) * sizeof *pb);
        /* every vector path this CPU has: the same bytes */
        loy__mbgnbd_lab_fill(p, lab);
        for (k = 0; k < 3; k++) {
            memset(pb, 0, sizeof pb);
            if (loy__bgnbd_palive_lanes((int)k, p, lab, x, tx, T, N, pb, 1)) {
                paths |= 1u << k;
                assert_memory_equal(pb, pa, sizeof pb);
            }
        }
    }
    print_message("vector paths compared (baseline, AVX2, AVX-512): "
                  "%u %u %u\n", paths & 1u, (paths >> 1) & 1u,
                  (paths >> 2) & 1u);
    assert_true((paths & 1u) != 0);
    print_message("largest difference from long double / bound: %.3g\n",
                  worst);
    assert_true(worst <= 1.0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ll_matches_quadrature),
        cmocka_unit_test(test_ll_closed_form_and_heavy),
        cmocka_unit_test(test_gradient_matches_fd),
        cmocka_unit_test(test_palive_and_cet),
        cmocka_unit_test(test_heavy_buyers),
        cmocka_unit_test(test_expected_new),
        cmocka_unit_test(test_a_equal_one),
        loy_data_test(test_fit_cdnow),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_palive_denormal_alpha),
        cmocka_unit_test(test_palive_lanes),
    };
    return loy_run_tests(tests);
}
