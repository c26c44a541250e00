/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/segment.h
 * @brief ABC classes and the ABC x loyalty (x potential) matrix.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_SEGMENT_H
#define LOYALTY_SEGMENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup segment ABC classes and the ABC x loyalty (x potential) matrix
 * @brief ABC classes and the ABC x loyalty (x potential) matrix.
 *
 * ABC analysis ranks customers by value (revenue or margin per customer)
 * and splits them into classes A (the few that hold most of the value), B
 * and C. Two methods:
 *
 * - Fixed cut-offs (loy_abc_classify): A up to a share cut_a of the
 *   cumulative value (default 80%), B up to cut_b (95%), C the rest, with
 *   an explicit boundary rule and a tie rule (below). Runs in linear time
 *   (histogram selection of the two threshold values, no sort).
 * - Computed ABC (loy_abc_computed_classify), Ultsch & Loetsch (2015),
 *   which derives the limits from the shape of the data's ABC curve.
 *
 * Values must be finite. Negative values are LOY_ESCALE unless the flag
 * #LOY_ABC_CLAMP_NEGATIVE is given, which counts them as 0 (they stay in
 * n). The computed method always clamps negatives, by its definition.
 *
 * Per-customer classes are uint8_t codes #LOY_ABC_A, #LOY_ABC_B,
 * #LOY_ABC_C; arrays indexed by class use the same codes.
 * @{
 */

/** Value class A (highest value). @since 1.0 */
#define LOY_ABC_A 0
/** Value class B. @since 1.0 */
#define LOY_ABC_B 1
/** Value class C (lowest value). @since 1.0 */
#define LOY_ABC_C 2

/** Default cut-off of class A: 80% of cumulative value. @since 1.0 */
#define LOY_ABC_DEFAULT_CUT_A 0.80
/** Default cut-off of class B: 95% of cumulative value. @since 1.0 */
#define LOY_ABC_DEFAULT_CUT_B 0.95

/**
 * Flag: boundary rule BEFORE. A customer is in A when the cumulative share
 * *before* it (of the customers ranked above it) is below cut_a, in B when
 * it is below cut_b. The default (rule AFTER) uses the share *including*
 * the customer: A when it is at most cut_a, B when at most cut_b. BEFORE
 * puts the customer that straddles a cut-off in the higher class, AFTER in
 * the lower one.
 * @since 1.0
 */
#define LOY_ABC_BEFORE 0x1u
/**
 * Flag: COUNT basis. Cumulate ranks instead of value: the k-th customer
 * (1-based, descending value) has share k/n after and (k-1)/n before
 * itself, so cut_a = 0.2 gives the top 20% of customers (count quantile).
 * The tie rule still applies, so a class can hold more or fewer customers
 * than the quantile when values are tied.
 * @since 1.0
 */
#define LOY_ABC_COUNT 0x2u
/** Flag: count negative values as 0 instead of rejecting them with
 *  LOY_ESCALE. @since 1.0 */
#define LOY_ABC_CLAMP_NEGATIVE 0x4u

/** Boundary rule reported in a summary: share including the customer.
 *  @since 1.0 */
#define LOY_ABC_RULE_AFTER 0
/** Boundary rule reported in a summary: share before the customer.
 *  @since 1.0 */
#define LOY_ABC_RULE_BEFORE 1
/** Tie rule reported in a summary: every customer in a run of equal
 *  values takes the class of the run's first (highest-ranked) customer,
 *  so equal values never split. @since 1.0 */
#define LOY_ABC_TIES_RUN_FIRST 1
/** Basis reported in a summary: cumulative value. @since 1.0 */
#define LOY_ABC_BASIS_VALUE 0
/** Basis reported in a summary: cumulative count (rank). @since 1.0 */
#define LOY_ABC_BASIS_COUNT 1

/**
 * @brief Result of a fixed-cut-off ABC classification.
 *
 * Arrays are indexed by #LOY_ABC_A, #LOY_ABC_B, #LOY_ABC_C. Classes are
 * value ranges: a customer is in A iff its value is >= threshold_ab, in A
 * or B iff its value is >= threshold_bc (values clamped to 0 where
 * #LOY_ABC_CLAMP_NEGATIVE applied).
 * @since 1.0
 */
typedef struct loy_abc_summary {
    size_t struct_size;      /**< sizeof(loy_abc_summary), set by the caller. */
    uint64_t n;              /**< Customers classified. */
    uint64_t count[3];       /**< Customers per class. */
    double value[3];         /**< Value per class (compensated sums). */
    double value_share[3];   /**< value[k] / total_value. */
    double count_share[3];   /**< count[k] / n. */
    double total_value;      /**< Total value (> 0). */
    double threshold_ab;     /**< Smallest value in A; +HUGE_VAL if A is empty. */
    double threshold_bc;     /**< Smallest value in A or B; +HUGE_VAL if both
                                  are empty. */
    double cut_a;            /**< Cut-off of A used. */
    double cut_b;            /**< Cut-off of B used. */
    int32_t rule;            /**< LOY_ABC_RULE_AFTER or LOY_ABC_RULE_BEFORE. */
    int32_t basis;           /**< LOY_ABC_BASIS_VALUE or LOY_ABC_BASIS_COUNT. */
    int32_t ties;            /**< Tie rule applied: LOY_ABC_TIES_RUN_FIRST. */
    int32_t reserved0;       /**< Always 0. */
    uint64_t n_clamped;      /**< Negative values counted as 0. */
} loy_abc_summary;

/** Static initialiser for loy_abc_summary. @since 1.0 */
#define LOY_ABC_SUMMARY_INIT {sizeof(loy_abc_summary), 0u, {0u, 0u, 0u},     \
    {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 0.0, 0.0, 0.0, 0.0,   \
    0.0, 0, 0, 0, 0, 0u}

/**
 * @brief Initialise an ABC summary (struct_size set, everything else 0).
 * @param[out] summary summary to fill.
 * @return LOY_OK, or LOY_EINVAL if summary is NULL.
 * @since 1.0
 */
LOY_API int loy_abc_summary_init(loy_abc_summary *summary);

/**
 * @brief ABC classes by fixed cut-offs of cumulative value (or count).
 *
 * Customers are ranked by value, descending. With cum_before and cum_after
 * the cumulative value (COUNT basis: rank) before and including a
 * customer and T the total (COUNT: n), rule AFTER gives A when
 * cum_after <= cut_a*T, else B when cum_after <= cut_b*T, else C; rule
 * BEFORE gives A when cum_before < cut_a*T, else B when cum_before <
 * cut_b*T, else C. Equality is judged with a tolerance of 1e-12*T (so it
 * is inside under AFTER and outside under BEFORE); sums are compensated.
 *
 * Tie rule: customers with equal values always share a class, the class of
 * the first customer of the run of equal values in the ranking. The result
 * therefore does not depend on the input order. Values 1..9 with the
 * defaults give C C B B A A A A A under AFTER and C B B A A A A A A under
 * BEFORE.
 *
 * Linear time: the two threshold values are found by histogram selection
 * on the bits of the values (a 2^16-bucket histogram, then finer ones over
 * the few customers near each threshold), then one pass labels the
 * customers. Scratch memory: the histogram (1.5 MB) and at most n 8-byte
 * keys, usually far fewer; inputs of up to 2048 customers are simply
 * sorted.
 *
 * @param[out] classes n class codes (#LOY_ABC_A..#LOY_ABC_C), or NULL.
 * @param[out] summary counts, sums, shares, thresholds and the rule used,
 *        or NULL. struct_size must be set.
 * @param values per-customer value, finite (>= 0 unless clamped).
 * @param n number of customers, > 0.
 * @param cut_a cut-off of class A, 0 < cut_a < cut_b.
 * @param cut_b cut-off of class B, cut_b < 1.
 * @param flags #LOY_ABC_BEFORE, #LOY_ABC_COUNT, #LOY_ABC_CLAMP_NEGATIVE.
 * @param[out] err_index optional: index of the first bad value.
 * @return LOY_OK; LOY_EINVAL (values NULL, unknown flag, bad struct_size);
 *         LOY_EDOMAIN (cut-offs not 0 < cut_a < cut_b < 1, or NaN);
 *         LOY_ENONFINITE (NaN or infinite value, err_index set);
 *         LOY_ESCALE (negative value without the clamp flag, err_index
 *         set); LOY_EEMPTY (n = 0, or total value 0, under either basis);
 *         LOY_EOVERFLOW (since 1.1: the total value exceeds the largest
 *         double; 1.0 returned LOY_ENONFINITE); LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_abc_classify(uint8_t *classes, loy_abc_summary *summary,
                             const double *values, size_t n, double cut_a,
                             double cut_b, uint32_t flags, size_t *err_index);

/**
 * @brief Result of a computed ABC analysis (Ultsch & Loetsch 2015).
 *
 * Points lie on the empirical ABC curve: effort x_k = k/n (share of
 * customers, ranked by value descending) and yield y_k = share of value of
 * the top k customers; the ranks are 1-based.
 * @since 1.0
 */
typedef struct loy_abc_computed_result {
    size_t struct_size;       /**< sizeof(loy_abc_computed_result). */
    uint64_t n;               /**< Customers. */
    uint64_t pareto_rank;     /**< k of the Pareto point: first argmin of
                                   x^2 + (1 - y)^2. */
    uint64_t breakeven_rank;  /**< k of the break-even point: the largest k
                                   minimising |value_k/mean - 1| (slope 1). */
    uint64_t submarginal_rank;/**< k of the submarginal point: first argmin
                                   of (x - x_B)^2 + (1 - y)^2. */
    double a_effort;          /**< A-point (the earlier of Pareto and
                                   break-even): effort. */
    double a_yield;           /**< A-point yield. */
    double b_effort;          /**< B-point (the later of the two): effort. */
    double b_yield;           /**< B-point yield. */
    double c_effort;          /**< Submarginal point: effort. */
    double c_yield;           /**< Submarginal point: yield. */
    double ab_limit;          /**< Value at the A-point: A = {v > ab_limit}. */
    double bc_limit;          /**< Value at the C-point: C = {v < bc_limit};
                                   B = {bc_limit <= v <= ab_limit}. */
    int32_t ab_exchanged;     /**< 1 if break-even came before the Pareto
                                   point (A-point = break-even), else 0. */
    int32_t reserved0;        /**< Always 0. */
    double gini;              /**< Gini coefficient as a fraction in [0, 1):
                                   2 x (trapezoidal area under the curve) - 1
                                   (R reports 100 times this). */
    uint64_t count[3];        /**< Customers per class. */
    double value[3];          /**< Value per class (after clamping). */
    double value_share[3];    /**< value[k] / total_value. */
    double total_value;       /**< Total value after clamping (> 0). */
    uint64_t n_clamped;       /**< Negative values counted as 0. */
} loy_abc_computed_result;

/** Static initialiser for loy_abc_computed_result. @since 1.0 */
#define LOY_ABC_COMPUTED_RESULT_INIT {sizeof(loy_abc_computed_result), 0u,   \
    0u, 0u, 0u, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0.0,          \
    {0u, 0u, 0u}, {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 0.0, 0u}

/**
 * @brief Initialise a computed-ABC result (struct_size set, rest 0).
 * @param[out] result result to fill.
 * @return LOY_OK, or LOY_EINVAL if result is NULL.
 * @since 1.0
 */
LOY_API int loy_abc_computed_result_init(loy_abc_computed_result *result);

/**
 * @brief Computed ABC analysis (Ultsch & Loetsch 2015, R ABCanalysis).
 *
 * Negative values count as 0 (they stay in n), as in the method's
 * definition. On the empirical curve (no spline) the Pareto point P, the
 * break-even point E (the last customer whose value is closest to the
 * mean) and the submarginal point C are located; the A-point is the
 * earlier of P and E, the B-point the later. A = {v > ab_limit},
 * B = {bc_limit <= v <= ab_limit}, C = {v < bc_limit}, so equal values are
 * never split. Values 1..9 give P = 4, E = 5, C = 6, limits 6 and 4, A =
 * {7, 8, 9}, B = {4, 5, 6}.
 *
 * Differences from the R package (ABCanalysis 1.2.1): R interpolates the
 * curve with a cubic spline on a grid of 101 (n < 101) or 1001 points and
 * reports the points on that grid, with the limits read at the rounded
 * index; this function works on the n exact points of the data, so the
 * reported effort/yield are the exact data points (R gives e.g.
 * (0.42, 0.6392) for the A-point of 1..9, here (4/9, 30/45)), and on very
 * small or irregular inputs a customer at a boundary can fall in a
 * neighbouring class. R's break-even takes the first minimum on the grid;
 * with exact ties on data points this takes the last one. R turns NaN
 * into 0; here NaN and infinities are errors. Gini is a fraction, R's is
 * in percent.
 *
 * @param[out] classes n class codes, or NULL.
 * @param[out] result points, limits, classes summary and Gini; struct_size
 *        must be set.
 * @param values per-customer values, finite.
 * @param n number of customers, >= 3.
 * @param flags must be 0 (reserved).
 * @param[out] err_index optional: index of the first bad value.
 * @return LOY_OK; LOY_EINVAL (NULL pointer, nonzero flags, bad
 *         struct_size); LOY_ENONFINITE (err_index set); LOY_EEMPTY (n = 0 or
 *         total value 0 after clamping); LOY_EDEGENERATE (n = 1 or 2);
 *         LOY_EOVERFLOW (since 1.1: the total value exceeds the largest
 *         double; 1.0 returned LOY_ENONFINITE); LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_abc_computed_classify(uint8_t *classes,
                                      loy_abc_computed_result *result,
                                      const double *values, size_t n,
                                      uint32_t flags, size_t *err_index);

/**
 * @name ABC x loyalty segmentation
 *
 * MODELS.md section 8. Each customer gets a cell of a fixed grid: value
 * class (A, B, C: rows) x loyalty column (promoter, passive, detractor, no
 * response) x, when a potential is supplied, a potential level (harvest /
 * develop). Customers without an answer form
 * their own column and are never counted as passives. Cell numbers:
 *
 *     cell = 12 * level + 4 * value_class + column
 *
 * with value_class #LOY_ABC_A..#LOY_ABC_C, column LOY_SEGMENT_COL_*, and
 * level #LOY_SEGMENT_HARVEST (0; also every customer when no potential is
 * given, so only cells 0..11 are used) or #LOY_SEGMENT_DEVELOP (1).
 * @{
 */

/** Loyalty code (and raw score) of a customer who gave no answer.
 *  @since 1.0 */
#define LOY_SEGMENT_NO_ANSWER (-1)

/** Column of promoters. @since 1.0 */
#define LOY_SEGMENT_COL_PROMOTER 0
/** Column of passives. @since 1.0 */
#define LOY_SEGMENT_COL_PASSIVE 1
/** Column of detractors. @since 1.0 */
#define LOY_SEGMENT_COL_DETRACTOR 2
/** Column of customers without an answer. @since 1.0 */
#define LOY_SEGMENT_COL_NO_RESPONSE 3
/** Potential level: potential below the threshold, or no potential
 *  given. @since 1.0 */
#define LOY_SEGMENT_HARVEST 0
/** Potential level: potential at or above the threshold (share of wallet
 *  below it with #LOY_SEGMENT_SOW). @since 1.0 */
#define LOY_SEGMENT_DEVELOP 1
/** Number of cells of the grid (3 x 4 x 2). @since 1.0 */
#define LOY_SEGMENT_CELLS 24
/** Cell number of a value class, column and level. @since 1.0 */
#define LOY_SEGMENT_CELL(value_class, column, level)                        \
    (12 * (level) + 4 * (value_class) + (column))

/** Flag: loyalty[] holds raw scores on the scale of `breaks` (classified
 *  with loy_nps_classify()); #LOY_SEGMENT_NO_ANSWER still means no answer.
 *  @since 1.0 */
#define LOY_SEGMENT_RAW_SCORES 0x1u
/** Flag: potential[] is a share of wallet in [0, 1]; a customer is in the
 *  develop level when it is below potential_threshold. @since 1.0 */
#define LOY_SEGMENT_SOW 0x2u
/** Flag: count negative values as 0 instead of rejecting them (same bit as
 *  #LOY_ABC_CLAMP_NEGATIVE). @since 1.0 */
#define LOY_SEGMENT_CLAMP_NEGATIVE 0x4u

/*
 * Recommended actions. Values are fixed forever and never reused;
 * loy_segment_action_name() names them.
 */
/** No action (not a valid cell). @since 1.0 */
#define LOY_ACTION_NONE 0
/** A promoters ("champions"): protect and leverage: references, referral
 *  asks, expansion; avoid over-contact. @since 1.0 */
#define LOY_ACTION_PROTECT_LEVERAGE 1
/** A passives ("vulnerable core"): secure: value-realisation plan,
 *  executive sponsor. @since 1.0 */
#define LOY_ACTION_SECURE 2
/** A detractors ("critical risk"): rescue now: closed loop within 48 h,
 *  escalation, root cause, no cross-sell. @since 1.0 */
#define LOY_ACTION_RESCUE 3
/** B promoters ("growth advocates"), and C promoters with a large wallet:
 *  grow share of wallet: up-/cross-sell, referral programme. @since 1.0 */
#define LOY_ACTION_GROW_WALLET 4
/** B passives ("core"): nurture and activate: adoption programmes.
 *  @since 1.0 */
#define LOY_ACTION_NURTURE 5
/** B detractors ("at risk"): recover at moderate cost. @since 1.0 */
#define LOY_ACTION_RECOVER 6
/** C promoters ("low-value advocates"): cheap leverage: reviews,
 *  referrals; control cost. @since 1.0 */
#define LOY_ACTION_CHEAP_LEVERAGE 7
/** C passives: maintain with low-cost digital service. @since 1.0 */
#define LOY_ACTION_MAINTAIN 8
/** C detractors: let go / selective withdrawal: fix systemic causes, price
 *  for cost-to-serve. @since 1.0 */
#define LOY_ACTION_LET_GO 9
/** High potential, low share of wallet: develop (invest to grow).
 *  @since 1.0 */
#define LOY_ACTION_DEVELOP 10
/** Low potential: harvest (maintain at low cost). @since 1.0 */
#define LOY_ACTION_HARVEST 11
/** A or B customers without an answer: reach out and get a reading.
 *  @since 1.0 */
#define LOY_ACTION_REACH_OUT 12

/**
 * @brief Inputs of loy_segment_cross(): parallel per-customer arrays.
 *
 * Set struct_size (LOY_SEGMENT_INPUT_INIT) and the required fields.
 * @since 1.0
 */
typedef struct loy_segment_input {
    size_t struct_size;          /**< sizeof(loy_segment_input). */
    size_t n;                    /**< Customers, > 0. */
    const double *value;         /**< Required: value (revenue or margin),
                                      finite, >= 0 unless clamped. */
    const uint8_t *value_class;  /**< Required: #LOY_ABC_A..#LOY_ABC_C, e.g.
                                      from loy_abc_classify(). */
    const int32_t *loyalty;      /**< Required: LOY_CLASS_DETRACTOR,
                                      _PASSIVE, _PROMOTER or
                                      #LOY_SEGMENT_NO_ANSWER; raw scores with
                                      #LOY_SEGMENT_RAW_SCORES. */
    const int32_t *breaks;       /**< Breaks of raw scores (4, see the NPS
                                      module) or NULL for 0-10. A scale that
                                      contains -1 is refused. */
    const double *potential;     /**< Optional: potential (or share of
                                      wallet), finite; NULL: no split. */
    double potential_threshold;  /**< Develop when potential >= threshold
                                      (SoW: when SoW < threshold). */
    const double *lifetime_value;/**< Optional: lifetime value, finite. */
    const double *churn_prob;    /**< Optional: churn probability in [0, 1]
                                      (e.g. 1 - P(alive)) for value at
                                      risk. */
    double nps_level;            /**< Level of the per-class NPS intervals;
                                      0 means 0.95. */
    uint32_t nps_method;         /**< LOY_NPS_WALD (default),
                                      _ADJUSTED_WALD or _SCORE. */
    uint32_t small_n;            /**< Cells with fewer customers are flagged;
                                      0 means 30. */
    uint32_t flags;              /**< LOY_SEGMENT_* flags. */
} loy_segment_input;

/** Static initialiser for loy_segment_input (no arrays, defaults).
 *  @since 1.0 */
#define LOY_SEGMENT_INPUT_INIT {sizeof(loy_segment_input), 0u, NULL, NULL,  \
    NULL, NULL, NULL, 0.0, NULL, NULL, 0.0, 0u, 0u, 0u}

