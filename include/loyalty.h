/**
 * @file loyalty.h
 * @brief libloyalty: customer-loyalty analytics with a stable C ABI.
 *
 * This is the one public header of libloyalty. Anything not declared here is
 * not part of the API, whatever the shared object happens to contain.
 *
 * @section conventions API conventions
 *
 * These rules hold for every function in this header; individual comments
 * only mention deviations.
 *
 * - **Names.** Functions are `loy_<module>_<verb>`, types `loy_<name>`,
 *   macros and enumerators `LOY_<NAME>`.
 * - **Status codes.** Every function that can fail returns an `int`:
 *   #LOY_OK (0) on success or a negative `LOY_E*` code. Values are fixed
 *   forever and never reused. loy_strerror() and loy_error_name() name any
 *   value, including unknown ones. Results are never signalled through NaN:
 *   when a function fails, its documented outputs are either left untouched
 *   or, where stated, set to NaN *in addition to* the error code.
 * - **Outputs** come back through pointer parameters, which come first.
 *   Nothing a caller passes in is modified unless documented.
 * - **Arrays** are caller-owned: a pointer plus a `size_t` count. Output
 *   arrays are caller-allocated with a documented length. Where a function
 *   rejects one bad element of an array it reports the element's position
 *   through an optional `size_t *err_index` (pass NULL if not needed); on
 *   success and for errors not tied to an element it is set to #LOY_NO_INDEX.
 * - **Flags** are `uint32_t` bit sets; unknown bits are rejected with
 *   #LOY_EINVAL so that future versions can give them a meaning.
 * - **Types across the ABI** are fixed-width integers, `size_t` for counts,
 *   `double` for values, `int` for status codes and 0/1 truth values.
 *   There is no `bool`, `long`, `time_t`, varargs, callback, enum-typed
 *   parameter or struct passed by value. Enumerations document their values
 *   and are passed as `int` or `uint32_t`.
 * - **Growable structs.** Every public struct begins with
 *   `size_t struct_size`, which the caller sets to `sizeof` the struct it
 *   was compiled with (use the matching `LOY_*_INIT` macro or
 *   `loy_*_init()` function). The library reads and writes only the first
 *   `struct_size` bytes: a caller built against an older, shorter struct
 *   keeps working, and fields added later take their documented defaults.
 *   Fields are only ever appended; a `struct_size` smaller than the first
 *   released size is #LOY_EINVAL. Option structs are always optional: NULL
 *   means "all defaults".
 * - **State.** The library has no global or static mutable state, does no
 *   I/O, never calls `setlocale` and does not depend on the locale. Every
 *   function is reentrant; distinct objects can be used from distinct
 *   threads without locking, and const inputs can be shared by any number
 *   of threads. Opaque handles (where state is needed) are created by
 *   `_new` and released by `_free`, which accepts NULL.
 * - **Scales.** Shares and scores are fractions: NPS is in [-1, 1], CSAT in
 *   [0, 1]. Multiplying by 100 is for display only (variances then scale by
 *   10^4 and standard errors by 100).
 * - **Time.** Rates and model parameters refer to one period of the time
 *   unit the caller chose; the unit is never guessed.
 *
 * @section abi ABI policy
 *
 * The package version (LOY_VERSION_*) follows semantic versioning; the ABI
 * version (#LOY_ABI_VERSION, the SONAME `libloyalty.so.<ABI>`) is separate.
 * A minor release may add functions, enumerators at new values, flag bits
 * and fields at the end of structs; it gets a new symbol-version node. The
 * SONAME changes only when something released is removed or changes its
 * meaning, signature, size or layout.
 */
#ifndef LOYALTY_H_7A41C2
#define LOYALTY_H_7A41C2

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Export macro. Hand-written, not generated: the ABI must not depend on
 * how the library was configured.
 * ------------------------------------------------------------------- */
#ifndef LOY_API
#  if defined(_WIN32) && !defined(LOY_STATIC)
#    ifdef LOY_BUILDING_DLL
#      define LOY_API __declspec(dllexport)
#    else
#      define LOY_API __declspec(dllimport)
#    endif
#  elif defined(__GNUC__) && __GNUC__ >= 4 && !defined(LOY_STATIC)
#    define LOY_API __attribute__((visibility("default")))
#  else
#    define LOY_API
#  endif
#endif

/* ---------------------------------------------------------------------
 * Version. These macros are the single source of truth: CMake parses
 * them. LOY_ABI_VERSION is the SONAME major and moves independently.
 * ------------------------------------------------------------------- */
/** Major version of the package. @since 1.0 */
#define LOY_VERSION_MAJOR 1
/** Minor version of the package. @since 1.0 */
#define LOY_VERSION_MINOR 0
/** Patch version of the package. @since 1.0 */
#define LOY_VERSION_PATCH 0
/** Version as a string. @since 1.0 */
#define LOY_VERSION_STRING "1.0.0"
/** Version as MAJOR*10000 + MINOR*100 + PATCH. @since 1.0 */
#define LOY_VERSION_NUMBER                                                  \
    (LOY_VERSION_MAJOR * 10000 + LOY_VERSION_MINOR * 100 + LOY_VERSION_PATCH)
/** True when the header is at least version a.b.c. @since 1.0 */
#define LOY_VERSION_CHECK(a, b, c)                                          \
    (LOY_VERSION_NUMBER >= ((a) * 10000 + (b) * 100 + (c)))
/** ABI version: the N of the SONAME libloyalty.so.N. @since 1.0 */
#define LOY_ABI_VERSION 1

/**
 * @brief Version number of the loaded library (LOY_VERSION_NUMBER).
 *
 * Compare with #LOY_VERSION_NUMBER to detect a header/library mismatch.
 * @return the version number, e.g. 10000 for 1.0.0.
 * @since 1.0
 */
LOY_API uint32_t loy_version_number(void);

/**
 * @brief Version string of the loaded library, e.g. "1.0.0".
 * @return a static, NUL-terminated string; never NULL.
 * @since 1.0
 */
LOY_API const char *loy_version_string(void);

/**
 * @brief ABI version of the loaded library (the SONAME major).
 *
 * Bindings check this at load time: a different value means the library is
 * incompatible with what they were written for.
 * @return #LOY_ABI_VERSION of the library as built.
 * @since 1.0
 */
LOY_API uint32_t loy_abi_version(void);

/* ---------------------------------------------------------------------
 * Status codes. Explicit values, never reused, never renumbered.
 * ------------------------------------------------------------------- */
/** Success. @since 1.0 */
#define LOY_OK 0
/** Invalid argument: NULL pointer, unknown flag, inconsistent lengths or
 *  options. @since 1.0 */
#define LOY_EINVAL (-1)
/** A value lies outside the allowed scale (e.g. a score of 11 on 0-10, a
 *  non-integer score, a negative amount or count). @since 1.0 */
#define LOY_ESCALE (-2)
/** NaN or infinite input. @since 1.0 */
#define LOY_ENONFINITE (-3)
/** Empty input: n = 0, zero total weight, no customers, zero total
 *  value. @since 1.0 */
#define LOY_EEMPTY (-4)
/** A parameter lies outside its domain (e.g. a level outside (0, 1), a
 *  retention rate with r >= 1 + i, q <= 1 for a population mean).
 *  @since 1.0 */
#define LOY_EDOMAIN (-5)
/** An iterative computation did not converge; outputs hold the best point
 *  found. @since 1.0 */
#define LOY_ENOCONV (-6)
/** Out of memory. @since 1.0 */
#define LOY_ENOMEM (-7)
/** A caller-supplied buffer is too small; the needed size is reported
 *  where the function documents it. @since 1.0 */
#define LOY_EBUFSIZE (-8)
/** Records out of order or duplicated where the function requires sorted
 *  or unique keys. @since 1.0 */
#define LOY_EORDER (-9)
/** The statistic is undefined for this data (e.g. zero variance where a
 *  test statistic needs a positive one). @since 1.0 */
#define LOY_EDEGENERATE (-10)
/** Records are inconsistent with each other (e.g. recency t_x > T, or
 *  t_x > 0 with x = 0). @since 1.0 */
#define LOY_EINCONSISTENT (-11)

/** Value of an `err_index` output when no element is to blame. @since 1.0 */
#define LOY_NO_INDEX ((size_t)-1)

/**
 * @brief Human-readable description of a status code.
 * @param code any integer; unknown values are answered too.
 * @return a static, NUL-terminated English string; never NULL.
 * @since 1.0
 */
LOY_API const char *loy_strerror(int code);

/**
 * @brief Symbolic name of a status code, e.g. "LOY_EINVAL".
 * @param code any integer.
 * @return a static string; "LOY_EUNKNOWN" for values not defined here.
 * @since 1.0
 */
LOY_API const char *loy_error_name(int code);

/* ===== BEGIN MODULE: stats (normal distribution) ===== */
/*
 * The standard normal distribution, computed (not tabulated) for any
 * argument: the CDF from erfc, the quantile by Wichura's algorithm AS241
 * (PPND16). Both are accurate to about 1e-15 relative (1e-12 promised;
 * for the CDF while the result is a normal double, i.e. x > -37.5).
 */

/**
 * @brief Standard normal distribution function Phi(x) = P(Z <= x).
 *
 * Computed as erfc(-x/sqrt(2))/2, so the lower tail keeps full relative
 * accuracy far out (Phi(-30) is about 4.9e-198, not 0).
 * @param[out] out Phi(x), in [0, 1].
 * @param x any finite value.
 * @return LOY_OK; LOY_EINVAL if out is NULL; LOY_ENONFINITE if x is NaN or
 *         infinite.
 * @since 1.0
 */
LOY_API int loy_normal_cdf(double *out, double x);

