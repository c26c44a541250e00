/* SPDX-License-Identifier: MIT */
/*
 * pg_chart.c - control charts over (unit, period, nps_tally) rows:
 * nps_chart() (one row per unit and period of the axis, gaps included),
 * nps_chart_summary() (one row per unit: centre, runs, first signals), by
 * loy_chart_compute(); nps_change() and nps_topbox_trend() on the same
 * grid, by loy_change_compute() and loy_topbox_trend().
 *
 * The chart functions take units text[], periods anyarray, tallies
 * nps_tally[], target_promoters, target_detractors (both NULL: each unit's
 * baseline), baseline_start (1-based position on the period axis),
 * baseline_length (NULL: through the last period), shewhart_limit,
 * ewma_lambda, ewma_limit, cusum_k, cusum_h.
 */
#include "pg_grid.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/tuplestore.h"

static const LoyFlagName signal_names[] = {
    {LOY_SIGNAL_SHEWHART_HIGH, "shewhart_high"},
    {LOY_SIGNAL_SHEWHART_LOW, "shewhart_low"},
    {LOY_SIGNAL_LANEY_HIGH, "laney_high"},
    {LOY_SIGNAL_LANEY_LOW, "laney_low"},
    {LOY_SIGNAL_EWMA_HIGH, "ewma_high"},
    {LOY_SIGNAL_EWMA_LOW, "ewma_low"},
    {LOY_SIGNAL_CUSUM_HIGH, "cusum_high"},
    {LOY_SIGNAL_CUSUM_LOW, "cusum_low"},
    {LOY_SIGNAL_LONG_RUN, "long_run"},
};

static const LoyFlagName chart_unit_flags[] = {
    {LOY_CHART_NO_BASELINE, "no_baseline"},
    {LOY_CHART_DEGENERATE, "degenerate"},
    {LOY_CHART_NO_LANEY, "no_laney"},
    {LOY_CHART_LONG_RUN, "long_run"},
    {LOY_CHART_FEW_CROSSINGS, "few_crossings"},
};

static const LoyFlagName change_flags[] = {
    {LOY_CHANGE_NONE, "none"},
    {LOY_NPS_CLIPPED, "clipped"},
    {LOY_NPS_SMALL_SAMPLE, "small_sample"},
    {LOY_NPS_DEGENERATE, "degenerate"},
};

static const LoyFlagName trend_flags[] = {
    {LOY_TREND_EMPTY, "empty"},
    {LOY_TREND_SEPARATED, "separated"},
    {LOY_TREND_OVERDISPERSED, "overdispersed"},
};

/*
 * The signals text[] of a point code, built once per distinct set of
 * signal bits in a call (most points have none): a chart of 10,000 units x
 * 52 weeks would otherwise build half a million identical arrays.
 */
typedef struct SignalCache {
    Datum d[(LOY_SIGNAL_ANY >> 4) + 1];
    bool have[(LOY_SIGNAL_ANY >> 4) + 1];
} SignalCache;

static Datum
signals_datum(SignalCache *c, uint32_t code)
{
    uint32_t key = (code & LOY_SIGNAL_ANY) >> 4;
    if (!c->have[key]) {
        c->d[key] = loy_pg_flag_names(code & LOY_SIGNAL_ANY, signal_names,
                                      (int) lengthof(signal_names));
        c->have[key] = true;
    }
    return c->d[key];
}

/* A NaN-filled array of n doubles (unwritten entries read as NULL). */
static double *
nan_array(size_t n)
{
    double *v = palloc_extended(sizeof(double) * (n > 0 ? n : 1), MCXT_ALLOC_HUGE);
    size_t i;
    for (i = 0; i < n; i++)
        v[i] = NAN;
    return v;
}

static size_t *
index_array(size_t n)
{
    size_t *v = palloc(sizeof(size_t) * (n > 0 ? n : 1));
    size_t i;
    for (i = 0; i < n; i++)
        v[i] = LOY_NO_INDEX;
    return v;
}

static void
grid_args(FunctionCallInfo fcinfo, LoyGrid *g, const char *what)
{
    loy_grid_build(g, PG_GETARG_ARRAYTYPE_P(0), PG_GETARG_ARRAYTYPE_P(1),
                   PG_GETARG_ARRAYTYPE_P(2), PG_GET_COLLATION(), what);
}

