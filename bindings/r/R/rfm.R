# SPDX-License-Identifier: MIT

# Length in days of the named time units.
unit_days <- c(second = 1 / 86400, minute = 1 / 1440, hour = 1 / 24, day = 1,
               week = 7, month = 365.25 / 12, year = 365.25)

# Times as whole numbers for C: list(time, scale, kind) where kind is
# "date" (days since 1970-01-01), "datetime" (local seconds) or "number".
time_values <- function(v, name) {
  if (inherits(v, "Date")) {
    return(list(time = floor(unclass(v) + 0), kind = "date"))
  }
  if (inherits(v, "POSIXt")) {
    v <- as.POSIXct(v)
    secs <- as.double(unclass(v))
    tz <- attr(v, "tzone")
    if (is.null(tz) || length(tz) == 0L || !tz[1L] %in% c("UTC", "GMT")) {
      off <- as.POSIXlt(v)$gmtoff
      if (!is.null(off)) secs <- secs + ifelse(is.na(off), 0, off)
    }
    return(list(time = floor(secs), kind = "datetime", tz = tz))
  }
  if (is.character(v) || is.factor(v)) {
    d <- tryCatch(as.Date(as.character(v)), error = function(e) NULL)
    if (is.null(d) || any(is.na(d) & !is.na(v))) {
      bad <- if (is.null(d)) 1L else which(is.na(d) & !is.na(v))[1L]
      bad_input(sprintf("%s: cannot read '%s' as a date (use Date or POSIXct, or ISO 'YYYY-MM-DD' text)",
                        name, as.character(v[bad])), name, row = bad, status = -2L)
    }
    return(list(time = as.double(unclass(d)), kind = "date"))
  }
  if (is.numeric(v)) {
    return(list(time = as.double(v), kind = "number"))
  }
  bad_input(sprintf("%s must be Date, POSIXct, ISO date text or numbers", name), name)
}

# An observation or calibration end in the units of the log's times. A
# Date given for date-times means the end of that day (inclusive).
end_value <- function(v, kind, name) {
  if (length(v) != 1L || is.na(v))
    bad_input(sprintf("%s must be a single date", name), name)
  if (kind == "date") {
    if (inherits(v, "POSIXt")) v <- as.Date(v, tz = attr(v, "tzone") %||% "")
    return(time_values(v, name)$time)
  }
  if (kind == "datetime") {
    if (inherits(v, "Date") || is.character(v)) {
      d <- if (inherits(v, "Date")) v else as.Date(v)
      return(as.double(unclass(d)) * 86400 + 86399)
    }
    return(time_values(v, name)$time)
  }
  if (!is.numeric(v)) bad_input(sprintf("%s must be a number like the times", name), name)
  as.double(v)
}

