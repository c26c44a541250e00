/* SPDX-License-Identifier: MIT */
/*
 * bench_consistency.c - consistency over units and time.
 *
 * 1. Charts: 100,000 units x 104 weeks of tallies (about 50 answers a
 *    week, 2% empty weeks, 5% of units shifting in week 70), charted with
 *    Shewhart + Laney + EWMA + CUSUM + runs in one call: signal codes per
 *    point and per-unit figures (first signals, runs, flags). Baseline the
 *    first 52 weeks, then the whole series (the default). Compared with a
 *    memory floor measured in the same run (one pass reading the same
 *    counts and writing one uint32 per point), with the scalar path of the
 *    library, and with numpy (bench/consistency_numpy.py, vectorised
 *    across units). Strides 4 (loy_nps_tally_grouped_u8's layout) and 3.
 * 2. Funnel: 100,000 units, every per-unit output, no exact tails; then
 *    with exact tails. Against numpy.
 * 3. Average run lengths: values and time per call against R's spc
 *    (bench/consistency_spc.R), the same cases in the same run.
 * Best of several repetitions (wall clock; the CPU time of the calling
 * thread is printed too, since the machine may be shared).
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "loyalty.h"
#include "consistency/chart_internal.h"

#define U_CHART 100000u
#define T_CHART 104u
#define U_FUNNEL 100000u
#define REPS 9

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seeded weekly tallies; shares vary by unit, 5% of units drop at 70. */
static void
gen_tallies(uint64_t *c, size_t units, size_t periods, size_t stride,
            uint64_t seed)
{
    size_t u, t;
    for (u = 0; u < units; u++) {
        double d0 = 0.12 + 0.16 * bench_uniform(&seed);
        double p0 = 0.4 + 0.2 * bench_uniform(&seed);
        int shifts = bench_uniform(&seed) < 0.05;
        for (t = 0; t < periods; t++) {
            uint64_t *q = c + (u * periods + t) * stride;
            uint64_t n = bench_uniform(&seed) < 0.02 ? 0 : 5 + bench_rng(&seed) % 91;
            double d = d0 + (shifts && t >= 70 ? 0.1 : 0.0);
            double jd = d + 0.08 * (bench_uniform(&seed) - 0.5);
            double jp = p0 + 0.08 * (bench_uniform(&seed) - 0.5);
            uint64_t dd = (uint64_t)((double)n * jd);
            uint64_t pp = (uint64_t)((double)(n - dd) * jp / (1.0 - d));
            if (pp > n - dd)
                pp = n - dd;
            q[0] = dd;
            q[1] = n - dd - pp;
            q[2] = pp;
            if (stride > 3)
                q[3] = 0;
        }
    }
}

/* The floor: read every tally once, write one code per point. */
static uint64_t
floor_pass(const uint64_t *c, size_t n, size_t stride, uint32_t *codes)
{
    uint64_t s = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        const uint64_t *q = c + i * stride;
        uint64_t m = q[0] + q[1] + q[2];
        codes[i] = (uint32_t)m;
        s += m;
    }
    return s;
}

typedef struct chart_out {
    size_t *f[4], *useful, *longest, *cross;
    uint32_t *flags, *codes;
    loy_chart_units u;
    loy_chart_points p;
} chart_out;

static int
chart_out_alloc(chart_out *o, size_t units, size_t points)
{
    int j;
    memset(o, 0, sizeof *o);
    for (j = 0; j < 4; j++)
        o->f[j] = malloc(units * sizeof(size_t));
    o->useful = malloc(units * sizeof(size_t));
    o->longest = malloc(units * sizeof(size_t));
    o->cross = malloc(units * sizeof(size_t));
    o->flags = malloc(units * sizeof(uint32_t));
    o->codes = malloc(points * sizeof(uint32_t));
    if (!o->f[0] || !o->f[1] || !o->f[2] || !o->f[3] || !o->useful
        || !o->longest || !o->cross || !o->flags || !o->codes)
        return 1;
    memset(o->codes, 0, points * sizeof(uint32_t)); /* fault the pages in */
    o->u.struct_size = sizeof o->u;
    o->u.first_shewhart = o->f[0];
    o->u.first_laney = o->f[1];
    o->u.first_ewma = o->f[2];
    o->u.first_cusum = o->f[3];
    o->u.n_useful = o->useful;
    o->u.longest_run = o->longest;
    o->u.crossings = o->cross;
    o->u.flags = o->flags;
    o->p.struct_size = sizeof o->p;
    o->p.codes = o->codes;
    return 0;
}

