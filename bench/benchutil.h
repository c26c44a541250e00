/* SPDX-License-Identifier: MIT */
/*
 * benchutil.h - timing and reporting helpers for bench/ programs.
 *
 * Convention: every benchmark prints one line per measurement,
 *   <what>: <seconds> s, <throughput> <unit>/s, <ratio>x vs <baseline>
 * where the baseline is measured in the same run (a plain pass over the
 * same memory, a naive implementation, or numpy through a bench/<name>.py script).
 * The best of several repetitions is reported.
 */
#ifndef LOY_BENCHUTIL_H
#define LOY_BENCHUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double
bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline void
bench_report(const char *what, double seconds, double items,
             const char *unit, double baseline_seconds, const char *baseline)
{
    printf("%-44s %9.4f s  %10.3g %s/s", what, seconds, items / seconds, unit);
    if (baseline_seconds > 0)
        printf("  %6.2fx vs %s", baseline_seconds / seconds, baseline);
    printf("\n");
    fflush(stdout);
}

/* splitmix64: the seeded generator every benchmark's data comes from. */
static inline uint64_t
bench_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform on (0, 1), never 0 or 1. */
static inline double
bench_uniform(uint64_t *s)
{
    return ((double)(bench_rng(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Gamma(shape, 1): Marsaglia-Tsang, boosted for shape < 1. */
static inline double
bench_gamma(uint64_t *s, double shape)
{
    double boost = 1.0, d, c;
    if (shape < 1.0) {
        boost = pow(bench_uniform(s), 1.0 / shape);
        shape += 1.0;
    }
    d = shape - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z, v;
        do {
            z = sqrt(-2.0 * log(bench_uniform(s)))
                * cos(6.283185307179586 * bench_uniform(s));
            v = 1.0 + c * z;
        } while (v <= 0.0);
        v = v * v * v;
        if (log(bench_uniform(s)) < 0.5 * z * z + d * (1.0 - v + log(v)))
            return boost * d * v;
    }
}

/* Run a python baseline script; returns its printed seconds or -1. */
static inline double
bench_python(const char *script_and_args)
{
    char cmd[1024];
    FILE *p;
    double s = -1.0;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/%s 2>/dev/null",
             LOY_BENCH_DIR, script_and_args);
    p = popen(cmd, "r");
    if (p == NULL)
        return -1.0;
    if (fscanf(p, "%lf", &s) != 1)
        s = -1.0;
    pclose(p);
    return s;
}

#endif /* LOY_BENCHUTIL_H */
