/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/consistency.h
 * @brief Consistency over units and time: NPS funnels, control charts,
 *        run-length design, period-over-period change.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_CONSISTENCY_H
#define LOYALTY_CONSISTENCY_H

#include "common.h"
#include "nps.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup consistency Consistency over units and time
 * @brief Funnel plots of units, control charts of periods, chart design by
 *        average run length, period-over-period change.
 *
 * Which differences between branches, and which weekly moves, are real?
 * Everything here needs only NPS tallies, one per unit (branch, agent,
 * touchpoint) or per unit and period, so it runs on merged counts.
 *
 * **Tally arrays.** Many tallies are passed as one `const uint64_t *`
 * array: tally i holds counts[i*stride + 0, 1, 2] = (detractors, passives,
 * promoters). `stride` is the number of uint64_t from one tally to the
 * next, at least 3: 3 for packed (D, A, P) triples, 4 for the layout that
 * loy_nps_tally_grouped_u8() writes (the fourth count, rejected scores, is
 * ignored). A units x periods array is unit-major: the tally of unit u in
 * period t is tally u*n_periods + t, and per-point outputs use the same
 * index. A sum of counts that overflows uint64_t is #LOY_EOVERFLOW.
 *
 * **Gaps.** A unit or period with n = D + A + P = 0 is a gap, never a
 * zero: it is flagged, it takes no part in any estimate, and its value
 * outputs are not written (they keep whatever the caller put there; fill
 * them with NaN first if that is how you mark missing values). No output
 * is ever NaN or infinite.
 *
 * **Output structs of arrays.** Per-unit and per-point results come back
 * through structs of caller-owned array pointers (loy_funnel_units,
 * loy_chart_units, loy_chart_points, ...). Set `struct_size`, point the
 * members you want at arrays of the documented length and leave the rest
 * NULL: NULL members are neither written nor, where that saves work,
 * computed. The library reads the struct and never modifies it.
 *
 * Formulas and sources: docs/guide/consistency.md.
 * @{
 */

/* ===================================================================== */
/* Funnel analysis of units                                              */
/* ===================================================================== */

/** Funnel target: the pooled NPS of all units (default). @since 1.1 */
#define LOY_FUNNEL_TARGET_POOLED 0u
/** Funnel target: fixed promoter and detractor shares from the options.
 *  @since 1.1 */
#define LOY_FUNNEL_TARGET_FIXED 1u

/** Overdispersion: none, limits from the trinomial variance alone
 *  (default). @since 1.1 */
#define LOY_FUNNEL_OD_NONE 0u
/** Overdispersion: additive random effects, limits
 *  theta0 -/+ z sqrt(s_i^2 + tau^2). @since 1.1 */
#define LOY_FUNNEL_OD_ADDITIVE 1u
/** Overdispersion: multiplicative, limits theta0 -/+ z sqrt(phi) s_i,
 *  applied only when phi > 1. @since 1.1 */
#define LOY_FUNNEL_OD_MULTIPLICATIVE 2u

/** Option flag: also compute exact trinomial tail probabilities and
 *  exact flags (O(n) per unit). @since 1.1 */
#define LOY_FUNNEL_EXACT 0x1u

/**
 * @brief Options of loy_funnel_compute(). NULL means all defaults.
 * @since 1.1
 */
typedef struct loy_funnel_options {
    size_t struct_size;       /**< sizeof(loy_funnel_options). */
    uint32_t target;          /**< #LOY_FUNNEL_TARGET_POOLED (default) or
                                   #LOY_FUNNEL_TARGET_FIXED. */
    double target_promoters;  /**< Fixed target: promoter share p0. */
    double target_detractors; /**< Fixed target: detractor share d0
                                   (p0 + d0 <= 1, variance > 0). */
    double levels[2];         /**< Limit levels, inner then outer, each in
                                   (0, 1); default {0.95, 0.998}. */
    uint32_t overdispersion;  /**< #LOY_FUNNEL_OD_NONE (default),
                                   _ADDITIVE or _MULTIPLICATIVE. */
    double winsor;            /**< Winsorising share at each end for phi,
                                   in [0, 0.5); default 0.1. */
    double alpha;             /**< Family-wise level of the Bonferroni
                                   flags and false-discovery rate of the
                                   Benjamini-Hochberg flags, in (0, 1);
                                   default 0.05. */
    uint32_t flags;           /**< 0 or #LOY_FUNNEL_EXACT. */
} loy_funnel_options;

/** Static initialiser of loy_funnel_options (defaults). @since 1.1 */
#define LOY_FUNNEL_OPTIONS_INIT {sizeof(loy_funnel_options),               \
    LOY_FUNNEL_TARGET_POOLED, 0.0, 0.0, {0.95, 0.998},                     \
    LOY_FUNNEL_OD_NONE, 0.1, 0.05, 0u}

/** Unit flag: no answers (n = 0); excluded, outputs not written.
 *  @since 1.1 */
