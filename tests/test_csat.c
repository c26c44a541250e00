/* SPDX-License-Identifier: MIT */
/* test_csat.c - CSAT (top-2-box, Wilson interval) and CES. */
#include "testutil.h"

#include <string.h>

static loy_csat_result
csat_counts(const uint64_t *c, size_t k, const int32_t *scale, double level)
{
    loy_csat_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_csat_from_counts(&r, c, k, scale, level));
    return r;
}

/* Wilson limits solve |ph - pi| = z sqrt(pi (1 - pi)/n). */
static void
assert_wilson(const loy_csat_result *r, double z)
{
    double n = (double)r->n, lim[2];
    int i;
    lim[0] = r->lower;
    lim[1] = r->upper;
    for (i = 0; i < 2; i++) {
        double pi = lim[i];
        if (pi <= 0.0 || pi >= 1.0)
            continue;
        assert_close(fabs(r->csat - pi), z * sqrt(pi * (1.0 - pi) / n),
                     1e-10, 1e-14);
    }
    assert_true(r->lower <= r->csat && r->csat <= r->upper);
}

/* Delighted 69.16% and Intercom 60% (MODELS.md 2.1). */
static void
test_csat_reference(void **state)
{
    static const uint64_t delighted[5] = {14, 9, 10, 32, 42}; /* 1..5 */
    static const uint64_t intercom[5] = {5, 5, 10, 20, 10};
    loy_csat_result r;
    (void)state;
    r = csat_counts(delighted, 5, NULL, 0.95);
    assert_int_equal(r.n, 107);
    assert_int_equal(r.top, 74);
    assert_close(r.csat, 74.0 / 107.0, 1e-15, 0.0);
    assert_close(100.0 * r.csat, 69.16, 0.0, 0.005);
    assert_close(round(100.0 * r.csat), 69.0, 0.0, 0.0);
    assert_close(r.se, sqrt(r.csat * (1.0 - r.csat) / 107.0), 1e-14, 0.0);
    assert_wilson(&r, 1.959963984540054);
    assert_false(r.flags & LOY_NPS_SMALL_SAMPLE);
    r = csat_counts(intercom, 5, NULL, 0.95);
    assert_int_equal(r.n, 50);
    assert_close(r.csat, 0.6, 1e-15, 0.0);
    assert_wilson(&r, 1.959963984540054);
    /* top-3-box on 1-5, and a 1-7 scale with 6-7 on top */
    {
        static const int32_t top3[3] = {1, 3, 5};
        static const int32_t seven[3] = {1, 6, 7};
        static const uint64_t c7[7] = {1, 1, 1, 1, 1, 3, 2};
        r = csat_counts(intercom, 5, top3, 0.9);
        assert_close(r.csat, 0.8, 1e-15, 0.0);
        assert_wilson(&r, 1.6448536269514722);
        r = csat_counts(c7, 7, seven, 0.95);
        assert_close(r.csat, 0.5, 1e-15, 0.0);
        assert_true(r.flags & LOY_NPS_SMALL_SAMPLE);
    }
    /* all on top: the upper limit is 1, the lower below */
    {
        static const uint64_t all[5] = {0, 0, 0, 0, 12};
        r = csat_counts(all, 5, NULL, 0.95);
        assert_true(r.csat == 1.0 && r.upper == 1.0 && r.lower < 1.0);
        assert_wilson(&r, 1.959963984540054);
    }
}

/* The response-level entry point agrees with the histogram one. */
static void
test_csat_raw(void **state)
{
    static const uint64_t delighted[5] = {14, 9, 10, 32, 42};
    int32_t s[110];
    loy_csat_result a, b;
    size_t i = 0, idx = 0;
    int k;
    uint64_t j;
    (void)state;
    for (k = 0; k < 5; k++)
        for (j = 0; j < delighted[k]; j++)
            s[i++] = k + 1;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_ok(loy_csat_i32(&a, s, 107, NULL, 0.95, 0, &idx));
    assert_int_equal(idx, LOY_NO_INDEX);
    b = csat_counts(delighted, 5, NULL, 0.95);
    assert_true(a.csat == b.csat && a.lower == b.lower && a.upper == b.upper);
    s[107] = 6;
    s[108] = 0;
    s[109] = 4;
    assert_status(loy_csat_i32(&a, s, 110, NULL, 0.95, 0, &idx), LOY_ESCALE);
    assert_int_equal(idx, 107);
    assert_ok(loy_csat_i32(&a, s, 110, NULL, 0.95, LOY_NPS_SKIP_INVALID,
                           &idx));
    assert_int_equal(a.n, 108);
    assert_int_equal(a.top, 75);
    assert_int_equal(a.rejected, 2);
}

