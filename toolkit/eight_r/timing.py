"""Right Time: when customers buy and how long they wait between purchases.

- hour of day by weekday: when orders are placed (needs times in
  ``order_date``);
- months: revenue, orders and customers per calendar month, with the
  first and last month flagged when the data covers them only in part;
- inter-purchase time: days between a customer's consecutive purchase
  days, which suggests when to get in touch again;
- repurchase within a window: of the customers whose first purchase is at
  least ``days`` before the analysis date, the share who bought again
  within ``days`` (customers seen for a shorter time are left out and
  counted, so the rate is not biased by people who had no time to return).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import order_key, require_columns, sales_only
from toolkit.eight_r.coverage import has_times
from toolkit.errors import DataError, check_number

__all__ = ["MONTHS", "hour_weekday", "monthly", "inter_purchase_days", "gap_summary", "repurchase_within"]

#: Month abbreviations in calendar order, as in the bank marketing data.
MONTHS: tuple[str, ...] = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order: customer, order time (first line), revenue."""
    sales = sales_only(tx)
    frame = pd.DataFrame(
        {
            "o": order_key(sales),
            "c": sales["customer_id"].astype(str),
            "t": pd.to_datetime(sales["order_date"]),
            "amount": sales["amount"].astype(float),
        }
    )
    return frame.groupby("o").agg(c=("c", "first"), t=("t", "min"), amount=("amount", "sum")).reset_index()


def hour_weekday(tx: pd.DataFrame) -> pd.DataFrame:
    """Orders and revenue by weekday (0 = Monday) and hour of day.

    Returns
    -------
    DataFrame
        ``weekday``, ``hour``, ``orders``, ``revenue``; only the cells with
        orders (weekdays or hours without any order do not appear).

    Raises
    ------
    DataError
        When ``order_date`` carries no time of day.
    """
    require_columns(tx, ["customer_id", "order_date", "amount"], "Orders by hour and weekday")
    if not has_times(tx["order_date"]):
        raise DataError(
            "Orders by hour need the time of day in 'order_date', but every date is at midnight.",
            column="order_date",
        )
    orders = _orders(tx)
    orders["weekday"] = orders["t"].dt.day_of_week
    orders["hour"] = orders["t"].dt.hour
    out = orders.groupby(["weekday", "hour"]).agg(orders=("o", "size"), revenue=("amount", "sum"))
    return out.reset_index()


def monthly(tx: pd.DataFrame) -> pd.DataFrame:
    """Revenue, orders and customers per calendar month.

    Returns
    -------
    DataFrame
        ``month`` (str "YYYY-MM"), ``revenue``, ``orders``, ``customers``,
        ``days_covered`` (days of the month between the first and the last
        transaction date), ``complete`` (the data covers the whole month)
        and ``revenue_per_day`` (revenue / days covered, so part months
        compare fairly).
    """
    require_columns(tx, ["customer_id", "order_date", "amount"], "Monthly revenue")
    orders = _orders(tx)
    if orders.empty:
        raise DataError("Monthly revenue: the data has no sales lines.")
    orders["month"] = orders["t"].dt.to_period("M")
    out = orders.groupby("month").agg(
        revenue=("amount", "sum"), orders=("o", "size"), customers=("c", "nunique")
    )
    first, last = orders["t"].min().normalize(), orders["t"].max().normalize()
    starts = out.index.to_timestamp()
    ends = (out.index + 1).to_timestamp() - pd.Timedelta(days=1)
    lo = np.maximum(starts.to_numpy(), np.datetime64(first, "ns"))
    hi = np.minimum(ends.to_numpy(), np.datetime64(last, "ns"))
    out["days_covered"] = ((hi - lo) / np.timedelta64(1, "D")).astype(int) + 1
    out["complete"] = out["days_covered"] == out.index.days_in_month
    out["revenue_per_day"] = out["revenue"] / out["days_covered"]
    out = out.reset_index()
    out["month"] = out["month"].astype(str)
    return out


def inter_purchase_days(tx: pd.DataFrame) -> pd.Series:
    """Days between each customer's consecutive purchase days.

    Several orders on the same day count as one purchase day.

    Returns
    -------
    Series
        One value per gap (float days), named ``gap_days``.
    """
    require_columns(tx, ["customer_id", "order_date"], "Time between purchases")
    sales = sales_only(tx)
    days = pd.DataFrame(
        {"c": sales["customer_id"].astype(str), "d": pd.to_datetime(sales["order_date"]).dt.normalize()}
    ).drop_duplicates()
    days = days.sort_values(["c", "d"])
    gaps = days.groupby("c")["d"].diff().dropna() / pd.Timedelta(days=1)
    return gaps.rename("gap_days").reset_index(drop=True)


def gap_summary(gaps: pd.Series, within: tuple[int, ...] = (30, 60, 90)) -> dict[str, float]:
    """Median, quartiles and the share of gaps within a few windows.

    Returns
    -------
    dict
        ``gaps``, ``median``, ``p25``, ``p75``, ``mean`` and
        ``share_within_<d>`` for each window ``d``.
    """
    g = pd.Series(gaps, dtype=float).dropna()
    if g.empty:
        raise DataError("Time between purchases: no customer bought on two different days.")
    out = {
        "gaps": int(g.size),
        "median": float(g.median()),
        "p25": float(g.quantile(0.25)),
        "p75": float(g.quantile(0.75)),
        "mean": float(g.mean()),
    }
    for d in within:
        out[f"share_within_{int(d)}"] = float((g <= d).mean())
    return out


def repurchase_within(
    tx: pd.DataFrame, days: int = 90, as_of: pd.Timestamp | str | None = None
) -> dict[str, float]:
    """Share of new customers who bought again within ``days`` of their first purchase.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions.
    days : int, default 90
        The window.
    as_of : date, optional
        Analysis date; default the day after the last transaction. Customers
        whose first purchase is less than ``days`` before it are left out
        (``too_recent``).

    Returns
    -------
    dict
        ``days``, ``customers`` (eligible), ``repurchased``, ``rate``, ``too_recent``.
    """
    days = check_number("days", days, low=1, integer=True)
    require_columns(tx, ["customer_id", "order_date"], "Repurchase within a window")
    sales = sales_only(tx)
    frame = pd.DataFrame(
        {"c": sales["customer_id"].astype(str), "d": pd.to_datetime(sales["order_date"]).dt.normalize()}
    ).drop_duplicates()
    if frame.empty:
        raise DataError("Repurchase within a window: the data has no sales lines.")
    as_of = pd.Timestamp(as_of) if as_of not in (None, "") else frame["d"].max() + pd.Timedelta(days=1)
    first = frame.groupby("c")["d"].min()
    second = frame.join(first.rename("first"), on="c")
    second = second[second["d"] > second["first"]].groupby("c")["d"].min()
    eligible = first[first <= as_of - pd.Timedelta(days=days)]
    gap = (second.reindex(eligible.index) - eligible) / pd.Timedelta(days=1)
    repurchased = int((gap <= days).sum())
    n = int(eligible.size)
    return {
        "days": days,
        "customers": n,
        "repurchased": repurchased,
        "rate": repurchased / n if n else float("nan"),
        "too_recent": int(first.size - n),
    }
