/* SPDX-License-Identifier: MIT */
/*
 * init.c - registration of the .Call entry points.
 *
 * Every entry point is registered with its exact arity; dynamic lookup is
 * off (R_useDynamicSymbols FALSE) and R code reaches them only through the
 * symbols NAMESPACE creates (useDynLib(loyalty, .registration = TRUE,
 * .fixes = "C_"), R_forceSymbols TRUE), so C_btyd_fit is the routine
 * registered as "btyd_fit". Only R_init_loyalty is visible outside the
 * shared object.
 */
#include "loyr.h"

#include <R_ext/Rdynload.h>
#include <R_ext/Visibility.h>

/* Through void (*)(void), the type GCC lets any function pointer pass. */
#define ENTRY(name, n) {#name, (DL_FUNC)(void (*)(void))&loyr_##name, n}

static const R_CallMethodDef call_methods[] = {
    ENTRY(bgbb_pmf, 3),
    ENTRY(sbg_fit_cohort, 3),
    ENTRY(sbg_fit_tenures, 5),
    ENTRY(sbg_loglik_cohort, 2),
    ENTRY(sbg_curve, 3),
    ENTRY(sbg_project, 4),
    ENTRY(sbg_del, 3),
    ENTRY(bgnbd_predict, 5),
    ENTRY(bgnbd_pmf, 3),
    ENTRY(bgnbd_clv, 7),
    ENTRY(bgnbd_clv_monthly, 8),
    ENTRY(discount_rate, 2),
    ENTRY(ggamma_fit, 5),
    ENTRY(ggamma_loglik, 4),
    ENTRY(ggamma_spend, 3),
    ENTRY(ggamma_mean, 1),
    ENTRY(ggamma_correlation, 2),
    ENTRY(btyd_fit, 7),
    ENTRY(btyd_loglik, 6),
    ENTRY(btyd_loglik_each, 6),
    ENTRY(btyd_each, 7),
    ENTRY(btyd_new, 3),
    ENTRY(churn_cost_simple, 1),
    ENTRY(churn_cost_sbg, 2),
    ENTRY(churn_silent, 4),
    ENTRY(churn_wom, 1),
    ENTRY(churn_class_value, 3),
    ENTRY(churn_move_value, 5),
    ENTRY(churn_base_value, 1),
    ENTRY(churn_retention_margin, 2),
    ENTRY(churn_egr, 3),
    ENTRY(clv_value, 7),
    ENTRY(clv_formula, 4),
    ENTRY(status_text, 1),
    ENTRY(version, 0),
    ENTRY(nps_tally, 3),
    ENTRY(nps_tally_grouped, 5),
    ENTRY(nps_estimate, 4),
    ENTRY(nps_compare, 5),
    ENTRY(nps_wtally, 4),
    ENTRY(nps_westimate, 2),
    ENTRY(nps_sample_size, 4),
    ENTRY(nps_margin, 4),
    ENTRY(csat, 4),
    ENTRY(ces, 4),
    ENTRY(survey_counts, 4),
    ENTRY(nps_tally_hist, 2),
    ENTRY(rfm_summarize, 9),
    ENTRY(abc, 4),
    ENTRY(abc_computed, 1),
    ENTRY(segment_cross, 8),
    ENTRY(action_names, 1),
    ENTRY(drivers_linear, 8),
    ENTRY(drivers_glm, 7),
    ENTRY(drivers_prca, 5),
    ENTRY(drivers_ipa, 7),
    ENTRY(funnel, 2),
    ENTRY(funnel_limits, 4),
    ENTRY(chart, 4),
    ENTRY(arl, 6),
    ENTRY(arl_limit, 5),
    ENTRY(change, 7),
    ENTRY(topbox, 4),
    {NULL, NULL, 0}};

void R_init_loyalty(DllInfo *dll);

void attribute_visible
R_init_loyalty(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
