# SPDX-License-Identifier: MIT
"""``clv.summarize`` on a transaction DataFrame: ids, dates and periods.

What the library needs is uint64 ids and int64 times with a period length
in the times' unit. The conversions, cheapest first:

- ids: non-negative integer columns are passed as they are (int64 viewed
  as uint64, no copy); anything else (strings, negative or nullable
  integers) is factorized once with ``pandas.factorize(sort=True)`` and the
  output rows are relabelled with the original ids;
- dates: datetime64[ns] columns are passed as nanoseconds (a view, no
  copy) with periods of 86 400 s (days), 7 days from the right weekday
  (weeks) or the tick length (hours, minutes); strings, Timestamps and
  dates go through ``pandas.to_datetime`` first (one conversion), and
  time-zone aware columns through their wall time (what ``to_period``
  uses). Calendar periods (months, quarters, years) have no fixed length:
  their pandas period ordinals are passed instead.

Because raw nanoseconds reach the library, an observation or calibration
end at a date means midnight that day, as in lifetimes: a purchase at
10:00 on the calibration end date is in the holdout, and one after the
observation end date's period is dropped.
"""

from typing import Any, Callable, Optional, Tuple

from ._pandas import pandas, numpy
from .errors import BadInputError

DAY_NS = 86_400_000_000_000


def _ids(col: Any) -> Tuple[Any, Callable[[Any], Any]]:
    """(uint64 ids, function mapping summary ids to index labels)."""
    pd, np = pandas(), numpy()
    name = col.name
    dtype = col.dtype
    if getattr(dtype, "kind", "O") in "iu" and not hasattr(dtype, "na_value"):
        arr = col.to_numpy()
        if arr.dtype.kind == "u" and arr.dtype.itemsize == 8:
            return arr, lambda ids: pd.Index(ids, name=name)
        if arr.size == 0 or arr.min() >= 0:
            u = arr.view(np.uint64) if arr.dtype.itemsize == 8 else arr.astype(np.uint64)
            kind = arr.dtype
            return u, lambda ids: pd.Index(ids.astype(kind), name=name)
    codes, uniques = pd.factorize(col, sort=True)
    if (codes < 0).any():
        pos = int(np.flatnonzero(codes < 0)[0])
        raise BadInputError(-1, pos, argument="customer (%s)" % name,
                            label=col.index[pos], detail="missing customer id")
    return codes.view(np.uint64), lambda ids: pd.Index(
        uniques.take(ids.astype(np.int64)), name=name)


def _period(freq: str) -> Tuple[str, int, int]:
    """("ns", period length, origin) for fixed periods, ("ordinal", 1, 0) else."""
    pd = pandas()
    off = pd.tseries.frequencies.to_offset(freq)
    if isinstance(off, pd.offsets.Tick):
        return "ns", int(off.nanos), 0
    if isinstance(off, pd.offsets.Week):
        # Anchored on the weekday the week ENDS (W = W-SUN: Monday-Sunday).
        # 1970-01-01 was a Thursday (weekday 3): the first day of a week
        # beginning on weekday s is (s - 3) mod 7 - 7 days from the epoch.
        end = 6 if off.weekday is None else int(off.weekday)
        start = (end + 1) % 7
        origin = ((start - 3) % 7) - 7
        return "ns", 7 * int(off.n) * DAY_NS, origin * DAY_NS
    return "ordinal", 1, 0


def _wall_times(col: Any) -> Any:
    """The column as tz-naive datetime64[ns] (converted once when needed)."""
    pd = pandas()
    dtype = col.dtype
    if str(dtype).startswith("datetime64[ns"):
        if getattr(dtype, "tz", None) is not None:
            return col.dt.tz_localize(None)
        return col
    try:
        conv = pd.to_datetime(col)
    except (ValueError, TypeError) as exc:
        raise ValueError("date (%s): cannot read the dates: %s" % (col.name, exc)) from None
    if getattr(conv.dtype, "tz", None) is not None:
        conv = conv.dt.tz_localize(None)
    return conv


def _instant(value: Any, what: str) -> Any:
    pd = pandas()
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError("%s: cannot read %r as a date: %s" % (what, value, exc)) from None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def _times(col: Any, freq: Optional[str], period_length: int,
           period_origin: int) -> Tuple[Any, int, int, Callable[[Any, str], int]]:
    """(int64 times, period length, origin, converter of an end date)."""
    pd, np = pandas(), numpy()
    if getattr(col.dtype, "kind", "O") in "iu" and freq is None:
        arr = col.to_numpy()
        return arr, period_length, period_origin, lambda v, what: int(v)
    wall = _wall_times(col)
    mode, length, origin = _period(freq or "D")
    if mode == "ns":
        arr = wall.to_numpy().view(np.int64)
        return arr, length, origin, lambda v, what: int(_instant(v, what).value)
    ordinals = wall.dt.to_period(freq).array.asi8
    return ordinals, 1, 0, lambda v, what: int(pd.Period(_instant(v, what), freq=freq).ordinal)


