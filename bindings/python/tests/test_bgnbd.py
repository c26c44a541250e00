# SPDX-License-Identifier: MIT
"""loyalty.bgnbd through the binding: PyMC-Marketing and FHL 2005 CDNOW
reference values (MODELS.md 6), results equal to direct C calls, closed-form
and brute-force checks of the predictions, errors as exceptions."""

import csv
import ctypes
import math
import os
import unittest

import pytest

import loyalty
from loyalty import bgnbd
from loyalty._lib import lib

FHL = (0.243, 4.414, 0.793, 2.426)


def shared_data(rel):
    """Path of a file under ../shared/data (LOY_SHARED_DATA_DIR overrides), or None."""
    root = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
        "shared", "data")
    path = os.path.join(root, rel)
    return path if os.path.exists(path) else None


def load_cdnow():
    path = shared_data("cdnow/cdnow_customers_summary.csv")
    if path is None:
        raise unittest.SkipTest("../shared/data absent")
    x, tx, T = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            x.append(float(row["frequency"]))
            tx.append(float(row["recency"]))
            T.append(float(row["T"]))
    return x, tx, T


def c_array(values):
    return (ctypes.c_double * len(values))(*values)


class TestReference(unittest.TestCase):
    def test_pymc_marketing_loglik(self):
        m = bgnbd.BetaGeo((0.25, 4.0, 0.80, 2.50))
        ll = m.loglik_each([0, 200], [0, 38], [40, 40])
        self.assertAlmostEqual(ll[0], -0.59947382, delta=5e-8)
        self.assertAlmostEqual(ll[1], 100.7957, delta=5e-5)
        self.assertAlmostEqual(m.log_likelihood([0, 200], [0, 38], [40, 40]), ll[0] + ll[1],
                               places=10)
        self.assertAlmostEqual(bgnbd.loglik({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5},
                                            0, 0, 40), ll[0], places=14)

    def test_gradient_matches_differences(self):
        p = [0.8, 3.0, 1.4, 2.0]
        m = bgnbd.BetaGeo(p)
        _, g = m.loglik_each([3], [10.0], [20.0], gradient=True)
        for j in range(4):
            h = 1e-6 * p[j]
            up, dn = list(p), list(p)
            up[j] += h
            dn[j] -= h
            num = (bgnbd.loglik(up, 3, 10.0, 20.0) - bgnbd.loglik(dn, 3, 10.0, 20.0)) / (2 * h)
            self.assertAlmostEqual(g[0][j], num, delta=1e-5 * (1 + abs(num)))


