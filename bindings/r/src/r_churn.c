/* SPDX-License-Identifier: MIT */
/*
 * r_churn.c - churn cost and loyalty economics.
 */
#include "loyr.h"

#include <math.h>
#include <string.h>

static SEXP
cost_value(const loy_churn_cost *c)
{
    static const char *const names[] = {
        "customers_lost", "margin_lost", "value_lost",
        "value_lost_undiscounted", "value_per_lost", "clv_existing", "flags"};
    SEXP out = PROTECT(loyr_named_real(names, 7));
    double *v = REAL(out);
    v[0] = c->customers_lost;
    v[1] = c->margin_lost;
    v[2] = c->value_lost;
    v[3] = c->value_lost_undiscounted;
    v[4] = c->value_per_lost;
    v[5] = c->clv_existing;
    v[6] = (double)c->flags;
    UNPROTECT(1);
    return out;
}

/* .Call: churn cost with constant churn; args c(N, churn, margin, i). */
SEXP
loyr_churn_cost_simple(SEXP args)
{
    loy_churn_cost c;
    int st;
    if (!loyr_is_real(args, 4))
        return loyr_einval();
    memset(&c, 0, sizeof(c));
    c.struct_size = sizeof(c);
    st = loy_churn_cost_simple(&c, REAL(args)[0], REAL(args)[1], REAL(args)[2],
                               REAL(args)[3]);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    return cost_value(&c);
}

/* .Call: churn cost from sBG parameters; args c(N, renewals, margin, d). */
SEXP
loyr_churn_cost_sbg(SEXP params, SEXP args)
{
    loy_churn_cost c;
    double ren;
    int st;
    if (!loyr_is_real(params, 2) || !loyr_is_real(args, 4))
        return loyr_einval();
    ren = REAL(args)[1];
    if (!(ren >= 0.0 && ren <= 4294967295.0 && ren == floor(ren)))
        return loyr_status(isfinite(ren) ? LOY_ESCALE : LOY_ENONFINITE,
                           LOY_NO_INDEX);
    memset(&c, 0, sizeof(c));
    c.struct_size = sizeof(c);
    st = loy_churn_cost_sbg(&c, REAL(params), REAL(args)[0], (uint32_t)ren,
                            REAL(args)[2], REAL(args)[3]);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    return cost_value(&c);
}

/* .Call: silent churn over a customer base. */
SEXP
loyr_churn_silent(SEXP p_alive, SEXP value, SEXP p_next, SEXP threshold)
{
    static const char *const names[] = {
        "customers", "expected_lost", "likely_lost", "value_lost",
        "value_alive", "value_at_risk_next", "flags"};
    loy_silent_churn s;
    size_t n, err = LOY_NO_INDEX;
    double th;
    int ok = 1, st;
    const double *pn;

    if (!loyr_is_real(p_alive, -1) || !loyr_real1(threshold, &th))
        return loyr_einval();
    n = loyr_len(p_alive);
    if (!loyr_is_real(value, (R_xlen_t)n))
        return loyr_einval();
    pn = loyr_opt_real(p_next, (R_xlen_t)n, &ok);
    if (!ok)
        return loyr_einval();
    memset(&s, 0, sizeof(s));
    s.struct_size = sizeof(s);
    st = loy_churn_silent(&s, REAL(p_alive), REAL(value), pn, n, th, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    SEXP out = PROTECT(loyr_named_real(names, 7));
    double *v = REAL(out);
    v[0] = s.customers;
    v[1] = s.expected_lost;
    v[2] = s.likely_lost;
    v[3] = s.value_lost;
    v[4] = s.value_alive;
    v[5] = s.value_at_risk_next;
    v[6] = (double)s.flags;
    UNPROTECT(1);
    return out;
}

/* .Call: word of mouth; args in the order of loy_wom_params. */
SEXP
loyr_churn_wom(SEXP args)
{
    static const char *const names[] = {
        "referral_value", "value_per_comment", "promoter_value",
        "deterred_value", "cost_per_negative_comment", "detractor_cost"};
    loy_wom_params p;
    loy_wom_value w;
    int st;
    if (!loyr_is_real(args, 7))
        return loyr_einval();
    p.struct_size = sizeof(p);
    p.referred_customers = REAL(args)[0];
    p.customer_value = REAL(args)[1];
    p.positive_comments = REAL(args)[2];
    p.comments_per_promoter = REAL(args)[3];
    p.deterred_customers = REAL(args)[4];
    p.negative_comments = REAL(args)[5];
    p.comments_per_detractor = REAL(args)[6];
    memset(&w, 0, sizeof(w));
    w.struct_size = sizeof(w);
    st = loy_churn_wom(&w, &p);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 6));
    double *v = REAL(out);
    v[0] = w.referral_value;
    v[1] = w.value_per_comment;
    v[2] = w.promoter_value;
    v[3] = w.deterred_value;
    v[4] = w.cost_per_negative_comment;
    v[5] = w.detractor_cost;
    UNPROTECT(1);
    return out;
}

