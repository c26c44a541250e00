/* SPDX-License-Identifier: MIT */
/*
 * pnbd_rows_kern.h - the Pareto/NBD score lanes of pnbd_rows.c, and the
 * nodes of its quadrature panel (for widths that divide the panel), for
 * one vector width (internal; the file comment of pnbd_rows.c says what
 * they compute; no include guard past the shared part: once per width).
 * pnbd_rows.c includes it with groups of two lanes for the baseline and
 * four for AVX2; pnbd_rows_avx512.c with groups of eight, in a file
 * compiled for AVX-512 alone (as bgnbd_palive_kern.h). The includer
 * defines:
 *   PR_NAME(name)     the width's name of the functions below;
 *   PR_W              lanes per group (2, 4 or 8);
 *   PR_VD, PR_VL      the double and int64 vector types of that width;
 *   PR_B(x), PR_BL(x), PR_SEL   broadcasts and lane select;
 *   PR_F(name)        numeric/vmath.h's kernel name at that width;
 *   PR_ALL(m)         whether every lane of mask m is set.
 * The operations of a lane are the same at every width, so are its bits
 * (the series of a group stop with its slowest lane, and a lane's result
 * follows its own stopping rule).
 */
#ifndef LOY_PNBD_ROWS_KERN_H
#define LOY_PNBD_ROWS_KERN_H

#include <float.h>
#include <string.h>

#include "clv/pnbd_internal.h"
#include "numeric/vmath.h"

#define PR_TERMS 96 /* even: the loop tests after odd terms */

/* The rows of one call: loy__pnbd_score_rows's contract. */
#define PR_ROWS_FN(name)                                                    \
    void name(const loy__pnbd_lanes *p, const double *x, const double *tx,  \
              const double *T, double *pa, double *cet, int64_t *bad,       \
              int64_t *bad_cet)
#endif /* LOY_PNBD_ROWS_KERN_H */

#define PR_NG ((int)LOY__PNBD_ROWS / PR_W)

/*
 * S1 = S(z1) and S2 = S(z2) of one group of lanes, as pnbd.c's
 * pnbd_hyp1_q: term k + 1 is term k times q z with q = (b + k)/(c + k),
 * the sum stops after the first term with t (k + 2) <= tol S, tol =
 * 1e-16 (1 - z). For z <= LOY__PNBD_LANE_ZMAX that test, once true,
 * stays true: t (k + 2) falls by a factor q z (k + 3)/(k + 2) < 3/4 per
 * term (q < 1), far beyond rounding, and tol S only grows. So terms and
 * sums run on in every lane, and a lane's result follows its sum until
 * the term after its test first holds: the value at its stop, the same
 * bits as the scalar loop, with two carried chains (a product and a sum)
 * instead of the test's. Lanes still going after PR_TERMS terms are
 * flagged. Lanes in `known` have S1 = S0 from the start (x = 0, whose
 * first series is the same for every row). One group at a time: its
 * state stays in registers, and it stops with its own slowest lane.
 */
LOY__VMATH_INLINE void
PR_NAME(pr_series)(const PR_VD *bp, const PR_VD *cp, const PR_VD *z1p,
                   const PR_VD *z2p, const PR_VL *knownp, double S0,
                   PR_VD *S1p, PR_VD *S2p, PR_VL *bad)
{
    const PR_VD one = PR_B(1.0), tol = PR_B(LOY__PNBD_SERIES_TOL);
    const PR_VD b = *bp, c = *cp, z1 = *z1p, z2 = *z2p;
    const PR_VL known = *knownp;
    PR_VD t1 = one, t2 = one, S1 = one, S2 = one;
    PR_VD R1 = PR_SEL(known, PR_B(S0), one), R2 = one;
    PR_VD tol1 = tol * (one - z1), tol2 = tol * (one - z2);
    PR_VL done1 = known, done2 = PR_BL(0), all;
    double k;
    int j;
    for (j = 0, k = 0.0; j < PR_TERMS; j++, k += 1.0) {
        const PR_VD kk = PR_B(k), k2 = PR_B(k + 2.0);
        PR_VD q = (b + kk) / (c + kk);
        t1 = t1 * (q * z1);
        S1 = S1 + t1;
        t2 = t2 * (q * z2);
        S2 = S2 + t2;
        R1 = PR_SEL(done1, R1, S1);
        R2 = PR_SEL(done2, R2, S2);
        done1 |= t1 * k2 <= tol1 * S1;
        done2 |= t2 * k2 <= tol2 * S2;
        if (j % 2 == 0) /* the lanes tested every other term: a lane */
            continue;   /* that is done ignores the extra one */
        all = done1 & done2;
        if (PR_ALL(all))
            break;
    }
    *S1p = R1;
    *S2p = R2;
    *bad |= ~(done1 & done2);
}

