# SPDX-License-Identifier: MIT

ABC_BEFORE <- 1L
ABC_COUNT <- 2L
ABC_CLAMP <- 4L
SEGMENT_RAW <- 1L
SEGMENT_SOW <- 2L

#' ABC classes of customers by value
#'
#' Ranks customers by value and splits them into A (the few that hold most
#' of the value), B and C, either at fixed cut-offs of the cumulative value
#' (80% and 95% by default; linear time, no sort) or by the computed ABC
#' analysis of Ultsch and Loetsch (2015) (R's `ABCanalysis`), which takes
#' the limits from the shape of the data's curve. Customers with equal
#' values always share a class.
#'
#' @param value value per customer (revenue, margin, CLV).
#' @param cut cumulative shares ending A and B (fixed method).
#' @param rule `"after"`: a customer is in A when the cumulative share
#'   including it is at most `cut[1]`; `"before"`: when the share before it
#'   is below `cut[1]` (the customer straddling a cut-off goes up a class).
#' @param basis `"value"` (cumulative value) or `"count"` (cumulative
#'   number of customers: `cut[1] = 0.2` is the top 20%).
#' @param negative `"error"` for negative values, or `"clamp"` to count them
#'   as 0 (the computed method always clamps).
#' @param method `"fixed"` or `"computed"`.
#' @return A `"loy_abc"` object: `class` (a factor A/B/C per customer),
#'   `table` (customers, value and shares per class), and the thresholds
#'   (fixed: `threshold_ab`, `threshold_bc`, the smallest values in A and in
#'   A or B; computed: `ab_limit`, `bc_limit`, the curve's points and the
#'   Gini coefficient). Methods `print` and `plot` (the ABC curve).
#' @references Ultsch, A. and Loetsch, J. (2015). Computed ABC analysis for
#'   rational selection of most informative variables in multivariate data.
#'   *PLoS ONE* 10(6), e0129767.
#' @examples
#' cbs <- rfm_summary(cdnow_sim)
#' value <- cbs$m.x * cbs$x
#' a <- abc(value)
#' a
#' table(a$class)
#' abc(value, method = "computed")
#' @export
abc <- function(value, cut = c(0.8, 0.95), rule = c("after", "before"),
                basis = c("value", "count"), negative = c("error", "clamp"),
                method = c("fixed", "computed")) {
  rule <- match.arg(rule)
  basis <- match.arg(basis)
  negative <- match.arg(negative)
  method <- match.arg(method)
  v <- as_num(value, "value")
  lev <- c("A", "B", "C")
  if (method == "computed") {
    r <- .loy(.Call(C_abc_computed, v), "value", list(value = v))
    points <- r$points
    dimnames(points) <- list(c("A", "B", "C"), c("effort", "yield"))
    out <- list(class = factor(lev[r$class], levels = lev),
                table = data.frame(class = factor(lev, levels = lev), customers = r$count,
                                   value = r$value, value_share = r$value_share,
                                   count_share = r$count / length(v)),
                method = "computed", ab_limit = r$ab_limit, bc_limit = r$bc_limit,
                points = points,
                ranks = setNames(r$ranks, c("pareto", "breakeven", "submarginal")),
                ab_exchanged = r$ab_exchanged, gini = r$gini, total_value = r$total_value,
                n_clamped = r$n_clamped, value = v)
  } else {
    if (!is.numeric(cut) || length(cut) != 2L) bad_input("cut must be 2 numbers", "cut")
    flags <- (if (rule == "before") ABC_BEFORE else 0L) +
      (if (basis == "count") ABC_COUNT else 0L) +
      (if (negative == "clamp") ABC_CLAMP else 0L)
    r <- .loy(.Call(C_abc, v, as.double(cut[1L]), as.double(cut[2L]), as.integer(flags)),
              "value", list(value = v))
    out <- list(class = factor(lev[r$class], levels = lev),
                table = data.frame(class = factor(lev, levels = lev), customers = r$count,
                                   value = r$value, value_share = r$value_share,
                                   count_share = r$count_share),
                method = "fixed", cut = c(r$cut_a, r$cut_b), rule = rule, basis = basis,
                threshold_ab = r$threshold_ab, threshold_bc = r$threshold_bc,
                total_value = r$total_value, n_clamped = r$n_clamped, value = v)
  }
  structure(out, class = "loy_abc")
}

#' @rdname abc
#' @param x a `"loy_abc"` result.
#' @param ... unused (`print`) or graphical parameters (`plot`).
#' @export
print.loy_abc <- function(x, ...) {
  if (x$method == "fixed")
    cat(sprintf("ABC classes (cut-offs %s%% / %s%% of cumulative %s, rule %s)\n",
                pct(x$cut[1], 0), pct(x$cut[2], 0), x$basis, x$rule))
  else
    cat(sprintf("ABC classes (computed ABC analysis; Gini %.3f)\n", x$gini))
  tab <- x$table
  tab$value_share <- sprintf("%.1f%%", 100 * tab$value_share)
  tab$count_share <- sprintf("%.1f%%", 100 * tab$count_share)
  print(tab, row.names = FALSE)
  if (x$n_clamped > 0) cat(sprintf("(%d negative values counted as 0)\n", x$n_clamped))
  invisible(x)
}

