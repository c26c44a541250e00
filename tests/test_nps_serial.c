/* SPDX-License-Identifier: MIT */
/* test_nps_serial.c - byte form of NPS tallies, weighted tallies and score
 * tallies: round trips, the exact layout, the two-call pattern, malformed
 * bytes, and merging split data = one pass (byte for byte). */
#include "testutil.h"

#include <string.h>

/* ---------------------------------------------------------------- */
/* helpers                                                            */
/* ---------------------------------------------------------------- */

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
random_scores(int32_t *s, size_t n, uint64_t seed)
{
    loy_test_rng r = {seed};
    size_t i;
    for (i = 0; i < n; i++)
        s[i] = (int32_t)(loy_test_rng_next(&r) % 11u);
}

static size_t
tally_bytes(uint8_t *buf, const loy_nps_tally *t)
{
    size_t len = 0;
    assert_ok(loy_nps_tally_serialize(buf, 64, &len, t));
    return len;
}

/* ---------------------------------------------------------------- */
/* NPS tally                                                          */
/* ---------------------------------------------------------------- */

static void
test_tally_layout(void **state)
{
    loy_nps_tally t = {sizeof t, 1u, 2u, 3u, 0x0102030405060708ull};
    loy_nps_tally back = LOY_NPS_TALLY_INIT;
    uint8_t buf[64], want[48];
    (void)state;
    memset(want, 0, sizeof want);
    memcpy(want, "LOYS", 4);
    want[4] = 1;  /* kind: NPS tally */
    want[6] = 1;  /* version 1 */
    want[8] = 32; /* payload length */
    put_u64(want + 16, 1u);
    put_u64(want + 24, 2u);
    put_u64(want + 32, 3u);
    put_u64(want + 40, 0x0102030405060708ull);
    assert_int_equal(tally_bytes(buf, &t), 48);
    assert_memory_equal(buf, want, 48);
    assert_ok(loy_nps_tally_deserialize(&back, buf, 48));
    assert_true(back.detractors == 1 && back.passives == 2
                && back.promoters == 3 && back.rejected == t.rejected);
}

static void
test_tally_two_call(void **state)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    uint8_t small[47];
    size_t len = 0;
    (void)state;
    assert_ok(loy_nps_tally_serialize(NULL, 0, &len, &t));
    assert_int_equal(len, 48);
    len = 0;
    assert_status(loy_nps_tally_serialize(small, sizeof small, &len, &t),
                  LOY_EBUFSIZE);
    assert_int_equal(len, 48);
    len = 0;
    assert_status(loy_nps_tally_serialize(NULL, 100, &len, &t), LOY_EBUFSIZE);
    assert_int_equal(len, 48);
    assert_status(loy_nps_tally_serialize(small, 47, NULL, &t), LOY_EINVAL);
    assert_status(loy_nps_tally_serialize(small, 47, &len, NULL), LOY_EINVAL);
    t.struct_size = 8;
    assert_status(loy_nps_tally_serialize(small, 47, &len, &t), LOY_EINVAL);
}

