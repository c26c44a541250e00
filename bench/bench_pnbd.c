/* SPDX-License-Identifier: MIT */
/*
 * bench_pnbd.c - Pareto/NBD (and MBG/NBD) likelihood and fit speed.
 *
 * Data: the CDNOW summary when ../shared/data is present, and 1,000,000
 * seeded synthetic Pareto/NBD customers (continuous purchase times, T
 * uniform in 27..39 weeks like CDNOW's cohorts, true parameters those of
 * CDNOW). Baseline: bench/pnbd_numpy.py, the same stable likelihood in
 * numpy/scipy.special and a scipy.optimize fit, run on the same data in the
 * same run. Targets (issue 5): CDNOW fit < 20 ms, 1M fit < 3 s.
 * Usage: bench_pnbd [--scipy-1m]  (the scipy fit of 1M rows takes minutes)
 */
#include "benchutil.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "loyalty.h"

typedef struct rows {
    double *x, *tx, *T;
    size_t n;
} rows;

static int
rows_alloc(rows *r, size_t n)
{
    r->n = n;
    r->x = malloc(n * sizeof(double));
    r->tx = malloc(n * sizeof(double));
    r->T = malloc(n * sizeof(double));
    return r->x != NULL && r->tx != NULL && r->T != NULL;
}

static void
rows_free(rows *r)
{
    free(r->x);
    free(r->tx);
    free(r->T);
}

static int
simulate(rows *r, size_t n, const double p[4], uint64_t seed)
{
    size_t i;
    if (!rows_alloc(r, n))
        return 0;
    for (i = 0; i < n; i++) {
        double lam = bench_gamma(&seed, p[0]) / p[1];
        double mu = bench_gamma(&seed, p[2]) / p[3];
        double end = -log(bench_uniform(&seed)) / mu, t = 0.0;
        r->T[i] = 27.0 + 12.0 * bench_uniform(&seed);
        if (end > r->T[i])
            end = r->T[i];
        r->x[i] = r->tx[i] = 0.0;
        for (;;) {
            t += -log(bench_uniform(&seed)) / lam;
            if (t > end)
                break;
            r->x[i] += 1.0;
            r->tx[i] = t;
        }
    }
    return 1;
}

static int
load_cdnow(rows *r)
{
    char line[256];
    FILE *f = fopen(LOY_BENCH_DIR "/../../shared/data/cdnow/"
                                  "cdnow_customers_summary.csv", "r");
    if (f == NULL || !rows_alloc(r, 4096)) {
        if (f != NULL)
            fclose(f);
        return 0;
    }
    r->n = 0;
    if (fgets(line, sizeof line, f) != NULL)
        while (r->n < 4096 && fgets(line, sizeof line, f) != NULL) {
            double id;
            if (sscanf(line, "%lf,%lf,%lf,%lf", &id, &r->x[r->n],
                       &r->tx[r->n], &r->T[r->n]) == 4)
                r->n++;
        }
    fclose(f);
    return r->n > 0;
}

/* Hand the rows to the numpy script: n, x, t_x, T as float64. */
static int
dump(const rows *r, char *path)
{
    double n = (double)r->n;
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok;
    if (f == NULL)
        return 0;
    ok = fwrite(&n, sizeof n, 1, f) == 1
         && fwrite(r->x, sizeof(double), r->n, f) == r->n
         && fwrite(r->tx, sizeof(double), r->n, f) == r->n
         && fwrite(r->T, sizeof(double), r->n, f) == r->n;
    return fclose(f) == 0 && ok;
}

static double
py(const char *mode, const char *path, int rep)
{
    char args[512];
    snprintf(args, sizeof args, "pnbd_numpy.py %s %s %d", mode, path, rep);
    return bench_python(args);
}

static const double TRUTH[4] = {0.553, 10.578, 0.606, 11.669};

static double
time_loglik(const rows *r, int rep, double *ll)
{
    double best = 1e300;
    int k;
    for (k = 0; k < rep; k++) {
        double t0 = bench_now();
        if (loy_pnbd_loglik(ll, TRUTH, r->x, r->tx, r->T, NULL, r->n, NULL)
            != LOY_OK)
            return -1.0;
        t0 = bench_now() - t0;
        best = t0 < best ? t0 : best;
    }
    return best;
}

