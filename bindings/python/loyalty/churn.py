# SPDX-License-Identifier: MIT
"""Churn cost and loyalty economics (the C ``loy_churn_*`` functions)."""

import ctypes
from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple

from ._lib import (declare, c_int, c_double, c_size_t, c_uint32, c_int32,
                   c_int8, c_uint8, c_uint64, P)
from ._struct import Struct, Result, to_result
from ._arrays import as_input, same_length
from .errors import errcheck, check
from ._api import api
from ._pandas import rows, index_of
from . import _percustomer as _pc

CHURN_INFINITE = 0x1
SILENT_NO_NEXT = 0x1
ORIGIN_EXISTING, ORIGIN_EARNED, ORIGIN_BOUGHT = 0, 1, 2


class _ChurnCost(Struct):
    _fields_ = [("struct_size", c_size_t), ("customers_lost", c_double),
                ("margin_lost", c_double), ("value_lost", c_double),
                ("value_lost_undiscounted", c_double), ("value_per_lost", c_double),
                ("clv_existing", c_double), ("flags", c_uint32)]


class _SilentChurn(Struct):
    _fields_ = [("struct_size", c_size_t), ("customers", c_double),
                ("expected_lost", c_double), ("likely_lost", c_double),
                ("value_lost", c_double), ("value_alive", c_double),
                ("value_at_risk_next", c_double), ("flags", c_uint32)]


class _WomParams(Struct):
    _fields_ = [("struct_size", c_size_t), ("referred_customers", c_double),
                ("customer_value", c_double), ("positive_comments", c_double),
                ("comments_per_promoter", c_double), ("deterred_customers", c_double),
                ("negative_comments", c_double), ("comments_per_detractor", c_double)]


class _WomValue(Struct):
    _fields_ = [("struct_size", c_size_t), ("referral_value", c_double),
                ("value_per_comment", c_double), ("promoter_value", c_double),
                ("deterred_value", c_double), ("cost_per_negative_comment", c_double),
                ("detractor_cost", c_double)]


class _ClassValue(Struct):
    _fields_ = [("struct_size", c_size_t), ("level", c_double),
                ("n", c_uint64 * 3), ("mean", c_double * 3), ("sd", c_double * 3),
                ("se", c_double * 3), ("lower", c_double * 3), ("upper", c_double * 3)]


class _BaseParams(Struct):
    _fields_ = [("struct_size", c_size_t), ("customers", c_double),
                ("margin", c_double), ("retention", c_double), ("discount", c_double),
                ("growth", c_double), ("new_customers", c_double),
                ("acquisition_cost", c_double), ("cohorts", c_uint32)]


class _BaseValue(Struct):
    _fields_ = [("struct_size", c_size_t), ("clv_existing", c_double),
                ("clv_new", c_double), ("current_value", c_double),
                ("future_value", c_double), ("total", c_double),
                ("elasticity_retention", c_double), ("elasticity_margin", c_double),
                ("elasticity_discount", c_double), ("elasticity_acquisition", c_double)]


class _Egr(Struct):
    _fields_ = [("struct_size", c_size_t), ("revenue_prev", c_double),
                ("revenue_now", c_double), ("revenue_retained", c_double),
                ("revenue_earned", c_double), ("revenue_bought", c_double),
                ("nrr", c_double), ("enc", c_double), ("egr", c_double),
                ("growth", c_double), ("bought_growth", c_double)]


PD = P(c_double)
_cost_simple = declare("loy_churn_cost_simple", c_int,
                       [P(_ChurnCost), c_double, c_double, c_double, c_double], errcheck)
_cost_sbg = declare("loy_churn_cost_sbg", c_int,
                    [P(_ChurnCost), PD, c_double, c_uint32, c_double, c_double], errcheck)
_silent = declare("loy_churn_silent", c_int,
                  [P(_SilentChurn), PD, PD, PD, c_size_t, c_double, P(c_size_t)])
_wom = declare("loy_churn_wom", c_int, [P(_WomValue), P(_WomParams)], errcheck)
_class_value = declare("loy_churn_class_value", c_int,
                       [P(_ClassValue), PD, P(c_int8), c_size_t, c_double, P(c_size_t)])
_move_value = declare("loy_churn_move_value", c_int,
                      [PD, PD, PD, P(_ClassValue), c_double, c_int32, c_int32], errcheck)
_base_value = declare("loy_churn_base_value", c_int, [P(_BaseValue), P(_BaseParams)])
_equivalent = declare("loy_churn_retention_margin_equivalent", c_int,
                      [PD, PD, P(_BaseParams), c_double], errcheck)
