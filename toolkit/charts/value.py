"""Charts for the customer-value report: cohorts, concentration, model checks, tiers.

Every function takes the output of a :mod:`toolkit.value` function plus
``lang`` and returns a matplotlib Figure; labels come from the catalogue.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from toolkit.charts.style import money_formatter, money_label, percent_formatter, short_money
from toolkit.concentration import top_count
from toolkit.i18n import t
from toolkit.i18n.numbers import count, month, percent
from toolkit.value.tiers import TIERS, ValueTiers

__all__ = [
    "retention_heatmap",
    "retention_curves",
    "cohort_value_chart",
    "lorenz_chart",
    "frequency_fit_chart",
    "holdout_chart",
    "tier_chart",
]

_GREY = "#8c8c8c"
_TIER_COLOURS = {"keep": "#1f5f8b", "invest": "#3a9d5d", "win_back": "#c44e52", "maintain": "#b0b7bd"}


def _colours() -> list[str]:
    return plt.rcParams["axes.prop_cycle"].by_key()["color"]


def _cohort_name(cohort: object, lang: str) -> str:
    """A cohort ("YYYY-MM" or a monthly Period) as the report writes a month: "Dec 2010" / "2010年12月"."""
    return month(pd.Period(str(cohort), freq="M"), lang)


def retention_heatmap(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Cohort x months-since-acquisition grid of retention rates, each cell labelled.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`toolkit.value.cohort_table`.
    """
    matrix = table.pivot(index="cohort", columns="months_since", values="retention").sort_index()
    complete = table.pivot(index="cohort", columns="months_since", values="complete").reindex_like(matrix)
    sizes = table.drop_duplicates("cohort").set_index("cohort")["cohort_size"].reindex(matrix.index)
    n_rows, n_cols = matrix.shape
    fig, ax = plt.subplots(figsize=(max(8.0, 0.62 * n_cols + 2.2), 0.42 * n_rows + 1.6))
    shown = matrix.copy()
    shown.loc[:, 0] = np.nan  # month 0 is 100% by definition; keep the colour scale for later months
    vmax = float(np.nanmax(shown.to_numpy())) if np.isfinite(shown.to_numpy()).any() else 1.0
    ax.imshow(shown.to_numpy(dtype=float), aspect="auto", cmap="Blues", vmin=0, vmax=max(vmax, 1e-9))
    for i in range(n_rows):
        for j in range(n_cols):
            value = matrix.iat[i, j]
            if np.isnan(value):
                continue
            partial = not bool(complete.iat[i, j])
            text = percent(value, lang) + ("*" if partial else "")
            dark = j > 0 and value > 0.6 * vmax
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "#333333")
    ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns])
    ax.set_yticks(
        range(n_rows),
        [
            t("value.label.cohort_tick", lang, month=_cohort_name(c, lang), customers=count(s, lang))
            for c, s in zip(matrix.index, sizes)
        ],
    )
    ax.set_xlabel(t("value.chart.months_since", lang))
    ax.set_ylabel(t("common.column.cohort", lang))
    ax.set_title(t("value.chart.retention_title", lang))
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if not table["complete"].all():
        ax.text(
            0.0,
            -0.08 - 0.6 / max(n_rows, 1),
            t("value.chart.partial_note", lang),
            transform=ax.transAxes,
            fontsize=8.5,
            color="#5b6670",
            va="top",
        )
    return fig


def _cohort_lines(ax: Any, data: pd.DataFrame, cohorts: list[Any], column: str, lang: str) -> None:
    """One line per cohort of ``column`` against months since acquisition, in the palette's order."""
    for colour, cohort in zip(_colours(), cohorts):
        rows = data.loc[data["cohort"] == cohort]
        ax.plot(
            rows["months_since"],
            rows[column],
            marker="o",
            markersize=3.5,
            color=colour,
            label=_cohort_name(cohort, lang),
        )


def retention_curves(table: pd.DataFrame, lang: str = "en", max_cohorts: int = 6) -> Figure:
    """Retention by month since acquisition for the earliest cohorts (complete months only).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`toolkit.value.cohort_table`.
    max_cohorts : int, default 6
        How many cohorts (the oldest, which have the longest curves) to draw.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    data = table.loc[table["complete"] & (table["months_since"] > 0)]
    cohorts = sorted(table["cohort"].unique())[:max_cohorts]
    _cohort_lines(ax, data, cohorts, "retention", lang)
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_ylim(bottom=0)
    ax.set_xlabel(t("value.chart.months_since", lang))
    ax.set_ylabel(t("common.column.retention", lang))
    ax.set_title(t("value.chart.curves_title", lang))
    ax.legend(title=t("common.column.cohort", lang), ncol=2, fontsize=8.5)
    return fig


def cohort_value_chart(table: pd.DataFrame, lang: str = "en", max_cohorts: int = 6) -> Figure:
    """Cumulative revenue per acquired customer by month since acquisition.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`toolkit.value.cohort_table`.
    max_cohorts : int, default 6
        How many of the oldest cohorts to draw.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    data = table.loc[table["complete"]]
    cohorts = sorted(table["cohort"].unique())[:max_cohorts]
    _cohort_lines(ax, data, cohorts, "cumulative_revenue_per_customer", lang)
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(t("value.chart.months_since", lang))
    ax.set_ylabel(money_label(t("common.column.cumulative_revenue_per_customer", lang), lang))
    ax.set_title(t("value.chart.cohort_value_title", lang))
    ax.legend(title=t("common.column.cohort", lang), ncol=2, fontsize=8.5)
    return fig


