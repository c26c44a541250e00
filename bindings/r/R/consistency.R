# SPDX-License-Identifier: MIT
# Consistency over units and time: funnels of units, control charts of
# periods, run-length design, period-over-period change, top-box trend.

# Bits of the library's flags (include/loyalty/consistency.h).
FUNNEL_EMPTY <- 0x1L
FUNNEL_DEGENERATE <- 0x2L
FUNNEL_BELOW <- 0x4L
FUNNEL_ABOVE <- 0x8L
FUNNEL_OUTSIDE_INNER <- 0x10L
FUNNEL_OUTSIDE_OUTER <- 0x20L
FUNNEL_BONFERRONI <- 0x40L
FUNNEL_FDR <- 0x80L
FUNNEL_EXACT_INNER <- 0x100L
FUNNEL_EXACT_OUTER <- 0x200L
FUNNEL_OD_APPLIED <- 0x4L

SIGNAL_BITS <- c(shewhart_high = 0x10L, shewhart_low = 0x20L, laney_high = 0x40L,
                 laney_low = 0x80L, ewma_high = 0x100L, ewma_low = 0x200L,
                 cusum_high = 0x400L, cusum_low = 0x800L, long_run = 0x1000L)
SIGNAL_LABELS <- c("Shewhart high", "Shewhart low", "Laney high", "Laney low",
                   "EWMA high", "EWMA low", "CUSUM high", "CUSUM low", "long run")
SIGNAL_GAP <- 0x1L
SIGNAL_BASELINE <- 0x2L
SIGNAL_ANY <- 0x1FF0L
CHART_NO_BASELINE <- 0x1L
CHART_DEGENERATE <- 0x2L
CHART_NO_LANEY <- 0x4L
CHART_LONG_RUN <- 0x8L
CHART_FEW_CROSSINGS <- 0x10L
CHANGE_NONE <- 0x100L
TREND_EMPTY <- 0x1L
TREND_SEPARATED <- 0x2L
TREND_OVERDISPERSED <- 0x4L

has_bit <- function(flags, bit) bitwAnd(as.integer(flags), bit) != 0L

# ------------------------------------------------------------ data helpers

# Dates of a column: Date as is, POSIXct/POSIXlt as the calendar day in the
# time's own time zone. Anything else is refused.
as_dates <- function(x, name) {
  if (inherits(x, "Date")) return(as.Date(x))
  if (inherits(x, "POSIXt")) {
    x <- as.POSIXct(x)
    tz <- attr(x, "tzone")
    tz <- if (is.null(tz) || !nzchar(tz[1L])) "" else tz[1L]
    return(as.Date(format(x, "%Y-%m-%d", tz = tz)))
  }
  bad_input(sprintf("%s must be dates (Date or POSIXct), not %s", name, class(x)[1L]), name)
}

period_kinds <- c("week", "month", "quarter", "year", "day")

# Start of the period holding each date (weeks start on Monday). Day
# arithmetic and POSIXlt fields rather than format(), which is slow on
# millions of dates.
period_start <- function(d, period) {
  if (period == "day") return(d)
  days <- unclass(d)
  if (period == "week")  # 1970-01-01 was a Thursday, 1969-12-29 a Monday
    return(structure(days - (days + 3) %% 7, class = "Date"))
  ud <- unique(days)
  lt <- as.POSIXlt(structure(ud, class = "Date"))
  mon <- switch(period, month = lt$mon, quarter = lt$mon %/% 3L * 3L, year = 0L)
  first <- ISOdate(lt$year + 1900L, mon + 1L, 1L, 0, tz = "UTC")
  structure(unclass(as.Date(first))[match(days, ud)], class = "Date")
}

# Label of a period for printing.
period_label <- function(p, period) {
  switch(period,
    day = , week = format(p, "%Y-%m-%d"),
    month = format(p, "%Y-%m"),
    quarter = sprintf("%s-Q%d", format(p, "%Y"), (as.integer(format(p, "%m")) - 1L) %/% 3L + 1L),
    year = format(p, "%Y"))
}

# Units of the rows: codes 1..n (NA: no unit) and a data frame of keys.
unit_index <- function(data, unit) {
  if (is.null(unit))
    return(list(code = rep(1L, nrow(data)), keys = NULL, n = 1L))
  if (!is.character(unit))
    bad_input("unit must name one or more columns of the data", "unit")
  g <- group_index(data, unit, drop = FALSE)
  list(code = g$code, keys = g$keys, n = g$n)
}

# Tallies of each unit in each period, unit-major, from the answers: one
# pass of the library's grouped NPS tally.
period_tallies <- function(data, score, date, unit, period, breaks, invalid) {
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  period <- match.arg(period, period_kinds)
  sc <- resolve_column(data, score, "score", "score")
  s <- score_values(sc$value, sc$name)
  dc <- resolve_column(data, date, c("date", "Date", "time", "timestamp"), "date")
  d <- as_dates(dc$value, dc$name)
  ps <- unclass(period_start(d, period))   # days, cheaper than Date methods
  dated <- !is.na(ps)
  if (!any(dated)) bad_input(sprintf("%s: no row has a date", dc$name), dc$name, status = -4L)
  rg <- c(min(ps, na.rm = TRUE), max(ps, na.rm = TRUE))
  periods <- seq(structure(rg[1L], class = "Date"), structure(rg[2L], class = "Date"),
                 by = period)
  u <- unit_index(data, unit)
  np <- length(periods)
  if (as.double(u$n) * np > .Machine$integer.max)
    bad_input("too many units x periods", c("unit", "date"))
  code <- (u$code - 1L) * np + match(ps, unclass(periods))
  br <- check_breaks(breaks)
  tal <- .loy(.Call(C_nps_tally_grouped, s, as.integer(code), as.integer(u$n * np), br,
                    invalid_flag(invalid)),
              sc$name, setNames(list(s), sc$name))
  list(counts = tal[, 1:3, drop = FALSE], blanks = tal[, 5], invalid = tal[, 4],
       keys = u$keys, unit = unit, n_units = u$n, periods = periods, period = period,
       undated = sum(!dated & !is.na(u$code)))
}

# The tallies kept in a "loy_chart" result.
chart_tallies <- function(x) {
  g <- attr(x, "grid")
  list(counts = as.matrix(data.frame(x$detractors, x$passives, x$promoters)),
       keys = g$keys, unit = g$unit, n_units = g$n_units, periods = g$periods,
       period = g$period, undated = g$undated)
}

# Packed (D, A, P) triples for C, checked.
packed_counts <- function(m, argument) {
  m <- as.matrix(m)
  storage.mode(m) <- "double"
  bad <- which(rowSums(is.na(m) | m < 0 | m != floor(m) | !is.finite(m)) > 0)
  if (length(bad))
    bad_input(sprintf("counts must be whole numbers >= 0 (row %d)", bad[1L]), argument,
              row = bad[1L])
  as.vector(t(m))
}

