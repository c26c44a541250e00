# SPDX-License-Identifier: MIT
# Lifetime models: conformance of the S3 methods, predictions, given
# parameters, errors and non-convergence, and CDNOW's published estimates.

cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"),
                   observation_end = as.Date("1998-06-30"))

test_that("every model fits and has the stats methods", {
  for (fit in list(bgnbd(cbs), pnbd(cbs), mbgnbd(cbs), ggamma(cbs), bgbb(donations_sim),
                   sbg(c(100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1)))) {
    expect_s3_class(fit, "loy_fit")
    expect_true(fit$converged)
    expect_fit_conformance(fit)
  }
  expect_identical(names(coef(bgnbd(cbs))), c("r", "alpha", "a", "b"))
  expect_identical(names(coef(pnbd(cbs))), c("r", "alpha", "s", "beta"))
  expect_identical(names(coef(ggamma(cbs))), c("p", "q", "gamma"))
  expect_identical(names(coef(bgbb(donations_sim))), c("alpha", "beta", "gamma", "delta"))
  expect_equal(nobs(bgbb(donations_sim)), 11104)
  expect_equal(nobs(bgnbd(cbs)), 1000)
  tab <- AIC(bgnbd(cbs), pnbd(cbs), mbgnbd(cbs))
  expect_equal(nrow(tab), 3)
})

test_that("the fit is the maximum of the log-likelihood it reports", {
  m <- bgnbd(cbs)
  at <- bgnbd(cbs, params = coef(m))
  expect_equal(as.numeric(logLik(at)), as.numeric(logLik(m)), tolerance = 1e-12)
  expect_equal(sum(predict(m, type = "loglik")), as.numeric(logLik(m)), tolerance = 1e-10)
  moved <- bgnbd(cbs, params = coef(m) * c(1.01, 1, 1, 1))
  expect_lt(as.numeric(logLik(moved)), as.numeric(logLik(m)))
  # compression does not change the estimate
  nc <- bgnbd(cbs, control = fit_control(compress = FALSE))
  expect_equal(coef(nc), coef(m), tolerance = 1e-6)
  # weights: patterns with counts give the per-customer fit
  pat <- aggregate(list(n = rep(1, nrow(cbs))), cbs[c("x", "t.x", "T.cal")], sum)
  w <- bgnbd(pat, weights = "n")
  expect_equal(coef(w), coef(m), tolerance = 1e-6)
  expect_equal(nobs(w), 1000)
})

test_that("columns can be given as vectors or names, lifetimes names are found", {
  a <- bgnbd(cbs)
  b <- bgnbd(x = cbs$x, t_x = cbs$t.x, T = cbs$T.cal)
  expect_equal(coef(a), coef(b))
  lt <- data.frame(frequency = cbs$x, recency = cbs$t.x, T = cbs$T.cal)
  expect_equal(coef(bgnbd(lt)), coef(a))
  expect_error(bgnbd(data.frame(y = 1)), "no x column", class = "loyalty_bad_input")
})

