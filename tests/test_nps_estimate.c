/* SPDX-License-Identifier: MIT */
/* test_nps_estimate.c - NPS estimates and intervals (Wald, adjusted Wald,
 * Tango score), two-sample comparison, weighted estimates, planning. */
#include "testutil.h"

#include <string.h>

static loy_nps_tally
tally3(uint64_t d, uint64_t a, uint64_t p)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    t.detractors = d;
    t.passives = a;
    t.promoters = p;
    return t;
}

static loy_nps_result
estimate(loy_nps_tally t, uint32_t method, double level)
{
    loy_nps_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_nps_estimate(&r, &t, method, level, NULL));
    return r;
}

/* whuber case (Cross Validated 18603): D = 54, A = 108, P = 162. */
static void
test_whuber(void **state)
{
    loy_nps_tally t = tally3(54, 108, 162);
    loy_nps_result w, a, s;
    (void)state;
    w = estimate(t, LOY_NPS_WALD, 0.95);
    assert_int_equal(w.n, 324);
    assert_close(w.nps, 1.0 / 3.0, 1e-15, 0.0);
    assert_close(w.variance, 5.0 / 9.0, 1e-14, 0.0);
    assert_close(sqrt(w.variance), 0.745356, 0.0, 1e-6);
    assert_close(w.se, 0.041409, 0.0, 1e-6);
    assert_close(w.z, 1.959964, 0.0, 1e-6);
    assert_close(w.lower, 0.252174, 0.0, 1e-6);
    assert_close(w.upper, 0.414493, 0.0, 1e-6);
    assert_int_equal(w.flags, 0);
    assert_int_equal(w.method, LOY_NPS_WALD);
    a = estimate(t, LOY_NPS_ADJUSTED_WALD, 0.95);
    assert_close(a.nps, 1.0 / 3.0, 1e-15, 0.0);
    assert_close(a.centre, 0.330275, 0.0, 1e-6);
    assert_close(a.centre, 108.0 / 327.0, 1e-14, 0.0);
    assert_close(a.interval_se, 0.041237, 0.0, 1e-6);
    assert_close(a.lower, 0.249453, 0.0, 1e-6);
    assert_close(a.upper, 0.411098, 0.0, 1e-6);
    s = estimate(t, LOY_NPS_SCORE, 0.95);
    assert_close(s.lower, 0.249540, 0.0, 1e-6);
    assert_close(s.upper, 0.411611, 0.0, 1e-6);
    assert_close(s.centre, 1.0 / 3.0, 1e-15, 0.0);
}


/*
 * Issue 20: with D = 1e13, A = 1 the 1.0 Tango limits were
 * [-0.999999999999, -0.99999999996625], both above the estimate
 * -0.9999999999999 (the search began at -1 + 1e-12, and the textbook
 * statistic cancels next to -1). References: the MODELS.md 1.5 statistic
 * solved with mpmath at 60 digits, z = 1.959963984540054.
 */
static void
test_tango_large_counts(void **state)
{
    loy_nps_result r, m;
    (void)state;
    r = estimate(tally3(10000000000000ull, 1, 0), LOY_NPS_SCORE, 0.95);
    assert_true(r.lower <= r.nps && r.nps <= r.upper);
    assert_close(r.lower, -0.99999999999998234754, 0.0, 3e-16);
    assert_close(r.upper, -0.99999999999913170824, 0.0, 3e-16);
    /* the mirror image */
    m = estimate(tally3(0, 1, 10000000000000ull), LOY_NPS_SCORE, 0.95);
    assert_true(m.lower <= m.nps && m.nps <= m.upper);
    assert_close(m.lower, -r.upper, 0.0, 3e-16);
    assert_close(m.upper, -r.lower, 0.0, 3e-16);
    /* a huge sample far from the edges: the limits hug the estimate */
    r = estimate(tally3(4000000000000000000ull, 2000000000000000000ull,
                        4000000000000000000ull), LOY_NPS_SCORE, 0.95);
    assert_true(r.lower < 0.0 && r.upper > 0.0);
    assert_close(r.lower, -1.959963984540054 * sqrt(0.8 / 1e19), 1e-6, 0.0);
}

