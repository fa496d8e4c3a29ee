"""Value tiers: realised value against potential value.

Each customer is high or low on two axes, each ranked on its own:

- realised value (既成价值): what she has spent so far;
- potential value (潜在价值): what she is predicted to be worth from now on
  (the discounted lifetime value of :mod:`toolkit.value.clv`).

"High" means above the ``high_quantile`` of that axis (default: the top
20%). The four combinations give a tier and what to do about it:

=========  ===============  ================  ==========================
tier       realised value   potential value   action
=========  ===============  ================  ==========================
keep       high             high              keep and grow: best service
invest     low              high              invest: develop the relationship
win_back   high             low               win back: valuable but fading
maintain   low              low               maintain at low cost
=========  ===============  ================  ==========================

:func:`tier_segment_table` crosses the tiers with any customer
segmentation, such as RFM segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import DataError, check_number

__all__ = ["TIERS", "ValueTiers", "value_tiers", "tier_summary", "tier_segment_table"]

#: Tier codes in display order; labels are ``value.tier.<code>`` in the catalogue.
TIERS: tuple[str, ...] = ("keep", "invest", "win_back", "maintain")


@dataclass(frozen=True)
class ValueTiers:
    """Customers' tiers and the thresholds that made them.

    Attributes
    ----------
    customers : DataFrame
        Indexed by customer: ``realised_value``, ``potential_value``,
        ``tier`` (ordered categorical of :data:`TIERS`).
    realised_threshold, potential_threshold : float
        A customer is "high" on an axis when her value is above the threshold.
    high_quantile : float
        The quantile the thresholds were taken at.
    """

    customers: pd.DataFrame
    realised_threshold: float
    potential_threshold: float
    high_quantile: float


def value_tiers(realised: pd.Series, potential: pd.Series, *, high_quantile: float = 0.8) -> ValueTiers:
    """Place each customer in a value tier.

    Parameters
    ----------
    realised : Series
        Realised value per customer (index: customer id).
    potential : Series
        Potential value per customer, same customers.
    high_quantile : float, default 0.8
        Quantile above which a value counts as high (0.8: the top 20%).

    Returns
    -------
    ValueTiers

    Raises
    ------
    DataError
        When the two series do not hold the same customers or hold missing values.
    ParameterError
        When ``high_quantile`` is not in (0, 1).
    """
    check_number("high_quantile", high_quantile, low=0, high=1, closed="neither")
    only_r = realised.index.difference(potential.index)
    only_p = potential.index.difference(realised.index)
    if len(only_r) or len(only_p):
        raise DataError(
            f"realised and potential values must cover the same customers; {len(only_r)} customer(s) "
            f"have only a realised value and {len(only_p)} only a potential value "
            f"(e.g. {list(only_r[:3]) + list(only_p[:3])})."
        )
    if len(realised) == 0:
        raise DataError("no customers to place in value tiers.")
    frame = pd.DataFrame({"realised_value": realised, "potential_value": potential.reindex(realised.index)})
    bad = frame.isna().any(axis=1) | ~np.isfinite(frame.to_numpy(dtype=float)).all(axis=1)
    if bad.any():
        raise DataError(
            f"{int(bad.sum())} customer(s) have a missing or infinite value "
            f"(e.g. {list(frame.index[bad][:3])}); value tiers need a number for every customer."
        )
    r_cut = float(frame["realised_value"].quantile(high_quantile))
    p_cut = float(frame["potential_value"].quantile(high_quantile))
    r_high = frame["realised_value"] > r_cut
    p_high = frame["potential_value"] > p_cut
    code = np.select(
        [r_high & p_high, ~r_high & p_high, r_high & ~p_high],
        ["keep", "invest", "win_back"],
        default="maintain",
    )
    frame["tier"] = pd.Categorical(code, categories=list(TIERS), ordered=True)
    return ValueTiers(frame, r_cut, p_cut, float(high_quantile))


def tier_summary(tiers: ValueTiers) -> pd.DataFrame:
    """Customers and value per tier.

    Returns
    -------
    DataFrame
        One row per tier in :data:`TIERS` order: ``tier``, ``customers``,
        ``share_of_customers``, ``realised_value``, ``share_of_realised``,
        ``potential_value``, ``share_of_potential``.
    """
    frame = tiers.customers
    out = frame.groupby("tier", observed=False).agg(
        customers=("tier", "size"),
        realised_value=("realised_value", "sum"),
        potential_value=("potential_value", "sum"),
    )
    out = out.reindex(list(TIERS)).fillna(0)
    out["customers"] = out["customers"].astype(int)
    out.insert(1, "share_of_customers", out["customers"] / len(frame))
    out.insert(3, "share_of_realised", out["realised_value"] / frame["realised_value"].sum())
    out["share_of_potential"] = out["potential_value"] / frame["potential_value"].sum()
    out.index.name = "tier"
    return out.reset_index()


def tier_segment_table(
    tiers: ValueTiers, segments: pd.Series, *, unmatched: str = "unmatched"
) -> pd.DataFrame:
    """Count customers by value tier and segment.

    Parameters
    ----------
    tiers : ValueTiers
        From :func:`value_tiers`.
    segments : Series
        Segment per customer (e.g. RFM segment), indexed by customer id.
    unmatched : str, default "unmatched"
        Segment label given to tiered customers that have no segment, so
        that nobody disappears from the table.

    Returns
    -------
    DataFrame
        Rows: segments (in the order they first appear in ``segments``
        categories, or sorted), columns: tiers in :data:`TIERS` order plus
        ``total``; cells are customer counts.

    Raises
    ------
    DataError
        When no tiered customer has a segment (wrong ids?).
    """
    seg = segments.reindex(tiers.customers.index)
    if seg.notna().sum() == 0:
        raise DataError(
            "none of the customers in the value tiers has a segment; check that both use the same "
            f"customer ids (tiers e.g. {list(tiers.customers.index[:3])}, segments e.g. {list(segments.index[:3])})."
        )
    if isinstance(segments.dtype, pd.CategoricalDtype):
        order = [str(c) for c in segments.cat.categories]
    else:
        order = sorted(segments.dropna().astype(str).unique())
    labels = seg.astype(object).where(seg.notna(), unmatched).astype(str)
    if (labels == unmatched).any() and unmatched not in order:
        order.append(unmatched)
    table = pd.crosstab(labels, tiers.customers["tier"]).reindex(
        index=order, columns=list(TIERS), fill_value=0
    )
    table = table.loc[table.sum(axis=1) > 0]
    table["total"] = table.sum(axis=1)
    table.index.name = "segment"
    table.columns.name = None
    return table
