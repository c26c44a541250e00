# SPDX-License-Identifier: MIT

#' sBG model of contractual retention: fit and predict
#'
#' The shifted-beta-geometric model of Fader and Hardie (2007): each
#' customer cancels at each renewal with a probability
#' \eqn{\theta \sim Beta(\alpha, \beta)}{theta ~ Beta(alpha, beta)}, so the
#' retention rate of a cohort rises with tenure (the loyal ones remain).
#' Fit it to a cohort's survival curve (counts, fractions or percentages:
#' the estimate does not depend on the cohort size) or to individual
#' tenures with right censoring.
#'
#' @param survivors customers (or share) still active at periods 0, 1, ...;
#'   `survivors[1]` is the cohort at acquisition.
#' @param tenure,censored individual data instead: periods survived, and
#'   `TRUE` for customers still active (censored), `FALSE` for those who
#'   left after `tenure` renewals.
#' @param weights customers per row of the individual data.
#' @param params known parameters `c(alpha, beta)`: no fit.
#' @inheritParams bgnbd
#' @return A `c("loy_sbg", "loy_fit")` object; see [loy_fit] and
#'   [predict.loy_sbg()].
#' @references Fader, P. S. and Hardie, B. G. S. (2007). How to project
#'   customer retention. *Journal of Interactive Marketing* 21(1), 76-90.
#' @examples
#' # The "regular" cohort of Fader & Hardie (2007), years 0-7, in percent
#' m <- sbg(c(100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1))
#' m
#' predict(m, type = "survival", t = 0:12)
#' @export
sbg <- function(survivors = NULL, tenure = NULL, censored = NULL, weights = NULL,
                params = NULL, start = NULL, control = fit_control()) {
  call <- match.call()
  if (!is.null(params)) {
    params <- check_params(params, "sbg")
    ll <- NA_real_
    if (!is.null(survivors)) {
      s <- as_num(survivors, "survivors")
      ll <- .loy(.Call(C_sbg_loglik_cohort, params, s), "survivors", list(survivors = s))
    }
    return(params_fit("sbg", params, list(survivors = survivors), call, ll,
                      if (is.null(survivors)) NA_real_ else survivors[1L]))
  }
  if (!is.null(start)) start <- check_params(start, "sbg")
  ctrl <- control_vector(control)
  if (!is.null(survivors)) {
    s <- as_num(survivors, "survivors")
    res <- .loy(.Call(C_sbg_fit_cohort, s, start, ctrl), "survivors",
                list(survivors = s))
    data <- list(survivors = s)
  } else {
    if (is.null(tenure) || is.null(censored))
      bad_input("give survivors, or tenure and censored", "survivors")
    tv <- as_num(tenure, "tenure")
    if (!is.logical(censored) && !is.numeric(censored))
      bad_input("censored must be TRUE/FALSE (or 1/0)", "censored")
    cv <- as.integer(censored)
    if (length(cv) != length(tv)) bad_input("tenure and censored must have one length",
                                            c("tenure", "censored"))
    w <- if (is.null(weights)) NULL else as_num(weights, "weights")
    res <- .loy(.Call(C_sbg_fit_tenures, tv, cv, w, start, ctrl),
                c("tenure", "censored"), list(tenure = tv, censored = censored, weights = w))
    data <- list(tenure = tv, censored = cv, weights = w)
  }
  after_fit(new_fit("sbg", res, data, call))
}

#' Predictions of the sBG model
#'
#' @param object a `loy_sbg` model.
#' @param newdata unused (the model describes a cohort).
#' @param type `"survival"`: \eqn{S(t)} at the periods `t`; `"retention"`:
#'   the retention rate \eqn{r_t = S(t)/S(t-1)} for `t >= 1`; `"churn"`:
#'   \eqn{P(T = t)}, the share lost at renewal `t >= 1`; `"project"`: the
#'   expected survivors at `age + t` of `active` customers who are `age`
#'   periods old; `"del"`: the discounted expected lifetime at rate
#'   `discount` (payment at acquisition included); `"derl"`: the discounted
#'   expected residual lifetime of a customer who has made `renewal - 1`
#'   renewals.
#' @param t periods (whole numbers).
#' @param discount discount rate per period (vector for `"del"`/`"derl"`).
#' @param active,age for `"project"`.
#' @param renewal for `"derl"`: the renewal decision ahead (1 for a
#'   customer just acquired).
#' @param ... unused.
#' @return A numeric vector.
#' @examples
#' m <- sbg(params = c(alpha = 0.704, beta = 1.182))
#' predict(m, type = "retention", t = 1:5)
#' predict(m, type = "del", discount = 0.1)
#' plot(sbg(c(100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1)))
#' @export
predict.loy_sbg <- function(object, newdata = NULL,
                            type = c("survival", "retention", "churn", "project",
                                     "del", "derl"),
                            t = 0:10, discount = 0.1, active = 1, age = 0,
                            renewal = 1, ...) {
  type <- match.arg(type)
  p <- coef(object)
  curve <- function(what, tt, offset) {
    tt <- as_num(tt, "t")
    if (length(tt) == 0L) return(numeric())
    if (anyNA(tt) || any(tt < offset | tt != floor(tt)))
      bad_input(sprintf("t must be whole numbers >= %d", offset), "t", status = -2L)
    len <- as.integer(max(tt) + 1 - offset)
    v <- .loy(.Call(C_sbg_curve, what, p, len), "t")
    v[tt + 1 - offset]
  }
  switch(type,
    survival = curve(1L, t, 0),
    retention = curve(2L, t, 1),
    churn = curve(3L, t, 1),
    project = {
      tt <- as_num(t, "t")
      if (anyNA(tt) || any(tt < 1 | tt != floor(tt)))
        bad_input("t must be whole numbers >= 1", "t", status = -2L)
      v <- .loy(.Call(C_sbg_project, p, as.integer(max(tt)), as_scalar(active, "active"),
                      as_scalar(age, "age")), c("active", "age"))
      v[tt]
    },
    del = {
      d <- as_num(discount, "discount")
      .loy(.Call(C_sbg_del, p, d, NULL), "discount", list(discount = d))
    },
    derl = {
      d <- as_num(discount, "discount")
      r <- as_num(renewal, "renewal")
      n <- max(length(d), length(r))
      d <- rep_len(d, n)
      r <- rep_len(r, n)
      .loy(.Call(C_sbg_del, p, d, r), c("discount", "renewal"),
           list(discount = d, renewal = r))
    })
}

#' @rdname predict.loy_sbg
#' @param x a `loy_sbg` model.
#' @param periods periods to draw (default: the fitted curve and as many
#'   again projected).
#' @export
plot.loy_sbg <- function(x, periods = NULL, ...) {
  s <- x$data$survivors
  n_obs <- if (is.null(s)) 0L else length(s)
  periods <- periods %||% (0:max(12L, 2L * (n_obs - 1L)))
  fit <- predict(x, type = "survival", t = periods)
  graphics::plot(periods, 100 * fit, type = "l", ylim = c(0, 100), xlab = "period",
                 ylab = "% surviving", main = sprintf("sBG survival (alpha %.3g, beta %.3g)",
                                                        coef(x)[1], coef(x)[2]), ...)
  if (n_obs > 0L) {
    graphics::points(seq_len(n_obs) - 1L, 100 * s / s[1], pch = 16)
    graphics::legend("topright", c("observed", "model"), pch = c(16, NA), lty = c(NA, 1),
                     bty = "n")
  }
  invisible(data.frame(period = periods, survival = fit))
}
