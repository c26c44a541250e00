/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_rows_kern.h - the BG/NBD fit's per-customer lanes (bgnbd_rows.c
 * says what they compute) for one vector width (internal; no include
 * guard: once per width). bgnbd_rows.c includes it with groups of two
 * lanes for the baseline (SSE2, NEON) and four for AVX2;
 * bgnbd_rows_avx512.c with groups of eight, in a file compiled for
 * AVX-512 alone (as bgnbd_palive_kern.h). The includer defines LOY__W,
 * the lanes per group (numeric/vmath.h's LOY__W* names then give the
 * width's types and kernels, and the names of the functions below). A
 * lane's operations are the same at every width, so are its bits.
 */
#include <string.h>

#include "clv/bgnbd_internal.h"
#include "numeric/vmath.h"

#define BR_NG ((int)LOY__BG_ROWS / LOY__W)

LOY__VMATH_INLINE void
LOY__WNAME(zero_body)(double alpha, const double *T, double *out,
                      int64_t *bad_out)
{
    LOY__WD u[BR_NG], l[BR_NG];
    LOY__WL bad[BR_NG];
    int g;
    LOY__VMATH_EACH(g, BR_NG) {
        LOY__WD t;
        memcpy(&t, T + LOY__W * g, sizeof t);
        u[g] = t / LOY__WB(alpha);
        bad[g] = LOY__WBL(0);
    }
    LOY__WF(log1p_pos_n)(l, u, bad, BR_NG);
    memcpy(out, l, sizeof l);
    memcpy(bad_out, bad, sizeof bad);
}

/* Loads lane values of the per-x terms: xt[k] + j for the 16 rows. */
LOY__VMATH_INLINE void
LOY__WNAME(br_gather)(const double *const *xt, int j, LOY__WD *v)
{
    double b[LOY__BG_ROWS];
    size_t k;
    for (k = 0; k < LOY__BG_ROWS; k++)
        b[k] = xt[k][j];
    memcpy(v, b, sizeof b);
}

LOY__VMATH_INLINE void
LOY__WNAME(pos_body)(const double *p, double lrr, double la,
                     const double *const *xt, const double *xs,
                     const double *txs, const double *Ts, double *ll,
                     double *grad, int64_t *bad_out)
{
    const LOY__WD one = LOY__WB(1.0), r = LOY__WB(p[0]), al = LOY__WB(p[1]);
    LOY__WD x[BR_NG], tx[BR_NG], T[BR_NG], u[BR_NG], dT[BR_NG];
    LOY__WD l1[BR_NG], L3[BR_NG], c3[BR_NG], c4[BR_NG], nd[BR_NG];
    LOY__WD e[BR_NG], lp[BR_NG], v[BR_NG];
    LOY__WL bad[BR_NG], pos[BR_NG];
    int g;
    memcpy(x, xs, sizeof x);
    memcpy(tx, txs, sizeof tx);
    memcpy(T, Ts, sizeof T);
    LOY__VMATH_EACH(g, BR_NG) {
        bad[g] = LOY__WBL(0);
        u[g] = tx[g] / al;
        dT[g] = (T[g] - tx[g]) / (al + tx[g]);
    }
    LOY__WF(log1p_pos_n)(l1, u, bad, BR_NG);
    LOY__WF(log1p_pos_n)(L3, dT, bad, BR_NG);
    LOY__WNAME(br_gather)(xt, LOY__BG_XT_LB1, v);
    LOY__VMATH_EACH(g, BR_NG) {
        LOY__WD d, a;
        c3[g] = -(r + x[g]) * L3[g];
        c4[g] = LOY__WB(la) - v[g];
        d = c3[g] - c4[g];
        pos[g] = d > LOY__WB(0.0);
        a = LOY__WSEL(pos[g], d, -d);
        nd[g] = -a; /* below -700: e = 0 (libm: below 1e-304) */
    }
    LOY__WF(exp_neg_n)(e, nd, BR_NG);
    LOY__WF(log1p_unit_n)(lp, e, BR_NG);
    LOY__WNAME(br_gather)(xt, LOY__BG_XT_D1, v);
    LOY__VMATH_EACH(g, BR_NG)
        v[g] = v[g] + x[g] * (LOY__WB(lrr) - l1[g]) - r * l1[g]
               + LOY__WSEL(pos[g], c3[g], c4[g]) + lp[g];
    memcpy(ll, v, sizeof v);
    memcpy(bad_out, bad, sizeof bad);
    if (grad == NULL)
        return;
    {
        LOY__WD pi3[BR_NG], gr[BR_NG], w[BR_NG];
        double out[LOY__BG_ROWS];
        size_t k;
        LOY__VMATH_EACH(g, BR_NG)
            pi3[g] = LOY__WSEL(pos[g], one, e[g]) / (one + e[g]);
        LOY__WNAME(br_gather)(xt, LOY__BG_XT_DR, v);
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
        LOY__WNAME(br_gather)(xt, LOY__BG_XT_DA, v);
        LOY__VMATH_EACH(g, BR_NG) {
            w[g] = one - pi3[g];
            gr[g] = v[g] + w[g] / LOY__WB(p[2]);
        }
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k + 2] = out[k];
        LOY__WNAME(br_gather)(xt, LOY__BG_XT_DB, v);
        LOY__WNAME(br_gather)(xt, LOY__BG_XT_IB1, gr);
        LOY__VMATH_EACH(g, BR_NG)
            gr[g] = v[g] - w[g] * gr[g];
        memcpy(out, gr, sizeof out);
        for (k = 0; k < LOY__BG_ROWS; k++)
            grad[4 * k + 3] = out[k];
    }
}

#undef BR_NG
