/* SPDX-License-Identifier: MIT */
/*
 * r_bgnbd.c - BG/NBD functions outside the shared table (P(alive) and CET
 * in one pass, the count distribution, CLV, the discount rate) and the
 * Gamma-Gamma spend model.
 */
#include "loyr.h"

#include <math.h>

static int
columns(SEXP params, SEXP x, SEXP t_x, SEXP T, R_xlen_t *n)
{
    if (!loyr_is_real(params, 4) || !loyr_is_real(x, -1))
        return 0;
    *n = XLENGTH(x);
    return loyr_is_real(t_x, *n) && loyr_is_real(T, *n);
}

/* .Call: list(palive, expected) over horizon t, one validation pass. */
SEXP
loyr_bgnbd_predict(SEXP params, SEXP x, SEXP t_x, SEXP T, SEXP t)
{
    static const char *const names[] = {"palive", "expected"};
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    double tv;
    int st;

    if (!columns(params, x, t_x, T, &n) || !loyr_real1(t, &tv))
        return loyr_einval();
    SEXP out = PROTECT(loyr_named_list(names, 2));
    SEXP pa = Rf_allocVector(REALSXP, n);
    SET_VECTOR_ELT(out, 0, pa);
    SEXP ce = Rf_allocVector(REALSXP, n);
    SET_VECTOR_ELT(out, 1, ce);
    st = loy_bgnbd_predict(REAL(pa), REAL(ce), REAL(params), REAL(x),
                           REAL(t_x), REAL(T), (size_t)n, tv, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: P(X(t) = k), k = 0..n-1, of a new customer. */
SEXP
loyr_bgnbd_pmf(SEXP params, SEXP t, SEXP n)
{
    size_t err = LOY_NO_INDEX;
    double tv;
    int nv, st;

    if (!loyr_is_real(params, 4) || !loyr_real1(t, &tv) || !loyr_int1(n, &nv)
        || nv < 1)
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, nv));
    st = loy_bgnbd_pmf(REAL(out), REAL(params), tv, (size_t)nv, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: CLV with continuous discounting (margin NULL: DERT). */
SEXP
loyr_bgnbd_clv(SEXP params, SEXP x, SEXP t_x, SEXP T, SEXP margin,
               SEXP delta, SEXP horizon)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    double d, h;
    int ok = 1, st;
    const double *mp;

    if (!columns(params, x, t_x, T, &n) || !loyr_real1(delta, &d)
        || !loyr_real1(horizon, &h))
        return loyr_einval();
    mp = loyr_opt_real(margin, n, &ok);
    if (!ok)
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    st = loy_bgnbd_clv(REAL(out), REAL(params), REAL(x), REAL(t_x), REAL(T),
                       mp, (size_t)n, d, h, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: CLV as a monthly discounted cash flow (lifetimes' convention). */
SEXP
loyr_bgnbd_clv_monthly(SEXP params, SEXP x, SEXP t_x, SEXP T, SEXP margin,
                       SEXP months, SEXP discount, SEXP per_month)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    double d, f;
    int ok = 1, mo, st;
    const double *mp;

    if (!columns(params, x, t_x, T, &n) || !loyr_int1(months, &mo) || mo < 1
        || !loyr_real1(discount, &d) || !loyr_real1(per_month, &f))
        return loyr_einval();
    mp = loyr_opt_real(margin, n, &ok);
    if (!ok)
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    st = loy_bgnbd_clv_monthly(REAL(out), REAL(params), REAL(x), REAL(t_x),
                               REAL(T), mp, (size_t)n, (uint32_t)mo, d, f,
                               &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: continuous rate per period from annual rates (vectorised). */
SEXP
loyr_discount_rate(SEXP annual, SEXP periods_per_year)
{
    R_xlen_t n;
    if (!loyr_is_real(annual, -1))
        return loyr_einval();
    n = XLENGTH(annual);
    if (!loyr_is_real(periods_per_year, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        int st = loy_bgnbd_discount_rate(&REAL(out)[i], REAL(annual)[i],
                                         REAL(periods_per_year)[i]);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}

/* .Call: fit Gamma-Gamma to (x, m) with optional weights. */
SEXP
loyr_ggamma_fit(SEXP x, SEXP m, SEXP w, SEXP start, SEXP control)
{
    loy_fit_options opts;
    loy_fit_report report = LOY_FIT_REPORT_INIT;
    double start_buf[3], params[3];
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int ok = 1, st;
    const double *wp;

    if (!loyr_is_real(x, -1))
        return loyr_einval();
    n = XLENGTH(x);
    if (!loyr_is_real(m, n))
        return loyr_einval();
    wp = loyr_opt_real(w, n, &ok);
    if (!ok || loyr_fit_options(&opts, start_buf, start, control, 3) != LOY_OK)
        return loyr_einval();
    st = loy_ggamma_fit(params, REAL(x), REAL(m), wp, (size_t)n, &opts,
                        &report, &err);
    if (st != LOY_OK && st != LOY_ENOCONV)
        return loyr_status(st, err);
    return loyr_fit_value(st, params, &report);
}

/* .Call: Gamma-Gamma sample log-likelihood. */
SEXP
loyr_ggamma_loglik(SEXP params, SEXP x, SEXP m, SEXP w)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int ok = 1, st;
    double ll;
    const double *wp;

    if (!loyr_is_real(params, 3) || !loyr_is_real(x, -1))
        return loyr_einval();
    n = XLENGTH(x);
    if (!loyr_is_real(m, n))
        return loyr_einval();
    wp = loyr_opt_real(w, n, &ok);
    if (!ok)
        return loyr_einval();
    st = loy_ggamma_loglik(&ll, REAL(params), REAL(x), REAL(m), wp,
                           (size_t)n, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return Rf_ScalarReal(ll);
}

/* .Call: conditional expected spend per transaction. */
SEXP
loyr_ggamma_spend(SEXP params, SEXP x, SEXP m)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    int st;

    if (!loyr_is_real(params, 3) || !loyr_is_real(x, -1))
        return loyr_einval();
    n = XLENGTH(x);
    if (!loyr_is_real(m, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    st = n == 0 ? LOY_OK
                : loy_ggamma_expected_spend(REAL(out), REAL(params), REAL(x),
                                            REAL(m), (size_t)n, &err);
    UNPROTECT(1);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return out;
}

/* .Call: population mean spend p gamma / (q - 1). */
SEXP
loyr_ggamma_mean(SEXP params)
{
    double v;
    int st;
    if (!loyr_is_real(params, 3))
        return loyr_einval();
    st = loy_ggamma_population_mean(&v, REAL(params));
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    return Rf_ScalarReal(v);
}

/* .Call: correlation of x and m (the independence check). */
SEXP
loyr_ggamma_correlation(SEXP x, SEXP m)
{
    size_t err = LOY_NO_INDEX;
    R_xlen_t n;
    double v;
    int st;

    if (!loyr_is_real(x, -1))
        return loyr_einval();
    n = XLENGTH(x);
    if (!loyr_is_real(m, n))
        return loyr_einval();
    st = loy_ggamma_correlation(&v, REAL(x), REAL(m), (size_t)n, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    return Rf_ScalarReal(v);
}
