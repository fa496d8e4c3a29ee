"""Historic (realised) value per customer and how concentrated it is.

Realised value (既成价值) is what a customer has already spent. Its
concentration -- the share of revenue that the best customers bring, the
Lorenz curve and the Gini coefficient -- tells how much the business
depends on a few customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError
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


def _values(values: pd.Series | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise DataError("no customers: the concentration of an empty set is undefined.")
    if not np.all(np.isfinite(arr)) or (arr < 0).any():
        raise DataError(
            f"customer values must be finite and >= 0 for a concentration measure; "
            f"{int((~np.isfinite(arr) | (arr < 0)).sum())} are not."
        )
    if arr.sum() <= 0:
        raise DataError("all customer values are zero: the concentration is undefined.")
    return arr


def lorenz_curve(values: pd.Series | np.ndarray) -> pd.DataFrame:
    """Cumulative share of value against cumulative share of customers, best customers first.

    Returns
    -------
    DataFrame
        ``share_of_customers`` and ``share_of_revenue`` from (0, 0) to (1, 1),
        one row per customer plus the origin.
    """
    arr = np.sort(_values(values))[::-1]
    n = arr.size
    return pd.DataFrame(
        {
            "share_of_customers": np.concatenate([[0.0], np.arange(1, n + 1) / n]),
            "share_of_revenue": np.concatenate([[0.0], np.cumsum(arr) / arr.sum()]),
        }
    )


def gini(values: pd.Series | np.ndarray) -> float:
    """Gini coefficient of customer values (0 = all equal, towards 1 = one customer has it all).

    ``G = sum_i (2i - n - 1) v_(i) / (n sum v)`` with values sorted ascending.
    """
    arr = np.sort(_values(values))
    n = arr.size
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * arr).sum() / (n * arr.sum()))


def top_share(values: pd.Series | np.ndarray, share: float = 0.2) -> float:
    """Share of total value held by the top ``share`` of customers.

    The top group is ``ceil(share * n)`` customers, so with 4,338 customers
    the top 20% are 868 customers.
    """
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share <= 1:
        raise ParameterError(f"The 'share' parameter must be a number in the range (0, 1]. Got {share!r} instead.")
    arr = np.sort(_values(values))[::-1]
    k = int(np.ceil(share * arr.size - 1e-9))
    return float(arr[:k].sum() / arr.sum())