/**
 * @brief Standard normal quantile Phi^-1(p).
 *
 * Wichura's AS241 (PPND16), relative accuracy about 1e-16. For a two-sided
 * interval at level L use p = (1 + L)/2, e.g. 0.975 gives 1.959963984540054.
 * @param[out] out the x with Phi(x) = p.
 * @param p probability, strictly inside (0, 1).
 * @return LOY_OK; LOY_EINVAL if out is NULL; LOY_ENONFINITE if p is NaN;
 *         LOY_EDOMAIN if p <= 0 or p >= 1.
 * @since 1.0
 */
LOY_API int loy_normal_quantile(double *out, double p);
/* ===== END MODULE: stats ===== */

/* ===== BEGIN MODULE: nps (NPS, CSAT, CES) ===== */
/*
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
 * left all zero.
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
 *         LOY_ENONFINITE.
 * @since 1.0
 */
LOY_API int loy_nps_wtally_f64(loy_nps_wtally *out, const double *scores,
                               const double *weights, size_t n,
                               const int32_t *breaks, uint32_t flags,
                               size_t *err_index);

/**
 * @brief Add one weighted tally into another.
 * @param[in,out] acc accumulating tally.
 * @param add tally to add.
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size); LOY_EDOMAIN on
 *         count overflow (acc untouched).
 * @since 1.0
 */
LOY_API int loy_nps_wtally_merge(loy_nps_wtally *acc,
                                 const loy_nps_wtally *add);

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
 *         LOY_ENONFINITE (NaN level).
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
/* ===== END MODULE: nps ===== */

/* ===== BEGIN MODULE: clv (retention CLV, purchase-log summary) ===== */
/*
 * Retention-based customer lifetime value (deterministic "margin multiple"
 * formulas) and the purchase-log summary (x, t_x, T, monetary per customer)
 * that feeds the lifetime models.
 *
 * All rates refer to ONE period of the caller's time unit: retention r (the
 * probability that a customer active in one period is still active in the
 * next), discount rate i and margin growth g per period. Convert annual
 * rates with loy_clv_rate_rescale(). On any error the `out` value (when the
 * pointer is not NULL) is set to NaN in addition to the status code.
 */

/** Timing convention: the first margin arrives at the END of the first
 *  period and is discounted once: CLV = m r/(1+i-r). @since 1.0 */
#define LOY_CLV_END_OF_PERIOD 0
/** Timing convention: the first margin arrives NOW (t = 0, undiscounted,
 *  certain): CLV = m (1+i)/(1+i-r), exactly m more than end-of-period.
 *  @since 1.0 */
#define LOY_CLV_BEGINNING_OF_PERIOD 1

/** Horizon value meaning "infinite horizon" for loy_clv_multiple() and
 *  loy_clv_value(). @since 1.0 */
#define LOY_CLV_HORIZON_INFINITE 0u

/** Rate kind for loy_clv_rate_rescale(): retention, r' = r^f. @since 1.0 */
#define LOY_CLV_RATE_RETENTION 0
/** Rate kind for loy_clv_rate_rescale(): churn, c' = 1 - (1-c)^f.
 *  @since 1.0 */
#define LOY_CLV_RATE_CHURN 1
/** Rate kind for loy_clv_rate_rescale(): discount (compound interest),
 *  i' = (1+i)^f - 1. @since 1.0 */
#define LOY_CLV_RATE_DISCOUNT 2

/**
 * @brief Margin multiple: value of a customer per unit of per-period margin.
 *
 * The k-th margin received (k = 1, 2, ...) is (1+g)^(k-1) per unit and is
 * received only if the customer is still retained. With q = r/(1+i) and
 * p = r(1+g)/(1+i):
 * - #LOY_CLV_END_OF_PERIOD: margins at t = 1..N, multiple
 *   q (1-p^N)/(1-p); infinite horizon r/(1+i-r(1+g)).
 * - #LOY_CLV_BEGINNING_OF_PERIOD: margins at t = 0..N-1, multiple
 *   (1-p^N)/(1-p); infinite horizon (1+i)/(1+i-r(1+g)).
 *
 * Example: r = 0.8, i = 0.1, g = 0: 2.667 (end) and 3.667 (beginning).
 * @param[out] out the multiple; NaN on error.
 * @param retention r per period, in [0, 1].
 * @param discount i per period, > -1.
 * @param growth margin growth g per period, > -1 (0 for constant margins).
 * @param horizon number of margins N >= 1, or #LOY_CLV_HORIZON_INFINITE.
 * @param timing #LOY_CLV_END_OF_PERIOD or #LOY_CLV_BEGINNING_OF_PERIOD.
 * @return LOY_OK; LOY_EINVAL (out NULL, unknown timing); LOY_ENONFINITE;
 *         LOY_EDOMAIN (a rate outside its range, or an infinite horizon
 *         with r(1+g) >= 1+i, where the sum diverges).
 * @since 1.0
 */
LOY_API int loy_clv_multiple(double *out, double retention, double discount,
                             double growth, uint32_t horizon, int timing);

/**
 * @brief Customer lifetime value net of acquisition cost.
 *
 * out = margin * loy_clv_multiple(retention, discount, growth, horizon,
 * timing) - acquisition_cost. Example (MODELS 9): m = 100, r = 0.8,
 * i = 0.1, end-of-period, infinite horizon, no acquisition cost: 266.67.
 * @param[out] out the value; NaN on error.
 * @param margin margin per period m (any finite sign).
 * @param retention r per period, in [0, 1].
 * @param discount i per period, > -1.
 * @param growth margin growth g per period, > -1.
 * @param horizon number of margins, or #LOY_CLV_HORIZON_INFINITE.
 * @param acquisition_cost AC subtracted once, undiscounted (any finite
 *        value; 0 for the gross value).
 * @param timing #LOY_CLV_END_OF_PERIOD or #LOY_CLV_BEGINNING_OF_PERIOD.
 * @return as loy_clv_multiple().
 * @since 1.0
 */
LOY_API int loy_clv_value(double *out, double margin, double retention,
                          double discount, double growth, uint32_t horizon,
                          double acquisition_cost, int timing);

/**
 * @brief Expected (undiscounted) lifetime 1/(1-r) in periods.
 *
 * Counts the current period: a customer with r = 0 lives one period.
 * @param[out] out the expected number of periods; NaN on error.
 * @param retention r per period, in [0, 1).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE or LOY_EDOMAIN (r outside
 *         [0, 1), including r = 1: infinite lifetime).
 * @since 1.0
 */
LOY_API int loy_clv_expected_lifetime(double *out, double retention);

/**
 * @brief Rescale a rate to a period f times as long.
 *
 * Annual to monthly: f = 1/12; monthly to annual: f = 12. Retention uses a
 * constant hazard (r' = r^f), churn its complement (c' = 1 - (1-c)^f),
 * discount compound interest (i' = (1+i)^f - 1).
 * @param[out] out the rescaled rate; NaN on error.
 * @param rate the rate: retention or churn in [0, 1], discount > -1.
 * @param factor f > 0: new period length / old period length.
 * @param kind #LOY_CLV_RATE_RETENTION, #LOY_CLV_RATE_CHURN or
 *        #LOY_CLV_RATE_DISCOUNT.
 * @return LOY_OK, LOY_EINVAL (NULL, unknown kind), LOY_ENONFINITE or
 *         LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_clv_rate_rescale(double *out, double rate, double factor,
                                 int kind);

/**
 * @brief SaaS shorthand LTV = ARPA * gross_margin / churn.
 *
 * Equals the beginning-of-period multiple with i = 0 and r = 1 - churn.
 * @param[out] out the lifetime value; NaN on error.
 * @param arpa average revenue per account per period, >= 0.
 * @param gross_margin gross margin as a fraction, in [0, 1].
 * @param churn churn per period, in (0, 1].
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE (arpa < 0) or
 *         LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_clv_saas_ltv(double *out, double arpa, double gross_margin,
                             double churn);

/**
 * @brief Viral multiplier: CLV including referrals, CLV/(1-k).
 *
 * Each customer brings k further customers of the same value in
 * expectation (and they bring k each, a geometric series).
 * @param[out] out the total value; NaN on error.
 * @param clv value of one customer (any finite sign).
 * @param referrals k, expected referred customers per customer, in [0, 1).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE or LOY_EDOMAIN (k outside
 *         [0, 1): the series diverges for k >= 1).
 * @since 1.0
 */
LOY_API int loy_clv_viral(double *out, double clv, double referrals);

/*
 * Purchase-log summary (RFM input of the lifetime models), following the
 * lifetimes package (summary_data_from_transaction_data,
 * calibration_and_holdout_data) exactly.
 *
 * TIME. Purchase times are int64_t in a unit of the caller's choice (days
 * since 1970-01-01, seconds since the epoch, ...), all in the same unit,
 * with |time| < 2^62. A period is a half-open interval
 * [origin + k L, origin + (k+1) L) of length L = period_length: the period
 * index of time t is floor((t - origin) / L). Examples:
 * - days since 1970-01-01, daily periods: L = 1, origin = 0;
 * - days, Monday-Sunday weeks (pandas "W" = "W-SUN", the week labelled by
 *   its Sunday): L = 7, origin = -3 (1969-12-29 was a Monday), i.e. week
 *   index floor((days + 3) / 7);
 * - seconds since the epoch (UTC), daily: L = 86400, origin = 0; weekly
 *   Monday-Sunday: L = 604800, origin = -259200. Convert local time to the
 *   caller's calendar before passing it; the library knows no time zones.
 *
 * RULES. Rows whose period is after the period of observation_end are
 * dropped. Rows of one customer in the same period merge into one
 * transaction (values summed). With k distinct periods, first and last
 * period: x = k - 1, t_x = (last - first) / freq_multiplier,
 * T = (period(observation_end) - first) / freq_multiplier, monetary = mean
 * of the merged values excluding the first period (0 when x = 0).
 * Flag #LOY_RFM_INCLUDE_FIRST gives x = k and monetary = mean over all k
 * periods (segmentation only; never feed it to the lifetime models;
 * PyMC-Marketing further reports recency as T - t_x).
 *
 * CALIBRATION SPLIT (#LOY_RFM_CALIBRATION). Rows with raw time
 * <= calibration_end form the calibration log, summarised as above with
 * observation_end = calibration_end (x, t_x, T, monetary are the *_cal
 * values). Rows with calibration_end < time <= observation_end (raw times)
 * form the holdout: x_holdout = number of distinct holdout periods (all of
 * them, first included), monetary_holdout = mean over the RAW holdout rows
 * (not merged; 0 without holdout rows), duration_holdout =
 * (period(observation_end) - period(calibration_end)) / freq_multiplier.
 * Customers without a calibration row are dropped; an empty holdout window
 * is an error (#LOY_EEMPTY).
 *
 * OUTPUT. One row per customer in ascending customer-id order, as columns
 * of double (x and x_holdout hold exact integers) that can be passed to the
 * lifetime models directly. The output does not depend on the order of the
 * input rows except for the rounding of value sums (repeat and holdout
 * sums are compensated, so differences stay in the last bits).
 */

