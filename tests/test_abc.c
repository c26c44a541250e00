/* SPDX-License-Identifier: MIT */
/* test_abc.c - ABC classification: fixed cut-offs and computed ABC. */
#include "testutil.h"

#include <float.h>
#include <string.h>

static const double one_to_nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

/* ---- brute-force reference: qsort + cumulative sums (MODELS 7.1) ---- */

typedef struct ref_item {
    double v;
    size_t i;
} ref_item;

static int
ref_cmp(const void *a, const void *b)
{
    const ref_item *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

static uint8_t
ref_rule(long double before, long double after, long double total,
         double a, double b, uint32_t flags)
{
    long double tol = 1e-12L * total;
    if (flags & LOY_ABC_BEFORE)
        return before < a * total - tol ? 0 : before < b * total - tol ? 1 : 2;
    return after <= a * total + tol ? 0 : after <= b * total + tol ? 1 : 2;
}

static void
ref_classify(uint8_t *cls, const double *values, size_t n, double a, double b,
             uint32_t flags)
{
    ref_item *it = malloc(n * sizeof *it);
    long double total = 0, cum = 0;
    size_t k;
    assert_non_null(it);
    for (k = 0; k < n; k++) {
        it[k].v = values[k] < 0 ? 0.0 : values[k];
        it[k].i = k;
        total += (flags & LOY_ABC_COUNT) ? 1.0L : (long double)it[k].v;
    }
    qsort(it, n, sizeof *it, ref_cmp);
    for (k = 0; k < n; k++) {
        long double w = (flags & LOY_ABC_COUNT) ? 1.0L : (long double)it[k].v;
        uint8_t c = ref_rule(cum, cum + w, total, a, b, flags);
        if (k > 0 && it[k].v == it[k - 1].v)
            c = cls[it[k - 1].i]; /* tie rule: the run's first item decides */
        cls[it[k].i] = c;
        cum += w;
    }
    free(it);
}

static int
ref_cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

static void
check_summary_against(const loy_abc_summary *s, const uint8_t *cls,
                      const double *values, size_t n)
{
    uint64_t count[3] = {0, 0, 0};
    long double sum[3] = {0, 0, 0}, total = 0;
    double min[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
    size_t i;
    int c;
    for (i = 0; i < n; i++) {
        double v = values[i] < 0 ? 0.0 : values[i];
        count[cls[i]]++;
        sum[cls[i]] += v;
        total += v;
        if (v < min[cls[i]])
            min[cls[i]] = v;
    }
    assert_int_equal(s->n, n);
    for (c = 0; c < 3; c++) {
        assert_int_equal(s->count[c], count[c]);
        assert_close(s->value[c], (double)sum[c], 1e-12, 1e-300);
        assert_close(s->value_share[c], (double)(sum[c] / total), 1e-12, 1e-15);
        assert_close(s->count_share[c], (double)count[c] / (double)n, 1e-15, 0);
    }
    assert_close(s->total_value, (double)total, 1e-13, 0);
    assert_true(s->threshold_ab == (count[0] ? min[0] : HUGE_VAL));
    assert_true(s->threshold_bc == (count[1] ? min[1] : s->threshold_ab));
}

/* ---------------------------- fixed cut-offs ---------------------------- */

static void
test_values_1_to_9_after_before(void **state)
{
    static const uint8_t after[9] = {2, 2, 1, 1, 0, 0, 0, 0, 0};
    static const uint8_t before[9] = {2, 1, 1, 0, 0, 0, 0, 0, 0};
    uint8_t cls[9];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    size_t idx = 0;
    (void)state;
    assert_ok(loy_abc_classify(cls, &s, one_to_nine, 9, LOY_ABC_DEFAULT_CUT_A,
                               LOY_ABC_DEFAULT_CUT_B, 0, &idx));
    assert_memory_equal(cls, after, 9);
    assert_true(idx == LOY_NO_INDEX);
    assert_int_equal(s.count[0], 5);
    assert_int_equal(s.count[1], 2);
    assert_int_equal(s.count[2], 2);
    assert_close(s.value[0], 35, 0, 0);
    assert_close(s.value_share[0], 35.0 / 45, 1e-15, 0);
    assert_close(s.value_share[1], 7.0 / 45, 1e-15, 0);
    assert_close(s.value_share[2], 3.0 / 45, 1e-15, 0);
    assert_close(s.threshold_ab, 5, 0, 0);
    assert_close(s.threshold_bc, 3, 0, 0);
    assert_int_equal(s.rule, LOY_ABC_RULE_AFTER);
    assert_int_equal(s.basis, LOY_ABC_BASIS_VALUE);
    assert_int_equal(s.ties, LOY_ABC_TIES_RUN_FIRST);
    assert_close(s.cut_a, 0.8, 0, 0);
    assert_close(s.cut_b, 0.95, 0, 0);
    assert_close(s.total_value, 45, 0, 0);

    assert_ok(loy_abc_classify(cls, &s, one_to_nine, 9, 0.8, 0.95,
                               LOY_ABC_BEFORE, NULL));
    assert_memory_equal(cls, before, 9);
    assert_int_equal(s.rule, LOY_ABC_RULE_BEFORE);
    assert_close(s.threshold_ab, 4, 0, 0);
    assert_close(s.threshold_bc, 2, 0, 0);
    check_summary_against(&s, cls, one_to_nine, 9);
    /* classes only, summary only */
    memset(cls, 9, sizeof cls);
    assert_ok(loy_abc_classify(cls, NULL, one_to_nine, 9, 0.8, 0.95, 0, NULL));
    assert_memory_equal(cls, after, 9);
    assert_ok(loy_abc_classify(NULL, &s, one_to_nine, 9, 0.8, 0.95, 0, NULL));
    assert_int_equal(s.count[0], 5);
}

static void
test_tie_rule(void **state)
{
    /* 5, 2, 2, 1: cum after 5, 7, 9, 10 of 10. Without the tie rule the
     * second 2 (cum 9 > 8) would be B; the run's first item decides. */
    const double v[4] = {2, 1, 5, 2};
    uint8_t cls[4];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    (void)state;
    assert_ok(loy_abc_classify(cls, &s, v, 4, 0.8, 0.95, 0, NULL));
    assert_int_equal(cls[0], LOY_ABC_A);
    assert_int_equal(cls[3], LOY_ABC_A);
    assert_int_equal(cls[2], LOY_ABC_A);
    assert_int_equal(cls[1], LOY_ABC_C);
    assert_int_equal(s.count[0], 3);
    assert_int_equal(s.count[1], 0);
    assert_true(s.threshold_bc == 2.0); /* B empty: threshold_ab */
    /* BEFORE: 2 starts at 5 < 8 -> A; the 1 starts at 9 -> B (9 < 9.5) */
    assert_ok(loy_abc_classify(cls, &s, v, 4, 0.8, 0.95, LOY_ABC_BEFORE, NULL));
    assert_int_equal(cls[1], LOY_ABC_B);
    assert_int_equal(cls[0], LOY_ABC_A);
    assert_int_equal(cls[3], LOY_ABC_A);
}

static void
shuffle(double *v, size_t n, loy_test_rng *rng)
{
    size_t i;
    for (i = n; i > 1; i--) {
        size_t j = (size_t)(loy_test_rng_next(rng) % i);
        double t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static void
test_order_independence(void **state)
{
    enum { N = 500 };
    double v[N];
    uint8_t cls[N], cls0[N];
    double v0[N];
    loy_test_rng rng = {42};
    uint32_t flags;
    size_t i, rep;
    (void)state;
    for (i = 0; i < N; i++)
        v0[i] = (double)(loy_test_rng_next(&rng) % 12);
    for (flags = 0; flags < 4; flags++) {
        uint8_t by_value[12];
        assert_ok(loy_abc_classify(cls0, NULL, v0, N, 0.6, 0.9, flags, NULL));
        for (i = 0; i < N; i++)
            by_value[(int)v0[i]] = cls0[i];
        /* equal values share a class */
        for (i = 0; i < N; i++)
            assert_int_equal(cls0[i], by_value[(int)v0[i]]);
        memcpy(v, v0, sizeof v);
        for (rep = 0; rep < 20; rep++) {
            shuffle(v, N, &rng);
            assert_ok(loy_abc_classify(cls, NULL, v, N, 0.6, 0.9, flags, NULL));
            for (i = 0; i < N; i++)
                assert_int_equal(cls[i], by_value[(int)v[i]]);
        }
    }
}

static void
test_count_basis(void **state)
{
    double v[10];
    uint8_t cls[10];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    int i;
    (void)state;
    for (i = 0; i < 10; i++)
        v[i] = i + 1;
    /* top 20% by rank: 10 and 9; up to 50%: 8, 7, 6 */
    assert_ok(loy_abc_classify(cls, &s, v, 10, 0.2, 0.5, LOY_ABC_COUNT, NULL));
    assert_int_equal(s.basis, LOY_ABC_BASIS_COUNT);
    for (i = 0; i < 10; i++)
        assert_int_equal(cls[i], i >= 8 ? 0 : i >= 5 ? 1 : 2);
    assert_close(s.count_share[0], 0.2, 1e-15, 0);
    /* 25%: AFTER k <= 2.5 -> 2 in A; BEFORE k - 1 < 2.5 -> 3 in A */
    assert_ok(loy_abc_classify(cls, &s, v, 10, 0.25, 0.5, LOY_ABC_COUNT, NULL));
    assert_int_equal(s.count[0], 2);
    assert_ok(loy_abc_classify(cls, &s, v, 10, 0.25, 0.5,
                               LOY_ABC_COUNT | LOY_ABC_BEFORE, NULL));
    assert_int_equal(s.count[0], 3);
    assert_int_equal(s.count[1], 2); /* ranks 4, 5: k - 1 < 5 */
    /* ties under COUNT: all equal values share the first one's class */
    for (i = 0; i < 10; i++)
        v[i] = i < 5 ? 3.0 : 1.0;
    assert_ok(loy_abc_classify(cls, &s, v, 10, 0.2, 0.5, LOY_ABC_COUNT, NULL));
    assert_int_equal(s.count[0], 5);
    assert_int_equal(s.count[1], 0);
    assert_int_equal(s.count[2], 5);
}

static void
test_equality_tolerance(void **state)
{
    /* 0.4 + 0.3 is a rounding away from 0.7 * total: tolerance decides. */
    const double v[4] = {0.1, 0.2, 0.3, 0.4};
    uint8_t cls[4];
    (void)state;
    assert_ok(loy_abc_classify(cls, NULL, v, 4, 0.7, 0.95, 0, NULL));
    assert_int_equal(cls[2], LOY_ABC_A); /* cum after 0.7: inside A */
    assert_int_equal(cls[1], LOY_ABC_B);
    assert_ok(loy_abc_classify(cls, NULL, v, 4, 0.7, 0.95, LOY_ABC_BEFORE,
                               NULL));
    assert_int_equal(cls[2], LOY_ABC_A);
    assert_int_equal(cls[1], LOY_ABC_B); /* starts at 0.7: not A */
    /* just below the limit (beyond the tolerance) the class changes */
    assert_ok(loy_abc_classify(cls, NULL, v, 4, 0.7 - 1e-9, 0.95, 0, NULL));
    assert_int_equal(cls[2], LOY_ABC_B);
    assert_ok(loy_abc_classify(cls, NULL, v, 4, 0.7 + 1e-9, 0.95,
                               LOY_ABC_BEFORE, NULL));
    assert_int_equal(cls[1], LOY_ABC_A);
    /* exactly representable case: 8 of 10 under AFTER */
    {
        const double w[3] = {2, 6, 2};
        assert_ok(loy_abc_classify(cls, NULL, w, 3, 0.8, 0.95, 0, NULL));
        assert_int_equal(cls[0], LOY_ABC_A);
        assert_int_equal(cls[2], LOY_ABC_A);
        assert_ok(loy_abc_classify(cls, NULL, w, 3, 0.6, 0.95,
                                   LOY_ABC_BEFORE, NULL));
        assert_int_equal(cls[0], LOY_ABC_B); /* 2s start at 6 = 0.6 x 10 */
    }
}

/* Random data of several shapes, many ties, against the reference. */
static double
draw(loy_test_rng *rng, int shape)
{
    double u = loy_test_rng_uniform(rng);
    switch (shape) {
    case 0: return (double)(loy_test_rng_next(rng) % 20);       /* ties */
    case 1: return exp(3.0 * (u - 0.5) * 4.0);                  /* skewed */
    case 2: return 1.0 + (double)(loy_test_rng_next(rng) % 4096) * 0x1p-45;
    case 3: return u < 0.3 ? 0.0 : floor(1000.0 * u * u) / 8.0;
    case 5: return 1.0 + u * 0x1p-8; /* one top-level bucket: refined */
    default: return u < 0.01 ? 1e6 * u : u;                       /* outliers */
    }
}

static void
test_against_reference(void **state)
{
    static const size_t sizes[] = {1, 2, 3, 7, 65, 300, 2048, 2049, 9000};
    const double cuts[][2] = {{0.8, 0.95}, {0.5, 0.6}, {0.05, 0.999},
                              {0.7, 0.9}};
    loy_test_rng rng = {7};
    size_t si, i;
    (void)state;
    for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        double *v = malloc(n * sizeof *v);
        uint8_t *got = malloc(n), *want = malloc(n);
        int shape;
        assert_non_null(v);
        assert_non_null(got);
        assert_non_null(want);
        for (shape = 0; shape < 6; shape++) {
            size_t ci;
            uint32_t flags;
            for (i = 0; i < n; i++)
                v[i] = draw(&rng, shape);
            v[0] = v[0] + 1.0; /* keep the total positive */
            for (ci = 0; ci < 4; ci++)
                for (flags = 0; flags < 4; flags++) {
                    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
                    assert_ok(loy_abc_classify(got, &s, v, n, cuts[ci][0],
                                               cuts[ci][1], flags, NULL));
                    ref_classify(want, v, n, cuts[ci][0], cuts[ci][1], flags);
                    for (i = 0; i < n; i++)
                        if (got[i] != want[i]) {
                            print_error("n %zu shape %d cut %zu flags %u i %zu"
                                        " v %.17g: got %d want %d\n", n,
                                        shape, ci, flags, i, v[i], got[i],
                                        want[i]);
                            fail();
                        }
                    check_summary_against(&s, got, v, n);
                }
        }
        free(v);
        free(got);
        free(want);
    }
}

static void
test_clamp_negative(void **state)
{
    const double v[5] = {3, -1, 5, -0.0, 2};
    uint8_t cls[5];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    size_t idx = 0;
    (void)state;
    assert_status(loy_abc_classify(cls, &s, v, 5, 0.8, 0.95, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 1);
    assert_ok(loy_abc_classify(cls, &s, v, 5, 0.8, 0.95,
                               LOY_ABC_CLAMP_NEGATIVE, &idx));
    assert_true(idx == LOY_NO_INDEX);
    assert_int_equal(s.n_clamped, 1);
    assert_int_equal(s.n, 5);
    assert_close(s.total_value, 10, 0, 0);
    assert_int_equal(cls[1], cls[3]); /* -1 counts as 0, like -0.0 */
    assert_int_equal(cls[1], LOY_ABC_C);
    assert_int_equal(cls[2], LOY_ABC_A);
}

static void
test_bad_input(void **state)
{
    double v[3] = {1, 2, 3};
    uint8_t cls[3];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    size_t idx = 0;
    (void)state;
    assert_status(loy_abc_classify(cls, &s, NULL, 3, 0.8, 0.95, 0, &idx),
                  LOY_EINVAL);
    assert_true(idx == LOY_NO_INDEX);
    assert_status(loy_abc_classify(cls, &s, v, 0, 0.8, 0.95, 0, NULL),
                  LOY_EEMPTY);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0x80u, NULL),
                  LOY_EINVAL);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.95, 0.8, 0, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.0, 0.8, 0, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.5, 1.0, 0, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_abc_classify(cls, &s, v, 3, NAN, 0.9, 0, NULL),
                  LOY_EDOMAIN);
    v[2] = NAN;
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 2);
    v[2] = -INFINITY;
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95,
                                   LOY_ABC_CLAMP_NEGATIVE, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 2);
    v[1] = INFINITY;
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 1);
    v[0] = v[1] = v[2] = 0.0;
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, &idx),
                  LOY_EEMPTY);
    assert_true(idx == LOY_NO_INDEX);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, LOY_ABC_COUNT,
                                   NULL), LOY_EEMPTY);
    v[0] = 1e308;
    v[1] = 1e308;
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, NULL),
                  LOY_EOVERFLOW);
    v[1] = 1.0;
    s.struct_size = sizeof(size_t);
    assert_status(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_abc_summary_init(NULL), LOY_EINVAL);
    assert_ok(loy_abc_summary_init(&s));
    assert_int_equal(s.struct_size, sizeof s);
    assert_ok(loy_abc_classify(cls, &s, v, 3, 0.8, 0.95, 0, NULL));
}

