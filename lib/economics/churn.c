/* SPDX-License-Identifier: MIT */
/*
 * churn.c - what leaving customers cost: contractual churn (constant rate or
 * sBG) and silent churn in non-contractual settings (from P(alive)).
 *
 * Timing convention (the same as the margin multiple of the CLV module): a
 * customer retained now pays the next margin at the end of the coming
 * period, discounted once.
 */
#include "core/internal.h"

#include <float.h>

static int
check_nonneg(double v)
{
    return loy__check_range(v, 0.0, INFINITY);
}

static int
check_unit(double v)
{
    return loy__check_range(v, 0.0, 1.0);
}

/*
 * Copy a result out. Finite non-negative inputs make infinite outputs only
 * by overflow (customers x margin past DBL_MAX): LOY_EOVERFLOW, out
 * untouched. value_lost_undiscounted may be +inf where flagged.
 */
static int
churn_cost_out(loy_churn_cost *out, const loy_churn_cost *full)
{
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out),
                 LOY_EINVAL);
    LOY__REQUIRE(loy__finite(full->customers_lost)
                 && loy__finite(full->margin_lost)
                 && loy__finite(full->value_lost)
                 && loy__finite(full->value_per_lost)
                 && loy__finite(full->clv_existing)
                 && (loy__finite(full->value_lost_undiscounted)
                     || (full->flags & LOY_CHURN_INFINITE)),
                 LOY_EOVERFLOW);
    loy__struct_copy_out(out, full, sizeof *full);
    return LOY_OK;
}

int
loy_churn_cost_simple(loy_churn_cost *out, double customers, double churn,
                      double margin, double discount)
{
    loy_churn_cost r;
    double ret, denom;

    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(check_nonneg(customers));
    LOY__TRY(check_unit(churn));
    LOY__TRY(check_nonneg(margin));
    LOY__TRY(check_nonneg(discount));
    ret = 1.0 - churn;
    denom = 1.0 + discount - ret;
    /* r < 1 + i: only r = 1 with i = 0 violates it (an infinite CLV). */
    LOY__REQUIRE(denom > 0.0, LOY_EDOMAIN);

    memset(&r, 0, sizeof r);
    r.customers_lost = customers * churn;
    r.margin_lost = r.customers_lost * margin;
    r.value_per_lost = margin / denom;
    r.value_lost = r.customers_lost * r.value_per_lost;
    /* L m / c = N m; at full retention nobody is lost and nothing is. */
    r.value_lost_undiscounted = churn > 0.0 ? customers * margin : 0.0;
    r.clv_existing = margin * ret / denom;
    return churn_cost_out(out, &r);
}

