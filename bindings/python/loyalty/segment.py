# SPDX-License-Identifier: MIT
"""ABC analysis and ABC x loyalty segmentation (the C ``loy_abc_*`` and
``loy_segment_*`` functions).

Value classes are codes A (0), B (1), C (2). Per-customer outputs are numpy
``uint8`` arrays when numpy is installed, else ``array.array('B')``. Value
arrays that are contiguous numpy float64 are passed without copying.
"""

import ctypes
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple, Union

from ._lib import (declare, c_int, c_double, c_size_t, c_uint32, c_int32,
                   c_uint8, c_uint64, c_char_p, P)
from ._struct import Struct, Result, to_result
from ._arrays import as_input, new_output, same_length
from .errors import errcheck, check
from ._api import api
from ._pandas import index_of, rows, wrap
from .nps import _breaks, _method, _kind, _whole_or_sentinel, _floats, _np

__all__ = ["abc", "abc_computed", "cross", "cell_action", "action_name",
           "cell_number", "AbcSummary", "ComputedAbc", "Crossing", "Cell",
           "A", "B", "C", "CLASS_NAMES", "COLUMN_NAMES", "LEVEL_NAMES",
           "NO_ANSWER", "CELLS"]

A, B, C = 0, 1, 2
CLASS_NAMES = ("A", "B", "C")
BEFORE, COUNT, CLAMP_NEGATIVE = 0x1, 0x2, 0x4
RULE_AFTER, RULE_BEFORE = 0, 1
TIES_RUN_FIRST = 1
BASIS_VALUE, BASIS_COUNT = 0, 1
NO_ANSWER = -1
COL_PROMOTER, COL_PASSIVE, COL_DETRACTOR, COL_NO_RESPONSE = 0, 1, 2, 3
COLUMN_NAMES = ("promoter", "passive", "detractor", "no_response")
HARVEST, DEVELOP = 0, 1
LEVEL_NAMES = ("harvest", "develop")
CELLS = 24
RAW_SCORES, SOW = 0x1, 0x2
(ACTION_NONE, ACTION_PROTECT_LEVERAGE, ACTION_SECURE, ACTION_RESCUE,
 ACTION_GROW_WALLET, ACTION_NURTURE, ACTION_RECOVER, ACTION_CHEAP_LEVERAGE,
 ACTION_MAINTAIN, ACTION_LET_GO, ACTION_DEVELOP, ACTION_HARVEST,
 ACTION_REACH_OUT) = range(13)


class _AbcSummary(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64), ("count", c_uint64 * 3),
                ("value", c_double * 3), ("value_share", c_double * 3),
                ("count_share", c_double * 3), ("total_value", c_double),
                ("threshold_ab", c_double), ("threshold_bc", c_double),
                ("cut_a", c_double), ("cut_b", c_double), ("rule", c_int32),
                ("basis", c_int32), ("ties", c_int32), ("reserved0", c_int32),
                ("n_clamped", c_uint64)]


class _Computed(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64),
                ("pareto_rank", c_uint64), ("breakeven_rank", c_uint64),
                ("submarginal_rank", c_uint64), ("a_effort", c_double),
                ("a_yield", c_double), ("b_effort", c_double), ("b_yield", c_double),
                ("c_effort", c_double), ("c_yield", c_double), ("ab_limit", c_double),
                ("bc_limit", c_double), ("ab_exchanged", c_int32),
                ("reserved0", c_int32), ("gini", c_double), ("count", c_uint64 * 3),
                ("value", c_double * 3), ("value_share", c_double * 3),
                ("total_value", c_double), ("n_clamped", c_uint64)]


_PD = P(c_double)


class _SegInput(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_size_t), ("value", _PD),
                ("value_class", P(c_uint8)), ("loyalty", P(c_int32)),
                ("breaks", P(c_int32)), ("potential", _PD),
                ("potential_threshold", c_double), ("lifetime_value", _PD),
                ("churn_prob", _PD), ("nps_level", c_double), ("nps_method", c_uint32),
                ("small_n", c_uint32), ("flags", c_uint32)]


