# SPDX-License-Identifier: MIT
"""Net Promoter Score, CSAT and CES (the C ``loy_nps_*``, ``loy_csat_*`` and
``loy_ces_*`` functions).

NPS is on [-1, 1] (multiply by 100 for display). A scale is described by
four breaks ``(lo, det_max, pas_max, hi)``; None means the standard 0-10
scale ``(0, 6, 8, 10)``.

Scores. ``tally`` picks the C routine from the input's type, without
copying when it can: numpy ``uint8`` arrays, ``bytes``/``bytearray``,
``array('B')`` and uint8 memoryviews go to ``loy_nps_tally_u8``; numpy
``int32`` arrays and ``array('i')`` to ``loy_nps_tally_i32``; numpy
``float64`` arrays and ``array('d')`` to ``loy_nps_tally_f64``. Anything else
(lists, other dtypes, pandas Series) is converted once to float64, so
non-whole or out-of-range values are reported by the library, never
silently wrapped or truncated.

Blanks and invalid scores are different things. A blank (NaN or None, the
pandas missing value) is a non-response: with the default ``blank="skip"``
it is counted in the result's ``blanks`` field and nowhere else. An
invalid score (11 on a 0-10 scale, 7.5, an infinity) is an error in the
data: by default the first one raises BadInputError (its ``index`` and,
for pandas input, ``label`` tell where); with ``skip_invalid=True`` invalid
scores are counted in ``rejected`` instead. ``blank="invalid"`` restores
the 1.0 behaviour, where NaN was an invalid score like any other.

Tables per group (pandas): :func:`by_group`, :func:`csat_by_group` and
:func:`ces_by_group` return one row per group with the responses, blanks,
invalid scores, counts, estimate and interval.
"""

import ctypes
import math
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

from ._lib import (declare, c_int, c_double, c_size_t, c_uint32, c_int32,
                   c_uint8, c_uint64, P)
from ._struct import Struct, Result, to_result
from ._arrays import as_input, new_output, same_length, _np
from ._api import api
from ._pandas import rows, index_of, is_series
from .errors import (errcheck, check, error_for, ESCALE, ENONFINITE, EINVAL,
                     LoyaltyError)

__all__ = ["Tally", "WeightedTally", "Estimate", "Comparison",
           "WeightedEstimate", "CsatResult", "CesResult", "classify",
           "check_breaks", "tally", "tally_hist", "merge", "grouped",
           "weighted_tally", "weighted_estimate", "weighted", "estimate",
           "compare", "sample_size", "margin_of_error", "csat", "ces",
           "by_group", "csat_by_group", "ces_by_group",
           "DETRACTOR", "PASSIVE", "PROMOTER", "SKIP_INVALID", "WALD",
           "ADJUSTED_WALD", "SCORE", "CLIPPED", "SMALL_SAMPLE", "DEGENERATE"]

ArrayLike = Any  # a sequence of numbers: list, array.array, memoryview, numpy, pandas
TallyLike = Union["Tally", Sequence[int]]
Breaks = Optional[Sequence[int]]

DETRACTOR, PASSIVE, PROMOTER = 0, 1, 2
SKIP_INVALID = 0x1
WALD, ADJUSTED_WALD, SCORE = 0, 1, 2
CLIPPED, SMALL_SAMPLE, DEGENERATE = 0x1, 0x2, 0x4

_METHODS = {"wald": WALD, "adjusted": ADJUSTED_WALD, "adjusted_wald": ADJUSTED_WALD,
            "score": SCORE, "tango": SCORE}


class _Tally(Struct):
    _fields_ = [("struct_size", c_size_t), ("detractors", c_uint64),
                ("passives", c_uint64), ("promoters", c_uint64),
                ("rejected", c_uint64)]


class _WTally(Struct):
    _fields_ = [("struct_size", c_size_t), ("count", c_uint64 * 3),
                ("sum_w", c_double * 3), ("sum_w2", c_double * 3),
                ("rejected", c_uint64)]


class _Options(Struct):
    _fields_ = [("struct_size", c_size_t), ("pseudo", c_double * 3)]


class _Result(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64), ("nps", c_double),
                ("variance", c_double), ("se", c_double), ("level", c_double),
                ("z", c_double), ("centre", c_double), ("interval_se", c_double),
                ("lower", c_double), ("upper", c_double), ("method", c_uint32),
                ("flags", c_uint32)]


class _Diff(Struct):
    _fields_ = [("struct_size", c_size_t), ("diff", c_double), ("se", c_double),
                ("z_stat", c_double), ("p_value", c_double), ("level", c_double),
                ("lower", c_double), ("upper", c_double), ("method", c_uint32),
                ("flags", c_uint32)]


