/* SPDX-License-Identifier: MIT */
/*
 * pnbd_rows.c - Pareto/NBD P(alive) and conditional expected purchases,
 * sixteen customers at a time (groups of lanes, as bgnbd_palive.c; the
 * kernel is in pnbd_rows_kern.h); and the nodes of one panel of the
 * likelihood's direct integration (loy__pnbd_quad_panel, at the end).
 *
 * pnbd.c's pnbd_row_eval gives P(alive) = 1/(1 + V), V = e^a m, from the
 * series S = 2F1(1, b; c; z(t)) at t = t_x and t = T and five logarithms;
 * CET is P(alive) (r + x)/(alpha + T) B h(s - 1, t, B), B = beta + T.
 * One customer at a time that is two series, each a loop-carried chain,
 * and eight libm calls. Here the series of a group's customers run side
 * by side, a customer's two series share the ratio (b + k)/(c + k) of their
 * terms (one division for both), and the logarithms and exponentials come
 * from numeric/vmath.h. The series are pnbd.c's term for term (the same
 * ratios, the same stopping rule, each lane stopping at its own term), so
 * S is bit for bit the scalar one. The rest is arranged to need fewer
 * logarithms and to cancel less than pnbd.c's (rows_body), and the vmath
 * kernels are within a few ulp of libm: P(alive) and CET are within a few
 * ulp of u's terms, times 1 - P(alive). Four lanes to a group, compiled
 * here twice (baseline and AVX2), or eight in pnbd_rows_avx512.c; the
 * widest the CPU has is chosen at run time. The same operations, so the
 * same bits; a lane depends on its own row only, so any split of the
 * rows gives the same bytes.
 *
 * A lane's P(alive) does not depend on whether CET is asked for: lanes
 * whose CET alone is out of reach get a flag of their own (bad_cet), and
 * the caller computes that CET from the lane's P(alive).
 *
 * Lanes flagged for the caller's scalar form: z(t_x) past
 * LOY__PNBD_LANE_ZMAX (a long series: one lane would hold the three
 * others; the scalar form also integrates where the series gives up), a
 * series not done in PR_TERMS terms, a logarithm's argument not normal (a
 * denormal alpha or beta), u <= -600 (e^-u would near overflow: the
 * scalar form's log-sum-exp), and results not finite; CET's own flags:
 * t/B past 1e300 and results not finite.
 */
#include "clv/pnbd_internal.h"

#include <float.h>
#include <string.h>

#include "numeric/vmath.h"

#ifdef LOY__VMATH_VEC
#if defined(__x86_64__) || defined(__i386__)
#define PR_X86 1
#endif

/* Lanes 2, 3, 0, 1 of v (for a two-step AND across the lanes). */
#if defined(__clang__) || __GNUC__ >= 12
#define PR_SWAP_HALVES(v) __builtin_shufflevector((v), (v), 2, 3, 0, 1)
#else
#define PR_SWAP_HALVES(v) __builtin_shuffle((v), (loy__v4l){2, 3, 0, 1})
#endif

/* The baseline: groups of two lanes, one SSE2 or NEON register. */
#define LOY__W 2
#define PR_ALL(m) (((m)[0] & (m)[1]) != 0)
#include "clv/pnbd_rows_kern.h"
#undef LOY__W
#undef PR_ALL

/* AVX2: groups of four lanes, one register each. */
#define LOY__W 4
/* every lane of m: lanes 2, 3, 0, 1 ANDed in, then two lanes */
#define PR_ALL(m) pr_all4(&(m))
LOY__VMATH_INLINE int
pr_all4(const loy__v4l *m)
{
    loy__v4l a = *m & PR_SWAP_HALVES(*m);
    return (a[0] & a[1]) != 0;
}
#include "clv/pnbd_rows_kern.h"

static int
quad_generic(const double *prm, double rx, double T, double h0,
             const double *v, const double *w, double *sum, double *sd)
{
    return quad_body_2(prm, rx, T, h0, v, w, sum, sd);
}

