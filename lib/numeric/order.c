/* SPDX-License-Identifier: MIT */
/*
 * order.c - selection of order statistics (Hoare's quickselect).
 *
 * The pivot is the median of three elements at pseudo-random positions
 * drawn from a fixed-seed splitmix64 sequence, so no input order (sorted,
 * reversed, organ-pipe) triggers the quadratic worst case in practice and
 * results are reproducible. Partitioning is three-way (Dijkstra), so runs
 * of equal values (many z-scores of 0) cost one pass.
 */
#include "numeric/order.h"
#include "numeric/splitmix.h"

static double
median3(double a, double b, double c)
{
    if (a < b) {
        if (b < c)
            return b;
        return a < c ? c : a;
    }
    if (a < c)
        return a;
    return b < c ? c : b;
}

static void
swap(double *v, size_t i, size_t j)
{
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
}

void
loy__select(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the k-th value lies in v[lo..hi-1] */
    uint64_t seed = 0x5DEECE66Dull;
    while (hi - lo > 1) {
        size_t m = hi - lo;
        double pivot = median3(v[lo + loy__splitmix64(&seed) % m],
                               v[lo + loy__splitmix64(&seed) % m],
                               v[lo + loy__splitmix64(&seed) % m]);
        /* Three-way partition: [lo, lt) < pivot, [lt, i) == pivot,
         * [gt, hi) > pivot. */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (v[i] < pivot)
                swap(v, lt++, i++);
            else if (v[i] > pivot)
                swap(v, i, --gt);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

double
loy__quantile7(double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t j = (size_t)floor(h);
    double lo, hi = 0.0, frac = h - (double)j;
    size_t i;
    if (j >= n - 1)
        j = n - 1;
    loy__select(v, n, j);
    lo = v[j];
    if (j + 1 >= n || frac == 0.0)
        return lo;
    /* After selection everything right of j is >= v[j]: the next order
     * statistic is their minimum. */
    hi = v[j + 1];
    for (i = j + 2; i < n; i++)
        if (v[i] < hi)
            hi = v[i];
    return lo + frac * (hi - lo);
}