test_that("predictions agree with their definitions", {
  m <- bgnbd(cbs)
  pa <- predict(m, type = "palive")
  expect_true(all(pa[cbs$x == 0] == 1))
  expect_true(all(pa >= 0 & pa <= 1))
  all <- predict(m, type = "all", t = 10)
  expect_equal(all$palive, pa)
  expect_equal(all$expected, predict(m, type = "expected", t = 10))
  expect_identical(names(all)[1], "cust")
  # CET grows with the horizon; E[X(0)] = 0
  expect_true(all(predict(m, t = 20) >= predict(m, t = 10)))
  expect_equal(expected_new(m, 0), 0)
  # DERT is the CLV with margin 1; the CLV scales with the margin
  d <- discount_rate(0.15, 52)
  expect_equal(predict(m, type = "clv", margin = 1, discount = d),
               predict(m, type = "dert", discount = d))
  expect_equal(predict(m, type = "clv", margin = 3, discount = d),
               3 * predict(m, type = "dert", discount = d))
  gg <- ggamma(cbs)
  expect_equal(predict(m, type = "clv", margin = gg, discount = d),
               predict(m, type = "dert", discount = d) * predict(gg, cbs))
  # lifetimes' monthly CLV: d = 0, one month = margin * CET(f)
  f <- 30 / 7
  expect_equal(predict(m, type = "clv_monthly", margin = 2, discount = 0, months = 1,
                       periods_per_month = f),
               2 * predict(m, type = "expected", t = f))
  # newdata
  nd <- data.frame(x = c(0, 2, 10), t.x = c(0, 10, 30), T.cal = c(30, 30, 30))
  expect_length(predict(m, nd, type = "palive"), 3)
  # the pmf sums to 1
  expect_equal(sum(purchase_pmf(m, 39, 0:400)), 1, tolerance = 1e-8)
  # fitted: expected repeat purchases over each customer's window
  expect_equal(fitted(m), expected_new(m, cbs$T.cal))
  expect_equal(sum(fitted(m)), sum(cbs$x), tolerance = 0.05)

  p <- pnbd(cbs)
  expect_equal(predict(p, type = "palive_at", t = 0), predict(p, type = "palive"))
  expect_true(all(predict(p, type = "palive_at", t = 10) <= predict(p, type = "palive")))
  expect_equal(predict(p, type = "clv", margin = 5, discount = d),
               5 * predict(p, type = "dert", discount = d))
  mb <- mbgnbd(cbs)
  expect_true(all(predict(mb, type = "palive")[cbs$x == 0] < 1))

  b <- bgbb(donations_sim)
  expect_equal(sum(purchase_pmf(b, 6, 0:6)), 1, tolerance = 1e-12)
  expect_length(predict(b, type = "expected", t = 5), 22)
  expect_true(all(predict(b, type = "palive") <= 1))
})

test_that("Gamma-Gamma leaves out customers without repeat purchases", {
  gg <- ggamma(cbs)
  expect_equal(gg$n_dropped, sum(cbs$x == 0))
  expect_equal(nobs(gg), sum(cbs$x > 0))
  sp <- predict(gg, cbs)
  expect_equal(sp[cbs$x == 0], rep(gg$population_mean, sum(cbs$x == 0)))
  p <- coef(gg)
  expect_equal(gg$population_mean, unname(p["p"] * p["gamma"] / (p["q"] - 1)))
  expect_true(is.finite(spend_correlation(cbs)))
  bad <- cbs
  bad$m.x[which(cbs$x > 0)[3]] <- -1
  e <- expect_error(ggamma(bad), class = "loyalty_bad_input")
  expect_identical(e$row, which(cbs$x > 0)[3])
})

test_that("given parameters make a model without fitting", {
  m <- bgnbd(params = c(r = 0.243, alpha = 4.414, a = 0.793, b = 2.426))
  expect_identical(m$fitted_by, "given")
  expect_true(all(is.na(vcov(m))))
  expect_equal(expected_new(m, 0), 0)
  expect_output(print(m), "given parameters")
  expect_error(predict(m, type = "palive"), "no data", class = "loyalty_bad_input")
  expect_length(predict(m, cbs, type = "palive"), 1000)
  # names in another order are reordered; bad values are domain errors
  m2 <- bgnbd(params = c(b = 2.426, a = 0.793, alpha = 4.414, r = 0.243))
  expect_equal(coef(m2), coef(m))
  e <- expect_error(bgnbd(params = c(r = -1, alpha = 1, a = 1, b = 1)), class = "loyalty_domain")
  expect_error(pnbd(params = 1:3), class = "loyalty_bad_input")
})

test_that("bad customers are errors with the row and its values", {
  bad <- cbs
  bad$t.x[5] <- 99
  e <- expect_error(bgnbd(bad), class = "loyalty_bad_input")
  expect_identical(e$row, 5L)
  expect_identical(e$name, "LOY_EINCONSISTENT")
  expect_match(conditionMessage(e), "x, t.x, T.cal: inconsistent records", fixed = TRUE)
  expect_match(conditionMessage(e), "t.x = 99", fixed = TRUE)
  e <- expect_error(predict(bgnbd(cbs), bad, type = "palive"), class = "loyalty_bad_input")
  expect_identical(e$row, 5L)
  bad <- cbs
  bad$x[7] <- 1.5
  e <- expect_error(pnbd(bad), class = "loyalty_bad_input")
  expect_identical(c(e$row, e$status), c(7L, -2L))
  bad$x[7] <- NA
  e <- expect_error(mbgnbd(bad), class = "loyalty_bad_input")
  expect_identical(e$name, "LOY_ENONFINITE")
  expect_error(predict(bgnbd(cbs), type = "expected", t = -1), class = "loyalty_domain")
  expect_error(bgnbd(cbs, control = list(penalty = -1)), class = "loyalty_bad_input")
})

