# SPDX-License-Identifier: MIT
"""Diagnostic plots (matplotlib; ``pip install 'loyalty[plot]'``).

Every function draws on ``ax`` (a new figure's axes when None) and returns
the Axes, so plots compose into the caller's figures and tests can inspect
what was drawn. pyplot is imported only to make a figure when no ``ax`` is
given; nothing is shown or saved here.

Lifetime models (the diagnostics users know from lifetimes):

- :func:`period_transactions`: customers by number of repeat purchases,
  actual against the model's expectation (exact, not simulated);
- :func:`calibration_vs_holdout`: mean holdout purchases by calibration
  frequency, actual against the conditional expectation;
- :func:`frequency_recency_matrix` and :func:`probability_alive_matrix`;
- :func:`cumulative_transactions`: actual and expected cumulative repeat
  purchases over time, with the end of calibration marked.

Surveys and segments:

- :func:`score_distribution`: the 0-10 distribution coloured by class;
- :func:`nps_by_group`: NPS per group with its interval;
- :func:`abc_curve`: the ABC (Pareto) curve with the class boundaries;
- :func:`abc_loyalty_matrix`: the ABC x loyalty grid with counts and actions.

Key drivers and consistency:

- :func:`driver_importance`: sorted importance bars with intervals;
- :func:`priority_matrix`: importance against performance, quadrants labelled;
- :func:`nps_chart`: NPS over time with control limits and signals;
- :func:`funnel_plot`: units' NPS against their size, both limit levels,
  outliers labelled.
"""

from typing import Any, Optional, Sequence, Tuple

from ._pandas import numpy, pandas, is_frame, column_names

__all__ = ["period_transactions", "calibration_vs_holdout", "frequency_recency_matrix",
           "probability_alive_matrix", "cumulative_transactions", "score_distribution",
           "nps_by_group", "abc_curve", "abc_loyalty_matrix", "driver_importance",
           "priority_matrix", "nps_chart", "funnel_plot"]

# Class colours: detractor, passive, promoter (colour-blind safe: red,
# grey, blue-green).
CLASS_COLOURS = ("#d62728", "#9e9e9e", "#1a9e77")
ACTUAL_COLOUR = "#1f77b4"
MODEL_COLOUR = "#ff7f0e"


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plots need matplotlib (pip install 'loyalty[plot]', or "
                          "apt-get install python3-matplotlib)") from None
    _, ax = plt.subplots()
    return ax


# ------------------------------------------------------------ model helpers

def _kind(model: Any) -> str:
    from .bgnbd import BetaGeo
    from .pnbd import ParetoNBD
    from .mbgnbd import MBGNBD
    from .bgbb import BGBB
    for cls, name in ((BetaGeo, "bgnbd"), (ParetoNBD, "pnbd"), (MBGNBD, "mbgnbd"),
                      (BGBB, "bgbb")):
        if isinstance(model, cls):
            return name
    raise TypeError("a lifetime model is needed (BetaGeo, ParetoNBD, MBGNBD or BGBB), "
                    "not %s" % type(model).__name__)


def _expected(model: Any, t: float, x: Any, t_x: Any, T: Any) -> Any:
    """Conditional expected purchases in (T, T + t], whatever the model."""
    kind = _kind(model)
    if kind == "bgnbd":
        return model.expected(t, x, t_x, T)
    if kind == "bgbb":
        return model.expected(x, t_x, T, t)
    return model.expected(x, t_x, T, t)


def _xtt(model: Any, data: Any, calibration: bool = False) -> Tuple[Any, Any, Any]:
    """(x, t_x, T) numpy columns from ``data`` or the model's fit data."""
    np = numpy()
    if data is None:
        if getattr(model, "_data", None) is None:
            raise ValueError("give the customers' data (the model keeps none: it was not "
                             "fitted in this session)")
        cols = model._data[0]
        return tuple(np.asarray(v, dtype=float) for _, v in cols[:3])  # type: ignore
    if is_frame(data):
        alts = ((("frequency_cal", "recency_cal", "T_cal"),) if calibration else
                (("frequency", "recency", "T"), ("x", "t_x", "T"),
                 ("frequency_cal", "recency_cal", "T_cal"), ("frequency", "recency", "n_periods"),
                 ("x", "t_x", "n_opp")))
        names = column_names(data, alts)
        if names is None:
            raise KeyError("data needs the columns %s" % " or ".join(map(str, alts)))
        return tuple(data[n].to_numpy(dtype=float) for n in names)  # type: ignore
    x, t_x, T = data
    return np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)