/* Lanes of v that are not finite (NaN compares false); a macro, as
 * vmath.h's: vectors by value would change the calling convention. */
#define PR_NOT_FINITE(v)                                                     \
    (~(((v) <= PR_B(DBL_MAX)) & ((v) >= PR_B(-DBL_MAX))))

/* CET = pa (r + x)/(alpha + T) B h(s - 1, t, B), h(e, t, B) =
 * -expm1(-e ln(1 + t/B))/e (ln(1 + t/B) at e = 0), as pnbd.c. */
LOY__VMATH_INLINE void
PR_NAME(pr_cet)(const loy__pnbd_lanes *p, const PR_VD *pa,
                const PR_VD *rx, const PR_VD *T, PR_VD *cet, PR_VL *bad)
{
    const double e = p->s - 1.0;
    PR_VD B[PR_NG], u[PR_NG], l[PR_NG], h[PR_NG];
    int g;
    LOY__VMATH_EACH(g, PR_NG) {
        B[g] = PR_B(p->beta) + T[g];
        u[g] = PR_B(p->t) / B[g];
    }
    PR_F(log1p_pos_n)(l, u, bad, PR_NG);
    if (e == 0.0) {
        memcpy(h, l, sizeof h);
    } else {
        PR_VD y[PR_NG], em[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) {
            y[g] = PR_B(-e) * l[g];
            bad[g] |= ~(y[g] <= PR_B(700.0));
        }
        PR_F(expm1_n)(em, y, PR_NG);
        LOY__VMATH_EACH(g, PR_NG)
            h[g] = -em[g] / PR_B(e);
    }
    LOY__VMATH_EACH(g, PR_NG) {
        cet[g] = pa[g] * rx[g] / (PR_B(p->alpha) + T[g]) * B[g] * h[g];
        bad[g] |= PR_NOT_FINITE(cet[g]);
    }
}

/*
 * With L_a = ln((alpha + T)/(alpha + t_x)) = log1p((T - t_x)/(alpha +
 * t_x)), L_b the same in beta, and u = -[(r + x) L_a + s L_b] (alpha >=
 * beta) or u = -[(r + x - 1) L_a + (s + 1) L_b] (alpha < beta), pnbd.c's
 * pieces are
 *   G(T) - G(t_x) = u + ln q,  q = S2/S1,
 *   e^a = C e^-u,  C = s/(r + s + x)  (times (alpha + T)/(beta + T)
 *                                      when alpha < beta),
 * so that V = e^a S1 (1 - e^(G(T) - G(t_x))) = C S1 (-em)/e^u with
 *   em = e^(u + ln q) - 1 = q expm1(u) + (q - 1)
 * (both terms of one sign: q <= 1, u <= 0). Two log1p, one exp and one
 * expm1 of the same u: fewer calls than pnbd.c's six logarithms, and
 * none of its cancellation between terms of size (r + x) ln(alpha + T),
 * which costs it up to 6e-13 relative at x near 300.
 */
