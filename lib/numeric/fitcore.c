/* SPDX-License-Identifier: MIT */
/*
 * fitcore.c - the maximum-likelihood driver shared by every model fit:
 * option validation, the log-parameterised penalised objective, the
 * optimiser, standard errors and the loy_fit_report.
 */
#include "numeric/fitcore.h"

#include "numeric/optim.h"

#define FIT_KNOWN_FLAGS                                                     \
    (LOY_FIT_NO_COMPRESS | LOY_FIT_COMPRESS | LOY_FIT_NO_SE | LOY_FIT_NO_LIMITS)
#define FIT_NAN ((double)NAN)

/* Released layouts: smaller struct_size values are rejected. */
#define FIT_OPTIONS_V1_SIZE LOY__FIT_OPTIONS_V1_SIZE
#define FIT_REPORT_V1_SIZE LOY__FIT_REPORT_V1_SIZE

/* |ln(p / start)| beyond which an estimate counts as a boundary (and a
 * fit with limits to try stops its walk there): a factor of 1e6 from the
 * default start, which is set from the data's own scale. */
#define FIT_BOUNDARY_LOG 13.815510557964274 /* ln 1e6 */
/* A limit model is kept when its log-likelihood is within this much per
 * unit weight (plus 1e-9 relative) of the best fit found. */
#define FIT_LIMIT_TOL 1e-7

/* The objective seen by the optimiser, over theta = ln p. */
typedef struct fit_objective {
    const loy__fit_problem *prob;
    double scale;   /* -1/total_weight for the fit, -1 for the Hessian */
    double penalty; /* 0 for the Hessian */
} fit_objective;

/* p = exp(theta); 0 when a parameter under- or overflows. */
static int
natural_params(const double *theta, size_t k, double *p)
{
    size_t j;
    for (j = 0; j < k; j++) {
        p[j] = exp(theta[j]);
        if (!(p[j] > 0.0) || !loy__finite(p[j]))
            return 0;
    }
    return 1;
}

/*
 * f = scale * ll(p) + penalty * sum p^2 and its gradient w.r.t. theta:
 * scale * g_j + 2 penalty p_j^2 (the model's g is already w.r.t. ln p).
 */
static int
fit_objective_eval(void *vctx, const double *theta, size_t k, double *f,
                   double *grad)
{
    const fit_objective *o = vctx;
    double p[LOY_FIT_MAX_PARAMS], g[LOY_FIT_MAX_PARAMS], ll, pen = 0.0;
    size_t j;
    LOY__REQUIRE(natural_params(theta, k, p), LOY_EDOMAIN);
    LOY__TRY(o->prob->loglik(o->prob->ctx, p, k, &ll,
                             grad != NULL ? g : NULL));
    for (j = 0; j < k; j++)
        pen += p[j] * p[j];
    *f = o->scale * ll + o->penalty * pen;
    for (j = 0; grad != NULL && j < k; j++)
        grad[j] = o->scale * g[j] + 2.0 * o->penalty * p[j] * p[j];
    return LOY_OK;
}

void
loy__fit_options_read(const loy_fit_options *in, loy_fit_options *out)
{
    static const loy_fit_options defaults = LOY_FIT_OPTIONS_INIT;
    *out = defaults;
    if (in != NULL && loy__struct_size_ok(in->struct_size, FIT_OPTIONS_V1_SIZE))
        loy__struct_copy_in(out, in, sizeof *out);
}