def expected_frequency_counts(model: Any, T: Any, max_frequency: int) -> Any:
    """Expected customers with k = 0..max_frequency-1 repeat purchases by
    their age T, and the expected rest (>= max_frequency) last: the sum
    over customers of P(X(T_i) = k), one pmf per distinct T."""
    np = numpy()
    kind = _kind(model)
    Ts, counts = np.unique(np.asarray(T, dtype=float), return_counts=True)
    out = np.zeros(max_frequency + 1)
    for t, c in zip(Ts, counts):
        if kind == "bgnbd":
            p = np.asarray(model.pmf(float(t), max_frequency), dtype=float)
        elif kind == "bgbb":
            p = np.asarray(model.pmf(np.full(max_frequency, float(t)),
                                     np.arange(max_frequency, dtype=float)), dtype=float)
        else:
            raise TypeError("period_transactions needs a model with a probability mass "
                            "function of new customers' purchases (BetaGeo, BGBB)")
        out[:max_frequency] += c * p
        out[max_frequency] += c * max(0.0, 1.0 - float(p.sum()))
    return out


# ----------------------------------------------------------- model plots

def period_transactions(model: Any, data: Any = None, max_frequency: int = 7,
                        ax: Any = None) -> Any:
    """Customers by number of repeat purchases: actual (from ``data``,
    default the model's fit data) against the model's expectation
    sum_i P(X(T_i) = k); the last bar pair is ``max_frequency`` or more.

    Needs a model with a new-customer pmf (BetaGeo, BGBB). Where lifetimes
    simulates a data set, this is the exact expectation, so the bars do not
    change from one call to the next.
    """
    np = numpy()
    x, _, T = _xtt(model, data)
    ax = _axes(ax)
    k = np.minimum(x.astype(int), max_frequency)
    actual = np.bincount(k, minlength=max_frequency + 1)[:max_frequency + 1]
    expected = expected_frequency_counts(model, T, max_frequency)
    pos = np.arange(max_frequency + 1)
    ax.bar(pos - 0.2, actual, 0.4, label="actual", color=ACTUAL_COLOUR)
    ax.bar(pos + 0.2, expected, 0.4, label="model", color=MODEL_COLOUR)
    ax.set_xticks(pos)
    ax.set_xticklabels([str(i) for i in range(max_frequency)] + ["%d+" % max_frequency])
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("customers")
    ax.set_title("Frequency of repeat transactions")
    ax.legend()
    return ax


def calibration_vs_holdout(model: Any, data: Any, n: int = 7,
                           ax: Any = None) -> Any:
    """Mean holdout purchases by calibration frequency (0..n-1, then n+):
    actual against the model's conditional expectation over
    ``duration_holdout`` (``data`` as ``clv.summarize(...,
    calibration_end=...)`` returns it)."""
    np, pd = numpy(), pandas()
    x, t_x, T = _xtt(model, data, calibration=True)
    duration = float(np.asarray(data["duration_holdout"], dtype=float)[0])
    pred = np.asarray(_expected(model, duration, x, t_x, T), dtype=float)
    k = np.minimum(x.astype(int), n)
    table = pd.DataFrame({"k": k, "actual": data["frequency_holdout"].to_numpy(dtype=float),
                          "model": pred}).groupby("k").mean()
    ax = _axes(ax)
    labels = [str(i) if i < n else "%d+" % n for i in table.index]
    ax.plot(table.index, table["actual"], marker="o", label="actual", color=ACTUAL_COLOUR)
    ax.plot(table.index, table["model"], marker="s", label="model", color=MODEL_COLOUR)
    ax.set_xticks(list(table.index))
    ax.set_xticklabels(labels)
    ax.set_xlabel("purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout period")
    ax.set_title("Actual and predicted purchases in the holdout (%g periods)" % duration)
    ax.legend()
    return ax


