/* SPDX-License-Identifier: MIT */
/*
 * pattern_table.c - the public, mergeable pattern table of the lifetime
 * models (loy_patterns, include/loyalty/btyd.h).
 *
 * The likelihoods of BG/NBD, MBG/NBD and Pareto/NBD depend on a customer
 * only through (x, t_x, T), and Gamma-Gamma only through (x, m): a table
 * of the distinct tuples with summed weights is a sufficient statistic,
 * and adding two tables is merging data. Each part is a hash table
 * (open addressing, linear probing, load <= 1/2) over the bit patterns of
 * the keys, with Neumaier-compensated weight sums; keys are canonical
 * (-0.0 stored as +0.0) so that equal numbers always meet.
 *
 * Everything that leaves the table (rows read back, bytes, fits) comes in
 * ascending key order, so the result does not depend on the order in
 * which rows or tables arrived: with whole-number weights the bytes of a
 * table built in pieces and merged equal those of a table built in one
 * pass.
 *
 * Byte form, version 1 (after the 16-byte header):
 *   u32 flags, u32 reserved (0), u64 rows added, u64 n_freq, u64 n_spend,
 *   f64 weight of x >= 1 customers with monetary 0,
 *   n_freq  x (f64 x, f64 t_x, f64 T, f64 weight), ascending (x, t_x, T),
 *   n_spend x (f64 x, f64 m, f64 weight), ascending (x, m).
 */
#include <stdlib.h>

#include "core/internal.h"
#include "core/serial.h"
#include "clv/btyd.h"

#define MAX_DIM 3
#define MAX_ENTRIES ((size_t)UINT32_MAX - 1u)
#define FIXED_PAYLOAD 40u

typedef struct ptab {
    unsigned dim;     /* doubles per key: 3 (x, t_x, T) or 2 (x, m) */
    size_t n, cap;    /* entries used / allocated */
    double *key;      /* cap * dim */
    loy__ksum *w;     /* cap */
    uint32_t *slot;   /* entry index + 1, 0 = empty */
    size_t slot_mask; /* slots - 1 (a power of two), 0 before first use */
} ptab;

struct loy_patterns {
    uint32_t flags;
    uint64_t rows;
    loy__ksum zero_spend;
    ptab freq, spend;
};

/* ------------------------------------------------------------------ */
/* the hash tables                                                     */
/* ------------------------------------------------------------------ */

static uint64_t
bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static uint64_t
hash_key(const double *k, unsigned dim)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    unsigned j;
    for (j = 0; j < dim; j++) {
        h ^= bits_of(k[j]) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
        h ^= h >> 31;
    }
    return h;
}

static int
same_key(const double *a, const double *b, unsigned dim)
{
    unsigned j;
    for (j = 0; j < dim; j++)
        if (a[j] != b[j])
            return 0;
    return 1;
}

static void
ptab_free(ptab *t)
{
    free(t->key);
    free(t->w);
    free(t->slot);
    t->key = NULL;
    t->w = NULL;
    t->slot = NULL;
    t->n = t->cap = t->slot_mask = 0;
}

static int
ptab_rehash(ptab *t, size_t n_slots)
{
    uint32_t *s = calloc(n_slots, sizeof *s);
    size_t i, mask = n_slots - 1;
    if (s == NULL)
        return LOY_ENOMEM;
    for (i = 0; i < t->n; i++) {
        size_t h = (size_t)hash_key(t->key + i * t->dim, t->dim) & mask;
        while (s[h] != 0)
            h = (h + 1) & mask;
        s[h] = (uint32_t)(i + 1);
    }
    free(t->slot);
    t->slot = s;
    t->slot_mask = mask;
    return LOY_OK;
}

