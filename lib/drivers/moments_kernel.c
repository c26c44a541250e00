/* SPDX-License-Identifier: MIT */
/*
 * moments_kernel.c - accumulate one block of rows into one tally state.
 *
 * Double mode: the block is centred on its own (weighted) mean, its
 * co-moments are sums of products of centred columns, and the block is
 * merged into the state with the pairwise update of Chan, Golub and
 * LeVeque: C = Ca + Cb + (Wa Wb / W) d d', d the difference of the means.
 * Centring per block keeps the sums small, so nothing cancels.
 *
 * Integer mode: exact int64 sums of w, w z and w z z'. A block whose
 * largest possible sum stays below 2^62 is summed without checks (the
 * common case: ratings); otherwise every operation is checked. The block
 * sums are added to the state only after checking that no addition
 * overflows, so a kernel either completes or leaves the state untouched.
 *
 * The products run over contiguous columns with 4-lane (double) or 8-lane
 * (int32) accumulators written with GCC/Clang vector extensions, compiled
 * twice (baseline and AVX2, chosen at run time). Lanes are summed in a
 * fixed order, so both builds give the same bits. Other compilers get the
 * scalar loops, which sum in the same lane order.
 */
#include "drivers/moments_internal.h"

#include "numeric/vecdot.h"

#if defined(__GNUC__) || defined(__clang__)
#define MK_INLINE static inline __attribute__((always_inline))
#if defined(__x86_64__) || defined(__i386__)
#define MK_X86 1
#endif
#define MK_VEC 1
typedef double mk_v4d __attribute__((vector_size(32)));
typedef int32_t mk_v8i __attribute__((vector_size(32)));
#else
#define MK_INLINE static inline
#endif

/* ---------------------------------------------------------------- */
/* Dot products of one column a with four columns b[0..3] (n % 8 == 0). */

MK_INLINE void
dot4_f64_body(double out[4], const double *a, const double *const b[4],
              size_t n)
{
#ifdef MK_VEC
    mk_v4d s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    size_t i;
    double l[4];
    for (i = 0; i < n; i += 4) {
        mk_v4d va, v0, v1, v2, v3;
        memcpy(&va, a + i, sizeof va);
        memcpy(&v0, b[0] + i, sizeof v0);
        memcpy(&v1, b[1] + i, sizeof v1);
        memcpy(&v2, b[2] + i, sizeof v2);
        memcpy(&v3, b[3] + i, sizeof v3);
        s0 += va * v0;
        s1 += va * v1;
        s2 += va * v2;
        s3 += va * v3;
    }
    memcpy(l, &s0, sizeof l);
    out[0] = (l[0] + l[1]) + (l[2] + l[3]);
    memcpy(l, &s1, sizeof l);
    out[1] = (l[0] + l[1]) + (l[2] + l[3]);
    memcpy(l, &s2, sizeof l);
    out[2] = (l[0] + l[1]) + (l[2] + l[3]);
    memcpy(l, &s3, sizeof l);
    out[3] = (l[0] + l[1]) + (l[2] + l[3]);
#else
    size_t i, c;
    for (c = 0; c < 4; c++) {
        double s[4] = {0, 0, 0, 0};
        for (i = 0; i < n; i += 4) {
            s[0] += a[i] * b[c][i];
            s[1] += a[i + 1] * b[c][i + 1];
            s[2] += a[i + 2] * b[c][i + 2];
            s[3] += a[i + 3] * b[c][i + 3];
        }
        out[c] = (s[0] + s[1]) + (s[2] + s[3]);
    }
#endif
}