_egr = declare("loy_churn_egr", c_int,
               [P(_Egr), PD, PD, P(c_uint8), c_size_t, P(c_size_t)])


@dataclass(frozen=True, repr=False)
class ChurnCost(Result):
    """Cost of contractual churn over one period."""

    customers_lost: float
    margin_lost: float
    value_lost: float
    value_lost_undiscounted: float
    value_per_lost: float
    clv_existing: float
    flags: int


@dataclass(frozen=True, repr=False)
class SilentChurn(Result):
    """Value lost and at risk through silent (non-contractual) churn."""

    customers: float
    expected_lost: float
    likely_lost: float
    value_lost: float
    value_alive: float
    value_at_risk_next: float
    flags: int


@dataclass(frozen=True, repr=False)
class WordOfMouth(Result):
    """Referral value of a promoter and word-of-mouth cost of a detractor."""

    referral_value: float
    value_per_comment: float
    promoter_value: float
    deterred_value: float
    cost_per_negative_comment: float
    detractor_cost: float


@dataclass(frozen=True, repr=False)
class BaseValue(Result):
    """Value of a customer base and its elasticities."""

    clv_existing: float
    clv_new: float
    current_value: float
    future_value: float
    total: float
    elasticity_retention: float
    elasticity_margin: float
    elasticity_discount: float
    elasticity_acquisition: float


@dataclass(frozen=True, repr=False)
class EarnedGrowth(Result):
    """Earned Growth Rate and its components."""

    revenue_prev: float
    revenue_now: float
    revenue_retained: float
    revenue_earned: float
    revenue_bought: float
    nrr: float
    enc: float
    egr: float
    growth: float
    bought_growth: float


@dataclass(frozen=True, repr=False)
class ClassValue(Result):
    """Mean lifetime value per loyalty class (lists indexed 0 detractor,
    1 passive, 2 promoter) with intervals at ``level``."""

    level: float
    n: List[int]
    mean: List[float]
    sd: List[float]
    se: List[float]
    lower: List[float]
    upper: List[float]

    def _struct(self) -> Any:
        out = _ClassValue.new(level=self.level)
        for name in ("n", "mean", "sd", "se", "lower", "upper"):
            ctype: Any = c_uint64 if name == "n" else c_double
            setattr(out, name, (ctype * 3)(*getattr(self, name)))
        return out


ArrayLike = Any


@api
def cost_simple(customers: float, churn: float, margin: float, discount: float) -> ChurnCost:
    """Churn cost with constant churn per period (see loy_churn_cost_simple)."""
    out = _ChurnCost.new()
    _cost_simple(ctypes.byref(out), customers, churn, margin, discount)
    return to_result(ChurnCost, out)


@api
def cost_sbg(params: Any, customers: float, renewals: int, margin: float,
             discount: float) -> ChurnCost:
    """Churn cost from a fitted sBG model (an SBG, or (alpha, beta)); see
    loy_churn_cost_sbg."""
    out = _ChurnCost.new()
    p = _pc.params_array(params, ("alpha", "beta"))
    _cost_sbg(ctypes.byref(out), p, customers, renewals, margin, discount)
    return to_result(ChurnCost, out)


@api
def silent(p_alive: ArrayLike, value: ArrayLike, p_alive_next: ArrayLike = None,
           threshold: float = 0.5) -> SilentChurn:
    """Silent churn from per-customer P(alive) and value had they stayed."""
    cols = [("p_alive", p_alive), ("value", value), ("p_alive_next", p_alive_next)]
    with rows(cols, index_of(*cols)):
        pp, n1, k1 = as_input(p_alive, c_double, "p_alive")
        pv, n2, k2 = as_input(value, c_double, "value")
        pn, n3, k3 = as_input(p_alive_next, c_double, "p_alive_next")
        pairs = [("p_alive", n1), ("value", n2)] + (
            [("p_alive_next", n3)] if p_alive_next is not None else [])
        n = same_length(*pairs)
        out = _SilentChurn.new()
        idx = c_size_t()
        check(_silent(ctypes.byref(out), pp, pv, pn, n, threshold, ctypes.byref(idx)),
              idx.value, "loy_churn_silent")
    return to_result(SilentChurn, out)


@api
def word_of_mouth(referred_customers: float, customer_value: float,
                  positive_comments: float, comments_per_promoter: float,
                  deterred_customers: float = 0.0, negative_comments: float = 0.0,
                  comments_per_detractor: float = 0.0) -> WordOfMouth:
    """Word-of-mouth value of a promoter and cost of a detractor (Bain's method)."""
    p = _WomParams.new(referred_customers=referred_customers, customer_value=customer_value,
                       positive_comments=positive_comments,
                       comments_per_promoter=comments_per_promoter,
                       deterred_customers=deterred_customers,
                       negative_comments=negative_comments,
                       comments_per_detractor=comments_per_detractor)
    out = _WomValue.new()
    _wom(ctypes.byref(out), ctypes.byref(p))
    return to_result(WordOfMouth, out)


