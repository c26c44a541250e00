# SPDX-License-Identifier: MIT

nps_methods <- c(wald = 0L, adjusted = 1L, score = 2L)
NPS_CLIPPED <- 1L
NPS_SMALL <- 2L
NPS_DEGENERATE <- 4L

check_breaks <- function(breaks) {
  if (is.null(breaks)) return(NULL)
  if (!is.numeric(breaks) || length(breaks) != 4L || anyNA(breaks) ||
      any(breaks != round(breaks)))
    bad_input("breaks must be 4 whole numbers c(lo, detractor_max, passive_max, hi)",
              "breaks")
  as.integer(breaks)
}

# Scores as doubles (NA = no answer). Factors whose labels are numbers are
# read by label, not by code.
score_values <- function(x, name = "x") {
  if (is.factor(x)) {
    lab <- as.character(x)
    v <- suppressWarnings(as.numeric(lab))
    bad <- which(is.na(v) & !is.na(lab))
    if (length(bad))
      bad_input(sprintf("%s: level '%s' is not a score", name, lab[bad[1L]]), name,
                row = bad[1L], status = -2L)
    return(v)
  }
  if (is.logical(x) && all(is.na(x))) return(as.double(x))
  if (!is.numeric(x))
    bad_input(sprintf("%s must be numeric scores (NA for no answer), not %s", name,
                      class(x)[1L]), name)
  v <- as.double(x)
  attributes(v) <- NULL
  v
}

invalid_flag <- function(invalid) {
  invalid <- match.arg(invalid, c("error", "skip"))
  as.integer(invalid == "skip")
}

flag_names <- function(flags) {
  c(if (bitwAnd(flags, NPS_CLIPPED)) "clipped",
    if (bitwAnd(flags, NPS_SMALL)) "small_sample",
    if (bitwAnd(flags, NPS_DEGENERATE)) "degenerate")
}

# A histogram (table or named counts) as counts for lo..hi.
hist_counts <- function(x, lo, hi, name) {
  sc <- suppressWarnings(as.numeric(names(x)))
  if (is.null(names(x)) || anyNA(sc))
    bad_input(sprintf("%s: the names of a table of counts must be the scores", name), name)
  bad <- which(sc < lo | sc > hi | sc != floor(sc))
  if (length(bad))
    bad_input(sprintf("%s: score %s is not on the scale %d..%d", name, names(x)[bad[1L]],
                      lo, hi), name, row = bad[1L], status = -2L)
  h <- numeric(hi - lo + 1L)
  h[sc - lo + 1] <- as.numeric(x)
  h
}

