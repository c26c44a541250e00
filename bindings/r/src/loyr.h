/* SPDX-License-Identifier: MIT */
/*
 * loyr.h - shared helpers of the R wrappers (one .c per library module).
 *
 * Conventions of every .Call entry point:
 * - The R layer coerces arguments (as.double, as.integer) before the call;
 *   the C side checks type and length of each argument before allocating
 *   anything and before calling the library.
 * - A library status other than LOY_OK is not raised here: the entry point
 *   returns loyr_status(status, err_index), an integer vector
 *   c(status, row) of class "loyalty_status" (row 1-based, NA when no
 *   element is to blame), and the R layer turns it into a classed
 *   condition naming the argument and the row's values. Nothing long-jumps
 *   out of a library call, so there is nothing to release on that path.
 * - Scratch memory comes from R_alloc (released by R after the call, also
 *   when an allocation fails and R long-jumps); library handles live in
 *   external pointers with finalizers (see r_rfm.c).
 */
#ifndef LOYR_H
#define LOYR_H

#include <stddef.h>
#include <stdint.h>

#include <R.h>
#include <Rinternals.h>

#include <loyalty.h>

/* The failure value described above. */
SEXP loyr_status(int status, size_t err_index);

/* Shorthand for a call that got an argument of the wrong type or length
 * (the R layer should have prevented it). */
SEXP loyr_einval(void);

/* 1 when x is a double vector of length n (n < 0: any length). */
int loyr_is_real(SEXP x, R_xlen_t n);
/* 1 when x is an integer vector of length n (n < 0: any length). */
int loyr_is_int(SEXP x, R_xlen_t n);
/* 1 when x is a double scalar; stores it. */
int loyr_real1(SEXP x, double *out);
/* 1 when x is an integer scalar (not NA); stores it. */
int loyr_int1(SEXP x, int *out);
/* NULL for R's NULL, else the data of a double vector of length n; *ok is
 * cleared when x is neither. */
const double *loyr_opt_real(SEXP x, R_xlen_t n, int *ok);

/* Length of a vector as size_t. */
size_t loyr_len(SEXP x);

/* A new named double vector (protected by the caller). */
SEXP loyr_named_real(const char *const *names, int n);
/* A new named list (protected by the caller). */
SEXP loyr_named_list(const char *const *names, int n);

/* Fit options from R: start (NULL or n_params doubles) and control
 * c(penalty, gtol, max_iter, flags, max_evals). start_buf must hold
 * n_params doubles. Returns LOY_OK or LOY_EINVAL. */
int loyr_fit_options(loy_fit_options *opts, double *start_buf, SEXP start,
                     SEXP control, int n_params);
/* The R list describing a finished fit (status LOY_OK or LOY_ENOCONV). */
SEXP loyr_fit_value(int status, const double *params,
                    const loy_fit_report *report);

/* The .Call entry points (registered in init.c). */
SEXP loyr_bgbb_pmf(SEXP, SEXP, SEXP);
SEXP loyr_sbg_fit_cohort(SEXP, SEXP, SEXP);
SEXP loyr_sbg_fit_tenures(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_sbg_loglik_cohort(SEXP, SEXP);
SEXP loyr_sbg_curve(SEXP, SEXP, SEXP);
SEXP loyr_sbg_project(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_sbg_del(SEXP, SEXP, SEXP);
SEXP loyr_bgnbd_predict(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_bgnbd_pmf(SEXP, SEXP, SEXP);
SEXP loyr_bgnbd_clv(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_bgnbd_clv_monthly(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_discount_rate(SEXP, SEXP);
SEXP loyr_ggamma_fit(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_ggamma_loglik(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_ggamma_spend(SEXP, SEXP, SEXP);
SEXP loyr_ggamma_mean(SEXP);
SEXP loyr_ggamma_correlation(SEXP, SEXP);
SEXP loyr_btyd_fit(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_btyd_loglik(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_btyd_loglik_each(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_btyd_each(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_btyd_new(SEXP, SEXP, SEXP);
SEXP loyr_churn_cost_simple(SEXP);
SEXP loyr_churn_cost_sbg(SEXP, SEXP);
SEXP loyr_churn_silent(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_churn_wom(SEXP);
SEXP loyr_churn_class_value(SEXP, SEXP, SEXP);
SEXP loyr_churn_move_value(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_churn_base_value(SEXP);
SEXP loyr_churn_retention_margin(SEXP, SEXP);
SEXP loyr_churn_egr(SEXP, SEXP, SEXP);
SEXP loyr_clv_value(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_clv_formula(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_status_text(SEXP);
SEXP loyr_version(void);
SEXP loyr_nps_tally(SEXP, SEXP, SEXP);
SEXP loyr_nps_tally_grouped(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_estimate(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_compare(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_wtally(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_westimate(SEXP, SEXP);
SEXP loyr_nps_sample_size(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_margin(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_csat(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_ces(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_survey_counts(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_nps_tally_hist(SEXP, SEXP);
SEXP loyr_rfm_summarize(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_abc(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_abc_computed(SEXP);
SEXP loyr_segment_cross(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_action_names(SEXP);
SEXP loyr_drivers_linear(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_drivers_glm(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_drivers_prca(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_drivers_ipa(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_funnel(SEXP, SEXP);
SEXP loyr_funnel_limits(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_chart(SEXP, SEXP, SEXP, SEXP);
SEXP loyr_arl(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_arl_limit(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_change(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP loyr_topbox(SEXP, SEXP, SEXP, SEXP);

#endif /* LOYR_H */
