# SPDX-License-Identifier: MIT

# Column names looked for, in order: loyalty/BTYD/CLVTools, lifetimes.
cols_xtT <- list(c("x", "frequency", "frequency_cal"),
                 c("t.x", "t_x", "recency", "recency_cal"),
                 c("T.cal", "T", "T_cal"))
cols_bgbb <- list(c("x", "frequency"), c("t.x", "t_x", "recency"),
                  c("n.cal", "n", "periods", "n_opp"))

fit_counts <- function(model, data, x, t_x, T, weights, params, start, control,
                       call, candidates = cols_xtT, labels = c("x", "t_x", "T"),
                       weight_candidates = character()) {
  info <- model_info[[model]]
  if (!is.null(params) && is.null(data) && is.null(x) && is.null(t_x) && is.null(T))
    return(params_fit(model, check_params(params, model), NULL, call))
  cols <- count_columns(data, x, t_x, T, labels, candidates)
  w <- weights_column(data, weights, length(cols$x), weight_candidates)
  stored <- list(x = cols$x, t_x = cols$t_x, T = cols$T, weights = w,
                 names = cols$names, frame = data)
  if (!is.null(params)) {
    params <- check_params(params, model)
    ll <- if (length(cols$x)) .loy(.Call(C_btyd_loglik, info$code, params, cols$x,
                                         cols$t_x, cols$T, w),
                                   cols$names, cols_rows(cols)) else NA_real_
    nobs <- if (length(cols$x)) if (is.null(w)) length(cols$x) else sum(w) else NA_real_
    return(params_fit(model, params, stored, call, ll, nobs))
  }
  if (!is.null(start)) start <- check_params(start, model)
  res <- .loy(.Call(C_btyd_fit, info$code, cols$x, cols$t_x, cols$T, w, start,
                    control_vector(control)),
              cols$names, c(cols_rows(cols), list(weights = w)))
  after_fit(new_fit(model, res, stored, call))
}

#' BG/NBD model: fit, predict, plot
#'
#' The BG/NBD model of Fader, Hardie and Lee (2005): while alive a customer
#' buys at a rate \eqn{\lambda \sim Gamma(r, \alpha)}{lambda ~ Gamma(r, alpha)}
#' and drops out after each purchase with a probability
#' \eqn{p \sim Beta(a, b)}{p ~ Beta(a, b)}. Fitted by maximum likelihood
#' (BFGS on log-parameters, analytic gradient, identical customers
#' compressed into patterns) in the C library.
#'
#' @param data a data frame with one row per customer, such as
#'   [rfm_summary()]'s output, or `NULL` when the columns are given as
#'   vectors.
#' @param x,t_x,T repeat purchases, time of the last repeat purchase and
#'   age at the end of the calibration window (time since the first
#'   purchase), as column names or vectors. Found by name when `NULL`: `x`
#'   (or `frequency`), `t.x` (`t_x`, `recency`), `T.cal` (`T`). `t_x` and
#'   `T` are in one time unit (weeks in BTYD and CLVTools); `alpha` carries
#'   it.
#' @param weights customers per row (a column name or vector) when rows are
#'   patterns shared by several customers; `NULL` for one customer per row.
#' @param params known parameters `c(r, alpha, a, b)`: no fit, a model with
#'   these values (for predictions with published or stored parameters; with
#'   `data` its log-likelihood there).
#' @param start start point of the fit (natural parameters), or `NULL` for
#'   the library's default.
#' @param control [fit_control()] options (or a list of them).
#' @return A `c("loy_bgnbd", "loy_fit")` object: see [loy_fit] for the
#'   methods and [predict.loy_bgnbd()] for predictions.
#' @references Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005).
#'   "Counting your customers" the easy way: an alternative to the
#'   Pareto/NBD model. *Marketing Science* 24(2), 275-284.
#' @seealso [pnbd()], [mbgnbd()], [ggamma()], [rfm_summary()].
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- bgnbd(cbs)
#' m
#' head(predict(m, type = "palive"))
#' # BTYD's published CDNOW parameters, as a model
#' bgnbd(params = c(r = 0.243, alpha = 4.414, a = 0.793, b = 2.426))
#' @export
bgnbd <- function(data = NULL, x = NULL, t_x = NULL, T = NULL, weights = NULL,
                  params = NULL, start = NULL, control = fit_control()) {
  fit_counts("bgnbd", data, x, t_x, T, weights, params, start, control, match.call())
}

