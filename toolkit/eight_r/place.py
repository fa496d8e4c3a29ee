"""Right Place: where customers are and where revenue grows.

Regions (Online Retail's countries) and, when the data has one, the
purchase channel. Growth compares the revenue of the most recent period
with the period of the same length just before it; with a single year of
data both halves sit in different seasons, so growth is best read *across*
regions (which grew faster than the rest) rather than as an absolute
figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import order_key, require_columns, require_numeric
from toolkit.errors import DataError, check_number

__all__ = ["region_summary", "channel_summary", "leading_share"]


def _summary(tx: pd.DataFrame, by: str, what: str) -> pd.DataFrame:
    require_columns(tx, [by, "customer_id", "amount"], what)
    require_numeric(tx, "amount", what)
    is_sale = ~tx["is_return"].astype(bool) if "is_return" in tx.columns else pd.Series(True, index=tx.index)
    frame = pd.DataFrame(
        {
            "g": tx[by].astype(str).fillna("(missing)"),
            "c": tx["customer_id"].astype(str),
            "o": order_key(tx),
            "amount": tx["amount"].astype(float),
            "sale": is_sale,
        }
    )
    out = frame.groupby("g").agg(revenue=("amount", "sum"))
    sales = frame[frame["sale"]]
    out = out.join(sales.groupby("g").agg(customers=("c", "nunique"), orders=("o", "nunique")), how="left")
    out[["customers", "orders"]] = out[["customers", "orders"]].fillna(0).astype(int)
    out["share"] = out["revenue"] / out["revenue"].sum()
    out["revenue_per_customer"] = out["revenue"] / out["customers"].where(out["customers"] > 0)
    return out


def region_summary(
    tx: pd.DataFrame,
    *,
    period_days: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    by: str = "region",
) -> pd.DataFrame:
    """Revenue, customers, orders and growth per region.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions with ``region``, ``customer_id``,
        ``order_date`` and ``amount`` (net of return lines if kept).
    period_days : int, optional
        Length of the two periods compared for growth; default half the
        span of the data (rounded down).
    as_of : date, optional
        End of the recent period (exclusive); default the day after the
        last transaction.

    Returns
    -------
    DataFrame
        ``region``, ``revenue``, ``customers``, ``orders``, ``share``,
        ``revenue_per_customer``, ``revenue_recent``,
        ``revenue_previous``, ``growth`` (recent / previous - 1; missing
        when the region had no revenue in the previous period), sorted by
        revenue. ``attrs`` holds the period bounds.
    """
    out = _summary(tx, by, "Revenue by region")
    require_columns(tx, ["order_date"], "Growth by region")
    dates = pd.to_datetime(tx["order_date"])
    end = pd.Timestamp(as_of) if as_of not in (None, "") else dates.max().normalize() + pd.Timedelta(days=1)
    if period_days is None:
        period_days = max(int((end - dates.min().normalize()).days // 2), 1)
    period_days = check_number("period_days", period_days, low=1, integer=True)
    mid, start = end - pd.Timedelta(days=period_days), end - pd.Timedelta(days=2 * period_days)
    g = tx[by].astype(str).fillna("(missing)")
    amount = tx["amount"].astype(float)
    recent = amount[(dates >= mid) & (dates < end)].groupby(g).sum()
    previous = amount[(dates >= start) & (dates < mid)].groupby(g).sum()
    out["revenue_recent"] = recent.reindex(out.index).fillna(0.0)
    out["revenue_previous"] = previous.reindex(out.index).fillna(0.0)
    prev = out["revenue_previous"].where(out["revenue_previous"] > 0)
    out["growth"] = out["revenue_recent"] / prev - 1
    out = out.sort_values("revenue", ascending=False).rename_axis(by).reset_index()
    out.attrs.update(
        {
            "previous_start": str(start.date()),
            "recent_start": str(mid.date()),
            "recent_end": str((end - pd.Timedelta(days=1)).date()),
            "period_days": period_days,
        }
    )
    return out


def channel_summary(tx: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """Revenue, customers, orders and share per purchase channel.

    Returns
    -------
    DataFrame
        ``channel``, ``revenue``, ``customers``, ``orders``, ``share``,
        ``revenue_per_customer``, sorted by revenue.
    """
    out = _summary(tx, by, "Revenue by channel")
    return out.sort_values("revenue", ascending=False).rename_axis(by).reset_index()


def leading_share(summary: pd.DataFrame, column: str = "revenue") -> tuple[str, float]:
    """The largest group of a summary (e.g. the top region) and its share of ``column``.

    Not to be confused with the customer concentration measure
    :func:`toolkit.concentration.top_share`.

    Returns
    -------
    (str, float)
    """
    require_columns(summary, [column], "Leading share")
    if summary.empty or summary[column].sum() <= 0:
        raise DataError("Leading share: the summary is empty or its total is not positive.")
    i = int(np.argmax(summary[column].to_numpy()))
    return str(summary.iloc[i, 0]), float(summary[column].iloc[i] / summary[column].sum())
