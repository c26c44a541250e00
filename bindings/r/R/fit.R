# SPDX-License-Identifier: MIT

# Models: label, parameter names, model code of the C table (count models).
# rate, dropout: the parameters of each mixing distribution and the name of
# the value they collapse to at a limit of the family (libloyalty 1.1).
model_info <- list(
  bgnbd = list(label = "BG/NBD", params = c("r", "alpha", "a", "b"), code = 1L,
               rate = list(1:2, "lambda"), dropout = list(3:4, "p")),
  pnbd = list(label = "Pareto/NBD", params = c("r", "alpha", "s", "beta"), code = 2L,
              rate = list(1:2, "lambda"), dropout = list(3:4, "mu")),
  mbgnbd = list(label = "MBG/NBD", params = c("r", "alpha", "a", "b"), code = 3L,
                rate = list(1:2, "lambda"), dropout = list(3:4, "p")),
  bgbb = list(label = "BG/BB", params = c("alpha", "beta", "gamma", "delta"), code = 4L,
              rate = list(1:2, "p"), dropout = list(3:4, "theta")),
  ggamma = list(label = "Gamma-Gamma", params = c("p", "q", "gamma"),
                rate = list(2:3, "nu")),
  sbg = list(label = "sBG", params = c("alpha", "beta"), dropout = list(1:2, "theta"))
)

# Names of the reduced model's parameters at a limit (see btyd.h: the
# model's own order, each collapsed distribution replaced by its value).
reduced_names <- function(model, limit, k) {
  info <- model_info[[model]]
  out <- info$params
  if (model == "ggamma" && "fixed_spend" %in% limit) {
    out <- c("q", "g")
  } else {
    if ("fixed_rate" %in% limit && !is.null(info$rate)) {
      out[info$rate[[1]]] <- c(info$rate[[2]], rep(NA, length(info$rate[[1]]) - 1L))
    }
    if ("fixed_dropout" %in% limit && !is.null(info$dropout)) {
      out[info$dropout[[1]]] <- c(info$dropout[[2]], rep(NA, length(info$dropout[[1]]) - 1L))
    }
    if ("no_dropout" %in% limit && !is.null(info$dropout)) out[info$dropout[[1]]] <- NA
    out <- out[!is.na(out)]
  }
  if (length(out) != k) out <- paste0("theta", seq_len(k))
  out
}

# Fit flags (loy_fit_options::flags) and report flags.
FIT_NO_COMPRESS <- 1
FIT_COMPRESS <- 2
FIT_NO_SE <- 4
FIT_NO_LIMITS <- 8
report_flag_names <- c(limit = 1L, boundary = 2L, no_se = 4L, max_iter = 8L,
                       max_evals = 16L)
limit_names <- c(no_dropout = 1L, fixed_dropout = 2L, fixed_rate = 4L,
                 fixed_spend = 8L)

#' Control of a maximum-likelihood fit
#'
#' Options shared by every model fit ([bgnbd()], [pnbd()], [mbgnbd()],
#' [bgbb()], [ggamma()], [sbg()]). The objective is the mean negative
#' log-likelihood per customer plus `penalty * sum(params^2)`, minimised
#' by BFGS on the log-parameters with an analytic gradient.
#'
#' @param penalty L2 penalty on the parameters (lifetimes'
#'   `penalizer_coef`), `>= 0`; 0 is maximum likelihood.
#' @param gtol convergence tolerance: largest absolute gradient of the
#'   objective with respect to the log-parameters (0: the library's 1e-9).
#' @param max_iter iteration cap (0: 500).
#' @param compress `NA` (compress identical customers into weighted
#'   patterns when it pays), `TRUE` (always) or `FALSE` (never).
#' @param se compute standard errors and the covariance matrix.
#' @param limits when the data carry no sign of one of the model's mixing
#'   distributions, fit the limit of the family (e.g. no dropout) and say so
#'   instead of walking parameters to infinity (needs libloyalty 1.1; `TRUE`
#'   is the default there and ignored by older libraries).
#' @param max_evals cap on likelihood evaluations (0: the library's
#'   default; libloyalty 1.1).
#' @return A list for the `control` argument of the fitting functions.
#' @examples
#' fit_control(penalty = 0.001)
#' @export
fit_control <- function(penalty = 0, gtol = 0, max_iter = 0, compress = NA,
                        se = TRUE, limits = TRUE, max_evals = 0) {
  if (!is.numeric(penalty) || length(penalty) != 1L || is.na(penalty) || penalty < 0)
    bad_input("penalty must be a single number >= 0", "penalty")
  if (!is.numeric(gtol) || length(gtol) != 1L || is.na(gtol) || gtol < 0)
    bad_input("gtol must be a single number >= 0", "gtol")
  if (!is.logical(compress) || length(compress) != 1L)
    bad_input("compress must be NA, TRUE or FALSE", "compress")
  flags <- 0
  if (isTRUE(compress)) flags <- flags + FIT_COMPRESS
  if (identical(compress, FALSE)) flags <- flags + FIT_NO_COMPRESS
  if (!isTRUE(se)) flags <- flags + FIT_NO_SE
  if (!isTRUE(limits)) flags <- flags + FIT_NO_LIMITS
  structure(list(penalty = as.double(penalty), gtol = as.double(gtol),
                 max_iter = ctrl_num(max_iter, "max_iter"),
                 flags = flags, max_evals = ctrl_num(max_evals, "max_evals")),
            class = "loy_fit_control")
}

