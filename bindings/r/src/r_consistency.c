/* SPDX-License-Identifier: MIT */
/*
 * r_consistency.c - funnels, control charts, run lengths, period change and
 * the top-box trend from R.
 *
 * Tallies arrive from R as one double vector of packed (D, A, P) triples
 * (the R layer builds them with the grouped NPS tally), are checked to be
 * whole, non-negative and below 2^64, and become the uint64_t array the
 * library reads with stride 3. Per-unit and per-point outputs are R
 * matrices filled with NA first: the library leaves the entries of gaps and
 * of units it does not chart unwritten, and NA is how R marks them.
 */
#include "loyr.h"

#include <math.h>
#include <string.h>

/* 2^64: the first double that no longer fits a uint64_t count. */
#define COUNT_LIMIT 18446744073709551616.0

/* Packed triples of x (length 3 * n) as uint64_t; NULL with *bad set to
 * the tally of the first value that is not a count. */
static uint64_t *
tallies_of(SEXP x, size_t n, size_t *bad)
{
    uint64_t *out = (uint64_t *)R_alloc(3 * n, sizeof(uint64_t));
    const double *v = REAL(x);
    for (size_t i = 0; i < 3 * n; i++) {
        double c = v[i];
        if (!(c >= 0.0 && c < COUNT_LIMIT && c == floor(c))) {
            *bad = i / 3;
            return NULL;
        }
        out[i] = (uint64_t)c;
    }
    return out;
}

/* Checks shared by the units x periods entry points: counts of
 * n_units * n_periods triples. */
static int
grid_of(SEXP counts, SEXP n_units, SEXP n_periods, size_t *u, size_t *t)
{
    int nu, np;
    if (!loyr_int1(n_units, &nu) || !loyr_int1(n_periods, &np) || nu < 1
        || np < 1 || !loyr_is_real(counts, -1))
        return 0;
    *u = (size_t)nu;
    *t = (size_t)np;
    return loyr_len(counts) == 3 * (*u) * (*t);
}

/* A new n x k double matrix of NA (protected by the caller). */
static SEXP
na_matrix(size_t n, int k)
{
    SEXP m = PROTECT(Rf_allocMatrix(REALSXP, (int)n, k));
    double *v = REAL(m);
    for (size_t i = 0; i < n * (size_t)k; i++)
        v[i] = NA_REAL;
    UNPROTECT(1);
    return m;
}

/* Column j of a matrix with n rows. */
static double *
col(SEXP m, size_t n, int j)
{
    return REAL(m) + (size_t)j * n;
}

/* size_t outputs (LOY_NO_INDEX for none) as doubles, 1-based where asked:
 * NA for LOY_NO_INDEX. */
static void
sizes_to_real(double *dst, const size_t *src, size_t n, int one_based)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] == LOY_NO_INDEX ? NA_REAL
                                        : (double)src[i] + (one_based ? 1.0 : 0.0);
}

static void
flags_to_int(SEXP dst, const uint32_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        INTEGER(dst)[i] = (int)src[i];
}

/* ---------------------------------------------------------------- funnel */

static const char *const funnel_fields[] = {
    "n_units", "n_used", "n_degenerate", "n_total", "target",
    "target_promoters", "target_detractors", "target_variance", "level_inner",
    "level_outer", "z_inner", "z_outer", "overdispersion", "phi", "tau2_od",
    "alpha", "n_outside_inner", "n_outside_outer", "n_exact_inner",
    "n_exact_outer", "n_bonferroni", "n_fdr", "fdr_p", "fdr_z", "fixed_mean",
    "q_stat", "tau2", "tau", "i2", "mu", "mu_se", "flags"};
#define FUNNEL_FIELDS 32

