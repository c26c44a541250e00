/* SPDX-License-Identifier: MIT */
/*
 * test_optim.c - the optimiser (BFGS, Nelder-Mead fallback, Hessian, SPD
 * inverse), the maximum-likelihood driver loy__fit_ml and the pattern
 * compression, on problems with known solutions.
 */
#include "testutil.h"
#include "numeric/fitcore.h"
#include "numeric/optim.h"
#include "clv/patterns.h"
#include "numeric/specfun.h"

#include <stddef.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Objectives                                                          */
/* ------------------------------------------------------------------ */

/* Extended Rosenbrock; with ctx != NULL undefined (error) for x0 > 1.5 */
static int
rosenbrock(void *ctx, const double *x, size_t k, double *f, double *g)
{
    size_t i;
    if (ctx != NULL && x[0] > 1.5)
        return LOY_EDOMAIN;
    *f = 0.0;
    for (i = 0; g != NULL && i < k; i++)
        g[i] = 0.0;
    for (i = 0; i + 1 < k; i++) {
        double a = 1.0 - x[i], b = x[i + 1] - x[i] * x[i];
        *f += a * a + 100.0 * b * b;
        if (g != NULL) {
            g[i] += -2.0 * a - 400.0 * x[i] * b;
            g[i + 1] += 200.0 * b;
        }
    }
    return LOY_OK;
}

/* Rosenbrock returning NaN (with LOY_OK) where x0 + x1 > 2.5 */
static int
rosenbrock_nan(void *ctx, const double *x, size_t k, double *f, double *g)
{
    int rc = rosenbrock(ctx, x, k, f, g);
    if (x[0] + x[1] > 2.5)
        *f = (double)NAN;
    return rc;
}

/* f = 1/2 x'Ax - b'x with a fixed SPD A (3 x 3) */
static const double QA[9] = {4.0, 1.0, 0.5, 1.0, 3.0, -0.7, 0.5, -0.7, 2.0};
static const double QB[3] = {1.0, -2.0, 0.5};

static int
quadratic(void *ctx, const double *x, size_t k, double *f, double *g)
{
    size_t i, j;
    (void)ctx;
    *f = 0.0;
    for (i = 0; i < k; i++) {
        double ax = 0.0;
        for (j = 0; j < k; j++)
            ax += QA[i * k + j] * x[j];
        *f += 0.5 * x[i] * ax - QB[i] * x[i];
        if (g != NULL)
            g[i] = ax - QB[i];
    }
    return LOY_OK;
}

