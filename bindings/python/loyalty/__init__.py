# SPDX-License-Identifier: MIT
"""loyalty: Python binding of libloyalty through ctypes.

Customer-loyalty analytics: NPS with honest uncertainty, CSAT and CES,
customer lifetime value and the "buy till you die" models, churn cost, and
ABC-plus-loyalty segmentation. Pure Python over the C library: no compiler
needed. See the README of the repository for the C API conventions; the
Python API mirrors them with exceptions instead of status codes.
"""

from ._lib import ABI_VERSION, lib as _lib, path as library_path
from .errors import (LoyaltyError, BadInputError, DomainError,
                     NotConvergedError, OutOfMemoryError)

# The modules, importable as loyalty.nps etc. (each declares its C
# functions once at import).
from . import (stats, nps, segment, clv, bgnbd, ggamma, pnbd, mbgnbd, bgbb,
               sbg, churn, mergeable)

__all__ = ["stats", "nps", "segment", "clv", "bgnbd", "ggamma", "pnbd",
           "mbgnbd", "bgbb", "sbg", "churn", "mergeable", "ABI_VERSION", "library_path", "version", "version_number",
           "abi_version", "strerror", "LoyaltyError", "BadInputError",
           "DomainError", "NotConvergedError", "OutOfMemoryError"]


def version():
    """Version string of the loaded C library, e.g. "1.0.0"."""
    return _lib.loy_version_string().decode("ascii")


def version_number():
    """Version of the loaded C library as MAJOR*10000 + MINOR*100 + PATCH."""
    return int(_lib.loy_version_number())


def abi_version():
    """ABI version (SONAME major) of the loaded C library."""
    return int(_lib.loy_abi_version())


def strerror(code):
    """The library's description of a status code."""
    return _lib.loy_strerror(int(code)).decode("utf-8")
