# SPDX-License-Identifier: MIT
"""Consistency over units and time: which branches differ for real, and
when did the NPS move? (C ``loy_funnel_*``, ``loy_chart_compute``,
``loy_arl_*``, ``loy_change_compute``, ``loy_topbox_trend``; formulas in
docs/guide/consistency.md.)

Everything runs on NPS tallies (detractors, passives, promoters), one per
unit, or per unit and period. Give either a DataFrame of answers with the
score column and the unit and/or date columns (tallied here in one pass),
or the tallies themselves (a DataFrame with columns ``detractors``,
``passives``, ``promoters``, or an array of such triples):

- :func:`tallies`: the counts per unit, per period (``freq="W"`` or
  ``"M"``, every period of the range, empty ones included) or both;
- :func:`funnel`: every unit against the pooled (or a fixed) target, with
  limits at two levels, overdispersion, Bonferroni and Benjamini-Hochberg
  flags, between-unit heterogeneity (tau, I²) and shrunken NPS;
- :func:`chart`: Shewhart, Laney, EWMA and CUSUM charts and the Anhøj runs
  rules for each unit's series of periods;
- :func:`arl_ewma`, :func:`arl_cusum`, :func:`ewma_limit`,
  :func:`cusum_limit`: chart design by average run length;
- :func:`change`: period-over-period NPS change with interval and test;
  :func:`topbox_trend`: are 9-10 answers gaining on 7-8 answers?

Flags come back decoded into readable columns (booleans and labels); the
raw bit field stays in ``flags``/``code`` for whoever needs it.
"""

import ctypes
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Tuple, Union

from . import _consistency_ffi as ffi
from . import nps as _nps
from ._api import api
from ._pandas import numpy, pandas, is_frame
from ._struct import Result
from .errors import (error_for, NO_INDEX, EINVAL, ENONFINITE, EEMPTY, EDOMAIN, EDEGENERATE,
                     EOVERFLOW)

__all__ = ["tallies", "funnel", "Funnel", "chart", "Chart", "arl_ewma", "arl_cusum",
           "ewma_limit", "cusum_limit", "change", "topbox_trend", "exact_tails"]

_byref = ctypes.byref
_COUNT_COLUMNS = ("detractors", "passives", "promoters")
_SIDES = {"two": ffi.ARL_TWO_SIDED, "two-sided": ffi.ARL_TWO_SIDED, "upper": ffi.ARL_UPPER,
          "lower": ffi.ARL_LOWER}
_OD = {None: ffi.FUNNEL_OD_NONE, "none": ffi.FUNNEL_OD_NONE,
       "additive": ffi.FUNNEL_OD_ADDITIVE, "multiplicative": ffi.FUNNEL_OD_MULTIPLICATIVE}
_OD_NAME = {v: k for k, v in _OD.items() if k is not None}
_LIMITS = {"normal": ffi.FUNNEL_LIMITS_NORMAL, "adjusted": ffi.FUNNEL_LIMITS_ADJUSTED,
           "exact": ffi.FUNNEL_LIMITS_EXACT}


def _fail(code: int, what: str, argument: Optional[str] = None, detail: Optional[str] = None,
          label: Any = None, index: Optional[int] = None) -> Any:
    return error_for(code, index, what, argument=argument, detail=detail, label=label)


def _ptr(arr: Any, ctype: Any) -> Any:
    return arr.ctypes.data_as(ctypes.POINTER(ctype))


# ------------------------------------------------------------------ tallies

def _periods(dates: Any, freq: str) -> Tuple[Any, Any]:
    """(period code 0..T-1 per row, -1 for NaT; the PeriodIndex of the range)."""
    pd, np = pandas(), numpy()
    if freq not in ("W", "M", "D", "Q", "Y") and not str(freq).startswith("W-"):
        raise ValueError("freq must be 'W' (weeks), 'M' (months), 'Q', 'Y' or 'D', not %r"
                         % (freq,))
    try:
        dt = pd.to_datetime(dates)
    except (ValueError, TypeError) as exc:
        raise ValueError("date: cannot read the dates (%s)" % exc) from None
    per = pd.PeriodIndex(dt, freq=freq) if not hasattr(dt, "dt") else \
        pd.PeriodIndex(dt.dt.to_period(freq))
    ords = per.asi8
    ok = ~pd.isna(per)
    if not ok.any():
        raise ValueError("date: no valid date")
    lo, hi = ords[ok].min(), ords[ok].max()
    codes = np.where(ok, ords - lo, -1).astype("int64")
    rng = pd.period_range(start=pd.Period(ordinal=int(lo), freq=freq),
                          end=pd.Period(ordinal=int(hi), freq=freq), freq=freq)
    return codes, rng


def _unit_codes(col: Any) -> Tuple[Any, Any]:
    pd, np = pandas(), numpy()
    codes, uniques = pd.factorize(col, sort=True)
    return np.asarray(codes, dtype="int64"), pd.Index(uniques, name=getattr(col, "name", None))