MK_INLINE void
dot4_i32_body(int64_t out[4], const int32_t *a, const int32_t *const b[4],
              size_t n)
{
#ifdef MK_VEC
    mk_v8i s0 = {0, 0, 0, 0, 0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    size_t i;
    int32_t l[8];
    int c, m;
    for (i = 0; i < n; i += 8) {
        mk_v8i va, v0, v1, v2, v3;
        memcpy(&va, a + i, sizeof va);
        memcpy(&v0, b[0] + i, sizeof v0);
        memcpy(&v1, b[1] + i, sizeof v1);
        memcpy(&v2, b[2] + i, sizeof v2);
        memcpy(&v3, b[3] + i, sizeof v3);
        s0 += va * v0;
        s1 += va * v1;
        s2 += va * v2;
        s3 += va * v3;
    }
    for (c = 0; c < 4; c++) {
        const mk_v8i *s = c == 0 ? &s0 : c == 1 ? &s1 : c == 2 ? &s2 : &s3;
        int64_t t = 0;
        memcpy(l, s, sizeof l);
        for (m = 0; m < 8; m++)
            t += l[m];
        out[c] = t;
    }
#else
    size_t i, c;
    for (c = 0; c < 4; c++) {
        int64_t t = 0;
        for (i = 0; i < n; i++)
            t += (int64_t)a[i] * b[c][i];
        out[c] = t;
    }
#endif
}

/*
 * Upper triangle of A' B for k columns of length n (column j of A at
 * A + j*ld): out[j*k + l] for j <= l. A and B may be the same.
 */
MK_INLINE void
cross_f64_body(double *out, const double *A, const double *B, size_t k,
               size_t ld, size_t n)
{
    size_t j, l, c;
    for (j = 0; j < k; j++)
        for (l = j; l < k; l += 4) {
            const double *b[4];
            double r[4];
            for (c = 0; c < 4; c++)
                b[c] = B + (l + c < k ? l + c : l) * ld;
            dot4_f64_body(r, A + j * ld, b, n);
            for (c = 0; c < 4 && l + c < k; c++)
                out[j * k + l + c] = r[c];
        }
}

/* Sum of n8 (a multiple of 8) values in 0..254: int32 lanes cannot wrap
 * for n8 <= 2^23. */
MK_INLINE int64_t
sum_small(const int32_t *x, size_t n8)
{
    size_t r;
    int64_t t = 0;
#ifdef MK_VEC
    mk_v8i acc = {0, 0, 0, 0, 0, 0, 0, 0};
    int32_t l[8];
    int c;
    for (r = 0; r < n8; r += 8) {
        mk_v8i v;
        memcpy(&v, x + r, sizeof v);
        acc += v;
    }
    memcpy(l, &acc, sizeof l);
    for (c = 0; c < 8; c++)
        t += l[c];
#else
    for (r = 0; r < n8; r++)
        t += x[r];
#endif
    return t;
}

MK_INLINE void
cross_i32_body(int64_t *out, int64_t *sums, const int32_t *X, size_t k,
               size_t ld, size_t n)
{
    size_t j, l, c;
    for (j = 0; j < k; j++)
        sums[j] = sum_small(X + j * ld, n);
    for (j = 0; j < k; j++)
        for (l = j; l < k; l += 4) {
            const int32_t *b[4];
            int64_t r[4];
            for (c = 0; c < 4; c++)
                b[c] = X + (l + c < k ? l + c : l) * ld;
            dot4_i32_body(r, X + j * ld, b, n);
            for (c = 0; c < 4 && l + c < k; c++)
                out[j * k + l + c] = r[c];
        }
}

static void
cross_f64_generic(double *out, const double *A, const double *B, size_t k,
                  size_t ld, size_t n)
{
    cross_f64_body(out, A, B, k, ld, n);
}

static void
cross_i32_generic(int64_t *out, int64_t *sums, const int32_t *X, size_t k,
                  size_t ld, size_t n)
{
    cross_i32_body(out, sums, X, k, ld, n);
}

#ifdef MK_X86
__attribute__((target("avx2"))) static void
cross_f64_avx2(double *out, const double *A, const double *B, size_t k,
               size_t ld, size_t n)
{
    cross_f64_body(out, A, B, k, ld, n);
}

__attribute__((target("avx2"))) static void
cross_i32_avx2(int64_t *out, int64_t *sums, const int32_t *X, size_t k,
               size_t ld, size_t n)
{
    cross_i32_body(out, sums, X, k, ld, n);
}
#endif

static void
cross_f64(double *out, const double *A, const double *B, size_t k, size_t ld,
          size_t n)
{
#ifdef MK_X86
    if (__builtin_cpu_supports("avx2")) {
        cross_f64_avx2(out, A, B, k, ld, n);
        return;
    }
#endif
    cross_f64_generic(out, A, B, k, ld, n);
}

/* Products of 0..254 values: a lane gains at most 254^2 per step, so
 * n/8 <= 4096 steps cannot wrap an int32 lane. */
static void
cross_i32(int64_t *out, int64_t *sums, const int32_t *X, size_t k, size_t ld,
          size_t n)
{
#ifdef MK_X86
    if (__builtin_cpu_supports("avx2")) {
        cross_i32_avx2(out, sums, X, k, ld, n);
        return;
    }
#endif
    cross_i32_generic(out, sums, X, k, ld, n);
}

/* ---------------------------------------------------------------- */
/* Double mode, complete rows. */

void
loy__mk_f64(double *state, uint64_t *cnt, const loy__mblock *b)
{
    size_t k = b->k, ld = b->ld, nb = b->nb, n8 = (nb + 7u) & ~(size_t)7u;
    size_t j, l, r;
    double *Xc = b->work, *WX = Xc + k * ld, *mb = WX + k * ld;
    double *Cb = mb + k, *dv = Cb + k * k;
    double Wb = 0.0, Wa = state[0], W, f;
    uint64_t count = 0;
    const double *w = b->w;
    double *mean = state + 1, *C = state + 1 + k;
    if (w == NULL) {
        Wb = (double)nb;
        count = nb;
    } else {
        for (r = 0; r < nb; r++) {
            Wb += w[r];
            count += w[r] > 0.0;
        }
    }
    if (!(Wb > 0.0))
        return;
    /* Block means, centred columns (zero padding up to n8); the residual
     * sum after centring corrects the mean (a second pass). */
    for (j = 0; j < k; j++) {
        const double *x = b->X + j * ld;
        double *xc = Xc + j * ld, m, s2;
        if (w == NULL) {
            m = loy__vsum(x, nb) / Wb;
            loy__vcenter(xc, x, m, nb, n8);
            s2 = loy__vsum(xc, nb);
        } else {
            const double *xx[1];
            double s;
            xx[0] = x;
            loy__dots(&s, w, xx, 1, nb);
            m = s / Wb;
            loy__vcenter(xc, x, m, nb, n8);
            xx[0] = xc;
            loy__dots(&s2, w, xx, 1, nb);
        }
        mb[j] = m + s2 / Wb;
        dv[j] = s2;
    }
    if (w != NULL) {
        for (j = 0; j < k; j++) {
            loy__vmul(WX + j * ld, w, Xc + j * ld, nb);
            for (r = nb; r < n8; r++)
                WX[j * ld + r] = 0.0;
        }
        cross_f64(Cb, WX, Xc, k, ld, n8);
    } else {
        cross_f64(Cb, Xc, Xc, k, ld, n8);
    }
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++)
            Cb[j * k + l] -= dv[j] * dv[l] / Wb;
    cnt[0] += count;
    /* Chan, Golub and LeVeque merge; the empty state is the identity. */
    if (!(Wa > 0.0)) {
        state[0] = Wb;
        for (j = 0; j < k; j++) {
            mean[j] = mb[j];
            for (l = j; l < k; l++)
                C[loy__pidx(k, j, l)] = Cb[j * k + l];
        }
        return;
    }
    W = Wa + Wb;
    f = Wa * Wb / W;
    for (j = 0; j < k; j++)
        dv[j] = mb[j] - mean[j];
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++)
            C[loy__pidx(k, j, l)] += Cb[j * k + l] + f * dv[j] * dv[l];
    for (j = 0; j < k; j++)
        mean[j] += (Wb / W) * dv[j];
    state[0] = W;
}

