# SPDX-License-Identifier: MIT
"""Shifted-beta-geometric (sBG) contractual retention model (the C ``loy_sbg_*`` functions).

Each customer cancels at each renewal with a probability theta ~
Beta(alpha, beta); parameters in model order ``(alpha, beta)``. Periods
are counted from acquisition at t = 0; the lifetime T >= 1 is the renewal
at which the customer leaves, S(t) = P(T > t).

Arrays may be lists, ``array.array``, ``memoryview`` or numpy arrays
(contiguous float64 numpy arrays are not copied; others are converted
once); curves come back as numpy arrays (``array.array('d')`` without
numpy). ``params`` arguments accept a sequence ``(alpha, beta)``, a dict,
or a fitted ``SBG``.

Example (Fader & Hardie's "regular" cohort, percent still active)::

    m = sbg.fit_cohort([100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1])
    m.params             # {'alpha': 0.704, 'beta': 1.182}
    m.project(5, active=24.1, age=7)
"""

import ctypes
from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, c_uint32, P
from ._model import FittedModel, FitOptions, FitReport
from ._arrays import as_input, new_output, same_length
from .errors import errcheck, check, NO_INDEX
from . import _percustomer as _pc
from ._api import api
from ._pandas import rows, index_of

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

PARAM_NAMES = ("alpha", "beta")

PD = _pc.PD
PS = _pc.PS

_fit_cohort = declare("loy_sbg_fit_cohort", c_int,
                      [PD, PD, c_size_t, P(FitOptions), P(FitReport), PS])
_fit_tenures = declare("loy_sbg_fit_tenures", c_int,
                       [PD, PD, P(c_int), PD, c_size_t, P(FitOptions), P(FitReport), PS])
_loglik_cohort = declare("loy_sbg_loglik_cohort", c_int, [PD, PD, PD, c_size_t, PS])
_survival = declare("loy_sbg_survival", c_int, [PD, c_size_t, PD], errcheck)
_retention = declare("loy_sbg_retention", c_int, [PD, c_size_t, PD], errcheck)
_churn_pmf = declare("loy_sbg_churn_pmf", c_int, [PD, c_size_t, PD], errcheck)
_project = declare("loy_sbg_project", c_int,
                   [PD, c_size_t, PD, c_double, c_double], errcheck)
_del = declare("loy_sbg_del", c_int, [PD, PD, c_double], errcheck)
_derl = declare("loy_sbg_derl", c_int, [PD, PD, c_double, c_uint32], errcheck)


