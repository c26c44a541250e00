/* SPDX-License-Identifier: MIT */
/*
 * abc.c - ABC classification by fixed cut-offs (MODELS.md 7.1).
 *
 * Three passes over the values: validate and build the level-1 histogram,
 * find the two thresholds (abc_select.c; each reads the input once more
 * only when its threshold falls inside a histogram bucket), then label the
 * customers and total the classes.
 */
#include <float.h>
#include <stdlib.h>

#include "core/internal.h"
#include "segment/abc_internal.h"

#define ABC_FLAGS (LOY_ABC_BEFORE | LOY_ABC_COUNT | LOY_ABC_CLAMP_NEGATIVE)
/* |cum - cut*total| <= ABC_TOL*total counts as equality (MODELS 7.1). */
#define ABC_TOL 1e-12

int
loy_abc_summary_init(loy_abc_summary *summary)
{
    static const loy_abc_summary init = LOY_ABC_SUMMARY_INIT;
    LOY__REQUIRE(summary != NULL, LOY_EINVAL);
    *summary = init;
    return LOY_OK;
}

static int
check_args(const loy_abc_summary *summary, const double *values, size_t n,
           double cut_a, double cut_b, uint32_t flags)
{
    LOY__REQUIRE(values != NULL || n == 0, LOY_EINVAL);
    LOY__REQUIRE((flags & ~ABC_FLAGS) == 0, LOY_EINVAL);
    if (summary != NULL)
        LOY__REQUIRE(loy__struct_size_ok(summary->struct_size,
                                         sizeof(loy_abc_summary)),
                     LOY_EINVAL);
    LOY__REQUIRE(cut_a > 0.0 && cut_a < cut_b && cut_b < 1.0, LOY_EDOMAIN);
    LOY__REQUIRE(n > 0, LOY_EEMPTY);
    return LOY_OK;
}

/* Validate the values and histogram their keys; *total gets the sum. */
static int
build_histogram(loy__abc_hist *h, double *total, uint64_t *n_clamped,
                const double *values, size_t n, uint32_t flags,
                size_t *err_index)
{
    size_t i, d;
    loy__ksum tot = {0.0, 0.0};
    int clamp = (flags & LOY_ABC_CLAMP_NEGATIVE) != 0;
    *n_clamped = 0;
    for (i = 0; i < n; i++) {
        double v = values[i], s, t;
        int rc = loy__value_or_clamp(&v, clamp, n_clamped);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        d = (size_t)(loy__abc_key(v) >> LOY__ABC_TOP_SHIFT);
        h->count[d]++;
        /* Neumaier step inline: this loop is the hot one. */
        s = h->sum[d];
        t = s + v;
        h->comp[d] += s >= v ? (s - t) + v : (v - t) + s;
        h->sum[d] = t;
    }
    for (d = 0; d < LOY__ABC_TOP_BUCKETS; d++)
        if (h->count[d] != 0) {
            loy__ksum_add(&tot, h->sum[d]);
            loy__ksum_add(&tot, h->comp[d]);
        }
    *total = loy__ksum_value(&tot);
    return LOY_OK;
}

/* Per-class totals gathered while labelling. */
typedef struct class_acc {
    uint64_t count[3];
    double sum[3];
    double comp[3];
    uint64_t minkey[3];
} class_acc;

static void
label(uint8_t *classes, class_acc *acc, const double *values, size_t n,
      uint64_t ta, uint64_t tb)
{
    size_t i;
    int c;
    for (c = 0; c < 3; c++) {
        acc->count[c] = 0;
        acc->sum[c] = 0.0;
        acc->comp[c] = 0.0;
        acc->minkey[c] = LOY__ABC_KEY_INF;
    }
    for (i = 0; i < n; i++) {
        double v = values[i] < 0.0 ? 0.0 : values[i], s, t;
        uint64_t k = loy__abc_key(v);
        unsigned cl = (unsigned)(k < ta) + (unsigned)(k < tb);
        if (classes != NULL)
            classes[i] = (uint8_t)cl;
        acc->count[cl]++;
        s = acc->sum[cl];
        t = s + v;
        acc->comp[cl] += s >= v ? (s - t) + v : (v - t) + s;
        acc->sum[cl] = t;
        if (k < acc->minkey[cl])
            acc->minkey[cl] = k;
    }
}