/* R NPS tests/testthat/test_01_basics.R on count vectors (D, A, P). */
static void
test_r_nps_counts(void **state)
{
    static const struct {
        uint64_t d, a, p;
        double nps, var, se, se_tol;
    } ref[] = {
        {1, 2, 3, 1.0 / 3.0, 5.0 / 9.0, 0.304, 0.001},
        {1, 0, 1, 0.0, 1.0, 0.707, 0.0005},
        {0, 1, 1, 0.5, 0.25, 0.354, 0.0005},
        {1, 1, 1, 0.0, 2.0 / 3.0, 0.471, 0.0005},
        {1, 0, 0, -1.0, 0.0, 0.0, 0.0},
        {0, 0, 1, 1.0, 0.0, 0.0, 0.0},
        {0, 1, 0, 0.0, 0.0, 0.0, 0.0},
        {6, 2, 7, 2.0 / 30.0, 0.8622, -1.0, 0.0}, /* 1:15, breaks 0,6,8,15 */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        loy_nps_result r = estimate(tally3(ref[i].d, ref[i].a, ref[i].p),
                                    LOY_NPS_WALD, 0.95);
        assert_close(r.nps, ref[i].nps, 1e-15, 1e-15);
        assert_close(r.variance, ref[i].var, 0.0, i == 7 ? 0.002 : 1e-15);
        if (ref[i].se >= 0.0)
            assert_close(r.se, ref[i].se, 0.0, ref[i].se_tol + 1e-15);
    }
}

/* Pooled segments and the PostHog histogram (MODELS.md 1.10). */
static void
test_pooled_and_posthog(void **state)
{
    static const uint64_t hist[11] = {1, 0, 2, 1, 0, 2, 1, 3, 1, 4, 2};
    loy_nps_tally acc = tally3(2, 0, 3), s2 = tally3(4, 3, 1);
    loy_nps_tally s3 = tally3(4, 3, 0), h = LOY_NPS_TALLY_INIT;
    loy_nps_result r;
    (void)state;
    assert_ok(loy_nps_tally_merge(&acc, &s2));
    assert_ok(loy_nps_tally_merge(&acc, &s3));
    r = estimate(acc, LOY_NPS_WALD, 0.95);
    assert_close(r.nps, -0.3, 1e-15, 0.0);
    assert_true(fabs(r.nps - (-0.249)) > 0.05); /* not the mean of NPS */
    assert_ok(loy_nps_tally_hist(&h, hist, 11, NULL));
    r = estimate(h, LOY_NPS_WALD, 0.95);
    assert_close(round(1000.0 * r.nps) / 10.0, -5.9, 1e-12, 0.0);
    assert_int_equal(r.n, 17);
    assert_true(r.flags & LOY_NPS_SMALL_SAMPLE);
}

/* Degenerate samples: Wald collapses (flagged), the others do not. */
static void
test_degenerate(void **state)
{
    loy_nps_result r;
    (void)state;
    r = estimate(tally3(0, 0, 40), LOY_NPS_WALD, 0.95);
    assert_true(r.lower == 1.0 && r.upper == 1.0 && r.se == 0.0);
    assert_true(r.flags & LOY_NPS_DEGENERATE);
    assert_false(r.flags & LOY_NPS_SMALL_SAMPLE);
    r = estimate(tally3(0, 0, 40), LOY_NPS_ADJUSTED_WALD, 0.95);
    assert_true(r.lower < 0.95 && r.upper <= 1.0);
    assert_true(r.flags & LOY_NPS_DEGENERATE);
    r = estimate(tally3(0, 0, 40), LOY_NPS_SCORE, 0.95);
    assert_true(r.upper == 1.0 && r.lower < 0.95 && r.lower > 0.5);
    r = estimate(tally3(40, 0, 0), LOY_NPS_SCORE, 0.95);
    assert_true(r.lower == -1.0 && r.upper > -0.95 && r.upper < -0.5);
    r = estimate(tally3(0, 25, 0), LOY_NPS_SCORE, 0.95);
    assert_true(r.lower < 0.0 && r.upper > 0.0);
    assert_close(r.lower, -r.upper, 1e-9, 1e-12);
    assert_true(r.flags & LOY_NPS_SMALL_SAMPLE);
    /* a one-response sample gets a clipped adjusted-Wald interval */
    r = estimate(tally3(0, 0, 1), LOY_NPS_WALD, 0.99);
    assert_true(r.lower == 1.0 && r.upper == 1.0);
    r = estimate(tally3(1, 0, 1), LOY_NPS_WALD, 0.99);
    assert_true(r.lower == -1.0 && r.upper == 1.0);
    assert_true(r.flags & LOY_NPS_CLIPPED);
    assert_close(r.centre, 0.0, 0.0, 1e-15);
}

