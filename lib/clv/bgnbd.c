/* SPDX-License-Identifier: MIT */
/*
 * bgnbd.c - the BG/NBD model (Fader, Hardie & Lee 2005; MODELS.md 6.1):
 * log-likelihood in the stable log form with its analytic gradient, the ML
 * fit, P(alive), the conditional expectation CET(t), E[X(t)] and the PMF.
 *
 * Expectations. Given alive at T, a customer with history (x, t_x, T)
 * behaves as a new customer with (r+x, alpha+T, a, b+x), so
 * CET(t) = P(alive) E_new(t; r+x, alpha+T, a, b+x). E_new has the Euler
 * form  C/(a-1) [1 - (1-z)^(a-1) F],  F = 2F1(A, a-1; C; z),
 * A = a+b-1-r, C = a+b'-1, z = t/(alpha'+t). Since F - 1 carries the
 * factor a-1,
 *   [1 - (1-z)^(a-1) F]/(a-1) = -expm1((a-1) l)/(a-1) - e^((a-1) l) H,
 *   l = ln(1-z),  H = sum_{k>=1} G_k z^k,  G_k = (A)_k (a)_(k-1)/((C)_k k!),
 * exact for every a, without cancellation near a = 1, and equal to the
 * a -> 1 limit of MODELS.md at a = 1. A and a do not grow with x, so the
 * series stays tame for heavy buyers. When C < 1 (only x = 0 with
 * a + b < 2) the series is poorly conditioned and tanh-sinh quadrature over
 * p is used instead (MODELS.md 6.1). The CET of a batch, by tables of
 * this series, is in bgnbd_batch.c.
 */
#include "clv/bgnbd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clv/btyd.h"
#include "numeric/fitcore.h"
#include "numeric/parallel.h"
#include "clv/patterns.h"
#include "numeric/specfun.h"
#include "clv/limits.h"

#define BG_SERIES_CAP 20000.0 /* then quadrature over p (betaexp.c) */
#define BG_SERIES_TOL LOY__BG_SERIES_TOL
/* The series' rounding error, sum |terms| eps, must stay below this
 * fraction of the result; else quadrature over p. */
#define BG_SERIES_COND LOY__BG_SERIES_COND
#define BG_XTAB_CAP 65536u /* largest x served by the per-x fit table */

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

int
loy__bgnbd_check(const double *params, const double *x, const double *t_x,
                 const double *T, const double *w, size_t n,
                 size_t *err_index)
{
    return loy__btyd_check(params, 4, x, t_x, T, w, n, err_index);
}

/* ------------------------------------------------------------------ */
/* Per-x terms of the likelihood                                       */
/* ------------------------------------------------------------------ */

/*
 * D1(x) = lnG(r+x) - lnG(r) - x ln r + lnG(b+x) - lnG(b) - lnG(a+b+x)
 * + lnG(a+b), ln(b+x-1), 1/(b+x-1) and the derivatives of D1 + x ln r
 * w.r.t. (r, a, b). The x ln r is taken out so that it can meet the
 * -x ln(alpha + t_x) of the likelihood as x ln(r/(alpha+t_x)): when r and
 * alpha are both huge (the Poisson limit) the two are large and nearly
 * equal, their difference is not.
 */

static void
bg_xterms_direct(const double *p, double x, double *xt)
{
    double r = p[0], a = p[2], b = p[3];
    double pab = loy__digamma(a + b) - loy__digamma(a + b + x);
    xt[LOY__BG_XT_D1] = loy__lgamma_diff_scaled(r, x) + loy__lgamma_diff(b, x)
                - loy__lgamma_diff(a + b, x);
    xt[LOY__BG_XT_LB1] = x > 0.0 ? log(b + x - 1.0) : 0.0;
    xt[LOY__BG_XT_IB1] = x > 0.0 ? 1.0 / (b + x - 1.0) : 0.0;
    xt[LOY__BG_XT_DR] = loy__digamma(r + x) - loy__digamma(r);
    xt[LOY__BG_XT_DA] = pab;
    xt[LOY__BG_XT_DB] = loy__digamma(b + x) - loy__digamma(b) + pab;
}

/*
 * The same for x = 0..xmax by the recurrences lnG(y+1) = lnG(y) + ln y and
 * psi(y+1) = psi(y) + 1/y: six logs/divisions per x instead of six lgamma
 * and digamma calls per row. The sums of up to 65536 positive terms keep a
 * relative error near 1e-13.
 */
