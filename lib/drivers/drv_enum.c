/* SPDX-License-Identifier: MIT */
/*
 * drv_enum.c - exact LMG and dominance by depth-first subset enumeration.
 *
 * R² of every subset without a solve per subset. A node of the search
 * tree is a subset S whose players were added in increasing order; it
 * keeps the Schur complement of the correlation matrix given S over y and
 * the players that may still be added (those after S's last player).
 * Adding player c is one sweep: M' = M - M[., c] M[c, .] / M[c, c]; then
 * R²(S + c) = 1 - M'[y, y]. A node with last player c updates a
 * (g - c)-sized matrix, so the whole enumeration costs about 1.5 * 2^g
 * multiply-adds for single-column players, O(2^g) rather than relaimpo's
 * O(2^g p^3) (one solve per subset). The stack holds one matrix per depth:
 * O(g q^2) doubles.
 *
 * LMG and the conditional dominance statistics need, per size t, the sum
 * of R² over the subsets of size t (T_t) and over those holding player i
 * (A_i,t): C_i^(s) = [A_i,s+1 - (T_s - A_i,s)] / binom(g-1, s) and LMG_i =
 * mean_s C_i^(s). Every subset holding i is reached through the node
 * where i was added, so A_i is the sum of that node's subtree sums by
 * size; subtree sums are added once per node into the parent's, which
 * also sums the 2^g values hierarchically (rounding grows with the depth,
 * not with 2^g).
 */
#include "drivers/drivers_internal.h"

#include <stdlib.h>

#if defined(__GNUC__) || defined(__clang__)
#define ENUM_INLINE static inline __attribute__((always_inline))
#else
#define ENUM_INLINE static inline
#endif

