/* SPDX-License-Identifier: MIT */
/*
 * ggamma_rows.c - the Gamma-Gamma log-likelihood of sixteen customers at a
 * time (groups of lanes in lockstep, as bgnbd_rows.c; the kernel is in
 * ggamma_rows_kern.h).
 *
 * Once the terms that depend on x only come from a table (ggamma.c), a
 * row costs ln(1 + gamma/(x m)), ln(1 + x m/gamma) and ln m: three libm
 * calls that were most of a fit's time. Here they come from numeric/
 * vmath.h; the formulas are ggamma.c's gg_row_x, term for term, so a
 * row's value is within a few ulp of the scalar one. Two lanes to a
 * group on the baseline, four with AVX2, chosen at run time (the same
 * operations, so the same bits), and a row's value depends on its own
 * inputs only (tails padded), so a fit's fixed blocks give the same sums
 * for every thread count.
 *
 * Lanes the kernels do not cover are flagged for the caller's scalar
 * path: a ratio past 1e300 or not finite, and m below the smallest normal
 * double (the log kernel reads the exponent bits).
 */
#include "clv/bgnbd_internal.h"

#include <float.h>
#include <string.h>

#include "numeric/vmath.h"

#ifdef LOY__VMATH_VEC
#if defined(__x86_64__) || defined(__i386__)
#define GR_X86 1
#endif

/* The baseline: groups of two lanes, one SSE2 or NEON register. */
#define LOY__W 2
#include "clv/ggamma_rows_kern.h"
#undef LOY__W

/* AVX2: groups of four lanes, one register each. */
#define LOY__W 4
#include "clv/ggamma_rows_kern.h"

static void
rows_generic(const double *prm, const loy__gg_rowin *in, double *ll,
             double *grad, int64_t *bad)
{
    rows_body_2(prm, in, ll, grad, bad);
}

#ifdef GR_X86
__attribute__((target("avx2"))) static void
rows_avx2(const double *prm, const loy__gg_rowin *in, double *ll,
          double *grad, int64_t *bad)
{
    rows_body_4(prm, in, ll, grad, bad);
}
#endif

int
loy__ggamma_rows_lanes(int path, const double *prm, const loy__gg_rowin *in,
                       double *ll, double *grad, int64_t *bad)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef GR_X86
    case LOY__VPATH_AVX2:
        rows_avx2(prm, in, ll, grad, bad);
        return 1;
#endif
    case LOY__VPATH_BASE:
        rows_generic(prm, in, ll, grad, bad);
        return 1;
    default:
        return 0;
    }
}

#else /* no vector extensions: the caller's scalar rows */

int
loy__ggamma_rows_lanes(int path, const double *prm, const loy__gg_rowin *in,
                       double *ll, double *grad, int64_t *bad)
{
    size_t k;
    (void)prm, (void)in, (void)grad;
    if (path != LOY__VPATH_BASE)
        return 0;
    for (k = 0; k < LOY__GG_ROWS; k++) {
        ll[k] = 0.0;
        bad[k] = 1;
    }
    return 1;
}
#endif

/* The widest path the CPU has. */
void
loy__ggamma_rows(const double *prm, const loy__gg_rowin *in, double *ll,
                 double *grad, int64_t *bad)
{
    if (!loy__ggamma_rows_lanes(LOY__VPATH_AVX2, prm, in, ll, grad, bad))
        (void)loy__ggamma_rows_lanes(LOY__VPATH_BASE, prm, in, ll, grad, bad);
}
