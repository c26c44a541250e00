/* SPDX-License-Identifier: MIT */
/*
 * mbgnbd.c - the MBG/NBD model (Batislam, Denizel & Filiztekin 2007;
 * MODELS.md 6.2): BG/NBD in which the customer may also drop out at time 0.
 * Log-likelihood with analytic gradient, ML fit, P(alive), CET, E[X(t)].
 *
 * Both expectations are BG/NBD ones: given (lambda, p) a customer alive
 * at the start buys (1 - p)(1 - e^(-lambda p t))/p times in (0, t], and
 * E_p[(1-p) g(p)] over Beta(a, b) is b/(a+b) E_p[g(p)] over Beta(a, b+1),
 * so E[X(t)] = b/(a+b) E_new^BG(r, alpha, a, b+1) and
 * CET = P(alive) E_new^BG(r+x, alpha+T, a, b+x+1) (MODELS.md 6.2 in that
 * form), with the BG/NBD module's series and its quadrature fallback.
 */
#include "clv/pnbd_internal.h"
#include "numeric/parallel.h"
#include "clv/bgnbd_internal.h"
#include "clv/btyd.h"
#include "numeric/specfun.h"
#include "clv/limits.h"


typedef struct mbg_par {
    double r, alpha, a, b;
    double lalpha, la, lrr; /* lrr = ln r - ln alpha */
} mbg_par;

static void
mbg_par_set(mbg_par *p, const double *params)
{
    p->r = params[0];
    p->alpha = params[1];
    p->a = params[2];
    p->b = params[3];
    p->lalpha = log(p->alpha);
    p->la = log(p->a);
    p->lrr = log(p->r) - p->lalpha;
}

/*
 * Terms that depend on x only: in a fit from the table of loy__pnbd_data
 * (refreshed once per evaluation), else cached across rows sorted by x.
 */
enum { MX_HEAD, MX_LBX, MX_DR, MX_DA, MX_DB };
/* head = lnG(r+x) - lnG(r) - x ln r + lnB(a,b+x+1) - lnB(a,b) (the
   r ln alpha + x ln r go into the LSE below, as x ln(r/alpha) - r l:
   nothing of the size of r is left when r and alpha are huge),
   lbx = ln(b+x), dr = psi(r+x) - psi(r), da/db = d head / d(a, b) */

typedef struct mbg_cache {
    const loy__pnbd_data *tab; /* or NULL */
    double x;                  /* key of own[]; NaN when empty */
    int grad;                  /* derivative terms valid */
    double own[5];
} mbg_cache;

static void
mbg_xterms_fill(const mbg_par *p, double x, int want, double *xt)
{
    xt[MX_HEAD] = loy__lgamma_diff_scaled(p->r, x)
                  + loy__lgamma_diff(p->b, x + 1.0)
                  - loy__lgamma_diff(p->a + p->b, x + 1.0);
    xt[MX_LBX] = log(p->b + x);
    if (want) {
        double pab = loy__digamma(p->a + p->b);
        double pabx = loy__digamma(p->a + p->b + x + 1.0);
        xt[MX_DR] = loy__digamma(p->r + x) - loy__digamma(p->r);
        xt[MX_DA] = pab - pabx;
        xt[MX_DB] = loy__digamma(p->b + x + 1.0) - loy__digamma(p->b) + pab
                    - pabx;
    }
}

static void
mbg_cache_init(mbg_cache *c, const mbg_par *p, const loy__pnbd_data *tab,
               int want)
{
    size_t i;
    c->tab = tab != NULL && tab->xtab != NULL ? tab : NULL;
    c->x = (double)NAN;
    c->grad = 0;
    if (c->tab != NULL)
        for (i = 0; i < tab->nxs; i++)
            mbg_xterms_fill(p, tab->xs[i], want,
                            tab->xtab
                                + LOY__PNBD_XSTRIDE * (size_t)tab->xs[i]);
}

static const double *
mbg_xterms(const mbg_par *p, mbg_cache *c, double x, int want)
{
    if (c->tab != NULL && x <= (double)c->tab->xmax)
        return c->tab->xtab + LOY__PNBD_XSTRIDE * (size_t)x;
    if (c->x != x || (want && !c->grad)) {
        mbg_xterms_fill(p, x, want, c->own);
        c->x = x;
        c->grad = want;
    }
    return c->own;
}

