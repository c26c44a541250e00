# SPDX-License-Identifier: MIT
"""BG/BB model (the C ``loy_bgbb_*`` functions).

Beta-geometric/beta-Bernoulli (Fader, Hardie & Shang 2010) for purchases at
discrete opportunities (yearly donations, events). A customer, or a pattern
of customers, is ``(x, t_x, n_opp)``: transactions, last opportunity with a
transaction (0 if none) and number of opportunities, all whole numbers.
Parameters in model order ``(alpha, beta, gamma, delta)``: the transaction
probability of a live customer is Beta(alpha, beta), the dropout
probability per opportunity Beta(gamma, delta).

Arrays may be lists, ``array.array``, ``memoryview`` or numpy arrays
(contiguous float64 numpy arrays are not copied; others are converted
once). Scalars in give a float out, arrays a numpy array
(``array.array('d')`` without numpy).
A scalar next to arrays is repeated to their length. ``params`` arguments accept a
sequence in model order, a dict, or a fitted ``BGBB``.

Example (the donations data as patterns with counts)::

    m = bgbb.BGBB.fit(x, t_x, n_opp, weights=count)
    m.palive(x, t_x, n_opp)          # P(alive at the next opportunity)
"""

from typing import Any, Dict, Optional, Sequence, Union

from ._lib import declare, c_int, c_double, c_size_t, P
from ._api import api
from ._model import FittedModel, FitOptions, FitReport
from . import _percustomer as _pc
from .bgnbd import _column

PARAM_NAMES = ("alpha", "beta", "gamma", "delta")
# Column names accepted for (x, t_x, n_opp) in a DataFrame (lifetimes'
# BetaGeoBetaBinomFitter names first).
XTN_COLUMNS = (("frequency", "recency", "n_periods"), ("x", "t_x", "n_opp"),
               ("x", "t_x", "n"))

PD = _pc.PD
PS = _pc.PS
_COLS = [PD, PD, PD]  # x, t_x, n_opp

ArrayLike = Any
Params = Union[Sequence[float], Dict[str, float], FittedModel]

_loglik = declare("loy_bgbb_loglik", c_int, [PD, PD] + _COLS + [PD, c_size_t, PS])
_fit_c = declare("loy_bgbb_fit", c_int, [PD] + _COLS + [PD, c_size_t, P(FitOptions),
                                                      P(FitReport), PS])
_palive = declare("loy_bgbb_palive", c_int, [PD, PD] + _COLS + [c_size_t, c_double, PS])
_expected = declare("loy_bgbb_expected", c_int,
                    [PD, PD] + _COLS + [c_size_t, c_double, PS])
_expected_new = declare("loy_bgbb_expected_new", c_int, [PD, PD, PD, c_size_t, PS])
_pmf = declare("loy_bgbb_pmf", c_int, [PD, PD, PD, PD, c_size_t, PS])
_dert = declare("loy_bgbb_dert", c_int, [PD, PD] + _COLS + [c_size_t, c_double, PS])


def _p(params: Params) -> Any:
    return _pc.params_array(params, PARAM_NAMES)


def _cols(x: Any, t_x: Any, n_opp: Any) -> _pc.Columns:
    return _pc.customers(("x", "t_x", "n_opp"), (x, t_x, n_opp), XTN_COLUMNS)


def _extra(x: Any, t_x: Any, n_opp: Any, value: Any, name: str, default: Any = None) -> Any:
    (t_x, n_opp), (value,) = _pc.shift(x, (t_x, n_opp), (value,))
    if value is None:
        if default is None:
            raise TypeError("missing %s" % name)
        value = default
    return t_x, n_opp, float(value)


@api
def loglik(params: Params, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
           weights: ArrayLike = None) -> float:
    """Sample log-likelihood sum_i w_i ln L_i; ``weights`` are the pattern
    counts (None: 1 each; a column name with a DataFrame). Invalid rows
    raise BadInputError naming the row."""
    return _pc.loglik_sum(_loglik, "loy_bgbb_loglik", _p(params), _cols(x, t_x, n_opp),
                          _column(x, weights, "weights"))


@api
def palive(params: Params, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
           m: Optional[float] = None) -> Any:
    """P(alive at opportunity n_opp + m); m = 1 (default) is the usual P(alive),
    m = 0 the probability of being alive at the last observed opportunity."""
    t_x, n_opp, m_ = _extra(x, t_x, n_opp, m, "m", 1.0)
    return _pc.call(_palive, "loy_bgbb_palive", _p(params), _cols(x, t_x, n_opp), (m_,),
                    name="palive")