static SEXP
funnel_value(const loy_funnel_result *r)
{
    SEXP out = PROTECT(loyr_named_real(funnel_fields, FUNNEL_FIELDS));
    double *v = REAL(out);
    v[0] = (double)r->n_units;
    v[1] = (double)r->n_used;
    v[2] = (double)r->n_degenerate;
    v[3] = (double)r->n_total;
    v[4] = r->target;
    v[5] = r->target_promoters;
    v[6] = r->target_detractors;
    v[7] = r->target_variance;
    v[8] = r->levels[0];
    v[9] = r->levels[1];
    v[10] = r->z_levels[0];
    v[11] = r->z_levels[1];
    v[12] = (double)r->overdispersion;
    v[13] = r->phi;
    v[14] = r->tau2_od;
    v[15] = r->alpha;
    v[16] = (double)r->n_outside[0];
    v[17] = (double)r->n_outside[1];
    v[18] = (double)r->n_exact[0];
    v[19] = (double)r->n_exact[1];
    v[20] = (double)r->n_bonferroni;
    v[21] = (double)r->n_fdr;
    v[22] = r->fdr_p;
    v[23] = r->fdr_z;
    v[24] = r->fixed_mean;
    v[25] = r->q_stat;
    v[26] = r->tau2;
    v[27] = r->tau;
    v[28] = r->i2;
    v[29] = r->mu;
    v[30] = r->mu_se;
    v[31] = (double)r->flags;
    UNPROTECT(1);
    return out;
}

/* The parts of a result that loy_funnel_limits() reads, from the vector
 * funnel_value() made. */
static int
funnel_of(SEXP fit, loy_funnel_result *r)
{
    const double *v;
    if (!loyr_is_real(fit, FUNNEL_FIELDS))
        return 0;
    v = REAL(fit);
    memset(r, 0, sizeof(*r));
    r->struct_size = sizeof(*r);
    if (!(v[12] >= 0.0 && v[12] <= 2.0))
        return 0;
    r->target = v[4];
    r->target_promoters = v[5];
    r->target_detractors = v[6];
    r->target_variance = v[7];
    r->levels[0] = v[8];
    r->levels[1] = v[9];
    r->overdispersion = (uint32_t)v[12];
    r->phi = v[13];
    r->tau2_od = v[14];
    return 1;
}

/* .Call: funnel of n tallies. opts = c(target (0 pooled, 1 fixed),
 * promoters, detractors, level_inner, level_outer, overdispersion, winsor,
 * alpha, exact). Value: list(units = n x 10 matrix (nps, variance, se, z,
 * z_adjusted, p_value, p_lower, p_upper, shrunk, shrunk_se), flags,
 * result). */