static bool
any_null(FunctionCallInfo fcinfo)
{
    return PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2);
}

static Datum
period_datum(const LoyGrid *g, int t)
{
    return g->periods[t];
}

/* A status of the grid functions as an SQL error. */
static void
grid_error(int rc, const LoyGrid *g, size_t bad, const char *what)
{
    if (rc == LOY_EOVERFLOW && bad != LOY_NO_INDEX) {
        int u = (int) (bad / (size_t) g->n_periods);
        int t = (int) (bad % (size_t) g->n_periods);
        loy_pg_error(rc, what, "the answers of unit \"%s\" in period %s exceed "
                     "2^64 - 1", loy_grid_unit_text(g, u),
                     loy_grid_period_text(g, t));
    }
    loy_pg_error(rc, what, "%s", loy_strerror(rc));
}

/* ------------------------------------------------------------------ */
/* charts                                                               */
/* ------------------------------------------------------------------ */

static void
chart_options(FunctionCallInfo fcinfo, const LoyGrid *g, loy_chart_options *o,
              const char *what)
{
    int32 start, len;
    loy_chart_options_init(o);
    if (loy_pg_target_shares(fcinfo, 3, &o->target_promoters,
                             &o->target_detractors, what))
        o->target = LOY_CHART_TARGET_FIXED;
    if (PG_ARGISNULL(5))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: baseline_start must not be NULL", what)));
    start = PG_GETARG_INT32(5);
    len = PG_ARGISNULL(6) ? g->n_periods - start + 1 : PG_GETARG_INT32(6);
    if (start < 1 || start > g->n_periods)
        loy_pg_error(LOY_EDOMAIN, what, "baseline_start %d is outside the %d "
                     "periods of the axis", start, g->n_periods);
    if (len < 1 || len > g->n_periods - start + 1)
        loy_pg_error(LOY_EDOMAIN, what, "baseline_length %d does not fit the "
                     "%d periods from baseline_start %d", len,
                     g->n_periods - start + 1, start);
    o->baseline_start = (size_t) (start - 1);
    o->baseline_length = (size_t) len;
    o->limit = loy_pg_opt_f8(fcinfo, 7, what, "shewhart_limit");
    loy_pg_opt_range(o->limit, 0.0, INFINITY, true, true, what, "shewhart_limit");
    o->ewma_lambda = loy_pg_opt_f8(fcinfo, 8, what, "ewma_lambda");
    loy_pg_opt_range(o->ewma_lambda, 0.0, 1.0, true, false, what, "ewma_lambda");
    o->ewma_limit = loy_pg_opt_f8(fcinfo, 9, what, "ewma_limit");
    loy_pg_opt_range(o->ewma_limit, 0.0, INFINITY, true, true, what, "ewma_limit");
    o->cusum_k = loy_pg_opt_f8(fcinfo, 10, what, "cusum_k");
    loy_pg_opt_range(o->cusum_k, 0.0, INFINITY, false, true, what, "cusum_k");
    o->cusum_h = loy_pg_opt_f8(fcinfo, 11, what, "cusum_h");
    loy_pg_opt_range(o->cusum_h, 0.0, INFINITY, true, true, what, "cusum_h");
}

/* Per-point values of nps_chart(), in column order after centre. */
enum {
    CP_NPS, CP_SL, CP_SU, CP_LL, CP_LU, CP_E, CP_EL, CP_EU, CP_CU, CP_CL, CP_N
};

enum {
    CC_UNIT, CC_PERIOD, CC_N, CC_NPS, CC_CENTRE, CC_SL, CC_SU, CC_LL, CC_LU,
    CC_E, CC_EL, CC_EU, CC_CU, CC_CL, CC_BASELINE, CC_SIGNALS, CC_NCOLS
};

