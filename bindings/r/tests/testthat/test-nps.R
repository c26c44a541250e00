# SPDX-License-Identifier: MIT
# NPS, CSAT, CES: NA is a non-response, invalid values are errors with the
# row, tables and weights, groups, the two-sample test.

test_that("NPS counts classes and treats NA as a blank, never a score", {
  r <- nps(c(10, 9, 7, 3, 8, 10, 6, NA))
  expect_s3_class(r, "loy_nps")
  expect_equal(unname(r$counts), c(2, 2, 3))
  expect_equal(r$blanks, 1)
  expect_equal(r$n, 7)
  expect_equal(r$nps, 1 / 7)
  # the Wald SE: sqrt((p + d - (p - d)^2) / n)
  expect_equal(r$se, sqrt((3 / 7 + 2 / 7 - (1 / 7)^2) / 7))
  expect_equal(c(r$lower, r$upper), r$nps + c(-1, 1) * qnorm(0.975) * r$se)
  expect_true("small_sample" %in% r$flags)
  # all blanks: an empty sample
  expect_error(nps(c(NA, NA)), class = "loyalty_bad_input")
  # integer and factor scores
  expect_equal(nps(c(10L, 9L, 0L))$nps, nps(c(10, 9, 0))$nps)
  expect_equal(nps(factor(c("10", "9", "0", NA)))$nps, nps(c(10, 9, 0))$nps)
})

test_that("invalid scores are errors naming the row, or skipped on request", {
  e <- expect_error(nps(c(10, 9, 11, 3)), class = "loyalty_bad_input")
  expect_identical(e$row, 3L)
  expect_identical(e$name, "LOY_ESCALE")
  expect_match(conditionMessage(e), "at row 3: x = 11", fixed = TRUE)
  e <- expect_error(nps(c(NA, 10, 7.5)), class = "loyalty_bad_input")
  expect_identical(e$row, 3L)
  e <- expect_error(nps(c(10, NaN)), class = "loyalty_bad_input")
  expect_identical(c(e$row, e$status), c(2L, -3L))
  r <- nps(c(10, 9, 11, 3, NA, Inf), invalid = "skip")
  expect_equal(c(r$n, r$rejected, r$blanks), c(3, 2, 1))
  expect_error(nps(c("a", "b")), class = "loyalty_bad_input")
  expect_error(nps(factor(c("good", "bad"))), class = "loyalty_bad_input")
})

test_that("interval methods, levels and scales", {
  s <- c(rep(10, 30), rep(7, 10), rep(2, 20))
  w <- nps(s)
  a <- nps(s, method = "adjusted")
  sc <- nps(s, method = "score")
  expect_equal(w$nps, 1 / 6)
  expect_equal(a$nps, 1 / 6)
  # adjusted Wald: pseudo-counts 0.75, 1.5, 0.75
  expect_equal(a$estimate[["centre"]], (30.75 - 20.75) / 63)
  expect_true(sc$lower < w$nps && sc$upper > w$nps)
  ci90 <- confint(w, level = 0.9)
  expect_equal(dimnames(ci90), list("nps", c("5 %", "95 %")))
  expect_equal(unname(ci90[1, ]), w$nps + c(-1, 1) * qnorm(0.95) * w$se)
  expect_equal(unname(confint(w)[1, ]), c(w$lower, w$upper))
  expect_error(nps(s, level = 1.5), class = "loyalty_domain")
  # 1-5 scale
  f <- nps(c(1, 3, 4, 5, 5), breaks = c(1, 3, 4, 5))
  expect_equal(unname(f$counts), c(2, 1, 2))
  expect_error(nps(c(1, 6), breaks = c(1, 3, 4, 5)), class = "loyalty_bad_input")
  expect_error(nps(1, breaks = c(0, 8, 6, 10)), class = "loyalty_domain")
})

