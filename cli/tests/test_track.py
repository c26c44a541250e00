#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `loyalty track` and the report's Consistency section
(Python stdlib only).

The sample survey (examples/data/survey.csv) was generated with a drop in
branch Bremen and a company-wide step from 2 June 2025: track must find
both. Constructed files check the numbers against closed forms computed
here (funnel z and limits, Shewhart limits, the change against a year
before), homogeneous units (tau = 0), empty units and gaps, and the errors.

Environment: LOYALTY_BIN (the built tool), LOYALTY_DATA (examples/data).
"""
import atexit
import csv
import datetime
import io
import json
import math
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

BIN = os.environ.get("LOYALTY_BIN", "loyalty")
DATA = os.environ.get("LOYALTY_DATA", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "data"))
SURVEY = os.path.join(DATA, "survey.csv")
PURCHASES = os.path.join(DATA, "purchases.csv")
Z95 = 1.959963984540054
Z998 = 3.090232306167813
SVG = "{http://www.w3.org/2000/svg}"

_tmp = tempfile.TemporaryDirectory()
atexit.register(_tmp.cleanup)


def tmpfile(name, text):
    path = os.path.join(_tmp.name, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def run(*args, stdin=None):
    p = subprocess.run([BIN] + [str(a) for a in args], input=stdin,
                       capture_output=True, encoding="utf-8", errors="replace",
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    rc, out, err = run(*args, "--format", "json")
    if rc != 0:
        raise AssertionError("exit %d: %s" % (rc, err))
    return json.loads(out)


def by(rows, key="unit"):
    return {r[key]: r for r in rows}


def survey_file(name, rows):
    """rows: (unit, date, score or '') -> a CSV file."""
    return tmpfile(name, "branch,date,score\n" + "".join(
        "%s,%s,%s\n" % r for r in rows))


def tally_rows(unit, date, d, a, p):
    return ([(unit, date, 3)] * d + [(unit, date, 7)] * a + [(unit, date, 10)] * p)


def month(y, m):
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return "%04d-%02d-15" % (y, m)


class SampleData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.j = run_json("track", SURVEY, "--date-column", "date",
                         "--period", "month", "--unit-column", "branch")
        with open(SURVEY, encoding="utf-8-sig", newline="") as f:
            cls.rows = [r for r in csv.DictReader(f, delimiter=";")
                        if r["score"].strip() and r["date"].strip()]

    def test_counts_and_funnel_match_an_independent_computation(self):
        t = {}
        for r in self.rows:
            s = int(r["score"])
            c = t.setdefault(r["branch"], [0, 0, 0])
            c[0 if s <= 6 else 1 if s <= 8 else 2] += 1
        D = sum(c[0] for c in t.values())
        P = sum(c[2] for c in t.values())
        N = sum(sum(c) for c in t.values())
        theta0, var0 = (P - D) / N, (P + D) / N - ((P - D) / N) ** 2
        units = by(self.j["units"])
        self.assertEqual(set(units), set(t))
        self.assertAlmostEqual(self.j["consistency"]["target"], theta0, places=12)
        for name, c in t.items():
            n = sum(c)
            u = units[name]
            self.assertEqual(u["n"], n)
            self.assertAlmostEqual(u["nps"], (c[2] - c[0]) / n, places=12)
            se = math.sqrt(var0 / n)
            self.assertAlmostEqual(u["z"], ((c[2] - c[0]) / n - theta0) / se, places=9)
            self.assertAlmostEqual(u["lower_inner"], theta0 - Z95 * se, places=9)
            self.assertAlmostEqual(u["upper_outer"], theta0 + Z998 * se, places=9)

    def test_finds_bremen_and_only_bremen(self):
        units = by(self.j["units"])
        flagged = [n for n, u in units.items() if "limits" in u["flags"]]
        self.assertEqual(flagged, ["Bremen"])
        self.assertIn("below the 99.8% limits", units["Bremen"]["flags"])
        self.assertIn("FDR", units["Bremen"]["flags"])
        c = self.j["consistency"]
        self.assertEqual((c["outside_outer"], c["fdr"]), (1, 1))
        self.assertGreater(c["tau"], 0.05)
        self.assertGreater(c["i2"], 0.5)
        # shrinkage pulls the small extreme units towards the mean
        self.assertGreater(units["Bremen"]["shrunk"], units["Bremen"]["nps"])
        self.assertLess(units["Rostock"]["shrunk"], units["Rostock"]["nps"])

    def test_finds_the_june_2025_step(self):
        sig = by(self.j["signals"])["(all)"]
        self.assertIn(sig["first_signal"], ("2025-06", "2025-07"))
        self.assertEqual(self.j["consistency"]["first_signal"], sig["first_signal"])
        periods = [p for p in self.j["periods"] if p["unit"] == "(all)"]
        self.assertEqual(len(periods), 23)
        before = [p for p in periods if p["period"] < "2025-06" and p["baseline"] == "no"]
        self.assertTrue(before)
        self.assertTrue(all(p["signals"] == "" for p in before))
        after = [p for p in periods if p["period"] >= "2025-07"]
        self.assertTrue(all("CUSUM low" in p["signals"] for p in after))
        ch = by(self.j["change"])["(all)"]
        self.assertEqual((ch["period"], ch["compared_with"]), ("2025-12", "2024-12"))
        self.assertLess(ch["upper"], 0)

    def test_chart_design_run_lengths(self):
        d = self.j["design"]
        # Shewhart closed form; EWMA and CUSUM as R's spc computes them
        # (xewma.arl(0.2, 3, 0, sided="two") = 559.8740751, shift 1:
        # 10.8358792; xcusum.arl(0.5, 5, 0, sided="two") = 465.443506)
        self.assertAlmostEqual(d["shewhart_arl0"], 1 / math.erfc(3 / math.sqrt(2)),
                               places=9)
        self.assertAlmostEqual(d["shewhart_arl1"], 1 / (
            0.5 * math.erfc(2 / math.sqrt(2)) + 0.5 * math.erfc(4 / math.sqrt(2))),
            places=9)
        self.assertAlmostEqual(d["ewma_arl0"] / 559.8740751, 1, places=8)
        self.assertAlmostEqual(d["ewma_arl1"] / 10.8358792, 1, places=7)
        self.assertAlmostEqual(d["cusum_arl0"] / 465.443506, 1, places=8)

    def test_weekly_signal_near_the_step(self):
        j = run_json("track", SURVEY, "--period", "week")
        sig = by(j["signals"])["(all)"]
        # the step is on Monday 2 June 2025 (ISO week 23); allow a few weeks
        self.assertRegex(sig["first_signal"], r"^2025-W(2[3-9]|3[0-2])$")
        self.assertEqual(j["input"]["period"], "week")

    def test_quarter_and_text(self):
        rc, out, err = run("track", SURVEY, "--period", "quarter")
        self.assertEqual(rc, 0, err)
        for text in ("Consistency of the units (funnel)", "Bremen", "2025-Q3",
                     "First signal per unit", "Top-box trend",
                     "below the 99.8% limits"):
            self.assertIn(text, out)


class KnownAnswers(unittest.TestCase):
    def test_homogeneous_units_have_tau_zero_and_no_flags(self):
        rows = []
        for u in "ABCDE":
            for m in range(1, 13):
                rows += tally_rows(u, month(2024, m), 2, 3, 5)
        # runs left out: the library's x = (P - D) * (1/n) differs from the
        # centre line (P - D)/n in the last bit, so a constant series reads
        # as one long run above it (reported upstream)
        j = run_json("track", survey_file("homog.csv", rows), "--charts",
                     "shewhart,laney,ewma,cusum")
        c = j["consistency"]
        self.assertEqual(c["tau"], 0)
        self.assertEqual(c["i2"], 0)
        self.assertAlmostEqual(c["target"], 0.3, places=12)
        for u in j["units"]:
            self.assertAlmostEqual(u["z"], 0.0, places=12)
            self.assertEqual(u["flags"], "")
            self.assertEqual(u["first_signal"], "none")

    def test_shifted_unit_is_flagged_with_the_closed_form_z(self):
        rows = []
        for u in "ABCDE":
            rows += tally_rows(u, "2024-03-10", 20, 30, 50)
        rows += tally_rows("F", "2024-03-10", 60, 30, 10)
        j = run_json("track", survey_file("shift.csv", rows))
        D, A, P = 5 * 20 + 60, 5 * 30 + 30, 5 * 50 + 10
        N = D + A + P
        t0 = (P - D) / N
        s = math.sqrt(((P + D) / N - t0 * t0) / 100)
        units = by(j["units"])
        self.assertAlmostEqual(units["F"]["z"], (-0.5 - t0) / s, places=9)
        self.assertIn("below the 99.8% limits", units["F"]["flags"])
        self.assertIn("Bonferroni", units["F"]["flags"])
        for u in "ABCDE":
            self.assertNotIn("limits", units[u]["flags"])
        self.assertGreater(j["consistency"]["tau"], 0.2)

    def test_step_in_time_gives_a_shewhart_signal_at_the_step(self):
        rows = []
        for k in range(24):
            rows += tally_rows("X", month(2023, k + 1),
                               *((10, 15, 25) if k < 18 else (30, 10, 10)))
        path = survey_file("step.csv", rows)
        j = run_json("track", path, "--baseline", "12", "--by-unit")
        sig = by(j["signals"])["X"]
        self.assertEqual(sig["first_shewhart"], "2024-07")     # period 18
        self.assertEqual(sig["first_signal"], "2024-07")
        periods = [p for p in j["periods"] if p["unit"] == "X"]
        cl, var = 0.3, 0.5 + 0.2 - 0.09
        p0 = periods[0]
        self.assertAlmostEqual(p0["centre"], cl, places=12)
        self.assertAlmostEqual(p0["lower"], cl - 3 * math.sqrt(var / 50), places=12)
        self.assertAlmostEqual(p0["upper"], cl + 3 * math.sqrt(var / 50), places=12)
        self.assertEqual([p["baseline"] for p in periods].count("yes"), 12)
        self.assertIn("Shewhart low", periods[18]["signals"])
        self.assertEqual(periods[17]["signals"], "")
        # latest month against a year before: -0.4 vs +0.3
        ch = by(j["change"])["X"]
        self.assertAlmostEqual(ch["change"], -0.7, places=12)
        se = math.sqrt(0.61 / 50 + 0.64 / 50)      # Wald: V = p + d - nps^2
        self.assertAlmostEqual(ch["lower"], -0.7 - Z95 * se, places=9)
        self.assertAlmostEqual(ch["upper"], -0.7 + Z95 * se, places=9)
        self.assertLess(ch["p_value"], 1e-5)
        # the same baseline as a date range
        j2 = run_json("track", path, "--baseline", "2023-01-01:2023-12-31")
        self.assertEqual(j2["input"]["baseline"], "2023-01 to 2023-12 (12 periods)")
        self.assertEqual(by(j2["signals"])["X"]["first_shewhart"], "2024-07")
        # a fixed target above the data: every period after the baseline is low
        j3 = run_json("track", path, "--target", "60", "--charts", "shewhart")
        self.assertEqual(by(j3["signals"])["X"]["first_signal"], "2024-01")

    def test_empty_unit_and_gaps_are_flagged_not_estimated(self):
        rows = tally_rows("A", "2024-01-10", 5, 5, 10) + \
            tally_rows("A", "2024-03-10", 5, 5, 10) + \
            tally_rows("B", "2024-01-10", 6, 4, 10) + \
            tally_rows("B", "2024-03-10", 6, 4, 10) + \
            [("Nobody", "2024-01-10", ""), ("Nobody", "2024-03-10", "")]
        rc, out, err = run("track", survey_file("empty.csv", rows), "--format", "json",
                           "--by-unit")
        self.assertEqual(rc, 0, err)
        j = json.loads(out)
        units = by(j["units"])
        self.assertEqual(units["Nobody"]["n"], 0)
        self.assertEqual(units["Nobody"]["flags"], "no answers")
        self.assertIsNone(units["Nobody"]["nps"])
        self.assertEqual(j["consistency"]["units_with_answers"], 2)
        feb = [p for p in j["periods"] if p["unit"] == "(all)"][1]
        self.assertEqual((feb["period"], feb["n"], feb["signals"]),
                         ("2024-02", 0, "no answers"))
        self.assertIsNone(feb["nps"])
        sig = by(j["signals"])["Nobody"]
        self.assertIn("not charted", sig["status"])
        rc, out, err = run("track", survey_file("empty.csv", rows))
        self.assertEqual(rc, 0, err)
        self.assertIn("no answers", out)

    def test_without_units_company_only(self):
        rows = tally_rows("A", "2024-01-10", 5, 5, 10) + \
            tally_rows("B", "2024-02-10", 6, 4, 10)
        j = run_json("track", survey_file("nounit.csv", rows), "--no-units")
        self.assertNotIn("units", j)
        self.assertEqual([r["unit"] for r in j["signals"]], ["(all)"])


class Formats(unittest.TestCase):
    def test_csv_is_the_units_table(self):
        rc, out, err = run("track", SURVEY, "--format", "csv")
        self.assertEqual(rc, 0, err)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 8)
        j = by(run_json("track", SURVEY)["units"])
        for r in rows:
            self.assertAlmostEqual(float(r["z"]), j[r["unit"]]["z"], places=12)
            self.assertEqual(r["flags"], j[r["unit"]]["flags"])

    def test_csv_periods_by_unit(self):
        rc, out, err = run("track", SURVEY, "--format", "csv", "--table", "periods",
                           "--by-unit")
        self.assertEqual(rc, 0, err)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 23 * 9)
        self.assertEqual(rows[0]["unit"], "(all)")
        self.assertEqual(rows[0]["start"], "2024-02-01")
        rc, out, _ = run("track", SURVEY, "--format", "csv", "--table", "periods")
        self.assertEqual(len(list(csv.DictReader(io.StringIO(out)))), 23)

    def test_json_is_strict(self):
        rc, out, err = run("track", SURVEY, "--format", "json", "--by-unit",
                           "--exact", "--overdispersion", "additive")
        self.assertEqual(rc, 0, err)
        j = json.loads(out, parse_constant=lambda c: self.fail("non-JSON " + c))
        self.assertEqual(len(j["periods"]), 23 * 9)
        self.assertEqual(j["command"], "track")

    def test_stdin_and_options(self):
        with open(SURVEY, encoding="utf-8") as f:
            text = f.read()
        rc, out, err = run("track", "-", "--unit-column", "branch", "--format", "json",
                           "--levels", "0.9,0.99", "--lambda", "0.1", "--cusum-h", "4",
                           "--lag", "6", stdin=text)
        self.assertEqual(rc, 0, err)
        j = json.loads(out)
        self.assertEqual(j["consistency"]["inner_level"], 0.9)
        self.assertEqual(by(j["change"])["(all)"]["compared_with"], "2025-06")


class Errors(unittest.TestCase):
    def check(self, code, needle, *args):
        rc, out, err = run("track", *args)
        self.assertEqual(rc, code, err)
        self.assertIn(needle, err)

    def test_usage_errors_name_the_option(self):
        self.check(2, "--period", SURVEY, "--period", "year")
        self.check(2, "--lambda", SURVEY, "--lambda", "1.5")
        self.check(2, "--levels", SURVEY, "--levels", "95,99.8")
        self.check(2, "--levels", SURVEY, "--levels", "0.99,0.95")
        self.check(2, "--charts", SURVEY, "--charts", "shewhart,magic")
        self.check(2, "--overdispersion", SURVEY, "--overdispersion", "big")
        self.check(2, "--baseline", SURVEY, "--baseline", "twelve")
        self.check(2, "--target", SURVEY, "--target", "300")
        self.check(2, "--target", SURVEY, "--target", "0.8,0.5")
        self.check(2, "--cusum-h", SURVEY, "--cusum-h", "0")
        self.check(2, "--lag", SURVEY, "--lag", "0")
        self.check(2, "--table", SURVEY, "--table", "all")
        self.check(2, "need one FILE")

    def test_data_errors(self):
        self.check(1, "--baseline", SURVEY, "--baseline", "99")
        self.check(1, "outside the series", SURVEY, "--baseline",
                   "2020-01-01:2020-12-31")
        self.check(1, "date-column", SURVEY, "--date-column", "when")
        self.check(1, "unit-column", SURVEY, "--unit-column", "region")
        bad = tmpfile("baddate.csv", "branch,date,score\nA,2024-01-05,9\n"
                      "A,2024-13-05,9\nB,2024-02-01,3\n")
        self.check(1, "baddate.csv:3:", bad)
        rc, out, err = run("track", bad, "--skip-bad-rows", "--format", "json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["input"]["bad_rows_skipped"], 1)
        typo = tmpfile("typo.csv", "branch,date,score\nA,2024-01-05,9\n"
                       "A,0205-01-05,9\n")
        self.check(1, "mistyped", typo)
        nodate = tmpfile("nodate.csv", "branch,date,score\nA,,9\nB,2024-01-01,\n")
        self.check(1, "no dated scores", nodate)
        badscore = tmpfile("badscore.csv", "branch,date,score\nA,2024-01-05,11\n")
        self.check(1, "badscore.csv:2:", badscore)


def html_root(path):
    with open(path, encoding="utf-8") as f:
        return ET.fromstring(f.read().split("\n", 1)[1])


class ReportSection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.html = os.path.join(_tmp.name, "demo.html")
        cls.rc, cls.out, cls.err = run("report", "--survey", SURVEY, "--purchases",
                                       PURCHASES, "--html", cls.html,
                                       "--currency", "$")

    def test_on_by_default_with_the_charts(self):
        self.assertEqual(self.rc, 0, self.err)
        root = html_root(self.html)
        ids = {e.get("id") for e in root.iter()}
        for i in ("consistency", "cards-consistency", "chart-nps-time",
                  "chart-funnel", "table-consistency", "table-signals"):
            self.assertIn(i, ids)
        funnel = [e for e in root.iter(SVG + "svg") if e.get("id") == "chart-funnel"][0]
        labels = ["".join(t.itertext()) for t in funnel.iter(SVG + "text")]
        self.assertIn("Bremen -20.2", labels)
        self.assertTrue(any("99.8% limits" in s for s in labels))
        time = [e for e in root.iter(SVG + "svg") if e.get("id") == "chart-nps-time"][0]
        labels = ["".join(t.itertext()) for t in time.iter(SVG + "text")]
        self.assertTrue(any(s.startswith("first signal 2025-0") for s in labels))
        table = [e for e in root.iter("table") if e.get("id") == "table-consistency"][0]
        rows = {r[0]: r for r in (["".join(c.itertext()) for c in tr]
                                  for tr in table.iter("tr"))}
        self.assertIn("below the 99.8% limits", rows["Bremen"][7])
        self.assertEqual(rows["Berlin"][7], "within the limits")
        cards = [e for e in root.iter("div") if e.get("id") == "cards-consistency"][0]
        text = "".join(cards.itertext())
        self.assertIn("11.8 points", text)
        self.assertIn("1 of 8", text)

    def test_text_and_json_carry_the_same_facts(self):
        self.assertIn("Consistency of the units (funnel)", self.out)
        self.assertIn("below the 99.8% limits", self.out)
        rc, out, err = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                           "--format", "json")
        self.assertEqual(rc, 0, err)
        j = json.loads(out)
        self.assertEqual(j["track"]["unit_column"], "branch")
        self.assertEqual(by(j["units"])["Bremen"]["n"], 242)

    def test_off_switches_and_errors(self):
        html = os.path.join(_tmp.name, "off.html")
        rc, out, err = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                           "--no-track", "--html", html)
        self.assertEqual(rc, 0, err)
        with open(html, encoding="utf-8") as f:
            self.assertNotIn("chart-funnel", f.read())
        self.assertNotIn("Consistency of the units", out)
        with open(SURVEY, encoding="utf-8") as f:
            text = f.read()
        rc, _, err = run("report", "--survey", "-", "--purchases", PURCHASES,
                         "--track", stdin=text)
        self.assertEqual(rc, 2)
        self.assertIn("--track", err)
        rc, _, err = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                         "--track", "--no-track")
        self.assertEqual(rc, 2)
        rc, _, err = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                         "--track", "--track-period", "decade")
        self.assertEqual(rc, 2)
        self.assertIn("--period", err)
        # a survey without dates: no section, no error
        plain = tmpfile("plain.csv", "customer_id,score\nC00001,9\nC00002,3\n")
        rc, out, err = run("report", "--survey", plain, "--purchases", PURCHASES)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("Consistency of the units", out)
        rc, out, err = run("report", "--survey", plain, "--purchases", PURCHASES,
                           "--track")
        self.assertEqual(rc, 1)
        self.assertIn("date-column", err)

    def test_weekly_report(self):
        html = os.path.join(_tmp.name, "week.html")
        rc, out, err = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                           "--track-period", "week", "--html", html)
        self.assertEqual(rc, 0, err)
        with open(html, encoding="utf-8") as f:
            self.assertIn("NPS per week", f.read())


class Readme(unittest.TestCase):
    def test_readme_shows_the_real_output(self):
        readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                              "README.md")
        if not os.path.exists(readme):
            self.skipTest("no README.md next to the sources")
        with open(readme, encoding="utf-8") as f:
            text = f.read()
        block = text.split("**Consistency.**", 1)[1].split("```text\n", 1)[1]
        block = block.split("```", 1)[0]
        rc, out, err = run("track", SURVEY, "--date-column", "date", "--period",
                           "month", "--unit-column", "branch")
        self.assertEqual(rc, 0, err)
        lines = {l.rstrip() for l in out.splitlines()}
        for l in block.splitlines():
            if l.strip() and l.strip() != "...":
                self.assertIn(l, lines)


class Help(unittest.TestCase):
    def test_listed_and_documented(self):
        rc, out, _ = run("--help")
        self.assertIn("track", out)
        rc, out, _ = run("track", "--help")
        self.assertEqual(rc, 0)
        for opt in ("--date-column", "--unit-column", "--period", "--baseline",
                    "--target", "--levels", "--charts", "--format"):
            self.assertIn(opt, out)


if __name__ == "__main__":
    unittest.main()
