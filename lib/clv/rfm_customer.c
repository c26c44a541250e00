/* SPDX-License-Identifier: MIT */
/*
 * rfm_customer.c - the purchase-log summary of ONE customer as a mergeable
 * state (loy_rfm_customer): what a database aggregate
 * `GROUP BY customer` needs, where the rows of a customer arrive in any
 * order, in pieces, on different workers or shards.
 *
 * It applies the builder's rules (the window, validation and row formulas
 * of rfm_window.c, the running state loy__rfm_cust of rfm_internal.h), so
 * a customer's row equals the builder's. The only thing that cannot be
 * merged by adding numbers is the number of distinct periods, so the state
 * keeps the set of period offsets of each window, sorted (descending
 * offset = ascending time, so time-ordered rows append at the end).
 *
 * Byte form, version 1 (after the 16-byte header):
 *   options: i64 period_length, i64 period_origin, f64 freq_multiplier,
 *            i64 calibration_end, u32 flags, u32 reserved (0);
 *   i64 observation_end, u64 rows added, u64 rows dropped,
 *   u32 has_cal, u32 holdout rows, i64 first_time, f64 first_sum,
 *   f64 rep_sum (sum, compensation), f64 hold_sum (sum, compensation),
 *   u64 n_cal, u64 n_hold, then n_cal and n_hold u32 period offsets,
 *   each list strictly descending.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "core/serial.h"
#include "clv/rfm_internal.h"

#define FIXED_PAYLOAD 136u

typedef struct off_set {
    uint32_t *off; /* strictly descending */
    size_t n, cap;
} off_set;

struct loy_rfm_customer {
    loy__rfm_window w;
    loy__rfm_cust c;
    uint64_t n_rows, n_dropped;
    off_set per[2]; /* calibration (or whole log), holdout */
};

static void
cust_init(loy__rfm_cust *c)
{
    memset(c, 0, sizeof *c);
    c->first_time = LOY__RFM_NO_CAL;
}

int
loy_rfm_customer_new(loy_rfm_customer **out, int64_t observation_end,
                     const loy_rfm_options *opts)
{
    loy_rfm_customer *c;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    c = calloc(1, sizeof *c);
    LOY__REQUIRE(c != NULL, LOY_ENOMEM);
    rc = loy__rfm_window_init(&c->w, observation_end, opts);
    if (rc != LOY_OK) {
        free(c);
        return rc;
    }
    cust_init(&c->c);
    *out = c;
    return LOY_OK;
}

void
loy_rfm_customer_free(loy_rfm_customer *c)
{
    if (c == NULL)
        return;
    free(c->per[0].off);
    free(c->per[1].off);
    free(c);
}

