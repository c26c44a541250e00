/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/drivers.h
 * @brief Key-driver analysis: mergeable moment tallies, relative importance
 *        (LMG/Shapley, dominance, relative weights), intervals, logistic and
 *        ordinal outcomes, importance-performance and penalty-reward analysis.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_DRIVERS_H
#define LOYALTY_DRIVERS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup drivers Key-driver analysis
 * @brief Which rated attributes move NPS or satisfaction, and where to act.
 *
 * Respondents rate attributes x_1..x_p (speed, friendliness, price, ...)
 * next to an outcome y (likelihood to recommend, its -1/0/+1 NPS recode,
 * promoter yes/no, the ordered NPS class). The analysis splits the
 * explained variance of y among the attributes and crosses importance with
 * today's performance.
 *
 * **Two steps, like the other modules: tally, then estimate.** A
 * #loy_moments tally holds the weighted means and co-moments of k columns.
 * Tallies of shards, threads or weeks merge exactly (and un-merge, for the
 * jackknife); they serialize to a portable byte string, the same bytes a
 * database aggregate stores. Every linear metric is a function of one
 * tally: loy_drivers_linear() reads the columns it is told to
 * (#loy_drivers_spec: the outcome, the drivers, optional groups and
 * covariates kept in every model) and returns a #loy_drivers_result whose
 * per-driver arrays are read with loy_drivers_result_get(). Column names
 * stay with the caller: results are indexed like the spec's arrays.
 *
 * **Conventions** (formulas in docs/guide/drivers.md):
 * - R²(S) is the R² of the regression of y on the drivers in S, with an
 *   intercept. Importances are on the R² scale (they sum to R²) unless
 *   the metric is a share (sums to 1).
 * - Any positive rescaling of the weights leaves every metric unchanged;
 *   n (the rows with weight > 0) is used only for t-tests and adjusted R²,
 *   as in R's `lm(weights = )`.
 * - **Players** are the units importance is divided among: the drivers, or
 *   the groups of #loy_drivers_spec.groups. Subset-based metrics (LMG,
 *   first, last, dominance) are per player; coefficient-based metrics
 *   (betasq, pratt, relative weights, CAR, coefficients) are per driver.
 * - Dominance matrices are g x g, row-major, entry [i*g + j] about player
 *   i against player j: 1 (i dominates j), 0 (j dominates i), 0.5 (not
 *   determined, ties included; diagonal 0.5), as R `dominanceanalysis`.
 * - Results never hold NaN: a metric that is undefined for the data (LMG
 *   shares when R² = 0, say) is refused by loy_drivers_result_get() with
 *   #LOY_EDEGENERATE, and one that was not computed with #LOY_EDOMAIN.
 *
 * **Bad input.** A constant driver or outcome, and a driver that is a
 * linear combination of others, give #LOY_EDEGENERATE with err_index = the
 * tally column to blame; too few rows (n <= number of regressors + 1)
 * give #LOY_EDEGENERATE with err_index = #LOY_NO_INDEX. More players than
 * the exact limit without #LOY_DRIVERS_SAMPLE give #LOY_EDOMAIN. NaN and
 * out-of-scale values are rejected or skipped by the tally (its flags).
 *
 * Thread safety: tallies and results are plain memory; a const object may
 * be read from any number of threads.
 * @{
 */

/* =====================================================================
 * Moment tally
 * ================================================================== */

/**
 * @brief Mergeable tally of the weighted means and co-moments of k columns.
 *
 * Opaque; create with loy_moments_new(), release with loy_moments_free().
 * @since 1.1
 */
typedef struct loy_moments loy_moments;

/** Tally flag: integer-exact sums (int64 n, sum w z, sum w z z'); values
 *  and weights must be whole numbers. Any split of the data, merged in any
 *  order, gives byte-identical tallies. Values are limited to
 *  |z| <= #LOY_MOMENTS_INT_MAX and weights to #LOY_MOMENTS_INT_MAX
 *  (#LOY_EOVERFLOW beyond, or when a sum would overflow). @since 1.1 */
#define LOY_MOMENTS_INTEGER 0x1u
/** Tally flag: skip (and count) rows with a missing value, listwise
 *  deletion. Missing is NaN in double input and #LOY_MOMENTS_U8_MISSING in
 *  uint8 input. Without this flag or #LOY_MOMENTS_PAIRWISE a missing value
 *  is an error. @since 1.1 */
#define LOY_MOMENTS_LISTWISE 0x2u
/** Tally flag: pairwise deletion, one tally per pair of columns over the
 *  rows where both are present (R `cor(use = "pairwise.complete.obs")`).
 *  The assembled correlation matrix may be indefinite: the analysis then
 *  fails with #LOY_EINCONSISTENT (never repaired). Excludes
 *  #LOY_MOMENTS_LISTWISE. @since 1.1 */
#define LOY_MOMENTS_PAIRWISE 0x4u
/** Tally flag: an invalid value (infinite, outside the column's scale,
 *  non-integer in integer mode) or an invalid weight (negative, NaN,
 *  infinite, non-integer in integer mode) is treated as missing and the
 *  row counted in `rows_invalid`, instead of failing. A row whose weight is
 *  invalid is skipped whole. @since 1.1 */
#define LOY_MOMENTS_SKIP_INVALID 0x8u

/** The uint8 code of a missing value in loy_moments_add_u8() and
 *  loy_moments_add_cols_u8(). @since 1.1 */
#define LOY_MOMENTS_U8_MISSING 255u
/** Largest number of columns of a tally. @since 1.1 */
#define LOY_MOMENTS_MAX_COLUMNS 1024u
/** Largest number of bootstrap replicates of a tally. @since 1.1 */
#define LOY_MOMENTS_MAX_REPLICATES 100000u
/** Largest |value| and weight in integer mode (2^20). @since 1.1 */
#define LOY_MOMENTS_INT_MAX 1048576.0
/** Column argument of loy_moments_set_scale() meaning every column.
 *  @since 1.1 */
#define LOY_MOMENTS_ALL_COLUMNS ((size_t)-1)

/**
 * @brief Counts and settings of a tally (loy_moments_info()).
 * @since 1.1
 */
typedef struct loy_moments_info {
    size_t struct_size;     /**< sizeof(loy_moments_info), set by the caller. */
    uint64_t k;             /**< Number of columns. */
    uint32_t flags;         /**< The LOY_MOMENTS_* flags of the tally. */
    uint32_t replicates;    /**< Bootstrap replicates (0: none). */
    uint64_t seed;          /**< Bootstrap seed. */
    uint64_t n;             /**< Rows counted (weight > 0). Pairwise: rows
                                 with weight > 0 and at least one value. */
    double sum_w;           /**< Total weight of the rows counted (pairwise:
                                 the largest total weight of one column). */
    uint64_t n_min;         /**< Pairwise: the smallest pair count n_jk;
                                 otherwise n. */
    uint64_t rows_missing;  /**< Rows with a missing value (skipped whole in
                                 listwise mode). */
    uint64_t rows_invalid;  /**< Rows with an invalid value or weight
                                 (#LOY_MOMENTS_SKIP_INVALID). */
    uint64_t rows_zero_weight; /**< Rows with weight 0 (not counted). */
} loy_moments_info;

/** Static initialiser for loy_moments_info. @since 1.1 */
#define LOY_MOMENTS_INFO_INIT {sizeof(loy_moments_info), 0u, 0u, 0u, 0u, 0u, \
    0.0, 0u, 0u, 0u, 0u}