static void
test_tally_malformed(void **state)
{
    loy_nps_tally t = {sizeof t, 5u, 6u, 7u, 8u}, back = LOY_NPS_TALLY_INIT;
    loy_nps_tally keep = {sizeof keep, 9u, 9u, 9u, 9u};
    uint8_t buf[64], bad[64];
    size_t len, k;
    (void)state;
    len = tally_bytes(buf, &t);
    /* every truncation */
    for (k = 0; k < len; k++)
        assert_status(loy_nps_tally_deserialize(&back, buf, k), LOY_EFORMAT);
    /* a trailing byte */
    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_status(loy_nps_tally_deserialize(&back, bad, len + 1), LOY_EFORMAT);
    /* magic, kind, versions 0 and 2, payload length */
    for (k = 0; k < 10; k++) {
        memcpy(bad, buf, len);
        switch (k) {
        case 0: bad[0] = 'X'; break;
        case 1: bad[4] = 2; break;    /* a weighted tally's kind */
        case 2: bad[5] = 1; break;    /* kind 257 */
        case 3: bad[6] = 0; break;    /* version 0 */
        case 4: bad[6] = 2; break;    /* a version from the future */
        case 5: bad[8] = 31; break;   /* payload length off by one */
        case 6: bad[15] = 0x80; break;/* a huge payload length */
        case 7: /* D + A + P overflows */
            put_u64(bad + 16, UINT64_MAX);
            put_u64(bad + 24, 1u);
            break;
        case 8:
            put_u64(bad + 24, UINT64_MAX - 4u);
            put_u64(bad + 32, 1u);
            break;
        default: bad[3] = 'T'; break;
        }
        keep.detractors = 9u;
        assert_status(loy_nps_tally_deserialize(&keep, bad, len), LOY_EFORMAT);
        assert_true(keep.detractors == 9u); /* untouched on error */
    }
    /* overflowing rejected counts are fine: they are not part of n */
    memcpy(bad, buf, len);
    put_u64(bad + 40, UINT64_MAX);
    assert_ok(loy_nps_tally_deserialize(&back, bad, len));
    assert_status(loy_nps_tally_deserialize(&back, NULL, len), LOY_EINVAL);
    assert_status(loy_nps_tally_deserialize(NULL, buf, len), LOY_EINVAL);
    back.struct_size = 4;
    assert_status(loy_nps_tally_deserialize(&back, buf, len), LOY_EINVAL);
}

/* Tallies of pieces, sent as bytes and merged, equal the one-pass tally
 * byte for byte, whatever the split. */
static void
test_tally_split_merge(void **state)
{
    enum { N = 10007 };
    int32_t *s = malloc(N * sizeof *s);
    loy_nps_tally all = LOY_NPS_TALLY_INIT;
    uint8_t one[64], merged[64];
    size_t cut[] = {0, 1, 17, 5000, 9999, N};
    size_t k, len;
    (void)state;
    random_scores(s, N, 42);
    s[3] = 99; /* rejected in skip mode */
    assert_ok(loy_nps_tally_i32(&all, s, N, NULL, LOY_NPS_SKIP_INVALID, NULL));
    len = tally_bytes(one, &all);
    for (k = 0; k + 1 < sizeof cut / sizeof cut[0]; k++) {
        loy_nps_tally a = LOY_NPS_TALLY_INIT, b = LOY_NPS_TALLY_INIT;
        loy_nps_tally a2 = LOY_NPS_TALLY_INIT, b2 = LOY_NPS_TALLY_INIT;
        uint8_t ba[64], bb[64];
        size_t la, lb;
        assert_ok(loy_nps_tally_i32(&a, s, cut[k], NULL, LOY_NPS_SKIP_INVALID,
                                    NULL));
        assert_ok(loy_nps_tally_i32(&b, s + cut[k], N - cut[k], NULL,
                                    LOY_NPS_SKIP_INVALID, NULL));
        la = tally_bytes(ba, &a);
        lb = tally_bytes(bb, &b);
        assert_ok(loy_nps_tally_deserialize(&a2, ba, la));
        assert_ok(loy_nps_tally_deserialize(&b2, bb, lb));
        /* merge in the other order too */
        assert_ok(loy_nps_tally_merge(&b2, &a2));
        assert_int_equal(tally_bytes(merged, &b2), len);
        assert_memory_equal(merged, one, len);
    }
    free(s);
}

/* ---------------------------------------------------------------- */
/* weighted tally                                                     */
/* ---------------------------------------------------------------- */

static size_t
wtally_bytes(uint8_t *buf, const loy_nps_wtally *t)
{
    size_t len = 0;
    assert_ok(loy_nps_wtally_serialize(buf, 128, &len, t));
    return len;
}

