"""Discounted customer lifetime value from the BG/NBD and Gamma-Gamma fits.

For each month of the horizon the BG/NBD model gives the purchases a
customer is expected to make in that month, the Gamma-Gamma model the
spend per purchase; their product times the profit margin, discounted back
to today, summed over the months, is the customer's discounted lifetime
value over the horizon (the recipe of the ``lifetimes`` package).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.errors import check_choice, check_number
from toolkit.value import bgnbd, gammagamma
from toolkit.value._mle import FitResult
from toolkit.value.summary import TIME_UNITS

__all__ = ["DAYS_PER_MONTH", "monthly_rate", "customer_lifetime_value", "forecast_customers"]

#: Average length of a calendar month in days (365.25 / 12).
DAYS_PER_MONTH: float = 365.25 / 12


def monthly_rate(annual_rate: float) -> float:
    """Monthly discount rate equivalent to an annual one: ``(1 + annual)^(1/12) - 1``."""
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def customer_lifetime_value(
    summary: pd.DataFrame,
    purchases: FitResult | Mapping[str, float],
    spend: FitResult | Mapping[str, float],
    *,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
    time_unit: str = "D",
    month_length: float | None = None,
) -> pd.Series:
    """Discounted lifetime value of each customer over the next ``months`` months.

    ``CLV = margin * E(spend) * sum_i (E[Y(i L)] - E[Y((i-1) L)]) / (1 + d)^i``
    for months ``i = 1..months``, with ``L`` the month length in the data's
    time unit and ``d`` the monthly discount rate.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency``, ``recency``, ``T``, ``monetary_value``.
    purchases, spend : FitResult or mapping
        BG/NBD and Gamma-Gamma parameters.
    months : int, default 12
        Horizon in months (>= 1).
    annual_discount_rate : float, default 0.10
        Yearly discount rate, turned into a monthly one.
    margin : float, default 1.0
        Profit margin on revenue, in [0, 1]; 1 gives revenue.
    time_unit : {"D", "W"}
        Time unit of ``recency`` and ``T``.
    month_length : float, optional
        Month length in the time unit; default 365.25/12 days.

    Returns
    -------
    Series
        Named ``clv``, same index as ``summary``.
    """
    check_choice("time_unit", time_unit, list(TIME_UNITS))
    months = check_number("months", months, low=1, high=1200, integer=True)
    rate = check_number("annual_discount_rate", annual_discount_rate, low=0, high=10)
    margin = check_number("margin", margin, low=0, high=1)
    length = (
        DAYS_PER_MONTH / TIME_UNITS[time_unit]
        if month_length is None
        else check_number("month_length", month_length, low=0, closed="neither")
    )
    d = monthly_rate(rate)
    value = gammagamma.expected_spend(spend, summary).to_numpy()
    total = np.zeros(len(summary))
    previous = np.zeros(len(summary))
    for i in range(1, months + 1):
        cumulative = bgnbd.expected_purchases(purchases, summary, i * length).to_numpy()
        total += (cumulative - previous) / (1 + d) ** i
        previous = cumulative
    return pd.Series(margin * value * total, index=summary.index, name="clv")


def forecast_customers(
    summary: pd.DataFrame,
    purchases: FitResult | Mapping[str, float],
    spend: FitResult | Mapping[str, float],
    *,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
    time_unit: str = "D",
) -> pd.DataFrame:
    """Per-customer forecast: alive probability, purchases, spend and value.

    Parameters
    ----------
    summary, purchases, spend, months, annual_discount_rate, margin, time_unit
        As in :func:`customer_lifetime_value`.

    Returns
    -------
    DataFrame
        Same index as ``summary``; columns ``p_alive``,
        ``expected_purchases`` (over the horizon), ``expected_spend`` (per
        purchase), ``expected_revenue`` (purchases x spend, undiscounted)
        and ``clv`` (discounted, times the margin).
    """
    check_choice("time_unit", time_unit, list(TIME_UNITS))
    months = check_number("months", months, low=1, high=1200, integer=True)
    horizon = months * DAYS_PER_MONTH / TIME_UNITS[time_unit]
    out = pd.DataFrame(index=summary.index)
    out["p_alive"] = bgnbd.probability_alive(purchases, summary)
    out["expected_purchases"] = bgnbd.expected_purchases(purchases, summary, horizon)
    out["expected_spend"] = gammagamma.expected_spend(spend, summary)
    out["expected_revenue"] = out["expected_purchases"] * out["expected_spend"]
    out["clv"] = customer_lifetime_value(
        summary,
        purchases,
        spend,
        months=months,
        annual_discount_rate=annual_discount_rate,
        margin=margin,
        time_unit=time_unit,
    )
    return out