#' @rdname abc
#' @export
plot.loy_abc <- function(x, ...) {
  v <- sort(pmax(x$value, 0), decreasing = TRUE)
  effort <- c(0, seq_along(v) / length(v))
  yield <- c(0, cumsum(v) / sum(v))
  graphics::plot(effort, yield, type = "l", xlab = "share of customers",
                 ylab = "share of value", main = "ABC curve", xlim = c(0, 1),
                 ylim = c(0, 1), ...)
  n <- cumsum(x$table$customers) / length(v)
  graphics::abline(v = n[1:2], lty = 2, col = "grey40")
  graphics::text(c(n[1] / 2, (n[1] + n[2]) / 2, (n[2] + 1) / 2), 0.05, c("A", "B", "C"))
  invisible(x)
}

#' ABC x loyalty segmentation
#'
#' Crosses value classes (A, B, C) with loyalty (promoter, passive,
#' detractor, no answer) and, when a potential is given, with a potential
#' level (harvest / develop): customers, value and recommended action per
#' cell, the NPS (with interval) and revenue-weighted NPS of each value
#' class, and the value at risk (detractors' value, plus passives' value
#' times their churn probability).
#'
#' @param value value per customer.
#' @param loyalty per customer: NPS scores (on the scale of `breaks`), or a
#'   factor with levels `detractor`, `passive`, `promoter` (e.g. from
#'   [nps_class()]). `NA` is a customer without an answer: a column of its
#'   own, never counted as passive.
#' @param value_class per customer A/B/C (a factor or text, or an [abc()]
#'   result); `NULL` computes [abc()] of `value` with the default cut-offs.
#' @param potential optional potential per customer (or share of wallet
#'   with `share_of_wallet = TRUE`).
#' @param threshold potential at or above which a customer is in the
#'   develop level (share of wallet: below which).
#' @param share_of_wallet treat `potential` as a share of wallet in
#'   \eqn{[0, 1]}.
#' @param lifetime_value optional lifetime value per customer (mean per
#'   cell).
#' @param churn_prob optional churn probability per customer (e.g. `1 -`
#'   P(alive)) for the value at risk of passives.
#' @param breaks scale of the scores, as for [nps()].
#' @param level,method the per-class NPS interval (see [nps()]).
#' @param small_n cells with fewer customers are flagged.
#' @param negative `"error"` or `"clamp"` negative values to 0.
#' @return A `"loy_abc_loyalty"` object: `cells` (a data frame: value
#'   class, loyalty, level, customers, value, value share, small, action,
#'   mean lifetime value), `classes` (per value class: customers, value,
#'   respondents, NPS with interval, revenue-weighted NPS, value at risk),
#'   `cell` (each customer's cell as a factor like `"A promoter"`),
#'   `value_at_risk`, `rw_nps`. Methods `print` and `plot` (the matrix).
#' @examples
#' set.seed(1)
#' value <- rgamma(500, 0.5, 0.01)
#' score <- sample(c(0:10, NA), 500, replace = TRUE)
#' seg <- abc_loyalty(value, score)
#' seg
#' plot(seg)
#' @export
abc_loyalty <- function(value, loyalty, value_class = NULL, potential = NULL,
                        threshold = 0, share_of_wallet = FALSE, lifetime_value = NULL,
                        churn_prob = NULL, breaks = c(0, 6, 8, 10), level = 0.95,
                        method = c("wald", "adjusted", "score"), small_n = 30,
                        negative = c("error", "clamp")) {
  method <- match.arg(method)
  negative <- match.arg(negative)
  v <- as_num(value, "value")
  n <- length(v)
  if (length(loyalty) != n) bad_input("loyalty must have one value per customer", "loyalty")
  flags <- 0L
  br <- check_breaks(breaks)
  if (is.factor(loyalty) && all(levels(loyalty) %in% c("detractor", "passive", "promoter"))) {
    code <- match(as.character(loyalty), c("detractor", "passive", "promoter")) - 1L
    code[is.na(code)] <- -1L
  } else {
    s <- score_values(loyalty, "loyalty")
    bad <- which(!is.na(s) & (!is.finite(s) | s != floor(s) | abs(s) > 2^31 - 1))
    if (length(bad))
      bad_input(sprintf("loyalty: not a score at row %d: %s", bad[1L], format(s[bad[1L]])),
                "loyalty", row = bad[1L], status = -2L)
    code <- as.integer(s)
    code[is.na(s)] <- -1L
    flags <- flags + SEGMENT_RAW
  }
  if (is.null(value_class)) {
    vc <- abc(v, negative = negative)$class
  } else if (inherits(value_class, "loy_abc")) {
    vc <- value_class$class
  } else {
    vc <- value_class
  }
  vcode <- match(as.character(vc), c("A", "B", "C")) - 1L
  if (length(vcode) != n) bad_input("value_class must have one value per customer", "value_class")
  if (share_of_wallet) flags <- flags + SEGMENT_SOW
  if (negative == "clamp") flags <- flags + ABC_CLAMP
  pot <- if (is.null(potential)) NULL else as_num(potential, "potential")
  ltv <- if (is.null(lifetime_value)) NULL else as_num(lifetime_value, "lifetime_value")
  cp <- if (is.null(churn_prob)) NULL else as_num(churn_prob, "churn_prob")
  opts <- c(as_scalar(threshold, "threshold"), as_level(level), nps_methods[[method]],
            as_scalar(small_n, "small_n"), flags)
  r <- .loy(.Call(C_segment_cross, v, as.integer(vcode), code, br, pot, ltv, cp, opts),
            c("value", "value_class", "loyalty"),
            list(value = v, value_class = vc, loyalty = loyalty, potential = pot,
                 lifetime_value = ltv, churn_prob = cp))
  cells_used <- if (r$with_potential) 0:23 else 0:11
  lv <- c("promoter", "passive", "detractor", "no answer")
  grid <- data.frame(value_class = factor(rep(rep(c("A", "B", "C"), each = 4), 2)[cells_used + 1],
                                          levels = c("A", "B", "C")),
                     loyalty = factor(rep(lv, 6)[cells_used + 1], levels = lv))
  if (r$with_potential)
    grid$level <- factor(rep(c("harvest", "develop"), each = 12)[cells_used + 1],
                         levels = c("harvest", "develop"))
  actions <- action_names()
  cells <- cbind(grid, customers = r$count[cells_used + 1], value = r$value[cells_used + 1],
                 value_share = r$value_share[cells_used + 1],
                 small = r$small[cells_used + 1] != 0,
                 action = actions[r$action[cells_used + 1] + 1])
  if (!is.null(ltv)) cells$mean_ltv <- r$mean_ltv[cells_used + 1]
  classes <- data.frame(value_class = factor(c("A", "B", "C"), levels = c("A", "B", "C")),
                        customers = r$class_count, value = r$class_value,
                        respondents = r$class_respondents, nps = r$class_nps,
                        lower = r$class_nps_lower, upper = r$class_nps_upper,
                        rw_nps = r$class_rw_nps, value_at_risk = r$class_value_at_risk)
  labels <- paste(as.character(grid$value_class), as.character(grid$loyalty))
  if (r$with_potential) labels <- paste(labels, as.character(grid$level))
  cell <- factor(labels[match(r$cell, cells_used)], levels = labels)
  structure(list(cells = cells, classes = classes, cell = cell,
                 value_at_risk = r$value_at_risk, rw_nps = r$total_rw_nps,
                 total_value = r$total_value, with_potential = r$with_potential,
                 level = level, method = method),
            class = "loy_abc_loyalty")
}

