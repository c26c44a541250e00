/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_taylor_avx512.c - the batch CET's Taylor rows (bgnbd_taylor.h)
 * on groups of eight customers, one AVX-512 register each.
 *
 * Compiled alone with -mavx512f -mavx512dq, as bgnbd_palive_avx512.c, and
 * called by bgnbd_batch.c only after checking the CPU; elsewhere empty.
 * A lane does the scalar loop's operations in its order (the build's
 * -ffp-contract=off keeps products and sums apart), so it has its bits.
 *
 * Each customer needs its own bucket's twelve numbers. Gathers fetch
 * them slowly on the CPU measured: ten gathers of eight took 2.9 ms per
 * 1M rows, the same numbers loaded as rows and transposed 0.5 ms. So the
 * eight buckets are loaded as rows, two loads each, and transposed into
 * lanes with shuffles. The keys of x are looked up by permutes from
 * registers. Measured on bench_predict's 1M customers: the Taylor rows
 * take about 2.9 ms of the score (a profile of 8.5 ms), against 6.0-6.5
 * ms for the scalar loop's lookups and polynomials.
 */
#include "clv/bgnbd_taylor.h"

#if defined(LOY__PALIVE_AVX512) && defined(__AVX512F__)                    \
    && defined(__AVX512DQ__)
#include <immintrin.h>

#include "numeric/table64_avx512.h"

#if LOY__BG_KEYS != 64
#error "the keys are looked up as a table of 64 (numeric/table64_avx512.h)"
#endif

/* Columns c[0..3] of the rows h[0..7] of four. */
static inline void
tay_transpose4(const __m256d *h, __m512d *c)
{
    const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    __m512d q[4], e[4];
    int k;
    for (k = 0; k < 4; k++)
        q[k] = _mm512_insertf64x4(_mm512_castpd256_pd512(h[k]), h[k + 4], 1);
    e[0] = _mm512_unpacklo_pd(q[0], q[1]);
    e[1] = _mm512_unpackhi_pd(q[0], q[1]);
    e[2] = _mm512_unpacklo_pd(q[2], q[3]);
    e[3] = _mm512_unpackhi_pd(q[2], q[3]);
    c[0] = _mm512_permutex2var_pd(e[0], lo, e[2]);
    c[1] = _mm512_permutex2var_pd(e[1], lo, e[3]);
    c[2] = _mm512_permutex2var_pd(e[0], hi, e[2]);
    c[3] = _mm512_permutex2var_pd(e[1], hi, e[3]);
}

/*
 * bgnbd_batch.c's bg_taylor_eval on lanes: B(d) for the eight rows r[l]
 * = (c_0..c_7) of eight buckets, c89 = c_8 and c_9 in lanes. Estrin's
 * first step pairs neighbouring coefficients, c_2i + c_2i+1 d, and the
 * two rows of an unpack hold them side by side: the step runs on the
 * unpacked rows of each pair of customers (d repeated to match), and
 * only its four results per customer are transposed into lanes, not the
 * eight coefficients (20 shuffles instead of 24). The operations and
 * their order are the scalar ones.
 */
static inline __m512d
tay_eval(const __m512d *r, const __m512d *c89, __m512d d)
{
    __m512d P[4], a[4], Q[4], d2, d4, d8, p89, q0, q1;
    int q;
    for (q = 0; q < 4; q++) {
        /* rows 2q and 2q + 1: (c_0, c_0', c_2, c_2', ...) and (c_1, ...) */
        __m512d lo = _mm512_unpacklo_pd(r[2 * q], r[2 * q + 1]);
        __m512d hi = _mm512_unpackhi_pd(r[2 * q], r[2 * q + 1]);
        __m512i ix = _mm512_set_epi64(2 * q + 1, 2 * q, 2 * q + 1, 2 * q,
                                      2 * q + 1, 2 * q, 2 * q + 1, 2 * q);
        P[q] = _mm512_add_pd(lo,
                             _mm512_mul_pd(hi, _mm512_permutexvar_pd(ix, d)));
    }
    /* P[q]'s 128-bit lane i: c_2i + c_2i+1 d of rows 2q and 2q + 1; Q[i]
     * gathers lane i of the four */
    a[0] = _mm512_shuffle_f64x2(P[0], P[1], 0x44);
    a[1] = _mm512_shuffle_f64x2(P[0], P[1], 0xee);
    a[2] = _mm512_shuffle_f64x2(P[2], P[3], 0x44);
    a[3] = _mm512_shuffle_f64x2(P[2], P[3], 0xee);
    Q[0] = _mm512_shuffle_f64x2(a[0], a[2], 0x88);
    Q[1] = _mm512_shuffle_f64x2(a[0], a[2], 0xdd);
    Q[2] = _mm512_shuffle_f64x2(a[1], a[3], 0x88);
    Q[3] = _mm512_shuffle_f64x2(a[1], a[3], 0xdd);
    d2 = _mm512_mul_pd(d, d);
    d4 = _mm512_mul_pd(d2, d2);
    d8 = _mm512_mul_pd(d4, d4);
    p89 = _mm512_add_pd(c89[0], _mm512_mul_pd(c89[1], d));
    q0 = _mm512_add_pd(Q[0], _mm512_mul_pd(d2, Q[1]));
    q1 = _mm512_add_pd(Q[2], _mm512_mul_pd(d2, Q[3]));
    return _mm512_add_pd(_mm512_add_pd(q0, _mm512_mul_pd(d4, q1)),
                         _mm512_mul_pd(d8, p89));
}

