"""The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005).

While a customer is active she buys at a steady rate ``lambda`` (a Poisson
process); after each repeat purchase she drops out for good with
probability ``p``. Across customers ``lambda`` follows a gamma distribution
with shape ``r`` and rate ``alpha`` and ``p`` follows a beta distribution
with parameters ``a`` and ``b``. The four parameters are fitted by maximum
likelihood to each customer's frequency ``x``, recency ``t_x`` and age ``T``
(see :mod:`toolkit.value.summary`). From them follow the probability that a
customer is still active and the number of purchases to expect.

When the data show no sign of customers dropping out, the likelihood is
highest on the edge ``a -> 0`` (every dropout probability ``p`` is 0) and
the BG/NBD model becomes the NBD model: customers buy at their own rates
for ever. :func:`fit_bgnbd` then fits that special case, reports ``a = 0``
with ``b`` undefined (NaN) and lists ``("a", "b")`` in
``FitResult.boundary``; every prediction function handles it (P(alive) is
1 for everybody).

Reference: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting
your customers' the easy way: an alternative to the Pareto/NBD model",
Marketing Science 24(2):275-284 (equations 6, 10 and 13).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special

from toolkit.errors import DataError, ParameterError, check_number, format_examples
from toolkit.value._mle import FitResult, optimise, require_identified

__all__ = [
    "PARAMS",
    "log_likelihood",
    "fit_bgnbd",
    "probability_alive",
    "expected_purchases",
    "expected_purchases_new_customer",
    "probability_of_purchases",
]

PARAMS: tuple[str, ...] = ("r", "alpha", "a", "b")

#: Below this mean dropout probability per purchase, ``a / (a + b)``, a fit
#: that does not settle is taken as the no-dropout (NBD) edge of the model.
NO_DROPOUT = 1e-3


def _params(params: FitResult | Mapping[str, float]) -> tuple[float, float, float, float]:
    """Return (r, alpha, a, b); ``a = 0`` with ``b`` NaN is the no-dropout (NBD) case."""
    values = params.params if isinstance(params, FitResult) else params
    missing = [p for p in PARAMS if p not in values]
    if missing:
        raise ParameterError(f"BG/NBD parameters must include {list(PARAMS)}; missing {missing}.")
    r, alpha, a, b = (float(values[p]) for p in PARAMS)
    no_dropout = a == 0
    ok = all(np.isfinite(v) and v > 0 for v in (r, alpha)) and (
        no_dropout or all(np.isfinite(v) and v > 0 for v in (a, b))
    )
    if not ok:
        raise ParameterError(
            "BG/NBD parameters must be positive numbers (or a = 0 for the no-dropout case). "
            f"Got {dict(zip(PARAMS, (r, alpha, a, b)))} instead."
        )
    return r, alpha, a, (np.nan if no_dropout else b)


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a frequency/recency/T frame and return its three columns as arrays."""
    missing = [c for c in ("frequency", "recency", "T") if c not in summary.columns]
    if missing:
        raise DataError(
            f"column(s) {missing} not found; the BG/NBD model needs frequency, recency and T "
            f"per customer (see toolkit.value.customer_summary). Available: {list(summary.columns)}.",
            column=missing[0],
        )
    x = pd.to_numeric(summary["frequency"], errors="coerce").to_numpy(dtype=float)
    tx = pd.to_numeric(summary["recency"], errors="coerce").to_numpy(dtype=float)
    T = pd.to_numeric(summary["T"], errors="coerce").to_numpy(dtype=float)
    checks = [
        ("frequency", ~np.isfinite(x) | (x < 0) | (np.floor(x) != x), "a whole number >= 0"),
        ("recency", ~np.isfinite(tx) | (tx < 0), "a number >= 0"),
        ("T", ~np.isfinite(T) | (T < 0), "a number >= 0"),
        ("recency", np.isfinite(tx) & np.isfinite(T) & (tx > T * (1 + 1e-12) + 1e-12), "at most T"),
        ("recency", (x == 0) & (tx != 0), "0 for customers without a repeat purchase"),
    ]
    for col, bad, expected in checks:
        if bad.any():
            idx = summary.index[bad]
            raise DataError(
                f"column '{col}' must be {expected}; {int(bad.sum())} customer(s) break this "
                f"(customers {format_examples(list(idx))}).",
                column=col,
                rows=(np.flatnonzero(bad)[:5] + 1).tolist(),
            )
    return x, tx, T