@pytest.mark.shared_data
class TestCdnow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.tx, cls.T = load_cdnow()
        cls.model = bgnbd.fit(cls.x, cls.tx, cls.T)

    def test_published_fit(self):
        m = self.model
        self.assertEqual(list(m.params), ["r", "alpha", "a", "b"])
        for got, want in zip(m.values, FHL):
            self.assertAlmostEqual(got, want, delta=0.0005)
        self.assertAlmostEqual(m.loglik, -9582.4, delta=0.05)
        self.assertAlmostEqual(bgnbd.loglik(FHL, self.x, self.tx, self.T), -9582.4,
                               delta=0.05)
        self.assertTrue(m.converged)
        self.assertEqual(m.n_customers, 2357)
        self.assertTrue(all(s > 0 for s in m.se.values()))
        for j in range(4):
            self.assertAlmostEqual(m.cov[j][j], list(m.se.values())[j] ** 2,
                                   delta=1e-12 * (1 + m.cov[j][j]))
        self.assertIn("BetaGeo(r=0.24", repr(m))
        self.assertIn("se ", repr(m))

    def test_fit_equals_c(self):
        n = len(self.x)
        out = (ctypes.c_double * 4)()
        rc = lib.loy_bgnbd_fit(out, c_array(self.x), c_array(self.tx), c_array(self.T),
                               None, n, None, None, None)
        self.assertEqual(rc, 0)
        self.assertEqual(list(out), list(self.model.values))
        pa = (ctypes.c_double * n)()
        self.assertEqual(lib.loy_bgnbd_palive(pa, out, c_array(self.x), c_array(self.tx),
                                              c_array(self.T), n, None), 0)
        self.assertEqual(list(self.model.palive(self.x, self.tx, self.T)), list(pa))

    def test_weights_and_options(self):
        # the same customers as weighted unique rows give the same fit
        rows = {}
        for row in zip(self.x, self.tx, self.T):
            rows[row] = rows.get(row, 0) + 1
        keys = sorted(rows)
        w = bgnbd.fit([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
                      weights=[rows[k] for k in keys], se=False)
        for a, b in zip(w.values, self.model.values):
            self.assertAlmostEqual(a, b, delta=1e-6 * b)
        self.assertTrue(all(math.isnan(s) for s in w.se.values()))
        self.assertEqual(w.n_rows, len(keys))
        pen = bgnbd.fit(self.x, self.tx, self.T, penalty=0.01)
        self.assertLess(pen.params["alpha"], 4.414)
        self.assertLess(pen.params["b"], 2.426)

    def test_not_converged_carries_best_point(self):
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            bgnbd.fit(self.x, self.tx, self.T, max_iter=2)
        best = cm.exception.result
        self.assertIsInstance(best, bgnbd.BetaGeo)
        self.assertFalse(best.converged)
        self.assertTrue(all(v > 0 and math.isfinite(v) for v in best.values))
        self.assertEqual(cm.exception.name, "LOY_ENOCONV")
        self.assertIn("converged=False", repr(best))

    def test_predictions(self):
        m = self.model
        cet = m.expected(39.0, self.x, self.tx, self.T)
        self.assertTrue(1600 < sum(cet) < 1950)
        pa, c2 = m.predict(39.0, self.x, self.tx, self.T)
        self.assertEqual(list(c2), list(cet))
        self.assertEqual(list(pa), list(m.palive(self.x, self.tx, self.T)))
        # DERT with delta = 0 over a finite horizon is CET(H)
        d = m.clv(self.x[:50], self.tx[:50], self.T[:50], delta=0.0, horizon=39.0)
        for a, b in zip(d, cet[:50]):
            self.assertAlmostEqual(a, b, delta=1e-8 * (1 + b))


class TestPredictions(unittest.TestCase):
    p = (0.8, 3.0, 1.4, 2.0)

    def test_palive_closed_form(self):
        r, al, a, b = self.p
        m = bgnbd.BetaGeo(self.p)
        for x, tx, T in [(0, 0, 10), (1, 2, 10), (5, 9, 10), (3, 1, 30)]:
            want = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) *
                                           ((al + T) / (al + tx)) ** (r + x))
            got = m.palive(x, tx, T)
            self.assertIsInstance(got, float)
            self.assertAlmostEqual(got, want, places=12)

    def test_pmf_and_expected_new(self):
        m = bgnbd.BetaGeo(self.p)
        pmf = m.pmf(10.0, 400)
        self.assertAlmostEqual(sum(pmf), 1.0, delta=1e-9)
        mean = sum(k * q for k, q in enumerate(pmf))
        self.assertAlmostEqual(m.expected_new(10.0), mean, delta=1e-8)
        both = m.expected_new([0.0, 10.0])
        self.assertEqual(both[0], 0.0)
        self.assertAlmostEqual(both[1], mean, delta=1e-8)

    def test_clv_and_discount(self):
        self.assertAlmostEqual(bgnbd.discount_rate(0.1, 52), math.log(1.1) / 52,
                               places=15)
        m = bgnbd.BetaGeo(self.p)
        f = 4.348
        one = m.clv_monthly(2, 5.0, 10.0, margin=3.0, months=1, monthly_discount=0.0,
                            periods_per_month=f)
        self.assertAlmostEqual(one, 3.0 * m.expected(f, 2, 5.0, 10.0), places=10)
        two = m.clv_monthly([2], [5.0], [10.0], months=2, monthly_discount=0.01,
                            periods_per_month=f)
        c1, c2 = m.expected(f, 2, 5.0, 10.0), m.expected(2 * f, 2, 5.0, 10.0)
        self.assertAlmostEqual(two[0], c1 / 1.01 + (c2 - c1) / 1.01 ** 2, places=10)
        inf = m.clv([2, 0], [5.0, 0.0], [10.0, 10.0], margin=[10.0, 10.0],
                    annual_rate=0.1, periods_per_year=52)
        self.assertTrue(inf[0] > 0 and inf[1] > 0)
        self.assertGreater(inf[0], m.clv(2, 5.0, 10.0, margin=10.0, delta=0.0, horizon=26))
        self.assertEqual(inf[0], m.clv(2, 5.0, 10.0, margin=10.0,
                                       delta=bgnbd.discount_rate(0.1, 52)))
        with self.assertRaises(ValueError):
            m.clv(2, 5.0, 10.0)                     # no discount given
        with self.assertRaises(ValueError):
            m.clv_monthly(2, 5.0, 10.0)             # no periods_per_month


class TestErrors(unittest.TestCase):
    def test_bad_rows(self):
        m = bgnbd.BetaGeo(FHL)
        with self.assertRaises(loyalty.BadInputError) as cm:
            m.palive([1, 2, 3], [1, 6, 2], [5, 5, 5])     # t_x > T
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 1))
        with self.assertRaises(loyalty.BadInputError) as cm:
            bgnbd.fit([1, 2, 1.5], [1, 2, 3], [5, 5, 5])    # non-integer x
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ESCALE", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            m.loglik_each([1, 1], [float("nan"), 1], [5, 5])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 0))
        with self.assertRaises(loyalty.BadInputError) as cm:
            m.expected(1.0, [], [], [])
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(loyalty.BadInputError):
            bgnbd.fit([0, 1], [0, 1], [5, 5], weights=[0, 0])
        with self.assertRaises(ValueError):
            m.palive([1, 2], [1, 1], [5])

    def test_bad_params(self):
        for j in range(4):
            p = list(FHL)
            p[j] = -1.0
            with self.assertRaises(loyalty.DomainError) as cm:
                bgnbd.loglik(p, 1, 1.0, 5.0)
            self.assertEqual(cm.exception.index, j)
        with self.assertRaises(loyalty.DomainError) as cm:
            bgnbd.BetaGeo(FHL).expected_new([1.0, -2.0])
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(loyalty.DomainError):
            bgnbd.discount_rate(-1.5, 52)
        with self.assertRaises(ValueError):
            bgnbd.BetaGeo((1.0, 2.0, 3.0))


if __name__ == "__main__":
    unittest.main()
