# SPDX-License-Identifier: MIT

# Metric codes of loy_drivers_result_get(), in order 1..34.
driver_metrics <- c("lmg", "lmg_share", "first", "last", "betasq", "pratt", "rw",
                    "rw_share", "car", "beta", "beta_std", "t", "p", "sign",
                    "conditional", "dom_complete", "dom_conditional", "dom_general",
                    "complete_share", "rank", "topk", "r2", "lmg_mcse", "lmg_mcfadden",
                    "lmg_cox_snell", "lmg_nagelkerke", "lmg_estrella", "intercept",
                    "penalty", "reward", "asymmetry", "penalty_p", "reward_p",
                    "asymmetry_p")
driver_stats <- c("estimate", "se", "lower", "upper")
MOMENTS_INTEGER <- 1L
MOMENTS_LISTWISE <- 2L
MOMENTS_PAIRWISE <- 4L
MOMENTS_SKIP_INVALID <- 8L
DRIVERS_COMPLETE <- 1
DRIVERS_SAMPLE <- 2
DRIVERS_BOOTSTRAP <- 4
DRIVERS_LISTWISE <- 8
DRIVERS_FULL_ONLY <- 16

# The error of a drivers call: c(status, row, column) with the column named.
drivers_check <- function(res, columns, data) {
  if (!inherits(res, "loyalty_status")) return(res)
  col <- if (length(res) >= 3L && !is.na(res[3])) res[3] else NA_integer_
  name <- if (!is.na(col) && col <= length(columns)) columns[col]
          else if (!is.na(col)) "weights" else NULL
  rows <- NULL
  cond <- loyalty_condition(res[1], res[2], name %||% columns, NULL)
  if (!is.na(res[2]) && !is.null(name) && !is.null(data[[name]])) {
    rows <- setNames(list(data[[name]]), name)
    cond <- loyalty_condition(res[1], res[2], name, rows)
    if (is.na(data[[name]][res[2]]))
      cond$message <- paste0(cond$message, " (a missing value: missing = \"listwise\" leaves such rows out)")
  }
  stop(cond)
}

# Metrics as a named list; each a list(estimate, se, lower, upper).
driver_values <- function(res) {
  m <- res$metrics
  names(m) <- driver_metrics
  lapply(m, function(x) if (is.null(x)) NULL else setNames(x, driver_stats))
}

numeric_columns <- function(data, cols, what) {
  missing <- setdiff(cols, names(data))
  if (length(missing))
    bad_input(sprintf("%s column '%s' is not in the data", what, missing[1L]), what)
  lapply(cols, function(c) {
    v <- data[[c]]
    if (is.logical(v)) v <- as.double(v)
    if (!is.numeric(v))
      bad_input(sprintf("%s column '%s' must be numeric, not %s", what, c, class(v)[1L]), c)
    as.double(v)
  })
}

