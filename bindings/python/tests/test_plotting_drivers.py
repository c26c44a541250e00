# SPDX-License-Identifier: MIT
"""The key-driver and consistency plots, headless (Agg): each returns the
Axes it drew on and draws the numbers of its result (artists and their
data, not pixels)."""

import os
import unittest

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from loyalty import consistency, drivers, plotting  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SURVEY = os.path.join(HERE, "..", "..", "..", "examples", "data", "survey.csv")
ATTRS = ["taste", "freshness", "delivery_on_time", "order_accuracy", "value_for_money",
         "personal_touch", "app_ease"]


def survey():
    return pd.read_csv(SURVEY, sep=";", encoding="utf-8-sig")


class TestDriverPlots(unittest.TestCase):
    def tearDown(self):
        plt.close("all")

    def test_importance_bars_with_intervals(self):
        r = drivers.linear(survey(), "score", ATTRS, jackknife=10)
        fig, ax = plt.subplots()
        out = plotting.driver_importance(r, ax=ax)
        self.assertIs(out, ax)
        bars = [p for p in ax.patches]
        heights = [b.get_width() for b in bars]
        want = sorted(r.importance["share"] * 100, reverse=True)
        np.testing.assert_allclose(heights, want, rtol=1e-12)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        self.assertEqual(labels[0], r.importance["share"].idxmax())
        self.assertEqual(sum(lab.endswith("(-)") for lab in labels),
                         int((r.importance["sign"] < 0).sum()))
        # one error bar per driver, from the jackknife interval
        segs = [c for c in ax.collections if len(getattr(c, "get_segments", lambda: [])())]
        self.assertEqual(sum(len(c.get_segments()) for c in segs), len(ATTRS))
        self.assertIn("R\u00b2", ax.get_title())
        ax2 = plotting.driver_importance(r, metric="rw_share")
        self.assertIsNot(ax2, ax)
        with self.assertRaises(KeyError):
            plotting.driver_importance(r, metric="nope")

    def test_priority_matrix(self):
        df = survey()
        r = drivers.linear(df, "score", ATTRS)
        ip = drivers.ipa(r, df)
        ax = plotting.priority_matrix(ip)
        pts = ax.collections[0].get_offsets()
        np.testing.assert_allclose(pts[:, 0], ip.table["importance"] * 100, rtol=1e-12)
        np.testing.assert_allclose(pts[:, 1], ip.table["performance"], rtol=1e-12)
        texts = {t.get_text() for t in ax.texts}
        for q in ("priority fix", "key strength", "secondary strength", "low priority"):
            self.assertIn(q, texts)
        self.assertIn("value_for_money", texts)
        lines = [ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
        self.assertIn(ip.importance_cut * 100, lines)


class TestConsistencyPlots(unittest.TestCase):
    def tearDown(self):
        plt.close("all")

    def test_nps_chart(self):
        ch = consistency.chart(survey(), "score", "date", freq="M", baseline=12)
        fig, ax = plt.subplots()
        self.assertIs(plotting.nps_chart(ch, ax=ax, ewma=True), ax)
        line = [ln for ln in ax.lines if ln.get_label() == "NPS"][0]
        np.testing.assert_allclose(line.get_ydata(), ch.points["nps"] * 100, rtol=1e-12)
        sig = [c for c in ax.collections if c.get_label() == "signal"][0]
        self.assertEqual(len(sig.get_offsets()), int(ch.points["signal"].sum()))
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        self.assertIn("Shewhart limits", labels)
        self.assertIn("EWMA", labels)
        many = consistency.chart(survey(), "score", "date", unit="branch", freq="M",
                                 baseline=12)
        with self.assertRaises(ValueError):
            plotting.nps_chart(many)
        ax2 = plotting.nps_chart(many, unit="Bremen", limits="laney")
        self.assertIn("Bremen", ax2.get_title())

    def test_funnel_plot(self):
        f = consistency.funnel(survey(), "score", "branch")
        ax = plotting.funnel_plot(f)
        pts = ax.collections[0].get_offsets()
        np.testing.assert_allclose(pts[:, 0], f.units["n"])
        np.testing.assert_allclose(pts[:, 1], f.units["nps"] * 100, rtol=1e-12)
        self.assertEqual([t.get_text() for t in ax.texts], ["Bremen"])
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        self.assertEqual(labels, ["95% limits", "99.8% limits", "target"])
        target = [ln for ln in ax.lines if ln.get_label() == "target"][0]
        self.assertAlmostEqual(target.get_ydata()[0], f.target * 100)
        ax2 = plotting.funnel_plot(f, method="exact", label=None)
        self.assertEqual(len(ax2.texts), 0)


class TestExample(unittest.TestCase):
    def test_survey_drivers_script(self):
        import subprocess
        import sys
        import tempfile

        import loyalty
        pkg = os.path.dirname(HERE)
        env = dict(os.environ, LIBLOYALTY_PATH=loyalty.library_path,
                   PYTHONPATH=pkg + os.pathsep + os.environ.get("PYTHONPATH", ""))
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "fig.png")
            p = subprocess.run([sys.executable, os.path.join(pkg, "examples", "survey_drivers.py"),
                                SURVEY, png], env=env, cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            out = p.stdout
            self.assertIn("n = 1160 (512 rows with a blank skipped), R2 = 0.591", out)
            self.assertIn("target NPS +6.5, tau 11.8 points, I2 81%", out)
            self.assertIn("below 99.8% limit, FDR, Bonferroni", out)
            self.assertIn("Shewhart low, Laney low, EWMA low, CUSUM low", out)
            with open(png, "rb") as fh:
                self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
