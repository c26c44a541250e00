/* SPDX-License-Identifier: MIT */
/*
 * bench_limits.c - fits on a log whose customers sit at a limit of the
 * model families: every customer buys as a homogeneous Poisson process and
 * nobody drops out (issue 20). The log is built row by row (first purchase
 * day uniform over a year, then Poisson purchases at one rate until the
 * end of the second year; about 3M rows for 300k customers), summarised
 * by the purchase-log summary in weeks, and fitted by BG/NBD, Pareto/NBD
 * and MBG/NBD. Prints each fit's time and verdict (the limit found and its
 * reduced parameters against the true rate), and the same BG/NBD fit by
 * bench/bgnbd_numpy.py (numpy + scipy BFGS on the same likelihood, no
 * limit handling) in the same run.
 *
 * Usage: bench_limits [n_customers]   (default 300000)
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "loyalty.h"

#define DAYS 730
#define RATE_PER_DAY 0.0175 /* true lambda: 0.1225 purchases a week */

static size_t
build_log(size_t n, uint64_t **id, int64_t **day)
{
    uint64_t g = 20;
    size_t cap = n * 14 + 64, rows = 0, c;
    *id = malloc(cap * sizeof **id);
    *day = malloc(cap * sizeof **day);
    if (*id == NULL || *day == NULL)
        return 0;
    for (c = 0; c < n; c++) {
        double t = floor(365.0 * bench_uniform(&g));
        for (;;) {
            if (rows == cap) {
                cap *= 2;
                *id = realloc(*id, cap * sizeof **id);
                *day = realloc(*day, cap * sizeof **day);
                if (*id == NULL || *day == NULL)
                    return 0;
            }
            (*id)[rows] = (uint64_t)c + 1;
            (*day)[rows] = (int64_t)t;
            rows++;
            t += -log(bench_uniform(&g)) / RATE_PER_DAY;
            if (t >= DAYS)
                break;
        }
    }
    return rows;
}

typedef int (*fit_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t,
                      const loy_fit_options *, loy_fit_report *, size_t *);

static void
run_fit(const char *name, fit_fn fit, const double *x, const double *tx,
        const double *T, size_t n, double *secs)
{
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    double p[4], t0 = bench_now(), dt;
    uint32_t j;
    int rc = fit(p, x, tx, T, NULL, n, NULL, &rep, NULL);
    dt = bench_now() - t0;
    *secs = dt;
    printf("%-11s %7.2f s  status %s, %u evaluations, loglik %.6f\n", name,
           dt, loy_error_name(rc), rep.evaluations, rep.loglik);
    printf("            params %.6g %.6g %.6g %.6g, flags 0x%x, limit 0x%x",
           p[0], p[1], p[2], p[3], rep.flags, rep.limit);
    for (j = 0; j < rep.n_reduced; j++)
        printf(j == 0 ? ", reduced %.6g (se %.2g)" : ", %.6g (se %.2g)",
               rep.reduced[j], rep.reduced_se[j]);
    printf("\n");
    fflush(stdout);
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 300000, rows;
    uint64_t *id;
    int64_t *day;
    loy_rfm_summary *s = NULL;
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    const double *x, *tx, *T;
    double t0, dt, bg = 0, pn = 0, mb = 0, py;
    char file[64], args[160];
    FILE *f;
    size_t m;
    rows = build_log(n, &id, &day);
    if (rows == 0)
        return 1;
    o.freq_multiplier = 7.0; /* days -> weeks */
    t0 = bench_now();
    if (loy_rfm_summarize(&s, id, day, NULL, rows, DAYS, &o, NULL) != LOY_OK)
        return 1;
    dt = bench_now() - t0;
    m = loy_rfm_summary_count(s);
    loy_rfm_summary_column(&x, s, LOY_RFM_COL_X);
    loy_rfm_summary_column(&tx, s, LOY_RFM_COL_T_X);
    loy_rfm_summary_column(&T, s, LOY_RFM_COL_T);
    printf("log: %zu rows, %zu customers (Poisson, no dropout, true lambda "
           "%.4f a week); summary %.2f s\n", rows, m, RATE_PER_DAY * 7.0, dt);
    printf("(machine shared with other jobs: wall-clock figures are noisy)\n");
    fflush(stdout);
    run_fit("BG/NBD", loy_bgnbd_fit, x, tx, T, m, &bg);
    run_fit("Pareto/NBD", loy_pnbd_fit, x, tx, T, m, &pn);
    run_fit("MBG/NBD", loy_mbgnbd_fit, x, tx, T, m, &mb);
    snprintf(file, sizeof file, "/tmp/bench_limits_%d.bin", (int)getpid());
    f = fopen(file, "wb");
    if (f != NULL) {
        fwrite(x, sizeof *x, m, f);
        fwrite(tx, sizeof *tx, m, f);
        fwrite(T, sizeof *T, m, f);
        fclose(f);
        snprintf(args, sizeof args, "bgnbd_numpy.py fit %s %zu", file, m);
        py = bench_python(args);
        if (py > 0)
            bench_report("BG/NBD fit vs numpy/scipy BFGS", bg, (double)m,
                         "customers", py, "scipy");
        unlink(file);
    }
    loy_rfm_summary_free(s);
    free(id);
    free(day);
    return 0;
}
