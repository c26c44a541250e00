# SPDX-License-Identifier: MIT
# bench_r_consistency.R - the R package's consistency functions, measured in
# the same run against what an R user would otherwise call:
#  - run lengths and chart design: loyalty's ewma_arl(), cusum_arl(),
#    ewma_limit(), cusum_limit() against spc's xewma.arl(), xcusum.arl(),
#    xewma.crit(), xcusum.crit() (same conventions; the relative difference
#    of the values is printed);
#  - control charts of many units from answers: nps_chart() on simulated
#    answers of U branches over W weeks, split into the grouped tally and
#    the chart call, against a base-R implementation of the same Shewhart
#    and EWMA charts on the same tallies (tapply and a loop over weeks,
#    vectorised across branches), whose values are compared.
# Figures are the best of three runs (CPU time of this process); the
# machine may be shared, so they are noisy.
#   Rscript bench/bench_r_consistency.R [--units U] [--weeks W] [--answers N]
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  i <- match(name, args)
  if (is.na(i)) default else as.numeric(args[i + 1L])
}
U <- opt("--units", 2000)
W <- opt("--weeks", 104)
N <- opt("--answers", 1e6)
suppressPackageStartupMessages(library(loyalty))
have_spc <- requireNamespace("spc", quietly = TRUE)

cat(sprintf("bench_r_consistency.R: R %s, loyalty %s (libloyalty %s, %s), spc %s\n",
            getRversion(), packageVersion("loyalty"), loyalty_version()$version,
            loyalty_version()$source,
            if (have_spc) as.character(packageVersion("spc")) else "not installed"))
cat(sprintf("load average %s (shared machine: figures are noisy)\n\n",
            tryCatch(strsplit(readLines("/proc/loadavg"), " ")[[1]][1], error = function(e) "?")))

cpu <- function(expr_fun) {
  t <- system.time(expr_fun())
  t[["user.self"]] + t[["sys.self"]]
}
# Best CPU seconds of `runs` runs of fun().
best <- function(fun, runs = 3) min(vapply(seq_len(runs), function(i) cpu(fun), numeric(1)))
# CPU seconds per call of a quick call: batches grown until one takes at
# least 0.2 s of CPU (the clock ticks in milliseconds), best of 3 batches.
per_call <- function(fun) {
  reps <- 1
  repeat {
    t <- cpu(function() for (i in seq_len(reps)) fun())
    if (t >= 0.2) break
    reps <- reps * if (t < 0.02) 10 else 2
  }
  min(t, best(function() for (i in seq_len(reps)) fun(), runs = 2)) / reps
}
us <- function(s) sprintf("%8.1f us", 1e6 * s)

if (have_spc) {
  cat("Run lengths (CPU per call, best of batches)        loyalty         spc   ratio  rel. diff\n")
  cases <- list(
    list("CUSUM two-sided k 0.5 h 4, mu 0", function() cusum_arl(0.5, 4, 0),
         function() spc::xcusum.arl(0.5, 4, 0, sided = "two")),
    list("CUSUM two-sided k 0.5 h 4, mu 1", function() cusum_arl(0.5, 4, 1),
         function() spc::xcusum.arl(0.5, 4, 1, sided = "two")),
    list("EWMA two-sided 0.1, 2.7, mu 0", function() ewma_arl(0.1, 2.7, 0),
         function() spc::xewma.arl(0.1, 2.7, 0, sided = "two")),
    list("EWMA one-sided 0.1, 2.7, mu 0.5", function() ewma_arl(0.1, 2.7, 0.5, sides = "upper"),
         function() spc::xewma.arl(0.1, 2.7, 0.5, sided = "one")),
    list("EWMA limit for ARL0 370 (0.1)", function() ewma_limit(0.1, 370),
         function() spc::xewma.crit(0.1, 370, sided = "two")),
    list("CUSUM h for ARL0 370 (k 0.5)", function() cusum_limit(0.5, 370, sides = "upper"),
         function() spc::xcusum.crit(0.5, 370)))
  for (cs in cases) {
    ours <- per_call(cs[[2]])
    theirs <- per_call(cs[[3]])
    d <- abs(cs[[2]]() - unname(cs[[3]]())) / abs(unname(cs[[3]]()))
    cat(sprintf("  %-44s %s %s %6.1fx  %9.1e\n", cs[[1]], us(ours), us(theirs),
                theirs / ours, d))
  }
  cat("\n")
}

