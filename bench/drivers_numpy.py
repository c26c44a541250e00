# SPDX-License-Identifier: MIT
"""numpy baselines for bench_drivers: prints the best-of-7 seconds.

  drivers_numpy.py cov f64  -> np.cov of 1M rows x 11 columns of float64
                               (row-major, rowvar=False)
  drivers_numpy.py cov u8   -> the same on uint8 ratings (numpy converts
                               to float64 inside np.cov)

The ratings are 0-10, as bench_drivers.c's, drawn by numpy's generator.
"""
import sys
import time

import numpy as np


def best(fn, reps=7):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    kind = sys.argv[2] if len(sys.argv) > 2 else "f64"
    rng = np.random.default_rng(1)
    x = rng.integers(0, 11, size=(1_000_000, 11), dtype=np.uint8)
    if kind == "f64":
        x = x.astype(np.float64)
    print("%.6f" % best(lambda: np.cov(x, rowvar=False)))


if __name__ == "__main__":
    main()