static void
test_csat_bad(void **state)
{
    static const uint64_t c[5] = {1, 2, 3, 4, 5}, z5[5] = {0, 0, 0, 0, 0};
    static const int32_t bad1[3] = {1, 1, 5}, bad2[3] = {1, 6, 5};
    int32_t s = 3;
    loy_csat_result r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_csat_from_counts(NULL, c, 5, NULL, 0.95), LOY_EINVAL);
    assert_status(loy_csat_from_counts(&r, NULL, 5, NULL, 0.95), LOY_EINVAL);
    assert_status(loy_csat_from_counts(&r, c, 4, NULL, 0.95), LOY_EINVAL);
    assert_status(loy_csat_from_counts(&r, z5, 5, NULL, 0.95), LOY_EEMPTY);
    assert_status(loy_csat_from_counts(&r, c, 5, bad1, 0.95), LOY_EDOMAIN);
    assert_status(loy_csat_from_counts(&r, c, 5, bad2, 0.95), LOY_EDOMAIN);
    assert_status(loy_csat_from_counts(&r, c, 5, NULL, 1.0), LOY_EDOMAIN);
    assert_status(loy_csat_from_counts(&r, c, 5, NULL, (double)NAN), LOY_ENONFINITE);
    assert_status(loy_csat_i32(&r, &s, 0, NULL, 0.95, 0, NULL), LOY_EEMPTY);
    assert_status(loy_csat_i32(&r, NULL, 1, NULL, 0.95, 0, NULL), LOY_EINVAL);
    assert_status(loy_csat_i32(&r, &s, 1, NULL, 0.95, 4u, NULL), LOY_EINVAL);
    s = 9;
    assert_status(loy_csat_i32(&r, &s, 1, NULL, 0.95, LOY_NPS_SKIP_INVALID,
                               NULL), LOY_EEMPTY);
    assert_true(r.n == 0); /* untouched */
}

/* CES 2.0 on 1-7: against direct computation over the expanded data. */
static void
test_ces(void **state)
{
    static const uint64_t c[7] = {3, 4, 6, 10, 25, 30, 22}; /* 1..7 */
    int32_t s[100];
    double mean = 0, ss = 0, z = 1.959963984540054;
    loy_ces_result r, q;
    size_t i = 0, n;
    int k;
    uint64_t j;
    (void)state;
    for (k = 0; k < 7; k++)
        for (j = 0; j < c[k]; j++)
            s[i++] = k + 1;
    n = i;
    for (i = 0; i < n; i++)
        mean += s[i];
    mean /= (double)n;
    for (i = 0; i < n; i++)
        ss += (s[i] - mean) * (s[i] - mean);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_ces_from_counts(&r, c, 7, NULL, 0.95));
    assert_int_equal(r.n, 100);
    assert_close(r.mean, mean, 1e-14, 0.0);
    assert_close(r.sd, sqrt(ss / 99.0), 1e-13, 0.0);
    assert_close(r.se, sqrt(ss / 99.0) / 10.0, 1e-13, 0.0);
    assert_close(r.lower, mean - z * r.se, 1e-13, 0.0);
    assert_close(r.upper, mean + z * r.se, 1e-13, 0.0);
    assert_close(r.agree, 0.77, 1e-15, 0.0);
    assert_close(r.disagree, 0.13, 1e-15, 0.0);
    q = r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_ces_i32(&r, s, n, NULL, 0.95, 0, NULL));
    assert_close(r.mean, q.mean, 1e-14, 0.0);
    assert_close(r.sd, q.sd, 1e-13, 0.0);
    assert_true(r.agree == q.agree && r.disagree == q.disagree);
    /* CES 1.0 on 1-5 with its own scale; one response has sd 0 */
    {
        static const int32_t ces1[4] = {1, 2, 4, 5};
        int32_t one = 4;
        assert_ok(loy_ces_i32(&r, &one, 1, ces1, 0.95, 0, NULL));
        assert_true(r.mean == 4.0 && r.sd == 0.0 && r.se == 0.0);
        assert_true(r.agree == 1.0 && r.disagree == 0.0);
        assert_true(r.flags & LOY_NPS_SMALL_SAMPLE);
    }
}

