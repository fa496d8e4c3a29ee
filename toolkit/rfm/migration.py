"""Segment migration: where customers moved between two analysis dates.

The customer table is built twice from the same transactions, once with
everything up to the earlier date and once up to the later date
(frequency and monetary value accumulate over the whole history). By
default the later date is scored with the earlier date's cut points, so
both snapshots use the same yardstick and a move from Loyal to At risk
means the customer's own behaviour changed, not the rest of the file.
Customers whose first purchase falls between the dates appear in the row
:data:`NEW`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from toolkit.errors import DataError, ParameterError, parameter_error
from toolkit.rfm.customers import customer_table
from toolkit.rfm.scoring import apply_thresholds, quantile_scores
from toolkit.rfm.segments import UNASSIGNED, assign_segments

__all__ = ["NEW", "GONE", "Migration", "transition_matrix", "segment_migration"]

NEW = "not_yet_customer"
GONE = "left_file"


@dataclass(frozen=True)
class Migration:
    """Two segment snapshots and the transitions between them.

    Attributes
    ----------
    counts : DataFrame
        Customers by segment at the first date (rows) and the second
        (columns).
    shares : DataFrame
        ``counts`` divided by its row totals: where each segment's customers
        went.
    before, after : DataFrame
        ``customer_id, segment`` at each date.
    dates : (Timestamp, Timestamp)
        The two analysis dates.
    cuts : dict
        Cut points used at the first date (and, by default, the second).
    """

    counts: pd.DataFrame
    shares: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    dates: tuple[pd.Timestamp, pd.Timestamp]
    cuts: dict


def transition_matrix(
    before: pd.Series, after: pd.Series, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Count customers by segment before (rows) and after (columns).

    Parameters
    ----------
    before, after : Series
        Segment per customer, indexed by customer id.
    order : list of str, optional
        Segment order for rows and columns; other labels follow.

    Returns
    -------
    DataFrame
        Integer counts. Customers only in ``after`` are in row
        :data:`NEW`; customers only in ``before`` in column :data:`GONE`.
    """
    ids = before.index.union(after.index)
    b = before.reindex(ids).astype("object").fillna(NEW)
    a = after.reindex(ids).astype("object").fillna(GONE)
    counts = pd.crosstab(b.rename("before"), a.rename("after"))
    labels = list(order or [])
    rows = [x for x in labels if x in counts.index] + sorted(
        x for x in counts.index if x not in labels and x != NEW
    )
    cols = [x for x in labels if x in counts.columns] + sorted(
        x for x in counts.columns if x not in labels and x != GONE
    )
    rows += [NEW] if NEW in counts.index else []
    cols += [GONE] if GONE in counts.columns else []
    return counts.reindex(index=rows, columns=cols, fill_value=0).astype("int64")


def segment_migration(
    transactions: pd.DataFrame,
    dates: tuple[str | pd.Timestamp, str | pd.Timestamp],
    segments: pd.DataFrame,
    *,
    bins: int = 5,
    returns: str = "net",
    reuse_thresholds: bool = True,
) -> Migration:
    """Segments at two analysis dates and the transition matrix between them.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (``customer_id, order_date, amount [,
        order_id] [, is_return]``).
    dates : (date, date)
        The earlier and the later analysis date; each snapshot uses the
        orders up to that date.
    segments : DataFrame
        The segment table (:func:`toolkit.rfm.segments.load_segment_table`).
    bins : int, default 5
        Quantile scores per dimension.
    returns : {"net", "ignore"}
        As in :func:`toolkit.rfm.customers.customer_table`.
    reuse_thresholds : bool, default True
        Score the later date with the earlier date's cut points.

    Returns
    -------
    Migration
    """
    try:
        first, second = (pd.Timestamp(d) for d in dates)
    except (TypeError, ValueError):
        raise parameter_error("dates", "two dates", dates) from None
    if not first < second:
        raise ParameterError(
            f"The first migration date must come before the second. Got {first:%Y-%m-%d} and {second:%Y-%m-%d}."
        )
    snapshots = []
    for when in (first, second):
        upto = transactions[transactions["order_date"] <= when]
        if "is_return" in upto:
            has_purchase = (~upto["is_return"].astype(bool)).any()
        else:
            has_purchase = (upto["amount"] >= 0).any()
        if not has_purchase:
            raise DataError(
                f"there are no purchases on or before {when:%Y-%m-%d}; choose a later first date.",
                column="order_date",
            )
        snapshots.append(customer_table(upto, when, returns=returns).customers)
    scored_first = quantile_scores(snapshots[0], bins, warn=False)
    scored_second = (
        apply_thresholds(snapshots[1], scored_first.cuts, warn=False)
        if reuse_thresholds
        else quantile_scores(snapshots[1], bins, warn=False)
    )
    before = pd.DataFrame(
        {
            "customer_id": snapshots[0]["customer_id"],
            "segment": assign_segments(scored_first.scores, segments, bins),
        }
    )
    after = pd.DataFrame(
        {
            "customer_id": snapshots[1]["customer_id"],
            "segment": assign_segments(scored_second.scores, segments, bins),
        }
    )
    order = list(segments["segment"]) + [UNASSIGNED]
    counts = transition_matrix(
        before.set_index("customer_id")["segment"], after.set_index("customer_id")["segment"], order
    )
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0.0)
    return Migration(counts, shares, before, after, (first, second), scored_first.cuts)
