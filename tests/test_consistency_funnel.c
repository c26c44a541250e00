/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_funnel.c - funnel analysis of units (MODELS.md 13.2):
 * constructed cases with known answers, independent re-computations of
 * phi, tau^2, Benjamini-Hochberg and DerSimonian-Laird, exact flags and
 * limits, and every error class.
 */
#include "testutil.h"

#include <string.h>

#define MAXU 512
#define SENTINEL -12345.0

/* Per-unit output arrays, prefilled with a sentinel. */
typedef struct outs {
    double nps[MAXU], var[MAXU], se[MAXU], z[MAXU], za[MAXU], p[MAXU];
    double pl[MAXU], pu[MAXU], sh[MAXU], shse[MAXU];
    uint32_t fl[MAXU];
    loy_funnel_units u;
} outs;

static void
outs_init(outs *o)
{
    size_t i;
    for (i = 0; i < MAXU; i++) {
        o->nps[i] = o->var[i] = o->se[i] = o->z[i] = o->za[i] = o->p[i] =
            o->pl[i] = o->pu[i] = o->sh[i] = o->shse[i] = SENTINEL;
        o->fl[i] = 0xDEADu;
    }
    memset(&o->u, 0, sizeof o->u);
    o->u.struct_size = sizeof o->u;
    o->u.nps = o->nps;
    o->u.variance = o->var;
    o->u.se = o->se;
    o->u.z = o->z;
    o->u.z_adjusted = o->za;
    o->u.p_value = o->p;
    o->u.p_lower = o->pl;
    o->u.p_upper = o->pu;
    o->u.shrunk = o->sh;
    o->u.shrunk_se = o->shse;
    o->u.flags = o->fl;
}

static void
set(uint64_t *c, size_t i, uint64_t d, uint64_t a, uint64_t p)
{
    c[3 * i] = d;
    c[3 * i + 1] = a;
    c[3 * i + 2] = p;
}

static loy_funnel_result
run(outs *o, const uint64_t *c, size_t n, const loy_funnel_options *opts)
{
    loy_funnel_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    outs_init(o);
    assert_ok(loy_funnel_compute(&r, &o->u, c, n, 3, opts, NULL));
    return r;
}

/* Identical units: target = their NPS, z = 0, no heterogeneity. */
static void
test_homogeneous(void **state)
{
    uint64_t c[30];
    outs o;
    loy_funnel_result r;
    size_t i;
    (void)state;
    for (i = 0; i < 10; i++)
        set(c, i, 20, 30, 50);
    r = run(&o, c, 10, NULL);
    assert_int_equal(r.n_units, 10);
    assert_int_equal(r.n_used, 10);
    assert_int_equal(r.n_total, 1000);
    assert_close(r.target, 0.3, 1e-15, 0);
    assert_close(r.target_variance, 0.61, 1e-14, 0);
    assert_close(r.z_levels[0], 1.959963984540054, 1e-14, 0);
    assert_close(r.z_levels[1], 3.090232306167813, 1e-14, 0);
    assert_close(r.q_stat, 0.0, 0, 1e-20);
    assert_close(r.tau2, 0.0, 0, 0);
    assert_close(r.tau, 0.0, 0, 0);
    assert_close(r.i2, 0.0, 0, 0);
    assert_close(r.phi, 0.0, 0, 1e-24);
    assert_close(r.tau2_od, 0.0, 0, 0);
    assert_close(r.mu, 0.3, 1e-14, 0);
    assert_close(r.mu_se, sqrt(0.61 / 1000.0), 1e-12, 0);
    assert_int_equal(r.n_fdr, 0);
    assert_true(r.flags & LOY_FUNNEL_NO_DISCOVERY);
    for (i = 0; i < 10; i++) {
        assert_close(o.nps[i], 0.3, 1e-15, 0);
        assert_close(o.se[i], sqrt(0.61 / 100.0), 1e-14, 0);
        assert_close(o.z[i], 0.0, 0, 1e-13);
        assert_close(o.p[i], 1.0, 1e-12, 0);
        assert_close(o.sh[i], 0.3, 1e-14, 0);
        assert_int_equal(o.fl[i], 0);
    }
}

