# SPDX-License-Identifier: MIT
"""Raw ctypes layer of the consistency module (C ``loy_funnel_*``,
``loy_chart_*``, ``loy_arl_*``, ``loy_change_compute``,
``loy_topbox_trend``); the user-facing ``loyalty.consistency`` builds on it.

Every function is declared exactly once here and returns the raw status
code (no errcheck), so the caller decides what an error means: the
structs of output arrays (``FunnelUnits``, ``ChartUnits``, ``ChartPoints``,
``ChangePoints``, ``TrendUnits``) hold pointers the caller points at its
own arrays (NULL members are skipped). The mirrors follow
include/loyalty/consistency.h field for field.
"""

import ctypes

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_uint64, P
from ._struct import Struct

_PD = P(c_double)
_PU32 = P(c_uint32)
_PU64 = P(c_uint64)
_PSZ = P(c_size_t)

NO_INDEX = ctypes.c_size_t(-1).value

# Funnel
FUNNEL_TARGET_POOLED, FUNNEL_TARGET_FIXED = 0, 1
FUNNEL_OD_NONE, FUNNEL_OD_ADDITIVE, FUNNEL_OD_MULTIPLICATIVE = 0, 1, 2
FUNNEL_EXACT = 0x1
FUNNEL_EMPTY, FUNNEL_DEGENERATE, FUNNEL_BELOW, FUNNEL_ABOVE = 0x1, 0x2, 0x4, 0x8
FUNNEL_OUTSIDE_INNER, FUNNEL_OUTSIDE_OUTER = 0x10, 0x20
FUNNEL_BONFERRONI, FUNNEL_FDR = 0x40, 0x80
FUNNEL_EXACT_INNER, FUNNEL_EXACT_OUTER = 0x100, 0x200
FUNNEL_NO_HETEROGENEITY, FUNNEL_NO_OVERDISPERSION = 0x1, 0x2
FUNNEL_OD_APPLIED, FUNNEL_NO_DISCOVERY = 0x4, 0x8
FUNNEL_LIMITS_NORMAL, FUNNEL_LIMITS_ADJUSTED, FUNNEL_LIMITS_EXACT = 0, 1, 2

# Charts
CHART_TARGET_BASELINE, CHART_TARGET_FIXED = 0, 1
SIGNAL_GAP, SIGNAL_BASELINE, SIGNAL_ABOVE, SIGNAL_BELOW = 0x1, 0x2, 0x4, 0x8
SIGNAL_SHEWHART_HIGH, SIGNAL_SHEWHART_LOW = 0x10, 0x20
SIGNAL_LANEY_HIGH, SIGNAL_LANEY_LOW = 0x40, 0x80
SIGNAL_EWMA_HIGH, SIGNAL_EWMA_LOW = 0x100, 0x200
SIGNAL_CUSUM_HIGH, SIGNAL_CUSUM_LOW = 0x400, 0x800
SIGNAL_LONG_RUN = 0x1000
SIGNAL_ANY = 0x1FF0
CHART_NO_BASELINE, CHART_DEGENERATE, CHART_NO_LANEY = 0x1, 0x2, 0x4
CHART_LONG_RUN, CHART_FEW_CROSSINGS = 0x8, 0x10

# Run lengths
ARL_TWO_SIDED, ARL_UPPER, ARL_LOWER = 0, 1, 2

# Change and trend
CHANGE_NONE = 0x100
TREND_EMPTY, TREND_SEPARATED, TREND_OVERDISPERSED = 0x1, 0x2, 0x4


class FunnelOptions(Struct):
    _fields_ = [("struct_size", c_size_t), ("target", c_uint32),
                ("target_promoters", c_double), ("target_detractors", c_double),
                ("levels", c_double * 2), ("overdispersion", c_uint32),
                ("winsor", c_double), ("alpha", c_double), ("flags", c_uint32)]


class FunnelUnits(Struct):
    _fields_ = [("struct_size", c_size_t), ("nps", _PD), ("variance", _PD),
                ("se", _PD), ("z", _PD), ("z_adjusted", _PD),
                ("p_value", _PD), ("p_lower", _PD), ("p_upper", _PD),
                ("shrunk", _PD), ("shrunk_se", _PD), ("flags", _PU32)]


class FunnelResult(Struct):
    _fields_ = [("struct_size", c_size_t), ("n_units", c_size_t),
                ("n_used", c_size_t), ("n_degenerate", c_size_t),
                ("n_total", c_uint64), ("target", c_double),
                ("target_promoters", c_double), ("target_detractors", c_double),
                ("target_variance", c_double), ("levels", c_double * 2),
                ("z_levels", c_double * 2), ("overdispersion", c_uint32),
                ("phi", c_double), ("tau2_od", c_double), ("alpha", c_double),
                ("n_outside", c_size_t * 2), ("n_exact", c_size_t * 2),
                ("n_bonferroni", c_size_t), ("n_fdr", c_size_t),
                ("fdr_p", c_double), ("fdr_z", c_double),
                ("fixed_mean", c_double), ("q_stat", c_double),
                ("tau2", c_double), ("tau", c_double), ("i2", c_double),
                ("mu", c_double), ("mu_se", c_double), ("flags", c_uint32)]