/**
 * @brief Result of loy_segment_cross(): per cell and per value class.
 *
 * Cell arrays have #LOY_SEGMENT_CELLS entries (see the cell numbering);
 * class arrays are indexed by #LOY_ABC_A..#LOY_ABC_C. Statistics that are
 * undefined (no customers, no respondents, zero value) are 0 with their
 * `*_defined` flag 0; never NaN.
 * @since 1.0
 */
typedef struct loy_segment_result {
    size_t struct_size;        /**< sizeof(loy_segment_result). */
    uint64_t n;                /**< Customers. */
    int32_t with_potential;    /**< 1 if a potential split the grid. */
    uint32_t small_n;          /**< Small-cell limit used. */
    double total_value;        /**< Total value (> 0). */
    uint64_t count[LOY_SEGMENT_CELLS];     /**< Customers per cell. */
    double value[LOY_SEGMENT_CELLS];       /**< Value per cell. */
    double value_share[LOY_SEGMENT_CELLS]; /**< value / total_value. */
    int32_t small[LOY_SEGMENT_CELLS];      /**< 1 if count < small_n. */
    int32_t action[LOY_SEGMENT_CELLS];     /**< LOY_ACTION_* of the cell
                                               (LOY_ACTION_NONE for unused
                                               cells). */
    double mean_ltv[LOY_SEGMENT_CELLS];    /**< Mean lifetime value (0 when
                                               not supplied or empty). */
    double rw_nps[LOY_SEGMENT_CELLS];      /**< Revenue-weighted NPS of the
                                               cell: +1, 0 or -1 for
                                               respondents' cells, 0 for no
                                               response; for completeness. */
    uint64_t class_count[3];   /**< Customers per value class. */
    double class_value[3];     /**< Value per value class. */
    uint64_t class_respondents[3]; /**< Customers with an answer. */
    int32_t class_nps_defined[3];  /**< 1 if the class has respondents. */
    double class_nps[3];       /**< NPS (P - D)/n of the respondents. */
    double class_nps_lower[3]; /**< Interval (nps_method, nps_level) from
                                    loy_nps_estimate(). */
    double class_nps_upper[3]; /**< Upper limit. */
    int32_t class_rw_nps_defined[3]; /**< 1 if respondents hold value > 0. */
    double class_rw_nps[3];    /**< Revenue-weighted NPS
                                    sum(v x)/sum(v) over respondents. */
    int32_t total_rw_nps_defined; /**< 1 if respondents hold value > 0. */
    double total_rw_nps;       /**< Revenue-weighted NPS of all customers. */
    double value_at_risk;      /**< Detractors' value, plus passives' value
                                    times churn_prob when supplied. */
    double class_value_at_risk[3]; /**< The same per value class. */
} loy_segment_result;