/**
 * @brief Create an empty tally of k columns.
 * @param[out] out the new tally; set to NULL on error.
 * @param k number of columns, 1..#LOY_MOMENTS_MAX_COLUMNS.
 * @param flags LOY_MOMENTS_* flags (#LOY_MOMENTS_LISTWISE and
 *        #LOY_MOMENTS_PAIRWISE exclude each other).
 * @return LOY_OK; LOY_EINVAL (NULL out, k out of range, unknown or
 *         conflicting flags); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_new(loy_moments **out, size_t k, uint32_t flags);

/**
 * @brief Release a tally. NULL is a no-op.
 * @param t tally or NULL.
 * @since 1.1
 */
LOY_API void loy_moments_free(loy_moments *t);

/**
 * @brief Deep copy of a tally.
 * @param[out] out the copy; set to NULL on error.
 * @param t tally to copy.
 * @return LOY_OK; LOY_EINVAL (NULL); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_clone(loy_moments **out, const loy_moments *t);

/**
 * @brief Declare the valid scale [lo, hi] of a column (default: any finite
 *        value).
 *
 * Values outside the scale are #LOY_ESCALE, or skipped with
 * #LOY_MOMENTS_SKIP_INVALID. Tallies merge only when their scales agree.
 * @param t tally (must still be empty).
 * @param column column index, or #LOY_MOMENTS_ALL_COLUMNS.
 * @param lo smallest valid value (finite).
 * @param hi largest valid value (finite, >= lo).
 * @return LOY_OK; LOY_EINVAL (NULL, column out of range, tally not
 *         empty); LOY_EDOMAIN (lo, hi not finite or lo > hi).
 * @since 1.1
 */
LOY_API int loy_moments_set_scale(loy_moments *t, size_t column, double lo,
                                  double hi);

/**
 * @brief Keep B Poisson-bootstrap replicate tallies beside the main one.
 *
 * Replicate b gives row i the weight w_i * k_ib, with k_ib drawn from
 * Poisson(1) by loy_moments_poisson_weight(seed, id_i, b): the draws depend
 * only on the seed, the row's id and b, so shards built anywhere merge
 * into the same replicates. Rows must then be added with ids.
 * @param t tally (must still be empty).
 * @param replicates B, 1..#LOY_MOMENTS_MAX_REPLICATES (0 removes them).
 * @param seed any value; it defines the replicates.
 * @return LOY_OK; LOY_EINVAL (NULL, B too large, tally not empty);
 *         LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_set_bootstrap(loy_moments *t, uint32_t replicates,
                                      uint64_t seed);

/**
 * @brief The Poisson(1) bootstrap multiplier of row `id` in replicate `b`.
 *
 * Defined as the inverse Poisson(1) CDF at u = (h >> 11) 2^-53 with
 * h = mix(mix(id + G) ^ mix(seed + (b + 1) G2)), mix the splitmix64
 * finaliser, G = 0x9E3779B97F4A7C15 and G2 = 0xD1B54A32D192ED03, the CDF
 * compared as integers of 53 bits. Stable across versions: it defines the
 * replicates.
 * @param[out] k the multiplier (0, 1, 2, ...).
 * @param seed bootstrap seed.
 * @param id row id.
 * @param b replicate index.
 * @return LOY_OK; LOY_EINVAL if k is NULL.
 * @since 1.1
 */
LOY_API int loy_moments_poisson_weight(uint32_t *k, uint64_t seed, uint64_t id,
                                       uint32_t b);

/**
 * @brief Add n rows of doubles, laid out with any strides.
 *
 * Value (i, j) is x[i*row_stride + j*col_stride]: row-major data has
 * (k, 1), column-major data (1, n). On error the tally is unchanged.
 * @param t tally.
 * @param x the values (may be NULL when n = 0).
 * @param n number of rows.
 * @param row_stride distance between rows, in elements.
 * @param col_stride distance between columns, in elements.
 * @param w optional weights (NULL: all 1), finite and >= 0.
 * @param ids row ids (required when the tally has bootstrap replicates,
 *        else ignored; may be NULL).
 * @param[out] err_index optional: i*(k+1) + j for the offending value in
 *        row i, column j, and i*(k+1) + k for row i's weight (rows are
 *        numbered with a stride of k + 1 so that the weight has a slot);
 *        #LOY_NO_INDEX otherwise.
 * @return LOY_OK; LOY_EINVAL (NULL t, NULL x with n > 0, NULL ids with
 *         replicates); LOY_ENONFINITE (NaN or infinite value or weight in
 *         strict mode); LOY_ESCALE (outside the scale, negative weight,
 *         non-integer in integer mode); LOY_EOVERFLOW (a sum beyond int64
 *         in integer mode; in double mode a sum or co-moment beyond the
 *         largest double, e.g. a value of 1e308 among small ones);
 *         LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_add(loy_moments *t, const double *x, size_t n,
                            size_t row_stride, size_t col_stride,
                            const double *w, const uint64_t *ids,
                            size_t *err_index);

/**
 * @brief Add n rows of uint8 ratings (0..254; #LOY_MOMENTS_U8_MISSING is
 *        missing). Same contract as loy_moments_add().
 *
 * With unit weights in integer mode this is the fastest path.
 * @param t tally.
 * @param x the ratings.
 * @param n number of rows.
 * @param row_stride distance between rows, in elements.
 * @param col_stride distance between columns, in elements.
 * @param w optional weights (NULL: all 1).
 * @param ids row ids (required with bootstrap replicates).
 * @param[out] err_index optional: i*(k+1) + j of the offending value
 *        (i*(k+1) + k: the weight).
 * @return as loy_moments_add().
 * @since 1.1
 */
LOY_API int loy_moments_add_u8(loy_moments *t, const uint8_t *x, size_t n,
                               size_t row_stride, size_t col_stride,
                               const double *w, const uint64_t *ids,
                               size_t *err_index);

