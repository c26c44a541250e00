# SPDX-License-Identifier: MIT
"""Baseline for bench_abc: fixed-cut-off ABC classification in numpy.

Same rules as loy_abc_classify (rule AFTER, VALUE basis, cut-offs 0.80 /
0.95, tie rule, tolerance 1e-12 * total) done the usual numpy way: a
stable argsort, a cumulative sum, and a pass spreading each run's class.
Prints the best time in seconds over a few repetitions (first token).
Usage: abc_numpy.py [n] [reps]

With a third argument, the crossing instead (loy_segment_cross's work):
  abc_numpy.py n reps cross  -> cells, counts and value sums by cell from
                                value, value class and loyalty code
  abc_numpy.py n reps full   -> the same with potential (level), lifetime
                                value and churn-weighted value by cell
Inputs are checked the way the library checks them (finite, non-negative
values, classes 0..2, codes -1..2, churn in [0, 1]).
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


def cross(v, vc, code, extra=None):
    if not (np.isfinite(v).all() and (v >= 0).all()):
        raise ValueError("bad value")
    if vc.max() > 2 or code.min() < -1 or code.max() > 2:
        raise ValueError("bad class or code")
    cells = (4 * vc + (2 - code)).astype(np.uint8)
    out = {}
    if extra is not None:
        pot, ltv, churn = extra
        if not (np.isfinite(pot).all() and np.isfinite(ltv).all()):
            raise ValueError("bad potential or ltv")
        if not ((churn >= 0).all() and (churn <= 1).all()):
            raise ValueError("bad churn")
        cells += 12 * (pot >= 0.5).astype(np.uint8)
        out["ltv"] = np.bincount(cells, weights=ltv, minlength=24)
        out["risk"] = np.bincount(cells, weights=v * churn, minlength=24)
    out["count"] = np.bincount(cells, minlength=24)
    out["value"] = np.bincount(cells, weights=v, minlength=24)
    return cells, out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    mode = sys.argv[3] if len(sys.argv) > 3 else "classify"
    rng = np.random.default_rng(1)
    # revenue in cents: lognormal, many ties (same shape as bench_abc.c)
    v = np.round(np.exp(rng.normal(4.0, 1.2, n)), 2)
    if mode == "classify":
        def run():
            classify(v)
    else:
        vc = classify(v)
        code = rng.integers(-1, 3, n).astype(np.int32)
        extra = None
        if mode == "full":
            extra = (rng.random(n), 1000.0 * rng.random(n), rng.random(n))

        def run():
            cross(v, vc, code, extra)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    print(f"{best:.6f}")


if __name__ == "__main__":
    main()
