# SPDX-License-Identifier: MIT
"""Pareto/NBD through the binding: equals the C results and MODELS.md values."""

import array
import ctypes
import math
import os
import unittest

import pytest

import loyalty
from loyalty import pnbd
from loyalty._lib import lib

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

CDNOW_P = (0.553, 10.578, 0.606, 11.669)
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
    x, tx, T_ = array.array("d"), array.array("d"), array.array("d")
    with open(path) as f:
        header = f.readline().strip().split(",")
        assert header == ["ID", "frequency", "recency", "T"], header
        for line in f:
            _, a, b, c = line.split(",")
            x.append(float(a))
            tx.append(float(b))
            T_.append(float(c))
    return x, tx, T_


def raw(name, params, cols, *extra):
    """The C function called directly with hand-made ctypes arrays."""
    n = len(cols[0])
    out = (ctypes.c_double * n)()
    p = (ctypes.c_double * len(params))(*params)
    arrs = [(ctypes.c_double * n)(*c) for c in cols]
    rc = getattr(lib, name)(out, p, *arrs, n, *extra, None)
    assert rc == 0, rc
    return list(out)


@pytest.mark.shared_data
class TestPublished(unittest.TestCase):
    def test_cdnow_loglik(self):
        x, tx, T_ = load_cdnow()
        self.assertEqual(len(x), 2357)
        ll = pnbd.loglik(CDNOW_P, x, tx, T_)
        self.assertAlmostEqual(ll, -9595.0, delta=0.05)
        out = ctypes.c_double()
        n = len(x)
        arr = [(ctypes.c_double * n)(*c) for c in (x, tx, T_)]
        lib.loy_pnbd_loglik(ctypes.byref(out), (ctypes.c_double * 4)(*CDNOW_P),
                            *arr, None, n, None)
        self.assertEqual(ll, out.value)

    def test_cdnow_fit(self):
        x, tx, T_ = load_cdnow()
        m = pnbd.fit(x, tx, T_)
        self.assertIsInstance(m, pnbd.ParetoNBD)
        self.assertTrue(m.converged)
        self.assertAlmostEqual(m.params["r"], 0.553, delta=0.01)
        self.assertAlmostEqual(m.params["alpha"], 10.578, delta=0.3)
        self.assertAlmostEqual(m.params["s"], 0.606, delta=0.15)
        self.assertAlmostEqual(m.params["beta"], 11.669, delta=4.0)
        self.assertAlmostEqual(m.loglik, -9595.0, delta=0.5)
        self.assertGreaterEqual(m.loglik, pnbd.loglik(CDNOW_P, x, tx, T_) - 1e-9)
        self.assertAlmostEqual(m.loglik_at(x, tx, T_), m.loglik, delta=1e-9 * 9595)
        self.assertEqual(m.n_customers, 2357)
        for name in pnbd.PARAM_NAMES:
            self.assertTrue(0 < m.se[name] < math.inf)
        self.assertIn("ParetoNBD(r=", repr(m))
        # the expected holdout purchases agree with the published parameters
        a = sum(m.expected(x, tx, T_, 39.0))
        b = sum(pnbd.expected(CDNOW_P, x, tx, T_, 39.0))
        self.assertAlmostEqual(a / b, 1.0, delta=0.01)


class TestEqualsC(unittest.TestCase):
    def test_predictions(self):
        cols = (X, TX, T)
        checks = [
            (pnbd.palive(CDNOW_P, X, TX, T), raw("loy_pnbd_palive", CDNOW_P, cols)),
            (pnbd.palive_at(CDNOW_P, X, TX, T, 10.0),
             raw("loy_pnbd_palive_at", CDNOW_P, cols, ctypes.c_double(10.0))),
            (pnbd.expected(CDNOW_P, X, TX, T, 39.0),
             raw("loy_pnbd_expected", CDNOW_P, cols, ctypes.c_double(39.0))),
            (pnbd.dert(CDNOW_P, X, TX, T, 0.002),
             raw("loy_pnbd_dert", CDNOW_P, cols, ctypes.c_double(0.002))),
            (pnbd.expected_new(CDNOW_P, [0.0, 1.0, 39.0]),
             raw("loy_pnbd_expected_new", CDNOW_P, ([0.0, 1.0, 39.0],))),
            (pnbd.loglik_each(CDNOW_P, X, TX, T), _each_raw(CDNOW_P, cols)),
        ]
        for got, want in checks:
            self.assertEqual(list(got), want)

    def test_model_methods_equal_functions(self):
        m = pnbd.ParetoNBD(dict(zip(pnbd.PARAM_NAMES, CDNOW_P)))
        self.assertEqual(list(m.palive(X, TX, T)), list(pnbd.palive(CDNOW_P, X, TX, T)))
        self.assertEqual(list(m.dert(X, TX, T, 0.01)),
                         list(pnbd.dert(CDNOW_P, X, TX, T, 0.01)))
        self.assertEqual(list(m.expected_new([5.0])), list(pnbd.expected_new(CDNOW_P, [5.0])))
        self.assertEqual(list(m.palive_at(X, TX, T, 3)),
                         list(pnbd.palive_at(CDNOW_P, X, TX, T, 3)))


