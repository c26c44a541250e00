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
