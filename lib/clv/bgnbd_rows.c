/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_rows.c - the BG/NBD fit's per-customer terms, sixteen customers at
 * a time (four groups of four lanes in lockstep, as bgnbd_palive.c).
 *
 * A fit evaluates, per customer and per step, ln(1 + T/alpha) (x = 0) or
 * the log-likelihood of bgnbd.c's bg_row_pos with its gradient (x > 0):
 * three log1p and one exp through libm were most of a fit's time. Here
 * they come from numeric/vmath.h: log1p(u) for u >= 0 as
 * log(1 + u) + (u - ((1 + u) - 1))/(1 + u) (the correction restores what
 * rounding 1 + u loses, so small u keep their digits), e^-|d| and
 * log1p(e^-|d|) by the unit kernels. The formulas are bg_row_pos's, term
 * for term; the kernels are within a few ulp of libm, so a row's value is
 * within a few ulp of the scalar one. Compiled twice (baseline and AVX2,
 * chosen at run time; the same operations, so the same bits), and a row's
 * value depends on its own inputs only (tails padded), so the fit's fixed
 * blocks give the same sums for every thread count.
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

#define BR_NG ((int)LOY__BG_ROWS / 4)

LOY__VMATH_INLINE void
zero_body(double alpha, const double *T, double *out, int64_t *bad_out)
{
    loy__v4d u[BR_NG], l[BR_NG];
    loy__v4l bad[BR_NG];
    int g;
    LOY__VMATH_EACH(g, BR_NG) {
        loy__v4d t;
        memcpy(&t, T + 4 * g, sizeof t);
        u[g] = t / LOY__V4(alpha);
        bad[g] = LOY__V4L(0);
    }
    loy__v4_log1p_pos_n(l, u, bad, BR_NG);
    memcpy(out, l, sizeof l);
    memcpy(bad_out, bad, sizeof bad);
}

/* Loads lane values of the per-x terms: xt[k] + j for the 16 rows. */
LOY__VMATH_INLINE void
br_gather(const double *const *xt, int j, loy__v4d *v)
{
    double b[LOY__BG_ROWS];
    size_t k;
    for (k = 0; k < LOY__BG_ROWS; k++)
        b[k] = xt[k][j];
    memcpy(v, b, sizeof b);
}

