/* SPDX-License-Identifier: MIT */
/*
 * pnbd_rows_kern.h - the Pareto/NBD score lanes of pnbd_rows.c, and the
 * nodes of its quadrature panel (for widths that divide the panel), for
 * one vector width (internal; the file comment of pnbd_rows.c says what
 * they compute; no include guard past the shared part: once per width).
 * pnbd_rows.c includes it with groups of two lanes for the baseline and
 * four for AVX2; pnbd_rows_avx512.c with groups of eight, in a file
 * compiled for AVX-512 alone (as bgnbd_palive_kern.h). The includer
 * defines LOY__W, the lanes per group (2, 4 or 8: numeric/vmath.h's
 * LOY__W* names then give the width's types and kernels, and the names
 * of the functions below), and PR_ALL(m), whether every lane of mask m is
 * set; and may define PR_SG, the groups whose series run side by side (a
 * divisor of LOY__PNBD_ROWS / LOY__W; 1 by default).
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

#define PR_TERMS 96 /* a multiple of 4: the loop tests after term 4k+3 */

/* The rows of one call: loy__pnbd_score_rows's contract. */
#define PR_ROWS_FN(name)                                                    \
    void name(const loy__pnbd_lanes *p, const double *x, const double *tx,  \
              const double *T, double *pa, double *cet, int64_t *bad,       \
              int64_t *bad_cet)
#endif /* LOY_PNBD_ROWS_KERN_H */

