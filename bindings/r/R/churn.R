# SPDX-License-Identifier: MIT

#' Cost of churn
#'
#' What a period of churn costs: customers lost, the margin they would have
#' brought per period, and the discounted lifetime value lost (what the
#' lost customers would have been worth had they renewed now, first margin
#' at the end of the coming period). With a constant churn rate (`churn`)
#' the simple retention formula; with a fitted [sbg()] model (`model`) the
#' heterogeneous churn of a cohort that has made `renewals` renewals.
#'
#' @param customers active customers at the start of the period.
#' @param churn churn rate per period, in \eqn{[0, 1]} (simple formula).
#' @param margin margin per customer per period.
#' @param discount discount rate per period.
#' @param model a fitted (or given-parameter) [sbg()] model instead of
#'   `churn`.
#' @param renewals renewals the customers have made (with `model`; 0 for a
#'   new cohort).
#' @return A `"loy_churn_cost"` list: `customers_lost`, `margin_lost`,
#'   `value_lost`, `value_lost_undiscounted` (`Inf` when the sBG lifetime
#'   is infinite), `value_per_lost`, `clv_existing`.
#' @examples
#' churn_cost(10000, churn = 0.2, margin = 100, discount = 0.1)
#' m <- sbg(params = c(alpha = 0.704, beta = 1.182))
#' churn_cost(10000, margin = 100, discount = 0.1, model = m, renewals = 2)
#' @export
churn_cost <- function(customers, churn = NULL, margin, discount = 0, model = NULL,
                       renewals = 0) {
  if (!is.null(model)) {
    if (!inherits(model, "loy_sbg")) bad_input("model must be an sBG model (sbg())", "model")
    args <- c(as_scalar(customers, "customers"), as_scalar(renewals, "renewals"),
              as_scalar(margin, "margin"), as_scalar(discount, "discount"))
    v <- .loy(.Call(C_churn_cost_sbg, coef(model), args),
              c("customers", "renewals", "margin", "discount"))
  } else {
    if (is.null(churn)) bad_input("give churn (a rate) or model (an sBG fit)", "churn")
    args <- c(as_scalar(customers, "customers"), as_scalar(churn, "churn"),
              as_scalar(margin, "margin"), as_scalar(discount, "discount"))
    v <- .loy(.Call(C_churn_cost_simple, args), c("customers", "churn", "margin", "discount"))
  }
  out <- as.list(v[1:6])
  out$infinite <- bitwAnd(as.integer(v[["flags"]]), 1L) != 0
  structure(out, class = "loy_churn_cost")
}

#' @export
print.loy_churn_cost <- function(x, ...) {
  f <- function(v) format(v, big.mark = ",", digits = 6, scientific = FALSE)
  cat("Churn cost over one period\n")
  cat("  customers lost:             ", f(x$customers_lost), "\n")
  cat("  margin lost per period:     ", f(x$margin_lost), "\n")
  cat("  lifetime value lost:        ", f(x$value_lost), "\n")
  cat("  undiscounted:               ", f(x$value_lost_undiscounted), "\n")
  cat("  value per lost customer:    ", f(x$value_per_lost), "\n")
  cat("  value of a retained customer", f(x$clv_existing), "\n")
  invisible(x)
}

#' Silent churn in a non-contractual customer base
#'
#' Value already lost and still at risk when customers leave without
#' telling: from each customer's P(alive) (e.g. `predict(fit, type =
#' "palive")`) and value (e.g. a CLV).
#'
#' @param p_alive probability that each customer is alive now.
#' @param value each customer's value had they stayed.
#' @param p_alive_next probability of being alive at the end of the next
#'   period (at most `p_alive`), or `NULL`.
#' @param threshold customers below this P(alive) count as likely lost.
#' @return A named numeric vector: `customers`, `expected_lost`
#'   (\eqn{\sum(1 - P)}), `likely_lost`, `value_lost`, `value_alive`,
#'   `value_at_risk_next` (`NA` without `p_alive_next`).
#' @examples
#' cbs <- rfm_summary(cdnow_sim)
#' m <- bgnbd(cbs)
#' silent_churn(predict(m, type = "palive"), value = pmax(cbs$m.x, 0) * 2)
#' @export
silent_churn <- function(p_alive, value, p_alive_next = NULL, threshold = 0.5) {
  p <- as_num(p_alive, "p_alive")
  v <- as_num(value, "value")
  if (length(v) == 1L) v <- rep(v, length(p))
  pn <- if (is.null(p_alive_next)) NULL else as_num(p_alive_next, "p_alive_next")
  r <- .loy(.Call(C_churn_silent, p, v, pn, as_scalar(threshold, "threshold")),
            c("p_alive", "value", "p_alive_next"),
            list(p_alive = p, value = v, p_alive_next = pn))
  if (bitwAnd(as.integer(r[["flags"]]), 1L)) r[["value_at_risk_next"]] <- NA_real_
  r[1:6]
}

