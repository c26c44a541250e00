/* SPDX-License-Identifier: MIT */
/*
 * table64_avx512.h - a table of 64 numbers in eight AVX-512 registers and
 * its lookup for eight indices at once (internal; for the files compiled
 * with -mavx512f alone).
 *
 * The row kernels read small per-x tables (BG/NBD's ln a - ln(b + x - 1),
 * the Taylor buckets' keys) once per customer. Scalar lookups took 15% of
 * the P(alive) kernel in a profile, and a gather of eight (2.3 ns in a
 * loop of gathers on the CPU measured) was slower than this: four
 * two-register permutes and three blends, in registers.
 */
#ifndef LOY_TABLE64_AVX512_H
#define LOY_TABLE64_AVX512_H

#include <immintrin.h>
#include <stdint.h>

/* Entries 0..63 of t into r[0..7]. */
static inline void
loy__table64_load(const void *t, __m512i *r)
{
    int k;
    for (k = 0; k < 8; k++)
        r[k] = _mm512_loadu_si512((const char *)t + 64 * k);
}

/* r's entries at i (0 <= i < 64 in each lane): the low four bits pick
 * within each pair of registers, bits 4 and 5 the pair. */
static inline __m512i
loy__table64_get(const __m512i *r, __m512i i)
{
    __m512i a = _mm512_permutex2var_epi64(r[0], i, r[1]);
    __m512i b = _mm512_permutex2var_epi64(r[2], i, r[3]);
    __m512i c = _mm512_permutex2var_epi64(r[4], i, r[5]);
    __m512i d = _mm512_permutex2var_epi64(r[6], i, r[7]);
    __mmask8 b4 = _mm512_test_epi64_mask(i, _mm512_set1_epi64(16));
    __mmask8 b5 = _mm512_test_epi64_mask(i, _mm512_set1_epi64(32));
    return _mm512_mask_blend_epi64(b5, _mm512_mask_blend_epi64(b4, a, b),
                                   _mm512_mask_blend_epi64(b4, c, d));
}

#endif /* LOY_TABLE64_AVX512_H */