class _WResult(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64), ("sum_w", c_double),
                ("nps", c_double), ("n_eff", c_double), ("deff", c_double),
                ("se_kish", c_double), ("se_lin", c_double), ("level", c_double),
                ("lower", c_double), ("upper", c_double), ("flags", c_uint32)]


class _Csat(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64), ("top", c_uint64),
                ("rejected", c_uint64), ("csat", c_double), ("se", c_double),
                ("level", c_double), ("lower", c_double), ("upper", c_double),
                ("flags", c_uint32)]


class _Ces(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64), ("rejected", c_uint64),
                ("mean", c_double), ("sd", c_double), ("se", c_double),
                ("level", c_double), ("lower", c_double), ("upper", c_double),
                ("agree", c_double), ("disagree", c_double), ("flags", c_uint32)]


_PI32 = P(c_int32)
_PSZ = P(c_size_t)
_classify = declare("loy_nps_classify", c_int, [_PI32, c_int32, _PI32], errcheck)
_breaks_check = declare("loy_nps_breaks_check", c_int, [_PI32], errcheck)
_tally_u8 = declare("loy_nps_tally_u8", c_int,
                    [P(_Tally), P(c_uint8), c_size_t, _PI32, c_uint32, _PSZ])
_tally_i32 = declare("loy_nps_tally_i32", c_int,
                     [P(_Tally), _PI32, c_size_t, _PI32, c_uint32, _PSZ])
_tally_f64 = declare("loy_nps_tally_f64", c_int,
                     [P(_Tally), P(c_double), c_size_t, _PI32, c_uint32, _PSZ])
_tally_hist = declare("loy_nps_tally_hist", c_int,
                      [P(_Tally), P(c_uint64), c_size_t, _PI32], errcheck)
_tally_merge = declare("loy_nps_tally_merge", c_int, [P(_Tally), P(_Tally)], errcheck)
_grouped_u8 = declare("loy_nps_tally_grouped_u8", c_int,
                      [P(c_uint64), c_size_t, P(c_uint8), P(c_uint32), c_size_t,
                       _PI32, c_uint32, _PSZ])
_wtally_f64 = declare("loy_nps_wtally_f64", c_int,
                      [P(_WTally), P(c_double), P(c_double), c_size_t, _PI32,
                       c_uint32, _PSZ])
_wtally_merge = declare("loy_nps_wtally_merge", c_int, [P(_WTally), P(_WTally)],
                        errcheck)
_options_init = declare("loy_nps_options_init", c_int, [P(_Options)], errcheck)
_estimate = declare("loy_nps_estimate", c_int,
                    [P(_Result), P(_Tally), c_uint32, c_double, P(_Options)], errcheck)
_compare = declare("loy_nps_compare", c_int,
                   [P(_Diff), P(_Tally), P(_Tally), c_uint32, c_double, P(_Options)],
                   errcheck)
_westimate = declare("loy_nps_westimate", c_int, [P(_WResult), P(_WTally), c_double],
                     errcheck)
_sample_size = declare("loy_nps_sample_size", c_int,
                       [P(c_uint64), c_double, c_double, c_double, c_double], errcheck)
_margin = declare("loy_nps_margin", c_int,
                  [P(c_double), c_uint64, c_double, c_double, c_double], errcheck)
_csat_counts = declare("loy_csat_from_counts", c_int,
                       [P(_Csat), P(c_uint64), c_size_t, _PI32, c_double], errcheck)
_csat_i32 = declare("loy_csat_i32", c_int,
                    [P(_Csat), _PI32, c_size_t, _PI32, c_double, c_uint32, _PSZ])
_ces_counts = declare("loy_ces_from_counts", c_int,
                      [P(_Ces), P(c_uint64), c_size_t, _PI32, c_double], errcheck)
_ces_i32 = declare("loy_ces_i32", c_int,
                   [P(_Ces), _PI32, c_size_t, _PI32, c_double, c_uint32, _PSZ])

_byref = ctypes.byref


@dataclass(frozen=True, repr=False)
class Tally(Result):
    """Counts of one set of responses.

    ``detractors``, ``passives``, ``promoters``: responses per class;
    ``rejected``: invalid scores skipped (an 11, a 7.5, an infinity);
    ``blanks``: non-responses (NaN or None), never part of ``n``.
    ``n`` is detractors + passives + promoters. Tallies add with ``+`` (the
    library's overflow-checked merge); NPS values are never averaged.
    """

    detractors: int
    passives: int
    promoters: int
    rejected: int = 0
    blanks: int = 0

    @property
    def n(self) -> int:
        """Responses counted in a class (rejected ones and blanks excluded)."""
        return self.detractors + self.passives + self.promoters

    @property
    def nps(self) -> float:
        """Point NPS (P - D)/n on [-1, 1]; raises BadInputError when n = 0."""
        return estimate(self, "wald").nps

    def __add__(self, other: "Tally") -> "Tally":
        return merge(self, other)


