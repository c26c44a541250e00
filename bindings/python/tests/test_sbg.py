# SPDX-License-Identifier: MIT
"""sBG through the binding: equals the C results and MODELS.md values."""

import ctypes
import os
import unittest

import pytest

import loyalty
from loyalty import sbg
from loyalty._lib import lib

# Fader & Hardie 2007 percent surviving, years 0..7 (MODELS.md)
REGULAR = [100.0, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1]
HIGH_END = [100.0, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7, 49.1]
P_REG = (0.7041, 1.1820)
P_HIGH = (0.6681, 3.8061)


def data_path(rel):
    """../shared/data file, or None when the shared data are absent."""
    base = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")
    path = os.path.join(base, rel)
    return path if os.path.exists(path) else None


def surv(p, t):
    """S(t) = B(alpha, beta + t) / B(alpha, beta) as the product of the
    retention rates (exact; lgamma differences lose digits for large beta)."""
    a, b = p
    s = 1.0
    for j in range(t):
        s *= (b + j) / (a + b + j)
    return s


class TestPublished(unittest.TestCase):
    def check_fit(self, survivors, want, total=100.0):
        m = sbg.fit_cohort(survivors)
        self.assertIsInstance(m, sbg.SBG)
        self.assertAlmostEqual(m.params["alpha"], want[0], delta=5e-5)
        self.assertAlmostEqual(m.params["beta"], want[1], delta=5e-5)
        self.assertAlmostEqual(m.n_customers, total, delta=1e-12 * total)
        self.assertTrue(m.se["alpha"] > 0 and m.se["beta"] > 0)
        self.assertAlmostEqual(m.loglik_cohort(survivors), m.loglik,
                               delta=1e-12 * abs(m.loglik))
        return m

    def test_published_fits(self):
        self.check_fit(REGULAR, P_REG)
        self.check_fit(HIGH_END, P_HIGH)

    @pytest.mark.shared_data
    def test_published_fits_csv(self):
        path = data_path("retention/sbg_survival.csv")
        if path is None:
            self.skipTest("shared data absent")
        reg, hi = [], []
        with open(path) as f:
            self.assertEqual(f.readline().strip(), "year,regular,high_end")
            for k, line in enumerate(f):
                year, a, b = (float(v) for v in line.split(","))
                self.assertEqual(year, k)
                reg.append(a)
                hi.append(b)
        self.assertEqual(len(reg), 13)
        self.check_fit(reg[:8], P_REG)          # years 1-7 of 0..12
        self.check_fit(hi[:8], P_HIGH)
        # fractions and counts instead of percentages: the same estimates
        self.check_fit([v / 100 for v in reg[:8]], P_REG, total=1.0)
        self.check_fit([v * 10 for v in hi[:8]], P_HIGH, total=1000.0)

    def test_tenures_equal_cohort(self):
        counts = [1000, 631, 468, 382, 326, 289, 262, 241]
        tenure, censored, w = [], [], []
        for t in range(1, 8):
            tenure.append(t)
            censored.append(0)
            w.append(counts[t - 1] - counts[t])
        tenure.append(7)
        censored.append(1)
        w.append(counts[7])
        c = sbg.fit_cohort(counts)
        t = sbg.fit_tenures(tenure, censored, weights=w)
        self.assertAlmostEqual(t.params["alpha"], c.params["alpha"], delta=1e-7)
        self.assertAlmostEqual(t.params["beta"], c.params["beta"], delta=1e-7)
        self.assertAlmostEqual(t.loglik, c.loglik, delta=1e-12 * abs(c.loglik))
        # expanded to individuals (unweighted rows)
        rows_t = [v for v, k in zip(tenure, w) for _ in range(k)]
        rows_c = [v for v, k in zip(censored, w) for _ in range(k)]
        e = sbg.SBG.fit_tenures(rows_t, rows_c)
        self.assertAlmostEqual(e.params["alpha"], c.params["alpha"], delta=1e-6)