@api
def class_value(value: ArrayLike, loyalty_class: ArrayLike, level: float = 0.95) -> ClassValue:
    """Mean value of detractors, passives and promoters with intervals.

    ``loyalty_class`` holds 0 (detractor), 1 (passive), 2 (promoter) or -1
    (no answer, ignored). The result feeds move_value().
    """
    cols = [("value", value), ("loyalty_class", loyalty_class)]
    with rows(cols, index_of(*cols)):
        pv, n1, k1 = as_input(value, c_double, "value")
        pc, n2, k2 = as_input(loyalty_class, c_int8, "loyalty_class")
        n = same_length(("value", n1), ("loyalty_class", n2))
        out = _ClassValue.new()
        idx = c_size_t()
        check(_class_value(ctypes.byref(out), pv, pc, n, level, ctypes.byref(idx)),
              idx.value, "loy_churn_class_value")
    return to_result(ClassValue, out)


@api
def move_value(class_values: ClassValue, k: float, from_class: int = 0,
               to_class: int = 2) -> Tuple[float, float, float]:
    """Value of moving k customers between classes: (gain, lower, upper)."""
    gain, lo, hi = c_double(), c_double(), c_double()
    _move_value(ctypes.byref(gain), ctypes.byref(lo), ctypes.byref(hi),
                ctypes.byref(class_values._struct()), k, from_class, to_class)
    return gain.value, lo.value, hi.value


def _base(customers: float, margin: float, retention: float, discount: float,
          growth: float, new_customers: float, acquisition_cost: float,
          cohorts: int) -> Any:
    return _BaseParams.new(customers=customers, margin=margin, retention=retention,
                           discount=discount, growth=growth, new_customers=new_customers,
                           acquisition_cost=acquisition_cost, cohorts=cohorts)


@api
def base_value(customers: float, margin: float, retention: float, discount: float,
               growth: float = 0.0, new_customers: float = 0.0,
               acquisition_cost: float = 0.0, cohorts: int = 0) -> BaseValue:
    """Value of the customer base (current plus future cohorts) and elasticities.

    ``cohorts=0`` counts every future period (needs discount > 0 when
    new_customers > 0).
    """
    p = _base(customers, margin, retention, discount, growth, new_customers,
              acquisition_cost, cohorts)
    out = _BaseValue.new()
    check(_base_value(ctypes.byref(out), ctypes.byref(p)), None, "loy_churn_base_value")
    return to_result(BaseValue, out)


@api
def retention_margin_equivalent(retention_change: float, customers: float, margin: float,
                                retention: float, discount: float, growth: float = 0.0,
                                new_customers: float = 0.0, acquisition_cost: float = 0.0,
                                cohorts: int = 0) -> Tuple[float, float]:
    """Relative margin change worth as much as a retention change.

    Returns (margin_change, value_change): e.g. (0.047, ...) means one point
    of retention is worth 4.7 points of margin.
    """
    p = _base(customers, margin, retention, discount, growth, new_customers,
              acquisition_cost, cohorts)
    x, dv = c_double(), c_double()
    _equivalent(ctypes.byref(x), ctypes.byref(dv), ctypes.byref(p), retention_change)
    return x.value, dv.value


@api
def earned_growth(revenue_prev: ArrayLike, revenue_now: ArrayLike,
                  origin: ArrayLike) -> EarnedGrowth:
    """Earned Growth Rate from per-customer revenue in two periods.

    ``origin`` per customer: ORIGIN_EXISTING, ORIGIN_EARNED or ORIGIN_BOUGHT.
    """
    cols = [("revenue_prev", revenue_prev), ("revenue_now", revenue_now), ("origin", origin)]
    with rows(cols, index_of(*cols)):
        p1, n1, k1 = as_input(revenue_prev, c_double, "revenue_prev")
        p2, n2, k2 = as_input(revenue_now, c_double, "revenue_now")
        p3, n3, k3 = as_input(origin, c_uint8, "origin")
        n = same_length(("revenue_prev", n1), ("revenue_now", n2), ("origin", n3))
        out = _Egr.new()
        idx = c_size_t()
        check(_egr(ctypes.byref(out), p1, p2, p3, n, ctypes.byref(idx)), idx.value,
              "loy_churn_egr")
    return to_result(EarnedGrowth, out)
