# SPDX-License-Identifier: MIT
"""Dask: the same results over a Dask DataFrame, partition by partition.

For data that outgrows one machine's memory (or one core): every function
here works on the partitions where they live and moves only small states
between workers, the library's mergeable states in their portable byte
form (``loyalty.mergeable``): the results equal the in-memory ones
(integer counts and pattern tables exactly, fits to rounding).

- :func:`nps_tally`: an NPS tally (``loyalty.nps.Tally``, or
  ``WeightedTally`` with ``weight=``) of a score column;
- :func:`nps_by_group`: ``loyalty.nps.by_group``'s table;
- :func:`summarize`: ``clv.summarize`` of a transaction log, a Dask
  DataFrame with one row per customer (lazy), by one of three methods
  (``"shuffle"`` the rows by customer, then summarize each partition;
  ``"partitioned"`` when each customer's rows already sit in one
  partition; ``"states"``: one mergeable ``loy_rfm_customer`` state per
  customer and partition, shuffled and merged);
- :func:`patterns` and :func:`fit`: a merged pattern table of a summary
  and the lifetime model fitted on it (BG/NBD, MBG/NBD, Pareto/NBD,
  Gamma-Gamma), a fitted model object as the models' ``fit`` return;
- :func:`predict`: a per-customer prediction of a fitted model (P(alive),
  expected purchases, CLV, ...) as a lazy Dask Series on the summary's
  index;
- :func:`segment_cross`: the ABC x loyalty crossing
  (``loyalty.segment.cross``'s Crossing);
- :func:`moments`: the moment tally of the key-driver analysis
  (``loy_moments``), its bytes, means and covariance.

Reductions (tallies, tables, fits, crossings) are computed when called
(on the active ``distributed.Client`` when there is one) and return the
in-memory result types; per-customer outputs stay lazy. Errors raised by
a partition (a score of 11 in strict mode, a negative amount) reach the
caller as the usual LoyaltyError naming the column and the row label.

The workers load the C library as the client does (the copy bundled by
``pip install``, a system one, or ``LIBLOYALTY_PATH`` when set in the
environment the workers start from). Needs dask[dataframe] (Debian:
python3-dask; python3-distributed for a cluster).
"""

import ctypes
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import nps as _nps
from . import clv as _clv
from . import mergeable as _m
from . import _groups
from . import _summary_frame as _sf
from . import _drivers_ffi as _dffi
from ._pandas import pandas, numpy
from ._struct import Result
from .errors import LoyaltyError, EEMPTY, NO_INDEX, check, error_for

__all__ = ["nps_tally", "nps_by_group", "summarize", "patterns", "fit", "predict",
           "segment_cross", "moments", "Moments", "moments_state", "read_moments",
           "SPLIT_EVERY"]

# States merged per task in the reduction tree: few enough to keep every
# task small, enough to keep the tree shallow.
SPLIT_EVERY = 8


def _dask() -> Any:
    """The dask module (with dask.dataframe), or an ImportError saying how
    to get it."""
    try:
        import dask
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise ImportError("loyalty.dask needs dask with its DataFrame part "
                          "(apt-get install python3-dask python3-distributed, or "
                          "pip install 'dask[dataframe]' distributed)") from None
    return dask


def _partitions(data: Any) -> List[Any]:
    """Delayed pandas partitions of a Dask collection (a pandas object is
    one partition)."""
    dask = _dask()
    if hasattr(data, "to_delayed"):
        return list(data.to_delayed())
    return [dask.delayed(data)]


def _reduce(states: List[Any], combine: Callable[..., Any],
            split_every: int = SPLIT_EVERY) -> Any:
    """Merge delayed states with ``combine(*states)`` in a tree."""
    dask = _dask()
    step = dask.delayed(combine, pure=True)
    if len(states) == 1:
        return step(states[0])
    while len(states) > 1:
        states = [step(*states[i:i + split_every])
                  for i in range(0, len(states), split_every)]
    return states[0]


def _compute(value: Any) -> Any:
    return _dask().compute(value)[0]


