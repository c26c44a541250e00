/* SPDX-License-Identifier: MIT */
/* test_segment_tally.c - the mergeable ABC x loyalty crossing: chunks and
 * merged tallies equal one loy_segment_cross() (results and bytes), shapes
 * that must not mix, the byte form and its malformed cases. */
#include "testutil.h"

#include <string.h>

typedef struct customers {
    double *value, *potential, *ltv, *churn;
    uint8_t *vclass;
    int32_t *score;
    size_t n;
} customers;

/* Whole-number values (so sums are exact), raw 0-10 scores or no answer. */
static customers
make_customers(size_t n, uint64_t seed)
{
    customers c;
    loy_test_rng r = {seed};
    size_t i;
    c.n = n;
    c.value = malloc(n * sizeof *c.value);
    c.potential = malloc(n * sizeof *c.potential);
    c.ltv = malloc(n * sizeof *c.ltv);
    c.churn = malloc(n * sizeof *c.churn);
    c.vclass = malloc(n * sizeof *c.vclass);
    c.score = malloc(n * sizeof *c.score);
    for (i = 0; i < n; i++) {
        uint64_t u = loy_test_rng_next(&r);
        c.value[i] = (double)(u % 1000);
        c.vclass[i] = (uint8_t)((u >> 10) % 3);
        c.score[i] = (int32_t)((u >> 20) % 12) - 1; /* -1 = no answer */
        c.potential[i] = (double)((u >> 30) % 100);
        c.ltv[i] = (double)((u >> 40) % 5000) - 100.0;
        c.churn[i] = (double)((u >> 50) % 5) / 4.0; /* 0, .25, ..., 1 */
    }
    return c;
}

static void
free_customers(customers *c)
{
    free(c->value);
    free(c->potential);
    free(c->ltv);
    free(c->churn);
    free(c->vclass);
    free(c->score);
}

static loy_segment_input
input_of(const customers *c, size_t lo, size_t hi, int full)
{
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    in.n = hi - lo;
    in.value = c->value + lo;
    in.value_class = c->vclass + lo;
    in.loyalty = c->score + lo;
    in.flags = LOY_SEGMENT_RAW_SCORES;
    if (full) {
        in.potential = c->potential + lo;
        in.potential_threshold = 50.0;
        in.lifetime_value = c->ltv + lo;
        in.churn_prob = c->churn + lo;
    }
    return in;
}

static uint8_t *
tally_bytes(const loy_segment_tally *t, size_t *len)
{
    uint8_t *b;
    assert_ok(loy_segment_tally_serialize(NULL, 0, len, t));
    b = malloc(*len);
    assert_ok(loy_segment_tally_serialize(b, *len, len, t));
    return b;
}

static void
test_equals_cross(void **state)
{
    customers c = make_customers(20000, 3);
    int full;
    (void)state;
    for (full = 0; full < 2; full++) {
        loy_segment_input in = input_of(&c, 0, c.n, full);
        loy_segment_result want, got;
        loy_segment_tally *one = NULL, *acc = NULL;
        size_t cuts[5] = {0, 1, 4097, 12000, 20000}, k, l1, l2;
        uint8_t *b1, *b2;
        memset(&want, 0, sizeof want);
        memset(&got, 0, sizeof got);
        want.struct_size = got.struct_size = sizeof want;
        in.nps_method = LOY_NPS_ADJUSTED_WALD;
        in.nps_level = 0.9;
        in.small_n = 800;
        assert_ok(loy_segment_cross(&want, NULL, &in, NULL));
        assert_ok(loy_segment_tally_new(&one));
        assert_ok(loy_segment_tally_add(one, &in, NULL));
        /* chunks, each its own tally sent as bytes, merged last-first */
        assert_ok(loy_segment_tally_new(&acc));
        for (k = 4; k > 0; k--) {
            loy_segment_input part = input_of(&c, cuts[k - 1], cuts[k], full);
            loy_segment_tally *t = NULL, *back = NULL;
            size_t pl;
            uint8_t *pb;
            assert_ok(loy_segment_tally_new(&t));
            assert_ok(loy_segment_tally_add(t, &part, NULL));
            pb = tally_bytes(t, &pl);
            assert_ok(loy_segment_tally_deserialize(&back, pb, pl));
            assert_ok(loy_segment_tally_merge(acc, back));
            loy_segment_tally_free(t);
            loy_segment_tally_free(back);
            free(pb);
        }
        b1 = tally_bytes(one, &l1);
        b2 = tally_bytes(acc, &l2);
        assert_int_equal(l1, 1040);
        assert_int_equal(l1, l2);
        assert_memory_equal(b1, b2, l1);
        assert_ok(loy_segment_tally_result(&got, acc, LOY_NPS_ADJUSTED_WALD,
                                           0.9, 800));
        assert_memory_equal(&got, &want, sizeof got);
        assert_true(got.with_potential == full && got.n == c.n);
        free(b1);
        free(b2);
        loy_segment_tally_free(one);
        loy_segment_tally_free(acc);
    }
    free_customers(&c);
}

