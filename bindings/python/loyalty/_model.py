# SPDX-License-Identifier: MIT
"""Shared pieces of the fitted lifetime models (the C "btyd" section).

Every maximum-likelihood fit of the library (BG/NBD, Gamma-Gamma,
Pareto/NBD, MBG/NBD, BG/BB, sBG) has the same C shape::

    int loy_xxx_fit(double params_out[k], <data arrays...>, size_t n,
                    const loy_fit_options *opts, loy_fit_report *report,
                    size_t *err_index);

This module mirrors ``loy_fit_options`` and ``loy_fit_report``, declares
``loy_fit_options_init``/``loy_fit_report_init``, and provides
``FittedModel``, the base class of the Python model objects, with
``FittedModel._fit`` running such a C function.

Writing a model (e.g. Pareto/NBD)::

    # the C fit function, declared (once, in the model's module) through
    # _lib.declare with argtypes [PD, PD, PD, PD, PD, c_size_t,
    # P(FitOptions), P(FitReport), P(c_size_t)], restype c_int and
    # WITHOUT errcheck:
    _fit_c = ...

    class ParetoNBD(FittedModel):
        PARAM_NAMES = ("r", "alpha", "s", "beta")

        @classmethod
        def fit(cls, x, t_x, T, weights=None, **options):
            ...convert arrays with _arrays.as_input...
            return cls._fit(_fit_c, (px, pt, pT, pw, n), "loy_pnbd_fit",
                            keepalive=(kx, kt, kT, kw), **options)

The fit function must be declared WITHOUT the status errcheck: ``_fit``
inspects the status itself so that LOY_ENOCONV can carry the best point.
"""

import ctypes
import math

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_int32, c_uint64, P
from ._struct import Struct
from ._arrays import as_input, same_length
from .errors import errcheck, check, ENOCONV, NotConvergedError

FIT_MAX_PARAMS = 4
FIT_NO_COMPRESS = 0x1
FIT_COMPRESS = 0x2
FIT_NO_SE = 0x4


class FitOptions(Struct):
    """ctypes mirror of ``loy_fit_options``."""
    _fields_ = [("struct_size", c_size_t), ("start", P(c_double)),
                ("penalty", c_double), ("gtol", c_double),
                ("max_iter", c_uint32), ("flags", c_uint32)]


class FitReport(Struct):
    """ctypes mirror of ``loy_fit_report``."""
    _fields_ = [("struct_size", c_size_t), ("status", c_int32),
                ("n_params", c_uint32),
                ("params", c_double * FIT_MAX_PARAMS),
                ("se", c_double * FIT_MAX_PARAMS),
                ("cov", c_double * (FIT_MAX_PARAMS * FIT_MAX_PARAMS)),
                ("loglik", c_double), ("grad_norm", c_double),
                ("n_customers", c_double), ("n_rows", c_uint64),
                ("iterations", c_uint32), ("evaluations", c_uint32)]


_options_init = declare("loy_fit_options_init", c_int, [P(FitOptions)], errcheck)
_report_init = declare("loy_fit_report_init", c_int, [P(FitReport)], errcheck)


def fit_options(penalty=0.0, start=None, max_iter=0, gtol=0.0, compress=None,
                se=True):
    """Build a ``loy_fit_options`` struct (and a keepalive for ``start``).

    penalty: L2 penalty coefficient (>= 0, the lifetimes package's
    ``penalizer_coef``); start: start point in model order or None for the
    model's default; max_iter: iteration cap (0: 500); gtol: convergence
    tolerance on the log-parameter gradient (0: 1e-9); compress: None lets
    the library decide, True/False forces compressing identical rows or not;
    se: False skips the standard errors. Returns (options, keepalive).
    """
    opts = FitOptions()
    _options_init(ctypes.byref(opts))
    opts.penalty = float(penalty)
    opts.gtol = float(gtol)
    opts.max_iter = int(max_iter)
    flags = 0
    if compress is True:
        flags |= FIT_COMPRESS
    elif compress is False:
        flags |= FIT_NO_COMPRESS
    if not se:
        flags |= FIT_NO_SE
    opts.flags = flags
    keep = None
    if start is not None:
        keep = (c_double * len(start))(*[float(v) for v in start])
        opts.start = ctypes.cast(keep, P(c_double))
    return opts, keep