def _loglik_parts(
    theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and its gradient (rows: customers, columns: r, alpha, a, b)."""
    r, alpha, a, b = theta
    rx = r + x
    a1 = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -rx * np.log(alpha + T)
    rep = x > 0
    bx1 = np.where(rep, b + x - 1, 1.0)
    a4 = np.where(rep, np.log(a) - np.log(bx1) - rx * np.log(alpha + tx), -np.inf)
    lse = np.logaddexp(a3, a4)
    ll = a1 + a2 + lse
    w3 = np.exp(a3 - lse)
    w4 = np.where(rep, np.exp(a4 - lse), 0.0)
    d_r = (
        special.digamma(rx)
        - special.digamma(r)
        + np.log(alpha)
        - w3 * np.log(alpha + T)
        - w4 * np.log(alpha + tx)
    )
    d_alpha = r / alpha - w3 * rx / (alpha + T) - w4 * rx / (alpha + tx)
    d_a = special.digamma(a + b) - special.digamma(a + b + x) + w4 / a
    d_b = (
        special.digamma(a + b)
        + special.digamma(b + x)
        - special.digamma(b)
        - special.digamma(a + b + x)
        - np.where(rep, w4 / bx1, 0.0)
    )
    return ll, np.column_stack([d_r, d_alpha, d_a, d_b])


def _nbd_loglik_parts(theta: np.ndarray, x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The a -> 0 edge of the BG/NBD likelihood (the NBD model) and its gradient (r, alpha)."""
    r, alpha = theta
    rx = r + x
    ll = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha) - rx * np.log(alpha + T)
    d_r = special.digamma(rx) - special.digamma(r) + np.log(alpha) - np.log(alpha + T)
    d_alpha = r / alpha - rx / (alpha + T)
    return ll, np.column_stack([d_r, d_alpha])


def log_likelihood(params: FitResult | Mapping[str, float], summary: pd.DataFrame) -> pd.Series:
    """BG/NBD log-likelihood of each customer (FHL 2005, equation 6).

    Parameters
    ----------
    params : FitResult or mapping
        ``r``, ``alpha``, ``a``, ``b``.
    summary : DataFrame
        Columns ``frequency``, ``recency`` and ``T``, one row per customer.

    Returns
    -------
    Series
        ``log L(r, alpha, a, b | x, t_x, T)`` per customer, same index as ``summary``.
    """
    r, alpha, a, b = _params(params)
    x, tx, T = _arrays(summary)
    if a == 0:
        ll = _nbd_loglik_parts(np.array([r, alpha]), x, T)[0]
    else:
        ll = _loglik_parts(np.array([r, alpha, a, b]), x, tx, T)[0]
    return pd.Series(ll, index=summary.index, name="log_likelihood")


def fit_bgnbd(
    summary: pd.DataFrame,
    *,
    time_unit: str | None = None,
    min_repeat_buyers: int = 20,
) -> FitResult:
    """Fit the BG/NBD model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency``, ``recency`` and ``T``, one row per customer,
        e.g. from :func:`toolkit.value.customer_summary`.
    time_unit : str, optional
        Recorded in the result (``alpha`` is in this unit).
    min_repeat_buyers : int, default 20
        Fewest customers with a repeat purchase the fit accepts. The dropout
        parameters ``a`` and ``b`` are learnt from repeat buyers only; with
        a handful of them the estimates mean little.

    Returns
    -------
    FitResult
        Estimates of ``r``, ``alpha``, ``a``, ``b`` with standard errors.

    Raises
    ------
    DataError
        Invalid summary values, too few repeat buyers, or data from which
        the parameters cannot be estimated.
    """
    check_number("min_repeat_buyers", min_repeat_buyers, low=1, integer=True)
    x, tx, T = _arrays(summary)
    n = len(x)
    n_repeat = int((x > 0).sum())
    if n_repeat < min_repeat_buyers:
        raise DataError(
            f"only {n_repeat} of {n} customers made a repeat purchase; the BG/NBD model needs "
            f"at least {min_repeat_buyers} repeat buyers to estimate how customers drop out. "
            "Use a longer history (an earlier start or later calibration_end) or more customers."
        )

    def nll_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            ll, grad = _loglik_parts(theta, x, tx, T)
        return -float(ll.sum()), -grad.sum(axis=0)

    start = np.array([1.0, max(float(T.mean()), 1e-3), 1.0, 1.0])
    raw = optimise("BG/NBD", PARAMS, nll_and_grad, start, n)
    r, alpha, a, b = raw.theta
    settled = raw.covariance is not None and not raw.runaway
    if not settled and a / (a + b) < NO_DROPOUT and not {"r", "alpha"} & set(raw.runaway):
        return _fit_no_dropout(x, T, n, n_repeat, time_unit, raw.theta[:2])
    covariance = require_identified("BG/NBD", PARAMS, raw)
    se = np.sqrt(np.diag(covariance))
    return FitResult(
        model="BG/NBD",
        params=dict(zip(PARAMS, map(float, raw.theta))),
        se=dict(zip(PARAMS, map(float, se))),
        covariance=covariance,
        log_likelihood=raw.log_likelihood,
        n_customers=n,
        n_repeat_buyers=n_repeat,
        time_unit=time_unit,
        iterations=raw.iterations,
    )


