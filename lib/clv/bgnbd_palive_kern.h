/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_palive_kern.h - the P(alive) lanes of BG/NBD and MBG/NBD for one
 * vector width (internal; no include guard: once per width). bgnbd_palive.c
 * includes it with groups of two lanes for the baseline (SSE2, NEON: GCC
 * turns the comparisons of wider, split vectors into scalar code) and of
 * four for AVX2; bgnbd_palive_avx512.c with groups of eight, in a file
 * compiled for AVX-512 alone (GCC scalarised the eight-lane mask
 * arithmetic inlined into a function that only had the target
 * attribute). The includer defines LOY__W, the lanes per group (2, 4
 * or 8: numeric/vmath.h's LOY__W* names then give the width's types and
 * kernels, and the names of the functions below), and PK_GROUP, the rows
 * per step (a multiple of LOY__W, at most 8 groups); and may define
 * PK_LAB(p, lab, x, c, mbg), which sets c[k] = c_x of the step's rows
 * (loy__bgnbd_palive_c, from lab below LOY__BG_LAB_N), for a lookup in
 * registers. The operations of a lane are the same at every width, so
 * are its bits.
 */
#ifndef LOY_BGNBD_PALIVE_KERN_H
#define LOY_BGNBD_PALIVE_KERN_H

#include <string.h>

#include "clv/bgnbd_internal.h"
#include "numeric/vmath.h"

/* The libm form of either model: lanes the polynomials do not cover. */
static double
palive_row(const double *p, const double *lab, double x, double t_x,
           double T, int mbg)
{
    return mbg ? loy__mbgnbd_palive_row(p, lab, x, t_x, T)
               : loy__bgnbd_palive_row(p, lab, x, t_x, T);
}
#endif /* LOY_BGNBD_PALIVE_KERN_H */

/*
 * PK_GROUP rows per step, in PK_GROUP / LOY__W groups in lockstep, so that
 * their polynomial chains (latency-bound one at a time) overlap: rows
 * (x, t_x, T, c_x) -> P(alive), lanes the forms do not cover flagged.
 */
#define BG_GROUP PK_GROUP
#define BG_NG ((int)BG_GROUP / LOY__W)

LOY__VMATH_INLINE void
LOY__WNAME(palive_group)(const double *p, const double *x_p,
                         const double *tx_p, const double *T_p,
                         const double *c_p, double *out, LOY__WL *bad,
                         int mbg)
{
    LOY__WD x[BG_NG], e[BG_NG], ep[BG_NG], L[BG_NG], na[BG_NG], ex[BG_NG];
    LOY__WL pos[BG_NG];
    const LOY__WD one = LOY__WB(1.0), zero = LOY__WB(0.0);
    int g;
    LOY__VMATH_EACH(g, BG_NG) {
        LOY__WD tx, T;
        memcpy(&x[g], x_p + LOY__W * g, sizeof x[g]);
        memcpy(&tx, tx_p + LOY__W * g, sizeof tx);
        memcpy(&T, T_p + LOY__W * g, sizeof T);
        e[g] = (T - tx) / (LOY__WB(p[1]) + tx);
        ep[g] = one + e[g];
    }
    /* log1p(e) = ln(1 + e) + (e - ((1 + e) - 1))/(1 + e): the correction
     * restores what rounding 1 + e loses, so that L = e for an e below
     * 1e-16 (alpha huge next to T, the Poisson limit) */
    LOY__WF(log_n)(L, ep, BG_NG);
    LOY__VMATH_EACH(g, BG_NG) {
        LOY__WD c, u, a;
        memcpy(&c, c_p + LOY__W * g, sizeof c);
        L[g] = L[g] + (e[g] - (ep[g] - one)) / ep[g];
        u = c + (LOY__WB(p[0]) + x[g]) * L[g];
        pos[g] = u > zero;
        a = LOY__WSEL(pos[g], u, -u);
        na[g] = -a;
        /* e not in (0 <= e <= 1e300) (NaN compares false), |u| past 700 */
        bad[g] = ~(e[g] <= LOY__WB(1e300)) | (a > LOY__WB(700.0));
        if (!mbg) /* BG/NBD: x = 0 is alive */
            bad[g] &= ~(x[g] == zero);
    }
    LOY__WF(exp_neg_n)(ex, na, BG_NG);
    LOY__VMATH_EACH(g, BG_NG) {
        LOY__WD pa = LOY__WSEL(pos[g], ex[g], one) / (one + ex[g]);
        if (!mbg)
            pa = LOY__WSEL(x[g] == zero, one, pa);
        memcpy(out + LOY__W * g, &pa, sizeof pa);
    }
}

/*
 * Full groups are read in place; the tail is copied and padded (x = 0:
 * P(alive) 1, never flagged). Results go to bo and then out, after the
 * group's inputs are read, so out may be one of the inputs.
 */
LOY__VMATH_INLINE void
LOY__WNAME(palive_body)(const double *p, const double *lab, const double *x,
                        const double *tx, const double *T, size_t n,
                        double *out, int mbg)
{
    double c[BG_GROUP], bx[BG_GROUP], btx[BG_GROUP], bT[BG_GROUP];
    double bo[BG_GROUP];
    size_t i, k, m;
    for (i = 0; i < n; i += BG_GROUP) {
        LOY__WL bad[BG_NG];
        int64_t flag[BG_GROUP], any = 0;
        const double *gx = x + i, *gtx = tx + i, *gT = T + i;
        m = n - i < BG_GROUP ? n - i : BG_GROUP;
        if (m < BG_GROUP) {
            for (k = 0; k < BG_GROUP; k++) {
                bx[k] = k < m ? x[i + k] : 0.0;
                btx[k] = k < m ? tx[i + k] : 0.0;
                bT[k] = k < m ? T[i + k] : 0.0;
            }
            gx = bx, gtx = btx, gT = bT;
        }
#ifdef PK_LAB
        PK_LAB(p, lab, gx, c, mbg);
#else
        for (k = 0; k < BG_GROUP; k++) /* the table, inline: most rows */
            c[k] = gx[k] < (double)LOY__BG_LAB_N
                       ? lab[(size_t)gx[k]]
                       : loy__bgnbd_palive_c(p, lab, gx[k], mbg);
#endif
        LOY__WNAME(palive_group)(p, gx, gtx, gT, c, bo, bad, mbg);
        memcpy(flag, bad, sizeof flag);
        for (k = 0; k < BG_GROUP; k++)
            any |= flag[k];
        if (any != 0)
            for (k = 0; k < m; k++)
                if (flag[k] != 0)
                    bo[k] = palive_row(p, lab, gx[k], gtx[k], gT[k], mbg);
        memcpy(out + i, bo, m * sizeof *bo);
    }
}

#undef BG_GROUP
#undef BG_NG
