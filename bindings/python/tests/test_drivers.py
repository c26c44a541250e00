# SPDX-License-Identifier: MIT
"""loyalty.drivers against the C quickstart and guide, R's swiss reference
(MODELS.md 12.12) and independent numpy computations: LMG by brute-force
Shapley over every subset with np.linalg.lstsq, OLS t tests, Johnson's
relative weights, weighted and pairwise moments, the delete-a-group
jackknife, Poisson bootstrap replicates, logistic IRLS, PRCA by indicator
regression; plus every class of bad input."""

import itertools
import math
import os
import pickle
import re
import unittest

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

import loyalty  # noqa: E402
from loyalty import drivers  # noqa: E402

from test_drivers_ffi import SWISS, LMG as SWISS_LMG  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
SURVEY = os.path.join(ROOT, "examples", "data", "survey.csv")
ATTRS = ["taste", "freshness", "delivery_on_time", "order_accuracy", "value_for_money",
         "personal_touch", "app_ease"]


def survey():
    return pd.read_csv(SURVEY, sep=";", encoding="utf-8-sig")


def quickstart_rows():
    """The 60 rows hard-coded in examples/drivers_quickstart.c."""
    src = open(os.path.join(ROOT, "examples", "drivers_quickstart.c")).read()
    body = src.split("survey[N][1 + P] = {", 1)[1].split("};", 1)[0]
    return np.array([[float(v) for v in row.split(",")]
                     for row in re.findall(r"\{([^{}]*)\}", body)])


# ---------------------------------------------------------------- numpy refs

def r2_of(y, X, w=None):
    """R² of the weighted least-squares fit of y on X with an intercept."""
    if X.shape[1] == 0:
        return 0.0
    w = np.ones(len(y)) if w is None else w
    sw = np.sqrt(w)
    A = np.column_stack([np.ones(len(y)), X]) * sw[:, None]
    b = np.linalg.lstsq(A, y * sw, rcond=None)[0]
    r = (y - np.column_stack([np.ones(len(y)), X]) @ b)
    ybar = np.sum(w * y) / np.sum(w)
    return 1 - np.sum(w * r * r) / np.sum(w * (y - ybar) ** 2)


def shapley(y, X, w=None):
    """LMG by brute force: every subset, the Shapley weights."""
    p = X.shape[1]
    r2 = {}
    for k in range(p + 1):
        for S in itertools.combinations(range(p), k):
            r2[S] = r2_of(y, X[:, list(S)], w)
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for S in itertools.combinations(others, k):
                wt = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
                out[j] += wt * (r2[tuple(sorted(S + (j,)))] - r2[S])
    return out, r2


def random_data(n=300, p=4, seed=1):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, p))
    Z[:, 1] += 0.6 * Z[:, 0]
    if p > 3:
        Z[:, 3] -= 0.3 * Z[:, 2]
    y = Z @ np.array([0.8, 0.4, -0.3, 0.1][:p]) + rng.normal(size=n)
    df = pd.DataFrame(Z, columns=["d%d" % j for j in range(p)])
    df.insert(0, "y", y)
    return df