/* Check and complete the caller's options (NULL: defaults). */
static int
read_options(const loy_fit_options *in, const loy__fit_problem *prob,
             loy_fit_options *opt)
{
    const double *start;
    size_t j;
    LOY__REQUIRE(in == NULL
                     || loy__struct_size_ok(in->struct_size,
                                            FIT_OPTIONS_V1_SIZE),
                 LOY_EINVAL);
    loy__fit_options_read(in, opt);
    LOY__REQUIRE((opt->flags & ~FIT_KNOWN_FLAGS) == 0, LOY_EINVAL);
    LOY__REQUIRE((opt->flags & LOY_FIT_NO_COMPRESS) == 0
                     || (opt->flags & LOY_FIT_COMPRESS) == 0,
                 LOY_EINVAL);
    LOY__REQUIRE(loy__finite(opt->penalty) && opt->penalty >= 0.0,
                 LOY_EINVAL);
    LOY__REQUIRE(loy__finite(opt->gtol) && opt->gtol >= 0.0, LOY_EINVAL);
    start = opt->start != NULL ? opt->start : prob->default_start;
    for (j = 0; j < prob->k; j++)
        LOY__REQUIRE(loy__finite(start[j]) && start[j] > 0.0, LOY_EINVAL);
    opt->start = start;
    return LOY_OK;
}

static void
fill_nan(double *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        v[i] = FIT_NAN;
}

/*
 * Covariance of the natural parameters, Cov = D H^-1 D with H the Hessian
 * of -ll w.r.t. ln p and D = diag(p); left NaN (and 0 returned) when H is
 * not positive definite or cannot be evaluated.
 */
static int
standard_errors(const loy__fit_problem *prob, const double *theta,
                const double *p, loy_fit_report *rep)
{
    double H[LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS];
    double Hi[LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS];
    fit_objective o;
    size_t i, j, k = prob->k;
    o.prob = prob;
    o.scale = -1.0;
    o.penalty = 0.0;
    if (loy__hessian(fit_objective_eval, &o, theta, k, H) != LOY_OK
        || loy__spd_inverse(H, k, Hi) != LOY_OK)
        return 0;
    for (i = 0; i < k; i++)
        for (j = 0; j < k; j++)
            rep->cov[i * k + j] = p[i] * Hi[i * k + j] * p[j];
    for (i = 0; i < k; i++) {
        rep->se[i] = sqrt(rep->cov[i * k + i]);
        if (!loy__finite(rep->se[i])) {
            fill_nan(rep->se, LOY_FIT_MAX_PARAMS);
            fill_nan(rep->cov, LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS);
            return 0;
        }
    }
    return 1;
}

/*
 * The report of a finished optimisation, in our own full-size struct.
 * Always fills what it can: a point where the likelihood cannot be
 * evaluated gets a NaN loglik.
 */
static void
build_report(const loy__fit_problem *prob, const loy_fit_options *opt,
             const double *theta, const loy__optim_report *orep, int status,
             int stop_far, loy_fit_report *rep)
{
    size_t j, k = prob->k;
    memset(rep, 0, sizeof *rep);
    rep->struct_size = sizeof *rep;
    rep->status = (int32_t)status;
    rep->n_params = (uint32_t)k;
    fill_nan(rep->params, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->se, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->cov, LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS);
    fill_nan(rep->reduced, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->reduced_se, LOY_FIT_MAX_PARAMS);
    rep->loglik = FIT_NAN;
    rep->grad_norm = orep->grad_norm;
    rep->n_customers = prob->total_weight;
    rep->n_rows = prob->n_rows;
    rep->iterations = orep->iterations;
    rep->evaluations = orep->evaluations;
    if (orep->cap == LOY__OPTIM_CAP_ITER)
        rep->flags |= LOY_FIT_REPORT_MAX_ITER;
    if (orep->cap == LOY__OPTIM_CAP_EVALS)
        rep->flags |= LOY_FIT_REPORT_MAX_EVALS;
    for (j = 0; j < k; j++) {
        rep->params[j] = exp(theta[j]);
        if (fabs(theta[j] - log(prob->default_start[j])) > FIT_BOUNDARY_LOG)
            rep->flags |= LOY_FIT_REPORT_BOUNDARY;
    }
    if (!natural_params(theta, k, rep->params)
        || prob->loglik(prob->ctx, rep->params, k, &rep->loglik, NULL)
               != LOY_OK
        || !loy__finite(rep->loglik)) {
        rep->loglik = FIT_NAN;
        return;
    }
    if ((opt->flags & LOY_FIT_NO_SE) != 0)
        return;
    /* a fit with limits to try that stopped far out is not an estimate
     * (a limit model or a run without the stop replaces it), and the
     * information at a boundary is singular anyway: no 2k evaluations */
    if (stop_far && (orep->cap == LOY__OPTIM_CAP_MOVE
                     || (prob->n_limits > 0
                         && (rep->flags & LOY_FIT_REPORT_BOUNDARY) != 0)))
        rep->flags |= LOY_FIT_REPORT_NO_SE;
    else if (!standard_errors(prob, theta, rep->params, rep))
        rep->flags |= LOY_FIT_REPORT_NO_SE;
}

