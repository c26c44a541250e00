/* SPDX-License-Identifier: MIT */
/*
 * fitcore.c - the maximum-likelihood driver shared by every model fit:
 * option validation, the log-parameterised penalised objective, the
 * optimiser, standard errors and the loy_fit_report.
 */
#include "numeric/fitcore.h"

#include "numeric/optim.h"

#define FIT_KNOWN_FLAGS (LOY_FIT_NO_COMPRESS | LOY_FIT_COMPRESS | LOY_FIT_NO_SE)
#define FIT_NAN ((double)NAN)

/* First released layouts: smaller struct_size values are rejected. */
#define FIT_OPTIONS_V1_SIZE sizeof(loy_fit_options)
#define FIT_REPORT_V1_SIZE sizeof(loy_fit_report)

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

/* Check and complete the caller's options (NULL: defaults). */
static int
read_options(const loy_fit_options *in, const loy__fit_problem *prob,
             loy_fit_options *opt)
{
    static const loy_fit_options defaults = LOY_FIT_OPTIONS_INIT;
    const double *start;
    size_t j;
    *opt = defaults;
    if (in != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(in->struct_size, FIT_OPTIONS_V1_SIZE),
                     LOY_EINVAL);
        loy__struct_copy_in(opt, in, sizeof *opt);
    }
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
 * of -ll w.r.t. ln p and D = diag(p); left NaN when H is not positive
 * definite or cannot be evaluated.
 */
static void
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
        return;
    for (i = 0; i < k; i++)
        for (j = 0; j < k; j++)
            rep->cov[i * k + j] = p[i] * Hi[i * k + j] * p[j];
    for (i = 0; i < k; i++)
        rep->se[i] = sqrt(rep->cov[i * k + i]);
}

/* The report of a finished optimisation, in our own full-size struct. */
static int
build_report(const loy__fit_problem *prob, const loy_fit_options *opt,
             const double *theta, const loy__optim_report *orep, int status,
             loy_fit_report *rep)
{
    size_t j, k = prob->k;
    memset(rep, 0, sizeof *rep);
    rep->struct_size = sizeof *rep;
    rep->status = (int32_t)status;
    rep->n_params = (uint32_t)k;
    fill_nan(rep->params, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->se, LOY_FIT_MAX_PARAMS);
    fill_nan(rep->cov, LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS);
    LOY__REQUIRE(natural_params(theta, k, rep->params), LOY_EDOMAIN);
    LOY__TRY(prob->loglik(prob->ctx, rep->params, k, &rep->loglik, NULL));
    LOY__REQUIRE(loy__finite(rep->loglik), LOY_EDOMAIN);
    rep->grad_norm = orep->grad_norm;
    rep->n_customers = prob->total_weight;
    rep->n_rows = prob->n_rows;
    rep->iterations = orep->iterations;
    rep->evaluations = orep->evaluations;
    if ((opt->flags & LOY_FIT_NO_SE) == 0)
        standard_errors(prob, theta, rep->params, rep);
    for (j = 0; j < k; j++)
        LOY__REQUIRE(loy__finite(rep->params[j]), LOY_EDOMAIN);
    return LOY_OK;
}

static int
problem_ok(const loy__fit_problem *prob)
{
    return prob != NULL && prob->loglik != NULL && prob->k >= 1
           && prob->k <= LOY_FIT_MAX_PARAMS && prob->default_start != NULL
           && loy__finite(prob->total_weight) && prob->total_weight > 0.0;
}

int
loy__fit_ml(const loy__fit_problem *prob, const loy_fit_options *opts,
            double *params_out, loy_fit_report *report)
{
    loy_fit_options opt;
    loy_fit_report full;
    loy__optim_options oo;
    loy__optim_report orep;
    fit_objective o;
    double theta[LOY_FIT_MAX_PARAMS];
    size_t j;
    int rc;
    LOY__REQUIRE(problem_ok(prob) && params_out != NULL, LOY_EINVAL);
    LOY__REQUIRE(report == NULL
                     || loy__struct_size_ok(report->struct_size,
                                            FIT_REPORT_V1_SIZE),
                 LOY_EINVAL);
    LOY__TRY(read_options(opts, prob, &opt));
    for (j = 0; j < prob->k; j++)
        theta[j] = log(opt.start[j]);
    o.prob = prob;
    o.scale = -1.0 / prob->total_weight;
    o.penalty = opt.penalty;
    oo.max_iter = opt.max_iter;
    oo.gtol = opt.gtol;
    rc = loy__minimize(fit_objective_eval, &o, theta, prob->k, &oo, &orep);
    if (rc != LOY_OK && rc != LOY_ENOCONV)
        return rc;
    LOY__TRY(build_report(prob, &opt, theta, &orep, rc, &full));
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
