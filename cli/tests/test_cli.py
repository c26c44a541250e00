#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the `loyalty` command-line tool (Python stdlib only).

Every subcommand runs on the bundled sample data (examples/data) and its
numbers are checked against independent computations done here from the
same CSV files; bad input must give FILE:LINE messages and exit codes.

Environment: LOYALTY_BIN (the built tool), LOYALTY_DATA (examples/data).
"""
import atexit
import csv
import datetime
import html.parser
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest
import shutil
import xml.etree.ElementTree as ET

BIN = os.environ.get("LOYALTY_BIN", "loyalty")
DATA = os.environ.get("LOYALTY_DATA", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "data"))
SHARED = os.environ.get("LOYALTY_SHARED", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))
CDNOW_LOG = os.path.join(SHARED, "cdnow", "CDNOW_sample.txt")
SURVEY = os.path.join(DATA, "survey.csv")
PURCHASES = os.path.join(DATA, "purchases.csv")
CUSTOMERS = os.path.join(DATA, "customers.csv")
Z95 = 1.959963984540054
EPOCH = datetime.date(1970, 1, 1).toordinal()


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([BIN] + [str(a) for a in args], input=stdin,
                       capture_output=True, encoding="utf-8", errors="replace",
                       env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_json(*args, **kw):
    rc, out, err = run(*args, "--format", "json", **kw)
    if rc != 0:
        raise AssertionError("exit %d: %s" % (rc, err))
    return json.loads(out)


def day(text):
    return datetime.date.fromisoformat(text).toordinal() - EPOCH


def read_survey(path=SURVEY):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def read_purchases(path=PURCHASES):
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["customer_id"], day(r["date"]), float(r["amount"]))
                for r in csv.DictReader(f)]


def nps_counts(scores):
    d = sum(1 for s in scores if s <= 6)
    a = sum(1 for s in scores if 7 <= s <= 8)
    p = sum(1 for s in scores if s >= 9)
    return d, a, p


def adjusted_wald(d, a, p, z=Z95):
    n = d + a + p + 3.0
    pp, dd = (p + 0.75) / n, (d + 0.75) / n
    centre = pp - dd
    half = z * math.sqrt((pp + dd - centre ** 2) / n)
    return centre, max(-1.0, centre - half), min(1.0, centre + half)


def wald(d, a, p, z=Z95):
    n = float(d + a + p)
    nps = (p - d) / n
    se = math.sqrt(((p + d) / n - nps ** 2) / n)
    return nps, se, nps - z * se, nps + z * se


def lifetimes_summary(rows, obs_end=None, fm=7.0):
    """MODELS.md section 5 (daily periods), written independently."""
    obs = obs_end if obs_end is not None else max(r[1] for r in rows)
    per = {}
    for cid, d, amount in rows:
        if d > obs:
            continue
        days = per.setdefault(cid, {})
        days[d] = days.get(d, 0.0) + amount
    out = {}
    for cid, days in per.items():
        ds = sorted(days)
        first, last = ds[0], ds[-1]
        x = len(ds) - 1
        mon = sum(days[d] for d in ds[1:]) / x if x else 0.0
        out[cid] = (x, (last - first) / fm, (obs - first) / fm, mon)
    return out


def close(a, b, rel=1e-9, abs_=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


class Tmp:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        atexit.register(self.dir.cleanup)

    def file(self, name, text, mode="w", newline=""):
        path = os.path.join(self.dir.name, name)
        with open(path, mode, newline=newline if "b" not in mode else None) as f:
            f.write(text)
        return path


class HelpAndUsage(unittest.TestCase):
    def test_help_of_every_subcommand(self):
        for cmd in ("nps", "summary", "clv", "segment", "churn-cost", "report"):
            rc, out, err = run(cmd, "--help")
            if cmd == "clv" and rc == 2 and "unknown command" in err:
                self.skipTest("clv: lifetime-model module not in the library")
            self.assertEqual(rc, 0, cmd)
            self.assertIn("Usage: loyalty " + cmd, out)
            self.assertIn("--format", out)

    def test_top_level(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        for cmd in ("nps", "summary", "segment", "churn-cost", "report"):
            self.assertIn(cmd, out)
        self.assertEqual(run()[0], 2)
        rc, _, err = run("frobnicate")
        self.assertEqual(rc, 2)
        self.assertIn("unknown command", err)

    def test_usage_errors(self):
        rc, _, err = run("nps", "--bogus", SURVEY)
        self.assertEqual(rc, 2)
        self.assertIn("unknown option --bogus", err)
        self.assertEqual(run("nps", "--method", "magic", SURVEY)[0], 2)
        self.assertEqual(run("nps", "--format", "xml", SURVEY)[0], 2)
        self.assertEqual(run("nps", "--level", "abc", SURVEY)[0], 2)
        self.assertEqual(run("nps")[0], 2)
        self.assertEqual(run("summary", "--observation-end", "2024-02-30",
                             PURCHASES)[0], 2)
        self.assertEqual(run("churn-cost")[0], 2)


class Nps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = read_survey()
        cls.groups = {}
        for r in cls.rows:
            g = cls.groups.setdefault(r["segment"], [[], 0])
            if r["score"].strip():
                g[0].append(int(r["score"]))
            else:
                g[1] += 1

    def check_group(self, row, scores, blank):
        d, a, p = nps_counts(scores)
        self.assertEqual((row["detractors"], row["passives"], row["promoters"]),
                         (d, a, p))
        self.assertEqual(row["n"], d + a + p)
        self.assertEqual(row["blank"], blank)
        self.assertTrue(close(row["nps"], (p - d) / (d + a + p), 1e-12, 1e-15))
        centre, lo, hi = adjusted_wald(d, a, p)
        self.assertTrue(close(row["lower"], lo), (row["lower"], lo))
        self.assertTrue(close(row["upper"], hi), (row["upper"], hi))

    def test_overall_and_groups_json(self):
        res = run_json("nps", "--group-column", "segment", SURVEY)
        rows = {r["group"]: r for r in res["groups"]}
        all_scores = [s for g in self.groups.values() for s in g[0]]
        self.check_group(rows["(all)"], all_scores,
                         sum(g[1] for g in self.groups.values()))
        self.assertEqual(set(rows) - {"(all)"}, set(self.groups))
        for name, (scores, blank) in self.groups.items():
            self.check_group(rows[name], scores, blank)
        # the sample company's NPS, computed here from the file: +6.5
        self.assertEqual(round(100 * rows["(all)"]["nps"], 1), 6.5)

    def test_wald_and_level(self):
        res = run_json("nps", "--method", "wald", "--level", "0.9", SURVEY)
        row = res["groups"][0]
        scores = [int(r["score"]) for r in self.rows if r["score"].strip()]
        nps, se, lo, hi = wald(*nps_counts(scores), z=1.6448536269514722)
        self.assertTrue(close(row["se"], se))
        self.assertTrue(close(row["lower"], lo))
        self.assertTrue(close(row["upper"], hi))

    def test_csv_output_matches_json(self):
        rc, out, _ = run("nps", "--group-column", "segment", "--format", "csv",
                         SURVEY)
        self.assertEqual(rc, 0)
        rows = list(csv.DictReader(io.StringIO(out)))
        res = run_json("nps", "--group-column", "segment", SURVEY)
        self.assertEqual(len(rows), len(res["groups"]))
        for a, b in zip(rows, res["groups"]):
            self.assertEqual(a["group"], b["group"])
            self.assertTrue(close(float(a["nps"]), b["nps"], 1e-14))

    def test_text_output(self):
        rc, out, _ = run("nps", "--group-column", "segment", SURVEY)
        self.assertEqual(rc, 0)
        self.assertIn("NPS by group (points)", out)
        line = [l for l in out.splitlines() if l.strip().startswith("(all)")][0]
        self.assertIn("6.5", line.split())

    def test_compare(self):
        res = run_json("nps", "--group-column", "segment", "--method", "wald",
                       "--compare", "Home,Office", SURVEY)
        c = res["compare"]
        h = nps_counts(self.groups["Home"][0])
        o = nps_counts(self.groups["Office"][0])
        n1, n2 = sum(h), sum(o)
        v1 = (h[2] + h[0]) / n1 - ((h[2] - h[0]) / n1) ** 2
        v2 = (o[2] + o[0]) / n2 - ((o[2] - o[0]) / n2) ** 2
        diff = (h[2] - h[0]) / n1 - (o[2] - o[0]) / n2
        se = math.sqrt(v1 / n1 + v2 / n2)
        self.assertTrue(close(c["diff"], diff))
        self.assertTrue(close(c["se"], se))
        self.assertTrue(close(c["p_value"], math.erfc(abs(diff / se) / math.sqrt(2)),
                              1e-6, 1e-15))
        rc, _, err = run("nps", "--group-column", "segment", "--compare",
                         "Home,Nowhere", SURVEY)
        self.assertEqual(rc, 1)
        self.assertIn("no group 'Nowhere'", err)

    def test_weighted(self):
        t = Tmp()
        path = t.file("w.csv", "score,w\n10,2\n0,1\n8,1\n9,0.5\n")
        row = run_json("nps", "--weight-column", "w", path)["groups"][0]
        sw = 4.5
        nps = (2 + 0.5 - 1) / sw
        self.assertTrue(close(row["nps"], nps))
        self.assertTrue(close(row["sum_w"], sw))
        self.assertTrue(close(row["n_eff"], sw ** 2 / (4 + 1 + 1 + 0.25)))

    def test_formats_and_encodings_agree(self):
        """BOM, CRLF, tab or comma delimiters: the same answer."""
        t = Tmp()
        rows = [("1", "10"), ("2", ""), ("3", "3"), ("4", "8"), ("5", "9")]
        variants = {
            "comma": "id,score\n" + "".join("%s,%s\n" % r for r in rows),
            "crlf_bom": "\ufeffid;score\r\n" + "".join("%s;%s\r\n" % r for r in rows),
            "tab": "id\tscore\n" + "".join("%s\t%s\n" % r for r in rows),
            "quoted": '"id","score"\n' + "".join('"%s","%s"\n' % r for r in rows),
        }
        for name, text in variants.items():
            path = t.file(name + ".csv", text, newline="")
            row = run_json("nps", path)["groups"][0]
            self.assertEqual((row["detractors"], row["passives"], row["promoters"],
                              row["blank"]), (1, 1, 2, 1), name)
        path = t.file("forced.csv", "a,b;score\n1,2;9\n")
        row = run_json("nps", "--delimiter", ";", path)["groups"][0]
        self.assertEqual(row["promoters"], 1)
        rc, _, err = run("nps", path)      # detected ',' (a tie): no 'score'
        self.assertEqual(rc, 1)
        self.assertIn("no column 'score'", err)

    def test_stdin(self):
        rc, out, _ = run("nps", "--format", "json", "-", stdin="score\n9\n10\n0\n")
        self.assertEqual(rc, 0)
        self.assertTrue(close(json.loads(out)["groups"][0]["nps"], 1 / 3))

    def test_locale_independent(self):
        """The tool never calls setlocale; a German locale must not matter."""
        base = run("nps", "--format", "json", SURVEY)[1]
        for loc in ("de_DE.UTF-8", "de_DE", "fr_FR.UTF-8"):
            env = {"LC_ALL": loc, "LANG": loc, "LC_NUMERIC": loc}
            self.assertEqual(run("nps", "--format", "json", SURVEY, env=env)[1], base)
        t = Tmp()
        path = t.file("comma.csv", "customer_id,date,amount\nA,2024-01-01,\"12,50\"\n")
        rc, _, err = run("summary", path, env={"LC_ALL": "de_DE.UTF-8"})
        self.assertEqual(rc, 1)
        self.assertIn("comma.csv:2: '12,50' in column 'amount' is not a number", err)

    def test_json_and_csv_escaping(self):
        t = Tmp()
        name = 'Caf\u00e9 "big", back\\slash'
        text = 'score,grp\n9,"%s"\n3,"two\nlines"\n' % name.replace('"', '""')
        path = t.file("esc.csv", text)
        res = run_json("nps", "--group-column", "grp", path)
        names = {r["group"] for r in res["groups"]}
        self.assertEqual(names, {"(all)", name, "two\nlines"})
        rc, out, _ = run("nps", "--group-column", "grp", "--format", "csv", path)
        self.assertEqual({r["group"] for r in csv.DictReader(io.StringIO(out))},
                         names)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.t = Tmp()

    def test_bad_rows_reported_with_line(self):
        path = self.t.file("log.csv",
                           "customer_id,date,amount\n"
                           "A,2024-01-01,10\n"          # 2 ok
                           "B,2024-01-02,abc\n"         # 3 word
                           "C,2024-02-30,5\n"           # 4 bad date
                           "D,2024-01-03\n"             # 5 missing column
                           "\n"                         # 6 blank line
                           "E,20240105,-3\n"            # 7 negative
                           "F,2024-01-06,7.5\n"         # 8 ok
                           ",2024-01-07,1\n")           # 9 blank id
        rc, out, err = run("summary", path)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn(path + ":3: 'abc' in column 'amount' is not a number", err)
        self.assertIn(path + ":4: '2024-02-30' in column 'date' is not a date", err)
        self.assertIn(path + ":5: missing column 'amount'", err)
        self.assertIn(path + ":7: negative amount", err)
        self.assertIn(path + ":9: blank customer id", err)
        self.assertIn("5 bad rows", err)
        rc, out, err = run("summary", "--skip-bad-rows", "--format", "json", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("skipped 5 bad rows", err)
        res = json.loads(out)
        self.assertEqual([c["customer_id"] for c in res["customers"]], ["A", "F"])
        self.assertEqual(res["input"]["bad_rows_skipped"], 5)
        self.assertEqual(res["input"]["rows"], 2)

    def test_bad_scores(self):
        path = self.t.file("s.csv", "score\n9\n11\n7.5\nten\n-1\n\n10\n")
        rc, _, err = run("nps", path)
        self.assertEqual(rc, 1)
        for line, value in ((3, "11"), (4, "7.5"), (5, "ten"), (6, "-1")):
            self.assertIn("%s:%d: " % (path, line), err)
            self.assertIn("'%s'" % value, err)
        res = run_json("nps", "--skip-bad-rows", path)
        self.assertEqual(res["groups"][0]["promoters"], 2)
        self.assertEqual(res["input"]["bad_rows_skipped"], 4)

    def test_broken_csv(self):
        path = self.t.file("q.csv", 'score,c\n9,"ok"\n10,"open\n8,x\n')
        rc, _, err = run("nps", path)
        self.assertEqual(rc, 1)
        self.assertIn("unterminated quoted field", err)
        path = self.t.file("q2.csv", 'score,c\n9,"a"b\n')
        rc, _, err = run("nps", path)
        self.assertEqual(rc, 1)
        self.assertIn("q2.csv:2:", err)

    def test_missing_things(self):
        rc, _, err = run("nps", os.path.join(self.t.dir.name, "nope.csv"))
        self.assertEqual(rc, 1)
        self.assertIn("cannot open", err)
        rc, _, err = run("nps", self.t.file("empty.csv", ""))
        self.assertEqual(rc, 1)
        self.assertIn("empty file", err)
        rc, _, err = run("nps", self.t.file("h.csv", "rating\n9\n"))
        self.assertEqual(rc, 1)
        self.assertIn("no column 'score'", err)
        self.assertIn("--score-column", err)
        rc, _, err = run("nps", self.t.file("blank.csv", "score\n\n \n"))
        self.assertEqual(rc, 1)
        self.assertIn("no scores", err)
        rc, _, err = run("summary", self.t.file("hdr.csv", "customer_id,date,amount\n"))
        self.assertEqual(rc, 1)

    def test_many_bad_rows_capped(self):
        text = "score\n" + "x\n" * 120
        rc, _, err = run("nps", self.t.file("many.csv", text))
        self.assertEqual(rc, 1)
        self.assertEqual(err.count("is not a whole number") + err.count("not a number"), 50)
        self.assertIn("70 more bad rows not shown", err)
        self.assertIn("120 bad rows", err)

    def test_binary_garbage_does_not_crash(self):
        rnd = random.Random(7)
        for i in range(20):
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))
            path = self.t.file("g%d.csv" % i, b"customer_id,date,amount\n" + data,
                               mode="wb")
            for cmd in ("summary", "nps", "segment"):
                rc, _, _ = run(cmd, "--skip-bad-rows", path)
                self.assertIn(rc, (0, 1), (cmd, i))


class Summary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = read_purchases()

    def compare(self, res, expect):
        got = {c["customer_id"]: c for c in res["customers"]}
        self.assertEqual(set(got), set(expect))
        for cid, (x, t_x, T, mon) in expect.items():
            c = got[cid]
            self.assertEqual(c["x"], x, cid)
            self.assertTrue(close(c["t_x"], t_x), (cid, c["t_x"], t_x))
            self.assertTrue(close(c["T"], T), (cid, c["T"], T))
            self.assertTrue(close(c["monetary"], mon, 1e-12, 1e-9), (cid, c, mon))

    def test_sample_log_default_end(self):
        res = run_json("summary", PURCHASES)
        self.assertEqual(res["input"]["observation_end"], "2025-12-30")
        self.assertEqual(res["input"]["rows"], len(self.rows))
        self.compare(res, lifetimes_summary(self.rows))

    def test_observation_end_and_days(self):
        end = "2025-06-30"
        res = run_json("summary", "--observation-end", end, "--unit", "day",
                       PURCHASES)
        self.compare(res, lifetimes_summary(self.rows, day(end), 1.0))
        dropped = sum(1 for r in self.rows if r[1] > day(end))
        self.assertEqual(res["input"]["rows_dropped"], dropped)

    def test_calibration_holdout(self):
        cal, end = day("2025-06-30"), day("2025-12-31")
        res = run_json("summary", "--calibration-end", "2025-06-30",
                       "--observation-end", "20251231", PURCHASES)
        calib = [r for r in self.rows if r[1] <= cal]
        expect = lifetimes_summary(calib, cal)
        self.compare(res, expect)
        hold = {}
        for cid, d, a in self.rows:
            if cal < d <= end and cid in expect:
                h = hold.setdefault(cid, [set(), []])
                h[0].add(d)
                h[1].append(a)
        for c in res["customers"]:
            h = hold.get(c["customer_id"], [set(), []])
            self.assertEqual(c["x_holdout"], len(h[0]))
            mean = sum(h[1]) / len(h[1]) if h[1] else 0.0
            self.assertTrue(close(c["monetary_holdout"], mean), c)
        self.assertTrue(close(res["input"]["duration_holdout"], (end - cal) / 7))

    def test_weekly_periods(self):
        res = run_json("summary", "--period", "week", PURCHASES)
        # Monday-Sunday weeks: week index floor((days + 3) / 7)
        weeks = [(c, (d + 3) // 7, a) for c, d, a in self.rows]
        self.compare(res, lifetimes_summary(weeks, None, 1.0))

    def test_long_and_odd_ids(self):
        """Ids longer than the inline buffer, with quotes and spaces."""
        t = Tmp()
        long_id = "customer-" + "x" * 40
        text = ('customer_id,date,amount\n"%s",2024-01-01,1\n"%s",2024-01-05,2\n'
                '"a ""quoted"", id",2024-01-02,3\nB,2024-01-09,4\n' % (long_id, long_id))
        res = run_json("summary", "--unit", "day", t.file("ids.csv", text))
        got = {c["customer_id"]: c for c in res["customers"]}
        self.assertEqual(set(got), {long_id, 'a "quoted", id', "B"})
        self.assertEqual(got[long_id]["x"], 1)
        self.assertEqual(got[long_id]["t_x"], 4)
        self.assertEqual(got[long_id]["monetary"], 2)

    def test_csv_and_text(self):
        rc, out, _ = run("summary", "--format", "csv", PURCHASES)
        self.assertEqual(rc, 0)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(list(rows[0]), ["customer_id", "x", "t_x", "T", "monetary"])
        self.assertEqual(len(rows), 3000)
        rc, out, _ = run("summary", PURCHASES)
        self.assertIn("Purchase-log summary", out)
        self.assertIn("customers", out)

    def test_streaming_across_chunks(self):
        """200,000 rows: several 65,536-row chunks; same result as Python."""
        rnd = random.Random(3)
        t = Tmp()
        lines = ["customer_id,date,amount"]
        rows = []
        for i in range(200000):
            cid = "K%d" % rnd.randrange(5000)
            d = day("2023-01-01") + rnd.randrange(700)
            a = rnd.randrange(100, 100000) / 100.0
            rows.append((cid, d, a))
            date = datetime.date.fromordinal(d + EPOCH)
            lines.append("%s,%s,%.2f" % (cid, date.strftime("%Y%m%d") if i % 2
                                         else date.isoformat(), a))
        path = t.file("big.csv", "\r\n".join(lines) + "\r\n")
        self.compare(run_json("summary", path), lifetimes_summary(rows))


class Segment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CUSTOMERS, newline="") as f:
            cls.rows = list(csv.DictReader(f))

    def abc_after(self, values, cut_a=0.8, cut_b=0.95):
        """MODELS.md 7.1, rule AFTER with the tie rule, written here."""
        order = sorted(range(len(values)), key=lambda i: -values[i])
        total = sum(values)
        cls = {}
        cum = 0.0
        prev, prev_cls = None, None
        for i in order:
            cum += values[i]
            if values[i] == prev:
                cls[i] = prev_cls
                continue
            c = "A" if cum <= cut_a * total * (1 + 1e-12) else (
                "B" if cum <= cut_b * total * (1 + 1e-12) else "C")
            cls[i] = c
            prev, prev_cls = values[i], c
        return cls

    def test_classes_and_matrix(self):
        res = run_json("segment", "--potential-column", "potential", CUSTOMERS)
        values = [float(r["revenue"]) for r in self.rows]
        expect = self.abc_after(values)
        got = {c["customer_id"]: c for c in res["customers"]}
        for i, r in enumerate(self.rows):
            self.assertEqual(got[r["customer_id"]]["abc"], expect[i], r)
        cells = {}
        for i, r in enumerate(self.rows):
            s = r["score"]
            loyal = ("no response" if not s else "detractor" if int(s) <= 6
                     else "passive" if int(s) <= 8 else "promoter")
            sow = min(1.0, values[i] / float(r["potential"]))
            k = (expect[i], loyal, "develop" if sow < 0.5 else "harvest")
            cells[k] = cells.get(k, 0) + 1
            c = got[r["customer_id"]]
            self.assertEqual(c["loyalty"], loyal)
            self.assertTrue(close(c["share_of_wallet"],
                                  values[i] / float(r["potential"])))
        self.assertEqual(len(res["matrix"]), 24)
        for m in res["matrix"]:
            self.assertEqual(m["customers"],
                             cells.get((m["class"], m["loyalty"], m["level"]), 0))
        actions = {(m["class"], m["loyalty"], m["level"]): m["action"]
                   for m in res["matrix"]}
        self.assertEqual(actions[("A", "promoter", "harvest")], "protect_leverage")
        self.assertEqual(actions[("A", "detractor", "develop")], "rescue")
        self.assertEqual(actions[("C", "detractor", "harvest")], "let_go")
        total = sum(values)
        risk = sum(v for v, r in zip(values, self.rows)
                   if r["score"] and int(r["score"]) <= 6)
        self.assertTrue(close(res["abc"]["revenue_at_risk"], risk, 1e-12))
        champions = [m for m in res["matrix"]
                     if m["class"] == "A" and m["loyalty"] == "promoter"][0]
        self.assertEqual(champions["label"], "Champions")
        plain = run_json("segment", CUSTOMERS)
        self.assertEqual(len(plain["matrix"]), 12)
        for m in plain["matrix"]:
            self.assertEqual(m["customers"], sum(
                v for k, v in cells.items() if k[:2] == (m["class"], m["loyalty"])))
        a_share = sum(v for i, v in enumerate(values) if expect[i] == "A") / total
        self.assertTrue(close(res["classes"][0]["value_share"], a_share, 1e-12))

    def test_class_nps(self):
        res = run_json("segment", CUSTOMERS)
        values = [float(r["revenue"]) for r in self.rows]
        expect = self.abc_after(values)
        for row in res["class_nps"]:
            scores = [int(r["score"]) for i, r in enumerate(self.rows)
                      if expect[i] == row["class"] and r["score"]]
            d, a, p = nps_counts(scores)
            self.assertEqual(row["respondents"], d + a + p)
            self.assertTrue(close(row["nps"], (p - d) / (d + a + p)))
            w = [values[i] for i, r in enumerate(self.rows)
                 if expect[i] == row["class"] and r["score"]]
            x = [1 if s >= 9 else -1 if s <= 6 else 0 for s in scores]
            self.assertTrue(close(row["revenue_weighted_nps"],
                                  sum(a * b for a, b in zip(w, x)) / sum(w)))

    def test_computed_and_options(self):
        t = Tmp()
        path = t.file("nine.csv", "customer_id,revenue,score\n" + "".join(
            "c%d,%d,%d\n" % (i, i, 9) for i in range(1, 10)))
        res = run_json("segment", "--method", "computed", path)
        got = [c["abc"] for c in res["customers"]]
        self.assertEqual(got, list("CCCBBBAAA"))     # MODELS.md 7.2
        res = run_json("segment", path)
        self.assertEqual([c["abc"] for c in res["customers"]], list("CCBBAAAAA"))
        res = run_json("segment", "--rule", "before", path)
        self.assertEqual([c["abc"] for c in res["customers"]], list("CBBAAAAAA"))
        self.assertEqual(run("segment", "--rule", "sideways", path)[0], 2)

    def test_duplicate_customer(self):
        t = Tmp()
        path = t.file("dup.csv", "customer_id,revenue,score\na,1,9\nb,2,\na,3,1\n")
        rc, _, err = run("segment", path)
        self.assertEqual(rc, 1)
        self.assertIn("dup.csv:4: customer 'a' appears twice", err)


class ChurnCost(unittest.TestCase):
    def test_worked_example(self):
        """MODELS.md 9: N = 10,000, c = 20%, m = 100, i = 10%."""
        res = run_json("churn-cost", "--customers", 10000, "--churn", 0.2,
                       "--margin", 100, "--discount", 0.1)
        c = res["churn_cost"]
        self.assertTrue(close(c["customers_lost"], 2000))
        self.assertTrue(close(c["margin_lost"], 200000))
        self.assertTrue(close(c["value_lost"], 2000 * 100 / 0.3))
        self.assertTrue(close(c["value_lost_undiscounted"], 1.0e6))
        self.assertTrue(close(c["clv_existing"], 266.6666666666667))
        self.assertTrue(close(res["base"]["total"], 10000 * 100 * 0.8 / 0.3))
        res2 = run_json("churn-cost", "--customers", 10000, "--retention", 0.8,
                        "--margin", 100)
        self.assertTrue(close(res2["churn_cost"]["value_lost"], c["value_lost"]))

    def test_value_by_class(self):
        res = run_json("churn-cost", "--values", CUSTOMERS, "--move", 10)
        with open(CUSTOMERS, newline="") as f:
            rows = list(csv.DictReader(f))
        for row in res["class_value"]:
            lo, hi = {"detractor": (0, 6), "passive": (7, 8),
                      "promoter": (9, 10)}[row["loyalty"]]
            v = [float(r["revenue"]) for r in rows
                 if r["score"] and lo <= int(r["score"]) <= hi]
            self.assertEqual(row["customers"], len(v))
            self.assertTrue(close(row["mean"], sum(v) / len(v)))
        means = {r["loyalty"]: r["mean"] for r in res["class_value"]}
        move = [m for m in res["moves"] if m["from"] == "detractor"
                and m["to"] == "promoter"][0]
        self.assertTrue(close(move["gain"], 10 * (means["promoter"] - means["detractor"])))

    def test_bad_parameters(self):
        rc, _, err = run("churn-cost", "--customers", 10, "--churn", 1.5,
                         "--margin", 1)
        self.assertEqual(rc, 2)
        self.assertIn("--churn 1.5", err)
        self.assertEqual(run("churn-cost", "--customers", 10, "--churn", 0.1,
                             "--retention", 0.9, "--margin", 1)[0], 2)


class Clv(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rc, _, err = run("clv", "--help")
        if rc != 0:
            raise unittest.SkipTest("clv not built: " + err)
        cls.summary = lifetimes_summary(read_purchases())
        cls.mbg = run_json("clv", "--model", "mbgnbd", PURCHASES)
        cls.pnbd = run_json("clv", "--model", "pnbd", PURCHASES)
        cls.bg = run_json("clv", "--model", "bgnbd", PURCHASES)

    def test_fit_quality_and_parameters(self):
        self.assertEqual(self.bg["fit"]["model"], "BG/NBD")
        for res, names in ((self.pnbd, ["r", "alpha", "s", "beta"]),
                           (self.mbg, ["r", "alpha", "a", "b"]),
                           (self.bg, ["r", "alpha", "a", "b"])):
            self.assertEqual(res["fit"]["status"], "converged")
            self.assertEqual([p["parameter"] for p in res["parameters"]], names)
            for p in res["parameters"]:
                self.assertGreater(p["estimate"], 0)
                self.assertGreater(p["se"], 0)
            self.assertEqual(res["fit"]["customers"] + res["fit"]["customers_not_fitted"],
                             len(self.summary))
            self.assertLess(res["fit"]["grad_norm"], 1e-4)

    def test_mbgnbd_against_closed_forms(self):
        """Log-likelihood and P(alive) of MBG/NBD written out here."""
        r, alpha, a, b = [p["estimate"] for p in self.mbg["parameters"]]
        lb = lambda u, v: math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)
        ll = 0.0
        got = {c["customer_id"]: c for c in self.mbg["customers"]}
        for cid, (x, t_x, T, mon) in self.summary.items():
            if T <= 0:
                self.assertIsNone(got[cid]["p_alive"])
                continue
            head = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
            t1 = lb(a, b + x + 1) - lb(a, b) - (r + x) * math.log(alpha + T)
            t2 = lb(a + 1, b + x) - lb(a, b) - (r + x) * math.log(alpha + t_x)
            m = max(t1, t2)
            ll += head + m + math.log(math.exp(t1 - m) + math.exp(t2 - m))
            pa = 1.0 / (1.0 + a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x))
            self.assertTrue(close(got[cid]["p_alive"], pa, 1e-9), (cid, pa))
        self.assertTrue(close(self.mbg["fit"]["loglik"], ll, 1e-9), (ll,))

    def test_bgnbd_against_closed_forms(self):
        """BG/NBD log-likelihood and P(alive) written out here."""
        r, alpha, a, b = [p["estimate"] for p in self.bg["parameters"]]
        lb = lambda u, v: math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)
        got = {c["customer_id"]: c for c in self.bg["customers"]}
        ll = 0.0
        for cid, (x, t_x, T, mon) in self.summary.items():
            head = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
            t1 = lb(a, b + x) - lb(a, b) - (r + x) * math.log(alpha + T)
            if x > 0:
                t2 = lb(a + 1, b + x - 1) - lb(a, b) - (r + x) * math.log(alpha + t_x)
                m = max(t1, t2)
                ll += head + m + math.log(math.exp(t1 - m) + math.exp(t2 - m))
                pa = 1.0 / (1.0 + a / (b + x - 1)
                            * ((alpha + T) / (alpha + t_x)) ** (r + x))
            else:
                ll += head + t1
                pa = 1.0
            self.assertTrue(close(got[cid]["p_alive"], pa, 1e-9), (cid, pa))
        self.assertTrue(close(self.bg["fit"]["loglik"], ll, 1e-9), (ll,))

    def test_threads_same_output(self):
        # --threads splits fits and predictions; the bytes stay the same
        for model in ("auto", "bgnbd", "pnbd", "mbgnbd"):
            rc1, one, err1 = run("clv", "--model", model, "--format", "csv",
                                 PURCHASES)
            rc3, three, err3 = run("clv", "--model", model, "--threads", 3,
                                   "--format", "csv", PURCHASES)
            self.assertEqual((rc1, rc3), (0, 0), (err1, err3))
            self.assertEqual(one, three, model)
        rc, _, err = run("clv", "--threads", "-1", PURCHASES)
        self.assertEqual(rc, 2, err)

    def test_spend_and_clv_identities(self):
        res = run_json("clv", "--model", "mbgnbd", "--discount", 0, "--margin",
                       0.25, "--horizon", 6, PURCHASES)
        self.assertEqual(res["fit"]["spend_model"], "Gamma-Gamma")
        p, q, g = [v["estimate"] for v in res["spend_parameters"]]
        pop = p * g / (q - 1)
        self.assertTrue(close(res["fit"]["spend_population_mean"], pop))
        for c in res["customers"]:
            x, t_x, T, mon = self.summary[c["customer_id"]]
            want = p * (g + x * mon) / (p * x + q - 1) if x > 0 else pop
            self.assertTrue(close(c["expected_spend"], want, 1e-9), (c, want))
            if c["clv"] is not None:
                # no discounting: the increments telescope to E[purchases]
                self.assertTrue(close(c["clv"], 0.25 * c["expected_spend"]
                                      * c["expected_purchases"], 1e-9, 1e-9))
                self.assertGreaterEqual(c["p_alive"], 0.0)
                self.assertLessEqual(c["p_alive"], 1.0)
        disc = run_json("clv", "--model", "mbgnbd", "--horizon", 6, PURCHASES)
        for a, b in zip(disc["customers"], res["customers"]):
            if a["clv"] is not None and b["expected_purchases"] > 0:
                self.assertLess(a["clv"], 4 * b["clv"] + 1e-9)

    def test_summary_file_input(self):
        """clv on `summary --format csv` output equals clv on the log."""
        t = Tmp()
        rc, out, _ = run("summary", "--format", "csv", PURCHASES)
        self.assertEqual(rc, 0)
        path = t.file("sum.csv", out)
        a = run_json("clv", "--model", "bgnbd", path)
        bg = run_json("clv", "--model", "bgnbd", PURCHASES)
        self.assertEqual(a["fit"]["loglik"], bg["fit"]["loglik"])
        self.assertEqual(a["customers"], bg["customers"])
        bad = t.file("bad.csv", "customer_id,x,t_x,T,monetary\nA,1,2,5,3\n"
                     "B,2,6,5,1\nC,1.5,1,5,1\nD,0,1,5,0\nE,x,1,5,1\n")
        rc, _, err = run("clv", bad)
        self.assertEqual(rc, 1)
        for line in (3, 4, 5):
            self.assertIn("bad.csv:%d: inconsistent summary" % line, err)
        self.assertIn("bad.csv:6: 'x' in column 'x' is not a number", err)

    def test_holdout_and_errors(self):
        res = run_json("clv", "--model", "mbgnbd", "--calibration-end",
                       "2025-06-30", "--observation-end", "2025-12-31", PURCHASES)
        hold = res["totals"]
        self.assertGreater(hold["holdout_actual"], 0)
        self.assertGreater(hold["holdout_predicted"], 0)
        self.assertEqual(run("clv", "--model", "nope", PURCHASES)[0], 2)
        self.assertEqual(run("clv", "--horizon", "-1", PURCHASES)[0], 2)
        rc, out, _ = run("clv", "--format", "csv", PURCHASES)
        self.assertEqual(rc, 0)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), len(self.summary))
        self.assertIn("clv", rows[0])


class XmlCheck(html.parser.HTMLParser):
    """Stack check of the page with the HTML parser as a second opinion."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.ids.update(v for k, v in attrs if k == "id")

    def handle_startendtag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(tag)
        else:
            self.stack.pop()