/* ---------------------------------------------------------------- */
/* Integer mode. */

static int
add_ovf(int64_t a, int64_t b, int64_t *r)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_add_overflow(a, b, r);
#else
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return 1;
    *r = a + b;
    return 0;
#endif
}

static int
mul_ovf(int64_t a, int64_t b, int64_t *r)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_mul_overflow(a, b, r);
#else
    if (a != 0 && (b > INT64_MAX / (a < 0 ? -a : a)
                   || b < -(INT64_MAX / (a < 0 ? -a : a)))) /* conservative */
        return 1;
    *r = a * b;
    return 0;
#endif
}

/* Add m block sums into state entries, all or none. */
static int
commit(int64_t *dst, const int64_t *src, size_t m)
{
    size_t i;
    int64_t tmp;
    for (i = 0; i < m; i++)
        if (add_ovf(dst[i], src[i], &tmp))
            return LOY_EOVERFLOW;
    for (i = 0; i < m; i++)
        dst[i] += src[i];
    return LOY_OK;
}

/* Largest possible |partial sum| of w z_j z_l over the block, as a
 * double (exact enough to decide < 2^62). */
static double
int_bound(const loy__mblock *b)
{
    size_t r, j;
    double bound = 0.0;
    for (r = 0; r < b->nb; r++) {
        double m = 1.0;
        for (j = 0; j < b->k; j++) {
            int32_t v = b->Xi[j * b->ld + r];
            double a = v == LOY__MISSING_I32 ? 0.0 : fabs((double)v);
            m = a > m ? a : m;
        }
        bound += (b->w != NULL ? b->w[r] : 1.0) * m * m;
    }
    return bound;
}