/* Room for one more entry: entry arrays and a slot table at load <= 1/2. */
static int
ptab_reserve(ptab *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        double *k;
        loy__ksum *w;
        LOY__REQUIRE(t->n < MAX_ENTRIES, LOY_ENOMEM);
        if (cap > MAX_ENTRIES)
            cap = MAX_ENTRIES;
        k = realloc(t->key, cap * t->dim * sizeof *k);
        if (k == NULL)
            return LOY_ENOMEM;
        t->key = k;
        w = realloc(t->w, cap * sizeof *w);
        if (w == NULL)
            return LOY_ENOMEM;
        t->w = w;
        t->cap = cap;
    }
    if (t->slot_mask == 0 || 2 * (t->n + 1) > t->slot_mask + 1)
        return ptab_rehash(t, t->slot_mask ? 2 * (t->slot_mask + 1) : 128);
    return LOY_OK;
}

/* Add weight (sum, c) to the entry of key k, creating it when new. */
static int
ptab_add(ptab *t, const double *k, double sum, double c)
{
    size_t h;
    LOY__TRY(ptab_reserve(t));
    h = (size_t)hash_key(k, t->dim) & t->slot_mask;
    while (t->slot[h] != 0) {
        size_t e = t->slot[h] - 1u;
        if (same_key(t->key + e * t->dim, k, t->dim)) {
            loy__ksum_add(&t->w[e], sum);
            if (c != 0.0)
                loy__ksum_add(&t->w[e], c);
            return LOY_OK;
        }
        h = (h + 1) & t->slot_mask;
    }
    memcpy(t->key + t->n * t->dim, k, t->dim * sizeof *k);
    t->w[t->n].sum = sum;
    t->w[t->n].c = c;
    t->slot[h] = (uint32_t)(++t->n);
    return LOY_OK;
}

static double
ptab_total(const ptab *t)
{
    loy__ksum s = {0.0, 0.0};
    size_t i;
    for (i = 0; i < t->n; i++)
        loy__ksum_add(&s, loy__ksum_value(&t->w[i]));
    return loy__ksum_value(&s);
}

/* Entries in ascending key order: an index permutation. */
typedef struct sort_item {
    double k[MAX_DIM];
    size_t e;
} sort_item;

static int
cmp_item(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    int j;
    for (j = 0; j < MAX_DIM; j++) {
        if (a->k[j] < b->k[j])
            return -1;
        if (a->k[j] > b->k[j])
            return 1;
    }
    return 0;
}

static int
ptab_order(size_t **out, const ptab *t)
{
    sort_item *it = malloc((t->n ? t->n : 1) * sizeof *it);
    size_t *ord = malloc((t->n ? t->n : 1) * sizeof *ord);
    size_t i;
    unsigned j;
    if (it == NULL || ord == NULL) {
        free(it);
        free(ord);
        return LOY_ENOMEM;
    }
    for (i = 0; i < t->n; i++) {
        for (j = 0; j < MAX_DIM; j++)
            it[i].k[j] = j < t->dim ? t->key[i * t->dim + j] : 0.0;
        it[i].e = i;
    }
    qsort(it, t->n, sizeof *it, cmp_item);
    for (i = 0; i < t->n; i++)
        ord[i] = it[i].e;
    free(it);
    *out = ord;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* lifecycle and adding customers                                      */
/* ------------------------------------------------------------------ */

static loy_patterns *
patterns_alloc(uint32_t flags)
{
    loy_patterns *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->flags = flags;
    p->freq.dim = 3;
    p->spend.dim = 2;
    return p;
}

int
loy_patterns_new(loy_patterns **out, uint32_t flags)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__REQUIRE((flags & ~LOY_PATTERNS_MONETARY) == 0, LOY_EINVAL);
    *out = patterns_alloc(flags);
    return *out != NULL ? LOY_OK : LOY_ENOMEM;
}

void
loy_patterns_free(loy_patterns *p)
{
    if (p == NULL)
        return;
    ptab_free(&p->freq);
    ptab_free(&p->spend);
    free(p);
}

/* Monetary value of a customer: finite, >= 0. */
static int
check_monetary(const double *m, size_t n, size_t *err_index)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int rc = loy__check_range(m[i], 0.0, DBL_MAX);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    return LOY_OK;
}