control_vector <- function(control) {
  if (is.null(control)) control <- fit_control()
  if (!inherits(control, "loy_fit_control")) control <- do.call(fit_control, control)
  flags <- control$flags
  lib11 <- library_has_limits()
  # A 1.0 library knows neither the limits flag nor the evaluation cap.
  if (!lib11) {
    if (flags >= FIT_NO_LIMITS) flags <- flags - FIT_NO_LIMITS
    if (control$max_evals != 0)
      bad_input("max_evals needs libloyalty 1.1 (this one has no evaluation cap)",
                "max_evals")
  }
  c(control$penalty, control$gtol, control$max_iter, flags, control$max_evals)
}

# Whether the library reports limits and flags (libloyalty 1.1 headers).
library_has_limits <- function() isTRUE(.Call(C_version)$fit_limits)

check_params <- function(params, model) {
  nm <- model_info[[model]]$params
  if (!is.numeric(params) || length(params) != length(nm))
    bad_input(sprintf("params must be %d numbers (%s)", length(nm),
                      paste(nm, collapse = ", ")), "params")
  if (!is.null(names(params)) && all(nzchar(names(params)))) {
    if (!setequal(names(params), nm))
      bad_input(sprintf("params must be named %s", paste(nm, collapse = ", ")), "params")
    params <- params[nm]
  }
  bad <- which(!is.finite(params) | params <= 0)
  if (length(bad))
    bad_input(sprintf("params: %s must be a finite number > 0", nm[bad[1L]]),
              "params", status = -5L)
  setNames(as.double(params), nm)
}

# The fitted-model object shared by every model.
new_fit <- function(model, res, data, call, extra = list()) {
  info <- model_info[[model]]
  nm <- info$params
  k <- length(nm)
  coefs <- setNames(res$params, nm)
  se <- setNames(res$se, nm)
  V <- res$cov
  if (is.null(V) || length(V) != k * k) V <- matrix(NA_real_, k, k)
  V[!is.finite(V)] <- NA_real_
  se[!is.finite(se)] <- NA_real_
  dimnames(V) <- list(nm, nm)
  flags <- res$flags %||% NA_integer_
  limit <- decode_bits(res$limit %||% NA_integer_, limit_names)
  reduced <- res$reduced %||% numeric()
  reduced_se <- res$reduced_se %||% numeric()
  if (length(reduced)) {
    rn <- reduced_names(model, limit, length(reduced))
    names(reduced) <- rn
    names(reduced_se) <- rn
    reduced_se[!is.finite(reduced_se)] <- NA_real_
  }
  fit <- c(list(
    coefficients = coefs, se = se, vcov = V,
    loglik = res$loglik, nobs = res$n_customers, n_rows = res$n_rows,
    iterations = res$iterations, evaluations = res$evaluations,
    grad_norm = res$grad_norm, converged = identical(res$status, 0L),
    status = res$status, flags = flags,
    flag_names = decode_bits(flags, report_flag_names),
    limit = limit, reduced = reduced, reduced_se = reduced_se,
    fitted_by = "loyalty", model = model, label = info$label,
    data = data, call = call), extra)
  structure(fit, class = c(paste0("loy_", model), "loy_fit"))
}

decode_bits <- function(v, table) {
  if (is.null(v) || is.na(v)) return(NA_character_)
  names(table)[bitwAnd(as.integer(v), table) != 0L]
}

# A model with given parameters (no fit): for predictions with published
# or stored parameters.
params_fit <- function(model, params, data, call, loglik = NA_real_, nobs = NA_real_,
                       extra = list()) {
  k <- length(params)
  res <- list(params = unname(params), se = rep(NA_real_, k),
              cov = matrix(NA_real_, k, k), loglik = loglik, n_customers = nobs,
              n_rows = nobs, iterations = 0L, evaluations = 0L, grad_norm = NA_real_,
              status = 0L, flags = NA_integer_, limit = NA_integer_)
  fit <- new_fit(model, res, data, call, extra)
  fit$fitted_by <- "given"
  fit
}

after_fit <- function(fit) {
  if (!fit$converged) warn_not_converged(fit$label, fit$iterations)
  fit
}

