/* SPDX-License-Identifier: MIT */
/*
 * drv_sample.c - LMG above the exact limit: permutation sampling of the
 * Shapley value (Castro, Gomez and Tejada 2009), with antithetic pairs.
 *
 * M orders are drawn by a seeded Fisher-Yates shuffle (splitmix64); each
 * is walked together with its reverse. A walk sweeps the players out of
 * the correlation matrix in order and credits each increment of R² to the
 * player just added, so one order's credits sum to R² exactly. The
 * estimate is the mean over the 2M walks; its Monte Carlo standard error
 * is the SD of the M pair means over sqrt(M).
 */
#include "drivers/drivers_internal.h"

#include <stdlib.h>

static uint64_t
next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [0, n): multiply-shift; bias below n / 2^64. */
static size_t
below(uint64_t *s, size_t n)
{
    uint64_t r = next64(s);
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    return (size_t)(((u128)r * (u128)n) >> 64);
#else
    return (size_t)(r % (uint64_t)n);
#endif
}

typedef struct walk_ws {
    double *M;      /* q x q working copy */
    size_t *idx;    /* active matrix indices */
    size_t *order;  /* g */
    double *cred;   /* g */
} walk_ws;

/* Credits of one order of the players. */
static void
walk(const loy__drv_prob *pr, walk_ws *w, const size_t *order, int reverse)
{
    size_t q = pr->q, g = pr->g, step, ni, i, col;
    double prev = 0.0;
    memcpy(w->M, pr->R, q * q * sizeof *w->M);
    /* active: y and every driver column */
    for (i = 0; i < q; i++)
        w->idx[i] = i;
    ni = q;
    for (step = 0; step < g; step++) {
        size_t c = order[reverse ? g - 1u - step : step];
        size_t c0 = 1u + pr->off[c], c1 = 1u + pr->off[c + 1u];
        double cur;
        for (col = c0; col < c1; col++) {
            size_t a, keep = 0;
            for (a = 0; a < ni; a++) /* drop col from the active list */
                if (w->idx[a] != col)
                    w->idx[keep++] = w->idx[a];
            ni = keep;
            loy__drv_sweep(w->M, q, col, w->idx, ni);
        }
        cur = 1.0 - w->M[0];
        w->cred[c] = pr->f * (cur - prev);
        prev = cur;
    }
}

int
loy__drv_sample(const loy__drv_prob *pr, uint64_t pairs, uint64_t seed,
                double *lmg, double *se)
{
    size_t g = pr->g, q = pr->q, i, j;
    uint64_t m, state = seed;
    walk_ws w;
    double *mean = calloc(g, sizeof *mean), *m2 = calloc(g, sizeof *m2);
    double *first = malloc(g * sizeof *first);
    w.M = malloc(q * q * sizeof *w.M);
    w.idx = malloc(q * sizeof *w.idx);
    w.order = malloc(g * sizeof *w.order);
    w.cred = malloc(g * sizeof *w.cred);
    if (!mean || !m2 || !first || !w.M || !w.idx || !w.order || !w.cred) {
        free(mean), free(m2), free(first);
        free(w.M), free(w.idx), free(w.order), free(w.cred);
        return LOY_ENOMEM;
    }
    for (i = 0; i < g; i++)
        w.order[i] = i;
    for (m = 0; m < pairs; m++) {
        for (i = g; i > 1u; i--) { /* Fisher-Yates */
            size_t r = below(&state, i), t = w.order[i - 1u];
            w.order[i - 1u] = w.order[r];
            w.order[r] = t;
        }
        walk(pr, &w, w.order, 0);
        memcpy(first, w.cred, g * sizeof *first);
        walk(pr, &w, w.order, 1);
        for (j = 0; j < g; j++) { /* Welford on the pair means */
            double x = 0.5 * (first[j] + w.cred[j]);
            double d = x - mean[j];
            mean[j] += d / (double)(m + 1u);
            m2[j] += d * (x - mean[j]);
        }
    }
    for (j = 0; j < g; j++) {
        lmg[j] = mean[j];
        se[j] = pairs > 1u ? sqrt(m2[j] / (double)(pairs - 1u) / (double)pairs)
                           : 0.0;
    }
    free(mean), free(m2), free(first);
    free(w.M), free(w.idx), free(w.order), free(w.cred);
    return LOY_OK;
}
