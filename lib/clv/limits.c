/* SPDX-License-Identifier: MIT */
/*
 * limits.c - the limit models of each lifetime-model family, as log-linear
 * embeddings (numeric/fitcore.h). A shape of LOY__LIMIT_BIG stands for
 * infinity, a value of LOY__LIMIT_TINY for zero: the model functions are
 * accurate there (loglik and predictions are written in forms that do not
 * cancel when a shape is huge), so the embedded point reproduces the limit
 * to working precision.
 */
#include "clv/limits.h"

enum { COLLAPSE_KEEP, COLLAPSE_FIX, COLLAPSE_NONE };

/*
 * Write into L the embedding of the pair (j, j+1) of the full parameters
 * as reduced parameters starting at *m (advanced by what it adds).
 */
static void
pair_embed(loy__fit_limit *L, size_t j, int kind, int how, size_t *m)
{
    double lbig = log(LOY__LIMIT_BIG);
    size_t i = *m;
    switch (how) {
    case COLLAPSE_KEEP:
        L->emb[j][i] = 1.0;
        L->emb[j + 1][i + 1] = 1.0;
        L->red[i][j] = 1.0;
        L->red[i + 1][j + 1] = 1.0;
        *m = i + 2;
        break;
    case COLLAPSE_FIX:
        if (kind == LOY__MIX_GAMMA) {
            /* shape = BIG, rate = BIG / mean: the gamma collapses to its
             * mean q = shape/rate */
            L->c[j] = lbig;
            L->c[j + 1] = lbig;
            L->emb[j + 1][i] = -1.0;
        } else {
            /* a = BIG q, b = BIG: the beta collapses to q/(1+q) */
            L->c[j] = lbig;
            L->c[j + 1] = lbig;
            L->emb[j][i] = 1.0;
            L->odds |= 1u << i;
        }
        L->red[i][j] = 1.0;
        L->red[i][j + 1] = -1.0;
        *m = i + 1;
        break;
    default:
        /* a point mass at 0: shape TINY, the other parameter 1 */
        L->c[j] = log(LOY__LIMIT_TINY);
        L->c[j + 1] = 0.0;
        break;
    }
}

static void
limit_two(loy__fit_limit *L, int kind0, int how0, int kind1, int how1)
{
    size_t m = 0;
    memset(L, 0, sizeof *L);
    pair_embed(L, 0, kind0, how0, &m);
    pair_embed(L, 2, kind1, how1, &m);
    L->m = m;
    L->limit = (how0 == COLLAPSE_FIX ? LOY_LIMIT_FIXED_RATE : 0u)
               | (how1 == COLLAPSE_FIX ? LOY_LIMIT_FIXED_DROPOUT : 0u)
               | (how1 == COLLAPSE_NONE ? LOY_LIMIT_NO_DROPOUT : 0u);
}

size_t
loy__limits_two(loy__fit_limit *out, int kind0, int kind1)
{
    limit_two(&out[0], kind0, COLLAPSE_FIX, kind1, COLLAPSE_KEEP);
    limit_two(&out[1], kind0, COLLAPSE_KEEP, kind1, COLLAPSE_FIX);
    limit_two(&out[2], kind0, COLLAPSE_KEEP, kind1, COLLAPSE_NONE);
    limit_two(&out[3], kind0, COLLAPSE_FIX, kind1, COLLAPSE_FIX);
    limit_two(&out[4], kind0, COLLAPSE_FIX, kind1, COLLAPSE_NONE);
    return 5;
}

size_t
loy__limits_sbg(loy__fit_limit *out)
{
    size_t m = 0;
    memset(out, 0, sizeof *out);
    pair_embed(out, 0, LOY__MIX_BETA, COLLAPSE_FIX, &m);
    out->m = m;
    out->limit = LOY_LIMIT_FIXED_DROPOUT;
    return 1;
}

size_t
loy__limits_ggamma(loy__fit_limit *out)
{
    double lbig = log(LOY__LIMIT_BIG);
    memset(out, 0, 2 * sizeof *out);
    /* fixed scale nu = q/gamma: (p, nu), q = BIG, gamma = BIG / nu */
    out[0].limit = LOY_LIMIT_FIXED_RATE;
    out[0].m = 2;
    out[0].emb[0][0] = 1.0;
    out[0].c[1] = lbig;
    out[0].c[2] = lbig;
    out[0].emb[2][1] = -1.0;
    out[0].red[0][0] = 1.0;
    out[0].red[1][1] = 1.0;
    out[0].red[1][2] = -1.0;
    /* fixed spend per customer: (q, g = p gamma), p = BIG, gamma = g / BIG
     * (then p/nu, a customer's spend, is inverse gamma with scale g) */
    out[1].limit = LOY_LIMIT_FIXED_SPEND;
    out[1].m = 2;
    out[1].c[0] = lbig;
    out[1].emb[1][0] = 1.0;
    out[1].c[2] = -lbig;
    out[1].emb[2][1] = 1.0;
    out[1].red[0][1] = 1.0;
    out[1].red[1][2] = 1.0;
    out[1].red[1][0] = 1.0;
    return 2;
}