/*
 * The bucket of each lane as bgnbd_batch.c's bg_taylor_locate finds it
 * (the dummy row where there is none: x's key has no buckets, z is below
 * 1e-16, or its index is outside x's buckets) and, into *z, the lane's z.
 */
static inline __m512i
tay_bucket(const loy__bg_taylor *v, const __m512i *K, __m512d x, __m512d T,
           __mmask8 in, __m512d *z, __mmask8 *found)
{
    const __m512i mant = _mm512_set1_epi64(0x000fffffffffffff);
    __m512d tt = _mm512_set1_pd(v->t), al = _mm512_set1_pd(v->alpha);
    __m512i bits, gf, key, nb, g;
    __mmask8 tab;
    /* t/((alpha + T) + t), in the scalar loop's order */
    *z = _mm512_div_pd(tt, _mm512_add_pd(_mm512_add_pd(al, T), tt));
    bits = _mm512_castpd_si512(_mm512_sub_pd(_mm512_set1_pd(1.0), *z));
    gf = _mm512_add_epi64(
        _mm512_slli_epi64(_mm512_sub_epi64(_mm512_set1_epi64(1022),
                                           _mm512_srli_epi64(bits, 52)),
                          LOY__BG_TAY_SHMAX),
        _mm512_sub_epi64(
            _mm512_set1_epi64(((int64_t)1 << LOY__BG_TAY_SHMAX) - 1),
            _mm512_srli_epi64(_mm512_and_si512(bits, mant),
                              52 - LOY__BG_TAY_SHMAX)));
    /* x below LOY__BG_KEYS has its key, every larger x the last */
    tab = _mm512_cmp_pd_mask(x, _mm512_set1_pd((double)LOY__BG_KEYS),
                             _CMP_LT_OQ);
    key = _mm512_mask_mov_epi64(
        _mm512_set1_epi64((int64_t)v->key[LOY__BG_KEYS]), tab,
        loy__table64_get(K, _mm512_maskz_cvttpd_epi64(tab, x)));
    nb = _mm512_and_si512(_mm512_srli_epi64(key, 4), _mm512_set1_epi64(1023));
    g = _mm512_sub_epi64(
        _mm512_srlv_epi64(gf, _mm512_sub_epi64(
                                  _mm512_set1_epi64(LOY__BG_TAY_SHMAX),
                                  _mm512_and_si512(key,
                                                   _mm512_set1_epi64(15)))),
        _mm512_sub_epi64(_mm512_srli_epi64(key, 30),
                         _mm512_set1_epi64(LOY__BG_KEY_BIAS)));
    /* 0 <= g < nb as one unsigned comparison */
    *found = _mm512_mask_cmpge_epi64_mask(in, gf, _mm512_setzero_si512())
             & _mm512_cmplt_epu64_mask(g, nb);
    return _mm512_mask_add_epi64(
        _mm512_set1_epi64((int64_t)v->dummy), *found,
        _mm512_and_si512(_mm512_srli_epi64(key, 14),
                         _mm512_set1_epi64(65535)),
        g);
}

int
loy__bg_taylor_rows_avx512(const loy__bg_taylor *v, const double *x,
                           const double *T, const double *pa, size_t m,
                           double *out, uint32_t *at)
{
    const __m512d one = _mm512_set1_pd(1.0), ab = _mm512_set1_pd(v->ab);
    __m512i K[8];
    int all = 1;
    size_t j;
    loy__table64_load(v->key, K); /* LOY__BG_KEYS = 64 */
    for (j = 0; j < m; j += 8) {
        __mmask8 in = (__mmask8)(m - j >= 8 ? 0xffu : (1u << (m - j)) - 1u);
        __m512d xv = _mm512_maskz_loadu_pd(in, x + j);
        __m512d Tv = _mm512_maskz_loadu_pd(in, T + j);
        __m512d pv = _mm512_maskz_loadu_pd(in, pa + j);
        __m512d r[8], c[4], z, B, C, res;
        __m256d h[8];
        __mmask8 found, served, bad;
        int64_t k[8];
        int l;
        _mm512_storeu_si512((void *)k,
                            tay_bucket(v, K, xv, Tv, in, &z, &found));
        for (l = 0; l < 8; l++) {
            const double *row = v->row + (size_t)k[l] * LOY__BG_ROW_W;
            r[l] = _mm512_loadu_pd(row);
            h[l] = _mm256_loadu_pd(row + 8);
        }
        tay_transpose4(h, c); /* c_8, c_9, z0, used */
        B = tay_eval(r, c, _mm512_sub_pd(z, c[LOY__BG_ROW_Z0 - 8]));
        C = _mm512_sub_pd(_mm512_add_pd(ab, xv), one);
        res = _mm512_mul_pd(_mm512_mul_pd(pv, C), B);
        served = _mm512_mask_cmp_pd_mask(found, c[LOY__BG_ROW_OK - 8],
                                         _mm512_setzero_pd(), _CMP_NEQ_UQ);
        _mm512_mask_storeu_pd(out + j, served, res);
        _mm512_mask_cvtepi64_storeu_epi32(
            at + j, in, _mm512_maskz_mov_epi64((__mmask8)~served,
                                               _mm512_set1_epi64(UINT32_MAX)));
        /* NaN and both infinities */
        bad = _mm512_mask_fpclass_pd_mask(served, res, 0x99);
        all &= served == in && bad == 0;
    }
    return all;
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int loy__bg_taylor_rows_avx512_unused;
#endif
