# SPDX-License-Identifier: MIT
"""BG/BB through the binding: equals the C results and MODELS.md values."""

import ctypes
import math
import os
import unittest

import pytest

import loyalty
from loyalty import bgbb
from loyalty._lib import lib

PUB = (1.204, 0.750, 0.657, 2.783)
# donations patterns (MODELS.md; the same rows as donations.csv)
DON_X = [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6]
DON_TX = [0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 3, 4, 5, 6, 4, 5, 6, 5, 6, 6]
DON_W = [3464, 1091, 277, 129, 78, 119, 129, 613, 255, 155, 173, 234, 322, 181,
         225, 357, 240, 284, 512, 335, 728, 1203]
DON_N = [6] * 22


def data_path(rel):
    """../shared/data file, or None when the shared data are absent."""
    base = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")
    path = os.path.join(base, rel)
    return path if os.path.exists(path) else None


def load_donations():
    path = data_path("donations/donations.csv")
    if path is None:
        raise unittest.SkipTest("shared data absent")
    cols = [[], [], [], []]
    with open(path) as f:
        assert f.readline().strip() == "frequency,recency,periods,weights"
        for line in f:
            for col, v in zip(cols, line.split(",")):
                col.append(float(v))
    return cols


def raw(name, params, cols, *extra):
    """The C function called directly with hand-made ctypes arrays."""
    n = len(cols[0])
    out = (ctypes.c_double * n)()
    arrs = [(ctypes.c_double * n)(*c) for c in cols]
    assert getattr(lib, name)(out, (ctypes.c_double * 4)(*params), *arrs, n, *extra,
                              None) == 0
    return list(out)


def lbeta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


class TestPublished(unittest.TestCase):
    def test_donations_loglik(self):
        ll = bgbb.loglik(PUB, DON_X, DON_TX, DON_N, weights=DON_W)
        self.assertAlmostEqual(ll, -33225.58, delta=0.005)
        out = ctypes.c_double()
        arrs = [(ctypes.c_double * 22)(*c) for c in (DON_X, DON_TX, DON_N, DON_W)]
        lib.loy_bgbb_loglik(ctypes.byref(out), (ctypes.c_double * 4)(*PUB), *arrs, 22, None)
        self.assertEqual(ll, out.value)

    @pytest.mark.shared_data
    def test_donations_fit_from_csv(self):
        x, tx, n, w = load_donations()
        self.assertEqual((x, tx, n, w), (DON_X, DON_TX, DON_N, DON_W))
        m = bgbb.fit(x, tx, n, weights=w)
        self.assertIsInstance(m, bgbb.BGBB)
        for name, want in zip(bgbb.PARAM_NAMES, PUB):
            self.assertAlmostEqual(m.params[name], want, delta=0.005)
            self.assertTrue(0 < m.se[name] < m.params[name])
        self.assertAlmostEqual(m.loglik, -33225.58, delta=0.005)
        self.assertEqual(m.n_customers, 11104.0)
        self.assertAlmostEqual(m.loglik_at(x, tx, n, w), m.loglik, delta=1e-7)
        self.assertIn("BGBB(alpha=", repr(m))


class TestEqualsC(unittest.TestCase):
    def test_predictions(self):
        cols = (DON_X, DON_TX, DON_N)
        m = bgbb.BGBB(PUB)
        self.assertEqual(list(m.palive(*cols)),
                         raw("loy_bgbb_palive", PUB, cols, ctypes.c_double(1)))
        self.assertEqual(list(bgbb.palive(PUB, *cols, m=3)),
                         raw("loy_bgbb_palive", PUB, cols, ctypes.c_double(3)))
        self.assertEqual(list(m.expected(*cols, 5)),
                         raw("loy_bgbb_expected", PUB, cols, ctypes.c_double(5)))
        self.assertEqual(list(m.dert(*cols, 0.1)),
                         raw("loy_bgbb_dert", PUB, cols, ctypes.c_double(0.1)))
        self.assertEqual(list(m.expected_new([1, 6, 250])),
                         raw("loy_bgbb_expected_new", PUB, ([1, 6, 250],)))
        self.assertEqual(list(m.pmf([6] * 7, range(7))),
                         raw("loy_bgbb_pmf", PUB, ([6] * 7, list(range(7)))))


