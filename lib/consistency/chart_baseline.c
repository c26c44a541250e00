/* SPDX-License-Identifier: MIT */
/*
 * chart_baseline.c - what a unit's baseline window gives its charts: the
 * centre line cl = (sum P - sum D)/N, the per-response variance
 * sigma^2 = p + d - cl^2 (written p(1-p) + d(1-d) + 2pd so that it cannot
 * cancel to a negative), and Laney's sigma_z, the mean moving range of
 * the window's z-scores over d2 = 1.128 (Laney 2002). Consecutive means
 * consecutive among the periods with answers: a gap neither breaks nor
 * enters a moving range.
 */
#include "consistency/chart_internal.h"

int
loy__chart_baseline_scalar(loy__chart_unit *u, const uint64_t *row,
                           const loy__chart_cfg *c, size_t *err_t)
{
    size_t t;
    for (t = c->b0; t < c->b1; t++) {
        loy__tri p;
        int rc = loy__tri_read(&p, row, c->stride, t);
        if (rc == LOY_OK)
            rc = loy__add_u64(&u->base_n, p.n);
        if (rc == LOY_OK)
            rc = loy__add_u64(&u->base_p, p.p);
        if (rc == LOY_OK)
            rc = loy__add_u64(&u->base_d, p.d);
        if (rc != LOY_OK) {
            *err_t = t;
            return rc;
        }
    }
    return LOY_OK;
}

void
loy__chart_params(loy__chart_unit *u, const loy__chart_cfg *c)
{
    u->charted = 1;
    if (c->fixed) {
        u->cl = c->fixed_cl;
        u->var = c->fixed_var;
    } else if (u->base_n == 0) {
        u->flags |= LOY_CHART_NO_BASELINE;
        u->charted = 0;
        return;
    } else {
        double n = (double)u->base_n;
        double p = (double)u->base_p / n, d = (double)u->base_d / n;
        u->cl = ((double)u->base_p - (double)u->base_d) / n;
        u->var = loy__answer_var(p, d);
        if (u->base_p == u->base_n || u->base_d == u->base_n
            || u->base_p + u->base_d == 0) {
            u->flags |= LOY_CHART_DEGENERATE;
            u->charted = 0;
            return;
        }
    }
    u->sigma = sqrt(u->var);
    u->inv_sigma = 1.0 / u->sigma;
}

void
loy__chart_laney_scalar(loy__chart_unit *u, const uint64_t *row,
                        const loy__chart_cfg *c)
{
    double zprev = 0.0;
    int have = 0;
    size_t t;
    for (t = c->b0; t < c->b1; t++) {
        const uint64_t *q = row + t * c->stride;
        uint64_t n = q[0] + q[1] + q[2]; /* checked by the baseline pass */
        double nd, x, z;
        if (n == 0)
            continue;
        nd = (double)n;
        /* (P - D) / n exactly as the centre line is formed: with 1/n
         * a constant series could sit one ulp off its own centre line */
        x = ((double)q[2] - (double)q[0]) / nd;
        z = ((x - u->cl) * sqrt(nd)) * u->inv_sigma;
        if (have) {
            u->mr_sum += fabs(z - zprev);
            u->mr_count++;
        }
        zprev = z;
        have = 1;
    }
}

void
loy__chart_laney_finish(loy__chart_unit *u)
{
    if (u->charted && u->mr_count > 0 && u->mr_sum > 0.0) {
        u->sigma_z = u->mr_sum / (double)u->mr_count / LOY__CHART_D2;
        u->laney = 1;
    } else {
        u->flags |= LOY_CHART_NO_LANEY;
        u->laney = 0;
    }
}
