/* SPDX-License-Identifier: MIT */
/*
 * bench_cli.c - the library side of the `loyalty` tool's benchmark.
 *
 * Driven by bench/cli_bench.sh, which times the tool on the same file:
 *   bench_cli gen FILE ROWS CUSTOMERS   write a synthetic purchase log
 *   bench_cli summary FILE              time the library's summary of it
 *   bench_cli clv FILE                  time summary + BG/NBD and
 *                                       Gamma-Gamma fits + P(alive) +
 *                                       12 monthly CET steps (CLV)
 * The log is loaded into arrays first (not timed: ids become integers,
 * dates day numbers); then the library does what `loyalty summary` asks of
 * it: a streaming builder fed in chunks of 65,536 rows, then finish.
 * Public API only. Best of 3 repetitions.
 */
#include <loyalty.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"

#define CHUNK 65536

typedef struct log_arrays {
    uint64_t *id;
    int64_t *day;
    double *amount;
    size_t n, cap;
    int64_t max_day;
} log_arrays;

static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int64_t
civil_days(int y, int m, int d)
{
    int64_t yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void
civil_from(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
generate(const char *path, unsigned long rows, unsigned long customers)
{
    FILE *fp = fopen(path, "w");
    uint64_t s = 0x9E3779B97F4A7C15ull;
    int64_t base = civil_days(2021, 1, 1);
    unsigned long i;
    if (fp == NULL)
        return 1;
    fputs("customer_id,date,amount\n", fp);
    for (i = 0; i < rows; i++) {
        uint64_t r = rng_next(&s), u = rng_next(&s);
        unsigned long c = (unsigned long)((r >> 16) % customers);
        /* Spend: a per-customer scale times a sum of three uniforms (close
         * to a gamma variate), so the Gamma-Gamma model has something to
         * fit. */
        double scale = 10.0 + (double)((c * 2654435761u) % 90u);
        double z = ((double)(u & 0xffff) + (double)((u >> 16) & 0xffff)
                    + (double)((u >> 32) & 0xffff)) / 65536.0 / 1.5;
        long cents = (long)(scale * z * 100.0) + 1;
        /* Each customer buys within a window of its own (first day and
         * length from its number), so that some are long gone by the end,
         * as the lifetime models expect. */
        uint64_t h = (uint64_t)c * 0x9E3779B97F4A7C15ull;
        int64_t first = (int64_t)((h >> 20) % 1000u);
        int64_t span = 1 + (int64_t)((h >> 40) % 460u);
        int y, m, d;
        civil_from(base + first + (int64_t)(u >> 48) % span, &y, &m, &d);
        fprintf(fp, "C%07lu,%04d-%02d-%02d,%ld.%02ld\n", c, y, m, d,
                cents / 100, cents % 100);
    }
    return fclose(fp) != 0;
}

static int
push(log_arrays *a, uint64_t id, int64_t day, double amount)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1 << 20;
        uint64_t *ni = realloc(a->id, cap * sizeof *ni);
        int64_t *nd;
        double *na;
        if (ni == NULL)
            return -1;
        a->id = ni;
        if ((nd = realloc(a->day, cap * sizeof *nd)) == NULL)
            return -1;
        a->day = nd;
        if ((na = realloc(a->amount, cap * sizeof *na)) == NULL)
            return -1;
        a->amount = na;
        a->cap = cap;
    }
    a->id[a->n] = id;
    a->day[a->n] = day;
    a->amount[a->n] = amount;
    a->n++;
    if (day > a->max_day || a->n == 1)
        a->max_day = day;
    return 0;
}

/* Loader for the generator's own format only (not timed). */
static int
load(const char *path, log_arrays *a)
{
    char line[256];
    FILE *fp = fopen(path, "r");
    if (fp == NULL || fgets(line, sizeof line, fp) == NULL)
        return -1;
    while (fgets(line, sizeof line, fp) != NULL) {
        unsigned long id;
        int y, m, d;
        double amount;
        if (sscanf(line, "C%lu,%d-%d-%d,%lf", &id, &y, &m, &d, &amount) != 5
            || push(a, id, civil_days(y, m, d), amount) != 0) {
            fclose(fp);
            return -1;
        }
    }
    fclose(fp);
    return 0;
}

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What `loyalty summary` (default options) asks of the library. Returns
 * the wall time; *cpu gets the CPU time (user + system). */
