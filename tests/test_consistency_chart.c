/* SPDX-License-Identifier: MIT */
/*
 * test_consistency_chart.c - control charts of NPS per period (MODELS.md
 * 13.3): a straightforward re-implementation of the formulas as the
 * reference, constructed shifts, runs rules, gaps, baselines, the AVX-512
 * path against the scalar one, and every error class.
 */
#include "testutil.h"

#include <string.h>

#include "consistency/chart_internal.h"

#define SENTINEL -777.0

/* ---- Reference implementation, point by point from MODELS.md ---------- */

typedef struct ref_out {
    double cl, sigma, sigma_z;
    int charted, laney;
    double x[512], sl[512], su[512], ll[512], lu[512], e[512], el[512],
        eu[512], cp[512], cm[512];
    uint32_t code[512];
    size_t first[4], longest, crossings, n_useful;
} ref_out;

static double
clip(double v)
{
    return v < -1 ? -1 : v > 1 ? 1 : v;
}

static void
reference(ref_out *r, const uint64_t *c, size_t T, size_t stride,
          const loy_chart_options *o)
{
    double N = 0, SP = 0, SD = 0, mr = 0, zprev = 0, e, a = 0, cp = 0, cm = 0;
    size_t b0 = o->baseline_start, b1, t, mrn = 0, cur = 0, runs = 0;
    int have = 0, last = 0;
    memset(r, 0, sizeof *r);
    b1 = o->baseline_length ? b0 + o->baseline_length : T;
    for (t = b0; t < b1; t++) {
        N += (double)(c[t * stride] + c[t * stride + 1] + c[t * stride + 2]);
        SP += (double)c[t * stride + 2];
        SD += (double)c[t * stride];
    }
    if (o->target == LOY_CHART_TARGET_FIXED) {
        r->cl = o->target_promoters - o->target_detractors;
        r->sigma = sqrt(o->target_promoters + o->target_detractors
                        - r->cl * r->cl);
        r->charted = 1;
    } else if (N > 0 && SP < N && SD < N && SP + SD > 0) {
        r->cl = (SP - SD) / N;
        r->sigma = sqrt(SP / N + SD / N - r->cl * r->cl);
        r->charted = 1;
    }
    for (t = b0; t < b1 && r->charted; t++) {
        double n = (double)(c[t * stride] + c[t * stride + 1] + c[t * stride + 2]);
        double z;
        if (n == 0)
            continue;
        z = ((double)c[t * stride + 2] - (double)c[t * stride]) / n - r->cl;
        z /= r->sigma / sqrt(n);
        if (have) {
            mr += fabs(z - zprev);
            mrn++;
        }
        zprev = z;
        have = 1;
    }
    if (mrn > 0 && mr > 0) {
        r->sigma_z = mr / (double)mrn / 1.128;
        r->laney = 1;
    }
    e = r->cl;
    r->first[0] = r->first[1] = r->first[2] = r->first[3] = LOY_NO_INDEX;
    for (t = 0; t < T; t++) {
        double n = (double)(c[t * stride] + c[t * stride + 1] + c[t * stride + 2]);
        double x, s, z, ed;
        uint32_t code = (t >= b0 && t < b1) ? LOY_SIGNAL_BASELINE : 0;
        int side, j;
        if (n == 0) {
            r->code[t] = code | LOY_SIGNAL_GAP;
            continue;
        }
        x = ((double)c[t * stride + 2] - (double)c[t * stride]) / n;
        r->x[t] = x;
        if (!r->charted) {
            r->code[t] = code;
            continue;
        }
        s = r->sigma / sqrt(n);
        z = (x - r->cl) / s;
        r->sl[t] = clip(r->cl - o->limit * s);
        r->su[t] = clip(r->cl + o->limit * s);
        if (x > r->cl + o->limit * s)
            code |= LOY_SIGNAL_SHEWHART_HIGH;
        if (x < r->cl - o->limit * s)
            code |= LOY_SIGNAL_SHEWHART_LOW;
        if (r->laney) {
            r->ll[t] = clip(r->cl - o->limit * r->sigma_z * s);
            r->lu[t] = clip(r->cl + o->limit * r->sigma_z * s);
            if (x > r->cl + o->limit * r->sigma_z * s)
                code |= LOY_SIGNAL_LANEY_HIGH;
            if (x < r->cl - o->limit * r->sigma_z * s)
                code |= LOY_SIGNAL_LANEY_LOW;
        }
        e = o->ewma_lambda * x + (1 - o->ewma_lambda) * e;
        a = (1 - o->ewma_lambda) * (1 - o->ewma_lambda) * a
            + o->ewma_lambda * o->ewma_lambda / n;
        r->e[t] = e;
        ed = o->ewma_limit * sqrt(r->sigma * r->sigma * a);
        r->el[t] = clip(r->cl - ed);
        r->eu[t] = clip(r->cl + ed);
        if (e > r->cl + ed)
            code |= LOY_SIGNAL_EWMA_HIGH;
        if (e < r->cl - ed)
            code |= LOY_SIGNAL_EWMA_LOW;
        cp = fmax(0, cp + z - o->cusum_k);
        cm = fmax(0, cm - z - o->cusum_k);
        r->cp[t] = cp;
        r->cm[t] = cm;
        if (cp > o->cusum_h)
            code |= LOY_SIGNAL_CUSUM_HIGH;
        if (cm > o->cusum_h)
            code |= LOY_SIGNAL_CUSUM_LOW;
        side = (x > r->cl) - (x < r->cl);
        if (side > 0)
            code |= LOY_SIGNAL_ABOVE;
        if (side < 0)
            code |= LOY_SIGNAL_BELOW;
        if (side != 0) {
            r->n_useful++;
            if (side == last) {
                cur++;
            } else {
                cur = 1;
                runs++;
            }
            if (cur > r->longest)
                r->longest = cur;
            last = side;
        }
        for (j = 0; j < 4; j++)
            if ((code & (0x30u << (2 * j))) && r->first[j] == LOY_NO_INDEX)
                r->first[j] = t;
        r->code[t] = code;
    }
    r->crossings = runs ? runs - 1 : 0;
}

