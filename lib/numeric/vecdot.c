/* SPDX-License-Identifier: MIT */
/*
 * vecdot.c - multi-vector dot products with run-time AVX2 dispatch.
 *
 * Why not let the compiler vectorise: without -ffast-math it may not
 * reorder a floating-point sum, so a plain loop stays scalar. Here the
 * order is explicit and identical on every path (baseline, AVX2,
 * AVX-512): see dots_k.
 */
#include "numeric/vecdot.h"

#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define VD_VEC 1
#define VD_INLINE static inline __attribute__((always_inline))
#if defined(__x86_64__) || defined(__i386__)
#define VD_X86 1
#endif
typedef double vd_v4 __attribute__((vector_size(32)));
typedef int32_t vd_i8 __attribute__((vector_size(32)));
typedef int64_t vd_l4 __attribute__((vector_size(32)));
#else
#define VD_INLINE static inline
#endif

/*
 * Up to four dot products with a (nb is a constant at every call, so the
 * accumulators stay in registers). Elements are taken eight at a time into
 * two four-lane accumulators (lo: i..i+3, hi: i+4..i+7), then one more
 * group of four into lo, then the tail; result ((v0 + v1) + (v2 + v3)) +
 * tail with v = lo + hi. The AVX-512 body below keeps lo and hi in one
 * eight-lane register: the same operations, the same bits.
 */
