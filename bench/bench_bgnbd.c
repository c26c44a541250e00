/* SPDX-License-Identifier: MIT */
/*
 * bench_bgnbd.c - BG/NBD fit and predictions on seeded synthetic data
 * (continuous times, true parameters near CDNOW's), and the CDNOW fit,
 * each against bench/bgnbd_numpy.py (numpy + scipy.optimize with the same
 * likelihood and analytic gradient) run on the same data in the same run.
 *
 * Usage: bench_bgnbd [n_customers]   (default 1000000)
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "loyalty.h"

/* CPU time of this process: on the shared, loaded 2-core machine it
 * excludes the time spent waiting for a core, unlike the wall clock. */
static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double g_best_cpu;

static const double TRUTH[4] = {0.243, 4.414, 0.793, 2.426};

/* One customer: T uniform in [27, 39] weeks as CDNOW's cohort. */
static void
simulate(uint64_t *g, double *x, double *tx, double *T)
{
    double lam = bench_gamma(g, TRUTH[0]) / TRUTH[1];
    double ga = bench_gamma(g, TRUTH[2]), gb = bench_gamma(g, TRUTH[3]);
    double p = ga / (ga + gb), now = 0.0;
    *T = 27.0 + 12.0 * bench_uniform(g);
    *x = 0.0;
    *tx = 0.0;
    for (;;) {
        now += -log(bench_uniform(g)) / lam;
        if (now > *T)
            break;
        *x += 1.0;
        *tx = now;
        if (bench_uniform(g) < p)
            break;
    }
}

static double
best_fit(const double *x, const double *tx, const double *T, size_t n,
         uint32_t flags, int reps, double *p, loy_fit_report *rep)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double best = 1e30;
    int k;
    o.flags = flags;
    g_best_cpu = 1e30;
    for (k = 0; k < reps; k++) {
        double t0 = bench_now(), c0 = cpu_now();
        int rc = loy_bgnbd_fit(p, x, tx, T, NULL, n, &o, rep, NULL);
        double dt = bench_now() - t0, dc = cpu_now() - c0;
        if (rc != LOY_OK)
            printf("fit status %s\n", loy_error_name(rc));
        if (dt < best)
            best = dt;
        if (dc < g_best_cpu)
            g_best_cpu = dc;
    }
    printf("  (best CPU time %.4f s)\n", g_best_cpu);
    return best;
}

static int
load_cdnow(double **x, double **tx, double **T, size_t *n)
{
    char path[1024], line[256];
    FILE *f;
    snprintf(path, sizeof path,
             "%s/../../shared/data/cdnow/cdnow_customers_summary.csv",
             LOY_BENCH_DIR);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    *x = malloc(4096 * sizeof(double));
    *tx = malloc(4096 * sizeof(double));
    *T = malloc(4096 * sizeof(double));
    *n = 0;
    if (fgets(line, sizeof line, f) != NULL)
        while (*n < 4096 && fgets(line, sizeof line, f) != NULL) {
            double id;
            if (sscanf(line, "%lf,%lf,%lf,%lf", &id, &(*x)[*n], &(*tx)[*n],
                       &(*T)[*n]) == 4)
                (*n)++;
        }
    fclose(f);
    return *n > 0;
}

