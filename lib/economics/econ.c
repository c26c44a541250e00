/* SPDX-License-Identifier: MIT */
/*
 * econ.c - retention economics: the value of a customer base (current
 * customers plus future cohorts, acquisition costs netted) and its
 * elasticities, so that statements like "one point of retention is worth
 * five points of margin" can be checked on a company's own numbers.
 *
 * With D = 1 + i - r(1+g) and v = 1/(1+i):
 *   existing customer   E = m r / D          (next margin at period end)
 *   acquired customer   A = m (1+i) / D - AC (first margin at acquisition)
 *   cohorts             S = sum_{k=1..K} v^k (1/i when unlimited)
 *   total               V = N E + n A S
 * Every derivative below is of this closed form, so the elasticities are
 * exact (the tests compare them with finite differences).
 */
#include "core/internal.h"

typedef struct base_terms {
    double D, S, dS_di;
} base_terms;

static int
base_check(const loy_base_params *p)
{
    LOY__TRY(loy__check_range(p->customers, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->margin, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->retention, 0.0, 1.0));
    LOY__TRY(loy__check_range(p->discount, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->new_customers, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->acquisition_cost, 0.0, INFINITY));
    LOY__REQUIRE(loy__finite(p->growth), LOY_ENONFINITE);
    LOY__REQUIRE(p->growth > -1.0, LOY_EDOMAIN);
    LOY__REQUIRE(p->retention * (1.0 + p->growth) < 1.0 + p->discount,
                 LOY_EDOMAIN);
    /* Unlimited cohorts are worth a finite amount only when discounted. */
    LOY__REQUIRE(!(p->cohorts == 0 && p->new_customers > 0.0 &&
                   p->discount <= 0.0), LOY_EDOMAIN);
    return LOY_OK;
}

/* S = sum_{k=1..K} v^k and dS/di, with the unlimited case K = 0. */
static void
cohort_sum(base_terms *t, double i, uint32_t K)
{
    double v = 1.0 / (1.0 + i), vK, kv;

    if (K == 0) {
        t->S = 1.0 / i;
        t->dS_di = -1.0 / (i * i);
        return;
    }
    if (i == 0.0) {
        t->S = (double)K;
        /* dv/di = -v^2 and sum k v^(k+1) at v = 1 is K(K+1)/2 */
        t->dS_di = -(double)K * ((double)K + 1.0) / 2.0;
        return;
    }
    vK = pow(v, (double)K);
    t->S = v * (1.0 - vK) / (1.0 - v);
    /* sum_{k=1..K} k v^k in closed form; dS/di = -v * that */
    kv = v * (1.0 - ((double)K + 1.0) * vK + (double)K * vK * v) /
         ((1.0 - v) * (1.0 - v));
    t->dS_di = -v * kv;
}

/* Partial derivatives of V, used for the elasticities. */
static void
base_derivs(const loy_base_params *p, const base_terms *t, double *dV_dr,
            double *dV_dm, double *dV_di, double *dV_dac)
{
    double m = p->margin, r = p->retention, i = p->discount;
    double g1 = 1.0 + p->growth, D = t->D, D2 = D * D;
    double A = m * (1.0 + i) / D - p->acquisition_cost;

    *dV_dr = p->customers * m * (1.0 + i) / D2 +
             p->new_customers * t->S * m * (1.0 + i) * g1 / D2;
    *dV_dm = p->customers * r / D + p->new_customers * t->S * (1.0 + i) / D;
    *dV_di = -p->customers * m * r / D2 +
             p->new_customers * (t->S * (-m * r * g1 / D2) + A * t->dS_di);
    *dV_dac = -p->new_customers * t->S;
}

/*
 * Finite inputs in the domain reach an infinite (or NaN) value only by
 * overflow: a retention r(1+g) within rounding of 1 + i, margins or
 * counts near DBL_MAX, a denormal discount rate (unlimited cohorts are
 * worth 1/i), or a base worth so little that an elasticity overflows.
 */
static int
base_finite(const loy_base_value *r)
{
    LOY__REQUIRE(loy__finite(r->clv_existing) && loy__finite(r->clv_new)
                 && loy__finite(r->current_value)
                 && loy__finite(r->future_value) && loy__finite(r->total)
                 && loy__finite(r->elasticity_retention)
                 && loy__finite(r->elasticity_margin)
                 && loy__finite(r->elasticity_discount)
                 && loy__finite(r->elasticity_acquisition), LOY_EOVERFLOW);
    return LOY_OK;
}

