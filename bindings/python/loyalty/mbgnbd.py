# SPDX-License-Identifier: MIT
"""MBG/NBD model (the C ``loy_mbgnbd_*`` functions).

Modified BG/NBD (Batislam, Denizel & Filiztekin 2007): purchases at rate
lambda ~ Gamma(r, alpha) while alive; the customer drops out at time 0 and
after each purchase with probability p ~ Beta(a, b). Parameters in model
order ``(r, alpha, a, b)``.

Customers are parallel arrays ``x`` (repeat purchases), ``t_x`` (time of
the last one, 0 when x = 0) and ``T`` (time since the first purchase).
Arrays may be lists, ``array.array``, ``memoryview`` or numpy arrays
(contiguous float64 numpy arrays are not copied; others are converted
once). Scalars in give a float out, arrays a numpy array
(``array.array('d')`` without numpy).
A scalar next to arrays is repeated to their length. ``params`` arguments accept a
sequence in model order, a dict, or a fitted ``MBGNBD``.
"""

import ctypes
from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, P
from ._api import api
from ._model import FittedModel, FitOptions, FitReport, PredictOptions, predict_options
from . import _percustomer as _pc
from .bgnbd import _column
from .pnbd import _horizon

PARAM_NAMES = ("r", "alpha", "a", "b")

PD = _pc.PD
PS = _pc.PS
_COLS = [PD, PD, PD]  # x, t_x, T

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

_loglik = declare("loy_mbgnbd_loglik", c_int, [PD, PD] + _COLS + [PD, c_size_t, PS])
_loglik_each = declare("loy_mbgnbd_loglik_each", c_int,
                       [PD, PD] + _COLS + [c_size_t, PD, PS])
_fit_c = declare("loy_mbgnbd_fit", c_int, [PD] + _COLS + [PD, c_size_t, P(FitOptions),
                                                        P(FitReport), PS])
_score = declare("loy_mbgnbd_score", c_int,
                 [PD, PD, PD] + _COLS + [c_size_t, c_double, P(PredictOptions), PS])
_palive = declare("loy_mbgnbd_palive", c_int, [PD, PD] + _COLS + [c_size_t, PS])
_expected = declare("loy_mbgnbd_expected", c_int,
                    [PD, PD] + _COLS + [c_size_t, c_double, PS])
_expected_new = declare("loy_mbgnbd_expected_new", c_int, [PD, PD, PD, c_size_t, PS])


def _p(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _cols(x: Any, t_x: Any, T: Any) -> _pc.Columns:
    return _pc.customers(("x", "t_x", "T"), (x, t_x, T))


@api
def loglik(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
           weights: ArrayLike = None) -> float:
    """Sample log-likelihood sum_i w_i ln L_i; ``weights`` default to 1 each.

    Invalid rows raise BadInputError naming the row; a parameter <= 0
    raises DomainError.
    """
    return _pc.loglik_sum(_loglik, "loy_mbgnbd_loglik", _p(params), _cols(x, t_x, T),
                          _column(x, weights, "weights"))


@api
def loglik_each(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                grad: bool = False) -> Any:
    """ln L_i of each customer; with ``grad=True`` returns ``(ll, g)`` where
    ``g[i]`` is d ln L_i / d(r, alpha, a, b) (an n x 4 numpy array)."""
    return _pc.loglik_each(_loglik_each, "loy_mbgnbd_loglik_each", _p(params),
                           _cols(x, t_x, T), grad, PARAM_NAMES)


@api
def palive(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None) -> Any:
    """Probability that each customer is alive at T (below 1 also for x = 0)."""
    return _pc.call(_palive, "loy_mbgnbd_palive", _p(params), _cols(x, t_x, T),
                    name="palive")


@api
def expected(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
             t: Optional[float] = None) -> Any:
    """Expected purchases of each customer in (T, T + t].

    May raise NotConvergedError when t is much larger than alpha + T.
    """
    t_x, T, t = _horizon(x, t_x, T, t, "t")
    return _pc.call(_expected, "loy_mbgnbd_expected", _p(params), _cols(x, t_x, T), (t,),
                    name="expected")


@api
def predict(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            t: Optional[float] = None, threads: int = 1) -> Any:
    """(P(alive), expected purchases in (T, T + t]) of each customer in one
    pass (loy_mbgnbd_score); threads: POSIX threads to split the customers
    over (the same values for every count; the GIL is released)."""
    t_x, T, t = _horizon(x, t_x, T, t, "t")
    opts = predict_options(threads)
    return _pc.call(_score, "loy_mbgnbd_score", _p(params), _cols(x, t_x, T),
                    (t, ctypes.byref(opts)), outputs=2, names=("palive", "expected"))


@api
def expected_new(params: Params, t: ArrayLike) -> Any:
    """Expected repeat purchases E[X(t)] of a new customer, per horizon t."""
    return _pc.call(_expected_new, "loy_mbgnbd_expected_new", _p(params), [("t", t)],
                    name="expected_new")


class MBGNBD(FittedModel):
    """An MBG/NBD model: parameters (r, alpha, a, b) with fit statistics.

    Build it from known parameters, ``MBGNBD((r, alpha, a, b))``, or by
    maximum likelihood with ``MBGNBD.fit``.
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit(cls, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            weights: ArrayLike = None, penalty: float = 0.0, start: Any = None,
            max_iter: int = 0, gtol: float = 0.0, compress: Optional[bool] = None,
            se: bool = True, threads: int = 1) -> "MBGNBD":
        """Fit by maximum likelihood (analytic gradient).

        Options as for ``pnbd.ParetoNBD.fit``: weights per row, L2
        ``penalty``, ``start``, ``max_iter``, ``gtol``, ``compress``, ``se``.
        Raises NotConvergedError with ``.result`` (the best point) when the
        optimiser does not converge.
        """
        cols = _cols(x, t_x, T) + [("weights", _column(x, weights, "weights"))]
        return cls._fit(_fit_c, cols, "loy_mbgnbd_fit", penalty=penalty, start=start,
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


fit = MBGNBD.fit
