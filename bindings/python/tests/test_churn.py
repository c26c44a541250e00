# SPDX-License-Identifier: MIT
"""Churn module through the binding: values equal the C results and MODELS.md."""

import math
import unittest

import loyalty
from loyalty import churn


class TestChurn(unittest.TestCase):
    def test_worked_example(self):
        c = churn.cost_simple(10000, 0.2, 100, 0.1)
        self.assertAlmostEqual(c.margin_lost, 200000)
        self.assertAlmostEqual(c.value_lost, 666666.6666666666, places=6)
        self.assertAlmostEqual(c.clv_existing, 266.6666666666667, places=9)
        self.assertIn("ChurnCost(", repr(c))

    def test_errors_become_exceptions(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            churn.cost_simple(10, 1.5, 100, 0.1)
        self.assertEqual(cm.exception.name, "LOY_ESCALE")
        with self.assertRaises(loyalty.DomainError):
            churn.cost_simple(10, 0.0, 100, 0.0)
        with self.assertRaises(loyalty.BadInputError) as cm:
            churn.silent([0.5, float("nan")], [1, 2])
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(ValueError):
            churn.silent([0.5, 0.4], [1, 2, 3])

    def test_sbg_infinite_flag(self):
        c = churn.cost_sbg((0.704, 1.182), 1000, 2, 50, 0.1)
        self.assertTrue(math.isinf(c.value_lost_undiscounted))
        self.assertEqual(c.flags, churn.CHURN_INFINITE)

    def test_wom_dell(self):
        w = churn.word_of_mouth(1e6, 210, 40e6, 8)
        self.assertAlmostEqual(w.value_per_comment, 5.25)
        self.assertAlmostEqual(w.promoter_value, 42)

    def test_class_value_and_move(self):
        cv = churn.class_value([10, 20, 30, 50, 60, 70, 100, 140], [0, 0, 0, 1, 1, 1, 2, 2])
        self.assertEqual(cv.n, [3, 3, 2])
        self.assertAlmostEqual(cv.mean[2], 120)
        gain, lo, hi = churn.move_value(cv, 50, 0, 2)
        self.assertAlmostEqual(gain, 5000)
        self.assertLess(lo, gain)
        self.assertGreater(hi, gain)

    def test_base_value_and_equivalent(self):
        b = churn.base_value(1, 1, 0.8, 0.1)
        self.assertAlmostEqual(b.total, 2.6666666666666665)
        x, dv = churn.retention_margin_equivalent(0.01, 10000, 100, 0.8, 0.1)
        self.assertAlmostEqual(x, (0.81 / 0.29) / (0.8 / 0.3) - 1)

    def test_egr(self):
        e = churn.earned_growth([600000, 400000, 0], [500000, 300000, 300000],
                                [0, 0, churn.ORIGIN_EARNED])
        self.assertAlmostEqual(e.egr, 0.10)


if __name__ == "__main__":
    unittest.main()
