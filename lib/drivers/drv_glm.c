/* SPDX-License-Identifier: MIT */
/*
 * drv_glm.c - logistic and ordinal driver analyses: data preparation,
 * the fit of every submodel (warm started from its parent in a depth-first
 * enumeration), the four pseudo-R² and the dominance statistics.
 *
 * Pseudo-R² (dominanceanalysis definitions; n rows, weights rescaled to
 * mean 1):
 *   McFadden   1 - l1/l0
 *   Cox-Snell  -expm1(2 (l0 - l1)/n)
 *   Nagelkerke Cox-Snell / -expm1(2 l0/n)
 *   Estrella   -expm1((-2 l0/n) ln(l1/l0))
 * exp(l0) is never formed: it underflows from l0 = -745 (n = 1075 for a
 * balanced outcome), where a widely used R package lets Nagelkerke
 * collapse to Cox-Snell. With covariates, a submodel's value is its index
 * minus the covariates-only model's.
 */
#include "drivers/drivers_internal.h"

#include "numeric/linalg.h"
#include "numeric/normal.h"
#include "numeric/specfun.h"

#include <stdlib.h>

#define GLM_MAX_CATEGORIES 64u

typedef int (*glm_fit_fn)(loy__glm *d, const size_t *cols, size_t m,
                          double *theta, double *ll, uint32_t *iter,
                          double *cov, const loy__glm_warm *warm);

static void
glm_free(loy__glm *d)
{
    free(d->X), free(d->y), free(d->w), free(d->mean), free(d->sd);
    free(d->levels), free(d->cut), free(d->eta), free(d->r), free(d->wv);
    free(d->tmp), free(d->work), free(d->last_theta);
    memset(d, 0, sizeof *d);
}

/* Source value (i, column j of the data matrix). */
static double
zval(const double *z, size_t i, size_t j, size_t rs, size_t cs)
{
    return z[i * rs + j * cs];
}

typedef struct glm_src {
    const double *z, *w;
    size_t n, k, rs, cs;
    int ordinal, listwise;
} glm_src;

/* Row i: 1 keep, 0 skip (missing, zero weight), or an error. */
static int
row_status(const glm_src *s, const loy__drv_cols *c, size_t i, size_t *err)
{
    size_t j, m = 1u + c->p + c->a;
    int missing = 0;
    if (s->w != NULL) {
        double w = s->w[i];
        if (!loy__finite(w)) {
            *err = i * (s->k + 1u) + s->k;
            return LOY_ENONFINITE;
        }
        if (w < 0.0) {
            *err = i * (s->k + 1u) + s->k;
            return LOY_ESCALE;
        }
    }
    for (j = 0; j < m; j++) {
        double v = zval(s->z, i, c->cols[j], s->rs, s->cs);
        if (v != v) {
            if (!s->listwise) {
                *err = i * (s->k + 1u) + c->cols[j];
                return LOY_ENONFINITE;
            }
            missing = 1;
            continue;
        }
        if (!loy__finite(v)) {
            *err = i * (s->k + 1u) + c->cols[j];
            return LOY_ENONFINITE;
        }
        if (j == 0 && !s->ordinal && v != 0.0 && v != 1.0) {
            *err = i * (s->k + 1u) + c->cols[j];
            return LOY_ESCALE;
        }
    }
    if (missing)
        return 0;
    return (s->w == NULL || s->w[i] > 0.0) ? 1 : 0;
}

static int
glm_alloc(loy__glm *d, size_t n, size_t q)
{
    d->X = malloc((q > 0u ? q : 1u) * n * sizeof *d->X);
    d->y = malloc(n * sizeof *d->y);
    d->w = malloc(n * sizeof *d->w);
    d->mean = malloc((q + 1u) * sizeof *d->mean);
    d->sd = malloc((q + 1u) * sizeof *d->sd);
    d->eta = malloc(n * sizeof *d->eta);
    d->r = malloc(n * sizeof *d->r);
    d->wv = malloc(n * sizeof *d->wv);
    d->tmp = malloc(n * sizeof *d->tmp);
    d->work = malloc((q + 2u) * sizeof *d->work);
    if (!d->X || !d->y || !d->w || !d->mean || !d->sd || !d->eta || !d->r
        || !d->wv || !d->tmp || !d->work)
        return LOY_ENOMEM;
    return LOY_OK;
}