/* One unit shifted by a known amount among equal ones is flagged at both
 * levels, by Bonferroni, BH and the exact tails; the others are not. */
static void
test_shifted_unit(void **state)
{
    uint64_t c[3 * 21];
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    outs o;
    loy_funnel_result r;
    double n = 21.0 * 400.0, p0, d0, t0, s2, z_out;
    size_t i;
    (void)state;
    for (i = 0; i < 20; i++)
        set(c, i, 80, 120, 200); /* NPS 0.3 */
    set(c, 20, 160, 120, 120);   /* NPS -0.1 */
    opts.flags = LOY_FUNNEL_EXACT;
    r = run(&o, c, 21, &opts);
    p0 = (20 * 200.0 + 120.0) / n;
    d0 = (20 * 80.0 + 160.0) / n;
    t0 = p0 - d0;
    s2 = p0 + d0 - t0 * t0;
    assert_close(r.target, t0, 1e-14, 0);
    assert_close(r.target_variance, s2, 1e-13, 0);
    z_out = (-0.1 - t0) / sqrt(s2 / 400.0);
    assert_close(o.z[20], z_out, 1e-12, 0);
    assert_true(z_out < -9.0);
    assert_int_equal(o.fl[20], LOY_FUNNEL_BELOW | LOY_FUNNEL_OUTSIDE_INNER
                                   | LOY_FUNNEL_OUTSIDE_OUTER
                                   | LOY_FUNNEL_BONFERRONI | LOY_FUNNEL_FDR
                                   | LOY_FUNNEL_EXACT_INNER
                                   | LOY_FUNNEL_EXACT_OUTER);
    for (i = 0; i < 20; i++) {
        assert_close(o.z[i], (0.3 - t0) / sqrt(s2 / 400.0), 1e-12, 0);
        assert_int_equal(o.fl[i], LOY_FUNNEL_ABOVE);
    }
    assert_int_equal(r.n_outside[0], 1);
    assert_int_equal(r.n_outside[1], 1);
    assert_int_equal(r.n_bonferroni, 1);
    assert_int_equal(r.n_fdr, 1);
    assert_int_equal(r.n_exact[0], 1);
    assert_int_equal(r.n_exact[1], 1);
    assert_close(r.fdr_p, o.p[20], 1e-15, 0);
    assert_close(r.fdr_z, fabs(z_out), 1e-9, 0);
    /* Heterogeneity: not homogeneous any more. */
    assert_true(r.tau2 > 0.005 && r.i2 > 0.5);
    /* The shifted unit is shrunk towards mu, the others barely move. */
    assert_true(o.sh[20] > -0.1 && o.sh[20] < r.mu);
}

/* A fixed target and z-scores at chosen distances from the limits. */
static void
test_fixed_target_levels(void **state)
{
    uint64_t c[3 * 4];
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    outs o;
    loy_funnel_result r;
    const double s = sqrt(0.61 / 100.0);
    (void)state;
    opts.target = LOY_FUNNEL_TARGET_FIXED;
    opts.target_promoters = 0.5;
    opts.target_detractors = 0.2;
    set(c, 0, 20, 30, 50); /* 0.30: z = 0 */
    set(c, 1, 15, 30, 55); /* 0.40: z = 1.28 */
    set(c, 2, 10, 34, 56); /* 0.46: z = 2.05 */
    set(c, 3, 5, 35, 60);  /* 0.55: z = 3.20 */
    r = run(&o, c, 4, &opts);
    assert_close(r.target, 0.3, 1e-15, 0);
    assert_close(r.target_promoters, 0.5, 0, 0);
    assert_close(o.z[1], 0.1 / s, 1e-12, 0);
    assert_close(o.z[2], 0.16 / s, 1e-12, 0);
    assert_close(o.z[3], 0.25 / s, 1e-12, 0);
    assert_close(o.p[2], erfc(0.16 / s / sqrt(2.0)), 1e-12, 0);
    assert_int_equal(o.fl[0], 0);
    assert_int_equal(o.fl[1], LOY_FUNNEL_ABOVE);
    assert_int_equal(o.fl[2] & (LOY_FUNNEL_OUTSIDE_INNER | LOY_FUNNEL_OUTSIDE_OUTER),
                     LOY_FUNNEL_OUTSIDE_INNER);
    assert_true(o.fl[3] & LOY_FUNNEL_OUTSIDE_OUTER);
    /* Custom levels move the flags. */
    opts.levels[0] = 0.80;
    opts.levels[1] = 0.90;
    r = run(&o, c, 4, &opts);
    /* z = 1.2804 stays inside 1.2816; 2.05 is outside 1.645 */
    assert_false(o.fl[1] & LOY_FUNNEL_OUTSIDE_INNER);
    assert_true(o.fl[2] & LOY_FUNNEL_OUTSIDE_OUTER);
    assert_close(r.z_levels[0], 1.2815515655446004, 1e-13, 0);
}