/** Summary flag: split at calibration_end into calibration and holdout.
 *  @since 1.0 */
#define LOY_RFM_CALIBRATION 0x1u
/** Summary flag: count the first purchase in x and monetary (segmentation
 *  variant, see above). @since 1.0 */
#define LOY_RFM_INCLUDE_FIRST 0x2u

/** Column: x, repeat purchases (x_cal with a calibration split). @since 1.0 */
#define LOY_RFM_COL_X 0
/** Column: t_x, recency in freq_multiplier periods. @since 1.0 */
#define LOY_RFM_COL_T_X 1
/** Column: T, age at the end of the (calibration) window. @since 1.0 */
#define LOY_RFM_COL_T 2
/** Column: mean value of the repeat purchases (merged per period).
 *  @since 1.0 */
#define LOY_RFM_COL_MONETARY 3
/** Column: distinct holdout periods with a purchase (calibration split
 *  only). @since 1.0 */
#define LOY_RFM_COL_X_HOLDOUT 4
/** Column: mean value of the raw holdout rows (calibration split only).
 *  @since 1.0 */
#define LOY_RFM_COL_MONETARY_HOLDOUT 5

/**
 * @brief Options of a purchase-log summary. NULL means all defaults.
 * @since 1.0
 */
typedef struct loy_rfm_options {
    size_t struct_size;       /**< sizeof(loy_rfm_options). */
    int64_t period_length;    /**< Period length L in time units, > 0;
                                   default 1. */
    int64_t period_origin;    /**< Time at which period 0 starts; default 0;
                                   |origin| < 2^62. */
    double freq_multiplier;   /**< Divisor of period differences (e.g. 7 to
                                   report daily periods in weeks), finite
                                   and > 0; default 1. */
    int64_t calibration_end;  /**< Last time of the calibration window
                                   (inclusive); used only with
                                   #LOY_RFM_CALIBRATION. */
    uint32_t flags;           /**< LOY_RFM_* flags; default 0. */
} loy_rfm_options;

/** Static initialiser for loy_rfm_options (all defaults). @since 1.0 */
#define LOY_RFM_OPTIONS_INIT {sizeof(loy_rfm_options), 1, 0, 1.0, 0, 0u}

/**
 * @brief Counts describing a finished summary.
 * @since 1.0
 */
typedef struct loy_rfm_info {
    size_t struct_size;         /**< sizeof(loy_rfm_info), set by caller. */
    uint64_t n_customers;       /**< Customers in the output. */
    uint64_t n_rows;            /**< Rows added in total. */
    uint64_t n_rows_dropped;    /**< Rows after the observation end. */
    uint64_t n_rows_holdout;    /**< Rows in the holdout window. */
    uint64_t n_customers_dropped; /**< Customers without a calibration row
                                     (first purchase after calibration_end). */
    double duration_holdout;    /**< Holdout length in freq_multiplier
                                     periods; 0 without a calibration split. */
    int32_t calibration;        /**< 1 with a calibration split, else 0. */
} loy_rfm_info;

/** Opaque summary result (columns per customer). @since 1.0 */
typedef struct loy_rfm_summary loy_rfm_summary;
/** Opaque streaming accumulator of purchase rows. @since 1.0 */
typedef struct loy_rfm_builder loy_rfm_builder;

/**
 * @brief Initialise summary options to the defaults.
 * @param[out] opts options to fill (struct_size set).
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.0
 */
LOY_API int loy_rfm_options_init(loy_rfm_options *opts);

/**
 * @brief Create a streaming accumulator of purchase rows.
 *
 * Memory grows with the customers and the distinct (customer, period)
 * pairs seen (about 8 bytes each, compacted as rows arrive), not with the
 * number of rows, so logs larger than memory can be streamed in chunks.
 * @param[out] out the new builder (NULL on error).
 * @param observation_end last time observed (caller units, inclusive).
 * @param opts options or NULL for defaults.
 * @return LOY_OK; LOY_EINVAL (NULL out, unknown flags, struct_size too
 *         small, observation_end before calibration_end); LOY_ENONFINITE
 *         (freq_multiplier); LOY_EDOMAIN (period_length <= 0,
 *         freq_multiplier <= 0); LOY_ESCALE (a time with |time| >= 2^62
 *         or a holdout longer than 2^32 - 1 periods); LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_rfm_builder_new(loy_rfm_builder **out, int64_t observation_end,
                                const loy_rfm_options *opts);

/**
 * @brief Add a chunk of purchase rows (any order, any chunking).
 *
 * The whole chunk is validated first: on error nothing of it is added and
 * err_index gives the first bad row's position within this chunk.
 * @param b the builder.
 * @param id customer ids (n).
 * @param time purchase times (n), caller units.
 * @param amount purchase values (n), finite and >= 0 (returns are not
 *        purchases: net them out before), or NULL for value-less logs
 *        (monetary columns are then 0).
 * @param n number of rows; 0 adds nothing and returns LOY_OK.
 * @param[out] err_index optional position of the first bad row.
 * @return LOY_OK; LOY_EINVAL (NULL b, id or time with n > 0);
 *         LOY_ENONFINITE (NaN/Inf amount); LOY_ESCALE (negative amount,
 *         |time| >= 2^62, or a kept row more than 2^32 - 1
 *         periods before the end of its window); LOY_ENOMEM (the chunk
 *         may then be partly added: discard the builder).
 * @since 1.0
 */
LOY_API int loy_rfm_builder_add(loy_rfm_builder *b, const uint64_t *id,
                                const int64_t *time, const double *amount,
                                size_t n, size_t *err_index);

/**
 * @brief Summarise the rows added so far.
 *
 * The builder stays valid: more rows may be added and finish called again.
 * @param[out] out the new summary (NULL on error); free it with
 *        loy_rfm_summary_free().
 * @param b the builder.
 * @return LOY_OK; LOY_EINVAL (NULL); LOY_EEMPTY (no customer left, or an
 *         empty holdout window with #LOY_RFM_CALIBRATION); LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_rfm_builder_finish(loy_rfm_summary **out,
                                   loy_rfm_builder *b);

/**
 * @brief Free a builder.
 * @param b the builder or NULL.
 * @since 1.0
 */
LOY_API void loy_rfm_builder_free(loy_rfm_builder *b);

/**
 * @brief Summarise a purchase log held in memory (rows in any order).
 *
 * Same as loy_rfm_builder_new(), one loy_rfm_builder_add() and
 * loy_rfm_builder_finish(), with n = 0 an error.
 * @param[out] out the new summary (NULL on error).
 * @param id customer ids (n).
 * @param time purchase times (n), caller units (see above).
 * @param amount purchase values (n), finite and >= 0, or NULL.
 * @param n number of rows, >= 1.
 * @param observation_end last time observed (inclusive), caller units.
 * @param opts options or NULL for defaults.
 * @param[out] err_index optional position of the first bad row.
 * @return as loy_rfm_builder_new(), loy_rfm_builder_add() and
 *         loy_rfm_builder_finish(); LOY_EEMPTY when n = 0.
 * @since 1.0
 */
LOY_API int loy_rfm_summarize(loy_rfm_summary **out, const uint64_t *id,
                              const int64_t *time, const double *amount,
                              size_t n, int64_t observation_end,
                              const loy_rfm_options *opts, size_t *err_index);

/**
 * @brief Free a summary.
 * @param s the summary or NULL.
 * @since 1.0
 */
LOY_API void loy_rfm_summary_free(loy_rfm_summary *s);

/**
 * @brief Number of customers (rows) of a summary.
 * @param s the summary.
 * @return the count; 0 when s is NULL.
 * @since 1.0
 */
LOY_API size_t loy_rfm_summary_count(const loy_rfm_summary *s);

/**
 * @brief Customer ids, ascending, one per output row.
 * @param[out] out pointer to loy_rfm_summary_count() ids, owned by the
 *        summary and valid until it is freed.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL (NULL argument).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_ids(const uint64_t **out,
                                const loy_rfm_summary *s);

/**
 * @brief One value column of the summary, in output-row order.
 * @param[out] out pointer to loy_rfm_summary_count() values, owned by the
 *        summary and valid until it is freed.
 * @param s the summary.
 * @param column one of the LOY_RFM_COL_* values.
 * @return LOY_OK or LOY_EINVAL (NULL, unknown column, or a holdout column
 *         of a summary without a calibration split).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_column(const double **out,
                                   const loy_rfm_summary *s, int column);

/**
 * @brief Time of each customer's first (calibration) purchase, raw caller
 *        units (not floored to its period).
 * @param[out] out pointer to loy_rfm_summary_count() times, owned by the
 *        summary.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL.
 * @since 1.0
 */
