"""Match each cancellation to the sale it reverses.

A cancelled order shows up twice in a transaction export: the sale, and a
later line with the same customer, product and quantity, negated (in UCI
Online Retail its invoice number starts with "C"). Dropping only the
cancellation line leaves the sale in, so an order of 80,995 units that was
cancelled twelve minutes later still counts as a best seller. This module
pairs the two, with one definition that every engine uses: the SQL engines
fetch only the candidate lines and call :func:`match_cancellations`.

The rule: cancellations are taken in time order (ties in file order). Each
is matched to the latest sale not yet matched that has the same customer,
the same product and the same absolute quantity, and is dated no later than
the cancellation. Among sales on that same latest date the first in file
order is taken, so when a sale line is repeated (an exact duplicate, which
the duplicates rule removes), the cancellation takes the copy that stays,
and the cancelled order is gone in full. A cancellation with no such sale
is not matched; it stays a return.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict

import numpy as np
import pandas as pd

__all__ = ["MATCH_COLUMNS", "match_cancellations", "candidate_lines"]

#: The columns :func:`match_cancellations` reads.
MATCH_COLUMNS: tuple[str, ...] = (
    "row",
    "customer_id",
    "product_id",
    "quantity",
    "order_date",
    "is_cancellation",
)


def candidate_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines that can take part in a match: keys that have at least one cancellation.

    Parameters
    ----------
    lines : DataFrame
        With the columns of :data:`MATCH_COLUMNS`.

    Returns
    -------
    DataFrame
        The subset of ``lines`` whose (customer, product, absolute quantity)
        also occurs on a cancellation, with blanks and zero quantities left out.
    """
    usable = lines.dropna(subset=["customer_id", "product_id", "quantity", "order_date"])
    usable = usable[usable["quantity"] != 0]
    key = pd.MultiIndex.from_arrays(
        [
            usable["customer_id"].astype(str),
            usable["product_id"].astype(str).str.strip().str.upper(),
            usable["quantity"].abs(),
        ]
    )
    cancel_keys = key[usable["is_cancellation"].to_numpy(dtype=bool)]
    return usable[key.isin(cancel_keys)]


def match_cancellations(lines: pd.DataFrame) -> np.ndarray:
    """The ``row`` values of matched cancellations and of the sales they reverse.

    Parameters
    ----------
    lines : DataFrame
        One row per transaction line with the columns ``row`` (a unique
        integer line number), ``customer_id``, ``product_id``, ``quantity`` (negative on
        cancellations), ``order_date`` and ``is_cancellation`` (bool: a
        negative quantity or a cancellation order id). Lines with a blank
        key or a zero quantity never match.

    Returns
    -------
    ndarray
        Sorted ``row`` values of both sides of every match.

    Examples
    --------
    A sale of 5 on 1 March and its cancellation on 2 March match; a second
    cancellation of 5 finds no sale left and stays a return.
    """
    cand = candidate_lines(lines)
    if cand.empty:
        return np.array([], dtype=lines["row"].dtype if "row" in lines else np.int64)
    cand = cand.assign(
        _product=cand["product_id"].astype(str).str.strip().str.upper(),
        _qty=cand["quantity"].abs(),
        _customer=cand["customer_id"].astype(str),
        _cancel=cand["is_cancellation"].astype(bool),
    ).sort_values(["order_date", "_cancel", "row"], kind="mergesort")
    # visiting lines in time order, sales before cancellations at the same moment, every open
    # sale of a key is dated no later than the cancellation at hand; each list stays sorted by
    # (date, row), so the latest open sales are at its end, the first of them in file order
    # at the position bisect finds for that date
    open_sales: dict[tuple, list] = defaultdict(list)
    matched: list = []
    for key_c, key_p, key_q, when, row, is_cancel in zip(
        cand["_customer"], cand["_product"], cand["_qty"], cand["order_date"], cand["row"], cand["_cancel"]
    ):
        key = (key_c, key_p, key_q)
        sales = open_sales[key]
        if not is_cancel:
            sales.append((when, row))
        elif sales:
            latest = bisect.bisect_left(sales, (sales[-1][0], -math.inf))
            matched.extend((sales.pop(latest)[1], row))
    return np.sort(np.asarray(matched, dtype=np.asarray(cand["row"]).dtype))