class Report(unittest.TestCase):
    CHARTS = ("chart-nps", "chart-abc", "chart-matrix", "chart-clv",
              "chart-retention")

    @classmethod
    def setUpClass(cls):
        cls.tmp = Tmp()
        cls.html = os.path.join(cls.tmp.dir.name, "r.html")
        cls.rc, cls.out, cls.err = run("report", "--survey", SURVEY,
                                       "--purchases", PURCHASES, "--html", cls.html)

    def test_runs(self):
        self.assertEqual(self.rc, 0, self.err)
        for title in ("NPS by group", "Purchase-log summary", "ABC x loyalty matrix",
                      "Retention"):
            self.assertIn(title, self.out)

    def test_html_well_formed_with_every_chart(self):
        with open(self.html, encoding="utf-8") as f:
            text = f.read()
        root = ET.fromstring(text.split("\n", 1)[1])   # after <!DOCTYPE html>
        svgs = {e.get("id"): e for e in root.iter("{http://www.w3.org/2000/svg}svg")}
        for chart in self.CHARTS:
            self.assertIn(chart, svgs)
            self.assertGreater(len(list(svgs[chart].iter())), 10, chart)
        p = XmlCheck()
        p.feed(text)
        self.assertEqual(p.errors, [])
        self.assertEqual(p.stack, [])
        for chart in self.CHARTS:
            self.assertIn(chart, p.ids)
        self.assertNotIn("http://", text.replace("http://www.w3.org/2000/svg", ""))
        self.assertNotIn("<script", text)

    def test_html_numbers(self):
        with open(self.html, encoding="utf-8") as f:
            root = ET.fromstring(f.read().split("\n", 1)[1])
        table = [t for t in root.iter("table") if t.get("id") == "table-nps"][0]
        first = [td.text for td in list(table)[1]]
        self.assertEqual(first[0], "(all)")
        self.assertEqual(first[5], "6.5")
        svg = [e for e in root.iter("{http://www.w3.org/2000/svg}svg")
               if e.get("id") == "chart-nps"][0]
        labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        self.assertIn("Office", labels)

    def test_json_report(self):
        rc, out, _ = run("report", "--survey", SURVEY, "--purchases", PURCHASES,
                         "--format", "json")
        self.assertEqual(rc, 0)
        pairs = json.loads(out, object_pairs_hook=lambda kv: kv)
        keys = [k for k, _ in pairs]
        self.assertEqual(len(keys), len(set(keys)), keys)   # no duplicate keys
        res = json.loads(out)
        self.assertEqual(res["survey"]["file"], SURVEY)
        self.assertEqual(res["purchases"]["customers"], 3000)
        self.assertIn(res["fit"]["model"], ("BG/NBD", "MBG/NBD", "Pareto/NBD"))
        self.assertIn("silent_churn_value_lost", res["value"])
        self.assertIn("retention_model", res)
        self.assertEqual(res["join"]["customers_with_score"], 1568)
        total = sum(r[2] for r in read_purchases())
        self.assertTrue(close(res["join"]["total_revenue"], total, 1e-12))
        self.assertEqual(round(100 * res["groups"][0]["nps"], 1), 6.5)
        ret = {r["month"]: r for r in res["retention"]}
        self.assertEqual(ret[0]["still_active"], 1.0)

    def test_report_bad_input(self):
        t = Tmp()
        path = t.file("s.csv", "customer_id,score\nA,9\nB,x\n")
        rc, _, err = run("report", "--survey", path, "--purchases", PURCHASES)
        self.assertEqual(rc, 1)
        self.assertIn(path + ":3:", err)
        rc, _, err = run("report", "--survey", SURVEY)
        self.assertEqual(rc, 2)


