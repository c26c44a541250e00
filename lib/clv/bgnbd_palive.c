/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_palive.c - BG/NBD and MBG/NBD P(alive) of a batch of customers,
 * thirty-two at a time.
 *
 * P(alive) = 1/(1 + e^u), u = c_x + (r + x) L, c_x = ln a - ln(b + x - 1),
 * L = ln((alpha + T)/(alpha + t_x)) = log1p(e), e = (T - t_x)/(alpha + t_x)
 * (MODELS.md 6.1; x = 0: 1). MBG/NBD's is the same with c_x = ln a -
 * ln(b + x) and no exception at x = 0 (MODELS.md 6.2). Scoring a customer
 * base is this formula a million times; one log and one exp per customer
 * through libm were most of the cost. Here L and e^-|u| come from
 * numeric/vmath.h on lanes (bgnbd_palive_kern.h): eight groups of four,
 * compiled here twice (baseline and AVX2), or four groups of eight in
 * bgnbd_palive_avx512.c; the widest the CPU has is chosen at run time.
 * The arithmetic is the same, so the bits are too. A row's value depends
 * on its own inputs only: the tail of a batch goes through the same
 * lanes, padded, so any split of the rows (threads) gives the same bytes.
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
double
loy__bgnbd_palive_c(const double *p, const double *lab, double x, int mbg)
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
    c = loy__bgnbd_palive_c(p, lab, x, 0);
    return loy__expit_neg(c + (p[0] + x) * loy__bgnbd_log_ratio(p[1], t_x, T));
}

double
loy__mbgnbd_palive_row(const double *p, const double *lab, double x,
                       double t_x, double T)
{
    double c = loy__bgnbd_palive_c(p, lab, x, 1);
    return loy__expit_neg(c + (p[0] + x) * loy__bgnbd_log_ratio(p[1], t_x, T));
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

/* The baseline: groups of two lanes, one SSE2 or NEON register. */
#define LOY__W 2
#define PK_GROUP 16u /* rows per step: 8 took 5-30% longer */
#include "clv/bgnbd_palive_kern.h"
#undef LOY__W
#undef PK_GROUP

/* AVX2: groups of four lanes, one register each. */
#define LOY__W 4
#define PK_GROUP 32u /* rows per step: 16 took 10% longer */
#include "clv/bgnbd_palive_kern.h"

static void
palive_generic(const double *p, const double *lab, const double *x,
               const double *tx, const double *T, size_t n, double *out,
               int mbg)
{
    palive_body_2(p, lab, x, tx, T, n, out, mbg);
}

#ifdef BG_X86
__attribute__((target("avx2"))) static void
palive_avx2(const double *p, const double *lab, const double *x,
            const double *tx, const double *T, size_t n, double *out,
            int mbg)
{
    palive_body_4(p, lab, x, tx, T, n, out, mbg);
}
#endif

int
loy__bgnbd_palive_lanes(int path, const double *p, const double *lab,
                        const double *x, const double *t_x, const double *T,
                        size_t n, double *out, int mbg)
{
    if (!loy__vpath_cpu(path))
        return 0;
    switch (path) {
#ifdef LOY__PALIVE_AVX512
    case LOY__VPATH_AVX512:
        loy__bgnbd_palive_avx512(p, lab, x, t_x, T, n, out, mbg);
        return 1;
#endif
#ifdef BG_X86
    case LOY__VPATH_AVX2:
        palive_avx2(p, lab, x, t_x, T, n, out, mbg);
        return 1;
#endif
    case LOY__VPATH_BASE:
        palive_generic(p, lab, x, t_x, T, n, out, mbg);
        return 1;
    default:
        return 0;
    }
}

#else /* no vector extensions: libm row by row */

int
loy__bgnbd_palive_lanes(int path, const double *p, const double *lab,
                        const double *x, const double *t_x, const double *T,
                        size_t n, double *out, int mbg)
{
    size_t i;
    if (path != LOY__VPATH_BASE)
        return 0;
    for (i = 0; i < n; i++)
        out[i] = mbg ? loy__mbgnbd_palive_row(p, lab, x[i], t_x[i], T[i])
                     : loy__bgnbd_palive_row(p, lab, x[i], t_x[i], T[i]);
    return 1;
}
#endif

/* The widest path the CPU has. */
static void
palive_rows(const double *p, const double *lab, const double *x,
            const double *t_x, const double *T, size_t n, double *out,
            int mbg)
{
    if (!loy__bgnbd_palive_lanes(LOY__VPATH_AVX512, p, lab, x, t_x, T, n,
                                 out, mbg)
        && !loy__bgnbd_palive_lanes(LOY__VPATH_AVX2, p, lab, x, t_x, T,
                                    n, out, mbg))
        (void)loy__bgnbd_palive_lanes(LOY__VPATH_BASE, p, lab, x, t_x, T,
                                      n, out, mbg);
}

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
