/* SPDX-License-Identifier: MIT */
/*
 * chart_runs.c - Anhoej's runs rules (Anhoej and Olesen 2014, PLoS ONE
 * 9(11):e113825; the qicharts2 implementation, after Schilling 2012 for
 * runs and Chen 2010 for crossings).
 *
 * Only useful points count: those with answers and off the centre line.
 * A run is a maximal block of useful points on one side; crossings = runs
 * - 1. A random series of n_u useful points has a longest run above
 * round(log2(n_u)) + 3, or fewer crossings than the 5% quantile of
 * Bin(n_u - 1, 1/2), rarely; either is a signal of a shift.
 *
 * The limits depend only on n_u, and n_u repeats from unit to unit, so
 * the binomial quantile is cached (no allocation: a small table on the
 * caller's stack).
 */
#include "consistency/chart_internal.h"

void
loy__runs_cache_init(loy__runs_cache *rc)
{
    size_t i;
    for (i = 0; i < sizeof rc->crossings / sizeof rc->crossings[0]; i++)
        rc->crossings[i] = -1;
}

size_t
loy__runs_longest_limit(size_t n_u)
{
    /* round(log2 n) without floating point: with L = floor(log2(n^2)),
     * log2 n lies in [L/2, (L+1)/2), so round(log2 n) = (L + 1) / 2
     * rounded down. log2 n is never k + 1/2 for whole n, so the rounding
     * mode does not matter. */
    uint64_t m;
    size_t l = 0;
    if (n_u == 0)
        return 3;
    if ((uint64_t)n_u > UINT32_MAX)
        return (size_t)floor(log2((double)n_u) + 0.5) + 3;
    m = (uint64_t)n_u * (uint64_t)n_u;
    while (m >>= 1)
        l++;
    return (l + 1) / 2 + 3;
}

/* Smallest c with P(Bin(m, 1/2) <= c) >= 0.05: the binomial terms
 * C(m, j) are summed with a running scale (they overflow for m > 1000),
 * and the comparison is made in logs: ln S + scale - m ln 2 >= ln 0.05. */
static size_t
qbinom05(size_t m)
{
    const double target = log(0.05) + (double)m * log(2.0);
    double term = 1.0, sum = 1.0, log_scale = 0.0;
    size_t j = 0;
    while (log(sum) + log_scale < target) {
        term *= (double)(m - j) / (double)(j + 1);
        sum += term;
        j++;
        if (sum > 1e250) {
            term /= 1e250;
            sum /= 1e250;
            log_scale += 575.64627324851142; /* ln 1e250 */
        }
    }
    return j;
}

size_t
loy__runs_crossings_limit(loy__runs_cache *rc, size_t n_u)
{
    size_t m = n_u > 0 ? n_u - 1 : 0;
    if (n_u < sizeof rc->crossings / sizeof rc->crossings[0]) {
        if (rc->crossings[n_u] < 0)
            rc->crossings[n_u] = (int16_t)qbinom05(m);
        return (size_t)rc->crossings[n_u];
    }
    return qbinom05(m);
}

/* Mark the points of runs longer than `limit` (codes of one unit). */
static void
mark_long_runs(uint32_t *codes, size_t n_periods, size_t limit)
{
    const uint32_t sides = LOY_SIGNAL_ABOVE | LOY_SIGNAL_BELOW;
    size_t t = 0;
    while (t < n_periods) {
        uint32_t side = codes[t] & sides;
        size_t start = t, len = 0, end;
        if (side == 0) {
            t++;
            continue;
        }
        /* Extend over points on the same side, skipping points that are
         * not useful (gaps, points on the line). */
        for (end = t; end < n_periods; end++) {
            uint32_t s = codes[end] & sides;
            if (s == 0)
                continue;
            if (s != side)
                break;
            len++;
        }
        if (len > limit)
            for (t = start; t < end; t++)
                if (codes[t] & side)
                    codes[t] |= LOY_SIGNAL_LONG_RUN;
        t = end;
    }
}

void
loy__runs_finish(loy__chart_unit *u, uint32_t *codes, size_t n_periods,
                 loy__runs_cache *rc)
{
    size_t lmax, cmin, crossings;
    if (!u->charted || u->n_useful == 0)
        return;
    lmax = loy__runs_longest_limit(u->n_useful);
    cmin = loy__runs_crossings_limit(rc, u->n_useful);
    crossings = u->runs - 1;
    if (u->longest > lmax) {
        u->flags |= LOY_CHART_LONG_RUN;
        if (codes != NULL)
            mark_long_runs(codes, n_periods, lmax);
    }
    if (crossings < cmin)
        u->flags |= LOY_CHART_FEW_CROSSINGS;
}
