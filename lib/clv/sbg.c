/* SPDX-License-Identifier: MIT */
/*
 * sbg.c - the shifted-beta-geometric model of contractual retention
 * (Fader & Hardie 2007, 2010): fit from cohort survival or from individual
 * tenures, survival, retention, churn PMF, projections, DEL and DERL.
 *
 * A customer churns at each renewal with probability theta ~ Beta(alpha,
 * beta), so the lifetime T in {1, 2, ...} (the renewal at which the
 * customer leaves) has
 *   S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta),
 *   r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1),
 *   P(T = t) = S(t-1) alpha / (alpha + beta + t - 1).
 */
#include "clv/bgbb_internal.h"
#include "numeric/fitcore.h"
#include "numeric/specfun.h"
#include "clv/limits.h"

#include <stdlib.h>

#define SBG_NPAR 2
/* Largest tenure, renewal index or projection age accepted. */
#define SBG_MAX_T 1e9
/* Up to this many steps, ln S(t) is advanced by its recursion. */
#define SBG_WALK_STEPS 64.0

int
loy__beta_geom_sum(double a, double b, double v, double *out)
{
    double tau = 1.0, s = 1.0, j, geo = v / (1.0 - v);
    if (v >= 1.0) {
        if (a <= 1.0) {
            /* d > 0 below 1.1e-16 rounds v to 1: about 1/d terms would
             * be needed, far past the cap; the partial sum is the t = 0
             * term (d = 0 itself is rejected by the callers) */
            *out = 1.0;
            return LOY_ENOCONV;
        }
        *out = (a + b - 1.0) / (a - 1.0);
        return LOY_OK;
    }
    for (j = 0.0; j < LOY__BETA_GEOM_MAX_TERMS; j++) {
        double bound;
        tau *= (b + j) / (a + b + j) * v;
        s += tau;
        bound = tau * geo;
        if (a > 1.0 && tau * v * (b + j + 1.0) / (a - 1.0) < bound)
            bound = tau * v * (b + j + 1.0) / (a - 1.0);
        if (bound <= 1e-16 * s)
            break;
    }
    *out = s;
    return j < LOY__BETA_GEOM_MAX_TERMS ? LOY_OK : LOY_ENOCONV;
}