/**
 * @brief Add n rows given as k column arrays of doubles (a data frame's
 *        columns). Same contract as loy_moments_add().
 * @param t tally.
 * @param cols k pointers, each to n values.
 * @param n number of rows.
 * @param w optional weights (NULL: all 1).
 * @param ids row ids (required with bootstrap replicates).
 * @param[out] err_index optional: i*(k+1) + j of the offending value
 *        (i*(k+1) + k: the weight).
 * @return as loy_moments_add().
 * @since 1.1
 */
LOY_API int loy_moments_add_cols(loy_moments *t, const double *const *cols,
                                 size_t n, const double *w,
                                 const uint64_t *ids, size_t *err_index);

/**
 * @brief Add n rows given as k column arrays of uint8 ratings. Same
 *        contract as loy_moments_add_u8().
 * @param t tally.
 * @param cols k pointers, each to n ratings.
 * @param n number of rows.
 * @param w optional weights (NULL: all 1).
 * @param ids row ids (required with bootstrap replicates).
 * @param[out] err_index optional: i*(k+1) + j of the offending value
 *        (i*(k+1) + k: the weight).
 * @return as loy_moments_add().
 * @since 1.1
 */
LOY_API int loy_moments_add_cols_u8(loy_moments *t, const uint8_t *const *cols,
                                    size_t n, const double *w,
                                    const uint64_t *ids, size_t *err_index);

/**
 * @brief Merge `other` into `t` (t := t + other).
 *
 * Exact in integer mode; in double mode by the pairwise update of Chan,
 * Golub and LeVeque (rounding-level differences between merge orders).
 * @param t destination tally.
 * @param other tally to add (unchanged; may be t itself).
 * @return LOY_OK; LOY_EINVAL (NULL, or tallies with different columns,
 *         flags, scales or bootstrap settings); LOY_EOVERFLOW (a sum beyond
 *         int64 in integer mode, a co-moment beyond the largest double in
 *         double mode; t unchanged).
 * @since 1.1
 */
LOY_API int loy_moments_merge(loy_moments *t, const loy_moments *other);

/**
 * @brief Remove a part from a tally (t := t - part), the inverse of merge.
 *
 * `part` must be a sub-tally of `t` (rows merged into t). Used by the
 * delete-a-group jackknife. Exact in integer mode; in double mode it loses
 * precision when the remainder is a small fraction of t.
 * @param t tally to subtract from.
 * @param part tally to remove.
 * @return LOY_OK; LOY_EINVAL (NULL or incompatible tallies);
 *         LOY_EINCONSISTENT (part has more rows or weight than t, or the
 *         result would have a negative variance); t is unchanged on error.
 * @since 1.1
 */
LOY_API int loy_moments_unmerge(loy_moments *t, const loy_moments *part);

/**
 * @brief Serialize a tally to the portable byte format (two-call pattern).
 * @param buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed (set in every case when not NULL).
 * @param t tally.
 * @return LOY_OK; LOY_EINVAL (NULL t); LOY_EBUFSIZE when buf is too small
 *         (LOY_OK for buf NULL and cap 0).
 * @since 1.1
 */
LOY_API int loy_moments_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                                  const loy_moments *t);

/**
 * @brief Rebuild a tally from loy_moments_serialize() bytes.
 * @param[out] out the tally; NULL on error.
 * @param buf bytes.
 * @param len number of bytes.
 * @return LOY_OK; LOY_EINVAL (NULL); LOY_EFORMAT (malformed or
 *         inconsistent bytes); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_deserialize(loy_moments **out, const uint8_t *buf,
                                    size_t len);

/**
 * @brief Counts and settings of a tally.
 * @param[out] info filled (struct_size set by the caller).
 * @param t tally.
 * @return LOY_OK; LOY_EINVAL.
 * @since 1.1
 */
LOY_API int loy_moments_info_get(loy_moments_info *info, const loy_moments *t);

/**
 * @brief Weighted column means.
 *
 * Pairwise mode: each column's mean over the rows where it is present.
 * @param[out] mean k values.
 * @param k length of mean (must equal the tally's k).
 * @param t tally.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (no row counted).
 * @since 1.1
 */
LOY_API int loy_moments_mean(double *mean, size_t k, const loy_moments *t);

/**
 * @brief Weighted covariance matrix, divisor W - 1 (frequency weights;
 *        the sample covariance for unit weights, as numpy `np.cov`).
 *
 * Pairwise mode: entry (j, l) from the rows where both are present, with
 * that pair's means and divisor W_jl - 1.
 * @param[out] cov k*k values, row-major, symmetric.
 * @param k the tally's k.
 * @param t tally.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (W <= 1 for some entry).
 * @since 1.1
 */
LOY_API int loy_moments_cov(double *cov, size_t k, const loy_moments *t);

/**
 * @brief Correlation matrix (R `cor`, weighted; pairwise as
 *        `use = "pairwise.complete.obs"`).
 * @param[out] cor k*k values, row-major, unit diagonal.
 * @param k the tally's k.
 * @param t tally.
 * @param[out] err_index optional: a constant column.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY; LOY_EDEGENERATE (a column with
 *         zero variance).
 * @since 1.1
 */
LOY_API int loy_moments_cor(double *cor, size_t k, const loy_moments *t,
                            size_t *err_index);

/**
 * @brief Copy bootstrap replicate b out as a tally of its own (without
 *        replicates).
 * @param[out] out the replicate; NULL on error.
 * @param t tally with replicates.
 * @param b replicate index, < replicates.
 * @return LOY_OK; LOY_EINVAL; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_moments_replicate(loy_moments **out, const loy_moments *t,
                                  uint32_t b);

/* =====================================================================
 * Driver analysis: specification, options, results
 * ================================================================== */

/**
 * @brief Which columns play which role. Column indices refer to the tally
 *        (or to the data matrix for logistic and ordinal fits).
 * @since 1.1
 */
typedef struct loy_drivers_spec {
    size_t struct_size;     /**< sizeof(loy_drivers_spec). */
    size_t outcome;         /**< Column of the outcome y. */
    const size_t *drivers;  /**< p driver columns (distinct, not y). */
    size_t n_drivers;       /**< p >= 1. */
    const uint32_t *groups; /**< NULL (each driver is a player), or p group
                                 ids: driver j belongs to player groups[j];
                                 ids run 0..g-1, each used. */
    const size_t *always;   /**< Columns kept in every model (covariates
                                 adjusted for, relaimpo `always`), or NULL. */
    size_t n_always;        /**< Number of such columns. */
} loy_drivers_spec;

/** Static initialiser for loy_drivers_spec (outcome 0, no drivers).
 *  @since 1.1 */