/* Adding 0.0 turns -0.0 into +0.0: one key per number. */
static double
canon(double v)
{
    return v + 0.0;
}

static int
add_row(loy_patterns *p, double x, double tx, double T, const double *m,
        double w)
{
    double k[3];
    k[0] = canon(x);
    k[1] = canon(tx);
    k[2] = canon(T);
    LOY__TRY(ptab_add(&p->freq, k, w, 0.0));
    if (m == NULL || x < 1.0)
        return LOY_OK;
    if (*m == 0.0) {
        loy__ksum_add(&p->zero_spend, w);
        return LOY_OK;
    }
    k[1] = *m;
    return ptab_add(&p->spend, k, w, 0.0);
}

int
loy_patterns_add(loy_patterns *p, const double *x, const double *t_x,
                 const double *T, const double *monetary,
                 const double *weights, size_t n, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(p != NULL, LOY_EINVAL);
    if (n == 0)
        return LOY_OK;
    LOY__REQUIRE(x != NULL && t_x != NULL && T != NULL, LOY_EINVAL);
    LOY__REQUIRE((monetary != NULL) == ((p->flags & LOY_PATTERNS_MONETARY) != 0),
                 LOY_EINVAL);
    LOY__REQUIRE((uint64_t)n <= UINT64_MAX - p->rows, LOY_EOVERFLOW);
    LOY__TRY(loy__btyd_check_rows(x, t_x, T, weights, n, err_index));
    if (monetary != NULL)
        LOY__TRY(check_monetary(monetary, n, err_index));
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        if (w == 0.0)
            continue;
        LOY__TRY(add_row(p, x[i], t_x[i], T[i],
                         monetary != NULL ? &monetary[i] : NULL, w));
    }
    p->rows += (uint64_t)n;
    return LOY_OK;
}

static int
merge_tab(ptab *acc, const ptab *add)
{
    size_t i;
    for (i = 0; i < add->n; i++)
        LOY__TRY(ptab_add(acc, add->key + i * add->dim, add->w[i].sum,
                          add->w[i].c));
    return LOY_OK;
}

static void
double_tab(ptab *t)
{
    size_t i;
    for (i = 0; i < t->n; i++) {
        t->w[i].sum *= 2.0;
        t->w[i].c *= 2.0;
    }
}