/* .Call: value per loyalty class as a 3 x 6 matrix (rows detractor,
 * passive, promoter; columns n, mean, sd, se, lower, upper). loyalty
 * codes: 0, 1, 2, or -1 for no answer. */
SEXP
loyr_churn_class_value(SEXP value, SEXP loyalty, SEXP level)
{
    loy_class_value cv;
    size_t n, err = LOY_NO_INDEX;
    int8_t *cls;
    double lv;
    int st;

    if (!loyr_is_real(value, -1) || !loyr_real1(level, &lv))
        return loyr_einval();
    n = loyr_len(value);
    if (!loyr_is_int(loyalty, (R_xlen_t)n))
        return loyr_einval();
    cls = (int8_t *)R_alloc(n > 0 ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        int c = INTEGER(loyalty)[i];
        if (c < -1 || c > 2)
            return loyr_status(LOY_ESCALE, i);
        cls[i] = (int8_t)c;
    }
    memset(&cv, 0, sizeof(cv));
    cv.struct_size = sizeof(cv);
    st = loy_churn_class_value(&cv, REAL(value), cls, n, lv, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, 3, 6));
    double *v = REAL(out);
    for (int k = 0; k < 3; k++) {
        v[k] = (double)cv.n[k];
        v[k + 3] = cv.mean[k];
        v[k + 6] = cv.sd[k];
        v[k + 9] = cv.se[k];
        v[k + 12] = cv.lower[k];
        v[k + 15] = cv.upper[k];
    }
    UNPROTECT(1);
    return out;
}

/* .Call: gain of moving k customers between classes, from the matrix of
 * loyr_churn_class_value(): c(gain, lower, upper). */
SEXP
loyr_churn_move_value(SEXP table, SEXP level, SEXP k, SEXP from, SEXP to)
{
    loy_class_value cv;
    double lv, kv, g, lo, hi;
    int f, t, st;

    if (!loyr_is_real(table, 18) || !loyr_real1(level, &lv)
        || !loyr_real1(k, &kv) || !loyr_int1(from, &f) || !loyr_int1(to, &t))
        return loyr_einval();
    memset(&cv, 0, sizeof(cv));
    cv.struct_size = sizeof(cv);
    cv.level = lv;
    for (int c = 0; c < 3; c++) {
        double nc = REAL(table)[c];
        if (!(nc >= 0.0 && nc < 18446744073709551616.0 && nc == floor(nc)))
            return loyr_einval();
        cv.n[c] = (uint64_t)nc;
        cv.mean[c] = REAL(table)[c + 3];
        cv.sd[c] = REAL(table)[c + 6];
        cv.se[c] = REAL(table)[c + 9];
        cv.lower[c] = REAL(table)[c + 12];
        cv.upper[c] = REAL(table)[c + 15];
    }
    st = loy_churn_move_value(&g, &lo, &hi, &cv, kv, f, t);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 3));
    REAL(out)[0] = g;
    REAL(out)[1] = lo;
    REAL(out)[2] = hi;
    UNPROTECT(1);
    return out;
}

/* args: c(customers, margin, retention, discount, growth, new_customers,
 * acquisition_cost, cohorts). */