static void
bg_xtab_fill(const double *p, size_t xmax, double *tab)
{
    double r = p[0], a = p[2], b = p[3];
    double lr = 0.0, lb = 0.0, lab = 0.0, dr = 0.0, db = 0.0, dab = 0.0;
    size_t x;
    for (x = 0; x <= xmax; x++) {
        double *xt = tab + LOY__BG_XT_STRIDE * x, j = (double)x;
        xt[LOY__BG_XT_D1] = lr + lb - lab;
        xt[LOY__BG_XT_LB1] = x > 0 ? log(b + j - 1.0) : 0.0;
        xt[LOY__BG_XT_IB1] = x > 0 ? 1.0 / (b + j - 1.0) : 0.0;
        xt[LOY__BG_XT_DR] = dr;
        xt[LOY__BG_XT_DA] = -dab;
        xt[LOY__BG_XT_DB] = db - dab;
        lr += log1p(j / r);
        lb += log(b + j);
        lab += log(a + b + j);
        dr += 1.0 / (r + j);
        db += 1.0 / (b + j);
        dab += 1.0 / (a + b + j);
    }
}

/*
 * ln L of one customer with x > 0 given its per-x terms, and optionally
 * d lnL/d(r, alpha, a, b):
 *   ln L = D1 + x ln r + r ln(alpha) - (r+x) ln(alpha+t_x) + LSE(c3, c4),
 *   c3 = (r+x)(ln(alpha+t_x) - ln(alpha+T)), c4 = ln a - ln(b+x-1),
 * written as D1 + x (ln(r/alpha) - l1) - r l1, l1 = ln(1 + t_x/alpha), and
 * c3 = -(r+x) ln(1 + (T-t_x)/(alpha+t_x)): no term is of the size of r
 * when r and alpha are huge together (lrr = ln r - ln alpha).
 */
static double
bg_row_pos(const double *p, double lrr, double la, const double *xt,
           double x, double tx, double T, double *g)
{
    double r = p[0], al = p[1], rx = r + x;
    double l1 = log1p(tx / al), dT = (T - tx) / (al + tx);
    double c3 = -rx * log1p(dT), c4 = la - xt[LOY__BG_XT_LB1];
    double d = c3 - c4, e = exp(-fabs(d)), pi3;
    double ll = xt[LOY__BG_XT_D1] + x * (lrr - l1) - r * l1
                + (d > 0.0 ? c3 : c4) + log1p(e);
    if (g != NULL) {
        double atx = al + tx;
        pi3 = (d > 0.0 ? 1.0 : e) / (1.0 + e);
        g[0] = xt[LOY__BG_XT_DR] - l1 + pi3 * c3 / rx;
        /* r/alpha - (r+x)/(alpha+t_x), without the two large terms */
        g[1] = ((r / al) * tx - x) / atx
               + pi3 * rx * dT / (al + T);
        g[2] = xt[LOY__BG_XT_DA] + (1.0 - pi3) / p[2];
        g[3] = xt[LOY__BG_XT_DB] - (1.0 - pi3) * xt[LOY__BG_XT_IB1];
    }
    return ll;
}

/* x = 0: ln L = r (ln alpha - ln(alpha+T)) = -r ln(1 + T/alpha), given
 * l1 = ln(1 + T/alpha). */
static double
bg_row_zero_l1(const double *p, double T, double l1, double *g)
{
    if (g != NULL) {
        g[0] = -l1;
        g[1] = (p[0] / p[1]) * T / (p[1] + T);
        g[2] = 0.0;
        g[3] = 0.0;
    }
    return -p[0] * l1;
}

static double
bg_row_zero(const double *p, double T, double *g)
{
    return bg_row_zero_l1(p, T, log1p(T / p[1]), g);
}

double
loy__bgnbd_loglik1(const double *p, double x, double tx, double T, double *g)
{
    double xt[LOY__BG_XT_STRIDE];
    if (x == 0.0)
        return bg_row_zero(p, T, g);
    bg_xterms_direct(p, x, xt);
    return bg_row_pos(p, log(p[0]) - log(p[1]), log(p[2]), xt, x, tx, T, g);
}

double
loy__bgnbd_log_palive(const double *p, double x, double t_x, double T)
{
    double u;
    if (x == 0.0)
        return 0.0;
    u = log(p[2]) - log(p[3] + x - 1.0)
        + (p[0] + x) * loy__bgnbd_log_ratio(p[1], t_x, T);
    /* -ln(1 + e^u) */
    return u > 0.0 ? -u - log1p(exp(-u)) : -log1p(exp(u));
}

