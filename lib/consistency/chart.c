/* SPDX-License-Identifier: MIT */
/*
 * chart.c - loy_chart_compute(): option checks, the walk over units, and
 * the per-unit outputs (MODELS.md 13.3).
 *
 * Each unit is charted in one pass over its row after its baseline window
 * (which is usually a prefix of the same row, still in cache). Nothing is
 * allocated: every unit's state is a few scalars. When the caller asks for
 * codes and per-unit figures only and the CPU has AVX-512, eight units
 * are charted at a time (chart_avx512.c); per-point values are written by
 * the scalar path (chart_scalar.c). The two give identical results.
 */
#include "consistency/chart_internal.h"

#define LANES 8
#define SIMD_MAX_PERIODS ((size_t)1 << 20) /* keeps vector sums < 2^60 */

int
loy_chart_options_init(loy_chart_options *opts)
{
    static const loy_chart_options defaults = LOY_CHART_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = defaults;
    return LOY_OK;
}

/* Numeric options: finite (else LOY_ENONFINITE), then their domains. */
static int
check_numbers(const loy_chart_options *o)
{
    LOY__REQUIRE(loy__finite(o->limit) && loy__finite(o->ewma_lambda)
                     && loy__finite(o->ewma_limit) && loy__finite(o->cusum_k)
                     && loy__finite(o->cusum_h),
                 LOY_ENONFINITE);
    LOY__REQUIRE(o->limit > 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(o->ewma_lambda > 0.0 && o->ewma_lambda <= 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(o->ewma_limit > 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(o->cusum_k >= 0.0 && o->cusum_h > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

static int
read_options(loy__chart_cfg *c, const loy_chart_options *opts)
{
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t len;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size, sizeof o),
                     LOY_EINVAL);
        loy__struct_copy_in(&o, opts, sizeof o);
    }
    LOY__REQUIRE(o.target <= LOY_CHART_TARGET_FIXED, LOY_EINVAL);
    LOY__TRY(check_numbers(&o));
    /* The window must lie inside the series. */
    LOY__REQUIRE(o.baseline_start < c->n_periods, LOY_EDOMAIN);
    len = o.baseline_length == 0 ? c->n_periods - o.baseline_start
                                 : o.baseline_length;
    LOY__REQUIRE(len <= c->n_periods - o.baseline_start, LOY_EDOMAIN);
    c->b0 = o.baseline_start;
    c->b1 = o.baseline_start + len;
    c->fixed = o.target == LOY_CHART_TARGET_FIXED;
    if (c->fixed) {
        double p0 = o.target_promoters, d0 = o.target_detractors;
        LOY__TRY(loy__target_check(p0, d0));
        c->fixed_cl = p0 - d0;
        c->fixed_var = loy__answer_var(p0, d0);
    }
    c->limit = o.limit;
    c->lambda = o.ewma_lambda;
    c->ewma_limit = o.ewma_limit;
    c->k = o.cusum_k;
    c->h = o.cusum_h;
    c->c1 = (1.0 - c->lambda) * (1.0 - c->lambda);
    c->lam2 = c->lambda * c->lambda;
    return LOY_OK;
}

static int
wants_values(const loy_chart_points *p)
{
    return p != NULL
           && (p->nps != NULL || p->shewhart_lower != NULL
               || p->shewhart_upper != NULL || p->laney_lower != NULL
               || p->laney_upper != NULL || p->ewma != NULL
               || p->ewma_lower != NULL || p->ewma_upper != NULL
               || p->cusum_upper != NULL || p->cusum_lower != NULL);
}

static void
unit_init(loy__chart_unit *u)
{
    memset(u, 0, sizeof *u);
    u->first[0] = u->first[1] = u->first[2] = u->first[3] = LOY_NO_INDEX;
}

static void
write_unit(const loy_chart_units *o, size_t i, const loy__chart_unit *u,
           loy__runs_cache *rc)
{
    if (o == NULL)
        return;
    LOY__PUT(o->flags, i, u->flags);
    LOY__PUT(o->n_points, i, u->n_points);
    LOY__PUT(o->first_shewhart, i, u->first[LOY__FIRST_SHEWHART]);
    LOY__PUT(o->first_laney, i, u->first[LOY__FIRST_LANEY]);
    LOY__PUT(o->first_ewma, i, u->first[LOY__FIRST_EWMA]);
    LOY__PUT(o->first_cusum, i, u->first[LOY__FIRST_CUSUM]);
    if (!u->charted)
        return;
    LOY__PUT(o->centre, i, u->cl);
    LOY__PUT(o->sigma, i, u->sigma);
    if (u->laney)
        LOY__PUT(o->sigma_z, i, u->sigma_z);
    LOY__PUT(o->n_useful, i, u->n_useful);
    LOY__PUT(o->longest_run, i, u->longest);
    LOY__PUT(o->longest_run_limit, i, loy__runs_longest_limit(u->n_useful));
    LOY__PUT(o->crossings, i, u->runs > 0 ? u->runs - 1 : 0);
    LOY__PUT(o->crossings_limit, i, loy__runs_crossings_limit(rc, u->n_useful));
}

/* One unit by the scalar path. */
static int
unit_scalar(loy__chart_unit *u, const uint64_t *row, const loy__chart_cfg *c,
            const loy_chart_points *pts, size_t base, loy__runs_cache *rc,
            size_t *err_t)
{
    unit_init(u);
    LOY__TRY(loy__chart_baseline_scalar(u, row, c, err_t));
    loy__chart_params(u, c);
    if (u->charted)
        loy__chart_laney_scalar(u, row, c);
    loy__chart_laney_finish(u);
    LOY__TRY(loy__chart_main_scalar(u, row, c, pts, base, err_t));
    loy__runs_finish(u,
                     pts != NULL && pts->codes != NULL ? pts->codes + base
                                                       : NULL,
                     c->n_periods, rc);
    return LOY_OK;
}

/* Units [i, i + n) by the vector path; falls back to the scalar path for a
 * group with huge counts. */
static int
group_simd(const loy_chart_units *units, const loy_chart_points *pts,
           const uint64_t *counts, const loy__chart_cfg *c, size_t i,
           size_t n, loy__runs_cache *rc, size_t *err_index)
{
    loy__chart_unit u[LANES];
    const size_t rowlen = c->n_periods * c->stride;
    uint32_t *codes = pts != NULL ? pts->codes : NULL;
    const uint64_t *next = NULL;
    size_t l, next_lanes = 0;
    if (i + n < c->n_units) {
        next = counts + (i + n) * rowlen;
        next_lanes = c->n_units - (i + n) < LANES ? c->n_units - (i + n) : LANES;
    }
    for (l = 0; l < LANES; l++)
        unit_init(&u[l]);
    if (loy__chart_group_avx512(u, counts + i * rowlen, n, c,
                                codes != NULL ? codes + i * c->n_periods : NULL,
                                next, next_lanes)
        != 0) {
        for (l = 0; l < n; l++) {
            size_t t = 0;
            int rv = unit_scalar(&u[l], counts + (i + l) * rowlen, c, pts,
                                 (i + l) * c->n_periods, rc, &t);
            if (rv != LOY_OK) {
                loy__set_index(err_index, (i + l) * c->n_periods + t);
                return rv;
            }
            write_unit(units, i + l, &u[l], rc);
        }
        return LOY_OK;
    }
    for (l = 0; l < n; l++) {
        loy__runs_finish(&u[l],
                         codes != NULL ? codes + (i + l) * c->n_periods : NULL,
                         c->n_periods, rc);
        write_unit(units, i + l, &u[l], rc);
    }
    return LOY_OK;
}

int
loy__chart_compute(const loy_chart_units *units,
                   const loy_chart_points *points, const uint64_t *counts,
                   size_t n_units, size_t n_periods, size_t stride,
                   const loy_chart_options *opts, size_t *err_index,
                   int force_scalar)
{
    loy__chart_cfg c;
    loy__runs_cache rc;
    size_t n_tallies, i;
    int simd;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(units == NULL || LOY__STRUCT_OK(units, sizeof *units),
                 LOY_EINVAL);
    LOY__REQUIRE(points == NULL || LOY__STRUCT_OK(points, sizeof *points),
                 LOY_EINVAL);
    LOY__TRY(loy__tally_array_check(&n_tallies, counts, n_units, n_periods,
                                    stride));
    memset(&c, 0, sizeof c);
    c.n_units = n_units;
    c.n_periods = n_periods;
    c.stride = stride;
    LOY__TRY(read_options(&c, opts));
    loy__runs_cache_init(&rc);
    simd = !force_scalar && !wants_values(points)
           && n_periods <= SIMD_MAX_PERIODS && loy__chart_have_avx512();
    for (i = 0; i < n_units;) {
        if (simd) {
            size_t n = n_units - i < LANES ? n_units - i : LANES;
            LOY__TRY(group_simd(units, points, counts, &c, i, n, &rc,
                                err_index));
            i += n;
        } else {
            loy__chart_unit u;
            size_t t = 0;
            int rv = unit_scalar(&u, counts + i * n_periods * stride, &c,
                                 points, i * n_periods, &rc, &t);
            if (rv != LOY_OK) {
                loy__set_index(err_index, i * n_periods + t);
                return rv;
            }
            write_unit(units, i, &u, &rc);
            i++;
        }
    }
    (void)n_tallies;
    return LOY_OK;
}

int
loy_chart_compute(const loy_chart_units *units, const loy_chart_points *points,
                  const uint64_t *counts, size_t n_units, size_t n_periods,
                  size_t stride, const loy_chart_options *opts,
                  size_t *err_index)
{
    return loy__chart_compute(units, points, counts, n_units, n_periods,
                              stride, opts, err_index, 0);
}
