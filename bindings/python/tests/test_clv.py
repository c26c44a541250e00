# SPDX-License-Identifier: MIT
"""loyalty.clv through the binding: retention CLV formulas (MODELS.md 9,
tests/test_clv.c) and the purchase-log summary (lifetimes reference log L2,
tests/test_rfm.c), streaming equal to one-call, errors as exceptions."""

import array
import ctypes
import datetime
import math
import unittest

import loyalty
from loyalty import clv
from loyalty._lib import lib

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

# lifetimes' second reference log (MODELS 5.4): (id, month, day, value) in 2015
L2 = [(1, 1, 1, 1), (1, 2, 6, 2), (2, 1, 1, 2), (3, 1, 1, 3), (3, 1, 2, 1),
      (3, 1, 5, 5), (4, 1, 16, 6), (4, 2, 2, 3), (4, 2, 5, 3), (5, 1, 16, 3),
      (5, 1, 17, 1), (5, 1, 18, 8), (6, 2, 2, 5)]


def day(m, d):
    return (datetime.date(2015, m, d) - datetime.date(1970, 1, 1)).days


def l2_columns():
    return ([r[0] for r in L2], [day(r[1], r[2]) for r in L2], [float(r[3]) for r in L2])


class TestFormulas(unittest.TestCase):
    def test_models_reference_values(self):
        self.assertAlmostEqual(clv.value(100, 0.8, 0.1), 266.67, delta=0.005)
        self.assertAlmostEqual(clv.multiple(0.80, 0.1), 2.667, delta=0.0005)
        self.assertAlmostEqual(clv.multiple(0.85, 0.1), 3.400, delta=0.0005)
        self.assertAlmostEqual(clv.multiple(0.80, 0.1, 0.1), 3.636, delta=0.0005)
        self.assertAlmostEqual(clv.multiple(0.85, 0.1, 0.1), 5.152, delta=0.0005)
        self.assertAlmostEqual(clv.value(100, 0.8, 0.1, acquisition_cost=150),
                               800.0 / 3.0 - 150.0, places=10)
        self.assertAlmostEqual(clv.multiple(0.8, 0.1, timing="beginning"),
                               1.1 / 0.3, places=12)

    def test_equals_c(self):
        out = ctypes.c_double()
        for r, i, g, h, t in [(0.8, 0.1, 0.0, 0, 0), (0.9, 0.08, 0.05, 10, 1),
                              (0.7, 0.12, 0.02, 3, 0)]:
            self.assertEqual(lib.loy_clv_multiple(ctypes.byref(out), r, i, g, h, t), 0)
            got = clv.multiple(r, i, g, horizon=h or None,
                               timing="beginning" if t else "end")
            self.assertEqual(got, out.value)

    def test_finite_horizon_and_timing(self):
        # N margins at the end of periods: direct sum
        r, i, g, N = 0.9, 0.08, 0.03, 12
        direct = sum(r ** k * (1 + g) ** (k - 1) / (1 + i) ** k for k in range(1, N + 1))
        self.assertAlmostEqual(clv.multiple(r, i, g, horizon=N), direct, places=12)
        begin = clv.value(100, r, i, horizon=None, timing="beginning")
        end = clv.value(100, r, i, horizon=None, timing="end")
        self.assertAlmostEqual(begin - end, 100.0, places=9)

    def test_other_formulas(self):
        self.assertAlmostEqual(clv.expected_lifetime(0.75), 4.0, places=14)
        self.assertAlmostEqual(clv.rescale_rate(0.1, 1 / 12, "discount"),
                               1.1 ** (1 / 12) - 1, places=14)
        self.assertAlmostEqual(clv.rescale_rate(0.8, 1 / 12), 0.8 ** (1 / 12), places=14)
        self.assertAlmostEqual(clv.rescale_rate(0.02, 12, "churn"), 1 - 0.98 ** 12,
                               places=14)
        self.assertAlmostEqual(clv.saas_ltv(100, 0.8, 0.05), 1600, places=10)
        self.assertAlmostEqual(clv.viral(100, 0.2), 125.0, places=12)

    def test_errors(self):
        with self.assertRaises(loyalty.DomainError) as cm:
            clv.multiple(0.95, 0.01, 0.1)      # diverging infinite sum
        self.assertEqual(cm.exception.name, "LOY_EDOMAIN")
        with self.assertRaises(loyalty.DomainError):
            clv.expected_lifetime(1.0)
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.value(float("nan"), 0.8, 0.1)
        self.assertEqual(cm.exception.name, "LOY_ENONFINITE")
        with self.assertRaises(loyalty.DomainError):
            clv.viral(100, 1.0)
        with self.assertRaises(ValueError):
            clv.multiple(0.8, 0.1, timing="middle")
        with self.assertRaises(ValueError):
            clv.rescale_rate(0.8, 2, "interest")