SEXP
loyr_funnel(SEXP counts, SEXP opts)
{
    static const char *const names[] = {"units", "flags", "result"};
    loy_funnel_options o = LOY_FUNNEL_OPTIONS_INIT;
    loy_funnel_units u = LOY_FUNNEL_UNITS_INIT;
    loy_funnel_result r;
    const double *ov;
    uint64_t *c;
    uint32_t *flags;
    size_t n, bad = LOY_NO_INDEX, err = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(counts, -1) || loyr_len(counts) % 3 != 0
        || !loyr_is_real(opts, 9))
        return loyr_einval();
    n = loyr_len(counts) / 3;
    if (n == 0)
        return loyr_status(LOY_EEMPTY, LOY_NO_INDEX);
    ov = REAL(opts);
    for (int k = 0; k < 9; k++)
        if (ISNAN(ov[k]))
            return loyr_status(LOY_ENONFINITE, LOY_NO_INDEX);
    if (!(ov[0] == 0.0 || ov[0] == 1.0) || !(ov[5] >= 0.0 && ov[5] <= 2.0)
        || !(ov[8] == 0.0 || ov[8] == 1.0))
        return loyr_einval();
    o.target = (uint32_t)ov[0];
    o.target_promoters = ov[1];
    o.target_detractors = ov[2];
    o.levels[0] = ov[3];
    o.levels[1] = ov[4];
    o.overdispersion = (uint32_t)ov[5];
    o.winsor = ov[6];
    o.alpha = ov[7];
    o.flags = ov[8] == 1.0 ? LOY_FUNNEL_EXACT : 0u;

    c = tallies_of(counts, n, &bad);
    if (c == NULL)
        return loyr_status(LOY_EINVAL, bad);
    flags = (uint32_t *)R_alloc(n, sizeof(uint32_t));

    SEXP units = PROTECT(na_matrix(n, 10));
    u.nps = col(units, n, 0);
    u.variance = col(units, n, 1);
    u.se = col(units, n, 2);
    u.z = col(units, n, 3);
    u.z_adjusted = col(units, n, 4);
    u.p_value = col(units, n, 5);
    if (o.flags & LOY_FUNNEL_EXACT) {
        u.p_lower = col(units, n, 6);
        u.p_upper = col(units, n, 7);
    }
    u.shrunk = col(units, n, 8);
    u.shrunk_se = col(units, n, 9);
    u.flags = flags;
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_funnel_compute(&r, &u, c, n, 3, &o, &err);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return loyr_status(st, err);
    }
    SEXP fl = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    flags_to_int(fl, flags, n);
    SEXP res = PROTECT(funnel_value(&r));
    SEXP out = PROTECT(loyr_named_list(names, 3));
    SET_VECTOR_ELT(out, 0, units);
    SET_VECTOR_ELT(out, 1, fl);
    SET_VECTOR_ELT(out, 2, res);
    UNPROTECT(4);
    return out;
}

/* .Call: funnel limits of a result at sizes (doubles, whole, >= 1):
 * an m x 2 matrix (lower, upper). */
SEXP
loyr_funnel_limits(SEXP fit, SEXP sizes, SEXP level, SEXP method)
{
    loy_funnel_result r;
    uint64_t *sz;
    size_t m, err = LOY_NO_INDEX;
    double lv;
    int meth, st;

    if (!funnel_of(fit, &r) || !loyr_is_real(sizes, -1)
        || !loyr_real1(level, &lv) || !loyr_int1(method, &meth) || meth < 0)
        return loyr_einval();
    m = loyr_len(sizes);
    sz = (uint64_t *)R_alloc(m > 0 ? m : 1, sizeof(uint64_t));
    for (size_t i = 0; i < m; i++) {
        double s = REAL(sizes)[i];
        if (!(s >= 1.0 && s < COUNT_LIMIT && s == floor(s)))
            return loyr_status(LOY_EINVAL, i);
        sz[i] = (uint64_t)s;
    }
    SEXP out = PROTECT(na_matrix(m, 2));
    if (m > 0) {
        st = loy_funnel_limits(col(out, m, 0), col(out, m, 1), &r, sz, m, lv,
                               (uint32_t)meth, &err);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, err);
        }
    }
    UNPROTECT(1);
    return out;
}

/* ---------------------------------------------------------------- charts */

/* .Call: control charts of n_units x n_periods tallies (unit-major).
 * opts = c(target (0 baseline, 1 fixed), promoters, detractors,
 * baseline_start (0-based), baseline_length (0: to the end), limit, lambda,
 * L, k, h). Value: list(points = U*T x 10 matrix (nps, shewhart_lower,
 * shewhart_upper, laney_lower, laney_upper, ewma, ewma_lower, ewma_upper,
 * cusum_upper, cusum_lower), codes, units = U x 12 matrix (centre, sigma,
 * sigma_z, n_points, n_useful, longest_run, longest_run_limit, crossings,
 * crossings_limit, first_shewhart, first_laney, first_ewma, first_cusum;
 * the first_* 1-based, NA for none), unit_flags). */
