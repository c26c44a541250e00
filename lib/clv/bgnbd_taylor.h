/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_taylor.h - the layout of the batch CET's Taylor buckets
 * (bgnbd_batch.c builds them) and the row kernels that read them: the
 * scalar one in bgnbd_batch.c, the AVX2 one in bgnbd_taylor_avx2.c and
 * the AVX-512 one in bgnbd_taylor_avx512.c, which give the same bits.
 */
#ifndef LOY_BGNBD_TAYLOR_H
#define LOY_BGNBD_TAYLOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * A bucket is one row of LOY__BG_ROW_W doubles: its ten Taylor
 * coefficients c_0..c_9 about its centre z0, then z0, then 1 when the
 * bucket is used and 0 when not (its customers take the per-customer
 * form). Whole rows let eight customers' buckets be loaded and
 * transposed into lanes instead of gathered, which was several times
 * slower on the CPU measured (bgnbd_taylor_avx512.c).
 */
#define LOY__BG_TAY_M 10u
#define LOY__BG_ROW_W 16u
#define LOY__BG_ROW_Z0 10u
#define LOY__BG_ROW_OK 11u

/* The finest buckets: 2^12 per octave of 1 - z (bgnbd_batch.c). */
#define LOY__BG_TAY_SHMAX 12u

/*
 * Where x's buckets are, in one 64-bit key per x (one load, or one
 * gather of eight): 2^sh buckets per octave, nb of them from index glo,
 * in rows from off. nb = 0: none (also for an x whose C = a + b + x - 1
 * is below 1, which the tables do not serve). glo, which can be a little
 * below 0, is stored plus LOY__BG_KEY_BIAS so that the key is unsigned.
 */
#define LOY__BG_KEY_BIAS 8192
#define LOY__BG_KEY_SH(k) ((unsigned)((k) & 15u))
#define LOY__BG_KEY_NB(k) ((size_t)(((k) >> 4) & 1023u))
#define LOY__BG_KEY_OFF(k) ((size_t)(((k) >> 14) & 65535u))
#define LOY__BG_KEY_GLO(k) ((int64_t)((k) >> 30) - LOY__BG_KEY_BIAS)

static inline uint64_t
loy__bg_key(int64_t glo, size_t off, size_t nb, unsigned sh)
{
    return (uint64_t)(glo + LOY__BG_KEY_BIAS) << 30 | (uint64_t)off << 14
           | (uint64_t)nb << 4 | sh;
}

/*
 * What the row kernels read: the rows, the keys of x = 0..LOY__BG_KEYS-1
 * and, at key[LOY__BG_KEYS], a key with no buckets for every larger x;
 * the index of an all-zero row (unused) that lanes without a bucket
 * load; a + b, alpha and the horizon t.
 */
#define LOY__BG_KEYS 64u

typedef struct loy__bg_taylor {
    const double *row;
    const uint64_t *key;
    size_t dummy;
    double ab, alpha, t;
} loy__bg_taylor;

#ifdef LOY__PALIVE_AVX512
/*
 * The Taylor rows of m customers (validated; pa their P(alive)) on
 * groups of eight lanes (bgnbd_taylor_avx512.c; only on a CPU with
 * AVX-512 F and DQ): out[j] = pa_j C B(z_j) and at[j] = 0 for a customer
 * whose bucket is used, at[j] = UINT32_MAX (out[j] untouched) for the
 * others. Returns 1 when every customer was served with a finite value,
 * else 0.
 */
int loy__bg_taylor_rows_avx512(const loy__bg_taylor *v, const double *x,
                               const double *T, const double *pa, size_t m,
                               double *out, uint32_t *at);
#endif

#if (defined(__GNUC__) || defined(__clang__))                              \
    && (defined(__x86_64__) || defined(__i386__))
#define LOY__BG_TAYLOR_AVX2 1
/* The same on groups of four lanes (bgnbd_taylor_avx2.c): only on a CPU
 * with AVX2. */
int loy__bg_taylor_rows_avx2(const loy__bg_taylor *v, const double *x,
                             const double *T, const double *pa, size_t m,
                             double *out, uint32_t *at);
#endif

#endif /* LOY_BGNBD_TAYLOR_H */