# Simulated answers: U branches, W weeks, N answers; a drop in one branch.
set.seed(1)
branch <- factor(sample.int(U, N, replace = TRUE), levels = seq_len(U))
week <- sample.int(W, N, replace = TRUE)
date <- as.Date("2024-01-01") + 7 * (week - 1) + sample(0:6, N, replace = TRUE)
p_det <- ifelse(as.integer(branch) == 1L & week > W / 2, 0.45, 0.25)
u <- runif(N)
score <- ifelse(u < p_det, 4L, ifelse(u < p_det + 0.3, 8L, 10L))
score[runif(N) < 0.05] <- NA
d <- data.frame(branch, date, score)

cat(sprintf("Control charts of %d branches x %d weeks from %s answers (Shewhart, Laney, EWMA, CUSUM, runs)\n",
            U, W, format(N, big.mark = ",", scientific = FALSE)))
t_all <- best(function() nps_chart(d, "score", "date", unit = "branch", period = "week",
                                   baseline = W / 2))
ch <- nps_chart(d, "score", "date", unit = "branch", period = "week", baseline = W / 2)
counts <- as.double(t(cbind(ch$detractors, ch$passives, ch$promoters)))
C <- function(name) getFromNamespace(paste0("C_", name), "loyalty")
opts <- c(0, 0, 0, 0, W / 2, 3, 0.2, 3, 0.5, 5)
nw <- length(attr(ch, "grid")$periods)
t_chart <- best(function() .Call(C("chart"), counts, as.integer(U), as.integer(nw), opts))

# The same Shewhart and EWMA charts in base R on the same tallies.
base_r <- function(D, A, P, nw, nb) {
  n <- D + A + P
  D <- matrix(D, nw)
  P <- matrix(P, nw)
  n <- matrix(n, nw)
  b <- seq_len(nb)
  Nb <- colSums(n[b, , drop = FALSE])
  cl <- (colSums(P[b, , drop = FALSE]) - colSums(D[b, , drop = FALSE])) / Nb
  s2 <- (colSums(P[b, , drop = FALSE]) + colSums(D[b, , drop = FALSE])) / Nb - cl^2
  x <- (P - D) / n
  st <- sqrt(rep(s2, each = nw) / n)
  low <- rep(cl, each = nw) - 3 * st
  e <- cl
  a <- 0
  ew <- matrix(NA_real_, nw, ncol(n))
  for (t in seq_len(nw)) {
    ok <- n[t, ] > 0
    e[ok] <- 0.2 * x[t, ok] + 0.8 * e[ok]
    a[ok] <- 0.64 * a[ok] + 0.04 / n[t, ok]
    ew[t, ] <- e
  }
  list(x = x, low = pmax(-1, low), ewma = ew)
}
t_base <- best(function() base_r(ch$detractors, ch$passives, ch$promoters, nw, W / 2))
br <- base_r(ch$detractors, ch$passives, ch$promoters, nw, W / 2)
diff_low <- max(abs(as.vector(br$low) - ch$shewhart_lower), na.rm = TRUE)
diff_ewma <- max(abs(as.vector(br$ewma) - ch$ewma), na.rm = TRUE)
cat(sprintf("  nps_chart() from answers (R call)             %8.3f s CPU\n", t_all))
cat(sprintf("    of which the compiled chart call           %8.3f s CPU\n", t_chart))
cat(sprintf("    binning, tallying and the result frame     %8.3f s CPU\n", t_all - t_chart))
cat(sprintf("  base R, Shewhart and EWMA only, same tallies %8.3f s CPU (%.1fx the compiled call; max |diff| %.1e, %.1e)\n",
            t_base, t_base / t_chart, diff_low, diff_ewma))
