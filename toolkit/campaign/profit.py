"""How deep into a ranked list to call: the profit curve.

Customers are ranked by their predicted chance of saying yes. Calling the
top k customers costs ``cost_per_call`` for every call made to them and
earns ``profit_per_success`` for every yes among them. Profit first rises
(the best prospects pay for their calls), peaks, and then falls as the calls
reach customers who rarely say yes. The peak is the best depth.

Calls per customer: a telemarketing campaign often calls a customer several
times (the bank data's ``campaign`` column counts them). When such a column
is given, the cost of a customer is what the campaign actually spent on
them; otherwise each customer costs one call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, check_number, format_examples

__all__ = [
    "calls_from_column",
    "profit_curve",
    "optimal_depth",
    "depth_at_threshold",
    "sample_curve",
    "strategy_table",
]


def calls_from_column(
    frame: pd.DataFrame, column: str, source: str | None = None, row_offset: int = 1
) -> np.ndarray:
    """Calls made to each customer, read from ``column``; one each when ``column`` is empty.

    Parameters
    ----------
    frame : DataFrame
        One row per customer.
    column : str
        Column counting the calls (e.g. ``"campaign"`` in the bank data), or
        ``""`` to count one call per customer.
    source : str, optional
        File name for error messages.
    row_offset : int, default 1
        Added to a row's position to give the row number shown.

    Returns
    -------
    ndarray of float

    Raises
    ------
    DataError
        The column is missing, or holds values that are not numbers >= 0.
    """
    if not column:
        return np.ones(len(frame))
    if column not in frame.columns:
        raise DataError(
            f"calls column '{column}' not found; available: {list(frame.columns)}. "
            'Set `calls_column` to your column, or to "" to count one call per customer.',
            source=source,
        )
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = (values.isna() | (values < 0)).to_numpy()
    if bad.any():
        rows = (np.flatnonzero(bad) + row_offset).tolist()
        raise DataError(
            f"calls column '{column}' must hold a number >= 0 for every customer; {int(bad.sum())} row(s) do not, "
            f"e.g. rows {format_examples(rows)} with {format_examples(frame[column][bad].tolist())}.",
            source=source,
            column=column,
            rows=rows[:20],
        )
    return values.to_numpy(float)


def profit_curve(
    y: object,
    score: object,
    cost_per_call: float,
    profit_per_success: float,
    calls: object | None = None,
) -> pd.DataFrame:
    """Cumulative cost, successes and profit of calling the top k customers.

    Parameters
    ----------
    y : array-like of 0/1
        Observed outcome of each customer.
    score : array-like of float
        Model score; customers are called from the highest score down (ties
        keep their input order).
    cost_per_call : float
        Cost of one call.
    profit_per_success : float
        Profit from one success, before call costs.
    calls : array-like of int, optional
        Calls made to each customer; default one each.

    Returns
    -------
    DataFrame
        One row per depth k = 0..n: ``customers, share, calls, successes,
        cost, revenue, profit, score`` (``score`` is the lowest score called,
        NaN at k = 0).
    """
    cost_per_call = check_number("cost_per_call", cost_per_call, low=0)
    profit_per_success = check_number("profit_per_success", profit_per_success, low=0, closed="neither")
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    if y.shape != score.shape or len(y) == 0:
        raise ParameterError(
            f"`y` and `score` must be non-empty and the same length; got {len(y)} and {len(score)}."
        )
    if not np.isin(y, [0, 1]).all():
        raise ParameterError(
            f"`y` must hold only 0 and 1; got {format_examples(np.unique(y[~np.isin(y, [0, 1])]))}."
        )
    if np.isnan(score).any():
        raise ParameterError(f"`score` has {int(np.isnan(score).sum())} missing value(s).")
    calls = np.ones(len(y)) if calls is None else np.asarray(calls, dtype=float)
    if calls.shape != y.shape or np.isnan(calls).any() or (calls < 0).any():
        raise ParameterError("`calls` must give a number >= 0 of calls for every customer.")
    order = np.argsort(-score, kind="stable")
    succ = np.concatenate([[0.0], np.cumsum(y[order])])
    n_calls = np.concatenate([[0.0], np.cumsum(calls[order])])
    k = np.arange(len(y) + 1)
    cost = n_calls * cost_per_call
    revenue = succ * profit_per_success
    return pd.DataFrame(
        {
            "customers": k,
            "share": k / len(y),
            "calls": n_calls,
            "successes": succ.astype(int),
            "cost": cost,
            "revenue": revenue,
            "profit": revenue - cost,
            "score": np.concatenate([[np.nan], score[order]]),
        }
    )


def optimal_depth(curve: pd.DataFrame) -> pd.Series:
    """The row of a profit curve with the highest profit (the shallowest if tied)."""
    return curve.loc[curve["profit"].idxmax()]


def depth_at_threshold(curve: pd.DataFrame, threshold: float) -> pd.Series:
    """The row of a profit curve where every customer scoring >= ``threshold`` is called.

    Used for the break-even rule: call a customer when the predicted chance
    of success times the profit per success covers the cost of the calls,
    i.e. ``score >= cost / profit``.
    """
    k = int((curve["score"] >= threshold).sum())
    return curve.iloc[k]


def sample_curve(curve: pd.DataFrame, points: int = 100) -> pd.DataFrame:
    """A profit curve thinned to ``points`` evenly spaced depths, keeping the optimum.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`profit_curve`.
    points : int, default 100
        Number of steps (100 = every percent of the list).

    Returns
    -------
    DataFrame
        The selected rows, in depth order, with an ``optimal`` flag.
    """
    points = check_number("points", points, low=2, integer=True)
    n = int(curve["customers"].max())
    picks = set(np.unique(np.round(np.linspace(0, n, points + 1)).astype(int)))
    best = int(optimal_depth(curve)["customers"])
    picks.add(best)
    out = curve[curve["customers"].isin(picks)].copy()
    out["optimal"] = out["customers"] == best
    return out.reset_index(drop=True)


def strategy_table(
    curve: pd.DataFrame,
    cost_per_call: float,
    profit_per_success: float,
    as_run: dict[str, float] | None = None,
    threshold: float | None = None,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Compare calling the best depth with calling everyone and with the campaign as run.

    Parameters
    ----------
    curve : DataFrame
        Profit curve on held-out customers (:func:`profit_curve`).
    cost_per_call, profit_per_success : float
        The economics used for the ``as_run`` row.
    as_run : dict, optional
        ``{"customers": ..., "calls": ..., "successes": ...}`` of the whole
        campaign as it was actually run; adds a row.
    threshold : float, optional
        Score threshold of the break-even rule; adds a row.
    scale : float, default 1.0
        Factor applied to the held-out rows' counts, cost and profit so they
        read at the size of the whole list (whole list / held-out customers).

    Returns
    -------
    DataFrame
        One row per strategy: ``strategy`` ("as_run", "everyone",
        "optimal", "threshold"), ``customers, share, calls, successes, cost,
        revenue, profit, success_rate, profit_per_customer``.
    """
    cost_per_call = check_number("cost_per_call", cost_per_call, low=0)
    profit_per_success = check_number("profit_per_success", profit_per_success, low=0, closed="neither")
    check_number("scale", scale, low=0, closed="neither")
    cols = ["customers", "calls", "successes", "cost", "revenue", "profit"]
    rows = []
    if as_run is not None:
        missing = {"customers", "calls", "successes"} - set(as_run)
        if missing:
            raise ParameterError(
                f"`as_run` needs the keys customers, calls and successes; missing {sorted(missing)}."
            )
        cost = as_run["calls"] * cost_per_call
        revenue = as_run["successes"] * profit_per_success
        rows.append(
            {
                "strategy": "as_run",
                "customers": as_run["customers"],
                "calls": as_run["calls"],
                "successes": as_run["successes"],
                "cost": cost,
                "revenue": revenue,
                "profit": revenue - cost,
                "share": 1.0,
            }
        )
    picks = [("everyone", curve.iloc[-1]), ("optimal", optimal_depth(curve))]
    if threshold is not None:
        picks.append(("threshold", depth_at_threshold(curve, threshold)))
    for name, row in picks:
        entry = {"strategy": name, "share": float(row["share"])}
        entry.update({c: float(row[c]) * scale for c in cols})
        rows.append(entry)
    out = pd.DataFrame(rows)
    out["success_rate"] = np.where(
        out["customers"] > 0, out["successes"] / out["customers"].where(out["customers"] > 0, 1), np.nan
    )
    out["profit_per_customer"] = np.where(
        out["customers"] > 0, out["profit"] / out["customers"].where(out["customers"] > 0, 1), np.nan
    )
    return out[
        [
            "strategy",
            "customers",
            "share",
            "calls",
            "successes",
            "cost",
            "revenue",
            "profit",
            "success_rate",
            "profit_per_customer",
        ]
    ]