/*
 * ln L (and, when g != NULL, its gradient: 4 per row) of m <= LOY__BG_ROWS
 * rows with x > 0, by the vector rows (bgnbd_rows.c) and bg_row_pos where
 * they flag a row. Per-x terms from xtab for x <= xmax (xtab NULL: none),
 * else computed directly. A short group is padded with its first row.
 */
static void
bg_pos16(const double *p, double lrr, double la, const double *xtab,
         size_t xmax, const double *x, const double *tx, const double *T,
         size_t m, double *ll, double *g)
{
    double direct[LOY__BG_ROWS][LOY__BG_XT_STRIDE];
    double xb[LOY__BG_ROWS], txb[LOY__BG_ROWS], Tb[LOY__BG_ROWS];
    const double *rows[LOY__BG_ROWS];
    int64_t bad[LOY__BG_ROWS];
    size_t k;
    if (m < LOY__BG_ROWS) {
        for (k = 0; k < LOY__BG_ROWS; k++) {
            xb[k] = x[k < m ? k : 0];
            txb[k] = tx[k < m ? k : 0];
            Tb[k] = T[k < m ? k : 0];
        }
        x = xb, tx = txb, T = Tb;
    }
    for (k = 0; k < LOY__BG_ROWS; k++) {
        if (xtab != NULL && x[k] <= (double)xmax) {
            rows[k] = xtab + LOY__BG_XT_STRIDE * (size_t)x[k];
        } else {
            bg_xterms_direct(p, x[k], direct[k]);
            rows[k] = direct[k];
        }
    }
    loy__bgnbd_pos_rows(p, lrr, la, rows, x, tx, T, ll, g, bad);
    for (k = 0; k < m; k++)
        if (bad[k])
            ll[k] = bg_row_pos(p, lrr, la, rows[k], x[k], tx[k], T[k],
                               g != NULL ? g + 4 * k : NULL);
}

/*
 * The same for rows of any x (the public per-row functions): x = 0 rows
 * get -r ln(1 + T/alpha) (bg_row_zero) with the logarithms of the vector
 * rows as well.
 */
static void
bg_each16(const double *p, const double *xtab, size_t xmax, const double *x,
          const double *tx, const double *T, size_t m, double *ll, double *g)
{
    double l[LOY__BG_ROWS], Tb[LOY__BG_ROWS];
    int64_t bad[LOY__BG_ROWS];
    const double *Tz = T;
    size_t k, zeros = 0;
    for (k = 0; k < m; k++)
        zeros += x[k] == 0.0;
    if (zeros < m)
        bg_pos16(p, log(p[0]) - log(p[1]), log(p[2]), xtab, xmax, x, tx, T,
                 m, ll, g);
    if (zeros == 0)
        return;
    if (m < LOY__BG_ROWS) {
        for (k = 0; k < LOY__BG_ROWS; k++)
            Tb[k] = k < m ? T[k] : 0.0;
        Tz = Tb;
    }
    loy__bgnbd_zero_rows(p[1], Tz, l, bad);
    for (k = 0; k < m; k++)
        if (x[k] == 0.0)
            ll[k] = bg_row_zero_l1(p, T[k],
                                   bad[k] ? log1p(T[k] / p[1]) : l[k],
                                   g != NULL ? g + 4 * k : NULL);
}

/* Batches of this many rows or more get a table of per-x terms. */
#define BG_EACH_TAB_N 2048u
/* Largest x the table holds (larger x: per row). */
#define BG_EACH_XCAP 4096u

/*
 * The per-x terms, computed directly (the same values as per row), of
 * x = 0..*xmax for a batch: *xmax the largest x of the rows up to
 * BG_EACH_XCAP. NULL for small batches or no memory (per row then).
 */
static double *
bg_each_table(const double *p, const double *x, size_t n, size_t *xmax)
{
    double *tab;
    size_t i, j, top = 0;
    if (n < BG_EACH_TAB_N)
        return NULL;
    for (i = 0; i < n; i++)
        if (x[i] > (double)top && x[i] <= (double)BG_EACH_XCAP)
            top = (size_t)x[i];
    tab = malloc((top + 1) * LOY__BG_XT_STRIDE * sizeof *tab);
    if (tab == NULL)
        return NULL;
    for (j = 0; j <= top; j++)
        bg_xterms_direct(p, (double)j, tab + j * LOY__BG_XT_STRIDE);
    *xmax = top;
    return tab;
}