LOY_API int loy_rfm_summary_first_times(const int64_t **out,
                                        const loy_rfm_summary *s);

/**
 * @brief Counts and the holdout duration of a summary.
 * @param[in,out] info struct_size set by the caller; filled up to it.
 * @param s the summary.
 * @return LOY_OK or LOY_EINVAL (NULL, struct_size too small).
 * @since 1.0
 */
LOY_API int loy_rfm_summary_info(loy_rfm_info *info,
                                 const loy_rfm_summary *s);
/* ===== END MODULE: clv ===== */

/* ===== BEGIN MODULE: btyd (lifetime models: shared types) ===== */
/*
 * Shared by every fitted lifetime model (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB,
 * Gamma-Gamma, sBG). Parameters travel as plain `double` arrays in the order
 * each model documents (e.g. BG/NBD: r, alpha, a, b). Customer data are
 * parallel arrays (x, t_x, T) in the caller's time unit, with optional
 * weights (how many customers share a row; NULL means 1 each).
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
/* ===== END MODULE: btyd ===== */

/* ===== BEGIN MODULE: bgnbd (BG/NBD, Gamma-Gamma, CLV per customer) ===== */
/*
 * BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at rate
 * lambda ~ Gamma(shape r, rate alpha) and drops out after each purchase
 * with probability p ~ Beta(a, b). Parameters are
 * `params[4] = {r, alpha, a, b}`; alpha carries the time unit of the data.
 *
 * Customers are parallel arrays in the caller's time unit, with time 0 at
 * each customer's first purchase: x = repeat purchases (a whole number
 * >= 0), t_x = time of the last repeat purchase (0 when x = 0), T = time
 * from the first purchase to the end of observation (> 0). Validation
 * common to every function: NULL pointers -> #LOY_EINVAL, n = 0 ->
 * #LOY_EEMPTY, NaN/Inf -> #LOY_ENONFINITE, negative or non-integer x,
 * negative t_x or weight, T <= 0 -> #LOY_ESCALE, t_x > T or x = 0 with
 * t_x > 0 -> #LOY_EINCONSISTENT, a parameter <= 0 -> #LOY_EDOMAIN;
 * err_index receives the first bad customer (or the parameter's position
 * for errors in params). ln L is the full log density of (x, t_x, T)
 * (nothing dropped; it can be positive), evaluated in the stable log form
 * and finite for x and T in the tens of thousands.
 *
 * Gamma-Gamma (Fader, Hardie & Lee 2005, JMR): transaction values
 * ~ Gamma(p, nu), nu ~ Gamma(q, gamma); `params[3] = {p, q, gamma}`
 * (lifetimes calls gamma "v"). Data: x repeat transactions (>= 1) and
 * m = the mean value of the repeat transactions (> 0, first purchase
 * excluded). The model assumes spend independent of frequency: check
 * loy_ggamma_correlation().
 */

/**
 * @brief BG/NBD sample log-likelihood sum_i w_i ln L_i.
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code (see the section comment).
 * @since 1.0
 */
LOY_API int loy_bgnbd_loglik(double *out, const double params[4],
                             const double *x, const double *t_x,
                             const double *T, const double *weights,
                             size_t n, size_t *err_index);

/**
 * @brief BG/NBD log-likelihood ln L_i of each customer, optionally with
 *        its gradient.
 * @param[out] out n values ln L_i.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] grad NULL, or 4*n values: d ln L_i / d(r, alpha, a, b) of
 *             customer i at grad[4*i .. 4*i+3] (natural parameters).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_loglik_each(double *out, const double params[4],
                                  const double *x, const double *t_x,
                                  const double *T, size_t n, double *grad,
                                  size_t *err_index);

/**
 * @brief Fit the BG/NBD model by maximum likelihood.
 *
 * BFGS on log-parameters with the analytic gradient; identical rows are
 * compressed into weighted patterns when it pays (see loy_fit_options).
 * The default start is r = 1, alpha = mean T / (mean x + 1), a = 1, b = 3.
 * @param[out] params_out estimates {r, alpha, a, b} (the best point also on
 *             #LOY_ENOCONV).
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each;
 *        a zero total is #LOY_EEMPTY.
 * @param n number of rows.
 * @param opts fit options or NULL for defaults.
 * @param[out] report optional convergence report and standard errors.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK, #LOY_ENOCONV (best point returned), #LOY_ENOMEM or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_fit(double params_out[4], const double *x,
                          const double *t_x, const double *T,
                          const double *weights, size_t n,
                          const loy_fit_options *opts,
                          loy_fit_report *report, size_t *err_index);

/**
 * @brief BG/NBD probability that each customer is alive at T (1 when
 *        x = 0).
 * @param[out] out n probabilities in (0, 1].
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_palive(double *out, const double params[4],
                             const double *x, const double *t_x,
                             const double *T, size_t n, size_t *err_index);

/**
 * @brief BG/NBD expected purchases of each customer in (T, T + t]
 *        (conditional expectation, CET).
 *
 * Euler-transformed series whose parameters do not grow with x; exact at
 * the removable singularity a = 1 (no nudging of a).
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, finite and >= 0 (#LOY_EDOMAIN otherwise).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV if a series did not converge (t many
 *         orders of magnitude above alpha + T), or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_expected(double *out, const double params[4],
                               const double *x, const double *t_x,
                               const double *T, size_t n, double t,
                               size_t *err_index);

/**
 * @brief BG/NBD P(alive) and CET(t) of each customer in one pass (the
 *        same values as loy_bgnbd_palive() and loy_bgnbd_expected(),
 *        validated and computed once).
 * @param[out] palive n probabilities.
 * @param[out] cet n expected purchases in (T, T + t].
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, finite and >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_predict(double *palive, double *cet,
                              const double params[4], const double *x,
                              const double *t_x, const double *T, size_t n,
                              double t, size_t *err_index);

/**
 * @brief BG/NBD expected repeat purchases E[X(t)] of a new customer in
 *        (0, t], for each of n horizons.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_expected_new(double *out, const double params[4],
                                   const double *t, size_t n,
                                   size_t *err_index);

/**
 * @brief BG/NBD probability P(X(t) = k) of k repeat purchases in (0, t]
 *        for a new customer, k = 0..n-1.
 * @param[out] out n probabilities (out[k] = P(X(t) = k)).
 * @param params {r, alpha, a, b}.
 * @param t horizon, finite and >= 0.
 * @param n number of counts wanted.
 * @param[out] err_index optional: the bad parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_pmf(double *out, const double params[4], double t,
                          size_t n, size_t *err_index);

/**
 * @brief Continuous discount rate per period from an annual rate:
 *        delta = ln(1 + annual_rate) / periods_per_year.
 *
 * For weekly data periods_per_year is e.g. 52 (or 365.25/7): the caller
 * chooses; nothing is assumed.
 * @param[out] delta the rate per period.
 * @param annual_rate effective annual discount rate, > -1.
 * @param periods_per_year model time units per year, > 0.
 * @return LOY_OK, #LOY_EINVAL, #LOY_ENONFINITE or #LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_bgnbd_discount_rate(double *delta, double annual_rate,
                                    double periods_per_year);

/**
 * @brief BG/NBD customer lifetime value with continuous discounting:
 *        margin_i * integral_0^H e^(-delta t) dCET_i(t).
 *
 * With margin NULL the result is the discounted expected residual
 * transactions (DERT). An infinite horizon is evaluated exactly: given
 * that the customer is alive, the discounted count for a purchase rate
 * lambda and dropout probability p is lambda/(delta + p lambda); its mean
 * over the posterior of lambda has a closed form through the incomplete
 * gamma function, and the mean over p is one tanh-sinh quadrature
 * (relative accuracy about 1e-12, some 80 microseconds per customer).
 * A finite horizon integrates the exact rate dCET/dt by adaptive Simpson
 * (relative accuracy about 1e-10) after the substitution
 * v = 1 - e^(-delta t); a horizon past t = 30/delta is cut there,
 * neglecting less than e^-30 of the integrand.
 * With delta = 0 and a finite horizon the result is margin * CET(H).
 * @param[out] out n values.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param margin value per transaction of each customer (n entries, finite,
 *        >= 0; e.g. profit margin times loy_ggamma_expected_spend()) or
 *        NULL for 1.
 * @param n number of customers.
 * @param delta continuous discount rate per time unit, >= 0 (see
 *        loy_bgnbd_discount_rate()).
 * @param horizon H in time units, > 0; 0 or +inf means infinite (then
 *        delta must be > 0).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_clv(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *T, const double *margin, size_t n,
                          double delta, double horizon, size_t *err_index);

/**
 * @brief BG/NBD customer lifetime value as a monthly discounted cash flow:
 *        sum_{i=1..H} m [CET(i f) - CET((i-1) f)] / (1+d)^i.
 *
 * The lifetimes/PyMC-Marketing convention, with the incremental (not
 * cumulative) CET. f is stated by the caller: there is no hidden 30-day
 * month (weekly data: e.g. f = 365.25/84 = 4.348, or 4.345 as lifetimes).
 * @param[out] out n values.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param margin value per transaction (n entries, finite, >= 0) or NULL
 *        for 1.
 * @param n number of customers.
 * @param months horizon H in months, >= 1.
 * @param monthly_discount d, the discount rate per month, > -1.
 * @param periods_per_month f, model time units per month, > 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_clv_monthly(double *out, const double params[4],
                                  const double *x, const double *t_x,
                                  const double *T, const double *margin,
                                  size_t n, uint32_t months,
                                  double monthly_discount,
                                  double periods_per_month,
                                  size_t *err_index);

/**
 * @brief Gamma-Gamma sample log-likelihood sum_i w_i ln f(m_i | x_i).
 * @param[out] out the log-likelihood (full density of the mean m).
 * @param params {p, q, gamma}, all > 0.
 * @param x repeat transactions (n entries, whole numbers >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param weights customers per row (>= 0) or NULL.
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code (x < 1 or m <= 0 is #LOY_ESCALE).
 * @since 1.0
 */