int
loy_patterns_merge(loy_patterns *acc, const loy_patterns *add)
{
    LOY__REQUIRE(acc != NULL && add != NULL, LOY_EINVAL);
    LOY__REQUIRE(acc->flags == add->flags, LOY_EINVAL);
    LOY__REQUIRE(add->rows <= UINT64_MAX - acc->rows, LOY_EOVERFLOW);
    if (acc == add) {
        double_tab(&acc->freq);
        double_tab(&acc->spend);
        acc->zero_spend.sum *= 2.0;
        acc->zero_spend.c *= 2.0;
        acc->rows *= 2u;
        return LOY_OK;
    }
    LOY__TRY(merge_tab(&acc->freq, &add->freq));
    LOY__TRY(merge_tab(&acc->spend, &add->spend));
    loy__ksum_add(&acc->zero_spend, add->zero_spend.sum);
    loy__ksum_add(&acc->zero_spend, add->zero_spend.c);
    acc->rows += add->rows;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* reading back                                                        */
/* ------------------------------------------------------------------ */

int
loy_patterns_get_info(loy_patterns_info *info, const loy_patterns *p)
{
    loy_patterns_info r;
    LOY__REQUIRE(p != NULL && LOY__STRUCT_OK(info, sizeof r), LOY_EINVAL);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.n_patterns = (uint64_t)p->freq.n;
    r.n_spend_patterns = (uint64_t)p->spend.n;
    r.n_rows = p->rows;
    r.customers = ptab_total(&p->freq);
    r.spend_customers = ptab_total(&p->spend);
    r.zero_spend_customers = loy__ksum_value(&p->zero_spend);
    r.flags = p->flags;
    loy__struct_copy_out(info, &r, sizeof r);
    return LOY_OK;
}

/* Copy a table out in key order into dim key columns and a weight column. */
static int
tab_rows(double *const *cols, double *w, size_t cap, const ptab *t)
{
    size_t *ord, i;
    unsigned j;
    LOY__REQUIRE(cap >= t->n, LOY_EBUFSIZE);
    for (j = 0; j < t->dim; j++)
        LOY__REQUIRE(cols[j] != NULL || t->n == 0, LOY_EINVAL);
    LOY__REQUIRE(w != NULL || t->n == 0, LOY_EINVAL);
    LOY__TRY(ptab_order(&ord, t));
    for (i = 0; i < t->n; i++) {
        for (j = 0; j < t->dim; j++)
            cols[j][i] = t->key[ord[i] * t->dim + j];
        w[i] = loy__ksum_value(&t->w[ord[i]]);
    }
    free(ord);
    return LOY_OK;
}

int
loy_patterns_rows(double *x, double *t_x, double *T, double *weights,
                  size_t cap, const loy_patterns *p)
{
    double *cols[3];
    LOY__REQUIRE(p != NULL, LOY_EINVAL);
    cols[0] = x;
    cols[1] = t_x;
    cols[2] = T;
    return tab_rows(cols, weights, cap, &p->freq);
}

int
loy_patterns_spend_rows(double *x, double *m, double *weights, size_t cap,
                        const loy_patterns *p)
{
    double *cols[2];
    LOY__REQUIRE(p != NULL, LOY_EINVAL);
    cols[0] = x;
    cols[1] = m;
    return tab_rows(cols, weights, cap, &p->spend);
}

/* ------------------------------------------------------------------ */
/* bytes                                                               */
/* ------------------------------------------------------------------ */

static int
write_tab(loy__wbuf *w, const ptab *t)
{
    size_t *ord, i;
    unsigned j;
    LOY__TRY(ptab_order(&ord, t));
    for (i = 0; i < t->n; i++) {
        for (j = 0; j < t->dim; j++)
            loy__wr_f64(w, t->key[ord[i] * t->dim + j]);
        loy__wr_f64(w, loy__ksum_value(&t->w[ord[i]]));
    }
    free(ord);
    return LOY_OK;
}

int
loy_patterns_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                       const loy_patterns *p)
{
    loy__wbuf w;
    uint64_t payload;
    LOY__REQUIRE(len_out != NULL && p != NULL, LOY_EINVAL);
    payload = FIXED_PAYLOAD + 32u * (uint64_t)p->freq.n
              + 24u * (uint64_t)p->spend.n;
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_PATTERNS, 1u, payload);
    loy__wr_u32(&w, p->flags);
    loy__wr_u32(&w, 0u);
    loy__wr_u64(&w, p->rows);
    loy__wr_u64(&w, (uint64_t)p->freq.n);
    loy__wr_u64(&w, (uint64_t)p->spend.n);
    loy__wr_f64(&w, loy__ksum_value(&p->zero_spend));
    if (w.len <= w.cap) {
        /* rows only when they can be stored: a size query sorts nothing */
        LOY__TRY(write_tab(&w, &p->freq));
        LOY__TRY(write_tab(&w, &p->spend));
    } else {
        w.len += (size_t)(payload - FIXED_PAYLOAD);
    }
    return loy__wbuf_finish(&w, len_out);
}

/* A stored weight: finite and > 0 (zero-weight rows are never stored). */
static int
weight_ok(double w)
{
    return loy__finite(w) && w > 0.0;
}

static int
key_after(const double *prev, const double *k, unsigned dim)
{
    sort_item a, b;
    unsigned j;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    for (j = 0; j < dim; j++) {
        a.k[j] = prev[j];
        b.k[j] = k[j];
    }
    return cmp_item(&a, &b) < 0;
}

/* One stored frequency row: a valid customer row with positive weight. */
static int
freq_row_ok(const double *k, double w)
{
    size_t bad;
    return weight_ok(w)
           && loy__btyd_check_rows(&k[0], &k[1], &k[2], &w, 1, &bad) == LOY_OK;
}