/* ---- Helpers ------------------------------------------------------------ */

typedef struct pts_buf {
    double v[10][4096];
    uint32_t codes[4096];
    loy_chart_points p;
} pts_buf;

static void
pts_init(pts_buf *b)
{
    size_t i, k;
    for (k = 0; k < 10; k++)
        for (i = 0; i < 4096; i++)
            b->v[k][i] = SENTINEL;
    for (i = 0; i < 4096; i++)
        b->codes[i] = 0xFFFFFFFFu;
    memset(&b->p, 0, sizeof b->p);
    b->p.struct_size = sizeof b->p;
    b->p.nps = b->v[0];
    b->p.shewhart_lower = b->v[1];
    b->p.shewhart_upper = b->v[2];
    b->p.laney_lower = b->v[3];
    b->p.laney_upper = b->v[4];
    b->p.ewma = b->v[5];
    b->p.ewma_lower = b->v[6];
    b->p.ewma_upper = b->v[7];
    b->p.cusum_upper = b->v[8];
    b->p.cusum_lower = b->v[9];
    b->p.codes = b->codes;
}

typedef struct unit_buf {
    double centre[512], sigma[512], sigma_z[512];
    size_t n_points[512], n_useful[512], longest[512], longest_lim[512],
        crossings[512], crossings_lim[512], f[4][512];
    uint32_t flags[512];
    loy_chart_units u;
} unit_buf;

static void
units_init(unit_buf *b)
{
    size_t i;
    for (i = 0; i < 512; i++) {
        b->centre[i] = b->sigma[i] = b->sigma_z[i] = SENTINEL;
        b->n_points[i] = b->n_useful[i] = b->longest[i] = b->longest_lim[i] =
            b->crossings[i] = b->crossings_lim[i] = 9999;
        b->f[0][i] = b->f[1][i] = b->f[2][i] = b->f[3][i] = 9999;
        b->flags[i] = 0xFFFFu;
    }
    memset(&b->u, 0, sizeof b->u);
    b->u.struct_size = sizeof b->u;
    b->u.centre = b->centre;
    b->u.sigma = b->sigma;
    b->u.sigma_z = b->sigma_z;
    b->u.n_points = b->n_points;
    b->u.n_useful = b->n_useful;
    b->u.longest_run = b->longest;
    b->u.longest_run_limit = b->longest_lim;
    b->u.crossings = b->crossings;
    b->u.crossings_limit = b->crossings_lim;
    b->u.first_shewhart = b->f[0];
    b->u.first_laney = b->f[1];
    b->u.first_ewma = b->f[2];
    b->u.first_cusum = b->f[3];
    b->u.flags = b->flags;
}

/* A tally with n answers around shares (p, d), from the generator. */
static void
draw(uint64_t *c, loy_test_rng *r, uint64_t n, double p, double d)
{
    uint64_t i, D = 0, A = 0, P = 0;
    for (i = 0; i < n; i++) {
        double u = loy_test_rng_uniform(r);
        if (u < d)
            D++;
        else if (u < d + p)
            P++;
        else
            A++;
    }
    c[0] = D;
    c[1] = A;
    c[2] = P;
}

