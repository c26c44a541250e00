/* SPDX-License-Identifier: MIT */
/*
 * bench_specfun.c - throughput of the internal special functions on the
 * argument ranges the lifetime models use, against scipy.special on the
 * same arguments (bench/specfun_numpy.py) and, for ln Gamma, against the
 * portable fallback.
 */
#include "benchutil.h"
#include "numeric/specfun.h"

#define N 200000
#define REPS 5

static double
arg_u(size_t i)
{
    return ((double)i + 0.5) / N;
}

static double sink;

static void
run_hyp2f1(void)
{
    size_t i;
    for (i = 0; i < N; i++) {
        double u = arg_u(i), A = 0.5 + 300.0 * u, out;
        int sg;
        if (loy__log_hyp2f1(1.0, A + 1.0 - 1.6, A + 1.0, 0.95 * u, &out,
                            &sg) == LOY_OK)
            sink += out;
    }
}

static void
run_gamma_upper(void)
{
    size_t i;
    for (i = 0; i < N; i++) {
        double u = arg_u(i), out;
        int sg;
        if (loy__log_gamma_upper(0.05 + 0.9 * u, 0.01 + 2.0 * u, &out, &sg)
            == LOY_OK)
            sink += out;
    }
}

static void
run_gamma_upper_neg(void)
{
    size_t i;
    for (i = 0; i < N; i++) {
        double u = arg_u(i), out;
        int sg;
        if (loy__log_gamma_upper(-3.0 + 4.0 * u, 0.01 + 2.0 * u, &out, &sg)
            == LOY_OK)
            sink += out;
    }
}

static void
run_betainc(void)
{
    size_t i;
    for (i = 0; i < N; i++) {
        double u = arg_u(i), out;
        if (loy__betainc(0.5 + 10.0 * u, 2.0 + 5.0 * u, 0.05 + 0.9 * u, &out)
            == LOY_OK)
            sink += out;
    }
}

static void
run_lgamma(void)
{
    size_t i;
    for (i = 0; i < N; i++)
        sink += loy__lgamma(0.1 + 100.0 * arg_u(i));
}

static void
run_lgamma_portable(void)
{
    size_t i;
    for (i = 0; i < N; i++)
        sink += loy__lgamma_portable(0.1 + 100.0 * arg_u(i));
}

static double
best_of(void (*fn)(void))
{
    double best = 1e300;
    int r;
    for (r = 0; r < REPS; r++) {
        double t0 = bench_now();
        fn();
        t0 = bench_now() - t0;
        best = t0 < best ? t0 : best;
    }
    return best;
}

int
main(void)
{
    char arg[64];
    double t;
    printf("special functions, %d evaluations each, best of %d\n", N, REPS);
    snprintf(arg, sizeof arg, "specfun_numpy.py hyp2f1 %d", N);
    t = best_of(run_hyp2f1);
    bench_report("log 2F1(1, A+1-Bp; A+1; z) (Pareto/NBD form)", t, N,
                 "evals", bench_python(arg), "scipy hyp2f1");
    snprintf(arg, sizeof arg, "specfun_numpy.py gammaupper %d", N);
    t = best_of(run_gamma_upper);
    bench_report("log Gamma(a, z), a in (0, 1), z < 2", t, N, "evals",
                 bench_python(arg), "scipy gammaincc*gamma");
    t = best_of(run_gamma_upper_neg);
    bench_report("log Gamma(a, z), a in (-3, 1) (no scipy)", t, N, "evals",
                 0.0, "");
    snprintf(arg, sizeof arg, "specfun_numpy.py betainc %d", N);
    t = best_of(run_betainc);
    bench_report("I_x(a, b)", t, N, "evals", bench_python(arg),
                 "scipy betainc");
    snprintf(arg, sizeof arg, "specfun_numpy.py lgamma %d", N);
    t = best_of(run_lgamma);
    bench_report("ln Gamma (lgamma_r)", t, N, "evals", bench_python(arg),
                 "scipy gammaln");
    bench_report("ln Gamma (lgamma_r)", t, N, "evals",
                 best_of(run_lgamma_portable), "portable fallback");
    return sink == 12345.0;
}
