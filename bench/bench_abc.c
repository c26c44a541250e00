/* SPDX-License-Identifier: MIT */
/*
 * bench_abc.c - fixed-cut-off ABC classification of 10 million customers,
 * against numpy (bench/abc_numpy.py, argsort + cumsum, measured in the
 * same run) and one streaming pass over the values; and the ABC x loyalty
 * crossing against the bare memory traffic of its arrays (read one after
 * another, and again in one pass that reads them together) and against
 * numpy (bincount by cell, abc_numpy.py).
 *
 * Usage: bench_abc [n] (default 10,000,000). Best of several repetitions.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "loyalty.h"
#include "benchutil.h"

#define REPS 5

/* Revenue in cents, lognormal(4, 1.2): the same shape as abc_numpy.py. */
static void
make_values(double *v, size_t n)
{
    uint64_t s = 1;
    size_t i;
    for (i = 0; i < n; i++) {
        double z = sqrt(-2.0 * log(bench_uniform(&s)))
                   * cos(6.283185307179586 * bench_uniform(&s));
        v[i] = round(100.0 * exp(4.0 + 1.2 * z)) / 100.0;
    }
}

static double
time_classify(uint8_t *cls, const double *v, size_t n, uint32_t flags,
              loy_abc_summary *s)
{
    double best = HUGE_VAL;
    int r;
    for (r = 0; r < REPS; r++) {
        double t0 = bench_now(), t;
        if (loy_abc_classify(cls, s, v, n, 0.80, 0.95, flags, NULL) != LOY_OK) {
            fprintf(stderr, "loy_abc_classify failed\n");
            exit(1);
        }
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

/* A plain read of the values and write of n bytes: the floor. */
static double
time_stream(uint8_t *cls, const double *v, size_t n)
{
    double best = HUGE_VAL, sink = 0.0;
    int r;
    for (r = 0; r < REPS; r++) {
        double t0 = bench_now(), t;
        size_t i;
        for (i = 0; i < n; i++) {
            sink += v[i];
            cls[i] = (uint8_t)(v[i] > 100.0);
        }
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    if (sink == 42.0)
        printf("%g\n", sink);
    return best;
}

/*
 * Read every byte of an array, 64-bit words into four independent
 * accumulators: limited by memory bandwidth, not by a dependency chain.
 */
static uint64_t
read_all(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, w[4];
    size_t i;
    for (i = 0; i + 32 <= bytes; i += 32) {
        memcpy(w, b + i, 32);
        a0 |= w[0], a1 |= w[1], a2 |= w[2], a3 |= w[3];
    }
    for (; i < bytes; i++)
        a0 |= b[i];
    return a0 | a1 | a2 | a3;
}

/*
 * The crossing's floor: the memory traffic alone, with no computing. Read
 * every input array once and write n bytes of cells (memset): no pass
 * that reads these inputs and writes one byte per customer can be faster.
 */
static double
time_cross_floor(uint8_t *cells, const double *v, const uint8_t *cls,
                 const int32_t *loy, const double *extra, size_t n)
{
    double best = HUGE_VAL;
    uint64_t sink = 0;
    int r;
    for (r = 0; r < REPS; r++) {
        double t0 = bench_now(), t;
        sink |= read_all(v, n * sizeof *v);
        sink |= read_all(cls, n);
        sink |= read_all(loy, n * sizeof *loy);
        if (extra != NULL) /* potential, lifetime value and churn */
            sink |= read_all(extra, 3 * n * sizeof *extra);
        memset(cells, (int)(sink & 7u), n);
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    if (sink == 42)
        printf("%llu\n", (unsigned long long)sink);
    return best;
}

/* Eight bytes at p, as one load. */
static uint64_t
word(const void *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/*
 * The codes-only traffic again, in one pass that reads the three arrays
 * together, as the crossing must, and writes the cells as it goes: if
 * this were much slower than time_cross_floor(), the gap to that floor
 * would be the access pattern's, not the crossing's computing.
 */
static uint64_t
read_together(uint8_t *cells, const double *v, const uint8_t *cls,
              const int32_t *loy, size_t n)
{
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i;
    for (i = 0; i + 8 <= n; i += 8) {
        uint64_t k = word(cls + i);
        a |= word(v + i) | word(v + i + 1) | word(v + i + 2);
        b |= word(v + i + 3) | word(v + i + 4) | word(v + i + 5);
        a |= word(v + i + 6) | word(v + i + 7);
        c |= word(loy + i) | word(loy + i + 2);
        d |= word(loy + i + 4) | word(loy + i + 6) | k;
        memcpy(cells + i, &k, 8);
    }
    for (; i < n; i++)
        cells[i] = cls[i];
    return a | b | c | d;
}

static double
time_cross_one_pass(uint8_t *cells, const double *v, const uint8_t *cls,
                    const int32_t *loy, size_t n)
{
    double best = HUGE_VAL;
    uint64_t sink = 0;
    int r;
    for (r = 0; r < REPS; r++) {
        double t0 = bench_now(), t;
        sink |= read_together(cells, v, cls, loy, n);
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    if (sink == 42)
        printf("%llu\n", (unsigned long long)sink);
    return best;
}

static double
time_cross(uint8_t *cells, const loy_segment_input *in)
{
    double best = HUGE_VAL;
    int r;
    for (r = 0; r < REPS; r++) {
        loy_segment_result res;
        double t0 = bench_now(), t;
        loy_segment_result_init(&res);
        if (loy_segment_cross(&res, cells, in, NULL) != LOY_OK) {
            fprintf(stderr, "loy_segment_cross failed\n");
            exit(1);
        }
        t = bench_now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

/* The same crossing in numpy (abc_numpy.py, bincount by cell). */
static void
report_numpy_cross(const char *label, double t_cross, size_t n,
                   const char *mode)
{
    char args[64];
    double t_np;
    snprintf(args, sizeof args, "abc_numpy.py %zu 3 %s", n, mode);
    t_np = bench_python(args);
    if (t_np <= 0) {
        printf("numpy crossing baseline not available\n");
        return;
    }
    bench_report(label, t_cross, (double)n, "cust", t_np, "numpy bincount");
    printf("%-44s %9.4f s\n", "numpy bincount crossing (abc_numpy.py)", t_np);
}

static void
bench_crossing(const double *v, const uint8_t *cls, size_t n)
{
    int32_t *loy = malloc(n * sizeof *loy);
    double *extra = malloc(3 * n * sizeof *extra);
    uint8_t *cells = malloc(n);
    loy_segment_input in = LOY_SEGMENT_INPUT_INIT;
    uint64_t s = 7;
    double t_floor, t_cross, mb;
    size_t i;
    if (loy == NULL || extra == NULL || cells == NULL)
        exit(1);
    for (i = 0; i < n; i++) {
        loy[i] = (int32_t)(bench_rng(&s) % 4) - 1; /* 25% no answer */
        extra[i] = bench_uniform(&s);               /* potential */
        extra[n + i] = 1000.0 * bench_uniform(&s);  /* lifetime value */
        extra[2 * n + i] = bench_uniform(&s);       /* churn probability */
    }
    in.n = n;
    in.value = v;
    in.value_class = cls;
    in.loyalty = loy;
    printf("ABC x loyalty crossing of %zu customers\n", n);
    t_floor = time_cross_floor(cells, v, cls, loy, NULL, n);
    mb = (double)n * (8 + 1 + 4 + 1) / 1e6;
    bench_report("memory floor (read inputs, write cells)", t_floor,
                 (double)n, "cust", 0, NULL);
    printf("  %.0f MB moved: %.2f GB/s\n", mb, mb / 1e3 / t_floor);
    bench_report("  the same traffic in one pass",
                 time_cross_one_pass(cells, v, cls, loy, n), (double)n,
                 "cust", t_floor, "memory floor");
    t_cross = time_cross(cells, &in);
    bench_report("loy_segment_cross (codes)", t_cross, (double)n, "cust",
                 t_floor, "memory floor");
    report_numpy_cross("loy_segment_cross (codes)", t_cross, n, "cross");
    in.potential = extra;
    in.potential_threshold = 0.5;
    in.lifetime_value = extra + n;
    in.churn_prob = extra + 2 * n;
    t_floor = time_cross_floor(cells, v, cls, loy, extra, n);
    bench_report("memory floor (+ potential, ltv, churn)", t_floor,
                 (double)n, "cust", 0, NULL);
    t_cross = time_cross(cells, &in);
    bench_report("loy_segment_cross (+ potential, ltv, churn)", t_cross,
                 (double)n, "cust", t_floor, "memory floor");
    report_numpy_cross("loy_segment_cross (+ potential, ltv, churn)",
                       t_cross, n, "full");
    free(loy);
    free(extra);
    free(cells);
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    double *v = malloc(n * sizeof *v);
    uint8_t *cls = malloc(n);
    loy_abc_summary s = LOY_ABC_SUMMARY_INIT;
    double t_after, t_before, t_count, t_stream, t_np;
    char args[64];

    if (v == NULL || cls == NULL)
        return 1;
    make_values(v, n);
    printf("ABC classification of %zu customers (lognormal revenue in cents)\n",
           n);
    snprintf(args, sizeof args, "abc_numpy.py %zu 3", n);
    t_np = bench_python(args);
    if (t_np > 0)
        bench_report("numpy argsort+cumsum (abc_numpy.py)", t_np, (double)n,
                     "cust", 0, NULL);
    else
        printf("numpy baseline not available\n");
    t_after = time_classify(cls, v, n, 0, &s);
    bench_report("loy_abc_classify AFTER, VALUE", t_after, (double)n, "cust",
                 t_np, "numpy");
    printf("  A %llu (%.4f of value), B %llu, C %llu; thresholds %.2f, %.2f\n",
           (unsigned long long)s.count[0], s.value_share[0],
           (unsigned long long)s.count[1], (unsigned long long)s.count[2],
           s.threshold_ab, s.threshold_bc);
    t_before = time_classify(cls, v, n, LOY_ABC_BEFORE, &s);
    bench_report("loy_abc_classify BEFORE, VALUE", t_before, (double)n,
                 "cust", t_np, "numpy");
    t_count = time_classify(cls, v, n, LOY_ABC_COUNT, &s);
    bench_report("loy_abc_classify AFTER, COUNT", t_count, (double)n, "cust",
                 t_np, "numpy");
    t_stream = time_stream(cls, v, n);
    bench_report("stream baseline (read values, write labels)", t_stream,
                 (double)n, "cust", 0, NULL);
    printf("  classify / one streaming pass: %.2f\n", t_after / t_stream);
    loy_abc_classify(cls, NULL, v, n, 0.80, 0.95, 0, NULL);
    bench_crossing(v, cls, n);
    free(v);
    free(cls);
    return 0;
}
