#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The lifetimes quick-start, redone with loyalty on CDNOW.

Follows the Quickstart of the lifetimes package (docs/Quickstart.md) step
by step on the same data (the CDNOW summaries lifetimes ships, here from
../shared/data/cdnow) and prints every number the quick-start publishes
next to ours:

1. BG/NBD on the 2357-customer summary: the fitted model and its summary
   table (estimate, se, 95% bounds);
2. the frequency/recency and P(alive) matrices (plots);
3. the five customers with the most expected purchases next week;
4. model fit: period transactions (plot);
5. from the raw transaction log: summary, calibration/holdout split and
   the holdout and tracking plots (lifetimes uses another log here; the
   CDNOW facts of MODELS.md 6.9 are printed instead);
6. Gamma-Gamma on the 946 repeat customers: the correlation check, the
   fitted model, the expected average profit and its mean;
7. twelve months of CLV at 1% a month.

Each comparison line shows our value rounded as lifetimes printed it, the
published value, and "same" when the two printed numbers are identical;
otherwise the relative difference (from the two optimisers stopping at
slightly different points, or lifetimes' z = 1.96). The last line counts
them.

Usage: python3 lifetimes_quickstart.py [CDNOW_DIR] [--plots DIR]
  (default CDNOW_DIR: ../shared/data/cdnow beside the repository)
"""

import argparse
import os
import sys

import numpy as np
import pandas as pd

import loyalty
from loyalty import bgnbd, clv, ggamma

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cdnow")

# What the lifetimes Quickstart prints (lifetimes 0.11, docs/Quickstart.md).
PUBLISHED = {
    "summary": {  # coef, se(coef), lower 95% bound, upper 95% bound
        "r": ("0.242593", "0.012557", "0.217981", "0.267205"),
        "alpha": ("4.413532", "0.378221", "3.672218", "5.154846"),
        "a": ("0.792886", "0.185719", "0.428877", "1.156895"),
        "b": ("2.425752", "0.705345", "1.043276", "3.808229")},
    "top5": [(509, "0.424877"), (841, "0.474738"), (1981, "0.486526"),
             (157, "0.662396"), (1516, "0.710623")],
    "gg": {"p": "6.25", "q": "3.74", "v": "15.45"},
    "corr": "0.113884",
    "profit": [(1, "24.658619"), (2, "18.911489"), (3, "35.170981"), (4, "35.170981"),
               (5, "35.170981"), (6, "71.462843"), (7, "18.911489"), (8, "35.170981"),
               (9, "27.282408"), (10, "35.170981")],
    "profit_mean": "35.2529588256", "average_profit": "35.078551797",
    "clv": [(1, "140.096211"), (2, "18.943467"), (3, "38.180574"), (4, "38.180574"),
            (5, "38.180574"), (6, "1003.868107"), (7, "28.109683"), (8, "38.180574"),
            (9, "167.418216"), (10, "38.180574")],
}


class Comparison:
    """Prints our value rounded like the published one, and counts matches."""

    def __init__(self):
        self.same = self.total = 0
        self.worst = 0.0

    def line(self, label, ours, published):
        decimals = len(published.split(".")[1]) if "." in published else 0
        text = "%.*f" % (decimals, ours)
        self.total += 1
        if text == published:
            self.same += 1
            verdict = "same"
        else:
            rel = abs(ours - float(published)) / abs(float(published))
            self.worst = max(self.worst, rel)
            verdict = "differs by %.1e (relative)" % rel
        print("  %-24s %14s %14s  %s" % (label, text, published, verdict))

    def header(self, title):
        print("\n%s\n  %-24s %14s %14s" % (title, "", "loyalty", "lifetimes"))


def load(folder):
    """The two CDNOW summaries as lifetimes' loaders return them."""
    summary = pd.read_csv(os.path.join(folder, "cdnow_customers_summary.csv"), index_col=0)
    money = pd.read_csv(os.path.join(folder, "cdnow_customers_summary_with_transactions.csv"),
                        index_col=0)
    money = money.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    money.index.name = "customer_id"
    return summary, money


def read_log(folder):
    """The raw CDNOW sample: one row per purchase (id, date, amount)."""
    log = pd.read_csv(os.path.join(folder, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["id", "id2", "date", "cds", "amount"], dtype={"date": str})
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    return log[["id", "date", "amount"]]


def plots(folder, out, bgf, data, log):
    """The quick-start's figures, written as PNG files into ``out``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from loyalty import plotting
    os.makedirs(out, exist_ok=True)
    cal = clv.summarize(log, customer="id", date="date", amount="amount",
                        calibration_end="1997-09-30", observation_end="1998-06-30",
                        freq="D", freq_multiplier=7)
    bgf_cal = bgnbd.fit(cal)
    figures = {
        "frequency_recency_matrix": lambda ax: plotting.frequency_recency_matrix(bgf, ax=ax),
        "probability_alive_matrix": lambda ax: plotting.probability_alive_matrix(bgf, ax=ax),
        "period_transactions": lambda ax: plotting.period_transactions(bgf, data, ax=ax),
        "calibration_vs_holdout": lambda ax: plotting.calibration_vs_holdout(bgf_cal, cal,
                                                                             ax=ax),
        "cumulative_transactions": lambda ax: plotting.cumulative_transactions(
            bgf_cal, log, "id", "date", t=78 * 7, t_cal=39, freq="D", freq_multiplier=7,
            ax=ax),
    }
    for name, draw in figures.items():
        fig, ax = plt.subplots(figsize=(7, 5))
        draw(ax)
        fig.tight_layout()
        fig.savefig(os.path.join(out, name + ".png"), dpi=80)
        plt.close(fig)
    print("\nplots written to %s: %s" % (out, ", ".join(n + ".png" for n in figures)))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cdnow", nargs="?", default=DEFAULT_DIR)
    ap.add_argument("--plots", metavar="DIR", help="write the figures as PNG files here")
    args = ap.parse_args(argv[1:])
    if not os.path.exists(os.path.join(args.cdnow, "cdnow_customers_summary.csv")):
        print("CDNOW data not found in %s" % args.cdnow, file=sys.stderr)
        return 2
    cmp_ = Comparison()
    data, money = load(args.cdnow)
    print("loyalty %s (C library %s, %s)" % (loyalty.__version__, loyalty.version(),
                                             loyalty.library_source))
    print(data.head())

    # 1. BG/NBD
    bgf = bgnbd.fit(data)
    print("\n%r" % bgf)
    print(bgf.summary)
    cmp_.header("BG/NBD summary (lifetimes' bounds use z = 1.96; ours the exact "
                "1.959964, so the bounds are compared at z = 1.96)")
    for name, (coef, se, lo, hi) in PUBLISHED["summary"].items():
        est, s = bgf.params[name], bgf.se[name]
        cmp_.line(name + " coef", est, coef)
        cmp_.line(name + " se(coef)", s, se)
        cmp_.line(name + " lower 95% bound", est - 1.96 * s, lo)
        cmp_.line(name + " upper 95% bound", est + 1.96 * s, hi)

    # 3. ranking customers by expected purchases in the next period
    data["predicted_purchases"] = bgf.expected(1, data)
    top = data.sort_values(by="predicted_purchases").tail(5)
    print()
    print(top)
    cmp_.header("expected purchases next period, best five customers")
    for (cid, pub), (got_id, row) in zip(PUBLISHED["top5"], top.iterrows()):
        if got_id != cid:
            print("  rank differs: customer %s, published %s" % (got_id, cid))
        cmp_.line("customer %d" % cid, row["predicted_purchases"], pub)
    data = data.drop(columns="predicted_purchases")

    # 5. from transactions (CDNOW log), MODELS.md 6.9 facts
    log = read_log(args.cdnow)
    s = clv.summarize(log, customer="id", date="date", amount="amount",
                      calibration_end="1997-09-30", observation_end="1998-06-30",
                      freq="D", freq_multiplier=7)
    print("\nfrom %d purchases: %d customers, %d with no repeat purchase, %d repeat "
          "purchases in calibration, %d in the %g-week holdout"
          % (len(log), len(s), int((s["frequency_cal"] == 0).sum()),
             int(s["frequency_cal"].sum()), int(s["frequency_holdout"].sum()),
             s["duration_holdout"].iloc[0]))

    # 6. Gamma-Gamma
    returning = money[money["frequency"] > 0]
    corr = returning[["monetary_value", "frequency"]].corr().iloc[0, 1]
    cmp_.header("Gamma-Gamma on %d returning customers" % len(returning))
    cmp_.line("corr(monetary, frequency)", corr, PUBLISHED["corr"])
    cmp_.line("corr (library)", ggamma.correlation(returning), PUBLISHED["corr"])
    ggf = ggamma.fit(returning)
    print("\n%r" % ggf)
    for name, pub in PUBLISHED["gg"].items():
        cmp_.line(name, ggf.params["gamma" if name == "v" else name], pub)
    profit = ggf.expected_spend(money)
    print(profit.head(10))
    cmp_.header("conditional expected average profit")
    for cid, pub in PUBLISHED["profit"]:
        cmp_.line("customer %d" % cid, profit.loc[cid], pub)
    cmp_.line("mean", profit.mean(), PUBLISHED["profit_mean"])
    cmp_.line("average profit", returning["monetary_value"].mean(),
              PUBLISHED["average_profit"])

    # 7. CLV, 12 months at 1% a month. lifetimes' default freq="D" counts 30
    # time units a month; its quick-start keeps that default although
    # CDNOW is in weeks (4.345 a month), and so do we, to compare.
    bgf = bgnbd.fit(money)
    value = bgf.clv_monthly(money, margin=profit, months=12, monthly_discount=0.01,
                            periods_per_month=30)
    print(value.head(10))
    cmp_.header("customer lifetime value (12 months, 1% a month)")
    for cid, pub in PUBLISHED["clv"]:
        cmp_.line("customer %d" % cid, value.loc[cid], pub)

    if args.plots:
        try:
            plots(args.cdnow, args.plots, bgnbd.fit(data), data, log)
        except ImportError:
            print("\nmatplotlib not installed: no plots")
    print("\n%d of %d published numbers printed identically; largest relative difference "
          "of the others %.1e" % (cmp_.same, cmp_.total, cmp_.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