#' Key-driver analysis: which attributes move the score
#'
#' Splits the explained variance of an outcome (the 0-10 recommendation
#' score, satisfaction, ...) among rated attributes: LMG (the Shapley value
#' of R², relaimpo's `"lmg"`, dominanceanalysis' general dominance) with
#' conditional and complete dominance, first and last R², squared
#' standardized coefficients, Pratt's measure, Johnson's relative weights
#' and CAR scores, next to the regression's coefficients and tests.
#' Intervals by a delete-a-group jackknife or a Poisson bootstrap (with the
#' probability of each driver to rank in the top k). Binary outcomes
#' (promoter or not) use logistic regressions and ordered ones (detractor <
#' passive < promoter) proportional odds, with dominance on a pseudo-R².
#'
#' All subsets of up to `max_exact` players (24 for linear models, 16 for
#' the others) are enumerated exactly; above, `sampling = TRUE` estimates
#' LMG from random orders of the players (with its Monte Carlo SE).
#'
#' @param data a data frame, one row per respondent.
#' @param outcome the outcome column. `model = "logistic"`: 0/1, logical,
#'   or a factor with two levels (the second is 1); `"ordinal"`: an ordered
#'   factor, a factor (level order) or numbers (sorted values).
#' @param drivers the attribute columns (numeric); by default the columns
#'   of `groups`, or every numeric column other than the outcome, weights
#'   and `always`.
#' @param weights a column of weights, or `NULL`.
#' @param groups `NULL`, or a named list that puts the drivers into groups
#'   (the players importance is divided among), e.g.
#'   `list(product = c("taste", "freshness"), service = c("delivery", "app"))`.
#' @param always covariates kept in every model (relaimpo's `always`): LMG
#'   divides R² beyond them.
#' @param model `"linear"`, `"logistic"` or `"ordinal"`.
#' @param missing `"error"` (an `NA` stops with its row and column),
#'   `"listwise"` (rows with an `NA` in a used column are left out) or, for
#'   linear models, `"pairwise"` (each covariance from the rows where both
#'   columns are present, as `cor(use = "pairwise.complete.obs")`).
#' @param intervals linear models: `"none"`, `"jackknife"` (delete-a-group,
#'   `replicates` groups of rows, default 10) or `"bootstrap"` (Poisson
#'   bootstrap, `replicates` replicates, default 200, from `seed`).
#' @param replicates,seed see `intervals` (the seed also drives sampling).
#' @param level level of the intervals.
#' @param complete compute complete dominance too (memory 8 x 2^g bytes).
#' @param max_exact largest number of players enumerated exactly (0: the
#'   library's default).
#' @param sampling above `max_exact` players, estimate LMG by permutation
#'   sampling instead of failing.
#' @param orders antithetic pairs of orders for sampling (0: 1000).
#' @param index logistic and ordinal models: the pseudo-R² behind LMG and
#'   dominance (LMG on all four is reported).
#' @param full_only only the full model's metrics (no subset enumeration).
#' @return A `"loy_drivers"` object: `importance` (a data frame, one row
#'   per player: `lmg`, `lmg_share`, `first`, `last`, `rank`, and with
#'   intervals `lmg_se`, `lmg_lower`, `lmg_upper`, `share_lower`,
#'   `share_upper`), `coefficients` (one row per driver: `beta` with its
#'   `se`, `beta_std`, `t` (z for logistic and ordinal), `p`, `sign`,
#'   `betasq`, `pratt`, `rw`, `rw_share`, `car` where defined), `dominance`
#'   (`general`, `conditional`, `complete` matrices: 1 the row player
#'   dominates the column player, 0 the reverse, 0.5 undetermined),
#'   `conditional` (mean gain of each player by the number of others in the
#'   model), `topk` (bootstrap: probability of ranking k-th or better), `r2`
#'   and `stats` (n, R², adjusted R², F, the pseudo-R², ...). Methods
#'   `print`, `summary`, `coef`, `confint` (LMG share intervals) and `plot`.
#' @references Lindeman, Merenda and Gold (1980); Budescu (1993), dominance
#'   analysis; Johnson (2000), relative weights; Groemping (2006),
#'   relaimpo; Azen and Traxel (2009), logistic dominance analysis.
#' @seealso [prca()] (basic, performance and excitement factors), [ipa()]
#'   (the priority matrix).
#' @examples
#' d <- drivers(survey, "score", c("taste", "freshness", "value", "delivery", "app"),
#'              missing = "listwise")
#' d
#' coef(d)
#' plot(d)
#' # promoter or not
#' survey$promoter <- survey$score >= 9
#' drivers(survey, "promoter", c("taste", "value", "delivery"), model = "logistic",
#'         missing = "listwise")
#' @export
drivers <- function(data, outcome, drivers = NULL, weights = NULL, groups = NULL,
                    always = NULL, model = c("linear", "logistic", "ordinal"),
                    missing = c("error", "listwise", "pairwise"),
                    intervals = c("none", "jackknife", "bootstrap"), replicates = NULL,
                    seed = 1, level = 0.95, complete = FALSE, max_exact = 0,
                    sampling = FALSE, orders = 0,
                    index = c("mcfadden", "cox_snell", "nagelkerke", "estrella"),
                    full_only = FALSE) {
  call <- match.call()
  model <- match.arg(model)
  missing <- match.arg(missing)
  intervals <- match.arg(intervals)
  index <- match.arg(index)
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  if (!is.character(outcome) || length(outcome) != 1L || !outcome %in% names(data))
    bad_input("outcome must name a column of the data", "outcome")
  if (!is.null(groups)) {
    if (!is.list(groups) || is.null(names(groups)) || any(!nzchar(names(groups))))
      bad_input("groups must be a named list of driver columns", "groups")
    gd <- unlist(groups, use.names = FALSE)
    if (is.null(drivers)) drivers <- gd
    if (!setequal(drivers, gd) || anyDuplicated(gd))
      bad_input("every driver must be in exactly one group", "groups")
    gid <- rep(seq_along(groups), lengths(groups))[match(drivers, gd)] - 1L
    players <- names(groups)
  } else {
    gid <- NULL
  }
  if (is.null(drivers)) {
    num <- vapply(data, function(v) is.numeric(v) || is.logical(v), logical(1))
    drivers <- setdiff(names(data)[num], c(outcome, weights, always))
  }
  if (!is.character(drivers) || length(drivers) < 1L)
    bad_input("drivers must name at least one column", "drivers")
  if (anyDuplicated(drivers) || outcome %in% drivers)
    bad_input("drivers must be distinct columns other than the outcome", "drivers")
  if (is.null(groups)) players <- drivers
  always <- always %||% character()
  columns <- c(outcome, drivers, always)

  y <- data[[outcome]]
  levels_y <- NULL
  if (model == "logistic") {
    if (is.factor(y)) {
      if (nlevels(y) != 2L) bad_input("a logistic outcome factor needs two levels", outcome)
      levels_y <- levels(y)
      y <- as.integer(y) - 1L
    }
    if (is.logical(y)) y <- as.integer(y)
  } else if (model == "ordinal" && is.factor(y)) {
    levels_y <- levels(y)
    y <- as.integer(y)
  }
  if (!is.numeric(y) && !is.logical(y))
    bad_input(sprintf("outcome '%s' must be numeric (or logical or a factor for logistic and ordinal models)",
                      outcome), outcome)
  cols <- c(list(as.double(y)), numeric_columns(data, c(drivers, always), "driver"))
  z <- matrix(unlist(cols, use.names = FALSE), nrow = nrow(data))
  w <- if (is.null(weights)) NULL else as_num(resolve_column(data, weights, character(), "weights")$value, weights)

  flags <- (if (complete) DRIVERS_COMPLETE else 0) + (if (sampling) DRIVERS_SAMPLE else 0) +
    (if (full_only) DRIVERS_FULL_ONLY else 0)
  resample <- c(0, 0, as_scalar(seed, "seed"))
  if (intervals != "none") {
    if (model != "linear") bad_input("intervals are available for linear models", "intervals")
    if (intervals == "jackknife") resample[1:2] <- c(1, replicates %||% 10)
    if (intervals == "bootstrap") {
      resample[1:2] <- c(2, replicates %||% 200)
      flags <- flags + DRIVERS_BOOTSTRAP
    }
  }
  if (model != "linear" && missing == "listwise") flags <- flags + DRIVERS_LISTWISE
  if (model != "linear" && missing == "pairwise")
    bad_input("pairwise deletion applies to linear models", "missing")
  opts <- c(flags, as_scalar(max_exact, "max_exact"),
            match(index, c("mcfadden", "cox_snell", "nagelkerke", "estrella")) - 1,
            as_scalar(orders, "orders"), as_scalar(seed, "seed"), as_level(level))
  drv <- seq_along(drivers)
  alw <- if (length(always)) length(drivers) + seq_along(always) else NULL
  if (model == "linear") {
    mflags <- switch(missing, error = 0L, listwise = MOMENTS_LISTWISE, pairwise = MOMENTS_PAIRWISE)
    res <- .Call(C_drivers_linear, z, w, as.integer(drv), if (is.null(gid)) NULL else as.integer(gid),
                 if (is.null(alw)) NULL else as.integer(alw), mflags, opts, resample)
  } else {
    res <- .Call(C_drivers_glm, if (model == "logistic") 2L else 3L, z, w, as.integer(drv),
                 if (is.null(gid)) NULL else as.integer(gid),
                 if (is.null(alw)) NULL else as.integer(alw), opts)
  }
  res <- drivers_check(res, columns, data)
  if (res$status == -6L)
    warning(loyalty_condition(-6L, warning = TRUE,
            message = "drivers: some fits did not converge (separation?): the result holds the best points"))
  build_drivers(res, model, players, drivers, groups, call, levels_y, level, index)
}

