# SPDX-License-Identifier: MIT

timing_code <- function(timing) {
  if (is.character(timing) && all(timing %in% c("end", "beginning")))
    return(as.integer(timing == "beginning"))
  bad_input("timing must be \"end\" or \"beginning\"", "timing")
}

#' Retention-based customer lifetime value
#'
#' The deterministic "margin multiple" formulas: a customer retained from
#' period to period with probability `retention` brings `margin` per period
#' (growing by `growth`), discounted at `discount` per period.
#' `clv_multiple()` is the value per unit of margin, `clv_value()` the
#' value net of the acquisition cost. With `timing = "end"` the first margin
#' arrives at the end of the first period (CLV = m r / (1 + i - r) for an
#' infinite horizon); with `"beginning"` it arrives now, undiscounted
#' (exactly one margin more). All arguments are vectorised.
#'
#' @param margin margin per period.
#' @param retention retention rate per period, in \eqn{[0, 1]}.
#' @param discount discount rate per period.
#' @param growth margin growth per period.
#' @param horizon number of margins (`Inf` for no limit).
#' @param acquisition_cost subtracted once.
#' @param timing `"end"` or `"beginning"` of period.
#' @return A numeric vector.
#' @examples
#' clv_multiple(0.8, 0.1)                    # 2.667
#' clv_value(100, 0.8, 0.1)                  # 266.67
#' clv_value(100, 0.8, 0.1, horizon = 1:5)
#' @export
clv_multiple <- function(retention, discount, growth = 0, horizon = Inf, timing = "end") {
  a <- recycle(retention = retention, discount = discount, growth = growth, horizon = horizon)
  tm <- rep_len(timing_code(timing), length(a$retention))
  .loy(.Call(C_clv_value, a$retention, a$discount, a$growth, a$horizon, tm, NULL, NULL),
       names(a), a)
}

#' @rdname clv_multiple
#' @export
clv_value <- function(margin, retention, discount, growth = 0, horizon = Inf,
                      acquisition_cost = 0, timing = "end") {
  a <- recycle(margin = margin, retention = retention, discount = discount, growth = growth,
               horizon = horizon, acquisition_cost = acquisition_cost)
  tm <- rep_len(timing_code(timing), length(a$retention))
  .loy(.Call(C_clv_value, a$retention, a$discount, a$growth, a$horizon, tm, a$margin,
             a$acquisition_cost), names(a), a)
}

#' Rates and lifetimes: small CLV helpers
#'
#' `expected_lifetime()`: the expected number of periods \eqn{1/(1-r)} of a
#' customer retained with probability `r` (the current period counted).
#' `rescale_rate()`: a rate for a period `factor` times as long (annual to
#' monthly: 1/12): retention \eqn{r^f}, churn \eqn{1-(1-c)^f}, discount
#' \eqn{(1+i)^f-1}. `saas_ltv()`: ARPA x gross margin / churn.
#' `viral_clv()`: the value including referrals, \eqn{CLV/(1-k)}.
#' `discount_rate()`: the continuous rate per period
#' \eqn{\ln(1 + annual)/periods} that the lifetime models' CLV takes (e.g.
#' 52 periods a year for weekly data).
#'
#' @param retention,rate,churn,clv,referrals,arpa,gross_margin the
#'   quantities named (vectorised).
#' @param factor new period length / old period length.
#' @param kind `"retention"`, `"churn"` or `"discount"`.
#' @param annual effective annual discount rate.
#' @param periods_per_year model time units per year.
#' @return A numeric vector.
#' @examples
#' expected_lifetime(0.8)
#' rescale_rate(0.8, 1 / 12)
#' saas_ltv(100, 0.8, 0.02)
#' viral_clv(500, 0.2)
#' discount_rate(0.15, 52)
#' @export
expected_lifetime <- function(retention) {
  a <- recycle(retention = retention)
  z <- numeric(length(a$retention))
  .loy(.Call(C_clv_formula, 1L, a$retention, z, z), "retention", a)
}

#' @rdname expected_lifetime
#' @export
rescale_rate <- function(rate, factor, kind = c("retention", "churn", "discount")) {
  kind <- match.arg(kind)
  a <- recycle(rate = rate, factor = factor)
  k <- rep(match(kind, c("retention", "churn", "discount")) - 1, length(a$rate))
  .loy(.Call(C_clv_formula, 2L, a$rate, a$factor, k), names(a), a)
}

#' @rdname expected_lifetime
#' @export
saas_ltv <- function(arpa, gross_margin, churn) {
  a <- recycle(arpa = arpa, gross_margin = gross_margin, churn = churn)
  .loy(.Call(C_clv_formula, 3L, a$arpa, a$gross_margin, a$churn), names(a), a)
}

#' @rdname expected_lifetime
#' @export
viral_clv <- function(clv, referrals) {
  a <- recycle(clv = clv, referrals = referrals)
  .loy(.Call(C_clv_formula, 4L, a$clv, a$referrals, numeric(length(a$clv))), names(a), a)
}

#' @rdname expected_lifetime
#' @export
discount_rate <- function(annual, periods_per_year) {
  a <- recycle(annual = annual, periods_per_year = periods_per_year)
  .loy(.Call(C_discount_rate, a$annual, a$periods_per_year), names(a), a)
}

#' Version of the loyalty package and of its C library
#'
#' @return A list: `version` (of the loaded libloyalty), `number`
#'   (MAJOR*10000 + MINOR*100 + PATCH), `abi`, `source` (`"bundled"`: the
#'   sources compiled into the package; `"system"`: an installed libloyalty
#'   found at install time), `header_version` (of the headers compiled
#'   against) and `package` (the R package's version).
#' @examples
#' loyalty_version()
#' @export
loyalty_version <- function() {
  v <- .Call(C_version)
  v$fit_limits <- NULL
  v$package <- as.character(utils::packageVersion("loyalty"))
  v
}
