/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_palive.c - BG/NBD and MBG/NBD P(alive) of a batch of customers,
 * sixteen at a time.
 *
 * P(alive) = 1/(1 + e^u), u = c_x + (r + x) L, c_x = ln a - ln(b + x - 1),
 * L = ln((alpha + T)/(alpha + t_x)) = log1p(e), e = (T - t_x)/(alpha + t_x)
 * (MODELS.md 6.1; x = 0: 1). MBG/NBD's is the same with c_x = ln a -
 * ln(b + x) and no exception at x = 0 (MODELS.md 6.2). Scoring a customer
 * base is this formula a million times; one log and one exp per customer
 * through libm were most of the cost. Here L and e^-|u| come from
 * numeric/vmath.h on four groups of four lanes, compiled twice (baseline
 * and AVX2, chosen at run time: the arithmetic is the same, so the bits
 * are too). A row's value depends on its own inputs only: the tail of a
 * batch goes through the same lanes, padded, so any split of the rows
 * (threads) gives the same bytes.
 *
 * Lanes the polynomials do not cover are recomputed with libm: e beyond
 * 1e300 or not finite (a denormal alpha with t_x = 0) and |u| > 700
 * (P(alive) below e^-700, or 1 to the last bit).
 */
#include "clv/bgnbd_internal.h"

#include <string.h>

#include "numeric/specfun.h"
#include "numeric/vmath.h"

/*
 * L = ln((alpha + T)/(alpha + t_x)) as log1p(e): accurate when alpha is
 * huge next to T (the Poisson limit, r and alpha ~ 1e30 with r/alpha
 * fixed), where ln(alpha + T) - ln(alpha + t_x) is 0. e overflows only
 * for a denormal alpha with t_x = 0: the difference of logs then.
 */
double
loy__bgnbd_log_ratio(double alpha, double t_x, double T)
{
    double e = (T - t_x) / (alpha + t_x);
    return loy__finite(e) ? log1p(e) : log(alpha + T) - log(alpha + t_x);
}

/* c_x = ln a - ln(b + x - 1), from the table below LOY__BG_LAB_N (0 for
 * x = 0: P(alive) is 1 there); MBG/NBD (mbg): ln a - ln(b + x). */
static double
bg_c(const double *p, const double *lab, double x, int mbg)
{
    if (x == 0.0 && !mbg)
        return 0.0;
    if (lab != NULL && x < (double)LOY__BG_LAB_N)
        return lab[(size_t)x];
    return mbg ? log(p[2]) - log(p[3] + x) : log(p[2]) - log(p[3] + x - 1.0);
}

/* The libm form: the reference the lanes are checked against. */
double
loy__bgnbd_palive_row(const double *p, const double *lab, double x,
                      double t_x, double T)
{
    double c;
    if (x == 0.0)
        return 1.0;
    c = bg_c(p, lab, x, 0);
    return loy__expit_neg(c + (p[0] + x) * loy__bgnbd_log_ratio(p[1], t_x, T));
}

double
loy__mbgnbd_palive_row(const double *p, const double *lab, double x,
                       double t_x, double T)
{
    double c = bg_c(p, lab, x, 1);
    return loy__expit_neg(c + (p[0] + x) * loy__bgnbd_log_ratio(p[1], t_x, T));
}

/* The libm form of either model. */
static double
palive_row(const double *p, const double *lab, double x, double t_x,
           double T, int mbg)
{
    return mbg ? loy__mbgnbd_palive_row(p, lab, x, t_x, T)
               : loy__bgnbd_palive_row(p, lab, x, t_x, T);
}

void
loy__bgnbd_lab_fill(const double *p, double *lab)
{
    size_t j;
    lab[0] = 0.0;
    for (j = 1; j < LOY__BG_LAB_N; j++)
        lab[j] = log(p[2]) - log(p[3] + (double)j - 1.0);
}

void
loy__mbgnbd_lab_fill(const double *p, double *lab)
{
    size_t j;
    for (j = 0; j < LOY__BG_LAB_N; j++)
        lab[j] = log(p[2]) - log(p[3] + (double)j);
}

#ifdef LOY__VMATH_VEC
#if defined(__x86_64__) || defined(__i386__)
#define BG_X86 1
#endif

/*
 * Sixteen rows per step, as four groups of four lanes in lockstep, so
 * that their polynomial chains (latency-bound one at a time) overlap:
 * rows (x, t_x, T, c_x) -> P(alive), lanes the forms do not cover
 * flagged.
 */
#define BG_GROUP 16u
#define BG_NG ((int)BG_GROUP / 4)