# Key columns repeated for the units x periods rows.
grid_frame <- function(tl) {
  np <- length(tl$periods)
  idx <- rep(seq_len(tl$n_units), each = np)
  cols <- if (is.null(tl$keys)) list() else lapply(tl$keys, function(k) k[idx])
  cols$period <- structure(rep(unclass(tl$periods), tl$n_units), class = "Date")
  # Built directly: data.frame() and [ would make row names of every row.
  structure(cols, class = "data.frame", row.names = .set_row_names(length(idx)))
}

sides_code <- function(sides) {
  c(two = 0L, upper = 1L, lower = 2L)[[match.arg(sides, c("two", "upper", "lower"))]]
}

target_shares <- function(target) {
  if (is.null(target)) return(c(0, 0, 0))
  if (!is.numeric(target) || length(target) != 2L || anyNA(target))
    bad_input("target must be NULL or the shares c(promoters = , detractors = )", "target")
  if (!is.null(names(target)) && all(c("promoters", "detractors") %in% names(target)))
    target <- target[c("promoters", "detractors")]
  c(1, unname(as.double(target)))
}

# ------------------------------------------------------------------ funnel

#' Funnel plot of units: which branches differ for real?
#'
#' Compares the NPS of every unit (branch, agent, touchpoint) with the
#' company's (pooled) NPS or a fixed target, using the noise the unit's own
#' size implies (Spiegelhalter's funnel with the trinomial variance). Units
#' outside the limits at two levels (95% and 99.8% by default) are flagged,
#' with Bonferroni and Benjamini-Hochberg (false-discovery rate) flags for
#' testing many units at once, an optional overdispersion adjustment
#' (additive or multiplicative, Spiegelhalter 2005), exact trinomial tails,
#' the between-unit spread of the true NPS (`tau`, DerSimonian-Laird, and
#' \eqn{I^2}): the consistency figure, and empirical-Bayes (shrunken) NPS
#' values for a fair ranking of small units. Computed by the library's
#' `loy_funnel_compute()`; the formulas are in the library's guide
#' `docs/guide/consistency.md`.
#'
#' `NA` scores are blanks (non-responses) and do not count; a unit with no
#' answers is kept, flagged `empty`, with `NA` estimates; a unit whose
#' answers all fall in one class is flagged `degenerate` and left out of
#' the heterogeneity estimates.
#'
#' @param data a data frame of answers (one row per answer), or of tallies
#'   (one row per unit, with columns `detractors`, `passives` and
#'   `promoters`, as [nps_by()] returns them) when `score` is `NULL` and
#'   those columns exist.
#' @param score the score column (a name; `"score"` when `NULL` and the
#'   data are answers).
#' @param unit the unit column(s) (names; a factor keeps its levels in
#'   order, including levels without answers). For tallies, the columns
#'   that name the units (optional).
#' @param target `NULL` for the pooled NPS of all units, or fixed shares
#'   `c(promoters = , detractors = )`.
#' @param levels the two limit levels, inner then outer.
#' @param overdispersion `"none"`, `"additive"` (random-effects limits
#'   \eqn{\theta_0 \pm z\sqrt{s_i^2 + \tau^2}}) or `"multiplicative"`
#'   (limits widened by \eqn{\sqrt\phi} when \eqn{\phi > 1}).
#' @param winsor share Winsorised at each end when estimating \eqn{\phi}.
#' @param alpha family-wise level of the Bonferroni flags and
#'   false-discovery rate of the Benjamini-Hochberg flags.
#' @param exact also compute the exact tail probabilities of each unit
#'   under the target (`p_lower`, `p_upper`) and the exact flags.
#' @param breaks,invalid as for [nps()].
#' @return A data frame of class `"loy_funnel"`, one row per unit: the unit
#'   columns, `n`, `detractors`, `passives`, `promoters`, `nps`, `se` (under
#'   the target), `z`, `z_adjusted`, `p_value`, (`p_lower`, `p_upper` with
#'   `exact = TRUE`), `shrunk`, `shrunk_se`, `direction` (`"above"`,
#'   `"below"` or `NA`), `outside_inner`, `outside_outer`, `bonferroni`,
#'   `fdr`, (`exact_inner`, `exact_outer`), `degenerate`, `empty` and the
#'   library's `flags`. NPS values are on \eqn{[-1, 1]}. The attribute
#'   `"fit"` holds the summary: `target`, `tau`, `i2`, `phi`, `q_stat`,
#'   `mu`, `fdr_z`, counts of flagged units and more. Methods: `print`,
#'   `summary`, `plot` (the funnel with both limit levels, the FDR line and
#'   the outliers labelled).
#' @seealso [nps_chart()] for the same units over time, [nps_by()].
#' @examples
#' f <- nps_funnel(branch_survey, "score", "branch")
#' f
#' plot(f)
#' # from tallies, with the additive overdispersion adjustment
#' tallies <- nps_by(branch_survey, "score", "branch")
#' nps_funnel(tallies, unit = "branch", overdispersion = "additive")
#' # against a fixed target of 40% promoters and 25% detractors
#' nps_funnel(branch_survey, "score", "branch",
#'            target = c(promoters = 0.4, detractors = 0.25), exact = TRUE)
#' @export
nps_funnel <- function(data, score = NULL, unit = NULL, target = NULL,
                       levels = c(0.95, 0.998),
                       overdispersion = c("none", "additive", "multiplicative"),
                       winsor = 0.1, alpha = 0.05, exact = FALSE,
                       breaks = c(0, 6, 8, 10), invalid = c("error", "skip")) {
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  overdispersion <- match.arg(overdispersion)
  if (!is.numeric(levels) || length(levels) != 2L)
    bad_input("levels must be two numbers in (0, 1), inner then outer", "levels")
  exact <- isTRUE(exact)
  tally_cols <- c("detractors", "passives", "promoters")
  if (is.null(score) && all(tally_cols %in% names(data))) {
    data <- as.data.frame(data)  # data.table's [ would join on the names
    counts <- as.matrix(data[tally_cols])
    keys <- if (is.null(unit)) NULL else {
      miss <- setdiff(unit, names(data))
      if (length(miss)) bad_input(sprintf("unit column '%s' is not in the data", miss[1L]), "unit")
      data[unit]
    }
    extra <- NULL
  } else {
    if (is.null(unit)) bad_input("unit: name the column of units (e.g. unit = \"branch\")", "unit")
    sc <- resolve_column(data, score, "score", "score")
    s <- score_values(sc$value, sc$name)
    u <- unit_index(data, unit)
    tal <- .loy(.Call(C_nps_tally_grouped, s, u$code, as.integer(u$n), check_breaks(breaks),
                      invalid_flag(invalid)),
                sc$name, setNames(list(s), sc$name))
    counts <- tal[, 1:3, drop = FALSE]
    keys <- u$keys
    extra <- data.frame(blanks = tal[, 5], invalid = tal[, 4])
  }
  opts <- c(target_shares(target), as.double(levels),
            c(none = 0, additive = 1, multiplicative = 2)[[overdispersion]],
            as_scalar(winsor, "winsor"), as_scalar(alpha, "alpha"), as.double(exact))
  r <- .loy(.Call(C_funnel, packed_counts(counts, "counts"), opts),
            c("counts", "target", "levels", "winsor", "alpha"),
            list(detractors = counts[, 1], passives = counts[, 2], promoters = counts[, 3]))
  u <- r$units
  fl <- r$flags
  out <- data.frame(n = rowSums(counts), detractors = counts[, 1], passives = counts[, 2],
                    promoters = counts[, 3], nps = u[, 1], se = u[, 3], z = u[, 4],
                    z_adjusted = u[, 5], p_value = u[, 6])
  if (exact) {
    out$p_lower <- u[, 7]
    out$p_upper <- u[, 8]
  }
  out$shrunk <- u[, 9]
  out$shrunk_se <- u[, 10]
  out$direction <- ifelse(has_bit(fl, FUNNEL_ABOVE), "above",
                          ifelse(has_bit(fl, FUNNEL_BELOW), "below", NA_character_))
  out$outside_inner <- has_bit(fl, FUNNEL_OUTSIDE_INNER)
  out$outside_outer <- has_bit(fl, FUNNEL_OUTSIDE_OUTER)
  out$bonferroni <- has_bit(fl, FUNNEL_BONFERRONI)
  out$fdr <- has_bit(fl, FUNNEL_FDR)
  if (exact) {
    out$exact_inner <- has_bit(fl, FUNNEL_EXACT_INNER)
    out$exact_outer <- has_bit(fl, FUNNEL_EXACT_OUTER)
  }
  out$degenerate <- has_bit(fl, FUNNEL_DEGENERATE)
  out$empty <- has_bit(fl, FUNNEL_EMPTY)
  out$flags <- fl
  if (!is.null(extra)) out <- cbind(out[1L], extra, out[-1L])
  if (!is.null(keys)) {
    keys <- as.data.frame(keys)
    rownames(keys) <- NULL
    out <- cbind(keys, out)
  }
  rownames(out) <- NULL
  attr(out, "fit") <- r$result
  attr(out, "settings") <- list(target = target, overdispersion = overdispersion,
                                exact = exact, unit = unit)
  class(out) <- c("loy_funnel", "data.frame")
  out
}

