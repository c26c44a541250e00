/* SPDX-License-Identifier: MIT */
/*
 * change.c - period-over-period NPS change for every unit and period: the
 * two-sample comparison of loy_nps_compare() (MODELS.md 1.6) applied to
 * period t against period t - lag of the same unit.
 *
 * A checking pass over the counts runs first, so nothing is written when
 * a count overflows; the method, level and options are checked once by
 * the comparison itself on a harmless pair of tallies.
 */
#include "consistency/consistency_internal.h"

static int
overflow_scan(const uint64_t *counts, size_t n, size_t stride,
              size_t *err_index)
{
    size_t i;
    for (i = 0; i < n; i++) {
        loy__tri t;
        if (loy__tri_read(&t, counts, stride, i) != LOY_OK) {
            loy__set_index(err_index, i);
            return LOY_EOVERFLOW;
        }
    }
    return LOY_OK;
}

static void
as_tally(loy_nps_tally *t, const uint64_t *counts, size_t stride, size_t i)
{
    const uint64_t *c = counts + i * stride;
    t->struct_size = sizeof *t;
    t->detractors = c[0];
    t->passives = c[1];
    t->promoters = c[2];
    t->rejected = 0;
}

/* One comparison: period i against period j (both with answers). */
static void
compare_one(const loy_change_points *out, size_t i, const uint64_t *counts,
            size_t stride, size_t j, uint32_t method, double level,
            const loy_nps_options *opts)
{
    loy_nps_tally a, b;
    loy_nps_diff d;
    int rc;
    as_tally(&a, counts, stride, i);
    as_tally(&b, counts, stride, j);
    d.struct_size = sizeof d;
    rc = loy_nps_compare(&d, &a, &b, method, level, opts);
    LOY__PUT(out->diff, i, d.diff);
    LOY__PUT(out->se, i, d.se);
    LOY__PUT(out->flags, i, d.flags);
    if (rc != LOY_OK)
        return; /* LOY_EDEGENERATE: no test, no interval */
    LOY__PUT(out->z, i, d.z_stat);
    LOY__PUT(out->p_value, i, d.p_value);
    LOY__PUT(out->lower, i, d.lower);
    LOY__PUT(out->upper, i, d.upper);
}

int
loy_change_compute(const loy_change_points *out, const uint64_t *counts,
                   size_t n_units, size_t n_periods, size_t stride,
                   size_t lag, uint32_t method, double level,
                   const loy_nps_options *opts, size_t *err_index)
{
    static const uint64_t probe[3] = {1, 1, 1};
    loy_nps_tally pa;
    loy_nps_diff pd;
    size_t n, u, t;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof *out), LOY_EINVAL);
    LOY__REQUIRE(lag >= 1, LOY_EINVAL);
    LOY__TRY(loy__tally_array_check(&n, counts, n_units, n_periods, stride));
    as_tally(&pa, probe, 3, 0);
    pd.struct_size = sizeof pd;
    LOY__TRY(loy_nps_compare(&pd, &pa, &pa, method, level, opts));
    LOY__TRY(overflow_scan(counts, n, stride, err_index));
    for (u = 0; u < n_units; u++) {
        for (t = 0; t < n_periods; t++) {
            size_t i = u * n_periods + t;
            const uint64_t *c = counts + i * stride;
            /* (sums cannot overflow: the scan checked every tally) */
            if (t < lag || c[0] + c[1] + c[2] == 0
                || c[-(ptrdiff_t)(lag * stride)]
                           + c[1 - (ptrdiff_t)(lag * stride)]
                           + c[2 - (ptrdiff_t)(lag * stride)]
                       == 0) {
                LOY__PUT(out->flags, i, LOY_CHANGE_NONE);
                continue;
            }
            compare_one(out, i, counts, stride, i - lag, method, level, opts);
        }
    }
    return LOY_OK;
}