/* ------------------------------------------------------------------ */
/* Public: log-likelihood                                              */
/* ------------------------------------------------------------------ */

int
loy_bgnbd_loglik(double *out, const double params[4], const double *x,
                 const double *t_x, const double *T, const double *weights,
                 size_t n, size_t *err_index)
{
    loy__ksum acc = {0.0, 0.0};
    double ll[LOY__BG_ROWS], *tab;
    size_t i, k, m, xmax = 0;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, weights, n, err_index));
    tab = bg_each_table(params, x, n, &xmax);
    for (i = 0; i < n; i += m) {
        m = n - i < LOY__BG_ROWS ? n - i : LOY__BG_ROWS;
        bg_each16(params, tab, xmax, x + i, t_x + i, T + i, m, ll, NULL);
        for (k = 0; k < m; k++) {
            double w = weights != NULL ? weights[i + k] : 1.0;
            if (!loy__finite(ll[k])) {
                free(tab);
                loy__set_index(err_index, i + k);
                return LOY_ENOCONV;
            }
            if (w != 0.0)
                loy__ksum_add(&acc, w * ll[k]);
        }
    }
    free(tab);
    /* huge weights can overflow the sum */
    LOY__REQUIRE(loy__finite(loy__ksum_value(&acc)), LOY_EOVERFLOW);
    *out = loy__ksum_value(&acc);
    return LOY_OK;
}