test_that("a table of counts gives the same estimate as the scores", {
  s <- survey$score
  expect_equal(nps(table(s))$estimate, nps(s)$estimate)
  expect_error(nps(table(c(1, 12))), class = "loyalty_bad_input")
})

test_that("weighted NPS: linearised and Kish SEs, design effect", {
  s <- c(10, 9, 0, 7, NA, 3)
  w <- c(1, 2, 1, 0.5, 9, 1)
  r <- nps(s, weights = w)
  keep <- !is.na(s)
  xv <- ifelse(s[keep] >= 9, 1, ifelse(s[keep] <= 6, -1, 0))
  ww <- w[keep]
  est <- sum(ww * xv) / sum(ww)
  expect_equal(r$nps, est)
  n <- length(xv)
  se_lin <- sqrt(n / (n - 1) * sum(ww^2 * (xv - est)^2)) / sum(ww)
  expect_equal(r$se, se_lin)
  expect_equal(r$estimate[["n_eff"]], sum(ww)^2 / sum(ww^2))
  expect_equal(r$blanks, 1)
  expect_true(isTRUE(r$weighted))
  expect_length(confint(r, level = 0.8), 2)
  e <- expect_error(nps(c(10, 9), weights = c(1, -1)), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
})

test_that("nps_by: factor levels in order, empty levels kept, NA groups left out", {
  d <- data.frame(g = factor(c("b", "a", "a", NA, "b"), levels = c("a", "b", "z")),
                  s = c(10, 0, 9, 10, NA))
  t <- nps_by(d, "s", "g")
  expect_identical(as.character(t$g), c("a", "b", "z"))
  expect_equal(t$n, c(2, 1, 0))
  expect_equal(t$blanks, c(0, 1, 0))
  expect_equal(t$responses, c(2, 2, 0))
  expect_equal(t$nps, c(0, 1, NA))
  expect_equal(nrow(nps_by(d, "s", "g", drop = TRUE)), 2)
  # each group equals nps() on its rows
  g <- nps_by(survey, "score", "segment")
  for (k in seq_len(nrow(g))) {
    r <- nps(survey$score[survey$segment == g$segment[k]])
    expect_equal(g$nps[k], r$nps)
    expect_equal(g$lower[k], r$lower)
  }
  # two columns: every combination
  g2 <- nps_by(survey, "score", c("segment", "region"))
  expect_equal(nrow(g2), 6)
  expect_equal(sum(g2$n), sum(!is.na(survey$score)))
  # overall
  expect_equal(nps_by(survey, "score")$nps, nps(survey$score)$nps)
  # weighted
  gw <- nps_by(survey, "score", "segment", weights = "weight")
  cafe <- survey$segment == "Cafe"
  expect_equal(gw$nps[1], nps(survey$score[cafe], weights = survey$weight[cafe])$nps)
  # an invalid score names its row in the whole data
  bad <- survey
  bad$score[17] <- 12
  e <- expect_error(nps_by(bad, "score", "segment"), class = "loyalty_bad_input")
  expect_identical(e$row, 17L)
  expect_equal(nps_by(bad, "score", "segment", invalid = "skip")$invalid[as.integer(bad$segment[17])], 1)
  e <- expect_error(nps_by(bad, "score", "segment", weights = "weight"), class = "loyalty_bad_input")
  expect_identical(e$row, 17L)
  bad <- survey
  bad$csat[20] <- 9
  e <- expect_error(csat_by(bad, "csat", "segment"), class = "loyalty_bad_input")
  expect_identical(e$row, 20L)
})

test_that("nps_by keeps data.table and tibble", {
  skip_if_not_installed("data.table")
  expect_s3_class(nps_by(data.table::as.data.table(survey), "score", "segment"), "data.table")
})

test_that("nps_by takes a tibble (or a data frame subclass)", {
  d <- survey
  class(d) <- c("my_frame", "data.frame")
  expect_equal(nps_by(d, "score", "segment")$nps, nps_by(survey, "score", "segment")$nps)
  skip_if_not_installed("tibble")
  expect_s3_class(nps_by(tibble::as_tibble(survey), "score", "segment"), "tbl_df")
})

test_that("two-sample comparison is an htest", {
  x <- c(rep(10, 40), rep(0, 10))
  y <- c(rep(10, 20), rep(0, 30))
  h <- nps_compare(x, y)
  expect_s3_class(h, "htest")
  d <- 0.6 - (-0.2)
  se <- sqrt((0.8 + 0.2 - 0.36) / 50 + (0.4 + 0.6 - 0.04) / 50)
  expect_equal(unname(h$statistic), d / se)
  expect_equal(h$p.value, 2 * pnorm(-d / se))
  expect_equal(as.vector(h$conf.int), d + c(-1, 1) * qnorm(0.975) * se)
  expect_warning(h <- nps_compare(rep(10, 5), rep(10, 6)), class = "loyalty_condition")
  expect_true(is.na(h$p.value))
})

test_that("sample size and margin are inverse", {
  n <- nps_sample_size(0.05, promoters = 0.4, detractors = 0.2)
  expect_lte(nps_margin(n, promoters = 0.4, detractors = 0.2), 0.05)
  expect_gt(nps_margin(n - 1, promoters = 0.4, detractors = 0.2), 0.05)
  expect_equal(nps_sample_size(c(0.1, 0.05)), c(385, 1537))
  e <- expect_error(nps_margin(c(10, 0)), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
})

test_that("nps_class", {
  expect_equal(as.character(nps_class(c(0, 6, 7, 8, 9, 10, NA))),
               c("detractor", "detractor", "passive", "passive", "promoter", "promoter", NA))
  e <- expect_error(nps_class(c(1, 11)), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
})

test_that("CSAT: top-2-box with a Wilson interval; CES", {
  r <- csat(c(5, 4, 4, 3, 1, 5, NA))
  expect_equal(c(r$n, r$top, r$blanks), c(6, 4, 1))
  expect_equal(r$csat, 4 / 6)
  z <- qnorm(0.975)
  p <- 4 / 6
  n <- 6
  centre <- (p + z^2 / (2 * n)) / (1 + z^2 / n)
  half <- z / (1 + z^2 / n) * sqrt(p * (1 - p) / n + z^2 / (4 * n^2))
  expect_equal(c(r$lower, r$upper), centre + c(-1, 1) * half)
  expect_equal(csat(table(c(5, 4, 4, 3, 1, 5)))$csat, 4 / 6)
  e <- expect_error(csat(c(5, 6)), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
  expect_equal(csat(c(5, 6, NaN), invalid = "skip")$rejected, 2)
  expect_equal(unname(confint(r, level = 0.95)[1, ]), c(r$lower, r$upper))
  c9 <- confint(r, level = 0.9)
  expect_true(c9[1] > r$lower && c9[2] < r$upper)
  v <- ces(c(7, 6, 5, 2, 7, 4, NA))
  expect_equal(v$mean, mean(c(7, 6, 5, 2, 7, 4)))
  expect_equal(v$sd, sd(c(7, 6, 5, 2, 7, 4)))
  expect_equal(v$agree, 4 / 6)
  expect_equal(v$disagree, 1 / 6)
  expect_equal(v$blanks, 1)
  g <- csat_by(survey, "csat", "segment")
  expect_equal(g$csat[2], csat(survey$csat[survey$segment == "Home"])$csat)
  g <- ces_by(survey, "ces", c("segment", "region"))
  expect_equal(nrow(g), 6)
})

test_that("printed results", {
  expect_snapshot(print(nps(c(10, 9, 7, 3, 8, 10, 6, NA))))
  expect_snapshot(print(summary(nps(survey$score, method = "adjusted"))))
  expect_snapshot(print(nps(survey$score, weights = survey$weight)))
  expect_snapshot(print(csat(survey$csat)))
  expect_snapshot(print(ces(survey$ces)))
})