/* phi, the additive tau^2 and the multiplicative scale, re-computed. */
static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
q7(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q, f = floor(h);
    size_t j = (size_t)f;
    if (j + 1 >= n)
        return sorted[n - 1];
    return sorted[j] + (h - f) * (sorted[j + 1] - sorted[j]);
}

static void
test_overdispersion(void **state)
{
    enum { N = 60 };
    uint64_t c[3 * N];
    double zs[N], lo, hi, phi = 0.0, sw = 0.0, sw2 = 0.0, tau2, den;
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    loy_test_rng rng = {77u};
    outs o;
    loy_funnel_result r;
    size_t i;
    (void)state;
    /* Units whose true NPS varies (overdispersed). */
    for (i = 0; i < N; i++) {
        uint64_t n = 50 + loy_test_rng_next(&rng) % 400, d, p;
        double shift = 0.3 * (loy_test_rng_uniform(&rng) - 0.5);
        d = (uint64_t)((double)n * (0.2 - shift / 2));
        p = (uint64_t)((double)n * (0.5 + shift / 2));
        set(c, i, d, n - d - p, p);
    }
    r = run(&o, c, N, NULL);
    memcpy(zs, o.z, sizeof zs);
    qsort(zs, N, sizeof zs[0], cmp_double);
    lo = q7(zs, N, 0.1);
    hi = q7(zs, N, 0.9);
    for (i = 0; i < N; i++) {
        double zw = fmin(fmax(o.z[i], lo), hi);
        double w = 1.0 / (o.se[i] * o.se[i]);
        phi += zw * zw / N;
        sw += w;
        sw2 += w * w;
    }
    den = sw - sw2 / sw;
    tau2 = N * phi < N - 1 ? 0.0 : (N * phi - (N - 1)) / den;
    assert_close(r.phi, phi, 1e-12, 0);
    assert_close(r.tau2_od, tau2, 1e-10, 0);
    assert_true(r.phi > 1.5);
    assert_int_equal(r.overdispersion, LOY_FUNNEL_OD_NONE);
    for (i = 0; i < N; i++)
        assert_close(o.za[i], o.z[i], 0, 0);
    /* Additive: z_od = (theta - theta0)/sqrt(s^2 + tau^2). */
    opts.overdispersion = LOY_FUNNEL_OD_ADDITIVE;
    r = run(&o, c, N, &opts);
    assert_true(r.flags & LOY_FUNNEL_OD_APPLIED);
    assert_int_equal(r.overdispersion, LOY_FUNNEL_OD_ADDITIVE);
    for (i = 0; i < N; i++) {
        double za = (o.nps[i] - r.target) / sqrt(o.se[i] * o.se[i] + tau2);
        assert_close(o.za[i], za, 1e-10, 1e-14);
        assert_close(o.p[i], erfc(fabs(za) / sqrt(2.0)), 1e-9, 1e-300);
        assert_int_equal(!!(o.fl[i] & LOY_FUNNEL_OUTSIDE_INNER),
                         fabs(za) > 1.959963984540054);
    }
    /* Multiplicative: z / sqrt(phi). */
    opts.overdispersion = LOY_FUNNEL_OD_MULTIPLICATIVE;
    r = run(&o, c, N, &opts);
    for (i = 0; i < N; i++)
        assert_close(o.za[i], o.z[i] / sqrt(phi), 1e-12, 1e-15);
    /* Winsorising at 0: plain mean square. */
    opts.winsor = 0.0;
    r = run(&o, c, N, &opts);
    phi = 0.0;
    for (i = 0; i < N; i++)
        phi += o.z[i] * o.z[i] / N;
    assert_close(r.phi, phi, 1e-12, 0);
    /* Under-dispersed units: multiplicative adjustment not applied. */
    for (i = 0; i < N; i++)
        set(c, i, 20 + i % 2, 30, 50 - i % 2);
    r = run(&o, c, N, &opts);
    assert_true(r.phi < 1.0);
    assert_false(r.flags & LOY_FUNNEL_OD_APPLIED);
    for (i = 0; i < N; i++)
        assert_close(o.za[i], o.z[i], 0, 0);
}

