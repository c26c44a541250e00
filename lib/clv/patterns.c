/* SPDX-License-Identifier: MIT */
/*
 * patterns.c - compression of (x, t_x, T) rows into weighted patterns.
 *
 * Rows are sorted through an index array (qsort with a total order on the
 * three keys, then the row index so that the order is deterministic), and
 * runs of equal keys are merged; weights are summed with Neumaier
 * compensation so that the total is exact to rounding.
 */
#include "clv/patterns.h"

#include <stdlib.h>

typedef struct pat_key {
    double x, tx, T;
    size_t row;
} pat_key;

static int
cmp_double(double a, double b)
{
    return (a > b) - (a < b);
}

static int
cmp_key(const void *pa, const void *pb)
{
    const pat_key *a = pa, *b = pb;
    int c = cmp_double(a->x, b->x);
    if (c == 0)
        c = cmp_double(a->tx, b->tx);
    if (c == 0)
        c = cmp_double(a->T, b->T);
    if (c == 0)
        c = (a->row > b->row) - (a->row < b->row);
    return c;
}

static int
same_pattern(const pat_key *a, const pat_key *b)
{
    return a->x == b->x && a->tx == b->tx && a->T == b->T;
}

static double
row_weight(const double *w, size_t i)
{
    return w != NULL ? w[i] : 1.0;
}

/* Keys of the rows with non-zero weight; *m receives their number. */
static pat_key *
collect_keys(const double *x, const double *tx, const double *T,
             const double *w, size_t n, size_t *m)
{
    pat_key *keys = malloc((n > 0 ? n : 1) * sizeof *keys);
    size_t i, j = 0;
    if (keys == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if (row_weight(w, i) == 0.0)
            continue;
        keys[j].x = x[i];
        keys[j].tx = tx[i];
        keys[j].T = T[i];
        keys[j].row = i;
        j++;
    }
    *m = j;
    return keys;
}

static int
patterns_alloc(loy__patterns *out, size_t n)
{
    size_t cnt = n > 0 ? n : 1;
    out->x = malloc(cnt * sizeof *out->x);
    out->tx = malloc(cnt * sizeof *out->tx);
    out->T = malloc(cnt * sizeof *out->T);
    out->w = malloc(cnt * sizeof *out->w);
    if (out->x == NULL || out->tx == NULL || out->T == NULL
        || out->w == NULL) {
        loy__patterns_free(out);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

/* Merge runs of equal keys (already sorted) into out. */
static void
merge_runs(loy__patterns *out, const pat_key *keys, size_t m,
           const double *w)
{
    size_t i = 0, np = 0;
    while (i < m) {
        loy__ksum s = {0.0, 0.0};
        size_t j = i;
        while (j < m && same_pattern(&keys[i], &keys[j]))
            loy__ksum_add(&s, row_weight(w, keys[j++].row));
        out->x[np] = keys[i].x;
        out->tx[np] = keys[i].tx;
        out->T[np] = keys[i].T;
        out->w[np] = loy__ksum_value(&s);
        np++;
        i = j;
    }
    out->n = np;
}

int
loy__patterns_build(loy__patterns *out, const double *x, const double *tx,
                    const double *T, const double *w, size_t n)
{
    pat_key *keys;
    size_t m;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    memset(out, 0, sizeof *out);
    LOY__REQUIRE(n == 0 || (x != NULL && tx != NULL && T != NULL),
                 LOY_EINVAL);
    keys = collect_keys(x, tx, T, w, n, &m);
    LOY__REQUIRE(keys != NULL, LOY_ENOMEM);
    qsort(keys, m, sizeof *keys, cmp_key);
    rc = patterns_alloc(out, m);
    if (rc == LOY_OK)
        merge_runs(out, keys, m, w);
    free(keys);
    return rc;
}

/*
 * Compression pays when rows repeat. Up to 4096 rows spread evenly over
 * the input are sorted (the sort costs about one likelihood evaluation, a
 * fit needs dozens). When the sample is the whole input its distinct keys
 * are counted exactly; otherwise the number D of distinct keys of the
 * input is estimated from the pairs of equal keys in the sample, C(m, 2)
 * / pairs (the inverse Simpson index: rows may repeat a lot without the
 * sample holding fewer keys than rows, e.g. 80,000 patterns among 300,000
 * customers give about 100 pairs in 4096 rows but hardly a repeated key).
 * Compress when at most half as many patterns as rows are expected. Small
 * inputs are never worth it.
 */
int
loy__patterns_worth_it(const double *x, const double *tx, const double *T,
                       size_t n)
{
    enum { SAMPLE = 4096, MIN_PAIRS = 4 };
    pat_key *keys;
    size_t m, i, distinct = 1, run = 1;
    double pairs = 0.0;
    int yes;
    if (n < 64 || x == NULL || tx == NULL || T == NULL)
        return 0;
    m = n < SAMPLE ? n : SAMPLE;
    keys = malloc(m * sizeof *keys);
    if (keys == NULL)
        return 0; /* the fit runs on the rows */
    for (i = 0; i < m; i++) {
        size_t r = (size_t)((double)i * (double)n / (double)m);
        keys[i].x = x[r];
        keys[i].tx = tx[r];
        keys[i].T = T[r];
        keys[i].row = r;
    }
    qsort(keys, m, sizeof keys[0], cmp_key);
    for (i = 1; i <= m; i++) {
        if (i < m && same_pattern(&keys[i - 1], &keys[i])) {
            run++;
            continue;
        }
        pairs += 0.5 * (double)run * (double)(run - 1);
        distinct += i < m;
        run = 1;
    }
    free(keys);
    yes = 2 * distinct <= m;
    if (!yes && m < n && pairs >= MIN_PAIRS)
        yes = (double)m * (double)(m - 1) / pairs <= (double)n;
    return yes;
}

void
loy__patterns_free(loy__patterns *p)
{
    if (p == NULL)
        return;
    free(p->x);
    free(p->tx);
    free(p->T);
    free(p->w);
    p->x = p->tx = p->T = p->w = NULL;
    p->n = 0;
}
