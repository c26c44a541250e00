/* SPDX-License-Identifier: MIT */
/*
 * r_segment.c - ABC classes (fixed cut-offs and computed) and the
 * ABC x loyalty (x potential) crossing.
 */
#include "loyr.h"

#include <string.h>

static SEXP
classes_vec(const uint8_t *cls, size_t n)
{
    SEXP out = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    for (size_t i = 0; i < n; i++)
        INTEGER(out)[i] = (int)cls[i] + 1; /* factor codes A = 1 */
    UNPROTECT(1);
    return out;
}

static SEXP
reals3(const double *v)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 3));
    memcpy(REAL(out), v, 3 * sizeof(double));
    UNPROTECT(1);
    return out;
}

static SEXP
counts3(const uint64_t *v)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 3));
    for (int k = 0; k < 3; k++)
        REAL(out)[k] = (double)v[k];
    UNPROTECT(1);
    return out;
}

/* .Call: fixed cut-off ABC: list(class codes 1..3, summary). */
SEXP
loyr_abc(SEXP values, SEXP cut_a, SEXP cut_b, SEXP flags)
{
    static const char *const names[] = {
        "class", "count", "value", "value_share", "count_share", "total_value",
        "threshold_ab", "threshold_bc", "cut_a", "cut_b", "n_clamped"};
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    double ca, cb;
    int fl, st;
    size_t n, err = LOY_NO_INDEX;
    uint8_t *cls;

    if (!loyr_is_real(values, -1) || !loyr_real1(cut_a, &ca)
        || !loyr_real1(cut_b, &cb) || !loyr_int1(flags, &fl) || fl < 0)
        return loyr_einval();
    n = loyr_len(values);
    cls = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    st = loy_abc_classify(cls, &s, REAL(values), n, ca, cb, (uint32_t)fl, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    SEXP out = PROTECT(loyr_named_list(names, 11));
    SET_VECTOR_ELT(out, 0, classes_vec(cls, n));
    SET_VECTOR_ELT(out, 1, counts3(s.count));
    SET_VECTOR_ELT(out, 2, reals3(s.value));
    SET_VECTOR_ELT(out, 3, reals3(s.value_share));
    SET_VECTOR_ELT(out, 4, reals3(s.count_share));
    SET_VECTOR_ELT(out, 5, Rf_ScalarReal(s.total_value));
    SET_VECTOR_ELT(out, 6, Rf_ScalarReal(s.threshold_ab));
    SET_VECTOR_ELT(out, 7, Rf_ScalarReal(s.threshold_bc));
    SET_VECTOR_ELT(out, 8, Rf_ScalarReal(s.cut_a));
    SET_VECTOR_ELT(out, 9, Rf_ScalarReal(s.cut_b));
    SET_VECTOR_ELT(out, 10, Rf_ScalarReal((double)s.n_clamped));
    UNPROTECT(1);
    return out;
}

/* .Call: computed ABC (Ultsch & Loetsch): list(class codes, result). */
SEXP
loyr_abc_computed(SEXP values)
{
    static const char *const names[] = {
        "class", "count", "value", "value_share", "total_value", "points",
        "ranks", "ab_limit", "bc_limit", "ab_exchanged", "gini", "n_clamped"};
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    size_t n, err = LOY_NO_INDEX;
    uint8_t *cls;
    int st;

    if (!loyr_is_real(values, -1))
        return loyr_einval();
    n = loyr_len(values);
    cls = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    st = loy_abc_computed_classify(cls, &r, REAL(values), n, 0u, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    SEXP out = PROTECT(loyr_named_list(names, 12));
    SET_VECTOR_ELT(out, 0, classes_vec(cls, n));
    SET_VECTOR_ELT(out, 1, counts3(r.count));
    SET_VECTOR_ELT(out, 2, reals3(r.value));
    SET_VECTOR_ELT(out, 3, reals3(r.value_share));
    SET_VECTOR_ELT(out, 4, Rf_ScalarReal(r.total_value));
    {
        /* effort and yield of the A-, B- and submarginal points, 3 x 2 */
        SEXP p = PROTECT(Rf_allocMatrix(REALSXP, 3, 2));
        double *v = REAL(p);
        v[0] = r.a_effort;
        v[1] = r.b_effort;
        v[2] = r.c_effort;
        v[3] = r.a_yield;
        v[4] = r.b_yield;
        v[5] = r.c_yield;
        SET_VECTOR_ELT(out, 5, p);
        UNPROTECT(1);
    }
    {
        SEXP k = PROTECT(Rf_allocVector(REALSXP, 3));
        REAL(k)[0] = (double)r.pareto_rank;
        REAL(k)[1] = (double)r.breakeven_rank;
        REAL(k)[2] = (double)r.submarginal_rank;
        SET_VECTOR_ELT(out, 6, k);
        UNPROTECT(1);
    }
    SET_VECTOR_ELT(out, 7, Rf_ScalarReal(r.ab_limit));
    SET_VECTOR_ELT(out, 8, Rf_ScalarReal(r.bc_limit));
    SET_VECTOR_ELT(out, 9, Rf_ScalarLogical(r.ab_exchanged != 0));
    SET_VECTOR_ELT(out, 10, Rf_ScalarReal(r.gini));
    SET_VECTOR_ELT(out, 11, Rf_ScalarReal((double)r.n_clamped));
    UNPROTECT(1);
    return out;
}

static SEXP
cells_real(const double *v)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, LOY_SEGMENT_CELLS));
    memcpy(REAL(out), v, LOY_SEGMENT_CELLS * sizeof(double));
    UNPROTECT(1);
    return out;
}

