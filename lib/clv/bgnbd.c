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
 * p is used instead (MODELS.md 6.1).
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
#define BG_SERIES_TOL 1e-17
/* The series' rounding error, sum |terms| eps, must stay below this
 * fraction of the result; else quadrature over p. */
#define BG_SERIES_COND 1e-12
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

/*
 * Batch CET. The coefficients G_k depend on the customer only through x,
 * so for large batches they are tabulated for x = 0..xmax, k = 1..K once,
 * and each customer costs one multiply-add per term instead of a division
 * chain. k0[x] is the first k from which A + j > 0 and G_(j+1)/G_j <= 1 for
 * every tabulated j >= k, where the tail bound of bg_series_h holds.
 */
#define BG_CTAB_K 512u
#define BG_CTAB_XMAX 63u
#define BG_CTAB_MIN_N 2048u

#define BG_TAY_M 10u /* Taylor terms evaluated by Estrin's scheme */
#define BG_TAY_NB 512u /* most Taylor buckets per x */
#define BG_TAY_NC 24u /* Taylor terms of H carried from bucket to bucket */
#define BG_TAY_ANCHOR 32u /* buckets between direct sums of H */

typedef struct bg_ctab {
    double G[(BG_CTAB_XMAX + 1) * (BG_CTAB_K + 1)];
    size_t k0[BG_CTAB_XMAX + 1];
    size_t xmax;
    /* per x: the z of its rows, [zlo, zhi]; in its bucket j,
     * B(z) = sum_i c_i (z - z0_j)^i when tay_ok */
    double c[(BG_CTAB_XMAX + 1) * BG_TAY_NB * BG_TAY_M];
    double z0[(BG_CTAB_XMAX + 1) * BG_TAY_NB];
    int tay_ok[(BG_CTAB_XMAX + 1) * BG_TAY_NB];
    double zlo[BG_CTAB_XMAX + 1], zhi[BG_CTAB_XMAX + 1];
    /* x's buckets: nb of them from index glo, 2^sh per octave of 1 - z
     * (bg_tay_index) */
    int64_t glo[BG_CTAB_XMAX + 1];
    unsigned sh[BG_CTAB_XMAX + 1];
    size_t nb[BG_CTAB_XMAX + 1];
    /* after the build, x's buckets are packed from off[x] (the rows'
     * lookups stay within a few hundred kB instead of x BG_TAY_NB apart) */
    size_t off[BG_CTAB_XMAX + 1];
    double zstar; /* the power series at 0 serves buckets up to here */
    /* (k + 1)/(k + 1 - i), the step of C(k, i) in k, for the
     * re-expansions: a division less in their multiply chain */
    double step[BG_TAY_M][BG_CTAB_K + 1];
} bg_ctab;

/* The series coefficients G_k of one x and the first k0 past which the
 * terms keep one sign and shrink. */
static void
bg_ctab_fill_x(bg_ctab *t, const double *p, size_t x)
{
    double A = p[2] + p[3] - 1.0 - p[0], a = p[2];
    double C = p[2] + p[3] + (double)x - 1.0, *G = t->G + x * (BG_CTAB_K + 1);
    size_t k, k0 = BG_CTAB_K + 1;
    G[0] = 0.0;
    G[1] = A / C;
    for (k = 1; k < BG_CTAB_K; k++) {
        double kk = (double)k;
        double rho = (A + kk) * (a + kk - 1.0) / ((C + kk) * (kk + 1.0));
        G[k + 1] = G[k] * rho;
    }
    for (k = BG_CTAB_K - 1; k >= 1; k--) {
        double kk = (double)k;
        double rho = (A + kk) * (a + kk - 1.0) / ((C + kk) * (kk + 1.0));
        if (!(A + kk > 0.0 && fabs(rho) <= 1.0))
            break;
        k0 = k;
    }
    t->k0[x] = k0;
}

/*
 * H from the table; LOY_ENOCONV when the table ends first. Two terms per
 * step with powers z^k and z^(k+1) advanced by z^2, which halves the
 * multiply chain that bounds the speed; the stopping test looks at the
 * second (last added) term.
 */