@api
def tallies(data: Any, score: str = "score", unit: Optional[str] = None,
            date: Optional[str] = None, freq: str = "W", breaks: Any = None,
            skip_invalid: bool = False) -> Any:
    """NPS tallies of a DataFrame of answers: one row per unit (``unit``),
    per period (``date`` with ``freq``) or per (unit, period), every period
    of the range included (empty ones with zero counts, gaps for the
    charts). Blank scores (NaN) are skipped, rows without a unit or a date
    left out; a score off the scale raises (naming the row) unless
    ``skip_invalid``. Columns: detractors, passives, promoters, n."""
    pd, np = pandas(), numpy()
    if not is_frame(data):
        raise TypeError("data: a DataFrame of answers is needed (or pass counts=)")
    if score not in data.columns:
        raise KeyError("score: no column %r (columns: %s)"
                       % (score, ", ".join(map(str, data.columns))))
    n = len(data)
    ucodes = np.zeros(n, dtype="int64")
    units = None
    if unit is not None:
        if unit not in data.columns:
            raise KeyError("unit: no column %r" % (unit,))
        ucodes, units = _unit_codes(data[unit])
    pcodes = np.zeros(n, dtype="int64")
    periods = None
    if date is not None:
        if date not in data.columns:
            raise KeyError("date: no column %r" % (date,))
        pcodes, periods = _periods(data[date], freq)
        periods = periods.rename(date)
    n_units = len(units) if units is not None else 1
    n_periods = len(periods) if periods is not None else 1
    keep = (ucodes >= 0) & (pcodes >= 0)
    groups = ucodes * n_periods + pcodes
    sub = data[keep]
    counts = _nps.grouped(sub[score], pd.Series(groups[keep].astype("uint32"), index=sub.index),
                          n_units * n_periods, breaks=breaks, skip_invalid=skip_invalid,
                          as_array=True)
    counts = np.asarray(counts, dtype="uint64")
    out = pd.DataFrame(counts[:, :3].astype("int64"), columns=list(_COUNT_COLUMNS))
    out["n"] = out.sum(axis=1)
    if units is not None and periods is not None:
        out.index = pd.MultiIndex.from_product([units, periods])
    elif units is not None:
        out.index = units
    elif periods is not None:
        out.index = periods
    else:
        out.index = pd.Index(["all"])
    return out


def _counts(counts: Any, what: str = "counts") -> Tuple[Any, Any]:
    """(contiguous uint64 (m, 3) array, index labels or None) of tallies."""
    np = numpy()
    if isinstance(counts, (list, tuple)) and counts and \
            all(hasattr(t, "detractors") for t in counts):
        # loyalty.nps.Tally objects (nps.grouped, nps.tally, mergeable bytes)
        counts = [(t.detractors, t.passives, t.promoters) for t in counts]
    if is_frame(counts):
        missing = [c for c in _COUNT_COLUMNS if c not in counts.columns]
        if missing:
            raise KeyError("%s: the DataFrame needs the columns detractors, passives, "
                           "promoters (missing %s)" % (what, ", ".join(missing)))
        arr = counts[list(_COUNT_COLUMNS)].to_numpy()
        index = counts.index
    else:
        arr = np.asarray(counts)
        index = None
    if arr.ndim == 1 and arr.size == 3:
        arr = arr.reshape(1, 3)
    if arr.ndim < 2 or arr.shape[-1] != 3:
        raise ValueError("%s: need (detractors, passives, promoters) triples, got shape %s"
                         % (what, arr.shape))
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise ValueError("%s: counts must be whole numbers" % what)
    if arr.size and (arr < 0).any():
        raise ValueError("%s: counts must not be negative" % what)
    return np.ascontiguousarray(arr, dtype="uint64"), index


def _source(data: Any, counts: Any, score: Optional[str], unit: Optional[str],
            date: Optional[str], freq: str, breaks: Any) -> Any:
    if counts is not None:
        if data is not None:
            raise ValueError("data and counts: give one of them")
        return counts
    if data is None:
        raise ValueError("data: give a DataFrame of answers, or counts=")
    return tallies(data, score=score or "score", unit=unit, date=date, freq=freq,
                   breaks=breaks)


def _flags_cols(df: Any, flags: Any, spec: Sequence[Tuple[str, int]]) -> None:
    for name, bit in spec:
        df[name] = (flags & bit) != 0


# ------------------------------------------------------------------ funnel

