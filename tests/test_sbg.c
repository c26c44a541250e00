/* SPDX-License-Identifier: MIT */
/* test_sbg.c - sBG: published retention fits, closed forms against the
 * recursions and long direct sums, DEL/DERL timing and domain rules,
 * tenure fits against cohort fits, and bad input. */
#include "testutil.h"
#include "numeric/specfun.h"
#include "clv/bgbb_internal.h"

#include <string.h>

/* Fader & Hardie 2007 percent surviving, years 0..7 (MODELS.md 6.9). */
static const double REGULAR[8] = {100.0, 63.1, 46.8, 38.2,
                                  32.6,  28.9, 26.2, 24.1};
static const double HIGH_END[8] = {100.0, 86.9, 74.3, 65.3,
                                   59.3,  55.1, 51.7, 49.1};

/* S(t) by the closed form B(alpha, beta + t)/B(alpha, beta) with the
 * shared lbeta (accurate for large arguments, unlike lgamma differences). */
static double
surv_closed(const double *p, double t)
{
    return exp(loy__lbeta(p[0], p[1] + t) - loy__lbeta(p[0], p[1]));
}

static void
check_fit(const double *surv, double a, double b)
{
    double p[2], ll;
    loy_fit_report r = LOY_FIT_REPORT_INIT;
    size_t ei = 0;
    assert_ok(loy_sbg_fit_cohort(p, surv, 8, NULL, &r, &ei));
    assert_true(ei == LOY_NO_INDEX);
    assert_close(p[0], a, 0.0, 5e-5);
    assert_close(p[1], b, 0.0, 5e-5);
    assert_int_equal(r.n_params, 2);
    assert_true(r.se[0] > 0.0 && r.se[1] > 0.0);
    assert_close(r.n_customers, 100.0, 1e-12, 0.0);
    assert_ok(loy_sbg_loglik_cohort(&ll, p, surv, 8, NULL));
    assert_close(ll, r.loglik, 1e-12, 0.0);
}

static void
test_published_fits(void **state)
{
    (void)state;
    check_fit(REGULAR, 0.7041, 1.1820);
    check_fit(HIGH_END, 0.6681, 3.8061);
}

/* The same fits from the shared CSV (years 1-7 of 0..12). */
static void
test_published_fits_csv(void **state)
{
    char buf[512];
    const char *path = loy_test_data_path("retention/sbg_survival.csv", buf,
                                          sizeof buf);
    double reg[13], hi[13], year;
    size_t k = 0;
    FILE *f;
    (void)state;
    if (path == NULL)
        skip();
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    while (k < 13 && fscanf(f, "%lf,%lf,%lf", &year, &reg[k], &hi[k]) == 3) {
        assert_true(year == (double)k);
        k++;
    }
    fclose(f);
    assert_int_equal(k, 13);
    check_fit(reg, 0.7041, 1.1820);
    check_fit(hi, 0.6681, 3.8061);
    /* fractions instead of percentages: same estimates */
    {
        double frac[8], p[2];
        for (k = 0; k < 8; k++)
            frac[k] = reg[k] / 100.0;
        assert_ok(loy_sbg_fit_cohort(p, frac, 8, NULL, NULL, NULL));
        assert_close(p[0], 0.7041, 0.0, 5e-5);
        assert_close(p[1], 1.1820, 0.0, 5e-5);
    }
}

/* Cohort LL by the formula of MODELS.md 6.7 with closed forms. */
static void
test_cohort_loglik(void **state)
{
    double p[2] = {0.7041, 1.1820}, ll, want = 0.0;
    size_t t;
    (void)state;
    for (t = 1; t < 8; t++) {
        double pt = surv_closed(p, (double)t - 1.0) - surv_closed(p, (double)t);
        want += (REGULAR[t - 1] - REGULAR[t]) * log(pt);
    }
    want += REGULAR[7] * log(surv_closed(p, 7.0));
    assert_ok(loy_sbg_loglik_cohort(&ll, p, REGULAR, 8, NULL));
    assert_close(ll, want, 1e-12, 0.0);
}