build_drivers <- function(res, model, players, drivers, groups, call, levels_y, level, index) {
  v <- driver_values(res)
  s <- res$summary
  g <- length(players)
  est <- function(name) v[[name]]$estimate
  col <- function(name, stat = "estimate", n = g) {
    x <- v[[name]][[stat]]
    if (is.null(x) || length(x) != n) rep(NA_real_, n) else x
  }
  imp <- data.frame(player = players, lmg = col("lmg"), lmg_share = col("lmg_share"),
                    first = col("first"), last = col("last"), rank = col("rank"),
                    stringsAsFactors = FALSE)
  if (!is.null(v$lmg$se)) {
    imp$lmg_se <- col("lmg", "se")
    imp$lmg_lower <- col("lmg", "lower")
    imp$lmg_upper <- col("lmg", "upper")
    imp$share_lower <- col("lmg_share", "lower")
    imp$share_upper <- col("lmg_share", "upper")
  }
  if (!is.null(v$lmg_mcse)) imp$lmg_mcse <- col("lmg_mcse")
  if (model != "linear") {
    for (ix in c("mcfadden", "cox_snell", "nagelkerke", "estrella"))
      imp[[paste0("lmg_", ix)]] <- col(paste0("lmg_", ix))
  }
  imp <- imp[, vapply(imp, function(x) !all(is.na(x)), logical(1)) | names(imp) == "player",
             drop = FALSE]
  p <- length(drivers)
  coefs <- data.frame(driver = drivers, stringsAsFactors = FALSE)
  if (!is.null(groups))
    coefs$player <- rep(names(groups), lengths(groups))[match(drivers, unlist(groups))]
  for (nm in c("beta", "beta_std", "t", "p", "sign", "betasq", "pratt", "rw", "rw_share", "car")) {
    if (!is.null(v[[nm]]$estimate) && length(v[[nm]]$estimate) == p) {
      coefs[[nm]] <- v[[nm]]$estimate
      if (nm == "beta" && length(v$beta$se) == p) coefs$se <- v$beta$se
    }
  }
  sq <- function(name, cn = players) {
    x <- est(name)
    if (is.null(x) || length(x) != g * g) return(NULL)
    matrix(x, g, g, byrow = TRUE, dimnames = list(players, cn))
  }
  dom <- list(general = sq("dom_general"), conditional = sq("dom_conditional"),
              complete = sq("dom_complete"), complete_share = sq("complete_share"))
  dom <- dom[!vapply(dom, is.null, logical(1))]
  stats <- s[c("n", "sum_w", "r2", "r2_adj", "r2_always", "r2_decomp", "f_stat", "f_p",
               "df_resid", "loglik", "loglik_null", "mcfadden", "cox_snell", "nagelkerke",
               "estrella", "replicates", "replicates_failed", "orders", "mc_se_max",
               "iterations", "categories", "noconv", "rows_skipped")]
  structure(list(model = model, call = call, players = players, drivers = drivers,
                 groups = groups, importance = imp, coefficients = coefs, dominance = dom,
                 conditional = sq("conditional", paste0("size", seq_len(g) - 1L)),
                 topk = sq("topk", paste0("top", seq_len(g))),
                 intercept = est("intercept"), r2 = s[["r2"]], stats = stats,
                 flags = s[["flags"]], level = level, index = index,
                 outcome_levels = levels_y, converged = res$status != -6L),
            class = "loy_drivers")
}

