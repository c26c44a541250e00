# SPDX-License-Identifier: MIT
"""numpy/scipy baseline of bench_pnbd: the same stable Pareto/NBD
log-likelihood (MODELS.md 6.3, Euler-transformed 2F1(1, b; r+s+x+1; z))
vectorised with numpy and scipy.special, and an ML fit with
scipy.optimize (L-BFGS-B on log-parameters, finite-difference gradient).

usage: pnbd_numpy.py ll|fit FILE [REPEAT]
FILE holds n, then x, t_x, T (float64, native order) as written by
bench_pnbd. Prints the best-of-REPEAT seconds first, then details.
"""
import sys
import time

import numpy as np
from scipy import optimize, special


def loglik(p, x, tx, T):
    r, alpha, s, beta = p
    rx = r + x
    aa = rx + s
    lat = np.log(alpha + T)
    lbt = np.log(beta + T)
    p1 = -rx * lat - s * lbt

    def G(t, la, lb):
        if alpha >= beta:
            z = (alpha - beta) / (alpha + t)
            S = special.hyp2f1(1.0, rx, aa + 1.0, z)
            return -rx * la - s * lb + np.log(S)
        z = (beta - alpha) / (beta + t)
        S = special.hyp2f1(1.0, s + 1.0, aa + 1.0, z)
        return -(rx - 1.0) * la - (s + 1.0) * lb + np.log(S)

    g1 = G(tx, np.log(alpha + tx), np.log(beta + tx))
    g2 = G(T, lat, lbt)
    with np.errstate(divide="ignore"):
        lde = g1 + np.log(-np.expm1(g2 - g1))
    p2 = np.where(tx < T, np.log(s) - np.log(aa) + lde, -np.inf)
    head = (r * np.log(alpha) + s * np.log(beta)
            + special.gammaln(rx) - special.gammaln(r))
    return np.sum(head + np.logaddexp(p1, p2))


def load(path):
    raw = np.fromfile(path, dtype=np.float64)
    n = int(raw[0])
    return raw[1:1 + n], raw[1 + n:1 + 2 * n], raw[1 + 2 * n:1 + 3 * n]


def fit(x, tx, T):
    n = len(x)
    start = np.log([0.5, 0.5 / max(x.sum() / T.sum(), 0.01 / T.mean()),
                    0.5, T.mean()])

    def f(th):
        v = -loglik(np.exp(th), x, tx, T) / n
        return v if np.isfinite(v) else 1e300

    res = optimize.minimize(f, start, method="L-BFGS-B",
                            options={"gtol": 1e-9, "maxiter": 500})
    return np.exp(res.x), -res.fun * n, res.nfev


def main():
    mode, path = sys.argv[1], sys.argv[2]
    rep = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    x, tx, T = load(path)
    best = float("inf")
    p = np.array([0.553, 10.578, 0.606, 11.669])
    out = None
    for _ in range(rep):
        t0 = time.perf_counter()
        out = loglik(p, x, tx, T) if mode == "ll" else fit(x, tx, T)
        best = min(best, time.perf_counter() - t0)
    print(best)
    print(out)


if __name__ == "__main__":
    main()
