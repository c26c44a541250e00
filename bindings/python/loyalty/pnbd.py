# SPDX-License-Identifier: MIT
"""Pareto/NBD model (the C ``loy_pnbd_*`` functions).

Purchases at rate lambda ~ Gamma(r, alpha) while alive; lifetime
exponential with rate mu ~ Gamma(s, beta). Parameters in model order
``(r, alpha, s, beta)``; alpha and beta carry the time unit of the data.

Customers are parallel arrays ``x`` (repeat purchases), ``t_x`` (time of
the last one, 0 when x = 0) and ``T`` (time since the first purchase).
Every array argument accepts lists, ``array.array``, ``memoryview`` or
numpy arrays (contiguous float64 numpy arrays are used without copying;
anything else is converted once). Functions given scalars return a float,
given arrays a numpy array (``array.array('d')`` without numpy).
A scalar next to arrays is repeated to their length.

``params`` arguments accept a sequence in model order, a dict keyed by
parameter name, or a fitted ``ParetoNBD``.

Example::

    m = pnbd.ParetoNBD.fit(x, t_x, T)
    m.params        # {'r': 0.55, 'alpha': 10.58, 's': 0.61, 'beta': 11.67}
    m.expected(x, t_x, T, 39)
"""

import ctypes
from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, P
from ._api import api
from ._model import FittedModel, FitOptions, FitReport, PredictOptions, predict_options
from . import _percustomer as _pc
from .bgnbd import _column

PARAM_NAMES = ("r", "alpha", "s", "beta")

PD = _pc.PD
PS = _pc.PS
_COLS = [PD, PD, PD]  # x, t_x, T

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

_loglik = declare("loy_pnbd_loglik", c_int, [PD, PD] + _COLS + [PD, c_size_t, PS])
_loglik_each = declare("loy_pnbd_loglik_each", c_int,
                       [PD, PD] + _COLS + [c_size_t, PD, PS])
_fit_c = declare("loy_pnbd_fit", c_int, [PD] + _COLS + [PD, c_size_t, P(FitOptions),
                                                      P(FitReport), PS])
_score = declare("loy_pnbd_score", c_int,
                 [PD, PD, PD] + _COLS + [c_size_t, c_double, P(PredictOptions), PS])
_palive = declare("loy_pnbd_palive", c_int, [PD, PD] + _COLS + [c_size_t, PS])
_palive_at = declare("loy_pnbd_palive_at", c_int,
                     [PD, PD] + _COLS + [c_size_t, c_double, PS])
_expected = declare("loy_pnbd_expected", c_int,
                    [PD, PD] + _COLS + [c_size_t, c_double, PS])
_expected_new = declare("loy_pnbd_expected_new", c_int, [PD, PD, PD, c_size_t, PS])
_dert = declare("loy_pnbd_dert", c_int, [PD, PD] + _COLS + [c_size_t, c_double, PS])