#' @rdname drivers
#' @param x,object a `"loy_drivers"` result.
#' @param digits digits to print.
#' @param ... unused (`print`, `summary`, `coef`, `confint`) or graphical
#'   parameters (`plot`).
#' @export
print.loy_drivers <- function(x, digits = 3, ...) {
  st <- x$stats
  if (x$model == "linear") {
    cat(sprintf("Key-driver analysis (linear): n = %s, R2 = %s (adjusted %s), F = %s, p = %s\n",
                format(st[["n"]], big.mark = ","), format(st[["r2"]], digits = digits),
                format(st[["r2_adj"]], digits = digits), format(st[["f_stat"]], digits = digits),
                format.pval(st[["f_p"]], digits = digits)))
  } else {
    cat(sprintf("Key-driver analysis (%s): n = %s, %s R2 = %s, likelihood ratio %s (p = %s)\n",
                x$model, format(st[["n"]], big.mark = ","), x$index,
                format(st[["r2"]], digits = digits), format(st[["f_stat"]], digits = digits),
                format.pval(st[["f_p"]], digits = digits)))
  }
  if (st[["r2_always"]] > 0)
    cat(sprintf("  R2 of the covariates alone %s; LMG divides %s\n",
                format(st[["r2_always"]], digits = digits), format(st[["r2_decomp"]], digits = digits)))
  imp <- x$importance
  tab <- data.frame(player = imp$player, share = sprintf("%.1f%%", 100 * imp$lmg_share),
                    lmg = signif(imp$lmg, digits), rank = imp$rank)
  if (!is.null(imp$share_lower))
    tab$interval <- sprintf("[%.1f%%, %.1f%%]", 100 * imp$share_lower, 100 * imp$share_upper)
  if (is.null(x$groups) && !is.null(x$coefficients$sign))
    tab$sign <- c("-", "0", "+")[x$coefficients$sign + 2]
  tab <- tab[order(imp$rank), , drop = FALSE]
  if (all(is.na(imp$lmg))) tab$share <- tab$lmg <- tab$rank <- NULL
  print(tab, row.names = FALSE)
  if (!x$converged) cat("NOT CONVERGED: some fits stopped at their best point\n")
  invisible(x)
}