/* Position of `off` in a descending list: the first entry <= off. */
static size_t
find_off(const off_set *s, uint32_t off)
{
    size_t lo = 0, hi = s->n;
    if (s->n > 0 && s->off[s->n - 1] > off)
        return s->n; /* the common case: a later period than any so far */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->off[mid] > off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int
reserve_off(off_set *s, size_t need)
{
    uint32_t *p;
    size_t cap;
    if (need <= s->cap)
        return LOY_OK;
    cap = s->cap ? 2 * s->cap : 8;
    if (cap < need)
        cap = need;
    p = realloc(s->off, cap * sizeof *p);
    LOY__REQUIRE(p != NULL, LOY_ENOMEM);
    s->off = p;
    s->cap = cap;
    return LOY_OK;
}

static int
insert_off(off_set *s, uint32_t off)
{
    size_t k = find_off(s, off);
    if (k < s->n && s->off[k] == off)
        return LOY_OK;
    LOY__TRY(reserve_off(s, s->n + 1));
    memmove(s->off + k + 1, s->off + k, (s->n - k) * sizeof *s->off);
    s->off[k] = off;
    s->n++;
    return LOY_OK;
}

/* Room for every row of a chunk, so that adding cannot fail halfway. */
static int
reserve_chunk(loy_rfm_customer *c, const int64_t *time, size_t n)
{
    size_t i, more[2] = {0, 0};
    for (i = 0; i < n; i++) {
        uint32_t off, win = loy__rfm_classify(&c->w, time[i], &off);
        if (win != LOY__RFM_DROPPED)
            more[win]++;
    }
    LOY__REQUIRE(more[1] <= (size_t)(UINT32_MAX - c->c.hold_rows),
                 LOY_EOVERFLOW);
    LOY__TRY(reserve_off(&c->per[0], c->per[0].n + more[0]));
    return reserve_off(&c->per[1], c->per[1].n + more[1]);
}

int
loy_rfm_customer_add(loy_rfm_customer *c, const int64_t *time,
                     const double *amount, size_t n, size_t *err_index)
{
    size_t i;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(c != NULL, LOY_EINVAL);
    if (n == 0)
        return LOY_OK;
    LOY__REQUIRE(time != NULL, LOY_EINVAL);
    LOY__REQUIRE((uint64_t)n <= UINT64_MAX - c->n_rows, LOY_EOVERFLOW);
    LOY__TRY(loy__rfm_check_rows(&c->w, time, amount, n, err_index));
    LOY__TRY(reserve_chunk(c, time, n));
    for (i = 0; i < n; i++) {
        double a = amount != NULL ? amount[i] : 0.0;
        uint32_t off, win = loy__rfm_classify(&c->w, time[i], &off);
        if (win == LOY__RFM_DROPPED) {
            c->n_dropped++;
            continue;
        }
        if (win == 0) {
            loy__rfm_apply_cal(&c->c, time[i], off, a);
        } else {
            loy__ksum_add(&c->c.hold_sum, a);
            c->c.hold_rows++;
        }
        (void)insert_off(&c->per[win], off); /* room reserved above */
    }
    c->n_rows += (uint64_t)n;
    return LOY_OK;
}

/* The same options and windows: merging is adding the same kind of rows. */
static int
same_window(const loy__rfm_window *a, const loy__rfm_window *b)
{
    return a->opt.period_length == b->opt.period_length
           && a->opt.period_origin == b->opt.period_origin
           && memcmp(&a->opt.freq_multiplier, &b->opt.freq_multiplier,
                     sizeof(double)) == 0
           && a->opt.flags == b->opt.flags && a->obs_end == b->obs_end
           && a->cal_end == b->cal_end;
}

/* a = a U b, both descending, into fresh memory. */
static int
union_off(off_set *a, const off_set *b)
{
    uint32_t *u;
    size_t i = 0, j = 0, k = 0, total = a->n + b->n;
    if (b->n == 0)
        return LOY_OK;
    u = malloc(total * sizeof *u);
    LOY__REQUIRE(u != NULL, LOY_ENOMEM);
    while (i < a->n || j < b->n) {
        uint32_t v;
        if (j == b->n || (i < a->n && a->off[i] > b->off[j]))
            v = a->off[i++];
        else if (i == a->n || b->off[j] > a->off[i])
            v = b->off[j++];
        else {
            v = a->off[i++];
            j++;
        }
        u[k++] = v;
    }
    free(a->off);
    a->off = u;
    a->n = k;
    a->cap = total;
    return LOY_OK;
}

/* The calibration part of b into a (the builder's rule for a first period
 * that turns out not to be the first). */
static void
merge_cal(loy__rfm_cust *a, const loy__rfm_cust *b)
{
    if (b->first_time == LOY__RFM_NO_CAL)
        return;
    if (a->first_time == LOY__RFM_NO_CAL) {
        a->first_time = b->first_time;
        a->first_off = b->first_off;
        a->last_off = b->last_off;
        a->first_sum = b->first_sum;
        a->rep_sum = b->rep_sum;
        return;
    }
    if (b->first_off > a->first_off) {
        loy__ksum_add(&a->rep_sum, a->first_sum);
        a->first_sum = b->first_sum;
        a->first_off = b->first_off;
    } else if (b->first_off == a->first_off) {
        a->first_sum += b->first_sum;
    } else {
        loy__ksum_add(&a->rep_sum, b->first_sum);
    }
    loy__ksum_add(&a->rep_sum, b->rep_sum.sum);
    loy__ksum_add(&a->rep_sum, b->rep_sum.c);
    if (b->last_off < a->last_off)
        a->last_off = b->last_off;
    if (b->first_time < a->first_time)
        a->first_time = b->first_time;
}

int
loy_rfm_customer_merge(loy_rfm_customer *acc, const loy_rfm_customer *add)
{
    loy_rfm_customer copy;
    LOY__REQUIRE(acc != NULL && add != NULL, LOY_EINVAL);
    LOY__REQUIRE(same_window(&acc->w, &add->w), LOY_EINVAL);
    LOY__REQUIRE(add->n_rows <= UINT64_MAX - acc->n_rows, LOY_EOVERFLOW);
    LOY__REQUIRE(add->c.hold_rows <= UINT32_MAX - acc->c.hold_rows,
                 LOY_EOVERFLOW);
    /* acc == add: merge a snapshot (the period sets stay as they are) */
    copy = *add;
    LOY__TRY(union_off(&acc->per[0], &copy.per[0]));
    LOY__TRY(union_off(&acc->per[1], &copy.per[1]));
    merge_cal(&acc->c, &copy.c);
    acc->c.hold_rows += copy.c.hold_rows;
    loy__ksum_add(&acc->c.hold_sum, copy.c.hold_sum.sum);
    loy__ksum_add(&acc->c.hold_sum, copy.c.hold_sum.c);
    acc->n_rows += copy.n_rows;
    acc->n_dropped += copy.n_dropped;
    return LOY_OK;
}

int
loy_rfm_customer_row(double *row, size_t n_cols, int64_t *first_time,
                     const loy_rfm_customer *c)
{
    double r[6];
    size_t need;
    LOY__REQUIRE(row != NULL && c != NULL, LOY_EINVAL);
    need = c->w.calib ? 6u : 4u;
    LOY__REQUIRE(n_cols >= need, LOY_EINVAL);
    LOY__REQUIRE(c->c.first_time != LOY__RFM_NO_CAL, LOY_EEMPTY);
    LOY__TRY(loy__rfm_fill_row(r, &c->w, &c->c, (uint64_t)c->per[0].n,
                               (uint64_t)c->per[1].n));
    memcpy(row, r, need * sizeof *row);
    if (first_time != NULL)
        *first_time = c->c.first_time;
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* bytes                                                               */
/* ------------------------------------------------------------------ */

int
loy_rfm_customer_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                           const loy_rfm_customer *c)
{
    loy__wbuf w;
    size_t k, win;
    LOY__REQUIRE(len_out != NULL && c != NULL, LOY_EINVAL);
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_RFM_CUSTOMER, 1u,
                   FIXED_PAYLOAD + 4u * ((uint64_t)c->per[0].n + c->per[1].n));
    loy__wr_i64(&w, c->w.opt.period_length);
    loy__wr_i64(&w, c->w.opt.period_origin);
    loy__wr_f64(&w, c->w.opt.freq_multiplier);
    loy__wr_i64(&w, c->w.opt.calibration_end);
    loy__wr_u32(&w, c->w.opt.flags);
    loy__wr_u32(&w, 0u);
    loy__wr_i64(&w, c->w.obs_end);
    loy__wr_u64(&w, c->n_rows);
    loy__wr_u64(&w, c->n_dropped);
    loy__wr_u32(&w, c->c.first_time != LOY__RFM_NO_CAL);
    loy__wr_u32(&w, (uint32_t)c->c.hold_rows); /* <= UINT32_MAX (add, merge) */
    loy__wr_i64(&w, c->c.first_time);
    loy__wr_f64(&w, c->c.first_sum);
    loy__wr_f64(&w, c->c.rep_sum.sum);
    loy__wr_f64(&w, c->c.rep_sum.c);
    loy__wr_f64(&w, c->c.hold_sum.sum);
    loy__wr_f64(&w, c->c.hold_sum.c);
    loy__wr_u64(&w, (uint64_t)c->per[0].n);
    loy__wr_u64(&w, (uint64_t)c->per[1].n);
    for (win = 0; win < 2; win++)
        for (k = 0; k < c->per[win].n; k++)
            loy__wr_u32(&w, c->per[win].off[k]);
    return loy__wbuf_finish(&w, len_out);
}

