/* SPDX-License-Identifier: MIT */
/*
 * wom.c - word of mouth and the value gap between loyalty classes.
 *
 * The published method (Bain's analysis of Dell, "The Ultimate Question")
 * values a positive comment as the referral value it brings divided by all
 * positive comments, and a promoter by the comments they make in a year.
 * The measured alternative compares mean lifetime values across classes.
 */
#include "core/internal.h"
#include "numeric/normal.h"

static int
wom_check(const loy_wom_params *p)
{
    LOY__TRY(loy__check_range(p->referred_customers, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->customer_value, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->positive_comments, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->comments_per_promoter, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->deterred_customers, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->negative_comments, 0.0, INFINITY));
    LOY__TRY(loy__check_range(p->comments_per_detractor, 0.0, INFINITY));
    LOY__REQUIRE(p->positive_comments > 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(p->deterred_customers == 0.0 || p->negative_comments > 0.0,
                 LOY_EDOMAIN);
    return LOY_OK;
}

int
loy_churn_wom(loy_wom_value *out, const loy_wom_params *params)
{
    loy_wom_params p;
    loy_wom_value r;

    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out) &&
                 loy__struct_size_ok(params->struct_size, sizeof *params),
                 LOY_EINVAL);
    memset(&p, 0, sizeof p);
    loy__struct_copy_in(&p, params, sizeof p);
    LOY__TRY(wom_check(&p));

    memset(&r, 0, sizeof r);
    r.referral_value = p.referred_customers * p.customer_value;
    r.value_per_comment = r.referral_value / p.positive_comments;
    r.promoter_value = p.comments_per_promoter * r.value_per_comment;
    r.deterred_value = p.deterred_customers * p.customer_value;
    r.cost_per_negative_comment = p.negative_comments > 0.0
        ? r.deterred_value / p.negative_comments : 0.0;
    r.detractor_cost = p.comments_per_detractor * r.cost_per_negative_comment;
    /* finite inputs give infinite products or quotients only by overflow */
    LOY__REQUIRE(loy__finite(r.referral_value) && loy__finite(r.value_per_comment)
                 && loy__finite(r.promoter_value)
                 && loy__finite(r.deterred_value)
                 && loy__finite(r.cost_per_negative_comment)
                 && loy__finite(r.detractor_cost), LOY_EOVERFLOW);
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

/* Welford accumulator per class: numerically stable mean and variance. */
typedef struct class_acc {
    uint64_t n;
    double mean;
    double m2;
} class_acc;

static void
class_acc_add(class_acc *a, double v)
{
    double d = v - a->mean;
    a->n++;
    a->mean += d / (double)a->n;
    a->m2 += d * (v - a->mean);
}

static int
class_row_check(const double *value, const int8_t *cls, size_t i)
{
    LOY__REQUIRE(loy__finite(value[i]), LOY_ENONFINITE);
    LOY__REQUIRE(cls[i] >= -1 && cls[i] <= 2, LOY_ESCALE);
    return LOY_OK;
}

/*
 * The result of the accumulated classes. Welford's update overflows only
 * for values near DBL_MAX (a difference of two of them, or its square);
 * such classes give LOY_EOVERFLOW rather than an infinite or NaN mean.
 */
static int
class_value_fill(loy_class_value *r, const class_acc acc[3], double z)
{
    int c;
    for (c = 0; c < 3; c++) {
        double nn = (double)acc[c].n;
        r->n[c] = acc[c].n;
        r->mean[c] = acc[c].n > 0 ? acc[c].mean : (double)NAN;
        r->sd[c] = r->se[c] = r->lower[c] = r->upper[c] = NAN;
        if (acc[c].n < 2)
            continue;
        r->sd[c] = sqrt(acc[c].m2 / (nn - 1.0));
        r->se[c] = r->sd[c] / sqrt(nn);
        r->lower[c] = r->mean[c] - z * r->se[c];
        r->upper[c] = r->mean[c] + z * r->se[c];
    }
    for (c = 0; c < 3; c++) {
        if (acc[c].n > 0)
            LOY__REQUIRE(loy__finite(r->mean[c]), LOY_EOVERFLOW);
        if (acc[c].n > 1)
            LOY__REQUIRE(loy__finite(r->lower[c]) && loy__finite(r->upper[c]),
                         LOY_EOVERFLOW);
    }
    return LOY_OK;
}

int
loy_churn_class_value(loy_class_value *out, const double *value,
                      const int8_t *loyalty_class, size_t n, double level,
                      size_t *err_index)
{
    class_acc acc[3];
    loy_class_value r;
    double z;
    size_t i;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(out != NULL && value != NULL && loyalty_class != NULL,
                 LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(out->struct_size, sizeof *out),
                 LOY_EINVAL);
    LOY__TRY(loy__normal_crit(&z, level));
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    memset(acc, 0, sizeof acc);
    for (i = 0; i < n; i++) {
        int rc = class_row_check(value, loyalty_class, i);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        if (loyalty_class[i] >= 0)
            class_acc_add(&acc[loyalty_class[i]], value[i]);
    }
    LOY__REQUIRE(acc[0].n + acc[1].n + acc[2].n > 0, LOY_EEMPTY);
    memset(&r, 0, sizeof r);
    r.level = level;
    LOY__TRY(class_value_fill(&r, acc, z));
    loy__struct_copy_out(out, &r, sizeof r);
    return LOY_OK;
}

int
loy_churn_move_value(double *gain, double *lower, double *upper,
                     const loy_class_value *cv, double k, int32_t from_class,
                     int32_t to_class)
{
    loy_class_value c;
    double g, se, z;

    LOY__REQUIRE(gain != NULL && cv != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(cv->struct_size, sizeof *cv),
                 LOY_EINVAL);
    LOY__REQUIRE(loy__finite(k), LOY_ENONFINITE);
    LOY__REQUIRE(k >= 0.0, LOY_ESCALE);
    LOY__REQUIRE(from_class >= 0 && from_class <= 2 && to_class >= 0 &&
                 to_class <= 2, LOY_ESCALE);
    memcpy(&c, cv, sizeof c);
    LOY__REQUIRE(c.n[from_class] >= 2 && c.n[to_class] >= 2,
                 LOY_EDEGENERATE);
    LOY__TRY(loy__normal_crit(&z, c.level));
    /* the struct is the caller's: refuse what no class value holds */
    LOY__REQUIRE(loy__finite(c.mean[to_class]) && loy__finite(c.se[to_class])
                 && loy__finite(c.mean[from_class])
                 && loy__finite(c.se[from_class]), LOY_ENONFINITE);
    LOY__REQUIRE(c.se[to_class] >= 0.0 && c.se[from_class] >= 0.0,
                 LOY_EDOMAIN);
    g = k * (c.mean[to_class] - c.mean[from_class]);
    se = k * hypot(c.se[to_class], c.se[from_class]);
    LOY__REQUIRE(loy__finite(g) && loy__finite(g - z * se)
                 && loy__finite(g + z * se), LOY_EOVERFLOW);
    *gain = g;
    if (lower != NULL)
        *lower = g - z * se;
    if (upper != NULL)
        *upper = g + z * se;
    return LOY_OK;
}