#define LOY_FUNNEL_EMPTY 0x1u
/** Unit flag: every answer in one class, so the unit's own variance is 0;
 *  left out of the heterogeneity estimates (its shrinkage uses the
 *  target variance). @since 1.1 */
#define LOY_FUNNEL_DEGENERATE 0x2u
/** Unit flag: NPS below the target. @since 1.1 */
#define LOY_FUNNEL_BELOW 0x4u
/** Unit flag: NPS above the target. @since 1.1 */
#define LOY_FUNNEL_ABOVE 0x8u
/** Unit flag: outside the limits at the inner level (levels[0]), after
 *  the overdispersion adjustment if one is chosen. @since 1.1 */
#define LOY_FUNNEL_OUTSIDE_INNER 0x10u
/** Unit flag: outside the limits at the outer level (levels[1]).
 *  @since 1.1 */
#define LOY_FUNNEL_OUTSIDE_OUTER 0x20u
/** Unit flag: p-value below alpha / (number of units). @since 1.1 */
#define LOY_FUNNEL_BONFERRONI 0x40u
/** Unit flag: discovery of the Benjamini-Hochberg procedure at rate
 *  alpha. @since 1.1 */
#define LOY_FUNNEL_FDR 0x80u
/** Unit flag: exact trinomial tail at or below (1 - levels[0]) / 2
 *  (with #LOY_FUNNEL_EXACT). @since 1.1 */
#define LOY_FUNNEL_EXACT_INNER 0x100u
/** Unit flag: exact trinomial tail at or below (1 - levels[1]) / 2.
 *  @since 1.1 */
#define LOY_FUNNEL_EXACT_OUTER 0x200u

/** Result flag: fewer than two units with a positive own variance, so
 *  tau^2 and I^2 are reported as 0. @since 1.1 */
#define LOY_FUNNEL_NO_HETEROGENEITY 0x1u
/** Result flag: fewer than two used units: phi is reported, but tau2_od
 *  is 0 and no overdispersion adjustment is made. @since 1.1 */
#define LOY_FUNNEL_NO_OVERDISPERSION 0x2u
/** Result flag: the chosen overdispersion adjustment widened the limits
 *  (tau^2 > 0, or phi > 1 for the multiplicative one). @since 1.1 */
#define LOY_FUNNEL_OD_APPLIED 0x4u
/** Result flag: no unit passes the Benjamini-Hochberg step; fdr_z is then
 *  the threshold the most extreme unit would have had to pass. @since 1.1 */
#define LOY_FUNNEL_NO_DISCOVERY 0x8u

/**
 * @brief Per-unit outputs of loy_funnel_compute(): arrays of n_units
 *        entries, each optional (NULL).
 *
 * Entries of empty units (#LOY_FUNNEL_EMPTY) are not written, except
 * `flags`.
 * @since 1.1
 */
typedef struct loy_funnel_units {
    size_t struct_size;   /**< sizeof(loy_funnel_units). */
    double *nps;          /**< theta_i = (P - D)/n. */
    double *variance;     /**< Own per-response variance p + d - theta^2. */
    double *se;           /**< s_i = sqrt(sigma0^2 / n_i) under the target. */
    double *z;            /**< (theta_i - theta0) / s_i. */
    double *z_adjusted;   /**< z after the overdispersion adjustment (= z
                               without one). The flags use it. */
    double *p_value;      /**< Two-sided normal p-value of z_adjusted. */
    double *p_lower;      /**< Exact P(X <= x_i) under the target, X = P - D
                               (needs #LOY_FUNNEL_EXACT). */
    double *p_upper;      /**< Exact P(X >= x_i) (needs #LOY_FUNNEL_EXACT). */
    double *shrunk;       /**< Empirical-Bayes NPS mu + B_i (theta_i - mu). */
    double *shrunk_se;    /**< sqrt(B_i v_i + (1 - B_i)^2 Var(mu)). */
    uint32_t *flags;      /**< LOY_FUNNEL_EMPTY, _DEGENERATE, _BELOW, ... */
} loy_funnel_units;

/** Static initialiser of loy_funnel_units: no outputs (all NULL).
 *  @since 1.1 */
#define LOY_FUNNEL_UNITS_INIT {sizeof(loy_funnel_units), NULL, NULL, NULL, \
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/**
 * @brief Summary of a funnel: target, dispersion, multiplicity,
 *        heterogeneity.
 * @since 1.1
 */