# Names of the units of a funnel or chart (the key columns pasted).
unit_names <- function(x, unit) {
  if (is.null(unit) || !all(unit %in% names(x))) return(as.character(seq_len(nrow(x))))
  do.call(paste, c(lapply(unit, function(u) as.character(x[[u]])), sep = " / "))
}

signed <- function(v, digits = 1) ifelse(is.na(v), "NA", sprintf(paste0("%+.", digits, "f"), 100 * v))

#' @rdname nps_funnel
#' @param x a `"loy_funnel"` result.
#' @param digits digits of printed NPS values (points on the -100..100 scale).
#' @param ... passed to [plot.default()] by `plot`; unused otherwise.
#' @export
print.loy_funnel <- function(x, digits = 1, ...) {
  fit <- attr(x, "fit")
  if (is.null(fit)) return(NextMethod())
  st <- attr(x, "settings")
  cat(sprintf("NPS funnel of %d units (%s answers): target %s (%s), limits %s%% and %s%%\n",
              nrow(x), format(fit[["n_total"]], big.mark = ","),
              signed(fit[["target"]], digits),
              if (is.null(st$target)) "pooled" else "fixed",
              format(100 * fit[["level_inner"]]), format(100 * fit[["level_outer"]])))
  cat(sprintf("Between-unit SD of the true NPS (tau) %.1f points, I^2 %.0f%%; dispersion phi %.2f%s\n",
              100 * fit[["tau"]], 100 * fit[["i2"]], fit[["phi"]],
              if (st$overdispersion != "none")
                sprintf(" (%s adjustment%s)", st$overdispersion,
                        if (has_bit(fit[["flags"]], FUNNEL_OD_APPLIED)) "" else ", not needed")
              else ""))
  nm <- unit_names(x, st$unit)
  flag <- ifelse(x$outside_outer, sprintf("outside %s%%", format(100 * fit[["level_outer"]])),
                 ifelse(x$outside_inner, sprintf("outside %s%%", format(100 * fit[["level_inner"]])),
                        ""))
  flag <- paste0(flag, ifelse(x$fdr, ifelse(nzchar(flag), ", FDR", "FDR"), ""))
  flag[x$empty] <- "no answers"
  # Names and flags padded on the right, numbers aligned on the right.
  tab <- data.frame(unit = format(nm), n = x$n, NPS = signed(x$nps, digits),
                    z = ifelse(is.na(x$z_adjusted), "NA", sprintf("%+.2f", x$z_adjusted)),
                    shrunk = signed(x$shrunk, digits), flag = format(flag))
  head1 <- if (is.null(st$unit)) "unit" else paste(st$unit, collapse = " / ")
  names(tab)[1L] <- formatC(head1, width = max(nchar(tab$unit), nchar(head1)), flag = "-")
  names(tab)[6L] <- ""
  print(tab, row.names = FALSE)
  invisible(x)
}

#' @rdname nps_funnel
#' @param object a `"loy_funnel"` result.
#' @export
summary.loy_funnel <- function(object, ...) {
  fit <- attr(object, "fit")
  st <- attr(object, "settings")
  flagged <- object[object$outside_inner | object$fdr | object$bonferroni, , drop = FALSE]
  structure(list(fit = fit, settings = st,
                 units = nrow(object), used = fit[["n_used"]],
                 flagged = data.frame(unit = unit_names(flagged, st$unit), n = flagged$n,
                                      nps = flagged$nps, z = flagged$z_adjusted,
                                      p_value = flagged$p_value,
                                      outside_outer = flagged$outside_outer,
                                      bonferroni = flagged$bonferroni, fdr = flagged$fdr)),
            class = "summary.loy_funnel")
}

