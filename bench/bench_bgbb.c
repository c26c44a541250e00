/* SPDX-License-Identifier: MIT */
/*
 * bench_bgbb.c - BG/BB likelihood and fit on the donations patterns (22
 * patterns, 11,104 donors) and the sBG cohort fit, against a numpy/scipy
 * implementation of the same likelihood (bench/bgbb_numpy.py) run in the
 * same process tree; P(alive) + CET(5) of 1M donors drawn from the
 * donations patterns (in proportion to their counts) against numpy (the
 * lifetimes package's formulas). Best of several repetitions.
 */
#include "benchutil.h"

#include "loyalty.h"

#define DONATIONS LOY_BENCH_DIR "/../../shared/data/donations/donations.csv"

static double X[64], TX[64], N[64], W[64];

static size_t
load(void)
{
    char buf[256];
    size_t k = 0;
    FILE *f = fopen(DONATIONS, "r");
    if (f == NULL)
        return 0;
    if (fgets(buf, sizeof buf, f) == NULL) {
        fclose(f);
        return 0;
    }
    while (k < 64 && fscanf(f, "%lf,%lf,%lf,%lf", &X[k], &TX[k], &N[k],
                            &W[k]) == 4)
        k++;
    fclose(f);
    return k;
}

/* Best-of time of `inner` log-likelihood evaluations, per evaluation. */
static double
time_loglik(size_t k, int inner, double *ll)
{
    static const double p[4] = {1.204, 0.750, 0.657, 2.783};
    double best = 1e30;
    int rep, i;
    for (rep = 0; rep < 7; rep++) {
        double t0 = bench_now(), t;
        for (i = 0; i < inner; i++)
            loy_bgbb_loglik(ll, p, X, TX, N, W, k, NULL);
        t = (bench_now() - t0) / inner;
        if (t < best)
            best = t;
    }
    return best;
}

/* Best-of time of one fit (inner fits per timing). */
static double
time_fit(size_t k, uint32_t flags, double *p, loy_fit_report *r)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    double best = 1e30;
    int rep, i, inner = 50;
    o.flags = flags;
    for (rep = 0; rep < 7; rep++) {
        double t0 = bench_now(), t;
        for (i = 0; i < inner; i++)
            if (loy_bgbb_fit(p, X, TX, N, W, k, &o, r, NULL) != LOY_OK)
                return -1.0;
        t = (bench_now() - t0) / inner;
        if (t < best)
            best = t;
    }
    return best;
}

static void
bench_sbg(void)
{
    static const double reg[8] = {100.0, 63.1, 46.8, 38.2,
                                  32.6,  28.9, 26.2, 24.1};
    double p[2], best = 1e30, derl = 0.0;
    int rep, i, inner = 200;
    for (rep = 0; rep < 7; rep++) {
        double t0 = bench_now(), t;
        for (i = 0; i < inner; i++)
            loy_sbg_fit_cohort(p, reg, 8, NULL, NULL, NULL);
        t = (bench_now() - t0) / inner;
        if (t < best)
            best = t;
    }
    printf("sBG regular cohort fit: alpha %.4f beta %.4f, %.2f us per fit\n",
           p[0], p[1], 1e6 * best);
    bench_report("sBG cohort fit (years 1-7)", best, 1.0, "fits", 0.0, "");
    best = 1e30;
    for (rep = 0; rep < 7; rep++) {
        double t0 = bench_now(), t;
        for (i = 0; i < inner; i++)
            loy_sbg_del(&derl, p, 0.01);
        t = (bench_now() - t0) / inner;
        if (t < best)
            best = t;
    }
    printf("DEL(d = 0.01) = %.10f, %.2f us per call\n", derl,
           1e6 * best);
    bench_report("sBG DEL at d = 0.01", best, 1.0, "calls", 0.0, "");
}

#define NPRED 1000000

/* 1M donors: pattern j repeated in proportion to W[j], then shuffled. */
static double PX[NPRED], PTX[NPRED], PN[NPRED], PA[NPRED], CE[NPRED];

