/* SPDX-License-Identifier: MIT */
/*
 * fitcore.h - the maximum-likelihood driver shared by every model fit
 * (internal). A model supplies its sample log-likelihood and gradient; the
 * driver handles options, log-parameterisation, the L2 penalty, the
 * optimiser, standard errors and the loy_fit_report.
 */
#ifndef LOY_FITCORE_H
#define LOY_FITCORE_H

#include "core/internal.h"

/*
 * Sample log-likelihood sum_i w_i ln L_i at natural parameters p[0..k-1]
 * (all > 0) into *ll and, when g is not NULL, its gradient with respect to
 * the log-parameters (g[j] = p[j] * d ll / d p[j]). Returns LOY_OK, or an
 * error code if it cannot be evaluated there (a non-finite *ll is treated
 * the same way by the driver).
 */
typedef int (*loy__loglik_fn)(void *ctx, const double *p, size_t k,
                              double *ll, double *g);

/* First released (1.0) sizes of the growable fit structs. */
#define LOY__FIT_OPTIONS_V1_SIZE offsetof(loy_fit_options, max_evals)
#define LOY__FIT_REPORT_V1_SIZE offsetof(loy_fit_report, flags)

/* Shape that stands for infinity, and value that stands for zero, in the
 * embedding of a limit model into its family (see loyalty/btyd.h). */
#define LOY__LIMIT_BIG 1e30
#define LOY__LIMIT_TINY 1e-100

/*
 * A limit of a model family, embedded log-linearly: the reduced model has
 * m parameters q and stands for the full point
 *   ln p[j] = sum_i emb[j][i] ln q[i] + c[j],   j < k,
 * and its start from a full point p is ln q[i] = sum_j red[i][j] ln p[j].
 * Reduced parameter i is reported as q/(1+q) (odds to probability, with
 * its standard error by the delta method) when bit i of `odds` is set.
 */
typedef struct loy__fit_limit {
    uint32_t limit; /* LOY_LIMIT_* bits */
    size_t m;
    double emb[LOY_FIT_MAX_PARAMS][LOY_FIT_MAX_PARAMS];
    double c[LOY_FIT_MAX_PARAMS];
    double red[LOY_FIT_MAX_PARAMS][LOY_FIT_MAX_PARAMS];
    uint32_t odds;
} loy__fit_limit;

typedef struct loy__fit_problem {
    loy__loglik_fn loglik;
    void *ctx;
    size_t k;                    /* number of parameters, <= LOY_FIT_MAX_PARAMS */
    double total_weight;         /* sum of weights (> 0) */
    uint64_t n_rows;             /* rows the likelihood runs over */
    const double *default_start; /* natural parameters */
    const loy__fit_limit *limits; /* limits of the family, or NULL */
    size_t n_limits;
} loy__fit_problem;

/*
 * The caller's options completed with the defaults of the fields its
 * struct_size does not cover (no validation; NULL gives the defaults).
 * For models that read flags before loy__fit_ml.
 */
void loy__fit_options_read(const loy_fit_options *in, loy_fit_options *out);

/*
 * Validate `opts` (NULL = defaults; struct_size, flags, penalty >= 0,
 * start values finite and > 0), minimise
 *   -ll(p)/total_weight + penalty * sum p_j^2
 * over log p, compute standard errors from the Hessian of -ll w.r.t. the
 * log-parameters (Cov = D H^-1 D, D = diag(p)) unless LOY_FIT_NO_SE, and
 * write the estimates into params_out[0..k-1] and, when `report` is not
 * NULL, the report (respecting its struct_size).
 * Returns LOY_OK, LOY_ENOCONV (best point written), LOY_EINVAL for bad
 * options, or the likelihood's error at the start point.
 *
 * Limits: unless LOY_FIT_NO_LIMITS is set or a penalty is used, the walk
 * of the optimiser stops once a parameter is beyond 1e6 times (or below
 * 1e-6 times) its default start and still heading out, and a fit that
 * does not end cleanly (no convergence, such a boundary, or no standard
 * errors) fits the limit models of prob->limits, fewest parameters first,
 * and keeps the simplest whose log-likelihood is within 1e-7 per unit
 * weight of the best found: params_out then get its embedding and the
 * report its reduced parameters (LOY_FIT_REPORT_LIMIT). A stopped walk
 * that no limit explains is carried on without the stop (an interior
 * maximum far out).
 */
int loy__fit_ml(const loy__fit_problem *prob, const loy_fit_options *opts,
                double *params_out, loy_fit_report *report);

/*
 * Gradient of fn w.r.t. log-parameters by central differences, for
 * models without an analytic gradient (and for testing analytic ones).
 */
int loy__loglik_numgrad(loy__loglik_fn fn, void *ctx, const double *p,
                        size_t k, double *g);

#endif /* LOY_FITCORE_H */