typedef struct loy_funnel_result {
    size_t struct_size;       /**< sizeof(loy_funnel_result). */
    size_t n_units;           /**< Units given. */
    size_t n_used;            /**< Units with n > 0 (I). */
    size_t n_degenerate;      /**< Used units with zero own variance. */
    uint64_t n_total;         /**< Answers over the used units. */
    double target;            /**< theta0. */
    double target_promoters;  /**< p0. */
    double target_detractors; /**< d0. */
    double target_variance;   /**< sigma0^2 = p0 + d0 - theta0^2. */
    double levels[2];         /**< The two limit levels. */
    double z_levels[2];       /**< Their two-sided critical values. */
    uint32_t overdispersion;  /**< The adjustment used (LOY_FUNNEL_OD_*). */
    double phi;               /**< Winsorised dispersion (1/I) sum z_w^2. */
    double tau2_od;           /**< Additive overdispersion tau^2 (from phi). */
    double alpha;             /**< Bonferroni / FDR level. */
    size_t n_outside[2];      /**< Units outside the inner / outer limits. */
    size_t n_exact[2];        /**< Units flagged by the exact tails. */
    size_t n_bonferroni;      /**< Units flagged by Bonferroni. */
    size_t n_fdr;             /**< Benjamini-Hochberg discoveries (k*). */
    double fdr_p;             /**< p_(k*), the largest discovered p-value. */
    double fdr_z;             /**< z* = Phi^-1(1 - p_(k*)/2), the FDR line. */
    double fixed_mean;        /**< Fixed-effect mean sum w theta / sum w. */
    double q_stat;            /**< Cochran's Q. */
    double tau2;              /**< DerSimonian-Laird tau^2 between units. */
    double tau;               /**< sqrt(tau2): SD of the units' true NPS,
                                   the consistency figure. */
    double i2;                /**< Higgins-Thompson I^2 in [0, 1). */
    double mu;                /**< Random-effects mean (shrinkage centre). */
    double mu_se;             /**< sqrt(1 / sum w*). */
    uint32_t flags;           /**< LOY_FUNNEL_NO_HETEROGENEITY, ... */
} loy_funnel_result;

/**
 * @brief Initialise funnel options to the defaults.
 * @param[out] opts options; struct_size set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.1
 */
LOY_API int loy_funnel_options_init(loy_funnel_options *opts);

/**
 * @brief Funnel analysis of units: target, z-scores, limits at two
 *        levels, overdispersion, multiplicity, heterogeneity, shrinkage.
 *
 * Spiegelhalter's funnel with the trinomial variance: every unit is
 * compared with the target theta0 (pooled, or fixed by the options) using
 * the variance under the target, s_i = sqrt(sigma0^2/n_i). A unit is
 * outside the limits at level a when |z| > z_a; with an overdispersion
 * adjustment z_adjusted replaces z. Bonferroni and Benjamini-Hochberg act
 * on the p-values of z_adjusted over the I used units. Heterogeneity
 * (Cochran's Q, DerSimonian-Laird tau^2, I^2) and the empirical-Bayes
 * shrinkage use each unit's own variance. Units with n = 0 are flagged
 * #LOY_FUNNEL_EMPTY and excluded from everything.
 * @param[out] out summary (struct_size set by the caller).
 * @param units per-unit outputs, or NULL for none.
 * @param counts n_units tallies (see "Tally arrays").
 * @param n_units number of units, >= 1.
 * @param stride uint64_t from one tally to the next, >= 3.
 * @param opts options or NULL for the defaults.
 * @param[out] err_index optional: the unit whose counts overflow.
 * @return LOY_OK; LOY_EINVAL (NULL counts or out, stride < 3, bad
 *         struct_size, unknown target, adjustment or flag); LOY_EEMPTY (no
 *         units, or no unit with answers); LOY_EOVERFLOW (a unit's or the
 *         total count overflows uint64_t); LOY_ENONFINITE (NaN option);
 *         LOY_EDOMAIN (levels, winsor, alpha, or a fixed target outside
 *         the simplex or with zero variance); LOY_EDEGENERATE (the pooled
 *         target has zero variance: all answers in one class);
 *         LOY_ENOMEM. Outputs are untouched on error.
 * @since 1.1
 */
LOY_API int loy_funnel_compute(loy_funnel_result *out,
                               const loy_funnel_units *units,
                               const uint64_t *counts, size_t n_units,
                               size_t stride, const loy_funnel_options *opts,
                               size_t *err_index);

/** Funnel limits from the normal approximation, no adjustment.
 *  @since 1.1 */
#define LOY_FUNNEL_LIMITS_NORMAL 0u
/** Funnel limits with the overdispersion adjustment of the result.
 *  @since 1.1 */
#define LOY_FUNNEL_LIMITS_ADJUSTED 1u
/** Funnel limits from the exact distribution of P - D under the target
 *  (interpolated quantiles, Spiegelhalter 2005). @since 1.1 */
#define LOY_FUNNEL_LIMITS_EXACT 2u

