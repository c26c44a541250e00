# SPDX-License-Identifier: MIT
"""Shared plumbing of the per-customer model functions (every lifetime model).

The prediction functions of the lifetime models have one C shape:
``fn(out..., params, col_1, ..., col_k, n, extra..., err_index)``. ``call``
converts the columns once (zero-copy for contiguous float64 numpy arrays
and float64 pandas columns), checks their lengths, allocates the outputs
and raises the mapped exception naming the argument, the row label and the
row's values. Scalar columns give a scalar result; pandas columns give a
Series on their index.

Customers may also be given as one summary DataFrame in place of the
first column (``customers``): its columns are found by name, e.g.
``frequency, recency, T`` (lifetimes' names, what ``clv.summarize``
returns), ``x, t_x, T`` or ``frequency_cal, recency_cal, T_cal``.
"""

import ctypes
import numbers
from typing import Any, List, Optional, Sequence, Tuple

from ._lib import c_double, c_size_t, P
from ._arrays import as_input, new_output, same_length, _np
from ._pandas import (index_of, is_frame, is_series, column_names, rows, wrap)
from .errors import check, NO_INDEX

PD = P(c_double)
PS = P(c_size_t)

Columns = List[Tuple[str, Any]]

# Column names accepted for (x, t_x, T) in a summary DataFrame.
XTT_COLUMNS = (("frequency", "recency", "T"), ("x", "t_x", "T"),
               ("frequency_cal", "recency_cal", "T_cal"))


def params_array(params: Any, names: Sequence[str]) -> Any:
    """A C double array of the parameters in model order.

    ``params`` may be a sequence in model order, a dict keyed by ``names``,
    or a fitted model (anything with a ``params`` attribute).
    """
    if hasattr(params, "params"):
        params = params.params
    if isinstance(params, dict):
        try:
            values = [params[k] for k in names]
        except KeyError as exc:
            raise ValueError("missing parameter %s (need %s)"
                             % (exc, ", ".join(names))) from None
    else:
        values = [float(v) for v in params]
    if len(values) != len(names):
        raise ValueError("expected %d parameters (%s), got %d"
                         % (len(names), ", ".join(names), len(values)))
    return (c_double * len(names))(*values)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, numbers.Real) or (hasattr(v, "ndim") and getattr(v, "ndim") == 0)


def _display(name: str, value: Any) -> str:
    """Argument name for messages: ``t_x`` or ``t_x (recency)`` for a named Series."""
    label = getattr(value, "name", None) if is_series(value) else None
    if isinstance(label, str) and label != name:
        return "%s (%s)" % (name, label)
    return name


def customers(argnames: Sequence[str], values: Sequence[Any],
              alternatives: Sequence[Sequence[str]] = XTT_COLUMNS) -> Columns:
    """(name, data) columns from either arrays or one summary DataFrame.

    ``values[0]`` may be a DataFrame holding every column (the others must
    then be None); otherwise every value must be given. Names in the result
    are what error messages show: the DataFrame's column names, or the
    argument names.
    """
    first = values[0]
    if is_frame(first):
        if any(v is not None for v in values[1:]):
            raise TypeError("give either a summary DataFrame or the columns %s, not both"
                            % ", ".join(argnames))
        names = column_names(first, alternatives)
        if names is None:
            raise KeyError("the DataFrame needs the columns %s (has %s)"
                           % (" or ".join("(" + ", ".join(a) + ")" for a in alternatives),
                              ", ".join(map(str, first.columns))))
        return [(n, first[n]) for n in names]
    missing = [n for n, v in zip(argnames, values) if v is None]
    if missing:
        raise TypeError("missing %s: give %s (or one summary DataFrame with columns %s)"
                        % (", ".join(missing), ", ".join(argnames),
                           " or ".join("(" + ", ".join(a) + ")" for a in alternatives)))
    return [(_display(n, v), v) for n, v in zip(argnames, values)]


def shift(x: Any, given: Sequence[Any], extra: Sequence[Any]) -> Tuple[List[Any], List[Any]]:
    """Let ``f(df, 39)`` mean ``f(df, t=39)`` for ``f(x, t_x, T, t)``.

    With a DataFrame as ``x`` the column arguments ``given`` are absent, so
    positional values the caller passed in their place belong to the
    arguments after them (``extra``, in order, None when not given).
    """
    given, extra = list(given), list(extra)
    if is_frame(x):
        spill = [v for v in given if v is not None]
        if spill and all(_is_scalar(v) for v in spill):
            free = [i for i, v in enumerate(extra) if v is None]
            for i, v in zip(free, spill):
                extra[i] = v
            given = [None] * len(given)
    return given, extra


