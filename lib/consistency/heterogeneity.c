/* SPDX-License-Identifier: MIT */
/*
 * heterogeneity.c - how consistent are the units? Between-unit variance
 * tau^2 (DerSimonian and Laird 1986), I^2 (Higgins and Thompson 2002) and
 * empirical-Bayes shrinkage towards the random-effects mean.
 *
 * Each unit contributes its NPS theta_i with its own sampling variance
 * v_i = sigma_i^2 / n_i. A unit whose answers all fall in one class has
 * v_i = 0, an infinite weight: it is left out of these estimates (and
 * flagged by the funnel), never divided by.
 *
 * The shrunken NPS mu + B_i (theta_i - mu), B_i = tau^2 / (tau^2 + v_i),
 * ranks small units fairly: their noisy extremes are pulled to the mean.
 * Its standard error adds the uncertainty of mu to B_i v_i (Morris 1983):
 * Var = B_i v_i + (1 - B_i)^2 Var(mu), so that it never collapses to 0
 * when tau^2 = 0; tau^2 itself is treated as known.
 */
#include "consistency/consistency_internal.h"

/* Per-response variance of a tally. */
static double
own_variance(const loy__tri *t)
{
    double n = (double)t->n;
    return loy__answer_var((double)t->p / n, (double)t->d / n);
}

static int
usable(const loy__tri *t)
{
    return t->n > 0 && t->d != t->n && t->a != t->n && t->p != t->n;
}

/* Sum w, sum w theta, sum w^2 over the usable units; their count. */
static size_t
weight_sums(double s[3], const uint64_t *counts, size_t n_units,
            size_t stride)
{
    loy__ksum sw = {0, 0}, swt = {0, 0}, sw2 = {0, 0};
    size_t i, k = 0;
    for (i = 0; i < n_units; i++) {
        loy__tri t;
        double w, theta;
        (void)loy__tri_read(&t, counts, stride, i);
        if (!usable(&t))
            continue;
        theta = ((double)t.p - (double)t.d) / (double)t.n;
        w = (double)t.n / own_variance(&t);
        loy__ksum_add(&sw, w);
        loy__ksum_add(&swt, w * theta);
        loy__ksum_add(&sw2, w * w);
        k++;
    }
    s[0] = loy__ksum_value(&sw);
    s[1] = loy__ksum_value(&swt);
    s[2] = loy__ksum_value(&sw2);
    return k;
}

/* Cochran's Q about `mean` (when tau2 < 0), or the random-effects sums
 * sum w* and sum w* theta with w* = 1/(v + tau2) (tau2 >= 0). */
static void
second_pass(double out[2], const uint64_t *counts, size_t n_units,
            size_t stride, double mean, double tau2)
{
    loy__ksum a = {0, 0}, b = {0, 0};
    size_t i;
    for (i = 0; i < n_units; i++) {
        loy__tri t;
        double v, theta;
        (void)loy__tri_read(&t, counts, stride, i);
        if (!usable(&t))
            continue;
        theta = ((double)t.p - (double)t.d) / (double)t.n;
        v = own_variance(&t) / (double)t.n;
        if (tau2 < 0.0) {
            loy__ksum_add(&a, (theta - mean) * (theta - mean) / v);
        } else {
            loy__ksum_add(&a, 1.0 / (v + tau2));
            loy__ksum_add(&b, theta / (v + tau2));
        }
    }
    out[0] = loy__ksum_value(&a);
    out[1] = loy__ksum_value(&b);
}

void
loy__heterogeneity(loy__hetero *h, const uint64_t *counts, size_t n_units,
                   size_t stride, double fallback_mu, double fallback_var)
{
    double s[3], r[2], df, den;
    memset(h, 0, sizeof *h);
    h->n_units = weight_sums(s, counts, n_units, stride);
    if (h->n_units == 0) {
        h->fixed_mean = h->mu = fallback_mu;
        h->mu_var = fallback_var;
        return;
    }
    h->fixed_mean = s[1] / s[0];
    h->mu = h->fixed_mean;
    h->mu_var = 1.0 / s[0];
    if (h->n_units < 2)
        return;
    second_pass(r, counts, n_units, stride, h->fixed_mean, -1.0);
    h->q = r[0];
    df = (double)(h->n_units - 1);
    den = s[0] - s[2] / s[0];
    if (h->q > df && den > 0.0)
        h->tau2 = (h->q - df) / den;
    h->i2 = h->q > df ? (h->q - df) / h->q : 0.0;
    second_pass(r, counts, n_units, stride, 0.0, h->tau2);
    h->mu = r[1] / r[0];
    h->mu_var = 1.0 / r[0];
}

void
loy__shrink(double *est, double *se, const loy__hetero *h, double theta,
            double v)
{
    double b = h->tau2 > 0.0 ? h->tau2 / (h->tau2 + v) : 0.0;
    *est = h->mu + b * (theta - h->mu);
    *se = sqrt(b * v + (1.0 - b) * (1.0 - b) * h->mu_var);
}
