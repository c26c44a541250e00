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
            double *ar = a + r * n;
            const double *ac = a + col * n;
            if (f == 0.0)
                continue;
            for (j = col + 1; j < n; j++)
                ar[j] -= f * ac[j];
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