#' Pareto/NBD model: fit, predict, plot
#'
#' The Pareto/NBD model of Schmittlein, Morrison and Colombo (1987):
#' purchases at a rate \eqn{\lambda \sim Gamma(r, \alpha)}{lambda ~ Gamma(r, alpha)}
#' while alive, an exponential lifetime with rate
#' \eqn{\mu \sim Gamma(s, \beta)}{mu ~ Gamma(s, beta)}. The likelihood is
#' evaluated in a stable log form (no overflow for heavy buyers) and
#' maximised with an analytic gradient.
#'
#' @inheritParams bgnbd
#' @param params known parameters `c(r, alpha, s, beta)`.
#' @return A `c("loy_pnbd", "loy_fit")` object; see [loy_fit] and
#'   [predict.loy_pnbd()].
#' @references Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987).
#'   Counting your customers: who are they and what will they do next?
#'   *Management Science* 33(1), 1-24.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- pnbd(cbs)
#' summary(m)
#' head(predict(m, type = "dert", discount = discount_rate(0.15, 52)))
#' @export
pnbd <- function(data = NULL, x = NULL, t_x = NULL, T = NULL, weights = NULL,
                 params = NULL, start = NULL, control = fit_control()) {
  fit_counts("pnbd", data, x, t_x, T, weights, params, start, control, match.call())
}

#' MBG/NBD model: fit and predict
#'
#' The modified BG/NBD of Batislam, Denizel and Filiztekin (2007): as
#' BG/NBD, but a customer may also drop out at time 0, so customers without
#' repeat purchases need not be alive.
#'
#' @inheritParams bgnbd
#' @return A `c("loy_mbgnbd", "loy_fit")` object; see [loy_fit] and
#'   [predict.loy_mbgnbd()].
#' @references Batislam, E. P., Denizel, M. and Filiztekin, A. (2007).
#'   Empirical validation and comparison of models for customer base
#'   analysis. *International Journal of Research in Marketing* 24(3),
#'   201-209.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- mbgnbd(cbs)
#' coef(m)
#' @export
mbgnbd <- function(data = NULL, x = NULL, t_x = NULL, T = NULL, weights = NULL,
                   params = NULL, start = NULL, control = fit_control()) {
  fit_counts("mbgnbd", data, x, t_x, T, weights, params, start, control, match.call())
}

#' BG/BB model for discrete opportunities: fit and predict
#'
#' The BG/BB model of Fader, Hardie and Shang (2010) for purchases at
#' discrete opportunities (yearly donations, events): a live customer
#' transacts at each opportunity with a probability
#' \eqn{\sim Beta(\alpha, \beta)}{~ Beta(alpha, beta)} and drops out before
#' each with a probability \eqn{\sim Beta(\gamma, \delta)}{~ Beta(gamma, delta)}.
#'
#' @inheritParams bgnbd
#' @param x,t_x,n transactions, the last opportunity with a transaction (0
#'   when none) and the number of opportunities, as column names or
#'   vectors; found by name when `NULL`: `x` (`frequency`), `t.x` (`t_x`,
#'   `recency`), `n.cal` (`n`, `periods`, `n_opp`) - BTYD's `rf.matrix`
#'   works as it is.
#' @param weights customers per row; when `NULL`, a column `custs` (BTYD)
#'   or `weights` (lifetimes) is used if present.
#' @param params known parameters `c(alpha, beta, gamma, delta)`.
#' @return A `c("loy_bgbb", "loy_fit")` object; see [loy_fit] and
#'   [predict.loy_bgbb()].
#' @references Fader, P. S., Hardie, B. G. S. and Shang, J. (2010).
#'   Customer-base analysis in a discrete-time noncontractual setting.
#'   *Marketing Science* 29(6), 1086-1108.
#' @examples
#' m <- bgbb(donations_sim)
#' m
#' predict(m, type = "expected", t = 5)[1:3]
#' @export
bgbb <- function(data = NULL, x = NULL, t_x = NULL, n = NULL, weights = NULL,
                 params = NULL, start = NULL, control = fit_control()) {
  fit_counts("bgbb", data, x, t_x, n, weights, params, start, control, match.call(),
             candidates = cols_bgbb, labels = c("x", "t_x", "n"),
             weight_candidates = c("custs", "weights"))
}

