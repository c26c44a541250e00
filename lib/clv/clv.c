/* SPDX-License-Identifier: MIT */
/*
 * clv.c - deterministic, retention-based customer lifetime value.
 *
 * Every value here is a geometric series: a margin that survives each period
 * with probability r, grows by (1+g) and is discounted by 1/(1+i). The
 * finite sums are evaluated through expm1/log1p so that they stay accurate
 * when the common ratio is close to 1, where the textbook (1-p^N)/(1-p)
 * loses all its digits.
 */
#include "core/internal.h"

/* All error paths report NaN through `out` in addition to the status. */
static int
fail(double *out, int code)
{
    if (out != NULL)
        *out = NAN;
    return code;
}

/* Shared validation of (r, i, g): finite, r in [0,1], i > -1, g > -1. */
static int
check_rates(double retention, double discount, double growth)
{
    if (!loy__finite(retention) || !loy__finite(discount)
        || !loy__finite(growth))
        return LOY_ENONFINITE;
    if (!(retention >= 0.0 && retention <= 1.0))
        return LOY_EDOMAIN;
    if (!(discount > -1.0) || !(growth > -1.0))
        return LOY_EDOMAIN;
    return LOY_OK;
}

/*
 * sum_{s=0}^{n-1} p^s for p >= 0. Near p = 1 the closed form cancels, so it
 * is written as expm1(n ln p)/(p - 1) with ln p = log1p(p - 1).
 */
static double
geometric_partial(double p, uint32_t n)
{
    double lp;
    if (p == 1.0)
        return (double)n;
    if (p == 0.0)
        return 1.0;
    lp = log1p(p - 1.0);
    return expm1((double)n * lp) / (p - 1.0);
}

/* Multiple per unit margin; rates already validated. */
static int
multiple(double *out, double r, double i, double g, uint32_t horizon,
         int timing)
{
    double first = (timing == LOY_CLV_END_OF_PERIOD) ? r / (1.0 + i) : 1.0;
    double p = r * (1.0 + g) / (1.0 + i);
    double v;
    if (horizon == LOY_CLV_HORIZON_INFINITE) {
        /* converges only when p < 1, i.e. r(1+g) < 1+i */
        if (!(r * (1.0 + g) < 1.0 + i))
            return LOY_EDOMAIN;
        v = first * (1.0 + i) / ((1.0 + i) - r * (1.0 + g));
    } else {
        v = first * geometric_partial(p, horizon);
    }
    if (!loy__finite(v))
        return LOY_EDOMAIN;
    *out = v;
    return LOY_OK;
}

int
loy_clv_multiple(double *out, double retention, double discount,
                 double growth, uint32_t horizon, int timing)
{
    int rc;
    if (out == NULL)
        return LOY_EINVAL;
    if (timing != LOY_CLV_END_OF_PERIOD
        && timing != LOY_CLV_BEGINNING_OF_PERIOD)
        return fail(out, LOY_EINVAL);
    rc = check_rates(retention, discount, growth);
    if (rc == LOY_OK)
        rc = multiple(out, retention, discount, growth, horizon, timing);
    return rc == LOY_OK ? LOY_OK : fail(out, rc);
}

int
loy_clv_value(double *out, double margin, double retention, double discount,
              double growth, uint32_t horizon, double acquisition_cost,
              int timing)
{
    double mult, v;
    int rc;
    if (out == NULL)
        return LOY_EINVAL;
    if (!loy__finite(margin) || !loy__finite(acquisition_cost))
        return fail(out, LOY_ENONFINITE);
    rc = loy_clv_multiple(&mult, retention, discount, growth, horizon, timing);
    if (rc != LOY_OK)
        return fail(out, rc);
    v = margin * mult - acquisition_cost;
    if (!loy__finite(v))
        return fail(out, LOY_EDOMAIN);
    *out = v;
    return LOY_OK;
}

int
loy_clv_expected_lifetime(double *out, double retention)
{
    if (out == NULL)
        return LOY_EINVAL;
    if (!loy__finite(retention))
        return fail(out, LOY_ENONFINITE);
    if (!(retention >= 0.0 && retention < 1.0))
        return fail(out, LOY_EDOMAIN);
    *out = 1.0 / (1.0 - retention);
    return LOY_OK;
}

/* Survival-type rates (retention, churn) rescaled under a constant hazard. */
static double
rescale(double rate, double factor, int kind)
{
    switch (kind) {
    case LOY_CLV_RATE_RETENTION:
        return rate == 0.0 ? 0.0 : exp(factor * log(rate));
    case LOY_CLV_RATE_CHURN:
        return rate == 1.0 ? 1.0 : -expm1(factor * log1p(-rate));
    default: /* LOY_CLV_RATE_DISCOUNT */
        return expm1(factor * log1p(rate));
    }
}

int
loy_clv_rate_rescale(double *out, double rate, double factor, int kind)
{
    double v;
    if (out == NULL)
        return LOY_EINVAL;
    if (kind != LOY_CLV_RATE_RETENTION && kind != LOY_CLV_RATE_CHURN
        && kind != LOY_CLV_RATE_DISCOUNT)
        return fail(out, LOY_EINVAL);
    if (!loy__finite(rate) || !loy__finite(factor))
        return fail(out, LOY_ENONFINITE);
    if (!(factor > 0.0))
        return fail(out, LOY_EDOMAIN);
    if (kind == LOY_CLV_RATE_DISCOUNT ? !(rate > -1.0)
                                      : !(rate >= 0.0 && rate <= 1.0))
        return fail(out, LOY_EDOMAIN);
    v = rescale(rate, factor, kind);
    if (!loy__finite(v))
        return fail(out, LOY_EDOMAIN);
    *out = v;
    return LOY_OK;
}

int
loy_clv_saas_ltv(double *out, double arpa, double gross_margin, double churn)
{
    if (out == NULL)
        return LOY_EINVAL;
    if (!loy__finite(arpa) || !loy__finite(gross_margin)
        || !loy__finite(churn))
        return fail(out, LOY_ENONFINITE);
    if (arpa < 0.0)
        return fail(out, LOY_ESCALE);
    if (!(gross_margin >= 0.0 && gross_margin <= 1.0)
        || !(churn > 0.0 && churn <= 1.0))
        return fail(out, LOY_EDOMAIN);
    *out = arpa * gross_margin / churn;
    if (!loy__finite(*out))
        return fail(out, LOY_EDOMAIN);
    return LOY_OK;
}

int
loy_clv_viral(double *out, double clv, double referrals)
{
    if (out == NULL)
        return LOY_EINVAL;
    if (!loy__finite(clv) || !loy__finite(referrals))
        return fail(out, LOY_ENONFINITE);
    if (!(referrals >= 0.0 && referrals < 1.0))
        return fail(out, LOY_EDOMAIN);
    *out = clv / (1.0 - referrals);
    if (!loy__finite(*out))
        return fail(out, LOY_EDOMAIN);
    return LOY_OK;
}
