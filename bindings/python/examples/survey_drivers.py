# SPDX-License-Identifier: MIT
"""What to fix first, and which branches and months differ for real: the
key-driver and consistency analyses of examples/data/survey.csv.

    python3 survey_drivers.py [survey.csv] [figure.png]

Prints the driver shares with bootstrap intervals, the priority list, the
Kano classes, the branch funnel and the monthly chart signals; with
matplotlib, draws the four plots into one figure.
"""

import os
import sys

import pandas as pd

from loyalty import consistency, drivers, plotting

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "..", "examples", "data", "survey.csv")
ATTRS = ["taste", "freshness", "delivery_on_time", "order_accuracy", "value_for_money",
         "personal_touch", "app_ease"]


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    png = sys.argv[2] if len(sys.argv) > 2 else "survey_drivers.png"
    df = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    pd.set_option("display.width", 120)

    r = drivers.linear(df, "score", ATTRS, bootstrap=200, seed=1)
    print("Drivers of the score: n = %d (%d rows with a blank skipped), R2 = %.3f"
          % (r.n, r.rows_missing, r.r2))
    print(r.sorted()[["share", "share_lower", "share_upper", "rank", "sign"]].round(3))
    ip = drivers.ipa(r, df)
    print("\nAct first on (opportunity = importance x room to improve):")
    print(ip.priorities()[["importance", "performance", "quadrant", "opportunity"]].round(3))
    pr = drivers.prca(df, "score", ATTRS)
    print("\nPenalty-reward classes:")
    print(pr.table[["penalty", "reward", "asymmetry_p", "kano"]].round(3))

    f = consistency.funnel(df, "score", "branch")
    print("\nBranches: target NPS %+.1f, tau %.1f points, I2 %.0f%%"
          % (100 * f.target, 100 * f.tau, 100 * f.i2))
    print(f.units[["n", "nps", "z", "shrunk", "status"]].round(3))
    ch = consistency.chart(df, "score", "date", freq="M", baseline=12)
    print("\nMonthly signals (limits from the first 12 months):")
    print(ch.points.loc[ch.points["signal"], ["n", "nps", "signals"]].round(3))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nno plot (matplotlib is not installed)")
        return
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    plotting.driver_importance(r, ax=axes[0, 0])
    plotting.priority_matrix(ip, ax=axes[0, 1])
    plotting.nps_chart(ch, ax=axes[1, 0], ewma=True)
    plotting.funnel_plot(f, ax=axes[1, 1])
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("\nplot written to %s" % png)


if __name__ == "__main__":
    main()