/*
 * ln L = head + LSE(p1, p2), p1 = x ln r + r ln alpha - (r+x) ln(alpha+T)
 * (alive), p2 = ln a - ln(b+x) + x ln r + r ln alpha - (r+x)
 * ln(alpha+t_x) (dropped out after the last purchase), both written as
 * x (ln(r/alpha) - l) - r l with l = ln(1 + t/alpha); *u = p2 - p1 and
 * P(alive) = 1/(1+e^u).
 */
static void
mbg_row(const mbg_par *p, const double *xt, double x, double tx, double T,
        double *ll, double *u, double *grad)
{
    double lT = log1p(T / p->alpha), ltx = log1p(tx / p->alpha);
    double p1 = x * (p->lrr - lT) - p->r * lT;
    double p2 = p->la - xt[MX_LBX] + x * (p->lrr - ltx) - p->r * ltx;
    *u = p2 - p1;
    *ll = xt[MX_HEAD] + loy__lse(p1, p2);
    if (grad != NULL) {
        double pi1 = loy__expit_neg(*u), pi2 = loy__expit_neg(-*u);
        double ra = p->r / p->alpha;
        grad[0] = xt[MX_DR] - pi1 * lT - pi2 * ltx;
        /* r/alpha - (r+x)/(alpha+t) = ((r/alpha) t - x)/(alpha+t) */
        grad[1] = pi1 * (ra * T - x) / (p->alpha + T)
                  + pi2 * (ra * tx - x) / (p->alpha + tx);
        grad[2] = xt[MX_DA] + pi2 / p->a;
        grad[3] = xt[MX_DB] - pi2 / (p->b + x);
    }
}

int
loy__mbgnbd_loglik1(const double *params, double x, double t_x, double T,
                    double *ll, double *grad)
{
    mbg_par p;
    mbg_cache c;
    double u;
    mbg_par_set(&p, params);
    mbg_cache_init(&c, &p, NULL, 0);
    mbg_row(&p, mbg_xterms(&p, &c, x, grad != NULL), x, t_x, T, ll, &u,
            grad);
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

int
loy_mbgnbd_loglik(double *out, const double params[4], const double *x,
                  const double *t_x, const double *T, const double *weights,
                  size_t n, size_t *err_index)
{
    mbg_par p;
    mbg_cache c;
    loy__ksum acc = {0.0, 0.0};
    size_t i;
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, weights, n, err_index));
    mbg_par_set(&p, params);
    mbg_cache_init(&c, &p, NULL, 0);
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0, ll, u;
        mbg_row(&p, mbg_xterms(&p, &c, x[i], 0), x[i], t_x[i], T[i], &ll, &u,
                NULL);
        if (!loy__finite(ll)) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        if (w != 0.0)
            loy__ksum_add(&acc, w * ll);
    }
    LOY__REQUIRE(loy__finite(loy__ksum_value(&acc)), LOY_EOVERFLOW);
    *out = loy__ksum_value(&acc);
    return LOY_OK;
}

int
loy_mbgnbd_loglik_each(double *out, const double params[4], const double *x,
                       const double *t_x, const double *T, size_t n,
                       double *grad, size_t *err_index)
{
    mbg_par p;
    mbg_cache c;
    size_t i;
    int want = grad != NULL;
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, NULL, n, err_index));
    mbg_par_set(&p, params);
    mbg_cache_init(&c, &p, NULL, 0);
    for (i = 0; i < n; i++) {
        double u;
        mbg_row(&p, mbg_xterms(&p, &c, x[i], want), x[i], t_x[i], T[i],
                &out[i], &u, want ? grad + 4 * i : NULL);
        if (!loy__finite(out[i])
            || (want && !loy__finite(grad[4 * i] + grad[4 * i + 1]
                                     + grad[4 * i + 2] + grad[4 * i + 3]))) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
    }
    return LOY_OK;
}

