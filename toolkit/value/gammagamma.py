"""The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005).

Each customer's purchase values scatter around her own mean spend; across
customers that mean varies. The model says a purchase value is gamma
distributed with shape ``p`` and a customer-specific rate ``nu``, and that
``nu`` itself is gamma distributed with shape ``q`` and rate ``gamma``. It
is fitted to repeat buyers' number of repeat purchases ``x`` and average
repeat spend ``m``; the expected spend of a customer is then a weighted mix
of the population mean and her own average, the weight on her own average
growing with ``x``. The model assumes spend per purchase does not depend on
how often a customer buys; :func:`spend_frequency_correlation` lets a report
check that.

Reference: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "RFM and
CLV: using iso-value curves for customer base analysis", Journal of
Marketing Research 42(4):415-430; B. G. S. Hardie, "The Gamma-Gamma model
of monetary value" (2013 note).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special

from toolkit.errors import DataError, ParameterError, check_number, format_examples
from toolkit.value._mle import FitResult, optimise, require_identified

__all__ = [
    "PARAMS",
    "log_likelihood",
    "fit_gamma_gamma",
    "expected_spend",
    "population_mean_spend",
    "spend_frequency_correlation",
]

PARAMS: tuple[str, ...] = ("p", "q", "gamma")


def _params(params: FitResult | Mapping[str, float]) -> tuple[float, float, float]:
    values = params.params if isinstance(params, FitResult) else params
    missing = [k for k in PARAMS if k not in values]
    if missing:
        raise ParameterError(f"Gamma-Gamma parameters must include {list(PARAMS)}; missing {missing}.")
    out = tuple(float(values[k]) for k in PARAMS)
    if not all(np.isfinite(v) and v > 0 for v in out):
        raise ParameterError(
            f"Gamma-Gamma parameters must be positive numbers. Got {dict(zip(PARAMS, out))} instead."
        )
    return out  # type: ignore[return-value]


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Check the frequency/monetary_value columns and return them as arrays."""
    missing = [c for c in ("frequency", "monetary_value") if c not in summary.columns]
    if missing:
        raise DataError(
            f"column(s) {missing} not found; the Gamma-Gamma model needs frequency and "
            f"monetary_value per customer. Available: {list(summary.columns)}.",
            column=missing[0],
        )
    x = pd.to_numeric(summary["frequency"], errors="coerce").to_numpy(dtype=float)
    m = pd.to_numeric(summary["monetary_value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(x) | (x < 0) | (np.floor(x) != x)
    if bad.any():
        raise DataError(
            f"column 'frequency' must be a whole number >= 0; {int(bad.sum())} customer(s) break this "
            f"(customers {format_examples(list(summary.index[bad]))}).",
            column="frequency",
        )
    bad = ~np.isfinite(m)
    if bad.any():
        raise DataError(
            f"column 'monetary_value' must be a number; {int(bad.sum())} customer(s) have none "
            f"(customers {format_examples(list(summary.index[bad]))}).",
            column="monetary_value",
        )
    return x, m


def _check_positive_spend(summary: pd.DataFrame, x: np.ndarray, m: np.ndarray) -> None:
    bad = (x > 0) & (m <= 0)
    if bad.any():
        raise DataError(
            f"{int(bad.sum())} repeat buyer(s) have an average repeat spend of zero or less "
            f"(customers {format_examples(list(summary.index[bad]))}); the Gamma-Gamma model "
            "needs positive spend. Drop zero-price and return lines (cleaning rules "
            "'non_positive_price' and 'returns' = drop) or remove these customers.",
            column="monetary_value",
        )


def _loglik_parts(theta: np.ndarray, x: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and gradient (columns p, q, gamma); x > 0, m > 0."""
    p, q, g = theta
    px = p * x
    log_gxm = np.log(g + x * m)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gxm
    )
    d_p = x * (special.digamma(px + q) - special.digamma(px) + np.log(m) + np.log(x) - log_gxm)
    d_q = special.digamma(px + q) - special.digamma(q) + np.log(g) - log_gxm
    d_g = q / g - (px + q) / (g + x * m)
    return ll, np.column_stack([d_p, d_q, d_g])


def log_likelihood(params: FitResult | Mapping[str, float], summary: pd.DataFrame) -> pd.Series:
    """Gamma-Gamma log-likelihood of each repeat buyer's average spend.

    ``log L = log G(px+q) - log G(px) - log G(q) + q log(gamma) + (px-1) log(m)
    + px log(x) - (px+q) log(gamma + x m)``, the density of the average
    ``m`` of ``x`` purchase values.

    Parameters
    ----------
    params : FitResult or mapping
        ``p``, ``q``, ``gamma``.
    summary : DataFrame
        Columns ``frequency`` and ``monetary_value``; only repeat buyers
        (frequency > 0) are allowed, with positive spend.

    Returns
    -------
    Series
        Named ``log_likelihood``, same index as ``summary``.
    """
    theta = np.array(_params(params))
    x, m = _arrays(summary)
    if (x == 0).any():
        raise DataError(
            "the Gamma-Gamma likelihood is defined for repeat buyers only; "
            f"{int((x == 0).sum())} row(s) have frequency 0. Select summary[summary.frequency > 0].",
            column="frequency",
        )
    _check_positive_spend(summary, x, m)
    return pd.Series(_loglik_parts(theta, x, m)[0], index=summary.index, name="log_likelihood")


def fit_gamma_gamma(summary: pd.DataFrame, *, min_repeat_buyers: int = 20) -> FitResult:
    """Fit the Gamma-Gamma spend model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency`` and ``monetary_value`` per customer, e.g. from
        :func:`toolkit.value.customer_summary`. Customers without a repeat
        purchase carry no spend information for this model and are left out
        of the fit (``FitResult.n_customers`` counts the repeat buyers used).
    min_repeat_buyers : int, default 20
        Fewest repeat buyers the fit accepts.

    Returns
    -------
    FitResult
        Estimates of ``p``, ``q``, ``gamma`` with standard errors.

    Raises
    ------
    DataError
        Repeat buyers with zero or negative spend, too few repeat buyers, or
        data from which the parameters cannot be estimated.
    """
    check_number("min_repeat_buyers", min_repeat_buyers, low=1, integer=True)
    x_all, m_all = _arrays(summary)
    _check_positive_spend(summary, x_all, m_all)
    rep = x_all > 0
    x, m = x_all[rep], m_all[rep]
    n = int(rep.sum())
    if n < min_repeat_buyers:
        raise DataError(
            f"only {n} customers made a repeat purchase; the Gamma-Gamma model needs at least "
            f"{min_repeat_buyers} repeat buyers to estimate how spend varies. Use a longer history."
        )

    def nll_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            ll, grad = _loglik_parts(theta, x, m)
        return -float(ll.sum()), -grad.sum(axis=0)

    start = np.array([1.0, 1.0, max(float(m.mean()), 1e-6)])
    raw = optimise("Gamma-Gamma", PARAMS, nll_and_grad, start, n)
    covariance = require_identified("Gamma-Gamma", PARAMS, raw)
    se = np.sqrt(np.diag(covariance))
    return FitResult(
        model="Gamma-Gamma",
        params=dict(zip(PARAMS, map(float, raw.theta))),
        se=dict(zip(PARAMS, map(float, se))),
        covariance=covariance,
        log_likelihood=raw.log_likelihood,
        n_customers=n,
        n_repeat_buyers=n,
        time_unit=None,
        iterations=raw.iterations,
    )


def population_mean_spend(params: FitResult | Mapping[str, float]) -> float:
    """Mean spend per purchase across the population, ``p gamma / (q - 1)``.

    Raises
    ------
    ParameterError
        When ``q <= 1``: the population mean is then infinite.
    """
    p, q, g = _params(params)
    if q <= 1:
        raise ParameterError(
            f"the Gamma-Gamma population mean spend is infinite when q <= 1 (q = {q:.4g}); "
            "the spend data are too heavy-tailed for this model."
        )
    return p * g / (q - 1)


def expected_spend(params: FitResult | Mapping[str, float], summary: pd.DataFrame) -> pd.Series:
    """Expected spend per future purchase of each customer.

    ``E(M | x, m) = p (gamma + x m) / (p x + q - 1)``: for a customer without
    repeat purchases it is the population mean ``p gamma / (q - 1)``; with
    more repeat purchases it moves towards her own average ``m``.

    Returns
    -------
    Series
        Named ``expected_spend``, same index as ``summary``.
    """
    p, q, g = _params(params)
    population_mean_spend(params)  # raises for q <= 1
    x, m = _arrays(summary)
    m = np.where(x > 0, m, 0.0)
    _check_positive_spend(summary, x, m)
    return pd.Series(p * (g + x * m) / (p * x + q - 1), index=summary.index, name="expected_spend")


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and average spend among repeat buyers.

    The Gamma-Gamma model assumes the two are independent; a correlation
    far from zero (say beyond +/-0.3) is a warning sign worth reporting.
    """
    x, m = _arrays(summary)
    rep = x > 0
    if rep.sum() < 3:
        raise DataError("fewer than 3 repeat buyers: no correlation can be computed.")
    return float(np.corrcoef(x[rep], m[rep])[0, 1])