#' Net Promoter Score with a confidence interval
#'
#' The NPS of a set of answers on a 0-10 (or any) scale: the share of
#' promoters minus the share of detractors, with a confidence interval by
#' the Wald, adjusted-Wald (Rocks 2016) or score (Tango) method, or for
#' survey weights the weighted NPS with Kish and linearised standard
#' errors (as `survey::svymean` reports them).
#'
#' `NA` is a respondent who did not answer: counted in `blanks`, never as a
#' score. A value that is not a score of the scale (11, 7.5, `NaN`, `Inf`)
#' is an error naming its row (class `loyalty_bad_input`), unless
#' `invalid = "skip"`, which counts it in `rejected`.
#'
#' The estimate is on \eqn{[-1, 1]}; printed results show the familiar
#' -100..100 scale.
#'
#' @param x scores: a numeric vector (or a factor whose labels are
#'   scores), or a table of counts named by score, e.g. `table(scores)`.
#' @param weights survey weights (one per score; the weight of a blank
#'   answer is ignored), or `NULL`.
#' @param breaks the scale `c(lo, detractor_max, passive_max, hi)`:
#'   `c(0, 6, 8, 10)` is the standard 0-10 question, `c(1, 3, 4, 5)` a 1-5
#'   scale.
#' @param method interval method: `"wald"`, `"adjusted"` (adjusted Wald:
#'   pseudo-counts added, better near the ends and in small samples) or
#'   `"score"`. Weighted estimates use a Wald interval on the linearised
#'   standard error.
#' @param level confidence level.
#' @param invalid `"error"` (the default) or `"skip"` for values that are
#'   not scores.
#' @param pseudo pseudo-counts added to (detractors, passives, promoters)
#'   by the adjusted Wald.
#' @return An object of class `"loy_nps"`: a list with `nps`, `se`,
#'   `lower`, `upper`, `n`, the class `counts`, `blanks`, `rejected`,
#'   `estimate` (every number the library reports: variance, z, the
#'   adjusted centre, flags ...), `method`, `level` and `flags`
#'   (`"small_sample"`, `"clipped"`, `"degenerate"`). Methods: `print`,
#'   `summary`, `confint`.
#' @seealso [nps_by()] for groups, [nps_compare()] for two samples,
#'   [nps_class()] for the class of each answer.
#' @examples
#' s <- c(10, 9, 7, 3, 8, 10, 6, NA)
#' r <- nps(s)
#' r                  # 14.3: (3 promoters - 2 detractors) / 7 answers
#' confint(r, level = 0.9)
#' nps(s, method = "adjusted")
#' nps(table(survey$score))
#' nps(survey$score, weights = survey$weight)
#' @export
nps <- function(x, weights = NULL, breaks = c(0, 6, 8, 10),
                method = c("wald", "adjusted", "score"), level = 0.95,
                invalid = c("error", "skip"), pseudo = c(0.75, 1.5, 0.75)) {
  method <- match.arg(method)
  br <- check_breaks(breaks)
  skip <- invalid_flag(invalid)
  level <- as_level(level)
  pseudo <- as_num(pseudo, "pseudo")
  if (!is.null(weights)) {
    if (is.table(x)) bad_input("weights need individual scores, not a table", "weights")
    s <- score_values(x)
    w <- as_num(weights, "weights")
    if (length(w) != length(s)) bad_input("weights must have one value per score", "weights")
    wt <- .loy(.Call(C_nps_wtally, s, w, br, skip), c("x", "weights"),
               list(x = s, weights = w))
    return(weighted_nps(wt, level, br))
  }
  if (is.table(x)) {
    lo <- if (is.null(br)) 0L else br[1L]
    hi <- if (is.null(br)) 10L else br[4L]
    h <- hist_counts(x, lo, hi, "x")
    tally <- .loy(.Call(C_nps_tally_hist, h, br), "x")
  } else {
    s <- score_values(x)
    tally <- .loy(.Call(C_nps_tally, s, br, skip), "x", list(x = s))
  }
  nps_from_tally(tally, method, level, br, pseudo)
}

nps_from_tally <- function(tally, method, level, breaks, pseudo) {
  counts <- tally[c("detractors", "passives", "promoters")]
  est <- .loy(.Call(C_nps_estimate, unname(counts), nps_methods[[method]], level, pseudo),
              c("level", "pseudo"))
  structure(list(nps = est[["nps"]], se = est[["se"]], lower = est[["lower"]],
                 upper = est[["upper"]], n = est[["n"]], counts = counts,
                 blanks = tally[["blanks"]], rejected = tally[["rejected"]],
                 estimate = est, method = method, level = level,
                 flags = flag_names(as.integer(est[["flags"]])), breaks = breaks,
                 pseudo = pseudo, weighted = FALSE),
            class = "loy_nps")
}

weighted_nps <- function(wt, level, breaks) {
  est <- .loy(.Call(C_nps_westimate, wt, level), "level")
  counts <- setNames(wt[1:3], c("detractors", "passives", "promoters"))
  structure(list(nps = est[["nps"]], se = est[["se_lin"]], lower = est[["lower"]],
                 upper = est[["upper"]], n = est[["n"]], counts = counts,
                 blanks = wt[11L], rejected = wt[10L], estimate = est,
                 method = "weighted", level = level,
                 flags = flag_names(as.integer(est[["flags"]])), breaks = breaks,
                 weighted = TRUE, wtally = wt,
                 sum_w = setNames(wt[4:6], names(counts))),
            class = "loy_nps")
}

