/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_taylor_avx2.c - the batch CET's Taylor rows (bgnbd_taylor.h) on
 * groups of four customers, one AVX2 register each: the path of x86 CPUs
 * without AVX-512 (many servers in use), chosen at run time.
 *
 * As bgnbd_taylor_avx512.c: a lane does the scalar loop's operations in
 * its order (the build's -ffp-contract=off, and no FMA here), so it has
 * its bits; the four buckets are loaded as rows and transposed, Estrin's
 * first step running on the unpacked rows of each pair of customers. The
 * keys of x come from one gather (AVX2 has no two-register permute of
 * 64-bit lanes). Measured on 1M customers like bench_predict's, with the
 * AVX-512 paths compiled out: loy_bgnbd_score took 12.9-13.2 ms against
 * 14.2-15.2 ms with the scalar rows (alternating runs).
 */
#include "clv/bgnbd_taylor.h"

#if (defined(__GNUC__) || defined(__clang__))                              \
    && (defined(__x86_64__) || defined(__i386__))
#include <float.h>
#include <immintrin.h>

#define TAY_AVX2 __attribute__((target("avx2"), always_inline)) static inline

/* Columns c[0..3] of the rows h[0..3] of four (a 4 x 4 transpose). */
TAY_AVX2 void
tay4_transpose(const __m256d *h, __m256d *c)
{
    __m256d a = _mm256_unpacklo_pd(h[0], h[1]); /* h0[0] h1[0] h0[2] h1[2] */
    __m256d b = _mm256_unpackhi_pd(h[0], h[1]);
    __m256d e = _mm256_unpacklo_pd(h[2], h[3]);
    __m256d f = _mm256_unpackhi_pd(h[2], h[3]);
    c[0] = _mm256_permute2f128_pd(a, e, 0x20);
    c[1] = _mm256_permute2f128_pd(b, f, 0x20);
    c[2] = _mm256_permute2f128_pd(a, e, 0x31);
    c[3] = _mm256_permute2f128_pd(b, f, 0x31);
}

/*
 * c_2i + c_2i+1 d and c_2i+2 + c_2i+3 d of four customers, from the
 * halves (c_2i .. c_2i+3) r[l] of their rows: an unpack of two rows holds
 * the pairs side by side, d repeated to match (dp01: d of customers 0, 1,
 * 0, 1; dp23 of 2, 3, 2, 3).
 */
TAY_AVX2 void
tay4_pairs(const __m256d *r, __m256d dp01, __m256d dp23, __m256d *lo,
           __m256d *hi)
{
    /* P01: (first pair, second pair) of customers 0 and 1 */
    __m256d P01 = _mm256_add_pd(_mm256_unpacklo_pd(r[0], r[1]),
                                _mm256_mul_pd(_mm256_unpackhi_pd(r[0], r[1]),
                                              dp01));
    __m256d P23 = _mm256_add_pd(_mm256_unpacklo_pd(r[2], r[3]),
                                _mm256_mul_pd(_mm256_unpackhi_pd(r[2], r[3]),
                                              dp23));
    *lo = _mm256_permute2f128_pd(P01, P23, 0x20);
    *hi = _mm256_permute2f128_pd(P01, P23, 0x31);
}

/* The bucket row of each lane (bgnbd_batch.c's bg_taylor_locate), the
 * dummy where there is none, into k; the lanes that have one into
 * *found (all ones or zero); the lanes' z into *z. */
TAY_AVX2 void
tay4_bucket(const loy__bg_taylor *v, __m256d x, __m256d T, __m256d *z,
            __m256i *found, int64_t *k)
{
    const __m256i mant = _mm256_set1_epi64x(0x000fffffffffffff);
    const __m256i none = _mm256_set1_epi64x(-1);
    __m256d tt = _mm256_set1_pd(v->t), al = _mm256_set1_pd(v->alpha);
    __m256i bits, gf, xi, key, nb, g, row;
    /* t/((alpha + T) + t), in the scalar loop's order */
    *z = _mm256_div_pd(tt, _mm256_add_pd(_mm256_add_pd(al, T), tt));
    bits = _mm256_castpd_si256(_mm256_sub_pd(_mm256_set1_pd(1.0), *z));
    gf = _mm256_add_epi64(
        _mm256_slli_epi64(_mm256_sub_epi64(_mm256_set1_epi64x(1022),
                                           _mm256_srli_epi64(bits, 52)),
                          LOY__BG_TAY_SHMAX),
        _mm256_sub_epi64(
            _mm256_set1_epi64x(((int64_t)1 << LOY__BG_TAY_SHMAX) - 1),
            _mm256_srli_epi64(_mm256_and_si256(bits, mant),
                              52 - LOY__BG_TAY_SHMAX)));
    /* x below LOY__BG_KEYS its key, every larger x the last */
    xi = _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(
        _mm256_min_pd(x, _mm256_set1_pd((double)LOY__BG_KEYS))));
    key = _mm256_i64gather_epi64((const long long *)v->key, xi, 8);
    nb = _mm256_and_si256(_mm256_srli_epi64(key, 4),
                          _mm256_set1_epi64x(1023));
    g = _mm256_sub_epi64(
        _mm256_srlv_epi64(gf, _mm256_sub_epi64(
                                  _mm256_set1_epi64x(LOY__BG_TAY_SHMAX),
                                  _mm256_and_si256(key,
                                                   _mm256_set1_epi64x(15)))),
        _mm256_sub_epi64(_mm256_srli_epi64(key, 30),
                         _mm256_set1_epi64x(LOY__BG_KEY_BIAS)));
    /* gf >= 0, g >= 0 and g < nb (signed: nb is small) */
    *found = _mm256_and_si256(
        _mm256_and_si256(_mm256_cmpgt_epi64(gf, none),
                         _mm256_cmpgt_epi64(g, none)),
        _mm256_cmpgt_epi64(nb, g));
    row = _mm256_add_epi64(_mm256_and_si256(_mm256_srli_epi64(key, 14),
                                            _mm256_set1_epi64x(65535)),
                           g);
    row = _mm256_blendv_epi8(_mm256_set1_epi64x((int64_t)v->dummy), row,
                             *found);
    _mm256_storeu_si256((__m256i *)(void *)k, row);
}

