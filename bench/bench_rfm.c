/* SPDX-License-Identifier: MIT */
/*
 * bench_rfm.c - purchase-log summary of 10,000,000 purchases.
 *
 * A seeded synthetic log (1,000,000 customers with sparse 64-bit ids,
 * 10,000,000 rows in random order, two years of daily times, cents-valued
 * amounts) is summarised by the library in one call, with a calibration
 * split, and streamed through the builder in 64k-row chunks. The numpy
 * baseline (bench/rfm_numpy.py, lexsort on (id, period)) computes the same
 * one-call summary in the same run; its result is checked against ours.
 * Usage: bench_rfm [rows] [customers]
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "loyalty.h"

#define REPS 3
#define DAY0 18262 /* 2020-01-01 */
#define SPAN 730

typedef struct purchase_log {
    size_t n;
    uint64_t *id;
    int64_t *t;
    double *v;
} purchase_log;

static int
generate(purchase_log *L, size_t n, uint64_t n_cust)
{
    uint64_t s = 42;
    size_t i;
    L->n = n;
    L->id = malloc(n * sizeof *L->id);
    L->t = malloc(n * sizeof *L->t);
    L->v = malloc(n * sizeof *L->v);
    if (L->id == NULL || L->t == NULL || L->v == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        uint64_t c = bench_rng(&s) % n_cust;
        L->id[i] = (c + 1) * 0xD6E8FEB86659FD93ull; /* sparse 64-bit ids */
        L->t[i] = DAY0 + (int64_t)(bench_rng(&s) % SPAN);
        L->v[i] = (double)(bench_rng(&s) % 20000) / 100.0;
    }
    return 0;
}

static int
write_log(const purchase_log *L, const char *path)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (f == NULL)
        return -1;
    ok = fwrite(L->id, sizeof *L->id, L->n, f) == L->n
         && fwrite(L->t, sizeof *L->t, L->n, f) == L->n
         && fwrite(L->v, sizeof *L->v, L->n, f) == L->n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Best of REPS; *first gets the first (cold: fresh process memory) run. */
static double
time_summarize(const purchase_log *L, const loy_rfm_options *o,
               loy_rfm_summary **keep, double *first)
{
    double best = 1e30;
    int r;
    for (r = 0; r < REPS; r++) {
        loy_rfm_summary *s = NULL;
        double t0 = bench_now(), dt;
        int rc = loy_rfm_summarize(&s, L->id, L->t, L->v, L->n,
                                   DAY0 + SPAN - 1, o, NULL);
        dt = bench_now() - t0;
        if (rc != LOY_OK) {
            printf("summarize failed: %s\n", loy_error_name(rc));
            exit(1);
        }
        best = dt < best ? dt : best;
        if (r == 0 && first != NULL)
            *first = dt;
        if (keep != NULL && *keep == NULL)
            *keep = s;
        else
            loy_rfm_summary_free(s);
    }
    return best;
}

static double
time_stream(const purchase_log *L, size_t chunk)
{
    double best = 1e30;
    int r;
    for (r = 0; r < REPS; r++) {
        loy_rfm_builder *b = NULL;
        loy_rfm_summary *s = NULL;
        double t0 = bench_now(), dt;
        size_t i;
        int rc = loy_rfm_builder_new(&b, DAY0 + SPAN - 1, NULL);
        for (i = 0; rc == LOY_OK && i < L->n; i += chunk) {
            size_t m = L->n - i < chunk ? L->n - i : chunk;
            rc = loy_rfm_builder_add(b, L->id + i, L->t + i, L->v + i, m,
                                     NULL);
        }
        if (rc == LOY_OK)
            rc = loy_rfm_builder_finish(&s, b);
        dt = bench_now() - t0;
        if (rc != LOY_OK) {
            printf("streaming failed: %s\n", loy_error_name(rc));
            exit(1);
        }
        loy_rfm_summary_free(s);
        loy_rfm_builder_free(b);
        best = dt < best ? dt : best;
    }
    return best;
}