/*
 * Block sums S0, S1[k], S2 (upper triangle, k x k) into `sums`
 * (1 + k + k*k int64). `checked` selects overflow-checked arithmetic.
 */
static int
int_sums(int64_t *sums, const loy__mblock *b, int checked)
{
    size_t k = b->k, ld = b->ld, nb = b->nb, j, l, r;
    int64_t *S1 = sums + 1, *S2 = sums + 1 + k;
    memset(sums, 0, (1u + k + k * k) * sizeof *sums);
    for (r = 0; r < nb; r++) {
        int64_t w = b->w != NULL ? (int64_t)b->w[r] : 1;
        if (w == 0)
            continue;
        sums[0] += w;
        for (j = 0; j < k; j++) {
            int64_t wx = w * b->Xi[j * ld + r], t;
            if (checked) {
                if (add_ovf(S1[j], wx, &t))
                    return LOY_EOVERFLOW;
                S1[j] = t;
                for (l = j; l < k; l++) {
                    int64_t p;
                    if (mul_ovf(wx, b->Xi[l * ld + r], &p)
                        || add_ovf(S2[j * k + l], p, &t))
                        return LOY_EOVERFLOW;
                    S2[j * k + l] = t;
                }
            } else {
                S1[j] += wx;
                for (l = j; l < k; l++)
                    S2[j * k + l] += wx * b->Xi[l * ld + r];
            }
        }
    }
    return LOY_OK;
}

/* Fast path: unit weights, every value in 0..254. */
static void
int_sums_small(int64_t *sums, const loy__mblock *b)
{
    size_t k = b->k, ld = b->ld, nb = b->nb, n8 = (nb + 7u) & ~(size_t)7u;
    size_t j, r;
    int32_t *X = b->Xi;
    sums[0] = (int64_t)nb;
    for (j = 0; j < k; j++)
        for (r = nb; r < n8; r++)
            X[j * ld + r] = 0; /* padding beyond nb is scratch */
    cross_i32(sums + 1 + k, sums + 1, X, k, ld, n8);
}

int
loy__mk_int(int64_t *state, uint64_t *cnt, const loy__mblock *b)
{
    size_t k = b->k, j, l;
    int64_t *sums = (int64_t *)(void *)b->work;
    int64_t *packed = sums + 1 + k + k * k;
    uint64_t count = b->nb;
    if (b->small) {
        int_sums_small(sums, b);
    } else {
        size_t r;
        LOY__TRY(int_sums(sums, b, int_bound(b) >= 0x1p62));
        if (b->w != NULL)
            for (count = 0, r = 0; r < b->nb; r++)
                count += b->w[r] > 0.0;
    }
    if (count == 0u)
        return LOY_OK;
    /* pack S2's upper triangle in the state's order */
    packed[0] = sums[0];
    for (j = 0; j < k; j++)
        packed[1 + j] = sums[1 + j];
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++)
            packed[1 + k + loy__pidx(k, j, l)] = sums[1 + k + j * k + l];
    LOY__TRY(commit(state, packed, 1u + k + k * (k + 1u) / 2u));
    cnt[0] += count;
    return LOY_OK;
}

/* ---------------------------------------------------------------- */
/* Pairwise mode. */