#define LOY_DRIVERS_SPEC_INIT {sizeof(loy_drivers_spec), 0u, NULL, 0u, NULL, \
    NULL, 0u}

/** Option flag: complete dominance (needs 8 * 2^g bytes). @since 1.1 */
#define LOY_DRIVERS_COMPLETE 0x1u
/** Option flag: above max_exact players, estimate LMG by permutation
 *  sampling instead of failing with #LOY_EDOMAIN. @since 1.1 */
#define LOY_DRIVERS_SAMPLE 0x2u
/** Option flag: bootstrap intervals from the tally's replicates
 *  (loy_moments_set_bootstrap()). @since 1.1 */
#define LOY_DRIVERS_BOOTSTRAP 0x4u
/** Option flag (logistic, ordinal): skip rows with a NaN in a used column
 *  instead of failing. @since 1.1 */
#define LOY_DRIVERS_LISTWISE 0x8u
/** Option flag: only the full model (coefficients, R², relative weights,
 *  CAR, betasq, pratt, first, last); no subset enumeration. @since 1.1 */
#define LOY_DRIVERS_FULL_ONLY 0x10u

/** Fit index of a logistic or ordinal dominance analysis: McFadden.
 *  @since 1.1 */
#define LOY_DRIVERS_MCFADDEN 0u
/** Fit index: Cox-Snell. @since 1.1 */
#define LOY_DRIVERS_COX_SNELL 1u
/** Fit index: Nagelkerke (Cox-Snell over its maximum). @since 1.1 */
#define LOY_DRIVERS_NAGELKERKE 2u
/** Fit index: Estrella. @since 1.1 */
#define LOY_DRIVERS_ESTRELLA 3u

/**
 * @brief Options of an analysis. NULL means all defaults.
 * @since 1.1
 */
typedef struct loy_drivers_options {
    size_t struct_size; /**< sizeof(loy_drivers_options). */
    uint32_t flags;     /**< LOY_DRIVERS_* option flags; default 0. */
    uint32_t max_exact; /**< Largest number of players enumerated exactly
                             (2^g subsets); 0 means 24 for linear and 16
                             for logistic/ordinal models; at most 40. */
    uint32_t index;     /**< Logistic/ordinal: the fit index behind LMG and
                             dominance (LOY_DRIVERS_MCFADDEN, ...); default
                             McFadden. */
    uint32_t reserved;  /**< Must be 0. */
    uint64_t orders;    /**< Sampling: antithetic pairs of orders M; 0 means
                             1000. */
    uint64_t seed;      /**< Sampling seed; default 0. */
    double level;       /**< Interval level in (0, 1); 0 means 0.95. */
} loy_drivers_options;

/** Static initialiser for loy_drivers_options (defaults). @since 1.1 */
#define LOY_DRIVERS_OPTIONS_INIT {sizeof(loy_drivers_options), 0u, 0u, 0u, 0u, \
    0u, 0u, 0.0}

/** Model of a result: linear regression. @since 1.1 */
#define LOY_DRIVERS_MODEL_LINEAR 1u
/** Model of a result: logistic regression. @since 1.1 */
#define LOY_DRIVERS_MODEL_LOGISTIC 2u
/** Model of a result: proportional odds (ordered logit). @since 1.1 */
#define LOY_DRIVERS_MODEL_ORDINAL 3u
/** Model of a result: penalty-reward contrast analysis. @since 1.1 */
#define LOY_DRIVERS_MODEL_PRCA 4u

/** Result flag: LMG was estimated by permutation sampling. @since 1.1 */
#define LOY_DRIVERS_SAMPLED 0x1u
/** Result flag: the jackknife ran (SE and normal intervals). @since 1.1 */
#define LOY_DRIVERS_JACKKNIFED 0x2u
/** Result flag: the bootstrap ran (percentile intervals). @since 1.1 */
#define LOY_DRIVERS_BOOTSTRAPPED 0x4u
/** Result flag: some fit did not converge (separation); the result holds
 *  the best points and the call returned #LOY_ENOCONV. @since 1.1 */
#define LOY_DRIVERS_NOCONV 0x8u
/** Result flag: R² (or the fit index) of the full model is 0, so shares
 *  are undefined. @since 1.1 */
#define LOY_DRIVERS_ZERO_R2 0x10u

/**
 * @brief Scalar facts of a result (loy_drivers_result_summary()).
 * @since 1.1
 */
typedef struct loy_drivers_summary {
    size_t struct_size;   /**< sizeof(loy_drivers_summary), set by the caller. */
    uint32_t model;       /**< LOY_DRIVERS_MODEL_*. */
    uint32_t flags;       /**< LOY_DRIVERS_SAMPLED, ... result flags. */
    uint64_t n_drivers;   /**< p. */
    uint64_t n_players;   /**< g (groups, or p). */
    uint64_t n_always;    /**< Covariates kept in every model. */
    uint64_t n;           /**< Rows (pairwise: the smallest pair count). */
    double sum_w;         /**< Total weight. */
    double r2;            /**< R² of the full model with covariates (linear,
                               PRCA), or the chosen fit index (logistic,
                               ordinal). */
    double r2_adj;        /**< Adjusted R² (linear, PRCA); 0 otherwise. */
    double r2_always;     /**< R² of the covariates alone (0 without). */
    double r2_decomp;     /**< What LMG divides: r2 - r2_always. */
    double f_stat;        /**< Overall F statistic (linear, PRCA); for
                               logistic/ordinal the likelihood-ratio
                               statistic 2(l1 - l0). */
    double f_p;           /**< Its p-value. */
    double df_resid;      /**< Residual degrees of freedom n - q - 1 (q all
                               regressors). */
    double loglik;        /**< Logistic/ordinal: log-likelihood of the full
                               model (weights rescaled to mean 1). */
    double loglik_null;   /**< Logistic/ordinal: of the null model. */
    double mcfadden;      /**< Logistic/ordinal: McFadden's pseudo-R² of
                               the full model (the four pseudo-R² follow
                               the dominanceanalysis definitions). */
    double cox_snell;     /**< Logistic/ordinal: Cox-Snell pseudo-R². */
    double nagelkerke;    /**< Logistic/ordinal: Nagelkerke pseudo-R²
                               (right at any n). */
    double estrella;      /**< Logistic/ordinal: Estrella pseudo-R². */
    uint64_t orders;      /**< Sampling: orders walked (2M). */
    uint64_t seed;        /**< Sampling seed. */
    double mc_se_max;     /**< Sampling: largest Monte Carlo SE of LMG. */
    uint64_t replicates;  /**< Jackknife groups or bootstrap replicates used. */
    uint64_t replicates_failed; /**< Bootstrap replicates dropped (a constant
                               or collinear driver in the replicate). */
    double level;         /**< Interval level. */
    uint32_t iterations;  /**< Logistic/ordinal: Newton steps of the full
                               model. */
    uint32_t categories;  /**< Ordinal: number of outcome categories K. */
    uint64_t noconv;      /**< Logistic/ordinal: submodels not converged. */
    uint64_t rows_skipped; /**< Logistic/ordinal: rows skipped (listwise). */
} loy_drivers_summary;

