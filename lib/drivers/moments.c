/* SPDX-License-Identifier: MIT */
/*
 * moments.c - the moment tally's life cycle, settings and read-outs
 * (means, covariance, correlation, sub-matrices for the analyses).
 */
#include "drivers/moments_internal.h"

#include <stdlib.h>

int
loy__mom_alloc(loy_moments *t)
{
    size_t k = t->k, np = t->np, ns = loy__mom_nstates(t);
    int pw = loy__mom_pairwise(t), in = loy__mom_integer(t);
    t->dlen = in ? 0u : (pw ? 6u * np : 1u + k + np);
    t->ilen = in ? (pw ? 6u * np : 1u + k + np) : 0u;
    t->clen = pw ? 1u + np : 1u;
    free(t->d);
    free(t->iv);
    free(t->cnt);
    t->d = NULL;
    t->iv = NULL;
    t->cnt = NULL;
    /* ns <= 1 + LOY_MOMENTS_MAX_REPLICATES and np <= 2^19: no overflow. */
    if (t->dlen > 0u)
        t->d = calloc(ns * t->dlen, sizeof *t->d);
    if (t->ilen > 0u)
        t->iv = calloc(ns * t->ilen, sizeof *t->iv);
    t->cnt = calloc(ns * t->clen, sizeof *t->cnt);
    if ((t->dlen > 0u && t->d == NULL) || (t->ilen > 0u && t->iv == NULL)
        || t->cnt == NULL)
        return LOY_ENOMEM;
    return LOY_OK;
}

int
loy_moments_new(loy_moments **out, size_t k, uint32_t flags)
{
    loy_moments *t;
    size_t j;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(k >= 1u && k <= LOY_MOMENTS_MAX_COLUMNS, LOY_EINVAL);
    LOY__REQUIRE((flags & ~LOY__MOM_FLAGS) == 0u, LOY_EINVAL);
    LOY__REQUIRE(!((flags & LOY_MOMENTS_LISTWISE)
                   && (flags & LOY_MOMENTS_PAIRWISE)), LOY_EINVAL);
    t = calloc(1, sizeof *t);
    LOY__REQUIRE(t != NULL, LOY_ENOMEM);
    t->k = k;
    t->np = k * (k + 1u) / 2u;
    t->flags = flags;
    t->lo = malloc(k * sizeof *t->lo);
    t->hi = malloc(k * sizeof *t->hi);
    if (t->lo == NULL || t->hi == NULL || loy__mom_alloc(t) != LOY_OK) {
        loy_moments_free(t);
        return LOY_ENOMEM;
    }
    for (j = 0; j < k; j++) {
        t->lo[j] = -DBL_MAX;
        t->hi[j] = DBL_MAX;
    }
    *out = t;
    return LOY_OK;
}

void
loy_moments_free(loy_moments *t)
{
    if (t == NULL)
        return;
    free(t->lo);
    free(t->hi);
    free(t->d);
    free(t->iv);
    free(t->cnt);
    free(t);
}

int
loy_moments_clone(loy_moments **out, const loy_moments *t)
{
    loy_moments *c;
    size_t ns;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__TRY(loy_moments_new(&c, t->k, t->flags));
    c->B = t->B;
    c->seed = t->seed;
    if (loy__mom_alloc(c) != LOY_OK) {
        loy_moments_free(c);
        return LOY_ENOMEM;
    }
    ns = loy__mom_nstates(t);
    c->rows_missing = t->rows_missing;
    c->rows_invalid = t->rows_invalid;
    c->rows_zero = t->rows_zero;
    memcpy(c->lo, t->lo, t->k * sizeof *c->lo);
    memcpy(c->hi, t->hi, t->k * sizeof *c->hi);
    if (t->dlen > 0u)
        memcpy(c->d, t->d, ns * t->dlen * sizeof *c->d);
    if (t->ilen > 0u)
        memcpy(c->iv, t->iv, ns * t->ilen * sizeof *c->iv);
    memcpy(c->cnt, t->cnt, ns * t->clen * sizeof *c->cnt);
    *out = c;
    return LOY_OK;
}

/* Nothing added yet (settings may still change). */
static int
mom_empty(const loy_moments *t)
{
    size_t i, ns = loy__mom_nstates(t);
    if (t->rows_missing || t->rows_invalid || t->rows_zero)
        return 0;
    for (i = 0; i < ns * t->clen; i++)
        if (t->cnt[i] != 0u)
            return 0;
    return 1;
}

