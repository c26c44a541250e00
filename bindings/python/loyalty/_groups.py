# SPDX-License-Identifier: MIT
"""NPS, CSAT and CES per group as pandas tables (``nps.by_group`` and friends).

One row per group: ``responses`` (rows of the group), ``blanks`` (NaN or
None: non-responses), ``invalid`` (scores off the scale or not whole
numbers), the counts, the estimate and its interval. Groups without a
valid response get NaN estimates (pandas' blank), never an error: a table
of many segments should not fail because one is empty.

NPS counts go through the library's one-pass grouped tally
(loy_nps_tally_grouped_u8) and each group's interval through
loy_nps_estimate; CSAT and CES histograms are counted with numpy and
estimated by loy_csat_from_counts / loy_ces_from_counts.
"""

from typing import Any, Optional, Sequence, Tuple, Union

from . import nps as _nps
from ._pandas import pandas, numpy, rows, label_at
from .errors import error_for, ESCALE, ENONFINITE, LoyaltyError

Group = Union[None, str, Sequence[str]]


def _frame(data: Any) -> Any:
    pd = pandas()
    if isinstance(data, pd.DataFrame):
        return data
    return pd.DataFrame(data)


def _codes(df: Any, group: Group, sort: bool, dropna: bool) -> Tuple[Any, Any]:
    """Group number of every row (-1: no group) and the group keys in order."""
    pd, np = pandas(), numpy()
    if group is None:
        return np.zeros(len(df), dtype="int64"), pd.Index(["all"])
    if isinstance(group, str) or not isinstance(group, (list, tuple)):
        col = df[group]
        try:
            codes, uniques = pd.factorize(col, sort=sort, use_na_sentinel=dropna)
        except TypeError:  # pandas < 1.5
            codes, uniques = pd.factorize(col, sort=sort,
                                          na_sentinel=-1 if dropna else None)
        keys = pd.Index(uniques, name=group)
        return np.asarray(codes, dtype="int64"), keys
    g = df.groupby(list(group), sort=sort, dropna=dropna, observed=True)
    return g.ngroup().to_numpy(dtype="int64"), g.size().index


def _prepare(data: Any, score: str, group: Group, sort: bool,
             dropna: bool) -> Tuple[Any, Any, Any, Any, Any, Any]:
    """(frame, float scores, blank mask, codes, keys, rows with a group)."""
    np = numpy()
    df = _frame(data)
    if score not in df.columns:
        raise KeyError("score: no column %r (columns: %s)"
                       % (score, ", ".join(map(str, df.columns))))
    values = _nps._floats(df[score])
    codes, keys = _codes(df, group, sort, dropna)
    blank = np.isnan(values)
    return df, values, blank, codes, keys, codes >= 0


def _bincount(codes: Any, mask: Any, n: int) -> Any:
    np = numpy()
    return np.bincount(codes[mask], minlength=n).astype("int64")


def _check_invalid(invalid: str) -> bool:
    if invalid not in ("count", "raise"):
        raise ValueError("invalid must be 'count' or 'raise', not %r" % (invalid,))
    return invalid == "count"


def _nps_counts(df: Any, score: str, values: Any, codes: Any, cand: Any, n_groups: int,
                breaks: Any, skip: bool) -> Any:
    """(n_groups x 4) counts D, A, P, rejected of the candidate rows."""
    np = numpy()
    positions = np.flatnonzero(cand)
    lo, hi = (0, 10) if breaks is None else (int(breaks[0]), int(breaks[3]))
    if 0 <= lo and hi <= 255:
        with rows([(score, df[score])], df.index, positions):
            counts, _ = _nps._grouped_counts(values[positions],
                                             codes[positions].astype("uint32"),
                                             n_groups, breaks, skip, False)
        return counts
    # A scale beyond uint8: one float64 tally per group, rows sorted by group.
    pb, keep = _nps._breaks(breaks)
    order = positions[np.argsort(codes[positions], kind="stable")]
    ends = np.cumsum(np.bincount(codes[positions], minlength=n_groups))
    out = np.zeros((n_groups, 4), dtype="int64")
    start = 0
    with rows([(score, df[score])], df.index):
        for g in range(n_groups):
            sel = order[start:ends[g]]
            try:
                t = _nps._tally_floats(values[sel], pb, skip, False)
            except LoyaltyError as exc:
                if exc.index is not None:
                    exc.locate(index=int(sel[exc.index]))
                raise
            out[g] = (t.detractors, t.passives, t.promoters, t.rejected)
            start = ends[g]
    return out