class TestQuickstart(unittest.TestCase):
    """The guide's worked example (docs/guide/drivers.md) from survey.csv."""

    def setUp(self):
        df = survey()
        self.df = df.dropna(subset=["score"] + ATTRS).head(60)

    def test_same_rows_as_the_c_example(self):
        rows = quickstart_rows()
        self.assertEqual(rows.shape, (60, 8))
        np.testing.assert_array_equal(self.df[["score"] + ATTRS].to_numpy(), rows)

    def test_guide_table(self):
        r = drivers.linear(self.df, "score", ATTRS)
        self.assertEqual(r.n, 60)
        self.assertEqual("%.2f" % r.r2, "0.77")
        imp = r.importance
        self.assertEqual(["%.1f" % (100 * s) for s in imp["share"]],
                         ["37.7", "14.3", "6.3", "5.0", "31.3", "4.8", "0.6"])
        self.assertEqual(list(imp["rank"]), [1, 3, 4, 5, 2, 6, 7])
        self.assertEqual(list(imp["sign"]), [1, 1, 1, 1, 1, 1, -1])
        self.assertAlmostEqual(imp["share"].sum(), 1.0, places=12)
        self.assertAlmostEqual(imp["lmg"].sum(), r.r2, places=12)
        ip = drivers.ipa(r, self.df)
        self.assertEqual(["%.1f" % v for v in ip.table["performance"]],
                         ["75.2", "72.7", "82.8", "87.2", "65.2", "63.5", "69.5"])
        self.assertEqual(list(ip.table["quadrant"]),
                         ["key strength", "priority fix", "secondary strength",
                          "secondary strength", "priority fix", "low priority",
                          "low priority"])
        self.assertEqual("%.1f" % (100 * ip.importance_cut), "14.3")
        self.assertEqual("%.1f" % ip.performance_cut, "73.7")
        self.assertEqual(ip.priorities().index[0], "value_for_money")

    def test_brute_force_shapley_on_the_survey(self):
        r = drivers.linear(self.df, "score", ATTRS)
        y = self.df["score"].to_numpy(float)
        X = self.df[ATTRS].to_numpy(float)
        lmg, r2 = shapley(y, X)
        np.testing.assert_allclose(r.importance["lmg"].to_numpy(), lmg, rtol=0, atol=1e-12)
        self.assertAlmostEqual(r.r2, r2[tuple(range(7))], places=12)