#' Purchase-log summary: frequency, recency, age and spend per customer
#'
#' Turns a transaction log (one row per purchase: customer, date, amount)
#' into the per-customer summary the lifetime models take: `x` repeat
#' purchases, `t.x` the time of the last one and `T.cal` the customer's age
#' at the end of the (calibration) window, both measured from the first
#' purchase, and `m.x` the mean value of the repeat purchases. With
#' `calibration_end`, the purchases after it form a holdout period:
#' `x.star` purchases, `m.x.star` their mean value and `T.star` its length.
#'
#' The column names are those of BTYD's `dc.ElogToCbsCbt()` (`x`, `t.x`,
#' `T.cal`, `x.star`, `T.star`), so the result also feeds BTYD functions,
#' and the input names of BTYD's event log (`cust`, `date`, `sales`) and of
#' CLVTools' `clvdata()` (`Id`, `Date`, `Price`) are found without being
#' named. The rules are those of the lifetimes package (and CLVTools and
#' BTYD, which agree on them): purchases of one customer in the same period
#' (a day by default) merge into one transaction; purchases in periods
#' after `observation_end` are ignored; `m.x` excludes the first purchase;
#' customers whose first purchase falls after `calibration_end` are left
#' out.
#'
#' @param data a data frame (data.table and tibble too) of purchases.
#' @param customer,date,amount columns (names, or vectors of the data's
#'   length). Found by name when `NULL`: `customer` among `cust`, `Id`,
#'   `customer`, `customer_id`, `id`; `date` among `date`, `Date`, `time`,
#'   `timestamp`; `amount` among `sales`, `Price`, `amount`, `value`,
#'   `revenue` (none: no spend columns). Customers may be numbers, text or a
#'   factor; dates `Date`, `POSIXct` (in the time zone of the vector) or
#'   ISO text, or whole numbers in a unit of your own.
#' @param observation_end last day observed (inclusive); defaults to the
#'   latest purchase.
#' @param calibration_end last day of the calibration window (inclusive),
#'   or `NULL` for no holdout.
#' @param period the period within which purchases merge: `"day"` (the
#'   default), `"week"` (Monday to Sunday), and for date-times also
#'   `"hour"`, `"minute"`, `"second"`; for numeric times the period length
#'   in their unit.
#' @param unit unit of `t.x`, `T.cal` and `T.star`: `"week"` (the default of
#'   BTYD and CLVTools), `"day"`, `"month"` (365.25/12 days), `"year"`
#'   (365.25 days), `"hour"`..., or a number of periods per unit.
#' @param include_first count the first purchase in `x` and `m.x`
#'   (segmentation only: never feed such a summary to the lifetime models).
#' @return A data frame (of the input's class) with one row per customer in
#'   ascending customer order: the customer column, `x`, `t.x`, `T.cal`,
#'   `m.x` (with amounts), `first` (time of the first purchase) and with a
#'   calibration split `x.star`, `m.x.star`, `T.star`. The attribute
#'   `"rfm"` records the options and counts (rows read, dropped, in the
#'   holdout).
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' head(cbs)
#' attr(cbs, "rfm")$n_rows_holdout
#' @export
rfm_summary <- function(data, customer = NULL, date = NULL, amount = NULL,
                        observation_end = NULL, calibration_end = NULL,
                        period = "day", unit = "week", include_first = FALSE) {
  if (!is.data.frame(data)) bad_input("data must be a data frame of purchases", "data")
  cust <- resolve_column(data, customer,
                         c("cust", "Id", "customer", "customer_id", "id"), "customer")
  when <- resolve_column(data, date, c("date", "Date", "time", "timestamp"), "date")
  amt <- resolve_column(data, amount, c("sales", "Price", "amount", "value", "revenue"),
                        "amount", required = FALSE)
  n <- length(when$value)
  if (n == 0L) bad_input("the purchase log has no rows", "data", status = -4L)

  ids <- customer_codes(cust$value, cust$name)
  tv <- time_values(when$value, when$name)
  if (anyNA(tv$time)) {
    row <- which(is.na(tv$time))[1L]
    bad_input(sprintf("%s: missing date at row %d", when$name, row), when$name,
              row = row, status = -3L)
  }
  step <- period_of(period, tv$kind)
  mult <- unit_multiplier(unit, step, tv$kind)
  obs_end <- if (is.null(observation_end)) max(tv$time) else
    end_value(observation_end, tv$kind, "observation_end")
  cal_end <- if (is.null(calibration_end)) NA_real_ else
    end_value(calibration_end, tv$kind, "calibration_end")
  amounts <- if (is.null(amt$value)) NULL else as_num(amt$value, amt$name)

  res <- .loy(.Call(C_rfm_summarize, ids$code, tv$time, amounts, obs_end,
                    step$length, step$origin, mult, cal_end,
                    as.integer(isTRUE(include_first))),
              argument = c(cust$name, when$name, if (!is.null(amounts)) amt$name),
              rows = setNames(list(cust$value, when$value, amt$value),
                              c(cust$name, when$name, amt$name %||% "amount")))

  out <- list()
  out[[cust$name]] <- ids$decode(res$id)
  out$x <- res$x
  out$t.x <- res$t_x
  out$T.cal <- res$T
  if (!is.null(amounts)) out$m.x <- res$monetary
  out$first <- time_decode(res$first, when$value, tv)
  calib <- res$info[["calibration"]] == 1
  if (calib) {
    out$x.star <- res$x_holdout
    if (!is.null(amounts)) out$m.x.star <- res$monetary_holdout
    out$T.star <- rep(res$info[["duration_holdout"]], length(res$x))
  }
  out <- as.data.frame(out, stringsAsFactors = FALSE, optional = TRUE)
  out <- like_input(out, data)
  attr(out, "rfm") <- c(list(period = period, unit = unit, freq_multiplier = mult,
                             observation_end = observation_end %||% max(when$value),
                             calibration_end = calibration_end,
                             customer = cust$name),
                        as.list(res$info))
  out
}

