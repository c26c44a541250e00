# SPDX-License-Identifier: MIT
"""Retention CLV formulas and the purchase-log summary (C ``loy_clv_*``, ``loy_rfm_*``).

Retention CLV: all rates refer to ONE period of the caller's time unit
(retention r, discount i, margin growth g per period); convert annual rates
with :func:`rescale_rate`. ``timing`` is "end" (first margin at the end of
the first period, discounted once) or "beginning" (first margin now).

Purchase-log summary: :func:`summarize` (one call) and
:class:`SummaryBuilder` (streaming, chunk by chunk) turn rows
(customer id, time, amount) into one row per customer (x, t_x, T,
monetary, ...) exactly as the lifetimes package's
``summary_data_from_transaction_data`` / ``calibration_and_holdout_data``.

Two ways in:

- a DataFrame and column names (pandas)::

      s = clv.summarize(df, customer="id", date="date", amount="amount",
                        observation_end="2015-02-07", freq="W")

  ids may be integers or strings, dates strings, datetime64 or Timestamps;
  the result is a DataFrame indexed by customer id with lifetimes' column
  names (frequency, recency, T, monetary_value; ``_cal``/``_holdout``
  columns with ``calibration_end``);
- arrays: ``summarize(ids, times, amounts, observation_end, ...)`` with
  uint64 ids and int64 times in a unit of the caller's choice (e.g. days
  since 1970-01-01), returning a :class:`Summary` of arrays in ascending id
  order (``Summary.to_frame()`` for a DataFrame).
"""

import ctypes
import math
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_int32, c_uint64, P
from ._struct import Struct, Result
from ._arrays import as_input, same_length, have_numpy, new_output
from ._api import api
from ._pandas import is_frame, rows, index_of
from .errors import errcheck, check, EEMPTY

ArrayLike = Any

c_int64 = ctypes.c_int64
_PD = P(c_double)

END_OF_PERIOD = 0
BEGINNING_OF_PERIOD = 1
HORIZON_INFINITE = 0
RATE_RETENTION, RATE_CHURN, RATE_DISCOUNT = 0, 1, 2
RFM_CALIBRATION = 0x1
RFM_INCLUDE_FIRST = 0x2
COL_X, COL_T_X, COL_T, COL_MONETARY, COL_X_HOLDOUT, COL_MONETARY_HOLDOUT = range(6)


class _RfmOptions(Struct):
    _fields_ = [("struct_size", c_size_t), ("period_length", c_int64),
                ("period_origin", c_int64), ("freq_multiplier", c_double),
                ("calibration_end", c_int64), ("flags", c_uint32)]


class _RfmInfo(Struct):
    _fields_ = [("struct_size", c_size_t), ("n_customers", c_uint64),
                ("n_rows", c_uint64), ("n_rows_dropped", c_uint64),
                ("n_rows_holdout", c_uint64), ("n_customers_dropped", c_uint64),
                ("duration_holdout", c_double), ("calibration", c_int32)]


class _Opaque(ctypes.Structure):
    pass


_P_SUMMARY = P(_Opaque)
_P_BUILDER = P(_Opaque)

_multiple = declare("loy_clv_multiple", c_int,
                    [_PD, c_double, c_double, c_double, c_uint32, c_int], errcheck)
_value = declare("loy_clv_value", c_int,
                 [_PD, c_double, c_double, c_double, c_double, c_uint32, c_double, c_int],
                 errcheck)
_lifetime = declare("loy_clv_expected_lifetime", c_int, [_PD, c_double], errcheck)
_rescale = declare("loy_clv_rate_rescale", c_int, [_PD, c_double, c_double, c_int], errcheck)
_saas = declare("loy_clv_saas_ltv", c_int, [_PD, c_double, c_double, c_double], errcheck)
_viral = declare("loy_clv_viral", c_int, [_PD, c_double, c_double], errcheck)

_opts_init = declare("loy_rfm_options_init", c_int, [P(_RfmOptions)], errcheck)
_builder_new = declare("loy_rfm_builder_new", c_int,
                       [P(_P_BUILDER), c_int64, P(_RfmOptions)], errcheck)
_builder_add = declare("loy_rfm_builder_add", c_int,
                       [_P_BUILDER, P(c_uint64), P(c_int64), _PD, c_size_t, P(c_size_t)])
_builder_finish = declare("loy_rfm_builder_finish", c_int,
                          [P(_P_SUMMARY), _P_BUILDER], errcheck)