def _columns(data: Any) -> List[Any]:
    cols = getattr(data, "columns", None)
    return list(cols) if cols is not None else []


def _need(data: Any, what: str, name: Optional[str]) -> None:
    if name is not None and name not in _columns(data):
        raise KeyError("%s: no column %r (columns: %s)"
                       % (what, name, ", ".join(map(str, _columns(data)))))


# ---------------------------------------------------------------- NPS

def _tally_part(part: Any, score: Optional[str], weight: Optional[str], breaks: Any,
                skip_invalid: bool, blank: str) -> Tuple[bytes, int, bool]:
    col = part if score is None else part[score]
    if weight is None:
        t = _nps.tally(col, breaks, skip_invalid, blank)
        return _m.tally_to_bytes(t), t.blanks, False
    w = _nps.weighted_tally(col, part[weight], breaks, skip_invalid, blank)
    return _m.weighted_tally_to_bytes(w), w.blanks, True


def _tally_merge(*states: Tuple[bytes, int, bool]) -> Tuple[bytes, int, bool]:
    weighted = states[0][2]
    load = _m.weighted_tally_from_bytes if weighted else _m.tally_from_bytes
    save = _m.weighted_tally_to_bytes if weighted else _m.tally_to_bytes
    acc: Any = None
    for data, blanks, _ in states:
        t = replace(load(data), blanks=blanks)
        acc = t if acc is None else acc + t
    return save(acc), acc.blanks, weighted


def nps_tally(data: Any, score: Optional[str] = "score", weight: Optional[str] = None,
              breaks: Optional[Sequence[int]] = None, skip_invalid: bool = False,
              blank: str = "skip") -> Any:
    """The NPS tally of a score column of a Dask DataFrame (or of a Dask
    Series with ``score=None``), as ``loyalty.nps.tally`` gives it for the
    whole column: a ``Tally`` (with ``blanks``), or with ``weight`` (a
    column of survey weights) a ``WeightedTally`` as
    ``loyalty.nps.weighted_tally``. Each partition is tallied by the
    library and the tallies merged as bytes (exact counts; weight sums to
    rounding). Options as in ``loyalty.nps.tally``; ``nps.estimate`` /
    ``nps.weighted_estimate`` of the result give the NPS and its interval.
    """
    if score is not None:
        _need(data, "score", score)
    _need(data, "weight", weight)
    if weight is not None and score is None:
        raise TypeError("weight= names a column: pass a DataFrame and score=")
    chunk = partial(_tally_part, score=score, weight=weight, breaks=breaks,
                    skip_invalid=skip_invalid, blank=blank)
    dask = _dask()
    states = [dask.delayed(chunk, pure=True)(p) for p in _partitions(data)]
    raw, blanks, weighted = _compute(_reduce(states, _tally_merge))
    if weighted:
        return replace(_m.weighted_tally_from_bytes(raw), blanks=blanks)
    return replace(_m.tally_from_bytes(raw), blanks=blanks)


def _group_part(part: Any, score: str, group: Any, breaks: Any, invalid: str,
                dropna: bool) -> Any:
    return _groups.nps_counts_by_group(part, score, group, breaks, invalid, False, dropna)


def _group_merge(sort: bool, dropna: bool, *tables: Any) -> Any:
    pd = pandas()
    both = pd.concat(tables)
    levels = list(range(both.index.nlevels))
    return both.groupby(level=levels, sort=sort, dropna=dropna).sum()


def nps_by_group(data: Any, score: str = "score", group: Any = "segment",
                 breaks: Optional[Sequence[int]] = None, method: Union[str, int] = "adjusted",
                 level: float = 0.95, invalid: str = "count", sort: bool = True,
                 dropna: bool = True) -> Any:
    """``loyalty.nps.by_group`` over a Dask DataFrame: one pandas row per
    group (responses, blanks, invalid, counts, NPS, se, interval,
    small_sample). Each partition counts its groups with the library's
    grouped tally; the integer counts are summed per group (exact) and the
    estimates computed once from the totals. Arguments as there.
    """
    _need(data, "score", score)
    for g in ([] if group is None else [group] if isinstance(group, str) else list(group)):
        _need(data, "group", g)
    chunk = partial(_group_part, score=score, group=group, breaks=breaks,
                    invalid=invalid, dropna=dropna)
    dask = _dask()
    states = [dask.delayed(chunk, pure=True)(p) for p in _partitions(data)]
    counts = _compute(_reduce(states, partial(_group_merge, sort, dropna)))
    return _groups.nps_table(counts, method, level)


