"""Charts for the RFM report.

They show distributions, R x F heatmaps, segments, weighted points, cell
response against break-even, and migration.

Every function takes model output from :mod:`toolkit.rfm` plus ``lang``
and returns a :class:`matplotlib.figure.Figure`; all labels come from the
translation catalogue, money axes and colour bars name the report's
currency (:func:`toolkit.charts.style.money_label`), and dates and shares are
written as in the report text.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts.style import money_formatter, money_label, percent_formatter, short_money
from toolkit.i18n import t
from toolkit.i18n.numbers import date, percent

__all__ = [
    "distributions_chart",
    "rf_heatmap",
    "segment_chart",
    "weighted_chart",
    "cell_response_chart",
    "migration_chart",
]

_GREY = "#8c8c8c"


def _accent(i: int = 0) -> str:
    return plt.rcParams["axes.prop_cycle"].by_key()["color"][i]


def distributions_chart(
    customers: pd.DataFrame, lang: str = "en", recency_unit: str = "days", title: str | None = None
) -> Figure:
    """Histograms of recency, frequency and monetary value, side by side.

    Frequency and monetary value are heavily skewed, so values above the
    99th percentile are gathered in the last bar (the chart says so).
    ``title`` is the figure's title (best one that states the finding);
    default "Recency, frequency and spend".
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
    fig.suptitle(title or t("rfm.chart.distributions", lang), fontweight="bold")
    rec = customers["recency"].to_numpy(dtype="float64")
    axes[0].hist(rec, bins=30, color=_accent(0))
    axes[0].set_xlabel(t(f"rfm.unit.recency_{recency_unit}", lang))
    axes[0].set_title(t("rfm.chart.recency", lang))
    for ax, column, key in (
        (axes[1], "frequency", "rfm.chart.frequency"),
        (axes[2], "monetary", "rfm.chart.monetary"),
    ):
        values = customers[column].to_numpy(dtype="float64")
        cap = float(np.percentile(values, 99))
        clipped = np.minimum(values, cap)
        if column == "frequency":
            top = int(max(cap, 1))
            edges = np.arange(0.5, top + 1.5, 1) if top <= 40 else 30
        else:
            edges = 30
        ax.hist(clipped, bins=edges, color=_accent(0))
        ax.set_title(t(key, lang))
        if column == "monetary":
            ax.set_xlabel(money_label(t("rfm.chart.spend", lang), lang))
            ax.xaxis.set_major_formatter(money_formatter(lang))
            cap_text = short_money(cap, lang)
        else:
            ax.set_xlabel(t("common.column.orders", lang))
            cap_text = f"{cap:,.0f}"
        ax.text(
            0.98,
            0.97,
            t("rfm.chart.capped", lang, cap=cap_text),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8.5,
            color="#5b6670",
        )
    axes[0].set_ylabel(t("common.column.customers", lang))
    for ax in axes:
        ax.grid(axis="x", visible=False)
    return fig


def rf_heatmap(scored: pd.DataFrame, lang: str = "en", value: str = "customers", bins: int = 5) -> Figure:
    """R score (rows, best on top) by F score (columns) heatmap.

    Parameters
    ----------
    scored : DataFrame
        ``r_score, f_score`` and, for ``value="monetary"``, ``monetary``.
    value : {"customers", "monetary"}
        Count of customers, or their mean monetary value, per cell.
    """
    if value == "customers":
        grid = pd.crosstab(scored["r_score"], scored["f_score"])
        title, bar_label = t("rfm.chart.heatmap_customers", lang), t("common.column.customers", lang)

        def fmt(v: float) -> str:
            return f"{v:,.0f}"
    else:
        grid = scored.pivot_table(index="r_score", columns="f_score", values="monetary", aggfunc="mean")
        title, bar_label = (
            t("rfm.chart.heatmap_monetary", lang),
            money_label(t("rfm.chart.mean_spend", lang), lang),
        )

        def fmt(v: float) -> str:
            return short_money(v, lang)

    scores = list(range(1, bins + 1))
    grid = grid.reindex(index=scores[::-1], columns=scores)
    fig, ax = plt.subplots(figsize=(5.8, 4.0))
    data = grid.to_numpy(dtype="float64")
    image = ax.imshow(np.ma.masked_invalid(data), cmap="Blues", aspect="auto")
    ax.set_xticks(range(bins), [str(s) for s in scores])
    ax.set_yticks(range(bins), [str(s) for s in scores[::-1]])
    ax.set_xlabel(t("rfm.chart.f_score", lang))
    ax.set_ylabel(t("rfm.chart.r_score", lang))
    ax.set_title(title)
    ax.grid(False)
    finite = data[np.isfinite(data)]
    mid = (finite.max() + finite.min()) / 2 if finite.size else 0
    for i in range(bins):
        for j in range(bins):
            v = data[i, j]
            text = "–" if not np.isfinite(v) else fmt(v)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if np.isfinite(v) and v > mid else "#1b1b1b",
            )
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(bar_label)
    if value != "customers":
        bar.formatter = money_formatter(lang)
        bar.update_ticks()
    return fig