static int
base_compute(loy_base_value *r, const loy_base_params *p)
{
    base_terms t;
    double dr, dm, di, dac;

    t.D = 1.0 + p->discount - p->retention * (1.0 + p->growth);
    cohort_sum(&t, p->discount, p->cohorts);
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    r->clv_existing = p->margin * p->retention / t.D;
    r->clv_new = p->margin * (1.0 + p->discount) / t.D - p->acquisition_cost;
    r->current_value = p->customers * r->clv_existing;
    r->future_value = p->new_customers > 0.0
        ? p->new_customers * r->clv_new * t.S : 0.0;
    r->total = r->current_value + r->future_value;
    LOY__TRY(base_finite(r));
    if (r->total == 0.0)
        return LOY_EDEGENERATE;
    base_derivs(p, &t, &dr, &dm, &di, &dac);
    r->elasticity_retention = p->retention * dr / r->total;
    r->elasticity_margin = p->margin * dm / r->total;
    r->elasticity_discount = p->discount * di / r->total;
    r->elasticity_acquisition = p->acquisition_cost * dac / r->total;
    return base_finite(r);
}

static int
base_read(loy_base_params *p, const loy_base_params *params)
{
    LOY__REQUIRE(params != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(params->struct_size, sizeof *params),
                 LOY_EINVAL);
    memset(p, 0, sizeof *p);
    loy__struct_copy_in(p, params, sizeof *p);
    return base_check(p);
}

int
loy_churn_base_value(loy_base_value *out, const loy_base_params *params)
{
    loy_base_params p;
    loy_base_value r;
    int rc;

    LOY__REQUIRE(out != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out),
                 LOY_EINVAL);
    LOY__TRY(base_read(&p, params));
    rc = base_compute(&r, &p);
    if (rc == LOY_OK || rc == LOY_EDEGENERATE) /* documented: written */
        loy__struct_copy_out(out, &r, sizeof r);
    return rc;
}

/* The part of V proportional to the margin: m dV/dm (V is linear in m). */
static double
margin_part(const loy_base_params *p)
{
    base_terms t;
    double dr, dm, di, dac;

    t.D = 1.0 + p->discount - p->retention * (1.0 + p->growth);
    cohort_sum(&t, p->discount, p->cohorts);
    base_derivs(p, &t, &dr, &dm, &di, &dac);
    return p->margin * dm;
}

int
loy_churn_retention_margin_equivalent(double *margin_change,
                                      double *value_change,
                                      const loy_base_params *params,
                                      double retention_change)
{
    loy_base_params p, q;
    loy_base_value v0, v1;
    double linear, change;
    int rc;

    LOY__REQUIRE(margin_change != NULL, LOY_EINVAL);
    LOY__TRY(base_read(&p, params));
    LOY__REQUIRE(loy__finite(retention_change), LOY_ENONFINITE);
    q = p;
    q.retention = p.retention + retention_change;
    LOY__REQUIRE(q.retention >= 0.0 && q.retention <= 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(base_check(&q) == LOY_OK, LOY_EDOMAIN);
    /* A zero total is fine here: only the difference matters. */
    rc = base_compute(&v0, &p);
    LOY__REQUIRE(rc != LOY_EOVERFLOW, rc);
    rc = base_compute(&v1, &q);
    LOY__REQUIRE(rc != LOY_EOVERFLOW, rc);
    /* Raising m by a fraction x raises V by x times its margin part. */
    linear = margin_part(&p);
    LOY__REQUIRE(!isnan(linear) && linear <= DBL_MAX, LOY_EOVERFLOW);
    LOY__REQUIRE(linear > 0.0, LOY_EDEGENERATE);
    change = (v1.total - v0.total) / linear;
    LOY__REQUIRE(loy__finite(v1.total - v0.total) && loy__finite(change),
                 LOY_EOVERFLOW);
    *margin_change = change;
    if (value_change != NULL)
        *value_change = v1.total - v0.total;
    return LOY_OK;
}
