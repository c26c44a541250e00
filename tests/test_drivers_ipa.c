/* SPDX-License-Identifier: MIT */
/* test_drivers_ipa.c - penalty-reward contrast analysis (against a direct
 * OLS on the indicator matrix, and the Kano classes of data built with
 * known asymmetries), importance-performance analysis (hand-computed
 * values, cut rules, the Kano performance rule), histograms, bad input. */
#include "testutil.h"

#include <string.h>

#define P 4
#define N 3000

static uint64_t
rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double
unif(uint64_t *s)
{
    return ((double)(rng(s) >> 11) + 0.5) * 0x1.0p-53;
}

/*
 * Ratings 0-10 (row-major N x P) and an outcome with known effects:
 * attribute 0 basic (low costs 2.5, high gains 0), 1 excitement (low 0,
 * high +2), 2 performance (-1.5 / +1.5), 3 none.
 */
static void
prca_data(double *y, double *x, uint64_t seed)
{
    uint64_t s = seed;
    size_t i, j;
    for (i = 0; i < N; i++) {
        double v = 7.0;
        for (j = 0; j < P; j++)
            x[i * P + j] = (double)(rng(&s) % 11u);
        v -= 2.5 * (x[i * P] <= 6);
        v += 2.0 * (x[i * P + 1] >= 9);
        v -= 1.5 * (x[i * P + 2] <= 6);
        v += 1.5 * (x[i * P + 2] >= 9);
        y[i] = v + 1.5 * (unif(&s) + unif(&s) + unif(&s) - 1.5);
    }
}

/* OLS by normal equations with Gauss-Jordan (independent of the library):
 * coefficients b (m + 1 with the intercept first) and (X'X)^-1. */
static void
ols(const double *X, const double *y, size_t n, size_t m, double *b,
    double *inv, double *s2)
{
    size_t a, c, i, r, q = m + 1;
    double A[9][18];
    double rss = 0.0;
    memset(A, 0, sizeof A);
    for (i = 0; i < n; i++)
        for (a = 0; a < q; a++) {
            double xa = a == 0 ? 1.0 : X[i * m + a - 1];
            for (c = 0; c < q; c++)
                A[a][c] += xa * (c == 0 ? 1.0 : X[i * m + c - 1]);
        }
    for (a = 0; a < q; a++)
        for (c = 0; c < q; c++)
            A[a][q + c] = a == c;
    for (c = 0; c < q; c++) {
        double piv = A[c][c];
        for (r = 0; r < 2 * q; r++)
            A[c][r] /= piv;
        for (a = 0; a < q; a++)
            if (a != c) {
                double f = A[a][c];
                for (r = 0; r < 2 * q; r++)
                    A[a][r] -= f * A[c][r];
            }
    }
    for (a = 0; a < q; a++) {
        double s = 0.0;
        for (c = 0; c < q; c++)
            inv[a * q + c] = A[a][q + c];
        for (i = 0; i < n; i++)
            s += (a == 0 ? 1.0 : X[i * m + a - 1]) * y[i];
        b[a] = s; /* X'y, solved below */
    }
    {
        double xty[9];
        memcpy(xty, b, q * sizeof *b);
        for (a = 0; a < q; a++) {
            double s = 0.0;
            for (c = 0; c < q; c++)
                s += inv[a * q + c] * xty[c];
            b[a] = s;
        }
    }
    for (i = 0; i < n; i++) {
        double f = b[0];
        for (a = 0; a < m; a++)
            f += b[a + 1] * X[i * m + a];
        rss += (y[i] - f) * (y[i] - f);
    }
    *s2 = rss / ((double)n - (double)q);
}

static void
get(double *v, size_t n, const loy_drivers_result *r, uint32_t metric,
    uint32_t stat)
{
    size_t len = 0;
    assert_ok(loy_drivers_result_get(v, n, &len, r, metric, stat));
    assert_int_equal(len, n);
}