static void
test_curves(void **state)
{
    static const double P[3][2] = {{0.7041, 1.1820}, {3.5, 0.4}, {40, 900}};
    double s[200], r[200], pt[200], proj[50];
    size_t q, t;
    (void)state;
    for (q = 0; q < 3; q++) {
        const double *p = P[q];
        double tot = 0.0;
        assert_ok(loy_sbg_survival(s, 200, p));
        assert_ok(loy_sbg_retention(r, 200, p));
        assert_ok(loy_sbg_churn_pmf(pt, 200, p));
        assert_true(s[0] == 1.0);
        for (t = 1; t < 200; t++) {
            assert_close(s[t], surv_closed(p, (double)t), 1e-12, 0.0);
            assert_close(r[t - 1], s[t] / s[t - 1], 1e-13, 0.0);
            assert_close(pt[t - 1], s[t - 1] - s[t], 1e-10, 1e-300);
            tot += pt[t - 1];
            if (t > 1)
                assert_true(r[t - 1] > r[t - 2]); /* rises with t */
        }
        assert_close(tot + s[199], 1.0, 1e-12, 0.0);
        assert_close(pt[0], p[0] / (p[0] + p[1]), 1e-15, 0.0);
        /* projections of a cohort aged 10 with 523 active customers */
        assert_ok(loy_sbg_project(proj, 50, p, 523.0, 10.0));
        for (t = 0; t < 50; t++)
            assert_close(proj[t], 523.0 * s[11 + t] / s[10], 1e-12, 0.0);
        assert_ok(loy_sbg_project(proj, 5, p, 1.0, 0.0));
        for (t = 0; t < 5; t++)
            assert_close(proj[t], s[t + 1], 1e-13, 0.0);
    }
}

/* DEL: the 2F1 value, a long direct sum, E[T] at d = 0. */
static void
test_del(void **state)
{
    static const double P[4][2] = {{0.7041, 1.1820}, {0.6681, 3.8061},
                                    {3.0, 2.0}, {1.5, 40.0}};
    static const double D[3] = {0.5, 0.1, 0.01};
    size_t q, i;
    (void)state;
    for (q = 0; q < 4; q++) {
        const double *p = P[q];
        for (i = 0; i < 3; i++) {
            double del, f, s = 1.0, st = 1.0, v = 1.0 / (1.0 + D[i]), t, vt = 1;
            assert_ok(loy_sbg_del(&del, p, D[i]));
            assert_ok(loy__hyp2f1(1.0, p[1], p[0] + p[1], v, &f));
            assert_close(del, f, 1e-12, 0.0);
            for (t = 1.0; t < 5000.0; t++) {
                st *= (p[1] + t - 1.0) / (p[0] + p[1] + t - 1.0);
                vt *= v;
                s += st * vt;
            }
            assert_close(del, s, 1e-12, 0.0);
        }
    }
    /* alpha > 1: DEL(0) = E[T] = (alpha + beta - 1)/(alpha - 1) = sum S */
    {
        double p[2] = {4.0, 2.0}, del, s = 1.0, st = 1.0, t;
        assert_ok(loy_sbg_del(&del, p, 0.0));
        assert_close(del, 5.0 / 3.0, 1e-15, 0.0);
        for (t = 1.0; t < 20000.0; t++) {
            st *= (p[1] + t - 1.0) / (p[0] + p[1] + t - 1.0);
            s += st;
        }
        assert_close(del, s, 1e-9, 0.0);
        /* continuity at d -> 0 */
        assert_ok(loy_sbg_del(&s, p, 1e-7));
        assert_close(s, del, 1e-5, 0.0);
    }
}

/* DERL: the upcoming payment is undiscounted; direct sums; relations. */
static void
test_derl(void **state)
{
    static const double P[3][2] = {{0.7041, 1.1820}, {0.6681, 3.8061},
                                   {2.5, 1.0}};
    size_t q;
    (void)state;
    for (q = 0; q < 3; q++) {
        const double *p = P[q];
        double d = 0.1, v = 1.0 / 1.1, n, derl, del, f;
        for (n = 1.0; n <= 5.0; n++) {
            double s = 0.0, vt = 1.0, t, rn;
            assert_ok(loy_sbg_derl(&derl, p, d, (uint32_t)n));
            /* sum_{t>=n} S(t)/S(n-1) v^(t-n), closed forms, 600 terms */
            for (t = n; t < n + 600.0; t++) {
                s += surv_closed(p, t) / surv_closed(p, n - 1.0) * vt;
                vt *= v;
            }
            assert_close(derl, s, 1e-11, 0.0);
            rn = (p[1] + n - 1.0) / (p[0] + p[1] + n - 1.0);
            assert_ok(loy__hyp2f1(1.0, p[1] + n, p[0] + p[1] + n, v, &f));
            assert_close(derl, rn * f, 1e-12, 0.0);
            /* huge discount: only the upcoming, undiscounted payment */
            assert_ok(loy_sbg_derl(&f, p, 1e12, (uint32_t)n));
            assert_close(f, rn, 1e-10, 0.0);
        }
        /* DEL counts the payment at 0, then the first renewal onwards,
         * discounted once: DEL = 1 + v DERL(n = 1) */
        assert_ok(loy_sbg_del(&del, p, d));
        assert_ok(loy_sbg_derl(&derl, p, d, 1u));
        assert_close(del, 1.0 + v * derl, 1e-14, 0.0);
        /* long-lived customers are worth more: DERL rises with n */
        assert_ok(loy_sbg_derl(&f, p, d, 10u));
        assert_true(f > derl);
    }
}