def by_group(data: Any, score: str = "score", group: Group = "segment",
             breaks: Optional[Sequence[int]] = None, method: Union[str, int] = "adjusted",
             level: float = 0.95, invalid: str = "count", sort: bool = True,
             dropna: bool = True) -> Any:
    """NPS per group as a DataFrame.

    data: a DataFrame (or a dict of columns); score: the 0-10 (or
    ``breaks``) score column; group: a column name, a list of names (one
    MultiIndex level each) or None for one overall row. NaN/None scores are
    blanks (non-responses); scores off the scale or not whole are invalid:
    counted (``invalid="count"``, the default) or raised as BadInputError
    naming the column and the row label (``invalid="raise"``). Rows whose
    group is missing are left out (``dropna=False`` keeps them as a group).

    Columns: responses, blanks, invalid, n (valid responses), detractors,
    passives, promoters, nps (on [-1, 1]), se (of the point estimate),
    lower, upper (``method`` interval at ``level``), small_sample (n < 30).
    Groups with n = 0 have NaN estimates.
    """
    return nps_table(nps_counts_by_group(data, score, group, breaks, invalid, sort, dropna),
                     method, level)


COUNT_COLUMNS = ("responses", "blanks", "invalid", "detractors", "passives", "promoters")


def nps_counts_by_group(data: Any, score: str, group: Group, breaks: Optional[Sequence[int]],
                        invalid: str, sort: bool, dropna: bool) -> Any:
    """The integer counts of :func:`by_group` (COUNT_COLUMNS, one row per
    group): what adds up across pieces of the data (loyalty.dask)."""
    pd, np = pandas(), numpy()
    skip = _check_invalid(invalid)
    df, values, blank, codes, keys, has_group = _prepare(data, score, group, sort, dropna)
    G = len(keys)
    counts = _nps_counts(df, score, values, codes, has_group & ~blank, G, breaks, skip)
    counts = np.asarray(counts, dtype="int64").reshape(G, 4)
    return pd.DataFrame({
        "responses": _bincount(codes, has_group, G),
        "blanks": _bincount(codes, has_group & blank, G),
        "invalid": counts[:, 3],
        "detractors": counts[:, 0], "passives": counts[:, 1], "promoters": counts[:, 2]},
        index=keys)


def nps_table(counts: Any, method: Union[str, int], level: float) -> Any:
    """The :func:`by_group` table from its counts (nps_counts_by_group)."""
    pd, np = pandas(), numpy()
    G = len(counts)
    dap = counts[["detractors", "passives", "promoters"]].to_numpy(dtype="int64")
    est = np.full((G, 4), np.nan)
    small = np.zeros(G, dtype=bool)
    for g in range(G):
        d, a, p = (int(c) for c in dap[g])
        if d + a + p == 0:
            continue
        e = _nps.estimate((d, a, p), method, level)
        est[g] = (e.nps, e.se, e.lower, e.upper)
        small[g] = bool(e.flags & _nps.SMALL_SAMPLE)
    return pd.DataFrame({
        "responses": counts["responses"].to_numpy(dtype="int64"),
        "blanks": counts["blanks"].to_numpy(dtype="int64"),
        "invalid": counts["invalid"].to_numpy(dtype="int64"),
        "n": dap.sum(axis=1),
        "detractors": dap[:, 0], "passives": dap[:, 1], "promoters": dap[:, 2],
        "nps": est[:, 0], "se": est[:, 1], "lower": est[:, 2], "upper": est[:, 3],
        "small_sample": small}, index=counts.index)