static void
test_prca(void **state)
{
    static double y[N], x[N * P], X[N * 2 * P];
    double b[9], inv[81], s2, v[P], se[P];
    int32_t kano[P];
    loy_moments *t;
    loy_drivers_result *r;
    loy_drivers_summary s = LOY_DRIVERS_SUMMARY_INIT;
    size_t i, j, len = 0;
    const size_t m = 2 * P;
    (void)state;
    prca_data(y, x, 21);
    assert_ok(loy_moments_new(&t, 2 * P + 1, 0));
    /* two calls: the tally merges rows like any other */
    assert_ok(loy_drivers_prca_add(t, y, x, 1000, P, P, 1, NULL, NULL, 6, 9,
                                   NULL));
    assert_ok(loy_drivers_prca_add(t, y + 1000, x + 1000 * P, N - 1000, P, P,
                                   1, NULL, NULL, 6, 9, NULL));
    assert_ok(loy_drivers_prca(&r, t, P, 0.05, NULL));
    for (i = 0; i < N; i++)
        for (j = 0; j < P; j++) {
            X[i * m + j] = x[i * P + j] <= 6;
            X[i * m + P + j] = x[i * P + j] >= 9;
        }
    ols(X, y, N, m, b, inv, &s2);
    get(v, P, r, LOY_DRIVERS_PENALTY, LOY_DRIVERS_ESTIMATE);
    get(se, P, r, LOY_DRIVERS_PENALTY, LOY_DRIVERS_STDERR);
    for (j = 0; j < P; j++) {
        assert_close(v[j], -b[1 + j], 1e-9, 1e-12);
        assert_close(se[j], sqrt(s2 * inv[(1 + j) * 9 + 1 + j]), 1e-9, 0);
    }
    get(v, P, r, LOY_DRIVERS_REWARD, LOY_DRIVERS_ESTIMATE);
    for (j = 0; j < P; j++)
        assert_close(v[j], b[1 + P + j], 1e-9, 1e-12);
    get(v, P, r, LOY_DRIVERS_ASYMMETRY, LOY_DRIVERS_ESTIMATE);
    get(se, P, r, LOY_DRIVERS_ASYMMETRY, LOY_DRIVERS_STDERR);
    for (j = 0; j < P; j++) {
        size_t a = 1 + j, c = 1 + P + j;
        double vd = s2 * (inv[a * 9 + a] + inv[c * 9 + c] + 2 * inv[a * 9 + c]);
        assert_close(v[j], -b[a] - b[c], 1e-9, 1e-12);
        assert_close(se[j], sqrt(vd), 1e-9, 0);
    }
    /* the effects built into the data */
    get(v, P, r, LOY_DRIVERS_PENALTY, 0);
    assert_close(v[0], 2.5, 0, 0.2);
    assert_close(v[2], 1.5, 0, 0.2);
    assert_ok(loy_drivers_result_kano(kano, P, &len, r));
    assert_int_equal(len, P);
    assert_int_equal(kano[0], LOY_KANO_BASIC);
    assert_int_equal(kano[1], LOY_KANO_EXCITEMENT);
    assert_int_equal(kano[2], LOY_KANO_PERFORMANCE);
    assert_int_equal(kano[3], LOY_KANO_LOW_IMPACT);
    assert_string_equal(loy_drivers_kano_name(kano[0]), "basic");
    assert_string_equal(loy_drivers_kano_name(LOY_KANO_EXCITEMENT),
                        "excitement");
    assert_string_equal(loy_drivers_kano_name(99), "unknown");
    get(v, P, r, LOY_DRIVERS_ASYMMETRY_P, 0);
    assert_true(v[0] < 1e-6 && v[1] < 1e-6 && v[2] > 0.01);
    assert_ok(loy_drivers_result_summary(&s, r));
    assert_int_equal(s.model, LOY_DRIVERS_MODEL_PRCA);
    assert_int_equal(s.n, N);
    assert_close(s.df_resid, N - 2 * P - 1, 0, 0);
    assert_true(s.r2 > 0.2 && s.r2 < 1);
    assert_status(loy_drivers_result_kano(kano, 2, &len, r), LOY_EBUFSIZE);
    loy_drivers_result_free(r);
    loy_moments_free(t);
}

