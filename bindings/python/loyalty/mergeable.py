# SPDX-License-Identifier: MIT
"""Mergeable states and their portable byte form (libloyalty 1.1).

The library's partial results can be built in pieces (threads, processes,
Dask partitions, database shards), sent as bytes and merged; the merged
state gives the same answer as one pass over all the data. The bytes are
the library's serialize format (a 16-byte "LOYS" header naming the kind
and version, little-endian payload), the same that the PostgreSQL and
DuckDB aggregates store, so a state can move between all of them.

- NPS tallies and weighted tallies: ``tally_to_bytes``/``tally_from_bytes``,
  ``weighted_tally_to_bytes``/``weighted_tally_from_bytes`` (the values are
  ``loyalty.nps.Tally`` and ``WeightedTally``, which already add with ``+``).
- ``ScoreTally``: the histogram of ratings on a scale, behind CSAT and CES.
- ``PatternTable``: distinct (x, t_x, T [, monetary]) customer patterns
  with summed weights, from which BG/NBD, MBG/NBD, Pareto/NBD and
  Gamma-Gamma are fitted.
- ``RfmCustomer``: the purchase-log summary of ONE customer.
- ``SegmentTally``: the ABC x loyalty crossing.
- ``MomentTally``: means and co-moments of k columns, behind the key-driver
  analysis (defined in ``loyalty.drivers``, re-exported here).

Objects own a C handle freed when they are garbage collected; ``+=`` and
``merge`` combine them, ``to_bytes``/``from_bytes`` serialize them.
"""

import ctypes
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Tuple, Type, TypeVar

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_int32, c_uint8, c_uint64, P
from ._model import FitOptions, FitReport, fit_options
from ._struct import Struct, Result, to_result
from .errors import errcheck, error_for
from . import nps as _nps
from . import segment as _segment
from . import clv as _clv

__all__ = ["tally_to_bytes", "tally_from_bytes", "weighted_tally_to_bytes",
           "weighted_tally_from_bytes", "ScoreTally", "PatternTable",
           "PatternsInfo", "PatternFit", "RfmCustomer", "SegmentTally",
           "PATTERNS_MONETARY", "MomentTally"]

PATTERNS_MONETARY = 0x1
c_int64 = ctypes.c_int64
_PD = P(c_double)
_PSZ = P(c_size_t)
_PU8 = P(c_uint8)
_byref = ctypes.byref
H = TypeVar("H", bound="_Handle")


class _Opaque(ctypes.Structure):
    pass


_H = P(_Opaque)


class _PatternsInfo(Struct):
    _fields_ = [("struct_size", c_size_t), ("n_patterns", c_uint64),
                ("n_spend_patterns", c_uint64), ("n_rows", c_uint64),
                ("customers", c_double), ("spend_customers", c_double),
                ("zero_spend_customers", c_double), ("flags", c_uint32)]


@dataclass(frozen=True, repr=False)
class PatternsInfo(Result):
    """What a pattern table holds: distinct (x, t_x, T) patterns, distinct
    (x, m) spend patterns, rows added, total weights."""

    n_patterns: int
    n_spend_patterns: int
    n_rows: int
    customers: float
    spend_customers: float
    zero_spend_customers: float
    flags: int


@dataclass(frozen=True, repr=False)
class PatternFit(Result):
    """A fit from a pattern table: parameters in the model's order, their
    standard errors, the log-likelihood and the convergence report."""

    model: str
    params: List[float]
    se: List[float]
    loglik: float
    customers: float
    patterns: int
    iterations: int
    converged: bool


_tally_ser = declare("loy_nps_tally_serialize", c_int, [_PU8, c_size_t, _PSZ, P(_nps._Tally)])
_tally_de = declare("loy_nps_tally_deserialize", c_int,
                    [P(_nps._Tally), _PU8, c_size_t], errcheck)
_wtally_ser = declare("loy_nps_wtally_serialize", c_int, [_PU8, c_size_t, _PSZ, P(_nps._WTally)])
_wtally_de = declare("loy_nps_wtally_deserialize", c_int,
                     [P(_nps._WTally), _PU8, c_size_t], errcheck)

