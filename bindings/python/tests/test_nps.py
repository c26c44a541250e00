# SPDX-License-Identifier: MIT
"""stats and nps modules through the binding: values equal the C tests and
MODELS.md reference values; errors map to the right exceptions; every
accepted input type gives the same tally."""

import array
import ctypes
import math
import random
import unittest

import loyalty
from loyalty import nps, stats
from loyalty._arrays import have_numpy

if have_numpy():
    import numpy as np

Z95 = 1.959963984540054
WHUBER = (54, 108, 162)  # D, A, P: Cross Validated 18603 (MODELS.md)


def whuber_scores():
    return [3] * 54 + [7] * 108 + [9] * 162


def brute_tally(scores, breaks=(0, 6, 8, 10)):
    lo, dmax, pmax, hi = breaks
    d = sum(1 for s in scores if lo <= s <= dmax)
    a = sum(1 for s in scores if dmax < s <= pmax)
    p = sum(1 for s in scores if pmax < s <= hi)
    return d, a, p


class TestStats(unittest.TestCase):
    def test_reference_values(self):
        # mpmath references of tests/test_stats.c
        self.assertAlmostEqual(stats.normal_quantile(0.975), 1.9599639845400542355, delta=1e-15)
        self.assertAlmostEqual(stats.normal_quantile(0.001), -3.0902323061678135415, delta=1e-13)
        q = stats.normal_quantile(1e-300)
        self.assertLess(abs(q / -37.047096299361199237 - 1), 1e-12)
        c = stats.normal_cdf(-30)
        self.assertLess(abs(c / 4.9067139271481870595e-198 - 1), 1e-12)
        self.assertAlmostEqual(stats.normal_cdf(0.5), 0.69146246127401310364, delta=1e-15)
        self.assertEqual(stats.normal_cdf(0), 0.5)

    def test_errors(self):
        with self.assertRaises(loyalty.DomainError) as cm:
            stats.normal_quantile(1.0)
        self.assertEqual(cm.exception.name, "LOY_EDOMAIN")
        with self.assertRaises(loyalty.BadInputError) as cm:
            stats.normal_cdf(float("nan"))
        self.assertEqual(cm.exception.code, -3)
        with self.assertRaises(loyalty.BadInputError):
            stats.normal_quantile(float("nan"))
        with self.assertRaises(ctypes.ArgumentError):  # not a number
            stats.normal_cdf("x")
        self.assertEqual(stats.normal_cdf(0), stats.normal_cdf(0.0))