/*
 * Every interval contains its centre (and the point estimate for Wald
 * and score), lies in [-1, 1], and the score limits solve T = -/+z: checked
 * through the level (a 99% interval contains the 95% one).
 */
static void
test_intervals_contain_centre(void **state)
{
    uint64_t d, a, p;
    uint32_t m;
    (void)state;
    for (d = 0; d <= 12; d += 3)
        for (a = 0; a <= 12; a += 4)
            for (p = 0; p <= 30; p += 5) {
                if (d + a + p == 0)
                    continue;
                for (m = 0; m <= LOY_NPS_SCORE; m++) {
                    loy_nps_result r = estimate(tally3(d, a, p), m, 0.95);
                    loy_nps_result r99 = estimate(tally3(d, a, p), m, 0.99);
                    assert_true(r.lower >= -1.0 && r.upper <= 1.0);
                    assert_true(r.lower <= r.centre && r.centre <= r.upper);
                    assert_true(r99.lower <= r.lower && r99.upper >= r.upper);
                    if (m != LOY_NPS_ADJUSTED_WALD)
                        assert_true(r.lower <= r.nps && r.nps <= r.upper);
                    if (m != LOY_NPS_WALD || r.variance > 0.0) {
                        assert_true(r.upper > r.lower);
                    }
                }
            }
}

/* Configurable pseudo-counts: zero pseudo-counts give the Wald interval;
 * Agresti-Min (0.5, 1, 0.5) centre (P-D)/(n+2). */
static void
test_pseudo_counts(void **state)
{
    loy_nps_tally t = tally3(54, 108, 162);
    loy_nps_options o;
    loy_nps_result r, w;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_nps_options_init(&o));
    assert_int_equal(o.struct_size, sizeof o);
    assert_true(o.pseudo[0] == 0.75 && o.pseudo[1] == 1.5 &&
                o.pseudo[2] == 0.75);
    o.pseudo[0] = o.pseudo[1] = o.pseudo[2] = 0.0;
    assert_ok(loy_nps_estimate(&r, &t, LOY_NPS_ADJUSTED_WALD, 0.95, &o));
    w = estimate(t, LOY_NPS_WALD, 0.95);
    assert_close(r.lower, w.lower, 1e-14, 0.0);
    assert_close(r.upper, w.upper, 1e-14, 0.0);
    o.pseudo[0] = 0.5, o.pseudo[1] = 1.0, o.pseudo[2] = 0.5;
    assert_ok(loy_nps_estimate(&r, &t, LOY_NPS_ADJUSTED_WALD, 0.95, &o));
    assert_close(r.centre, 108.0 / 326.0, 1e-14, 0.0);
    o.pseudo[1] = -0.1;
    assert_status(loy_nps_estimate(&r, &t, LOY_NPS_ADJUSTED_WALD, 0.95, &o),
                  LOY_EDOMAIN);
    o.pseudo[1] = (double)NAN;
    assert_status(loy_nps_estimate(&r, &t, LOY_NPS_ADJUSTED_WALD, 0.95, &o),
                  LOY_ENONFINITE);
    o.pseudo[1] = 1.0;
    o.struct_size = 4;
    assert_status(loy_nps_estimate(&r, &t, LOY_NPS_ADJUSTED_WALD, 0.95, &o),
                  LOY_EINVAL);
    assert_status(loy_nps_options_init(NULL), LOY_EINVAL);
}

/* Draw one response of a trinomial (d, a = 1 - d - p, p). */
static int
draw(loy_test_rng *rng, double d, double p)
{
    double u = loy_test_rng_uniform(rng);
    return u < d ? 0 : u < 1.0 - p ? 1 : 2;
}

/* Seeded simulation: adjusted-Wald 95% coverage >= 93% at n = 50. */
static void
test_adjusted_wald_coverage(void **state)
{
    static const double split[][2] = {
        {0.2, 0.5}, {0.3, 0.3}, {0.1, 0.6}, {0.4, 0.2}, {0.15, 0.7},
        {0.05, 0.45}};
    loy_test_rng rng = {20260};
    size_t s;
    (void)state;
    for (s = 0; s < sizeof split / sizeof split[0]; s++) {
        double d = split[s][0], p = split[s][1], truth = p - d;
        int rep, i, hit = 0, reps = 2000;
        for (rep = 0; rep < reps; rep++) {
            uint64_t c[3] = {0, 0, 0};
            loy_nps_result r;
            for (i = 0; i < 50; i++)
                c[draw(&rng, d, p)]++;
            r = estimate(tally3(c[0], c[1], c[2]), LOY_NPS_ADJUSTED_WALD,
                         0.95);
            hit += r.lower <= truth && truth <= r.upper;
        }
        if (hit < 0.93 * reps)
            print_error("split (%g, %g): coverage %g\n", d, p,
                        (double)hit / reps);
        assert_true(hit >= 0.93 * reps);
    }
}