_st_new = declare("loy_score_tally_new", c_int, [P(_H), c_int32, c_int32], errcheck)
_st_free = declare("loy_score_tally_free", None, [_H])
_st_add_i32 = declare("loy_score_tally_add_i32", c_int,
                      [_H, P(c_int32), c_size_t, c_uint32, _PSZ])
_st_add_f64 = declare("loy_score_tally_add_f64", c_int,
                      [_H, _PD, c_size_t, c_uint32, _PSZ])
_st_merge = declare("loy_score_tally_merge", c_int, [_H, _H], errcheck)
_st_scale = declare("loy_score_tally_scale", c_int,
                    [P(c_int32), P(c_int32), _H], errcheck)
_st_counts = declare("loy_score_tally_counts", c_int,
                     [P(c_uint64), c_size_t, P(c_uint64), _H], errcheck)
_st_ser = declare("loy_score_tally_serialize", c_int, [_PU8, c_size_t, _PSZ, _H])
_st_de = declare("loy_score_tally_deserialize", c_int, [P(_H), _PU8, c_size_t],
                 errcheck)

_pt_new = declare("loy_patterns_new", c_int, [P(_H), c_uint32], errcheck)
_pt_free = declare("loy_patterns_free", None, [_H])
_pt_add = declare("loy_patterns_add", c_int,
                  [_H, _PD, _PD, _PD, _PD, _PD, c_size_t, _PSZ])
_pt_merge = declare("loy_patterns_merge", c_int, [_H, _H], errcheck)
_pt_info = declare("loy_patterns_get_info", c_int, [P(_PatternsInfo), _H],
                   errcheck)
_pt_rows = declare("loy_patterns_rows", c_int,
                   [_PD, _PD, _PD, _PD, c_size_t, _H], errcheck)
_pt_spend = declare("loy_patterns_spend_rows", c_int,
                    [_PD, _PD, _PD, c_size_t, _H], errcheck)
_pt_ser = declare("loy_patterns_serialize", c_int, [_PU8, c_size_t, _PSZ, _H])
_pt_de = declare("loy_patterns_deserialize", c_int, [P(_H), _PU8, c_size_t],
                 errcheck)
_FIT_ARGS = [_PD, _H, P(FitOptions), P(FitReport)]
_fits = {
    "bgnbd": declare("loy_bgnbd_fit_patterns", c_int, _FIT_ARGS),
    "mbgnbd": declare("loy_mbgnbd_fit_patterns", c_int, _FIT_ARGS),
    "pnbd": declare("loy_pnbd_fit_patterns", c_int, _FIT_ARGS),
    "ggamma": declare("loy_ggamma_fit_patterns", c_int, _FIT_ARGS),
}

_rc_new = declare("loy_rfm_customer_new", c_int,
                  [P(_H), c_int64, P(_clv._RfmOptions)], errcheck)
_rc_free = declare("loy_rfm_customer_free", None, [_H])
_rc_add = declare("loy_rfm_customer_add", c_int,
                  [_H, P(c_int64), _PD, c_size_t, _PSZ])
_rc_merge = declare("loy_rfm_customer_merge", c_int, [_H, _H], errcheck)
_rc_row = declare("loy_rfm_customer_row", c_int,
                  [_PD, c_size_t, P(c_int64), _H])
_rc_ser = declare("loy_rfm_customer_serialize", c_int, [_PU8, c_size_t, _PSZ, _H])
_rc_de = declare("loy_rfm_customer_deserialize", c_int, [P(_H), _PU8, c_size_t],
                 errcheck)

_sg_new = declare("loy_segment_tally_new", c_int, [P(_H)], errcheck)
_sg_free = declare("loy_segment_tally_free", None, [_H])
_sg_add = declare("loy_segment_tally_add", c_int,
                  [_H, P(_segment._SegInput), _PSZ])
_sg_merge = declare("loy_segment_tally_merge", c_int, [_H, _H], errcheck)
_sg_result = declare("loy_segment_tally_result", c_int,
                     [P(_segment._SegResult), _H, c_uint32, c_double, c_uint32],
                     errcheck)