/**
 * @brief Funnel limits at sizes n, for drawing the funnel.
 *
 * Normal: theta0 -/+ z_a sqrt(sigma0^2/n). Adjusted: as the result's
 * overdispersion adjustment (additive: sqrt(sigma0^2/n + tau2_od);
 * multiplicative: times sqrt(phi) when phi > 1). Exact: the quantiles of
 * X = P - D at (1 - level)/2 in each tail, interpolated as Spiegelhalter
 * (2005) does and divided by n: a unit of size n lies outside them exactly
 * when its exact tail is at or below (1 - level)/2. Limits are not clipped
 * to [-1, 1]; clip them when drawing.
 * @param[out] lower m lower limits.
 * @param[out] upper m upper limits.
 * @param fit a result of loy_funnel_compute() (target, variance, phi,
 *        tau2_od and the adjustment are read).
 * @param sizes m sizes n, each >= 1.
 * @param m number of sizes.
 * @param level two-sided level in (0, 1), e.g. fit->levels[0]; for the
 *        FDR line use 1 - fit->fdr_p.
 * @param method #LOY_FUNNEL_LIMITS_NORMAL, _ADJUSTED or _EXACT.
 * @param[out] err_index optional: the first size that is 0.
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size, unknown method, a
 *         size of 0); LOY_ENONFINITE; LOY_EDOMAIN (level, or a result whose
 *         target is outside the simplex or has zero variance).
 * @since 1.1
 */
LOY_API int loy_funnel_limits(double *lower, double *upper,
                              const loy_funnel_result *fit,
                              const uint64_t *sizes, size_t m, double level,
                              uint32_t method, size_t *err_index);

/**
 * @brief Exact tail probabilities of one tally against a target.
 *
 * With n answers drawn from Multinomial(n; d0, 1 - p0 - d0, p0) and
 * X = P - D, returns P(X <= x) and P(X >= x) at the tally's x = P - D,
 * by a positive three-term recurrence for the probabilities of X (O(n),
 * no cancellation; see the guide).
 * @param[out] p_lower P(X <= x).
 * @param[out] p_upper P(X >= x).
 * @param tally counts (rejected ignored), n > 0.
 * @param promoters target promoter share p0 in [0, 1].
 * @param detractors target detractor share d0 in [0, 1], p0 + d0 <= 1.
 * @return LOY_OK; LOY_EINVAL (NULL, bad struct_size); LOY_EEMPTY (n = 0);
 *         LOY_EOVERFLOW (D + A + P overflows); LOY_ENONFINITE;
 *         LOY_EDOMAIN (shares).
 * @since 1.1
 */
LOY_API int loy_funnel_exact_tails(double *p_lower, double *p_upper,
                                   const loy_nps_tally *tally,
                                   double promoters, double detractors);

/* ===================================================================== */
/* Control charts of periods                                             */
/* ===================================================================== */

/** Chart target: each unit's own baseline window (default). @since 1.1 */
#define LOY_CHART_TARGET_BASELINE 0u
/** Chart target: fixed promoter and detractor shares for every unit.
 *  @since 1.1 */
#define LOY_CHART_TARGET_FIXED 1u

/**
 * @brief Options of loy_chart_compute(). NULL means all defaults.
 * @since 1.1
 */
typedef struct loy_chart_options {
    size_t struct_size;       /**< sizeof(loy_chart_options). */
    uint32_t target;          /**< #LOY_CHART_TARGET_BASELINE (default) or
                                   #LOY_CHART_TARGET_FIXED. */
    double target_promoters;  /**< Fixed target p0. */
    double target_detractors; /**< Fixed target d0. */
    size_t baseline_start;    /**< First period of the baseline window;
                                   default 0. */
    size_t baseline_length;   /**< Periods in the window; 0 (default) means
                                   through the last period. The window
                                   gives the centre line and sigma (unless
                                   fixed) and Laney's sigma_z. */
    double limit;             /**< Shewhart and Laney limits in sigmas,
                                   > 0; default 3. */
    double ewma_lambda;       /**< EWMA weight in (0, 1]; default 0.2. */
    double ewma_limit;        /**< EWMA L > 0; default 3. */
    double cusum_k;           /**< CUSUM reference value k >= 0; default
                                   0.5. */
    double cusum_h;           /**< CUSUM decision interval h > 0; default 5
                                   (two-sided in-control ARL about 465). */
} loy_chart_options;

/** Static initialiser of loy_chart_options (defaults). @since 1.1 */
#define LOY_CHART_OPTIONS_INIT {sizeof(loy_chart_options),                 \
    LOY_CHART_TARGET_BASELINE, 0.0, 0.0, 0u, 0u, 3.0, 0.2, 3.0, 0.5, 5.0}

/** Point code: no answers in this period (a gap). @since 1.1 */
#define LOY_SIGNAL_GAP 0x1u
/** Point code: the period lies in the baseline window. @since 1.1 */
#define LOY_SIGNAL_BASELINE 0x2u
/** Point code: NPS above the centre line. @since 1.1 */
#define LOY_SIGNAL_ABOVE 0x4u
/** Point code: NPS below the centre line. @since 1.1 */
#define LOY_SIGNAL_BELOW 0x8u
/** Point code: above the upper Shewhart limit. @since 1.1 */
#define LOY_SIGNAL_SHEWHART_HIGH 0x10u
/** Point code: below the lower Shewhart limit. @since 1.1 */
#define LOY_SIGNAL_SHEWHART_LOW 0x20u
/** Point code: above the upper Laney limit. @since 1.1 */
#define LOY_SIGNAL_LANEY_HIGH 0x40u
/** Point code: below the lower Laney limit. @since 1.1 */
#define LOY_SIGNAL_LANEY_LOW 0x80u
/** Point code: EWMA above its upper limit. @since 1.1 */
#define LOY_SIGNAL_EWMA_HIGH 0x100u
/** Point code: EWMA below its lower limit. @since 1.1 */
#define LOY_SIGNAL_EWMA_LOW 0x200u
/** Point code: upper CUSUM above h. @since 1.1 */
#define LOY_SIGNAL_CUSUM_HIGH 0x400u
/** Point code: lower CUSUM above h. @since 1.1 */
#define LOY_SIGNAL_CUSUM_LOW 0x800u
/** Point code: part of a run on one side of the centre line longer than
 *  the Anhoej limit. @since 1.1 */
