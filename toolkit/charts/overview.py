"""Charts for the data overview report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts.style import money_formatter
from toolkit.i18n import t

__all__ = ["monthly_revenue_chart", "top_items_chart"]


def monthly_revenue_chart(monthly: pd.DataFrame, lang: str = "en") -> Figure:
    """Bar chart of revenue per month; partial months are hatched and labelled."""
    fig, ax = plt.subplots(figsize=(9, 4))
    labels = monthly["month"].astype(str)
    colors = [
        "#b9c7d3" if p else plt.rcParams["axes.prop_cycle"].by_key()["color"][0] for p in monthly["partial"]
    ]
    bars = ax.bar(labels, monthly["revenue"], color=colors)
    for bar, partial in zip(bars, monthly["partial"]):
        if partial:
            bar.set_hatch("//")
    ax.set_title(t("overview.chart.monthly_title", lang))
    ax.set_ylabel(t("common.column.revenue", lang))
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.tick_params(axis="x", rotation=45)
    if monthly["partial"].any():
        ax.text(
            0.01,
            0.98,
            t("overview.chart.partial_note", lang),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=9,
            color="#5b6670",
        )
    return fig


def top_items_chart(table: pd.DataFrame, column: str, title: str, lang: str = "en") -> Figure:
    """Horizontal bars of revenue for the top items, largest on top."""
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(table) + 1.2))
    ordered = table.iloc[::-1]
    names = ordered[column].astype(str).str.slice(0, 40)
    ax.barh(names, ordered["revenue"])
    ax.set_title(title)
    ax.set_xlabel(t("common.column.revenue", lang))
    ax.xaxis.set_major_formatter(money_formatter(lang))
    ax.grid(axis="y", visible=False)
    return fig