def _fit_no_dropout(
    x: np.ndarray, T: np.ndarray, n: int, n_repeat: int, time_unit: str | None, start: np.ndarray
) -> FitResult:
    """Fit the a -> 0 edge of the BG/NBD model (the NBD) and report it as a BG/NBD fit."""

    def nll_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            ll, grad = _nbd_loglik_parts(theta, x, T)
        return -float(ll.sum()), -grad.sum(axis=0)

    raw = optimise("BG/NBD (no dropout)", ("r", "alpha"), nll_and_grad, start, n)
    covariance = require_identified("BG/NBD (no dropout)", ("r", "alpha"), raw)
    cov = np.full((4, 4), np.nan)
    cov[:2, :2] = covariance
    se = np.sqrt(np.diag(covariance))
    return FitResult(
        model="BG/NBD",
        params={"r": float(raw.theta[0]), "alpha": float(raw.theta[1]), "a": 0.0, "b": float("nan")},
        se={"r": float(se[0]), "alpha": float(se[1]), "a": float("nan"), "b": float("nan")},
        covariance=cov,
        log_likelihood=raw.log_likelihood,
        n_customers=n,
        n_repeat_buyers=n_repeat,
        time_unit=time_unit,
        iterations=raw.iterations,
        boundary=("a", "b"),
    )


def _log_odds_dead(
    theta: Sequence[float] | np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Log of  delta(x>0) * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x); -inf when x = 0."""
    r, alpha, a, b = theta
    rep = x > 0
    bx1 = np.where(rep, b + x - 1, 1.0)
    return np.where(
        rep, np.log(a) - np.log(bx1) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx)), -np.inf
    )


def probability_alive(params: FitResult | Mapping[str, float], summary: pd.DataFrame) -> pd.Series:
    """Probability that each customer is still active at the end of the period.

    ``P(alive) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))``,
    computed on the log scale so that long histories do not overflow.
    Customers without a repeat purchase get 1: in the BG/NBD model a customer
    can only drop out right after a repeat purchase.

    Returns
    -------
    Series
        Named ``p_alive``, same index as ``summary``.
    """
    theta = _params(params)
    x, tx, T = _arrays(summary)
    value = np.ones(len(x)) if theta[2] == 0 else special.expit(-_log_odds_dead(theta, x, tx, T))
    return pd.Series(value, index=summary.index, name="p_alive")


def expected_purchases(params: FitResult | Mapping[str, float], summary: pd.DataFrame, t: float) -> pd.Series:
    """Expected number of purchases of each customer in the next ``t`` time units.

    FHL 2005 equation 10. The Gaussian hypergeometric term is rewritten with
    Euler's transformation, ``(1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) =
    (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``, whose series stays well
    behaved for customers with many purchases.

    Parameters
    ----------
    params : FitResult or mapping
        ``r``, ``alpha``, ``a``, ``b``.
    summary : DataFrame
        Columns ``frequency``, ``recency`` and ``T``.
    t : float
        Horizon, in the time unit of the data (> 0).

    Returns
    -------
    Series
        Named ``expected_purchases``, same index as ``summary``.
    """
    t = check_number("t", t, low=0, closed="neither", hint="The horizon is in the data's time unit.")
    theta = _params(params)
    r, alpha, a, b = theta
    x, tx, T = _arrays(summary)
    if a == 0:
        return pd.Series((r + x) * t / (alpha + T), index=summary.index, name="expected_purchases")
    z = t / (alpha + T + t)
    with np.errstate(all="ignore"):
        tail = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        value = (a + b + x - 1) / (a - 1) * (1 - tail) * special.expit(-_log_odds_dead(theta, x, tx, T))
    return pd.Series(value, index=summary.index, name="expected_purchases")


def expected_purchases_new_customer(
    params: FitResult | Mapping[str, float], t: float | np.ndarray
) -> np.ndarray:
    """Expected repeat purchases of a customer in the first ``t`` units after her first purchase.

    FHL 2005 equation 7: ``E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r
    2F1(r, b; a+b-1; t/(alpha+t))]``.
    """
    r, alpha, a, b = _params(params)
    t = np.asarray(t, dtype=float)
    if a == 0:
        return r * t / alpha
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z))


def probability_of_purchases(
    params: FitResult | Mapping[str, float], n: int, t: float | np.ndarray
) -> np.ndarray:
    """Probability that a customer makes exactly ``n`` repeat purchases in ``t`` units after the first.

    FHL 2005 equation 8. Summing it over customers' ages ``T`` gives the
    number of customers expected to show each frequency, the classic check
    of the fit.
    """
    n = check_number("n", n, low=0, integer=True)
    r, alpha, a, b = _params(params)
    scalar = np.ndim(t) == 0
    t = np.atleast_1d(np.asarray(t, dtype=float))
    q = t / (alpha + t)
    keep = (alpha / (alpha + t)) ** r
    coef = np.exp(special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1))
    if a == 0:
        out = coef * keep * q**n
        return out[0] if scalar else out
    log_beta_ab = special.betaln(a, b)
    out = np.exp(special.betaln(a, b + n) - log_beta_ab) * coef * keep * q**n
    if n > 0:
        j = np.arange(n)
        coefs = np.exp(special.gammaln(r + j) - special.gammaln(r) - special.gammaln(j + 1))
        partial = keep * (coefs[:, None] * q[None, :] ** j[:, None]).sum(axis=0)
        out = out + np.exp(special.betaln(a + 1, b + n - 1) - log_beta_ab) * (1 - partial)
    return out[0] if scalar else out
