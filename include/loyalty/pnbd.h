/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/pnbd.h
 * @brief Pareto/NBD and MBG/NBD.
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_PNBD_H
#define LOYALTY_PNBD_H

#include "common.h"
#include "btyd.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup pnbd Pareto/NBD and MBG/NBD
 * @brief Pareto/NBD and MBG/NBD.
 *
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at rate
 * lambda ~ Gamma(shape r, rate alpha) while alive, lifetime exponential
 * with rate mu ~ Gamma(shape s, rate beta). Parameters are
 * `params[4] = {r, alpha, s, beta}`; alpha and beta carry the time unit of
 * the data. MBG/NBD (Batislam, Denizel & Filiztekin 2007): lambda as above,
 * and the customer drops out at time 0 and after each purchase with
 * probability p ~ Beta(a, b); `params[4] = {r, alpha, a, b}`.
 *
 * Customers are parallel arrays: x = number of repeat purchases (a whole
 * number >= 0), t_x = time of the last one (0 when x = 0), T = time since
 * the first purchase (> 0), with 0 <= t_x <= T, all in the same time unit.
 * Validation common to every function: NULL pointers -> #LOY_EINVAL,
 * n = 0 -> #LOY_EEMPTY, non-finite values -> #LOY_ENONFINITE (err_index =
 * the customer, or the parameter's position for params), negative or
 * non-integer x, negative t_x or weight, T <= 0 -> #LOY_ESCALE, t_x > T or
 * x = 0 with t_x > 0 -> #LOY_EINCONSISTENT, a parameter <= 0 ->
 * #LOY_EDOMAIN. ln L is the full log density of (x, t_x, T) (no constant
 * dropped; it can be positive).
 * @{
 */

/**
 * @brief Pareto/NBD sample log-likelihood sum_i w_i ln L_i.
 *
 * Evaluated in a numerically stable log form (Euler-transformed
 * hypergeometric series), finite also for heavy buyers (x in the
 * thousands) and exact in the alpha = beta and t_x = T cases. Where the
 * series would be slow (its argument above 0.9: shapes running to a
 * limit of the family) the dropout term is integrated directly
 * (Gauss-Legendre, at most 160 panels of 10 nodes); no term of the size
 * of r or s is formed, so the Poisson and fixed-dropout limits
 * (r, alpha or s, beta -> infinity together) keep 1e-10 relative accuracy
 * (checked against mpmath up to 1e20).
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, s, beta}, all > 0.
 * @param x repeat purchases per customer (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row (n entries, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code (see the section comment);
 *         #LOY_ENOCONV if a series did not converge (err_index = row).
 * @since 1.0
 */
LOY_API int loy_pnbd_loglik(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *T, const double *weights,
                            size_t n, size_t *err_index);

/**
 * @brief Pareto/NBD log-likelihood ln L_i of each customer, optionally with
 *        its gradient.
 * @param[out] out n values ln L_i.
 * @param params {r, alpha, s, beta}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] grad NULL, or 4*n values: d ln L_i / d(r, alpha, s, beta) of
 *             customer i at grad[4*i .. 4*i+3] (natural parameters).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_loglik_each(double *out, const double params[4],
                                 const double *x, const double *t_x,
                                 const double *T, size_t n, double *grad,
                                 size_t *err_index);

/**
 * @brief Fit the Pareto/NBD model by maximum likelihood.
 *
 * BFGS on log-parameters with the analytic gradient; identical rows are
 * compressed into weighted patterns when it pays (see loy_fit_options).
 * The likelihood surface is often flat in (s, beta): compare fits by
 * log-likelihood and predictions rather than by parameters alone. The
 * default start is r = s = 0.5, beta = mean T and alpha from the mean
 * purchase rate.
 * @param[out] params_out estimates {r, alpha, s, beta} (best point also on
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
 * @return LOY_OK, #LOY_ENOCONV (best point returned), or an input error.
 * @since 1.0
 */
LOY_API int loy_pnbd_fit(double params_out[4], const double *x,
                         const double *t_x, const double *T,
                         const double *weights, size_t n,
                         const loy_fit_options *opts,
                         loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the Pareto/NBD model to a pattern table (see loy_patterns).
 *
 * As loy_bgnbd_fit_patterns(), through loy_pnbd_fit().
 * @param[out] params_out estimates in the order of loy_pnbd_fit().
 * @param p the pattern table.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @return as loy_pnbd_fit(); LOY_EEMPTY for an empty table; LOY_EINVAL;
 *         LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_pnbd_fit_patterns(double params_out[4], const loy_patterns *p,
                                  const loy_fit_options *opts,
                                  loy_fit_report *report);

/**
 * @brief Pareto/NBD probability that each customer is alive at T.
 * @param[out] out n probabilities in [0, 1].
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_palive(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *T, size_t n, size_t *err_index);

/**
 * @brief Pareto/NBD probability of being alive at T + t:
 *        P(alive) * ((beta+T)/(beta+T+t))^s.
 * @param[out] out n probabilities.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon after T, >= 0 (#LOY_EDOMAIN otherwise).
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_palive_at(double *out, const double params[4],
                               const double *x, const double *t_x,
                               const double *T, size_t n, double t,
                               size_t *err_index);

/**
 * @brief Pareto/NBD expected purchases of each customer in (T, T + t]
 *        (conditional expectation, CET).
 *
 * Valid for every s > 0, including the removable singularity s = 1.
 * @param[out] out n expectations.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_expected(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, size_t n, double t,
                              size_t *err_index);

/**
 * @brief Pareto/NBD P(alive) and CET(t) of a whole customer base, optionally
 *        on several threads.
 *
 * The values of loy_pnbd_palive() and loy_pnbd_expected() (bit for bit, for every thread count), from one
 * likelihood evaluation per customer. Either output may be NULL when not
 * wanted (not both). Customers are split over opts->threads POSIX
 * threads in contiguous ranges; on an error at customer i, err_index = i
 * is the lowest failing customer, out[0..i-1] are written and, with more
 * than one thread, later entries may be written too.
 * @param[out] palive n probabilities, or NULL.
 * @param[out] cet n expected purchases in (T, T + t], or NULL.
 * @param params {r, alpha, s, beta}.
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
LOY_API int loy_pnbd_score(double *palive, double *cet, const double params[4],
                   const double *x, const double *t_x, const double *T,
                   size_t n, double t, const loy_predict_options *opts,
                   size_t *err_index);

/**
 * @brief Pareto/NBD expected repeat purchases E[X(t)] of a new customer
 *        in (0, t], for each of n horizons.
 * @param[out] out n expectations.
 * @param params {r, alpha, s, beta}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK, #LOY_EOVERFLOW when a value exceeds the double range
 *         (e.g. alpha near the smallest double), or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_expected_new(double *out, const double params[4],
                                  const double *t, size_t n,
                                  size_t *err_index);

/**
 * @brief Pareto/NBD discounted expected residual transactions (DERT).
 *
 * DERT = P(alive) (r+x)/(alpha+T) E[1/(mu+delta)] with continuous
 * discounting e^(-delta t), through U(s, s, z) = e^z Gamma(1-s, z); valid
 * for any s > 0, whole numbers included. For an annual rate d and k
 * periods per year use delta = ln(1+d)/k. Multiply by the expected spend
 * per transaction for the CLV.
 * @param[out] out n values.
 * @param params {r, alpha, s, beta}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param delta continuous discount rate per time unit, > 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_pnbd_dert(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *T, size_t n, double delta,
                          size_t *err_index);

/**
 * @brief MBG/NBD sample log-likelihood sum_i w_i ln L_i.
 * @param[out] out the log-likelihood.
 * @param params {r, alpha, a, b}, all > 0.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row or NULL.
 * @param n number of rows.
 * @param[out] err_index optional: first bad row or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_loglik(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, const double *weights,
                              size_t n, size_t *err_index);

/**
 * @brief MBG/NBD log-likelihood ln L_i of each customer, optionally with
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
LOY_API int loy_mbgnbd_loglik_each(double *out, const double params[4],
                                   const double *x, const double *t_x,
                                   const double *T, size_t n, double *grad,
                                   size_t *err_index);

/**
 * @brief Fit the MBG/NBD model by maximum likelihood (analytic gradient).
 * @param[out] params_out estimates {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param weights customers per row or NULL.
 * @param n number of rows.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @param[out] err_index optional: first bad row.
 * @return LOY_OK, #LOY_ENOCONV (best point returned) or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_fit(double params_out[4], const double *x,
                           const double *t_x, const double *T,
                           const double *weights, size_t n,
                           const loy_fit_options *opts,
                           loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the MBG/NBD model to a pattern table (see loy_patterns).
 *
 * As loy_bgnbd_fit_patterns(), through loy_mbgnbd_fit().
 * @param[out] params_out estimates in the order of loy_mbgnbd_fit().
 * @param p the pattern table.
 * @param opts fit options or NULL.
 * @param[out] report optional report.
 * @return as loy_mbgnbd_fit(); LOY_EEMPTY for an empty table; LOY_EINVAL;
 *         LOY_ENOMEM.
 * @since 1.1
 */
LOY_API int loy_mbgnbd_fit_patterns(double params_out[4], const loy_patterns *p,
                                    const loy_fit_options *opts,
                                    loy_fit_report *report);

/**
 * @brief MBG/NBD probability that each customer is alive at T (also for
 *        x = 0, since the model allows dropping out at time 0).
 * @param[out] out n probabilities.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_palive(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *T, size_t n, size_t *err_index);

/**
 * @brief MBG/NBD expected purchases of each customer in (T, T + t].
 *
 * Valid for every a > 0, including the removable singularity a = 1.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param x repeat purchases (n entries).
 * @param t_x time of the last repeat purchase (n entries).
 * @param T time since the first purchase (n entries).
 * @param n number of customers.
 * @param t horizon, >= 0.
 * @param[out] err_index optional: first bad customer or parameter.
 * @return LOY_OK, #LOY_ENOCONV if the series did not converge (t much
 *         larger than alpha + T), or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_expected(double *out, const double params[4],
                                const double *x, const double *t_x,
                                const double *T, size_t n, double t,
                                size_t *err_index);

/**
 * @brief MBG/NBD P(alive) and CET(t) of a whole customer base, optionally
 *        on several threads.
 *
 * The values of loy_mbgnbd_palive() and loy_mbgnbd_expected() (bit for bit, for every thread count), from one
 * likelihood evaluation per customer. Either output may be NULL when not
 * wanted (not both). Customers are split over opts->threads POSIX
 * threads in contiguous ranges; on an error at customer i, err_index = i
 * is the lowest failing customer, out[0..i-1] are written and, with more
 * than one thread, later entries may be written too.
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
LOY_API int loy_mbgnbd_score(double *palive, double *cet, const double params[4],
                   const double *x, const double *t_x, const double *T,
                   size_t n, double t, const loy_predict_options *opts,
                   size_t *err_index);

/**
 * @brief MBG/NBD expected repeat purchases E[X(t)] of a new customer.
 * @param[out] out n expectations.
 * @param params {r, alpha, a, b}.
 * @param t horizons (n entries), each finite and >= 0.
 * @param n number of horizons.
 * @param[out] err_index optional: first bad horizon or parameter.
 * @return LOY_OK, #LOY_ENOCONV, or an input error.
 * @since 1.0
 */
LOY_API int loy_mbgnbd_expected_new(double *out, const double params[4],
                                    const double *t, size_t n,
                                    size_t *err_index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_PNBD_H */
