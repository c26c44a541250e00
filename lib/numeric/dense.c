/* SPDX-License-Identifier: MIT */
/*
 * dense.c - Gaussian elimination with partial pivoting for the small
 * (tens to hundreds of unknowns) systems of the run-length integral
 * equations. Row-major, in place, no allocation.
 */
#include "numeric/dense.h"

/* Index of the largest |a[r][col]| for r >= col. */
static size_t
pivot_row(const double *a, size_t n, size_t col)
{
    size_t r, best = col;
    double big = fabs(a[col * n + col]);
    for (r = col + 1; r < n; r++) {
        double v = fabs(a[r * n + col]);
        if (v > big) {
            big = v;
            best = r;
        }
    }
    return best;
}

/* dst -= f src over m entries. The rows never overlap. Almost all the
 * work is here, so four entries go per step as a GCC/Clang vector (two
 * SSE2 registers on baseline x86-64); -O2 would not vectorise a loop of
 * unknown length. The arithmetic is the same per entry either way. */
#if defined(__GNUC__) || defined(__clang__)
typedef double loy__v4d __attribute__((vector_size(32)));

static void
row_update(double *restrict dst, const double *restrict src, double f,
           size_t m)
{
    const loy__v4d fv = {f, f, f, f};
    size_t j = 0;
    for (; j + 4 <= m; j += 4) {
        loy__v4d d, v;
        memcpy(&d, dst + j, sizeof d);
        memcpy(&v, src + j, sizeof v);
        d -= fv * v;
        memcpy(dst + j, &d, sizeof d);
    }
    for (; j < m; j++)
        dst[j] -= f * src[j];
}
#else
static void
row_update(double *restrict dst, const double *restrict src, double f,
           size_t m)
{
    size_t j;
    for (j = 0; j < m; j++)
        dst[j] -= f * src[j];
}
#endif

static void
swap_rows(double *a, double *b, size_t n, size_t r, size_t s)
{
    size_t j;
    double t;
    for (j = 0; j < n; j++) {
        t = a[r * n + j];
        a[r * n + j] = a[s * n + j];
        a[s * n + j] = t;
    }
    t = b[r];
    b[r] = b[s];
    b[s] = t;
}

int
loy__lu_solve(double *a, double *b, size_t n)
{
    size_t col, r, j;
    for (col = 0; col < n; col++) {
        size_t p = pivot_row(a, n, col);
        double piv;
        if (p != col)
            swap_rows(a, b, n, p, col);
        piv = a[col * n + col];
        if (!(piv != 0.0) || !loy__finite(piv))
            return LOY_EDEGENERATE;
        for (r = col + 1; r < n; r++) {
            double f = a[r * n + col] / piv;
            if (f == 0.0)
                continue;
            row_update(a + r * n + col + 1, a + col * n + col + 1, f,
                       n - col - 1);
            b[r] -= f * b[col];
        }
    }
    for (r = n; r-- > 0;) {
        double s = b[r];
        for (j = r + 1; j < n; j++)
            s -= a[r * n + j] * b[j];
        b[r] = s / a[r * n + r];
        if (!loy__finite(b[r]))
            return LOY_EDEGENERATE;
    }
    return LOY_OK;
}
