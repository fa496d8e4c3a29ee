"""Right Price: how quantity responds to price, and who buys at which price.

Price elasticity is the percentage change in quantity for a 1% change in
price. Regressing log(quantity) on log(price) gives it directly as the
slope: log q = a + e log p. We aggregate sales per product and period (a
day by default): the quantity sold and the average price paid. The
estimate is only as good as the price variation behind it, so every result
carries caveats:

- ``few_prices``: fewer distinct prices than ``min_prices`` - the slope
  rests on very little variation;
- ``volume_tiers``: within single order lines, bigger quantities come with
  lower unit prices (volume discounts), so part of the slope is the
  discount schedule rather than customers' response to price;
- ``not_significant``: the confidence interval contains 0;
- ``positive``: a positive slope, which usually means something other than
  price drives both (promotions, seasons, a shift of customer mix).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import first_label, require_columns, sales_only
from toolkit.errors import DataError, ParameterError, check_choice, check_number, parameter_error

__all__ = ["CAVEATS", "loglog_elasticity", "product_elasticities", "pooled_elasticity", "price_bands"]

#: Caveat codes an elasticity estimate can carry.
CAVEATS: tuple[str, ...] = ("few_prices", "volume_tiers", "not_significant", "positive")


def loglog_elasticity(
    price: pd.Series | np.ndarray, quantity: pd.Series | np.ndarray, confidence: float = 0.95
) -> dict[str, float]:
    """Fit log(quantity) = a + e * log(price) by least squares (statsmodels OLS).

    Parameters
    ----------
    price, quantity : array-like of float
        Positive prices and quantities, one pair per observation.
    confidence : float, default 0.95
        Level of the confidence interval for ``e``.

    Returns
    -------
    dict
        ``elasticity``, ``ci_low``, ``ci_high``, ``std_err``, ``p_value``,
        ``r2``, ``n_obs``, ``n_prices`` (distinct prices).

    Raises
    ------
    DataError
        With fewer than 3 observations, non-positive values, or a single
        distinct price (no slope can be estimated).
    """
    from statsmodels.regression.linear_model import OLS

    confidence = check_number("confidence", confidence, low=0, high=1, closed="neither")
    p = np.asarray(price, dtype=float)
    q = np.asarray(quantity, dtype=float)
    if p.shape != q.shape:
        raise ParameterError(f"price and quantity must have the same length. Got {p.size} and {q.size}.")
    if p.size < 3:
        raise DataError(f"A log-log elasticity needs at least 3 observations; got {p.size}.")
    bad = ~(np.isfinite(p) & np.isfinite(q) & (p > 0) & (q > 0))
    if bad.any():
        raise DataError(
            f"A log-log elasticity needs positive prices and quantities; "
            f"{int(bad.sum())} observations are zero, negative or missing."
        )
    n_prices = int(np.unique(np.round(p, 10)).size)
    if n_prices < 2:
        raise DataError("A log-log elasticity needs at least two different prices; the price never changed.")
    x = np.column_stack([np.ones(p.size), np.log(p)])
    fit = OLS(np.log(q), x).fit()
    low, high = fit.conf_int(alpha=1 - confidence)[1]
    return {
        "elasticity": float(fit.params[1]),
        "ci_low": float(low),
        "ci_high": float(high),
        "std_err": float(fit.bse[1]),
        "p_value": float(fit.pvalues[1]),
        "r2": float(fit.rsquared),
        "n_obs": int(p.size),
        "n_prices": n_prices,
    }


def _volume_tier_corr(lines: pd.DataFrame) -> float:
    """Spearman correlation of line quantity and unit price (nan if constant)."""
    if lines["unit_price"].nunique() < 2 or lines["quantity"].nunique() < 2:
        return float("nan")
    return float(lines["quantity"].rank().corr(lines["unit_price"].rank()))


def _period_series(lines: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Quantity and price per period for one product's lines (columns period, quantity, unit_price)."""
    per = lines.groupby("period").agg(quantity=("quantity", "sum"), revenue=("revenue", "sum"))
    if basis == "average":
        per["price"] = per["revenue"] / per["quantity"]
    else:
        counts = lines.groupby(["period", "unit_price"]).size().rename("n").reset_index()
        counts = counts.sort_values(["period", "n", "unit_price"], ascending=[True, False, False])
        modes = counts.drop_duplicates("period").set_index("period")["unit_price"]
        per = per.join(modes.rename("price"), how="inner")
    return per[["quantity", "price"]]