@dataclass(frozen=True, repr=False)
class Funnel(Result):
    """A funnel analysis of units.

    ``units``: one row per unit with the counts, ``nps``, ``se``, ``z``,
    ``z_adjusted``, ``p_value`` (and ``p_lower``/``p_upper``, the exact
    trinomial tails, with ``exact=True``), the empirical-Bayes ``shrunk``
    NPS and its ``shrunk_se``, and the flags decoded: ``empty``,
    ``degenerate``, ``direction`` ("above"/"below"), ``outside_inner``,
    ``outside_outer``, ``bonferroni``, ``fdr`` (``exact_inner``,
    ``exact_outer``), and ``status``: a readable summary. NPS values are
    on the -1..1 scale.

    The scalars: the target (``target``, its shares and per-answer
    variance), the limit levels and their z, the dispersion ``phi`` and
    additive ``tau2_od``, counts of flagged units, the FDR line
    (``fdr_p``, ``fdr_z``), and the consistency figures: Cochran's
    ``q_stat``, DerSimonian-Laird ``tau2``, ``tau`` (the SD of the units'
    true NPS) and ``i2``, with the random-effects mean ``mu``.
    """

    n_units: int
    n_used: int
    n_degenerate: int
    n_total: int
    target: float
    target_promoters: float
    target_detractors: float
    target_variance: float
    levels: Tuple[float, float]
    z_levels: Tuple[float, float]
    overdispersion: str
    phi: float
    tau2_od: float
    alpha: float
    n_outside: Tuple[int, int]
    n_exact: Tuple[int, int]
    n_bonferroni: int
    n_fdr: int
    fdr_p: float
    fdr_z: float
    fixed_mean: float
    q_stat: float
    tau2: float
    tau: float
    i2: float
    mu: float
    mu_se: float
    flags: int
    units: Any = field(repr=False)

    @property
    def outliers(self) -> Any:
        """The units outside the inner limits."""
        return self.units[self.units["outside_inner"]]

    def _struct(self) -> Any:
        s = ffi.FunnelResult.new()
        for name, _ in ffi.FunnelResult._fields_:
            if name == "struct_size":
                continue
            v = getattr(self, name)
            if name == "overdispersion":
                v = _OD[v]
            if isinstance(v, tuple):
                arr = getattr(s, name)
                for i, x in enumerate(v):
                    arr[i] = x
                continue
            setattr(s, name, v)
        return s

    def limits(self, sizes: Any = None, level: Optional[float] = None,
               method: str = "normal") -> Any:
        """Funnel limits at answer counts ``sizes`` (default: 200 sizes
        from 1 to the largest unit) as a DataFrame with ``n``, ``lower`` and
        ``upper`` for ``level`` (default: both levels, columns
        ``lower_95``... named by level). ``method``: "normal", "adjusted"
        (with the overdispersion adjustment) or "exact" (trinomial)."""
        np, pd = numpy(), pandas()
        if method not in _LIMITS:
            raise ValueError("method must be 'normal', 'adjusted' or 'exact', not %r"
                             % (method,))
        if sizes is None:
            top = max(int(self.units["n"].max()), 2)
            sizes = np.unique(np.geomspace(1, top * 1.05, 200).round().astype("int64"))
        n = np.ascontiguousarray(np.asarray(sizes), dtype="uint64")
        fit = self._struct()
        out = pd.DataFrame({"n": n.astype("int64")})
        lv = [level] if level is not None else list(self.levels)
        for lev in lv:
            lo = np.empty(len(n))
            hi = np.empty(len(n))
            err = ctypes.c_size_t(NO_INDEX)
            rc = ffi.funnel_limits(_ptr(lo, ctypes.c_double), _ptr(hi, ctypes.c_double),
                                   _byref(fit), _ptr(n, ctypes.c_uint64), len(n), float(lev),
                                   _LIMITS[method], _byref(err))
            if rc < 0:
                raise _fail(rc, "loy_funnel_limits",
                            argument="sizes" if err.value != NO_INDEX else "level",
                            index=None if err.value == NO_INDEX else err.value)
            if level is not None:
                out["lower"], out["upper"] = lo, hi
            else:
                tag = ("%g" % (100 * lev)).replace(".", "_")
                out["lower_" + tag], out["upper_" + tag] = lo, hi
        return out


_FUNNEL_FLAGS = (("empty", ffi.FUNNEL_EMPTY), ("degenerate", ffi.FUNNEL_DEGENERATE),
                 ("outside_inner", ffi.FUNNEL_OUTSIDE_INNER),
                 ("outside_outer", ffi.FUNNEL_OUTSIDE_OUTER),
                 ("bonferroni", ffi.FUNNEL_BONFERRONI), ("fdr", ffi.FUNNEL_FDR))


def _target(target: Any) -> Tuple[float, float]:
    """(promoters, detractors) of a fixed target: a pair, a dict or an
    nps Tally."""
    if isinstance(target, dict):
        return float(target["promoters"]), float(target["detractors"])
    if hasattr(target, "promoters") and hasattr(target, "detractors"):
        n = target.detractors + target.passives + target.promoters
        return target.promoters / n, target.detractors / n
    p, d = target
    return float(p), float(d)