static void
fill_summary(loy_abc_summary *out, const class_acc *acc, size_t n,
             double total, double cut_a, double cut_b, uint32_t flags,
             uint64_t n_clamped)
{
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    int c;
    s.n = (uint64_t)n;
    for (c = 0; c < 3; c++) {
        s.count[c] = acc->count[c];
        s.value[c] = acc->sum[c] + acc->comp[c];
        s.value_share[c] = s.value[c] / total;
        s.count_share[c] = (double)acc->count[c] / (double)n;
    }
    s.total_value = total;
    s.threshold_ab = acc->count[LOY_ABC_A]
                         ? loy__abc_value(acc->minkey[LOY_ABC_A]) : HUGE_VAL;
    s.threshold_bc = acc->count[LOY_ABC_B]
                         ? loy__abc_value(acc->minkey[LOY_ABC_B])
                         : s.threshold_ab;
    s.cut_a = cut_a;
    s.cut_b = cut_b;
    s.rule = (flags & LOY_ABC_BEFORE) ? LOY_ABC_RULE_BEFORE : LOY_ABC_RULE_AFTER;
    s.basis = (flags & LOY_ABC_COUNT) ? LOY_ABC_BASIS_COUNT : LOY_ABC_BASIS_VALUE;
    s.ties = LOY_ABC_TIES_RUN_FIRST;
    s.n_clamped = n_clamped;
    loy__struct_copy_out(out, &s, sizeof s);
}

static void
make_target(loy__abc_target *t, double cut, double total, uint32_t flags)
{
    double tol = ABC_TOL * total;
    t->before = (flags & LOY_ABC_BEFORE) != 0;
    t->count = (flags & LOY_ABC_COUNT) != 0;
    t->limit = t->before ? cut * total - tol : cut * total + tol;
}

static int
thresholds(uint64_t *ta, uint64_t *tb, const double *values, size_t n,
           const loy__abc_hist *h, double total, double cut_a, double cut_b,
           uint32_t flags)
{
    loy__abc_target t;
    double basis_total = (flags & LOY_ABC_COUNT) ? (double)n : total;
    make_target(&t, cut_a, basis_total, flags);
    LOY__TRY(loy__abc_select(ta, values, n, h, &t));
    make_target(&t, cut_b, basis_total, flags);
    return loy__abc_select(tb, values, n, h, &t);
}

/* Validation and total for small inputs (no histogram). */
static int
validate_small(double *total, uint64_t *n_clamped, const double *values,
               size_t n, uint32_t flags, size_t *err_index)
{
    size_t i;
    loy__ksum tot = {0.0, 0.0};
    int clamp = (flags & LOY_ABC_CLAMP_NEGATIVE) != 0;
    *n_clamped = 0;
    for (i = 0; i < n; i++) {
        double v = values[i];
        int rc = loy__value_or_clamp(&v, clamp, n_clamped);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        loy__ksum_add(&tot, v);
    }
    *total = loy__ksum_value(&tot);
    return LOY_OK;
}

static int
check_total(double total)
{
    /* finite values can only sum to NaN or infinity by overflow */
    LOY__REQUIRE(total <= DBL_MAX, LOY_EOVERFLOW);
    LOY__REQUIRE(total > 0.0, LOY_EEMPTY);
    return LOY_OK;
}

static int
thresholds_small(uint64_t *ta, uint64_t *tb, double *total,
                 uint64_t *n_clamped, const double *values, size_t n,
                 double cut_a, double cut_b, uint32_t flags,
                 size_t *err_index)
{
    loy__abc_target a, b;
    double basis_total;
    LOY__TRY(validate_small(total, n_clamped, values, n, flags, err_index));
    LOY__TRY(check_total(*total));
    basis_total = (flags & LOY_ABC_COUNT) ? (double)n : *total;
    make_target(&a, cut_a, basis_total, flags);
    make_target(&b, cut_b, basis_total, flags);
    return loy__abc_select_small(ta, tb, values, n, &a, &b);
}

static int
thresholds_large(uint64_t *ta, uint64_t *tb, double *total,
                 uint64_t *n_clamped, const double *values, size_t n,
                 double cut_a, double cut_b, uint32_t flags,
                 size_t *err_index)
{
    loy__abc_hist h;
    int rc;
    LOY__TRY(loy__abc_hist_alloc(&h));
    rc = build_histogram(&h, total, n_clamped, values, n, flags, err_index);
    if (rc == LOY_OK)
        rc = check_total(*total);
    if (rc == LOY_OK)
        rc = thresholds(ta, tb, values, n, &h, *total, cut_a, cut_b, flags);
    loy__abc_hist_free(&h);
    return rc;
}

int
loy_abc_classify(uint8_t *classes, loy_abc_summary *summary,
                 const double *values, size_t n, double cut_a, double cut_b,
                 uint32_t flags, size_t *err_index)
{
    class_acc acc;
    double total = 0.0;
    uint64_t n_clamped = 0, ta = 0, tb = 0;

    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__TRY(check_args(summary, values, n, cut_a, cut_b, flags));
    if (n <= LOY__ABC_SMALL_N)
        LOY__TRY(thresholds_small(&ta, &tb, &total, &n_clamped, values, n,
                                  cut_a, cut_b, flags, err_index));
    else
        LOY__TRY(thresholds_large(&ta, &tb, &total, &n_clamped, values, n,
                                  cut_a, cut_b, flags, err_index));
    label(classes, &acc, values, n, ta, tb);
    if (summary != NULL)
        fill_summary(summary, &acc, n, total, cut_a, cut_b, flags, n_clamped);
    return LOY_OK;
}
