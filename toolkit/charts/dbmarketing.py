"""Charts for the database-marketing report.

They show the cleaning, the scores, the campaign test, dormant customers and
retention economics.

Every function takes output of :mod:`toolkit.dbmarketing` plus ``lang`` and
returns a :class:`matplotlib.figure.Figure`; all labels come from the
translation catalogue. Money axes carry the report's currency
(:func:`toolkit.charts.style.current_currency`), counts and money use the
one number format of :mod:`toolkit.i18n.numbers`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.charts.style import (
    AxisFormatter,
    current_currency,
    money_formatter,
    money_label,
    percent_formatter,
)
from toolkit.i18n import numbers, t

__all__ = [
    "cleaning_funnel_chart",
    "score_profile_chart",
    "campaign_groups_chart",
    "buy_rate_by_score_chart",
    "reactivation_depth_chart",
    "retention_projection_chart",
]

_GREY = "#8c8c8c"
_LIGHT = "#b9c7d3"


def _colour(i: int = 0) -> str:
    return plt.rcParams["axes.prop_cycle"].by_key()["color"][i]


def _count_formatter(lang: str) -> AxisFormatter:
    """Tick labels for counts of lines or customers: 100k / 10万, one unit per axis."""
    return AxisFormatter("number", lang)


def cleaning_funnel_chart(cleaning_log: pd.DataFrame, raw_rows: int, lang: str = "en") -> Figure:
    """Lines left after each cleaning rule, from the raw file to the order lines.

    Parameters
    ----------
    cleaning_log : DataFrame
        The ``cleaning_log`` table (rule, rows_removed in rule order).
    raw_rows : int
        Lines in the raw file.
    """
    labels = [t("dbm.chart.raw_lines", lang)]
    left = [int(raw_rows)]
    removed = [0]
    for rule, n in zip(cleaning_log["rule"], cleaning_log["rows_removed"]):
        labels.append(t(f"quality.rule.{rule}", lang))
        removed.append(int(n))
        left.append(left[-1] - int(n))
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(labels) + 1.4))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, left, color=_colour(0), label=t("dbm.chart.lines_left", lang))
    ax.barh(y, removed, left=left, color=_LIGHT, label=t("dbm.chart.lines_removed", lang))
    for yi, kept, gone in zip(y, left, removed):
        text = numbers.count(kept, lang) + (f"  ({numbers.count(-gone, lang)})" if gone else "")
        ax.text(kept * 0.02, yi, text, va="center", ha="left", color="white", fontsize=9, fontweight="bold")
    ax.set_yticks(y, labels)
    ax.set_xlabel(t("common.column.rows", lang))
    ax.xaxis.set_major_formatter(_count_formatter(lang))
    ax.set_title(t("dbm.chart.funnel_title", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    return fig


def score_profile_chart(score_summary: pd.DataFrame, lang: str = "en") -> Figure:
    """Share of customers and share of revenue at each total score.

    Parameters
    ----------
    score_summary : DataFrame
        Output of :func:`toolkit.dbmarketing.queries.score_summary`.
    """
    frame = score_summary.sort_values("score")
    x = np.arange(len(frame))
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    ax.bar(
        x - 0.2,
        frame["share_of_customers"],
        width=0.4,
        color=_LIGHT,
        label=t("common.column.share_of_customers", lang),
    )
    ax.bar(
        x + 0.2,
        frame["share_of_revenue"],
        width=0.4,
        color=_colour(0),
        label=t("common.column.share_of_revenue", lang),
    )
    ax.set_xticks(x, frame["score"].astype(int).astype(str))
    ax.set_xlabel(t("dbm.chart.total_score", lang))
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_title(t("dbm.chart.score_profile_title", lang))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    return fig


def campaign_groups_chart(groups: pd.DataFrame, lang: str = "en") -> Figure:
    """Response rate of the contacted and the hold-out group, with intervals.

    Parameters
    ----------
    groups : DataFrame
        ``CampaignMeasure.groups`` (campaign_group, response_rate, ci_low, ci_high).
    """
    fig, ax = plt.subplots(figsize=(7, 3.8))
    names = [t(f"dbm.group.{g}", lang) for g in groups["campaign_group"]]
    rates = groups["response_rate"].to_numpy(dtype=float)
    err = np.vstack(
        [rates - groups["ci_low"].to_numpy(dtype=float), groups["ci_high"].to_numpy(dtype=float) - rates]
    )
    colours = [_colour(0) if g == "mail" else _LIGHT for g in groups["campaign_group"]]
    ax.bar(names, rates, color=colours, width=0.55)
    ax.errorbar(names, rates, yerr=err, fmt="none", ecolor="#333333", capsize=6, lw=1.2)
    for i, rate in enumerate(rates):
        ax.text(
            i,
            rate / 2,
            numbers.percent(rate, lang, 1),
            ha="center",
            va="center",
            color="white" if i == 0 else "#222222",
            fontweight="bold",
        )
    ax.set_ylim(0, min(1.0, float(groups["ci_high"].max()) * 1.15))
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_ylabel(t("common.column.response_rate", lang))
    ax.set_title(t("dbm.chart.groups_title", lang))
    ax.grid(axis="x", visible=False)
    ax.text(
        0.99,
        0.02,
        t("dbm.chart.ci_note", lang),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8.5,
        color="#5b6670",
    )
    return fig


def buy_rate_by_score_chart(by_score: pd.DataFrame, lang: str = "en") -> Figure:
    """How often listed customers really bought in the window, by score.

    Parameters
    ----------
    by_score : DataFrame
        Output of :func:`toolkit.dbmarketing.outcomes.response_by_score`
        (score, observed_rate, mail_rate, holdout_rate).
    """
    frame = by_score.sort_values("score")
    x = np.arange(len(frame))
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(x, frame["observed_rate"], color=_LIGHT, width=0.6, label=t("dbm.chart.observed_rate", lang))
    ax.plot(x, frame["mail_rate"], "o-", color=_colour(0), label=t("dbm.chart.mail_rate", lang))
    ax.plot(x, frame["holdout_rate"], "s--", color=_colour(1), label=t("dbm.chart.holdout_rate", lang))
    ax.set_xticks(x, frame["score"].astype(int).astype(str))
    ax.set_xlabel(t("dbm.chart.total_score", lang))
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_ylabel(t("common.column.response_rate", lang))
    ax.set_title(t("dbm.chart.by_score_title", lang))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=9)
    return fig


def reactivation_depth_chart(depth: pd.DataFrame, lang: str = "en") -> Figure:
    """Expected cumulative profit as more dormant customers are contacted, best first.

    Parameters
    ----------
    depth : DataFrame
        Output of :func:`toolkit.dbmarketing.reactivation.reactivation_depth`.
    """
    currency = current_currency()
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(depth["rank"], depth["cumulative_profit"], color=_colour(0), lw=2)
    ax.axhline(0, color=_GREY, lw=0.8)
    if len(depth):
        best = depth.loc[depth["cumulative_profit"].idxmax()]
        ax.scatter([best["rank"]], [best["cumulative_profit"]], color=_colour(1), zorder=3, s=40)
        ax.annotate(
            t(
                "dbm.chart.best_depth",
                lang,
                n=numbers.count(best["rank"], lang),
                profit=numbers.money(best["cumulative_profit"], currency, lang),
            ),
            (best["rank"], best["cumulative_profit"]),
            textcoords="offset points",
            xytext=(-10, -28),
            ha="right",
            fontsize=9,
        )
    ax.set_xlabel(t("dbm.chart.contacted_best_first", lang))
    ax.xaxis.set_major_formatter(_count_formatter(lang))
    ax.set_ylabel(money_label(t("common.column.expected_profit", lang), lang, currency))
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_title(t("dbm.chart.depth_title", lang))
    return fig


def retention_projection_chart(projection: pd.DataFrame, lang: str = "en") -> Figure:
    """Profit lost each year, and in total, while the defection goes on.

    Parameters
    ----------
    projection : DataFrame
        Output of :func:`toolkit.dbmarketing.retention.retention_projection`.
    """
    currency = current_currency()
    fig, ax = plt.subplots(figsize=(8, 4))
    years = projection["year"].astype(int).to_numpy()
    ax.bar(
        years,
        projection["profit_lost"],
        color=_colour(0),
        width=0.6,
        label=t("common.column.profit_lost", lang),
    )
    ax.plot(
        years,
        projection["cumulative_profit_lost"],
        "o-",
        color=_colour(1),
        label=t("common.column.cumulative_profit_lost", lang),
    )
    for x, value in zip(years, projection["profit_lost"]):
        ax.text(
            x,
            value / 2,
            numbers.money(value, currency, lang, short=True),
            ha="center",
            va="center",
            color="white",
            fontsize=9,
            fontweight="bold",
        )
    ax.set_xticks(years, [t("dbm.chart.year_n", lang, n=int(y)) for y in years])
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_ylabel(money_label(t("common.column.profit", lang), lang, currency))
    ax.set_title(t("dbm.chart.retention_title", lang))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    return fig