# ---------------------------------------------------------------- summaries

def _part_max(part: Any, date: str, freq: Optional[str]) -> Any:
    """The latest date (wall time) or integer time of a partition."""
    col = part[date]
    if len(col) == 0:
        return None
    if getattr(col.dtype, "kind", "O") in "iu" and freq is None:
        return int(col.max())
    return _sf._wall_times(col).max()


def _max_merge(*values: Any) -> Any:
    vals = [v for v in values if v is not None]
    return max(vals) if vals else None


def _frame_columns(calibration: bool, monetary: bool) -> List[str]:
    names = _clv.FRAME_COLUMNS_CAL if calibration else _clv.FRAME_COLUMNS
    cols = [c for f, c in names.items() if monetary or not f.startswith("monetary")]
    if calibration:
        cols.append("duration_holdout")
    return cols


def _meta(data: Any, customer: str, amount: Optional[str], calibration: bool) -> Any:
    pd, np = pandas(), numpy()
    if customer in _columns(data):
        dtype = data._meta[customer].dtype
    else:
        dtype = data._meta.index.dtype
    cols = _frame_columns(calibration, amount is not None)
    index = pd.Index(np.empty(0, dtype=dtype) if isinstance(dtype, np.dtype)
                     else pd.array([], dtype=dtype), name=customer)
    return pd.DataFrame({c: np.empty(0, dtype="float64") for c in cols}, index=index)


def _with_customer(part: Any, customer: str) -> Any:
    """The partition with the customer as a column (it may be the index)."""
    if customer not in part.columns:
        part = part.reset_index()
    return part


def _summary_part(part: Any, empty: Any, customer: str, date: str, amount: Optional[str],
                  options: Dict[str, Any]) -> Any:
    if len(part) == 0:
        return empty
    part = _with_customer(part, customer)
    out = _clv.summarize(part, customer=customer, date=date, amount=amount, **options)
    out.attrs = {}
    return out


def _states_part(part: Any, customer: str, date: str, amount: Optional[str],
                 options: Dict[str, Any]) -> Any:
    """One serialized loy_rfm_customer state per customer of the partition."""
    pd, np = pandas(), numpy()
    if len(part) == 0:
        return pd.DataFrame({customer: part.index[:0] if customer not in part.columns
                             else part[customer].iloc[:0],
                             "state": pd.Series([], dtype=object)})
    part = _with_customer(part, customer)
    ids, relabel = _sf._ids(part[customer])
    times, length, origin, instant = _sf._times(part[date], options["freq"],
                                                options["period_length"],
                                                options["period_origin"])
    times = np.asarray(times, dtype=np.int64)
    amounts = None
    if amount is not None:
        amounts = part[amount].to_numpy(dtype="float64", na_value=np.nan)
    end = instant(options["observation_end"], "observation_end")
    cal = options["calibration_end"]
    cal = None if cal is None else instant(cal, "calibration_end")
    uniq, inverse = np.unique(ids, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(uniq)))
    states = []
    start = 0
    fm = options["freq_multiplier"]
    for stop in bounds:
        sel = order[start:stop]
        state = _m.RfmCustomer(end, length, origin, fm, cal, options["include_first"])
        try:
            state.add(times[sel], None if amounts is None else amounts[sel])
        except LoyaltyError as exc:
            if exc.index is not None:
                pos = int(sel[exc.index])
                exc.locate(argument="%s, %s" % (customer, date), index=pos,
                           label=part.index[pos])
            raise
        states.append(state.to_bytes())
        start = stop
    return pd.DataFrame({customer: relabel(uniq), "state": states})


