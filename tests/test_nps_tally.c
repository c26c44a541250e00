/* SPDX-License-Identifier: MIT */
/* test_nps_tally.c - classification, tallies (u8/i32/f64/histogram),
 * merging, grouped and weighted tallies, and their bad-input cases. */
#include "testutil.h"

#include <string.h>

#include "survey/nps_internal.h"

static const int32_t scale_1_5[4] = {1, 3, 4, 5};
static const int32_t scale_1_10[4] = {1, 6, 8, 10};

/* Brute force: classify score by score with the public classifier. */
static void
brute_tally(uint64_t cls[4], const int32_t *s, size_t n, const int32_t *b)
{
    size_t i;
    memset(cls, 0, 4 * sizeof *cls);
    for (i = 0; i < n; i++) {
        int32_t c;
        if (loy_nps_classify(&c, s[i], b) == LOY_OK)
            cls[c]++;
        else
            cls[3]++;
    }
}

static void
assert_tally(const loy_nps_tally *t, uint64_t d, uint64_t a, uint64_t p,
             uint64_t rej)
{
    assert_int_equal(t->detractors, d);
    assert_int_equal(t->passives, a);
    assert_int_equal(t->promoters, p);
    assert_int_equal(t->rejected, rej);
}

static void
test_classify(void **state)
{
    int32_t c = -1, s;
    static const int32_t want[11] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2};
    (void)state;
    for (s = 0; s <= 10; s++) {
        assert_ok(loy_nps_classify(&c, s, NULL));
        assert_int_equal(c, want[s]);
    }
    assert_int_equal(LOY_CLASS_DETRACTOR, 0);
    assert_int_equal(LOY_CLASS_PASSIVE, 1);
    assert_int_equal(LOY_CLASS_PROMOTER, 2);
    /* 5-point scale */
    assert_ok(loy_nps_classify(&c, 3, scale_1_5));
    assert_int_equal(c, LOY_CLASS_DETRACTOR);
    assert_ok(loy_nps_classify(&c, 4, scale_1_5));
    assert_int_equal(c, LOY_CLASS_PASSIVE);
    assert_ok(loy_nps_classify(&c, 5, scale_1_5));
    assert_int_equal(c, LOY_CLASS_PROMOTER);
    assert_status(loy_nps_classify(&c, 0, scale_1_5), LOY_ESCALE);
    assert_status(loy_nps_classify(&c, 0, scale_1_10), LOY_ESCALE);
    assert_status(loy_nps_classify(&c, 11, NULL), LOY_ESCALE);
    assert_status(loy_nps_classify(&c, -1, NULL), LOY_ESCALE);
    assert_status(loy_nps_classify(NULL, 5, NULL), LOY_EINVAL);
}

static void
test_bad_breaks(void **state)
{
    static const int32_t bad[][4] = {
        {5, 4, 8, 10}, {0, 8, 6, 10}, {0, 6, 10, 10}, {0, 6, 8, 7},
        {10, 6, 8, 0}};
    int32_t c;
    uint8_t s8 = 5;
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    size_t i;
    (void)state;
    assert_ok(loy_nps_breaks_check(NULL));
    assert_ok(loy_nps_breaks_check(scale_1_5));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_status(loy_nps_breaks_check(bad[i]), LOY_EDOMAIN);
        assert_status(loy_nps_classify(&c, 5, bad[i]), LOY_EDOMAIN);
        assert_status(loy_nps_tally_u8(&t, &s8, 1, bad[i], 0, NULL),
                      LOY_EDOMAIN);
    }
    /* an empty passive class is allowed */
    {
        static const int32_t two[4] = {0, 5, 5, 10};
        assert_ok(loy_nps_classify(&c, 6, two));
        assert_int_equal(c, LOY_CLASS_PROMOTER);
    }
}