static void
chart_out_free(chart_out *o)
{
    int j;
    for (j = 0; j < 4; j++)
        free(o->f[j]);
    free(o->useful);
    free(o->longest);
    free(o->cross);
    free(o->flags);
    free(o->codes);
}

/* Best wall and CPU seconds of the charts (and, alternating in the same
 * loop, of the floor pass). */
static int
time_charts(const uint64_t *c, size_t stride, chart_out *o,
            const loy_chart_options *opts, int scalar, int reps,
            double *wall, double *cpu, double *floor_wall, double *floor_cpu,
            uint64_t *sink)
{
    const size_t n = (size_t)U_CHART * T_CHART;
    int r;
    *wall = *cpu = *floor_wall = *floor_cpu = 1e30;
    for (r = 0; r < reps; r++) {
        double w0 = bench_now(), f0 = cpu_now(), c0, w1, c1, w2, f1;
        *sink += floor_pass(c, n, stride, o->codes);
        f1 = cpu_now();
        w1 = bench_now();
        *floor_cpu = f1 - f0 < *floor_cpu ? f1 - f0 : *floor_cpu;
        c0 = cpu_now();
        if (loy__chart_compute(&o->u, &o->p, c, U_CHART, T_CHART, stride, opts,
                               NULL, scalar)
            != LOY_OK)
            return 1;
        c1 = cpu_now();
        w2 = bench_now();
        *floor_wall = w1 - w0 < *floor_wall ? w1 - w0 : *floor_wall;
        *wall = w2 - w1 < *wall ? w2 - w1 : *wall;
        *cpu = c1 - c0 < *cpu ? c1 - c0 : *cpu;
    }
    return 0;
}

static int
bench_charts(void)
{
    const size_t n = (size_t)U_CHART * T_CHART;
    uint64_t *c = malloc(n * 4 * sizeof(uint64_t)), sink = 0;
    chart_out o;
    loy_chart_options opts = LOY_CHART_OPTIONS_INIT;
    double np_s, wall, cpu, fl, flc;
    size_t stride, signalled = 0, i;
    char label[96];
    if (c == NULL || chart_out_alloc(&o, U_CHART, n))
        return 1;
    printf("charts: %u units x %u weeks (%zu tallies), Shewhart + Laney + "
           "EWMA + CUSUM + runs; AVX-512 path: %s\n",
           U_CHART, T_CHART, n, loy__chart_have_avx512() ? "yes" : "no");
    np_s = bench_python("consistency_numpy.py chart 100000 104 52");
    for (stride = 4; stride >= 3; stride--) {
        gen_tallies(c, U_CHART, T_CHART, stride, 20240601u);
        opts.baseline_length = 52;
        if (time_charts(c, stride, &o, &opts, 0, REPS, &wall, &cpu, &fl, &flc,
                        &sink))
            return 1;
        snprintf(label, sizeof label, "floor: read + 1 write (stride %zu)", stride);
        bench_report(label, fl, (double)n, "points", 0, "");
        printf("%44s %9.4f s CPU\n", "", flc);
        snprintf(label, sizeof label, "charts, baseline 52 wk (stride %zu)",
                 stride);
        bench_report(label, wall, (double)n, "points", np_s, "numpy");
        printf("%44s %9.4f s CPU, %.2fx the floor's CPU, %.2f ns/point\n", "",
               cpu, cpu / flc, 1e9 * cpu / (double)n);
        opts.baseline_length = 0;
        if (time_charts(c, stride, &o, &opts, 0, REPS, &wall, &cpu, &fl, &flc,
                        &sink))
            return 1;
        snprintf(label, sizeof label, "charts, whole-series baseline (stride %zu)",
                 stride);
        bench_report(label, wall, (double)n, "points", fl, "floor");
        printf("%44s %9.4f s CPU\n", "", cpu);
    }
    opts.baseline_length = 52;
    if (time_charts(c, 3, &o, &opts, 1, 3, &wall, &cpu, &fl, &flc, &sink))
        return 1;
    bench_report("charts, scalar path (stride 3)", wall, (double)n, "points",
                 np_s, "numpy");
    printf("%44s %9.4f s CPU\n", "", cpu);
    for (i = 0; i < U_CHART; i++)
        signalled += o.f[3][i] != LOY_NO_INDEX;
    printf("  (units with a CUSUM signal: %zu of %u; checksum %llu)\n",
           signalled, U_CHART, (unsigned long long)(sink & 0xFFFF));
    chart_out_free(&o);
    free(c);
    return 0;
}

