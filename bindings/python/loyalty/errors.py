# SPDX-License-Identifier: MIT
"""Exceptions raised for libloyalty status codes.

Every failing C call raises a LoyaltyError (or a subclass) carrying:

- ``code`` and ``name``: the status code and its symbol ("LOY_EDOMAIN");
- ``message``: the library's description (loy_strerror);
- ``argument``: the Python argument(s) at fault, e.g. ``"score"`` or
  ``"frequency, recency, T"`` (the column names when a DataFrame was given);
- ``index``: the position of the first bad row, when the library reported one;
- ``label``: the pandas index label of that row (the position for plain
  sequences);
- ``detail``: the bad row's values, e.g. ``"recency=40.0, T=38.9"``;
- ``function``: the C function that failed, for debugging (not in the text).

The text reads like ``frequency, recency, T: inconsistent records
(LOY_EINCONSISTENT) at row 'C042' (position 41): frequency=2, recency=40,
T=38.9``.
"""

import ctypes
from typing import Any, Dict, Optional, Type

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

NO_INDEX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1

_UNSET: Any = object()


class LoyaltyError(Exception):
    """Base class of every error reported by libloyalty."""

    def __init__(self, code: int, index: Optional[int] = None, where: Optional[str] = None,
                 *, argument: Optional[str] = None, label: Any = None,
                 detail: Optional[str] = None) -> None:
        self.code = code
        self.name: str = lib.loy_error_name(code).decode("ascii")
        self.message: str = lib.loy_strerror(code).decode("utf-8")
        self.index: Optional[int] = None if index is None or index == NO_INDEX else int(index)
        self.function = where
        self.argument = argument
        self.label = label
        self.detail = detail
        super().__init__(self._text())

    def _text(self) -> str:
        text = "%s (%s)" % (self.message, self.name)
        if self.argument:
            text = "%s: %s" % (self.argument, text)
        if self.index is not None:
            if self.label is None or (isinstance(self.label, int) and self.label == self.index
                                      and not isinstance(self.label, bool)):
                text += " at position %d" % self.index
            else:
                text += " at row %r (position %d)" % (self.label, self.index)
        if self.detail:
            text += ": " + self.detail
        return text

    def locate(self, argument: Any = _UNSET, label: Any = _UNSET,
               detail: Any = _UNSET, index: Any = _UNSET) -> "LoyaltyError":
        """Fill in where the error is (argument names, row label, values) and
        refresh the text; returns self so that callers can ``raise exc.locate(...)``."""
        if argument is not _UNSET:
            self.argument = argument
        if label is not _UNSET:
            self.label = label
        if detail is not _UNSET:
            self.detail = detail
        if index is not _UNSET:
            self.index = index
        self.args = (self._text(),)
        return self

    def __reduce__(self) -> Any:
        # Picklable across processes (Dask, multiprocessing): rebuild from
        # the code and the context rather than from the text.
        state = {"argument": self.argument, "label": self.label, "detail": self.detail}
        return (_rebuild, (type(self), self.code, self.index, self.function, state,
                           getattr(self, "result", None)))


def _rebuild(cls: Type[LoyaltyError], code: int, index: Optional[int],
             where: Optional[str], state: Dict[str, Any], result: Any) -> LoyaltyError:
    exc = cls(code, index, where, **state)
    if result is not None:
        exc.result = result  # type: ignore[attr-defined]
    return exc


class BadInputError(LoyaltyError, ValueError):
    """Invalid argument, value off the scale, NaN/Inf, empty or inconsistent input."""


class DomainError(LoyaltyError, ValueError):
    """A parameter outside its domain, or a statistic undefined for the data."""


class NotConvergedError(LoyaltyError, ArithmeticError):
    """An iterative computation did not converge.

    ``result`` holds the best point found, when the call produced one.
    """

    def __init__(self, code: int, index: Optional[int] = None, where: Optional[str] = None,
                 result: Any = None, **context: Any) -> None:
        super().__init__(code, index, where, **context)
        self.result = result


class OutOfMemoryError(LoyaltyError, MemoryError):
    """The library could not allocate memory."""


_CLASSES: Dict[int, Type[LoyaltyError]] = {
    EINVAL: BadInputError, ESCALE: BadInputError, ENONFINITE: BadInputError,
    EEMPTY: BadInputError, EORDER: BadInputError, EINCONSISTENT: BadInputError,
    EBUFSIZE: BadInputError, EDOMAIN: DomainError, EDEGENERATE: DomainError,
    ENOCONV: NotConvergedError, ENOMEM: OutOfMemoryError,
    EOVERFLOW: BadInputError, EFORMAT: BadInputError,
}


def error_for(code: int, index: Optional[int] = None, where: Optional[str] = None,
              **context: Any) -> LoyaltyError:
    """The exception instance for a negative status code."""
    return _CLASSES.get(code, LoyaltyError)(code, index, where, **context)


def check(code: int, index: Optional[int] = None, where: Optional[str] = None,
          **context: Any) -> int:
    """Raise the matching exception when code is negative."""
    if code < 0:
        raise error_for(code, index, where, **context)
    return code


def errcheck(result: int, func: Any, args: Any) -> int:
    """ctypes errcheck hook for functions returning a status code."""
    if result < 0:
        raise error_for(result, None, func.__name__)
    return result