@api
def funnel(data: Any = None, score: Optional[str] = "score", unit: Optional[str] = None, *,
           counts: Any = None, target: Any = None, levels: Sequence[float] = (0.95, 0.998),
           overdispersion: Optional[str] = None, winsor: float = 0.1, alpha: float = 0.05,
           exact: bool = False, breaks: Any = None) -> Funnel:
    """Funnel analysis of units (C ``loy_funnel_compute``).

    ``data`` with ``score`` and ``unit`` columns, or ``counts`` (a
    DataFrame with detractors, passives, promoters per unit, an (m, 3)
    array, or a list of ``loyalty.nps.Tally``). ``target``: None (the pooled NPS) or a fixed (promoter share,
    detractor share). ``levels``: inner and outer limit levels.
    ``overdispersion``: None, "additive" (random effects) or
    "multiplicative". ``alpha``: Bonferroni level and FDR rate. ``exact``
    adds the exact trinomial tails. Units with no answers are flagged
    ``empty`` and left out of every estimate.
    """
    np, pd = numpy(), pandas()
    if data is not None and unit is None and counts is None:
        raise ValueError("unit: name the unit column (branch, agent, touchpoint)")
    src = _source(data, counts, score, unit, None, "W", breaks)
    arr, index = _counts(src)
    m = arr.shape[0]
    if len(levels) != 2:
        raise ValueError("levels: give two levels, inner then outer")
    if overdispersion not in _OD:
        raise ValueError("overdispersion must be None, 'additive' or 'multiplicative', not %r"
                         % (overdispersion,))
    o = ffi.FunnelOptions.new()
    ffi.funnel_options_init(_byref(o))
    if target is not None:
        o.target = ffi.FUNNEL_TARGET_FIXED
        o.target_promoters, o.target_detractors = _target(target)
    o.levels[0], o.levels[1] = float(levels[0]), float(levels[1])
    o.overdispersion = _OD[overdispersion]
    o.winsor = float(winsor)
    o.alpha = float(alpha)
    o.flags = ffi.FUNNEL_EXACT if exact else 0
    cols = ["nps", "variance", "se", "z", "z_adjusted", "p_value"] + \
        (["p_lower", "p_upper"] if exact else []) + ["shrunk", "shrunk_se"]
    outs = {c: np.full(m, np.nan) for c in cols}
    flags = np.zeros(m, dtype="uint32")
    u = ffi.FunnelUnits.new(flags=_ptr(flags, ctypes.c_uint32),
                            **{c: _ptr(v, ctypes.c_double) for c, v in outs.items()})
    res = ffi.FunnelResult.new()
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.funnel_compute(_byref(res), _byref(u), _ptr(arr, ctypes.c_uint64), m, 3,
                            _byref(o), _byref(err))
    if rc < 0:
        if rc == EOVERFLOW and err.value != NO_INDEX:
            raise _fail(rc, "loy_funnel_compute", argument="counts", index=err.value,
                        label=index[err.value] if index is not None else err.value)
        arg = {EDOMAIN: "target, levels, winsor, alpha",
               ENONFINITE: "target, levels, winsor, alpha",
               EDEGENERATE: "target", EEMPTY: "counts" if counts is not None else "data"}.get(rc)
        detail = "all answers in one class: the pooled NPS has no variance" \
            if rc == EDEGENERATE else None
        raise _fail(rc, "loy_funnel_compute", argument=arg, detail=detail)
    df = pd.DataFrame({"detractors": arr[:, 0].astype("int64"),
                       "passives": arr[:, 1].astype("int64"),
                       "promoters": arr[:, 2].astype("int64")},
                      index=index if index is not None else pd.RangeIndex(m, name="unit"))
    df["n"] = df[list(_COUNT_COLUMNS)].sum(axis=1)
    for c in cols:
        df[c] = outs[c]
    _flags_cols(df, flags, _FUNNEL_FLAGS)
    if exact:
        _flags_cols(df, flags, (("exact_inner", ffi.FUNNEL_EXACT_INNER),
                                ("exact_outer", ffi.FUNNEL_EXACT_OUTER)))
    df["direction"] = np.where(flags & ffi.FUNNEL_ABOVE, "above",
                               np.where(flags & ffi.FUNNEL_BELOW, "below", ""))
    df["status"] = [_funnel_status(int(f), res) for f in flags]
    df["flags"] = flags
    return Funnel(
        n_units=int(res.n_units), n_used=int(res.n_used), n_degenerate=int(res.n_degenerate),
        n_total=int(res.n_total), target=res.target, target_promoters=res.target_promoters,
        target_detractors=res.target_detractors, target_variance=res.target_variance,
        levels=(res.levels[0], res.levels[1]), z_levels=(res.z_levels[0], res.z_levels[1]),
        overdispersion=_OD_NAME[int(res.overdispersion)], phi=res.phi, tau2_od=res.tau2_od,
        alpha=res.alpha, n_outside=(int(res.n_outside[0]), int(res.n_outside[1])),
        n_exact=(int(res.n_exact[0]), int(res.n_exact[1])),
        n_bonferroni=int(res.n_bonferroni), n_fdr=int(res.n_fdr), fdr_p=res.fdr_p,
        fdr_z=res.fdr_z, fixed_mean=res.fixed_mean, q_stat=res.q_stat, tau2=res.tau2,
        tau=res.tau, i2=res.i2, mu=res.mu, mu_se=res.mu_se, flags=int(res.flags), units=df)


def _pct(level: float) -> str:
    return "%g%%" % (100 * level)


def _funnel_status(f: int, res: Any) -> str:
    if f & ffi.FUNNEL_EMPTY:
        return "no answers"
    side = "above" if f & ffi.FUNNEL_ABOVE else "below"
    parts = []
    if f & ffi.FUNNEL_OUTSIDE_OUTER:
        parts.append("%s %s limit" % (side, _pct(res.levels[1])))
    elif f & ffi.FUNNEL_OUTSIDE_INNER:
        parts.append("%s %s limit" % (side, _pct(res.levels[0])))
    if f & ffi.FUNNEL_FDR:
        parts.append("FDR")
    if f & ffi.FUNNEL_BONFERRONI:
        parts.append("Bonferroni")
    return ", ".join(parts) if parts else "within limits"