def _grid(model: Any, T: Optional[float], max_frequency: Optional[int],
          max_recency: Optional[float]) -> Tuple[Any, Any, float]:
    np = numpy()
    if T is None or max_frequency is None:
        if getattr(model, "_data", None) is None and (T is None or max_frequency is None):
            raise ValueError("give T and max_frequency (the model keeps no fit data)")
        if getattr(model, "_data", None) is not None:
            x, _, Ts = _xtt(model, None)
            T = float(np.max(Ts)) if T is None else T
            max_frequency = int(np.max(x)) if max_frequency is None else max_frequency
    assert T is not None and max_frequency is not None
    max_recency = T if max_recency is None else min(float(max_recency), float(T))
    freqs = np.arange(int(max_frequency) + 1, dtype=float)
    recs = np.arange(int(np.floor(max_recency)) + 1, dtype=float)
    return freqs, recs, float(T)


def _matrix(model: Any, fn: Any, T: Optional[float], max_frequency: Optional[int],
            max_recency: Optional[float]) -> Tuple[Any, Any, Any, float]:
    """Values of fn(x, t_x, T) on the (frequency x recency) grid; the cells
    that cannot occur (no purchase but a recency > 0) are NaN."""
    np = numpy()
    freqs, recs, T = _grid(model, T, max_frequency, max_recency)
    X, R = np.meshgrid(freqs, recs, indexing="ij")
    valid = (X > 0) | (R == 0)
    z = np.full(X.shape, np.nan)
    z[valid] = np.asarray(fn(X[valid], R[valid], np.full(int(valid.sum()), T)), dtype=float)
    return z, freqs, recs, T


def _draw_matrix(ax: Any, z: Any, title: str, label: str) -> Any:
    import matplotlib.pyplot as plt  # colorbar needs the figure machinery
    img = ax.imshow(z, aspect="auto", origin="lower", interpolation="nearest")
    ax.set_xlabel("customer's recency (time of the last purchase)")
    ax.set_ylabel("customer's repeat purchases")
    ax.set_title(title)
    plt.colorbar(img, ax=ax, label=label)
    return ax


def frequency_recency_matrix(model: Any, T: Optional[float] = None,
                             max_frequency: Optional[int] = None,
                             max_recency: Optional[float] = None, t: float = 1.0,
                             ax: Any = None) -> Any:
    """Expected purchases in the next ``t`` periods of a customer of age T
    by frequency (rows) and recency (columns); T and max_frequency default
    to the largest in the model's fit data. Impossible cells are blank."""
    z, _, _, T = _matrix(model, lambda x, r, TT: _expected(model, t, x, r, TT), T,
                         max_frequency, max_recency)
    return _draw_matrix(_axes(ax), z, "Expected purchases in the next %g periods\n"
                        "by frequency and recency (age %g)" % (t, T), "expected purchases")


def probability_alive_matrix(model: Any, T: Optional[float] = None,
                             max_frequency: Optional[int] = None,
                             max_recency: Optional[float] = None, ax: Any = None) -> Any:
    """P(alive) of a customer of age T by frequency (rows) and recency
    (columns). Impossible cells are blank."""
    _kind(model)
    z, _, _, T = _matrix(model, model.palive, T, max_frequency, max_recency)
    return _draw_matrix(_axes(ax), z, "Probability of being alive\nby frequency and "
                        "recency (age %g)" % T, "P(alive)")


def cumulative_transactions(model: Any, transactions: Any, customer: str, date: str,
                            t: int, t_cal: Optional[float] = None, freq: str = "D",
                            freq_multiplier: int = 1, ax: Any = None) -> Any:
    """Cumulative repeat purchases over time: actual, from the transaction
    log, against the model's expectation for customers acquired when they
    were (``clv.expected_cumulative_transactions``); ``t_cal`` marks the
    end of calibration (same units)."""
    from .clv import expected_cumulative_transactions
    table = expected_cumulative_transactions(model, transactions, customer=customer,
                                             date=date, t=t, freq=freq,
                                             freq_multiplier=freq_multiplier)
    ax = _axes(ax)
    ax.plot(table.index, table["actual"], label="actual", color=ACTUAL_COLOUR)
    ax.plot(table.index, table["predicted"], "--", label="model", color=MODEL_COLOUR)
    if t_cal is not None:
        ax.axvline(t_cal, color="grey", linestyle=":", label="end of calibration")
    ax.set_xlabel("time since the first purchase in the log")
    ax.set_ylabel("cumulative repeat purchases")
    ax.set_title("Tracking cumulative transactions")
    ax.legend()
    return ax