/* Benjamini-Hochberg and Bonferroni against a sort-based version. */
static void
test_multiplicity(void **state)
{
    enum { N = 300 };
    static uint64_t c[3 * N];
    double ps[N], pstar = 0.0;
    loy_test_rng rng = {4242u};
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    outs o;
    loy_funnel_result r;
    size_t i, k, kstar = 0, nb = 0;
    (void)state;
    for (i = 0; i < N; i++) {
        uint64_t n = 100 + loy_test_rng_next(&rng) % 100;
        double shift = i % 10 == 0 ? 0.25 * loy_test_rng_uniform(&rng) : 0.0;
        uint64_t d = (uint64_t)((double)n * (0.25 + shift)
                                * (0.8 + 0.4 * loy_test_rng_uniform(&rng)));
        uint64_t p = (n - d) / 2;
        set(c, i, d, n - d - p, p);
    }
    opts.alpha = 0.1;
    r = run(&o, c, N, &opts);
    memcpy(ps, o.p, sizeof ps);
    qsort(ps, N, sizeof ps[0], cmp_double);
    for (k = 1; k <= N; k++)
        if (ps[k - 1] <= (double)k * 0.1 / N) {
            kstar = k;
            pstar = ps[k - 1];
        }
    assert_true(kstar > 0);
    assert_int_equal(r.n_fdr, kstar);
    assert_close(r.fdr_p, pstar, 0, 0);
    for (i = 0; i < N; i++) {
        assert_int_equal(!!(o.fl[i] & LOY_FUNNEL_FDR), o.p[i] <= pstar);
        assert_int_equal(!!(o.fl[i] & LOY_FUNNEL_BONFERRONI),
                         o.p[i] < 0.1 / N);
        nb += o.p[i] < 0.1 / N;
    }
    assert_int_equal(r.n_bonferroni, nb);
    /* z* gives back p_(k*): 2 (1 - Phi(z*)) = p*. */
    assert_close(erfc(r.fdr_z / sqrt(2.0)), pstar, 1e-9, 0);
}

