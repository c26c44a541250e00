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
    uint32_t threads;     /**< POSIX threads the likelihood sums may use;
                               0 and 1 mean the calling thread only, counts
                               above #LOY_MAX_THREADS mean that many. The estimates, report
                               and status are bit for bit the same for
                               every count. @since 1.1 */
} loy_fit_options;

/** Most threads a fit or prediction starts (larger counts in
 *  loy_fit_options::threads and loy_predict_options::threads are taken as
 *  this). @since 1.1 */
#define LOY_MAX_THREADS 64u

/** Static initialiser for loy_fit_options (all defaults). @since 1.0 */
#define LOY_FIT_OPTIONS_INIT {sizeof(loy_fit_options), NULL, 0.0, 0.0, 0u, 0u, \
    0u, 1u}

/**
 * @brief Options of the batched per-customer predictions
 *        (loy_bgnbd_score(), loy_pnbd_score(), loy_mbgnbd_score(),
 *        loy_bgbb_score()). NULL means all defaults.
 *
 * Growable like the other option structs: set struct_size (or use
 * #LOY_PREDICT_OPTIONS_INIT).
 * @since 1.1
 */
typedef struct loy_predict_options {
    size_t struct_size; /**< sizeof(loy_predict_options). */
    uint32_t threads;   /**< POSIX threads to split the customers over; 0
                             and 1 mean the calling thread only (the
                             default), counts above #LOY_MAX_THREADS mean
                             that many. Every
                             customer's values are bit for bit the same
                             for every count. */
    uint32_t flags;     /**< Reserved, must be 0. */
} loy_predict_options;

/** Static initialiser for loy_predict_options (all defaults). @since 1.1 */
#define LOY_PREDICT_OPTIONS_INIT {sizeof(loy_predict_options), 1u, 0u}

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

/**
 * @brief Opaque, mergeable table of customer patterns: the sufficient
 *        statistic of the lifetime-model likelihoods.
 *
 * BG/NBD, MBG/NBD and Pareto/NBD see a customer only through (x, t_x, T),
 * Gamma-Gamma only through (x, m). The table keeps each distinct tuple once
 * with the summed weight of the customers that share it, so that customers
 * can be added in any chunks, tables built on different threads, shards
 * or database partitions can be merged, serialized and sent, and a model
 * is fitted from the merged table (loy_bgnbd_fit_patterns(), ...) exactly
 * as from all customers at once. Rows, bytes and fits come in ascending
 * key order, so they do not depend on the order of arrival; with
 * whole-number weights (the default of 1 per customer) a table merged from
 * pieces is byte for byte the table built in one pass.
 *
 * With #LOY_PATTERNS_MONETARY the table also keeps the spend patterns
 * (x, m) of customers with x >= 1 and m > 0, the Gamma-Gamma sample
 * (MODELS.md 5.3). Customers with x >= 1 and m = 0 stay in the frequency
 * patterns but not in the spend patterns; their weight is reported
 * (loy_patterns_get_info()). The m of a customer with x = 0 is ignored.
 * @since 1.1
 */
typedef struct loy_patterns loy_patterns;

/** Pattern-table flag: also keep (x, monetary) spend patterns.
 *  @since 1.1 */
#define LOY_PATTERNS_MONETARY 0x1u

/**
 * @brief What a pattern table holds.
 * @since 1.1
 */
typedef struct loy_patterns_info {
    size_t struct_size;          /**< sizeof(loy_patterns_info), set by the
                                      caller. */
    uint64_t n_patterns;         /**< Distinct (x, t_x, T) rows. */
    uint64_t n_spend_patterns;   /**< Distinct (x, m) rows (x >= 1, m > 0). */
    uint64_t n_rows;             /**< Customer rows added (merged tables'
                                      rows included, zero weights too). */
    double customers;            /**< Total weight (customers). */
    double spend_customers;      /**< Weight of the spend patterns. */
    double zero_spend_customers; /**< Weight of customers with x >= 1 and
                                      m = 0, left out of the spend
                                      patterns. */
    uint32_t flags;              /**< Flags the table was created with. */
} loy_patterns_info;

/** Static initialiser for loy_patterns_info. @since 1.1 */
#define LOY_PATTERNS_INFO_INIT {sizeof(loy_patterns_info), 0u, 0u, 0u, 0.0, \
    0.0, 0.0, 0u}