# ---------------------------------------------------------- survey plots

def score_distribution(scores: Any, breaks: Optional[Sequence[int]] = None,
                       ax: Any = None) -> Any:
    """Responses per score (0-10, or ``breaks``), bars coloured detractor /
    passive / promoter; blanks and invalid scores are left out and counted
    in the title with the NPS."""
    np = numpy()
    from . import nps as _nps
    lo, det, pas, hi = (0, 6, 8, 10) if breaks is None else (int(b) for b in breaks)
    vals, _, blanks = _nps._split_blanks(scores)
    vals = np.asarray(vals, dtype=float)
    finite = np.isfinite(vals)
    ok = finite & (vals == np.floor(np.where(finite, vals, 0))) & (vals >= lo) & (vals <= hi)
    counts = np.bincount(vals[ok].astype(int) - lo, minlength=hi - lo + 1)
    levels = np.arange(lo, hi + 1)
    colours = [CLASS_COLOURS[0] if s <= det else CLASS_COLOURS[1] if s <= pas
               else CLASS_COLOURS[2] for s in levels]
    ax = _axes(ax)
    ax.bar(levels, counts, color=colours)
    ax.set_xticks(levels)
    ax.set_xlabel("score")
    ax.set_ylabel("responses")
    n = int(counts.sum())
    title = "%d responses" % n
    if n:
        t = _nps.tally_hist(counts.astype("uint64"), breaks)
        title += ", NPS %+.1f" % (100 * t.nps)
    if blanks:
        title += ", %d blank" % blanks
    if int((~ok).sum()):
        title += ", %d invalid" % int((~ok).sum())
    ax.set_title(title)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=c, label=lab) for c, lab in
                       zip(CLASS_COLOURS, ("detractors", "passives", "promoters"))])
    return ax