def _rows_part(part: Any, empty: Any, customer: str, amount: Optional[str],
               calibration: bool, duration_holdout: float) -> Any:
    """Merge the states of each customer and read the summary rows."""
    pd, np = pandas(), numpy()
    if len(part) == 0:
        return empty
    keys = part[customer]
    codes, uniques = pd.factorize(keys, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))
    width = 6 if calibration else 4
    rows = np.empty((len(uniques), width))
    kept = np.ones(len(uniques), dtype=bool)
    states = part["state"].to_numpy()
    start = 0
    for g, stop in enumerate(bounds):
        sel = order[start:stop]
        acc = _m.RfmCustomer.from_bytes(states[sel[0]])
        for i in sel[1:]:
            acc.merge(_m.RfmCustomer.from_bytes(states[i]))
        try:
            rows[g] = acc.row()[0][:width]
        except LoyaltyError as exc:
            if exc.code != EEMPTY:
                raise
            kept[g] = False  # no purchase in the window: dropped, as in memory
        start = stop
    cols = list(empty.columns)
    fields = [c for c in cols if c != "duration_holdout"]
    positions = {"frequency": 0, "recency": 1, "T": 2, "monetary_value": 3,
                 "frequency_cal": 0, "recency_cal": 1, "T_cal": 2, "monetary_value_cal": 3,
                 "frequency_holdout": 4, "monetary_value_holdout": 5}
    out = pd.DataFrame({c: rows[kept, positions[c]] for c in fields},
                       index=pd.Index(uniques[kept], name=customer))
    if calibration:
        out["duration_holdout"] = duration_holdout
    return out[cols]


def _duration_holdout(options: Dict[str, Any], dtype: Any) -> float:
    """duration_holdout of a calibration split: a property of the two ends
    alone, read from the in-memory summary of a customer buying one period
    before the calibration end and at the observation end."""
    pd = pandas()
    cal = options["calibration_end"]
    integer = getattr(dtype, "kind", "O") in "iu" and options["freq"] is None
    col = pd.Series([int(cal)] if integer else pd.to_datetime([cal]))
    _, length, origin, instant = _sf._times(col, options["freq"], options["period_length"],
                                            options["period_origin"])
    cal_t = instant(cal, "calibration_end")
    end_t = instant(options["observation_end"], "observation_end")
    s = _clv.summarize_arrays([0, 0], [cal_t - length, end_t], None, end_t, length, origin,
                              options["freq_multiplier"], cal_t, options["include_first"])
    return float(s.duration_holdout)


