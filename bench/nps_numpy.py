# SPDX-License-Identifier: MIT
"""numpy baselines for bench_nps: prints the best-of-5 seconds.

  nps_numpy.py tally    -> two count_nonzero passes over 100M uint8 scores
  nps_numpy.py grouped  -> np.bincount of precomputed keys group*11 + score
                           (10M scores, 1000 groups)
"""
import sys
import time

import numpy as np


def best(fn, reps=5):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "tally"
    rng = np.random.default_rng(1)
    if mode == "tally":
        s = rng.integers(0, 11, size=100_000_000, dtype=np.uint8)

        def run():
            promoters = np.count_nonzero(s >= 9)
            detractors = np.count_nonzero(s <= 6)
            return promoters - detractors

        print(best(run))
    else:
        s = rng.integers(0, 11, size=10_000_000, dtype=np.int64)
        g = rng.integers(0, 1000, size=10_000_000, dtype=np.int64)
        key = g * 11 + s
        print(best(lambda: np.bincount(key, minlength=11000)))


if __name__ == "__main__":
    main()