static void
test_wtally_round_trip(void **state)
{
    static const double sc[6] = {0, 7, 9, 10, 3, 8};
    static const double w[6] = {0.5, 1.25, 2.0, 0.1, 3.0, 0.0};
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT, back = LOY_NPS_WTALLY_INIT;
    uint8_t buf[128];
    size_t len = 0;
    (void)state;
    assert_ok(loy_nps_wtally_f64(&t, sc, w, 6, NULL, 0, NULL));
    assert_ok(loy_nps_wtally_serialize(NULL, 0, &len, &t));
    assert_int_equal(len, 96);
    assert_status(loy_nps_wtally_serialize(buf, 95, &len, &t), LOY_EBUFSIZE);
    assert_int_equal(wtally_bytes(buf, &t), 96);
    assert_int_equal(buf[4], 2); /* kind */
    assert_ok(loy_nps_wtally_deserialize(&back, buf, 96));
    assert_memory_equal(&back, &t, sizeof t);
}

static void
test_wtally_malformed(void **state)
{
    static const double sc[3] = {0, 7, 9};
    static const double w[3] = {0.5, 1.5, 2.0};
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT, back = LOY_NPS_WTALLY_INIT;
    uint8_t buf[128], bad[128];
    size_t len, k;
    (void)state;
    assert_ok(loy_nps_wtally_f64(&t, sc, w, 3, NULL, 0, NULL));
    len = wtally_bytes(buf, &t);
    for (k = 0; k < len; k++)
        assert_status(loy_nps_wtally_deserialize(&back, buf, k), LOY_EFORMAT);
    for (k = 0; k < 7; k++) {
        memcpy(bad, buf, len);
        switch (k) {
        case 0: put_f64(bad + 16 + 24, NAN); break;          /* sum_w[D] */
        case 1: put_f64(bad + 16 + 24, -1.0); break;
        case 2: put_f64(bad + 16 + 48 + 8, INFINITY); break; /* sum_w2[A] */
        case 3: /* a weight sum in a class without responses */
            put_u64(bad + 16, 0u);
            break;
        case 4: bad[4] = 1; break; /* a plain tally's kind */
        case 5:
            put_u64(bad + 16, UINT64_MAX);
            put_u64(bad + 24, 2u);
            break;
        default: bad[6] = 2; break;
        }
        assert_status(loy_nps_wtally_deserialize(&back, bad, len), LOY_EFORMAT);
    }
    /* a plain tally's bytes are not a weighted tally and vice versa */
    {
        loy_nps_tally p = LOY_NPS_TALLY_INIT;
        uint8_t pb[64];
        size_t pl = tally_bytes(pb, &p);
        assert_status(loy_nps_wtally_deserialize(&back, pb, pl), LOY_EFORMAT);
        assert_status(loy_nps_tally_deserialize(&p, buf, len), LOY_EFORMAT);
    }
}

/* With whole-number weights the sums are exact: split = one pass. */
static void
test_wtally_split_merge(void **state)
{
    enum { N = 4001 };
    double *s = malloc(N * sizeof *s), *w = malloc(N * sizeof *w);
    loy_test_rng r = {7};
    loy_nps_wtally all = LOY_NPS_WTALLY_INIT, a = LOY_NPS_WTALLY_INIT;
    loy_nps_wtally b = LOY_NPS_WTALLY_INIT;
    uint8_t one[128], two[128];
    size_t i, len;
    (void)state;
    for (i = 0; i < N; i++) {
        s[i] = (double)(loy_test_rng_next(&r) % 11u);
        w[i] = (double)(1u + loy_test_rng_next(&r) % 5u);
    }
    assert_ok(loy_nps_wtally_f64(&all, s, w, N, NULL, 0, NULL));
    assert_ok(loy_nps_wtally_f64(&a, s, w, 1234, NULL, 0, NULL));
    assert_ok(loy_nps_wtally_f64(&b, s + 1234, w + 1234, N - 1234, NULL, 0,
                                 NULL));
    assert_ok(loy_nps_wtally_merge(&a, &b));
    len = wtally_bytes(one, &all);
    assert_int_equal(wtally_bytes(two, &a), len);
    assert_memory_equal(one, two, len);
    free(s);
    free(w);
}