_builder_free = declare("loy_rfm_builder_free", None, [_P_BUILDER])
_summarize = declare("loy_rfm_summarize", c_int,
                     [P(_P_SUMMARY), P(c_uint64), P(c_int64), _PD, c_size_t, c_int64,
                      P(_RfmOptions), P(c_size_t)])
_summary_free = declare("loy_rfm_summary_free", None, [_P_SUMMARY])
_summary_count = declare("loy_rfm_summary_count", c_size_t, [_P_SUMMARY])
_summary_ids = declare("loy_rfm_summary_ids", c_int, [P(P(c_uint64)), _P_SUMMARY], errcheck)
_summary_column = declare("loy_rfm_summary_column", c_int,
                          [P(_PD), _P_SUMMARY, c_int], errcheck)
_summary_first = declare("loy_rfm_summary_first_times", c_int,
                         [P(P(c_int64)), _P_SUMMARY], errcheck)
_summary_info = declare("loy_rfm_summary_info", c_int, [P(_RfmInfo), _P_SUMMARY], errcheck)


# ---------------------------------------------------------------- formulas

def _timing(timing: Union[str, int]) -> int:
    if timing in ("end", END_OF_PERIOD):
        return END_OF_PERIOD
    if timing in ("beginning", "begin", BEGINNING_OF_PERIOD):
        return BEGINNING_OF_PERIOD
    raise ValueError("timing must be 'end' or 'beginning', not %r" % (timing,))


def _horizon(horizon: Optional[float]) -> int:
    if horizon is None or horizon == 0 or horizon == math.inf:
        return HORIZON_INFINITE
    if horizon != int(horizon) or horizon < 1:
        raise ValueError("horizon must be a whole number >= 1 or None (infinite)")
    return int(horizon)


@api
def multiple(retention: float, discount: float, growth: float = 0.0,
             horizon: Optional[float] = None, timing: Union[str, int] = "end") -> float:
    """Margin multiple: value of a customer per unit of per-period margin.

    retention r in [0, 1], discount i > -1 and margin growth g > -1 per
    period; horizon: number of margins (None for infinite); timing "end"
    (r/(1+i-r) for g = 0, infinite horizon) or "beginning" ((1+i)/(1+i-r)).
    Example: multiple(0.8, 0.1) == 2.667. Raises DomainError when a rate is
    outside its range or the infinite sum diverges (r(1+g) >= 1+i).
    """
    out = c_double()
    _multiple(ctypes.byref(out), retention, discount, growth, _horizon(horizon),
              _timing(timing))
    return out.value


@api
def value(margin: float, retention: float, discount: float, growth: float = 0.0,
          horizon: Optional[float] = None, acquisition_cost: float = 0.0,
          timing: Union[str, int] = "end") -> float:
    """Customer lifetime value: margin * multiple(...) - acquisition_cost.

    Example (MODELS 9): value(100, 0.8, 0.1) == 266.67. Arguments as in
    :func:`multiple`; acquisition_cost is subtracted once, undiscounted.
    """
    out = c_double()
    _value(ctypes.byref(out), margin, retention, discount, growth,
           _horizon(horizon), acquisition_cost, _timing(timing))
    return out.value


@api
def expected_lifetime(retention: float) -> float:
    """Expected (undiscounted) lifetime 1/(1-r) in periods; r in [0, 1)."""
    out = c_double()
    _lifetime(ctypes.byref(out), retention)
    return out.value


_KINDS = {"retention": RATE_RETENTION, "churn": RATE_CHURN, "discount": RATE_DISCOUNT}


@api
def rescale_rate(rate: float, factor: float, kind: str = "retention") -> float:
    """Rescale a per-period rate to a period ``factor`` times as long.

    kind "retention" (r**f), "churn" (1-(1-c)**f) or "discount"
    ((1+i)**f - 1). Annual to monthly: factor 1/12; monthly to annual: 12.
    """
    if kind not in _KINDS:
        raise ValueError("kind must be one of %s" % ", ".join(sorted(_KINDS)))
    out = c_double()
    _rescale(ctypes.byref(out), rate, factor, _KINDS[kind])
    return out.value


@api
def saas_ltv(arpa: float, gross_margin: float, churn: float) -> float:
    """SaaS shorthand LTV = ARPA * gross_margin / churn (churn in (0, 1])."""
    out = c_double()
    _saas(ctypes.byref(out), arpa, gross_margin, churn)
    return out.value


@api
def viral(clv: float, referrals: float) -> float:
    """CLV including referrals, clv / (1 - k), with k in [0, 1) referred customers."""
    out = c_double()
    _viral(ctypes.byref(out), clv, referrals)
    return out.value


# ---------------------------------------------------------------- summary

