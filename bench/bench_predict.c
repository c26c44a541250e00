/* SPDX-License-Identifier: MIT */
/*
 * bench_predict.c - scoring a whole customer base: P(alive) + CET(39) of
 * 1M simulated customers with loy_{bgnbd,pnbd,mbgnbd}_score on 1 and 2
 * threads (wall and CPU time, best of REPS), against the bare memory
 * traffic of the same arrays (read x, t_x, T, write two outputs) and
 * against numpy (bench/predict_numpy.py, same data, same run);
 * Pareto/NBD against BG/NBD timed in turn; the per-customer BG/NBD
 * log-likelihood (loy_bgnbd_loglik_each) against
 * numpy; then the 1M-customer fits with 1 and 2 threads; then BG/NBD and
 * MBG/NBD scoring again on customers with histories of 1 to 100 weeks.
 *
 *   cmake --build build --target bench_predict && build/bench/bench_predict
 *
 * The machine may be shared: thread speed-ups are noisy; the CPU time
 * column shows how much work each run did.
 */
#include "benchutil.h"

#include <loyalty.h>
#include <string.h>

#define N 1000000
#define REPS 7

static double X[N], TX[N], TT[N], PA[N], CE[N];

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* BG/NBD customers: lambda ~ Gamma(0.6, 4), p ~ Beta(1, 3), T in
 * Tlo..Thi weeks */
static void
simulate(double Tlo, double Thi)
{
    uint64_t s = 42;
    size_t i;
    for (i = 0; i < N; i++) {
        double lam = bench_gamma(&s, 0.6) / 4.0, g1 = bench_gamma(&s, 1.0);
        double p = g1 / (g1 + bench_gamma(&s, 3.0));
        double T = Tlo + (Thi - Tlo) * bench_uniform(&s), t = 0.0, x = 0;
        double tx = 0;
        for (;;) {
            t += -log(bench_uniform(&s)) / lam;
            if (t > T)
                break;
            x += 1.0;
            tx = t;
            if (bench_uniform(&s) < p)
                break;
        }
        X[i] = x;
        TX[i] = tx;
        TT[i] = T;
    }
}

typedef int (*score_fn)(double *, double *, const double *, const double *,
                        const double *, const double *, size_t, double,
                        const loy_predict_options *, size_t *);

static double
time_score(score_fn f, const double *p, uint32_t threads, double *cpu)
{
    loy_predict_options o = LOY_PREDICT_OPTIONS_INIT;
    double best = 1e30, bcpu = 1e30;
    int k;
    o.threads = threads;
    for (k = 0; k < REPS; k++) {
        double t0 = bench_now(), c0 = cpu_now(), t1, c1;
        if (f(PA, CE, p, X, TX, TT, N, 39.0, &o, NULL) != LOY_OK) {
            fprintf(stderr, "score failed\n");
            exit(1);
        }
        t1 = bench_now() - t0;
        c1 = cpu_now() - c0;
        if (t1 < best) {
            best = t1;
            bcpu = c1;
        }
    }
    *cpu = bcpu;
    return best;
}

/* read three arrays, write two: the traffic of a prediction, nothing else */
static double
time_memory(void)
{
    double best = 1e30;
    int k;
    size_t i;
    for (k = 0; k < REPS; k++) {
        double t0 = bench_now(), t1;
        for (i = 0; i < N; i++) {
            PA[i] = X[i] + TX[i];
            CE[i] = TT[i] * 0.5;
        }
        t1 = bench_now() - t0;
        if (t1 < best)
            best = t1;
    }
    return best + 0.0 * PA[N / 2];
}

static double
numpy_baseline(const char *model, const double *p)
{
    static const char *file = "/tmp/loy_bench_predict.bin";
    char args[512];
    FILE *f = fopen(file, "wb");
    if (f == NULL)
        return -1.0;
    fwrite(X, sizeof(double), N, f);
    fwrite(TX, sizeof(double), N, f);
    fwrite(TT, sizeof(double), N, f);
    fclose(f);
    snprintf(args, sizeof args, "predict_numpy.py %s %s %d %.17g %.17g %.17g %.17g",
             model, file, N, p[0], p[1], p[2], p[3]);
    return bench_python(args);
}

static void
one_model(const char *name, const char *np_model, score_fn f, const double *p,
          double mem)
{
    double c1, c2, t1 = time_score(f, p, 1, &c1), t2 = time_score(f, p, 2, &c2);
    double py = np_model != NULL ? numpy_baseline(np_model, p) : -1.0;
    char what[128];
    snprintf(what, sizeof what, "%s P(alive)+CET, 1 thread", name);
    bench_report(what, t1, N, "customers", py, "numpy");
    printf("    cpu %.4f s; %.2fx the bare memory traffic (%.4f s)\n", c1,
           t1 / mem, mem);
    snprintf(what, sizeof what, "%s P(alive)+CET, 2 threads", name);
    bench_report(what, t2, N, "customers", t1, "1 thread");
    printf("    cpu %.4f s\n", c2);
}