# Columns for a prediction: newdata, or the data of the fit.
prediction_columns <- function(object, newdata) {
  if (is.null(newdata)) {
    d <- object$data
    if (is.null(d) || is.null(d$x))
      bad_input("this model has no data: give newdata", "newdata")
    return(list(x = d$x, t_x = d$t_x, T = d$T, names = d$names))
  }
  if (object$model == "bgbb")
    return(count_columns(newdata, NULL, NULL, NULL, c("x", "t_x", "n"), cols_bgbb))
  count_columns(newdata, NULL, NULL, NULL, c("x", "t_x", "T"), cols_xtT)
}

each <- function(object, what, cols, t = NULL) {
  code <- model_info[[object$model]]$code
  .loy(.Call(C_btyd_each, code, as.integer(what), coef(object), cols$x, cols$t_x,
             cols$T, if (is.null(t)) NULL else as_scalar(t, "t")),
       cols$names, cols_rows(cols))
}

loglik_each <- function(object, cols) {
  .loy(.Call(C_btyd_loglik_each, model_info[[object$model]]$code, coef(object),
             cols$x, cols$t_x, cols$T, FALSE),
       cols$names, cols_rows(cols))
}

margin_values <- function(margin, newdata, object, n) {
  if (is.null(margin)) return(NULL)
  if (inherits(margin, "loy_ggamma")) {
    d <- newdata %||% object$data$frame
    if (is.null(d)) bad_input("a Gamma-Gamma margin needs newdata with x and m.x", "margin")
    margin <- predict(margin, d, type = "spend")
  }
  margin <- as_num(margin, "margin")
  if (length(margin) == 1L) margin <- rep(margin, n)
  if (length(margin) != n) bad_input("margin must have one value per customer", "margin")
  margin
}

