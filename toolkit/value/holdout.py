"""Checks of a BG/NBD fit: in the calibration data and in a later holdout period.

- :func:`frequency_fit` compares how many customers made 0, 1, 2, ...
  repeat purchases with how many the fitted model expects (in-sample).
- :func:`holdout_check` takes a model fitted on an earlier (calibration)
  period and compares, for each calibration frequency group, the purchases
  predicted for the holdout period with those that actually happened
  (out of sample, the test that matters for forecasting).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.value import bgnbd
from toolkit.value._mle import FitResult
from toolkit.value.summary import CalibrationSplit

__all__ = ["frequency_groups", "frequency_fit", "holdout_check"]


def _check_max_group(max_group: int) -> int:
    if not isinstance(max_group, (int, np.integer)) or isinstance(max_group, bool) or max_group < 1:
        raise ParameterError(f"The 'max_group' parameter must be an int >= 1. Got {max_group!r} instead.")
    return int(max_group)


def frequency_groups(frequency: pd.Series, max_group: int = 7) -> pd.Series:
    """Label repeat-purchase counts ``"0"``, ``"1"``, ... ``"7+"`` (an ordered categorical)."""
    max_group = _check_max_group(max_group)
    labels = [str(k) for k in range(max_group)] + [f"{max_group}+"]
    codes = np.minimum(frequency.to_numpy(dtype=int), max_group)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=labels, ordered=True), index=frequency.index, name="frequency_group"
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
    max_group = _check_max_group(max_group)
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
        customers=("actual", "size"), actual_purchases=("actual", "sum"), predicted_purchases=("predicted", "sum")
    )
    table = table.reset_index()
    table["frequency_group"] = table["frequency_group"].astype(str)
    table["actual_purchases"] = table["actual_purchases"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["actual_mean"] = table["actual_purchases"] / table["customers"]
        table["predicted_mean"] = table["predicted_purchases"] / table["customers"]
    return table
