# SPDX-License-Identifier: MIT
"""MBG/NBD through the binding: equals the C results and MODELS.md values."""

import array
import ctypes
import math
import os
import unittest

import pytest

import loyalty
from loyalty import mbgnbd
from loyalty._lib import lib

CDNOW_M = (0.525, 6.183, 0.891, 1.614)
X = [0, 1, 2, 5, 14]
TX = [0.0, 3.5, 30.43, 20.0, 37.9]
T = [38.86, 30.0, 38.86, 52.0, 38.0]


def data_path(rel):
    """../shared/data file, or None when the shared data are absent."""
    base = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")
    path = os.path.join(base, rel)
    return path if os.path.exists(path) else None


def load_cdnow():
    path = data_path("cdnow/cdnow_customers_summary.csv")
    if path is None:
        raise unittest.SkipTest("shared data absent")
    cols = [array.array("d") for _ in range(3)]
    with open(path) as f:
        f.readline()
        for line in f:
            for col, v in zip(cols, line.split(",")[1:]):
                col.append(float(v))
    return cols


def raw(name, params, cols, *extra):
    """The C function called directly with hand-made ctypes arrays."""
    n = len(cols[0])
    out = (ctypes.c_double * n)()
    p = (ctypes.c_double * 4)(*params)
    arrs = [(ctypes.c_double * n)(*c) for c in cols]
    assert getattr(lib, name)(out, p, *arrs, n, *extra, None) == 0
    return list(out)


@pytest.mark.shared_data
class TestPublished(unittest.TestCase):
    def test_cdnow_fit(self):
        x, tx, T_ = load_cdnow()
        m = mbgnbd.fit(x, tx, T_)
        self.assertIsInstance(m, mbgnbd.MBGNBD)
        # lifetimes' test values (3 dp)
        for name, want in zip(mbgnbd.PARAM_NAMES, CDNOW_M):
            tol = 2e-2 if name == "alpha" else 2e-3
            self.assertAlmostEqual(m.params[name], want, delta=tol)
            self.assertTrue(0 < m.se[name] < math.inf)
        self.assertGreaterEqual(m.loglik, mbgnbd.loglik(CDNOW_M, x, tx, T_) - 1e-9)
        self.assertAlmostEqual(mbgnbd.loglik(m, x, tx, T_), m.loglik, delta=1e-8)
        self.assertEqual(m.n_customers, 2357)


class TestEqualsC(unittest.TestCase):
    def test_predictions(self):
        cols = (X, TX, T)
        self.assertEqual(list(mbgnbd.palive(CDNOW_M, X, TX, T)),
                         raw("loy_mbgnbd_palive", CDNOW_M, cols))
        self.assertEqual(list(mbgnbd.expected(CDNOW_M, X, TX, T, 39)),
                         raw("loy_mbgnbd_expected", CDNOW_M, cols, ctypes.c_double(39)))
        self.assertEqual(list(mbgnbd.expected_new(CDNOW_M, [0.0, 1.0, 39.0])),
                         raw("loy_mbgnbd_expected_new", CDNOW_M, ([0.0, 1.0, 39.0],)))
        n = len(X)
        out = (ctypes.c_double * n)()
        arrs = [(ctypes.c_double * n)(*c) for c in cols]
        self.assertEqual(lib.loy_mbgnbd_loglik_each(out, (ctypes.c_double * 4)(*CDNOW_M),
                                                    *arrs, n, None, None), 0)
        self.assertEqual(list(mbgnbd.loglik_each(CDNOW_M, X, TX, T)), list(out))
        m = mbgnbd.MBGNBD(CDNOW_M)
        self.assertEqual(list(m.palive(X, TX, T)), raw("loy_mbgnbd_palive", CDNOW_M, cols))
        self.assertEqual(m.expected(2, 30.43, 38.86, 10),
                         mbgnbd.expected(CDNOW_M, [2], [30.43], [38.86], 10)[0])
        self.assertEqual(list(m.expected_new([3.0])),
                         list(mbgnbd.expected_new(CDNOW_M, [3.0])))


class TestProperties(unittest.TestCase):
    def test_palive_and_expectations(self):
        pa = mbgnbd.palive(CDNOW_M, X, TX, T)
        self.assertTrue(all(0.0 < p < 1.0 for p in pa))  # below 1 also for x = 0
        self.assertEqual(list(mbgnbd.expected(CDNOW_M, X, TX, T, 0.0)), [0.0] * len(X))
        e = mbgnbd.expected_new(CDNOW_M, [0.0, 1.0, 10.0, 50.0])
        self.assertEqual(e[0], 0.0)
        self.assertTrue(e[0] < e[1] < e[2] < e[3])
        # small t: E[X(t)] ~ t E[lambda] (1 - P(drop at 0)) = t r/alpha * b/(a+b)
        r, alpha, a, b = CDNOW_M
        t = 1e-6
        self.assertAlmostEqual(mbgnbd.expected_new(CDNOW_M, t) / t,
                               r / alpha * b / (a + b), delta=1e-6)

    def test_weights_and_gradient(self):
        each, grad = mbgnbd.loglik_each(CDNOW_M, X, TX, T, grad=True)
        w = [1.0, 2.0, 0.0, 4.0, 1.5]
        self.assertAlmostEqual(mbgnbd.loglik(CDNOW_M, X, TX, T, w),
                               sum(a * b for a, b in zip(w, each)), delta=1e-11)
        h = 1e-6
        for k in range(4):
            up, dn = list(CDNOW_M), list(CDNOW_M)
            up[k] += h
            dn[k] -= h
            fu = mbgnbd.loglik_each(up, X, TX, T)
            fd = mbgnbd.loglik_each(dn, X, TX, T)
            for i in range(len(X)):
                self.assertAlmostEqual(grad[i][k], (fu[i] - fd[i]) / (2 * h), delta=1e-5)


class TestErrors(unittest.TestCase):
    def test_bad_input_has_index(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            mbgnbd.palive(CDNOW_M, [1, 2, 1.5], [1, 1, 1], [2, 2, 2])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ESCALE", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            mbgnbd.loglik(CDNOW_M, [0, 0], [0, 1], [2, 2])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 1))

    def test_domain(self):
        with self.assertRaises(loyalty.DomainError):
            mbgnbd.expected_new((0.5, 6.0, 0.0, 1.0), [1.0])

    def test_not_converged(self):
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            mbgnbd.fit([0, 1, 2, 5, 3, 0, 7], [0, 3, 9, 20, 11, 0, 30],
                       [30, 30, 31, 33, 40, 35, 36], max_iter=1)
        self.assertFalse(cm.exception.result.converged)
        self.assertIsInstance(cm.exception.result, mbgnbd.MBGNBD)


if __name__ == "__main__":
    unittest.main()
