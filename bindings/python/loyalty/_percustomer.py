# SPDX-License-Identifier: MIT
"""Shared plumbing of the per-customer model functions (Pareto/NBD, MBG/NBD, BG/BB).

Most prediction functions of the lifetime models have one C shape:
``fn(out, params, col_1, ..., col_k, n, extra..., err_index)``. ``call``
converts the columns once (zero-copy for contiguous float64 numpy arrays),
checks their lengths, allocates the output and raises the mapped exception
with the offending index. Scalar columns give a scalar result.
"""

import ctypes
import numbers

from ._lib import c_double, c_size_t, P
from ._arrays import as_input, new_output, same_length
from .errors import check, NO_INDEX

PD = P(c_double)
PS = P(c_size_t)


def params_array(params, names):
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


def _is_scalar(v):
    return isinstance(v, numbers.Real)


def call(fn, where, params_c, columns, extra=()):
    """Run a per-customer C function; columns is a list of (name, data).

    A scalar column is repeated to the length of the first array column.
    Returns a float when every column is a scalar, else a numpy array (or
    array.array without numpy) of one value per row.
    """
    scalar = all(_is_scalar(v) for _, v in columns)
    arrays = [(name, v) for name, v in columns if not _is_scalar(v)]
    width = 1
    if arrays:
        first = arrays[0][1]
        size = getattr(first, "size", None)  # numpy/pandas: all elements
        if isinstance(size, int):
            width = size
        else:
            width = len(first) if hasattr(first, "__len__") else None
    ptrs, keep, lens = [], [], []
    for name, data in columns:
        if _is_scalar(data):
            if width is None:
                raise TypeError("%s: cannot broadcast a scalar against %s"
                                % (name, arrays[0][0]))
            data = [data] * width
        p, n, k = as_input(data, c_double, name)
        ptrs.append(p)
        keep.append(k)
        lens.append((name, n))
    n = same_length(*lens)
    out_p, out = new_output(n, c_double)
    idx = c_size_t(NO_INDEX)
    check(fn(out_p, params_c, *ptrs, n, *extra, ctypes.byref(idx)), idx.value, where)
    return float(out[0]) if scalar else out


def columns(names, values):
    """Pair column names with the caller's data."""
    return list(zip(names, values))


def loglik_sum(fn, where, params_c, cols, weights):
    """Weighted sample log-likelihood through a ``fn(out, params, cols..., w, n, idx)``."""
    ptrs, keep, lens = [], [], []
    for name, data in cols:
        p, n, k = as_input(data, c_double, name)
        ptrs.append(p)
        keep.append(k)
        lens.append((name, n))
    pw, nw, kw = as_input(weights, c_double, "weights")
    if weights is not None:
        lens.append(("weights", nw))
    n = same_length(*lens)
    out = c_double()
    idx = c_size_t(NO_INDEX)
    check(fn(ctypes.byref(out), params_c, *ptrs, pw, n, ctypes.byref(idx)),
          idx.value, where)
    return out.value


def loglik_each(fn, where, params_c, cols, grad):
    """Per-row ln L_i, and with grad=True also d ln L_i / d params (n x k)."""
    ptrs, keep, lens = [], [], []
    for name, data in cols:
        p, n, k = as_input(data, c_double, name)
        ptrs.append(p)
        keep.append(k)
        lens.append((name, n))
    n = same_length(*lens)
    out_p, out = new_output(n, c_double)
    k = len(params_c)
    g_p, g = new_output(k * n, c_double) if grad else (None, None)
    idx = c_size_t(NO_INDEX)
    check(fn(out_p, params_c, *ptrs, n, g_p, ctypes.byref(idx)), idx.value, where)
    if not grad:
        return out
    if hasattr(g, "reshape"):
        g = g.reshape(n, k)
    else:
        g = [list(g[i * k:(i + 1) * k]) for i in range(n)]
    return out, g
