/* SPDX-License-Identifier: MIT */
/*
 * clvpred.c - customer lifetime value per customer from the BG/NBD
 * purchase model and a value per transaction (MODELS.md 6.6).
 *
 * Continuous discounting: CLV = m * int_0^H e^(-delta t) dCET(t).
 *
 * Finite horizon. With the exact rate dCET/dt (loy__bgnbd_cet_rate) the
 * integral is evaluated by adaptive Simpson in v = 1 - e^(-delta t), which maps the whole horizon
 * onto [0, v_H] and makes the discount weight uniform.
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

#define CLV_TAIL 30.0      /* e^-30: the cut of a long finite horizon */
#define CLV_REL_TOL 1e-10  /* relative accuracy of the integral */
#define CLV_MAX_DEPTH 48

typedef struct clv_ctx {
    const double *p;
    double x, tx, T, delta;
    int rc;
} clv_ctx;

/* Integrand in v: dCET/dt at t(v) = -ln(1-v)/delta, divided by delta. */
static double
clv_f(clv_ctx *c, double v)
{
    double t = -log1p(-v) / c->delta, g = 0.0;
    int rc = loy__bgnbd_cet_rate(c->p, c->x, c->tx, c->T, t, &g);
    if (rc != LOY_OK && c->rc == LOY_OK)
        c->rc = rc;
    return g / c->delta;
}

static double
clv_simpson(clv_ctx *c, double lo, double hi, double flo, double fmid,
            double fhi, double whole, double tol, int depth)
{
    double mid = 0.5 * (lo + hi), h = hi - lo;
    double fl = clv_f(c, 0.5 * (lo + mid)), fr = clv_f(c, 0.5 * (mid + hi));
    double left = h / 12.0 * (flo + 4.0 * fl + fmid);
    double right = h / 12.0 * (fmid + 4.0 * fr + fhi);
    double diff = left + right - whole;
    if (depth <= 0 || fabs(diff) <= 15.0 * tol || c->rc != LOY_OK)
        return left + right + diff / 15.0;
    return clv_simpson(c, lo, mid, flo, fl, fmid, left, 0.5 * tol, depth - 1)
           + clv_simpson(c, mid, hi, fmid, fr, fhi, right, 0.5 * tol,
                         depth - 1);
}

/* Discounted expected transactions in (T, T + H], H = tmax. */
static int
clv_dert1(const double *p, double x, double tx, double T, double delta,
          double tmax, double *out)
{
    clv_ctx c;
    double vh = -expm1(-delta * tmax), f0, fm, f1, whole, coarse, tol;
    c.p = p;
    c.x = x;
    c.tx = tx;
    c.T = T;
    c.delta = delta;
    c.rc = LOY_OK;
    f0 = clv_f(&c, 0.0);
    fm = clv_f(&c, 0.5 * vh);
    f1 = clv_f(&c, vh);
    whole = vh / 6.0 * (f0 + 4.0 * fm + f1);
    /* the integrand is positive and decreasing: vh * f1 <= I <= vh * f0 */
    coarse = fabs(whole) > vh * f1 ? fabs(whole) : vh * f1;
    tol = CLV_REL_TOL * coarse;
    *out = clv_simpson(&c, 0.0, vh, f0, fm, f1, whole, tol, CLV_MAX_DEPTH);
    LOY__TRY(c.rc);
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
    double z = c->beta * c->delta / p, scaled = 0.0;
    /* z^(k+1) e^z Gamma(-k, z) = z * (e^z z^k Gamma(-k, z)), the scaled
     * incomplete gamma: no e^z to overflow, nothing to cancel */
    int rc = loy__gamma_upper_scaled(-c->k, z, &scaled);
    (void)q;
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
        out[i] = (margin != NULL ? margin[i] : 1.0) * sum;
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