/** Static initialiser for loy_drivers_summary. @since 1.1 */
#define LOY_DRIVERS_SUMMARY_INIT {sizeof(loy_drivers_summary), 0u, 0u, 0u, 0u, \
    0u, 0u, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, \
    0.0, 0u, 0u, 0.0, 0u, 0u, 0.0, 0u, 0u, 0u, 0u}

/**
 * @brief Result of an analysis: per-player and per-driver arrays.
 *
 * Opaque; read with loy_drivers_result_summary() and
 * loy_drivers_result_get(); release with loy_drivers_result_free().
 * @since 1.1
 */
typedef struct loy_drivers_result loy_drivers_result;

/* Metrics of loy_drivers_result_get(). [g]: per player, [p]: per driver.
 * Values are fixed forever. */
/** [g] LMG (Shapley value, general dominance), sums to r2_decomp.
 *  Logistic/ordinal: on the chosen fit index. @since 1.1 */
#define LOY_DRIVERS_LMG 1u
/** [g] LMG / r2_decomp, sums to 1 (#LOY_EDEGENERATE when R² = 0).
 *  @since 1.1 */
#define LOY_DRIVERS_LMG_SHARE 2u
/** [g] First: R² of the player alone (beyond the covariates). @since 1.1 */
#define LOY_DRIVERS_FIRST 3u
/** [g] Last: R² lost when the player leaves the full model. @since 1.1 */
#define LOY_DRIVERS_LAST 4u
/** [p] Squared standardized coefficient (linear). @since 1.1 */
#define LOY_DRIVERS_BETASQ 5u
/** [p] Pratt: standardized coefficient times correlation (linear; sums to
 *  r2_decomp; can be negative). @since 1.1 */
#define LOY_DRIVERS_PRATT 6u
/** [p] Johnson's relative weight (Genizi; logistic: Tonidandel-LeBreton).
 *  @since 1.1 */
#define LOY_DRIVERS_RW 7u
/** [p] Relative weight share (sums to 1). @since 1.1 */
#define LOY_DRIVERS_RW_SHARE 8u
/** [p] CAR score squared (linear). @since 1.1 */
#define LOY_DRIVERS_CAR 9u
/** [p] Raw coefficient of the full model (linear: OLS; logistic: log-odds;
 *  ordinal: beta of logit P(Y <= k) = zeta_k - x'beta). @since 1.1 */
#define LOY_DRIVERS_BETA 10u
/** [p] Standardized coefficient b_j sd_j / sd_y (logistic, ordinal:
 *  b_j sd_j). @since 1.1 */
#define LOY_DRIVERS_BETA_STD 11u
/** [p] t statistic of BETA (z for logistic and ordinal). @since 1.1 */
#define LOY_DRIVERS_T 12u
/** [p] Two-sided p-value of BETA. @since 1.1 */
#define LOY_DRIVERS_P 13u
/** [p] Sign of BETA: -1, 0 or +1 (show it next to the importance).
 *  @since 1.1 */
#define LOY_DRIVERS_SIGN 14u
/** [g*g] Conditional dominance statistics, row-major: [i*g + s] is the
 *  mean gain C_i^(s) of player i over the submodels with s other players.
 *  @since 1.1 */
#define LOY_DRIVERS_CONDITIONAL 15u
/** [g*g] Complete dominance codes (needs #LOY_DRIVERS_COMPLETE). @since 1.1 */
#define LOY_DRIVERS_DOM_COMPLETE 16u
/** [g*g] Conditional dominance codes. @since 1.1 */
#define LOY_DRIVERS_DOM_CONDITIONAL 17u
/** [g*g] General dominance codes. @since 1.1 */
#define LOY_DRIVERS_DOM_GENERAL 18u
/** [g*g] Share of the 2^(g-2) comparisons where i beats j outright (R
 *  `domir`; diagonal 0.5; needs #LOY_DRIVERS_COMPLETE). @since 1.1 */
#define LOY_DRIVERS_COMPLETE_SHARE 19u
/** [g] Rank of LMG, 1 = largest (ties share the smaller rank). @since 1.1 */
#define LOY_DRIVERS_RANK 20u
/** [g*g] Bootstrap: [i*g + k-1] = share of replicates where player i ranks
 *  k-th or better ("probability to be in the top k"). @since 1.1 */
#define LOY_DRIVERS_TOPK 21u
/** [1] R² of the full model (with covariates); the fit index for
 *  logistic and ordinal models. @since 1.1 */
#define LOY_DRIVERS_R2 22u
/** [g] Sampling: Monte Carlo standard error of LMG. @since 1.1 */
#define LOY_DRIVERS_LMG_MCSE 23u
/** [g] Logistic/ordinal: LMG on McFadden's R². @since 1.1 */
#define LOY_DRIVERS_LMG_MCFADDEN 24u
/** [g] Logistic/ordinal: LMG on Cox-Snell's R². @since 1.1 */
#define LOY_DRIVERS_LMG_COX_SNELL 25u
/** [g] Logistic/ordinal: LMG on Nagelkerke's R². @since 1.1 */
#define LOY_DRIVERS_LMG_NAGELKERKE 26u
/** [g] Logistic/ordinal: LMG on Estrella's R². @since 1.1 */
#define LOY_DRIVERS_LMG_ESTRELLA 27u
/** [K-1 or 1] Intercepts: the ordinal thresholds zeta_k, or the logistic
 *  or linear intercept. @since 1.1 */
#define LOY_DRIVERS_INTERCEPT 28u
/** [p] PRCA penalty -b_L (loss for a low rating). @since 1.1 */
#define LOY_DRIVERS_PENALTY 29u
/** [p] PRCA reward b_H (gain for a high rating). @since 1.1 */
#define LOY_DRIVERS_REWARD 30u
/** [p] PRCA asymmetry D = penalty - reward. @since 1.1 */
#define LOY_DRIVERS_ASYMMETRY 31u
/** [p] PRCA: two-sided p-value of the penalty. @since 1.1 */
#define LOY_DRIVERS_PENALTY_P 32u
/** [p] PRCA: two-sided p-value of the reward. @since 1.1 */
#define LOY_DRIVERS_REWARD_P 33u
/** [p] PRCA: two-sided p-value of the asymmetry D. @since 1.1 */
#define LOY_DRIVERS_ASYMMETRY_P 34u

