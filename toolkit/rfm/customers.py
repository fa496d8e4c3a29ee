"""The RFM customer table: one row per customer, built from transactions.

Definitions (also in ``docs/rfm.md``):

- **Recency** is counted in whole calendar days from the date of the last
  purchase to the analysis date ``as_of`` (a purchase the day before the
  analysis date has recency 1). ``recency_months`` is the same gap in
  months for the textbook's weighted method: the number of started
  30.4375-day months, never less than 1, so "bought this month" is month 1
  and the weighted R score never divides by zero.
- **Frequency** is the number of distinct orders (order ids) with at least
  one purchase line; without an order id it is the number of distinct
  purchase dates. Cancellation and return lines never add to frequency.
- **Monetary** is the customer's spend. With ``returns="net"`` the value
  of return lines kept by the cleaning rules (``is_return``) is subtracted,
  giving net spend; with ``returns="ignore"`` return lines are left out and
  monetary is gross spend. When the cleaning rule ``returns`` dropped
  return lines, both give the same result.

Customers who have return lines but no purchase at all have no last
purchase and therefore no recency; they are counted and left out of the
table, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, check_choice, check_date, format_examples

__all__ = [
    "RETURNS_RULES",
    "DAYS_PER_MONTH",
    "CUSTOMER_COLUMNS",
    "CustomerTable",
    "customer_table",
    "months_since",
    "resolve_as_of",
]

RETURNS_RULES: tuple[str, ...] = ("net", "ignore")
DAYS_PER_MONTH: float = 365.25 / 12
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "first_purchase",
    "last_purchase",
    "recency",
    "recency_months",
    "frequency",
    "monetary",
    "mean_order_value",
    "returned",
)


@dataclass(frozen=True)
class CustomerTable:
    """A customer table with the facts needed to explain it.

    Attributes
    ----------
    customers : DataFrame
        One row per customer, columns :data:`CUSTOMER_COLUMNS`, sorted by
        ``customer_id``.
    as_of : Timestamp
        The analysis date recency is counted to.
    returns : str
        How return lines entered monetary value (``"net"`` or ``"ignore"``).
    frequency_basis : str
        ``"orders"`` (distinct order ids) or ``"purchase_dates"``.
    counts : dict
        ``lines`` (transaction lines read), ``purchase_lines``,
        ``return_lines``, ``customers``, ``customers_returns_only`` (left
        out: no purchase), ``customers_non_positive_monetary`` (kept).
    recency_unit : str
        ``"days"`` (tables from transactions) or ``"months"`` (customer-level
        data given in months); the unit of the ``recency`` column.
    quality : DataQuality, optional
        The cleaning rules' counts when the table was built straight from a
        file (:func:`toolkit.data.duckdb.customers.customer_table_from_file`).
    """

    customers: pd.DataFrame
    as_of: pd.Timestamp | None
    returns: str
    frequency_basis: str
    counts: dict[str, int] = field(default_factory=dict)
    recency_unit: str = "days"
    quality: Any = None


def months_since(days: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """Convert recency in days into the textbook's months since last purchase.

    Parameters
    ----------
    days : Series or array of int
        Recency in days (0 or more).

    Returns
    -------
    Series or array of int
        The number of started months of 30.4375 days, at least 1: days 0-30
        give 1, days 31-60 give 2, and so on.
    """
    months = np.maximum(1, np.ceil(np.asarray(days, dtype="float64") / DAYS_PER_MONTH)).astype("int64")
    if isinstance(days, pd.Series):
        return pd.Series(months, index=days.index, name="recency_months")
    return months


def resolve_as_of(order_dates: pd.Series, as_of: str | pd.Timestamp | None) -> pd.Timestamp:
    """Return the analysis date: the one given, or midnight after the last order.

    Raises
    ------
    ParameterError
        If ``as_of`` is not a date.
    """
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        last = order_dates.max()
        if pd.isna(last):
            raise ParameterError("There are no order dates to take a default analysis date from; set as_of.")
        return pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    return check_date("as_of", as_of)


def _check_transactions(tx: pd.DataFrame) -> None:
    if not isinstance(tx, pd.DataFrame):
        raise ParameterError(f"The transactions must be a pandas DataFrame. Got {type(tx).__name__} instead.")
    missing = [c for c in ("customer_id", "order_date", "amount") if c not in tx.columns]
    if missing:
        raise DataError(
            f"the transactions have no column {missing}; available: {list(tx.columns)}. "
            "Load them with toolkit.data.load_transactions, which maps and validates the columns.",
            column=missing[0],
        )
    if not pd.api.types.is_datetime64_any_dtype(tx["order_date"]):
        raise DataError(
            f"column 'order_date' must hold dates; it has type {tx['order_date'].dtype}.", column="order_date"
        )
    for column in ("customer_id", "order_date", "amount"):
        bad = tx[column].isna()
        if bad.any():
            rows = list(np.flatnonzero(bad.to_numpy())[:5] + 1)
            raise DataError(
                f"column {column!r} is empty on {int(bad.sum()):,} line(s) (lines {format_examples(rows)}); "
                "the cleaning rules of toolkit.data.load_transactions remove such lines and count them.",
                column=column,
                rows=rows,
            )


def customer_table(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp | None = None,
    *,
    returns: str = "net",
) -> CustomerTable:
    """Build the RFM customer table from canonical transactions.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transaction lines of the form ``customer_id, order_date,
        amount [, order_id] [, is_return]``, as returned by
        ``toolkit.data.load_transactions(...).transactions``. Without
        ``is_return``, lines with a negative amount are taken as returns.
    as_of : str or Timestamp, optional
        Analysis date; default midnight after the last transaction.
    returns : {"net", "ignore"}, default "net"
        How return lines enter monetary value: subtracted (net spend) or
        left out (gross spend). They never count as orders.

    Returns
    -------
    CustomerTable
        ``.customers`` has one row per customer with columns
        :data:`CUSTOMER_COLUMNS`.

    Raises
    ------
    DataError
        Missing columns or values, or purchases dated after ``as_of``.
    ParameterError
        An unknown ``returns`` rule or a malformed ``as_of``.
    """
    check_choice("returns", returns, RETURNS_RULES)
    _check_transactions(transactions)
    tx = transactions
    as_of_ts = resolve_as_of(tx["order_date"], as_of)
    is_return = (
        tx["is_return"].astype(bool).to_numpy() if "is_return" in tx else (tx["amount"] < 0).to_numpy()
    )
    purchases = tx.loc[
        ~is_return, ["customer_id", "order_date", "amount"] + (["order_id"] if "order_id" in tx else [])
    ]
    late = purchases["order_date"] > as_of_ts
    if late.any():
        raise DataError(
            f"{int(late.sum()):,} purchase line(s) are dated after the analysis date {as_of_ts:%Y-%m-%d} "
            f"(latest {purchases['order_date'].max():%Y-%m-%d}); choose a later as_of, or let the cleaning "
            "rule future_dates remove them.",
            column="order_date",
        )
    if "order_id" in purchases:
        no_order = purchases["order_id"].isna()
        if no_order.any():
            raise DataError(
                f"column 'order_id' is empty on {int(no_order.sum()):,} purchase line(s); frequency counts "
                "orders, so every purchase line needs one (or map no order_id to count purchase dates).",
                column="order_id",
            )
        basis, order_key = "orders", purchases["order_id"]
    else:
        basis, order_key = "purchase_dates", purchases["order_date"].dt.normalize()

    ids = purchases["customer_id"].astype("string")
    grouped = purchases.groupby(ids, sort=True)
    table = pd.DataFrame(
        {
            "first_purchase": grouped["order_date"].min(),
            "last_purchase": grouped["order_date"].max(),
        }
    )
    table["frequency"] = order_key.groupby(ids, sort=True).nunique().astype("int64")
    gross = grouped["amount"].sum()
    return_lines = tx.loc[is_return, ["customer_id", "amount"]]
    returned = -return_lines.groupby(return_lines["customer_id"].astype("string"))["amount"].sum()
    returned = returned.reindex(table.index, fill_value=0.0).astype("float64")
    table["recency"] = (as_of_ts.normalize() - table["last_purchase"].dt.normalize()).dt.days.astype("int64")
    table["recency_months"] = months_since(table["recency"])
    # rounding to 1e-6 removes float noise from summing many lines (a fully
    # returned customer has net spend 0, not 1e-13), so both engines agree
    table["monetary"] = ((gross - returned) if returns == "net" else gross).round(6)
    table["mean_order_value"] = table["monetary"] / table["frequency"]
    table["returned"] = returned.round(6)
    table.index.name = "customer_id"
    table = table.reset_index()[list(CUSTOMER_COLUMNS)]
    table["customer_id"] = table["customer_id"].astype("string")

    returns_only = set(return_lines["customer_id"].astype("string").unique()) - set(table["customer_id"])
    counts = {
        "lines": int(len(tx)),
        "purchase_lines": int(len(purchases)),
        "return_lines": int(is_return.sum()),
        "customers": int(len(table)),
        "customers_returns_only": len(returns_only),
        "customers_non_positive_monetary": int((table["monetary"] <= 0).sum()),
    }
    return CustomerTable(table, as_of_ts, returns, basis, counts)