@dataclass(frozen=True, repr=False)
class WeightedTally(Result):
    """Counts and weight sums per class (lists indexed DETRACTOR..PROMOTER);
    ``rejected`` rows had an invalid score or weight, ``blanks`` a blank score."""

    count: List[int]
    sum_w: List[float]
    sum_w2: List[float]
    rejected: int = 0
    blanks: int = 0

    def __add__(self, other: "WeightedTally") -> "WeightedTally":
        acc = _wtally_struct(self)
        _wtally_merge(_byref(acc), _byref(_wtally_struct(other)))
        return to_result(WeightedTally, acc, blanks=self.blanks + other.blanks)


@dataclass(frozen=True, repr=False)
class Estimate(Result):
    """NPS (on [-1, 1]), variance, standard error and confidence interval of
    one sample; ``centre``/``interval_se`` are those of the interval (the
    adjusted NPS' for the adjusted Wald); ``flags``: CLIPPED, SMALL_SAMPLE,
    DEGENERATE."""

    n: int
    nps: float
    variance: float
    se: float
    level: float
    z: float
    centre: float
    interval_se: float
    lower: float
    upper: float
    method: int
    flags: int


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """Difference NPS_a - NPS_b with its standard error, z test and interval."""

    diff: float
    se: float
    z_stat: float
    p_value: float
    level: float
    lower: float
    upper: float
    method: int
    flags: int


@dataclass(frozen=True, repr=False)
class WeightedEstimate(Result):
    """Weighted NPS with Kish effective size, design effect and standard errors."""

    n: int
    sum_w: float
    nps: float
    n_eff: float
    deff: float
    se_kish: float
    se_lin: float
    level: float
    lower: float
    upper: float
    flags: int


@dataclass(frozen=True, repr=False)
class CsatResult(Result):
    """CSAT (top-box share) with a Wilson interval; ``blanks`` counts
    non-responses (NaN/None), ``rejected`` invalid scores (skip mode)."""

    n: int
    top: int
    rejected: int
    csat: float
    se: float
    level: float
    lower: float
    upper: float
    flags: int
    blanks: int = 0


@dataclass(frozen=True, repr=False)
class CesResult(Result):
    """CES: mean rating with interval, agree and disagree shares; ``blanks``
    counts non-responses, ``rejected`` invalid scores (skip mode)."""

    n: int
    rejected: int
    mean: float
    sd: float
    se: float
    level: float
    lower: float
    upper: float
    agree: float
    disagree: float
    flags: int
    blanks: int = 0


# ----------------------------------------------------------------- helpers

def _int_array(values: Optional[Sequence[int]], n_expected: int, name: str) -> Any:
    if values is None:
        return None, None
    vals = [int(v) for v in values]
    if len(vals) != n_expected:
        raise ValueError("%s must have %d values" % (name, n_expected))
    arr = (c_int32 * n_expected)(*vals)
    return ctypes.cast(arr, _PI32), arr


def _breaks(breaks: Breaks) -> Any:
    return _int_array(breaks, 4, "breaks")


def _flags(skip_invalid: bool) -> int:
    return SKIP_INVALID if skip_invalid else 0


def _method(method: Union[str, int]) -> int:
    if isinstance(method, str):
        try:
            return _METHODS[method.lower()]
        except KeyError:
            raise ValueError("unknown method %r; use one of %s"
                             % (method, ", ".join(sorted(_METHODS)))) from None
    return int(method)


def _options(pseudo: Optional[Sequence[float]]) -> Any:
    if pseudo is None:
        return None
    opts = _Options()
    _options_init(_byref(opts))
    opts.pseudo = (c_double * 3)(*[float(x) for x in pseudo])
    return _byref(opts)


def _blank_mode(blank: str) -> bool:
    """True when NaN/None are blanks (skipped and counted), False when invalid."""
    if blank == "skip":
        return True
    if blank == "invalid":
        return False
    raise ValueError("blank must be 'skip' (NaN is a non-response) or 'invalid', not %r"
                     % (blank,))


def _buffer_format(obj: Any) -> Optional[str]:
    """The struct format letter of a buffer-protocol object, or None."""
    if _np is not None and isinstance(obj, _np.ndarray):
        return obj.dtype.char if obj.dtype.isnative else None
    if isinstance(obj, (bytes, bytearray, memoryview)) or hasattr(obj, "typecode"):
        try:
            return memoryview(obj).format.lstrip("@=")
        except TypeError:
            return None
    return None


def _u8_input(obj: Any) -> Any:
    """(pointer, n, keepalive) for a uint8 buffer; bytes are shared read-only."""
    if isinstance(obj, bytes):
        n = len(obj)
        return ctypes.cast(ctypes.c_char_p(obj), P(c_uint8)), n, obj
    return as_input(obj, c_uint8)


