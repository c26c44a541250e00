# SPDX-License-Identifier: MIT
# Shared conformance checks of fitted models (STYLE 23): names agree across
# coef, vcov and summary; confint takes numeric and character parm; logLik
# carries df and nobs so that AIC and BIC work.
expect_fit_conformance <- function(fit) {
  cf <- coef(fit)
  expect_true(is.numeric(cf) && length(cf) >= 2)
  expect_identical(dimnames(vcov(fit)), list(names(cf), names(cf)))
  sm <- summary(fit)
  expect_identical(rownames(coef(sm)), names(cf))
  expect_identical(colnames(coef(sm))[1:2], c("Estimate", "Std. Error"))
  ll <- logLik(fit)
  expect_s3_class(ll, "logLik")
  expect_identical(attr(ll, "df"), length(cf))
  expect_equal(attr(ll, "nobs"), nobs(fit))
  expect_equal(AIC(fit), -2 * as.numeric(ll) + 2 * length(cf))
  expect_equal(BIC(fit), -2 * as.numeric(ll) + log(nobs(fit)) * length(cf))
  ci <- confint(fit)
  expect_identical(rownames(ci), names(cf))
  expect_identical(colnames(ci), c("2.5 %", "97.5 %"))
  expect_equal(confint(fit, 2), confint(fit, names(cf)[2]))
  expect_equal(unname(ci[, 1]), unname(cf - qnorm(0.975) * sqrt(diag(vcov(fit)))))
  utils::capture.output(shown <- withVisible(print(fit)))
  expect_false(shown$visible)
  expect_output(print(fit), fit$label, fixed = TRUE)
  expect_output(print(sm), "Std. Error", fixed = TRUE)
  invisible(fit)
}

# The CDNOW sample of ../shared/data, as an event log (cust, date, sales),
# or a skip when it is absent. LOY_SHARED_DATA_DIR overrides the place.
cdnow_elog <- function() {
  dir <- Sys.getenv("LOY_SHARED_DATA_DIR", "")
  cands <- c(if (nzchar(dir)) file.path(dir, "cdnow", "CDNOW_sample.txt"),
             file.path("..", "..", "..", "..", "..", "shared", "data", "cdnow", "CDNOW_sample.txt"))
  f <- cands[file.exists(cands)][1]
  if (is.na(f)) skip("the CDNOW sample (../shared/data) is not present")
  raw <- utils::read.table(f, col.names = c("master", "cust", "date", "cds", "sales"))
  data.frame(cust = raw$cust, date = as.Date(as.character(raw$date), "%Y%m%d"),
             sales = raw$sales)
}
