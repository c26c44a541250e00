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
 *
 * Contract of every function of the lifetime models (stated in 1.1 and
 * tested by fuzzing): a status from common.h; never NaN or infinity
 * with #LOY_OK; input errors (NULL, NaN, out of scale, out of domain,
 * inconsistent rows) are detected before anything is written, so the
 * outputs are untouched; an error while computing customer i
 * (#LOY_ENOCONV, #LOY_EOVERFLOW when a value exceeds the double range)
 * leaves out[0..i-1] written, out[i..] untouched and err_index = i.
 * Fits write the last point and the report also on #LOY_ENOCONV.
 * Every iterative routine is bounded: series and quadratures state their
 * caps where they are documented, and a fit runs at most
 * loy_fit_options::max_iter iterations and max_evals evaluations per
 * optimisation (one, plus one per limit model tried).
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
/** Fit flag: fit the full model only, never a limit of its family (see
 *  loy_fit_report::limit); a maximum at a limit is then reported with
 *  #LOY_FIT_REPORT_BOUNDARY. @since 1.1 */
#define LOY_FIT_NO_LIMITS 0x8u

/**
 * @name Limits of a model family (loy_fit_report::limit)
 * Every lifetime model mixes one or two distributions over customers.
 * When the data carry no sign of one of them (everyone buys at the same
 * rate, nobody drops out, everyone drops out with the same probability),
 * the maximum of the likelihood lies at a limit of the family, where some
 * parameters are infinite or zero. The fit then recognises the limit,
 * fits the reduced model there and reports it (#LOY_FIT_REPORT_LIMIT)
 * instead of walking the parameters towards infinity.
 *
 * The reduced parameters (loy_fit_report::reduced) are the model's own,
 * in its order, with each collapsed distribution replaced by its value:
 * - #LOY_LIMIT_FIXED_RATE: BG/NBD, MBG/NBD, Pareto/NBD: the purchase rate
 *   is the same for everyone (Poisson: r, alpha -> infinity with
 *   r/alpha = lambda), (r, alpha) -> lambda; BG/BB: the transaction
 *   probability is the same (binomial: alpha + beta -> infinity),
 *   (alpha, beta) -> p = alpha/(alpha + beta); Gamma-Gamma: the spend
 *   scale nu is the same for everyone (q, gamma -> infinity),
 *   (q, gamma) -> nu = q/gamma.
 * - #LOY_LIMIT_FIXED_DROPOUT: the dropout probability (BG/NBD, MBG/NBD:
 *   (a, b) -> p = a/(a+b); BG/BB: (gamma, delta) -> theta; sBG:
 *   (alpha, beta) -> theta) or the dropout rate (Pareto/NBD:
 *   (s, beta) -> mu = s/beta) is the same for everyone.
 * - #LOY_LIMIT_NO_DROPOUT: nobody drops out (BG/NBD, MBG/NBD: p = 0,
 *   Pareto/NBD: mu = 0, BG/BB: theta = 0); the dropout parameters are
 *   removed.
 * - #LOY_LIMIT_FIXED_SPEND: Gamma-Gamma: every transaction of a customer
 *   has the same value (p -> infinity, gamma -> 0 with g = p gamma fixed;
 *   a customer's spend is then inverse gamma with shape q and scale g),
 *   so the reduced parameters are (q, g).
 * For example a BG/NBD fit with limit = FIXED_RATE | NO_DROPOUT has one
 * reduced parameter, lambda. params_out (and loy_fit_report::params)
 * then hold a point of the full family that reproduces the reduced model
 * to working precision for every history of log-probability above about
 * -200 under it (a shape of 1e30 stands for infinity, 1e-100 for zero),
 * so that every prediction function of the model can be used with them.
 * @{
 */
/** Nobody drops out. @since 1.1 */
#define LOY_LIMIT_NO_DROPOUT 0x1u
/** The dropout probability (or rate) is the same for everyone.
 *  @since 1.1 */
#define LOY_LIMIT_FIXED_DROPOUT 0x2u
/** The purchase rate (BG/BB: transaction probability; Gamma-Gamma: spend
 *  scale) is the same for everyone. @since 1.1 */
#define LOY_LIMIT_FIXED_RATE 0x4u
/** Gamma-Gamma: each customer's transactions all have the same value.
 *  @since 1.1 */
#define LOY_LIMIT_FIXED_SPEND 0x8u
/** @} */

/**
 * @name Fit report flags (loy_fit_report::flags)
 * Conditions a caller must know about. A status of #LOY_OK with flags set
 * is a usable answer whose caveat the flag names; never "converged" in
 * silence at a boundary.
 * @{
 */
/** The maximum lies at a limit of the family: loy_fit_report::limit names
 *  it and loy_fit_report::reduced holds the reduced model's estimates with
 *  their standard errors. @since 1.1 */
#define LOY_FIT_REPORT_LIMIT 0x1u
/** A parameter ended far out (beyond 1e6 times, or below 1e-6 times,
 *  the model's default start, which follows the data's scale) without a
 *  recognised limit: the estimate is not an interior maximum. @since 1.1 */
#define LOY_FIT_REPORT_BOUNDARY 0x2u
/** Standard errors were asked for but are not available (the observed
 *  information is singular or not positive definite at the estimate; the
 *  se and cov fields are NaN). @since 1.1 */
#define LOY_FIT_REPORT_NO_SE 0x4u
/** The optimisation stopped at the iteration cap (loy_fit_options::
 *  max_iter). @since 1.1 */
#define LOY_FIT_REPORT_MAX_ITER 0x8u
/** The optimisation stopped at the evaluation cap (loy_fit_options::
 *  max_evals). @since 1.1 */
#define LOY_FIT_REPORT_MAX_EVALS 0x10u
/** @} */

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
    uint32_t max_iter;    /**< Iteration cap of each optimisation; 0 means
                               500. */
    uint32_t flags;       /**< LOY_FIT_* flags. */
    uint32_t max_evals;   /**< Cap on likelihood evaluations of each
                               optimisation (a fit runs one, plus one per
                               limit model it tries: at most 6); 0 means
                               5000. @since 1.1 */
} loy_fit_options;