/*
 * Pareto/NBD against BG/NBD (the target: within 2x), one thread,
 * the two timed in turn so that both see the same state of the machine.
 */
static void
pnbd_vs_bgnbd(const double *bg, const double *pn)
{
    double best_bg = 1e30, best_pn = 1e30, c;
    int k;
    for (k = 0; k < 3; k++) {
        double a = time_score(loy_bgnbd_score, bg, 1, &c);
        double b = time_score(loy_pnbd_score, pn, 1, &c);
        best_bg = a < best_bg ? a : best_bg;
        best_pn = b < best_pn ? b : best_pn;
    }
    printf("Pareto/NBD against BG/NBD, 1 thread, timed in turn: %.4f s / "
           "%.4f s = %.2fx\n",
           best_pn, best_bg, best_pn / best_bg);
}

/* Per-customer log-likelihood (and with its gradient) against numpy. */
static void
loglik_each(const double *p, double mem)
{
    static double G[4 * N];
    double best[2] = {1e30, 1e30}, py = numpy_baseline("bgnbd_ll", p);
    int k, g;
    for (g = 0; g < 2; g++)
        for (k = 0; k < REPS; k++) {
            double t0 = bench_now(), t;
            if (loy_bgnbd_loglik_each(PA, p, X, TX, TT, N, g ? G : NULL,
                                      NULL)
                != LOY_OK) {
                fprintf(stderr, "loglik_each failed\n");
                exit(1);
            }
            t = bench_now() - t0;
            best[g] = t < best[g] ? t : best[g];
        }
    bench_report("BG/NBD ln L per customer (loglik_each)", best[0], N,
                 "customers", py, "numpy");
    printf("    %.2fx the bare memory traffic; with the gradient %.4f s\n",
           best[0] / mem, best[1]);
}

typedef int (*fit_fn)(double *, const double *, const double *,
                      const double *, const double *, size_t,
                      const loy_fit_options *, loy_fit_report *, size_t *);

static void
one_fit(const char *name, fit_fn f, int reps)
{
    double best[3] = {1e30, 1e30, 1e30}, cpu[3] = {0, 0, 0}, est[4];
    uint32_t th;
    int k;
    for (th = 1; th <= 2; th++)
        for (k = 0; k < reps; k++) {
            loy_fit_options o = LOY_FIT_OPTIONS_INIT;
            loy_fit_report rep = LOY_FIT_REPORT_INIT;
            double t0 = bench_now(), c0 = cpu_now(), t;
            int rc;
            o.threads = th;
            rc = f(est, X, TX, TT, NULL, N, &o, &rep, NULL);
            t = bench_now() - t0;
            if (t < best[th]) {
                best[th] = t;
                cpu[th] = cpu_now() - c0;
            }
            if (k == 0 && th == 1)
                printf("    %s fit: status %d, %u evaluations, %llu rows\n",
                       name, rc, rep.evaluations,
                       (unsigned long long)rep.n_rows);
        }
    printf("%s fit of 1M customers: 1 thread %.3f s (cpu %.3f), 2 threads "
           "%.3f s (cpu %.3f): %.2fx\n",
           name, best[1], cpu[1], best[2], cpu[2], best[1] / best[2]);
}

int
main(void)
{
    const double bg[4] = {0.243, 4.414, 0.793, 2.426};
    const double pn[4] = {0.553, 10.578, 0.606, 11.669};
    const double mb[4] = {0.525, 6.183, 0.891, 1.614};
    double mem;
    simulate(20.0, 40.0);
    mem = time_memory();
    printf("1M customers, best of %d (shared machine: figures are noisy)\n",
           REPS);
    bench_report("bare memory traffic (read 3, write 2 arrays)", mem, N,
                 "customers", -1.0, "");
    one_model("BG/NBD", "bgnbd", loy_bgnbd_score, bg, mem);
    one_model("Pareto/NBD", "pnbd", loy_pnbd_score, pn, mem);
    one_model("MBG/NBD", "mbgnbd", loy_mbgnbd_score, mb, mem);
    pnbd_vs_bgnbd(bg, pn);
    loglik_each(bg, mem);
    one_fit("BG/NBD", loy_bgnbd_fit, 2);
    one_fit("Pareto/NBD", loy_pnbd_fit, 1);
    /* histories of 1 to 100 weeks: z = t/(alpha + T + t) spreads towards
     * 1 (short histories, the same horizon), where the CET's tables need
     * buckets near z = 1 */
    simulate(1.0, 100.0);
    printf("customers with histories of 1-100 weeks:\n");
    one_model("BG/NBD (T 1-100)", "bgnbd", loy_bgnbd_score, bg, mem);
    one_model("MBG/NBD (T 1-100)", "mbgnbd", loy_mbgnbd_score, mb, mem);
    return 0;
}