/* Statistics of loy_drivers_result_get(). */
/** The point estimate. @since 1.1 */
#define LOY_DRIVERS_ESTIMATE 0u
/** Standard error: jackknife, bootstrap SD, or model-based (coefficients,
 *  PRCA). @since 1.1 */
#define LOY_DRIVERS_STDERR 1u
/** Lower interval limit (bootstrap percentile; jackknife normal).
 *  @since 1.1 */
#define LOY_DRIVERS_LOWER 2u
/** Upper interval limit. @since 1.1 */
#define LOY_DRIVERS_UPPER 3u
/** Every replicate's value, replicate-major: [b*len + i]. @since 1.1 */
#define LOY_DRIVERS_REPLICATES 4u

/** Kano class (PRCA): failures punished, excellence not rewarded ("meet
 *  expectations consistently"). @since 1.1 */
#define LOY_KANO_BASIC 1
/** Kano class: symmetric effect ("raise the mean"). @since 1.1 */
#define LOY_KANO_PERFORMANCE 2
/** Kano class: excellence rewarded, failures not punished ("exceed
 *  expectations"). @since 1.1 */
#define LOY_KANO_EXCITEMENT 3
/** Kano class: neither effect significant (indifferent). @since 1.1 */
#define LOY_KANO_LOW_IMPACT 4

/**
 * @brief Initialise options to the defaults.
 * @param[out] opts options.
 * @return LOY_OK; LOY_EINVAL if opts is NULL.
 * @since 1.1
 */
LOY_API int loy_drivers_options_init(loy_drivers_options *opts);

/**
 * @brief Linear driver analysis from a tally.
 *
 * Computes R², adjusted R², coefficients with t and p values, first, last,
 * betasq, pratt, relative weights, CAR and, unless
 * #LOY_DRIVERS_FULL_ONLY, LMG with conditional and general dominance by
 * enumerating the 2^g subsets (R² updated incrementally, O(2^g) work,
 * memory O(g^3) doubles), complete dominance on request. Above max_exact
 * players LMG is estimated by permutation sampling with
 * #LOY_DRIVERS_SAMPLE (antithetic pairs, Monte Carlo SE). With
 * #LOY_DRIVERS_BOOTSTRAP every metric is recomputed on the tally's
 * replicates for percentile intervals and rank probabilities.
 * With covariates (`always`), every metric is computed from the
 * covariance given them and divided by the outcome's total variance, so LMG
 * sums to R²(all) - R²(covariates), as relaimpo's `always`.
 * @param[out] out the result; NULL on error.
 * @param t tally holding every column the spec names.
 * @param spec roles of the columns.
 * @param opts options or NULL.
 * @param[out] err_index optional: the column to blame (see the module
 *        description), else #LOY_NO_INDEX.
 * @return LOY_OK; LOY_EINVAL (NULL, bad spec or options, bootstrap asked of
 *         a tally without replicates); LOY_EEMPTY (no row);
 *         LOY_EDEGENERATE (constant or collinear column, too few rows,
 *         every bootstrap replicate failed); LOY_EINCONSISTENT (pairwise
 *         matrix not positive definite); LOY_EDOMAIN (g > max_exact without
 *         sampling, complete dominance with sampling); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_drivers_linear(loy_drivers_result **out, const loy_moments *t,
                               const loy_drivers_spec *spec,
                               const loy_drivers_options *opts,
                               size_t *err_index);

/**
 * @brief Linear analysis with delete-a-group jackknife standard errors.
 *
 * `parts` are G disjoint tallies whose merge is `total` (rows split by
 * index mod G or a hash of a stable id). Replicate g is total - parts[g]
 * (loy_moments_unmerge()); SE² = (G-1)/G sum (theta_g - mean)²; intervals
 * are estimate -/+ z SE at the options' level.
 * @param[out] out the result (as loy_drivers_linear() plus STDERR, LOWER,
 *        UPPER and REPLICATES statistics); NULL on error.
 * @param total tally of all rows.
 * @param parts G group tallies.
 * @param n_parts G >= 2.
 * @param spec roles of the columns.
 * @param opts options or NULL (#LOY_DRIVERS_BOOTSTRAP not allowed).
 * @param[out] err_index optional: the column to blame.
 * @return as loy_drivers_linear(); LOY_EINCONSISTENT when a part is not a
 *         sub-tally of total; an error of any replicate.
 * @since 1.1
 */
LOY_API int loy_drivers_jackknife(loy_drivers_result **out,
                                  const loy_moments *total,
                                  const loy_moments *const *parts,
                                  size_t n_parts, const loy_drivers_spec *spec,
                                  const loy_drivers_options *opts,
                                  size_t *err_index);

/**
 * @brief Logistic driver analysis (binary outcome: promoter or not).
 *
 * Fits the logistic regression of every submodel by Newton (IRLS), warm
 * started from its parent, and runs the dominance analysis of
 * loy_drivers_linear() on the chosen fit index; LMG on all four pseudo-R²
 * (McFadden, Cox-Snell, Nagelkerke, Estrella) is available. Weights are
 * rescaled to mean 1. The full model also gives coefficients with Wald z
 * tests and logistic relative weights (Tonidandel and LeBreton 2010).
 * @param[out] out the result; on #LOY_ENOCONV it is set too and holds the
 *        best points (flag #LOY_DRIVERS_NOCONV); NULL on other errors.
 * @param z data, value (i, j) at z[i*row_stride + j*col_stride].
 * @param n rows.
 * @param k columns of z.
 * @param row_stride distance between rows, in elements.
 * @param col_stride distance between columns, in elements.
 * @param w optional weights, finite and >= 0.
 * @param spec roles of the columns (outcome values 0 or 1).
 * @param opts options or NULL.
 * @param[out] err_index optional: i*(k+1) + j of a bad value in row i,
 *        column j (i*(k+1) + k: the weight), or the column to blame, else
 *        #LOY_NO_INDEX.
 * @return LOY_OK; LOY_ENOCONV (separation or no convergence);
 *         LOY_EINVAL; LOY_EEMPTY; LOY_ENONFINITE; LOY_ESCALE (outcome not
 *         0/1, negative weight); LOY_EDEGENERATE (constant outcome or
 *         driver, collinear drivers, too few rows); LOY_EDOMAIN (g above
 *         max_exact); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_drivers_logistic(loy_drivers_result **out, const double *z,
                                 size_t n, size_t k, size_t row_stride,
                                 size_t col_stride, const double *w,
                                 const loy_drivers_spec *spec,
                                 const loy_drivers_options *opts,
                                 size_t *err_index);

/**
 * @brief Ordinal driver analysis (proportional odds; the NPS class
 *        detractor < passive < promoter).
 *
 * The outcome's distinct values, sorted, are the K >= 2 ordered
 * categories. Model logit P(Y <= k | x) = zeta_k - x'beta (MASS::polr),
 * fitted by Newton with step halving that keeps the thresholds ordered.
 * Dominance over the submodels as loy_drivers_logistic().
 * @param[out] out the result (set on #LOY_ENOCONV too).
 * @param z data.
 * @param n rows.
 * @param k columns of z.
 * @param row_stride distance between rows, in elements.
 * @param col_stride distance between columns, in elements.
 * @param w optional weights.
 * @param spec roles of the columns.
 * @param opts options or NULL.
 * @param[out] err_index optional: as loy_drivers_logistic().
 * @return as loy_drivers_logistic() (LOY_EDEGENERATE for a single
 *         category).
 * @since 1.1
 */
