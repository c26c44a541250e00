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

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, P
from ._arrays import new_output
from ._model import FittedModel, FitOptions, FitReport, customer_arrays, unwrap
from .errors import errcheck, check

PD = P(c_double)
PI = P(c_size_t)

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
_expected_new = declare("loy_bgnbd_expected_new", c_int, [PD, PD, PD, c_size_t, PI])
_pmf = declare("loy_bgnbd_pmf", c_int, [PD, PD, c_double, c_size_t, PI])
_discount_rate = declare("loy_bgnbd_discount_rate", c_int,
                         [PD, c_double, c_double], errcheck)
_clv = declare("loy_bgnbd_clv", c_int,
               [PD, PD, PD, PD, PD, PD, c_size_t, c_double, c_double, PI])
_clv_monthly = declare("loy_bgnbd_clv_monthly", c_int,
                       [PD, PD, PD, PD, PD, PD, c_size_t, c_uint32, c_double,
                        c_double, PI])


def _call(fn, where, *args):
    idx = c_size_t()
    check(fn(*args, ctypes.byref(idx)), idx.value, where)


def _params(params):
    if isinstance(params, FittedModel):
        return params.param_array
    if isinstance(params, dict):
        params = [params[k] for k in BetaGeo.PARAM_NAMES]
    vals = [float(v) for v in params]
    if len(vals) != 4:
        raise ValueError("BG/NBD needs 4 parameters (r, alpha, a, b)")
    return (c_double * 4)(*vals)


def loglik(params, x, t_x, T, weights=None):
    """BG/NBD sample log-likelihood sum_i w_i ln L_i (full density).

    params: (r, alpha, a, b), a dict or a BetaGeo model; weights: customers
    per row or None for 1 each.
    """
    (px, pt, pT, pw), n, keep, _ = customer_arrays(
        ("x", x), ("t_x", t_x), ("T", T), ("weights", weights))
    out = c_double()
    _call(_loglik, "loy_bgnbd_loglik", ctypes.byref(out), _params(params),
          px, pt, pT, pw, n)
    return out.value


