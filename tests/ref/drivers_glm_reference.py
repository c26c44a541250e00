#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values of tests/test_drivers_glm.c, computed with R.

Regenerates the test's data set (the same splitmix64 integer arithmetic as
glm_data() in the test), writes it as CSV and runs R on it:
glm(binomial) with a tight convergence tolerance, the four pseudo-R² from
logLik(), a glm-per-subset dominance loop (Shapley weights), the logistic
relative weights of rwa::rwa_logit written out in base R, and
MASS::polr for the ordered NPS class (with a tight reltol).

Usage: /usr/bin/python3 tests/ref/drivers_glm_reference.py
Needs Rscript with the recommended package MASS (Debian r-cran-mass).
"""
import os
import subprocess
import tempfile

N = 500
M64 = (1 << 64) - 1


def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def data():
    s = 20240611
    rows = []
    for _ in range(N):
        s, r = splitmix(s)
        common = (r >> 40) % 7
        x = []
        for _ in range(4):
            s, r = splitmix(s)
            x.append(min(10, common + (r >> 40) % 6))
        s, r = splitmix(s)
        score = 3 * x[0] + 2 * x[1] + x[2] + (r >> 40) % 25
        y = 1 if score > 36 else 0
        cls = 0 if score < 30 else (1 if score < 40 else 2)
        rows.append((y, cls) + tuple(x))
    return rows


R_CODE = r'''
suppressMessages(library(MASS))
d <- read.csv(Sys.getenv("DRV_CSV"))
f <- function(...) cat(sprintf("%.15g", c(...)), sep = ", "); nl <- function() cat("\n")
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
full <- glm(y ~ x1 + x2 + x3 + x4, data = d, family = binomial, control = ctl)
l1 <- as.numeric(logLik(full)); n <- nrow(d)
l0 <- as.numeric(logLik(glm(y ~ 1, data = d, family = binomial)))
idx <- function(l1) c(1 - l1/l0, -expm1(2*(l0 - l1)/n),
                      -expm1(2*(l0 - l1)/n) / -expm1(2*l0/n),
                      -expm1((-2*l0/n) * log(l1/l0)))
cat("mean y:", mean(d$y), "\n")
cat("coef: "); f(coef(full)); nl()
cat("se: "); f(sqrt(diag(vcov(full)))); nl()
cat("z: "); f(coef(summary(full))[, 3]); nl()
cat("p: "); f(coef(summary(full))[, 4]); nl()
cat("loglik, null: "); f(l1, l0); nl()
cat("pseudo: "); f(idx(l1)); nl()
vars <- c("x1", "x2", "x3", "x4"); p <- 4
r2 <- matrix(0, 2^p, 4)
for (m in 1:(2^p - 1)) {
  s <- vars[bitwAnd(m, 2^(0:(p-1))) > 0]
  g <- glm(reformulate(s, "y"), data = d, family = binomial, control = ctl)
  r2[m + 1, ] <- idx(as.numeric(logLik(g)))
}
lmg <- matrix(0, p, 4)
for (i in 1:p) for (m in 0:(2^p - 1)) {
  if (bitwAnd(m, 2^(i-1)) > 0) next
  k <- sum(bitwAnd(m, 2^(0:(p-1))) > 0)
  wgt <- factorial(k) * factorial(p - k - 1) / factorial(p)
  lmg[i, ] <- lmg[i, ] + wgt * (r2[m + 2^(i-1) + 1, ] - r2[m + 1, ])
}
for (j in 1:4) { cat("lmg", j, ": "); f(lmg[, j]); nl() }
# rwa::rwa_logit in base R (Tonidandel and LeBreton 2010)
X <- scale(as.matrix(d[, vars])); R <- cor(X); e <- eigen(R)
Lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
Z <- X %*% solve(Lam)
gz <- glm(d$y ~ Z, family = binomial, control = ctl)
b <- coef(gz)[-1]; r2o <- cor(fitted(gz), d$y)^2
beta <- b * sqrt(r2o) / sd(predict(gz))
eps <- (Lam^2) %*% (beta^2)
cat("rw: "); f(eps); nl()
cat("rw share: "); f(eps / sum(eps)); nl()
# ordered NPS class
d$cls <- factor(d$cls, ordered = TRUE)
po <- polr(cls ~ x1 + x2 + x3 + x4, data = d, Hess = TRUE,
           control = list(reltol = 1e-15, maxit = 1000))
cat("polr coef: "); f(coef(po)); nl()
cat("polr zeta: "); f(po$zeta); nl()
cat("polr se: "); f(sqrt(diag(vcov(po)))[1:4]); nl()
cat("polr loglik: "); f(as.numeric(logLik(po))); nl()
lp0 <- as.numeric(logLik(polr(cls ~ 1, data = d)))
cat("polr null: "); f(lp0); nl()
mcf <- numeric(2^p)
for (m in 1:(2^p - 1)) {
  s <- vars[bitwAnd(m, 2^(0:(p-1))) > 0]
  g <- polr(reformulate(s, "cls"), data = d, control = list(reltol = 1e-15, maxit = 1000))
  mcf[m + 1] <- 1 - as.numeric(logLik(g)) / lp0
}
lm2 <- numeric(p)
for (i in 1:p) for (m in 0:(2^p - 1)) {
  if (bitwAnd(m, 2^(i-1)) > 0) next
  k <- sum(bitwAnd(m, 2^(0:(p-1))) > 0)
  lm2[i] <- lm2[i] + factorial(k) * factorial(p - k - 1) / factorial(p) *
            (mcf[m + 2^(i-1) + 1] - mcf[m + 1])
}
cat("polr lmg mcfadden: "); f(lm2); nl()
'''


def main():
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "glm.csv")
        with open(csv, "w") as out:
            out.write("y,cls,x1,x2,x3,x4\n")
            for row in data():
                out.write(",".join(str(v) for v in row) + "\n")
        env = dict(os.environ, DRV_CSV=csv)
        subprocess.run(["Rscript", "-e", R_CODE], env=env, check=True)


if __name__ == "__main__":
    main()
