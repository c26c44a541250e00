/* SPDX-License-Identifier: MIT */
/*
 * funnel_limits.c - the funnel's limit curves for drawing, and the exact
 * tail test of one tally against a target.
 *
 * Exact limits follow Spiegelhalter (2005, Stat Med 24:1185, appendix):
 * for a discrete statistic the q-quantile r_q (smallest r with
 * P(X <= r) >= q) is interpolated as r_q - alpha,
 * alpha = (P(X <= r_q) - q) / P(X = r_q), so the limit moves smoothly with
 * n instead of in steps. When the passive share is 0, X = P - D keeps the
 * parity of n and the support steps by 2, so the interpolation spans 2.
 * The lower limit interpolates the lower tail at q = (1 - level)/2 and the
 * upper limit is its mirror image on the upper tail (-X = D - P, shares
 * swapped), rather than the (1 + level)/2 quantile interpolated the same
 * way: then a unit lies outside an exact limit exactly when its exact
 * tail is at or below (1 - level)/2, on both sides.
 */
#include "consistency/consistency_internal.h"
#include "numeric/normal.h"

static int
fit_check(const loy_funnel_result *fit)
{
    LOY__REQUIRE(LOY__STRUCT_OK(fit, sizeof *fit), LOY_EINVAL);
    LOY__TRY(loy__target_check(fit->target_promoters,
                               fit->target_detractors));
    LOY__REQUIRE(loy__finite(fit->phi) && loy__finite(fit->tau2_od),
                 LOY_ENONFINITE);
    LOY__REQUIRE(fit->phi >= 0.0 && fit->tau2_od >= 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(fit->overdispersion <= LOY_FUNNEL_OD_MULTIPLICATIVE,
                 LOY_EINVAL);
    return LOY_OK;
}

/* Half-width of the normal (or adjusted) limits at size n. */
static double
half_width(const loy_funnel_result *fit, double s2, double z, double n,
           uint32_t method)
{
    double v = s2 / n;
    if (method == LOY_FUNNEL_LIMITS_ADJUSTED) {
        if (fit->overdispersion == LOY_FUNNEL_OD_ADDITIVE)
            v += fit->tau2_od;
        else if (fit->overdispersion == LOY_FUNNEL_OD_MULTIPLICATIVE
                 && fit->phi > 1.0)
            v *= fit->phi;
    }
    return z * sqrt(v);
}

int
loy_funnel_limits(double *lower, double *upper, const loy_funnel_result *fit,
                  const uint64_t *sizes, size_t m, double level,
                  uint32_t method, size_t *err_index)
{
    double z, p0, d0, theta0, s2;
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(lower != NULL && upper != NULL && sizes != NULL,
                 LOY_EINVAL);
    LOY__REQUIRE(method <= LOY_FUNNEL_LIMITS_EXACT, LOY_EINVAL);
    LOY__TRY(fit_check(fit));
    LOY__TRY(loy__normal_crit(&z, level));
    for (i = 0; i < m; i++) {
        if (sizes[i] == 0) {
            loy__set_index(err_index, i);
            return LOY_EINVAL;
        }
    }
    p0 = fit->target_promoters;
    d0 = fit->target_detractors;
    theta0 = p0 - d0;
    s2 = loy__answer_var(p0, d0);
    for (i = 0; i < m; i++) {
        if (method == LOY_FUNNEL_LIMITS_EXACT) {
            double q = 0.5 * (1.0 - level);
            lower[i] = loy__trinomial_limit(sizes[i], q, p0, d0);
            /* the mirror image: -X = D - P with the shares swapped */
            upper[i] = -loy__trinomial_limit(sizes[i], q, d0, p0);
        } else {
            double hw = half_width(fit, s2, z, (double)sizes[i], method);
            lower[i] = theta0 - hw;
            upper[i] = theta0 + hw;
        }
    }
    return LOY_OK;
}

int
loy_funnel_exact_tails(double *p_lower, double *p_upper,
                       const loy_nps_tally *tally, double promoters,
                       double detractors)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    uint64_t c[3];
    loy__tri u;
    LOY__REQUIRE(p_lower != NULL && p_upper != NULL, LOY_EINVAL);
    LOY__REQUIRE(LOY__STRUCT_OK(tally, sizeof t), LOY_EINVAL);
    loy__struct_copy_in(&t, tally, sizeof t);
    c[0] = t.detractors;
    c[1] = t.passives;
    c[2] = t.promoters;
    LOY__TRY(loy__tri_read(&u, c, 3, 0));
    LOY__REQUIRE(u.n > 0, LOY_EEMPTY);
    LOY__REQUIRE(loy__finite(promoters) && loy__finite(detractors),
                 LOY_ENONFINITE);
    LOY__REQUIRE(promoters >= 0.0 && detractors >= 0.0
                     && promoters + detractors <= 1.0,
                 LOY_EDOMAIN);
    LOY__REQUIRE((double)u.n <= 9007199254740992.0, LOY_EDOMAIN);
    loy__trinomial_tails(p_lower, p_upper, u.n, (int64_t)u.p - (int64_t)u.d,
                         promoters, detractors);
    return LOY_OK;
}
