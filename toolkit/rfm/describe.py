"""Readable versions of RFM results for reports (pure, translated)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.i18n import t
from toolkit.rfm.scoring import Scores

__all__ = ["format_number", "describe_thresholds", "recency_top_limit"]


def format_number(value: float) -> str:
    """Whole numbers plainly, others with two decimals, thousands separated."""
    if not np.isfinite(value):
        return "–"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _range(lower: float, upper: float, integer: bool) -> str:
    if np.isfinite(lower) and np.isfinite(upper) and lower >= upper:
        return "–"
    if (
        integer
        and (np.isinf(lower) or float(lower).is_integer())
        and (np.isinf(upper) or float(upper).is_integer())
    ):
        if np.isinf(lower):
            return f"≤ {format_number(upper)}"
        if np.isinf(upper):
            return f"≥ {format_number(lower + 1)}"
        low = lower + 1
        return format_number(low) if low == upper else f"{format_number(low)} – {format_number(upper)}"
    if np.isinf(lower):
        return f"≤ {format_number(upper)}"
    if np.isinf(upper):
        return f"> {format_number(lower)}"
    return f"> {format_number(lower)}, ≤ {format_number(upper)}"


def describe_thresholds(
    scores: Scores, lang: str = "en", integer_dimensions: tuple[str, ...] = ("recency", "frequency")
) -> pd.DataFrame:
    """The cut-point table for a report.

    Returns
    -------
    DataFrame
        ``dimension`` (translated), ``score``, ``range`` (the values that
        get the score: the interval ``(lower, upper]`` written out, or the
        observed range for nested scores), ``min_value``, ``max_value``,
        ``customers``, ``share``.
    """
    rows = []
    for rec in scores.thresholds.itertuples(index=False):
        integer = rec.dimension in integer_dimensions
        if scores.method == "nested":
            text = (
                "–"
                if rec.customers == 0
                else (
                    format_number(rec.min_value)
                    if rec.min_value == rec.max_value
                    else f"{format_number(rec.min_value)} – {format_number(rec.max_value)}"
                )
            )
        else:
            text = _range(rec.lower, rec.upper, integer)
        rows.append(
            {
                "dimension": t(f"rfm.dimension.{rec.dimension}", lang),
                "score": rec.score,
                "range": text,
                "min_value": rec.min_value,
                "max_value": rec.max_value,
                "customers": rec.customers,
                "share": rec.share,
            }
        )
    return pd.DataFrame(rows)


def recency_top_limit(scores: Scores) -> float | None:
    """The largest recency that still earns the top R score (None if no customer has it)."""
    top = scores.thresholds.query("dimension == 'recency' and score == @scores.bins").iloc[0]
    if top["customers"] == 0:
        return None
    return float(top["upper"]) if np.isfinite(top["upper"]) else float(top["max_value"])
