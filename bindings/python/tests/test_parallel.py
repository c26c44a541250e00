# SPDX-License-Identifier: MIT
"""threads= on fits and batched predictions: the same numbers for every
thread count, and the ctypes mirror of loy_fit_options matches the C
layout (threads appended after max_evals)."""

import ctypes
import unittest

import numpy as np

from loyalty import bgnbd, mbgnbd, pnbd
from loyalty._model import FitOptions, PredictOptions, fit_options


def _customers(n=9000, seed=5):
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.6, 1 / 4.0, n)
    T = rng.uniform(20.0, 40.0, n)
    x = rng.poisson(lam * T * rng.uniform(0.2, 1.0, n)).astype(float)
    t_x = np.where(x > 0, T * rng.uniform(0.3, 1.0, n), 0.0)
    return x, t_x, T


class TestLayout(unittest.TestCase):
    def test_struct_sizes(self):
        self.assertEqual(FitOptions.threads.offset, 44)  # right after max_evals (LP64)
        self.assertEqual(ctypes.sizeof(FitOptions), 48)
        self.assertEqual(ctypes.sizeof(PredictOptions), 16)
        opts, _ = fit_options(threads=3)
        self.assertEqual(opts.struct_size, 48)
        self.assertEqual(opts.threads, 3)
        with self.assertRaises(ValueError):
            fit_options(threads=0)


class TestThreads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.t_x, cls.T = _customers()

    def test_fit_same_for_every_thread_count(self):
        for mod in (bgnbd, mbgnbd):
            ref = mod.fit(self.x, self.t_x, self.T, compress=False, se=False)
            got = mod.fit(self.x, self.t_x, self.T, compress=False, se=False,
                          threads=2)
            self.assertEqual(list(ref.params.values()), list(got.params.values()))
            self.assertEqual(ref.loglik, got.loglik)

    def test_predict_same_for_every_thread_count(self):
        m = bgnbd.fit(self.x, self.t_x, self.T)
        pa1, ce1 = m.predict(39.0, self.x, self.t_x, self.T)
        pa2, ce2 = m.predict(39.0, self.x, self.t_x, self.T, threads=3)
        np.testing.assert_array_equal(pa1, pa2)
        np.testing.assert_array_equal(ce1, ce2)
        for mod, p in ((pnbd, (0.55, 10.6, 0.61, 11.7)), (mbgnbd, (0.52, 6.2, 0.89, 1.6))):
            m = mod.ParetoNBD(p) if mod is pnbd else mod.MBGNBD(p)
            pa1, ce1 = m.predict(self.x, self.t_x, self.T, 39.0)
            pa2, ce2 = m.predict(self.x, self.t_x, self.T, 39.0, threads=2)
            np.testing.assert_array_equal(pa1, pa2)
            np.testing.assert_array_equal(ce1, ce2)
            np.testing.assert_array_equal(pa1, m.palive(self.x, self.t_x, self.T))
            np.testing.assert_array_equal(ce1, m.expected(self.x, self.t_x, self.T, 39.0))


if __name__ == "__main__":
    unittest.main()
