/* SPDX-License-Identifier: MIT */
/*
 * chart_scalar.c - the main pass of one unit's charts, point by point:
 * Shewhart and Laney limits, the EWMA with its exact variance for unequal
 * period sizes, the two-sided standardised CUSUM, the runs bookkeeping and
 * the signal code of every point. This is the portable path and the one
 * that writes per-point values; the AVX-512 path (chart_avx512.c) computes
 * the same codes eight units at a time.
 *
 * Per point with n answers: inv = 1/n, x = (P - D) inv,
 * z = (x - cl) sqrt(n) / sigma (the standardised distance in units of
 * s_t = sigma / sqrt(n)). Shewhart signals when |z| > limit, Laney when
 * |z| > limit sigma_z; the EWMA e = e + lambda (x - e) has variance
 * sigma^2 a with a = (1 - lambda)^2 a + lambda^2 inv (exact for unequal
 * n; a starts at 0 with e at cl), and signals when (e - cl)^2 >
 * L^2 sigma^2 a; the CUSUM runs on z. A gap changes nothing.
 */
#include "consistency/chart_internal.h"

/* State carried from point to point. */
typedef struct run_state {
    double e, a, cp, cm;
    int last;        /* side of the last useful point: -1, 0 (none), +1 */
    size_t cur;      /* length of the current run */
} run_state;

static double
clip1(double v)
{
    return v < -1.0 ? -1.0 : v > 1.0 ? 1.0 : v;
}

static double
max0(double v)
{
    return v > 0.0 ? v : 0.0;
}

/* Runs bookkeeping of one charted point on `side` (-1, 0, +1). */
static void
runs_step(loy__chart_unit *u, run_state *s, int side)
{
    if (side == 0)
        return;
    u->n_useful++;
    if (side == s->last) {
        s->cur++;
    } else {
        s->cur = 1;
        u->runs++;
    }
    if (s->cur > u->longest)
        u->longest = s->cur;
    s->last = side;
}

/* Signal bits of one charted point; updates the EWMA and CUSUM. */
static uint32_t
signals(const loy__chart_unit *u, const loy__chart_cfg *c, run_state *s,
        double x, double z, double inv)
{
    uint32_t code = 0;
    double ed;
    if (z > c->limit)
        code |= LOY_SIGNAL_SHEWHART_HIGH;
    if (z < -c->limit)
        code |= LOY_SIGNAL_SHEWHART_LOW;
    if (u->laney) {
        double ll = c->limit * u->sigma_z;
        if (z > ll)
            code |= LOY_SIGNAL_LANEY_HIGH;
        if (z < -ll)
            code |= LOY_SIGNAL_LANEY_LOW;
    }
    s->e = s->e + c->lambda * (x - s->e);
    s->a = s->a * c->c1 + c->lam2 * inv;
    ed = s->e - u->cl;
    if (ed * ed > c->ewma_limit * c->ewma_limit * u->var * s->a)
        code |= ed > 0.0 ? LOY_SIGNAL_EWMA_HIGH : ed < 0.0 ? LOY_SIGNAL_EWMA_LOW : 0u;
    s->cp = max0((s->cp + z) - c->k);
    s->cm = max0((s->cm - z) - c->k);
    if (s->cp > c->h)
        code |= LOY_SIGNAL_CUSUM_HIGH;
    if (s->cm > c->h)
        code |= LOY_SIGNAL_CUSUM_LOW;
    return code;
}

static void
note_first(loy__chart_unit *u, uint32_t code, size_t t)
{
    static const uint32_t mask[4] = {
        LOY_SIGNAL_SHEWHART_HIGH | LOY_SIGNAL_SHEWHART_LOW,
        LOY_SIGNAL_LANEY_HIGH | LOY_SIGNAL_LANEY_LOW,
        LOY_SIGNAL_EWMA_HIGH | LOY_SIGNAL_EWMA_LOW,
        LOY_SIGNAL_CUSUM_HIGH | LOY_SIGNAL_CUSUM_LOW};
    int j;
    for (j = 0; j < 4; j++)
        if ((code & mask[j]) && u->first[j] == LOY_NO_INDEX)
            u->first[j] = t;
}

/* Per-point values of a charted point. */
static void
put_values(const loy_chart_points *p, size_t i, const loy__chart_unit *u,
           const loy__chart_cfg *c, const run_state *s, double x, double sq,
           double inv)
{
    double st = u->sigma * (sq * inv); /* sigma / sqrt(n) */
    double ew = c->ewma_limit * sqrt(u->var * s->a);
    LOY__PUT(p->shewhart_lower, i, clip1(u->cl - c->limit * st));
    LOY__PUT(p->shewhart_upper, i, clip1(u->cl + c->limit * st));
    if (u->laney) {
        LOY__PUT(p->laney_lower, i, clip1(u->cl - c->limit * u->sigma_z * st));
        LOY__PUT(p->laney_upper, i, clip1(u->cl + c->limit * u->sigma_z * st));
    }
    LOY__PUT(p->ewma, i, s->e);
    LOY__PUT(p->ewma_lower, i, clip1(u->cl - ew));
    LOY__PUT(p->ewma_upper, i, clip1(u->cl + ew));
    LOY__PUT(p->cusum_upper, i, s->cp);
    LOY__PUT(p->cusum_lower, i, s->cm);
    (void)x;
}

int
loy__chart_main_scalar(loy__chart_unit *u, const uint64_t *row,
                       const loy__chart_cfg *c, const loy_chart_points *pts,
                       size_t base, size_t *err_t)
{
    run_state s;
    size_t t;
    s.e = u->cl;
    s.a = s.cp = s.cm = 0.0;
    s.last = 0;
    s.cur = 0;
    for (t = 0; t < c->n_periods; t++) {
        loy__tri p;
        uint32_t code = loy__chart_base_code(c, t);
        double nd, inv, sq, x, z;
        int side;
        if (loy__tri_read(&p, row, c->stride, t) != LOY_OK) {
            *err_t = t;
            return LOY_EOVERFLOW;
        }
        if (p.n == 0) {
            if (pts != NULL)
                LOY__PUT(pts->codes, base + t, code | LOY_SIGNAL_GAP);
            continue;
        }
        u->n_points++;
        nd = (double)p.n;
        inv = 1.0 / nd;
        sq = sqrt(nd);
        x = ((double)p.p - (double)p.d) / nd; /* as the centre line: (P - D) / n */
        if (pts != NULL)
            LOY__PUT(pts->nps, base + t, x);
        if (u->charted) {
            z = ((x - u->cl) * sq) * u->inv_sigma;
            side = (x > u->cl) - (x < u->cl);
            code |= side > 0 ? LOY_SIGNAL_ABOVE : side < 0 ? LOY_SIGNAL_BELOW : 0u;
            code |= signals(u, c, &s, x, z, inv);
            runs_step(u, &s, side);
            note_first(u, code, t);
            if (pts != NULL)
                put_values(pts, base + t, u, c, &s, x, sq, inv);
        }
        if (pts != NULL)
            LOY__PUT(pts->codes, base + t, code);
    }
    return LOY_OK;
}