LOY_API int loy_drivers_ordinal(loy_drivers_result **out, const double *z,
                                size_t n, size_t k, size_t row_stride,
                                size_t col_stride, const double *w,
                                const loy_drivers_spec *spec,
                                const loy_drivers_options *opts,
                                size_t *err_index);

/**
 * @brief Release a result. NULL is a no-op.
 * @param r result or NULL.
 * @since 1.1
 */
LOY_API void loy_drivers_result_free(loy_drivers_result *r);

/**
 * @brief Scalar facts of a result.
 * @param[out] out filled (struct_size set by the caller).
 * @param r result.
 * @return LOY_OK; LOY_EINVAL.
 * @since 1.1
 */
LOY_API int loy_drivers_result_summary(loy_drivers_summary *out,
                                       const loy_drivers_result *r);

/**
 * @brief Read one metric of a result (two-call pattern).
 *
 * Lengths: g for per-player metrics, p for per-driver metrics, g*g for
 * matrices, 1 for #LOY_DRIVERS_R2; times the number of replicates for
 * #LOY_DRIVERS_REPLICATES.
 * @param[out] out destination, or NULL to ask for the length.
 * @param cap capacity of out in doubles.
 * @param[out] len_out values needed (set whenever the metric is available).
 * @param r result.
 * @param metric LOY_DRIVERS_LMG, ...
 * @param stat LOY_DRIVERS_ESTIMATE, _STDERR, _LOWER, _UPPER, _REPLICATES.
 * @return LOY_OK; LOY_EINVAL (NULL r, unknown metric or stat);
 *         LOY_EDOMAIN (not computed for this result: e.g. complete
 *         dominance not requested, intervals without resampling);
 *         LOY_EDEGENERATE (undefined for this data, e.g. shares at R² = 0);
 *         LOY_EBUFSIZE (cap too small; LOY_OK for out NULL and cap 0).
 * @since 1.1
 */
LOY_API int loy_drivers_result_get(double *out, size_t cap, size_t *len_out,
                                   const loy_drivers_result *r,
                                   uint32_t metric, uint32_t stat);

/* =====================================================================
 * Penalty-reward contrast analysis and importance-performance analysis
 * ================================================================== */

/**
 * @brief Add rows to a PRCA tally: each rating becomes the indicators
 *        L = 1{x <= low_max} and H = 1{x >= high_min}.
 *
 * The tally must have k = 2p + 1 columns, laid out [y, L_1..L_p,
 * H_1..H_p]; its missing-value flags apply (a missing rating makes both of
 * its indicators missing). On error the tally is unchanged.
 * @param t tally with 2p + 1 columns.
 * @param y n outcomes.
 * @param x ratings, value (i, j) at x[i*row_stride + j*col_stride].
 * @param n rows.
 * @param p attributes.
 * @param row_stride distance between rows of x, in elements.
 * @param col_stride distance between columns of x, in elements.
 * @param w optional weights.
 * @param ids row ids (required with bootstrap replicates).
 * @param low_max largest "low" rating (6 on 0-10, 2 on 1-5).
 * @param high_min smallest "high" rating (9 on 0-10, 5 on 1-5);
 *        > low_max.
 * @param[out] err_index optional: i*(p+2) + j for rating (i, j),
 *        i*(p+2) + p for y, i*(p+2) + p + 1 for the weight.
 * @return as loy_moments_add(); LOY_EDOMAIN (low_max >= high_min or not
 *         finite); LOY_EINVAL (k != 2p + 1).
 * @since 1.1
 */
LOY_API int loy_drivers_prca_add(loy_moments *t, const double *y,
                                 const double *x, size_t n, size_t p,
                                 size_t row_stride, size_t col_stride,
                                 const double *w, const uint64_t *ids,
                                 double low_max, double high_min,
                                 size_t *err_index);

/**
 * @brief Penalty-reward contrast analysis: which attributes are basic,
 *        performance or excitement factors.
 *
 * OLS y = b0 + sum_j (bL_j L_j + bH_j H_j); penalty_j = -bL_j, reward_j =
 * bH_j, D_j = penalty_j - reward_j with Var(D) from the coefficient
 * covariance; t tests with n - 2p - 1 df. Class at level alpha: basic when
 * D > 0 significantly, excitement when D < 0 significantly, performance
 * when otherwise the penalty or the reward is significant, low impact when
 * neither is.
 * @param[out] out the result (metrics PENALTY, REWARD, ASYMMETRY with
 *        STDERR, their p-values, BETA of the 2p indicators is not kept);
 *        NULL on error.
 * @param t tally from loy_drivers_prca_add().
 * @param p attributes (t has 2p + 1 columns).
 * @param alpha significance level in (0, 1), e.g. 0.05.
 * @param[out] err_index optional: the attribute (0..p-1) whose indicator is
 *        constant (no low or no high rating) or collinear.
 * @return LOY_OK; LOY_EINVAL; LOY_EDOMAIN (alpha); LOY_EEMPTY;
 *         LOY_EDEGENERATE; LOY_EINCONSISTENT (pairwise).
 * @since 1.1
 */
LOY_API int loy_drivers_prca(loy_drivers_result **out, const loy_moments *t,
                             size_t p, double alpha, size_t *err_index);

/**
 * @brief Kano classes of a PRCA result.
 * @param[out] out destination (LOY_KANO_*), or NULL to ask for the length.
 * @param cap capacity in elements.
 * @param[out] len_out p.
 * @param r result of loy_drivers_prca().
 * @return LOY_OK; LOY_EINVAL; LOY_EDOMAIN (not a PRCA result);
 *         LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_drivers_result_kano(int32_t *out, size_t cap, size_t *len_out,
                                    const loy_drivers_result *r);

/**
 * @brief Name of a Kano class: "basic", "performance", "excitement",
 *        "low impact", or "unknown".
 * @param kano LOY_KANO_*.
 * @return a static string; never NULL.
 * @since 1.1
 */