#' Word-of-mouth value of promoters and cost of detractors
#'
#' The referral value of a promoter and the word-of-mouth cost of a
#' detractor (the Bain / Dell method): value per positive comment = referred
#' customers x customer value / positive comments, times comments per
#' promoter per year; the same on the negative side with deterred prospects.
#'
#' @param referred_customers new customers acquired by referral.
#' @param customer_value value of an average new customer.
#' @param positive_comments positive comments made in total.
#' @param comments_per_promoter positive comments per promoter per year.
#' @param deterred_customers prospects lost through negative word of mouth.
#' @param negative_comments negative comments in total.
#' @param comments_per_detractor negative comments per detractor per year.
#' @return A named numeric vector: `referral_value`, `value_per_comment`,
#'   `promoter_value`, `deterred_value`, `cost_per_negative_comment`,
#'   `detractor_cost`.
#' @examples
#' wom_value(1000, 500, 20000, 4, deterred_customers = 200,
#'           negative_comments = 5000, comments_per_detractor = 6)
#' @export
wom_value <- function(referred_customers, customer_value, positive_comments,
                      comments_per_promoter, deterred_customers = 0,
                      negative_comments = 0, comments_per_detractor = 0) {
  a <- c(referred_customers, customer_value, positive_comments, comments_per_promoter,
         deterred_customers, negative_comments, comments_per_detractor)
  if (!is.numeric(a) || length(a) != 7L) bad_input("every argument must be one number")
  .loy(.Call(C_churn_wom, as.double(a)))
}

loyalty_codes <- function(loyalty, name = "loyalty") {
  if (is.factor(loyalty) || is.character(loyalty)) {
    code <- match(as.character(loyalty), c("detractor", "passive", "promoter")) - 1L
    bad <- which(is.na(code) & !is.na(loyalty))
    if (length(bad))
      bad_input(sprintf("%s: '%s' is not detractor, passive or promoter", name,
                        as.character(loyalty[bad[1L]])), name, row = bad[1L], status = -2L)
    code[is.na(code)] <- -1L
    return(as.integer(code))
  }
  s <- as_num(loyalty, name)
  code <- as.integer(s)
  code[is.na(s)] <- -1L
  code
}

#' Lifetime value of detractors, passives and promoters
#'
#' The mean value of each loyalty class measured from data, with normal
#' intervals: the gap between classes is what moving a customer from one
#' to another is worth ([move_value()]).
#'
#' @param value value per customer.
#' @param loyalty class per customer: a factor or text with `detractor`,
#'   `passive`, `promoter` (e.g. [nps_class()]), or codes 0, 1, 2; `NA`
#'   for no answer (left out).
#' @param level confidence level.
#' @return A `"loy_class_value"` data frame: one row per class with `n`,
#'   `mean`, `sd`, `se`, `lower`, `upper` (`NA` for classes too small).
#' @examples
#' set.seed(2)
#' cls <- nps_class(sample(0:10, 300, replace = TRUE))
#' v <- rgamma(300, 2, 0.01) * (1 + (cls == "promoter"))
#' cv <- class_value(v, cls)
#' cv
#' move_value(cv, 100, "passive", "promoter")
#' @export
class_value <- function(value, loyalty, level = 0.95) {
  v <- as_num(value, "value")
  code <- loyalty_codes(loyalty)
  if (length(code) != length(v)) bad_input("loyalty must have one value per customer", "loyalty")
  m <- .loy(.Call(C_churn_class_value, v, code, as_level(level)), c("value", "loyalty"),
            list(value = v, loyalty = loyalty))
  out <- data.frame(class = factor(c("detractor", "passive", "promoter"),
                                   levels = c("detractor", "passive", "promoter")),
                    n = m[, 1], mean = m[, 2], sd = m[, 3], se = m[, 4], lower = m[, 5],
                    upper = m[, 6])
  attr(out, "level") <- level
  attr(out, "table") <- m
  class(out) <- c("loy_class_value", "data.frame")
  out
}

#' Value of moving customers between loyalty classes
#'
#' @param cv a [class_value()] result.
#' @param k customers moved.
#' @param from,to classes (`"detractor"`, `"passive"`, `"promoter"` or codes
#'   0-2).
#' @return A named vector `gain`, `lower`, `upper` (interval at the level of
#'   `cv`).
#' @examples
#' cls <- nps_class(rep(c(2, 7, 9), each = 20))
#' cv <- class_value(rep(c(100, 150, 220), each = 20) + rep(1:20, 3), cls)
#' move_value(cv, 50, "detractor", "passive")
#' @export
move_value <- function(cv, k, from, to) {
  if (!inherits(cv, "loy_class_value")) bad_input("cv must be a class_value() result", "cv")
  f <- loyalty_codes(from, "from")
  t <- loyalty_codes(to, "to")
  r <- .loy(.Call(C_churn_move_value, as.double(attr(cv, "table")), attr(cv, "level"),
                  as_scalar(k, "k"), f, t), c("k", "from", "to"))
  setNames(r, c("gain", "lower", "upper"))
}

