"""Charts for the data overview report.

Money axes carry the report's currency (see :func:`toolkit.charts.style.money_label`);
month labels and market names are written in the report language.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts.style import money_formatter, money_label
from toolkit.i18n import has, t
from toolkit.i18n.numbers import month

__all__ = ["known_region", "monthly_revenue_chart", "month_labels", "region_name", "top_items_chart"]


def _country_key(value: object) -> str:
    return "common.country." + "_".join(str(value).lower().split())


def known_region(value: object) -> bool:
    """Whether a market name from the data has a translation (``common.country.<name>``)."""
    return has(_country_key(value))


def region_name(value: object, lang: str = "en") -> str:
    """A market name from the data in the report language, else the name as given."""
    return t(_country_key(value), lang) if known_region(value) else str(value)


def month_labels(months: pd.Series, lang: str = "en") -> list[str]:
    """Tick labels for monthly bars: the month, with the year under the first bar and under January.

    English "Dec 2010" (on two lines), then "Jan 2011", "Feb", ...; Chinese "12月 2010年", "1月 2011年", "2月".
    """
    labels = []
    for i, period in enumerate(months):
        stamp = pd.Period(period, "M").to_timestamp()
        name, year = (
            (f"{stamp.month}月", f"{stamp.year}年")
            if lang == "zh"
            else (month(stamp, lang)[:3], str(stamp.year))
        )
        labels.append(f"{name}\n{year}" if i == 0 or stamp.month == 1 else name)
    return labels


def monthly_revenue_chart(monthly: pd.DataFrame, lang: str = "en", title: str | None = None) -> Figure:
    """Bar chart of revenue per month; partial months are hatched and labelled.

    Parameters
    ----------
    monthly : DataFrame
        :func:`toolkit.data.profile.monthly_revenue` output (month, revenue, partial).
    title : str, optional
        The chart title, best one that states the finding; default "Revenue by month".
    """
    fig, ax = plt.subplots(figsize=(9, 4))
    x = range(len(monthly))
    colors = [
        "#b9c7d3" if p else plt.rcParams["axes.prop_cycle"].by_key()["color"][0] for p in monthly["partial"]
    ]
    bars = ax.bar(x, monthly["revenue"], color=colors)
    for bar, partial in zip(bars, monthly["partial"]):
        if partial:
            bar.set_hatch("//")
    ax.set_xticks(list(x), month_labels(monthly["month"], lang))
    ax.set_title(title or t("overview.chart.monthly_title", lang))
    ax.set_ylabel(money_label(t("common.column.revenue", lang), lang))
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.grid(axis="x", visible=False)
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
    """Horizontal bars of revenue for the top items, largest on top.

    Market names (``column == "region"``) are shown in the report language.
    """
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(table) + 1.2))
    ordered = table.iloc[::-1]
    values = ordered[column].map(lambda v: region_name(v, lang)) if column == "region" else ordered[column]
    names = values.astype(str).str.slice(0, 40)
    ax.barh(names, ordered["revenue"])
    ax.set_title(title)
    ax.set_xlabel(money_label(t("common.column.revenue", lang), lang))
    ax.xaxis.set_major_formatter(money_formatter(lang))
    ax.grid(axis="y", visible=False)
    return fig
