# SPDX-License-Identifier: MIT
"""Key-driver analysis: which attributes move NPS or satisfaction, and where
to act first (C ``loy_moments_*`` and ``loy_drivers_*``; formulas in
docs/guide/drivers.md).

Two steps, as in the C library: a :class:`MomentTally` holds the weighted
means and co-moments of the columns (mergeable, serializable, the same bytes
a database aggregate stores), and the analysis reads it. The functions here
do both from a DataFrame (or a 2-D array, or a tally you built yourself):

- :func:`linear`: R², adjusted R², LMG (Shapley) shares with conditional,
  general and complete dominance, relative weights, CAR, first/last,
  betasq, pratt, standardized coefficients with t and p; intervals by
  the delete-a-group jackknife (``jackknife=G``) or the Poisson bootstrap
  (``bootstrap=B``, also rank probabilities);
- :func:`logistic` (promoter or not) and :func:`ordinal` (detractor <
  passive < promoter): the same dominance analysis on a pseudo-R² with the
  four pseudo-R² of the full model;
- :func:`prca`: penalty-reward contrast analysis, the Kano-style classes;
- :func:`ipa`: importance-performance analysis (the priority matrix).

Results are frozen dataclasses whose tables are DataFrames indexed by the
driver (or group) names. Errors name the argument and the column: a constant
driver or one that is a linear combination of others raises a DomainError
whose ``argument`` is that column's name.
"""

import ctypes

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _drivers_ffi as ffi
from ._api import api
from ._pandas import numpy, pandas, is_frame, is_series, label_at
from ._struct import Result
from .errors import (error_for, LoyaltyError, NO_INDEX, EBUFSIZE, EDEGENERATE, EDOMAIN,
                     EINCONSISTENT, EINVAL, ENOCONV, ESCALE, EOVERFLOW, ENONFINITE,
                     EEMPTY)

__all__ = ["MomentTally", "TallyInfo", "DriverAnalysis", "Dominance", "PenaltyReward",
           "ImportancePerformance", "linear", "logistic", "ordinal", "prca", "ipa",
           "poisson_weight"]

_byref = ctypes.byref
Columns = Union[str, Sequence[Any], None]
_MISSING = {"raise": 0, "listwise": ffi.MOMENTS_LISTWISE, "pairwise": ffi.MOMENTS_PAIRWISE}
_INDEX = {"mcfadden": ffi.MCFADDEN, "cox_snell": ffi.COX_SNELL,
          "nagelkerke": ffi.NAGELKERKE, "estrella": ffi.ESTRELLA}
_INT_MAX = 1048576.0


# ------------------------------------------------------------------ helpers

def _missing_flag(missing: str) -> int:
    try:
        return _MISSING[missing]
    except KeyError:
        raise ValueError("missing must be 'listwise', 'pairwise' or 'raise', not %r"
                         % (missing,)) from None


def _names(value: Columns, what: str) -> List[Any]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return [value]
    out = list(value)
    if not out and what == "drivers":
        raise ValueError("drivers: give at least one driver column")
    return out


def _column_arrays(data: Any, cols: Sequence[Any], what: Sequence[str]) -> Tuple[List[Any], Any]:
    """float64 or integer numpy columns of ``data`` (DataFrame, dict of
    columns, 2-D array) and the row index (None for arrays)."""
    np = numpy()
    if is_frame(data):
        out = []
        for name, role in zip(cols, what):
            if name not in data.columns:
                raise KeyError("%s: no column %r (columns: %s)"
                               % (role, name, ", ".join(map(str, data.columns))))
            out.append(_numeric(data[name], "%s %r" % (role, name)))
        return out, data.index
    if isinstance(data, Mapping):
        out = []
        for name, role in zip(cols, what):
            if name not in data:
                raise KeyError("%s: no column %r" % (role, name))
            out.append(_numeric(data[name], "%s %r" % (role, name)))
        idx = data[cols[0]].index if is_series(data[cols[0]]) else None
        return out, idx
    arr = np.asarray(data)
    if arr.ndim != 2:
        raise ValueError("data must be a DataFrame, a dict of columns or a 2-D array")
    out = []
    for c, role in zip(cols, what):
        if not isinstance(c, (int, np.integer)) or not 0 <= int(c) < arr.shape[1]:
            raise ValueError("%s: %r is not a column index of a %d-column array"
                             % (role, c, arr.shape[1]))
        out.append(_numeric(arr[:, int(c)], "%s %r" % (role, c)))
    return out, None


