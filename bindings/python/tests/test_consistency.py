# SPDX-License-Identifier: MIT
"""loyalty.consistency against examples/consistency_quickstart.c and the
guide (docs/guide/consistency.md), and by hand: funnel z-scores, limits and
DerSimonian-Laird tau², exact trinomial tails by enumeration, Shewhart,
EWMA and CUSUM recursions, the period-over-period difference; plus bad
input."""

import math
import os
import re
import unittest

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

import loyalty  # noqa: E402
from loyalty import consistency as C  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
SURVEY = os.path.join(ROOT, "examples", "data", "survey.csv")
Z975 = 1.959963984540054


def survey():
    return pd.read_csv(SURVEY, sep=";", encoding="utf-8-sig")


def c_array(name):
    """A uint64 [..][3] table of examples/consistency_quickstart.c."""
    src = open(os.path.join(ROOT, "examples", "consistency_quickstart.c")).read()
    body = src.split(name, 1)[1].split("= {", 1)[1].split("};", 1)[0]
    return np.array([[int(v) for v in row.split(",")]
                     for row in re.findall(r"\{([^{}]*)\}", body)])


BRANCHES = ["Hamburg", "Berlin", "Bremen", "Hannover", "Kiel", "Luebeck", "Rostock",
            "Flensburg"]


class TestTallies(unittest.TestCase):
    def test_same_tallies_as_the_c_example(self):
        df = survey()
        by_branch = C.tallies(df, "score", unit="branch")
        np.testing.assert_array_equal(
            by_branch.loc[BRANCHES, ["detractors", "passives", "promoters"]].to_numpy(),
            c_array("by_branch[BRANCHES][3]"))
        by_month = C.tallies(df, "score", date="date", freq="M")
        self.assertEqual(str(by_month.index[0]), "2024-02")
        self.assertEqual(str(by_month.index[-1]), "2025-12")
        np.testing.assert_array_equal(
            by_month[["detractors", "passives", "promoters"]].to_numpy(),
            c_array("by_month[MONTHS][3]"))
        grid = C.tallies(df, "score", unit="branch", date="date", freq="M")
        self.assertEqual(len(grid), 8 * 23)
        np.testing.assert_array_equal(grid.groupby(level=1).sum()["n"], by_month["n"])

    def test_gaps_are_kept_and_bad_scores_named(self):
        df = pd.DataFrame({"score": [9, 3, 10, 7],
                           "date": ["2025-01-01", "2025-01-02", "2025-03-05", "2025-03-06"]})
        t = C.tallies(df, date="date", freq="M")
        self.assertEqual(list(t["n"]), [2, 0, 2])
        df.loc[2, "score"] = 11
        with self.assertRaises(loyalty.BadInputError) as cm:
            C.tallies(df, date="date", freq="M")
        self.assertEqual(cm.exception.label, 2)
        self.assertIn("score", str(cm.exception))
        with self.assertRaises(KeyError):
            C.tallies(df, "nope", date="date")
        with self.assertRaises(ValueError):
            C.tallies(df, date="date", freq="fortnight")