static int
check_params(const double *p)
{
    LOY__REQUIRE(p != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__finite(p[0]) && loy__finite(p[1]), LOY_ENONFINITE);
    LOY__REQUIRE(p[0] > 0.0 && p[1] > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

/* A whole number of periods in [lo, SBG_MAX_T]. */
static int
check_periods(double t, double lo)
{
    LOY__REQUIRE(loy__finite(t), LOY_ENONFINITE);
    LOY__REQUIRE(t >= lo && t <= SBG_MAX_T && t == floor(t), LOY_ESCALE);
    return LOY_OK;
}

static int
check_curve_call(const double *out, size_t len, const double *params)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__REQUIRE(len > 0, LOY_EEMPTY);
    return LOY_OK;
}

int
loy_sbg_survival(double *out, size_t len, const double params[2])
{
    size_t t;
    LOY__TRY(check_curve_call(out, len, params));
    out[0] = 1.0;
    for (t = 1; t < len; t++)
        out[t] = out[t - 1] * (params[1] + (double)(t - 1))
                 / (params[0] + params[1] + (double)(t - 1));
    return LOY_OK;
}

int
loy_sbg_retention(double *out, size_t len, const double params[2])
{
    size_t t;
    LOY__TRY(check_curve_call(out, len, params));
    for (t = 0; t < len; t++)
        out[t] = (params[1] + (double)t) / (params[0] + params[1] + (double)t);
    return LOY_OK;
}

int
loy_sbg_churn_pmf(double *out, size_t len, const double params[2])
{
    double s = 1.0;
    size_t t;
    LOY__TRY(check_curve_call(out, len, params));
    for (t = 0; t < len; t++) {
        double c = params[0] + params[1] + (double)t;
        out[t] = s * params[0] / c;
        s *= (params[1] + (double)t) / c;
    }
    return LOY_OK;
}

/* ln S(t) - ln S(t0) for t >= t0 by the ratio recursion (short steps) or
 * by ln Gamma differences. */
static double
ln_surv_step(const double *p, double t0, double t)
{
    double s = 0.0, j;
    if (t - t0 > SBG_WALK_STEPS)
        return loy__lgamma_diff(p[1] + t0, t - t0)
               - loy__lgamma_diff(p[0] + p[1] + t0, t - t0);
    for (j = t0; j < t; j++)
        s += log((p[1] + j) / (p[0] + p[1] + j));
    return s;
}

int
loy_sbg_project(double *out, size_t len, const double params[2],
                double active, double age)
{
    double ls;
    size_t k;
    LOY__TRY(check_curve_call(out, len, params));
    LOY__REQUIRE(loy__finite(active), LOY_ENONFINITE);
    LOY__REQUIRE(active >= 0.0, LOY_ESCALE);
    LOY__TRY(check_periods(age, 0.0));
    ls = 0.0;
    for (k = 0; k < len; k++) {
        double t = age + (double)k;
        ls += log((params[1] + t) / (params[0] + params[1] + t));
        out[k] = active * exp(ls);
    }
    return LOY_OK;
}

/* Discount factor per period; d = 0 needs alpha > 1 (finite lifetime). */
static int
discount(const double *params, double d, double *v)
{
    LOY__TRY(check_params(params));
    LOY__REQUIRE(loy__finite(d), LOY_ENONFINITE);
    LOY__REQUIRE(d >= 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(d > 0.0 || params[0] > 1.0, LOY_EDOMAIN);
    *v = 1.0 / (1.0 + d);
    return LOY_OK;
}

int
loy_sbg_del(double *out, const double params[2], double d)
{
    double v, f;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(discount(params, d, &v));
    rc = loy__beta_geom_sum(params[0], params[1], v, &f);
    if (rc == LOY_OK || rc == LOY_ENOCONV) /* the partial sum, documented */
        *out = f;
    return rc;
}

int
loy_sbg_derl(double *out, const double params[2], double d, uint32_t n)
{
    double v, f, dn = (double)n;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(discount(params, d, &v));
    LOY__REQUIRE(n >= 1u, LOY_ESCALE);
    rc = loy__beta_geom_sum(params[0], params[1] + dn, v, &f);
    if (rc == LOY_OK || rc == LOY_ENOCONV)
        /* beta + (n - 1): beta + n - 1 rounds a tiny beta away (0/0) */
        *out = (params[1] + (dn - 1.0))
               / (params[0] + params[1] + (dn - 1.0)) * f;
    return rc;
}

/* ---------------------------------------------------------------------
 * Likelihood: distinct tenures t with the weight lost at t (T = t) and
 * the weight still active at t (T > t, right-censored), sorted by t.
 * ------------------------------------------------------------------- */

typedef struct sbg_cell {
    double t, lost, cens;
} sbg_cell;

typedef struct sbg_data {
    const sbg_cell *cells;
    size_t count;
} sbg_data;

/* Running ln S(t) with its derivatives w.r.t. alpha and beta. */
typedef struct sbg_walk {
    double t, ls, da, db;
} sbg_walk;

static void
walk_to(sbg_walk *w, const double *p, double t, int with_grad)
{
    double j, ab = p[0] + p[1];
    if (t - w->t > SBG_WALK_STEPS) {
        w->ls = ln_surv_step(p, 0.0, t);
        if (with_grad) {
            double pab = loy__digamma(ab) - loy__digamma(ab + t);
            w->da = pab;
            w->db = loy__digamma(p[1] + t) - loy__digamma(p[1]) + pab;
        }
        w->t = t;
        return;
    }
    for (j = w->t; j < t; j++) {
        w->ls += log((p[1] + j) / (ab + j));
        w->da -= 1.0 / (ab + j);
        w->db += 1.0 / (p[1] + j) - 1.0 / (ab + j);
    }
    w->t = t;
}

static int
cells_loglik(void *ctx, const double *p, size_t k, double *ll, double *g)
{
    const sbg_data *D = ctx;
    sbg_walk w = {0.0, 0.0, 0.0, 0.0};
    double ga = 0.0, gb = 0.0;
    loy__ksum s = {0.0, 0.0};
    size_t i;
    (void)k;
    for (i = 0; i < D->count; i++) {
        const sbg_cell *c = &D->cells[i];
        if (c->lost > 0.0) {
            double den = p[0] + p[1] + c->t - 1.0;
            walk_to(&w, p, c->t - 1.0, g != NULL);
            loy__ksum_add(&s, c->lost * (w.ls + log(p[0] / den)));
            ga += c->lost * (w.da + 1.0 / p[0] - 1.0 / den);
            gb += c->lost * (w.db - 1.0 / den);
        }
        if (c->cens > 0.0) {
            walk_to(&w, p, c->t, g != NULL);
            loy__ksum_add(&s, c->cens * w.ls);
            ga += c->cens * w.da;
            gb += c->cens * w.db;
        }
    }
    *ll = loy__ksum_value(&s);
    if (g != NULL) {
        g[0] = p[0] * ga;
        g[1] = p[1] * gb;
    }
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

/*
 * Survivors s_0..s_K (counts or fractions): lost s_{t-1} - s_t at each
 * t = 1..K and s_K censored at K. cells needs len entries.
 */
static int
cohort_cells(sbg_cell *cells, const double *surv, size_t len,
             size_t *err_index)
{
    size_t t;
    for (t = 0; t < len; t++) {
        int rc = loy__check_range(surv[t], 0.0, INFINITY);
        if (rc == LOY_OK && t > 0 && surv[t] > surv[t - 1])
            rc = LOY_EINCONSISTENT;
        if (rc != LOY_OK) {
            loy__set_index(err_index, t);
            return rc;
        }
        cells[t].t = (double)t;
        cells[t].lost = t > 0 ? surv[t - 1] - surv[t] : 0.0;
        cells[t].cens = t + 1 == len ? surv[t] : 0.0;
    }
    LOY__REQUIRE(surv[0] > 0.0, LOY_EEMPTY);
    return LOY_OK;
}

static int
run_fit(const sbg_cell *cells, size_t count, double total, uint64_t rows,
        const loy_fit_options *opts, double *params_out,
        loy_fit_report *report)
{
    static const double start[SBG_NPAR] = {1.0, 1.0};
    sbg_data D;
    loy__fit_problem prob;
    loy__fit_limit lims[LOY__MAX_LIMITS];
    double lost = 0.0, renewed = 0.0;
    size_t i;
    /* The maximum is at the boundary when nobody churns (alpha -> 0) or
     * nobody is seen renewing (everyone lost at t = 1: beta -> 0). */
    for (i = 0; i < count; i++) {
        lost += cells[i].lost;
        renewed += cells[i].t >= 1.0 ? cells[i].cens : 0.0;
        renewed += cells[i].t >= 2.0 ? cells[i].lost : 0.0;
    }
    LOY__REQUIRE(lost > 0.0 && renewed > 0.0, LOY_EDEGENERATE);
    D.cells = cells;
    D.count = count;
    prob.loglik = cells_loglik;
    prob.ctx = &D;
    prob.k = SBG_NPAR;
    prob.total_weight = total;
    prob.n_rows = rows;
    prob.default_start = start;
    prob.limits = lims;
    prob.n_limits = loy__limits_sbg(lims);
    return loy__fit_ml(&prob, opts, params_out, report);
}

/* Shared entry of the cohort functions: validated cells (caller frees). */
static int
cohort_prepare(sbg_cell **cells, const double *surv, size_t len,
               size_t *err_index)
{
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(surv != NULL, LOY_EINVAL);
    LOY__REQUIRE(len > 0, LOY_EEMPTY);
    LOY__REQUIRE(len <= (size_t)SBG_MAX_T, LOY_ESCALE);
    *cells = malloc(len * sizeof **cells);
    LOY__REQUIRE(*cells != NULL, LOY_ENOMEM);
    rc = cohort_cells(*cells, surv, len, err_index);
    if (rc != LOY_OK) {
        free(*cells);
        *cells = NULL;
    }
    return rc;
}

int
loy_sbg_loglik_cohort(double *ll_out, const double params[2],
                      const double *survivors, size_t len,
                      size_t *err_index)
{
    sbg_cell *cells;
    sbg_data D;
    double ll;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(ll_out != NULL, LOY_EINVAL);
    LOY__TRY(check_params(params));
    LOY__TRY(cohort_prepare(&cells, survivors, len, err_index));
    D.cells = cells;
    D.count = len;
    rc = cells_loglik(&D, params, SBG_NPAR, &ll, NULL);
    free(cells);
    if (rc == LOY_OK)
        *ll_out = ll;
    return rc;
}

int
loy_sbg_fit_cohort(double params_out[2], const double *survivors,
                   size_t len, const loy_fit_options *opts,
                   loy_fit_report *report, size_t *err_index)
{
    sbg_cell *cells;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(params_out != NULL, LOY_EINVAL);
    LOY__TRY(cohort_prepare(&cells, survivors, len, err_index));
    rc = run_fit(cells, len, survivors[0], (uint64_t)len, opts, params_out,
                 report);
    free(cells);
    return rc;
}

static int
cmp_cell(const void *pa, const void *pb)
{
    double a = ((const sbg_cell *)pa)->t, b = ((const sbg_cell *)pb)->t;
    return (a > b) - (a < b);
}

/* One individual: tenure, censoring flag and weight. */
static int
check_tenure(double t, int cens, double w)
{
    LOY__REQUIRE(loy__finite(t) && loy__finite(w), LOY_ENONFINITE);
    LOY__TRY(check_periods(t, 0.0));
    LOY__REQUIRE(cens == 0 || cens == 1, LOY_ESCALE);
    LOY__REQUIRE(w >= 0.0, LOY_ESCALE);
    /* a churned customer left at a renewal, so T >= 1 */
    LOY__REQUIRE(cens == 1 || t >= 1.0, LOY_EINCONSISTENT);
    return LOY_OK;
}

/* Sort the individuals into cells and merge equal tenures in place. */
static size_t
merge_cells(sbg_cell *cells, size_t n)
{
    size_t i, m = 0;
    qsort(cells, n, sizeof *cells, cmp_cell);
    for (i = 0; i < n; i++) {
        if (m > 0 && cells[m - 1].t == cells[i].t) {
            cells[m - 1].lost += cells[i].lost;
            cells[m - 1].cens += cells[i].cens;
        } else {
            cells[m++] = cells[i];
        }
    }
    return m;
}

int
loy_sbg_fit_tenures(double params_out[2], const double *tenure,
                    const int *censored, const double *w, size_t n,
                    const loy_fit_options *opts, loy_fit_report *report,
                    size_t *err_index)
{
    sbg_cell *cells;
    double total = 0.0;
    size_t i, m;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(params_out != NULL && tenure != NULL && censored != NULL,
                 LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    for (i = 0; i < n; i++) {
        rc = check_tenure(tenure[i], censored[i], w != NULL ? w[i] : 1.0);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        total += w != NULL ? w[i] : 1.0;
    }
    LOY__REQUIRE(total > 0.0, LOY_EEMPTY);
    LOY__REQUIRE(loy__finite(total), LOY_ESCALE);
    cells = malloc(n * sizeof *cells);
    LOY__REQUIRE(cells != NULL, LOY_ENOMEM);
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        cells[i].t = tenure[i];
        cells[i].lost = censored[i] ? 0.0 : wi;
        cells[i].cens = censored[i] ? wi : 0.0;
    }
    m = merge_cells(cells, n);
    rc = run_fit(cells, m, total, (uint64_t)m, opts, params_out, report);
    free(cells);
    return rc;
}