@api
def exact_tails(counts: Any, promoters: float, detractors: float) -> Tuple[float, float]:
    """Exact P(X <= x) and P(X >= x) of X = promoters - detractors for one
    tally (D, A, P) under target shares (C ``loy_funnel_exact_tails``)."""
    t = _nps._tally_struct(counts)
    lo = ctypes.c_double()
    hi = ctypes.c_double()
    rc = ffi.funnel_exact_tails(_byref(lo), _byref(hi), ctypes.cast(ctypes.pointer(t),
                                                                    ctypes.c_void_p),
                                float(promoters), float(detractors))
    if rc < 0:
        raise _fail(rc, "loy_funnel_exact_tails",
                    argument="counts" if rc in (EEMPTY, EOVERFLOW) else "promoters, detractors")
    return lo.value, hi.value


# ------------------------------------------------------------------ charts

def _grid(src: Any) -> Tuple[Any, Any, Any, bool]:
    """(uint64 (U*T, 3) unit-major array, unit labels, period labels, one
    unit without a unit level) from tallies of a unit x period grid."""
    pd = pandas()
    if is_frame(src):
        arr, index = _counts(src)
        if isinstance(index, pd.MultiIndex):
            if index.nlevels != 2:
                raise ValueError("counts: the index must be (unit, period)")
            units = index.levels[0][index.codes[0]].unique()
            periods = index.levels[1][index.codes[1]].unique()
            full = pd.MultiIndex.from_product([units, periods], names=index.names)
            if len(full) != len(index) or not full.equals(index):
                src = src.reindex(full, fill_value=0)
                arr, _ = _counts(src)
            return arr, units, periods, False
        return arr, pd.Index(["all"]), index, True
    a = numpy().asarray(src)
    if a.ndim == 2:
        arr, _ = _counts(a)
        return arr, pd.Index(["all"]), pd.RangeIndex(arr.shape[0], name="period"), True
    if a.ndim == 3 and a.shape[2] == 3:
        U, T = a.shape[0], a.shape[1]
        arr, _ = _counts(a.reshape(U * T, 3))
        return arr, pd.RangeIndex(U, name="unit"), pd.RangeIndex(T, name="period"), False
    raise ValueError("counts: need a (periods, 3) or (units, periods, 3) array, got shape %s"
                     % (a.shape,))


@dataclass(frozen=True, repr=False)
class Chart(Result):
    """Control charts of NPS per period.

    ``points``: one row per (unit, period) (per period for one unit) with
    the counts, ``nps``, the Shewhart, Laney and EWMA limits, ``ewma``,
    ``cusum_upper``/``cusum_lower``, and the decoded ``code``: ``gap``,
    ``baseline``, ``side``, ``shewhart``/``laney``/``ewma_signal``/
    ``cusum_signal`` ("high", "low" or ""), ``long_run``, ``signal`` (any
    signal) and ``signals`` (readable text). ``units``: one row per unit
    with the centre line, sigma, Laney's sigma_z, runs figures and the
    period of each chart's first signal (None when none), plus decoded
    unit flags."""

    limit: float
    ewma_lambda: float
    ewma_limit: float
    cusum_k: float
    cusum_h: float
    baseline_start: int
    baseline_length: int
    points: Any = field(repr=False)
    units: Any = field(repr=False)

    def unit(self, name: Any) -> Any:
        """The points of one unit, indexed by period."""
        if isinstance(self.points.index, pandas().MultiIndex):
            return self.points.xs(name, level=0)
        return self.points


_HL = ((ffi.SIGNAL_SHEWHART_HIGH, ffi.SIGNAL_SHEWHART_LOW, "shewhart", "Shewhart"),
       (ffi.SIGNAL_LANEY_HIGH, ffi.SIGNAL_LANEY_LOW, "laney", "Laney"),
       (ffi.SIGNAL_EWMA_HIGH, ffi.SIGNAL_EWMA_LOW, "ewma_signal", "EWMA"),
       (ffi.SIGNAL_CUSUM_HIGH, ffi.SIGNAL_CUSUM_LOW, "cusum_signal", "CUSUM"))


def _signal_text(c: int) -> str:
    parts = []
    for hi, lo, _, label in _HL:
        if c & hi:
            parts.append(label + " high")
        if c & lo:
            parts.append(label + " low")
    if c & ffi.SIGNAL_LONG_RUN:
        parts.append("long run")
    return ", ".join(parts)


def _baseline_labels(window: slice, periods: Any) -> Tuple[int, int]:
    """(start, length) of a window of period labels, both ends included
    (``slice("2024-02", "2025-01")``, as pandas' label slicing)."""
    pd = pandas()
    idx = pd.Index(periods)
    try:
        lo, hi = idx.slice_locs(window.start, window.stop)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("baseline: %r is not a range of the periods (%s to %s): %s"
                         % (window, periods[0], periods[-1], exc)) from None
    if hi <= lo:
        raise ValueError("baseline: no period between %r and %r" % (window.start, window.stop))
    return int(lo), int(hi - lo)