def _numeric(col: Any, what: str) -> Any:
    """A column as a numpy array: integer and float64 data without a copy
    (the C library reads float64 columns in place), anything else as
    float64 with NaN for pandas' missing values."""
    np = numpy()
    if is_series(col):
        dt = col.dtype
        if isinstance(dt, np.dtype) and dt.kind in "iubf":
            return col.to_numpy()
        try:
            return col.to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            raise TypeError("%s: not numeric (dtype %s)" % (what, dt)) from None
    arr = np.asarray(col)
    if arr.dtype.kind in "iubf":
        return arr
    try:
        return np.asarray(arr, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError("%s: not numeric (dtype %s)" % (what, arr.dtype)) from None


def _all_whole(cols: Sequence[Any]) -> bool:
    """Every value a whole number within the integer tally's range (NaN
    allowed): only needed when invalid values are skipped, since a strict
    integer tally reports them itself."""
    np = numpy()
    for c in cols:
        if c.dtype.kind == "f":
            ok = np.isnan(c) | ((c == np.floor(c)) & (np.abs(c) <= _INT_MAX))
            if not ok.all():
                return False
        elif c.dtype.kind in "iu" and c.size and (c.min() < -_INT_MAX or c.max() > _INT_MAX):
            return False
    return True


def _whole_weights(w: Any) -> bool:
    np = numpy()
    return bool(np.all(np.isfinite(w)) and np.all(w == np.floor(w)) and
                np.all((w >= 0) & (w <= _INT_MAX)))


def _fail(code: int, what: str, argument: Optional[str] = None, label: Any = None,
          index: Optional[int] = None, detail: Optional[str] = None) -> LoyaltyError:
    return error_for(code, index, what, argument=argument, label=label, detail=detail)


# ------------------------------------------------------------ moment tally

@dataclass(frozen=True, repr=False)
class TallyInfo(Result):
    """Counts and settings of a :class:`MomentTally`."""

    k: int
    flags: int
    replicates: int
    seed: int
    n: int
    sum_w: float
    n_min: int
    rows_missing: int
    rows_invalid: int
    rows_zero_weight: int


class MomentTally:
    """Mergeable tally of the weighted means and co-moments of k columns
    (C ``loy_moments``).

    ``columns``: k names (kept by Python, used to label ``mean()``,
    ``cov()``, ``cor()`` and to pick DataFrame columns in :meth:`add`) or
    the number k. ``integer=True`` keeps exact integer sums: values and
    weights must be whole numbers (|z| <= 2^20), and any split of the
    data, merged in any order, gives byte-identical tallies.
    ``missing``: "raise" (a NaN is an error), "listwise" (skip and count
    the row) or "pairwise" (each pair of columns over the rows where both
    are present). ``skip_invalid`` counts off-scale values as invalid
    instead of failing; ``scale=(lo, hi)`` declares the valid range of
    every column. ``bootstrap=B`` keeps B Poisson-bootstrap replicate
    tallies (rows then need ids: :meth:`add` uses ``ids`` or the row
    positions).

    ``merge``/``+=`` add another tally's rows, ``unmerge``/``-=`` remove
    them; ``to_bytes``/``from_bytes`` (aliases ``serialize``/``deserialize``)
    give the portable byte form, as ``loyalty.mergeable`` does for the other
    states.
    """

    _h: Any
    columns: Tuple[Any, ...]

    def __init__(self, columns: Union[int, Sequence[Any]], integer: bool = False,
                 missing: str = "raise", skip_invalid: bool = False,
                 scale: Optional[Tuple[float, float]] = None, bootstrap: int = 0,
                 seed: int = 0) -> None:
        if isinstance(columns, int):
            names: List[Any] = list(range(columns))
        else:
            names = list(columns)
        flags = _missing_flag(missing)
        if integer:
            flags |= ffi.MOMENTS_INTEGER
        if skip_invalid:
            flags |= ffi.MOMENTS_SKIP_INVALID
        h = ffi.P_MOMENTS()
        rc = ffi.moments_new(_byref(h), len(names), flags)
        if rc < 0:
            raise _fail(rc, "loy_moments_new", argument="columns")
        self._h = h
        self.columns = tuple(names)
        if scale is not None:
            lo, hi = scale
            rc = ffi.moments_set_scale(h, ffi.MOMENTS_ALL_COLUMNS, float(lo), float(hi))
            if rc < 0:
                raise _fail(rc, "loy_moments_set_scale", argument="scale",
                            detail="scale=(%r, %r)" % (lo, hi))
        if bootstrap:
            rc = ffi.moments_set_bootstrap(h, int(bootstrap), int(seed) & (2 ** 64 - 1))
            if rc < 0:
                raise _fail(rc, "loy_moments_set_bootstrap", argument="bootstrap",
                            detail="bootstrap=%d" % bootstrap)

    def __del__(self) -> None:
        h = getattr(self, "_h", None)
        if h:
            ffi.moments_free(h)
            self._h = None

    @classmethod
    def _wrap(cls, h: Any, columns: Sequence[Any]) -> "MomentTally":
        obj = cls.__new__(cls)
        obj._h = h
        obj.columns = tuple(columns)
        return obj

    # -- adding rows
    def add(self, data: Any, weights: Any = None, ids: Any = None) -> "MomentTally":
        """Add rows: a DataFrame (the tally's columns are picked by name), a
        dict of columns, or a 2-D array of k columns. float64 columns are
        read in place; uint8 ratings (255: missing) take the fastest path.
        On error
        the tally is unchanged and the error names the column and the row
        label. Returns self."""
        np = numpy()
        if is_frame(data) or isinstance(data, Mapping):
            cols, index = _column_arrays(data, self.columns, ["column"] * len(self.columns))
        else:
            arr = np.asarray(data)
            if arr.ndim == 1 and len(self.columns) == 1:
                arr = arr.reshape(-1, 1)
            if arr.ndim != 2 or arr.shape[1] != len(self.columns):
                raise ValueError("data: need %d columns, got shape %s"
                                 % (len(self.columns), arr.shape))
            cols = [arr[:, j] if arr.dtype.kind in "iub" else
                    np.asarray(arr[:, j], dtype="float64") for j in range(arr.shape[1])]
            index = None
        w = None if weights is None else _weights(data, weights)
        self._add_cols(cols, w, _ids(data, ids, len(cols[0]) if cols else 0, self), index)
        return self

    def _add_cols(self, cols: Sequence[Any], w: Any, ids: Any, index: Any,
                  positions: Any = None) -> None:
        np = numpy()
        n = len(cols[0]) if cols else 0
        if any(len(c) != n for c in cols) or (w is not None and len(w) != n):
            raise ValueError("data: columns and weights must have the same length")
        err = ctypes.c_size_t(NO_INDEX)
        pw = None if w is None else w.ctypes.data_as(ffi._PD)
        pid = None if ids is None else ids.ctypes.data_as(ffi._PU64)
        if cols and all(c.dtype == np.uint8 for c in cols):
            u8 = [np.ascontiguousarray(c) for c in cols]  # 255: missing
            ptrs = (ffi._PU8 * len(u8))(*[c.ctypes.data_as(ffi._PU8) for c in u8])
            rc = ffi.moments_add_cols_u8(self._h, ptrs, n, pw, pid, _byref(err))
        else:
            f = [np.ascontiguousarray(c, dtype="float64") for c in cols]
            ptrs2 = (ffi._PD * len(f))(*[c.ctypes.data_as(ffi._PD) for c in f])
            rc = ffi.moments_add_cols(self._h, ptrs2, n, pw, pid, _byref(err))
        if rc < 0:
            raise self._add_error(rc, err.value, cols, w, index, positions)

    def _add_error(self, rc: int, e: int, cols: Sequence[Any], w: Any, index: Any,
                   positions: Any) -> LoyaltyError:
        k = len(self.columns)
        if e == NO_INDEX:
            return _fail(rc, "loy_moments_add", argument=", ".join(map(str, self.columns)))
        i, j = divmod(e, k + 1)
        if j == k:
            name, value = "weights", (w[i] if w is not None else 1.0)
        else:
            name, value = str(self.columns[j]), cols[j][i]
        pos = int(positions[i]) if positions is not None else i
        return _fail(rc, "loy_moments_add", argument=name, index=pos,
                     label=label_at(index, pos), detail="%s=%r" % (name, _py(value)))

    # -- merging and bytes
    def merge(self, other: "MomentTally") -> "MomentTally":
        """Add other's rows into this tally (exact in integer mode); self."""
        rc = ffi.moments_merge(self._h, other._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_merge", argument="other")
        return self

    def unmerge(self, part: "MomentTally") -> "MomentTally":
        """Remove a part merged earlier (the jackknife's total - group); self."""
        rc = ffi.moments_unmerge(self._h, part._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_unmerge", argument="part")
        return self

    def __iadd__(self, other: "MomentTally") -> "MomentTally":
        return self.merge(other)

    def __isub__(self, other: "MomentTally") -> "MomentTally":
        return self.unmerge(other)

    def __add__(self, other: "MomentTally") -> "MomentTally":
        return self.copy().merge(other)

    def copy(self) -> "MomentTally":
        """A deep copy."""
        h = ffi.P_MOMENTS()
        rc = ffi.moments_clone(_byref(h), self._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_clone")
        return MomentTally._wrap(h, self.columns)

    def to_bytes(self) -> bytes:
        """The portable byte form (loy_moments_serialize)."""
        need = ctypes.c_size_t(0)
        rc = ffi.moments_serialize(None, 0, _byref(need), self._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_serialize")
        buf = (ctypes.c_uint8 * max(need.value, 1))()
        rc = ffi.moments_serialize(buf, need.value, _byref(need), self._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_serialize")
        return bytes(buf[:need.value])

    @classmethod
    def from_bytes(cls, data: bytes, columns: Optional[Sequence[Any]] = None) -> "MomentTally":
        """Rebuild a tally from :meth:`to_bytes` output (BadInputError when
        the bytes are malformed). ``columns`` names the columns again."""
        raw = bytes(data)
        buf = (ctypes.c_uint8 * max(len(raw), 1)).from_buffer_copy(raw or b"\0")
        h = ffi.P_MOMENTS()
        rc = ffi.moments_deserialize(_byref(h), buf, len(raw))
        if rc < 0:
            raise _fail(rc, "loy_moments_deserialize", argument="data")
        obj = cls._wrap(h, ())
        k = obj.info().k
        names = list(range(k)) if columns is None else list(columns)
        if len(names) != k:
            raise ValueError("columns: the tally has %d columns, %d names given"
                             % (k, len(names)))
        obj.columns = tuple(names)
        return obj

    serialize = to_bytes
    deserialize = from_bytes

    def __reduce__(self) -> Any:
        return (_tally_from_state, (self.to_bytes(), self.columns))

    # -- reading
    def info(self) -> TallyInfo:
        """Rows counted, skipped and the tally's settings."""
        out = ffi.MomentsInfo.new()
        rc = ffi.moments_info_get(_byref(out), self._h)
        if rc < 0:
            raise _fail(rc, "loy_moments_info_get")
        return TallyInfo(**{n: getattr(out, n) for n, _ in ffi.MomentsInfo._fields_
                            if n != "struct_size"})

    def _matrix(self, fn: Any, what: str, square: bool) -> Any:
        np = numpy()
        k = len(self.columns)
        out = np.empty(k * k if square else k)
        if fn is ffi.moments_cor:
            err = ctypes.c_size_t(NO_INDEX)
            rc = fn(out.ctypes.data_as(ffi._PD), k, self._h, _byref(err))
            if rc < 0:
                arg = str(self.columns[err.value]) if err.value < k else None
                raise _fail(rc, what, argument=arg)
        else:
            rc = fn(out.ctypes.data_as(ffi._PD), k, self._h)
            if rc < 0:
                raise _fail(rc, what)
        if not square:
            return _series(out, self.columns)
        out = out.reshape(k, k)
        if "pandas" in __import__("sys").modules:
            return pandas().DataFrame(out, index=list(self.columns), columns=list(self.columns))
        return out

    def mean(self) -> Any:
        """Weighted column means (a Series when pandas is loaded)."""
        return self._matrix(ffi.moments_mean, "loy_moments_mean", False)

    def cov(self) -> Any:
        """Weighted covariance matrix, divisor W - 1 (as ``np.cov``)."""
        return self._matrix(ffi.moments_cov, "loy_moments_cov", True)

    def cor(self) -> Any:
        """Correlation matrix (pairwise: R's pairwise.complete.obs)."""
        return self._matrix(ffi.moments_cor, "loy_moments_cor", True)

    def replicate(self, b: int) -> "MomentTally":
        """Bootstrap replicate b as a tally of its own."""
        h = ffi.P_MOMENTS()
        rc = ffi.moments_replicate(_byref(h), self._h, int(b))
        if rc < 0:
            raise _fail(rc, "loy_moments_replicate", argument="b", detail="b=%d" % b)
        return MomentTally._wrap(h, self.columns)

    def __repr__(self) -> str:
        i = self.info()
        return "MomentTally(columns=%r, n=%d, sum_w=%.6g%s)" % (
            list(self.columns), i.n, i.sum_w,
            ", replicates=%d" % i.replicates if i.replicates else "")


def _tally_from_state(data: bytes, columns: Sequence[Any]) -> MomentTally:
    return MomentTally.from_bytes(data, columns)


def _py(v: Any) -> Any:
    item = getattr(v, "item", None)
    return item() if callable(item) else v


def _series(values: Any, index: Sequence[Any], name: Optional[str] = None) -> Any:
    if "pandas" in __import__("sys").modules:
        return pandas().Series(values, index=list(index), name=name)
    return values


def _weights(data: Any, weights: Any) -> Any:
    np = numpy()
    if isinstance(weights, str):
        if not (is_frame(data) or isinstance(data, Mapping)) or weights not in data:
            raise KeyError("weights: no column %r" % weights)
        weights = data[weights]
    w = np.ascontiguousarray(_numeric(weights, "weights"), dtype="float64")
    return w


def _ids(data: Any, ids: Any, n: int, tally: MomentTally) -> Any:
    np = numpy()
    if ids is None:
        if tally.info().replicates == 0:
            return None
        return np.arange(n, dtype=np.uint64)
    if isinstance(ids, str):
        ids = data[ids]
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu":
        pd = pandas()
        arr = pd.util.hash_array(np.asarray(arr, dtype=object))
    return np.ascontiguousarray(arr.astype(np.uint64))


def poisson_weight(seed: int, id: int, b: int) -> int:
    """The Poisson(1) bootstrap multiplier of row ``id`` in replicate ``b``
    (stable across versions and machines: it defines the replicates)."""
    k = ctypes.c_uint32()
    rc = ffi.moments_poisson_weight(_byref(k), int(seed) & (2 ** 64 - 1),
                                    int(id) & (2 ** 64 - 1), int(b))
    if rc < 0:
        raise _fail(rc, "loy_moments_poisson_weight")
    return int(k.value)


# ----------------------------------------------------------------- results

@dataclass(frozen=True, repr=False)
class Dominance(Result):
    """Dominance analysis of the players (drivers or groups).

    ``conditional``: mean gain in R² of each player over the submodels with
    s other players (columns 0..g-1); ``general``, ``conditional_codes``
    and ``complete``: g x g code matrices (1: row dominates column, 0:
    column dominates row, 0.5: undetermined), ``complete_share``: the
    share of comparisons the row wins (complete dominance needs
    ``complete=True``)."""

    conditional: Any = field(repr=False)
    general: Any = field(repr=False)
    conditional_codes: Any = field(repr=False)
    complete: Any = field(default=None, repr=False)
    complete_share: Any = field(default=None, repr=False)


@dataclass(frozen=True, repr=False)
class DriverAnalysis(Result):
    """A driver analysis (linear, logistic or ordinal).

    ``importance``: one row per player (driver or group), sorted as given,
    with ``lmg`` (on the R² scale), ``share`` (LMG share, sums to 1),
    ``rank``, ``first``, ``last`` and, when every driver is its own
    player, ``rw``/``rw_share`` (relative weights), ``betasq``,
    ``pratt``, ``car`` and ``sign``; with intervals ``share_se``,
    ``share_lower``, ``share_upper``. ``coefficients``: one row per driver
    (``estimate``, ``std_estimate``, ``se``, ``t``, ``p``, ``sign``).
    ``intervals``: every metric's estimate, se, lower and upper (index:
    metric, player), when a jackknife or bootstrap ran.
    ``rank_probabilities``: bootstrap share of replicates in which each
    player ranks k-th or better (columns top_1..top_g).
    """

    model: str
    outcome: Any
    drivers: Tuple[Any, ...]
    players: Tuple[Any, ...]
    n: int
    sum_w: float
    r2: float
    r2_adj: float
    r2_always: float
    r2_decomp: float
    f_stat: float
    f_p: float
    df_resid: float
    importance: Any = field(repr=False)
    coefficients: Any = field(repr=False)
    dominance: Optional[Dominance] = field(default=None, repr=False)
    intercept: Tuple[float, ...] = ()
    intervals: Any = field(default=None, repr=False)
    rank_probabilities: Any = field(default=None, repr=False)
    interval_method: Optional[str] = None
    level: float = 0.95
    replicates: int = 0
    replicates_failed: int = 0
    sampled: bool = False
    mc_se_max: float = 0.0
    index: Optional[str] = None
    loglik: Optional[float] = None
    loglik_null: Optional[float] = None
    mcfadden: Optional[float] = None
    cox_snell: Optional[float] = None
    nagelkerke: Optional[float] = None
    estrella: Optional[float] = None
    converged: bool = True
    categories: int = 0
    rows_skipped: int = 0
    rows_missing: int = 0

    @property
    def shares(self) -> Any:
        """The LMG shares (Series indexed by player)."""
        return self.importance["share"]

    def sorted(self, by: str = "share") -> Any:
        """The importance table sorted by ``by``, largest first."""
        return self.importance.sort_values(by, ascending=False)


_PLAYER_METRICS = ("lmg", "lmg_share", "rank", "first", "last")
_DRIVER_METRICS = ("rw", "rw_share", "betasq", "pratt", "car", "sign")
_GLM_LMG = ("lmg_mcfadden", "lmg_cox_snell", "lmg_nagelkerke", "lmg_estrella")
_INTERVAL_METRICS = ("lmg", "lmg_share", "first", "last", "rw", "rw_share", "betasq",
                     "pratt", "car", "beta", "beta_std", "rank")


def _get(res: Any, metric: str, stat: int = ffi.ESTIMATE) -> Optional[List[float]]:
    rc, vals = ffi.get_metric(res, metric, stat)
    if rc in (EDOMAIN, EDEGENERATE):
        return None
    if rc < 0 and rc != EBUFSIZE:
        raise _fail(rc, "loy_drivers_result_get")
    return vals


def _summary(res: Any) -> Any:
    s = ffi.Summary.new()
    rc = ffi.result_summary(_byref(s), res)
    if rc < 0:
        raise _fail(rc, "loy_drivers_result_summary")
    return s


def _build(res: Any, model: str, outcome: Any, drivers: Sequence[Any],
           players: Sequence[Any], index: Optional[str] = None,
           rows_missing: int = 0) -> DriverAnalysis:
    pd, np = pandas(), numpy()
    s = _summary(res)
    g, p = len(players), len(drivers)
    imp: Dict[str, Any] = {}
    renames = {"lmg_share": "share"}
    for m in _PLAYER_METRICS + (_GLM_LMG if model != "linear" else ()):
        v = _get(res, m)
        imp[renames.get(m, m)] = v if v is not None else [np.nan] * g
    if g == p:
        for m in _DRIVER_METRICS:
            v = _get(res, m)
            if v is not None:
                imp[m] = v
    resampled = bool(s.flags & (ffi.JACKKNIFED | ffi.BOOTSTRAPPED))
    if resampled:
        for stat, suffix in ((ffi.STDERR, "_se"), (ffi.LOWER, "_lower"), (ffi.UPPER, "_upper")):
            v = _get(res, "lmg_share", stat)
            if v is not None:
                imp["share" + suffix] = v
    if s.flags & ffi.SAMPLED:
        v = _get(res, "lmg_mcse")
        if v is not None:
            imp["lmg_mcse"] = v
    importance = pd.DataFrame(imp, index=pd.Index(list(players), name="driver"))
    if "rank" in importance:
        importance["rank"] = importance["rank"].astype("Int64") \
            if importance["rank"].isna().any() else importance["rank"].astype("int64")
    if "sign" in importance:
        importance["sign"] = importance["sign"].astype("int64")

    coef: Dict[str, Any] = {}
    for m, col in (("beta", "estimate"), ("beta_std", "std_estimate")):
        v = _get(res, m)
        coef[col] = v if v is not None else [np.nan] * p
    se = _get(res, "beta", ffi.STDERR)
    coef["se"] = se if se is not None else [np.nan] * p
    for m in ("t", "p", "sign"):
        v = _get(res, m)
        coef[m] = v if v is not None else [np.nan] * p
    coefficients = pd.DataFrame(coef, index=pd.Index(list(drivers), name="driver"))
    if not coefficients["sign"].isna().any():
        coefficients["sign"] = coefficients["sign"].astype("int64")

    dominance = None
    cond = _get(res, "conditional")
    if cond is not None:
        pidx = pd.Index(list(players), name="driver")

        def mat(name: str, cols: Any = None) -> Any:
            v = _get(res, name)
            if v is None:
                return None
            return pd.DataFrame(np.asarray(v).reshape(g, g), index=pidx,
                                columns=pidx.rename(None) if cols is None else cols)
        dominance = Dominance(
            conditional=mat("conditional", pd.RangeIndex(g, name="others")),
            general=mat("dom_general"), conditional_codes=mat("dom_conditional"),
            complete=mat("dom_complete"), complete_share=mat("complete_share"))

    intervals = None
    if resampled:
        rows = []
        for m in _INTERVAL_METRICS:
            est = _get(res, m)
            if est is None:
                continue
            stats = [_get(res, m, st) for st in (ffi.STDERR, ffi.LOWER, ffi.UPPER)]
            if any(x is None for x in stats):
                continue
            names = players if len(est) == g and m in _PLAYER_METRICS else drivers
            for i, name in enumerate(names):
                rows.append((m, name, est[i], stats[0][i], stats[1][i], stats[2][i]))  # type: ignore
        intervals = pd.DataFrame(rows, columns=["metric", "driver", "estimate", "se",
                                                "lower", "upper"]).set_index(["metric", "driver"])
    topk = None
    tk = _get(res, "topk")
    if tk is not None:
        topk = pd.DataFrame(np.asarray(tk).reshape(g, g),
                            index=pd.Index(list(players), name="driver"),
                            columns=["top_%d" % (k + 1) for k in range(g)])
    intercept = tuple(_get(res, "intercept") or ())
    glm = model != "linear"
    return DriverAnalysis(
        model=model, outcome=outcome, drivers=tuple(drivers), players=tuple(players),
        n=int(s.n), sum_w=float(s.sum_w), r2=float(s.r2), r2_adj=float(s.r2_adj),
        r2_always=float(s.r2_always), r2_decomp=float(s.r2_decomp), f_stat=float(s.f_stat),
        f_p=float(s.f_p), df_resid=float(s.df_resid), importance=importance,
        coefficients=coefficients, dominance=dominance, intercept=intercept,
        intervals=intervals, rank_probabilities=topk,
        interval_method=("jackknife" if s.flags & ffi.JACKKNIFED else
                         "bootstrap" if s.flags & ffi.BOOTSTRAPPED else None),
        level=float(s.level) if resampled else 0.95, replicates=int(s.replicates),
        replicates_failed=int(s.replicates_failed), sampled=bool(s.flags & ffi.SAMPLED),
        mc_se_max=float(s.mc_se_max), index=index,
        loglik=float(s.loglik) if glm else None,
        loglik_null=float(s.loglik_null) if glm else None,
        mcfadden=float(s.mcfadden) if glm else None,
        cox_snell=float(s.cox_snell) if glm else None,
        nagelkerke=float(s.nagelkerke) if glm else None,
        estrella=float(s.estrella) if glm else None,
        converged=not bool(s.flags & ffi.NOCONV), categories=int(s.categories),
        rows_skipped=int(s.rows_skipped), rows_missing=rows_missing)


# ------------------------------------------------------------- the spec

class _Spec:
    """Columns and roles of an analysis: outcome 0, drivers 1..p, covariates
    after; the groups as player ids."""

    def __init__(self, outcome: Any, drivers: Sequence[Any], always: Sequence[Any],
                 groups: Any) -> None:
        self.outcome = outcome
        self.drivers = list(drivers)
        self.always = list(always)
        self.columns = [outcome] + self.drivers + self.always
        if len(set(map(_key, self.columns))) != len(self.columns):
            raise ValueError("outcome, drivers and always must name distinct columns")
        p = len(self.drivers)
        self.players: List[Any] = list(self.drivers)
        self.group_ids = None
        if groups is not None:
            self.players, ids = _groups(groups, self.drivers)
            self.group_ids = (ctypes.c_uint32 * p)(*ids)
        self.drv = (ctypes.c_size_t * p)(*range(1, p + 1))
        q = len(self.always)
        self.alw = (ctypes.c_size_t * max(q, 1))(*range(p + 1, p + 1 + q))
        self.spec = ffi.Spec.new(outcome=0, drivers=self.drv, n_drivers=p,
                                 groups=self.group_ids, always=self.alw if q else None,
                                 n_always=q)

    def roles(self) -> List[str]:
        return (["outcome"] + ["drivers"] * len(self.drivers) + ["always"] * len(self.always))

    def blame(self, code: int, column: int, what: str) -> LoyaltyError:
        if column < len(self.columns):
            role = self.roles()[column]
            name = self.columns[column]
            detail = {EDEGENERATE: "constant, or a linear combination of other columns",
                      EINCONSISTENT: "the pairwise correlation matrix is not positive "
                                     "definite"}.get(code)
            return _fail(code, what, argument="%s %s" % (role, _fmtname(name)), detail=detail)
        detail = None
        if code == EDEGENERATE:
            detail = ("too few rows for the number of drivers, no variation, or an "
                      "exact fit")
        return _fail(code, what, argument="data", detail=detail)


def _key(x: Any) -> Any:
    return (type(x).__name__, x) if not isinstance(x, str) else ("str", x)


def _fmtname(name: Any) -> str:
    return repr(name) if isinstance(name, str) else str(name)


def _groups(groups: Any, drivers: Sequence[Any]) -> Tuple[List[Any], List[int]]:
    """Player names and each driver's player id from ``groups``: a dict
    {group name: [drivers]} or one group label per driver."""
    if isinstance(groups, Mapping):
        names = list(groups)
        where: Dict[Any, int] = {}
        for gi, name in enumerate(names):
            for d in _names(groups[name], "groups"):
                if d in where:
                    raise ValueError("groups: driver %r is in two groups" % (d,))
                where[d] = gi
        # drivers not named in any group are players of their own
        ids = []
        for d in drivers:
            if d not in where:
                where[d] = len(names)
                names.append(d)
            ids.append(where[d])
        unknown = [d for d in where if d not in list(drivers)]
        if unknown:
            raise ValueError("groups: %r not among the drivers" % (unknown[0],))
        return names, ids
    labels = list(groups)
    if len(labels) != len(drivers):
        raise ValueError("groups: need one group label per driver (%d), got %d"
                         % (len(drivers), len(labels)))
    names = []
    ids = []
    for lab in labels:
        if lab not in names:
            names.append(lab)
        ids.append(names.index(lab))
    return names, ids


def _options(flags: int = 0, max_exact: Optional[int] = None, index: int = 0,
             orders: Optional[int] = None, seed: int = 0, level: float = 0.95) -> Any:
    o = ffi.Options.new()
    ffi.options_init(_byref(o))
    o.flags = flags
    o.max_exact = int(max_exact or 0)
    o.index = index
    o.orders = int(orders or 0)
    o.seed = int(seed) & (2 ** 64 - 1)
    o.level = float(level)
    return o


def _result(fn: Any, *args: Any) -> Any:
    """Call an analysis: (status, result handle, err_index)."""
    res = ffi.P_RESULT()
    err = ctypes.c_size_t(NO_INDEX)
    rc = fn(_byref(res), *args, _byref(err))
    return rc, res, err.value


# ------------------------------------------------------------ linear

@api
def linear(data: Any, outcome: Any = None, drivers: Columns = None, *,
           weights: Any = None, missing: str = "listwise", always: Columns = None,
           groups: Any = None, complete: bool = False, jackknife: int = 0,
           jackknife_groups: Any = None, bootstrap: int = 0, seed: int = 0,
           ids: Any = None, level: float = 0.95, sample: bool = False,
           max_exact: Optional[int] = None, orders: Optional[int] = None,
           full_only: bool = False, scale: Optional[Tuple[float, float]] = None,
           skip_invalid: bool = False) -> DriverAnalysis:
    """Linear driver analysis (C ``loy_drivers_linear``).

    ``data``: a DataFrame (``outcome`` and ``drivers`` are column names), a
    dict of columns, a 2-D array (column indices) or a :class:`MomentTally`
    (names or indices of its columns). ``weights``: a column name or an
    array. ``missing``: "listwise" (default: rows with a NaN in a used
    column are skipped and counted in ``rows_missing``), "pairwise" or
    "raise". float64 columns are read in place; whole-number data (ratings)
    get an exact integer tally.

    ``always``: covariates kept in every model (LMG divides R² minus their
    R²). ``groups``: {name: [drivers]} (or a label per driver) makes each
    group one player. ``complete=True`` adds complete dominance (memory
    8 * 2^g bytes). Above ``max_exact`` players (default 24) LMG needs
    ``sample=True`` (permutation sampling with ``orders`` antithetic pairs
    and ``seed``; ``mc_se_max`` reports the Monte Carlo error).

    Intervals (``level``): ``jackknife=G`` splits the rows into G groups by
    position mod G (or by ``jackknife_groups``, a column or array of group
    labels) and deletes one at a time; ``bootstrap=B`` builds B Poisson
    replicates in the same pass (row ids ``ids`` or the positions, seed
    ``seed``) and adds rank probabilities. With a :class:`MomentTally` built
    with ``bootstrap=B``, any ``bootstrap > 0`` uses its replicates.
    """
    if isinstance(data, MomentTally):
        return _linear_tally(data, outcome, drivers, always, groups, complete, sample,
                             max_exact, orders, seed, level, full_only, bootstrap)
    np = numpy()
    if outcome is None or drivers is None:
        raise ValueError("outcome and drivers: name the outcome column and the driver columns")
    if jackknife and bootstrap:
        raise ValueError("jackknife and bootstrap: choose one interval method")
    spec = _Spec(outcome, _names(drivers, "drivers"), _names(always, "always"), groups)
    cols, index = _column_arrays(data, spec.columns, spec.roles())
    if not all(c.dtype == np.uint8 for c in cols):
        # once, so that a second pass (see below) does not convert again
        cols = [np.ascontiguousarray(c, dtype="float64") for c in cols]
    w = None if weights is None else _weights(data, weights)
    flags = _missing_flag(missing)
    if skip_invalid:
        flags |= ffi.MOMENTS_SKIP_INVALID
    # Whole-number data (ratings) get an exact integer tally; the library
    # checks that as it reads, and a value that is not whole (or too large)
    # sends the data through the double tally instead.
    integer = (w is None or _whole_weights(w)) and (not skip_invalid or _all_whole(cols))

    def new(fl: int) -> MomentTally:
        t = MomentTally.__new__(MomentTally)
        h = ffi.P_MOMENTS()
        rc = ffi.moments_new(_byref(h), len(spec.columns), fl)
        if rc < 0:
            raise _fail(rc, "loy_moments_new")
        t._h, t.columns = h, tuple(spec.columns)
        if scale is not None:
            rc = ffi.moments_set_scale(h, ffi.MOMENTS_ALL_COLUMNS, float(scale[0]),
                                       float(scale[1]))
            if rc < 0:
                raise _fail(rc, "loy_moments_set_scale", argument="scale")
        if bootstrap:
            rc = ffi.moments_set_bootstrap(h, int(bootstrap), int(seed) & (2 ** 64 - 1))
            if rc < 0:
                raise _fail(rc, "loy_moments_set_bootstrap", argument="bootstrap",
                            detail="bootstrap=%d" % bootstrap)
        return t

    n = len(cols[0])
    row_ids = None
    if bootstrap:
        row_ids = _ids(data, ids, n, new(flags)) if ids is not None else \
            np.arange(n, dtype=np.uint64)
    parts = None
    if jackknife or jackknife_groups is not None:
        parts = _jackknife_parts(data, jackknife, jackknife_groups, n)

    def build(fl: int) -> Tuple[MomentTally, List[MomentTally]]:
        if parts is None:
            t = new(fl)
            t._add_cols(cols, w, row_ids, index)
            return t, []
        tallies = []
        for pos in parts:
            t = new(fl)
            t._add_cols([c[pos] for c in cols], None if w is None else w[pos], None,
                        index, pos)
            tallies.append(t)
        total = tallies[0].copy()
        for t in tallies[1:]:
            total.merge(t)
        return total, tallies

    try:
        total, tallies = build(flags | (ffi.MOMENTS_INTEGER if integer else 0))
    except LoyaltyError as exc:
        if not integer or exc.code not in (ESCALE, EOVERFLOW):
            raise
        total, tallies = build(flags)
    opts = _options((ffi.COMPLETE if complete else 0) | (ffi.SAMPLE if sample else 0) |
                    (ffi.BOOTSTRAP if bootstrap else 0) | (ffi.FULL_ONLY if full_only else 0),
                    max_exact, 0, orders, seed, level)
    if tallies:
        arr = (ffi.P_MOMENTS * len(tallies))(*[t._h for t in tallies])
        rc, res, err = _result(ffi.jackknife, total._h, arr, len(tallies), _byref(spec.spec),
                               _byref(opts))
    else:
        rc, res, err = _result(ffi.linear, total._h, _byref(spec.spec), _byref(opts))
    missing_rows = total.info().rows_missing
    return _finish(rc, res, err, spec, "linear", "loy_drivers_linear", None, missing_rows)


def _jackknife_parts(data: Any, g: int, labels: Any, n: int) -> List[Any]:
    np = numpy()
    if labels is not None:
        if isinstance(labels, str):
            labels = data[labels]
        codes = np.unique(np.asarray(labels), return_inverse=True)[1].reshape(-1)
        if len(codes) != n:
            raise ValueError("jackknife_groups: need one label per row")
        k = int(codes.max()) + 1 if n else 0
    else:
        if int(g) < 2:
            raise ValueError("jackknife: need at least 2 groups, not %r" % (g,))
        k = int(g)
        codes = np.arange(n) % k
    if k < 2:
        raise ValueError("jackknife_groups: need at least 2 groups")
    return [np.flatnonzero(codes == j) for j in range(k)]


def _finish(rc: int, res: Any, err: int, spec: _Spec, model: str, what: str,
            index: Optional[str], rows_missing: int) -> DriverAnalysis:
    try:
        if rc == ENOCONV and res:
            out = _build(res, model, spec.outcome, spec.drivers, spec.players, index,
                         rows_missing)
            raise error_for(rc, None, what, argument="data", result=out,
                            detail="separation or no convergence; .result holds the best point")
        if rc < 0:
            raise _fail(rc, what) if rc == EINVAL else spec.blame(rc, err, what)
        return _build(res, model, spec.outcome, spec.drivers, spec.players, index, rows_missing)
    finally:
        if res:
            ffi.result_free(res)


def _linear_tally(t: MomentTally, outcome: Any, drivers: Columns, always: Columns,
                  groups: Any, complete: bool, sample: bool, max_exact: Optional[int],
                  orders: Optional[int], seed: int, level: float, full_only: bool,
                  bootstrap: int) -> DriverAnalysis:
    cols = list(t.columns)

    def col(name: Any, role: str) -> int:
        if name in cols:
            return cols.index(name)
        if isinstance(name, int) and 0 <= name < len(cols):
            return name
        raise KeyError("%s: no column %r in the tally (columns: %s)"
                       % (role, name, ", ".join(map(str, cols))))
    if outcome is None or drivers is None:
        raise ValueError("outcome and drivers: name the tally's outcome and driver columns")
    dn, an = _names(drivers, "drivers"), _names(always, "always")
    spec = _Spec(outcome, dn, an, groups)
    idx = [col(outcome, "outcome")] + [col(d, "drivers") for d in dn] + \
        [col(a, "always") for a in an]
    spec.columns = [cols[i] for i in idx]
    spec.spec.outcome = idx[0]
    for j, i in enumerate(idx[1:1 + len(dn)]):
        spec.drv[j] = i
    for j, i in enumerate(idx[1 + len(dn):]):
        spec.alw[j] = i
    opts = _options((ffi.COMPLETE if complete else 0) | (ffi.SAMPLE if sample else 0) |
                    (ffi.BOOTSTRAP if bootstrap else 0) | (ffi.FULL_ONLY if full_only else 0),
                    max_exact, 0, orders, seed, level)
    rc, res, err = _result(ffi.linear, t._h, _byref(spec.spec),
                           _byref(opts))
    if rc < 0 and err != NO_INDEX and err < len(cols):
        err = idx.index(err) if err in idx else err
    return _finish(rc, res, err, spec, "linear", "loy_drivers_linear", None,
                   t.info().rows_missing)


# ------------------------------------------------------ logistic, ordinal

def _glm(fn: Any, what: str, model: str, data: Any, outcome: Any, drivers: Columns,
         weights: Any, missing: str, always: Columns, groups: Any, index: str,
         max_exact: Optional[int], sample: bool, orders: Optional[int], seed: int,
         full_only: bool, recode: Optional[Any]) -> DriverAnalysis:
    np = numpy()
    if outcome is None or drivers is None:
        raise ValueError("outcome and drivers: name the outcome column and the driver columns")
    if missing not in ("listwise", "raise"):
        raise ValueError("missing must be 'listwise' or 'raise' for %s models, not %r"
                         % (model, missing))
    try:
        ix = _INDEX[index]
    except KeyError:
        raise ValueError("index must be one of %s, not %r" % (", ".join(_INDEX), index)) from None
    spec = _Spec(outcome, _names(drivers, "drivers"), _names(always, "always"), groups)
    cols, _ = _column_arrays(data, spec.columns, spec.roles())
    cols = [np.asarray(c, dtype="float64") for c in cols]
    if recode is not None:
        cols[0] = recode(cols[0])
    n, k = len(cols[0]), len(cols)
    z = np.empty((k, n))
    for j, c in enumerate(cols):
        z[j] = c
    w = None if weights is None else _weights(data, weights)
    if w is not None and len(w) != n:
        raise ValueError("weights: need one weight per row")
    opts = _options((ffi.LISTWISE if missing == "listwise" else 0) |
                    (ffi.SAMPLE if sample else 0) | (ffi.FULL_ONLY if full_only else 0),
                    max_exact, ix, orders, seed)
    res = ffi.P_RESULT()
    err = ctypes.c_size_t(NO_INDEX)
    rc = fn(_byref(res), z.ctypes.data_as(ffi._PD), n, k, 1, n,
            None if w is None else w.ctypes.data_as(ffi._PD), _byref(spec.spec),
            _byref(opts), _byref(err))
    e = err.value
    if rc < 0 and rc != ENOCONV and e != NO_INDEX and e > k:
        # a bad value: row i, column j (j == k: the weight)
        i, j = divmod(e, k + 1)
        idx = data.index if is_frame(data) else None
        name = "weights" if j == k else "%s %s" % (spec.roles()[j], _fmtname(spec.columns[j]))
        val = (w[i] if w is not None else 1.0) if j == k else z[j, i]
        if res:
            ffi.result_free(res)
        raise _fail(rc, what, argument=name, index=i, label=label_at(idx, i),
                    detail="value %r" % _py(val))
    return _finish(rc, res, e, spec, model, what, index, 0)


@api
def logistic(data: Any, outcome: Any = None, drivers: Columns = None, *,
             weights: Any = None, missing: str = "listwise", always: Columns = None,
             groups: Any = None, index: str = "mcfadden", promoter_min: Optional[float] = None,
             max_exact: Optional[int] = None, sample: bool = False,
             orders: Optional[int] = None, seed: int = 0,
             full_only: bool = False) -> DriverAnalysis:
    """Logistic driver analysis (C ``loy_drivers_logistic``): a 0/1 outcome
    such as promoter or not (or a 0-10 score with ``promoter_min=9``, which
    recodes score >= 9 to 1). LMG and dominance on the fit ``index``
    ("mcfadden", "cox_snell", "nagelkerke", "estrella"); the importance
    table carries LMG on all four (``lmg_mcfadden`` ...), the result the
    four pseudo-R² of the full model. Separation or no convergence raises
    NotConvergedError whose ``result`` holds the best point."""
    recode = None
    if promoter_min is not None:
        np = numpy()
        cut = float(promoter_min)

        def recode(y: Any) -> Any:
            return np.where(np.isnan(y), np.nan, (y >= cut).astype(float))
    return _glm(ffi.logistic, "loy_drivers_logistic", "logistic", data, outcome, drivers,
                weights, missing, always, groups, index, max_exact, sample, orders, seed,
                full_only, recode)


@api
def ordinal(data: Any, outcome: Any = None, drivers: Columns = None, *,
            weights: Any = None, missing: str = "listwise", always: Columns = None,
            groups: Any = None, index: str = "mcfadden", nps_classes: bool = False,
            max_exact: Optional[int] = None, sample: bool = False,
            orders: Optional[int] = None, seed: int = 0,
            full_only: bool = False) -> DriverAnalysis:
    """Ordinal driver analysis (proportional odds, C ``loy_drivers_ordinal``):
    the outcome's distinct values are the ordered categories;
    ``nps_classes=True`` recodes a 0-10 score to detractor (0-6) < passive
    (7-8) < promoter (9-10). ``intercept`` holds the thresholds."""
    recode = None
    if nps_classes:
        np = numpy()

        def recode(y: Any) -> Any:
            return np.where(np.isnan(y), np.nan,
                            np.where(y >= 9, 2.0, np.where(y >= 7, 1.0, 0.0)))
    return _glm(ffi.ordinal, "loy_drivers_ordinal", "ordinal", data, outcome, drivers,
                weights, missing, always, groups, index, max_exact, sample, orders, seed,
                full_only, recode)


# ------------------------------------------------------------ PRCA, IPA

@dataclass(frozen=True, repr=False)
class PenaltyReward(Result):
    """Penalty-reward contrast analysis: ``table`` has one row per driver
    with penalty (loss for a low rating), reward (gain for a high rating),
    asymmetry = penalty - reward, their standard errors and p-values, and
    the Kano-style ``kano`` class (basic, performance, excitement, low
    impact) at level ``alpha``."""

    n: int
    r2: float
    r2_adj: float
    alpha: float
    low_max: float
    high_min: float
    table: Any = field(repr=False)


@api
def prca(data: Any, outcome: Any = None, drivers: Columns = None, *,
         low_max: float = 6, high_min: float = 9, alpha: float = 0.05,
         weights: Any = None, missing: str = "listwise") -> PenaltyReward:
    """Which attributes are basic factors (a low rating hurts more than a
    high one helps), excitement factors (the reverse) or performance
    factors (C ``loy_drivers_prca_add``, ``loy_drivers_prca``). A rating
    <= ``low_max`` is low, >= ``high_min`` high (6 and 9 on 0-10; use 2
    and 5 on 1-5)."""
    np, pd = numpy(), pandas()
    if outcome is None or drivers is None:
        raise ValueError("outcome and drivers: name the outcome column and the driver columns")
    dn = _names(drivers, "drivers")
    spec = _Spec(outcome, dn, [], None)
    cols, index = _column_arrays(data, spec.columns, spec.roles())
    y = np.ascontiguousarray(cols[0], dtype="float64")
    p, n = len(dn), len(y)
    x = np.empty((p, n))
    for j in range(p):
        x[j] = cols[1 + j]
    w = None if weights is None else _weights(data, weights)
    h = ffi.P_MOMENTS()
    rc = ffi.moments_new(_byref(h), 2 * p + 1, _missing_flag(missing))
    if rc < 0:
        raise _fail(rc, "loy_moments_new", argument="drivers")
    # owns the handle: freed with the object, whatever happens below
    tally = MomentTally._wrap(h, ["y"] + ["L_%s" % d for d in dn] + ["H_%s" % d for d in dn])
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.prca_add(tally._h, y.ctypes.data_as(ffi._PD), x.ctypes.data_as(ffi._PD), n, p, 1, n,
                      None if w is None else w.ctypes.data_as(ffi._PD), None,
                      float(low_max), float(high_min), _byref(err))
    if rc < 0:
        e = err.value
        if e == NO_INDEX:
            raise _fail(rc, "loy_drivers_prca_add", argument="low_max, high_min"
                        if rc == EDOMAIN else "data")
        i, j = divmod(e, p + 2)
        name = "drivers %s" % _fmtname(dn[j]) if j < p else \
            ("outcome %s" % _fmtname(outcome) if j == p else "weights")
        val = x[j, i] if j < p else (y[i] if j == p else (w[i] if w is not None else 1.0))
        raise _fail(rc, "loy_drivers_prca_add", argument=name, index=i,
                    label=label_at(index, i), detail="value %r" % _py(val))
    res = ffi.P_RESULT()
    rc = ffi.prca(_byref(res), tally._h, p, float(alpha), _byref(err))
    try:
        if rc < 0:
            e = err.value
            arg = "drivers %s" % _fmtname(dn[e]) if e < p else ("alpha" if rc == EDOMAIN
                                                                  else "data")
            detail = ("no low or no high rating, or collinear indicators"
                      if rc == EDEGENERATE and e < p else None)
            raise _fail(rc, "loy_drivers_prca", argument=arg, detail=detail)
        s = _summary(res)
        tab: Dict[str, Any] = {}
        for m in ("penalty", "reward", "asymmetry"):
            tab[m] = _get(res, m)
            tab[m + "_se"] = _get(res, m, ffi.STDERR)
            tab[m + "_p"] = _get(res, m + "_p")
        kano = (ctypes.c_int32 * p)()
        need = ctypes.c_size_t(0)
        rc = ffi.result_kano(kano, p, _byref(need), res)
        if rc < 0:
            raise _fail(rc, "loy_drivers_result_kano")
        tab["kano"] = [ffi.kano_name(int(c)).decode("ascii") for c in kano]
        tab = {k: v for k, v in tab.items() if v is not None}
        table = pd.DataFrame(tab, index=pd.Index(dn, name="driver"))
        return PenaltyReward(n=int(s.n), r2=float(s.r2), r2_adj=float(s.r2_adj),
                             alpha=float(alpha), low_max=float(low_max),
                             high_min=float(high_min), table=table)
    finally:
        if res:
            ffi.result_free(res)


_KANO_CODE = {v: k for k, v in ffi.KANO.items()}
_CUTS = {"mean": ffi.IPA_CUT_MEAN, "median": ffi.IPA_CUT_MEDIAN}


@dataclass(frozen=True, repr=False)
class ImportancePerformance(Result):
    """Importance-performance analysis (the priority matrix).

    ``table``: one row per driver with ``importance`` (share, sums to 1),
    ``performance`` (0-100), ``top_box`` and ``bottom_box`` shares, the
    ``quadrant`` ("key strength", "priority fix", "secondary strength",
    "low priority") and ``opportunity`` = importance x (100 -
    performance)/100 (act first on the largest). ``importance_cut`` and
    ``performance_cut`` are the lines that split the quadrants."""

    importance_cut: float
    performance_cut: float
    scale: Tuple[int, int]
    table: Any = field(repr=False)

    def priorities(self) -> Any:
        """The table sorted by opportunity, largest first."""
        return self.table.sort_values("opportunity", ascending=False)


@api
def ipa(importance: Any, data: Any, drivers: Columns = None, *,
        scale: Tuple[int, int] = (0, 10), performance_cut: Union[str, float] = "mean",
        importance_cut: Optional[float] = None, kano: Any = None,
        top_box_min: Optional[int] = None, bottom_box_max: Optional[int] = None,
        weights: Any = None, skip_invalid: bool = False) -> ImportancePerformance:
    """Cross each driver's importance with its performance today (C
    ``loy_drivers_hist_add`` and ``loy_drivers_ipa``).

    ``importance``: a :class:`DriverAnalysis` (its LMG shares; its drivers
    when ``drivers`` is None), a Series indexed by driver, or a sequence in
    the order of ``drivers``. ``data``: the ratings (DataFrame or 2-D
    array); NaN ratings are skipped. ``performance_cut``: "mean",
    "median" or a fixed 0-100 value; ``importance_cut``: the share above
    which importance is high (default 1/p). With ``kano`` (a
    :class:`PenaltyReward` or its class names) performance of basic
    factors is 100 x (1 - bottom-box share) and of excitement factors 100
    x top-box share."""
    np, pd = numpy(), pandas()
    if isinstance(importance, DriverAnalysis):
        if drivers is None:
            drivers = list(importance.players)
        imp_s = importance.importance["share"]
    elif is_series(importance):
        imp_s = importance
        if drivers is None:
            drivers = list(importance.index)
    else:
        if drivers is None:
            raise ValueError("drivers: name the drivers of the importances")
        imp_s = pd.Series(list(importance), index=_names(drivers, "drivers"))
    dn = _names(drivers, "drivers")
    missing_imp = [d for d in dn if d not in imp_s.index]
    if missing_imp:
        raise KeyError("importance: no value for %r" % (missing_imp[0],))
    imp = np.ascontiguousarray(imp_s.loc[dn].to_numpy(dtype="float64"))
    p = len(dn)
    cols, index = _column_arrays(data, dn, ["drivers"] * p)
    lo, hi = int(scale[0]), int(scale[1])
    x = np.empty((p, len(cols[0])))
    for j in range(p):
        x[j] = cols[j]
    n = x.shape[1]
    w = None if weights is None else _weights(data, weights)
    hist = np.zeros(p * (hi - lo + 1) if hi > lo else 1)
    err = ctypes.c_size_t(NO_INDEX)
    rc = ffi.hist_add(hist.ctypes.data_as(ffi._PD), p, lo, hi, x.ctypes.data_as(ffi._PD), n,
                      1, n, None if w is None else w.ctypes.data_as(ffi._PD),
                      1 if skip_invalid else 0, _byref(err))
    if rc < 0:
        e = err.value
        if e == NO_INDEX:
            raise _fail(rc, "loy_drivers_hist_add", argument="scale",
                        detail="scale=(%d, %d)" % (lo, hi))
        i, j = divmod(e, p + 1)
        name = "weights" if j == p else "drivers %s" % _fmtname(dn[j])
        val = (w[i] if w is not None else 1.0) if j == p else x[j, i]
        raise _fail(rc, "loy_drivers_hist_add", argument=name, index=i,
                    label=label_at(index, i), detail="value %r" % _py(val))
    o = ffi.IpaOptions.new()
    ffi.ipa_options_init(_byref(o))
    if isinstance(performance_cut, str):
        if performance_cut not in _CUTS:
            raise ValueError("performance_cut must be 'mean', 'median' or a number, not %r"
                             % (performance_cut,))
        o.perf_cut = _CUTS[performance_cut]
    else:
        o.perf_cut = ffi.IPA_CUT_FIXED
        o.perf_fixed = float(performance_cut)
    if importance_cut is not None:
        o.importance_cut = float(importance_cut)
    if top_box_min is not None:
        o.top_box_min = int(top_box_min)
    if bottom_box_max is not None:
        o.bottom_box_max = int(bottom_box_max)
    kano_arr = None
    if kano is not None:
        names = kano.table["kano"] if isinstance(kano, PenaltyReward) else kano
        if is_series(names):
            names = names.loc[dn]
        codes = [_KANO_CODE.get(str(c), 0) for c in list(names)]
        kano_arr = (ctypes.c_int32 * p)(*codes)
        o.flags = ffi.IPA_KANO_PERFORMANCE
    perf, top, bottom, opp = (np.zeros(p) for _ in range(4))
    quad = (ctypes.c_int32 * p)()
    cuts = np.zeros(2)
    rc = ffi.ipa(perf.ctypes.data_as(ffi._PD), top.ctypes.data_as(ffi._PD),
                 bottom.ctypes.data_as(ffi._PD), quad, opp.ctypes.data_as(ffi._PD),
                 cuts.ctypes.data_as(ffi._PD), imp.ctypes.data_as(ffi._PD),
                 hist.ctypes.data_as(ffi._PD), p, lo, hi, kano_arr, _byref(o))
    if rc < 0:
        arg = {EDEGENERATE: "importance", EINVAL: "kano" if kano is not None else None}.get(rc)
        if arg is None:
            arg = "importance" if rc in (ESCALE, ENONFINITE) else \
                ("data" if rc == EEMPTY else "scale, performance_cut, importance_cut, "
                 "top_box_min, bottom_box_max")
        raise _fail(rc, "loy_drivers_ipa", argument=arg)
    total = imp.sum()
    table = pd.DataFrame({
        "importance": imp / total, "performance": perf, "top_box": top,
        "bottom_box": bottom,
        "quadrant": [ffi.quadrant_name(int(q)).decode("ascii") for q in quad],
        "opportunity": opp}, index=pd.Index(dn, name="driver"))
    return ImportancePerformance(importance_cut=float(cuts[0]),
                                 performance_cut=float(cuts[1]), scale=(lo, hi), table=table)