static void
test_domain_rules(void **state)
{
    double out = 42.0, p[2] = {0.9, 2.0};
    (void)state;
    /* alpha <= 1: infinite undiscounted lifetime is an error */
    assert_status(loy_sbg_del(&out, p, 0.0), LOY_EDOMAIN);
    assert_status(loy_sbg_derl(&out, p, 0.0, 3u), LOY_EDOMAIN);
    p[0] = 1.0;
    assert_status(loy_sbg_del(&out, p, 0.0), LOY_EDOMAIN);
    assert_true(out == 42.0);
    assert_ok(loy_sbg_del(&out, p, 0.05));
    assert_true(isfinite(out) && out > 1.0);
    p[0] = 1.0001;
    assert_ok(loy_sbg_derl(&out, p, 0.0, 3u));
    assert_close(out, (p[1] + 2.0) / (p[0] - 1.0), 1e-12, 0.0);
    assert_status(loy_sbg_del(&out, p, -0.1), LOY_EDOMAIN);
    assert_status(loy_sbg_del(&out, p, NAN), LOY_ENONFINITE);
    assert_status(loy_sbg_derl(&out, p, 0.1, 0u), LOY_ESCALE);
    assert_status(loy_sbg_derl(NULL, p, 0.1, 2u), LOY_EINVAL);
    p[1] = -1.0;
    assert_status(loy_sbg_derl(&out, p, 0.1, 2u), LOY_EDOMAIN);
    p[1] = INFINITY;
    assert_status(loy_sbg_survival(&out, 1, p), LOY_ENONFINITE);
    p[1] = 2.0;
    assert_status(loy_sbg_survival(&out, 0, p), LOY_EEMPTY);
    assert_status(loy_sbg_retention(NULL, 3, p), LOY_EINVAL);
    assert_status(loy_sbg_churn_pmf(&out, 1, NULL), LOY_EINVAL);
    assert_status(loy_sbg_project(&out, 1, p, -5.0, 0.0), LOY_ESCALE);
    assert_status(loy_sbg_project(&out, 1, p, 5.0, 1.5), LOY_ESCALE);
    assert_status(loy_sbg_project(&out, 1, p, NAN, 1.0), LOY_ENONFINITE);
}

/* Cohort counts expanded to individuals (shuffled) give the same fit. */
static void
test_tenures_equal_cohort(void **state)
{
    static const double counts[8] = {1000, 631, 468, 382, 326, 289, 262, 241};
    double pc[2], pt[2], pw[2], *ten, tw[16];
    int *cens, cw[16];
    loy_fit_report rc_ = LOY_FIT_REPORT_INIT, rt = LOY_FIT_REPORT_INIT;
    loy_test_rng rng = {12345};
    size_t i, m = 0, t;
    (void)state;
    ten = malloc(1000 * sizeof *ten);
    cens = malloc(1000 * sizeof *cens);
    assert_non_null(ten);
    assert_non_null(cens);
    for (t = 1; t < 8; t++)
        for (i = 0; i < (size_t)(counts[t - 1] - counts[t]); i++, m++) {
            ten[m] = (double)t;
            cens[m] = 0;
        }
    for (i = 0; i < (size_t)counts[7]; i++, m++) {
        ten[m] = 7.0;
        cens[m] = 1;
    }
    assert_int_equal(m, 1000);
    for (i = m - 1; i > 0; i--) { /* Fisher-Yates shuffle */
        size_t j = (size_t)(loy_test_rng_next(&rng) % (i + 1));
        double tt = ten[i];
        int cc = cens[i];
        ten[i] = ten[j];
        cens[i] = cens[j];
        ten[j] = tt;
        cens[j] = cc;
    }
    assert_ok(loy_sbg_fit_cohort(pc, counts, 8, NULL, &rc_, NULL));
    assert_ok(loy_sbg_fit_tenures(pt, ten, cens, NULL, m, NULL, &rt, NULL));
    assert_close(pt[0], pc[0], 1e-7, 0.0);
    assert_close(pt[1], pc[1], 1e-7, 0.0);
    assert_close(rt.loglik, rc_.loglik, 1e-12, 0.0);
    assert_close(rt.se[0], rc_.se[0], 1e-5, 0.0);
    /* the same as weighted rows, with an unused tenure-0 censored row */
    for (t = 1; t < 8; t++) {
        tw[t - 1] = (double)t;
        cw[t - 1] = 0;
    }
    tw[7] = 7.0;
    cw[7] = 1;
    tw[8] = 0.0;
    cw[8] = 1;
    {
        double wts[9];
        for (t = 1; t < 8; t++)
            wts[t - 1] = counts[t - 1] - counts[t];
        wts[7] = counts[7];
        wts[8] = 0.0;
        assert_ok(loy_sbg_fit_tenures(pw, tw, cw, wts, 9, NULL, NULL, NULL));
    }
    assert_close(pw[0], pc[0], 1e-7, 0.0);
    assert_close(pw[1], pc[1], 1e-7, 0.0);
    /* the published-fit precision holds on these rounded counts too */
    assert_close(pc[0], 0.7041, 0.0, 1e-3);
    free(ten);
    free(cens);
}