SEXP
loyr_chart(SEXP counts, SEXP n_units, SEXP n_periods, SEXP opts)
{
    static const char *const names[] = {"points", "codes", "units",
                                        "unit_flags"};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    loy_chart_units cu = LOY_CHART_UNITS_INIT;
    loy_chart_points cp = LOY_CHART_POINTS_INIT;
    const double *ov;
    uint64_t *c;
    uint32_t *codes, *uflags;
    size_t nu, np, n, bad = LOY_NO_INDEX, err = LOY_NO_INDEX;
    size_t *sz[10];
    int st;

    if (!grid_of(counts, n_units, n_periods, &nu, &np) || !loyr_is_real(opts, 10))
        return loyr_einval();
    n = nu * np;
    ov = REAL(opts);
    for (int k = 0; k < 10; k++)
        if (ISNAN(ov[k]))
            return loyr_status(LOY_ENONFINITE, LOY_NO_INDEX);
    if (!(ov[0] == 0.0 || ov[0] == 1.0) || !(ov[3] >= 0.0 && ov[3] < 1e15)
        || !(ov[4] >= 0.0 && ov[4] < 1e15) || ov[3] != floor(ov[3])
        || ov[4] != floor(ov[4]))
        return loyr_einval();
    o.target = (uint32_t)ov[0];
    o.target_promoters = ov[1];
    o.target_detractors = ov[2];
    o.baseline_start = (size_t)ov[3];
    o.baseline_length = (size_t)ov[4];
    o.limit = ov[5];
    o.ewma_lambda = ov[6];
    o.ewma_limit = ov[7];
    o.cusum_k = ov[8];
    o.cusum_h = ov[9];

    c = tallies_of(counts, n, &bad);
    if (c == NULL)
        return loyr_status(LOY_EINVAL, bad);
    codes = (uint32_t *)R_alloc(n, sizeof(uint32_t));
    uflags = (uint32_t *)R_alloc(nu, sizeof(uint32_t));
    for (int k = 0; k < 10; k++) {
        sz[k] = (size_t *)R_alloc(nu, sizeof(size_t));
        for (size_t i = 0; i < nu; i++)
            sz[k][i] = LOY_NO_INDEX;
    }

    SEXP pts = PROTECT(na_matrix(n, 10));
    SEXP un = PROTECT(na_matrix(nu, 13));
    cp.nps = col(pts, n, 0);
    cp.shewhart_lower = col(pts, n, 1);
    cp.shewhart_upper = col(pts, n, 2);
    cp.laney_lower = col(pts, n, 3);
    cp.laney_upper = col(pts, n, 4);
    cp.ewma = col(pts, n, 5);
    cp.ewma_lower = col(pts, n, 6);
    cp.ewma_upper = col(pts, n, 7);
    cp.cusum_upper = col(pts, n, 8);
    cp.cusum_lower = col(pts, n, 9);
    cp.codes = codes;
    cu.centre = col(un, nu, 0);
    cu.sigma = col(un, nu, 1);
    cu.sigma_z = col(un, nu, 2);
    cu.n_points = sz[0];
    cu.n_useful = sz[1];
    cu.longest_run = sz[2];
    cu.longest_run_limit = sz[3];
    cu.crossings = sz[4];
    cu.crossings_limit = sz[5];
    cu.first_shewhart = sz[6];
    cu.first_laney = sz[7];
    cu.first_ewma = sz[8];
    cu.first_cusum = sz[9];
    cu.flags = uflags;
    st = loy_chart_compute(&cu, &cp, c, nu, np, 3, &o, &err);
    if (st != LOY_OK) {
        UNPROTECT(2);
        return loyr_status(st, err);
    }
    for (int k = 0; k < 10; k++)
        sizes_to_real(col(un, nu, 3 + k), sz[k], nu, k >= 6);
    SEXP cd = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    flags_to_int(cd, codes, n);
    SEXP uf = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)nu));
    flags_to_int(uf, uflags, nu);
    SEXP out = PROTECT(loyr_named_list(names, 4));
    SET_VECTOR_ELT(out, 0, pts);
    SET_VECTOR_ELT(out, 1, cd);
    SET_VECTOR_ELT(out, 2, un);
    SET_VECTOR_ELT(out, 3, uf);
    UNPROTECT(5);
    return out;
}