def _p(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _curve(fn: Any, params: Params, length: int, *extra: Any) -> Any:
    length = int(length)
    if length < 0:
        raise ValueError("length must be >= 0")
    out_p, out = new_output(length, c_double)
    fn(out_p, length, _p(params), *extra)
    return out


@api
def loglik_cohort(params: Params, survivors: ArrayLike) -> float:
    """Cohort log-likelihood sum_t lost_t ln P(T = t) + s_K ln S(K).

    ``survivors[t]`` is the number (or share) still active at t = 0..K.
    Raises BadInputError with ``.index`` for an increasing, negative or NaN
    value.
    """
    with rows([("survivors", survivors)], index_of(("survivors", survivors))):
        ps, n, keep = as_input(survivors, c_double, "survivors")
        out = c_double()
        idx = c_size_t(NO_INDEX)
        check(_loglik_cohort(ctypes.byref(out), _p(params), ps, n, ctypes.byref(idx)),
              idx.value, "loy_sbg_loglik_cohort")
    return out.value


@api
def survival(params: Params, length: int) -> Any:
    """Survival curve S(0) = 1, S(1), ..., S(length - 1)."""
    return _curve(_survival, params, length)


@api
def retention(params: Params, length: int) -> Any:
    """Retention rates r_1, ..., r_length with r_t = S(t) / S(t - 1)."""
    return _curve(_retention, params, length)


@api
def churn_pmf(params: Params, length: int) -> Any:
    """Churn distribution P(T = 1), ..., P(T = length)."""
    return _curve(_churn_pmf, params, length)


@api
def project(params: Params, length: int, active: float, age: float = 0) -> Any:
    """Expected survivors at age + 1, ..., age + length of a cohort that has
    ``active`` customers (or a share) ``age`` whole periods after acquisition."""
    return _curve(_project, params, length, float(active), float(age))


@api
def del_(params: Params, d: float) -> float:
    """Discounted expected lifetime DEL(d) = sum_{t>=0} S(t) / (1 + d)^t.

    E(CLV) = margin * DEL. d = 0 with alpha <= 1 (infinite lifetime) raises
    DomainError.
    """
    out = c_double()
    _del(ctypes.byref(out), _p(params), float(d))
    return out.value


@api
def derl(params: Params, d: float, n: int = 1) -> float:
    """Discounted expected residual lifetime of a customer who has renewed
    n - 1 times (n >= 1); the upcoming payment counts undiscounted.
    d = 0 with alpha <= 1 raises DomainError."""
    out = c_double()
    _derl(ctypes.byref(out), _p(params), float(d), int(n))
    return out.value


class SBG(FittedModel):
    """An sBG model: parameters (alpha, beta) with fit statistics.

    Build it from known parameters, ``SBG((alpha, beta))``, or fit it with
    ``SBG.fit_cohort`` (a survival curve) or ``SBG.fit_tenures``
    (individual tenures with censoring).
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit_cohort(cls, survivors: ArrayLike, penalty: float = 0.0, start: Any = None,
                   max_iter: int = 0, gtol: float = 0.0, se: bool = True) -> "SBG":
        """Fit to a cohort's survival curve by maximum likelihood.

        ``survivors[t]``: customers still active at t = 0..K as counts,
        fractions or percentages (the estimate does not depend on the
        scale; the reported loglik does). Raises DomainError when nobody
        was lost or nobody renewed (no finite maximum), NotConvergedError
        with ``.result`` when the optimiser does not converge.
        """
        return cls._fit(_fit_cohort, [("survivors", survivors)], "loy_sbg_fit_cohort",
                        penalty=penalty, start=start, max_iter=max_iter, gtol=gtol, se=se)

    @classmethod
    @api
    def fit_tenures(cls, tenure: ArrayLike, censored: ArrayLike, weights: ArrayLike = None,
                    penalty: float = 0.0, start: Any = None, max_iter: int = 0,
                    gtol: float = 0.0, compress: Optional[bool] = None,
                    se: bool = True) -> "SBG":
        """Fit to individual tenures with right censoring.

        ``tenure[i]``: whole periods; ``censored[i]``: 0 when the customer
        churned at renewal ``tenure[i]`` (>= 1), 1 when still active after
        ``tenure[i]`` renewals. ``weights``: customers per row (None: 1 each).
        """
        cols = [("tenure", tenure), ("censored", censored), ("weights", weights)]
        return cls._fit(_fit_tenures, cols, "loy_sbg_fit_tenures", penalty=penalty,
                        start=start, max_iter=max_iter, gtol=gtol, compress=compress,
                        se=se, ctype_columns={"censored": c_int})

    def loglik_cohort(self, survivors: ArrayLike) -> float:
        """Cohort log-likelihood at these parameters."""
        return loglik_cohort(self, survivors)

    def survival(self, length: int) -> Any:
        """Survival curve S(0..length-1)."""
        return survival(self, length)

    def retention(self, length: int) -> Any:
        """Retention rates r_1..r_length."""
        return retention(self, length)

    def churn_pmf(self, length: int) -> Any:
        """P(T = 1..length)."""
        return churn_pmf(self, length)

    def project(self, length: int, active: float, age: float = 0) -> Any:
        """Expected survivors over the next ``length`` periods."""
        return project(self, length, active, age)

    def del_(self, d: float) -> float:
        """Discounted expected lifetime at discount rate d per period."""
        return del_(self, d)

    def derl(self, d: float, n: int = 1) -> float:
        """Discounted expected residual lifetime before renewal decision n."""
        return derl(self, d, n)


fit_cohort = SBG.fit_cohort
fit_tenures = SBG.fit_tenures