VD_INLINE void
dots_k(double *out, const double *a, const double *const *b, size_t n,
       size_t nb)
{
    size_t i = 0, c, n8 = n & ~(size_t)7;
    double l[4], tail[4] = {0, 0, 0, 0};
#ifdef VD_VEC
    vd_v4 lo[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    vd_v4 hi[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    for (; i < n8; i += 8) {
        vd_v4 a0, a1;
        memcpy(&a0, a + i, sizeof a0);
        memcpy(&a1, a + i + 4, sizeof a1);
        for (c = 0; c < nb; c++) {
            vd_v4 b0, b1;
            memcpy(&b0, b[c] + i, sizeof b0);
            memcpy(&b1, b[c] + i + 4, sizeof b1);
            lo[c] += a0 * b0;
            hi[c] += a1 * b1;
        }
    }
    if (n - i >= 4) {
        vd_v4 a0;
        memcpy(&a0, a + i, sizeof a0);
        for (c = 0; c < nb; c++) {
            vd_v4 b0;
            memcpy(&b0, b[c] + i, sizeof b0);
            lo[c] += a0 * b0;
        }
        i += 4;
    }
    for (c = 0; c < nb; c++)
        lo[c] += hi[c];
#else
    double lo[4][4] = {{0}}, hi[4][4] = {{0}};
    size_t e;
    for (; i < n8; i += 8)
        for (c = 0; c < nb; c++)
            for (e = 0; e < 4; e++) {
                lo[c][e] += a[i + e] * b[c][i + e];
                hi[c][e] += a[i + 4 + e] * b[c][i + 4 + e];
            }
    if (n - i >= 4) {
        for (c = 0; c < nb; c++)
            for (e = 0; e < 4; e++)
                lo[c][e] += a[i + e] * b[c][i + e];
        i += 4;
    }
    for (c = 0; c < nb; c++)
        for (e = 0; e < 4; e++)
            lo[c][e] += hi[c][e];
#endif
    for (; i < n; i++)
        for (c = 0; c < nb; c++)
            tail[c] += a[i] * b[c][i];
    for (c = 0; c < nb; c++) {
        memcpy(l, &lo[c], sizeof l);
        out[c] = ((l[0] + l[1]) + (l[2] + l[3])) + tail[c];
    }
}

VD_INLINE void
dots_body(double *out, const double *a, const double *const *b, size_t nb,
          size_t n)
{
    size_t c;
    for (c = 0; c + 4u <= nb; c += 4)
        dots_k(out + c, a, b + c, n, 4);
    switch (nb - c) {
    case 3:
        dots_k(out + c, a, b + c, n, 3);
        break;
    case 2:
        dots_k(out + c, a, b + c, n, 2);
        break;
    case 1:
        dots_k(out + c, a, b + c, n, 1);
        break;
    default:
        break;
    }
}

#ifdef VD_X86
typedef double vd_v8 __attribute__((vector_size(64)));

/* dots_k with lo and hi as the halves of one eight-lane register. */
VD_INLINE void
dots_k512(double *out, const double *a, const double *const *b, size_t n,
          size_t nb)
{
    size_t i = 0, c, n8 = n & ~(size_t)7;
    double l[8], tail[4] = {0, 0, 0, 0};
    vd_v8 s[4] = {{0}, {0}, {0}, {0}};
    vd_v4 lo[4];
    for (; i < n8; i += 8) {
        vd_v8 a8;
        memcpy(&a8, a + i, sizeof a8);
        for (c = 0; c < nb; c++) {
            vd_v8 b8;
            memcpy(&b8, b[c] + i, sizeof b8);
            s[c] += a8 * b8;
        }
    }
    for (c = 0; c < nb; c++) {
        vd_v4 h;
        memcpy(&lo[c], &s[c], sizeof lo[c]);
        memcpy(&h, (const char *)&s[c] + sizeof h, sizeof h);
        if (n - i >= 4) {
            vd_v4 a0, b0;
            memcpy(&a0, a + i, sizeof a0);
            memcpy(&b0, b[c] + i, sizeof b0);
            lo[c] += a0 * b0;
        }
        lo[c] += h;
    }
    if (n - i >= 4)
        i += 4;
    for (; i < n; i++)
        for (c = 0; c < nb; c++)
            tail[c] += a[i] * b[c][i];
    for (c = 0; c < nb; c++) {
        memcpy(l, &lo[c], 4 * sizeof *l);
        out[c] = ((l[0] + l[1]) + (l[2] + l[3])) + tail[c];
    }
}

__attribute__((target("avx512f"))) static void
dots_avx512(double *out, const double *a, const double *const *b, size_t nb,
            size_t n)
{
    size_t c;
    for (c = 0; c + 4u <= nb; c += 4)
        dots_k512(out + c, a, b + c, n, 4);
    switch (nb - c) {
    case 3:
        dots_k512(out + c, a, b + c, n, 3);
        break;
    case 2:
        dots_k512(out + c, a, b + c, n, 2);
        break;
    case 1:
        dots_k512(out + c, a, b + c, n, 1);
        break;
    default:
        break;
    }
}
#endif

static void
dots_generic(double *out, const double *a, const double *const *b, size_t nb,
             size_t n)
{
    dots_body(out, a, b, nb, n);
}

#ifdef VD_X86
__attribute__((target("avx2"))) static void
dots_avx2(double *out, const double *a, const double *const *b, size_t nb,
          size_t n)
{
    dots_body(out, a, b, nb, n);
}
#endif

void
loy__dots(double *out, const double *a, const double *const *b, size_t nb,
          size_t n)
{
#ifdef VD_X86
    if (__builtin_cpu_supports("avx512f")) {
        dots_avx512(out, a, b, nb, n);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        dots_avx2(out, a, b, nb, n);
        return;
    }
#endif
    dots_generic(out, a, b, nb, n);
}

/* The remaining helpers: element-wise loops whose vectorisation GCC's -O2
 * cost model skips (they need an epilogue), written with explicit vectors
 * and the same run-time AVX2 dispatch. Results do not depend on the path:
 * the sums keep the lane order of dots4 and the maps are exact per lane. */

VD_INLINE double
vsum_body(const double *a, size_t n)
{
    size_t i, n4 = n & ~(size_t)3;
    double l[4], t = 0.0;
#ifdef VD_VEC
    vd_v4 s = {0, 0, 0, 0};
    for (i = 0; i < n4; i += 4) {
        vd_v4 v;
        memcpy(&v, a + i, sizeof v);
        s += v;
    }
    memcpy(l, &s, sizeof l);
#else
    l[0] = l[1] = l[2] = l[3] = 0.0;
    for (i = 0; i < n4; i += 4) {
        l[0] += a[i];
        l[1] += a[i + 1];
        l[2] += a[i + 2];
        l[3] += a[i + 3];
    }
#endif
    for (; i < n; i++)
        t += a[i];
    return ((l[0] + l[1]) + (l[2] + l[3])) + t;
}

VD_INLINE void
vcenter_body(double *out, const double *in, double m, size_t n, size_t n8)
{
    size_t i = 0;
#ifdef VD_VEC
    vd_v4 mv = {m, m, m, m};
    for (; i + 4u <= n; i += 4) {
        vd_v4 v;
        memcpy(&v, in + i, sizeof v);
        v -= mv;
        memcpy(out + i, &v, sizeof v);
    }
#endif
    for (; i < n; i++)
        out[i] = in[i] - m;
    for (; i < n8; i++)
        out[i] = 0.0;
}

VD_INLINE void
vmul_body(double *out, const double *a, const double *b, size_t n)
{
    size_t i = 0;
#ifdef VD_VEC
    for (; i + 4u <= n; i += 4) {
        vd_v4 x, y;
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        x *= y;
        memcpy(out + i, &x, sizeof x);
    }
#endif
    for (; i < n; i++)
        out[i] = a[i] * b[i];
}

VD_INLINE void
minmax_body(const int32_t *x, size_t n, int32_t *mn, int32_t *mx)
{
    size_t i = 0;
    int32_t a = x[0], b = x[0];
#ifdef VD_VEC
    if (n >= 8u) {
        vd_i8 lo, hi;
        int32_t l[8], h[8];
        int c;
        memcpy(&lo, x, sizeof lo);
        hi = lo;
        for (i = 8; i + 8u <= n; i += 8) {
            vd_i8 v, lt, gt;
            memcpy(&v, x + i, sizeof v);
            lt = v < lo; /* lanes of -1 or 0 */
            gt = v > hi;
            lo = (v & lt) | (lo & ~lt);
            hi = (v & gt) | (hi & ~gt);
        }
        memcpy(l, &lo, sizeof l);
        memcpy(h, &hi, sizeof h);
        for (c = 0; c < 8; c++) {
            a = l[c] < a ? l[c] : a;
            b = h[c] > b ? h[c] : b;
        }
    }
#endif
    for (; i < n; i++) {
        a = x[i] < a ? x[i] : a;
        b = x[i] > b ? x[i] : b;
    }
    *mn = a;
    *mx = b;
}

VD_INLINE int
inrange_body(const double *x, size_t n, double lo, double hi)
{
    size_t i = 0;
    int ok = 1;
#ifdef VD_VEC
    vd_v4 lv = {lo, lo, lo, lo}, hv = {hi, hi, hi, hi};
    vd_l4 acc = {-1, -1, -1, -1};
    int64_t l[4];
    for (; i + 4u <= n; i += 4) {
        vd_v4 v;
        memcpy(&v, x + i, sizeof v);
        acc &= (v >= lv) & (v <= hv); /* NaN compares false */
    }
    memcpy(l, &acc, sizeof l);
    ok = (l[0] & l[1] & l[2] & l[3]) != 0;
#endif
    for (; i < n; i++)
        ok &= x[i] >= lo && x[i] <= hi;
    return ok;
}

#ifdef VD_X86
#define VD_AVX2 __attribute__((target("avx2")))
#define VD_HAVE_AVX2() __builtin_cpu_supports("avx2")
#else
#define VD_AVX2
#define VD_HAVE_AVX2() 0
#endif

static double vsum_generic(const double *a, size_t n) { return vsum_body(a, n); }
static VD_AVX2 double vsum_avx2(const double *a, size_t n) { return vsum_body(a, n); }

double
loy__vsum(const double *a, size_t n)
{
    return VD_HAVE_AVX2() ? vsum_avx2(a, n) : vsum_generic(a, n);
}

static void
vcenter_generic(double *o, const double *in, double m, size_t n, size_t n8)
{
    vcenter_body(o, in, m, n, n8);
}

static VD_AVX2 void
vcenter_avx2(double *o, const double *in, double m, size_t n, size_t n8)
{
    vcenter_body(o, in, m, n, n8);
}

void
loy__vcenter(double *out, const double *in, double m, size_t n, size_t n8)
{
    if (VD_HAVE_AVX2())
        vcenter_avx2(out, in, m, n, n8);
    else
        vcenter_generic(out, in, m, n, n8);
}

static void
vmul_generic(double *o, const double *a, const double *b, size_t n)
{
    vmul_body(o, a, b, n);
}

static VD_AVX2 void
vmul_avx2(double *o, const double *a, const double *b, size_t n)
{
    vmul_body(o, a, b, n);
}

void
loy__vmul(double *out, const double *a, const double *b, size_t n)
{
    if (VD_HAVE_AVX2())
        vmul_avx2(out, a, b, n);
    else
        vmul_generic(out, a, b, n);
}

static void
minmax_generic(const int32_t *x, size_t n, int32_t *mn, int32_t *mx)
{
    minmax_body(x, n, mn, mx);
}

static VD_AVX2 void
minmax_avx2(const int32_t *x, size_t n, int32_t *mn, int32_t *mx)
{
    minmax_body(x, n, mn, mx);
}

void
loy__minmax_i32(const int32_t *x, size_t n, int32_t *mn, int32_t *mx)
{
    if (VD_HAVE_AVX2())
        minmax_avx2(x, n, mn, mx);
    else
        minmax_generic(x, n, mn, mx);
}

static int
inrange_generic(const double *x, size_t n, double lo, double hi)
{
    return inrange_body(x, n, lo, hi);
}

static VD_AVX2 int
inrange_avx2(const double *x, size_t n, double lo, double hi)
{
    return inrange_body(x, n, lo, hi);
}

int
loy__inrange_f64(const double *x, size_t n, double lo, double hi)
{
    return VD_HAVE_AVX2() ? inrange_avx2(x, n, lo, hi)
                          : inrange_generic(x, n, lo, hi);
}