def product_elasticities(
    tx: pd.DataFrame,
    *,
    top_n: int = 10,
    basis: str = "list",
    freq: str = "D",
    min_obs: int = 20,
    min_prices: int = 3,
    tier_threshold: float = -0.3,
    confidence: float = 0.95,
    item: str = "product_id",
    exclude: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Log-log price elasticity for the best-selling products, with caveats.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions with ``product_id``, ``order_date``,
        ``quantity``, ``unit_price`` (sales lines are used).
    top_n : int, default 10
        How many products, by sales revenue.
    basis : {"list", "average"}, default "list"
        Which price to put against the period's quantity. ``"list"``: the
        most common unit price among the product's order lines in the
        period (ties go to the higher price) - the price most customers
        were quoted, which keeps occasional volume discounts out of the
        slope. ``"average"``: revenue / quantity in the period, which mixes
        in the discount schedule (shown to teach why it misleads).
    freq : str, default "D"
        Aggregation period (pandas alias: "D" day, "W" week).
    min_obs : int, default 20
        Products with fewer periods with sales are listed but not estimated.
    min_prices : int, default 3
        Fewer distinct prices than this adds the ``few_prices`` caveat.
    tier_threshold : float, default -0.3
        With ``basis="average"``, a Spearman correlation of line quantity
        with unit price below this adds the ``volume_tiers`` caveat.
    confidence : float, default 0.95
        Level of the confidence interval.
    exclude : list of str
        Product codes to skip (fees, postage).

    Returns
    -------
    DataFrame
        One row per product, best seller first: ``product_id``,
        ``product_name`` (if available), ``revenue``, ``elasticity``,
        ``ci_low``, ``ci_high``, ``p_value``, ``r2``, ``n_obs``,
        ``n_prices``, ``tier_corr``, ``caveats`` (";"-joined codes from
        :data:`CAVEATS`), ``estimated`` (bool) and ``reason`` (why not
        estimated: ``"too_few_periods"`` or ``"one_price"``).
    """
    require_columns(tx, [item, "order_date", "quantity", "unit_price"], "Price elasticity")
    check_choice("basis", basis, ["list", "average"])
    top_n = check_number("top_n", top_n, low=1, integer=True)
    min_obs = check_number("min_obs", min_obs, low=3, integer=True)
    min_prices = check_number("min_prices", min_prices, low=2, integer=True)
    lines, names = _price_lines(tx, item, freq, exclude)
    best = lines.groupby("item")["revenue"].sum().sort_values(ascending=False).head(top_n)
    lines = lines[lines["item"].isin(best.index)]
    rows = []
    for code, revenue in best.items():
        own = lines[lines["item"] == code]
        per = _period_series(own, basis)
        row = {
            item: code,
            "revenue": float(revenue),
            "n_obs": int(len(per)),
            "n_prices": int(per["price"].round(6).nunique()),
            "tier_corr": _volume_tier_corr(own),
            "elasticity": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "r2": np.nan,
            "estimated": False,
            "reason": "",
            "caveats": "",
        }
        if len(per) < min_obs:
            row["reason"] = "too_few_periods"
        elif row["n_prices"] < 2:
            row["reason"] = "one_price"
        else:
            fit = loglog_elasticity(per["price"], per["quantity"], confidence=confidence)
            row.update({k: fit[k] for k in ("elasticity", "ci_low", "ci_high", "p_value", "r2")})
            row["estimated"] = True
            row["caveats"] = ";".join(
                _caveats(fit, row["n_prices"], row["tier_corr"], basis, min_prices, tier_threshold)
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise DataError("Price elasticity: there are no sales lines with positive quantity and price.")
    if names is not None:
        out.insert(1, "product_name", out[item].map(names))
    cols = [
        c
        for c in [
            item,
            "product_name",
            "revenue",
            "elasticity",
            "ci_low",
            "ci_high",
            "p_value",
            "r2",
            "n_obs",
            "n_prices",
            "tier_corr",
            "caveats",
            "estimated",
            "reason",
        ]
        if c in out.columns
    ]
    return out[cols]


def _price_lines(
    tx: pd.DataFrame, item: str, freq: str, exclude: Sequence[str]
) -> tuple[pd.DataFrame, pd.Series | None]:
    """Sales lines with positive quantity and price, tagged with their period."""
    sales = sales_only(tx)
    sales = sales[(sales["quantity"] > 0) & (sales["unit_price"] > 0)]
    sales = sales[~sales[item].astype(str).isin([str(e) for e in exclude])]
    lines = pd.DataFrame(
        {
            "item": sales[item].astype(str),
            "period": pd.to_datetime(sales["order_date"]).dt.to_period(freq),
            "quantity": sales["quantity"].astype(float),
            "unit_price": sales["unit_price"].astype(float),
        }
    )
    lines["revenue"] = lines["quantity"] * lines["unit_price"]
    names = first_label(sales["product_name"], sales[item].astype(str)) if "product_name" in sales else None
    return lines, names


def _caveats(
    fit: dict, n_prices: int, tier_corr: float, basis: str, min_prices: int, tier_threshold: float
) -> list[str]:
    caveats = []
    if n_prices < min_prices:
        caveats.append("few_prices")
    if basis == "average" and np.isfinite(tier_corr) and tier_corr < tier_threshold:
        caveats.append("volume_tiers")
    if fit["ci_low"] <= 0 <= fit["ci_high"]:
        caveats.append("not_significant")
    if fit["elasticity"] > 0:
        caveats.append("positive")
    return caveats


def pooled_elasticity(
    tx: pd.DataFrame,
    products: list[str],
    *,
    basis: str = "list",
    freq: str = "D",
    confidence: float = 0.95,
    item: str = "product_id",
) -> dict[str, float]:
    """One elasticity for several products, each with its own demand level.

    Fits log q = a_product + e log p over the products' periods (product
    fixed effects), so ``e`` is estimated from price changes *within* each
    product and the products share it. Products whose price never changed
    add nothing to the slope but are kept.

    Returns
    -------
    dict
        ``elasticity``, ``ci_low``, ``ci_high``, ``std_err``, ``p_value``,
        ``n_obs``, ``products`` (used) and ``caveats`` (";"-joined).
    """
    from statsmodels.regression.linear_model import OLS

    require_columns(tx, [item, "order_date", "quantity", "unit_price"], "Pooled price elasticity")
    check_choice("basis", basis, ["list", "average"])
    confidence = check_number("confidence", confidence, low=0, high=1, closed="neither")
    lines, _ = _price_lines(tx, item, freq, ())
    frames = []
    for code in [str(p) for p in products]:
        own = lines[lines["item"] == code]
        if own.empty:
            continue
        per = _period_series(own, basis)
        per["item"] = code
        frames.append(per)
    if not frames:
        raise DataError(f"Pooled price elasticity: none of the products {list(products)[:5]} has sales.")
    data = pd.concat(frames, ignore_index=True)
    varying = data.groupby("item")["price"].transform(lambda s: s.round(6).nunique()) > 1
    if not varying.any():
        raise DataError("Pooled price elasticity: no product's price changed, so no slope can be estimated.")
    dummies = pd.get_dummies(data["item"], dtype=float)
    x = pd.concat([np.log(data["price"]).rename("log_price"), dummies], axis=1)
    fit = OLS(np.log(data["quantity"]), x).fit()
    low, high = fit.conf_int(alpha=1 - confidence).loc["log_price"]
    e = float(fit.params["log_price"])
    caveats = []
    if low <= 0 <= high:
        caveats.append("not_significant")
    if e > 0:
        caveats.append("positive")
    result: dict[str, Any] = {
        "elasticity": e,
        "ci_low": float(low),
        "ci_high": float(high),
        "std_err": float(fit.bse["log_price"]),
        "p_value": float(fit.pvalues["log_price"]),
        "n_obs": int(len(data)),
        "products": int(data["item"].nunique()),
        "products_with_price_change": int(data.loc[varying, "item"].nunique()),
        "caveats": ";".join(caveats),
    }
    return result


def price_bands(tx: pd.DataFrame, bands: int | list[float] = 4, tiers: int = 4) -> pd.DataFrame:
    """Which price bands customers of each spend tier buy from.

    Order lines are put in price bands by unit price (quartiles of the
    lines by default, or the edges given); customers are put in spend
    tiers by their total sales (quartiles by default, tier 1 = lowest).

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions with ``customer_id``, ``unit_price`` and
        ``amount`` (sales lines are used).
    bands : int or list of float, default 4
        Number of quantile bands, or explicit increasing band edges.
    tiers : int, default 4
        Number of customer spend tiers (quantiles of customer spend).

    Returns
    -------
    DataFrame
        One row per spend tier and price band: ``spend_tier`` (1 = lowest),
        ``price_band`` (label "low-high"), ``band`` (1 = cheapest),
        ``customers`` (in the tier), ``tier_mean_spend``, ``revenue``,
        ``share_of_tier`` (the band's share of the tier's revenue) and
        ``avg_unit_price`` (the tier's revenue / quantity, when quantity is
        available).
    """
    require_columns(tx, ["customer_id", "unit_price", "amount"], "Price bands")
    tiers = check_number("tiers", tiers, low=2, integer=True)
    sales = sales_only(tx)
    sales = sales[sales["unit_price"] > 0]
    frame = pd.DataFrame(
        {
            "c": sales["customer_id"].astype(str),
            "p": sales["unit_price"].astype(float),
            "amount": sales["amount"].astype(float),
        }
    )
    if "quantity" in sales.columns:
        frame["q"] = sales["quantity"].astype(float)
    if isinstance(bands, (int, np.integer)) and not isinstance(bands, bool):
        check_number("bands", int(bands), low=2, integer=True)
        edges = np.unique(np.quantile(frame["p"], np.linspace(0, 1, int(bands) + 1)))
    else:
        edges = np.asarray(bands, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or (np.diff(edges) <= 0).any():
            raise parameter_error("bands", "an integer of at least 2, or increasing band edges", bands)
        outside = (frame["p"] < edges[0]) | (frame["p"] > edges[-1])
        if outside.any():
            raise DataError(
                f"Price bands: {int(outside.sum()):,} lines have unit prices outside the band edges "
                f"{edges[0]}-{edges[-1]} (e.g. {frame.loc[outside, 'p'].iloc[0]}); widen the edges.",
                column="unit_price",
            )
    frame["band"] = pd.cut(frame["p"], edges, include_lowest=True, labels=False).astype(int) + 1
    labels = {i + 1: f"{edges[i]:.2f}-{edges[i + 1]:.2f}" for i in range(len(edges) - 1)}
    spend = frame.groupby("c")["amount"].sum()
    tier = pd.qcut(spend.rank(method="first"), tiers, labels=False).astype(int) + 1
    frame["tier"] = frame["c"].map(tier)
    agg = {"revenue": ("amount", "sum")}
    if "q" in frame:
        agg["quantity"] = ("q", "sum")
    cell = frame.groupby(["tier", "band"]).agg(**agg).reset_index()
    tier_rev = cell.groupby("tier")["revenue"].transform("sum")
    cell["share_of_tier"] = cell["revenue"] / tier_rev
    tier_info = pd.DataFrame(
        {"customers": tier.value_counts(), "tier_mean_spend": spend.groupby(tier).mean()}
    )
    if "quantity" in cell:
        qty = cell.groupby("tier")["quantity"].sum()
        tier_info["avg_unit_price"] = cell.groupby("tier")["revenue"].sum() / qty
        cell = cell.drop(columns="quantity")
    cell = cell.join(tier_info, on="tier")
    cell["price_band"] = cell["band"].map(labels)
    cell = cell.rename(columns={"tier": "spend_tier"})
    cols = ["spend_tier", "price_band", "band", "customers", "tier_mean_spend", "revenue", "share_of_tier"]
    cols += ["avg_unit_price"] if "avg_unit_price" in cell else []
    return cell[cols].sort_values(["spend_tier", "band"]).reset_index(drop=True)
