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

Invalid scores. By default the first invalid score raises BadInputError
whose ``index`` is its position; with ``skip_invalid=True`` invalid scores
are counted in the tally's ``rejected`` field instead.
"""

import ctypes

from ._lib import (declare, c_int, c_double, c_size_t, c_uint32, c_int32,
                   c_uint8, c_uint64, P)
from ._struct import Struct, Result, to_result
from ._arrays import as_input, new_output, same_length, _np
from .errors import errcheck, check, error_for, ESCALE, ENONFINITE, EINVAL

__all__ = ["Tally", "WeightedTally", "Estimate", "Comparison",
           "WeightedEstimate", "CsatResult", "CesResult", "classify",
           "check_breaks", "tally", "tally_hist", "merge", "grouped",
           "weighted_tally", "weighted_estimate", "weighted", "estimate",
           "compare", "sample_size", "margin_of_error", "csat", "ces",
           "DETRACTOR", "PASSIVE", "PROMOTER", "SKIP_INVALID", "WALD",
           "ADJUSTED_WALD", "SCORE", "CLIPPED", "SMALL_SAMPLE", "DEGENERATE"]

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


class Tally(Result):
    """Counts of one set of responses: detractors, passives, promoters, rejected.

    ``n`` is detractors + passives + promoters. Tallies add with ``+`` (the
    library's overflow-checked merge); NPS values are never averaged.
    """

    @property
    def n(self):
        """Responses counted in a class (rejected ones excluded)."""
        return self.detractors + self.passives + self.promoters

    @property
    def nps(self):
        """Point NPS (P - D)/n on [-1, 1]; raises BadInputError when n = 0."""
        return estimate(self, "wald").nps

    def __add__(self, other):
        return merge(self, other)


class WeightedTally(Result):
    """Counts and weight sums per class (lists indexed by DETRACTOR..PROMOTER)."""

    def __add__(self, other):
        acc = _wtally_struct(self)
        _wtally_merge(_byref(acc), _byref(_wtally_struct(other)))
        return to_result(WeightedTally, acc)


class Estimate(Result):
    """NPS, variance, standard error and confidence interval of one sample."""


class Comparison(Result):
    """Difference NPS_a - NPS_b with its standard error, z test and interval."""


class WeightedEstimate(Result):
    """Weighted NPS with Kish effective size, design effect and standard errors."""


class CsatResult(Result):
    """CSAT (top-box share) with a Wilson interval."""


class CesResult(Result):
    """CES: mean rating with interval, agree and disagree shares."""


# ----------------------------------------------------------------- helpers

def _int_array(values, n_expected, name):
    if values is None:
        return None, None
    vals = [int(v) for v in values]
    if len(vals) != n_expected:
        raise ValueError("%s must have %d values" % (name, n_expected))
    arr = (c_int32 * n_expected)(*vals)
    return ctypes.cast(arr, _PI32), arr


def _breaks(breaks):
    return _int_array(breaks, 4, "breaks")


def _flags(skip_invalid):
    return SKIP_INVALID if skip_invalid else 0


def _method(method):
    if isinstance(method, str):
        try:
            return _METHODS[method.lower()]
        except KeyError:
            raise ValueError("unknown method %r; use one of %s"
                             % (method, ", ".join(sorted(_METHODS)))) from None
    return int(method)


def _options(pseudo):
    if pseudo is None:
        return None
    opts = _Options()
    _options_init(_byref(opts))
    opts.pseudo = (c_double * 3)(*[float(x) for x in pseudo])
    return _byref(opts)


def _buffer_format(obj):
    """The struct format letter of a buffer-protocol object, or None."""
    if _np is not None and isinstance(obj, _np.ndarray):
        return obj.dtype.char if obj.dtype.isnative else None
    if isinstance(obj, (bytes, bytearray, memoryview)) or hasattr(obj, "typecode"):
        try:
            return memoryview(obj).format.lstrip("@=")
        except TypeError:
            return None
    return None


def _u8_input(obj):
    """(pointer, n, keepalive) for a uint8 buffer; bytes are shared read-only."""
    if isinstance(obj, bytes):
        n = len(obj)
        return ctypes.cast(ctypes.c_char_p(obj), P(c_uint8)), n, obj
    return as_input(obj, c_uint8)


def _kind(scores):
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


def _whole_or_sentinel(scores, lo, hi, skip, dtype_name):
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
        a = _np.asarray(scores, dtype=float).reshape(-1)
        finite = _np.isfinite(a)
        ok = finite & (a == _np.floor(_np.where(finite, a, 0))) & (a >= lo) & (a <= hi)
        if not ok.all():
            bad = int(_np.flatnonzero(~ok)[0])
            if not skip:
                raise error_for(ENONFINITE if not finite[bad] else ESCALE, bad)
            a = _np.where(ok, a, sentinel)
        return a.astype(dtype_name)
    out = []
    for i, v in enumerate(scores):
        v = float(v)
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


def _tally_struct(t):
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


def _wtally_struct(t):
    s = _WTally.new()
    s.count = (c_uint64 * 3)(*t.count)
    s.sum_w = (c_double * 3)(*t.sum_w)
    s.sum_w2 = (c_double * 3)(*t.sum_w2)
    s.rejected = t.rejected
    return s


# ----------------------------------------------------------------- tallies

def classify(score, breaks=None):
    """Class of one score: DETRACTOR (0), PASSIVE (1) or PROMOTER (2).

    Raises BadInputError (LOY_ESCALE) for a score off the scale and
    DomainError for inconsistent breaks.
    """
    pb, kb = _breaks(breaks)
    out = c_int32()
    _classify(_byref(out), int(score), pb)
    return out.value


def check_breaks(breaks):
    """Raise DomainError unless lo <= det_max <= pas_max < hi (None is valid)."""
    pb, kb = _breaks(breaks)
    _breaks_check(pb)


def tally(scores, breaks=None, skip_invalid=False):
    """Count detractors, passives and promoters in a sequence of scores.

    The C routine (uint8, int32 or float64) is chosen from the input's type
    as the module documentation explains; contiguous numpy arrays of those
    dtypes are passed without copying. Returns a Tally. Raises
    BadInputError for an invalid score (strict mode; ``index`` tells where)
    and DomainError for inconsistent breaks.
    """
    pb, kb = _breaks(breaks)
    kind = _kind(scores)
    out = _Tally.new()
    idx = c_size_t()
    if kind == "u8":
        ps, n, keep = _u8_input(scores)
        rc = _tally_u8(_byref(out), ps, n, pb, _flags(skip_invalid), _byref(idx))
        where = "loy_nps_tally_u8"
    elif kind == "i32":
        ps, n, keep = as_input(scores, c_int32, "scores")
        rc = _tally_i32(_byref(out), ps, n, pb, _flags(skip_invalid), _byref(idx))
        where = "loy_nps_tally_i32"
    else:
        ps, n, keep = as_input(scores, c_double, "scores")
        rc = _tally_f64(_byref(out), ps, n, pb, _flags(skip_invalid), _byref(idx))
        where = "loy_nps_tally_f64"
    check(rc, idx.value, where)
    return to_result(Tally, out)


def tally_hist(hist, breaks=None):
    """Tally a histogram: hist[k] responses gave the score lo + k.

    ``len(hist)`` must be hi - lo + 1 (11 on the 0-10 scale).
    """
    pb, kb = _breaks(breaks)
    ph, n, keep = as_input(hist, c_uint64, "hist")
    out = _Tally.new()
    _tally_hist(_byref(out), ph, n, pb)
    return to_result(Tally, out)


def merge(*tallies):
    """Sum of tallies (counts added; DomainError on uint64 overflow)."""
    acc = _Tally.new()
    for t in tallies:
        _tally_merge(_byref(acc), _byref(_tally_struct(t)))
    return to_result(Tally, acc)


def grouped(scores, groups, n_groups, breaks=None, skip_invalid=False,
            as_array=False):
    """Tally scores into groups in one pass (loy_nps_tally_grouped_u8).

    ``groups[i]`` is the group (0 <= g < n_groups) of ``scores[i]``. uint8
    scores and uint32 groups are passed without copying; other inputs are
    checked and converted once (scores that are not whole numbers in
    0..255 are invalid). Returns a list of n_groups Tally objects, or with
    ``as_array=True`` the raw counts (numpy array of shape (n_groups, 4),
    else a flat array.array) in the order detractors, passives,
    promoters, rejected.
    """
    n_groups = int(n_groups)
    if n_groups < 1:
        raise error_for(EINVAL, None, "loy_nps_tally_grouped_u8")
    pb, kb = _breaks(breaks)
    if _kind(scores) == "u8":
        ps, n1, k1 = _u8_input(scores)
    else:
        lo, hi = (0, 10) if breaks is None else (int(breaks[0]), int(breaks[3]))
        if lo <= 0 and hi >= 255 and skip_invalid:
            raise ValueError("skip_invalid needs a uint8 input when the scale "
                             "covers 0..255")
        conv = _whole_or_sentinel(scores, max(lo, 0), min(hi, 255), skip_invalid,
                                  "uint8")
        ps, n1, k1 = as_input(conv, c_uint8, "scores")
    pg, n2, k2 = _groups_input(groups, n_groups)
    n = same_length(("scores", n1), ("groups", n2))
    pc, counts = new_output(4 * n_groups, c_uint64)
    idx = c_size_t()
    check(_grouped_u8(pc, n_groups, ps, pg, n, pb, _flags(skip_invalid), _byref(idx)),
          idx.value, "loy_nps_tally_grouped_u8")
    if as_array:
        return counts.reshape(n_groups, 4) if _np is not None else counts
    c = list(counts)
    return [Tally(detractors=c[4 * g], passives=c[4 * g + 1],
                  promoters=c[4 * g + 2], rejected=c[4 * g + 3])
            for g in range(n_groups)]


def _groups_input(groups, n_groups):
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


# ----------------------------------------------------------------- weights

def weighted_tally(scores, weights, breaks=None, skip_invalid=False):
    """Counts and survey-weight sums per class (loy_nps_wtally_f64).

    Weights must be finite and >= 0. Returns a WeightedTally (they add with
    ``+``).
    """
    pb, kb = _breaks(breaks)
    ps, n1, k1 = as_input(scores, c_double, "scores")
    pw, n2, k2 = as_input(weights, c_double, "weights")
    n = same_length(("scores", n1), ("weights", n2))
    out = _WTally.new()
    idx = c_size_t()
    check(_wtally_f64(_byref(out), ps, pw, n, pb, _flags(skip_invalid), _byref(idx)),
          idx.value, "loy_nps_wtally_f64")
    return to_result(WeightedTally, out)


def weighted_estimate(wtally, level=0.95):
    """Weighted NPS, Kish n_eff, design effect, se_kish, se_lin and interval."""
    out = _WResult.new()
    _westimate(_byref(out), _byref(_wtally_struct(wtally)), level)
    return to_result(WeightedEstimate, out)


def weighted(scores, weights, level=0.95, breaks=None, skip_invalid=False):
    """Weighted NPS of scores with survey weights: weighted_estimate(weighted_tally(...))."""
    return weighted_estimate(weighted_tally(scores, weights, breaks, skip_invalid), level)


# --------------------------------------------------------------- estimates

def estimate(tally, method="adjusted", level=0.95, pseudo=None):
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


def compare(a, b, method="adjusted", level=0.95, pseudo=None):
    """Compare the NPS of two independent samples (a minus b).

    ``method`` is "wald" or "adjusted". Raises DomainError (LOY_EDEGENERATE)
    when both samples are degenerate (standard error 0).
    """
    out = _Diff.new()
    _compare(_byref(out), _byref(_tally_struct(a)), _byref(_tally_struct(b)),
             _method(method), level, _options(pseudo))
    return to_result(Comparison, out)


def sample_size(margin, level=0.95, promoters=0.5, detractors=0.5):
    """Responses needed for a Wald half-width ``margin`` on the [-1, 1] scale.

    The defaults (p = d = 0.5) are the worst case: sample_size(0.05) = 1537.
    """
    out = c_uint64()
    _sample_size(_byref(out), margin, level, promoters, detractors)
    return out.value


def margin_of_error(n, level=0.95, promoters=0.5, detractors=0.5):
    """Wald half-width z*sigma/sqrt(n) for expected promoter/detractor shares."""
    out = c_double()
    _margin(_byref(out), int(n), level, promoters, detractors)
    return out.value


# --------------------------------------------------------------- CSAT, CES

def _scores_i32(scores, scale, default, skip):
    if _kind(scores) == "i32":
        return as_input(scores, c_int32, "scores")
    lo, hi = (default[0], default[-1]) if scale is None else (int(scale[0]), int(scale[-1]))
    return as_input(_whole_or_sentinel(scores, lo, hi, skip, "int32"), c_int32, "scores")


def csat(scores=None, counts=None, scale=None, level=0.95, skip_invalid=False):
    """CSAT (top-box share) with a Wilson interval.

    Give either per-respondent ``scores`` (loy_csat_i32) or a histogram
    ``counts`` where counts[k] responses gave the score lo + k
    (loy_csat_from_counts). ``scale`` is (lo, top_min, hi); None means
    (1, 4, 5), top-2-box on 1-5. Scores that are not int32 are checked to
    be whole numbers on the scale before conversion.
    """
    ps_, ks_ = _int_array(scale, 3, "scale")
    out = _Csat.new()
    if (scores is None) == (counts is None):
        raise TypeError("give exactly one of scores and counts")
    if counts is not None:
        pc, n, keep = as_input(counts, c_uint64, "counts")
        _csat_counts(_byref(out), pc, n, ps_, level)
    else:
        p, n, keep = _scores_i32(scores, scale, (1, 4, 5), skip_invalid)
        idx = c_size_t()
        check(_csat_i32(_byref(out), p, n, ps_, level, _flags(skip_invalid),
                        _byref(idx)), idx.value, "loy_csat_i32")
    return to_result(CsatResult, out)


def ces(scores=None, counts=None, scale=None, level=0.95, skip_invalid=False):
    """CES: mean rating with interval, agree and disagree shares.

    Give either ``scores`` (loy_ces_i32) or a histogram ``counts``
    (loy_ces_from_counts). ``scale`` is (lo, disagree_max, agree_min, hi);
    None means CES 2.0 on 1-7, (1, 3, 5, 7).
    """
    ps_, ks_ = _int_array(scale, 4, "scale")
    out = _Ces.new()
    if (scores is None) == (counts is None):
        raise TypeError("give exactly one of scores and counts")
    if counts is not None:
        pc, n, keep = as_input(counts, c_uint64, "counts")
        _ces_counts(_byref(out), pc, n, ps_, level)
    else:
        p, n, keep = _scores_i32(scores, scale, (1, 3, 5, 7), skip_invalid)
        idx = c_size_t()
        check(_ces_i32(_byref(out), p, n, ps_, level, _flags(skip_invalid),
                       _byref(idx)), idx.value, "loy_ces_i32")
    return to_result(CesResult, out)