#' Predictions of the BG/NBD model
#'
#' Per-customer predictions from a fitted (or given-parameter) BG/NBD
#' model, for the customers the model was fitted on or for `newdata`.
#'
#' @param object a `loy_bgnbd` model.
#' @param newdata customers (a data frame with the columns [bgnbd()] finds);
#'   `NULL` for the fitted customers.
#' @param type what to predict:
#'   * `"expected"`: expected purchases in \eqn{(T, T + t]} (BTYD's
#'     conditional expected transactions, CLVTools' CET);
#'   * `"palive"`: probability of being alive at `T`;
#'   * `"all"`: a data frame with both (and `clv` when `margin` is given),
#'     like CLVTools' `predict()`;
#'   * `"clv"`: lifetime value \eqn{margin \int_0^H e^{-\delta t} dCET(t)}{margin * integral of exp(-delta t) dCET(t)}
#'     with continuous discount rate `discount` per time unit and
#'     horizon `horizon` (`Inf`: exact infinite-horizon value);
#'   * `"dert"`: the same with a margin of 1 (discounted expected residual
#'     transactions);
#'   * `"clv_monthly"`: lifetimes' monthly discounted cash flow over
#'     `months` months at monthly rate `discount`, `periods_per_month` time
#'     units per month;
#'   * `"loglik"`: each customer's log-likelihood.
#' @param t horizon in the model's time unit (for `"expected"`, `"all"`).
#' @param margin value per transaction: a number, one per customer, or a
#'   [ggamma()] fit (its expected spend for these customers).
#' @param discount `"clv"`/`"dert"`: continuous rate per time unit (see
#'   [discount_rate()]); `"clv_monthly"`: rate per month.
#' @param horizon `"clv"`/`"dert"` horizon in time units (`Inf` for none).
#' @param months,periods_per_month for `"clv_monthly"`.
#' @param ... unused.
#' @return A numeric vector with one value per customer, or for `"all"` a
#'   data frame.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- bgnbd(cbs)
#' head(predict(m, type = "all", t = 39))
#' gg <- ggamma(cbs)
#' head(predict(m, type = "clv", margin = gg, discount = discount_rate(0.15, 52)))
#' @export
predict.loy_bgnbd <- function(object, newdata = NULL,
                              type = c("expected", "palive", "all", "clv", "dert",
                                       "clv_monthly", "loglik"),
                              t = 1, margin = NULL, discount = NULL, horizon = Inf,
                              months = 12L, periods_per_month = 365.25 / 12 / 7, ...) {
  type <- match.arg(type)
  cols <- prediction_columns(object, newdata)
  n <- length(cols$x)
  switch(type,
    expected = each(object, 2L, cols, t),
    palive = each(object, 1L, cols),
    loglik = loglik_each(object, cols),
    all = {
      r <- .loy(.Call(C_bgnbd_predict, coef(object), cols$x, cols$t_x, cols$T,
                      as_scalar(t, "t")), cols$names, cols_rows(cols))
      out <- data.frame(x = cols$x, t.x = cols$t_x, T.cal = cols$T,
                        palive = r$palive, expected = r$expected)
      if (!is.null(margin)) {
        out$clv <- bgnbd_clv(object, cols, margin_values(margin, newdata, object, n),
                             discount, horizon)
      }
      id_column(out, newdata %||% object$data$frame)
    },
    clv = bgnbd_clv(object, cols, margin_values(margin, newdata, object, n) %||%
                      bad_input("type = \"clv\" needs a margin", "margin"),
                    discount, horizon),
    dert = bgnbd_clv(object, cols, NULL, discount, horizon),
    clv_monthly = {
      if (is.null(discount)) bad_input("type = \"clv_monthly\" needs a monthly discount", "discount")
      .loy(.Call(C_bgnbd_clv_monthly, coef(object), cols$x, cols$t_x, cols$T,
                 margin_values(margin, newdata, object, n),
                 as_scalar(months, "months", integer = TRUE), as_scalar(discount, "discount"),
                 as_scalar(periods_per_month, "periods_per_month")),
           cols$names, cols_rows(cols))
    })
}

bgnbd_clv <- function(object, cols, margin, discount, horizon) {
  if (is.null(discount)) bad_input("a discount rate is needed (see discount_rate())", "discount")
  h <- as_scalar(horizon, "horizon")
  .loy(.Call(C_bgnbd_clv, coef(object), cols$x, cols$t_x, cols$T, margin,
             as_scalar(discount, "discount"), if (is.infinite(h)) 0 else h),
       cols$names, cols_rows(cols))
}

# Put the customer id column of the frame (if any) first.
id_column <- function(out, frame) {
  if (is.null(frame) || !is.data.frame(frame) || nrow(frame) != nrow(out)) return(out)
  id <- attr(frame, "rfm")$customer %||% intersect(c("cust", "Id", "customer", "customer_id", "id"),
                                                    names(frame))[1L]
  if (is.na(id) || !id %in% names(frame)) return(out)
  out <- cbind(frame[[id]], out)
  names(out)[1L] <- id
  out
}

