/* SPDX-License-Identifier: MIT */
/*
 * ggamma_rows.c - the Gamma-Gamma log-likelihood of sixteen customers at a
 * time (four groups of four lanes in lockstep, as bgnbd_rows.c).
 *
 * Once the terms that depend on x only come from a table (ggamma.c), a
 * row costs ln(1 + gamma/(x m)), ln(1 + x m/gamma) and ln m: three libm
 * calls that were most of a fit's time. Here they come from numeric/
 * vmath.h; the formulas are ggamma.c's gg_row_x, term for term, so a
 * row's value is within a few ulp of the scalar one. Compiled twice
 * (baseline and AVX2, chosen at run time; the same operations, so the same
 * bits), and a row's value depends on its own inputs only (tails padded),
 * so a fit's fixed blocks give the same sums for every thread count.
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

#define GR_NG ((int)LOY__GG_ROWS / 4)

LOY__VMATH_INLINE void
rows_body(const double *prm, const loy__gg_rowin *in, double *ll, double *grad,
          int64_t *bad_out)
{
    const loy__v4d p = LOY__V4(prm[0]), q = LOY__V4(prm[1]);
    const loy__v4d gm = LOY__V4(prm[2]);
    loy__v4d x[GR_NG], m[GR_NG], a[GR_NG], lpq[GR_NG], px[GR_NG], xm[GR_NG];
    loy__v4d u1[GR_NG], u2[GR_NG], l_gm[GR_NG], l_xm[GR_NG], lm[GR_NG];
    loy__v4d v[GR_NG];
    loy__v4l big[GR_NG], bad[GR_NG];
    int g;
    memcpy(x, in->x, sizeof x);
    memcpy(m, in->m, sizeof m);
    memcpy(a, in->a, sizeof a);
    memcpy(lpq, in->lpq, sizeof lpq);
    memcpy(big, in->big, sizeof big);
    LOY__VMATH_EACH(g, GR_NG) {
        px[g] = p * x[g];
        xm[g] = x[g] * m[g];
        u1[g] = gm / xm[g];
        u2[g] = xm[g] / gm;
        bad[g] = ~(m[g] >= LOY__V4(DBL_MIN));
        /* flagged lanes get a harmless argument */
        m[g] = LOY__V4_SELECT(bad[g], LOY__V4(1.0), m[g]);
    }
    loy__v4_log1p_pos_n(l_gm, u1, bad, GR_NG);
    loy__v4_log1p_pos_n(l_xm, u2, bad, GR_NG);
    loy__v4_log_n(lm, m, GR_NG);
    LOY__VMATH_EACH(g, GR_NG) {
        loy__v4d lb = a[g] + q * (lpq[g] - l_xm[g]) - px[g] * l_gm[g];
        loy__v4d ls = a[g] + px[g] * (lpq[g] - l_gm[g]) - q * l_xm[g];
        v[g] = LOY__V4_SELECT(big[g], lb, ls) - lm[g];
    }
    memcpy(ll, v, sizeof v);
    memcpy(bad_out, bad, sizeof bad);
    if (grad == NULL)
        return;
    {
        loy__v4d d[GR_NG];
        double out[LOY__GG_ROWS];
        size_t k;
        memcpy(d, in->d0, sizeof d);
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = x[g] * (d[g] - l_gm[g]);
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k] = out[k];
        memcpy(d, in->d1, sizeof d);
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = d[g] - l_xm[g];
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k + 1] = out[k];
        LOY__VMATH_EACH(g, GR_NG)
            v[g] = ((q / gm) * xm[g] - px[g]) / (gm + xm[g]);
        memcpy(out, v, sizeof out);
        for (k = 0; k < LOY__GG_ROWS; k++)
            grad[3 * k + 2] = out[k];
    }
}

static void
rows_generic(const double *prm, const loy__gg_rowin *in, double *ll,
             double *grad, int64_t *bad)
{
    rows_body(prm, in, ll, grad, bad);
}

#ifdef GR_X86
__attribute__((target("avx2"))) static void
rows_avx2(const double *prm, const loy__gg_rowin *in, double *ll,
          double *grad, int64_t *bad)
{
    rows_body(prm, in, ll, grad, bad);
}
#endif

int
loy__ggamma_rows_lanes(int path, const double *prm, const loy__gg_rowin *in,
                       double *ll, double *grad, int64_t *bad)
{
    switch (path) {
#ifdef GR_X86
    case LOY__VPATH_AVX2:
        if (!__builtin_cpu_supports("avx2"))
            return 0;
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