_sg_ser = declare("loy_segment_tally_serialize", c_int, [_PU8, c_size_t, _PSZ, _H])
_sg_de = declare("loy_segment_tally_deserialize", c_int, [P(_H), _PU8, c_size_t],
                 errcheck)


def _to_bytes(fn: Callable[..., int], obj: Any) -> bytes:
    """The two-call pattern: ask the size, then fill a buffer."""
    need = c_size_t(0)
    code = fn(None, 0, _byref(need), obj)
    if code != 0:
        raise error_for(code)
    buf = (c_uint8 * need.value)()
    code = fn(buf, need.value, _byref(need), obj)
    if code != 0:
        raise error_for(code)
    return bytes(buf)


def _buf(data: bytes) -> Tuple[Any, int]:
    data = bytes(data)
    return (c_uint8 * max(len(data), 1)).from_buffer_copy(data or b"\0"), len(data)


def _check(code: int, index: Any) -> None:
    if code != 0:
        raise error_for(code, index.value)


def _f64(values: Sequence[float]) -> Tuple[Any, int]:
    vals = [float(v) for v in values]
    return (c_double * max(len(vals), 1))(*vals), len(vals)


# ------------------------------------------------------------- NPS tallies

def tally_to_bytes(tally: Any) -> bytes:
    """The bytes of an NPS tally (a ``loyalty.nps.Tally`` or (D, A, P[, R]))."""
    return _to_bytes(_tally_ser, _byref(_nps._tally_struct(tally)))


def tally_from_bytes(data: bytes) -> "_nps.Tally":
    """A ``loyalty.nps.Tally`` from its bytes (BadInputError if malformed)."""
    out = _nps._Tally.new()
    b, n = _buf(data)
    _tally_de(_byref(out), b, n)
    return to_result(_nps.Tally, out)


def weighted_tally_to_bytes(wtally: "_nps.WeightedTally") -> bytes:
    """The bytes of a ``loyalty.nps.WeightedTally``."""
    return _to_bytes(_wtally_ser, _byref(_nps._wtally_struct(wtally)))


def weighted_tally_from_bytes(data: bytes) -> "_nps.WeightedTally":
    """A ``loyalty.nps.WeightedTally`` from its bytes."""
    out = _nps._WTally.new()
    b, n = _buf(data)
    _wtally_de(_byref(out), b, n)
    return to_result(_nps.WeightedTally, out)


# ----------------------------------------------------------- handle base

class _Handle:
    """Owner of one library handle, freed with the object."""

    _free: Callable[[Any], None]
    _ser: Callable[..., int]
    _de: Callable[..., int]
    _merge: Callable[[Any, Any], int]

    def __init__(self, handle: Any) -> None:
        self._h = handle

    def __del__(self) -> None:
        h = getattr(self, "_h", None)
        if h:
            type(self)._free(h)
            self._h = None

    @classmethod
    def from_bytes(cls: Type[H], data: bytes) -> H:
        """Rebuild the object from ``to_bytes()`` output (BadInputError if
        the bytes are malformed)."""
        h = _H()
        b, n = _buf(data)
        cls._de(_byref(h), b, n)
        obj = cls.__new__(cls)
        _Handle.__init__(obj, h)
        return obj

    def to_bytes(self) -> bytes:
        """The portable byte form of the state."""
        return _to_bytes(type(self)._ser, self._h)

    def merge(self: H, other: H) -> H:
        """Add other's data into this object (in place); returns self."""
        type(self)._merge(self._h, other._h)
        return self

    def __iadd__(self: H, other: H) -> H:
        return self.merge(other)