def _options(period_length: int, period_origin: int, freq_multiplier: float,
             calibration_end: Optional[int], include_first: bool) -> Any:
    o = _RfmOptions()
    _opts_init(ctypes.byref(o))
    o.period_length = int(period_length)
    o.period_origin = int(period_origin)
    o.freq_multiplier = float(freq_multiplier)
    flags = 0
    if calibration_end is not None:
        flags |= RFM_CALIBRATION
        o.calibration_end = int(calibration_end)
    if include_first:
        flags |= RFM_INCLUDE_FIRST
    o.flags = flags
    return o


def _copy(ptr: Any, n: int, ctype: Any) -> Any:
    """Copy n elements from library memory into a numpy array or array.array."""
    dst, arr = new_output(n, ctype)
    if n:
        ctypes.memmove(dst, ptr, n * ctypes.sizeof(ctype))
    return arr


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(x == y for x, y in zip(a, b))


# Column names of the DataFrame form, lifetimes' names.
FRAME_COLUMNS = {"x": "frequency", "t_x": "recency", "T": "T", "monetary": "monetary_value"}
FRAME_COLUMNS_CAL = {"x": "frequency_cal", "t_x": "recency_cal", "T": "T_cal",
                     "monetary": "monetary_value_cal", "x_holdout": "frequency_holdout",
                     "monetary_holdout": "monetary_value_holdout"}