static int
bench_funnel(void)
{
    const size_t u = U_FUNNEL;
    uint64_t *c = malloc(u * 3 * sizeof(uint64_t));
    double *buf = malloc(10 * u * sizeof(double)), np_s, best = 1e30;
    double best_cpu = 1e30;
    uint32_t *flags = malloc(u * sizeof(uint32_t));
    loy_funnel_units out;
    loy_funnel_result r;
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    size_t i;
    int rep;
    if (c == NULL || buf == NULL || flags == NULL)
        return 1;
    memset(buf, 0, 10 * u * sizeof(double));
    gen_tallies(c, u, 1, 3, 7u);
    for (i = 0; i < 3 * u; i++)
        c[i] = c[i] * 20 + 1; /* units of 100-1900 answers */
    memset(&out, 0, sizeof out);
    out.struct_size = sizeof out;
    out.nps = buf;
    out.variance = buf + u;
    out.se = buf + 2 * u;
    out.z = buf + 3 * u;
    out.z_adjusted = buf + 4 * u;
    out.p_value = buf + 5 * u;
    out.p_lower = buf + 6 * u;
    out.p_upper = buf + 7 * u;
    out.shrunk = buf + 8 * u;
    out.shrunk_se = buf + 9 * u;
    out.flags = flags;
    r.struct_size = sizeof r;
    np_s = bench_python("consistency_numpy.py funnel 100000");
    for (rep = 0; rep < 3 * REPS; rep++) {
        double t0 = bench_now(), c0 = cpu_now();
        if (loy_funnel_compute(&r, &out, c, u, 3, NULL, NULL) != LOY_OK)
            return 1;
        c0 = cpu_now() - c0;
        t0 = bench_now() - t0;
        best = t0 < best ? t0 : best;
        best_cpu = c0 < best_cpu ? c0 : best_cpu;
    }
    bench_report("funnel, 100k units, all outputs", best, (double)u, "units",
                 np_s, "numpy");
    printf("%44s %9.4f s CPU\n", "", best_cpu);
    printf("  (tau %.4f, I^2 %.3f, phi %.2f, %zu outside 99.8%%, %zu FDR)\n",
           r.tau, r.i2, r.phi, r.n_outside[1], r.n_fdr);
    opts.flags = LOY_FUNNEL_EXACT;
    best = 1e30;
    for (rep = 0; rep < 3; rep++) {
        double t0 = bench_now();
        if (loy_funnel_compute(&r, &out, c, u, 3, &opts, NULL) != LOY_OK)
            return 1;
        t0 = bench_now() - t0;
        best = t0 < best ? t0 : best;
    }
    bench_report("funnel, 100k units, with exact tails", best, (double)u,
                 "units", 0, "");
    free(c);
    free(buf);
    free(flags);
    return 0;
}