class TestCurves(unittest.TestCase):
    def test_closed_forms(self):
        for p in (P_REG, (3.5, 0.4), (40.0, 900.0)):
            m = sbg.SBG(p)
            s = m.survival(20)
            r = m.retention(19)
            pt = m.churn_pmf(19)
            self.assertEqual(s[0], 1.0)
            for t in range(1, 20):
                self.assertAlmostEqual(s[t], surv(p, t), delta=1e-12 * s[t])
                self.assertAlmostEqual(r[t - 1], (p[1] + t - 1) / (p[0] + p[1] + t - 1),
                                       delta=1e-13)
                self.assertAlmostEqual(pt[t - 1], s[t - 1] - s[t], delta=1e-10 * s[t - 1])
            proj = m.project(5, active=523.0, age=10)
            for k in range(5):
                self.assertAlmostEqual(proj[k], 523.0 * surv(p, 11 + k) / surv(p, 10),
                                       delta=1e-10 * proj[k])

    def test_equals_c(self):
        out = (ctypes.c_double * 6)()
        pc = (ctypes.c_double * 2)(*P_HIGH)
        for name, fn in (("loy_sbg_survival", sbg.survival),
                         ("loy_sbg_retention", sbg.retention),
                         ("loy_sbg_churn_pmf", sbg.churn_pmf)):
            self.assertEqual(getattr(lib, name)(out, 6, pc), 0)
            self.assertEqual(list(fn(P_HIGH, 6)), list(out))
        self.assertEqual(lib.loy_sbg_project(out, 6, pc, 49.1, 7.0), 0)
        self.assertEqual(list(sbg.project(P_HIGH, 6, 49.1, 7)), list(out))
        one = ctypes.c_double()
        self.assertEqual(lib.loy_sbg_del(ctypes.byref(one), pc, 0.1), 0)
        self.assertEqual(sbg.del_(P_HIGH, 0.1), one.value)
        self.assertEqual(lib.loy_sbg_derl(ctypes.byref(one), pc, 0.1, 3), 0)
        self.assertEqual(sbg.derl(P_HIGH, 0.1, 3), one.value)
        arr = (ctypes.c_double * 8)(*REGULAR)
        preg = (ctypes.c_double * 2)(*P_REG)
        self.assertEqual(lib.loy_sbg_loglik_cohort(ctypes.byref(one), preg, arr, 8, None), 0)
        self.assertEqual(sbg.loglik_cohort(P_REG, REGULAR), one.value)

    def test_del_derl(self):
        m = sbg.SBG({"alpha": 4.0, "beta": 2.0})
        self.assertAlmostEqual(m.del_(0.0), 5.0 / 3.0, delta=1e-15)
        d, v = 0.1, 1 / 1.1
        for p in (P_REG, P_HIGH, (2.5, 1.0)):
            direct, st = 0.0, 1.0
            for t in range(3000):
                direct += st * v ** t
                st *= (p[1] + t) / (p[0] + p[1] + t)
            self.assertAlmostEqual(sbg.del_(p, d), direct, delta=1e-10 * direct)
            self.assertAlmostEqual(sbg.del_(p, d), 1.0 + v * sbg.derl(p, d, 1), delta=1e-13)
            self.assertGreater(sbg.derl(p, d, 10), sbg.derl(p, d))


class TestErrors(unittest.TestCase):
    def test_domain(self):
        with self.assertRaises(loyalty.DomainError) as cm:
            sbg.del_(P_REG, 0.0)  # alpha <= 1: infinite undiscounted lifetime
        self.assertEqual(cm.exception.name, "LOY_EDOMAIN")
        with self.assertRaises(loyalty.DomainError):
            sbg.SBG((0.9, 2.0)).derl(0.0, 3)
        with self.assertRaises(loyalty.DomainError):
            sbg.survival((1.0, -1.0), 3)
        with self.assertRaises(loyalty.DomainError) as cm:
            sbg.fit_cohort([100, 100, 100])  # nobody lost: no finite maximum
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")

    def test_bad_input(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            sbg.fit_cohort([100, 60, 70, 50])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            sbg.loglik_cohort(P_REG, [100, 60, float("nan")])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            sbg.fit_tenures([1, 2, 0], [0, 1, 0])  # churned at tenure 0
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 2))
        with self.assertRaises(loyalty.BadInputError):
            sbg.derl(P_REG, 0.1, 0)
        with self.assertRaises(loyalty.BadInputError):
            sbg.survival(P_REG, 0)
        with self.assertRaises(ValueError):
            sbg.fit_tenures([1, 2], [0])

    def test_not_converged(self):
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            sbg.fit_cohort(REGULAR, max_iter=1)
        best = cm.exception.result
        self.assertFalse(best.converged)
        self.assertIsInstance(best, sbg.SBG)


if __name__ == "__main__":
    unittest.main()
