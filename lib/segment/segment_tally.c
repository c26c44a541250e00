/* SPDX-License-Identifier: MIT */
/*
 * segment_tally.c - the ABC x loyalty crossing as a mergeable state.
 *
 * Every result of loy_segment_cross() follows from a few dozen sums per
 * cell (segment_internal.h, loy__seg_acc), so customers can be crossed in
 * chunks and the sums added: across threads, shards or the partial
 * aggregates of a database. The tally also remembers its shape (potential
 * split, lifetime values, churn probabilities), because sums of different
 * shapes mean different things and must not be added.
 *
 * Byte form, version 1 (after the 16-byte header): u32 shape bits
 * (1 shaped, 2 potential, 4 lifetime value, 8 churn), u32 reserved (0),
 * u64 customers, then per cell (24) u64 count and the (sum, compensation)
 * pairs of value and lifetime value, then per value class (3) the pair of
 * the passives' churn-weighted value: 1024 bytes.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "core/serial.h"
#include "segment/segment_internal.h"

#define NCELLS LOY__SEG_CELLS
#define SHAPED 0x1u
#define SHAPE_POTENTIAL 0x2u
#define SHAPE_LTV 0x4u
#define SHAPE_CHURN 0x8u
#define SHAPE_ALL 0xFu
#define PAYLOAD (16u + NCELLS * 40u + 3u * 16u)

struct loy_segment_tally {
    loy__seg_acc acc;
    uint64_t n;
    uint32_t shape;
};

int
loy_segment_tally_new(loy_segment_tally **out)
{
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = calloc(1, sizeof **out);
    return *out != NULL ? LOY_OK : LOY_ENOMEM;
}

void
loy_segment_tally_free(loy_segment_tally *t)
{
    free(t);
}

static uint32_t
shape_of(const loy_segment_input *in)
{
    return SHAPED | (in->potential != NULL ? SHAPE_POTENTIAL : 0u)
           | (in->lifetime_value != NULL ? SHAPE_LTV : 0u)
           | (in->churn_prob != NULL ? SHAPE_CHURN : 0u);
}

/* Shapes agree when one of them is still unset (an empty tally). */
static int
shapes_fit(uint32_t a, uint32_t b)
{
    return !(a & SHAPED) || !(b & SHAPED) || a == b;
}

static void
add_ksum(loy__ksum *a, const loy__ksum *b)
{
    loy__ksum_add(a, b->sum);
    if (b->c != 0.0)
        loy__ksum_add(a, b->c);
}

static void
acc_merge(loy__seg_acc *a, const loy__seg_acc *b)
{
    int c;
    for (c = 0; c < NCELLS; c++) {
        a->count[c] += b->count[c];
        add_ksum(&a->value[c], &b->value[c]);
        add_ksum(&a->ltv[c], &b->ltv[c]);
    }
    for (c = 0; c < 3; c++)
        add_ksum(&a->risk[c], &b->risk[c]);
}

int
loy_segment_tally_add(loy_segment_tally *t, const loy_segment_input *input,
                      size_t *err_index)
{
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    loy__seg_acc acc;
    uint32_t shape;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(t != NULL && input != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(input->struct_size, sizeof in),
                 LOY_EINVAL);
    loy__struct_copy_in(&in, input, sizeof in);
    if (in.n == 0)
        return LOY_OK;
    /* the interval options belong to loy_segment_tally_result() */
    in.nps_level = 0.95;
    in.nps_method = LOY_NPS_WALD;
    shape = shape_of(&in);
    LOY__REQUIRE(shapes_fit(t->shape, shape), LOY_EINVAL);
    LOY__REQUIRE((uint64_t)in.n <= UINT64_MAX - t->n, LOY_EOVERFLOW);
    LOY__TRY(loy__seg_cross(&acc, NULL, &in, err_index));
    acc_merge(&t->acc, &acc);
    t->n += (uint64_t)in.n;
    t->shape = shape;
    return LOY_OK;
}

int
loy_segment_tally_merge(loy_segment_tally *acc, const loy_segment_tally *add)
{
    loy_segment_tally copy;
    LOY__REQUIRE(acc != NULL && add != NULL, LOY_EINVAL);
    LOY__REQUIRE(shapes_fit(acc->shape, add->shape), LOY_EINVAL);
    LOY__REQUIRE(add->n <= UINT64_MAX - acc->n, LOY_EOVERFLOW);
    copy = *add; /* acc may be add */
    acc_merge(&acc->acc, &copy.acc);
    acc->n += copy.n;
    acc->shape |= copy.shape;
    return LOY_OK;
}

