# SPDX-License-Identifier: MIT
# R baseline of bench_consistency: the R package spc (Debian r-cran-spc),
# the tool a quality engineer would use for chart design. For each case
# prints: name, value (17 digits), microseconds of CPU time per call (user +
# system, best of 5 timed loops of `reps` calls each: the machine may be
# shared, and CPU time is what the call costs). spc's defaults (r = 30 nodes for the CUSUM,
# 40 for the EWMA) are converged to about 1e-11 on these cases (checked
# against r = 300 when this script was written).
suppressPackageStartupMessages(library(spc))
best_us <- function(expr, reps) {
  f <- function() for (i in seq_len(reps)) eval(expr)
  t <- Inf
  for (k in 1:5) {
    st <- system.time(f())
    t <- min(t, st[["user.self"]] + st[["sys.self"]])
  }
  t / reps * 1e6
}
cases <- list(
  list("cusum2_k0.5_h4_mu0", quote(xcusum.arl(0.5, 4, 0, sided = "two")), 2000),
  list("cusum2_k0.5_h4_mu1", quote(xcusum.arl(0.5, 4, 1, sided = "two")), 2000),
  list("cusum1_k0.5_h3_mu0", quote(xcusum.arl(0.5, 3, 0)), 4000),
  list("cusum1_k0.5_h3_mu1.5", quote(xcusum.arl(0.5, 3, 1.5)), 4000),
  list("ewma2_l0.1_L2.7_mu0", quote(xewma.arl(0.1, 2.7, 0, sided = "two")), 2000),
  list("ewma2_l0.5_L2_mu0", quote(xewma.arl(0.5, 2, 0, sided = "two")), 2000),
  list("ewma2_l0.03_L2.437_mu1", quote(xewma.arl(0.03, 2.437, 1, sided = "two")), 2000),
  list("ewma1_l0.1_L2.7_mu0.5", quote(xewma.arl(0.1, 2.7, 0.5)), 2000),
  list("ewmacrit2_l0.1_370", quote(xewma.crit(0.1, 370, sided = "two")), 50),
  list("cusumcrit2_k0.5_370", quote(xcusum.crit(0.5, 370, sided = "two")), 50)
)
for (cs in cases) {
  v <- eval(cs[[2]])
  us <- best_us(cs[[2]], cs[[3]])
  cat(sprintf("%s %.17g %.3f\n", cs[[1]], unname(v), us))
}