/* ---------------------------------------------------------------- */
/* score tally                                                        */
/* ---------------------------------------------------------------- */

static uint8_t *
score_bytes(const loy_score_tally *t, size_t *len)
{
    uint8_t *b;
    assert_ok(loy_score_tally_serialize(NULL, 0, len, t));
    b = malloc(*len);
    assert_ok(loy_score_tally_serialize(b, *len, len, t));
    return b;
}

static void
test_score_tally_basics(void **state)
{
    static const int32_t s[8] = {1, 5, 5, 4, 3, 7, 2, 5};
    static const double f[4] = {1.0, 2.0, 2.0, 5.0};
    loy_score_tally *t = NULL;
    uint64_t c[5], rej = 9;
    int32_t lo = 0, hi = 0;
    size_t bad = 0;
    (void)state;
    assert_status(loy_score_tally_new(&t, 5, 1), LOY_EDOMAIN);
    assert_null(t);
    assert_status(loy_score_tally_new(&t, 0, LOY_SCORE_TALLY_MAX_BINS),
                  LOY_EDOMAIN);
    assert_status(loy_score_tally_new(NULL, 1, 5), LOY_EINVAL);
    assert_ok(loy_score_tally_new(&t, 0, LOY_SCORE_TALLY_MAX_BINS - 1));
    loy_score_tally_free(t);
    assert_ok(loy_score_tally_new(&t, 1, 5));
    assert_ok(loy_score_tally_scale(&lo, &hi, t));
    assert_true(lo == 1 && hi == 5);
    /* strict: 7 is off the scale, nothing counted */
    assert_status(loy_score_tally_add_i32(t, s, 8, 0, &bad), LOY_ESCALE);
    assert_int_equal(bad, 5);
    assert_ok(loy_score_tally_counts(c, 5, &rej, t));
    assert_true(c[0] + c[1] + c[2] + c[3] + c[4] + rej == 0);
    assert_ok(loy_score_tally_add_i32(t, s, 8, LOY_NPS_SKIP_INVALID, &bad));
    assert_ok(loy_score_tally_add_f64(t, f, 4, 0, NULL));
    assert_ok(loy_score_tally_counts(c, 5, &rej, t));
    assert_true(c[0] == 2 && c[1] == 3 && c[2] == 1 && c[3] == 1 && c[4] == 4);
    assert_true(rej == 1);
    assert_status(loy_score_tally_counts(c, 4, NULL, t), LOY_EINVAL);
    {
        double nanv = NAN, half = 2.5;
        assert_status(loy_score_tally_add_f64(t, &nanv, 1, 0, &bad),
                      LOY_ENONFINITE);
        assert_status(loy_score_tally_add_f64(t, &half, 1, 0, &bad),
                      LOY_ESCALE);
        assert_status(loy_score_tally_add_f64(t, &half, 1, 4u, &bad),
                      LOY_EINVAL);
    }
    assert_status(loy_score_tally_add_i32(t, NULL, 3, 0, NULL), LOY_EINVAL);
    assert_ok(loy_score_tally_add_i32(t, NULL, 0, 0, NULL));
    loy_score_tally_free(t);
    loy_score_tally_free(NULL);
}

