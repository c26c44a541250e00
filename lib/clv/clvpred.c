/* SPDX-License-Identifier: MIT */
/*
 * clvpred.c - customer lifetime value per customer from the BG/NBD
 * purchase model and a value per transaction (MODELS.md 6.6).
 *
 * Continuous discounting: CLV = m * int_0^H e^(-delta t) dCET(t).
 *
 * Finite horizon: the same mean over p of a closed-form-free but
 * cancellation-free one-dimensional integral (see fin_inner below).
 *
 * Infinite horizon, exactly and fast. Given that the customer is alive,
 * lambda ~ Gamma(k = r+x, beta = alpha+T) and p ~ Beta(a, b+x) independently.
 * For fixed (lambda, p) the j-th future purchase comes at a Gamma(j, lambda)
 * time and happens only if the customer survived the j-1 before it, so the
 * discounted count is sum_j (1-p)^(j-1) (lambda/(lambda+delta))^j
 * = lambda/(delta + p lambda). Its mean over lambda, written with the
 * size-biased Gamma(k+1, beta) so that nothing cancels, is
 *   (k/(beta delta)) z^(k+1) U(k+1, k+1, z),  z = beta delta / p,
 * with U(s, s, z) = e^z Gamma(1-s, z); one quadrature over p is left:
 *   DERT = P(alive) E_p[(k/(beta delta)) z^(k+1) e^z Gamma(-k, z)].
 *
 * Monthly DCF (lifetimes' `_customer_lifetime_value`, incremental form):
 *   CLV = sum_{i=1..H} m [CET(i f) - CET((i-1) f)] / (1+d)^i.
 */
#include <stdlib.h>

#include "clv/bgnbd_internal.h"
#include "numeric/specfun.h"

#define CLV_TAIL 30.0 /* e^-30: the cut of a long finite horizon */
#define CLV_GL_PANELS 64 /* at most, per point of the quadrature over p */

/*
 * Finite horizon. Given alive, lambda ~ Gamma(k = r+x, beta = alpha+T)
 * and p ~ Beta(a, b+x); for fixed p the purchase rate at t is
 * (k/beta)(1 + p t/beta)^-(k+1), so
 *   DERT(H) = P(alive) E_p[ integral_0^H e^(-delta t)
 *                           (k/beta) (1 + p t/beta)^-(k+1) dt ].
 * With s = ln(1 + p t/beta) the inner integral is
 *   (k/p) integral_0^S exp(-k s - w (e^s - 1)) ds,  w = delta beta/p,
 * S = ln(1 + p H/beta): a concave exponent falling from 0, integrated by
 * 10-point Gauss-Legendre on panels short enough that it falls by at most
 * 4 on each (at most CLV_GL_PANELS), up to where it has fallen by 40.
 * Nothing cancels and the work is bounded; the mean over p is the beta
 * quadrature of betaexp.c (bounded too).
 */
static const double GL10_X[5] = {
    0.1488743389816312, 0.4333953941292472, 0.6794095682990244,
    0.8650633666889845, 0.9739065285171717};
static const double GL10_W[5] = {
    0.2955242247147529, 0.2692667193099963, 0.2190863625159820,
    0.1494513491505806, 0.0666713443086881};

typedef struct fin_ctx {
    double k, beta, delta, H;
} fin_ctx;

static double
fin_inner(void *ctx, double p, double q)
{
    const fin_ctx *c = ctx;
    double cc = p / c->beta, w = c->delta / cc, S, smax, rate, len, sum = 0.0;
    int m, j, i;
    (void)q;
    if (p == 0.0 || !loy__finite(w)) /* no dropout: k/beta per unit time */
        return c->k / c->beta * (-expm1(-c->delta * c->H) / c->delta);
    S = log1p(cc * c->H);
    smax = fmin(S, fmin(40.0 / c->k, log1p(40.0 / w)));
    rate = c->k + w * exp(smax); /* largest fall per unit s */
    m = (int)fmin((double)CLV_GL_PANELS, ceil(rate * smax / 4.0));
    m = m < 1 ? 1 : m;
    len = smax / m;
    for (j = 0; j < m; j++) {
        double mid = (j + 0.5) * len, half = 0.5 * len;
        for (i = 0; i < 5; i++) {
            double s1 = mid - half * GL10_X[i], s2 = mid + half * GL10_X[i];
            sum += GL10_W[i] * (exp(-c->k * s1 - w * expm1(s1))
                                + exp(-c->k * s2 - w * expm1(s2)));
        }
    }
    return c->k / p * sum * 0.5 * len;
}

