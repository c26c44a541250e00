# SPDX-License-Identifier: MIT
"""Shared pieces of the fitted lifetime models (the C "btyd" section).

Every maximum-likelihood fit of the library (BG/NBD, Gamma-Gamma,
Pareto/NBD, MBG/NBD, BG/BB, sBG) has the same C shape::

    int loy_xxx_fit(double params_out[k], <data arrays...>, size_t n,
                    const loy_fit_options *opts, loy_fit_report *report,
                    size_t *err_index);

This module mirrors ``loy_fit_options`` and ``loy_fit_report``, declares
``loy_fit_options_init``/``loy_fit_report_init``, and provides
``FittedModel``, the base class of the Python model objects:

- ``FittedModel._fit`` runs such a C function (declared WITHOUT the status
  errcheck, so that LOY_ENOCONV can carry the best point) and names the
  argument, row label and values of a bad row in the exception;
- tables for people: ``summary`` (estimate, se, lower, upper), ``conf_int``,
  ``vcov``, ``params_`` (pandas);
- persistence: ``to_json``/``from_json``, ``save``/``load`` and
  :func:`load_model`, plus pickling and equality.
"""

import ctypes
import json
import math
import os
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Tuple, Type, TypeVar, Union

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, c_int32, c_uint64, P
from ._struct import Struct
from ._arrays import as_input, same_length
from ._pandas import pandas, rows, index_of
from . import _percustomer as _pc
from .errors import errcheck, check, ENOCONV, NotConvergedError, error_for

FIT_MAX_PARAMS = 4
FIT_NO_COMPRESS = 0x1
FIT_COMPRESS = 0x2
FIT_NO_SE = 0x4

JSON_FORMAT = "loyalty-model"
JSON_VERSION = 1

M = TypeVar("M", bound="FittedModel")


class FitOptions(Struct):
    """ctypes mirror of ``loy_fit_options``."""
    _fields_ = [("struct_size", c_size_t), ("start", P(c_double)),
                ("penalty", c_double), ("gtol", c_double),
                ("max_iter", c_uint32), ("flags", c_uint32),
                ("max_evals", c_uint32), ("threads", c_uint32)]


class PredictOptions(Struct):
    """ctypes mirror of ``loy_predict_options`` (1.1)."""
    _fields_ = [("struct_size", c_size_t), ("threads", c_uint32), ("flags", c_uint32)]


def predict_options(threads: int = 1) -> Any:
    """A ``loy_predict_options`` struct for the batched predictions."""
    threads = int(threads)
    if threads < 1:
        raise ValueError("threads must be >= 1, not %r" % (threads,))
    return PredictOptions.new(threads=threads, flags=0)


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


def fit_options(penalty: float = 0.0, start: Optional[Sequence[float]] = None,
                max_iter: int = 0, gtol: float = 0.0, compress: Optional[bool] = None,
                se: bool = True, threads: int = 1) -> Tuple[Any, Any]:
    """Build a ``loy_fit_options`` struct (and a keepalive for ``start``).

    penalty: L2 penalty coefficient (>= 0, the lifetimes package's
    ``penalizer_coef``); start: start point in model order or None for the
    model's default; max_iter: iteration cap (0: 500); gtol: convergence
    tolerance on the log-parameter gradient (0: 1e-9); compress: None lets
    the library decide, True/False forces compressing identical rows or not;
    se: False skips the standard errors; threads: POSIX threads for the
    likelihood sums (the estimates are the same bytes for every count).
    Returns (options, keepalive).
    """
    threads = int(threads)
    if threads < 1:
        raise ValueError("threads must be >= 1, not %r" % (threads,))
    opts = FitOptions()
    _options_init(ctypes.byref(opts))
    opts.struct_size = ctypes.sizeof(FitOptions)
    opts.threads = threads
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


def _z(level: float) -> float:
    from .stats import normal_quantile
    if not 0.0 < level < 1.0:
        raise ValueError("level must be in (0, 1), not %r" % (level,))
    return normal_quantile(0.5 + level / 2.0)