/* CSAT and CES from a score tally's counts equal the one-call functions. */
static void
test_score_tally_csat_ces(void **state)
{
    /* Delighted: scores 5..1 with counts 42, 32, 10, 9, 14 */
    static const uint64_t counts51[5] = {42, 32, 10, 9, 14};
    int32_t s[107];
    loy_score_tally *t = NULL;
    loy_csat_result a, b;
    loy_ces_result ca, cb;
    uint64_t c[7];
    size_t i = 0, k, m;
    (void)state;
    for (k = 0; k < 5; k++)
        for (m = 0; m < counts51[k]; m++)
            s[i++] = (int32_t)(5 - k);
    assert_ok(loy_score_tally_new(&t, 1, 5));
    assert_ok(loy_score_tally_add_i32(t, s, 107, 0, NULL));
    assert_ok(loy_score_tally_counts(c, 5, NULL, t));
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.struct_size = b.struct_size = sizeof a;
    assert_ok(loy_csat_from_counts(&a, c, 5, NULL, 0.95));
    assert_ok(loy_csat_i32(&b, s, 107, NULL, 0.95, 0, NULL));
    assert_close(a.csat, 74.0 / 107.0, 1e-15, 0);
    assert_true(a.csat == b.csat && a.lower == b.lower && a.upper == b.upper);
    loy_score_tally_free(t);
    /* CES on 1..7 */
    assert_ok(loy_score_tally_new(&t, 1, 7));
    for (i = 0; i < 100; i++)
        s[i] = (int32_t)(1 + (i * 5 + i / 9) % 7);
    assert_ok(loy_score_tally_add_i32(t, s, 100, 0, NULL));
    assert_ok(loy_score_tally_counts(c, 7, NULL, t));
    memset(&ca, 0, sizeof ca);
    memset(&cb, 0, sizeof cb);
    ca.struct_size = cb.struct_size = sizeof ca;
    assert_ok(loy_ces_from_counts(&ca, c, 7, NULL, 0.95));
    assert_ok(loy_ces_i32(&cb, s, 100, NULL, 0.95, 0, NULL));
    assert_close(ca.mean, cb.mean, 1e-14, 0);
    assert_close(ca.sd, cb.sd, 1e-12, 0);
    assert_true(ca.agree == cb.agree && ca.disagree == cb.disagree);
    loy_score_tally_free(t);
}

static void
test_score_tally_bytes(void **state)
{
    enum { N = 3000 };
    int32_t s[N];
    loy_score_tally *all = NULL, *a = NULL, *b = NULL, *back = NULL;
    uint8_t *one, *pa, *pb, *merged, tiny[10];
    size_t i, len, la, lb, lm;
    (void)state;
    for (i = 0; i < N; i++)
        s[i] = (int32_t)(i * 7919 % 12); /* 0..11 on a 0..10 scale */
    assert_ok(loy_score_tally_new(&all, 0, 10));
    assert_ok(loy_score_tally_add_i32(all, s, N, LOY_NPS_SKIP_INVALID, NULL));
    one = score_bytes(all, &len);
    assert_int_equal(len, 16 + 16 + 8 * 11);
    assert_status(loy_score_tally_serialize(tiny, sizeof tiny, &la, all),
                  LOY_EBUFSIZE);
    assert_int_equal(la, len);
    assert_ok(loy_score_tally_deserialize(&back, one, len));
    merged = score_bytes(back, &lm);
    assert_memory_equal(merged, one, len);
    free(merged);
    loy_score_tally_free(back);
    /* split, serialize, deserialize, merge = one pass */
    assert_ok(loy_score_tally_new(&a, 0, 10));
    assert_ok(loy_score_tally_new(&b, 0, 10));
    assert_ok(loy_score_tally_add_i32(a, s, 1000, LOY_NPS_SKIP_INVALID, NULL));
    assert_ok(loy_score_tally_add_i32(b, s + 1000, N - 1000,
                                      LOY_NPS_SKIP_INVALID, NULL));
    pa = score_bytes(a, &la);
    pb = score_bytes(b, &lb);
    loy_score_tally_free(a);
    loy_score_tally_free(b);
    assert_ok(loy_score_tally_deserialize(&a, pa, la));
    assert_ok(loy_score_tally_deserialize(&b, pb, lb));
    assert_ok(loy_score_tally_merge(b, a));
    merged = score_bytes(b, &lm);
    assert_int_equal(lm, len);
    assert_memory_equal(merged, one, len);
    free(merged);
    /* merging with itself doubles */
    assert_ok(loy_score_tally_merge(a, a));
    {
        uint64_t c1[11], c2[11], r1, r2;
        loy_score_tally *once = NULL;
        assert_ok(loy_score_tally_deserialize(&once, pa, la));
        assert_ok(loy_score_tally_counts(c1, 11, &r1, a));
        assert_ok(loy_score_tally_counts(c2, 11, &r2, once));
        for (i = 0; i < 11; i++)
            assert_true(c1[i] == 2 * c2[i]);
        assert_true(r1 == 2 * r2);
        loy_score_tally_free(once);
    }
    /* different scales do not merge */
    {
        loy_score_tally *other = NULL;
        assert_ok(loy_score_tally_new(&other, 1, 10));
        assert_status(loy_score_tally_merge(a, other), LOY_EINVAL);
        loy_score_tally_free(other);
    }
    free(pa);
    free(pb);
    loy_score_tally_free(a);
    loy_score_tally_free(b);
    loy_score_tally_free(all);
    free(one);
}