/** Static initialiser for loy_fit_options (all defaults). @since 1.0 */
#define LOY_FIT_OPTIONS_INIT {sizeof(loy_fit_options), NULL, 0.0, 0.0, 0u, 0u, \
    0u}

/**
 * @brief Convergence report and estimates of a fit.
 *
 * Set struct_size before the call (LOY_FIT_REPORT_INIT). On
 * #LOY_ENOCONV the report holds the best point found (params_out too);
 * loglik is NaN if the likelihood cannot be evaluated there. Reports of
 * the 1.0 size are still filled (without the fields added since).
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
    uint32_t evaluations; /**< Objective evaluations used (all
                               optimisations of the fit). */
    uint32_t flags;       /**< LOY_FIT_REPORT_* bits. @since 1.1 */
    uint32_t limit;       /**< LOY_LIMIT_* bits of the reduced model when
                               flags has #LOY_FIT_REPORT_LIMIT, else 0.
                               @since 1.1 */
    uint32_t n_reduced;   /**< Number of reduced parameters (0 when no
                               limit, or none left). @since 1.1 */
    double reduced[LOY_FIT_MAX_PARAMS];    /**< Reduced estimates (see the
                               limits above); NaN beyond n_reduced.
                               @since 1.1 */
    double reduced_se[LOY_FIT_MAX_PARAMS]; /**< Their standard errors (NaN
                               if skipped or singular). @since 1.1 */
} loy_fit_report;

/** Static initialiser for loy_fit_report. @since 1.0 */
#define LOY_FIT_REPORT_INIT {sizeof(loy_fit_report), 0, 0u, {0}, {0}, {0}, \
    0.0, 0.0, 0.0, 0u, 0u, 0u, 0u, 0u, 0u, {0}, {0}}

/**
 * @brief Initialise fit options to the defaults.
 *
 * Writes the 1.0 layout only (struct_size = the 1.0 size), which is safe
 * whatever header the caller was built with; use #LOY_FIT_OPTIONS_INIT to
 * reach the fields added since 1.0 (max_evals).
 * @param[out] opts options to fill.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_fit_options_init(loy_fit_options *opts);

/**
 * @brief Initialise a fit report (struct_size set, numbers zero/NaN).
 *
 * Writes the 1.0 layout only (struct_size = the 1.0 size); use
 * #LOY_FIT_REPORT_INIT to receive the fields added since 1.0 (flags,
 * limit, reduced parameters).
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