PG_FUNCTION_INFO_V1(loyalty_nps_chart);
Datum
loyalty_nps_chart(PG_FUNCTION_ARGS)
{
    const char *what = "nps_chart";
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    LoyGrid g;
    loy_chart_options o;
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    loy_chart_points cp = LOY_CHART_POINTS_INIT;
    double *pv[CP_N], *centre;
    uint32_t *codes;
    SignalCache *cache = palloc0(sizeof *cache);
    size_t cells, bad = LOY_NO_INDEX;
    int u, t, k, rc;
    if (any_null(fcinfo)) {
        InitMaterializedSRF(fcinfo, 0);
        return (Datum) 0;
    }
    grid_args(fcinfo, &g, what);
    chart_options(fcinfo, &g, &o, what);
    cells = (size_t) g.n_units * (size_t) g.n_periods;
    for (k = 0; k < CP_N; k++)
        pv[k] = nan_array(cells);
    centre = nan_array((size_t) g.n_units);
    codes = palloc_extended(sizeof(uint32_t) * cells, MCXT_ALLOC_HUGE);
    cu.centre = centre;
    cp.nps = pv[CP_NPS];
    cp.shewhart_lower = pv[CP_SL];
    cp.shewhart_upper = pv[CP_SU];
    cp.laney_lower = pv[CP_LL];
    cp.laney_upper = pv[CP_LU];
    cp.ewma = pv[CP_E];
    cp.ewma_lower = pv[CP_EL];
    cp.ewma_upper = pv[CP_EU];
    cp.cusum_upper = pv[CP_CU];
    cp.cusum_lower = pv[CP_CL];
    cp.codes = codes;
    rc = loy_chart_compute(&cu, &cp, g.counts, (size_t) g.n_units,
                           (size_t) g.n_periods, 3, &o, &bad);
    if (rc != LOY_OK)
        grid_error(rc, &g, bad, what);
    InitMaterializedSRF(fcinfo, 0);
    for (u = 0; u < g.n_units; u++)
        for (t = 0; t < g.n_periods; t++) {
            size_t i = (size_t) u * (size_t) g.n_periods + (size_t) t;
            uint64_t n = loy_grid_n(&g, i);
            Datum v[CC_NCOLS];
            bool nulls[CC_NCOLS];
            memset(nulls, 0, sizeof nulls);
            if (n > (uint64_t) PG_INT64_MAX)
                loy_pg_error(LOY_EOVERFLOW, what, "unit \"%s\" has more "
                             "answers than bigint holds in period %s",
                             loy_grid_unit_text(&g, u),
                             loy_grid_period_text(&g, t));
            v[CC_UNIT] = g.units[u];
            v[CC_PERIOD] = period_datum(&g, t);
            v[CC_N] = Int64GetDatum((int64) n);
            v[CC_NPS] = loy_pg_f8_or_null(pv[CP_NPS][i], &nulls[CC_NPS]);
            v[CC_CENTRE] = loy_pg_f8_or_null(centre[u], &nulls[CC_CENTRE]);
            for (k = CP_SL; k < CP_N; k++)
                v[CC_SL + k - CP_SL] = loy_pg_f8_or_null(pv[k][i],
                                                         &nulls[CC_SL + k - CP_SL]);
            v[CC_BASELINE] = BoolGetDatum((codes[i] & LOY_SIGNAL_BASELINE) != 0);
            v[CC_SIGNALS] = signals_datum(cache, codes[i]);
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
        }
    return (Datum) 0;
}

enum {
    CS_UNIT, CS_CENTRE, CS_SIGMA, CS_SIGMA_Z, CS_POINTS, CS_USEFUL, CS_RUN,
    CS_RUN_LIMIT, CS_CROSS, CS_CROSS_LIMIT, CS_F_SHEW, CS_F_LANEY, CS_F_EWMA,
    CS_F_CUSUM, CS_FLAGS, CS_NCOLS
};

