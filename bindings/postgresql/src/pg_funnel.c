/* SPDX-License-Identifier: MIT */
/*
 * pg_funnel.c - nps_funnel() (one row per unit) and nps_funnel_summary()
 * (the fit: target, dispersion, multiplicity, heterogeneity) over arrays
 * of (unit, nps_tally) rows, by loy_funnel_compute() and
 * loy_funnel_limits().
 *
 * Both take the same arguments:
 *   units text[], tallies nps_tally[], target_promoters, target_detractors
 *   (both NULL: the pooled target), inner_level, outer_level,
 *   overdispersion ('none', 'additive', 'multiplicative'), winsor, alpha,
 *   exact (exact trinomial tails).
 */
#include "pg_grid.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

static const LoyFlagName unit_flags[] = {
    {LOY_FUNNEL_EMPTY, "empty"},
    {LOY_FUNNEL_DEGENERATE, "degenerate"},
    {LOY_FUNNEL_BELOW, "below"},
    {LOY_FUNNEL_ABOVE, "above"},
    {LOY_FUNNEL_OUTSIDE_INNER, "outside_inner"},
    {LOY_FUNNEL_OUTSIDE_OUTER, "outside_outer"},
    {LOY_FUNNEL_BONFERRONI, "bonferroni"},
    {LOY_FUNNEL_FDR, "fdr"},
    {LOY_FUNNEL_EXACT_INNER, "exact_inner"},
    {LOY_FUNNEL_EXACT_OUTER, "exact_outer"},
};

static const LoyFlagName fit_flags[] = {
    {LOY_FUNNEL_NO_HETEROGENEITY, "no_heterogeneity"},
    {LOY_FUNNEL_NO_OVERDISPERSION, "no_overdispersion"},
    {LOY_FUNNEL_OD_APPLIED, "overdispersion_applied"},
    {LOY_FUNNEL_NO_DISCOVERY, "no_discovery"},
};

/* Per-unit outputs, NaN-filled so that what is not written reads NULL. */
enum {
    FV_NPS, FV_SE, FV_Z, FV_ZADJ, FV_P, FV_PLO, FV_PHI, FV_SHRUNK,
    FV_SHRUNK_SE, FV_LO_IN, FV_HI_IN, FV_LO_OUT, FV_HI_OUT, FV_N
};

typedef struct FunnelRun {
    LoyGrid g;
    loy_funnel_result fit;
    double *v[FV_N];
    uint32_t *flags;
} FunnelRun;

static uint32_t
od_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
    char *s;
    if (PG_ARGISNULL(argno))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: overdispersion must not be NULL", what)));
    s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
    if (pg_strcasecmp(s, "none") == 0)
        return LOY_FUNNEL_OD_NONE;
    if (pg_strcasecmp(s, "additive") == 0)
        return LOY_FUNNEL_OD_ADDITIVE;
    if (pg_strcasecmp(s, "multiplicative") == 0)
        return LOY_FUNNEL_OD_MULTIPLICATIVE;
    loy_pg_error(LOY_EINVAL, what, "unknown overdispersion \"%s\" (none, "
                 "additive, multiplicative)", s);
}

static void
funnel_options(FunctionCallInfo fcinfo, loy_funnel_options *o, const char *what)
{
    loy_funnel_options_init(o);
    if (loy_pg_target_shares(fcinfo, 2, &o->target_promoters,
                             &o->target_detractors, what))
        o->target = LOY_FUNNEL_TARGET_FIXED;
    o->levels[0] = loy_pg_opt_f8(fcinfo, 4, what, "inner_level");
    o->levels[1] = loy_pg_opt_f8(fcinfo, 5, what, "outer_level");
    loy_pg_opt_range(o->levels[0], 0.0, 1.0, true, true, what, "inner_level");
    loy_pg_opt_range(o->levels[1], 0.0, 1.0, true, true, what, "outer_level");
    o->overdispersion = od_arg(fcinfo, 6, what);
    o->winsor = loy_pg_opt_f8(fcinfo, 7, what, "winsor");
    loy_pg_opt_range(o->winsor, 0.0, 0.5, false, true, what, "winsor");
    o->alpha = loy_pg_opt_f8(fcinfo, 8, what, "alpha");
    loy_pg_opt_range(o->alpha, 0.0, 1.0, true, true, what, "alpha");
    if (PG_ARGISNULL(9))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: exact must not be NULL", what)));
    if (PG_GETARG_BOOL(9))
        o->flags |= LOY_FUNNEL_EXACT;
}

