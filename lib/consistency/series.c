/* SPDX-License-Identifier: MIT */
/*
 * series.c - checks shared by the functions that take strided tally
 * arrays (units, or units x periods) and a target of shares.
 */
#include "consistency/consistency_internal.h"

int
loy__tally_array_check(size_t *n_tallies, const uint64_t *counts,
                       size_t n_units, size_t n_periods, size_t stride)
{
    LOY__REQUIRE(counts != NULL, LOY_EINVAL);
    LOY__REQUIRE(stride >= 3, LOY_EINVAL);
    LOY__REQUIRE(n_units > 0 && n_periods > 0, LOY_EEMPTY);
    /* The array must be addressable: units * periods * stride elements of
     * 8 bytes without wrapping size_t. */
    LOY__REQUIRE(n_units <= SIZE_MAX / n_periods, LOY_EINVAL);
    LOY__REQUIRE(n_units * n_periods <= SIZE_MAX / 8 / stride, LOY_EINVAL);
    *n_tallies = n_units * n_periods;
    return LOY_OK;
}

int
loy__target_check(double p0, double d0)
{
    double theta;
    LOY__REQUIRE(loy__finite(p0) && loy__finite(d0), LOY_ENONFINITE);
    LOY__REQUIRE(p0 >= 0.0 && d0 >= 0.0 && p0 + d0 <= 1.0, LOY_EDOMAIN);
    theta = p0 - d0;
    LOY__REQUIRE(p0 + d0 - theta * theta > 0.0, LOY_EDOMAIN);
    return LOY_OK;
}