LOY__VMATH_INLINE void
PR_NAME(rows_body)(const loy__pnbd_lanes *p, const double *xs,
                   const double *txs, const double *Ts, double *pa_out,
                   double *cet_out, int64_t *bad_out, int64_t *bad_cet_out)
{
    const PR_VD one = PR_B(1.0), zero = PR_B(0.0);
    const PR_VD r = PR_B(p->r), s = PR_B(p->s);
    const PR_VD al = PR_B(p->alpha), be = PR_B(p->beta);
    const PR_VD rate = PR_B(p->alpha_ge ? p->alpha : p->beta);
    const PR_VD dab = PR_B(p->alpha_ge ? p->alpha - p->beta
                                             : p->beta - p->alpha);
    PR_VD x[PR_NG], tx[PR_NG], T[PR_NG], rx[PR_NG], b[PR_NG], c[PR_NG];
    PR_VD z1[PR_NG], z2[PR_NG], S1[PR_NG], S2[PR_NG];
    PR_VD ua[PR_NG], ub[PR_NG], La[PR_NG], Lb[PR_NG], C[PR_NG];
    PR_VD u[PR_NG], eu[PR_NG], emu[PR_NG], pa[PR_NG];
    PR_VL bad[PR_NG], known[PR_NG];
    int g;
    memcpy(x, xs, sizeof x);
    memcpy(tx, txs, sizeof tx);
    memcpy(T, Ts, sizeof T);
    LOY__VMATH_EACH(g, PR_NG) {
        PR_VD d = T[g] - tx[g];
        rx[g] = r + x[g];
        c[g] = rx[g] + s + one;
        b[g] = p->alpha_ge ? rx[g] : PR_B(p->s + 1.0);
        z1[g] = dab * (one / (rate + tx[g]));
        z2[g] = dab * (one / (rate + T[g]));
        bad[g] = ~(z1[g] <= PR_B(LOY__PNBD_LANE_ZMAX));
        known[g] = p->have_S0 ? (x[g] == zero) & (tx[g] == zero)
                              : PR_BL(0);
        ua[g] = d / (al + tx[g]);
        ub[g] = d / (be + tx[g]);
        C[g] = s / (PR_B(p->r + p->s) + x[g]);
        if (!p->alpha_ge)
            C[g] = C[g] * ((al + T[g]) / (be + T[g]));
    }
    PR_F(log1p_pos_n)(La, ua, bad, PR_NG);
    PR_F(log1p_pos_n)(Lb, ub, bad, PR_NG);
    for (g = 0; g < PR_NG; g++)
        PR_NAME(pr_series)(&b[g], &c[g], &z1[g], &z2[g], &known[g], p->S0,
                           &S1[g], &S2[g], &bad[g]);
    LOY__VMATH_EACH(g, PR_NG) {
        if (p->alpha_ge)
            u[g] = -(rx[g] * La[g] + s * Lb[g]);
        else
            u[g] = -((rx[g] - one) * La[g] + (s + one) * Lb[g]);
        /* e^-u past e^600: the scalar form's log-sum-exp (NaN: flagged) */
        bad[g] |= ~(u[g] > PR_B(-600.0));
        u[g] = PR_SEL(bad[g], zero, u[g]);
    }
    PR_F(exp_expm1_n)(eu, emu, u, PR_NG);
    LOY__VMATH_EACH(g, PR_NG) {
        PR_VD q = S2[g] / S1[g];
        PR_VD em = q * emu[g] + (q - one);
        PR_VD V = C[g] * (S1[g] * -em) / eu[g];
        /* dead branch only where T - t_x is above resolution (em < 0) */
        PR_VL live = (tx[g] < T[g]) & (em < zero);
        pa[g] = PR_SEL(live, one / (one + V), one);
        bad[g] |= PR_NOT_FINITE(pa[g]) | PR_NOT_FINITE(C[g]);
    }
    memcpy(pa_out, pa, sizeof pa);
    memcpy(bad_out, bad, sizeof bad);
    if (p->cet) {
        PR_VD cet[PR_NG];
        PR_VL cbad[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) cbad[g] = PR_BL(0);
        PR_NAME(pr_cet)(p, pa, rx, T, cet, cbad);
        memcpy(cet_out, cet, sizeof cet);
        memcpy(bad_cet_out, cbad, sizeof cbad);
    }
}

