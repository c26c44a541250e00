/* SPDX-License-Identifier: MIT */
/*
 * score_tally.c - a mergeable histogram of whole-number ratings on a fixed
 * scale [lo, hi]: the state behind CSAT and CES aggregates (and NPS, via
 * loy_nps_tally_hist()), which need the count of every score, not only of
 * three classes.
 *
 * The tally keeps a running total of everything it holds (counts plus
 * rejected), so an addition that could overflow any counter is refused
 * up front with LOY_EOVERFLOW and nothing is counted.
 *
 * Byte form, version 1: i32 lo, i32 hi, u64 rejected, then hi - lo + 1
 * u64 counts.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "core/serial.h"

struct loy_score_tally {
    int32_t lo, hi;
    size_t n_bins;
    uint64_t rejected;
    uint64_t total; /* sum of count[] + rejected */
    uint64_t count[];
};

static int
scale_ok(int32_t lo, int32_t hi)
{
    return lo <= hi
           && (int64_t)hi - (int64_t)lo + 1 <= (int64_t)LOY_SCORE_TALLY_MAX_BINS;
}

static loy_score_tally *
tally_alloc(int32_t lo, int32_t hi)
{
    size_t bins = (size_t)((int64_t)hi - (int64_t)lo + 1);
    loy_score_tally *t = calloc(1, sizeof *t + bins * sizeof t->count[0]);
    if (t == NULL)
        return NULL;
    t->lo = lo;
    t->hi = hi;
    t->n_bins = bins;
    return t;
}

int
loy_score_tally_new(loy_score_tally **out, int32_t lo, int32_t hi)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE(scale_ok(lo, hi), LOY_EDOMAIN);
    *out = tally_alloc(lo, hi);
    return *out != NULL ? LOY_OK : LOY_ENOMEM;
}

void
loy_score_tally_free(loy_score_tally *t)
{
    free(t);
}

/* Bin of a score, or -1 when it is off the scale. */
static int64_t
bin_of(const loy_score_tally *t, int64_t s)
{
    return (s >= t->lo && s <= t->hi) ? s - t->lo : -1;
}

/* Bin of a double score: -1 off the scale or not whole, -2 not finite. */
static int64_t
bin_of_f64(const loy_score_tally *t, double s)
{
    if (!loy__finite(s))
        return -2;
    if (!(s >= (double)t->lo && s <= (double)t->hi) || s != floor(s))
        return -1;
    return bin_of(t, (int64_t)s);
}

static int
add_args(const loy_score_tally *t, const void *scores, size_t n,
         uint32_t flags)
{
    LOY__REQUIRE(t != NULL && (scores != NULL || n == 0), LOY_EINVAL);
    LOY__REQUIRE((flags & ~LOY_NPS_SKIP_INVALID) == 0, LOY_EINVAL);
    LOY__REQUIRE((uint64_t)n <= UINT64_MAX - t->total, LOY_EOVERFLOW);
    return LOY_OK;
}

int
loy_score_tally_add_i32(loy_score_tally *t, const int32_t *scores, size_t n,
                        uint32_t flags, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__TRY(add_args(t, scores, n, flags));
    if (!(flags & LOY_NPS_SKIP_INVALID))
        for (i = 0; i < n; i++)
            if (bin_of(t, scores[i]) < 0) {
                loy__set_index(err_index, i);
                return LOY_ESCALE;
            }
    for (i = 0; i < n; i++) {
        int64_t b = bin_of(t, scores[i]);
        if (b >= 0)
            t->count[b]++;
        else
            t->rejected++;
    }
    t->total += (uint64_t)n;
    return LOY_OK;
}

int
loy_score_tally_add_f64(loy_score_tally *t, const double *scores, size_t n,
                        uint32_t flags, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__TRY(add_args(t, scores, n, flags));
    if (!(flags & LOY_NPS_SKIP_INVALID))
        for (i = 0; i < n; i++) {
            int64_t b = bin_of_f64(t, scores[i]);
            if (b < 0) {
                loy__set_index(err_index, i);
                return b == -2 ? LOY_ENONFINITE : LOY_ESCALE;
            }
        }
    for (i = 0; i < n; i++) {
        int64_t b = bin_of_f64(t, scores[i]);
        if (b >= 0)
            t->count[b]++;
        else
            t->rejected++;
    }
    t->total += (uint64_t)n;
    return LOY_OK;
}

