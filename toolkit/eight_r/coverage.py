"""Which of the eight Rs the data can assess, and the metrics table.

The 8R analyses need different columns: market baskets need orders and
products, the price response needs quantities and unit prices, the hour of
day needs order times. :func:`coverage` checks a canonical transaction
frame once and says, for every analysis, whether it can run and if not,
why, so a report on a client's data states plainly which Rs it could not
assess instead of failing or leaving a section out without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError, parameter_error

__all__ = ["RS", "ANALYSES", "Analysis", "coverage", "has_times", "metrics_frame"]

#: The eight Rs in the order the syllabus teaches them.
RS: tuple[str, ...] = ("people", "needs", "product", "price", "information", "way", "time", "place")


@dataclass(frozen=True)
class Analysis:
    """One analysis of the diagnostic and what it needs.

    Attributes
    ----------
    key : str
        Short name, e.g. ``"baskets"``; the catalogue label is
        ``eight_r.analysis.<key>``.
    r : str
        The R it gives evidence for (one of :data:`RS`).
    columns : tuple of str
        Canonical transaction columns it needs.
    needs_returns : bool
        Whether it needs the return lines (cleaning rule ``returns: keep``).
    needs_times : bool
        Whether it needs the time of day in ``order_date``.
    case_data : str
        Name of the bundled case dataset it runs on instead of the
        transactions (``"hillstrom"``, ``"bank_marketing"``), or ``""``.
    """

    key: str
    r: str
    columns: tuple[str, ...] = ()
    needs_returns: bool = False
    needs_times: bool = False
    case_data: str = ""


#: Every analysis of the diagnostic, in report order.
ANALYSES: tuple[Analysis, ...] = (
    Analysis("concentration", "people", ("customer_id", "amount")),
    Analysis("new_returning", "people", ("customer_id", "order_date")),
    Analysis("region_profile", "people", ("customer_id", "amount", "region")),
    Analysis("baskets", "needs", ("order_id", "product_id")),
    Analysis("repeat_customers", "needs", ("customer_id", "order_date")),
    Analysis("abc", "product", ("product_id", "amount")),
    Analysis("product_repeat", "product", ("product_id", "customer_id")),
    Analysis("returns", "product", ("product_id", "quantity"), needs_returns=True),
    Analysis("elasticity", "price", ("product_id", "quantity", "unit_price", "order_date")),
    Analysis("price_bands", "price", ("unit_price", "customer_id", "amount")),
    Analysis("message_test", "information", case_data="hillstrom"),
    Analysis("funnel", "way", case_data="hillstrom"),
    Analysis("contact_method", "way", case_data="bank_marketing"),
    Analysis("hour_weekday", "time", ("order_date",), needs_times=True),
    Analysis("seasonality", "time", ("order_date", "amount")),
    Analysis("inter_purchase", "time", ("customer_id", "order_date")),
    Analysis("campaign_month", "time", case_data="bank_marketing"),
    Analysis("region_growth", "place", ("region", "amount", "order_date")),
    Analysis("channel", "place", ("channel", "amount")),
)


def has_times(order_date: pd.Series) -> bool:
    """Whether the dates carry a time of day (not all at midnight)."""
    dates = pd.to_datetime(order_date)
    if dates.empty:
        return False
    return bool((dates != dates.dt.normalize()).any())


def coverage(tx: pd.DataFrame) -> pd.DataFrame:
    """Say which analyses the transactions allow, and why not when they do not.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions (``customer_id``, ``order_date``, ``amount``
        and whichever optional columns were mapped; ``is_return`` marks
        return lines kept by the cleaning rule ``returns: keep``).

    Returns
    -------
    DataFrame
        One row per analysis, in report order: ``r``, ``analysis``,
        ``status`` (``"assessed"``, ``"not_assessed"`` or ``"case_data"``),
        ``reason`` (``""``, ``"missing_columns"``, ``"no_returns"``,
        ``"no_times"`` or ``"case_data"``), ``missing`` (comma-separated
        missing columns) and ``dataset`` (the case dataset, if any).
    """
    cols = set(tx.columns)
    returns_kept = "is_return" in cols and bool(tx["is_return"].astype(bool).any())
    times = "order_date" in cols and has_times(tx["order_date"])
    rows = []
    for a in ANALYSES:
        missing = [c for c in a.columns if c not in cols]
        if a.case_data:
            status, reason = "case_data", "case_data"
        elif missing:
            status, reason = "not_assessed", "missing_columns"
        elif a.needs_returns and not returns_kept:
            status, reason = "not_assessed", "no_returns"
        elif a.needs_times and not times:
            status, reason = "not_assessed", "no_times"
        else:
            status, reason = "assessed", ""
        rows.append(
            {
                "r": a.r,
                "analysis": a.key,
                "status": status,
                "reason": reason,
                "missing": ", ".join(missing),
                "dataset": a.case_data,
            }
        )
    return pd.DataFrame(rows)


def metrics_frame(records: Iterable[Mapping]) -> pd.DataFrame:
    """Build the ``metrics.csv`` table: one row per R and metric.

    Parameters
    ----------
    records : iterable of mapping
        Each with ``r`` (one of :data:`RS`), ``metric`` (str), ``value``
        (number, or NaN when not assessed) and optionally ``source`` (which
        data it came from) and ``note``.

    Returns
    -------
    DataFrame
        Columns ``r``, ``metric``, ``value``, ``source``, ``note``, sorted
        by the order of the Rs, keeping the order of the records within one R.

    Raises
    ------
    ParameterError
        For an unknown R, a missing metric name or a metric given twice.
    """
    rows = []
    for i, rec in enumerate(records):
        r = rec.get("r")
        if r not in RS:
            raise parameter_error(f"records[{i}].r", "one of " + ", ".join(map(repr, RS)), r)
        metric = rec.get("metric")
        if not metric or not isinstance(metric, str):
            raise ParameterError(f"Metric record {i} (r={r!r}) has no metric name.")
        value = rec.get("value", np.nan)
        value = np.nan if value is None else float(value)
        rows.append(
            {
                "r": r,
                "metric": metric,
                "value": value,
                "source": str(rec.get("source", "")),
                "note": str(rec.get("note", "")),
                "_i": i,
            }
        )
    frame = pd.DataFrame(rows, columns=["r", "metric", "value", "source", "note", "_i"])
    dup = frame.duplicated(["r", "metric"], keep=False)
    if dup.any():
        raise ParameterError(f"Metrics recorded twice: {sorted(set(frame.loc[dup, 'metric']))}.")
    frame["_order"] = frame["r"].map({r: k for k, r in enumerate(RS)})
    frame = frame.sort_values(["_order", "_i"]).drop(columns=["_order", "_i"]).reset_index(drop=True)
    return frame