test_that("a fit that stops early warns and says so", {
  w <- expect_warning(m <- bgnbd(cbs, control = fit_control(max_iter = 2)),
                      class = "loyalty_not_converged")
  expect_false(m$converged)
  expect_output(print(m), "NOT CONVERGED")
  expect_s3_class(w, "loyalty_warning")
})

test_that("sBG: cohort and tenure fits agree, curves are consistent", {
  s <- sbg(c(100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1))
  expect_equal(unname(coef(s)), c(0.7041, 1.1820), tolerance = 1e-3)
  surv <- predict(s, type = "survival", t = 0:7)
  expect_equal(surv[1], 1)
  expect_equal(predict(s, type = "retention", t = 1:7), surv[-1] / surv[-8])
  expect_equal(predict(s, type = "churn", t = 1:7), surv[-8] - surv[-1])
  expect_equal(fitted(s), 100 * surv)
  # the cohort expanded to individuals gives the same fit
  lost <- -diff(c(1000, 631, 468, 382, 326, 289, 262, 241))
  ten <- c(rep(1:7, lost), rep(7, 241))
  cen <- c(rep(FALSE, sum(lost)), rep(TRUE, 241))
  expect_equal(coef(sbg(tenure = ten, censored = cen)),
               coef(sbg(c(1000, 631, 468, 382, 326, 289, 262, 241))), tolerance = 1e-6)
  # DEL at d = 0 is E[T] for alpha > 1
  g <- sbg(params = c(alpha = 3, beta = 4))
  expect_equal(predict(g, type = "del", discount = 0), (3 + 4 - 1) / (3 - 1))
  expect_error(predict(sbg(params = c(alpha = 0.5, beta = 4)), type = "del", discount = 0),
               class = "loyalty_domain")
  expect_error(sbg(c(100, 120, 50)), class = "loyalty_bad_input")
})

test_that("CDNOW: the published estimates (FHL 2005, lifetimes, CLVTools)", {
  elog <- cdnow_elog()
  s <- rfm_summary(elog, calibration_end = as.Date("1997-09-30"),
                   observation_end = as.Date("1998-06-30"))
  m <- bgnbd(s)
  expect_equal(unname(coef(m)), c(0.243, 4.414, 0.793, 2.426), tolerance = 2e-3)
  expect_equal(as.numeric(logLik(m)), -9582.4, tolerance = 1e-5)
  p <- pnbd(s)
  expect_equal(unname(coef(p)), c(0.553, 10.578, 0.606, 11.669), tolerance = 2e-3)
  expect_equal(as.numeric(logLik(p)), -9595.0, tolerance = 1e-5)
  expect_equal(unname(coef(mbgnbd(s))), c(0.525, 6.183, 0.891, 1.614), tolerance = 2e-3)
  expect_equal(unname(coef(ggamma(s))), c(6.25, 3.74, 15.44), tolerance = 2e-3)
})

test_that("printed fits", {
  m <- bgnbd(cbs)
  expect_snapshot(print(m, digits = 3))
  # The optimiser's path (iterations, final gradient) is not pinned.
  expect_snapshot(print(summary(m), digits = 3),
                  transform = function(x) sub("after [0-9]+ iterations.*", "after N iterations", x))
})

test_that("a fit at a limit of the family says so (libloyalty 1.1)", {
  skip_if_not(isTRUE(loyalty:::library_has_limits()), "this libloyalty reports no limits (1.0)")
  set.seed(3)
  n <- 2000
  T <- runif(n, 20, 40)
  x <- rpois(n, 0.3 * T)
  tx <- ifelse(x > 0, T * rbeta(n, pmax(x, 1), 1), 0)
  m <- bgnbd(x = x, t_x = tx, T = T)
  expect_true("limit" %in% m$flag_names)
  expect_true(all(c("no_dropout", "fixed_rate") %in% m$limit))
  expect_named(m$reduced, "lambda")
  # everyone buys at one rate and nobody leaves: the Poisson estimate
  expect_equal(unname(m$reduced), sum(x) / sum(T), tolerance = 1e-6)
  expect_output(print(m), "limit of the family")
  expect_silent(s <- summary(m))
  m2 <- bgnbd(x = x, t_x = tx, T = T, control = fit_control(limits = FALSE))
  expect_false("limit" %in% m2$flag_names)
})