class FittedModel:
    """Base of the fitted lifetime models.

    Subclasses set ``PARAM_NAMES`` (the C parameter order). Attributes:

    - ``params``: dict name -> estimate, in model order;
    - ``se``: dict name -> standard error (NaN when skipped or singular);
    - ``cov``: covariance matrix of the parameters (numpy array when numpy
      is installed, else a list of lists; NaN when not available);
    - ``loglik``: sample log-likelihood at the estimate (without penalty);
    - ``grad_norm``, ``iterations``, ``evaluations``: optimiser report;
    - ``n_customers`` (sum of weights), ``n_rows`` (patterns fitted);
    - ``converged``: False only for the best point of a failed fit (found
      in ``NotConvergedError.result``).

    ``loglik`` is the fit statistic (an attribute); subclasses name the
    method that evaluates the likelihood of data ``log_likelihood``.

    A model can also be made from known parameters without fitting:
    ``Model(params)`` with a sequence in model order or a dict; the fit
    statistics are then None.
    """

    PARAM_NAMES = ()

    def __init__(self, params, report=None, converged=True):
        names = self.PARAM_NAMES
        if isinstance(params, dict):
            values = [float(params[k]) for k in names]
        else:
            values = [float(v) for v in params]
        if names and len(values) != len(names):
            raise ValueError("%s needs %d parameters (%s), got %d"
                             % (type(self).__name__, len(names),
                                ", ".join(names), len(values)))
        self.params = dict(zip(names, values))
        self.converged = bool(converged)
        k = len(values)
        if report is None:
            self.se = dict((nm, float("nan")) for nm in names)
            self.cov = None
            self.loglik = self.grad_norm = None
            self.iterations = self.evaluations = None
            self.n_customers = self.n_rows = None
            return
        self.se = dict((nm, report.se[i]) for i, nm in enumerate(names))
        cov = [[report.cov[i * k + j] for j in range(k)] for i in range(k)]
        try:
            import numpy
            cov = numpy.array(cov)
        except ImportError:
            pass
        self.cov = cov
        self.loglik = report.loglik
        self.grad_norm = report.grad_norm
        self.iterations = int(report.iterations)
        self.evaluations = int(report.evaluations)
        self.n_customers = report.n_customers
        self.n_rows = int(report.n_rows)

    @property
    def param_array(self):
        """The parameters as a ctypes double array in model order (for C calls)."""
        vals = list(self.params.values())
        return (c_double * len(vals))(*vals)

    @property
    def values(self):
        """The parameters as a tuple in model order."""
        return tuple(self.params.values())

    @classmethod
    def _fit(cls, fn, data_args, where, penalty=0.0, start=None, max_iter=0,
             gtol=0.0, compress=None, se=True, keepalive=None, **model_kwargs):
        """Run a C fit ``fn(params_out, *data_args, &opts, &report, &idx)``.

        Returns ``cls(params, report, **model_kwargs)``. Raises the mapped
        LoyaltyError on failure (with ``.index`` when the library reported
        one); on LOY_ENOCONV raises NotConvergedError whose ``.result`` is
        the model at the best point found (``converged`` False).
        ``keepalive`` is ignored: pass the converted arrays to keep them
        alive for the duration of the call.
        """
        k = len(cls.PARAM_NAMES)
        if start is not None:
            if isinstance(start, dict):
                start = [start[nm] for nm in cls.PARAM_NAMES]
            if len(start) != k:
                raise ValueError("start needs %d values" % k)
        opts, keep = fit_options(penalty, start, max_iter, gtol, compress, se)
        report = FitReport()
        _report_init(ctypes.byref(report))
        out = (c_double * k)()
        idx = c_size_t()
        rc = fn(out, *data_args, ctypes.byref(opts), ctypes.byref(report),
                ctypes.byref(idx))
        del keep, keepalive
        if rc == ENOCONV:
            best = cls(list(out), report, converged=False, **model_kwargs)
            raise NotConvergedError(rc, idx.value, where, result=best)
        check(rc, idx.value, where)
        return cls(list(out), report, **model_kwargs)

    def __repr__(self):
        def one(nm):
            v, s = self.params[nm], self.se.get(nm)
            if s is None or (isinstance(s, float) and math.isnan(s)):
                return "%s=%.6g" % (nm, v)
            return "%s=%.6g (se %.3g)" % (nm, v, s)
        body = ", ".join(one(nm) for nm in self.params)
        if self.loglik is not None:
            body += ", loglik=%.6g" % self.loglik
            if self.n_customers is not None:
                body += ", n=%.6g" % self.n_customers
        if not self.converged:
            body += ", converged=False"
        return "%s(%s)" % (type(self).__name__, body)


def _is_scalar(obj):
    return isinstance(obj, (int, float)) or (
        hasattr(obj, "ndim") and getattr(obj, "ndim") == 0)


def customer_arrays(*pairs, ctype=c_double):
    """Convert parallel per-customer inputs to C arrays of one length.

    ``pairs`` are (name, value) with value a sequence (list, array.array,
    memoryview, numpy array: contiguous float64 numpy arrays are used
    without copying) or a plain number; None passes NULL. Returns
    (pointers, n, keepalive, scalar) where ``scalar`` is True when every
    non-None value was a plain number (callers then return a float).
    Raises ValueError when the lengths differ.
    """
    ptrs, keep, lengths = [], [], []
    scalar = True
    for name, value in pairs:
        if value is None:
            ptrs.append(None)
            continue
        if _is_scalar(value):
            value = [float(value)]
        else:
            scalar = False
        p, n, k = as_input(value, ctype, name)
        ptrs.append(p)
        keep.append(k)
        lengths.append((name, n))
    n = same_length(*lengths)
    return ptrs, n, keep, scalar and bool(lengths)


def unwrap(arr, scalar):
    """Return ``arr[0]`` as a float when ``scalar``, else the array."""
    return float(arr[0]) if scalar else arr