/* Compare the numpy result file with our summary; returns mismatches. */
static long
check_numpy(const char *path, const loy_rfm_summary *s)
{
    size_t n = loy_rfm_summary_count(s), i;
    const uint64_t *ids;
    const double *col[4];
    long bad = 0;
    uint64_t *nid = malloc(n * sizeof *nid);
    double *nv = malloc(4 * n * sizeof *nv);
    FILE *f = fopen(path, "rb");
    int c;
    if (f == NULL || nid == NULL || nv == NULL
        || fread(nid, sizeof *nid, n, f) != n
        || fread(nv, sizeof *nv, 4 * n, f) != 4 * n || fgetc(f) != EOF)
        bad = -1;
    if (f != NULL)
        fclose(f);
    loy_rfm_summary_ids(&ids, s);
    for (c = 0; c < 4; c++)
        loy_rfm_summary_column(&col[c], s, c);
    for (i = 0; bad >= 0 && i < n; i++) {
        int row_bad = nid[i] != ids[i];
        for (c = 0; c < 4; c++)
            row_bad |= !(fabs(nv[(size_t)c * n + i] - col[c][i])
                         <= 1e-9 * fabs(col[c][i]) + 1e-9);
        bad += row_bad;
    }
    free(nid);
    free(nv);
    return bad;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    uint64_t n_cust = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000u;
    purchase_log L;
    loy_rfm_options o = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    char logpath[128], outpath[128], args[512];
    double t_one, t_cold = 0, t_cal, t_stream, t_np;
    long bad;
    if (generate(&L, n, n_cust) != 0) {
        printf("out of memory\n");
        return 1;
    }
    printf("purchase-log summary: %zu rows, %llu customers (ids sparse), "
           "random row order, best of %d\n", n, (unsigned long long)n_cust,
           REPS);
    t_one = time_summarize(&L, &o, &s, &t_cold);
    o.flags = LOY_RFM_CALIBRATION;
    o.calibration_end = DAY0 + 364;
    t_cal = time_summarize(&L, &o, NULL, NULL);
    t_stream = time_stream(&L, (size_t)1 << 16);
    snprintf(logpath, sizeof logpath, "/tmp/loy_bench_rfm_%ld.bin",
             (long)getpid());
    snprintf(outpath, sizeof outpath, "/tmp/loy_bench_rfm_%ld.out",
             (long)getpid());
    t_np = -1.0;
    if (write_log(&L, logpath) == 0) {
        snprintf(args, sizeof args, "rfm_numpy.py %s %s %d 1 0 1 %d", logpath,
                 outpath, DAY0 + SPAN - 1, 2);
        t_np = bench_python(args);
    }
    bench_report("numpy lexsort summary (baseline)", t_np > 0 ? t_np : (double)NAN,
                 (double)n, "rows", 0, NULL);
    bench_report("loy_rfm_summarize, daily", t_one, (double)n, "rows", t_np,
                 "numpy");
    bench_report("loy_rfm_summarize, first (cold) call", t_cold, (double)n,
                 "rows", t_np, "numpy");
    /* numpy computes no split: no ratio for this one */
    bench_report("loy_rfm_summarize, calibration split", t_cal, (double)n,
                 "rows", 0, NULL);
    bench_report("builder, 64k-row chunks", t_stream, (double)n, "rows", t_np,
                 "numpy");
    if (t_np > 0) {
        bad = check_numpy(outpath, s);
        printf("numpy result %s (%zu customers, %ld mismatches)\n",
               bad == 0 ? "identical" : "DIFFERS", loy_rfm_summary_count(s),
               bad);
    } else {
        printf("numpy baseline unavailable\n");
    }
    printf("target: 10M rows < 2 s: %s\n", t_one < 2.0 ? "met" : "MISSED");
    remove(logpath);
    remove(outpath);
    loy_rfm_summary_free(s);
    free(L.id);
    free(L.t);
    free(L.v);
    return 0;
}