/**
 * @brief Create an empty pattern table.
 * @param[out] out the new table (NULL on error).
 * @param flags 0 or #LOY_PATTERNS_MONETARY.
 * @return LOY_OK; LOY_EINVAL (out NULL, unknown flag); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_patterns_new(loy_patterns **out, uint32_t flags);

/**
 * @brief Free a pattern table.
 * @param p the table or NULL (a no-op).
 * @since 1.1
 */
LOY_API void loy_patterns_free(loy_patterns *p);

/**
 * @brief Add customers (x, t_x, T [, monetary]) with optional weights.
 *
 * The rows are validated as for the fits (see the BG/NBD section: whole
 * x >= 0, 0 <= t_x <= T, T > 0, t_x = 0 when x = 0, weights finite and
 * >= 0; monetary finite and >= 0); on a bad row nothing of the chunk is
 * added. Rows of weight 0 are counted in n_rows but add no pattern.
 * @param p the table.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param monetary mean repeat-transaction value (n entries): required by a
 *        table created with #LOY_PATTERNS_MONETARY, NULL otherwise.
 * @param weights customers per row (n entries) or NULL for 1 each.
 * @param n number of rows; 0 adds nothing.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK; LOY_EINVAL (NULL table or column, monetary given or
 *         missing against the flags); LOY_ENONFINITE; LOY_ESCALE;
 *         LOY_EINCONSISTENT; LOY_EOVERFLOW (more than 2^64 - 1 rows);
 *         LOY_ENOMEM (the chunk may be partly added: discard the table).
 * @since 1.1
 */
LOY_API int loy_patterns_add(loy_patterns *p, const double *x,
                             const double *t_x, const double *T,
                             const double *monetary, const double *weights,
                             size_t n, size_t *err_index);

/**
 * @brief Merge one pattern table into another: acc += add.
 * @param[in,out] acc accumulating table.
 * @param add table created with the same flags (may be acc itself).
 * @return LOY_OK; LOY_EINVAL (NULL, different flags); LOY_EOVERFLOW;
 *         LOY_ENOMEM (acc may be partly merged: discard it).
 * @since 1.1
 */
LOY_API int loy_patterns_merge(loy_patterns *acc, const loy_patterns *add);

/**
 * @brief Counts and total weights of a pattern table.
 * @param[in,out] info struct_size set by the caller; filled up to it.
 * @param p the table.
 * @return LOY_OK or LOY_EINVAL (NULL, struct_size too small).
 * @since 1.1
 */
LOY_API int loy_patterns_get_info(loy_patterns_info *info,
                                  const loy_patterns *p);

/**
 * @brief Read the frequency patterns back in ascending (x, t_x, T) order.
 * @param[out] x n_patterns values.
 * @param[out] t_x n_patterns values.
 * @param[out] T n_patterns values.
 * @param[out] weights n_patterns summed weights.
 * @param cap capacity of each array.
 * @param p the table.
 * @return LOY_OK; LOY_EINVAL (NULL); LOY_EBUFSIZE (cap below
 *         n_patterns, see loy_patterns_get_info()); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_patterns_rows(double *x, double *t_x, double *T,
                              double *weights, size_t cap,
                                  const loy_patterns *p);

/**
 * @brief Read the spend patterns back in ascending (x, m) order.
 * @param[out] x n_spend_patterns repeat-transaction counts (>= 1).
 * @param[out] m n_spend_patterns mean values (> 0).
 * @param[out] weights n_spend_patterns summed weights.
 * @param cap capacity of each array.
 * @param p the table.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_patterns_spend_rows(double *x, double *m, double *weights,
                                    size_t cap, const loy_patterns *p);

/**
 * @brief Serialize a pattern table into the library's portable byte form.
 *
 * 16-byte header, 40 bytes of counts, then 32 bytes per frequency pattern
 * and 24 per spend pattern, in ascending key order. Two-call pattern: with
 * buf NULL and cap 0, *len_out receives the size and the call returns
 * LOY_OK; a buffer that is too small gives #LOY_EBUFSIZE.
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed.
 * @param p the table.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_patterns_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                                   const loy_patterns *p);

/**
 * @brief Read a pattern table written by loy_patterns_serialize().
 *
 * Every count is checked against the buffer's length before anything is
 * allocated, every row against the rules of loy_patterns_add(), and rows
 * must be in strictly ascending order; anything else is #LOY_EFORMAT.
 * @param[out] out the new table (NULL on error).
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL; LOY_EFORMAT; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_patterns_deserialize(loy_patterns **out, const uint8_t *buf,
                                     size_t len);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_BTYD_H */