int
loy_bgnbd_loglik_each(double *out, const double params[4], const double *x,
                      const double *t_x, const double *T, size_t n,
                      double *grad, size_t *err_index)
{
    double ll[LOY__BG_ROWS], g[4 * LOY__BG_ROWS], *tab;
    size_t i, k, m, xmax = 0;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    tab = bg_each_table(params, x, n, &xmax);
    for (i = 0; i < n; i += m) {
        m = n - i < LOY__BG_ROWS ? n - i : LOY__BG_ROWS;
        bg_each16(params, tab, xmax, x + i, t_x + i, T + i, m, ll,
                  grad != NULL ? g : NULL);
        /* rows written one by one: none after a failing row */
        for (k = 0; k < m; k++) {
            if (!loy__finite(ll[k])
                || (grad != NULL
                    && !loy__finite(g[4 * k] + g[4 * k + 1] + g[4 * k + 2]
                                    + g[4 * k + 3]))) {
                free(tab);
                loy__set_index(err_index, i + k);
                return LOY_ENOCONV;
            }
            out[i + k] = ll[k];
            if (grad != NULL)
                memcpy(grad + 4 * (i + k), g + 4 * k, 4 * sizeof *g);
        }
    }
    free(tab);
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* Fit                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Rows split by x = 0 (which need one log per row) and x > 0, so the hot
 * loops have no data-dependent branch; the per-x table is refreshed once
 * per evaluation.
 */
typedef struct bg_fit_data {
    const double *T0, *w0; /* x = 0 rows (w0 NULL: weight 1) */
    size_t n0;
    const double *x, *tx, *T, *w; /* x > 0 rows */
    size_t np;
    double *xtab; /* LOY__BG_XT_STRIDE * (xmax + 1) */
    size_t xmax;
    uint32_t threads; /* loy_fit_options::threads */
} bg_fit_data;

/*
 * One evaluation's shared inputs; rows [0, n0) of the index space are the
 * x = 0 rows, [n0, n0 + np) the x > 0 rows. The sums run over fixed blocks
 * (loy__par_sum), so the result is the same for every thread count.
 */
typedef struct bg_eval {
    const bg_fit_data *d;
    const double *p;
    double lrr, la;
    int grad;
} bg_eval;

#define BG_SUM_BLOCK 512u

/* x = 0 rows [i0, i1): sum w ln(1 + T/alpha) and sum w T/(alpha+T) are
 * all these rows add (in this form also when alpha is huge); sixteen
 * logarithms at a time, added in row order. */
static void
bg_sum_zero(const bg_eval *e, size_t i0, size_t i1, double *s0, double *s1)
{
    const bg_fit_data *d = e->d;
    const double al = e->p[1];
    size_t i, k, m;
    for (i = i0; i < i1; i += m) {
        double l[LOY__BG_ROWS], Tb[LOY__BG_ROWS];
        int64_t bad[LOY__BG_ROWS];
        const double *T = d->T0 + i;
        m = i1 - i < LOY__BG_ROWS ? i1 - i : LOY__BG_ROWS;
        if (m < LOY__BG_ROWS) { /* the tail, padded */
            for (k = 0; k < LOY__BG_ROWS; k++)
                Tb[k] = k < m ? T[k] : 0.0;
            T = Tb;
        }
        loy__bgnbd_zero_rows(al, T, l, bad);
        for (k = 0; k < m; k++) {
            double w = d->w0 != NULL ? d->w0[i + k] : 1.0;
            *s0 += w * (bad[k] ? log1p(T[k] / al) : l[k]);
            if (e->grad)
                *s1 += w * T[k] / (al + T[k]);
        }
    }
}

/* x > 0 rows [i0, i1) (of the x > 0 arrays) into acc, sixteen at a time
 * (bg_pos16), the terms added in row order. */
static void
bg_sum_pos(const bg_eval *e, size_t i0, size_t i1, double *acc)
{
    const bg_fit_data *d = e->d;
    double ll[LOY__BG_ROWS], gr[4 * LOY__BG_ROWS];
    size_t i, j, k, m;
    for (i = i0; i < i1; i += m) {
        m = i1 - i < LOY__BG_ROWS ? i1 - i : LOY__BG_ROWS;
        bg_pos16(e->p, e->lrr, e->la, d->xtab, d->xmax, d->x + i, d->tx + i,
                 d->T + i, m, ll, e->grad ? gr : NULL);
        for (k = 0; k < m; k++) {
            double w = d->w != NULL ? d->w[i + k] : 1.0;
            acc[0] += w * ll[k];
            for (j = 0; e->grad && j < 4; j++)
                acc[j + 1] += w * gr[4 * k + j];
        }
    }
}

static int
bg_sum_range(void *ctx, size_t i0, size_t i1, double *acc)
{
    const bg_eval *e = ctx;
    const bg_fit_data *d = e->d;
    const double *p = e->p;
    double s0 = 0.0, s1 = 0.0;
    if (i0 < d->n0)
        bg_sum_zero(e, i0, i1 < d->n0 ? i1 : d->n0, &s0, &s1);
    acc[0] = -p[0] * s0;
    acc[1] = -s0;
    acc[2] = p[0] / p[1] * s1;
    if (i1 > d->n0)
        bg_sum_pos(e, i0 > d->n0 ? i0 - d->n0 : 0, i1 - d->n0, acc);
    return LOY_OK;
}

static int
bg_fit_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const bg_fit_data *d = ctx;
    bg_eval e;
    double sum[5];
    size_t j;
    (void)k;
    e.d = d;
    e.p = p;
    e.lrr = log(p[0]) - log(p[1]);
    e.la = log(p[2]);
    e.grad = g != NULL;
    bg_xtab_fill(p, d->xmax, d->xtab);
    LOY__TRY(loy__par_sum(d->threads, d->n0 + d->np, BG_SUM_BLOCK, 5,
                          bg_sum_range, &e, sum));
    *ll = sum[0];
    for (j = 0; g != NULL && j < 4; j++)
        g[j] = p[j] * sum[j + 1];
    return loy__finite(sum[0]) ? LOY_OK : LOY_ENOCONV;
}

/* Arrays of the split rows, owned. */
typedef struct bg_fit_store {
    double *buf;
} bg_fit_store;

