/* SPDX-License-Identifier: MIT */
/*
 * rfm_sort.c - radix sort of 64-bit keys for the purchase-log summary.
 *
 * The summary sorts (customer, period) keys of millions of rows; comparison
 * sorts cost about log2(n) = 23 passes there, LSD radix sort one per 11
 * bits that vary among the keys, and the keys are packed so that few do.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* MADV_HUGEPAGE next to _POSIX_C_SOURCE */
#endif
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "core/internal.h"
#include "clv/rfm_internal.h"

#define DIGIT_BITS 11
#define BUCKETS (1u << DIGIT_BITS)
#define MAX_DIGITS 6 /* 6 x 11 >= 64 */

#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

void *
loy__big_alloc(size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (size >= HUGE_MIN) {
        void *p = NULL;
        size_t rounded = (size + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
        if (rounded < size || posix_memalign(&p, HUGE_ALIGN, rounded) != 0)
            return NULL;
        (void)madvise(p, rounded, MADV_HUGEPAGE); /* a hint; may fail */
        return p;
    }
#endif
    return malloc(size > 0 ? size : 1);
}

void *
loy__big_calloc(size_t count, size_t size)
{
    void *p;
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    p = loy__big_alloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

/* Bits in which the keys differ: only those need sorting passes. */
static uint64_t
varying_bits(const uint64_t *keys, size_t n)
{
    uint64_t any = 0, all = ~(uint64_t)0;
    size_t i;
    for (i = 0; i < n; i++) {
        any |= keys[i];
        all &= keys[i];
    }
    return any ^ all;
}

/* One pass computes the histograms of all needed digits. */
static void
histograms(const uint64_t *keys, size_t n, int shift0, int digits,
           size_t (*count)[BUCKETS])
{
    size_t i;
    int d;
    for (i = 0; i < n; i++) {
        uint64_t k = keys[i] >> shift0;
        for (d = 0; d < digits; d++)
            count[d][(k >> (DIGIT_BITS * d)) & (BUCKETS - 1)]++;
    }
}

/* Turn a histogram into start offsets; returns 0 when the digit is
 * constant over all keys (the pass can be skipped). */
static int
offsets(size_t *count, size_t n)
{
    size_t sum = 0;
    unsigned b;
    for (b = 0; b < BUCKETS; b++) {
        size_t c = count[b];
        if (c == n)
            return 0;
        count[b] = sum;
        sum += c;
    }
    return 1;
}

static void
scatter(const uint64_t *src, const uint32_t *psrc, uint64_t *dst,
        uint32_t *pdst, size_t n, int shift, size_t *pos)
{
    size_t i;
    if (psrc == NULL) {
        for (i = 0; i < n; i++)
            dst[pos[(src[i] >> shift) & (BUCKETS - 1)]++] = src[i];
        return;
    }
    for (i = 0; i < n; i++) {
        size_t p = pos[(src[i] >> shift) & (BUCKETS - 1)]++;
        dst[p] = src[i];
        pdst[p] = psrc[i];
    }
}

/* Lowest and one past the highest varying bit. */
static void
bit_range(uint64_t v, int *lo, int *hi)
{
    *lo = 0;
    *hi = 64;
    while (*lo < 64 && !((v >> *lo) & 1u))
        (*lo)++;
    while (*hi > *lo && !((v >> (*hi - 1)) & 1u))
        (*hi)--;
}

int
loy__radix_sort_u64(uint64_t *keys, uint32_t *payload, size_t n)
{
    size_t (*count)[BUCKETS];
    uint64_t *kbuf, *ksrc = keys, *kdst;
    uint32_t *pbuf = NULL, *psrc = payload, *pdst = NULL;
    int d, lo, hi, digits;
    if (n < 2)
        return LOY_OK;
    bit_range(varying_bits(keys, n), &lo, &hi);
    if (hi <= lo)
        return LOY_OK; /* all keys equal */
    digits = (hi - lo + DIGIT_BITS - 1) / DIGIT_BITS;
    count = calloc(MAX_DIGITS, sizeof *count);
    kbuf = loy__big_alloc(n * sizeof *kbuf);
    if (payload != NULL)
        pbuf = loy__big_alloc(n * sizeof *pbuf);
    if (count == NULL || kbuf == NULL || (payload != NULL && pbuf == NULL)) {
        free(count);
        free(kbuf);
        free(pbuf);
        return LOY_ENOMEM;
    }
    kdst = kbuf;
    pdst = pbuf;
    histograms(keys, n, lo, digits, count);
    for (d = 0; d < digits; d++) {
        uint64_t *kt;
        uint32_t *pt;
        if (!offsets(count[d], n))
            continue;
        scatter(ksrc, psrc, kdst, pdst, n, lo + DIGIT_BITS * d, count[d]);
        kt = ksrc, ksrc = kdst, kdst = kt;
        pt = psrc, psrc = pdst, pdst = pt;
    }
    if (ksrc != keys) {
        memcpy(keys, ksrc, n * sizeof *keys);
        if (payload != NULL)
            memcpy(payload, psrc, n * sizeof *payload);
    }
    free(count);
    free(kbuf);
    free(pbuf);
    return LOY_OK;
}

size_t
loy__unique_u64(uint64_t *keys, size_t n)
{
    size_t i, m;
    if (n == 0)
        return 0;
    for (i = 1, m = 1; i < n; i++)
        if (keys[i] != keys[m - 1])
            keys[m++] = keys[i];
    return m;
}
