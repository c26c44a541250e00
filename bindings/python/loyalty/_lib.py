# SPDX-License-Identifier: MIT
"""Locating and loading libloyalty, and declaring its C functions.

Where the library comes from, in this order:

1. ``LIBLOYALTY_PATH`` (a file path): when set, it is the only candidate,
   and a failure to load it is an ImportError (an explicit choice is never
   silently replaced by another library);
2. a system-wide installation, through the dynamic loader's search for
   the versioned SONAME ``libloyalty.so.<ABI>`` (LD_LIBRARY_PATH, the
   ld.so cache, the default folders);
3. the copy bundled in the package (``loyalty/libloyalty.so.<ABI>``, put
   there by ``pip install``);
4. ``ctypes.util.find_library("loyalty")`` (slow: it may run the compiler;
   reached only when nothing else worked).

A system library comes before the bundled copy so that a library the
system administrator installed (and patches) wins, as long as it is good
enough: a candidate is accepted only when its ABI major is ABI_VERSION and
its version (major.minor) is at least this package's, since the binding
declares every function of that release. Otherwise the next candidate is
tried, and the ImportError at the end lists each one with the reason.
"""

import ctypes
import ctypes.util
import os
import sys
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

from ._version import __version__

ABI_VERSION = 1
ENV_VAR = "LIBLOYALTY_PATH"

c_int = ctypes.c_int
c_double = ctypes.c_double
c_size_t = ctypes.c_size_t
c_uint32 = ctypes.c_uint32
c_int32 = ctypes.c_int32
c_uint64 = ctypes.c_uint64
c_int64 = ctypes.c_int64
c_uint8 = ctypes.c_uint8
c_int8 = ctypes.c_int8
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER


def soname() -> str:
    """File name of the library this binding loads (versioned SONAME)."""
    if sys.platform == "darwin":
        return "libloyalty.%d.dylib" % ABI_VERSION
    if sys.platform == "win32":
        return "loyalty.dll"
    return "libloyalty.so.%d" % ABI_VERSION


def _required_version() -> int:
    """MAJOR*10000 + MINOR*100 of this package: the oldest library accepted."""
    parts = (__version__.split(".") + ["0", "0"])[:2]
    major, minor = (int("".join(ch for ch in p if ch.isdigit()) or 0) for p in parts)
    return major * 10000 + minor * 100


def bundled_path() -> str:
    """Where ``pip install`` puts the library: next to this file."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), soname())


def _candidates() -> Iterator[Tuple[str, str]]:
    """(source, path) pairs to try, in order."""
    env = os.environ.get(ENV_VAR)
    if env:
        yield ENV_VAR, env
        return
    yield "system", soname()
    yield "bundled", bundled_path()
    found = ctypes.util.find_library("loyalty")
    if found:
        yield "find_library", found


def _check(lib: Any, path: str) -> Optional[str]:
    """None when the library fits this binding, else the reason it does not."""
    try:
        for name, restype in (("loy_abi_version", c_uint32),
                              ("loy_version_number", c_uint32),
                              ("loy_version_string", c_char_p)):
            fn = getattr(lib, name)
            fn.argtypes = []
            fn.restype = restype
    except AttributeError as exc:
        return "not libloyalty (%s)" % exc
    abi = int(lib.loy_abi_version())
    if abi != ABI_VERSION:
        return "ABI %d, this binding needs ABI %d" % (abi, ABI_VERSION)
    have = int(lib.loy_version_number())
    need = _required_version()
    if have < need:
        return ("version %s is older than this package (%s): it lacks functions "
                "the binding uses" % (lib.loy_version_string().decode("ascii"), __version__))
    return None


_ADVICE = (
    "What to do:\n"
    "  - install the package with pip (in a virtual environment: python3 -m venv ENV;\n"
    "    ENV/bin/pip install bindings/python), which builds libloyalty with CMake\n"
    "    and bundles it; or\n"
    "  - build the library (cmake -S . -B build && cmake --build build) and set\n"
    "    LIBLOYALTY_PATH=/path/to/build/%s; or\n"
    "  - install libloyalty system-wide (cmake --install build) so that the\n"
    "    dynamic loader finds %s." % (soname(), soname()))


def _describe(source: str, path: str) -> str:
    if source == ENV_VAR:
        return "%s=%s" % (ENV_VAR, path)
    if source == "system":
        return "system library %s (dynamic loader search)" % path
    if source == "bundled":
        return "bundled copy %s" % path
    return "ctypes.util.find_library('loyalty') = %s" % path


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", c_char_p), ("dli_fbase", c_void_p),
                ("dli_sname", c_char_p), ("dli_saddr", c_void_p)]


def _loaded_file(lib: Any, fallback: str) -> str:
    """The file the dynamic loader mapped for ``lib`` (dladdr), else fallback.

    For the system candidate the name given to the loader is only the
    SONAME; users want to know which file it found.
    """
    for libname in (None, "libdl.so.2"):
        try:
            dladdr = ctypes.CDLL(libname).dladdr
        except (OSError, AttributeError):
            continue
        dladdr.argtypes = [c_void_p, P(_DlInfo)]
        dladdr.restype = c_int
        info = _DlInfo()
        addr = ctypes.cast(lib.loy_abi_version, c_void_p)
        if dladdr(addr, ctypes.byref(info)) and info.dli_fname:
            return os.path.abspath(os.fsdecode(info.dli_fname))
    return os.path.abspath(fallback) if os.sep in fallback else fallback


def _load() -> Tuple[Any, str, str]:
    tried: List[str] = []
    for source, path in _candidates():
        if source == "bundled" and not os.path.exists(path):
            tried.append("  %s: not present" % _describe(source, path))
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            tried.append("  %s: %s" % (_describe(source, path), exc))
            continue
        why = _check(lib, path)
        if why is None:
            return lib, _loaded_file(lib, path), source
        tried.append("  %s: %s" % (_describe(source, path), why))
    if os.environ.get(ENV_VAR):
        raise ImportError("libloyalty could not be loaded from %s (set explicitly):\n%s\n"
                          "Fix the path, or unset %s to use the bundled or system library."
                          % (ENV_VAR, "\n".join(tried), ENV_VAR))
    raise ImportError("libloyalty (the C library of this package) could not be loaded.\n"
                      "Tried:\n%s\n%s" % ("\n".join(tried), _ADVICE))


lib, path, source = _load()

lib.loy_strerror.argtypes = [c_int]
lib.loy_strerror.restype = c_char_p
lib.loy_error_name.argtypes = [c_int]
lib.loy_error_name.restype = c_char_p


def declare(name: str, restype: Any, argtypes: Sequence[Any],
            errcheck: Optional[Callable[..., Any]] = None) -> Any:
    """Declare one C function once: argtypes, restype and error check.

    Functions returning a status code get the shared error check, which
    turns negative codes into LoyaltyError subclasses.
    """
    try:
        fn = getattr(lib, name)
    except AttributeError:
        raise ImportError("%s (loaded from %s) has no %s: the library is older than this "
                          "binding; point %s at a newer build"
                          % (soname(), path, name, ENV_VAR)) from None
    fn.argtypes = list(argtypes)
    fn.restype = restype
    if errcheck is not None:
        fn.errcheck = errcheck
    return fn