def _each_raw(params, cols):
    n = len(cols[0])
    out = (ctypes.c_double * n)()
    arrs = [(ctypes.c_double * n)(*c) for c in cols]
    assert lib.loy_pnbd_loglik_each(out, (ctypes.c_double * 4)(*params), *arrs, n,
                                    None, None) == 0
    return list(out)


class TestProperties(unittest.TestCase):
    def test_palive_at_formula(self):
        r, alpha, s, beta = CDNOW_P
        pa = pnbd.palive(CDNOW_P, X, TX, T)
        for t in (0.0, 5.0, 52.0):
            pat = pnbd.palive_at(CDNOW_P, X, TX, T, t)
            for i in range(len(X)):
                want = pa[i] * ((beta + T[i]) / (beta + T[i] + t)) ** s
                self.assertAlmostEqual(pat[i], want, delta=1e-13)
                self.assertTrue(0.0 <= pat[i] <= 1.0)

    def test_expected_new_at_s_one(self):
        # s = 1: E[X(t)] = r beta / alpha * ln(1 + t / beta) (removable singularity)
        p = (0.8, 5.0, 1.0, 12.0)
        for t in (0.5, 10.0, 100.0):
            want = p[0] / p[1] * p[3] * math.log1p(t / p[3])
            self.assertAlmostEqual(pnbd.expected_new(p, t), want, delta=1e-12 * want)

    def test_scalars_and_array_kinds(self):
        one = pnbd.palive(CDNOW_P, 2, 30.43, 38.86)
        self.assertIsInstance(one, float)
        self.assertEqual(one, pnbd.palive(CDNOW_P, [2], [30.43], [38.86])[0])
        a = pnbd.expected(CDNOW_P, array.array("d", X), array.array("d", TX),
                          memoryview(array.array("d", T)), 10)
        self.assertEqual(list(a), list(pnbd.expected(CDNOW_P, X, TX, T, 10)))
        if np is not None:
            xs = np.array(X, dtype=float)
            before = xs.copy()
            b = pnbd.expected(CDNOW_P, xs, np.array(TX), np.array(T), 10)
            self.assertIsInstance(b, np.ndarray)
            self.assertEqual(list(b), list(a))
            self.assertTrue((xs == before).all())
            # int arrays are converted once
            c = pnbd.expected(CDNOW_P, np.array(X, dtype=np.int64), TX, T, 10)
            self.assertEqual(list(c), list(a))

    def test_weights_and_gradient(self):
        each, grad = pnbd.loglik_each(CDNOW_P, X, TX, T, grad=True)
        w = [2.0, 0.0, 1.0, 3.0, 0.5]
        ll = pnbd.loglik(CDNOW_P, X, TX, T, weights=w)
        self.assertAlmostEqual(ll, sum(a * b for a, b in zip(w, each)), delta=1e-11)
        h = 1e-6
        for k in range(4):
            up, dn = list(CDNOW_P), list(CDNOW_P)
            up[k] += h
            dn[k] -= h
            fu = pnbd.loglik_each(up, X, TX, T)
            fd = pnbd.loglik_each(dn, X, TX, T)
            for i in range(len(X)):
                self.assertAlmostEqual(grad[i][k], (fu[i] - fd[i]) / (2 * h), delta=1e-5)


class TestThreads(unittest.TestCase):
    def test_parallel_calls_agree(self):
        import threading
        want = list(pnbd.expected(CDNOW_P, X * 200, TX * 200, T * 200, 39.0))
        got, errs = [], []

        def work():
            try:
                for _ in range(20):
                    got.append(list(pnbd.expected(CDNOW_P, X * 200, TX * 200,
                                                  T * 200, 39.0)))
            except Exception as exc:  # reported below
                errs.append(exc)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errs, [])
        self.assertEqual(len(got), 80)
        self.assertTrue(all(g == want for g in got))


class TestErrors(unittest.TestCase):
    def test_bad_input_has_index(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            pnbd.palive(CDNOW_P, [1, float("nan")], [1, 1], [2, 2])
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_ENONFINITE", 1))
        with self.assertRaises(loyalty.BadInputError) as cm:
            pnbd.expected(CDNOW_P, [1, 2, 3], [1, 1, 5], [2, 2, 4], 1.0)
        self.assertEqual((cm.exception.name, cm.exception.index), ("LOY_EINCONSISTENT", 2))
        with self.assertRaises(loyalty.BadInputError) as cm:
            pnbd.loglik(CDNOW_P, [], [], [])
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(ValueError):
            pnbd.palive(CDNOW_P, [1, 2], [1], [2, 2])
        with self.assertRaises(ValueError):
            pnbd.palive((1, 2, 3), [1], [1], [2])

    def test_domain(self):
        with self.assertRaises(loyalty.DomainError):
            pnbd.palive((0.5, -1.0, 0.5, 10.0), X, TX, T)
        with self.assertRaises(loyalty.DomainError):
            pnbd.palive_at(CDNOW_P, X, TX, T, -1.0)

    def test_not_converged_keeps_best_point(self):
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            pnbd.fit([0, 1, 2, 5, 3, 0, 7], [0, 3, 9, 20, 11, 0, 30],
                     [30, 30, 31, 33, 40, 35, 36], max_iter=1)
        best = cm.exception.result
        self.assertIsInstance(best, pnbd.ParetoNBD)
        self.assertFalse(best.converged)
        self.assertTrue(all(v > 0 for v in best.params.values()))


if __name__ == "__main__":
    unittest.main()