#' @rdname drivers
#' @export
summary.loy_drivers <- function(object, ...) {
  structure(list(d = object), class = "summary.loy_drivers")
}

#' @export
print.summary.loy_drivers <- function(x, ...) {
  d <- x$d
  print(d)
  cat("\nCoefficients of the full model:\n")
  cf <- d$coefficients
  num <- vapply(cf, is.numeric, logical(1))
  cf[num] <- lapply(cf[num], signif, 4)
  print(cf, row.names = FALSE)
  if (!is.null(d$dominance$general)) {
    cat("\nGeneral dominance (1: the row dominates the column):\n")
    print(d$dominance$general)
  }
  if (!is.null(d$topk)) {
    cat("\nBootstrap probability of ranking k-th or better:\n")
    print(round(d$topk, 3))
  }
  invisible(x)
}

#' @rdname drivers
#' @export
coef.loy_drivers <- function(object, ...) {
  b <- object$coefficients$beta
  if (is.null(b)) return(NULL)
  setNames(b, object$coefficients$driver)
}

#' @rdname drivers
#' @param parm players (names or positions); all by default.
#' @param level ignored: the intervals are those of the analysis.
#' @export
confint.loy_drivers <- function(object, parm, level = NULL, ...) {
  imp <- object$importance
  if (is.null(imp$share_lower))
    bad_input("no intervals: use intervals = \"jackknife\" or \"bootstrap\"", "object",
              status = -5L)
  ci <- cbind(imp$share_lower, imp$share_upper)
  a <- (1 - object$level) / 2
  dimnames(ci) <- list(imp$player, paste(format(100 * c(a, 1 - a), trim = TRUE,
                                                scientific = FALSE, digits = 3), "%"))
  if (!missing(parm)) ci <- ci[parm, , drop = FALSE]
  ci
}