#define LOY_SIGNAL_LONG_RUN 0x1000u
/** Mask of every signal bit of a point code. @since 1.1 */
#define LOY_SIGNAL_ANY 0x1FF0u

/** Unit flag: no answers in the baseline window; not charted. @since 1.1 */
#define LOY_CHART_NO_BASELINE 0x1u
/** Unit flag: zero baseline variance (all baseline answers in one
 *  class); not charted. @since 1.1 */
#define LOY_CHART_DEGENERATE 0x2u
/** Unit flag: no Laney chart (fewer than two baseline points or a zero
 *  moving range). @since 1.1 */
#define LOY_CHART_NO_LANEY 0x4u
/** Unit flag: the longest run exceeds the Anhoej limit. @since 1.1 */
#define LOY_CHART_LONG_RUN 0x8u
/** Unit flag: fewer crossings of the centre line than the Anhoej limit.
 *  @since 1.1 */
#define LOY_CHART_FEW_CROSSINGS 0x10u

/**
 * @brief Per-unit outputs of loy_chart_compute(): arrays of n_units
 *        entries, each optional (NULL).
 *
 * For units that are not charted (#LOY_CHART_NO_BASELINE,
 * #LOY_CHART_DEGENERATE) only `flags`, `n_points` and the first_* entries
 * (#LOY_NO_INDEX) are written.
 * @since 1.1
 */
typedef struct loy_chart_units {
    size_t struct_size;        /**< sizeof(loy_chart_units). */
    double *centre;            /**< Centre line cl. */
    double *sigma;             /**< Per-response SD sqrt(p + d - cl^2). */
    double *sigma_z;           /**< Laney's sigma_z (written when the
                                    Laney chart exists). */
    size_t *n_points;          /**< Periods with answers. */
    size_t *n_useful;          /**< Points off the centre line (runs). */
    size_t *longest_run;       /**< Longest run on one side. */
    size_t *longest_run_limit; /**< Signal if longest_run > this. */
    size_t *crossings;         /**< Crossings of the centre line. */
    size_t *crossings_limit;   /**< Signal if crossings < this. */
    size_t *first_shewhart;    /**< First Shewhart signal or LOY_NO_INDEX. */
    size_t *first_laney;       /**< First Laney signal or LOY_NO_INDEX. */
    size_t *first_ewma;        /**< First EWMA signal or LOY_NO_INDEX. */
    size_t *first_cusum;       /**< First CUSUM signal or LOY_NO_INDEX. */
    uint32_t *flags;           /**< LOY_CHART_* unit flags. */
} loy_chart_units;

/** Static initialiser of loy_chart_units: no outputs (all NULL).
 *  @since 1.1 */
#define LOY_CHART_UNITS_INIT {sizeof(loy_chart_units), NULL, NULL, NULL,    \
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/**
 * @brief Per-point outputs of loy_chart_compute(): arrays of
 *        n_units * n_periods entries (unit-major), each optional (NULL).
 *
 * Gaps are not written except `codes`; for units that are not charted
 * only `nps` and `codes` are written. Limits are clipped to [-1, 1];
 * signals are decided on the standardised scale, where clipping does not
 * matter.
 * @since 1.1
 */
typedef struct loy_chart_points {
    size_t struct_size;      /**< sizeof(loy_chart_points). */
    double *nps;             /**< x_t = (P - D)/n. */
    double *shewhart_lower;  /**< cl - limit * s_t. */
    double *shewhart_upper;  /**< cl + limit * s_t. */
    double *laney_lower;     /**< cl - limit * sigma_z * s_t. */
    double *laney_upper;     /**< cl + limit * sigma_z * s_t. */
    double *ewma;            /**< e_t. */
    double *ewma_lower;      /**< cl - L sqrt(sigma^2 a_t). */
    double *ewma_upper;      /**< cl + L sqrt(sigma^2 a_t). */
    double *cusum_upper;     /**< C+_t (standardised). */
    double *cusum_lower;     /**< C-_t (standardised, >= 0). */
    uint32_t *codes;         /**< LOY_SIGNAL_* bits. */
} loy_chart_points;

/** Static initialiser of loy_chart_points: no outputs (all NULL).
 *  @since 1.1 */
