/* SPDX-License-Identifier: MIT */
/*
 * student.c - Student's t distribution from the regularised incomplete
 * beta function: P(|T| > t) = I_{df/(df + t^2)}(df/2, 1/2) (Abramowitz and
 * Stegun 26.7.1), and its two-sided critical value by bisection on that
 * monotone function (60 halvings of a bracket that the normal quantile
 * scaled up contains: more than double precision needs).
 */
#include "numeric/student.h"
#include "numeric/normal.h"
#include "numeric/specfun.h"

/* P(|T| > t) for t >= 0. */
static double
two_sided(double t, double df)
{
    double v = 1.0;
    if (t == 0.0)
        return 1.0;
    if (loy__betainc(0.5 * df, 0.5, df / (df + t * t), &v) != LOY_OK)
        v = 2.0 * loy__normal_sf(t); /* not reached for finite df > 0 */
    return v;
}

double
loy__t_sf(double t, double df)
{
    double p = 0.5 * two_sided(fabs(t), df);
    return t >= 0.0 ? p : 1.0 - p;
}

double
loy__t_crit(double level, double df)
{
    double alpha = 1.0 - level, lo = 0.0, hi;
    int i;
    hi = -loy__normal_quantile(0.5 * alpha);
    while (two_sided(hi, df) > alpha)
        hi *= 2.0;
    for (i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (two_sided(mid, df) > alpha)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