/* DerSimonian-Laird, I^2 and shrinkage re-computed from the outputs. */
static void
test_heterogeneity(void **state)
{
    enum { N = 200 };
    static uint64_t c[3 * N];
    loy_test_rng rng = {99u};
    outs o;
    loy_funnel_result r;
    double sw = 0, swt = 0, sw2 = 0, fe, q = 0, tau2, i2, sws = 0, swst = 0,
           mu;
    size_t i;
    (void)state;
    /* True NPS spread with SD 0.1 around 0.3; large units. */
    for (i = 0; i < N; i++) {
        double u1 = loy_test_rng_uniform(&rng), u2 = loy_test_rng_uniform(&rng);
        double g = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
        double theta = 0.3 + 0.1 * g, pp = 0.5 + theta / 2 - 0.15,
               dd = pp - theta;
        uint64_t n = 2000, d = (uint64_t)(2000.0 * dd), p = (uint64_t)(2000.0 * pp);
        set(c, i, d, n - d - p, p);
    }
    r = run(&o, c, N, NULL);
    for (i = 0; i < N; i++) {
        double w = 1.0 / (o.var[i] / 2000.0);
        sw += w;
        swt += w * o.nps[i];
        sw2 += w * w;
    }
    fe = swt / sw;
    for (i = 0; i < N; i++)
        q += (o.nps[i] - fe) * (o.nps[i] - fe) / (o.var[i] / 2000.0);
    tau2 = fmax(0.0, (q - (N - 1)) / (sw - sw2 / sw));
    i2 = (q - (N - 1)) / q;
    for (i = 0; i < N; i++) {
        double ws = 1.0 / (o.var[i] / 2000.0 + tau2);
        sws += ws;
        swst += ws * o.nps[i];
    }
    mu = swst / sws;
    assert_close(r.fixed_mean, fe, 1e-12, 0);
    assert_close(r.q_stat, q, 1e-10, 0);
    assert_close(r.tau2, tau2, 1e-10, 0);
    assert_close(r.tau, sqrt(tau2), 1e-10, 0);
    assert_close(r.i2, i2, 1e-10, 0);
    assert_close(r.mu, mu, 1e-12, 0);
    assert_close(r.mu_se, sqrt(1.0 / sws), 1e-10, 0);
    /* The consistency figure finds the spread that was built in. */
    assert_close(r.tau, 0.1, 0.15, 0);
    for (i = 0; i < N; i++) {
        double v = o.var[i] / 2000.0, b = tau2 / (tau2 + v);
        assert_close(o.sh[i], mu + b * (o.nps[i] - mu), 1e-12, 1e-15);
        assert_close(o.shse[i], sqrt(b * v + (1 - b) * (1 - b) / sws), 1e-10,
                     0);
    }
}

/* Empty units are flagged and excluded; degenerate ones leave DL. */
static void
test_empty_and_degenerate(void **state)
{
    uint64_t c[3 * 5], c2[3 * 3];
    outs o;
    loy_funnel_result r, r2;
    (void)state;
    set(c, 0, 20, 30, 50);
    set(c, 1, 0, 0, 0);   /* empty */
    set(c, 2, 10, 40, 50);
    set(c, 3, 0, 0, 7);   /* all promoters */
    set(c, 4, 30, 30, 40);
    r = run(&o, c, 5, NULL);
    assert_int_equal(r.n_units, 5);
    assert_int_equal(r.n_used, 4);
    assert_int_equal(r.n_degenerate, 1);
    assert_int_equal(r.n_total, 307);
    assert_int_equal(o.fl[1], LOY_FUNNEL_EMPTY);
    assert_true(o.nps[1] == SENTINEL && o.z[1] == SENTINEL
                && o.sh[1] == SENTINEL && o.p[1] == SENTINEL);
    assert_true(o.fl[3] & LOY_FUNNEL_DEGENERATE);
    assert_close(o.var[3], 0.0, 0, 0);
    /* Shrinkage of the degenerate unit uses the target variance. */
    {
        double v = r.target_variance / 7.0, b = r.tau2 / (r.tau2 + v);
        assert_close(o.sh[3], r.mu + b * (1.0 - r.mu), 1e-12, 0);
    }
    /* The same as a funnel without the empty unit. */
    set(c2, 0, 20, 30, 50);
    set(c2, 1, 10, 40, 50);
    set(c2, 2, 30, 30, 40);
    r2 = run(&o, c2, 3, NULL);
    assert_int_equal(r2.n_degenerate, 0);
    /* DL ignores the degenerate unit: its estimate equals the funnel of
     * the three others. */
    assert_close(r.tau2, r2.tau2, 1e-12, 1e-18);
    assert_close(r.q_stat, r2.q_stat, 1e-12, 1e-18);
    /* A single usable unit: no heterogeneity, flagged. */
    r = run(&o, c, 1, NULL);
    assert_true(r.flags & LOY_FUNNEL_NO_HETEROGENEITY);
    assert_true(r.flags & LOY_FUNNEL_NO_OVERDISPERSION);
    assert_close(r.tau2, 0.0, 0, 0);
}