class _SegResult(Struct):
    _fields_ = [("struct_size", c_size_t), ("n", c_uint64),
                ("with_potential", c_int32), ("small_n", c_uint32),
                ("total_value", c_double), ("count", c_uint64 * CELLS),
                ("value", c_double * CELLS), ("value_share", c_double * CELLS),
                ("small", c_int32 * CELLS), ("action", c_int32 * CELLS),
                ("mean_ltv", c_double * CELLS), ("rw_nps", c_double * CELLS),
                ("class_count", c_uint64 * 3), ("class_value", c_double * 3),
                ("class_respondents", c_uint64 * 3),
                ("class_nps_defined", c_int32 * 3), ("class_nps", c_double * 3),
                ("class_nps_lower", c_double * 3), ("class_nps_upper", c_double * 3),
                ("class_rw_nps_defined", c_int32 * 3), ("class_rw_nps", c_double * 3),
                ("total_rw_nps_defined", c_int32), ("total_rw_nps", c_double),
                ("value_at_risk", c_double), ("class_value_at_risk", c_double * 3)]


_PSZ = P(c_size_t)
_summary_init = declare("loy_abc_summary_init", c_int, [P(_AbcSummary)], errcheck)
_classify = declare("loy_abc_classify", c_int,
                    [P(c_uint8), P(_AbcSummary), _PD, c_size_t, c_double, c_double,
                     c_uint32, _PSZ])
_computed_init = declare("loy_abc_computed_result_init", c_int, [P(_Computed)],
                         errcheck)
_computed = declare("loy_abc_computed_classify", c_int,
                    [P(c_uint8), P(_Computed), _PD, c_size_t, c_uint32, _PSZ])
_result_init = declare("loy_segment_result_init", c_int, [P(_SegResult)], errcheck)
_cross = declare("loy_segment_cross", c_int,
                 [P(_SegResult), P(c_uint8), P(_SegInput), _PSZ])
_cell_action = declare("loy_segment_cell_action", c_int,
                       [P(c_int32), c_uint32, c_int32], errcheck)
_action_name = declare("loy_segment_action_name", c_char_p, [c_int32])

_byref = ctypes.byref


@dataclass(frozen=True, repr=False)
class AbcSummary(Result):
    """Fixed-cut-off ABC: counts, values and shares per class (lists indexed
    A, B, C), thresholds and the boundary rule used."""

    n: int
    count: List[int]
    value: List[float]
    value_share: List[float]
    count_share: List[float]
    total_value: float
    threshold_ab: float
    threshold_bc: float
    cut_a: float
    cut_b: float
    rule: int
    basis: int
    ties: int
    n_clamped: int


@dataclass(frozen=True, repr=False)
class ComputedAbc(Result):
    """Computed ABC (Ultsch & Loetsch 2015): Pareto, break-even and
    submarginal points, limits, Gini and the classes' summary."""

    n: int
    pareto_rank: int
    breakeven_rank: int
    submarginal_rank: int
    a_effort: float
    a_yield: float
    b_effort: float
    b_yield: float
    c_effort: float
    c_yield: float
    ab_limit: float
    bc_limit: float
    ab_exchanged: int
    gini: float
    count: List[int]
    value: List[float]
    value_share: List[float]
    total_value: float
    n_clamped: int


@dataclass(frozen=True, repr=False)
class Cell(Result):
    """One cell of the grid: value class, loyalty column, level, counts,
    value and its recommended action (code and name)."""

    cell: int
    value_class: str
    column: str
    level: str
    count: int
    value: float
    value_share: float
    small: bool
    action: int
    action_name: str
    mean_ltv: float
    rw_nps: float


@dataclass(frozen=True, repr=False)
class Crossing(Result):
    """ABC x loyalty grid: per-cell lists (CELLS entries, cell number
    12*level + 4*value_class + column), per-class NPS, revenue-weighted NPS
    and value at risk; ``cells`` lists the grid's cells (12, or 24 with
    potential) as Cell objects with their action names."""

    n: int
    with_potential: int
    small_n: int
    total_value: float
    count: List[int]
    value: List[float]
    value_share: List[float]
    small: List[int]
    action: List[int]
    mean_ltv: List[float]
    rw_nps: List[float]
    class_count: List[int]
    class_value: List[float]
    class_respondents: List[int]
    class_nps_defined: List[int]
    class_nps: List[float]
    class_nps_lower: List[float]
    class_nps_upper: List[float]
    class_rw_nps_defined: List[int]
    class_rw_nps: List[float]
    total_rw_nps_defined: int
    total_rw_nps: float
    value_at_risk: float
    class_value_at_risk: List[float]
    cells: List[Cell] = field(default_factory=list)

    def to_frame(self) -> Any:
        """The grid's cells as a DataFrame (one row per cell)."""
        from ._pandas import pandas
        return pandas().DataFrame([c.as_dict() for c in self.cells]).set_index("cell")


ArrayLike = Any