def summarize(data: Any, customer: str, date: str, amount: Optional[str] = None,
              observation_end: Any = None, freq: Optional[str] = None,
              freq_multiplier: Optional[float] = None, calibration_end: Any = None,
              include_first: bool = False, period_length: int = 1, period_origin: int = 0,
              method: str = "auto", npartitions: Optional[int] = None) -> Any:
    """``clv.summarize`` of a transaction log held in a Dask DataFrame:
    a Dask DataFrame indexed by customer id with lifetimes' columns
    (frequency, recency, T, monetary_value, or the calibration/holdout
    columns), one row per customer, lazy. Its rows equal the in-memory
    summary's (``.compute().sort_index()`` gives the same frame; monetary
    to the last bits with ``method="states"``, whose value sums are
    compensated). Arguments as in ``clv.summarize`` (``customer`` may also
    name the index); without ``observation_end`` the latest date is
    computed first (one pass over the date column).

    ``method``: ``"shuffle"`` moves the rows of each customer to one
    partition (``npartitions`` of them, default as many as the input) and
    summarizes each partition in memory; ``"partitioned"`` skips the move,
    for data where each customer's rows already share a partition (a log
    indexed by customer, files split by customer); ``"states"`` keeps the
    rows in place, builds one mergeable purchase-log state per customer and
    partition (``loy_rfm_customer``: bytes growing with the customer's
    distinct periods) and moves and merges those: the least data moved when
    customers buy often within a period, but a Python step per customer.
    ``"auto"`` (the default): ``"partitioned"`` when the index is the
    customer with known divisions, else ``"shuffle"``. ``df.attrs`` row
    counts of the in-memory form are not kept.
    """
    if customer not in _columns(data) and getattr(data.index, "name", None) != customer:
        raise KeyError("customer: no column or index %r (columns: %s)"
                       % (customer, ", ".join(map(str, _columns(data)))))
    _need(data, "date", date)
    _need(data, "amount", amount)
    if method == "auto":
        indexed = customer not in _columns(data) and data.known_divisions
        method = "partitioned" if indexed else "shuffle"
    if method not in ("shuffle", "partitioned", "states"):
        raise ValueError("method must be 'auto', 'shuffle', 'partitioned' or 'states', "
                         "not %r" % (method,))
    if observation_end is None:
        dask = _dask()
        chunk = partial(_part_max, date=date, freq=freq)
        maxes = [dask.delayed(chunk, pure=True)(p) for p in _partitions(data)]
        observation_end = _compute(_reduce(maxes, _max_merge))
        if observation_end is None:
            raise LoyaltyError(EEMPTY, None, "loy_rfm_summarize",
                               argument="customer (%s), date (%s)" % (customer, date))
    calibration = calibration_end is not None
    options = dict(observation_end=observation_end, freq=freq,
                   freq_multiplier=1.0 if freq_multiplier is None else freq_multiplier,
                   calibration_end=calibration_end, include_first=include_first,
                   period_length=period_length, period_origin=period_origin)
    meta = _meta(data, customer, amount, calibration)
    if method == "states":
        pd = pandas()
        key_meta = meta.index.to_series(index=pd.RangeIndex(0), name=customer)
        smeta = pd.DataFrame({customer: key_meta, "state": pd.Series([], dtype=object)})
        states = data.map_partitions(_states_part, customer=customer, date=date,
                                     amount=amount, options=options, meta=smeta)
        states = states.shuffle(on=customer, npartitions=npartitions)
        dh = 0.0
        if calibration:
            dh = _duration_holdout(options, data._meta[date].dtype)
        return states.map_partitions(_rows_part, empty=meta, meta=meta, customer=customer,
                                     amount=amount, calibration=calibration,
                                     duration_holdout=dh)
    if method == "shuffle":
        if customer not in _columns(data):
            data = data.reset_index()
        data = data.shuffle(on=customer, npartitions=npartitions)
    return data.map_partitions(_summary_part, empty=meta, meta=meta, customer=customer,
                               date=date, amount=amount, options=options)


# ---------------------------------------------------------------- models

_XTT = (("frequency", "recency", "T"), ("frequency_cal", "recency_cal", "T_cal"),
        ("x", "t_x", "T"))
_MONEY = {"frequency": "monetary_value", "frequency_cal": "monetary_value_cal",
          "x": "monetary"}


def _summary_columns(data: Any, monetary: bool) -> List[str]:
    have = set(_columns(data))
    for names in _XTT:
        if all(n in have for n in names):
            cols = list(names)
            if monetary:
                m = _MONEY[names[0]]
                if m not in have:
                    raise KeyError("monetary: the summary needs the column %r" % m)
                cols.append(m)
            return cols
    raise KeyError("the summary needs the columns %s (has %s)"
                   % (" or ".join("(" + ", ".join(a) + ")" for a in _XTT),
                      ", ".join(map(str, _columns(data)))))


def _patterns_part(part: Any, cols: List[str], weights: Optional[str],
                   monetary: bool) -> bytes:
    t = _m.PatternTable(monetary=monetary)
    if len(part):
        t.add(part[cols[0]], part[cols[1]], part[cols[2]],
              part[cols[3]] if monetary else None,
              part[weights] if weights is not None else None)
    return t.to_bytes()


def _patterns_merge(*states: bytes) -> bytes:
    acc = _m.PatternTable.from_bytes(states[0])
    for s in states[1:]:
        acc.merge(_m.PatternTable.from_bytes(s))
    return acc.to_bytes()


