/* SPDX-License-Identifier: MIT */
/*
 * pnbd_testutil.h - helpers of test_pnbd.c and test_mbgnbd.c: tanh-sinh
 * quadrature (the brute-force oracle of the model formulas) and a reader of
 * the CDNOW summary file.
 */
#ifndef LOY_PNBD_TESTUTIL_H
#define LOY_PNBD_TESTUTIL_H

#include "testutil.h"

typedef double (*quad_fn)(double x, void *ctx);

/*
 * Tanh-sinh nodes t = t0, t0 + step, ... within |t| <= 4.5, summed with
 * their weights over (a, b). Nodes are placed by their distance to the
 * nearer endpoint so that integrable endpoint singularities are sampled
 * without touching the endpoint itself.
 */
static inline double
quad_ts_nodes(quad_fn f, void *ctx, double a, double b, double t0,
              double step)
{
    const double hp = 1.5707963267948966;
    double d = 0.5 * (b - a), sum = 0.0, t;
    for (t = t0; t <= 4.5 + 1e-12; t += step) {
        double u = hp * sinh(t), ch = cosh(u);
        double w = hp * cosh(t) / (ch * ch);
        double x = t < 0.0 ? a + d * 2.0 / (1.0 + exp(-2.0 * u))
                           : b - d * 2.0 / (1.0 + exp(2.0 * u));
        if (x <= a || x >= b || w == 0.0)
            continue;
        sum += w * f(x, ctx);
    }
    return sum * d;
}

/*
 * Integral over (a, b) to ~1e-13 relative: the step h is halved until
 * the estimate settles, each level adding only its new (odd) nodes.
 */
static inline double
quad_ts(quad_fn f, void *ctx, double a, double b)
{
    double h = 0.125, raw = quad_ts_nodes(f, ctx, a, b, -4.5, h);
    double prev = raw * h, cur = prev;
    int level;
    for (level = 0; level < 8; level++) {
        raw += quad_ts_nodes(f, ctx, a, b, -4.5 + 0.5 * h, h);
        h *= 0.5;
        cur = raw * h;
        if (fabs(cur - prev) <= 1e-13 * fabs(cur))
            break;
        prev = cur;
    }
    return cur;
}

/* Integral over (0, inf) through u = L v/(1-v), L the scale of f. */
typedef struct quad_inf_ctx {
    quad_fn f;
    void *ctx;
    double L;
} quad_inf_ctx;

static inline double
quad_inf_map(double v, void *c)
{
    const quad_inf_ctx *q = c;
    double om = 1.0 - v;
    return q->f(q->L * v / om, q->ctx) * q->L / (om * om);
}

static inline double
quad_ts_inf(quad_fn f, void *ctx, double L)
{
    quad_inf_ctx q;
    q.f = f;
    q.ctx = ctx;
    q.L = L;
    return quad_ts(quad_inf_map, &q, 0.0, 1.0);
}

/* The CDNOW summary (x, t_x, T in weeks), or 0 rows when absent. */
typedef struct cdnow_data {
    double *x, *tx, *T;
    size_t n;
} cdnow_data;

static inline int
cdnow_load(cdnow_data *d)
{
    char buf[1024], line[256];
    const char *path = loy_test_data_path("cdnow/cdnow_customers_summary.csv",
                                          buf, sizeof buf);
    FILE *f;
    size_t cap = 4096;
    d->n = 0;
    d->x = d->tx = d->T = NULL;
    if (path == NULL)
        return 0;
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    d->x = malloc(cap * sizeof(double));
    d->tx = malloc(cap * sizeof(double));
    d->T = malloc(cap * sizeof(double));
    if (fgets(line, sizeof line, f) == NULL) { /* header */
        fclose(f);
        return 0;
    }
    while (d->n < cap && fgets(line, sizeof line, f) != NULL) {
        double id;
        if (sscanf(line, "%lf,%lf,%lf,%lf", &id, &d->x[d->n], &d->tx[d->n],
                   &d->T[d->n]) == 4)
            d->n++;
    }
    fclose(f);
    return d->n > 0;
}

static inline void
cdnow_free(cdnow_data *d)
{
    free(d->x);
    free(d->tx);
    free(d->T);
    d->x = d->tx = d->T = NULL;
}

#endif /* LOY_PNBD_TESTUTIL_H */
