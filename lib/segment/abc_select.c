/* SPDX-License-Identifier: MIT */
/*
 * abc_select.c - linear-time search of the fixed-cut-off ABC thresholds.
 *
 * Ranking all customers (a sort) is not needed: the class of a customer
 * depends only on the total weight ranked above its value, which is
 * monotone in the value. So each threshold is a selection problem. A
 * histogram of the top 16 key bits (with per-bucket weight) brackets the
 * threshold in one bucket; only that bucket's keys are copied out and
 * refined by further histograms on the remaining bits until a handful of
 * keys (or a single distinct key) is left, which are sorted.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "segment/abc_internal.h"

#define SUB_BITS 12
#define SUB_BUCKETS ((size_t)1 << SUB_BITS)
/* Below this many candidate keys a sort is cheaper than another pass. */
#define SMALL_SET 64

int
loy__abc_hist_alloc(loy__abc_hist *h)
{
    h->count = calloc(LOY__ABC_TOP_BUCKETS, sizeof *h->count);
    h->sum = calloc(LOY__ABC_TOP_BUCKETS, sizeof *h->sum);
    h->comp = calloc(LOY__ABC_TOP_BUCKETS, sizeof *h->comp);
    if (h->count == NULL || h->sum == NULL || h->comp == NULL) {
        loy__abc_hist_free(h);
        return LOY_ENOMEM;
    }
    return LOY_OK;
}

void
loy__abc_hist_free(loy__abc_hist *h)
{
    free(h->count);
    free(h->sum);
    free(h->comp);
    h->count = NULL;
    h->sum = NULL;
    h->comp = NULL;
}

static int
passes(const loy__abc_target *t, double stat)
{
    return t->before ? stat < t->limit : stat <= t->limit;
}

static double
weight(const loy__abc_target *t, uint64_t key)
{
    return t->count ? 1.0 : loy__abc_value(key);
}

/* Neumaier step on split arrays (the histograms keep sum and comp apart). */
static inline void
ksum_split(double *sum, double *comp, double v)
{
    double t = *sum + v;
    if (fabs(*sum) >= fabs(v))
        *comp += (*sum - t) + v;
    else
        *comp += (v - t) + *sum;
    *sum = t;
}

/* Outcome of scanning one histogram from its highest bucket down. */
typedef struct scan {
    int ambiguous;   /* a bucket straddles the limit */
    int any_full;    /* some bucket passes entirely */
    size_t bucket;   /* the straddling bucket, or the lowest full one */
    double u;        /* weight above `bucket` (when ambiguous) */
} scan;

/*
 * Every customer of bucket d has a statistic in [U_d, U_d + S_d] (U_d the
 * weight of the higher buckets, S_d the bucket's weight), and these ranges
 * tile the line, so at most one bucket straddles the limit: the buckets
 * above it pass entirely, those below fail entirely.
 */
static void
scan_buckets(scan *r, const size_t *count, const double *sum,
             const double *comp, size_t nb, double u,
             const loy__abc_target *t)
{
    size_t d;
    r->ambiguous = 0;
    r->any_full = 0;
    r->bucket = 0;
    r->u = u;
    for (d = nb; d-- > 0;) {
        double s;
        if (count[d] == 0)
            continue;
        s = t->count ? (double)count[d] : sum[d] + comp[d];
        if (passes(t, u + s)) {
            r->any_full = 1;
            r->bucket = d;
            u += s;
            continue;
        }
        if (passes(t, u)) {
            r->ambiguous = 1;
            r->bucket = d;
            r->u = u;
        }
        return;
    }
}

static int
cmp_key_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

/* Exact answer on a few keys: walk the runs of equal keys in rank order. */
static uint64_t
solve_sorted(uint64_t *keys, size_t m, uint64_t khi, double u,
             const loy__abc_target *t)
{
    uint64_t tkey = khi + 1;
    size_t j = 0;
    qsort(keys, m, sizeof *keys, cmp_key_desc);
    while (j < m) {
        uint64_t k = keys[j];
        size_t r = j;
        double w = weight(t, k);
        while (r < m && keys[r] == k)
            r++;
        if (!passes(t, t->before ? u : u + w))
            break;
        tkey = k;
        u += (double)(r - j) * w;
        j = r;
    }
    return tkey;
}

typedef struct refine_ws {
    size_t count[SUB_BUCKETS];
    double sum[SUB_BUCKETS];
    double comp[SUB_BUCKETS];
} refine_ws;

static unsigned
sub_shift(uint64_t span)
{
    unsigned shift = 0;
    while ((span >> shift) >= SUB_BUCKETS)
        shift++;
    return shift;
}