#define LOY_CHART_POINTS_INIT {sizeof(loy_chart_points), NULL, NULL, NULL,  \
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/**
 * @brief Initialise chart options to the defaults.
 * @param[out] opts options; struct_size set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.1
 */
LOY_API int loy_chart_options_init(loy_chart_options *opts);

/**
 * @brief Control charts of NPS per period, for one or many units in one
 *        pass: Shewhart, Laney, EWMA, CUSUM and Anhoej runs rules.
 *
 * From the baseline window (or the fixed target): cl and
 * sigma^2 = p + d - cl^2, and s_t = sqrt(sigma^2/n_t). Shewhart limits
 * cl -/+ limit s_t; Laney's cl -/+ limit sigma_z s_t with sigma_z the mean
 * moving range of the baseline z-scores over 1.128; EWMA e_t =
 * lambda x_t + (1 - lambda) e_{t-1} from e_0 = cl with the exact variance
 * sigma^2 a_t, a_t = (1 - lambda)^2 a_{t-1} + lambda^2/n_t; CUSUM on
 * u_t = (x_t - cl)/s_t, C+ = max(0, C+ + u - k), C- = max(0, C- - u - k),
 * signal when C > h (no restart after a signal); runs rules on the points
 * off the centre line: signal if the longest run > round(log2(n_u)) + 3
 * or the crossings < qbinom(0.05, n_u - 1, 1/2). Signals are strict.
 * Gaps get no point, no EWMA or CUSUM update and no runs entry. Runs no
 * allocation.
 * @param units per-unit outputs, or NULL.
 * @param points per-point outputs, or NULL.
 * @param counts n_units * n_periods tallies, unit-major.
 * @param n_units number of units, >= 1.
 * @param n_periods periods per unit, >= 1.
 * @param stride uint64_t from one tally to the next, >= 3.
 * @param opts options or NULL for the defaults.
 * @param[out] err_index optional: the tally index u*n_periods + t whose
 *        counts overflow.
 * @return LOY_OK; LOY_EINVAL (NULL counts, stride < 3, sizes whose
 *         product overflows, bad struct_size, unknown target);
 *         LOY_EEMPTY (no units or no periods); LOY_ENONFINITE (NaN
 *         option); LOY_EDOMAIN (baseline window outside the series,
 *         lambda outside (0, 1], limit, L or h <= 0, k < 0, a fixed target
 *         outside the simplex or with zero variance); LOY_EOVERFLOW (a
 *         count sum overflows; outputs of earlier units are then written,
 *         the rest unspecified). Options are checked before anything is
 *         written.
 * @since 1.1
 */
LOY_API int loy_chart_compute(const loy_chart_units *units,
                              const loy_chart_points *points,
                              const uint64_t *counts, size_t n_units,
                              size_t n_periods, size_t stride,
                              const loy_chart_options *opts,
                              size_t *err_index);

/* ===================================================================== */
/* Chart design: average run lengths                                     */
/* ===================================================================== */

/** Two-sided chart (default). @since 1.1 */
#define LOY_ARL_TWO_SIDED 0u
/** Upper one-sided chart (signals upward shifts). @since 1.1 */
#define LOY_ARL_UPPER 1u
/** Lower one-sided chart. @since 1.1 */
#define LOY_ARL_LOWER 2u

/**
 * @brief Options of the run-length functions. NULL means all defaults.
 * @since 1.1
 */
typedef struct loy_arl_options {
    size_t struct_size; /**< sizeof(loy_arl_options). */
    size_t nodes;       /**< Gauss-Legendre nodes; 0 (default) chooses
                             enough for about 1e-12 relative; at most
                             2000. */
    double head_start;  /**< Start value of the chart statistic: for the
                             EWMA in asymptotic SDs (like the limit), for
                             the CUSUM in the units of h; default 0. */
    double reflect;     /**< One-sided EWMA: reflecting barrier in
                             asymptotic SDs (spc's zr); default 0. */
} loy_arl_options;

/** Static initialiser of loy_arl_options (defaults). @since 1.1 */
#define LOY_ARL_OPTIONS_INIT {sizeof(loy_arl_options), 0u, 0.0, 0.0}

/**
 * @brief Initialise run-length options to the defaults.
 * @param[out] opts options; struct_size set to sizeof.
 * @return LOY_OK, or LOY_EINVAL if opts is NULL.
 * @since 1.1
 */
LOY_API int loy_arl_options_init(loy_arl_options *opts);