# ---------------------------------------------------------------------------
# Issue 18: the tool and report for the people who decide. Each class below
# covers one friction of the issue; every test failed on the code before.
# ---------------------------------------------------------------------------

def html_root(path):
    with open(path, encoding="utf-8") as f:
        return ET.fromstring(f.read().split("\n", 1)[1])


def svg_of(root, chart):
    return [e for e in root.iter("{http://www.w3.org/2000/svg}svg")
            if e.get("id") == chart][0]


def table_rows(root, table_id):
    t = [t for t in root.iter("table") if t.get("id") == table_id][0]
    return [["".join(td.itertext()) for td in tr] for tr in t]


class ModelChoice(unittest.TestCase):
    """Deliver 1: --model auto, the comparison and the warnings."""

    def test_auto_is_default_and_compares_three_models(self):
        res = run_json("clv", PURCHASES)
        mc = res["model_choice"]
        self.assertEqual(mc["rule"], "lowest holdout RMSE per customer")
        self.assertEqual(len(res["models"]), 3)
        chosen = [m for m in res["models"] if m["chosen"] == "yes"]
        self.assertEqual(len(chosen), 1)
        best = min(res["models"], key=lambda m: m["holdout_rmse"])
        self.assertEqual(chosen[0]["model"], best["model"])
        self.assertEqual(res["fit"]["model"], best["model"])
        # the automatic split holds out the last third of the log
        self.assertIn("automatic", mc["holdout_split"])
        self.assertGreater(mc["naive_rmse"], best["holdout_rmse"])
        for m in res["models"]:
            self.assertGreater(m["holdout_actual"], 0)

    def test_cdnow_auto_picks_with_holdout_error(self):
        if not os.path.exists(CDNOW_LOG):
            self.skipTest("shared data absent: " + CDNOW_LOG)
        res = run_json("clv", "--no-header", "--id-column", 1, "--date-column", 3,
                       "--amount-column", 5, "--calibration-end", "1997-09-30",
                       CDNOW_LOG)
        self.assertEqual(res["purchases"]["customers"] if "purchases" in res
                         else res["fit"]["customers"], 2357)
        rows = {m["model"]: m for m in res["models"]}
        # the published fits (MODELS.md 6.9)
        self.assertAlmostEqual(rows["BG/NBD"]["loglik"], -9582.4, delta=0.1)
        self.assertAlmostEqual(rows["Pareto/NBD"]["loglik"], -9595.0, delta=0.1)
        for m in rows.values():
            self.assertEqual(m["holdout_actual"], 1882)   # MODELS.md 6.9
            self.assertGreater(m["holdout_rmse"], 0)
        chosen = [m for m in rows.values() if m["chosen"] == "yes"][0]
        self.assertEqual(chosen["holdout_rmse"],
                         min(m["holdout_rmse"] for m in rows.values()))
        rc, out, _ = run("clv", "--no-header", "--id-column", 1, "--date-column", 3,
                         "--amount-column", 5, CDNOW_LOG)
        self.assertEqual(rc, 0)
        self.assertIn("lowest holdout error (RMSE", out)

    def test_bic_without_dates(self):
        t = Tmp()
        rc, out, _ = run("summary", "--format", "csv", PURCHASES)
        res = run_json("clv", t.file("s.csv", out))
        self.assertEqual(res["model_choice"]["rule"], "lowest BIC")
        best = min(res["models"], key=lambda m: m["bic"])
        self.assertEqual(res["fit"]["model"], best["model"])
        self.assertIn("no holdout test", res["model_choice"]["why"])

    def test_named_model_and_warnings(self):
        res = run_json("clv", "--model", "bgnbd", PURCHASES)
        self.assertEqual(res["model_choice"]["rule"], "named (--model)")
        self.assertEqual(len(res["models"]), 1)
        # BG/NBD's one-time buyers keep P(alive) = 1: said, not silent
        self.assertIn("P(alive) = 1", res["fit"]["warnings"])
        self.assertGreater(res["fit"]["one_time_buyers"], 0)
        rc, _, err = run("clv", "--model", "bgnbd", PURCHASES)
        self.assertIn("warning: BG/NBD", err)

    def test_boundary_and_missing_se_are_flagged(self):
        """No dropout at all: the fits sit at a limit of the model family."""
        rnd = random.Random(11)
        t = Tmp()
        lines = ["customer_id,date,amount"]
        for c in range(400):
            d = 0
            while True:
                d += max(1, int(rnd.expovariate(1 / 14.0)))
                if d > 500:
                    break
                lines.append("P%d,%s,10" % (c, datetime.date.fromordinal(
                    EPOCH + day("2024-01-01") + d).isoformat()))
        path = t.file("poisson.csv", "\n".join(lines) + "\n")
        rc, out, err = run("clv", "--model", "bgnbd", "--format", "json", path)
        self.assertIn(rc, (0, 1))
        if rc == 0:
            res = json.loads(out)
            flags = res["models"][0]["warnings"]
            self.assertTrue("boundary" in flags or "no-se" in flags
                            or res["fit"]["warnings"] != "none", res["models"])
            self.assertIn("warning", err)

    def test_report_model_options(self):
        a = run_json("report", "--survey", SURVEY, "--purchases", PURCHASES,
                     "--model", "pnbd", "--horizon", 6, "--discount", 0,
                     "--margin", 0.5, "--currency", "EUR")
        self.assertEqual(a["fit"]["model"], "Pareto/NBD")
        self.assertEqual(a["totals"]["horizon_months"], 6)
        b = run_json("report", "--survey", SURVEY, "--purchases", PURCHASES,
                     "--model", "pnbd", "--horizon", 6, "--discount", 0)
        self.assertTrue(close(a["value"]["clv_total"], 0.5 * b["value"]["clv_total"],
                              1e-9))


