# SPDX-License-Identifier: MIT
# The numbers of the README's migration table: BTYD, CLVTools and the NPS
# package next to loyalty on CDNOW (and the donations data), each peer
# skipped ("not installed") when it is not installed. Deterministic
# quantities (summaries, log-likelihoods, P(alive), expectations at the same
# parameters, NPS statistics) must agree to 1e-8 relative; fitted
# parameters differ by the optimisers' tolerance and are printed.
#   Rscript bindings/r/tools/migration.R [DATA_DIR]
# DATA_DIR defaults to ../shared/data (from the repository root). Install
# the peers into a private library and put it in R_LIBS; this script
# installs nothing.
args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args)) args[1] else file.path("..", "shared", "data")
Sys.setenv(TZ = "UTC")
has <- function(p) requireNamespace(p, quietly = TRUE)
stopifnot(has("loyalty"))
ok <- TRUE
rows <- list()
row <- function(what, btyd, clvtools, loyalty) {
  rows[[length(rows) + 1L]] <<- c(what, btyd, clvtools, loyalty)
}
same <- function(label, a, b, tol = 1e-8) {
  d <- max(abs(a - b) / pmax(abs(b), 1e-12))
  good <- is.finite(d) && d <= tol
  cat(sprintf("%-58s max relative difference %.2e %s\n", label, d,
              if (good) "ok" else "MISMATCH"))
  if (!good) ok <<- FALSE
  invisible(d)
}
f <- function(v, d = 6) paste(formatC(v, digits = d, format = "fg"), collapse = ", ")
NI <- "not installed"

raw <- utils::read.table(file.path(data_dir, "cdnow", "CDNOW_sample.txt"),
                         col.names = c("master", "cust", "date", "cds", "sales"))
elog <- data.frame(cust = raw$cust, date = as.Date(as.character(raw$date), "%Y%m%d"),
                   sales = raw$sales)
cbs <- loyalty::rfm_summary(elog, calibration_end = as.Date("1997-09-30"),
                            observation_end = as.Date("1998-06-30"))
bg <- loyalty::bgnbd(cbs)
pn <- loyalty::pnbd(cbs)
gg <- loyalty::ggamma(cbs)
P <- coef(bg)
Q <- coef(pn)

have_btyd <- has("BTYD")
have_clv <- has("CLVTools")
if (have_btyd) {
  suppressPackageStartupMessages(library(BTYD))
  e2 <- elog
  e2$cust <- as.character(e2$cust)
  invisible(utils::capture.output(
    dat <- BTYD::dc.ElogToCbsCbt(e2, per = "week", T.cal = as.Date("1997-09-30"),
                                 T.tot = as.Date("1998-06-30"), statistic = "freq")))
  bcbs <- dat$cal$cbs[order(as.numeric(rownames(dat$cal$cbs))), ]
  xstar <- dat$holdout$cbs[order(as.numeric(rownames(dat$holdout$cbs))), "x.star"]
  same("summary x, t.x, T.cal (BTYD dc.ElogToCbsCbt)",
       c(bcbs[, "x"], bcbs[, "t.x"], bcbs[, "T.cal"]), c(cbs$x, cbs$t.x, cbs$T.cal))
  same("holdout x.star (BTYD)", xstar, cbs$x.star)
}
if (have_clv) {
  suppressPackageStartupMessages(library(CLVTools))
  e3 <- elog
  e3$Id <- as.character(e3$cust)
  clv <- CLVTools::clvdata(e3, date.format = "ymd", time.unit = "weeks",
                           estimation.split = "1997-09-30", name.id = "Id",
                           name.date = "date", name.price = "sales")
}
row("event log to summary: sum of x, t.x, T.cal",
    if (have_btyd) f(colSums(bcbs)) else NI,
    if (have_clv) "clvdata(): same rules (see the fits)" else NI,
    f(c(sum(cbs$x), sum(cbs$t.x), sum(cbs$T.cal))))