static void
test_errors(void **state)
{
    customers c = make_customers(100, 4);
    loy_segment_input in = input_of(&c, 0, c.n, 0);
    loy_segment_input full = input_of(&c, 0, c.n, 1);
    loy_segment_tally *t = NULL, *u = NULL;
    loy_segment_result r;
    size_t bad = 0;
    uint8_t *b1, *b2;
    size_t l1, l2;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_segment_tally_new(NULL), LOY_EINVAL);
    assert_ok(loy_segment_tally_new(&t));
    assert_status(loy_segment_tally_result(&r, t, 0, 0.95, 0), LOY_EEMPTY);
    /* a bad customer: nothing of the chunk is added */
    c.score[37] = 11;
    assert_status(loy_segment_tally_add(t, &in, &bad), LOY_ESCALE);
    assert_int_equal(bad, 37);
    c.score[37] = 5;
    c.value[12] = NAN;
    assert_status(loy_segment_tally_add(t, &in, &bad), LOY_ENONFINITE);
    assert_int_equal(bad, 12);
    c.value[12] = 3;
    assert_status(loy_segment_tally_result(&r, t, 0, 0.95, 0), LOY_EEMPTY);
    b1 = tally_bytes(t, &l1);
    assert_ok(loy_segment_tally_add(t, &in, NULL));
    /* a chunk with potential does not join a tally without */
    assert_status(loy_segment_tally_add(t, &full, NULL), LOY_EINVAL);
    assert_ok(loy_segment_tally_new(&u));
    assert_ok(loy_segment_tally_add(u, &full, NULL));
    assert_status(loy_segment_tally_merge(t, u), LOY_EINVAL);
    loy_segment_tally_free(u);
    /* an empty tally merges with any */
    assert_ok(loy_segment_tally_new(&u));
    assert_ok(loy_segment_tally_merge(u, t));
    b2 = tally_bytes(u, &l2);
    free(b1);
    b1 = tally_bytes(t, &l1);
    assert_memory_equal(b1, b2, l1);
    free(b1);
    free(b2);
    /* result options */
    assert_status(loy_segment_tally_result(&r, t, 7, 0.95, 0), LOY_EINVAL);
    assert_status(loy_segment_tally_result(&r, t, 0, 1.5, 0), LOY_EDOMAIN);
    assert_status(loy_segment_tally_result(&r, t, 0, NAN, 0), LOY_ENONFINITE);
    assert_ok(loy_segment_tally_result(&r, t, 0, 0, 0));
    assert_true(r.small_n == 30 && r.n == 100);
    r.struct_size = 8;
    assert_status(loy_segment_tally_result(&r, t, 0, 0.95, 0), LOY_EINVAL);
    /* merging with itself doubles */
    assert_ok(loy_segment_tally_merge(u, u));
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_segment_tally_result(&r, u, 0, 0.95, 0));
    assert_true(r.n == 200);
    in.n = 0;
    assert_ok(loy_segment_tally_add(u, &in, NULL));
    loy_segment_tally_free(u);
    loy_segment_tally_free(t);
    loy_segment_tally_free(NULL);
    free_customers(&c);
}

static void
put_u64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_f64(uint8_t *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_u64(p, u);
}

static void
test_malformed(void **state)
{
    customers c = make_customers(500, 5);
    loy_segment_input in = input_of(&c, 0, c.n, 0);
    loy_segment_tally *t = NULL, *back = NULL;
    uint8_t *buf, *bad;
    size_t len, k, cell0 = 0;
    (void)state;
    assert_ok(loy_segment_tally_new(&t));
    assert_ok(loy_segment_tally_add(t, &in, NULL));
    buf = tally_bytes(t, &len);
    bad = malloc(len + 1);
    assert_int_equal(buf[4], 7); /* kind */
    for (k = 0; k < len; k++) {
        assert_status(loy_segment_tally_deserialize(&back, buf, k),
                      LOY_EFORMAT);
        assert_null(back);
    }
    /* cells start at 32 (16 header + shape, reserved, n); 40 bytes each */
    for (k = 0; k < 24; k++)
        if (buf[32 + 40 * k] == 0)
            cell0 = k; /* an empty cell, to put sums into */
    assert_true(cell0 >= 12);
    for (k = 0; k < 8; k++) {
        memcpy(bad, buf, len);
        switch (k) {
        case 0: bad[16] = 0x11; break;                 /* unknown shape bit */
        case 1: bad[20] = 1; break;                    /* reserved */
        case 2: put_u64(bad + 24, 499u); break;        /* n != sum of counts */
        case 3: put_u64(bad + 32 + 40 * 12, 1u);       /* potential cell */
                put_u64(bad + 24, 501u); break;
        case 4: put_f64(bad + 32 + 40 * cell0 + 8, 1.0); break; /* empty cell */
        case 5: put_f64(bad + 32 + 8, -5.0); break;    /* negative value */
        case 6: put_f64(bad + 32 + 24, 2.0); break;    /* ltv without shape */
        default: put_f64(bad + 32 + 8, NAN); break;
        }
        assert_status(loy_segment_tally_deserialize(&back, bad, len),
                      LOY_EFORMAT);
        assert_null(back);
    }
    assert_status(loy_segment_tally_deserialize(NULL, buf, len), LOY_EINVAL);
    assert_ok(loy_segment_tally_deserialize(&back, buf, len));
    loy_segment_tally_free(back);
    free(bad);
    free(buf);
    loy_segment_tally_free(t);
    free_customers(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_cross),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