static int
bg_ctab_h(const bg_ctab *t, size_t x, double z, double scale, double *out)
{
    const double *G = t->G + x * (BG_CTAB_K + 1);
    double z2 = z * z, za = z, zb = z2, sum = 0.0;
    double tol = BG_SERIES_TOL * (1.0 - z);
    size_t k, k0 = t->k0[x];
    for (k = 1; k + 1 <= BG_CTAB_K; k += 2, za *= z2, zb *= z2) {
        double gb = G[k + 1] * zb;
        sum += G[k] * za + gb;
        if (k + 1 >= k0 && fabs(gb) <= tol * (fabs(sum) + scale)) {
            *out = sum;
            return LOY_OK;
        }
    }
    return LOY_ENOCONV;
}

/*
 * Power-series coefficients beta_k of the whole bracket
 *   B(z) = [1 - (1-z)^e F]/e = phi(z) - (1-z)^e H(z),  e = a - 1,
 * phi_k = (1-e)_(k-1)/k!, (1-z)^e = sum psi_m z^m, psi_m = (-e)_m/m!:
 * beta_k = phi_k - sum_{m<k} psi_m G_(k-m). Exact for every a (no
 * division by e), so the Taylor form below needs no log1p/expm1 per
 * customer.
 */
static void
bg_bracket_coef(const double *G, double e, size_t kmax, double *beta)
{
    double psi[BG_CTAB_K + 1], phi = 1.0;
    size_t k, m;
    psi[0] = 1.0;
    for (m = 1; m <= kmax; m++)
        psi[m] = psi[m - 1] * ((double)m - 1.0 - e) / (double)m;
    beta[0] = 0.0;
    for (k = 1; k <= kmax; k++) {
        double conv = 0.0;
        for (m = 0; m < k; m++)
            conv += psi[m] * G[k - m];
        beta[k] = phi - conv;
        phi *= ((double)k - e) / (double)(k + 1);
    }
}

/*
 * Last power-series term the re-expansions need for z <= zhi: past the
 * peak of C(k, M-1) zhi^(k-M+1), the largest weight a coefficient gets,
 * once it is below 1e-22; 0 when K terms do not get there.
 */
static size_t
bg_taylor_kmax(double zhi)
{
    const size_t j = BG_TAY_M - 1;
    double v = 1.0; /* C(k, j) zhi^(k - j) */
    size_t k;
    for (k = j; k < BG_CTAB_K; k++) {
        if (k > 2 * j + 8 && (double)k * (1.0 - zhi) > (double)j
            && v < 1e-22)
            return k;
        v *= (double)(k + 1) / (double)(k + 1 - j) * zhi;
    }
    return 0;
}

/* c_i = sum_k beta_k C(k, i) z0^(k-i) for i < M, k <= kmax. */
static void
bg_taylor_coef(const bg_ctab *t, const double *beta, size_t kmax, double z0,
               double *c)
{
    size_t i, k;
    for (i = 0; i < BG_TAY_M; i++) {
        double b = 1.0, sum = 0.0; /* b = C(k, i) z0^(k-i) */
        for (k = i; k <= kmax; k++) {
            sum += beta[k] * b;
            b *= t->step[i][k] * z0;
        }
        c[i] = sum;
    }
}

static void
bg_taylor_steps(bg_ctab *t)
{
    size_t i, k;
    for (i = 0; i < BG_TAY_M; i++)
        for (k = i; k <= BG_CTAB_K; k++)
            t->step[i][k] = (double)(k + 1) / (double)(k + 1 - i);
}

/* What the buckets of one x are built from. */
typedef struct bg_tay_in {
    const double *p;
    double *beta;   /* B's power series at 0, to kmax (0: none yet) */
    size_t kmax;
    double tol;     /* the last term's bound by that series */
    double zhi;     /* the x's largest z */
} bg_tay_in;

/* H and H' at z0 from the Taylor coefficients hc about zp. */
static void
bg_h_step(const double *hc, double h, double *H, double *dH)
{
    double v = 0.0, dv = 0.0;
    size_t n;
    for (n = BG_TAY_NC; n-- > 0;) {
        v = v * h + hc[n];
        if (n > 0)
            dv = dv * h + (double)n * hc[n];
    }
    *H = v;
    *dH = dv;
}

/*
 * The terms binom(c + m - 1, m) r^m of (1 - r)^-c, m = 1..n: the largest
 * into *top, the last returned. They bound how a solution with the
 * exponent -c at the ODE's singular point (z = 0 with c = |C - 1|, z = 1
 * with c = |C - A - a|) grows over a step r of the distance to it.
 */
static double
bg_binom_terms(double c, double r, size_t n, double *top)
{
    double term = 1.0, mx = 1.0;
    size_t m;
    for (m = 1; m <= n; m++) {
        term *= (c + (double)m - 1.0) / (double)m * r;
        mx = term > mx ? term : mx;
    }
    *top = mx;
    return term;
}