static void
test_estimate_bad_input(void **state)
{
    loy_nps_tally t = tally3(1, 2, 3), e = tally3(0, 0, 0);
    loy_nps_result r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_nps_estimate(NULL, &t, 0, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_nps_estimate(&r, NULL, 0, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_nps_estimate(&r, &t, 3, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_nps_estimate(&r, &e, 0, 0.95, NULL), LOY_EEMPTY);
    e.rejected = 10; /* rejected scores are not responses */
    assert_status(loy_nps_estimate(&r, &e, 0, 0.95, NULL), LOY_EEMPTY);
    assert_status(loy_nps_estimate(&r, &t, 0, 0.0, NULL), LOY_EDOMAIN);
    assert_status(loy_nps_estimate(&r, &t, 0, 1.0, NULL), LOY_EDOMAIN);
    assert_status(loy_nps_estimate(&r, &t, 0, -0.5, NULL), LOY_EDOMAIN);
    assert_status(loy_nps_estimate(&r, &t, 0, 95.0, NULL), LOY_EDOMAIN);
    assert_status(loy_nps_estimate(&r, &t, 0, (double)NAN, NULL), LOY_ENONFINITE);
    assert_true(r.n == 0); /* untouched */
    r.struct_size = 16;
    assert_status(loy_nps_estimate(&r, &t, 0, 0.95, NULL), LOY_EINVAL);
    t.struct_size = 0;
    r.struct_size = sizeof r;
    assert_status(loy_nps_estimate(&r, &t, 0, 0.95, NULL), LOY_EINVAL);
    t = tally3(UINT64_MAX, 1, 0);
    assert_status(loy_nps_estimate(&r, &t, 0, 0.95, NULL), LOY_EDOMAIN);
}

/* Two samples: signed difference, SE, z, p against direct formulas. */
static void
test_compare(void **state)
{
    loy_nps_tally a = tally3(54, 108, 162), b = tally3(80, 70, 90);
    loy_nps_diff r;
    double na = 324, nb = 240, va, vb, pa, da, pb, db, se, z;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_nps_compare(&r, &b, &a, LOY_NPS_WALD, 0.95, NULL));
    pa = 162 / na, da = 54 / na, pb = 90 / nb, db = 80 / nb;
    va = pa + da - (pa - da) * (pa - da);
    vb = pb + db - (pb - db) * (pb - db);
    se = sqrt(va / na + vb / nb);
    z = ((pb - db) - (pa - da)) / se;
    assert_close(r.diff, (pb - db) - (pa - da), 1e-14, 0.0);
    assert_true(r.diff < 0.0); /* signed, b minus a here */
    assert_close(r.se, se, 1e-14, 0.0);
    assert_close(r.z_stat, z, 1e-13, 0.0);
    assert_close(r.p_value, erfc(fabs(z) / sqrt(2.0)), 1e-12, 0.0);
    assert_close(r.lower, r.diff - 1.959963984540054 * se, 1e-13, 0.0);
    assert_close(r.upper, r.diff + 1.959963984540054 * se, 1e-13, 0.0);
    assert_int_equal(r.flags, 0);
    /* adjusted: the pseudo-counts go to each sample */
    assert_ok(loy_nps_compare(&r, &a, &b, LOY_NPS_ADJUSTED_WALD, 0.9, NULL));
    pa = 162.75 / 327, da = 54.75 / 327, pb = 90.75 / 243, db = 80.75 / 243;
    va = pa + da - (pa - da) * (pa - da);
    vb = pb + db - (pb - db) * (pb - db);
    assert_close(r.diff, (pa - da) - (pb - db), 1e-14, 0.0);
    assert_close(r.se, sqrt(va / 327 + vb / 243), 1e-14, 0.0);
    /* identical samples: z = 0, p = 1 */
    assert_ok(loy_nps_compare(&r, &a, &a, LOY_NPS_WALD, 0.95, NULL));
    assert_true(r.z_stat == 0.0);
    assert_close(r.p_value, 1.0, 1e-15, 0.0);
}

static void
test_compare_degenerate_and_bad(void **state)
{
    loy_nps_tally a = tally3(0, 0, 10), b = tally3(0, 5, 0);
    loy_nps_tally e = tally3(0, 0, 0);
    loy_nps_diff r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_nps_compare(&r, &a, &b, LOY_NPS_WALD, 0.95, NULL),
                  LOY_EDEGENERATE);
    assert_close(r.diff, 1.0, 0.0, 0.0);
    assert_true(r.se == 0.0 && isnan(r.z_stat) && isnan(r.p_value));
    assert_true(r.flags & LOY_NPS_DEGENERATE);
    /* the adjusted version is defined */
    assert_ok(loy_nps_compare(&r, &a, &b, LOY_NPS_ADJUSTED_WALD, 0.95, NULL));
    assert_true(r.se > 0.0 && r.p_value > 0.0 && r.p_value < 1.0);
    assert_true(r.flags & LOY_NPS_SMALL_SAMPLE);
    assert_status(loy_nps_compare(&r, &a, &e, 0, 0.95, NULL), LOY_EEMPTY);
    assert_status(loy_nps_compare(&r, &e, &a, 0, 0.95, NULL), LOY_EEMPTY);
    assert_status(loy_nps_compare(&r, &a, &b, LOY_NPS_SCORE, 0.95, NULL),
                  LOY_EINVAL);
    assert_status(loy_nps_compare(&r, &a, &b, 0, 1.0, NULL), LOY_EDOMAIN);
    assert_status(loy_nps_compare(&r, &a, &b, 0, (double)NAN, NULL), LOY_ENONFINITE);
    assert_status(loy_nps_compare(NULL, &a, &b, 0, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_nps_compare(&r, NULL, &b, 0, 0.95, NULL), LOY_EINVAL);
    assert_status(loy_nps_compare(&r, &a, NULL, 0, 0.95, NULL), LOY_EINVAL);
}

static loy_nps_wresult
westimate(const double *s, const double *w, size_t n, double level)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy_nps_wresult r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_ok(loy_nps_wtally_f64(&t, s, w, n, NULL, 0, NULL));
    assert_ok(loy_nps_westimate(&r, &t, level));
    return r;
}

