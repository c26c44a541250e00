# SPDX-License-Identifier: MIT
"""loyalty.dask on a local cluster of worker processes: every result equals
the in-memory one (integer tallies and pattern tables exactly, fits to
1e-12), and the C library loads in the workers (LIBLOYALTY_PATH and the
copy bundled in the package)."""

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import pytest

try:
    import numpy as np
    import pandas as pd
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster
except ImportError as exc:  # pragma: no cover
    pytest.skip("dask and distributed are not installed (apt-get install python3-dask "
                "python3-distributed): %s" % exc, allow_module_level=True)

import loyalty
from loyalty import bgnbd, clv, ggamma, mbgnbd, mergeable, nps, pnbd, segment
import loyalty.dask as ld

DATA = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")


def start_cluster():
    # worker processes (spawned: each loads the library afresh), one
    # thread each, no dashboard
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return cluster, Client(cluster)


@pytest.fixture(scope="module")
def client():
    cluster, c = start_cluster()
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def purchase_log(customers=1500, seed=7, days=365):
    """A log with births, purchase rates and dropouts that vary by
    customer (so that the lifetime models have something to fit),
    shuffled so that every customer spans several partitions."""
    rng = np.random.default_rng(seed)
    birth = rng.integers(0, days // 2, customers)
    rate = rng.gamma(0.8, 1 / 20.0, customers)
    alive = np.minimum(rng.exponential(rng.gamma(2.0, 60.0, customers)), days - birth)
    n = rng.poisson(rate * alive) + 1
    cust = np.repeat(np.arange(customers), n)
    t = rng.uniform(0, 1, cust.size) * alive[cust]
    t[np.r_[0, np.cumsum(n)[:-1]]] = 0.0
    hours = ((birth[cust] + t) * 24).astype(np.int64)
    df = pd.DataFrame({"cust": cust * 7 + 3,
                       "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(hours, unit="h"),
                       "amount": rng.gamma(2, 10, cust.size).round(2)})
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def surveys(n=2000, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"score": rng.integers(0, 11, n).astype(float),
                       "segment": rng.choice(["north", "south", "east"], n),
                       "channel": rng.choice(["web", "shop"], n),
                       "weight": rng.uniform(0.2, 3.0, n)})
    df.loc[::9, "score"] = np.nan          # blanks
    df.loc[5::97, "score"] = 11.0          # invalid
    df.loc[3::50, "segment"] = None        # no group
    return df


# ------------------------------------------------------------- library

def test_workers_load_the_library_the_client_loaded(client):
    where = client.run(lambda: (loyalty.library_path, loyalty.library_source,
                                loyalty.version()))
    assert len(where) == 2
    for path, source, version in where.values():
        assert (path, source, version) == (loyalty.library_path, loyalty.library_source,
                                           loyalty.version())
    pids = client.run(os.getpid)
    assert os.getpid() not in pids.values()   # really other processes


