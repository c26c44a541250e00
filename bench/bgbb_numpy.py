# SPDX-License-Identifier: MIT
"""numpy/scipy baseline for bench_bgbb: the BG/BB log-likelihood on the
donations patterns (log-sum-exp of betaln terms, vectorised over patterns)
and its maximum-likelihood fit with scipy.optimize.minimize on
log-parameters (Nelder-Mead, as the lifetimes package does, and BFGS with
finite-difference gradients).

usage: bgbb_numpy.py CSV eval|fit-nm|fit-bfgs
       bgbb_numpy.py predict FILE N
prints the best-of-repeats seconds of one likelihood evaluation or one fit,
then (on a second line) the log-likelihood or the estimates; predict: the
seconds of P(alive) and CET(5) (the lifetimes package's formulas) of the N
customers in FILE (x, t_x, n as N float64 each), then their sums.
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, logsumexp


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, 0], d[:, 1], d[:, 2], d[:, 3]


def make_loglik(x, tx, n, w):
    kmax = int(np.max(n - tx))
    i = np.arange(kmax)[None, :]
    mask = i < (n - tx)[:, None]
    xi = x[:, None]
    txi = tx[:, None]

    def loglik(p):
        a, b, g, d = p
        base = betaln(a, b) + betaln(g, d)
        alive = betaln(a + x, b + n - x) + betaln(g, d + n) - base
        terms = (betaln(a + xi, b + txi - xi + i)
                 + betaln(g + 1, d + txi + i) - base)
        terms = np.where(mask, terms, -np.inf)
        allt = np.concatenate([alive[:, None], terms], axis=1)
        return float(np.dot(w, logsumexp(allt, axis=1)))

    return loglik


def fit(loglik, total, method):
    def obj(lp):
        return -loglik(np.exp(lp)) / total

    opts = {"xatol": 1e-8, "fatol": 1e-12, "maxiter": 10000} \
        if method == "Nelder-Mead" else {"gtol": 1e-9}
    res = minimize(obj, np.zeros(4), method=method, options=opts)
    return np.exp(res.x)


def best_of(fn, reps):
    best = float("inf")
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def predict(x, tx, n, p, n_star=5.0):
    """P(alive) (m = 0) and CET(n_star): lifetimes' BetaGeoBetaBinomFitter
    formulas, each customer's likelihood by log-sum-exp over the
    opportunities after t_x."""
    from scipy.special import gammaln
    a, b, g, d = p
    kmax = int(np.max(n - tx))
    base = betaln(a, b) + betaln(g, d)
    alive = betaln(a + x, b + n - x) + betaln(g, d + n) - base
    allt = [alive]
    for i in range(kmax):
        t = betaln(a + x, b + tx - x + i) + betaln(g + 1, d + tx + i) - base
        allt.append(np.where(i < n - tx, t, -np.inf))
    ll = logsumexp(np.stack(allt), axis=0)
    pa = np.exp(alive - ll)
    p2 = betaln(a + x + 1, b + n - x) - betaln(a, b)
    p3 = d / (g - 1) * np.exp(gammaln(g + d) - gammaln(1 + d))
    p4 = np.exp(gammaln(1 + d + n) - gammaln(g + d + n))
    p5 = np.exp(gammaln(1 + d + n + n_star) - gammaln(g + d + n + n_star))
    cet = np.exp(p2 - ll) * p3 * (p4 - p5)
    return pa, cet


def main():
    if sys.argv[1] == "predict":
        cnt = int(sys.argv[3])
        dat = np.fromfile(sys.argv[2], dtype=np.float64, count=3 * cnt)
        x, tx, n = dat[:cnt], dat[cnt:2 * cnt], dat[2 * cnt:]
        p0 = np.array([1.204, 0.750, 0.657, 2.783])
        sec, (pa, cet) = best_of(lambda: predict(x, tx, n, p0), 3)
        print("%.9g" % sec)
        print("sum P(alive) %.10g sum CET %.10g" % (pa.sum(), cet.sum()))
        return
    x, tx, n, w = load(sys.argv[1])
    mode = sys.argv[2]
    loglik = make_loglik(x, tx, n, w)
    p0 = np.array([1.204, 0.750, 0.657, 2.783])
    if mode == "eval":
        # many evaluations per timing: one is far below the timer resolution
        reps = 200
        sec, ll = best_of(lambda: [loglik(p0) for _ in range(reps)][-1], 5)
        print("%.9g" % (sec / reps))
        print("%.6f" % ll)
    else:
        method = "Nelder-Mead" if mode == "fit-nm" else "BFGS"
        sec, est = best_of(lambda: fit(loglik, w.sum(), method), 3)
        print("%.9g" % sec)
        print(" ".join("%.6f" % v for v in est))


if __name__ == "__main__":
    main()
