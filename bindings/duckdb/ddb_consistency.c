/* SPDX-License-Identifier: MIT */
/*
 * ddb_consistency.c - funnels, control charts, change, top-box trend and
 * chart design for DuckDB, as in the PostgreSQL extension: scalar
 * functions over LISTs of rows (units VARCHAR[], periods BIGINT[] | DATE[]
 * | VARCHAR[], tallies BLOB[]) returning a LIST of STRUCTs (unnest it),
 * and the ARL scalars. Options come as one VARCHAR of key=value words
 * named like the PostgreSQL parameters, e.g. 'overdispersion=additive
 * alpha=0.1 exact' or 'baseline_length=8'. The grid, options and the
 * per-row driver are in ddb_grid.c.
 */
#include "ddb_grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFLAGS(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ */
/* funnel                                                               */
/* ------------------------------------------------------------------ */

static const DdbFlag funnel_flags[] = {
    {LOY_FUNNEL_EMPTY, "empty"}, {LOY_FUNNEL_DEGENERATE, "degenerate"},
    {LOY_FUNNEL_BELOW, "below"}, {LOY_FUNNEL_ABOVE, "above"},
    {LOY_FUNNEL_OUTSIDE_INNER, "outside_inner"},
    {LOY_FUNNEL_OUTSIDE_OUTER, "outside_outer"},
    {LOY_FUNNEL_BONFERRONI, "bonferroni"}, {LOY_FUNNEL_FDR, "fdr"},
    {LOY_FUNNEL_EXACT_INNER, "exact_inner"},
    {LOY_FUNNEL_EXACT_OUTER, "exact_outer"},
};

static const DdbFlag fit_flags[] = {
    {LOY_FUNNEL_NO_HETEROGENEITY, "no_heterogeneity"},
    {LOY_FUNNEL_NO_OVERDISPERSION, "no_overdispersion"},
    {LOY_FUNNEL_OD_APPLIED, "overdispersion_applied"},
    {LOY_FUNNEL_NO_DISCOVERY, "no_discovery"},
};

#define FU_VALS 13 /* nps .. p_upper */
static const char *const fu_names[] = {
    "unit", "n", "nps", "se", "z", "z_adjusted", "p_value", "lower_inner",
    "upper_inner", "lower_outer", "upper_outer", "shrunk", "shrunk_se",
    "p_lower", "p_upper", "flags"};
#define FU_FIELDS 16