#define PR_NG ((int)LOY__PNBD_ROWS / LOY__W)
#ifndef PR_SG
#define PR_SG 1
#endif

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
 * first series is the same for every row). PR_SG groups at a time (the
 * includer's choice, 1 by default): their state stays in registers, and
 * they stop with their slowest lane; more than one overlap their chains
 * of products and sums, which bound the loop's speed one at a time.
 */
LOY__VMATH_INLINE void
LOY__WNAME(pr_series)(const LOY__WD *b, const LOY__WD *c, const LOY__WD *z1,
                      const LOY__WD *z2, const LOY__WL *known, double S0,
                      LOY__WD *S1p, LOY__WD *S2p, LOY__WL *bad)
{
    const LOY__WD one = LOY__WB(1.0), tol = LOY__WB(LOY__PNBD_SERIES_TOL);
    LOY__WD t1[PR_SG], t2[PR_SG], S1[PR_SG], S2[PR_SG], R1[PR_SG];
    LOY__WD R2[PR_SG], tol1[PR_SG], tol2[PR_SG];
    LOY__WL done1[PR_SG], done2[PR_SG], all;
    double k;
    int j, g;
    LOY__VMATH_EACH(g, PR_SG) {
        t1[g] = t2[g] = S1[g] = S2[g] = R2[g] = one;
        R1[g] = LOY__WSEL(known[g], LOY__WB(S0), one);
        tol1[g] = tol * (one - z1[g]);
        tol2[g] = tol * (one - z2[g]);
        done1[g] = known[g];
        done2[g] = LOY__WBL(0);
    }
    for (j = 0, k = 0.0; j < PR_TERMS; j++, k += 1.0) {
        const LOY__WD kk = LOY__WB(k), k2 = LOY__WB(k + 2.0);
        LOY__VMATH_EACH(g, PR_SG) {
            LOY__WD q = (b[g] + kk) / (c[g] + kk);
            t1[g] = t1[g] * (q * z1[g]);
            S1[g] = S1[g] + t1[g];
            t2[g] = t2[g] * (q * z2[g]);
            S2[g] = S2[g] + t2[g];
            R1[g] = LOY__WSEL(done1[g], R1[g], S1[g]);
            R2[g] = LOY__WSEL(done2[g], R2[g], S2[g]);
            done1[g] |= t1[g] * k2 <= tol1[g] * S1[g];
            done2[g] |= t2[g] * k2 <= tol2[g] * S2[g];
        }
        /* the group tested every fourth term (fewer branches; a lane
         * that is done ignores the extra terms) */
        if (j % 4 != 3)
            continue;
        all = done1[0] & done2[0];
        for (g = 1; g < PR_SG; g++)
            all &= done1[g] & done2[g];
        if (PR_ALL(all))
            break;
    }
    LOY__VMATH_EACH(g, PR_SG) {
        S1p[g] = R1[g];
        S2p[g] = R2[g];
        bad[g] |= ~(done1[g] & done2[g]);
    }
}

/* Lanes of v that are not finite (NaN compares false); a macro, as
 * vmath.h's: vectors by value would change the calling convention. */
#define PR_NOT_FINITE(v)                                                     \
    (~(((v) <= LOY__WB(DBL_MAX)) & ((v) >= LOY__WB(-DBL_MAX))))

/* CET = pa (r + x)/(alpha + T) B h(s - 1, t, B), h(e, t, B) =
 * -expm1(-e ln(1 + t/B))/e (ln(1 + t/B) at e = 0), as pnbd.c. */
LOY__VMATH_INLINE void
LOY__WNAME(pr_cet)(const loy__pnbd_lanes *p, const LOY__WD *pa,
                   const LOY__WD *rx, const LOY__WD *T, LOY__WD *cet,
                   LOY__WL *bad)
{
    const double e = p->s - 1.0;
    LOY__WD B[PR_NG], u[PR_NG], l[PR_NG], h[PR_NG];
    int g;
    LOY__VMATH_EACH(g, PR_NG) {
        B[g] = LOY__WB(p->beta) + T[g];
        u[g] = LOY__WB(p->t) / B[g];
    }
    LOY__WF(log1p_pos_n)(l, u, bad, PR_NG);
    if (e == 0.0) {
        memcpy(h, l, sizeof h);
    } else {
        LOY__WD y[PR_NG], em[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) {
            y[g] = LOY__WB(-e) * l[g];
            bad[g] |= ~(y[g] <= LOY__WB(700.0));
        }
        LOY__WF(expm1_n)(em, y, PR_NG);
        LOY__VMATH_EACH(g, PR_NG)
            h[g] = -em[g] / LOY__WB(e);
    }
    LOY__VMATH_EACH(g, PR_NG) {
        cet[g] = pa[g] * rx[g] / (LOY__WB(p->alpha) + T[g]) * B[g] * h[g];
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
LOY__WNAME(rows_body)(const loy__pnbd_lanes *p, const double *xs,
                      const double *txs, const double *Ts, double *pa_out,
                      double *cet_out, int64_t *bad_out, int64_t *bad_cet_out)
{
    const LOY__WD one = LOY__WB(1.0), zero = LOY__WB(0.0);
    const LOY__WD r = LOY__WB(p->r), s = LOY__WB(p->s);
    const LOY__WD al = LOY__WB(p->alpha), be = LOY__WB(p->beta);
    const LOY__WD rate = LOY__WB(p->alpha_ge ? p->alpha : p->beta);
    const LOY__WD dab = LOY__WB(p->alpha_ge ? p->alpha - p->beta
                                             : p->beta - p->alpha);
    LOY__WD x[PR_NG], tx[PR_NG], T[PR_NG], rx[PR_NG], b[PR_NG], c[PR_NG];
    LOY__WD z1[PR_NG], z2[PR_NG], S1[PR_NG], S2[PR_NG];
    LOY__WD ua[PR_NG], ub[PR_NG], La[PR_NG], Lb[PR_NG], C[PR_NG];
    LOY__WD u[PR_NG], eu[PR_NG], emu[PR_NG], pa[PR_NG];
    LOY__WL bad[PR_NG], known[PR_NG];
    int g;
    memcpy(x, xs, sizeof x);
    memcpy(tx, txs, sizeof tx);
    memcpy(T, Ts, sizeof T);
    LOY__VMATH_EACH(g, PR_NG) {
        LOY__WD d = T[g] - tx[g];
        rx[g] = r + x[g];
        c[g] = rx[g] + s + one;
        b[g] = p->alpha_ge ? rx[g] : LOY__WB(p->s + 1.0);
        z1[g] = dab * (one / (rate + tx[g]));
        z2[g] = dab * (one / (rate + T[g]));
        bad[g] = ~(z1[g] <= LOY__WB(LOY__PNBD_LANE_ZMAX));
        known[g] = p->have_S0 ? (x[g] == zero) & (tx[g] == zero)
                              : LOY__WBL(0);
        ua[g] = d / (al + tx[g]);
        ub[g] = d / (be + tx[g]);
        C[g] = s / (LOY__WB(p->r + p->s) + x[g]);
        if (!p->alpha_ge)
            C[g] = C[g] * ((al + T[g]) / (be + T[g]));
    }
    LOY__WF(log1p_pos_n)(La, ua, bad, PR_NG);
    LOY__WF(log1p_pos_n)(Lb, ub, bad, PR_NG);
    for (g = 0; g < PR_NG; g += PR_SG)
        LOY__WNAME(pr_series)(&b[g], &c[g], &z1[g], &z2[g], &known[g], p->S0,
                              &S1[g], &S2[g], &bad[g]);
    LOY__VMATH_EACH(g, PR_NG) {
        if (p->alpha_ge)
            u[g] = -(rx[g] * La[g] + s * Lb[g]);
        else
            u[g] = -((rx[g] - one) * La[g] + (s + one) * Lb[g]);
        /* e^-u past e^600: the scalar form's log-sum-exp (NaN: flagged) */
        bad[g] |= ~(u[g] > LOY__WB(-600.0));
        u[g] = LOY__WSEL(bad[g], zero, u[g]);
    }
    LOY__WF(exp_expm1_n)(eu, emu, u, PR_NG);
    LOY__VMATH_EACH(g, PR_NG) {
        LOY__WD q = S2[g] / S1[g];
        LOY__WD em = q * emu[g] + (q - one);
        LOY__WD V = C[g] * (S1[g] * -em) / eu[g];
        /* dead branch only where T - t_x is above resolution (em < 0) */
        LOY__WL live = (tx[g] < T[g]) & (em < zero);
        pa[g] = LOY__WSEL(live, one / (one + V), one);
        bad[g] |= PR_NOT_FINITE(pa[g]) | PR_NOT_FINITE(C[g]);
    }
    memcpy(pa_out, pa, sizeof pa);
    memcpy(bad_out, bad, sizeof bad);
    if (p->cet) {
        LOY__WD cet[PR_NG];
        LOY__WL cbad[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) cbad[g] = LOY__WBL(0);
        LOY__WNAME(pr_cet)(p, pa, rx, T, cet, cbad);
        memcpy(cet_out, cet, sizeof cet);
        memcpy(bad_cet_out, cbad, sizeof cbad);
    }
}

/*
 * loy__pnbd_quad_panel: the panel's nodes in groups of lanes (widths that
 * divide LOY__PNBD_QNODES), h and its parameter derivatives term for term
 * as pnbd.c's pq_h, the logarithms and exponentials from vmath.h (within
 * a few ulp of libm's, next to the rule's own error), summed lane by lane
 * in node order.
 */
#if LOY__PNBD_QNODES % LOY__W == 0
#define PQ_NG ((int)LOY__PNBD_QNODES / LOY__W)

LOY__VMATH_INLINE int
LOY__WNAME(quad_body)(const double *prm, double rx, double T, double h0,
                      const double *vp, const double *wp, double *sum,
                      double *sd)
{
    const LOY__WD al = LOY__WB(prm[1]), be = LOY__WB(prm[3]);
    const LOY__WD s = LOY__WB(prm[2]), vrx = LOY__WB(rx), vT = LOY__WB(T);
    LOY__WD v[PQ_NG], ia[PQ_NG], ib[PQ_NG], D[PQ_NG], ua[PQ_NG], ub[PQ_NG];
    LOY__WD la[PQ_NG], lb[PQ_NG], bv[PQ_NG], lbv[PQ_NG], a[PQ_NG];
    LOY__WD e[PQ_NG];
    LOY__WL bad[PQ_NG];
    int64_t flag[LOY__PNBD_QNODES], any = 0;
    double ev[LOY__PNBD_QNODES], t[4][LOY__PNBD_QNODES];
    size_t k;
    int g, j;
    memcpy(v, vp, sizeof v);
    LOY__VMATH_EACH(g, PQ_NG) {
        ia[g] = LOY__WB(1.0) / (al + v[g]);
        ib[g] = LOY__WB(1.0) / (be + v[g]);
        D[g] = vT - v[g];
        ua[g] = D[g] * ia[g];
        ub[g] = D[g] * ib[g];
        bv[g] = be + v[g];
        bad[g] = ~((bv[g] >= LOY__WB(DBL_MIN)) & (bv[g] <= LOY__WB(DBL_MAX)))
                 | ~(ua[g] >= LOY__WB(0.0)) | ~(ub[g] >= LOY__WB(0.0));
    }
    LOY__WF(log1p_pos_n)(la, ua, bad, PQ_NG);
    LOY__WF(log1p_pos_n)(lb, ub, bad, PQ_NG);
    LOY__WF(log_n)(lbv, bv, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        a[g] = vrx * la[g] + s * lb[g] - lbv[g] - LOY__WB(h0);
        bad[g] |= ~(a[g] <= LOY__WB(700.0));
    }
    memcpy(flag, bad, sizeof flag);
    for (k = 0; k < LOY__PNBD_QNODES; k++)
        any |= flag[k];
    if (any != 0)
        return 1;
    LOY__WF(exp_n)(e, a, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        LOY__WD w;
        memcpy(&w, wp + LOY__W * g, sizeof w);
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
#undef PR_SG
#undef PR_NOT_FINITE