/*
 * A bucket from H's ODE (bgnbd_hode.c): B's coefficients about z0. H and
 * H' at z0 are carried from the last bucket by its series of BG_TAY_NC
 * terms when both solutions' last terms over the step are below 1e-17
 * (and BG_TAY_ANCHOR buckets have not passed), else summed directly. The
 * bucket is used when the subtraction in B magnifies H's rounding by 16
 * or less, when the recurrence's rounding, which excites the solution
 * z^(1-C), can grow tenfold at most over the bucket, and when the last
 * term is below 1e-16 of B. *st: 0 until the first direct sum, 1 after,
 * -1 once one failed (z beyond reach: every later bucket too).
 */
static int
bg_bucket_ode(bg_ctab *t, const bg_tay_in *in, size_t x, size_t j,
              double rho, double *hc, double *zp, int *st, size_t *anchor)
{
    const double *p = in->p;
    double A = p[2] + p[3] - 1.0 - p[0], a = p[2];
    double C = p[2] + p[3] + (double)x - 1.0, H, dH, cond, top;
    size_t at = x * BG_TAY_NB + j;
    double z0 = t->z0[at], *c = t->c + at * BG_TAY_M, h = z0 - *zp;
    if (*st < 0)
        return 0;
    if (*st == 0 || j - *anchor >= BG_TAY_ANCHOR
        || bg_binom_terms(fabs(C - 1.0), h / *zp, BG_TAY_NC, &top) > 1e-17
        || bg_binom_terms(fabs(C - A - a), h / (1.0 - *zp), BG_TAY_NC, &top)
               > 1e-17) {
        if (loy__bg_h_direct(A, a, C, z0, t->G + x * (BG_CTAB_K + 1),
                             BG_CTAB_K, &H, &dH)
            != LOY_OK) {
            *st = -1;
            return 0;
        }
        *st = 1;
        *anchor = j;
    } else {
        bg_h_step(hc, h, &H, &dH);
    }
    loy__bg_h_taylor(A, a, C, z0, H, dH, BG_TAY_NC, hc);
    *zp = z0;
    cond = loy__bg_bracket_at(a, z0, hc, BG_TAY_M, c);
    (void)bg_binom_terms(fabs(C - 1.0), rho / z0, BG_TAY_M - 1, &top);
    return cond <= 16.0 && top <= 10.0
           && fabs(c[BG_TAY_M - 1]) * pow(rho, (double)(BG_TAY_M - 1))
                  <= 10.0 * BG_SERIES_TOL * fabs(c[0]);
}

/* B's power series at 0 to the terms z <= zb needs (0: it does not
 * reach there); in->beta grows as needed (its terms do not depend on
 * how many are computed). */
static size_t
bg_tay_beta(bg_ctab *t, bg_tay_in *in, size_t x, double zb)
{
    size_t k = bg_taylor_kmax(zb);
    if (k > in->kmax) {
        bg_bracket_coef(t->G + x * (BG_CTAB_K + 1), in->p[2] - 1.0, k,
                        in->beta);
        in->kmax = k;
    }
    return k;
}

/*
 * Buckets by the distance to z = 1: v = 1 - z in octave k (v in
 * [2^-(k+1), 2^-k)) is cut into S = 2^sh equal parts, and part s is
 * bucket k S + (S - 1 - s), so that the index grows with z. A bucket's
 * half-width is then at most 1/(2S) of its distance to 1, wherever it
 * lies: a batch whose z reach from 0.3 to 0.99 needs a few octaves, not
 * (as equal buckets would) a hundred times more buckets than one whose z
 * stay below 0.6. The index comes from v's bits: no log, no division.
 * v = 1 (z below 1e-16) gives -1 and a v of 0 a huge index: no bucket.
 */
static int64_t
bg_tay_index(double z, unsigned sh)
{
    double v = 1.0 - z;
    uint64_t b;
    int64_t k, s, S = (int64_t)1 << sh;
    memcpy(&b, &v, sizeof b);
    k = 1022 - (int64_t)(b >> 52); /* v in [0, 1]: no sign bit */
    s = (int64_t)((b & 0x000fffffffffffffu) >> (52 - sh));
    return k * S + (S - 1 - s);
}

