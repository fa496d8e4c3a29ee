"""Dormant customers and what winning them back could return.

Who has gone quiet, what they were worth, and the return of a win-back.

A dormant customer (休眠客户) bought more than once — they know the shop —
but has not bought for a while. One-time buyers who went quiet are counted
apart: they never became regular customers. The economics are an
expected-value calculation under stated assumptions: every contacted
customer responds with the same probability, and a customer who responds
places ``orders_per_responder`` orders at their own past average order
value.

All functions are pure: a customer table in (see
:func:`toolkit.dbmarketing.queries.customer_values`), a new DataFrame out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, check_number

__all__ = [
    "STATUSES",
    "customer_status",
    "find_dormant",
    "status_profile",
    "reactivation_scenarios",
    "reactivation_depth",
    "break_even_response_rate",
]

#: Customer statuses, in display order.
STATUSES: tuple[str, ...] = ("active", "dormant", "lapsed_single")

_NEEDED = ("customer_id", "orders", "revenue", "recency_days")


def _check_customers(customers: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in customers.columns]
    if missing:
        raise DataError(
            f"the customer table lacks the column(s) {missing}; available: {list(customers.columns)}. "
            "Build it with toolkit.dbmarketing.queries.customer_values().",
            column=missing[0],
        )


def customer_status(customers: pd.DataFrame, dormant_days: int = 90, min_orders: int = 2) -> pd.Series:
    """Label each customer active, dormant or lapsed_single.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with orders and recency_days.
    dormant_days : int, default 90
        A customer is quiet when their last purchase is more than this many
        days before the analysis date.
    min_orders : int, default 2
        Quiet customers with at least this many orders are dormant; quiet
        customers with fewer are lapsed_single.

    Returns
    -------
    Series
        The status, aligned with ``customers``.
    """
    _check_customers(customers)
    dormant_days = check_number("dormant_days", dormant_days, low=1, integer=True)
    min_orders = check_number("min_orders", min_orders, low=1, integer=True)
    quiet = customers["recency_days"] > dormant_days
    status = np.where(
        ~quiet, "active", np.where(customers["orders"] >= min_orders, "dormant", "lapsed_single")
    )
    return pd.Series(status, index=customers.index, name="status")


def find_dormant(customers: pd.DataFrame, dormant_days: int = 90, min_orders: int = 2) -> pd.DataFrame:
    """The dormant customers, most valuable first.

    Returns
    -------
    DataFrame
        customer_id, region (when given), last_order (when given),
        recency_days, orders, revenue, average_order_value (revenue / orders),
        sorted by revenue (highest first), then customer_id.
    """
    status = customer_status(customers, dormant_days, min_orders)
    keep = [
        c
        for c in ("customer_id", "region", "last_order", "recency_days", "orders", "revenue")
        if c in customers
    ]
    out = customers.loc[status == "dormant", keep].copy()
    out["average_order_value"] = out["revenue"] / out["orders"]
    return out.sort_values(["revenue", "customer_id"], ascending=[False, True]).reset_index(drop=True)


def status_profile(customers: pd.DataFrame, dormant_days: int = 90, min_orders: int = 2) -> pd.DataFrame:
    """Customers, value and habits of each status.

    Returns
    -------
    DataFrame
        status, customers, share_of_customers, revenue (total),
        share_of_revenue, revenue_per_customer, orders_per_customer,
        average_order_value (revenue / orders of the group); one row per status
        in :data:`STATUSES` order, statuses nobody has included with zeros.
    """
    status = customer_status(customers, dormant_days, min_orders)
    total_customers = len(customers)
    total_revenue = float(customers["revenue"].sum())
    rows = []
    for name in STATUSES:
        part = customers[status == name]
        n, revenue, orders = len(part), float(part["revenue"].sum()), int(part["orders"].sum())
        rows.append(
            {
                "status": name,
                "customers": n,
                "share_of_customers": n / total_customers if total_customers else 0.0,
                "revenue": revenue,
                "share_of_revenue": revenue / total_revenue if total_revenue else 0.0,
                "revenue_per_customer": revenue / n if n else 0.0,
                "orders_per_customer": orders / n if n else 0.0,
                "average_order_value": revenue / orders if orders else 0.0,
            }
        )
    return pd.DataFrame(rows)


def break_even_response_rate(
    dormant: pd.DataFrame, cost_per_contact: float, margin: float, orders_per_responder: float = 1
) -> float:
    """The response rate at which contacting every dormant customer breaks even.

    ``contacts * cost_per_contact / (sum of average_order_value * orders_per_responder * margin)``.
    Infinite when a response brings no profit.
    """
    cost = check_number("cost_per_contact", cost_per_contact, low=0)
    margin = check_number("margin", margin, low=0, high=1, hint="For 5%, write 0.05.")
    k = check_number("orders_per_responder", orders_per_responder, low=0)
    value = float(dormant["average_order_value"].clip(lower=0).sum()) * k * margin
    if len(dormant) == 0:
        return float("nan")
    return len(dormant) * cost / value if value > 0 else float("inf")


def reactivation_scenarios(
    dormant: pd.DataFrame,
    response_rates: Sequence[float] = (0.01, 0.02, 0.05, 0.10),
    cost_per_contact: float = 1.0,
    margin: float = 0.25,
    orders_per_responder: float = 1,
) -> pd.DataFrame:
    """Expected return of contacting every dormant customer, at several response rates.

    Parameters
    ----------
    dormant : DataFrame
        Output of :func:`find_dormant`.
    response_rates : sequence of float
        Assumed shares of contacted customers who come back.
    cost_per_contact : float, default 1.0
        Cost of contacting one customer.
    margin : float, default 0.25
        Share of revenue kept as profit.
    orders_per_responder : float, default 1
        Orders a won-back customer places, each worth their past average.

    Returns
    -------
    DataFrame
        response_rate, contacts, responses (expected), revenue (expected),
        cost, profit (expected: revenue * margin - cost), roi (profit / cost).
    """
    cost = check_number("cost_per_contact", cost_per_contact, low=0)
    margin = check_number("margin", margin, low=0, high=1, hint="For 5%, write 0.05.")
    k = check_number("orders_per_responder", orders_per_responder, low=0)
    rates = [
        check_number("response_rates", r, low=0, high=1, hint="For 5%, write 0.05.") for r in response_rates
    ]
    if not rates:
        raise ParameterError("The 'response_rates' parameter must list at least one rate, e.g. [0.02, 0.05].")
    n = len(dormant)
    value = float(dormant["average_order_value"].clip(lower=0).sum()) * k
    rows = []
    for rate in rates:
        revenue = rate * value
        total_cost = n * cost
        profit = revenue * margin - total_cost
        rows.append(
            {
                "response_rate": rate,
                "contacts": n,
                "responses": rate * n,
                "revenue": revenue,
                "cost": total_cost,
                "profit": profit,
                "roi": profit / total_cost if total_cost > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def reactivation_depth(
    dormant: pd.DataFrame,
    response_rate: float = 0.05,
    cost_per_contact: float = 1.0,
    margin: float = 0.25,
    orders_per_responder: float = 1,
) -> pd.DataFrame:
    """Expected profit when contacting the dormant customers best-first.

    Customers are ranked by average order value (highest first; ties by
    customer id); each one's expected profit is ``response_rate *
    average_order_value * orders_per_responder * margin - cost_per_contact``.
    The cumulative profit peaks where the next customer would cost more
    than they are expected to bring.

    Returns
    -------
    DataFrame
        rank (1 = contacted first), customer_id, average_order_value,
        expected_profit, cumulative_profit, share_contacted.
    """
    rate = check_number("response_rate", response_rate, low=0, high=1, hint="For 5%, write 0.05.")
    cost = check_number("cost_per_contact", cost_per_contact, low=0)
    margin = check_number("margin", margin, low=0, high=1, hint="For 5%, write 0.05.")
    k = check_number("orders_per_responder", orders_per_responder, low=0)
    ranked = dormant.sort_values(["average_order_value", "customer_id"], ascending=[False, True]).reset_index(
        drop=True
    )
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(ranked) + 1),
            "customer_id": ranked["customer_id"].to_numpy(),
            "average_order_value": ranked["average_order_value"].to_numpy(dtype=float),
        }
    )
    out["expected_profit"] = rate * out["average_order_value"].clip(lower=0) * k * margin - cost
    out["cumulative_profit"] = out["expected_profit"].cumsum()
    out["share_contacted"] = out["rank"] / len(out) if len(out) else 0.0
    return out