class TestSummary(unittest.TestCase):
    def test_l2_daily(self):
        ids, t, v = l2_columns()
        s = clv.summarize(ids, t, v, observation_end=day(2, 7))
        want = [(1, 36, 37, 2), (0, 0, 37, 0), (2, 4, 37, 3), (2, 20, 22, 3),
                (2, 2, 22, 4.5), (0, 0, 5, 0)]
        self.assertEqual(len(s), 6)
        self.assertEqual(list(s.ids), [1, 2, 3, 4, 5, 6])
        for r, (x, tx, T, m) in enumerate(want):
            self.assertEqual((s.x[r], s.t_x[r], s.T[r]), (x, tx, T))
            self.assertAlmostEqual(s.monetary[r], m, places=12)
        self.assertIsNone(s.x_holdout)
        self.assertEqual(list(s.first_times), [day(1, 1), day(1, 1), day(1, 1),
                                               day(1, 16), day(1, 16), day(2, 2)])
        self.assertEqual((s.n_rows, s.n_rows_dropped, s.calibration), (13, 0, False))
        # default observation_end is the last time in the log (2015-02-06)
        self.assertEqual(clv.summarize(ids, t, v).T[0], 36)

    def test_l2_weekly(self):
        ids, t, v = l2_columns()
        s = clv.summarize(ids, t, v, day(2, 7), period_length=7, period_origin=-3)
        want = [(1, 5, 5), (0, 0, 5), (1, 1, 5), (1, 3, 3), (0, 0, 3), (0, 0, 0)]
        self.assertEqual([(s.x[r], s.t_x[r], s.T[r]) for r in range(6)], want)

    def test_l2_calibration(self):
        ids, t, v = l2_columns()
        s = clv.summarize(ids, t, v, day(2, 7), calibration_end=day(2, 1))
        self.assertEqual(len(s), 5)             # id 6 bought after calibration
        self.assertEqual((s.x_holdout[0], s.x_holdout[1]), (1, 0))
        self.assertEqual(list(s.monetary), [0, 0, 3, 0, 4.5])
        self.assertEqual(list(s.monetary_holdout), [2, 0, 0, 3, 0])
        self.assertEqual((s.n_customers_dropped, s.n_rows_holdout), (1, 4))
        self.assertEqual(s.duration_holdout, 6)
        self.assertTrue(s.calibration)
        self.assertIn("calibration=True", repr(s))

    def test_builder_equals_one_call_and_order_free(self):
        ids, t, v = l2_columns()
        one = clv.summarize(ids, t, v, day(2, 7))
        with clv.SummaryBuilder(day(2, 7)) as b:
            # reversed rows, in three chunks of different input kinds
            rid, rt, rv = ids[::-1], t[::-1], v[::-1]
            b.add(rid[:4], rt[:4], rv[:4])
            b.add(array.array("Q", rid[4:9]), array.array("q", rt[4:9]),
                  array.array("d", rv[4:9]))
            b.add(rid[9:], rt[9:], rv[9:])
            s = b.finish()
        for col in ("ids", "x", "t_x", "T", "monetary", "first_times"):
            self.assertEqual(list(getattr(s, col)), list(getattr(one, col)), col)
        with self.assertRaises(ValueError):
            b.add([1], [1])                     # closed

    @unittest.skipIf(np is None, "numpy not installed")
    def test_numpy_columns(self):
        ids, t, v = l2_columns()
        s = clv.summarize(np.array(ids, dtype=np.uint64), np.array(t, dtype=np.int64),
                          np.array(v), day(2, 7))
        self.assertIsInstance(s.x, np.ndarray)
        self.assertEqual(s.ids.dtype, np.uint64)
        self.assertEqual(s.first_times.dtype, np.int64)
        dates = np.array(t, dtype="datetime64[D]")
        s2 = clv.summarize(ids, dates.astype("int64"), v, day(2, 7))
        self.assertTrue((s2.T == s.T).all())

    def test_value_less_log(self):
        ids, t, _ = l2_columns()
        s = clv.summarize(ids, t, None, day(2, 7))
        self.assertEqual(list(s.monetary), [0.0] * 6)

    def test_errors(self):
        ids, t, v = l2_columns()
        bad = list(v)
        bad[3] = -1.0
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.summarize(ids, t, bad, day(2, 7))
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ESCALE", 3))
        bad[3] = math.nan
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.summarize(ids, t, bad, day(2, 7))
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 3))
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.summarize([], [], None, 0)
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(loyalty.DomainError):
            clv.summarize(ids, t, v, day(2, 7), period_length=0)
        with self.assertRaises(ValueError):
            clv.summarize(ids, t[:-1], v, day(2, 7))
        b = clv.SummaryBuilder(day(2, 7))
        b.add(ids[:2], t[:2], v[:2])
        with self.assertRaises(loyalty.BadInputError) as cm:
            b.add(ids, t, bad)
        self.assertEqual(cm.exception.index, 3)
        self.assertEqual(list(b.finish().ids), [1])   # the bad chunk added nothing
        b.close()
        b.close()


if __name__ == "__main__":
    unittest.main()