/* stride 4 (the grouped tally layout) gives the same as stride 3. */
static void
test_stride(void **state)
{
    uint64_t c3[3 * 6], c4[4 * 6];
    outs a, b;
    loy_funnel_result r3, r4;
    size_t i;
    (void)state;
    for (i = 0; i < 6; i++) {
        set(c3, i, 10 + i, 20 + 3 * i, 40 - 2 * i);
        c4[4 * i] = c3[3 * i];
        c4[4 * i + 1] = c3[3 * i + 1];
        c4[4 * i + 2] = c3[3 * i + 2];
        c4[4 * i + 3] = 999; /* rejected: ignored */
    }
    r3 = run(&a, c3, 6, NULL);
    memset(&r4, 0, sizeof r4);
    r4.struct_size = sizeof r4;
    outs_init(&b);
    assert_ok(loy_funnel_compute(&r4, &b.u, c4, 6, 4, NULL, NULL));
    assert_close(r3.tau2, r4.tau2, 0, 0);
    assert_close(r3.phi, r4.phi, 0, 0);
    for (i = 0; i < 6; i++) {
        assert_close(a.z[i], b.z[i], 0, 0);
        assert_close(a.sh[i], b.sh[i], 0, 0);
    }
    /* NULL per-unit outputs are fine. */
    assert_ok(loy_funnel_compute(&r4, NULL, c4, 6, 4, NULL, NULL));
    assert_close(r3.tau2, r4.tau2, 0, 0);
}

/* Exact tails per unit equal the public one-tally function; limits. */
static void
test_exact_and_limits(void **state)
{
    uint64_t c[3 * 8], sizes[8];
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    outs o;
    loy_funnel_result r;
    double lo[8], hi[8], lo2[8], hi2[8];
    size_t i, bad = 0;
    (void)state;
    set(c, 0, 1, 2, 3);
    set(c, 1, 0, 1, 7);
    set(c, 2, 6, 1, 1);
    set(c, 3, 20, 30, 50);
    set(c, 4, 50, 30, 20);
    set(c, 5, 3, 3, 4);
    set(c, 6, 200, 300, 500);
    set(c, 7, 2, 0, 9);
    opts.flags = LOY_FUNNEL_EXACT;
    r = run(&o, c, 8, &opts);
    for (i = 0; i < 8; i++) {
        loy_nps_tally t = LOY_NPS_TALLY_INIT;
        double l, u;
        t.detractors = c[3 * i];
        t.passives = c[3 * i + 1];
        t.promoters = c[3 * i + 2];
        assert_ok(loy_funnel_exact_tails(&l, &u, &t, r.target_promoters,
                                         r.target_detractors));
        assert_close(o.pl[i], l, 0, 0);
        assert_close(o.pu[i], u, 0, 0);
        sizes[i] = c[3 * i] + c[3 * i + 1] + c[3 * i + 2];
    }
    /* A unit is outside the exact limits exactly when its tail is small. */
    for (i = 0; i < 2; i++) {
        size_t j;
        assert_ok(loy_funnel_limits(lo, hi, &r, sizes, 8, r.levels[i],
                                    LOY_FUNNEL_LIMITS_EXACT, NULL));
        for (j = 0; j < 8; j++) {
            uint32_t bit = i == 0 ? LOY_FUNNEL_EXACT_INNER : LOY_FUNNEL_EXACT_OUTER;
            int out = o.nps[j] < lo[j] || o.nps[j] > hi[j];
            assert_int_equal(!!(o.fl[j] & bit), out);
        }
        /* Normal limits: outside exactly when |z| > z_a. */
        assert_ok(loy_funnel_limits(lo2, hi2, &r, sizes, 8, r.levels[i],
                                    LOY_FUNNEL_LIMITS_NORMAL, NULL));
        for (j = 0; j < 8; j++) {
            assert_close(hi2[j], r.target + r.z_levels[i] * o.se[j], 1e-13, 0);
            assert_close(lo2[j], r.target - r.z_levels[i] * o.se[j], 1e-13, 1e-15);
        }
    }
    /* Adjusted limits follow the fit's adjustment. */
    opts.overdispersion = LOY_FUNNEL_OD_ADDITIVE;
    r = run(&o, c, 8, &opts);
    assert_ok(loy_funnel_limits(lo, hi, &r, sizes, 8, 0.95,
                                LOY_FUNNEL_LIMITS_ADJUSTED, NULL));
    for (i = 0; i < 8; i++)
        assert_close(hi[i],
                     r.target + 1.959963984540054
                                    * sqrt(o.se[i] * o.se[i] + r.tau2_od),
                     1e-13, 0);
    /* Limit errors. */
    sizes[3] = 0;
    assert_status(loy_funnel_limits(lo, hi, &r, sizes, 8, 0.95,
                                    LOY_FUNNEL_LIMITS_NORMAL, &bad),
                  LOY_EINVAL);
    assert_int_equal(bad, 3);
    sizes[3] = 100;
    assert_status(loy_funnel_limits(lo, hi, &r, sizes, 8, 1.0,
                                    LOY_FUNNEL_LIMITS_NORMAL, NULL),
                  LOY_EDOMAIN);
    assert_status(loy_funnel_limits(lo, hi, &r, sizes, 8, 0.95, 3, NULL),
                  LOY_EINVAL);
    assert_status(loy_funnel_limits(NULL, hi, &r, sizes, 8, 0.95, 0, NULL),
                  LOY_EINVAL);
    r.target_promoters = 1.0;
    r.target_detractors = 0.0;
    assert_status(loy_funnel_limits(lo, hi, &r, sizes, 8, 0.95, 0, NULL),
                  LOY_EDOMAIN);
}

