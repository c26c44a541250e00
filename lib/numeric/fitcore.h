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

typedef struct loy__fit_problem {
    loy__loglik_fn loglik;
    void *ctx;
    size_t k;                    /* number of parameters, <= LOY_FIT_MAX_PARAMS */
    double total_weight;         /* sum of weights (> 0) */
    uint64_t n_rows;             /* rows the likelihood runs over */
    const double *default_start; /* natural parameters */
} loy__fit_problem;

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