/* Keep the keys of bucket d (at klo, shift); returns how many, with bounds. */
static size_t
keep_bucket(uint64_t *keys, size_t m, uint64_t klo, unsigned shift,
            size_t d, uint64_t *kmin, uint64_t *kmax)
{
    size_t j, out = 0;
    uint64_t lo = LOY__ABC_KEY_INF, hi = 0;
    for (j = 0; j < m; j++) {
        uint64_t k = keys[j];
        if ((size_t)((k - klo) >> shift) == d) {
            keys[out++] = k;
            lo = k < lo ? k : lo;
            hi = k > hi ? k : hi;
        }
    }
    *kmin = lo;
    *kmax = hi;
    return out;
}

/*
 * Threshold among the candidate keys (all in [klo, khi], tight bounds),
 * with weight u ranked above all of them.
 */
static uint64_t
refine(refine_ws *ws, uint64_t *keys, size_t m, uint64_t klo, uint64_t khi,
       double u, const loy__abc_target *t)
{
    for (;;) {
        unsigned shift;
        size_t nb, j;
        scan r;
        if (klo == khi)
            return passes(t, t->before ? u : u + weight(t, klo)) ? klo
                                                                 : khi + 1;
        if (m <= SMALL_SET)
            return solve_sorted(keys, m, khi, u, t);
        shift = sub_shift(khi - klo);
        nb = (size_t)((khi - klo) >> shift) + 1;
        memset(ws->count, 0, nb * sizeof ws->count[0]);
        memset(ws->sum, 0, nb * sizeof ws->sum[0]);
        memset(ws->comp, 0, nb * sizeof ws->comp[0]);
        for (j = 0; j < m; j++) {
            size_t d = (size_t)((keys[j] - klo) >> shift);
            ws->count[d]++;
            ksum_split(&ws->sum[d], &ws->comp[d], loy__abc_value(keys[j]));
        }
        scan_buckets(&r, ws->count, ws->sum, ws->comp, nb, u, t);
        if (!r.ambiguous)
            return r.any_full ? klo + ((uint64_t)r.bucket << shift) : khi + 1;
        u = r.u;
        m = keep_bucket(keys, m, klo, shift, r.bucket, &klo, &khi);
    }
}

/* Copy the keys of top-level bucket d out of the input. */
static size_t
gather_bucket(uint64_t *keys, const double *values, size_t n, size_t d,
              uint64_t *kmin, uint64_t *kmax)
{
    size_t i, m = 0;
    uint64_t lo = LOY__ABC_KEY_INF, hi = 0;
    for (i = 0; i < n; i++) {
        double v = values[i] < 0.0 ? 0.0 : values[i];
        uint64_t k = loy__abc_key(v);
        if ((size_t)(k >> LOY__ABC_TOP_SHIFT) == d) {
            keys[m++] = k;
            lo = k < lo ? k : lo;
            hi = k > hi ? k : hi;
        }
    }
    *kmin = lo;
    *kmax = hi;
    return m;
}

int
loy__abc_select(uint64_t *tkey, const double *values, size_t n,
                const loy__abc_hist *h, const loy__abc_target *t)
{
    scan r;
    uint64_t *keys, kmin, kmax;
    refine_ws *ws;
    size_t m;

    scan_buckets(&r, h->count, h->sum, h->comp, LOY__ABC_TOP_BUCKETS, 0.0, t);
    if (!r.ambiguous) {
        *tkey = r.any_full ? (uint64_t)r.bucket << LOY__ABC_TOP_SHIFT
                           : LOY__ABC_KEY_INF;
        return LOY_OK;
    }
    m = h->count[r.bucket];
    keys = malloc(m * sizeof *keys);
    ws = malloc(sizeof *ws);
    if (keys == NULL || ws == NULL) {
        free(keys);
        free(ws);
        return LOY_ENOMEM;
    }
    m = gather_bucket(keys, values, n, r.bucket, &kmin, &kmax);
    *tkey = refine(ws, keys, m, kmin, kmax, r.u, t);
    free(ws);
    free(keys);
    return LOY_OK;
}

int
loy__abc_select_small(uint64_t *ta, uint64_t *tb, const double *values,
                      size_t n, const loy__abc_target *a,
                      const loy__abc_target *b)
{
    uint64_t *keys = malloc(n * sizeof *keys), khi = 0;
    size_t i;
    LOY__REQUIRE(keys != NULL, LOY_ENOMEM);
    for (i = 0; i < n; i++) {
        keys[i] = loy__abc_key(values[i] < 0.0 ? 0.0 : values[i]);
        khi = keys[i] > khi ? keys[i] : khi;
    }
    /* the second call finds the keys already in order */
    *ta = solve_sorted(keys, n, khi, 0.0, a);
    *tb = solve_sorted(keys, n, khi, 0.0, b);
    free(keys);
    /* khi + 1 (none passes) means the same as LOY__ABC_KEY_INF */
    return LOY_OK;
}