@api
def expected(params: Params, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
             n_star: Optional[float] = None) -> Any:
    """Expected transactions over the next ``n_star`` opportunities given each
    customer's history (conditional expectation)."""
    t_x, n_opp, ns = _extra(x, t_x, n_opp, n_star, "n_star")
    return _pc.call(_expected, "loy_bgbb_expected", _p(params), _cols(x, t_x, n_opp), (ns,),
                    name="expected")


@api
def expected_new(params: Params, n_opp: ArrayLike) -> Any:
    """E[X(n)]: expected transactions of a new customer over its first n opportunities."""
    return _pc.call(_expected_new, "loy_bgbb_expected_new", _p(params),
                    [("n_opp", n_opp)], name="expected_new")


@api
def pmf(params: Params, n_opp: ArrayLike, x: ArrayLike) -> Any:
    """P(X(n) = x) for each (n_opp, x) pair: a new customer transacts at
    exactly x of its first n opportunities (0 where x > n)."""
    return _pc.call(_pmf, "loy_bgbb_pmf", _p(params), [("n_opp", n_opp), ("x", x)],
                    name="pmf")


@api
def dert(params: Params, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
         d: Optional[float] = None) -> Any:
    """Discounted expected residual transactions: future opportunities
    discounted by (1 + d)^-k. d = 0 needs gamma > 1 (else DomainError)."""
    t_x, n_opp, d_ = _extra(x, t_x, n_opp, d, "d")
    return _pc.call(_dert, "loy_bgbb_dert", _p(params), _cols(x, t_x, n_opp), (d_,),
                    name="dert")


class BGBB(FittedModel):
    """A BG/BB model: parameters (alpha, beta, gamma, delta) with fit statistics.

    Build it from known parameters, ``BGBB((alpha, beta, gamma, delta))``,
    or by maximum likelihood with ``BGBB.fit``.
    """

    PARAM_NAMES = PARAM_NAMES

    @classmethod
    @api
    def fit(cls, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
            weights: ArrayLike = None, penalty: float = 0.0, start: Any = None,
            max_iter: int = 0, gtol: float = 0.0, compress: Optional[bool] = None,
            se: bool = True) -> "BGBB":
        """Fit by maximum likelihood on rows or (x, t_x, n) patterns with counts.

        ``weights``: customers per row (the pattern counts; None: 1 each;
        a column name with a DataFrame). ``penalty``, ``start``,
        ``max_iter``, ``gtol``, ``compress``, ``se`` as for the other
        models. Raises NotConvergedError with ``.result`` (the best point)
        when the optimiser does not converge.
        """
        cols = _cols(x, t_x, n_opp) + [("weights", _column(x, weights, "weights"))]
        return cls._fit(_fit_c, cols, "loy_bgbb_fit", penalty=penalty, start=start,
                        max_iter=max_iter, gtol=gtol, compress=compress, se=se)

    def loglik_at(self, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
                  weights: ArrayLike = None) -> float:
        """Sample log-likelihood of (other) data at these parameters."""
        return loglik(self, x, t_x, n_opp, weights)

    log_likelihood = loglik_at

    def palive(self, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
               m: Optional[float] = None) -> Any:
        """P(alive at opportunity n_opp + m) (m = 1 by default)."""
        return palive(self, x, t_x, n_opp, m)

    def expected(self, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
                 n_star: Optional[float] = None) -> Any:
        """Expected transactions over the next ``n_star`` opportunities."""
        return expected(self, x, t_x, n_opp, n_star)

    def expected_new(self, n_opp: ArrayLike) -> Any:
        """Expected transactions of a new customer over n opportunities."""
        return expected_new(self, n_opp)

    def pmf(self, n_opp: ArrayLike, x: ArrayLike) -> Any:
        """P(X(n) = x) for a new customer."""
        return pmf(self, n_opp, x)

    def dert(self, x: ArrayLike, t_x: ArrayLike = None, n_opp: ArrayLike = None,
             d: Optional[float] = None) -> Any:
        """Discounted expected residual transactions (rate d per opportunity)."""
        return dert(self, x, t_x, n_opp, d)


fit = BGBB.fit