class TestTally(unittest.TestCase):
    def test_classify_and_breaks(self):
        self.assertEqual([nps.classify(s) for s in (0, 6, 7, 8, 9, 10)],
                         [0, 0, 1, 1, 2, 2])
        self.assertEqual(nps.classify(4, (1, 3, 4, 5)), nps.PASSIVE)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.classify(11)
        self.assertEqual(cm.exception.name, "LOY_ESCALE")
        with self.assertRaises(loyalty.DomainError):
            nps.classify(3, (5, 3, 4, 6))
        nps.check_breaks(None)
        nps.check_breaks((1, 6, 8, 10))
        with self.assertRaises(loyalty.DomainError):
            nps.check_breaks((0, 6, 10, 10))
        with self.assertRaises(ValueError):
            nps.check_breaks((0, 6, 8))

    def test_input_types_agree(self):
        rng = random.Random(7)
        scores = [rng.randrange(0, 11) for _ in range(1000)]
        want = brute_tally(scores)
        inputs = [scores, tuple(scores), bytes(scores), bytearray(scores),
                  array.array("B", scores), array.array("i", scores),
                  array.array("d", scores), memoryview(array.array("B", scores)),
                  memoryview(array.array("i", scores)), [float(s) for s in scores]]
        if have_numpy():
            for dt in ("uint8", "int32", "float64", "int64", "int8", "float32", "uint16"):
                inputs.append(np.array(scores, dtype=dt))
            inputs.append(np.array(scores, dtype="uint8")[::-1])  # non-contiguous
        for obj in inputs:
            t = nps.tally(obj)
            self.assertEqual((t.detractors, t.passives, t.promoters), want,
                             type(obj).__name__)
            self.assertEqual(t.rejected, 0)
            self.assertEqual(t.n, 1000)

    def test_breaks_scales(self):
        scores = [1, 2, 3, 4, 5, 5, 4]
        t = nps.tally(scores, breaks=(1, 3, 4, 5))
        self.assertEqual((t.detractors, t.passives, t.promoters), brute_tally(scores, (1, 3, 4, 5)))
        t = nps.tally(bytes([1, 6, 7, 10]), breaks=(1, 6, 8, 10))
        self.assertEqual((t.detractors, t.passives, t.promoters), (2, 1, 1))

    def test_strict_index_and_skip(self):
        for obj in ([9, 7, 11, 3], bytes([9, 7, 11, 3]), array.array("i", [9, 7, 11, 3])):
            with self.assertRaises(loyalty.BadInputError) as cm:
                nps.tally(obj)
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(cm.exception.name, "LOY_ESCALE")
            t = nps.tally(obj, skip_invalid=True)
            self.assertEqual((t.detractors, t.passives, t.promoters, t.rejected), (1, 1, 1, 1))
        # NaN is a blank (non-response), not an invalid score...
        t = nps.tally([9, float("nan")])
        self.assertEqual((t.promoters, t.rejected, t.blanks, t.n), (1, 0, 1, 1))
        # ...unless asked for the 1.0 behaviour
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.tally([9, float("nan")], blank="invalid")
        self.assertEqual((cm.exception.index, cm.exception.name), (1, "LOY_ENONFINITE"))
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.tally([9, 8, 7.5])
        self.assertEqual((cm.exception.index, cm.exception.name), (2, "LOY_ESCALE"))
        self.assertEqual(nps.tally([9, 8, 7.5, -1], skip_invalid=True).rejected, 2)
        if have_numpy():
            with self.assertRaises(loyalty.BadInputError) as cm:
                nps.tally(np.array([1, 2, 300, 1], dtype=np.int64))
            self.assertEqual(cm.exception.index, 2)  # not wrapped to 44
        with self.assertRaises(loyalty.DomainError):
            nps.tally([1, 2], breaks=(5, 3, 4, 6))
        self.assertEqual(nps.tally([]).n, 0)
        with self.assertRaises(TypeError):
            nps.tally(5)

    def test_hist_and_merge(self):
        hist = [0] * 11
        hist[3], hist[7], hist[9] = WHUBER
        t = nps.tally_hist(hist)
        self.assertEqual((t.detractors, t.passives, t.promoters), WHUBER)
        with self.assertRaises(loyalty.BadInputError):
            nps.tally_hist([1, 2, 3])
        a = nps.tally([1, 9, 9])
        b = nps.tally([7, 8], skip_invalid=True)
        m = a + b
        self.assertEqual((m.detractors, m.passives, m.promoters, m.rejected), (1, 2, 2, 0))
        self.assertEqual(nps.merge(a, b, (1, 1, 1)).n, 8)
        with self.assertRaises(loyalty.DomainError):
            nps.merge((2**63, 0, 0), (2**63, 0, 0))

    def test_grouped(self):
        rng = random.Random(3)
        scores = [rng.randrange(0, 11) for _ in range(500)]
        groups = [rng.randrange(0, 7) for _ in range(500)]
        got = nps.grouped(scores, groups, 7)
        self.assertEqual(len(got), 7)
        for g in range(7):
            want = brute_tally([s for s, h in zip(scores, groups) if h == g])
            self.assertEqual((got[g].detractors, got[g].passives, got[g].promoters), want)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.grouped([1, 2, 3], [0, 7, 1], 7)
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.grouped([1, 12, 3], [0, 1, 1], 7)
        self.assertEqual(cm.exception.index, 1)
        skip = nps.grouped([1, 12, 3, 9.5], [0, 1, 1, 1], 2, skip_invalid=True)
        self.assertEqual([t.rejected for t in skip], [0, 2])
        self.assertEqual(skip[1].n, 1)
        if have_numpy():
            arr = nps.grouped(np.array(scores, dtype=np.uint8),
                              np.array(groups, dtype=np.uint32), 7, as_array=True)
            self.assertEqual(arr.shape, (7, 4))
            self.assertEqual([tuple(r[:3]) for r in arr.tolist()],
                             [(t.detractors, t.passives, t.promoters) for t in got])
            with self.assertRaises(loyalty.BadInputError) as cm:
                nps.grouped(np.array([1, 2], np.uint8), np.array([0, 9], np.uint32), 2)
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(loyalty.BadInputError) as cm:
                nps.grouped(np.array([1, 2]), np.array([0, -1]), 2)
            self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(ValueError):
            nps.grouped([1, 2], [0], 2)


