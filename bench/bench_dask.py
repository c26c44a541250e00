# SPDX-License-Identifier: MIT
"""A transaction log through loyalty.dask on a local cluster, against the
same work in memory and against the plain Dask groupby a user would write.

Usage (from the repository root, after building the library):
    LIBLOYALTY_PATH=build/libloyalty.so.1 /usr/bin/python3 bench/bench_dask.py \\
        [--rows 10000000] [--partitions 16] [--reps 3] [--workers 2] [--states]

The log is bench_pandas.py's seeded BG/NBD world (integer customer ids,
datetime64[ns] dates with a time of day, cents-valued amounts; about
--rows purchases), shuffled so that every customer's rows are spread over
the partitions, and persisted on a distributed.LocalCluster of --workers
worker processes (one thread each) before anything is timed: the data
lives in the workers, as it would when read there from files. Timed, best
of --reps (the machine is shared: figures are noisy, ranges printed):

  summary, three ways (each checked equal to the in-memory summary):
    memory:   clv.summarize(df, ...) in this process (one core)
    ld:       loyalty.dask.summarize(ddf, ..., method="shuffle") persisted
    ld-states (--states, one run): method="states" (one state per
              customer and partition: a Python step per customer)
    dask:     the plain Dask a user would write: sum per (customer, day),
              then min/max/count/sum per customer, the first day's amount
              joined back for the mean repeat value, persisted (--base-reps
              runs: it is the slow one)
  pipeline: summary + BG/NBD fit + P(alive) for every customer
    memory:   clv.summarize -> bgnbd.fit -> model.palive
    ld:       loyalty.dask.summarize -> loyalty.dask.fit (merged pattern
              tables) -> loyalty.dask.predict(...).compute()
"""

import argparse
import logging
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from distributed import Client, LocalCluster, wait  # noqa: E402

import loyalty  # noqa: E402
from loyalty import bgnbd, clv  # noqa: E402
import loyalty.dask as ld  # noqa: E402
from bench_pandas import make_log  # noqa: E402

DAY = np.timedelta64(1, "D")


def plain_dask(ddf, end):
    """frequency, recency, T (days) and monetary_value with Dask groupbys."""
    day = ddf["date"].dt.floor("D")
    per_day = ddf.assign(day=day).groupby(["customer", "day"])["amount"].sum().reset_index()
    agg = per_day.groupby("customer").agg({"day": ["min", "max", "count"], "amount": "sum"})
    agg.columns = ["first", "last", "periods", "total"]
    agg = agg.reset_index()
    first_amount = per_day.merge(agg[["customer", "first"]], left_on=["customer", "day"],
                                 right_on=["customer", "first"])[["customer", "amount"]]
    out = agg.merge(first_amount, on="customer")
    freq = out["periods"] - 1
    out = out.assign(frequency=freq.astype("float64"),
                     recency=(out["last"] - out["first"]) / DAY,
                     T=(pd.Timestamp(end).floor("D") - out["first"]) / DAY,
                     monetary_value=((out["total"] - out["amount"]) / freq).fillna(0.0))
    return out.set_index("customer", sorted=False)[
        ["frequency", "recency", "T", "monetary_value"]]


def timed(fn, reps, results):
    best = []
    out = None
    for _ in range(reps):
        # Persisted results of the same graph would be reused: release the
        # previous repetition's before the next (not timed).
        out = None
        time.sleep(1.0)
        t0 = time.perf_counter()
        out = fn()
        best.append(time.perf_counter() - t0)
    results.append(best)
    return out