class TestLinear(unittest.TestCase):
    def test_swiss_reference(self):
        arr = np.array(SWISS)
        r = drivers.linear(arr, 0, [1, 2, 3, 4, 5])
        np.testing.assert_allclose(r.importance["lmg"].to_numpy(), SWISS_LMG, rtol=0,
                                   atol=1e-10)

    def test_against_numpy(self):
        df = random_data()
        D = ["d0", "d1", "d2", "d3"]
        r = drivers.linear(df, "y", D, complete=True)
        y, X = df["y"].to_numpy(), df[D].to_numpy()
        lmg, r2 = shapley(y, X)
        np.testing.assert_allclose(r.importance["lmg"], lmg, atol=1e-12)
        full = r2[(0, 1, 2, 3)]
        self.assertAlmostEqual(r.r2, full, places=12)
        n, p = X.shape
        self.assertAlmostEqual(r.r2_adj, 1 - (1 - full) * (n - 1) / (n - p - 1), places=12)
        # first and last
        np.testing.assert_allclose(r.importance["first"], [r2[(j,)] for j in range(p)],
                                   atol=1e-12)
        np.testing.assert_allclose(
            r.importance["last"],
            [full - r2[tuple(i for i in range(p) if i != j)] for j in range(p)], atol=1e-12)
        # conditional dominance: mean gain over subsets of size s
        cond = r.dominance.conditional.to_numpy()
        for j in range(p):
            others = [i for i in range(p) if i != j]
            for s in range(p):
                gains = [r2[tuple(sorted(S + (j,)))] - r2[S]
                         for S in itertools.combinations(others, s)]
                self.assertAlmostEqual(cond[j, s], np.mean(gains), places=12)
        # general dominance codes follow LMG order
        gen = r.dominance.general.to_numpy()
        for i in range(p):
            for j in range(p):
                if i != j:
                    self.assertEqual(gen[i, j], 1.0 if lmg[i] > lmg[j] else 0.0)
        self.assertEqual(r.dominance.complete.shape, (4, 4))
        self.assertEqual(list(r.dominance.general.index), D)
        # OLS coefficients, standard errors and t
        A = np.column_stack([np.ones(n), X])
        b, *_ = np.linalg.lstsq(A, y, rcond=None)
        res = y - A @ b
        s2 = res @ res / (n - p - 1)
        se = np.sqrt(np.diag(s2 * np.linalg.inv(A.T @ A)))
        c = r.coefficients
        np.testing.assert_allclose(c["estimate"], b[1:], rtol=1e-10)
        np.testing.assert_allclose(c["se"], se[1:], rtol=1e-9)
        np.testing.assert_allclose(c["t"], b[1:] / se[1:], rtol=1e-9)
        np.testing.assert_allclose(c["std_estimate"],
                                   b[1:] * X.std(axis=0, ddof=1) / y.std(ddof=1), rtol=1e-10)
        self.assertAlmostEqual(r.intercept[0], b[0], places=10)
        # Johnson's relative weights
        R = np.corrcoef(np.column_stack([y, X]), rowvar=False)
        Rxx, rxy = R[1:, 1:], R[1:, 0]
        ev, V = np.linalg.eigh(Rxx)
        L = V @ np.diag(np.sqrt(ev)) @ V.T
        beta = np.linalg.solve(L, rxy)
        rw = (L ** 2) @ (beta ** 2)
        np.testing.assert_allclose(r.importance["rw"], rw, atol=1e-12)
        np.testing.assert_allclose(r.importance["rw_share"], rw / rw.sum(), atol=1e-12)

    def test_weights(self):
        df = random_data(seed=3)
        w = np.random.default_rng(4).uniform(0.2, 3.0, len(df))
        D = ["d0", "d1", "d2"]
        r = drivers.linear(df.assign(w=w), "y", D, weights="w")
        lmg, r2 = shapley(df["y"].to_numpy(), df[D].to_numpy(), w)
        np.testing.assert_allclose(r.importance["lmg"], lmg, atol=1e-12)
        r2b = drivers.linear(df, "y", D, weights=w * 7.5)
        np.testing.assert_allclose(r2b.importance["lmg"], lmg, atol=1e-12)

    def test_missing_listwise_and_pairwise(self):
        df = random_data(seed=5)
        df.loc[[3, 17, 40], "d1"] = np.nan
        df.loc[[8], "y"] = np.nan
        D = ["d0", "d1", "d2", "d3"]
        r = drivers.linear(df, "y", D)
        ref = drivers.linear(df.dropna(), "y", D, missing="raise")
        self.assertEqual(r.rows_missing, 4)
        self.assertEqual(r.n, len(df) - 4)
        np.testing.assert_allclose(r.importance["lmg"], ref.importance["lmg"], atol=1e-13)
        t = drivers.MomentTally(["y"] + D, missing="pairwise").add(df)
        np.testing.assert_allclose(t.cor().to_numpy(), df[["y"] + D].corr().to_numpy(),
                                   atol=1e-12)
        rp = drivers.linear(df, "y", D, missing="pairwise")
        self.assertEqual(rp.n, len(df) - 4)  # smallest pair count (y, d1)

    def test_integer_path_equals_double_path(self):
        df = survey()
        r_int = drivers.linear(df, "score", ATTRS)  # whole numbers: integer tally
        r_dbl = drivers.linear(df, "score", ATTRS, weights=np.full(len(df), 0.5))
        np.testing.assert_allclose(r_int.importance["lmg"], r_dbl.importance["lmg"],
                                   atol=1e-12)
        self.assertEqual(r_int.rows_missing, 512)
        c = df.dropna(subset=["score"] + ATTRS)
        self.assertAlmostEqual(r_int.r2, r2_of(c["score"].to_numpy(), c[ATTRS].to_numpy()),
                               places=12)

    def test_integer_tally_reads_floats_and_uint8_alike(self):
        df = survey()[["score"] + ATTRS]
        cols = list(df.columns)
        a = drivers.MomentTally(cols, integer=True, missing="listwise").add(df)
        u8 = df.fillna(255).astype("uint8")
        b = drivers.MomentTally(cols, integer=True, missing="listwise").add(u8)
        self.assertEqual(a.to_bytes(), b.to_bytes())
        self.assertEqual(a.info().rows_missing, 512)
        half = df.copy()
        half.loc[7, "taste"] = 7.5
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.MomentTally(cols, integer=True, missing="listwise").add(half)
        self.assertEqual((cm.exception.argument, cm.exception.label), ("taste", 7))
        # linear() falls back to the double tally for data that are not whole
        r = drivers.linear(half, "score", ATTRS)
        ref = drivers.linear(half, "score", ATTRS, weights=np.full(len(half), 2.0))
        np.testing.assert_allclose(r.importance["lmg"], ref.importance["lmg"], atol=1e-12)

    def test_groups_and_always(self):
        df = random_data(p=4, seed=7)
        D = ["d0", "d1", "d2", "d3"]
        r = drivers.linear(df, "y", D, groups={"first two": ["d0", "d1"], "d23": ["d2", "d3"]})
        self.assertEqual(list(r.importance.index), ["first two", "d23"])
        y, X = df["y"].to_numpy(), df[D].to_numpy()
        a, b = r2_of(y, X[:, :2]), r2_of(y, X[:, 2:])
        full = r2_of(y, X)
        np.testing.assert_allclose(r.importance["lmg"],
                                   [0.5 * (a + full - b), 0.5 * (b + full - a)], atol=1e-12)
        self.assertEqual(list(r.coefficients.index), D)
        ra = drivers.linear(df, "y", ["d0", "d1"], always=["d2", "d3"])
        self.assertAlmostEqual(ra.r2_always, b, places=12)
        self.assertAlmostEqual(ra.r2_decomp, full - b, places=12)
        self.assertAlmostEqual(ra.importance["lmg"].sum(), full - b, places=12)

    def test_sampled_lmg(self):
        df = random_data(p=4, seed=9)
        D = ["d0", "d1", "d2", "d3"]
        exact = drivers.linear(df, "y", D)
        s = drivers.linear(df, "y", D, sample=True, max_exact=2, orders=4000, seed=11)
        self.assertTrue(s.sampled)
        self.assertGreater(s.mc_se_max, 0)
        err = np.abs(s.importance["lmg"] - exact.importance["lmg"]).max()
        self.assertLess(err, 6 * s.mc_se_max + 1e-12)
        with self.assertRaises(loyalty.DomainError):
            drivers.linear(df, "y", D, max_exact=2)


