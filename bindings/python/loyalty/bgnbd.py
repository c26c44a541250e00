# SPDX-License-Identifier: MIT
"""BG/NBD model (Fader, Hardie & Lee 2005), the C ``loy_bgnbd_*`` functions.

While alive a customer buys at rate lambda ~ Gamma(r, alpha) and drops out
after each purchase with probability p ~ Beta(a, b). Customers are
parallel arrays (x, t_x, T) in the caller's time unit: x repeat purchases,
t_x time of the last repeat purchase (0 when x = 0), T time from the first
purchase to the end of observation (see loyalty.clv.summarize).

    model = bgnbd.fit(x, t_x, T)          # BetaGeo, params with se
    model.palive(x, t_x, T)
    model.expected(39, x, t_x, T)         # purchases in (T, T + 39]

Per-customer methods accept sequences (numpy arrays used without copying
when contiguous float64) and return numpy arrays (array.array without
numpy); with plain numbers they return a float.
"""

import ctypes
import math
from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, P
from ._arrays import new_output
from ._api import api
from ._model import FittedModel, FitOptions, FitReport, PredictOptions, predict_options
from ._pandas import is_frame
from . import _percustomer as _pc
from .errors import errcheck, check

PD = P(c_double)
PI = P(c_size_t)

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

_loglik = declare("loy_bgnbd_loglik", c_int, [PD, PD, PD, PD, PD, PD, c_size_t, PI])
_loglik_each = declare("loy_bgnbd_loglik_each", c_int,
                       [PD, PD, PD, PD, PD, c_size_t, PD, PI])
_fit = declare("loy_bgnbd_fit", c_int,
               [PD, PD, PD, PD, PD, c_size_t, P(FitOptions), P(FitReport), PI])
_palive = declare("loy_bgnbd_palive", c_int, [PD, PD, PD, PD, PD, c_size_t, PI])
_expected = declare("loy_bgnbd_expected", c_int,
                    [PD, PD, PD, PD, PD, c_size_t, c_double, PI])
_predict = declare("loy_bgnbd_predict", c_int,
                   [PD, PD, PD, PD, PD, PD, c_size_t, c_double, PI])
_score = declare("loy_bgnbd_score", c_int,
                 [PD, PD, PD, PD, PD, PD, c_size_t, c_double, P(PredictOptions), PI])
_expected_new = declare("loy_bgnbd_expected_new", c_int, [PD, PD, PD, c_size_t, PI])
_pmf = declare("loy_bgnbd_pmf", c_int, [PD, PD, c_double, c_size_t, PI])
_discount_rate = declare("loy_bgnbd_discount_rate", c_int,
                         [PD, c_double, c_double], errcheck)
_clv = declare("loy_bgnbd_clv", c_int,
               [PD, PD, PD, PD, PD, PD, c_size_t, c_double, c_double, PI])
_clv_monthly = declare("loy_bgnbd_clv_monthly", c_int,
                       [PD, PD, PD, PD, PD, PD, c_size_t, c_uint32, c_double,
                        c_double, PI])

PARAM_NAMES = ("r", "alpha", "a", "b")


