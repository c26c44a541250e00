/* SPDX-License-Identifier: MIT */
/*
 * arl.c - public average-run-length functions of the EWMA and CUSUM
 * charts (13.4 of MODELS.md): argument checks, the chain of each chart,
 * one- and two-sided combinations. The integral equation is solved in
 * arl_nystrom.c.
 *
 * Conventions follow the R package spc (xewma.arl, xcusum.arl), so that
 * results can be compared: the EWMA limit and head start are in
 * asymptotic standard deviations sqrt(lambda/(2 - lambda)); the one-sided
 * EWMA reflects at a barrier; a two-sided CUSUM combines its one-sided
 * halves by 1/ARL = 1/ARL+ + 1/ARL- (Lucas and Crosier 1982).
 */
#include "consistency/consistency_internal.h"

int
loy_arl_options_init(loy_arl_options *opts)
{
    static const loy_arl_options defaults = LOY_ARL_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = defaults;
    return LOY_OK;
}

int
loy__arl_read_options(loy_arl_options *o, const loy_arl_options *opts)
{
    static const loy_arl_options defaults = LOY_ARL_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size, sizeof *o),
                     LOY_EINVAL);
        loy__struct_copy_in(o, opts, sizeof *o);
    }
    LOY__REQUIRE(loy__finite(o->head_start) && loy__finite(o->reflect),
                 LOY_ENONFINITE);
    LOY__REQUIRE(o->nodes <= LOY__ARL_MAX_NODES, LOY_EDOMAIN);
    return LOY_OK;
}

/* Solve the chain with the caller's node count or the automatic one;
 * LOY_EDOMAIN when the automatic count would exceed the cap. */
static int
solve(double *arl, const loy__arl_chain *ch, double s0,
      const loy_arl_options *o)
{
    size_t nodes = o->nodes;
    if (nodes == 0)
        nodes = loy__arl_auto_nodes((ch->hi - ch->lo) / ch->b);
    LOY__REQUIRE(nodes > 0, LOY_EDOMAIN);
    return loy__arl_solve(arl, ch, s0, nodes);
}

