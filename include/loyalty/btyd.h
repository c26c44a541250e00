/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/btyd.h
 * @brief Lifetime models: the fit options and report shared by every model.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_BTYD_H
#define LOYALTY_BTYD_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup btyd Lifetime models
 * @brief Lifetime models: the fit options and report shared by every model.
 *
 * Shared by every fitted lifetime model (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB,
 * Gamma-Gamma, sBG). Parameters travel as plain `double` arrays in the order
 * each model documents (e.g. BG/NBD: r, alpha, a, b). Customer data are
 * parallel arrays (x, t_x, T) in the caller's time unit, with optional
 * weights (how many customers share a row; NULL means 1 each).
 * @{
 */

/** Largest number of parameters of any model; sizes loy_fit_report. @since 1.0 */
#define LOY_FIT_MAX_PARAMS 4

/** Fit flag: never compress identical rows into weighted patterns. @since 1.0 */
#define LOY_FIT_NO_COMPRESS 0x1u
/** Fit flag: always compress identical rows into weighted patterns
 *  (the default compresses when it pays). @since 1.0 */
#define LOY_FIT_COMPRESS 0x2u
/** Fit flag: skip the standard errors (saves one Hessian). @since 1.0 */
#define LOY_FIT_NO_SE 0x4u

/**
 * @brief Options of a maximum-likelihood fit. NULL means all defaults.
 *
 * The objective minimised is -(sum w_i ln L_i)/(sum w_i)
 * + penalty * sum(theta_k^2) over the natural parameters theta (the L2
 * penalty of the lifetimes package), by quasi-Newton (BFGS) on
 * log-parameters with an analytic or exact-derivative gradient.
 * @since 1.0
 */
typedef struct loy_fit_options {
    size_t struct_size;   /**< sizeof(loy_fit_options), see the conventions. */
    const double *start;  /**< Start point (natural parameters, model order)
                               or NULL for the model's default start. */
    double penalty;       /**< L2 penalty coefficient, >= 0; default 0. */
    double gtol;          /**< Convergence: max |gradient| of the objective
                               w.r.t. log-parameters; 0 means 1e-9. */
    uint32_t max_iter;    /**< Iteration cap; 0 means 500. */
    uint32_t flags;       /**< LOY_FIT_* flags. */
} loy_fit_options;

/** Static initialiser for loy_fit_options (all defaults). @since 1.0 */
#define LOY_FIT_OPTIONS_INIT {sizeof(loy_fit_options), NULL, 0.0, 0.0, 0u, 0u}

/**
 * @brief Convergence report and estimates of a fit.
 *
 * Set struct_size before the call (LOY_FIT_REPORT_INIT). On
 * #LOY_ENOCONV the report holds the best point found.
 * @since 1.0
 */
typedef struct loy_fit_report {
    size_t struct_size;   /**< sizeof(loy_fit_report), set by the caller. */
    int32_t status;       /**< LOY_OK or LOY_ENOCONV (same as returned). */
    uint32_t n_params;    /**< Number of parameters of the model. */
    double params[LOY_FIT_MAX_PARAMS]; /**< Estimates, model order. */
    double se[LOY_FIT_MAX_PARAMS];     /**< Standard errors from the observed
                               information (NaN if skipped or singular). */
    double cov[LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS]; /**< Covariance of
                               the natural parameters, row-major, n_params
                               wide; NaN if not available. */
    double loglik;        /**< Sample log-likelihood sum w_i ln L_i at the
                               estimate (without the penalty). */
    double grad_norm;     /**< Max |gradient| of the objective w.r.t.
                               log-parameters at the estimate. */
    double n_customers;   /**< Sum of weights used in the fit. */
    uint64_t n_rows;      /**< Rows (patterns) the likelihood ran over. */
    uint32_t iterations;  /**< Quasi-Newton iterations used. */
    uint32_t evaluations; /**< Objective evaluations used. */
} loy_fit_report;

/** Static initialiser for loy_fit_report. @since 1.0 */
#define LOY_FIT_REPORT_INIT {sizeof(loy_fit_report), 0, 0u, {0}, {0}, {0}, \
    0.0, 0.0, 0.0, 0u, 0u, 0u}

/**
 * @brief Initialise fit options to the defaults.
 * @param[out] opts options to fill; struct_size is set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_fit_options_init(loy_fit_options *opts);

/**
 * @brief Initialise a fit report (struct_size set, numbers zero/NaN).
 * @param[out] report report to fill.
 * @return LOY_OK, or LOY_EINVAL if report is NULL.
 * @since 1.0
 */
LOY_API int loy_fit_report_init(loy_fit_report *report);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_BTYD_H */