/* Split rows (x, tx, T, w) into the x = 0 and x > 0 groups of d. */
static int
bg_fit_split(bg_fit_data *d, bg_fit_store *s, const double *x,
             const double *tx, const double *T, const double *w, size_t n)
{
    size_t i, n0 = 0, np = 0, xmax = 0, cols = w != NULL ? 2 : 1, cap;
    double *b;
    /* the table costs xmax + 1 entries per evaluation, the direct terms
     * about 8 entries' worth per row: a few rows with a huge x (a fuzzed
     * 2-row fit with x = 56832 took 17 s) compute theirs directly */
    for (i = 0; i < n; i++)
        if ((w == NULL || w[i] != 0.0) && x[i] == 0.0)
            n0++;
    np = n - n0; /* upper bound when zero weights were skipped */
    cap = np < BG_XTAB_CAP / 8 ? 8 * np + 64 : BG_XTAB_CAP;
    for (i = 0; i < n; i++) {
        if (w != NULL && w[i] == 0.0)
            continue;
        if (x[i] > (double)xmax && x[i] <= (double)cap)
            xmax = (size_t)x[i]; /* larger x: bg_xterms_direct per row */
    }
    s->buf = malloc(sizeof(double)
                    * (n0 * cols + np * (cols + 3)
                       + LOY__BG_XT_STRIDE * (xmax + 1)));
    LOY__REQUIRE(s->buf != NULL, LOY_ENOMEM);
    b = s->buf;
    d->T0 = b;
    d->w0 = w != NULL ? b + n0 : NULL;
    b += n0 * cols;
    d->x = b;
    d->tx = b + np;
    d->T = b + 2 * np;
    d->w = w != NULL ? b + 3 * np : NULL;
    d->xtab = b + np * (cols + 3);
    d->xmax = xmax;
    d->n0 = d->np = 0;
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        if (wi == 0.0)
            continue;
        if (x[i] == 0.0) {
            b = (double *)d->T0;
            b[d->n0] = T[i];
            if (w != NULL)
                ((double *)d->w0)[d->n0] = wi;
            d->n0++;
        } else {
            ((double *)d->x)[d->np] = x[i];
            ((double *)d->tx)[d->np] = tx[i];
            ((double *)d->T)[d->np] = T[i];
            if (w != NULL)
                ((double *)d->w)[d->np] = wi;
            d->np++;
        }
    }
    return LOY_OK;
}

/*
 * Default start: r = 1 and alpha = mean T / (mean x + 1) (so that r/alpha
 * is of the order of the purchase rate, in the data's time unit), and
 * a = 1, b = 3 as the CLVTools CDNOW tests.
 */
static void
bg_default_start(const double *x, const double *T, const double *w, size_t n,
                 double *start)
{
    double sx = 0.0, sT = 0.0, sw = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        sx += wi * x[i];
        sT += wi * T[i];
        sw += wi;
    }
    start[0] = 1.0;
    start[1] = sT / (sx + sw);
    start[2] = 1.0;
    start[3] = 3.0;
}

static int
bg_use_patterns(const loy_fit_options *opts, const double *x,
                const double *tx, const double *T, size_t n)
{
    loy_fit_options o;
    uint32_t flags;
    loy__fit_options_read(opts, &o);
    flags = o.flags;
    if (flags & LOY_FIT_NO_COMPRESS)
        return 0;
    if (flags & LOY_FIT_COMPRESS)
        return 1;
    return loy__patterns_worth_it(x, tx, T, n);
}

static int
bg_fit_rows(double params_out[4], const double *x, const double *tx,
            const double *T, const double *w, size_t n, uint64_t n_rows,
            const loy_fit_options *opts, loy_fit_report *report)
{
    bg_fit_data d;
    bg_fit_store s;
    loy__fit_problem prob;
    loy__fit_limit lims[LOY__MAX_LIMITS];
    double start[4], sw = 0.0;
    size_t i;
    int rc;
    for (i = 0; i < n; i++)
        sw += w != NULL ? w[i] : 1.0;
    LOY__REQUIRE(sw > 0.0, LOY_EEMPTY);
    bg_default_start(x, T, w, n, start);
    LOY__TRY(bg_fit_split(&d, &s, x, tx, T, w, n));
    d.threads = loy__fit_threads(opts);
    prob.loglik = bg_fit_loglik;
    prob.ctx = &d;
    prob.k = 4;
    prob.total_weight = sw;
    prob.n_rows = n_rows;
    prob.default_start = start;
    prob.limits = lims;
    prob.n_limits = loy__limits_two(lims, LOY__MIX_GAMMA, LOY__MIX_BETA);
    rc = loy__fit_ml(&prob, opts, params_out, report);
    free(s.buf);
    return rc;
}