def nps_by_group(table: Any, ax: Any = None, scale: float = 100.0) -> Any:
    """NPS per group with its interval, from :func:`loyalty.nps.by_group`'s
    table (groups without valid responses are left out). ``scale``: 100
    shows NPS points."""
    np = numpy()
    rows = table[table["n"] > 0]
    ax = _axes(ax)
    y = np.arange(len(rows))
    est = rows["nps"].to_numpy() * scale
    err = np.vstack([est - rows["lower"].to_numpy() * scale,
                     rows["upper"].to_numpy() * scale - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color=ACTUAL_COLOUR, capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(["%s (n=%d)" % (k if not isinstance(k, tuple) else " / ".join(map(str, k)),
                                       n) for k, n in zip(rows.index, rows["n"])])
    ax.axvline(0.0, color="grey", linewidth=0.8)
    ax.set_xlabel("NPS" + (" (points)" if scale == 100.0 else ""))
    ax.set_title("NPS by group with intervals")
    ax.invert_yaxis()
    return ax


def abc_curve(values: Any, cut_a: float = 0.80, cut_b: float = 0.95,
              ax: Any = None) -> Any:
    """Cumulative share of value against the share of customers ranked by
    value (the Pareto curve), with the A/B/C boundaries of
    ``segment.abc(values, cut_a, cut_b)`` marked."""
    np = numpy()
    from .segment import abc
    _, summary = abc(values, cut_a, cut_b, classes=False)
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    total = v.sum()
    share_cust = np.arange(len(v) + 1) / max(len(v), 1)
    share_val = np.concatenate([[0.0], np.cumsum(v) / total if total > 0 else np.zeros(len(v))])
    ax = _axes(ax)
    ax.plot(share_cust, share_val, color=ACTUAL_COLOUR, label="cumulative value")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=0.8)
    bounds = np.cumsum(summary.count) / max(summary.n, 1)
    start = 0.0
    for name, end, colour in zip("ABC", bounds, ("#2ca02c", "#bcbd22", "#7f7f7f")):
        ax.axvspan(start, end, alpha=0.12, color=colour)
        ax.text((start + end) / 2, 0.05, name, ha="center")
        start = end
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("share of customers (by value, descending)")
    ax.set_ylabel("share of value")
    ax.set_title("ABC curve: A %d, B %d, C %d customers" % tuple(summary.count))
    return ax


def abc_loyalty_matrix(crossing: Any, value: str = "count", ax: Any = None) -> Any:
    """The ABC x loyalty grid of ``segment.cross``: value classes (rows,
    per potential level when there is one) by loyalty column, shaded by
    ``value`` ("count", "value" or "value_share") and labelled with the
    count and the recommended action."""
    np = numpy()
    from .segment import COLUMN_NAMES, CLASS_NAMES, LEVEL_NAMES
    levels = 2 if crossing.with_potential else 1
    z = np.zeros((3 * levels, 4))
    labels = [["" for _ in range(4)] for _ in range(3 * levels)]
    for c in crossing.cells:
        level = LEVEL_NAMES.index(c.level)
        row = 3 * level + CLASS_NAMES.index(c.value_class)
        col = COLUMN_NAMES.index(c.column)
        z[row, col] = getattr(c, value)
        labels[row][col] = "%d\n%s" % (c.count, c.action_name.replace("_", " "))
    ax = _axes(ax)
    ax.imshow(z, cmap="Blues", aspect="auto")
    top = float(z.max()) if z.size and z.max() > 0 else 1.0
    for r in range(z.shape[0]):
        for col in range(4):
            ax.text(col, r, labels[r][col], ha="center", va="center", fontsize=8,
                    color="white" if z[r, col] > 0.6 * top else "black")
    ax.set_xticks(range(4))
    ax.set_xticklabels([c.replace("_", " ") for c in COLUMN_NAMES])
    ax.set_yticks(range(3 * levels))
    ax.set_yticklabels(["%s%s" % (k, "" if levels == 1 else " (%s)" % LEVEL_NAMES[i // 3])
                        for i, k in enumerate(list(CLASS_NAMES) * levels)])
    ax.set_title("ABC x loyalty: %s per cell" % value.replace("_", " "))
    return ax


# ------------------------------------------------- key drivers, consistency

QUADRANT_COLOURS = {"key strength": "#1a9e77", "priority fix": "#d62728",
                    "secondary strength": "#7570b3", "low priority": "#9e9e9e"}


def _label(k: Any) -> str:
    return " / ".join(map(str, k)) if isinstance(k, tuple) else str(k)


def driver_importance(analysis: Any, metric: str = "share", ax: Any = None,
                      scale: float = 100.0, sort: bool = True) -> Any:
    """Sorted bar chart of driver importance with intervals.

    ``analysis``: a :class:`loyalty.drivers.DriverAnalysis` (its
    ``importance`` table) or such a table. ``metric``: a column of it
    ("share", "rw_share", "lmg", "first", ...); intervals are drawn from
    ``<metric>_lower``/``_upper`` columns or the analysis's ``intervals``
    (jackknife or bootstrap). Drivers with a negative coefficient are
    hatched and marked "(-)". ``scale``: 100 shows percentages."""
    np = numpy()
    table = getattr(analysis, "importance", analysis)
    if metric not in table.columns:
        raise KeyError("metric: no column %r in the importance table (has %s)"
                       % (metric, ", ".join(map(str, table.columns))))
    tab = table.sort_values(metric, ascending=False) if sort else table
    est = tab[metric].to_numpy(dtype=float) * scale
    lo = hi = None
    if metric + "_lower" in tab.columns:
        lo = tab[metric + "_lower"].to_numpy(dtype=float) * scale
        hi = tab[metric + "_upper"].to_numpy(dtype=float) * scale
    else:
        iv = getattr(analysis, "intervals", None)
        key = "lmg_share" if metric == "share" else metric
        if iv is not None and key in iv.index.get_level_values(0):
            sub = iv.loc[key].reindex(tab.index)
            lo = sub["lower"].to_numpy(dtype=float) * scale
            hi = sub["upper"].to_numpy(dtype=float) * scale
    ax = _axes(ax)
    y = np.arange(len(tab))
    neg = (tab["sign"].to_numpy() < 0) if "sign" in tab.columns else np.zeros(len(tab), bool)
    bars = ax.barh(y, est, color=ACTUAL_COLOUR, alpha=0.85)
    for bar, n in zip(bars, neg):
        if n:
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(ACTUAL_COLOUR)
    if lo is not None and hi is not None:
        ok = np.isfinite(lo) & np.isfinite(hi)
        err = np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])
        ax.errorbar(est[ok], y[ok], xerr=err[:, ok], fmt="none", ecolor="black", capsize=3,
                    linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels([_label(k) + (" (-)" if n else "") for k, n in zip(tab.index, neg)])
    ax.invert_yaxis()
    unit = " (%)" if scale == 100.0 and metric.endswith("share") else ""
    ax.set_xlabel(metric.replace("_", " ") + unit)
    title = "Driver importance"
    r2 = getattr(analysis, "r2", None)
    if r2 is not None:
        title += " (R\u00b2 = %.2f)" % r2
    ax.set_title(title)
    return ax


def priority_matrix(result: Any, ax: Any = None, scale: float = 100.0,
                    annotate: bool = True) -> Any:
    """The importance-performance (priority) matrix: importance share
    against performance, the cut lines and the four quadrants labelled
    ("priority fix" top left of the action list). ``result``: a
    :class:`loyalty.drivers.ImportancePerformance` or its table (then the
    cuts are the means)."""
    table = getattr(result, "table", result)
    imp_cut = getattr(result, "importance_cut", None)
    perf_cut = getattr(result, "performance_cut", None)
    if imp_cut is None:
        imp_cut = 1.0 / len(table)
    if perf_cut is None:
        perf_cut = float(table["performance"].mean())
    ax = _axes(ax)
    x = table["importance"].to_numpy(dtype=float) * scale
    y = table["performance"].to_numpy(dtype=float)
    colours = [QUADRANT_COLOURS.get(str(q), ACTUAL_COLOUR) for q in table["quadrant"]]
    ax.scatter(x, y, c=colours, s=60, zorder=3)
    if annotate:
        for k, xi, yi in zip(table.index, x, y):
            ax.annotate(_label(k), (xi, yi), textcoords="offset points", xytext=(5, 4),
                        fontsize=8)
    ax.axvline(imp_cut * scale, color="grey", linestyle="--", linewidth=0.8)
    ax.axhline(perf_cut, color="grey", linestyle="--", linewidth=0.8)
    xmax = max(float(x.max()) * 1.15, imp_cut * scale * 1.5)
    lo_y = min(float(y.min()), perf_cut) - 5
    hi_y = max(float(y.max()), perf_cut) + 5
    ax.set_xlim(0, xmax)
    ax.set_ylim(lo_y, hi_y)
    for text, xa, ya, ha, va in (("priority fix", 0.98, 0.02, "right", "bottom"),
                                 ("key strength", 0.98, 0.98, "right", "top"),
                                 ("secondary strength", 0.02, 0.98, "left", "top"),
                                 ("low priority", 0.02, 0.02, "left", "bottom")):
        ax.text(xa, ya, text, transform=ax.transAxes, ha=ha, va=va, fontsize=9,
                color=QUADRANT_COLOURS[text], fontweight="bold", alpha=0.8)
    ax.set_xlabel("importance" + (" (% of explained variance)" if scale == 100.0 else ""))
    ax.set_ylabel("performance (0-100)")
    ax.set_title("Priority matrix")
    return ax


def _period_x(index: Any) -> Any:
    """Plottable x values of a period index (Periods become timestamps)."""
    pd = pandas()
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index


def nps_chart(chart: Any, unit: Any = None, ax: Any = None, scale: float = 100.0,
              limits: str = "shewhart", ewma: bool = False) -> Any:
    """NPS over time with its control limits and signals, from
    :func:`loyalty.consistency.chart` (``unit`` picks a unit when it
    charted several). ``limits``: "shewhart" or "laney" (drawn as steps:
    they widen when a period has few answers); ``ewma=True`` adds the EWMA
    and its limits. Points with a signal are red; the baseline window is
    shaded."""
    np, pd = numpy(), pandas()
    if limits not in ("shewhart", "laney"):
        raise ValueError("limits must be 'shewhart' or 'laney', not %r" % (limits,))
    pts = chart.points
    if isinstance(pts.index, pd.MultiIndex):
        if unit is None:
            units = pts.index.get_level_values(0).unique()
            if len(units) != 1:
                raise ValueError("unit: the chart has %d units; name one" % len(units))
            unit = units[0]
        pts = pts.xs(unit, level=0)
    centre = None
    if unit is not None and unit in chart.units.index:
        centre = chart.units.loc[unit, "centre"]
    elif len(chart.units) == 1:
        centre = chart.units["centre"].iloc[0]
    ax = _axes(ax)
    x = _period_x(pts.index)
    ok = ~pts["gap"].to_numpy()
    xs = np.asarray(x)[ok]
    y = pts["nps"].to_numpy(dtype=float)[ok] * scale
    ax.plot(xs, y, "-o", color=ACTUAL_COLOUR, markersize=4, label="NPS", zorder=3)
    lo = pts[limits + "_lower"].to_numpy(dtype=float)[ok] * scale
    hi = pts[limits + "_upper"].to_numpy(dtype=float)[ok] * scale
    name = "Shewhart" if limits == "shewhart" else "Laney"
    ax.step(xs, lo, where="mid", color="grey", linestyle="--", linewidth=1,
            label="%s limits" % name)
    ax.step(xs, hi, where="mid", color="grey", linestyle="--", linewidth=1)
    if centre is not None and np.isfinite(centre):
        ax.axhline(centre * scale, color="black", linewidth=0.8, label="centre line")
    if ewma:
        ax.plot(xs, pts["ewma"].to_numpy(dtype=float)[ok] * scale, color=MODEL_COLOUR,
                label="EWMA")
        ax.plot(xs, pts["ewma_lower"].to_numpy(dtype=float)[ok] * scale, color=MODEL_COLOUR,
                linestyle=":", linewidth=1)
        ax.plot(xs, pts["ewma_upper"].to_numpy(dtype=float)[ok] * scale, color=MODEL_COLOUR,
                linestyle=":", linewidth=1)
    sig = pts["signal"].to_numpy()[ok]
    if sig.any():
        ax.scatter(xs[sig], y[sig], color=CLASS_COLOURS[0], s=50, zorder=4, label="signal")
    base = pts["baseline"].to_numpy()
    if base.any():
        bx = np.asarray(x)[base]
        ax.axvspan(bx[0], bx[-1], color="grey", alpha=0.1, label="baseline")
    ax.set_ylabel("NPS" + (" (points)" if scale == 100.0 else ""))
    title = "NPS over time with control limits"
    if unit is not None and len(chart.units) > 1:
        title += ": %s" % _label(unit)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def funnel_plot(funnel: Any, ax: Any = None, scale: float = 100.0, method: str = "normal",
                label: str = "outside_inner") -> Any:
    """Funnel plot of units: NPS against the number of answers, the target
    line, the limits at both levels (inner dashed, outer solid) and the
    units outside them labelled. ``funnel``: the result of
    :func:`loyalty.consistency.funnel`; ``method``: "normal", "adjusted"
    or "exact" limits; ``label``: the flag column whose units get their
    name written ("outside_inner", "outside_outer", "fdr", or None)."""
    np = numpy()
    units = funnel.units[~funnel.units["empty"]]
    lim = funnel.limits(method=method)
    ax = _axes(ax)
    n = lim["n"].to_numpy(dtype=float)
    for lev, style in zip(funnel.levels, ("--", "-")):
        tag = ("%g" % (100 * lev)).replace(".", "_")
        lo = np.clip(lim["lower_" + tag].to_numpy(dtype=float), -1, 1) * scale
        hi = np.clip(lim["upper_" + tag].to_numpy(dtype=float), -1, 1) * scale
        ax.plot(n, lo, color="grey", linestyle=style, linewidth=1,
                label="%g%% limits" % (100 * lev))
        ax.plot(n, hi, color="grey", linestyle=style, linewidth=1)
    ax.axhline(funnel.target * scale, color="black", linewidth=0.8, label="target")
    out = units["outside_inner"].to_numpy()
    colours = np.where(out, CLASS_COLOURS[0], ACTUAL_COLOUR)
    ax.scatter(units["n"].to_numpy(dtype=float), units["nps"].to_numpy(dtype=float) * scale,
               c=list(colours), s=30, zorder=3)
    if label is not None:
        for k, row in units[units[label]].iterrows():
            ax.annotate(_label(k), (float(row["n"]), float(row["nps"]) * scale),
                        textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xlabel("answers (n)")
    ax.set_ylabel("NPS" + (" (points)" if scale == 100.0 else ""))
    ax.set_title("Funnel plot: tau %.1f points, I\u00b2 %.0f%%"
                 % (funnel.tau * 100, funnel.i2 * 100))
    ax.legend(fontsize=8)
    return ax