def _p(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _cols(x: Any, t_x: Any, T: Any) -> _pc.Columns:
    return _pc.customers(("x", "t_x", "T"), (x, t_x, T))


def _horizon(x: Any, t_x: Any, T: Any, t: Any, name: str) -> Any:
    """(t_x, T, t) with ``f(df, 39)`` read as ``f(df, t=39)``."""
    (t_x, T), (t,) = _pc.shift(x, (t_x, T), (t,))
    if t is None:
        raise TypeError("missing %s" % name)
    return t_x, T, float(t)


@api
def loglik(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
           weights: ArrayLike = None) -> float:
    """Sample log-likelihood sum_i w_i ln L_i (full density, no constant dropped).

    ``weights`` (customers per row, or a column name with a DataFrame)
    default to 1 each. Raises BadInputError (naming the bad row) for invalid
    rows and DomainError for a parameter <= 0.
    """
    return _pc.loglik_sum(_loglik, "loy_pnbd_loglik", _p(params), _cols(x, t_x, T),
                          _column(x, weights, "weights"))


@api
def loglik_each(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                grad: bool = False) -> Any:
    """ln L_i of each customer; with ``grad=True`` returns ``(ll, g)`` where
    ``g[i]`` is d ln L_i / d(r, alpha, s, beta) (an n x 4 numpy array)."""
    return _pc.loglik_each(_loglik_each, "loy_pnbd_loglik_each", _p(params),
                           _cols(x, t_x, T), grad, PARAM_NAMES)


@api
def palive(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None) -> Any:
    """Probability that each customer is alive at T."""
    return _pc.call(_palive, "loy_pnbd_palive", _p(params), _cols(x, t_x, T), name="palive")


@api
def palive_at(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
              t: Optional[float] = None) -> Any:
    """Probability that each customer is alive at T + t (t >= 0)."""
    t_x, T, t = _horizon(x, t_x, T, t, "t")
    return _pc.call(_palive_at, "loy_pnbd_palive_at", _p(params), _cols(x, t_x, T), (t,),
                    name="palive")


@api
def expected(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
             t: Optional[float] = None) -> Any:
    """Expected purchases of each customer in (T, T + t] (conditional expectation)."""
    t_x, T, t = _horizon(x, t_x, T, t, "t")
    return _pc.call(_expected, "loy_pnbd_expected", _p(params), _cols(x, t_x, T), (t,),
                    name="expected")


@api
def predict(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            t: Optional[float] = None, threads: int = 1) -> Any:
    """(P(alive), expected purchases in (T, T + t]) of each customer in one
    pass (loy_pnbd_score); threads: POSIX threads to split the customers
    over (the same values for every count; the GIL is released)."""
    t_x, T, t = _horizon(x, t_x, T, t, "t")
    opts = predict_options(threads)
    return _pc.call(_score, "loy_pnbd_score", _p(params), _cols(x, t_x, T),
                    (t, ctypes.byref(opts)), outputs=2, names=("palive", "expected"))


@api
def expected_new(params: Params, t: ArrayLike) -> Any:
    """Expected repeat purchases E[X(t)] of a new customer in (0, t], per horizon t."""
    return _pc.call(_expected_new, "loy_pnbd_expected_new", _p(params), [("t", t)],
                    name="expected_new")


@api
def dert(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
         delta: Optional[float] = None) -> Any:
    """Discounted expected residual transactions with continuous discount rate
    ``delta`` > 0 per time unit (for an annual rate d and k periods a year,
    delta = ln(1 + d) / k). Multiply by the spend per transaction for the CLV."""
    t_x, T, delta = _horizon(x, t_x, T, delta, "delta")
    return _pc.call(_dert, "loy_pnbd_dert", _p(params), _cols(x, t_x, T), (delta,),
                    name="dert")


class ParetoNBD(FittedModel):
    """A Pareto/NBD model: parameters (r, alpha, s, beta) with fit statistics.

    Build it from known parameters, ``ParetoNBD((r, alpha, s, beta))``, or
    by maximum likelihood with ``ParetoNBD.fit``. The prediction methods
    take the customers' (x, t_x, T), or one summary DataFrame, like the
    module functions.
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit(cls, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            weights: ArrayLike = None, penalty: float = 0.0, start: Any = None,
            max_iter: int = 0, gtol: float = 0.0, compress: Optional[bool] = None,
            se: bool = True, threads: int = 1) -> "ParetoNBD":
        """Fit by maximum likelihood (BFGS on log-parameters, analytic gradient).

        ``x, t_x, T`` arrays or one summary DataFrame; ``weights``:
        customers per row (None: 1 each). ``penalty``: L2 penalty;
        ``start``: start point (sequence or dict); ``max_iter``, ``gtol``:
        optimiser limits (0: library defaults); ``compress``: None (library
        decides), True or False to force compressing identical rows;
        ``se=False`` skips the standard errors. Raises NotConvergedError
        (with ``.result``, the model at the best point) when the optimiser
        does not converge.
        """
        cols = _cols(x, t_x, T) + [("weights", _column(x, weights, "weights"))]
        return cls._fit(_fit_c, cols, "loy_pnbd_fit", penalty=penalty, start=start,
                        max_iter=max_iter, gtol=gtol, compress=compress, se=se,
                        threads=threads)

    def loglik_at(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                  weights: ArrayLike = None) -> float:
        """Sample log-likelihood of (other) data at these parameters."""
        return loglik(self, x, t_x, T, weights)

    log_likelihood = loglik_at

    def loglik_each(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                    grad: bool = False) -> Any:
        """ln L_i per customer (and the gradient with ``grad=True``)."""
        return loglik_each(self, x, t_x, T, grad)

    def palive(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None) -> Any:
        """Probability that each customer is alive at T."""
        return palive(self, x, t_x, T)

    def palive_at(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                  t: Optional[float] = None) -> Any:
        """Probability that each customer is alive at T + t."""
        return palive_at(self, x, t_x, T, t)

    def predict(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                t: Optional[float] = None, threads: int = 1) -> Any:
        """(P(alive), expected purchases in (T, T + t]) in one pass."""
        return predict(self, x, t_x, T, t, threads)

    def expected(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                 t: Optional[float] = None) -> Any:
        """Expected purchases of each customer in (T, T + t]."""
        return expected(self, x, t_x, T, t)

    def expected_new(self, t: ArrayLike) -> Any:
        """Expected repeat purchases of a new customer in (0, t]."""
        return expected_new(self, t)

    def dert(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
             delta: Optional[float] = None) -> Any:
        """Discounted expected residual transactions (continuous rate ``delta``)."""
        return dert(self, x, t_x, T, delta)


fit = ParetoNBD.fit