#' @export
print.summary.loy_funnel <- function(x, ...) {
  f <- x$fit
  cat(sprintf("NPS funnel: %d units, %d with answers (%d in one class), %s answers\n",
              x$units, as.integer(x$used), as.integer(f[["n_degenerate"]]),
              format(f[["n_total"]], big.mark = ",")))
  cat(sprintf("Target %s (promoters %.1f%%, detractors %.1f%%), answer SD %.3f\n",
              signed(f[["target"]]), 100 * f[["target_promoters"]],
              100 * f[["target_detractors"]], sqrt(f[["target_variance"]])))
  cat(sprintf("Limits: %s%% (z %.3f) and %s%% (z %.3f); overdispersion %s, phi %.3f, tau2_od %.5f\n",
              format(100 * f[["level_inner"]]), f[["z_inner"]], format(100 * f[["level_outer"]]),
              f[["z_outer"]], x$settings$overdispersion, f[["phi"]], f[["tau2_od"]]))
  cat(sprintf("Outside: %d (inner), %d (outer); Bonferroni %d, FDR %d at alpha %g (FDR line z %.2f)\n",
              as.integer(f[["n_outside_inner"]]), as.integer(f[["n_outside_outer"]]),
              as.integer(f[["n_bonferroni"]]), as.integer(f[["n_fdr"]]), f[["alpha"]], f[["fdr_z"]]))
  cat(sprintf("Heterogeneity: Q %.2f on %d df, tau %.1f points, I^2 %.1f%%; random-effects mean %s (SE %.1f)\n",
              f[["q_stat"]], max(0L, as.integer(f[["n_used"]] - f[["n_degenerate"]]) - 1L),
              100 * f[["tau"]], 100 * f[["i2"]], signed(f[["mu"]]), 100 * f[["mu_se"]]))
  if (nrow(x$flagged)) {
    cat("\nFlagged units:\n")
    fl <- x$flagged
    fl$nps <- signed(fl$nps)
    fl$z <- sprintf("%+.2f", fl$z)
    fl$p_value <- format.pval(fl$p_value, digits = 3)
    print(fl, row.names = FALSE)
  } else {
    cat("\nNo unit outside the limits.\n")
  }
  invisible(x)
}

# Funnel limit curves of a funnel result at sizes n (points on -100..100).
funnel_curves <- function(x, sizes, method) {
  fit <- attr(x, "fit")
  m <- c(normal = 0L, adjusted = 1L, exact = 2L)[[method]]
  lv <- c(fit[["level_inner"]], fit[["level_outer"]])
  out <- data.frame(n = sizes)
  for (i in 1:2) {
    lim <- .loy(.Call(C_funnel_limits, fit, as.double(sizes), lv[i], m), "x")
    out[[paste0("lower_", i)]] <- lim[, 1]
    out[[paste0("upper_", i)]] <- lim[, 2]
  }
  out
}

#' @rdname nps_funnel
#' @param limits how the plotted limits are computed: `"normal"`,
#'   `"adjusted"` (with the overdispersion adjustment; the default when one
#'   was chosen) or `"exact"` (trinomial quantiles; the default with
#'   `exact = TRUE`).
#' @param label label the units outside the inner limits or discovered by
#'   the FDR procedure.
#' @param fdr_line draw the false-discovery-rate line.
#' @param main,xlab,ylab titles.
#' @export
plot.loy_funnel <- function(x, limits = NULL, label = TRUE, fdr_line = TRUE,
                            main = "NPS funnel", xlab = "answers",
                            ylab = "NPS", ...) {
  fit <- attr(x, "fit")
  st <- attr(x, "settings")
  if (is.null(limits))
    limits <- if (isTRUE(st$exact)) "exact" else if (st$overdispersion != "none") "adjusted" else "normal"
  limits <- match.arg(limits, c("normal", "adjusted", "exact"))
  used <- !x$empty
  nmax <- max(x$n[used])
  nmin <- max(1, min(x$n[used]))
  sizes <- unique(round(exp(seq(log(max(1, nmin * 0.5)), log(nmax * 1.15), length.out = 200))))
  cur <- funnel_curves(x, sizes, limits)
  clip <- function(v) 100 * pmin(1, pmax(-1, v))
  y <- 100 * x$nps[used]
  ylim <- range(y, clip(cur$lower_2), clip(cur$upper_2))
  col <- ifelse(x$outside_outer, "firebrick", ifelse(x$outside_inner, "darkorange", "grey30"))[used]
  graphics::plot(x$n[used], y, xlim = range(0, sizes), ylim = ylim, pch = 16, col = col,
                 main = main, xlab = xlab, ylab = ylab, ...)
  graphics::abline(h = 100 * fit[["target"]], col = "grey40")
  graphics::lines(cur$n, clip(cur$lower_1), lty = 2, col = "steelblue")
  graphics::lines(cur$n, clip(cur$upper_1), lty = 2, col = "steelblue")
  graphics::lines(cur$n, clip(cur$lower_2), lty = 1, col = "steelblue")
  graphics::lines(cur$n, clip(cur$upper_2), lty = 1, col = "steelblue")
  leg <- c(sprintf("%s%% limits", format(100 * fit[["level_inner"]])),
           sprintf("%s%% limits", format(100 * fit[["level_outer"]])))
  lty <- c(2, 1)
  lcol <- c("steelblue", "steelblue")
  if (fdr_line && is.finite(fit[["fdr_z"]]) && fit[["fdr_p"]] > 0 && fit[["fdr_p"]] < 1) {
    lv <- 1 - fit[["fdr_p"]]
    fd <- .loy(.Call(C_funnel_limits, fit, as.double(sizes), lv,
                     c(normal = 0L, adjusted = 1L, exact = 2L)[[limits]]), "x")
    graphics::lines(sizes, clip(fd[, 1]), lty = 3, col = "darkred")
    graphics::lines(sizes, clip(fd[, 2]), lty = 3, col = "darkred")
    leg <- c(leg, "FDR line")
    lty <- c(lty, 3)
    lcol <- c(lcol, "darkred")
  }
  if (label) {
    hit <- used & (x$outside_inner | x$fdr)
    if (any(hit))
      graphics::text(x$n[hit], 100 * x$nps[hit], unit_names(x, st$unit)[hit], pos = 4,
                     cex = 0.8, xpd = TRUE)
  }
  graphics::legend("bottomright", legend = leg, lty = lty, col = lcol, bty = "n", cex = 0.8)
  invisible(cur)
}

# ------------------------------------------------------------------ charts

# Baseline window c(start (0-based), length) from the user's spec.
baseline_window <- function(baseline, periods, period) {
  if (is.null(baseline)) return(c(0, 0))
  np <- length(periods)
  if (inherits(baseline, c("Date", "POSIXt"))) {
    b <- period_start(as_dates(baseline, "baseline"), period)
    if (length(b) != 2L || anyNA(b) || b[2L] < b[1L])
      bad_input("baseline: two dates c(from, to), from <= to", "baseline")
    inside <- which(periods >= b[1L] & periods <= b[2L])
    if (length(inside) == 0L)
      bad_input("baseline: no period of the series lies between these dates", "baseline",
                status = -5L)
    return(c(inside[1L] - 1, length(inside)))
  }
  if (!is.numeric(baseline) || length(baseline) != 1L || is.na(baseline) ||
      baseline != round(baseline) || baseline < 1)
    bad_input("baseline must be NULL, a number of periods or two dates", "baseline")
  if (baseline > np)
    bad_input(sprintf("baseline: %d periods asked, the series has %d", as.integer(baseline), np),
              "baseline", status = -5L)
  c(0, baseline)
}

