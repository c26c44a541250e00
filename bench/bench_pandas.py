# SPDX-License-Identifier: MIT
"""From a transaction DataFrame to P(alive): the pandas API against the C library.

Usage (from the repository root, after building the library):
    LIBLOYALTY_PATH=build/libloyalty.so.1 /usr/bin/python3 bench/bench_pandas.py \\
        [--rows 1000000] [--customers 60000] [--reps 7]

A seeded log of about --rows purchases over two years, simulated from a
BG/NBD world (datetime64[ns] dates with a time of day, cents-valued
amounts; the number of customers is scaled to reach --rows), is taken
to one summary row per customer, a BG/NBD fit and P(alive) for every
customer, two ways, alternating in one loop so that both see the same
machine load (best of --reps each):

  api:  clv.summarize(df, customer=, date=, amount=, freq="D") ->
        bgnbd.fit(summary) -> model.palive(summary)  (a Series)
  C:    loy_rfm_summarize + loy_bgnbd_fit + loy_bgnbd_palive through ctypes
        on prepared arrays (the library alone: nothing converted, the
        summary's columns used in place)
  conv: the conversions a pandas user cannot avoid, timed on their own:
        the customer ids to integers (pandas.factorize, string ids only;
        integer ids and datetime64 dates are passed as they are), and the
        results back to pandas (the summary columns into a DataFrame
        indexed by customer, P(alive) into a Series)

and reports api / (C + conv), target <= 1.5, for integer and for string
customer ids. The fits of both ways are checked to be equal.
"""

import argparse
import ctypes
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import loyalty  # noqa: E402
from loyalty import bgnbd, clv  # noqa: E402
from loyalty import _model  # noqa: E402
from loyalty.clv import (_RfmOptions, _P_SUMMARY, _opts_init, _summarize,  # noqa: E402
                         _summary_column, _summary_count, _summary_free, _summary_ids,
                         COL_X, COL_T_X, COL_T, COL_MONETARY)

DAY_NS = 86_400_000_000_000
PD = ctypes.POINTER(ctypes.c_double)


def simulate(customers, rng, start, days):
    """A BG/NBD world (so that the fit means something): first purchases
    over the first year, then purchases at a Gamma(1, 10 days) rate until a
    Beta(2, 18) dropout after a purchase, until the end of the two years."""
    first = rng.integers(0, 365, customers)
    lam = rng.gamma(1.0, 1.0 / 10.0, customers)  # purchases per day
    p = rng.beta(2.0, 18.0, customers)
    k = rng.geometric(p) - 1  # repeat purchases before dropping out
    owner = np.repeat(np.arange(customers), k)
    gaps = rng.exponential(1.0, owner.size) / lam[owner]
    # cumulative gaps within each customer
    csum = np.cumsum(gaps)
    offsets = np.concatenate([[0.0], csum])[np.cumsum(k) - k][owner]
    t = first[owner] + (csum - offsets)
    keep = t < days
    day = np.concatenate([first.astype(float), t[keep]])
    cust = np.concatenate([np.arange(customers), owner[keep]])
    ns = start + (day * DAY_NS).astype(np.int64)
    return cust, ns


def make_log(rows, customers, seed=1):
    """About ``rows`` purchases (the number of customers is scaled to it)."""
    start = np.datetime64("2019-01-01T00:00:00", "ns").astype(np.int64)
    trial, _ = simulate(customers, np.random.default_rng(seed), start, 730)
    customers = max(1, int(customers * rows / trial.size))
    rng = np.random.default_rng(seed)
    cust, ns = simulate(customers, rng, start, 730)
    ids = cust.astype(np.int64) * 7919 + 1000  # sparse positive ids
    df = pd.DataFrame({"customer": ids, "date": ns.view("datetime64[ns]"),
                       "amount": np.round(rng.gamma(2.0, 20.0, cust.size), 2)})
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True), start + 730 * DAY_NS


def api(df, end):
    s = clv.summarize(df, customer="customer", date="date", amount="amount",
                      observation_end=pd.Timestamp(end), freq="D")
    m = bgnbd.fit(s)
    return s, m, m.palive(s)


