/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_rows_avx512.c - the BG/NBD fit's per-customer lanes
 * (bgnbd_rows_kern.h) on groups of eight, one AVX-512 register each.
 *
 * Compiled alone with -mavx512f -mavx512dq, as bgnbd_palive_avx512.c, and
 * called by bgnbd_rows.c only after checking the CPU; elsewhere empty.
 * The build's -ffp-contract=off keeps the fused multiply-add out, so a
 * lane has the bits of the narrower paths. Measured on 1M customers
 * (x > 0, with the gradient): 9.5-11.8 ms against 13.0-15.3 ms with AVX2
 * and 21.9-28.4 ms on the baseline's two lanes.
 */
#include "clv/bgnbd_internal.h"

#if defined(LOY__PALIVE_AVX512) && defined(__AVX512F__)                    \
    && defined(__AVX512DQ__)
#include "numeric/vmath.h"

#define LOY__W 8
#include "clv/bgnbd_rows_kern.h"

void
loy__bgnbd_zero_rows_avx512(double alpha, const double *T, double *out,
                            int64_t *bad)
{
    zero_body_8(alpha, T, out, bad);
}

void
loy__bgnbd_pos_rows_avx512(const double *p, double lrr, double la,
                           const double *const *xt, const double *x,
                           const double *tx, const double *T, double *ll,
                           double *grad, int64_t *bad)
{
    pos_body_8(p, lrr, la, xt, x, tx, T, ll, grad, bad);
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int loy__bgnbd_rows_avx512_unused;
#endif