class TestProperties(unittest.TestCase):
    def test_pmf_and_expected_new(self):
        for n in (1, 6, 20):
            pm = bgbb.pmf(PUB, n, range(n + 1))  # scalar n broadcast
            self.assertAlmostEqual(sum(pm), 1.0, delta=1e-12)
            mean = sum(k * p for k, p in enumerate(pm))
            self.assertAlmostEqual(mean, bgbb.expected_new(PUB, n), delta=1e-11)
        a, b, g, d = PUB
        self.assertAlmostEqual(bgbb.expected_new(PUB, 1), a / (a + b) * d / (g + d),
                               delta=1e-14)
        # expected donors with x = 0 among 11104 is close to the observed 3464
        self.assertLess(abs(11104 * bgbb.pmf(PUB, 6, 0) - 3464), 30)

    def test_gamma_one_limit(self):
        p = (1.2, 0.8, 1.0, 2.5)
        for h in (6, 50):
            want = p[0] / (p[0] + p[1]) * p[3] * sum(1.0 / (1.0 + p[3] + j) for j in range(h))
            self.assertAlmostEqual(bgbb.expected_new(p, h), want, delta=1e-12 * want)

    def test_dert_direct_sum(self):
        x, tx, n = 4, 6, 6
        a, b, g, d = PUB
        ll = bgbb.loglik(PUB, [x], [tx], [n])
        lnum = (math.lgamma(a + x + 1) + math.lgamma(b + n - x)
                - math.lgamma(a + b + n + 1) - lbeta(a, b))
        for rate in (0.1, 1.0):
            v = 1.0 / (1.0 + rate)
            s = sum(math.exp(lnum + lbeta(g, d + n + k) - lbeta(g, d) - ll + k * math.log(v))
                    for k in range(1, 400))
            self.assertAlmostEqual(bgbb.dert(PUB, x, tx, n, rate), s, delta=1e-10 * s)

    def test_palive_bounds(self):
        pa0 = bgbb.palive(PUB, DON_X, DON_TX, DON_N, m=0)
        pa1 = bgbb.palive(PUB, DON_X, DON_TX, DON_N)
        for p0, p1, x, tx in zip(pa0, pa1, DON_X, DON_TX):
            self.assertTrue(0.0 < p1 < p0 <= 1.0)
            if tx == 6:
                self.assertEqual(p0, 1.0)  # a transaction at the last opportunity


class TestErrors(unittest.TestCase):
    def test_bad_input_has_index(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            bgbb.palive(PUB, [1, 2, 7], [1, 2, 6], [6, 6, 6])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            bgbb.loglik(PUB, [1, 2.5], [1, 3], [6, 6])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ESCALE", 1))
        with self.assertRaises(loyalty.BadInputError) as cm:
            bgbb.fit([1, 2], [1, 2], [6, 6], weights=[1.0, float("inf")])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 1))

    def test_domain(self):
        with self.assertRaises(loyalty.DomainError):
            bgbb.dert(PUB, [1], [1], [6], 0.0)  # gamma <= 1: infinite sum
        with self.assertRaises(loyalty.DomainError):
            bgbb.expected_new((1.0, 0.0, 1.0, 1.0), [6])

    def test_not_converged(self):
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            bgbb.fit(DON_X, DON_TX, DON_N, DON_W, max_iter=1)
        best = cm.exception.result
        self.assertFalse(best.converged)
        self.assertEqual(len(best.params), 4)


if __name__ == "__main__":
    unittest.main()