def c_alone(ids, times, amounts, end):
    """The library alone on prepared arrays; returns (params, P(alive))."""
    n = len(ids)
    o = _RfmOptions()
    _opts_init(ctypes.byref(o))
    o.period_length = DAY_NS
    s = _P_SUMMARY()
    idx = ctypes.c_size_t()
    rc = _summarize(ctypes.byref(s), ids.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64)),
                    times.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
                    amounts.ctypes.data_as(PD), n, end, ctypes.byref(o), ctypes.byref(idx))
    assert rc == 0, rc
    try:
        k = _summary_count(s)
        cols = []
        for col in (COL_X, COL_T_X, COL_T, COL_MONETARY):
            p = PD()
            _summary_column(ctypes.byref(p), s, col)
            cols.append(p)
        out = (ctypes.c_double * 4)()
        rep = _model.FitReport()
        _model._report_init(ctypes.byref(rep))
        rc = bgnbd._fit(out, cols[0], cols[1], cols[2], None, k, None, ctypes.byref(rep),
                        ctypes.byref(idx))
        assert rc == 0, rc
        alive = np.empty(k)
        rc = bgnbd._palive(alive.ctypes.data_as(PD), out, cols[0], cols[1], cols[2], k,
                           ctypes.byref(idx))
        assert rc == 0, rc
        ids_p = ctypes.POINTER(ctypes.c_uint64)()
        _summary_ids(ctypes.byref(ids_p), s)
        sids = np.ctypeslib.as_array(ids_p, (k,))
        cols_np = [np.ctypeslib.as_array(p, (k,)) for p in cols]
        return tuple(out), alive, sids, cols_np, s
    except BaseException:
        _summary_free(s)
        raise


def conversions(df, string_ids, result):
    """What a pandas user cannot avoid: ids to integers (strings only) and
    the results back into pandas objects. ``result`` is the C run's output."""
    params, alive, sids, cols, s = result
    if string_ids:
        codes, uniques = pd.factorize(df["customer"], sort=True)
        index = pd.Index(uniques.take(sids.astype(np.int64)))
    else:
        index = pd.Index(sids.astype(np.int64))
    frame = pd.DataFrame({"frequency": cols[0].copy(), "recency": cols[1].copy(),
                          "T": cols[2].copy(), "monetary_value": cols[3].copy()}, index=index)
    series = pd.Series(alive, index=index, name="palive")
    return frame, series


def measure(df, end, string_ids, reps):
    if string_ids:
        codes, _ = pd.factorize(df["customer"], sort=True)
        ids = codes.view(np.uint64)
    else:
        ids = df["customer"].to_numpy().view(np.uint64)
    times = df["date"].to_numpy().view(np.int64)
    amounts = df["amount"].to_numpy()
    t_api = t_c = t_conv = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        s, m, pa = api(df, end)
        t1 = time.perf_counter()
        res = c_alone(ids, times, amounts, end)
        t2 = time.perf_counter()
        try:
            frame, series = conversions(df, string_ids, res)
            t3 = time.perf_counter()
        finally:
            _summary_free(res[4])
        t_api, t_c, t_conv = min(t_api, t1 - t0), min(t_c, t2 - t1), min(t_conv, t3 - t2)
    # both ways computed the same thing
    assert m.values == res[0], (m.values, res[0])
    assert np.array_equal(pa.to_numpy(), series.to_numpy())
    assert pa.index.equals(series.index) and s.index.equals(frame.index)
    return t_api, t_c, t_conv, len(s), m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=60_000)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    df, end = make_log(args.rows, args.customers)
    print("# %d purchases, %d customers, library %s (%s); best of %d, alternating"
          % (len(df), df["customer"].nunique(), loyalty.library_path, loyalty.library_source,
             args.reps))
    print("%-14s %9s %9s %9s %9s  %s" % ("customer ids", "api s", "C s", "conv s",
                                        "C+conv s", "api / (C + conv)"))
    worst = 0.0
    for string_ids in (False, True):
        d = df
        if string_ids:
            d = df.assign(customer="C" + df["customer"].astype(str))
        t_api, t_c, t_conv, n, m = measure(d, int(end), string_ids, args.reps)
        ratio = t_api / (t_c + t_conv)
        worst = max(worst, ratio)
        print("%-14s %9.4f %9.4f %9.4f %9.4f  %.2f  (target <= 1.5: %s)"
              % ("strings" if string_ids else "integers", t_api, t_c, t_conv, t_c + t_conv,
                 ratio, "met" if ratio <= 1.5 else "MISSED"))
    print("# %d customers summarised; BG/NBD %r" % (n, m))
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
