# SPDX-License-Identifier: MIT

#' Tracking of transactions: actual against expected
#'
#' Repeat transactions per period of the whole customer base, as observed
#' in the purchase log and as the model expects them: the expectation sums,
#' over customers, \eqn{E[X(t)]} of a new customer from each customer's
#' first purchase (BTYD's `bgnbd.PlotTrackingInc`/`...Cum`, CLVTools'
#' tracking plot). Same-period purchases merge as in [rfm_summary()].
#'
#' @param object a fitted BG/NBD, Pareto/NBD or MBG/NBD model (time unit as
#'   in the summary it was fitted on).
#' @param log the purchase log (a data frame).
#' @param customer,date columns of `log` (found by name when `NULL`, as in
#'   [rfm_summary()]).
#' @param end last day tracked (defaults to the last purchase).
#' @param period,unit as in [rfm_summary()]: the merging period and the
#'   model's time unit.
#' @param by length of a tracking step in model time units (1: weekly for a
#'   weekly model).
#' @param cumulative cumulative counts.
#' @return A `"loy_tracking"` data frame: `period` (end of each step, in
#'   model time units since the first purchase in the log), `date`,
#'   `actual`, `expected`. `plot()` draws it.
#' @examples
#' cal <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- bgnbd(cal)
#' tr <- tracking(m, cdnow_sim, cumulative = TRUE)
#' tail(tr)
#' plot(tr)
#' @export
tracking <- function(object, log, customer = NULL, date = NULL, end = NULL,
                     period = "day", unit = "week", by = 1, cumulative = FALSE) {
  if (!inherits(object, "loy_fit") || is.null(model_info[[object$model]]$code) ||
      object$model == "bgbb")
    bad_input("tracking() needs a BG/NBD, Pareto/NBD or MBG/NBD model", "object")
  if (!is.data.frame(log)) bad_input("log must be a data frame of purchases", "log")
  cust <- resolve_column(log, customer, c("cust", "Id", "customer", "customer_id", "id"),
                         "customer")
  when <- resolve_column(log, date, c("date", "Date", "time", "timestamp"), "date")
  tv <- time_values(when$value, when$name)
  if (anyNA(tv$time)) bad_input("date: missing values", when$name, status = -3L)
  step <- period_of(period, tv$kind)
  mult <- unit_multiplier(unit, step, tv$kind)
  by <- as_scalar(by, "by")
  if (by <= 0) bad_input("by must be > 0", "by", status = -5L)
  # Distinct purchase periods per customer (same-period purchases merge).
  pidx <- floor((tv$time - step$origin) / step$length)
  end_p <- if (is.null(end)) max(pidx) else
    floor((end_value(end, tv$kind, "end") - step$origin) / step$length)
  keep <- pidx <= end_p
  code <- customer_codes(cust$value, cust$name)$code
  pairs <- unique(data.frame(c = code[keep], p = pidx[keep]))
  first <- tapply(pairs$p, pairs$c, min)
  start_p <- min(first)
  is_repeat <- pairs$p > first[as.character(pairs$c)]
  # Times in model units since the start of the log's first period.
  t_rep <- (pairs$p[is_repeat] - start_p) / mult
  horizon <- (end_p + 1 - start_p) / mult
  nstep <- max(1L, as.integer(ceiling(horizon / by - 1e-9)))
  ends <- pmin(seq_len(nstep) * by, horizon)
  actual <- tabulate(pmin(floor(t_rep / by) + 1, nstep), nstep)
  # Expected: each cohort (customers with the same first period) buys
  # E[X(age)] repeat transactions by the end of each step.
  cohorts <- table((first - start_p) / mult)
  born <- as.numeric(names(cohorts))
  ages <- pmax(outer(born, ends, function(b, e) e - b), 0)
  ex <- matrix(expected_new(object, as.vector(ages)), length(born))
  cum <- colSums(as.numeric(cohorts) * ex)
  out <- data.frame(period = ends, actual = actual, expected = diff(c(0, cum)))
  if (cumulative) {
    out$actual <- cumsum(out$actual)
    out$expected <- cum
  }
  if (tv$kind == "date")
    out$date <- structure(start_p * step$length + step$origin + ends * mult * step$length - 1,
                          class = "Date")
  attr(out, "cumulative") <- cumulative
  attr(out, "label") <- object$label
  class(out) <- c("loy_tracking", "data.frame")
  out
}