static void
test_ces_bad(void **state)
{
    static const uint64_t c[7] = {1, 1, 1, 1, 1, 1, 1};
    static const int32_t bad[4] = {1, 5, 5, 7};
    int32_t s[3] = {1, 8, 0};
    loy_ces_result r;
    size_t idx = 0;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_ces_from_counts(&r, c, 6, NULL, 0.95), LOY_EINVAL);
    assert_status(loy_ces_from_counts(&r, c, 7, bad, 0.95), LOY_EDOMAIN);
    assert_status(loy_ces_from_counts(&r, c, 7, NULL, -1.0), LOY_EDOMAIN);
    assert_status(loy_ces_from_counts(NULL, c, 7, NULL, 0.95), LOY_EINVAL);
    assert_status(loy_ces_i32(&r, s, 3, NULL, 0.95, 0, &idx), LOY_ESCALE);
    assert_int_equal(idx, 1);
    assert_ok(loy_ces_i32(&r, s, 3, NULL, 0.95, LOY_NPS_SKIP_INVALID, &idx));
    assert_int_equal(r.n, 1);
    assert_int_equal(r.rejected, 2);
    r.struct_size = 8;
    assert_status(loy_ces_i32(&r, s, 1, NULL, 0.95, 0, NULL), LOY_EINVAL);
}


/*
 * Issue 20 audit: at a share of 0 or 1 rounding put the 1.0 Wilson limit
 * just past the share (lower 5.6e-17 for 0 of 3, upper 1 - 1.1e-16 for 10
 * of 10): the interval must contain its estimate.
 */
static void
test_csat_interval_contains_share(void **state)
{
    static const uint64_t none[5] = {3, 0, 0, 0, 0}, all[5] = {0, 0, 0, 0, 10};
    loy_csat_result r;
    uint64_t c[5] = {0, 0, 0, 0, 0};
    uint64_t n;
    (void)state;
    r = csat_counts(none, 5, NULL, 0.95);
    assert_true(r.csat == 0.0 && r.lower == 0.0);
    r = csat_counts(all, 5, NULL, 0.95);
    assert_true(r.csat == 1.0 && r.upper == 1.0);
    for (n = 1; n < 2000; n++) {
        c[0] = n;
        c[4] = 0;
        r = csat_counts(c, 5, NULL, 0.95);
        assert_true(r.lower <= r.csat && r.csat <= r.upper);
        c[0] = 0;
        c[4] = n;
        r = csat_counts(c, 5, NULL, 0.95);
        assert_true(r.lower <= r.csat && r.csat <= r.upper);
    }
}

/*
 * Issue 20 audit: 1.0 took the CES variance as sum x^2 - n mean^2, which
 * cancels to garbage for answers close together on a wide scale: 1000
 * answers of 2147483000 and one of 2147482999 on a scale up to 2^31 - 1
 * have sd sqrt(1001000/1002001/1000) = 0.0316070... exactly, which 1.0
 * missed by orders of magnitude. Scores are taken relative to lo, so the
 * wide scale itself is fine.
 */
static void
test_ces_tight_answers_wide_scale(void **state)
{
    static const int32_t wide[4] = {0, 1, 2, 2147483647};
    static int32_t s[1001];
    double sd = sqrt(1001000.0 / 1002001.0 / 1000.0);
    loy_ces_result r;
    size_t i;
    (void)state;
    for (i = 0; i < 1000; i++)
        s[i] = 2147483000;
    s[1000] = 2147482999;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_ces_i32(&r, s, 1001, wide, 0.95, 0, NULL));
    assert_close(r.sd, sd, 1e-12, 0.0);
    assert_close(r.mean, 2147483000.0 - 1.0 / 1001.0, 1e-15, 0.0);
    assert_true(r.mean <= 2147483647.0 && r.agree == 1.0);
    /* the same through a histogram on a narrower, offset scale */
    {
        static const int32_t off[4] = {2147482900, 2147482950, 2147482990,
                                       2147483100};
        static uint64_t c[201];
        c[99] = 1;
        c[100] = 1000;
        assert_ok(loy_ces_from_counts(&r, c, 201, off, 0.95));
        assert_close(r.sd, sd, 1e-12, 0.0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csat_reference),
        cmocka_unit_test(test_csat_raw),
        cmocka_unit_test(test_csat_bad),
        cmocka_unit_test(test_ces),
        cmocka_unit_test(test_ces_bad),
        cmocka_unit_test(test_csat_interval_contains_share),
        cmocka_unit_test(test_ces_tight_answers_wide_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