def test_bundled_library_loads_in_worker_processes(tmp_path):
    """A package with the library inside (as pip installs it) and no
    LIBLOYALTY_PATH: the spawned workers find the bundled copy."""
    lib = loyalty.library_path
    pkg = tmp_path / "site"
    shutil.copytree(os.path.dirname(loyalty.__file__), str(pkg / "loyalty"),
                    ignore=shutil.ignore_patterns("__pycache__", "libloyalty.so*"))
    shutil.copy(lib, str(pkg / "loyalty" / ("libloyalty.so.%d" % loyalty.ABI_VERSION)))
    # distributed only (no pandas in the client): the test is about the
    # worker processes finding the library
    script = textwrap.dedent("""
        import logging
        from distributed import Client, LocalCluster
        import loyalty
        if __name__ == "__main__":
            with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.ERROR) as cl, \\
                    Client(cl) as c:
                got = list(c.run(lambda: (loyalty.library_source,
                                          loyalty.library_path)).values())
                t = c.submit(loyalty.nps.tally, [10, 9, 0, 7]).result()
                print(loyalty.library_source, got[0][0], got[0][1], t.promoters)
    """)
    env = dict(os.environ, PYTHONPATH=str(pkg))
    env.pop("LIBLOYALTY_PATH", None)
    env.pop("LD_LIBRARY_PATH", None)
    p = subprocess.run([sys.executable, "-c", script], env=env, cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    client_source, worker_source, worker_path, promoters = p.stdout.split()
    if client_source == "system":  # pragma: no cover (an installed libloyalty wins)
        pytest.skip("a system-wide libloyalty is installed and takes precedence")
    assert (client_source, worker_source) == ("bundled", "bundled")
    assert worker_path.startswith(str(pkg))
    assert promoters == "2"


# ------------------------------------------------------------- NPS

def test_nps_tally_plain_and_weighted(client):
    df = surveys()
    df.loc[df.score == 11.0, "score"] = 10.0  # strict mode needs valid scores
    ddf = dd.from_pandas(df, npartitions=7)
    assert ld.nps_tally(ddf) == nps.tally(df["score"])
    assert ld.nps_tally(ddf["score"], score=None) == nps.tally(df["score"])
    got = ld.nps_tally(ddf, weight="weight")
    want = nps.weighted_tally(df["score"], df["weight"])
    assert (got.count, got.rejected, got.blanks) == (want.count, want.rejected, want.blanks)
    np.testing.assert_allclose(got.sum_w, want.sum_w, rtol=1e-13)
    np.testing.assert_allclose(got.sum_w2, want.sum_w2, rtol=1e-13)
    a, b = nps.weighted_estimate(got), nps.weighted_estimate(want)
    assert abs(a.nps - b.nps) < 1e-12 and abs(a.lower - b.lower) < 1e-12


def test_nps_tally_invalid_scores(client):
    df = surveys()
    ddf = dd.from_pandas(df, npartitions=5)
    assert ld.nps_tally(ddf, skip_invalid=True) == nps.tally(df["score"], skip_invalid=True)
    with pytest.raises(loyalty.BadInputError) as err:
        ld.nps_tally(ddf)
    # a worker's error, with the pandas label of a bad row (which
    # partition fails first depends on the scheduling)
    bad = set(df.index[df.score == 11.0])
    assert err.value.label in bad and "scores=11" in str(err.value)
    with pytest.raises(KeyError):
        ld.nps_tally(ddf, score="nope")


@pytest.mark.parametrize("group", ["segment", ["segment", "channel"], None])
def test_nps_by_group(client, group):
    df = surveys()
    ddf = dd.from_pandas(df, npartitions=6)
    got = ld.nps_by_group(ddf, group=group)
    want = nps.by_group(df, group=group)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    got = ld.nps_by_group(ddf, group="segment", sort=False, dropna=False, method="score")
    want = nps.by_group(df, group="segment", sort=False, dropna=False, method="score")
    pd.testing.assert_frame_equal(got, want, check_exact=True)


# ------------------------------------------------------------- summaries

def assert_same_summary(got, want):
    """Counts and times exactly; the mean values (monetary) to the last
    bits: the library's compensated sums depend on the order of a
    customer's rows, which a shuffle changes."""
    got = got.compute().sort_index()
    assert got.index.equals(want.index)
    assert list(got.columns) == list(want.columns)
    money = [c for c in want.columns if c.startswith("monetary")]
    exact = [c for c in want.columns if c not in money]
    pd.testing.assert_frame_equal(got[exact], want[exact], check_exact=True)
    if money:
        pd.testing.assert_frame_equal(got[money], want[money], check_exact=False,
                                      rtol=1e-14, atol=0)


@pytest.mark.parametrize("method", ["shuffle", "states"])
def test_summarize_equals_in_memory(client, method):
    log = purchase_log()
    want = clv.summarize(log, customer="cust", date="date", amount="amount", freq="W")
    want.attrs = {}
    got = ld.summarize(dd.from_pandas(log, npartitions=6), customer="cust", date="date",
                       amount="amount", freq="W", method=method)
    assert isinstance(got, dd.DataFrame)
    assert_same_summary(got, want)


@pytest.mark.parametrize("method", ["shuffle", "states"])
def test_summarize_string_ids_and_date_strings(client, method):
    log = purchase_log(customers=400, seed=11)
    log["cust"] = "c" + log["cust"].astype(str)
    log["date"] = log["date"].dt.strftime("%Y-%m-%d %H:%M")
    want = clv.summarize(log, customer="cust", date="date", freq="D",
                         observation_end="2020-12-31", freq_multiplier=7)
    got = ld.summarize(dd.from_pandas(log, npartitions=4), customer="cust", date="date",
                       freq="D", observation_end="2020-12-31", freq_multiplier=7,
                       method=method)
    assert got.compute().index.dtype == object
    assert_same_summary(got, want)


@pytest.mark.parametrize("method", ["shuffle", "states"])
def test_summarize_calibration_holdout(client, method):
    log = purchase_log(customers=500, seed=5)
    kw = dict(customer="cust", date="date", amount="amount", freq="D",
              calibration_end="2020-09-30", observation_end="2020-12-31")
    want = clv.summarize(log, **kw)
    want.attrs = {}
    got = ld.summarize(dd.from_pandas(log, npartitions=5), method=method, **kw)
    assert_same_summary(got, want)


def test_summarize_partitioned_by_customer(client):
    log = purchase_log(customers=600, seed=2)
    want = clv.summarize(log, customer="cust", date="date", amount="amount", freq="M")
    want.attrs = {}
    # indexed by customer with known divisions: no shuffle needed ("auto")
    ddf = dd.from_pandas(log.set_index("cust").sort_index(), npartitions=4)
    got = ld.summarize(ddf, customer="cust", date="date", amount="amount", freq="M")
    assert_same_summary(got, want)
    for method in ("shuffle", "states"):  # the customer as the index works for all
        assert_same_summary(ld.summarize(ddf, customer="cust", date="date", amount="amount",
                                         freq="M", method=method), want)
    assert len(got.dask) < len(ld.summarize(dd.from_pandas(log, npartitions=4),
                                            customer="cust", date="date", amount="amount",
                                            freq="M", method="shuffle").dask)


def test_summarize_errors_name_the_row(client):
    log = purchase_log(customers=200, seed=4)
    log.loc[17, "amount"] = -5.0
    for method in ("shuffle", "states"):
        with pytest.raises(loyalty.BadInputError) as err:
            ld.summarize(dd.from_pandas(log, npartitions=3), customer="cust", date="date",
                         amount="amount", method=method).compute()
        assert err.value.label == 17, (method, str(err.value))
    with pytest.raises(ValueError):
        ld.summarize(dd.from_pandas(log, npartitions=3), customer="cust", date="date",
                     method="magic")


# ------------------------------------------------------------- models

def close(a, b, tol=1e-12):
    return all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def test_pattern_table_and_fits_equal_in_memory(client):
    log = purchase_log()
    s = clv.summarize(log, customer="cust", date="date", amount="amount", freq="W")
    ds = dd.from_pandas(s, npartitions=5)
    table = ld.patterns(ds, monetary=True)
    whole = mergeable.PatternTable(monetary=True).add(
        s["frequency"], s["recency"], s["T"], s["monetary_value"])
    assert table.to_bytes() == whole.to_bytes()     # exactly the same table
    assert table.info().customers == len(s)
    for name, mod in (("bgnbd", bgnbd), ("mbgnbd", mbgnbd), ("pnbd", pnbd)):
        got = ld.fit(ds, name)
        want = mod.fit(s)
        assert type(got) is type(want)
        assert close(got.values, want.values), (name, got.values, want.values)
        assert abs(got.loglik - want.loglik) <= 1e-12 * abs(want.loglik)
        assert close(list(got.se.values()), list(want.se.values()), 1e-7)
    rep = s[s.frequency > 0]
    got = ld.fit(ds, "ggamma")
    want = ggamma.fit(rep)
    assert close(got.values, want.values), (got.values, want.values)
    assert got.n_customers == len(rep)


def test_predictions_partition_by_partition(client):
    log = purchase_log()
    s = clv.summarize(log, customer="cust", date="date", amount="amount", freq="W")
    ds = dd.from_pandas(s, npartitions=5)
    model = ld.fit(ds)
    p = ld.predict(model, ds, "palive")
    assert isinstance(p, dd.Series)
    p = p.compute()
    assert p.index.equals(s.index) and p.name == "palive"
    np.testing.assert_array_equal(p.to_numpy(), model.palive(s).to_numpy())
    e = ld.predict(model, ds, "expected", t=10).compute()
    np.testing.assert_array_equal(e.to_numpy(), model.expected(10, s).to_numpy())
    with pytest.raises(ValueError):
        ld.predict(model, ds, "nonsense")


def test_segment_crossing(client):
    rng = np.random.default_rng(9)
    n = 3000
    value = rng.gamma(1.2, 100.0, n)
    df = pd.DataFrame({"value": value,
                       "class": np.asarray(segment.abc(value)[0], dtype="uint8"),
                       "score": rng.integers(0, 11, n).astype(float),
                       "ltv": rng.gamma(2.0, 50.0, n)})
    df.loc[::13, "score"] = np.nan
    want = segment.cross(df["value"], df["class"], df["score"], raw_scores=True,
                         lifetime_value=df["ltv"])[1]
    got = ld.segment_cross(dd.from_pandas(df, npartitions=6), "value", "class", "score",
                           raw_scores=True, lifetime_value="ltv")
    for a, b in zip(got.cells, want.cells):
        for f in a.__dataclass_fields__:
            x, y = getattr(a, f), getattr(b, f)
            if isinstance(y, float) and not (np.isnan(x) and np.isnan(y)):
                assert abs(x - y) <= 1e-12 * max(1.0, abs(y)), (f, x, y)
            elif not isinstance(y, float):
                assert x == y, (f, x, y)


# ------------------------------------------------------------- CDNOW

@pytest.mark.shared_data
def test_cdnow_log_to_fit(client):
    path = os.path.join(DATA, "cdnow", "CDNOW_sample.txt")
    if not os.path.exists(path):
        pytest.skip("../shared/data absent")
    log = pd.read_csv(path, sep=r"\s+", header=None,
                      names=["id", "id2", "date", "cds", "amount"], dtype={"date": str})
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    log = log[["id", "date", "amount"]].sample(frac=1, random_state=1)
    # FHL 2005's setting: 39 calibration weeks, holdout to the end of June 1998
    kw = dict(customer="id", date="date", amount="amount", freq="D", freq_multiplier=7,
              calibration_end="1997-09-30", observation_end="1998-06-30")
    want = clv.summarize(log, **kw)
    want.attrs = {}
    for method in ("shuffle", "states"):
        got = ld.summarize(dd.from_pandas(log, npartitions=4), method=method, **kw)
        assert_same_summary(got, want)
    got = got.persist()
    m = ld.fit(got)
    ref = bgnbd.fit(want)
    assert close(m.values, ref.values)
    # FHL 2005's published estimates
    assert [round(v, 3) for v in m.values] == [0.243, 4.414, 0.793, 2.426]
    p = ld.predict(m, got, "palive").compute().sort_index()
    np.testing.assert_allclose(p.to_numpy(), ref.palive(want).to_numpy(), rtol=1e-12)


# ------------------------------------------------------------- drivers

def test_moment_tally(client):
    rng = np.random.default_rng(12)
    n = 4000
    df = pd.DataFrame({"nps": rng.integers(0, 11, n).astype(float),
                       "speed": rng.integers(1, 6, n).astype(float),
                       "price": rng.integers(1, 6, n).astype(float),
                       "w": rng.uniform(0.5, 2.0, n)})
    cols = ["nps", "speed", "price"]
    ddf = dd.from_pandas(df, npartitions=7)
    # integer ratings, unit weights: the very same bytes as one tally
    got = ld.moments(ddf, cols, integer=True)
    whole = ld.moments_state(df, cols, flags=0x1)
    assert got.state == whole and got.n == n
    np.testing.assert_allclose(got.mean.to_numpy(), df[cols].mean().to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(got.cov.to_numpy(), np.cov(df[cols].to_numpy().T), rtol=1e-12)
    # weights and listwise deletion: to rounding
    df.loc[::11, "speed"] = np.nan
    ddf = dd.from_pandas(df, npartitions=7)
    got = ld.moments(ddf, cols, weight="w", missing="listwise")
    want = ld.read_moments(ld.moments_state(df, cols, "w", 0x2), cols)
    assert (got.n, got.rows_missing) == (want.n, want.rows_missing) == (n - 364, 364)
    np.testing.assert_allclose(got.mean.to_numpy(), want.mean.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(got.cov.to_numpy(), want.cov.to_numpy(), rtol=1e-12)
    with pytest.raises(loyalty.BadInputError) as err:
        ld.moments(ddf, cols)  # a NaN without a missing-value rule
    assert err.value.argument == "speed" and err.value.label % 11 == 0