def _nan_to_none(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _none_to_nan(v: Any) -> Any:
    return float("nan") if v is None else v


_REGISTRY: Dict[str, Type["FittedModel"]] = {}


class FittedModel:
    """Base of the fitted lifetime models.

    Subclasses set ``PARAM_NAMES`` (the C parameter order). Attributes:

    - ``params``: dict name -> estimate, in model order (``params_``: the
      same as a pandas Series);
    - ``se``: dict name -> standard error (NaN when skipped or singular);
    - ``cov``: covariance matrix of the parameters (numpy array when numpy
      is installed, else a list of lists; None when not fitted); ``vcov()``
      is the labelled DataFrame;
    - ``loglik``: sample log-likelihood at the estimate (without penalty);
    - ``grad_norm``, ``iterations``, ``evaluations``: optimiser report;
    - ``n_customers`` (sum of weights), ``n_rows`` (patterns fitted);
    - ``converged``: False only for the best point of a failed fit (found
      in ``NotConvergedError.result``);
    - ``summary``: DataFrame with estimate, se, lower, upper (95% Wald);
      ``conf_int(level)`` and ``summary_frame(level)`` for other levels.

    ``loglik`` is the fit statistic (an attribute); subclasses name the
    method that evaluates the likelihood of data ``log_likelihood``.

    A model can also be made from known parameters without fitting:
    ``Model(params)`` with a sequence in model order or a dict; the fit
    statistics are then None. Models pickle, compare equal when their
    parameters and fit statistics are equal, and save to JSON
    (``save``/``load``, :func:`loyalty.load_model`).
    """

    PARAM_NAMES: ClassVar[Tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    def __init__(self, params: Union[Sequence[float], Dict[str, float]],
                 report: Any = None, converged: bool = True) -> None:
        names = self.PARAM_NAMES
        if isinstance(params, dict):
            values = [float(params[k]) for k in names]
        else:
            values = [float(v) for v in params]
        if names and len(values) != len(names):
            raise ValueError("%s needs %d parameters (%s), got %d"
                             % (type(self).__name__, len(names),
                                ", ".join(names), len(values)))
        self.params: Dict[str, float] = dict(zip(names, values))
        self.converged = bool(converged)
        self._data: Any = None
        k = len(values)
        if report is None:
            self.se: Dict[str, float] = dict((nm, float("nan")) for nm in names)
            self.cov: Any = None
            self.loglik: Optional[float] = None
            self.grad_norm: Optional[float] = None
            self.iterations: Optional[int] = None
            self.evaluations: Optional[int] = None
            self.n_customers: Optional[float] = None
            self.n_rows: Optional[int] = None
            return
        self.se = dict((nm, report.se[i]) for i, nm in enumerate(names))
        self.cov = self._matrix([[report.cov[i * k + j] for j in range(k)] for i in range(k)])
        self.loglik = report.loglik
        self.grad_norm = report.grad_norm
        self.iterations = int(report.iterations)
        self.evaluations = int(report.evaluations)
        self.n_customers = report.n_customers
        self.n_rows = int(report.n_rows)

    @staticmethod
    def _matrix(rows_: List[List[float]]) -> Any:
        try:
            import numpy
            return numpy.array(rows_, dtype=float)
        except ImportError:
            return rows_

    # ---------------------------------------------------------- parameters

    @property
    def param_array(self) -> Any:
        """The parameters as a ctypes double array in model order (for C calls)."""
        vals = list(self.params.values())
        return (c_double * len(vals))(*vals)

    @property
    def values(self) -> Tuple[float, ...]:
        """The parameters as a tuple in model order."""
        return tuple(self.params.values())

    @property
    def params_(self) -> Any:
        """The parameters as a pandas Series (index: parameter names)."""
        return pandas().Series(self.params, name="estimate", dtype=float)

    # -------------------------------------------------------------- tables

    def vcov(self) -> Any:
        """Covariance matrix of the parameters as a labelled DataFrame
        (NaN when the fit skipped the standard errors or was not run)."""
        pd = pandas()
        names = list(self.PARAM_NAMES)
        cov = self.cov
        if cov is None:
            cov = [[float("nan")] * len(names) for _ in names]
        return pd.DataFrame(cov, index=names, columns=names, dtype=float)

    def conf_int(self, level: float = 0.95) -> Any:
        """Wald intervals estimate -/+ z se at ``level`` (z the normal
        quantile, 1.959964 at 95%) as a DataFrame with columns lower, upper."""
        pd = pandas()
        z = _z(level)
        names = list(self.PARAM_NAMES)
        lo = [self.params[n] - z * self.se[n] for n in names]
        hi = [self.params[n] + z * self.se[n] for n in names]
        return pd.DataFrame({"lower": lo, "upper": hi}, index=names)

    def summary_frame(self, level: float = 0.95) -> Any:
        """DataFrame with columns estimate, se, lower, upper (Wald at ``level``)."""
        pd = pandas()
        names = list(self.PARAM_NAMES)
        ci = self.conf_int(level)
        return pd.DataFrame({"estimate": [self.params[n] for n in names],
                             "se": [self.se[n] for n in names],
                             "lower": ci["lower"].to_numpy(),
                             "upper": ci["upper"].to_numpy()}, index=names)

    @property
    def summary(self) -> Any:
        """DataFrame with columns estimate, se, lower, upper (95% Wald
        intervals), one row per parameter: lifetimes' ``summary``."""
        return self.summary_frame(0.95)

    # ----------------------------------------------------------- persisting

    def to_dict(self) -> Dict[str, Any]:
        """Everything needed to rebuild the model, JSON-compatible (NaN -> None)."""
        from ._version import __version__
        cov = self.cov
        if cov is not None:
            cov = [[_nan_to_none(float(v)) for v in row] for row in cov]
        return {"format": JSON_FORMAT, "format_version": JSON_VERSION,
                "model": type(self).__name__, "loyalty_version": __version__,
                "params": dict(self.params),
                "se": {k: _nan_to_none(v) for k, v in self.se.items()},
                "cov": cov, "loglik": _nan_to_none(self.loglik),
                "grad_norm": _nan_to_none(self.grad_norm), "iterations": self.iterations,
                "evaluations": self.evaluations, "n_customers": self.n_customers,
                "n_rows": self.n_rows, "converged": self.converged}

    @classmethod
    def from_dict(cls: Type[M], d: Dict[str, Any]) -> M:
        """Rebuild a model from :meth:`to_dict` output (the class must match)."""
        if d.get("format") != JSON_FORMAT:
            raise ValueError("not a saved loyalty model (format %r)" % (d.get("format"),))
        if int(d.get("format_version", 0)) > JSON_VERSION:
            raise ValueError("saved by a newer loyalty (format version %s)"
                             % d.get("format_version"))
        target = _REGISTRY.get(str(d.get("model")))
        if target is None:
            raise ValueError("unknown model %r" % (d.get("model"),))
        if not issubclass(target, cls):
            raise TypeError("the file holds a %s, not a %s" % (target.__name__, cls.__name__))
        m = target(d["params"], converged=bool(d.get("converged", True)))
        m.se = {k: float(_none_to_nan(d.get("se", {}).get(k))) for k in target.PARAM_NAMES}
        if d.get("cov") is not None:
            m.cov = m._matrix([[float(_none_to_nan(v)) for v in row] for row in d["cov"]])
        for key in ("loglik", "grad_norm", "n_customers"):
            v = d.get(key)
            setattr(m, key, None if v is None else float(v))
        for key in ("iterations", "evaluations", "n_rows"):
            v = d.get(key)
            setattr(m, key, None if v is None else int(v))
        return m

    def to_json(self, **kwargs: Any) -> str:
        """The model as JSON text (strict JSON: NaN written as null)."""
        kwargs.setdefault("indent", 2)
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    @classmethod
    def from_json(cls: Type[M], text: str) -> M:
        """Rebuild a model from :meth:`to_json` text."""
        return cls.from_dict(json.loads(text))

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write the model to ``path`` as JSON."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())
            f.write("\n")

    @classmethod
    def load(cls: Type[M], path: Union[str, "os.PathLike[str]"]) -> M:
        """Read a model written by :meth:`save`."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_data"] = None  # the caller's fit data is not part of the model
        return state

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        a, b = self.to_dict(), other.to_dict()  # type: ignore[attr-defined]
        return a == b

    __hash__ = None  # type: ignore[assignment]

    # -------------------------------------------------------------- fitting

    @classmethod
    def _fit(cls: Type[M], fn: Any, columns: _pc.Columns, where: str, penalty: float = 0.0,
             start: Any = None, max_iter: int = 0, gtol: float = 0.0,
             compress: Optional[bool] = None, se: bool = True, threads: int = 1,
             ctype_columns: Optional[Dict[str, Any]] = None, **model_kwargs: Any) -> M:
        """Run a C fit ``fn(params_out, *cols, n, &opts, &report, &idx)``.

        ``columns``: (name, data) pairs in the C order, None for NULL
        (weights). ``ctype_columns`` maps a column name to a non-double
        ctypes type (sBG censoring flags). Returns ``cls(params, report,
        **model_kwargs)``. Raises the mapped LoyaltyError on failure (naming
        the columns, the row label and values); on LOY_ENOCONV raises
        NotConvergedError whose ``.result`` is the model at the best point
        found (``converged`` False).
        """
        k = len(cls.PARAM_NAMES)
        if start is not None:
            if isinstance(start, dict):
                start = [start[nm] for nm in cls.PARAM_NAMES]
            if len(start) != k:
                raise ValueError("start needs %d values" % k)
        opts, keep = fit_options(penalty, start, max_iter, gtol, compress, se, threads)
        report = FitReport()
        _report_init(ctypes.byref(report))
        out = (c_double * k)()
        idx = c_size_t()
        index = index_of(*columns)
        with rows(columns, index):
            ptrs: List[Any] = []
            lens: List[Tuple[str, int]] = []
            keepalive: List[Any] = []
            for name, data in columns:
                if data is None:
                    ptrs.append(None)
                    continue
                ctype = (ctype_columns or {}).get(name, c_double)
                p, n, kk = as_input(data, ctype, name)
                ptrs.append(p)
                keepalive.append(kk)
                lens.append((name, n))
            n = same_length(*lens)
            rc = fn(out, *ptrs, n, ctypes.byref(opts), ctypes.byref(report),
                    ctypes.byref(idx))
            if rc == ENOCONV:
                best = cls(list(out), report, converged=False, **model_kwargs)
                raise NotConvergedError(rc, idx.value, where, result=best)
            check(rc, idx.value, where)
        model = cls(list(out), report, **model_kwargs)
        model._data = (columns, index)
        return model

    # ------------------------------------------------------------ printing

    def __repr__(self) -> str:
        def one(nm: str) -> str:
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

    def _repr_html_(self) -> Optional[str]:
        """Notebooks: the summary table with a caption."""
        try:
            html = self.summary.to_html(float_format=lambda v: "%.6g" % v)
        except ImportError:
            return None
        cap = "<p><b>%s</b>" % type(self).__name__
        if self.loglik is not None:
            cap += ": log-likelihood %.6g, %s customers" % (self.loglik,
                                                            "%.6g" % (self.n_customers or 0))
        return cap + "</p>" + str(html)


def load_model(source: Union[str, "os.PathLike[str]"]) -> FittedModel:
    """A model saved with ``save`` (a path) or ``to_json`` (JSON text)."""
    text = os.fspath(source)
    if isinstance(text, str) and text.lstrip().startswith("{"):
        return FittedModel.from_json(text)
    return FittedModel.load(text)


def _is_scalar(obj: Any) -> bool:
    return isinstance(obj, (int, float)) or (
        hasattr(obj, "ndim") and getattr(obj, "ndim") == 0)


def customer_arrays(*pairs: Tuple[str, Any], ctype: Any = c_double) -> Tuple[Any, int, Any, bool]:
    """Convert parallel per-customer inputs to C arrays of one length.

    ``pairs`` are (name, value) with value a sequence (list, array.array,
    memoryview, numpy array: contiguous float64 numpy arrays are used
    without copying) or a plain number; None passes NULL. Returns
    (pointers, n, keepalive, scalar) where ``scalar`` is True when every
    non-None value was a plain number (callers then return a float).
    Raises ValueError when the lengths differ.
    """
    ptrs: List[Any] = []
    keep: List[Any] = []
    lengths: List[Tuple[str, int]] = []
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


def unwrap(arr: Any, scalar: bool) -> Any:
    """Return ``arr[0]`` as a float when ``scalar``, else the array."""
    return float(arr[0]) if scalar else arr
