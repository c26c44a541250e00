# SPDX-License-Identifier: MIT
"""numpy baselines of bench_predict.c: P(alive) + CET of BG/NBD (the
lifetimes package's formulas, scipy hyp2f1) and of Pareto/NBD (the
lifetimes formulas, s != 1) for the customers of a binary file of 3n
doubles (x, t_x, T). Prints the best-of-3 seconds on the first line."""
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
    fn = bgnbd_predict if model == "bgnbd" else pnbd_predict
    sec, (pa, cet) = best_of(lambda: fn(x, tx, T, p), 3)
    print(sec)
    print("sum P(alive)", np.nansum(pa), "sum CET", np.nansum(cet))


if __name__ == "__main__":
    main()