signal_names <- function(codes) {
  u <- unique(codes)
  lab <- vapply(u, function(cd) {
    hit <- bitwAnd(cd, SIGNAL_BITS) != 0L
    paste(SIGNAL_LABELS[hit], collapse = ", ")
  }, character(1))
  lab[match(codes, u)]
}

#' Control charts of the NPS over time
#'
#' Weekly (monthly, ...) NPS of each unit, or of all answers, with
#' Shewhart, Laney (for large samples with extra-binomial variation), EWMA
#' and CUSUM charts and the Anhøj runs rules, in one call of the library's
#' `loy_chart_compute()`. The centre line and the per-answer variance come
#' from a baseline window (the whole series by default) or from a fixed
#' target. Periods without answers are gaps, never zeros: no point, no EWMA
#' or CUSUM update.
#'
#' @param data a data frame of answers with a score and a date column.
#' @param score the score column (`"score"` when `NULL`).
#' @param date the date column (`Date` or `POSIXct`; a time counts on its
#'   calendar day in its own time zone); when `NULL` a column named `date`,
#'   `time` or `timestamp`. Rows without a date are left out.
#' @param unit `NULL` (one chart of all answers) or the unit column(s):
#'   one chart per unit, all in one pass.
#' @param period `"week"` (starting on Monday), `"month"`, `"quarter"`,
#'   `"year"` or `"day"`.
#' @param baseline `NULL` (the whole series), the number of leading periods
#'   that form the baseline, or two dates `c(from, to)`: the periods that
#'   start between them.
#' @param target `NULL` (the baseline) or fixed shares `c(promoters = ,
#'   detractors = )` for every unit.
#' @param limit Shewhart and Laney limits in standard errors.
#' @param lambda,L EWMA weight and limit (in the EWMA's standard deviations).
#' @param k,h CUSUM reference value and decision interval (standardised).
#' @param breaks,invalid as for [nps()].
#' @return A data frame of class `"loy_chart"`, one row per unit and
#'   period (unit-major): the unit columns, `period` (its first day),
#'   `n`, `detractors`, `passives`, `promoters`, `nps`, `centre`,
#'   `shewhart_lower`, `shewhart_upper`, `laney_lower`, `laney_upper`,
#'   `ewma`, `ewma_lower`, `ewma_upper`, `cusum_upper`, `cusum_lower`
#'   (standardised), `baseline`, `gap`, `signal` (any signal), `signals`
#'   (their names) and the library's `code`. Limits are on \eqn{[-1, 1]};
#'   gaps have `NA` values. The attribute `"units"` is a data frame with,
#'   per unit, `centre`, `sigma`, `sigma_z`, `n_points`, the runs figures
#'   and their limits, the first period of each chart's signal
#'   (`first_shewhart`, `first_laney`, `first_ewma`, `first_cusum`; `NA`
#'   for none), `charted`, `long_run`, `few_crossings` and `flags`.
#'   Methods: `print`, `plot`. [nps_change()] and [topbox_trend()] accept
#'   the result in place of the data.
#' @seealso [ewma_arl()] and [cusum_arl()] to choose `L`, `k` and `h`;
#'   [nps_funnel()] to compare units.
#' @examples
#' ch <- nps_chart(branch_survey, "score", "date", period = "month", baseline = 12)
#' ch
#' plot(ch)
#' plot(ch, type = "cusum")
#' # one chart per branch
#' by_branch <- nps_chart(branch_survey, "score", "date", unit = "branch",
#'                        period = "quarter")
#' attr(by_branch, "units")[, c("branch", "centre", "first_cusum")]
#' @export
nps_chart <- function(data, score = NULL, date = NULL, unit = NULL,
                      period = c("week", "month", "quarter", "year", "day"),
                      baseline = NULL, target = NULL, limit = 3, lambda = 0.2, L = 3,
                      k = 0.5, h = 5, breaks = c(0, 6, 8, 10),
                      invalid = c("error", "skip")) {
  period <- match.arg(period)
  tl <- period_tallies(data, score, date, unit, period, breaks, invalid)
  win <- baseline_window(baseline, tl$periods, period)
  opts <- c(target_shares(target), win, as_scalar(limit, "limit"), as_scalar(lambda, "lambda"),
            as_scalar(L, "L"), as_scalar(k, "k"), as_scalar(h, "h"))
  np <- length(tl$periods)
  r <- .loy(.Call(C_chart, packed_counts(tl$counts, "counts"), as.integer(tl$n_units),
                  as.integer(np), opts),
            c("baseline", "target", "limit", "lambda", "L", "k", "h"))
  p <- r$points
  codes <- r$codes
  un <- r$units
  out <- grid_frame(tl)
  out$n <- rowSums(tl$counts)
  out$detractors <- tl$counts[, 1]
  out$passives <- tl$counts[, 2]
  out$promoters <- tl$counts[, 3]
  out$nps <- p[, 1]
  out$centre <- rep(un[, 1], each = np)
  out$shewhart_lower <- p[, 2]
  out$shewhart_upper <- p[, 3]
  out$laney_lower <- p[, 4]
  out$laney_upper <- p[, 5]
  out$ewma <- p[, 6]
  out$ewma_lower <- p[, 7]
  out$ewma_upper <- p[, 8]
  out$cusum_upper <- p[, 9]
  out$cusum_lower <- p[, 10]
  out$baseline <- has_bit(codes, SIGNAL_BASELINE)
  out$gap <- has_bit(codes, SIGNAL_GAP)
  out$signal <- has_bit(codes, SIGNAL_ANY)
  out$signals <- signal_names(codes)
  out$code <- codes
  first <- function(j) tl$periods[un[, j]]
  units <- data.frame(centre = un[, 1], sigma = un[, 2], sigma_z = un[, 3],
                      n_points = un[, 4], n_useful = un[, 5], longest_run = un[, 6],
                      longest_run_limit = un[, 7], crossings = un[, 8],
                      crossings_limit = un[, 9], first_shewhart = first(10),
                      first_laney = first(11), first_ewma = first(12),
                      first_cusum = first(13),
                      charted = !has_bit(r$unit_flags, CHART_NO_BASELINE + CHART_DEGENERATE),
                      laney = !has_bit(r$unit_flags, CHART_NO_LANEY),
                      long_run = has_bit(r$unit_flags, CHART_LONG_RUN),
                      few_crossings = has_bit(r$unit_flags, CHART_FEW_CROSSINGS),
                      flags = r$unit_flags)
  if (!is.null(tl$keys)) units <- cbind(tl$keys, units)
  rownames(units) <- NULL
  rownames(out) <- NULL
  attr(out, "units") <- units
  attr(out, "grid") <- tl[c("keys", "unit", "n_units", "periods", "period", "undated")]
  attr(out, "settings") <- list(baseline = win, target = target, limit = limit, lambda = lambda,
                                L = L, k = k, h = h, unit = unit, period = period)
  class(out) <- c("loy_chart", "data.frame")
  out
}

