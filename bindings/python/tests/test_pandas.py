# SPDX-License-Identifier: MIT
"""pandas in and out: survey tables per group (blanks apart from invalid
scores), the purchase-log summary from a transaction DataFrame (string and
integer ids, dates as strings, datetime64 or Timestamps), models fitted on
summary DataFrames with Series out aligned to the caller's index, model
tables, JSON and pickle, results as dataclasses, and errors that name the
argument and the pandas label of the bad row."""

import ctypes
import dataclasses
import math
import os
import pickle
import tempfile
import unittest

import loyalty
from loyalty import bgnbd, clv, ggamma, mbgnbd, nps, pnbd, bgbb, sbg, segment, churn

try:
    import numpy as np
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

DATA = os.environ.get("LOY_SHARED_DATA_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "data")

# lifetimes' reference log L2 (MODELS.md 5.4): (id, month, day, value) in 2015
L2 = [(1, 1, 1, 1), (1, 2, 6, 2), (2, 1, 1, 2), (3, 1, 1, 3), (3, 1, 2, 1),
      (3, 1, 5, 5), (4, 1, 16, 6), (4, 2, 2, 3), (4, 2, 5, 3), (5, 1, 16, 3),
      (5, 1, 17, 1), (5, 1, 18, 8), (6, 2, 2, 5)]


def l2_frame():
    return pd.DataFrame({"id": [r[0] for r in L2],
                         "date": ["2015-%02d-%02d" % (r[1], r[2]) for r in L2],
                         "amount": [float(r[3]) for r in L2]})


def cdnow():
    path = os.path.join(DATA, "cdnow", "cdnow_customers_summary.csv")
    if not os.path.exists(path):
        raise unittest.SkipTest("../shared/data absent")
    return pd.read_csv(path, index_col=0)


@unittest.skipIf(pd is None, "pandas not installed")
class TestSurveyTables(unittest.TestCase):
    def frame(self):
        # segment a: 10, 9, blank, 11 (invalid); b: 3, 7, None, 6.5 (invalid), 2;
        # two rows without a segment (one of them blank)
        return pd.DataFrame({"score": [10, 9, np.nan, 11, 3, 7, None, 8, 6.5, 2, np.nan],
                             "segment": ["a", "a", "a", "a", "b", "b", "b", None, "b", "b",
                                         None]},
                            index=list("pqrstuvwxyz"))

    def test_by_group_counts_blanks_apart_from_invalid(self):
        t = nps.by_group(self.frame(), score="score", group="segment")
        self.assertEqual(list(t.index), ["a", "b"])
        self.assertEqual(t.index.name, "segment")
        self.assertEqual(t.loc["a", ["responses", "blanks", "invalid", "n"]].tolist(),
                         [4, 1, 1, 2])
        self.assertEqual(t.loc["b", ["responses", "blanks", "invalid", "n"]].tolist(),
                         [5, 1, 1, 3])
        self.assertEqual(t.loc["b", ["detractors", "passives", "promoters"]].tolist(),
                         [2, 1, 0])
        for g, counts in (("a", (0, 0, 2)), ("b", (2, 1, 0))):
            e = nps.estimate(counts, "adjusted", 0.95)
            self.assertEqual((t.loc[g, "nps"], t.loc[g, "lower"], t.loc[g, "upper"],
                              t.loc[g, "se"]), (e.nps, e.lower, e.upper, e.se))
            self.assertTrue(t.loc[g, "small_sample"])
        w = nps.by_group(self.frame(), group="segment", method="wald", level=0.9)
        e = nps.estimate((2, 1, 0), "wald", 0.9)
        self.assertEqual(w.loc["b", "lower"], e.lower)
        # the missing segment becomes a group of its own with dropna=False
        d = nps.by_group(self.frame(), group="segment", dropna=False)
        self.assertEqual(int(d["responses"].sum()), 11)
        self.assertEqual(d["blanks"].tolist(), [1, 1, 1])
        self.assertEqual(d["n"].tolist(), [2, 3, 1])

    def test_by_group_equals_tallies_of_each_group(self):
        rng = np.random.default_rng(7)
        n = 5000
        df = pd.DataFrame({"score": rng.integers(0, 11, n).astype(float),
                           "region": rng.choice(["N", "S", "E"], n),
                           "plan": rng.choice([1, 2], n)})
        df.loc[rng.choice(n, 300, replace=False), "score"] = np.nan
        df.loc[rng.choice(n, 40, replace=False), "score"] = 12
        t = nps.by_group(df, group=["region", "plan"])
        self.assertEqual(t.index.names, ["region", "plan"])
        self.assertEqual(len(t), 6)
        for (region, plan), row in t.iterrows():
            sub = df[(df.region == region) & (df.plan == plan)]["score"]
            tally = nps.tally(sub, skip_invalid=True)
            self.assertEqual((row["blanks"], row["invalid"], row["n"]),
                             (tally.blanks, tally.rejected, tally.n))
            self.assertEqual(row["responses"], len(sub))
            self.assertEqual(row["nps"], nps.estimate(tally).nps)
        overall = nps.by_group(df, group=None)
        self.assertEqual(overall.loc["all", "n"], t["n"].sum())

    def test_invalid_raise_names_column_and_label(self):
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.by_group(self.frame(), score="score", group="segment", invalid="raise")
        e = cm.exception
        self.assertEqual((e.name, e.label, e.index, e.argument), ("LOY_ESCALE", "s", 3, "score"))
        self.assertIn("score: ", str(e))
        self.assertIn("at row 's'", str(e))
        self.assertNotIn("loy_", str(e))
        with self.assertRaises(ValueError):
            nps.by_group(self.frame(), invalid="ignore")
        with self.assertRaises(KeyError):
            nps.by_group(self.frame(), score="nope")

    def test_empty_group_has_nan_estimates(self):
        df = pd.DataFrame({"score": [np.nan, np.nan, 9, 10], "g": ["x", "x", "y", "y"]})
        t = nps.by_group(df, group="g")
        self.assertEqual(t.loc["x", "n"], 0)
        self.assertTrue(math.isnan(t.loc["x", "nps"]))
        self.assertEqual(t.loc["y", "nps"], 1.0)

    def test_scale_beyond_uint8(self):
        df = pd.DataFrame({"score": [0, 300, 600, 999, np.nan, 1001], "g": [1, 1, 1, 2, 2, 2]})
        t = nps.by_group(df, group="g", breaks=(0, 500, 800, 1000))
        self.assertEqual(t.loc[1, ["detractors", "passives", "promoters"]].tolist(), [2, 1, 0])
        self.assertEqual(t.loc[2, ["promoters", "blanks", "invalid"]].tolist(), [1, 1, 1])
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.by_group(df, group="g", breaks=(0, 500, 800, 1000), invalid="raise")
        self.assertEqual(cm.exception.label, 5)

    def test_object_and_nullable_columns(self):
        df = pd.DataFrame({"score": pd.array([9, None, 3, 10], dtype="Int64"),
                           "g": ["a"] * 4})
        t = nps.by_group(df, group="g")
        self.assertEqual(t.loc["a", ["blanks", "n", "promoters"]].tolist(), [1, 3, 2])
        obj = pd.Series(["9", None, "x", 10], dtype=object)
        tl = nps.tally(obj, skip_invalid=True)
        self.assertEqual((tl.promoters, tl.blanks, tl.rejected), (2, 1, 1))

    def test_csat_and_ces_by_group(self):
        df = pd.DataFrame({"score": [5, 4, 3, np.nan, 9, 1, 2, 4],
                           "segment": ["a", "a", "a", "a", "a", "b", "b", "b"]})
        t = nps.csat_by_group(df)
        self.assertEqual(t.loc["a", ["responses", "blanks", "invalid", "n", "top"]].tolist(),
                         [5, 1, 1, 3, 2])
        want = nps.csat(counts=[0, 0, 1, 1, 1])
        self.assertEqual((t.loc["a", "csat"], t.loc["a", "lower"], t.loc["a", "upper"]),
                         (want.csat, want.lower, want.upper))
        c = nps.ces_by_group(df.assign(score=df.score.clip(upper=7)), scale=(1, 3, 5, 7))
        want = nps.ces(counts=[0, 0, 1, 1, 1, 0, 1], scale=(1, 3, 5, 7))
        self.assertAlmostEqual(c.loc["a", "mean"], want.mean, places=14)
        self.assertEqual(c.loc["a", "agree"], want.agree)
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.csat_by_group(df, invalid="raise")
        self.assertEqual(cm.exception.label, 4)

    def test_series_in_scalar_functions(self):
        s = pd.Series([10, 9, np.nan, 0], index=["w", "x", "y", "z"])
        t = nps.tally(s)
        self.assertEqual((t.promoters, t.detractors, t.blanks), (2, 1, 1))
        with self.assertRaises(loyalty.BadInputError) as cm:
            nps.tally(pd.Series([10.0, 11.0], index=["ok", "bad"]))
        self.assertEqual(cm.exception.label, "bad")
        r = nps.csat(pd.Series([5.0, np.nan, 4.0, 1.0]))
        self.assertEqual((r.n, r.top, r.blanks), (3, 2, 1))


@unittest.skipIf(pd is None, "pandas not installed")
class TestSummaryFrame(unittest.TestCase):
    def test_daily_and_weekly_reference(self):
        s = clv.summarize(l2_frame(), customer="id", date="date", amount="amount",
                          observation_end="2015-02-07")
        self.assertEqual(list(s.columns), ["frequency", "recency", "T", "monetary_value"])
        self.assertEqual(s.index.name, "id")
        self.assertEqual(list(s.index), [1, 2, 3, 4, 5, 6])
        want = [(1, 36, 37, 2), (0, 0, 37, 0), (2, 4, 37, 3), (2, 20, 22, 3),
                (2, 2, 22, 4.5), (0, 0, 5, 0)]
        self.assertEqual([tuple(r) for r in s.itertuples(index=False)], want)
        w = clv.summarize(l2_frame(), customer="id", date="date", observation_end="2015-02-07",
                          freq="W")
        self.assertEqual(list(w.columns), ["frequency", "recency", "T"])
        self.assertEqual([tuple(r) for r in w.itertuples(index=False)],
                         [(1, 5, 5), (0, 0, 5), (1, 1, 5), (1, 3, 3), (0, 0, 3), (0, 0, 0)])
        self.assertEqual(s.attrs["loyalty"]["n_rows"], 13)

    def test_ids_and_date_types_agree(self):
        df = l2_frame()
        base = clv.summarize(df, customer="id", date="date", amount="amount",
                             observation_end="2015-02-07")
        variants = {
            "string ids": df.assign(id="C" + df["id"].astype(str)),
            "datetime64": df.assign(date=pd.to_datetime(df["date"])),
            "Timestamps": df.assign(date=[pd.Timestamp(d) for d in df["date"]]).astype(
                {"date": object}),
            "dates": df.assign(date=[pd.Timestamp(d).date() for d in df["date"]]),
            "tz-aware": df.assign(date=pd.to_datetime(df["date"]).dt.tz_localize("Europe/Paris")),
            "negative ids": df.assign(id=-df["id"]),
            "uint64 ids": df.assign(id=df["id"].astype("uint64")),
        }
        for name, d in variants.items():
            s = clv.summarize(d, customer="id", date="date", amount="amount",
                              observation_end=pd.Timestamp("2015-02-07"))
            self.assertEqual(s.to_numpy().tolist(), base.sort_index(
                key=lambda i: i if name != "negative ids" else -i).to_numpy().tolist()
                if name != "string ids" else base.to_numpy().tolist(), name)
        s = clv.summarize(variants["string ids"], customer="id", date="date")
        self.assertEqual(list(s.index), ["C1", "C2", "C3", "C4", "C5", "C6"])

    def test_calibration_split_matches_lifetimes(self):
        s = clv.summarize(l2_frame(), customer="id", date="date", amount="amount",
                          observation_end="2015-02-07", calibration_end="2015-02-01")
        self.assertEqual(list(s.columns), ["frequency_cal", "recency_cal", "T_cal",
                                           "monetary_value_cal", "frequency_holdout",
                                           "monetary_value_holdout", "duration_holdout"])
        self.assertEqual(list(s.index), [1, 2, 3, 4, 5])
        self.assertEqual(s["monetary_value_cal"].tolist(), [0, 0, 3, 0, 4.5])
        self.assertEqual(s["monetary_value_holdout"].tolist(), [2, 0, 0, 3, 0])
        self.assertEqual(s["frequency_holdout"].tolist()[:2], [1, 0])
        w = clv.summarize(l2_frame(), customer="id", date="date", freq="W",
                          observation_end="2015-02-07", calibration_end="2015-02-01")
        self.assertEqual([tuple(r) for r in w[["frequency_cal", "recency_cal", "T_cal",
                                                "frequency_holdout",
                                                "duration_holdout"]].itertuples(index=False)],
                         [(0, 0, 4, 1, 1), (0, 0, 4, 0, 1), (1, 1, 4, 0, 1), (0, 0, 2, 1, 1),
                          (0, 0, 2, 0, 1)])

    def test_time_of_day_follows_lifetimes(self):
        # a purchase at 10:00 on the calibration end date is in the holdout
        df = pd.DataFrame({"id": [1, 1, 1], "date": pd.to_datetime(
            ["2015-01-01", "2015-01-10 10:00", "2015-01-20"])})
        s = clv.summarize(df, customer="id", date="date", calibration_end="2015-01-10",
                          observation_end="2015-01-20")
        self.assertEqual((s["frequency_cal"].iloc[0], s["frequency_holdout"].iloc[0]), (0, 2))

    def test_monthly_periods(self):
        df = pd.DataFrame({"id": [1, 1, 1, 2], "date": ["2015-01-03", "2015-01-28",
                                                         "2015-03-01", "2015-02-10"]})
        s = clv.summarize(df, customer="id", date="date", freq="M", observation_end="2015-04-30")
        self.assertEqual(s.loc[1].tolist(), [1, 2, 3])
        self.assertEqual(s.loc[2].tolist(), [0, 0, 2])

    def test_errors_name_the_column_and_label(self):
        df = l2_frame()
        df.index = ["r%d" % i for i in range(len(df))]
        df.loc["r5", "amount"] = -3.0
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.summarize(df, customer="id", date="date", amount="amount")
        e = cm.exception
        self.assertEqual((e.label, e.index, e.name), ("r5", 5, "LOY_ESCALE"))
        self.assertIn("amount (amount)=-3", str(e))
        self.assertNotIn("loy_", str(e))
        with self.assertRaises(KeyError):
            clv.summarize(df, customer="nope", date="date")
        with self.assertRaises(ValueError):
            clv.summarize(df.assign(date="not a date"), customer="id", date="date")
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.summarize(df.assign(id=[None] + list(df.id[1:])), customer="id", date="date")
        self.assertEqual(cm.exception.label, "r0")
        with self.assertRaises(TypeError):
            clv.summarize(df, df, customer="id", date="date")

    def test_arrays_still_work_and_to_frame(self):
        df = l2_frame()
        days = (pd.to_datetime(df["date"]) - pd.Timestamp("1970-01-01")).dt.days
        s = clv.summarize(df["id"].to_numpy(np.uint64), days.to_numpy(np.int64),
                          df["amount"].to_numpy(), int(days.max()) + 1)
        self.assertIsInstance(s, clv.Summary)
        f = s.to_frame()
        want = clv.summarize(df, customer="id", date="date", amount="amount",
                             observation_end="2015-02-07")
        self.assertEqual(f.to_numpy().tolist(), want.to_numpy().tolist())
        self.assertEqual(list(f.columns), list(want.columns))
        self.assertEqual(s, clv.summarize(df["id"].to_numpy(np.uint64), days.to_numpy(np.int64),
                                          df["amount"].to_numpy(), int(days.max()) + 1))
        self.assertEqual(pickle.loads(pickle.dumps(s)), s)


@unittest.skipIf(pd is None, "pandas not installed")
class TestModelsOnFrames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = cdnow()
        cls.m = bgnbd.fit(cls.d)

    def test_fit_on_frame_equals_arrays(self):
        d = self.d
        arrays = bgnbd.fit(d["frequency"].to_numpy(float), d["recency"].to_numpy(),
                           d["T"].to_numpy())
        self.assertEqual(self.m.values, arrays.values)
        self.assertEqual(bgnbd.fit(d["frequency"], d["recency"], d["T"]).values, arrays.values)
        renamed = d.rename(columns={"frequency": "x", "recency": "t_x"})
        self.assertEqual(bgnbd.BetaGeo.fit(renamed).values, arrays.values)
        self.assertEqual(pnbd.fit(d).values, pnbd.fit(d["frequency"], d["recency"],
                                                      d["T"]).values)
        self.assertEqual(mbgnbd.fit(d).values, mbgnbd.fit(*(d[c] for c in d.columns)).values)
        with self.assertRaises(KeyError):
            bgnbd.fit(d.rename(columns={"T": "age"}))
        with self.assertRaises(TypeError):
            bgnbd.fit(d, d["recency"])
        with self.assertRaises(TypeError):
            bgnbd.fit(d["frequency"], d["recency"])

    def test_summary_tables(self):
        m = self.m
        s = m.summary
        self.assertEqual(list(s.columns), ["estimate", "se", "lower", "upper"])
        self.assertEqual(list(s.index), ["r", "alpha", "a", "b"])
        z = loyalty.stats.normal_quantile(0.975)
        for name in s.index:
            self.assertEqual(s.loc[name, "estimate"], m.params[name])
            self.assertEqual(s.loc[name, "se"], m.se[name])
            self.assertAlmostEqual(s.loc[name, "lower"], m.params[name] - z * m.se[name],
                                   places=12)
        ci = m.conf_int(0.90)
        self.assertAlmostEqual(ci.loc["r", "upper"] - ci.loc["r", "lower"],
                               2 * loyalty.stats.normal_quantile(0.95) * m.se["r"], places=12)
        v = m.vcov()
        self.assertTrue(np.allclose(v.to_numpy(), v.to_numpy().T, rtol=1e-12, atol=0))
        self.assertTrue(np.allclose(np.sqrt(np.diag(v.to_numpy())),
                                    [m.se[k] for k in v.index], rtol=1e-10))
        self.assertEqual(m.params_.to_dict(), m.params)
        self.assertIn("<table", m._repr_html_())
        with self.assertRaises(ValueError):
            m.conf_int(1.5)

    def test_predictions_are_series_on_the_input_index(self):
        d = self.d
        pa = self.m.palive(d)
        self.assertIsInstance(pa, pd.Series)
        self.assertTrue(pa.index.equals(d.index))
        self.assertEqual(pa.name, "palive")
        arr = self.m.palive(d["frequency"].to_numpy(float), d["recency"].to_numpy(),
                            d["T"].to_numpy())
        self.assertIsInstance(arr, np.ndarray)
        self.assertEqual(pa.tolist(), arr.tolist())
        sub = d.iloc[::7]
        self.assertTrue(self.m.expected(39, sub).index.equals(sub.index))
        alive, cet = self.m.predict(39, sub)
        self.assertEqual((alive.name, cet.name), ("palive", "expected"))
        self.assertEqual(cet.tolist(), self.m.expected(39, sub).tolist())
        # the horizon after a DataFrame, positionally or by name
        p = pnbd.ParetoNBD((0.55, 10.58, 0.61, 11.67))
        self.assertEqual(p.expected(sub, 39).tolist(), p.expected(sub, t=39).tolist())
        self.assertEqual(pnbd.palive_at(p, sub, 5).tolist(), p.palive_at(sub, t=5).tolist())
        ll, g = self.m.loglik_each(sub, gradient=True)
        self.assertEqual(list(g.columns), ["r", "alpha", "a", "b"])
        self.assertTrue(g.index.equals(sub.index))
        # Series from different rows are refused, not realigned
        with self.assertRaises(ValueError):
            self.m.palive(d["frequency"], d["recency"], d["T"].sort_index(ascending=False))

    def test_zero_copy_from_frame_columns(self):
        d = self.d.astype(float)
        seen = []
        real = bgnbd._palive

        def spy(out, params, x, t_x, T, n, idx):
            seen.extend(ctypes.cast(p, ctypes.c_void_p).value for p in (x, t_x, T))
            return real(out, params, x, t_x, T, n, idx)
        bgnbd._palive = spy
        try:
            self.m.palive(d)
        finally:
            bgnbd._palive = real
        want = [d[c].to_numpy().ctypes.data for c in ("frequency", "recency", "T")]
        self.assertEqual(seen, want)

    def test_bad_row_names_column_label_and_values(self):
        d = self.d.copy()
        d.index = ["C%04d" % i for i in d.index]
        d.loc["C0003", "recency"] = 50.0
        with self.assertRaises(loyalty.BadInputError) as cm:
            bgnbd.fit(d)
        e = cm.exception
        self.assertEqual((e.label, e.index, e.name), ("C0003", 2, "LOY_EINCONSISTENT"))
        self.assertEqual(e.argument, "frequency, recency, T")
        self.assertIn("recency=50", str(e))
        self.assertNotIn("loy_", str(e))
        with self.assertRaises(loyalty.BadInputError) as cm:
            self.m.palive(d["frequency"], d["recency"], d["T"])
        self.assertIn("t_x (recency)", str(cm.exception))
        self.assertEqual(cm.exception.label, "C0003")
        # plain sequences: the label is the position
        with self.assertRaises(loyalty.BadInputError) as cm:
            self.m.palive([1, 2], [1.0, 9.0], [5.0, 5.0])
        self.assertEqual((cm.exception.index, cm.exception.label), (1, 1))
        self.assertIn("at position 1", str(cm.exception))
        # scalar functions name the Python function and argument
        with self.assertRaises(loyalty.DomainError) as cm:
            clv.multiple(0.95, 0.01, 0.1)
        self.assertTrue(str(cm.exception).startswith("clv.multiple: "), str(cm.exception))
        with self.assertRaises(loyalty.BadInputError) as cm:
            clv.value(float("nan"), 0.8, 0.1)
        self.assertEqual(cm.exception.argument, "clv.value: margin")

    def test_gamma_gamma_and_bgbb_frames(self):
        path = os.path.join(DATA, "cdnow", "cdnow_customers_summary_with_transactions.csv")
        w = pd.read_csv(path, index_col=0).rename(
            columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
        r = w[w.frequency > 0]
        g = ggamma.fit(r)
        self.assertEqual(g.values, ggamma.fit(r["frequency"], r["monetary_value"]).values)
        spend = g.expected_spend(w)
        self.assertTrue(spend.index.equals(w.index))
        self.assertEqual(spend.name, "expected_spend")
        pats = pd.DataFrame({"frequency": [0, 1, 6], "recency": [0, 1, 6],
                             "n_periods": [6, 6, 6], "count": [3464, 1091, 1203]})
        m = bgbb.fit(pats, weights="count")
        self.assertEqual(m.values, bgbb.fit([0, 1, 6], [0, 1, 6], [6, 6, 6],
                                            weights=[3464, 1091, 1203]).values)
        self.assertTrue(m.palive(pats).index.equals(pats.index))


@unittest.skipIf(pd is None, "pandas not installed")
class TestPersistence(unittest.TestCase):
    def test_json_roundtrip_every_model(self):
        d = cdnow()
        models = [bgnbd.fit(d), pnbd.fit(d), mbgnbd.fit(d),
                  sbg.fit_cohort([100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1]),
                  ggamma.GammaGamma((6.25, 3.74, 15.44)), bgnbd.fit(d, se=False)]
        with tempfile.TemporaryDirectory() as tmp:
            for m in models:
                path = os.path.join(tmp, "m.json")
                m.save(path)
                back = loyalty.load_model(path)
                self.assertIs(type(back), type(m))
                self.assertEqual(back, m)
                self.assertEqual(back.values, m.values)
                self.assertEqual(type(m).load(path), m)
                self.assertEqual(loyalty.load_model(m.to_json()), m)
                self.assertEqual(pickle.loads(pickle.dumps(m)), m)
                if m.cov is not None:
                    self.assertTrue(np.array_equal(back.cov, m.cov, equal_nan=True))
        # predictions from the reloaded model are the same
        m = models[0]
        back = loyalty.load_model(m.to_json())
        self.assertEqual(back.palive(d).tolist(), m.palive(d).tolist())
        with self.assertRaises(TypeError):
            pnbd.ParetoNBD.from_json(m.to_json())
        with self.assertRaises(ValueError):
            loyalty.load_model('{"format": "something else"}')
        self.assertNotEqual(models[0], bgnbd.BetaGeo(models[0].values))


class TestResultsAreDataclasses(unittest.TestCase):
    def test_fields_asdict_pickle_eq_repr(self):
        t = nps.tally([10, 9, 3, 7, 8])
        results = [t, nps.estimate(t), nps.compare(t, (5, 1, 1)), nps.csat([5, 4, 1]),
                   nps.ces([7, 6, 1]), nps.weighted_tally([9, 3], [1.0, 2.0]),
                   segment.abc([1.0, 5.0, 10.0])[1], segment.abc_computed([1.0, 5.0, 10.0])[1],
                   segment.cross([1.0, 2.0], [0, 1], [2, 0])[1],
                   churn.cost_simple(100, 0.1, 50, 0.1),
                   churn.class_value([1.0, 2.0, 3.0, 4.0, 5.0, 7.0], [0, 1, 2, 0, 1, 2])]
        for r in results:
            self.assertTrue(dataclasses.is_dataclass(r), type(r))
            names = [f.name for f in dataclasses.fields(r)]
            self.assertTrue(set(names) <= set(dir(r)))
            self.assertEqual(dataclasses.asdict(r), r.as_dict())
            self.assertEqual(pickle.loads(pickle.dumps(r)), r)
            self.assertTrue(repr(r).startswith(type(r).__name__ + "("))
            with self.assertRaises(dataclasses.FrozenInstanceError):
                setattr(r, names[0], 0)
        self.assertEqual(t, nps.Tally(detractors=1, passives=2, promoters=2))
        self.assertEqual(hash(t), hash(nps.Tally(1, 2, 2)))
        self.assertEqual(t + t, nps.Tally(2, 4, 4))
        cv = results[-1]
        self.assertEqual(churn.move_value(cv, 1), churn.move_value(pickle.loads(
            pickle.dumps(cv)), 1))

    def test_every_c_field_is_a_result_field(self):
        pairs = [(nps._Tally, nps.Tally), (nps._Result, nps.Estimate), (nps._Diff, nps.Comparison),
                 (nps._WResult, nps.WeightedEstimate), (nps._Csat, nps.CsatResult),
                 (nps._Ces, nps.CesResult), (nps._WTally, nps.WeightedTally),
                 (segment._AbcSummary, segment.AbcSummary),
                 (segment._Computed, segment.ComputedAbc), (segment._SegResult, segment.Crossing),
                 (churn._ChurnCost, churn.ChurnCost), (churn._SilentChurn, churn.SilentChurn),
                 (churn._WomValue, churn.WordOfMouth), (churn._BaseValue, churn.BaseValue),
                 (churn._Egr, churn.EarnedGrowth), (churn._ClassValue, churn.ClassValue)]
        for struct, result in pairs:
            c_fields = {n for n, _ in struct._fields_} - {"struct_size", "reserved0"}
            py_fields = {f.name for f in dataclasses.fields(result)}
            self.assertEqual(c_fields - py_fields, set(), result.__name__)

    def test_errors_pickle(self):
        try:
            nps.tally([1, 11])
        except loyalty.BadInputError as exc:
            back = pickle.loads(pickle.dumps(exc))
            self.assertIs(type(back), type(exc))
            self.assertEqual((str(back), back.index, back.code), (str(exc), exc.index, exc.code))


if __name__ == "__main__":
    unittest.main()