/* Unit weights reproduce the unweighted estimate (SE_lin with n/(n-1)). */
static void
test_weighted_unit_weights(void **state)
{
    double s[324], w[324];
    loy_nps_wresult r;
    loy_nps_result u;
    size_t i;
    (void)state;
    for (i = 0; i < 324; i++) {
        s[i] = i < 54 ? 3.0 : i < 162 ? 8.0 : 10.0;
        w[i] = 1.0;
    }
    r = westimate(s, w, 324, 0.95);
    u = estimate(tally3(54, 108, 162), LOY_NPS_WALD, 0.95);
    assert_int_equal(r.n, 324);
    assert_close(r.nps, u.nps, 1e-14, 0.0);
    assert_close(r.n_eff, 324.0, 1e-14, 0.0);
    assert_close(r.deff, 1.0, 1e-14, 0.0);
    assert_close(r.se_kish, u.se, 1e-13, 0.0);
    assert_close(r.se_lin, u.se * sqrt(324.0 / 323.0), 1e-13, 0.0);
    assert_int_equal(r.flags, 0);
}

/* Random weights against direct summation of the defining formulas. */
static void
test_weighted_brute_force(void **state)
{
    double s[500], w[500], x[500], sw = 0, sw2 = 0, swx = 0, lin = 0;
    double sum_w = 0, mean_w, var_w = 0, nps, pw = 0, dw = 0;
    loy_test_rng rng = {11};
    loy_nps_wresult r;
    size_t i;
    (void)state;
    for (i = 0; i < 500; i++) {
        s[i] = (double)(loy_test_rng_next(&rng) % 11);
        w[i] = exp(2.0 * loy_test_rng_uniform(&rng) - 1.0);
        x[i] = s[i] <= 6 ? -1.0 : s[i] <= 8 ? 0.0 : 1.0;
        sw += w[i];
        sw2 += w[i] * w[i];
        swx += w[i] * x[i];
        pw += x[i] > 0 ? w[i] : 0.0;
        dw += x[i] < 0 ? w[i] : 0.0;
    }
    nps = swx / sw;
    for (i = 0; i < 500; i++)
        lin += w[i] * w[i] * (x[i] - nps) * (x[i] - nps);
    for (i = 0; i < 500; i++)
        sum_w += w[i];
    mean_w = sum_w / 500;
    for (i = 0; i < 500; i++)
        var_w += (w[i] - mean_w) * (w[i] - mean_w) / 500; /* population */
    r = westimate(s, w, 500, 0.9);
    assert_close(r.nps, nps, 1e-12, 1e-15);
    assert_close(r.sum_w, sw, 1e-13, 0.0);
    assert_close(r.n_eff, sw * sw / sw2, 1e-12, 0.0);
    assert_close(r.deff, 1.0 + var_w / (mean_w * mean_w), 1e-12, 0.0);
    assert_close(r.se_kish, sqrt((pw / sw + dw / sw - nps * nps) /
                                 (sw * sw / sw2)), 1e-12, 0.0);
    assert_close(r.se_lin, sqrt(500.0 / 499.0 * lin) / sw, 1e-12, 0.0);
    assert_close(r.upper - r.lower, 2.0 * 1.6448536269514722 * r.se_lin,
                 1e-12, 0.0);
    /* a few dominant weights: n_eff small and flagged */
    w[0] = w[1] = 1e4;
    r = westimate(s, w, 500, 0.9);
    assert_true(r.n_eff < 30.0 && (r.flags & LOY_NPS_SMALL_SAMPLE));
}

