/* SPDX-License-Identifier: MIT */
/*
 * r_drivers.c - key-driver analysis: linear (from a moment tally, with
 * jackknife or bootstrap intervals), logistic and ordinal outcomes,
 * penalty-reward contrast analysis and importance-performance analysis.
 *
 * Data arrive as an R numeric matrix (column-major, n x k): the tally reads
 * it with strides (1, n), so nothing is copied. The library's handles
 * (tallies, results) are all created and released between two R
 * allocations, except the result, which is read into R vectors and
 * therefore lives in an external pointer with a finalizer while that
 * happens. A failure returns c(status, row, column) of class
 * "loyalty_status" (1-based, NA when not applicable).
 */
#include "loyr.h"

#include <string.h>

#define N_METRICS 34
#define N_STATS 4

static SEXP
status3(int status, size_t row, size_t col)
{
    SEXP out = PROTECT(loyr_status(status, row));
    SEXP v = PROTECT(Rf_allocVector(INTSXP, 3));
    INTEGER(v)[0] = INTEGER(out)[0];
    INTEGER(v)[1] = INTEGER(out)[1];
    INTEGER(v)[2] = (col == LOY_NO_INDEX || col >= (size_t)INT32_MAX) ? NA_INTEGER
                                                                       : (int)col + 1;
    Rf_setAttrib(v, R_ClassSymbol, Rf_getAttrib(out, R_ClassSymbol));
    UNPROTECT(2);
    return v;
}

/* A value error of a data matrix with k columns: index i*(k+1) + j, where
 * j = k is the weight. */
static SEXP
status_cell(int status, size_t err, size_t k)
{
    if (err == LOY_NO_INDEX)
        return status3(status, LOY_NO_INDEX, LOY_NO_INDEX);
    return status3(status, err / (k + 1), err % (k + 1));
}

static void
result_finalizer(SEXP ptr)
{
    loy_drivers_result *r = (loy_drivers_result *)R_ExternalPtrAddr(ptr);
    if (r != NULL) {
        loy_drivers_result_free(r);
        R_ClearExternalPtr(ptr);
    }
}

/* Columns given as 0-based R integers into size_t; -1 on a bad one. */
static size_t *
columns_of(SEXP v, size_t k)
{
    size_t n = loyr_len(v);
    size_t *out = (size_t *)R_alloc(n > 0 ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        int c = INTEGER(v)[i];
        if (c < 0 || (size_t)c >= k)
            return NULL;
        out[i] = (size_t)c;
    }
    return out;
}

/* Spec from R: outcome column 0; drivers, groups (NULL or ids), always
 * (NULL or columns). */
static int
spec_of(loy_drivers_spec *spec, SEXP drivers, SEXP groups, SEXP always, size_t k)
{
    loy_drivers_spec init = LOY_DRIVERS_SPEC_INIT;
    *spec = init;
    if (!loyr_is_int(drivers, -1) || XLENGTH(drivers) < 1)
        return 0;
    spec->drivers = columns_of(drivers, k);
    spec->n_drivers = loyr_len(drivers);
    if (spec->drivers == NULL)
        return 0;
    if (!Rf_isNull(groups)) {
        uint32_t *g;
        if (!loyr_is_int(groups, XLENGTH(drivers)))
            return 0;
        g = (uint32_t *)R_alloc(spec->n_drivers, sizeof(uint32_t));
        for (size_t j = 0; j < spec->n_drivers; j++) {
            int v = INTEGER(groups)[j];
            if (v < 0)
                return 0;
            g[j] = (uint32_t)v;
        }
        spec->groups = g;
    }
    if (!Rf_isNull(always)) {
        if (!loyr_is_int(always, -1))
            return 0;
        spec->n_always = loyr_len(always);
        spec->always = spec->n_always > 0 ? columns_of(always, k) : NULL;
        if (spec->n_always > 0 && spec->always == NULL)
            return 0;
    }
    return 1;
}

/* opts: c(flags, max_exact, index, orders, seed, level). */
static int
options_of(loy_drivers_options *o, SEXP opts)
{
    loy_drivers_options init = LOY_DRIVERS_OPTIONS_INIT;
    const double *v;
    *o = init;
    if (!loyr_is_real(opts, 6))
        return 0;
    v = REAL(opts);
    for (int i = 0; i < 5; i++)
        if (!(v[i] >= 0.0 && v[i] <= 9007199254740992.0))
            return 0;
    if (v[0] > 4294967295.0 || v[1] > 4294967295.0 || v[2] > 4294967295.0)
        return 0;
    o->flags = (uint32_t)v[0];
    o->max_exact = (uint32_t)v[1];
    o->index = (uint32_t)v[2];
    o->orders = (uint64_t)v[3];
    o->seed = (uint64_t)v[4];
    o->level = v[5];
    return 1;
}

