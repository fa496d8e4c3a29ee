"""Checks of a BG/NBD fit: in the calibration data and in a later holdout period.

- :func:`frequency_fit` compares how many customers made 0, 1, 2, ...
  repeat purchases with how many the fitted model expects (in-sample).
- :func:`fit_calibration` fits the BG/NBD and Gamma-Gamma models to the
  calibration period of a :class:`~toolkit.value.summary.CalibrationSplit`
  and keeps their estimates with standard errors, so that a report can show
  which model the holdout check judged (and the CDNOW benchmark can be
  reproduced from its raw purchases through the same code).
- :func:`holdout_check` takes a model fitted on an earlier (calibration)
  period and compares, for each calibration frequency group, the purchases
  predicted for the holdout period with those that actually happened
  (out of sample, the test that matters for forecasting).

Standard errors are the square roots of the diagonal of the inverse of the
observed information matrix, the Hessian of the negative log-likelihood at
the maximum, taken on the natural scale of the parameters (see
:mod:`toolkit.value._mle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, check_number
from toolkit.value import bgnbd, gammagamma
from toolkit.value._mle import FitResult
from toolkit.value.summary import CalibrationSplit

__all__ = ["CalibrationFit", "fit_calibration", "frequency_groups", "frequency_fit", "holdout_check"]


@dataclass(frozen=True)
class CalibrationFit:
    """The models fitted on the calibration period of a holdout check.

    Attributes
    ----------
    split : CalibrationSplit
        The data the models were fitted on.
    bgnbd : FitResult
        BG/NBD estimates of ``r``, ``alpha`` (per ``split.time_scale``),
        ``a`` and ``b`` with standard errors.
    gamma_gamma : FitResult or None
        Gamma-Gamma estimates of ``p``, ``q`` and ``gamma``, or None when the
        calibration data cannot support that model.
    gamma_gamma_error : str or None
        Why the Gamma-Gamma model was not fitted (the data error's message).
    """

    split: CalibrationSplit
    bgnbd: FitResult
    gamma_gamma: FitResult | None = None
    gamma_gamma_error: str | None = None

    def fits(self) -> list[FitResult]:
        """The fitted models, BG/NBD first."""
        return [f for f in (self.bgnbd, self.gamma_gamma) if f is not None]

    def parameters(self) -> pd.DataFrame:
        """Every estimate in one table.

        Returns
        -------
        DataFrame
            ``model``, then the columns of :meth:`FitResult.table`
            (``parameter, estimate, se, ci_low, ci_high``).
        """
        return pd.concat([f.table().assign(model=f.model) for f in self.fits()], ignore_index=True)[
            ["model", "parameter", "estimate", "se", "ci_low", "ci_high"]
        ]

    def record(self) -> dict[str, Any]:
        """A JSON-ready record of the fits for ``summary.json``.

        Returns
        -------
        dict
            ``calibration_end``, ``time_unit``, ``time_scale``, ``customers``
            and, per model, ``params``, ``se``, ``log_likelihood``,
            ``customers`` and ``boundary``; ``gamma_gamma`` is None (with
            ``gamma_gamma_error``) when that model was not fitted.
        """

        def one(fit: FitResult | None) -> dict[str, Any] | None:
            if fit is None:
                return None
            return {
                "params": dict(fit.params),
                "se": dict(fit.se),
                "log_likelihood": fit.log_likelihood,
                "customers": fit.n_customers,
                "boundary": list(fit.boundary),
            }

        return {
            "calibration_end": f"{self.split.calibration_end:%Y-%m-%d}",
            "time_unit": self.split.time_unit,
            "time_scale": self.split.time_scale,
            "customers": int(len(self.split.summary)),
            "bgnbd": one(self.bgnbd),
            "gamma_gamma": one(self.gamma_gamma),
            "gamma_gamma_error": self.gamma_gamma_error,
        }


def fit_calibration(split: CalibrationSplit, *, min_repeat_buyers: int = 20) -> CalibrationFit:
    """Fit the BG/NBD and Gamma-Gamma models to a split's calibration period.

    Parameters
    ----------
    split : CalibrationSplit
        From :func:`toolkit.value.calibration_holdout_split`.
    min_repeat_buyers : int, default 20
        Passed to both fits.

    Returns
    -------
    CalibrationFit
        The BG/NBD fit (``alpha`` in ``split.time_scale``) and, where the
        calibration data support it, the Gamma-Gamma fit; otherwise the
        reason it was not fitted.

    Raises
    ------
    DataError
        When the BG/NBD model cannot be fitted (the holdout check needs it).
    """
    summary = split.summary
    bg = bgnbd.fit_bgnbd(summary, time_unit=split.time_scale, min_repeat_buyers=min_repeat_buyers)
    try:
        gg = gammagamma.fit_gamma_gamma(summary, min_repeat_buyers=min_repeat_buyers)
    except DataError as exc:
        return CalibrationFit(split, bg, None, str(exc))
    return CalibrationFit(split, bg, gg, None)


def frequency_groups(frequency: pd.Series, max_group: int = 7) -> pd.Series:
    """Label repeat-purchase counts ``"0"``, ``"1"``, ... ``"7+"`` (an ordered categorical)."""
    max_group = check_number("max_group", max_group, low=1, integer=True)
    labels = [str(k) for k in range(max_group)] + [f"{max_group}+"]
    codes = np.minimum(frequency.to_numpy(dtype=int), max_group)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=labels, ordered=True),
        index=frequency.index,
        name="frequency_group",
    )


def frequency_fit(
    params: FitResult | Mapping[str, float], summary: pd.DataFrame, max_group: int = 7
) -> pd.DataFrame:
    """Actual and expected number of customers with each repeat-purchase count.

    The expected count for ``k`` repeat purchases is the sum over customers
    of ``P(X(T_i) = k)`` (FHL 2005 equation 8) at each customer's age
    ``T_i``; the last group collects ``max_group`` or more.

    Returns
    -------
    DataFrame
        Columns ``frequency_group``, ``actual_customers``, ``expected_customers``.
    """
    max_group = check_number("max_group", max_group, low=1, integer=True)
    groups = frequency_groups(summary["frequency"], max_group)
    actual = groups.value_counts(sort=False).reindex(groups.cat.categories).to_numpy()
    ages = summary["T"].to_numpy(dtype=float)
    expected = [float(bgnbd.probability_of_purchases(params, k, ages).sum()) for k in range(max_group)]
    expected.append(len(summary) - sum(expected))
    return pd.DataFrame(
        {
            "frequency_group": list(groups.cat.categories),
            "actual_customers": actual.astype(int),
            "expected_customers": expected,
        }
    )


def holdout_check(
    params: FitResult | Mapping[str, float], split: CalibrationSplit, max_group: int = 7
) -> pd.DataFrame:
    """Predicted versus actual holdout purchases per calibration frequency group.

    Parameters
    ----------
    params : FitResult or mapping
        BG/NBD parameters fitted on ``split.summary`` (the calibration period).
    split : CalibrationSplit
        From :func:`toolkit.value.calibration_holdout_split`.
    max_group : int, default 7
        Customers with this many calibration repeat purchases or more form
        the last group.

    Returns
    -------
    DataFrame
        One row per group: ``frequency_group``, ``customers``,
        ``actual_purchases`` and ``predicted_purchases`` (totals in the
        holdout), ``actual_mean`` and ``predicted_mean`` (per customer).
    """
    summary = split.summary
    predicted = bgnbd.expected_purchases(params, summary, split.holdout_length)
    frame = pd.DataFrame(
        {
            "frequency_group": frequency_groups(summary["frequency"], max_group),
            "actual": summary["frequency_holdout"].to_numpy(dtype=float),
            "predicted": predicted.to_numpy(),
        }
    )
    table = frame.groupby("frequency_group", observed=False).agg(
        customers=("actual", "size"),
        actual_purchases=("actual", "sum"),
        predicted_purchases=("predicted", "sum"),
    )
    table = table.reset_index()
    table["frequency_group"] = table["frequency_group"].astype(str)
    table["actual_purchases"] = table["actual_purchases"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["actual_mean"] = table["actual_purchases"] / table["customers"]
        table["predicted_mean"] = table["predicted_purchases"] / table["customers"]
    return table