@api
def chart(data: Any = None, score: Optional[str] = "score", date: Optional[str] = None,
          unit: Optional[str] = None, *, freq: str = "W", counts: Any = None,
          baseline: Union[None, int, Tuple[int, int], slice] = None, target: Any = None,
          limit: float = 3.0, ewma_lambda: float = 0.2, ewma_limit: float = 3.0,
          cusum_k: float = 0.5, cusum_h: float = 5.0, breaks: Any = None) -> Chart:
    """Control charts of every unit's NPS series (C ``loy_chart_compute``).

    ``data`` with ``score`` and ``date`` (and ``unit``) columns, tallied by
    ``freq`` ("W" or "M"); or ``counts``: :func:`tallies` output (index
    period, or (unit, period)), a (periods, 3) or a (units, periods, 3)
    array. ``baseline``: the window that sets the centre line and sigma,
    the first ``baseline`` periods, (start, length), or a slice of period
    labels such as ``slice("2024-02", "2025-01")`` (both ends included);
    default every period. ``target``: a fixed (promoter share, detractor share) instead.
    """
    np, pd = numpy(), pandas()
    if data is not None and counts is None and date is None:
        raise ValueError("date: name the date column")
    src = _source(data, counts, score, unit, date, freq, breaks)
    arr, units, periods, single = _grid(src)
    U, T = len(units), len(periods)
    o = ffi.ChartOptions.new()
    ffi.chart_options_init(_byref(o))
    if isinstance(baseline, slice):
        baseline = _baseline_labels(baseline, periods)
    if baseline is not None:
        if isinstance(baseline, tuple):
            o.baseline_start, o.baseline_length = int(baseline[0]), int(baseline[1])
        else:
            o.baseline_start, o.baseline_length = 0, int(baseline)
        if o.baseline_length == 0:
            raise ValueError("baseline: the window needs at least one period")
    if target is not None:
        o.target = ffi.CHART_TARGET_FIXED
        o.target_promoters, o.target_detractors = _target(target)
    o.limit, o.ewma_lambda, o.ewma_limit = float(limit), float(ewma_lambda), float(ewma_limit)
    o.cusum_k, o.cusum_h = float(cusum_k), float(cusum_h)
    pcols = ["nps", "shewhart_lower", "shewhart_upper", "laney_lower", "laney_upper", "ewma",
             "ewma_lower", "ewma_upper", "cusum_upper", "cusum_lower"]
    pout = {c: np.full(U * T, np.nan) for c in pcols}
    codes = np.zeros(U * T, dtype="uint32")
    pts = ffi.ChartPoints.new(codes=_ptr(codes, ctypes.c_uint32),
                              **{c: _ptr(v, ctypes.c_double) for c, v in pout.items()})
    ucols_d = ["centre", "sigma", "sigma_z"]
    ucols_s = ["n_points", "n_useful", "longest_run", "longest_run_limit", "crossings",
               "crossings_limit", "first_shewhart", "first_laney", "first_ewma", "first_cusum"]
    uout = {c: np.full(U, np.nan) for c in ucols_d}
    sout = {c: np.zeros(U, dtype=np.uintp) for c in ucols_s}
    uflags = np.zeros(U, dtype="uint32")
    un = ffi.ChartUnits.new(flags=_ptr(uflags, ctypes.c_uint32),
                            **{c: _ptr(v, ctypes.c_double) for c, v in uout.items()},
                            **{c: _ptr(v, ctypes.c_size_t) for c, v in sout.items()})
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.chart_compute(_byref(un), _byref(pts), _ptr(arr, ctypes.c_uint64), U, T, 3,
                           _byref(o), _byref(err))
    if rc < 0:
        if rc == EOVERFLOW:
            raise _fail(rc, "loy_chart_compute", argument="counts", index=err.value)
        arg = {EDOMAIN: "baseline, target, limit, ewma_lambda, ewma_limit, cusum_k, cusum_h",
               ENONFINITE: "target, limit, ewma_lambda, ewma_limit, cusum_k, cusum_h",
               EEMPTY: "counts" if counts is not None else "data"}.get(rc)
        raise _fail(rc, "loy_chart_compute", argument=arg)
    idx = periods if single else pd.MultiIndex.from_product([units, periods])
    df = pd.DataFrame({"detractors": arr[:, 0].astype("int64"),
                       "passives": arr[:, 1].astype("int64"),
                       "promoters": arr[:, 2].astype("int64")}, index=idx)
    df["n"] = df[list(_COUNT_COLUMNS)].sum(axis=1)
    for c in pcols:
        df[c] = pout[c]
    df["code"] = codes
    df["gap"] = (codes & ffi.SIGNAL_GAP) != 0
    df["baseline"] = (codes & ffi.SIGNAL_BASELINE) != 0
    df["side"] = np.where(codes & ffi.SIGNAL_ABOVE, "above",
                          np.where(codes & ffi.SIGNAL_BELOW, "below", ""))
    for hi, lo, name, _ in _HL:
        df[name] = np.where(codes & hi, "high", np.where(codes & lo, "low", ""))
    df["long_run"] = (codes & ffi.SIGNAL_LONG_RUN) != 0
    df["signal"] = (codes & ffi.SIGNAL_ANY) != 0
    df["signals"] = [_signal_text(int(c)) for c in codes]
    ut = pd.DataFrame(uout, index=units)
    for c in ucols_s:
        v = sout[c]
        if c.startswith("first_"):
            ut[c] = [None if int(x) == NO_INDEX else periods[int(x)] for x in v]
        else:
            ut[c] = v.astype("int64")
    _flags_cols(ut, uflags, (("no_baseline", ffi.CHART_NO_BASELINE),
                             ("degenerate", ffi.CHART_DEGENERATE),
                             ("no_laney", ffi.CHART_NO_LANEY),
                             ("long_run", ffi.CHART_LONG_RUN),
                             ("few_crossings", ffi.CHART_FEW_CROSSINGS)))
    ut["charted"] = ~(ut["no_baseline"] | ut["degenerate"])
    ut["signals"] = [int(((codes[u * T:(u + 1) * T] & ffi.SIGNAL_ANY) != 0).sum())
                     for u in range(U)]
    ut["flags"] = uflags
    return Chart(limit=o.limit, ewma_lambda=o.ewma_lambda, ewma_limit=o.ewma_limit,
                 cusum_k=o.cusum_k, cusum_h=o.cusum_h, baseline_start=int(o.baseline_start),
                 baseline_length=int(o.baseline_length), points=df, units=ut)


