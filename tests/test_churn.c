/* SPDX-License-Identifier: MIT */
/* test_churn.c - churn cost, word of mouth, retention economics, EGR. */
#include "testutil.h"

#include <string.h>

/* MODELS 9 worked example: N 10,000, c 20%, m $100, i 10%. */
static void
test_simple_worked_example(void **state)
{
    loy_churn_cost c = {sizeof c, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    assert_ok(loy_churn_cost_simple(&c, 10000, 0.2, 100, 0.1));
    assert_close(c.customers_lost, 2000, 1e-12, 0);
    assert_close(c.margin_lost, 200000, 1e-12, 0);
    assert_close(c.value_per_lost, 1000.0 / 3.0, 1e-12, 0);
    assert_close(c.value_lost, 666666.6666666666, 1e-12, 0);
    assert_close(c.value_lost_undiscounted, 1.0e6, 1e-12, 0);
    assert_close(c.clv_existing, 266.6666666666667, 1e-12, 0);
    assert_int_equal(c.flags, 0);
}

/* Identity: nothing is lost at full retention. */
static void
test_simple_full_retention_costs_nothing(void **state)
{
    loy_churn_cost c = {sizeof c, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    assert_ok(loy_churn_cost_simple(&c, 5000, 0.0, 80, 0.05));
    assert_true(c.customers_lost == 0 && c.margin_lost == 0 &&
                c.value_lost == 0 && c.value_lost_undiscounted == 0);
    assert_close(c.clv_existing, 80 / 0.05, 1e-12, 0);
    /* r = 1 and i = 0: an infinite lifetime value is a domain error */
    assert_status(loy_churn_cost_simple(&c, 5000, 0.0, 80, 0.0), LOY_EDOMAIN);
}

static void
test_simple_bad_input(void **state)
{
    loy_churn_cost c = {sizeof c, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    assert_status(loy_churn_cost_simple(NULL, 1, 0.1, 1, 0.1), LOY_EINVAL);
    assert_status(loy_churn_cost_simple(&c, -1, 0.1, 1, 0.1), LOY_ESCALE);
    assert_status(loy_churn_cost_simple(&c, 1, 1.1, 1, 0.1), LOY_ESCALE);
    assert_status(loy_churn_cost_simple(&c, 1, -0.1, 1, 0.1), LOY_ESCALE);
    assert_status(loy_churn_cost_simple(&c, 1, NAN, 1, 0.1), LOY_ENONFINITE);
    assert_status(loy_churn_cost_simple(&c, 1, 0.1, -5, 0.1), LOY_ESCALE);
    assert_status(loy_churn_cost_simple(&c, 1, 0.1, 1, INFINITY),
                  LOY_ENONFINITE);
    c.struct_size = 4;
    assert_status(loy_churn_cost_simple(&c, 1, 0.1, 1, 0.1), LOY_EINVAL);
}

/* Brute force for the sBG churn cost: survival by the S(t) recursion and
 * direct discounted sums over a long horizon. */
static double
sbg_survival(double a, double b, unsigned t)
{
    double s = 1.0;
    unsigned k;
    for (k = 1; k <= t; k++)
        s *= (b + k - 1) / (a + b + k - 1);
    return s;
}

static double
brute_value_if_renewed(double a, double b, unsigned n, double m, double d)
{
    /* renewed at decision n: pays m at the end of the coming period, then
     * at each later period t with probability S(t)/S(n). */
    double v = 1.0 / (1.0 + d), sn = sbg_survival(a, b, n), sum = 0, s = sn;
    unsigned k;
    for (k = 0; k < 200000; k++) {
        sum += m * pow(v, k + 1.0) * s / sn;
        s *= (b + n + k) / (a + b + n + k);
    }
    return sum;
}

static void
test_sbg_against_brute_force(void **state)
{
    const double params[2] = {0.704, 1.182};
    loy_churn_cost c = {sizeof c, 0, 0, 0, 0, 0, 0, 0};
    double rn;
    (void)state;
    /* 1,000 customers who renewed twice face decision 3 */
    assert_ok(loy_churn_cost_sbg(&c, params, 1000, 2, 50, 0.1));
    rn = (1.182 + 2) / (0.704 + 1.182 + 2);
    assert_close(c.customers_lost, 1000 * (1 - rn), 1e-12, 0);
    assert_close(c.margin_lost, 1000 * (1 - rn) * 50, 1e-12, 0);
    assert_close(c.value_per_lost,
                 brute_value_if_renewed(0.704, 1.182, 3, 50, 0.1), 1e-9, 0);
    assert_close(c.clv_existing, rn * c.value_per_lost, 1e-12, 0);
    /* alpha < 1: the undiscounted lifetime is infinite, flagged */
    assert_true(isinf(c.value_lost_undiscounted));
    assert_int_equal(c.flags, LOY_CHURN_INFINITE);
    assert_status(loy_churn_cost_sbg(&c, params, 1000, 2, 50, 0.0),
                  LOY_EDOMAIN);
}

/* A Beta(alpha, beta) concentrated at c behaves like constant churn c. */
static void
test_sbg_homogeneous_limit_is_simple(void **state)
{
    const double k = 1e9, churn = 0.2;
    const double params[2] = {churn * k, (1 - churn) * k};
    loy_churn_cost s = {sizeof s, 0, 0, 0, 0, 0, 0, 0};
    loy_churn_cost b = {sizeof b, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    assert_ok(loy_churn_cost_simple(&s, 10000, churn, 100, 0.1));
    assert_ok(loy_churn_cost_sbg(&b, params, 10000, 5, 100, 0.1));
    assert_close(b.customers_lost, s.customers_lost, 1e-6, 0);
    assert_close(b.value_lost, s.value_lost, 1e-6, 0);
    assert_close(b.clv_existing, s.clv_existing, 1e-6, 0);
    assert_close(b.value_lost_undiscounted, s.value_lost_undiscounted, 1e-6, 0);
    assert_int_equal(b.flags, 0);
}

static void
test_silent_churn(void **state)
{
    const double p[5] = {1.0, 0.9, 0.5, 0.2, 0.05};
    const double v[5] = {100, 200, 300, 400, 500};
    const double pn[5] = {0.95, 0.9, 0.4, 0.1, 0.0};
    loy_silent_churn s = {sizeof s, 0, 0, 0, 0, 0, 0, 0};
    double lost = 0, vl = 0, va = 0, vr = 0;
    size_t i, idx;
    (void)state;
    for (i = 0; i < 5; i++) {
        lost += 1 - p[i];
        vl += (1 - p[i]) * v[i];
        va += p[i] * v[i];
        vr += (p[i] - pn[i]) * v[i];
    }
    assert_ok(loy_churn_silent(&s, p, v, pn, 5, 0.3, &idx));
    assert_int_equal(idx, LOY_NO_INDEX);
    assert_close(s.customers, 5, 0, 0);
    assert_close(s.expected_lost, lost, 1e-15, 0);
    assert_close(s.likely_lost, 2, 0, 0);
    assert_close(s.value_lost, vl, 1e-15, 0);
    assert_close(s.value_alive, va, 1e-15, 0);
    assert_close(s.value_at_risk_next, vr, 1e-15, 0);
    assert_close(s.value_lost + s.value_alive, 1500, 1e-15, 0);
    assert_int_equal(s.flags, 0);
    assert_ok(loy_churn_silent(&s, p, v, NULL, 5, 0.3, NULL));
    assert_int_equal(s.flags, LOY_SILENT_NO_NEXT);
    assert_close(s.value_at_risk_next, 0, 0, 0);
}

static void
test_silent_churn_bad_input(void **state)
{
    double p[3] = {0.5, 0.5, 0.5}, v[3] = {1, 2, 3}, pn[3] = {0.4, 0.6, 0.1};
    loy_silent_churn s = {sizeof s, 0, 0, 0, 0, 0, 0, 0};
    size_t idx;
    (void)state;
    assert_status(loy_churn_silent(&s, p, v, pn, 3, 0.3, &idx),
                  LOY_EINCONSISTENT);
    assert_int_equal(idx, 1);
    p[2] = 1.5;
    assert_status(loy_churn_silent(&s, p, v, NULL, 3, 0.3, &idx), LOY_ESCALE);
    assert_int_equal(idx, 2);
    p[2] = NAN;
    assert_status(loy_churn_silent(&s, p, v, NULL, 3, 0.3, &idx),
                  LOY_ENONFINITE);
    assert_int_equal(idx, 2);
    p[2] = 0.5;
    v[0] = -1;
    assert_status(loy_churn_silent(&s, p, v, NULL, 3, 0.3, &idx), LOY_ESCALE);
    assert_int_equal(idx, 0);
    assert_status(loy_churn_silent(&s, p, v, NULL, 0, 0.3, &idx), LOY_EEMPTY);
    assert_status(loy_churn_silent(&s, NULL, v, NULL, 3, 0.3, &idx),
                  LOY_EINVAL);
    assert_status(loy_churn_silent(&s, p, v, NULL, 3, 2.0, &idx), LOY_ESCALE);
}

/* Bain's Dell figures (MODELS 9). */
static void
test_wom_dell(void **state)
{
    loy_wom_params p;
    loy_wom_value w = {sizeof w, 0, 0, 0, 0, 0, 0};
    (void)state;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.referred_customers = 0.25 * 4e6;
    p.customer_value = 210;
    p.positive_comments = 40e6;
    p.comments_per_promoter = 8;
    p.deterred_customers = 2e5;
    p.negative_comments = 1e7;
    p.comments_per_detractor = 10;
    assert_ok(loy_churn_wom(&w, &p));
    assert_close(w.referral_value, 210e6, 1e-15, 0);
    assert_close(w.value_per_comment, 5.25, 1e-15, 0);
    assert_close(w.promoter_value, 42, 1e-15, 0);
    assert_close(w.deterred_value, 42e6, 1e-15, 0);
    assert_close(w.cost_per_negative_comment, 4.2, 1e-15, 0);
    assert_close(w.detractor_cost, 42, 1e-15, 0);
    p.positive_comments = 0;
    assert_status(loy_churn_wom(&w, &p), LOY_EDOMAIN);
    p.positive_comments = 40e6;
    p.negative_comments = 0;
    assert_status(loy_churn_wom(&w, &p), LOY_EDOMAIN);
    p.customer_value = -1;
    assert_status(loy_churn_wom(&w, &p), LOY_ESCALE);
    p.customer_value = NAN;
    assert_status(loy_churn_wom(&w, &p), LOY_ENONFINITE);
}

static void
test_class_value_and_move(void **state)
{
    const double v[9] = {10, 20, 30, 50, 60, 70, 100, 140, 999};
    const int8_t c[9] = {0, 0, 0, 1, 1, 1, 2, 2, -1};
    loy_class_value cv;
    double gain, lo, hi, z = 1.959963984540054;
    size_t idx;
    int8_t bad[9];
    (void)state;
    memset(&cv, 0, sizeof cv);
    cv.struct_size = sizeof cv;
    assert_ok(loy_churn_class_value(&cv, v, c, 9, 0.95, &idx));
    assert_int_equal(cv.n[0], 3);
    assert_int_equal(cv.n[1], 3);
    assert_int_equal(cv.n[2], 2);
    assert_close(cv.mean[0], 20, 1e-15, 0);
    assert_close(cv.mean[1], 60, 1e-15, 0);
    assert_close(cv.mean[2], 120, 1e-15, 0);
    assert_close(cv.sd[0], 10, 1e-14, 0);
    assert_close(cv.sd[2], sqrt(800.0), 1e-14, 0);
    assert_close(cv.se[0], 10 / sqrt(3.0), 1e-14, 0);
    assert_close(cv.lower[0], 20 - z * 10 / sqrt(3.0), 1e-12, 0);
    assert_close(cv.upper[2], 120 + z * 20, 1e-12, 0);
    /* moving 50 detractors to promoter */
    assert_ok(loy_churn_move_value(&gain, &lo, &hi, &cv, 50, 0, 2));
    assert_close(gain, 50 * 100, 1e-15, 0);
    assert_close(hi - gain, z * 50 * sqrt(100.0 / 3 + 400), 1e-12, 0);
    assert_close(gain - lo, hi - gain, 1e-12, 0);
    memcpy(bad, c, sizeof bad);
    bad[4] = 3;
    assert_status(loy_churn_class_value(&cv, v, bad, 9, 0.95, &idx),
                  LOY_ESCALE);
    assert_int_equal(idx, 4);
    assert_status(loy_churn_class_value(&cv, v, c, 9, 1.0, &idx),
                  LOY_EDOMAIN);
    memset(bad, -1, sizeof bad);
    assert_status(loy_churn_class_value(&cv, v, bad, 9, 0.95, &idx),
                  LOY_EEMPTY);
    assert_status(loy_churn_move_value(&gain, NULL, NULL, &cv, 1, 0, 3),
                  LOY_ESCALE);
}

static void
base_init(loy_base_params *p)
{
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
}

/* MODELS 9 sensitivity: margin multiple 2.667 -> 3.400, with g 3.636 -> 5.152. */
static void
test_base_margin_multiples(void **state)
{
    loy_base_params p;
    loy_base_value v = {sizeof v, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    double m80, m85;
    (void)state;
    base_init(&p);
    p.customers = 1;
    p.margin = 1;
    p.retention = 0.80;
    p.discount = 0.10;
    assert_ok(loy_churn_base_value(&v, &p));
    m80 = v.total;
    assert_close(m80, 2.6666666666666667, 1e-12, 0);
    p.retention = 0.85;
    assert_ok(loy_churn_base_value(&v, &p));
    m85 = v.total;
    assert_close(m85, 3.4, 1e-12, 0);
    assert_close(m85 / m80 - 1, 0.275, 1e-12, 0);
    p.growth = 0.10;
    p.retention = 0.80;
    assert_ok(loy_churn_base_value(&v, &p));
    m80 = v.total;
    assert_close(m80, 0.8 / 0.22, 1e-12, 0);   /* 3.636 */
    p.retention = 0.85;
    assert_ok(loy_churn_base_value(&v, &p));
    assert_close(v.total, 0.85 / 0.165, 1e-12, 0);   /* 5.152 */
    assert_close(v.total / m80 - 1, 0.41666666666666667, 1e-12, 0);
}

/* Brute-force base value: simulate period by period. */
static double
brute_base(const loy_base_params *p, unsigned horizon)
{
    double total = 0, v = 1.0 / (1.0 + p->discount);
    unsigned t, k;
    for (t = 1; t <= horizon; t++)   /* current customers */
        total += p->customers * p->margin * pow(1 + p->growth, t - 1.0) *
                 pow(p->retention, t) * pow(v, t);
    for (k = 1; k <= (p->cohorts ? p->cohorts : horizon); k++) {
        double cohort = -p->acquisition_cost;
        for (t = 0; t + k <= horizon; t++)
            cohort += p->margin * pow(1 + p->growth, t) *
                      pow(p->retention, t) * pow(v, t);
        total += p->new_customers * cohort * pow(v, k);
    }
    return total;
}

static void
test_base_against_brute_force(void **state)
{
    loy_base_params p;
    loy_base_value v = {sizeof v, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    base_init(&p);
    p.customers = 10000;
    p.margin = 100;
    p.retention = 0.8;
    p.discount = 0.1;
    p.growth = 0.02;
    p.new_customers = 2500;
    p.acquisition_cost = 150;
    p.cohorts = 5;
    assert_ok(loy_churn_base_value(&v, &p));
    assert_close(v.total, brute_base(&p, 3000), 1e-9, 0);
    assert_close(v.current_value, 10000 * 100 * 0.8 / (1.1 - 0.8 * 1.02),
                 1e-12, 0);
    p.cohorts = 0;   /* every future period, truncated far out */
    assert_ok(loy_churn_base_value(&v, &p));
    assert_close(v.total, brute_base(&p, 1500), 1e-8, 0);
    p.discount = 0;
    assert_status(loy_churn_base_value(&v, &p), LOY_EDOMAIN);
    p.cohorts = 3;   /* finite cohorts work undiscounted, r(1+g) < 1 */
    assert_ok(loy_churn_base_value(&v, &p));
    assert_close(v.total, brute_base(&p, 3000), 1e-9, 0);
}

/* Elasticities are exact derivatives: compare with central differences. */
static double
total_at(loy_base_params p, int which, double h)
{
    loy_base_value v = {sizeof v, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    double *f = which == 0 ? &p.retention : which == 1 ? &p.margin
              : which == 2 ? &p.discount : &p.acquisition_cost;
    *f *= 1 + h;
    assert_ok(loy_churn_base_value(&v, &p));
    return v.total;
}

static void
test_elasticities_equal_finite_differences(void **state)
{
    loy_base_params p;
    loy_base_value v = {sizeof v, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const double h = 1e-6;
    double el[4];
    int which, cohorts;
    (void)state;
    for (cohorts = 0; cohorts <= 7; cohorts += 7) {
        base_init(&p);
        p.customers = 10000;
        p.margin = 100;
        p.retention = 0.75;
        p.discount = 0.08;
        p.growth = 0.03;
        p.new_customers = 3000;
        p.acquisition_cost = 120;
        p.cohorts = (uint32_t)cohorts;
        assert_ok(loy_churn_base_value(&v, &p));
        el[0] = v.elasticity_retention;
        el[1] = v.elasticity_margin;
        el[2] = v.elasticity_discount;
        el[3] = v.elasticity_acquisition;
        for (which = 0; which < 4; which++) {
            double fd = (log(total_at(p, which, h)) -
                         log(total_at(p, which, -h))) / (2 * h);
            assert_close(el[which], fd, 1e-6, 1e-9);
        }
        assert_true(el[3] < 0 && el[2] < 0 && el[0] > 0 && el[1] > 1);
    }
}

/* "One point of retention is worth about five points of margin." */
static void
test_retention_margin_equivalent(void **state)
{
    loy_base_params p;
    loy_base_value v0 = {sizeof v0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    loy_base_value v1 = {sizeof v1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    double x, dv;
    (void)state;
    base_init(&p);
    p.customers = 10000;
    p.margin = 100;
    p.retention = 0.8;
    p.discount = 0.1;
    assert_ok(loy_churn_retention_margin_equivalent(&x, &dv, &p, 0.01));
    assert_close(x, (0.81 / 0.29) / (0.8 / 0.3) - 1, 1e-12, 0);
    assert_true(x > 0.045 && x < 0.05);
    /* the margin change found really gives the same value change */
    p.new_customers = 2000;
    p.acquisition_cost = 100;
    p.cohorts = 10;
    assert_ok(loy_churn_retention_margin_equivalent(&x, &dv, &p, 0.01));
    assert_ok(loy_churn_base_value(&v0, &p));
    p.margin *= 1 + x;
    assert_ok(loy_churn_base_value(&v1, &p));
    assert_close(v1.total - v0.total, dv, 1e-9, 0);
    p.margin = 100;
    assert_status(loy_churn_retention_margin_equivalent(&x, &dv, &p, 0.5),
                  LOY_EDOMAIN);
}

static void
test_base_bad_input(void **state)
{
    loy_base_params p;
    loy_base_value v = {sizeof v, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    (void)state;
    base_init(&p);
    p.customers = 1;
    p.margin = 1;
    p.retention = 1.2;
    p.discount = 0.1;
    assert_status(loy_churn_base_value(&v, &p), LOY_ESCALE);
    p.retention = 0.9;
    p.growth = 0.3;  /* r(1+g) = 1.17 >= 1.1 */
    assert_status(loy_churn_base_value(&v, &p), LOY_EDOMAIN);
    p.growth = NAN;
    assert_status(loy_churn_base_value(&v, &p), LOY_ENONFINITE);
    p.growth = 0;
    p.margin = 0;
    assert_status(loy_churn_base_value(&v, &p), LOY_EDEGENERATE);
    assert_status(loy_churn_base_value(&v, NULL), LOY_EINVAL);
    p.struct_size = 3;
    assert_status(loy_churn_base_value(&v, &p), LOY_EINVAL);
}

/* MODELS 3: previous revenue 1,000,000; retained 800,000; referred 300,000. */
static void
test_egr_worked_example(void **state)
{
    const double prev[4] = {600000, 400000, 0, 0};
    const double now[4] = {500000, 300000, 300000, 150000};
    const uint8_t origin[4] = {LOY_ORIGIN_EXISTING, LOY_ORIGIN_EXISTING,
                               LOY_ORIGIN_EARNED, LOY_ORIGIN_BOUGHT};
    loy_egr e;
    size_t idx;
    (void)state;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    assert_ok(loy_churn_egr(&e, prev, now, origin, 3, &idx));
    assert_close(e.nrr, 0.8, 1e-15, 0);
    assert_close(e.enc, 0.3, 1e-15, 0);
    assert_close(e.egr, 0.10, 1e-14, 0);
    assert_close(e.bought_growth, 0, 0, 1e-15);
    assert_ok(loy_churn_egr(&e, prev, now, origin, 4, &idx));
    assert_close(e.egr, 0.10, 1e-14, 0);
    assert_close(e.growth, 0.25, 1e-15, 0);
    assert_close(e.bought_growth, 0.15, 1e-14, 0);
    assert_close(e.revenue_now, 1250000, 1e-15, 0);
    /* no new customers: EGR = NRR - 1 */
    assert_ok(loy_churn_egr(&e, prev, now, origin, 2, &idx));
    assert_close(e.egr, e.nrr - 1, 1e-15, 0);
    assert_close(e.egr, -0.2, 1e-14, 0);
}

static void
test_egr_bad_input(void **state)
{
    double prev[3] = {10, 0, 5}, now[3] = {10, 3, 5};
    uint8_t origin[3] = {0, 1, 1};
    loy_egr e;
    size_t idx;
    (void)state;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    assert_status(loy_churn_egr(&e, prev, now, origin, 3, &idx),
                  LOY_EINCONSISTENT);
    assert_int_equal(idx, 2);
    origin[2] = 7;
    assert_status(loy_churn_egr(&e, prev, now, origin, 3, &idx), LOY_ESCALE);
    assert_int_equal(idx, 2);
    origin[2] = 0;
    now[1] = -3;
    assert_status(loy_churn_egr(&e, prev, now, origin, 3, &idx), LOY_ESCALE);
    assert_int_equal(idx, 1);
    now[1] = INFINITY;
    assert_status(loy_churn_egr(&e, prev, now, origin, 3, &idx),
                  LOY_ENONFINITE);
    now[1] = 3;
    prev[0] = prev[2] = 0;
    assert_status(loy_churn_egr(&e, prev, now, origin, 3, &idx), LOY_EEMPTY);
    assert_status(loy_churn_egr(&e, prev, now, origin, 0, &idx), LOY_EEMPTY);
    assert_status(loy_churn_egr(&e, NULL, now, origin, 3, &idx), LOY_EINVAL);
}


/*
 * Issue 20 audit: finite inputs inside every documented range whose
 * products, sums or quotients pass DBL_MAX returned infinities or NaN with
 * LOY_OK in 1.0. They are LOY_EOVERFLOW now, with the output untouched.
 */
static void
test_overflow_is_reported(void **state)
{
    loy_churn_cost c, c0;
    loy_silent_churn sc;
    loy_wom_params wp;
    loy_wom_value w, w0;
    loy_class_value cv;
    loy_base_params bp;
    loy_base_value bv, bv0;
    loy_egr e;
    const double p3[3] = {0, 0, 0}, v3[3] = {1e308, 1e308, 1e308};
    const double cvv[3] = {1e308, -1e308, 1e308};
    const int8_t cls[3] = {0, 0, 0};
    const double prev[2] = {4.9406564584124654e-324, 0};
    const double now[2] = {1.0, 2.0};
    const uint8_t origin[2] = {LOY_ORIGIN_EXISTING, LOY_ORIGIN_BOUGHT};
    double gain = 7.0, mc = 7.0;
    (void)state;
    memset(&c, 0x5A, sizeof c);
    c.struct_size = sizeof c;
    c0 = c;
    assert_status(loy_churn_cost_simple(&c, 1e308, 1.0, 10.0, 0.1),
                  LOY_EOVERFLOW); /* N m */
    assert_memory_equal(&c, &c0, sizeof c);

    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    assert_status(loy_churn_silent(&sc, p3, v3, NULL, 3, 0.5, NULL),
                  LOY_EOVERFLOW); /* value lost 3e308 */
    assert_ok(loy_churn_silent(&sc, p3, v3, NULL, 1, 0.5, NULL));
    assert_close(sc.value_lost, 1e308, 1e-15, 0);

    memset(&wp, 0, sizeof wp);
    wp.struct_size = sizeof wp;
    wp.referred_customers = 1e300;
    wp.customer_value = 1e10;
    wp.positive_comments = 1;
    memset(&w, 0x5A, sizeof w);
    w.struct_size = sizeof w;
    w0 = w;
    assert_status(loy_churn_wom(&w, &wp), LOY_EOVERFLOW);
    assert_memory_equal(&w, &w0, sizeof w);

    memset(&cv, 0, sizeof cv);
    cv.struct_size = sizeof cv;
    assert_status(loy_churn_class_value(&cv, cvv, cls, 3, 0.95, NULL),
                  LOY_EOVERFLOW); /* Welford's difference 2e308 */
    assert_ok(loy_churn_class_value(&cv, cvv, cls, 1, 0.95, NULL));
    cv.n[2] = cv.n[0] = 2;
    cv.se[0] = cv.se[2] = 1.0;
    cv.mean[2] = (double)NAN;
    assert_status(loy_churn_move_value(&gain, NULL, NULL, &cv, 1, 0, 2),
                  LOY_ENONFINITE);
    cv.mean[2] = -1e308;
    assert_status(loy_churn_move_value(&gain, NULL, NULL, &cv, 10, 0, 2),
                  LOY_EOVERFLOW);
    cv.se[2] = -1.0;
    assert_status(loy_churn_move_value(&gain, NULL, NULL, &cv, 10, 0, 2),
                  LOY_EDOMAIN);
    assert_true(gain == 7.0);

    /* unlimited cohorts are worth 1/i: a denormal i overflows */
    base_init(&bp);
    bp.customers = 10;
    bp.margin = 1;
    bp.retention = 0.5;
    bp.discount = 1e-310;
    bp.new_customers = 1;
    memset(&bv, 0x5A, sizeof bv);
    bv.struct_size = sizeof bv;
    bv0 = bv;
    assert_status(loy_churn_base_value(&bv, &bp), LOY_EOVERFLOW);
    assert_memory_equal(&bv, &bv0, sizeof bv);
    assert_status(loy_churn_retention_margin_equivalent(&mc, NULL, &bp,
                                                        0.01),
                  LOY_EOVERFLOW);
    assert_true(mc == 7.0);

    /* net revenue retention against a denormal previous revenue */
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    assert_status(loy_churn_egr(&e, prev, now, origin, 2, NULL),
                  LOY_EOVERFLOW);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_worked_example),
        cmocka_unit_test(test_simple_full_retention_costs_nothing),
        cmocka_unit_test(test_simple_bad_input),
        cmocka_unit_test(test_sbg_against_brute_force),
        cmocka_unit_test(test_sbg_homogeneous_limit_is_simple),
        cmocka_unit_test(test_silent_churn),
        cmocka_unit_test(test_silent_churn_bad_input),
        cmocka_unit_test(test_wom_dell),
        cmocka_unit_test(test_class_value_and_move),
        cmocka_unit_test(test_base_margin_multiples),
        cmocka_unit_test(test_base_against_brute_force),
        cmocka_unit_test(test_elasticities_equal_finite_differences),
        cmocka_unit_test(test_retention_margin_equivalent),
        cmocka_unit_test(test_base_bad_input),
        cmocka_unit_test(test_egr_worked_example),
        cmocka_unit_test(test_egr_bad_input),
        cmocka_unit_test(test_overflow_is_reported),
    };
    return cmocka_run_group_tests_name("churn", tests, NULL, NULL);
}
