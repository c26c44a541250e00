# SPDX-License-Identifier: MIT
"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005), the C ``loy_ggamma_*`` functions.

Transaction values ~ Gamma(p, nu), nu ~ Gamma(q, gamma); parameters
(p, q, gamma) (lifetimes calls gamma "v"). Data: x repeat transactions
(>= 1 for fitting) and m, the mean value of the repeat transactions
(> 0, first purchase excluded). The model assumes spend independent of
frequency: check :func:`correlation` (it should be near 0).
"""

import ctypes
from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, P
from ._api import api
from ._model import FittedModel, FitOptions, FitReport
from ._pandas import is_frame
from . import _percustomer as _pc
from .errors import errcheck, check

PD = P(c_double)
PI = P(c_size_t)

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

PARAM_NAMES = ("p", "q", "gamma")
# Column names accepted for (x, m) in a summary DataFrame.
XM_COLUMNS = (("frequency", "monetary_value"), ("x", "monetary"), ("x", "m"),
              ("frequency_cal", "monetary_value_cal"))

_loglik = declare("loy_ggamma_loglik", c_int, [PD, PD, PD, PD, PD, c_size_t, PI])
_fit = declare("loy_ggamma_fit", c_int,
               [PD, PD, PD, PD, c_size_t, P(FitOptions), P(FitReport), PI])
_expected_spend = declare("loy_ggamma_expected_spend", c_int,
                          [PD, PD, PD, PD, c_size_t, PI])
_population_mean = declare("loy_ggamma_population_mean", c_int, [PD, PD], errcheck)
_correlation = declare("loy_ggamma_correlation", c_int, [PD, PD, PD, c_size_t, PI])


def _params(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _xm(x: Any, m: Any) -> _pc.Columns:
    return _pc.customers(("x", "m"), (x, m), XM_COLUMNS)


def _weights(x: Any, weights: Any) -> Any:
    if isinstance(weights, str):
        if not is_frame(x):
            raise TypeError("weights=%r names a column: pass a DataFrame as x" % weights)
        return x[weights]
    return weights


@api
def loglik(params: Params, x: ArrayLike, m: ArrayLike = None,
           weights: ArrayLike = None) -> float:
    """Gamma-Gamma sample log-likelihood sum_i w_i ln f(m_i | x_i).

    params: (p, q, gamma), a dict or a GammaGamma model; x >= 1; m > 0
    (or one DataFrame with frequency and monetary_value).
    """
    return _pc.loglik_sum(_loglik, "loy_ggamma_loglik", _params(params), _xm(x, m),
                          _weights(x, weights))


@api
def correlation(x: ArrayLike, m: ArrayLike = None) -> float:
    """Pearson correlation of x and m over customers with x >= 1.

    Checks the independence assumption of Gamma-Gamma (should be near 0).
    Raises DomainError (LOY_EDEGENERATE) for fewer than 2 customers or a
    constant variable.
    """
    cols = _xm(x, m)
    with _pc.rows(cols, _pc.index_of(*cols)):
        (px, pm), n, keep, _ = _pc.convert(cols)
        out, idx = c_double(), c_size_t()
        check(_correlation(ctypes.byref(out), px, pm, n, ctypes.byref(idx)),
              idx.value, "loy_ggamma_correlation")
    return out.value


class GammaGamma(FittedModel):
    """A Gamma-Gamma spend model: parameters (p, q, gamma).

    Made by :func:`fit` (with standard errors) or from known parameters:
    ``GammaGamma((p, q, gamma))``. lifetimes calls gamma "v".
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit(cls, x: ArrayLike, m: ArrayLike = None, weights: ArrayLike = None,
            penalty: float = 0.0, start: Any = None, max_iter: int = 0, gtol: float = 0.0,
            compress: Optional[bool] = None, se: bool = True) -> "GammaGamma":
        """Fit by maximum likelihood; pass only customers with x >= 1.

        x, m: arrays, or one DataFrame (columns frequency, monetary_value or
        x, monetary). Default start p = 1, q = 2, gamma = mean m. Options as
        in loyalty.bgnbd.BetaGeo.fit. A fitted q <= 1 means an infinite
        population mean (population_mean then raises DomainError).
        """
        cols = _xm(x, m) + [("weights", _weights(x, weights))]
        return cls._fit(_fit, cols, "loy_ggamma_fit", penalty=penalty, start=start,
                        max_iter=max_iter, gtol=gtol, compress=compress, se=se)

    @api
    def log_likelihood(self, x: ArrayLike, m: ArrayLike = None,
                       weights: ArrayLike = None) -> float:
        """Sample log-likelihood of these customers under the model."""
        return loglik(self, x, m, weights)

    @api
    def expected_spend(self, x: ArrayLike, m: ArrayLike = None) -> Any:
        """Conditional expected value per transaction p (gamma + x m)/(p x + q - 1)
        (lifetimes' ``conditional_expected_average_profit``).

        Customers with x = 0 get the population mean (m ignored but must be
        finite).
        """
        return _pc.call(_expected_spend, "loy_ggamma_expected_spend", self.param_array,
                        _xm(x, m), name="expected_spend")

    @api
    def population_mean(self) -> float:
        """Population mean spend per transaction p gamma/(q - 1) (DomainError if q <= 1)."""
        out = c_double()
        _population_mean(ctypes.byref(out), self.param_array)
        return out.value


def fit(x: ArrayLike, m: ArrayLike = None, weights: ArrayLike = None,
        **options: Any) -> GammaGamma:
    """Fit a Gamma-Gamma model; see :meth:`GammaGamma.fit`. Returns a GammaGamma."""
    return GammaGamma.fit(x, m, weights, **options)


@api
def population_mean(params: Params) -> float:
    """Population mean spend p gamma/(q - 1) for parameters (p, q, gamma)."""
    out = c_double()
    _population_mean(ctypes.byref(out), _params(params))
    return out.value


@api
def expected_spend(params: Params, x: ArrayLike, m: ArrayLike = None) -> Any:
    """Conditional expected spend per transaction for parameters (p, q, gamma)."""
    model = params if isinstance(params, GammaGamma) else GammaGamma(list(_params(params)))
    return model.expected_spend(x, m)