def _width(columns: Columns) -> Optional[int]:
    for _, v in columns:
        if v is None or _is_scalar(v):
            continue
        size = getattr(v, "size", None)  # numpy/pandas: all elements
        if isinstance(size, int):
            return size
        return len(v) if hasattr(v, "__len__") else None
    return 1


def convert(columns: Columns) -> Tuple[List[Any], int, List[Any], bool]:
    """(pointers, n, keepalive, scalar): every non-None column as a C array.

    A scalar next to arrays is repeated to their length; None passes NULL.
    """
    present = [(n, v) for n, v in columns if v is not None]
    scalar = bool(present) and all(_is_scalar(v) for _, v in present)
    width = _width(columns)
    ptrs: List[Any] = []
    keep: List[Any] = []
    lens = []
    for name, data in columns:
        if data is None:
            ptrs.append(None)
            continue
        if _is_scalar(data):
            if width is None:
                raise TypeError("%s: cannot repeat a number to the length of the other "
                                "arguments" % name)
            data = (_np.full(width, float(data)) if _np is not None
                    else [float(data)] * width)
        p, n, k = as_input(data, c_double, name)
        ptrs.append(p)
        keep.append(k)
        lens.append((name, n))
    return ptrs, same_length(*lens), keep, scalar


def call(fn: Any, where: str, params_c: Any, columns: Columns, extra: Sequence[Any] = (),
         outputs: int = 1, name: Optional[str] = None, names: Sequence[str] = ()) -> Any:
    """Run a per-customer C function ``fn(out..., params, cols..., n, extra..., idx)``.

    Returns one result per output: a float when every column is a scalar,
    a Series on the columns' index when they are pandas objects, else a
    numpy array (array.array without numpy). ``name``/``names`` name the
    Series.
    """
    index = index_of(*columns)
    with rows(columns, index):
        ptrs, n, keep, scalar = convert(columns)
        outs = [new_output(n, c_double) for _ in range(outputs)]
        idx = c_size_t(NO_INDEX)
        check(fn(*[p for p, _ in outs], params_c, *ptrs, n, *extra, ctypes.byref(idx)),
              idx.value, where)
    labels: List[Optional[str]] = list(names) or [name] * outputs
    res = [float(o[0]) if scalar else wrap(o, index, lab) for (_, o), lab in zip(outs, labels)]
    return res[0] if outputs == 1 else tuple(res)


def columns(names: Sequence[str], values: Sequence[Any]) -> Columns:
    """Pair column names with the caller's data."""
    return list(zip(names, values))


def loglik_sum(fn: Any, where: str, params_c: Any, cols: Columns, weights: Any) -> float:
    """Weighted sample log-likelihood through a ``fn(out, params, cols..., w, n, idx)``."""
    allcols = cols + [("weights", weights)]
    with rows(allcols, index_of(*allcols)):
        ptrs, n, keep, _ = convert(allcols)
        out = c_double()
        idx = c_size_t(NO_INDEX)
        check(fn(ctypes.byref(out), params_c, *ptrs, n, ctypes.byref(idx)), idx.value, where)
    return out.value


def loglik_each(fn: Any, where: str, params_c: Any, cols: Columns, grad: bool,
                param_names: Sequence[str] = ()) -> Any:
    """Per-row ln L_i, and with grad=True also d ln L_i / d params (n x k:
    a DataFrame for pandas input, else a numpy array)."""
    index = index_of(*cols)
    with rows(cols, index):
        ptrs, n, keep, scalar = convert(cols)
        out_p, out = new_output(n, c_double)
        k = len(params_c)
        g_p, g = new_output(k * n, c_double) if grad else (None, [])
        idx = c_size_t(NO_INDEX)
        check(fn(out_p, params_c, *ptrs, n, g_p, ctypes.byref(idx)), idx.value, where)
    ll = float(out[0]) if scalar else wrap(out, index, "loglik")
    if not grad:
        return ll
    if hasattr(g, "reshape"):
        g = g.reshape(n, k)
        if index is not None:
            from ._pandas import pandas
            g = pandas().DataFrame(g, index=index, columns=list(param_names) or None)
    else:
        g = [list(g[i * k:(i + 1) * k]) for i in range(n)]
    return ll, g
