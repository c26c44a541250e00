# SPDX-License-Identifier: MIT
"""Exceptions raised for libloyalty status codes.

Every failing C call raises a LoyaltyError (or a subclass) carrying the
status ``code``, its symbolic ``name`` (e.g. "LOY_EDOMAIN"), the library's
``message`` from loy_strerror, and ``index``: the position of the first bad
array element when the library reported one, else None.
"""

from ._lib import lib

OK = 0
EINVAL = -1
ESCALE = -2
ENONFINITE = -3
EEMPTY = -4
EDOMAIN = -5
ENOCONV = -6
ENOMEM = -7
EBUFSIZE = -8
EORDER = -9
EDEGENERATE = -10
EINCONSISTENT = -11
EOVERFLOW = -12
EFORMAT = -13

NO_INDEX = (1 << (8 * __import__("ctypes").sizeof(__import__("ctypes").c_size_t))) - 1


class LoyaltyError(Exception):
    """Base class of every error reported by libloyalty."""

    def __init__(self, code, index=None, where=None):
        self.code = code
        self.name = lib.loy_error_name(code).decode("ascii")
        self.message = lib.loy_strerror(code).decode("utf-8")
        self.index = None if index is None or index == NO_INDEX else index
        text = "%s (%s)" % (self.message, self.name)
        if where:
            text = "%s: %s" % (where, text)
        if self.index is not None:
            text += " at index %d" % self.index
        super().__init__(text)


class BadInputError(LoyaltyError, ValueError):
    """Invalid argument, value off the scale, NaN/Inf, empty or inconsistent input."""


class DomainError(LoyaltyError, ValueError):
    """A parameter outside its domain, or a statistic undefined for the data."""


class NotConvergedError(LoyaltyError, ArithmeticError):
    """An iterative computation did not converge.

    ``result`` holds the best point found, when the call produced one.
    """

    def __init__(self, code, index=None, where=None, result=None):
        super().__init__(code, index, where)
        self.result = result


class OutOfMemoryError(LoyaltyError, MemoryError):
    """The library could not allocate memory."""


_CLASSES = {
    EINVAL: BadInputError, ESCALE: BadInputError, ENONFINITE: BadInputError,
    EEMPTY: BadInputError, EORDER: BadInputError, EINCONSISTENT: BadInputError,
    EBUFSIZE: BadInputError, EDOMAIN: DomainError, EDEGENERATE: DomainError,
    ENOCONV: NotConvergedError, ENOMEM: OutOfMemoryError,
    EOVERFLOW: BadInputError, EFORMAT: BadInputError,
}


def error_for(code, index=None, where=None):
    """The exception instance for a negative status code."""
    return _CLASSES.get(code, LoyaltyError)(code, index, where)


def check(code, index=None, where=None):
    """Raise the matching exception when code is negative."""
    if code < 0:
        raise error_for(code, index, where)
    return code


def errcheck(result, func, args):
    """ctypes errcheck hook for functions returning a status code."""
    if result < 0:
        raise error_for(result, None, func.__name__)
    return result