/* One batch: P(alive) (palive, or NULL) and CET (cet, or NULL). */
typedef struct mbg_batch {
    double *palive, *cet;
    const double *params, *lab; /* lab: loy__mbgnbd_lab_fill */
    const double *x, *t_x, *T;
    double t;
} mbg_batch;

/* Rows per P(alive) block, on the stack. */
#define MBG_ROW_BLOCK 256u

/* Rows [i0, i1): P(alive) by the vector rows of bgnbd_palive.c, whose
 * values do not depend on the split. */
static int
mbg_predict_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const mbg_batch *b = ctx;
    double pa[MBG_ROW_BLOCK];
    size_t i, j, m;
    for (i = i0; i < i1; i += m) {
        m = i1 - i < MBG_ROW_BLOCK ? i1 - i : MBG_ROW_BLOCK;
        loy__mbgnbd_palive_rows(b->params, b->lab, b->x + i, b->t_x + i,
                                b->T + i, m, pa);
        for (j = 0; j < m; j++) {
            /* NaN where the row's P(alive) cannot be formed */
            if (!loy__finite(pa[j])) {
                *bad = i + j;
                return LOY_ENOCONV;
            }
            if (b->cet != NULL) {
                /* cet holds the BG/NBD new-customer expectation with
                 * b + x + 1 (file comment; mbg_run) */
                double v = b->cet[i + j] * pa[j];
                if (!loy__finite(v)) {
                    *bad = i + j;
                    return LOY_ENOCONV;
                }
                b->cet[i + j] = v;
            }
            if (b->palive != NULL)
                b->palive[i + j] = pa[j];
        }
    }
    return LOY_OK;
}

/*
 * P(alive) and CET of validated rows: E_new with b + 1 for every row
 * first (the BG/NBD batch tables: bgnbd.c), then P(alive) and the
 * product. A row whose E_new fails ends the batch there: the rows before
 * it are completed and its index reported.
 */
static int
mbg_run(mbg_batch *b, const double *params, size_t n, uint32_t threads,
        size_t *err_index)
{
    size_t bad = LOY_NO_INDEX, bad2 = LOY_NO_INDEX;
    int rc = LOY_OK, rc2;
    if (b->cet != NULL) {
        const double pb[4] = {params[0], params[1], params[2],
                              params[3] + 1.0};
        rc = loy__bgnbd_enew_rows(b->cet, pb, b->x, b->T, n, b->t, threads,
                                  &bad);
        if (rc != LOY_OK)
            n = bad;
    }
    rc2 = loy__par_rows(threads, n, mbg_predict_range, b, &bad2);
    if (rc2 != LOY_OK) {
        loy__set_index(err_index, bad2);
        return rc2;
    }
    if (rc != LOY_OK)
        loy__set_index(err_index, bad);
    return rc;
}

/* P(alive) and/or CET (either output NULL) of validated rows. */
static int
mbg_score_run(double *palive, double *cet, const double *params,
              const double *x, const double *t_x, const double *T, size_t n,
              double t, uint32_t threads, size_t *err_index)
{
    mbg_batch b;
    double lab[LOY__BG_LAB_N];
    loy__mbgnbd_lab_fill(params, lab);
    b.palive = palive;
    b.cet = cet;
    b.params = params;
    b.lab = lab;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.t = t;
    return mbg_run(&b, params, n, threads, err_index);
}

/* CET when t >= 0, P(alive) when t < 0 (internal switch). */
static int
mbg_predict(double *out, const double *params, const double *x,
            const double *t_x, const double *T, size_t n, double t,
            size_t *err_index)
{
    return mbg_score_run(t < 0.0 ? out : NULL, t < 0.0 ? NULL : out, params,
                         x, t_x, T, n, t, 1u, err_index);
}

int
loy_mbgnbd_score(double *palive, double *cet, const double params[4],
                 const double *x, const double *t_x, const double *T,
                 size_t n, double t, const loy_predict_options *opts,
                 size_t *err_index)
{
    uint32_t threads;
    LOY__TRY(loy__pnbd_score_check(palive, cet, params, x, t_x, T, n, t,
                                   opts, &threads, err_index));
    return mbg_score_run(palive, cet, params, x, t_x, T, n, t, threads,
                         err_index);
}

