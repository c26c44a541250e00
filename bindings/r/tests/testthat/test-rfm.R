# SPDX-License-Identifier: MIT
# Purchase-log summary: lifetimes' reference logs (MODELS.md 5.4), input
# types and classes, errors with rows.

l2 <- function() {
  d <- c("01-01", "02-06", "01-01", "01-01", "01-02", "01-05", "01-16", "02-02", "02-05",
         "01-16", "01-17", "01-18", "02-02")
  data.frame(id = c(1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6),
             date = as.Date(paste0("2015-", d)),
             value = c(1, 2, 2, 3, 1, 5, 6, 3, 3, 3, 1, 8, 5))
}

test_that("daily summary of log L2 matches lifetimes", {
  s <- rfm_summary(l2(), "id", "date", "value", observation_end = as.Date("2015-02-07"),
                   unit = "day")
  expect_identical(s$id, c(1, 2, 3, 4, 5, 6))
  expect_equal(s$x, c(1, 0, 2, 2, 2, 0))
  expect_equal(s$t.x, c(36, 0, 4, 20, 2, 0))
  expect_equal(s$T.cal, c(37, 37, 37, 22, 22, 5))
  expect_equal(s$m.x, c(2, 0, 3, 3, 4.5, 0))
  expect_equal(s$first, as.Date(paste0("2015-", c("01-01", "01-01", "01-01", "01-16", "01-16", "02-02"))))
})

test_that("weekly periods are Monday to Sunday", {
  s <- rfm_summary(l2(), "id", "date", "value", observation_end = as.Date("2015-02-07"),
                   period = "week", unit = "week")
  expect_equal(s$x, c(1, 0, 1, 1, 0, 0))
  expect_equal(s$t.x, c(5, 0, 1, 3, 0, 0))
  expect_equal(s$T.cal, c(5, 5, 5, 3, 3, 0))
})

test_that("calibration and holdout follow lifetimes", {
  s <- rfm_summary(l2(), "id", "date", "value", observation_end = as.Date("2015-02-07"),
                   calibration_end = as.Date("2015-02-01"), unit = "day")
  expect_equal(s$id, 1:5)
  expect_equal(s$x.star[1:2], c(1, 0))
  expect_equal(s$m.x, c(0, 0, 3, 0, 4.5))
  expect_equal(s$m.x.star, c(2, 0, 0, 3, 0))
  expect_equal(attr(s, "rfm")$n_customers_dropped, 1)
  w <- rfm_summary(l2(), "id", "date", "value", observation_end = as.Date("2015-02-07"),
                   calibration_end = as.Date("2015-02-01"), period = "week")
  expect_equal(w$x, c(0, 0, 1, 0, 0))
  expect_equal(w$t.x, c(0, 0, 1, 0, 0))
  expect_equal(w$T.cal, c(4, 4, 4, 2, 2))
  expect_equal(w$x.star, c(1, 0, 0, 1, 0))
  expect_equal(w$T.star, rep(1, 5))
  e <- rfm_summary(l2(), "id", "date", "value", observation_end = as.Date("2015-02-04"),
                   calibration_end = as.Date("2015-02-01"), unit = "day")
  expect_equal(e$x.star[c(1, 4)], c(0, 1))
})

