/* SPDX-License-Identifier: MIT */
/*
 * drv_linear.c - loy_drivers_linear() and loy_drivers_jackknife(): one
 * linear analysis per tally state (the main state, each bootstrap
 * replicate, each jackknife remainder), the result's metrics, and the
 * resampling statistics.
 */
#include "drivers/drivers_internal.h"
#include "drivers/moments_internal.h"

#include "numeric/normal.h"

#include <stdlib.h>

typedef loy__drv_opts lin_opts;

#define read_options loy__drv_read_options

/* Per-state outputs, allocated once and reused for every replicate. */
typedef struct lin_run {
    loy__drv_vals v;
    double *mcse, *cond, *codes, *share;
    double r2_always, r2_decomp;
    uint64_t n;
    double W;
    int sampled, enumerated;
    size_t g, p;
} lin_run;

static void
run_free(lin_run *r)
{
    free(r->v.lmg);
    free(r->v.first);
    free(r->v.last);
    free(r->v.betasq);
    free(r->v.pratt);
    free(r->v.rw);
    free(r->v.car);
    free(r->v.beta);
    free(r->v.beta_std);
    free(r->v.se);
    free(r->v.t);
    free(r->v.pval);
    free(r->mcse);
    free(r->cond);
    free(r->codes);
    free(r->share);
}

