# SPDX-License-Identifier: MIT
"""Run the example scripts of bindings/python/examples in subprocesses
against the library this test session loaded (LIBLOYALTY_PATH)."""

import os
import subprocess
import sys
import tempfile
import unittest

import loyalty

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
EXAMPLES = os.path.join(PKG, "examples")
CDNOW = os.path.join(os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
    PKG, "..", "..", "..", "shared", "data"), "cdnow")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_example(name, *args, cwd=None):
    env = dict(os.environ)
    env["LIBLOYALTY_PATH"] = loyalty.library_path
    env["PYTHONPATH"] = PKG + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name)] + list(args),
                          env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)


def have_matplotlib():
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


class TestExamples(unittest.TestCase):
    def test_nps_by_segment(self):
        p = run_example("nps_by_segment.py")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        lines = p.stdout.splitlines()
        self.assertTrue(lines[0].startswith("1568 responses, 3 segments"), lines[0])
        seg = {ln.split()[0]: ln for ln in lines[2:]}
        self.assertEqual(set(seg), {"Home", "Office", "Cafe", "ALL"})
        # ALL: n det pas pro
        self.assertEqual(seg["ALL"].split()[1:5], ["1568", "459", "548", "561"])

    def test_bgnbd_cdnow(self):
        if not os.path.exists(os.path.join(CDNOW, "CDNOW_sample.txt")):
            self.skipTest("../shared/data absent")
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "cdnow.png")
            p = run_example("bgnbd_cdnow.py", CDNOW, png, cwd=tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            out = p.stdout
            self.assertIn("2357 customers, holdout 39 weeks", out)
            self.assertIn("r        0.2426", out)
            self.assertIn("alpha    4.4136", out)
            self.assertIn("LL -9582.43", out)
            self.assertIn("actual 1882", out)
            self.assertIn("p        6.2", out)
            if have_matplotlib():
                self.assertIn("plot written to", out)
                with open(png, "rb") as f:
                    self.assertEqual(f.read(8), PNG_SIGNATURE)
            else:
                self.assertIn("no plot", out)

    def test_lifetimes_quickstart(self):
        if not os.path.exists(os.path.join(CDNOW, "cdnow_customers_summary.csv")):
            self.skipTest("../shared/data absent")
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas not installed")
        with tempfile.TemporaryDirectory() as tmp:
            args = [CDNOW] + (["--plots", tmp] if have_matplotlib() else [])
            p = run_example("lifetimes_quickstart.py", *args, cwd=tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            if have_matplotlib():
                for name in ("frequency_recency_matrix", "probability_alive_matrix",
                             "period_transactions", "calibration_vs_holdout",
                             "cumulative_transactions"):
                    with open(os.path.join(tmp, name + ".png"), "rb") as f:
                        self.assertEqual(f.read(8), PNG_SIGNATURE, name)
        out = p.stdout
        self.assertNotIn("rank differs", out)
        # every published number: printed identically, or within 2e-6
        # (the optimisers stop at slightly different points)
        compared = [ln for ln in out.splitlines()
                    if ln.rstrip().endswith("same") or "(relative)" in ln]
        self.assertEqual(len(compared), 48)
        same = [ln for ln in compared if ln.rstrip().endswith("same")]
        self.assertGreaterEqual(len(same), 24)
        for ln in compared:
            if "(relative)" in ln:
                self.assertLessEqual(float(ln.split("differs by ")[1].split()[0]), 2e-6, ln)
        for ln in ("customer 509", "customer 1516", "r coef", "alpha coef", "a coef",
                   "corr(monetary, frequency)", "average profit"):
            self.assertTrue(any(c.lstrip().startswith(ln) and c.rstrip().endswith("same")
                                for c in compared), ln)
        # the MODELS.md 6.9 facts from the raw log
        self.assertIn("from 6919 purchases: 2357 customers, 1411 with no repeat purchase, "
                      "2457 repeat purchases in calibration, 1882 in the 39-week holdout", out)

    def test_cdnow_missing_data_fails_cleanly(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = run_example("bgnbd_cdnow.py", tmp, cwd=tmp)
            self.assertEqual(p.returncode, 2)
            self.assertIn("not found", p.stderr)


if __name__ == "__main__":
    unittest.main()
