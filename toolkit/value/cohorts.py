"""Monthly acquisition cohorts: retention and revenue by month since the first purchase.

A customer's cohort is the calendar month of her first purchase. For every
cohort and every month since acquisition (0 = the acquisition month) the
cohort table counts the customers who bought in that month and the revenue
they brought. Months that the data cover only in part (the last month when
the analysis date falls inside it) are flagged ``complete = False``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError, check_choice, describe_value
from toolkit.value.summary import _check_transactions, _to_day

__all__ = ["customer_cohorts", "cohort_table", "retention_matrix"]


def customer_cohorts(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
) -> pd.Series:
    """Acquisition month of each customer.

    Parameters
    ----------
    transactions : DataFrame
        Transactions of the form customer_id, order_date, amount.

    Returns
    -------
    Series
        Indexed by ``customer_id``, values ``pandas.Period`` (monthly),
        named ``cohort``.
    """
    frame = _check_transactions(transactions, customer_col, date_col, amount_col)
    first = frame.groupby(customer_col)[date_col].min()
    out = first.dt.to_period("M").rename("cohort")
    out.index.name = "customer_id"
    return out


def cohort_table(
    transactions: pd.DataFrame,
    *,
    as_of: object = None,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Retention and revenue of each acquisition cohort, month by month.

    Parameters
    ----------
    transactions : DataFrame
        Transactions of the form customer_id, order_date, amount (no return lines).
    as_of : date-like, optional
        Analysis date (transactions are before it). Default: the day after
        the last transaction. Used only to flag incomplete months.
    customer_col, date_col, amount_col : str
        Names of the columns, when they differ from the canonical ones.

    Returns
    -------
    DataFrame
        One row per cohort and month since acquisition, up to the last month
        in the data: ``cohort`` ("YYYY-MM"), ``months_since`` (0, 1, ...),
        ``month`` ("YYYY-MM"), ``cohort_size``, ``active_customers``,
        ``retention`` (active / size), ``revenue``, ``revenue_per_customer``
        (revenue / size), ``cumulative_revenue_per_customer`` and
        ``complete`` (the month is fully observed).
    """
    frame = _check_transactions(transactions, customer_col, date_col, amount_col)
    last_day = frame[date_col].max()
    as_of_day = last_day + pd.Timedelta(days=1) if as_of in (None, "") else _to_day(as_of, "as_of")
    if as_of_day <= last_day:
        raise ParameterError(
            f"The 'as_of' parameter must be after the last transaction ({last_day.date()}). "
            f"Got {describe_value(as_of)} instead."
        )
    month = frame[date_col].dt.to_period("M")
    cohort = month.groupby(frame[customer_col]).transform("min")
    since = (month.dt.year - cohort.dt.year) * 12 + (month.dt.month - cohort.dt.month)
    acts = pd.DataFrame(
        {
            "cohort": cohort,
            "months_since": since.astype(int),
            "customer_id": frame[customer_col],
            "amount": frame[amount_col],
        }
    )
    grouped = acts.groupby(["cohort", "months_since"])
    active = grouped["customer_id"].nunique()
    revenue = grouped["amount"].sum()
    sizes = acts.loc[acts["months_since"] == 0].groupby("cohort")["customer_id"].nunique()

    last_month = last_day.to_period("M")
    rows = []
    for c, size in sizes.items():
        span = (last_month.year - c.year) * 12 + (last_month.month - c.month)
        for k in range(span + 1):
            rows.append((c, k, int(size)))
    table = pd.DataFrame(rows, columns=["cohort", "months_since", "cohort_size"])
    key = pd.MultiIndex.from_frame(table[["cohort", "months_since"]])
    table["active_customers"] = active.reindex(key, fill_value=0).to_numpy().astype(int)
    table["retention"] = table["active_customers"] / table["cohort_size"]
    table["revenue"] = revenue.reindex(key, fill_value=0.0).to_numpy().astype(float)
    table["revenue_per_customer"] = table["revenue"] / table["cohort_size"]
    table["cumulative_revenue_per_customer"] = table.groupby("cohort")["revenue_per_customer"].cumsum()
    cal_month = table["cohort"] + table["months_since"].to_numpy()
    month_end = pd.PeriodIndex(cal_month).end_time.normalize()
    table["complete"] = np.asarray(month_end < as_of_day)
    table.insert(2, "month", cal_month.astype(str))
    table["cohort"] = table["cohort"].astype(str)
    return table


def retention_matrix(table: pd.DataFrame, value: str = "retention") -> pd.DataFrame:
    """Pivot a :func:`cohort_table` into a cohort x months-since matrix.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cohort_table`.
    value : str, default "retention"
        Column to show: ``retention``, ``active_customers``, ``revenue``,
        ``revenue_per_customer`` or ``cumulative_revenue_per_customer``.

    Returns
    -------
    DataFrame
        Rows: cohorts (oldest first); columns: months since acquisition;
        cells beyond the end of the data are NaN.
    """
    check_choice(
        "value",
        value,
        [
            "retention",
            "active_customers",
            "revenue",
            "revenue_per_customer",
            "cumulative_revenue_per_customer",
        ],
    )
    matrix = table.pivot(index="cohort", columns="months_since", values=value)
    matrix.columns.name = "months_since"
    return matrix.sort_index()
