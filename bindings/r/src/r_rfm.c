/* SPDX-License-Identifier: MIT */
/*
 * r_rfm.c - the purchase-log summary (x, t_x, T, monetary per customer).
 *
 * R has no 64-bit integers: customer codes and times arrive as doubles
 * holding whole numbers and are converted here (with the row of the first
 * one that is not). The summary handle is wrapped in an external pointer
 * with a finalizer before anything else is allocated, so a failing R
 * allocation cannot leak it; it is freed explicitly once copied out.
 */
#include "loyr.h"

#include <math.h>
#include <string.h>

/* 2^62: the library's limit on times and origins. */
#define TIME_LIMIT 4611686018427387904.0
/* 2^53: the largest range of whole doubles. */
#define ID_LIMIT 9007199254740992.0

static void
summary_finalizer(SEXP ptr)
{
    loy_rfm_summary *s = (loy_rfm_summary *)R_ExternalPtrAddr(ptr);
    if (s != NULL) {
        loy_rfm_summary_free(s);
        R_ClearExternalPtr(ptr);
    }
}

/* A whole double within +-limit into an int64. */
static int
to_i64(double v, double limit, int64_t *out)
{
    if (!isfinite(v))
        return LOY_ENONFINITE;
    if (v != floor(v) || fabs(v) >= limit)
        return LOY_ESCALE;
    *out = (int64_t)v;
    return LOY_OK;
}

static SEXP
copy_column(const loy_rfm_summary *s, int column, size_t n)
{
    const double *col = NULL;
    SEXP out = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n));
    if (loy_rfm_summary_column(&col, s, column) == LOY_OK && n > 0)
        memcpy(REAL(out), col, n * sizeof(double));
    UNPROTECT(1);
    return out;
}

/* .Call: summarise a log. id: whole codes >= 0; time, observation_end,
 * period_length, origin, calibration_end (NA: none): whole numbers in the
 * caller's unit; amount: NULL or doubles; freq_multiplier: divisor of
 * period differences; include_first: flag LOY_RFM_INCLUDE_FIRST. */