/* ------------------------------------------------------------ run lengths */

static int
arl_options_of(SEXP opts, loy_arl_options *o)
{
    const double *v;
    loy_arl_options init = LOY_ARL_OPTIONS_INIT;
    *o = init;
    if (!loyr_is_real(opts, 3))
        return 0;
    v = REAL(opts);
    if (!(v[0] >= 0.0 && v[0] <= 1e9 && v[0] == floor(v[0])))
        return 0;
    o->nodes = (size_t)v[0];
    o->head_start = v[1];
    o->reflect = v[2];
    return 1;
}

/* .Call: run lengths, vectorised over equal-length a, b, shift, sides.
 * kind 0: EWMA (a lambda, b limit); 1: CUSUM (a k, b h). opts = c(nodes,
 * head_start, reflect). */
SEXP
loyr_arl(SEXP kind, SEXP a, SEXP b, SEXP shift, SEXP sides, SEXP opts)
{
    loy_arl_options o;
    R_xlen_t n;
    int kd;

    if (!loyr_int1(kind, &kd) || kd < 0 || kd > 1 || !loyr_is_real(a, -1)
        || !arl_options_of(opts, &o))
        return loyr_einval();
    n = XLENGTH(a);
    if (!loyr_is_real(b, n) || !loyr_is_real(shift, n) || !loyr_is_int(sides, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        int s = INTEGER(sides)[i];
        int st;
        if (s < 0 || s > 2) {
            UNPROTECT(1);
            return loyr_status(LOY_EINVAL, (size_t)i);
        }
        st = kd == 0 ? loy_arl_ewma(&REAL(out)[i], REAL(a)[i], REAL(b)[i],
                                    REAL(shift)[i], (uint32_t)s, &o)
                     : loy_arl_cusum(&REAL(out)[i], REAL(a)[i], REAL(b)[i],
                                     REAL(shift)[i], (uint32_t)s, &o);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}

/* .Call: the EWMA limit L (kind 0, a = lambda) or the CUSUM interval h
 * (kind 1, a = k) for an in-control ARL, vectorised like loyr_arl(). */
SEXP
loyr_arl_limit(SEXP kind, SEXP a, SEXP arl0, SEXP sides, SEXP opts)
{
    loy_arl_options o;
    R_xlen_t n;
    int kd;

    if (!loyr_int1(kind, &kd) || kd < 0 || kd > 1 || !loyr_is_real(a, -1)
        || !arl_options_of(opts, &o))
        return loyr_einval();
    n = XLENGTH(a);
    if (!loyr_is_real(arl0, n) || !loyr_is_int(sides, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        int s = INTEGER(sides)[i];
        int st;
        if (s < 0 || s > 2) {
            UNPROTECT(1);
            return loyr_status(LOY_EINVAL, (size_t)i);
        }
        st = kd == 0 ? loy_arl_ewma_limit(&REAL(out)[i], REAL(a)[i],
                                          REAL(arl0)[i], (uint32_t)s, &o)
                     : loy_arl_cusum_limit(&REAL(out)[i], REAL(a)[i],
                                           REAL(arl0)[i], (uint32_t)s, &o);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}

/* ------------------------------------------------------- change and trend */

/* .Call: period-over-period change. Value: list(points = U*T x 6 matrix
 * (diff, se, z, p_value, lower, upper), flags). */
SEXP
loyr_change(SEXP counts, SEXP n_units, SEXP n_periods, SEXP lag, SEXP method,
            SEXP level, SEXP pseudo)
{
    static const char *const names[] = {"points", "flags"};
    loy_change_points cp = LOY_CHANGE_POINTS_INIT;
    loy_nps_options o = LOY_NPS_OPTIONS_INIT;
    uint64_t *c;
    uint32_t *flags;
    size_t nu, np, n, bad = LOY_NO_INDEX, err = LOY_NO_INDEX;
    double lv;
    int lg, meth, st;

    if (!grid_of(counts, n_units, n_periods, &nu, &np) || !loyr_int1(lag, &lg)
        || lg < 0 || !loyr_int1(method, &meth) || meth < 0
        || !loyr_real1(level, &lv) || !loyr_is_real(pseudo, 3))
        return loyr_einval();
    memcpy(o.pseudo, REAL(pseudo), sizeof(o.pseudo));
    n = nu * np;
    c = tallies_of(counts, n, &bad);
    if (c == NULL)
        return loyr_status(LOY_EINVAL, bad);
    flags = (uint32_t *)R_alloc(n, sizeof(uint32_t));
    SEXP pts = PROTECT(na_matrix(n, 6));
    cp.diff = col(pts, n, 0);
    cp.se = col(pts, n, 1);
    cp.z = col(pts, n, 2);
    cp.p_value = col(pts, n, 3);
    cp.lower = col(pts, n, 4);
    cp.upper = col(pts, n, 5);
    cp.flags = flags;
    st = loy_change_compute(&cp, c, nu, np, 3, (size_t)lg, (uint32_t)meth, lv,
                            &o, &err);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return loyr_status(st, err);
    }
    SEXP fl = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    flags_to_int(fl, flags, n);
    SEXP out = PROTECT(loyr_named_list(names, 2));
    SET_VECTOR_ELT(out, 0, pts);
    SET_VECTOR_ELT(out, 1, fl);
    UNPROTECT(3);
    return out;
}

/* .Call: top-box trend per unit. Value: list(units = U x 9 matrix (slope,
 * se, lower, upper, p_value, dispersion, share_first, share_last,
 * n_periods), flags). */
SEXP
loyr_topbox(SEXP counts, SEXP n_units, SEXP n_periods, SEXP level)
{
    static const char *const names[] = {"units", "flags"};
    loy_trend_units tu = LOY_TREND_UNITS_INIT;
    uint64_t *c;
    uint32_t *flags;
    size_t *used;
    size_t nu, np, bad = LOY_NO_INDEX, err = LOY_NO_INDEX;
    double lv;
    int st;

    if (!grid_of(counts, n_units, n_periods, &nu, &np) || !loyr_real1(level, &lv))
        return loyr_einval();
    c = tallies_of(counts, nu * np, &bad);
    if (c == NULL)
        return loyr_status(LOY_EINVAL, bad);
    flags = (uint32_t *)R_alloc(nu, sizeof(uint32_t));
    used = (size_t *)R_alloc(nu, sizeof(size_t));
    for (size_t i = 0; i < nu; i++)
        used[i] = LOY_NO_INDEX;
    SEXP un = PROTECT(na_matrix(nu, 9));
    tu.slope = col(un, nu, 0);
    tu.se = col(un, nu, 1);
    tu.lower = col(un, nu, 2);
    tu.upper = col(un, nu, 3);
    tu.p_value = col(un, nu, 4);
    tu.dispersion = col(un, nu, 5);
    tu.share_first = col(un, nu, 6);
    tu.share_last = col(un, nu, 7);
    tu.n_periods = used;
    tu.flags = flags;
    st = loy_topbox_trend(&tu, c, nu, np, 3, lv, &err);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return loyr_status(st, err);
    }
    sizes_to_real(col(un, nu, 8), used, nu, 0);
    SEXP fl = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)nu));
    flags_to_int(fl, flags, nu);
    SEXP out = PROTECT(loyr_named_list(names, 2));
    SET_VECTOR_ELT(out, 0, un);
    SET_VECTOR_ELT(out, 1, fl);
    UNPROTECT(3);
    return out;
}