/**
 * @brief Average run length of an EWMA chart (Crowder 1987, Nystroem).
 *
 * Observations N(shift, 1); the EWMA starts at the head start and signals
 * outside the fixed asymptotic limits -/+ c, c = limit sqrt(lambda/(2 -
 * lambda)). One-sided charts reflect at the barrier (upper: z_t =
 * max(reflect, ...), signal above c), as spc's `xewma.arl(sided="one")`;
 * the lower chart is the mirror image. The chart of loy_chart_compute()
 * uses the exact, narrower early limits, which adds a few early false
 * alarms (about 1% of ARL0 for lambda = 0.2, L = 3).
 * @param[out] arl the average run length (>= 1).
 * @param lambda weight in (0, 1].
 * @param limit L > 0.
 * @param shift mean shift in SDs of one observation.
 * @param sides #LOY_ARL_TWO_SIDED, #LOY_ARL_UPPER or #LOY_ARL_LOWER.
 * @param opts options or NULL.
 * @return LOY_OK; LOY_EINVAL (NULL, unknown sides, bad struct_size);
 *         LOY_ENONFINITE; LOY_EDOMAIN (lambda, limit, nodes > 2000, head
 *         start outside the continuation region, barrier >= limit);
 *         LOY_ENOMEM; LOY_EDEGENERATE (the run length is too large for
 *         double precision, above about 1e13).
 * @since 1.1
 */
LOY_API int loy_arl_ewma(double *arl, double lambda, double limit,
                         double shift, uint32_t sides,
                         const loy_arl_options *opts);

/**
 * @brief Average run length of a standardised CUSUM (Brook-Evans
 *        integral equation, Nystroem with the atom at 0).
 *
 * Upper: C+ = max(0, C+ + X - k), signal when C+ > h. Lower: the mirror
 * image. Two-sided: 1/ARL = 1/ARL+ + 1/ARL- (Lucas and Crosier 1982;
 * exact when h <= 2k, the standard approximation otherwise); with a head
 * start s, (L+(s) L-(0) + L+(0) L-(s) - L+(0) L-(0)) / (L+(0) + L-(0)),
 * meant for s < h/2 + k (as spc's `xcusum.arl(sided = "two")`).
 * @param[out] arl the average run length (>= 1).
 * @param k reference value >= 0.
 * @param h decision interval > 0.
 * @param shift mean shift in SDs.
 * @param sides #LOY_ARL_TWO_SIDED, #LOY_ARL_UPPER or #LOY_ARL_LOWER.
 * @param opts options or NULL (head start in [0, h)).
 * @return as loy_arl_ewma() (LOY_EDOMAIN for k < 0, h <= 0).
 * @since 1.1
 */
LOY_API int loy_arl_cusum(double *arl, double k, double h, double shift,
                          uint32_t sides, const loy_arl_options *opts);

/**
 * @brief The EWMA limit L with a given in-control ARL (bracketing search
 *        on the increasing ARL0(L)).
 * @param[out] limit L, to 1e-11 relative.
 * @param lambda weight in (0, 1].
 * @param arl0 target in-control ARL, in (1, 1e9].
 * @param sides as for loy_arl_ewma().
 * @param opts options or NULL (a head start is not allowed here).
 * @return as loy_arl_ewma(); LOY_EDOMAIN also for arl0 outside (1, 1e9]
 *         or a head start other than 0.
 * @since 1.1
 */
LOY_API int loy_arl_ewma_limit(double *limit, double lambda, double arl0,
                               uint32_t sides, const loy_arl_options *opts);

/**
 * @brief The CUSUM decision interval h with a given in-control ARL.
 * @param[out] h the decision interval, to 1e-11 relative.
 * @param k reference value >= 0.
 * @param arl0 target in-control ARL, in (1, 1e9].
 * @param sides as for loy_arl_cusum().
 * @param opts options or NULL (a head start is not allowed here).
 * @return as loy_arl_cusum(); LOY_EDOMAIN also for arl0 outside (1, 1e9]
 *         or a head start other than 0.
 * @since 1.1
 */
LOY_API int loy_arl_cusum_limit(double *h, double k, double arl0,
                                uint32_t sides, const loy_arl_options *opts);

/* ===================================================================== */
/* Change between periods and the top-box trend                          */
/* ===================================================================== */

/** Change flag: no comparison at this point (t < lag, or either period is
 *  a gap). Other bits are the LOY_NPS_* flags of loy_nps_compare().
 *  @since 1.1 */
#define LOY_CHANGE_NONE 0x100u

/**
 * @brief Per-point outputs of loy_change_compute(): arrays of
 *        n_units * n_periods entries, each optional (NULL).
 *
 * Point (u, t) compares period t with period t - lag of the same unit.
 * Points flagged #LOY_CHANGE_NONE are not written except `flags`; when
 * the difference has zero standard error (#LOY_NPS_DEGENERATE) only
 * `diff`, `se` and `flags` are written.
 * @since 1.1
 */
typedef struct loy_change_points {
    size_t struct_size; /**< sizeof(loy_change_points). */
    double *diff;       /**< NPS_t - NPS_{t-lag}. */
    double *se;         /**< sqrt(V_t/n_t + V_{t-lag}/n_{t-lag}). */
    double *z;          /**< diff / se. */
    double *p_value;    /**< Two-sided p-value. */
    double *lower;      /**< Interval, clipped to [-2, 2]. */
    double *upper;      /**< Interval, clipped to [-2, 2]. */
    uint32_t *flags;    /**< LOY_CHANGE_NONE or LOY_NPS_* flags. */
} loy_change_points;

