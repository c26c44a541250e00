# SPDX-License-Identifier: MIT
"""Raw ctypes layer of the key-driver analysis (C ``loy_moments_*``,
``loy_drivers_*``); the user-facing ``loyalty.drivers`` builds on it.

Every function is declared exactly once here, returning the raw status
code (no errcheck): several calls have outputs worth reading on an error
(the two-call size query answers LOY_EBUFSIZE, the logistic and ordinal
analyses return their result with LOY_ENOCONV), so the caller decides.
The struct mirrors follow include/loyalty/drivers.h field for field.
"""

import ctypes
from typing import Any, List, Optional, Tuple, Union

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_int32, c_uint64, c_char_p, P
from ._struct import Struct

c_uint8 = ctypes.c_uint8
_PD = P(c_double)
_PU8 = P(c_uint8)
_PU64 = P(c_uint64)
_PSZ = P(c_size_t)

# Tally flags and limits
MOMENTS_INTEGER = 0x1
MOMENTS_LISTWISE = 0x2
MOMENTS_PAIRWISE = 0x4
MOMENTS_SKIP_INVALID = 0x8
MOMENTS_U8_MISSING = 255
MOMENTS_ALL_COLUMNS = ctypes.c_size_t(-1).value

# Option flags and fit indices
COMPLETE, SAMPLE, BOOTSTRAP, LISTWISE, FULL_ONLY = 0x1, 0x2, 0x4, 0x8, 0x10
MCFADDEN, COX_SNELL, NAGELKERKE, ESTRELLA = 0, 1, 2, 3
MODEL_LINEAR, MODEL_LOGISTIC, MODEL_ORDINAL, MODEL_PRCA = 1, 2, 3, 4
SAMPLED, JACKKNIFED, BOOTSTRAPPED, NOCONV, ZERO_R2 = 0x1, 0x2, 0x4, 0x8, 0x10

# Metric codes of loy_drivers_result_get
METRICS = {
    "lmg": 1, "lmg_share": 2, "first": 3, "last": 4, "betasq": 5, "pratt": 6,
    "rw": 7, "rw_share": 8, "car": 9, "beta": 10, "beta_std": 11, "t": 12,
    "p": 13, "sign": 14, "conditional": 15, "dom_complete": 16,
    "dom_conditional": 17, "dom_general": 18, "complete_share": 19,
    "rank": 20, "topk": 21, "r2": 22, "lmg_mcse": 23, "lmg_mcfadden": 24,
    "lmg_cox_snell": 25, "lmg_nagelkerke": 26, "lmg_estrella": 27,
    "intercept": 28, "penalty": 29, "reward": 30, "asymmetry": 31,
    "penalty_p": 32, "reward_p": 33, "asymmetry_p": 34,
}
ESTIMATE, STDERR, LOWER, UPPER, REPLICATES = 0, 1, 2, 3, 4
KANO = {1: "basic", 2: "performance", 3: "excitement", 4: "low impact"}
QUADRANT = {1: "key strength", 2: "priority fix", 3: "secondary strength",
            4: "low priority"}
IPA_CUT_MEAN, IPA_CUT_MEDIAN, IPA_CUT_FIXED = 0, 1, 2
IPA_KANO_PERFORMANCE = 0x1
INT32_MIN = -2147483648


class MomentsInfo(Struct):
    _fields_ = [("struct_size", c_size_t), ("k", c_uint64), ("flags", c_uint32),
                ("replicates", c_uint32), ("seed", c_uint64), ("n", c_uint64),
                ("sum_w", c_double), ("n_min", c_uint64),
                ("rows_missing", c_uint64), ("rows_invalid", c_uint64),
                ("rows_zero_weight", c_uint64)]


class Spec(Struct):
    _fields_ = [("struct_size", c_size_t), ("outcome", c_size_t),
                ("drivers", _PSZ), ("n_drivers", c_size_t),
                ("groups", P(c_uint32)), ("always", _PSZ),
                ("n_always", c_size_t)]


class Options(Struct):
    _fields_ = [("struct_size", c_size_t), ("flags", c_uint32),
                ("max_exact", c_uint32), ("index", c_uint32),
                ("reserved", c_uint32), ("orders", c_uint64),
                ("seed", c_uint64), ("level", c_double)]


class Summary(Struct):
    _fields_ = [("struct_size", c_size_t), ("model", c_uint32), ("flags", c_uint32),
                ("n_drivers", c_uint64), ("n_players", c_uint64),
                ("n_always", c_uint64), ("n", c_uint64), ("sum_w", c_double),
                ("r2", c_double), ("r2_adj", c_double), ("r2_always", c_double),
                ("r2_decomp", c_double), ("f_stat", c_double), ("f_p", c_double),
                ("df_resid", c_double), ("loglik", c_double),
                ("loglik_null", c_double), ("mcfadden", c_double),
                ("cox_snell", c_double), ("nagelkerke", c_double),
                ("estrella", c_double), ("orders", c_uint64), ("seed", c_uint64),
                ("mc_se_max", c_double), ("replicates", c_uint64),
                ("replicates_failed", c_uint64), ("level", c_double),
                ("iterations", c_uint32), ("categories", c_uint32),
                ("noconv", c_uint64), ("rows_skipped", c_uint64)]


class IpaOptions(Struct):
    _fields_ = [("struct_size", c_size_t), ("perf_cut", c_uint32),
                ("flags", c_uint32), ("perf_fixed", c_double),
                ("importance_cut", c_double), ("top_box_min", c_int32),
                ("bottom_box_max", c_int32)]


class _Opaque(ctypes.Structure):
    pass


P_MOMENTS = P(_Opaque)
P_RESULT = P(_Opaque)
_PP_MOMENTS = P(P_MOMENTS)
_PP_RESULT = P(P_RESULT)