def patterns(summary: Any, monetary: bool = False,
             weights: Optional[str] = None) -> "_m.PatternTable":
    """The merged pattern table of a customer summary (a Dask DataFrame
    with columns frequency, recency, T [, monetary_value], or their
    ``_cal`` forms, or x, t_x, T [, monetary]): the distinct patterns with
    summed weights (``weights``: a column of customers per row, default 1
    each) that the lifetime models are fitted from. Equal to the table of
    all rows added in one go (bytes merged per partition, exact counts).
    ``monetary=True`` keeps the spend patterns too (Gamma-Gamma).
    """
    cols = _summary_columns(summary, monetary)
    _need(summary, "weights", weights)
    dask = _dask()
    chunk = partial(_patterns_part, cols=cols, weights=weights, monetary=monetary)
    states = [dask.delayed(chunk, pure=True)(p) for p in _partitions(summary)]
    return _m.PatternTable.from_bytes(_compute(_reduce(states, _patterns_merge)))


def fit(summary: Any, model: str = "bgnbd", weights: Optional[str] = None,
        penalty: float = 0.0, start: Any = None, max_iter: int = 0, gtol: float = 0.0,
        se: bool = True) -> Any:
    """Fit a lifetime model ("bgnbd", "mbgnbd", "pnbd" or "ggamma") to a
    customer summary held in a Dask DataFrame (see :func:`patterns`), or
    to a ``PatternTable``. Returns the fitted model object the in-memory
    ``fit`` returns (``loyalty.bgnbd.BetaGeo`` ...), with the same
    estimates to rounding: the fit runs once, on the merged table.
    Gamma-Gamma uses the customers with repeat purchases and a positive
    mean value (the others are counted, not fitted); options as in the
    models' ``fit``.
    """
    if isinstance(summary, _m.PatternTable):
        table = summary
    else:
        table = patterns(summary, monetary=model == "ggamma", weights=weights)
    return table.fit_model(model, penalty=penalty, start=start, max_iter=max_iter,
                           gtol=gtol, se=se)


def _predict_part(part: Any, model: Any, method: str, kwargs: Dict[str, Any]) -> Any:
    pd = pandas()
    if len(part) == 0:
        return pd.Series([], index=part.index, dtype="float64", name=method)
    out = getattr(model, method)(x=part, **kwargs)
    return out.rename(method)


def predict(model: Any, summary: Any, method: str = "palive", **kwargs: Any) -> Any:
    """A per-customer prediction of a fitted model over a customer summary
    held in a Dask DataFrame: ``model.<method>(partition, **kwargs)`` on
    every partition, as a lazy Dask Series named ``method`` on the
    summary's index. ``method`` is one of the model's per-customer methods
    ("palive", "expected" with ``t=``, "clv" ..., "expected_spend" for
    Gamma-Gamma); the model travels to the workers by pickle.
    """
    if not callable(getattr(model, method, None)):
        raise ValueError("%s has no method %r" % (type(model).__name__, method))
    return summary.map_partitions(_predict_part, model=model, method=method,
                                  kwargs=kwargs, meta=(method, "float64"))


# ---------------------------------------------------------------- segments

def _segment_part(part: Any, names: Dict[str, Optional[str]],
                  options: Dict[str, Any]) -> Optional[bytes]:
    # An empty partition gives no state: an empty tally has no optional
    # columns and would not merge with one that has.
    if len(part) == 0:
        return None
    t = _m.SegmentTally()
    cols: Dict[str, Any] = {k: (None if v is None else part[v]) for k, v in names.items()}
    cols.update(options)
    t.add(**cols)
    return t.to_bytes()


def _segment_merge(*states: Optional[bytes]) -> Optional[bytes]:
    acc: Optional[_m.SegmentTally] = None
    for s in states:
        if s is None:
            continue
        t = _m.SegmentTally.from_bytes(s)
        acc = t if acc is None else acc.merge(t)
    return None if acc is None else acc.to_bytes()