static int
read_offsets(loy__rbuf *r, off_set *s, uint64_t n, uint32_t max_off)
{
    uint64_t k;
    if (n == 0)
        return LOY_OK;
    LOY__TRY(reserve_off(s, (size_t)n));
    for (k = 0; k < n; k++) {
        uint32_t v = loy__rd_u32(r);
        LOY__REQUIRE(v <= max_off, LOY_EFORMAT);
        LOY__REQUIRE(k == 0 || v < s->off[k - 1], LOY_EFORMAT);
        s->off[k] = v;
    }
    s->n = (size_t)n;
    return r->bad ? LOY_EFORMAT : LOY_OK;
}

static int
sum_ok(double v)
{
    return loy__finite(v) && v >= 0.0;
}

/* The decoded state is one that adding rows could have produced. */
static int
state_ok(const loy_rfm_customer *c)
{
    const loy__rfm_cust *u = &c->c;
    uint64_t nc = (uint64_t)c->per[0].n, nh = (uint64_t)c->per[1].n;
    LOY__REQUIRE((u->first_time != LOY__RFM_NO_CAL) == (nc > 0), LOY_EFORMAT);
    LOY__REQUIRE(nh <= u->hold_rows && (u->hold_rows == 0 || nh > 0),
                 LOY_EFORMAT);
    LOY__REQUIRE(c->w.calib || u->hold_rows == 0, LOY_EFORMAT);
    LOY__REQUIRE(c->n_dropped <= c->n_rows
                     && u->hold_rows <= c->n_rows - c->n_dropped
                     && nc <= c->n_rows - c->n_dropped - u->hold_rows,
                 LOY_EFORMAT);
    LOY__REQUIRE(sum_ok(u->first_sum)
                     && sum_ok(loy__ksum_value(&u->rep_sum))
                     && sum_ok(loy__ksum_value(&u->hold_sum))
                     && loy__finite(u->rep_sum.c)
                     && loy__finite(u->hold_sum.c),
                 LOY_EFORMAT);
    if (u->first_time == LOY__RFM_NO_CAL)
        return (u->first_time == INT64_MAX && u->first_sum == 0.0
                && u->rep_sum.sum == 0.0 && u->rep_sum.c == 0.0)
                   ? LOY_OK : LOY_EFORMAT;
    /* the first time lies in the first period, inside the window */
    LOY__REQUIRE(u->first_time >= c->w.min_time, LOY_EFORMAT);
    LOY__REQUIRE(u->first_time <= (c->w.calib ? c->w.cal_end : INT64_MAX),
                 LOY_EFORMAT);
    LOY__REQUIRE(loy__rfm_period(&c->w, u->first_time)
                     == c->w.cal_p - (int64_t)u->first_off,
                 LOY_EFORMAT);
    LOY__REQUIRE(nc > 1 || (u->rep_sum.sum == 0.0 && u->rep_sum.c == 0.0),
                 LOY_EFORMAT);
    return LOY_OK;
}

