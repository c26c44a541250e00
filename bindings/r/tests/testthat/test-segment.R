# SPDX-License-Identifier: MIT

test_that("ABC with fixed cut-offs: the documented 1..9 example", {
  a <- abc(1:9)
  expect_identical(as.character(a$class), c("C", "C", "B", "B", "A", "A", "A", "A", "A"))
  b <- abc(1:9, rule = "before")
  expect_identical(as.character(b$class), c("C", "B", "B", "A", "A", "A", "A", "A", "A"))
  expect_equal(a$table$customers, c(5, 2, 2))
  expect_equal(sum(a$table$value), 45)
  expect_equal(a$threshold_ab, 5)
  cnt <- abc(1:10, cut = c(0.2, 0.5), basis = "count")
  expect_equal(cnt$table$customers, c(2, 3, 5))
  expect_output(print(a), "ABC classes")
})

test_that("computed ABC: the documented 1..9 example", {
  a <- abc(1:9, method = "computed")
  expect_identical(as.character(a$class), c("C", "C", "C", "B", "B", "B", "A", "A", "A"))
  expect_equal(c(a$ab_limit, a$bc_limit), c(6, 4))
  expect_true(a$gini > 0 && a$gini < 1)
})

test_that("ABC errors name the row; negatives can be clamped", {
  e <- expect_error(abc(c(1, 2, -3)), class = "loyalty_bad_input")
  expect_identical(e$row, 3L)
  expect_equal(abc(c(5, 2, -3), negative = "clamp")$n_clamped, 1)
  e <- expect_error(abc(c(1, NA)), class = "loyalty_bad_input")
  expect_identical(e$row, 2L)
  expect_error(abc(1:5, cut = c(0.9, 0.5)), class = "loyalty_domain")
})

test_that("ABC x loyalty: counts per cell, NA is no answer, value at risk", {
  value <- c(100, 90, 80, 5, 4, 3, 2, 1, 1, 1)
  score <- c(10, 7, 2, NA, 9, 3, 8, NA, 10, 0)
  vc <- factor(c("A", "A", "A", "B", "B", "B", "C", "C", "C", "C"))
  s <- abc_loyalty(value, score, value_class = vc)
  cells <- s$cells
  expect_equal(nrow(cells), 12)
  get <- function(v, l) cells$customers[cells$value_class == v & cells$loyalty == l]
  expect_equal(get("A", "promoter"), 1)
  expect_equal(get("B", "no answer"), 1)
  expect_equal(get("C", "no answer"), 1)
  expect_equal(get("C", "detractor"), 1)
  expect_equal(sum(cells$customers), 10)
  # value at risk: detractors' value
  expect_equal(s$value_at_risk, 80 + 3 + 1)
  expect_equal(s$classes$respondents, c(3, 2, 3))
  expect_equal(s$classes$nps[1], 0)
  expect_identical(as.character(s$cell[4]), "B no answer")
  expect_identical(cells$action[cells$value_class == "A" & cells$loyalty == "detractor"], "rescue")
  # the same from classes (a factor) and from an abc() result
  cls <- nps_class(score)
  expect_equal(abc_loyalty(value, cls, value_class = vc)$cells, cells)
  # with potential: 24 cells
  p <- abc_loyalty(value, score, value_class = vc, potential = seq(0, 1, length.out = 10),
                   threshold = 0.5, churn_prob = rep(0.5, 10))
  expect_equal(nrow(p$cells), 24)
  expect_equal(p$value_at_risk, 84 + 0.5 * (90 + 2))
  e <- expect_error(abc_loyalty(value, replace(score, 6, 12), value_class = vc),
                    class = "loyalty_bad_input")
  expect_identical(e$row, 6L)
  expect_output(print(s), "Value at risk")
})
