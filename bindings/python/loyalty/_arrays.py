# SPDX-License-Identifier: MIT
"""Turning Python sequences into C arrays, without copying when possible.

Accepted inputs: numpy arrays (used in place when C-contiguous with the
right dtype, converted once otherwise), objects with the buffer protocol
(array.array, memoryview, bytearray) of the right item format (shared when
writable and contiguous, copied once otherwise), and any other iterable
(lists, tuples, pandas Series through numpy), copied once into a ctypes
array. numpy is optional.

Each converter returns (pointer, length, keepalive): keep ``keepalive``
referenced for the duration of the C call so a temporary copy is not freed.
"""

import ctypes
from typing import Any, Dict, Optional, Tuple

_np: Any
try:
    import numpy as _np
except ImportError:  # numpy is optional
    _np = None

_NUMPY_DTYPES = {
    ctypes.c_double: "float64", ctypes.c_uint8: "uint8", ctypes.c_int8: "int8",
    ctypes.c_int32: "int32", ctypes.c_uint32: "uint32",
    ctypes.c_uint64: "uint64", ctypes.c_int64: "int64",
}
_BUFFER_FORMATS = {
    ctypes.c_double: ("d",), ctypes.c_uint8: ("B",), ctypes.c_int8: ("b",),
    ctypes.c_int32: ("i",) if ctypes.sizeof(ctypes.c_int) == 4 else ("l",),
    ctypes.c_uint32: ("I",), ctypes.c_uint64: ("Q", "L"), ctypes.c_int64: ("q", "l"),
}


# One element per type, kept alive: the address handed out for empty outputs.
_EMPTY: Dict[Any, Any] = {}


def have_numpy() -> bool:
    return _np is not None


def _from_numpy(obj: Any, ctype: Any) -> Tuple[Any, int, Any]:
    arr = _np.ascontiguousarray(obj, dtype=_NUMPY_DTYPES[ctype])
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    return arr.ctypes.data_as(ctypes.POINTER(ctype)), arr.shape[0], arr


def _from_buffer(obj: Any, ctype: Any) -> Optional[Tuple[Any, int, Any]]:
    mv = memoryview(obj)
    fmt = mv.format.lstrip("@=<")
    if (fmt in _BUFFER_FORMATS[ctype] and mv.itemsize == ctypes.sizeof(ctype)
            and mv.c_contiguous and mv.ndim == 1):
        n = mv.shape[0] if mv.shape else 0
        if n == 0:
            return None, 0, None
        if not mv.readonly:
            carr = (ctype * n).from_buffer(mv)
        else:
            carr = (ctype * n).from_buffer_copy(mv)
        return ctypes.cast(carr, ctypes.POINTER(ctype)), n, (carr, mv)
    return None


def as_input(obj: Any, ctype: Any, name: str = "array") -> Tuple[Any, int, Any]:
    """A read-only input array: (pointer, n, keepalive)."""
    if obj is None:
        return None, 0, None
    if _np is not None and isinstance(obj, _np.ndarray):
        return _from_numpy(obj, ctype)
    if isinstance(obj, (memoryview, bytearray)) or hasattr(obj, "typecode"):
        got = _from_buffer(obj, ctype)
        if got is not None:
            return got
    if _np is not None and hasattr(obj, "__array__"):
        return _from_numpy(obj, ctype)
    try:
        seq = list(obj)
    except TypeError:
        raise TypeError("%s must be a sequence of numbers" % name) from None
    carr = (ctype * len(seq))(*seq)
    return ctypes.cast(carr, ctypes.POINTER(ctype)), len(seq), carr


def new_output(n: int, ctype: Any) -> Tuple[Any, Any]:
    """A fresh output array of n elements: numpy when available, else array.array."""
    if _np is not None:
        arr = _np.empty(n, dtype=_NUMPY_DTYPES[ctype])
        return arr.ctypes.data_as(ctypes.POINTER(ctype)), arr
    import array
    code = {ctypes.c_double: "d", ctypes.c_uint8: "B", ctypes.c_int8: "b",
            ctypes.c_int32: "i", ctypes.c_uint32: "I", ctypes.c_uint64: "Q",
            ctypes.c_int64: "q"}[ctype]
    arr = array.array(code, bytes(ctypes.sizeof(ctype) * n))
    if n == 0:
        # A valid (unused) address, as numpy gives: NULL would be refused
        # as a missing output before the library looks at n.
        return _EMPTY.setdefault(ctype, ctypes.cast((ctype * 1)(), ctypes.POINTER(ctype))), arr
    carr = (ctype * n).from_buffer(arr)
    return ctypes.cast(carr, ctypes.POINTER(ctype)), arr


def same_length(*pairs: Tuple[str, int]) -> int:
    """Raise ValueError unless all (name, n) pairs have the same n."""
    ns = {n for _, n in pairs}
    if len(ns) > 1:
        raise ValueError("arrays differ in length: " +
                         ", ".join("%s=%d" % p for p in pairs))
    return ns.pop() if ns else 0