static void
test_score_tally_malformed(void **state)
{
    static const int32_t s[4] = {1, 2, 3, 3};
    loy_score_tally *t = NULL, *back = (loy_score_tally *)&back;
    uint8_t *buf, bad[256];
    size_t len, k;
    (void)state;
    assert_ok(loy_score_tally_new(&t, 1, 3));
    assert_ok(loy_score_tally_add_i32(t, s, 4, 0, NULL));
    buf = score_bytes(t, &len);
    for (k = 0; k < len; k++) {
        assert_status(loy_score_tally_deserialize(&back, buf, k), LOY_EFORMAT);
        assert_null(back);
    }
    for (k = 0; k < 6; k++) {
        size_t blen = len;
        memcpy(bad, buf, len);
        switch (k) {
        case 0: /* lo > hi */
            bad[16] = 9;
            break;
        case 1: /* a scale that does not match the length */
            bad[20] = 4;
            break;
        case 2: /* a huge scale with the header length to match */
            put_u64(bad + 20, 0x7FFFFFFFull);
            break;
        case 3: /* counts whose total overflows */
            put_u64(bad + 32, UINT64_MAX);
            break;
        case 4: /* a trailing byte with the header agreeing */
            bad[8] = (uint8_t)(bad[8] + 1);
            bad[len] = 0;
            blen = len + 1;
            break;
        default: bad[4] = 1; break;
        }
        assert_status(loy_score_tally_deserialize(&back, bad, blen),
                      LOY_EFORMAT);
    }
    assert_status(loy_score_tally_deserialize(NULL, buf, len), LOY_EINVAL);
    assert_status(loy_score_tally_deserialize(&back, NULL, len), LOY_EINVAL);
    /* a tally near the limit refuses more with LOY_EOVERFLOW */
    memcpy(bad, buf, len);
    put_u64(bad + 24, UINT64_MAX - 5u); /* rejected */
    assert_ok(loy_score_tally_deserialize(&back, bad, len));
    assert_status(loy_score_tally_add_i32(back, s, 4, 0, NULL), LOY_EOVERFLOW);
    assert_status(loy_score_tally_merge(back, t), LOY_EOVERFLOW);
    assert_ok(loy_score_tally_add_i32(back, s, 1, 0, NULL));
    loy_score_tally_free(back);
    loy_score_tally_free(t);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tally_layout),
        cmocka_unit_test(test_tally_two_call),
        cmocka_unit_test(test_tally_malformed),
        cmocka_unit_test(test_tally_split_merge),
        cmocka_unit_test(test_wtally_round_trip),
        cmocka_unit_test(test_wtally_malformed),
        cmocka_unit_test(test_wtally_split_merge),
        cmocka_unit_test(test_score_tally_basics),
        cmocka_unit_test(test_score_tally_csat_ces),
        cmocka_unit_test(test_score_tally_bytes),
        cmocka_unit_test(test_score_tally_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