/**
 * @brief Initialise a segmentation result (struct_size set, rest 0).
 * @param[out] result result to fill.
 * @return LOY_OK, or LOY_EINVAL if result is NULL.
 * @since 1.0
 */
LOY_API int loy_segment_result_init(loy_segment_result *result);

/**
 * @brief Cross value classes with loyalty (and potential): cells, totals,
 *        NPS per value class and value at risk.
 *
 * One pass over the arrays; raw scores are classified through a table
 * built with loy_nps_classify(). Per value class the NPS
 * interval comes from loy_nps_estimate() on the class's counts; the
 * revenue-weighted NPS is sum(v_i x_i)/sum(v_i) over respondents
 * (x = +1 promoter, 0 passive, -1 detractor). Value at risk is the value
 * of detractors plus, with churn_prob, sum over passives of
 * v_i x churn_prob_i (MODELS.md 8; promoters and non-respondents are not
 * counted).
 *
 * @param[out] result cells and summaries (struct_size set by the caller);
 *        untouched on error.
 * @param[out] cells n cell numbers, or NULL. On error, the cells of the
 *        customers before the bad one may have been written.
 * @param input arrays and options.
 * @param[out] err_index optional: index of the first bad customer.
 * @return LOY_OK; LOY_EINVAL (NULL pointer or required array, unknown
 *         flag or method, bad struct_size); LOY_EEMPTY (n = 0 or total
 *         value 0); LOY_ENONFINITE (NaN/infinite value, potential, lifetime
 *         value or churn probability, or potential_threshold or nps_level);
 *         LOY_ESCALE (negative value without the clamp flag, value class
 *         > 2, unknown loyalty code, raw score off the scale, churn
 *         probability outside [0, 1]); LOY_EDOMAIN (breaks, nps_level not
 *         in (0, 1)); LOY_EOVERFLOW (since 1.1: the total value, or a
 *         cell's sum of lifetime values, beyond the largest double; 1.0
 *         returned LOY_ENONFINITE for the first and a NaN mean for the
 *         second).
 * @since 1.0
 */