base_args <- function(customers, margin, retention, discount, growth, new_customers,
                      acquisition_cost, cohorts) {
  a <- list(customers = customers, margin = margin, retention = retention,
            discount = discount, growth = growth, new_customers = new_customers,
            acquisition_cost = acquisition_cost, cohorts = cohorts)
  vapply(names(a), function(nm) as_scalar(a[[nm]], nm), numeric(1))
}

#' Value of a customer base and retention economics
#'
#' `base_value()`: the value of the current customers plus that of future
#' cohorts (acquired at the start of each period at a cost), discounted,
#' with its elasticities to retention, margin, discount rate and
#' acquisition cost. `retention_margin_equivalent()`: the relative margin
#' increase worth as much as a change of retention ("one point of retention
#' is worth x% of margin").
#'
#' @param customers current customers.
#' @param margin margin per customer per period.
#' @param retention retention rate per period.
#' @param discount discount rate per period.
#' @param growth margin growth per period.
#' @param new_customers customers acquired per period.
#' @param acquisition_cost cost per acquired customer.
#' @param cohorts future cohorts counted (0: all).
#' @param retention_change change of the retention rate (0.01: one point).
#' @return `base_value()`: a named vector (`clv_existing`, `clv_new`,
#'   `current_value`, `future_value`, `total` and the four elasticities;
#'   elasticities are 0 with a warning when the total is 0).
#'   `retention_margin_equivalent()`: `margin_change` and `value_change`.
#' @examples
#' base_value(10000, margin = 100, retention = 0.8, discount = 0.1,
#'            new_customers = 2000, acquisition_cost = 150)
#' retention_margin_equivalent(10000, margin = 100, retention = 0.8, discount = 0.1)
#' @export
base_value <- function(customers, margin, retention, discount, growth = 0, new_customers = 0,
                       acquisition_cost = 0, cohorts = 0) {
  a <- base_args(customers, margin, retention, discount, growth, new_customers,
                 acquisition_cost, cohorts)
  r <- .loy(.Call(C_churn_base_value, unname(a)), names(a))
  if (r[["status"]] != 0)
    warning(loyalty_condition(-10L, warning = TRUE,
            message = "the base has no value: elasticities are reported as 0"))
  r[1:9]
}

#' @rdname base_value
#' @export
retention_margin_equivalent <- function(customers, margin, retention, discount, growth = 0,
                                        new_customers = 0, acquisition_cost = 0, cohorts = 0,
                                        retention_change = 0.01) {
  a <- base_args(customers, margin, retention, discount, growth, new_customers,
                 acquisition_cost, cohorts)
  r <- .loy(.Call(C_churn_retention_margin, unname(a),
                  as_scalar(retention_change, "retention_change")),
            c(names(a), "retention_change"))
  setNames(r, c("margin_change", "value_change"))
}

#' Earned Growth Rate
#'
#' Net Promoter 3.0's Earned Growth Rate from each customer's revenue in
#' two periods: net revenue retention plus the revenue of new customers who
#' came by referral, relative to last period's revenue.
#'
#' @param revenue_prev revenue of each customer in the previous period (0
#'   for new customers).
#' @param revenue_now revenue in this period.
#' @param origin per customer: `"existing"`, `"earned"` (new, by referral)
#'   or `"bought"` (new, by paid acquisition), as text, a factor or codes
#'   0-2.
#' @return A named vector: revenues by origin, `nrr`, `enc`, `egr`,
#'   `growth`, `bought_growth`.
#' @examples
#' egr(c(100, 50, 0, 0), c(110, 40, 30, 20),
#'     c("existing", "existing", "earned", "bought"))
#' @export
egr <- function(revenue_prev, revenue_now, origin) {
  p <- as_num(revenue_prev, "revenue_prev")
  n <- as_num(revenue_now, "revenue_now")
  if (is.factor(origin) || is.character(origin)) {
    code <- match(as.character(origin), c("existing", "earned", "bought")) - 1L
    bad <- which(is.na(code))
    if (length(bad))
      bad_input(sprintf("origin: '%s' is not existing, earned or bought",
                        as.character(origin[bad[1L]])), "origin", row = bad[1L], status = -2L)
  } else {
    code <- as.integer(origin)
  }
  .loy(.Call(C_churn_egr, p, n, as.integer(code)), c("revenue_prev", "revenue_now", "origin"),
       list(revenue_prev = p, revenue_now = n, origin = origin))
}