def _histogram(df: Any, score: str, values: Any, blank: Any, codes: Any, has_group: Any,
               G: int, lo: int, hi: int, skip: bool) -> Tuple[Any, Any]:
    """(G x bins) histogram of the valid scores and invalid counts per group."""
    np = numpy()
    finite = np.isfinite(values)
    whole = finite & (values == np.floor(np.where(finite, values, 0)))
    valid = whole & (values >= lo) & (values <= hi) & has_group
    bad = has_group & ~blank & ~valid
    if not skip and bad.any():
        pos = int(np.flatnonzero(bad)[0])
        with rows([(score, df[score])], df.index):
            raise error_for(ESCALE if finite[pos] else ENONFINITE, pos)
    nb = hi - lo + 1
    flat = codes[valid] * nb + (values[valid].astype("int64") - lo)
    hist = np.bincount(flat, minlength=G * nb).reshape(G, nb)
    return hist, _bincount(codes, bad, G)


def _survey_table(data: Any, score: str, group: Group, scale: Sequence[int], level: float,
                  invalid: str, sort: bool, dropna: bool, estimate: Any,
                  columns: Sequence[str]) -> Any:
    pd, np = pandas(), numpy()
    skip = _check_invalid(invalid)
    df, values, blank, codes, keys, has_group = _prepare(data, score, group, sort, dropna)
    G = len(keys)
    lo, hi = int(scale[0]), int(scale[-1])
    if hi < lo:
        raise ValueError("scale: hi < lo")
    hist, bad = _histogram(df, score, values, blank, codes, has_group, G, lo, hi, skip)
    table = {"responses": _bincount(codes, has_group, G),
             "blanks": _bincount(codes, has_group & blank, G), "invalid": bad,
             "n": hist.sum(axis=1).astype("int64")}
    est = np.full((G, len(columns)), np.nan)
    small = np.zeros(G, dtype=bool)
    for g in range(G):
        if hist[g].sum() == 0:
            continue
        r = estimate(hist[g].astype("uint64"), scale, level)
        est[g] = [getattr(r, c) for c in columns]
        small[g] = bool(r.flags & _nps.SMALL_SAMPLE)
    for j, c in enumerate(columns):
        table[c] = est[:, j]
    table["small_sample"] = small
    out = pd.DataFrame(table, index=keys)
    if "top" in out:
        out["top"] = out["top"].fillna(0).astype("int64")
    return out


def csat_by_group(data: Any, score: str = "score", group: Group = "segment",
                  scale: Optional[Sequence[int]] = None, level: float = 0.95,
                  invalid: str = "count", sort: bool = True, dropna: bool = True) -> Any:
    """CSAT per group as a DataFrame (see :func:`by_group` for the arguments).

    ``scale`` is (lo, top_min, hi), default (1, 4, 5). Columns: responses,
    blanks, invalid, n, top, csat (share on [0, 1]), se, lower, upper
    (Wilson), small_sample.
    """
    scale = tuple(scale) if scale is not None else (1, 4, 5)

    def est(counts: Any, sc: Sequence[int], lv: float) -> Any:
        return _nps.csat(counts=counts, scale=sc, level=lv)
    return _survey_table(data, score, group, scale, level, invalid, sort, dropna, est,
                         ("top", "csat", "se", "lower", "upper"))


def ces_by_group(data: Any, score: str = "score", group: Group = "segment",
                 scale: Optional[Sequence[int]] = None, level: float = 0.95,
                 invalid: str = "count", sort: bool = True, dropna: bool = True) -> Any:
    """CES per group as a DataFrame (see :func:`by_group` for the arguments).

    ``scale`` is (lo, disagree_max, agree_min, hi), default CES 2.0
    (1, 3, 5, 7). Columns: responses, blanks, invalid, n, mean, sd, se,
    lower, upper (mean's interval), agree, disagree (shares), small_sample.
    """
    scale = tuple(scale) if scale is not None else (1, 3, 5, 7)

    def est(counts: Any, sc: Sequence[int], lv: float) -> Any:
        return _nps.ces(counts=counts, scale=sc, level=lv)
    return _survey_table(data, score, group, scale, level, invalid, sort, dropna, est,
                         ("mean", "sd", "se", "lower", "upper", "agree", "disagree"))