class Joins(unittest.TestCase):
    """Deliver 2: matched and unmatched counts; no silent empty join."""

    def setUp(self):
        self.t = Tmp()
        self.survey = self.t.file("s.csv", "customer_id,score\n" + "".join(
            "%d,%d\n" % (i, i % 11) for i in range(1, 201)))
        self.log = self.t.file("p.csv", "customer_id,date,amount\n" + "".join(
            "%04d,2024-%02d-%02d,%d\n" % (i, 1 + k * 3, 1 + i % 27, 10 + i)
            for i in range(1, 301) for k in range(3)))

    def test_zero_matches_is_an_error(self):
        rc, out, err = run("report", "--survey", self.survey, "--purchases",
                           self.log, "--model", "bgnbd")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("no survey customer id matches", err)
        self.assertIn("'0001'", err)
        self.assertIn("--id-normalize", err)

    def test_normalised_ids_match_and_counts_are_printed(self):
        html = os.path.join(self.t.dir.name, "r.html")
        res = run_json("report", "--survey", self.survey, "--purchases", self.log,
                       "--id-normalize", "zeros", "--model", "bgnbd", "--html", html)
        j = res["join"]
        self.assertEqual((j["survey_customers"], j["matched"], j["unmatched"]),
                         (200, 200, 0))
        self.assertEqual(j["customers_without_score"], 100)
        rows = table_rows(html_root(html), "table-join")
        self.assertEqual(rows[2][1], "200")
        rc, out, _ = run("report", "--survey", self.survey, "--purchases", self.log,
                         "--id-normalize", "zeros", "--model", "bgnbd")
        self.assertIn("not found in the purchase log", out)

    def test_partial_match_warns(self):
        survey = self.t.file("s2.csv", "customer_id,score\n0001,9\nX1,3\nX2,5\nX3,8\n")
        rc, _, err = run("report", "--survey", survey, "--purchases", self.log,
                         "--model", "bgnbd")
        self.assertEqual(rc, 0)
        self.assertIn("only 1 of 4 survey customers", err)

    def test_id_normalize_rules(self):
        self.assertEqual(run("report", "--survey", self.survey, "--purchases",
                             self.log, "--id-normalize", "bogus")[0], 2)
        self.assertEqual(run("report", "--survey", self.survey, "--purchases",
                             self.log, "--model", "bogus")[0], 2)
        rc, out, _ = run("report", "--survey", self.survey, "--purchases", self.log,
                         "--id-normalize", "zeros", "--model", "bgnbd", "--format", "csv")
        self.assertEqual(rc, 0)
        self.assertNotIn("value_at_risk", out)   # the list is --customers-csv


