# SPDX-License-Identifier: MIT

cols_spend <- list(c("x", "frequency"),
                   c("m.x", "monetary", "monetary_value", "zbar", "Spending"))

#' Gamma-Gamma spend model: fit and predict
#'
#' The Gamma-Gamma model of Fader, Hardie and Lee (2005) for the value of
#' transactions: each transaction of a customer is
#' \eqn{Gamma(p, \nu)}{Gamma(p, nu)} with
#' \eqn{\nu \sim Gamma(q, \gamma)}{nu ~ Gamma(q, gamma)} across customers
#' (lifetimes calls \eqn{\gamma}{gamma} "v"). The data are the number of
#' repeat transactions `x` and their mean value `m`, first purchase
#' excluded.
#'
#' Customers without repeat purchases (`x = 0`) tell nothing about spend:
#' they are left out of the fit (their number is kept in `n_dropped` and
#' printed). Other bad rows (negative or missing values) are errors. The
#' model assumes spend independent of frequency: [spend_correlation()]
#' checks it.
#'
#' @inheritParams bgnbd
#' @param x,m repeat transactions and mean repeat-transaction value, as
#'   column names or vectors; found by name when `NULL`: `x` (`frequency`)
#'   and `m.x` (`monetary`, `monetary_value`, `zbar`, `Spending`).
#' @param params known parameters `c(p, q, gamma)`.
#' @return A `c("loy_ggamma", "loy_fit")` object; see [loy_fit]. Its
#'   `population_mean` is \eqn{p\gamma/(q-1)}{p gamma / (q - 1)} (`NA` when
#'   `q <= 1`: an infinite mean).
#' @references Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM
#'   and CLV: using iso-value curves for customer base analysis. *Journal
#'   of Marketing Research* 42(4), 415-430.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' gg <- ggamma(cbs)
#' gg
#' head(predict(gg, cbs))
#' @export
ggamma <- function(data = NULL, x = NULL, m = NULL, weights = NULL, params = NULL,
                   start = NULL, control = fit_control()) {
  call <- match.call()
  if (!is.null(params) && is.null(data) && is.null(x) && is.null(m)) {
    fit <- params_fit("ggamma", check_params(params, "ggamma"), NULL, call)
    fit$population_mean <- tryCatch(.loy(.Call(C_ggamma_mean, coef(fit))),
                                    loyalty_domain = function(e) NA_real_)
    return(fit)
  }
  cx <- resolve_column(data, x, cols_spend[[1]], "x")
  cm <- resolve_column(data, m, cols_spend[[2]], "m")
  vx <- as_num(cx$value, cx$name)
  vm <- as_num(cm$value, cm$name)
  if (length(vm) != length(vx)) bad_input("x and m must have one length", c(cx$name, cm$name))
  w <- weights_column(data, weights, length(vx))
  keep <- !(vx == 0 & !is.na(vx))
  n_dropped <- sum(!keep)
  rows <- which(keep)
  fx <- vx[keep]
  fm <- vm[keep]
  fw <- if (is.null(w)) NULL else w[keep]
  names2 <- c(cx$name, cm$name)
  stored <- list(x = vx, m = vm, weights = w, names = names2, frame = data)
  extra <- list(n_dropped = n_dropped)
  # Errors name the caller's rows, not positions among the kept ones.
  remap <- function(res) {
    if (inherits(res, "loyalty_status") && !is.na(res[2])) res[2] <- rows[res[2]]
    res
  }
  rowl <- setNames(list(vx, vm), names2)
  if (!is.null(params)) {
    params <- check_params(params, "ggamma")
    ll <- if (length(fx)) .loy(remap(.Call(C_ggamma_loglik, params, fx, fm, fw)),
                               names2, rowl) else NA_real_
    fit <- params_fit("ggamma", params, stored, call, ll,
                      if (is.null(fw)) length(fx) else sum(fw), extra)
  } else {
    if (!is.null(start)) start <- check_params(start, "ggamma")
    res <- .loy(remap(.Call(C_ggamma_fit, fx, fm, fw, start, control_vector(control))),
                names2, rowl)
    fit <- after_fit(new_fit("ggamma", res, stored, call, extra))
  }
  fit$population_mean <- tryCatch(.loy(.Call(C_ggamma_mean, coef(fit))),
                                  loyalty_domain = function(e) NA_real_)
  fit
}

#' @rdname loy_fit
#' @export
print.loy_ggamma <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  NextMethod()
  if (is.na(x$population_mean))
    cat("Population mean spend: infinite (q <= 1)\n")
  else
    cat("Population mean spend:", format(x$population_mean, digits = digits + 2L), "\n")
  invisible(x)
}

#' Predictions of the Gamma-Gamma model
#'
#' The conditional expected value of a customer's transactions,
#' \eqn{p(\gamma + x m)/(px + q - 1)}{p (gamma + x m) / (p x + q - 1)}: a
#' weighted mean of the population mean and the customer's own mean
#' (BTYD's `spend.expected.value`, lifetimes'
#' `conditional_expected_average_profit`). Customers with `x = 0` get the
#' population mean.
#'
#' @param object a `loy_ggamma` model.
#' @param newdata customers (columns as for [ggamma()]); `NULL` for the
#'   customers of the fit (all of them, `x = 0` included).
#' @param type `"spend"`.
#' @param ... unused.
#' @return A numeric vector, one value per customer.
#' @examples
#' gg <- ggamma(params = c(p = 6.25, q = 3.74, gamma = 15.44))
#' predict(gg, data.frame(x = c(0, 1, 10), m.x = c(0, 20, 20)))
#' @export
predict.loy_ggamma <- function(object, newdata = NULL, type = "spend", ...) {
  type <- match.arg(type, "spend")
  if (is.null(newdata)) {
    vx <- object$data$x
    vm <- object$data$m
    nm <- object$data$names
    if (is.null(vx)) bad_input("this model has no data: give newdata", "newdata")
  } else {
    cx <- resolve_column(newdata, NULL, cols_spend[[1]], "x")
    cm <- resolve_column(newdata, NULL, cols_spend[[2]], "m")
    vx <- as_num(cx$value, cx$name)
    vm <- as_num(cm$value, cm$name)
    nm <- c(cx$name, cm$name)
  }
  .loy(.Call(C_ggamma_spend, coef(object), vx, vm), nm, setNames(list(vx, vm), nm))
}

#' Correlation of purchase frequency and spend
#'
#' The Gamma-Gamma model assumes that how much a customer spends per
#' transaction does not depend on how often they buy; the Pearson
#' correlation of `x` and `m` over customers with repeat purchases should be
#' near 0.
#'
#' @param data,x,m as for [ggamma()] (customers with `x = 0` are left out).
#' @return The correlation, a number in \eqn{[-1, 1]}.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' spend_correlation(cbs)
#' @export
spend_correlation <- function(data = NULL, x = NULL, m = NULL) {
  cx <- resolve_column(data, x, cols_spend[[1]], "x")
  cm <- resolve_column(data, m, cols_spend[[2]], "m")
  vx <- as_num(cx$value, cx$name)
  vm <- as_num(cm$value, cm$name)
  keep <- !(vx == 0 & !is.na(vx))
  rows <- which(keep)
  res <- .Call(C_ggamma_correlation, vx[keep], vm[keep])
  if (inherits(res, "loyalty_status") && !is.na(res[2])) res[2] <- rows[res[2]]
  .loy(res, c(cx$name, cm$name), setNames(list(vx, vm), c(cx$name, cm$name)))
}
