/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_palive_avx512.c - P(alive) of BG/NBD and MBG/NBD on groups of
 * eight lanes, one AVX-512 register each (bgnbd_palive_kern.h).
 *
 * The build compiles this file alone with -mavx512f -mavx512dq and
 * defines LOY__PALIVE_AVX512; bgnbd_palive.c calls in only after checking
 * the CPU. Elsewhere (other compilers, other architectures, builds that
 * bundle the sources without those flags) the file is empty and the
 * four-lane paths serve. The flags bring fused multiply-add, and the
 * build's -ffp-contract=off keeps products and sums apart, so a lane has
 * the bits of the four-lane paths. Eight lanes halve the instructions of
 * the log and exp polynomials. Measured on bench_predict's 1M customers,
 * the lanes alone: 3.0-3.3 ms against 4.9-5.0 ms with AVX2 (and 20.6-21.2
 * ms on the baseline's SSE2).
 */
#include "clv/bgnbd_internal.h"

#if defined(LOY__PALIVE_AVX512) && defined(__AVX512F__)                    \
    && defined(__AVX512DQ__)
#include "numeric/vmath.h"

#define LOY__W 8
#define PK_GROUP 32u /* rows per step: 16 took 20% longer */
#include "clv/bgnbd_palive_kern.h"

void
loy__bgnbd_palive_avx512(const double *p, const double *lab,
                         const double *x, const double *t_x, const double *T,
                         size_t n, double *out, int mbg)
{
    palive_body_8(p, lab, x, t_x, T, n, out, mbg);
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int loy__bgnbd_palive_avx512_unused;
#endif