class ChartOptions(Struct):
    _fields_ = [("struct_size", c_size_t), ("target", c_uint32),
                ("target_promoters", c_double), ("target_detractors", c_double),
                ("baseline_start", c_size_t), ("baseline_length", c_size_t),
                ("limit", c_double), ("ewma_lambda", c_double),
                ("ewma_limit", c_double), ("cusum_k", c_double),
                ("cusum_h", c_double)]


class ChartUnits(Struct):
    _fields_ = [("struct_size", c_size_t), ("centre", _PD), ("sigma", _PD),
                ("sigma_z", _PD), ("n_points", _PSZ), ("n_useful", _PSZ),
                ("longest_run", _PSZ), ("longest_run_limit", _PSZ),
                ("crossings", _PSZ), ("crossings_limit", _PSZ),
                ("first_shewhart", _PSZ), ("first_laney", _PSZ),
                ("first_ewma", _PSZ), ("first_cusum", _PSZ),
                ("flags", _PU32)]


class ChartPoints(Struct):
    _fields_ = [("struct_size", c_size_t), ("nps", _PD),
                ("shewhart_lower", _PD), ("shewhart_upper", _PD),
                ("laney_lower", _PD), ("laney_upper", _PD), ("ewma", _PD),
                ("ewma_lower", _PD), ("ewma_upper", _PD),
                ("cusum_upper", _PD), ("cusum_lower", _PD), ("codes", _PU32)]


class ArlOptions(Struct):
    _fields_ = [("struct_size", c_size_t), ("nodes", c_size_t),
                ("head_start", c_double), ("reflect", c_double)]


class ChangePoints(Struct):
    _fields_ = [("struct_size", c_size_t), ("diff", _PD), ("se", _PD),
                ("z", _PD), ("p_value", _PD), ("lower", _PD), ("upper", _PD),
                ("flags", _PU32)]


class TrendUnits(Struct):
    _fields_ = [("struct_size", c_size_t), ("slope", _PD), ("se", _PD),
                ("lower", _PD), ("upper", _PD), ("p_value", _PD),
                ("dispersion", _PD), ("share_first", _PD),
                ("share_last", _PD), ("n_periods", _PSZ), ("flags", _PU32)]


# The NPS tally and options structs of loyalty.nps are passed by pointer;
# c_void_p keeps this layer free of that module's classes.
_VP = ctypes.c_void_p

funnel_options_init = declare("loy_funnel_options_init", c_int, [P(FunnelOptions)])
funnel_compute = declare("loy_funnel_compute", c_int,
                         [P(FunnelResult), P(FunnelUnits), _PU64, c_size_t,
                          c_size_t, P(FunnelOptions), _PSZ])
funnel_limits = declare("loy_funnel_limits", c_int,
                        [_PD, _PD, P(FunnelResult), _PU64, c_size_t, c_double,
                         c_uint32, _PSZ])
funnel_exact_tails = declare("loy_funnel_exact_tails", c_int,
                             [_PD, _PD, _VP, c_double, c_double])
chart_options_init = declare("loy_chart_options_init", c_int, [P(ChartOptions)])
chart_compute = declare("loy_chart_compute", c_int,
                        [P(ChartUnits), P(ChartPoints), _PU64, c_size_t,
                         c_size_t, c_size_t, P(ChartOptions), _PSZ])
arl_options_init = declare("loy_arl_options_init", c_int, [P(ArlOptions)])
arl_ewma = declare("loy_arl_ewma", c_int,
                   [_PD, c_double, c_double, c_double, c_uint32, P(ArlOptions)])
arl_cusum = declare("loy_arl_cusum", c_int,
                    [_PD, c_double, c_double, c_double, c_uint32, P(ArlOptions)])
arl_ewma_limit = declare("loy_arl_ewma_limit", c_int,
                         [_PD, c_double, c_double, c_uint32, P(ArlOptions)])
arl_cusum_limit = declare("loy_arl_cusum_limit", c_int,
                          [_PD, c_double, c_double, c_uint32, P(ArlOptions)])
change_compute = declare("loy_change_compute", c_int,
                         [P(ChangePoints), _PU64, c_size_t, c_size_t, c_size_t,
                          c_size_t, c_uint32, c_double, _VP, _PSZ])
topbox_trend = declare("loy_topbox_trend", c_int,
                       [P(TrendUnits), _PU64, c_size_t, c_size_t, c_size_t,
                        c_double, _PSZ])