class CustomerList(unittest.TestCase):
    """Deliver 3: who to call, by priority; totals match the report."""

    @classmethod
    def setUpClass(cls):
        cls.t = Tmp()
        cls.csv = os.path.join(cls.t.dir.name, "customers.csv")
        cls.rep = run_json("report", "--model", "bgnbd", "--survey", SURVEY, "--purchases", PURCHASES,
                           "--customers-csv", cls.csv)
        with open(cls.csv, newline="") as f:
            cls.rows = list(csv.DictReader(f))

    def test_every_customer_with_the_fields(self):
        self.assertEqual(len(self.rows), 3000)
        for col in ("customer_id", "value_class", "loyalty", "last_score", "p_alive",
                    "expected_purchases", "clv", "segment", "action",
                    "value_at_risk"):
            self.assertIn(col, self.rows[0])
        pr = [float(r["priority"]) for r in self.rows]
        self.assertEqual(pr, sorted(pr, reverse=True))

    def test_totals_match_the_report(self):
        clv = sum(float(r["clv"]) for r in self.rows if r["clv"])
        var = sum(float(r["value_at_risk"]) for r in self.rows)
        self.assertTrue(close(clv, self.rep["value"]["clv_total"], 1e-9))
        self.assertTrue(close(clv, self.rep["totals"]["clv_total"], 1e-9))
        self.assertTrue(close(var, self.rep["value"]["value_at_risk"], 1e-9))
        # value at risk of non-detractors = the library's silent-churn value lost
        # over the same customers minus the detractors' share
        nd = sum(float(r["value_at_risk"]) for r in self.rows
                 if r["loyalty"] != "detractor")
        self.assertLessEqual(nd, self.rep["value"]["silent_churn_value_lost"] + 1e-6)

    def test_value_at_risk_definition(self):
        for r in self.rows[:200]:
            p, c, v = float(r["p_alive"]), float(r["clv"]), float(r["value_at_risk"])
            alive = c / p if p > 1e-9 else 0.0
            want = alive if r["loyalty"] == "detractor" else (1 - p) * alive
            self.assertTrue(close(v, want, 1e-9, 1e-9), r)

    def test_command_text_top_and_all(self):
        rc, out, _ = run("customers", "--model", "bgnbd", "--purchases", PURCHASES, "--survey", SURVEY)
        self.assertEqual(rc, 0)
        lines = [l for l in out.splitlines() if l[:7].strip().isdigit()]
        self.assertEqual(len(lines), 20)
        self.assertIn("2980 more not shown", out)
        rc, out, _ = run("customers", "--model", "bgnbd", "--purchases", PURCHASES, "--top", 5)
        self.assertEqual(len([l for l in out.splitlines() if l[:7].strip().isdigit()]), 5)
        rc, out, _ = run("customers", "--model", "bgnbd", "--purchases", PURCHASES, "--all")
        self.assertEqual(len([l for l in out.splitlines() if l[:7].strip().isdigit()]),
                         3000)
        rc, out, _ = run("customers", "--model", "bgnbd", "--purchases", PURCHASES, "--format", "csv")
        self.assertEqual(len(list(csv.DictReader(io.StringIO(out)))), 3000)

    def test_same_list_from_both_commands(self):
        rc, out, _ = run("customers", "--model", "bgnbd", "--purchases", PURCHASES, "--survey", SURVEY,
                         "--format", "csv")
        self.assertEqual(list(csv.DictReader(io.StringIO(out))), self.rows)