static void
test_prca_bad(void **state)
{
    static double y[N], x[N * P];
    loy_moments *t, *t2;
    loy_drivers_result *r = NULL;
    size_t err = 0, i;
    (void)state;
    prca_data(y, x, 22);
    assert_ok(loy_moments_new(&t, 2 * P + 1, 0));
    assert_ok(loy_moments_new(&t2, 2 * P, 0));
    assert_status(loy_drivers_prca_add(t2, y, x, N, P, P, 1, NULL, NULL, 6, 9,
                                       NULL),
                  LOY_EINVAL);
    assert_status(loy_drivers_prca_add(t, y, x, N, P, P, 1, NULL, NULL, 9, 6,
                                       NULL),
                  LOY_EDOMAIN);
    x[5 * P + 2] = (double)INFINITY;
    assert_status(loy_drivers_prca_add(t, y, x, N, P, P, 1, NULL, NULL, 6, 9,
                                       &err),
                  LOY_ENONFINITE);
    assert_int_equal(err, 5 * (P + 2) + 2);
    x[5 * P + 2] = 3;
    y[7] = (double)NAN;
    assert_status(loy_drivers_prca_add(t, y, x, N, P, P, 1, NULL, NULL, 6, 9,
                                       &err),
                  LOY_ENONFINITE);
    assert_int_equal(err, 7 * (P + 2) + P);
    y[7] = 1;
    /* no high rating of attribute 1 at all: its H column is constant */
    for (i = 0; i < N; i++)
        if (x[i * P + 1] >= 9)
            x[i * P + 1] = 8;
    assert_ok(loy_drivers_prca_add(t, y, x, N, P, P, 1, NULL, NULL, 6, 9,
                                   &err));
    assert_status(loy_drivers_prca(&r, t, P, 0.05, &err), LOY_EDEGENERATE);
    assert_int_equal(err, 1);
    assert_null(r);
    assert_status(loy_drivers_prca(&r, t, P, 1.5, &err), LOY_EDOMAIN);
    assert_status(loy_drivers_prca(&r, t, P + 1, 0.05, &err), LOY_EINVAL);
    assert_status(loy_drivers_prca(NULL, t, P, 0.05, &err), LOY_EINVAL);
    loy_moments_free(t);
    loy_moments_free(t2);
}

/* Hand-computed IPA on 0-10. Histograms (count x rating):
 *   a: 4 x 6, 2 x 9, 4 x 10   mean 8.2  perf 82   top 0.6  bottom 0.4
 *   b: 4 x 3, 6 x 8           mean 6.0  perf 60   top 0.0  bottom 0.4
 *   c: 5 x 10                 mean 10   perf 100  top 1.0  bottom 0.0
 * Importances 0.5, 0.3, 0.2 (shares); cuts 1/3 and mean perf 242/3. */