int
loy_bgnbd_fit(double params_out[4], const double *x, const double *t_x,
              const double *T, const double *weights, size_t n,
              const loy_fit_options *opts, loy_fit_report *report,
              size_t *err_index)
{
    loy__patterns pat;
    int rc;
    LOY__REQUIRE(params_out != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(NULL, x, t_x, T, weights, n, err_index));
    if (!bg_use_patterns(opts, x, t_x, T, n))
        return bg_fit_rows(params_out, x, t_x, T, weights, n, (uint64_t)n,
                           opts, report);
    LOY__TRY(loy__patterns_build(&pat, x, t_x, T, weights, n));
    rc = bg_fit_rows(params_out, pat.x, pat.tx, pat.T, pat.w, pat.n,
                     (uint64_t)pat.n, opts, report);
    loy__patterns_free(&pat);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Expectations                                                        */
/* ------------------------------------------------------------------ */

/*
 * H = sum_{k>=1} G_k z^k (file comment). Once every factor is positive and
 * the ratio is below 1 the tail after a term g is below g z/(1-z). *mag
 * gets sum |G_k z^k|, the scale of the rounding error. At most
 * BG_SERIES_CAP terms (LOY_ENOCONV after).
 */
static int
bg_series_h(double A, double a, double C, double z, double scale, double *out,
            double *mag)
{
    double g = A / C * z, sum = g, k, m = fabs(g);
    for (k = 1.0; k < BG_SERIES_CAP; k += 1.0) {
        double ratio = (A + k) * (a + k - 1.0) / ((C + k) * (k + 1.0)) * z;
        g *= ratio;
        sum += g;
        m += fabs(g);
        if (A + k > 0.0 && fabs(ratio) < 1.0
            && fabs(g) <= BG_SERIES_TOL * (1.0 - z) * (fabs(sum) + scale)) {
            *out = sum;
            *mag = m;
            return LOY_OK;
        }
        if (!loy__finite(m))
            break;
    }
    return LOY_ENOCONV;
}

/*
 * E_new by the Euler series when it is short and well conditioned: r well
 * above a + b makes A = a+b-1-r negative and the terms alternate with a
 * size far above the sum; a large a makes them grow like (a z)^k / k!
 * before they fall. Otherwise (and for C < 1) quadrature over p, whose
 * cost does not depend on the parameters.
 */
int
loy__bgnbd_enew(double r, double alpha, double a, double b, double t,
                double *out)
{
    double C = a + b - 1.0, A = C - r, q = t / alpha, l, z, e, first, h, mag;
    double v;
    if (t == 0.0) {
        *out = 0.0;
        return LOY_OK;
    }
    /* a horizon tiny next to alpha: E_new = r q (1 - O((r + 1) q)),
     * dropout being one of the second-order effects. Here the series'
     * first term and sum are both near q, and denormal for the smallest
     * t (CET came out negative) */
    if (q * (r + 1.0) < 1e-17) {
        *out = r * q;
        return LOY_OK;
    }
    if (C < 1.0 || a > 1e4 || A < -50.0)
        return loy__bgnbd_enew_quad(r, alpha, a, b, t, out);
    l = -log1p(q);
    z = q / (1.0 + q);
    e = a - 1.0;
    first = e == 0.0 ? -l : -expm1(e * l) / e;
    if (bg_series_h(A, a, C, z, fabs(first), &h, &mag) != LOY_OK)
        return loy__bgnbd_enew_quad(r, alpha, a, b, t, out);
    v = first - exp(e * l) * h;
    if (!((fabs(first) + exp(e * l) * mag) * 2.3e-16
          <= BG_SERIES_COND * fabs(v)))
        return loy__bgnbd_enew_quad(r, alpha, a, b, t, out);
    *out = C * v;
    return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
}

/* E_new = E[(1 - (alpha/(alpha+p t))^r)/p] over p ~ Beta(a, b). */
typedef struct bg_enew_ctx {
    double r, alpha, t;
} bg_enew_ctx;

static double
bg_enew_f(void *ctx, double p, double q)
{
    const bg_enew_ctx *c = ctx;
    double qa = c->t / c->alpha, rq = c->r * qa, u = p * qa;
    (void)q;
    /* r u tiny (p = 0: no dropout, r t / alpha purchases): two terms of
     * (1 - (1 + u)^-r) / p = r q (1 - (r + 1) u / 2 + O((r u)^2)), which
     * also holds where p q underflows and the closed form gives 0 */
    if (rq * p < 1e-8 && u < 1e-8)
        return rq * (1.0 - 0.5 * (c->r + 1.0) * u);
    return -expm1(-c->r * log1p(u)) / p;
}

int
loy__bgnbd_enew_quad(double r, double alpha, double a, double b, double t,
                     double *out)
{
    bg_enew_ctx c;
    c.r = r;
    c.alpha = alpha;
    c.t = t;
    return loy__beta_expect(a, b, bg_enew_f, &c, out);
}

static int
bg_check_t(double t)
{
    if (!loy__finite(t))
        return LOY_ENONFINITE;
    return t >= 0.0 ? LOY_OK : LOY_EDOMAIN;
}

int
loy_bgnbd_palive(double *out, const double params[4], const double *x,
                 const double *t_x, const double *T, size_t n,
                 size_t *err_index)
{
    double lab[LOY__BG_LAB_N];
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    loy__bgnbd_lab_fill(params, lab);
    loy__bgnbd_palive_rows(params, lab, x, t_x, T, n, out);
    return LOY_OK;
}


int
loy_bgnbd_expected(double *out, const double params[4], const double *x,
                   const double *t_x, const double *T, size_t n, double t,
                   size_t *err_index)
{
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    LOY__TRY(bg_check_t(t));
    return loy__bgnbd_cet_batch(out, NULL, params, x, t_x, T, n, t,
                                err_index);
}

int
loy_bgnbd_predict(double *palive, double *cet, const double params[4],
                  const double *x, const double *t_x, const double *T,
                  size_t n, double t, size_t *err_index)
{
    LOY__REQUIRE(palive != NULL && cet != NULL && params != NULL,
                 LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    LOY__TRY(bg_check_t(t));
    return loy__bgnbd_cet_batch(cet, palive, params, x, t_x, T, n, t,
                                err_index);
}

int
loy_bgnbd_expected_new(double *out, const double params[4], const double *t,
                       size_t n, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && params != NULL && t != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(loy__btyd_check_params(params, 4, err_index));
    for (i = 0; i < n; i++) { /* every horizon before any output */
        int rc = bg_check_t(t[i]);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        int rc = loy__bgnbd_enew(params[0], params[1], params[2], params[3],
                                 t[i], &out[i]);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    return LOY_OK;
}

/*
 * P(X(t) = k), k = 0..n-1 (MODELS.md 6.1 eq. 8): the first term in logs,
 * the second with the incomplete beta I_z(k, r), z = t/(alpha+t), in
 * place of 1 - CDF.
 */
int
loy_bgnbd_pmf(double *out, const double params[4], double t, size_t n,
              size_t *err_index)
{
    double r, al, a, b, lq, lz, lbab, z;
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(loy__btyd_check_params(params, 4, err_index));
    LOY__TRY(bg_check_t(t));
    r = params[0], al = params[1], a = params[2], b = params[3];
    lq = -log1p(t / al);         /* ln(alpha/(alpha+t)) */
    lz = log(t) - log(al + t);   /* ln(t/(alpha+t)), -inf at t = 0 */
    z = t / (al + t);
    lbab = loy__lbeta(a, b);
    for (i = 0; i < n; i++) {
        double k = (double)i, l1, ib = 0.0;
        l1 = loy__lbeta(a, b + k) - lbab + loy__lgamma_diff(r, k)
             - loy__lgamma(k + 1.0) + r * lq + (i > 0 ? k * lz : 0.0);
        out[i] = exp(l1);
        if (i > 0) {
            if (z > 0.0)
                LOY__TRY(loy__betainc(k, r, z, &ib));
            /* b + (k - 1): b + k - 1 rounds to 0 for a tiny b */
            if (ib > 0.0)
                out[i] += exp(loy__lbeta(a + 1.0, b + (k - 1.0)) - lbab) * ib;
        }
        if (!loy__finite(out[i])) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        out[i] = fmin(out[i], 1.0);
    }
    return LOY_OK;
}

int
loy__bgnbd_cet_rate(const double *p, double x, double t_x, double T,
                    double t, double *out)
{
    double base = p[1] + T, q = t / base, lf;
    int sign;
    LOY__TRY(loy__log_hyp2f1(p[2], p[2] + p[3] - p[0] - 1.0, p[2] + p[3] + x,
                             q / (1.0 + q), &lf, &sign));
    *out = sign * exp(loy__bgnbd_log_palive(p, x, t_x, T) + log(p[0] + x)
                      - log(base) - p[2] * log1p(q) + lf);
    return LOY_OK;
}

int
loy_bgnbd_score(double *palive, double *cet, const double params[4],
                const double *x, const double *t_x, const double *T,
                size_t n, double t, const loy_predict_options *opts,
                size_t *err_index)
{
    uint32_t threads;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE((palive != NULL || cet != NULL) && params != NULL,
                 LOY_EINVAL);
    LOY__TRY(loy__predict_threads(opts, &threads));
    LOY__TRY(loy__btyd_check_par(params, 4, x, t_x, T, NULL, n, threads,
                                 err_index));
    if (cet != NULL) {
        LOY__TRY(bg_check_t(t));
        return loy__bgnbd_cet_run(cet, palive, params, x, t_x, T, n, t,
                                  threads, err_index);
    }
    loy__bgnbd_palive_par(palive, params, x, t_x, T, n, threads);
    return LOY_OK;
}