def discount_rate(annual_rate, periods_per_year):
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
    """

    PARAM_NAMES = ("r", "alpha", "a", "b")

    @classmethod
    def fit(cls, x, t_x, T, weights=None, penalty=0.0, start=None, max_iter=0,
            gtol=0.0, compress=None, se=True):
        """Fit by maximum likelihood (BFGS on log-parameters).

        weights: customers per row (or None); penalty: L2 penalty (the
        lifetimes ``penalizer_coef``); start: start point (default r = 1,
        alpha = mean T/(mean x + 1), a = 1, b = 3); max_iter, gtol: stopping
        rule (0: library defaults); compress: None (library decides),
        True/False to force compressing identical rows; se: False skips the
        standard errors. Raises BadInputError (with ``.index``) on bad rows
        and NotConvergedError (``.result`` = model at the best point).
        """
        (px, pt, pT, pw), n, keep, _ = customer_arrays(
            ("x", x), ("t_x", t_x), ("T", T), ("weights", weights))
        return cls._fit(_fit, (px, pt, pT, pw, n), "loy_bgnbd_fit",
                        penalty=penalty, start=start, max_iter=max_iter,
                        gtol=gtol, compress=compress, se=se, keepalive=keep)

    def log_likelihood(self, x, t_x, T, weights=None):
        """Sample log-likelihood of these customers under the model."""
        return loglik(self, x, t_x, T, weights)

    def loglik_each(self, x, t_x, T, gradient=False):
        """ln L_i per customer; with gradient=True also an n x 4 gradient
        d ln L_i / d(r, alpha, a, b) (a numpy array, or a flat array.array
        of 4n values without numpy): returns (loglik, gradient)."""
        (px, pt, pT), n, keep, scalar = customer_arrays(("x", x), ("t_x", t_x), ("T", T))
        po, out = new_output(n, c_double)
        pg, grad = new_output(4 * n, c_double) if gradient else (None, None)
        _call(_loglik_each, "loy_bgnbd_loglik_each", po, self.param_array,
              px, pt, pT, n, pg)
        if not gradient:
            return unwrap(out, scalar)
        if hasattr(grad, "reshape"):
            grad = grad.reshape(n, 4)
        return unwrap(out, scalar), grad

    def palive(self, x, t_x, T):
        """P(alive at T) of each customer (1 when x = 0)."""
        (px, pt, pT), n, keep, scalar = customer_arrays(("x", x), ("t_x", t_x), ("T", T))
        po, out = new_output(n, c_double)
        _call(_palive, "loy_bgnbd_palive", po, self.param_array, px, pt, pT, n)
        return unwrap(out, scalar)

    def expected(self, t, x, t_x, T):
        """Conditional expected purchases of each customer in (T, T + t]."""
        (px, pt, pT), n, keep, scalar = customer_arrays(("x", x), ("t_x", t_x), ("T", T))
        po, out = new_output(n, c_double)
        _call(_expected, "loy_bgnbd_expected", po, self.param_array, px, pt, pT, n,
              float(t))
        return unwrap(out, scalar)

    def predict(self, t, x, t_x, T):
        """(P(alive), expected purchases in (T, T + t]) in one pass."""
        (px, pt, pT), n, keep, scalar = customer_arrays(("x", x), ("t_x", t_x), ("T", T))
        pa, alive = new_output(n, c_double)
        pc, cet = new_output(n, c_double)
        _call(_predict, "loy_bgnbd_predict", pa, pc, self.param_array, px, pt, pT,
              n, float(t))
        return unwrap(alive, scalar), unwrap(cet, scalar)

    def expected_new(self, t):
        """Expected repeat purchases E[X(t)] of a new customer in (0, t];
        t a number (returns a float) or a sequence of horizons."""
        (pt,), n, keep, scalar = customer_arrays(("t", t))
        po, out = new_output(n, c_double)
        _call(_expected_new, "loy_bgnbd_expected_new", po, self.param_array, pt, n)
        return unwrap(out, scalar)

    def pmf(self, t, n):
        """P(X(t) = k) for k = 0..n-1: repeat purchases of a new customer in (0, t]."""
        po, out = new_output(int(n), c_double)
        _call(_pmf, "loy_bgnbd_pmf", po, self.param_array, float(t), int(n))
        return out

    def clv(self, x, t_x, T, margin=None, delta=None, horizon=None,
            annual_rate=None, periods_per_year=None):
        """Lifetime value with continuous discounting:
        margin_i * integral_0^H e^(-delta t) dCET_i(t).

        margin: value per transaction per customer (e.g. profit margin times
        GammaGamma.expected_spend) or None for 1 (the result is then the
        discounted expected residual transactions, DERT). delta: continuous
        discount rate per time unit, or give annual_rate and
        periods_per_year (see :func:`discount_rate`). horizon: H in time
        units, None for infinite (then delta must be > 0).
        """
        if delta is None:
            if annual_rate is None or periods_per_year is None:
                raise ValueError("give delta, or annual_rate and periods_per_year")
            delta = discount_rate(annual_rate, periods_per_year)
        H = 0.0 if horizon is None or horizon == math.inf else float(horizon)
        (px, pt, pT, pm), n, keep, scalar = customer_arrays(
            ("x", x), ("t_x", t_x), ("T", T), ("margin", margin))
        po, out = new_output(n, c_double)
        _call(_clv, "loy_bgnbd_clv", po, self.param_array, px, pt, pT, pm, n,
              float(delta), H)
        return unwrap(out, scalar)

    def clv_monthly(self, x, t_x, T, margin=None, months=12, monthly_discount=0.01,
                    periods_per_month=None):
        """Lifetime value as a monthly discounted cash flow (lifetimes and
        PyMC-Marketing convention): sum over i = 1..months of
        margin [CET(i f) - CET((i-1) f)] / (1 + monthly_discount)**i.

        periods_per_month f (model time units per month) is required: e.g.
        365.25/84 = 4.348 for weekly data, 30 for daily data.
        """
        if periods_per_month is None:
            raise ValueError("periods_per_month is required (e.g. 4.348 for weeks)")
        (px, pt, pT, pm), n, keep, scalar = customer_arrays(
            ("x", x), ("t_x", t_x), ("T", T), ("margin", margin))
        po, out = new_output(n, c_double)
        _call(_clv_monthly, "loy_bgnbd_clv_monthly", po, self.param_array, px, pt,
              pT, pm, n, int(months), float(monthly_discount),
              float(periods_per_month))
        return unwrap(out, scalar)


def fit(x, t_x, T, weights=None, **options):
    """Fit a BG/NBD model; see :meth:`BetaGeo.fit`. Returns a BetaGeo."""
    return BetaGeo.fit(x, t_x, T, weights, **options)
