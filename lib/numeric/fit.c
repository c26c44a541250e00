/* SPDX-License-Identifier: MIT */
/*
 * fit.c - the options and report structs shared by every model fit.
 */
#include "core/internal.h"

int
loy_fit_options_init(loy_fit_options *opts)
{
    static const loy_fit_options defaults = LOY_FIT_OPTIONS_INIT;
    LOY__REQUIRE(opts != NULL, LOY_EINVAL);
    *opts = defaults;
    return LOY_OK;
}

int
loy_fit_report_init(loy_fit_report *report)
{
    size_t i;
    LOY__REQUIRE(report != NULL, LOY_EINVAL);
    memset(report, 0, sizeof *report);
    report->struct_size = sizeof *report;
    for (i = 0; i < LOY_FIT_MAX_PARAMS; i++)
        report->params[i] = report->se[i] = NAN;
    for (i = 0; i < LOY_FIT_MAX_PARAMS * LOY_FIT_MAX_PARAMS; i++)
        report->cov[i] = NAN;
    report->loglik = report->grad_norm = NAN;
    return LOY_OK;
}