/* (x-3)^2 with a wrong gradient (never zero near the minimum) */
static int
bad_gradient(void *ctx, const double *x, size_t k, double *f, double *g)
{
    (void)ctx;
    (void)k;
    *f = (x[0] - 3.0) * (x[0] - 3.0);
    if (g != NULL)
        g[0] = -2.0 * (x[0] - 3.0) + 1.0;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* loy__minimize                                                       */
/* ------------------------------------------------------------------ */

static void
test_rosenbrock(void **state)
{
    double x[10] = {-1.2, 1.0};
    loy__optim_report rep;
    size_t i;
    (void)state;
    assert_ok(loy__minimize(rosenbrock, NULL, x, 2, NULL, &rep));
    assert_close(x[0], 1.0, 0, 1e-9);
    assert_close(x[1], 1.0, 0, 2e-9);
    assert_true(rep.grad_norm <= 1e-9 && rep.f < 1e-18);
    assert_true(rep.iterations > 5 && rep.evaluations >= rep.iterations);
    /* 10 dimensions */
    for (i = 0; i < 10; i++)
        x[i] = i % 2 ? 1.0 : -1.2;
    assert_ok(loy__minimize(rosenbrock, NULL, x, 10, NULL, &rep));
    for (i = 0; i < 10; i++)
        assert_close(x[i], 1.0, 0, 1e-8);
}

/* ln(1 + e^-x): falls ever more slowly towards x = +inf, as a likelihood
 * does on its way to a limit of its family */
static int
softplus_down(void *ctx, const double *x, size_t k, double *f, double *g)
{
    double e = exp(-x[0]);
    (void)ctx;
    (void)k;
    *f = log1p(e);
    if (g != NULL)
        g[0] = -e / (1.0 + e);
    return LOY_OK;
}

static void
test_walk_stop(void **state)
{
    static const double ref[1] = {0.0};
    loy__optim_options o;
    loy__optim_report rep;
    double x[1] = {0.0};
    (void)state;
    memset(&o, 0, sizeof o);
    /* without the stop: converges (gtol 1e-9) far out */
    assert_ok(loy__minimize(softplus_down, NULL, x, 1, &o, &rep));
    assert_true(x[0] > 19.0);
    assert_int_equal(rep.cap, LOY__OPTIM_CAP_NONE);
    /* with it: the first step that goes on beyond max_move ends the
     * walk, well before the 2 max_move backstop */
    o.max_move = 3.0;
    o.ref = ref;
    x[0] = 0.0;
    assert_status(loy__minimize(softplus_down, NULL, x, 1, &o, &rep),
                  LOY_ENOCONV);
    assert_int_equal(rep.cap, LOY__OPTIM_CAP_MOVE);
    assert_true(x[0] > 3.0 && x[0] < 6.0);
    /* a start already beyond 2 max_move stops at once */
    x[0] = 7.0;
    assert_status(loy__minimize(softplus_down, NULL, x, 1, &o, &rep),
                  LOY_ENOCONV);
    assert_int_equal(rep.cap, LOY__OPTIM_CAP_MOVE);
    assert_int_equal(rep.evaluations, 1);
}

static void
test_unusable_points(void **state)
{
    int flag = 1;
    double x[2] = {-1.2, 1.0};
    loy__optim_report rep;
    (void)state;
    /* error codes beyond x0 = 1.5: the line search backs off */
    assert_ok(loy__minimize(rosenbrock, &flag, x, 2, NULL, &rep));
    assert_close(x[0], 1.0, 0, 1e-9);
    /* NaN values with LOY_OK */
    x[0] = -1.2;
    x[1] = 1.0;
    assert_ok(loy__minimize(rosenbrock_nan, NULL, x, 2, NULL, &rep));
    assert_close(x[1], 1.0, 0, 2e-9);
    /* an unusable start point is the objective's error */
    x[0] = 2.0;
    assert_status(loy__minimize(rosenbrock, &flag, x, 2, NULL, &rep),
                  LOY_EDOMAIN);
    x[0] = 2.0;
    x[1] = 2.0;
    assert_status(loy__minimize(rosenbrock_nan, NULL, x, 2, NULL, &rep),
                  LOY_EDOMAIN);
}

static void
test_iteration_cap(void **state)
{
    double x[2] = {-1.2, 1.0}, f0, f1;
    loy__optim_options o = {1, 0.0, 0, 0.0, NULL};
    loy__optim_report rep;
    (void)state;
    rosenbrock(NULL, x, 2, &f0, NULL);
    assert_status(loy__minimize(rosenbrock, NULL, x, 2, &o, &rep),
                  LOY_ENOCONV);
    rosenbrock(NULL, x, 2, &f1, NULL);
    assert_true(f1 < f0);
    assert_close(rep.f, f1, 0, 0);
    assert_int_equal(rep.iterations, 1);
    /* a loose gtol stops early */
    x[0] = -1.2;
    x[1] = 1.0;
    o.max_iter = 0;
    o.gtol = 1e-2;
    assert_ok(loy__minimize(rosenbrock, NULL, x, 2, &o, &rep));
    assert_true(rep.grad_norm <= 1e-2 && rep.grad_norm > 1e-9);
}

static void
test_nelder_mead_fallback(void **state)
{
    double x[1] = {0.0};
    loy__optim_report rep;
    (void)state;
    /* the gradient lies: convergence cannot be certified, but the
     * Nelder-Mead restarts still move to the minimum */
    assert_status(loy__minimize(bad_gradient, NULL, x, 1, NULL, &rep),
                  LOY_ENOCONV);
    assert_close(x[0], 3.0, 0, 1e-3);
    assert_true(rep.f < 1e-6);
}

static void
test_minimize_bad_args(void **state)
{
    double x[20] = {0};
    (void)state;
    assert_status(loy__minimize(NULL, NULL, x, 2, NULL, NULL), LOY_EINVAL);
    assert_status(loy__minimize(rosenbrock, NULL, NULL, 2, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy__minimize(rosenbrock, NULL, x, 0, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy__minimize(rosenbrock, NULL, x, LOY__OPTIM_MAX_K + 1,
                                NULL, NULL),
                  LOY_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Hessian and SPD inverse                                             */
/* ------------------------------------------------------------------ */

static void
test_quadratic_hessian(void **state)
{
    double x[3] = {0.3, 0.1, -5.0}, H[9], Hi[9];
    size_t i, j, m;
    (void)state;
    assert_ok(loy__minimize(quadratic, NULL, x, 3, NULL, NULL));
    assert_ok(loy__spd_inverse(QA, 3, Hi));
    for (i = 0; i < 3; i++) {
        double xi = 0.0;
        for (j = 0; j < 3; j++)
            xi += Hi[i * 3 + j] * QB[j];
        assert_close(x[i], xi, 1e-9, 1e-10);
    }
    /* A^-1 A = I */
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            double s = 0.0;
            for (m = 0; m < 3; m++)
                s += Hi[i * 3 + m] * QA[m * 3 + j];
            assert_close(s, i == j ? 1.0 : 0.0, 0, 1e-14);
        }
    assert_ok(loy__hessian(quadratic, NULL, x, 3, H));
    for (i = 0; i < 9; i++)
        assert_close(H[i], QA[i], 1e-9, 1e-9);
    /* Rosenbrock at (1, 1): [[802, -400], [-400, 200]] */
    x[0] = x[1] = 1.0;
    assert_ok(loy__hessian(rosenbrock, NULL, x, 2, H));
    assert_close(H[0], 802.0, 1e-9, 0);
    assert_close(H[1], -400.0, 1e-9, 0);
    assert_close(H[2], H[1], 0, 0);
    assert_close(H[3], 200.0, 1e-9, 0);
}

static void
test_spd_inverse_rejects(void **state)
{
    const double indef[4] = {1.0, 2.0, 2.0, 1.0};
    const double sing[4] = {1.0, 1.0, 1.0, 1.0};
    const double asym[4] = {2.0, 1.0, 0.0, 2.0};
    const double one[1] = {4.0};
    double out[4];
    (void)state;
    assert_status(loy__spd_inverse(indef, 2, out), LOY_EDEGENERATE);
    assert_status(loy__spd_inverse(sing, 2, out), LOY_EDEGENERATE);
    assert_status(loy__spd_inverse(asym, 2, out), LOY_EDEGENERATE);
    assert_status(loy__spd_inverse(NULL, 2, out), LOY_EINVAL);
    assert_ok(loy__spd_inverse(one, 1, out));
    assert_close(out[0], 0.25, 0, 0);
    assert_status(loy__hessian(NULL, NULL, one, 1, out), LOY_EINVAL);
}

/* ------------------------------------------------------------------ */
/* loy__fit_ml on a Poisson model with a closed-form MLE               */
/* ------------------------------------------------------------------ */

/*
 * Rows (y1, y2, w): y1 ~ Poisson(p1), y2 ~ Poisson(p1 p2). MLE
 * p1 = m1, p2 = m2/m1 (weighted means); the observed information gives
 * Var p1 = m1/W, Var p2 = p2^2 (1/(W m1) + 1/(W m2)), Cov = -p2/W.
 */
typedef struct pois_data {
    const double *y1, *y2, *w;
    size_t n;
    double fail_above; /* likelihood error when p1 exceeds this */
    int product_only;  /* likelihood of y2 only: p1, p2 not identified */
} pois_data;

static int
pois_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const pois_data *d = ctx;
    double p1 = p[0], p2 = k > 1 ? p[1] : 1.0, mu2 = p1 * p2;
    double s = 0.0, g1 = 0.0, g2 = 0.0;
    size_t i;
    if (p1 > d->fail_above)
        return LOY_EDOMAIN;
    for (i = 0; i < d->n; i++) {
        double w = d->w[i], y1 = d->y1[i], y2 = d->y2[i];
        double l2 = y2 * log(mu2) - mu2 - loy__lgamma(y2 + 1.0);
        if (d->product_only) {
            s += w * l2;
            g1 += w * (y2 - mu2);
            continue;
        }
        s += w * (y1 * log(p1) - p1 - loy__lgamma(y1 + 1.0));
        g1 += w * (y1 - p1);
        if (k > 1) {
            s += w * l2;
            g1 += w * (y2 - mu2);
            g2 += w * (y2 - mu2);
        }
    }
    *ll = s;
    if (g != NULL) {
        g[0] = g1;
        if (k > 1)
            g[1] = d->product_only ? g1 : g2;
    }
    return LOY_OK;
}

static const double PY1[] = {0, 1, 2, 3, 5, 8};
static const double PY2[] = {1, 0, 4, 2, 7, 3};
static const double PW[] = {3.0, 10.5, 4.0, 2.0, 0.5, 1.0};

static pois_data
pois_setup(void)
{
    pois_data d = {PY1, PY2, PW, 6, 1e300, 0};
    return d;
}

static void
pois_moments(double *m1, double *m2, double *W)
{
    size_t i;
    *m1 = *m2 = *W = 0.0;
    for (i = 0; i < 6; i++) {
        *W += PW[i];
        *m1 += PW[i] * PY1[i];
        *m2 += PW[i] * PY2[i];
    }
    *m1 /= *W;
    *m2 /= *W;
}

static loy__fit_problem
pois_problem(pois_data *d, size_t k)
{
    static const double start[2] = {1.0, 1.0};
    double m1, m2, W;
    loy__fit_problem prob;
    memset(&prob, 0, sizeof prob); /* fields added later stay zero (no limits) */
    pois_moments(&m1, &m2, &W);
    prob.loglik = pois_loglik;
    prob.ctx = d;
    prob.k = k;
    prob.total_weight = W;
    prob.n_rows = d->n;
    prob.default_start = start;
    return prob;
}

/*
 * An interior maximum beyond the walk stop (a mean of 10/3 from a default
 * start of 1e-7): the walk is stopped, the one limit listed (p1 fixed at
 * 1, worse) is not taken, and the fit carries on to the maximum.
 */
static void
test_fit_ml_far_interior(void **state)
{
    static const double y1[] = {2.0, 3.0, 5.0}, start[1] = {1e-7};
    static const double w[] = {1.0, 1.0, 1.0};
    pois_data d = {y1, y1, w, 3, 1e300, 0};
    loy__fit_problem prob = pois_problem(&d, 1);
    loy__fit_limit lim;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p;
    (void)state;
    memset(&lim, 0, sizeof lim);
    lim.limit = LOY_LIMIT_NO_DROPOUT; /* any bit: the test only names it */
    prob.total_weight = 3.0;
    prob.default_start = start;
    prob.limits = &lim;
    prob.n_limits = 1;
    assert_ok(loy__fit_ml(&prob, NULL, &p, &rep));
    assert_close(p, 10.0 / 3.0, 1e-9, 0);
    assert_int_equal(rep.flags & LOY_FIT_REPORT_LIMIT, 0);
    assert_int_equal(rep.limit, 0);
    assert_int_equal(rep.n_reduced, 0);
    assert_true(rep.se[0] > 0.0);
}

static void
test_fit_ml_poisson(void **state)
{
    pois_data d = pois_setup();
    loy__fit_problem prob = pois_problem(&d, 2);
    loy_fit_report rep;
    double p[2], m1, m2, W, ll, p2;
    (void)state;
    pois_moments(&m1, &m2, &W);
    p2 = m2 / m1;
    loy_fit_report_init(&rep);
    assert_ok(loy__fit_ml(&prob, NULL, p, &rep));
    assert_close(p[0], m1, 1e-10, 0);
    assert_close(p[1], p2, 1e-10, 0);
    assert_int_equal(rep.status, LOY_OK);
    assert_int_equal(rep.n_params, 2);
    assert_close(rep.params[0], p[0], 0, 0);
    assert_close(rep.se[0], sqrt(m1 / W), 1e-7, 0);
    assert_close(rep.se[1], p2 * sqrt(1.0 / (W * m1) + 1.0 / (W * m2)), 1e-7,
                 0);
    assert_close(rep.cov[1], -p2 / W, 1e-7, 0);
    assert_close(rep.cov[2], rep.cov[1], 0, 0);
    assert_close(rep.cov[3], rep.se[1] * rep.se[1], 1e-12, 0);
    assert_true(isnan(rep.cov[4]) && isnan(rep.se[2]) && isnan(rep.params[3]));
    pois_loglik(&d, p, 2, &ll, NULL);
    assert_close(rep.loglik, ll, 0, 0);
    assert_true(rep.grad_norm <= 1e-9);
    assert_close(rep.n_customers, W, 0, 0);
    assert_int_equal(rep.n_rows, 6);
    assert_true(rep.iterations > 0 && rep.evaluations > rep.iterations);
}

static void
test_fit_ml_penalty(void **state)
{
    pois_data d = pois_setup();
    loy__fit_problem prob = pois_problem(&d, 1);
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p, m1, m2, W, ll, lam;
    (void)state;
    (void)m2;
    pois_moments(&m1, &m2, &W);
    /* min -m1 ln l + l + pen l^2: 2 pen l^2 + l - m1 = 0 */
    o.penalty = 0.3;
    lam = (-1.0 + sqrt(1.0 + 8.0 * o.penalty * m1)) / (4.0 * o.penalty);
    assert_ok(loy__fit_ml(&prob, &o, &p, &rep));
    assert_close(p, lam, 1e-10, 0);
    /* the report's loglik is unpenalised */
    pois_loglik(&d, &p, 1, &ll, NULL);
    assert_close(rep.loglik, ll, 0, 0);
    /* gtol is honoured */
    o.penalty = 0.0;
    o.gtol = 1e-3;
    o.start = &lam;
    assert_ok(loy__fit_ml(&prob, &o, &p, &rep));
    assert_true(rep.grad_norm <= 1e-3);
}

static void
test_fit_ml_options(void **state)
{
    pois_data d = pois_setup();
    loy__fit_problem prob = pois_problem(&d, 2);
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double p[2] = {-1.0, -1.0}, bad[2] = {1.0, 0.0};
    (void)state;
    o.flags = 0x80u;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.flags = LOY_FIT_COMPRESS | LOY_FIT_NO_COMPRESS;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.flags = 0;
    o.penalty = -1.0;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.penalty = (double)NAN;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.penalty = 0.0;
    o.gtol = -1e-9;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.gtol = (double)INFINITY;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.gtol = 0.0;
    o.start = bad;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    bad[1] = (double)NAN;
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    o.start = NULL;
    o.struct_size = LOY__FIT_OPTIONS_V1_SIZE - 1; /* below the 1.0 size */
    assert_status(loy__fit_ml(&prob, &o, p, NULL), LOY_EINVAL);
    assert_true(p[0] == -1.0 && p[1] == -1.0); /* untouched */
    assert_status(loy__fit_ml(NULL, NULL, p, NULL), LOY_EINVAL);
    assert_status(loy__fit_ml(&prob, NULL, NULL, NULL), LOY_EINVAL);
    prob.total_weight = 0.0;
    assert_status(loy__fit_ml(&prob, NULL, p, NULL), LOY_EINVAL);
}

/* Option and report structs from a newer header: extra bytes untouched */
static void
test_fit_ml_struct_size(void **state)
{
    pois_data d = pois_setup();
    loy__fit_problem prob = pois_problem(&d, 2);
    union {
        loy_fit_options o;
        unsigned char raw[sizeof(loy_fit_options) + 32];
    } big_o;
    union {
        loy_fit_report r;
        unsigned char raw[sizeof(loy_fit_report) + 32];
    } big_r;
    loy_fit_report small;
    double p[2];
    size_t i;
    (void)state;
    memset(&big_o, 0x7f, sizeof big_o); /* garbage in unknown fields */
    loy_fit_options_init(&big_o.o);
    big_o.o.struct_size = sizeof big_o;
    memset(&big_r, 0xa5, sizeof big_r);
    big_r.r.struct_size = sizeof big_r;
    assert_ok(loy__fit_ml(&prob, &big_o.o, p, &big_r.r));
    assert_int_equal(big_r.r.struct_size, sizeof big_r);
    assert_int_equal(big_r.r.n_params, 2);
    for (i = sizeof(loy_fit_report); i < sizeof big_r; i++)
        assert_int_equal(big_r.raw[i], 0xa5);
    /* a report smaller than the first released layout is rejected */
    loy_fit_report_init(&small);
    small.struct_size = offsetof(loy_fit_report, loglik);
    assert_status(loy__fit_ml(&prob, NULL, p, &small), LOY_EINVAL);
}

static void
test_fit_ml_failures(void **state)
{
    pois_data d = pois_setup();
    loy__fit_problem prob = pois_problem(&d, 2);
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p[2], start[2] = {50.0, 0.01}, m1, m2, W;
    (void)state;
    pois_moments(&m1, &m2, &W);
    /* iteration cap: LOY_ENOCONV with the best point written */
    o.max_iter = 1;
    o.start = start;
    assert_status(loy__fit_ml(&prob, &o, p, &rep), LOY_ENOCONV);
    assert_int_equal(rep.status, LOY_ENOCONV);
    assert_true(loy__finite(p[0]) && p[0] > 0.0 && p[0] == rep.params[0]);
    assert_true(rep.grad_norm > 1e-9 && loy__finite(rep.loglik));
    /* the likelihood's error at the start point */
    d.fail_above = 10.0;
    o.max_iter = 0;
    assert_status(loy__fit_ml(&prob, &o, p, &rep), LOY_EDOMAIN);
    /* ... but failures away from the start are stepped around */
    d.fail_above = 2.0;
    assert_ok(loy__fit_ml(&prob, NULL, p, &rep));
    assert_close(p[0], m1, 1e-10, 0);
    /* NO_SE */
    d.fail_above = 1e300;
    o.flags = LOY_FIT_NO_SE;
    o.start = NULL;
    assert_ok(loy__fit_ml(&prob, &o, p, &rep));
    assert_true(isnan(rep.se[0]) && isnan(rep.cov[0]) && rep.params[0] > 0);
    /* a likelihood that only identifies p1 p2: singular Hessian, NaN SEs */
    d.product_only = 1;
    assert_ok(loy__fit_ml(&prob, NULL, p, &rep));
    assert_close(p[0] * p[1], m2, 1e-9, 0);
    assert_true(isnan(rep.se[0]) && isnan(rep.se[1]));
}

static void
test_numgrad(void **state)
{
    pois_data d = pois_setup();
    double p[2] = {0.7, 2.5}, ga[2], gn[2], ll;
    (void)state;
    assert_ok(pois_loglik(&d, p, 2, &ll, ga));
    assert_ok(loy__loglik_numgrad(pois_loglik, &d, p, 2, gn));
    assert_close(gn[0], ga[0], 1e-10, 1e-10);
    assert_close(gn[1], ga[1], 1e-10, 1e-10);
    d.fail_above = 0.7;
    assert_status(loy__loglik_numgrad(pois_loglik, &d, p, 2, gn),
                  LOY_EDOMAIN);
    assert_status(loy__loglik_numgrad(NULL, &d, p, 2, gn), LOY_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Patterns                                                            */
/* ------------------------------------------------------------------ */

static void
test_patterns(void **state)
{
    const double x[] = {2, 0, 2, 1, 0, 2, 1, 2};
    const double tx[] = {5, 0, 5, 3, 0, 4, 3, 5};
    const double T[] = {9, 9, 9, 9, 8, 9, 9, 9};
    const double w[] = {0.1, 1.0, 0.2, 0.0, 2.0, 1.0, 0.3, 0.7};
    loy__patterns p;
    (void)state;
    assert_ok(loy__patterns_build(&p, x, tx, T, NULL, 8));
    /* (0,0,8) (0,0,9) (1,3,9) (2,4,9) (2,5,9) */
    assert_int_equal(p.n, 5);
    assert_close(p.T[0], 8.0, 0, 0);
    assert_close(p.w[1], 1.0, 0, 0);
    assert_close(p.w[2], 2.0, 0, 0);
    assert_close(p.tx[3], 4.0, 0, 0);
    assert_close(p.w[4], 3.0, 0, 0);
    loy__patterns_free(&p);
    loy__patterns_free(&p); /* safe twice */
    assert_ok(loy__patterns_build(&p, x, tx, T, w, 8));
    assert_int_equal(p.n, 5);
    assert_close(p.w[2], 0.3, 1e-15, 0); /* the zero weight dropped */
    assert_close(p.w[4], 1.0, 0, 0);     /* 0.1 + 0.2 + 0.7 summed exactly */
    loy__patterns_free(&p);
    assert_ok(loy__patterns_build(&p, x, tx, T, NULL, 0));
    assert_int_equal(p.n, 0);
    loy__patterns_free(&p);
    assert_status(loy__patterns_build(NULL, x, tx, T, NULL, 8), LOY_EINVAL);
    loy__patterns_free(NULL);
}

static void
test_patterns_large(void **state)
{
    enum { N = 20000 };
    static double x[N], tx[N], T[N], w[N];
    loy_test_rng rng = {7};
    loy__patterns p;
    loy__ksum tot = {0.0, 0.0}, got = {0.0, 0.0};
    size_t i;
    (void)state;
    for (i = 0; i < N; i++) {
        x[i] = (double)(loy_test_rng_next(&rng) % 5);
        tx[i] = x[i] > 0 ? (double)(loy_test_rng_next(&rng) % 4) : 0.0;
        T[i] = 10.0;
        w[i] = loy_test_rng_uniform(&rng);
        loy__ksum_add(&tot, w[i]);
    }
    assert_true(loy__patterns_worth_it(x, tx, T, N));
    assert_ok(loy__patterns_build(&p, x, tx, T, w, N));
    assert_int_equal(p.n, 17);
    for (i = 0; i < p.n; i++) {
        loy__ksum_add(&got, p.w[i]);
        if (i > 0)
            assert_true(p.x[i - 1] < p.x[i]
                        || (p.x[i - 1] == p.x[i] && p.tx[i - 1] < p.tx[i]));
    }
    assert_close(loy__ksum_value(&got), loy__ksum_value(&tot), 1e-15, 0);
    loy__patterns_free(&p);
    /* all distinct, or too few rows: not worth it */
    for (i = 0; i < N; i++)
        T[i] = 10.0 + (double)i;
    assert_false(loy__patterns_worth_it(x, tx, T, N));
    assert_false(loy__patterns_worth_it(x, tx, T, 10));
}

/*
 * Rows that repeat without the sample showing it: 300,000 rows over
 * 75,000 keys (4 rows each, in random order) hold almost no repeated key
 * among a few thousand sampled rows, but their pairs of equal keys give
 * the number of patterns away; all-distinct rows give none.
 */
static void
test_patterns_worth_it_sparse(void **state)
{
    enum { N = 300000, KEYS = 75000 };
    static double x[N], tx[N], T[N];
    loy_test_rng rng = {11};
    size_t i;
    (void)state;
    for (i = 0; i < N; i++) {
        uint64_t key = loy_test_rng_next(&rng) % KEYS;
        x[i] = (double)(key % 50);
        tx[i] = (double)(key / 50);
        T[i] = 2000.0;
    }
    assert_true(loy__patterns_worth_it(x, tx, T, N));
    for (i = 0; i < N; i++)
        T[i] = 2000.0 + (double)i;
    assert_false(loy__patterns_worth_it(x, tx, T, N));
}

/* ------------------------------------------------------------------ */
/* The precision target: BG/NBD on CDNOW                               */
/* ------------------------------------------------------------------ */

/*
 * BG/NBD log-likelihood (MODELS 6.1) over patterns, with its analytic
 * gradient w.r.t. ln(r, alpha, a, b). With A = r ln alpha -
 * (r+x) ln(alpha+T) and B = r ln alpha - (r+x) ln(alpha+t_x) + ln a -
 * ln(b+x-1): ln L = D1 + A (x = 0) or D1 + LSE(A, B).
 */
static int
bgnbd_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const loy__patterns *pt = ctx;
    double r = p[0], al = p[1], a = p[2], b = p[3], d[4] = {0, 0, 0, 0};
    loy__ksum s = {0.0, 0.0};
    size_t i;
    (void)k;
    for (i = 0; i < pt->n; i++) {
        double x = pt->x[i], w = pt->w[i];
        double lT = log(al + pt->T[i]), lt = log(al + pt->tx[i]);
        double A = r * log(al) - (r + x) * lT, B, wa = 1.0, l;
        double d1 = loy__lgamma(r + x) - loy__lgamma(r) + loy__lgamma(a + b)
                    + loy__lgamma(b + x) - loy__lgamma(b)
                    - loy__lgamma(a + b + x);
        l = d1 + A;
        if (x > 0) {
            B = r * log(al) - (r + x) * lt + log(a) - log(b + x - 1.0);
            l = d1 + loy__lse(A, B);
            wa = loy__expit_neg(B - A);
        }
        loy__ksum_add(&s, w * l);
        if (g == NULL)
            continue;
        d[0] += w * (loy__digamma(r + x) - loy__digamma(r) + log(al)
                     - wa * lT - (1.0 - wa) * lt);
        d[1] += w * (r / al - wa * (r + x) / (al + pt->T[i])
                     - (1.0 - wa) * (r + x) / (al + pt->tx[i]));
        d[2] += w * (loy__digamma(a + b) - loy__digamma(a + b + x)
                     + (1.0 - wa) / a);
        d[3] += w * (loy__digamma(a + b) + loy__digamma(b + x)
                     - loy__digamma(b) - loy__digamma(a + b + x)
                     - (x > 0 ? (1.0 - wa) / (b + x - 1.0) : 0.0));
    }
    *ll = loy__ksum_value(&s);
    if (g != NULL) {
        g[0] = d[0] * r;
        g[1] = d[1] * al;
        g[2] = d[2] * a;
        g[3] = d[3] * b;
    }
    return LOY_OK;
}

static int
load_cdnow(loy__patterns *pt)
{
    enum { MAXN = 3000 };
    static double x[MAXN], tx[MAXN], T[MAXN];
    char path[4096], line[256];
    size_t n = 0;
    FILE *f;
    if (loy_test_data_path("cdnow/cdnow_customers_summary.csv", path,
                           sizeof path) == NULL)
        return 0;
    f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
        if (f != NULL)
            fclose(f);
        return 0;
    }
    while (n < MAXN && fgets(line, sizeof line, f) != NULL) {
        int id;
        if (sscanf(line, "%d,%lf,%lf,%lf", &id, &x[n], &tx[n], &T[n]) == 4)
            n++;
    }
    fclose(f);
    assert_int_equal(n, 2357);
    assert_ok(loy__patterns_build(pt, x, tx, T, NULL, n));
    return 1;
}

static void
test_fit_bgnbd_cdnow(void **state)
{
    static const double published[4] = {0.243, 4.414, 0.793, 2.426};
    static const double start2[4] = {0.1, 10.0, 2.0, 0.5};
    loy__patterns pt;
    loy__fit_problem prob;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report r1 = LOY_FIT_REPORT_INIT, r2 = LOY_FIT_REPORT_INIT;
    double p1[4], p2[4], g[4], gn[4], llpub;
    size_t j;
    (void)state;
    if (!load_cdnow(&pt))
        skip();
    memset(&prob, 0, sizeof prob);
    prob.loglik = bgnbd_loglik;
    prob.ctx = &pt;
    prob.k = 4;
    prob.total_weight = 2357.0;
    prob.n_rows = pt.n;
    prob.default_start = (const double[4]){1.0, 3.0, 1.0, 3.0};
    /* the analytic gradient of this test agrees with numgrad */
    assert_ok(bgnbd_loglik(&pt, published, 4, &llpub, g));
    assert_ok(loy__loglik_numgrad(bgnbd_loglik, &pt, published, 4, gn));
    for (j = 0; j < 4; j++)
        assert_close(gn[j], g[j], 1e-8, 1e-8);
    assert_close(llpub, -9582.4, 0, 0.05);
    assert_ok(loy__fit_ml(&prob, NULL, p1, &r1));
    o.start = start2;
    assert_ok(loy__fit_ml(&prob, &o, p2, &r2));
    assert_true(r1.grad_norm <= 1e-9 && r2.grad_norm <= 1e-9);
    /* two starts agree: a sharp optimum */
    assert_close(r1.loglik, r2.loglik, 1e-12, 0);
    for (j = 0; j < 4; j++) {
        assert_close(p1[j], published[j], 0, 6e-4 * published[j] + 5e-4);
        assert_close(p1[j], p2[j], 1e-6, 0);
        assert_true(r1.se[j] > 0.0 && r1.se[j] < p1[j]);
    }
    assert_true(r1.loglik >= llpub);
    assert_close(r1.loglik, -9582.4, 0, 0.05);
    loy__patterns_free(&pt);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rosenbrock),
        cmocka_unit_test(test_unusable_points),
        cmocka_unit_test(test_walk_stop),
        cmocka_unit_test(test_iteration_cap),
        cmocka_unit_test(test_nelder_mead_fallback),
        cmocka_unit_test(test_minimize_bad_args),
        cmocka_unit_test(test_quadratic_hessian),
        cmocka_unit_test(test_spd_inverse_rejects),
        cmocka_unit_test(test_fit_ml_poisson),
        cmocka_unit_test(test_fit_ml_far_interior),
        cmocka_unit_test(test_fit_ml_penalty),
        cmocka_unit_test(test_fit_ml_options),
        cmocka_unit_test(test_fit_ml_struct_size),
        cmocka_unit_test(test_fit_ml_failures),
        cmocka_unit_test(test_numgrad),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_patterns_large),
        cmocka_unit_test(test_patterns_worth_it_sparse),
        loy_data_test(test_fit_bgnbd_cdnow),
    };
    return loy_run_tests(tests);
}