class TestIntervals(unittest.TestCase):
    def test_jackknife_against_numpy(self):
        df = random_data(n=120, p=3, seed=13)
        D = ["d0", "d1", "d2"]
        G = 6
        r = drivers.linear(df, "y", D, jackknife=G)
        self.assertEqual(r.interval_method, "jackknife")
        y, X = df["y"].to_numpy(), df[D].to_numpy()
        pos = np.arange(len(df))
        thetas = []
        for g in range(G):
            keep = pos % G != g
            lmg, r2 = shapley(y[keep], X[keep])
            thetas.append(lmg / lmg.sum())
        thetas = np.array(thetas)
        se = np.sqrt((G - 1) / G * ((thetas - thetas.mean(axis=0)) ** 2).sum(axis=0))
        np.testing.assert_allclose(r.importance["share_se"], se, rtol=1e-8)
        iv = r.intervals.loc["lmg_share"]
        np.testing.assert_allclose(iv["lower"], iv["estimate"] - 1.959963984540054 * se,
                                   rtol=1e-8)
        # groups by label give the same thing
        r2 = drivers.linear(df.assign(g=pos % G), "y", D, jackknife_groups="g")
        np.testing.assert_allclose(r2.importance["share_se"], se, rtol=1e-8)

    def test_bootstrap_replicates_are_poisson_weighted_tallies(self):
        df = random_data(n=200, p=3, seed=17)
        D = ["d0", "d1", "d2"]
        B, seed = 50, 99
        t = drivers.MomentTally(["y"] + D, bootstrap=B, seed=seed).add(df)
        b = 7
        k = np.array([drivers.poisson_weight(seed, i, b) for i in range(len(df))], float)
        rep = t.replicate(b)
        Z = df[["y"] + D].to_numpy()
        np.testing.assert_allclose(rep.cov().to_numpy(), np.cov(Z, rowvar=False, fweights=k),
                                   rtol=1e-10)
        r = drivers.linear(df, "y", D, bootstrap=B, seed=seed)
        self.assertEqual(r.interval_method, "bootstrap")
        self.assertEqual(r.replicates, B)
        rp = r.rank_probabilities
        self.assertEqual(list(rp.columns), ["top_1", "top_2", "top_3"])
        np.testing.assert_allclose(rp["top_3"], 1.0)
        self.assertTrue((np.diff(rp.to_numpy(), axis=1) >= 0).all())
        np.testing.assert_allclose(rp["top_1"].sum(), 1.0)
        imp = r.importance
        self.assertTrue((imp["share_lower"] <= imp["share_upper"]).all())
        # replicate b's LMG share lies within the bootstrap range
        lmg_b, _ = shapley(Z[:, 0], Z[:, 1:], k)
        share_b = lmg_b / lmg_b.sum()
        self.assertTrue(((share_b >= imp["share_lower"] - 0.2) &
                         (share_b <= imp["share_upper"] + 0.2)).all())


