"""Describe a canonical transaction table.

Period, size, revenue over time, top products and regions: pure functions
used by the data-overview report.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["customer_counts", "overview_figures", "monthly_revenue", "top_items"]


def overview_figures(transactions: pd.DataFrame) -> dict[str, object]:
    """Headline figures of a transaction table.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (customer_id, order_date, amount[, order_id,
        product_id, region]).

    Returns
    -------
    dict
        first_date, last_date, days, rows, customers, orders (distinct order
        ids, or distinct customer-day pairs without them), revenue (sum of
        amount), products and regions where those columns exist.
    """
    tx = transactions
    figures: dict[str, object] = {
        "first_date": tx["order_date"].min(),
        "last_date": tx["order_date"].max(),
        "rows": int(len(tx)),
        "customers": int(tx["customer_id"].nunique()),
        "revenue": float(tx["amount"].sum()),
    }
    first, last = pd.Timestamp(tx["order_date"].min()), pd.Timestamp(tx["order_date"].max())
    figures["days"] = int((last.normalize() - first.normalize()).days) + 1
    if "order_id" in tx:
        figures["orders"] = int(tx["order_id"].nunique())
    else:
        figures["orders"] = int(
            tx.assign(day=tx["order_date"].dt.normalize())[["customer_id", "day"]].drop_duplicates().shape[0]
        )
    if "product_id" in tx or "product_name" in tx:
        figures["products"] = int(tx["product_id" if "product_id" in tx else "product_name"].nunique())
    if "region" in tx:
        figures["regions"] = int(tx["region"].nunique())
    return figures


def customer_counts(file_rows: pd.DataFrame, analysed: pd.DataFrame) -> dict[str, int]:
    """How many customer ids the file holds and how many the analysis keeps.

    Published figures for a data set (4,372 customers in UCI Online Retail)
    count every distinct customer id in the file, whatever the row; the
    analysis counts those left after the cleaning rules. Both are reported
    so a user can check the first against the source and see the second.

    Parameters
    ----------
    file_rows : DataFrame
        Every row of the file in canonical columns, before cleaning (e.g.
        ``read_canonical(...).canonical``); ids are compared as the data
        layer normalised them, missing ids are not counted.
    analysed : DataFrame
        The cleaned transactions.

    Returns
    -------
    dict
        ``customers_in_file``, ``customers_analysed`` and
        ``customers_left_out`` (ids in the file none of whose rows survived
        the cleaning rules).
    """
    in_file = set(file_rows["customer_id"].dropna())
    kept = set(analysed["customer_id"].dropna())
    return {
        "customers_in_file": len(in_file),
        "customers_analysed": len(kept),
        "customers_left_out": len(in_file - kept),
    }


def monthly_revenue(transactions: pd.DataFrame) -> pd.DataFrame:
    """Revenue, orders and active customers per calendar month.

    Returns
    -------
    DataFrame
        month (Period[M]), revenue, customers, orders and ``partial`` —
        True for the first and last month when the data start or end
        inside them, so charts can say a low last bar is not a slump.
    """
    tx = transactions.assign(month=transactions["order_date"].dt.to_period("M"))
    order_key = "order_id" if "order_id" in tx else None
    grouped = tx.groupby("month")
    table = pd.DataFrame(
        {
            "revenue": grouped["amount"].sum(),
            "customers": grouped["customer_id"].nunique(),
            "orders": grouped[order_key].nunique() if order_key else grouped.size(),
        }
    ).reset_index()
    first, last = tx["order_date"].min(), tx["order_date"].max()
    starts_inside = first.normalize() > first.to_period("M").start_time
    ends_inside = last.normalize() < last.to_period("M").end_time.normalize()
    table["partial"] = False
    if starts_inside:
        table.loc[table.index[0], "partial"] = True
    if ends_inside:
        table.loc[table.index[-1], "partial"] = True
    return table


def top_items(transactions: pd.DataFrame, column: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest values of ``column`` by revenue.

    Returns
    -------
    DataFrame
        ``column``, revenue, share_of_revenue, customers, cumulative_share.
    """
    grouped = transactions.groupby(column, dropna=False)
    table = pd.DataFrame({"revenue": grouped["amount"].sum(), "customers": grouped["customer_id"].nunique()})
    total = table["revenue"].sum()
    table = table.sort_values("revenue", ascending=False).reset_index()
    table["share_of_revenue"] = table["revenue"] / total if total else 0.0
    table["cumulative_share"] = table["share_of_revenue"].cumsum()
    return table.head(n)[[column, "revenue", "share_of_revenue", "cumulative_share", "customers"]]