@api
def cell_number(value_class: int, column: int, level: int = HARVEST) -> int:
    """Cell number 12*level + 4*value_class + column (LOY_SEGMENT_CELL)."""
    return 12 * int(level) + 4 * int(value_class) + int(column)


@api
def cell_action(cell: int, with_potential: bool = False) -> int:
    """Recommended LOY_ACTION_* code of a cell (BadInputError if out of range)."""
    out = c_int32()
    _cell_action(_byref(out), int(cell), 1 if with_potential else 0)
    return out.value


def action_name(action: int) -> str:
    """Name of an action code, e.g. "protect_leverage" ("unknown" if undefined)."""
    return str(_action_name(int(action)).decode("ascii"))


@api
def abc(values: ArrayLike, cut_a: float = 0.80, cut_b: float = 0.95, before: bool = False,
        count: bool = False, clamp_negative: bool = False,
        classes: bool = True) -> Tuple[Any, AbcSummary]:
    """ABC classes by fixed cut-offs of cumulative value (loy_abc_classify).

    Customers ranked by value descending; A up to ``cut_a`` of the
    cumulative value, B up to ``cut_b``, C the rest. ``before`` selects the
    BEFORE boundary rule, ``count`` the count basis (cumulate ranks),
    ``clamp_negative`` counts negative values as 0. Equal values always
    share a class. Returns ``(classes, summary)``: per-customer codes
    A/B/C (numpy uint8 array, a Series for a pandas input, or
    array.array; None when ``classes=False``) and an AbcSummary. Raises
    BadInputError naming the bad row for a NaN or negative value.
    """
    index = index_of(("values", values))
    with rows([("values", values)], index):
        pv, n, keep = as_input(values, c_double, "values")
        flags = (BEFORE if before else 0) | (COUNT if count else 0) | \
            (CLAMP_NEGATIVE if clamp_negative else 0)
        pc, cls = new_output(n, c_uint8) if classes else (None, None)
        summary = _AbcSummary()
        _summary_init(_byref(summary))
        idx = c_size_t()
        check(_classify(pc, _byref(summary), pv, n, cut_a, cut_b, flags, _byref(idx)),
              idx.value, "loy_abc_classify")
    if cls is not None:
        cls = wrap(cls, index, "abc_class")
    return cls, to_result(AbcSummary, summary, skip=("struct_size", "reserved0"))


@api
def abc_computed(values: ArrayLike, classes: bool = True) -> Tuple[Any, ComputedAbc]:
    """Computed ABC analysis (Ultsch & Loetsch 2015; loy_abc_computed_classify).

    Negative values count as 0. Needs at least 3 customers (DomainError,
    LOY_EDEGENERATE, for 1 or 2). Returns ``(classes, result)`` with a
    ComputedAbc result (Gini as a fraction).
    """
    index = index_of(("values", values))
    with rows([("values", values)], index):
        pv, n, keep = as_input(values, c_double, "values")
        pc, cls = new_output(n, c_uint8) if classes else (None, None)
        res = _Computed()
        _computed_init(_byref(res))
        idx = c_size_t()
        check(_computed(pc, _byref(res), pv, n, 0, _byref(idx)), idx.value,
              "loy_abc_computed_classify")
    if cls is not None:
        cls = wrap(cls, index, "abc_class")
    return cls, to_result(ComputedAbc, res, skip=("struct_size", "reserved0"))


def _int32_input(values: Any, name: str) -> Any:
    """int32 array; other inputs must hold whole numbers (checked, not wrapped).

    NaN/None (a blank answer) become NO_ANSWER (-1).
    """
    if _kind(values) == "i32":
        return as_input(values, c_int32, name)
    vals = _floats(values)
    if _np is not None:
        vals = _np.where(_np.isnan(vals), float(NO_ANSWER), vals)
    else:
        vals = [float(NO_ANSWER) if v != v else v for v in vals]
    conv = _whole_or_sentinel(vals, -2**31 + 1, 2**31 - 1, False, "int32")
    return as_input(conv, c_int32, name)


def _uint8_input(values: Any, name: str) -> Any:
    if _kind(values) == "u8":
        return as_input(values, c_uint8, name)
    conv = _whole_or_sentinel(values, 0, 255, False, "uint8")
    return as_input(conv, c_uint8, name)


def _cell_list(r: Any, with_potential: bool) -> List[Cell]:
    out = []
    for cell in range(24 if with_potential else 12):
        level, rest = divmod(cell, 12)
        vclass, column = divmod(rest, 4)
        action = r.action[cell]
        out.append(Cell(cell=cell, value_class=CLASS_NAMES[vclass],
                        column=COLUMN_NAMES[column], level=LEVEL_NAMES[level],
                        count=r.count[cell], value=r.value[cell],
                        value_share=r.value_share[cell], small=bool(r.small[cell]),
                        action=action, action_name=action_name(action),
                        mean_ltv=r.mean_ltv[cell], rw_nps=r.rw_nps[cell]))
    return out