# moment tally
moments_new = declare("loy_moments_new", c_int, [_PP_MOMENTS, c_size_t, c_uint32])
moments_free = declare("loy_moments_free", None, [P_MOMENTS])
moments_clone = declare("loy_moments_clone", c_int, [_PP_MOMENTS, P_MOMENTS])
moments_set_scale = declare("loy_moments_set_scale", c_int,
                            [P_MOMENTS, c_size_t, c_double, c_double])
moments_set_bootstrap = declare("loy_moments_set_bootstrap", c_int,
                                [P_MOMENTS, c_uint32, c_uint64])
moments_poisson_weight = declare("loy_moments_poisson_weight", c_int,
                                 [P(c_uint32), c_uint64, c_uint64, c_uint32])
moments_add = declare("loy_moments_add", c_int,
                      [P_MOMENTS, _PD, c_size_t, c_size_t, c_size_t, _PD, _PU64, _PSZ])
moments_add_u8 = declare("loy_moments_add_u8", c_int,
                         [P_MOMENTS, _PU8, c_size_t, c_size_t, c_size_t, _PD, _PU64, _PSZ])
moments_add_cols = declare("loy_moments_add_cols", c_int,
                           [P_MOMENTS, P(_PD), c_size_t, _PD, _PU64, _PSZ])
moments_add_cols_u8 = declare("loy_moments_add_cols_u8", c_int,
                              [P_MOMENTS, P(_PU8), c_size_t, _PD, _PU64, _PSZ])
moments_merge = declare("loy_moments_merge", c_int, [P_MOMENTS, P_MOMENTS])
moments_unmerge = declare("loy_moments_unmerge", c_int, [P_MOMENTS, P_MOMENTS])
moments_serialize = declare("loy_moments_serialize", c_int,
                            [_PU8, c_size_t, _PSZ, P_MOMENTS])
moments_deserialize = declare("loy_moments_deserialize", c_int,
                              [_PP_MOMENTS, _PU8, c_size_t])
moments_info_get = declare("loy_moments_info_get", c_int, [P(MomentsInfo), P_MOMENTS])
moments_mean = declare("loy_moments_mean", c_int, [_PD, c_size_t, P_MOMENTS])
moments_cov = declare("loy_moments_cov", c_int, [_PD, c_size_t, P_MOMENTS])
moments_cor = declare("loy_moments_cor", c_int, [_PD, c_size_t, P_MOMENTS, _PSZ])
moments_replicate = declare("loy_moments_replicate", c_int,
                            [_PP_MOMENTS, P_MOMENTS, c_uint32])

# analyses
options_init = declare("loy_drivers_options_init", c_int, [P(Options)])
linear = declare("loy_drivers_linear", c_int,
                 [_PP_RESULT, P_MOMENTS, P(Spec), P(Options), _PSZ])
jackknife = declare("loy_drivers_jackknife", c_int,
                    [_PP_RESULT, P_MOMENTS, P(P_MOMENTS), c_size_t, P(Spec),
                     P(Options), _PSZ])
logistic = declare("loy_drivers_logistic", c_int,
                   [_PP_RESULT, _PD, c_size_t, c_size_t, c_size_t, c_size_t, _PD,
                    P(Spec), P(Options), _PSZ])
ordinal = declare("loy_drivers_ordinal", c_int,
                  [_PP_RESULT, _PD, c_size_t, c_size_t, c_size_t, c_size_t, _PD,
                   P(Spec), P(Options), _PSZ])
result_free = declare("loy_drivers_result_free", None, [P_RESULT])
result_summary = declare("loy_drivers_result_summary", c_int, [P(Summary), P_RESULT])
result_get = declare("loy_drivers_result_get", c_int,
                     [_PD, c_size_t, _PSZ, P_RESULT, c_uint32, c_uint32])
result_kano = declare("loy_drivers_result_kano", c_int,
                      [P(c_int32), c_size_t, _PSZ, P_RESULT])
kano_name = declare("loy_drivers_kano_name", c_char_p, [c_int32])
quadrant_name = declare("loy_drivers_quadrant_name", c_char_p, [c_int32])

# PRCA and IPA
prca_add = declare("loy_drivers_prca_add", c_int,
                   [P_MOMENTS, _PD, _PD, c_size_t, c_size_t, c_size_t, c_size_t, _PD,
                    _PU64, c_double, c_double, _PSZ])
prca = declare("loy_drivers_prca", c_int, [_PP_RESULT, P_MOMENTS, c_size_t, c_double, _PSZ])
hist_add = declare("loy_drivers_hist_add", c_int,
                   [_PD, c_size_t, c_int32, c_int32, _PD, c_size_t, c_size_t, c_size_t,
                    _PD, c_int32, _PSZ])
ipa_options_init = declare("loy_drivers_ipa_options_init", c_int, [P(IpaOptions)])
ipa = declare("loy_drivers_ipa", c_int,
              [_PD, _PD, _PD, P(c_int32), _PD, _PD, _PD, _PD, c_size_t, c_int32,
               c_int32, P(c_int32), P(IpaOptions)])


def get_metric(result: Any, metric: Union[str, int],
               stat: int = ESTIMATE) -> Tuple[int, Optional[List[float]]]:
    """One metric of a result as a list of floats (two-call pattern);
    returns (status, values) so that undefined metrics can be told apart."""
    code = METRICS[metric] if isinstance(metric, str) else metric
    need = c_size_t(0)
    rc = result_get(None, 0, ctypes.byref(need), result, code, stat)
    if rc < 0:
        return rc, None
    buf = (c_double * max(need.value, 1))()
    rc = result_get(buf, need.value, ctypes.byref(need), result, code, stat)
    return rc, list(buf[:need.value])
