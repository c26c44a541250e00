# SPDX-License-Identifier: MIT
"""numpy/scipy baseline for bench_bgnbd.c: the same BG/NBD likelihood
(stable log form, MODELS.md 6.1) with its analytic gradient, minimised by
scipy.optimize BFGS on log-parameters, and P(alive) + CET with
scipy.special.hyp2f1 (the lifetimes formula). Prints the best-of seconds
first, then details.

  bgnbd_numpy.py fit FILE N           fit the N customers in FILE
  bgnbd_numpy.py predict FILE N r alpha a b
  bgnbd_numpy.py cdnow CSV            fit the CDNOW summary
FILE holds x, t_x, T as N float64 each (written by bench_bgnbd).
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1


def negll(theta, x, tx, T, pos):
    r, al, a, b = np.exp(theta)
    n = x.size
    lT = np.log(al + T)
    ltx = np.log(al + tx)
    rx = r + x
    d1 = (gammaln(r + x) - gammaln(r) + gammaln(a + b) + gammaln(b + x)
          - gammaln(b) - gammaln(a + b + x))
    c3 = rx * (ltx - lT)
    c4 = np.where(pos, np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)),
                  -np.inf)
    m = np.maximum(c3, c4)
    e3 = np.exp(c3 - m)
    e4 = np.exp(c4 - m)
    ll = d1 + r * np.log(al) - rx * ltx + m + np.log(e3 + e4)
    pi3 = e3 / (e3 + e4)
    pi4 = 1 - pi3
    pab = digamma(a + b) - digamma(a + b + x)
    gr = digamma(r + x) - digamma(r) + np.log(al) - ltx + pi3 * (ltx - lT)
    ga = r / al - rx / (al + tx) + pi3 * rx * (1 / (al + tx) - 1 / (al + T))
    gA = pab + pi4 / a
    gB = digamma(b + x) - digamma(b) + pab - np.where(
        pos, pi4 / np.where(pos, b + x - 1, 1.0), 0.0)
    g = np.array([gr.sum() * r, ga.sum() * al, gA.sum() * a, gB.sum() * b])
    return -ll.sum() / n, -g / n


def fit(x, tx, T):
    pos = x > 0
    start = np.log([1.0, T.mean() / (x.mean() + 1), 1.0, 3.0])
    res = minimize(negll, start, args=(x, tx, T, pos), jac=True,
                   method="BFGS", options={"gtol": 1e-9, "maxiter": 500})
    return np.exp(res.x), -res.fun * x.size, res


def best_of(fn, reps):
    best = 1e30
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def load(path, n):
    d = np.fromfile(path, dtype=np.float64, count=3 * n)
    return d[:n], d[n:2 * n], d[2 * n:]


def predict(x, tx, T, p, t=39.0):
    r, al, a, b = p
    pa = np.where(x > 0, 1.0 / (1.0 + (a / np.where(x > 0, b + x - 1, 1.0))
                                * ((al + T) / (al + tx)) ** (r + x)), 1.0)
    z = t / (al + T + t)
    f = hyp2f1(r + x, b + x, a + b + x - 1, z)
    cet = ((a + b + x - 1) / (a - 1)
           * (1 - ((al + T) / (al + T + t)) ** (r + x) * f) * pa)
    return pa, cet


def main():
    mode = sys.argv[1]
    if mode == "fit":
        x, tx, T = load(sys.argv[2], int(sys.argv[3]))
        sec, (p, ll, res) = best_of(lambda: fit(x, tx, T), 2)
        print(sec)
        print("params", p, "LL", ll, "iterations", res.nit)
    elif mode == "predict":
        x, tx, T = load(sys.argv[2], int(sys.argv[3]))
        p = [float(v) for v in sys.argv[4:8]]
        sec, (pa, cet) = best_of(lambda: predict(x, tx, T, p), 3)
        print(sec)
        print("sum CET", np.nansum(cet), "non-finite", np.sum(~np.isfinite(cet)))
    elif mode == "cdnow":
        d = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
        x, tx, T = d[:, 1].copy(), d[:, 2].copy(), d[:, 3].copy()
        sec, (p, ll, res) = best_of(lambda: fit(x, tx, T), 5)
        print(sec)
        print("params", p, "LL", ll)


if __name__ == "__main__":
    main()
