/* SPDX-License-Identifier: MIT */
/*
 * fit.c - the options and report structs shared by every model fit.
 */
#include "core/internal.h"
#include "numeric/fitcore.h"

/*
 * The init functions of 1.0 take no size: a caller built against the 1.0
 * header passes a struct of the 1.0 size, so they write exactly the 1.0
 * layout (and struct_size = its size), which every caller's struct holds.
 * The fields appended since keep their defaults for the library; callers
 * that want them use the LOY_FIT_*_INIT macros (sizeof of their header).
 */
int
loy_fit_options_init(loy_fit_options *opts)
{
    static const loy_fit_options defaults = LOY_FIT_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    memcpy(opts, &defaults, LOY__FIT_OPTIONS_V1_SIZE);
    opts->struct_size = LOY__FIT_OPTIONS_V1_SIZE;
    return LOY_OK;
}

int
loy_fit_report_init(loy_fit_report *report)
{
    loy_fit_report r;
    size_t i;
    LOY__REQUIRE(report != NULL, LOY_EINVAL);
    memset(&r, 0, sizeof r);
    for (i = 0; i < LOY_FIT_MAX_PARAMS; i++)
        r.params[i] = r.se[i] = NAN;
    for (i = 0; i < LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS; i++)
        r.cov[i] = NAN;
    r.loglik = r.grad_norm = NAN;
    r.struct_size = LOY__FIT_REPORT_V1_SIZE;
    memcpy(report, &r, LOY__FIT_REPORT_V1_SIZE);
    return LOY_OK;
}