/* Compare a unit's outputs with the reference. */
static void
check_unit(const pts_buf *b, const unit_buf *ub, size_t u, size_t T,
           const uint64_t *row, size_t stride, const loy_chart_options *o)
{
    static ref_out r;
    size_t t, base = u * T;
    reference(&r, row, T, stride, o);
    for (t = 0; t < T; t++) {
        uint32_t got = b->codes[base + t] & ~LOY_SIGNAL_LONG_RUN;
        assert_int_equal(got, r.code[t]);
        if (r.code[t] & LOY_SIGNAL_GAP) {
            assert_true(b->v[0][base + t] == SENTINEL);
            assert_true(b->v[5][base + t] == SENTINEL);
            continue;
        }
        assert_close(b->v[0][base + t], r.x[t], 1e-14, 1e-15);
        if (!r.charted) {
            assert_true(b->v[1][base + t] == SENTINEL);
            continue;
        }
        assert_close(b->v[1][base + t], r.sl[t], 1e-13, 1e-14);
        assert_close(b->v[2][base + t], r.su[t], 1e-13, 1e-14);
        if (r.laney) {
            assert_close(b->v[3][base + t], r.ll[t], 1e-13, 1e-14);
            assert_close(b->v[4][base + t], r.lu[t], 1e-13, 1e-14);
        }
        assert_close(b->v[5][base + t], r.e[t], 1e-13, 1e-14);
        assert_close(b->v[6][base + t], r.el[t], 1e-12, 1e-14);
        assert_close(b->v[7][base + t], r.eu[t], 1e-12, 1e-14);
        assert_close(b->v[8][base + t], r.cp[t], 1e-11, 1e-12);
        assert_close(b->v[9][base + t], r.cm[t], 1e-11, 1e-12);
    }
    if (ub == NULL)
        return;
    if (r.charted) {
        assert_close(ub->centre[u], r.cl, 1e-14, 1e-15);
        assert_close(ub->sigma[u], r.sigma, 1e-14, 0);
        assert_int_equal(ub->longest[u], r.longest);
        assert_int_equal(ub->crossings[u], r.crossings);
        assert_int_equal(ub->n_useful[u], r.n_useful);
        if (r.laney)
            assert_close(ub->sigma_z[u], r.sigma_z, 1e-12, 0);
        else
            assert_true(ub->flags[u] & LOY_CHART_NO_LANEY);
    } else {
        assert_true(ub->centre[u] == SENTINEL);
        assert_true(ub->flags[u] & (LOY_CHART_NO_BASELINE | LOY_CHART_DEGENERATE));
    }
    assert_int_equal(ub->f[0][u], r.first[0]);
    assert_int_equal(ub->f[1][u], r.first[1]);
    assert_int_equal(ub->f[2][u], r.first[2]);
    assert_int_equal(ub->f[3][u], r.first[3]);
}

/* ---- Tests ---------------------------------------------------------------- */