/* The matrix z: a double matrix; n rows, k columns. */
static int
matrix_of(SEXP z, size_t *n, size_t *k)
{
    SEXP dim;
    if (!loyr_is_real(z, -1))
        return 0;
    dim = Rf_getAttrib(z, R_DimSymbol);
    if (TYPEOF(dim) != INTSXP || XLENGTH(dim) != 2)
        return 0;
    *n = (size_t)INTEGER(dim)[0];
    *k = (size_t)INTEGER(dim)[1];
    return *k >= 1;
}

static SEXP
summary_of(const loy_drivers_result *r)
{
    static const char *const names[] = {
        "model", "flags", "n_drivers", "n_players", "n_always", "n", "sum_w",
        "r2", "r2_adj", "r2_always", "r2_decomp", "f_stat", "f_p", "df_resid",
        "loglik", "loglik_null", "mcfadden", "cox_snell", "nagelkerke",
        "estrella", "orders", "seed", "mc_se_max", "replicates",
        "replicates_failed", "level", "iterations", "categories", "noconv",
        "rows_skipped"};
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    SEXP out = PROTECT(loyr_named_real(names, 30));
    double *v = REAL(out);
    (void)loy_drivers_result_summary(&s, r);
    v[0] = s.model;
    v[1] = s.flags;
    v[2] = (double)s.n_drivers;
    v[3] = (double)s.n_players;
    v[4] = (double)s.n_always;
    v[5] = (double)s.n;
    v[6] = s.sum_w;
    v[7] = s.r2;
    v[8] = s.r2_adj;
    v[9] = s.r2_always;
    v[10] = s.r2_decomp;
    v[11] = s.f_stat;
    v[12] = s.f_p;
    v[13] = s.df_resid;
    v[14] = s.loglik;
    v[15] = s.loglik_null;
    v[16] = s.mcfadden;
    v[17] = s.cox_snell;
    v[18] = s.nagelkerke;
    v[19] = s.estrella;
    v[20] = (double)s.orders;
    v[21] = (double)s.seed;
    v[22] = s.mc_se_max;
    v[23] = (double)s.replicates;
    v[24] = (double)s.replicates_failed;
    v[25] = s.level;
    v[26] = s.iterations;
    v[27] = s.categories;
    v[28] = (double)s.noconv;
    v[29] = (double)s.rows_skipped;
    UNPROTECT(1);
    return out;
}

/* Every metric the result holds: a list of N_METRICS entries, each NULL
 * (not computed or undefined) or a list(estimate, se, lower, upper) whose
 * entries are NULL when that statistic is not available. */
static SEXP
metrics_of(const loy_drivers_result *r)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, N_METRICS));
    for (uint32_t m = 1; m <= N_METRICS; m++) {
        SEXP stats = R_NilValue;
        int any = 0;
        for (uint32_t s = 0; s < N_STATS; s++) {
            size_t len = 0;
            if (loy_drivers_result_get(NULL, 0, &len, r, m, s) != LOY_OK)
                continue;
            if (!any) {
                stats = PROTECT(Rf_allocVector(VECSXP, N_STATS));
                any = 1;
            }
            SEXP v = Rf_allocVector(REALSXP, (R_xlen_t)len);
            SET_VECTOR_ELT(stats, s, v);
            if (len > 0 && loy_drivers_result_get(REAL(v), len, &len, r, m, s) != LOY_OK)
                SET_VECTOR_ELT(stats, s, R_NilValue);
        }
        if (any) {
            SET_VECTOR_ELT(out, m - 1, stats);
            UNPROTECT(1);
        }
    }
    UNPROTECT(1);
    return out;
}