int
loy_moments_set_scale(loy_moments *t, size_t column, double lo, double hi)
{
    size_t j;
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__REQUIRE(column == LOY_MOMENTS_ALL_COLUMNS || column < t->k,
                 LOY_EINVAL);
    LOY__REQUIRE(mom_empty(t), LOY_EINVAL);
    LOY__REQUIRE(loy__finite(lo) && loy__finite(hi) && lo <= hi, LOY_EDOMAIN);
    for (j = 0; j < t->k; j++)
        if (column == LOY_MOMENTS_ALL_COLUMNS || column == j) {
            t->lo[j] = lo;
            t->hi[j] = hi;
        }
    return LOY_OK;
}

int
loy_moments_set_bootstrap(loy_moments *t, uint32_t replicates, uint64_t seed)
{
    uint32_t old_b;
    uint64_t old_seed;
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    LOY__REQUIRE(replicates <= LOY_MOMENTS_MAX_REPLICATES, LOY_EINVAL);
    LOY__REQUIRE(mom_empty(t), LOY_EINVAL);
    old_b = t->B;
    old_seed = t->seed;
    t->B = replicates;
    t->seed = seed;
    if (loy__mom_alloc(t) != LOY_OK) {
        t->B = old_b;
        t->seed = old_seed;
        (void)loy__mom_alloc(t);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

int
loy__mom_compatible(const loy_moments *a, const loy_moments *b)
{
    size_t j;
    if (a->k != b->k || a->flags != b->flags || a->B != b->B
        || a->seed != b->seed)
        return 0;
    for (j = 0; j < a->k; j++)
        if (a->lo[j] != b->lo[j] || a->hi[j] != b->hi[j])
            return 0;
    return 1;
}

/* n_min over the pairs in pairwise mode; n otherwise. */
static uint64_t
mom_n_min(const loy_moments *t)
{
    uint64_t m;
    size_t i;
    if (!loy__mom_pairwise(t))
        return t->cnt[0];
    m = UINT64_MAX;
    for (i = 0; i < t->np; i++)
        if (t->cnt[1 + i] < m)
            m = t->cnt[1 + i];
    return m;
}

/* Total weight of state 0 (pairwise: of the rows tallied in any pair is
 * not kept, so the largest diagonal pair stands for it). */
static double
mom_sum_w(const loy_moments *t)
{
    size_t j;
    double m = 0.0;
    if (!loy__mom_pairwise(t))
        return loy__mom_integer(t) ? (double)t->iv[0] : t->d[0];
    for (j = 0; j < t->k; j++) {
        size_t q = loy__pidx(t->k, j, j);
        double v = loy__mom_integer(t) ? (double)t->iv[q] : t->d[q];
        m = v > m ? v : m;
    }
    return m;
}

int
loy_moments_info_get(loy_moments_info *info, const loy_moments *t)
{
    loy_moments_info r;
    LOY__REQUIRE(LOY__STRUCT_OK(info, sizeof(loy_moments_info)), LOY_EINVAL);
    LOY__REQUIRE(t != NULL, LOY_EINVAL);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.k = t->k;
    r.flags = t->flags;
    r.replicates = t->B;
    r.seed = t->seed;
    r.n = t->cnt[0];
    r.sum_w = mom_sum_w(t);
    r.n_min = mom_n_min(t);
    r.rows_missing = t->rows_missing;
    r.rows_invalid = t->rows_invalid;
    r.rows_zero_weight = t->rows_zero;
    loy__struct_copy_out(info, &r, sizeof r);
    return LOY_OK;
}

/*
 * Weight, means and co-moment of the pair (j, l) in state s: column j over
 * the pair's rows (mj, cjj), column l (ml, cll) and the cross term cjl.
 * Complete mode: all rows. Returns the weight (0 when empty).
 */
static double
mom_pair(const loy_moments *t, size_t s, size_t j, size_t l, double *mj,
         double *ml, double *cjj, double *cll, double *cjl)
{
    size_t k = t->k, np = t->np, a = j < l ? j : l, b = j < l ? l : j;
    size_t q = loy__pidx(k, a, b);
    int swap = j > l;
    if (!loy__mom_pairwise(t)) {
        size_t qa = loy__pidx(k, j, j), qb = loy__pidx(k, l, l);
        if (loy__mom_integer(t)) {
            const int64_t *iv = t->iv + s * t->ilen;
            double S0 = (double)iv[0];
            if (iv[0] <= 0)
                return 0.0;
            *mj = (double)iv[1 + j] / S0;
            *ml = (double)iv[1 + l] / S0;
            *cjj = loy__int_comoment(iv[0], iv[1 + k + qa], iv[1 + j],
                                     iv[1 + j]) / S0;
            *cll = loy__int_comoment(iv[0], iv[1 + k + qb], iv[1 + l],
                                     iv[1 + l]) / S0;
            *cjl = loy__int_comoment(iv[0], iv[1 + k + q], iv[1 + j],
                                     iv[1 + l]) / S0;
            return S0;
        } else {
            const double *d = t->d + s * t->dlen;
            *mj = d[1 + j];
            *ml = d[1 + l];
            *cjj = d[1 + k + qa];
            *cll = d[1 + k + qb];
            *cjl = d[1 + k + q];
            return d[0];
        }
    }
    if (loy__mom_integer(t)) {
        const int64_t *iv = t->iv + s * t->ilen;
        int64_t S0 = iv[q], Sa = iv[np + q], Sb = iv[2 * np + q];
        int64_t Saa = iv[3 * np + q], Sbb = iv[4 * np + q];
        int64_t Sab = iv[5 * np + q];
        double W = (double)S0, caa, cbb, cab;
        if (S0 <= 0)
            return 0.0;
        caa = loy__int_comoment(S0, Saa, Sa, Sa) / W;
        cbb = loy__int_comoment(S0, Sbb, Sb, Sb) / W;
        cab = loy__int_comoment(S0, Sab, Sa, Sb) / W;
        *mj = (double)(swap ? Sb : Sa) / W;
        *ml = (double)(swap ? Sa : Sb) / W;
        *cjj = swap ? cbb : caa;
        *cll = swap ? caa : cbb;
        *cjl = cab;
        return W;
    } else {
        const double *d = t->d + s * t->dlen;
        *mj = swap ? d[2 * np + q] : d[np + q];
        *ml = swap ? d[np + q] : d[2 * np + q];
        *cjj = swap ? d[4 * np + q] : d[3 * np + q];
        *cll = swap ? d[3 * np + q] : d[4 * np + q];
        *cjl = d[5 * np + q];
        return d[q];
    }
}

int
loy__mom_cov_sub(const loy_moments *t, size_t s, const size_t *cols,
                 size_t m, double *S, uint64_t *n, double *W)
{
    size_t a, b, pass;
    uint64_t nmin = UINT64_MAX;
    double wmin = DBL_MAX;
    /* pass 0: the diagonal, pass 1: the rest (pairwise entries need both
     * variances) */
    for (pass = 0; pass < 2; pass++)
        for (a = 0; a < m; a++)
            for (b = pass == 0 ? a : a + 1u; b < (pass == 0 ? a + 1u : m);
                 b++) {
                double mj, ml, cjj, cll, cjl, w;
                size_t j = cols[a], l = cols[b];
                w = mom_pair(t, s, j, l, &mj, &ml, &cjj, &cll, &cjl);
                if (!(w > 0.0))
                    return LOY_EEMPTY;
                S[a * m + b] = S[b * m + a] = cjl / w;
                if (!loy__mom_pairwise(t))
                    continue;
                if (a != b) {
                    /* the pair's own correlation (R's
                     * pairwise.complete.obs) on the columns' variances */
                    double r = (cjj > 0.0 && cll > 0.0)
                                   ? cjl / (sqrt(cjj) * sqrt(cll)) : 0.0;
                    S[a * m + b] = S[b * m + a]
                        = r * sqrt(S[a * m + a]) * sqrt(S[b * m + b]);
                }
                {
                    size_t q = loy__pidx(t->k, j < l ? j : l, j < l ? l : j);
                    uint64_t c = t->cnt[s * t->clen + 1 + q];
                    nmin = c < nmin ? c : nmin;
                    wmin = w < wmin ? w : wmin;
                }
            }
    if (!loy__mom_pairwise(t)) {
        nmin = t->cnt[s * t->clen];
        wmin = loy__mom_integer(t) ? (double)t->iv[s * t->ilen]
                                   : t->d[s * t->dlen];
    }
    *n = nmin;
    *W = wmin;
    return LOY_OK;
}

int
loy_moments_mean(double *mean, size_t k, const loy_moments *t)
{
    size_t j;
    LOY__REQUIRE(mean != NULL && t != NULL && k == t->k, LOY_EINVAL);
    for (j = 0; j < k; j++) {
        double mj, ml, cjj, cll, cjl;
        double w = mom_pair(t, 0, j, j, &mj, &ml, &cjj, &cll, &cjl);
        LOY__REQUIRE(w > 0.0, LOY_EEMPTY);
    }
    for (j = 0; j < k; j++) {
        double mj, ml, cjj, cll, cjl;
        (void)mom_pair(t, 0, j, j, &mj, &ml, &cjj, &cll, &cjl);
        mean[j] = mj;
    }
    return LOY_OK;
}

int
loy_moments_cov(double *cov, size_t k, const loy_moments *t)
{
    size_t j, l;
    LOY__REQUIRE(cov != NULL && t != NULL && k == t->k, LOY_EINVAL);
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++) {
            double mj, ml, cjj, cll, cjl;
            double w = mom_pair(t, 0, j, l, &mj, &ml, &cjj, &cll, &cjl);
            LOY__REQUIRE(w > 1.0, LOY_EEMPTY);
        }
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++) {
            double mj, ml, cjj, cll, cjl;
            double w = mom_pair(t, 0, j, l, &mj, &ml, &cjj, &cll, &cjl);
            cov[j * k + l] = cov[l * k + j] = cjl / (w - 1.0);
        }
    return LOY_OK;
}