class ScoreTally(_Handle):
    """Counts of whole-number ratings on the scale [lo, hi] (CSAT, CES)."""

    _free = staticmethod(_st_free)
    _ser = staticmethod(_st_ser)
    _de = staticmethod(_st_de)
    _merge = staticmethod(_st_merge)

    def __init__(self, lo: int, hi: int, scores: Optional[Sequence[float]] = None,
                 skip_invalid: bool = False) -> None:
        h = _H()
        _st_new(_byref(h), int(lo), int(hi))
        super().__init__(h)
        if scores is not None:
            self.add(scores, skip_invalid)

    def add(self, scores: Sequence[float], skip_invalid: bool = False) -> "ScoreTally":
        """Count ratings (whole numbers; strict unless skip_invalid)."""
        arr, n = _f64(scores)
        idx = c_size_t(0)
        _check(_st_add_f64(self._h, arr, n, 1 if skip_invalid else 0, _byref(idx)), idx)
        return self

    @property
    def scale(self) -> Tuple[int, int]:
        lo, hi = c_int32(), c_int32()
        _st_scale(_byref(lo), _byref(hi), self._h)
        return lo.value, hi.value

    def counts(self) -> Tuple[List[int], int]:
        """(counts per score lo..hi as a list, rejected)."""
        lo, hi = self.scale
        n = hi - lo + 1
        arr = (c_uint64 * n)()
        rej = c_uint64()
        _st_counts(arr, n, _byref(rej), self._h)
        return list(arr), rej.value

    def csat(self, top_min: int, level: float = 0.95) -> Any:
        """CSAT (share at or above top_min) with a Wilson interval."""
        lo, hi = self.scale
        return _nps.csat(counts=self.counts()[0], scale=(lo, top_min, hi), level=level)

    def ces(self, disagree_max: int, agree_min: int, level: float = 0.95) -> Any:
        """CES: mean rating with interval, agree and disagree shares."""
        lo, hi = self.scale
        return _nps.ces(counts=self.counts()[0],
                        scale=(lo, disagree_max, agree_min, hi), level=level)


class PatternTable(_Handle):
    """Distinct customer patterns with summed weights (lifetime-model fits)."""

    _free = staticmethod(_pt_free)
    _ser = staticmethod(_pt_ser)
    _de = staticmethod(_pt_de)
    _merge = staticmethod(_pt_merge)

    def __init__(self, monetary: bool = False) -> None:
        h = _H()
        _pt_new(_byref(h), PATTERNS_MONETARY if monetary else 0)
        super().__init__(h)

    def add(self, x: Sequence[float], t_x: Sequence[float], T: Sequence[float],
            monetary: Optional[Sequence[float]] = None,
            weights: Optional[Sequence[float]] = None) -> "PatternTable":
        """Add customers; raises with the first bad row's index."""
        ax, n = _f64(x)
        atx, ntx = _f64(t_x)
        aT, nT = _f64(T)
        if ntx != n or nT != n:
            raise ValueError("x, t_x and T must have the same length")
        am = _f64(monetary)[0] if monetary is not None else None
        aw = _f64(weights)[0] if weights is not None else None
        idx = c_size_t(0)
        _check(_pt_add(self._h, ax, atx, aT, am, aw, n, _byref(idx)), idx)
        return self

    def info(self) -> PatternsInfo:
        out = _PatternsInfo.new()
        _pt_info(_byref(out), self._h)
        return to_result(PatternsInfo, out)

    def rows(self) -> Tuple[List[float], ...]:
        """(x, t_x, T, weight) lists in ascending pattern order."""
        n = self.info().n_patterns
        cols = [(c_double * max(n, 1))() for _ in range(4)]
        _pt_rows(cols[0], cols[1], cols[2], cols[3], n, self._h)
        return tuple(list(c)[:n] for c in cols)

    def spend_rows(self) -> Tuple[List[float], ...]:
        """(x, m, weight) lists of the spend patterns."""
        n = self.info().n_spend_patterns
        cols = [(c_double * max(n, 1))() for _ in range(3)]
        _pt_spend(cols[0], cols[1], cols[2], n, self._h)
        return tuple(list(c)[:n] for c in cols)

    def fit(self, model: str, **options: Any) -> PatternFit:
        """Fit "bgnbd", "mbgnbd", "pnbd" or "ggamma" (options as for the
        models' fit functions: penalty, start, max_iter, gtol, se)."""
        fn = _fits[model]
        k = 3 if model == "ggamma" else 4
        params = (c_double * 4)()
        opts, keep = fit_options(**options)
        rep = FitReport.new()
        code = fn(params, self._h, _byref(opts), _byref(rep))
        del keep
        if code != 0 and code != -6:  # LOY_ENOCONV: best point, flagged
            raise error_for(code)
        return PatternFit(model=model, params=list(params)[:k], se=list(rep.se)[:k],
                          loglik=rep.loglik, customers=rep.n_customers,
                          patterns=int(rep.n_rows), iterations=int(rep.iterations),
                          converged=code == 0)


