# SPDX-License-Identifier: MIT
"""loyalty.plotting, headless (Agg): each plot returns the Axes it drew on
and draws the numbers it should (artists and their data, not pixels)."""

import os
import unittest

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
except ImportError:  # pragma: no cover
    plt = None

import loyalty
from loyalty import bgnbd, bgbb, clv, nps, pnbd, segment

DATA = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")


def cdnow_log():
    path = os.path.join(DATA, "cdnow", "CDNOW_sample.txt")
    if not os.path.exists(path):
        raise unittest.SkipTest("../shared/data absent")
    log = pd.read_csv(path, sep=r"\s+", header=None, names=["id", "id2", "date", "n", "amount"],
                      dtype={"date": str})
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    return log


def bar_heights(ax, label=None):
    """Heights of the bars of one container (by legend label) or of all."""
    for c in ax.containers:
        if label is None or c.get_label() == label:
            return [p.get_height() for p in c.patches]
    raise AssertionError("no bars labelled %r" % label)


@unittest.skipIf(plt is None, "matplotlib, numpy or pandas not installed")
class TestModelPlots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log = cdnow_log()
        cls.cal = clv.summarize(cls.log, customer="id", date="date", amount="amount",
                                calibration_end="1997-09-30", observation_end="1998-06-30",
                                freq="D", freq_multiplier=7)
        cls.model = bgnbd.fit(cls.cal)

    def tearDown(self):
        plt.close("all")

    def test_axes_given_and_returned(self):
        fig, ax = plt.subplots()
        self.assertIs(loyalty.plotting.period_transactions(self.model, ax=ax), ax)
        ax2 = loyalty.plotting.period_transactions(self.model)  # makes its own figure
        self.assertIsNot(ax2, ax)

    def test_period_transactions(self):
        ax = loyalty.plotting.period_transactions(self.model, max_frequency=7)
        x = self.cal["frequency_cal"].to_numpy().astype(int)
        actual = [int((x == k).sum()) for k in range(7)] + [int((x >= 7).sum())]
        self.assertEqual(bar_heights(ax, "actual"), actual)
        model = bar_heights(ax, "model")
        self.assertAlmostEqual(sum(model), len(x), places=6)
        # k = 0: sum over customers of P(X(T_i) = 0)
        want0 = sum(self.model.pmf(T, 1)[0] for T in self.cal["T_cal"])
        self.assertAlmostEqual(model[0], want0, places=6)
        self.assertEqual([t.get_text() for t in ax.get_xticklabels()][-1], "7+")
        with self.assertRaises(TypeError):
            loyalty.plotting.period_transactions(pnbd.fit(self.cal))

    def test_period_transactions_bgbb(self):
        pats = pd.DataFrame({"x": [0, 1, 2, 6], "t_x": [0, 1, 6, 6], "n_opp": [6] * 4})
        m = bgbb.BGBB((1.2, 0.75, 0.66, 2.78))
        ax = loyalty.plotting.period_transactions(m, pats, max_frequency=6)
        model = bar_heights(ax, "model")
        self.assertAlmostEqual(model[6], 4 * m.pmf(6, 6), places=10)
        self.assertAlmostEqual(sum(model), 4.0, places=10)

    def test_calibration_vs_holdout(self):
        ax = loyalty.plotting.calibration_vs_holdout(self.model, self.cal, n=5)
        actual, model = ax.get_lines()[:2]
        k = np.minimum(self.cal["frequency_cal"].to_numpy().astype(int), 5)
        hold = self.cal["frequency_holdout"].to_numpy()
        self.assertEqual(list(actual.get_xdata()), list(range(6)))
        self.assertTrue(np.allclose(actual.get_ydata(), [hold[k == j].mean() for j in range(6)]))
        pred = self.model.expected(39, self.cal).to_numpy()
        self.assertTrue(np.allclose(model.get_ydata(), [pred[k == j].mean() for j in range(6)]))

    def test_matrices(self):
        ax = loyalty.plotting.frequency_recency_matrix(self.model, T=30, max_frequency=10)
        z = ax.images[0].get_array()
        self.assertEqual(z.shape, (11, 31))
        self.assertAlmostEqual(float(z[4, 20]), float(self.model.expected(1, 4, 20, 30)), 12)
        self.assertTrue(np.ma.is_masked(z[0, 5]) or np.isnan(z[0, 5]))  # x = 0, recency 5
        ax = loyalty.plotting.probability_alive_matrix(self.model)  # from the fit data
        z = ax.images[0].get_array()
        xmax = int(self.cal["frequency_cal"].max())
        self.assertEqual(z.shape[0], xmax + 1)
        self.assertAlmostEqual(float(z[3, 10]), float(self.model.palive(
            3, 10, self.cal["T_cal"].max())), 12)
        self.assertEqual(float(z[0, 0]), 1.0)

    def test_cumulative_transactions(self):
        t = clv.expected_cumulative_transactions(self.model, self.log, "id", "date", t=78 * 7,
                                                 freq="D", freq_multiplier=7)
        self.assertEqual(len(t), 78)
        # actual: every repeat purchase of the log by the end (same-day merged)
        self.assertEqual(t["actual"].iloc[-1], 2457 + 1882)
        # predicted: the first week by hand
        first = self.log.groupby("id")["date"].min()
        start = self.log["date"].min()
        births = (first - start).dt.days.value_counts()
        want = sum(c * self.model.expected_new((7 - b) / 7.0)
                   for b, c in births.items() if b < 7)
        self.assertAlmostEqual(t["predicted"].iloc[0], want, places=8)
        ax = loyalty.plotting.cumulative_transactions(self.model, self.log, "id", "date",
                                                      t=78 * 7, t_cal=39, freq_multiplier=7)
        actual, model = ax.get_lines()[:2]
        self.assertEqual(list(actual.get_ydata()), list(t["actual"]))
        self.assertEqual(list(model.get_ydata()), list(t["predicted"]))
        self.assertEqual(list(ax.get_lines()[2].get_xdata()), [39, 39])