PG_FUNCTION_INFO_V1(loyalty_nps_chart_summary);
Datum
loyalty_nps_chart_summary(PG_FUNCTION_ARGS)
{
    const char *what = "nps_chart_summary";
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    LoyGrid g;
    loy_chart_options o;
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    double *dv[3];
    size_t *sv[10];
    uint32_t *flags;
    size_t bad = LOY_NO_INDEX, nu;
    int u, k, rc;
    if (any_null(fcinfo)) {
        InitMaterializedSRF(fcinfo, 0);
        return (Datum) 0;
    }
    grid_args(fcinfo, &g, what);
    chart_options(fcinfo, &g, &o, what);
    nu = (size_t) g.n_units;
    for (k = 0; k < 3; k++)
        dv[k] = nan_array(nu);
    for (k = 0; k < 10; k++)
        sv[k] = index_array(nu);
    flags = palloc0(sizeof(uint32_t) * nu);
    cu.centre = dv[0];
    cu.sigma = dv[1];
    cu.sigma_z = dv[2];
    cu.n_points = sv[0];
    cu.n_useful = sv[1];
    cu.longest_run = sv[2];
    cu.longest_run_limit = sv[3];
    cu.crossings = sv[4];
    cu.crossings_limit = sv[5];
    cu.first_shewhart = sv[6];
    cu.first_laney = sv[7];
    cu.first_ewma = sv[8];
    cu.first_cusum = sv[9];
    cu.flags = flags;
    rc = loy_chart_compute(&cu, NULL, g.counts, nu, (size_t) g.n_periods, 3,
                           &o, &bad);
    if (rc != LOY_OK)
        grid_error(rc, &g, bad, what);
    InitMaterializedSRF(fcinfo, 0);
    for (u = 0; u < g.n_units; u++) {
        Datum v[CS_NCOLS];
        bool nulls[CS_NCOLS];
        memset(nulls, 0, sizeof nulls);
        v[CS_UNIT] = g.units[u];
        for (k = 0; k < 3; k++)
            v[CS_CENTRE + k] = loy_pg_f8_or_null(dv[k][u], &nulls[CS_CENTRE + k]);
        for (k = 0; k < 6; k++) {
            nulls[CS_POINTS + k] = sv[k][u] == LOY_NO_INDEX;
            v[CS_POINTS + k] = Int32GetDatum((int32) sv[k][u]);
        }
        for (k = 6; k < 10; k++) {
            nulls[CS_POINTS + k] = sv[k][u] == LOY_NO_INDEX;
            v[CS_POINTS + k] = nulls[CS_POINTS + k] ? (Datum) 0
                                                    : period_datum(&g, (int) sv[k][u]);
        }
        v[CS_FLAGS] = loy_pg_flag_names(flags[u], chart_unit_flags,
                                        (int) lengthof(chart_unit_flags));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}

/* ------------------------------------------------------------------ */
/* change and top-box trend                                             */
/* ------------------------------------------------------------------ */

static double
level_opt(FunctionCallInfo fcinfo, int argno, const char *what)
{
    double level = loy_pg_opt_f8(fcinfo, argno, what, "level");
    loy_pg_opt_range(level, 0.0, 1.0, true, true, what, "level");
    return level;
}

enum {
    CH_UNIT, CH_PERIOD, CH_PREVIOUS, CH_DIFF, CH_SE, CH_Z, CH_P, CH_LO, CH_HI,
    CH_FLAGS, CH_NCOLS
};

/* nps_change(units, periods, tallies, lag, method, level) */
PG_FUNCTION_INFO_V1(loyalty_nps_change);
Datum
loyalty_nps_change(PG_FUNCTION_ARGS)
{
    const char *what = "nps_change";
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    LoyGrid g;
    loy_change_points cp = LOY_CHANGE_POINTS_INIT;
    double *pv[6], level;
    uint32_t *flags, method;
    int32 lag;
    size_t cells, bad = LOY_NO_INDEX;
    int u, t, k, rc;
    if (any_null(fcinfo)) {
        InitMaterializedSRF(fcinfo, 0);
        return (Datum) 0;
    }
    if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: %s must not be NULL", what,
                               PG_ARGISNULL(3) ? "lag" : "method")));
    lag = PG_GETARG_INT32(3);
    if (lag < 1)
        loy_pg_error(LOY_EINVAL, what, "lag %d is not at least 1 period", lag);
    method = loy_pg_nps_method(PG_GETARG_TEXT_PP(4), what);
    if (method == LOY_NPS_SCORE)
        loy_pg_error(LOY_EINVAL, what,
                     "the score method is one-sample only (wald, adjusted)");
    level = level_opt(fcinfo, 5, what);
    grid_args(fcinfo, &g, what);
    cells = (size_t) g.n_units * (size_t) g.n_periods;
    for (k = 0; k < 6; k++)
        pv[k] = nan_array(cells);
    flags = palloc_extended(sizeof(uint32_t) * cells, MCXT_ALLOC_HUGE);
    cp.diff = pv[0];
    cp.se = pv[1];
    cp.z = pv[2];
    cp.p_value = pv[3];
    cp.lower = pv[4];
    cp.upper = pv[5];
    cp.flags = flags;
    rc = loy_change_compute(&cp, g.counts, (size_t) g.n_units,
                            (size_t) g.n_periods, 3, (size_t) lag, method,
                            level, NULL, &bad);
    if (rc != LOY_OK)
        grid_error(rc, &g, bad, what);
    InitMaterializedSRF(fcinfo, 0);
    for (u = 0; u < g.n_units; u++)
        for (t = 0; t < g.n_periods; t++) {
            size_t i = (size_t) u * (size_t) g.n_periods + (size_t) t;
            Datum v[CH_NCOLS];
            bool nulls[CH_NCOLS];
            memset(nulls, 0, sizeof nulls);
            v[CH_UNIT] = g.units[u];
            v[CH_PERIOD] = period_datum(&g, t);
            nulls[CH_PREVIOUS] = t < lag;
            v[CH_PREVIOUS] = t < lag ? (Datum) 0 : period_datum(&g, t - lag);
            for (k = 0; k < 6; k++)
                v[CH_DIFF + k] = loy_pg_f8_or_null(pv[k][i], &nulls[CH_DIFF + k]);
            v[CH_FLAGS] = loy_pg_flag_names(flags[i], change_flags,
                                            (int) lengthof(change_flags));
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
        }
    return (Datum) 0;
}