#' @rdname drivers
#' @export
plot.loy_drivers <- function(x, ...) {
  imp <- x$importance
  o <- order(imp$lmg_share)
  share <- 100 * imp$lmg_share[o]
  hi <- if (!is.null(imp$share_upper)) 100 * imp$share_upper[o] else share
  mids <- graphics::barplot(share, names.arg = imp$player[o], horiz = TRUE, las = 1,
                            xlim = c(0, max(hi, share, na.rm = TRUE) * 1.05),
                            xlab = "share of R2 (%)", main = "Key drivers (LMG)", ...)
  if (!is.null(imp$share_lower))
    graphics::arrows(100 * imp$share_lower[o], mids, hi, mids, angle = 90, code = 3,
                     length = 0.04)
  invisible(imp)
}

#' Penalty-reward contrast analysis: basic, performance and excitement
#' factors
#'
#' Each rating becomes two indicators, low (at most `low_max`) and high (at
#' least `high_min`), and the outcome is regressed on them: the penalty is
#' what a low rating costs, the reward what a high rating gains, and their
#' difference tells a **basic** factor (failure punished, excellence not
#' rewarded: meet expectations consistently) from an **excitement** factor
#' (excellence rewarded: exceed expectations) and a **performance** factor
#' (both); **low impact** when neither is significant at `alpha`.
#'
#' @param data a data frame.
#' @param outcome the outcome column.
#' @param attributes the rating columns.
#' @param weights a weight column, or `NULL`.
#' @param low_max,high_min the low and high ratings (6 and 9 on 0-10, 2 and
#'   5 on 1-5).
#' @param alpha significance level of the classes.
#' @param missing `"error"` or `"listwise"`.
#' @return A `"loy_prca"` data frame: `attribute`, `penalty`, `penalty_se`,
#'   `penalty_p`, `reward`, `reward_se`, `reward_p`, `asymmetry`,
#'   `asymmetry_se`, `asymmetry_p` and `class` (a factor).
#' @examples
#' prca(survey, "score", c("taste", "freshness", "value", "delivery", "app"),
#'      missing = "listwise")
#' @export
prca <- function(data, outcome, attributes, weights = NULL, low_max = 6, high_min = 9,
                 alpha = 0.05, missing = c("error", "listwise")) {
  missing <- match.arg(missing)
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  y <- numeric_columns(data, outcome, "outcome")[[1]]
  x <- matrix(unlist(numeric_columns(data, attributes, "attribute"), use.names = FALSE),
              nrow = nrow(data))
  w <- if (is.null(weights)) NULL else as_num(resolve_column(data, weights, character(), "weights")$value, weights)
  res <- .Call(C_drivers_prca, y, x, w, if (missing == "listwise") MOMENTS_LISTWISE else 0L,
               c(as_scalar(low_max, "low_max"), as_scalar(high_min, "high_min"),
                 as_scalar(alpha, "alpha")))
  res <- drivers_check(res, c(attributes, outcome), data)
  v <- driver_values(res)
  p <- length(attributes)
  get <- function(name, stat = "estimate") v[[name]][[stat]] %||% rep(NA_real_, p)
  kano <- res$kano
  out <- data.frame(attribute = attributes, penalty = get("penalty"),
                    penalty_se = get("penalty", "se"), penalty_p = get("penalty_p"),
                    reward = get("reward"), reward_se = get("reward", "se"),
                    reward_p = get("reward_p"), asymmetry = get("asymmetry"),
                    asymmetry_se = get("asymmetry", "se"), asymmetry_p = get("asymmetry_p"),
                    class = factor(names(kano), levels = c("basic", "performance", "excitement",
                                                           "low impact")),
                    stringsAsFactors = FALSE)
  attr(out, "stats") <- res$summary[c("n", "r2", "r2_adj", "f_stat", "f_p")]
  attr(out, "alpha") <- alpha
  class(out) <- c("loy_prca", "data.frame")
  out
}