LOY_API int loy_segment_cross(loy_segment_result *result, uint8_t *cells,
                              const loy_segment_input *input,
                              size_t *err_index);

/**
 * @brief Opaque, mergeable ABC x loyalty crossing: the per-cell sums from
 *        which every result of loy_segment_cross() follows.
 *
 * Customers can be crossed in chunks (loy_segment_tally_add()), tallies
 * built on different threads, shards or database partitions merged and
 * serialized, and the result computed once at the end
 * (loy_segment_tally_result()): the same numbers as one
 * loy_segment_cross() over all customers, up to the rounding of the value
 * sums (which are compensated; with whole-number values they are exact
 * and the bytes of a merged tally equal those of one pass). A tally
 * remembers whether potential, lifetime values and churn probabilities
 * were supplied; chunks and tallies that differ in this cannot be
 * combined.
 * @since 1.1
 */
typedef struct loy_segment_tally loy_segment_tally;

/**
 * @brief Create an empty crossing tally.
 * @param[out] out the new tally (NULL on error).
 * @return LOY_OK; LOY_EINVAL (out NULL); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_segment_tally_new(loy_segment_tally **out);

/**
 * @brief Free a crossing tally.
 * @param t the tally or NULL (a no-op).
 * @since 1.1
 */
LOY_API void loy_segment_tally_free(loy_segment_tally *t);

