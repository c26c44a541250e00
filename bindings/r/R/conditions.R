# SPDX-License-Identifier: MIT

#' Conditions signalled by loyalty
#'
#' Every status code the C library returns becomes an R condition with a
#' class that says what went wrong, so that callers can handle the cases
#' apart with [tryCatch()] or [withCallingHandlers()]:
#'
#' * `loyalty_bad_input`: the data are wrong: a missing value where a number
#'   is needed, a score of 11 on a 0-10 scale, a negative amount, recency
#'   after the end of observation, an empty sample, a sum that would
#'   overflow (codes `LOY_EINVAL`, `LOY_ESCALE`, `LOY_ENONFINITE`,
#'   `LOY_EEMPTY`, `LOY_EORDER`, `LOY_EINCONSISTENT`, `LOY_EOVERFLOW`).
#' * `loyalty_domain`: a parameter outside its domain (a level outside
#'   (0, 1), a retention rate with no finite lifetime value) or a statistic
#'   that is undefined for these data (`LOY_EDOMAIN`, `LOY_EDEGENERATE`).
#' * `loyalty_not_converged`: an iterative computation stopped before it
#'   converged (`LOY_ENOCONV`). Fits signal it as a *warning* and return the
#'   best point found (the fit's `converged` is `FALSE`); other functions
#'   signal it as an error.
#' * `loyalty_out_of_memory` (`LOY_ENOMEM`).
#'
#' Errors also inherit from `loyalty_error`, warnings from `loyalty_warning`,
#' and both from `loyalty_condition`. The condition object carries
#' `status` (the integer code), `name` (e.g. `"LOY_ESCALE"`), `description`
#' (the library's text), `row` (the 1-based position of the first bad
#' element, `NA` when no element is to blame), `argument` (the arguments or
#' columns concerned) and `detail` (the bad row's values).
#'
#' @name loyalty-conditions
#' @examples
#' r <- tryCatch(nps(c(10, 9, 11)), loyalty_bad_input = function(e) e)
#' r$row       # 3: the score of 11
#' r$name      # "LOY_ESCALE"
#' conditionMessage(r)
NULL

# Class of the condition for a status code.
status_class <- function(status) {
  switch(as.character(status),
    "-5" = , "-10" = "loyalty_domain",
    "-6" = "loyalty_not_converged",
    "-7" = "loyalty_out_of_memory",
    "loyalty_bad_input")
}

status_text <- function(status) {
  .Call(C_status_text, as.integer(status))
}

# The outermost call of a loyalty function on the stack: the one the user
# wrote (an S3 method shows as its generic's call).
user_call <- function() {
  ns <- topenv(environment(user_call))
  for (i in seq_len(sys.nframe())) {
    env <- environment(sys.function(i))
    if (!is.null(env) && identical(topenv(env), ns))
      return(sys.call(i))
  }
  NULL
}

# One-line description of row `row` of the vectors in `rows`.
row_detail <- function(rows, row) {
  if (is.null(rows) || is.na(row)) return(NULL)
  parts <- character()
  for (nm in names(rows)) {
    v <- rows[[nm]]
    if (is.null(v) || length(v) < row) next
    parts <- c(parts, paste0(nm, " = ", format(v[row], digits = 10)))
  }
  if (length(parts) == 0L) NULL else paste(parts, collapse = ", ")
}

loyalty_condition <- function(status, row = NA_integer_, argument = NULL,
                              rows = NULL, call = user_call(),
                              warning = FALSE, message = NULL) {
  txt <- status_text(status)
  detail <- row_detail(rows, row)
  if (is.null(message)) {
    message <- sprintf("%s (%s)", txt[2], txt[1])
    if (!is.null(argument) && length(argument))
      message <- paste0(paste(argument, collapse = ", "), ": ", message)
    if (!is.na(row)) message <- paste0(message, " at row ", row)
    if (!is.null(detail)) message <- paste0(message, ": ", detail)
  }
  base <- if (warning) c("loyalty_warning", "loyalty_condition", "warning", "condition")
          else c("loyalty_error", "loyalty_condition", "error", "condition")
  structure(
    class = c(status_class(status), base),
    list(message = message, call = call, status = as.integer(status),
         name = txt[1], description = txt[2], row = as.integer(row),
         argument = argument, detail = detail))
}

# Signal the error for a failed call (a "loyalty_status" value from C).
stop_status <- function(res, argument = NULL, rows = NULL, call = user_call()) {
  stop(loyalty_condition(res[1], res[2], argument, rows, call))
}

# The result of a .Call, or the condition it stands for. `rows` is a list
# of the vectors the C function received, evaluated only on failure.
.loy <- function(res, argument = NULL, rows = NULL, call = user_call()) {
  if (inherits(res, "loyalty_status"))
    stop_status(res, argument, rows, call)
  res
}

# An input error found on the R side (wrong type, unknown column, ...).
bad_input <- function(message, argument = NULL, row = NA_integer_,
                      status = -1L, call = user_call()) {
  cond <- loyalty_condition(status, row, argument, call = call,
                            message = message)
  stop(cond)
}

# Warning for a fit that stopped before converging.
warn_not_converged <- function(what, iterations, call = user_call()) {
  msg <- sprintf("%s: the fit did not converge after %d iterations; the estimates are the best point found (see the fit's 'converged' and the control argument)",
                 what, iterations)
  warning(loyalty_condition(-6L, warning = TRUE, call = call, message = msg,
                            argument = what))
}