#' @export
print.loy_prca <- function(x, ...) {
  st <- attr(x, "stats")
  cat(sprintf("Penalty-reward contrast analysis: n = %s, R2 = %.3f; classes at alpha = %s\n",
              format(st[["n"]], big.mark = ","), st[["r2"]], format(attr(x, "alpha"))))
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  num <- vapply(y, is.numeric, logical(1))
  y[num] <- lapply(y[num], signif, 3)
  print(y[c("attribute", "penalty", "penalty_p", "reward", "reward_p", "asymmetry",
            "asymmetry_p", "class")], row.names = FALSE)
  invisible(x)
}

#' Importance-performance analysis (the priority matrix)
#'
#' Crosses each attribute's importance (a share) with its performance today
#' (100 x (mean - lo)/(hi - lo), or with Kano classes 100 x (1 - bottom-box
#' share) for basic factors and 100 x top-box share for excitement
#' factors): quadrants against the cut lines (importance 1/p and the mean
#' performance by default) and an opportunity score, importance x (100 -
#' performance)/100, to rank the work.
#'
#' @param importance importances: a [drivers()] result (its LMG shares;
#'   drivers must be the players), or a numeric vector named by attribute.
#' @param data a data frame of ratings.
#' @param attributes the rating columns (default: the names of
#'   `importance`).
#' @param scale `c(lo, hi)` of the ratings.
#' @param weights a weight column, or `NULL`.
#' @param kano `NULL`, a [prca()] result, or classes per attribute ("basic",
#'   "performance", "excitement", "low impact"); with it, performance
#'   follows the Kano rule above.
#' @param performance_cut `"mean"`, `"median"` or a number (0-100).
#' @param importance_cut share above which importance is high (default
#'   1/p).
#' @param top_box_min,bottom_box_max the top-box and bottom-box ratings
#'   (defaults: 9-10 and 0-6 on 0-10; 4-5 and 1-2 on 1-5).
#' @param invalid `"error"` or `"skip"` for ratings off the scale (`NA` is
#'   always skipped).
#' @return A `"loy_ipa"` data frame: `attribute`, `importance`,
#'   `performance`, `top_box`, `bottom_box`, `quadrant` (a factor: key
#'   strength, priority fix, secondary strength, low priority),
#'   `opportunity`; the cut lines in `attr(, "cuts")`. `plot()` draws the
#'   matrix.
#' @examples
#' att <- c("taste", "freshness", "value", "delivery", "app")
#' d <- drivers(survey, "score", att, missing = "listwise")
#' m <- ipa(d, survey, kano = prca(survey, "score", att, missing = "listwise"))
#' m
#' plot(m)
#' @export
ipa <- function(importance, data, attributes = NULL, scale = c(0, 10), weights = NULL,
                kano = NULL, performance_cut = "mean", importance_cut = NULL,
                top_box_min = NULL, bottom_box_max = NULL, invalid = c("error", "skip")) {
  invalid <- match.arg(invalid)
  if (inherits(importance, "loy_drivers")) {
    if (!is.null(importance$groups))
      bad_input("ipa() needs one importance per attribute: a drivers() result without groups",
                "importance")
    imp <- setNames(importance$importance$lmg_share, importance$importance$player)
  } else {
    imp <- importance
    if (!is.numeric(imp) || is.null(names(imp)))
      bad_input("importance must be a drivers() result or a named numeric vector", "importance")
  }
  attributes <- attributes %||% names(imp)
  if (!all(attributes %in% names(imp)))
    bad_input("every attribute needs an importance", "attributes")
  imp <- as.double(imp[attributes])
  x <- matrix(unlist(numeric_columns(data, attributes, "attribute"), use.names = FALSE),
              nrow = nrow(data))
  w <- if (is.null(weights)) NULL else as_num(resolve_column(data, weights, character(), "weights")$value, weights)
  kano_codes <- NULL
  flags <- 0
  if (!is.null(kano)) {
    cls <- if (inherits(kano, "loy_prca")) setNames(as.character(kano$class), kano$attribute)
           else setNames(as.character(kano), names(kano) %||% attributes)
    kano_codes <- match(cls[attributes], c("basic", "performance", "excitement", "low impact"))
    if (anyNA(kano_codes)) bad_input("kano needs a class for every attribute", "kano")
    kano_codes <- as.integer(kano_codes)
    flags <- 1
  }
  cut <- if (is.numeric(performance_cut)) c(2, performance_cut)
         else c(match(match.arg(performance_cut, c("mean", "median")), c("mean", "median")) - 1, 0)
  sc <- as.integer(scale)
  opts <- c(cut[1], flags, cut[2], importance_cut %||% 0,
            if (is.null(top_box_min)) NA_real_ else top_box_min,
            if (is.null(bottom_box_max)) NA_real_ else bottom_box_max)
  res <- .Call(C_drivers_ipa, imp, x, w, sc, as.integer(invalid == "skip"), kano_codes, opts)
  res <- drivers_check(res, attributes, data)
  lv <- c("key strength", "priority fix", "secondary strength", "low priority")
  out <- data.frame(attribute = attributes, importance = imp / sum(imp),
                    performance = res$performance, top_box = res$top_box,
                    bottom_box = res$bottom_box,
                    quadrant = factor(names(res$quadrant), levels = lv),
                    opportunity = res$opportunity, stringsAsFactors = FALSE)
  if (!is.null(kano)) out$kano <- factor(cls[attributes], levels = c("basic", "performance",
                                                                     "excitement", "low impact"))
  attr(out, "cuts") <- setNames(res$cuts, c("importance", "performance"))
  class(out) <- c("loy_ipa", "data.frame")
  out
}