/**
 * @brief Cross a chunk of customers into the tally.
 *
 * The input is read as by loy_segment_cross() (arrays, breaks, potential
 * threshold, flags); its nps_level, nps_method and small_n are ignored
 * (they are arguments of loy_segment_tally_result()). On error nothing of
 * the chunk is added. n = 0 adds nothing.
 * @param t the tally.
 * @param input arrays and options of the chunk.
 * @param[out] err_index optional: index of the first bad customer.
 * @return LOY_OK; the input errors of loy_segment_cross(); LOY_EINVAL also
 *         when the chunk supplies potential, lifetime values or churn
 *         probabilities where the tally did not (or the reverse);
 *         LOY_EOVERFLOW (more than 2^64 - 1 customers).
 * @since 1.1
 */
LOY_API int loy_segment_tally_add(loy_segment_tally *t,
                                  const loy_segment_input *input,
                                  size_t *err_index);

/**
 * @brief Merge one crossing tally into another: acc += add.
 * @param[in,out] acc accumulating tally.
 * @param add tally of the same shape, or an empty one (may be acc).
 * @return LOY_OK; LOY_EINVAL (NULL, different shapes); LOY_EOVERFLOW.
 * @since 1.1
 */
LOY_API int loy_segment_tally_merge(loy_segment_tally *acc,
                                    const loy_segment_tally *add);

