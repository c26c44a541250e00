/* SPDX-License-Identifier: MIT */
/*
 * multiplicity.c - the Benjamini-Hochberg step-up procedure in O(n),
 * without sorting the p-values.
 *
 * BH at rate q finds k* = max{k : p_(k) <= k q / n}. Since p_(k) <= t
 * exactly when at least k p-values are <= t, k* is also the largest k with
 * C(k) >= k, where C(k) counts the p-values <= k q / n. Each p-value
 * enters C from k_i = ceil(p_i n / q) on, so one pass fills a histogram of
 * k_i and a cumulative scan finds k* (Jones, Ohlssen and Spiegelhalter
 * 2008 draw the resulting FDR line on funnels). The discoveries are the
 * p-values <= p_(k*), i.e. those with k_i <= k*.
 */
#include "consistency/consistency_internal.h"

/* Smallest k >= 1 with p <= k q / n, or n + 1 if p > q. The comparison is
 * the defining one, so rounding in p n / q cannot move a p-value across
 * a threshold. */
static size_t
entry_rank(double p, size_t n, double q)
{
    double t = ceil(p * (double)n / q);
    size_t k;
    if (!(t <= (double)n))
        return p <= q ? n : n + 1;
    k = t < 1.0 ? 1u : (size_t)t;
    if (k > 1 && p <= (double)(k - 1) * q / (double)n)
        k--;
    else if (p > (double)k * q / (double)n)
        k++;
    return k;
}

size_t
loy__bh_kstar(const double *p, size_t n, double q, double *p_star,
              size_t *work)
{
    size_t i, k, c = 0, kstar = 0;
    double best = 0.0;
    memset(work, 0, (n + 1) * sizeof *work);
    for (i = 0; i < n; i++) {
        size_t r = entry_rank(p[i], n, q);
        if (r <= n)
            work[r]++;
    }
    for (k = 1; k <= n; k++) {
        c += work[k];
        if (c >= k)
            kstar = k;
    }
    for (i = 0; i < n && kstar > 0; i++)
        if (entry_rank(p[i], n, q) <= kstar && p[i] > best)
            best = p[i];
    *p_star = best;
    return kstar;
}