int
loy_moments_cor(double *cor, size_t k, const loy_moments *t,
                size_t *err_index)
{
    size_t j, l;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(cor != NULL && t != NULL && k == t->k, LOY_EINVAL);
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++) {
            double mj, ml, cjj, cll, cjl;
            double w = mom_pair(t, 0, j, l, &mj, &ml, &cjj, &cll, &cjl);
            LOY__REQUIRE(w > 0.0, LOY_EEMPTY);
            if (!(cjj > 0.0) || !(cll > 0.0)) {
                loy__set_index(err_index, cjj > 0.0 ? l : j);
                return LOY_EDEGENERATE;
            }
        }
    for (j = 0; j < k; j++)
        for (l = j; l < k; l++) {
            double mj, ml, cjj, cll, cjl, r;
            (void)mom_pair(t, 0, j, l, &mj, &ml, &cjj, &cll, &cjl);
            /* sqrt(cjj) sqrt(cll): their product under- or overflows for
             * co-moments beyond 1e+-154; rounding may pass +-1 */
            r = (j == l) ? 1.0 : cjl / (sqrt(cjj) * sqrt(cll));
            r = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
            cor[j * k + l] = cor[l * k + j] = r;
        }
    return LOY_OK;
}

int
loy_moments_replicate(loy_moments **out, const loy_moments *t, uint32_t b)
{
    loy_moments *c;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(t != NULL && b < t->B, LOY_EINVAL);
    LOY__TRY(loy_moments_new(&c, t->k, t->flags));
    memcpy(c->lo, t->lo, t->k * sizeof *c->lo);
    memcpy(c->hi, t->hi, t->k * sizeof *c->hi);
    if (t->dlen > 0u)
        memcpy(c->d, t->d + (1u + b) * t->dlen, t->dlen * sizeof *c->d);
    if (t->ilen > 0u)
        memcpy(c->iv, t->iv + (1u + b) * t->ilen, t->ilen * sizeof *c->iv);
    memcpy(c->cnt, t->cnt + (1u + b) * t->clen, t->clen * sizeof *c->cnt);
    *out = c;
    return LOY_OK;
}

int
loy__mom_means_sub(const loy_moments *t, size_t s, const size_t *cols,
                   size_t m, double *means)
{
    size_t a;
    for (a = 0; a < m; a++) {
        double mj, ml, cjj, cll, cjl;
        double w = mom_pair(t, s, cols[a], cols[a], &mj, &ml, &cjj, &cll,
                            &cjl);
        LOY__REQUIRE(w > 0.0, LOY_EEMPTY);
        means[a] = mj;
    }
    return LOY_OK;
}