SEXP
loyr_rfm_summarize(SEXP id, SEXP time, SEXP amount, SEXP observation_end,
                   SEXP period_length, SEXP origin, SEXP freq_multiplier,
                   SEXP calibration_end, SEXP include_first)
{
    static const char *const names[] = {
        "id", "x", "t_x", "T", "monetary", "x_holdout", "monetary_holdout",
        "first", "info"};
    static const char *const info_names[] = {
        "n_customers", "n_rows", "n_rows_dropped", "n_rows_holdout",
        "n_customers_dropped", "duration_holdout", "calibration"};
    loy_rfm_options opts = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    loy_rfm_info info;
    size_t n, err = LOY_NO_INDEX, nc;
    uint64_t *ids;
    int64_t *times, end;
    double oend, plen, orig, fm, cend;
    int ok = 1, incl, st;
    const double *ap;

    if (!loyr_is_real(id, -1))
        return loyr_einval();
    n = loyr_len(id);
    if (!loyr_is_real(time, (R_xlen_t)n) || !loyr_real1(observation_end, &oend)
        || !loyr_real1(period_length, &plen) || !loyr_real1(origin, &orig)
        || !loyr_real1(freq_multiplier, &fm) || !loyr_real1(calibration_end, &cend)
        || !loyr_int1(include_first, &incl))
        return loyr_einval();
    ap = loyr_opt_real(amount, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();

    /* Options: whole numbers checked like the rows, reported without a
     * row. */
    if (to_i64(oend, TIME_LIMIT, &end) != LOY_OK
        || to_i64(plen, TIME_LIMIT, &opts.period_length) != LOY_OK
        || to_i64(orig, TIME_LIMIT, &opts.period_origin) != LOY_OK)
        return loyr_status(LOY_ESCALE, LOY_NO_INDEX);
    opts.freq_multiplier = fm;
    if (!ISNAN(cend)) {
        if (to_i64(cend, TIME_LIMIT, &opts.calibration_end) != LOY_OK)
            return loyr_status(LOY_ESCALE, LOY_NO_INDEX);
        opts.flags |= LOY_RFM_CALIBRATION;
    }
    if (incl)
        opts.flags |= LOY_RFM_INCLUDE_FIRST;

    ids = (uint64_t *)R_alloc(n > 0 ? n : 1, sizeof(uint64_t));
    times = (int64_t *)R_alloc(n > 0 ? n : 1, sizeof(int64_t));
    for (size_t i = 0; i < n; i++) {
        int64_t v;
        st = to_i64(REAL(id)[i], ID_LIMIT, &v);
        if (st == LOY_OK && v < 0)
            st = LOY_ESCALE;
        if (st != LOY_OK)
            return loyr_status(st, i);
        ids[i] = (uint64_t)v;
        st = to_i64(REAL(time)[i], TIME_LIMIT, &times[i]);
        if (st != LOY_OK)
            return loyr_status(st, i);
    }

    SEXP ptr = PROTECT(R_MakeExternalPtr(NULL, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(ptr, summary_finalizer, TRUE);
    st = loy_rfm_summarize(&s, ids, times, ap, n, end, &opts, &err);
    if (st != LOY_OK) {
        UNPROTECT(1);
        return loyr_status(st, err);
    }
    R_SetExternalPtrAddr(ptr, s);

    info.struct_size = sizeof(info);
    if (loy_rfm_summary_info(&info, s) != LOY_OK) {
        summary_finalizer(ptr);
        UNPROTECT(1);
        return loyr_einval();
    }
    nc = loy_rfm_summary_count(s);

    SEXP out = PROTECT(loyr_named_list(names, 9));
    {
        const uint64_t *sid = NULL;
        SEXP v = Rf_allocVector(REALSXP, (R_xlen_t)nc);
        SET_VECTOR_ELT(out, 0, v);
        (void)loy_rfm_summary_ids(&sid, s);
        for (size_t i = 0; i < nc; i++)
            REAL(v)[i] = (double)sid[i];
    }
    SET_VECTOR_ELT(out, 1, copy_column(s, LOY_RFM_COL_X, nc));
    SET_VECTOR_ELT(out, 2, copy_column(s, LOY_RFM_COL_T_X, nc));
    SET_VECTOR_ELT(out, 3, copy_column(s, LOY_RFM_COL_T, nc));
    SET_VECTOR_ELT(out, 4, copy_column(s, LOY_RFM_COL_MONETARY, nc));
    if (info.calibration) {
        SET_VECTOR_ELT(out, 5, copy_column(s, LOY_RFM_COL_X_HOLDOUT, nc));
        SET_VECTOR_ELT(out, 6, copy_column(s, LOY_RFM_COL_MONETARY_HOLDOUT, nc));
    }
    {
        const int64_t *ft = NULL;
        SEXP v = Rf_allocVector(REALSXP, (R_xlen_t)nc);
        SET_VECTOR_ELT(out, 7, v);
        (void)loy_rfm_summary_first_times(&ft, s);
        for (size_t i = 0; i < nc; i++)
            REAL(v)[i] = (double)ft[i];
    }
    {
        SEXP v = PROTECT(loyr_named_real(info_names, 7));
        REAL(v)[0] = (double)info.n_customers;
        REAL(v)[1] = (double)info.n_rows;
        REAL(v)[2] = (double)info.n_rows_dropped;
        REAL(v)[3] = (double)info.n_rows_holdout;
        REAL(v)[4] = (double)info.n_customers_dropped;
        REAL(v)[5] = info.duration_holdout;
        REAL(v)[6] = (double)info.calibration;
        SET_VECTOR_ELT(out, 8, v);
        UNPROTECT(1);
    }
    summary_finalizer(ptr);
    UNPROTECT(2);
    return out;
}