#' @rdname nps_chart
#' @param x a `"loy_chart"` result.
#' @param digits digits of printed NPS values.
#' @param max_signals most signalled periods listed per unit.
#' @param ... passed to [plot.default()] by `plot`; unused otherwise.
#' @export
print.loy_chart <- function(x, digits = 1, max_signals = 12, ...) {
  units <- attr(x, "units")
  g <- attr(x, "grid")
  st <- attr(x, "settings")
  if (is.null(units) || is.null(g)) return(NextMethod())
  np <- length(g$periods)
  cat(sprintf("NPS control charts: %d unit%s x %d %ss (%s to %s), %s answers%s\n",
              g$n_units, if (g$n_units == 1L) "" else "s", np, g$period,
              period_label(g$periods[1L], g$period), period_label(g$periods[np], g$period),
              format(sum(x$n), big.mark = ","),
              if (g$undated > 0) sprintf(" (%d rows without a date left out)", g$undated) else ""))
  cat(sprintf("Baseline: %s; Shewhart/Laney %g SE, EWMA lambda %g L %g, CUSUM k %g h %g\n",
              if (!is.null(st$target)) "fixed target"
              else if (st$baseline[2L] == 0 && st$baseline[1L] == 0) "the whole series"
              else sprintf("%d %ss from %s", as.integer(st$baseline[2L]), g$period,
                           period_label(g$periods[st$baseline[1L] + 1L], g$period)),
              st$limit, st$lambda, st$L, st$k, st$h))
  nm <- if (is.null(g$keys)) "all answers" else unit_names(units, g$unit)
  for (u in seq_len(g$n_units)) {
    rows <- (u - 1L) * np + seq_len(np)
    un <- units[u, ]
    if (!un$charted) {
      cat(sprintf("\n%s: not charted (%s)\n", nm[u],
                  if (has_bit(un$flags, CHART_NO_BASELINE)) "no answers in the baseline"
                  else "all baseline answers in one class"))
      next
    }
    cat(sprintf("\n%s: centre line %s, %d periods with answers", nm[u],
                signed(un$centre, digits), as.integer(un$n_points)))
    runs <- c(if (un$long_run) sprintf("longest run %d > %d", as.integer(un$longest_run),
                                       as.integer(un$longest_run_limit)),
              if (un$few_crossings) sprintf("%d crossings < %d", as.integer(un$crossings),
                                            as.integer(un$crossings_limit)))
    if (length(runs)) cat(";", paste(runs, collapse = ", "))
    cat("\n")
    sig <- rows[x$signal[rows]]
    if (length(sig) == 0L) {
      cat("  no signal\n")
      next
    }
    show <- utils::head(sig, max_signals)
    lab <- period_label(x$period[show], g$period)
    cat(sprintf("  %-10s NPS %6s (n %d)  %s\n", lab, signed(x$nps[show], digits),
                as.integer(x$n[show]), x$signals[show]), sep = "")
    if (length(sig) > max_signals)
      cat(sprintf("  ... and %d more signalled periods\n", length(sig) - max_signals))
  }
  invisible(x)
}

#' @rdname nps_chart
#' @param type which chart to draw: `"shewhart"`, `"laney"`, `"ewma"` or
#'   `"cusum"`.
#' @param units the units to draw (positions or names); all by default, one
#'   panel each.
#' @param main,xlab,ylab titles (`main` defaults to the unit's name).
#' @export
plot.loy_chart <- function(x, type = c("shewhart", "laney", "ewma", "cusum"), units = NULL,
                           main = NULL, xlab = NULL, ylab = NULL, ...) {
  type <- match.arg(type)
  g <- attr(x, "grid")
  st <- attr(x, "settings")
  info <- attr(x, "units")
  np <- length(g$periods)
  nm <- if (is.null(g$keys)) "all answers" else unit_names(info, g$unit)
  sel <- if (is.null(units)) seq_len(g$n_units)
         else if (is.character(units)) match(units, nm) else as.integer(units)
  if (anyNA(sel) || any(sel < 1L | sel > g$n_units))
    bad_input("units: not units of this chart", "units")
  if (length(sel) > 1L) {
    op <- graphics::par(mfrow = grDevices::n2mfrow(length(sel)))
    on.exit(graphics::par(op))
  }
  bits <- switch(type, shewhart = SIGNAL_BITS[1:2], laney = SIGNAL_BITS[3:4],
                 ewma = SIGNAL_BITS[5:6], cusum = SIGNAL_BITS[7:8])
  for (u in sel) {
    r <- (u - 1L) * np + seq_len(np)
    d <- x[r, , drop = FALSE]
    class(d) <- "data.frame"
    tt <- d$period
    hit <- !d$gap & bitwAnd(d$code, sum(bits)) != 0L
    ttl <- main %||% paste0(nm[u], ": ", switch(type, shewhart = "Shewhart chart",
                                                laney = "Laney chart", ewma = "EWMA chart",
                                                cusum = "CUSUM chart"))
    if (type == "cusum") {
      y1 <- d$cusum_upper
      y2 <- -d$cusum_lower
      yl <- range(c(y1, y2, st$h, -st$h), na.rm = TRUE)
      graphics::plot(tt, y1, type = "n", ylim = yl, main = ttl, xlab = xlab %||% g$period,
                     ylab = ylab %||% "CUSUM (standardised)", ...)
      shade_baseline(d, yl)
      graphics::abline(h = c(st$h, -st$h), lty = 2, col = "steelblue")
      graphics::abline(h = 0, col = "grey40")
      graphics::lines(tt, y1, type = "o", pch = 16, cex = 0.6)
      graphics::lines(tt, y2, type = "o", pch = 16, cex = 0.6)
      up <- !d$gap & bitwAnd(d$code, bits[[1]]) != 0L
      lo <- !d$gap & bitwAnd(d$code, bits[[2]]) != 0L
      graphics::points(tt[up], y1[up], pch = 16, col = "firebrick")
      graphics::points(tt[lo], y2[lo], pch = 16, col = "firebrick")
      next
    }
    y <- 100 * (if (type == "ewma") d$ewma else d$nps)
    lower <- 100 * switch(type, shewhart = d$shewhart_lower, laney = d$laney_lower,
                          ewma = d$ewma_lower)
    upper <- 100 * switch(type, shewhart = d$shewhart_upper, laney = d$laney_upper,
                          ewma = d$ewma_upper)
    yl <- range(c(y, lower, upper, 100 * d$nps), na.rm = TRUE)
    if (!all(is.finite(yl))) yl <- c(-100, 100)
    graphics::plot(tt, y, type = "n", ylim = yl, main = ttl, xlab = xlab %||% g$period,
                   ylab = ylab %||% (if (type == "ewma") "EWMA of the NPS" else "NPS"), ...)
    shade_baseline(d, yl)
    graphics::abline(h = 100 * info$centre[u], col = "grey40")
    graphics::lines(tt, lower, type = "s", lty = 2, col = "steelblue")
    graphics::lines(tt, upper, type = "s", lty = 2, col = "steelblue")
    if (type == "ewma")
      graphics::points(tt, 100 * d$nps, pch = 1, cex = 0.6, col = "grey50")
    graphics::lines(tt, y, type = "o", pch = 16, cex = 0.7)
    graphics::points(tt[hit], y[hit], pch = 16, cex = 1.1, col = "firebrick")
    run <- !d$gap & bitwAnd(d$code, SIGNAL_BITS[["long_run"]]) != 0L
    if (type != "ewma" && any(run))
      graphics::points(tt[run], y[run], pch = 1, cex = 1.6, col = "darkorange")
  }
  invisible(x)
}

