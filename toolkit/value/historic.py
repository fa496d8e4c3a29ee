"""Historic (realised) value per customer and how concentrated it is.

Realised value (既成价值) is what a customer has already spent. Its
concentration -- the share of revenue that the best customers bring, the
Lorenz curve and the Gini coefficient -- tells how much the business
depends on a few customers. Those measures are defined once, in
:mod:`toolkit.concentration`, and re-exported here.
"""

from __future__ import annotations

import pandas as pd

from toolkit.concentration import gini, lorenz_curve, top_share
from toolkit.value.summary import _check_transactions

__all__ = ["historic_value", "lorenz_curve", "gini", "top_share"]


def historic_value(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
    order_col: str = "order_id",
) -> pd.DataFrame:
    """Revenue, orders and purchase dates per customer.

    Parameters
    ----------
    transactions : DataFrame
        Transactions of the form customer_id, order_date, amount [, order_id].
        Without an order column, each purchase day counts as one order.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, sorted by revenue (highest first):
        ``revenue``, ``orders``, ``average_order_value``, ``first_purchase``,
        ``last_purchase``.
    """
    frame = _check_transactions(transactions, customer_col, date_col, amount_col)
    if order_col in transactions.columns:
        frame["_order"] = transactions[order_col].astype(str).to_numpy()
    else:
        frame["_order"] = frame[date_col].dt.strftime("%Y-%m-%d").to_numpy()
    grouped = frame.groupby(customer_col)
    out = pd.DataFrame(
        {
            "revenue": grouped[amount_col].sum(),
            "orders": grouped["_order"].nunique().astype(int),
            "first_purchase": grouped[date_col].min(),
            "last_purchase": grouped[date_col].max(),
        }
    )
    out.insert(2, "average_order_value", out["revenue"] / out["orders"])
    out.index.name = "customer_id"
    return out.sort_values(["revenue"], ascending=False, kind="mergesort")