test_that("BTYD and CLVTools column names are found, and other input types", {
  d <- l2()
  btyd <- data.frame(cust = d$id, date = d$date, sales = d$value)
  clv <- data.frame(Id = d$id, Date = d$date, Price = d$value)
  a <- rfm_summary(btyd, observation_end = as.Date("2015-02-07"))
  b <- rfm_summary(clv, observation_end = as.Date("2015-02-07"))
  expect_equal(a$x, b$x)
  expect_named(a, c("cust", "x", "t.x", "T.cal", "m.x", "first"))
  expect_named(b, c("Id", "x", "t.x", "T.cal", "m.x", "first"))
  # weeks by default: days / 7
  expect_equal(a$T.cal, c(37, 37, 37, 22, 22, 5) / 7)
  # text dates, character and factor ids, POSIXct in a time zone
  txt <- rfm_summary(transform(btyd, date = format(date), cust = paste0("c", cust)),
                     observation_end = "2015-02-07")
  expect_identical(txt$cust, paste0("c", 1:6))
  expect_equal(txt$x, a$x)
  f <- rfm_summary(transform(btyd, cust = factor(cust, levels = 6:1)),
                   observation_end = as.Date("2015-02-07"))
  expect_identical(as.character(f$cust), as.character(6:1))
  expect_equal(f$x, rev(a$x))
  ct <- btyd
  ct$date <- as.POSIXct(paste(ct$date, "23:30"), tz = "America/New_York")
  p <- rfm_summary(ct, observation_end = as.Date("2015-02-07"))
  expect_equal(p$x, a$x)
  expect_equal(p$T.cal, a$T.cal)
  expect_s3_class(p$first, "POSIXct")
  # numeric times with a numeric period and unit
  n <- rfm_summary(transform(btyd, date = as.numeric(date)), observation_end = 16473,
                   period = 1, unit = 1)
  expect_equal(n$T.cal, c(37, 37, 37, 22, 22, 5))
  # same-day rows merge, and the row order does not matter
  m <- rfm_summary(data.frame(cust = 1, date = as.Date("2020-01-01") + c(0, 5, 9, 0),
                              sales = c(4, 10, 25, 6)), unit = "day")
  expect_equal(c(m$x, m$m.x), c(2, 17.5))
  r <- rfm_summary(data.frame(cust = 1, date = as.Date("2020-01-01") + c(9, 0, 5),
                              sales = c(25, 10, 20)))
  expect_equal(r$m.x, 22.5)
})

test_that("data.table and tibble come back as such", {
  skip_if_not_installed("data.table")
  dt <- data.table::as.data.table(l2())
  s <- rfm_summary(dt, "id", "date", "value")
  expect_s3_class(s, "data.table")
  expect_equal(s$x, c(1, 0, 2, 2, 2, 0))
})

test_that("tibble in, tibble out", {
  skip_if_not_installed("tibble")
  s <- rfm_summary(tibble::as_tibble(l2()), "id", "date", "value")
  expect_s3_class(s, "tbl_df")
})

test_that("bad rows are errors naming the row", {
  d <- l2()
  d$value[7] <- -6
  e <- expect_error(rfm_summary(d, "id", "date", "value"), class = "loyalty_bad_input")
  expect_identical(e$row, 7L)
  expect_identical(e$name, "LOY_ESCALE")
  expect_match(conditionMessage(e), "at row 7: id = 4, date = 2015-01-16, value = -6",
               fixed = TRUE)
  d <- l2()
  d$value[3] <- NA
  e <- expect_error(rfm_summary(d, "id", "date", "value"), class = "loyalty_bad_input")
  expect_identical(e$row, 3L)
  expect_identical(e$name, "LOY_ENONFINITE")
  d <- l2()
  d$date[5] <- NA
  e <- expect_error(rfm_summary(d, "id", "date", "value"), class = "loyalty_bad_input")
  expect_identical(e$row, 5L)
  d <- l2()
  d$id[2] <- NA
  e <- expect_error(rfm_summary(d, "id", "date", "value"), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
  expect_error(rfm_summary(l2()[0, ], "id", "date", "value"), class = "loyalty_bad_input")
  expect_error(rfm_summary(l2(), "nope", "date"), "not in the data", class = "loyalty_bad_input")
  expect_error(rfm_summary(transform(l2(), date = "soon"), "id", "date"), "cannot read",
               class = "loyalty_bad_input")
  # an empty holdout window is an error
  expect_error(rfm_summary(l2(), "id", "date", calibration_end = as.Date("2015-02-07")),
               class = "loyalty_bad_input")
})

test_that("the CDNOW summary equals the published one", {
  elog <- cdnow_elog()
  s <- rfm_summary(elog, calibration_end = as.Date("1997-09-30"),
                   observation_end = as.Date("1998-06-30"))
  expect_equal(nrow(s), 2357)
  expect_equal(sum(s$x == 0), 1411)
  expect_equal(sum(s$x), 2457)
  expect_equal(sum(s$x.star), 1882)
  expect_equal(s$T.star[1], 39)
})
