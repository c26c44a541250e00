# SPDX-License-Identifier: MIT
# drivers_anchor.R - the R baselines of bench/bench_drivers.c.
#
# Usage: Rscript drivers_anchor.R TASK P N [B]
# Prints "<seconds> <anchor>" (the best of a few runs of the computation
# only; data generation and R start-up are not timed).
#
#   lmg        LMG of p drivers: relaimpo::calc.relimp(type = "lmg") when
#              relaimpo is installed, else the same enumeration in base R
#              (one covariance solve per subset, as relaimpo's varicalc)
#   dominance  complete, conditional and general dominance by refitting
#              lm() on every subset (what dominance-analysis packages do)
#   boot       B bootstrap replicates of LMG: relaimpo::boot.relimp when
#              installed, else the base-R enumeration per resample
#   glm        logistic dominance: glm(binomial) on every subset, the four
#              pseudo-R² (McFadden, Cox-Snell, Nagelkerke, Estrella) and
#              their general dominance (LMG)
#
# The data have the shape of bench_drivers.c's (0-10 ratings driven by two
# factors), drawn by R's own generator: the timings, not the values, are
# compared.

args <- commandArgs(trailingOnly = TRUE)
task <- args[1]
p <- as.integer(args[2])
n <- as.integer(args[3])
B <- if (length(args) >= 4) as.integer(args[4]) else 200L

set.seed(20240611)
make_data <- function(n, p, binary = FALSE) {
    f1 <- rnorm(n); f2 <- rnorm(n)
    X <- sapply(seq_len(p), function(j) {
        v <- round(6 + 1.5 * (if (j %% 2) f1 else f2) * (0.5 + 0.1 * j) + 1.3 * rnorm(n))
        pmin(10, pmax(0, v))
    })
    colnames(X) <- paste0("x", seq_len(p))
    eta <- drop(X %*% (0.05 + 0.07 * seq_len(p)))
    y <- if (binary) as.numeric(eta + 1.2 * rnorm(n) > median(eta)) else round(eta + 1.2 * rnorm(n))
    data.frame(y = y, X)
}

best_of <- function(reps, f) {
    t <- Inf
    for (r in seq_len(reps)) {
        s <- proc.time()[["elapsed"]]
        f()
        t <- min(t, proc.time()[["elapsed"]] - s)
    }
    t
}

have_relaimpo <- suppressWarnings(suppressMessages(requireNamespace("relaimpo", quietly = TRUE)))

# R² of every subset from the covariance matrix, one solve each.
subset_r2 <- function(S) {
    p <- ncol(S) - 1
    r2 <- numeric(2^p)
    for (m in 1:(2^p - 1)) {
        s <- which(bitwAnd(m, 2^(0:(p - 1))) > 0) + 1
        r2[m + 1] <- drop(S[1, s] %*% solve(S[s, s], S[s, 1])) / S[1, 1]
    }
    r2
}

lmg_from_r2 <- function(r2, p) {
    out <- numeric(p)
    for (i in 1:p) for (m in 0:(2^p - 1)) {
        if (bitwAnd(m, 2^(i - 1)) > 0) next
        k <- sum(bitwAnd(m, 2^(0:(p - 1))) > 0)
        out[i] <- out[i] + (r2[m + 2^(i - 1) + 1] - r2[m + 1]) / (p * choose(p - 1, k))
    }
    out
}

lmg_base <- function(d) {
    p <- ncol(d) - 1
    lmg_from_r2(subset_r2(cov(d)), p)
}

if (task == "lmg") {
    d <- make_data(n, p)
    if (have_relaimpo) {
        t <- best_of(if (p <= 14) 3 else 1, function()
            relaimpo::calc.relimp(y ~ ., data = d, type = "lmg", rela = FALSE))
        cat(t, "relaimpo\n")
    } else {
        t <- best_of(if (p <= 14) 3 else 1, function() lmg_base(d))
        cat(t, "base-R-enumeration\n")
    }
} else if (task == "dominance") {
    d <- make_data(n, p)
    t <- best_of(1, function() {
        vars <- colnames(d)[-1]
        r2 <- numeric(2^p)
        for (m in 1:(2^p - 1)) {
            s <- vars[bitwAnd(m, 2^(0:(p - 1))) > 0]
            r2[m + 1] <- summary(lm(reformulate(s, "y"), data = d))$r.squared
        }
        complete <- matrix(0.5, p, p); cond <- matrix(0, p, p)
        for (i in 1:p) for (j in 1:p) if (i != j) {
            w <- 0; l <- 0; tot <- 0
            for (m in 0:(2^p - 1)) {
                if (bitwAnd(m, 2^(i - 1)) > 0 || bitwAnd(m, 2^(j - 1)) > 0) next
                tot <- tot + 1
                w <- w + (r2[m + 2^(i - 1) + 1] > r2[m + 2^(j - 1) + 1])
                l <- l + (r2[m + 2^(i - 1) + 1] < r2[m + 2^(j - 1) + 1])
            }
            complete[i, j] <- if (w == tot) 1 else if (l == tot) 0 else 0.5
        }
        for (i in 1:p) for (m in 0:(2^p - 1)) {
            if (bitwAnd(m, 2^(i - 1)) > 0) next
            k <- sum(bitwAnd(m, 2^(0:(p - 1))) > 0)
            cond[i, k + 1] <- cond[i, k + 1] + (r2[m + 2^(i - 1) + 1] - r2[m + 1]) / choose(p - 1, k)
        }
        general <- rowMeans(cond)
    })
    cat(t, "lm-per-subset\n")
} else if (task == "boot") {
    d <- make_data(n, p)
    if (have_relaimpo) {
        t <- best_of(1, function()
            relaimpo::boot.relimp(y ~ ., data = d, b = B, type = "lmg", rela = FALSE))
        cat(t, "relaimpo-boot.relimp\n")
    } else {
        t <- best_of(1, function()
            for (b in 1:B) lmg_base(d[sample.int(n, n, replace = TRUE), ]))
        cat(t, "base-R-refit\n")
    }
} else if (task == "glm") {
    d <- make_data(n, p, binary = TRUE)
    t <- best_of(1, function() {
        vars <- colnames(d)[-1]
        l0 <- as.numeric(logLik(glm(y ~ 1, data = d, family = binomial)))
        idx <- matrix(0, 2^p, 4)
        for (m in 1:(2^p - 1)) {
            s <- vars[bitwAnd(m, 2^(0:(p - 1))) > 0]
            l1 <- as.numeric(logLik(glm(reformulate(s, "y"), data = d, family = binomial)))
            cs <- 1 - exp(2 * (l0 - l1) / n)
            idx[m + 1, ] <- c(1 - l1 / l0, cs, cs / (1 - exp(2 * l0 / n)),
                              1 - (l1 / l0)^(-2 * l0 / n))
        }
        for (k in 1:4) lmg_from_r2(idx[, k], p)
    })
    cat(t, "glm-per-subset\n")
} else {
    stop("unknown task ", task)
}