/* Copy the kept rows; weights rescaled to mean 1. */
static int
glm_fill(loy__glm *d, const glm_src *s, const loy__drv_cols *c,
         uint64_t *skipped, double *sum_w, size_t *err)
{
    size_t i, j, r = 0, q = c->p + c->a;
    double W = 0.0;
    uint64_t skip = 0;
    for (i = 0; i < s->n; i++) {
        int st = row_status(s, c, i, err);
        if (st < 0)
            return st;
        if (st == 0) {
            skip += s->w == NULL || s->w[i] != 0.0;
            continue;
        }
        r++;
    }
    *skipped = skip;
    LOY__REQUIRE(r > 0u, LOY_EEMPTY);
    d->n = r;
    LOY__TRY(glm_alloc(d, r, q));
    for (i = 0, r = 0; i < s->n; i++) {
        if (row_status(s, c, i, err) != 1)
            continue;
        d->y[r] = zval(s->z, i, c->cols[0], s->rs, s->cs);
        d->w[r] = s->w != NULL ? s->w[i] : 1.0;
        W += d->w[r];
        for (j = 0; j < q; j++)
            d->X[j * d->n + r] = zval(s->z, i, c->cols[1 + j], s->rs, s->cs);
        r++;
    }
    *sum_w = W;
    for (i = 0; i < d->n; i++)
        d->w[i] *= (double)d->n / W;
    return LOY_OK;
}

/* Standardize each column; name a constant one. */
static int
glm_standardize(loy__glm *d, const loy__drv_cols *c, size_t *err)
{
    size_t j, i, n = d->n, q = c->p + c->a;
    for (j = 0; j < q; j++) {
        double *x = d->X + j * n, m = 0.0, ss = 0.0, s;
        for (i = 0; i < n; i++)
            m += d->w[i] * x[i];
        m /= (double)n;
        for (i = 0; i < n; i++)
            ss += d->w[i] * (x[i] - m) * (x[i] - m);
        s = sqrt(ss / ((double)n - 1.0));
        if (!(s > 1e-13 * fabs(m)) || !(s > 0.0)) {
            loy__set_index(err, c->cols[1 + j]);
            return LOY_EDEGENERATE;
        }
        d->mean[j] = m;
        d->sd[j] = s;
        for (i = 0; i < n; i++)
            x[i] = (x[i] - m) / s;
    }
    return LOY_OK;
}

/* Collinear columns: Cholesky of their correlation, then the inverse's
 * diagonal (as the linear analysis). */
