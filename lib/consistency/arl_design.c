/* SPDX-License-Identifier: MIT */
/*
 * arl_design.c - chart design: the EWMA limit L or the CUSUM interval h
 * that gives a target in-control ARL.
 *
 * ARL0 increases with L (and with h), so the root of
 * g(x) = ln ARL0(x) - ln target is bracketed and then found by the
 * Illinois variant of regula falsi, which keeps the bracket of bisection
 * but converges superlinearly on the smooth, nearly linear ln ARL0; every
 * fourth step is a plain bisection, so the bracket at least halves every
 * four evaluations whatever the shape. A run length too large to compute
 * (LOY_EDEGENERATE) counts as above any target.
 */
#include "consistency/consistency_internal.h"

typedef struct design {
    int is_ewma;
    double param; /* lambda or k */
    uint32_t sides;
    const loy_arl_options *o;
    double log_target;
} design;

/* g(x) into *g; LOY_OK or a hard error. */
static int
eval(const design *d, double x, double *g)
{
    double arl = 0.0;
    int rc = d->is_ewma
                 ? loy__arl_ewma_checked(&arl, d->param, x, 0.0, d->sides, d->o)
                 : loy__arl_cusum_checked(&arl, d->param, x, 0.0, d->sides,
                                          d->o);
    if (rc == LOY_EDEGENERATE) {
        *g = HUGE_VAL;
        return LOY_OK;
    }
    LOY__TRY(rc);
    *g = log(arl) - d->log_target;
    return LOY_OK;
}

/* Find lo < hi with g(lo) < 0 < g(hi), starting from x0. */
static int
bracket(const design *d, double floor_x, double x0, double *lo, double *glo,
        double *hi, double *ghi)
{
    double x = x0, g;
    int i;
    LOY__TRY(eval(d, x, &g));
    if (g < 0.0) {
        *lo = x;
        *glo = g;
        for (i = 0; i < 60 && g < 0.0; i++) {
            x *= 2.0;
            LOY__TRY(eval(d, x, &g));
            if (g < 0.0) {
                *lo = x;
                *glo = g;
            }
        }
        LOY__REQUIRE(g >= 0.0, LOY_EDOMAIN);
        *hi = x;
        *ghi = g;
        return LOY_OK;
    }
    *hi = x;
    *ghi = g;
    for (i = 0; i < 60 && g >= 0.0; i++) {
        x = floor_x + 0.5 * (x - floor_x);
        LOY__TRY(eval(d, x, &g));
        if (g >= 0.0) {
            *hi = x;
            *ghi = g;
        }
    }
    LOY__REQUIRE(g < 0.0, LOY_EDOMAIN);
    *lo = x;
    *glo = g;
    return LOY_OK;
}

static int
solve_design(double *out, const design *d, double floor_x, double x0)
{
    double lo, hi, glo, ghi;
    int last = 0, it;
    LOY__TRY(bracket(d, floor_x, x0, &lo, &glo, &hi, &ghi));
    for (it = 1; it <= 200 && hi - lo > 1e-12 * hi; it++) {
        double x = 0.5 * (lo + hi), g;
        /* Every fourth step bisects, so the bracket at least halves. */
        if (it % 4 != 0 && loy__finite(ghi)) {
            double xf = (lo * ghi - hi * glo) / (ghi - glo);
            if (xf > lo && xf < hi)
                x = xf;
        }
        LOY__TRY(eval(d, x, &g));
        if (g == 0.0) {
            lo = hi = x;
            break;
        }
        /* Illinois: when the same end moves twice, halve the other end's
         * value so that the next secant point moves it too. */
        if (g < 0.0) {
            if (last < 0)
                ghi *= 0.5;
            lo = x;
            glo = g;
            last = -1;
        } else {
            if (last > 0)
                glo *= 0.5;
            hi = x;
            ghi = g;
            last = 1;
        }
    }
    *out = 0.5 * (lo + hi);
    return LOY_OK;
}

/* Shared checks of the two design functions. */
static int
design_args(loy_arl_options *o, double arl0, uint32_t sides,
            const loy_arl_options *opts)
{
    LOY__REQUIRE(sides <= LOY_ARL_LOWER, LOY_EINVAL);
    LOY__REQUIRE(!isnan(arl0), LOY_ENONFINITE);
    LOY__REQUIRE(arl0 > 1.0 && arl0 <= 1e9, LOY_EDOMAIN);
    LOY__TRY(loy__arl_read_options(o, opts));
    LOY__REQUIRE(o->head_start == 0.0, LOY_EDOMAIN);
    return LOY_OK;
}

int
loy_arl_ewma_limit(double *limit, double lambda, double arl0, uint32_t sides,
                   const loy_arl_options *opts)
{
    loy_arl_options o;
    design d;
    double floor_x = 0.0;
    LOY__REQUIRE(limit != NULL, LOY_EINVAL);
    LOY__TRY(design_args(&o, arl0, sides, opts));
    LOY__REQUIRE(!isnan(lambda), LOY_ENONFINITE);
    LOY__REQUIRE(lambda > 0.0 && lambda <= 1.0, LOY_EDOMAIN);
    if (sides != LOY_ARL_TWO_SIDED)
        floor_x = fmax(0.0, o.reflect);
    d.is_ewma = 1;
    d.param = lambda;
    d.sides = sides;
    d.o = &o;
    d.log_target = log(arl0);
    return solve_design(limit, &d, floor_x, floor_x + 3.0);
}

int
loy_arl_cusum_limit(double *h, double k, double arl0, uint32_t sides,
                    const loy_arl_options *opts)
{
    loy_arl_options o;
    design d;
    LOY__REQUIRE(h != NULL, LOY_EINVAL);
    LOY__TRY(design_args(&o, arl0, sides, opts));
    LOY__REQUIRE(!isnan(k), LOY_ENONFINITE);
    LOY__REQUIRE(k >= 0.0 && k <= 1e6, LOY_EDOMAIN);
    d.is_ewma = 0;
    d.param = k;
    d.sides = sides;
    d.o = &o;
    d.log_target = log(arl0);
    return solve_design(h, &d, 0.0, 4.0);
}