static int
problem_ok(const loy__fit_problem *prob)
{
    return prob != NULL && prob->loglik != NULL && prob->k >= 1
           && prob->k <= LOY_FIT_MAX_PARAMS && prob->default_start != NULL
           && loy__finite(prob->total_weight) && prob->total_weight > 0.0;
}

/* One optimisation of `prob` from opt->start: theta, the status and the
 * report (full size). With far != NULL, a walk out stops a factor 1e6
 * from the natural parameters far[] (optim.h). */
static int
fit_once(const loy__fit_problem *prob, const loy_fit_options *opt,
         const double *far, double *theta, loy_fit_report *rep)
{
    loy__optim_options oo;
    loy__optim_report orep;
    fit_objective o;
    double ref[LOY_FIT_MAX_PARAMS];
    size_t j;
    int rc, stop_far = far != NULL;
    for (j = 0; j < prob->k; j++)
        theta[j] = log(opt->start[j]);
    o.prob = prob;
    o.scale = -1.0 / prob->total_weight;
    o.penalty = opt->penalty;
    oo.max_iter = opt->max_iter;
    oo.gtol = opt->gtol;
    oo.max_evals = opt->max_evals;
    oo.max_move = 0.0;
    oo.ref = NULL;
    if (stop_far) {
        /* a walk towards a limit stops early: the limits are fitted */
        for (j = 0; j < prob->k; j++)
            ref[j] = log(far[j]);
        oo.max_move = FIT_BOUNDARY_LOG;
        oo.ref = ref;
    }
    memset(&orep, 0, sizeof orep);
    rc = loy__minimize(fit_objective_eval, &o, theta, prob->k, &oo, &orep);
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        return rc;
    build_report(prob, opt, theta, &orep, rc, stop_far, rep);
    if (rc == LOY_OK && !loy__finite(rep->loglik))
        rc = LOY_ENOCONV;
    rep->status = (int32_t)rc;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Limits of the family                                                */
/* ------------------------------------------------------------------ */

typedef struct limit_ctx {
    const loy__fit_problem *full;
    const loy__fit_limit *lim;
} limit_ctx;

/* Full point of reduced parameters q. */
static void
limit_embed(const loy__fit_limit *L, size_t k, const double *q, double *p)
{
    size_t i, j;
    for (j = 0; j < k; j++) {
        double lp = L->c[j];
        for (i = 0; i < L->m; i++)
            lp += L->emb[j][i] * log(q[i]);
        p[j] = exp(lp);
    }
}

/*
 * Reduced likelihood: the full one at the embedding. Its gradient is
 * taken by central differences in the reduced log-parameters: the model's
 * analytic gradient at a shape of 1e30 would be a difference of terms of
 * that size, whereas the likelihood itself is written to stay accurate
 * there (4 m extra evaluations per gradient, m <= 3).
 */
static int
limit_value(void *vctx, const double *q, size_t m, double *ll, double *g)
{
    const limit_ctx *c = vctx;
    double p[LOY_FIT_MAX_PARAMS];
    size_t j, k = c->full->k;
    (void)m;
    (void)g;
    limit_embed(c->lim, k, q, p);
    for (j = 0; j < k; j++)
        LOY__REQUIRE(p[j] > 0.0 && loy__finite(p[j]), LOY_EDOMAIN);
    LOY__TRY(c->full->loglik(c->full->ctx, p, k, ll, NULL));
    return loy__finite(*ll) ? LOY_OK : LOY_ENOCONV;
}

static int
limit_loglik(void *vctx, const double *q, size_t m, double *ll, double *g)
{
    LOY__TRY(limit_value(vctx, q, m, ll, NULL));
    if (g != NULL)
        LOY__TRY(loy__loglik_numgrad(limit_value, vctx, q, m, g));
    return LOY_OK;
}

/* A reduced model with no parameter left: only its log-likelihood. */
static int
limit_fixed(const loy__fit_problem *prob, const loy__fit_limit *L,
            loy_fit_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->struct_size = sizeof *rep;
    fill_nan(rep->params, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->se, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->cov, LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS);
    limit_embed(L, prob->k, NULL, rep->params);
    if (prob->loglik(prob->ctx, rep->params, prob->k, &rep->loglik, NULL)
            != LOY_OK
        || !loy__finite(rep->loglik))
        return LOY_ENOCONV;
    rep->evaluations = 1;
    return LOY_OK;
}

/* Fit one limit model from the full estimate pf; its report in rep
 * (params: the embedding; reduced, reduced_se filled). */
static int
limit_fit(const loy__fit_problem *prob, const loy_fit_options *opt,
          const loy__fit_limit *L, const double *pf, loy_fit_report *rep)
{
    loy__fit_problem sub = *prob;
    loy_fit_options o = *opt;
    loy_fit_report r;
    limit_ctx c;
    double q[LOY_FIT_MAX_PARAMS], start[LOY_FIT_MAX_PARAMS];
    double theta[LOY_FIT_MAX_PARAMS];
    size_t i, j;
    int rc;
    if (L->m == 0)
        return limit_fixed(prob, L, rep);
    for (i = 0; i < L->m; i++) {
        double lq = 0.0;
        for (j = 0; j < prob->k; j++)
            lq += L->red[i][j] * log(pf[j]);
        /* keep the start inside the range the optimiser can move from */
        start[i] = exp(fmin(fmax(lq, -300.0), 300.0));
    }
    c.full = prob;
    c.lim = L;
    sub.loglik = limit_loglik;
    sub.ctx = &c;
    sub.k = L->m;
    sub.default_start = start;
    sub.limits = NULL;
    sub.n_limits = 0;
    o.start = start;
    /* a reduced model walking to a limit of its own is not kept (the
     * simpler model is fitted too): stop such a walk early */
    rc = fit_once(&sub, &o, start, theta, &r);
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        return rc;
    *rep = r;
    rep->n_params = (uint32_t)prob->k;
    fill_nan(rep->params, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->se, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->cov, LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS);
    for (i = 0; i < L->m; i++)
        q[i] = exp(theta[i]);
    limit_embed(L, prob->k, q, rep->params);
    rep->n_reduced = (uint32_t)L->m;
    for (i = 0; i < L->m; i++) {
        double se = r.se[i];
        rep->reduced[i] = q[i];
        rep->reduced_se[i] = se;
        if (L->odds & (1u << i)) {
            rep->reduced[i] = q[i] / (1.0 + q[i]);
            rep->reduced_se[i] = se / ((1.0 + q[i]) * (1.0 + q[i]));
        }
    }
    /* the boundary test of the reduced fit is against its own start */
    rep->flags &= ~(uint32_t)LOY_FIT_REPORT_BOUNDARY;
    return rc;
}

/* Did the full fit end cleanly in the interior? */
static int
fit_clean(int rc, const loy_fit_report *rep)
{
    return rc == LOY_OK && loy__finite(rep->loglik)
           && (rep->flags & (LOY_FIT_REPORT_BOUNDARY | LOY_FIT_REPORT_NO_SE))
                  == 0;
}

/* Was the full fit stopped on a walk out (uphill all the way)? */
static int
walk_stopped(int rc, const loy_fit_report *rep)
{
    return rc == LOY_ENOCONV && (rep->flags & LOY_FIT_REPORT_BOUNDARY) != 0
           && (rep->flags
               & (LOY_FIT_REPORT_MAX_ITER | LOY_FIT_REPORT_MAX_EVALS))
                  == 0;
}

/*
 * A walk stopped far out that no limit model explains: the maximum may
 * still be an interior point beyond the stop, or lie at a boundary the
 * family does not list as a limit. Carry on from where the walk stopped,
 * with the stop moved there: an interior maximum up to 1e12 times the
 * start is found, a walk out to an unlisted boundary ends after one more
 * factor 1e6 (LOY_ENOCONV with the boundary flag) instead of crawling on
 * to the iteration cap. The report counts the work of both runs.
 */
static int
resume(const loy__fit_problem *prob, const loy_fit_options *opt,
       loy_fit_report *rep)
{
    loy__fit_problem p = *prob;
    loy_fit_options o = *opt;
    loy_fit_report r;
    double theta[LOY_FIT_MAX_PARAMS], start[LOY_FIT_MAX_PARAMS];
    int rc;
    memcpy(start, rep->params, prob->k * sizeof *start);
    o.start = start;
    p.n_limits = 0; /* tried already: an estimate here gets its SEs */
    rc = fit_once(&p, &o, start, theta, &r);
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        return rep->status; /* keep the first run's report */
    r.evaluations += rep->evaluations;
    r.iterations += rep->iterations;
    *rep = r;
    return rc;
}

/*
 * Try the limit models, fewest parameters first; replace (*rc, rep) by
 * the simplest one that is as good as the best fit found. When the full
 * fit converged (only at a boundary), its log-likelihood is the supremum
 * to within the tolerance, so the search stops at the first parameter
 * count that reaches it; so it does when the full fit was stopped on its
 * walk out (uphill all the way) and a limit model does better than the
 * point where it stopped. Otherwise every limit is fitted.
 */
static void
try_limits(const loy__fit_problem *prob, const loy_fit_options *opt,
           int *rc, loy_fit_report *rep)
{
    loy_fit_report lr[8];
    int lrc[8];
    double best = loy__finite(rep->loglik) ? rep->loglik : -(double)INFINITY;
    double tol, full_ll = best;
    int walked = walk_stopped(*rc, rep);
    size_t i, n = prob->n_limits < 8 ? prob->n_limits : 8, pick = n, m;
    uint32_t evals = rep->evaluations, iters = rep->iterations;
    for (i = 0; i < n; i++)
        lrc[i] = LOY_EINVAL; /* not fitted */
    for (m = 0; m <= LOY_FIT_MAX_PARAMS; m++) {
        for (i = 0; i < n; i++) {
            if (prob->limits[i].m != m)
                continue;
            lrc[i] = limit_fit(prob, opt, &prob->limits[i], rep->params,
                               &lr[i]);
            evals += lr[i].evaluations;
            iters += lr[i].iterations;
            if ((lrc[i] == LOY_OK || lrc[i] == LOY_ENOCONV)
                && loy__finite(lr[i].loglik) && lr[i].loglik > best)
                best = lr[i].loglik;
        }
        if ((*rc != LOY_OK && !walked) || !loy__finite(best))
            continue;
        tol = FIT_LIMIT_TOL * prob->total_weight + 1e-9 * fabs(best);
        for (i = 0; i < n; i++)
            if (prob->limits[i].m == m && lrc[i] == LOY_OK
                && lr[i].loglik >= best - tol
                && (*rc == LOY_OK || lr[i].loglik >= full_ll))
                break;
        if (i < n)
            break; /* this count reaches the supremum: no need for more */
    }
    if (!loy__finite(best))
        return;
    tol = FIT_LIMIT_TOL * prob->total_weight + 1e-9 * fabs(best);
    for (i = 0; i < n; i++) {
        if (lrc[i] != LOY_OK || !(lr[i].loglik >= best - tol))
            continue;
        if (pick == n || prob->limits[i].m < prob->limits[pick].m
            || (prob->limits[i].m == prob->limits[pick].m
                && lr[i].loglik > lr[pick].loglik))
            pick = i;
    }
    if (pick == n) {
        if (loy__finite(rep->loglik) && rep->loglik < best - tol)
            rep->flags |= LOY_FIT_REPORT_BOUNDARY; /* a limit does better */
        rep->evaluations = evals;
        rep->iterations = iters;
        return;
    }
    *rep = lr[pick];
    rep->status = LOY_OK;
    rep->flags |= LOY_FIT_REPORT_LIMIT;
    rep->limit = prob->limits[pick].limit;
    rep->n_customers = prob->total_weight;
    rep->n_rows = prob->n_rows;
    rep->evaluations = evals;
    rep->iterations = iters;
    *rc = LOY_OK;
}

int
loy__fit_ml(const loy__fit_problem *prob, const loy_fit_options *opts,
            double *params_out, loy_fit_report *report)
{
    loy_fit_options opt;
    loy_fit_report full;
    double theta[LOY_FIT_MAX_PARAMS];
    size_t j;
    int rc;
    LOY__REQUIRE(problem_ok(prob) && params_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(report == NULL
                     || loy__struct_size_ok(report->struct_size,
                                            FIT_REPORT_V1_SIZE),
                 LOY_EINVAL);
    LOY__TRY(read_options(opts, prob, &opt));
    rc = fit_once(prob, &opt,
                  prob->n_limits > 0 && (opt.flags & LOY_FIT_NO_LIMITS) == 0
                          && opt.penalty == 0.0
                      ? prob->default_start
                      : NULL,
                  theta, &full);
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        return rc;
    if (prob->n_limits > 0 && (opt.flags & LOY_FIT_NO_LIMITS) == 0
        && opt.penalty == 0.0 && !fit_clean(rc, &full)) {
        int walked = walk_stopped(rc, &full);
        try_limits(prob, &opt, &rc, &full);
        if (walked && (full.flags & LOY_FIT_REPORT_LIMIT) == 0)
            rc = resume(prob, &opt, &full); /* no limit: carry on out */
    }
    for (j = 0; j < prob->k; j++)
        if (!(full.params[j] > 0.0 && loy__finite(full.params[j])))
            rc = LOY_ENOCONV; /* never a non-finite estimate with LOY_OK */
    full.status = (int32_t)rc;
    memcpy(params_out, full.params, prob->k * sizeof *params_out);
    if (report != NULL)
        loy__struct_copy_out(report, &full, sizeof full);
    return rc;
}

/*
 * Five-point central differences in ln p, step h = 1e-3 (max(1, |ln p|)):
 * truncation O(h^4) and rounding O(eps/h) are both ~1e-13 relative to the
 * scale of ll, well below what the fits need.
 */
int
loy__loglik_numgrad(loy__loglik_fn fn, void *ctx, const double *p, size_t k,
                    double *g)
{
    static const double off[4] = {-2.0, -1.0, 1.0, 2.0};
    static const double wt[4] = {1.0, -8.0, 8.0, -1.0};
    double q[LOY_FIT_MAX_PARAMS];
    size_t i, j;
    LOY__REQUIRE(fn != NULL && p != NULL && g != NULL, LOY_EINVAL);
    LOY__REQUIRE(k >= 1 && k <= LOY_FIT_MAX_PARAMS, LOY_EINVAL);
    memcpy(q, p, k * sizeof *q);
    for (j = 0; j < k; j++) {
        double lp = log(p[j]), h = 1e-3 * fmax(1.0, fabs(lp)), s = 0.0;
        for (i = 0; i < 4; i++) {
            double ll;
            q[j] = exp(lp + off[i] * h);
            LOY__TRY(fn(ctx, q, k, &ll, NULL));
            LOY__REQUIRE(loy__finite(ll), LOY_EDOMAIN);
            s += wt[i] * ll;
        }
        q[j] = p[j];
        g[j] = s / (12.0 * h);
    }
    return LOY_OK;
}