static void
bench_cdnow(void)
{
    double *x, *tx, *T, p[4], t, py;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    size_t n;
    char args[256];
    if (!load_cdnow(&x, &tx, &T, &n)) {
        printf("CDNOW data absent: skipped\n");
        return;
    }
    t = best_fit(x, tx, T, n, 0, 20, p, &rep);
    printf("CDNOW fit: r %.4f alpha %.4f a %.4f b %.4f LL %.4f (%u iter, "
           "%llu rows)\n",
           p[0], p[1], p[2], p[3], rep.loglik, rep.iterations,
           (unsigned long long)rep.n_rows);
    snprintf(args, sizeof args,
             "bgnbd_numpy.py cdnow %s/../../shared/data/cdnow/"
             "cdnow_customers_summary.csv",
             LOY_BENCH_DIR);
    py = bench_python(args);
    bench_report("CDNOW fit (2357 customers, with SEs)", t, (double)n,
                 "customers", py, "numpy/scipy BFGS");
    t = best_fit(x, tx, T, n, LOY_FIT_NO_SE, 20, p, &rep);
    bench_report("CDNOW fit (no SEs)", t, (double)n, "customers", py,
                 "numpy/scipy BFGS");
    free(x);
    free(tx);
    free(T);
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000u;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx);
    double *T = malloc(n * sizeof *T), *pa = malloc(n * sizeof *pa);
    double *cet = malloc(n * sizeof *cet), p[4], t, py, best, sx = 0.0;
    loy_fit_report rep = LOY_FIT_REPORT_INIT;
    char file[256], args[512];
    uint64_t g = 20261123u;
    size_t i;
    FILE *f;
    int k;
    for (i = 0; i < n; i++) {
        simulate(&g, &x[i], &tx[i], &T[i]);
        sx += x[i];
    }
    printf("synthetic BG/NBD: %zu customers, truth r %.3f alpha %.3f a %.3f "
           "b %.3f, mean x %.3f\n",
           n, TRUTH[0], TRUTH[1], TRUTH[2], TRUTH[3], sx / (double)n);
    /* the same data for the numpy baseline */
    snprintf(file, sizeof file, "/tmp/bench_bgnbd_%ld.bin", (long)getpid());
    f = fopen(file, "wb");
    if (f == NULL)
        return 1;
    fwrite(x, sizeof *x, n, f);
    fwrite(tx, sizeof *tx, n, f);
    fwrite(T, sizeof *T, n, f);
    fclose(f);

    t = best_fit(x, tx, T, n, 0, 3, p, &rep);
    printf("fit: r %.4f alpha %.4f a %.4f b %.4f LL %.3f, %u iter, %u eval, "
           "|g| %.1e, rows %llu, se %.4f %.4f %.4f %.4f\n",
           p[0], p[1], p[2], p[3], rep.loglik, rep.iterations,
           rep.evaluations, rep.grad_norm, (unsigned long long)rep.n_rows,
           rep.se[0], rep.se[1], rep.se[2], rep.se[3]);
    snprintf(args, sizeof args, "bgnbd_numpy.py fit %s %zu", file, n);
    py = bench_python(args);
    bench_report("fit 1M-style synthetic (with SEs)", t, (double)n,
                 "customers", py, "numpy/scipy BFGS");
    t = best_fit(x, tx, T, n, LOY_FIT_NO_SE, 3, p, &rep);
    bench_report("fit synthetic (no SEs)", t, (double)n, "customers", py,
                 "numpy/scipy BFGS");

    best = 1e30;
    g_best_cpu = 1e30;
    for (k = 0; k < 7; k++) {
        double t0 = bench_now(), c0 = cpu_now();
        if (loy_bgnbd_predict(pa, cet, p, x, tx, T, n, 39.0, NULL) != LOY_OK)
            printf("prediction failed\n");
        t0 = bench_now() - t0;
        c0 = cpu_now() - c0;
        if (t0 < best)
            best = t0;
        if (c0 < g_best_cpu)
            g_best_cpu = c0;
    }
    printf("  (best CPU time %.4f s)\n", g_best_cpu);
    sx = 0.0;
    for (i = 0; i < n; i++)
        sx += cet[i];
    printf("predictions: sum CET(39) %.2f\n", sx);
    snprintf(args, sizeof args, "bgnbd_numpy.py predict %s %zu %.17g %.17g "
             "%.17g %.17g", file, n, p[0], p[1], p[2], p[3]);
    py = bench_python(args);
    bench_report("P(alive) + CET(39) (loy_bgnbd_predict)", best, (double)n, "customers", py,
                 "numpy/scipy hyp2f1");
    remove(file);
    bench_cdnow();
    free(x);
    free(tx);
    free(T);
    free(pa);
    free(cet);
    return 0;
}
