/* SPDX-License-Identifier: MIT */
/*
 * bench_churn.c - silent-churn aggregation over 10 million customers
 * (three arrays of doubles read once) against a plain summing pass over the
 * same memory, and against numpy (bench/churn_numpy.py) in the same run;
 * plus the cost of one retention-economics evaluation.
 */
#include "benchutil.h"
#include "loyalty.h"

#include <string.h>

#define N 10000000u
#define REPS 5

static double
plain_pass(const double *a, const double *b, const double *c, size_t n)
{
    double s = 0;
    size_t i;
    for (i = 0; i < n; i++)
        s += a[i] + b[i] + c[i];
    return s;
}

int
main(void)
{
    double *p = malloc(N * sizeof *p), *v = malloc(N * sizeof *v);
    double *pn = malloc(N * sizeof *pn), best = 1e9, base = 1e9, t, sink = 0;
    loy_silent_churn out;
    loy_base_params bp;
    loy_base_value bv;
    uint64_t s = 42;
    size_t i;
    int r;

    if (!p || !v || !pn)
        return 1;
    for (i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = (double)(s >> 11) * 0x1.0p-53;
        pn[i] = p[i] * 0.9;
        v[i] = (double)(s >> 40);
    }
    for (r = 0; r < REPS; r++) {
        t = bench_now();
        sink += plain_pass(p, v, pn, N);
        t = bench_now() - t;
        base = t < base ? t : base;
        memset(&out, 0, sizeof out);
        out.struct_size = sizeof out;
        t = bench_now();
        if (loy_churn_silent(&out, p, v, pn, N, 0.5, NULL) != LOY_OK)
            return 1;
        t = bench_now() - t;
        best = t < best ? t : best;
    }
    printf("silent churn, %u customers (sink %.3g)\n", N, sink + out.value_lost);
    bench_report("plain summing pass over the 3 arrays", base, N, "customers", 0, "");
    bench_report("loy_churn_silent", best, N, "customers", base, "plain pass");
    t = bench_python("churn_numpy.py 10000000");
    if (t > 0)
        bench_report("numpy silent churn (same computation)", t, N, "customers", best, "libloyalty (ratio < 1: numpy slower)");

    memset(&bp, 0, sizeof bp);
    bp.struct_size = sizeof bp;
    bp.customers = 1e4; bp.margin = 100; bp.retention = 0.8; bp.discount = 0.1;
    bp.new_customers = 2e3; bp.acquisition_cost = 100; bp.cohorts = 10;
    bv.struct_size = sizeof bv;
    t = bench_now();
    for (i = 0; i < 1000000; i++) {
        bp.retention = 0.5 + 0.4 * (double)(i % 1000) / 1000.0;
        if (loy_churn_base_value(&bv, &bp) != LOY_OK)
            return 1;
        sink += bv.total;
    }
    t = bench_now() - t;
    bench_report("loy_churn_base_value (with elasticities)", t, 1e6, "calls", 0, "");
    printf("(sink %.3g)\n", sink);
    free(p); free(v); free(pn);
    return 0;
}
