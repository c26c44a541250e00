# SPDX-License-Identifier: MIT
"""numpy baselines of bench_predict.c: P(alive) + CET of BG/NBD (the
lifetimes package's formulas, scipy hyp2f1), of Pareto/NBD (the lifetimes
formulas, s != 1) and of MBG/NBD (lifetimes' ModifiedBetaGeoFitter
formulas), and the per-customer BG/NBD log-likelihood (model bgnbd_ll:
the stable log form of bgnbd_numpy.py, each customer's value) for the
customers of a binary file of 3n doubles (x, t_x, T). Prints the best-of-3
seconds on the first line."""
import sys
import time

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bgnbd_numpy import predict as bgnbd_predict  # noqa: E402


def pnbd_predict(x, tx, T, p, t=39.0):
    r, al, s, be = p
    # P(alive) by the lifetimes formula (log-sum-exp over A0 terms) is
    # long; the closed form for alpha > beta with the 2F1 is what lifetimes
    # evaluates; here the LSE of its conditional_probability_alive
    from scipy.special import hyp2f1, gammaln
    mx = np.maximum(al, be)
    ab = al - be if al >= be else be - al
    zt = ab / (mx + tx)
    zT = ab / (mx + T)
    a1 = r + x
    c = r + s + x + 1.0
    if al >= be:
        f1 = hyp2f1(a1, s + 1.0, c, zt)
        f2 = hyp2f1(a1, s + 1.0, c, zT)
    else:
        f1 = hyp2f1(a1, s, c, zt)
        f2 = hyp2f1(a1, s, c, zT)
        s1 = s
    lA0 = np.log(np.abs(f1 / (mx + tx) ** (r + s + x) - f2 / (mx + T) ** (r + s + x)))
    lalive = -(r + x) * np.log(al + T) - s * np.log(be + T)
    ldead = np.log(s) - np.log(r + s + x) + lA0
    pa = 1.0 / (1.0 + np.exp(ldead - lalive))
    cet = (r + x) * (be + T) / ((al + T) * (s - 1.0)) * (1.0 - ((be + T) / (be + T + t)) ** (s - 1.0)) * pa
    del gammaln
    return pa, cet


def mbgnbd_predict(x, tx, T, p, t=39.0):
    from scipy.special import hyp2f1
    r, al, a, b = p
    odds = a / (b + x) * ((al + T) / (al + tx)) ** (r + x)
    pa = 1.0 / (1.0 + odds)
    z = t / (al + T + t)
    f = hyp2f1(r + x, b + x + 1.0, a + b + x, z)
    cet = ((a + b + x) / (a - 1.0)
           * (1.0 - ((al + T) / (al + T + t)) ** (r + x) * f) * pa)
    return pa, cet


def bgnbd_loglik_each(x, tx, T, p):
    from scipy.special import gammaln
    r, al, a, b = p
    pos = x > 0
    lT = np.log(al + T)
    ltx = np.log(al + tx)
    d1 = (gammaln(r + x) - gammaln(r) + gammaln(a + b) + gammaln(b + x)
          - gammaln(b) - gammaln(a + b + x))
    c3 = (r + x) * (ltx - lT)
    c4 = np.where(pos, np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)),
                  -np.inf)
    m = np.maximum(c3, c4)
    ll = (d1 + r * np.log(al) - (r + x) * ltx + m
          + np.log(np.exp(c3 - m) + np.exp(c4 - m)))
    return ll, None


def best_of(fn, reps):
    best = 1e30
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    model, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    p = [float(v) for v in sys.argv[4:8]]
    d = np.fromfile(path, dtype=np.float64, count=3 * n)
    x, tx, T = d[:n], d[n:2 * n], d[2 * n:]
    fn = {"bgnbd": bgnbd_predict, "pnbd": pnbd_predict,
          "mbgnbd": mbgnbd_predict, "bgnbd_ll": bgnbd_loglik_each}[model]
    sec, (pa, cet) = best_of(lambda: fn(x, tx, T, p), 3)
    print(sec)
    if cet is None:
        print("sum ln L", np.sum(pa))
    else:
        print("sum P(alive)", np.nansum(pa), "sum CET", np.nansum(cet))


if __name__ == "__main__":
    main()
