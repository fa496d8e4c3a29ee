"""Maximum-likelihood machinery shared by the BG/NBD and Gamma-Gamma fits.

Parameters are all positive, so the optimiser works on their logarithms;
standard errors come from the inverse of the Hessian of the negative
log-likelihood on the natural scale, computed by central differences of
the analytic gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from toolkit.errors import DataError

#: The optimiser keeps log-parameters in [-_BOUND, _BOUND].
_BOUND = 30.0
#: A log-parameter beyond this is taken as "ran away": the data cannot pin it down.
_RUNAWAY = 25.0


@dataclass(frozen=True)
class FitResult:
    """A maximum-likelihood fit of a model with positive parameters.

    Attributes
    ----------
    model : str
        Model name, e.g. ``"BG/NBD"``.
    params : dict of str to float
        The estimates.
    se : dict of str to float
        Their standard errors (square roots of the diagonal of ``covariance``).
    covariance : ndarray
        Inverse of the observed information matrix.
    log_likelihood : float
        The maximised log-likelihood (sum over customers).
    n_customers : int
        Customers used in the fit.
    n_repeat_buyers : int
        Of them, customers with at least one repeat purchase.
    time_unit : str or None
        Unit of time of the data (``"D"``/``"W"``; None for spend models).
    iterations : int
        Optimiser iterations.
    boundary : tuple of str
        Parameters whose estimate lies on the edge of the parameter space
        (they have no standard error); empty for an interior fit. The
        BG/NBD fit uses it when the data show no dropout (``a = 0``).
    """

    model: str
    params: dict[str, float]
    se: dict[str, float]
    covariance: np.ndarray = field(repr=False)
    log_likelihood: float
    n_customers: int
    n_repeat_buyers: int
    time_unit: str | None
    iterations: int
    boundary: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """Return the estimates as a table.

        Returns
        -------
        DataFrame
            Columns ``parameter``, ``estimate``, ``se``, ``ci_low`` and
            ``ci_high``. The 95% interval is built on the log scale,
            ``estimate * exp(+/- 1.96 se / estimate)`` (delta method), so it
            stays positive like the parameters; NaN for a parameter on the
            boundary.
        """
        names = list(self.params)
        est = np.array([self.params[n] for n in names])
        se = np.array([self.se[n] for n in names])
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = np.exp(1.959964 * se / est)
        return pd.DataFrame(
            {
                "parameter": names,
                "estimate": est,
                "se": se,
                "ci_low": est / spread,
                "ci_high": est * spread,
            }
        )


@dataclass(frozen=True)
class RawFit:
    """What the optimiser found, before any judgement on it."""

    theta: np.ndarray
    covariance: np.ndarray | None
    log_likelihood: float
    iterations: int
    runaway: tuple[str, ...]


def optimise(
    model: str,
    names: Sequence[str],
    nll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    n: int,
) -> RawFit:
    """Minimise a negative log-likelihood over positive parameters.

    Parameters
    ----------
    model : str
        Model name for error messages.
    names : sequence of str
        Parameter names.
    nll_and_grad : callable
        ``theta -> (negative log-likelihood, its gradient)``, summed over
        customers, on the natural scale.
    start : ndarray
        Starting values (positive).
    n : int
        Number of customers (the objective is divided by it for the optimiser).

    Returns
    -------
    RawFit
        Estimates, covariance (None when the information matrix is not
        positive definite), log-likelihood, iterations and the names of
        parameters that ran towards 0 or infinity.

    Raises
    ------
    DataError
        When the optimiser ends on a non-finite value.
    """

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.exp(u)
        value, grad = nll_and_grad(theta)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(u)
        return value / n, grad * theta / n

    res = optimize.minimize(
        objective,
        np.log(start),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_BOUND, _BOUND)] * len(start),
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10},
    )
    u = res.x
    if not np.all(np.isfinite(u)) or not np.isfinite(res.fun):
        raise DataError(f"the {model} fit failed ({res.message}); the data cannot support the model.")
    theta = np.exp(u)
    runaway = tuple(name for name, v in zip(names, u) if abs(v) > _RUNAWAY)
    return RawFit(
        theta, _covariance(nll_and_grad, theta), -float(nll_and_grad(theta)[0]), int(res.nit), runaway
    )


def require_identified(model: str, names: Sequence[str], raw: RawFit) -> np.ndarray:
    """Raise a clear error when a fit did not settle on an interior optimum.

    Returns
    -------
    ndarray
        The fit's covariance matrix, known to exist.

    Raises
    ------
    DataError
        When a parameter ran off towards 0 or infinity, or the information
        matrix is not positive definite: the data cannot support the model.
    """
    if raw.runaway:
        shown = ", ".join(f"{name} = {raw.theta[list(names).index(name)]:.3g}" for name in raw.runaway)
        raise DataError(
            f"the {model} fit did not settle: {shown} ran towards 0 or infinity, so the data "
            "cannot pin the model down. This happens with too few customers, too few repeat "
            "purchases, or data where everybody spends the same. Use a longer history or more customers."
        )
    if raw.covariance is None:
        shown = ", ".join(f"{k} = {v:.4g}" for k, v in zip(names, raw.theta))
        raise DataError(
            f"the {model} fit has no usable standard errors (the information matrix is not "
            f"positive definite at {shown}); the data cannot support the model. Use a longer "
            "history or more customers."
        )
    return raw.covariance


def _covariance(
    nll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray
) -> np.ndarray | None:
    """Inverse Hessian of the negative log-likelihood, or None if not positive definite."""
    k = len(theta)
    hess = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * theta[j]
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (nll_and_grad(up)[1] - nll_and_grad(down)[1]) / (2 * h)
    hess = (hess + hess.T) / 2
    if not np.all(np.isfinite(hess)):
        return None
    try:
        np.linalg.cholesky(hess)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.inv(hess)
