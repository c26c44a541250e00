# SPDX-License-Identifier: MIT
"""Key drivers from a DataFrame: loyalty.drivers against the C library
alone and against what a pandas user writes without it.

Usage (from the repository root, after building the library):
    LIBLOYALTY_PATH=build/libloyalty.so.1 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bench/bench_pandas_drivers.py [--rows 1000000] [--blanks 0.02]

A seeded survey of --rows answers: a 0-10 outcome and 7 ratings 0-10
(float64 columns, a share --blanks of the cells NaN). Timed, best of
--reps, alternating so that all see the same machine load:

  api:   drivers.linear(df, "y", drivers): tally (listwise), LMG with
         dominance, relative weights, coefficients, DataFrames out
  C:     the same tally and analysis through ctypes on uint8 columns
         prepared beforehand (the library alone)
  numpy: LMG the way it is written without the library: dropna, then one
         np.linalg.lstsq per subset of drivers (2^7 fits), on the first
         --numpy-rows rows (it is too slow for all of them)

and prints api / C and numpy / api (on the numpy rows).
"""

import argparse
import ctypes
import itertools
import time

import numpy as np
import pandas as pd

from loyalty import _drivers_ffi as ffi
from loyalty import drivers


def best(fn, reps):
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--blanks", type=float, default=0.02)
    ap.add_argument("--numpy-rows", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    n, p = a.rows, 7
    X = np.clip(np.round(rng.normal(7, 2, size=(n, p))), 0, 10)
    y = np.clip(np.round(X @ rng.uniform(0.05, 0.3, p) + rng.normal(0, 1.5, n)), 0, 10)
    df = pd.DataFrame(X, columns=["a%d" % j for j in range(p)])
    df.insert(0, "y", y)
    df = df.mask(rng.random((n, p + 1)) < a.blanks)
    names = list(df.columns[1:])
    u8 = [np.where(np.isnan(c), 255, c).astype(np.uint8)
          for c in (df[k].to_numpy() for k in df.columns)]

    def c_only():
        h = ffi.P_MOMENTS()
        ffi.moments_new(ctypes.byref(h), p + 1, ffi.MOMENTS_INTEGER | ffi.MOMENTS_LISTWISE)
        t = drivers.MomentTally._wrap(h, df.columns)
        ptrs = (ffi._PU8 * (p + 1))(*[c.ctypes.data_as(ffi._PU8) for c in u8])
        ffi.moments_add_cols_u8(h, ptrs, n, None, None, None)
        return drivers.linear(t, "y", names)

    api, c = float("inf"), float("inf")
    for _ in range(a.reps):
        api = min(api, best(lambda: drivers.linear(df, "y", names), 1))
        c = min(c, best(c_only, 1))
    r_api = drivers.linear(df, "y", names)
    r_c = c_only()
    assert np.allclose(r_api.importance["lmg"], r_c.importance["lmg"], atol=1e-12)

    sub = df.iloc[:a.numpy_rows]
    clean = sub.dropna()
    Y, Z = clean["y"].to_numpy(), clean[names].to_numpy()

    def numpy_lmg():
        tss = ((Y - Y.mean()) ** 2).sum()
        r2 = {}
        for k in range(p + 1):
            for S in itertools.combinations(range(p), k):
                A = np.column_stack([np.ones(len(Y))] + [Z[:, j] for j in S])
                r = Y - A @ np.linalg.lstsq(A, Y, rcond=None)[0]
                r2[S] = 1 - r @ r / tss
        return r2

    t_np = best(numpy_lmg, 1)
    t_api_sub = best(lambda: drivers.linear(sub, "y", names), a.reps)
    print("rows %d, 7 drivers, blanks %.3g of the cells (%d complete rows)"
          % (n, a.blanks, r_api.n))
    print("api   drivers.linear(DataFrame)       %8.4f s" % api)
    print("C     tally (uint8 prepared) + LMG    %8.4f s   api / C = %.2f" % (c, api / c))
    print("numpy per-subset lstsq, %d rows   %8.4f s   vs api %.4f s: %.0fx"
          % (a.numpy_rows, t_np, t_api_sub, t_np / t_api_sub))


if __name__ == "__main__":
    main()