class TestMomentTally(unittest.TestCase):
    def test_shards_merge_to_identical_bytes(self):
        df = survey()
        cols = ["score"] + ATTRS
        whole = drivers.MomentTally(cols, integer=True, missing="listwise").add(df)
        parts = [df.iloc[:100], df.iloc[100:777], df.iloc[777:]]
        merged = drivers.MomentTally(cols, integer=True, missing="listwise")
        for p in reversed(parts):
            merged += drivers.MomentTally(cols, integer=True, missing="listwise").add(p)
        self.assertEqual(merged.to_bytes(), whole.to_bytes())
        back = drivers.MomentTally.deserialize(whole.serialize(), cols)
        self.assertEqual(back.to_bytes(), whole.to_bytes())
        self.assertEqual(pickle.loads(pickle.dumps(whole)).to_bytes(), whole.to_bytes())
        r1 = drivers.linear(merged, "score", ATTRS)
        r2 = drivers.linear(df, "score", ATTRS)
        np.testing.assert_allclose(r1.importance["lmg"], r2.importance["lmg"], atol=1e-14)
        # un-merge gives back the rest
        rest = whole.copy()
        rest -= drivers.MomentTally(cols, integer=True, missing="listwise").add(parts[0])
        self.assertEqual(rest.to_bytes(), drivers.MomentTally(
            cols, integer=True, missing="listwise").add(df.iloc[100:]).to_bytes())

    def test_double_shards_and_moments(self):
        df = random_data(seed=21)
        cols = list(df.columns)
        whole = drivers.MomentTally(cols).add(df)
        merged = drivers.MomentTally(cols).add(df.iloc[:37]) + \
            drivers.MomentTally(cols).add(df.iloc[37:])
        np.testing.assert_allclose(merged.cov().to_numpy(), whole.cov().to_numpy(),
                                   rtol=1e-12)
        np.testing.assert_allclose(whole.cov().to_numpy(), np.cov(df.to_numpy(), rowvar=False),
                                   rtol=1e-12)
        np.testing.assert_allclose(whole.mean().to_numpy(), df.mean().to_numpy(), rtol=1e-13)
        info = whole.info()
        self.assertEqual(info.n, len(df))
        self.assertIn("MomentTally", repr(whole))
        # a 2-D array in, and a tally analysed by column name
        t2 = drivers.MomentTally(cols).add(df.to_numpy())
        self.assertEqual(t2.to_bytes(), whole.to_bytes())
        r = drivers.linear(whole, "y", ["d0", "d2"])
        ref = drivers.linear(df, "y", ["d0", "d2"])
        np.testing.assert_allclose(r.importance["lmg"], ref.importance["lmg"], atol=1e-13)

    def test_bootstrapped_tally_shards(self):
        df = random_data(n=150, p=3, seed=33)
        cols = list(df.columns)
        ids = np.arange(len(df)) * 7 + 3
        a = drivers.MomentTally(cols, bootstrap=40, seed=5).add(df.iloc[:60], ids=ids[:60])
        b = drivers.MomentTally(cols, bootstrap=40, seed=5).add(df.iloc[60:], ids=ids[60:])
        r_t = drivers.linear(a + b, "y", cols[1:], bootstrap=1)
        r_d = drivers.linear(df, "y", cols[1:], bootstrap=40, seed=5, ids=ids)
        np.testing.assert_allclose(r_t.importance["share_lower"],
                                   r_d.importance["share_lower"], atol=1e-12)
        pd.testing.assert_frame_equal(r_t.rank_probabilities, r_d.rank_probabilities)

    def test_results_pickle_and_compare(self):
        df = random_data(seed=35)
        r = drivers.linear(df, "y", ["d0", "d1"], complete=True)
        back = pickle.loads(pickle.dumps(r))
        pd.testing.assert_frame_equal(back.importance, r.importance)
        self.assertEqual(back.r2, r.r2)
        self.assertIn("DriverAnalysis(model='linear'", repr(r))
        self.assertIn("importance", r.as_dict())

    def test_bad_bytes(self):
        t = drivers.MomentTally(3).add(np.eye(3))
        raw = bytearray(t.to_bytes())
        raw[0] ^= 0xFF
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.MomentTally.from_bytes(bytes(raw))
        self.assertEqual(cm.exception.name, "LOY_EFORMAT")
        with self.assertRaises(loyalty.BadInputError):
            drivers.MomentTally(3).merge(drivers.MomentTally(4))