class TestEstimate(unittest.TestCase):
    def test_whuber(self):
        # MODELS.md / tests/test_nps_estimate.c
        w = nps.estimate(WHUBER, "wald")
        self.assertAlmostEqual(w.nps, 1 / 3, delta=1e-15)
        self.assertAlmostEqual(w.variance, 5 / 9, delta=1e-14)
        self.assertAlmostEqual(w.se, 0.041409, delta=1e-6)
        self.assertAlmostEqual(w.z, 1.959964, delta=1e-6)
        self.assertAlmostEqual(w.lower, 0.252174, delta=1e-6)
        self.assertAlmostEqual(w.upper, 0.414493, delta=1e-6)
        self.assertEqual(w.method, nps.WALD)
        a = nps.estimate(nps.tally(whuber_scores()))  # adjusted by default
        self.assertAlmostEqual(a.centre, 108 / 327, delta=1e-14)
        self.assertAlmostEqual(a.interval_se, 0.041237, delta=1e-6)
        self.assertAlmostEqual(a.lower, 0.249453, delta=1e-6)
        self.assertAlmostEqual(a.upper, 0.411098, delta=1e-6)
        s = nps.estimate(WHUBER, "score")
        self.assertAlmostEqual(s.lower, 0.249540, delta=1e-6)
        self.assertAlmostEqual(s.upper, 0.411611, delta=1e-6)
        self.assertEqual(nps.estimate(WHUBER, nps.SCORE), s)
        self.assertIn("Estimate(n=324", repr(w))
        # pseudo-counts: zero pseudo-counts give back the Wald interval
        z = nps.estimate(WHUBER, "adjusted", pseudo=(0, 0, 0))
        self.assertAlmostEqual(z.lower, w.lower, delta=1e-14)
        self.assertAlmostEqual(nps.tally(whuber_scores()).nps, 1 / 3, delta=1e-15)

    def test_flags_and_levels(self):
        e = nps.estimate((0, 0, 10), "wald")
        self.assertTrue(e.flags & nps.DEGENERATE)
        self.assertTrue(e.flags & nps.SMALL_SAMPLE)
        self.assertEqual((e.lower, e.upper), (1.0, 1.0))
        e90 = nps.estimate(WHUBER, "wald", level=0.90)
        self.assertAlmostEqual(e90.z, 1.6448536269514722, delta=1e-14)

    def test_errors(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.estimate((0, 0, 0))
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(loyalty.DomainError):
            nps.estimate(WHUBER, level=1.0)
        with self.assertRaises(loyalty.BadInputError):
            nps.estimate(WHUBER, level=float("nan"))
        with self.assertRaises(loyalty.DomainError):
            nps.estimate(WHUBER, pseudo=(-1, 0, 0))
        with self.assertRaises(loyalty.BadInputError):
            nps.estimate(WHUBER, method=7)
        with self.assertRaises(ValueError):
            nps.estimate(WHUBER, method="bayes")

    def test_compare(self):
        b = (20, 100, 123)
        r = nps.compare(WHUBER, b, "wald")
        pa, da, pb, db = 162 / 324, 54 / 324, 123 / 243, 20 / 243
        va = pa + da - (pa - da) ** 2
        vb = pb + db - (pb - db) ** 2
        se = math.sqrt(va / 324 + vb / 243)
        self.assertAlmostEqual(r.diff, (pa - da) - (pb - db), delta=1e-14)
        self.assertAlmostEqual(r.se, se, delta=1e-14)
        self.assertAlmostEqual(r.z_stat, r.diff / se, delta=1e-12)
        self.assertAlmostEqual(r.p_value, math.erfc(abs(r.diff / se) / math.sqrt(2)), delta=1e-12)
        self.assertAlmostEqual(r.lower, r.diff - Z95 * se, delta=1e-13)
        self.assertGreater(nps.compare(WHUBER, b).se, 0)
        with self.assertRaises(loyalty.DomainError) as cm:
            nps.compare((0, 0, 5), (0, 0, 7), "wald")
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")
        with self.assertRaises(loyalty.BadInputError):
            nps.compare((0, 0, 0), b)

    def test_weighted(self):
        scores = whuber_scores()
        wt = nps.weighted_tally(scores, [1.0] * len(scores))
        self.assertEqual(wt.count, [54, 108, 162])
        r = nps.weighted_estimate(wt)
        u = nps.estimate(WHUBER, "wald")
        self.assertAlmostEqual(r.nps, u.nps, delta=1e-14)
        self.assertAlmostEqual(r.n_eff, 324, delta=1e-12)
        self.assertAlmostEqual(r.deff, 1, delta=1e-14)
        self.assertAlmostEqual(r.se_kish, u.se, delta=1e-13)
        self.assertAlmostEqual(r.se_lin, u.se * math.sqrt(324 / 323), delta=1e-13)
        # brute force with unequal weights
        rng = random.Random(11)
        s = [rng.randrange(0, 11) for _ in range(300)]
        w = [rng.uniform(0.2, 3) for _ in range(300)]
        x = [1 if v >= 9 else (-1 if v <= 6 else 0) for v in s]
        sw = sum(w)
        want = sum(a * b for a, b in zip(w, x)) / sw
        got = nps.weighted(s, w, level=0.9)
        self.assertAlmostEqual(got.nps, want, delta=1e-12)
        self.assertAlmostEqual(got.n_eff, sw * sw / sum(v * v for v in w), delta=1e-9)
        lin = sum(wi * wi * (xi - want) ** 2 for wi, xi in zip(w, x))
        self.assertAlmostEqual(got.se_lin, math.sqrt(300 / 299 * lin) / sw, delta=1e-12)
        both = nps.weighted_tally(s[:100], w[:100]) + nps.weighted_tally(s[100:], w[100:])
        self.assertEqual(both.count, nps.weighted_tally(s, w).count)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.weighted_tally([1, 2, 3], [1, -1, 1])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(nps.weighted_tally([1, 2, 3], [1, -1, 1], skip_invalid=True).rejected, 1)
        with self.assertRaises(ValueError):
            nps.weighted_tally([1, 2, 3], [1, 1])

    def test_planning(self):
        # MODELS.md 1.10
        for p, d, n05, n10 in ((0.5, 0.5, 1537, 385), (0.3, 0.3, 922, 231),
                               (0.5, 1 / 6, 854, 214)):
            self.assertEqual(nps.sample_size(0.05, 0.95, p, d), n05)
            self.assertEqual(nps.sample_size(0.10, 0.95, p, d), n10)
            self.assertLessEqual(nps.margin_of_error(n10, 0.95, p, d), 0.10)
            self.assertGreater(nps.margin_of_error(n10 - 1, 0.95, p, d), 0.10)
        self.assertEqual(nps.sample_size(0.05), 1537)
        self.assertAlmostEqual(nps.margin_of_error(324, 0.95, 0.5, 1 / 6), Z95 * 0.041409, delta=1e-5)
        with self.assertRaises(loyalty.DomainError):
            nps.sample_size(0.0)
        with self.assertRaises(loyalty.BadInputError):
            nps.margin_of_error(0)


class TestCsatCes(unittest.TestCase):
    DELIGHTED = [14, 9, 10, 32, 42]  # MODELS.md 2.1: 69.16%

    def test_csat_reference(self):
        r = nps.csat(counts=self.DELIGHTED)
        self.assertEqual((r.n, r.top), (107, 74))
        self.assertAlmostEqual(r.csat, 74 / 107, delta=1e-15)
        self.assertEqual(round(100 * r.csat, 2), 69.16)
        p, n = r.csat, 107
        centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
        half = Z95 / (1 + Z95 ** 2 / n) * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n))
        self.assertAlmostEqual(r.lower, centre - half, delta=1e-12)
        self.assertAlmostEqual(r.upper, centre + half, delta=1e-12)
        self.assertAlmostEqual(nps.csat(counts=[5, 5, 10, 20, 10]).csat, 0.6, delta=1e-15)
        self.assertAlmostEqual(nps.csat(counts=[5, 5, 10, 20, 10], scale=(1, 3, 5)).csat, 0.8, delta=1e-15)

    def test_csat_scores(self):
        s = []
        for k, c in enumerate(self.DELIGHTED):
            s += [k + 1] * c
        a = nps.csat(s)
        self.assertEqual(a, nps.csat(counts=self.DELIGHTED))
        self.assertEqual(nps.csat(array.array("i", s)), a)
        bad = s + [6, 0, 4]
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.csat(bad)
        self.assertEqual((cm.exception.index, cm.exception.name), (107, "LOY_ESCALE"))
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.csat(array.array("i", bad))
        self.assertEqual(cm.exception.index, 107)
        r = nps.csat(bad, skip_invalid=True)
        self.assertEqual((r.n, r.top, r.rejected), (108, 75, 2))
        r = nps.csat(bad + [4.5, float("nan")], skip_invalid=True)
        self.assertEqual((r.rejected, r.blanks), (3, 1))
        r = nps.csat(bad + [4.5, float("nan")], skip_invalid=True, blank="invalid")
        self.assertEqual((r.rejected, r.blanks), (4, 0))
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.csat([4, 4.5])
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(loyalty.BadInputError):
            nps.csat(counts=[0, 0, 0, 0, 0])
        with self.assertRaises(loyalty.DomainError):
            nps.csat(counts=self.DELIGHTED, level=1.0)
        with self.assertRaises(TypeError):
            nps.csat()
        if have_numpy():
            self.assertEqual(nps.csat(np.array(s, dtype=np.int64)), a)
            self.assertEqual(nps.csat(np.array(s, dtype=np.int32)), a)

    def test_ces(self):
        c = [3, 4, 6, 10, 25, 30, 22]
        s = []
        for k, m in enumerate(c):
            s += [k + 1] * m
        mean = sum(s) / 100
        sd = math.sqrt(sum((v - mean) ** 2 for v in s) / 99)
        r = nps.ces(counts=c)
        self.assertEqual(r.n, 100)
        self.assertAlmostEqual(r.mean, mean, delta=1e-14)
        self.assertAlmostEqual(r.sd, sd, delta=1e-13)
        self.assertAlmostEqual(r.lower, mean - Z95 * sd / 10, delta=1e-13)
        self.assertAlmostEqual(r.agree, 0.77, delta=1e-15)
        self.assertAlmostEqual(r.disagree, 0.13, delta=1e-15)
        q = nps.ces(s)
        self.assertAlmostEqual(q.mean, r.mean, delta=1e-14)
        self.assertAlmostEqual(q.sd, r.sd, delta=1e-13)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.ces([1, 8, 0])
        self.assertEqual(cm.exception.index, 1)
        r = nps.ces([1, 8, 0], skip_invalid=True)
        self.assertEqual((r.n, r.rejected), (1, 2))
        with self.assertRaises(loyalty.DomainError):
            nps.ces(counts=[1, 1, 1], scale=(1, 2, 2, 3))
        self.assertIn("CesResult(", repr(r))


if __name__ == "__main__":
    unittest.main()