static void
test_weighted_bad(void **state)
{
    loy_nps_wtally t = LOY_NPS_WTALLY_INIT;
    loy_nps_wresult r;
    double s = 9.0, w0 = 0.0, w1 = 2.0;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EEMPTY);
    assert_ok(loy_nps_wtally_f64(&t, &s, &w0, 1, NULL, 0, NULL));
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EEMPTY);
    assert_ok(loy_nps_wtally_f64(&t, &s, &w1, 1, NULL, 0, NULL));
    assert_ok(loy_nps_westimate(&r, &t, 0.95));
    assert_true(r.nps == 1.0 && r.se_lin == 0.0 && r.se_kish == 0.0);
    assert_true(r.flags & LOY_NPS_DEGENERATE);
    assert_status(loy_nps_westimate(&r, &t, 1.0), LOY_EDOMAIN);
    assert_status(loy_nps_westimate(&r, &t, (double)NAN), LOY_ENONFINITE);
    assert_status(loy_nps_westimate(NULL, &t, 0.95), LOY_EINVAL);
    assert_status(loy_nps_westimate(&r, NULL, 0.95), LOY_EINVAL);
    t.sum_w[2] = (double)NAN;
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_ENONFINITE);
    t.sum_w[2] = -2.0;
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EDOMAIN);
    /* sums no weights can have: Kish's n_eff = W^2/sum w^2 must lie in
     * [1, n] (1.0 reported n_eff = inf, deff = 0 with LOY_OK) */
    t.sum_w[2] = 1e10;
    t.sum_w2[2] = 1e-300;
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EINCONSISTENT);
    t.sum_w2[2] = 1e21; /* n_eff = 0.1 */
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EINCONSISTENT);
    t.sum_w2[2] = 1e20; /* one row: n_eff = 1 */
    assert_ok(loy_nps_westimate(&r, &t, 0.95));
    assert_close(r.n_eff, 1.0, 1e-15, 0.0);
    /* squared-weight sums adding up past DBL_MAX */
    t.count[0] = t.count[2] = 1;
    t.sum_w[0] = t.sum_w[2] = 1e154;
    t.sum_w2[0] = t.sum_w2[2] = 1e308;
    assert_status(loy_nps_westimate(&r, &t, 0.95), LOY_EOVERFLOW);
}

/* Sample sizes at 95% (MODELS.md 1.10) and the margin of error. */
/* Intervals reaching past the scale are clipped and flagged: the
 * difference at +-2, the weighted estimate at +-1. */