def logistic_irls(y, X):
    A = np.column_stack([np.ones(len(y)), X])
    b = np.zeros(A.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-A @ b))
        W = p * (1 - p)
        b = b + np.linalg.solve(A.T @ (A * W[:, None]), A.T @ (y - p))
    p = 1 / (1 + np.exp(-A @ b))
    ll = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    m = y.mean()
    ll0 = len(y) * (m * math.log(m) + (1 - m) * math.log(1 - m))
    return b, ll, ll0


class TestGlm(unittest.TestCase):
    def test_logistic_against_irls(self):
        df = survey().dropna(subset=["score"] + ATTRS)
        D = ATTRS[:4]
        r = drivers.logistic(df, "score", D, promoter_min=9)
        y = (df["score"].to_numpy() >= 9).astype(float)
        b, ll, ll0 = logistic_irls(y, df[D].to_numpy(float))
        np.testing.assert_allclose(r.coefficients["estimate"], b[1:], rtol=1e-7)
        self.assertAlmostEqual(r.loglik, ll, places=7)
        self.assertAlmostEqual(r.loglik_null, ll0, places=7)
        self.assertAlmostEqual(r.mcfadden, 1 - ll / ll0, places=9)
        n = len(y)
        cs = 1 - math.exp(2 * (ll0 - ll) / n)
        self.assertAlmostEqual(r.cox_snell, cs, places=9)
        self.assertAlmostEqual(r.nagelkerke, cs / (1 - math.exp(2 * ll0 / n)), places=9)
        self.assertAlmostEqual(r.importance["lmg"].sum(), r.mcfadden, places=9)
        for col in ("lmg_mcfadden", "lmg_cox_snell", "lmg_nagelkerke", "lmg_estrella"):
            self.assertIn(col, r.importance.columns)
        self.assertAlmostEqual(r.importance["lmg_nagelkerke"].sum(), r.nagelkerke, places=9)
        rn = drivers.logistic(df, "score", D, promoter_min=9, index="nagelkerke")
        self.assertAlmostEqual(rn.r2, r.nagelkerke, places=9)

    def test_ordinal(self):
        df = survey()
        r = drivers.ordinal(df, "score", ATTRS, nps_classes=True)
        self.assertEqual(r.categories, 3)
        self.assertEqual(len(r.intercept), 2)
        self.assertLess(r.intercept[0], r.intercept[1])
        self.assertEqual(r.rows_skipped, 512)
        self.assertTrue(0 < r.mcfadden < 1)
        self.assertAlmostEqual(r.importance["share"].sum(), 1.0, places=10)
        # larger ratings, higher classes: positive slopes for the strong drivers
        self.assertGreater(r.coefficients.loc["taste", "estimate"], 0)

    def test_separation_keeps_the_best_point(self):
        x = np.arange(20, dtype=float)
        df = pd.DataFrame({"y": (x >= 10).astype(float), "x": x,
                           "z": np.sin(x)})
        with self.assertRaises(loyalty.NotConvergedError) as cm:
            drivers.logistic(df, "y", ["x", "z"])
        self.assertIsInstance(cm.exception.result, drivers.DriverAnalysis)
        self.assertFalse(cm.exception.result.converged)

    def test_outcome_not_binary_names_the_outcome(self):
        df = random_data(seed=2)
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.logistic(df, "y", ["d0"], missing="raise")
        self.assertIn("outcome 'y'", str(cm.exception))