enum {
    TR_UNIT, TR_SLOPE, TR_SE, TR_LO, TR_HI, TR_P, TR_DISP, TR_FIRST, TR_LAST,
    TR_PERIODS, TR_FLAGS, TR_NCOLS
};

/* nps_topbox_trend(units, periods, tallies, level) */
PG_FUNCTION_INFO_V1(loyalty_nps_topbox_trend);
Datum
loyalty_nps_topbox_trend(PG_FUNCTION_ARGS)
{
    const char *what = "nps_topbox_trend";
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    LoyGrid g;
    loy_trend_units tu = LOY_TREND_UNITS_INIT;
    double *dv[8], level;
    size_t *np, bad = LOY_NO_INDEX, nu;
    uint32_t *flags;
    int u, k, rc;
    if (any_null(fcinfo)) {
        InitMaterializedSRF(fcinfo, 0);
        return (Datum) 0;
    }
    level = level_opt(fcinfo, 3, what);
    grid_args(fcinfo, &g, what);
    nu = (size_t) g.n_units;
    for (k = 0; k < 8; k++)
        dv[k] = nan_array(nu);
    np = index_array(nu);
    flags = palloc0(sizeof(uint32_t) * nu);
    tu.slope = dv[0];
    tu.se = dv[1];
    tu.lower = dv[2];
    tu.upper = dv[3];
    tu.p_value = dv[4];
    tu.dispersion = dv[5];
    tu.share_first = dv[6];
    tu.share_last = dv[7];
    tu.n_periods = np;
    tu.flags = flags;
    rc = loy_topbox_trend(&tu, g.counts, nu, (size_t) g.n_periods, 3, level,
                          &bad);
    if (rc != LOY_OK)
        grid_error(rc, &g, bad, what);
    InitMaterializedSRF(fcinfo, 0);
    for (u = 0; u < g.n_units; u++) {
        Datum v[TR_NCOLS];
        bool nulls[TR_NCOLS];
        memset(nulls, 0, sizeof nulls);
        v[TR_UNIT] = g.units[u];
        for (k = 0; k < 8; k++)
            v[TR_SLOPE + k] = loy_pg_f8_or_null(dv[k][u], &nulls[TR_SLOPE + k]);
        nulls[TR_PERIODS] = np[u] == LOY_NO_INDEX;
        v[TR_PERIODS] = Int32GetDatum((int32) np[u]);
        v[TR_FLAGS] = loy_pg_flag_names(flags[u], trend_flags,
                                        (int) lengthof(trend_flags));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}