shade_baseline <- function(d, yl) {
  b <- which(d$baseline)
  if (length(b) == 0L || length(b) == nrow(d)) return(invisible())
  graphics::rect(d$period[min(b)], yl[1L] - diff(yl), d$period[max(b)], yl[2L] + diff(yl),
                 col = grDevices::adjustcolor("grey80", 0.4), border = NA)
}

# --------------------------------------------------------- change, trend

# Tallies for nps_change() and topbox_trend(): from answers or a chart.
tallies_for <- function(data, score, date, unit, period, breaks, invalid) {
  if (inherits(data, "loy_chart") && !is.null(attr(data, "grid"))) return(chart_tallies(data))
  period_tallies(data, score, date, unit, period, breaks, invalid)
}

#' Change of the NPS between periods
#'
#' The NPS difference between each period and the period `lag` periods
#' before it (week over week, year over year, ...) for every unit, by the
#' two-sample comparison of [nps_compare()] (library:
#' `loy_change_compute()`): difference, standard error, z, p-value and
#' interval. Pairs with a gap (a period without answers) are not compared.
#'
#' @inheritParams nps_chart
#' @param data a data frame of answers, or a [nps_chart()] result (its
#'   tallies are used; `score`, `date`, `unit` and `period` are then
#'   ignored).
#' @param period as for [nps_chart()]; `"month"` by default.
#' @param lag periods back: 1 for period over period, 12 for months year
#'   over year, 52 for weeks.
#' @param method `"wald"` or `"adjusted"` (adjusted Wald, with `pseudo`).
#' @param level confidence level of the interval.
#' @param pseudo pseudo-counts of the adjusted Wald.
#' @return A data frame, one row per unit and period: the unit columns,
#'   `period`, `previous` (the period compared with), `n`, `n_previous`,
#'   `nps`, `nps_previous`, `diff`, `se`, `z`, `p_value`, `lower`, `upper`
#'   (on the \eqn{[-1, 1]} scale, the interval clipped to \eqn{[-2, 2]}),
#'   `compared` (`FALSE` for the first `lag` periods and gaps) and
#'   `degenerate` (a difference with zero standard error: no test).
#' @examples
#' ch <- nps_change(branch_survey, "score", "date", period = "month", lag = 12)
#' tail(ch[ch$compared, c("period", "previous", "nps", "nps_previous", "diff",
#'                        "lower", "upper")], 3)
#' # quarter over quarter, per branch
#' q <- nps_change(branch_survey, "score", "date", unit = "branch", period = "quarter")
#' q[q$compared & q$p_value < 0.01, c("branch", "period", "diff", "p_value")]
#' @export
nps_change <- function(data, score = NULL, date = NULL, unit = NULL,
                       period = c("month", "week", "quarter", "year", "day"), lag = 1,
                       method = c("wald", "adjusted"), level = 0.95,
                       pseudo = c(0.75, 1.5, 0.75), breaks = c(0, 6, 8, 10),
                       invalid = c("error", "skip")) {
  period <- match.arg(period)
  method <- match.arg(method)
  tl <- tallies_for(data, score, date, unit, period, breaks, invalid)
  np <- length(tl$periods)
  lag <- as_scalar(lag, "lag", integer = TRUE)
  if (lag < 1L) bad_input("lag must be a whole number >= 1", "lag")
  r <- .loy(.Call(C_change, packed_counts(tl$counts, "counts"), as.integer(tl$n_units),
                  as.integer(np), lag, nps_methods[[method]], as_level(level),
                  as_num(pseudo, "pseudo")),
            c("lag", "level", "pseudo"))
  n <- rowSums(tl$counts)
  nps_of <- ifelse(n > 0, (tl$counts[, 3] - tl$counts[, 1]) / n, NA_real_)
  t <- rep(seq_len(np), tl$n_units)
  prev <- seq_along(n) - lag
  prev[t <= lag] <- NA_integer_
  out <- grid_frame(tl)
  out$previous <- tl$periods[ifelse(t > lag, t - lag, NA_integer_)]
  out$n <- n
  out$n_previous <- n[prev]
  out$nps <- nps_of
  out$nps_previous <- nps_of[prev]
  p <- r$points
  out$diff <- p[, 1]
  out$se <- p[, 2]
  out$z <- p[, 3]
  out$p_value <- p[, 4]
  out$lower <- p[, 5]
  out$upper <- p[, 6]
  out$compared <- !has_bit(r$flags, CHANGE_NONE)
  out$degenerate <- has_bit(r$flags, NPS_DEGENERATE) & out$compared
  out$flags <- r$flags
  rownames(out) <- NULL
  like_input(out, data)
}