/* The limits of both levels at every used unit's size. */
static void
funnel_limits(FunnelRun *r, const char *what)
{
    int nu = r->g.n_units, m = 0, i, lv;
    uint64_t *sizes = palloc(sizeof(uint64_t) * (size_t) nu);
    int *which = palloc(sizeof(int) * (size_t) nu);
    double *lo = palloc(sizeof(double) * (size_t) nu);
    double *hi = palloc(sizeof(double) * (size_t) nu);
    for (i = 0; i < nu; i++)
        if (loy_grid_n(&r->g, (size_t) i) > 0) {
            sizes[m] = loy_grid_n(&r->g, (size_t) i);
            which[m++] = i;
        }
    for (lv = 0; lv < 2; lv++) {
        LOY_PG_CHECK(loy_funnel_limits(lo, hi, &r->fit, sizes, (size_t) m,
                                       r->fit.levels[lv],
                                       LOY_FUNNEL_LIMITS_ADJUSTED, NULL), what);
        for (i = 0; i < m; i++) {
            r->v[lv ? FV_LO_OUT : FV_LO_IN][which[i]] = lo[i];
            r->v[lv ? FV_HI_OUT : FV_HI_IN][which[i]] = hi[i];
        }
    }
}

static void
funnel_run(FunctionCallInfo fcinfo, FunnelRun *r, const char *what)
{
    loy_funnel_options o;
    loy_funnel_units u = LOY_FUNNEL_UNITS_INIT;
    size_t bad = LOY_NO_INDEX;
    int k, i, rc;
    funnel_options(fcinfo, &o, what);
    loy_grid_build(&r->g, PG_GETARG_ARRAYTYPE_P(0), NULL,
                   PG_GETARG_ARRAYTYPE_P(1), PG_GET_COLLATION(), what);
    for (k = 0; k < FV_N; k++) {
        r->v[k] = palloc(sizeof(double) * (size_t) r->g.n_units);
        for (i = 0; i < r->g.n_units; i++)
            r->v[k][i] = NAN;
    }
    r->flags = palloc0(sizeof(uint32_t) * (size_t) r->g.n_units);
    u.nps = r->v[FV_NPS];
    u.se = r->v[FV_SE];
    u.z = r->v[FV_Z];
    u.z_adjusted = r->v[FV_ZADJ];
    u.p_value = r->v[FV_P];
    u.shrunk = r->v[FV_SHRUNK];
    u.shrunk_se = r->v[FV_SHRUNK_SE];
    if (o.flags & LOY_FUNNEL_EXACT) {
        u.p_lower = r->v[FV_PLO];
        u.p_upper = r->v[FV_PHI];
    }
    u.flags = r->flags;
    memset(&r->fit, 0, sizeof r->fit);
    r->fit.struct_size = sizeof r->fit;
    rc = loy_funnel_compute(&r->fit, &u, r->g.counts, (size_t) r->g.n_units,
                            3, &o, &bad);
    switch (rc) {
    case LOY_OK:
        break;
    case LOY_EEMPTY:
        loy_pg_error(rc, what, "none of the %d units has answers",
                     r->g.n_units);
    case LOY_EDEGENERATE:
        loy_pg_error(rc, what, "every answer of the %d units is in one class: "
                     "the pooled target has zero variance", r->g.n_units);
    case LOY_EOVERFLOW:
        /* each unit's own sum was checked while merging rows */
        loy_pg_error(rc, what, "the answers of all units together exceed "
                     "2^64 - 1%s", bad < (size_t) r->g.n_units
                         ? psprintf(" (at unit \"%s\")",
                                    loy_grid_unit_text(&r->g, (int) bad))
                         : "");
    default:
        loy_pg_error(rc, what, "%s", loy_strerror(rc));
    }
    funnel_limits(r, what);
}

/* Columns of nps_funnel(). */
enum {
    FC_UNIT, FC_N, FC_NPS, FC_SE, FC_Z, FC_ZADJ, FC_P, FC_LO_IN, FC_HI_IN,
    FC_LO_OUT, FC_HI_OUT, FC_SHRUNK, FC_SHRUNK_SE, FC_PLO, FC_PHI, FC_FLAGS,
    FC_NCOLS
};

PG_FUNCTION_INFO_V1(loyalty_nps_funnel);
Datum
loyalty_nps_funnel(PG_FUNCTION_ARGS)
{
    static const struct { int col, v; } map[] = {
        {FC_NPS, FV_NPS}, {FC_SE, FV_SE}, {FC_Z, FV_Z}, {FC_ZADJ, FV_ZADJ},
        {FC_P, FV_P}, {FC_LO_IN, FV_LO_IN}, {FC_HI_IN, FV_HI_IN},
        {FC_LO_OUT, FV_LO_OUT}, {FC_HI_OUT, FV_HI_OUT},
        {FC_SHRUNK, FV_SHRUNK}, {FC_SHRUNK_SE, FV_SHRUNK_SE},
        {FC_PLO, FV_PLO}, {FC_PHI, FV_PHI},
    };
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    FunnelRun r;
    int i, c;
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
        InitMaterializedSRF(fcinfo, 0);
        return (Datum) 0;
    }
    funnel_run(fcinfo, &r, "nps_funnel");
    InitMaterializedSRF(fcinfo, 0);
    for (i = 0; i < r.g.n_units; i++) {
        Datum v[FC_NCOLS];
        bool nulls[FC_NCOLS];
        uint64_t n = loy_grid_n(&r.g, (size_t) i);
        memset(nulls, 0, sizeof nulls);
        v[FC_UNIT] = r.g.units[i];
        if (n > (uint64_t) PG_INT64_MAX)
            loy_pg_error(LOY_EOVERFLOW, "nps_funnel", "unit \"%s\" has more "
                         "answers than bigint holds", loy_grid_unit_text(&r.g, i));
        v[FC_N] = Int64GetDatum((int64) n);
        for (c = 0; c < (int) lengthof(map); c++)
            v[map[c].col] = loy_pg_f8_or_null(r.v[map[c].v][i], &nulls[map[c].col]);
        v[FC_FLAGS] = loy_pg_flag_names(r.flags[i], unit_flags,
                                        (int) lengthof(unit_flags));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
    return (Datum) 0;
}