def _as_numpy(scores: Any) -> Any:
    """pandas objects as numpy (extension dtypes with pd.NA as float NaN)."""
    if is_series(scores):
        dtype = scores.dtype
        if getattr(dtype, "kind", "O") in "iufb" and not hasattr(dtype, "na_value"):
            return scores.to_numpy()
        if getattr(dtype, "kind", "O") in "iufb":
            return scores.to_numpy(dtype="float64", na_value=_np.nan)
        return _object_scores(scores.to_numpy())
    return scores


def _object_scores(values: Any) -> Any:
    """float64 scores from an object array: None/NaN/pd.NA stay blanks (NaN),
    other non-numbers become +inf (invalid, never blank)."""
    out = _np.empty(len(values), dtype="float64")
    for i, v in enumerate(values):
        if _is_missing(v):
            out[i] = _np.nan
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            out[i] = _np.inf
    return out


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN, pd.NaT
    except (TypeError, ValueError):
        return type(v).__name__ == "NAType"


def _kind(scores: Any) -> str:
    """Which C tally routine takes these scores without conversion."""
    if _np is not None and not isinstance(scores, _np.ndarray) \
            and hasattr(scores, "__array__") and not hasattr(scores, "typecode"):
        scores = _np.asarray(scores)  # pandas Series: a view of its values
    if _np is not None and isinstance(scores, _np.ndarray):
        if scores.dtype == _np.uint8:
            return "u8"
        return "i32" if scores.dtype == _np.int32 else "f64"
    if isinstance(scores, (bytes, bytearray)):
        return "u8"
    fmt = _buffer_format(scores)
    if fmt == "B":
        return "u8"
    if fmt in ("i", "l") and memoryview(scores).itemsize == 4:
        return "i32"
    return "f64"


