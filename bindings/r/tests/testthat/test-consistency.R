# SPDX-License-Identifier: MIT
# Consistency: funnels, control charts, run lengths, change and top-box
# trend. Values are checked three ways: against the output of the
# library's examples/consistency_quickstart.c on the same data (the
# package's branch_survey), against the formulas recomputed here in R, and
# run lengths against the spc package.

monthly <- function() nps_chart(branch_survey, "score", "date", period = "month",
                                 baseline = 12)

test_that("the funnel of branches is the library example's", {
  f <- nps_funnel(branch_survey, "score", "branch")
  expect_s3_class(f, "loy_funnel")
  expect_s3_class(f, "data.frame")
  expect_identical(as.character(f$branch),
                   c("Hamburg", "Berlin", "Bremen", "Hannover", "Kiel", "Luebeck",
                     "Rostock", "Flensburg"))
  # examples/consistency_quickstart.c, printed to 0.1 points and 0.01 in z
  expect_equal(f$detractors[1:3], c(100, 79, 110))
  expect_equal(f$promoters[1:3], c(115, 113, 61))
  expect_equal(round(100 * f$nps, 1), c(4.3, 12.0, -20.2, 16.8, 9.9, 14.6, 19.6, 12.2))
  expect_equal(round(f$z, 2), c(-0.50, 1.15, -5.18, 1.88, 0.52, 1.18, 1.60, 0.71))
  expect_equal(round(100 * f$shrunk, 1), c(4.8, 11.4, -15.5, 15.4, 9.5, 13.1, 16.3, 11.1))
  expect_identical(f$outside_outer, c(FALSE, FALSE, TRUE, rep(FALSE, 5)))
  expect_identical(f$fdr, f$outside_outer)
  fit <- attr(f, "fit")
  expect_equal(round(100 * c(fit[["target"]], fit[["tau"]], fit[["i2"]])), c(7, 12, 81))
  # blanks are non-responses: answers plus blanks are the rows
  expect_equal(f$n + f$blanks, as.numeric(table(branch_survey$branch)))
  expect_equal(sum(f$blanks), sum(is.na(branch_survey$score)))
})

test_that("funnel values follow the formulas", {
  f <- nps_funnel(branch_survey, "score", "branch")
  fit <- attr(f, "fit")
  n <- f$n
  p <- f$promoters / n
  d <- f$detractors / n
  p0 <- sum(f$promoters) / sum(n)
  d0 <- sum(f$detractors) / sum(n)
  th0 <- p0 - d0
  s0 <- p0 + d0 - th0^2
  expect_equal(fit[["target"]], th0, tolerance = 1e-14)
  expect_equal(f$nps, p - d, tolerance = 1e-14)
  expect_equal(f$z, (f$nps - th0) / sqrt(s0 / n), tolerance = 1e-12)
  expect_equal(f$p_value, 2 * pnorm(-abs(f$z)), tolerance = 1e-12)
  # DerSimonian-Laird with each unit's own variance
  v <- (p + d - (p - d)^2) / n
  w <- 1 / v
  fe <- sum(w * f$nps) / sum(w)
  q <- sum(w * (f$nps - fe)^2)
  tau2 <- max(0, (q - 7) / (sum(w) - sum(w^2) / sum(w)))
  expect_equal(fit[["q_stat"]], q, tolerance = 1e-12)
  expect_equal(fit[["tau2"]], tau2, tolerance = 1e-12)
  expect_equal(fit[["i2"]], (q - 7) / q, tolerance = 1e-12)
  ws <- 1 / (v + tau2)
  mu <- sum(ws * f$nps) / sum(ws)
  b <- tau2 / (tau2 + v)
  expect_equal(f$shrunk, mu + b * (f$nps - mu), tolerance = 1e-12)
  # multiplicity: Bonferroni and Benjamini-Hochberg as p.adjust
  expect_identical(f$bonferroni, f$p_value < 0.05 / 8)
  expect_identical(f$fdr, p.adjust(f$p_value, "BH") <= 0.05)
  # limit levels
  f2 <- nps_funnel(branch_survey, "score", "branch", levels = c(0.8, 0.9))
  expect_identical(f2$outside_inner, abs(f2$z) > qnorm(0.9))
  # the additive adjustment widens the limits: z_adjusted smaller
  fa <- nps_funnel(branch_survey, "score", "branch", overdispersion = "additive")
  tod <- attr(fa, "fit")[["tau2_od"]]
  expect_gt(tod, 0)
  expect_equal(fa$z_adjusted, (fa$nps - th0) / sqrt(s0 / n + tod), tolerance = 1e-12)
  fm <- nps_funnel(branch_survey, "score", "branch", overdispersion = "multiplicative")
  expect_equal(fm$z_adjusted, fm$z / sqrt(attr(fm, "fit")[["phi"]]), tolerance = 1e-12)
})