def segment_cross(data: Any, value: str, value_class: str, loyalty: str,
                  potential: Optional[str] = None, potential_threshold: float = 0.0,
                  lifetime_value: Optional[str] = None, churn_prob: Optional[str] = None,
                  nps_level: float = 0.95, nps_method: Union[str, int] = "wald",
                  small_n: int = 30, raw_scores: bool = False,
                  breaks: Optional[Sequence[int]] = None, sow: bool = False,
                  clamp_negative: bool = False) -> Any:
    """The ABC x loyalty crossing (``loyalty.segment.cross``'s Crossing) of
    a per-customer Dask DataFrame, from the column names of ``value``,
    ``value_class`` (A/B/C codes, e.g. from ``segment.abc`` of the value
    column), ``loyalty`` and the optional columns; arguments as in
    ``segment.cross``. Each partition fills a crossing tally, merged as
    bytes (exact counts, sums to rounding). The per-customer cells are
    ``segment.cross`` per partition (``map_partitions``) when needed.
    """
    names = {"value": value, "value_class": value_class, "loyalty": loyalty,
             "potential": potential, "lifetime_value": lifetime_value,
             "churn_prob": churn_prob}
    for arg, col in names.items():
        _need(data, arg, col)
    options = dict(raw_scores=raw_scores, potential_threshold=potential_threshold,
                   breaks=breaks, sow=sow, clamp_negative=clamp_negative)
    dask = _dask()
    chunk = partial(_segment_part, names=names, options=options)
    states = [dask.delayed(chunk, pure=True)(p) for p in _partitions(data)]
    raw = _compute(_reduce(states, _segment_merge))
    table = _m.SegmentTally() if raw is None else _m.SegmentTally.from_bytes(raw)
    return table.result(_nps._method(nps_method), nps_level, small_n)


# ---------------------------------------------------------------- drivers

@dataclass(frozen=True, repr=False)
class Moments(Result):
    """A merged moment tally of the key-driver analysis (``loy_moments``):
    ``state`` its portable bytes (what the driver analyses read; the same
    bytes a tally of all rows in one process gives, up to the rounding of
    the merged sums), the ``columns`` in tally order, the rows counted
    (``n``), their total weight (``sum_w``), the rows skipped as missing
    or invalid, the weighted ``mean`` (a Series) and covariance ``cov``
    (a DataFrame, divisor W - 1)."""

    state: bytes
    columns: List[str]
    n: int
    sum_w: float
    rows_missing: int
    rows_invalid: int
    mean: Any
    cov: Any


_MISSING = {None: 0, "listwise": _dffi.MOMENTS_LISTWISE, "pairwise": _dffi.MOMENTS_PAIRWISE}


def _moments_flags(missing: Optional[str], integer: bool, skip_invalid: bool) -> int:
    if missing not in _MISSING:
        raise ValueError("missing must be None, 'listwise' or 'pairwise', not %r" % (missing,))
    return (_MISSING[missing] | (_dffi.MOMENTS_INTEGER if integer else 0)
            | (_dffi.MOMENTS_SKIP_INVALID if skip_invalid else 0))


def _moments_handle(k: int, flags: int) -> Any:
    h = _dffi.P_MOMENTS()
    check(_dffi.moments_new(ctypes.byref(h), k, flags), None, "loy_moments_new")
    return h


def _moments_bytes(h: Any) -> bytes:
    need = ctypes.c_size_t(0)
    check(_dffi.moments_serialize(None, 0, ctypes.byref(need), h), None,
          "loy_moments_serialize")
    buf = (ctypes.c_uint8 * need.value)()
    check(_dffi.moments_serialize(buf, need.value, ctypes.byref(need), h), None,
          "loy_moments_serialize")
    return bytes(buf)


def _moments_load(data: bytes) -> Any:
    h = _dffi.P_MOMENTS()
    buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    check(_dffi.moments_deserialize(ctypes.byref(h), buf, len(data)), None,
          "loy_moments_deserialize")
    return h