LOY_API const char *loy_drivers_kano_name(int32_t kano);

/** IPA quadrant: high importance, high performance ("keep up the good
 *  work"). @since 1.1 */
#define LOY_IPA_KEY_STRENGTH 1
/** IPA quadrant: high importance, low performance ("concentrate here").
 *  @since 1.1 */
#define LOY_IPA_PRIORITY_FIX 2
/** IPA quadrant: low importance, high performance ("possible overkill").
 *  @since 1.1 */
#define LOY_IPA_SECONDARY_STRENGTH 3
/** IPA quadrant: low importance, low performance. @since 1.1 */
#define LOY_IPA_LOW_PRIORITY 4

/** IPA performance cut: the mean of the performances. @since 1.1 */
#define LOY_IPA_CUT_MEAN 0u
/** IPA performance cut: their median. @since 1.1 */
#define LOY_IPA_CUT_MEDIAN 1u
/** IPA performance cut: a fixed value (perf_fixed). @since 1.1 */
#define LOY_IPA_CUT_FIXED 2u

/** IPA flag: performance of basic factors is 100 x (1 - bottom-box share),
 *  of excitement factors 100 x top-box share (needs Kano classes).
 *  @since 1.1 */
#define LOY_IPA_KANO_PERFORMANCE 0x1u

/**
 * @brief Options of loy_drivers_ipa(). NULL means all defaults.
 * @since 1.1
 */
typedef struct loy_drivers_ipa_options {
    size_t struct_size;    /**< sizeof(loy_drivers_ipa_options). */
    uint32_t perf_cut;     /**< LOY_IPA_CUT_MEAN (default), _MEDIAN, _FIXED. */
    uint32_t flags;        /**< LOY_IPA_KANO_PERFORMANCE or 0. */
    double perf_fixed;     /**< The fixed performance cut (0-100). */
    double importance_cut; /**< Share above which importance is high; 0
                                means 1/p (the mean share). */
    int32_t top_box_min;   /**< Smallest top-box rating; INT32_MIN means
                                hi - 1 (9-10 on 0-10, 4-5 on 1-5). */
    int32_t bottom_box_max; /**< Largest bottom-box rating; INT32_MIN means
                                6 on 0-10, else lo + (hi - lo)/4 (1-2 on
                                1-5). */
} loy_drivers_ipa_options;

/** Static initialiser for loy_drivers_ipa_options (defaults). @since 1.1 */
#define LOY_DRIVERS_IPA_OPTIONS_INIT {sizeof(loy_drivers_ipa_options), 0u, 0u, \
    0.0, 0.0, (-2147483647 - 1), (-2147483647 - 1)}

/**
 * @brief Add ratings to per-attribute histograms (mergeable by addition).
 *
 * hist[j*L + (v - lo)] += weight of rating v of attribute j, L = hi - lo +
 * 1. NaN ratings are skipped; other invalid ratings (not whole, outside
 * [lo, hi]) are errors unless skip_invalid is 1.
 * @param hist p*L accumulators (zero them first).
 * @param p attributes.
 * @param lo lowest rating.
 * @param hi highest rating (hi > lo, hi - lo <= 1000).
 * @param x ratings, value (i, j) at x[i*row_stride + j*col_stride].
 * @param n rows.
 * @param row_stride distance between rows, in elements.
 * @param col_stride distance between columns, in elements.
 * @param w optional weights (finite, >= 0).
 * @param skip_invalid 0 or 1.
 * @param[out] err_index optional: i*(p+1) + j of a bad rating (row i,
 *        attribute j), i*(p+1) + p for row i's weight.
 * @return LOY_OK; LOY_EINVAL; LOY_EDOMAIN (scale); LOY_ESCALE;
 *         LOY_ENONFINITE; hist unchanged on error.
 * @since 1.1
 */
LOY_API int loy_drivers_hist_add(double *hist, size_t p, int32_t lo, int32_t hi,
                                 const double *x, size_t n, size_t row_stride,
                                 size_t col_stride, const double *w,
                                 int32_t skip_invalid, size_t *err_index);

/**
 * @brief Initialise IPA options to the defaults.
 * @param[out] opts options.
 * @return LOY_OK; LOY_EINVAL if opts is NULL.
 * @since 1.1
 */
LOY_API int loy_drivers_ipa_options_init(loy_drivers_ipa_options *opts);

/**
 * @brief Importance-performance analysis (the priority matrix).
 *
 * importance_j = imp_j / sum(imp) (pass LMG or relative weights);
 * performance_j = 100 (mean_j - lo)/(hi - lo) from the histogram (or the
 * Kano rule of #LOY_IPA_KANO_PERFORMANCE); quadrant by the cut lines
 * (importance_cut, the performance cut; "high" means >= cut); opportunity_j
 * = importance_j (100 - performance_j)/100. Every output array is optional
 * (NULL) and has p elements.
 * @param[out] performance 0-100.
 * @param[out] top_box share of ratings >= top_box_min.
 * @param[out] bottom_box share of ratings <= bottom_box_max.
 * @param[out] quadrant LOY_IPA_*.
 * @param[out] opportunity improvement priority (rank by it).
 * @param[out] cuts optional 2 values: the importance cut and the
 *        performance cut used.
 * @param importance p importances, finite and >= 0, not all 0.
 * @param hist p*L histogram (loy_drivers_hist_add()), each attribute with
 *        positive total weight.
 * @param p attributes >= 1.
 * @param lo lowest rating.
 * @param hi highest rating.
 * @param kano p Kano classes (needed with #LOY_IPA_KANO_PERFORMANCE, else
 *        ignored; may be NULL).
 * @param opts options or NULL.
 * @return LOY_OK; LOY_EINVAL; LOY_EDOMAIN (scale, cuts, box limits);
 *         LOY_ESCALE (negative importance or histogram count);
 *         LOY_ENONFINITE; LOY_EDEGENERATE (all importances 0);
 *         LOY_EEMPTY (an attribute without ratings).
 * @since 1.1
 */
LOY_API int loy_drivers_ipa(double *performance, double *top_box,
                            double *bottom_box, int32_t *quadrant,
                            double *opportunity, double *cuts,
                            const double *importance, const double *hist,
                            size_t p, int32_t lo, int32_t hi,
                            const int32_t *kano,
                            const loy_drivers_ipa_options *opts);

/**
 * @brief Name of an IPA quadrant: "key strength", "priority fix",
 *        "secondary strength", "low priority", or "unknown".
 * @param quadrant LOY_IPA_*.
 * @return a static string; never NULL.
 * @since 1.1
 */
LOY_API const char *loy_drivers_quadrant_name(int32_t quadrant);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_DRIVERS_H */