test_that("funnel from tallies, fixed targets, exact tails, empty units", {
  f <- nps_funnel(branch_survey, "score", "branch")
  tallies <- nps_by(branch_survey, "score", "branch")
  g <- nps_funnel(tallies, unit = "branch")
  expect_equal(g$z, f$z)
  expect_equal(g$shrunk, f$shrunk)
  expect_identical(as.character(g$branch), as.character(f$branch))
  # exact tails of a small unit against a fixed target, by enumeration
  counts <- data.frame(unit = c("a", "b"), detractors = c(3, 10), passives = c(2, 5),
                       promoters = c(1, 12))
  e <- nps_funnel(counts, unit = "unit", target = c(promoters = 0.5, detractors = 0.2),
                  exact = TRUE)
  grid <- expand.grid(D = 0:6, P = 0:6)
  grid <- grid[grid$D + grid$P <= 6, ]
  pr <- apply(grid, 1, function(r) dmultinom(c(r[["D"]], 6 - r[["D"]] - r[["P"]], r[["P"]]),
                                             prob = c(0.2, 0.3, 0.5)))
  x <- grid$P - grid$D
  expect_equal(e$p_lower[1], sum(pr[x <= -2]), tolerance = 1e-12)
  expect_equal(e$p_upper[1], sum(pr[x >= -2]), tolerance = 1e-12)
  expect_equal(attr(e, "fit")[["target"]], 0.3)
  expect_true(all(c("exact_inner", "exact_outer") %in% names(e)))
  # a factor level without answers is an empty unit, not a zero
  bs <- branch_survey
  bs$branch <- factor(bs$branch, levels = c(levels(bs$branch), "Kassel"))
  h <- nps_funnel(bs, "score", "branch")
  expect_identical(nrow(h), 9L)
  expect_true(h$empty[9])
  expect_true(is.na(h$nps[9]) && is.na(h$z[9]))
  expect_equal(h$z[1:8], f$z)
  # one-class units are degenerate, shrunk with the target variance
  d1 <- data.frame(u = c("a", "b", "c"), detractors = c(0, 5, 8), passives = c(0, 5, 6),
                   promoters = c(10, 5, 4))
  expect_identical(nps_funnel(d1, unit = "u")$degenerate, c(TRUE, FALSE, FALSE))
})