@unittest.skipIf(plt is None, "matplotlib, numpy or pandas not installed")
class TestSurveyPlots(unittest.TestCase):
    def tearDown(self):
        plt.close("all")

    def test_score_distribution(self):
        scores = [10, 9, 9, 0, 6, 7, 8, np.nan, 12]
        ax = loyalty.plotting.score_distribution(scores)
        heights = bar_heights(ax)
        self.assertEqual(heights, [1, 0, 0, 0, 0, 0, 1, 1, 1, 2, 1])
        colours = [p.get_facecolor() for p in ax.containers[0].patches]
        self.assertEqual(colours[0], colours[6])   # detractors alike
        self.assertNotEqual(colours[6], colours[7])
        self.assertNotEqual(colours[8], colours[9])
        title = ax.get_title()
        self.assertIn("7 responses", title)
        self.assertIn("NPS %+.1f" % (100 * nps.tally([10, 9, 9, 0, 6, 7, 8]).nps), title)
        self.assertIn("1 blank", title)
        self.assertIn("1 invalid", title)

    def test_nps_by_group(self):
        df = pd.DataFrame({"score": [10, 9, 2, 8, 10, 3, 1, np.nan],
                           "g": ["a", "a", "a", "b", "b", "b", "b", "c"]})
        table = nps.by_group(df, group="g")
        ax = loyalty.plotting.nps_by_group(table)
        line = ax.lines[0]
        self.assertTrue(np.allclose(line.get_xdata(), 100 * table["nps"].iloc[:2]))
        segs = ax.collections[0].get_segments()
        self.assertTrue(np.allclose([s[0][0] for s in segs], 100 * table["lower"].iloc[:2]))
        self.assertTrue(np.allclose([s[1][0] for s in segs], 100 * table["upper"].iloc[:2]))
        self.assertEqual([t.get_text() for t in ax.get_yticklabels()], ["a (n=3)", "b (n=4)"])

    def test_abc_curve(self):
        v = np.array([50.0, 30.0, 10.0, 5.0, 3.0, 2.0])
        ax = loyalty.plotting.abc_curve(v)
        x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
        self.assertEqual((x[0], y[0], x[-1]), (0.0, 0.0, 1.0))
        self.assertAlmostEqual(y[-1], 1.0, places=14)
        self.assertAlmostEqual(y[2], 0.8, places=14)
        _, summary = segment.abc(v)
        self.assertIn("A %d, B %d, C %d" % tuple(summary.count), ax.get_title())
        self.assertEqual([t.get_text() for t in ax.texts], ["A", "B", "C"])

    def test_abc_loyalty_matrix(self):
        rng = np.random.default_rng(3)
        v = rng.gamma(0.5, 100, 400)
        cls, _ = segment.abc(v)
        _, crossing = segment.cross(v, cls, rng.integers(-1, 3, 400))
        ax = loyalty.plotting.abc_loyalty_matrix(crossing)
        z = ax.images[0].get_array()
        self.assertEqual(z.shape, (3, 4))
        for c in crossing.cells:
            row = "ABC".index(c.value_class)
            col = segment.COLUMN_NAMES.index(c.column)
            self.assertEqual(z[row, col], c.count)
        self.assertEqual(int(z.sum()), 400)
        self.assertTrue(any(c.action_name.replace("_", " ") in t.get_text()
                            for t in ax.texts for c in crossing.cells))
        _, pot = segment.cross(v, cls, rng.integers(-1, 3, 400), potential=rng.random(400),
                               potential_threshold=0.5)
        z = loyalty.plotting.abc_loyalty_matrix(pot, value="value_share").images[0].get_array()
        self.assertEqual(z.shape, (6, 4))
        self.assertAlmostEqual(float(z.sum()), 1.0, places=12)


if __name__ == "__main__":
    unittest.main()