class TestPrcaIpa(unittest.TestCase):
    def test_prca_against_indicator_regression(self):
        df = survey().dropna(subset=["score"] + ATTRS)
        r = drivers.prca(df, "score", ATTRS)
        y = df["score"].to_numpy(float)
        X = df[ATTRS].to_numpy(float)
        L, H = (X <= 6).astype(float), (X >= 9).astype(float)
        A = np.column_stack([np.ones(len(y)), L, H])
        b = np.linalg.lstsq(A, y, rcond=None)[0]
        p = len(ATTRS)
        np.testing.assert_allclose(r.table["penalty"], -b[1:1 + p], rtol=1e-9)
        np.testing.assert_allclose(r.table["reward"], b[1 + p:], rtol=1e-9)
        np.testing.assert_allclose(r.table["asymmetry"], -b[1:1 + p] - b[1 + p:], rtol=1e-9)
        res = y - A @ b
        V = res @ res / (len(y) - 2 * p - 1) * np.linalg.inv(A.T @ A)
        np.testing.assert_allclose(r.table["penalty_se"], np.sqrt(np.diag(V))[1:1 + p],
                                   rtol=1e-8)
        self.assertEqual(r.table.loc["delivery_on_time", "kano"], "basic")
        self.assertEqual(r.table.loc["personal_touch", "kano"], "excitement")
        self.assertTrue(set(r.table["kano"]) <= {"basic", "performance", "excitement",
                                                 "low impact"})

    def test_ipa_by_hand(self):
        df = survey()
        imp = pd.Series([0.4, 0.1, 0.1, 0.1, 0.2, 0.05, 0.05], index=ATTRS)
        ip = drivers.ipa(imp, df, scale=(0, 10), performance_cut="median")
        t = ip.table
        perf = 100 * df[ATTRS].mean() / 10
        np.testing.assert_allclose(t["performance"], perf.to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(t["top_box"], (df[ATTRS] >= 9).sum() / df[ATTRS].count(),
                                   rtol=1e-12)
        np.testing.assert_allclose(t["opportunity"], imp * (100 - perf) / 100, rtol=1e-12)
        self.assertAlmostEqual(ip.performance_cut, float(np.median(perf)), places=12)
        for d in ATTRS:
            hi_i = imp[d] >= 1 / 7
            hi_p = perf[d] >= ip.performance_cut
            want = {(True, True): "key strength", (True, False): "priority fix",
                    (False, True): "secondary strength",
                    (False, False): "low priority"}[(hi_i, hi_p)]
            self.assertEqual(t.loc[d, "quadrant"], want)
        pr = drivers.prca(df, "score", ATTRS)
        ipk = drivers.ipa(imp, df, kano=pr)
        basic = pr.table.index[pr.table["kano"] == "basic"]
        np.testing.assert_allclose(ipk.table.loc[basic, "performance"],
                                   100 * (1 - ipk.table.loc[basic, "bottom_box"]))


class TestErrors(unittest.TestCase):
    def test_constant_driver_is_named(self):
        df = random_data(seed=23).assign(flat=3.0)
        with self.assertRaises(loyalty.DomainError) as cm:
            drivers.linear(df, "y", ["d0", "flat", "d1"])
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")
        self.assertIn("'flat'", cm.exception.argument)

    def test_collinear_driver_is_named(self):
        df = random_data(seed=25)
        df["combo"] = df["d0"] + 2 * df["d1"]
        with self.assertRaises(loyalty.DomainError) as cm:
            drivers.linear(df, "y", ["d0", "d1", "combo"])
        self.assertRegex(cm.exception.argument, r"drivers '(d0|d1|combo)'")
        self.assertIn("linear combination", str(cm.exception))

    def test_nan_and_out_of_scale_name_column_and_row(self):
        df = random_data(seed=27)
        df.index = ["r%d" % i for i in range(len(df))]
        df.loc["r5", "d2"] = np.nan
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.linear(df, "y", ["d1", "d2"], missing="raise")
        self.assertEqual(cm.exception.argument, "d2")
        self.assertEqual(cm.exception.label, "r5")
        s = survey()
        row = s.dropna(subset=["score"] + ATTRS).index[5]
        s.loc[row, "freshness"] = 11
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.linear(s, "score", ATTRS, scale=(0, 10))
        self.assertEqual(cm.exception.argument, "freshness")
        self.assertEqual(cm.exception.label, row)
        self.assertIn("freshness=11", str(cm.exception))
        r = drivers.linear(s, "score", ATTRS, scale=(0, 10), skip_invalid=True)
        self.assertEqual(r.n, drivers.linear(survey(), "score", ATTRS).n - 1)

    def test_too_few_rows_and_bad_arguments(self):
        df = random_data(n=4, seed=29)
        with self.assertRaises(loyalty.DomainError) as cm:
            drivers.linear(df, "y", ["d0", "d1", "d2", "d3"])
        self.assertEqual(cm.exception.name, "LOY_EDEGENERATE")
        df = random_data(seed=31)
        with self.assertRaises(KeyError) as cm2:
            drivers.linear(df, "y", ["d0", "nope"])
        self.assertIn("nope", str(cm2.exception))
        with self.assertRaises(ValueError):
            drivers.linear(df, "y", ["d0"], missing="sometimes")
        with self.assertRaises(ValueError):
            drivers.linear(df, "y", ["y", "d0"])
        with self.assertRaises(ValueError):
            drivers.linear(df, "y", ["d0"], jackknife=1)
        with self.assertRaises(loyalty.DomainError):
            drivers.prca(df.assign(r=np.arange(len(df)) % 11), "y", ["r"], low_max=9,
                         high_min=6)
        with self.assertRaises(ValueError):
            drivers.ipa([0.5, 0.5], df, ["d0"])

    def test_ipa_rating_off_scale_is_named(self):
        s = survey()
        s.loc[20, "app_ease"] = 12
        imp = pd.Series(1.0, index=ATTRS)
        with self.assertRaises(loyalty.BadInputError) as cm:
            drivers.ipa(imp, s)
        self.assertIn("app_ease", cm.exception.argument)
        self.assertEqual(cm.exception.label, 20)
        ok = drivers.ipa(imp, s, skip_invalid=True)
        self.assertEqual(len(ok.table), 7)

    def test_prca_constant_indicator_is_named(self):
        df = pd.DataFrame({"y": np.arange(40) % 11, "a": np.arange(40) % 11,
                           "b": np.full(40, 8.0)})
        with self.assertRaises(loyalty.DomainError) as cm:
            drivers.prca(df, "y", ["a", "b"])
        self.assertIn("'b'", cm.exception.argument)


if __name__ == "__main__":
    unittest.main()
