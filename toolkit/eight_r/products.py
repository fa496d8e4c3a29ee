"""Right Product: the portfolio by revenue (ABC), returns and repeat purchases.

ABC analysis sorts products by revenue and cuts the cumulative share: the
few *A* products that bring most of the revenue, the *B* middle and the long
*C* tail. Return rate and repeat-purchase rate say whether customers keep
what they buy and come back for it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import first_label, order_key, require_columns, require_numeric, sales_only
from toolkit.errors import DataError, ParameterError, check_number

__all__ = [
    "abc_classes",
    "return_rates",
    "product_repeat_rates",
    "weighted_repeat_rate",
    "abc_summary",
]


def abc_classes(
    tx: pd.DataFrame,
    a: float = 0.8,
    b: float = 0.95,
    item: str = "product_id",
    name: str | None = "product_name",
) -> tuple[pd.DataFrame, int]:
    """ABC classes of products by net revenue.

    Products are sorted by net revenue (sales minus any return lines in the
    data; largest first). A product is in class A when the cumulative share
    of the products *before* it is below ``a`` (so the product that crosses
    80% is still A), in B when it is below ``b``, else in C.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions with ``product_id`` and ``amount``.
    a, b : float, default 0.8 and 0.95
        Cumulative revenue shares that end classes A and B (0 < a < b < 1).

    Returns
    -------
    (DataFrame, int)
        Per product with positive net revenue: ``product_id``,
        ``product_name`` (if available), ``revenue``, ``quantity`` (net, if
        available), ``share``, ``cum_share``, ``rank``, ``abc``; and the
        number of products left out because their net revenue was zero or
        negative (everything sold came back).
    """
    a = check_number("a", a, low=0, high=1, closed="neither")
    b = check_number("b", b, low=0, high=1, closed="neither")
    if not a < b:
        raise ParameterError(f"The 'a' parameter must be smaller than 'b'. Got a={a} and b={b}.")
    require_columns(tx, [item, "amount"], "ABC analysis")
    require_numeric(tx, "amount", "ABC analysis")
    frame = pd.DataFrame({item: tx[item].astype(str), "revenue": tx["amount"].astype(float)})
    if "quantity" in tx.columns:
        frame["quantity"] = tx["quantity"]
    out = frame.groupby(item).sum().reset_index()
    excluded = int((out["revenue"] <= 0).sum())
    out = out[out["revenue"] > 0]
    if out.empty:
        raise DataError("ABC analysis: no product has a positive net revenue.")
    out = out.sort_values(["revenue", item], ascending=[False, True]).reset_index(drop=True)
    out["share"] = out["revenue"] / out["revenue"].sum()
    out["cum_share"] = out["share"].cumsum()
    before = out["cum_share"] - out["share"]
    out["rank"] = np.arange(1, len(out) + 1)
    out["abc"] = np.where(before < a - 1e-12, "A", np.where(before < b - 1e-12, "B", "C"))
    if name and name in tx.columns:
        sales = sales_only(tx)
        out.insert(1, name, out[item].map(first_label(sales[name], sales[item].astype(str))))
    return out, excluded


def return_rates(
    tx: pd.DataFrame, item: str = "product_id", name: str | None = "product_name"
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Returned quantity and value against sold quantity and value, per product.

    Needs the return lines: load the data with the cleaning rule
    ``returns: keep`` so they stay in with ``is_return=True`` and negative
    quantities and amounts.

    Returns
    -------
    (DataFrame, dict)
        Per product: ``product_id``, ``product_name`` (if available),
        ``sold_qty``, ``returned_qty``,
        ``return_rate`` (returned / sold quantity), ``sold_value``,
        ``returned_value``. The dict has the overall ``return_rate_qty``,
        ``return_rate_value`` and ``products_over_100pct`` (products whose
        returns exceed their sales in the period, typically goods bought
        before the data starts).
    """
    require_columns(tx, [item, "quantity", "amount", "is_return"], "Return rates")
    is_ret = tx["is_return"].astype(bool)
    if not is_ret.any():
        raise DataError(
            "Return rates need the return lines, but the data has none. Load the transactions "
            "with the cleaning rule returns: keep (returns are dropped by default).",
            column="is_return",
        )
    frame = pd.DataFrame(
        {
            item: tx[item].astype(str),
            "qty": tx["quantity"].astype(float).abs(),
            "value": tx["amount"].astype(float).abs(),
            "ret": is_ret,
        }
    )
    sold = frame[~frame["ret"]].groupby(item)[["qty", "value"]].sum()
    back = frame[frame["ret"]].groupby(item)[["qty", "value"]].sum()
    out = (
        sold.rename(columns={"qty": "sold_qty", "value": "sold_value"})
        .join(back.rename(columns={"qty": "returned_qty", "value": "returned_value"}), how="outer")
        .fillna(0.0)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["return_rate"] = np.where(out["sold_qty"] > 0, out["returned_qty"] / out["sold_qty"], np.nan)
    out = out.reset_index()[[item, "sold_qty", "returned_qty", "return_rate", "sold_value", "returned_value"]]
    for col in ("sold_qty", "returned_qty"):
        if np.allclose(out[col], out[col].round()):
            out[col] = out[col].round().astype("int64")
    if name and name in tx.columns:
        out.insert(1, name, out[item].map(first_label(tx[name], tx[item].astype(str))))
    summary = {
        "return_rate_qty": float(out["returned_qty"].sum() / out["sold_qty"].sum()),
        "return_rate_value": float(out["returned_value"].sum() / out["sold_value"].sum()),
        "products_over_100pct": int((out["return_rate"] > 1).sum()),
        "products_returned_never_sold": int(((out["sold_qty"] == 0) & (out["returned_qty"] > 0)).sum()),
    }
    return out, summary


def product_repeat_rates(tx: pd.DataFrame, item: str = "product_id", min_customers: int = 1) -> pd.DataFrame:
    """Share of each product's buyers who bought it in two or more orders.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions with ``customer_id`` and the item column
        (orders are ``order_id``, or purchase days when not mapped).
    min_customers : int, default 1
        Products with fewer buyers get a missing rate (too few to judge) but
        stay in the table.

    Returns
    -------
    DataFrame
        ``product_id``, ``customers``, ``repeat_customers``, ``repeat_rate``.
    """
    require_columns(tx, ["customer_id", item], "Repeat purchases per product")
    if "order_id" not in tx.columns:
        require_columns(tx, ["order_date"], "Repeat purchases per product")
    sales = sales_only(tx)
    frame = pd.DataFrame(
        {"c": sales["customer_id"].astype(str), "i": sales[item].astype(str), "o": order_key(sales)}
    )
    per = frame.groupby(["i", "c"])["o"].nunique()
    out = pd.DataFrame(
        {
            "customers": per.groupby(level=0).size(),
            "repeat_customers": (per >= 2).groupby(level=0).sum().astype(int),
        }
    )
    out["repeat_rate"] = out["repeat_customers"] / out["customers"]
    out.loc[out["customers"] < min_customers, "repeat_rate"] = np.nan
    return out.rename_axis(item).reset_index()


def weighted_repeat_rate(
    repeat: pd.DataFrame, abc: pd.DataFrame, item: str = "product_id", classes: Iterable[str] = ("A",)
) -> float:
    """Revenue-weighted mean repeat-purchase rate over the products of ``classes``.

    Parameters
    ----------
    repeat : DataFrame
        Output of :func:`product_repeat_rates`.
    abc : DataFrame
        Output of :func:`abc_classes`.
    classes : iterable of str, default ("A",)
        ABC classes to include.
    """
    merged = (
        abc.loc[abc["abc"].isin(list(classes)), [item, "revenue"]]
        .merge(repeat[[item, "repeat_rate"]], on=item, how="left")
        .dropna(subset=["repeat_rate"])
    )
    if merged.empty or merged["revenue"].sum() <= 0:
        return float("nan")
    return float(np.average(merged["repeat_rate"], weights=merged["revenue"]))


def abc_summary(abc: pd.DataFrame) -> pd.DataFrame:
    """Products and revenue per ABC class.

    Parameters
    ----------
    abc : DataFrame
        Output of :func:`abc_classes`.

    Returns
    -------
    DataFrame
        ``abc``, ``products``, ``share_of_products``, ``revenue``, ``share_of_revenue``.
    """
    require_columns(abc, ["abc", "revenue"], "ABC summary")
    out = (
        abc.groupby("abc")
        .agg(products=("revenue", "size"), revenue=("revenue", "sum"))
        .reindex(["A", "B", "C"])
    )
    out = out.dropna(subset=["products"]).astype({"products": int})
    out.insert(1, "share_of_products", out["products"] / out["products"].sum())
    out["share_of_revenue"] = out["revenue"] / out["revenue"].sum()
    return out.reset_index()