LOY__VMATH_INLINE void
palive16(const double *p, const double *x_p, const double *tx_p,
         const double *T_p, const double *c_p, double *out, loy__v4l *bad,
         int mbg)
{
    loy__v4d x[BG_NG], e[BG_NG], ep[BG_NG], L[BG_NG], na[BG_NG], ex[BG_NG];
    loy__v4l pos[BG_NG];
    const loy__v4d one = LOY__V4(1.0), zero = LOY__V4(0.0);
    int g;
    LOY__VMATH_EACH(g, BG_NG) {
        loy__v4d tx, T;
        memcpy(&x[g], x_p + 4 * g, sizeof x[g]);
        memcpy(&tx, tx_p + 4 * g, sizeof tx);
        memcpy(&T, T_p + 4 * g, sizeof T);
        e[g] = (T - tx) / (LOY__V4(p[1]) + tx);
        ep[g] = one + e[g];
    }
    /* log1p(e) = ln(1 + e) + (e - ((1 + e) - 1))/(1 + e): the correction
     * restores what rounding 1 + e loses, so that L = e for an e below
     * 1e-16 (alpha huge next to T, the Poisson limit) */
    loy__v4_log_n(L, ep, BG_NG);
    LOY__VMATH_EACH(g, BG_NG) {
        loy__v4d c, u, a;
        memcpy(&c, c_p + 4 * g, sizeof c);
        L[g] = L[g] + (e[g] - (ep[g] - one)) / ep[g];
        u = c + (LOY__V4(p[0]) + x[g]) * L[g];
        pos[g] = u > zero;
        a = LOY__V4_SELECT(pos[g], u, -u);
        na[g] = -a;
        /* e not in (0 <= e <= 1e300) (NaN compares false), |u| past 700 */
        bad[g] = ~(e[g] <= LOY__V4(1e300)) | (a > LOY__V4(700.0));
        if (!mbg) /* BG/NBD: x = 0 is alive */
            bad[g] &= ~(x[g] == zero);
    }
    loy__v4_exp_neg_n(ex, na, BG_NG);
    LOY__VMATH_EACH(g, BG_NG) {
        loy__v4d pa = LOY__V4_SELECT(pos[g], ex[g], one) / (one + ex[g]);
        if (!mbg)
            pa = LOY__V4_SELECT(x[g] == zero, one, pa);
        memcpy(out + 4 * g, &pa, sizeof pa);
    }
}

/*
 * Full groups are read in place; the tail is copied and padded (x = 0:
 * P(alive) 1, never flagged). Results go to bo and then out, after the
 * group's inputs are read, so out may be one of the inputs.
 */
LOY__VMATH_INLINE void
palive_body(const double *p, const double *lab, const double *x,
            const double *tx, const double *T, size_t n, double *out,
            int mbg)
{
    double c[BG_GROUP], bx[BG_GROUP], btx[BG_GROUP], bT[BG_GROUP];
    double bo[BG_GROUP];
    size_t i, k, m;
    for (i = 0; i < n; i += BG_GROUP) {
        loy__v4l bad[BG_NG], any;
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
        for (k = 0; k < BG_GROUP; k++) /* the table, inline: most rows */
            c[k] = gx[k] < (double)LOY__BG_LAB_N ? lab[(size_t)gx[k]]
                                                 : bg_c(p, lab, gx[k], mbg);
        palive16(p, gx, gtx, gT, c, bo, bad, mbg);
        any = bad[0] | bad[1] | bad[2] | bad[3];
        if ((any[0] | any[1] | any[2] | any[3]) != 0)
            for (k = 0; k < m; k++)
                if (bad[k / 4][k % 4] != 0)
                    bo[k] = palive_row(p, lab, gx[k], gtx[k], gT[k], mbg);
        memcpy(out + i, bo, m * sizeof *bo);
    }
}

static void
palive_generic(const double *p, const double *lab, const double *x,
               const double *tx, const double *T, size_t n, double *out,
               int mbg)
{
    palive_body(p, lab, x, tx, T, n, out, mbg);
}

#ifdef BG_X86
__attribute__((target("avx2"))) static void
palive_avx2(const double *p, const double *lab, const double *x,
            const double *tx, const double *T, size_t n, double *out,
            int mbg)
{
    palive_body(p, lab, x, tx, T, n, out, mbg);
}
#endif

static void
palive_rows(const double *p, const double *lab, const double *x,
            const double *t_x, const double *T, size_t n, double *out,
            int mbg)
{
#ifdef BG_X86
    if (__builtin_cpu_supports("avx2")) {
        palive_avx2(p, lab, x, t_x, T, n, out, mbg);
        return;
    }
#endif
    palive_generic(p, lab, x, t_x, T, n, out, mbg);
}

#else /* no vector extensions: libm row by row */

static void
palive_rows(const double *p, const double *lab, const double *x,
            const double *t_x, const double *T, size_t n, double *out,
            int mbg)
{
    size_t i;
    for (i = 0; i < n; i++)
        out[i] = palive_row(p, lab, x[i], t_x[i], T[i], mbg);
}
#endif

void
loy__bgnbd_palive_rows(const double *p, const double *lab, const double *x,
                       const double *t_x, const double *T, size_t n,
                       double *out)
{
    palive_rows(p, lab, x, t_x, T, n, out, 0);
}

void
loy__mbgnbd_palive_rows(const double *p, const double *lab, const double *x,
                        const double *t_x, const double *T, size_t n,
                        double *out)
{
    palive_rows(p, lab, x, t_x, T, n, out, 1);
}