LOY_API int loy_ggamma_loglik(double *out, const double params[3],
                              const double *x, const double *m,
                              const double *weights, size_t n,
                              size_t *err_index);

/**
 * @brief Fit the Gamma-Gamma spend model by maximum likelihood.
 *
 * Pass only customers with x >= 1 (others are #LOY_ESCALE with their
 * index). Default start p = 1, q = 2, gamma = mean m. A fitted q <= 1 means
 * an infinite population mean: loy_ggamma_population_mean() reports it.
 * @param[out] params_out estimates {p, q, gamma}.
 * @param x repeat transactions (n entries, >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param weights customers per row (>= 0) or NULL.
 * @param n number of customers.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @param[out] err_index optional: first bad customer.
 * @return LOY_OK, #LOY_ENOCONV (best point returned) or an input error.
 * @since 1.0
 */
LOY_API int loy_ggamma_fit(double params_out[3], const double *x,
                           const double *m, const double *weights, size_t n,
                           const loy_fit_options *opts,
                           loy_fit_report *report, size_t *err_index);

/**
 * @brief Gamma-Gamma conditional expected value per transaction,
 *        p (gamma + x m)/(p x + q - 1).
 *
 * A weighted mean of the population mean and the customer's own mean m.
 * Customers with x = 0 (m ignored but must be finite) get the population
 * mean.
 * @param[out] out n expected values.
 * @param params {p, q, gamma}.
 * @param x repeat transactions (n entries, whole numbers >= 0).
 * @param m mean repeat-transaction value (n entries, > 0 where x >= 1).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_EDOMAIN when p x + q <= 1 (q <= 1 for x = 0), or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_ggamma_expected_spend(double *out, const double params[3],
                                      const double *x, const double *m,
                                      size_t n, size_t *err_index);

/**
 * @brief Gamma-Gamma population mean spend per transaction p gamma/(q-1).
 * @param[out] out the mean.
 * @param params {p, q, gamma}.
 * @return LOY_OK, #LOY_EDOMAIN if q <= 1 (infinite mean) or a parameter is
 *         not > 0, #LOY_ENONFINITE, #LOY_EINVAL.
 * @since 1.0
 */
LOY_API int loy_ggamma_population_mean(double *out, const double params[3]);

/**
 * @brief Pearson correlation between x and m over customers with x >= 1,
 *        to check the independence assumption of Gamma-Gamma (it should
 *        be near 0).
 * @param[out] out the correlation in [-1, 1].
 * @param x repeat transactions (n entries, >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer.
 * @return LOY_OK, #LOY_EDEGENERATE if n < 2 or either variable is
 *         constant, or an input error.
 * @since 1.0
 */
LOY_API int loy_ggamma_correlation(double *out, const double *x,
                                   const double *m, size_t n,
                                   size_t *err_index);
/* ===== END MODULE: bgnbd ===== */

/* ===== BEGIN MODULE: pnbd (Pareto/NBD, MBG/NBD) ===== */
/*
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at rate
 * lambda ~ Gamma(shape r, rate alpha) while alive, lifetime exponential
 * with rate mu ~ Gamma(shape s, rate beta). Parameters are
 * `params[4] = {r, alpha, s, beta}`; alpha and beta carry the time unit of
 * the data. MBG/NBD (Batislam, Denizel & Filiztekin 2007): lambda as above,
 * and the customer drops out at time 0 and after each purchase with
 * probability p ~ Beta(a, b); `params[4] = {r, alpha, a, b}`.
 *
 * Customers are parallel arrays: x = number of repeat purchases (a whole
 * number >= 0), t_x = time of the last one (0 when x = 0), T = time since
 * the first purchase (> 0), with 0 <= t_x <= T, all in the same time unit.
 * Validation common to every function: NULL pointers -> #LOY_EINVAL,
 * n = 0 -> #LOY_EEMPTY, non-finite values -> #LOY_ENONFINITE (err_index =
 * the customer, or the parameter's position for params), negative or
 * non-integer x, negative t_x or weight, T <= 0 -> #LOY_ESCALE, t_x > T or
 * x = 0 with t_x > 0 -> #LOY_EINCONSISTENT, a parameter <= 0 ->
 * #LOY_EDOMAIN. ln L is the full log density of (x, t_x, T) (no constant
 * dropped; it can be positive).
 */

/**
 * @brief Pareto/NBD sample log-likelihood sum_i w_i ln L_i.
 *
 * Evaluated in a numerically stable log form (Euler-transformed
 * hypergeometric series), finite also for heavy buyers (x in the
 * thousands) and exact in the alpha = beta and t_x = T cases.
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, s, beta}, all > 0.
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code (see the section comment);
 *         #LOY_ENOCONV if a series did not converge (err_index = row).
 * @since 1.0
 */
LOY_API int loy_pnbd_loglik(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *T, const double *weights,
                            size_t n, size_t *err_index);

/**
 * @brief Pareto/NBD log-likelihood ln L_i of each customer, optionally with
 *        its gradient.
 * @param[out] out n values ln L_i.
 * @param params {r, alpha, s, beta}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] grad NULL, or 4*n values: d ln L_i / d(r, alpha, s, beta) of
 *             customer i at grad[4*i .. 4*i+3] (natural parameters).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_loglik_each(double *out, const double params[4],
                                 const double *x, const double *t_x,
                                 const double *T, size_t n, double *grad,
                                 size_t *err_index);

/**
 * @brief Fit the Pareto/NBD model by maximum likelihood.
 *
 * BFGS on log-parameters with the analytic gradient; identical rows are
 * compressed into weighted patterns when it pays (see loy_fit_options).
 * The likelihood surface is often flat in (s, beta): compare fits by
 * log-likelihood and predictions rather than by parameters alone. The
 * default start is r = s = 0.5, beta = mean T and alpha from the mean
 * purchase rate.
 * @param[out] params_out estimates {r, alpha, s, beta} (best point also on
 *             #LOY_ENOCONV).
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each;
 *        a zero total is #LOY_EEMPTY.
 * @param n number of rows.
 * @param opts fit options or NULL for defaults.
 * @param[out] report optional convergence report and standard errors.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK, #LOY_ENOCONV (best point returned), or an input error.
 * @since 1.0
 */
LOY_API int loy_pnbd_fit(double params_out[4], const double *x,
                         const double *t_x, const double *T,
                         const double *weights, size_t n,
                         const loy_fit_options *opts,
                         loy_fit_report *report, size_t *err_index);

/**
 * @brief Pareto/NBD probability that each customer is alive at T.
 * @param[out] out n probabilities in [0, 1].
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_palive(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *T, size_t n, size_t *err_index);

/**
 * @brief Pareto/NBD probability of being alive at T + t:
 *        P(alive) * ((beta+T)/(beta+T+t))^s.
 * @param[out] out n probabilities.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon after T, >= 0 (#LOY_EDOMAIN otherwise).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_palive_at(double *out, const double params[4],
                               const double *x, const double *t_x,
                               const double *T, size_t n, double t,
                               size_t *err_index);

/**
 * @brief Pareto/NBD expected purchases of each customer in (T, T + t]
 *        (conditional expectation, CET).
 *
 * Valid for every s > 0, including the removable singularity s = 1.
 * @param[out] out n expectations.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_expected(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, size_t n, double t,
                              size_t *err_index);

/**
 * @brief Pareto/NBD expected repeat purchases E[X(t)] of a new customer
 *        in (0, t], for each of n horizons.
 * @param[out] out n expectations.
 * @param params {r, alpha, s, beta}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_expected_new(double *out, const double params[4],
                                  const double *t, size_t n,
                                  size_t *err_index);

/**
 * @brief Pareto/NBD discounted expected residual transactions (DERT).
 *
 * DERT = P(alive) (r+x)/(alpha+T) E[1/(mu+delta)] with continuous
 * discounting e^(-delta t), through U(s, s, z) = e^z Gamma(1-s, z); valid
 * for any s > 0, whole numbers included. For an annual rate d and k
 * periods per year use delta = ln(1+d)/k. Multiply by the expected spend
 * per transaction for the CLV.
 * @param[out] out n values.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param delta continuous discount rate per time unit, > 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_dert(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *T, size_t n, double delta,
                          size_t *err_index);

/**
 * @brief MBG/NBD sample log-likelihood sum_i w_i ln L_i.
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row or NULL.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_loglik(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, const double *weights,
                              size_t n, size_t *err_index);

/**
 * @brief MBG/NBD log-likelihood ln L_i of each customer, optionally with
 *        its gradient.
 * @param[out] out n values ln L_i.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] grad NULL, or 4*n values: d ln L_i / d(r, alpha, a, b) of
 *             customer i at grad[4*i .. 4*i+3] (natural parameters).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_loglik_each(double *out, const double params[4],
                                   const double *x, const double *t_x,
                                   const double *T, size_t n, double *grad,
                                   size_t *err_index);

/**
 * @brief Fit the MBG/NBD model by maximum likelihood (analytic gradient).
 * @param[out] params_out estimates {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row or NULL.
 * @param n number of rows.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK, #LOY_ENOCONV (best point returned) or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_fit(double params_out[4], const double *x,
                           const double *t_x, const double *T,
                           const double *weights, size_t n,
                           const loy_fit_options *opts,
                           loy_fit_report *report, size_t *err_index);

/**
 * @brief MBG/NBD probability that each customer is alive at T (also for
 *        x = 0, since the model allows dropping out at time 0).
 * @param[out] out n probabilities.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_palive(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, size_t n, size_t *err_index);

/**
 * @brief MBG/NBD expected purchases of each customer in (T, T + t].
 *
 * Valid for every a > 0, including the removable singularity a = 1.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV if the series did not converge (t much
 *         larger than alpha + T), or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_expected(double *out, const double params[4],
                                const double *x, const double *t_x,
                                const double *T, size_t n, double t,
                                size_t *err_index);

/**
 * @brief MBG/NBD expected repeat purchases E[X(t)] of a new customer.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_expected_new(double *out, const double params[4],
                                    const double *t, size_t n,
                                    size_t *err_index);
/* ===== END MODULE: pnbd ===== */