# Customer ids as whole codes >= 0 for C (ascending output order follows
# the codes) with the function that maps codes back.
customer_codes <- function(v, name) {
  if (anyNA(v)) {
    row <- which(is.na(v))[1L]
    bad_input(sprintf("%s: missing customer id at row %d", name, row), name,
              row = row, status = -3L)
  }
  if (is.factor(v)) {
    lv <- levels(v)
    return(list(code = as.double(as.integer(v)),
                decode = function(k) factor(lv[k], levels = lv)))
  }
  if (is.numeric(v) && all(v >= 0 & v < 2^53 & v == floor(v))) {
    was_int <- is.integer(v)
    return(list(code = as.double(v),
                decode = function(k) if (was_int) as.integer(k) else k))
  }
  u <- sort(unique(v), method = "radix")
  list(code = as.double(match(v, u)), decode = function(k) u[k])
}

# Period length and origin in the log's units.
period_of <- function(period, kind) {
  if (is.numeric(period)) {
    if (kind != "number") bad_input("a numeric period needs numeric times", "period")
    return(list(length = as_scalar(period, "period"), origin = 0, days = NA_real_))
  }
  if (!is.character(period) || length(period) != 1L || !period %in% names(unit_days))
    bad_input(sprintf("unknown period '%s'", format(period)), "period")
  if (period %in% c("month", "year"))
    bad_input("periods are fixed lengths: day, week, hour, minute or second", "period")
  days <- unname(unit_days[period])
  if (kind == "date") {
    if (days < 1) bad_input(sprintf("period '%s' needs date-times, not dates", period), "period")
    # Weeks start on Monday: 1970-01-01 was a Thursday, 1969-12-29 a Monday.
    return(list(length = days, origin = if (period == "week") -3 else 0, days = days))
  }
  if (kind == "datetime") {
    return(list(length = days * 86400, origin = if (period == "week") -259200 else 0,
                days = days))
  }
  bad_input("numeric times need a numeric period (their length in the times' unit)", "period")
}

unit_multiplier <- function(unit, step, kind) {
  if (is.numeric(unit)) return(as_scalar(unit, "unit"))
  if (!is.character(unit) || length(unit) != 1L || !unit %in% names(unit_days))
    bad_input(sprintf("unknown unit '%s'", format(unit)), "unit")
  if (kind == "number")
    bad_input("numeric times need a numeric unit (periods per unit)", "unit")
  unname(unit_days[unit]) / step$days
}

time_decode <- function(t, original, tv) {
  if (tv$kind == "date") return(structure(t, class = "Date"))
  if (tv$kind == "datetime") {
    # back from local seconds to the instant, in the input's time zone
    tz <- tv$tz %||% ""
    guess <- as.POSIXct(t, origin = "1970-01-01", tz = "UTC")
    local <- as.POSIXct(format(guess, "%Y-%m-%d %H:%M:%S"), tz = tz[1L])
    return(local)
  }
  t
}