int
loy_segment_tally_result(loy_segment_result *out, const loy_segment_tally *t,
                         uint32_t nps_method, double nps_level,
                         uint32_t small_n)
{
    loy__seg_opts o;
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof(loy_segment_result)) && t != NULL,
                 LOY_EINVAL);
    LOY__REQUIRE(nps_method <= LOY_NPS_SCORE, LOY_EINVAL);
    if (nps_level == 0.0)
        nps_level = 0.95;
    LOY__REQUIRE(!isnan(nps_level), LOY_ENONFINITE);
    LOY__REQUIRE(nps_level > 0.0 && nps_level < 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(t->n > 0, LOY_EEMPTY);
    o.n = t->n;
    o.with_potential = (t->shape & SHAPE_POTENTIAL) != 0;
    o.has_ltv = (t->shape & SHAPE_LTV) != 0;
    o.small_n = small_n;
    o.nps_method = nps_method;
    o.nps_level = nps_level;
    return loy__seg_summarise(out, &t->acc, &o);
}

/* ------------------------------------------------------------------ */
/* bytes                                                               */
/* ------------------------------------------------------------------ */

static void
wr_ksum(loy__wbuf *w, const loy__ksum *k)
{
    loy__wr_f64(w, k->sum);
    loy__wr_f64(w, k->c);
}

int
loy_segment_tally_serialize(uint8_t *buf, size_t cap, size_t *len_out,
                            const loy_segment_tally *t)
{
    loy__wbuf w;
    int c;
    LOY__REQUIRE(len_out != NULL && t != NULL, LOY_EINVAL);
    loy__wbuf_init(&w, buf, cap);
    loy__wr_header(&w, LOY__SER_KIND_SEGMENT_TALLY, 1u, PAYLOAD);
    loy__wr_u32(&w, t->shape);
    loy__wr_u32(&w, 0u);
    loy__wr_u64(&w, t->n);
    for (c = 0; c < NCELLS; c++) {
        loy__wr_u64(&w, t->acc.count[c]);
        wr_ksum(&w, &t->acc.value[c]);
        wr_ksum(&w, &t->acc.ltv[c]);
    }
    for (c = 0; c < 3; c++)
        wr_ksum(&w, &t->acc.risk[c]);
    return loy__wbuf_finish(&w, len_out);
}

static void
rd_ksum(loy__rbuf *r, loy__ksum *k)
{
    k->sum = loy__rd_f64(r);
    k->c = loy__rd_f64(r);
}

/* A sum that adding valid customers can produce: finite, and >= 0 when
 * its terms are (values after clamping, risks); zero over no customer. */
static int
ksum_ok(const loy__ksum *k, int nonneg, int allowed)
{
    if (!loy__finite(k->sum) || !loy__finite(k->c))
        return 0;
    if (!allowed)
        return k->sum == 0.0 && k->c == 0.0;
    return !nonneg || loy__ksum_value(k) >= 0.0;
}

static int
tally_ok(const loy_segment_tally *t)
{
    uint64_t total = 0;
    int c, pot = (t->shape & SHAPE_POTENTIAL) != 0;
    LOY__REQUIRE((t->shape & ~SHAPE_ALL) == 0, LOY_EFORMAT);
    LOY__REQUIRE((t->shape & SHAPED) || t->shape == 0, LOY_EFORMAT);
    LOY__REQUIRE((t->shape & SHAPED) || t->n == 0, LOY_EFORMAT);
    for (c = 0; c < NCELLS; c++) {
        uint64_t k = t->acc.count[c];
        int used = k > 0;
        LOY__REQUIRE(k <= UINT64_MAX - total, LOY_EFORMAT);
        total += k;
        LOY__REQUIRE(c < 12 || pot || k == 0, LOY_EFORMAT);
        LOY__REQUIRE(ksum_ok(&t->acc.value[c], 1, used), LOY_EFORMAT);
        LOY__REQUIRE(ksum_ok(&t->acc.ltv[c], 0,
                             used && (t->shape & SHAPE_LTV)),
                     LOY_EFORMAT);
    }
    for (c = 0; c < 3; c++)
        LOY__REQUIRE(ksum_ok(&t->acc.risk[c], 1, t->shape & SHAPE_CHURN),
                     LOY_EFORMAT);
    return total == t->n ? LOY_OK : LOY_EFORMAT;
}

int
loy_segment_tally_deserialize(loy_segment_tally **out, const uint8_t *buf,
                              size_t len)
{
    loy__rbuf r;
    loy_segment_tally t;
    int c;
    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    *out = NULL;
    LOY__TRY(loy__rbuf_open(&r, buf, len, LOY__SER_KIND_SEGMENT_TALLY, 1u,
                            NULL));
    memset(&t, 0, sizeof t);
    t.shape = loy__rd_u32(&r);
    LOY__REQUIRE(loy__rd_u32(&r) == 0u, LOY_EFORMAT);
    t.n = loy__rd_u64(&r);
    for (c = 0; c < NCELLS; c++) {
        t.acc.count[c] = loy__rd_u64(&r);
        rd_ksum(&r, &t.acc.value[c]);
        rd_ksum(&r, &t.acc.ltv[c]);
    }
    for (c = 0; c < 3; c++)
        rd_ksum(&r, &t.acc.risk[c]);
    LOY__TRY(loy__rbuf_finish(&r));
    LOY__TRY(tally_ok(&t));
    *out = malloc(sizeof **out);
    LOY__REQUIRE(*out != NULL, LOY_ENOMEM);
    **out = t;
    return LOY_OK;
}