static double
time_summary(const log_arrays *a, size_t *customers, double *cpu)
{
    double c0 = cpu_now();
    loy_rfm_options opts = LOY_RFM_OPTIONS_INIT;
    loy_rfm_builder *b = NULL;
    loy_rfm_summary *s = NULL;
    double t0 = bench_now(), t;
    size_t i;
    opts.freq_multiplier = 7.0;
    if (loy_rfm_builder_new(&b, a->max_day, &opts) != LOY_OK)
        return -1.0;
    for (i = 0; i < a->n; i += CHUNK) {
        size_t k = a->n - i < CHUNK ? a->n - i : CHUNK;
        if (loy_rfm_builder_add(b, a->id + i, a->day + i, a->amount + i, k, NULL)
            != LOY_OK)
            return -1.0;
    }
    if (loy_rfm_builder_finish(&s, b) != LOY_OK)
        return -1.0;
    t = bench_now() - t0;
    *cpu = cpu_now() - c0;
    *customers = loy_rfm_summary_count(s);
    loy_rfm_summary_free(s);
    loy_rfm_builder_free(b);
    return t;
}

/* What `loyalty clv` (defaults: BG/NBD + Gamma-Gamma, 12 months of 4.345
 * weeks, 1% monthly discount) asks of the library after the summary. */
static int
clv_work(const loy_rfm_summary *s)
{
    const double *xs, *txs, *Ts, *mon;
    size_t n = loy_rfm_summary_count(s), i, k = 0, f = 0;
    double params[4], gg[3], corr;
    double *x = malloc(n * sizeof *x), *t_x = malloc(n * sizeof *t_x);
    double *T = malloc(n * sizeof *T), *cur = malloc(n * sizeof *cur);
    double *xr = malloc(n * sizeof *xr), *mr = malloc(n * sizeof *mr);
    double *m0 = malloc(n * sizeof *m0), *spend = malloc(n * sizeof *spend);
    double *prev = calloc(n, sizeof *prev), *val = calloc(n, sizeof *val);
    loy_fit_report rep = LOY_FIT_REPORT_INIT, grep_ = LOY_FIT_REPORT_INIT;
    int rc, m;
    if (!x || !t_x || !T || !cur || !xr || !mr || !m0 || !spend || !prev || !val
        || loy_rfm_summary_column(&xs, s, LOY_RFM_COL_X) != LOY_OK
        || loy_rfm_summary_column(&txs, s, LOY_RFM_COL_T_X) != LOY_OK
        || loy_rfm_summary_column(&Ts, s, LOY_RFM_COL_T) != LOY_OK
        || loy_rfm_summary_column(&mon, s, LOY_RFM_COL_MONETARY) != LOY_OK)
        return -1;
    for (i = 0; i < n; i++) {
        if (xs[i] > 0 && mon[i] > 0) {
            xr[k] = xs[i];
            mr[k++] = mon[i];
        }
        if (!(Ts[i] > 0))
            continue;      /* as the tool: T = 0 cannot be fitted */
        x[f] = xs[i];
        t_x[f] = txs[i];
        T[f] = Ts[i];
        m0[f++] = xs[i] > 0 ? mon[i] : 0.0;
    }
    rc = loy_bgnbd_fit(params, x, t_x, T, NULL, f, NULL, &rep, NULL);
    if (rc != LOY_OK) {
        fprintf(stderr, "bench_cli: BG/NBD fit: %s\n", loy_strerror(rc));
        return -1;
    }
    /* As the tool: Gamma-Gamma spend, or the observed means if it fails. */
    if (loy_ggamma_fit(gg, xr, mr, NULL, k, NULL, &grep_, NULL) != LOY_OK
        || loy_ggamma_correlation(&corr, xr, mr, k, NULL) != LOY_OK
        || loy_ggamma_expected_spend(spend, gg, x, m0, f, NULL) != LOY_OK) {
        double sum = 0.0;
        fprintf(stderr, "bench_cli: Gamma-Gamma failed; observed means\n");
        for (i = 0; i < k; i++)
            sum += mr[i];
        for (i = 0; i < f; i++)
            spend[i] = x[i] > 0 ? m0[i] : sum / (double)k;
    }
    rc = loy_bgnbd_palive(cur, params, x, t_x, T, f, NULL);
    for (m = 1; rc == LOY_OK && m <= 12; m++) {
        double disc = pow(1.01, m);
        rc = loy_bgnbd_expected(cur, params, x, t_x, T, f, 4.345 * m, NULL);
        for (i = 0; rc == LOY_OK && i < f; i++) {
            val[i] += (cur[i] - prev[i]) / disc;
            prev[i] = cur[i];
        }
    }
    for (i = 0; i < f; i++)
        val[i] *= spend[i];
    if (rc != LOY_OK)
        fprintf(stderr, "bench_cli: prediction: %s\n", loy_strerror(rc));
    free(x);
    free(t_x);
    free(T);
    free(cur);
    free(xr);
    free(mr);
    free(m0);
    free(spend);
    free(prev);
    free(val);
    return rc == LOY_OK ? 0 : -1;
}

