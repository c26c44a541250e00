/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/nps.h
 * @brief NPS, CSAT and CES: classification, mergeable tallies, estimates with intervals.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_NPS_H
#define LOYALTY_NPS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup nps NPS, CSAT and CES
 * @brief NPS, CSAT and CES: classification, mergeable tallies, estimates with intervals.
 *
 * Net Promoter Score, Customer Satisfaction (top-2-box) and Customer Effort
 * Score.
 *
 * Scales. NPS is returned on [-1, 1] (promoter share minus detractor
 * share); the familiar "NPS = 40" is 100 x 0.40, for display only (the
 * variance then scales by 10^4, the standard error by 100).
 *
 * Breaks. A questionnaire scale is described by four int32 breaks
 * {lo, det_max, pas_max, hi}: detractor lo..det_max, passive
 * det_max+1..pas_max, promoter pas_max+1..hi. Scores must be whole numbers
 * in [lo, hi]. A NULL breaks pointer means the standard 0-10 scale
 * {0, 6, 8, 10}; a 1-5 scale is {1, 3, 4, 5}, a 1-10 scale {1, 6, 8, 10}.
 * Breaks are consistent when lo <= det_max <= pas_max < hi (the passive
 * class may be empty); otherwise functions return #LOY_EDOMAIN.
 *
 * Invalid scores. By default (strict) the first invalid score stops the
 * call: its index goes to err_index, the code is #LOY_ENONFINITE for NaN or
 * infinity and #LOY_ESCALE for a score outside [lo, hi] or not a whole
 * number, and nothing is counted. With #LOY_NPS_SKIP_INVALID such scores
 * are counted in the tally's `rejected` field instead (never in a class).
 *
 * Aggregation. Tallies hold plain counts: segments, weeks, shards and
 * threads combine by adding counts (loy_nps_tally_merge()), never by
 * averaging NPS values.
 * @{
 */

/** Class code of a detractor. @since 1.0 */
#define LOY_CLASS_DETRACTOR 0
/** Class code of a passive. @since 1.0 */
#define LOY_CLASS_PASSIVE 1
/** Class code of a promoter. @since 1.0 */
#define LOY_CLASS_PROMOTER 2

/** Tally flag: count invalid scores as rejected instead of failing.
 *  @since 1.0 */
#define LOY_NPS_SKIP_INVALID 0x1u

/** Interval method: Wald, NPS -/+ z*SE. @since 1.0 */
#define LOY_NPS_WALD 0u
/** Interval method: adjusted Wald (pseudo-counts added, Rocks 2016).
 *  @since 1.0 */
#define LOY_NPS_ADJUSTED_WALD 1u
/** Interval method: Tango score interval (paired-difference score test
 *  inverted; one-sample only). @since 1.0 */
#define LOY_NPS_SCORE 2u

/** Result flag: a limit was clipped to the valid range. @since 1.0 */
#define LOY_NPS_CLIPPED 0x1u
/** Result flag: n (or the effective n) is below 30. @since 1.0 */
#define LOY_NPS_SMALL_SAMPLE 0x2u
/** Result flag: every response falls in one class (zero variance).
 *  @since 1.0 */
#define LOY_NPS_DEGENERATE 0x4u

/**
 * @brief Counts of one set of responses, in R NPS order (D, A, P).
 *
 * Plain data: zero it with #LOY_NPS_TALLY_INIT and add tallies with
 * loy_nps_tally_merge(). n = detractors + passives + promoters; rejected
 * scores are not part of n.
 * @since 1.0
 */
typedef struct loy_nps_tally {
    size_t struct_size;  /**< sizeof(loy_nps_tally), see the conventions. */
    uint64_t detractors; /**< Number of detractors (D). */
    uint64_t passives;   /**< Number of passives (A). */
    uint64_t promoters;  /**< Number of promoters (P). */
    uint64_t rejected;   /**< Invalid scores skipped (skip mode only). */
} loy_nps_tally;

/** Static initialiser of an empty loy_nps_tally. @since 1.0 */
#define LOY_NPS_TALLY_INIT {sizeof(loy_nps_tally), 0u, 0u, 0u, 0u}

/**
 * @brief Counts and survey-weight sums of a weighted set of responses.
 *
 * Arrays are indexed by class code (#LOY_CLASS_DETRACTOR, ...). Zero it
 * with #LOY_NPS_WTALLY_INIT; combine with loy_nps_wtally_merge().
 * @since 1.0
 */
typedef struct loy_nps_wtally {
    size_t struct_size; /**< sizeof(loy_nps_wtally), see the conventions. */
    uint64_t count[3];  /**< Responses per class. */
    double sum_w[3];    /**< Sum of weights per class. */
    double sum_w2[3];   /**< Sum of squared weights per class. */
    uint64_t rejected;  /**< Rows skipped (invalid score or weight). */
} loy_nps_wtally;

/** Static initialiser of an empty loy_nps_wtally. @since 1.0 */
#define LOY_NPS_WTALLY_INIT {sizeof(loy_nps_wtally), {0u, 0u, 0u}, \
    {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 0u}

/**
 * @brief Options of the interval estimates. NULL means all defaults.
 * @since 1.0
 */
typedef struct loy_nps_options {
    size_t struct_size; /**< sizeof(loy_nps_options), see the conventions. */
    double pseudo[3];   /**< Adjusted-Wald pseudo-counts added to (D, A, P);
                             finite and >= 0; default {0.75, 1.5, 0.75}. */
} loy_nps_options;

/** Static initialiser for loy_nps_options (defaults). @since 1.0 */
#define LOY_NPS_OPTIONS_INIT {sizeof(loy_nps_options), {0.75, 1.5, 0.75}}

/**
 * @brief NPS estimate and confidence interval of one sample.
 * @since 1.0
 */
typedef struct loy_nps_result {
    size_t struct_size; /**< sizeof(loy_nps_result), set by the caller. */
    uint64_t n;         /**< Responses D + A + P. */
    double nps;         /**< (P - D)/n on [-1, 1]. */
    double variance;    /**< Per-response variance p + d - (p - d)^2. */
    double se;          /**< Standard error sqrt(variance/n). */
    double level;       /**< Confidence level of the interval. */
    double z;           /**< Critical value Phi^-1((1 + level)/2). */
    double centre;      /**< Interval centre: nps (Wald, score) or the
                             adjusted NPS' = (P+kP - D-kD)/(n+kD+kA+kP). */
    double interval_se; /**< SE behind the interval: se (Wald, score) or
                             the adjusted SE' (adjusted Wald). */
    double lower;       /**< Lower limit, clipped to [-1, 1]. */
    double upper;       /**< Upper limit, clipped to [-1, 1]. */
    uint32_t method;    /**< LOY_NPS_WALD, _ADJUSTED_WALD or _SCORE. */
    uint32_t flags;     /**< LOY_NPS_CLIPPED, _SMALL_SAMPLE, _DEGENERATE. */
} loy_nps_result;

/**
 * @brief Difference of the NPS of two independent samples.
 * @since 1.0
 */
typedef struct loy_nps_diff {
    size_t struct_size; /**< sizeof(loy_nps_diff), set by the caller. */
    double diff;        /**< Signed difference NPS_a - NPS_b (adjusted
                             NPS' values for the adjusted Wald). */
    double se;          /**< sqrt(V_a/n_a + V_b/n_b). */
    double z_stat;      /**< diff/se, test of equal NPS. */
    double p_value;     /**< Two-sided p-value 2(1 - Phi(|z_stat|)). */
    double level;       /**< Confidence level of the interval. */
    double lower;       /**< diff - z*se, clipped to [-2, 2]. */
    double upper;       /**< diff + z*se, clipped to [-2, 2]. */
    uint32_t method;    /**< LOY_NPS_WALD or LOY_NPS_ADJUSTED_WALD. */
    uint32_t flags;     /**< LOY_NPS_CLIPPED, _SMALL_SAMPLE (either sample),
                             _DEGENERATE (se = 0). */
} loy_nps_diff;

/**
 * @brief Weighted NPS with Kish and linearised standard errors.
 * @since 1.0
 */
typedef struct loy_nps_wresult {
    size_t struct_size; /**< sizeof(loy_nps_wresult), set by the caller. */
    uint64_t n;         /**< Responses (rows) counted. */
    double sum_w;       /**< Total weight. */
    double nps;         /**< sum(w x)/sum(w), x in {-1, 0, +1}. */
    double n_eff;       /**< Kish effective size (sum w)^2 / sum(w^2). */
    double deff;        /**< Design effect n/n_eff = 1 + CV^2(w). */
    double se_kish;     /**< sqrt((p_w + d_w - nps^2)/n_eff). */
    double se_lin;      /**< Linearised SE, as survey::svymean reports:
                             sqrt(n/(n-1) sum w^2 (x - nps)^2)/sum(w);
                             0 when n = 1. */
    double level;       /**< Confidence level of the interval. */
    double lower;       /**< nps - z*se_lin, clipped to [-1, 1]. */
    double upper;       /**< nps + z*se_lin, clipped to [-1, 1]. */
    uint32_t flags;     /**< LOY_NPS_CLIPPED, _SMALL_SAMPLE (n_eff < 30),
                             _DEGENERATE. */
} loy_nps_wresult;

/**
 * @brief Classify one score.
 * @param[out] class_out #LOY_CLASS_DETRACTOR, #LOY_CLASS_PASSIVE or
 *        #LOY_CLASS_PROMOTER.
 * @param score the score.
 * @param breaks 4 breaks {lo, det_max, pas_max, hi}, or NULL for 0-10.
 * @return LOY_OK; LOY_EINVAL if class_out is NULL; LOY_EDOMAIN for
 *         inconsistent breaks; LOY_ESCALE if score is outside [lo, hi].
 * @since 1.0
 */
LOY_API int loy_nps_classify(int32_t *class_out, int32_t score,
                             const int32_t *breaks);

/**
 * @brief Check a set of breaks.
 * @param breaks 4 breaks {lo, det_max, pas_max, hi}, or NULL for 0-10.
 * @return LOY_OK if lo <= det_max <= pas_max < hi (NULL is valid);
 *         LOY_EDOMAIN otherwise.
 * @since 1.0
 */
LOY_API int loy_nps_breaks_check(const int32_t *breaks);

/**
 * @brief Tally uint8_t scores.
 *
 * Counts with SIMD threshold comparisons (one streaming pass); in strict
 * mode a second pass runs only when an invalid score exists, to find it.
 * @param[out] out tally, overwritten (struct_size set by the caller);
 *        untouched on error.
 * @param scores n scores.
 * @param n number of scores (0 gives an empty tally).
 * @param breaks 4 breaks or NULL for 0-10.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid score.
 * @return LOY_OK; LOY_EINVAL (NULL pointer, unknown flag, bad
 *         struct_size); LOY_EDOMAIN (breaks); LOY_ESCALE (strict mode).
 * @since 1.0
 */
LOY_API int loy_nps_tally_u8(loy_nps_tally *out, const uint8_t *scores,
                             size_t n, const int32_t *breaks, uint32_t flags,
                             size_t *err_index);

/**
 * @brief Tally int32_t scores. Same contract as loy_nps_tally_u8().
 * @param[out] out tally, overwritten; untouched on error.
 * @param scores n scores.
 * @param n number of scores.
 * @param breaks 4 breaks or NULL for 0-10.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid score.
 * @return as loy_nps_tally_u8().
 * @since 1.0
 */
LOY_API int loy_nps_tally_i32(loy_nps_tally *out, const int32_t *scores,
                              size_t n, const int32_t *breaks,
                              uint32_t flags, size_t *err_index);

/**
 * @brief Tally double scores, which must be whole numbers.
 *
 * NaN and infinities are invalid (#LOY_ENONFINITE in strict mode); 7.5 or
 * a value outside [lo, hi] is #LOY_ESCALE. Otherwise as loy_nps_tally_u8().
 * @param[out] out tally, overwritten; untouched on error.
 * @param scores n scores.
 * @param n number of scores.
 * @param breaks 4 breaks or NULL for 0-10.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid score.
 * @return as loy_nps_tally_u8(), plus LOY_ENONFINITE.
 * @since 1.0
 */
LOY_API int loy_nps_tally_f64(loy_nps_tally *out, const double *scores,
                              size_t n, const int32_t *breaks,
                              uint32_t flags, size_t *err_index);

/**
 * @brief Tally a histogram: hist[k] responses gave the score lo + k.
 *
 * Classification uses the score value lo + k, never the index k.
 * @param[out] out tally, overwritten; untouched on error.
 * @param hist n_bins counts.
 * @param n_bins must equal hi - lo + 1 (11 on the 0-10 scale).
 * @param breaks 4 breaks or NULL for 0-10.
 * @return LOY_OK; LOY_EINVAL (NULL, n_bins mismatch); LOY_EDOMAIN
 *         (breaks or a count total overflowing uint64).
 * @since 1.0
 */
LOY_API int loy_nps_tally_hist(loy_nps_tally *out, const uint64_t *hist,
                               size_t n_bins, const int32_t *breaks);

/**
 * @brief Add one tally into another: acc += add (all four counts).
 * @param[in,out] acc accumulating tally.
 * @param add tally to add (may be acc itself).
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size); LOY_EDOMAIN if a
 *         count would overflow (acc is then untouched).
 * @since 1.0
 */
LOY_API int loy_nps_tally_merge(loy_nps_tally *acc, const loy_nps_tally *add);

/**
 * @brief Tally uint8_t scores into groups in one pass.
 *
 * Layout (ABI-stable, no struct stride): counts is a caller array of
 * 4 * n_groups uint64_t; group g occupies counts[4g .. 4g+3] =
 * {detractors, passives, promoters, rejected}, the field order of
 * loy_nps_tally. The array is overwritten (zeroed first); on error it is
 * left all zero (untouched only when counts is NULL or n_groups invalid).
 * @param[out] counts 4 * n_groups counts.
 * @param n_groups number of groups, >= 1.
 * @param scores n scores.
 * @param groups n group indices, each < n_groups.
 * @param n number of scores.
 * @param breaks 4 breaks or NULL for 0-10.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first bad score or group.
 * @return LOY_OK; LOY_EINVAL (NULL, unknown flag, n_groups = 0 or too
 *         large, or a group index >= n_groups, with its position);
 *         LOY_EDOMAIN (breaks); LOY_ESCALE (strict mode).
 * @since 1.0
 */
LOY_API int loy_nps_tally_grouped_u8(uint64_t *counts, size_t n_groups,
                                     const uint8_t *scores,
                                     const uint32_t *groups, size_t n,
                                     const int32_t *breaks, uint32_t flags,
                                     size_t *err_index);

/**
 * @brief Weighted tally of double scores with survey weights.
 *
 * Weights must be finite and >= 0 (a zero weight counts the response but
 * adds no weight). In strict mode a NaN/infinite weight is #LOY_ENONFINITE
 * and a negative one #LOY_ESCALE; with #LOY_NPS_SKIP_INVALID such rows are
 * rejected like invalid scores. Sums use compensated addition.
 * @param[out] out weighted tally, overwritten; untouched on error.
 * @param scores n whole-number scores.
 * @param weights n weights.
 * @param n number of rows.
 * @param breaks 4 breaks or NULL for 0-10.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid row.
 * @return LOY_OK; LOY_EINVAL; LOY_EDOMAIN (breaks); LOY_ESCALE;
 *         LOY_ENONFINITE; LOY_EOVERFLOW (since 1.1: a class's sum of
 *         weights or of squared weights beyond the largest double; 1.0
 *         returned LOY_EDOMAIN).
 * @since 1.0
 */
LOY_API int loy_nps_wtally_f64(loy_nps_wtally *out, const double *scores,
                               const double *weights, size_t n,
                               const int32_t *breaks, uint32_t flags,
                               size_t *err_index);

/**
 * @brief Add one weighted tally into another.
 * @param[in,out] acc accumulating tally; untouched on error.
 * @param add tally to add.
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size); LOY_EDOMAIN on
 *         count overflow, or (since 1.1) an infinite or negative sum in
 *         either tally; LOY_ENONFINITE (since 1.1: a NaN sum);
 *         LOY_EOVERFLOW (since 1.1: a merged sum beyond the largest
 *         double).
 * @since 1.0
 */
LOY_API int loy_nps_wtally_merge(loy_nps_wtally *acc,
                                 const loy_nps_wtally *add);

/**
 * @brief Serialize a tally into the library's portable byte form.
 *
 * The bytes (a 16-byte header naming the object kind and format version,
 * then the four counts, little-endian) are what shards, threads and
 * database aggregates exchange; they do not depend on the machine.
 * Two-call pattern: with buf NULL and cap 0, *len_out receives the size
 * needed and the call returns LOY_OK; a buffer that is too small gives
 * #LOY_EBUFSIZE with the size needed in *len_out. The size of a tally is
 * always 48 bytes.
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed (written on LOY_OK and #LOY_EBUFSIZE).
 * @param tally the tally.
 * @return LOY_OK; LOY_EINVAL (len_out or tally NULL, bad struct_size);
 *         LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_nps_tally_serialize(uint8_t *buf, size_t cap,
                                    size_t *len_out,
                                    const loy_nps_tally *tally);

/**
 * @brief Read a tally written by loy_nps_tally_serialize().
 *
 * Nothing in the bytes is trusted: a wrong magic, kind or version, a
 * length that differs from the header's, or counts whose total overflows
 * give #LOY_EFORMAT.
 * @param[out] out the tally (struct_size set by the caller); untouched on
 *        error.
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size); LOY_EFORMAT.
 * @since 1.1
 */
LOY_API int loy_nps_tally_deserialize(loy_nps_tally *out, const uint8_t *buf,
                                      size_t len);

/**
 * @brief Serialize a weighted tally (counts, weight sums as IEEE-754
 *        binary64 bit patterns) into the portable byte form.
 *
 * Two-call pattern as loy_nps_tally_serialize(); always 96 bytes.
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed.
 * @param tally the weighted tally.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_nps_wtally_serialize(uint8_t *buf, size_t cap,
                                     size_t *len_out,
                                     const loy_nps_wtally *tally);

/**
 * @brief Read a weighted tally written by loy_nps_wtally_serialize().
 *
 * #LOY_EFORMAT also for a NaN, infinite or negative sum, a non-zero sum in
 * a class without responses, or counts whose total overflows.
 * @param[out] out the weighted tally (struct_size set by the caller);
 *        untouched on error.
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL; LOY_EFORMAT.
 * @since 1.1
 */
LOY_API int loy_nps_wtally_deserialize(loy_nps_wtally *out,
                                       const uint8_t *buf, size_t len);

/**
 * @brief Initialise interval options to the defaults.
 * @param[out] opts options; struct_size set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_nps_options_init(loy_nps_options *opts);

/**
 * @brief NPS, variance, standard error and confidence interval of a tally.
 *
 * Wald: nps -/+ z*se. When every response is in one class the variance is
 * 0 and the Wald interval collapses to the point nps (flag
 * #LOY_NPS_DEGENERATE, still LOY_OK); the adjusted-Wald and score intervals
 * do not collapse. Adjusted Wald: pseudo-counts (kD, kA, kP) are added and
 * the Wald formula is applied to the adjusted counts, centred on the
 * adjusted NPS'. Score (Tango): the limits solve T(delta) = -/+z, by
 * bisection to 1e-12. Limits are clipped to [-1, 1] (#LOY_NPS_CLIPPED);
 * `centre` keeps the unclipped centre.
 * @param[out] out result (struct_size set by the caller).
 * @param tally counts; rejected scores are ignored.
 * @param method LOY_NPS_WALD, LOY_NPS_ADJUSTED_WALD or LOY_NPS_SCORE.
 * @param level confidence level in (0, 1), e.g. 0.95.
 * @param opts options or NULL (pseudo-counts used by the adjusted Wald).
 * @return LOY_OK; LOY_EINVAL (NULL, unknown method, bad struct_size);
 *         LOY_EEMPTY (n = 0); LOY_EDOMAIN (level, negative pseudo-counts);
 *         LOY_ENONFINITE (NaN level or pseudo-count).
 * @since 1.0
 */
LOY_API int loy_nps_estimate(loy_nps_result *out, const loy_nps_tally *tally,
                             uint32_t method, double level,
                             const loy_nps_options *opts);

/**
 * @brief Compare the NPS of two independent samples (a minus b).
 *
 * Wald or adjusted Wald (pseudo-counts added to each sample). When the
 * standard error is 0 (both samples degenerate) the test is undefined:
 * the call returns #LOY_EDEGENERATE with diff and se = 0 filled in and
 * z_stat, p_value, lower, upper set to NaN.
 * @param[out] out result (struct_size set by the caller).
 * @param a first sample.
 * @param b second sample.
 * @param method LOY_NPS_WALD or LOY_NPS_ADJUSTED_WALD.
 * @param level confidence level in (0, 1).
 * @param opts options or NULL.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (either n = 0); LOY_EDOMAIN;
 *         LOY_ENONFINITE; LOY_EDEGENERATE.
 * @since 1.0
 */
LOY_API int loy_nps_compare(loy_nps_diff *out, const loy_nps_tally *a,
                            const loy_nps_tally *b, uint32_t method,
                            double level, const loy_nps_options *opts);

/**
 * @brief Weighted NPS, Kish effective size, design effect, Kish and
 *        linearised standard errors, and a Wald interval on se_lin.
 * @param[out] out result (struct_size set by the caller).
 * @param tally weighted tally.
 * @param level confidence level in (0, 1).
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (n = 0 or total weight 0);
 *         LOY_EDOMAIN (level, or negative or non-finite sums);
 *         LOY_ENONFINITE (NaN level); since 1.1 LOY_EOVERFLOW (the
 *         class sums of weights or of squared weights add up past the
 *         largest double; 1.0 refused total weights above about 1.3e154
 *         with LOY_EDOMAIN) and
 *         LOY_EINCONSISTENT (sums no set of weights can have: Kish's
 *         n_eff outside [1, n]).
 * @since 1.0
 */
LOY_API int loy_nps_westimate(loy_nps_wresult *out,
                              const loy_nps_wtally *tally, double level);

/**
 * @brief Responses needed for a confidence-interval half-width.
 *
 * n = ceil(z^2 sigma^2 / margin^2) with sigma^2 = p + d - (p - d)^2 for
 * expected promoter share p and detractor share d. The worst case,
 * sigma^2 = 1, is p = d = 0.5.
 * @param[out] n_out required number of responses (at least 1).
 * @param margin half-width on the [-1, 1] scale (0.05 = 5 points), > 0.
 * @param level confidence level in (0, 1).
 * @param promoters expected promoter share in [0, 1].
 * @param detractors expected detractor share in [0, 1], p + d <= 1.
 * @return LOY_OK; LOY_EINVAL; LOY_ENONFINITE; LOY_EDOMAIN (margin <= 0,
 *         level, shares, or an n beyond 2^53).
 * @since 1.0
 */
LOY_API int loy_nps_sample_size(uint64_t *n_out, double margin, double level,
                                double promoters, double detractors);

/**
 * @brief Margin of error (Wald half-width) z*sigma/sqrt(n).
 * @param[out] out half-width on the [-1, 1] scale.
 * @param n number of responses, >= 1.
 * @param level confidence level in (0, 1).
 * @param promoters expected promoter share in [0, 1].
 * @param detractors expected detractor share, p + d <= 1.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (n = 0); LOY_ENONFINITE;
 *         LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_nps_margin(double *out, uint64_t n, double level,
                           double promoters, double detractors);

/**
 * @brief CSAT (top-box share) with a Wilson interval.
 * @since 1.0
 */
typedef struct loy_csat_result {
    size_t struct_size; /**< sizeof(loy_csat_result), set by the caller. */
    uint64_t n;         /**< Valid responses. */
    uint64_t top;       /**< Responses >= top_min. */
    uint64_t rejected;  /**< Invalid responses skipped (skip mode). */
    double csat;        /**< top/n in [0, 1] (x100 for display). */
    double se;          /**< sqrt(csat(1 - csat)/n). */
    double level;       /**< Confidence level. */
    double lower;       /**< Wilson lower limit. */
    double upper;       /**< Wilson upper limit. */
    uint32_t flags;     /**< LOY_NPS_SMALL_SAMPLE (n < 30). */
} loy_csat_result;

/**
 * @brief CES: mean rating and agree/disagree shares.
 * @since 1.0
 */
typedef struct loy_ces_result {
    size_t struct_size; /**< sizeof(loy_ces_result), set by the caller. */
    uint64_t n;         /**< Valid responses. */
    uint64_t rejected;  /**< Invalid responses skipped (skip mode). */
    double mean;        /**< Mean rating. */
    double sd;          /**< Sample standard deviation (n - 1); 0 if n=1. */
    double se;          /**< sd/sqrt(n). */
    double level;       /**< Confidence level. */
    double lower;       /**< mean - z*se. */
    double upper;       /**< mean + z*se. */
    double agree;       /**< Share at or above agree_min (5..7 on 1-7). */
    double disagree;    /**< Share at or below disagree_max (1..3). */
    uint32_t flags;     /**< LOY_NPS_SMALL_SAMPLE (n < 30). */
} loy_ces_result;

/**
 * @brief CSAT from a histogram: counts[k] responses gave the score lo + k.
 *
 * The scale is {lo, top_min, hi}; NULL means {1, 4, 5} (top-2-box on 1-5).
 * The scale must satisfy lo < top_min <= hi, else #LOY_EDOMAIN.
 * @param[out] out result (struct_size set by the caller).
 * @param counts n_bins counts.
 * @param n_bins must equal hi - lo + 1.
 * @param scale 3 values {lo, top_min, hi} or NULL.
 * @param level confidence level in (0, 1).
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY; LOY_EDOMAIN; LOY_ENONFINITE.
 * @since 1.0
 */
LOY_API int loy_csat_from_counts(loy_csat_result *out, const uint64_t *counts,
                                 size_t n_bins, const int32_t *scale,
                                 double level);

/**
 * @brief CSAT from int32_t responses (strict or skip mode as for NPS).
 * @param[out] out result (struct_size set by the caller).
 * @param scores n responses.
 * @param n number of responses.
 * @param scale 3 values {lo, top_min, hi} or NULL for {1, 4, 5}.
 * @param level confidence level in (0, 1).
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid response.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY (no valid response);
 *         LOY_EDOMAIN; LOY_ENONFINITE; LOY_ESCALE.
 * @since 1.0
 */
LOY_API int loy_csat_i32(loy_csat_result *out, const int32_t *scores,
                         size_t n, const int32_t *scale, double level,
                         uint32_t flags, size_t *err_index);

/**
 * @brief CES from a histogram: counts[k] responses gave the score lo + k.
 *
 * The scale is {lo, disagree_max, agree_min, hi}; NULL means {1, 3, 5, 7}
 * (CES 2.0: 7 = strongly agree that it was easy). It must satisfy
 * lo <= disagree_max < agree_min <= hi, else #LOY_EDOMAIN. Never pool
 * CES 1.0 (1-5, high = more effort) with CES 2.0 responses.
 * @param[out] out result (struct_size set by the caller).
 * @param counts n_bins counts.
 * @param n_bins must equal hi - lo + 1.
 * @param scale 4 values or NULL.
 * @param level confidence level in (0, 1) for the mean's interval.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY; LOY_EDOMAIN; LOY_ENONFINITE.
 * @since 1.0
 */
LOY_API int loy_ces_from_counts(loy_ces_result *out, const uint64_t *counts,
                                size_t n_bins, const int32_t *scale,
                                double level);

/**
 * @brief CES from int32_t responses (strict or skip mode as for NPS).
 * @param[out] out result (struct_size set by the caller).
 * @param scores n responses.
 * @param n number of responses.
 * @param scale 4 values {lo, disagree_max, agree_min, hi} or NULL.
 * @param level confidence level in (0, 1).
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid response.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY; LOY_EDOMAIN; LOY_ENONFINITE;
 *         LOY_ESCALE.
 * @since 1.0
 */
LOY_API int loy_ces_i32(loy_ces_result *out, const int32_t *scores, size_t n,
                        const int32_t *scale, double level, uint32_t flags,
                        size_t *err_index);

/**
 * @brief Largest number of scores (hi - lo + 1) of a score tally.
 * @since 1.1
 */
#define LOY_SCORE_TALLY_MAX_BINS 1024

/**
 * @brief Opaque, mergeable histogram of whole-number ratings on a fixed
 *        scale [lo, hi]: the state behind CSAT and CES (and, through
 *        loy_nps_tally_hist(), NPS) when answers arrive in pieces.
 *
 * Add ratings in any chunks, merge tallies of the same scale, serialize
 * them, and read the counts back for loy_csat_from_counts(),
 * loy_ces_from_counts() or loy_nps_tally_hist(). Invalid ratings follow the
 * NPS rules: strict by default, counted as rejected with
 * #LOY_NPS_SKIP_INVALID.
 * @since 1.1
 */
typedef struct loy_score_tally loy_score_tally;

/**
 * @brief Create an empty score tally for the scale [lo, hi].
 * @param[out] out the new tally (NULL on error).
 * @param lo lowest score.
 * @param hi highest score; hi - lo + 1 <= #LOY_SCORE_TALLY_MAX_BINS.
 * @return LOY_OK; LOY_EINVAL (out NULL); LOY_EDOMAIN (lo > hi or too many
 *         scores); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_score_tally_new(loy_score_tally **out, int32_t lo,
                                int32_t hi);

/**
 * @brief Free a score tally.
 * @param t the tally or NULL (a no-op).
 * @since 1.1
 */
LOY_API void loy_score_tally_free(loy_score_tally *t);

/**
 * @brief Count int32_t ratings.
 *
 * In strict mode the first score outside [lo, hi] stops the call
 * (#LOY_ESCALE, its index in err_index) and nothing is counted.
 * @param t the tally.
 * @param scores n ratings (may be NULL when n = 0).
 * @param n number of ratings.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid rating.
 * @return LOY_OK; LOY_EINVAL (NULL, unknown flag); LOY_ESCALE;
 *         LOY_EOVERFLOW (the tally would hold more than 2^64 - 1 ratings;
 *         nothing counted).
 * @since 1.1
 */
LOY_API int loy_score_tally_add_i32(loy_score_tally *t, const int32_t *scores,
                                    size_t n, uint32_t flags,
                                    size_t *err_index);

/**
 * @brief Count double ratings, which must be whole numbers.
 *
 * NaN and infinities are #LOY_ENONFINITE, 3.5 or an off-scale value
 * #LOY_ESCALE (strict mode); otherwise as loy_score_tally_add_i32().
 * @param t the tally.
 * @param scores n ratings (may be NULL when n = 0).
 * @param n number of ratings.
 * @param flags 0 (strict) or #LOY_NPS_SKIP_INVALID.
 * @param[out] err_index optional: index of the first invalid rating.
 * @return LOY_OK; LOY_EINVAL; LOY_ESCALE; LOY_ENONFINITE; LOY_EOVERFLOW.
 * @since 1.1
 */
LOY_API int loy_score_tally_add_f64(loy_score_tally *t, const double *scores,
                                    size_t n, uint32_t flags,
                                    size_t *err_index);

/**
 * @brief Add one score tally into another: acc += add.
 * @param[in,out] acc accumulating tally.
 * @param add tally of the same scale (may be acc itself).
 * @return LOY_OK; LOY_EINVAL (NULL, different scales); LOY_EOVERFLOW
 *         (acc untouched).
 * @since 1.1
 */
LOY_API int loy_score_tally_merge(loy_score_tally *acc,
                                  const loy_score_tally *add);

/**
 * @brief The scale of a score tally.
 * @param[out] lo lowest score.
 * @param[out] hi highest score.
 * @param t the tally.
 * @return LOY_OK or LOY_EINVAL (NULL argument).
 * @since 1.1
 */
LOY_API int loy_score_tally_scale(int32_t *lo, int32_t *hi,
                                  const loy_score_tally *t);

/**
 * @brief Copy the counts out: counts[k] ratings gave the score lo + k.
 * @param[out] counts n_bins counts.
 * @param n_bins must equal hi - lo + 1.
 * @param[out] rejected optional: ratings skipped as invalid.
 * @param t the tally.
 * @return LOY_OK or LOY_EINVAL (NULL, wrong n_bins).
 * @since 1.1
 */
LOY_API int loy_score_tally_counts(uint64_t *counts, size_t n_bins,
                                   uint64_t *rejected,
                                   const loy_score_tally *t);

/**
 * @brief Serialize a score tally into the portable byte form
 *        (16 + 16 + 8 (hi - lo + 1) bytes).
 *
 * Two-call pattern as loy_nps_tally_serialize().
 * @param[out] buf destination, or NULL to ask for the size.
 * @param cap capacity of buf in bytes.
 * @param[out] len_out bytes needed.
 * @param t the tally.
 * @return LOY_OK; LOY_EINVAL; LOY_EBUFSIZE.
 * @since 1.1
 */
LOY_API int loy_score_tally_serialize(uint8_t *buf, size_t cap,
                                      size_t *len_out,
                                      const loy_score_tally *t);

/**
 * @brief Read a score tally written by loy_score_tally_serialize().
 * @param[out] out the new tally (NULL on error); free it with
 *        loy_score_tally_free().
 * @param buf the bytes.
 * @param len their number.
 * @return LOY_OK; LOY_EINVAL; LOY_EFORMAT (anything malformed: header,
 *         length, scale, counts whose total overflows); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_score_tally_deserialize(loy_score_tally **out,
                                        const uint8_t *buf, size_t len);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_NPS_H */