def lorenz_chart(
    curve: pd.DataFrame, lang: str = "en", mark: float = 0.2, *, title: str | None = None
) -> Figure:
    """The Lorenz curve, the line of equality and the top group's share of revenue.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`toolkit.concentration.lorenz_curve` (customers
        sorted from the smallest value).
    mark : float, default 0.2
        Share of customers in the top group to mark; the group is the
        ``ceil(mark x n)`` largest customers, as in
        :func:`toolkit.concentration.top_share`, so the label and the
        reported figure agree.
    title : str, optional
        Chart title (default: the customer-value report's).
    """
    n = len(curve) - 1
    k = top_count(n, mark)
    x = float(curve["share_of_customers"].iloc[n - k])
    y = float(curve["share_of_revenue"].iloc[n - k])
    colours = _colours()
    fig, ax = plt.subplots(figsize=(8, 4.4))
    ax.plot(
        curve["share_of_customers"],
        curve["share_of_revenue"],
        color=colours[0],
        linewidth=2,
        label=t("concentration.chart.curve", lang),
    )
    ax.plot([0, 1], [0, 1], color=_GREY, linestyle="--", linewidth=1, label=t("value.chart.equal_line", lang))
    ax.fill_between(
        curve["share_of_customers"],
        curve["share_of_revenue"],
        curve["share_of_customers"],
        color=colours[0],
        alpha=0.08,
    )
    ax.plot([x, x], [y, 1], color=colours[1], linewidth=1)
    ax.plot([x], [y], "o", color=colours[1])
    ax.annotate(
        t("value.chart.lorenz_mark", lang, customers=mark, revenue=1 - y),
        (x, (1 + y) / 2),
        xytext=(-12, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=9.5,
        color=colours[1],
    )
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(percent_formatter())
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(t("concentration.chart.customers", lang))
    ax.set_ylabel(t("concentration.chart.revenue", lang))
    ax.set_title(title if title is not None else t("value.chart.lorenz_title", lang))
    ax.legend(loc="upper left")
    return fig


def _paired_bars(
    ax: Axes,
    labels: pd.Series,
    first: pd.Series,
    second: pd.Series,
    first_label: str,
    second_label: str,
) -> None:
    x = np.arange(len(labels))
    ax.bar(x - 0.2, first, width=0.4, label=first_label, color=_colours()[0])
    ax.bar(x + 0.2, second, width=0.4, label=second_label, color=_colours()[1])
    ax.set_xticks(x, labels)
    ax.legend()


def frequency_fit_chart(fit: pd.DataFrame, lang: str = "en") -> Figure:
    """Customers with 0, 1, 2, ... repeat purchases: actual against the model's expectation.

    Parameters
    ----------
    fit : DataFrame
        Output of :func:`toolkit.value.frequency_fit`.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    _paired_bars(
        ax,
        fit["frequency_group"],
        fit["actual_customers"],
        fit["expected_customers"],
        t("value.chart.actual", lang),
        t("value.chart.model", lang),
    )
    ax.set_xlabel(t("value.chart.repeat_purchases", lang))
    ax.set_ylabel(t("common.column.customers", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: count(v, lang)))
    ax.set_title(t("value.chart.fit_title", lang))
    return fig


def holdout_chart(check: pd.DataFrame, lang: str = "en") -> Figure:
    """Average holdout purchases per calibration frequency group: actual against predicted.

    Parameters
    ----------
    check : DataFrame
        Output of :func:`toolkit.value.holdout_check`.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    _paired_bars(
        ax,
        check["frequency_group"],
        check["actual_mean"],
        check["predicted_mean"],
        t("value.chart.actual", lang),
        t("value.chart.predicted", lang),
    )
    ax.set_xlabel(t("value.chart.calibration_purchases", lang))
    ax.set_ylabel(t("value.chart.holdout_purchases", lang))
    ax.set_title(t("value.chart.holdout_title", lang))
    return fig


def tier_chart(tiers: ValueTiers, lang: str = "en") -> Figure:
    """Realised against potential value per customer, coloured by tier, thresholds drawn.

    Both axes use a symmetric log scale so that the many small and the few
    very large customers are all visible.
    """
    fig, ax = plt.subplots(figsize=(8, 5.2))
    frame = tiers.customers
    for tier in TIERS:
        rows = frame.loc[frame["tier"] == tier]
        ax.scatter(
            rows["realised_value"],
            rows["potential_value"],
            s=9,
            alpha=0.55,
            color=_TIER_COLOURS[tier],
            label=t(
                "value.label.tier_legend",
                lang,
                tier=t(f"value.tier.{tier}", lang),
                customers=count(len(rows), lang),
            ),
            linewidths=0,
        )
    ax.axvline(tiers.realised_threshold, color=_GREY, linestyle="--", linewidth=1)
    ax.axhline(tiers.potential_threshold, color=_GREY, linestyle="--", linewidth=1)
    for axis, values in ((ax.xaxis, frame["realised_value"]), (ax.yaxis, frame["potential_value"])):
        positive = values[values > 0]
        linthresh = float(positive.quantile(0.05)) if len(positive) else 1.0
        (ax.set_xscale if axis is ax.xaxis else ax.set_yscale)("symlog", linthresh=max(linthresh, 1e-9))
        # log-spaced ticks: each written on its own (100, 1,000, 1万, 10万), not with one shared unit
        axis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, lang)))
    ax.set_xlim(left=min(0.0, float(frame["realised_value"].min())))
    ax.set_ylim(bottom=min(0.0, float(frame["potential_value"].min())))
    ax.set_xlabel(money_label(t("common.column.realised_value", lang), lang))
    ax.set_ylabel(money_label(t("common.column.potential_value", lang), lang))
    ax.set_title(t("value.chart.tier_title", lang))
    ax.legend(loc="upper left", markerscale=2)
    return fig