#ifdef PR_X86
__attribute__((target("avx2"))) static int
quad_avx2(const double *prm, double rx, double T, double h0,
          const double *v, const double *w, double *sum, double *sd)
{
    return quad_body_4(prm, rx, T, h0, v, w, sum, sd);
}
#endif

int
loy__pnbd_quad_panel_lanes(int path, const double *prm, double rx, double T,
                           double h0, const double *v, const double *w,
                           double *sum, double *sd, int *rc)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef PR_X86
    case LOY__VPATH_AVX2:
        *rc = quad_avx2(prm, rx, T, h0, v, w, sum, sd);
        return 1;
#endif
    case LOY__VPATH_BASE:
        *rc = quad_generic(prm, rx, T, h0, v, w, sum, sd);
        return 1;
    default:
        return 0;
    }
}

/* The widest path the CPU has. */
int
loy__pnbd_quad_panel(const double *prm, double rx, double T, double h0,
                     const double *v, const double *w, double *sum,
                     double *sd)
{
    int rc = 1;
    if (!loy__pnbd_quad_panel_lanes(LOY__VPATH_AVX2, prm, rx, T, h0, v, w,
                                    sum, sd, &rc))
        (void)loy__pnbd_quad_panel_lanes(LOY__VPATH_BASE, prm, rx, T, h0, v,
                                         w, sum, sd, &rc);
    return rc;
}

static PR_ROWS_FN(rows_generic)
{
    rows_body_2(p, x, tx, T, pa, cet, bad, bad_cet);
}

#ifdef PR_X86
__attribute__((target("avx2"))) static PR_ROWS_FN(rows_avx2)
{
    rows_body_4(p, x, tx, T, pa, cet, bad, bad_cet);
}
#endif

int
loy__pnbd_rows_lanes(int path, const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef LOY__PALIVE_AVX512
    case LOY__VPATH_AVX512:
        loy__pnbd_rows_avx512(p, x, t_x, T, pa, cet, bad, bad_cet);
        return 1;
#endif
#ifdef PR_X86
    case LOY__VPATH_AVX2:
        rows_avx2(p, x, t_x, T, pa, cet, bad, bad_cet);
        return 1;
#endif
    case LOY__VPATH_BASE:
        rows_generic(p, x, t_x, T, pa, cet, bad, bad_cet);
        return 1;
    default:
        return 0;
    }
}

/* The widest path the CPU has. */
void
loy__pnbd_score_rows(const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
    if (!loy__pnbd_rows_lanes(LOY__VPATH_AVX512, p, x, t_x, T, pa, cet, bad,
                              bad_cet)
        && !loy__pnbd_rows_lanes(LOY__VPATH_AVX2, p, x, t_x, T, pa, cet, bad,
                                 bad_cet))
        (void)loy__pnbd_rows_lanes(LOY__VPATH_BASE, p, x, t_x, T, pa, cet,
                                   bad, bad_cet);
}

#else /* no vector extensions: the caller's scalar rows */

int
loy__pnbd_quad_panel_lanes(int path, const double *prm, double rx, double T,
                           double h0, const double *v, const double *w,
                           double *sum, double *sd, int *rc)
{
    (void)prm, (void)rx, (void)T, (void)h0, (void)v, (void)w, (void)sum;
    (void)sd;
    if (path != LOY__VPATH_BASE)
        return 0;
    *rc = 1;
    return 1;
}

int
loy__pnbd_quad_panel(const double *prm, double rx, double T, double h0,
                     const double *v, const double *w, double *sum,
                     double *sd)
{
    (void)prm, (void)rx, (void)T, (void)h0, (void)v, (void)w, (void)sum;
    (void)sd;
    return 1;
}

int
loy__pnbd_rows_lanes(int path, const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
    size_t k;
    (void)p, (void)x, (void)t_x, (void)T, (void)pa, (void)cet, (void)bad_cet;
    if (path != LOY__VPATH_BASE)
        return 0;
    for (k = 0; k < LOY__PNBD_ROWS; k++)
        bad[k] = 1;
    return 1;
}

void
loy__pnbd_score_rows(const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
    (void)loy__pnbd_rows_lanes(LOY__VPATH_BASE, p, x, t_x, T, pa, cet, bad,
                               bad_cet);
}
#endif