#' @export
print.loy_ipa <- function(x, ...) {
  cuts <- attr(x, "cuts")
  cat(sprintf("Importance-performance analysis: cut lines importance %.1f%%, performance %.1f\n",
              100 * cuts[["importance"]], cuts[["performance"]]))
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  y$importance <- sprintf("%.1f%%", 100 * y$importance)
  y$performance <- round(y$performance, 1)
  y$top_box <- sprintf("%.1f%%", 100 * y$top_box)
  y$bottom_box <- sprintf("%.1f%%", 100 * y$bottom_box)
  y$opportunity <- signif(y$opportunity, 3)
  print(y[order(-x$opportunity), ], row.names = FALSE)
  invisible(x)
}

#' @rdname ipa
#' @param x a `"loy_ipa"` result.
#' @param ... graphical parameters.
#' @export
plot.loy_ipa <- function(x, ...) {
  cuts <- attr(x, "cuts")
  graphics::plot(x$performance, 100 * x$importance, pch = 16,
                 xlab = "performance (0-100)", ylab = "importance (% share)",
                 main = "Importance-performance", xlim = range(0, 100, x$performance),
                 ylim = range(0, 100 * x$importance * 1.15), ...)
  graphics::abline(v = cuts[["performance"]], h = 100 * cuts[["importance"]], lty = 2)
  graphics::text(x$performance, 100 * x$importance, x$attribute, pos = 3, cex = 0.8)
  invisible(x)
}