@api
def _seg_input(columns: Sequence[Tuple[str, Any]], potential_threshold: float,
               nps_level: float, nps_method: Union[str, int], small_n: int,
               raw_scores: bool, breaks: Optional[Sequence[int]], sow: bool,
               clamp_negative: bool) -> Tuple[Any, int, List[Any]]:
    """The C input of a crossing (loy_segment_cross, loy_segment_tally_add)
    from (name, array) columns value, value_class, loyalty, potential,
    lifetime_value, churn_prob (the last three None when absent): (input,
    n, keepalive)."""
    value, value_class, loyalty = (c[1] for c in columns[:3])
    pv, n1, k1 = as_input(value, c_double, "value")
    pc, n2, k2 = _uint8_input(value_class, "value_class")
    pl, n3, k3 = _int32_input(loyalty, "loyalty")
    pairs = [("value", n1), ("value_class", n2), ("loyalty", n3)]
    opt = {}
    keep: List[Any] = [k1, k2, k3]
    for name, arr in columns[3:]:
        if arr is not None:
            p, n, k = as_input(arr, c_double, name)
            pairs.append((name, n))
            keep.append(k)
            opt[name] = p
    n = same_length(*pairs)
    pb, kb = _breaks(breaks)
    keep.append(kb)
    flags = (RAW_SCORES if raw_scores else 0) | (SOW if sow else 0) | \
        (CLAMP_NEGATIVE if clamp_negative else 0)
    inp = _SegInput.new(n=n, value=pv, value_class=pc, loyalty=pl,
                        potential_threshold=potential_threshold,
                        nps_level=nps_level, nps_method=_method(nps_method),
                        small_n=int(small_n), flags=flags, **opt)
    if pb is not None:
        inp.breaks = pb
    return inp, n, keep


def cross(value: ArrayLike, value_class: ArrayLike, loyalty: ArrayLike,
          potential: ArrayLike = None, potential_threshold: float = 0.0,
          lifetime_value: ArrayLike = None, churn_prob: ArrayLike = None,
          nps_level: float = 0.95, nps_method: Union[str, int] = "wald", small_n: int = 30,
          raw_scores: bool = False, breaks: Optional[Sequence[int]] = None,
          sow: bool = False, clamp_negative: bool = False,
          cells: bool = True) -> Tuple[Any, Crossing]:
    """Cross value classes with loyalty (and potential): loy_segment_cross.

    Parallel per-customer arrays: ``value`` (revenue or margin),
    ``value_class`` (A/B/C codes, e.g. from abc()), ``loyalty`` (DETRACTOR,
    PASSIVE, PROMOTER from loyalty.nps or NO_ANSWER = -1; NaN also means no
    answer; raw scores on the scale ``breaks`` with ``raw_scores=True``).
    Optional ``potential`` splits the grid into harvest/develop levels (a
    share of wallet with ``sow=True``), ``lifetime_value`` gives mean LTV
    per cell and ``churn_prob`` adds passives' value at risk.

    Returns ``(cells, crossing)``: per-customer cell numbers (numpy uint8
    array, a Series for pandas input, or array.array; None with
    ``cells=False``) and a Crossing whose ``cells`` field lists every cell
    of the grid as a Cell with its action name (``crossing.to_frame()``
    for a table). Raises BadInputError naming the bad customer.
    """
    columns = [("value", value), ("value_class", value_class), ("loyalty", loyalty),
               ("potential", potential), ("lifetime_value", lifetime_value),
               ("churn_prob", churn_prob)]
    index = index_of(*columns)
    with rows(columns, index):
        inp, n, keep = _seg_input(columns, potential_threshold, nps_level, nps_method,
                                  small_n, raw_scores, breaks, sow, clamp_negative)
        res = _SegResult()
        _result_init(_byref(res))
        pcells, out_cells = new_output(n, c_uint8) if cells else (None, None)
        idx = c_size_t()
        check(_cross(_byref(res), pcells, _byref(inp), _byref(idx)), idx.value,
              "loy_segment_cross")
    crossing = to_result(Crossing, res, cells=_cell_list(res, bool(res.with_potential)))
    if out_cells is not None:
        out_cells = wrap(out_cells, index, "cell")
    return out_cells, crossing