/* Random units against the reference, several option sets. */
static void
test_against_reference(void **state)
{
    enum { U = 12, T = 150 };
    static uint64_t c[4 * U * T];
    static pts_buf b;
    static unit_buf ub;
    loy_test_rng rng = {31337u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t u, t, stride;
    int variant;
    (void)state;
    for (variant = 0; variant < 4; variant++) {
        stride = variant % 2 ? 4 : 3;
        for (u = 0; u < U; u++) {
            double shift = u % 3 == 0 ? -0.15 : 0.0;
            for (t = 0; t < T; t++) {
                uint64_t n = loy_test_rng_next(&rng) % 60;
                uint64_t *q = c + (u * T + t) * stride;
                if (u == 5 && t % 7 == 0)
                    n = 0; /* gaps */
                draw(q, &rng, n, t > 80 ? 0.5 + shift / 2 : 0.5,
                     t > 80 ? 0.2 - shift / 2 : 0.2);
                if (stride == 4)
                    q[3] = 5;
            }
        }
        /* An empty baseline, a degenerate baseline. */
        for (t = 0; t < 60; t++) {
            memset(c + (7 * T + t) * stride, 0, 3 * sizeof(uint64_t));
            c[(8 * T + t) * stride] = c[(8 * T + t) * stride + 1] = 0;
        }
        o = (loy_chart_options)LOY_CHART_OPTIONS_INIT;
        if (variant >= 2) {
            o.baseline_start = 10;
            o.baseline_length = 50;
            o.ewma_lambda = 0.3;
            o.ewma_limit = 2.7;
            o.cusum_k = 0.25;
            o.cusum_h = 3.5;
            o.limit = 2.5;
        }
        if (variant == 3) {
            o.target = LOY_CHART_TARGET_FIXED;
            o.target_promoters = 0.45;
            o.target_detractors = 0.22;
        }
        pts_init(&b);
        units_init(&ub);
        assert_ok(loy_chart_compute(&ub.u, &b.p, c, U, T, stride, &o, NULL));
        for (u = 0; u < U; u++)
            check_unit(&b, &ub, u, T, c + u * T * stride, stride, &o);
        if (variant == 2) {
            assert_true(ub.flags[7] & LOY_CHART_NO_BASELINE);
            assert_true(ub.flags[8] & LOY_CHART_DEGENERATE);
        }
    }
}

/* The EWMA variance with equal n: a_t = lambda/(2-lambda)(1-(1-lambda)^2t)/n. */
static void
test_ewma_equal_n(void **state)
{
    enum { T = 40 };
    uint64_t c[3 * T];
    static pts_buf b;
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    double sigma = sqrt(0.5 + 0.2 - 0.09);
    size_t t;
    (void)state;
    for (t = 0; t < T; t++) {
        c[3 * t] = 20;
        c[3 * t + 1] = 30;
        c[3 * t + 2] = 50;
    }
    o.ewma_lambda = 0.25;
    pts_init(&b);
    assert_ok(loy_chart_compute(NULL, &b.p, c, 1, T, 3, &o, NULL));
    for (t = 0; t < T; t++) {
        double a = 0.25 / 1.75 * (1 - pow(0.75, 2.0 * (double)(t + 1))) / 100.0;
        assert_close(b.v[7][t], 0.3 + 3.0 * sigma * sqrt(a), 1e-13, 0);
        assert_close(b.v[5][t], 0.3, 1e-14, 0);
        assert_int_equal(b.codes[t], LOY_SIGNAL_BASELINE);
    }
}

/* A step change at a known week is found by CUSUM, EWMA and runs. */
static void
test_step_change(void **state)
{
    enum { T = 104, STEP = 52 };
    static uint64_t c[3 * T];
    static pts_buf b;
    static unit_buf ub;
    loy_test_rng rng = {5u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t t;
    (void)state;
    for (t = 0; t < T; t++)
        draw(c + 3 * t, &rng, 200, t < STEP ? 0.5 : 0.4, t < STEP ? 0.2 : 0.3);
    o.baseline_length = STEP;
    pts_init(&b);
    units_init(&ub);
    assert_ok(loy_chart_compute(&ub.u, &b.p, c, 1, T, 3, &o, NULL));
    /* A 20-point drop: about 3.6 sigma of one week at n = 200. */
    assert_true(ub.f[3][0] >= STEP && ub.f[3][0] <= STEP + 3);
    assert_true(ub.f[2][0] >= STEP && ub.f[2][0] <= STEP + 4);
    assert_true(b.codes[ub.f[3][0]] & LOY_SIGNAL_CUSUM_LOW);
    assert_true(ub.flags[0] & LOY_CHART_LONG_RUN);
    for (t = STEP + 5; t < T; t++)
        assert_true(b.codes[t] & LOY_SIGNAL_CUSUM_LOW);
    /* Every point after the change is in the long run below the line, or
     * above it by chance. */
    for (t = STEP; t < T; t++)
        if (b.codes[t] & LOY_SIGNAL_BELOW)
            assert_true(b.codes[t] & LOY_SIGNAL_LONG_RUN);
    /* Nothing signals in the in-control baseline year. */
    for (t = 0; t < STEP; t++)
        assert_int_equal(b.codes[t] & LOY_SIGNAL_ANY & ~LOY_SIGNAL_LONG_RUN, 0);
}

/* Runs limits: MODELS.md table; qbinom against an independent sum. */
static void
test_runs_limits(void **state)
{
    static const size_t n[] = {10, 12, 16, 20, 24, 40, 50, 100};
    static const size_t lmax[] = {6, 7, 7, 7, 8, 8, 9, 10};
    static const size_t cmin[] = {2, 3, 4, 6, 8, 14, 19, 41};
    loy__runs_cache rc;
    size_t i, m;
    (void)state;
    loy__runs_cache_init(&rc);
    for (i = 0; i < 8; i++) {
        assert_int_equal(loy__runs_longest_limit(n[i]), lmax[i]);
        assert_int_equal(loy__runs_crossings_limit(&rc, n[i]), cmin[i]);
    }
    for (m = 1; m <= 3000; m += (m < 300 ? 1 : 97)) {
        size_t want = 0;
        double cdf = 0;
        /* exp(lgamma) binomial terms, summed until 0.05 */
        for (want = 0;; want++) {
            cdf += exp(lgamma((double)m + 1) - lgamma((double)want + 1)
                       - lgamma((double)(m - want) + 1)
                       - (double)m * log(2.0));
            if (cdf >= 0.05)
                break;
        }
        assert_int_equal(loy__runs_crossings_limit(&rc, m + 1), want);
        assert_int_equal(loy__runs_longest_limit(m),
                         (size_t)floor(log2((double)m) + 0.5) + 3);
    }
}

/* Runs are counted over useful points only; only runs longer than the
 * limit are marked. */
static void
test_runs_marking(void **state)
{
    /* x relative to cl = 0 (fixed target p0 = d0 = 0.4): 8 useful + with a
     * point on the line and a gap inside, 7 -, then 1 +: n_u = 16, limit
     * round(log2 16) + 3 = 7, so the + run of 8 signals and the - run of 7
     * does not. */
    static const int side[] = {1, 1, 0, 1, 9, 1, 1, 1, 1, 1,
                               -1, -1, -1, -1, -1, -1, -1, 1};
    enum { T = 18 };
    uint64_t c[3 * T];
    static pts_buf b;
    static unit_buf ub;
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t t;
    (void)state;
    for (t = 0; t < T; t++) {
        c[3 * t] = side[t] == -1 ? 6 : 4;
        c[3 * t + 1] = 2;
        c[3 * t + 2] = side[t] == 1 ? 6 : 4;
        if (side[t] == 9)
            c[3 * t] = c[3 * t + 1] = c[3 * t + 2] = 0;
    }
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = 0.4;
    o.target_detractors = 0.4;
    pts_init(&b);
    units_init(&ub);
    assert_ok(loy_chart_compute(&ub.u, &b.p, c, 1, T, 3, &o, NULL));
    assert_int_equal(ub.n_useful[0], 16);
    assert_int_equal(ub.n_points[0], 17);
    assert_int_equal(ub.longest[0], 8); /* the + run over the 0 and the gap */
    assert_int_equal(ub.crossings[0], 2);
    assert_int_equal(ub.longest_lim[0], 7);
    assert_int_equal(ub.crossings_lim[0], 4);
    assert_true(ub.flags[0] & LOY_CHART_LONG_RUN);
    assert_true(ub.flags[0] & LOY_CHART_FEW_CROSSINGS);
    for (t = 0; t < T; t++) {
        int in_run = t <= 9 && side[t] == 1;
        assert_int_equal(!!(b.codes[t] & LOY_SIGNAL_LONG_RUN), in_run);
    }
    assert_int_equal(b.codes[4], LOY_SIGNAL_GAP | LOY_SIGNAL_BASELINE);
    assert_int_equal(b.codes[2] & (LOY_SIGNAL_ABOVE | LOY_SIGNAL_BELOW), 0);
}

/* A gap changes nothing: the same series without it gives the same
 * EWMA and CUSUM afterwards. */
static void
test_gap_is_no_point(void **state)
{
    enum { T = 30 };
    uint64_t c[3 * T], d[3 * (T - 1)];
    static pts_buf b1, b2;
    loy_test_rng rng = {8u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t t;
    (void)state;
    for (t = 0; t < T; t++)
        draw(c + 3 * t, &rng, 40, 0.5, 0.2);
    c[3 * 12] = c[3 * 12 + 1] = c[3 * 12 + 2] = 0;
    for (t = 0; t < T - 1; t++)
        memcpy(d + 3 * t, c + 3 * (t < 12 ? t : t + 1), 3 * sizeof(uint64_t));
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = 0.5;
    o.target_detractors = 0.2;
    pts_init(&b1);
    pts_init(&b2);
    assert_ok(loy_chart_compute(NULL, &b1.p, c, 1, T, 3, &o, NULL));
    assert_ok(loy_chart_compute(NULL, &b2.p, d, 1, T - 1, 3, &o, NULL));
    assert_int_equal(b1.codes[12], LOY_SIGNAL_GAP | LOY_SIGNAL_BASELINE);
    assert_true(b1.v[5][12] == SENTINEL && b1.v[8][12] == SENTINEL);
    for (t = 13; t < T; t++) {
        assert_close(b1.v[5][t], b2.v[5][t - 1], 0, 0);
        assert_close(b1.v[7][t], b2.v[7][t - 1], 0, 0);
        assert_close(b1.v[8][t], b2.v[8][t - 1], 0, 0);
        assert_int_equal(b1.codes[t], b2.codes[t - 1]);
    }
}

/*
 * A unit answering the same way every period sits on its own centre line:
 * no side, no run, no signal. Points were once (P - D) * (1/n) against a
 * centre line (P - D) / n, which differ in the last bit for n = 3, 5,
 * ..., so a constant series read as "above the line" every period and
 * raised a long-run signal. 24 units, so the vector path runs too.
 */
static void
test_constant_series_on_centre(void **state)
{
    enum { U = 24, T = 30 };
    static uint64_t c[3 * U * T];
    static uint32_t codes[U * T];
    loy_chart_points pts = LOY_CHART_POINTS_INIT;
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t u, t;
    (void)state;
    for (u = 0; u < U; u++)
        for (t = 0; t < T; t++) {
            uint64_t *q = c + 3 * (u * T + t);
            q[0] = 1 + u % 3;         /* detractors */
            q[1] = u % 2;             /* passives */
            q[2] = 2 + (u * 7) % 5;   /* promoters: n from 3 to 9 */
        }
    pts.codes = codes;
    assert_ok(loy_chart_compute(NULL, &pts, c, U, T, 3, &o, NULL));
    for (u = 0; u < U * T; u++)
        assert_int_equal(codes[u] & (LOY_SIGNAL_ABOVE | LOY_SIGNAL_BELOW
                                     | LOY_SIGNAL_ANY), 0u);
}

/* Units not charted keep their value outputs untouched. */
static void
test_not_charted(void **state)
{
    enum { T = 10 };
    uint64_t c[3 * 2 * T] = {0};
    static pts_buf b;
    static unit_buf ub;
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t t;
    (void)state;
    for (t = 0; t < T; t++) {
        if (t >= 5) { /* unit 0: answers only after its baseline */
            c[3 * t] = 3;
            c[3 * t + 2] = 4;
        }
        c[3 * (T + t) + 2] = 9; /* unit 1: all promoters */
    }
    o.baseline_length = 5;
    pts_init(&b);
    units_init(&ub);
    assert_ok(loy_chart_compute(&ub.u, &b.p, c, 2, T, 3, &o, NULL));
    assert_int_equal(ub.flags[0], LOY_CHART_NO_BASELINE | LOY_CHART_NO_LANEY);
    assert_int_equal(ub.flags[1], LOY_CHART_DEGENERATE | LOY_CHART_NO_LANEY);
    assert_int_equal(ub.n_points[0], 5);
    assert_int_equal(ub.n_points[1], 10);
    assert_int_equal(ub.f[3][0], LOY_NO_INDEX);
    assert_true(ub.centre[0] == SENTINEL && ub.sigma[1] == SENTINEL);
    for (t = 0; t < T; t++) {
        assert_int_equal(b.codes[t], (t < 5 ? LOY_SIGNAL_BASELINE | LOY_SIGNAL_GAP : 0u));
        assert_int_equal(b.codes[T + t], t < 5 ? LOY_SIGNAL_BASELINE : 0u);
        assert_close(b.v[0][T + t], 1.0, 0, 0);
        assert_true(b.v[1][T + t] == SENTINEL);
    }
    /* A fixed target charts both. */
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = 0.5;
    o.target_detractors = 0.2;
    units_init(&ub);
    assert_ok(loy_chart_compute(&ub.u, NULL, c, 2, T, 3, &o, NULL));
    assert_int_equal(ub.flags[0] & (LOY_CHART_NO_BASELINE | LOY_CHART_DEGENERATE), 0);
    assert_true(ub.flags[0] & LOY_CHART_NO_LANEY);
    assert_close(ub.centre[1], 0.3, 1e-15, 0);
}

/* The AVX-512 path gives exactly what the scalar path gives. */
static void
test_vector_equals_scalar(void **state)
{
    enum { U = 61, T = 70 };
    static uint64_t c[4 * U * T];
    static uint32_t codes_s[U * T], codes_v[U * T];
    static unit_buf us, uv;
    loy_chart_points ps, pv;
    loy_test_rng rng = {2718u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    size_t u, t, stride;
    int variant;
    (void)state;
    if (!loy__chart_have_avx512()) {
        print_message("no AVX-512 on this CPU: the vector path is not run\n");
        return;
    }
    for (variant = 0; variant < 6; variant++) {
        stride = variant % 2 ? 4 : 3;
        for (u = 0; u < U; u++) {
            double d0 = 0.1 + 0.3 * loy_test_rng_uniform(&rng);
            for (t = 0; t < T; t++) {
                uint64_t n = loy_test_rng_next(&rng) % (u % 4 == 0 ? 4 : 90);
                draw(c + (u * T + t) * stride, &rng, n, 0.45, t > 40 ? d0 + 0.1 : d0);
            }
        }
        for (t = 0; t < T; t++) /* degenerate and empty units */
            memset(c + (13 * T + t) * stride, 0, 2 * sizeof(uint64_t));
        memset(c + 20 * T * stride, 0, T * stride * sizeof(uint64_t));
        if (variant == 5) /* a count the vector path hands back */
            c[(33 * T + 7) * stride + 1] = (uint64_t)1 << 41;
        o = (loy_chart_options)LOY_CHART_OPTIONS_INIT;
        if (variant >= 2) {
            o.baseline_start = 3;
            o.baseline_length = 30;
            o.cusum_h = 2.0;
            o.ewma_limit = 2.0;
            o.limit = 2.0;
        }
        if (variant == 4) {
            o.target = LOY_CHART_TARGET_FIXED;
            o.target_promoters = 0.45;
            o.target_detractors = 0.25;
        }
        memset(&ps, 0, sizeof ps);
        ps.struct_size = sizeof ps;
        pv = ps;
        ps.codes = codes_s;
        pv.codes = codes_v;
        units_init(&us);
        units_init(&uv);
        assert_ok(loy__chart_compute(&us.u, &ps, c, U, T, stride, &o, NULL, 1));
        assert_ok(loy__chart_compute(&uv.u, &pv, c, U, T, stride, &o, NULL, 0));
        assert_memory_equal(codes_s, codes_v, sizeof codes_s);
        assert_memory_equal(us.flags, uv.flags, sizeof us.flags);
        assert_memory_equal(us.centre, uv.centre, sizeof us.centre);
        assert_memory_equal(us.sigma, uv.sigma, sizeof us.sigma);
        assert_memory_equal(us.sigma_z, uv.sigma_z, sizeof us.sigma_z);
        assert_memory_equal(us.n_points, uv.n_points, sizeof us.n_points);
        assert_memory_equal(us.n_useful, uv.n_useful, sizeof us.n_useful);
        assert_memory_equal(us.longest, uv.longest, sizeof us.longest);
        assert_memory_equal(us.crossings, uv.crossings, sizeof us.crossings);
        assert_memory_equal(us.crossings_lim, uv.crossings_lim,
                            sizeof us.crossings_lim);
        assert_memory_equal(us.f, uv.f, sizeof us.f);
    }
}

/* Counts whose sum overflows: LOY_EOVERFLOW at the tally's index. */
static void
test_overflow(void **state)
{
    enum { U = 10, T = 6 };
    uint64_t c[3 * U * T];
    size_t bad = 0, t, u;
    int scalar;
    (void)state;
    for (u = 0; u < U; u++)
        for (t = 0; t < T; t++) {
            c[3 * (u * T + t)] = 1;
            c[3 * (u * T + t) + 1] = 2;
            c[3 * (u * T + t) + 2] = 3;
        }
    c[3 * (9 * T + 4) + 2] = UINT64_MAX - 1; /* after the baseline sum? */
    for (scalar = 0; scalar < 2; scalar++) {
        uint32_t codes[U * T];
        loy_chart_points p;
        memset(&p, 0, sizeof p);
        p.struct_size = sizeof p;
        p.codes = codes;
        assert_status(loy__chart_compute(NULL, &p, c, U, T, 3, NULL, &bad,
                                         scalar),
                      LOY_EOVERFLOW);
        assert_int_equal(bad, 9 * T + 4);
    }
    /* Baseline sums overflowing across periods. */
    c[3 * (9 * T + 4) + 2] = UINT64_MAX / 2;
    c[3 * (9 * T + 5) + 2] = UINT64_MAX / 2;
    assert_status(loy_chart_compute(NULL, NULL, c, U, T, 3, NULL, &bad),
                  LOY_EOVERFLOW);
    assert_int_equal(bad, 9 * T + 5);
}

static void
test_errors(void **state)
{
    uint64_t c[3 * 8] = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3,
                         1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    loy_chart_units u;
    loy_chart_points p;
    uint32_t codes[8] = {0};
    (void)state;
    memset(&u, 0, sizeof u);
    u.struct_size = sizeof u;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.codes = codes;
    assert_status(loy_chart_compute(&u, &p, c, 0, 8, 3, NULL, NULL), LOY_EEMPTY);
    assert_status(loy_chart_compute(&u, &p, c, 1, 0, 3, NULL, NULL), LOY_EEMPTY);
    assert_status(loy_chart_compute(&u, &p, NULL, 1, 8, 3, NULL, NULL),
                  LOY_EINVAL);
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 2, NULL, NULL), LOY_EINVAL);
    assert_status(loy_chart_compute(&u, &p, c, SIZE_MAX / 2, 8, 3, NULL, NULL),
                  LOY_EINVAL);
    u.struct_size = 8;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, NULL, NULL), LOY_EINVAL);
    u.struct_size = sizeof u;
    p.struct_size = 8;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, NULL, NULL), LOY_EINVAL);
    p.struct_size = sizeof p;
    o.struct_size = 8;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EINVAL);
    o.struct_size = sizeof o;
    o.target = 2;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EINVAL);
    o.target = 0;
    /* Baseline window outside the series. */
    o.baseline_start = 8;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.baseline_start = 5;
    o.baseline_length = 4;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.baseline_length = SIZE_MAX;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.baseline_start = 0;
    o.baseline_length = 0;
    /* Lambda outside (0, 1]. */
    o.ewma_lambda = 0.0;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.ewma_lambda = 1.2;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.ewma_lambda = NAN;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL),
                  LOY_ENONFINITE);
    o.ewma_lambda = 1.0; /* allowed: the Shewhart chart */
    assert_ok(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL));
    assert_int_equal(codes[0], LOY_SIGNAL_BASELINE); /* on the line */
    codes[0] = 0;
    o.ewma_lambda = 0.2;
    /* Non-positive limits. */
    o.limit = 0.0;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.limit = 3.0;
    o.ewma_limit = -1.0;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.ewma_limit = 3.0;
    o.cusum_h = 0.0;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.cusum_h = INFINITY;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL),
                  LOY_ENONFINITE);
    o.cusum_h = 5.0;
    o.cusum_k = -0.5;
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    o.cusum_k = 0.5;
    o.target = LOY_CHART_TARGET_FIXED;
    o.target_promoters = 0.0;
    o.target_detractors = 0.0; /* zero variance */
    assert_status(loy_chart_compute(&u, &p, c, 1, 8, 3, &o, NULL), LOY_EDOMAIN);
    /* Nothing was written by the failed calls (options checked first). */
    assert_int_equal(codes[0], 0);
    assert_status(loy_chart_options_init(NULL), LOY_EINVAL);
    assert_ok(loy_chart_options_init(&o));
    assert_close(o.cusum_h, 5.0, 0, 0);
}

