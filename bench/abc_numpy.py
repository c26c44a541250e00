"""Baseline for bench_abc: fixed-cut-off ABC classification in numpy.

Same rules as loy_abc_classify (rule AFTER, VALUE basis, cut-offs 0.80 /
0.95, tie rule, tolerance 1e-12 * total) done the usual numpy way: a
stable argsort, a cumulative sum, and a pass spreading each run's class.
Prints the best time in seconds over a few repetitions (first token).
Usage: abc_numpy.py [n] [reps]
"""
import sys
import time

import numpy as np


def classify(v, a=0.80, b=0.95):
    order = np.argsort(-v, kind="stable")
    s = v[order]
    cum = np.cumsum(s)
    total = cum[-1]
    tol = 1e-12 * total
    cls = np.where(cum <= a * total + tol, 0,
                   np.where(cum <= b * total + tol, 1, 2)).astype(np.uint8)
    # tie rule: every item takes the class of its run's first item
    start = np.empty(len(s), dtype=bool)
    start[0] = True
    np.not_equal(s[1:], s[:-1], out=start[1:])
    first = np.maximum.accumulate(np.where(start, np.arange(len(s)), 0))
    out = np.empty(len(s), dtype=np.uint8)
    out[order] = cls[first]
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    # revenue in cents: lognormal, many ties (same shape as bench_abc.c)
    v = np.round(np.exp(rng.normal(4.0, 1.2, n)), 2)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        classify(v)
        best = min(best, time.perf_counter() - t0)
    print(f"{best:.6f}")


if __name__ == "__main__":
    main()