class ReportPage(unittest.TestCase):
    """Deliver 4: a report a manager can forward."""

    @classmethod
    def setUpClass(cls):
        cls.t = Tmp()
        cls.html = os.path.join(cls.t.dir.name, "r.html")
        rc, _, err = run("report", "--survey", os.path.abspath(SURVEY), "--purchases",
                         os.path.abspath(PURCHASES), "--html", cls.html,
                         "--currency", "$", "--title", "Q4 loyalty review")
        assert rc == 0, err
        with open(cls.html, encoding="utf-8") as f:
            cls.text = f.read()
        cls.root = html_root(cls.html)

    def test_title_and_file_names_without_paths(self):
        self.assertIn("<title>Q4 loyalty review</title>", self.text)
        self.assertIn("<h1>Q4 loyalty review</h1>", self.text)
        self.assertNotIn(os.path.abspath(DATA), self.text)
        self.assertIn("survey.csv", self.text)

    def test_currency_and_thousands_separators(self):
        total = sum(r[2] for r in read_purchases())
        self.assertIn("$%s" % format(round(total), ","), self.text)
        cards = [c for c in self.root.iter("div") if c.get("id") == "cards"][0]
        text = " ".join(cards.itertext())
        for label in ("customer lifetime value", "value at risk", "revenue", "NPS"):
            self.assertIn(label, text)

    def test_score_distribution_and_model_comparison(self):
        svg = svg_of(self.root, "chart-scores")
        labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        for s in range(11):
            self.assertIn(str(s), labels)
        for word in ("detractors", "passives", "promoters"):
            self.assertIn(word, labels)
        rows = table_rows(self.root, "table-models")
        self.assertEqual(len(rows), 4)
        self.assertEqual(sum("(chosen)" in r[0] for r in rows), 1)

    def test_nice_ticks_on_the_clv_axis(self):
        svg = svg_of(self.root, "chart-clv")
        ticks = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")
                 if t.text and t.text.startswith("$")]
        values = [float(x.strip("$+").replace(",", "").replace("k", "e3"))
                  for x in ticks]
        self.assertGreaterEqual(len(values), 3)
        step = values[1] - values[0]
        mant = step / 10 ** math.floor(math.log10(step))
        self.assertIn(round(mant, 6), (1, 2, 2.5, 5))
        for a, b in zip(values, values[1:]):
            self.assertTrue(close(b - a, step))

    def test_risk_colours_point_at_action(self):
        svg = svg_of(self.root, "chart-matrix")
        fills = {}
        for g in list(svg):
            pass
        rects = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect")]
        texts = [e for e in svg.iter("{http://www.w3.org/2000/svg}text")]

        def fill_of(label):
            t = [e for e in texts if e.text == label][0]
            x, y = float(t.get("x")), float(t.get("y"))
            for r in rects:
                rx, ry = float(r.get("x")), float(r.get("y"))
                if rx <= x <= rx + float(r.get("width")) and ry <= y <= ry + float(
                        r.get("height")) and r.get("class") != "swatch" and \
                        float(r.get("width")) < 300:
                    return r.get("fill")
        self.assertEqual(fill_of("Critical risk"), "#c0392b")
        self.assertNotEqual(fill_of("A, no answer"), "#c0392b")
        legend = [t.text for t in texts]
        self.assertIn("act now", legend)
        swatches = [r for r in rects if r.get("class") == "swatch"]
        self.assertGreaterEqual(len(swatches), 5)

    def test_retention_only_where_observed(self):
        rows = table_rows(self.root, "table-retention")[1:]
        self.assertTrue(all(int(r[1].replace(",", "")) >= 30 for r in rows))
        res = run_json("report", "--survey", SURVEY, "--purchases", PURCHASES)
        shares = [r["still_active"] for r in res["retention"]]
        # Kaplan-Meier: never rises, and does not collapse at the window's end
        self.assertEqual(shares, sorted(shares, reverse=True))
        self.assertGreater(shares[-1], 0.1)

    def test_self_contained_one_file(self):
        self.assertNotIn("<script", self.text)
        self.assertNotIn("src=", self.text)
        self.assertIn('name="viewport"', self.text)