def moments_state(frame: Any, columns: Sequence[str], weight: Optional[str] = None,
                  flags: int = 0) -> bytes:
    """The serialized moment tally of the rows of a pandas DataFrame (one
    partition): the columns as float64 rows, the optional weight column.
    Raises BadInputError naming the column and the row label."""
    np = numpy()
    k = len(columns)
    h = _moments_handle(k, flags)
    try:
        x = np.ascontiguousarray(frame[list(columns)].to_numpy(dtype="float64",
                                                               na_value=np.nan))
        w = None
        if weight is not None:
            w = np.ascontiguousarray(frame[weight].to_numpy(dtype="float64",
                                                            na_value=np.nan))
        n = x.shape[0]
        idx = ctypes.c_size_t()
        pd_ = ctypes.POINTER(ctypes.c_double)
        rc = _dffi.moments_add(h, x.ctypes.data_as(pd_) if n else None, n, k, 1,
                               None if w is None else w.ctypes.data_as(pd_), None,
                               ctypes.byref(idx))
        if rc < 0:
            exc = error_for(rc, None, "loy_moments_add")
            if idx.value != NO_INDEX:
                row, j = divmod(idx.value, k + 1)
                name = weight if j == k else columns[j]
                exc.locate(argument=str(name), index=row, label=frame.index[row])
            raise exc
        return _moments_bytes(h)
    finally:
        _dffi.moments_free(h)


def _moments_merge(*states: bytes) -> bytes:
    acc = _moments_load(states[0])
    try:
        for s in states[1:]:
            h = _moments_load(s)
            try:
                check(_dffi.moments_merge(acc, h), None, "loy_moments_merge")
            finally:
                _dffi.moments_free(h)
        return _moments_bytes(acc)
    finally:
        _dffi.moments_free(acc)


def read_moments(state: bytes, columns: Sequence[str]) -> Moments:
    """A :class:`Moments` from the bytes of a moment tally of ``columns``."""
    pd, np = pandas(), numpy()
    h = _moments_load(state)
    try:
        info = _dffi.MomentsInfo.new()
        check(_dffi.moments_info_get(ctypes.byref(info), h), None, "loy_moments_info_get")
        k = int(info.k)
        if k != len(columns):
            raise ValueError("the tally has %d columns, %d names given" % (k, len(columns)))
        mean = np.full(k, np.nan)
        cov = np.full((k, k), np.nan)
        pd_ = ctypes.POINTER(ctypes.c_double)
        if _dffi.moments_mean(mean.ctypes.data_as(pd_), k, h) < 0:
            mean[:] = np.nan  # no row counted: blanks, as pandas would
        if _dffi.moments_cov(cov.ctypes.data_as(pd_), k, h) < 0:
            cov[:] = np.nan
        names = list(columns)
        return Moments(state=state, columns=names, n=int(info.n), sum_w=float(info.sum_w),
                       rows_missing=int(info.rows_missing),
                       rows_invalid=int(info.rows_invalid),
                       mean=pd.Series(mean, index=names, name="mean"),
                       cov=pd.DataFrame(cov, index=names, columns=names))
    finally:
        _dffi.moments_free(h)


def moments(data: Any, columns: Sequence[str], weight: Optional[str] = None,
            missing: Optional[str] = None, integer: bool = False,
            skip_invalid: bool = False) -> Moments:
    """The moment tally of the key-driver analysis (``loy_moments``: counts,
    weighted means and co-moments of ``columns``, e.g. the outcome then
    the drivers) over a Dask DataFrame: one tally per partition, merged as
    bytes. ``weight``: a column of frequency weights; ``missing``: None
    (a NaN is an error), "listwise" (rows with a NaN skipped) or
    "pairwise"; ``integer``: whole-number ratings (exact integer sums);
    ``skip_invalid``: skip rows with invalid values instead of raising.
    Returns a :class:`Moments` (its ``state`` bytes feed the driver
    analyses). Equal to the tally of all rows in one process (exact in
    integer mode, to rounding otherwise).
    """
    columns = list(columns)
    for c in columns:
        _need(data, "columns", c)
    _need(data, "weight", weight)
    flags = _moments_flags(missing, integer, skip_invalid)
    dask = _dask()
    chunk = partial(moments_state, columns=columns, weight=weight, flags=flags)
    states = [dask.delayed(chunk, pure=True)(p) for p in _partitions(data)]
    return read_moments(_compute(_reduce(states, _moments_merge)), columns)