/* list(status, summary, metrics[, kano]) of a result, which is freed. */
static SEXP
result_value(loy_drivers_result *r, int status, int with_kano)
{
    static const char *const names[] = {"status", "summary", "metrics", "kano"};
    SEXP ptr = PROTECT(R_MakeExternalPtr(r, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(ptr, result_finalizer, TRUE);
    SEXP out = PROTECT(loyr_named_list(names, 4));
    SET_VECTOR_ELT(out, 0, Rf_ScalarInteger(status));
    SET_VECTOR_ELT(out, 1, summary_of(r));
    SET_VECTOR_ELT(out, 2, metrics_of(r));
    if (with_kano) {
        size_t p = 0;
        if (loy_drivers_result_kano(NULL, 0, &p, r) == LOY_OK) {
            SEXP codes = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)p));
            SEXP nm = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)p));
            if (p > 0)
                (void)loy_drivers_result_kano((int32_t *)INTEGER(codes), p, &p, r);
            for (size_t j = 0; j < p; j++)
                SET_STRING_ELT(nm, (R_xlen_t)j,
                               Rf_mkChar(loy_drivers_kano_name(INTEGER(codes)[j])));
            Rf_setAttrib(codes, R_NamesSymbol, nm);
            SET_VECTOR_ELT(out, 3, codes);
            UNPROTECT(2);
        }
    }
    result_finalizer(ptr);
    UNPROTECT(2);
    return out;
}

/* Row ids 0..n-1 (the bootstrap draws its Poisson weights from them). */
static uint64_t *
row_ids(size_t from, size_t n, size_t step)
{
    uint64_t *ids = (uint64_t *)R_alloc(n > 0 ? n : 1, sizeof(uint64_t));
    for (size_t i = 0; i < n; i++)
        ids[i] = (uint64_t)(from + i * step);
    return ids;
}

/* .Call: linear analysis. z: n x k matrix, column 0 the outcome. mflags:
 * tally flags. resample: c(kind, count, seed) with kind 0 none, 1
 * delete-a-group jackknife with `count` groups (rows by index mod count),
 * 2 Poisson bootstrap with `count` replicates. */