/* Four customers from j (m - j of them when fewer): their values into
 * out where served, at[] as bgnbd_taylor.h says. Returns whether all
 * were served with a finite value. */
TAY_AVX2 int
tay4_group(const loy__bg_taylor *v, const double *x, const double *T,
           const double *pa, size_t n, double *out, uint32_t *at)
{
    double bx[4] = {0.0, 0.0, 0.0, 0.0}, bT[4] = {1.0, 1.0, 1.0, 1.0};
    double bp[4] = {0.0, 0.0, 0.0, 0.0}, bo[4];
    __m256d xv, Tv, pv, z, r[4], s[4], h[4], c[4], d, dp01, dp23, q[4];
    __m256d d2, d4, d8, p89, q0, q1, B, res, served, fin;
    __m256i found;
    int64_t k[4];
    size_t l;
    int mask, ok, lanes;
    if (n < 4) { /* the tail: padded, and copied out below */
        for (l = 0; l < n; l++) {
            bx[l] = x[l];
            bT[l] = T[l];
            bp[l] = pa[l];
            bo[l] = out[l];
        }
        x = bx, T = bT, pa = bp;
    }
    xv = _mm256_loadu_pd(x);
    Tv = _mm256_loadu_pd(T);
    pv = _mm256_loadu_pd(pa);
    tay4_bucket(v, xv, Tv, &z, &found, k);
    for (l = 0; l < 4; l++) {
        const double *row = v->row + (size_t)k[l] * LOY__BG_ROW_W;
        r[l] = _mm256_loadu_pd(row);     /* c_0 .. c_3 */
        s[l] = _mm256_loadu_pd(row + 4); /* c_4 .. c_7 */
        h[l] = _mm256_loadu_pd(row + 8); /* c_8, c_9, z0, used */
    }
    tay4_transpose(h, c);
    d = _mm256_sub_pd(z, c[2]);
    dp01 = _mm256_permute4x64_pd(d, 0x44);
    dp23 = _mm256_permute4x64_pd(d, 0xee);
    tay4_pairs(r, dp01, dp23, &q[0], &q[1]); /* p01, p23 */
    tay4_pairs(s, dp01, dp23, &q[2], &q[3]); /* p45, p67 */
    /* bgnbd_batch.c's bg_taylor_eval from there */
    d2 = _mm256_mul_pd(d, d);
    d4 = _mm256_mul_pd(d2, d2);
    d8 = _mm256_mul_pd(d4, d4);
    p89 = _mm256_add_pd(c[0], _mm256_mul_pd(c[1], d));
    q0 = _mm256_add_pd(q[0], _mm256_mul_pd(d2, q[1]));
    q1 = _mm256_add_pd(q[2], _mm256_mul_pd(d2, q[3]));
    B = _mm256_add_pd(_mm256_add_pd(q0, _mm256_mul_pd(d4, q1)),
                      _mm256_mul_pd(d8, p89));
    res = _mm256_mul_pd(
        _mm256_mul_pd(pv, _mm256_sub_pd(_mm256_add_pd(_mm256_set1_pd(v->ab),
                                                      xv),
                                        _mm256_set1_pd(1.0))),
        B);
    served = _mm256_and_pd(_mm256_castsi256_pd(found),
                           _mm256_cmp_pd(c[3], _mm256_setzero_pd(),
                                         _CMP_NEQ_UQ));
    /* NaN and both infinities fail |res| <= DBL_MAX */
    fin = _mm256_cmp_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), res),
                        _mm256_set1_pd(DBL_MAX), _CMP_LE_OQ);
    lanes = n < 4 ? (int)((1u << n) - 1u) : 15;
    mask = _mm256_movemask_pd(served) & lanes;
    ok = (_mm256_movemask_pd(_mm256_and_pd(served, fin)) & lanes) == mask;
    if (n < 4) {
        _mm256_storeu_pd(bo, _mm256_blendv_pd(_mm256_loadu_pd(bo), res,
                                              served));
        for (l = 0; l < n; l++)
            out[l] = bo[l];
    } else {
        _mm256_storeu_pd(out, _mm256_blendv_pd(_mm256_loadu_pd(out), res,
                                               served));
    }
    for (l = 0; l < n && l < 4; l++)
        at[l] = (unsigned)mask >> l & 1u ? 0u : UINT32_MAX;
    return ok && mask == lanes;
}

__attribute__((target("avx2"))) int
loy__bg_taylor_rows_avx2(const loy__bg_taylor *v, const double *x,
                         const double *T, const double *pa, size_t m,
                         double *out, uint32_t *at)
{
    int all = 1;
    size_t j;
    for (j = 0; j < m; j += 4)
        all &= tay4_group(v, x + j, T + j, pa + j, m - j, out + j, at + j);
    return all;
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int loy__bg_taylor_rows_avx2_unused;
#endif