#' Methods for fitted loyalty models
#'
#' Fitted models of every kind ([bgnbd()], [pnbd()], [mbgnbd()], [bgbb()],
#' [ggamma()], [sbg()]) are S3 objects of class `c("loy_<model>",
#' "loy_fit")` with the methods of R's `stats` package: `coef()` (named
#' estimates), `vcov()` (covariance from the observed information, with the
#' coefficient names as dimnames), `logLik()` (with `df` and `nobs`, so
#' [AIC()] and [BIC()] work), `nobs()` (customers: the sum of the
#' weights), `confint()` (Wald intervals, `parm` by name or position),
#' `summary()` (estimates, standard errors and intervals, printed with
#' [printCoefmat()]), `print()`, `fitted()`, `predict()` and `plot()`
#' (see each model's page).
#'
#' A fit that stopped before converging carries `converged = FALSE` and
#' was announced by a `loyalty_not_converged` warning. With libloyalty 1.1
#' `flag_names` lists the caveats the library reported (`"limit"`: the
#' maximum lies at a limit of the family, named in `limit`, with the
#' reduced model's estimates in `reduced`; `"boundary"`; `"no_se"`;
#' `"max_iter"`; `"max_evals"`).
#'
#' @param object,x a fitted model.
#' @param parm parameters (names or positions); all by default.
#' @param level confidence level.
#' @param digits significant digits to print.
#' @param ... unused.
#' @return `coef()` a named vector; `vcov()` a matrix; `logLik()` a
#'   `"logLik"` object; `nobs()` a number; `confint()` a matrix with columns
#'   named by the percentages; `summary()` a `"summary.loy_fit"` object
#'   whose `coefficients` matrix has columns `Estimate`, `Std. Error` and
#'   the interval limits.
#' @name loy_fit
#' @examples
#' cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"))
#' m <- bgnbd(cbs)
#' coef(m)
#' confint(m, "r")
#' AIC(m, pnbd(cbs))
#' summary(m)
NULL

#' @rdname loy_fit
#' @export
coef.loy_fit <- function(object, ...) object$coefficients

#' @rdname loy_fit
#' @export
vcov.loy_fit <- function(object, ...) object$vcov

#' @rdname loy_fit
#' @export
logLik.loy_fit <- function(object, ...) {
  structure(object$loglik, df = length(object$coefficients), nobs = object$nobs,
            class = "logLik")
}

#' @rdname loy_fit
#' @export
nobs.loy_fit <- function(object, ...) object$nobs

#' @rdname loy_fit
#' @export
confint.loy_fit <- function(object, parm, level = 0.95, ...) {
  cf <- coef(object)
  pnames <- names(cf)
  if (missing(parm)) parm <- pnames
  else if (is.numeric(parm)) parm <- pnames[parm]
  if (anyNA(parm) || !all(parm %in% pnames))
    bad_input("parm must name or number parameters of the model", "parm")
  level <- as_level(level)
  if (level <= 0 || level >= 1) bad_input("level must lie in (0, 1)", "level", status = -5L)
  a <- (1 - level) / 2
  z <- stats::qnorm(1 - a)
  se <- sqrt(diag(vcov(object)))[parm]
  ci <- cbind(cf[parm] - z * se, cf[parm] + z * se)
  dimnames(ci) <- list(parm, paste(format(100 * c(a, 1 - a), trim = TRUE,
                                          scientific = FALSE, digits = 3), "%"))
  ci
}

#' @rdname loy_fit
#' @export
print.loy_fit <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(x$label, if (identical(x$fitted_by, "given")) " model (given parameters)\n" else " fit\n",
      sep = "")
  if (!is.null(x$call)) cat("Call: ", paste(deparse(x$call), collapse = "\n"), "\n", sep = "")
  cat("\nCoefficients:\n")
  print.default(format(coef(x), digits = digits), print.gap = 2L, quote = FALSE)
  cat("\n")
  fit_footer(x, digits)
  invisible(x)
}

fit_footer <- function(x, digits, loglik = TRUE) {
  if (loglik && !is.na(x$loglik))
    cat(sprintf("Log-likelihood: %s (df = %d)   AIC: %s\n",
                format(x$loglik, digits = digits + 3L), length(x$coefficients),
                format(stats::AIC(x), digits = digits + 3L)))
  if (!is.na(x$nobs))
    cat(sprintf("Customers: %s", format(x$nobs, big.mark = ",")),
        if (x$model != "sbg" && !is.na(x$n_rows) && x$n_rows != x$nobs)
          sprintf(" (%s distinct patterns)", format(x$n_rows, big.mark = ",")),
        "\n", sep = "")
  if (!is.null(x$n_dropped) && x$n_dropped > 0)
    cat(sprintf("Left out: %d customers without repeat purchases\n", x$n_dropped))
  if (identical(x$fitted_by, "loyalty")) {
    if (!x$converged)
      cat(sprintf("NOT CONVERGED after %d iterations: the estimates are the best point found\n",
                  x$iterations))
    flags <- setdiff(x$flag_names, c(NA, "limit"))
    if (length(flags)) cat("Caveats:", paste(flags, collapse = ", "), "\n")
    if (!all(is.na(x$limit)) && length(x$limit)) {
      cat("The maximum lies at a limit of the family (", paste(x$limit, collapse = ", "),
          ").\nThe coefficients are a point of the full family that reproduces the reduced model:\n",
          sep = "")
      if (length(x$reduced)) {
        red <- cbind(Estimate = x$reduced, `Std. Error` = x$reduced_se)
        print(signif(red, digits))
      } else {
        cat("  (no parameter left)\n")
      }
    }
  }
  invisible(NULL)
}

