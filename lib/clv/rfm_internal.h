/* SPDX-License-Identifier: MIT */
/*
 * rfm_internal.h - helpers of the purchase-log summary shared between
 * lib/rfm.c, lib/rfm_sort.c and the tests. Never installed.
 */
#ifndef LOY_RFM_INTERNAL_H
#define LOY_RFM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

/*
 * Sort n keys ascending (LSD radix, 11-bit digits). Only the bit range in
 * which the keys differ is sorted, and digits on which all keys agree are
 * skipped, so the cost follows the number of significant bits.
 * When payload is not NULL it is permuted along with the keys (stable).
 * Returns LOY_OK or LOY_ENOMEM (inputs then unchanged).
 */
int loy__radix_sort_u64(uint64_t *keys, uint32_t *payload, size_t n);

/*
 * Allocation of the large working arrays (tens of MB for millions of rows).
 * Where the system offers transparent huge pages on request (Linux
 * MADV_HUGEPAGE), blocks of 4 MB and more are 2 MB aligned and flagged for
 * them: first-touch page faults then cost 512 times less, which is a
 * quarter of the run time of a 10-million-row summary otherwise.
 * Release with free(). loy__big_calloc also zeroes the block.
 */
void *loy__big_alloc(size_t size);
void *loy__big_calloc(size_t count, size_t size);

/* Remove adjacent duplicates of sorted keys in place; returns the count. */
size_t loy__unique_u64(uint64_t *keys, size_t n);

/*
 * Test hook: make a builder compact its key buffer once it holds more than
 * `at` keys (the default waits for millions), to exercise compaction.
 */
struct loy_rfm_builder;
void loy__rfm_builder_compact_at(struct loy_rfm_builder *b, size_t at);

/*
 * Test hook: account `rows` holdout rows of total value `sum` to customer
 * `id` (already added) as loy_rfm_builder_add() would, without storing
 * them, so that a unit test reaches the limits of the counters (2^32 rows
 * of one customer) at no cost. Returns LOY_OK, or LOY_EINVAL for an
 * unknown customer or a builder without a calibration split.
 */
int loy__rfm_builder_add_holdout_rows(struct loy_rfm_builder *b, uint64_t id,
                                      uint64_t rows, double sum);

/* floor(a / b) for b > 0, whatever the sign of a. */
static inline int64_t
loy__floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/*
 * The windows of a summary (MODELS.md 5), shared by the many-customer
 * builder (rfm.c) and the one-customer mergeable state (rfm_customer.c)
 * so that both apply exactly the same rules.
 *
 * Periods of kept rows are stored as offsets back from the end of their
 * window (calibration_end or observation_end): non-negative, and at most
 * LOY__RFM_MAX_OFFSET; rows further back are rejected up front
 * (LOY_ESCALE) rather than wrapped.
 */
#define LOY__RFM_TIME_LIMIT (((int64_t)1 << 62) - 1) /* |t| <= this */
#define LOY__RFM_MAX_OFFSET ((int64_t)0xFFFFFFFF)
#define LOY__RFM_DROPPED 2u

typedef struct loy__rfm_window {
    loy_rfm_options opt;
    int calib;
    int64_t obs_end, cal_end; /* raw window ends (equal without split) */
    int64_t obs_p, cal_p;     /* their periods */
    int64_t min_time;         /* earliest time with a 32-bit offset */
} loy__rfm_window;

/* Options (NULL: defaults) and windows; the status of
 * loy_rfm_builder_new() for bad ones. */
int loy__rfm_window_init(loy__rfm_window *w, int64_t observation_end,
                         const loy_rfm_options *opts);

/* Validate a chunk of rows as loy_rfm_builder_add() documents. */
int loy__rfm_check_rows(const loy__rfm_window *w, const int64_t *time,
                        const double *amount, size_t n, size_t *err_index);

static inline int64_t
loy__rfm_period(const loy__rfm_window *w, int64_t t)
{
    int64_t d = t - w->opt.period_origin; /* |t|, |origin| < 2^62 */
    return w->opt.period_length == 1 ? d
                                     : loy__floor_div(d, w->opt.period_length);
}

/*
 * Window of a row: 0 calibration (or the whole log), 1 holdout, or
 * LOY__RFM_DROPPED; *off gets the offset of its period. Without a split
 * rows are kept by period, as lifetimes does; with one the window bounds
 * compare raw times (lifetimes compares timestamps there).
 */
static inline uint32_t
loy__rfm_classify(const loy__rfm_window *w, int64_t t, uint32_t *off)
{
    int64_t p = loy__rfm_period(w, t);
    if (!w->calib) {
        if (p > w->obs_p)
            return LOY__RFM_DROPPED;
        *off = (uint32_t)(w->obs_p - p);
        return 0;
    }
    if (t <= w->cal_end) {
        *off = (uint32_t)(w->cal_p - p);
        return 0;
    }
    if (t > w->obs_end)
        return LOY__RFM_DROPPED;
    *off = (uint32_t)(w->obs_p - p);
    return 1;
}

/* first_time of a customer without a calibration row (no valid time). */
#define LOY__RFM_NO_CAL INT64_MAX

/*
 * One customer's running state. Exactly one 64-byte cache line, which the
 * builder's array relies on (one miss per row).
 */
typedef struct loy__rfm_cust {
    int64_t first_time;   /* earliest raw calibration time; NO_CAL: none */
    uint32_t first_off;   /* offset of the earliest calibration period */
    uint32_t last_off;    /* offset of the latest calibration period */
    uint64_t hold_rows;   /* raw holdout rows (a streamed log can hold more
                           * than 2^32 of one customer) */
    double first_sum;     /* value of the earliest period so far */
    loy__ksum rep_sum;    /* value of all later periods */
    loy__ksum hold_sum;   /* value of the raw holdout rows */
} loy__rfm_cust;

/* A calibration row (raw time t, period offset off, value a). */
static inline void
loy__rfm_apply_cal(loy__rfm_cust *c, int64_t t, uint32_t off, double a)
{
    if (c->first_time == LOY__RFM_NO_CAL) {
        c->first_off = c->last_off = off;
        c->first_sum = a;
        c->first_time = t;
        return;
    }
    if (off > c->first_off) {
        /* an earlier period: the old first period becomes a repeat one */
        loy__ksum_add(&c->rep_sum, c->first_sum);
        c->first_sum = a;
        c->first_off = off;
    } else if (off == c->first_off) {
        c->first_sum += a;
    } else {
        loy__ksum_add(&c->rep_sum, a);
    }
    if (off < c->last_off)
        c->last_off = off;
    if (t < c->first_time)
        c->first_time = t;
}

/*
 * The summary row of a customer with kc distinct calibration periods and
 * kh distinct holdout periods: row[LOY_RFM_COL_*], 4 columns, 6 with a
 * calibration split. The value sums of finite amounts overflow only past
 * DBL_MAX: LOY_EOVERFLOW then rather than an infinite or NaN mean.
 */
int loy__rfm_fill_row(double *row, const loy__rfm_window *w,
                      const loy__rfm_cust *c, uint64_t kc, uint64_t kh);

#endif /* LOY_RFM_INTERNAL_H */