static int
read_customer(loy_rfm_customer *c, loy__rbuf *r, size_t len)
{
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    uint64_t nc, nh;
    uint32_t has_cal;
    int64_t obs_end;
    o.period_length = loy__rd_i64(r);
    o.period_origin = loy__rd_i64(r);
    o.freq_multiplier = loy__rd_f64(r);
    o.calibration_end = loy__rd_i64(r);
    o.flags = loy__rd_u32(r);
    LOY__REQUIRE(loy__rd_u32(r) == 0u, LOY_EFORMAT);
    obs_end = loy__rd_i64(r);
    LOY__REQUIRE(!r->bad, LOY_EFORMAT);
    LOY__REQUIRE(loy__rfm_window_init(&c->w, obs_end, &o) == LOY_OK,
                 LOY_EFORMAT);
    c->n_rows = loy__rd_u64(r);
    c->n_dropped = loy__rd_u64(r);
    has_cal = loy__rd_u32(r);
    c->c.hold_rows = loy__rd_u32(r);
    c->c.first_time = loy__rd_i64(r);
    LOY__REQUIRE(has_cal == (c->c.first_time != LOY__RFM_NO_CAL), LOY_EFORMAT);
    c->c.first_sum = loy__rd_f64(r);
    c->c.rep_sum.sum = loy__rd_f64(r);
    c->c.rep_sum.c = loy__rd_f64(r);
    c->c.hold_sum.sum = loy__rd_f64(r);
    c->c.hold_sum.c = loy__rd_f64(r);
    nc = loy__rd_u64(r);
    nh = loy__rd_u64(r);
    LOY__REQUIRE(!r->bad, LOY_EFORMAT);
    LOY__REQUIRE(nc <= (len - r->pos) / 4u && nh <= (len - r->pos) / 4u - nc
                     && 4u * (nc + nh) == len - r->pos,
                 LOY_EFORMAT);
    LOY__TRY(read_offsets(r, &c->per[0], nc, UINT32_MAX));
    LOY__TRY(read_offsets(r, &c->per[1], nh,
                          (uint32_t)(c->w.obs_p - c->w.cal_p)));
    LOY__TRY(loy__rbuf_finish(r));
    if (nc > 0) {
        c->c.first_off = c->per[0].off[0];
        c->c.last_off = c->per[0].off[nc - 1];
    }
    return state_ok(c);
}

int
loy_rfm_customer_deserialize(loy_rfm_customer **out, const uint8_t *buf,
                             size_t len)
{
    loy__rbuf r;
    loy_rfm_customer *c;
    int rc;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_RFM_CUSTOMER, 1u,
                            NULL));
    c = calloc(1, sizeof *c);
    LOY__REQUIRE(c != NULL, LOY_ENOMEM);
    rc = read_customer(c, &r, len);
    if (rc != LOY_OK) {
        loy_rfm_customer_free(c);
        return rc;
    }
    *out = c;
    return LOY_OK;
}