def segment_chart(summary: pd.DataFrame, lang: str = "en") -> Figure:
    """Share of customers and share of revenue per segment (paired bars).

    ``summary`` is :func:`toolkit.rfm.segment_summary` output.
    """
    data = summary.iloc[::-1]
    y = np.arange(len(data))
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(data) + 1.4))
    h = 0.38
    ax.barh(
        y + h / 2,
        data["share_of_customers"],
        height=h,
        color=_GREY,
        label=t("common.column.share_of_customers", lang),
    )
    ax.barh(
        y - h / 2,
        data["share_of_revenue"],
        height=h,
        color=_accent(0),
        label=t("common.column.share_of_revenue", lang),
    )
    for yi, (c, r) in enumerate(zip(data["share_of_customers"], data["share_of_revenue"])):
        ax.text(c, yi + h / 2, " " + percent(c, lang), va="center", fontsize=8.5, color="#3b3b3b")
        ax.text(r, yi - h / 2, " " + percent(r, lang), va="center", fontsize=8.5, color="#3b3b3b")
    ax.set_yticks(y, data["name"])
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.set_xlim(0, max(data["share_of_customers"].max(), data["share_of_revenue"].max()) * 1.18 + 1e-9)
    ax.set_title(t("rfm.chart.segments", lang))
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


def weighted_chart(points: pd.DataFrame, lang: str = "en", top: int = 15) -> Figure:
    """Stacked R, F and M points of the best-ranked customers (weighted method)."""
    data = points.sort_values(["weighted_rank", "customer_id"]).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.36 * len(data) + 1.4))
    left = np.zeros(len(data))
    labels = data["customer_id"].astype(str)
    for i, (column, key) in enumerate(
        (
            ("weighted_r", "rfm.chart.points_r"),
            ("weighted_f", "rfm.chart.points_f"),
            ("weighted_m", "rfm.chart.points_m"),
        )
    ):
        values = data[column].to_numpy(dtype="float64")
        ax.barh(labels, values, left=left, color=_accent(i), label=t(key, lang))
        left += values
    for yi, total in enumerate(left):
        ax.text(total, yi, f" {total:,.1f}", va="center", fontsize=8.5)
    ax.set_xlim(0, left.max() * 1.12 + 1e-9)
    ax.set_xlabel(t("rfm.chart.points_total", lang))
    ax.set_ylabel(t("common.column.customer_id", lang))
    ax.set_title(t("rfm.chart.weighted", lang, n=len(data)))
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


def cell_response_chart(
    cells: pd.DataFrame, break_even: float, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Figure:
    """Each cell's test response rate with its interval, against the break-even rate.

    Cells run down the chart (best on top), so their labels read without rotation.

    Parameters
    ----------
    cells : DataFrame
        ``CellResponse.cells``.
    break_even : float
        The break-even response rate (drawn as a line).
    labels : dict, optional
        Display label per cell code.
    """
    data = cells.sort_values("response_rate")
    y = np.arange(len(data))
    fig, ax = plt.subplots(figsize=(8.0, max(3.6, 0.24 * len(data) + 1.6)))
    colors = [_accent(0) if roll else _GREY for roll in data["roll_out"]]
    err = np.clip(
        np.vstack([data["response_rate"] - data["ci_low"], data["ci_high"] - data["response_rate"]]), 0, None
    )
    ax.errorbar(data["response_rate"], y, xerr=err, fmt="none", ecolor="#b5b5b5", elinewidth=1.2, capsize=2)
    ax.scatter(data["response_rate"], y, c=colors, s=28, zorder=3)
    ax.axvline(break_even, color="#c44e52", linestyle="--", linewidth=1.3)
    ax.text(
        break_even,
        len(data) - 0.4,
        " " + t("rfm.chart.break_even", lang, rate=percent(break_even, lang, 2)),
        color="#c44e52",
        va="bottom",
        ha="left",
        fontsize=9,
    )
    names = [labels.get(c, c) if labels else c for c in data["cell"]]
    ax.set_yticks(y, names, fontsize=8.5)
    ax.set_ylim(-0.7, len(data) + 0.4)
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.set_ylabel(t("rfm.chart.cell", lang))
    ax.set_xlabel(t("common.column.response_rate", lang))
    ax.set_title(t("rfm.chart.cell_response", lang))
    roll = plt.Line2D([], [], marker="o", linestyle="", color=_accent(0), label=t("rfm.chart.roll_out", lang))
    skip = plt.Line2D([], [], marker="o", linestyle="", color=_GREY, label=t("rfm.chart.skip", lang))
    ax.legend(handles=[roll, skip], loc="lower right")
    ax.grid(axis="y", visible=False)
    return fig


def migration_chart(shares: pd.DataFrame, names: Mapping[str, str], dates: tuple, lang: str = "en") -> Figure:
    """Where each segment's customers went: row shares as a heatmap.

    Parameters
    ----------
    shares : DataFrame
        ``Migration.shares``.
    names : dict
        Display name per segment key (and for the ``not_yet_customer`` row).
    dates : (Timestamp, Timestamp)
        The two analysis dates, for the axis labels.
    """
    rows = [names.get(r, r) for r in shares.index]
    cols = [names.get(c, c) for c in shares.columns]
    data = shares.to_numpy(dtype="float64")
    fig, ax = plt.subplots(figsize=(0.62 * len(cols) + 3.2, 0.42 * len(rows) + 2.2))
    ax.imshow(data, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(t("rfm.chart.segment_at", lang, date=date(pd.Timestamp(dates[1]), lang)))
    ax.set_ylabel(t("rfm.chart.segment_at", lang, date=date(pd.Timestamp(dates[0]), lang)))
    ax.set_title(t("rfm.chart.migration", lang))
    ax.grid(False)
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j] >= 0.005:
                ax.text(
                    j,
                    i,
                    percent(data[i, j], lang),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if data[i, j] > 0.5 else "#1b1b1b",
                )
    return fig