/* ===== BEGIN MODULE: bgbb (BG/BB, sBG) ===== */
/*
 * BG/BB (Fader, Hardie & Shang 2010): purchases at discrete opportunities
 * (yearly donations, events). A customer is described by n opportunities
 * (n_opp), the number x of them with a transaction and the last one t_x
 * with a transaction (0 if none): whole numbers with x <= t_x <= n (t_x = 0
 * exactly when x = 0), n <= 10^7. Parameters are params[4] = (alpha, beta,
 * gamma, delta): the transaction probability of a live customer is
 * Beta(alpha, beta) and the dropout probability at each opportunity is
 * Beta(gamma, delta). Row errors: NaN/Inf -> #LOY_ENONFINITE, negative,
 * non-whole or too large -> #LOY_ESCALE, x > n, t_x > n, t_x < x for x > 0
 * or t_x > 0 for x = 0 -> #LOY_EINCONSISTENT, with the row in err_index.
 * Parameters must be finite (#LOY_ENONFINITE) and > 0 (#LOY_EDOMAIN).
 */

/**
 * @brief Sample log-likelihood sum_i w_i ln L_i of the BG/BB model.
 *
 * Each ln L_i is the log-sum-exp of its n - t_x + 1 terms, so it is
 * finite for any number of opportunities.
 * @param[out] ll_out the log-likelihood.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per row.
 * @param t_x last opportunity with a transaction per row.
 * @param n_opp opportunities per row.
 * @param w weights (customers sharing the row, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code (#LOY_EEMPTY if n = 0 or all weights
 *         are 0).
 * @since 1.0
 */
LOY_API int loy_bgbb_loglik(double *ll_out, const double params[4],
                            const double *x, const double *t_x,
                            const double *n_opp, const double *w, size_t n,
                            size_t *err_index);

/**
 * @brief Maximum-likelihood fit of the BG/BB model.
 *
 * Rows may be per customer or already compressed patterns
 * (x, t_x, n, count) with the counts as weights. Identical rows are
 * compressed unless #LOY_FIT_NO_COMPRESS is set. The default start is
 * (1, 1, 1, 1). Analytic gradient; see loy_fit_options.
 * @param[out] params_out (alpha, beta, gamma, delta); on #LOY_ENOCONV the
 *             best point found.
 * @param x transactions per row.
 * @param t_x last opportunity with a transaction per row.
 * @param n_opp opportunities per row.
 * @param w weights (>= 0) or NULL.
 * @param n number of rows.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report and standard errors, or NULL.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK, #LOY_ENOCONV (best point written), #LOY_ENOMEM or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_bgbb_fit(double params_out[4], const double *x,
                         const double *t_x, const double *n_opp,
                         const double *w, size_t n,
                         const loy_fit_options *opts, loy_fit_report *report,
                         size_t *err_index);

/**
 * @brief P(alive at opportunity n + m) for each customer.
 *
 * m = 1 (the next opportunity) is the usual "P(alive)"; m = 0 gives the
 * probability of being alive at the last observed opportunity n.
 * @param[out] out n values in [0, 1].
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param m whole number of opportunities ahead, >= 0.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_palive(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *n_opp, size_t n, double m,
                            size_t *err_index);

/**
 * @brief Expected transactions at the next n_star opportunities
 *        (n + 1 .. n + n_star) given each customer's history (CET).
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param n_star whole number of future opportunities, >= 0.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_expected(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *n_opp, size_t n, double n_star,
                              size_t *err_index);

/**
 * @brief E[X(n)]: expected transactions of a new customer over its first
 *        n opportunities.
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param n_opp whole numbers of opportunities, >= 0.
 * @param n number of values.
 * @param[out] err_index first bad value, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_expected_new(double *out, const double params[4],
                                  const double *n_opp, size_t n,
                                  size_t *err_index);

/**
 * @brief P(X(n) = x): probability that a new customer transacts at
 *        exactly x of its first n opportunities.
 *
 * For the in-sample histogram evaluate x = 0..n; the values sum to 1.
 * @param[out] out n values (0 where x > n_opp).
 * @param params (alpha, beta, gamma, delta).
 * @param n_opp whole numbers of opportunities, >= 0.
 * @param x whole numbers of transactions, >= 0.
 * @param n number of (n_opp, x) pairs.
 * @param[out] err_index first bad pair, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_pmf(double *out, const double params[4],
                         const double *n_opp, const double *x, size_t n,
                         size_t *err_index);

/**
 * @brief Discounted expected residual transactions (DERT) per customer.
 *
 * Sum over future opportunities k = 1, 2, ... of the expected transactions
 * at n + k discounted by (1 + d)^-k: the next opportunity is discounted
 * once. Summed directly with a geometric tail bound.
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param d discount rate per opportunity, >= 0; d = 0 requires
 *          gamma > 1 (otherwise the sum is infinite: #LOY_EDOMAIN).
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (when the sum needs more
 *         than 10^8 terms, i.e. d below about 3e-7 with gamma <= 1; out
 *         holds the partial sums) or an input error.
 * @since 1.0
 */
LOY_API int loy_bgbb_dert(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *n_opp, size_t n, double d,
                          size_t *err_index);

/*
 * sBG (shifted-beta-geometric, Fader & Hardie 2007): contractual
 * retention. Each customer cancels at each renewal with a probability
 * theta ~ Beta(alpha, beta), params[2] = (alpha, beta), both finite
 * (#LOY_ENONFINITE) and > 0 (#LOY_EDOMAIN). Periods are counted from
 * acquisition at t = 0; the lifetime T >= 1 is the renewal at which the
 * customer leaves (T = t: active at t - 1, gone at t). S(t) = P(T > t).
 */

/**
 * @brief Fit the sBG model to a cohort's survival curve.
 *
 * survivors[t] is the number (or fraction, or percentage) of the cohort
 * still active at t = 0..len-1; survivors[0] is the cohort size. The lost
 * at t are survivors[t-1] - survivors[t]; survivors[len-1] are
 * right-censored. The estimate does not depend on the cohort size, so
 * percentages can be passed directly (the report's loglik is then on that
 * scale). Default start (1, 1).
 * @param[out] params_out (alpha, beta); the best point on #LOY_ENOCONV.
 * @param survivors len non-increasing values >= 0, survivors[0] > 0.
 * @param len number of values (periods 0..len-1), >= 2 to be useful.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report, or NULL.
 * @param[out] err_index first bad value (increasing: #LOY_EINCONSISTENT;
 *             negative: #LOY_ESCALE; NaN: #LOY_ENONFINITE), or NULL.
 * @return #LOY_OK, #LOY_ENOCONV, #LOY_EEMPTY (len = 0 or survivors[0] = 0),
 *         #LOY_EDEGENERATE (nobody lost, or nobody renewed even once: no
 *         finite maximum) or another error code.
 * @since 1.0
 */