#' @rdname tracking
#' @param x a `"loy_tracking"` result.
#' @param calibration_end optional: a vertical line at the end of the
#'   calibration window (model time units or a date).
#' @param ... graphical parameters.
#' @export
plot.loy_tracking <- function(x, calibration_end = NULL, ...) {
  cum <- isTRUE(attr(x, "cumulative"))
  xs <- if (!is.null(x$date)) x$date else x$period
  graphics::plot(xs, x$actual, type = "l", ylim = range(0, x$actual, x$expected),
                 xlab = if (!is.null(x$date)) "date" else "period",
                 ylab = if (cum) "cumulative repeat transactions" else "repeat transactions",
                 main = sprintf("Tracking %s transactions (%s)",
                                if (cum) "cumulative" else "incremental", attr(x, "label")), ...)
  graphics::lines(xs, x$expected, lty = 2, col = "red")
  if (!is.null(calibration_end)) graphics::abline(v = calibration_end, lty = 3)
  graphics::legend("topleft", c("actual", "model"), lty = c(1, 2), col = c("black", "red"),
                   bty = "n")
  invisible(x)
}

#' Plots of fitted lifetime models
#'
#' Base-graphics diagnostics of a fitted BG/NBD, Pareto/NBD, MBG/NBD or
#' BG/BB model:
#' * `"frequency"`: customers by number of repeat purchases in the
#'   calibration window, actual against the model's expectation (BG/NBD and
#'   BG/BB, which have the count distribution); BTYD's
#'   `bgnbd.PlotFrequencyInCalibration`.
#' * `"calhold"`: mean purchases in the holdout window by number of
#'   calibration purchases, actual against the conditional expectation
#'   (needs `newdata` with `x.star` and `T.star`, or a fit on such a
#'   summary); BTYD's `...PlotFreqVsConditionalExpectedFrequency`.
#' * `"palive"`, `"expected"`: P(alive) and expected purchases in the next
#'   `t` time units over a grid of frequency and recency for a customer of
#'   age `T` (lifetimes' probability-alive and frequency-recency matrices).
#' * `"tracking"`: see [tracking()] (needs `log`).
#'
#' @param x a fitted model.
#' @param type the plot.
#' @param newdata customers for `"frequency"`/`"calhold"` (default: the
#'   fitted ones).
#' @param censor largest count shown separately (`"frequency"`,
#'   `"calhold"`).
#' @param t horizon of `"expected"`.
#' @param T age of the customers of the matrices (default: the largest age
#'   in the data).
#' @param max_x largest frequency of the matrices.
#' @param log,... for `"tracking"`: the purchase log and arguments of
#'   [tracking()]; otherwise graphical parameters.
#' @return The plotted numbers (a data frame or a matrix), invisibly.
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- bgnbd(cbs)
#' plot(m, "frequency")
#' plot(m, "calhold")
#' plot(m, "palive")
#' plot(m, "tracking", log = cdnow_sim)
#' @export
plot.loy_fit <- function(x, type = c("frequency", "calhold", "palive", "expected", "tracking"),
                         newdata = NULL, censor = 7, t = 1, T = NULL, max_x = NULL,
                         log = NULL, ...) {
  type <- match.arg(type)
  if (is.null(model_info[[x$model]]$code))
    bad_input(sprintf("plot() draws the lifetime models; %s has its own outputs", x$label))
  switch(type,
    frequency = plot_frequency(x, newdata, censor, ...),
    calhold = plot_calhold(x, newdata, censor, ...),
    palive = plot_matrix(x, "palive", t, T, max_x, ...),
    expected = plot_matrix(x, "expected", t, T, max_x, ...),
    tracking = {
      if (is.null(log)) bad_input("type = \"tracking\" needs the purchase log (log = )", "log")
      tr <- tracking(x, log, ...)
      plot(tr)
      invisible(tr)
    })
}