static int
base_of(SEXP args, loy_base_params *p)
{
    loy_base_params init = LOY_BASE_PARAMS_INIT;
    double coh;
    if (!loyr_is_real(args, 8))
        return LOY_EINVAL;
    *p = init;
    p->customers = REAL(args)[0];
    p->margin = REAL(args)[1];
    p->retention = REAL(args)[2];
    p->discount = REAL(args)[3];
    p->growth = REAL(args)[4];
    p->new_customers = REAL(args)[5];
    p->acquisition_cost = REAL(args)[6];
    coh = REAL(args)[7];
    if (!isfinite(coh))
        return LOY_ENONFINITE;
    if (!(coh >= 0.0 && coh <= 4294967295.0 && coh == floor(coh)))
        return LOY_ESCALE;
    p->cohorts = (uint32_t)coh;
    return LOY_OK;
}

/* .Call: value of a customer base and its elasticities; the status element
 * is 0 or LOY_EDEGENERATE (total 0: elasticities reported as 0). */
SEXP
loyr_churn_base_value(SEXP args)
{
    static const char *const names[] = {
        "clv_existing", "clv_new", "current_value", "future_value", "total",
        "elasticity_retention", "elasticity_margin", "elasticity_discount",
        "elasticity_acquisition", "status"};
    loy_base_params p;
    loy_base_value b;
    int st = base_of(args, &p);
    if (st == LOY_EINVAL)
        return loyr_einval();
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    memset(&b, 0, sizeof(b));
    b.struct_size = sizeof(b);
    st = loy_churn_base_value(&b, &p);
    if (st != LOY_OK && st != LOY_EDEGENERATE)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(loyr_named_real(names, 10));
    double *v = REAL(out);
    v[0] = b.clv_existing;
    v[1] = b.clv_new;
    v[2] = b.current_value;
    v[3] = b.future_value;
    v[4] = b.total;
    v[5] = b.elasticity_retention;
    v[6] = b.elasticity_margin;
    v[7] = b.elasticity_discount;
    v[8] = b.elasticity_acquisition;
    v[9] = (double)st;
    UNPROTECT(1);
    return out;
}

/* .Call: margin change worth a retention change: c(margin_change,
 * value_change). */
SEXP
loyr_churn_retention_margin(SEXP args, SEXP change)
{
    loy_base_params p;
    double ch, mc, vc;
    int st;
    if (!loyr_real1(change, &ch))
        return loyr_einval();
    st = base_of(args, &p);
    if (st == LOY_EINVAL)
        return loyr_einval();
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    st = loy_churn_retention_margin_equivalent(&mc, &vc, &p, ch);
    if (st != LOY_OK)
        return loyr_status(st, LOY_NO_INDEX);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
    REAL(out)[0] = mc;
    REAL(out)[1] = vc;
    UNPROTECT(1);
    return out;
}

/* .Call: Earned Growth Rate; origin codes 0 existing, 1 earned, 2 bought. */
SEXP
loyr_churn_egr(SEXP prev, SEXP now, SEXP origin)
{
    static const char *const names[] = {
        "revenue_prev", "revenue_now", "revenue_retained", "revenue_earned",
        "revenue_bought", "nrr", "enc", "egr", "growth", "bought_growth"};
    loy_egr e;
    size_t n, err = LOY_NO_INDEX;
    uint8_t *org;
    int st;

    if (!loyr_is_real(prev, -1))
        return loyr_einval();
    n = loyr_len(prev);
    if (!loyr_is_real(now, (R_xlen_t)n) || !loyr_is_int(origin, (R_xlen_t)n))
        return loyr_einval();
    org = (uint8_t *)R_alloc(n > 0 ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        int c = INTEGER(origin)[i];
        if (c < 0 || c > 255) /* NA too; 3..255 the library rejects */
            return loyr_status(LOY_ESCALE, i);
        org[i] = (uint8_t)c;
    }
    memset(&e, 0, sizeof(e));
    e.struct_size = sizeof(e);
    st = loy_churn_egr(&e, REAL(prev), REAL(now), org, n, &err);
    if (st != LOY_OK)
        return loyr_status(st, err);
    SEXP out = PROTECT(loyr_named_real(names, 10));
    double *v = REAL(out);
    v[0] = e.revenue_prev;
    v[1] = e.revenue_now;
    v[2] = e.revenue_retained;
    v[3] = e.revenue_earned;
    v[4] = e.revenue_bought;
    v[5] = e.nrr;
    v[6] = e.enc;
    v[7] = e.egr;
    v[8] = e.growth;
    v[9] = e.bought_growth;
    UNPROTECT(1);
    return out;
}