/* Keys are stored canonical (no -0.0), so bytes round-trip exactly. */
static int
canonical(const double *k, unsigned dim)
{
    unsigned j;
    for (j = 0; j < dim; j++)
        if (bits_of(k[j]) != bits_of(canon(k[j])))
            return 0;
    return 1;
}

/* One stored spend row: x a whole number >= 1, m finite and > 0. */
static int
spend_row_ok(const double *k, double w)
{
    return weight_ok(w) && loy__finite(k[0]) && k[0] >= 1.0
           && k[0] == floor(k[0]) && loy__finite(k[1]) && k[1] > 0.0;
}

static int
read_tab(loy__rbuf *r, ptab *t, uint64_t n)
{
    double prev[MAX_DIM] = {0.0, 0.0, 0.0}, k[MAX_DIM];
    uint64_t i;
    unsigned j;
    for (i = 0; i < n; i++) {
        double w;
        for (j = 0; j < t->dim; j++)
            k[j] = loy__rd_f64(r);
        w = loy__rd_f64(r);
        LOY__REQUIRE(!r->bad, LOY_EFORMAT);
        LOY__REQUIRE(t->dim == 3 ? freq_row_ok(k, w) : spend_row_ok(k, w),
                     LOY_EFORMAT);
        LOY__REQUIRE(canonical(k, t->dim), LOY_EFORMAT);
        LOY__REQUIRE(i == 0 || key_after(prev, k, t->dim), LOY_EFORMAT);
        LOY__TRY(ptab_add(t, k, w, 0.0));
        memcpy(prev, k, sizeof prev);
    }
    return LOY_OK;
}

static int
read_patterns(loy_patterns *p, loy__rbuf *r, size_t len)
{
    uint64_t n_freq, n_spend, rest;
    double zero;
    p->rows = loy__rd_u64(r);
    n_freq = loy__rd_u64(r);
    n_spend = loy__rd_u64(r);
    zero = loy__rd_f64(r);
    LOY__REQUIRE(!r->bad, LOY_EFORMAT);
    /* lengths checked against the buffer before anything is read or
     * allocated: a count in the bytes is never trusted */
    rest = (uint64_t)(len - r->pos);
    LOY__REQUIRE(n_freq <= rest / 32u, LOY_EFORMAT);
    LOY__REQUIRE(n_spend <= (rest - 32u * n_freq) / 24u, LOY_EFORMAT);
    LOY__REQUIRE(rest == 32u * n_freq + 24u * n_spend, LOY_EFORMAT);
    LOY__REQUIRE(loy__finite(zero) && zero >= 0.0, LOY_EFORMAT);
    LOY__REQUIRE(bits_of(zero) == bits_of(canon(zero)), LOY_EFORMAT);
    if (!(p->flags & LOY_PATTERNS_MONETARY))
        LOY__REQUIRE(n_spend == 0 && zero == 0.0, LOY_EFORMAT);
    p->zero_spend.sum = zero;
    LOY__TRY(read_tab(r, &p->freq, n_freq));
    LOY__TRY(read_tab(r, &p->spend, n_spend));
    return loy__rbuf_finish(r);
}

int
loy_patterns_deserialize(loy_patterns **out, const uint8_t *buf, size_t len)
{
    loy__rbuf r;
    loy_patterns *p;
    uint32_t flags, reserved;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_PATTERNS, 1u, NULL));
    flags = loy__rd_u32(&r);
    reserved = loy__rd_u32(&r);
    LOY__REQUIRE(!r.bad && reserved == 0u
                     && (flags & ~LOY_PATTERNS_MONETARY) == 0,
                 LOY_EFORMAT);
    p = patterns_alloc(flags);
    LOY__REQUIRE(p != NULL, LOY_ENOMEM);
    rc = read_patterns(p, &r, len);
    if (rc != LOY_OK) {
        loy_patterns_free(p);
        return rc;
    }
    *out = p;
    return LOY_OK;
}
