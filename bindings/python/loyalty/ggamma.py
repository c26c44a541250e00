# SPDX-License-Identifier: MIT
"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005), the C ``loy_ggamma_*`` functions.

Transaction values ~ Gamma(p, nu), nu ~ Gamma(q, gamma); parameters
(p, q, gamma) (lifetimes calls gamma "v"). Data: x repeat transactions
(>= 1 for fitting) and m, the mean value of the repeat transactions
(> 0, first purchase excluded). The model assumes spend independent of
frequency: check :func:`correlation` (it should be near 0).
"""

import ctypes

from ._lib import declare, c_int, c_double, c_size_t, P
from ._arrays import new_output
from ._model import FittedModel, FitOptions, FitReport, customer_arrays, unwrap
from .errors import errcheck, check

PD = P(c_double)
PI = P(c_size_t)

_loglik = declare("loy_ggamma_loglik", c_int, [PD, PD, PD, PD, PD, c_size_t, PI])
_fit = declare("loy_ggamma_fit", c_int,
               [PD, PD, PD, PD, c_size_t, P(FitOptions), P(FitReport), PI])
_expected_spend = declare("loy_ggamma_expected_spend", c_int,
                          [PD, PD, PD, PD, c_size_t, PI])
_population_mean = declare("loy_ggamma_population_mean", c_int, [PD, PD], errcheck)
_correlation = declare("loy_ggamma_correlation", c_int, [PD, PD, PD, c_size_t, PI])


def _params(params):
    if isinstance(params, FittedModel):
        return params.param_array
    if isinstance(params, dict):
        params = [params[k] for k in GammaGamma.PARAM_NAMES]
    vals = [float(v) for v in params]
    if len(vals) != 3:
        raise ValueError("Gamma-Gamma needs 3 parameters (p, q, gamma)")
    return (c_double * 3)(*vals)


def loglik(params, x, m, weights=None):
    """Gamma-Gamma sample log-likelihood sum_i w_i ln f(m_i | x_i).

    params: (p, q, gamma), a dict or a GammaGamma model; x >= 1; m > 0.
    """
    (px, pm, pw), n, keep, _ = customer_arrays(("x", x), ("m", m), ("weights", weights))
    out, idx = c_double(), c_size_t()
    check(_loglik(ctypes.byref(out), _params(params), px, pm, pw, n, ctypes.byref(idx)),
          idx.value, "loy_ggamma_loglik")
    return out.value


def correlation(x, m):
    """Pearson correlation of x and m over customers with x >= 1.

    Checks the independence assumption of Gamma-Gamma (should be near 0).
    Raises DomainError (LOY_EDEGENERATE) for fewer than 2 customers or a
    constant variable.
    """
    (px, pm), n, keep, _ = customer_arrays(("x", x), ("m", m))
    out, idx = c_double(), c_size_t()
    check(_correlation(ctypes.byref(out), px, pm, n, ctypes.byref(idx)),
          idx.value, "loy_ggamma_correlation")
    return out.value


class GammaGamma(FittedModel):
    """A Gamma-Gamma spend model: parameters (p, q, gamma).

    Made by :func:`fit` (with standard errors) or from known parameters:
    ``GammaGamma((p, q, gamma))``.
    """

    PARAM_NAMES = ("p", "q", "gamma")

    @classmethod
    def fit(cls, x, m, weights=None, penalty=0.0, start=None, max_iter=0,
            gtol=0.0, compress=None, se=True):
        """Fit by maximum likelihood; pass only customers with x >= 1.

        Default start p = 1, q = 2, gamma = mean m. Options as in
        loyalty.bgnbd.BetaGeo.fit. A fitted q <= 1 means an infinite
        population mean (population_mean then raises DomainError).
        """
        (px, pm, pw), n, keep, _ = customer_arrays(("x", x), ("m", m),
                                                   ("weights", weights))
        return cls._fit(_fit, (px, pm, pw, n), "loy_ggamma_fit", penalty=penalty,
                        start=start, max_iter=max_iter, gtol=gtol,
                        compress=compress, se=se, keepalive=keep)

    def log_likelihood(self, x, m, weights=None):
        """Sample log-likelihood of these customers under the model."""
        return loglik(self, x, m, weights)

    def expected_spend(self, x, m):
        """Conditional expected value per transaction p (gamma + x m)/(p x + q - 1).

        Customers with x = 0 get the population mean (m ignored but must be
        finite).
        """
        (px, pm), n, keep, scalar = customer_arrays(("x", x), ("m", m))
        po, out = new_output(n, c_double)
        idx = c_size_t()
        check(_expected_spend(po, self.param_array, px, pm, n, ctypes.byref(idx)),
              idx.value, "loy_ggamma_expected_spend")
        return unwrap(out, scalar)

    def population_mean(self):
        """Population mean spend per transaction p gamma/(q - 1) (DomainError if q <= 1)."""
        out = c_double()
        _population_mean(ctypes.byref(out), self.param_array)
        return out.value


def fit(x, m, weights=None, **options):
    """Fit a Gamma-Gamma model; see :meth:`GammaGamma.fit`. Returns a GammaGamma."""
    return GammaGamma.fit(x, m, weights, **options)


def population_mean(params):
    """Population mean spend p gamma/(q - 1) for parameters (p, q, gamma)."""
    out = c_double()
    _population_mean(ctypes.byref(out), _params(params))
    return out.value


def expected_spend(params, x, m):
    """Conditional expected spend per transaction for parameters (p, q, gamma)."""
    model = params if isinstance(params, GammaGamma) else GammaGamma(
        list(_params(params)))
    return model.expected_spend(x, m)
