# SPDX-License-Identifier: MIT

# Group codes 1..G of the rows (NA: a row without a group) and a data frame
# of the groups' keys, one row per group in level order (factor levels;
# sorted values otherwise). drop = FALSE keeps every level (and every
# combination of levels) even without rows.
group_index <- function(data, by, drop) {
  if (is.null(by) || length(by) == 0L)
    return(list(code = rep(1L, nrow(data)), keys = data.frame(row.names = 1L), n = 1L))
  missing <- setdiff(by, names(data))
  if (length(missing))
    bad_input(sprintf("group column '%s' is not in the data", missing[1L]), "by")
  fs <- lapply(by, function(b) {
    v <- data[[b]]
    f <- if (is.factor(v)) v else factor(v)
    if (drop) droplevels(f) else f
  })
  sizes <- vapply(fs, nlevels, integer(1))
  code <- rep(1L, nrow(data))
  stride <- 1L
  for (j in rev(seq_along(fs))) {
    code <- code + (as.integer(fs[[j]]) - 1L) * stride
    stride <- stride * sizes[j]
  }
  grid <- expand.grid(rev(lapply(fs, levels)), KEEP.OUT.ATTRS = FALSE,
                      stringsAsFactors = FALSE)
  grid <- grid[rev(seq_along(fs))]
  names(grid) <- by
  for (j in seq_along(fs)) grid[[j]] <- factor(grid[[j]], levels = levels(fs[[j]]))
  if (drop) {
    present <- sort(unique(code[!is.na(code)]))
    grid <- grid[present, , drop = FALSE]
    code <- match(code, present)
  }
  rownames(grid) <- NULL
  list(code = as.integer(code), keys = grid, n = nrow(grid))
}

#' NPS, CSAT and CES by group
#'
#' One row per group (the levels of a factor, in their order; all
#' combinations of several columns) with the counts, the estimate and its
#' interval. `NA` scores are blanks (non-response), counted apart; rows
#' whose group is `NA` are left out. Groups without an answer get `NA`
#' estimates. For unweighted NPS the tallies of all groups come from one
#' pass of the library's grouped tally.
#'
#' @param data a data frame (data.table and tibble too).
#' @param score the score column (a name).
#' @param by group columns (names); `NULL` for one overall row.
#' @param weights a column of survey weights (weighted NPS), or `NULL`.
#' @param drop leave out groups (levels) without rows.
#' @param ... passed to the estimate: `breaks`, `method`, `level`,
#'   `invalid`, `pseudo` ([nps()]); `scale`, `level`, `invalid` ([csat()],
#'   [ces()]).
#' @return A data frame of the input's class. `nps_by()`: the group
#'   columns, `responses` (rows), `blanks`, `invalid` (skipped), `n`
#'   (answers counted), `detractors`, `passives`, `promoters`, `nps`, `se`,
#'   `lower`, `upper` (on the \eqn{[-1, 1]} scale) and `small_sample`
#'   (n < 30); weighted: `sum_w`, `n_eff` and `deff` too, `se` being the
#'   linearised SE. `csat_by()`: `n`, `top`, `csat`, `se`, `lower`,
#'   `upper`; `ces_by()`: `n`, `mean`, `sd`, `se`, `lower`, `upper`,
#'   `agree`, `disagree`.
#' @examples
#' nps_by(survey, "score", "segment")
#' nps_by(survey, "score", c("segment", "region"), method = "adjusted")
#' nps_by(survey, "score", "segment", weights = "weight")
#' csat_by(survey, "csat", "segment")
#' @export
nps_by <- function(data, score, by = NULL, weights = NULL, drop = FALSE, ...) {
  args <- list(...)
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  sc <- resolve_column(data, score, character(), "score")
  s <- score_values(sc$value, sc$name)
  g <- group_index(data, by, drop)
  br <- check_breaks(if ("breaks" %in% names(args)) args$breaks else c(0, 6, 8, 10))
  skip <- invalid_flag(args$invalid %||% "error")
  method <- match.arg(args$method %||% "wald", names(nps_methods))
  level <- as_level(args$level %||% 0.95)
  pseudo <- as_num(args$pseudo %||% c(0.75, 1.5, 0.75), "pseudo")
  responses <- tabulate(g$code, nbins = g$n)

  if (!is.null(weights)) {
    wc <- resolve_column(data, weights, character(), "weights")
    w <- as_num(wc$value, wc$name)
    rows <- split(seq_along(s), factor(g$code, levels = seq_len(g$n)))
    res <- lapply(seq_len(g$n), function(k) {
      i <- rows[[k]]
      wt <- .Call(C_nps_wtally, s[i], w[i], br, skip)
      # an error names the row of the whole data, not of the group
      if (inherits(wt, "loyalty_status") && !is.na(wt[2])) wt[2] <- i[wt[2]]
      wt <- .loy(wt, c(sc$name, wc$name), setNames(list(s, w), c(sc$name, wc$name)))
      est <- if (sum(wt[1:3]) > 0 && sum(wt[4:6]) > 0)
        .loy(.Call(C_nps_westimate, wt, level), "level") else NULL
      c(wt, if (is.null(est)) rep(NA_real_, 11) else est)
    })
    m <- do.call(rbind, res)
    out <- data.frame(responses = responses, blanks = m[, 11], invalid = m[, 10],
                      n = m[, 1] + m[, 2] + m[, 3], detractors = m[, 1], passives = m[, 2],
                      promoters = m[, 3], sum_w = m[, 13], n_eff = m[, 15], deff = m[, 16],
                      nps = m[, 14], se = m[, 18], se_kish = m[, 17], lower = m[, 20],
                      upper = m[, 21],
                      small_sample = ifelse(is.na(m[, 22]), NA,
                                            bitwAnd(as.integer(ifelse(is.na(m[, 22]), 0, m[, 22])),
                                                    NPS_SMALL) != 0))
  } else {
    tal <- .loy(.Call(C_nps_tally_grouped, s, g$code, as.integer(g$n), br, skip),
                sc$name, setNames(list(s), sc$name))
    est <- t(vapply(seq_len(g$n), function(k) {
      if (sum(tal[k, 1:3]) == 0) return(rep(NA_real_, 5))
      e <- .loy(.Call(C_nps_estimate, tal[k, 1:3], nps_methods[[method]], level, pseudo),
                c("level", "pseudo"))
      c(e[["nps"]], e[["se"]], e[["lower"]], e[["upper"]], e[["flags"]])
    }, numeric(5)))
    out <- data.frame(responses = responses, blanks = tal[, 5], invalid = tal[, 4],
                      n = tal[, 1] + tal[, 2] + tal[, 3], detractors = tal[, 1],
                      passives = tal[, 2], promoters = tal[, 3], nps = est[, 1],
                      se = est[, 2], lower = est[, 3], upper = est[, 4],
                      small_sample = ifelse(is.na(est[, 5]), NA,
                                            bitwAnd(as.integer(ifelse(is.na(est[, 5]), 0, est[, 5])),
                                                    NPS_SMALL) != 0))
  }
  like_input(cbind(g$keys, out), data)
}