/* Discounted expected transactions in (T, T + H], H = tmax. */
static int
clv_dert1(const double *p, double x, double tx, double T, double delta,
          double tmax, double *out)
{
    fin_ctx c;
    double e = 0.0;
    c.k = p[0] + x;
    c.beta = p[1] + T;
    c.delta = delta;
    c.H = tmax;
    LOY__TRY(loy__beta_expect(p[2], p[3] + x, fin_inner, &c, &e));
    *out = exp(loy__bgnbd_log_palive(p, x, tx, T)) * e;
    return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
}

/* lambda/(delta + p lambda) averaged over lambda ~ Gamma(k, beta). */
typedef struct dert_ctx {
    double k, beta, delta;
    int rc;
} dert_ctx;

static double
dert_inner(void *ctx, double p, double q)
{
    dert_ctx *c = ctx;
    double z, scaled = 0.0;
    int rc;
    (void)q;
    if (p == 0.0) /* never drops out: E[lambda]/delta */
        return c->k / (c->beta * c->delta);
    z = c->beta * c->delta / p;
    if (!loy__finite(z)) /* p below the double range's reach: the limit */
        return c->k / (c->beta * c->delta);
    /* z^(k+1) e^z Gamma(-k, z) = z * (e^z z^k Gamma(-k, z)), the scaled
     * incomplete gamma: no e^z to overflow, nothing to cancel */
    rc = loy__gamma_upper_scaled(-c->k, z, &scaled);
    if (rc != LOY_OK && c->rc == LOY_OK)
        c->rc = rc;
    return c->k / (c->beta * c->delta) * z * scaled;
}

/* Discounted expected transactions over an infinite horizon (above). */
static int
clv_dert_inf(const double *p, double x, double tx, double T, double delta,
             double *out)
{
    dert_ctx c;
    double e = 0.0;
    c.k = p[0] + x;
    c.beta = p[1] + T;
    c.delta = delta;
    c.rc = LOY_OK;
    LOY__TRY(loy__beta_expect(p[2], p[3] + x, dert_inner, &c, &e));
    LOY__TRY(c.rc);
    *out = exp(loy__bgnbd_log_palive(p, x, tx, T)) * e;
    return loy__finite(*out) ? LOY_OK : LOY_ENOCONV;
}

static int
clv_check_margin(const double *margin, size_t n, size_t *err_index)
{
    size_t i;
    for (i = 0; margin != NULL && i < n; i++) {
        int rc = loy__check_range(margin[i], 0.0, INFINITY);
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
    }
    return LOY_OK;
}

/*
 * Horizon: 0 or +inf mean infinite (then delta > 0 is needed for a finite
 * value; *tmax = +inf), otherwise > 0. A finite horizon past 30/delta is
 * cut there: beyond it the integrand is below e^-30 times its start, since
 * dCET/dt decreases in t.
 */
static int
clv_horizon(double delta, double horizon, double *tmax)
{
    int infinite = horizon == 0.0 || horizon == (double)INFINITY;
    LOY__REQUIRE(!isnan(horizon) && loy__finite(delta), LOY_ENONFINITE);
    LOY__REQUIRE(delta >= 0.0 && horizon >= 0.0, LOY_EDOMAIN);
    LOY__REQUIRE(!infinite || delta > 0.0, LOY_EDOMAIN);
    *tmax = infinite ? (double)INFINITY : horizon;
    if (!infinite && delta > 0.0 && *tmax > CLV_TAIL / delta)
        *tmax = CLV_TAIL / delta;
    return LOY_OK;
}