class Dialects(unittest.TestCase):
    """Deliver 5: the CSV dialects of real exports."""

    def setUp(self):
        self.t = Tmp()

    def summary_of(self, text, *opts, name="d.csv"):
        return run_json("summary", "--unit", "day", *opts, self.t.file(name, text))

    def test_decimal_comma(self):
        text = "customer_id;date;amount\nA;2024-01-01;12,50\nA;2024-01-03;1.234,50\n"
        res = self.summary_of(text)              # ';' file: detected
        self.assertEqual(res["customers"][0]["monetary"], 1234.5)
        text = "customer_id\tdate\tamount\nA\t2024-01-01\t1\nA\t2024-01-03\t7,25\n"
        res = self.summary_of(text, "--decimal-comma")
        self.assertEqual(res["customers"][0]["monetary"], 7.25)
        rc, _, err = run("summary", self.t.file("t.csv", text))
        self.assertEqual(rc, 1)
        self.assertIn("--decimal-comma", err)

    def test_thousands_and_currency(self):
        text = ('customer_id,date,amount\nA,2024-01-01,"$1,200.00"\n'
                'A,2024-01-02,"1,234.50 USD"\nA,2024-01-03,\u20ac 7\n'
                'A,2024-01-04,(5.00)\n')
        rc, out, err = run("summary", "--unit", "day", "--format", "json",
                           self.t.file("c.csv", text))
        self.assertEqual(rc, 1)                  # the negative (5.00) is refused
        self.assertIn("c.csv:5: negative amount", err)
        text = text.rsplit("A,2024-01-04", 1)[0]
        res = self.summary_of(text)
        self.assertTrue(close(res["customers"][0]["monetary"], (1234.5 + 7) / 2))
        rc, _, err = run("summary", self.t.file("b.csv", "customer_id,date,amount\n"
                                                "A,2024-01-01,\"3,5\"\n"))
        self.assertEqual(rc, 1)                  # never silently 35 or 3

    def test_date_format(self):
        text = "customer_id,date,amount\nA,31.01.2024,1\nA,02.02.2024,2\n"
        res = self.summary_of(text, "--date-format", "%d.%m.%Y")
        self.assertEqual(res["customers"][0]["t_x"], 2)
        text = "customer_id,date,amount\nA,01/31/24,1\nA,3 Feb 2024,2\n"
        rc, _, err = run("summary", "--date-format", "%m/%d/%y",
                         self.t.file("m.csv", text))
        self.assertIn("m.csv:3: '3 Feb 2024' in column 'date' is not a date "
                      "(--date-format %m/%d/%y)", err)
        self.assertEqual(run("summary", "--date-format", "%Y", PURCHASES)[0], 2)

    def test_whitespace_and_headerless(self):
        text = " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n"
        res = run_json("summary", "--no-header", "--unit", "day", "--id-column", 1,
                       "--date-column", 3, "--amount-column", 5,
                       self.t.file("w.txt", text))
        self.assertEqual(res["customers"][0]["customer_id"], "00004")
        self.assertEqual(res["customers"][0]["t_x"], 17)
        rc, _, err = run("summary", "--id-column", 1, "--date-column", 3,
                         "--amount-column", 9, self.t.file("w2.txt", text))
        self.assertIn("--no-header", err)

    def test_lifetimes_summary_names(self):
        rc, out, _ = run("summary", "--format", "csv", PURCHASES)
        lines = out.splitlines()
        self.assertEqual(lines[0], "customer_id,x,t_x,T,monetary")
        text = "\n".join(["ID,frequency,recency,T,monetary_value"] + lines[1:]) + "\n"
        res = run_json("clv", "--model", "bgnbd", self.t.file("l.csv", text))
        ref = run_json("clv", "--model", "bgnbd", PURCHASES)
        self.assertEqual(res["fit"]["loglik"], ref["fit"]["loglik"])
        self.assertEqual(res["customers"], ref["customers"])

    def test_standard_input_everywhere(self):
        with open(PURCHASES) as f:
            log = f.read()
        with open(SURVEY, encoding="utf-8-sig") as f:
            survey = f.read()
        a = run_json("clv", "--model", "bgnbd", "-", stdin=log)
        b = run_json("clv", "--model", "bgnbd", PURCHASES)
        self.assertEqual(a["fit"]["loglik"], b["fit"]["loglik"])
        rc, out, err = run("report", "--survey", "-", "--purchases", PURCHASES,
                           "--model", "bgnbd", "--format", "json", stdin=survey)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["join"]["matched"], 1568)
        rc, out, _ = run("customers", "--purchases", "-", "--model", "bgnbd",
                         "--format", "csv", stdin=log)
        self.assertEqual(rc, 0)
        for cmd in (("summary",), ("segment",), ("csat", "--scale", "0,9,10"),
                    ("nps",)):
            src = {"summary": log, "segment": open(CUSTOMERS).read()}.get(
                cmd[0], "score\n9\n10\n3\n")
            rc, _, err = run(*cmd, "-", stdin=src)
            self.assertEqual(rc, 0, (cmd, err))
        self.assertEqual(run("report", "--survey", "-", "--purchases", "-")[0], 2)


class NewCommands(unittest.TestCase):
    """Deliver 6: csat, ces, cohort, bgbb and any scale."""

    def setUp(self):
        self.t = Tmp()

    def test_csat(self):
        path = self.t.file("c.csv", "score,g\n5,a\n4,a\n3,b\n1,b\n,b\n5,b\n")
        res = run_json("csat", "--group-column", "g", path)
        rows = {r["group"]: r for r in res["groups"]}
        self.assertEqual((rows["(all)"]["n"], rows["(all)"]["top"]), (5, 3))
        n, p, z = 5, 0.6, Z95
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        self.assertTrue(close(rows["(all)"]["lower"], centre - half))
        self.assertEqual(rows["b"]["blank"], 1)
        res = run_json("csat", "--scale", "1,6,7", self.t.file("c7.csv",
                                                               "score\n7\n6\n5\n1\n"))
        self.assertEqual(res["groups"][0]["csat"], 0.5)
        rc, _, err = run("csat", self.t.file("bad.csv", "score\n6\n"))
        self.assertEqual(rc, 1)
        self.assertIn("--scale", err)

    def test_ces(self):
        res = run_json("ces", self.t.file("e.csv", "score\n7\n6\n5\n4\n1\n"))
        r = res["groups"][0]
        self.assertTrue(close(r["mean"], 23 / 5))
        self.assertTrue(close(r["agree"], 3 / 5))
        self.assertTrue(close(r["disagree"], 1 / 5))
        self.assertEqual([d["answers"] for d in res["distribution"]],
                         [1, 0, 0, 1, 1, 1, 1])

    def test_nps_on_another_scale(self):
        path = self.t.file("s7.csv", "score\n1\n4\n5\n6\n7\n7\n")
        row = run_json("nps", "--breaks", "1,4,5,7", path)["groups"][0]
        self.assertEqual((row["detractors"], row["passives"], row["promoters"]),
                         (2, 1, 3))
        self.assertEqual(run("nps", "--breaks", "1,5,4,7", path)[0], 2)
        rc, _, err = run("nps", path.replace("s7", "s7"))
        self.assertEqual(rc, 0)

    def test_cohort_published_fit(self):
        path = os.path.join(SHARED, "retention", "sbg_survival.csv")
        if not os.path.exists(path):
            self.skipTest("shared data absent")
        res = run_json("cohort", "--fit-periods", 7, "--discount", 0.1, path)
        c = {r["cohort"]: r for r in res["cohorts"]}
        self.assertAlmostEqual(c["regular"]["alpha"], 0.7041, places=3)
        self.assertAlmostEqual(c["regular"]["beta"], 1.1820, places=3)
        self.assertAlmostEqual(c["high_end"]["alpha"], 0.6681, places=3)
        self.assertAlmostEqual(c["high_end"]["beta"], 3.8061, places=3)
        curve = [r for r in res["curve"] if r["cohort"] == "regular"]
        self.assertEqual(len(curve), 13)
        self.assertEqual([r["in_fit"] for r in curve].count("yes"), 8)

    def test_cohort_identities(self):
        """DEL and DERL against direct sums of the sBG survival curve."""
        path = self.t.file("k.csv", "period,a\n0,1000\n1,700\n2,560\n3,480\n4,430\n")
        res = run_json("cohort", "--discount", 0.1, "--renewals", 2, path)
        a, b = res["cohorts"][0]["alpha"], res["cohorts"][0]["beta"]
        s, surv = 1.0, [1.0]
        for t in range(1, 4000):
            s *= (b + t - 1) / (a + b + t - 1)
            surv.append(s)
        dl = sum(x / 1.1 ** t for t, x in enumerate(surv))
        self.assertTrue(close(res["cohorts"][0]["del"], dl, 1e-6))
        n = 3
        derl = sum(surv[t] / surv[n - 1] / 1.1 ** (t - n) for t in range(n, 4000))
        self.assertTrue(close(res["cohorts"][0]["derl"], derl, 1e-6))
        per = self.t.file("ten.csv", "tenure,active\n1,0\n2,0\n3,1\n3,0\n5,1\n1,0\n")
        res = run_json("cohort", "--tenure-column", "tenure", "--active-column",
                       "active", per)
        self.assertEqual(res["cohorts"][0]["status"], "converged")

    def test_bgbb_published_fit(self):
        path = os.path.join(SHARED, "donations", "donations.csv")
        if not os.path.exists(path):
            self.skipTest("shared data absent")
        res = run_json("bgbb", path)
        p = {r["parameter"]: r["estimate"] for r in res["parameters"]}
        for k, v in (("alpha", 1.204), ("beta", 0.750), ("gamma", 0.657),
                     ("delta", 2.783)):
            self.assertAlmostEqual(p[k], v, places=2)
        self.assertAlmostEqual(res["fit"]["loglik"], -33225.58, places=1)
        self.assertEqual(res["fit"]["customers"], 11104)

    def test_bgbb_rows(self):
        path = self.t.file("b.csv", "x,t_x,n\n" + "".join(
            "%d,%d,6\n" % (x, t) for x, t in ((0, 0), (1, 1), (2, 5), (3, 6), (6, 6),
                                              (1, 3), (2, 2), (4, 6), (0, 0), (5, 6))
            * 20))
        res = run_json("bgbb", "--opportunities", 3, path)
        self.assertEqual(len(res["rows"]), 200)
        for r in res["rows"]:
            self.assertGreaterEqual(r["p_alive"], 0)
            self.assertLessEqual(r["expected"], 3)


class Plausibility(unittest.TestCase):
    """Deliver 7: implausible values are refused, naming the option."""

    def expect_usage(self, args, needle):
        rc, out, err = run(*args)
        self.assertEqual(rc, 2, (args, err))
        self.assertIn(needle, err)

    def test_margin_discount_level_churn(self):
        self.expect_usage(("clv", "--margin", 30, PURCHASES), "--margin 30")
        self.expect_usage(("clv", "--margin", -1, PURCHASES), "--margin -1")
        self.expect_usage(("report", "--survey", SURVEY, "--purchases", PURCHASES,
                           "--margin", 30), "--margin-absolute")
        self.expect_usage(("clv", "--discount", 10, PURCHASES), "--discount 10")
        self.expect_usage(("nps", "--level", 95, SURVEY), "--level 95")
        self.expect_usage(("churn-cost", "--customers", 100, "--churn", 20,
                           "--margin", 5), "--churn 20")
        self.expect_usage(("churn-cost", "--customers", 100, "--churn", 0.2,
                           "--margin", 5, "--discount", 8), "--discount 8")
        res = run_json("clv", "--model", "bgnbd", "--margin", 3, "--margin-absolute",
                       "--discount", 0, PURCHASES)
        for c in res["customers"][:50]:
            self.assertTrue(close(c["clv"], 3 * c["expected_purchases"], 1e-9, 1e-9))


