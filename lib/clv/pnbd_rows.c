/* SPDX-License-Identifier: MIT */
/*
 * pnbd_rows.c - Pareto/NBD P(alive) and conditional expected purchases,
 * sixteen customers at a time (four groups of four lanes, as
 * bgnbd_palive.c); and the nodes of one panel of the likelihood's direct
 * integration (loy__pnbd_quad_panel, at the end).
 *
 * pnbd.c's pnbd_row_eval gives P(alive) = 1/(1 + V), V = e^a m, from the
 * series S = 2F1(1, b; c; z(t)) at t = t_x and t = T and five logarithms;
 * CET is P(alive) (r + x)/(alpha + T) B h(s - 1, t, B), B = beta + T.
 * One customer at a time that is two series, each a loop-carried chain,
 * and eight libm calls. Here the series of four customers run side by
 * side, a customer's two series share the ratio (b + k)/(c + k) of their
 * terms (one division for both), and the logarithms and exponentials come
 * from numeric/vmath.h. The series are pnbd.c's term for term (the same
 * ratios, the same stopping rule, each lane stopping at its own term), so
 * S is bit for bit the scalar one. The rest is arranged to need fewer
 * logarithms and to cancel less than pnbd.c's (rows_body), and the vmath
 * kernels are within a few ulp of libm: P(alive) and CET are within a few
 * ulp of u's terms, times 1 - P(alive). Compiled twice (baseline and AVX2, chosen at run time;
 * the same operations, so the same bits); a lane depends on its own row
 * only, so any split of the rows gives the same bytes.
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

#define PR_NG ((int)LOY__PNBD_ROWS / 4)
#define PR_TERMS 96 /* even: the loop tests after odd terms */

/* Lanes 2, 3, 0, 1 of v (for a two-step AND across the lanes). */
#if defined(__clang__) || __GNUC__ >= 12
#define PR_SWAP_HALVES(v) __builtin_shufflevector((v), (v), 2, 3, 0, 1)
#else
#define PR_SWAP_HALVES(v) __builtin_shuffle((v), (loy__v4l){2, 3, 0, 1})
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
 * first series is the same for every row). One group at a time: its
 * state stays in registers, and it stops with its own slowest lane.
 */
LOY__VMATH_INLINE void
pr_series(const loy__v4d *bp, const loy__v4d *cp, const loy__v4d *z1p,
          const loy__v4d *z2p, const loy__v4l *knownp, double S0,
          loy__v4d *S1p, loy__v4d *S2p, loy__v4l *bad)
{
    const loy__v4d one = LOY__V4(1.0), tol = LOY__V4(LOY__PNBD_SERIES_TOL);
    const loy__v4d b = *bp, c = *cp, z1 = *z1p, z2 = *z2p;
    const loy__v4l known = *knownp;
    loy__v4d t1 = one, t2 = one, S1 = one, S2 = one;
    loy__v4d R1 = LOY__V4_SELECT(known, LOY__V4(S0), one), R2 = one;
    loy__v4d tol1 = tol * (one - z1), tol2 = tol * (one - z2);
    loy__v4l done1 = known, done2 = LOY__V4L(0), all;
    double k;
    int j;
    for (j = 0, k = 0.0; j < PR_TERMS; j++, k += 1.0) {
        const loy__v4d kk = LOY__V4(k), k2 = LOY__V4(k + 2.0);
        loy__v4d q = (b + kk) / (c + kk);
        t1 = t1 * (q * z1);
        S1 = S1 + t1;
        t2 = t2 * (q * z2);
        S2 = S2 + t2;
        R1 = LOY__V4_SELECT(done1, R1, S1);
        R2 = LOY__V4_SELECT(done2, R2, S2);
        done1 |= t1 * k2 <= tol1 * S1;
        done2 |= t2 * k2 <= tol2 * S2;
        if (j % 2 == 0) /* the lanes tested every other term: a lane */
            continue;   /* that is done ignores the extra one */
        all = done1 & done2;
        all &= PR_SWAP_HALVES(all);
        if ((all[0] & all[1]) != 0)
            break;
    }
    *S1p = R1;
    *S2p = R2;
    *bad |= ~(done1 & done2);
}

