/* SPDX-License-Identifier: MIT */
/*
 * topbox.c - are 9-10 answers gaining on 7-8 answers over time?
 *
 * "Consistency" in the customer-experience sense is customers scoring
 * 9-10 rather than 7-8. Among the satisfied (promoters P and passives A of
 * each period) the top-box share P/(P + A) is a binomial proportion, and
 * its trend over periods t is the slope of the logistic regression
 *   logit P(top box | t) = b0 + b1 (t - tbar),
 * fitted by Newton-Raphson on the grouped counts (McCullagh and Nelder
 * 1989, ch. 4). exp(b1) is the odds ratio per period. Periods of one unit
 * share raters, campaigns and seasons, so their proportions vary more than
 * binomially; the quasi-binomial dispersion phi = X^2/(T - 2) (Pearson
 * X^2, floored at 1) scales the variance, so overdispersed series do not
 * produce false trends (McCullagh and Nelder 1989, 4.5). With phi
 * estimated (above 1), the test and interval use Student's t with T - 2
 * degrees of freedom, as R's glm(family = quasibinomial) does; otherwise
 * the binomial variance is taken as known and the normal distribution
 * applies. Detractors do not enter: this is about the top of the scale,
 * not the NPS.
 *
 * When every such answer is top-box, or none is, or the two separate in
 * time, the maximum-likelihood slope is infinite; the unit is flagged and
 * nothing else is written (there is no finite estimate to report).
 */
#include "consistency/consistency_internal.h"
#include "numeric/normal.h"
#include "numeric/student.h"

#define MAX_ITER 100
#define ETA_MAX 30.0 /* |logit| beyond which a fit counts as separated */

/* Sufficient data of one unit: y_t = P_t, m_t = P_t + A_t at t - tbar. */
typedef struct series {
    const uint64_t *row;
    size_t n_periods, stride, used, first, last;
    double tbar, ysum, msum;
} series;

static void
series_scan(series *s)
{
    size_t t;
    double tsum = 0.0;
    s->used = 0;
    s->ysum = s->msum = 0.0;
    for (t = 0; t < s->n_periods; t++) {
        const uint64_t *c = s->row + t * s->stride;
        double m = (double)c[1] + (double)c[2];
        if (m == 0.0)
            continue;
        if (s->used == 0)
            s->first = t;
        s->last = t;
        s->used++;
        tsum += (double)t;
        s->ysum += (double)c[2];
        s->msum += m;
    }
    s->tbar = s->used > 0 ? tsum / (double)s->used : 0.0;
}

/* Score, information and deviance at (b0, b1). */
typedef struct moments {
    double u0, u1, i00, i01, i11, dev, x2;
    double eta_max;
} moments;

static double
log_term(double y, double mu)
{
    return y > 0.0 ? y * log(y / mu) : 0.0;
}

static void
evaluate(moments *mo, const series *s, double b0, double b1)
{
    size_t t;
    memset(mo, 0, sizeof *mo);
    for (t = s->first; t <= s->last; t++) {
        const uint64_t *c = s->row + t * s->stride;
        double m = (double)c[1] + (double)c[2], y = (double)c[2];
        double x = (double)t - s->tbar, eta, pi, w, r;
        if (m == 0.0)
            continue;
        eta = b0 + b1 * x;
        pi = 1.0 / (1.0 + exp(-eta));
        w = m * pi * (1.0 - pi);
        r = y - m * pi;
        mo->u0 += r;
        mo->u1 += r * x;
        mo->i00 += w;
        mo->i01 += w * x;
        mo->i11 += w * x * x;
        mo->dev += 2.0 * (log_term(y, m * pi) + log_term(m - y, m * (1.0 - pi)));
        mo->x2 += w > 0.0 ? r * r / w : 0.0;
        if (fabs(eta) > mo->eta_max)
            mo->eta_max = fabs(eta);
    }
}

