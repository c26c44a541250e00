/* SPDX-License-Identifier: MIT */
/*
 * chart_internal.h - internals of the control charts (chart*.c): the
 * checked configuration, the per-unit state, and the passes shared by the
 * scalar and the AVX-512 paths. Never installed.
 *
 * Both paths evaluate the same IEEE operations in the same order (no
 * fused multiply-add, reciprocal then product), so they give identical
 * codes and statistics; tests/test_consistency_chart.c checks that.
 */
#ifndef LOY_CHART_INTERNAL_H
#define LOY_CHART_INTERNAL_H

#include "consistency/consistency_internal.h"

/* Laney's d2 for moving ranges of two points (2/sqrt(pi) to 4 digits, as
 * Laney 2002 and qicharts2 use it). */
#define LOY__CHART_D2 1.128

/* Options after checking, with derived constants. */
typedef struct loy__chart_cfg {
    size_t n_units, n_periods, stride;
    size_t b0, b1;            /* baseline window [b0, b1) */
    int fixed;                /* fixed target */
    double fixed_cl, fixed_var;
    double limit, lambda, ewma_limit, k, h;
    double c1, lam2;          /* (1 - lambda)^2, lambda^2 */
} loy__chart_cfg;

/* First-signal slots. */
enum { LOY__FIRST_SHEWHART, LOY__FIRST_LANEY, LOY__FIRST_EWMA,
       LOY__FIRST_CUSUM };

/* Everything known about one unit. */
typedef struct loy__chart_unit {
    /* baseline window */
    uint64_t base_n, base_p, base_d;
    double mr_sum;            /* sum of |z_t - z_prev| over the window */
    size_t mr_count;
    /* parameters */
    double cl, var, sigma, inv_sigma, sigma_z;
    int charted, laney;
    uint32_t flags;           /* LOY_CHART_* */
    /* main pass */
    size_t n_points, n_useful, longest, runs;
    size_t first[4];
} loy__chart_unit;

/* Anhoej limits for n_u useful points, cached for n_u <= 256. */
typedef struct loy__runs_cache {
    int16_t crossings[257];   /* -1: not computed yet */
} loy__runs_cache;

void loy__runs_cache_init(loy__runs_cache *rc);

/* Longest-run and crossings limits of a series with n_u useful points. */
size_t loy__runs_longest_limit(size_t n_u);
size_t loy__runs_crossings_limit(loy__runs_cache *rc, size_t n_u);

/* After the main pass: the runs verdict into u->flags, and the
 * LOY_SIGNAL_LONG_RUN bits on the unit's codes (when not NULL). */
void loy__runs_finish(loy__chart_unit *u, uint32_t *codes, size_t n_periods,
                      loy__runs_cache *rc);

/* Baseline sums of one unit's row; LOY_EOVERFLOW with *err_t set to the
 * offending period. */
int loy__chart_baseline_scalar(loy__chart_unit *u, const uint64_t *row,
                               const loy__chart_cfg *c, size_t *err_t);

/* Centre line and sigma from the sums (or the fixed target). */
void loy__chart_params(loy__chart_unit *u, const loy__chart_cfg *c);

/* Laney's moving ranges over the window (scalar), then sigma_z. */
void loy__chart_laney_scalar(loy__chart_unit *u, const uint64_t *row,
                             const loy__chart_cfg *c);
void loy__chart_laney_finish(loy__chart_unit *u);

/* The main pass of one unit, with any per-point outputs; `base` is the
 * index of the unit's first point. LOY_EOVERFLOW with *err_t. */
int loy__chart_main_scalar(loy__chart_unit *u, const uint64_t *row,
                           const loy__chart_cfg *c,
                           const loy_chart_points *pts, size_t base,
                           size_t *err_t);

/*
 * The AVX-512 path for a group of 8 consecutive units starting at `row0`
 * (lanes >= n_lanes repeat the last unit and are discarded): every pass,
 * codes written to codes0 (the group's first code, or NULL). `next` is the
 * next group's first row for prefetching (next_lanes units), or NULL.
 * Returns 1 when some
 * count is too large for the vector path (>= 2^40): the caller then redoes
 * the group with the scalar path; 0 otherwise.
 */
int loy__chart_group_avx512(loy__chart_unit u[8], const uint64_t *row0,
                            size_t n_lanes, const loy__chart_cfg *c,
                            uint32_t *codes0, const uint64_t *next,
                            size_t next_lanes);

/* Whether the running CPU has the AVX-512 subsets the group kernel uses. */
int loy__chart_have_avx512(void);

/* Point codes of the window, before any signal. */
static inline uint32_t
loy__chart_base_code(const loy__chart_cfg *c, size_t t)
{
    return (t >= c->b0 && t < c->b1) ? LOY_SIGNAL_BASELINE : 0u;
}

/* The chart implementation behind loy_chart_compute(); force_scalar = 1
 * skips the vector path (tests compare the two). */
int loy__chart_compute(const loy_chart_units *units,
                       const loy_chart_points *points,
                       const uint64_t *counts, size_t n_units,
                       size_t n_periods, size_t stride,
                       const loy_chart_options *opts, size_t *err_index,
                       int force_scalar);

#endif /* LOY_CHART_INTERNAL_H */