# ------------------------------------------------------------- run lengths

def _sides(sides: str) -> int:
    try:
        return _SIDES[sides]
    except KeyError:
        raise ValueError("sides must be 'two', 'upper' or 'lower', not %r" % (sides,)) from None


def _arl_opts(head_start: float, reflect: float, nodes: int) -> Any:
    o = ffi.ArlOptions.new()
    ffi.arl_options_init(_byref(o))
    o.head_start, o.reflect, o.nodes = float(head_start), float(reflect), int(nodes)
    return o


def _arl(fn: Any, what: str, names: Sequence[str], args: Sequence[float], sides: str,
         opts: Any) -> float:
    """One run-length call: the statistic, or the error naming the arguments
    (the options' head start and barrier too when they are set)."""
    out = ctypes.c_double()
    rc = fn(_byref(out), *[float(a) for a in args], _sides(sides), _byref(opts))
    if rc < 0:
        pairs = list(zip(names, args)) + [(n, getattr(opts, n)) for n in ("head_start", "reflect")
                                          if getattr(opts, n) != 0.0]
        raise _fail(rc, what, argument=", ".join(n for n, _ in pairs),
                    detail=", ".join("%s=%g" % (n, v) for n, v in pairs))
    return out.value


def _over_shifts(fn: Any, shift: Any) -> Any:
    """fn(shift) for a number, or an array of fn over an array of shifts."""
    if isinstance(shift, (int, float)):
        return fn(float(shift))
    np = numpy()
    return np.array([fn(float(s)) for s in np.asarray(shift, dtype=float).reshape(-1)])


@api
def arl_ewma(lam: float, limit: float, shift: Any = 0.0, sides: str = "two",
             head_start: float = 0.0, reflect: float = 0.0, nodes: int = 0) -> Any:
    """Average run length of an EWMA chart with weight ``lam`` and limit
    ``limit`` (asymptotic SDs) for a mean ``shift`` in SDs of one
    observation (a number, or an array of shifts). ``sides``: "two",
    "upper" or "lower"; ``head_start`` and ``reflect`` (one-sided
    barrier) in asymptotic SDs."""
    o = _arl_opts(head_start, reflect, nodes)
    return _over_shifts(lambda s: _arl(ffi.arl_ewma, "loy_arl_ewma", ("lam", "limit", "shift"),
                                       (lam, limit, s), sides, o), shift)


@api
def arl_cusum(k: float, h: float, shift: Any = 0.0, sides: str = "two",
              head_start: float = 0.0, nodes: int = 0) -> Any:
    """Average run length of a standardised CUSUM with reference value
    ``k`` and decision interval ``h`` for a mean ``shift`` in SDs."""
    o = _arl_opts(head_start, 0.0, nodes)
    return _over_shifts(lambda s: _arl(ffi.arl_cusum, "loy_arl_cusum", ("k", "h", "shift"),
                                       (k, h, s), sides, o), shift)


@api
def ewma_limit(lam: float, arl0: float, sides: str = "two", nodes: int = 0) -> float:
    """The EWMA limit L whose in-control ARL is ``arl0``."""
    return _arl(ffi.arl_ewma_limit, "loy_arl_ewma_limit", ("lam", "arl0"), (lam, arl0),
                sides, _arl_opts(0.0, 0.0, nodes))


@api
def cusum_limit(k: float, arl0: float, sides: str = "two", nodes: int = 0) -> float:
    """The CUSUM decision interval h whose in-control ARL is ``arl0``."""
    return _arl(ffi.arl_cusum_limit, "loy_arl_cusum_limit", ("k", "arl0"), (k, arl0), sides,
                _arl_opts(0.0, 0.0, nodes))