#' @rdname loy_fit
#' @export
summary.loy_fit <- function(object, level = 0.95, ...) {
  cf <- coef(object)
  se <- sqrt(diag(vcov(object)))
  at_limit <- "limit" %in% object$flag_names
  if (identical(object$fitted_by, "loyalty") && any(is.na(se)) && !at_limit)
    warning(loyalty_condition(-10L, warning = TRUE,
            message = "standard errors are not available (the observed information is singular or was not computed): NA"))
  ci <- suppressWarnings(confint(object, level = level))
  tab <- cbind(Estimate = cf, `Std. Error` = se, ci)
  structure(list(label = object$label, call = object$call, coefficients = tab,
                 loglik = object$loglik, df = length(cf), nobs = object$nobs,
                 aic = if (is.na(object$loglik)) NA_real_ else stats::AIC(object),
                 bic = if (is.na(object$loglik) || is.na(object$nobs)) NA_real_ else stats::BIC(object),
                 iterations = object$iterations, grad_norm = object$grad_norm,
                 converged = object$converged, flag_names = object$flag_names,
                 limit = object$limit, reduced = object$reduced,
                 reduced_se = object$reduced_se, fitted_by = object$fitted_by,
                 fit = object),
            class = "summary.loy_fit")
}

#' @rdname loy_fit
#' @export
coef.summary.loy_fit <- function(object, ...) object$coefficients

#' @rdname loy_fit
#' @export
print.summary.loy_fit <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(x$label, "fit\n")
  if (!is.null(x$call)) cat("Call: ", paste(deparse(x$call), collapse = "\n"), "\n", sep = "")
  cat("\nCoefficients:\n")
  stats::printCoefmat(x$coefficients, digits = digits, cs.ind = 1:4, tst.ind = integer(),
                      has.Pvalue = FALSE, na.print = "NA")
  cat("\n")
  if (!is.na(x$loglik))
    cat(sprintf("Log-likelihood: %s on %d df   AIC: %s   BIC: %s\n",
                format(x$loglik, digits = digits + 3L), x$df,
                format(x$aic, digits = digits + 3L), format(x$bic, digits = digits + 3L)))
  if (identical(x$fitted_by, "loyalty"))
    cat(sprintf("Optimisation: %s after %d iterations (max |gradient| %s)\n",
                if (x$converged) "converged" else "NOT converged", x$iterations,
                format(x$grad_norm, digits = 3L)))
  fit_footer(x$fit, digits, loglik = FALSE)
  invisible(x)
}

# Per-customer columns of a count model: list(x, t_x, T, names).
count_columns <- function(data, x, t_x, T, labels, candidates) {
  cx <- resolve_column(data, x, candidates[[1]], labels[1])
  ct <- resolve_column(data, t_x, candidates[[2]], labels[2])
  cT <- resolve_column(data, T, candidates[[3]], labels[3])
  vx <- as_num(cx$value, cx$name)
  vt <- as_num(ct$value, ct$name)
  vT <- as_num(cT$value, cT$name)
  if (length(vt) != length(vx) || length(vT) != length(vx))
    bad_input(sprintf("%s, %s and %s must have one length", cx$name, ct$name, cT$name),
              c(cx$name, ct$name, cT$name))
  list(x = vx, t_x = vt, T = vT, names = c(cx$name, ct$name, cT$name))
}

cols_rows <- function(cols) setNames(list(cols$x, cols$t_x, cols$T), cols$names)

weights_column <- function(data, weights, n, candidates = character()) {
  if (is.null(weights) && length(candidates) && !is.null(data)) {
    w <- resolve_column(data, NULL, candidates, "weights", required = FALSE)
    if (is.null(w$value)) return(NULL)
    return(as_num(w$value, w$name))
  }
  if (is.null(weights)) return(NULL)
  w <- resolve_column(data, weights, character(), "weights")
  v <- as_num(w$value, w$name)
  if (length(v) != n) bad_input("weights must have one value per row", "weights")
  v
}