SEXP
loyr_drivers_linear(SEXP z, SEXP w, SEXP drivers, SEXP groups, SEXP always,
                    SEXP mflags, SEXP opts, SEXP resample)
{
    loy_drivers_spec spec;
    loy_drivers_options o;
    loy_moments *t = NULL, **parts = NULL;
    loy_drivers_result *r = NULL;
    size_t n, k, err = LOY_NO_INDEX, G = 0;
    int ok = 1, mf, kind, st;
    const double *wp, *x;
    const double **cols;
    double *wbuf = NULL;
    uint64_t *ids = NULL;
    uint64_t seed = 0;

    if (!matrix_of(z, &n, &k) || !loyr_int1(mflags, &mf) || mf < 0
        || !spec_of(&spec, drivers, groups, always, k) || !options_of(&o, opts)
        || !loyr_is_real(resample, 3))
        return loyr_einval();
    wp = loyr_opt_real(w, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();
    kind = (int)REAL(resample)[0];
    if (kind < 0 || kind > 2 || !(REAL(resample)[1] >= 0 && REAL(resample)[1] <= 4294967295.0)
        || !(REAL(resample)[2] >= 0 && REAL(resample)[2] <= 9007199254740992.0))
        return loyr_einval();
    G = (size_t)REAL(resample)[1];
    seed = (uint64_t)REAL(resample)[2];
    x = REAL(z);

    /* Scratch first: no R allocation once handles exist. */
    cols = (const double **)R_alloc(k, sizeof(double *));
    for (size_t j = 0; j < k; j++)
        cols[j] = x + j * n;
    if (kind == 2)
        ids = row_ids(0, n, 1);
    if (kind == 1) {
        if (G < 2)
            return loyr_einval();
        parts = (loy_moments **)R_alloc(G, sizeof(loy_moments *));
        memset(parts, 0, G * sizeof(loy_moments *));
        if (wp != NULL)
            wbuf = (double *)R_alloc(n / G + 1, sizeof(double));
        o.flags &= ~LOY_DRIVERS_BOOTSTRAP;
    }

    st = loy_moments_new(&t, k, (uint32_t)mf);
    if (st == LOY_OK && kind == 2)
        st = loy_moments_set_bootstrap(t, (uint32_t)G, seed);
    if (st == LOY_OK && kind != 1) {
        st = loy_moments_add_cols(t, cols, n, wp, ids, &err);
        if (st != LOY_OK) {
            loy_moments_free(t);
            return status_cell(st, err, k);
        }
    }
    if (st == LOY_OK && kind == 1) {
        /* Group g: rows g, g + G, ...: strides (G, n) from row g. */
        for (size_t g = 0; g < G && st == LOY_OK; g++) {
            size_t m = g < n ? (n - g + G - 1) / G : 0;
            st = loy_moments_new(&parts[g], k, (uint32_t)mf);
            if (st != LOY_OK)
                break;
            if (wbuf != NULL)
                for (size_t i = 0; i < m; i++)
                    wbuf[i] = wp[g + i * G];
            if (m > 0)
                st = loy_moments_add(parts[g], x + g, m, G, n, wbuf, NULL, &err);
            if (st != LOY_OK) {
                if (err != LOY_NO_INDEX) /* row within the part -> data row */
                    err = (g + (err / (k + 1)) * G) * (k + 1) + err % (k + 1);
                break;
            }
            st = loy_moments_merge(t, parts[g]);
        }
        if (st == LOY_OK)
            st = loy_drivers_jackknife(&r, t, (const loy_moments *const *)parts, G,
                                       &spec, &o, &err);
        else {
            for (size_t g = 0; g < G; g++)
                loy_moments_free(parts[g]);
            loy_moments_free(t);
            return status_cell(st, err, k);
        }
        for (size_t g = 0; g < G; g++)
            loy_moments_free(parts[g]);
    } else if (st == LOY_OK) {
        st = loy_drivers_linear(&r, t, &spec, &o, &err);
    }
    loy_moments_free(t);
    if (st != LOY_OK) {
        loy_drivers_result_free(r);
        /* analysis errors name a tally column */
        return status3(st, LOY_NO_INDEX, err);
    }
    return result_value(r, st, 0);
}

/* .Call: logistic (model 2) or ordinal (model 3) analysis on the data
 * matrix z (column 0 the outcome). */
SEXP
loyr_drivers_glm(SEXP model, SEXP z, SEXP w, SEXP drivers, SEXP groups,
                 SEXP always, SEXP opts)
{
    loy_drivers_spec spec;
    loy_drivers_options o;
    loy_drivers_result *r = NULL;
    size_t n, k, err = LOY_NO_INDEX;
    int ok = 1, m, st;
    const double *wp;

    if (!loyr_int1(model, &m) || (m != 2 && m != 3) || !matrix_of(z, &n, &k)
        || !spec_of(&spec, drivers, groups, always, k) || !options_of(&o, opts))
        return loyr_einval();
    wp = loyr_opt_real(w, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();
    if (m == 2)
        st = loy_drivers_logistic(&r, REAL(z), n, k, 1, n, wp, &spec, &o, &err);
    else
        st = loy_drivers_ordinal(&r, REAL(z), n, k, 1, n, wp, &spec, &o, &err);
    if (st != LOY_OK && !(st == LOY_ENOCONV && r != NULL)) {
        loy_drivers_result_free(r);
        /* bad values are located by cell, other errors by a column */
        if (st == LOY_ENONFINITE || st == LOY_ESCALE)
            return status_cell(st, err, k);
        return status3(st, LOY_NO_INDEX, err);
    }
    return result_value(r, st, 0);
}

/* .Call: penalty-reward contrast analysis of outcome y on the ratings x
 * (n x p matrix). args: c(low_max, high_min, alpha). */
SEXP
loyr_drivers_prca(SEXP y, SEXP x, SEXP w, SEXP mflags, SEXP args)
{
    loy_moments *t = NULL;
    loy_drivers_result *r = NULL;
    size_t n, p, err = LOY_NO_INDEX;
    int ok = 1, mf, st;
    const double *wp;

    if (!matrix_of(x, &n, &p) || !loyr_is_real(y, (R_xlen_t)n) || !loyr_int1(mflags, &mf)
        || mf < 0 || !loyr_is_real(args, 3))
        return loyr_einval();
    wp = loyr_opt_real(w, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();
    st = loy_moments_new(&t, 2 * p + 1, (uint32_t)mf);
    if (st != LOY_OK)
        return status3(st, LOY_NO_INDEX, LOY_NO_INDEX);
    st = loy_drivers_prca_add(t, REAL(y), REAL(x), n, p, 1, n, wp, NULL, REAL(args)[0],
                              REAL(args)[1], &err);
    if (st != LOY_OK) {
        loy_moments_free(t);
        /* i*(p+2) + j: rating j; + p: the outcome; + p + 1: the weight */
        if (err == LOY_NO_INDEX)
            return status3(st, LOY_NO_INDEX, LOY_NO_INDEX);
        return status3(st, err / (p + 2), err % (p + 2));
    }
    st = loy_drivers_prca(&r, t, p, REAL(args)[2], &err);
    loy_moments_free(t);
    if (st != LOY_OK) {
        loy_drivers_result_free(r);
        return status3(st, LOY_NO_INDEX, err);
    }
    return result_value(r, st, 1);
}

/* .Call: importance-performance analysis. x: n x p ratings on lo..hi;
 * kano: NULL or p codes; opts: c(perf_cut, flags, perf_fixed,
 * importance_cut, top_box_min, bottom_box_max) with NA box limits meaning
 * the defaults. */
SEXP
loyr_drivers_ipa(SEXP importance, SEXP x, SEXP w, SEXP scale, SEXP skip,
                 SEXP kano, SEXP opts)
{
    static const char *const names[] = {"performance", "top_box", "bottom_box",
                                        "quadrant", "opportunity", "cuts"};
    loy_drivers_ipa_options o = LOY_DRIVERS_IPA_OPTIONS_INIT;
    size_t n, p, L, err = LOY_NO_INDEX;
    int ok = 1, sk, st, lo, hi;
    const double *wp, *v;
    double *hist;
    const int32_t *kp = NULL;

    if (!matrix_of(x, &n, &p) || !loyr_is_real(importance, (R_xlen_t)p)
        || !loyr_is_int(scale, 2) || !loyr_int1(skip, &sk) || !loyr_is_real(opts, 6))
        return loyr_einval();
    lo = INTEGER(scale)[0];
    hi = INTEGER(scale)[1];
    if (lo == NA_INTEGER || hi == NA_INTEGER || hi <= lo || hi - lo > 1000)
        return status3(LOY_EDOMAIN, LOY_NO_INDEX, LOY_NO_INDEX);
    if (!Rf_isNull(kano)) {
        if (!loyr_is_int(kano, (R_xlen_t)p))
            return loyr_einval();
        kp = (const int32_t *)INTEGER(kano);
    }
    wp = loyr_opt_real(w, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();
    v = REAL(opts);
    if (!(v[0] >= 0 && v[0] <= 2) || !(v[1] >= 0 && v[1] <= 1))
        return loyr_einval();
    o.perf_cut = (uint32_t)v[0];
    o.flags = (uint32_t)v[1];
    o.perf_fixed = v[2];
    o.importance_cut = v[3];
    if (!ISNAN(v[4]))
        o.top_box_min = (int32_t)v[4];
    if (!ISNAN(v[5]))
        o.bottom_box_max = (int32_t)v[5];
    L = (size_t)(hi - lo) + 1;
    hist = (double *)R_alloc(p * L, sizeof(double));
    memset(hist, 0, p * L * sizeof(double));
    st = loy_drivers_hist_add(hist, p, lo, hi, REAL(x), n, 1, n, wp, sk ? 1 : 0, &err);
    if (st != LOY_OK) {
        if (err == LOY_NO_INDEX)
            return status3(st, LOY_NO_INDEX, LOY_NO_INDEX);
        return status3(st, err / (p + 1), err % (p + 1));
    }
    SEXP out = PROTECT(loyr_named_list(names, 6));
    SEXP perf = Rf_allocVector(REALSXP, (R_xlen_t)p);
    SET_VECTOR_ELT(out, 0, perf);
    SEXP top = Rf_allocVector(REALSXP, (R_xlen_t)p);
    SET_VECTOR_ELT(out, 1, top);
    SEXP bot = Rf_allocVector(REALSXP, (R_xlen_t)p);
    SET_VECTOR_ELT(out, 2, bot);
    SEXP quad = Rf_allocVector(INTSXP, (R_xlen_t)p);
    SET_VECTOR_ELT(out, 3, quad);
    SEXP opp = Rf_allocVector(REALSXP, (R_xlen_t)p);
    SET_VECTOR_ELT(out, 4, opp);
    SEXP cuts = Rf_allocVector(REALSXP, 2);
    SET_VECTOR_ELT(out, 5, cuts);
    st = loy_drivers_ipa(REAL(perf), REAL(top), REAL(bot), (int32_t *)INTEGER(quad),
                         REAL(opp), REAL(cuts), REAL(importance), hist, p, lo, hi, kp, &o);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return status3(st, LOY_NO_INDEX, LOY_NO_INDEX);
    }
    {
        SEXP nm = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)p));
        for (size_t j = 0; j < p; j++)
            SET_STRING_ELT(nm, (R_xlen_t)j,
                           Rf_mkChar(loy_drivers_quadrant_name(INTEGER(quad)[j])));
        Rf_setAttrib(quad, R_NamesSymbol, nm);
        UNPROTECT(1);
    }
    UNPROTECT(1);
    return out;
}