class RfmCustomer(_Handle):
    """Purchase-log summary of ONE customer, mergeable (see clv.summarize for
    the options' meaning)."""

    _free = staticmethod(_rc_free)
    _ser = staticmethod(_rc_ser)
    _de = staticmethod(_rc_de)
    _merge = staticmethod(_rc_merge)

    def __init__(self, observation_end: int, period_length: int = 1,
                 period_origin: int = 0, freq_multiplier: float = 1.0,
                 calibration_end: Optional[int] = None,
                 include_first: bool = False) -> None:
        o = _clv._RfmOptions.new(period_length=int(period_length),
                                 period_origin=int(period_origin),
                                 freq_multiplier=float(freq_multiplier),
                                 calibration_end=int(calibration_end or 0),
                                 flags=(1 if calibration_end is not None else 0)
                                 | (2 if include_first else 0))
        h = _H()
        _rc_new(_byref(h), int(observation_end), _byref(o))
        super().__init__(h)

    def add(self, times: Sequence[int],
            amounts: Optional[Sequence[float]] = None) -> "RfmCustomer":
        """Add purchase rows (times in the caller's unit, amounts >= 0)."""
        t = [int(v) for v in times]
        at = (c_int64 * max(len(t), 1))(*t)
        av = _f64(amounts)[0] if amounts is not None else None
        idx = c_size_t(0)
        _check(_rc_add(self._h, at, av, len(t), _byref(idx)), idx)
        return self

    def row(self) -> Tuple[Tuple[float, ...], int]:
        """((x, t_x, T, monetary[, x_holdout, monetary_holdout]), first_time)."""
        out = (c_double * 6)()
        first = c_int64()
        code = _rc_row(out, 6, _byref(first), self._h)
        if code != 0:
            raise error_for(code)
        return tuple(out), first.value


class SegmentTally(_Handle):
    """ABC x loyalty crossing as per-cell sums."""

    _free = staticmethod(_sg_free)
    _ser = staticmethod(_sg_ser)
    _de = staticmethod(_sg_de)
    _merge = staticmethod(_sg_merge)

    def __init__(self) -> None:
        h = _H()
        _sg_new(_byref(h))
        super().__init__(h)

    def add(self, value: Sequence[float], value_class: Sequence[int],
            loyalty: Sequence[int], raw_scores: bool = True) -> "SegmentTally":
        """Add customers: value, class (0 A, 1 B, 2 C), loyalty (raw 0-10
        scores or class codes; -1 no answer)."""
        av, n = _f64(value)
        vc = (c_uint8 * max(n, 1))(*[int(v) for v in value_class])
        ly = (c_int32 * max(n, 1))(*[int(v) for v in loyalty])
        inp = _segment._SegInput.new(n=n, flags=1 if raw_scores else 0)
        inp.value = av
        inp.value_class = vc
        inp.loyalty = ly
        idx = c_size_t(0)
        _check(_sg_add(self._h, _byref(inp), _byref(idx)), idx)
        return self

    def result(self, nps_method: int = 0, nps_level: float = 0.95,
               small_n: int = 0) -> "_segment.Crossing":
        """The crossing's result, as ``loyalty.segment.cross`` returns it."""
        out = _segment._SegResult.new()
        _sg_result(_byref(out), self._h, nps_method, nps_level, small_n)
        return to_result(_segment.Crossing, out,
                         cells=_segment._cell_list(out, bool(out.with_potential)))


from .drivers import MomentTally  # noqa: E402  (re-export)