#' Predictions of the Pareto/NBD model
#'
#' @inheritParams predict.loy_bgnbd
#' @param object a `loy_pnbd` model.
#' @param type `"expected"` (purchases in \eqn{(T, T + t]}), `"palive"`
#'   (alive at `T`), `"palive_at"` (alive at `T + t`), `"dert"` (discounted
#'   expected residual transactions at continuous rate `discount` per time
#'   unit), `"clv"` (`dert` times `margin`, CLVTools' predicted CLV),
#'   `"all"` (a data frame) or `"loglik"`.
#' @return A numeric vector (one value per customer) or a data frame.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- pnbd(cbs)
#' head(predict(m, type = "all", t = 39))
#' @export
predict.loy_pnbd <- function(object, newdata = NULL,
                             type = c("expected", "palive", "palive_at", "dert", "clv",
                                      "all", "loglik"),
                             t = 1, margin = NULL, discount = NULL, ...) {
  type <- match.arg(type)
  cols <- prediction_columns(object, newdata)
  n <- length(cols$x)
  dert <- function() {
    if (is.null(discount)) bad_input("a discount rate is needed (see discount_rate())", "discount")
    each(object, 4L, cols, discount)
  }
  switch(type,
    expected = each(object, 2L, cols, t),
    palive = each(object, 1L, cols),
    palive_at = each(object, 3L, cols, t),
    dert = dert(),
    clv = dert() * (margin_values(margin, newdata, object, n) %||%
                      bad_input("type = \"clv\" needs a margin", "margin")),
    loglik = loglik_each(object, cols),
    all = {
      out <- data.frame(x = cols$x, t.x = cols$t_x, T.cal = cols$T,
                        palive = each(object, 1L, cols),
                        expected = each(object, 2L, cols, t))
      if (!is.null(discount)) out$dert <- dert()
      if (!is.null(margin) && !is.null(discount))
        out$clv <- out$dert * margin_values(margin, newdata, object, n)
      id_column(out, newdata %||% object$data$frame)
    })
}

#' Predictions of the MBG/NBD model
#'
#' @inheritParams predict.loy_bgnbd
#' @param object a `loy_mbgnbd` model.
#' @param type `"expected"`, `"palive"`, `"all"` or `"loglik"` (see
#'   [predict.loy_bgnbd()]).
#' @return A numeric vector or a data frame.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' head(predict(mbgnbd(cbs), type = "palive"))
#' @export
predict.loy_mbgnbd <- function(object, newdata = NULL,
                               type = c("expected", "palive", "all", "loglik"), t = 1, ...) {
  type <- match.arg(type)
  cols <- prediction_columns(object, newdata)
  switch(type,
    expected = each(object, 2L, cols, t),
    palive = each(object, 1L, cols),
    loglik = loglik_each(object, cols),
    all = id_column(data.frame(x = cols$x, t.x = cols$t_x, T.cal = cols$T,
                               palive = each(object, 1L, cols),
                               expected = each(object, 2L, cols, t)),
                    newdata %||% object$data$frame))
}

#' Predictions of the BG/BB model
#'
#' @inheritParams predict.loy_bgnbd
#' @param object a `loy_bgbb` model.
#' @param type `"palive"` (alive at opportunity `n + t`; `t = 1`, the next
#'   opportunity, is BTYD's `bgbb.PAlive`), `"expected"` (transactions at
#'   the next `t` opportunities, BTYD's `bgbb.ConditionalExpectedTransactions`),
#'   `"dert"` (discounted expected residual transactions at rate `discount`
#'   per opportunity) or `"all"`.
#' @param t opportunities ahead (a whole number).
#' @return A numeric vector or a data frame.
#' @examples
#' m <- bgbb(donations_sim)
#' predict(m, type = "all", t = 5)
#' @export
predict.loy_bgbb <- function(object, newdata = NULL,
                             type = c("palive", "expected", "dert", "all"), t = 1,
                             discount = NULL, ...) {
  type <- match.arg(type)
  cols <- prediction_columns(object, newdata)
  dert <- function() {
    if (is.null(discount)) bad_input("type = \"dert\" needs a discount rate per opportunity", "discount")
    each(object, 4L, cols, discount)
  }
  switch(type,
    palive = each(object, 3L, cols, t),
    expected = each(object, 2L, cols, t),
    dert = dert(),
    all = {
      out <- data.frame(x = cols$x, t.x = cols$t_x, n.cal = cols$T,
                        palive = each(object, 3L, cols, 1),
                        expected = each(object, 2L, cols, t))
      if (!is.null(discount)) out$dert <- dert()
      out
    })
}

