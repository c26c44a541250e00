/* SPDX-License-Identifier: MIT */
/**
 * @file loyalty/bgbb.h
 * @brief BG/BB (discrete opportunities) and sBG (contracts).
 *
 * Part of the public API; include <loyalty.h>, which includes every
 * module header. This header also compiles on its own.
 */
#ifndef LOYALTY_BGBB_H
#define LOYALTY_BGBB_H

#include "common.h"
#include "btyd.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup bgbb BG/BB (discrete opportunities) and sBG (contracts)
 * @brief BG/BB (discrete opportunities) and sBG (contracts).
 *
 * BG/BB (Fader, Hardie & Shang 2010): purchases at discrete opportunities
 * (yearly donations, events). A customer is described by n opportunities
 * (n_opp), the number x of them with a transaction and the last one t_x
 * with a transaction (0 if none): whole numbers with x <= t_x <= n (t_x = 0
 * exactly when x = 0), n <= 10^7. Parameters are params[4] = (alpha, beta,
 * gamma, delta): the transaction probability of a live customer is
 * Beta(alpha, beta) and the dropout probability at each opportunity is
 * Beta(gamma, delta). Row errors: NaN/Inf -> #LOY_ENONFINITE, negative,
 * non-whole or too large -> #LOY_ESCALE, x > n, t_x > n, t_x < x for x > 0
 * or t_x > 0 for x = 0 -> #LOY_EINCONSISTENT, with the row in err_index.
 * Parameters must be finite (#LOY_ENONFINITE) and > 0 (#LOY_EDOMAIN).
 * @{
 */

/**
 * @brief Sample log-likelihood sum_i w_i ln L_i of the BG/BB model.
 *
 * Each ln L_i is the log-sum-exp of its n - t_x + 1 terms, so it is
 * finite for any number of opportunities; the beta ratios are sums of
 * ln Gamma offsets, never differences of large ln Gamma values, so the
 * value stays accurate (and <= 0, as the log of a probability) for any
 * parameter size (gamma = 1e200 included).
 * @param[out] ll_out the log-likelihood.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per row.
 * @param t_x last opportunity with a transaction per row.
 * @param n_opp opportunities per row.
 * @param w weights (customers sharing the row, >= 0) or NULL for 1 each.
 * @param n number of rows.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code (#LOY_EEMPTY if n = 0 or all weights
 *         are 0).
 * @since 1.0
 */
LOY_API int loy_bgbb_loglik(double *ll_out, const double params[4],
                            const double *x, const double *t_x,
                            const double *n_opp, const double *w, size_t n,
                            size_t *err_index);

/**
 * @brief Maximum-likelihood fit of the BG/BB model.
 *
 * Rows may be per customer or already compressed patterns
 * (x, t_x, n, count) with the counts as weights. Identical rows are
 * compressed unless #LOY_FIT_NO_COMPRESS is set. The default start is
 * (1, 1, 1, 1). Analytic gradient; see loy_fit_options.
 * @param[out] params_out (alpha, beta, gamma, delta); on #LOY_ENOCONV the
 *             best point found.
 * @param x transactions per row.
 * @param t_x last opportunity with a transaction per row.
 * @param n_opp opportunities per row.
 * @param w weights (>= 0) or NULL.
 * @param n number of rows.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report and standard errors, or NULL.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK, #LOY_ENOCONV (best point written), #LOY_ENOMEM or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_bgbb_fit(double params_out[4], const double *x,
                         const double *t_x, const double *n_opp,
                         const double *w, size_t n,
                         const loy_fit_options *opts, loy_fit_report *report,
                         size_t *err_index);

/**
 * @brief P(alive at opportunity n + m) for each customer.
 *
 * m = 1 (the next opportunity) is the usual "P(alive)"; m = 0 gives the
 * probability of being alive at the last observed opportunity n.
 * @param[out] out n values in [0, 1].
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param m whole number of opportunities ahead, >= 0.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_palive(double *out, const double params[4],
                            const double *x, const double *t_x,
                            const double *n_opp, size_t n, double m,
                            size_t *err_index);

/**
 * @brief Expected transactions at the next n_star opportunities
 *        (n + 1 .. n + n_star) given each customer's history (CET).
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param n_star whole number of future opportunities, >= 0.
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_expected(double *out, const double params[4],
                              const double *x, const double *t_x,
                              const double *n_opp, size_t n, double n_star,
                              size_t *err_index);

/**
 * @brief E[X(n)]: expected transactions of a new customer over its first
 *        n opportunities.
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param n_opp whole numbers of opportunities, >= 0.
 * @param n number of values.
 * @param[out] err_index first bad value, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_expected_new(double *out, const double params[4],
                                  const double *n_opp, size_t n,
                                  size_t *err_index);

/**
 * @brief P(X(n) = x): probability that a new customer transacts at
 *        exactly x of its first n opportunities.
 *
 * For the in-sample histogram evaluate x = 0..n; the values sum to 1.
 * @param[out] out n values (0 where x > n_opp).
 * @param params (alpha, beta, gamma, delta).
 * @param n_opp whole numbers of opportunities, >= 0.
 * @param x whole numbers of transactions, >= 0.
 * @param n number of (n_opp, x) pairs.
 * @param[out] err_index first bad pair, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_bgbb_pmf(double *out, const double params[4],
                         const double *n_opp, const double *x, size_t n,
                         size_t *err_index);

/**
 * @brief Discounted expected residual transactions (DERT) per customer.
 *
 * Sum over future opportunities k = 1, 2, ... of the expected transactions
 * at n + k discounted by (1 + d)^-k: the next opportunity is discounted
 * once. Summed directly with a geometric tail bound.
 * @param[out] out n values.
 * @param params (alpha, beta, gamma, delta).
 * @param x transactions per customer.
 * @param t_x last opportunity with a transaction per customer.
 * @param n_opp opportunities per customer.
 * @param n number of customers.
 * @param d discount rate per opportunity, >= 0; d = 0 requires
 *          gamma > 1 (otherwise the sum is infinite: #LOY_EDOMAIN).
 * @param[out] err_index first bad row, or NULL.
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (when the sum needs more
 *         than 10^8 terms, i.e. d below about 3e-7 with gamma <= 1; out
 *         holds the partial sums) or an input error.
 * @since 1.0
 */
LOY_API int loy_bgbb_dert(double *out, const double params[4],
                          const double *x, const double *t_x,
                          const double *n_opp, size_t n, double d,
                          size_t *err_index);

/*
 * sBG (shifted-beta-geometric, Fader & Hardie 2007): contractual
 * retention. Each customer cancels at each renewal with a probability
 * theta ~ Beta(alpha, beta), params[2] = (alpha, beta), both finite
 * (#LOY_ENONFINITE) and > 0 (#LOY_EDOMAIN). Periods are counted from
 * acquisition at t = 0; the lifetime T >= 1 is the renewal at which the
 * customer leaves (T = t: active at t - 1, gone at t). S(t) = P(T > t).
 */

/**
 * @brief Fit the sBG model to a cohort's survival curve.
 *
 * survivors[t] is the number (or fraction, or percentage) of the cohort
 * still active at t = 0..len-1; survivors[0] is the cohort size. The lost
 * at t are survivors[t-1] - survivors[t]; survivors[len-1] are
 * right-censored. The estimate does not depend on the cohort size, so
 * percentages can be passed directly (the report's loglik is then on that
 * scale). Default start (1, 1).
 * @param[out] params_out (alpha, beta); the best point on #LOY_ENOCONV.
 * @param survivors len non-increasing values >= 0, survivors[0] > 0.
 * @param len number of values (periods 0..len-1), >= 2 to be useful.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report, or NULL.
 * @param[out] err_index first bad value (increasing: #LOY_EINCONSISTENT;
 *             negative: #LOY_ESCALE; NaN: #LOY_ENONFINITE), or NULL.
 * @return #LOY_OK, #LOY_ENOCONV, #LOY_EEMPTY (len = 0 or survivors[0] = 0),
 *         #LOY_EDEGENERATE (nobody lost, or nobody renewed even once: no
 *         finite maximum) or another error code.
 * @since 1.0
 */
LOY_API int loy_sbg_fit_cohort(double params_out[2], const double *survivors,
                               size_t len, const loy_fit_options *opts,
                               loy_fit_report *report, size_t *err_index);

/**
 * @brief Fit the sBG model to individual tenures with right censoring.
 *
 * Customer i churned at T = tenure[i] (censored[i] = 0, tenure >= 1) or
 * is still active after tenure[i] renewals (censored[i] = 1, tenure >= 0).
 * A cohort expanded to individuals gives the same fit as
 * loy_sbg_fit_cohort().
 * @param[out] params_out (alpha, beta); the best point on #LOY_ENOCONV.
 * @param tenure whole numbers of periods.
 * @param censored 0 (churned) or 1 (still active) per customer.
 * @param w weights (>= 0) or NULL for 1 each.
 * @param n number of customers.
 * @param opts options or NULL for defaults.
 * @param[out] report convergence report, or NULL.
 * @param[out] err_index first bad customer, or NULL.
 * @return #LOY_OK, #LOY_ENOCONV, #LOY_EDEGENERATE (nobody churned, or
 *         nobody renewed even once) or an error code (a churned customer with tenure 0 is
 *         #LOY_EINCONSISTENT).
 * @since 1.0
 */
LOY_API int loy_sbg_fit_tenures(double params_out[2], const double *tenure,
                                const int *censored, const double *w,
                                size_t n, const loy_fit_options *opts,
                                loy_fit_report *report, size_t *err_index);

/**
 * @brief Cohort log-likelihood sum_t lost_t ln P(T = t) + s_K ln S(K).
 * @param[out] ll_out the log-likelihood.
 * @param params (alpha, beta).
 * @param survivors as for loy_sbg_fit_cohort().
 * @param len number of values.
 * @param[out] err_index first bad value, or NULL.
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_loglik_cohort(double *ll_out, const double params[2],
                                  const double *survivors, size_t len,
                                  size_t *err_index);

/**
 * @brief Survival curve S(t) = B(alpha, beta + t) / B(alpha, beta).
 * @param[out] out S(0) = 1, S(1), ..., S(len - 1).
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_survival(double *out, size_t len,
                             const double params[2]);

/**
 * @brief Retention-rate curve r_t = S(t) / S(t-1)
 *        = (beta + t - 1) / (alpha + beta + t - 1).
 *
 * It rises with t because the cohort's remaining customers are the loyal
 * ones, not because anyone's churn probability changes.
 * @param[out] out r_1, ..., r_len.
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_retention(double *out, size_t len,
                              const double params[2]);

/**
 * @brief Churn distribution P(T = t) = B(alpha + 1, beta + t - 1) /
 *        B(alpha, beta).
 * @param[out] out P(T = 1), ..., P(T = len).
 * @param len number of values, > 0.
 * @param params (alpha, beta).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_churn_pmf(double *out, size_t len,
                              const double params[2]);

/**
 * @brief Projected survivors of a cohort over the coming periods.
 *
 * A cohort that has `active` customers `age` periods after acquisition is
 * expected to have active * S(age + k) / S(age) at age + k.
 * @param[out] out expected survivors at age + 1, ..., age + len.
 * @param len number of periods, > 0.
 * @param params (alpha, beta).
 * @param active current number (or share) of active customers, >= 0.
 * @param age whole number of periods since acquisition, >= 0 (0 for a
 *            new cohort).
 * @return #LOY_OK or an error code.
 * @since 1.0
 */
LOY_API int loy_sbg_project(double *out, size_t len, const double params[2],
                            double active, double age);

/**
 * @brief Discounted expected lifetime DEL(d) = sum_{t>=0} S(t)/(1+d)^t.
 *
 * Counts the payment at acquisition (t = 0) undiscounted; E(CLV) = margin
 * * DEL. Equals 2F1(1, beta; alpha + beta; 1/(1+d)); at d = 0 it is
 * E[T] = (alpha + beta - 1)/(alpha - 1), which is infinite for alpha <= 1.
 * @param[out] out DEL.
 * @param params (alpha, beta).
 * @param d discount rate per period, >= 0; d = 0 with alpha <= 1 is
 *          #LOY_EDOMAIN.
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (when the sum needs more
 *         than 10^8 terms, i.e. d below about 3e-7 with alpha <= 1; out
 *         holds the partial sum; the cost is O(1/d) terms) or an input
 *         error.
 * @since 1.0
 */
LOY_API int loy_sbg_del(double *out, const double params[2], double d);

/**
 * @brief Discounted expected residual lifetime of a customer who has
 *        renewed n - 1 times: DERL = sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n).
 *
 * The customer stands just before renewal decision n; the upcoming payment
 * (made with probability r_n) counts undiscounted. The expected residual
 * value of an active customer, or the value lost when one cancels, is
 * margin * DERL. Equals r_n 2F1(1, beta + n; alpha + beta + n; 1/(1+d)).
 * @param[out] out DERL.
 * @param params (alpha, beta).
 * @param d discount rate per period, >= 0; d = 0 with alpha <= 1 is
 *          #LOY_EDOMAIN.
 * @param n renewal decision ahead, >= 1 (n = 1: a customer just
 *          acquired; n = 0 is #LOY_ESCALE).
 * @return #LOY_OK, #LOY_EDOMAIN, #LOY_ENOCONV (as for loy_sbg_del()) or an
 *         input error.
 * @since 1.0
 */
LOY_API int loy_sbg_derl(double *out, const double params[2], double d,
                         uint32_t n);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_BGBB_H */
