# SPDX-License-Identifier: MIT

#' loyalty: customer-loyalty analytics from R
#'
#' R interface to libloyalty, a C library for NPS, CSAT and CES, the
#' purchase-log summary and the lifetime models (BG/NBD, MBG/NBD,
#' Pareto/NBD, BG/BB, sBG, Gamma-Gamma), customer lifetime value, ABC x
#' loyalty segmentation, churn economics, key drivers, and the consistency
#' of units and periods (funnels, control charts). Start with the guide:
#' `vignette("loyalty")`.
#'
#' * Surveys: [nps()], [nps_by()], [nps_compare()], [nps_class()],
#'   [csat()], [ces()], [nps_sample_size()].
#' * Key drivers: [drivers()], [prca()], [ipa()].
#' * Consistency over units and time: [nps_funnel()], [nps_chart()],
#'   [nps_change()], [topbox_trend()]; chart design: [ewma_arl()],
#'   [cusum_arl()], [ewma_limit()], [cusum_limit()].
#' * Purchase logs: [rfm_summary()].
#' * Lifetime models: [bgnbd()], [pnbd()], [mbgnbd()], [bgbb()],
#'   [ggamma()], [sbg()]; their methods [loy_fit]; [tracking()],
#'   [expected_new()], [purchase_pmf()].
#' * Value: [clv_value()], [discount_rate()], [churn_cost()],
#'   [silent_churn()], [base_value()], [class_value()], [egr()].
#' * Segmentation: [abc()], [abc_loyalty()].
#' * Errors: [loyalty-conditions].
#'
#' @keywords internal
#' @examples
#' loyalty_version()
#' nps(c(10, 9, 7, 3, 8, NA))
#' @useDynLib loyalty, .registration = TRUE, .fixes = "C_"
#' @importFrom stats coef vcov logLik nobs confint predict fitted AIC BIC setNames
#' @importFrom utils packageVersion
"_PACKAGE"
