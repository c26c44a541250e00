/* SPDX-License-Identifier: MIT */
/*
 * pnbd_rows_avx512.c - the Pareto/NBD score lanes (pnbd_rows_kern.h) on
 * groups of eight, one AVX-512 register each.
 *
 * Compiled alone with -mavx512f -mavx512dq, as bgnbd_palive_avx512.c, and
 * called by pnbd_rows.c only after checking the CPU; elsewhere empty. The
 * build's -ffp-contract=off keeps the fused multiply-add out, so a lane
 * has the bits of the four-lane paths. Measured on 1M customers like
 * bench_predict's (CDNOW's parameters, t = 39): the score took 20.3 ms
 * against 35.8-36.0 ms with AVX2.
 */
#include "clv/pnbd_internal.h"

#if defined(LOY__PALIVE_AVX512) && defined(__AVX512F__)                    \
    && defined(__AVX512DQ__)
#include <immintrin.h>

#include "numeric/vmath.h"

#define LOY__W 8
#define PR_SG 2 /* both groups' series side by side */
/* every lane of m (each all ones or zero) set: one test into a mask
 * register (taking the lanes out one by one to AND them had cost a fifth
 * of the kernel's time in a profile, in the series' loop) */
#define PR_ALL(m) pr_all8(&(m))
LOY__VMATH_INLINE int
pr_all8(const loy__v8l *m)
{
    return _mm512_test_epi64_mask((__m512i)*m, (__m512i)*m) == 0xff;
}
#include "clv/pnbd_rows_kern.h"

PR_ROWS_FN(loy__pnbd_rows_avx512)
{
    rows_body_8(p, x, tx, T, pa, cet, bad, bad_cet);
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int loy__pnbd_rows_avx512_unused;
#endif