/* Columns of the nps_funnel_fit type. */
enum {
    FS_UNITS, FS_USED, FS_DEGENERATE, FS_N, FS_TARGET, FS_TP, FS_TD, FS_TV,
    FS_LV_IN, FS_LV_OUT, FS_Z_IN, FS_Z_OUT, FS_OD, FS_PHI, FS_TAU2_OD,
    FS_ALPHA, FS_OUT_IN, FS_OUT_OUT, FS_EX_IN, FS_EX_OUT, FS_BONF, FS_FDR,
    FS_FDR_P, FS_FDR_Z, FS_FIXED, FS_Q, FS_TAU2, FS_TAU, FS_I2, FS_MU,
    FS_MU_SE, FS_FLAGS, FS_NCOLS
};

PG_FUNCTION_INFO_V1(loyalty_nps_funnel_summary);
Datum
loyalty_nps_funnel_summary(PG_FUNCTION_ARGS)
{
    static const char *const od_name[] = {"none", "additive", "multiplicative"};
    FunnelRun r;
    const loy_funnel_result *f = &r.fit;
    Datum v[FS_NCOLS];
    bool nulls[FS_NCOLS];
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        PG_RETURN_NULL();
    funnel_run(fcinfo, &r, "nps_funnel_summary");
    memset(nulls, 0, sizeof nulls);
    if (f->n_total > (uint64_t) PG_INT64_MAX)
        loy_pg_error(LOY_EOVERFLOW, "nps_funnel_summary",
                     "more answers than bigint holds");
    v[FS_UNITS] = Int32GetDatum((int32) f->n_units);
    v[FS_USED] = Int32GetDatum((int32) f->n_used);
    v[FS_DEGENERATE] = Int32GetDatum((int32) f->n_degenerate);
    v[FS_N] = Int64GetDatum((int64) f->n_total);
    v[FS_TARGET] = Float8GetDatum(f->target);
    v[FS_TP] = Float8GetDatum(f->target_promoters);
    v[FS_TD] = Float8GetDatum(f->target_detractors);
    v[FS_TV] = Float8GetDatum(f->target_variance);
    v[FS_LV_IN] = Float8GetDatum(f->levels[0]);
    v[FS_LV_OUT] = Float8GetDatum(f->levels[1]);
    v[FS_Z_IN] = Float8GetDatum(f->z_levels[0]);
    v[FS_Z_OUT] = Float8GetDatum(f->z_levels[1]);
    v[FS_OD] = CStringGetTextDatum(f->overdispersion < 3 ? od_name[f->overdispersion] : "?");
    v[FS_PHI] = Float8GetDatum(f->phi);
    v[FS_TAU2_OD] = Float8GetDatum(f->tau2_od);
    v[FS_ALPHA] = Float8GetDatum(f->alpha);
    v[FS_OUT_IN] = Int32GetDatum((int32) f->n_outside[0]);
    v[FS_OUT_OUT] = Int32GetDatum((int32) f->n_outside[1]);
    v[FS_EX_IN] = Int32GetDatum((int32) f->n_exact[0]);
    v[FS_EX_OUT] = Int32GetDatum((int32) f->n_exact[1]);
    v[FS_BONF] = Int32GetDatum((int32) f->n_bonferroni);
    v[FS_FDR] = Int32GetDatum((int32) f->n_fdr);
    v[FS_FDR_P] = Float8GetDatum(f->fdr_p);
    v[FS_FDR_Z] = Float8GetDatum(f->fdr_z);
    v[FS_FIXED] = Float8GetDatum(f->fixed_mean);
    v[FS_Q] = Float8GetDatum(f->q_stat);
    v[FS_TAU2] = Float8GetDatum(f->tau2);
    v[FS_TAU] = Float8GetDatum(f->tau);
    v[FS_I2] = Float8GetDatum(f->i2);
    v[FS_MU] = Float8GetDatum(f->mu);
    v[FS_MU_SE] = Float8GetDatum(f->mu_se);
    v[FS_FLAGS] = loy_pg_flag_names(f->flags, fit_flags, (int) lengthof(fit_flags));
    /* exact counts only mean something when asked for */
    nulls[FS_EX_IN] = nulls[FS_EX_OUT] = !(PG_GETARG_BOOL(9));
    return loy_pg_tuple(fcinfo, v, nulls);
}