static duckdb_logical_type
funnel_type(void)
{
    duckdb_logical_type t[FU_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(DUCKDB_TYPE_BIGINT);
    for (k = 2; k < 2 + FU_VALS; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[FU_FIELDS - 1] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_list_of_struct(FU_FIELDS, fu_names, t);
}


/* The funnel of the job's grid: j->v holds FU_VALS blocks of n_units
 * (nps, se, z, z_adjusted, p_value, four limits, shrunk, shrunk_se,
 * p_lower, p_upper), j->codes the unit flags, j->fit the summary. */
static long long
funnel_compute(DdbJob *j)
{
    enum { O_TP, O_TD, O_IN, O_OUT, O_WIN, O_ALPHA, O_N };
    DdbOpt o[O_N] = {{"target_promoters", 0, 0}, {"target_detractors", 0, 0},
                     {"inner_level", 0.95, 0}, {"outer_level", 0.998, 0},
                     {"winsor", 0.1, 0}, {"alpha", 0.05, 0}};
    char od[32] = "none";
    const char *what = j->what;
    loy_funnel_options opts;
    loy_funnel_units u = LOY_FUNNEL_UNITS_INIT;
    size_t len, nu = j->g.n_units, k, m, bad = LOY_NO_INDEX;
    const char *os = ddb_options_of(j->in, 2, j->row, &len);
    uint64_t *sizes;
    size_t *which;
    double *lo, *hi;
    int fixed, exact = 0, lv, rc;
    if (ddb_parse_options(j->info, os, len, o, O_N, "overdispersion", od,
                          sizeof od, "exact", &exact, what) != 0
        || ddb_target_opts(j->info, &o[O_TP], &o[O_TD], &fixed, what) != 0
        || ddb_in_range(j->info, what, "inner_level", o[O_IN].v, 0, 1, 1, 1)
        || ddb_in_range(j->info, what, "outer_level", o[O_OUT].v, 0, 1, 1, 1)
        || ddb_in_range(j->info, what, "winsor", o[O_WIN].v, 0, 0.5, 0, 1)
        || ddb_in_range(j->info, what, "alpha", o[O_ALPHA].v, 0, 1, 1, 1))
        return -1;
    loy_funnel_options_init(&opts);
    if (fixed) {
        opts.target = LOY_FUNNEL_TARGET_FIXED;
        opts.target_promoters = o[O_TP].v;
        opts.target_detractors = o[O_TD].v;
    }
    opts.levels[0] = o[O_IN].v;
    opts.levels[1] = o[O_OUT].v;
    opts.winsor = o[O_WIN].v;
    opts.alpha = o[O_ALPHA].v;
    if (strcmp(od, "none") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_NONE;
    else if (strcmp(od, "additive") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_ADDITIVE;
    else if (strcmp(od, "multiplicative") == 0)
        opts.overdispersion = LOY_FUNNEL_OD_MULTIPLICATIVE;
    else {
        ddb_scalar_error(j->info, LOY_EINVAL, what, "unknown overdispersion "
                         "\"%s\" (none, additive, multiplicative)", od);
        return -1;
    }
    if (exact)
        opts.flags |= LOY_FUNNEL_EXACT;
    if ((j->v = ddb_job_nan(j, nu * FU_VALS)) == NULL
        || (j->codes = ddb_job_alloc(j, sizeof *j->codes * nu)) == NULL
        || (sizes = ddb_job_alloc(j, sizeof *sizes * nu)) == NULL
        || (which = ddb_job_alloc(j, sizeof *which * nu)) == NULL
        || (lo = ddb_job_alloc(j, sizeof *lo * nu)) == NULL
        || (hi = ddb_job_alloc(j, sizeof *hi * nu)) == NULL)
        return -1;
    u.nps = j->v;
    u.se = j->v + nu;
    u.z = j->v + 2 * nu;
    u.z_adjusted = j->v + 3 * nu;
    u.p_value = j->v + 4 * nu;
    u.shrunk = j->v + 9 * nu;
    u.shrunk_se = j->v + 10 * nu;
    if (exact) {
        u.p_lower = j->v + 11 * nu;
        u.p_upper = j->v + 12 * nu;
    }
    u.flags = j->codes;
    memset(&j->fit, 0, sizeof j->fit);
    j->fit.struct_size = sizeof j->fit;
    rc = loy_funnel_compute(&j->fit, &u, j->g.counts, nu, 3, &opts, &bad);
    for (k = 0, m = 0; rc == LOY_OK && k < nu; k++)
        if (ddb_grid_n(&j->g, k) > 0) {
            sizes[m] = ddb_grid_n(&j->g, k);
            which[m++] = k;
        }
    /* the limits of both levels at every used unit's size */
    for (lv = 0; lv < 2 && rc == LOY_OK; lv++) {
        rc = loy_funnel_limits(lo, hi, &j->fit, sizes, m, j->fit.levels[lv],
                               LOY_FUNNEL_LIMITS_ADJUSTED, NULL);
        for (k = 0; k < m && rc == LOY_OK; k++) {
            j->v[(size_t) (5 + 2 * lv) * nu + which[k]] = lo[k];
            j->v[(size_t) (6 + 2 * lv) * nu + which[k]] = hi[k];
        }
    }
    if (rc == LOY_OK)
        return (long long) nu;
    if (rc == LOY_EEMPTY)
        ddb_scalar_error(j->info, rc, what, "none of the %zu units has answers", nu);
    else if (rc == LOY_EDEGENERATE)
        ddb_scalar_error(j->info, rc, what, "every answer of the %zu units is in "
                         "one class: the pooled target has zero variance", nu);
    else if (rc == LOY_EOVERFLOW)
        ddb_scalar_error(j->info, rc, what, "the answers of all units together "
                         "exceed 2^64 - 1");
    else
        ddb_scalar_error(j->info, rc, what, "%s", loy_strerror(rc));
    return -1;
}

static void
funnel_emit(DdbJob *j, duckdb_vector sv, idx_t off)
{
    size_t nu = j->g.n_units, u;
    int c;
    for (u = 0; u < nu; u++) {
        idx_t row = off + u;
        duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                j->g.unit[u].s, j->g.unit[u].len);
        ddb_put_i64(sv, 1, row, (int64_t) ddb_grid_n(&j->g, u));
        for (c = 0; c < FU_VALS; c++)
            ddb_put_f64n(sv, (idx_t) (2 + c), row, j->v[(size_t) c * nu + u]);
        ddb_put_flags(sv, FU_FIELDS - 1, row, j->codes[u], funnel_flags,
                      NFLAGS(funnel_flags));
    }
}

/* nps_funnel(units VARCHAR[], tallies BLOB[] [, options VARCHAR]) */
static void
funnel_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    ddb_list_rows(info, in, out, 2, 0, "nps_funnel", funnel_compute, funnel_emit);
}

static const char *const fs_names[] = {
    "units", "used", "n", "target", "target_variance", "z_inner", "z_outer",
    "phi", "tau2_od", "outside_inner", "outside_outer", "bonferroni", "fdr",
    "fdr_p", "fdr_z", "q", "tau2", "tau", "i2", "mu", "mu_se", "flags"};
#define FS_FIELDS 22

static duckdb_logical_type
summary_type(void)
{
    static const char kinds[] = "IIBDDDDDDIIIIDDDDDDDDL";
    duckdb_logical_type t[FS_FIELDS];
    int k;
    for (k = 0; k < FS_FIELDS; k++)
        t[k] = kinds[k] == 'I'   ? ddb_type(DUCKDB_TYPE_INTEGER)
               : kinds[k] == 'B' ? ddb_type(DUCKDB_TYPE_BIGINT)
               : kinds[k] == 'D' ? ddb_type(DUCKDB_TYPE_DOUBLE)
                                 : ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_struct(FS_FIELDS, fs_names, t);
}


static void
summary_put(DdbJob *j, duckdb_vector out, idx_t i)
{
    const loy_funnel_result *f = &j->fit;
    const double d[14] = {f->target, f->target_variance, f->z_levels[0],
                          f->z_levels[1], f->phi, f->tau2_od, f->fdr_p,
                          f->fdr_z, f->q_stat, f->tau2, f->tau, f->i2, f->mu,
                          f->mu_se};
    int k;
    ddb_put_i32(out, 0, i, (int32_t) f->n_units);
    ddb_put_i32(out, 1, i, (int32_t) f->n_used);
    ddb_put_i64(out, 2, i, (int64_t) f->n_total);
    for (k = 0; k < 6; k++)
        ddb_put_f64(out, (idx_t) (3 + k), i, d[k]);
    ddb_put_i32(out, 9, i, (int32_t) f->n_outside[0]);
    ddb_put_i32(out, 10, i, (int32_t) f->n_outside[1]);
    ddb_put_i32(out, 11, i, (int32_t) f->n_bonferroni);
    ddb_put_i32(out, 12, i, (int32_t) f->n_fdr);
    for (k = 6; k < 14; k++)
        ddb_put_f64(out, (idx_t) (7 + k), i, d[k]);
    ddb_put_flags(out, FS_FIELDS - 1, i, f->flags, fit_flags, NFLAGS(fit_flags));
}

/* nps_funnel_summary(units VARCHAR[], tallies BLOB[] [, options]) */
static void
summary_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    ddb_struct_rows(info, in, out, 2, 0, "nps_funnel_summary", funnel_compute,
                    summary_put);
}

/* ------------------------------------------------------------------ */
/* control charts, change, top-box trend                                */
/* ------------------------------------------------------------------ */

static const DdbFlag signal_flags[] = {
    {LOY_SIGNAL_SHEWHART_HIGH, "shewhart_high"},
    {LOY_SIGNAL_SHEWHART_LOW, "shewhart_low"},
    {LOY_SIGNAL_LANEY_HIGH, "laney_high"}, {LOY_SIGNAL_LANEY_LOW, "laney_low"},
    {LOY_SIGNAL_EWMA_HIGH, "ewma_high"}, {LOY_SIGNAL_EWMA_LOW, "ewma_low"},
    {LOY_SIGNAL_CUSUM_HIGH, "cusum_high"}, {LOY_SIGNAL_CUSUM_LOW, "cusum_low"},
    {LOY_SIGNAL_LONG_RUN, "long_run"},
};

static const DdbFlag change_flags[] = {
    {LOY_CHANGE_NONE, "none"}, {LOY_NPS_CLIPPED, "clipped"},
    {LOY_NPS_SMALL_SAMPLE, "small_sample"}, {LOY_NPS_DEGENERATE, "degenerate"},
};

#define CH_VALS 11 /* nps, centre, shewhart_lower .. cusum_lower */
static const char *const ch_names[] = {
    "unit", "period", "n", "nps", "centre", "shewhart_lower", "shewhart_upper",
    "laney_lower", "laney_upper", "ewma", "ewma_lower", "ewma_upper",
    "cusum_upper", "cusum_lower", "baseline", "signals"};
#define CH_FIELDS 16

static duckdb_logical_type
chart_type(int ptype)
{
    duckdb_logical_type t[CH_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(ddb_period_type(ptype));
    t[2] = ddb_type(DUCKDB_TYPE_BIGINT);
    for (k = 3; k < 3 + CH_VALS; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[14] = ddb_type(DUCKDB_TYPE_BOOLEAN);
    t[15] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_list_of_struct(CH_FIELDS, ch_names, t);
}

static int
chart_options(duckdb_function_info info, duckdb_data_chunk in, idx_t i,
              const DdbGrid *g, loy_chart_options *co, const char *what)
{
    enum { O_TP, O_TD, O_BS, O_BL, O_LIM, O_LAM, O_EL, O_K, O_H, O_N };
    DdbOpt o[O_N] = {{"target_promoters", 0, 0}, {"target_detractors", 0, 0},
                  {"baseline_start", 1, 0}, {"baseline_length", 0, 0},
                  {"shewhart_limit", 3, 0}, {"ewma_lambda", 0.2, 0},
                  {"ewma_limit", 3, 0}, {"cusum_k", 0.5, 0}, {"cusum_h", 5, 0}};
    size_t len;
    const char *os = ddb_options_of(in, 3, i, &len);
    double np = (double) g->n_periods;
    int fixed;
    if (ddb_parse_options(info, os, len, o, O_N, NULL, NULL, 0, NULL, NULL, what) != 0
        || ddb_target_opts(info, &o[O_TP], &o[O_TD], &fixed, what) != 0)
        return -1;
    if (!o[O_BL].set)
        o[O_BL].v = np - o[O_BS].v + 1;
    if (ddb_in_range(info, what, "baseline_start", o[O_BS].v, 1, np, 0, 0)
        || ddb_in_range(info, what, "baseline_length", o[O_BL].v, 1,
                    np - o[O_BS].v + 1, 0, 0)
        || ddb_in_range(info, what, "shewhart_limit", o[O_LIM].v, 0, INFINITY, 1, 1)
        || ddb_in_range(info, what, "ewma_lambda", o[O_LAM].v, 0, 1, 1, 0)
        || ddb_in_range(info, what, "ewma_limit", o[O_EL].v, 0, INFINITY, 1, 1)
        || ddb_in_range(info, what, "cusum_k", o[O_K].v, 0, INFINITY, 0, 1)
        || ddb_in_range(info, what, "cusum_h", o[O_H].v, 0, INFINITY, 1, 1))
        return -1;
    loy_chart_options_init(co);
    if (fixed) {
        co->target = LOY_CHART_TARGET_FIXED;
        co->target_promoters = o[O_TP].v;
        co->target_detractors = o[O_TD].v;
    }
    co->baseline_start = (size_t) o[O_BS].v - 1;
    co->baseline_length = (size_t) o[O_BL].v;
    co->limit = o[O_LIM].v;
    co->ewma_lambda = o[O_LAM].v;
    co->ewma_limit = o[O_EL].v;
    co->cusum_k = o[O_K].v;
    co->cusum_h = o[O_H].v;
    return 0;
}


static const char *const cg_names[] = {
    "unit", "period", "previous", "diff", "se", "z", "p_value", "lower",
    "upper", "flags"};
#define CG_FIELDS 10

static duckdb_logical_type
change_type(int ptype)
{
    duckdb_logical_type t[CG_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    t[1] = ddb_type(ddb_period_type(ptype));
    t[2] = ddb_type(ddb_period_type(ptype));
    for (k = 3; k < 9; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[9] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_list_of_struct(CG_FIELDS, cg_names, t);
}

static const DdbFlag chart_unit_flags[] = {
    {LOY_CHART_NO_BASELINE, "no_baseline"}, {LOY_CHART_DEGENERATE, "degenerate"},
    {LOY_CHART_NO_LANEY, "no_laney"}, {LOY_CHART_LONG_RUN, "long_run"},
    {LOY_CHART_FEW_CROSSINGS, "few_crossings"},
};

static const char *const cs_names[] = {
    "unit", "centre", "sigma", "sigma_z", "n_points", "n_useful",
    "longest_run", "longest_run_limit", "crossings", "crossings_limit",
    "first_shewhart", "first_laney", "first_ewma", "first_cusum", "flags"};
#define CS_FIELDS 15

static duckdb_logical_type
chart_summary_type(int ptype)
{
    duckdb_logical_type t[CS_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    for (k = 1; k < 4; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    for (k = 4; k < 10; k++)
        t[k] = ddb_type(DUCKDB_TYPE_INTEGER);
    for (k = 10; k < 14; k++)
        t[k] = ddb_type(ddb_period_type(ptype));
    t[14] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_list_of_struct(CS_FIELDS, cs_names, t);
}

static const DdbFlag trend_flags[] = {
    {LOY_TREND_EMPTY, "empty"}, {LOY_TREND_SEPARATED, "separated"},
    {LOY_TREND_OVERDISPERSED, "overdispersed"},
};

static const char *const tr_names[] = {
    "unit", "slope", "se", "lower", "upper", "p_value", "dispersion",
    "share_first", "share_last", "n_periods", "flags"};
#define TR_FIELDS 11

static duckdb_logical_type
trend_type(void)
{
    duckdb_logical_type t[TR_FIELDS];
    int k;
    t[0] = ddb_type(DUCKDB_TYPE_VARCHAR);
    for (k = 1; k < 9; k++)
        t[k] = ddb_type(DUCKDB_TYPE_DOUBLE);
    t[9] = ddb_type(DUCKDB_TYPE_INTEGER);
    t[10] = ddb_list_of(DUCKDB_TYPE_VARCHAR);
    return ddb_list_of_struct(TR_FIELDS, tr_names, t);
}

/* j->v: 10 blocks of cells (nps .. cusum_lower), j->uv the centres,
 * j->codes the point codes. */
static long long
chart_compute(DdbJob *j)
{
    loy_chart_options co;
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    loy_chart_points cp = LOY_CHART_POINTS_INIT;
    size_t cells = j->g.n_units * j->g.n_periods, bad = LOY_NO_INDEX;
    double *v;
    int rc;
    if (chart_options(j->info, j->in, j->row, &j->g, &co, j->what) != 0
        || (v = j->v = ddb_job_nan(j, cells * 10)) == NULL
        || (j->uv = ddb_job_nan(j, j->g.n_units)) == NULL
        || (j->codes = ddb_job_alloc(j, sizeof *j->codes * cells)) == NULL)
        return -1;
    cu.centre = j->uv;
    cp.nps = v;
    cp.shewhart_lower = v + cells;
    cp.shewhart_upper = v + 2 * cells;
    cp.laney_lower = v + 3 * cells;
    cp.laney_upper = v + 4 * cells;
    cp.ewma = v + 5 * cells;
    cp.ewma_lower = v + 6 * cells;
    cp.ewma_upper = v + 7 * cells;
    cp.cusum_upper = v + 8 * cells;
    cp.cusum_lower = v + 9 * cells;
    cp.codes = j->codes;
    rc = loy_chart_compute(&cu, &cp, j->g.counts, j->g.n_units, j->g.n_periods,
                           3, &co, &bad);
    if (rc != LOY_OK) {
        ddb_scalar_error(j->info, rc, j->what, "%s", loy_strerror(rc));
        return -1;
    }
    return (long long) cells;
}

static void
chart_emit(DdbJob *j, duckdb_vector sv, idx_t off)
{
    size_t cells = j->g.n_units * j->g.n_periods, u, t;
    int c;
    for (u = 0; u < j->g.n_units; u++)
        for (t = 0; t < j->g.n_periods; t++) {
            size_t k = u * j->g.n_periods + t;
            idx_t row = off + k;
            duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                    j->g.unit[u].s, j->g.unit[u].len);
            ddb_put_period(sv, 1, row, &j->g.period[t], j->L.ptype);
            ddb_put_i64(sv, 2, row, (int64_t) ddb_grid_n(&j->g, k));
            ddb_put_f64n(sv, 3, row, j->v[k]);
            ddb_put_f64n(sv, 4, row, j->uv[u]);
            for (c = 1; c < 10; c++)
                ddb_put_f64n(sv, (idx_t) (4 + c), row, j->v[(size_t) c * cells + k]);
            ddb_put_bool(sv, 14, row, (j->codes[k] & LOY_SIGNAL_BASELINE) != 0);
            ddb_put_flags(sv, 15, row, j->codes[k], signal_flags,
                          NFLAGS(signal_flags));
        }
}

/* nps_chart(units VARCHAR[], periods T[], tallies BLOB[] [, options]) */
static void
chart_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    ddb_list_rows(info, in, out, 3, 1, "nps_chart", chart_compute, chart_emit);
}

/* j->uv: centre, sigma, sigma_z (3 blocks of n_units); j->idx: the 10
 * count and first-signal blocks; j->codes the unit flags. */
static long long
chart_summary_compute(DdbJob *j)
{
    loy_chart_options co;
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    size_t nu = j->g.n_units, bad = LOY_NO_INDEX, *s;
    int rc;
    if (chart_options(j->info, j->in, j->row, &j->g, &co, j->what) != 0
        || (j->uv = ddb_job_nan(j, nu * 3)) == NULL
        || (s = j->idx = ddb_job_index(j, nu * 10)) == NULL
        || (j->codes = ddb_job_alloc(j, sizeof *j->codes * nu)) == NULL)
        return -1;
    cu.centre = j->uv;
    cu.sigma = j->uv + nu;
    cu.sigma_z = j->uv + 2 * nu;
    cu.n_points = s;
    cu.n_useful = s + nu;
    cu.longest_run = s + 2 * nu;
    cu.longest_run_limit = s + 3 * nu;
    cu.crossings = s + 4 * nu;
    cu.crossings_limit = s + 5 * nu;
    cu.first_shewhart = s + 6 * nu;
    cu.first_laney = s + 7 * nu;
    cu.first_ewma = s + 8 * nu;
    cu.first_cusum = s + 9 * nu;
    cu.flags = j->codes;
    rc = loy_chart_compute(&cu, NULL, j->g.counts, nu, j->g.n_periods, 3, &co,
                           &bad);
    if (rc != LOY_OK) {
        ddb_scalar_error(j->info, rc, j->what, "%s", loy_strerror(rc));
        return -1;
    }
    return (long long) nu;
}

static void
chart_summary_emit(DdbJob *j, duckdb_vector sv, idx_t off)
{
    size_t nu = j->g.n_units, u, k;
    for (u = 0; u < nu; u++) {
        idx_t row = off + u;
        duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                j->g.unit[u].s, j->g.unit[u].len);
        for (k = 0; k < 3; k++)
            ddb_put_f64n(sv, (idx_t) (1 + k), row, j->uv[k * nu + u]);
        for (k = 0; k < 10; k++) {
            size_t x = j->idx[k * nu + u];
            if (x == LOY_NO_INDEX)
                ddb_set_null(ddb_child(sv, (idx_t) (4 + k)), row);
            else if (k < 6)
                ddb_put_i32(sv, (idx_t) (4 + k), row, (int32_t) x);
            else
                ddb_put_period(sv, (idx_t) (4 + k), row, &j->g.period[x], j->L.ptype);
        }
        ddb_put_flags(sv, 14, row, j->codes[u], chart_unit_flags,
                      NFLAGS(chart_unit_flags));
    }
}

/* nps_chart_summary(units, periods, tallies [, options]): one per unit */
static void
chart_summary_fn(duckdb_function_info info, duckdb_data_chunk in,
                 duckdb_vector out)
{
    ddb_list_rows(info, in, out, 3, 1, "nps_chart_summary",
                  chart_summary_compute, chart_summary_emit);
}

/* j->v: diff, se, z, p_value, lower, upper (6 blocks of cells); j->codes
 * the flags. Arguments: lag BIGINT [, method VARCHAR [, level DOUBLE]]. */
static long long
change_compute(DdbJob *j)
{
    loy_change_points cp = LOY_CHANGE_POINTS_INIT;
    size_t cells = j->g.n_units * j->g.n_periods, bad = LOY_NO_INDEX, len;
    int64_t lag = ((const int64_t *) duckdb_vector_get_data(
        duckdb_data_chunk_get_vector(j->in, 3)))[j->row];
    const char *m = ddb_options_of(j->in, 4, j->row, &len);
    int method = m != NULL ? ddb_method(m, len) : (int) LOY_NPS_WALD;
    double level = ddb_dbl(j->in, 5, j->row, 0.95);
    int rc;
    if (lag < 1) {
        ddb_scalar_error(j->info, LOY_EINVAL, j->what, "lag %lld is not at "
                         "least 1 period", (long long) lag);
        return -1;
    }
    if (method < 0 || method == (int) LOY_NPS_SCORE) {
        ddb_scalar_error(j->info, LOY_EINVAL, j->what, "unknown or one-sample "
                         "method \"%.*s\" (wald, adjusted)", (int) len, m);
        return -1;
    }
    if (ddb_in_range(j->info, j->what, "level", level, 0, 1, 1, 1) != 0
        || (j->v = ddb_job_nan(j, cells * 6)) == NULL
        || (j->codes = ddb_job_alloc(j, sizeof *j->codes * cells)) == NULL)
        return -1;
    j->lag = (size_t) lag;
    cp.diff = j->v;
    cp.se = j->v + cells;
    cp.z = j->v + 2 * cells;
    cp.p_value = j->v + 3 * cells;
    cp.lower = j->v + 4 * cells;
    cp.upper = j->v + 5 * cells;
    cp.flags = j->codes;
    rc = loy_change_compute(&cp, j->g.counts, j->g.n_units, j->g.n_periods, 3,
                            (size_t) lag, (uint32_t) method, level, NULL, &bad);
    if (rc != LOY_OK) {
        ddb_scalar_error(j->info, rc, j->what, "%s", loy_strerror(rc));
        return -1;
    }
    return (long long) cells;
}

static void
change_emit(DdbJob *j, duckdb_vector sv, idx_t off)
{
    size_t cells = j->g.n_units * j->g.n_periods, u, t;
    int c;
    for (u = 0; u < j->g.n_units; u++)
        for (t = 0; t < j->g.n_periods; t++) {
            size_t k = u * j->g.n_periods + t;
            idx_t row = off + k;
            duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                    j->g.unit[u].s, j->g.unit[u].len);
            ddb_put_period(sv, 1, row, &j->g.period[t], j->L.ptype);
            if (t >= j->lag)
                ddb_put_period(sv, 2, row, &j->g.period[t - j->lag], j->L.ptype);
            else
                ddb_set_null(ddb_child(sv, 2), row);
            for (c = 0; c < 6; c++)
                ddb_put_f64n(sv, (idx_t) (3 + c), row, j->v[(size_t) c * cells + k]);
            ddb_put_flags(sv, 9, row, j->codes[k], change_flags,
                          NFLAGS(change_flags));
        }
}

/* nps_change(units, periods, tallies, lag [, method, level]) */
static void
change_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    ddb_list_rows(info, in, out, 4, 1, "nps_change", change_compute, change_emit);
}

/* j->uv: 8 blocks of n_units (slope .. share_last); j->idx periods used;
 * j->codes the flags. Argument: level DOUBLE. */
static long long
trend_compute(DdbJob *j)
{
    loy_trend_units tu = LOY_TREND_UNITS_INIT;
    size_t nu = j->g.n_units, bad = LOY_NO_INDEX;
    double level = ddb_dbl(j->in, 3, j->row, 0.95), *d;
    int rc;
    if (ddb_in_range(j->info, j->what, "level", level, 0, 1, 1, 1) != 0
        || (d = j->uv = ddb_job_nan(j, nu * 8)) == NULL
        || (j->idx = ddb_job_index(j, nu)) == NULL
        || (j->codes = ddb_job_alloc(j, sizeof *j->codes * nu)) == NULL)
        return -1;
    tu.slope = d;
    tu.se = d + nu;
    tu.lower = d + 2 * nu;
    tu.upper = d + 3 * nu;
    tu.p_value = d + 4 * nu;
    tu.dispersion = d + 5 * nu;
    tu.share_first = d + 6 * nu;
    tu.share_last = d + 7 * nu;
    tu.n_periods = j->idx;
    tu.flags = j->codes;
    rc = loy_topbox_trend(&tu, j->g.counts, nu, j->g.n_periods, 3, level, &bad);
    if (rc != LOY_OK) {
        ddb_scalar_error(j->info, rc, j->what, "%s", loy_strerror(rc));
        return -1;
    }
    return (long long) nu;
}

static void
trend_emit(DdbJob *j, duckdb_vector sv, idx_t off)
{
    size_t nu = j->g.n_units, u, k;
    for (u = 0; u < nu; u++) {
        idx_t row = off + u;
        duckdb_vector_assign_string_element_len(ddb_child(sv, 0), row,
                                                j->g.unit[u].s, j->g.unit[u].len);
        for (k = 0; k < 8; k++)
            ddb_put_f64n(sv, (idx_t) (1 + k), row, j->uv[k * nu + u]);
        if (j->idx[u] == LOY_NO_INDEX)
            ddb_set_null(ddb_child(sv, 9), row);
        else
            ddb_put_i32(sv, 9, row, (int32_t) j->idx[u]);
        ddb_put_flags(sv, 10, row, j->codes[u], trend_flags, NFLAGS(trend_flags));
    }
}

/* nps_topbox_trend(units, periods, tallies [, level DOUBLE]) */
static void
trend_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    ddb_list_rows(info, in, out, 3, 1, "nps_topbox_trend", trend_compute,
                  trend_emit);
}

/* ------------------------------------------------------------------ */
/* chart design                                                          */
/* ------------------------------------------------------------------ */

static int
sides_of(duckdb_function_info info, duckdb_data_chunk in, idx_t argno,
         idx_t i, uint32_t *sides, const char *what)
{
    size_t len;
    const char *s = ddb_options_of(in, argno, i, &len);
    *sides = LOY_ARL_TWO_SIDED;
    if (s == NULL || (len == 3 && memcmp(s, "two", 3) == 0))
        return 0;
    if (len == 5 && memcmp(s, "upper", 5) == 0)
        *sides = LOY_ARL_UPPER;
    else if (len == 5 && memcmp(s, "lower", 5) == 0)
        *sides = LOY_ARL_LOWER;
    else {
        ddb_scalar_error(info, LOY_EINVAL, what, "unknown sides \"%.*s\" (two, "
                         "upper, lower)", (int) len, s);
        return -1;
    }
    return 0;
}


enum { ARL_EWMA, ARL_CUSUM, LIM_EWMA, LIM_CUSUM };

static void
arl_common(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out,
           int kind)
{
    static const char *const what_of[] = {"ewma_arl", "cusum_arl", "ewma_limit",
                                          "cusum_limit"};
    const char *what = what_of[kind];
    idx_t n = duckdb_data_chunk_get_size(in), ncol, i, k;
    double *o = (double *) duckdb_vector_get_data(out);
    ncol = duckdb_data_chunk_get_column_count(in);
    for (i = 0; i < n; i++) {
        double a, b, shift = 0.0, r = 0.0;
        uint32_t sides;
        int rc, isnull = 0;
        for (k = 0; k < ncol; k++)
            if (!ddb_valid(duckdb_vector_get_validity(duckdb_data_chunk_get_vector(in, k)), i))
                isnull = 1;
        if (isnull) {
            ddb_set_null(out, i);
            continue;
        }
        a = ddb_dbl(in, 0, i, 0.0);
        b = ddb_dbl(in, 1, i, 0.0);
        if (kind == ARL_EWMA || kind == ARL_CUSUM) {
            shift = ddb_dbl(in, 2, i, 0.0);
            if (sides_of(info, in, 3, i, &sides, what) != 0
                || ddb_in_range(info, what, "shift", shift, -INFINITY, INFINITY, 1, 1))
                return;
        } else if (sides_of(info, in, 2, i, &sides, what) != 0) {
            return;
        }
        switch (kind) {
        case ARL_EWMA:
            if (ddb_in_range(info, what, "lambda", a, 0, 1, 1, 0)
                || ddb_in_range(info, what, "ewma_limit", b, 0, INFINITY, 1, 1))
                return;
            rc = loy_arl_ewma(&r, a, b, shift, sides, NULL);
            break;
        case ARL_CUSUM:
            if (ddb_in_range(info, what, "k", a, 0, INFINITY, 0, 1)
                || ddb_in_range(info, what, "h", b, 0, INFINITY, 1, 1))
                return;
            rc = loy_arl_cusum(&r, a, b, shift, sides, NULL);
            break;
        case LIM_EWMA:
            if (ddb_in_range(info, what, "lambda", a, 0, 1, 1, 0)
                || ddb_in_range(info, what, "arl0", b, 1, 1e9, 1, 0))
                return;
            rc = loy_arl_ewma_limit(&r, a, b, sides, NULL);
            break;
        default:
            if (ddb_in_range(info, what, "k", a, 0, INFINITY, 0, 1)
                || ddb_in_range(info, what, "arl0", b, 1, 1e9, 1, 0))
                return;
            rc = loy_arl_cusum_limit(&r, a, b, sides, NULL);
            break;
        }
        if (rc != LOY_OK) {
            ddb_scalar_error(info, rc, what, "%s", rc == LOY_EDEGENERATE
                ? "the run length is beyond double precision (above about 1e13)"
                : loy_strerror(rc));
            return;
        }
        o[i] = r;
    }
}

static void
ewma_arl_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, ARL_EWMA);
}