static int
check_sbg_params(const double params[2])
{
    LOY__REQUIRE(params != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__finite(params[0]) && loy__finite(params[1]),
                 LOY_ENONFINITE);
    LOY__REQUIRE(params[0] > 0.0 && params[1] > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

int
loy_churn_cost_sbg(loy_churn_cost *out, const double params[2],
                   double customers, uint32_t renewals, double margin,
                   double discount)
{
    loy_churn_cost r;
    double alpha, beta, rn, derl, derl0, v;

    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__TRY(check_sbg_params(params));
    LOY__TRY(check_nonneg(customers));
    LOY__TRY(check_nonneg(margin));
    LOY__TRY(check_nonneg(discount));
    alpha = params[0];
    beta = params[1];
    /* Decision n = renewals + 1 is passed with r_n = (b+n-1)/(a+b+n-1). */
    rn = (beta + renewals) / (alpha + beta + renewals);
    LOY__TRY(loy_sbg_derl(&derl, params, discount, renewals + 1u));
    v = 1.0 / (1.0 + discount);

    memset(&r, 0, sizeof r);
    r.customers_lost = customers * (1.0 - rn);
    r.margin_lost = r.customers_lost * margin;
    /* DERL counts the payment at decision n (probability r_n) undiscounted;
     * had the customer renewed, that payment is certain and, in our timing,
     * arrives at the end of the coming period: divide by r_n, discount once. */
    r.value_per_lost = margin * v * derl / rn;
    r.value_lost = r.customers_lost * r.value_per_lost;
    r.clv_existing = margin * v * derl;
    if (alpha > 1.0) {
        LOY__TRY(loy_sbg_derl(&derl0, params, 0.0, renewals + 1u));
        r.value_lost_undiscounted = r.customers_lost * margin * derl0 / rn;
    } else if (r.customers_lost > 0.0 && margin > 0.0) {
        r.value_lost_undiscounted = INFINITY;
        r.flags |= LOY_CHURN_INFINITE;
    }
    return churn_cost_out(out, &r);
}

/* Validate customer i of the silent-churn input. */
static int
silent_row_check(const double *p_alive, const double *value,
                 const double *p_next, size_t i)
{
    LOY__TRY(check_unit(p_alive[i]));
    LOY__TRY(check_nonneg(value[i]));
    if (p_next != NULL) {
        LOY__TRY(check_unit(p_next[i]));
        /* Survival cannot rise: P(alive later) <= P(alive now). */
        LOY__REQUIRE(p_next[i] <= p_alive[i], LOY_EINCONSISTENT);
    }
    return LOY_OK;
}

/* Sums of one block of customers, added to the compensated totals once per
 * block: plain sums vectorise, and a block is short enough for them to be
 * accurate; the totals then stay exact-enough for any n. */
typedef struct silent_sums {
    loy__ksum lost, vlost, valive, vnext;
    size_t likely;
} silent_sums;

#define SILENT_BLOCK 2048u

/* Branch-free screen of a block: every comparison with NaN is false, so
 * one pass of ands catches NaN, infinities and out-of-range values alike;
 * only a failing block is re-scanned to name the first bad element. */
static int
silent_block_ok(const double *p, const double *v, const double *pn, size_t n)
{
    int ok = 1;
    size_t i;
    for (i = 0; i < n; i++)
        ok &= (p[i] >= 0.0) & (p[i] <= 1.0) & (v[i] >= 0.0) &
              (v[i] <= DBL_MAX);
    if (pn != NULL)
        for (i = 0; i < n; i++)
            ok &= (pn[i] >= 0.0) & (pn[i] <= p[i]);
    return ok;
}

static void
silent_block(silent_sums *t, const double *p, const double *v,
             const double *pn, size_t n, double threshold)
{
    double lost = 0, vlost = 0, valive = 0, vnext = 0;
    size_t i, likely = 0;

    for (i = 0; i < n; i++) {
        double q = 1.0 - p[i];
        lost += q;
        vlost += q * v[i];
        valive += p[i] * v[i];
        likely += p[i] < threshold;
    }
    if (pn != NULL)
        for (i = 0; i < n; i++)
            vnext += (p[i] - pn[i]) * v[i];
    loy__ksum_add(&t->lost, lost);
    loy__ksum_add(&t->vlost, vlost);
    loy__ksum_add(&t->valive, valive);
    loy__ksum_add(&t->vnext, vnext);
    t->likely += likely;
}

int
loy_churn_silent(loy_silent_churn *out, const double *p_alive,
                 const double *value, const double *p_alive_next, size_t n,
                 double threshold, size_t *err_index)
{
    loy_silent_churn r;
    silent_sums t;
    size_t i, start;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && p_alive != NULL && value != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out),
                 LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(check_unit(threshold));
    memset(&t, 0, sizeof t);
    for (start = 0; start < n; start += SILENT_BLOCK) {
        size_t len = n - start < SILENT_BLOCK ? n - start : SILENT_BLOCK;
        if (!silent_block_ok(p_alive + start, value + start,
                             p_alive_next ? p_alive_next + start : NULL, len))
            for (i = start; i < start + len; i++) {
                int rc = silent_row_check(p_alive, value, p_alive_next, i);
                if (rc != LOY_OK) {
                    loy__set_index(err_index, i);
                    return rc;
                }
            }
        silent_block(&t, p_alive + start, value + start,
                     p_alive_next ? p_alive_next + start : NULL, len,
                     threshold);
    }
    memset(&r, 0, sizeof r);
    r.customers = (double)n;
    r.expected_lost = loy__ksum_value(&t.lost);
    r.likely_lost = (double)t.likely;
    r.value_lost = loy__ksum_value(&t.vlost);
    r.value_alive = loy__ksum_value(&t.valive);
    r.value_at_risk_next = loy__ksum_value(&t.vnext);
    /* finite values sum past DBL_MAX only by overflow */
    LOY__REQUIRE(loy__finite(r.value_lost) && loy__finite(r.value_alive)
                 && loy__finite(r.value_at_risk_next), LOY_EOVERFLOW);
    r.flags = p_alive_next == NULL ? LOY_SILENT_NO_NEXT : 0u;
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}