def _params(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _xtt(x: Any, t_x: Any, T: Any) -> _pc.Columns:
    return _pc.customers(("x", "t_x", "T"), (x, t_x, T))


def _column(data: Any, value: Any, name: str) -> Any:
    """``value`` itself, or the column of that name when ``data`` is a DataFrame."""
    if isinstance(value, str):
        if not is_frame(data):
            raise TypeError("%s=%r names a column: pass a DataFrame as x" % (name, value))
        return data[value]
    return value


@api
def loglik(params: Params, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
           weights: ArrayLike = None) -> float:
    """BG/NBD sample log-likelihood sum_i w_i ln L_i (full density).

    params: (r, alpha, a, b), a dict or a BetaGeo model; customers as
    (x, t_x, T) or one summary DataFrame; weights: customers per row (or a
    column name) or None for 1 each.
    """
    return _pc.loglik_sum(_loglik, "loy_bgnbd_loglik", _params(params), _xtt(x, t_x, T),
                          _column(x, weights, "weights"))


@api
def discount_rate(annual_rate: float, periods_per_year: float) -> float:
    """Continuous discount rate per period: ln(1 + annual_rate) / periods_per_year.

    For weekly data periods_per_year is e.g. 52 (the caller chooses).
    """
    out = c_double()
    _discount_rate(ctypes.byref(out), annual_rate, periods_per_year)
    return out.value


class BetaGeo(FittedModel):
    """A BG/NBD model: parameters (r, alpha, a, b) and predictions.

    Made by :func:`fit` (with standard errors and the fit report, see
    FittedModel) or from known parameters: ``BetaGeo((r, alpha, a, b))``.
    Customers are arrays (x, t_x, T) or one summary DataFrame in place of
    x (columns frequency, recency, T as ``clv.summarize`` returns them);
    pandas input gives Series aligned to its index.
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit(cls, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            weights: ArrayLike = None, penalty: float = 0.0, start: Any = None,
            max_iter: int = 0, gtol: float = 0.0, compress: Optional[bool] = None,
            se: bool = True, threads: int = 1) -> "BetaGeo":
        """Fit by maximum likelihood (BFGS on log-parameters).

        x, t_x, T: arrays, or a summary DataFrame as x; weights: customers
        per row (an array or, with a DataFrame, a column name) or None;
        penalty: L2 penalty (the lifetimes ``penalizer_coef``); start: start
        point (default r = 1, alpha = mean T/(mean x + 1), a = 1, b = 3);
        max_iter, gtol: stopping rule (0: library defaults); compress: None
        (library decides), True/False to force compressing identical rows;
        se: False skips the standard errors; threads: POSIX threads for the
        likelihood sums (the same estimates, bit for bit, for every count).
        Raises BadInputError naming the
        bad row (its label and values) and NotConvergedError (``.result`` =
        model at the best point).
        """
        cols = _xtt(x, t_x, T) + [("weights", _column(x, weights, "weights"))]
        return cls._fit(_fit, cols, "loy_bgnbd_fit", penalty=penalty, start=start,
                        max_iter=max_iter, gtol=gtol, compress=compress, se=se,
                        threads=threads)

    @api
    def log_likelihood(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                       weights: ArrayLike = None) -> float:
        """Sample log-likelihood of these customers under the model."""
        return loglik(self, x, t_x, T, weights)

    @api
    def loglik_each(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                    gradient: bool = False) -> Any:
        """ln L_i per customer; with gradient=True also an n x 4 gradient
        d ln L_i / d(r, alpha, a, b) (a numpy array, a DataFrame for pandas
        input, or a flat array.array of 4n values without numpy): returns
        (loglik, gradient)."""
        return _pc.loglik_each(_loglik_each, "loy_bgnbd_loglik_each", self.param_array,
                               _xtt(x, t_x, T), gradient, PARAM_NAMES)

    @api
    def palive(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None) -> Any:
        """P(alive at T) of each customer (1 when x = 0)."""
        return _pc.call(_palive, "loy_bgnbd_palive", self.param_array, _xtt(x, t_x, T),
                        name="palive")

    @api
    def expected(self, t: float, x: ArrayLike, t_x: ArrayLike = None,
                 T: ArrayLike = None) -> Any:
        """Conditional expected purchases of each customer in (T, T + t]."""
        return _pc.call(_expected, "loy_bgnbd_expected", self.param_array, _xtt(x, t_x, T),
                        (float(t),), name="expected")

    @api
    def predict(self, t: float, x: ArrayLike, t_x: ArrayLike = None,
                T: ArrayLike = None, threads: int = 1) -> Any:
        """(P(alive), expected purchases in (T, T + t]) in one pass;
        threads: POSIX threads to split the customers over (the same
        values for every count; the GIL is released during the call)."""
        if threads == 1:
            return _pc.call(_predict, "loy_bgnbd_predict", self.param_array,
                            _xtt(x, t_x, T), (float(t),), outputs=2,
                            names=("palive", "expected"))
        opts = predict_options(threads)
        return _pc.call(_score, "loy_bgnbd_score", self.param_array, _xtt(x, t_x, T),
                        (float(t), ctypes.byref(opts)), outputs=2,
                        names=("palive", "expected"))

    @api
    def expected_new(self, t: ArrayLike) -> Any:
        """Expected repeat purchases E[X(t)] of a new customer in (0, t];
        t a number (returns a float) or a sequence of horizons."""
        return _pc.call(_expected_new, "loy_bgnbd_expected_new", self.param_array,
                        [("t", t)], name="expected_new")

    @api
    def pmf(self, t: float, n: int) -> Any:
        """P(X(t) = k) for k = 0..n-1: repeat purchases of a new customer in (0, t]."""
        po, out = new_output(int(n), c_double)
        idx = c_size_t()
        check(_pmf(po, self.param_array, float(t), int(n), ctypes.byref(idx)),
              idx.value, "loy_bgnbd_pmf")
        return out

    @api
    def clv(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
            margin: ArrayLike = None, delta: Optional[float] = None,
            horizon: Optional[float] = None, annual_rate: Optional[float] = None,
            periods_per_year: Optional[float] = None) -> Any:
        """Lifetime value with continuous discounting:
        margin_i * integral_0^H e^(-delta t) dCET_i(t).

        margin: value per transaction per customer (e.g. profit margin times
        GammaGamma.expected_spend; with a DataFrame also a column name) or
        None for 1 (the result is then the discounted expected residual
        transactions, DERT). delta: continuous discount rate per time unit,
        or give annual_rate and periods_per_year (see :func:`discount_rate`).
        horizon: H in time units, None for infinite (then delta must be > 0).
        """
        if delta is None:
            if annual_rate is None or periods_per_year is None:
                raise ValueError("give delta, or annual_rate and periods_per_year")
            delta = discount_rate(annual_rate, periods_per_year)
        H = 0.0 if horizon is None or horizon == math.inf else float(horizon)
        cols = _xtt(x, t_x, T) + [("margin", _column(x, margin, "margin"))]
        return _pc.call(_clv, "loy_bgnbd_clv", self.param_array, cols,
                        (float(delta), H), name="clv")

    @api
    def clv_monthly(self, x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None,
                    margin: ArrayLike = None, months: int = 12,
                    monthly_discount: float = 0.01,
                    periods_per_month: Optional[float] = None) -> Any:
        """Lifetime value as a monthly discounted cash flow (lifetimes and
        PyMC-Marketing convention): sum over i = 1..months of
        margin [CET(i f) - CET((i-1) f)] / (1 + monthly_discount)**i.

        periods_per_month f (model time units per month) is required: e.g.
        4.345 for weekly data (lifetimes' freq="W"), 30 for daily data
        (lifetimes' default freq="D").
        """
        if periods_per_month is None:
            raise ValueError("periods_per_month is required (e.g. 4.345 for weeks)")
        cols = _xtt(x, t_x, T) + [("margin", _column(x, margin, "margin"))]
        return _pc.call(_clv_monthly, "loy_bgnbd_clv_monthly", self.param_array, cols,
                        (int(months), float(monthly_discount), float(periods_per_month)),
                        name="clv")


def fit(x: ArrayLike, t_x: ArrayLike = None, T: ArrayLike = None, weights: ArrayLike = None,
        **options: Any) -> BetaGeo:
    """Fit a BG/NBD model; see :meth:`BetaGeo.fit`. Returns a BetaGeo."""
    return BetaGeo.fit(x, t_x, T, weights, **options)
