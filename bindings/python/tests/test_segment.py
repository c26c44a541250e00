# SPDX-License-Identifier: MIT
"""segment module through the binding: ABC (fixed and computed), the ABC x
loyalty crossing and actions; values equal tests/test_abc.c and
tests/test_segment.c, plus a brute-force crossing."""

import array
import random
import unittest

import loyalty
from loyalty import nps, segment
from loyalty._arrays import have_numpy

if have_numpy():
    import numpy as np

P, A, D, X = nps.PROMOTER, nps.PASSIVE, nps.DETRACTOR, segment.NO_ANSWER


class TestAbc(unittest.TestCase):
    def test_one_to_nine(self):
        cls, s = segment.abc(range(1, 10))
        self.assertEqual(list(cls), [2, 2, 1, 1, 0, 0, 0, 0, 0])
        self.assertEqual(s.count, [5, 2, 2])
        self.assertEqual(s.value[0], 35)
        self.assertAlmostEqual(s.value_share[1], 7 / 45, delta=1e-15)
        self.assertEqual((s.threshold_ab, s.threshold_bc), (5, 3))
        self.assertEqual((s.rule, s.basis, s.ties), (segment.RULE_AFTER, segment.BASIS_VALUE,
                                                     segment.TIES_RUN_FIRST))
        self.assertEqual((s.cut_a, s.cut_b, s.total_value), (0.8, 0.95, 45))
        cls, s = segment.abc([1, 2, 3, 4, 5, 6, 7, 8, 9], before=True)
        self.assertEqual(list(cls), [2, 1, 1, 0, 0, 0, 0, 0, 0])
        self.assertEqual((s.rule, s.threshold_ab, s.threshold_bc), (segment.RULE_BEFORE, 4, 2))
        none, s2 = segment.abc(range(1, 10), classes=False)
        self.assertIsNone(none)
        self.assertEqual(s2.count, [5, 2, 2])
        self.assertIn("AbcSummary(n=9", repr(s2))

    def test_ties_and_count_basis(self):
        cls, s = segment.abc([2, 1, 5, 2])
        self.assertEqual(list(cls), [0, 2, 0, 0])
        self.assertEqual(s.threshold_bc, 2.0)
        cls, s = segment.abc(range(1, 11), cut_a=0.2, cut_b=0.5, count=True)
        self.assertEqual(s.basis, segment.BASIS_COUNT)
        self.assertEqual(s.count, [2, 3, 5])

    def test_brute_force(self):
        rng = random.Random(5)
        v = [rng.expovariate(0.01) for _ in range(3000)]
        cls, s = segment.abc(v)
        order = sorted(range(len(v)), key=lambda i: -v[i])
        total, cum = sum(v), 0.0
        for i in order:
            cum += v[i]
            want = 0 if cum <= 0.8 * total else (1 if cum <= 0.95 * total else 2)
            self.assertEqual(cls[i], want)

    def test_errors(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.abc([1, 2, float("nan"), 4])
        self.assertEqual((cm.exception.index, cm.exception.name), (2, "LOY_ENONFINITE"))
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.abc([1, -2, 3])
        self.assertEqual((cm.exception.index, cm.exception.name), (1, "LOY_ESCALE"))
        cls, s = segment.abc([1, -2, 3], clamp_negative=True)
        self.assertEqual(s.n_clamped, 1)
        with self.assertRaises(loyalty.BadInputError):
            segment.abc([])
        with self.assertRaises(loyalty.BadInputError):
            segment.abc([0, 0])
        with self.assertRaises(loyalty.DomainError):
            segment.abc([1, 2], cut_a=0.9, cut_b=0.8)

    def test_computed(self):
        cls, r = segment.abc_computed(array.array("d", range(1, 10)))
        self.assertEqual(list(cls), [2, 2, 2, 1, 1, 1, 0, 0, 0])
        self.assertEqual((r.pareto_rank, r.breakeven_rank, r.submarginal_rank), (4, 5, 6))
        self.assertEqual((r.ab_limit, r.bc_limit), (6, 4))
        self.assertAlmostEqual(r.a_effort, 4 / 9, delta=1e-15)
        self.assertAlmostEqual(r.a_yield, 30 / 45, delta=1e-15)
        self.assertEqual(r.count, [3, 3, 3])
        # Gini: 2 x trapezoidal area - 1 over the exact curve
        v = sorted(range(1, 10), reverse=True)
        ys, cum, area = [0.0], 0.0, 0.0
        for x in v:
            cum += x
            ys.append(cum / 45)
        for k in range(9):
            area += (ys[k] + ys[k + 1]) / 2 / 9
        self.assertAlmostEqual(r.gini, 2 * area - 1, delta=1e-14)
        with self.assertRaises(loyalty.DomainError) as cm:
            segment.abc_computed([1, 2])
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.abc_computed([1, 2, float("inf")])
        self.assertEqual(cm.exception.index, 2)


class TestCross(unittest.TestCase):
    V = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    LOY = [P, D, A, P, X, D, P, A, X, D]
    CHURN = [0, 0, 0.5, 0, 0, 0, 0, 0.25, 0, 0]

    def test_small_example(self):
        vc, _ = segment.abc(self.V)
        self.assertEqual(list(vc), [0, 0, 0, 0, 0, 1, 1, 1, 2, 2])
        cells, r = segment.cross(self.V, vc, self.LOY, churn_prob=self.CHURN)
        self.assertEqual(r.n, 10)
        self.assertEqual(r.with_potential, 0)
        self.assertEqual(r.total_value, 55)
        self.assertEqual(r.count[segment.cell_number(0, 0, 0)], 2)
        self.assertEqual(r.value[0], 17)
        self.assertEqual([cells[i] for i in (0, 1, 4, 5, 8, 9)], [0, 2, 3, 6, 11, 10])
        self.assertEqual(r.class_count[0], 5)
        self.assertEqual(r.class_respondents[0], 4)
        self.assertAlmostEqual(r.class_rw_nps[0], 8 / 34, delta=1e-15)
        self.assertAlmostEqual(r.class_rw_nps[1], (4 - 5) / 12, delta=1e-15)
        self.assertAlmostEqual(r.total_rw_nps, (21 - 15) / (21 + 11 + 15), delta=1e-15)
        self.assertAlmostEqual(r.value_at_risk, 15 + 4 + 0.75, delta=1e-15)
        self.assertAlmostEqual(r.class_value_at_risk[1], 5.75, delta=1e-15)
        # class NPS interval equals nps.estimate on the class's counts (Wald)
        e = nps.estimate((1, 1, 2), "wald")
        self.assertAlmostEqual(r.class_nps[0], e.nps, delta=1e-15)
        self.assertAlmostEqual(r.class_nps_lower[0], e.lower, delta=1e-14)
        self.assertEqual(r.action[0], segment.ACTION_PROTECT_LEVERAGE)
        self.assertEqual(r.action[12], segment.ACTION_NONE)
        self.assertEqual(len(r.cells), 12)
        c0, c2, c10 = r.cells[0], r.cells[2], r.cells[10]
        self.assertEqual((c0.value_class, c0.column, c0.action_name, c0.count),
                         ("A", "promoter", "protect_leverage", 2))
        self.assertEqual((c2.column, c2.action_name), ("detractor", "rescue"))
        self.assertEqual((c10.value_class, c10.action_name), ("C", "let_go"))
        self.assertTrue(c0.small)
        _, r2 = segment.cross(self.V, vc, self.LOY, cells=False)
        self.assertEqual(r2.value_at_risk, 15)

    def test_raw_scores_and_types(self):
        vc, _ = segment.abc(self.V)
        raw = {P: 10, A: 7, D: 2, X: -1}
        scores = [raw[x] for x in self.LOY]
        want, r = segment.cross(self.V, vc, self.LOY)
        got, r2 = segment.cross(self.V, list(vc), scores, raw_scores=True)
        self.assertEqual(list(got), list(want))
        self.assertEqual(r2.count, r.count)
        got, _ = segment.cross(array.array("d", self.V), bytes(vc), array.array("i", self.LOY))
        self.assertEqual(list(got), list(want))
        if have_numpy():
            got, _ = segment.cross(np.array(self.V, float), np.asarray(vc, np.uint8),
                                   np.array(self.LOY, np.int64))
            self.assertEqual(list(got), list(want))

    def test_potential_brute_force(self):
        rng = random.Random(9)
        n = 2000
        v = [float(rng.randrange(0, 200)) for _ in range(n)]
        vc = [rng.randrange(0, 3) for _ in range(n)]
        loy = [rng.randrange(-1, 3) for _ in range(n)]
        pot = [rng.random() for _ in range(n)]
        ltv = [rng.uniform(0, 100) for _ in range(n)]
        for sow in (False, True):
            cells, r = segment.cross(v, vc, loy, potential=pot, potential_threshold=0.3,
                                     lifetime_value=ltv, sow=sow, nps_method="adjusted",
                                     nps_level=0.9, small_n=50)
            self.assertEqual(r.with_potential, 1)
            self.assertEqual(len(r.cells), 24)
            cnt = [0] * 24
            for i in range(n):
                col = {P: 0, A: 1, D: 2, X: 3}[loy[i]]
                lv = (pot[i] < 0.3) if sow else (pot[i] >= 0.3)
                c = segment.cell_number(vc[i], col, lv)
                self.assertEqual(cells[i], c)
                cnt[c] += 1
            self.assertEqual(r.count, cnt)
            self.assertEqual(r.small, [int(c < 50) for c in cnt])
            for c in range(24):
                self.assertEqual(r.cells[c].action, segment.cell_action(c, True))

    def test_errors(self):
        vc = [0] * 10
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.cross(self.V, vc, self.LOY[:9] + [5])
        self.assertEqual((cm.exception.index, cm.exception.name), (9, "LOY_ESCALE"))
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.cross(self.V, [0, 0, 3] + [0] * 7, self.LOY)
        self.assertEqual(cm.exception.index, 2)
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.cross(self.V, vc, self.LOY, churn_prob=[0] * 4 + [1.5] + [0] * 5)
        self.assertEqual(cm.exception.index, 4)
        with self.assertRaises(loyalty.BadInputError) as cm:
            segment.cross(self.V, vc, [0.5] + self.LOY[1:])
        self.assertEqual(cm.exception.index, 0)
        with self.assertRaises(loyalty.DomainError):
            segment.cross(self.V, vc, self.LOY, nps_level=1.5)
        with self.assertRaises(ValueError):
            segment.cross(self.V, vc[:3], self.LOY)

    def test_actions(self):
        self.assertEqual(segment.cell_action(0), segment.ACTION_PROTECT_LEVERAGE)
        self.assertEqual(segment.action_name(segment.cell_action(2)), "rescue")
        self.assertEqual(segment.action_name(999), "unknown")
        names = {segment.action_name(a) for a in range(1, 13)}
        self.assertEqual(len(names), 12)
        self.assertNotIn("unknown", names)
        with self.assertRaises(loyalty.BadInputError):
            segment.cell_action(12)
        self.assertNotEqual(segment.cell_action(23, with_potential=True), segment.ACTION_NONE)


if __name__ == "__main__":
    unittest.main()


class TestDeclarations(unittest.TestCase):
    """Every C function of the stats, nps and segment headers is
    declared (argtypes and restype) and every struct mirror matches the
    header field for field."""

    INCLUDE = __import__("os").path.join(__import__("os").path.dirname(__file__),
                                          "..", "..", "..", "include", "loyalty")
    CTYPES = {"size_t": "c_size_t", "uint64_t": "c_uint64", "double": "c_double",
              "int32_t": "c_int32", "uint32_t": "c_uint32", "uint8_t": "c_uint8"}

    def sections(self):
        import os
        import re
        if not os.path.isdir(self.INCLUDE):
            self.skipTest("include/loyalty not found")
        out = ""
        for mod in ("stats", "nps", "segment"):
            out += open(os.path.join(self.INCLUDE, mod + ".h")).read()
        return re.sub(r"/\*.*?\*/", "", out, flags=re.S)

    def test_functions_declared(self):
        import re
        from loyalty._lib import lib
        from loyalty import stats  # declares its functions on import
        self.assertTrue(callable(stats.normal_cdf))
        names = re.findall(r"LOY_API[^;(]*?\b(loy_\w+)\s*\(", self.sections())
        self.assertGreater(len(names), 25)
        void = set(re.findall(r"LOY_API\s+void\s+(loy_\w+)\s*\(", self.sections()))
        for name in names:
            fn = getattr(lib, name)
            self.assertIsNotNone(fn.argtypes, name)
            if name not in void:
                self.assertIsNotNone(fn.restype, name)

    def test_struct_mirrors(self):
        import ctypes
        import re
        from loyalty import nps as n
        mirrors = {"loy_nps_tally": n._Tally, "loy_nps_wtally": n._WTally,
                   "loy_nps_options": n._Options, "loy_nps_result": n._Result,
                   "loy_nps_diff": n._Diff, "loy_nps_wresult": n._WResult,
                   "loy_csat_result": n._Csat, "loy_ces_result": n._Ces,
                   "loy_abc_summary": segment._AbcSummary,
                   "loy_abc_computed_result": segment._Computed,
                   "loy_segment_input": segment._SegInput,
                   "loy_segment_result": segment._SegResult}
        found = re.findall(r"typedef struct (\w+) \{(.*?)\} \1;", self.sections(), re.S)
        self.assertEqual(sorted(name for name, _ in found), sorted(mirrors))
        for name, body in found:
            want = []
            for decl in body.split(";"):
                m = re.match(r"\s*(?:const\s+)?(\w+)\s*(\*?)\s*(\w+)\s*(?:\[(\w+)\])?\s*$", decl)
                if m:
                    want.append(m.groups())
            fields = mirrors[name]._fields_
            self.assertEqual([f[0] for f in fields], [w[2] for w in want], name)
            for (fname, ftype), (ctype, star, _, dim) in zip(fields, want):
                if dim:
                    self.assertEqual(ftype._length_, 24 if dim == "LOY_SEGMENT_CELLS" else int(dim))
                    ftype = ftype._type_
                if star:
                    self.assertTrue(issubclass(ftype, ctypes._Pointer), fname)
                    ftype = ftype._type_
                self.assertIs(ftype, getattr(ctypes, self.CTYPES[ctype]),
                              "%s.%s" % (name, fname))