plot_frequency <- function(object, newdata, censor, ...) {
  cols <- prediction_columns(object, newdata)
  censor <- as_scalar(censor, "censor", integer = TRUE)
  k <- 0:censor
  actual <- tabulate(pmin(cols$x, censor) + 1, censor + 1)
  groups <- split(seq_along(cols$T), cols$T)
  expected <- numeric(censor + 1)
  for (g in names(groups)) {
    tt <- as.numeric(g)
    if (object$model == "bgnbd") {
      p <- purchase_pmf(object, tt, k)
    } else if (object$model == "bgbb") {
      p <- purchase_pmf(object, tt, k)
    } else {
      bad_input(sprintf("type = \"frequency\" needs a count distribution: BG/NBD or BG/BB, not %s",
                        object$label))
    }
    p[censor + 1] <- max(0, 1 - sum(p[seq_len(censor)]))
    expected <- expected + length(groups[[g]]) * p
  }
  tab <- rbind(actual = actual, model = expected)
  colnames(tab) <- c(as.character(k[-length(k)]), paste0(censor, "+"))
  graphics::barplot(tab, beside = TRUE, legend.text = c("actual", "model"),
                    xlab = "repeat transactions in calibration", ylab = "customers",
                    main = sprintf("Frequency of repeat transactions (%s)", object$label), ...)
  invisible(tab)
}

plot_calhold <- function(object, newdata, censor, ...) {
  d <- newdata %||% object$data$frame
  if (is.null(d) || !all(c("x.star", "T.star") %in% names(d)))
    bad_input("type = \"calhold\" needs data with holdout columns x.star and T.star (rfm_summary(..., calibration_end = ))",
              "newdata")
  cols <- prediction_columns(object, newdata)
  tstar <- d$T.star
  expected <- numeric(length(cols$x))
  for (ts in unique(tstar)) {
    i <- which(tstar == ts)
    sub <- list(x = cols$x[i], t_x = cols$t_x[i], T = cols$T[i], names = cols$names)
    expected[i] <- each(object, 2L, sub, ts)
  }
  censor <- as_scalar(censor, "censor", integer = TRUE)
  g <- factor(pmin(cols$x, censor), levels = 0:censor)
  tab <- rbind(actual = tapply(d$x.star, g, mean), model = tapply(expected, g, mean),
               customers = tabulate(as.integer(g), censor + 1))
  colnames(tab) <- c(as.character(0:(censor - 1)), paste0(censor, "+"))
  graphics::plot(0:censor, tab["actual", ], type = "b", pch = 16,
                 ylim = range(0, tab[1:2, ], na.rm = TRUE),
                 xlab = "repeat transactions in calibration",
                 ylab = "mean transactions in holdout", xaxt = "n",
                 main = sprintf("Calibration vs holdout (%s)", object$label), ...)
  graphics::axis(1, 0:censor, colnames(tab))
  graphics::lines(0:censor, tab["model", ], type = "b", lty = 2, col = "red")
  graphics::legend("topleft", c("actual", "model"), lty = c(1, 2), col = c("black", "red"),
                   bty = "n")
  invisible(tab)
}

plot_matrix <- function(object, what, t, T, max_x, ...) {
  d <- object$data
  T <- T %||% (if (!is.null(d$T)) max(d$T) else
    bad_input("give T (the customers' age) for a model without data", "T"))
  max_x <- max_x %||% (if (!is.null(d$x)) max(10, stats::quantile(d$x, 0.99, names = FALSE)) else 20)
  xs <- 0:ceiling(max_x)
  ts <- seq(0, T, length.out = 41)
  grid <- expand.grid(x = xs, t_x = ts)
  grid$t_x[grid$x == 0] <- 0
  cols <- list(x = as.double(grid$x), t_x = as.double(grid$t_x),
               T = rep(as.double(T), nrow(grid)), names = c("x", "t_x", "T"))
  v <- if (what == "palive") {
    if (object$model == "bgbb") each(object, 3L, cols, 1) else each(object, 1L, cols)
  } else {
    each(object, 2L, cols, t)
  }
  m <- matrix(v, length(xs), length(ts), dimnames = list(x = xs, t_x = format(ts, digits = 3)))
  graphics::image(xs, ts, m, col = grDevices::hcl.colors(50, "YlOrRd", rev = TRUE),
                  xlab = "frequency (repeat purchases)", ylab = "recency (time of last purchase)",
                  main = if (what == "palive") sprintf("P(alive) at age %s (%s)", format(T, digits = 4),
                                                       object$label)
                         else sprintf("Expected purchases in the next %s (%s)", format(t),
                                      object$label), ...)
  graphics::contour(xs, ts, m, add = TRUE, drawlabels = TRUE, nlevels = 8)
  invisible(m)
}