int
loy_mbgnbd_palive(double *out, const double params[4], const double *x,
                  const double *t_x, const double *T, size_t n,
                  size_t *err_index)
{
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, NULL, n, err_index));
    return mbg_predict(out, params, x, t_x, T, n, -1.0, err_index);
}

int
loy_mbgnbd_expected(double *out, const double params[4], const double *x,
                    const double *t_x, const double *T, size_t n, double t,
                    size_t *err_index)
{
    LOY__TRY(loy__pnbd_check(out, params, x, t_x, T, NULL, n, err_index));
    LOY__REQUIRE(loy__finite(t), LOY_ENONFINITE);
    LOY__REQUIRE(t >= 0.0, LOY_EDOMAIN);
    return mbg_predict(out, params, x, t_x, T, n, t, err_index);
}

int
loy_mbgnbd_expected_new(double *out, const double params[4], const double *t,
                        size_t n, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__TRY(loy__btyd_check_params(params, 4, err_index));
    for (i = 0; i < n; i++) {
        int rc = !loy__finite(t[i]) ? LOY_ENONFINITE
                 : t[i] < 0.0      ? LOY_EDOMAIN
                                   : LOY_OK;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        const double r = params[0], al = params[1], a = params[2];
        const double b = params[3];
        double br;
        if (loy__bgnbd_enew(r, al, a, b + 1.0, t[i], &br) != LOY_OK
            || !loy__finite(br)) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        out[i] = b / (a + b) * br;
    }
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* Fit                                                                 */
/* ------------------------------------------------------------------ */

/* One evaluation's shared inputs (the x table filled before the split). */
typedef struct mbg_eval {
    const loy__pnbd_data *d;
    const mbg_par *p;
    int grad;
} mbg_eval;

/* Sums over rows [i0, i1): one block of loy__par_sum. */
static int
mbg_sum_range(void *ctx, size_t i0, size_t i1, double *acc)
{
    const mbg_eval *e = ctx;
    const loy__pnbd_data *d = e->d;
    mbg_cache c; /* per block: its own x cache, the shared table */
    double gr[4], l1, u;
    size_t i, j;
    c.tab = d->xtab != NULL ? d : NULL;
    c.x = (double)NAN;
    c.grad = 0;
    for (i = i0; i < i1; i++) {
        double w = d->w != NULL ? d->w[i] : 1.0;
        mbg_row(e->p, mbg_xterms(e->p, &c, d->x[i], e->grad), d->x[i],
                d->tx[i], d->T[i], &l1, &u, e->grad ? gr : NULL);
        acc[0] += w * l1;
        for (j = 0; e->grad && j < 4; j++)
            acc[j + 1] += w * gr[j];
    }
    return LOY_OK;
}

static int
mbg_fit_loglik(void *ctx, const double *prm, size_t k, double *ll, double *g)
{
    const loy__pnbd_data *d = ctx;
    mbg_par p;
    mbg_cache c;
    mbg_eval e;
    double sum[5];
    size_t j;
    (void)k;
    mbg_par_set(&p, prm);
    mbg_cache_init(&c, &p, d, g != NULL); /* fills the x table */
    e.d = d;
    e.p = &p;
    e.grad = g != NULL;
    LOY__TRY(loy__par_sum(d->threads, d->n, LOY__PNBD_SUM_BLOCK, 5,
                          mbg_sum_range, &e, sum));
    *ll = sum[0];
    if (g != NULL)
        for (j = 0; j < 4; j++)
            g[j] = prm[j] * sum[j + 1];
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

int
loy_mbgnbd_fit(double params_out[4], const double *x, const double *t_x,
               const double *T, const double *weights, size_t n,
               const loy_fit_options *opts, loy_fit_report *report,
               size_t *err_index)
{
    static const double tail[2] = {1.0, 3.0}; /* a, b as BTYD's BG/NBD */
    static const size_t warm[2] = {LOY__PNBD_WARM_MIN, LOY__PNBD_WARM_ROWS};
    return loy__pnbd_fit_driver(mbg_fit_loglik, tail, warm, LOY__MIX_BETA,
                                params_out, x, t_x, T, weights, n, opts,
                                report, err_index);
}