static void
cusum_arl_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, ARL_CUSUM);
}

static void
ewma_limit_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, LIM_EWMA);
}

static void
cusum_limit_fn(duckdb_function_info info, duckdb_data_chunk in, duckdb_vector out)
{
    arl_common(info, in, out, LIM_CUSUM);
}

/* ------------------------------------------------------------------ */
/* registration                                                         */
/* ------------------------------------------------------------------ */

#define T(x) ddb_type(DUCKDB_TYPE_##x)
#define LT(x) ddb_list_of(DUCKDB_TYPE_##x)

int
ddb_register_consistency(duckdb_connection con, char *err, size_t err_len)
{
    static const int ptypes[] = {DDB_PER_I64, DDB_PER_DATE, DDB_PER_STR};
    DdbAgg none[] = {{NULL, 0, {0}, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL}};
    DdbScalar fns[48];
    int k = 0, p;
    fns[k++] = (DdbScalar){"nps_funnel", 2, {LT(VARCHAR), LT(BLOB)}, funnel_type(), funnel_fn};
    fns[k++] = (DdbScalar){"nps_funnel", 3, {LT(VARCHAR), LT(BLOB), T(VARCHAR)},
                           funnel_type(), funnel_fn};
    fns[k++] = (DdbScalar){"nps_funnel_summary", 2, {LT(VARCHAR), LT(BLOB)},
                           summary_type(), summary_fn};
    fns[k++] = (DdbScalar){"nps_funnel_summary", 3, {LT(VARCHAR), LT(BLOB), T(VARCHAR)},
                           summary_type(), summary_fn};
    for (p = 0; p < 3; p++) {
        duckdb_type pt = ddb_period_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_chart", 3, {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               chart_type(ptypes[p]), chart_fn};
        fns[k++] = (DdbScalar){"nps_chart", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(VARCHAR)},
                               chart_type(ptypes[p]), chart_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = ddb_period_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_chart_summary", 3,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               chart_summary_type(ptypes[p]), chart_summary_fn};
        fns[k++] = (DdbScalar){"nps_chart_summary", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(VARCHAR)},
                               chart_summary_type(ptypes[p]), chart_summary_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = ddb_period_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_topbox_trend", 3,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB)},
                               trend_type(), trend_fn};
        fns[k++] = (DdbScalar){"nps_topbox_trend", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(DOUBLE)},
                               trend_type(), trend_fn};
    }
    for (p = 0; p < 3; p++) {
        duckdb_type pt = ddb_period_type(ptypes[p]);
        fns[k++] = (DdbScalar){"nps_change", 4,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(BIGINT)},
                               change_type(ptypes[p]), change_fn};
        fns[k++] = (DdbScalar){"nps_change", 6,
                               {LT(VARCHAR), ddb_list_of(pt), LT(BLOB), T(BIGINT),
                                T(VARCHAR), T(DOUBLE)},
                               change_type(ptypes[p]), change_fn};
    }
    fns[k++] = (DdbScalar){"ewma_arl", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), ewma_arl_fn};
    fns[k++] = (DdbScalar){"ewma_arl", 3, {T(DOUBLE), T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           ewma_arl_fn};
    fns[k++] = (DdbScalar){"ewma_arl", 4, {T(DOUBLE), T(DOUBLE), T(DOUBLE), T(VARCHAR)},
                           T(DOUBLE), ewma_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), cusum_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 3, {T(DOUBLE), T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           cusum_arl_fn};
    fns[k++] = (DdbScalar){"cusum_arl", 4, {T(DOUBLE), T(DOUBLE), T(DOUBLE), T(VARCHAR)},
                           T(DOUBLE), cusum_arl_fn};
    fns[k++] = (DdbScalar){"ewma_limit", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE), ewma_limit_fn};
    fns[k++] = (DdbScalar){"ewma_limit", 3, {T(DOUBLE), T(DOUBLE), T(VARCHAR)}, T(DOUBLE),
                           ewma_limit_fn};
    fns[k++] = (DdbScalar){"cusum_limit", 2, {T(DOUBLE), T(DOUBLE)}, T(DOUBLE),
                           cusum_limit_fn};
    fns[k++] = (DdbScalar){"cusum_limit", 3, {T(DOUBLE), T(DOUBLE), T(VARCHAR)}, T(DOUBLE),
                           cusum_limit_fn};
    fns[k] = (DdbScalar){NULL, 0, {NULL}, NULL, NULL};
    return ddb_register_all(con, none, fns, err, err_len);
}
