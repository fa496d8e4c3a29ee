"""Right People: how revenue is spread over customers, and who comes back.

Functions take canonical transactions (``customer_id``, ``order_date``,
``amount`` and optionally ``order_id`` and ``is_return``) and return new
frames or small result objects; nothing is printed or plotted here.
"""

from __future__ import annotations

import pandas as pd

from toolkit.concentration import Concentration, lorenz_curve
from toolkit.concentration import concentration as measure_concentration
from toolkit.eight_r._checks import order_key, require_columns, require_numeric, sales_only
from toolkit.errors import DataError, check_number

__all__ = [
    "Concentration",
    "customer_revenue",
    "lorenz_curve",
    "concentration",
    "new_vs_returning",
    "repeat_customers",
]


def customer_revenue(tx: pd.DataFrame) -> pd.DataFrame:
    """Net revenue, orders and first and last purchase per customer.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions: ``customer_id``, ``order_date``, ``amount``
        [, ``order_id``, ``is_return``]. Return lines (negative amounts)
        reduce the customer's net revenue; orders count sales only.

    Returns
    -------
    DataFrame
        ``customer_id``, ``revenue``, ``orders``, ``first_order``,
        ``last_order``, sorted by revenue (largest first).
    """
    require_columns(tx, ["customer_id", "order_date", "amount"], "Revenue per customer")
    require_numeric(tx, "amount", "Revenue per customer")
    frame = pd.DataFrame(
        {
            "customer_id": tx["customer_id"].astype(str),
            "order_date": pd.to_datetime(tx["order_date"]),
            "amount": tx["amount"].astype(float),
            "order": order_key(tx),
            "sale": ~tx["is_return"].astype(bool) if "is_return" in tx.columns else True,
        }
    )
    sales = frame[frame["sale"]]
    out = frame.groupby("customer_id").agg(revenue=("amount", "sum"))
    per = sales.groupby("customer_id").agg(
        orders=("order", "nunique"), first_order=("order_date", "min"), last_order=("order_date", "max")
    )
    out = out.join(per, how="left")
    out["orders"] = out["orders"].fillna(0).astype(int)
    out = out.reset_index().sort_values(["revenue", "customer_id"], ascending=[False, True])
    return out.reset_index(drop=True)


def concentration(tx_or_revenue: pd.DataFrame | pd.Series, top: float = 0.2) -> Concentration:
    """Share of revenue from the top customers, Gini coefficient and Lorenz curve.

    The measures are those of :mod:`toolkit.concentration` (one definition
    for every report): customers with positive net revenue count, the top
    group is ``ceil(top x n)`` customers, and customers with zero or
    negative net revenue are left out and counted in ``excluded``.

    Parameters
    ----------
    tx_or_revenue : DataFrame or Series
        Canonical transactions, the output of :func:`customer_revenue`, or
        a Series of revenue per customer.
    top : float, default 0.2
        Top share of customers (0.2 = the "top 20%").

    Returns
    -------
    Concentration
    """
    top = check_number("top", top, low=0, high=1, closed="neither")
    if isinstance(tx_or_revenue, pd.Series):
        revenue = tx_or_revenue.astype(float)
    elif (
        isinstance(tx_or_revenue, pd.DataFrame)
        and "revenue" in tx_or_revenue.columns
        and "amount" not in tx_or_revenue.columns
    ):
        revenue = tx_or_revenue["revenue"].astype(float)
    else:
        revenue = customer_revenue(tx_or_revenue)["revenue"]
    return measure_concentration(revenue, top)


def new_vs_returning(tx: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """New and returning customers and their revenue per period.

    A customer is *new* in the period of their first purchase in the data
    and *returning* in every later period in which they buy.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions (sales lines are used; returns ignored).
    freq : str, default "M"
        Period length as a pandas period alias ("M" month, "Q" quarter).

    Returns
    -------
    DataFrame
        ``period`` (str), ``customers``, ``new_customers``,
        ``returning_customers``, ``returning_share``, ``revenue_new``,
        ``revenue_returning``, ``censored``. ``censored`` is True for the
        first period: everyone buying then looks new because earlier history
        is not in the data.
    """
    require_columns(tx, ["customer_id", "order_date", "amount"], "New versus returning customers")
    sales = sales_only(tx)
    frame = pd.DataFrame(
        {
            "customer_id": sales["customer_id"].astype(str),
            "period": pd.to_datetime(sales["order_date"]).dt.to_period(freq),
            "amount": sales["amount"].astype(float),
        }
    )
    first = frame.groupby("customer_id")["period"].min().rename("first_period")
    frame = frame.join(first, on="customer_id")
    frame["is_new"] = frame["period"] == frame["first_period"]
    per_cust = frame.groupby(["period", "customer_id"]).agg(
        is_new=("is_new", "first"), amount=("amount", "sum")
    )
    per_cust = per_cust.reset_index()
    out = per_cust.groupby("period").agg(
        customers=("customer_id", "size"),
        new_customers=("is_new", "sum"),
    )
    out["returning_customers"] = out["customers"] - out["new_customers"]
    out["returning_share"] = out["returning_customers"] / out["customers"]
    rev = per_cust.pivot_table(
        index="period", columns="is_new", values="amount", aggfunc="sum", fill_value=0.0
    )
    out["revenue_new"] = rev.get(True, pd.Series(0.0, index=rev.index)).reindex(out.index).fillna(0.0)
    out["revenue_returning"] = rev.get(False, pd.Series(0.0, index=rev.index)).reindex(out.index).fillna(0.0)
    out["new_customers"] = out["new_customers"].astype(int)
    out["returning_customers"] = out["returning_customers"].astype(int)
    out = out.sort_index().reset_index()
    out["censored"] = out.index == 0
    out["period"] = out["period"].astype(str)
    return out


def repeat_customers(tx: pd.DataFrame) -> dict[str, float]:
    """How many customers bought more than once.

    Orders are distinct ``order_id`` values, or distinct purchase days
    when no order id is mapped.

    Returns
    -------
    dict
        ``customers``, ``repeat_customers`` (two or more orders) and
        ``repeat_share``.
    """
    require_columns(tx, ["customer_id", "order_date"], "Repeat customers")
    sales = sales_only(tx)
    orders = pd.DataFrame({"c": sales["customer_id"].astype(str), "o": order_key(sales)})
    per = orders.groupby("c")["o"].nunique()
    if per.empty:
        raise DataError("Repeat customers: the data has no sales lines.")
    repeat = int((per >= 2).sum())
    return {"customers": int(per.size), "repeat_customers": repeat, "repeat_share": repeat / per.size}
