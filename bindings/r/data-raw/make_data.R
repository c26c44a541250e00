# SPDX-License-Identifier: MIT
# Makes the package's data sets (data/*.rda). Run from bindings/r:
#   Rscript data-raw/make_data.R
# Everything is simulated with fixed seeds from parameters published for
# the real data sets, so the package ships no third-party data.

set.seed(19970101)

# cdnow_sim: BG/NBD purchases (weeks) with Gamma-Gamma amounts.
n <- 1000L
r <- 0.243; alpha <- 4.414; a <- 0.793; b <- 2.426
p_gg <- 6.25; q_gg <- 3.74; g_gg <- 15.44
start <- as.Date("1997-01-01")
end <- as.Date("1998-06-30")
first <- start + sample(0:83, n, replace = TRUE)
rows <- vector("list", n)
for (i in seq_len(n)) {
  lambda <- rgamma(1, shape = r, rate = alpha)
  p <- rbeta(1, a, b)
  nu <- rgamma(1, shape = q_gg, rate = g_gg)
  horizon <- as.numeric(end - first[i]) / 7
  t <- 0
  times <- 0
  repeat {
    if (lambda <= 0) break
    t <- t + rexp(1, lambda)
    if (t > horizon) break
    times <- c(times, t)
    if (runif(1) < p) break
  }
  days <- first[i] + floor(times * 7)
  amount <- round(rgamma(length(days), shape = p_gg, rate = nu), 2)
  rows[[i]] <- data.frame(cust = i, date = days, sales = pmax(amount, 0.01))
}
cdnow_sim <- do.call(rbind, rows)
cdnow_sim <- cdnow_sim[order(cdnow_sim$date, cdnow_sim$cust), ]
rownames(cdnow_sim) <- NULL
cdnow_sim$cust <- as.integer(cdnow_sim$cust)

# survey: NPS, CSAT and CES answers with blanks and weights.
set.seed(20260101)
m <- 1200L
segment <- factor(sample(c("Cafe", "Home", "Office"), m, TRUE, prob = c(0.2, 0.55, 0.25)),
                  levels = c("Cafe", "Home", "Office"))
region <- factor(sample(c("North", "South"), m, TRUE), levels = c("North", "South"))
mood <- c(Cafe = 1.2, Home = 0.3, Office = -0.6)[as.character(segment)] + rnorm(m)
score <- pmin(10, pmax(0, round(7 + 2 * mood)))
score[runif(m) < 0.06] <- NA
csat <- pmin(5, pmax(1, round(3.8 + 0.9 * mood + rnorm(m, 0, 0.5))))
csat[runif(m) < 0.08] <- NA
ces <- pmin(7, pmax(1, round(5 + 1.1 * mood + rnorm(m, 0, 0.8))))
ces[runif(m) < 0.1] <- NA
weight <- round(rgamma(m, 4, 4), 3)
# Attribute ratings (0-10) for the driver analysis, from the same mood:
# taste, freshness and value move with it (performance factors); delivery
# is nearly always on time and a failure goes with low scores (a basic
# factor); the app delights some of the happiest (an excitement factor).
set.seed(20260102)
zm <- (mood - mean(mood)) / stats::sd(mood)
r10 <- function(v) as.integer(pmin(10, pmax(0, round(v))))
taste <- r10(7 + 1.6 * zm + rnorm(m, 0, 1.2))
freshness <- r10(7 + 1.0 * zm + rnorm(m, 0, 1.5))
value <- r10(6 + 1.3 * zm + rnorm(m, 0, 1.4))
delivery <- r10(ifelse(runif(m) < stats::plogis(-2.5 - 1.8 * zm), runif(m, 1, 5),
                       9 + rnorm(m, 0, 0.7)))
app <- r10(ifelse(runif(m) < stats::plogis(-1.5 + 1.5 * zm), 9.5 + rnorm(m, 0, 0.5),
                  6 + rnorm(m, 0, 1)))
for (v in c("taste", "freshness", "value", "delivery", "app")) {
  a <- get(v)
  a[sample(m, 12)] <- NA
  assign(v, a)
}
survey <- data.frame(segment, region, score = as.integer(score), csat = as.integer(csat),
                     ces = as.integer(ces), weight, taste, freshness, value, delivery, app)

# donations_sim: BG/BB donors, 6 opportunities, as patterns.
set.seed(20100601)
k <- 11104L
pt <- rbeta(k, 1.204, 0.750)
theta <- rbeta(k, 0.657, 2.783)
x <- integer(k); tx <- integer(k)
alive <- rep(TRUE, k)
for (t in 1:6) {
  alive <- alive & runif(k) >= theta
  buy <- alive & runif(k) < pt
  x <- x + buy
  tx[buy] <- t
}
pat <- aggregate(list(custs = rep(1L, k)), list(x = x, t.x = tx), sum)
pat$n.cal <- 6L
donations_sim <- pat[order(-pat$x, -pat$t.x), c("x", "t.x", "n.cal", "custs")]
rownames(donations_sim) <- NULL

save(cdnow_sim, file = "data/cdnow_sim.rda", compress = "xz")
save(survey, file = "data/survey.rda", compress = "xz")
save(donations_sim, file = "data/donations_sim.rda", compress = "xz")