# --------------------------------------------------------- change, trend

@api
def change(data: Any = None, score: Optional[str] = "score", date: Optional[str] = None,
           unit: Optional[str] = None, *, freq: str = "W", counts: Any = None, lag: int = 1,
           method: str = "wald", level: float = 0.95, pseudo: Optional[Sequence[float]] = None,
           breaks: Any = None) -> Any:
    """Period-over-period NPS change (C ``loy_change_compute``): each
    period against ``lag`` periods before (1: week over week, 52 or 12:
    year over year), with ``diff``, ``se``, ``z``, ``p_value`` and the
    interval ``lower``/``upper`` (``method`` "wald" or "adjusted").
    Columns ``compared`` (False when either period is a gap or t < lag)
    and ``degenerate`` (zero standard error) decode the flags."""
    np, pd = numpy(), pandas()
    if data is not None and counts is None and date is None:
        raise ValueError("date: name the date column")
    src = _source(data, counts, score, unit, date, freq, breaks)
    arr, units, periods, single = _grid(src)
    U, T = len(units), len(periods)
    m = _nps._method(method)
    cols = ["diff", "se", "z", "p_value", "lower", "upper"]
    out = {c: np.full(U * T, np.nan) for c in cols}
    flags = np.zeros(U * T, dtype="uint32")
    pts = ffi.ChangePoints.new(flags=_ptr(flags, ctypes.c_uint32),
                               **{c: _ptr(v, ctypes.c_double) for c, v in out.items()})
    opts = None
    if pseudo is not None:
        o = _nps._Options()
        _nps._options_init(_byref(o))
        o.pseudo = (ctypes.c_double * 3)(*[float(x) for x in pseudo])
        opts = ctypes.cast(ctypes.pointer(o), ctypes.c_void_p)
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.change_compute(_byref(pts), _ptr(arr, ctypes.c_uint64), U, T, 3, int(lag), m,
                            float(level), opts, _byref(err))
    if rc < 0:
        arg = {EINVAL: "lag, method", EDOMAIN: "level, pseudo", ENONFINITE: "level, pseudo",
               EOVERFLOW: "counts", EEMPTY: "counts" if counts is not None else "data"}.get(rc)
        raise _fail(rc, "loy_change_compute", argument=arg,
                    detail="lag=%d, level=%g" % (lag, level))
    idx = periods if single else pd.MultiIndex.from_product([units, periods])
    n = arr.sum(axis=1).astype("int64")
    nps_v = np.where(n > 0, (arr[:, 2].astype(float) - arr[:, 0]) / np.maximum(n, 1), np.nan)
    df = pd.DataFrame({"n": n, "nps": nps_v}, index=idx)
    for c in cols:
        df[c] = out[c]
    df["compared"] = (flags & ffi.CHANGE_NONE) == 0
    df["degenerate"] = (flags & _nps.DEGENERATE) != 0
    df["flags"] = flags
    return df


@api
def topbox_trend(data: Any = None, score: Optional[str] = "score", date: Optional[str] = None,
                 unit: Optional[str] = None, *, freq: str = "W", counts: Any = None,
                 level: float = 0.95, breaks: Any = None) -> Any:
    """Trend of the top-box share P / (P + A) over periods, per unit (C
    ``loy_topbox_trend``): ``slope`` in log-odds per period with ``se``,
    interval and ``p_value``, the quasi-binomial ``dispersion``, the
    fitted shares at the first and last periods, and the decoded flags
    ``empty``, ``separated`` and ``overdispersed``."""
    np, pd = numpy(), pandas()
    if data is not None and counts is None and date is None:
        raise ValueError("date: name the date column")
    src = _source(data, counts, score, unit, date, freq, breaks)
    arr, units, periods, single = _grid(src)
    U, T = len(units), len(periods)
    cols = ["slope", "se", "lower", "upper", "p_value", "dispersion", "share_first",
            "share_last"]
    out = {c: np.full(U, np.nan) for c in cols}
    npr = np.zeros(U, dtype=np.uintp)
    flags = np.zeros(U, dtype="uint32")
    tu = ffi.TrendUnits.new(flags=_ptr(flags, ctypes.c_uint32),
                            n_periods=_ptr(npr, ctypes.c_size_t),
                            **{c: _ptr(v, ctypes.c_double) for c, v in out.items()})
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.topbox_trend(_byref(tu), _ptr(arr, ctypes.c_uint64), U, T, 3, float(level),
                          _byref(err))
    if rc < 0:
        raise _fail(rc, "loy_topbox_trend", argument={EDOMAIN: "level", ENONFINITE: "level",
                                                      EOVERFLOW: "counts"}.get(rc, "counts"))
    df = pd.DataFrame(out, index=units)
    df["n_periods"] = npr.astype("int64")
    _flags_cols(df, flags, (("empty", ffi.TREND_EMPTY), ("separated", ffi.TREND_SEPARATED),
                            ("overdispersed", ffi.TREND_OVERDISPERSED)))
    df["flags"] = flags
    return df


