# SPDX-License-Identifier: MIT
"""Locating and loading libloyalty, and declaring its C functions.

The library is searched in this order, stopping at the first that loads:

1. the ``LIBLOYALTY_PATH`` environment variable (a file path);
2. the package's own directory (``libloyalty.so.<ABI>``, as a wheel would ship it);
3. ``ctypes.util.find_library("loyalty")``;
4. the versioned SONAME ``libloyalty.so.<ABI>`` through the dynamic loader.

A failure raises ImportError listing every place tried and why it failed.
After loading, the library's ABI version must equal ABI_VERSION: this
binding was written for that ABI and would misread any other.
"""

import ctypes
import ctypes.util
import os
import sys

ABI_VERSION = 1

c_int = ctypes.c_int
c_double = ctypes.c_double
c_size_t = ctypes.c_size_t
c_uint32 = ctypes.c_uint32
c_int32 = ctypes.c_int32
c_uint64 = ctypes.c_uint64
c_uint8 = ctypes.c_uint8
c_int8 = ctypes.c_int8
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER


def _soname():
    if sys.platform == "darwin":
        return "libloyalty.%d.dylib" % ABI_VERSION
    if sys.platform == "win32":
        return "loyalty.dll"
    return "libloyalty.so.%d" % ABI_VERSION


def _candidates():
    env = os.environ.get("LIBLOYALTY_PATH")
    if env:
        yield "LIBLOYALTY_PATH", env
    here = os.path.dirname(os.path.abspath(__file__))
    yield "package directory", os.path.join(here, _soname())
    found = ctypes.util.find_library("loyalty")
    if found:
        yield "ctypes.util.find_library", found
    yield "versioned SONAME", _soname()


def _load():
    tried = []
    for how, path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            tried.append("  %s: %s (%s)" % (how, path, exc))
    raise ImportError("libloyalty could not be loaded; tried:\n" + "\n".join(tried))


lib, path = _load()

_version_fns = (("loy_abi_version", c_uint32), ("loy_version_number", c_uint32),
                ("loy_version_string", c_char_p))
for _name, _restype in _version_fns:
    _f = getattr(lib, _name)
    _f.argtypes = []
    _f.restype = _restype

if lib.loy_abi_version() != ABI_VERSION:
    raise ImportError("%s has ABI version %d; this binding needs ABI %d"
                      % (path, lib.loy_abi_version(), ABI_VERSION))

lib.loy_strerror.argtypes = [c_int]
lib.loy_strerror.restype = c_char_p
lib.loy_error_name.argtypes = [c_int]
lib.loy_error_name.restype = c_char_p


def declare(name, restype, argtypes, errcheck=None):
    """Declare one C function once: argtypes, restype and error check.

    Functions returning a status code get the shared error check, which
    turns negative codes into LoyaltyError subclasses.
    """
    fn = getattr(lib, name)
    fn.argtypes = argtypes
    fn.restype = restype
    if errcheck is not None:
        fn.errcheck = errcheck
    return fn