/**
 * @brief The crossing's result from a tally (as loy_segment_cross()).
 * @param[out] result cells and summaries (struct_size set by the caller).
 * @param t the tally.
 * @param nps_method LOY_NPS_WALD, _ADJUSTED_WALD or _SCORE (per-class NPS
 *        intervals).
 * @param nps_level level of those intervals; 0 means 0.95.
 * @param small_n cells with fewer customers are flagged; 0 means 30.
 * @return LOY_OK; LOY_EINVAL (NULL, unknown method, bad struct_size);
 *         LOY_EDOMAIN, LOY_ENONFINITE (level); LOY_EEMPTY (no customer, or
 *         total value 0).
 * @since 1.1
 */
LOY_API int loy_segment_tally_result(loy_segment_result *result,
                                     const loy_segment_tally *t,
                                     uint32_t nps_method, double nps_level,
                                     uint32_t small_n);

/**
 * @brief Serialize a crossing tally into the portable byte form (always
 *        1040 bytes).
 *
 * Two-call pattern: with buf NULL and cap 0, *len_out receives the size
 * and the call returns LOY_OK; a buffer that is too small gives
 * #LOY_EBUFSIZE.
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed.
 * @param t the tally.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_segment_tally_serialize(uint8_t *buf, size_t cap,
                                        size_t *len_out,
                                        const loy_segment_tally *t);

/**
 * @brief Read a crossing tally written by loy_segment_tally_serialize().
 *
 * #LOY_EFORMAT for a malformed header or length, unknown shape bits,
 * counts that do not add up to the customers, sums in cells without
 * customers, potential cells in a tally without potential, or negative or
 * non-finite sums.
 * @param[out] out the new tally (NULL on error).
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL; LOY_EFORMAT; LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_segment_tally_deserialize(loy_segment_tally **out,
                                          const uint8_t *buf, size_t len);

/**
 * @brief Recommended action of a cell.
 *
 * Without potential (cells 0..11) the matrix of MODELS.md 8: A promoter
 * protect/leverage, A passive secure, A detractor rescue; B promoter grow
 * share of wallet, B passive nurture, B detractor recover; C promoter
 * cheap leverage, C passive maintain, C detractor let go; no response:
 * reach out (A, B) or maintain (C). With potential, A cells keep their
 * actions; in the develop level B/C promoters grow share of wallet, B/C
 * passives and C non-respondents develop, C detractors recover; in the
 * harvest level B/C promoters get cheap leverage, B/C passives and
 * non-respondents harvest, B detractors recover, C detractors let go.
 * @param[out] action LOY_ACTION_* code.
 * @param cell cell number, < 12 (without potential) or < 24 (with).
 * @param with_potential 1 if the grid is split by potential, else 0.
 * @return LOY_OK; LOY_EINVAL (action NULL, with_potential not 0/1, cell
 *         out of range).
 * @since 1.0
 */
LOY_API int loy_segment_cell_action(int32_t *action, uint32_t cell,
                                    int32_t with_potential);

/**
 * @brief Name of an action code, e.g. "protect_leverage".
 * @param action any integer.
 * @return a static string; "unknown" for codes not defined here.
 * @since 1.0
 */
LOY_API const char *loy_segment_action_name(int32_t action);

/** @} */ /* ABC x loyalty segmentation */

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_SEGMENT_H */