static SEXP
cells_int(const int32_t *v)
{
    SEXP out = PROTECT(Rf_allocVector(INTSXP, LOY_SEGMENT_CELLS));
    for (int k = 0; k < LOY_SEGMENT_CELLS; k++)
        INTEGER(out)[k] = v[k];
    UNPROTECT(1);
    return out;
}

/* .Call: the crossing. value_class: integer codes 0..2; loyalty: integer
 * class codes 0..2 or -1 (or raw scores with the raw flag); optional
 * arrays NULL. opts: c(potential_threshold, nps_level, nps_method,
 * small_n, flags). */
SEXP
loyr_segment_cross(SEXP value, SEXP value_class, SEXP loyalty, SEXP breaks,
                   SEXP potential, SEXP lifetime_value, SEXP churn_prob,
                   SEXP opts)
{
    static const char *const names[] = {
        "cell", "count", "value", "value_share", "small", "action",
        "mean_ltv", "class_count", "class_value", "class_respondents",
        "class_nps", "class_nps_lower", "class_nps_upper", "class_rw_nps",
        "total_rw_nps", "value_at_risk", "class_value_at_risk",
        "total_value", "with_potential"};
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    loy_segment_result r;
    size_t n, err = LOY_NO_INDEX;
    uint8_t *vc, *cells;
    int ok = 1, st;
    const double *o;

    if (!loyr_is_real(value, -1))
        return loyr_einval();
    n = loyr_len(value);
    if (!loyr_is_int(value_class, (R_xlen_t)n) || !loyr_is_int(loyalty, (R_xlen_t)n)
        || !loyr_is_real(opts, 5))
        return loyr_einval();
    if (!Rf_isNull(breaks) && !loyr_is_int(breaks, 4))
        return loyr_einval();
    in.potential = loyr_opt_real(potential, (R_xlen_t)n, &ok);
    in.lifetime_value = loyr_opt_real(lifetime_value, (R_xlen_t)n, &ok);
    in.churn_prob = loyr_opt_real(churn_prob, (R_xlen_t)n, &ok);
    o = REAL(opts);
    if (!ok || !(o[2] >= 0 && o[2] <= 2) || !(o[3] >= 0 && o[3] < 4294967296.0)
        || !(o[4] >= 0 && o[4] < 4294967296.0))
        return loyr_einval();

    vc = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        int c = INTEGER(value_class)[i];
        if (c < 0 || c > 2) /* NA too */
            return loyr_status(LOY_ESCALE, i);
        vc[i] = (uint8_t)c;
    }
    cells = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    in.n = n;
    in.value = REAL(value);
    in.value_class = vc;
    in.loyalty = (const int32_t *)INTEGER(loyalty);
    in.breaks = Rf_isNull(breaks) ? NULL : (const int32_t *)INTEGER(breaks);
    in.potential_threshold = o[0];
    in.nps_level = o[1];
    in.nps_method = (uint32_t)o[2];
    in.small_n = (uint32_t)o[3];
    in.flags = (uint32_t)o[4];
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    st = loy_segment_cross(&r, cells, &in, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);

    SEXP out = PROTECT(loyr_named_list(names, 19));
    {
        SEXP c = Rf_allocVector(INTSXP, (R_xlen_t)n);
        SET_VECTOR_ELT(out, 0, c);
        for (size_t i = 0; i < n; i++)
            INTEGER(c)[i] = (int)cells[i];
    }
    {
        SEXP c = Rf_allocVector(REALSXP, LOY_SEGMENT_CELLS);
        SET_VECTOR_ELT(out, 1, c);
        for (int k = 0; k < LOY_SEGMENT_CELLS; k++)
            REAL(c)[k] = (double)r.count[k];
    }
    SET_VECTOR_ELT(out, 2, cells_real(r.value));
    SET_VECTOR_ELT(out, 3, cells_real(r.value_share));
    SET_VECTOR_ELT(out, 4, cells_int(r.small));
    SET_VECTOR_ELT(out, 5, cells_int(r.action));
    SET_VECTOR_ELT(out, 6, cells_real(r.mean_ltv));
    SET_VECTOR_ELT(out, 7, counts3(r.class_count));
    SET_VECTOR_ELT(out, 8, reals3(r.class_value));
    SET_VECTOR_ELT(out, 9, counts3(r.class_respondents));
    {
        /* Undefined statistics are NA in R (the library reports 0 with a
         * defined flag, so that C callers never see NaN). */
        SEXP a = PROTECT(Rf_allocVector(REALSXP, 3));
        SEXP lo = PROTECT(Rf_allocVector(REALSXP, 3));
        SEXP hi = PROTECT(Rf_allocVector(REALSXP, 3));
        SEXP rw = PROTECT(Rf_allocVector(REALSXP, 3));
        for (int k = 0; k < 3; k++) {
            int d = r.class_nps_defined[k];
            REAL(a)[k] = d ? r.class_nps[k] : NA_REAL;
            REAL(lo)[k] = d ? r.class_nps_lower[k] : NA_REAL;
            REAL(hi)[k] = d ? r.class_nps_upper[k] : NA_REAL;
            REAL(rw)[k] = r.class_rw_nps_defined[k] ? r.class_rw_nps[k] : NA_REAL;
        }
        SET_VECTOR_ELT(out, 10, a);
        SET_VECTOR_ELT(out, 11, lo);
        SET_VECTOR_ELT(out, 12, hi);
        SET_VECTOR_ELT(out, 13, rw);
        UNPROTECT(4);
    }
    SET_VECTOR_ELT(out, 14, Rf_ScalarReal(r.total_rw_nps_defined ? r.total_rw_nps
                                                                 : NA_REAL));
    SET_VECTOR_ELT(out, 15, Rf_ScalarReal(r.value_at_risk));
    SET_VECTOR_ELT(out, 16, reals3(r.class_value_at_risk));
    SET_VECTOR_ELT(out, 17, Rf_ScalarReal(r.total_value));
    SET_VECTOR_ELT(out, 18, Rf_ScalarLogical(r.with_potential != 0));
    UNPROTECT(1);
    return out;
}

/* .Call: names of the action codes 0 .. max_code (the R layer asks until
 * the library answers "unknown"). */
SEXP
loyr_action_names(SEXP max_code)
{
    int m;
    if (!loyr_int1(max_code, &m) || m < 0)
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(STRSXP, m + 1));
    for (int k = 0; k <= m; k++)
        SET_STRING_ELT(out, k, Rf_mkChar(loy_segment_action_name(k)));
    UNPROTECT(1);
    return out;
}
