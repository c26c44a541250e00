/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_rows.c - the BG/NBD fit's per-customer terms, sixteen customers at
 * a time (groups of lanes in lockstep, as bgnbd_palive.c; the kernel is
 * in bgnbd_rows_kern.h).
 *
 * A fit evaluates, per customer and per step, ln(1 + T/alpha) (x = 0) or
 * the log-likelihood of bgnbd.c's bg_row_pos with its gradient (x > 0):
 * three log1p and one exp through libm were most of a fit's time. Here
 * they come from numeric/vmath.h: log1p(u) for u >= 0 as
 * log(1 + u) + (u - ((1 + u) - 1))/(1 + u) (the correction restores what
 * rounding 1 + u loses, so small u keep their digits), e^-|d| and
 * log1p(e^-|d|) by the unit kernels. The formulas are bg_row_pos's, term
 * for term; the kernels are within a few ulp of libm, so a row's value is
 * within a few ulp of the scalar one. Two lanes to a group on the
 * baseline, four with AVX2, eight with AVX-512 (bgnbd_rows_avx512.c),
 * the widest the CPU has chosen at run time (the same operations, so the
 * same bits), and a row's value depends on its own inputs only (tails
 * padded), so the fit's fixed blocks give the same sums for every thread
 * count.
 *
 * Lanes the kernels do not cover are flagged for the caller's scalar
 * path: a ratio T/alpha, t_x/alpha or (T - t_x)/(alpha + t_x) past 1e300
 * or not finite (a denormal alpha). Where |d| > 700, e^-|d| is 0 here and
 * below 1e-304 in libm: ln(1 + e) and the branch weight e/(1 + e) then
 * differ from libm's by less than that, next to terms of 350 or more.
 */
#include "clv/bgnbd_internal.h"

#include <string.h>

#include "numeric/vmath.h"

#ifdef LOY__VMATH_VEC
#if defined(__x86_64__) || defined(__i386__)
#define BR_X86 1
#endif

/* The baseline: groups of two lanes, one SSE2 or NEON register. */
#define LOY__W 2
#include "clv/bgnbd_rows_kern.h"
#undef LOY__W

/* AVX2: groups of four lanes, one register each. */
#define LOY__W 4
#include "clv/bgnbd_rows_kern.h"

static void
zero_generic(double alpha, const double *T, double *out, int64_t *bad)
{
    zero_body_2(alpha, T, out, bad);
}

static void
pos_generic(const double *p, double lrr, double la, const double *const *xt,
            const double *x, const double *tx, const double *T, double *ll,
            double *grad, int64_t *bad)
{
    pos_body_2(p, lrr, la, xt, x, tx, T, ll, grad, bad);
}

#ifdef BR_X86
__attribute__((target("avx2"))) static void
zero_avx2(double alpha, const double *T, double *out, int64_t *bad)
{
    zero_body_4(alpha, T, out, bad);
}

__attribute__((target("avx2"))) static void
pos_avx2(const double *p, double lrr, double la, const double *const *xt,
         const double *x, const double *tx, const double *T, double *ll,
         double *grad, int64_t *bad)
{
    pos_body_4(p, lrr, la, xt, x, tx, T, ll, grad, bad);
}
#endif

int
loy__bgnbd_zero_rows_lanes(int path, double alpha, const double *T,
                           double *out, int64_t *bad)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef LOY__PALIVE_AVX512
    case LOY__VPATH_AVX512:
        loy__bgnbd_zero_rows_avx512(alpha, T, out, bad);
        return 1;
#endif
#ifdef BR_X86
    case LOY__VPATH_AVX2:
        zero_avx2(alpha, T, out, bad);
        return 1;
#endif
    case LOY__VPATH_BASE:
        zero_generic(alpha, T, out, bad);
        return 1;
    default:
        return 0;
    }
}

int
loy__bgnbd_pos_rows_lanes(int path, const double *p, double lrr, double la,
                          const double *const *xt, const double *x,
                          const double *tx, const double *T, double *ll,
                          double *grad, int64_t *bad)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef LOY__PALIVE_AVX512
    case LOY__VPATH_AVX512:
        loy__bgnbd_pos_rows_avx512(p, lrr, la, xt, x, tx, T, ll, grad, bad);
        return 1;
#endif
#ifdef BR_X86
    case LOY__VPATH_AVX2:
        pos_avx2(p, lrr, la, xt, x, tx, T, ll, grad, bad);
        return 1;
#endif
    case LOY__VPATH_BASE:
        pos_generic(p, lrr, la, xt, x, tx, T, ll, grad, bad);
        return 1;
    default:
        return 0;
    }
}

#else /* no vector extensions: the caller's scalar rows */

int
loy__bgnbd_zero_rows_lanes(int path, double alpha, const double *T,
                           double *out, int64_t *bad)
{
    size_t k;
    (void)alpha, (void)T;
    if (path != LOY__VPATH_BASE)
        return 0;
    for (k = 0; k < LOY__BG_ROWS; k++) {
        out[k] = 0.0;
        bad[k] = 1;
    }
    return 1;
}

int
loy__bgnbd_pos_rows_lanes(int path, const double *p, double lrr, double la,
                          const double *const *xt, const double *x,
                          const double *tx, const double *T, double *ll,
                          double *grad, int64_t *bad)
{
    size_t k;
    (void)p, (void)lrr, (void)la, (void)xt, (void)x, (void)tx, (void)T;
    (void)grad;
    if (path != LOY__VPATH_BASE)
        return 0;
    for (k = 0; k < LOY__BG_ROWS; k++) {
        ll[k] = 0.0;
        bad[k] = 1;
    }
    return 1;
}
#endif

/* The widest path the CPU has. */
void
loy__bgnbd_zero_rows(double alpha, const double *T, double *out,
                     int64_t *bad)
{
    if (!loy__bgnbd_zero_rows_lanes(LOY__VPATH_AVX512, alpha, T, out, bad)
        && !loy__bgnbd_zero_rows_lanes(LOY__VPATH_AVX2, alpha, T, out, bad))
        (void)loy__bgnbd_zero_rows_lanes(LOY__VPATH_BASE, alpha, T, out,
                                         bad);
}

void
loy__bgnbd_pos_rows(const double *p, double lrr, double la,
                    const double *const *xt, const double *x,
                    const double *tx, const double *T, double *ll,
                    double *grad, int64_t *bad)
{
    if (!loy__bgnbd_pos_rows_lanes(LOY__VPATH_AVX512, p, lrr, la, xt, x, tx,
                                   T, ll, grad, bad)
        && !loy__bgnbd_pos_rows_lanes(LOY__VPATH_AVX2, p, lrr, la, xt, x, tx,
                                      T, ll, grad, bad))
        (void)loy__bgnbd_pos_rows_lanes(LOY__VPATH_BASE, p, lrr, la, xt, x,
                                        tx, T, ll, grad, bad);
}