#' Are 9-10 answers gaining on 7-8 answers? The top-box trend
#'
#' Among the satisfied answers (promoters and passives) of each period, the
#' share of top-box answers (9-10) is a binomial proportion; its trend over
#' the periods is the slope of a logistic regression on the period index,
#' fitted to the counts, with the quasi-binomial dispersion widening the
#' standard error (as `glm(family = quasibinomial)`; library:
#' `loy_topbox_trend()`). Detractors do not enter: the question is whether
#' the satisfied become enthusiastic.
#'
#' @inheritParams nps_change
#' @param level confidence level of the interval of the slope.
#' @return A data frame, one row per unit: the unit columns, `n_periods`
#'   (periods with promoters or passives), `slope` (change of the log-odds
#'   of a top-box answer per period), `se`, `lower`, `upper`, `p_value`,
#'   `odds_ratio` (`exp(slope)`), `dispersion`, `share_first` and
#'   `share_last` (fitted top-box shares at the first and last period
#'   used), `overdispersed`, `separated` (no finite estimate: all or no
#'   answers top-box, or a clean split in time) and `empty` (fewer than two
#'   periods); estimates are `NA` when separated or empty.
#' @examples
#' topbox_trend(branch_survey, "score", "date", period = "month")
#' topbox_trend(branch_survey, "score", "date", unit = "branch", period = "quarter")
#' @export
topbox_trend <- function(data, score = NULL, date = NULL, unit = NULL,
                         period = c("month", "week", "quarter", "year", "day"),
                         level = 0.95, breaks = c(0, 6, 8, 10),
                         invalid = c("error", "skip")) {
  period <- match.arg(period)
  tl <- tallies_for(data, score, date, unit, period, breaks, invalid)
  np <- length(tl$periods)
  r <- .loy(.Call(C_topbox, packed_counts(tl$counts, "counts"), as.integer(tl$n_units),
                  as.integer(np), as_level(level)), "level")
  u <- r$units
  out <- data.frame(n_periods = u[, 9], slope = u[, 1], se = u[, 2], lower = u[, 3],
                    upper = u[, 4], p_value = u[, 5], odds_ratio = exp(u[, 1]),
                    dispersion = u[, 6], share_first = u[, 7], share_last = u[, 8],
                    overdispersed = has_bit(r$flags, TREND_OVERDISPERSED),
                    separated = has_bit(r$flags, TREND_SEPARATED),
                    empty = has_bit(r$flags, TREND_EMPTY))
  # Periods used (P + A > 0); the library leaves the figure unwritten for
  # units with fewer than two.
  used <- colSums(matrix(tl$counts[, 2] + tl$counts[, 3] > 0, nrow = np))
  out$n_periods <- ifelse(is.na(u[, 9]), used, u[, 9])
  if (!is.null(tl$keys)) out <- cbind(tl$keys, out)
  rownames(out) <- NULL
  like_input(out, data)
}

# ------------------------------------------------------------- run lengths

arl_opts <- function(nodes, head_start, reflect) {
  nodes <- as_scalar(nodes, "nodes")
  if (nodes < 0 || nodes != round(nodes)) bad_input("nodes must be a whole number >= 0", "nodes")
  c(nodes, as_scalar(head_start, "head_start"), as_scalar(reflect, "reflect"))
}

#' Average run lengths of EWMA and CUSUM charts, and their design
#'
#' How many periods a chart runs on average before it signals: with no
#' shift (`shift = 0`) the in-control ARL, the mean time between false
#' alarms; with a shift of the mean (in standard deviations of one
#' observation) how fast a real change is seen. Observations are
#' \eqn{N(shift, 1)}; the integral equations of Crowder (EWMA) and
#' Brook-Evans (CUSUM) are solved by Gauss-Legendre Nyström to about
#' \eqn{10^{-12}} (library: `loy_arl_ewma()`, `loy_arl_cusum()`). The
#' conventions are those of the R package spc (`xewma.arl`, `xcusum.arl`,
#' `xewma.crit`, `xcusum.crit`): EWMA limits and head starts in asymptotic
#' standard deviations, one-sided EWMAs with a reflecting barrier.
#' `ewma_limit()` and `cusum_limit()` find the limit `L` or the decision
#' interval `h` that give an in-control ARL of `arl0`.
#'
#' @param lambda EWMA weight in (0, 1].
#' @param L EWMA limit (> 0) in asymptotic standard deviations.
#' @param k CUSUM reference value (>= 0).
#' @param h CUSUM decision interval (> 0).
#' @param shift mean shift in standard deviations.
#' @param sides `"two"`, `"upper"` or `"lower"`.
#' @param head_start start value of the chart statistic (fast initial
#'   response): for the EWMA in asymptotic standard deviations, for the
#'   CUSUM in the units of `h`, in \[0, h).
#' @param reflect one-sided EWMA: the reflecting barrier (spc's `zr`).
#' @param nodes quadrature nodes; 0 chooses enough for about 1e-12.
#' @param arl0 the in-control ARL wanted, in (1, 1e9].
#' @return A numeric vector: ARLs, or limits; `lambda`, `L`, `k`, `h`,
#'   `shift` and `arl0` are recycled to a common length. An ARL too large
#'   for double precision (above about 1e13) is a `loyalty_domain` error.
#' @examples
#' ewma_arl(0.2, 3, shift = c(0, 0.5, 1, 2))
#' cusum_arl(0.5, 5, shift = c(0, -1))        # 465 in control, 10.4 after a 1-SD drop
#' ewma_limit(0.2, arl0 = 370)                # 2.859
#' cusum_limit(0.5, arl0 = 370)
#' cusum_arl(0.5, 4, shift = 1, head_start = 2)  # with a fast initial response
#' @export
ewma_arl <- function(lambda, L, shift = 0, sides = c("two", "upper", "lower"),
                     head_start = 0, reflect = 0, nodes = 0) {
  a <- recycle(lambda = lambda, L = L, shift = shift)
  s <- rep_len(sides_code(sides), length(a$lambda))
  .loy(.Call(C_arl, 0L, a$lambda, a$L, a$shift, s, arl_opts(nodes, head_start, reflect)),
       c(names(a), "head_start", "reflect", "nodes"), a)
}

#' @rdname ewma_arl
#' @export
cusum_arl <- function(k, h, shift = 0, sides = c("two", "upper", "lower"),
                      head_start = 0, nodes = 0) {
  a <- recycle(k = k, h = h, shift = shift)
  s <- rep_len(sides_code(sides), length(a$k))
  .loy(.Call(C_arl, 1L, a$k, a$h, a$shift, s, arl_opts(nodes, head_start, 0)),
       c(names(a), "head_start", "nodes"), a)
}

#' @rdname ewma_arl
#' @export
ewma_limit <- function(lambda, arl0 = 370, sides = c("two", "upper", "lower"), nodes = 0) {
  a <- recycle(lambda = lambda, arl0 = arl0)
  s <- rep_len(sides_code(sides), length(a$lambda))
  .loy(.Call(C_arl_limit, 0L, a$lambda, a$arl0, s, arl_opts(nodes, 0, 0)),
       c(names(a), "nodes"), a)
}

#' @rdname ewma_arl
#' @export
cusum_limit <- function(k, arl0 = 370, sides = c("two", "upper", "lower"), nodes = 0) {
  a <- recycle(k = k, arl0 = arl0)
  s <- rep_len(sides_code(sides), length(a$k))
  .loy(.Call(C_arl_limit, 1L, a$k, a$arl0, s, arl_opts(nodes, 0, 0)),
       c(names(a), "nodes"), a)
}