/* Lanes of v that are not finite (NaN compares false); a macro, as
 * vmath.h's: vectors by value would change the calling convention. */
#define PR_NOT_FINITE(v)                                                     \
    (~(((v) <= LOY__V4(DBL_MAX)) & ((v) >= LOY__V4(-DBL_MAX))))

/* CET = pa (r + x)/(alpha + T) B h(s - 1, t, B), h(e, t, B) =
 * -expm1(-e ln(1 + t/B))/e (ln(1 + t/B) at e = 0), as pnbd.c. */
LOY__VMATH_INLINE void
pr_cet(const loy__pnbd_lanes *p, const loy__v4d *pa, const loy__v4d *rx,
       const loy__v4d *T, loy__v4d *cet, loy__v4l *bad)
{
    const double e = p->s - 1.0;
    loy__v4d B[PR_NG], u[PR_NG], l[PR_NG], h[PR_NG];
    int g;
    LOY__VMATH_EACH(g, PR_NG) {
        B[g] = LOY__V4(p->beta) + T[g];
        u[g] = LOY__V4(p->t) / B[g];
    }
    loy__v4_log1p_pos_n(l, u, bad, PR_NG);
    if (e == 0.0) {
        memcpy(h, l, sizeof h);
    } else {
        loy__v4d y[PR_NG], em[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) {
            y[g] = LOY__V4(-e) * l[g];
            bad[g] |= ~(y[g] <= LOY__V4(700.0));
        }
        loy__v4_expm1_n(em, y, PR_NG);
        LOY__VMATH_EACH(g, PR_NG)
            h[g] = -em[g] / LOY__V4(e);
    }
    LOY__VMATH_EACH(g, PR_NG) {
        cet[g] = pa[g] * rx[g] / (LOY__V4(p->alpha) + T[g]) * B[g] * h[g];
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
rows_body(const loy__pnbd_lanes *p, const double *xs, const double *txs,
          const double *Ts, double *pa_out, double *cet_out,
          int64_t *bad_out, int64_t *bad_cet_out)
{
    const loy__v4d one = LOY__V4(1.0), zero = LOY__V4(0.0);
    const loy__v4d r = LOY__V4(p->r), s = LOY__V4(p->s);
    const loy__v4d al = LOY__V4(p->alpha), be = LOY__V4(p->beta);
    const loy__v4d rate = LOY__V4(p->alpha_ge ? p->alpha : p->beta);
    const loy__v4d dab = LOY__V4(p->alpha_ge ? p->alpha - p->beta
                                             : p->beta - p->alpha);
    loy__v4d x[PR_NG], tx[PR_NG], T[PR_NG], rx[PR_NG], b[PR_NG], c[PR_NG];
    loy__v4d z1[PR_NG], z2[PR_NG], S1[PR_NG], S2[PR_NG];
    loy__v4d ua[PR_NG], ub[PR_NG], La[PR_NG], Lb[PR_NG], C[PR_NG];
    loy__v4d u[PR_NG], eu[PR_NG], emu[PR_NG], pa[PR_NG];
    loy__v4l bad[PR_NG], known[PR_NG];
    int g;
    memcpy(x, xs, sizeof x);
    memcpy(tx, txs, sizeof tx);
    memcpy(T, Ts, sizeof T);
    LOY__VMATH_EACH(g, PR_NG) {
        loy__v4d d = T[g] - tx[g];
        rx[g] = r + x[g];
        c[g] = rx[g] + s + one;
        b[g] = p->alpha_ge ? rx[g] : LOY__V4(p->s + 1.0);
        z1[g] = dab * (one / (rate + tx[g]));
        z2[g] = dab * (one / (rate + T[g]));
        bad[g] = ~(z1[g] <= LOY__V4(LOY__PNBD_LANE_ZMAX));
        known[g] = p->have_S0 ? (x[g] == zero) & (tx[g] == zero)
                              : LOY__V4L(0);
        ua[g] = d / (al + tx[g]);
        ub[g] = d / (be + tx[g]);
        C[g] = s / (LOY__V4(p->r + p->s) + x[g]);
        if (!p->alpha_ge)
            C[g] = C[g] * ((al + T[g]) / (be + T[g]));
    }
    loy__v4_log1p_pos_n(La, ua, bad, PR_NG);
    loy__v4_log1p_pos_n(Lb, ub, bad, PR_NG);
    for (g = 0; g < PR_NG; g++)
        pr_series(&b[g], &c[g], &z1[g], &z2[g], &known[g], p->S0, &S1[g],
                  &S2[g], &bad[g]);
    LOY__VMATH_EACH(g, PR_NG) {
        if (p->alpha_ge)
            u[g] = -(rx[g] * La[g] + s * Lb[g]);
        else
            u[g] = -((rx[g] - one) * La[g] + (s + one) * Lb[g]);
        /* e^-u past e^600: the scalar form's log-sum-exp (NaN: flagged) */
        bad[g] |= ~(u[g] > LOY__V4(-600.0));
        u[g] = LOY__V4_SELECT(bad[g], zero, u[g]);
    }
    loy__v4_exp_expm1_n(eu, emu, u, PR_NG);
    LOY__VMATH_EACH(g, PR_NG) {
        loy__v4d q = S2[g] / S1[g];
        loy__v4d em = q * emu[g] + (q - one);
        loy__v4d V = C[g] * (S1[g] * -em) / eu[g];
        /* dead branch only where T - t_x is above resolution (em < 0) */
        loy__v4l live = (tx[g] < T[g]) & (em < zero);
        pa[g] = LOY__V4_SELECT(live, one / (one + V), one);
        bad[g] |= PR_NOT_FINITE(pa[g]) | PR_NOT_FINITE(C[g]);
    }
    memcpy(pa_out, pa, sizeof pa);
    memcpy(bad_out, bad, sizeof bad);
    if (p->cet) {
        loy__v4d cet[PR_NG];
        loy__v4l cbad[PR_NG];
        LOY__VMATH_EACH(g, PR_NG) cbad[g] = LOY__V4L(0);
        pr_cet(p, pa, rx, T, cet, cbad);
        memcpy(cet_out, cet, sizeof cet);
        memcpy(bad_cet_out, cbad, sizeof cbad);
    }
}

/*
 * loy__pnbd_quad_panel: the panel's nodes as three groups of four lanes,
 * h and its parameter derivatives term for term as pnbd.c's pq_h, the
 * logarithms and exponentials from vmath.h (within a few ulp of libm's,
 * next to the rule's own error), summed lane by lane in node order.
 */
#define PQ_NG ((int)LOY__PNBD_QNODES / 4)

LOY__VMATH_INLINE int
quad_body(const double *prm, double rx, double T, double h0, const double *vp,
          const double *wp, double *sum, double *sd)
{
    const loy__v4d al = LOY__V4(prm[1]), be = LOY__V4(prm[3]);
    const loy__v4d s = LOY__V4(prm[2]), vrx = LOY__V4(rx), vT = LOY__V4(T);
    loy__v4d v[PQ_NG], ia[PQ_NG], ib[PQ_NG], D[PQ_NG], ua[PQ_NG], ub[PQ_NG];
    loy__v4d la[PQ_NG], lb[PQ_NG], bv[PQ_NG], lbv[PQ_NG], a[PQ_NG];
    loy__v4d e[PQ_NG];
    loy__v4l bad[PQ_NG], any;
    double ev[LOY__PNBD_QNODES], t[4][LOY__PNBD_QNODES];
    size_t k;
    int g, j;
    memcpy(v, vp, sizeof v);
    LOY__VMATH_EACH(g, PQ_NG) {
        ia[g] = LOY__V4(1.0) / (al + v[g]);
        ib[g] = LOY__V4(1.0) / (be + v[g]);
        D[g] = vT - v[g];
        ua[g] = D[g] * ia[g];
        ub[g] = D[g] * ib[g];
        bv[g] = be + v[g];
        bad[g] = ~((bv[g] >= LOY__V4(DBL_MIN)) & (bv[g] <= LOY__V4(DBL_MAX)))
                 | ~(ua[g] >= LOY__V4(0.0)) | ~(ub[g] >= LOY__V4(0.0));
    }
    loy__v4_log1p_pos_n(la, ua, bad, PQ_NG);
    loy__v4_log1p_pos_n(lb, ub, bad, PQ_NG);
    loy__v4_log_n(lbv, bv, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        a[g] = vrx * la[g] + s * lb[g] - lbv[g] - LOY__V4(h0);
        bad[g] |= ~(a[g] <= LOY__V4(700.0));
    }
    any = bad[0] | bad[1] | bad[2];
    if ((any[0] | any[1] | any[2] | any[3]) != 0)
        return 1;
    loy__v4_exp_n(e, a, PQ_NG);
    LOY__VMATH_EACH(g, PQ_NG) {
        loy__v4d w;
        memcpy(&w, wp + 4 * g, sizeof w);
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

static int
quad_generic(const double *prm, double rx, double T, double h0,
             const double *v, const double *w, double *sum, double *sd)
{
    return quad_body(prm, rx, T, h0, v, w, sum, sd);
}

#ifdef PR_X86
__attribute__((target("avx2"))) static int
quad_avx2(const double *prm, double rx, double T, double h0,
          const double *v, const double *w, double *sum, double *sd)
{
    return quad_body(prm, rx, T, h0, v, w, sum, sd);
}
#endif

int
loy__pnbd_quad_panel(const double *prm, double rx, double T, double h0,
                     const double *v, const double *w, double *sum,
                     double *sd)
{
#ifdef PR_X86
    if (__builtin_cpu_supports("avx2"))
        return quad_avx2(prm, rx, T, h0, v, w, sum, sd);
#endif
    return quad_generic(prm, rx, T, h0, v, w, sum, sd);
}

static void
rows_generic(const loy__pnbd_lanes *p, const double *x, const double *tx,
             const double *T, double *pa, double *cet, int64_t *bad,
             int64_t *bad_cet)
{
    rows_body(p, x, tx, T, pa, cet, bad, bad_cet);
}

#ifdef PR_X86
__attribute__((target("avx2"))) static void
rows_avx2(const loy__pnbd_lanes *p, const double *x, const double *tx,
          const double *T, double *pa, double *cet, int64_t *bad,
          int64_t *bad_cet)
{
    rows_body(p, x, tx, T, pa, cet, bad, bad_cet);
}
#endif

void
loy__pnbd_score_rows(const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
#ifdef PR_X86
    if (__builtin_cpu_supports("avx2")) {
        rows_avx2(p, x, t_x, T, pa, cet, bad, bad_cet);
        return;
    }
#endif
    rows_generic(p, x, t_x, T, pa, cet, bad, bad_cet);
}

#else /* no vector extensions: the caller's scalar rows */

int
loy__pnbd_quad_panel(const double *prm, double rx, double T, double h0,
                     const double *v, const double *w, double *sum,
                     double *sd)
{
    (void)prm, (void)rx, (void)T, (void)h0, (void)v, (void)w, (void)sum;
    (void)sd;
    return 1;
}

void
loy__pnbd_score_rows(const loy__pnbd_lanes *p, const double *x,
                     const double *t_x, const double *T, double *pa,
                     double *cet, int64_t *bad, int64_t *bad_cet)
{
    size_t k;
    (void)p, (void)x, (void)t_x, (void)T, (void)pa, (void)cet, (void)bad_cet;
    for (k = 0; k < LOY__PNBD_ROWS; k++)
        bad[k] = 1;
}
#endif