#' @rdname nps
#' @param digits digits of the printed NPS.
#' @param ... unused.
#' @export
print.loy_nps <- function(x, digits = 1, ...) {
  lv <- format(100 * x$level, digits = 3)
  meth <- switch(x$method, wald = "Wald", adjusted = "adjusted Wald", score = "score",
                 weighted = "weighted, linearised SE")
  cat(sprintf("Net Promoter Score: %s (%s%% CI %s to %s, %s)\n",
              formatC(100 * x$nps, format = "f", digits = digits), lv,
              formatC(100 * x$lower, format = "f", digits = digits),
              formatC(100 * x$upper, format = "f", digits = digits), meth))
  cat(sprintf("  %s answers: %s detractors, %s passives, %s promoters",
              format(x$n, big.mark = ","), format(x$counts[[1]], big.mark = ","),
              format(x$counts[[2]], big.mark = ","), format(x$counts[[3]], big.mark = ",")))
  if (x$blanks > 0) cat(sprintf("; %s blank", format(x$blanks, big.mark = ",")))
  if (x$rejected > 0) cat(sprintf("; %s invalid skipped", format(x$rejected, big.mark = ",")))
  cat("\n")
  if (isTRUE(x$weighted))
    cat(sprintf("  effective n %s (design effect %s)\n", format(x$estimate[["n_eff"]], digits = 4),
                format(x$estimate[["deff"]], digits = 3)))
  if (length(x$flags)) cat("  note:", paste(x$flags, collapse = ", "), "\n")
  invisible(x)
}

#' @rdname nps
#' @param object a `"loy_nps"` result.
#' @param parm ignored (the NPS is the only parameter).
#' @export
confint.loy_nps <- function(object, parm, level = 0.95, ...) {
  level <- as_level(level)
  if (isTRUE(object$weighted)) {
    est <- .loy(.Call(C_nps_westimate, object$wtally, level), "level")
  } else {
    est <- .loy(.Call(C_nps_estimate, unname(object$counts), nps_methods[[object$method]],
                      level, object$pseudo), "level")
  }
  a <- (1 - level) / 2
  matrix(c(est[["lower"]], est[["upper"]]), 1L, 2L,
         dimnames = list("nps", paste(format(100 * c(a, 1 - a), trim = TRUE,
                                             scientific = FALSE, digits = 3), "%")))
}

#' @rdname nps
#' @export
summary.loy_nps <- function(object, ...) {
  n <- sum(object$counts)
  tab <- data.frame(class = c("detractor", "passive", "promoter"),
                    n = unname(object$counts),
                    share = if (n > 0) unname(object$counts) / n else NA_real_)
  if (isTRUE(object$weighted)) tab$weighted_share <- unname(object$sum_w) / sum(object$sum_w)
  structure(list(table = tab, nps = object), class = "summary.loy_nps")
}

#' @export
print.summary.loy_nps <- function(x, ...) {
  print(x$nps)
  cat("\n")
  tab <- x$table
  tab$share <- sprintf("%.1f%%", 100 * tab$share)
  if (!is.null(tab$weighted_share)) tab$weighted_share <- sprintf("%.1f%%", 100 * tab$weighted_share)
  print(tab, row.names = FALSE)
  e <- x$nps$estimate
  if (!isTRUE(x$nps$weighted))
    cat(sprintf("\nSE %.4f (per-answer variance %.4f); interval centre %.4f with SE %.4f\n",
                e[["se"]], e[["variance"]], e[["centre"]], e[["interval_se"]]))
  else
    cat(sprintf("\nSE %.4f linearised, %.4f Kish; sum of weights %s\n",
                e[["se_lin"]], e[["se_kish"]], format(e[["sum_w"]], digits = 6)))
  invisible(x)
}

#' Class of each NPS answer
#'
#' @param x scores (NA: no answer).
#' @param breaks the scale, as for [nps()].
#' @return A factor with levels `detractor`, `passive`, `promoter` (`NA`
#'   for no answer). A value off the scale is an error naming its row.
#' @examples
#' nps_class(c(0, 7, 9, NA))
#' @export
nps_class <- function(x, breaks = c(0, 6, 8, 10)) {
  br <- check_breaks(breaks) %||% c(0L, 6L, 8L, 10L)
  s <- score_values(x)
  bad <- which(!is.na(s) & (s < br[1L] | s > br[4L] | s != floor(s) | !is.finite(s)))
  if (length(bad))
    bad_input(sprintf("x: value outside the allowed scale (LOY_ESCALE) at row %d: x = %s",
                      bad[1L], format(s[bad[1L]])), "x", row = bad[1L], status = -2L)
  if (br[1L] > br[2L] || br[2L] > br[3L] || br[3L] >= br[4L])
    bad_input("breaks must satisfy lo <= detractor_max <= passive_max < hi", "breaks",
              status = -5L)
  code <- ifelse(s <= br[2L], 1L, ifelse(s <= br[3L], 2L, 3L))
  factor(c("detractor", "passive", "promoter")[code],
         levels = c("detractor", "passive", "promoter"))
}

