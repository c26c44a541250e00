/* SPDX-License-Identifier: MIT */
/*
 * pattern_fit.c - lifetime-model fits from a pattern table.
 *
 * The table's rows, in ascending key order, go to each model's own
 * weighted fit: the optimiser, start points and standard errors are the
 * models' (nothing here knows their internals). Rows are already
 * distinct, so the fit is told not to look for repeats again unless the
 * caller insisted. Fixed row order makes the estimates independent of how
 * the table was assembled.
 */
#include <stdlib.h>

#include "core/internal.h"
#include "numeric/fitcore.h"

typedef int (*freq_fit_fn)(double *, const double *, const double *,
                           const double *, const double *, size_t,
                           const loy_fit_options *, loy_fit_report *,
                           size_t *);

/* The caller's options (or the defaults) with compression off, unless the
 * caller asked for it. Any size from the 1.0 layout on is accepted: the
 * fields a shorter struct lacks keep their defaults. */
static int
fit_options(loy_fit_options *o, const loy_fit_options *opts)
{
    loy_fit_options def = LOY_FIT_OPTIONS_INIT;
    *o = def;
    if (opts != NULL) {
        LOY__REQUIRE(loy__struct_size_ok(opts->struct_size,
                                         LOY__FIT_OPTIONS_V1_SIZE),
                     LOY_EINVAL);
        loy__struct_copy_in(o, opts, sizeof def);
    }
    if (!(o->flags & LOY_FIT_COMPRESS))
        o->flags |= LOY_FIT_NO_COMPRESS;
    return LOY_OK;
}

static int
fit_freq(freq_fit_fn fit, double *params_out, const loy_patterns *p,
         const loy_fit_options *opts, loy_fit_report *report)
{
    loy_patterns_info info = {sizeof info, 0u, 0u, 0u, 0.0, 0.0, 0.0, 0u};
    loy_fit_options o;
    double *col;
    size_t n;
    int rc;
    LOY__REQUIRE(params_out != NULL && p != NULL, LOY_EINVAL);
    LOY__TRY(fit_options(&o, opts));
    LOY__TRY(loy_patterns_get_info(&info, p));
    LOY__REQUIRE(info.n_patterns > 0, LOY_EEMPTY);
    n = (size_t)info.n_patterns;
    col = malloc(4 * n * sizeof *col);
    LOY__REQUIRE(col != NULL, LOY_ENOMEM);
    rc = loy_patterns_rows(col, col + n, col + 2 * n, col + 3 * n, n, p);
    if (rc == LOY_OK)
        rc = fit(params_out, col, col + n, col + 2 * n, col + 3 * n, n, &o,
                 report, NULL);
    free(col);
    return rc;
}

int
loy_bgnbd_fit_patterns(double params_out[4], const loy_patterns *p,
                       const loy_fit_options *opts, loy_fit_report *report)
{
    return fit_freq(loy_bgnbd_fit, params_out, p, opts, report);
}

int
loy_mbgnbd_fit_patterns(double params_out[4], const loy_patterns *p,
                        const loy_fit_options *opts, loy_fit_report *report)
{
    return fit_freq(loy_mbgnbd_fit, params_out, p, opts, report);
}

int
loy_pnbd_fit_patterns(double params_out[4], const loy_patterns *p,
                      const loy_fit_options *opts, loy_fit_report *report)
{
    return fit_freq(loy_pnbd_fit, params_out, p, opts, report);
}

int
loy_ggamma_fit_patterns(double params_out[3], const loy_patterns *p,
                        const loy_fit_options *opts, loy_fit_report *report)
{
    loy_patterns_info info = {sizeof info, 0u, 0u, 0u, 0.0, 0.0, 0.0, 0u};
    loy_fit_options o;
    double *col;
    size_t n;
    int rc;
    LOY__REQUIRE(params_out != NULL && p != NULL, LOY_EINVAL);
    LOY__TRY(fit_options(&o, opts));
    LOY__TRY(loy_patterns_get_info(&info, p));
    LOY__REQUIRE(info.flags & LOY_PATTERNS_MONETARY, LOY_EINVAL);
    LOY__REQUIRE(info.n_spend_patterns > 0, LOY_EEMPTY);
    n = (size_t)info.n_spend_patterns;
    col = malloc(3 * n * sizeof *col);
    LOY__REQUIRE(col != NULL, LOY_ENOMEM);
    rc = loy_patterns_spend_rows(col, col + n, col + 2 * n, n, p);
    if (rc == LOY_OK)
        rc = loy_ggamma_fit(params_out, col, col + n, col + 2 * n, n, &o,
                            report, NULL);
    free(col);
    return rc;
}