/* EWMA arguments: lambda in (0, 1], limit > 0, finite shift. */
static int
ewma_args(double lambda, double limit, double shift, uint32_t sides)
{
    LOY__REQUIRE(sides <= LOY_ARL_LOWER, LOY_EINVAL);
    LOY__REQUIRE(!isnan(lambda) && !isnan(limit), LOY_ENONFINITE);
    LOY__REQUIRE(loy__finite(shift), LOY_ENONFINITE);
    LOY__REQUIRE(lambda > 0.0 && lambda <= 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(limit > 0.0 && limit <= 1e6, LOY_EDOMAIN);
    return LOY_OK;
}

/* The EWMA ARL once arguments and options are known to be valid (the
 * design search calls this directly). */
int
loy__arl_ewma_checked(double *arl, double lambda, double limit, double shift,
                      uint32_t sides, const loy_arl_options *o)
{
    double sd = sqrt(lambda / (2.0 - lambda));
    loy__arl_chain ch;
    ch.a = 1.0 - lambda;
    ch.b = lambda;
    ch.c0 = 0.0;
    ch.hi = limit * sd;
    if (sides == LOY_ARL_TWO_SIDED) {
        LOY__REQUIRE(fabs(o->head_start) <= limit, LOY_EDOMAIN);
        ch.mu = shift;
        ch.lo = -ch.hi;
        ch.atom = 0;
        return solve(arl, &ch, o->head_start * sd, o);
    }
    LOY__REQUIRE(o->reflect < limit, LOY_EDOMAIN);
    LOY__REQUIRE(o->head_start >= o->reflect && o->head_start <= limit,
                 LOY_EDOMAIN);
    /* The lower chart is the upper one of the mirrored observations. */
    ch.mu = sides == LOY_ARL_UPPER ? shift : -shift;
    ch.lo = o->reflect * sd;
    ch.atom = 1;
    return solve(arl, &ch, o->head_start * sd, o);
}

int
loy_arl_ewma(double *arl, double lambda, double limit, double shift,
             uint32_t sides, const loy_arl_options *opts)
{
    loy_arl_options o;
    LOY__REQUIRE(arl != NULL, LOY_EINVAL);
    LOY__TRY(ewma_args(lambda, limit, shift, sides));
    LOY__TRY(loy__arl_read_options(&o, opts));
    return loy__arl_ewma_checked(arl, lambda, limit, shift, sides, &o);
}

/* One-sided upper CUSUM ARL at mean mu from the start value s0. */
static int
cusum_upper(double *arl, double k, double h, double mu, double s0,
            const loy_arl_options *o)
{
    loy__arl_chain ch;
    ch.a = 1.0;
    ch.b = 1.0;
    ch.c0 = -k;
    ch.mu = mu;
    ch.lo = 0.0;
    ch.hi = h;
    ch.atom = 1;
    return solve(arl, &ch, s0, o);
}

/* Both starts (0 and the head start) of one side; `huge` set when the
 * run length is beyond reach (LOY_EDEGENERATE: above 1e13). */
static int
cusum_side(double *from0, double *from_hs, int *huge, double k, double h,
           double mu, const loy_arl_options *o)
{
    int rc = cusum_upper(from0, k, h, mu, 0.0, o);
    *huge = rc == LOY_EDEGENERATE;
    if (rc != LOY_OK)
        return *huge ? LOY_OK : rc;
    if (o->head_start == 0.0) {
        *from_hs = *from0;
        return LOY_OK;
    }
    rc = cusum_upper(from_hs, k, h, mu, o->head_start, o);
    *huge = rc == LOY_EDEGENERATE;
    return *huge ? LOY_OK : rc;
}

/*
 * Two-sided: Lucas and Crosier (1982) combine the one-sided ARLs L+ (upper
 * at mu) and L- (upper at -mu) from 0 and from the head start s as
 *   ARL = (L+(s) L-(0) + L+(0) L-(s) - L+(0) L-(0)) / (L+(0) + L-(0)),
 * which is 1/ARL = 1/L+ + 1/L- without a head start (exact when h <= 2k,
 * and for head starts below h/2 + k the standard approximation spc's
 * xcusum.arl(sided = "two") uses). A side beyond reach adds nothing
 * measurable: the ARL is then the other side's from s.
 */
int
loy__arl_cusum_checked(double *arl, double k, double h, double shift,
                       uint32_t sides, const loy_arl_options *o)
{
    double u0 = 0.0, us = 0.0, d0 = 0.0, ds = 0.0;
    int hu, hd;
    LOY__REQUIRE(o->head_start >= 0.0 && o->head_start <= h, LOY_EDOMAIN);
    if (sides == LOY_ARL_UPPER)
        return cusum_upper(arl, k, h, shift, o->head_start, o);
    if (sides == LOY_ARL_LOWER)
        return cusum_upper(arl, k, h, -shift, o->head_start, o);
    LOY__TRY(cusum_side(&u0, &us, &hu, k, h, shift, o));
    if (shift == 0.0) { /* symmetric: one side serves for both */
        d0 = u0;
        ds = us;
        hd = hu;
    } else {
        LOY__TRY(cusum_side(&d0, &ds, &hd, k, h, -shift, o));
    }
    if (hu && hd)
        return LOY_EDEGENERATE;
    if (hu)
        *arl = ds;
    else if (hd)
        *arl = us;
    else
        *arl = (us * d0 + u0 * ds - u0 * d0) / (u0 + d0);
    return LOY_OK;
}

int
loy_arl_cusum(double *arl, double k, double h, double shift, uint32_t sides,
              const loy_arl_options *opts)
{
    loy_arl_options o;
    LOY__REQUIRE(arl != NULL, LOY_EINVAL);
    LOY__REQUIRE(sides <= LOY_ARL_LOWER, LOY_EINVAL);
    LOY__REQUIRE(!isnan(k) && !isnan(h), LOY_ENONFINITE);
    LOY__REQUIRE(loy__finite(shift), LOY_ENONFINITE);
    LOY__REQUIRE(k >= 0.0 && k <= 1e6 && h > 0.0 && h <= 1e6, LOY_EDOMAIN);
    LOY__TRY(loy__arl_read_options(&o, opts));
    return loy__arl_cusum_checked(arl, k, h, shift, sides, &o);
}
