# SPDX-License-Identifier: MIT
"""The ``api`` decorator: errors name the Python function and argument.

A LoyaltyError leaving a public function without a known argument gets
one here: for a NaN or infinite input (LOY_ENONFINITE) the offending
scalar arguments are named; otherwise the error names the Python function
(``clv.multiple``) and lists the scalar arguments it was given, so the
message never shows a C function name. Errors that already name their
argument (per-row errors, see ``_pandas.rows``) pass through untouched.

The wrapper costs one Python call (about 0.1 us) and nothing more unless
an exception passes through it.
"""

import functools
import inspect
import math
from typing import Any, Callable, Dict, TypeVar, cast

from .errors import LoyaltyError, ENONFINITE

F = TypeVar("F", bound=Callable[..., Any])


def _scalars(sig: inspect.Signature, args: Any, kwargs: Any) -> Dict[str, Any]:
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        return {}
    out = {}
    for name, value in bound.arguments.items():
        if name in ("self", "cls"):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = value
    return out


def _blame(exc: LoyaltyError, where: str, sig: inspect.Signature, args: Any,
           kwargs: Any) -> None:
    scalars = _scalars(sig, args, kwargs)
    if exc.code == ENONFINITE:
        bad = [k for k, v in scalars.items() if not math.isfinite(float(v))]
        if bad:
            exc.locate(argument="%s: %s" % (where, ", ".join(bad)))
            return
    detail = exc.detail
    if detail is None and exc.index is None and scalars:
        detail = ", ".join("%s=%.6g" % (k, v) if isinstance(v, float) else "%s=%r" % (k, v)
                           for k, v in scalars.items())
    exc.locate(argument=where, detail=detail)


def api(fn: F) -> F:
    """Decorate a public function (see the module documentation)."""
    module = fn.__module__.split(".", 1)[-1] if fn.__module__.startswith("loyalty.") \
        else fn.__module__
    where = "%s.%s" % (module, fn.__qualname__)
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LoyaltyError as exc:
            if exc.argument is None:
                _blame(exc, where, sig, args, kwargs)
            raise

    return cast(F, wrapper)
