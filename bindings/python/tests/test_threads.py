# SPDX-License-Identifier: MIT
"""The binding from several threads: every thread gets exactly the
single-threaded results (the library is reentrant and ctypes releases the
GIL during calls, so the calls really overlap)."""

import random
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor

from loyalty import nps, segment, stats
from loyalty._arrays import have_numpy

if have_numpy():
    import numpy as np

N_THREADS = 8
ROUNDS = 20


def make_case(seed):
    rng = random.Random(seed)
    n = 3000
    scores = bytes(rng.randrange(0, 11) for _ in range(n))
    groups = [rng.randrange(0, 16) for _ in range(n)]
    values = [rng.expovariate(0.02) for _ in range(n)]
    loy = [rng.randrange(-1, 3) for _ in range(n)]
    if have_numpy():
        scores = np.frombuffer(scores, dtype=np.uint8)
        values = np.array(values)
    return scores, groups, values, loy


def work(case):
    scores, groups, values, loy = case
    t = nps.tally(scores)
    cls, summary = segment.abc(values)
    cells, cross = segment.cross(values, cls, loy, nps_method="score")
    return (t, nps.estimate(t, "score"), nps.estimate(t), nps.grouped(scores, groups, 16),
            list(cls), summary, list(cells), cross.as_dict()["class_nps_lower"],
            segment.abc_computed(values)[1], stats.normal_quantile(0.3 + 1e-4 * len(loy)))


class TestThreads(unittest.TestCase):
    def test_same_results_as_single_threaded(self):
        cases = [make_case(s) for s in range(N_THREADS)]
        want = [work(c) for c in cases]
        barrier = threading.Barrier(N_THREADS)

        def run(i):
            barrier.wait()
            return [work(cases[i]) for _ in range(ROUNDS // 4)]

        with ThreadPoolExecutor(N_THREADS) as pool:
            got = list(pool.map(run, range(N_THREADS)))
        for i in range(N_THREADS):
            for result in got[i]:
                self.assertEqual(result, want[i])

    def test_errors_in_threads_carry_their_index(self):
        def bad(i):
            scores = [5] * 100
            scores[i] = 11
            try:
                nps.tally(scores)
            except ValueError as exc:
                return exc.index
            return None

        with ThreadPoolExecutor(N_THREADS) as pool:
            got = list(pool.map(bad, range(64)))
        self.assertEqual(got, list(range(64)))


if __name__ == "__main__":
    unittest.main()