/** Static initialiser of loy_change_points: no outputs (all NULL).
 *  @since 1.1 */
#define LOY_CHANGE_POINTS_INIT {sizeof(loy_change_points), NULL, NULL, NULL, \
    NULL, NULL, NULL, NULL}

/**
 * @brief Period-over-period NPS change for every unit and period, by the
 *        two-sample comparison of loy_nps_compare().
 * @param out per-point outputs (required; members may be NULL).
 * @param counts n_units * n_periods tallies, unit-major.
 * @param n_units number of units, >= 1.
 * @param n_periods periods per unit, >= 1.
 * @param stride uint64_t from one tally to the next, >= 3.
 * @param lag periods back, >= 1 (1: week over week, 52: year over year).
 * @param method #LOY_NPS_WALD or #LOY_NPS_ADJUSTED_WALD.
 * @param level confidence level in (0, 1).
 * @param opts NPS options (pseudo-counts) or NULL.
 * @param[out] err_index optional: the tally whose counts overflow.
 * @return LOY_OK; LOY_EINVAL (NULL, stride < 3, unknown method, lag 0,
 *         sizes overflow); LOY_EEMPTY (no units or periods); LOY_EDOMAIN;
 *         LOY_ENONFINITE; LOY_EOVERFLOW.
 * @since 1.1
 */
LOY_API int loy_change_compute(const loy_change_points *out,
                               const uint64_t *counts, size_t n_units,
                               size_t n_periods, size_t stride, size_t lag,
                               uint32_t method, double level,
                               const loy_nps_options *opts,
                               size_t *err_index);

/** Trend flag: fewer than two periods with top-box or 7-8 answers, or no
 *  variation in time; nothing else written. @since 1.1 */
#define LOY_TREND_EMPTY 0x1u
/** Trend flag: all such answers are top-box, or none are, or they
 *  separate in time (the slope's maximum-likelihood estimate is
 *  infinite); nothing else written. @since 1.1 */
#define LOY_TREND_SEPARATED 0x2u
/** Trend flag: extra-binomial variation between periods (dispersion > 1)
 *  widened the standard error. @since 1.1 */
#define LOY_TREND_OVERDISPERSED 0x4u

/**
 * @brief Per-unit outputs of loy_topbox_trend(): arrays of n_units
 *        entries, each optional (NULL).
 * @since 1.1
 */
typedef struct loy_trend_units {
    size_t struct_size;   /**< sizeof(loy_trend_units). */
    double *slope;        /**< Change per period in the log-odds of a
                               top-box answer among top-box and 7-8. */
    double *se;           /**< Quasi-binomial standard error. */
    double *lower;        /**< slope - c se (c normal, or t when
                               overdispersed). */
    double *upper;        /**< slope + c se. */
    double *p_value;      /**< Two-sided p-value of slope = 0. */
    double *dispersion;   /**< max(1, Pearson X^2 / (T - 2)), 1 if T = 2. */
    double *share_first;  /**< Fitted top-box share at the first used
                               period. */
    double *share_last;   /**< Fitted top-box share at the last one. */
    size_t *n_periods;    /**< Periods used (P + A > 0). */
    uint32_t *flags;      /**< LOY_TREND_* flags. */
} loy_trend_units;

/** Static initialiser of loy_trend_units: no outputs (all NULL).
 *  @since 1.1 */
#define LOY_TREND_UNITS_INIT {sizeof(loy_trend_units), NULL, NULL, NULL,    \
    NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/**
 * @brief Trend of the top-box share P / (P + A) over periods: are 9-10
 *        answers gaining on 7-8 answers?
 *
 * Binomial logistic regression of P_t out of P_t + A_t on the period
 * index t (Newton-Raphson), with the quasi-binomial dispersion
 * max(1, X^2/(T - 2)) scaling the variance; when it exceeds 1 (flag
 * #LOY_TREND_OVERDISPERSED) the p-value and interval use Student's t with
 * T - 2 degrees of freedom (as R's glm(family = quasibinomial)),
 * otherwise the normal distribution. Detractors do not enter.
 * @param out per-unit outputs (required; members may be NULL).
 * @param counts n_units * n_periods tallies, unit-major.
 * @param n_units number of units, >= 1.
 * @param n_periods periods per unit, >= 1.
 * @param stride uint64_t from one tally to the next, >= 3.
 * @param level confidence level in (0, 1).
 * @param[out] err_index optional: the tally whose counts overflow.
 * @return LOY_OK; LOY_EINVAL; LOY_EEMPTY; LOY_EDOMAIN; LOY_ENONFINITE;
 *         LOY_EOVERFLOW.
 * @since 1.1
 */
LOY_API int loy_topbox_trend(const loy_trend_units *out,
                             const uint64_t *counts, size_t n_units,
                             size_t n_periods, size_t stride, double level,
                             size_t *err_index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_CONSISTENCY_H */