static void
test_ipa(void **state)
{
    double hist[3 * 11];
    static const double imp[3] = {5, 3, 2}; /* normalised to shares */
    double perf[3], top[3], bot[3], opp[3], cuts[2];
    int32_t quad[3];
    loy_drivers_ipa_options o;
    static const int32_t kano[3] = {LOY_KANO_PERFORMANCE, LOY_KANO_BASIC,
                                    LOY_KANO_EXCITEMENT};
    (void)state;
    memset(hist, 0, sizeof hist);
    hist[0 * 11 + 6] = 4, hist[0 * 11 + 9] = 2, hist[0 * 11 + 10] = 4;
    hist[1 * 11 + 3] = 4, hist[1 * 11 + 8] = 6;
    hist[2 * 11 + 10] = 5;
    assert_ok(loy_drivers_ipa(perf, top, bot, quad, opp, cuts, imp, hist, 3, 0,
                              10, NULL, NULL));
    assert_close(perf[0], 82, 1e-14, 0);
    assert_close(perf[1], 60, 1e-14, 0);
    assert_close(perf[2], 100, 1e-14, 0);
    assert_close(top[0], 0.6, 1e-14, 0);
    assert_close(bot[0], 0.4, 1e-14, 0);
    assert_close(top[1], 0.0, 0, 0);
    assert_close(bot[1], 0.4, 1e-14, 0);
    assert_close(cuts[0], 1.0 / 3.0, 1e-15, 0);
    assert_close(cuts[1], 242.0 / 3.0, 1e-14, 0);
    assert_int_equal(quad[0], LOY_IPA_KEY_STRENGTH); /* 0.5, 82 */
    assert_int_equal(quad[1], LOY_IPA_LOW_PRIORITY); /* 0.3 < 1/3, 60 */
    assert_int_equal(quad[2], LOY_IPA_SECONDARY_STRENGTH);
    assert_close(opp[0], 0.5 * 0.18, 1e-14, 0);
    assert_close(opp[1], 0.3 * 0.4, 1e-14, 0);
    assert_close(opp[2], 0.0, 0, 1e-16);
    assert_string_equal(loy_drivers_quadrant_name(quad[0]), "key strength");
    assert_string_equal(loy_drivers_quadrant_name(LOY_IPA_PRIORITY_FIX),
                        "priority fix");
    /* median and fixed cuts, a fixed importance cut */
    assert_ok(loy_drivers_ipa_options_init(&o));
    o.perf_cut = LOY_IPA_CUT_MEDIAN;
    o.importance_cut = 0.25;
    assert_ok(loy_drivers_ipa(NULL, NULL, NULL, quad, NULL, cuts, imp, hist,
                              3, 0, 10, NULL, &o));
    assert_close(cuts[1], 82, 1e-14, 0);
    assert_int_equal(quad[1], LOY_IPA_PRIORITY_FIX); /* 0.3 >= 0.25, 60 */
    o.perf_cut = LOY_IPA_CUT_FIXED;
    o.perf_fixed = 90;
    assert_ok(loy_drivers_ipa(NULL, NULL, NULL, quad, NULL, cuts, imp, hist,
                              3, 0, 10, NULL, &o));
    assert_int_equal(quad[0], LOY_IPA_PRIORITY_FIX);
    /* the Kano rule: basic -> 100 (1 - bottom box), excitement -> top box */
    assert_ok(loy_drivers_ipa_options_init(&o));
    o.flags = LOY_IPA_KANO_PERFORMANCE;
    assert_ok(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp, hist,
                              3, 0, 10, kano, &o));
    assert_close(perf[0], 82, 1e-14, 0);   /* performance: the mean */
    assert_close(perf[1], 60, 1e-14, 0);   /* basic: 100 (1 - 0.4) */
    assert_close(perf[2], 100, 1e-14, 0);
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 3, 0, 10, NULL, &o),
                  LOY_EINVAL);
}