int
loy__dom_init(loy__dom *d, size_t g, size_t nv, int complete)
{
    size_t w = g + 1u;
    memset(d, 0, sizeof *d);
    d->g = g;
    d->nv = nv;
    d->A = calloc(nv * g * w, sizeof *d->A);
    d->loc = calloc(w * nv * w, sizeof *d->loc);
    d->T = d->loc; /* level 0 is the root: sums of all subsets by size */
    if (complete) {
        if (g >= 8u * sizeof(size_t) - 4u)
            return LOY_ENOMEM;
        d->table = calloc((size_t)1 << g, sizeof *d->table);
    }
    if (d->A == NULL || d->loc == NULL || (complete && d->table == NULL)) {
        loy__dom_free(d);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

void
loy__dom_free(loy__dom *d)
{
    free(d->A);
    free(d->loc);
    free(d->table);
    memset(d, 0, sizeof *d);
}

/* loc[level][v][t] */
static double *
loc_at(const loy__dom *d, size_t level, size_t v)
{
    size_t w = d->g + 1u;
    return d->loc + (level * d->nv + v) * w;
}

void
loy__dom_open(loy__dom *d, size_t depth, size_t c, const double *v)
{
    size_t vi, t, top = depth + (d->g - 1u - c);
    for (vi = 0; vi < d->nv; vi++) {
        double *L = loc_at(d, depth, vi);
        for (t = depth; t <= top; t++)
            L[t] = 0.0;
        L[depth] = v[vi];
    }
}

void
loy__dom_close(loy__dom *d, size_t depth, size_t c)
{
    size_t vi, t, w = d->g + 1u, top = depth + (d->g - 1u - c);
    for (vi = 0; vi < d->nv; vi++) {
        const double *L = loc_at(d, depth, vi);
        double *P = loc_at(d, depth - 1u, vi);
        double *A = d->A + (vi * d->g + c) * w;
        for (t = depth; t <= top; t++) {
            A[t] += L[t];
            P[t] += L[t];
        }
    }
}

void
loy__dom_leaf(loy__dom *d, size_t depth, size_t c, const double *v)
{
    size_t vi, w = d->g + 1u;
    for (vi = 0; vi < d->nv; vi++) {
        d->A[(vi * d->g + c) * w + depth] += v[vi];
        loc_at(d, depth - 1u, vi)[depth] += v[vi];
    }
}

void
loy__dom_finish(const loy__dom *d, size_t v, double *cond, double *lmg)
{
    size_t g = d->g, w = g + 1u, i, s;
    const double *T = loc_at(d, 0, v);
    for (i = 0; i < g; i++) {
        const double *A = d->A + (v * g + i) * w;
        double binom = 1.0, sum = 0.0;
        for (s = 0; s < g; s++) {
            double with = A[s + 1u];
            double without = s == 0u ? 0.0 : T[s] - A[s];
            double c = (with - without) / binom;
            if (cond != NULL)
                cond[i * g + s] = c;
            sum += c;
            binom = binom * (double)(g - 1u - s) / (double)(s + 1u);
        }
        lmg[i] = sum / (double)g;
    }
}

int
loy__dom_complete(const loy__dom *d, double *codes, double *share)
{
    size_t g = d->g, i, j, a, b;
    uint64_t *win = calloc(g * g, sizeof *win);
    size_t free_idx[64];
    uint64_t mask, total, nmask = (uint64_t)1 << g;
    if (win == NULL)
        return LOY_ENOMEM;
    for (mask = 0; mask < nmask; mask++) {
        size_t nf = 0;
        for (i = 0; i < g; i++)
            if (!(mask >> i & 1u))
                free_idx[nf++] = i;
        for (a = 0; a < nf; a++)
            for (b = a + 1u; b < nf; b++) {
                double va = d->table[mask | (uint64_t)1 << free_idx[a]];
                double vb = d->table[mask | (uint64_t)1 << free_idx[b]];
                if (va > vb)
                    win[free_idx[a] * g + free_idx[b]]++;
                else if (vb > va)
                    win[free_idx[b] * g + free_idx[a]]++;
            }
    }
    total = g >= 2u ? (uint64_t)1 << (g - 2u) : 1u;
    for (i = 0; i < g; i++)
        for (j = 0; j < g; j++) {
            if (i == j) {
                codes[i * g + j] = 0.5;
                share[i * g + j] = 0.5;
                continue;
            }
            share[i * g + j] = (double)win[i * g + j] / (double)total;
            codes[i * g + j] = win[i * g + j] == total
                                   ? 1.0
                                   : (win[j * g + i] == total ? 0.0 : 0.5);
        }
    free(win);
    return LOY_OK;
}

/* ---------------------------------------------------------------- */

typedef struct enum_ctx {
    const loy__drv_prob *pr;
    loy__dom *d;
    double *stack; /* (g + 1) matrices of q x q */
    size_t q;
} enum_ctx;

/*
 * N := sweep of column col out of M, over {0} and the indices after col
 * (lower triangles; entries elsewhere are not touched). N may be M.
 */
ENUM_INLINE void
sweep_into(double *N, const double *M, size_t q, size_t col)
{
    double inv = 1.0 / M[col * q + col], u0 = M[col * q], a0;
    size_t a, b;
    a0 = u0 * inv;
    N[0] = M[0] - u0 * a0;
    for (a = col + 1u; a < q; a++) {
        const double *Ma = M + a * q;
        double *Na = N + a * q;
        double ta = Ma[col] * inv;
        Na[0] = Ma[0] - ta * u0;
        for (b = col + 1u; b <= a; b++)
            Na[b] = Ma[b] - ta * M[b * q + col];
    }
}

/*
 * One node: its children c = first..g-1 in turn. The bookkeeping of
 * loy__dom_open/close/leaf is written out here for one value per subset
 * (this loop runs 2^g times): loc rows are the subtree sums by size.
 */
static void
enum_node(enum_ctx *e, size_t depth, size_t first, const double *M,
          uint64_t mask)
{
    const loy__drv_prob *pr = e->pr;
    size_t g = pr->g, q = e->q, w = g + 1u, c, col, t;
    double *N = e->stack + (depth + 1u) * q * q;
    double *L = e->d->loc + depth * w, *C = L + w, *A = e->d->A;
    double f = pr->f;
    for (c = first; c < g; c++) {
        size_t c0 = 1u + pr->off[c], c1 = 1u + pr->off[c + 1u];
        double v;
        sweep_into(N, M, q, c0);
        for (col = c0 + 1u; col < c1; col++) /* rest of a group */
            sweep_into(N, N, q, col);
        v = f * (1.0 - N[0]);
        if (e->d->table != NULL)
            e->d->table[mask | (uint64_t)1 << c] = v;
        if (c + 1u == g) { /* a leaf: no subtree */
            A[c * w + depth + 1u] += v;
            L[depth + 1u] += v;
        } else {
            size_t top = depth + 1u + (g - 1u - c);
            for (t = depth + 2u; t <= top; t++)
                C[t] = 0.0;
            C[depth + 1u] = v;
            enum_node(e, depth + 1u, c + 1u, N, mask | (uint64_t)1 << c);
            for (t = depth + 1u; t <= top; t++) {
                A[c * w + t] += C[t];
                L[t] += C[t];
            }
        }
    }
}

int
loy__drv_enumerate(const loy__drv_prob *pr, loy__dom *d)
{
    enum_ctx e;
    size_t q = pr->q;
    e.pr = pr;
    e.d = d;
    e.q = q;
    e.stack = malloc((pr->g + 1u) * q * q * sizeof *e.stack);
    LOY__REQUIRE(e.stack != NULL, LOY_ENOMEM);
    memcpy(e.stack, pr->R, q * q * sizeof *e.stack);
    enum_node(&e, 0, 0, e.stack, 0u);
    free(e.stack);
    return LOY_OK;
}

void
loy__drv_sweep(double *M, size_t m, size_t c, const size_t *idx, size_t ni)
{
    double inv = 1.0 / M[c * m + c];
    size_t a, b;
    for (a = 0; a < ni; a++) {
        size_t ia = idx[a];
        double ta = (ia > c ? M[ia * m + c] : M[c * m + ia]) * inv;
        for (b = 0; b <= a; b++) {
            size_t ib = idx[b];
            double ub = ib > c ? M[ib * m + c] : M[c * m + ib];
            size_t hi = ia > ib ? ia : ib, lo = ia > ib ? ib : ia;
            M[hi * m + lo] -= ta * ub;
        }
    }
}
