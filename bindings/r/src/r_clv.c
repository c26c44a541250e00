/* SPDX-License-Identifier: MIT */
/*
 * r_clv.c - retention CLV formulas, vectorised: the R layer recycles the
 * arguments to one length and the first failing element is reported with
 * its position.
 */
#include "loyr.h"

#include <math.h>

/* Horizon in margins: 0 or +Inf is infinite; otherwise a whole number. */
static int
horizon_of(double h, uint32_t *out)
{
    if (ISNAN(h))
        return LOY_ENONFINITE;
    if (h == 0.0 || h == R_PosInf) {
        *out = LOY_CLV_HORIZON_INFINITE;
        return LOY_OK;
    }
    if (!(h >= 1.0 && h <= 4294967295.0 && h == floor(h)))
        return LOY_ESCALE;
    *out = (uint32_t)h;
    return LOY_OK;
}

/* .Call: margin multiples (margin NULL) or values net of acquisition cost.
 * All arguments have one length; timing: 0 end, 1 beginning of period. */
SEXP
loyr_clv_value(SEXP retention, SEXP discount, SEXP growth, SEXP horizon,
               SEXP timing, SEXP margin, SEXP acquisition)
{
    R_xlen_t n;
    int value;

    if (!loyr_is_real(retention, -1))
        return loyr_einval();
    n = XLENGTH(retention);
    value = !Rf_isNull(margin);
    if (!loyr_is_real(discount, n) || !loyr_is_real(growth, n)
        || !loyr_is_real(horizon, n) || !loyr_is_int(timing, n)
        || (value && (!loyr_is_real(margin, n) || !loyr_is_real(acquisition, n))))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        uint32_t h = 0;
        int st = horizon_of(REAL(horizon)[i], &h);
        if (st == LOY_OK && value)
            st = loy_clv_value(&REAL(out)[i], REAL(margin)[i], REAL(retention)[i],
                               REAL(discount)[i], REAL(growth)[i], h,
                               REAL(acquisition)[i], INTEGER(timing)[i]);
        else if (st == LOY_OK)
            st = loy_clv_multiple(&REAL(out)[i], REAL(retention)[i],
                                  REAL(discount)[i], REAL(growth)[i], h,
                                  INTEGER(timing)[i]);
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}

/* .Call: elementwise helper formulas. what: 1 expected lifetime (a),
 * 2 rate rescale (a = rate, b = factor, c = kind), 3 SaaS LTV (a = ARPA,
 * b = gross margin, c = churn), 4 viral (a = CLV, b = referrals). */
SEXP
loyr_clv_formula(SEXP what, SEXP a, SEXP b, SEXP c)
{
    R_xlen_t n;
    int w;

    if (!loyr_int1(what, &w) || w < 1 || w > 4 || !loyr_is_real(a, -1))
        return loyr_einval();
    n = XLENGTH(a);
    if (!loyr_is_real(b, n) || !loyr_is_real(c, n))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        double *o = &REAL(out)[i];
        double av = REAL(a)[i], bv = REAL(b)[i], cv = REAL(c)[i];
        int st;
        switch (w) {
        case 1:
            st = loy_clv_expected_lifetime(o, av);
            break;
        case 2:
            st = (cv == 0.0 || cv == 1.0 || cv == 2.0)
                     ? loy_clv_rate_rescale(o, av, bv, (int)cv)
                     : LOY_EINVAL;
            break;
        case 3:
            st = loy_clv_saas_ltv(o, av, bv, cv);
            break;
        default:
            st = loy_clv_viral(o, av, bv);
            break;
        }
        if (st != LOY_OK) {
            UNPROTECT(1);
            return loyr_status(st, (size_t)i);
        }
    }
    UNPROTECT(1);
    return out;
}
