/* SPDX-License-Identifier: MIT */
/*
 * vecdot.c - multi-vector dot products with run-time AVX2 dispatch.
 *
 * Why not let the compiler vectorise: without -ffast-math it may not
 * reorder a floating-point sum, so a plain loop stays scalar. Here the
 * order is explicit (lane l sums the elements i = l mod 4, lanes then
 * added as (l0 + l1) + (l2 + l3), the tail last), identical on every path.
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
#else
#define VD_INLINE static inline
#endif

/* Up to four dot products with a. */
VD_INLINE void
dots4(double *out, const double *a, const double *const *b, size_t nb,
      size_t n)
{
    size_t i, c, n4 = n & ~(size_t)3;
    double l[4], tail[4] = {0, 0, 0, 0};
#ifdef VD_VEC
    vd_v4 s[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    for (i = 0; i < n4; i += 4) {
        vd_v4 va;
        memcpy(&va, a + i, sizeof va);
        for (c = 0; c < nb; c++) {
            vd_v4 vb;
            memcpy(&vb, b[c] + i, sizeof vb);
            s[c] += va * vb;
        }
    }
#else
    double s[4][4] = {{0}};
    for (i = 0; i < n4; i += 4)
        for (c = 0; c < nb; c++) {
            s[c][0] += a[i] * b[c][i];
            s[c][1] += a[i + 1] * b[c][i + 1];
            s[c][2] += a[i + 2] * b[c][i + 2];
            s[c][3] += a[i + 3] * b[c][i + 3];
        }
#endif
    for (; i < n; i++)
        for (c = 0; c < nb; c++)
            tail[c] += a[i] * b[c][i];
    for (c = 0; c < nb; c++) {
        memcpy(l, &s[c], sizeof l);
        out[c] = ((l[0] + l[1]) + (l[2] + l[3])) + tail[c];
    }
}

VD_INLINE void
dots_body(double *out, const double *a, const double *const *b, size_t nb,
          size_t n)
{
    size_t c;
    for (c = 0; c < nb; c += 4)
        dots4(out + c, a, b + c, nb - c < 4 ? nb - c : 4, n);
}

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
    if (__builtin_cpu_supports("avx2")) {
        dots_avx2(out, a, b, nb, n);
        return;
    }
#endif
    dots_generic(out, a, b, nb, n);
}

double
loy__vsum(const double *a, size_t n)
{
    size_t i, n4 = n & ~(size_t)3;
    double s[4] = {0, 0, 0, 0}, t = 0.0;
    for (i = 0; i < n4; i += 4) {
        s[0] += a[i];
        s[1] += a[i + 1];
        s[2] += a[i + 2];
        s[3] += a[i + 3];
    }
    for (; i < n; i++)
        t += a[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + t;
}