static int
run_clv(const log_arrays *a)
{
    loy_rfm_options opts = LOY_RFM_OPTIONS_INIT;
    loy_rfm_summary *s = NULL;
    double t0 = bench_now(), c0 = cpu_now(), t1, c1;
    opts.freq_multiplier = 7.0;
    if (loy_rfm_summarize(&s, a->id, a->day, a->amount, a->n, a->max_day, &opts,
                          NULL) != LOY_OK || clv_work(s) != 0)
        return 1;
    t1 = bench_now() - t0;
    c1 = cpu_now() - c0;
    printf("library clv (summary + BG/NBD, Gamma-Gamma, predictions, %zu customers):"
           " %.4f s wall, %.4f s cpu\n", loy_rfm_summary_count(s), t1, c1);
    printf("%.6f %.6f %.6f\n", t1, c1, t1);
    loy_rfm_summary_free(s);
    return 0;
}

int
main(int argc, char **argv)
{
    log_arrays a = {0};
    double best = -1.0, first = 0.0, first_cpu = 0.0;
    size_t customers = 0;
    int rep;
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return generate(argv[2], strtoul(argv[3], NULL, 10),
                        strtoul(argv[4], NULL, 10));
    if (argc != 3 || (strcmp(argv[1], "summary") != 0 && strcmp(argv[1], "clv") != 0)) {
        printf("bench_cli: run bench/cli_bench.sh BUILD_DIR (it drives this "
               "program and the loyalty tool on the same file)\n");
        return 0;
    }
    if (load(argv[2], &a) != 0) {
        fprintf(stderr, "bench_cli: cannot load %s\n", argv[2]);
        return 1;
    }
    if (strcmp(argv[1], "clv") == 0)
        return run_clv(&a);
    /* The first run pays the page faults of fresh memory, as the tool
     * does; later runs may reuse pages, so both are reported. */
    for (rep = 0; rep < 3; rep++) {
        double cpu, t = time_summary(&a, &customers, &cpu);
        if (t < 0)
            return 1;
        printf("library summary, run %d: %.4f s wall, %.4f s cpu\n", rep + 1, t,
               cpu);
        if (rep == 0)
            first_cpu = cpu, first = t;
        if (best < 0 || t < best)
            best = t;
    }
    printf("library summary (%zu rows, %zu customers): best %.4f s\n", a.n,
           customers, best);
    printf("%.6f %.6f %.6f\n", first, first_cpu, best);
    free(a.id);
    free(a.day);
    free(a.amount);
    return 0;
}