survey_by <- function(what, data, score, by, drop, args) {
  if (!is.data.frame(data)) bad_input("data must be a data frame", "data")
  sc <- resolve_column(data, score, character(), "score")
  s <- score_values(sc$value, sc$name)
  g <- group_index(data, by, drop)
  scale <- if (what == 1L) check_scale(args$scale %||% c(1, 4, 5), 3L, "lo, top_min, hi")
           else check_scale(args$scale %||% c(1, 3, 5, 7), 4L, "lo, disagree_max, agree_min, hi")
  level <- as_level(args$level %||% 0.95)
  skip <- invalid_flag(args$invalid %||% "error")
  fn <- if (what == 1L) C_csat else C_ces
  rows <- split(seq_along(s), factor(g$code, levels = seq_len(g$n)))
  keep <- if (what == 1L) c("n", "top", "csat", "se", "lower", "upper", "blanks", "rejected")
          else c("n", "mean", "sd", "se", "lower", "upper", "agree", "disagree", "blanks",
                 "rejected")
  res <- lapply(seq_len(g$n), function(k) {
    i <- rows[[k]]
    v <- tryCatch(.loy(.Call(fn, s[i], scale, level, skip), sc$name,
                       setNames(list(s[i]), sc$name)),
                  loyalty_bad_input = function(e) {
                    # An empty group is a missing estimate; other errors
                    # name the row of the whole data.
                    if (e$status == -4L) return(NULL)
                    if (!is.na(e$row)) e$row <- i[e$row]
                    stop(loyalty_condition(e$status, e$row, sc$name,
                                           setNames(list(s), sc$name), e$call))
                  })
    if (is.null(v)) {
      v <- setNames(rep(NA_real_, length(keep)), keep)
      v[["n"]] <- 0
      v[["blanks"]] <- sum(is.na(s[i]))
      v[["rejected"]] <- NA_real_
      return(v)
    }
    v[keep]
  })
  m <- do.call(rbind, res)
  out <- data.frame(responses = tabulate(g$code, nbins = g$n), m, check.names = FALSE)
  names(out)[names(out) == "rejected"] <- "invalid"
  like_input(cbind(g$keys, out), data)
}

#' @rdname nps_by
#' @export
csat_by <- function(data, score, by = NULL, drop = FALSE, ...) {
  survey_by(1L, data, score, by, drop, list(...))
}

#' @rdname nps_by
#' @export
ces_by <- function(data, score, by = NULL, drop = FALSE, ...) {
  survey_by(2L, data, score, by, drop, list(...))
}
