/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_sim.c - in control, every chart raises false alarms at
 * the rate it was designed for (MODELS.md 13.3, 13.4).
 *
 * Tallies are drawn from Multinomial(n; d0, a0, p0) with p0 = d0 = 0.35,
 * so NPS = 0 and the distribution of P - D is symmetric (no skewness
 * correction, and for the runs rules every point off the line is above
 * with probability exactly 1/2). The charts use that target (fixed), so
 * what is tested is the charts' logic, not a baseline estimate. The
 * generator has a fixed seed, so each check is a deterministic pass/fail;
 * every tolerance is 4.5 standard errors of the Monte Carlo estimate, so a
 * correct chart fails for fewer than 1 seed in 100,000.
 *
 * Designs:
 * - Shewhart (3 sigma) and Laney: the per-point probability P(|z| > c),
 *   computed exactly for the discrete P - D at n = 1000 with the exact
 *   tails (tested against the O(n^2) oracle in test_consistency_exact.c);
 *   Laney's c = 3 sigma_z of each unit, with sigma_z from the first half of
 *   the series and signals counted in the second half: a point that also
 *   entered sigma_z is less likely to cross a limit it widened (counted
 *   over the whole series, Laney's rate comes out 2-3 SE low).
 * - EWMA (lambda 0.2, L 2.2) with the exact variance: ARL0 = 64.5590603607
 *   from spc 0.6.7, xewma.arl(0.2, 2.2, 0, sided = "two", limits = "vacl")
 *   (Knoth's variance-adjusted limits are what the chart uses; the fixed
 *   asymptotic limits would give 69.01).
 * - CUSUM (k 0.75, h 1.5): ARL0 from loy_arl_cusum(), exact for h <= 2k
 *   (tested against spc in test_consistency_arl.c).
 * - Anhoej runs rules: the probability that n_u fair coin flips break
 *   either rule, computed exactly by dynamic programming over (current run
 *   length, number of runs), for each unit's n_u.
 */
#include "testutil.h"

#include <string.h>

/* ---- Exact binomial draws: inversion from the mode ---------------------- */

typedef struct binom {
    uint64_t n, mode;
    double p, f_mode;
} binom;

static void
binom_init(binom *b, uint64_t n, double p)
{
    double nd = (double)n, m;
    b->n = n;
    b->p = p;
    m = floor((nd + 1.0) * p);
    if (m > nd)
        m = nd;
    b->mode = (uint64_t)m;
    b->f_mode = exp(lgamma(nd + 1.0) - lgamma(m + 1.0) - lgamma(nd - m + 1.0)
                    + m * log(p) + (nd - m) * log1p(-p));
}

/* Walk out from the mode, alternately down and up, subtracting each
 * outcome's probability from a uniform: every outcome is taken with its
 * binomial probability (up to rounding). */
static uint64_t
binom_draw(const binom *b, loy_test_rng *r)
{
    double u = loy_test_rng_uniform(r) - b->f_mode;
    double flo = b->f_mode, fhi = b->f_mode, q = 1.0 - b->p;
    uint64_t lo = b->mode, hi = b->mode;
    if (b->p <= 0.0)
        return 0;
    if (b->p >= 1.0)
        return b->n;
    while (u >= 0.0) {
        int moved = 0;
        if (lo > 0) {
            flo *= (double)lo / (double)(b->n - lo + 1) * q / b->p;
            lo--;
            u -= flo;
            moved = 1;
            if (u < 0.0)
                return lo;
        }
        if (hi < b->n) {
            fhi *= (double)(b->n - hi) / (double)(hi + 1) * b->p / q;
            hi++;
            u -= fhi;
            moved = 1;
            if (u < 0.0)
                return hi;
        }
        if (!moved)
            return b->mode; /* rounding left a sliver of probability */
    }
    return b->mode;
}

/* (D, A, P) ~ Multinomial(n; d0, a0, p0): D, then P among the rest. */
static void
draw_tally(uint64_t *c, const binom *bd, double p_rest, loy_test_rng *r)
{
    binom bp;
    uint64_t d = binom_draw(bd, r), p;
    binom_init(&bp, bd->n - d, p_rest);
    p = binom_draw(&bp, r);
    c[0] = d;
    c[1] = bd->n - d - p;
    c[2] = p;
}

/* Two-sided exact P(|P - D| >= x) at n answers, p0 = d0. */
static double
two_sided_tail(uint64_t n, uint64_t x, double p0)
{
    loy_nps_tally t = LOY_NPS_TALLY_INIT;
    double lo, hi;
    t.detractors = 0;
    t.promoters = x;
    t.passives = n - x;
    assert_ok(loy_funnel_exact_tails(&lo, &hi, &t, p0, p0));
    return 2.0 * hi;
}

static void
assert_within(double observed, double expected, double sd, const char *what)
{
    print_message("%-9s observed %.6g, design %.6g, difference %.2f SE\n",
                  what, observed, expected, (observed - expected) / sd);
    assert_true(fabs(observed - expected) <= 4.5 * sd);
}

/* ---- Shewhart, Laney, EWMA, CUSUM ---------------------------------------- */

enum { RA = 2000, TA = 600, NA = 1000 };

static void
test_shewhart_laney_ewma_cusum(void **state)
{
    static uint64_t c[3 * RA * TA];
    static uint32_t codes[RA * TA];
    static double sigma_z[RA];
    static size_t first_ewma[RA], first_cusum[RA];
    const double p0 = 0.35, sigma = sqrt(0.7), sn = sigma * sqrt((double)NA);
    loy_test_rng rng = {0x5EED0001u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    loy_chart_units u;
    loy_chart_points p;
    binom bd;
    size_t i, sh = 0, la = 0;
    double p_sh, e_la = 0, v_la = 0, arl_cusum, s1 = 0, s2 = 0, m, sd;
    (void)state;
    binom_init(&bd, NA, p0);
    for (i = 0; i < (size_t)RA * TA; i++)
        draw_tally(c + 3 * i, &bd, p0 / (1.0 - p0), &rng);
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = p0;
    o.target_detractors = p0;
    o.limit = 3.0;
    o.ewma_lambda = 0.2;
    o.ewma_limit = 2.2;
    o.cusum_k = 0.75;
    o.cusum_h = 1.5;
    o.baseline_length = TA / 2; /* Laney's sigma_z only: the target is fixed */
    memset(&u, 0, sizeof u);
    u.struct_size = sizeof u;
    u.sigma_z = sigma_z;
    u.first_ewma = first_ewma;
    u.first_cusum = first_cusum;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.codes = codes;
    assert_ok(loy_chart_compute(&u, &p, c, RA, TA, 3, &o, NULL));

    /* Shewhart: |z| > 3 is |P - D| > 3 sigma sqrt(n) = 79.4, i.e. >= 80. */
    for (i = 0; i < (size_t)RA * TA; i++) {
        sh += (codes[i] & (LOY_SIGNAL_SHEWHART_HIGH | LOY_SIGNAL_SHEWHART_LOW)) != 0;
        la += i % TA >= TA / 2
              && (codes[i] & (LOY_SIGNAL_LANEY_HIGH | LOY_SIGNAL_LANEY_LOW));
    }
    p_sh = two_sided_tail(NA, (uint64_t)floor(3.0 * sn) + 1, p0);
    assert_within((double)sh, p_sh * RA * TA, sqrt(p_sh * (1 - p_sh) * RA * TA),
                  "Shewhart");
    /* the discrete design is close to the normal 2 Phi(-3) = 0.0027 */
    assert_close(p_sh, 0.0026997960632601, 0.1, 0);

    /* Laney: each unit's own limit 3 sigma_z, out of sample. */
    for (i = 0; i < RA; i++) {
        double q = two_sided_tail(NA, (uint64_t)floor(3.0 * sigma_z[i] * sn) + 1,
                                  p0);
        assert_close(sigma_z[i], 1.0, 0.3, 0); /* no overdispersion */
        e_la += q * (TA / 2);
        v_la += q * (1 - q) * (TA / 2);
    }
    assert_within((double)la, e_la, sqrt(v_la), "Laney");

    /* EWMA: mean run length against the variance-adjusted ARL0. */
    for (i = 0; i < RA; i++) {
        double rl = first_ewma[i] == LOY_NO_INDEX ? TA : (double)first_ewma[i] + 1;
        s1 += rl;
        s2 += rl * rl;
    }
    m = s1 / RA;
    sd = sqrt((s2 / RA - m * m) / RA);
    assert_within(m, 64.5590603607496, sd, "EWMA ARL");

    /* CUSUM: mean run length against the Brook-Evans ARL0. */
    assert_ok(loy_arl_cusum(&arl_cusum, 0.75, 1.5, 0.0, LOY_ARL_TWO_SIDED, NULL));
    assert_close(arl_cusum, 21.282620205569, 1e-10, 0); /* spc xcusum.arl */
    s1 = s2 = 0;
    for (i = 0; i < RA; i++) {
        double rl = first_cusum[i] == LOY_NO_INDEX ? TA : (double)first_cusum[i] + 1;
        s1 += rl;
        s2 += rl * rl;
    }
    m = s1 / RA;
    sd = sqrt((s2 / RA - m * m) / RA);
    assert_within(m, arl_cusum, sd, "CUSUM ARL");
}

/* ---- Runs rules ------------------------------------------------------------ */

/* P(a fair +/- sequence of length n breaks a rule): longest run > lmax or
 * runs - 1 < cmin. State: current run length r (1..lmax), runs so far. */
static double
runs_signal_prob(size_t n, size_t lmax, size_t cmin)
{
    static double cur[16][64], nxt[16][64];
    size_t t, r, k;
    double ok = 0;
    if (n == 0)
        return 0.0;
    assert_true(lmax < 16 && n < 64);
    memset(cur, 0, sizeof cur);
    cur[1][1] = 1.0;
    for (t = 1; t < n; t++) {
        memset(nxt, 0, sizeof nxt);
        for (r = 1; r <= lmax; r++)
            for (k = 1; k <= t; k++) {
                double w = cur[r][k];
                if (w == 0)
                    continue;
                if (r + 1 <= lmax)
                    nxt[r + 1][k] += 0.5 * w; /* same side */
                nxt[1][k + 1] += 0.5 * w;     /* crossing */
            }
        memcpy(cur, nxt, sizeof cur);
    }
    for (r = 1; r <= lmax; r++)
        for (k = 1; k <= n; k++)
            if (k - 1 >= cmin)
                ok += cur[r][k];
    return 1.0 - ok;
}

enum { RB = 20000, TB = 24, NB = 20 };

static void
test_runs_rules(void **state)
{
    static uint64_t c[3 * RB * TB];
    static size_t n_useful[RB], lmax[RB], cmin[RB];
    static uint32_t flags[RB];
    const double p0 = 0.35;
    loy_test_rng rng = {0x5EED0002u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    loy_chart_units u;
    binom bd;
    size_t i, sig = 0;
    double e = 0, v = 0;
    (void)state;
    binom_init(&bd, NB, p0);
    for (i = 0; i < (size_t)RB * TB; i++)
        draw_tally(c + 3 * i, &bd, p0 / (1.0 - p0), &rng);
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = p0;
    o.target_detractors = p0;
    memset(&u, 0, sizeof u);
    u.struct_size = sizeof u;
    u.n_useful = n_useful;
    u.longest_run_limit = lmax;
    u.crossings_limit = cmin;
    u.flags = flags;
    assert_ok(loy_chart_compute(&u, NULL, c, RB, TB, 3, &o, NULL));
    for (i = 0; i < RB; i++) {
        double q = runs_signal_prob(n_useful[i], lmax[i], cmin[i]);
        sig += (flags[i] & (LOY_CHART_LONG_RUN | LOY_CHART_FEW_CROSSINGS)) != 0;
        e += q;
        v += q * (1 - q);
    }
    assert_within((double)sig, e, sqrt(v), "runs");
    /* The rules are meant to signal rarely in control: about 5-10%. */
    assert_true(e / RB > 0.02 && e / RB < 0.15);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shewhart_laney_ewma_cusum),
        cmocka_unit_test(test_runs_rules),
    };
    return cmocka_run_group_tests_name("consistency_sim", tests, NULL, NULL);
}