def _floats(scores: Any) -> Any:
    """Scores as float64 (numpy) or a list of floats, None -> NaN."""
    scores = _as_numpy(scores)
    if _np is not None:
        if isinstance(scores, _np.ndarray) and scores.dtype == object:
            return _object_scores(scores)
        try:
            return _np.asarray(scores, dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            return _object_scores(_np.asarray(list(scores), dtype=object))
    out = []
    for v in scores:
        if v is None:
            out.append(math.nan)
            continue
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            out.append(math.inf)
    return out


def _split_blanks(scores: Any) -> Tuple[Any, Any, int]:
    """(non-blank scores as floats, their positions or None, number of blanks)."""
    a = _floats(scores)
    if _np is not None and isinstance(a, _np.ndarray):
        blank = _np.isnan(a)
        nb = int(blank.sum())
        if nb == 0:
            return a, None, 0
        keep = _np.flatnonzero(~blank)
        return a[keep], keep, nb
    pos = [i for i, v in enumerate(a) if v == v]
    if len(pos) == len(a):
        return a, None, 0
    return [a[i] for i in pos], pos, len(a) - len(pos)


def _whole_or_sentinel(scores: Any, lo: int, hi: int, skip: bool, dtype_name: str) -> Any:
    """Scores as a list/array of exact integers in [lo-1, hi+1].

    Values that are not whole numbers inside [lo, hi] are reported
    (strict: the exception with their index) or replaced by a sentinel
    outside [lo, hi] (skip mode: the library then counts them as rejected).
    Used only where the library takes integer scores and the input is not
    already of that integer type, so that nothing is silently wrapped or
    truncated by the conversion.
    """
    sentinel = lo - 1 if lo > (0 if dtype_name == "uint8" else -2**31) else hi + 1
    if _np is not None:
        a = _np.asarray(_floats(scores), dtype=float).reshape(-1)
        finite = _np.isfinite(a)
        ok = finite & (a == _np.floor(_np.where(finite, a, 0))) & (a >= lo) & (a <= hi)
        if not ok.all():
            bad = int(_np.flatnonzero(~ok)[0])
            if not skip:
                raise error_for(ENONFINITE if not finite[bad] else ESCALE, bad)
            a = _np.where(ok, a, sentinel)
        return a.astype(dtype_name)
    out = []
    for i, v in enumerate(_floats(scores)):
        if v != v or v in (float("inf"), float("-inf")):
            code = ENONFINITE
        elif v != int(v) or not lo <= v <= hi:
            code = ESCALE
        else:
            out.append(int(v))
            continue
        if not skip:
            raise error_for(code, i)
        out.append(sentinel)
    return out


def _tally_struct(t: Any) -> Any:
    if isinstance(t, _Tally):
        return t
    if isinstance(t, Tally):
        return _Tally.new(detractors=t.detractors, passives=t.passives,
                          promoters=t.promoters, rejected=t.rejected)
    vals = list(t)
    if len(vals) not in (3, 4):
        raise ValueError("a tally is a Tally or (detractors, passives, promoters)")
    return _Tally.new(detractors=vals[0], passives=vals[1], promoters=vals[2],
                      rejected=vals[3] if len(vals) == 4 else 0)


def _wtally_struct(t: WeightedTally) -> Any:
    s = _WTally.new()
    s.count = (c_uint64 * 3)(*t.count)
    s.sum_w = (c_double * 3)(*t.sum_w)
    s.sum_w2 = (c_double * 3)(*t.sum_w2)
    s.rejected = t.rejected
    return s


# ----------------------------------------------------------------- tallies

@api
def classify(score: int, breaks: Breaks = None) -> int:
    """Class of one score: DETRACTOR (0), PASSIVE (1) or PROMOTER (2).

    Raises BadInputError (LOY_ESCALE) for a score off the scale and
    DomainError for inconsistent breaks.
    """
    pb, kb = _breaks(breaks)
    out = c_int32()
    _classify(_byref(out), int(score), pb)
    return out.value


@api
def check_breaks(breaks: Breaks) -> None:
    """Raise DomainError unless lo <= det_max <= pas_max < hi (None is valid)."""
    pb, kb = _breaks(breaks)
    _breaks_check(pb)


def _tally_f64_call(scores: Any, pb: Any, flags: int) -> Tuple[int, Any, int, Any]:
    ps, n, keep = as_input(scores, c_double, "scores")
    out = _Tally.new()
    idx = c_size_t()
    rc = _tally_f64(_byref(out), ps, n, pb, flags, _byref(idx))
    return rc, out, idx.value, keep


def _count_nan(keep: Any) -> int:
    if _np is not None and isinstance(keep, _np.ndarray):
        return int(_np.isnan(keep).sum())
    return sum(1 for v in keep if v != v)


def _tally_floats(scores: Any, pb: Any, skip_invalid: bool, blanks: bool) -> Tally:
    """Tally float scores; NaN blanks cost nothing unless present.

    Fast path: one C call on the caller's array. Only when the library
    reports a non-finite score (strict) or rejected some (skip mode) are
    the NaNs counted, and in strict mode removed for a second call.
    """
    if not (_np is not None and isinstance(scores, _np.ndarray)):
        scores = _floats(scores)
    rc, out, idx, keep = _tally_f64_call(scores, pb, _flags(skip_invalid))
    nblank = 0
    if blanks and rc == ENONFINITE and keep[idx] != keep[idx]:
        vals, pos, nblank = _split_blanks(keep)
        rc, out, idx, keep = _tally_f64_call(vals, pb, _flags(skip_invalid))
        if rc < 0 and pos is not None:
            idx = int(pos[idx])
    elif blanks and rc >= 0 and out.rejected:
        nblank = _count_nan(keep)
        out.rejected -= nblank
    check(rc, idx, "loy_nps_tally_f64")
    return to_result(Tally, out, blanks=nblank)


@api
def tally(scores: ArrayLike, breaks: Breaks = None, skip_invalid: bool = False,
          blank: str = "skip") -> Tally:
    """Count detractors, passives and promoters in a sequence of scores.

    The C routine (uint8, int32 or float64) is chosen from the input's type
    as the module documentation explains; contiguous numpy arrays of those
    dtypes are passed without copying. NaN and None are blanks (counted in
    ``blanks``) unless ``blank="invalid"``. Returns a Tally. Raises
    BadInputError for an invalid score (strict mode; ``index`` and
    ``label`` tell where) and DomainError for inconsistent breaks.
    """
    skip_blanks = _blank_mode(blank)
    pb, kb = _breaks(breaks)
    index = index_of(("scores", scores))
    with rows([("scores", scores)], index):
        if isinstance(scores, (int, float)):
            raise TypeError("scores must be a sequence of numbers")
        kind = _kind(scores)
        if kind == "f64":
            return _tally_floats(_as_numpy(scores), pb, skip_invalid, skip_blanks)
        out = _Tally.new()
        idx = c_size_t()
        if kind == "u8":
            ps, n, keep = _u8_input(scores)
            rc = _tally_u8(_byref(out), ps, n, pb, _flags(skip_invalid), _byref(idx))
            where = "loy_nps_tally_u8"
        else:
            ps, n, keep = as_input(scores, c_int32, "scores")
            rc = _tally_i32(_byref(out), ps, n, pb, _flags(skip_invalid), _byref(idx))
            where = "loy_nps_tally_i32"
        check(rc, idx.value, where)
        return to_result(Tally, out)


@api
def tally_hist(hist: ArrayLike, breaks: Breaks = None) -> Tally:
    """Tally a histogram: hist[k] responses gave the score lo + k.

    ``len(hist)`` must be hi - lo + 1 (11 on the 0-10 scale).
    """
    pb, kb = _breaks(breaks)
    ph, n, keep = as_input(hist, c_uint64, "hist")
    out = _Tally.new()
    _tally_hist(_byref(out), ph, n, pb)
    return to_result(Tally, out)


@api
def merge(*tallies: TallyLike) -> Tally:
    """Sum of tallies (counts added; DomainError on uint64 overflow)."""
    acc = _Tally.new()
    blanks = 0
    for t in tallies:
        _tally_merge(_byref(acc), _byref(_tally_struct(t)))
        blanks += getattr(t, "blanks", 0)
    return to_result(Tally, acc, blanks=blanks)


def _groups_input(groups: Any, n_groups: int) -> Any:
    if _buffer_format(groups) == "I" and (_np is None or not isinstance(groups, _np.ndarray)
                                          or groups.dtype == "uint32"):
        return as_input(groups, c_uint32, "groups")
    if _np is not None:
        g = _np.asarray(groups).reshape(-1)
        if g.size and g.dtype.kind not in "iu":
            raise TypeError("groups must be integers")
        bad = _np.flatnonzero((g < 0) | (g >= n_groups)) if g.size else []
        if len(bad):
            raise error_for(EINVAL, int(bad[0]), "loy_nps_tally_grouped_u8")
        return as_input(g.astype("uint32"), c_uint32, "groups")
    g = [int(x) for x in groups]
    for i, x in enumerate(g):
        if not 0 <= x < n_groups:
            raise error_for(EINVAL, i, "loy_nps_tally_grouped_u8")
    return as_input(g, c_uint32, "groups")


def _grouped_counts(scores: Any, groups: Any, n_groups: int, breaks: Breaks,
                    skip_invalid: bool, blanks: bool) -> Tuple[Any, Any]:
    """Raw (n_groups x 4) counts and blanks per group (None when no blanks)."""
    pb, kb = _breaks(breaks)
    nblank = None
    positions = None
    if _kind(scores) == "u8":
        ps, n1, k1 = _u8_input(scores)
    else:
        lo, hi = (0, 10) if breaks is None else (int(breaks[0]), int(breaks[3]))
        if lo <= 0 and hi >= 255 and skip_invalid:
            raise ValueError("skip_invalid needs a uint8 input when the scale "
                             "covers 0..255")
        vals: Any = _as_numpy(scores)
        if blanks:
            vals, positions, nb = _split_blanks(vals)
            if positions is not None:
                if _np is not None:
                    g_all = _np.asarray(groups).reshape(-1)
                    if len(g_all) != len(positions) + nb:
                        same_length(("scores", len(positions) + nb), ("groups", len(g_all)))
                    blank_groups = _np.delete(g_all, positions)
                    groups = g_all[positions]
                    _groups_input(blank_groups, n_groups)
                    nblank = _np.bincount(blank_groups.astype("int64"), minlength=n_groups)
                else:
                    g_all = list(groups)
                    keep = set(positions)
                    nblank = [0] * n_groups
                    for i, g in enumerate(g_all):
                        if i not in keep:
                            if not 0 <= int(g) < n_groups:
                                raise error_for(EINVAL, i, "loy_nps_tally_grouped_u8")
                            nblank[int(g)] += 1
                    groups = [g_all[i] for i in positions]
        try:
            conv = _whole_or_sentinel(vals, max(lo, 0), min(hi, 255), skip_invalid, "uint8")
        except LoyaltyError as exc:
            if positions is not None and exc.index is not None:
                exc.locate(index=int(positions[exc.index]))
            raise
        ps, n1, k1 = as_input(conv, c_uint8, "scores")
    pg, n2, k2 = _groups_input(groups, n_groups)
    n = same_length(("scores", n1), ("groups", n2))
    pc, counts = new_output(4 * n_groups, c_uint64)
    idx = c_size_t()
    rc = _grouped_u8(pc, n_groups, ps, pg, n, pb, _flags(skip_invalid), _byref(idx))
    if rc < 0:
        i = idx.value
        if positions is not None and i < len(positions):
            i = int(positions[i])
        check(rc, i, "loy_nps_tally_grouped_u8")
    return counts, nblank


@api
def grouped(scores: ArrayLike, groups: ArrayLike, n_groups: int, breaks: Breaks = None,
            skip_invalid: bool = False, as_array: bool = False,
            blank: str = "skip") -> Any:
    """Tally scores into groups in one pass (loy_nps_tally_grouped_u8).

    ``groups[i]`` is the group (0 <= g < n_groups) of ``scores[i]``. uint8
    scores and uint32 groups are passed without copying; other inputs are
    checked and converted once (scores that are not whole numbers in
    0..255 are invalid; NaN/None are blanks unless ``blank="invalid"``).
    Returns a list of n_groups Tally objects (with ``blanks`` per group),
    or with ``as_array=True`` the raw counts (numpy array of shape
    (n_groups, 4), else a flat array.array) in the order detractors,
    passives, promoters, rejected (blanks are not part of that array; see
    :func:`by_group` for a table with them).
    """
    n_groups = int(n_groups)
    if n_groups < 1:
        raise error_for(EINVAL, None, "loy_nps_tally_grouped_u8", argument="n_groups")
    index = index_of(("scores", scores), ("groups", groups))
    with rows([("scores", scores), ("groups", groups)], index):
        counts, nblank = _grouped_counts(scores, groups, n_groups, breaks, skip_invalid,
                                         _blank_mode(blank))
    if as_array:
        return counts.reshape(n_groups, 4) if _np is not None else counts
    c = list(counts)
    return [Tally(detractors=c[4 * g], passives=c[4 * g + 1], promoters=c[4 * g + 2],
                  rejected=c[4 * g + 3], blanks=int(nblank[g]) if nblank is not None else 0)
            for g in range(n_groups)]


# ----------------------------------------------------------------- weights

@api
def weighted_tally(scores: ArrayLike, weights: ArrayLike, breaks: Breaks = None,
                   skip_invalid: bool = False, blank: str = "skip") -> WeightedTally:
    """Counts and survey-weight sums per class (loy_nps_wtally_f64).

    Weights must be finite and >= 0. A blank score (NaN/None) is skipped
    and counted in ``blanks`` whatever its weight, unless
    ``blank="invalid"``. Returns a WeightedTally (they add with ``+``).
    """
    pb, kb = _breaks(breaks)
    index = index_of(("scores", scores), ("weights", weights))
    positions, nb = None, 0
    vals: Any = _floats(scores)
    w: Any = weights
    if _blank_mode(blank):
        vals, positions, nb = _split_blanks(vals)
        if positions is not None:
            w_all = _floats(weights)
            same_length(("scores", len(positions) + nb), ("weights", len(w_all)))
            w = w_all[positions] if _np is not None else [w_all[i] for i in positions]
    with rows([("scores", scores), ("weights", weights)], index, positions):
        ps, n1, k1 = as_input(vals, c_double, "scores")
        pw, n2, k2 = as_input(w, c_double, "weights")
        n = same_length(("scores", n1), ("weights", n2))
        out = _WTally.new()
        idx = c_size_t()
        check(_wtally_f64(_byref(out), ps, pw, n, pb, _flags(skip_invalid), _byref(idx)),
              idx.value, "loy_nps_wtally_f64")
    return to_result(WeightedTally, out, blanks=nb)


@api
def weighted_estimate(wtally: WeightedTally, level: float = 0.95) -> WeightedEstimate:
    """Weighted NPS, Kish n_eff, design effect, se_kish, se_lin and interval."""
    out = _WResult.new()
    _westimate(_byref(out), _byref(_wtally_struct(wtally)), level)
    return to_result(WeightedEstimate, out)


@api
def weighted(scores: ArrayLike, weights: ArrayLike, level: float = 0.95,
             breaks: Breaks = None, skip_invalid: bool = False,
             blank: str = "skip") -> WeightedEstimate:
    """Weighted NPS of scores with survey weights: weighted_estimate(weighted_tally(...))."""
    return weighted_estimate(weighted_tally(scores, weights, breaks, skip_invalid, blank),
                             level)


# --------------------------------------------------------------- estimates

@api
def estimate(tally: TallyLike, method: Union[str, int] = "adjusted", level: float = 0.95,
             pseudo: Optional[Sequence[float]] = None) -> Estimate:
    """NPS with a confidence interval.

    ``tally`` is a Tally or (detractors, passives, promoters). ``method`` is
    "wald", "adjusted" (adjusted Wald, Rocks 2016; the default) or "score"
    (Tango), or the WALD/ADJUSTED_WALD/SCORE codes. ``pseudo`` overrides
    the adjusted-Wald pseudo-counts (default (0.75, 1.5, 0.75)). Raises
    BadInputError when the tally is empty.
    """
    out = _Result.new()
    _estimate(_byref(out), _byref(_tally_struct(tally)), _method(method), level,
              _options(pseudo))
    return to_result(Estimate, out)


@api
def compare(a: TallyLike, b: TallyLike, method: Union[str, int] = "adjusted",
            level: float = 0.95, pseudo: Optional[Sequence[float]] = None) -> Comparison:
    """Compare the NPS of two independent samples (a minus b).

    ``method`` is "wald" or "adjusted". Raises DomainError (LOY_EDEGENERATE)
    when both samples are degenerate (standard error 0).
    """
    out = _Diff.new()
    _compare(_byref(out), _byref(_tally_struct(a)), _byref(_tally_struct(b)),
             _method(method), level, _options(pseudo))
    return to_result(Comparison, out)


@api
def sample_size(margin: float, level: float = 0.95, promoters: float = 0.5,
                detractors: float = 0.5) -> int:
    """Responses needed for a Wald half-width ``margin`` on the [-1, 1] scale.

    The defaults (p = d = 0.5) are the worst case: sample_size(0.05) = 1537.
    """
    out = c_uint64()
    _sample_size(_byref(out), margin, level, promoters, detractors)
    return int(out.value)


@api
def margin_of_error(n: int, level: float = 0.95, promoters: float = 0.5,
                    detractors: float = 0.5) -> float:
    """Wald half-width z*sigma/sqrt(n) for expected promoter/detractor shares."""
    out = c_double()
    _margin(_byref(out), int(n), level, promoters, detractors)
    return out.value


# --------------------------------------------------------------- CSAT, CES

def _scores_i32(scores: Any, scale: Optional[Sequence[int]], default: Sequence[int],
                skip: bool) -> Any:
    if _kind(scores) == "i32":
        return as_input(scores, c_int32, "scores")
    lo, hi = (default[0], default[-1]) if scale is None else (int(scale[0]), int(scale[-1]))
    return as_input(_whole_or_sentinel(scores, lo, hi, skip, "int32"), c_int32, "scores")


def _survey_scores(scores: Any, blank: str) -> Tuple[Any, Any, int]:
    """Scores without blanks (when ``blank="skip"``), positions, blanks."""
    if not _blank_mode(blank) or _kind(scores) != "f64":
        return scores, None, 0
    return _split_blanks(scores)


@api
def csat(scores: Optional[ArrayLike] = None, counts: Optional[ArrayLike] = None,
         scale: Optional[Sequence[int]] = None, level: float = 0.95,
         skip_invalid: bool = False, blank: str = "skip") -> CsatResult:
    """CSAT (top-box share) with a Wilson interval.

    Give either per-respondent ``scores`` (loy_csat_i32) or a histogram
    ``counts`` where counts[k] responses gave the score lo + k
    (loy_csat_from_counts). ``scale`` is (lo, top_min, hi); None means
    (1, 4, 5), top-2-box on 1-5. Scores that are not int32 are checked to
    be whole numbers on the scale before conversion; NaN/None are blanks.
    """
    ps_, ks_ = _int_array(scale, 3, "scale")
    out = _Csat.new()
    if (scores is None) == (counts is None):
        raise TypeError("give exactly one of scores and counts")
    nb = 0
    if counts is not None:
        pc, n, keep = as_input(counts, c_uint64, "counts")
        _csat_counts(_byref(out), pc, n, ps_, level)
    else:
        vals, positions, nb = _survey_scores(scores, blank)
        with rows([("scores", scores)], index_of(("scores", scores)), positions):
            p, n, keep = _scores_i32(vals, scale, (1, 4, 5), skip_invalid)
            idx = c_size_t()
            check(_csat_i32(_byref(out), p, n, ps_, level, _flags(skip_invalid),
                            _byref(idx)), idx.value, "loy_csat_i32")
    return to_result(CsatResult, out, blanks=nb)


@api
def ces(scores: Optional[ArrayLike] = None, counts: Optional[ArrayLike] = None,
        scale: Optional[Sequence[int]] = None, level: float = 0.95,
        skip_invalid: bool = False, blank: str = "skip") -> CesResult:
    """CES: mean rating with interval, agree and disagree shares.

    Give either ``scores`` (loy_ces_i32) or a histogram ``counts``
    (loy_ces_from_counts). ``scale`` is (lo, disagree_max, agree_min, hi);
    None means CES 2.0 on 1-7, (1, 3, 5, 7). NaN/None scores are blanks.
    """
    ps_, ks_ = _int_array(scale, 4, "scale")
    out = _Ces.new()
    if (scores is None) == (counts is None):
        raise TypeError("give exactly one of scores and counts")
    nb = 0
    if counts is not None:
        pc, n, keep = as_input(counts, c_uint64, "counts")
        _ces_counts(_byref(out), pc, n, ps_, level)
    else:
        vals, positions, nb = _survey_scores(scores, blank)
        with rows([("scores", scores)], index_of(("scores", scores)), positions):
            p, n, keep = _scores_i32(vals, scale, (1, 3, 5, 7), skip_invalid)
            idx = c_size_t()
            check(_ces_i32(_byref(out), p, n, ps_, level, _flags(skip_invalid),
                           _byref(idx)), idx.value, "loy_ces_i32")
    return to_result(CesResult, out, blanks=nb)


# The per-group tables (pandas) live in their own module.
from ._groups import by_group, csat_by_group, ces_by_group  # noqa: E402