/* Newton-Raphson with step halving; 0 on convergence, 1 if separated. */
static int
fit(double b[2], moments *mo, const series *s)
{
    int it;
    b[0] = log(s->ysum / (s->msum - s->ysum));
    b[1] = 0.0;
    evaluate(mo, s, b[0], b[1]);
    for (it = 0; it < MAX_ITER; it++) {
        double det = mo->i00 * mo->i11 - mo->i01 * mo->i01;
        double d0, d1, step = 1.0, dev0 = mo->dev;
        moments next;
        if (!(det > 0.0))
            return 1;
        d0 = (mo->i11 * mo->u0 - mo->i01 * mo->u1) / det;
        d1 = (mo->i00 * mo->u1 - mo->i01 * mo->u0) / det;
        for (;;) {
            evaluate(&next, s, b[0] + step * d0, b[1] + step * d1);
            if (next.dev <= dev0 * (1.0 + 1e-12) + 1e-12 || step < 1e-10)
                break;
            step *= 0.5;
        }
        b[0] += step * d0;
        b[1] += step * d1;
        *mo = next;
        if (mo->eta_max > ETA_MAX)
            return 1;
        if (fabs(step * d1) <= 1e-12 * (1.0 + fabs(b[1]))
            && fabs(step * d0) <= 1e-12 * (1.0 + fabs(b[0])))
            return 0;
    }
    return 1;
}

static double
expit(double v)
{
    return v >= 0.0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v));
}

static void
trend_unit(const loy_trend_units *out, size_t i, series *s, double z,
           double level)
{
    double b[2], det, var1, phi = 1.0, se, pv;
    moments mo;
    uint32_t fl = 0;
    series_scan(s);
    LOY__PUT(out->n_periods, i, s->used);
    if (s->used < 2) {
        LOY__PUT(out->flags, i, LOY_TREND_EMPTY);
        return;
    }
    if (s->ysum == 0.0 || s->ysum == s->msum || fit(b, &mo, s) != 0) {
        LOY__PUT(out->flags, i, LOY_TREND_SEPARATED);
        return;
    }
    det = mo.i00 * mo.i11 - mo.i01 * mo.i01;
    var1 = mo.i00 / det;
    if (s->used > 2 && mo.x2 / (double)(s->used - 2) > 1.0) {
        phi = mo.x2 / (double)(s->used - 2);
        fl |= LOY_TREND_OVERDISPERSED;
    }
    se = sqrt(phi * var1);
    if (fl & LOY_TREND_OVERDISPERSED) {
        double df = (double)(s->used - 2);
        z = loy__t_crit(level, df);
        pv = 2.0 * loy__t_sf(fabs(b[1] / se), df);
    } else {
        pv = 2.0 * loy__normal_sf(fabs(b[1] / se));
    }
    LOY__PUT(out->slope, i, b[1]);
    LOY__PUT(out->se, i, se);
    LOY__PUT(out->lower, i, b[1] - z * se);
    LOY__PUT(out->upper, i, b[1] + z * se);
    LOY__PUT(out->p_value, i, pv);
    LOY__PUT(out->dispersion, i, phi);
    LOY__PUT(out->share_first, i, expit(b[0] + b[1] * ((double)s->first - s->tbar)));
    LOY__PUT(out->share_last, i, expit(b[0] + b[1] * ((double)s->last - s->tbar)));
    LOY__PUT(out->flags, i, fl);
}

int
loy_topbox_trend(const loy_trend_units *out, const uint64_t *counts,
                 size_t n_units, size_t n_periods, size_t stride,
                 double level, size_t *err_index)
{
    size_t n, i;
    double z;
    loy__set_index(err_index, LOY_NO_INDEX);
    LOY__REQUIRE(LOY__STRUCT_OK(out, sizeof *out), LOY_EINVAL);
    LOY__TRY(loy__tally_array_check(&n, counts, n_units, n_periods, stride));
    LOY__TRY(loy__normal_crit(&z, level));
    for (i = 0; i < n; i++) {
        loy__tri t;
        if (loy__tri_read(&t, counts, stride, i) != LOY_OK) {
            loy__set_index(err_index, i);
            return LOY_EOVERFLOW;
        }
    }
    for (i = 0; i < n_units; i++) {
        series s;
        s.row = counts + i * n_periods * stride;
        s.n_periods = n_periods;
        s.stride = stride;
        trend_unit(out, i, &s, z, level);
    }
    return LOY_OK;
}
