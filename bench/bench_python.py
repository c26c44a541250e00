# SPDX-License-Identifier: MIT
"""Python binding overhead: scalar call cost and a 100M uint8 NPS tally.

Usage (from the repository root, after building the library and bench):
    LIBLOYALTY_PATH=build/libloyalty.so.1 /usr/bin/python3 bench/bench_python.py \
        [--c-bench build/bench/bench_nps] [--n 100000000] [--reps 15]

1. Call overhead: stats.normal_cdf(0.5) in a loop (the full binding path:
   argument conversion, the C call, the status check, the result), per
   call; the bare ctypes call with prebuilt arguments and an empty Python
   function call are printed as references. Target: < 2 microseconds.
2. Tally: nps.tally() on a numpy uint8 array of 100M scores against the C
   function timed in the same process (loy_nps_tally_u8 called once through
   ctypes with a precomputed pointer: the C work plus one call), the two
   alternating in one loop so both see the same machine load; best of
   --reps each. Target: binding within 10% of C. With --c-bench the C
   program bench_nps is also run and its loy_nps_tally_u8 line reported.
"""

import argparse
import ctypes
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import numpy as np  # noqa: E402

from loyalty import nps, stats  # noqa: E402


def best_loop(fn, calls, reps):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(calls)
        best = min(best, time.perf_counter() - t0)
    return best / calls


def scalar_overhead(reps):
    cdf = stats.normal_cdf
    raw = stats._cdf
    out = ctypes.c_double()
    ref = ctypes.byref(out)

    def binding(k):
        for _ in range(k):
            cdf(0.5)

    def bare(k):
        for _ in range(k):
            raw(ref, 0.5)

    def empty(k):
        def f(x):
            return x
        for _ in range(k):
            f(0.5)

    calls = 200_000
    t_bind = best_loop(binding, calls, reps)
    t_bare = best_loop(bare, calls, reps)
    t_empty = best_loop(empty, calls, reps)
    assert abs(cdf(0.5) - 0.6914624612740131) < 1e-15
    print("%-48s %8.3f us/call  (target < 2 us: %s)"
          % ("stats.normal_cdf (binding)", t_bind * 1e6, "met" if t_bind < 2e-6 else "MISSED"))
    print("%-48s %8.3f us/call" % ("ctypes call, prebuilt args + errcheck", t_bare * 1e6))
    print("%-48s %8.3f us/call" % ("empty Python function call", t_empty * 1e6))
    return t_bind


def tally_ratio(n, reps):
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, size=n, dtype=np.uint8)
    out = nps._Tally.new()
    ptr = scores.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))
    c_fn = nps._tally_u8
    t_bind = t_c = float("inf")
    want = None
    for _ in range(reps):
        t0 = time.perf_counter()
        rc = c_fn(ctypes.byref(out), ptr, n, None, 0, None)
        t1 = time.perf_counter()
        t = nps.tally(scores)
        t2 = time.perf_counter()
        if rc != 0:
            raise SystemExit("loy_nps_tally_u8 failed: %d" % rc)
        t_c = min(t_c, t1 - t0)
        t_bind = min(t_bind, t2 - t1)
        want = (out.detractors, out.passives, out.promoters)
        assert (t.detractors, t.passives, t.promoters) == want
    ratio = t_bind / t_c
    print("# %d uint8 scores; tally D=%d A=%d P=%d; best of %d" % ((n,) + want + (reps,)))
    print("%-48s %8.4f s  %8.3g B/s" % ("loy_nps_tally_u8, C in-process", t_c, n / t_c))
    print("%-48s %8.4f s  %8.3g B/s  %.3fx the C time (target <= 1.10: %s)"
          % ("nps.tally(numpy uint8), binding", t_bind, n / t_bind, ratio,
             "met" if ratio <= 1.10 else "MISSED"))
    small = scores[:1000].copy()
    sp = small.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))

    def c_small(k):
        for _ in range(k):
            c_fn(ctypes.byref(out), sp, 1000, None, 0, None)

    def bind_small(k):
        for _ in range(k):
            nps.tally(small)
    o_c = best_loop(c_small, 20_000, 5)
    o_b = best_loop(bind_small, 20_000, 5)
    print("%-48s %8.3f us/call (bare ctypes call: %.3f us; fixed cost %.3f us"
          % ("nps.tally, 1000 uint8 scores", o_b * 1e6, o_c * 1e6, (o_b - o_c) * 1e6))
    print("%-48s = %.2f%% of the 100M C time)" % ("", 100 * (o_b - o_c) / t_c))
    return t_bind, t_c


def c_program(path):
    try:
        text = subprocess.run([path], capture_output=True, text=True, timeout=600).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        print("C benchmark %s not run: %s" % (path, exc))
        return None
    m = re.search(r"^loy_nps_tally_u8 \(100M\)\s+([0-9.]+) s", text, re.M)
    if not m:
        print("C benchmark output not understood")
        return None
    print("%-48s %8.4f s" % ("bench_nps: loy_nps_tally_u8 (100M), C program", float(m.group(1))))
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000_000)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--c-bench", default=None,
                    help="path of the bench_nps program to run as well")
    args = ap.parse_args()
    print("# libloyalty", nps.__name__, "binding benchmark; machine may be shared")
    scalar_overhead(args.reps)
    t_bind, _ = tally_ratio(args.n, args.reps)
    if args.c_bench:
        t_prog = c_program(args.c_bench)
        if t_prog and args.n == 100_000_000:
            print("%-48s %8.3fx" % ("binding time / bench_nps time", t_bind / t_prog))


if __name__ == "__main__":
    main()