#' Compare the NPS of two independent samples
#'
#' A z-test of equal NPS and a confidence interval for the difference
#' `NPS(x) - NPS(y)` (R NPS package's `nps_test(x, y)`), Wald or adjusted
#' Wald.
#'
#' @param x,y scores (NA: no answer) or unweighted [nps()] results.
#' @param method `"wald"` or `"adjusted"`.
#' @param level confidence level of the interval.
#' @param breaks,invalid as for [nps()] (for scores).
#' @return An `"htest"` object (printed like [prop.test()]): `statistic`
#'   z, `p.value`, `conf.int` and `estimate` (the two NPS), on the
#'   \eqn{[-1, 1]} scale. When both samples are degenerate (each all in one
#'   class) the test is undefined: `NA` statistics and a warning.
#' @examples
#' with(survey, nps_compare(score[segment == "Cafe"], score[segment == "Office"]))
#' @export
nps_compare <- function(x, y, method = c("wald", "adjusted"), level = 0.95,
                        breaks = c(0, 6, 8, 10), invalid = c("error", "skip")) {
  method <- match.arg(method)
  dname <- paste(deparse1(substitute(x)), "and", deparse1(substitute(y)))
  level <- as_level(level)
  tx <- if (inherits(x, "loy_nps")) x else nps(x, breaks = breaks, invalid = invalid)
  ty <- if (inherits(y, "loy_nps")) y else nps(y, breaks = breaks, invalid = invalid)
  if (isTRUE(tx$weighted) || isTRUE(ty$weighted))
    bad_input("nps_compare() compares unweighted samples", c("x", "y"))
  d <- .loy(.Call(C_nps_compare, unname(tx$counts), unname(ty$counts), nps_methods[[method]],
                  level, NULL), c("x", "y"))
  if (d[["status"]] != 0)
    warning(loyalty_condition(-10L, warning = TRUE,
            message = "both samples are degenerate (zero variance): no test"))
  structure(list(statistic = c(z = d[["z"]]), p.value = d[["p_value"]],
                 conf.int = structure(c(d[["lower"]], d[["upper"]]), conf.level = level),
                 estimate = c(`NPS x` = tx$nps, `NPS y` = ty$nps),
                 null.value = c(difference = 0), alternative = "two.sided",
                 method = sprintf("Two-sample NPS test (%s)",
                                  if (method == "wald") "Wald" else "adjusted Wald"),
                 data.name = dname, se = d[["se"]], difference = d[["diff"]]),
            class = "htest")
}

#' Responses needed for a margin of error, and the margin of n responses
#'
#' `nps_sample_size()` gives the number of answers for which the Wald
#' interval of the NPS has half-width `margin` (on the \eqn{[-1, 1]} scale:
#' 0.05 is 5 points) at the expected shares of promoters and detractors;
#' `nps_margin()` the half-width for `n` answers. The worst case is half
#' promoters and half detractors.
#'
#' @param margin half-width of the interval, > 0.
#' @param n number of answers.
#' @param level confidence level.
#' @param promoters,detractors expected shares.
#' @return A numeric vector (recycled over the arguments).
#' @examples
#' nps_sample_size(0.05, promoters = 0.4, detractors = 0.2)
#' nps_margin(c(100, 400, 1600), promoters = 0.4, detractors = 0.2)
#' @export
nps_sample_size <- function(margin, level = 0.95, promoters = 0.5, detractors = 0.5) {
  a <- recycle(margin = margin, level = level, promoters = promoters,
               detractors = detractors)
  .loy(.Call(C_nps_sample_size, a$margin, a$level, a$promoters, a$detractors),
       names(a), a)
}

#' @rdname nps_sample_size
#' @export
nps_margin <- function(n, level = 0.95, promoters = 0.5, detractors = 0.5) {
  a <- recycle(n = n, level = level, promoters = promoters, detractors = detractors)
  .loy(.Call(C_nps_margin, a$n, a$level, a$promoters, a$detractors), names(a), a)
}

# Numeric arguments recycled to one length (as doubles).
recycle <- function(...) {
  a <- list(...)
  for (nm in names(a)) a[[nm]] <- as_num(a[[nm]], nm)
  n <- max(lengths(a))
  if (any(lengths(a) == 0L)) n <- 0L
  lapply(a, rep_len, length.out = n)
}
