# SPDX-License-Identifier: MIT
"""The standard normal distribution (the C ``loy_normal_*`` functions).

Both functions are thin: one ctypes call each, with the status code turned
into an exception (NaN or infinite input raises BadInputError, a
probability outside (0, 1) raises DomainError).
"""

import ctypes

from ._lib import declare, c_int, c_double, P
from .errors import errcheck

__all__ = ["normal_cdf", "normal_quantile"]

_cdf = declare("loy_normal_cdf", c_int, [P(c_double), c_double], errcheck)
_quantile = declare("loy_normal_quantile", c_int, [P(c_double), c_double], errcheck)
_byref = ctypes.byref
_double = c_double


def normal_cdf(x: float) -> float:
    """Standard normal distribution function Phi(x) = P(Z <= x).

    Full relative accuracy in the lower tail (normal_cdf(-30) is about
    4.9e-198). Raises BadInputError for NaN or infinite x.
    """
    out = _double()
    _cdf(_byref(out), x)
    return out.value


def normal_quantile(p: float) -> float:
    """Standard normal quantile Phi^-1(p), for p strictly inside (0, 1).

    normal_quantile(0.975) is 1.959963984540054. Raises DomainError for
    p <= 0 or p >= 1 and BadInputError for NaN.
    """
    out = _double()
    _quantile(_byref(out), p)
    return out.value
