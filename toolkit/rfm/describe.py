"""Readable versions of RFM results for reports (pure, translated).

Numbers follow :mod:`toolkit.i18n.numbers`: thousands separators, a true
minus sign, one range separator, and money with its currency.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.i18n import t
from toolkit.i18n.numbers import money, number, span
from toolkit.rfm.scoring import Scores

__all__ = ["format_number", "format_value", "describe_thresholds", "recency_top_limit"]


def format_number(value: float, lang: str = "en") -> str:
    """Whole numbers plainly, others with two decimals, thousands separated; "—" when not finite."""
    if not np.isfinite(value):
        return "—"
    return number(value, lang, 0 if float(value).is_integer() else 2)


def format_value(value: float, dimension: str, lang: str = "en", currency: str | None = None) -> str:
    """One value of an RFM measure: monetary values as money to the penny (with ``currency``), others as numbers."""
    if dimension != "monetary" or not np.isfinite(value):
        return format_number(value, lang)
    return money(value, currency, lang, 2)


def _range(lower: float, upper: float, integer: bool, fmt: Callable[[float], str], lang: str) -> str:
    if np.isfinite(lower) and np.isfinite(upper) and lower >= upper:
        return "—"
    if (
        integer
        and (np.isinf(lower) or float(lower).is_integer())
        and (np.isinf(upper) or float(upper).is_integer())
    ):
        if np.isinf(lower):
            return f"≤ {fmt(upper)}"
        if np.isinf(upper):
            return f"≥ {fmt(lower + 1)}"
        low = lower + 1
        return fmt(low) if low == upper else span(fmt(low), fmt(upper), lang)
    if np.isinf(lower):
        return f"≤ {fmt(upper)}"
    if np.isinf(upper):
        return f"> {fmt(lower)}"
    return f"> {fmt(lower)}, ≤ {fmt(upper)}"


def describe_thresholds(
    scores: Scores,
    lang: str = "en",
    integer_dimensions: tuple[str, ...] = ("recency", "frequency"),
    currency: str | None = None,
) -> pd.DataFrame:
    """The cut-point table for a report, every value written out.

    Parameters
    ----------
    scores : Scores
        Quantile or nested scores.
    lang : {"en", "zh"}
    integer_dimensions : tuple of str
        Measures with whole values, whose ranges read "16–33" rather than "> 15, ≤ 33".
    currency : str, optional
        ISO code of the monetary values (shown with its symbol).

    Returns
    -------
    DataFrame
        ``dimension`` (translated), ``score``, ``range`` (the values that
        get the score: the interval ``(lower, upper]`` written out, or the
        observed range for nested scores), ``min_value``, ``max_value``
        (as text), ``customers``, ``share``.
    """
    rows = []
    for rec in scores.thresholds.itertuples(index=False):
        integer = rec.dimension in integer_dimensions

        def fmt(value: float, dimension: str = str(rec.dimension)) -> str:
            return format_value(value, dimension, lang, currency)

        if scores.method == "nested":
            text = (
                "—"
                if rec.customers == 0
                else (
                    fmt(rec.min_value)
                    if rec.min_value == rec.max_value
                    else span(fmt(rec.min_value), fmt(rec.max_value), lang)
                )
            )
        else:
            text = _range(rec.lower, rec.upper, integer, fmt, lang)
        empty = rec.customers == 0
        rows.append(
            {
                "dimension": t(f"rfm.dimension.{rec.dimension}", lang),
                "score": rec.score,
                "range": text,
                "min_value": "—" if empty else fmt(rec.min_value),
                "max_value": "—" if empty else fmt(rec.max_value),
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