/* R NPS reference values (MODELS.md 1.10) through the raw-score tallies. */
static void
test_r_nps_raw(void **state)
{
    static const double raw[] = {0, 7, 7, 9, 9, 9};
    int32_t s15[15];
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    static const int32_t b15[4] = {0, 6, 8, 15};
    int i;
    (void)state;
    assert_ok(loy_nps_tally_f64(&t, raw, 6, NULL, 0, NULL));
    assert_tally(&t, 1, 2, 3, 0);
    for (i = 0; i < 15; i++)
        s15[i] = i + 1;
    assert_ok(loy_nps_tally_i32(&t, s15, 15, b15, 0, NULL));
    assert_tally(&t, 6, 2, 7, 0);
}

/* PostHog: 11 buckets for 0..10 with 7 D, 4 A, 6 P; wrong length -> error. */
static void
test_histogram(void **state)
{
    static const uint64_t hist[11] = {1, 0, 2, 1, 0, 2, 1, 3, 1, 4, 2};
    static const uint64_t h5[5] = {2, 3, 5, 7, 11};
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    (void)state;
    assert_ok(loy_nps_tally_hist(&t, hist, 11, NULL));
    assert_tally(&t, 7, 4, 6, 0);
    assert_status(loy_nps_tally_hist(&t, hist, 10, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_hist(&t, hist, 12, NULL), LOY_EINVAL);
    /* bucket k is score lo + k: on 1-5, buckets 0..2 are scores 1..3 */
    assert_ok(loy_nps_tally_hist(&t, h5, 5, scale_1_5));
    assert_tally(&t, 10, 7, 11, 0);
    assert_status(loy_nps_tally_hist(NULL, hist, 11, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_hist(&t, NULL, 11, NULL), LOY_EINVAL);
    {
        uint64_t big[11] = {UINT64_MAX, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assert_status(loy_nps_tally_hist(&t, big, 11, NULL), LOY_EDOMAIN);
    }
}

/*
 * The u8 fast path against a score-by-score brute force, over lengths
 * that hit every tail size and several 127x64-byte blocks, and breaks
 * that clamp (lo = 0, hi >= 255, hi = 254, lo > 0).
 */
static void
test_u8_matches_brute_force(void **state)
{
    static const int32_t brk[][4] = {
        {0, 6, 8, 10}, {1, 3, 4, 5}, {0, 100, 200, 255}, {3, 3, 3, 254},
        {-5, 6, 8, 300}, {254, 254, 254, 255}, {0, 0, 0, 1}};
    static const size_t lens[] = {0, 1, 31, 63, 64, 65, 8127, 8128,
                                  8129, 16257, 70001};
    loy_test_rng rng = {42};
    uint8_t *s8 = malloc(70001);
    int32_t *s32 = malloc(70001 * sizeof *s32);
    size_t bi, li, i;
    (void)state;
    assert_non_null(s8);
    assert_non_null(s32);
    for (i = 0; i < 70001; i++) {
        uint64_t r = loy_test_rng_next(&rng);
        /* mostly 0..12, sometimes any byte */
        s8[i] = (uint8_t)((r & 0xF0) == 0 ? (r >> 8) & 0xFF : (r >> 8) % 13);
        s32[i] = s8[i];
    }
    for (bi = 0; bi < sizeof brk / sizeof brk[0]; bi++) {
        for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            loy_nps_tally t8 = LOY_NPS_TALLY_INIT, t32 = LOY_NPS_TALLY_INIT;
            uint64_t want[4];
            brute_tally(want, s32, lens[li], brk[bi]);
            assert_ok(loy_nps_tally_u8(&t8, s8, lens[li], brk[bi],
                                       LOY_NPS_SKIP_INVALID, NULL));
            assert_tally(&t8, want[0], want[1], want[2], want[3]);
            assert_ok(loy_nps_tally_i32(&t32, s32, lens[li], brk[bi],
                                        LOY_NPS_SKIP_INVALID, NULL));
            assert_tally(&t32, want[0], want[1], want[2], want[3]);
        }
    }
    free(s8);
    free(s32);
}

/*
 * The byte counter's vector paths on their own (generic vectors, AVX2
 * where the CPU has it) against a count byte by byte: thresholds across
 * the byte range and lengths across the 127-iteration blocks.
 */
static void
test_count_le_paths(void **state)
{
    static const int T[][4] = {{0, 5, 7, 9}, {254, 254, 254, 254},
                               {0, 0, 0, 0}, {127, 128, 129, 200},
                               {2, 3, 4, 4}};
    static const size_t lens[] = {0, 64, 128, 8128, 8192, 16256, 65536};
    uint8_t *s = malloc(65536);
    loy_test_rng rng = {7};
    unsigned paths = 0;
    size_t ti, li, i;
    int path, k;
    (void)state;
    assert_non_null(s);
    for (i = 0; i < 65536; i++) {
        uint64_t r = loy_test_rng_next(&rng);
        s[i] = (uint8_t)((r & 0x30) == 0 ? (r >> 8) & 0xFF : (r >> 8) % 11);
    }
    for (ti = 0; ti < sizeof T / sizeof T[0]; ti++)
        for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            uint64_t want[4] = {0, 0, 0, 0};
            for (i = 0; i < lens[li]; i++)
                for (k = 0; k < 4; k++)
                    want[k] += s[i] <= T[ti][k];
            for (path = 0; path < 3; path++) {
                uint64_t le[4] = {5, 6, 7, 8}; /* adds to what is there */
                if (!loy__nps_count_le_lanes(path, le, s, lens[li], T[ti]))
                    continue;
                paths |= 1u << path;
                for (k = 0; k < 4; k++)
                    assert_int_equal(le[k], want[k] + 5u + (uint64_t)k);
            }
        }
    print_message("byte counter paths compared (baseline, AVX2): %u %u\n",
                  paths & 1u, (paths >> 1) & 1u);
    free(s);
}

/* Strict mode: error, index of the first bad value, nothing written. */
static void
test_strict_and_skip(void **state)
{
    uint8_t s8[100];
    int32_t s32[100];
    double f[100];
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    size_t idx = 0, i;
    (void)state;
    for (i = 0; i < 100; i++) {
        s8[i] = (uint8_t)(i % 11);
        s32[i] = (int32_t)(i % 11);
        f[i] = (double)(i % 11);
    }
    s8[77] = 11;
    s8[90] = 200;
    s32[64] = -1;
    f[50] = 7.5;
    f[60] = (double)NAN;
    t.detractors = 99;
    assert_status(loy_nps_tally_u8(&t, s8, 100, NULL, 0, &idx), LOY_ESCALE);
    assert_int_equal(idx, 77);
    assert_int_equal(t.detractors, 99);
    assert_status(loy_nps_tally_i32(&t, s32, 100, NULL, 0, &idx), LOY_ESCALE);
    assert_int_equal(idx, 64);
    assert_status(loy_nps_tally_f64(&t, f, 100, NULL, 0, &idx), LOY_ESCALE);
    assert_int_equal(idx, 50);
    assert_status(loy_nps_tally_f64(&t, f + 55, 45, NULL, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 5);
    f[59] = HUGE_VAL;
    assert_status(loy_nps_tally_f64(&t, f + 55, 45, NULL, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 4);
    f[58] = -1e300;
    assert_status(loy_nps_tally_f64(&t, f + 55, 45, NULL, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 3);
    assert_int_equal(t.detractors, 99);
    /* skip mode counts the invalid ones as rejected */
    assert_ok(loy_nps_tally_u8(&t, s8, 100, NULL, LOY_NPS_SKIP_INVALID,
                               &idx));
    assert_int_equal(idx, LOY_NO_INDEX);
    assert_int_equal(t.rejected, 2);
    assert_int_equal(t.detractors + t.passives + t.promoters, 98);
    assert_ok(loy_nps_tally_f64(&t, f, 100, NULL, LOY_NPS_SKIP_INVALID,
                                NULL));
    assert_int_equal(t.rejected, 4);
    assert_int_equal(t.detractors + t.passives + t.promoters, 96);
    /* n = 0 is an empty tally */
    assert_ok(loy_nps_tally_u8(&t, s8, 0, NULL, 0, NULL));
    assert_tally(&t, 0, 0, 0, 0);
}

static void
test_tally_bad_args(void **state)
{
    uint8_t s8 = 5;
    int32_t s32 = 5;
    double f = 5;
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    size_t idx = 0;
    (void)state;
    assert_status(loy_nps_tally_u8(NULL, &s8, 1, NULL, 0, &idx), LOY_EINVAL);
    assert_int_equal(idx, LOY_NO_INDEX);
    assert_status(loy_nps_tally_u8(&t, NULL, 1, NULL, 0, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_i32(&t, NULL, 1, NULL, 0, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_f64(&t, NULL, 1, NULL, 0, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_u8(&t, &s8, 1, NULL, 0x2u, NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_i32(&t, &s32, 1, NULL, 0x80000000u, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_tally_f64(&t, &f, 1, NULL, 0x4u, NULL), LOY_EINVAL);
    t.struct_size = sizeof t - 1;
    assert_status(loy_nps_tally_u8(&t, &s8, 1, NULL, 0, NULL), LOY_EINVAL);
    t.struct_size = 0;
    assert_status(loy_nps_tally_f64(&t, &f, 1, NULL, 0, NULL), LOY_EINVAL);
}

/* Merging the tallies of any split equals the tally of the whole. */
static void
test_merge_any_split(void **state)
{
    loy_test_rng rng = {7};
    uint8_t s[5000];
    loy_nps_tally whole = LOY_NPS_TALLY_INIT;
    int rep;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof s; i++)
        s[i] = (uint8_t)(loy_test_rng_next(&rng) % 12); /* 11 is invalid */
    assert_ok(loy_nps_tally_u8(&whole, s, sizeof s, NULL,
                               LOY_NPS_SKIP_INVALID, NULL));
    for (rep = 0; rep < 50; rep++) {
        loy_nps_tally acc = LOY_NPS_TALLY_INIT, part = LOY_NPS_TALLY_INIT;
        size_t pos = 0;
        while (pos < sizeof s) {
            size_t len = (size_t)(loy_test_rng_next(&rng) % 700);
            if (len > sizeof s - pos)
                len = sizeof s - pos;
            assert_ok(loy_nps_tally_u8(&part, s + pos, len, NULL,
                                       LOY_NPS_SKIP_INVALID, NULL));
            assert_ok(loy_nps_tally_merge(&acc, &part));
            pos += len;
        }
        assert_tally(&acc, whole.detractors, whole.passives, whole.promoters,
                     whole.rejected);
    }
    /* pooled segments (JS nps-calculator): (2,0,3)+(4,3,1)+(4,3,0) */
    {
        loy_nps_tally a = {sizeof a, 2, 0, 3, 0}, b = {sizeof b, 4, 3, 1, 0};
        loy_nps_tally c = {sizeof c, 4, 3, 0, 0};
        assert_ok(loy_nps_tally_merge(&a, &b));
        assert_ok(loy_nps_tally_merge(&a, &c));
        assert_tally(&a, 10, 6, 4, 0);
        /* self-merge doubles */
        assert_ok(loy_nps_tally_merge(&a, &a));
        assert_tally(&a, 20, 12, 8, 0);
    }
}

static void
test_merge_bad(void **state)
{
    loy_nps_tally a = {sizeof a, UINT64_MAX, 0, 0, 0};
    loy_nps_tally b = {sizeof b, 1, 0, 0, 0};
    (void)state;
    assert_status(loy_nps_tally_merge(&a, &b), LOY_EDOMAIN);
    assert_int_equal(a.detractors, UINT64_MAX);
    assert_status(loy_nps_tally_merge(NULL, &b), LOY_EINVAL);
    assert_status(loy_nps_tally_merge(&a, NULL), LOY_EINVAL);
    b.struct_size = 8;
    assert_status(loy_nps_tally_merge(&a, &b), LOY_EINVAL);
}

/*
 * Grouped tally against per-group tallies of the same scores. N is large
 * enough for the 32-bit scratch path, whose table is G rounded up to a
 * power of two: a bad index can land in a padding group (G..63 for
 * G = 37) or wrap onto a real group when masked (69 -> 5), and both must
 * be reported; with G = 64 there is no padding at all.
 */
static void
check_grouped(size_t G)
{
    enum { N = 20003 }; /* not a multiple of 4: a scalar tail */
    static const uint32_t bad_groups[] = {0, 64 + 5, 4096 + 1, UINT32_MAX};
    loy_test_rng rng = {99};
    uint8_t *s = malloc(N);
    uint32_t *g = malloc(N * sizeof *g);
    uint64_t *counts = malloc(4 * G * sizeof *counts);
    uint64_t *want = calloc(4 * G, sizeof *want);
    size_t i, k, idx = 0;
    assert_non_null(want);
    assert_non_null(s);
    assert_non_null(g);
    assert_non_null(counts);
    for (i = 0; i < N; i++) {
        int32_t c;
        s[i] = (uint8_t)(loy_test_rng_next(&rng) % 12);
        g[i] = (uint32_t)(loy_test_rng_next(&rng) % G);
        if (loy_nps_classify(&c, s[i], NULL) != LOY_OK)
            c = 3;
        want[4 * g[i] + (uint32_t)c]++;
    }
    assert_ok(loy_nps_tally_grouped_u8(counts, G, s, g, N, NULL,
                                       LOY_NPS_SKIP_INVALID, &idx));
    assert_int_equal(idx, LOY_NO_INDEX);
    assert_memory_equal(counts, want, 4 * G * sizeof *want);
    /* strict: the first 11 stops the call; counts left zero */
    for (i = 0; i < N && s[i] != 11; i++)
        ;
    assert_status(loy_nps_tally_grouped_u8(counts, G, s, g, N, NULL, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, i);
    for (i = 0; i < 4 * G; i++)
        assert_int_equal(counts[i], 0);
    /* out-of-range group index: error with its position, even when
     * skipping invalid scores */
    for (k = 0; k < 5 * sizeof bad_groups / sizeof *bad_groups; k++) {
        /* each of the four unrolled slots, and the scalar tail */
        size_t at = k % 5 == 4 ? N - 1 : 1236 + k % 5;
        uint32_t keep = g[at];
        g[at] = k / 5 == 0 ? (uint32_t)G : bad_groups[k / 5];
        assert_status(loy_nps_tally_grouped_u8(counts, G, s, g, N, NULL,
                                               LOY_NPS_SKIP_INVALID, &idx),
                      LOY_EINVAL);
        assert_int_equal(idx, at);
        for (i = 0; i < 4 * G; i++)
            assert_int_equal(counts[i], 0);
        g[at] = keep;
    }
    assert_status(loy_nps_tally_grouped_u8(counts, 0, s, g, N, NULL, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_tally_grouped_u8(NULL, G, s, g, N, NULL, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_tally_grouped_u8(counts, G, NULL, g, N, NULL, 0,
                                           NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_grouped_u8(counts, G, s, NULL, N, NULL, 0,
                                           NULL), LOY_EINVAL);
    assert_status(loy_nps_tally_grouped_u8(counts, G, s, g, N, NULL, 8u,
                                           NULL), LOY_EINVAL);
    free(s);
    free(g);
    free(counts);
    free(want);
}

static void
test_grouped(void **state)
{
    (void)state;
    check_grouped(37);
    check_grouped(64);
}

/* The short tail (n not a multiple of 4) and which error comes first. */
static void
test_grouped_tail_and_order(void **state)
{
    uint8_t s7[7] = {0, 10, 7, 9, 3, 8, 10};
    uint32_t g7[7] = {0, 1, 2, 0, 1, 2, 1};
    static const uint64_t want[12] = {1, 0, 1, 0, 1, 0, 2, 0, 0, 2, 0, 0};
    uint64_t c7[12];
    size_t idx = 0, k;
    (void)state;
    assert_ok(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL, 0, &idx));
    assert_memory_equal(c7, want, sizeof want);
    g7[6] = 3;
    assert_status(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL, 0, &idx),
                  LOY_EINVAL);
    assert_int_equal(idx, 6);
    for (k = 0; k < 12; k++)
        assert_int_equal(c7[k], 0);
    s7[2] = 12; /* a bad score before the bad group */
    assert_status(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 2);
    assert_status(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL,
                                           LOY_NPS_SKIP_INVALID, &idx),
                  LOY_EINVAL);
    assert_int_equal(idx, 6);
    g7[6] = UINT32_MAX;
    assert_status(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL,
                                           LOY_NPS_SKIP_INVALID, &idx),
                  LOY_EINVAL);
    assert_int_equal(idx, 6);
    g7[6] = 1;
    assert_ok(loy_nps_tally_grouped_u8(c7, 3, s7, g7, 7, NULL,
                                       LOY_NPS_SKIP_INVALID, &idx));
    assert_int_equal(c7[4 * 2 + 3], 1); /* the 12 is rejected in group 2 */
    assert_int_equal(idx, LOY_NO_INDEX);
}

/* Weighted tallies: sums against direct summation; bad weights. */
static void
test_wtally(void **state)
{
    double s[200], w[200], sw[3] = {0, 0, 0}, sw2[3] = {0, 0, 0};
    uint64_t cnt[3] = {0, 0, 0};
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT, a = LOY_NPS_WTALLY_INIT;
    loy_nps_wtally b = LOY_NPS_WTALLY_INIT;
    loy_test_rng rng = {3};
    size_t i, idx = 0;
    int k;
    (void)state;
    for (i = 0; i < 200; i++) {
        int32_t c;
        s[i] = (double)(loy_test_rng_next(&rng) % 11);
        w[i] = 0.1 + 3.0 * loy_test_rng_uniform(&rng);
        assert_ok(loy_nps_classify(&c, (int32_t)s[i], NULL));
        cnt[c]++;
        sw[c] += w[i];
        sw2[c] += w[i] * w[i];
    }
    assert_ok(loy_nps_wtally_f64(&t, s, w, 200, NULL, 0, &idx));
    assert_int_equal(idx, LOY_NO_INDEX);
    for (k = 0; k < 3; k++) {
        assert_int_equal(t.count[k], cnt[k]);
        assert_close(t.sum_w[k], sw[k], 1e-13, 0.0);
        assert_close(t.sum_w2[k], sw2[k], 1e-13, 0.0);
    }
    /* merge of a split equals the whole */
    assert_ok(loy_nps_wtally_f64(&a, s, w, 73, NULL, 0, NULL));
    assert_ok(loy_nps_wtally_f64(&b, s + 73, w + 73, 127, NULL, 0, NULL));
    assert_ok(loy_nps_wtally_merge(&a, &b));
    for (k = 0; k < 3; k++) {
        assert_int_equal(a.count[k], cnt[k]);
        assert_close(a.sum_w[k], sw[k], 1e-13, 0.0);
        assert_close(a.sum_w2[k], sw2[k], 1e-13, 0.0);
    }
    /* bad weights and scores */
    w[10] = -1.0;
    assert_status(loy_nps_wtally_f64(&t, s, w, 200, NULL, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 10);
    w[5] = (double)NAN;
    assert_status(loy_nps_wtally_f64(&t, s, w, 200, NULL, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 5);
    w[3] = HUGE_VAL;
    assert_status(loy_nps_wtally_f64(&t, s, w, 200, NULL, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 3);
    s[1] = 12;
    assert_status(loy_nps_wtally_f64(&t, s, w, 200, NULL, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 1);
    assert_ok(loy_nps_wtally_f64(&t, s, w, 200, NULL, LOY_NPS_SKIP_INVALID,
                                 NULL));
    assert_int_equal(t.rejected, 4);
    assert_int_equal(t.count[0] + t.count[1] + t.count[2], 196);
    w[0] = 0.0; /* a zero weight is allowed */
    assert_ok(loy_nps_wtally_f64(&t, s, w, 1, NULL, 0, NULL));
    assert_int_equal(t.count[0] + t.count[1] + t.count[2], 1);
    assert_status(loy_nps_wtally_f64(NULL, s, w, 1, NULL, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_wtally_f64(&t, s, NULL, 1, NULL, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_wtally_f64(&t, NULL, w, 1, NULL, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_wtally_f64(&t, s, w, 1, NULL, 2u, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_wtally_merge(&t, NULL), LOY_EINVAL);
    {
        double big = 1e200, five = 5.0;
        assert_status(loy_nps_wtally_f64(&t, &five, &big, 1, NULL, 0, NULL),
                      LOY_EOVERFLOW);
    }
}


/*
 * Issue 20: merging weighted tallies added the sums blindly, so squared
 * weights summing past DBL_MAX gave an infinite sum with LOY_OK, and NaN
 * or negative sums went through.
 */
static void
test_wtally_merge_overflow(void **state)
{
    loy_nps_wtally a = LOY_NPS_WTALLY_INIT, b = LOY_NPS_WTALLY_INIT, save;
    double s = 10.0, w = 1e154;
    (void)state;
    assert_ok(loy_nps_wtally_f64(&a, &s, &w, 1, NULL, 0, NULL));
    assert_close(a.sum_w2[2], 1e308, 1e-15, 0);
    b = a;
    save = a;
    assert_status(loy_nps_wtally_merge(&a, &b), LOY_EOVERFLOW);
    assert_memory_equal(&a, &save, sizeof a);
    b.sum_w2[2] = 1e307;
    assert_ok(loy_nps_wtally_merge(&a, &b));
    assert_close(a.sum_w2[2], 1.1e308, 1e-15, 0);
    assert_int_equal(a.count[2], 2);
    a = save;
    b.sum_w[1] = (double)NAN;
    assert_status(loy_nps_wtally_merge(&a, &b), LOY_ENONFINITE);
    b.sum_w[1] = -1.0;
    assert_status(loy_nps_wtally_merge(&a, &b), LOY_EDOMAIN);
    b.sum_w[1] = (double)INFINITY;
    assert_status(loy_nps_wtally_merge(&a, &b), LOY_EDOMAIN);
    b.sum_w[1] = 0.0;
    a.sum_w2[0] = -(double)INFINITY;
    assert_status(loy_nps_wtally_merge(&a, &b), LOY_EDOMAIN);
    assert_true(a.sum_w2[0] == -(double)INFINITY);
}

/* Every error after the argument checks leaves the grouped counts all
 * zero, as documented (1.0 left them untouched for bad breaks). */
static void
test_grouped_zero_on_error(void **state)
{
    static const int32_t bad[4] = {0, 8, 6, 10};
    uint64_t counts[8];
    uint8_t s[2] = {9, 3};
    uint32_t g[2] = {0, 1};
    size_t i;
    (void)state;
    memset(counts, 0xFF, sizeof counts);
    assert_status(loy_nps_tally_grouped_u8(counts, 2, s, g, 2, bad, 0, NULL),
                  LOY_EDOMAIN);
    for (i = 0; i < 8; i++)
        assert_true(counts[i] == 0);
    memset(counts, 0xFF, sizeof counts);
    assert_status(loy_nps_tally_grouped_u8(counts, 2, s, g, 2, NULL, 8u, NULL),
                  LOY_EINVAL);
    for (i = 0; i < 8; i++)
        assert_true(counts[i] == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_wtally_merge_overflow),
        cmocka_unit_test(test_grouped_zero_on_error),
        cmocka_unit_test(test_bad_breaks),
        cmocka_unit_test(test_r_nps_raw),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_u8_matches_brute_force),
        cmocka_unit_test(test_count_le_paths),
        cmocka_unit_test(test_strict_and_skip),
        cmocka_unit_test(test_tally_bad_args),
        cmocka_unit_test(test_merge_any_split),
        cmocka_unit_test(test_merge_bad),
        cmocka_unit_test(test_grouped),
        cmocka_unit_test(test_grouped_tail_and_order),
        cmocka_unit_test(test_wtally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