static void
bench_predict_rows(size_t k)
{
    static const double p[4] = {1.204, 0.750, 0.657, 2.783};
    static const char *file = "/tmp/loy_bench_bgbb.bin";
    double total = 0.0, best = 1e30, py, spa = 0.0, sce = 0.0;
    uint64_t s = 7;
    size_t i, j, at = 0;
    char args[256];
    FILE *f;
    int rep;
    for (j = 0; j < k; j++)
        total += W[j];
    for (j = 0; j < k && at < NPRED; j++) {
        size_t c = j + 1 == k ? NPRED - at
                              : (size_t)(W[j] / total * (double)NPRED);
        for (i = 0; i < c && at < NPRED; i++, at++) {
            PX[at] = X[j];
            PTX[at] = TX[j];
            PN[at] = N[j];
        }
    }
    for (i = NPRED - 1; i > 0; i--) { /* Fisher-Yates */
        size_t r = (size_t)(bench_uniform(&s) * (double)(i + 1));
        double t;
        r = r > i ? i : r;
        t = PX[i], PX[i] = PX[r], PX[r] = t;
        t = PTX[i], PTX[i] = PTX[r], PTX[r] = t;
        t = PN[i], PN[i] = PN[r], PN[r] = t;
    }
    for (rep = 0; rep < 7; rep++) {
        double t0 = bench_now(), t;
        if (loy_bgbb_palive(PA, p, PX, PTX, PN, NPRED, 0.0, NULL) != LOY_OK
            || loy_bgbb_expected(CE, p, PX, PTX, PN, NPRED, 5.0, NULL)
                   != LOY_OK) {
            fprintf(stderr, "BG/BB predictions failed\n");
            exit(1);
        }
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    for (i = 0; i < NPRED; i++) {
        spa += PA[i];
        sce += CE[i];
    }
    f = fopen(file, "wb");
    if (f == NULL)
        return;
    fwrite(PX, sizeof(double), NPRED, f);
    fwrite(PTX, sizeof(double), NPRED, f);
    fwrite(PN, sizeof(double), NPRED, f);
    fclose(f);
    snprintf(args, sizeof args, "bgbb_numpy.py predict %s %d", file, NPRED);
    py = bench_python(args);
    printf("BG/BB 1M donors: sum P(alive) %.10g sum CET(5) %.10g\n", spa,
           sce);
    bench_report("BG/BB P(alive)+CET(5), 1M donors", best, (double)NPRED,
                 "customers", py, "numpy (lifetimes formulas)");
}

int
main(void)
{
    loy_fit_report r = LOY_FIT_REPORT_INIT;
    double p[4], ll = 0.0, t_eval, t_fit, t_fit_nose, t_fit_nc, py_eval, py_bfgs,
           py_nm;
    size_t k = load();
    if (k == 0) {
        printf("donations data not found (%s): skipped\n", DONATIONS);
        bench_sbg();
        return 0;
    }
    py_eval = bench_python("bgbb_numpy.py " DONATIONS " eval");
    py_bfgs = bench_python("bgbb_numpy.py " DONATIONS " fit-bfgs");
    py_nm = bench_python("bgbb_numpy.py " DONATIONS " fit-nm");

    t_eval = time_loglik(k, 2000, &ll);
    printf("BG/BB donations: %zu patterns, LL at published params %.4f\n", k,
           ll);
    bench_report("BG/BB loglik, 22 patterns", t_eval, (double)k, "patterns",
                 py_eval, "numpy/scipy betaln+logsumexp");

    t_fit = time_fit(k, 0u, p, &r);
    printf("fit: %.4f %.4f %.4f %.4f LL %.4f, %u iterations, %u evals\n",
           p[0], p[1], p[2], p[3], r.loglik, r.iterations, r.evaluations);
    bench_report("BG/BB fit with SEs", t_fit, 1.0, "fits", py_bfgs,
                 "scipy BFGS (numerical gradient, no SEs)");
    bench_report("BG/BB fit with SEs", t_fit, 1.0, "fits", py_nm,
                 "scipy Nelder-Mead (as lifetimes)");
    t_fit_nose = time_fit(k, LOY_FIT_NO_SE, p, &r);
    bench_report("BG/BB fit without SEs", t_fit_nose, 1.0, "fits", py_bfgs,
                 "scipy BFGS (numerical gradient)");
    t_fit_nc = time_fit(k, LOY_FIT_NO_COMPRESS, p, &r);
    bench_report("BG/BB fit with SEs, rows not recompressed", t_fit_nc, 1.0,
                 "fits", py_bfgs, "scipy BFGS (numerical gradient)");
    printf("in microseconds: loglik %.2f (numpy %.2f), fit %.1f, fit no SE "
           "%.1f, fit no recompression %.1f (scipy BFGS %.0f, "
           "Nelder-Mead %.0f)\n", 1e6 * t_eval, 1e6 * py_eval, 1e6 * t_fit,
           1e6 * t_fit_nose, 1e6 * t_fit_nc, 1e6 * py_bfgs, 1e6 * py_nm);
    printf("target: fit under 1 ms: %s (%.3f ms)\n",
           t_fit < 1e-3 ? "yes" : "NO", 1e3 * t_fit);
    bench_predict_rows(k);
    bench_sbg();
    return 0;
}