def same(a, b, money_rtol=1e-13):
    a = a.sort_index()
    b = b.sort_index()
    if not a.index.equals(b.index):
        return False
    for c in ("frequency", "recency", "T"):
        if not np.array_equal(a[c].to_numpy(), b[c].to_numpy()):
            return False
    return np.allclose(a["monetary_value"].to_numpy(), b["monetary_value"].to_numpy(),
                       rtol=money_rtol, atol=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=600_000)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--base-reps", type=int, default=0,
                    help="repetitions of the plain Dask summary (default --reps)")
    ap.add_argument("--states", action="store_true")
    args = ap.parse_args()

    df, end_ns = make_log(args.rows, args.customers)
    end = pd.Timestamp(end_ns)
    kw = dict(customer="customer", date="date", amount="amount", observation_end=end,
              freq="D")
    print("log: %d rows, %d customers, %d partitions; cluster: %d worker processes x 1 "
          "thread; library %s (%s)" % (len(df), df["customer"].nunique(), args.partitions,
                                      args.workers, loyalty.library_path,
                                      loyalty.library_source))
    print("machine shared with other jobs: best of %d, with the range" % args.reps)

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        ddf = dd.from_pandas(df, npartitions=args.partitions).persist()
        wait(ddf)

        # warm-up (not timed): the workers import pandas' and loyalty's
        # code paths once
        small = dd.from_pandas(df.iloc[:20000], npartitions=2)
        ld.summarize(small, **kw).compute()
        plain_dask(small, end).compute()

        times = []
        names = []

        def mem_summary():
            s = clv.summarize(df, **kw)
            s.attrs = {}
            return s
        want = timed(mem_summary, args.reps, times)
        names.append("summary  memory (clv.summarize, 1 process)")

        def ld_summary(method="shuffle"):
            s = ld.summarize(ddf, method=method, **kw).persist()
            wait(s)
            return s
        got = timed(ld_summary, args.reps, times)
        names.append("summary  loyalty.dask shuffle")
        ok_ld = same(got.compute(), want)
        # release the persisted summary: the pipeline below builds the
        # same graph and would otherwise reuse it
        got = None
        if args.states:
            got_s = timed(lambda: ld_summary("states"), 1, times)
            names.append("summary  loyalty.dask states")
            ok_states = same(got_s.compute(), want)
            got_s = None

        def dask_summary():
            s = plain_dask(ddf, end).persist()
            wait(s)
            return s
        base = timed(dask_summary, args.base_reps or args.reps, times)
        names.append("summary  plain dask groupby")
        ok_base = same(base.compute(), want, money_rtol=1e-9)
        base = None

        def mem_pipeline():
            s = clv.summarize(df, **kw)
            m = bgnbd.fit(s)
            return m, m.palive(s)
        m_mem, p_mem = timed(mem_pipeline, args.reps, times)
        names.append("pipeline memory (summary, fit, P(alive))")

        def ld_pipeline():
            s = ld.summarize(ddf, **kw).persist()
            m = ld.fit(s)
            return m, ld.predict(m, s, "palive").compute()
        m_ld, p_ld = timed(ld_pipeline, args.reps, times)
        names.append("pipeline loyalty.dask (summary, fit, predict)")

    print()
    for name, t in zip(names, times):
        print("%-48s best %7.2f s  (range %.2f-%.2f)" % (name, min(t), min(t), max(t)))
    b = {n: min(t) for n, t in zip(names, times)}
    print()
    print("loyalty.dask summary / plain dask summary: %.2f"
          % (b["summary  loyalty.dask shuffle"] / b["summary  plain dask groupby"]))
    print("loyalty.dask summary / in-memory summary:  %.2f"
          % (b["summary  loyalty.dask shuffle"] / b["summary  memory (clv.summarize, 1 process)"]))
    print("loyalty.dask pipeline / in-memory pipeline: %.2f"
          % (b["pipeline loyalty.dask (summary, fit, predict)"]
             / b["pipeline memory (summary, fit, P(alive))"]))
    print()
    rel = max(abs(a - c) / abs(c) for a, c in zip(m_ld.values, m_mem.values))
    print("checks: loyalty.dask summary == in-memory: %s; plain dask == in-memory: %s%s"
          % (ok_ld, ok_base, "; states == in-memory: %s" % ok_states if args.states else ""))
    print("        BG/NBD params max relative difference %.1e; P(alive) max abs difference "
          "%.1e" % (rel, float(np.max(np.abs(p_ld.sort_index().to_numpy()
                                               - p_mem.sort_index().to_numpy())))))


if __name__ == "__main__":
    main()