LOY__VMATH_INLINE void
pos_body(const double *p, double lrr, double la, const double *const *xt,
         const double *xs, const double *txs, const double *Ts, double *ll,
         double *grad, int64_t *bad_out)
{
    const loy__v4d one = LOY__V4(1.0), r = LOY__V4(p[0]), al = LOY__V4(p[1]);
    loy__v4d x[BR_NG], tx[BR_NG], T[BR_NG], u[BR_NG], dT[BR_NG];
    loy__v4d l1[BR_NG], L3[BR_NG], c3[BR_NG], c4[BR_NG], nd[BR_NG];
    loy__v4d e[BR_NG], lp[BR_NG], v[BR_NG];
    loy__v4l bad[BR_NG], pos[BR_NG];
    int g;
    memcpy(x, xs, sizeof x);
    memcpy(tx, txs, sizeof tx);
    memcpy(T, Ts, sizeof T);
    LOY__VMATH_EACH(g, BR_NG) {
        bad[g] = LOY__V4L(0);
        u[g] = tx[g] / al;
        dT[g] = (T[g] - tx[g]) / (al + tx[g]);
    }
    loy__v4_log1p_pos_n(l1, u, bad, BR_NG);
    loy__v4_log1p_pos_n(L3, dT, bad, BR_NG);
    br_gather(xt, LOY__BG_XT_LB1, v);
    LOY__VMATH_EACH(g, BR_NG) {
        loy__v4d d, a;
        c3[g] = -(r + x[g]) * L3[g];
        c4[g] = LOY__V4(la) - v[g];
        d = c3[g] - c4[g];
        pos[g] = d > LOY__V4(0.0);
        a = LOY__V4_SELECT(pos[g], d, -d);
        nd[g] = -a; /* below -700: e = 0 (libm: below 1e-304) */
    }
    loy__v4_exp_neg_n(e, nd, BR_NG);
    loy__v4_log1p_unit_n(lp, e, BR_NG);
    br_gather(xt, LOY__BG_XT_D1, v);
    LOY__VMATH_EACH(g, BR_NG)
        v[g] = v[g] + x[g] * (LOY__V4(lrr) - l1[g]) - r * l1[g]
               + LOY__V4_SELECT(pos[g], c3[g], c4[g]) + lp[g];
    memcpy(ll, v, sizeof v);
    memcpy(bad_out, bad, sizeof bad);
    if (grad == NULL)
        return;
    {
        loy__v4d pi3[BR_NG], gr[BR_NG], w[BR_NG];
        double out[LOY__BG_ROWS];
        size_t k;
        LOY__VMATH_EACH(g, BR_NG)
            pi3[g] = LOY__V4_SELECT(pos[g], one, e[g]) / (one + e[g]);
        br_gather(xt, LOY__BG_XT_DR, v);
        LOY__VMATH_EACH(g, BR_NG)
            gr[g] = v[g] - l1[g] + pi3[g] * c3[g] / (r + x[g]);
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k] = out[k];
        /* r/alpha - (r+x)/(alpha+t_x), without the two large terms */
        LOY__VMATH_EACH(g, BR_NG)
            gr[g] = ((r / al) * tx[g] - x[g]) / (al + tx[g])
                    + pi3[g] * (r + x[g]) * dT[g] / (al + T[g]);
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k + 1] = out[k];
        br_gather(xt, LOY__BG_XT_DA, v);
        LOY__VMATH_EACH(g, BR_NG) {
            w[g] = one - pi3[g];
            gr[g] = v[g] + w[g] / LOY__V4(p[2]);
        }
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k + 2] = out[k];
        br_gather(xt, LOY__BG_XT_DB, v);
        br_gather(xt, LOY__BG_XT_IB1, gr);
        LOY__VMATH_EACH(g, BR_NG)
            gr[g] = v[g] - w[g] * gr[g];
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k + 3] = out[k];
    }
}

static void
zero_generic(double alpha, const double *T, double *out, int64_t *bad)
{
    zero_body(alpha, T, out, bad);
}

static void
pos_generic(const double *p, double lrr, double la, const double *const *xt,
            const double *x, const double *tx, const double *T, double *ll,
            double *grad, int64_t *bad)
{
    pos_body(p, lrr, la, xt, x, tx, T, ll, grad, bad);
}

#ifdef BR_X86
__attribute__((target("avx2"))) static void
zero_avx2(double alpha, const double *T, double *out, int64_t *bad)
{
    zero_body(alpha, T, out, bad);
}

__attribute__((target("avx2"))) static void
pos_avx2(const double *p, double lrr, double la, const double *const *xt,
         const double *x, const double *tx, const double *T, double *ll,
         double *grad, int64_t *bad)
{
    pos_body(p, lrr, la, xt, x, tx, T, ll, grad, bad);
}
#endif

int
loy__bgnbd_zero_rows_lanes(int path, double alpha, const double *T,
                           double *out, int64_t *bad)
{
    switch (path) {
#ifdef BR_X86
    case LOY__VPATH_AVX2:
        if (!__builtin_cpu_supports("avx2"))
            return 0;
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
    switch (path) {
#ifdef BR_X86
    case LOY__VPATH_AVX2:
        if (!__builtin_cpu_supports("avx2"))
            return 0;
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
    if (!loy__bgnbd_zero_rows_lanes(LOY__VPATH_AVX2, alpha, T, out, bad))
        (void)loy__bgnbd_zero_rows_lanes(LOY__VPATH_BASE, alpha, T, out,
                                         bad);
}

void
loy__bgnbd_pos_rows(const double *p, double lrr, double la,
                    const double *const *xt, const double *x,
                    const double *tx, const double *T, double *ll,
                    double *grad, int64_t *bad)
{
    if (!loy__bgnbd_pos_rows_lanes(LOY__VPATH_AVX2, p, lrr, la, xt, x, tx, T,
                                   ll, grad, bad))
        (void)loy__bgnbd_pos_rows_lanes(LOY__VPATH_BASE, p, lrr, la, xt, x,
                                        tx, T, ll, grad, bad);
}