@dataclass(frozen=True, eq=False, repr=False)
class Summary(Result):
    """Purchase-log summary: one row per customer, ascending ids.

    Columns (numpy arrays when numpy is installed, else array.array):
    ``ids`` (uint64), ``x`` (repeat purchases), ``t_x`` (recency), ``T``
    (age), ``monetary`` (mean repeat value), ``first_times`` (int64, raw
    time of the first purchase); with a calibration split also
    ``x_holdout`` and ``monetary_holdout`` (None otherwise). Counts:
    ``n_customers``, ``n_rows``, ``n_rows_dropped``, ``n_rows_holdout``,
    ``n_customers_dropped``, ``duration_holdout``, ``calibration`` (bool).
    ``to_frame()`` gives the DataFrame form (lifetimes' column names).
    """

    ids: Any
    x: Any
    t_x: Any
    T: Any
    monetary: Any
    first_times: Any
    x_holdout: Any
    monetary_holdout: Any
    n_customers: int
    n_rows: int
    n_rows_dropped: int
    n_rows_holdout: int
    n_customers_dropped: int
    duration_holdout: float
    calibration: bool

    def __len__(self) -> int:
        return self.n_customers

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Summary):
            return NotImplemented
        return all(_same(getattr(self, f), getattr(other, f)) if f in _ARRAY_FIELDS
                   else getattr(self, f) == getattr(other, f)
                   for f in self.__dataclass_fields__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return ("Summary(n_customers=%d, n_rows=%d, n_rows_dropped=%d, "
                "calibration=%s, duration_holdout=%g)"
                % (self.n_customers, self.n_rows, self.n_rows_dropped,
                   self.calibration, self.duration_holdout))

    def to_frame(self, index: Any = None, monetary: bool = True) -> Any:
        """The summary as a DataFrame with lifetimes' column names.

        ``index``: the customer labels (default: the ids); ``monetary``:
        include the monetary columns.
        """
        from ._pandas import pandas
        pd = pandas()
        names = FRAME_COLUMNS_CAL if self.calibration else FRAME_COLUMNS
        cols: Dict[str, Any] = {}
        for field_name, col in names.items():
            if not monetary and field_name.startswith("monetary"):
                continue
            cols[col] = getattr(self, field_name)
        if self.calibration:
            cols["duration_holdout"] = self.duration_holdout
        if index is None:
            index = pd.Index(self.ids, name="customer")
        df = pd.DataFrame(cols, index=index)
        df.attrs["loyalty"] = {k: getattr(self, k) for k in (
            "n_customers", "n_rows", "n_rows_dropped", "n_rows_holdout",
            "n_customers_dropped", "duration_holdout", "calibration")}
        return df


_ARRAY_FIELDS = ("ids", "x", "t_x", "T", "monetary", "first_times", "x_holdout",
                 "monetary_holdout")


def _read_summary(s: Any) -> Summary:
    """Copy everything out of a C summary (the caller frees it)."""
    n = _summary_count(s)
    info = _RfmInfo.new()
    _summary_info(ctypes.byref(info), s)
    ids_p = P(c_uint64)()
    _summary_ids(ctypes.byref(ids_p), s)
    first_p = P(c_int64)()
    _summary_first(ctypes.byref(first_p), s)
    cols = {}
    names = [("x", COL_X), ("t_x", COL_T_X), ("T", COL_T), ("monetary", COL_MONETARY)]
    if info.calibration:
        names += [("x_holdout", COL_X_HOLDOUT), ("monetary_holdout", COL_MONETARY_HOLDOUT)]
    for name, col in names:
        p = _PD()
        _summary_column(ctypes.byref(p), s, col)
        cols[name] = _copy(p, n, c_double)
    if not info.calibration:
        cols["x_holdout"] = cols["monetary_holdout"] = None
    return Summary(ids=_copy(ids_p, n, c_uint64), first_times=_copy(first_p, n, c_int64),
                   n_customers=int(info.n_customers), n_rows=int(info.n_rows),
                   n_rows_dropped=int(info.n_rows_dropped),
                   n_rows_holdout=int(info.n_rows_holdout),
                   n_customers_dropped=int(info.n_customers_dropped),
                   duration_holdout=info.duration_holdout,
                   calibration=bool(info.calibration), **cols)


def _rows(ids: Any, times: Any, amounts: Any) -> Any:
    pi, n1, k1 = as_input(ids, c_uint64, "ids")
    pt, n2, k2 = as_input(times, c_int64, "times")
    pairs = [("ids", n1), ("times", n2)]
    pa, k3 = None, None
    if amounts is not None:
        pa, n3, k3 = as_input(amounts, c_double, "amounts")
        pairs.append(("amounts", n3))
    return pi, pt, pa, same_length(*pairs), (k1, k2, k3)


def summarize_arrays(ids: ArrayLike, times: ArrayLike, amounts: ArrayLike = None,
                     observation_end: Optional[int] = None, period_length: int = 1,
                     period_origin: int = 0, freq_multiplier: float = 1.0,
                     calibration_end: Optional[int] = None, include_first: bool = False,
                     names: Any = ("ids", "times", "amounts"), index: Any = None,
                     shown: Any = None) -> Summary:
    """The array form of :func:`summarize` (see there); ``names``, ``index``
    and ``shown`` (the caller's columns, when converted) name the columns,
    rows and values in error messages."""
    columns = list(zip(names, shown or (ids, times, amounts)))
    with rows(columns, index if index is not None else index_of(*columns)):
        pi, pt, pa, n, keep = _rows(ids, times, amounts)
        if observation_end is None:
            if n == 0:
                check(EEMPTY, None, "loy_rfm_summarize")
            k = keep[1]
            observation_end = (int(k.max()) if have_numpy() and hasattr(k, "max")
                               else max(pt[i] for i in range(n)))
        o = _options(period_length, period_origin, freq_multiplier, calibration_end,
                     include_first)
        s = _P_SUMMARY()
        idx = c_size_t()
        rc = _summarize(ctypes.byref(s), pi, pt, pa, n, int(observation_end),
                        ctypes.byref(o), ctypes.byref(idx))
        check(rc, idx.value, "loy_rfm_summarize")
    try:
        return _read_summary(s)
    finally:
        _summary_free(s)


@api
def summarize(ids: ArrayLike = None, times: ArrayLike = None, amounts: ArrayLike = None,
              observation_end: Any = None, period_length: int = 1, period_origin: int = 0,
              freq_multiplier: Optional[float] = None, calibration_end: Any = None,
              include_first: bool = False, *, customer: Optional[str] = None,
              date: Optional[str] = None, amount: Optional[str] = None,
              freq: Optional[str] = None) -> Any:
    """Summarise a purchase log held in memory (rows in any order).

    DataFrame form (pandas): ``summarize(df, customer="id", date="date",
    amount="amount", observation_end=None, freq="D", freq_multiplier=1,
    calibration_end=None, include_first=False)``. ``customer``: the id
    column (integers or strings); ``date``: datetime64, Timestamps, dates
    or date strings (integers are times in the caller's unit, with
    ``period_length``/``period_origin`` as in the array form);
    ``amount``: optional purchase values (>= 0); ``observation_end`` and
    ``calibration_end``: anything pandas.Timestamp reads (default end: the
    last date); ``freq``: the period, as in lifetimes: "D" (default), "W"
    (Monday-Sunday weeks, pandas' W-SUN; also "W-MON" ...), "H", or a
    calendar period such as "M" (then the calibration and observation ends
    are compared by period, not by instant). Returns a DataFrame indexed by
    customer id (sorted) with columns frequency, recency, T and
    monetary_value (with ``amount``), or with ``calibration_end``
    frequency_cal, recency_cal, T_cal, monetary_value_cal,
    frequency_holdout, monetary_value_holdout, duration_holdout: what
    lifetimes' ``summary_data_from_transaction_data`` and
    ``calibration_and_holdout_data`` return, and what the models' ``fit``
    take. ``df.attrs["loyalty"]`` holds the row counts.

    Array form: ids (uint64), times (int64, caller units), amounts (>= 0) or
    None, observation_end (last time observed, inclusive; default the
    largest time). A period is [period_origin + k L, period_origin + (k+1) L)
    with L = period_length (days with Monday-Sunday weeks: L = 7,
    origin = -3); t_x and T are divided by freq_multiplier. calibration_end
    splits into calibration and holdout (adds x_holdout, monetary_holdout).
    include_first counts the first purchase (segmentation only, not for the
    lifetime models). Returns a :class:`Summary`.

    Bad rows raise BadInputError naming the column, the row label and its
    values; an empty log raises BadInputError (LOY_EEMPTY).
    """
    if is_frame(ids) or customer is not None or date is not None:
        from ._summary_frame import summarize_frame
        if times is not None or amounts is not None:
            raise TypeError("with a DataFrame, name the columns: customer=, date=, amount=")
        return summarize_frame(ids, customer, date, amount, observation_end, freq,
                               1.0 if freq_multiplier is None else freq_multiplier,
                               calibration_end, include_first, period_length, period_origin)
    if freq is not None:
        raise TypeError("freq= goes with a DataFrame; with arrays give period_length "
                        "and period_origin in the times' unit")
    if ids is None or times is None:
        raise TypeError("summarize() needs ids and times (or a DataFrame with customer= "
                        "and date=)")
    return summarize_arrays(ids, times, amounts, observation_end, period_length, period_origin,
                            1.0 if freq_multiplier is None else freq_multiplier,
                            calibration_end, include_first)


def expected_cumulative_transactions(model: Any, transactions: Any, customer: str,
                                     date: str, t: int, freq: str = "D",
                                     freq_multiplier: int = 1) -> Any:
    """Actual and model-expected cumulative repeat purchases over ``t``
    periods of ``freq`` from the first date of a transaction DataFrame, as
    lifetimes' function of that name (a DataFrame with columns actual and
    predicted, one row per ``freq_multiplier`` periods). The model's time
    unit must be ``freq_multiplier`` periods of ``freq`` (e.g. freq="D",
    freq_multiplier=7 for a model fitted in weeks)."""
    from ._summary_frame import expected_cumulative_transactions as ect
    return ect(model, transactions, customer, date, t, freq, freq_multiplier)


class SummaryBuilder:
    """Streaming purchase-log summary: add rows chunk by chunk, then finish.

    Memory grows with customers and distinct (customer, period) pairs, not
    with rows, so logs larger than memory can be streamed. Options as in
    :func:`summarize` (observation_end is required here). Use as a context
    manager or call :meth:`close`; the C builder is also freed on garbage
    collection.
    """

    def __init__(self, observation_end: int, period_length: int = 1, period_origin: int = 0,
                 freq_multiplier: float = 1.0, calibration_end: Optional[int] = None,
                 include_first: bool = False) -> None:
        o = _options(period_length, period_origin, freq_multiplier,
                     calibration_end, include_first)
        b = _P_BUILDER()
        _builder_new(ctypes.byref(b), int(observation_end), ctypes.byref(o))
        self._b: Any = b

    def _handle(self) -> Any:
        if not self._b:
            raise ValueError("the builder is closed")
        return self._b

    def add(self, ids: ArrayLike, times: ArrayLike,
            amounts: ArrayLike = None) -> "SummaryBuilder":
        """Add a chunk of rows; on a bad row nothing of the chunk is added
        and BadInputError.index is its position within the chunk."""
        b = self._handle()
        columns = [("ids", ids), ("times", times), ("amounts", amounts)]
        with rows(columns, index_of(*columns)):
            pi, pt, pa, n, keep = _rows(ids, times, amounts)
            idx = c_size_t()
            rc = _builder_add(b, pi, pt, pa, n, ctypes.byref(idx))
            check(rc, idx.value, "loy_rfm_builder_add")
        return self

    def finish(self) -> Summary:
        """Summarise the rows added so far (more rows may be added after)."""
        b = self._handle()
        s = _P_SUMMARY()
        _builder_finish(ctypes.byref(s), b)
        try:
            return _read_summary(s)
        finally:
            _summary_free(s)

    def close(self) -> None:
        """Free the C builder (idempotent)."""
        b, self._b = getattr(self, "_b", None), None
        if b:
            _builder_free(b)

    def __enter__(self) -> "SummaryBuilder":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()