#' Expected purchases of a new customer
#'
#' \eqn{E[X(t)]}: the expected number of repeat purchases of a customer
#' just acquired, in \eqn{(0, t]} (BTYD's `bgnbd.Expectation`,
#' `pnbd.Expectation`; for BG/BB the expected transactions over the first
#' `t` opportunities).
#'
#' @param object a fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model.
#' @param t horizons (a vector).
#' @param ... unused.
#' @return A numeric vector, one value per horizon.
#' @examples
#' m <- bgnbd(params = c(r = 0.243, alpha = 4.414, a = 0.793, b = 2.426))
#' expected_new(m, c(1, 39, 78))
#' @export
expected_new <- function(object, t, ...) UseMethod("expected_new")

#' @export
expected_new.loy_fit <- function(object, t, ...) {
  code <- model_info[[object$model]]$code
  if (is.null(code)) bad_input(sprintf("expected_new() does not apply to %s", object$label))
  .loy(.Call(C_btyd_new, code, coef(object), as_num(t, "t")), "t", list(t = t))
}

#' Distribution of the number of purchases of a new customer
#'
#' \eqn{P(X(t) = k)}: the probability that a customer just acquired makes
#' exactly `k` repeat purchases in \eqn{(0, t]} (BG/NBD; BTYD's
#' `bgnbd.pmf`), or transacts at exactly `k` of its first `t` opportunities
#' (BG/BB; `bgbb.pmf`).
#'
#' @param object a BG/NBD or BG/BB model.
#' @param t the horizon (BG/BB: the number of opportunities).
#' @param k counts (whole numbers >= 0).
#' @return A numeric vector, one probability per `k`.
#' @examples
#' m <- bgnbd(params = c(r = 0.243, alpha = 4.414, a = 0.793, b = 2.426))
#' purchase_pmf(m, t = 39, k = 0:5)
#' @export
purchase_pmf <- function(object, t, k = 0:10) {
  k <- as_num(k, "k")
  if (anyNA(k) || any(k < 0 | k != floor(k)))
    bad_input("k must be whole numbers >= 0", "k", status = -2L)
  if (inherits(object, "loy_bgnbd")) {
    if (length(k) == 0L) return(numeric())
    p <- .loy(.Call(C_bgnbd_pmf, coef(object), as_scalar(t, "t"), as.integer(max(k) + 1)), "t")
    return(p[k + 1])
  }
  if (inherits(object, "loy_bgbb")) {
    n <- rep(as_scalar(t, "t"), length(k))
    return(.loy(.Call(C_bgbb_pmf, coef(object), n, k), c("t", "k"), list(t = n, k = k)))
  }
  bad_input("purchase_pmf() needs a BG/NBD or BG/BB model", "object")
}

#' @rdname loy_fit
#' @export
fitted.loy_fit <- function(object, ...) {
  d <- object$data
  if (object$model == "sbg") {
    if (is.null(d$survivors)) bad_input("this sBG model was not fitted to a survival curve", "object")
    s <- as_num(d$survivors, "survivors")
    return(predict(object, type = "survival", t = seq_along(s) - 1L) * s[1L])
  }
  if (is.null(d$x)) bad_input("this model has no data", "object")
  # Gamma-Gamma: expected spend; count models: expected repeat purchases
  # over each customer's own window T.
  if (object$model == "ggamma") predict(object, type = "spend") else expected_new(object, d$T)
}
