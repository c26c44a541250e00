/* SPDX-License-Identifier: MIT */
/*
 * rfm_internal.h - helpers of the purchase-log summary shared between
 * lib/rfm.c, lib/rfm_sort.c and the tests. Never installed.
 */
#ifndef LOY_RFM_INTERNAL_H
#define LOY_RFM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

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

#endif /* LOY_RFM_INTERNAL_H */