static void
test_ipa_bad(void **state)
{
    double hist[2 * 5], perf[2] = {-1, -1};
    double imp[2] = {1, 1};
    loy_drivers_ipa_options o;
    (void)state;
    memset(hist, 0, sizeof hist);
    hist[0 * 5 + 4] = 3, hist[1 * 5 + 0] = 2;
    assert_ok(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp, hist, 2,
                              1, 5, NULL, NULL));
    assert_close(perf[0], 100, 0, 0);
    assert_close(perf[1], 0, 0, 0);
    imp[1] = -1;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_ESCALE);
    imp[1] = (double)NAN;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_ENONFINITE);
    imp[0] = imp[1] = 0;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_EDEGENERATE);
    imp[0] = imp[1] = 1;
    hist[1 * 5 + 0] = 0; /* attribute without ratings */
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_EEMPTY);
    hist[1 * 5 + 0] = -2;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_ESCALE);
    hist[1 * 5 + 0] = 2;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 5, 5, NULL, NULL),
                  LOY_EDOMAIN);
    assert_ok(loy_drivers_ipa_options_init(&o));
    o.top_box_min = 7;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, &o),
                  LOY_EDOMAIN);
    o.top_box_min = INT32_MIN;
    o.perf_cut = 7;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, &o),
                  LOY_EINVAL);
    o.perf_cut = LOY_IPA_CUT_FIXED;
    o.perf_fixed = 120;
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, imp,
                                  hist, 2, 1, 5, NULL, &o),
                  LOY_EDOMAIN);
    assert_status(loy_drivers_ipa(perf, NULL, NULL, NULL, NULL, NULL, NULL,
                                  hist, 2, 1, 5, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_drivers_ipa_options_init(NULL), LOY_EINVAL);
}

/* Histograms: counts, weights, merging by addition, invalid ratings. */
static void
test_hist(void **state)
{
    double x[4 * 2] = {1, 5, 2, (double)NAN, 5, 5, 1, 3};
    double w[4] = {1, 2, 1, 0.5};
    double h[2 * 5], h2[2 * 5];
    size_t err = 0;
    (void)state;
    memset(h, 0, sizeof h);
    assert_ok(loy_drivers_hist_add(h, 2, 1, 5, x, 4, 2, 1, w, 0, &err));
    assert_close(h[0 * 5 + 0], 1.5, 0, 0); /* attribute 0, rating 1 */
    assert_close(h[0 * 5 + 1], 2.0, 0, 0);
    assert_close(h[0 * 5 + 4], 1.0, 0, 0);
    assert_close(h[1 * 5 + 4], 2.0, 0, 0); /* the NaN is skipped */
    assert_close(h[1 * 5 + 2], 0.5, 0, 0);
    /* two halves added give the same histogram */
    memset(h2, 0, sizeof h2);
    assert_ok(loy_drivers_hist_add(h2, 2, 1, 5, x, 2, 2, 1, w, 0, NULL));
    assert_ok(loy_drivers_hist_add(h2, 2, 1, 5, x + 4, 2, 2, 1, w + 2, 0,
                                   NULL));
    assert_memory_equal(h, h2, sizeof h);
    x[5] = 6; /* out of scale: error, histogram unchanged */
    assert_status(loy_drivers_hist_add(h2, 2, 1, 5, x, 4, 2, 1, w, 0, &err),
                  LOY_ESCALE);
    assert_int_equal(err, 2 * 3 + 1);
    assert_memory_equal(h, h2, sizeof h);
    assert_ok(loy_drivers_hist_add(h2, 2, 1, 5, x, 4, 2, 1, w, 1, &err));
    x[5] = 2.5;
    assert_status(loy_drivers_hist_add(h2, 2, 1, 5, x, 4, 2, 1, w, 0, &err),
                  LOY_ESCALE);
    w[1] = -1;
    x[5] = 5;
    assert_status(loy_drivers_hist_add(h2, 2, 1, 5, x, 4, 2, 1, w, 0, &err),
                  LOY_ESCALE);
    assert_int_equal(err, 1 * 3 + 2);
    assert_status(loy_drivers_hist_add(h2, 2, 5, 1, x, 4, 2, 1, NULL, 0, &err),
                  LOY_EDOMAIN);
    assert_status(loy_drivers_hist_add(NULL, 2, 1, 5, x, 4, 2, 1, NULL, 0,
                                       &err),
                  LOY_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prca),
        cmocka_unit_test(test_prca_bad),
        cmocka_unit_test(test_ipa),
        cmocka_unit_test(test_ipa_bad),
        cmocka_unit_test(test_hist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
