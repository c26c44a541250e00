# SPDX-License-Identifier: MIT
"""numpy baseline for bench_churn: the silent-churn aggregates. Prints seconds (best of 5)."""
import sys, time
import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
rng = np.random.default_rng(42)
p = rng.random(n)
pn = p * 0.9
v = rng.integers(0, 1 << 24, n).astype(np.float64)
best = 1e9
for _ in range(5):
    t = time.perf_counter()
    lost = (1 - p).sum()
    vlost = ((1 - p) * v).sum()
    valive = (p * v).sum()
    vnext = ((p - pn) * v).sum()
    likely = np.count_nonzero(p < 0.5)
    best = min(best, time.perf_counter() - t)
print(best)