# BG/NBD
if (have_btyd) {
  bp <- BTYD::bgnbd.EstimateParameters(bcbs)
  same("BG/NBD log-likelihood at BTYD's estimate (bgnbd.cbs.LL)",
       BTYD::bgnbd.cbs.LL(bp, bcbs),
       as.numeric(logLik(loyalty::bgnbd(cbs, params = setNames(bp, names(P))))))
  same("BG/NBD P(alive) at the same parameters (bgnbd.PAlive)",
       BTYD::bgnbd.PAlive(P, cbs$x, cbs$t.x, cbs$T.cal), predict(bg, type = "palive"))
  same("BG/NBD CET(39) at the same parameters",
       BTYD::bgnbd.ConditionalExpectedTransactions(P, 39, cbs$x, cbs$t.x, cbs$T.cal),
       predict(bg, type = "expected", t = 39))
  same("BG/NBD E[X(t)], t = 1..78 (bgnbd.Expectation)",
       vapply(1:78, function(t) BTYD::bgnbd.Expectation(P, t), 0),
       loyalty::expected_new(bg, 1:78))
  same("BG/NBD pmf P(X(39) = 0..10) (bgnbd.pmf)",
       BTYD::bgnbd.pmf(P, 39, 0:10), loyalty::purchase_pmf(bg, 39, 0:10))
}
if (have_clv) {
  cb <- CLVTools::bgnbd(clv, verbose = FALSE)
  cpr <- predict(cb, prediction.end = 39, predict.spending = FALSE, verbose = FALSE)
  cpr <- cpr[order(as.numeric(cpr$Id)), ]
  same("BG/NBD log-likelihood at CLVTools' estimate",
       as.numeric(logLik(cb)),
       as.numeric(logLik(loyalty::bgnbd(cbs, params = setNames(coef(cb), names(P))))))
  lc <- loyalty::bgnbd(params = setNames(coef(cb), names(P)))
  same("BG/NBD PAlive, CET(39) at CLVTools' estimate (predict)",
       c(cpr$PAlive, cpr$CET),
       c(predict(lc, cbs, type = "palive"), predict(lc, cbs, type = "expected", t = 39)))
}
row("BG/NBD fit: r, alpha, a, b",
    if (have_btyd) f(bp) else NI, if (have_clv) f(coef(cb)) else NI, f(P))
row("BG/NBD log-likelihood",
    if (have_btyd) f(BTYD::bgnbd.cbs.LL(bp, bcbs), 10) else NI,
    if (have_clv) f(as.numeric(logLik(cb)), 10) else NI, f(as.numeric(logLik(bg)), 10))
row("BG/NBD P(alive): customer 1, sum over customers (each package's estimate)",
    if (have_btyd) f(c(BTYD::bgnbd.PAlive(bp, cbs$x[1], cbs$t.x[1], cbs$T.cal[1]),
                       sum(BTYD::bgnbd.PAlive(bp, cbs$x, cbs$t.x, cbs$T.cal))), 8) else NI,
    if (have_clv) f(c(cpr$PAlive[1], sum(cpr$PAlive)), 8) else NI,
    f(c(predict(bg, type = "palive")[1], sum(predict(bg, type = "palive"))), 8))
row("BG/NBD expected purchases in the 39 holdout weeks, sum (each package's estimate)",
    if (have_btyd) f(sum(BTYD::bgnbd.ConditionalExpectedTransactions(bp, 39, cbs$x, cbs$t.x, cbs$T.cal)), 8) else NI,
    if (have_clv) f(sum(cpr$CET), 8) else NI,
    f(sum(predict(bg, type = "expected", t = 39)), 8))

# Pareto/NBD
if (have_btyd) {
  pp <- suppressWarnings(BTYD::pnbd.EstimateParameters(bcbs))
  same("Pareto/NBD log-likelihood at BTYD's estimate (pnbd.cbs.LL)",
       BTYD::pnbd.cbs.LL(pp, bcbs),
       as.numeric(logLik(loyalty::pnbd(cbs, params = setNames(pp, names(Q))))), tol = 1e-7)
  same("Pareto/NBD P(alive) at the same parameters (pnbd.PAlive)",
       BTYD::pnbd.PAlive(Q, cbs$x, cbs$t.x, cbs$T.cal), predict(pn, type = "palive"), tol = 1e-7)
  same("Pareto/NBD CET(39) at the same parameters",
       BTYD::pnbd.ConditionalExpectedTransactions(Q, 39, cbs$x, cbs$t.x, cbs$T.cal),
       predict(pn, type = "expected", t = 39), tol = 1e-7)
  d <- loyalty::discount_rate(0.15, 52)
  same("Pareto/NBD DERT (pnbd.DERT)",
       BTYD::pnbd.DERT(Q, cbs$x, cbs$t.x, cbs$T.cal, d),
       predict(pn, type = "dert", discount = d), tol = 1e-7)
}
if (have_clv) {
  cp <- CLVTools::pnbd(clv, verbose = FALSE)
  same("Pareto/NBD log-likelihood at CLVTools' estimate",
       as.numeric(logLik(cp)),
       as.numeric(logLik(loyalty::pnbd(cbs, params = setNames(coef(cp), names(Q))))), tol = 1e-7)
}
row("Pareto/NBD fit: r, alpha, s, beta",
    if (have_btyd) f(pp) else NI, if (have_clv) f(coef(cp)) else NI, f(Q))
