# SPDX-License-Identifier: MIT

check_scale <- function(scale, len, what) {
  if (is.null(scale)) return(NULL)
  if (!is.numeric(scale) || length(scale) != len || anyNA(scale) || any(scale != round(scale)))
    bad_input(sprintf("scale must be %d whole numbers (%s)", len, what), "scale")
  as.integer(scale)
}

survey_result <- function(what, v, scale) {
  cls <- if (what == 1L) "loy_csat" else "loy_ces"
  flags <- if (bitwAnd(as.integer(v[["flags"]]), NPS_SMALL)) "small_sample" else character()
  out <- as.list(v)
  out$flags <- flags
  out$scale <- scale
  structure(out, class = cls)
}

survey_call <- function(what, x, scale, level, invalid) {
  level <- as_level(level)
  if (is.table(x)) {
    lo <- scale[1L]
    hi <- scale[length(scale)]
    h <- hist_counts(x, lo, hi, "x")
    v <- .loy(.Call(C_survey_counts, what, h, scale, level), "x")
  } else {
    s <- score_values(x)
    fn <- if (what == 1L) C_csat else C_ces
    v <- .loy(.Call(fn, s, scale, level, invalid_flag(invalid)), "x", list(x = s))
  }
  survey_result(what, v, scale)
}

#' Customer satisfaction (CSAT) and customer effort (CES)
#'
#' `csat()`: the share of answers in the top boxes (at or above
#' `scale[2]`) with a Wilson interval; the default is top-2-box on a 1-5
#' scale. `ces()`: the mean effort rating with a normal interval and the
#' shares agreeing (at or above `scale[3]`) and disagreeing (at or below
#' `scale[2]`); the default is CES 2.0 on 1-7 (7 = strongly agree that it
#' was easy). `NA` is no answer (counted in `blanks`); other values off the
#' scale are errors naming their row unless `invalid = "skip"`.
#'
#' @param x ratings (NA: no answer), or a table of counts named by rating.
#' @param scale `c(lo, top_min, hi)` for CSAT; `c(lo, disagree_max,
#'   agree_min, hi)` for CES.
#' @param level confidence level.
#' @param invalid `"error"` or `"skip"`.
#' @return A `"loy_csat"` list (`csat`, `se`, `lower`, `upper`, `n`, `top`,
#'   `blanks`, `rejected`, `flags`) or a `"loy_ces"` list (`mean`, `sd`,
#'   `se`, `lower`, `upper`, `agree`, `disagree`, `n`, ...), with `print`
#'   and `confint` methods.
#' @examples
#' csat(c(5, 4, 4, 3, 1, 5, NA))
#' ces(c(7, 6, 5, 2, 7, 4))
#' @export
csat <- function(x, scale = c(1, 4, 5), level = 0.95, invalid = c("error", "skip")) {
  survey_call(1L, x, check_scale(scale, 3L, "lo, top_min, hi") %||% c(1L, 4L, 5L),
              level, invalid)
}

#' @rdname csat
#' @export
ces <- function(x, scale = c(1, 3, 5, 7), level = 0.95, invalid = c("error", "skip")) {
  survey_call(2L, x, check_scale(scale, 4L, "lo, disagree_max, agree_min, hi") %||%
                c(1L, 3L, 5L, 7L), level, invalid)
}

#' @rdname csat
#' @param digits digits to print.
#' @param ... unused.
#' @export
print.loy_csat <- function(x, digits = 1, ...) {
  cat(sprintf("CSAT: %s%% (%s%% Wilson CI %s%% to %s%%), top box >= %d on %d-%d\n",
              pct(x$csat, digits), format(100 * x$level, digits = 3), pct(x$lower, digits),
              pct(x$upper, digits), x$scale[2L], x$scale[1L], x$scale[3L]))
  cat(sprintf("  %s answers, %s in the top box", format(x$n, big.mark = ","),
              format(x$top, big.mark = ",")))
  if (x$blanks > 0) cat(sprintf("; %s blank", format(x$blanks, big.mark = ",")))
  if (x$rejected > 0) cat(sprintf("; %s invalid skipped", format(x$rejected, big.mark = ",")))
  cat("\n")
  if (length(x$flags)) cat("  note:", paste(x$flags, collapse = ", "), "\n")
  invisible(x)
}

#' @rdname csat
#' @export
print.loy_ces <- function(x, digits = 2, ...) {
  cat(sprintf("CES: mean %s (%s%% CI %s to %s) on %d-%d; agree %s%%, disagree %s%%\n",
              formatC(x$mean, format = "f", digits = digits), format(100 * x$level, digits = 3),
              formatC(x$lower, format = "f", digits = digits),
              formatC(x$upper, format = "f", digits = digits), x$scale[1L], x$scale[4L],
              pct(x$agree), pct(x$disagree)))
  cat(sprintf("  %s answers, sd %s", format(x$n, big.mark = ","),
              formatC(x$sd, format = "f", digits = digits)))
  if (x$blanks > 0) cat(sprintf("; %s blank", format(x$blanks, big.mark = ",")))
  if (x$rejected > 0) cat(sprintf("; %s invalid skipped", format(x$rejected, big.mark = ",")))
  cat("\n")
  if (length(x$flags)) cat("  note:", paste(x$flags, collapse = ", "), "\n")
  invisible(x)
}

#' @rdname csat
#' @param object a `"loy_csat"` or `"loy_ces"` result.
#' @param parm ignored.
#' @export
confint.loy_csat <- function(object, parm, level = object$level, ...) {
  survey_ci(object, level, 1L, "csat")
}

#' @rdname csat
#' @export
confint.loy_ces <- function(object, parm, level = object$level, ...) {
  survey_ci(object, level, 2L, "mean")
}

survey_ci <- function(object, level, what, name) {
  level <- as_level(level)
  if (level == object$level) {
    lim <- c(object$lower, object$upper)
  } else if (what == 1L) {
    # Wilson limits from n and top, through the library on a 2-bin table.
    h <- c(object$n - object$top, object$top)
    v <- .loy(.Call(C_survey_counts, 1L, h, c(0L, 1L, 1L), level), "level")
    lim <- c(v[["lower"]], v[["upper"]])
  } else {
    z <- stats::qnorm((1 + level) / 2)
    lim <- object$mean + c(-1, 1) * z * object$se
  }
  a <- (1 - level) / 2
  matrix(lim, 1L, 2L, dimnames = list(name, paste(format(100 * c(a, 1 - a), trim = TRUE,
                                                        scientific = FALSE, digits = 3), "%")))
}
