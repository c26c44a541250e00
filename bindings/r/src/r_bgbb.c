/* SPDX-License-Identifier: MIT */
/*
 * r_bgbb.c - BG/BB's count distribution (the rest of BG/BB goes through
 * the shared table of r_btyd.c) and the sBG contractual model.
 */
#include "loyr.h"

/* .Call: P(X(n) = x) for pairs (n_opp, x). */
SEXP
loyr_bgbb_pmf(SEXP params, SEXP n_opp, SEXP x)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int st;

    if (!loyr_is_real(params, 4) || !loyr_is_real(n_opp, -1))
        return loyr_einval();
    n = XLENGTH(n_opp);
    if (!loyr_is_real(x, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    st = n == 0 ? LOY_OK
                : loy_bgbb_pmf(REAL(out), REAL(params), REAL(n_opp), REAL(x),
                               (size_t)n, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: fit sBG to a survival curve (counts, fractions or percentages). */
SEXP
loyr_sbg_fit_cohort(SEXP survivors, SEXP start, SEXP control)
{
    loy_fit_options opts;
    loy_fit_report report = LOY_FIT_REPORT_INIT;
    double start_buf[2], params[2];
    size_t err = LOY_NO_INDEX;
    int st;

    if (!loyr_is_real(survivors, -1)
        || loyr_fit_options(&opts, start_buf, start, control, 2) != LOY_OK)
        return loyr_einval();
    st = loy_sbg_fit_cohort(params, REAL(survivors), loyr_len(survivors),
                            &opts, &report, &err);
    if (st != LOY_OK && st != LOY_ENOCONV)
        return loyr_status(st, err);
    return loyr_fit_value(st, params, &report);
}

/* .Call: fit sBG to individual tenures with right censoring. */
SEXP
loyr_sbg_fit_tenures(SEXP tenure, SEXP censored, SEXP w, SEXP start,
                     SEXP control)
{
    loy_fit_options opts;
    loy_fit_report report = LOY_FIT_REPORT_INIT;
    double start_buf[2], params[2];
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int ok = 1, st;
    const double *wp;

    if (!loyr_is_real(tenure, -1))
        return loyr_einval();
    n = XLENGTH(tenure);
    if (!loyr_is_int(censored, n))
        return loyr_einval();
    wp = loyr_opt_real(w, n, &ok);
    if (!ok || loyr_fit_options(&opts, start_buf, start, control, 2) != LOY_OK)
        return loyr_einval();
    /* R's NA_integer_ is INT_MIN: the library rejects it as neither 0 nor 1
     * (LOY_ESCALE with the row), which is what an NA should get. */
    st = loy_sbg_fit_tenures(params, REAL(tenure), INTEGER(censored), wp,
                             (size_t)n, &opts, &report, &err);
    if (st != LOY_OK && st != LOY_ENOCONV)
        return loyr_status(st, err);
    return loyr_fit_value(st, params, &report);
}

/* .Call: cohort log-likelihood at params. */
SEXP
loyr_sbg_loglik_cohort(SEXP params, SEXP survivors)
{
    size_t err = LOY_NO_INDEX;
    double ll;
    int st;

    if (!loyr_is_real(params, 2) || !loyr_is_real(survivors, -1))
        return loyr_einval();
    st = loy_sbg_loglik_cohort(&ll, REAL(params), REAL(survivors),
                               loyr_len(survivors), &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return Rf_ScalarReal(ll);
}

/* .Call: curves of length len. what: 1 survival S(0..len-1), 2 retention
 * r_1..r_len, 3 churn P(T = 1..len). */
SEXP
loyr_sbg_curve(SEXP what, SEXP params, SEXP len)
{
    int w, n, st;

    if (!loyr_int1(what, &w) || w < 1 || w > 3 || !loyr_is_real(params, 2)
        || !loyr_int1(len, &n) || n < 1)
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (w == 1)
        st = loy_sbg_survival(REAL(out), (size_t)n, REAL(params));
    else if (w == 2)
        st = loy_sbg_retention(REAL(out), (size_t)n, REAL(params));
    else
        st = loy_sbg_churn_pmf(REAL(out), (size_t)n, REAL(params));
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    return out;
}

/* .Call: projected survivors at age + 1 .. age + len. */
SEXP
loyr_sbg_project(SEXP params, SEXP len, SEXP active, SEXP age)
{
    int n, st;
    double a, g;

    if (!loyr_is_real(params, 2) || !loyr_int1(len, &n) || n < 1
        || !loyr_real1(active, &a) || !loyr_real1(age, &g))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    st = loy_sbg_project(REAL(out), (size_t)n, REAL(params), a, g);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    return out;
}

/* .Call: DEL(d) for each discount rate, or DERL(d | renewal) when renewal
 * is given (vectors of one length). */
SEXP
loyr_sbg_del(SEXP params, SEXP discount, SEXP renewal)
{
    R_xlen_t n;
    if (!loyr_is_real(params, 2) || !loyr_is_real(discount, -1))
        return loyr_einval();
    n = XLENGTH(discount);
    if (!Rf_isNull(renewal) && !loyr_is_real(renewal, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        int st;
        double d = REAL(discount)[i];
        if (Rf_isNull(renewal)) {
            st = loy_sbg_del(&REAL(out)[i], REAL(params), d);
        } else {
            double r = REAL(renewal)[i];
            /* Whole numbers 1 .. 2^32-1; others are the library's n = 0
             * case (LOY_ESCALE) named at this element. */
            if (!(r >= 1.0 && r <= 4294967295.0 && r == (double)(uint32_t)r))
                st = LOY_ESCALE;
            else
                st = loy_sbg_derl(&REAL(out)[i], REAL(params), d, (uint32_t)r);
        }
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}
