/* SPDX-License-Identifier: MIT */
/*
 * rfm.c - purchase log -> per-customer (x, t_x, T, monetary) summary.
 *
 * Conventions: MODELS.md section 5 (lifetimes summary_data_from_transaction_
 * data and calibration_and_holdout_data), documented in loyalty.h.
 *
 * Design. Rows stream in chunks. A hash table maps each customer id to a
 * dense index whose state (first and last calibration period, the value of
 * the first period, the repeat value, the holdout value and row count) is
 * updated row by row, in any row order. The only thing that cannot be
 * updated that way is the number of DISTINCT periods per customer, so each
 * kept row also appends one 64-bit key (customer, window, period) to a
 * buffer that is radix-sorted and de-duplicated when it has doubled and at
 * the end. Memory is thus bounded by customers plus distinct
 * (customer, period) pairs, not by rows.
 *
 * Periods are stored as offsets back from the end of their window
 * (calibration_end or observation_end), which are non-negative for every
 * kept row and fit 32 bits for any realistic log; rows further back are
 * rejected up front with LOY_ESCALE rather than silently wrapped.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "clv/rfm_internal.h"

#define MAX_CUSTOMERS ((size_t)1 << 31)
#define MIN_COMPACT ((size_t)1 << 22)
#define BLOCK 32
#define DROPPED LOY__RFM_DROPPED

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

typedef struct rfm_slot {
    uint64_t id;
    uint64_t idx1; /* dense index + 1; 0 marks an empty slot */
} rfm_slot;

/* Per-customer state (rfm_internal.h): exactly one 64-byte cache line,
 * and the array is line-aligned: one miss per row. The id lives in the
 * hash slot only. */
typedef loy__rfm_cust rfm_cust;

#define CACHE_LINE 64

struct loy_rfm_builder {
    loy__rfm_window w;        /* options and windows */
    int no_compact;
    rfm_slot *slots;
    size_t slot_mask;
    unsigned slot_bits;
    rfm_cust *cust;       /* line-aligned view into cust_mem */
    void *cust_mem;
    size_t n_cust, cap_cust;
    uint32_t max_off;     /* largest offset of any key */
    uint64_t *keys;
    size_t n_keys, cap_keys, compact_at, min_compact;
    uint64_t n_rows, n_dropped, n_holdout;
};

struct loy_rfm_summary {
    size_t n;
    uint64_t *id;
    int64_t *first_time;
    double *col[6];
    loy_rfm_info info;
};

/* ------------------------------------------------------------------ */
/* options and periods                                                 */
/* ------------------------------------------------------------------ */

