"""Right Needs: which products are bought together (market-basket rules).

A rule "A -> B" says: orders that contain A often contain B too. Three
numbers describe it:

- support = share of all orders containing both A and B;
- confidence = share of the orders with A that also contain B;
- lift = confidence / share of all orders containing B. A lift above 1
  means A and B go together more often than chance would give.

Rules here link one product to one product (pairs), which is what a
cross-selling or bundling decision uses; items are first pruned to those
reaching the minimum support (the Apriori principle: a pair cannot be more
frequent than either of its items), which keeps the computation small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import first_label, require_columns, sales_only
from toolkit.errors import DataError, check_number

__all__ = ["BasketRules", "sample_orders", "basket_rules"]


@dataclass(frozen=True)
class BasketRules:
    """Market-basket rules and what they were computed on.

    Attributes
    ----------
    rules : DataFrame
        ``antecedent``, ``consequent`` (item codes), ``antecedent_name``,
        ``consequent_name`` (when names are available), ``orders_both``,
        ``support``, ``confidence``, ``lift``, ``antecedent_support``,
        ``consequent_support``; sorted by lift, then support.
    orders : int
        Orders the rules were computed on.
    frequent_items : int
        Items reaching the minimum support.
    single_item_orders : int
        Orders with only one distinct item (they count in the totals but
        cannot form a pair).
    """

    rules: pd.DataFrame
    orders: int
    frequent_items: int
    single_item_orders: int


def sample_orders(tx: pd.DataFrame, n: int, seed: int = 0, order: str = "order_id") -> pd.DataFrame:
    """Keep all lines of ``n`` randomly chosen orders (all of them if there are fewer).

    Parameters
    ----------
    tx : DataFrame
        Transactions with an order column.
    n : int
        Orders to keep.
    seed : int, default 0
        Random seed, so the sample (and the report) can be reproduced.
    order : str, default "order_id"
        The order column.
    """
    require_columns(tx, [order], "Sampling orders")
    n = check_number("n", n, low=1, integer=True)
    ids = pd.Series(tx[order].astype(str).unique())
    if n >= len(ids):
        return tx.copy()
    keep = set(ids.sample(n=n, random_state=seed))
    return tx.loc[tx[order].astype(str).isin(keep)].copy()


def basket_rules(
    tx: pd.DataFrame,
    *,
    item: str = "product_id",
    order: str = "order_id",
    name: str | None = "product_name",
    min_support: float = 0.01,
    min_confidence: float = 0.1,
    min_lift: float = 1.0,
    exclude: Iterable[str] = (),
) -> BasketRules:
    """Pairwise association rules A -> B from order lines.

    Parameters
    ----------
    tx : DataFrame
        One row per order line with an order column and an item column
        (return lines, if any, are ignored; an item appearing twice in one
        order counts once).
    item, order : str
        Column names of the item and the order.
    name : str or None, default "product_name"
        Column with item names to show beside the codes (ignored if absent).
    min_support : float, default 0.01
        Minimum share of orders containing the pair (and each item).
    min_confidence : float, default 0.1
        Minimum confidence of a rule.
    min_lift : float, default 1.0
        Minimum lift of a rule.
    exclude : iterable of str
        Item codes to leave out (e.g. postage).

    Returns
    -------
    BasketRules
    """
    require_columns(tx, [order, item], "Market-basket rules")
    min_support = check_number("min_support", min_support, low=0, high=1, closed="neither")
    min_confidence = check_number("min_confidence", min_confidence, low=0, high=1, closed="right")
    check_number("min_lift", min_lift, low=0)
    sales = sales_only(tx)
    lines = pd.DataFrame({"o": sales[order].astype(str), "i": sales[item].astype(str)})
    lines = lines[lines["i"].notna() & ~lines["i"].isin([str(e) for e in exclude])].drop_duplicates()
    n_orders = int(lines["o"].nunique())
    if n_orders == 0:
        raise DataError(
            f"Market-basket rules: no order lines left in '{order}'/'{item}' after removing returns."
        )
    size = lines.groupby("o")["i"].size()
    single = int((size == 1).sum())
    item_count = lines.groupby("i")["o"].size()
    min_count = min_support * n_orders
    frequent = item_count[item_count >= min_count]
    lines = lines[lines["i"].isin(frequent.index)]
    pairs = lines.merge(lines, on="o", suffixes=("_a", "_b"))
    pairs = pairs[pairs["i_a"] < pairs["i_b"]]
    pair_count = pairs.groupby(["i_a", "i_b"]).size()
    pair_count = pair_count[pair_count >= min_count]
    columns = [
        "antecedent",
        "consequent",
        "orders_both",
        "support",
        "confidence",
        "lift",
        "antecedent_support",
        "consequent_support",
    ]
    if pair_count.empty:
        rules = pd.DataFrame(columns=columns)
    else:
        a = pair_count.index.get_level_values(0).to_numpy()
        b = pair_count.index.get_level_values(1).to_numpy()
        both = pair_count.to_numpy()
        ante = np.concatenate([a, b])
        cons = np.concatenate([b, a])
        n_both = np.concatenate([both, both])
        rules = pd.DataFrame({"antecedent": ante, "consequent": cons, "orders_both": n_both})
        rules["support"] = rules["orders_both"] / n_orders
        rules["antecedent_support"] = frequent.reindex(rules["antecedent"]).to_numpy() / n_orders
        rules["consequent_support"] = frequent.reindex(rules["consequent"]).to_numpy() / n_orders
        rules["confidence"] = rules["support"] / rules["antecedent_support"]
        rules["lift"] = rules["confidence"] / rules["consequent_support"]
        keep = (rules["confidence"] >= min_confidence - 1e-12) & (rules["lift"] >= min_lift - 1e-12)
        rules = rules.loc[keep, columns]
        rules = rules.sort_values(
            ["lift", "support", "antecedent", "consequent"], ascending=[False, False, True, True]
        ).reset_index(drop=True)
    if name and name in sales.columns and not rules.empty:
        names = first_label(sales[name], sales[item].astype(str))
        rules.insert(2, "antecedent_name", rules["antecedent"].map(names))
        rules.insert(3, "consequent_name", rules["consequent"].map(names))
    rules["orders_both"] = rules["orders_both"].astype(int)
    return BasketRules(
        rules=rules, orders=n_orders, frequent_items=int(len(frequent)), single_item_orders=single
    )