static int
run_alloc(lin_run *r, size_t g, size_t p)
{
    memset(r, 0, sizeof *r);
    r->g = g;
    r->p = p;
    r->v.lmg = calloc(g, sizeof(double));
    r->v.first = calloc(g, sizeof(double));
    r->v.last = calloc(g, sizeof(double));
    r->mcse = calloc(g, sizeof(double));
    r->cond = calloc(g * g, sizeof(double));
    r->codes = calloc(g * g, sizeof(double));
    r->share = calloc(g * g, sizeof(double));
    r->v.betasq = calloc(p, sizeof(double));
    r->v.pratt = calloc(p, sizeof(double));
    r->v.rw = calloc(p, sizeof(double));
    r->v.car = calloc(p, sizeof(double));
    r->v.beta = calloc(p, sizeof(double));
    r->v.beta_std = calloc(p, sizeof(double));
    r->v.se = calloc(p, sizeof(double));
    r->v.t = calloc(p, sizeof(double));
    r->v.pval = calloc(p, sizeof(double));
    if (!r->v.lmg || !r->v.first || !r->v.last || !r->mcse || !r->cond
        || !r->codes || !r->share || !r->v.betasq || !r->v.pratt || !r->v.rw
        || !r->v.car || !r->v.beta || !r->v.beta_std || !r->v.se || !r->v.t
        || !r->v.pval) {
        run_free(r);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

/* LMG and dominance of a prepared problem. */
static int
run_lmg(const loy__drv_prob *pr, const lin_opts *o, int complete, lin_run *r)
{
    loy__dom d;
    int rc;
    r->sampled = r->enumerated = 0;
    if (o->flags & LOY_DRIVERS_FULL_ONLY)
        return LOY_OK;
    if (pr->g > o->max_exact) {
        r->sampled = 1;
        return loy__drv_sample(pr, o->orders, o->seed, r->v.lmg, r->mcse);
    }
    LOY__TRY(loy__dom_init(&d, pr->g, 1, complete));
    rc = loy__drv_enumerate(pr, &d);
    if (rc == LOY_OK) {
        loy__dom_finish(&d, 0, r->cond, r->v.lmg);
        if (complete)
            rc = loy__dom_complete(&d, r->codes, r->share);
        r->enumerated = 1;
    }
    loy__dom_free(&d);
    return rc;
}

/* One analysis of state s of t. */
static int
run_state(const loy_moments *t, size_t s, const loy__drv_cols *c,
          const lin_opts *o, int complete, lin_run *r, size_t *err)
{
    size_t m = 1u + c->p + c->a;
    double *S = malloc(m * m * sizeof *S), *means = malloc(m * sizeof *means);
    loy__drv_prob pr;
    int rc;
    if (S == NULL || means == NULL) {
        free(S);
        free(means);
        return LOY_ENOMEM;
    }
    rc = loy__mom_cov_sub(t, s, c->cols, m, S, &r->n, &r->W);
    if (rc == LOY_OK)
        rc = loy__mom_means_sub(t, s, c->cols, m, means);
    if (rc == LOY_OK)
        rc = loy__drv_prob_init(&pr, c, S, means, r->n, r->W,
                                loy__mom_pairwise(t), err);
    if (rc == LOY_OK) {
        r->n = pr.n;
        rc = loy__drv_full(&pr, means, S, m, &r->v);
        if (rc == LOY_OK)
            rc = run_lmg(&pr, o, complete, r);
        r->r2_always = pr.r2_always;
        r->r2_decomp = pr.f * r->v.r2p;
        loy__drv_prob_free(&pr);
    }
    free(S);
    free(means);
    return rc;
}

/* Below this R² (of the drivers beyond the covariates) shares are
 * undefined. */
#define ZERO_R2 1e-14

/*
 * The vector of metric `code` of a run into out; LOY_EDEGENERATE when it
 * is undefined (shares at R² = 0), LOY_EDOMAIN when not computed.
 */
static int
run_metric(const lin_run *r, uint32_t code, int groups, double *out)
{
    size_t g = r->g, p = r->p, i;
    double sum = 0.0;
    int have_lmg = r->sampled || r->enumerated;
    switch (code) {
    case LOY_DRIVERS_LMG:
        LOY__REQUIRE(have_lmg, LOY_EDOMAIN);
        memcpy(out, r->v.lmg, g * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_LMG_SHARE:
        LOY__REQUIRE(have_lmg, LOY_EDOMAIN);
        LOY__REQUIRE(r->v.r2p > ZERO_R2, LOY_EDEGENERATE);
        for (i = 0; i < g; i++)
            out[i] = r->v.lmg[i] / r->r2_decomp;
        return LOY_OK;
    case LOY_DRIVERS_FIRST:
        memcpy(out, r->v.first, g * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_LAST:
        memcpy(out, r->v.last, g * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_BETASQ:
        LOY__REQUIRE(!groups, LOY_EDOMAIN);
        memcpy(out, r->v.betasq, p * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_PRATT:
        LOY__REQUIRE(!groups, LOY_EDOMAIN);
        memcpy(out, r->v.pratt, p * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_RW:
        memcpy(out, r->v.rw, p * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_RW_SHARE:
        for (i = 0; i < p; i++)
            sum += r->v.rw[i];
        LOY__REQUIRE(r->v.r2p > ZERO_R2 && sum > 0.0, LOY_EDEGENERATE);
        for (i = 0; i < p; i++)
            out[i] = r->v.rw[i] / sum;
        return LOY_OK;
    case LOY_DRIVERS_CAR:
        memcpy(out, r->v.car, p * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_BETA_STD:
        memcpy(out, r->v.beta_std, p * sizeof *out);
        return LOY_OK;
    case LOY_DRIVERS_R2:
        out[0] = r->v.r2;
        return LOY_OK;
    default:
        return LOY_EDOMAIN;
    }
}

/* The metrics that get resampling statistics, with their lengths. */
static const uint32_t rep_codes[] = {
    LOY_DRIVERS_LMG,  LOY_DRIVERS_LMG_SHARE, LOY_DRIVERS_FIRST,
    LOY_DRIVERS_LAST, LOY_DRIVERS_BETASQ,    LOY_DRIVERS_PRATT,
    LOY_DRIVERS_RW,   LOY_DRIVERS_RW_SHARE,  LOY_DRIVERS_CAR,
    LOY_DRIVERS_BETA_STD, LOY_DRIVERS_R2,
};
#define N_REP_CODES (sizeof rep_codes / sizeof rep_codes[0])

static size_t
code_len(uint32_t code, size_t g, size_t p)
{
    switch (code) {
    case LOY_DRIVERS_LMG:
    case LOY_DRIVERS_LMG_SHARE:
    case LOY_DRIVERS_FIRST:
    case LOY_DRIVERS_LAST:
    case LOY_DRIVERS_RANK:
    case LOY_DRIVERS_LMG_MCSE:
        return g;
    case LOY_DRIVERS_R2:
        return 1u;
    default:
        return p;
    }
}

static int
put(loy_drivers_result *res, uint32_t code, const double *src, size_t len)
{
    double *dst = loy__drv_metric(res, code, len);
    LOY__REQUIRE(dst != NULL, LOY_ENOMEM);
    memcpy(dst, src, len * sizeof *dst);
    return LOY_OK;
}

/* Store the main run's metrics in the result. */
static int
fill_result(loy_drivers_result *res, const lin_run *r, int groups,
            int complete)
{
    size_t g = r->g, p = r->p, i, k;
    double *buf = malloc((g * g + p + 1u) * sizeof *buf), *d;
    LOY__REQUIRE(buf != NULL, LOY_ENOMEM);
    for (k = 0; k < N_REP_CODES; k++) {
        int rc = run_metric(r, rep_codes[k], groups, buf);
        if (rc == LOY_EDEGENERATE) {
            loy__drv_metric_undefined(res, rep_codes[k]);
            res->sum.flags |= LOY_DRIVERS_ZERO_R2;
        } else if (rc == LOY_OK && put(res, rep_codes[k], buf,
                                       code_len(rep_codes[k], g, p)) != LOY_OK) {
            free(buf);
            return LOY_ENOMEM;
        }
    }
    if (put(res, LOY_DRIVERS_BETA, r->v.beta, p) != LOY_OK
        || put(res, LOY_DRIVERS_T, r->v.t, p) != LOY_OK
        || put(res, LOY_DRIVERS_P, r->v.pval, p) != LOY_OK
        || (d = loy__drv_metric(res, LOY_DRIVERS_SIGN, p)) == NULL) {
        free(buf);
        return LOY_ENOMEM;
    }
    for (i = 0; i < p; i++)
        d[i] = r->v.beta[i] > 0.0 ? 1.0 : (r->v.beta[i] < 0.0 ? -1.0 : 0.0);
    d = loy__drv_metric_se(res, LOY_DRIVERS_BETA);
    if (d == NULL || put(res, LOY_DRIVERS_INTERCEPT, &r->v.intercept, 1u)) {
        free(buf);
        return LOY_ENOMEM;
    }
    memcpy(d, r->v.se, p * sizeof *d);
    if (r->sampled || r->enumerated) {
        loy__drv_ranks(buf, r->v.lmg, g);
        if (put(res, LOY_DRIVERS_RANK, buf, g) != LOY_OK) {
            free(buf);
            return LOY_ENOMEM;
        }
        loy__drv_general_codes(buf, r->v.lmg, g);
        if (put(res, LOY_DRIVERS_DOM_GENERAL, buf, g * g) != LOY_OK) {
            free(buf);
            return LOY_ENOMEM;
        }
    }
    free(buf);
    if (r->sampled)
        LOY__TRY(put(res, LOY_DRIVERS_LMG_MCSE, r->mcse, g));
    if (r->enumerated) {
        double *dc = loy__drv_metric(res, LOY_DRIVERS_DOM_CONDITIONAL, g * g);
        LOY__REQUIRE(dc != NULL, LOY_ENOMEM);
        loy__drv_conditional_codes(dc, r->cond, g);
        LOY__TRY(put(res, LOY_DRIVERS_CONDITIONAL, r->cond, g * g));
    }
    if (complete) {
        LOY__TRY(put(res, LOY_DRIVERS_DOM_COMPLETE, r->codes, g * g));
        LOY__TRY(put(res, LOY_DRIVERS_COMPLETE_SHARE, r->share, g * g));
    }
    return LOY_OK;
}

static void
fill_summary(loy_drivers_result *res, const lin_run *r, const loy__drv_cols *c,
             const lin_opts *o)
{
    loy_drivers_summary *s = &res->sum;
    size_t i;
    s->n_drivers = c->p;
    s->n_players = c->g;
    s->n_always = c->a;
    s->n = r->n;
    s->sum_w = r->W;
    s->r2 = r->v.r2;
    s->r2_adj = r->v.r2_adj;
    s->r2_always = r->r2_always;
    s->r2_decomp = r->r2_decomp;
    s->f_stat = r->v.f_stat;
    s->f_p = r->v.f_p;
    s->df_resid = r->v.df;
    s->level = o->level;
    if (r->sampled) {
        s->flags |= LOY_DRIVERS_SAMPLED;
        s->orders = 2u * o->orders;
        s->seed = o->seed;
        for (i = 0; i < c->g; i++)
            s->mc_se_max = r->mcse[i] > s->mc_se_max ? r->mcse[i]
                                                      : s->mc_se_max;
    }
}

/* ---------------------------------------------------------------- */
/* Resampling: replicate values, then SE and intervals. */

static int
reps_alloc(loy_drivers_result *res, size_t nmax, int ranks)
{
    size_t k;
    for (k = 0; k < N_REP_CODES + 1u; k++) {
        uint32_t code = k < N_REP_CODES ? rep_codes[k] : LOY_DRIVERS_RANK;
        loy__metric *m = &res->m[code];
        if (m->status != LOY_OK || (code == LOY_DRIVERS_RANK && !ranks))
            continue;
        m->reps = malloc(nmax * m->len * sizeof *m->reps);
        LOY__REQUIRE(m->reps != NULL, LOY_ENOMEM);
        m->nrep = 0;
    }
    return LOY_OK;
}

/* Record replicate values; LOY_EDEGENERATE when a needed metric is
 * undefined in this replicate (nothing recorded then). */
static int
reps_record(loy_drivers_result *res, const lin_run *r, int groups,
            double *buf)
{
    size_t k;
    for (k = 0; k < N_REP_CODES; k++) {
        if (res->m[rep_codes[k]].status != LOY_OK)
            continue;
        LOY__TRY(run_metric(r, rep_codes[k], groups, buf));
    }
    for (k = 0; k < N_REP_CODES + 1u; k++) {
        uint32_t code = k < N_REP_CODES ? rep_codes[k] : LOY_DRIVERS_RANK;
        loy__metric *m = &res->m[code];
        if (m->status != LOY_OK || m->reps == NULL)
            continue;
        if (code == LOY_DRIVERS_RANK)
            loy__drv_ranks(m->reps + m->nrep * m->len, r->v.lmg, r->g);
        else
            (void)run_metric(r, code, groups, m->reps + m->nrep * m->len);
        m->nrep++;
    }
    return LOY_OK;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* SE and intervals of one metric from its replicates. */
static int
metric_stats(loy__metric *m, int jack, double level, double z, double *col)
{
    size_t i, b, R = m->nrep;
    m->se = calloc(m->len, sizeof *m->se);
    m->lo = calloc(m->len, sizeof *m->lo);
    m->hi = calloc(m->len, sizeof *m->hi);
    LOY__REQUIRE(m->se && m->lo && m->hi, LOY_ENOMEM);
    for (i = 0; i < m->len; i++) {
        double mean = 0.0, ss = 0.0;
        for (b = 0; b < R; b++)
            mean += m->reps[b * m->len + i];
        mean /= (double)R;
        for (b = 0; b < R; b++) {
            double d = m->reps[b * m->len + i] - mean;
            ss += d * d;
        }
        if (jack) {
            m->se[i] = sqrt(ss * (double)(R - 1u) / (double)R);
            m->lo[i] = m->est[i] - z * m->se[i];
            m->hi[i] = m->est[i] + z * m->se[i];
        } else {
            m->se[i] = R > 1u ? sqrt(ss / (double)(R - 1u)) : 0.0;
            for (b = 0; b < R; b++)
                col[b] = m->reps[b * m->len + i];
            qsort(col, R, sizeof *col, cmp_double);
            m->lo[i] = loy__drv_quantile(col, R, 0.5 * (1.0 - level));
            m->hi[i] = loy__drv_quantile(col, R, 0.5 * (1.0 + level));
        }
    }
    return LOY_OK;
}

/* P(rank_i <= k) from the rank replicates. */
static int
topk(loy_drivers_result *res, size_t g)
{
    const loy__metric *rk = &res->m[LOY_DRIVERS_RANK];
    double *d;
    size_t i, k, b;
    if (rk->status != LOY_OK || rk->reps == NULL || rk->nrep == 0u)
        return LOY_OK;
    d = loy__drv_metric(res, LOY_DRIVERS_TOPK, g * g);
    LOY__REQUIRE(d != NULL, LOY_ENOMEM);
    rk = &res->m[LOY_DRIVERS_RANK];
    for (i = 0; i < g; i++)
        for (k = 0; k < g; k++) {
            size_t hits = 0;
            for (b = 0; b < rk->nrep; b++)
                hits += rk->reps[b * g + i] <= (double)(k + 1u);
            d[i * g + k] = (double)hits / (double)rk->nrep;
        }
    return LOY_OK;
}

static int
reps_finish(loy_drivers_result *res, int jack, double level, size_t nmax)
{
    size_t k;
    double z, *col = malloc((nmax > 0u ? nmax : 1u) * sizeof *col);
    LOY__REQUIRE(col != NULL, LOY_ENOMEM);
    if (loy__normal_crit(&z, level) != LOY_OK)
        z = 1.959963984540054;
    for (k = 0; k < N_REP_CODES + 1u; k++) {
        uint32_t code = k < N_REP_CODES ? rep_codes[k] : LOY_DRIVERS_RANK;
        loy__metric *m = &res->m[code];
        if (m->status != LOY_OK || m->reps == NULL)
            continue;
        if (metric_stats(m, jack, level, z, col) != LOY_OK) {
            free(col);
            return LOY_ENOMEM;
        }
    }
    free(col);
    return jack ? LOY_OK : topk(res, (size_t)res->sum.n_players);
}

/* ---------------------------------------------------------------- */

typedef struct lin_job {
    loy__drv_cols cols;
    lin_opts o;
    lin_run run;
    loy_drivers_result *res;
    int groups;
} lin_job;

static void
job_free(lin_job *j)
{
    loy__drv_cols_free(&j->cols);
    run_free(&j->run);
    loy_drivers_result_free(j->res);
}

/* Checks, the main analysis, the result. */
static int
job_main(lin_job *j, const loy_moments *t, const loy_drivers_spec *spec,
         const loy_drivers_options *opts, size_t *err)
{
    int complete;
    memset(j, 0, sizeof *j);
    LOY__TRY(read_options(&j->o, opts, 24u));
    LOY__TRY(loy__drv_cols_new(&j->cols, spec, t->k, err));
    j->groups = spec->groups != NULL;
    complete = (j->o.flags & LOY_DRIVERS_COMPLETE) != 0u;
    if (!(j->o.flags & LOY_DRIVERS_FULL_ONLY) && j->cols.g > j->o.max_exact
        && (!(j->o.flags & LOY_DRIVERS_SAMPLE) || complete))
        return LOY_EDOMAIN;
    if (complete && (j->o.flags & LOY_DRIVERS_FULL_ONLY))
        return LOY_EDOMAIN;
    LOY__TRY(run_alloc(&j->run, j->cols.g, j->cols.p));
    LOY__TRY(run_state(t, 0, &j->cols, &j->o, complete, &j->run, err));
    LOY__TRY(loy__drv_result_new(&j->res, LOY_DRIVERS_MODEL_LINEAR));
    fill_summary(j->res, &j->run, &j->cols, &j->o);
    return fill_result(j->res, &j->run, j->groups, complete);
}

static int
bootstrap(lin_job *j, const loy_moments *t)
{
    size_t b, B = t->B, ok = 0;
    double *buf = malloc((j->cols.g * j->cols.g + j->cols.p + 1u)
                         * sizeof *buf);
    LOY__REQUIRE(buf != NULL, LOY_ENOMEM);
    if (reps_alloc(j->res, B, 1) != LOY_OK) {
        free(buf);
        return LOY_ENOMEM;
    }
    for (b = 0; b < B; b++) {
        int rc = run_state(t, 1u + b, &j->cols, &j->o, 0, &j->run, NULL);
        if (rc == LOY_OK)
            rc = reps_record(j->res, &j->run, j->groups, buf);
        if (rc == LOY_ENOMEM) {
            free(buf);
            return rc;
        }
        ok += rc == LOY_OK;
    }
    free(buf);
    j->res->sum.replicates = ok;
    j->res->sum.replicates_failed = B - ok;
    LOY__REQUIRE(ok >= 2u, LOY_EDEGENERATE);
    j->res->sum.flags |= LOY_DRIVERS_BOOTSTRAPPED;
    return reps_finish(j->res, 0, j->o.level, B);
}

int
loy_drivers_linear(loy_drivers_result **out, const loy_moments *t,
                   const loy_drivers_spec *spec,
                   const loy_drivers_options *opts, size_t *err_index)
{
    lin_job j;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    rc = job_main(&j, t, spec, opts, err_index);
    if (rc == LOY_OK && (j.o.flags & LOY_DRIVERS_BOOTSTRAP)) {
        rc = t->B > 0u ? bootstrap(&j, t) : LOY_EINVAL;
    }
    if (rc == LOY_OK) {
        *out = j.res;
        j.res = NULL;
    }
    job_free(&j);
    return rc;
}

/* The parts must be sub-tallies of total that together hold its rows. */
static int
parts_check(const loy_moments *total, const loy_moments *const *parts,
            size_t G)
{
    size_t g;
    uint64_t rows = 0;
    LOY__REQUIRE(parts != NULL && G >= 2u, LOY_EINVAL);
    for (g = 0; g < G; g++) {
        LOY__REQUIRE(parts[g] != NULL, LOY_EINVAL);
        LOY__REQUIRE(loy__mom_compatible(total, parts[g]), LOY_EINVAL);
        rows += parts[g]->cnt[0];
    }
    LOY__REQUIRE(rows == total->cnt[0], LOY_EINCONSISTENT);
    return LOY_OK;
}

static int
jackknife(lin_job *j, const loy_moments *total,
          const loy_moments *const *parts, size_t G, size_t *err)
{
    size_t g;
    double *buf = malloc((j->cols.g * j->cols.g + j->cols.p + 1u)
                         * sizeof *buf);
    int rc = LOY_OK;
    LOY__REQUIRE(buf != NULL, LOY_ENOMEM);
    if (reps_alloc(j->res, G, 0) != LOY_OK) {
        free(buf);
        return LOY_ENOMEM;
    }
    for (g = 0; g < G && rc == LOY_OK; g++) {
        loy_moments *rest = NULL;
        rc = loy_moments_clone(&rest, total);
        if (rc == LOY_OK)
            rc = loy_moments_unmerge(rest, parts[g]);
        if (rc == LOY_OK)
            rc = run_state(rest, 0, &j->cols, &j->o, 0, &j->run, err);
        if (rc == LOY_OK)
            rc = reps_record(j->res, &j->run, j->groups, buf);
        loy_moments_free(rest);
    }
    free(buf);
    LOY__TRY(rc);
    j->res->sum.replicates = G;
    j->res->sum.flags |= LOY_DRIVERS_JACKKNIFED;
    return reps_finish(j->res, 1, j->o.level, G);
}

int
loy_drivers_jackknife(loy_drivers_result **out, const loy_moments *total,
                      const loy_moments *const *parts, size_t n_parts,
                      const loy_drivers_spec *spec,
                      const loy_drivers_options *opts, size_t *err_index)
{
    lin_job j;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(total != NULL, LOY_EINVAL);
    LOY__TRY(parts_check(total, parts, n_parts));
    LOY__REQUIRE(opts == NULL || !LOY__STRUCT_OK(opts, sizeof *opts)
                     || !(opts->flags & LOY_DRIVERS_BOOTSTRAP),
                 LOY_EINVAL);
    rc = job_main(&j, total, spec, opts, err_index);
    if (rc == LOY_OK)
        rc = jackknife(&j, total, parts, n_parts, err_index);
    if (rc == LOY_OK) {
        *out = j.res;
        j.res = NULL;
    }
    job_free(&j);
    return rc;
}