/* One customer's discounted expected transactions in (T, T + tmax]. */
static int
clv_dert(const double *p, double x, double tx, double T, double delta,
         double tmax, double *out)
{
    if (isinf(tmax))
        return clv_dert_inf(p, x, tx, T, delta, out);
    if (delta > 0.0)
        return clv_dert1(p, x, tx, T, delta, tmax, out);
    return loy__bgnbd_cet_batch(out, NULL, p, &x, &tx, &T, 1, tmax, NULL);
}

int
loy_bgnbd_clv(double *out, const double params[4], const double *x,
              const double *t_x, const double *T, const double *margin,
              size_t n, double delta, double horizon, size_t *err_index)
{
    double tmax;
    size_t i;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    LOY__TRY(clv_check_margin(margin, n, err_index));
    LOY__TRY(clv_horizon(delta, horizon, &tmax));
    for (i = 0; i < n; i++) {
        double d = 0.0, m = margin != NULL ? margin[i] : 1.0;
        int rc = clv_dert(params, x[i], t_x[i], T[i], delta, tmax, &d);
        /* a finite DERT times a huge margin can still overflow (found by
         * fuzz_btyd): not a value, LOY_ENOCONV as documented */
        if (rc == LOY_OK && !loy__finite(m * d))
            rc = LOY_ENOCONV;
        if (rc != LOY_OK) {
            loy__set_index(err_index, i);
            return rc;
        }
        out[i] = m * d;
    }
    return LOY_OK;
}

int
loy_bgnbd_clv_monthly(double *out, const double params[4], const double *x,
                      const double *t_x, const double *T,
                      const double *margin, size_t n, uint32_t months,
                      double monthly_discount, double periods_per_month,
                      size_t *err_index)
{
    size_t i;
    LOY__REQUIRE(out != NULL && params != NULL, LOY_EINVAL);
    LOY__TRY(loy__bgnbd_check(params, x, t_x, T, NULL, n, err_index));
    LOY__TRY(clv_check_margin(margin, n, err_index));
    LOY__REQUIRE(loy__finite(monthly_discount)
                     && loy__finite(periods_per_month),
                 LOY_ENONFINITE);
    LOY__REQUIRE(monthly_discount > -1.0 && periods_per_month > 0.0
                     && months > 0,
                 LOY_EDOMAIN);
    for (i = 0; i < n; i++) {
        double prev = 0.0, disc = 1.0, sum = 0.0;
        uint32_t j;
        for (j = 1; j <= months; j++) {
            double cur;
            int rc = loy__bgnbd_cet_batch(&cur, NULL, params, &x[i],
                                          &t_x[i], &T[i], 1,
                                          (double)j * periods_per_month,
                                          NULL);
            if (rc != LOY_OK) {
                loy__set_index(err_index, i);
                return rc;
            }
            disc /= 1.0 + monthly_discount;
            sum += (cur - prev) * disc;
            prev = cur;
        }
        sum *= margin != NULL ? margin[i] : 1.0;
        if (!loy__finite(sum)) {
            loy__set_index(err_index, i);
            return LOY_ENOCONV;
        }
        out[i] = sum;
    }
    return LOY_OK;
}

int
loy_bgnbd_discount_rate(double *delta, double annual_rate,
                        double periods_per_year)
{
    double d;
    LOY__REQUIRE(delta != NULL, LOY_EINVAL);
    LOY__REQUIRE(loy__finite(annual_rate) && loy__finite(periods_per_year),
                 LOY_ENONFINITE);
    LOY__REQUIRE(annual_rate > -1.0 && periods_per_year > 0.0, LOY_EDOMAIN);
    d = log1p(annual_rate) / periods_per_year;
    /* a denormal periods_per_year overflows the quotient */
    LOY__REQUIRE(loy__finite(d), LOY_EDOMAIN);
    *delta = d;
    return LOY_OK;
}
