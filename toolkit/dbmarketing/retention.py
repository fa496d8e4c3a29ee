"""Retention economics: what losing customers costs.

Reproduces the worked example of the content specification — 64,000
customers, 5% lost in a year, 40,000 of revenue each and a 10% profit rate
mean 3,200 lost customers, 128,000,000 of revenue and 12,800,000 of profit
lost in the year — with every input a parameter, and follows the loss over
the years it goes on.

Assumptions, stated once: a lost customer's whole yearly revenue is lost
from the year they leave; lost customers are not replaced; revenue per
customer and the profit rate stay the same from year to year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from toolkit.errors import ParameterError, check_number

__all__ = ["RetentionLoss", "retention_loss", "retention_projection", "churn_sensitivity"]


def _check(customers: float, churn_rate: float, revenue_per_customer: float, margin: float) -> None:
    check_number("customers", customers, low=0)
    for name, value in (("churn_rate", churn_rate), ("margin", margin)):
        check_number(name, value, low=0, high=1, hint="For 5%, write 0.05.")
    check_number("revenue_per_customer", revenue_per_customer, low=0)


@dataclass(frozen=True)
class RetentionLoss:
    """One year's loss from customer defection.

    Attributes
    ----------
    customers, churn_rate, revenue_per_customer, margin : float
        The inputs.
    customers_lost : float
        ``customers * churn_rate``.
    revenue_lost : float
        ``customers_lost * revenue_per_customer``.
    profit_lost : float
        ``revenue_lost * margin``.
    """

    customers: float
    churn_rate: float
    revenue_per_customer: float
    margin: float
    customers_lost: float
    revenue_lost: float
    profit_lost: float

    def as_dict(self) -> dict[str, float]:
        """The figures as a plain dict (for summary.json)."""
        return asdict(self)


def retention_loss(
    customers: float = 64_000,
    churn_rate: float = 0.05,
    revenue_per_customer: float = 40_000,
    margin: float = 0.10,
) -> RetentionLoss:
    """Revenue and profit lost in one year when a share of customers leaves.

    The defaults are the specification's example: 64,000 customers, 5%
    lost, 40,000 revenue each, 10% profit rate -> 3,200 customers,
    128,000,000 revenue and 12,800,000 profit lost.

    Parameters
    ----------
    customers : float, default 64000
        Customers at the start of the year.
    churn_rate : float, default 0.05
        Share lost during the year.
    revenue_per_customer : float, default 40000
        Yearly revenue from one customer.
    margin : float, default 0.10
        Share of revenue that is profit.

    Returns
    -------
    RetentionLoss
    """
    _check(customers, churn_rate, revenue_per_customer, margin)
    lost = customers * churn_rate
    revenue = lost * revenue_per_customer
    return RetentionLoss(
        float(customers),
        float(churn_rate),
        float(revenue_per_customer),
        float(margin),
        float(lost),
        float(revenue),
        float(revenue * margin),
    )


def retention_projection(
    customers: float = 64_000,
    churn_rate: float = 0.05,
    revenue_per_customer: float = 40_000,
    margin: float = 0.10,
    years: int = 5,
) -> pd.DataFrame:
    """Follow the loss over several years of the same defection rate.

    Each year ``churn_rate`` of the remaining customers leave and are not
    replaced; the profit lost in a year is that of every customer lost so
    far. Year 1 equals :func:`retention_loss`.

    Parameters
    ----------
    years : int, default 5
        Years to follow (>= 1).

    Returns
    -------
    DataFrame
        year, customers_start, customers_lost, lost_to_date,
        revenue_lost (in the year), profit_lost (in the year),
        cumulative_profit_lost.
    """
    _check(customers, churn_rate, revenue_per_customer, margin)
    years = check_number("years", years, low=1, integer=True)
    rows = []
    remaining = float(customers)
    lost_to_date = 0.0
    cumulative = 0.0
    for year in range(1, years + 1):
        lost = remaining * churn_rate
        lost_to_date += lost
        revenue = lost_to_date * revenue_per_customer
        profit = revenue * margin
        cumulative += profit
        rows.append(
            {
                "year": year,
                "customers_start": remaining,
                "customers_lost": lost,
                "lost_to_date": lost_to_date,
                "revenue_lost": revenue,
                "profit_lost": profit,
                "cumulative_profit_lost": cumulative,
            }
        )
        remaining -= lost
    return pd.DataFrame(rows)


def churn_sensitivity(
    churn_rates: Sequence[float] = (0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10),
    customers: float = 64_000,
    revenue_per_customer: float = 40_000,
    margin: float = 0.10,
) -> pd.DataFrame:
    """One year's profit lost at several defection rates.

    Returns
    -------
    DataFrame
        churn_rate, customers_lost, revenue_lost, profit_lost.
    """
    rates = list(churn_rates)
    if not rates:
        raise ParameterError("The 'churn_rates' parameter must list at least one rate, e.g. [0.03, 0.05].")
    rows = []
    for rate in rates:
        loss = retention_loss(customers, rate, revenue_per_customer, margin)
        rows.append(
            {
                "churn_rate": loss.churn_rate,
                "customers_lost": loss.customers_lost,
                "revenue_lost": loss.revenue_lost,
                "profit_lost": loss.profit_lost,
            }
        )
    return pd.DataFrame(rows)