action_names <- function() {
  .Call(C_action_names, 12L)
}

#' @rdname abc_loyalty
#' @param x a `"loy_abc_loyalty"` result.
#' @param ... unused (`print`) or graphical parameters (`plot`).
#' @export
print.loy_abc_loyalty <- function(x, ...) {
  cat("ABC x loyalty segmentation:", format(sum(x$cells$customers), big.mark = ","),
      "customers\n\nCustomers per cell:\n")
  f <- if (x$with_potential) customers ~ value_class + loyalty + level
       else customers ~ value_class + loyalty
  print(stats::xtabs(f, data = x$cells))
  cat("\nPer value class:\n")
  cls <- x$classes
  for (k in c("nps", "lower", "upper", "rw_nps")) cls[[k]] <- round(100 * cls[[k]], 1)
  print(cls, row.names = FALSE)
  cat(sprintf("\nValue at risk: %s of %s (%.1f%%); revenue-weighted NPS %s\n",
              format(x$value_at_risk, big.mark = ",", digits = 6),
              format(x$total_value, big.mark = ",", digits = 6),
              100 * x$value_at_risk / x$total_value,
              if (is.na(x$rw_nps)) "NA" else sprintf("%.1f", 100 * x$rw_nps)))
  invisible(x)
}

#' @rdname abc_loyalty
#' @export
plot.loy_abc_loyalty <- function(x, ...) {
  cells <- x$cells
  if (x$with_potential) cells <- stats::aggregate(customers ~ value_class + loyalty, cells, sum)
  m <- stats::xtabs(customers ~ value_class + loyalty, cells)
  m <- unclass(m)[3:1, , drop = FALSE]
  graphics::image(seq_len(ncol(m)), seq_len(nrow(m)), t(m), axes = FALSE,
                  xlab = "loyalty", ylab = "value class",
                  col = grDevices::hcl.colors(20, "Blues 3", rev = TRUE),
                  main = "ABC x loyalty: customers per cell", ...)
  graphics::axis(1, seq_len(ncol(m)), colnames(m))
  graphics::axis(2, seq_len(nrow(m)), rownames(m), las = 1)
  graphics::text(rep(seq_len(ncol(m)), each = nrow(m)), rep(seq_len(nrow(m)), ncol(m)),
                 format(as.vector(m), big.mark = ","))
  graphics::box()
  invisible(x)
}