/* CPU time of this process: less sensitive than wall time to other
   processes on a shared machine (printed beside the wall time). */
static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double
time_fit(const rows *r, int rep, int mbg, loy_fit_report *rp, double *cpu)
{
    double best = 1e300, best_cpu = 1e300, est[4];
    int k, rc;
    for (k = 0; k < rep; k++) {
        double c0 = cpu_now(), t0 = bench_now();
        loy_fit_report_init(rp);
        rc = mbg ? loy_mbgnbd_fit(est, r->x, r->tx, r->T, NULL, r->n, NULL,
                                  rp, NULL)
                 : loy_pnbd_fit(est, r->x, r->tx, r->T, NULL, r->n, NULL, rp,
                                NULL);
        t0 = bench_now() - t0;
        c0 = cpu_now() - c0;
        if (rc != LOY_OK)
            printf("  (fit returned %s)\n", loy_error_name(rc));
        best = t0 < best ? t0 : best;
        best_cpu = c0 < best_cpu ? c0 : best_cpu;
    }
    *cpu = best_cpu;
    return best;
}

static void
print_fit(const char *what, const loy_fit_report *rp, double cpu)
{
    printf("  %s: params %.4f %.4f %.4f %.4f  LL %.4f  iter %u  evals %u  "
           "rows %llu\n",
           what, rp->params[0], rp->params[1], rp->params[2], rp->params[3],
           rp->loglik, rp->iterations, rp->evaluations,
           (unsigned long long)rp->n_rows);
    printf("  best CPU time of this process: %.4f s\n", cpu);
}

static void
bench_set(const char *name, const rows *r, int rep_c, int rep_py,
          int py_fit)
{
    char path[] = "/tmp/bench_pnbd_XXXXXX", what[128];
    loy_fit_report rp;
    double ll, tl, tf, pl = -1.0, pf = -1.0, cpu;
    int have = dump(r, path);
    tl = time_loglik(r, rep_c, &ll);
    if (have)
        pl = py("ll", path, rep_py);
    snprintf(what, sizeof what, "pnbd loglik, %s (%zu rows)", name, r->n);
    bench_report(what, tl, (double)r->n, "rows", pl, "numpy/scipy");
    printf("  LL at the CDNOW estimate: %.4f\n", ll);
    tf = time_fit(r, rep_c, 0, &rp, &cpu);
    if (have && py_fit)
        pf = py("fit", path, 1);
    snprintf(what, sizeof what, "pnbd fit + SE, %s", name);
    bench_report(what, tf, (double)r->n, "rows", pf, "scipy L-BFGS-B fit");
    print_fit("pnbd", &rp, cpu);
    tf = time_fit(r, rep_c, 1, &rp, &cpu);
    snprintf(what, sizeof what, "mbgnbd fit + SE, %s", name);
    bench_report(what, tf, (double)r->n, "rows", 0.0, "");
    print_fit("mbgnbd", &rp, cpu);
    if (have)
        unlink(path);
}

int
main(int argc, char **argv)
{
    rows cd, syn;
    /* the scipy fit of 1M rows takes minutes: only on request */
    int scipy_1m = argc > 1 && strcmp(argv[1], "--scipy-1m") == 0;
    printf("bench_pnbd: best of several runs; numpy/scipy baseline run in "
           "the same process tree\n");
    if (load_cdnow(&cd)) {
        bench_set("CDNOW", &cd, 20, 5, 1);
        rows_free(&cd);
    } else {
        printf("CDNOW data absent: skipped\n");
    }
    if (!simulate(&syn, 1000000, TRUTH, 20240605u))
        return 1;
    bench_set("synthetic 1M", &syn, 3, 2, scipy_1m);
    if (!scipy_1m)
        printf("(scipy fit of the 1M rows skipped: run with --scipy-1m)\n");
    rows_free(&syn);
    return 0;
}