int
loy_rfm_options_init(loy_rfm_options *opts)
{
    loy_rfm_options def = LOY_RFM_OPTIONS_INIT;
    if (opts == NULL)
        return LOY_EINVAL;
    *opts = def;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* builder lifecycle and the id -> index table                         */
/* ------------------------------------------------------------------ */

void
loy_rfm_builder_free(loy_rfm_builder *b)
{
    if (b == NULL)
        return;
    free(b->slots);
    free(b->cust_mem);
    free(b->keys);
    free(b);
}

static int
alloc_slots(loy_rfm_builder *b, unsigned bits)
{
    rfm_slot *s = loy__big_calloc((size_t)1 << bits, sizeof *s);
    if (s == NULL)
        return LOY_ENOMEM;
    b->slots = s;
    b->slot_bits = bits;
    b->slot_mask = ((size_t)1 << bits) - 1;
    return LOY_OK;
}

int
loy_rfm_builder_new(loy_rfm_builder **out, int64_t observation_end,
                    const loy_rfm_options *opts)
{
    loy_rfm_builder *b;
    int rc;
    if (out == NULL)
        return LOY_EINVAL;
    *out = NULL;
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return LOY_ENOMEM;
    rc = loy__rfm_window_init(&b->w, observation_end, opts);
    if (rc == LOY_OK)
        rc = alloc_slots(b, 10);
    if (rc != LOY_OK) {
        loy_rfm_builder_free(b);
        return rc;
    }
    b->compact_at = b->min_compact = MIN_COMPACT;
    *out = b;
    return LOY_OK;
}

static size_t
slot_of(const loy_rfm_builder *b, uint64_t id)
{
    return (size_t)((id * 0x9E3779B97F4A7C15ull) >> (64 - b->slot_bits));
}

/* Double the table and re-insert every customer. */
static int
grow_slots(loy_rfm_builder *b)
{
    rfm_slot *old = b->slots;
    size_t i, n_old = b->slot_mask + 1;
    if (alloc_slots(b, b->slot_bits + 1) != LOY_OK) {
        b->slots = old;
        return LOY_ENOMEM;
    }
    for (i = 0; i < n_old; i++) {
        size_t h;
        if (old[i].idx1 == 0)
            continue;
        h = slot_of(b, old[i].id);
        while (b->slots[h].idx1 != 0)
            h = (h + 1) & b->slot_mask;
        b->slots[h] = old[i];
    }
    free(old);
    return LOY_OK;
}

/* Double the customer array, keeping it aligned to a cache line (realloc
 * would not preserve the alignment). */
static int
grow_customers(loy_rfm_builder *b)
{
    size_t cap = b->cap_cust ? 2 * b->cap_cust : 1024;
    void *mem = loy__big_alloc(cap * sizeof(rfm_cust) + CACHE_LINE);
    rfm_cust *p;
    if (mem == NULL)
        return LOY_ENOMEM;
    p = (rfm_cust *)(void *)((char *)mem + (CACHE_LINE
                              - (uintptr_t)mem % CACHE_LINE) % CACHE_LINE);
    if (b->n_cust > 0)
        memcpy(p, b->cust, b->n_cust * sizeof *p);
    free(b->cust_mem);
    b->cust_mem = mem;
    b->cust = p;
    b->cap_cust = cap;
    return LOY_OK;
}

static int
new_customer(loy_rfm_builder *b)
{
    rfm_cust *c;
    if (b->n_cust >= MAX_CUSTOMERS)
        return LOY_ENOMEM;
    if (b->n_cust == b->cap_cust)
        LOY__TRY(grow_customers(b));
    c = &b->cust[b->n_cust++];
    memset(c, 0, sizeof *c);
    c->first_time = LOY__RFM_NO_CAL;
    return LOY_OK;
}

/* Dense index of `id`, inserting it when new (linear probing, load <= 1/2). */
static int
customer_index(loy_rfm_builder *b, uint64_t id, uint32_t *idx)
{
    size_t h = slot_of(b, id);
    while (b->slots[h].idx1 != 0) {
        if (b->slots[h].id == id) {
            *idx = (uint32_t)(b->slots[h].idx1 - 1);
            return LOY_OK;
        }
        h = (h + 1) & b->slot_mask;
    }
    if (2 * (b->n_cust + 1) > b->slot_mask + 1) {
        LOY__TRY(grow_slots(b));
        return customer_index(b, id, idx);
    }
    LOY__TRY(new_customer(b));
    b->slots[h].id = id;
    b->slots[h].idx1 = b->n_cust;
    *idx = (uint32_t)(b->n_cust - 1);
    return LOY_OK;
}

int
loy__rfm_builder_add_holdout_rows(loy_rfm_builder *b, uint64_t id,
                                  uint64_t rows, double sum)
{
    size_t h;
    if (b == NULL || !b->w.calib)
        return LOY_EINVAL;
    for (h = slot_of(b, id); b->slots[h].idx1 != 0; h = (h + 1) & b->slot_mask)
        if (b->slots[h].id == id) {
            rfm_cust *c = &b->cust[b->slots[h].idx1 - 1];
            c->hold_rows += rows;
            loy__ksum_add(&c->hold_sum, sum);
            b->n_holdout += rows;
            b->n_rows += rows;
            return LOY_OK;
        }
    return LOY_EINVAL;
}

/* ------------------------------------------------------------------ */
/* distinct (customer, window, period) keys                            */
/* ------------------------------------------------------------------ */

/*
 * Keys are stored as idx << 33 | window << 32 | offset. For sorting they are
 * packed to (idx << 1 | window) << off_bits | offset, where off_bits covers
 * the largest offset seen: the radix sort then needs only as many passes as
 * customers and periods need bits (3 for a million customers over years
 * of days), and the order is the same.
 */
static unsigned
offset_bits(uint32_t max_off)
{
    unsigned bits = 0;
    while (bits < 32 && (max_off >> bits) != 0)
        bits++;
    return bits;
}

static void
pack_keys(uint64_t *keys, size_t n, unsigned bits)
{
    size_t i;
    for (i = 0; i < n; i++)
        keys[i] = ((keys[i] >> 32) << bits) | (keys[i] & 0xFFFFFFFFu);
}

static void
unpack_keys(uint64_t *keys, size_t n, unsigned bits)
{
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    size_t i;
    for (i = 0; i < n; i++)
        keys[i] = ((keys[i] >> bits) << 32) | (keys[i] & mask);
}

static int
compact_keys(loy_rfm_builder *b)
{
    unsigned bits = offset_bits(b->max_off);
    int rc;
    pack_keys(b->keys, b->n_keys, bits);
    rc = loy__radix_sort_u64(b->keys, NULL, b->n_keys);
    if (rc == LOY_OK)
        b->n_keys = loy__unique_u64(b->keys, b->n_keys);
    unpack_keys(b->keys, b->n_keys, bits);
    LOY__TRY(rc);
    b->compact_at = 2 * b->n_keys > b->min_compact ? 2 * b->n_keys
                                                   : b->min_compact;
    return LOY_OK;
}

/* Room for `more` keys, compacting first when the buffer has doubled. */
void
loy__rfm_builder_compact_at(loy_rfm_builder *b, size_t at)
{
    b->min_compact = at;
    b->compact_at = at;
}

static int
reserve_keys(loy_rfm_builder *b, size_t more)
{
    size_t need;
    uint64_t *p;
    if (!b->no_compact && b->n_keys + more > b->compact_at && b->n_keys > 0)
        LOY__TRY(compact_keys(b));
    need = b->n_keys + more;
    if (need <= b->cap_keys)
        return LOY_OK;
    if (need < 2 * b->cap_keys && !b->no_compact)
        need = 2 * b->cap_keys;
    p = loy__big_alloc(need * sizeof *p);
    if (p == NULL)
        return LOY_ENOMEM;
    if (b->n_keys > 0)
        memcpy(p, b->keys, b->n_keys * sizeof *p);
    free(b->keys);
    b->keys = p;
    b->cap_keys = need;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* adding rows                                                         */
/* ------------------------------------------------------------------ */

typedef struct rfm_block {
    uint32_t win[BLOCK];
    uint32_t off[BLOCK];
    uint32_t idx[BLOCK];
} rfm_block;

/*
 * One block of rows in three passes so that the cache misses of the hash
 * table and of the customer records overlap (prefetch) instead of
 * serialising: classify + prefetch slot, look up + prefetch record, update.
 */
static int
add_block(loy_rfm_builder *b, const uint64_t *id, const int64_t *time,
          const double *amount, size_t m)
{
    rfm_block k;
    size_t j;
    for (j = 0; j < m; j++) {
        k.win[j] = loy__rfm_classify(&b->w, time[j], &k.off[j]);
        if (k.win[j] != DROPPED)
            PREFETCH(&b->slots[slot_of(b, id[j])]);
    }
    for (j = 0; j < m; j++) {
        if (k.win[j] == DROPPED)
            continue;
        LOY__TRY(customer_index(b, id[j], &k.idx[j]));
        PREFETCH(&b->cust[k.idx[j]]);
    }
    for (j = 0; j < m; j++) {
        double a = amount != NULL ? amount[j] : 0.0;
        rfm_cust *c;
        if (k.win[j] == DROPPED) {
            b->n_dropped++;
            continue;
        }
        c = &b->cust[k.idx[j]];
        if (k.win[j] == 0) {
            loy__rfm_apply_cal(c, time[j], k.off[j], a);
        } else {
            loy__ksum_add(&c->hold_sum, a);
            c->hold_rows++;
            b->n_holdout++;
        }
        if (k.off[j] > b->max_off)
            b->max_off = k.off[j];
        b->keys[b->n_keys++] = ((uint64_t)k.idx[j] << 33)
                               | ((uint64_t)k.win[j] << 32) | k.off[j];
    }
    return LOY_OK;
}

int
loy_rfm_builder_add(loy_rfm_builder *b, const uint64_t *id,
                    const int64_t *time, const double *amount, size_t n,
                    size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    if (b == NULL)
        return LOY_EINVAL;
    if (n == 0)
        return LOY_OK;
    if (id == NULL || time == NULL)
        return LOY_EINVAL;
    LOY__TRY(loy__rfm_check_rows(&b->w, time, amount, n, err_index));
    LOY__TRY(reserve_keys(b, n));
    for (i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        LOY__TRY(add_block(b, id + i, time + i,
                           amount != NULL ? amount + i : NULL, m));
    }
    b->n_rows += n;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* finishing                                                           */
/* ------------------------------------------------------------------ */

void
loy_rfm_summary_free(loy_rfm_summary *s)
{
    int c;
    if (s == NULL)
        return;
    free(s->id);
    free(s->first_time);
    for (c = 0; c < 6; c++)
        free(s->col[c]);
    free(s);
}

static loy_rfm_summary *
summary_alloc(size_t n, int calib)
{
    loy_rfm_summary *s = calloc(1, sizeof *s);
    int c, ncol = calib ? 6 : 4, ok;
    size_t m = n > 0 ? n : 1;
    if (s == NULL)
        return NULL;
    s->n = n;
    s->id = loy__big_alloc(m * sizeof *s->id);
    s->first_time = loy__big_alloc(m * sizeof *s->first_time);
    ok = s->id != NULL && s->first_time != NULL;
    for (c = 0; c < ncol; c++) {
        s->col[c] = loy__big_alloc(m * sizeof(double));
        ok = ok && s->col[c] != NULL;
    }
    if (!ok) {
        loy_rfm_summary_free(s);
        return NULL;
    }
    return s;
}

/* Distinct calibration and holdout periods per customer, from the sorted
 * unique keys (customer-major, so the counters are written in order). */
static void
count_periods(const loy_rfm_builder *b, uint64_t *k_cal, uint64_t *k_hold)
{
    size_t i;
    for (i = 0; i < b->n_keys; i++) {
        uint64_t key = b->keys[i];
        size_t idx = (size_t)(key >> 33);
        if ((key >> 32) & 1u)
            k_hold[idx]++;
        else
            k_cal[idx]++;
    }
}

/* Customers with a calibration row, as (id, index) sorted by id. */
static int
sorted_customers(const loy_rfm_builder *b, uint64_t **ids, uint32_t **idx,
                 size_t *n)
{
    size_t i, m = 0;
    *ids = loy__big_alloc((b->n_cust ? b->n_cust : 1) * sizeof **ids);
    *idx = loy__big_alloc((b->n_cust ? b->n_cust : 1) * sizeof **idx);
    if (*ids == NULL || *idx == NULL)
        return LOY_ENOMEM;
    for (i = 0; i <= b->slot_mask; i++) {
        const rfm_slot *sl = &b->slots[i];
        if (sl->idx1 == 0 || b->cust[sl->idx1 - 1].first_time == LOY__RFM_NO_CAL)
            continue;
        (*ids)[m] = sl->id;
        (*idx)[m++] = (uint32_t)(sl->idx1 - 1);
    }
    *n = m;
    return loy__radix_sort_u64(*ids, *idx, m);
}

static int
fill_row(loy_rfm_summary *s, size_t r, const loy_rfm_builder *b,
         const rfm_cust *c, uint64_t kc, uint64_t kh)
{
    double row[6];
    int col, ncol = b->w.calib ? 6 : 4;
    s->first_time[r] = c->first_time;
    LOY__TRY(loy__rfm_fill_row(row, &b->w, c, kc, kh));
    for (col = 0; col < ncol; col++)
        s->col[col][r] = row[col];
    return LOY_OK;
}

static void
fill_info(loy_rfm_summary *s, const loy_rfm_builder *b, size_t n)
{
    loy_rfm_info *in = &s->info;
    in->struct_size = sizeof *in;
    in->n_customers = n;
    in->n_rows = b->n_rows;
    in->n_rows_dropped = b->n_dropped;
    in->n_rows_holdout = b->n_holdout;
    in->n_customers_dropped = b->n_cust - n;
    in->calibration = b->w.calib;
    in->duration_holdout =
        b->w.calib ? (double)(b->w.obs_p - b->w.cal_p) / b->w.opt.freq_multiplier
                 : 0.0;
}

static int
build_summary(loy_rfm_summary **out, const loy_rfm_builder *b,
              const uint64_t *k_cal, const uint64_t *k_hold)
{
    uint64_t *ids = NULL;
    uint32_t *idx = NULL;
    size_t n = 0, r;
    int rc = sorted_customers(b, &ids, &idx, &n);
    loy_rfm_summary *s = NULL;
    if (rc == LOY_OK && n == 0)
        rc = LOY_EEMPTY;
    if (rc == LOY_OK && (s = summary_alloc(n, b->w.calib)) == NULL)
        rc = LOY_ENOMEM;
    for (r = 0; rc == LOY_OK && r < n; r++) {
        s->id[r] = ids[r];
        rc = fill_row(s, r, b, &b->cust[idx[r]], k_cal[idx[r]],
                      k_hold[idx[r]]);
    }
    if (rc == LOY_OK) {
        fill_info(s, b, n);
        *out = s;
    } else {
        loy_rfm_summary_free(s);
    }
    free(ids);
    free(idx);
    return rc;
}

int
loy_rfm_builder_finish(loy_rfm_summary **out, loy_rfm_builder *b)
{
    uint64_t *k_cal, *k_hold;
    int rc;
    if (out == NULL)
        return LOY_EINVAL;
    *out = NULL;
    if (b == NULL)
        return LOY_EINVAL;
    if (b->n_cust == 0)
        return LOY_EEMPTY;
    if (b->w.calib && b->n_holdout == 0)
        return LOY_EEMPTY;
    LOY__TRY(compact_keys(b));
    k_cal = loy__big_calloc(b->n_cust, sizeof *k_cal);
    k_hold = loy__big_calloc(b->n_cust, sizeof *k_hold);
    if (k_cal == NULL || k_hold == NULL)
        rc = LOY_ENOMEM;
    else {
        count_periods(b, k_cal, k_hold);
        rc = build_summary(out, b, k_cal, k_hold);
    }
    free(k_cal);
    free(k_hold);
    return rc;
}

int
loy_rfm_summarize(loy_rfm_summary **out, const uint64_t *id,
                  const int64_t *time, const double *amount, size_t n,
                  int64_t observation_end, const loy_rfm_options *opts,
                  size_t *err_index)
{
    loy_rfm_builder *b;
    int rc;
    loy__set_index(err_index, LOY_NO_INDEX);
    if (out == NULL)
        return LOY_EINVAL;
    *out = NULL;
    if (id == NULL || time == NULL)
        return LOY_EINVAL;
    if (n == 0)
        return LOY_EEMPTY;
    LOY__TRY(loy_rfm_builder_new(&b, observation_end, opts));
    /* the rows are in memory already: one sort at the end is cheapest */
    b->no_compact = 1;
    rc = loy_rfm_builder_add(b, id, time, amount, n, err_index);
    if (rc == LOY_OK)
        rc = loy_rfm_builder_finish(out, b);
    loy_rfm_builder_free(b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */
/* ------------------------------------------------------------------ */

size_t
loy_rfm_summary_count(const loy_rfm_summary *s)
{
    return s != NULL ? s->n : 0;
}

int
loy_rfm_summary_ids(const uint64_t **out, const loy_rfm_summary *s)
{
    if (out == NULL || s == NULL)
        return LOY_EINVAL;
    *out = s->id;
    return LOY_OK;
}

int
loy_rfm_summary_column(const double **out, const loy_rfm_summary *s,
                       int column)
{
    if (out == NULL)
        return LOY_EINVAL;
    *out = NULL;
    if (s == NULL || column < 0 || column > LOY_RFM_COL_MONETARY_HOLDOUT)
        return LOY_EINVAL;
    if (s->col[column] == NULL)
        return LOY_EINVAL;
    *out = s->col[column];
    return LOY_OK;
}

int
loy_rfm_summary_first_times(const int64_t **out, const loy_rfm_summary *s)
{
    if (out == NULL || s == NULL)
        return LOY_EINVAL;
    *out = s->first_time;
    return LOY_OK;
}

int
loy_rfm_summary_info(loy_rfm_info *info, const loy_rfm_summary *s)
{
    if (info == NULL || s == NULL)
        return LOY_EINVAL;
    if (!loy__struct_size_ok(info->struct_size,
                             offsetof(loy_rfm_info, calibration)
                                 + sizeof info->calibration))
        return LOY_EINVAL;
    loy__struct_copy_out(info, &s->info, sizeof s->info);
    return LOY_OK;
}