static void
test_clipping(void **state)
{
    loy_nps_tally a = tally3(0, 1, 9), b = tally3(9, 1, 0);
    loy_nps_diff d;
    loy_nps_wresult r;
    double s[10], w[10], z = 1.959963984540054, se;
    size_t i;
    (void)state;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    assert_ok(loy_nps_compare(&d, &a, &b, LOY_NPS_WALD, 0.95, NULL));
    se = sqrt(2.0 * 0.09 / 10.0);
    assert_close(d.diff, 1.8, 1e-15, 0.0);
    assert_true(d.flags & LOY_NPS_CLIPPED);
    assert_true(d.upper == 2.0); /* 1.8 + z se = 2.06 before clipping */
    assert_close(d.lower, 1.8 - z * se, 1e-13, 0.0);
    for (i = 0; i < 10; i++) {
        s[i] = i < 9 ? 10.0 : 8.0;
        w[i] = 1.0;
    }
    r = westimate(s, w, 10, 0.95);
    assert_close(r.nps, 0.9, 1e-15, 0.0);
    assert_close(r.se_lin, 0.1, 1e-13, 0.0);
    assert_true(r.flags & LOY_NPS_CLIPPED);
    assert_true(r.upper == 1.0); /* 0.9 + z 0.1 = 1.096 before clipping */
    assert_close(r.lower, 0.9 - z * 0.1, 1e-13, 0.0);
}

static void
test_planning(void **state)
{
    static const struct {
        double p, d;
        uint64_t n05, n10;
    } ref[] = {
        {0.5, 0.5, 1537, 385},      /* sigma^2 = 1 */
        {0.3, 0.3, 922, 231},       /* sigma^2 = 0.6 */
        {0.5, 1.0 / 6.0, 854, 214}, /* sigma^2 = 5/9 */
    };
    uint64_t n = 0;
    double m;
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        assert_ok(loy_nps_sample_size(&n, 0.05, 0.95, ref[i].p, ref[i].d));
        assert_int_equal(n, ref[i].n05);
        assert_ok(loy_nps_sample_size(&n, 0.10, 0.95, ref[i].p, ref[i].d));
        assert_int_equal(n, ref[i].n10);
        /* the margin at that n is within the target, one less is not */
        assert_ok(loy_nps_margin(&m, n, 0.95, ref[i].p, ref[i].d));
        assert_true(m <= 0.10);
        assert_ok(loy_nps_margin(&m, n - 1, 0.95, ref[i].p, ref[i].d));
        assert_true(m > 0.10);
    }
    assert_ok(loy_nps_margin(&m, 324, 0.95, 0.5, 1.0 / 6.0));
    assert_close(m, 1.959963984540054 * 0.041409, 1e-5, 0.0);
    assert_ok(loy_nps_sample_size(&n, 0.05, 0.95, 1.0, 0.0));
    assert_int_equal(n, 1);
    assert_status(loy_nps_sample_size(NULL, 0.05, 0.95, 0.5, 0.5),
                  LOY_EINVAL);
    assert_status(loy_nps_sample_size(&n, 0.0, 0.95, 0.5, 0.5), LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, -0.1, 0.95, 0.5, 0.5),
                  LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, (double)NAN, 0.95, 0.5, 0.5),
                  LOY_ENONFINITE);
    assert_status(loy_nps_sample_size(&n, 1e-12, 0.95, 0.5, 0.5),
                  LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, 0.05, 1.0, 0.5, 0.5), LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, 0.05, 0.95, 0.6, 0.5),
                  LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, 0.05, 0.95, -0.1, 0.5),
                  LOY_EDOMAIN);
    assert_status(loy_nps_sample_size(&n, 0.05, 0.95, 0.5, (double)NAN),
                  LOY_ENONFINITE);
    assert_status(loy_nps_margin(&m, 0, 0.95, 0.5, 0.5), LOY_EEMPTY);
    assert_status(loy_nps_margin(NULL, 10, 0.95, 0.5, 0.5), LOY_EINVAL);
    assert_status(loy_nps_margin(&m, 10, 0.0, 0.5, 0.5), LOY_EDOMAIN);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whuber),
        cmocka_unit_test(test_r_nps_counts),
        cmocka_unit_test(test_pooled_and_posthog),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_intervals_contain_centre),
        cmocka_unit_test(test_pseudo_counts),
        cmocka_unit_test(test_adjusted_wald_coverage),
        cmocka_unit_test(test_estimate_bad_input),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_compare_degenerate_and_bad),
        cmocka_unit_test(test_weighted_unit_weights),
        cmocka_unit_test(test_weighted_brute_force),
        cmocka_unit_test(test_weighted_bad),
        cmocka_unit_test(test_clipping),
        cmocka_unit_test(test_planning),
        cmocka_unit_test(test_tango_large_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