/* Random funnels with empty and degenerate units: nothing non-finite. */
static void
test_never_nan(void **state)
{
    enum { N = 64 };
    uint64_t c[3 * N];
    loy_test_rng rng = {123u};
    loy_funnel_options opts = LOY_FUNNEL_OPTIONS_INIT;
    int rep;
    (void)state;
    for (rep = 0; rep < 40; rep++) {
        outs o;
        loy_funnel_result r;
        size_t i;
        for (i = 0; i < N; i++) {
            uint64_t kind = loy_test_rng_next(&rng) % 6;
            uint64_t n = loy_test_rng_next(&rng) % 30;
            uint64_t d = n ? loy_test_rng_next(&rng) % (n + 1) : 0;
            uint64_t p = (n - d) ? loy_test_rng_next(&rng) % (n - d + 1) : 0;
            if (kind == 0)
                set(c, i, 0, 0, n);
            else
                set(c, i, d, n - d - p, p);
        }
        set(c, 0, 3, 3, 3);
        opts.overdispersion = (uint32_t)(rep % 3);
        opts.flags = rep % 2 ? LOY_FUNNEL_EXACT : 0u;
        r = run(&o, c, N, &opts);
        assert_true(isfinite(r.target) && isfinite(r.phi) && isfinite(r.tau2)
                    && isfinite(r.i2) && isfinite(r.mu) && isfinite(r.mu_se)
                    && isfinite(r.fdr_z) && isfinite(r.q_stat)
                    && isfinite(r.tau2_od) && isfinite(r.fdr_p));
        for (i = 0; i < N; i++) {
            if (o.fl[i] & LOY_FUNNEL_EMPTY)
                continue;
            assert_true(isfinite(o.nps[i]) && isfinite(o.var[i])
                        && isfinite(o.se[i]) && isfinite(o.z[i])
                        && isfinite(o.za[i]) && isfinite(o.p[i])
                        && isfinite(o.sh[i]) && isfinite(o.shse[i]));
            if (opts.flags)
                assert_true(isfinite(o.pl[i]) && isfinite(o.pu[i]));
        }
    }
}