class TestFunnel(unittest.TestCase):
    def test_quickstart(self):
        f = C.funnel(survey(), "score", "branch")
        self.assertEqual("%+.1f" % (100 * f.target), "+6.5")
        self.assertEqual("%.1f" % (100 * f.tau), "11.8")
        self.assertEqual("%.0f" % (100 * f.i2), "81")
        u = f.units.loc[BRANCHES]
        self.assertEqual(["%+.2f" % z for z in u["z"]],
                         ["-0.50", "+1.15", "-5.18", "+1.88", "+0.52", "+1.18", "+1.60",
                          "+0.71"])
        self.assertEqual(["%+.1f" % (100 * s) for s in u["shrunk"]],
                         ["+4.8", "+11.4", "-15.5", "+15.4", "+9.5", "+13.1", "+16.3",
                          "+11.1"])
        self.assertEqual(list(f.outliers.index), ["Bremen"])
        b = f.units.loc["Bremen"]
        self.assertTrue(b["outside_outer"] and b["fdr"])
        self.assertEqual(b["direction"], "below")
        self.assertIn("below 99.8% limit", b["status"])
        self.assertEqual(f.units.loc["Hamburg", "status"], "within limits")

    def test_guide_example_from_counts(self):
        counts = pd.DataFrame([[40, 60, 100], [22, 30, 48], [75, 50, 75], [5, 8, 12],
                               [120, 190, 290]],
                              columns=["detractors", "passives", "promoters"],
                              index=pd.Index(["North", "East", "South", "West", "Centre"],
                                             name="branch"))
        f = C.funnel(counts=counts)
        self.assertEqual("%+.1f" % (100 * f.target), "+23.4")
        self.assertEqual("%.1f" % (100 * f.tau), "11.4")
        self.assertEqual(list(f.units.index[f.units["outside_outer"]]), ["South"])

    def test_by_hand(self):
        counts = np.array([[40, 60, 100], [22, 30, 48], [75, 50, 75], [5, 8, 12],
                           [120, 190, 290]], dtype=float)
        f = C.funnel(counts=counts)
        n = counts.sum(axis=1)
        d0, p0 = counts[:, 0].sum() / n.sum(), counts[:, 2].sum() / n.sum()
        th0 = p0 - d0
        s0 = p0 + d0 - th0 ** 2
        th = (counts[:, 2] - counts[:, 0]) / n
        z = (th - th0) / np.sqrt(s0 / n)
        np.testing.assert_allclose(f.units["z"], z, rtol=1e-12)
        np.testing.assert_allclose(f.units["p_value"],
                                   [math.erfc(abs(v) / math.sqrt(2)) for v in z], rtol=1e-9)
        # DerSimonian-Laird with each unit's own variance
        v = ((counts[:, 2] + counts[:, 0]) / n - th ** 2) / n
        w = 1 / v
        mean = np.sum(w * th) / w.sum()
        Q = np.sum(w * (th - mean) ** 2)
        tau2 = max(0.0, (Q - (len(n) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
        self.assertAlmostEqual(f.q_stat, Q, places=9)
        self.assertAlmostEqual(f.tau2, tau2, places=12)
        self.assertAlmostEqual(f.i2, max(0.0, (Q - 4) / Q), places=12)
        lim = f.limits(sizes=[10, 100, 1000], level=0.95)
        np.testing.assert_allclose(lim["upper"], th0 + Z975 * np.sqrt(s0 / np.array(
            [10, 100, 1000])), rtol=1e-12)
        both = f.limits(sizes=[50])
        self.assertEqual(list(both.columns), ["n", "lower_95", "upper_95", "lower_99_8",
                                              "upper_99_8"])

    def test_homogeneous_units_and_a_shifted_one(self):
        counts = np.array([[30, 30, 40]] * 6 + [[60, 20, 20]])
        f = C.funnel(counts=counts)
        self.assertEqual(list(np.flatnonzero(f.units["outside_outer"])), [6])
        same = C.funnel(counts=counts[:6])
        self.assertEqual(same.tau2, 0.0)
        self.assertEqual(same.i2, 0.0)
        self.assertFalse(same.units["outside_inner"].any())

    def test_empty_unit_is_flagged_not_fatal(self):
        counts = np.array([[10, 10, 20], [0, 0, 0], [12, 9, 19]])
        f = C.funnel(counts=counts, exact=True)
        self.assertEqual(f.n_used, 2)
        self.assertTrue(f.units["empty"].iloc[1])
        self.assertTrue(math.isnan(f.units["nps"].iloc[1]))
        self.assertEqual(f.units["status"].iloc[1], "no answers")
        self.assertIn("p_lower", f.units.columns)

    def test_exact_tails_by_enumeration(self):
        d, a, p = 3, 4, 5
        n = d + a + p
        p0, d0 = 0.3, 0.25
        x = p - d
        lo = hi = 0.0
        for i in range(n + 1):           # detractors
            for k in range(n - i + 1):   # promoters
                pr = math.comb(n, i) * math.comb(n - i, k) * d0 ** i * p0 ** k * \
                    (1 - p0 - d0) ** (n - i - k)
                if k - i <= x:
                    lo += pr
                if k - i >= x:
                    hi += pr
        got = C.exact_tails((d, a, p), p0, d0)
        self.assertAlmostEqual(got[0], lo, places=13)
        self.assertAlmostEqual(got[1], hi, places=13)
        f = C.funnel(counts=[[d, a, p], [5, 4, 3]], target=(p0, d0), exact=True)
        self.assertAlmostEqual(f.units["p_lower"].iloc[0], lo, places=13)

    def test_errors(self):
        with self.assertRaises(loyalty.DomainError) as cm:
            C.funnel(counts=[[10, 10, 10]], levels=(0.95, 1.5))
        self.assertIn("levels", cm.exception.argument)
        with self.assertRaises(loyalty.DomainError) as cm:
            C.funnel(counts=[[0, 0, 10], [0, 0, 5]])
        self.assertIn("target", cm.exception.argument)
        with self.assertRaises(loyalty.BadInputError) as cm:
            C.funnel(counts=[[0, 0, 0]])
        self.assertEqual(cm.exception.name, "LOY_EEMPTY")
        with self.assertRaises(ValueError):
            C.funnel(counts=[[1, -2, 3]])
        with self.assertRaises(ValueError):
            C.funnel(counts=[[1, 2, 3]], overdispersion="huge")
        with self.assertRaises(ValueError):
            C.funnel(survey(), "score")  # no unit column
        big = 2 ** 63
        with self.assertRaises(loyalty.BadInputError) as cm:
            C.funnel(counts=np.array([[big, big, 1], [1, 1, 1]], dtype=np.uint64))
        self.assertEqual(cm.exception.name, "LOY_EOVERFLOW")

    def test_overdispersion(self):
        f = C.funnel(survey(), "score", "branch", overdispersion="additive")
        self.assertEqual(f.overdispersion, "additive")
        self.assertGreater(f.tau2_od, 0)
        plain = C.funnel(survey(), "score", "branch")
        self.assertTrue((f.units["z_adjusted"].abs() <= plain.units["z"].abs() + 1e-15).all())


class TestChart(unittest.TestCase):
    def test_quickstart_signals(self):
        ch = C.chart(survey(), "score", "date", freq="M", baseline=12)
        u = ch.units.iloc[0]
        self.assertEqual("%+.1f" % (100 * u["centre"]), "+17.2")
        sig = ch.points[ch.points["signal"]]
        self.assertEqual([str(p) for p in sig.index],
                         ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
                          "2025-12"])
        self.assertEqual(sig.loc[pd.Period("2025-07", "M"), "signals"],
                         "Shewhart low, Laney low, EWMA low, CUSUM low")
        self.assertEqual(sig.loc[pd.Period("2025-06", "M"), "signals"], "Laney low")
        self.assertEqual(str(u["first_cusum"]), "2025-07")
        self.assertEqual(ch.points["baseline"].sum(), 12)

    def test_baseline_by_labels_and_tallies_as_objects(self):
        df = survey()
        a = C.chart(df, "score", "date", freq="M", baseline=12)
        b = C.chart(df, "score", "date", freq="M", baseline=slice("2024-02", "2025-01"))
        pd.testing.assert_frame_equal(a.points, b.points)
        with self.assertRaises(ValueError):
            C.chart(df, "score", "date", freq="M", baseline=slice("2030-01", "2030-05"))
        tallies = loyalty.nps.grouped([9, 3, 7, 10, 0, 8], [0, 0, 0, 1, 1, 1], 2)
        f = C.funnel(counts=tallies)
        self.assertEqual(list(f.units["n"]), [3, 3])

    def test_recursions_by_hand(self):
        counts = c_array("by_month[MONTHS][3]").astype(float)
        ch = C.chart(counts=counts, baseline=12)
        n = counts.sum(axis=1)
        base = counts[:12].sum(axis=0)
        nb = base.sum()
        d, p = base[0] / nb, base[2] / nb
        cl = p - d
        var = p + d - cl ** 2
        x = (counts[:, 2] - counts[:, 0]) / n
        s = np.sqrt(var / n)
        pts = ch.points
        np.testing.assert_allclose(pts["nps"], x, rtol=1e-12)
        np.testing.assert_allclose(pts["shewhart_upper"], np.clip(cl + 3 * s, -1, 1),
                                   rtol=1e-12)
        lam = 0.2
        e, a = cl, 0.0
        ew, ewu = [], []
        for t in range(len(n)):
            e = lam * x[t] + (1 - lam) * e
            a = (1 - lam) ** 2 * a + lam ** 2 / n[t]
            ew.append(e)
            ewu.append(min(1.0, cl + 3 * math.sqrt(var * a)))
        np.testing.assert_allclose(pts["ewma"], ew, rtol=1e-12)
        np.testing.assert_allclose(pts["ewma_upper"], ewu, rtol=1e-12)
        cp = cm = 0.0
        cps, cms = [], []
        for t in range(len(n)):
            u = (x[t] - cl) / s[t]
            cp = max(0.0, cp + u - 0.5)
            cm = max(0.0, cm - u - 0.5)
            cps.append(cp)
            cms.append(cm)
        np.testing.assert_allclose(pts["cusum_upper"], cps, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(pts["cusum_lower"], cms, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(pts["cusum_signal"] == "low", np.array(cms) > 5)

    def test_many_units_and_gaps(self):
        df = survey()
        ch = C.chart(df, "score", "date", unit="branch", freq="M", baseline=12)
        self.assertEqual(list(ch.units.index), sorted(BRANCHES))
        self.assertEqual(len(ch.points), 8 * 23)
        self.assertEqual(ch.unit("Bremen").shape[0], 23)
        counts = np.array([[5, 5, 10], [0, 0, 0], [6, 4, 10], [7, 3, 10]])
        g = C.chart(counts=counts)
        self.assertTrue(g.points["gap"].iloc[1])
        self.assertTrue(math.isnan(g.points["nps"].iloc[1]))
        self.assertEqual(g.units["n_points"].iloc[0], 3)
        grid = C.tallies(df, "score", unit="branch", date="date", freq="M")
        g2 = C.chart(counts=grid, baseline=12)
        pd.testing.assert_frame_equal(g2.points, ch.points)

    def test_errors(self):
        counts = c_array("by_month[MONTHS][3]")
        with self.assertRaises(loyalty.DomainError) as cm:
            C.chart(counts=counts, ewma_lambda=0.0)
        self.assertIn("ewma_lambda", cm.exception.argument)
        with self.assertRaises(loyalty.DomainError):
            C.chart(counts=counts, baseline=(20, 10))
        with self.assertRaises(loyalty.DomainError):
            C.chart(counts=counts, limit=-1)
        with self.assertRaises(ValueError):
            C.chart(survey(), "score")  # no date column
        with self.assertRaises(ValueError):
            C.chart(counts=np.zeros((2, 2, 2)))


class TestDesignChangeTrend(unittest.TestCase):
    def test_run_lengths(self):
        L = C.ewma_limit(0.2, 370.0)
        self.assertEqual("%.4f" % L, "2.8590")
        self.assertAlmostEqual(C.arl_ewma(0.2, L), 370.0, places=6)
        self.assertEqual("%.0f" % C.arl_cusum(0.5, 5.0), "465")
        self.assertEqual("%.1f" % C.arl_cusum(0.5, 5.0, -1.0), "10.4")
        h = C.cusum_limit(0.5, 465.0)
        self.assertAlmostEqual(C.arl_cusum(0.5, h), 465.0, places=6)
        v = C.arl_ewma(0.2, L, [0.0, 0.5, 1.0])
        self.assertEqual(v.shape, (3,))
        self.assertTrue(v[0] > v[1] > v[2])
        up = C.arl_cusum(0.5, 4.0, 0.0, sides="upper")
        two = C.arl_cusum(0.5, 4.0, 0.0)
        self.assertAlmostEqual(1 / two, 2 / up, places=12)
        with self.assertRaises(loyalty.DomainError) as cm:
            C.arl_ewma(1.5, 3.0)
        self.assertIn("lam", cm.exception.argument)
        with self.assertRaises(ValueError):
            C.arl_cusum(0.5, 5.0, sides="both")

    def test_change(self):
        counts = c_array("by_month[MONTHS][3]").astype(float)
        ch = C.change(counts=counts, lag=12)
        last = ch.iloc[-1]
        self.assertEqual("%+.1f" % (100 * last["diff"]), "-41.0")
        self.assertEqual("%+.1f" % (100 * last["lower"]), "-63.8")
        self.assertEqual("%+.1f" % (100 * last["upper"]), "-18.1")
        self.assertFalse(ch["compared"].iloc[:12].any())
        self.assertTrue(ch["compared"].iloc[12:].all())
        n = counts.sum(axis=1)
        x = (counts[:, 2] - counts[:, 0]) / n
        v = (counts[:, 2] + counts[:, 0]) / n - x ** 2
        se = np.sqrt(v[12:] / n[12:] + v[:-12] / n[:-12])
        np.testing.assert_allclose(ch["diff"].iloc[12:], x[12:] - x[:-12], rtol=1e-12)
        np.testing.assert_allclose(ch["se"].iloc[12:], se, rtol=1e-12)
        df_ch = C.change(survey(), "score", "date", freq="M", lag=12)
        np.testing.assert_allclose(df_ch["diff"].to_numpy(), ch["diff"].to_numpy(),
                                   equal_nan=True)
        with self.assertRaises(loyalty.BadInputError):
            C.change(counts=counts, lag=0)

    def test_topbox_trend(self):
        tr = C.topbox_trend(survey(), "score", "date", freq="M")
        row = tr.iloc[0]
        self.assertEqual("%+.3f" % row["slope"], "-0.006")
        self.assertEqual("%.2g" % row["p_value"], "0.58")
        self.assertEqual(row["n_periods"], 23)
        sep = C.topbox_trend(counts=[[0, 5, 0], [0, 5, 0], [0, 0, 5], [0, 0, 5]])
        self.assertTrue(sep["separated"].iloc[0])
        self.assertTrue(math.isnan(sep["slope"].iloc[0]))


if __name__ == "__main__":
    unittest.main()
