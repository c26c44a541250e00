# SPDX-License-Identifier: MIT
# Key-driver analysis against R's own regressions (and relaimpo when it is
# installed), PRCA and IPA by their definitions, errors with row and column.

att <- c("taste", "freshness", "value", "delivery", "app")
complete_rows <- stats::complete.cases(survey[c("score", att)])
sv <- survey[complete_rows, ]

test_that("linear: R2, coefficients and tests equal lm()", {
  d <- drivers(survey, "score", att, missing = "listwise")
  fit <- stats::lm(stats::reformulate(att, "score"), data = sv)
  s <- summary(fit)
  expect_equal(d$stats[["n"]], nrow(sv))
  expect_equal(d$r2, s$r.squared, tolerance = 1e-10)
  expect_equal(d$stats[["r2_adj"]], s$adj.r.squared, tolerance = 1e-10)
  expect_equal(unname(coef(d)), unname(coef(fit)[att]), tolerance = 1e-9)
  expect_equal(d$coefficients$se, unname(s$coefficients[att, 2]), tolerance = 1e-9)
  expect_equal(d$coefficients$t, unname(s$coefficients[att, 3]), tolerance = 1e-8)
  # LMG sums to R2, shares to 1, first is the squared correlation
  expect_equal(sum(d$importance$lmg), d$r2, tolerance = 1e-12)
  expect_equal(sum(d$importance$lmg_share), 1, tolerance = 1e-12)
  expect_equal(d$importance$first, unname(stats::cor(sv[att], sv$score)[, 1]^2), tolerance = 1e-10)
  expect_identical(rownames(d$dominance$general), att)
  expect_output(print(d), "Key-driver analysis")
  expect_output(print(summary(d)), "General dominance")
})

test_that("LMG equals relaimpo's", {
  skip_if_not_installed("relaimpo")
  d <- drivers(survey, "score", att, missing = "listwise")
  r <- relaimpo::calc.relimp(stats::lm(stats::reformulate(att, "score"), data = sv),
                             type = c("lmg", "last", "first", "betasq", "pratt", "car"),
                             rela = FALSE)
  expect_equal(d$importance$lmg, unname(r@lmg), tolerance = 1e-10)
  expect_equal(d$importance$last, unname(r@last), tolerance = 1e-10)
  expect_equal(d$coefficients$pratt, unname(r@pratt), tolerance = 1e-10)
  expect_equal(d$coefficients$car, unname(r@car), tolerance = 1e-10)
})

test_that("weights, groups, covariates and pairwise deletion", {
  w <- drivers(survey, "score", att, weights = "weight", missing = "listwise")
  fit <- stats::lm(stats::reformulate(att, "score"), data = sv, weights = sv$weight)
  expect_equal(w$r2, summary(fit)$r.squared, tolerance = 1e-10)
  g <- drivers(survey, "score", att, missing = "listwise",
               groups = list(product = c("taste", "freshness", "value"),
                             service = c("delivery", "app")))
  expect_identical(g$importance$player, c("product", "service"))
  expect_equal(sum(g$importance$lmg), g$r2, tolerance = 1e-12)
  a <- drivers(survey, "score", c("taste", "value"), always = "delivery", missing = "listwise")
  expect_equal(sum(a$importance$lmg), a$stats[["r2_decomp"]], tolerance = 1e-12)
  expect_gt(a$stats[["r2_always"]], 0)
  p <- drivers(survey, "score", att, missing = "pairwise")
  expect_gt(p$stats[["n"]], 0)
})

