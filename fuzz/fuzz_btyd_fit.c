/* SPDX-License-Identifier: MIT */
/*
 * fuzz_btyd_fit.c - BG/NBD, MBG/NBD and Pareto/NBD fits on a few
 * arbitrary customers, with arbitrary options: a known status; with
 * LOY_OK finite positive estimates, a finite log-likelihood and a report
 * that agrees; with LOY_ENOCONV the last point still written; on an input
 * error nothing written.
 */
#include "fuzz_models.h"

#define NMAX 6

typedef int (*fit_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t,
                      const loy_fit_options *, loy_fit_report *, size_t *);

static const fit_fn FITS[3] = {loy_bgnbd_fit, loy_mbgnbd_fit, loy_pnbd_fit};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    fit_fn fit = FITS[fz_byte(&f) % 3];
    double x[NMAX], tx[NMAX], T[NMAX], w[NMAX], p[4], start[4];
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t n = 1 + fz_byte(&f) % NMAX, i;
    uint8_t how = fz_byte(&f);
    int rc;
    for (i = 0; i < n; i++) {
        x[i] = fz_count(&f, 60.0);
        T[i] = fz_double(&f);
        tx[i] = x[i] == 0.0 ? 0.0 : T[i] * (fz_byte(&f) / 255.0);
        w[i] = fz_byte(&f) < 230 ? 1.0 : fz_double(&f);
    }
    o.flags = how & 0x0fu;
    if (how & 0x10u) {
        for (i = 0; i < 4; i++)
            start[i] = fz_double(&f);
        o.start = start;
    }
    if (how & 0x20u)
        o.penalty = fz_double(&f);
    o.max_evals = 400; /* keep one execution short */
    o.max_iter = 200;
    fz_fill(p, 4);
    rc = fit(p, x, tx, T, (how & 0x40u) ? w : NULL, n, &o, &rep, NULL);
    if (!fz_known_status(rc))
        abort();
    if (rc == LOY_OK) {
        for (i = 0; i < 4; i++)
            if (!(p[i] > 0.0 && isfinite(p[i])) || p[i] != rep.params[i])
                abort();
        if (!isfinite(rep.loglik) || rep.status != LOY_OK)
            abort();
        if ((rep.flags & LOY_FIT_REPORT_LIMIT) && rep.limit == 0)
            abort();
        for (i = 0; i < rep.n_reduced; i++)
            if (!isfinite(rep.reduced[i]))
                abort();
    } else if (rc == LOY_ENOCONV) {
        for (i = 0; i < 4; i++)
            if (p[i] == FZ_SENTINEL)
                abort();
    } else if (fz_input_error(rc)) {
        for (i = 0; i < 4; i++)
            if (p[i] != FZ_SENTINEL)
                abort();
    }
    return 0;
}
