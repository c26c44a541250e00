#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CTest driver: the demo report and a stress report (long names, extreme
NPS, a thin log) checked in headless Chromium at desktop and phone widths
with check_report_layout.py. Exit 77 (skipped) without Chromium.

Environment: LOYALTY_BIN (the built tool), LOYALTY_DATA (examples/data).
"""
import datetime
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_report_layout as layout  # noqa: E402

BIN = os.environ.get("LOYALTY_BIN", "loyalty")
DATA = os.environ.get("LOYALTY_DATA", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "data"))


def stress_data(d):
    """Seven groups with long, escaped and accented names; one group all
    detractors (NPS -100), one all promoters (+100); amounts from 5 to
    250,000; ids that join only after --id-normalize zeros. Branches (the
    Consistency section) with long names, two far outside the funnel, and
    weekly dates over 80 weeks with gaps."""
    rnd = random.Random(5)
    branches = ["Zuerich Hauptbahnhof & Flughafen <Terminal 2>", "Y", "Bern",
                "Basel", "Genf", "Lausanne Ouchy", "Lugano", "Chur", "Sion",
                "St. Gallen"]
    groups = ["Enterprise customers in the Nordic region", "SMB",
              "Public sector & education", "\u00dcn\u00efc\u00f6d\u00e9 gr\u00fcppe",
              "A", "Partners <resellers>", "Very very long segment name number seven"]
    with open(os.path.join(d, "survey.csv"), "w", encoding="utf-8") as f:
        f.write("customer_id,segment,score,delivery speed,the friendliness of "
                "our staff in the shops,price,app,date,branch\n")
        for i in range(400):
            g = groups[i % len(groups)]
            s = 0 if g == "A" else 10 if g == "SMB" else rnd.randrange(11)
            r = [max(1, min(5, round(s / 2.0 * a + rnd.gauss(0, 1))))
                 for a in (0.9, 0.5, 0.2, 0.05)]
            b = branches[i % len(branches)]
            if b.startswith("Z"):
                s = 0       # far below the funnel
            elif b.startswith("Y"):
                s = 10      # far above it
            week = rnd.choice([w for w in range(80) if w % 9 != 4])
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * week + i % 7)
            f.write('%d,"%s",%d,%d,%d,%d,%d,%s,"%s"\n' % (
                (i + 1, g, s) + tuple(r) + (day.isoformat(), b)))
    d0 = datetime.date(2024, 1, 1)
    with open(os.path.join(d, "purchases.csv"), "w") as f:
        f.write("customer_id,date,amount\n")
        for i in range(400):
            start = rnd.randrange(0, 500)
            for k in range(rnd.randrange(1, 12)):
                day = d0 + datetime.timedelta(days=min(640, start + k * rnd.randrange(1, 60)))
                amt = rnd.choice([5, 20, 80, 2500, 125000]) * (1 + rnd.random())
                f.write("%04d,%s,%.2f\n" % (i + 1, day.isoformat(), amt))


def main():
    binary = layout.find_chromium(os.environ.get("LOYALTY_CHROMIUM"))
    if binary is None:
        print("SKIP: no Chromium installed")
        return 77
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        demo = os.path.join(tmp, "demo.html")
        stress = os.path.join(tmp, "stress.html")
        subprocess.run([BIN, "report", "--survey", os.path.join(DATA, "survey.csv"),
                        "--purchases", os.path.join(DATA, "purchases.csv"),
                        "--html", demo, "--currency", "$"],
                       check=True, stdout=subprocess.DEVNULL, timeout=300)
        stress_data(tmp)
        subprocess.run([BIN, "report", "--survey", os.path.join(tmp, "survey.csv"),
                        "--purchases", os.path.join(tmp, "purchases.csv"),
                        "--id-normalize", "zeros", "--model", "bgnbd", "--html", stress,
                        "--drivers", "delivery speed,the friendliness of our staff "
                        "in the shops,price,app",
                        "--currency", "EUR", "--track-period", "week", "--title",
                        "A very long report title for the board meeting of 2025"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
        for page in (demo, stress):
            with open(page, encoding="utf-8") as f:
                text = f.read()
            for chart in ("chart-nps-time", "chart-funnel"):
                if 'id="%s"' % chart not in text:
                    failed += 1
                    print("FAIL %s: no %s (Consistency section)" % (
                        os.path.basename(page), chart))
        runs = 0
        for page in (demo, stress):
            for width in (1280, 390):
                runs += 1
                res, err = layout.check(binary, page, width, tmp, None)
                if err or res["problems"] or res["charts"] < 7:
                    failed += 1
                    print("FAIL %s @%d: %s" % (os.path.basename(page), width,
                                               err or res))
                else:
                    print("ok %s @%d px: %d charts, %d labels, no overlap" % (
                        os.path.basename(page), width, res["charts"], res["texts"]))
    print("%d passed, %d failed" % (runs - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
