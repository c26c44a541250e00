/* SPDX-License-Identifier: MIT */
/*
 * abc_computed.c - computed ABC analysis of Ultsch & Loetsch (2015), the
 * spline-free variant of MODELS.md 7.2: the Pareto, break-even and
 * submarginal points are located on the n exact points of the ABC curve.
 */
#include <float.h>
#include <stdlib.h>

#include "core/internal.h"
#include "segment/abc_internal.h"

int
loy_abc_computed_result_init(loy_abc_computed_result *result)
{
    static const loy_abc_computed_result init = LOY_ABC_COMPUTED_RESULT_INIT;
    LOY__REQUIRE(result != NULL, LOY_EINVAL);
    *result = init;
    return LOY_OK;
}

static int
cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Clamped, sorted (descending) copy of the values and its total. */
static int
sorted_copy(double **out, double *total, uint64_t *n_clamped,
            const double *values, size_t n, size_t *err_index)
{
    size_t i;
    loy__ksum tot = {0.0, 0.0};
    double *s;
    for (i = 0; i < n; i++)
        if (!loy__finite(values[i])) {
            loy__set_index(err_index, i);
            return LOY_ENONFINITE;
        }
    LOY__REQUIRE(n >= 3, LOY_EDEGENERATE);
    s = malloc(n * sizeof *s);
    LOY__REQUIRE(s != NULL, LOY_ENOMEM);
    *n_clamped = 0;
    for (i = 0; i < n; i++) {
        s[i] = values[i] > 0.0 ? values[i] : 0.0;
        *n_clamped += values[i] < 0.0;
        loy__ksum_add(&tot, s[i]);
    }
    *total = loy__ksum_value(&tot);
    if (!(*total > 0.0 && *total <= DBL_MAX)) {
        /* finite values reach NaN or infinity only by overflow */
        free(s);
        return *total == 0.0 ? LOY_EEMPTY : LOY_EOVERFLOW;
    }
    qsort(s, n, sizeof *s, cmp_desc);
    *out = s;
    return LOY_OK;
}

/* First k (1-based) minimising (x_k - x0)^2 + (1 - y_k)^2. */
static size_t
nearest_to_ideal(const double *s, size_t n, double total, double x0)
{
    size_t k, best_k = 1;
    double best = HUGE_VAL;
    loy__ksum cum = {0.0, 0.0};
    for (k = 1; k <= n; k++) {
        double x = (double)k / (double)n, y, d;
        loy__ksum_add(&cum, s[k - 1]);
        y = loy__ksum_value(&cum) / total;
        d = (x - x0) * (x - x0) + (1.0 - y) * (1.0 - y);
        if (d < best) {
            best = d;
            best_k = k;
        }
    }
    return best_k;
}

/*
 * Largest k minimising |s_k/mean - 1|: where the curve's slope is 1. The
 * ratio is formed as n s_k/total: the mean of denormal values rounds to 0
 * (two values of 5e-324 among eight).
 */
static size_t
break_even(const double *s, size_t n, double total)
{
    double best = HUGE_VAL;
    size_t k, best_k = 1;
    for (k = 1; k <= n; k++) {
        double d = fabs(s[k - 1] / total * (double)n - 1.0);
        if (d <= best) {
            best = d;
            best_k = k;
        }
    }
    return best_k;
}

/*
 * Gini = 2 x trapezoidal area under the curve (from (0,0)) - 1, summed on
 * the yields y_k = cum_k/total, which stay in [0, 1]: the cumulative
 * values themselves add up to about n times the total and overflow for
 * totals near DBL_MAX ({DBL_MAX, 0, 0} gave NaN).
 */
static double
gini(const double *s, size_t n, double total)
{
    size_t k;
    loy__ksum cum = {0.0, 0.0}, area = {0.0, 0.0};
    for (k = 0; k < n; k++) {
        loy__ksum_add(&cum, s[k]);
        loy__ksum_add(&area, loy__ksum_value(&cum) / total);
    }
    /* sum of trapezoids (y_{k-1} + y_k)/2n = (sum_k y_k - y_n/2)/n */
    return 2.0 * (loy__ksum_value(&area)
                  - 0.5 * (loy__ksum_value(&cum) / total)) / (double)n
           - 1.0;
}

static void
points(loy_abc_computed_result *r, const double *s, size_t n, double total)
{
    size_t p = nearest_to_ideal(s, n, total, 0.0);
    size_t e = break_even(s, n, total);
    size_t ia = p < e ? p : e, ib = p < e ? e : p, ic;
    loy__ksum cum = {0.0, 0.0};
    size_t k;
    ic = nearest_to_ideal(s, n, total, (double)ib / (double)n);
    r->pareto_rank = p;
    r->breakeven_rank = e;
    r->submarginal_rank = ic;
    r->ab_exchanged = e < p;
    for (k = 1; k <= n; k++) {
        double x = (double)k / (double)n, y;
        loy__ksum_add(&cum, s[k - 1]);
        y = loy__ksum_value(&cum) / total;
        if (k == ia) {
            r->a_effort = x;
            r->a_yield = y;
        }
        if (k == ib) {
            r->b_effort = x;
            r->b_yield = y;
        }
        if (k == ic) {
            r->c_effort = x;
            r->c_yield = y;
        }
    }
    r->ab_limit = s[ia - 1];
    r->bc_limit = s[ic - 1];
}

static void
assign(uint8_t *classes, loy_abc_computed_result *r, const double *values,
       size_t n)
{
    loy__ksum sum[3] = {{0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0}};
    size_t i;
    int c;
    for (i = 0; i < n; i++) {
        double v = values[i] > 0.0 ? values[i] : 0.0;
        int cl = v > r->ab_limit ? LOY_ABC_A
                 : v >= r->bc_limit ? LOY_ABC_B : LOY_ABC_C;
        if (classes != NULL)
            classes[i] = (uint8_t)cl;
        r->count[cl]++;
        loy__ksum_add(&sum[cl], v);
    }
    for (c = 0; c < 3; c++) {
        r->value[c] = loy__ksum_value(&sum[c]);
        r->value_share[c] = r->value[c] / r->total_value;
    }
}

int
loy_abc_computed_classify(uint8_t *classes, loy_abc_computed_result *result,
                          const double *values, size_t n, uint32_t flags,
                          size_t *err_index)
{
    loy_abc_computed_result r = LOY_ABC_COMPUTED_RESULT_INIT;
    double *s = NULL, total = 0.0;
    uint64_t n_clamped = 0;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(result != NULL && (values != NULL || n == 0), LOY_EINVAL);
    LOY__REQUIRE(loy__struct_size_ok(result->struct_size,
                                     sizeof(loy_abc_computed_result)),
                 LOY_EINVAL);
    LOY__REQUIRE(flags == 0, LOY_EINVAL);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    LOY__TRY(sorted_copy(&s, &total, &n_clamped, values, n, err_index));
    r.n = (uint64_t)n;
    r.total_value = total;
    r.n_clamped = n_clamped;
    points(&r, s, n, total);
    r.gini = gini(s, n, total);
    free(s);
    assign(classes, &r, values, n);
    loy__struct_copy_out(result, &r, sizeof r);
    return LOY_OK;
}