static int
glm_collinear(const loy__glm *d, const loy__drv_cols *c, size_t *err)
{
    size_t q = c->p + c->a, n = d->n, i, j, l, fail = 0, worst = 0;
    double *R = malloc(q * q * sizeof *R), *Inv = malloc(q * q * sizeof *Inv);
    double best = DBL_MAX;
    int rc = LOY_OK;
    if (R == NULL || Inv == NULL) {
        free(R), free(Inv);
        return LOY_ENOMEM;
    }
    for (j = 0; j < q; j++)
        for (l = 0; l <= j; l++) {
            double s = 0.0;
            for (i = 0; i < n; i++)
                s += d->w[i] * d->X[j * n + i] * d->X[l * n + i];
            R[j * q + l] = R[l * q + j] = s / ((double)n - 1.0);
        }
    if (loy__chol(R, q, LOY__DRV_TOL, &fail) != LOY_OK) {
        loy__set_index(err, c->cols[1 + fail]);
        rc = LOY_EDEGENERATE;
    } else {
        loy__chol_inverse(R, q, Inv);
        for (i = 0; i < q; i++)
            if (1.0 / Inv[i * q + i] < best) {
                best = 1.0 / Inv[i * q + i];
                worst = i;
            }
        if (!(best > LOY__DRV_TOL)) {
            loy__set_index(err, c->cols[1 + worst]);
            rc = LOY_EDEGENERATE;
        }
    }
    free(R), free(Inv);
    return rc;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Outcome: logistic mean in (0, 1); ordinal categories; null model. */
static int
glm_outcome(loy__glm *d, const loy__drv_cols *c, int ordinal, size_t *err)
{
    size_t i, n = d->n, K = 0, k;
    double *sorted, *cnt, W = (double)n;
    if (!ordinal) {
        double yb = 0.0;
        for (i = 0; i < n; i++)
            yb += d->w[i] * d->y[i];
        yb /= W;
        if (!(yb > 0.0 && yb < 1.0)) {
            loy__set_index(err, c->cols[0]);
            return LOY_EDEGENERATE;
        }
        d->K = 2;
        d->l0 = W * (yb * log(yb) + (1.0 - yb) * log1p(-yb));
        d->cut = malloc(sizeof *d->cut);
        LOY__REQUIRE(d->cut != NULL, LOY_ENOMEM);
        d->cut[0] = log(yb / (1.0 - yb)); /* the null intercept */
        return LOY_OK;
    }
    sorted = malloc(n * sizeof *sorted);
    LOY__REQUIRE(sorted != NULL, LOY_ENOMEM);
    memcpy(sorted, d->y, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    for (i = 0; i < n; i++)
        if (i == 0 || sorted[i] != sorted[i - 1])
            sorted[K++] = sorted[i];
    if (K < 2u || K > GLM_MAX_CATEGORIES) {
        free(sorted);
        loy__set_index(err, c->cols[0]);
        return K < 2u ? LOY_EDEGENERATE : LOY_EDOMAIN;
    }
    d->K = (uint32_t)K;
    d->levels = sorted;
    cnt = calloc(K, sizeof *cnt);
    d->cut = malloc((K - 1u) * sizeof *d->cut);
    if (cnt == NULL || d->cut == NULL) {
        free(cnt);
        return LOY_ENOMEM;
    }
    for (i = 0; i < n; i++) { /* category index by binary search */
        size_t lo = 0, hi = K - 1u;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2u;
            if (sorted[mid] < d->y[i])
                lo = mid + 1u;
            else
                hi = mid;
        }
        d->y[i] = (double)lo;
        cnt[lo] += d->w[i];
    }
    d->l0 = 0.0;
    for (k = 0; k < K; k++)
        d->l0 += cnt[k] * log(cnt[k] / W);
    {
        double cum = 0.0;
        for (k = 0; k + 1u < K; k++) {
            cum += cnt[k];
            d->cut[k] = log(cum / (W - cum));
        }
    }
    free(cnt);
    return LOY_OK;
}

/* ---------------------------------------------------------------- */

static void
pseudo_r2(double out[4], double l1, double l0, double n)
{
    if (!(l1 < 0.0)) {
        out[0] = out[1] = out[2] = out[3] = 1.0;
        out[1] = -expm1(2.0 * l0 / n); /* Cox-Snell at l1 = 0: its maximum */
        return;
    }
    out[0] = 1.0 - l1 / l0;
    out[1] = -expm1(2.0 * (l0 - l1) / n);
    out[2] = out[1] / -expm1(2.0 * l0 / n);
    out[3] = -expm1((-2.0 * l0 / n) * log(l1 / l0));
}

typedef struct glm_enum {
    loy__glm *d;
    glm_fit_fn fit;
    loy__dom *dom;
    size_t np0, npmax, q;
    double *wr, *wwv;  /* (g + 1) x n: each depth's last pass (warm start) */
    double *wl, *wbig; /* g + 1 */
    int *wok;          /* g + 1: the pass at this depth is usable */
    double *theta;   /* (g + 1) x npmax */
    size_t *cols;    /* (g + 1) x q */
    size_t *m;       /* g + 1 */
    double base[4];
    uint32_t index;
    uint64_t noconv;
    int rc;          /* LOY_ENOMEM stops the walk */
} glm_enum;

/* Keep the child's last pass for its own children (when it converged). */
static void
keep_pass(glm_enum *e, size_t depth, double *th, size_t np)
{
    loy__glm *d = e->d;
    size_t n = d->n;
    e->wok[depth] = d->last_ok && e->wr != NULL;
    if (!e->wok[depth])
        return;
    memcpy(th, d->last_theta, np * sizeof *th);
    memcpy(e->wr + depth * n, d->r, n * sizeof *d->r);
    memcpy(e->wwv + depth * n, d->wv, n * sizeof *d->wv);
    e->wl[depth] = d->last_l;
    e->wbig[depth] = d->last_big;
}

static void
glm_node(glm_enum *e, size_t depth, size_t first, uint64_t mask)
{
    loy__glm *d = e->d;
    size_t g = d->g, c, j, n = d->n;
    const double *pth = e->theta + depth * e->npmax;
    const size_t *pcols = e->cols + depth * e->q;
    size_t pm = e->m[depth];
    double *th = e->theta + (depth + 1u) * e->npmax;
    size_t *cl = e->cols + (depth + 1u) * e->q;
    for (c = first; c < g && e->rc == LOY_OK; c++) {
        size_t add = d->off[c + 1u] - d->off[c], m = pm + add;
        double ll, v[4];
        uint32_t it;
        loy__glm_warm warm;
        int rc;
        memcpy(cl, pcols, pm * sizeof *cl);
        for (j = 0; j < add; j++)
            cl[pm + j] = d->off[c] + j;
        memcpy(th, pth, (e->np0 + pm) * sizeof *th);
        for (j = 0; j < add; j++)
            th[e->np0 + pm + j] = 0.0;
        if (e->wok[depth]) {
            warm.r = e->wr + depth * n;
            warm.wv = e->wwv + depth * n;
            warm.l = e->wl[depth];
            warm.big = e->wbig[depth];
        }
        rc = e->fit(d, cl, m, th, &ll, &it, NULL,
                    e->wok[depth] ? &warm : NULL);
        if (rc == LOY_ENOMEM) {
            e->rc = rc;
            return;
        }
        e->noconv += rc != LOY_OK;
        pseudo_r2(v, ll, d->l0, (double)d->n);
        for (j = 0; j < 4; j++)
            v[j] -= e->base[j];
        if (e->dom->table != NULL)
            e->dom->table[mask | (uint64_t)1 << c] = v[e->index];
        e->m[depth + 1u] = m;
        if (c + 1u == g) {
            loy__dom_leaf(e->dom, depth + 1u, c, v);
        } else {
            keep_pass(e, depth + 1u, th, e->np0 + m);
            loy__dom_open(e->dom, depth + 1u, c, v);
            glm_node(e, depth + 1u, c + 1u, mask | (uint64_t)1 << c);
            loy__dom_close(e->dom, depth + 1u, c);
        }
    }
}

/* Start of the covariates-only model (intercepts from the null model). */
static void
null_start(const loy__glm *d, double *theta, size_t np0, size_t m)
{
    size_t j;
    for (j = 0; j < np0; j++)
        theta[j] = d->cut[j];
    for (j = 0; j < m; j++)
        theta[np0 + j] = 0.0;
}

/* The covariates-only model: its indices are subtracted from every
 * submodel's. */
static int
glm_base(glm_enum *e, double *ll_base)
{
    loy__glm *d = e->d;
    size_t j;
    uint32_t it;
    int rc = LOY_OK;
    double ll = d->l0;
    for (j = 0; j < d->a; j++)
        e->cols[j] = d->p + j;
    e->m[0] = d->a;
    null_start(d, e->theta, e->np0, d->a);
    if (d->a > 0u) {
        rc = e->fit(d, e->cols, d->a, e->theta, &ll, &it, NULL, NULL);
        LOY__REQUIRE(rc != LOY_ENOMEM, rc);
        e->noconv += rc != LOY_OK;
        if (e->wok != NULL)
            keep_pass(e, 0, e->theta, e->np0 + d->a);
    }
    pseudo_r2(e->base, ll, d->l0, (double)d->n);
    if (d->a == 0u)
        e->base[0] = e->base[1] = e->base[2] = e->base[3] = 0.0;
    *ll_base = ll;
    return LOY_OK;
}

/* ---------------------------------------------------------------- */

typedef struct glm_job {
    loy__drv_cols cols;
    loy__drv_opts o;
    loy__glm d;
    loy_drivers_result *res;
    glm_fit_fn fit;
    size_t np0;
    uint64_t noconv;
} glm_job;

static int
put(loy_drivers_result *res, uint32_t code, const double *src, size_t len)
{
    double *dst = loy__drv_metric(res, code, len);
    LOY__REQUIRE(dst != NULL, LOY_ENOMEM);
    memcpy(dst, src, len * sizeof *dst);
    return LOY_OK;
}

/* Enumeration results: LMG on the four indices, dominance. */
static int
glm_dominance(glm_job *j, double r2_decomp)
{
    static const uint32_t lmg_codes[4] = {
        LOY_DRIVERS_LMG_MCFADDEN, LOY_DRIVERS_LMG_COX_SNELL,
        LOY_DRIVERS_LMG_NAGELKERKE, LOY_DRIVERS_LMG_ESTRELLA};
    loy__glm *d = &j->d;
    size_t g = d->g, q = d->p + d->a, i, v;
    glm_enum e;
    loy__dom dom;
    double ll_base, *buf;
    int complete = (j->o.flags & LOY_DRIVERS_COMPLETE) != 0u, rc;
    memset(&e, 0, sizeof e);
    e.d = d;
    e.fit = j->fit;
    e.np0 = j->np0;
    e.q = q > 0u ? q : 1u;
    e.npmax = j->np0 + q;
    e.index = j->o.index;
    e.theta = malloc((g + 1u) * e.npmax * sizeof *e.theta);
    e.cols = malloc((g + 1u) * e.q * sizeof *e.cols);
    e.m = malloc((g + 1u) * sizeof *e.m);
    e.wok = calloc(g + 1u, sizeof *e.wok);
    e.wl = malloc((g + 1u) * sizeof *e.wl);
    e.wbig = malloc((g + 1u) * sizeof *e.wbig);
    if (j->fit == loy__glm_fit_logit) { /* the ordinal fit has no warm pass */
        e.wr = malloc((g + 1u) * d->n * sizeof *e.wr);
        e.wwv = malloc((g + 1u) * d->n * sizeof *e.wwv);
    }
    buf = malloc(g * g * sizeof *buf);
    rc = (e.theta && e.cols && e.m && e.wok && e.wl && e.wbig && buf
          && (j->fit != loy__glm_fit_logit || (e.wr && e.wwv)))
             ? LOY_OK : LOY_ENOMEM;
    if (rc == LOY_OK)
        rc = loy__dom_init(&dom, g, 4, complete);
    if (rc != LOY_OK) {
        free(e.theta), free(e.cols), free(e.m), free(buf);
        free(e.wok), free(e.wl), free(e.wbig), free(e.wr), free(e.wwv);
        return rc;
    }
    e.dom = &dom;
    rc = glm_base(&e, &ll_base);
    if (rc == LOY_OK) {
        glm_node(&e, 0, 0, 0u);
        rc = e.rc;
    }
    j->noconv += e.noconv;
    for (v = 0; v < 4 && rc == LOY_OK; v++) {
        loy__dom_finish(&dom, v, buf, d->work);
        rc = put(j->res, lmg_codes[v], d->work, g);
        if (rc == LOY_OK && v == j->o.index) {
            double *lm = loy__drv_metric(j->res, LOY_DRIVERS_LMG, g);
            double *first = loy__drv_metric(j->res, LOY_DRIVERS_FIRST, g);
            double *last = loy__drv_metric(j->res, LOY_DRIVERS_LAST, g);
            double *rk = loy__drv_metric(j->res, LOY_DRIVERS_RANK, g);
            double *gc = loy__drv_metric(j->res, LOY_DRIVERS_DOM_GENERAL,
                                         g * g);
            double *cc = loy__drv_metric(j->res,
                                         LOY_DRIVERS_DOM_CONDITIONAL, g * g);
            if (!lm || !first || !last || !rk || !gc || !cc
                || put(j->res, LOY_DRIVERS_CONDITIONAL, buf, g * g)) {
                rc = LOY_ENOMEM;
                break;
            }
            memcpy(lm, d->work, g * sizeof *lm);
            for (i = 0; i < g; i++) {
                first[i] = buf[i * g];
                last[i] = buf[i * g + g - 1u];
            }
            loy__drv_ranks(rk, lm, g);
            loy__drv_general_codes(gc, lm, g);
            loy__drv_conditional_codes(cc, buf, g);
            if (r2_decomp > 1e-14) {
                double *sh = loy__drv_metric(j->res, LOY_DRIVERS_LMG_SHARE, g);
                if (sh == NULL) {
                    rc = LOY_ENOMEM;
                    break;
                }
                for (i = 0; i < g; i++)
                    sh[i] = lm[i] / r2_decomp;
            } else {
                loy__drv_metric_undefined(j->res, LOY_DRIVERS_LMG_SHARE);
                j->res->sum.flags |= LOY_DRIVERS_ZERO_R2;
            }
        }
    }
    if (rc == LOY_OK && complete) {
        double *codes = loy__drv_metric(j->res, LOY_DRIVERS_DOM_COMPLETE, g * g);
        double *share = loy__drv_metric(j->res, LOY_DRIVERS_COMPLETE_SHARE,
                                        g * g);
        rc = (codes && share) ? loy__dom_complete(&dom, codes, share)
                              : LOY_ENOMEM;
    }
    loy__dom_free(&dom);
    free(e.theta), free(e.cols), free(e.m), free(buf);
    free(e.wok), free(e.wl), free(e.wbig), free(e.wr), free(e.wwv);
    return rc;
}

/* Coefficients of the full model on the raw scale, in spec order. Without
 * a usable information matrix (separation) the coefficients stand but
 * their standard errors, z and p are undefined. */
static int
glm_coefs(glm_job *j, const double *theta, const double *cov, int ordinal)
{
    loy__glm *d = &j->d;
    size_t p = d->p, q = p + d->a, np0 = j->np0, np = np0 + q, i, k;
    double *beta = loy__drv_metric(j->res, LOY_DRIVERS_BETA, p);
    double *sg = loy__drv_metric(j->res, LOY_DRIVERS_SIGN, p);
    double *bs = loy__drv_metric(j->res, LOY_DRIVERS_BETA_STD, p);
    double *ic = loy__drv_metric(j->res, LOY_DRIVERS_INTERCEPT, np0);
    double *se = NULL, *z = NULL, *pv = NULL, shift = 0.0;
    int have_se = 1;
    LOY__REQUIRE(beta && sg && bs && ic, LOY_ENOMEM);
    for (i = 0; i < p; i++) {
        double v = cov[(np0 + i) * np + np0 + i];
        have_se &= v > 0.0 && v <= DBL_MAX;
    }
    if (have_se) {
        se = loy__drv_metric_se(j->res, LOY_DRIVERS_BETA);
        z = loy__drv_metric(j->res, LOY_DRIVERS_T, p);
        pv = loy__drv_metric(j->res, LOY_DRIVERS_P, p);
        LOY__REQUIRE(se && z && pv, LOY_ENOMEM);
    } else {
        loy__drv_metric_undefined(j->res, LOY_DRIVERS_T);
        loy__drv_metric_undefined(j->res, LOY_DRIVERS_P);
    }
    for (i = 0; i < p; i++) {
        size_t o = j->cols.order[i];
        double bsd = theta[np0 + i];
        beta[o] = bsd / d->sd[i];
        sg[o] = bsd > 0.0 ? 1.0 : (bsd < 0.0 ? -1.0 : 0.0);
        bs[o] = bsd;
        if (have_se) {
            double s = sqrt(cov[(np0 + i) * np + np0 + i]);
            se[o] = s / d->sd[i];
            z[o] = bsd / s;
            pv[o] = 2.0 * loy__normal_sf(fabs(z[o]));
        }
    }
    for (i = 0; i < q; i++)
        shift += theta[np0 + i] * d->mean[i] / d->sd[i];
    for (k = 0; k < np0; k++) /* logistic: b0 - shift; ordinal: zeta + */
        ic[k] = ordinal ? theta[k] + shift : theta[k] - shift;
    return LOY_OK;
}

/* Chi-square upper tail P(X >= x), df degrees. */
static double
chisq_upper(double x, double df)
{
    double lg = 0.0;
    int sign = 1;
    if (!(x > 0.0))
        return 1.0;
    if (loy__log_gamma_upper(0.5 * df, 0.5 * x, &lg, &sign) != LOY_OK)
        return 0.0;
    return exp(lg - loy__lgamma(0.5 * df));
}

static int
glm_full(glm_job *j, int ordinal, double *ll_full, double *theta)
{
    loy__glm *d = &j->d;
    size_t q = d->p + d->a, np = j->np0 + q, *cl = malloc((q + 1u) * sizeof *cl);
    double *cov = calloc(np * np, sizeof *cov); /* zeros if not invertible */
    uint32_t it = 0;
    size_t i;
    int rc;
    if (cl == NULL || cov == NULL) {
        free(cl), free(cov);
        return LOY_ENOMEM;
    }
    for (i = 0; i < q; i++)
        cl[i] = i;
    null_start(d, theta, j->np0, q);
    rc = j->fit(d, cl, q, theta, ll_full, &it, cov, NULL);
    j->res->sum.iterations = it;
    if (rc == LOY_OK || rc == LOY_ENOCONV) {
        j->noconv += rc != LOY_OK;
        if (glm_coefs(j, theta, cov, ordinal) != LOY_OK)
            rc = LOY_ENOMEM;
        else
            rc = LOY_OK;
    }
    free(cl), free(cov);
    return rc;
}

static int
glm_rw(glm_job *j, const double *theta)
{
    loy__glm *d = &j->d;
    size_t p = d->p, i;
    double *eps = malloc(p * sizeof *eps), sum = 0.0;
    double *rw, *sh;
    int rc;
    LOY__REQUIRE(eps != NULL, LOY_ENOMEM);
    rc = loy__glm_logit_rw(d, theta, eps);
    if (rc == LOY_OK) {
        rw = loy__drv_metric(j->res, LOY_DRIVERS_RW, p);
        sh = loy__drv_metric(j->res, LOY_DRIVERS_RW_SHARE, p);
        if (rw == NULL || sh == NULL)
            rc = LOY_ENOMEM;
        for (i = 0; i < p && rc == LOY_OK; i++)
            sum += eps[i];
        for (i = 0; i < p && rc == LOY_OK; i++) {
            rw[j->cols.order[i]] = eps[i];
            sh[j->cols.order[i]] = sum > 0.0 ? eps[i] / sum : 0.0;
        }
        if (rc == LOY_OK && !(sum > 0.0))
            loy__drv_metric_undefined(j->res, LOY_DRIVERS_RW_SHARE);
    }
    free(eps);
    return rc;
}

static void
glm_summary(glm_job *j, double ll_full, double ll_base, double sum_w,
            uint64_t skipped)
{
    loy_drivers_summary *s = &j->res->sum;
    loy__glm *d = &j->d;
    double full[4], base[4];
    size_t q = d->p + d->a;
    pseudo_r2(full, ll_full, d->l0, (double)d->n);
    pseudo_r2(base, ll_base, d->l0, (double)d->n);
    if (d->a == 0u)
        base[0] = base[1] = base[2] = base[3] = 0.0;
    s->n_drivers = d->p;
    s->n_players = d->g;
    s->n_always = d->a;
    s->n = d->n;
    s->sum_w = sum_w;
    s->loglik = ll_full;
    s->loglik_null = d->l0;
    s->mcfadden = full[0];
    s->cox_snell = full[1];
    s->nagelkerke = full[2];
    s->estrella = full[3];
    s->r2 = full[j->o.index];
    s->r2_always = base[j->o.index];
    s->r2_decomp = s->r2 - s->r2_always;
    s->f_stat = 2.0 * (ll_full - d->l0);
    s->f_p = chisq_upper(s->f_stat, (double)q);
    s->df_resid = (double)d->n - (double)(j->np0 + q);
    s->level = j->o.level;
    s->categories = d->K;
    s->rows_skipped = skipped;
}

static int
glm_run(glm_job *j, const glm_src *src, const loy_drivers_spec *spec,
        const loy_drivers_options *opts, int ordinal, size_t *err)
{
    double sum_w = 0.0, ll_full = 0.0, ll_base, r2;
    double *theta;
    uint64_t skipped = 0;
    size_t q;
    LOY__TRY(loy__drv_read_options(&j->o, opts, 16u));
    LOY__REQUIRE(!(j->o.flags & LOY_DRIVERS_BOOTSTRAP), LOY_EINVAL);
    LOY__TRY(loy__drv_cols_new(&j->cols, spec, src->k, err));
    if (!(j->o.flags & LOY_DRIVERS_FULL_ONLY) && j->cols.g > j->o.max_exact)
        return LOY_EDOMAIN; /* no sampling for GLMs */
    LOY__REQUIRE(!((j->o.flags & LOY_DRIVERS_COMPLETE)
                   && (j->o.flags & LOY_DRIVERS_FULL_ONLY)), LOY_EDOMAIN);
    j->d.p = j->cols.p;
    j->d.a = j->cols.a;
    j->d.g = j->cols.g;
    j->d.off = j->cols.off;
    q = j->cols.p + j->cols.a;
    LOY__TRY(glm_fill(&j->d, src, &j->cols, &skipped, &sum_w, err));
    LOY__TRY(glm_standardize(&j->d, &j->cols, err));
    LOY__TRY(glm_outcome(&j->d, &j->cols, ordinal, err));
    j->d.last_theta = malloc((q + j->d.K) * sizeof *j->d.last_theta);
    LOY__REQUIRE(j->d.last_theta != NULL, LOY_ENOMEM);
    LOY__REQUIRE(j->d.n > q + j->d.K - 1u, LOY_EDEGENERATE);
    LOY__TRY(glm_collinear(&j->d, &j->cols, err));
    j->fit = ordinal ? loy__glm_fit_polr : loy__glm_fit_logit;
    j->np0 = ordinal ? j->d.K - 1u : 1u;
    LOY__TRY(loy__drv_result_new(&j->res, ordinal ? LOY_DRIVERS_MODEL_ORDINAL
                                                  : LOY_DRIVERS_MODEL_LOGISTIC));
    theta = malloc((j->np0 + q) * sizeof *theta);
    LOY__REQUIRE(theta != NULL, LOY_ENOMEM);
    {
        /* covariates-only model for r2_always */
        glm_enum e;
        int rc;
        memset(&e, 0, sizeof e);
        e.d = &j->d;
        e.fit = j->fit;
        e.np0 = j->np0;
        e.npmax = j->np0 + q;
        e.q = q;
        e.theta = theta;
        e.cols = malloc((q + 1u) * sizeof *e.cols);
        e.m = malloc(sizeof *e.m);
        rc = (e.cols && e.m) ? glm_base(&e, &ll_base) : LOY_ENOMEM;
        j->noconv += e.noconv;
        free(e.cols), free(e.m);
        if (rc != LOY_OK) {
            free(theta);
            return rc;
        }
    }
    {
        int rc = glm_full(j, ordinal, &ll_full, theta);
        if (rc == LOY_OK && !ordinal && j->d.a == 0u)
            rc = glm_rw(j, theta);
        free(theta);
        LOY__TRY(rc);
    }
    glm_summary(j, ll_full, ll_base, sum_w, skipped);
    r2 = j->res->sum.r2;
    LOY__TRY(put(j->res, LOY_DRIVERS_R2, &r2, 1u));
    if (!(j->o.flags & LOY_DRIVERS_FULL_ONLY))
        LOY__TRY(glm_dominance(j, j->res->sum.r2_decomp));
    j->res->sum.noconv = j->noconv;
    if (j->noconv > 0u) {
        j->res->sum.flags |= LOY_DRIVERS_NOCONV;
        return LOY_ENOCONV;
    }
    return LOY_OK;
}

static int
glm_entry(loy_drivers_result **out, const double *z, size_t n, size_t k,
          size_t rs, size_t cs, const double *w, const loy_drivers_spec *spec,
          const loy_drivers_options *opts, size_t *err_index, int ordinal)
{
    glm_job j;
    glm_src src;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(z != NULL || n == 0u, LOY_EINVAL);
    LOY__REQUIRE(k >= 2u, LOY_EINVAL);
    memset(&j, 0, sizeof j);
    src.z = z;
    src.w = w;
    src.n = n;
    src.k = k;
    src.rs = rs;
    src.cs = cs;
    src.ordinal = ordinal;
    src.listwise = opts != NULL && LOY__STRUCT_OK(opts, sizeof *opts)
                   && (opts->flags & LOY_DRIVERS_LISTWISE);
    rc = glm_run(&j, &src, spec, opts, ordinal, err_index);
    if (rc == LOY_OK || (rc == LOY_ENOCONV && j.res != NULL)) {
        *out = j.res;
        j.res = NULL;
    }
    loy_drivers_result_free(j.res);
    loy__drv_cols_free(&j.cols);
    glm_free(&j.d);
    return rc;
}

int
loy_drivers_logistic(loy_drivers_result **out, const double *z, size_t n,
                     size_t k, size_t row_stride, size_t col_stride,
                     const double *w, const loy_drivers_spec *spec,
                     const loy_drivers_options *opts, size_t *err_index)
{
    return glm_entry(out, z, n, k, row_stride, col_stride, w, spec, opts,
                     err_index, 0);
}

int
loy_drivers_ordinal(loy_drivers_result **out, const double *z, size_t n,
                    size_t k, size_t row_stride, size_t col_stride,
                    const double *w, const loy_drivers_spec *spec,
                    const loy_drivers_options *opts, size_t *err_index)
{
    return glm_entry(out, z, n, k, row_stride, col_stride, w, spec, opts,
                     err_index, 1);
}