/*
 * loy__pnbd_quad_panel: the panel's nodes in groups of lanes (widths that
 * divide LOY__PNBD_QNODES), h and its parameter derivatives term for term as pnbd.c's pq_h, the
 * logarithms and exponentials from vmath.h (within a few ulp of libm's,
 * next to the rule's own error), summed lane by lane in node order.
 */
#if LOY__PNBD_QNODES % PR_W == 0
#define PQ_NG ((int)LOY__PNBD_QNODES / PR_W)

LOY__VMATH_INLINE int
PR_NAME(quad_body)(const double *prm, double rx, double T, double h0,
                   const double *vp, const double *wp, double *sum,
                   double *sd)
{
    const PR_VD al = PR_B(prm[1]), be = PR_B(prm[3]);
    const PR_VD s = PR_B(prm[2]), vrx = PR_B(rx), vT = PR_B(T);
    PR_VD v[PQ_NG], ia[PQ_NG], ib[PQ_NG], D[PQ_NG], ua[PQ_NG], ub[PQ_NG];
    PR_VD la[PQ_NG], lb[PQ_NG], bv[PQ_NG], lbv[PQ_NG], a[PQ_NG];
    PR_VD e[PQ_NG];
    PR_VL bad[PQ_NG];
    int64_t flag[LOY__PNBD_QNODES], any = 0;
    double ev[LOY__PNBD_QNODES], t[4][LOY__PNBD_QNODES];
    size_t k;
    int g, j;
    memcpy(v, vp, sizeof v);
    LOY__VMATH_EACH(g, PQ_NG) {
        ia[g] = PR_B(1.0) / (al + v[g]);
        ib[g] = PR_B(1.0) / (be + v[g]);
        D[g] = vT - v[g];
        ua[g] = D[g] * ia[g];
        ub[g] = D[g] * ib[g];
        bv[g] = be + v[g];
        bad[g] = ~((bv[g] >= PR_B(DBL_MIN)) & (bv[g] <= PR_B(DBL_MAX)))
                 | ~(ua[g] >= PR_B(0.0)) | ~(ub[g] >= PR_B(0.0));
    }
    PR_F(log1p_pos_n)(la, ua, bad, PQ_NG);
    PR_F(log1p_pos_n)(lb, ub, bad, PQ_NG);
    PR_F(log_n)(lbv, bv, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        a[g] = vrx * la[g] + s * lb[g] - lbv[g] - PR_B(h0);
        bad[g] |= ~(a[g] <= PR_B(700.0));
    }
    memcpy(flag, bad, sizeof flag);
    for (k = 0; k < LOY__PNBD_QNODES; k++)
        any |= flag[k];
    if (any != 0)
        return 1;
    PR_F(exp_n)(e, a, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        PR_VD w;
        memcpy(&w, wp + PR_W * g, sizeof w);
        e[g] = w * e[g];
    }
    memcpy(ev, e, sizeof ev);
    *sum = 0.0;
    for (k = 0; k < LOY__PNBD_QNODES; k++)
        *sum += ev[k];
    if (sd == NULL)
        return 0;
    memcpy(t[0], la, sizeof la);
    memcpy(t[2], lb, sizeof lb);
    LOY__VMATH_EACH(g, PQ_NG) {
        la[g] = -vrx * D[g] * ia[g] / (al + vT);
        lb[g] = -s * D[g] * ib[g] / (be + vT) - ib[g];
    }
    memcpy(t[1], la, sizeof la);
    memcpy(t[3], lb, sizeof lb);
    for (j = 0; j < 4; j++) {
        sd[j] = 0.0;
        for (k = 0; k < LOY__PNBD_QNODES; k++)
            sd[j] += ev[k] * t[j][k];
    }
    return 0;
}
#undef PQ_NG
#endif

#undef PR_NG
#undef PR_NOT_FINITE
