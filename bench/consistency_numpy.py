# SPDX-License-Identifier: MIT
"""numpy baselines for bench_consistency: print the best-of-3 seconds.

  consistency_numpy.py chart U T B  -> Shewhart, Laney, EWMA (exact
      variance), CUSUM and the runs bookkeeping for U units x T periods,
      vectorised across units (one numpy step per period for the
      recursions), baseline = the first B periods; signal codes as int32.
  consistency_numpy.py funnel U     -> z-scores, Winsorised phi, additive
      tau^2, Benjamini-Hochberg (argsort), DerSimonian-Laird tau^2, I^2 and
      empirical-Bayes shrinkage for U units.

This is what a data scientist would write without libloyalty: the same
formulas as MODELS.md 13.2-13.3, the same data sizes, its own seeded data.
"""
import sys
import time

import numpy as np
from scipy.special import erfc


def best(fn, reps=3):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def data(rng, shape):
    n = rng.integers(5, 96, size=shape)
    n[rng.random(shape) < 0.02] = 0
    d = rng.binomial(n, 0.2)
    p = rng.binomial(n - d, 0.5 / 0.8)
    return d, n - d - p, p


def chart(D, A, P, B, lam=0.2, L=3.0, k=0.5, h=5.0, lim=3.0):
    U, T = D.shape
    n = D + A + P
    N = n[:, :B].sum(1)
    SP = P[:, :B].sum(1)
    SD = D[:, :B].sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cl = (SP - SD) / N
        var = SP / N + SD / N - cl * cl
        sig = np.sqrt(var)
        x = (P - D) / n
        z = (x - cl[:, None]) * np.sqrt(n) / sig[:, None]
        zb = z[:, :B]
        mr = np.nanmean(np.abs(np.diff(zb, axis=1)), axis=1)
        sz = mr / 1.128
    gap = n == 0
    code = np.where(gap, 1, 0).astype(np.int32)
    code |= np.where(z > lim, 0x10, 0) | np.where(z < -lim, 0x20, 0)
    code |= np.where(z > lim * sz[:, None], 0x40, 0)
    code |= np.where(z < -lim * sz[:, None], 0x80, 0)
    code |= np.where(x > cl[:, None], 4, 0) | np.where(x < cl[:, None], 8, 0)
    e = cl.copy()
    a = np.zeros(U)
    cp = np.zeros(U)
    cm = np.zeros(U)
    last = np.zeros(U, dtype=np.int8)
    cur = np.zeros(U, dtype=np.int64)
    longest = np.zeros(U, dtype=np.int64)
    runs = np.zeros(U, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(T):
            ok = ~gap[:, t]
            xt, zt = x[:, t], z[:, t]
            e = np.where(ok, lam * xt + (1 - lam) * e, e)
            a = np.where(ok, (1 - lam) ** 2 * a + lam * lam / n[:, t], a)
            ed = e - cl
            sig_e = ed * ed > L * L * var * a
            code[:, t] |= np.where(ok & sig_e & (ed > 0), 0x100, 0)
            code[:, t] |= np.where(ok & sig_e & (ed < 0), 0x200, 0)
            cp = np.where(ok, np.maximum(0, cp + zt - k), cp)
            cm = np.where(ok, np.maximum(0, cm - zt - k), cm)
            code[:, t] |= np.where(ok & (cp > h), 0x400, 0)
            code[:, t] |= np.where(ok & (cm > h), 0x800, 0)
            side = np.sign(np.where(ok, xt - cl, 0)).astype(np.int8)
            useful = side != 0
            same = side == last
            cur = np.where(useful, np.where(same, cur + 1, 1), cur)
            runs += useful & ~same
            longest = np.maximum(longest, cur)
            last = np.where(useful, side, last)
    return code, longest, runs


def funnel(D, A, P, winsor=0.1, alpha=0.05):
    n = (D + A + P).astype(float)
    p0 = P.sum() / n.sum()
    d0 = D.sum() / n.sum()
    t0 = p0 - d0
    s2 = p0 + d0 - t0 * t0
    theta = (P - D) / n
    se = np.sqrt(s2 / n)
    z = (theta - t0) / se
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    phi = np.mean(zw * zw)
    w = 1 / se ** 2
    I = len(z)
    tau2od = max(0.0, (I * phi - (I - 1)) / (w.sum() - (w * w).sum() / w.sum()))
    zod = (theta - t0) / np.sqrt(se ** 2 + tau2od)
    pv = erfc(np.abs(zod) / np.sqrt(2.0))
    order = np.argsort(pv)
    ps = pv[order]
    ok = ps <= np.arange(1, I + 1) * alpha / I
    kstar = np.nonzero(ok)[0].max() + 1 if ok.any() else 0
    v = (P / n + D / n - theta ** 2) / n
    good = v > 0
    wi = 1 / v[good]
    th = theta[good]
    fe = (wi * th).sum() / wi.sum()
    Q = (wi * (th - fe) ** 2).sum()
    df = good.sum() - 1
    tau2 = max(0.0, (Q - df) / (wi.sum() - (wi * wi).sum() / wi.sum()))
    i2 = max(0.0, (Q - df) / Q)
    ws = 1 / (v[good] + tau2)
    mu = (ws * th).sum() / ws.sum()
    B = tau2 / (tau2 + v)
    shrunk = mu + B * (theta - mu)
    return kstar, tau2, i2, shrunk


def main():
    mode = sys.argv[1]
    rng = np.random.default_rng(7)
    if mode == "chart":
        U, T, B = (int(a) for a in sys.argv[2:5])
        D, A, P = data(rng, (U, T))
        print(best(lambda: chart(D, A, P, B)))
    else:
        U = int(sys.argv[2])
        D, A, P = data(rng, (U,))
        D, A, P = D * 20 + 1, A * 20 + 1, P * 20 + 1
        print(best(lambda: funnel(D, A, P), reps=5))


if __name__ == "__main__":
    main()
