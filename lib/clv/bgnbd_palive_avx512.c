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

#include "numeric/table64_avx512.h"

#if LOY__BG_LAB_N != 64
#error "lab is looked up as a table of 64 (numeric/table64_avx512.h)"
#endif

#define LOY__W 8
#define PK_GROUP 32u /* rows per step: 16 took 20% longer */

/*
 * c_x of a step's rows: lab in registers for x below 64, the others
 * (rare) by loy__bgnbd_palive_c. The scalar lookups had taken 15% of the
 * kernel.
 */
static inline void
palive_lab8(const double *p, const double *lab, const double *x, double *c,
            int mbg)
{
    __m512i L[8];
    size_t k;
    loy__table64_load(lab, L);
    for (k = 0; k < PK_GROUP; k += 8) {
        __m512d xv = _mm512_loadu_pd(x + k);
        __mmask8 in = _mm512_cmp_pd_mask(xv, _mm512_set1_pd(64.0),
                                         _CMP_LT_OQ);
        __m512i v = loy__table64_get(L, _mm512_maskz_cvttpd_epi64(in, xv));
        _mm512_storeu_pd(c + k, _mm512_castsi512_pd(v));
        if (in != 0xff) {
            size_t l;
            for (l = 0; l < 8; l++)
                if (!((unsigned)in >> l & 1u))
                    c[k + l] = loy__bgnbd_palive_c(p, lab, x[k + l], mbg);
        }
    }
}
#define PK_LAB palive_lab8

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
