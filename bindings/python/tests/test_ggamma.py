# SPDX-License-Identifier: MIT
"""loyalty.ggamma through the binding: the CDNOW fit of MODELS.md
(p 6.25, q 3.74, gamma 15.44), results equal to direct C calls, the
shrinkage form of the expected spend, errors as exceptions."""

import csv
import ctypes
import math
import os
import unittest

import pytest

import loyalty
from loyalty import ggamma
from loyalty._lib import lib

P = (6.25, 3.74, 15.44)


def shared_data(rel):
    """Path of a file under ../shared/data (LOY_SHARED_DATA_DIR overrides), or None."""
    root = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
        "shared", "data")
    path = os.path.join(root, rel)
    return path if os.path.exists(path) else None


def load_repeaters():
    path = shared_data("cdnow/cdnow_customers_summary_with_transactions.csv")
    if path is None:
        raise unittest.SkipTest("../shared/data absent")
    x, m = [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if float(row["x"]) > 0:
                x.append(float(row["x"]))
                m.append(float(row["zbar"]))
    return x, m


@pytest.mark.shared_data
class TestCdnow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.m = load_repeaters()
        cls.model = ggamma.fit(cls.x, cls.m)

    def test_published_fit(self):
        g = self.model
        self.assertEqual(len(self.x), 946)
        self.assertAlmostEqual(g.params["p"], 6.25, delta=0.005)
        self.assertAlmostEqual(g.params["q"], 3.74, delta=0.005)
        self.assertAlmostEqual(g.params["gamma"], 15.44, delta=0.01)
        self.assertTrue(all(s > 0 for s in g.se.values()))
        self.assertAlmostEqual(g.log_likelihood(self.x, self.m), g.loglik,
                               delta=1e-13 * abs(g.loglik))
        p, q, gam = g.values
        self.assertAlmostEqual(g.population_mean(), p * gam / (q - 1), places=12)
        self.assertLess(abs(ggamma.correlation(self.x, self.m)), 0.3)
        self.assertIn("GammaGamma(p=6.2", repr(g))

    def test_equals_c(self):
        n = len(self.x)
        cx = (ctypes.c_double * n)(*self.x)
        cm = (ctypes.c_double * n)(*self.m)
        out = (ctypes.c_double * 3)()
        self.assertEqual(lib.loy_ggamma_fit(out, cx, cm, None, n, None, None, None), 0)
        self.assertEqual(list(out), list(self.model.values))
        e = (ctypes.c_double * n)()
        self.assertEqual(lib.loy_ggamma_expected_spend(e, out, cx, cm, n, None), 0)
        self.assertEqual(list(self.model.expected_spend(self.x, self.m)), list(e))

    def test_weights_equal_replication(self):
        w = [1 + i % 3 for i in range(len(self.x))]
        xr = [v for v, k in zip(self.x, w) for _ in range(k)]
        mr = [v for v, k in zip(self.m, w) for _ in range(k)]
        a = ggamma.fit(self.x, self.m, weights=w, se=False)
        b = ggamma.fit(xr, mr, se=False)
        for u, v in zip(a.values, b.values):
            self.assertAlmostEqual(u, v, delta=1e-5 * v)


class TestSpend(unittest.TestCase):
    def test_shrinkage(self):
        g = ggamma.GammaGamma(P)
        pm = ggamma.population_mean(P)
        e = g.expected_spend([0, 1, 50], [0, 30, 30])
        self.assertAlmostEqual(e[0], pm, places=12)
        wgt = P[0] / (P[0] + P[1] - 1)
        self.assertAlmostEqual(e[1], (1 - wgt) * pm + wgt * 30, places=12)
        self.assertLess(abs(e[2] - 30), abs(e[1] - 30))
        self.assertIsInstance(g.expected_spend(1, 30), float)
        self.assertEqual(ggamma.expected_spend(P, 1, 30), e[1])

    def test_correlation_values(self):
        self.assertAlmostEqual(ggamma.correlation([1, 2, 3, 4], [2, 4, 6, 8]), 1.0, places=14)
        self.assertAlmostEqual(ggamma.correlation([1, 2, 3, 4], [8, 6, 4, 2]), -1.0, places=14)
        self.assertAlmostEqual(ggamma.correlation([1, 2, 3, 4], [1, 3, 3, 1]), 0.0, places=14)


class TestErrors(unittest.TestCase):
    def test_bad_input(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            ggamma.fit([1, 2, 3], [5, 0, 7])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ESCALE", 1))
        with self.assertRaises(loyalty.BadInputError) as cm:
            ggamma.loglik(P, [1, 2, 0], [5, 6, 7])
        self.assertEqual(cm.exception.index, 2)
        with self.assertRaises(loyalty.BadInputError) as cm:
            ggamma.fit([1, 2, 3], [math.nan, 6, 7])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 0))
        with self.assertRaises(loyalty.BadInputError) as cm:
            ggamma.fit([], [])
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(ValueError):
            ggamma.fit([1, 2], [3])

    def test_domain(self):
        with self.assertRaises(loyalty.DomainError):
            ggamma.population_mean((6.25, 1.0, 15.44))
        with self.assertRaises(loyalty.DomainError) as cm:
            ggamma.GammaGamma((6.25, 1.0, 15.44)).expected_spend([0], [0])
        self.assertEqual(cm.exception.index, 0)
        with self.assertRaises(loyalty.DomainError) as cm:
            ggamma.loglik((6.25, -1.0, 15.44), [1], [5])
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(loyalty.DomainError) as cm:
            ggamma.correlation([2, 2, 2], [5, 6, 7])
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")

    def test_not_converged(self):
        x = [1, 2, 3, 4, 5, 6] * 5
        m = [10, 12, 9, 30, 14, 11] * 5
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            ggamma.fit(x, m, max_iter=1)
        self.assertIsInstance(cm.exception.result, ggamma.GammaGamma)
        self.assertFalse(cm.exception.result.converged)


if __name__ == "__main__":
    unittest.main()