LOY_API int loy_sbg_fit_cohort(double params_out[2], const double *survivors,
                               size_t len, const loy_fit_options *opts,
                               loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the sBG model to individual tenures with right censoring.
 *
 * Customer i churned at T = tenure[i] (censored[i] = 0, tenure >= 1) or
 * is still active after tenure[i] renewals (censored[i] = 1, tenure >= 0).
 * A cohort expanded to individuals gives the same fit as
 * loy_sbg_fit_cohort().
 * @param[out] params_out (alpha, beta); the best point on #LOY_ENOCONV.
 * @param tenure whole numbers of periods.
 * @param censored 0 (churned) or 1 (still active) per customer.
 * @param w weights (>= 0) or NULL for 1 each.
 * @param n number of customers.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report, or NULL.
 * @param[out] err_index first bad customer, or NULL.
 * @return #LOY_OK, #LOY_ENOCONV, #LOY_EDEGENERATE (nobody churned, or
 *         nobody renewed even once) or an error code (a churned customer with tenure 0 is
 *         #LOY_EINCONSISTENT).
 * @since 1.0
 */
LOY_API int loy_sbg_fit_tenures(double params_out[2], const double *tenure,
                                const int *censored, const double *w,
                                size_t n, const loy_fit_options *opts,
                                loy_fit_report *report, size_t *err_index);

/**
 * @brief Cohort log-likelihood sum_t lost_t ln P(T = t) + s_K ln S(K).
 * @param[out] ll_out the log-likelihood.
 * @param params (alpha, beta).
 * @param survivors as for loy_sbg_fit_cohort().
 * @param len number of values.
 * @param[out] err_index first bad value, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_loglik_cohort(double *ll_out, const double params[2],
                                  const double *survivors, size_t len,
                                  size_t *err_index);

/**
 * @brief Survival curve S(t) = B(alpha, beta + t) / B(alpha, beta).
 * @param[out] out S(0) = 1, S(1), ..., S(len - 1).
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_survival(double *out, size_t len,
                             const double params[2]);

/**
 * @brief Retention-rate curve r_t = S(t) / S(t-1)
 *        = (beta + t - 1) / (alpha + beta + t - 1).
 *
 * It rises with t because the cohort's remaining customers are the loyal
 * ones, not because anyone's churn probability changes.
 * @param[out] out r_1, ..., r_len.
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_retention(double *out, size_t len,
                              const double params[2]);

/**
 * @brief Churn distribution P(T = t) = B(alpha + 1, beta + t - 1) /
 *        B(alpha, beta).
 * @param[out] out P(T = 1), ..., P(T = len).
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_churn_pmf(double *out, size_t len,
                              const double params[2]);

/**
 * @brief Projected survivors of a cohort over the coming periods.
 *
 * A cohort that has `active` customers `age` periods after acquisition is
 * expected to have active * S(age + k) / S(age) at age + k.
 * @param[out] out expected survivors at age + 1, ..., age + len.
 * @param len number of periods, > 0.
 * @param params (alpha, beta).
 * @param active current number (or share) of active customers, >= 0.
 * @param age whole number of periods since acquisition, >= 0 (0 for a
 *            new cohort).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_project(double *out, size_t len, const double params[2],
                            double active, double age);

/**
 * @brief Discounted expected lifetime DEL(d) = sum_{t>=0} S(t)/(1+d)^t.
 *
 * Counts the payment at acquisition (t = 0) undiscounted; E(CLV) = margin
 * * DEL. Equals 2F1(1, beta; alpha + beta; 1/(1+d)); at d = 0 it is
 * E[T] = (alpha + beta - 1)/(alpha - 1), which is infinite for alpha <= 1.
 * @param[out] out DEL.
 * @param params (alpha, beta).
 * @param d discount rate per period, >= 0; d = 0 with alpha <= 1 is
 *          #LOY_EDOMAIN.
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (when the sum needs more
 *         than 10^8 terms, i.e. d below about 3e-7 with alpha <= 1; out
 *         holds the partial sum; the cost is O(1/d) terms) or an input
 *         error.
 * @since 1.0
 */
LOY_API int loy_sbg_del(double *out, const double params[2], double d);

/**
 * @brief Discounted expected residual lifetime of a customer who has
 *        renewed n - 1 times: DERL = sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n).
 *
 * The customer stands just before renewal decision n; the upcoming payment
 * (made with probability r_n) counts undiscounted. The expected residual
 * value of an active customer, or the value lost when one cancels, is
 * margin * DERL. Equals r_n 2F1(1, beta + n; alpha + beta + n; 1/(1+d)).
 * @param[out] out DERL.
 * @param params (alpha, beta).
 * @param d discount rate per period, >= 0; d = 0 with alpha <= 1 is
 *          #LOY_EDOMAIN.
 * @param n renewal decision ahead, >= 1 (n = 1: a customer just
 *          acquired; n = 0 is #LOY_ESCALE).
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (as for loy_sbg_del()) or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_sbg_derl(double *out, const double params[2], double d,
                         uint32_t n);
/* ===== END MODULE: bgbb ===== */

/* ===== BEGIN MODULE: abc (ABC and ABC x loyalty segmentation) ===== */
/*
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
 *         LOY_ENOMEM.
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
 *         LOY_ENOMEM.
 * @since 1.0
 */
LOY_API int loy_abc_computed_classify(uint8_t *classes,
                                      loy_abc_computed_result *result,
                                      const double *values, size_t n,
                                      uint32_t flags, size_t *err_index);
/*
 * ABC x loyalty segmentation (MODELS.md 8). Each customer gets a cell of a
 * fixed grid: value class (A, B, C: rows) x loyalty column (promoter,
 * passive, detractor, no response) x, when a potential is supplied, a
 * potential level (harvest / develop). Customers without an answer form
 * their own column and are never counted as passives. Cell numbers:
 *
 *     cell = 12 * level + 4 * value_class + column
 *
 * with value_class #LOY_ABC_A..#LOY_ABC_C, column LOY_SEGMENT_COL_*, and
 * level #LOY_SEGMENT_HARVEST (0; also every customer when no potential is
 * given, so only cells 0..11 are used) or #LOY_SEGMENT_DEVELOP (1).
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
 *         in (0, 1)).
 * @since 1.0
 */
LOY_API int loy_segment_cross(loy_segment_result *result, uint8_t *cells,
                              const loy_segment_input *input,
                              size_t *err_index);

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
/* ===== END MODULE: abc ===== */

/* ===== BEGIN MODULE: churn (churn cost and loyalty economics) ===== */
/*
 * Churn cost and loyalty economics. All rates refer to one period (the
 * caller's). Margins are per customer per period. Discounting: margin of
 * period t (t = 1 at the end of the coming period) is divided by (1+i)^t.
 */

/**
 * @brief Cost of contractual churn over one period.
 * @since 1.0
 */
typedef struct loy_churn_cost {
    size_t struct_size;      /**< sizeof(loy_churn_cost), set by the caller. */
    double customers_lost;   /**< Expected customers lost in the period. */
    double margin_lost;      /**< Margin lost per period (run rate). */
    double value_lost;       /**< Discounted lifetime value lost: what the
                                  lost customers would have been worth had
                                  they renewed now (first margin at the end
                                  of the coming period). */
    double value_lost_undiscounted; /**< The same without discounting;
                                  +infinity (with LOY_CHURN_INFINITE set)
                                  when the expected lifetime is infinite. */
    double value_per_lost;   /**< value_lost per lost customer. */
    double clv_existing;     /**< Discounted value of one existing customer
                                  (end-of-period margins, retained with
                                  the model's retention). */
    uint32_t flags;          /**< LOY_CHURN_* result flags. */
} loy_churn_cost;

/** Result flag: the undiscounted lifetime is infinite (sBG, alpha <= 1). @since 1.0 */
#define LOY_CHURN_INFINITE 0x1u

/**
 * @brief Churn cost with constant churn c (simple retention formula).
 *
 * customers_lost = N c, margin_lost = N c m, value_lost = N c m/(1+i-r)
 * with r = 1 - c, undiscounted N c m / c = N m (zero when c = 0), and
 * clv_existing = m r/(1+i-r).
 * @param[out] out result (struct_size set by the caller).
 * @param customers N >= 0 at the start of the period.
 * @param churn c in [0, 1].
 * @param margin m >= 0 per customer per period.
 * @param discount i >= 0 per period; r < 1 + i is required (i = 0 with
 *        c = 0 gives an infinite value: LOY_EDOMAIN).
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE (negative N or m,
 *         c outside [0,1]), LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_churn_cost_simple(loy_churn_cost *out, double customers,
                                  double churn, double margin,
                                  double discount);

/**
 * @brief Churn cost from a fitted sBG model (heterogeneous churn).
 *
 * The N active customers have made `renewals` renewals (n - 1 in MODELS
 * notation) and face renewal decision n = renewals + 1, which they pass with
 * the sBG retention rate r_n. customers_lost = N (1 - r_n); a lost customer
 * would, had they renewed, have paid m at the end of the coming period and
 * then survived like the sBG survivors of decision n:
 * value_per_lost = m v DERL(d | n) / r_n with v = 1/(1+d), where DERL is
 * loy_sbg_derl(). clv_existing = m v DERL(d | n). With alpha <= 1 the
 * undiscounted value is infinite (flag LOY_CHURN_INFINITE).
 * @param[out] out result.
 * @param params sBG (alpha, beta), both > 0.
 * @param customers N >= 0 active customers.
 * @param renewals renewals made so far (0 for a new cohort).
 * @param margin m >= 0 per period.
 * @param discount d >= 0 per period; d = 0 requires alpha > 1.
 * @return LOY_OK or an error (LOY_EDOMAIN for the domain rules).
 * @since 1.0
 */
LOY_API int loy_churn_cost_sbg(loy_churn_cost *out, const double params[2],
                               double customers, uint32_t renewals,
                               double margin, double discount);

/**
 * @brief Silent (non-contractual) churn over a customer base.
 * @since 1.0
 */
typedef struct loy_silent_churn {
    size_t struct_size;       /**< sizeof(loy_silent_churn). */
    double customers;         /**< n. */
    double expected_lost;     /**< sum (1 - P(alive)): customers already gone. */
    double likely_lost;       /**< Customers with P(alive) < threshold. */
    double value_lost;        /**< sum (1 - P(alive)) * value: value already lost. */
    double value_alive;       /**< sum P(alive) * value: value still held. */
    double value_at_risk_next;/**< sum (P(alive) - P(alive next)) * value:
                                   value expected to leave in the next period
                                   (0 and LOY_SILENT_NO_NEXT when no
                                   next-period probabilities were given). */
    uint32_t flags;           /**< LOY_SILENT_* flags. */
} loy_silent_churn;

/** Result flag: no next-period P(alive) given; value_at_risk_next not computed. @since 1.0 */
#define LOY_SILENT_NO_NEXT 0x1u

/**
 * @brief Value lost and at risk through silent churn.
 * @param[out] out result.
 * @param p_alive P(alive) now per customer, in [0, 1].
 * @param value value of each customer had they stayed (e.g. CLV from a
 *        lifetime model and Gamma-Gamma), >= 0.
 * @param p_alive_next P(alive) at the end of the next period, in
 *        [0, P(alive)], or NULL.
 * @param n number of customers (> 0).
 * @param threshold a customer with P(alive) < threshold counts as likely
 *        lost; in [0, 1].
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY, LOY_ENONFINITE, LOY_ESCALE,
 *         LOY_EINCONSISTENT (P(alive next) > P(alive)).
 * @since 1.0
 */
LOY_API int loy_churn_silent(loy_silent_churn *out, const double *p_alive,
                             const double *value, const double *p_alive_next,
                             size_t n, double threshold, size_t *err_index);

/**
 * @brief Inputs of the word-of-mouth method (Bain / Dell analysis).
 * @since 1.0
 */
typedef struct loy_wom_params {
    size_t struct_size;           /**< sizeof(loy_wom_params). */
    double referred_customers;    /**< New customers acquired by referral. */
    double customer_value;        /**< Value of an average new customer. */
    double positive_comments;     /**< Positive comments made in total. */
    double comments_per_promoter; /**< Positive comments per promoter per year. */
    double deterred_customers;    /**< Prospects lost through negative word
                                       of mouth (0 if unknown). */
    double negative_comments;     /**< Negative comments in total (> 0 when
                                       deterred_customers > 0). */
    double comments_per_detractor;/**< Negative comments per detractor per year. */
} loy_wom_params;

/**
 * @brief Outputs of the word-of-mouth method.
 * @since 1.0
 */
typedef struct loy_wom_value {
    size_t struct_size;            /**< sizeof(loy_wom_value). */
    double referral_value;         /**< referred_customers * customer_value. */
    double value_per_comment;      /**< referral_value / positive_comments. */
    double promoter_value;         /**< comments_per_promoter * value_per_comment
                                        (per promoter per year). */
    double deterred_value;         /**< deterred_customers * customer_value. */
    double cost_per_negative_comment; /**< deterred_value / negative_comments. */
    double detractor_cost;         /**< comments_per_detractor *
                                        cost_per_negative_comment (a cost, >= 0). */
} loy_wom_value;

/**
 * @brief Referral value of a promoter and word-of-mouth cost of a detractor.
 *
 * value per positive comment = referred customers x customer value / total
 * positive comments; word-of-mouth value per promoter = comments per
 * promoter per year x value per comment; the detractor side uses the same
 * form with deterred prospects and negative comments.
 * @param[out] out result.
 * @param params inputs; every field finite and >= 0, positive_comments > 0,
 *        negative_comments > 0 when deterred_customers > 0.
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN.
 * @since 1.0
 */
LOY_API int loy_churn_wom(loy_wom_value *out, const loy_wom_params *params);

/**
 * @brief Mean lifetime value of detractors, passives and promoters.
 *
 * Arrays are indexed by loyalty class code (0 detractor, 1 passive,
 * 2 promoter, as LOY_CLASS_* of the NPS module).
 * @since 1.0
 */
typedef struct loy_class_value {
    size_t struct_size; /**< sizeof(loy_class_value). */
    double level;       /**< Confidence level of the intervals. */
    uint64_t n[3];      /**< Customers per class. */
    double mean[3];     /**< Mean value per class (NaN when n = 0). */
    double sd[3];       /**< Sample standard deviation (NaN when n < 2). */
    double se[3];       /**< Standard error of the mean (NaN when n < 2). */
    double lower[3];    /**< Normal-approximation interval (NaN when n < 2). */
    double upper[3];
} loy_class_value;

/**
 * @brief Value gap between loyalty classes, measured from data.
 *
 * NaN entries mark classes with too few customers; they are documented
 * outputs, not errors (the call succeeds when at least one class has a
 * customer).
 * @param[out] out result.
 * @param value per-customer lifetime value (finite).
 * @param loyalty_class per-customer class code 0, 1, 2, or -1 for "no
 *        answer" (ignored).
 * @param n number of customers.
 * @param level confidence level in (0, 1).
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY (no classified customer),
 *         LOY_ENONFINITE, LOY_ESCALE (class code), LOY_EDOMAIN (level).
 * @since 1.0
 */
LOY_API int loy_churn_class_value(loy_class_value *out, const double *value,
                                  const int8_t *loyalty_class, size_t n,
                                  double level, size_t *err_index);

/**
 * @brief Value of moving k customers from one loyalty class to another.
 *
 * gain = k (mean[to] - mean[from]), with the standard error
 * k sqrt(se[to]^2 + se[from]^2) and a normal interval at cv->level.
 * @param[out] gain expected gain.
 * @param[out] lower lower interval limit (may be NULL).
 * @param[out] upper upper interval limit (may be NULL).
 * @param cv class values from loy_churn_class_value().
 * @param k customers moved (>= 0).
 * @param from_class, to_class class codes 0..2.
 * @return LOY_OK, LOY_EINVAL, LOY_ESCALE, LOY_EDEGENERATE (a class with
 *         fewer than 2 customers).
 * @since 1.0
 */
LOY_API int loy_churn_move_value(double *gain, double *lower, double *upper,
                                 const loy_class_value *cv, double k,
                                 int32_t from_class, int32_t to_class);

/**
 * @brief Customer base for retention economics.
 *
 * Value of the base = current customers' residual value + the value of
 * future cohorts (each acquired at the start of a period at a cost,
 * paying its first margin then), all discounted to now.
 * @since 1.0
 */
typedef struct loy_base_params {
    size_t struct_size;       /**< sizeof(loy_base_params). */
    double customers;         /**< Current customers N >= 0. */
    double margin;            /**< Margin m per customer per period, >= 0. */
    double retention;         /**< Retention r in [0, 1]. */
    double discount;          /**< Discount rate i >= 0 per period. */
    double growth;            /**< Margin growth g per period (> -1);
                                   r (1+g) < 1+i required. */
    double new_customers;     /**< Customers acquired per period, >= 0. */
    double acquisition_cost;  /**< Cost per acquired customer, >= 0. */
    uint32_t cohorts;         /**< Future cohorts counted; 0 = all future
                                   periods (needs i > 0 if new_customers > 0). */
} loy_base_params;

/** Static initialiser for loy_base_params (zeros). @since 1.0 */
#define LOY_BASE_PARAMS_INIT {sizeof(loy_base_params), 0, 0, 0, 0, 0, 0, 0, 0u}

/**
 * @brief Value of a customer base and its elasticities.
 * @since 1.0
 */
typedef struct loy_base_value {
    size_t struct_size;      /**< sizeof(loy_base_value). */
    double clv_existing;     /**< m r/(1+i-r(1+g)): an existing customer
                                  (next margin at the end of the period). */
    double clv_new;          /**< m (1+i)/(1+i-r(1+g)) - acquisition cost:
                                  a newly acquired customer, net. */
    double current_value;    /**< N clv_existing. */
    double future_value;     /**< Discounted value of future cohorts, net. */
    double total;            /**< current_value + future_value. */
    double elasticity_retention; /**< d ln(total) / d ln r. */
    double elasticity_margin;    /**< d ln(total) / d ln m. */
    double elasticity_discount;  /**< d ln(total) / d ln i (0 when i = 0). */
    double elasticity_acquisition; /**< d ln(total) / d ln(acquisition cost). */
} loy_base_value;

/**
 * @brief Value of the customer base (current plus future cohorts) and
 *        its elasticities with respect to retention, margin, discount rate
 *        and acquisition cost.
 *
 * Elasticities are NaN-free: when total is 0 they are reported as 0 with
 * LOY_EDEGENERATE returned instead (the base has no value to scale).
 * @param[out] out result.
 * @param params the base.
 * @return LOY_OK, LOY_EINVAL, LOY_ENONFINITE, LOY_ESCALE, LOY_EDOMAIN,
 *         LOY_EDEGENERATE.
 * @since 1.0
 */
LOY_API int loy_churn_base_value(loy_base_value *out,
                                 const loy_base_params *params);

/**
 * @brief Margin change worth as much as a retention change.
 *
 * Finds the relative margin increase x (0.05 = five percent more margin)
 * that raises the base value by as much as moving retention from r to
 * r + retention_change does (the statement "one point of retention is worth
 * x points of margin"). Exact: value is linear in the margin.
 * @param[out] margin_change the relative margin change x.
 * @param[out] value_change the base-value change both produce (may be NULL).
 * @param params the base.
 * @param retention_change change of r, e.g. 0.01 for one point.
 * @return LOY_OK or an error of loy_churn_base_value(); LOY_EDOMAIN if the
 *         new retention leaves [0, 1] or the domain.
 * @since 1.0
 */
LOY_API int loy_churn_retention_margin_equivalent(double *margin_change,
                                                  double *value_change,
                                                  const loy_base_params *params,
                                                  double retention_change);

/** Customer origin code: existed in the previous period. @since 1.0 */
#define LOY_ORIGIN_EXISTING 0
/** Customer origin code: new, earned (came by referral/recommendation). @since 1.0 */
#define LOY_ORIGIN_EARNED 1
/** Customer origin code: new, bought (came through paid acquisition). @since 1.0 */
#define LOY_ORIGIN_BOUGHT 2

/**
 * @brief Earned Growth Rate and its components (Net Promoter 3.0).
 * @since 1.0
 */
typedef struct loy_egr {
    size_t struct_size;      /**< sizeof(loy_egr). */
    double revenue_prev;     /**< Total revenue of the previous period. */
    double revenue_now;      /**< Total revenue of this period. */
    double revenue_retained; /**< This period's revenue from existing customers. */
    double revenue_earned;   /**< ... from earned new customers. */
    double revenue_bought;   /**< ... from bought new customers. */
    double nrr;              /**< Net revenue retention. */
    double enc;              /**< Earned new customers' revenue / revenue_prev. */
    double egr;              /**< EGR = NRR + ENC - 1. */
    double growth;           /**< revenue_now / revenue_prev - 1. */
    double bought_growth;    /**< growth - EGR. */
} loy_egr;

/**
 * @brief Earned Growth Rate from per-customer revenue in two periods.
 * @param[out] out result.
 * @param revenue_prev revenue of each customer in the previous period (>= 0;
 *        must be 0 for new customers).
 * @param revenue_now revenue in this period (>= 0).
 * @param origin LOY_ORIGIN_* per customer.
 * @param n customers (> 0).
 * @param[out] err_index first bad element, or LOY_NO_INDEX (may be NULL).
 * @return LOY_OK, LOY_EINVAL, LOY_EEMPTY (no revenue in the previous
 *         period), LOY_ENONFINITE, LOY_ESCALE (negative revenue, unknown
 *         origin), LOY_EINCONSISTENT (a new customer with previous revenue).
 * @since 1.0
 */
LOY_API int loy_churn_egr(loy_egr *out, const double *revenue_prev,
                          const double *revenue_now, const uint8_t *origin,
                          size_t n, size_t *err_index);
/* ===== END MODULE: churn ===== */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_H_7A41C2 */
