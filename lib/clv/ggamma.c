/* SPDX-License-Identifier: MIT */
/*
 * ggamma.c - the Gamma-Gamma spend model (Fader, Hardie & Lee 2005 JMR;
 * MODELS.md 6.5): ML fit on customers with x >= 1 repeat transactions and
 * mean repeat value m_x > 0, conditional expected spend, population mean,
 * and the x / m_x correlation behind the independence assumption.
 */
#include "clv/bgnbd_internal.h"

#include "numeric/fitcore.h"
#include "numeric/parallel.h"
#include "numeric/specfun.h"
#include "clv/limits.h"

#include <stdlib.h>

/* x a whole number >= 1 (>= 0 when allow_zero), m finite and > 0 when x >= 1. */
static int
gg_check_row(double x, double m, double w, int allow_zero)
{
    if (!loy__finite(x) || !loy__finite(m) || !loy__finite(w))
        return LOY_ENONFINITE;
    if (x != floor(x) || x < (allow_zero ? 0.0 : 1.0) || w < 0.0)
        return LOY_ESCALE;
    if (x >= 1.0 && !(m > 0.0))
        return LOY_ESCALE;
    return LOY_OK;
}

/* (p, q, gamma): finite and > 0. */
static int
gg_check_params(const double *params, size_t *err_index)
{
    size_t i;
    for (i = 0; i < 3; i++) {
        int rc = !loy__finite(params[i]) ? LOY_ENONFINITE
                 : !(params[i] > 0.0)    ? LOY_EDOMAIN
                                         : LOY_OK;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    return LOY_OK;
}

static int
gg_check(const double *params, const double *x, const double *m,
         const double *w, size_t n, int allow_zero, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(x != NULL && m != NULL, LOY_EINVAL);
    if (params != NULL)
        LOY__TRY(gg_check_params(params, err_index));
    for (i = 0; i < n; i++) {
        int rc = gg_check_row(x[i], m[i], w != NULL ? w[i] : 1.0, allow_zero);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    return LOY_OK;
}

/*
 * ln f(m | p, q, gamma, x) and optionally its gradient in (p, q, gamma):
 *   lnG(px+q) - lnG(px) - lnG(q) - ln m - px ln(1 + gamma/(x m))
 *   - q ln(1 + x m/gamma),
 * with the gamma-function part written around the larger of px and q
 * (lnG(y+d) - lnG(y) = d ln y + [the scaled difference]) and its d ln y
 * merged with the log1p term of the same size: no term of the size of
 * q (p) is left when q and gamma (p and 1/gamma) run to infinity together,
 * the limits of a homogeneous spend scale (of a constant spend per
 * customer).
 */
/* The parts of gg_row that depend on x only (and the parameters), so that
 * a batch computes them once per distinct x: the same operations, the
 * same values. */
typedef struct gg_xt {
    double a;      /* lnG(px+q) - lnG(px) - lnG(q) less d ln y (see above) */
    double lpq;    /* ln px when px >= q, else ln q */
    double d0, d1; /* psi(px+q) - psi(px), psi(px+q) - psi(q) (gradient) */
    int big;       /* px >= q */
} gg_xt;

static void
gg_xterms(const double *prm, double x, int grad, gg_xt *t)
{
    double p = prm[0], q = prm[1], px = p * x;
    t->big = px >= q;
    if (t->big) {
        t->a = loy__lgamma_diff_scaled(px, q) - loy__lgamma(q);
        t->lpq = log(px);
    } else {
        t->a = loy__lgamma_diff_scaled(q, px) - loy__lgamma(px);
        t->lpq = log(q);
    }
    t->d0 = t->d1 = 0.0;
    if (grad) {
        double psq = loy__digamma(px + q);
        t->d0 = psq - loy__digamma(px);
        t->d1 = psq - loy__digamma(q);
    }
}

static double
gg_row_x(const double *prm, const gg_xt *t, double x, double m, double *g)
{
    double p = prm[0], q = prm[1], gm = prm[2], px = p * x, xm = x * m;
    double l_gm = log1p(gm / xm), l_xm = log1p(xm / gm), ll;
    if (t->big)
        ll = t->a + q * (t->lpq - l_xm) - px * l_gm;
    else
        ll = t->a + px * (t->lpq - l_gm) - q * l_xm;
    ll -= log(m);
    if (g != NULL) {
        g[0] = x * (t->d0 - l_gm);
        g[1] = t->d1 - l_xm;
        g[2] = ((q / gm) * xm - px) / (gm + xm);
    }
    return ll;
}

double
loy__ggamma_loglik1(const double *prm, double x, double m, double *g)
{
    gg_xt t;
    gg_xterms(prm, x, g != NULL, &t);
    return gg_row_x(prm, &t, x, m, g);
}

/* Largest x of a batch's table of per-x terms (larger x: per row), and
 * the fewest rows worth one outside a fit. */
#define GG_XCAP 4096u
#define GG_TAB_MIN_N 2048u

/* The largest x up to GG_XCAP among rows of nonzero weight (0: none). */
static size_t
gg_table_xmax(const double *x, const double *w, size_t n)
{
    size_t i, top = 0;
    for (i = 0; i < n; i++)
        if ((w == NULL || w[i] != 0.0) && x[i] > (double)top
            && x[i] <= (double)GG_XCAP)
            top = (size_t)x[i];
    return top;
}

static void
gg_table_fill(const double *prm, size_t xmax, int grad, gg_xt *tab)
{
    size_t j;
    for (j = 1; j <= xmax; j++)
        gg_xterms(prm, (double)j, grad, &tab[j]);
}

/* The per-x terms of a row: from tab when x <= xmax, else into *own. */
static const gg_xt *
gg_terms(const double *prm, const gg_xt *tab, size_t xmax, double x,
         int grad, gg_xt *own)
{
    if (tab != NULL && x <= (double)xmax)
        return &tab[(size_t)x];
    gg_xterms(prm, x, grad, own);
    return own;
}

/*
 * ln f (and, when g != NULL, its gradient: 3 per row) of m <= LOY__GG_ROWS
 * rows by the vector rows (ggamma_rows.c), gg_row_x where they flag a row;
 * a short group is padded with its first row.
 */
static void
gg_rows16(const double *prm, const gg_xt *tab, size_t xmax, const double *x,
          const double *mv, size_t m, double *ll, double *g)
{
    loy__gg_rowin in;
    gg_xt own[LOY__GG_ROWS];
    const gg_xt *t[LOY__GG_ROWS];
    int64_t bad[LOY__GG_ROWS];
    size_t k;
    for (k = 0; k < LOY__GG_ROWS; k++) {
        size_t r = k < m ? k : 0;
        t[k] = gg_terms(prm, tab, xmax, x[r], g != NULL, &own[k]);
        in.x[k] = x[r];
        in.m[k] = mv[r];
        in.a[k] = t[k]->a;
        in.lpq[k] = t[k]->lpq;
        in.d0[k] = t[k]->d0;
        in.d1[k] = t[k]->d1;
        in.big[k] = t[k]->big ? -1 : 0;
    }
    loy__ggamma_rows(prm, &in, ll, g, bad);
    for (k = 0; k < m; k++)
        if (bad[k])
            ll[k] = gg_row_x(prm, t[k], x[k], mv[k],
                             g != NULL ? g + 3 * k : NULL);
}

int
loy_ggamma_loglik(double *out, const double params[3], const double *x,
                  const double *m, const double *weights, size_t n,
                  size_t *err_index)
{
    loy__ksum acc = {0.0, 0.0};
    gg_xt *tab = NULL;
    size_t i, k, xmax = 0;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(gg_check(params, x, m, weights, n, 0, err_index));
    if (n >= GG_TAB_MIN_N) {
        xmax = gg_table_xmax(x, weights, n);
        tab = malloc((xmax + 1) * sizeof *tab);
        if (tab != NULL)
            gg_table_fill(params, xmax, 0, tab);
    }
    for (i = 0; i < n; i += k) {
        double ll[LOY__GG_ROWS];
        size_t mm = n - i < LOY__GG_ROWS ? n - i : LOY__GG_ROWS;
        gg_rows16(params, tab, xmax, x + i, m + i, mm, ll, NULL);
        for (k = 0; k < mm; k++) {
            double w = weights != NULL ? weights[i + k] : 1.0;
            if (w != 0.0)
                loy__ksum_add(&acc, w * ll[k]);
        }
    }
    free(tab);
    *out = loy__ksum_value(&acc);
    return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
}

typedef struct gg_data {
    const double *x, *m, *w;
    size_t n;
    uint32_t threads; /* loy_fit_options::threads */
    gg_xt *xtab;      /* per-x terms, refreshed per evaluation (or NULL) */
    size_t xmax;
} gg_data;

typedef struct gg_eval {
    const gg_data *d;
    const double *p;
    int grad;
} gg_eval;

#define GG_SUM_BLOCK 512u

/* Sums over rows [i0, i1): one block of loy__par_sum. */
static int
gg_sum_range(void *ctx, size_t i0, size_t i1, double *acc)
{
    const gg_eval *e = ctx;
    const gg_data *d = e->d;
    double ll[LOY__GG_ROWS], gr[3 * LOY__GG_ROWS];
    size_t i, j, k, m;
    for (i = i0; i < i1; i += m) {
        m = i1 - i < LOY__GG_ROWS ? i1 - i : LOY__GG_ROWS;
        gg_rows16(e->p, d->xtab, d->xmax, d->x + i, d->m + i, m, ll,
                  e->grad ? gr : NULL);
        for (k = 0; k < m; k++) {
            double w = d->w != NULL ? d->w[i + k] : 1.0;
            if (w == 0.0)
                continue;
            acc[0] += w * ll[k];
            for (j = 0; e->grad && j < 3; j++)
                acc[j + 1] += w * gr[3 * k + j];
        }
    }
    return LOY_OK;
}

static int
gg_fit_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const gg_data *d = ctx;
    gg_eval e;
    double sum[4];
    size_t j;
    (void)k;
    e.d = d;
    e.p = p;
    e.grad = g != NULL;
    if (d->xtab != NULL)
        gg_table_fill(p, d->xmax, e.grad, d->xtab);
    LOY__TRY(loy__par_sum(d->threads, d->n, GG_SUM_BLOCK, 4, gg_sum_range,
                          &e, sum));
    *ll = sum[0];
    for (j = 0; g != NULL && j < 3; j++)
        g[j] = p[j] * sum[j + 1];
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

int
loy_ggamma_fit(double params_out[3], const double *x, const double *m,
               const double *weights, size_t n, const loy_fit_options *opts,
               loy_fit_report *report, size_t *err_index)
{
    gg_data d;
    loy__fit_problem prob;
    loy__fit_limit lims[LOY__MAX_LIMITS];
    double start[3], sw = 0.0, sm = 0.0;
    size_t i;
    int rc;
    LOY__REQUIRE(params_out != NULL, LOY_EINVAL);
    LOY__TRY(gg_check(NULL, x, m, weights, n, 0, err_index));
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        sw += w;
        sm += w * m[i];
    }
    LOY__REQUIRE(sw > 0.0, LOY_EEMPTY);
    /* p = 1, q = 2 and gamma at the mean spend: population mean = mean m */
    start[0] = 1.0;
    start[1] = 2.0;
    start[2] = sm / sw;
    d.x = x;
    d.m = m;
    d.w = weights;
    d.n = n;
    d.threads = loy__fit_threads(opts);
    /* the table costs xmax + 1 entries per evaluation: worth it when the
     * rows outnumber them */
    d.xmax = gg_table_xmax(x, weights, n);
    d.xtab = d.xmax < n ? malloc((d.xmax + 1) * sizeof *d.xtab) : NULL;
    prob.loglik = gg_fit_loglik;
    prob.ctx = &d;
    prob.k = 3;
    prob.total_weight = sw;
    prob.n_rows = (uint64_t)n;
    prob.default_start = start;
    prob.limits = lims;
    prob.n_limits = loy__limits_ggamma(lims);
    rc = loy__fit_ml(&prob, opts, params_out, report);
    free(d.xtab);
    return rc;
}

int
loy_ggamma_population_mean(double *out, const double params[3])
{
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(gg_check_params(params, NULL));
    LOY__REQUIRE(params[1] > 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(loy__finite(params[0] * (params[2] / (params[1] - 1.0))),
                 LOY_EOVERFLOW);
    *out = params[0] * (params[2] / (params[1] - 1.0));
    return LOY_OK;
}

int
loy_ggamma_expected_spend(double *out, const double params[3],
                          const double *x, const double *m, size_t n,
                          size_t *err_index)
{
    double p, q, gm;
    size_t i;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(gg_check(params, x, m, NULL, n, 1, err_index));
    p = params[0], q = params[1], gm = params[2];
    /* every row is checked before any is written: out is untouched on
     * error */
    for (i = 0; i < n; i++) {
        double den = p * x[i] + q - 1.0, v;
        if (!(den > 0.0)) {
            /* q <= 1: infinite population mean (x = 0) or p x + q <= 1 */
            loy__set_index(err_index, i);
            return LOY_EDOMAIN;
        }
        /* p (gamma + x m)/den, each part scaled first: gamma and q may
         * be huge together (a homogeneous spend scale) */
        v = p / den * gm + (x[i] > 0.0 ? p * x[i] / den * m[i] : 0.0);
        if (!loy__finite(v)) {
            loy__set_index(err_index, i);
            return LOY_EOVERFLOW;
        }
    }
    for (i = 0; i < n; i++) {
        double den = p * x[i] + q - 1.0;
        out[i] = p / den * gm + (x[i] > 0.0 ? p * x[i] / den * m[i] : 0.0);
    }
    return LOY_OK;
}

int
loy_ggamma_correlation(double *out, const double *x, const double *m,
                       size_t n, size_t *err_index)
{
    double mx = 0.0, mm = 0.0, sxx = 0.0, smm = 0.0, sxm = 0.0;
    size_t i;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(gg_check(NULL, x, m, NULL, n, 0, err_index));
    LOY__REQUIRE(n >= 2, LOY_EDEGENERATE);
    for (i = 0; i < n; i++) {
        mx += x[i];
        mm += m[i];
    }
    mx /= (double)n;
    mm /= (double)n;
    /* two passes: centred sums avoid cancellation */
    for (i = 0; i < n; i++) {
        double dx = x[i] - mx, dm = m[i] - mm;
        sxx += dx * dx;
        smm += dm * dm;
        sxm += dx * dm;
    }
    LOY__REQUIRE(sxx > 0.0 && smm > 0.0, LOY_EDEGENERATE);
    /* sums of squares of values near the double limit overflow */
    LOY__REQUIRE(loy__finite(sxm / sqrt(sxx * smm)), LOY_EOVERFLOW);
    *out = sxm / sqrt(sxx * smm);
    return LOY_OK;
}