/* Random inputs: no written output is ever NaN or infinite. */
static void
test_never_nan(void **state)
{
    enum { U = 9, T = 40 };
    static uint64_t c[3 * U * T];
    static pts_buf b;
    static unit_buf ub;
    loy_test_rng rng = {606u};
    loy_chart_options o = LOY_CHART_OPTIONS_INIT;
    int rep;
    (void)state;
    for (rep = 0; rep < 30; rep++) {
        size_t i, k;
        for (i = 0; i < U * T; i++) {
            uint64_t n = loy_test_rng_next(&rng) % 5;
            uint64_t kind = loy_test_rng_next(&rng) % 4;
            draw(c + 3 * i, &rng, n, kind == 0 ? 1.0 : 0.4, kind == 1 ? 1.0 : 0.3);
        }
        o.ewma_lambda = rep % 3 == 0 ? 1.0 : 0.1;
        o.cusum_k = rep % 2 ? 0.0 : 0.5;
        pts_init(&b);
        units_init(&ub);
        assert_ok(loy_chart_compute(&ub.u, &b.p, c, U, T, 3, &o, NULL));
        for (k = 0; k < 10; k++)
            for (i = 0; i < U * T; i++)
                assert_true(isfinite(b.v[k][i]));
        for (i = 0; i < U; i++)
            assert_true(isfinite(ub.centre[i]) && isfinite(ub.sigma[i])
                        && isfinite(ub.sigma_z[i]));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_ewma_equal_n),
        cmocka_unit_test(test_step_change),
        cmocka_unit_test(test_runs_limits),
        cmocka_unit_test(test_runs_marking),
        cmocka_unit_test(test_gap_is_no_point),
        cmocka_unit_test(test_constant_series_on_centre),
        cmocka_unit_test(test_not_charted),
        cmocka_unit_test(test_vector_equals_scalar),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_never_nan),
    };
    return cmocka_run_group_tests_name("consistency_chart", tests, NULL, NULL);
}