row("Pareto/NBD log-likelihood",
    if (have_btyd) f(BTYD::pnbd.cbs.LL(pp, bcbs), 10) else NI,
    if (have_clv) f(as.numeric(logLik(cp)), 10) else NI, f(as.numeric(logLik(pn)), 10))

# Gamma-Gamma
pos <- cbs$x > 0
if (have_btyd) {
  sp <- BTYD::spend.EstimateParameters(cbs$m.x[pos], cbs$x[pos])
  same("Gamma-Gamma expected spend at the same parameters (spend.expected.value)",
       BTYD::spend.expected.value(coef(gg), cbs$m.x[pos], cbs$x[pos]),
       predict(gg, cbs)[pos])
}
if (have_clv) cg <- CLVTools::gg(clv, verbose = FALSE)
row("Gamma-Gamma fit: p, q, gamma",
    if (have_btyd) f(sp) else NI, if (have_clv) f(coef(cg)) else NI, f(coef(gg)))

# BG/BB on the donations patterns
don_file <- file.path(data_dir, "donations", "donations.csv")
if (file.exists(don_file)) {
  don <- utils::read.csv(don_file)
  rf <- data.frame(x = don$frequency, t.x = don$recency, n.cal = don$periods, custs = don$weights)
  bb <- loyalty::bgbb(rf)
  if (have_btyd) {
    bbp <- BTYD::bgbb.EstimateParameters(as.matrix(rf))
    same("BG/BB log-likelihood at BTYD's estimate (bgbb.rf.matrix.LL)",
         BTYD::bgbb.rf.matrix.LL(bbp, as.matrix(rf)),
         as.numeric(logLik(loyalty::bgbb(rf, params = setNames(bbp, names(coef(bb)))))))
    same("BG/BB P(alive) at the same parameters (bgbb.PAlive)",
         BTYD::bgbb.PAlive(coef(bb), rf$x, rf$t.x, rf$n.cal), predict(bb, type = "palive"))
  }
  row("BG/BB fit (donations): alpha, beta, gamma, delta",
      if (have_btyd) f(bbp) else NI, "(no BG/BB)", f(coef(bb)))
  row("BG/BB log-likelihood",
      if (have_btyd) f(BTYD::bgbb.rf.matrix.LL(bbp, as.matrix(rf)), 10) else NI, "(no BG/BB)",
      f(as.numeric(logLik(bb)), 10))
}

# NPS package (it needs the blanks removed; loyalty counts NA as a blank)
s <- c(rep(10, 40), rep(9, 25), rep(8, 30), rep(7, 20), rep(5, 25), rep(2, 10), NA, NA)
r <- loyalty::nps(s)
s0 <- s[!is.na(s)]
y <- c(rep(10, 20), rep(7, 30), rep(3, 30))
lt <- loyalty::nps_compare(s, y)
if (has("NPS")) {
  same("NPS (NPS::nps)", NPS::nps(s0), r$nps)
  same("NPS variance (NPS::nps.var)", NPS::nps.var(s0), r$estimate[["variance"]])
  same("NPS standard error (NPS::nps.se)", NPS::nps.se(s0), r$se)
  nt <- NPS::nps.test(s0, y)
  same("two-sample Wald test p-value (NPS::nps.test)", nt$p.value, lt$p.value)
  same("two-sample interval (NPS::nps.test, for |difference|)", nt$int,
       as.vector(lt$conf.int))
}
cat("\n| quantity | BTYD | CLVTools | loyalty |\n|---|---|---|---|\n")
for (rw in rows) cat("|", paste(rw, collapse = " | "), "|\n")
cat("\n| quantity (150 answers, 2 blanks; 80 answers) | NPS package | loyalty |\n|---|---|---|\n")
cat(sprintf("| NPS, variance, SE | %s | %s |\n",
            if (has("NPS")) f(c(NPS::nps(s0), NPS::nps.var(s0), NPS::nps.se(s0)), 8) else NI,
            f(c(r$nps, r$estimate[["variance"]], r$se), 8)))
cat(sprintf("| two-sample Wald: p-value, interval | %s | %s |\n",
            if (has("NPS")) f(c(nt$p.value, nt$int), 8) else NI,
            f(c(lt$p.value, lt$conf.int), 8)))
if (!ok) {
  cat("\nSOME NUMBERS DIFFER\n")
  quit(status = 1)
}
cat("\nall compared numbers agree\n")
