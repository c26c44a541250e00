#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BG/NBD + Gamma-Gamma on the CDNOW sample (Fader, Hardie & Lee 2005).

Summarises the raw purchase log (CDNOW_sample.txt: 2357 customers,
1997-01-01 to 1998-06-30) with loyalty.clv into calibration (to
1997-09-30) and a 39-week holdout, fits BG/NBD to (x, t_x, T) in weeks and
Gamma-Gamma to the repeat customers' mean spend, prints the parameters with
standard errors, compares predicted and actual holdout purchases, values
the customers, and draws a plot (matplotlib when installed, else the plot
is skipped): predicted vs actual holdout purchases by calibration
frequency, and the distribution of P(alive).

Usage: python3 bgnbd_cdnow.py [CDNOW_DIR [OUTPUT_PNG]]
  (defaults: ../shared/data/cdnow of the repository's parent folder, and
  bgnbd_cdnow.png in the current folder)
"""

import datetime
import os
import sys

from loyalty import bgnbd, clv, ggamma

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cdnow")
EPOCH = datetime.date(1970, 1, 1)


def days(text):
    """Days since 1970-01-01 of a YYYYMMDD date."""
    d = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    return (d - EPOCH).days


def read_log(path):
    """Rows (customer id, day, amount) of the CDNOW sample file."""
    ids, times, amounts = [], [], []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 5:
                continue
            ids.append(int(fields[0]))
            times.append(days(fields[2]))
            amounts.append(float(fields[4]))
    return ids, times, amounts


def by_frequency(x, actual, predicted, top=7):
    """Mean actual and predicted holdout purchases per calibration x (top = 'top+')."""
    sums = {}
    for xi, a, p in zip(x, actual, predicted):
        k = min(int(xi), top)
        s = sums.setdefault(k, [0, 0.0, 0.0])
        s[0] += 1
        s[1] += a
        s[2] += p
    keys = sorted(sums)
    return keys, [sums[k][1] / sums[k][0] for k in keys], [sums[k][2] / sums[k][0] for k in keys]


def plot(path, keys, actual, predicted, palive):
    """Two panels saved to path; returns False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    labels = [str(k) if k < keys[-1] else "%d+" % k for k in keys]
    pos = list(range(len(keys)))
    a1.bar([p - 0.2 for p in pos], actual, 0.4, label="actual")
    a1.bar([p + 0.2 for p in pos], predicted, 0.4, label="BG/NBD")
    a1.set_xticks(pos)
    a1.set_xticklabels(labels)
    a1.set_xlabel("purchases in calibration (x)")
    a1.set_ylabel("mean purchases in the 39-week holdout")
    a1.legend()
    a2.hist(list(palive), bins=20, range=(0, 1))
    a2.set_xlabel("P(alive) at the end of calibration")
    a2.set_ylabel("customers")
    fig.suptitle("CDNOW sample: BG/NBD calibration and holdout")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=80)
    plt.close(fig)
    return True


def main(argv):
    folder = argv[1] if len(argv) > 1 else DEFAULT_DIR
    out_png = argv[2] if len(argv) > 2 else "bgnbd_cdnow.png"
    log = os.path.join(folder, "CDNOW_sample.txt")
    if not os.path.exists(log):
        print("CDNOW data not found in %s" % folder, file=sys.stderr)
        return 2
    ids, times, amounts = read_log(log)
    # daily periods reported in weeks; calibration to 1997-09-30
    s = clv.summarize(ids, times, amounts, observation_end=days("19980630"),
                      freq_multiplier=7.0, calibration_end=days("19970930"))
    print("%d rows, %d customers, holdout %.0f weeks"
          % (s.n_rows, s.n_customers, s.duration_holdout))

    model = bgnbd.fit(s.x, s.t_x, s.T)
    print("\nBG/NBD (published: r 0.243, alpha 4.414, a 0.793, b 2.426; LL -9582.4)")
    for name, value in model.params.items():
        print("  %-6s %8.4f  (se %.4f)" % (name, value, model.se[name]))
    print("  LL %.2f after %d iterations" % (model.loglik, model.iterations))

    palive, cet = model.predict(s.duration_holdout, s.x, s.t_x, s.T)
    print("\nholdout purchases: predicted %.1f, actual %d"
          % (sum(cet), int(sum(s.x_holdout))))

    rep = [i for i in range(len(s.x)) if s.x[i] > 0]
    xr = [s.x[i] for i in rep]
    mr = [s.monetary[i] for i in rep]
    spend = ggamma.fit(xr, mr)
    print("\nGamma-Gamma on %d repeat customers (published: p 6.25, q 3.74, gamma 15.44)"
          % len(rep))
    for name, value in spend.params.items():
        print("  %-6s %8.4f  (se %.4f)" % (name, value, spend.se[name]))
    print("  population mean spend %.2f, corr(x, spend) %.3f"
          % (spend.population_mean(), ggamma.correlation(xr, mr)))

    margin = spend.expected_spend(s.x, s.monetary)
    value = model.clv(s.x, s.t_x, s.T, margin=margin, annual_rate=0.10,
                      periods_per_year=52.0, horizon=52.0)
    top = sorted(range(len(value)), key=lambda i: -value[i])[:5]
    print("\nnext-year value (10%% a year, continuous discounting): total %.0f"
          % sum(value))
    for i in top:
        print("  customer %5d  x %2d  P(alive) %.2f  value %8.2f"
              % (s.ids[i], s.x[i], palive[i], value[i]))

    keys, act, pred = by_frequency(s.x, s.x_holdout, cet)
    if plot(out_png, keys, act, pred, palive):
        print("\nplot written to %s" % out_png)
    else:
        print("\nmatplotlib not installed: no plot")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