/* One ARL case: compute, time, compare with spc's printed line. */
typedef struct arl_case {
    const char *name;
    int kind; /* 0 ewma, 1 cusum, 2 ewma limit, 3 cusum limit */
    double a, b, mu;
    uint32_t sides;
} arl_case;

static int
arl_eval(const arl_case *k, double *v)
{
    switch (k->kind) {
    case 0:
        return loy_arl_ewma(v, k->a, k->b, k->mu, k->sides, NULL);
    case 1:
        return loy_arl_cusum(v, k->a, k->b, k->mu, k->sides, NULL);
    case 2:
        return loy_arl_ewma_limit(v, k->a, k->b, k->sides, NULL);
    default:
        return loy_arl_cusum_limit(v, k->a, k->b, k->sides, NULL);
    }
}

static double
arl_time_us(const arl_case *k)
{
    double best = 1e30, v;
    int rep, i, calls = k->kind >= 2 ? 40 : 1000;
    for (rep = 0; rep < 5; rep++) {
        double t0 = cpu_now();
        for (i = 0; i < calls; i++)
            (void)arl_eval(k, &v);
        t0 = (cpu_now() - t0) / calls;
        best = t0 < best ? t0 : best;
    }
    return best * 1e6;
}

static int
bench_arl(void)
{
    static const arl_case cases[] = {
        {"cusum2_k0.5_h4_mu0", 1, 0.5, 4, 0, LOY_ARL_TWO_SIDED},
        {"cusum2_k0.5_h4_mu1", 1, 0.5, 4, 1, LOY_ARL_TWO_SIDED},
        {"cusum1_k0.5_h3_mu0", 1, 0.5, 3, 0, LOY_ARL_UPPER},
        {"cusum1_k0.5_h3_mu1.5", 1, 0.5, 3, 1.5, LOY_ARL_UPPER},
        {"ewma2_l0.1_L2.7_mu0", 0, 0.1, 2.7, 0, LOY_ARL_TWO_SIDED},
        {"ewma2_l0.5_L2_mu0", 0, 0.5, 2, 0, LOY_ARL_TWO_SIDED},
        {"ewma2_l0.03_L2.437_mu1", 0, 0.03, 2.437, 1, LOY_ARL_TWO_SIDED},
        {"ewma1_l0.1_L2.7_mu0.5", 0, 0.1, 2.7, 0.5, LOY_ARL_UPPER},
        {"ewmacrit2_l0.1_370", 2, 0.1, 370, 0, LOY_ARL_TWO_SIDED},
        {"cusumcrit2_k0.5_370", 3, 0.5, 370, 0, LOY_ARL_TWO_SIDED},
    };
    char cmd[1024], name[64];
    double rv, rus;
    FILE *p;
    int bad = 0;
    snprintf(cmd, sizeof cmd, "Rscript %s/consistency_spc.R 2>/dev/null",
             LOY_BENCH_DIR);
    p = popen(cmd, "r");
    if (p == NULL)
        return 1;
    printf("run lengths against R spc (same run): value, relative "
           "difference, CPU us per call, spc/libloyalty time\n");
    while (fscanf(p, "%63s %lf %lf", name, &rv, &rus) == 3) {
        size_t i;
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            double v = 0, us, rel;
            if (strcmp(cases[i].name, name) != 0)
                continue;
            if (arl_eval(&cases[i], &v) != LOY_OK)
                return 1;
            us = arl_time_us(&cases[i]);
            rel = fabs(v - rv) / fabs(rv);
            bad |= !(rel <= 1e-9);
            printf("  %-24s %.12g  %.1e  %8.1f us  spc %8.1f us  %6.2fx%s\n",
                   name, v, rel, us, rus, rus / us, rel <= 1e-9 ? "" : "  MISMATCH");
        }
    }
    pclose(p);
    return bad;
}

int
main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    int rc = 0;
    if (!*only || !strcmp(only, "arl"))
        rc |= bench_arl();
    if (!*only || !strcmp(only, "funnel"))
        rc |= bench_funnel();
    if (!*only || !strcmp(only, "chart"))
        rc |= bench_charts();
    return rc;
}