/* Centre and half-width of bucket g (2^sh per octave). */
static void
bg_tay_bucket(int64_t g, unsigned sh, double *z0, double *rho)
{
    int64_t S = (int64_t)1 << sh, k = g >> sh, s = S - 1 - (g & (S - 1));
    double w = ldexp(1.0 / (double)S, -(int)(k + 1));
    double v0 = ldexp(1.0 + (double)s / (double)S, -(int)(k + 1)) + 0.5 * w;
    *z0 = 1.0 - v0;
    *rho = 0.5 * w;
}

/*
 * The nb buckets of x from index glo (2^sh per octave): centres,
 * coefficients and whether each is used. Buckets below z = 1/2 take B's
 * power series at 0 (their last term below in->tol), where it is short;
 * the others H's ODE, or, where that is not used, the power series as far
 * as it reaches (t->zstar). Returns the number of buckets not used.
 */
static size_t
bg_taylor_buckets(bg_ctab *t, bg_tay_in *in, size_t x, int64_t glo,
                  unsigned sh, size_t nb)
{
    double hc[BG_TAY_NC], zp = 0.0;
    size_t j, unused = 0, anchor = 0;
    int st = 0;
    for (j = 0; j < nb; j++) {
        size_t at = x * BG_TAY_NB + j, k = 0;
        double *c = t->c + at * BG_TAY_M, rho, zb;
        int ok = 0;
        bg_tay_bucket(glo + (int64_t)j, sh, &t->z0[at], &rho);
        zb = t->z0[at] + rho;
        if (zb > 0.5)
            ok = bg_bucket_ode(t, in, x, j, rho, hc, &zp, &st, &anchor);
        if (!ok && zb <= t->zstar)
            k = bg_tay_beta(t, in, x, zb > in->zhi ? in->zhi : zb);
        if (k > 0) {
            bg_taylor_coef(t, in->beta, k, t->z0[at], c);
            ok = fabs(c[BG_TAY_M - 1]) * pow(rho, (double)(BG_TAY_M - 1))
                 <= in->tol;
        }
        t->tay_ok[at] = ok;
        unused += !ok;
    }
    return unused;
}

#define BG_TAY_SH0 5u /* 32 buckets per octave: rho <= (1 - z)/64 */
#define BG_TAY_SHMAX 12u

/* Buckets of x's rows at 2^sh per octave: 0 when over BG_TAY_NB. */
static size_t
bg_tay_count(const bg_ctab *t, size_t x, unsigned sh)
{
    int64_t glo = bg_tay_index(t->zlo[x], sh);
    int64_t ghi = bg_tay_index(t->zhi[x], sh);
    if (glo < 0 || ghi < glo || ghi - glo >= (int64_t)BG_TAY_NB)
        return 0;
    return (size_t)(ghi - glo + 1);
}

/*
 * Taylor re-expansions of B over the z values a batch has for one x:
 * the buckets that cover [zlo, zhi] (bg_tay_index) have half-width rho
 * <= (1 - z0)/64, and B is re-expanded about each centre z0. B is
 * analytic in |z| < 1, so |c_i| <= M/(1-z0)^i and the terms c_i
 * (z-z0)^i fall at least like (rho/(1-z0))^i <= 1/64: the tail after the
 * last kept term is below a 63rd of it. A bucket is used only when its
 * last (10th) term is below the series tolerance; when one is not, the
 * buckets are halved (the last term falls by 2^9) while BG_TAY_NB
 * allows, and the customers of a bucket still not used keep the
 * per-customer series. x whose range needs more than BG_TAY_NB buckets
 * keeps it too. (Ten terms in four times the buckets of sixteen cost
 * less per customer; the values agree within a few ulp, and both within
 * 5e-15 of 40-digit references.)
 */
static void
bg_taylor_build(bg_ctab *t, const double *p, size_t x)
{
    double beta[BG_CTAB_K + 1], zlo = t->zlo[x], zhi = t->zhi[x];
    bg_tay_in in;
    unsigned sh = BG_TAY_SH0;
    size_t nb;
    t->nb[x] = 0;
    if (!(zhi >= zlo) || t->k0[x] > BG_CTAB_K)
        return;
    nb = bg_tay_count(t, x, sh);
    if (nb == 0)
        return;
    in.p = p;
    in.beta = beta;
    in.kmax = 0;
    in.zhi = zhi;
    /* the last term must be negligible next to B >= z (1-z)^max(e,0) */
    in.tol = BG_SERIES_TOL * 10.0 * zlo * (1.0 - zhi);
    while (bg_taylor_buckets(t, &in, x, bg_tay_index(zlo, sh), sh, nb) > 0
           && sh < BG_TAY_SHMAX && bg_tay_count(t, x, sh + 1) > 0)
        nb = bg_tay_count(t, x, ++sh);
    t->sh[x] = sh;
    t->glo[x] = bg_tay_index(zlo, sh);
    t->nb[x] = nb;
}

