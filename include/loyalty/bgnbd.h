/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/bgnbd.h
 * @brief BG/NBD, Gamma-Gamma spend and CLV per customer.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_BGNBD_H
#define LOYALTY_BGNBD_H

#include "common.h"
#include "btyd.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup bgnbd BG/NBD, Gamma-Gamma spend and CLV per customer
 * @brief BG/NBD, Gamma-Gamma spend and CLV per customer.
 *
 * BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at rate
 * lambda ~ Gamma(shape r, rate alpha) and drops out after each purchase
 * with probability p ~ Beta(a, b). Parameters are
 * `params[4] = {r, alpha, a, b}`; alpha carries the time unit of the data.
 *
 * Customers are parallel arrays in the caller's time unit, with time 0 at
 * each customer's first purchase: x = repeat purchases (a whole number
 * >= 0), t_x = time of the last repeat purchase (0 when x = 0), T = time
 * from the first purchase to the end of observation (> 0). Validation
 * common to every function: NULL pointers -> #LOY_EINVAL, n = 0 ->
 * #LOY_EEMPTY, NaN/Inf -> #LOY_ENONFINITE, negative or non-integer x,
 * negative t_x or weight, T <= 0 -> #LOY_ESCALE, t_x > T or x = 0 with
 * t_x > 0 -> #LOY_EINCONSISTENT, a parameter <= 0 -> #LOY_EDOMAIN;
 * err_index receives the first bad customer (or the parameter's position
 * for errors in params). ln L is the full log density of (x, t_x, T)
 * (nothing dropped; it can be positive), evaluated in the stable log form
 * and finite for x and T in the tens of thousands; it is written so that
 * no term is of the size of r when r and alpha are huge together (the
 * Poisson limit: relative accuracy 1e-14 at r = 1e20 against mpmath).
 * Expectations use the Euler series where it is short (at most 20000
 * terms) and well conditioned, and otherwise the mean over the dropout
 * probability by quadrature (logit trapezoid or tanh-sinh, at most ~6000
 * nodes): accurate to 1e-10 relative for any r, a, b, including r far
 * above a + b and a, b in the billions.
 *
 * Gamma-Gamma (Fader, Hardie & Lee 2005, JMR): transaction values
 * ~ Gamma(p, nu), nu ~ Gamma(q, gamma); `params[3] = {p, q, gamma}`
 * (lifetimes calls gamma "v"). Data: x repeat transactions (>= 1) and
 * m = the mean value of the repeat transactions (> 0, first purchase
 * excluded). The model assumes spend independent of frequency: check
 * loy_ggamma_correlation().
 * @{
 */

/**
 * @brief BG/NBD sample log-likelihood sum_i w_i ln L_i.
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code (see the section comment).
 * @since 1.0
 */
LOY_API int loy_bgnbd_loglik(double *out, const double params[4],
                             const double *x, const double *t_x,
                             const double *T, const double *weights,
                             size_t n, size_t *err_index);

/**
 * @brief BG/NBD log-likelihood ln L_i of each customer, optionally with
 *        its gradient.
 * @param[out] out n values ln L_i.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] grad NULL, or 4*n values: d ln L_i / d(r, alpha, a, b) of
 *             customer i at grad[4*i .. 4*i+3] (natural parameters).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_loglik_each(double *out, const double params[4],
                                  const double *x, const double *t_x,
                                  const double *T, size_t n, double *grad,
                                  size_t *err_index);

/**
 * @brief Fit the BG/NBD model by maximum likelihood.
 *
 * BFGS on log-parameters with the analytic gradient; identical rows are
 * compressed into weighted patterns when it pays (see loy_fit_options).
 * The default start is r = 1, alpha = mean T / (mean x + 1), a = 1, b = 3.
 * A maximum at a limit of the family (no dropout, a homogeneous rate or
 * dropout) is fitted as that limit and reported (#LOY_FIT_REPORT_LIMIT,
 * loyalty/btyd.h).
 * @param[out] params_out estimates {r, alpha, a, b} (the best point also on
 *             #LOY_ENOCONV).
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each;
 *        a zero total is #LOY_EEMPTY.
 * @param n number of rows.
 * @param opts fit options or NULL for defaults.
 * @param[out] report optional convergence report and standard errors.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK, #LOY_ENOCONV (best point returned), #LOY_ENOMEM or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_fit(double params_out[4], const double *x,
                          const double *t_x, const double *T,
                          const double *weights, size_t n,
                          const loy_fit_options *opts,
                          loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the BG/NBD model to a pattern table (see loy_patterns).
 *
 * The table's patterns, in ascending order, go to loy_bgnbd_fit() with
 * their weights; compression is off unless opts asks for it. The result
 * equals a fit on all the customers the table was built from, whatever
 * the order and chunks in which they were added or merged.
 * @param[out] params_out estimates {r, alpha, a, b}.
 * @param p the pattern table.
 * @param opts fit options or NULL.
 * @param[out] report optional report (n_rows = patterns).
 * @return as loy_bgnbd_fit(); LOY_EEMPTY for an empty table; LOY_EINVAL
 *         (NULL); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_bgnbd_fit_patterns(double params_out[4],
                                   const loy_patterns *p,
                                   const loy_fit_options *opts,
                                   loy_fit_report *report);

/**
 * @brief BG/NBD probability that each customer is alive at T (1 when
 *        x = 0).
 * @param[out] out n probabilities in (0, 1].
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_palive(double *out, const double params[4],
                             const double *x, const double *t_x,
                             const double *T, size_t n, size_t *err_index);

/**
 * @brief BG/NBD expected purchases of each customer in (T, T + t]
 *        (conditional expectation, CET).
 *
 * Euler-transformed series whose parameters do not grow with x; exact at
 * the removable singularity a = 1 (no nudging of a); quadrature over p
 * where the series is long or ill-conditioned (see the section comment).
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, finite and >= 0 (#LOY_EDOMAIN otherwise).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV if neither the series nor the quadrature
 *         reached its tolerance within its bound, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_expected(double *out, const double params[4],
                               const double *x, const double *t_x,
                               const double *T, size_t n, double t,
                               size_t *err_index);

/**
 * @brief BG/NBD P(alive) and CET(t) of each customer in one pass (the
 *        same values as loy_bgnbd_palive() and loy_bgnbd_expected(),
 *        validated and computed once).
 * @param[out] palive n probabilities.
 * @param[out] cet n expected purchases in (T, T + t].
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, finite and >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_predict(double *palive, double *cet,
                              const double params[4], const double *x,
                              const double *t_x, const double *T, size_t n,
                              double t, size_t *err_index);

/**
 * @brief BG/NBD P(alive) and CET(t) of a whole customer base, optionally
 *        on several threads.
 *
 * The values of loy_bgnbd_predict() (bit for bit, for every thread
 * count). Either output may be NULL when not wanted (not both).
 * Customers are split over opts->threads POSIX threads in contiguous
 * ranges; on an error at customer i, err_index = i is the lowest failing
 * customer, out[0..i-1] are written and, with more than one thread,
 * later entries may be written too.
 * @param[out] palive n probabilities, or NULL.
 * @param[out] cet n expected purchases in (T, T + t], or NULL.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, finite and >= 0 (ignored when cet is NULL).
 * @param opts thread count, or NULL for one thread.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, #LOY_EINVAL (both outputs NULL, bad
 *         options), or an input error.
 * @since 1.1
 */
LOY_API int loy_bgnbd_score(double *palive, double *cet,
                            const double params[4], const double *x,
                            const double *t_x, const double *T, size_t n,
                            double t, const loy_predict_options *opts,
                            size_t *err_index);

/**
 * @brief BG/NBD expected repeat purchases E[X(t)] of a new customer in
 *        (0, t], for each of n horizons.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_expected_new(double *out, const double params[4],
                                   const double *t, size_t n,
                                   size_t *err_index);

/**
 * @brief BG/NBD probability P(X(t) = k) of k repeat purchases in (0, t]
 *        for a new customer, k = 0..n-1.
 * @param[out] out n probabilities (out[k] = P(X(t) = k)).
 * @param params {r, alpha, a, b}.
 * @param t horizon, finite and >= 0.
 * @param n number of counts wanted.
 * @param[out] err_index optional: the bad parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgnbd_pmf(double *out, const double params[4], double t,
                          size_t n, size_t *err_index);

/**
 * @brief Continuous discount rate per period from an annual rate:
 *        delta = ln(1 + annual_rate) / periods_per_year.
 *
 * For weekly data periods_per_year is e.g. 52 (or 365.25/7): the caller
 * chooses; nothing is assumed.
 * @param[out] delta the rate per period; untouched on error.
 * @param annual_rate effective annual discount rate, > -1.
 * @param periods_per_year model time units per year, > 0.
 * @return LOY_OK, #LOY_EINVAL, #LOY_ENONFINITE or #LOY_EDOMAIN (also,
 *         since 1.1, when the rate per period would be infinite, e.g.
 *         for a denormal periods_per_year).
 * @since 1.0
 */
LOY_API int loy_bgnbd_discount_rate(double *delta, double annual_rate,
                                    double periods_per_year);

/**
 * @brief BG/NBD customer lifetime value with continuous discounting:
 *        margin_i * integral_0^H e^(-delta t) dCET_i(t).
 *
 * With margin NULL the result is the discounted expected residual
 * transactions (DERT). An infinite horizon is evaluated exactly: given
 * that the customer is alive, the discounted count for a purchase rate
 * lambda and dropout probability p is lambda/(delta + p lambda); its mean
 * over the posterior of lambda has a closed form through the incomplete
 * gamma function (its continued fraction: bounded for any x), and the mean
 * over p is one quadrature (relative accuracy about 1e-12, tens of
 * microseconds per customer, also at x = 1e5). A finite horizon takes,
 * for each p of the same quadrature, the discounted purchases of the
 * horizon as a one-dimensional integral with no cancellation, by
 * Gauss-Legendre on at most 64 panels (relative accuracy about 1e-12,
 * checked against mpmath); a horizon past t = 30/delta is cut there,
 * neglecting less than e^-30 of the integrand. The work per customer is
 * bounded whatever the parameters.
 * With delta = 0 and a finite horizon the result is margin * CET(H).
 * @param[out] out n values.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param margin value per transaction of each customer (n entries, finite,
 *        >= 0; e.g. profit margin times loy_ggamma_expected_spend()) or
 *        NULL for 1.
 * @param n number of customers.
 * @param delta continuous discount rate per time unit, >= 0 (see
 *        loy_bgnbd_discount_rate()).
 * @param horizon H in time units, > 0; 0 or +inf means infinite (then
 *        delta must be > 0).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_clv(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *T, const double *margin, size_t n,
                          double delta, double horizon, size_t *err_index);

/**
 * @brief BG/NBD customer lifetime value as a monthly discounted cash flow:
 *        sum_{i=1..H} m [CET(i f) - CET((i-1) f)] / (1+d)^i.
 *
 * The lifetimes/PyMC-Marketing convention, with the incremental (not
 * cumulative) CET. f is stated by the caller: there is no hidden 30-day
 * month (weekly data: e.g. f = 365.25/84 = 4.348, or 4.345 as lifetimes).
 * @param[out] out n values.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param margin value per transaction (n entries, finite, >= 0) or NULL
 *        for 1.
 * @param n number of customers.
 * @param months horizon H in months, >= 1.
 * @param monthly_discount d, the discount rate per month, > -1.
 * @param periods_per_month f, model time units per month, > 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_bgnbd_clv_monthly(double *out, const double params[4],
                                  const double *x, const double *t_x,
                                  const double *T, const double *margin,
                                  size_t n, uint32_t months,
                                  double monthly_discount,
                                  double periods_per_month,
                                  size_t *err_index);

/**
 * @brief Gamma-Gamma sample log-likelihood sum_i w_i ln f(m_i | x_i).
 * @param[out] out the log-likelihood (full density of the mean m).
 * @param params {p, q, gamma}, all > 0.
 * @param x repeat transactions (n entries, whole numbers >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param weights customers per row (>= 0) or NULL.
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code (x < 1 or m <= 0 is #LOY_ESCALE).
 * @since 1.0
 */
LOY_API int loy_ggamma_loglik(double *out, const double params[3],
                              const double *x, const double *m,
                              const double *weights, size_t n,
                              size_t *err_index);

/**
 * @brief Fit the Gamma-Gamma spend model by maximum likelihood.
 *
 * Pass only customers with x >= 1 (others are #LOY_ESCALE with their
 * index). Default start p = 1, q = 2, gamma = mean m. A fitted q <= 1 means
 * an infinite population mean: loy_ggamma_population_mean() reports it.
 * @param[out] params_out estimates {p, q, gamma}.
 * @param x repeat transactions (n entries, >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param weights customers per row (>= 0) or NULL.
 * @param n number of customers.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @param[out] err_index optional: first bad customer.
 * @return LOY_OK, #LOY_ENOCONV (best point returned) or an input error.
 * @since 1.0
 */
LOY_API int loy_ggamma_fit(double params_out[3], const double *x,
                           const double *m, const double *weights, size_t n,
                           const loy_fit_options *opts,
                           loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the Gamma-Gamma model to the spend patterns of a pattern
 *        table created with #LOY_PATTERNS_MONETARY.
 * @param[out] params_out estimates {p, q, gamma}.
 * @param p the pattern table.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @return as loy_ggamma_fit(); LOY_EINVAL (NULL, or a table without
 *         monetary values); LOY_EEMPTY (no spend pattern); LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_ggamma_fit_patterns(double params_out[3],
                                    const loy_patterns *p,
                                    const loy_fit_options *opts,
                                    loy_fit_report *report);

/**
 * @brief Gamma-Gamma conditional expected value per transaction,
 *        p (gamma + x m)/(p x + q - 1).
 *
 * A weighted mean of the population mean and the customer's own mean m.
 * Customers with x = 0 (m ignored but must be finite) get the population
 * mean.
 * @param[out] out n expected values.
 * @param params {p, q, gamma}.
 * @param x repeat transactions (n entries, whole numbers >= 0).
 * @param m mean repeat-transaction value (n entries, > 0 where x >= 1).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_EDOMAIN when p x + q <= 1 (q <= 1 for x = 0),
 *         #LOY_EOVERFLOW when a value exceeds the double range, or an
 *         input error. Every row is checked before any is written: out is
 *         untouched on any error.
 * @since 1.0
 */
LOY_API int loy_ggamma_expected_spend(double *out, const double params[3],
                                      const double *x, const double *m,
                                      size_t n, size_t *err_index);

/**
 * @brief Gamma-Gamma population mean spend per transaction p gamma/(q-1).
 * @param[out] out the mean.
 * @param params {p, q, gamma}.
 * @return LOY_OK, #LOY_EDOMAIN if q <= 1 (infinite mean) or a parameter is
 *         not > 0, #LOY_ENONFINITE, #LOY_EINVAL.
 * @since 1.0
 */
LOY_API int loy_ggamma_population_mean(double *out, const double params[3]);

/**
 * @brief Pearson correlation between x and m over customers with x >= 1,
 *        to check the independence assumption of Gamma-Gamma (it should
 *        be near 0).
 * @param[out] out the correlation in [-1, 1].
 * @param x repeat transactions (n entries, >= 1).
 * @param m mean repeat-transaction value (n entries, > 0).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer.
 * @return LOY_OK, #LOY_EDEGENERATE if n < 2 or either variable is
 *         constant, or an input error.
 * @since 1.0
 */
LOY_API int loy_ggamma_correlation(double *out, const double *x,
                                   const double *m, size_t n,
                                   size_t *err_index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_BGNBD_H */