void
loy__mk_pair_f64(double *state, uint64_t *cnt, const loy__mblock *b)
{
    size_t k = b->k, ld = b->ld, nb = b->nb, np = k * (k + 1u) / 2u;
    size_t j, l, r, q = 0;
    uint64_t rows = 0;
    for (r = 0; r < nb; r++)
        rows += b->w == NULL || b->w[r] > 0.0;
    cnt[0] += rows;
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++, q++) {
            const double *xa = b->X + j * ld, *xb = b->X + l * ld;
            double W = 0.0, sa = 0.0, sb = 0.0, ma, mb, caa = 0, cbb = 0;
            double cab = 0, Wa, Wt, f, da, db;
            uint64_t c = 0;
            for (r = 0; r < nb; r++) {
                double w = b->w != NULL ? b->w[r] : 1.0;
                if (xa[r] != xa[r] || xb[r] != xb[r] || !(w > 0.0))
                    continue;
                W += w;
                sa += w * xa[r];
                sb += w * xb[r];
                c++;
            }
            if (c == 0u)
                continue;
            ma = sa / W;
            mb = sb / W;
            for (r = 0; r < nb; r++) {
                double w = b->w != NULL ? b->w[r] : 1.0, ea, eb;
                if (xa[r] != xa[r] || xb[r] != xb[r] || !(w > 0.0))
                    continue;
                ea = xa[r] - ma;
                eb = xb[r] - mb;
                caa += w * ea * ea;
                cbb += w * eb * eb;
                cab += w * ea * eb;
            }
            cnt[1 + q] += c;
            Wa = state[q];
            if (!(Wa > 0.0)) {
                state[q] = W;
                state[np + q] = ma;
                state[2 * np + q] = mb;
                state[3 * np + q] = caa;
                state[4 * np + q] = cbb;
                state[5 * np + q] = cab;
                continue;
            }
            Wt = Wa + W;
            f = Wa * W / Wt;
            da = ma - state[np + q];
            db = mb - state[2 * np + q];
            state[3 * np + q] += caa + f * da * da;
            state[4 * np + q] += cbb + f * db * db;
            state[5 * np + q] += cab + f * da * db;
            state[np + q] += (W / Wt) * da;
            state[2 * np + q] += (W / Wt) * db;
            state[q] = Wt;
        }
}

int
loy__mk_pair_int(int64_t *state, uint64_t *cnt, const loy__mblock *b)
{
    size_t k = b->k, ld = b->ld, nb = b->nb, np = k * (k + 1u) / 2u;
    size_t j, l, r, q = 0, f;
    int64_t *sums = (int64_t *)(void *)b->work; /* 6 * np */
    uint64_t *pc = (uint64_t *)(void *)(sums + 6 * np);
    int checked = int_bound(b) >= 0x1p62;
    uint64_t rows = 0;
    memset(sums, 0, 6 * np * sizeof *sums);
    for (r = 0; r < nb; r++)
        rows += b->w == NULL || b->w[r] > 0.0;
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++, q++) {
            const int32_t *xa = b->Xi + j * ld, *xb = b->Xi + l * ld;
            int64_t s[6] = {0, 0, 0, 0, 0, 0};
            uint64_t c = 0;
            for (r = 0; r < nb; r++) {
                int64_t w = b->w != NULL ? (int64_t)b->w[r] : 1;
                int64_t va = xa[r], vb = xb[r];
                if (xa[r] == LOY__MISSING_I32 || xb[r] == LOY__MISSING_I32
                    || w == 0)
                    continue;
                c++;
                if (checked) {
                    int64_t t[6];
                    if (mul_ovf(w, va, &t[1]) || mul_ovf(w, vb, &t[2])
                        || mul_ovf(t[1], va, &t[3])
                        || mul_ovf(t[2], vb, &t[4])
                        || mul_ovf(t[1], vb, &t[5]))
                        return LOY_EOVERFLOW;
                    t[0] = w;
                    for (f = 0; f < 6; f++)
                        if (add_ovf(s[f], t[f], &s[f]))
                            return LOY_EOVERFLOW;
                } else {
                    s[0] += w;
                    s[1] += w * va;
                    s[2] += w * vb;
                    s[3] += w * va * va;
                    s[4] += w * vb * vb;
                    s[5] += w * va * vb;
                }
            }
            for (f = 0; f < 6; f++)
                sums[f * np + q] = s[f];
            pc[q] = c;
        }
    LOY__TRY(commit(state, sums, 6 * np));
    cnt[0] += rows;
    for (q = 0; q < np; q++)
        cnt[1 + q] += pc[q];
    return LOY_OK;
}

/* ---------------------------------------------------------------- */

double
loy__int_comoment(int64_t S0, int64_t S2, int64_t S1a, int64_t S1b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef __int128 i128;
    i128 N = (i128)S0 * S2 - (i128)S1a * S1b;
    return (double)N;
#else
    /* Without a 128-bit type: long double products. Exact where long
     * double has a 64-bit significand (x87) and S0 S2 < 2^64; otherwise
     * rounded, but the same bits for the same tally on one platform. */
    long double a = (long double)S0 * (long double)S2;
    long double c = (long double)S1a * (long double)S1b;
    return (double)(a - c);
#endif
}
