/* SPDX-License-Identifier: MIT */
/*
 * fuzz_spend.c - the Gamma-Gamma spend model (likelihood, fit, expected
 * spend, population mean, correlation): known status, finite values with
 * LOY_OK, outputs untouched on any error of the spend functions (they
 * validate every row before writing).
 */
#include "fuzz_models.h"

#define NMAX 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    double p[3], x[NMAX], m[NMAX], out[NMAX], one, est[3];
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t n = 1 + fz_byte(&f) % NMAX, i;
    int rc;
    for (i = 0; i < 3; i++)
        p[i] = fz_double(&f);
    for (i = 0; i < n; i++) {
        x[i] = fz_count(&f, 50.0);
        m[i] = fz_double(&f);
    }
    fz_fill(&one, 1);
    rc = loy_ggamma_loglik(&one, p, x, m, NULL, n, NULL);
    fz_check(rc, &one, 1);
    fz_fill(out, n);
    rc = loy_ggamma_expected_spend(out, p, x, m, n, NULL);
    fz_check(rc, out, n);
    if (rc != LOY_OK)
        for (i = 0; i < n; i++)
            if (out[i] != FZ_SENTINEL)
                abort(); /* validated first: nothing half-written */
    fz_fill(&one, 1);
    rc = loy_ggamma_population_mean(&one, p);
    fz_check(rc, &one, 1);
    if (rc != LOY_OK && one != FZ_SENTINEL)
        abort();
    fz_fill(&one, 1);
    rc = loy_ggamma_correlation(&one, x, m, n, NULL);
    fz_check(rc, &one, 1);
    if (fz_byte(&f) < 96) {
        o.max_evals = 300;
        fz_fill(est, 3);
        rc = loy_ggamma_fit(est, x, m, NULL, n, &o, &rep, NULL);
        if (!fz_known_status(rc))
            abort();
        for (i = 0; rc == LOY_OK && i < 3; i++)
            if (!(est[i] > 0.0 && isfinite(est[i])))
                abort();
        if (rc == LOY_OK && !isfinite(rep.loglik))
            abort();
        if (fz_input_error(rc))
            for (i = 0; i < 3; i++)
                if (est[i] != FZ_SENTINEL)
                    abort();
    }
    return 0;
}