test_that("jackknife and bootstrap intervals", {
  j <- drivers(survey, "score", att, missing = "listwise", intervals = "jackknife",
               replicates = 8)
  expect_true(all(j$importance$share_lower < j$importance$lmg_share &
                    j$importance$lmg_share < j$importance$share_upper))
  expect_equal(dim(confint(j)), c(5L, 2L))
  b <- drivers(survey, "score", att, missing = "listwise", intervals = "bootstrap",
               replicates = 50, seed = 7)
  b2 <- drivers(survey, "score", att, missing = "listwise", intervals = "bootstrap",
                replicates = 50, seed = 7)
  expect_identical(b$importance, b2$importance)
  expect_equal(dim(b$topk), c(5L, 5L))
  expect_true(all(abs(b$topk[, 5] - 1) < 1e-12))
  expect_error(confint(drivers(survey, "score", att, missing = "listwise")),
               class = "loyalty_domain")
})

test_that("logistic and ordinal outcomes match glm()", {
  s2 <- transform(sv, promoter = score >= 9)
  l <- drivers(s2, "promoter", c("taste", "value", "delivery"), model = "logistic")
  g <- stats::glm(promoter ~ taste + value + delivery, data = s2, family = stats::binomial)
  expect_equal(unname(coef(l)), unname(coef(g)[-1]), tolerance = 1e-6)
  expect_equal(l$stats[["loglik"]], as.numeric(stats::logLik(g)), tolerance = 1e-8)
  expect_equal(sum(l$importance$lmg), l$r2, tolerance = 1e-10)
  s2$cls <- nps_class(s2$score)
  o <- drivers(s2, "cls", c("taste", "value", "delivery"), model = "ordinal")
  expect_equal(o$stats[["categories"]], 3)
  expect_true(all(o$coefficients$beta > 0))
  expect_error(drivers(s2, "cls", "taste", model = "logistic"), class = "loyalty_bad_input")
})

test_that("PRCA classes the planted factors; IPA follows its definitions", {
  pr <- prca(survey, "score", att, missing = "listwise")
  expect_s3_class(pr, "loy_prca")
  expect_identical(as.character(pr$class[pr$attribute == "delivery"]), "basic")
  expect_identical(as.character(pr$class[pr$attribute == "app"]), "excitement")
  expect_equal(pr$asymmetry, pr$penalty - pr$reward, tolerance = 1e-12)
  d <- drivers(survey, "score", att, missing = "listwise")
  m <- ipa(d, survey)
  perf <- vapply(att, function(a) 100 * mean(survey[[a]], na.rm = TRUE) / 10, 0)
  expect_equal(m$performance, unname(perf), tolerance = 1e-12)
  expect_equal(m$importance, d$importance$lmg_share / sum(d$importance$lmg_share))
  expect_equal(m$opportunity, m$importance * (100 - m$performance) / 100)
  expect_equal(attr(m, "cuts")[["importance"]], 1 / 5)
  expect_true(all(m$quadrant[m$importance >= 0.2 & m$performance < mean(m$performance)] ==
                    "priority fix"))
  k <- ipa(d, survey, kano = pr)
  expect_true("kano" %in% names(k))
  expect_output(print(k), "Importance-performance")
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(k))
  expect_silent(plot(d))
})

test_that("missing and bad values are errors naming the row and column", {
  e <- expect_error(drivers(survey, "score", att), class = "loyalty_bad_input")
  expect_identical(e$row, which(is.na(survey$score) | is.na(survey$taste) |
                                  is.na(survey$freshness) | is.na(survey$value) |
                                  is.na(survey$delivery) | is.na(survey$app))[1])
  expect_match(conditionMessage(e), "listwise", fixed = TRUE)
  bad <- sv
  bad$taste <- 1
  e <- expect_error(drivers(bad, "score", att), class = "loyalty_domain")
  expect_identical(e$argument, "taste")
  expect_error(drivers(survey, "score", c("taste", "segment")), class = "loyalty_bad_input")
  expect_error(drivers(survey, "nope", att), class = "loyalty_bad_input")
  e <- expect_error(ipa(c(taste = 1), transform(sv, taste = 11)), class = "loyalty_bad_input")
  expect_identical(e$row, 1L)
})