test_that("funnel errors are classed conditions with rows", {
  bad <- branch_survey
  bad$score[7] <- 11
  e <- expect_error(nps_funnel(bad, "score", "branch"), class = "loyalty_bad_input")
  expect_identical(e$row, 7L)
  expect_identical(e$name, "LOY_ESCALE")
  expect_error(nps_funnel(branch_survey, "score", "branch", levels = c(0.95, 1.2)),
               class = "loyalty_domain")
  expect_error(nps_funnel(branch_survey, "score"), class = "loyalty_bad_input")
  expect_error(nps_funnel(branch_survey, "score", "nope"), class = "loyalty_bad_input")
  one <- data.frame(u = c("a", "b"), detractors = 0, passives = 0, promoters = c(4, 9))
  e <- expect_error(nps_funnel(one, unit = "u"), class = "loyalty_domain")
  expect_identical(e$name, "LOY_EDEGENERATE")
  neg <- data.frame(u = c("a", "b"), detractors = c(1, -1), passives = 1, promoters = 1)
  e <- expect_error(nps_funnel(neg, unit = "u"), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
  none <- data.frame(u = c("a", "b"), detractors = 0, passives = 0, promoters = 0)
  expect_error(nps_funnel(none, unit = "u"), class = "loyalty_bad_input")
  expect_error(nps_funnel(branch_survey, "score", "branch", target = c(0.9, 0.5)),
               class = "loyalty_domain")
})

test_that("monthly charts are the library example's", {
  ch <- monthly()
  expect_s3_class(ch, "loy_chart")
  expect_identical(nrow(ch), 23L)
  expect_identical(format(ch$period[c(1, 23)], "%Y-%m"), c("2024-02", "2025-12"))
  # the monthly tallies of examples/consistency_quickstart.c
  expect_equal(ch$detractors, c(2, 3, 6, 8, 4, 11, 7, 11, 16, 22, 27, 23, 18, 28, 22, 25,
                                32, 35, 30, 31, 29, 32, 37))
  expect_equal(ch$promoters[c(1, 23)], c(1, 19))
  u <- attr(ch, "units")
  expect_equal(round(100 * u$centre, 1), 17.2)
  expect_identical(format(u$first_cusum, "%Y-%m"), "2025-07")
  expect_identical(ch$baseline, rep(c(TRUE, FALSE), c(12, 11)))
  sig <- format(ch$period[ch$signal], "%Y-%m")
  expect_identical(sig, sprintf("2025-%02d", 6:12))
  expect_identical(ch$signals[18], "Shewhart low, Laney low, EWMA low, CUSUM low")
  expect_false(any(ch$signal[1:16]))
})

test_that("chart statistics follow the formulas", {
  ch <- monthly()
  n <- ch$n
  base <- 1:12
  cl <- (sum(ch$promoters[base]) - sum(ch$detractors[base])) / sum(n[base])
  s2 <- (sum(ch$promoters[base]) + sum(ch$detractors[base])) / sum(n[base]) - cl^2
  expect_equal(ch$centre[1], cl, tolerance = 1e-14)
  expect_equal(ch$nps, (ch$promoters - ch$detractors) / n, tolerance = 1e-14)
  st <- sqrt(s2 / n)
  expect_equal(ch$shewhart_lower, pmax(-1, cl - 3 * st), tolerance = 1e-12)
  expect_equal(ch$shewhart_upper, pmin(1, cl + 3 * st), tolerance = 1e-12)
  # Laney: sigma_z = mean moving range of the baseline z / 1.128
  z <- (ch$nps[base] - cl) / st[base]
  sz <- mean(abs(diff(z))) / 1.128
  expect_equal(attr(ch, "units")$sigma_z, sz, tolerance = 1e-12)
  expect_equal(ch$laney_lower, pmax(-1, cl - 3 * sz * st), tolerance = 1e-12)
  # EWMA with its exact variance for unequal n
  e <- cl
  a <- 0
  ew <- lo <- numeric(23)
  for (t in 1:23) {
    e <- 0.2 * ch$nps[t] + 0.8 * e
    a <- 0.64 * a + 0.04 / n[t]
    ew[t] <- e
    lo[t] <- cl - 3 * sqrt(s2 * a)
  }
  expect_equal(ch$ewma, ew, tolerance = 1e-12)
  expect_equal(ch$ewma_lower, pmax(-1, lo), tolerance = 1e-12)
  # CUSUM on the standardised points, no restart
  u <- (ch$nps - cl) / st
  cp <- cm <- 0
  lower <- numeric(23)
  for (t in 1:23) {
    cm <- max(0, cm - u[t] - 0.5)
    lower[t] <- cm
  }
  expect_equal(ch$cusum_lower, lower, tolerance = 1e-12)
  expect_identical(ch$signals != "" & grepl("CUSUM low", ch$signals), lower > 5)
})

test_that("charts: units in one pass, gaps, Date and POSIXct, baselines", {
  q <- nps_chart(branch_survey, "score", "date", unit = "branch", period = "quarter",
                 baseline = 4)
  u <- attr(q, "units")
  expect_identical(nrow(u), 8L)
  np <- nrow(q) / 8
  # each unit's chart equals the chart of its answers alone
  one <- nps_chart(branch_survey[branch_survey$branch == "Bremen", ], "score", "date",
                   period = "quarter", baseline = 4)
  rows <- q$branch == "Bremen"
  expect_equal(q$ewma[rows], one$ewma)
  expect_equal(q$code[rows], one$code)
  expect_equal(u$centre[3], attr(one, "units")$centre)
  # POSIXct times count on their calendar day
  bs <- branch_survey
  bs$time <- as.POSIXct(paste(bs$date, "12:30:00"), tz = "Europe/Berlin")
  w1 <- nps_chart(bs, "score", "time", period = "week")
  w2 <- nps_chart(bs, "score", "date", period = "week")
  expect_equal(w1$nps, w2$nps)
  expect_identical(w1$period, w2$period)
  expect_true(all(format(w1$period, "%u") == "1"))   # weeks start on Monday
  # a week without answers is a gap: no point, NA values, no signal
  expect_true(any(w2$gap))
  g <- which(w2$gap)[1]
  expect_true(is.na(w2$nps[g]) && is.na(w2$ewma[g]))
  expect_identical(w2$n[g], 0)
  # NA scores are blanks, rows without a date are left out
  bs$date[1:5] <- NA
  w3 <- nps_chart(bs, "score", "date", period = "month")
  expect_identical(attr(w3, "grid")$undated, 5L)
  # baseline as two dates equals the first twelve months
  d <- nps_chart(branch_survey, "score", "date", period = "month",
                 baseline = as.Date(c("2024-02-01", "2025-01-31")))
  expect_equal(d$code, monthly()$code)
  # fixed target
  f <- nps_chart(branch_survey, "score", "date", period = "month",
                 target = c(promoters = 0.4, detractors = 0.25))
  expect_equal(attr(f, "units")$centre, 0.15)
  # errors
  expect_error(nps_chart(branch_survey, "score", "date", baseline = 1000),
               class = "loyalty_domain")
  expect_error(nps_chart(branch_survey, "score", "date", lambda = 1.5),
               class = "loyalty_domain")
  expect_error(nps_chart(branch_survey, "score", "segment"), class = "loyalty_bad_input")
  expect_error(nps_chart(transform(branch_survey, date = format(date)), "score", "date"),
               class = "loyalty_bad_input")
})

test_that("period change equals the two-sample comparison", {
  ch <- nps_change(branch_survey, "score", "date", period = "month", lag = 12)
  expect_identical(ch$compared, rep(c(FALSE, TRUE), c(12, 11)))
  last <- ch[23, ]
  # examples/consistency_quickstart.c: -41.0 points [-63.8, -18.1]
  expect_equal(round(100 * c(last$diff, last$lower, last$upper), 1), c(-41.0, -63.8, -18.1))
  m <- monthly()
  scores <- function(i) rep(c(0, 7, 10), c(m$detractors[i], m$passives[i], m$promoters[i]))
  t <- nps_compare(scores(23), scores(11))
  expect_equal(last$diff, t$difference, tolerance = 1e-14)
  expect_equal(last$se, t$se, tolerance = 1e-14)
  expect_equal(last$p_value, t$p.value, tolerance = 1e-12)
  expect_identical(last$previous, as.Date("2024-12-01"))
  # from a chart result, the same numbers
  expect_equal(nps_change(m, lag = 12)$diff, ch$diff)
  a <- nps_change(m, lag = 12, method = "adjusted")
  expect_false(isTRUE(all.equal(a$lower, ch$lower)))
  expect_error(nps_change(m, lag = 0), class = "loyalty_bad_input")
  expect_error(nps_change(m, level = 2), class = "loyalty_domain")
})

test_that("the top-box trend is glm(quasibinomial) on the counts", {
  tr <- topbox_trend(branch_survey, "score", "date", period = "month")
  m <- monthly()
  t <- seq_len(23)
  fit <- glm(cbind(m$promoters, m$passives) ~ t, family = quasibinomial)
  cf <- summary(fit)$coefficients
  expect_equal(tr$slope, cf[2, 1], tolerance = 1e-9)
  disp <- max(1, summary(fit)$dispersion)
  expect_equal(tr$dispersion, disp, tolerance = 1e-9)
  expect_equal(tr$se, cf[2, 2] / sqrt(summary(fit)$dispersion) * sqrt(disp), tolerance = 1e-9)
  # examples/consistency_quickstart.c: -0.006 log-odds per month, p = 0.58
  expect_equal(round(tr$slope, 3), -0.006)
  expect_equal(signif(tr$p_value, 2), 0.58)
  expect_equal(tr$n_periods, 23)
  # per branch, with a separated unit
  b <- topbox_trend(branch_survey, "score", "date", unit = "branch", period = "quarter")
  expect_identical(nrow(b), 8L)
  sep <- data.frame(date = as.Date("2025-01-01") + 0:5 * 31, score = c(7, 8, 7, 9, 10, 9))
  s <- topbox_trend(sep, period = "month")
  expect_true(s$separated)
  expect_true(is.na(s$slope))
})

test_that("run lengths equal spc's", {
  skip_if_not_installed("spc")
  expect_equal(ewma_arl(0.1, 2.7, shift = c(0, 0.5, 1)),
               vapply(c(0, 0.5, 1), function(m) spc::xewma.arl(0.1, 2.7, m, sided = "two"), numeric(1)),
               tolerance = 1e-9)
  expect_equal(ewma_arl(0.1, 2.7, shift = 0.5, sides = "upper"),
               spc::xewma.arl(0.1, 2.7, 0.5, sided = "one"), tolerance = 1e-9)
  expect_equal(cusum_arl(0.5, 4, shift = c(0, 1)),
               c(spc::xcusum.arl(0.5, 4, 0, sided = "two"),
                 spc::xcusum.arl(0.5, 4, 1, sided = "two")), tolerance = 1e-9)
  expect_equal(cusum_arl(0.5, 3, sides = "upper"), spc::xcusum.arl(0.5, 3, 0), tolerance = 1e-9)
  expect_equal(cusum_arl(0.5, 4, shift = 1, sides = "upper", head_start = 2),
               spc::xcusum.arl(0.5, 4, 1, hs = 2), tolerance = 1e-9)
  expect_equal(ewma_limit(0.1, 370), unname(spc::xewma.crit(0.1, 370, sided = "two")),
               tolerance = 1e-8)
  expect_equal(ewma_limit(0.1, 370, sides = "upper"), unname(spc::xewma.crit(0.1, 370)),
               tolerance = 1e-8)
  expect_equal(cusum_limit(0.5, 370, sides = "upper"), unname(spc::xcusum.crit(0.5, 370)),
               tolerance = 1e-8)
})

test_that("run lengths: published values, recycling and errors", {
  # examples/consistency_quickstart.c
  expect_equal(round(ewma_limit(0.2, 370), 4), 2.8590)
  expect_equal(round(cusum_arl(0.5, 5, shift = c(0, -1)), 1), c(465.4, 10.4))
  expect_length(ewma_arl(c(0.1, 0.2), 3, shift = 0), 2L)
  # the limit found gives the ARL asked for
  expect_equal(ewma_arl(0.2, ewma_limit(0.2, 500)), 500, tolerance = 1e-9)
  expect_equal(cusum_arl(0.5, cusum_limit(0.5, 200)), 200, tolerance = 1e-9)
  expect_error(ewma_arl(1.5, 3), class = "loyalty_domain")
  e <- expect_error(cusum_arl(0.5, c(4, -1)), class = "loyalty_domain")
  expect_identical(e$row, 2L)
  expect_error(ewma_limit(0.2, arl0 = 0.5), class = "loyalty_domain")
  expect_error(ewma_arl(0.2, NaN), class = "loyalty_bad_input")
  expect_error(cusum_arl(0.5, 4, sides = "both"))
})

test_that("data.table and tibble in, their class out", {
  skip_if_not_installed("data.table")
  dt <- data.table::as.data.table(branch_survey)
  f <- nps_funnel(branch_survey, "score", "branch")
  expect_equal(nps_funnel(dt, "score", "branch")$z, f$z)
  tal <- data.table::as.data.table(nps_by(branch_survey, "score", "branch"))
  expect_equal(nps_funnel(tal, unit = "branch")$z, f$z)
  ch <- nps_change(dt, "score", "date", lag = 12)
  expect_s3_class(ch, "data.table")
  expect_equal(ch$diff, nps_change(branch_survey, "score", "date", lag = 12)$diff)
  expect_s3_class(topbox_trend(dt, "score", "date"), "data.table")
})

test_that("print, summary and plot", {
  f <- nps_funnel(branch_survey, "score", "branch")
  out <- capture.output(print(f))
  expect_match(out[1], "NPS funnel of 8 units (1,568 answers): target +6.5", fixed = TRUE)
  expect_true(any(grepl("Bremen .* outside 99.8%, FDR", out)))
  expect_true(any(grepl("Flagged units", capture.output(print(summary(f))))))
  ch <- monthly()
  out <- capture.output(print(ch))
  expect_true(any(grepl("centre line +17.2", out, fixed = TRUE)))
  expect_true(any(grepl("2025-07 .*Shewhart low", out)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  cur <- plot(f)
  expect_true(all(cur$upper_2 >= cur$upper_1))
  plot(nps_funnel(branch_survey, "score", "branch", exact = TRUE))
  for (type in c("shewhart", "laney", "ewma", "cusum")) expect_identical(plot(ch, type), ch)
  q <- nps_chart(branch_survey, "score", "date", unit = "branch", period = "quarter")
  expect_silent(plot(q, units = c("Bremen", "Kiel")))
  expect_error(plot(q, units = "Nowhere"), class = "loyalty_bad_input")
})
