# SPDX-License-Identifier: MIT
# Plots draw on a null device and return what they drew.

cbs <- rfm_summary(cdnow_sim, calibration_end = as.Date("1997-09-30"),
                   observation_end = as.Date("1998-06-30"))

test_that("model plots", {
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  m <- bgnbd(cbs)
  f <- plot(m, "frequency")
  expect_equal(sum(f["actual", ]), 1000)
  expect_equal(sum(f["model", ]), 1000, tolerance = 1e-8)
  ch <- plot(m, "calhold")
  expect_equal(sum(ch["customers", ]), 1000)
  expect_true(all(dim(plot(m, "palive")) > 1))
  expect_true(all(dim(plot(m, "expected", t = 10)) > 1))
  tr <- plot(m, "tracking", log = cdnow_sim, cumulative = TRUE)
  expect_equal(tail(tr$actual, 1), sum(cbs$x) + sum(cbs$x.star))
  expect_error(plot(pnbd(cbs), "frequency"), class = "loyalty_bad_input")
  expect_silent(plot(pnbd(cbs), "calhold"))
  expect_error(plot(ggamma(cbs)), class = "loyalty_bad_input")
  expect_true(is.matrix(plot(bgbb(donations_sim), "frequency")))
  expect_silent(plot(abc(cbs$x * cbs$m.x)))
  sv <- plot(sbg(c(100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1)))
  expect_equal(nrow(sv), 15)
  expect_silent(plot(abc_loyalty(1:100, rep(c(0, 7, 10, NA), 25))))
})

test_that("tracking counts every repeat transaction once", {
  m <- bgnbd(cbs)
  tr <- tracking(m, cdnow_sim, end = as.Date("1998-06-30"))
  expect_equal(sum(tr$actual), sum(cbs$x) + sum(cbs$x.star))
  expect_equal(nrow(tr), 78)
  expect_equal(tr$date[1], as.Date("1997-01-07"))
  cum <- tracking(m, cdnow_sim, end = as.Date("1998-06-30"), cumulative = TRUE)
  expect_equal(cum$expected, cumsum(tr$expected))
  # the model tracks the simulated log within a few percent
  expect_equal(tail(cum$expected, 1), tail(cum$actual, 1), tolerance = 0.05)
})