def summarize_frame(df: Any, customer: Optional[str], date: Optional[str],
                    amount: Optional[str], observation_end: Any, freq: Optional[str],
                    freq_multiplier: float, calibration_end: Any, include_first: bool,
                    period_length: int, period_origin: int) -> Any:
    """The DataFrame form of ``clv.summarize`` (documented there)."""
    from .clv import summarize_arrays
    pd, np = pandas(), numpy()
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    if customer is None or date is None:
        raise TypeError("name the columns: customer= and date= (amount= optional)")
    for arg, col in (("customer", customer), ("date", date), ("amount", amount)):
        if col is not None and col not in df.columns:
            raise KeyError("%s: no column %r (columns: %s)"
                           % (arg, col, ", ".join(map(str, df.columns))))
    ids, relabel = _ids(df[customer])
    times, length, origin, instant = _times(df[date], freq, period_length, period_origin)
    amounts = None
    if amount is not None:
        amounts = df[amount].to_numpy(dtype="float64", na_value=np.nan)
    end = None if observation_end is None else instant(observation_end, "observation_end")
    cal = None if calibration_end is None else instant(calibration_end, "calibration_end")
    names = ("customer (%s)" % customer, "date (%s)" % date,
             "amount (%s)" % amount if amount is not None else "amount")
    shown = (df[customer], df[date], df[amount] if amount is not None else None)
    s = summarize_arrays(ids, times, amounts, end, length, origin, freq_multiplier, cal,
                         include_first, names=names, index=df.index, shown=shown)
    return s.to_frame(index=relabel(s.ids), monetary=amount is not None)


def period_numbers(col: Any, freq: str) -> Any:
    """The period (int64) of every date of ``col``: days, weeks, ... since
    the epoch for fixed-length ``freq``, pandas period ordinals otherwise."""
    np = numpy()
    wall = _wall_times(col)
    mode, length, origin = _period(freq)
    if mode == "ns":
        return np.floor_divide(wall.to_numpy().view(np.int64) - origin, length)
    return wall.dt.to_period(freq).array.asi8


def expected_cumulative_transactions(model: Any, transactions: Any, customer: str,
                                     date: str, t: int, freq: str = "D",
                                     freq_multiplier: int = 1) -> Any:
    """Actual and expected cumulative repeat purchases, period by period.

    As lifetimes' ``expected_cumulative_transactions``: periods of ``freq``
    from the first date of the log; a customer's first period holds the
    first purchase, purchases in the same period merge; row k
    (k = 0 .. t // freq_multiplier - 1) covers the first
    (k + 1) * freq_multiplier periods. ``actual``: repeat purchases in
    those periods; ``predicted``: the sum over customers acquired in an
    earlier period b of E[X(((k + 1) * freq_multiplier - b) /
    freq_multiplier)], the model's expectation for a new customer (the
    model's time unit is freq_multiplier periods).
    """
    pd, np = pandas(), numpy()
    t, fm = int(t), int(freq_multiplier)
    if t < 1 or fm < 1:
        raise ValueError("t and freq_multiplier must be >= 1")
    codes, _ = pd.factorize(transactions[customer])
    if (codes < 0).any():
        raise ValueError("customer: missing customer ids")
    p = period_numbers(transactions[date], freq)
    p = p - p.min()
    pairs = pd.DataFrame({"c": codes, "p": p}).drop_duplicates()
    first = pairs.groupby("c")["p"].transform("min").to_numpy()
    pp = pairs["p"].to_numpy()
    births = np.bincount(pp[pp == first], minlength=t + 1)[:t + 1].astype(float)
    repeats = np.bincount(pp[pp != first], minlength=t + 1)[:t + 1].astype(float)
    E = np.asarray(model.expected_new(np.arange(1, t + 1, dtype=float) / fm), dtype=float)
    n = t // fm
    actual = np.empty(n)
    predicted = np.empty(n)
    for k in range(n):
        i = (k + 1) * fm
        actual[k] = repeats[:i].sum()
        # births in periods b = 0..i-1, each seen for i - b periods
        predicted[k] = float(np.dot(births[:i], E[i - 1::-1][:i]))
    return pd.DataFrame({"actual": actual, "predicted": predicted},
                        index=pd.RangeIndex(n, name="period"))