/* The same checks on the histogram path (n above the small-input size). */
static void
test_bad_input_large(void **state)
{
    enum { N = 5000 };
    static double v[N];
    static uint8_t cls[N];
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    size_t i, idx = 0;
    (void)state;
    for (i = 0; i < N; i++)
        v[i] = (double)(i % 97);
    v[3000] = -2.5;
    assert_status(loy_abc_classify(cls, &s, v, N, 0.8, 0.95, 0, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 3000);
    v[4321] = NAN;
    assert_status(loy_abc_classify(cls, &s, v, N, 0.8, 0.95,
                                   LOY_ABC_CLAMP_NEGATIVE, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 4321);
    v[4321] = 1.0;
    assert_ok(loy_abc_classify(cls, &s, v, N, 0.8, 0.95,
                               LOY_ABC_CLAMP_NEGATIVE, &idx));
    assert_true(idx == LOY_NO_INDEX);
    assert_int_equal(s.n_clamped, 1);
    assert_int_equal(cls[3000], cls[0]); /* both count as 0 */
    check_summary_against(&s, cls, v, N);
    v[10] = 1e308;
    v[20] = 1e308;
    assert_status(loy_abc_classify(cls, &s, v, N, 0.8, 0.95,
                                   LOY_ABC_CLAMP_NEGATIVE, &idx),
                  LOY_EOVERFLOW);
    assert_true(idx == LOY_NO_INDEX);
    memset(v, 0, sizeof v);
    assert_status(loy_abc_classify(cls, &s, v, N, 0.8, 0.95, 0, &idx),
                  LOY_EEMPTY);
    /* all equal: one run, all in A under AFTER only if v <= 0.8 total */
    for (i = 0; i < N; i++)
        v[i] = 3.0;
    assert_ok(loy_abc_classify(cls, &s, v, N, 0.8, 0.95, 0, NULL));
    assert_int_equal(s.count[0], N);
    assert_ok(loy_abc_classify(cls, &s, v, N, 0.8, 0.95, LOY_ABC_COUNT,
                               NULL));
    assert_int_equal(s.count[0], N);
}

static void
test_struct_sizes(void **state)
{
    /* A newer caller's longer struct: nothing past our fields is written;
     * a size below the first release is refused. */
    unsigned char buf[sizeof(loy_abc_summary) + 8];
    loy_abc_summary *s = (loy_abc_summary *)(void *)buf;
    (void)state;
    memset(buf, 0xAB, sizeof buf);
    s->struct_size = sizeof buf;
    assert_ok(loy_abc_classify(NULL, s, one_to_nine, 9, 0.8, 0.95, 0, NULL));
    assert_int_equal(s->struct_size, sizeof buf);
    assert_int_equal(s->count[0], 5);
    assert_int_equal(buf[sizeof(loy_abc_summary)], 0xAB);
    assert_int_equal(buf[sizeof buf - 1], 0xAB);
    s->struct_size = offsetof(loy_abc_summary, n_clamped);
    assert_status(loy_abc_classify(NULL, s, one_to_nine, 9, 0.8, 0.95, 0,
                                   NULL), LOY_EINVAL);
}

/* ----------------------------- computed ABC ----------------------------- */

static void
test_computed_1_to_9(void **state)
{
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    uint8_t cls[9];
    static const uint8_t want[9] = {2, 2, 2, 1, 1, 1, 0, 0, 0};
    size_t idx = 0;
    (void)state;
    assert_ok(loy_abc_computed_classify(cls, &r, one_to_nine, 9, 0, &idx));
    assert_true(idx == LOY_NO_INDEX);
    assert_int_equal(r.pareto_rank, 4);
    assert_int_equal(r.breakeven_rank, 5);
    assert_int_equal(r.submarginal_rank, 6);
    assert_int_equal(r.ab_exchanged, 0);
    assert_close(r.ab_limit, 6, 0, 0);
    assert_close(r.bc_limit, 4, 0, 0);
    assert_memory_equal(cls, want, 9);
    assert_close(r.a_effort, 4.0 / 9, 1e-15, 0);
    assert_close(r.a_yield, 30.0 / 45, 1e-15, 0);
    assert_close(r.b_effort, 5.0 / 9, 1e-15, 0);
    assert_close(r.b_yield, 35.0 / 45, 1e-15, 0);
    assert_close(r.c_effort, 6.0 / 9, 1e-15, 0);
    assert_close(r.c_yield, 39.0 / 45, 1e-15, 0);
    /* R: shares of the sum 0.5333 / 0.3333 / 0.1333 */
    assert_close(r.value_share[0], 0.5333, 0, 5e-5);
    assert_close(r.value_share[1], 0.3333, 0, 5e-5);
    assert_close(r.value_share[2], 0.1333, 0, 5e-5);
    assert_int_equal(r.count[0], 3);
    assert_int_equal(r.count[1], 3);
    assert_int_equal(r.count[2], 3);
    assert_close(r.total_value, 45, 0, 0);
    assert_close(r.gini, 8.0 / 27, 1e-14, 0); /* (n-1)/(3n) for 1..n */
}

static void
test_computed_gini(void **state)
{
    double v[100];
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    int i;
    (void)state;
    for (i = 0; i < 100; i++)
        v[i] = 7.5;
    assert_ok(loy_abc_computed_classify(NULL, &r, v, 100, 0, NULL));
    assert_close(r.gini, 0, 0, 1e-14);
    for (i = 0; i < 100; i++)
        v[i] = i == 37 ? 3.0 : 0.0; /* one customer holds everything */
    assert_ok(loy_abc_computed_classify(NULL, &r, v, 100, 0, NULL));
    assert_close(r.gini, 1.0 - 1.0 / 100, 1e-14, 0);
    for (i = 0; i < 100; i++)
        v[i] = 100 - i;
    assert_ok(loy_abc_computed_classify(NULL, &r, v, 100, 0, NULL));
    assert_close(r.gini, 99.0 / 300, 1e-13, 0);
}

/* Direct re-implementation of the spline-free steps for random data. */
static void
test_computed_against_direct(void **state)
{
    enum { N = 257 };
    double v[N], s[N], y[N + 1];
    uint8_t cls[N];
    loy_test_rng rng = {99};
    int rep;
    (void)state;
    for (rep = 0; rep < 30; rep++) {
        loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
        double total = 0, best, mean;
        size_t i, k, p = 0, e = 0, c = 0, ia, ib;
        for (i = 0; i < N; i++) {
            v[i] = rep % 2 ? (double)(loy_test_rng_next(&rng) % 9)
                           : exp(2.0 * loy_test_rng_uniform(&rng));
            if (i % 50 == 3)
                v[i] = -1.0; /* clamped */
            s[i] = v[i] < 0 ? 0 : v[i];
            total += s[i];
        }
        qsort(s, N, sizeof s[0], ref_cmp_double_desc);
        y[0] = 0;
        for (k = 1; k <= N; k++)
            y[k] = y[k - 1] + s[k - 1];
        for (best = HUGE_VAL, k = 1; k <= N; k++) {
            double x = (double)k / N, d = x * x + pow(1 - y[k] / total, 2);
            if (d < best - 1e-15) { best = d; p = k; }
        }
        mean = total / N;
        for (best = HUGE_VAL, k = 1; k <= N; k++) {
            double d = fabs(s[k - 1] / mean - 1);
            if (d <= best) { best = d; e = k; }
        }
        ia = p < e ? p : e;
        ib = p < e ? e : p;
        for (best = HUGE_VAL, k = 1; k <= N; k++) {
            double x = (double)k / N;
            double d = pow(x - (double)ib / N, 2) + pow(1 - y[k] / total, 2);
            if (d < best - 1e-15) { best = d; c = k; }
        }
        assert_ok(loy_abc_computed_classify(cls, &r, v, N, 0, NULL));
        assert_int_equal(r.pareto_rank, p);
        assert_int_equal(r.breakeven_rank, e);
        assert_int_equal(r.submarginal_rank, c);
        assert_int_equal(r.ab_exchanged, e < p);
        assert_close(r.ab_limit, s[ia - 1], 0, 0);
        assert_close(r.bc_limit, s[c - 1], 0, 0);
        assert_int_equal(r.n_clamped, 6);
        for (i = 0; i < N; i++) {
            double x = v[i] < 0 ? 0 : v[i];
            int want = x > r.ab_limit ? 0 : x >= r.bc_limit ? 1 : 2;
            assert_int_equal(cls[i], want);
        }
    }
}

static void
test_computed_bad_input(void **state)
{
    double v[4] = {1, 2, 3, 4};
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    size_t idx = 0;
    (void)state;
    assert_status(loy_abc_computed_classify(NULL, NULL, v, 4, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_abc_computed_classify(NULL, &r, NULL, 4, 0, NULL),
                  LOY_EINVAL);
    assert_status(loy_abc_computed_classify(NULL, &r, v, 4, 1u, NULL),
                  LOY_EINVAL);
    assert_status(loy_abc_computed_classify(NULL, &r, v, 0, 0, NULL),
                  LOY_EEMPTY);
    assert_status(loy_abc_computed_classify(NULL, &r, v, 2, 0, &idx),
                  LOY_EDEGENERATE);
    v[1] = NAN;
    assert_status(loy_abc_computed_classify(NULL, &r, v, 4, 0, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 1);
    v[0] = -1;
    v[1] = 0;
    v[2] = -3;
    v[3] = 0;
    assert_status(loy_abc_computed_classify(NULL, &r, v, 4, 0, &idx),
                  LOY_EEMPTY);
    assert_status(loy_abc_computed_result_init(NULL), LOY_EINVAL);
    r.struct_size = 4;
    v[3] = 5;
    assert_status(loy_abc_computed_classify(NULL, &r, v, 4, 0, NULL),
                  LOY_EINVAL);
    assert_ok(loy_abc_computed_result_init(&r));
    assert_ok(loy_abc_computed_classify(NULL, &r, v, 4, 0, NULL));
    assert_int_equal(r.n_clamped, 2);
    assert_int_equal(r.count[0] + r.count[1] + r.count[2], 4);
}


/*
 * Issue 20: the Gini coefficient summed the cumulative values, about n
 * times the total, which overflowed for {DBL_MAX, 0, 0} (NaN with LOY_OK);
 * the break-even point divided by the mean of denormal values, which
 * rounds to 0.
 */
static void
test_computed_extremes(void **state)
{
    double v[8] = {DBL_MAX, 0.0, 0.0, 0, 0, 0, 0, 0};
    uint8_t cls[8];
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    size_t i;
    (void)state;
    assert_ok(loy_abc_computed_classify(cls, &r, v, 3, 0, NULL));
    assert_close(r.gini, 2.0 / 3.0, 1e-15, 0);
    assert_close(r.total_value, DBL_MAX, 0, 0);
    /* Pareto point k = 1, break-even and submarginal k = 3: A is empty */
    assert_true(r.ab_limit == DBL_MAX && r.bc_limit == 0.0);
    assert_true(cls[0] == LOY_ABC_B && cls[1] == LOY_ABC_B);
    /* two values of 5e-324 among eight: the break-even point (slope 1)
     * is the last zero, |0/mean - 1| = 1 < |v/mean - 1| = 3 */
    for (i = 0; i < 8; i++)
        v[i] = i < 2 ? 4.9406564584124654e-324 : 0.0;
    assert_ok(loy_abc_computed_classify(cls, &r, v, 8, 0, NULL));
    assert_int_equal(r.breakeven_rank, 8);
    assert_close(r.gini, 0.75, 1e-15, 0); /* y = 0.5, 1, ..., 1 */
    /* a total past DBL_MAX */
    v[0] = v[1] = DBL_MAX;
    assert_status(loy_abc_computed_classify(cls, &r, v, 8, 0, NULL),
                  LOY_EOVERFLOW);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_1_to_9_after_before),
        cmocka_unit_test(test_tie_rule),
        cmocka_unit_test(test_order_independence),
        cmocka_unit_test(test_count_basis),
        cmocka_unit_test(test_equality_tolerance),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_clamp_negative),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_input_large),
        cmocka_unit_test(test_struct_sizes),
        cmocka_unit_test(test_computed_1_to_9),
        cmocka_unit_test(test_computed_gini),
        cmocka_unit_test(test_computed_against_direct),
        cmocka_unit_test(test_computed_bad_input),
        cmocka_unit_test(test_computed_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