static void
test_errors(void **state)
{
    uint64_t c[3 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    uint64_t z[3 * 2] = {0};
    loy_funnel_result r;
    loy_funnel_options o = LOY_FUNNEL_OPTIONS_INIT;
    loy_funnel_units u;
    size_t bad = 0;
    (void)state;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.target = 77.0;
    memset(&u, 0, sizeof u);
    u.struct_size = sizeof u;
    assert_status(loy_funnel_compute(&r, NULL, c, 0, 3, NULL, NULL), LOY_EEMPTY);
    assert_status(loy_funnel_compute(&r, NULL, z, 2, 3, NULL, NULL), LOY_EEMPTY);
    assert_status(loy_funnel_compute(&r, NULL, NULL, 3, 3, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 2, NULL, NULL), LOY_EINVAL);
    assert_status(loy_funnel_compute(NULL, NULL, c, 3, 3, NULL, NULL),
                  LOY_EINVAL);
    r.struct_size = 16;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, NULL, NULL), LOY_EINVAL);
    r.struct_size = sizeof r;
    u.struct_size = 8;
    assert_status(loy_funnel_compute(&r, &u, c, 3, 3, NULL, NULL), LOY_EINVAL);
    /* Overflow: within a unit, and of the total. */
    c[3] = UINT64_MAX;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, NULL, &bad),
                  LOY_EOVERFLOW);
    assert_int_equal(bad, 1);
    c[3] = UINT64_MAX / 2;
    c[6] = UINT64_MAX / 2 + 10;
    c[4] = c[5] = c[7] = c[8] = 0;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, NULL, &bad),
                  LOY_EOVERFLOW);
    assert_int_equal(bad, 2);
    c[3] = 4;
    c[4] = 5;
    c[5] = 6;
    c[6] = 7;
    c[7] = 8;
    c[8] = 9;
    /* Options. */
    o.target = 2;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EINVAL);
    o.target = 0;
    o.overdispersion = 3;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EINVAL);
    o.overdispersion = 0;
    o.flags = 0x80;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EINVAL);
    o.flags = 0;
    o.levels[0] = NAN;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL),
                  LOY_ENONFINITE);
    o.levels[0] = 0.999;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.levels[0] = 0.95;
    o.levels[1] = 1.0;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.levels[1] = 0.998;
    o.winsor = 0.5;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.winsor = 0.1;
    o.alpha = 0.0;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.alpha = 0.05;
    o.target = LOY_FUNNEL_TARGET_FIXED;
    o.target_promoters = 0.7;
    o.target_detractors = 0.4;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.target_promoters = 1.0; /* zero variance */
    o.target_detractors = 0.0;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EDOMAIN);
    o.target_promoters = NAN;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL),
                  LOY_ENONFINITE);
    o.struct_size = 4;
    assert_status(loy_funnel_compute(&r, NULL, c, 3, 3, &o, NULL), LOY_EINVAL);
    /* Pooled target with all answers in one class. */
    {
        uint64_t one[6] = {0, 0, 5, 0, 0, 9};
        assert_status(loy_funnel_compute(&r, NULL, one, 2, 3, NULL, NULL),
                      LOY_EDEGENERATE);
    }
    assert_true(r.target == 77.0); /* untouched */
    assert_status(loy_funnel_options_init(NULL), LOY_EINVAL);
    assert_ok(loy_funnel_options_init(&o));
    assert_close(o.levels[1], 0.998, 0, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_homogeneous),
        cmocka_unit_test(test_shifted_unit),
        cmocka_unit_test(test_fixed_target_levels),
        cmocka_unit_test(test_overdispersion),
        cmocka_unit_test(test_multiplicity),
        cmocka_unit_test(test_heterogeneity),
        cmocka_unit_test(test_empty_and_degenerate),
        cmocka_unit_test(test_stride),
        cmocka_unit_test(test_exact_and_limits),
        cmocka_unit_test(test_never_nan),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("consistency_funnel", tests, NULL, NULL);
}
