# SPDX-License-Identifier: MIT
"""loyalty: Python binding of libloyalty through ctypes.

Customer-loyalty analytics: NPS with honest uncertainty, CSAT and CES,
customer lifetime value and the "buy till you die" models, churn cost, and
ABC-plus-loyalty segmentation, key-driver analysis (which attributes move
NPS, where to act first) and consistency over units and time (funnels,
control charts). Pure Python over the C library (bundled by
``pip install``): no compiler needed at run time. numpy, pandas and
matplotlib are optional: plain sequences work everywhere, numpy arrays
pass without copying, pandas objects come back as pandas objects, and
``loyalty.plotting`` draws the usual diagnostics.

``loyalty.library_path`` and ``loyalty.library_source`` tell which C
library was loaded ("LIBLOYALTY_PATH", "system", "bundled" or
"find_library"); see the README for the search order.
"""

from ._version import __version__
from ._lib import ABI_VERSION, lib as _clib, path as library_path, source as library_source
from .errors import (LoyaltyError, BadInputError, DomainError,
                     NotConvergedError, OutOfMemoryError)

# The modules, importable as loyalty.nps etc. (each declares its C
# functions once at import). loyalty.plotting imports matplotlib only when
# a plot is drawn.
from . import (stats, nps, segment, clv, bgnbd, ggamma, pnbd, mbgnbd, bgbb,
               sbg, churn, plotting, mergeable, drivers, consistency)
from ._model import FittedModel, load_model

__all__ = ["stats", "nps", "segment", "clv", "bgnbd", "ggamma", "pnbd",
           "mbgnbd", "bgbb", "sbg", "churn", "plotting", "mergeable", "drivers",
           "consistency", "ABI_VERSION",
           "library_path", "library_source", "version", "version_number", "abi_version",
           "strerror", "LoyaltyError", "BadInputError", "DomainError", "NotConvergedError",
           "OutOfMemoryError", "FittedModel", "load_model", "__version__"]


def version() -> str:
    """Version string of the loaded C library, e.g. "1.0.0"."""
    return str(_clib.loy_version_string().decode("ascii"))


def version_number() -> int:
    """Version of the loaded C library as MAJOR*10000 + MINOR*100 + PATCH."""
    return int(_clib.loy_version_number())


def abi_version() -> int:
    """ABI version (SONAME major) of the loaded C library."""
    return int(_clib.loy_abi_version())


def strerror(code: int) -> str:
    """The library's description of a status code."""
    return str(_clib.loy_strerror(int(code)).decode("utf-8"))
