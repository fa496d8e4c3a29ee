"""How concentrated value is among customers: one definition of each measure.

Every report that shows a top-20% share, a Gini coefficient or a Lorenz
curve computes it here, so the same data give the same figure everywhere.

Definitions
-----------
Which customers count
    Customers with a positive value (revenue, spend, lifetime value). A
    customer whose value is zero or negative (say, everything bought was
    returned) has no place on a curve of shares and is left out; the
    :class:`Concentration` result says how many were left out
    (``excluded``) so a report can state it. A missing or infinite value is
    an error, never skipped.
Lorenz curve
    Customers sorted from the smallest value to the largest (the usual
    order); the curve joins (0, 0), (i/n, share of value held by the i
    smallest customers), ..., (1, 1). It lies on or below the diagonal.
Top share
    The share of value held by the ``k = ceil(share x n)`` customers with
    the largest values: with 4,338 customers the top 20% are 868
    customers. Rounding up means the top group is never empty and a user
    can check the figure by sorting a spreadsheet and adding the first k
    rows. Ties at the boundary do not matter (equal values, equal sum).
Gini coefficient
    ``G = sum_i (2i - n - 1) x_(i) / (n sum x)`` with ``x_(1) <= ... <=
    x_(n)``: 1 minus twice the area under the Lorenz curve, and also the
    mean absolute difference between two customers divided by twice the
    mean. 0 when all customers are equal, ``(n - 1) / n`` when one customer
    holds everything; no small-sample correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import DataError, check_number

__all__ = [
    "Concentration",
    "concentration",
    "counted_values",
    "lorenz_curve",
    "gini",
    "top_share",
    "top_count",
]


@dataclass(frozen=True)
class Concentration:
    """How concentrated value is among customers.

    Attributes
    ----------
    top : float
        The share of customers in the top group (0.2 = the top 20%).
    top_customers : int
        Customers in the top group, ``ceil(top x customers)``.
    top_share : float
        Share of value held by the top group.
    gini : float
        Gini coefficient (0 = all equal, towards 1 = one customer has it all).
    customers : int
        Customers counted (value > 0).
    excluded : int
        Customers left out because their value was zero or negative.
    lorenz : DataFrame
        ``share_of_customers`` and ``share_of_revenue``, n + 1 rows from
        (0, 0) to (1, 1), customers sorted from the smallest value.
    """

    top: float
    top_customers: int
    top_share: float
    gini: float
    customers: int
    excluded: int
    lorenz: pd.DataFrame


def counted_values(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """The values a concentration measure counts, sorted ascending, and how many were left out.

    Parameters
    ----------
    values : array-like of float
        One value per customer.

    Returns
    -------
    (ndarray, int)
        The positive values in ascending order, and the number of zero or
        negative values left out.

    Raises
    ------
    DataError
        A value is missing or infinite, or no value is positive.
    """
    arr = np.asarray(values, dtype=float).ravel()
    bad = ~np.isfinite(arr)
    if bad.any():
        where = [int(i) + 1 for i in np.flatnonzero(bad)[:5]]
        raise DataError(
            f"A concentration measure needs a finite value for every customer; {int(bad.sum()):,} "
            f"are missing or infinite (customers {where} in the order given). Fix or drop them first."
        )
    positive = np.sort(arr[arr > 0])
    if positive.size == 0:
        raise DataError(
            f"A concentration measure needs at least one customer with a value above zero; "
            f"all {arr.size:,} customers have zero or less."
        )
    return positive, int(arr.size - positive.size)


def top_count(customers: int, share: float = 0.2) -> int:
    """Customers in the top ``share``: ``ceil(share x customers)`` (868 of 4,338 for 20%)."""
    share = check_number("share", share, low=0, high=1, closed="right")
    # the small tolerance keeps 0.2 x 10 = 2.0000000000000004 from becoming 3
    return max(1, math.ceil(share * customers - 1e-9))


def _lorenz(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "share_of_customers": np.arange(x.size + 1) / x.size,
            "share_of_revenue": np.concatenate([[0.0], np.cumsum(x)]) / x.sum(),
        }
    )


def _gini(x: np.ndarray) -> float:
    i = np.arange(1, x.size + 1)
    return float(((2 * i - x.size - 1) * x).sum() / (x.size * x.sum()))


def _top(x: np.ndarray, share: float) -> tuple[int, float]:
    k = top_count(x.size, share)
    return k, float(x[x.size - k :].sum() / x.sum())


def lorenz_curve(values: pd.Series | np.ndarray) -> pd.DataFrame:
    """Points of the Lorenz curve, customers sorted from the smallest value.

    Parameters
    ----------
    values : array-like of float
        One value per customer; zero and negative values are left out (see
        the module docstring; :func:`concentration` counts them).

    Returns
    -------
    DataFrame
        ``share_of_customers`` and ``share_of_revenue``, n + 1 rows from
        (0, 0) to (1, 1).
    """
    return _lorenz(counted_values(values)[0])


def gini(values: pd.Series | np.ndarray) -> float:
    """Gini coefficient of the positive customer values (definition in the module docstring)."""
    return _gini(counted_values(values)[0])


def top_share(values: pd.Series | np.ndarray, share: float = 0.2) -> float:
    """Share of the positive value held by the ``ceil(share x n)`` customers with the largest values."""
    share = check_number("share", share, low=0, high=1, closed="right")
    return _top(counted_values(values)[0], share)[1]


def concentration(values: pd.Series | np.ndarray, top: float = 0.2) -> Concentration:
    """Top share, Gini coefficient and Lorenz curve together, with the customers counted and left out.

    Parameters
    ----------
    values : array-like of float
        One value per customer.
    top : float, default 0.2
        Share of customers in the top group.

    Returns
    -------
    Concentration
    """
    top = check_number("top", top, low=0, high=1, closed="right")
    x, excluded = counted_values(values)
    k, share = _top(x, top)
    return Concentration(
        top=top,
        top_customers=k,
        top_share=share,
        gini=_gini(x),
        customers=int(x.size),
        excluded=excluded,
        lorenz=_lorenz(x),
    )