class SmallDefects(unittest.TestCase):
    def setUp(self):
        self.t = Tmp()

    def test_row_with_two_problems_counts_once(self):
        path = self.t.file("two.csv", "customer_id,date,amount\nA\nB,2024-01-01,1\n")
        rc, _, err = run("summary", "--skip-bad-rows", path)
        self.assertEqual(rc, 0)
        self.assertIn("skipped 1 bad row", err)

    def test_help_command(self):
        rc, out, _ = run("help", "nps")
        self.assertEqual(rc, 0)
        self.assertIn("Usage: loyalty nps", out)
        self.assertIn("--breaks", out)
        self.assertEqual(run("help", "nope")[0], 2)

    def test_no_scores_names_the_file(self):
        path = self.t.file("blank.csv", "score\n\n \n")
        rc, _, err = run("nps", path)
        self.assertIn(path + ": no scores", err)

    def test_text_output_is_cut(self):
        rc, out, _ = run("summary", PURCHASES)
        self.assertIn("2980 more not shown", out)
        rc, out, _ = run("summary", "--all", PURCHASES)
        self.assertNotIn("more not shown", out)

    def test_flags_explained(self):
        rc, out, _ = run("nps", self.t.file("few.csv", "score\n9\n10\n"))
        self.assertIn("flags:", out)
        self.assertIn("fewer than 30 answers", out)
        self.assertIn("degenerate", run("nps", "--help")[1])

    def test_progress_only_on_a_terminal(self):
        import pty
        master, slave = pty.openpty()
        p = subprocess.Popen([BIN, "clv", "--model", "bgnbd", PURCHASES],
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        p.wait(timeout=120)
        os.close(master)
        self.assertIn(b"fitting BG/NBD", b"".join(chunks))
        rc, _, err = run("clv", "--model", "bgnbd", PURCHASES)
        self.assertNotIn("fitting", err)


class Robustness(unittest.TestCase):
    """Issue 20, the tool's part."""

    def setUp(self):
        self.t = Tmp()

    def test_unterminated_quote_on_its_line(self):
        path = self.t.file("q.csv", 'score,c\n9,"ok"\n10,"open\n8,x\n')
        rc, _, err = run("nps", path)
        self.assertIn(path + ":3: unterminated quoted field", err)

    def test_ids_differing_after_nul(self):
        path = self.t.file("nul.csv", b"customer_id,date,amount\nA\x00x,2024-01-01,1\n"
                           b"A\x00y,2024-01-05,2\nB,2024-01-09,4\n", mode="wb")
        rc, out, err = run("summary", "--format", "json", path)
        self.assertEqual(rc, 1)
        self.assertIn("nul.csv:2: NUL byte in column 'customer_id'", err)
        self.assertIn("nul.csv:3:", err)

    def test_no_leak_when_clv_fails(self):
        path = self.t.file("t0.csv", "customer_id,x,t_x,T\nA,0,0,0\nB,0,0,0\n")
        with open(BIN, "rb") as f:
            sanitized = b"__asan_init" in f.read()
        if sanitized:
            # LeakSanitizer is in the binary: a leak changes the exit status
            rc, _, err = run("clv", path)
            self.assertEqual(rc, 1, err)
            self.assertNotIn("LeakSanitizer", err)
            return
        vg = shutil.which("valgrind")
        if vg is None:
            self.skipTest("valgrind not installed")
        p = subprocess.run([vg, "--leak-check=full", "--errors-for-leak-kinds=all",
                            "--error-exitcode=99", BIN, "clv", path],
                           capture_output=True, encoding="utf-8", timeout=300)
        self.assertEqual(p.returncode, 1, p.stderr[-2000:])
        self.assertIn("no customer with T > 0", p.stderr)

    def test_degenerate_sample_gives_an_answer(self):
        """The first 300 rows of the sample log (a 27-day window)."""
        with open(PURCHASES) as f:
            head = "".join(f.readlines()[:301])
        path = self.t.file("p300.csv", head)
        rc, out, err = run("clv", "--format", "json", path)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        self.assertEqual(res["model_choice"]["rule"], "lowest BIC")
        good = [c for c in res["customers"] if c["p_alive"] is not None]
        self.assertGreater(len(good), 200)
        for c in good:
            self.assertTrue(0 <= c["p_alive"] <= 1)
            self.assertTrue(math.isfinite(c["clv"]))


def ols_r2(rows, cols):
    """R squared of y (column 0) on the given columns, by normal equations."""
    n = len(rows)
    X = [[1.0] + [r[c] for c in cols] for r in rows]
    y = [r[0] for r in rows]
    k = len(X[0])
    A = [[sum(X[i][a] * X[i][b] for i in range(n)) for b in range(k)] for a in range(k)]
    v = [sum(X[i][a] * y[i] for i in range(n)) for a in range(k)]
    for c in range(k):                      # Gauss-Jordan
        piv = A[c][c]
        for j in range(c, k):
            A[c][j] /= piv
        v[c] /= piv
        for r in range(k):
            if r != c:
                f = A[r][c]
                for j in range(c, k):
                    A[r][j] -= f * A[c][j]
                v[r] -= f * v[c]
    my = sum(y) / n
    fit = [sum(X[i][a] * v[a] for a in range(k)) for i in range(n)]
    ss_res = sum((y[i] - fit[i]) ** 2 for i in range(n))
    ss_tot = sum((yy - my) ** 2 for yy in y)
    return 1 - ss_res / ss_tot


class Drivers(unittest.TestCase):
    """Phase 2: key drivers (loyalty drivers and the report's section)."""

    @classmethod
    def setUpClass(cls):
        rnd = random.Random(21)
        cls.t = Tmp()
        cls.rows = []
        lines = ["id,score,speed,friendliness,price"]
        for i in range(400):
            sp, fr, pr = rnd.randint(1, 5), rnd.randint(1, 5), rnd.randint(1, 5)
            y = max(0, min(10, round(1.6 * sp + 0.7 * fr + 0.2 * pr - 1.5
                                     + rnd.gauss(0, 1.5))))
            cls.rows.append((float(y), float(sp), float(fr), float(pr)))
            lines.append("C%d,%d,%d,%d,%d" % (i, y, sp, fr, pr))
        cls.path = cls.t.file("drv.csv", "\n".join(lines) + "\n")

    def test_lmg_shares_against_shapley(self):
        res = run_json("drivers", "--drivers", "speed,friendliness,price", self.path)
        got = {d["driver"]: d["importance"] for d in res["drivers"]}
        full = ols_r2(self.rows, [1, 2, 3])
        self.assertTrue(close(res["drivers_fit"]["r2"], full, 1e-9))
        import itertools
        for j, name in ((1, "speed"), (2, "friendliness"), (3, "price")):
            others = [c for c in (1, 2, 3) if c != j]
            lmg = 0.0
            for size in range(3):
                for s in itertools.combinations(others, size):
                    wgt = math.factorial(size) * math.factorial(2 - size) / 6.0
                    base = ols_r2(self.rows, list(s)) if s else 0.0
                    lmg += wgt * (ols_r2(self.rows, list(s) + [j]) - base)
            self.assertTrue(close(got[name], lmg / full, 1e-9), (name, got[name], lmg / full))
        # most opportunity first, quadrants named
        opp = [d["opportunity"] for d in res["drivers"]]
        self.assertEqual(opp, sorted(opp, reverse=True))
        self.assertEqual(res["drivers_fit"]["scale"], "1-5")

    def test_models_options_and_errors(self):
        for model in ("logistic", "ordinal"):
            res = run_json("drivers", "--drivers", "3,4,5", "--outcome", "2",
                           "--model", model, self.path)
            self.assertTrue(close(sum(d["importance"] for d in res["drivers"]), 1.0,
                                  1e-9))
        res = run_json("drivers", "--drivers", "speed,price", "--bootstrap", 100,
                       "--prca", self.path)
        for d in res["drivers"]:
            self.assertLessEqual(d["lower"], d["importance"])
            self.assertGreaterEqual(d["upper"], d["importance"])
            self.assertIn(d["kano"], ("basic", "performance", "excitement", "low impact"))
        self.assertEqual(run("drivers", self.path)[0], 2)
        self.assertEqual(run("drivers", "--drivers", "speed", "--model", "x",
                             self.path)[0], 2)
        rc, _, err = run("drivers", "--drivers", "speed,nope", self.path)
        self.assertEqual(rc, 1)
        self.assertIn("no column 'nope'", err)
        const = self.t.file("c.csv", "score,a,b\n" + "".join(
            "%d,3,%d\n" % (i % 11, i % 5) for i in range(50)))
        rc, _, err = run("drivers", "--drivers", "a,b", const)
        self.assertEqual(rc, 1)
        self.assertIn("'a' is constant", err)

    def test_report_section(self):
        html = os.path.join(self.t.dir.name, "d.html")
        survey = self.t.file("s.csv", "customer_id,score,speed,friendliness\n" + "".join(
            "C%05d,%d,%d,%d\n" % (i + 1, r[0], r[1], r[2])
            for i, r in enumerate(self.rows)))
        rc, out, err = run("report", "--survey", survey, "--purchases", PURCHASES,
                           "--drivers", "speed,friendliness", "--model", "bgnbd",
                           "--html", html)
        self.assertEqual(rc, 0, err)
        self.assertIn("Key drivers", out)
        root = html_root(html)
        rows = table_rows(root, "table-drivers")
        self.assertEqual([r[0] for r in rows[1:]][:1], ["speed"])
        svg_of(root, "chart-drivers")
        self.assertEqual(run("customers", "--purchases", PURCHASES, "--drivers",
                             "speed")[0], 2)


if __name__ == "__main__":
    unittest.main()