/* The largest z (to 1e-6) the power series at 0 serves (bg_taylor_kmax
 * > 0 there; it is for every smaller z). */
static double
bg_taylor_zstar(void)
{
    double lo = 0.5, hi = 1.0;
    while (hi - lo > 1e-6) {
        double mid = 0.5 * (lo + hi);
        if (bg_taylor_kmax(mid) > 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Estrin's scheme for the 10 Taylor terms: short dependency chains. */
static inline double
bg_taylor_eval(const double *c, double d)
{
    double d2 = d * d, d4 = d2 * d2, d8 = d4 * d4;
    double p01 = c[0] + c[1] * d, p23 = c[2] + c[3] * d;
    double p45 = c[4] + c[5] * d, p67 = c[6] + c[7] * d;
    double p89 = c[8] + c[9] * d;
    double q0 = p01 + d2 * p23, q1 = p45 + d2 * p67;
    return (q0 + d4 * q1) + d8 * p89;
}

/*
 * The z range of each x from the range of T (tlo, thi: inf and -inf for
 * an x no row has). z = t/(alpha + T + t) is computed by monotone
 * operations, so a row's z lies within the range's ends exactly.
 */
/* What the tables of a batch are built from (read-only to the tasks). */
typedef struct bg_tab_job {
    bg_ctab *t;
    const double *p, *tlo, *thi;
    double tt;
} bg_tab_job;

/* All tables of one x (a task of loy__par_tasks: the x are independent). */
static void
bg_tables_x(void *ctx, size_t x)
{
    const bg_tab_job *j = ctx;
    bg_ctab *t = j->t;
    const double *p = j->p;
    bg_ctab_fill_x(t, p, x);
    if (j->tlo[x] <= j->thi[x]) {
        t->zlo[x] = j->tt / (p[1] + j->thi[x] + j->tt);
        t->zhi[x] = j->tt / (p[1] + j->tlo[x] + j->tt);
    } else { /* no row with this x */
        t->zlo[x] = 1.0;
        t->zhi[x] = 0.0;
    }
    bg_taylor_build(t, p, x);
}

/*
 * Each x's buckets were built at x BG_TAY_NB (the x are built apart, on
 * any thread); move them down to follow one another, x by x (a move
 * never reaches a later x's buckets: off[x] + nb[x] <= (x + 1)
 * BG_TAY_NB).
 */
static void
bg_tables_pack(bg_ctab *t)
{
    size_t x, off = 0;
    for (x = 0; x <= t->xmax; x++) {
        size_t from = x * BG_TAY_NB, nb = t->nb[x];
        t->off[x] = off;
        if (nb > 0 && off != from) {
            memmove(t->c + off * BG_TAY_M, t->c + from * BG_TAY_M,
                    nb * BG_TAY_M * sizeof *t->c);
            memmove(t->z0 + off, t->z0 + from, nb * sizeof *t->z0);
            memmove(t->tay_ok + off, t->tay_ok + from,
                    nb * sizeof *t->tay_ok);
        }
        off += nb;
    }
}

/* The tables of x = 0..xmax on up to `threads` threads. */
static void
bg_tables_fill(bg_ctab *t, const double *p, size_t xmax, const double *tlo,
               const double *thi, double tt, uint32_t threads)
{
    bg_tab_job j;
    t->xmax = xmax;
    t->zstar = bg_taylor_zstar();
    bg_taylor_steps(t);
    j.t = t;
    j.p = p;
    j.tlo = tlo;
    j.thi = thi;
    j.tt = tt;
    loy__par_tasks(threads, xmax + 1, bg_tables_x, &j);
    bg_tables_pack(t);
}

/*
 * One pass over the rows for the tables: the largest x (capped at
 * BG_CTAB_XMAX) and the range of T of each x up to the cap. Comparisons
 * only, no division per row. Four sets of ranges, row i updating set
 * i % 4: most rows share an x, and one set would chain every row's
 * update to the last through memory. Minima and maxima are exact, so
 * merging the sets changes nothing.
 */
#define BG_RANGE_SETS 4u

static size_t
bg_row_ranges(const double *x, const double *T, size_t n, double *tlo,
              double *thi)
{
    double lo[BG_RANGE_SETS][BG_CTAB_XMAX + 1];
    double hi[BG_RANGE_SETS][BG_CTAB_XMAX + 1];
    size_t i, j, s, xmax = 0;
    for (s = 0; s < BG_RANGE_SETS; s++)
        for (j = 0; j <= BG_CTAB_XMAX; j++) {
            lo[s][j] = (double)INFINITY;
            hi[s][j] = -(double)INFINITY;
        }
    for (i = 0; i < n; i++) {
        double *l = lo[i % BG_RANGE_SETS], *h = hi[i % BG_RANGE_SETS];
        if (x[i] <= (double)BG_CTAB_XMAX) {
            j = (size_t)x[i];
            l[j] = T[i] < l[j] ? T[i] : l[j];
            h[j] = T[i] > h[j] ? T[i] : h[j];
            xmax = j > xmax ? j : xmax;
        } else {
            xmax = BG_CTAB_XMAX;
        }
    }
    for (j = 0; j <= BG_CTAB_XMAX; j++) {
        tlo[j] = lo[0][j];
        thi[j] = hi[0][j];
        for (s = 1; s < BG_RANGE_SETS; s++) {
            tlo[j] = lo[s][j] < tlo[j] ? lo[s][j] : tlo[j];
            thi[j] = hi[s][j] > thi[j] ? hi[s][j] : thi[j];
        }
    }
    return xmax;
}

/* The ranges of shares of the rows, one share per task. */
typedef struct bg_range_job {
    const double *x, *T;
    size_t n, parts;
    double *lo, *hi; /* (BG_CTAB_XMAX + 1) per share */
    size_t *xmax;    /* per share */
} bg_range_job;

static void
bg_ranges_part(void *ctx, size_t k)
{
    const bg_range_job *j = ctx;
    size_t i0 = j->n / j->parts * k;
    size_t i1 = k + 1 == j->parts ? j->n : j->n / j->parts * (k + 1);
    j->xmax[k] = bg_row_ranges(j->x + i0, j->T + i0, i1 - i0,
                               j->lo + k * (BG_CTAB_XMAX + 1),
                               j->hi + k * (BG_CTAB_XMAX + 1));
}

/*
 * bg_row_ranges over shares of the rows on up to `threads` threads, then
 * merged (exact: the same ranges for every thread count). One share on
 * the calling thread when there is no room for the shares' ranges.
 */
static size_t
bg_row_ranges_par(const double *x, const double *T, size_t n,
                  uint32_t threads, double *tlo, double *thi)
{
    bg_range_job j;
    size_t parts = threads > 1u ? threads : 1u, k, m, xmax = 0;
    double *buf;
    parts = parts < n / LOY__PAR_MIN_ROWS ? parts : n / LOY__PAR_MIN_ROWS;
    parts = parts > LOY_MAX_THREADS ? LOY_MAX_THREADS : parts;
    buf = parts > 1u ? malloc(parts * (2 * (BG_CTAB_XMAX + 1) * sizeof *buf
                                       + sizeof *j.xmax))
                     : NULL;
    if (buf == NULL)
        return bg_row_ranges(x, T, n, tlo, thi);
    j.x = x;
    j.T = T;
    j.n = n;
    j.parts = parts;
    j.lo = buf;
    j.hi = buf + parts * (BG_CTAB_XMAX + 1);
    j.xmax = (size_t *)(buf + 2 * parts * (BG_CTAB_XMAX + 1));
    loy__par_tasks(threads, parts, bg_ranges_part, &j);
    for (m = 0; m <= BG_CTAB_XMAX; m++) {
        tlo[m] = j.lo[m];
        thi[m] = j.hi[m];
        for (k = 1; k < parts; k++) {
            const double *l = j.lo + k * (BG_CTAB_XMAX + 1);
            const double *h = j.hi + k * (BG_CTAB_XMAX + 1);
            tlo[m] = l[m] < tlo[m] ? l[m] : tlo[m];
            thi[m] = h[m] > thi[m] ? h[m] : thi[m];
        }
    }
    for (k = 0; k < parts; k++)
        xmax = j.xmax[k] > xmax ? j.xmax[k] : xmax;
    free(buf);
    return xmax;
}

/* CET of one customer (validated input, P(alive) pa), table used when
 * tab != NULL. */
static int
bg_cet1(const double *p, const bg_ctab *tab, double x, double T, double t,
        double pa, double *out)
{
    double C, q, l, z, e, em, first;
    double h;
    if (t == 0.0) {
        *out = 0.0;
        return LOY_OK;
    }
    C = p[2] + p[3] + x - 1.0;
    /* the tables serve the well-conditioned series only (A > -1: terms of
     * one sign after the first; a moderate) */
    if (tab == NULL || x > (double)tab->xmax || C < 1.0
        || !(p[2] + p[3] - p[0] > 0.0 && p[2] <= 50.0)) {
        LOY__TRY(loy__bgnbd_enew(p[0] + x, p[1] + T, p[2], p[3] + x, t, &h));
        *out = pa * h;
        return LOY_OK;
    }
    z = t / (p[1] + T + t); /* as in bg_tables_x */
    {
        size_t xi = (size_t)x, at;
        int64_t j = bg_tay_index(z, tab->sh[xi]) - tab->glo[xi];
        if (j >= 0 && (size_t)j < tab->nb[xi]) {
            at = tab->off[xi] + (size_t)j;
            if (tab->tay_ok[at]) {
                *out = pa * C * bg_taylor_eval(tab->c + at * BG_TAY_M,
                                               z - tab->z0[at]);
                return LOY_OK;
            }
        }
    }
    q = t / (p[1] + T);
    l = -log1p(q);
    z = q / (1.0 + q);
    e = p[2] - 1.0;
    em = expm1(e * l); /* (1-z)^(a-1) - 1 */
    first = e == 0.0 ? -l : -em / e;
    if (bg_ctab_h(tab, (size_t)x, z, fabs(first), &h) != LOY_OK) {
        LOY__TRY(loy__bgnbd_enew(p[0] + x, p[1] + T, p[2], p[3] + x, t, &h));
        *out = pa * h;
        return LOY_OK;
    }
    *out = pa * C * (first - (1.0 + em) * h);
    return LOY_OK;
}

/* One batch's shared inputs: rows are independent once the tables are
 * built, so any split of them gives the same values. */
typedef struct bg_batch {
    double *out, *pa_out;
    const double *p, *x, *t_x, *T;
    const bg_ctab *tab;
    const double *lab;
    double t;
} bg_batch;

/* Rows per P(alive) block: the vector kernel's batch, on the stack. */
#define BG_ROW_BLOCK 256u

/* No Taylor bucket for the row: bg_cet1 decides. */
#define BG_NO_BUCKET UINT32_MAX

/*
 * The Taylor bucket of each row of a block (BG_NO_BUCKET where bg_cet1
 * must decide) and the row's offset d = z - z0 from its centre, by the
 * tests of bg_cet1 in the same order: what bg_cet1 would evaluate, it
 * evaluates here with the same operations, so the values are the same.
 */
static void
bg_taylor_locate(const bg_batch *b, size_t i, size_t m, uint32_t *at,
                 double *d)
{
    const bg_ctab *tab = b->tab;
    const double *p = b->p;
    size_t j;
    if (tab == NULL || b->t == 0.0
        || !(p[2] + p[3] - p[0] > 0.0 && p[2] <= 50.0)) {
        for (j = 0; j < m; j++)
            at[j] = BG_NO_BUCKET;
        return;
    }
    for (j = 0; j < m; j++) {
        double x = b->x[i + j], z;
        size_t xi, k;
        int64_t g;
        at[j] = BG_NO_BUCKET;
        if (x > (double)tab->xmax || p[2] + p[3] + x - 1.0 < 1.0)
            continue;
        xi = (size_t)x;
        z = b->t / (p[1] + b->T[i + j] + b->t);
        g = bg_tay_index(z, tab->sh[xi]) - tab->glo[xi];
        if (g < 0 || (size_t)g >= tab->nb[xi])
            continue;
        k = tab->off[xi] + (size_t)g;
        if (tab->tay_ok[k]) {
            at[j] = (uint32_t)k;
            d[j] = z - tab->z0[k];
        }
    }
}

/*
 * CET of a block: the Taylor rows in a loop with no branches (the
 * polynomials of neighbouring rows overlap), then the others one by one.
 */
static int
bg_cet_block(const bg_batch *b, size_t i, size_t m, const double *pa,
             size_t *bad)
{
    uint32_t at[BG_ROW_BLOCK];
    double d[BG_ROW_BLOCK];
    const double *p = b->p;
    size_t j;
    bg_taylor_locate(b, i, m, at, d);
    for (j = 0; j < m; j++)
        if (at[j] != BG_NO_BUCKET) {
            double C = p[2] + p[3] + b->x[i + j] - 1.0;
            b->out[i + j] = pa[j] * C
                            * bg_taylor_eval(b->tab->c + at[j] * BG_TAY_M,
                                             d[j]);
        }
    for (j = 0; j < m; j++) {
        int rc = LOY_OK;
        if (at[j] == BG_NO_BUCKET)
            rc = bg_cet1(p, b->tab, b->x[i + j], b->T[i + j], b->t, pa[j],
                         &b->out[i + j]);
        if (rc == LOY_OK && !loy__finite(b->out[i + j]))
            rc = LOY_ENOCONV;
        if (rc != LOY_OK) {
            *bad = i + j;
            return rc;
        }
    }
    return LOY_OK;
}

static int
bg_cet_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const bg_batch *b = ctx;
    double pa[BG_ROW_BLOCK];
    size_t i, j, m;
    for (i = i0; i < i1; i += m) {
        m = i1 - i < BG_ROW_BLOCK ? i1 - i : BG_ROW_BLOCK;
        if (b->t_x != NULL)
            loy__bgnbd_palive_rows(b->p, b->lab, b->x + i, b->t_x + i,
                                   b->T + i, m, pa);
        else /* E_new only (loy__bgnbd_enew_rows) */
            for (j = 0; j < m; j++)
                pa[j] = 1.0;
        if (b->pa_out != NULL)
            memcpy(b->pa_out + i, pa, m * sizeof *pa);
        LOY__TRY(bg_cet_block(b, i, m, pa, bad));
    }
    return LOY_OK;
}

static int
bg_palive_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const bg_batch *b = ctx;
    (void)bad;
    loy__bgnbd_palive_rows(b->p, b->lab, b->x + i0, b->t_x + i0, b->T + i0,
                           i1 - i0, b->pa_out + i0);
    return LOY_OK;
}

/* CET (out) and P(alive) (pa_out, or NULL) of validated rows. */
static int
bg_cet_run(double *out, double *pa_out, const double *p, const double *x,
           const double *t_x, const double *T, size_t n, double t,
           uint32_t threads, size_t *err_index)
{
    bg_ctab *tab = NULL;
    bg_batch b;
    double lab[LOY__BG_LAB_N];
    double tlo[BG_CTAB_XMAX + 1], thi[BG_CTAB_XMAX + 1];
    int rc;
    loy__bgnbd_lab_fill(p, lab);
    if (n >= BG_CTAB_MIN_N) {
        size_t xmax = bg_row_ranges_par(x, T, n, threads, tlo, thi);
        tab = malloc(sizeof *tab);
        if (tab != NULL)
            bg_tables_fill(tab, p, xmax, tlo, thi, t, threads);
    }
    b.out = out;
    b.pa_out = pa_out;
    b.p = p;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.tab = tab;
    b.lab = lab;
    b.t = t;
    rc = loy__par_rows(threads, n, bg_cet_range, &b, err_index);
    free(tab);
    return rc;
}

int
loy__bgnbd_enew_rows(double *out, const double *p, const double *x,
                     const double *T, size_t n, double t, uint32_t threads,
                     size_t *err_index)
{
    return bg_cet_run(out, NULL, p, x, NULL, T, n, t, threads, err_index);
}

int
loy__bgnbd_cet_batch(double *out, double *pa_out, const double *p,
                     const double *x, const double *t_x, const double *T,
                     size_t n, double t, size_t *err_index)
{
    return bg_cet_run(out, pa_out, p, x, t_x, T, n, t, 1u, err_index);
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
    double lab[LOY__BG_LAB_N];
    bg_batch b;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE((palive != NULL || cet != NULL) && params != NULL,
                 LOY_EINVAL);
    LOY__TRY(loy__predict_threads(opts, &threads));
    LOY__TRY(loy__btyd_check_par(params, 4, x, t_x, T, NULL, n, threads,
                                 err_index));
    if (cet != NULL) {
        LOY__TRY(bg_check_t(t));
        return bg_cet_run(cet, palive, params, x, t_x, T, n, t, threads,
                          err_index);
    }
    loy__bgnbd_lab_fill(params, lab);
    memset(&b, 0, sizeof b);
    b.pa_out = palive;
    b.p = params;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.lab = lab;
    return loy__par_rows(threads, n, bg_palive_range, &b, err_index);
}