static void
test_bad_input(void **state)
{
    double p[2], s[8], t3[3] = {1, 2, 3}, llv;
    int c3[3] = {0, 1, 0};
    size_t ei = 99;
    (void)state;
    memcpy(s, REGULAR, sizeof s);
    s[4] = 40.0; /* survival increasing over time */
    assert_status(loy_sbg_fit_cohort(p, s, 8, NULL, NULL, &ei),
                  LOY_EINCONSISTENT);
    assert_int_equal(ei, 4);
    s[4] = -1.0;
    p[0] = 0.7;
    p[1] = 1.2;
    assert_status(loy_sbg_loglik_cohort(&llv, p, REGULAR, 0, &ei),
                  LOY_EEMPTY);
    assert_status(loy_sbg_fit_cohort(p, s, 8, NULL, NULL, &ei), LOY_ESCALE);
    assert_int_equal(ei, 4);
    s[4] = NAN;
    assert_status(loy_sbg_fit_cohort(p, s, 8, NULL, NULL, &ei),
                  LOY_ENONFINITE);
    assert_int_equal(ei, 4);
    memset(s, 0, sizeof s);
    assert_status(loy_sbg_fit_cohort(p, s, 8, NULL, NULL, &ei), LOY_EEMPTY);
    s[0] = s[1] = s[2] = 50.0; /* nobody lost: no maximum */
    assert_status(loy_sbg_fit_cohort(p, s, 3, NULL, NULL, &ei),
                  LOY_EDEGENERATE);
    assert_status(loy_sbg_fit_cohort(p, s, 1, NULL, NULL, &ei),
                  LOY_EDEGENERATE);
    {
        double all_lost[3] = {50.0, 0.0, 0.0}; /* everyone gone at once */
        assert_status(loy_sbg_fit_cohort(p, all_lost, 3, NULL, NULL, &ei),
                      LOY_EDEGENERATE);
        all_lost[1] = 1.0; /* one renewal is enough */
        assert_ok(loy_sbg_fit_cohort(p, all_lost, 3, NULL, NULL, &ei));
    }
    assert_status(loy_sbg_fit_cohort(NULL, REGULAR, 8, NULL, NULL, &ei),
                  LOY_EINVAL);
    assert_true(ei == LOY_NO_INDEX);
    assert_status(loy_sbg_fit_cohort(p, NULL, 8, NULL, NULL, NULL),
                  LOY_EINVAL);
    /* tenures */
    t3[1] = 0.0;
    c3[1] = 0; /* churned before any renewal */
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_EINCONSISTENT);
    assert_int_equal(ei, 1);
    c3[1] = 2;
    t3[1] = 2.0;
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_ESCALE);
    assert_int_equal(ei, 1);
    c3[1] = 1;
    t3[2] = 2.5;
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_ESCALE);
    assert_int_equal(ei, 2);
    t3[2] = -1.0;
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_ESCALE);
    t3[2] = NAN;
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_ENONFINITE);
    assert_int_equal(ei, 2);
    t3[2] = 3.0;
    {
        double w[3] = {1.0, -2.0, 1.0};
        assert_status(loy_sbg_fit_tenures(p, t3, c3, w, 3, NULL, NULL, &ei),
                      LOY_ESCALE);
        assert_int_equal(ei, 1);
        w[1] = 0.0;
        w[0] = w[2] = 0.0;
        assert_status(loy_sbg_fit_tenures(p, t3, c3, w, 3, NULL, NULL, &ei),
                      LOY_EEMPTY);
    }
    assert_status(loy_sbg_fit_tenures(p, t3, NULL, NULL, 3, NULL, NULL, &ei),
                  LOY_EINVAL);
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 0, NULL, NULL, &ei),
                  LOY_EEMPTY);
    c3[0] = c3[1] = c3[2] = 1;
    assert_status(loy_sbg_fit_tenures(p, t3, c3, NULL, 3, NULL, NULL, &ei),
                  LOY_EDEGENERATE);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_fits),
        loy_data_test(test_published_fits_csv),
        cmocka_unit_test(test_cohort_loglik),
        cmocka_unit_test(test_curves),
        cmocka_unit_test(test_del),
        cmocka_unit_test(test_derl),
        cmocka_unit_test(test_domain_rules),
        cmocka_unit_test(test_tenures_equal_cohort),
        cmocka_unit_test(test_bad_input),
    };
    return loy_run_tests(tests);
}