int
loy_score_tally_merge(loy_score_tally *acc, const loy_score_tally *add)
{
    size_t k;
    LOY__REQUIRE(acc != NULL && add != NULL, LOY_EINVAL);
    LOY__REQUIRE(acc->lo == add->lo && acc->hi == add->hi, LOY_EINVAL);
    if (acc == add) {
        LOY__REQUIRE(acc->total <= UINT64_MAX - acc->total, LOY_EOVERFLOW);
        for (k = 0; k < acc->n_bins; k++)
            acc->count[k] *= 2u;
        acc->rejected *= 2u;
        acc->total *= 2u;
        return LOY_OK;
    }
    LOY__REQUIRE(add->total <= UINT64_MAX - acc->total, LOY_EOVERFLOW);
    for (k = 0; k < acc->n_bins; k++)
        acc->count[k] += add->count[k];
    acc->rejected += add->rejected;
    acc->total += add->total;
    return LOY_OK;
}

int
loy_score_tally_scale(int32_t *lo, int32_t *hi, const loy_score_tally *t)
{
    LOY__REQUIRE(lo != NULL && hi != NULL && t != NULL, LOY_EINVAL);
    *lo = t->lo;
    *hi = t->hi;
    return LOY_OK;
}

int
loy_score_tally_counts(uint64_t *counts, size_t n_bins, uint64_t *rejected,
                       const loy_score_tally *t)
{
    LOY__REQUIRE(counts != NULL && t != NULL, LOY_EINVAL);
    LOY__REQUIRE(n_bins == t->n_bins, LOY_EINVAL);
    memcpy(counts, t->count, n_bins * sizeof *counts);
    if (rejected != NULL)
        *rejected = t->rejected;
    return LOY_OK;
}

int
loy_score_tally_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                          const loy_score_tally *t)
{
    loy__wbuf w;
    size_t k;
    LOY__REQUIRE(len_out != NULL && t != NULL, LOY_EINVAL);
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_SCORE_TALLY, 1u,
                   16u + 8u * (uint64_t)t->n_bins);
    loy__wr_u32(&w, (uint32_t)t->lo);
    loy__wr_u32(&w, (uint32_t)t->hi);
    loy__wr_u64(&w, t->rejected);
    for (k = 0; k < t->n_bins; k++)
        loy__wr_u64(&w, t->count[k]);
    return loy__wbuf_finish(&w, len_out);
}

int
loy_score_tally_deserialize(loy_score_tally **out, const uint8_t *buf,
                            size_t len)
{
    loy__rbuf r;
    loy_score_tally *t;
    int32_t lo, hi;
    uint64_t rejected, total;
    size_t k;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_SCORE_TALLY, 1u,
                            NULL));
    lo = (int32_t)loy__rd_u32(&r);
    hi = (int32_t)loy__rd_u32(&r);
    rejected = loy__rd_u64(&r);
    LOY__REQUIRE(!r.bad && scale_ok(lo, hi), LOY_EFORMAT);
    /* the length must match the scale before anything is allocated */
    LOY__REQUIRE((uint64_t)(len - r.pos)
                     == 8u * (uint64_t)((int64_t)hi - lo + 1),
                 LOY_EFORMAT);
    t = tally_alloc(lo, hi);
    LOY__REQUIRE(t != NULL, LOY_ENOMEM);
    total = t->rejected = rejected;
    for (k = 0; k < t->n_bins; k++) {
        t->count[k] = loy__rd_u64(&r);
        if (t->count[k] > UINT64_MAX - total)
            r.bad = 1;
        else
            total += t->count[k];
    }
    t->total = total;
    if (loy__rbuf_finish(&r) != LOY_OK) {
        free(t);
        return LOY_EFORMAT;
    }
    *out = t;
    return LOY_OK;
}
