/* SPDX-License-Identifier: MIT */
/*
 * fuzz_bgbb.c - BG/BB likelihood, predictions and fit, and the sBG
 * functions, on arbitrary parameters and histories: known status, finite
 * values (probabilities in [0, 1], ln L <= 0) with LOY_OK, untouched
 * outputs on input errors.
 */
#include "fuzz_models.h"

#define NMAX 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
bgbb_calls(fz *f, const double *p, const double *x, const double *tx,
           const double *n, size_t k)
{
    double out[NMAX], one, m = fz_count(f, 40.0), d = fz_double(f);
    size_t i;
    int rc;
    fz_fill(&one, 1);
    rc = loy_bgbb_loglik(&one, p, x, tx, n, NULL, k, NULL);
    fz_check(rc, &one, 1);
    if (rc == LOY_OK && one > 0.0)
        abort(); /* a probability */
    fz_fill(out, k);
    rc = loy_bgbb_palive(out, p, x, tx, n, k, m, NULL);
    fz_check(rc, out, k);
    for (i = 0; rc == LOY_OK && i < k; i++)
        if (!(out[i] >= 0.0 && out[i] <= 1.0))
            abort();
    fz_fill(out, k);
    rc = loy_bgbb_expected(out, p, x, tx, n, k, m, NULL);
    fz_check(rc, out, k);
    for (i = 0; rc == LOY_OK && i < k; i++)
        if (!(out[i] >= 0.0 && out[i] <= m))
            abort();
    fz_fill(out, k);
    rc = loy_bgbb_expected_new(out, p, n, k, NULL);
    fz_check(rc, out, k);
    fz_fill(out, k);
    rc = loy_bgbb_pmf(out, p, n, x, k, NULL);
    fz_check(rc, out, k);
    for (i = 0; rc == LOY_OK && i < k; i++)
        if (!(out[i] >= 0.0 && out[i] <= 1.0))
            abort();
    fz_fill(out, k);
    rc = loy_bgbb_dert(out, p, x, tx, n, k, d, NULL);
    if (rc != LOY_ENOCONV) /* ENOCONV documents partial sums */
        fz_check(rc, out, k);
}

static void
sbg_calls(fz *f, const double *p)
{
    double s[NMAX], out[NMAX], one, d = fz_double(f);
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double est[2];
    size_t len = 1 + fz_byte(f) % NMAX, i;
    int rc;
    for (i = 0; i < len; i++)
        s[i] = i == 0 ? fz_double(f) : s[i - 1] * (fz_byte(f) / 255.0);
    fz_fill(out, len);
    rc = loy_sbg_survival(out, len, p);
    fz_check(rc, out, len);
    fz_fill(out, len);
    rc = loy_sbg_churn_pmf(out, len, p);
    fz_check(rc, out, len);
    fz_fill(&one, 1);
    rc = loy_sbg_del(&one, p, d);
    if (rc != LOY_ENOCONV)
        fz_check(rc, &one, 1);
    fz_fill(&one, 1);
    rc = loy_sbg_derl(&one, p, d, 1u + fz_byte(f));
    if (rc != LOY_ENOCONV)
        fz_check(rc, &one, 1);
    fz_fill(&one, 1);
    rc = loy_sbg_loglik_cohort(&one, p, s, len, NULL);
    fz_check(rc, &one, 1);
    o.max_evals = 300;
    fz_fill(est, 2);
    rc = loy_sbg_fit_cohort(est, s, len, &o, &rep, NULL);
    if (!fz_known_status(rc))
        abort();
    if (rc == LOY_OK && !(est[0] > 0.0 && est[1] > 0.0 && isfinite(est[0])
                          && isfinite(est[1]) && isfinite(rep.loglik)))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    double p[4], x[NMAX], tx[NMAX], n[NMAX], est[4];
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t k = 1 + fz_byte(&f) % NMAX, i;
    int rc;
    for (i = 0; i < 4; i++)
        p[i] = fz_double(&f);
    for (i = 0; i < k; i++) {
        n[i] = fz_count(&f, 3000.0);
        x[i] = fmod(fz_count(&f, 3000.0), n[i] + 1.0);
        tx[i] = x[i] == 0.0 ? 0.0 : x[i] + fmod(fz_byte(&f), n[i] - x[i] + 1.0);
        if (fz_byte(&f) < 20)
            tx[i] = fz_double(&f);
    }
    bgbb_calls(&f, p, x, tx, n, k);
    sbg_calls(&f, p);
    if (fz_byte(&f) < 64) {
        o.max_evals = 300;
        fz_fill(est, 4);
        rc = loy_bgbb_fit(est, x, tx, n, NULL, k, &o, &rep, NULL);
        if (!fz_known_status(rc))
            abort();
        for (i = 0; rc == LOY_OK && i < 4; i++)
            if (!(est[i] > 0.0 && isfinite(est[i])))
                abort();
        if (rc == LOY_OK && !(isfinite(rep.loglik) && rep.loglik <= 0.0))
            abort();
    }
    return 0;
}
